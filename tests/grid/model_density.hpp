#pragma once
// Test helper: a model molecular density shaped like a def2-SVP Kohn-Sham density, and model exchange
// energies.
//
// Each atom carries |phi|^2 of its def2-SVP shells (exponents and 1s/2p contractions of
// share/basis/def2-svp.g94) with unequal p and d occupations, so the atomic densities are anisotropic; each
// bonded pair gets a Gaussian bond charge at the product centre of the two valence s primitives. Every term
// is c q(r - C) exp(-a |r - C|^2) with q = 1, sum_i n_i x_i^2 or n0 (xy)^2 + n1 (yz)^2 + n2 (zx)^2, so N and
// gradients are exact. It is no SCF density, but it has the features that make grids converge slowly: tight
// cores (density exponents up to 4500), diffuse valence tails and off-atom anisotropy.
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dixc/chem/molecule.hpp"
#include "dixc/grid/molecular_grid.hpp"

namespace dixc::grid::gridtest {

struct DensityTerm {
  std::array<double, 3> center;
  double alpha;
  double coef;
  int kind;                 // 0: s, 1: p-like (x_i^2), 2: d-like ((x_i x_j)^2)
  std::array<double, 3> n;  // component occupations for kinds 1 and 2
};

class ModelDensity {
 public:
  explicit ModelDensity(const chem::Molecule& mol) {
    for (const auto& atom : mol.atoms) add_atom(atom);
    for (std::size_t a = 0; a < mol.atoms.size(); ++a) {
      for (std::size_t b = a + 1; b < mol.atoms.size(); ++b) {
        const auto& pa = mol.atoms[a].position_bohr;
        const auto& pb = mol.atoms[b].position_bohr;
        const double r = std::hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]);
        if (r > 3.2) continue;
        const double ea = valence_s(mol.atoms[a].Z), eb = valence_s(mol.atoms[b].Z);
        std::array<double, 3> p{};
        for (int k = 0; k < 3; ++k) p[k] = (ea * pa[k] + eb * pb[k]) / (ea + eb);
        add_s(p, {{ea + eb, 1.0}}, 0.15);
      }
    }
  }

  double electrons() const { return electrons_; }

  void evaluate(const std::array<double, 3>& pt, double& rho, std::array<double, 3>& grad) const {
    rho = 0.0;
    grad = {0.0, 0.0, 0.0};
    for (const auto& t : terms_) {
      const double x = pt[0] - t.center[0], y = pt[1] - t.center[1], z = pt[2] - t.center[2];
      const double ar2 = t.alpha * (x * x + y * y + z * z);
      if (ar2 > 700.0) continue;
      const double e = t.coef * std::exp(-ar2);
      double q = 1.0, qx = 0.0, qy = 0.0, qz = 0.0;
      if (t.kind == 1) {
        q = t.n[0] * x * x + t.n[1] * y * y + t.n[2] * z * z;
        qx = 2 * t.n[0] * x, qy = 2 * t.n[1] * y, qz = 2 * t.n[2] * z;
      } else if (t.kind == 2) {
        q = t.n[0] * x * x * y * y + t.n[1] * y * y * z * z + t.n[2] * z * z * x * x;
        qx = 2 * x * (t.n[0] * y * y + t.n[2] * z * z);
        qy = 2 * y * (t.n[0] * x * x + t.n[1] * z * z);
        qz = 2 * z * (t.n[1] * y * y + t.n[2] * x * x);
      }
      rho += e * q;
      grad[0] += e * (qx - 2 * t.alpha * q * x);
      grad[1] += e * (qy - 2 * t.alpha * q * y);
      grad[2] += e * (qz - 2 * t.alpha * q * z);
    }
  }

 private:
  using Prims = std::vector<std::pair<double, double>>;  // (exponent, coefficient of normalized primitive)

  static double valence_s(int z) {
    switch (z) {
      case 1:
        return 0.44453796;
      case 6:
        return 0.40245147363;
      case 7:
        return 0.58731856571;
      case 8:
        return 0.80975975668;
      default:
        throw std::invalid_argument("model density: no data for Z = " + std::to_string(z));
    }
  }

  // int of the unnormalized shapes exp(-a r^2), x^2 exp(-a r^2), x^2 y^2 exp(-a r^2)
  static double shape_integral(int kind, double a) {
    const double g = std::pow(std::numbers::pi / a, 1.5);
    return kind == 0 ? g : kind == 1 ? g / (2 * a) : g / (4 * a * a);
  }

  // |phi|^2 of a contracted shell as primitive-pair Gaussians, normalized to one electron per component.
  void add_shell(const std::array<double, 3>& c, const Prims& prims, int kind, std::array<double, 3> occ,
                 double total_s = 0.0) {
    const double l = kind;  // primitive normalization ~ alpha^(3/4 + l/2)
    std::vector<DensityTerm> shell;
    double norm = 0.0;
    for (const auto& [ai, ci] : prims) {
      for (const auto& [aj, cj] : prims) {
        const double coef = ci * cj * std::pow(ai * aj, 0.75 + 0.5 * l);
        shell.push_back({c, ai + aj, coef, kind, occ});
        norm += coef * shape_integral(kind, ai + aj);
      }
    }
    for (auto& t : shell) {
      t.coef /= norm;
      if (kind == 0) t.coef *= total_s;
      terms_.push_back(t);
    }
    electrons_ += kind == 0 ? total_s : occ[0] + occ[1] + occ[2];
  }
  void add_s(const std::array<double, 3>& c, const Prims& p, double occ) { add_shell(c, p, 0, {}, occ); }

  void add_atom(const chem::Atom& atom) {
    const auto& c = atom.position_bohr;
    switch (atom.Z) {
      case 1:
        add_s(c, {{13.0107010, 0.019682158}, {1.9622572, 0.13796524}, {0.44453796, 0.47831935}}, 0.7);
        add_s(c, {{0.12194962, 1.0}}, 0.3);
        add_shell(c, {{0.8, 1.0}}, 1, {0.01, 0.02, 0.03});
        break;
      case 6:
        add_s(c,
              {{1238.4016938, 0.0054568832},
               {186.29004992, 0.040638409},
               {42.251176346, 0.18025594},
               {11.676557932, 0.46315122},
               {3.5930506482, 0.44087173}},
              2.0);
        add_s(c, {{0.40245147363, 1.0}}, 1.2);
        add_s(c, {{0.13090182668, 1.0}}, 0.8);
        add_shell(c, {{9.4680970621, 0.038387872}, {2.0103545142, 0.21117025}, {0.54771004707, 0.51328172}},
                  1, {0.5, 0.6, 0.4});
        add_shell(c, {{0.15268613795, 1.0}}, 1, {0.2, 0.3, 0.2});
        add_shell(c, {{0.8, 1.0}}, 2, {0.03, 0.05, 0.04});
        break;
      case 7:
        add_s(c,
              {{1712.8415853, 0.0053934125},
               {257.64812677, 0.040221581},
               {58.458245853, 0.17931145},
               {16.198367905, 0.46376318},
               {5.0052600809, 0.44171423}},
              2.0);
        add_s(c, {{0.58731856571, 1.0}}, 1.2);
        add_s(c, {{0.18764592253, 1.0}}, 0.8);
        add_shell(c, {{13.571470233, 0.040072399}, {2.9257372874, 0.21807045}, {0.79927750754, 0.51294466}},
                  1, {0.7, 0.8, 0.9});
        add_shell(c, {{0.21954348034, 1.0}}, 1, {0.3, 0.2, 0.4});
        add_shell(c, {{1.0, 1.0}}, 2, {0.04, 0.03, 0.05});
        break;
      case 8:
        add_s(c,
              {{2266.1767785, 0.0053431810},
               {340.87010191, 0.039890039},
               {77.363135167, 0.17853912},
               {21.479644940, 0.46427685},
               {6.6589433124, 0.44309745}},
              2.0);
        add_s(c, {{0.80975975668, 1.0}}, 1.2);
        add_s(c, {{0.25530772234, 1.0}}, 0.8);
        add_shell(c, {{17.721504317, 0.043394573}, {3.8635505440, 0.23094121}, {1.0480920883, 0.51375311}}, 1,
                  {1.1, 0.9, 1.3});
        add_shell(c, {{0.27641544411, 1.0}}, 1, {0.5, 0.4, 0.3});
        add_shell(c, {{1.2, 1.0}}, 2, {0.05, 0.04, 0.03});
        break;
      default:
        throw std::invalid_argument("model density: no data for Z = " + std::to_string(atom.Z));
    }
  }

  std::vector<DensityTerm> terms_;
  double electrons_ = 0.0;
};

struct ModelEnergies {
  double electrons = 0.0;  // int rho
  double lda = 0.0;        // Slater exchange, -3/4 (3/pi)^(1/3) int rho^(4/3)
  double b88 = 0.0;        // Becke 88 gradient correction (beta = 0.0042), spin-unpolarized
};

// Points with rho below rho_cutoff are skipped, as XC codes do.
inline ModelEnergies model_energies(const MolecularGrid& grid, const ModelDensity& density,
                                    double rho_cutoff = 1e-14) {
  const double cx = 0.75 * std::cbrt(6.0 / std::numbers::pi);  // per spin: -cx rho_s^(4/3), rho_s = rho/2
  constexpr double beta = 0.0042;
  double n = 0.0, lda = 0.0, b88 = 0.0;
#pragma omp parallel for reduction(+ : n, lda, b88) schedule(static)
  for (std::size_t i = 0; i < grid.points.size(); ++i) {
    double rho;
    std::array<double, 3> g;
    density.evaluate(grid.points[i], rho, g);
    if (rho < rho_cutoff) continue;
    const double rs = 0.5 * rho, gs = 0.5 * std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
    const double r43 = std::pow(rs, 4.0 / 3.0), x = gs / r43;
    const double w = grid.weights[i];
    n += w * rho;
    lda += w * 2.0 * (-cx * r43);
    b88 += w * 2.0 * (-beta * r43 * x * x / (1.0 + 6.0 * beta * x * std::asinh(x)));
  }
  return {n, lda, b88};
}

// Small test molecules (Angstrom geometries converted to Bohr).
inline chem::Molecule test_molecule(const std::string& name) {
  const double s = 1.0 / chem::bohr_in_angstrom;
  auto atom = [s](int z, double x, double y, double zz) { return chem::Atom{z, {x * s, y * s, zz * s}}; };
  chem::Molecule m;
  m.name = name;
  if (name == "H2O") {
    m.atoms = {atom(8, 0, 0, 0.1173), atom(1, 0, 0.7572, -0.4692), atom(1, 0, -0.7572, -0.4692)};
  } else if (name == "CH4") {
    m.atoms = {atom(6, 0, 0, 0), atom(1, 0.6291, 0.6291, 0.6291), atom(1, -0.6291, -0.6291, 0.6291),
               atom(1, -0.6291, 0.6291, -0.6291), atom(1, 0.6291, -0.6291, -0.6291)};
  } else if (name == "C2H4") {
    m.atoms = {atom(6, 0, 0, 0.6695),       atom(6, 0, 0, -0.6695),      atom(1, 0, 0.9289, 1.2321),
               atom(1, 0, -0.9289, 1.2321), atom(1, 0, 0.9289, -1.2321), atom(1, 0, -0.9289, -1.2321)};
  } else if (name == "HCN") {
    m.atoms = {atom(1, 0, 0, -1.0640), atom(6, 0, 0, 0), atom(7, 0, 0, 1.1560)};
  } else {
    throw std::invalid_argument("test_molecule: unknown " + name);
  }
  return m;
}

}  // namespace dixc::grid::gridtest

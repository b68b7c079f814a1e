#include "dixc/scf/scf.hpp"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <optional>
#include <ostream>

#include "dixc/integrals/one_body.hpp"
#include "dixc/scf/diis.hpp"
#include "dixc/scf/guess.hpp"
#include "dixc/util/error.hpp"

namespace dixc::scf {

namespace {

using Matrix = Eigen::MatrixXd;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Rotates occupied and virtual orbitals separately to diagonalise F within each space. D is unchanged, and the
// orbital energies are those of F(D) itself rather than of the last DIIS-extrapolated matrix.
void canonicalize(const Matrix& fock, int n_occ, Matrix& c, Eigen::VectorXd& eps, const par::Eigensolver& solver) {
  const Eigen::Index n_mo = c.cols(), n_vir = n_mo - n_occ;
  eps.resize(n_mo);
  for (auto [first, count] : {std::pair<Eigen::Index, Eigen::Index>{0, n_occ}, {n_occ, n_vir}}) {
    if (count == 0) continue;
    Eigen::VectorXd w;
    Matrix u;
    const Matrix block = c.middleCols(first, count);
    solver.solve(block.transpose() * fock * block, w, u);
    c.middleCols(first, count) = block * u;
    eps.segment(first, count) = w;
  }
}

// Orbital phases are arbitrary; fixing them (largest-magnitude coefficient positive) makes stored coefficients
// and everything expressed in the MO basis reproducible from run to run.
void fix_phases(Matrix& c) {
  for (Eigen::Index k = 0; k < c.cols(); ++k) {
    Eigen::Index i = 0;
    c.col(k).cwiseAbs().maxCoeff(&i);
    if (c(i, k) < 0.0) c.col(k) *= -1.0;
  }
}

}  // namespace

GuessKind parse_guess(const std::string& name) {
  if (name == "sad") return GuessKind::sad;
  if (name == "core") return GuessKind::core;
  throw InputError("unknown SCF guess '" + name + "' (valid: sad, core)");
}

ScfResult run_scf(const chem::Molecule& molecule, const chem::BasisSet& basis, const FockBuilder& fock_builder,
                  const ScfOptions& options, const par::Eigensolver& eigensolver) {
  molecule.require_closed_shell();
  ScfResult result;
  const int n_occ = molecule.n_electrons() / 2;
  result.n_occupied = n_occ;
  const Matrix& s = fock_builder.overlap();

  auto t0 = Clock::now();
  const Matrix x = orthogonalizer(s, options.linear_dependency_threshold, eigensolver);
  if (x.cols() < n_occ)
    throw InputError("molecule '" + molecule.name + "': the basis has fewer linearly independent functions (" +
                     std::to_string(x.cols()) + ") than occupied orbitals (" + std::to_string(n_occ) + ")");
  Matrix density;
  if (options.initial_density)
    density = *options.initial_density;
  else if (options.guess == GuessKind::core)
    density = core_guess_density(fock_builder.core_hamiltonian(), x, n_occ, eigensolver);
  else
    density = sad_guess_density(molecule, basis, eigensolver);
  result.timings_s["guess"] = seconds_since(t0);

  Diis diis(options.diis_vectors);
  std::optional<IncrementalJK> incremental;
  if (options.incremental_fock) incremental.emplace(fock_builder.jk());
  Matrix c;       // orbitals that produced `density`; empty until the first diagonalisation
  Matrix c_orth;  // the same orbitals in the orthonormal basis X
  bool shifting = false;
  double energy_prev = 0.0;
  double t_fock = 0.0, t_diag = 0.0, t_jk = 0.0, t_xc = 0.0;
  if (options.log)
    *options.log << "  iter        energy (Eh)         dE (Eh)      |g|      |FDS-SDF|\n";
  for (int iter = 1; iter <= options.max_iter; ++iter) {
    auto t1 = Clock::now();
    FockResult fr = fock_builder.build(density, incremental ? &*incremental : nullptr);
    t_fock += seconds_since(t1);
    t_jk += fr.seconds_jk;
    t_xc += fr.seconds_xc;
    const double energy = fr.energy.total();
    const double delta = iter == 1 ? energy : energy - energy_prev;
    const Matrix error = x.transpose() * (fr.fock * density * s - s * density * fr.fock) * x;
    double grad_norm = NAN;
    if (c.size() != 0) grad_norm = 4.0 * (c.rightCols(c.cols() - n_occ).transpose() * fr.fock * c.leftCols(n_occ)).norm();
    if (options.log)
      *options.log << std::setw(6) << iter << std::setw(20) << std::fixed << std::setprecision(10) << energy
                   << std::setw(16) << std::scientific << std::setprecision(2) << delta << std::setw(11)
                   << grad_norm << std::setw(11) << error.norm() << std::defaultfloat << "\n";
    result.n_iter = iter;
    result.energy = fr.energy;
    result.energy_total = energy;
    result.fock = fr.fock;
    result.density = density;
    result.gradient_norm = grad_norm;
    result.last_energy_change = delta;
    result.n_electrons_integrated = fr.n_electrons_integrated;
    if (!std::isfinite(energy)) break;
    if (iter > 1 && c.size() != 0 && std::abs(delta) < options.energy_threshold &&
        grad_norm < options.gradient_threshold) {
      result.converged = true;
      break;
    }
    energy_prev = energy;
    if (!shifting && !result.used_level_shift && iter >= options.fallback_after && c.size() != 0) {
      shifting = result.used_level_shift = true;
      diis.reset();
      if (options.log) *options.log << "  no convergence by CDIIS: level shift " << options.level_shift << " Eh\n";
    } else if (shifting && grad_norm < options.shift_off_gradient) {
      shifting = false;
      diis.reset();
      if (options.log) *options.log << "  level shift removed, CDIIS to convergence\n";
    }
    Matrix f_orth = x.transpose() * diis.extrapolate(fr.fock, error) * x;
    if (shifting) {
      // F' + shift (1 - C'_o C'_o^T): raises the virtual space of the current orbitals.
      const Matrix occ = c_orth.leftCols(n_occ);
      f_orth += options.level_shift * (Matrix::Identity(f_orth.rows(), f_orth.cols()) - occ * occ.transpose());
    }
    auto t2 = Clock::now();
    Eigen::VectorXd eps;
    eigensolver.solve(f_orth, eps, c_orth);
    t_diag += seconds_since(t2);
    c = x * c_orth;
    result.orbital_energies = eps;
    density = 2.0 * c.leftCols(n_occ) * c.leftCols(n_occ).transpose();
  }
  if (incremental) result.incremental_fock_builds = incremental->incremental_builds();
  result.timings_s["fock"] = t_fock;
  result.timings_s["diagonalize"] = t_diag;
  result.timings_s["fock_jk"] = t_jk;
  result.timings_s["fock_xc"] = t_xc;

  if (c.size() != 0) {
    canonicalize(result.fock, n_occ, c, result.orbital_energies, eigensolver);
    fix_phases(c);
  }
  result.coefficients = c;

  // Dipole: nuclear minus electronic, origin at (0, 0, 0) as in the input frame.
  const auto r = integrals::dipole(basis, {0.0, 0.0, 0.0});
  for (int k = 0; k < 3; ++k) {
    double nuclear = 0.0;
    for (const auto& atom : molecule.atoms) nuclear += atom.Z * atom.position_bohr[k];
    result.dipole_au[k] = nuclear - result.density.cwiseProduct(r[k]).sum();
  }
  result.timings_s["total"] = seconds_since(t0);
  return result;
}

}  // namespace dixc::scf

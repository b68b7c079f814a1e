#include "dixc/grid/partition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "dixc/chem/element.hpp"
#include "dixc/util/error.hpp"

namespace dixc::grid {

namespace {

constexpr double kSsfA = 0.64;  // SSF 1996, eq. 14

double distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

// Becke 1988 eqs. 19-21: s(nu) = (1 - p(p(p(nu)))) / 2 with p(x) = 3/2 x - 1/2 x^3.
double becke_step(double nu) {
  for (int k = 0; k < 3; ++k) nu = 1.5 * nu - 0.5 * nu * nu * nu;
  return 0.5 * (1.0 - nu);
}

// SSF 1996 eqs. 11-14: g(x) = (35x - 35x^3 + 21x^5 - 5x^7)/16 on |x| < 1, x = mu/a, clamped to +-1 outside.
double ssf_step(double mu) {
  if (mu <= -kSsfA) return 1.0;
  if (mu >= kSsfA) return 0.0;
  const double x = mu / kSsfA, x2 = x * x;
  const double g = x * (35.0 + x2 * (-35.0 + x2 * (21.0 - 5.0 * x2))) / 16.0;
  return 0.5 * (1.0 - g);
}

}  // namespace

AtomicPartition::AtomicPartition(const chem::Molecule& molecule, PartitionScheme scheme,
                                 SizeAdjustment adjustment)
    : scheme_(scheme) {
  const std::size_t n = molecule.atoms.size();
  centers_.reserve(n);
  std::vector<double> radius(n);
  for (std::size_t a = 0; a < n; ++a) {
    centers_.push_back(molecule.atoms[a].position_bohr);
    radius[a] = chem::element_by_number(molecule.atoms[a].Z).bragg_radius_angstrom;
  }
  inv_r_.assign(n * n, 0.0);
  adjust_.assign(n * n, 0.0);
  ssf_radius_.assign(n, std::numeric_limits<double>::infinity());
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      if (a == b) continue;
      const double r_ab = distance(centers_[a], centers_[b]);
      if (r_ab < 1e-8) {
        throw InputError("molecule '" + molecule.name + "': atoms " + std::to_string(a + 1) + " and " +
                         std::to_string(b + 1) + " coincide; the integration grid cannot separate them");
      }
      inv_r_[a * n + b] = 1.0 / r_ab;
      ssf_radius_[a] = std::min(ssf_radius_[a], 0.5 * (1.0 - kSsfA) * r_ab);
      // Becke 1988, appendix: u = (chi-1)/(chi+1), a = u/(u^2-1) = (1/chi - chi)/4, clamped to |a| <= 1/2 so
      // that nu = mu + a (1 - mu^2) stays monotonic on [-1, 1]; a_BA = -a_AB. chi = R_A/R_B (Becke) or
      // sqrt(R_A/R_B) (Treutler-Ahlrichs 1995), with Bragg-Slater radii.
      if (scheme == PartitionScheme::becke && adjustment != SizeAdjustment::none) {
        double chi = radius[a] / radius[b];
        if (adjustment == SizeAdjustment::treutler) chi = std::sqrt(chi);
        adjust_[a * n + b] = std::clamp(0.25 * (1.0 / chi - chi), -0.5, 0.5);
      }
    }
  }
}

double AtomicPartition::step(std::size_t a, std::size_t b, double d_a, double d_b) const {
  const std::size_t n = centers_.size();
  const double mu = (d_a - d_b) * inv_r_[a * n + b];
  if (scheme_ == PartitionScheme::becke) return becke_step(mu + adjust_[a * n + b] * (1.0 - mu * mu));
  return ssf_step(mu);
}

void AtomicPartition::cell_functions(const double* dist, double* p) const {
  const std::size_t n = centers_.size();
  std::fill(p, p + n, 1.0);
  // s_BA = 1 - s_AB for both schemes (the step polynomials are odd and nu_BA = -nu_AB), so visit pairs once.
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = a + 1; b < n; ++b) {
      const double s = step(a, b, dist[a], dist[b]);
      p[a] *= s;
      p[b] *= 1.0 - s;
    }
  }
}

double AtomicPartition::weight(std::size_t atom, const std::array<double, 3>& r,
                               std::vector<double>& scratch) const {
  const std::size_t n = centers_.size();
  if (n == 1) return 1.0;
  scratch.resize(2 * n);
  double* dist = scratch.data();
  double* p = dist + n;
  for (std::size_t b = 0; b < n; ++b) dist[b] = distance(r, centers_[b]);
  if (scheme_ == PartitionScheme::ssf && dist[atom] < ssf_radius_[atom]) return 1.0;  // SSF screening
  // Own cell function first: when it vanishes (SSF: some mu_AB >= a) the O(N^2) normalization is not needed.
  // (Bounding the other P_B by their step against the nearest atom skips too few atoms to pay off with
  // Becke's slowly decaying steps; measured on a 26-atom alkane it made the build slower.)
  double p_own = 1.0;
  for (std::size_t b = 0; b < n && p_own > 0.0; ++b) {
    if (b != atom) p_own *= step(atom, b, dist[atom], dist[b]);
  }
  if (p_own == 0.0) return 0.0;
  cell_functions(dist, p);
  double total = 0.0;
  for (std::size_t b = 0; b < n; ++b) total += p[b];
  return p[atom] / total;
}

void AtomicPartition::weights(const std::array<double, 3>& r, std::vector<double>& out) const {
  const std::size_t n = centers_.size();
  std::vector<double> dist(n);
  for (std::size_t b = 0; b < n; ++b) dist[b] = distance(r, centers_[b]);
  out.resize(n);
  cell_functions(dist.data(), out.data());
  double total = 0.0;
  for (double v : out) total += v;
  for (double& v : out) v /= total;
}

}  // namespace dixc::grid

#pragma once
// A basis of single-primitive normalised s functions, for which overlap, kinetic, nuclear-attraction and
// Coulomb integrals have closed forms (Szabo & Ostlund, Appendix A) that do not go through libint2.
#include <array>
#include <cmath>
#include <vector>

#include "dixc/chem/basis.hpp"

namespace dixc::test {

struct SPrimitive {
  double exponent;
  std::array<double, 3> center;
};

inline chem::BasisSet s_type_basis(const std::vector<SPrimitive>& prims) {
  chem::BasisSet b;
  b.name = "s-primitives";
  for (const auto& p : prims) {
    b.shell_offset.push_back(b.nbf);
    b.shell_atom.push_back(static_cast<int>(b.shells.size()));
    b.shells.push_back(libint2::Shell{{p.exponent}, {{0, false, {1.0}}}, {{p.center[0], p.center[1], p.center[2]}}});
    b.nbf += 1;
    b.max_nprim = 1;
  }
  return b;
}

inline double dist2(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]);
}

// Boys function F0(t) = sqrt(pi/t) erf(sqrt t) / 2.
inline double boys0(double t) { return t < 1e-12 ? 1.0 - t / 3.0 : 0.5 * std::sqrt(M_PI / t) * std::erf(std::sqrt(t)); }

inline double norm_s(double a) { return std::pow(2.0 * a / M_PI, 0.75); }

inline std::array<double, 3> gaussian_product_center(const SPrimitive& a, const SPrimitive& b) {
  const double p = a.exponent + b.exponent;
  return {(a.exponent * a.center[0] + b.exponent * b.center[0]) / p,
          (a.exponent * a.center[1] + b.exponent * b.center[1]) / p,
          (a.exponent * a.center[2] + b.exponent * b.center[2]) / p};
}

inline double overlap_ss(const SPrimitive& a, const SPrimitive& b) {
  const double p = a.exponent + b.exponent, mu = a.exponent * b.exponent / p;
  return norm_s(a.exponent) * norm_s(b.exponent) * std::pow(M_PI / p, 1.5) * std::exp(-mu * dist2(a.center, b.center));
}

inline double kinetic_ss(const SPrimitive& a, const SPrimitive& b) {
  const double p = a.exponent + b.exponent, mu = a.exponent * b.exponent / p, r2 = dist2(a.center, b.center);
  return mu * (3.0 - 2.0 * mu * r2) * overlap_ss(a, b);
}

// <a| -Z/|r-C| |b>
inline double nuclear_ss(const SPrimitive& a, const SPrimitive& b, double z, const std::array<double, 3>& c) {
  const double p = a.exponent + b.exponent, mu = a.exponent * b.exponent / p;
  return -z * norm_s(a.exponent) * norm_s(b.exponent) * 2.0 * M_PI / p *
         std::exp(-mu * dist2(a.center, b.center)) * boys0(p * dist2(gaussian_product_center(a, b), c));
}

// (ab|cd)
inline double eri_ssss(const SPrimitive& a, const SPrimitive& b, const SPrimitive& c, const SPrimitive& d) {
  const double p = a.exponent + b.exponent, q = c.exponent + d.exponent;
  const double kab = std::exp(-a.exponent * b.exponent / p * dist2(a.center, b.center));
  const double kcd = std::exp(-c.exponent * d.exponent / q * dist2(c.center, d.center));
  const double t = p * q / (p + q) * dist2(gaussian_product_center(a, b), gaussian_product_center(c, d));
  return norm_s(a.exponent) * norm_s(b.exponent) * norm_s(c.exponent) * norm_s(d.exponent) * 2.0 *
         std::pow(M_PI, 2.5) / (p * q * std::sqrt(p + q)) * kab * kcd * boys0(t);
}

}  // namespace dixc::test

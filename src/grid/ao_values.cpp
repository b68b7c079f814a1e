#include "dixc/grid/ao_values.hpp"

#include <cmath>

#include <libint2/solidharmonics.h>

namespace dixc::grid {

namespace {

// Cartesian exponents of a shell in libint2's standard order (xx, xy, xz, yy, yz, zz for l = 2).
std::vector<std::array<int, 3>> cartesian_exponents(int l) {
  std::vector<std::array<int, 3>> out;
  for (int i = 0; i <= l; ++i)
    for (int j = 0; j <= i; ++j) out.push_back({l - i, i - j, j});
  return out;
}

double int_pow(double x, int n) {
  double r = 1.0;
  for (int i = 0; i < n; ++i) r *= x;
  return r;
}

}  // namespace

std::vector<double> shell_extents(const chem::BasisSet& basis, double threshold) {
  std::vector<double> extents;
  extents.reserve(basis.shells.size());
  for (const auto& shell : basis.shells) {
    const int l = shell.contr[0].l;
    // Upper bound of |phi| at distance r: sum_p |c_p| r^l exp(-a_p r^2) (Cartesian factor <= r^l, solid-harmonic
    // coefficients are O(1)). Bisection for the outermost crossing of the threshold.
    auto bound = [&](double r) {
      double s = 0.0;
      for (std::size_t p = 0; p < shell.nprim(); ++p)
        s += std::abs(shell.contr[0].coeff[p]) * int_pow(r, l) * std::exp(-shell.alpha[p] * r * r);
      return 4.0 * s;
    };
    double lo = 0.0, hi = 1.0;
    while (bound(hi) > threshold) hi *= 2.0;
    for (int it = 0; it < 60; ++it) {
      const double mid = 0.5 * (lo + hi);
      (bound(mid) > threshold ? lo : hi) = mid;
    }
    // The bound may dip below the threshold near the nucleus for l > 0; the far crossing is what matters.
    extents.push_back(hi);
  }
  return extents;
}

AoBlock evaluate_ao(const chem::BasisSet& basis, const std::vector<double>& extents,
                    const std::vector<std::array<double, 3>>& points, const GridBlock& block, bool with_gradient) {
  AoBlock out;
  std::vector<std::size_t> shells;
  for (std::size_t s = 0; s < basis.shells.size(); ++s) {
    const auto& o = basis.shells[s].O;
    const double d = std::sqrt((o[0] - block.center[0]) * (o[0] - block.center[0]) +
                               (o[1] - block.center[1]) * (o[1] - block.center[1]) +
                               (o[2] - block.center[2]) * (o[2] - block.center[2]));
    if (d - block.radius > extents[s]) continue;
    shells.push_back(s);
    for (std::size_t f = 0; f < basis.shells[s].size(); ++f)
      out.functions.push_back(static_cast<int>(basis.shell_offset[s] + f));
  }
  const Eigen::Index np = static_cast<Eigen::Index>(block.end - block.begin);
  const Eigen::Index nf = static_cast<Eigen::Index>(out.functions.size());
  out.value = Eigen::MatrixXd::Zero(np, nf);
  if (with_gradient)
    for (auto& g : out.gradient) g = Eigen::MatrixXd::Zero(np, nf);

  Eigen::Index col = 0;
  std::vector<double> cart_v, cart_x, cart_y, cart_z;
  for (std::size_t s : shells) {
    const auto& shell = basis.shells[s];
    const int l = shell.contr[0].l;
    const bool pure = shell.contr[0].pure;
    const auto exps = cartesian_exponents(l);
    const std::size_t ncart = exps.size();
    cart_v.assign(ncart, 0.0);
    cart_x.assign(ncart, 0.0);
    cart_y.assign(ncart, 0.0);
    cart_z.assign(ncart, 0.0);
    const auto& shg = libint2::solidharmonics::SolidHarmonicsCoefficients<double>::instance(l);
    for (Eigen::Index p = 0; p < np; ++p) {
      const auto& r = points[block.begin + p];
      const double x = r[0] - shell.O[0], y = r[1] - shell.O[1], z = r[2] - shell.O[2];
      const double r2 = x * x + y * y + z * z;
      // Radial part R = sum c e^{-a r^2} and dR/dr / r = sum -2 a c e^{-a r^2}.
      double radial = 0.0, radial_d = 0.0;
      for (std::size_t k = 0; k < shell.nprim(); ++k) {
        const double e = shell.contr[0].coeff[k] * std::exp(-shell.alpha[k] * r2);
        radial += e;
        radial_d += -2.0 * shell.alpha[k] * e;
      }
      for (std::size_t c = 0; c < ncart; ++c) {
        const auto [a, b, cz] = exps[c];
        const double ang = int_pow(x, a) * int_pow(y, b) * int_pow(z, cz);
        cart_v[c] = ang * radial;
        if (with_gradient) {
          // d/dx (x^a y^b z^c R) = a x^{a-1} y^b z^c R + x^{a+1} y^b z^c (R'/r)
          cart_x[c] = (a ? a * int_pow(x, a - 1) * int_pow(y, b) * int_pow(z, cz) * radial : 0.0) + x * ang * radial_d;
          cart_y[c] = (b ? b * int_pow(x, a) * int_pow(y, b - 1) * int_pow(z, cz) * radial : 0.0) + y * ang * radial_d;
          cart_z[c] = (cz ? cz * int_pow(x, a) * int_pow(y, b) * int_pow(z, cz - 1) * radial : 0.0) + z * ang * radial_d;
        }
      }
      if (!pure) {
        for (std::size_t c = 0; c < ncart; ++c) {
          out.value(p, col + c) = cart_v[c];
          if (with_gradient) {
            out.gradient[0](p, col + c) = cart_x[c];
            out.gradient[1](p, col + c) = cart_y[c];
            out.gradient[2](p, col + c) = cart_z[c];
          }
        }
        continue;
      }
      for (int m = 0; m < 2 * l + 1; ++m) {
        const double* coef = shg.row_values(m);
        const unsigned char* idx = shg.row_idx(m);
        double v = 0.0, gx = 0.0, gy = 0.0, gz = 0.0;
        for (int k = 0; k < shg.nnz(m); ++k) {
          v += coef[k] * cart_v[idx[k]];
          gx += coef[k] * cart_x[idx[k]];
          gy += coef[k] * cart_y[idx[k]];
          gz += coef[k] * cart_z[idx[k]];
        }
        out.value(p, col + m) = v;
        if (with_gradient) {
          out.gradient[0](p, col + m) = gx;
          out.gradient[1](p, col + m) = gy;
          out.gradient[2](p, col + m) = gz;
        }
      }
    }
    col += static_cast<Eigen::Index>(shell.size());
  }
  return out;
}

}  // namespace dixc::grid

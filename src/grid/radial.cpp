#include "dixc/grid/radial.hpp"

#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace dixc::grid {

double treutler_xi(int z) {
  // TA 1995, Table I: H..Kr.
  static constexpr std::array<double, 36> xi{0.8, 0.9,                                // H, He
                                             1.8, 1.4, 1.3, 1.1, 0.9, 0.9, 0.9, 0.9,  // Li..Ne
                                             1.4, 1.3, 1.3, 1.2, 1.1, 1.0, 1.0, 1.0,  // Na..Ar
                                             1.5, 1.4, 1.3, 1.2, 1.2, 1.2, 1.2, 1.2,
                                             1.2, 1.1, 1.1, 1.1,             // K..Zn
                                             1.1, 1.0, 0.9, 0.9, 0.9, 0.9};  // Ga..Kr
  if (z < 1 || z > static_cast<int>(xi.size())) {
    throw std::invalid_argument("treutler_xi: no Treutler-Ahlrichs scaling factor for Z = " +
                                std::to_string(z) + " (tabulated for 1..36)");
  }
  return xi[z - 1];
}

RadialRule treutler_ahlrichs_rule(int n, double xi) {
  if (n < 1 || !(xi > 0.0)) {
    throw std::invalid_argument("treutler_ahlrichs_rule: need n >= 1 and xi > 0 (got n = " +
                                std::to_string(n) + ", xi = " + std::to_string(xi) + ")");
  }
  // Chebyshev second kind on [-1, 1]: int f(x) dx ~ sum_i pi/(n+1) sin(theta_i) f(x_i), x_i = cos(theta_i)
  // (the sin^2 weight of int sqrt(1-x^2) g dx divided by sqrt(1-x^2)). Then dr = r'(x) dx.
  // 1 - x and 1 + x are formed from half angles, 2 sin^2(theta/2) and 2 cos^2(theta/2), so the outermost
  // points (x -> 1) keep full relative accuracy.
  constexpr double alpha = 0.6;
  const double scale = xi / std::numbers::ln2;
  const double step = std::numbers::pi / (n + 1);
  RadialRule rule;
  rule.r.resize(n);
  rule.w.resize(n);
  for (int i = 1; i <= n; ++i) {
    const double theta = i * step;
    const double s = std::sin(0.5 * theta);
    const double c = std::cos(0.5 * theta);
    const double one_minus_x = 2.0 * s * s;
    const double one_plus_x = 2.0 * c * c;
    const double log_term = -std::log(s * s);  // ln(2 / (1 - x))
    const double power = std::pow(one_plus_x, alpha);
    const double r = scale * power * log_term;
    // dr/dx = xi/ln2 [alpha (1+x)^(alpha-1) ln(2/(1-x)) + (1+x)^alpha / (1-x)]
    const double drdx = scale * (alpha * power / one_plus_x * log_term + power / one_minus_x);
    // theta increases with i, so x decreases and r decreases: store from the inside out.
    rule.r[n - i] = r;
    rule.w[n - i] = step * std::sin(theta) * drdx * r * r;
  }
  return rule;
}

}  // namespace dixc::grid

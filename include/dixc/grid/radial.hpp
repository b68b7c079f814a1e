#pragma once
// Radial quadrature for atom-centred integration: Treutler-Ahlrichs M4 mapping (O. Treutler and R. Ahlrichs,
// J. Chem. Phys. 102, 346 (1995), eq. 19 with alpha = 0.6) of the Gauss-Chebyshev rule of the second kind.
#include <vector>

namespace dixc::grid {

// sum_i w[i] f(r[i]) ~ int_0^inf f(r) r^2 dr; r in Bohr, strictly increasing, all w > 0.
struct RadialRule {
  std::vector<double> r;
  std::vector<double> w;
};

// Treutler-Ahlrichs scaling factor xi for Z = 1..36 (TA 1995, Table I). Throws std::invalid_argument
// otherwise.
double treutler_xi(int z);

// n-point M4 rule: x_i = cos(i pi / (n+1)), r_i = xi/ln2 * (1 + x_i)^0.6 * ln(2 / (1 - x_i)).
// Throws std::invalid_argument for n < 1 or xi <= 0.
RadialRule treutler_ahlrichs_rule(int n, double xi);

}  // namespace dixc::grid

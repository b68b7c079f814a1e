#pragma once
// Closed-shell energy bookkeeping (theory.md section 1):
//   E = E_nn + tr(hD) + 1/2 tr(D J[D]) - (c_x/4) tr(D K[D]) + E_sl[rho_D]
namespace dixc::scf {

struct EnergyComponents {
  double nuclear_repulsion = 0.0;
  double one_electron = 0.0;  // tr(h D)
  double coulomb = 0.0;       // 1/2 tr(D J[D])
  double exchange = 0.0;      // -(c_x/4) tr(D K[D]), the exact-exchange part
  double xc = 0.0;            // semilocal part E_sl

  double total() const { return nuclear_repulsion + one_electron + coulomb + exchange + xc; }
  // E_xc of theory.md: exact-exchange plus semilocal parts.
  double exchange_correlation() const { return exchange + xc; }
};

}  // namespace dixc::scf

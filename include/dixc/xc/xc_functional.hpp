#pragma once
// The exchange-correlation functional as the SCF and response code see it (theory.md sections 1-2):
//   E_xc[D] = E_sl[rho_D] - (c_x/4) tr(D K[D]),   V_xc = V_sl - (c_x/2) K[D],
// where E_sl is the semilocal (grid) part and c_x the exact-exchange fraction. Implementations provide the semilocal
// part bound to one molecule, basis and grid; the interface applies the exact-exchange share (add_potential,
// add_exchange_kernel, add_exchange_kernel_ov) to exchange matrices K[.] that the caller builds in the same
// integral sweep as its Coulomb matrices. The add_ forms accumulate into the caller's matrix in a fixed order, so
// the numbers do not depend on how a caller groups its terms.
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace dixc::xc {

struct SemilocalEnergyPotential {
  double energy = 0.0;        // E_sl[rho_D] (Eh)
  Eigen::MatrixXd potential;  // dE_sl/dD in the AO basis (nbf x nbf, symmetric)
  double n_electrons = 0.0;   // grid integral of rho_D, a check of the grid
};

// The XC energy at a density: the semilocal and the exact-exchange parts (reported apart), and the grid's electron
// count (0 without a semilocal part).
struct XcEnergies {
  double semilocal = 0.0, exchange = 0.0;
  double n_electrons = 0.0;
  double total() const { return semilocal + exchange; }
};

class XcFunctional {
 public:
  virtual ~XcFunctional() = default;
  virtual std::string name() const = 0;
  virtual double exact_exchange_fraction() const = 0;
  // False for Hartree-Fock: no grid work at all.
  virtual bool has_semilocal_part() const = 0;
  // Points of the integration grid (0 without a semilocal part).
  virtual std::size_t grid_points() const { return 0; }
  virtual SemilocalEnergyPotential semilocal(const Eigen::MatrixXd& density) const = 0;
  // Second-derivative contraction of the semilocal part at `density`: for every symmetric first-order density
  // X_k, returns (d^2 E_sl / dD^2) X_k as an AO matrix (theory.md section 2, V_xc^GGA(1)[X]).
  virtual std::vector<Eigen::MatrixXd> semilocal_kernel(const Eigen::MatrixXd& density,
                                                        const std::vector<Eigen::MatrixXd>& perturbations) const = 0;
  // The same contraction for orbital-rotation perturbations S_k = C_v v_k C_o^T + C_o v_k^T C_v^T, projected
  // onto the virtual-occupied block: returns C_v^T (d^2 E_sl/dD^2)[S_k] C_o (n_vir x n_occ) for every v_k.
  // Response code needs only this block; implementations can compute it on the grid in the MO basis, which
  // costs n_vir x n_occ instead of nbf^2 per point and direction. The default goes through the AO kernel.
  virtual std::vector<Eigen::MatrixXd> semilocal_kernel_ov(const Eigen::MatrixXd& density, const Eigen::MatrixXd& c_occ,
                                                           const Eigen::MatrixXd& c_vir,
                                                           const std::vector<Eigen::MatrixXd>& directions) const;

  bool has_exact_exchange() const { return exact_exchange_fraction() != 0.0; }
  // Adds V_xc[D] = -(c_x/2) K[D] + V_sl[D] to `matrix` (theory.md section 1) and returns the energies;
  // `exchange` = K[D], read only if has_exact_exchange().
  XcEnergies add_potential(const Eigen::MatrixXd& density, const Eigen::MatrixXd* exchange,
                           Eigen::MatrixXd& matrix) const;
  // The exact-exchange share of the response kernel (theory.md section 2): matrix -= c_x K[X] for an AO response
  // matrix; nothing without exact exchange. The semilocal share is semilocal_kernel_ov.
  void add_exchange_kernel(const Eigen::MatrixXd& exchange, Eigen::MatrixXd& matrix) const;
  // The same, projected on the virtual-occupied block: ov -= c_x C_v^T K[X] C_o.
  void add_exchange_kernel_ov(const Eigen::MatrixXd& exchange, const Eigen::MatrixXd& c_occ,
                              const Eigen::MatrixXd& c_vir, Eigen::MatrixXd& ov) const;
};

}  // namespace dixc::xc

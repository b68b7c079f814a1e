#pragma once
// The exchange-correlation functional as the SCF and response code see it (theory.md sections 1-2):
//   E_xc[D] = E_sl[rho_D] - (c_x/4) tr(D K[D]),   V_xc = V_sl - (c_x/2) K[D],
// where E_sl is the semilocal (grid) part and c_x the exact-exchange fraction. The exact-exchange part is the
// caller's (it needs the ERIs); implementations provide the semilocal part bound to one molecule, basis and grid.
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
};

}  // namespace dixc::xc

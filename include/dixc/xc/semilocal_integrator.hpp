#pragma once
// Grid integration of a semilocal (LDA/GGA/meta-GGA) energy and its first and second derivatives with respect to
// the AO density matrix, for any point-wise functional (libxc, learned). The functional only supplies, per
// point, the energy density and the coefficients (a, b, c) of
//   V_{mu nu} = sum_p w_p [ a_p phi_mu phi_nu + b_p . grad(phi_mu phi_nu) + c_p/2 grad phi_mu . grad phi_nu ]
// which is dE/dD for a = de/drho, b = 2 de/dsigma grad rho, c = de/dtau, and the kernel contraction for the
// corresponding first-order quantities (theory.md sections 2 and 5).
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"
#include "dixc/grid/ao_values.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::xc {

// Density quantities on the points of one block. sigma = |grad rho|^2; tau = 1/2 sum D grad phi . grad phi.
struct PointDensity {
  Eigen::VectorXd rho;
  Eigen::MatrixX3d grad;  // empty for LDA
  Eigen::VectorXd sigma;  // empty for LDA
  Eigen::VectorXd tau;    // empty unless a meta-GGA asks for it
};

struct PointPotential {
  Eigen::VectorXd a;   // coefficient of phi phi
  Eigen::MatrixX3d b;  // coefficient of grad(phi phi); empty for LDA
  Eigen::VectorXd c;   // coefficient of 1/2 grad phi . grad phi; empty without tau
};

enum class DensityOrder { lda, gga, meta_gga };

class SemilocalIntegrator {
 public:
  // ground: density -> (energy density per volume e_p, potential coefficients)
  using EnergyKernel = std::function<void(const PointDensity&, Eigen::VectorXd& energy_density, PointPotential&)>;
  // The response kernel in two stages. `factors`: ground-state density of a block and the grid index of its
  // first point -> per-point factors (n_points x m, e.g. libxc's second derivatives, see point_kernel.hpp); `apply`:
  // (ground, factors, first-order densities) -> first-order potential coefficients, one per perturbation. The factors
  // depend only on the density, so the integrator keeps them for the last density it saw: repeated products at one
  // reference solution (Hessian batches, every Davidson iteration of TDDFT) evaluate the functional's second
  // derivatives once.
  // A kernel that is not diagonal in the points (non-local models) sets `whole_grid` instead of `apply`: the
  // first-order densities of every point (grid order) -> weighted first-order coefficients of every point
  // (kernel_contraction_ov only; `factors` may then return an empty matrix).
  struct ResponseKernel {
    std::function<Eigen::MatrixXd(const PointDensity& ground, std::size_t first_point)> factors;
    std::function<void(const PointDensity& ground, const Eigen::MatrixXd& factors,
                       const std::vector<PointDensity>& first, std::vector<PointPotential>& out)>
        apply;
    std::function<std::vector<PointPotential>(const std::vector<PointDensity>& first)> whole_grid;
  };

  // ao_cache_bytes: AO values (and gradients) of all blocks are kept in memory when they fit in this budget,
  // and recomputed per call otherwise.
  SemilocalIntegrator(const chem::BasisSet& basis, grid::MolecularGrid grid, DensityOrder order,
                      std::size_t ao_cache_bytes = std::size_t(2) << 30);

  SemilocalEnergyPotential energy_potential(const Eigen::MatrixXd& density, const EnergyKernel& kernel) const;
  std::vector<Eigen::MatrixXd> kernel_contraction(const Eigen::MatrixXd& density,
                                                  const std::vector<Eigen::MatrixXd>& perturbations,
                                                  const ResponseKernel& kernel) const;
  // C_v^T V1[S_k] C_o for orbital-rotation perturbations S_k = C_v v_k C_o^T + C_o v_k^T C_v^T, evaluated in the
  // MO basis on each block (see XcFunctional::semilocal_kernel_ov).
  std::vector<Eigen::MatrixXd> kernel_contraction_ov(const Eigen::MatrixXd& density, const Eigen::MatrixXd& c_occ,
                                                     const Eigen::MatrixXd& c_vir,
                                                     const std::vector<Eigen::MatrixXd>& directions,
                                                     const ResponseKernel& kernel) const;
  // rho, grad rho, tau of `density` on every grid point, in grid order (for features, metrics and tests).
  // Linear in `density`, so it also gives first-order quantities of a perturbation.
  PointDensity density_on_grid(const Eigen::MatrixXd& density) const;
  // The AO matrix of coefficients given for every grid point (grid order) and already multiplied by the
  // weights: sum_p [a_p phi phi + b_p . grad(phi phi) + c_p/2 grad phi . grad phi]. For functionals that are
  // evaluated on the whole grid at once (non-local models), where a_p = dE/drho_p etc.
  Eigen::MatrixXd assemble(const PointPotential& weighted) const;
  // L (nbf x r) with L L^T = density (to 32 nbf eps of its largest element), by pivoted Cholesky stopped at the
  // numerical rank, when the density is positive semidefinite (ground-state densities: r = occupied orbitals);
  // empty otherwise (perturbations).
  static Eigen::MatrixXd positive_factor(const Eigen::MatrixXd& density);

  const grid::MolecularGrid& grid() const { return grid_; }
  DensityOrder order() const { return order_; }

 private:
  const grid::AoBlock& ao_block(std::size_t b, grid::AoBlock& scratch) const;
  // rho, grad rho (and tau) on a block, from the density matrix (X = phi D, rho = sum phi X) or, given a factor
  // L with L L^T = D of rank r, from the "orbitals" psi = phi L (rho = |psi|^2, grad rho = 2 psi . grad psi,
  // tau = 1/2 |grad psi|^2) when that takes fewer multiplications: 4 r against n_block (GGA) or 4 n_block
  // (meta-GGA, whose tau needs grad phi D) per point.
  PointDensity block_density(const grid::AoBlock& ao, const Eigen::MatrixXd& density,
                             const Eigen::MatrixXd& factor = Eigen::MatrixXd()) const;
  // Adds the block's matrix; `weighted` says the coefficients already include the quadrature weights.
  void accumulate(const grid::AoBlock& ao, const grid::GridBlock& block, const PointPotential& v, bool weighted,
                  Eigen::MatrixXd& out) const;

  // Ground-state density and kernel factors per block at `density`; one integrator serves one functional.
  struct KernelGroundState {
    Eigen::MatrixXd density;
    std::vector<PointDensity> ground;
    std::vector<Eigen::MatrixXd> factors;
    bool complete = false;
  };
  // Occupied and virtual orbitals (and their gradients) on every block for the last C_occ, C_v of the MO-block
  // kernel, kept from the second use of the same orbitals on when they fit in kOrbitalBytes: later products at
  // the same solution (TDDFT iterations, Hessian batches) skip the AO evaluation and the AO -> MO step.
  struct KernelOrbitals {
    Eigen::MatrixXd c_occ, c_vir;
    std::vector<Eigen::MatrixXd> psi_o, psi_v;  // per block, row blocks [psi; d_x psi; d_y psi; d_z psi]
    bool complete = false, kept = false;
  };
  static constexpr std::size_t kOrbitalBytes = std::size_t(1) << 29;
  KernelOrbitals& kernel_orbitals(const Eigen::MatrixXd& c_occ, const Eigen::MatrixXd& c_vir) const;
  // The kept state if it belongs to `density`, else a reset one that the caller's block loop fills (block b by
  // the thread that handles b) and then marks complete. Call with kernel_mutex_ held.
  KernelGroundState& kernel_ground_state(const Eigen::MatrixXd& density) const;
  // Ground density and factors of block b, computed into `state` unless it is complete.
  void fill_kernel_ground_state(KernelGroundState& state, std::size_t b, const grid::AoBlock& ao,
                                const ResponseKernel& kernel) const;

  const chem::BasisSet& basis_;
  grid::MolecularGrid grid_;
  DensityOrder order_;
  std::vector<double> extents_;
  std::vector<grid::AoBlock> cache_;  // empty when over budget
  mutable std::mutex kernel_mutex_;
  mutable KernelGroundState kernel_state_;
  mutable KernelOrbitals kernel_orbitals_;
};

}  // namespace dixc::xc

#pragma once
// A TorchScript model as an XcFunctional: the SCF, response and TDDFT code run any exported model exactly as
// they run libxc functionals (theory.md section 5): E = sum_p w_p e_p(rho, sigma, tau, ...); the potential comes
// from one backward pass (a_p = dE/drho_p, b_p = 2 dE/dsigma_p grad rho_p, c_p = dE/dtau_p) and the kernel
// contraction from a second one (Hessian-vector products with the first-order rho1, sigma1 = 2 grad rho .
// grad rho1, tau1).
// A learned functional replaces all of E_xc: no exact exchange. Local models are evaluated in chunks of grid
// points (bounded autograd memory); non-local models on the whole grid at once.
#include <memory>
#include <string>

#include <torch/script.h>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/xc/semilocal_integrator.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::ml {

class TorchFunctional final : public xc::XcFunctional {
 public:
  TorchFunctional(torch::jit::Module model, const chem::Molecule& molecule,
                  std::shared_ptr<const xc::SemilocalIntegrator> integrator);

  std::string name() const override { return name_; }
  double exact_exchange_fraction() const override { return 0.0; }
  bool has_semilocal_part() const override { return true; }
  xc::SemilocalEnergyPotential semilocal(const Eigen::MatrixXd& density) const override;
  std::vector<Eigen::MatrixXd> semilocal_kernel(const Eigen::MatrixXd& density,
                                                const std::vector<Eigen::MatrixXd>& perturbations) const override;
  const xc::SemilocalIntegrator& integrator() const { return *integrator_; }

 private:
  // Density features of grid points [first, last) as leaf tensors and their share of E = sum_p w_p e_p.
  struct Evaluation {
    torch::Tensor rho, sigma, tau, energy;
  };
  Evaluation evaluate(const xc::PointDensity& density, std::int64_t first, std::int64_t last) const;
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks(std::int64_t n_points) const;
  std::int64_t chunk_points_ = 20000;

  mutable torch::jit::Module model_;  // forward() is not const in the torch API
  std::string name_;
  std::shared_ptr<const xc::SemilocalIntegrator> integrator_;
  torch::Tensor points_, weights_, atom_positions_, atom_z_;
};

// Loads DIR/model.pt (or any TorchScript file saved by dixc train) and binds it to a molecule on `grid`.
// Throws InputError naming the file when it cannot be loaded or lacks the dixc model signature.
std::unique_ptr<TorchFunctional> load_torch_functional(const std::string& path, const chem::Molecule& molecule,
                                                       const chem::BasisSet& basis, const std::string& grid);

}  // namespace dixc::ml

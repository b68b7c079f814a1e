#pragma once
// A TorchScript model as an XcFunctional: the SCF, response and TDDFT code run any exported model exactly as
// they run libxc functionals (theory.md section 5): E = sum_p w_p e_p(rho, sigma, tau, ...); the potential comes
// from one backward pass (a_p = dE/drho_p, b_p = 2 dE/dsigma_p grad rho_p, c_p = dE/dtau_p) and the kernel
// contraction from a second one (Hessian-vector products with the first-order rho1, sigma1 = 2 grad rho .
// grad rho1, tau1).
// A learned functional replaces all of E_xc: no exact exchange. Local models are evaluated in chunks of grid
// points (bounded autograd memory); non-local models with atom embeddings too, at fixed embeddings
// (nonlocal_functional.hpp); other non-local models on the whole grid at once.
#include <memory>
#include <string>

#include <torch/script.h>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/ml/native_point_model.hpp"
#include "dixc/ml/nonlocal_functional.hpp"
#include "dixc/xc/semilocal_integrator.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::ml {

class TorchFunctional final : public xc::XcFunctional {
 public:
  // How the SCF evaluates a local model's energy density and input gradient: natively, block by block inside the
  // integrator's pass (native_point_model.hpp), when the model equals its TorchScript on the probe densities, else
  // by TorchScript and autograd on the whole grid; `torchscript` forces the latter (the implementation the native
  // path replaced: its oracle in the tests and the old build's row in benchmarks).
  enum class PointPath { native_if_equal, torchscript };
  // Evaluates a copy of `model` (its parameters as they are now).
  TorchFunctional(torch::jit::Module model, const chem::Molecule& molecule,
                  std::shared_ptr<const xc::SemilocalIntegrator> integrator,
                  PointPath path = PointPath::native_if_equal);

  std::string name() const override { return name_; }
  double exact_exchange_fraction() const override { return 0.0; }
  bool has_semilocal_part() const override { return true; }
  xc::SemilocalEnergyPotential semilocal(const Eigen::MatrixXd& density) const override;
  // Local models: the per-point second derivatives at `density` are evaluated once (three backward passes per
  // chunk) and kept; every product at that density (Hessian batches, Davidson iterations) is then the
  // integrator's contraction, in the MO basis for orbital rotations, as for libxc functionals. Non-local models
  // with atom embeddings: likewise per-point second derivatives in (rho, sigma, tau, f_p), kept, plus the small
  // atom graph per product (NonlocalKernel). Other non-local models: one double backward per perturbation on the
  // whole grid.
  std::vector<Eigen::MatrixXd> semilocal_kernel(const Eigen::MatrixXd& density,
                                                const std::vector<Eigen::MatrixXd>& perturbations) const override;
  std::vector<Eigen::MatrixXd> semilocal_kernel_ov(const Eigen::MatrixXd& density, const Eigen::MatrixXd& c_occ,
                                                   const Eigen::MatrixXd& c_vir,
                                                   const std::vector<Eigen::MatrixXd>& directions) const override;
  // The kernel contraction by autograd through the model for each perturbation (any model; the non-local path,
  // and the oracle the fast local path is tested against).
  std::vector<Eigen::MatrixXd> semilocal_kernel_autograd(const Eigen::MatrixXd& density,
                                                         const std::vector<Eigen::MatrixXd>& perturbations) const;
  std::size_t grid_points() const override { return integrator_->grid().size(); }
  const xc::SemilocalIntegrator& integrator() const { return *integrator_; }
  const std::shared_ptr<const xc::SemilocalIntegrator>& shared_integrator() const { return integrator_; }
  bool native_points() const { return native_ != nullptr; }

 private:
  // Density features of grid points [first, last) as leaf tensors and their share of E = sum_p w_p e_p.
  struct Evaluation {
    torch::Tensor rho, sigma, tau, density, energy;  // density: e_p per volume; energy: sum_p w_p e_p
  };
  Evaluation evaluate(const xc::PointDensity& density, std::int64_t first, std::int64_t last) const;
  // E and dE/d(rho, sigma, tau)_p by autograd over chunks (local models) or the whole grid (non-local ones).
  InputDerivatives input_derivatives(const xc::PointDensity& density) const;
  bool kernel_cached_at(const Eigen::MatrixXd& density) const;
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks(std::int64_t n_points) const;
  // Per-point second derivatives (columns xc::PointKernelColumn) at factor_density_, in grid order.
  const Eigen::MatrixXd& point_factors(const Eigen::MatrixXd& density) const;
  xc::SemilocalIntegrator::ResponseKernel response_kernel(const Eigen::MatrixXd& density) const;
  const NonlocalKernel& nonlocal_kernel(const Eigen::MatrixXd& density) const;  // kept for the last density
  std::int64_t chunk_points_ = 4096;  // local models: chunks in parallel over the threads, each cache-sized
  bool nonlocal_ = false;
  bool atom_chunks_ = false;  // a non-local model evaluated in chunks at fixed atom embeddings
  bool with_tau_ = true;      // the integrator provides tau (meta-GGA order); otherwise the model gets tau = 0
  mutable Eigen::MatrixXd factor_density_, factors_;         // the kernel's density and per-point table (local models)
  mutable std::unique_ptr<NonlocalKernel> nonlocal_kernel_;  // the kernel at factor_density_ (atom_chunks_)

  mutable torch::jit::Module model_;  // forward() is not const in the torch API
  std::string name_;
  std::shared_ptr<const xc::SemilocalIntegrator> integrator_;
  ModelGrid grid_;
  std::unique_ptr<NativePointModel> native_;  // null: TorchScript path
};

namespace oracle {
// The same functional with the kernel of the autograd path (MO blocks through the AO kernel): the
// implementation the fast local kernel replaced, kept for tests and side-by-side benchmarks.
class AutogradKernel final : public xc::XcFunctional {
 public:
  explicit AutogradKernel(const TorchFunctional& f) : f_(f) {}
  std::string name() const override { return f_.name() + ":autograd"; }
  double exact_exchange_fraction() const override { return 0.0; }
  bool has_semilocal_part() const override { return true; }
  std::size_t grid_points() const override { return f_.grid_points(); }
  xc::SemilocalEnergyPotential semilocal(const Eigen::MatrixXd& density) const override {
    return f_.semilocal(density);
  }
  std::vector<Eigen::MatrixXd> semilocal_kernel(const Eigen::MatrixXd& density,
                                                const std::vector<Eigen::MatrixXd>& perturbations) const override {
    return f_.semilocal_kernel_autograd(density, perturbations);
  }

 private:
  const TorchFunctional& f_;
};
}  // namespace oracle

// The grid integrator `model` needs on `molecule` and `grid`: meta-GGA order (rho, sigma and tau) when it uses
// tau, GGA order otherwise (no tau on the grid: about half the density and assembly work).
std::shared_ptr<const xc::SemilocalIntegrator> model_integrator(const torch::jit::Module& model,
                                                                const chem::BasisSet& basis,
                                                                const chem::Molecule& molecule,
                                                                const std::string& grid);

// Loads DIR/model.pt (or any TorchScript file saved by dixc train), checked and in eval mode. Throws InputError
// naming the file when it cannot be loaded or lacks the dixc model signature.
torch::jit::Module load_checked_model(const std::string& path);

// The learned functional of a loaded model (copied) bound to a molecule on `grid`.
std::unique_ptr<TorchFunctional> make_torch_functional(const torch::jit::Module& model, const chem::Molecule& molecule,
                                                       const chem::BasisSet& basis, const std::string& grid);

// load_checked_model, then make_torch_functional.
std::unique_ptr<TorchFunctional> load_torch_functional(const std::string& path, const chem::Molecule& molecule,
                                                       const chem::BasisSet& basis, const std::string& grid);

}  // namespace dixc::ml

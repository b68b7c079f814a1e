#pragma once
// The local learned architectures (gga-mlp, mgga-mlp, xcdiff) point by point in C++, for the SCF potential:
//   e = base(rho, sigma) + sum_m P_m(r) f_m(x(r)),   r = (rho, sigma, tau),
//   e_r = base_r + sum_m [P_r,m f_m + P_m (df_m/dx) x_r]   (docs/theory.md section 5),
// with the base and the correlation prefactors from libxc (BLYP; RPBE exchange + PBE correlation for xcdiff; PW92
// correlation), the maps x(r), P(r) of model_sources.cpp written out with their r-derivatives, and sum_m P_m df_m/dx
// by one reverse pass through the network's small GEMMs. It takes the microseconds per block that libxc takes,
// so the integrator evaluates density, functional and potential of a block in one pass over its AO values, as for
// libxc functionals, instead of whole-grid passes around a TorchScript forward and backward.
// A model runs this way only if it matches its own TorchScript forward and input gradient on probe densities
// (native_point_model): a model file whose sources differ from this build's keeps the TorchScript path.
#include <memory>

#include <torch/script.h>

#include "dixc/xc/libxc_functional.hpp"
#include "dixc/xc/semilocal_integrator.hpp"

namespace dixc::ml {

// e (per volume) and its partial derivatives at each point; tau empty for models without tau.
struct PointPartials {
  Eigen::VectorXd e, rho, sigma, tau;
};

class NativePointModel {
 public:
  struct Network;  // one two-layer SiLU network (mlp_plain) with Eigen weights
  NativePointModel(const torch::jit::Module& model, const std::shared_ptr<const xc::SemilocalIntegrator>& integrator);
  ~NativePointModel();
  NativePointModel(const NativePointModel&) = delete;
  NativePointModel& operator=(const NativePointModel&) = delete;

  // e and e_r at the points of `d` (rho, sigma and, for tau-dependent models, tau); thread-safe.
  PointPartials derivatives(const xc::PointDensity& d) const;
  // e and the potential coefficients a = e_rho, b = 2 e_sigma grad rho, c = e_tau (c only when d has tau).
  void energy_potential(const xc::PointDensity& d, Eigen::VectorXd& e, xc::PointPotential& v) const;

 private:
  enum class Kind { mlp, xcdiff };
  Kind kind_;
  bool uses_tau_;
  std::vector<std::unique_ptr<Network>> networks_;  // mlp: one; xcdiff: exchange, correlation
  double nx0_ = 0.0, nc0_ = 0.0;                    // xcdiff: the networks at the uniform gas (s = 0, alpha = 1)
  std::unique_ptr<xc::LibxcFunctional> base_, correlation_;  // correlation: PW92 (mlp) or PBE (xcdiff) prefactor
};

// The model's native evaluator, or null when the model is not one of these architectures or does not equal its
// TorchScript forward (energy density and input gradient to 1e-10 relative) on probe densities from 1e-6 to 1e3
// bohr^-3 and one below the mask, reduced gradients 0 to 20 and alpha 0 to 5 (clamped tau included). Below 1e-6
// libxc's floor on sigma (1e-32) moves PBE correlation by 1e-8 relative at sigma ~ 0, on energy densities of
// ~1e-14: the grid energies still agree to 1e-13 Eh (tests/ml/test_native_point_model.cpp).
std::unique_ptr<NativePointModel> native_point_model(torch::jit::Module& model,
                                                     const std::shared_ptr<const xc::SemilocalIntegrator>& integrator);

}  // namespace dixc::ml

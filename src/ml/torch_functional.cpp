#include "dixc/ml/torch_functional.hpp"

#include <torch/torch.h>

#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/util/error.hpp"

namespace dixc::ml {

namespace {

torch::Tensor to_tensor(const Eigen::VectorXd& v) {
  return torch::from_blob(const_cast<double*>(v.data()), {v.size()}, torch::kDouble).clone();
}

// (n, 3) column-major Eigen matrix -> (n, 3) tensor
torch::Tensor to_tensor(const Eigen::MatrixX3d& m) {
  return torch::from_blob(const_cast<double*>(m.data()), {3, m.rows()}, torch::kDouble).t().contiguous();
}

Eigen::VectorXd to_eigen(const torch::Tensor& t, Eigen::Index n) {
  if (!t.defined()) return Eigen::VectorXd::Zero(n);
  const torch::Tensor c = t.detach().contiguous();
  return Eigen::Map<const Eigen::VectorXd>(c.data_ptr<double>(), n);
}

}  // namespace

TorchFunctional::TorchFunctional(torch::jit::Module model, const chem::Molecule& molecule,
                                 std::shared_ptr<const xc::SemilocalIntegrator> integrator)
    : model_(std::move(model)), integrator_(std::move(integrator)) {
  if (integrator_->order() != xc::DensityOrder::meta_gga)
    throw std::logic_error("TorchFunctional needs an integrator with tau (meta-GGA order)");
  name_ = model_.hasattr("architecture") ? "torch:" + model_.attr("architecture").toStringRef() : "torch";
  const auto& g = integrator_->grid();
  const auto n = static_cast<std::int64_t>(g.size());
  points_ = torch::from_blob(const_cast<double*>(g.points.data()->data()), {n, 3}, torch::kDouble).clone();
  weights_ = torch::from_blob(const_cast<double*>(g.weights.data()), {n}, torch::kDouble).clone();
  std::vector<double> z, pos;
  for (const auto& a : molecule.atoms) {
    z.push_back(a.Z);
    pos.insert(pos.end(), a.position_bohr.begin(), a.position_bohr.end());
  }
  atom_z_ = torch::tensor(z, torch::kDouble);
  atom_positions_ = torch::tensor(pos, torch::kDouble).reshape({static_cast<std::int64_t>(z.size()), 3});
}

TorchFunctional::Evaluation TorchFunctional::evaluate(const Eigen::MatrixXd& density) const {
  Evaluation ev;
  ev.density = integrator_->density_on_grid(density);
  ev.rho = to_tensor(ev.density.rho).requires_grad_(true);
  ev.sigma = to_tensor(ev.density.sigma).requires_grad_(true);
  ev.tau = to_tensor(ev.density.tau).requires_grad_(true);
  const torch::Tensor e =
      model_.forward({ev.rho, ev.sigma, ev.tau, points_, weights_, atom_positions_, atom_z_}).toTensor();
  ev.energy = (weights_ * e).sum();
  return ev;
}

xc::SemilocalEnergyPotential TorchFunctional::semilocal(const Eigen::MatrixXd& density) const {
  torch::AutoGradMode enable(true);
  const Evaluation ev = evaluate(density);
  const xc::PointDensity& d = ev.density;
  const Eigen::Index n = d.rho.size();
  const torch::Tensor& energy = ev.energy;
  const auto grads = torch::autograd::grad({energy}, {ev.rho, ev.sigma, ev.tau}, {}, false, false, true);
  xc::PointPotential weighted;
  weighted.a = to_eigen(grads[0], n);
  weighted.b = (2.0 * to_eigen(grads[1], n)).asDiagonal() * d.grad;
  weighted.c = to_eigen(grads[2], n);
  xc::SemilocalEnergyPotential out;
  out.energy = energy.item<double>();
  out.potential = integrator_->assemble(weighted);
  out.n_electrons = Eigen::Map<const Eigen::VectorXd>(integrator_->grid().weights.data(), n).dot(d.rho);
  return out;
}

std::vector<Eigen::MatrixXd> TorchFunctional::semilocal_kernel(const Eigen::MatrixXd& density,
                                                               const std::vector<Eigen::MatrixXd>& perturbations) const {
  torch::AutoGradMode enable(true);
  const Evaluation ev = evaluate(density);
  const xc::PointDensity& d = ev.density;
  const Eigen::Index n = d.rho.size();
  const torch::Tensor &rho = ev.rho, &sigma = ev.sigma, &tau = ev.tau;
  auto g = torch::autograd::grad({ev.energy}, {rho, sigma, tau}, {}, true, true, true);
  for (auto& t : g)
    if (!t.defined()) t = torch::zeros_like(rho);
  const torch::Tensor grad_rho = to_tensor(d.grad);
  std::vector<Eigen::MatrixXd> out;
  for (const auto& x : perturbations) {
    const xc::PointDensity d1 = integrator_->density_on_grid(x);
    const torch::Tensor rho1 = to_tensor(d1.rho), tau1 = to_tensor(d1.tau);
    const torch::Tensor grad1 = to_tensor(d1.grad);
    const torch::Tensor sigma1 = 2.0 * (grad_rho * grad1).sum(1);
    const torch::Tensor dot = (g[0] * rho1 + g[1] * sigma1 + g[2] * tau1).sum();
    const auto h = torch::autograd::grad({dot}, {rho, sigma, tau}, {}, true, false, true);
    xc::PointPotential weighted;
    weighted.a = to_eigen(h[0], n);
    weighted.b = (2.0 * to_eigen(h[1], n)).asDiagonal() * d.grad;
    weighted.b += (2.0 * to_eigen(g[1], n)).asDiagonal() * d1.grad;
    weighted.c = to_eigen(h[2], n);
    out.push_back(integrator_->assemble(weighted));
  }
  return out;
}

std::unique_ptr<TorchFunctional> load_torch_functional(const std::string& path, const chem::Molecule& molecule,
                                                       const chem::BasisSet& basis, const std::string& grid) {
  torch::jit::Module model;
  try {
    model = torch::jit::load(path);
  } catch (const std::exception& e) {
    throw InputError(path + ": cannot load the TorchScript model (" + std::string(e.what()).substr(0, 200) + ")");
  }
  if (!model.find_method("forward")) throw InputError(path + ": the model has no forward method");
  model.eval();
  auto integrator = std::make_shared<const xc::SemilocalIntegrator>(
      basis, grid::build_molecular_grid(molecule, grid::grid_level(grid)), xc::DensityOrder::meta_gga);
  return std::make_unique<TorchFunctional>(std::move(model), molecule, std::move(integrator));
}

}  // namespace dixc::ml

#include "dixc/ml/torch_functional.hpp"

#include <array>

#include <torch/torch.h>

#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/ml/eigen_torch.hpp"
#include "dixc/ml/input_gradients.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/util/chunk_ranges.hpp"
#include "dixc/util/error.hpp"
#include "dixc/util/parallel_for.hpp"
#include "dixc/xc/point_kernel.hpp"

namespace dixc::ml {

namespace {

// A copy of `model` whose parameters do not require grad: the SCF and the kernel need input derivatives only, so
// no autograd graph through the parameters is built (a trainer's own parameters keep requiring grad).
torch::jit::Module detached_copy(const torch::jit::Module& model) {
  torch::NoGradGuard no_grad;  // the copies are leaves without grad
  torch::jit::Module copy = model.deepcopy();
  for (auto p : copy.parameters()) p.requires_grad_(false);
  return copy;
}

}  // namespace

TorchFunctional::TorchFunctional(torch::jit::Module model, const chem::Molecule& molecule,
                                 std::shared_ptr<const xc::SemilocalIntegrator> integrator, PointPath path)
    : model_(detached_copy(model)), integrator_(std::move(integrator)) {
  nonlocal_ = is_nonlocal(model_);
  atom_chunks_ = nonlocal_ && has_point_features(model_);
  with_tau_ = integrator_->order() == xc::DensityOrder::meta_gga;
  if (uses_tau(model_) && !with_tau_)
    throw std::logic_error("TorchFunctional: a tau-dependent model needs an integrator of meta-GGA order");
  if (integrator_->order() == xc::DensityOrder::lda)
    throw std::logic_error("TorchFunctional needs an integrator of GGA or meta-GGA order");
  name_ = model_.hasattr("architecture") ? "torch:" + model_.attr("architecture").toStringRef() : "torch";
  const auto& g = integrator_->grid();
  const auto n = static_cast<std::int64_t>(g.size());
  // Views of the integrator's grid (kept alive by integrator_, only read), not copies.
  grid_.points = torch::from_blob(const_cast<double*>(g.points.data()->data()), {n, 3}, torch::kDouble);
  grid_.weights = torch::from_blob(const_cast<double*>(g.weights.data()), {n}, torch::kDouble);
  std::vector<double> z, pos;
  for (const auto& a : molecule.atoms) {
    z.push_back(a.Z);
    pos.insert(pos.end(), a.position_bohr.begin(), a.position_bohr.end());
  }
  grid_.atom_z = torch::tensor(z, torch::kDouble);
  grid_.atom_positions = torch::tensor(pos, torch::kDouble).reshape({static_cast<std::int64_t>(z.size()), 3});
  if (path == PointPath::native_if_equal) native_ = native_point_model(model_, integrator_);
}

std::vector<std::pair<std::int64_t, std::int64_t>> TorchFunctional::chunks(std::int64_t n) const {
  // A local model's energy density at a point depends on that point only, so chunks of points are independent
  // and the autograd graph never spans more than one chunk; a non-local model needs all points together.
  return util::chunk_ranges(n, nonlocal_ ? n : chunk_points_);
}

TorchFunctional::Evaluation TorchFunctional::evaluate(const xc::PointDensity& d, std::int64_t first,
                                                      std::int64_t last) const {
  Evaluation ev;
  DensityLeaves leaves = density_leaves(d, with_tau_, first, last);
  ev.rho = std::move(leaves.rho);
  ev.sigma = std::move(leaves.sigma);
  ev.tau = std::move(leaves.tau);
  const torch::Tensor w = grid_.weights.slice(0, first, last);
  const torch::Tensor e = model_
                              .forward({ev.rho, ev.sigma, ev.tau, grid_.points.slice(0, first, last), w,
                                        grid_.atom_positions, grid_.atom_z})
                              .toTensor();
  ev.density = e;
  ev.energy = (w * e).sum();
  return ev;
}

InputDerivatives TorchFunctional::input_derivatives(const xc::PointDensity& d) const {
  const Eigen::Index n = d.rho.size();
  InputDerivatives out;
  out.rho.resize(n);
  out.sigma.resize(n);
  if (with_tau_) out.tau.resize(n);
  const auto ranges = chunks(n);
  std::vector<double> energies(ranges.size());
  util::parallel_for(ranges.size(), [&](std::size_t i) {
    torch::AutoGradMode enable(true);
    const auto [first, last] = ranges[i];
    const Evaluation ev = evaluate(d, first, last);
    const auto grads = torch::autograd::grad({ev.energy}, {ev.rho, ev.sigma, ev.tau}, {}, false, false, true);
    out.rho.segment(first, last - first) = to_eigen(grads[0], last - first);
    out.sigma.segment(first, last - first) = to_eigen(grads[1], last - first);
    if (with_tau_) out.tau.segment(first, last - first) = to_eigen(grads[2], last - first);
    energies[i] = ev.energy.item<double>();
  });
  for (const double e : energies) out.energy += e;  // in chunk order: the same sum for any thread count
  return out;
}

xc::SemilocalEnergyPotential TorchFunctional::semilocal(const Eigen::MatrixXd& density) const {
  if (native_)
    return integrator_->energy_potential(density,
                                         [this](const xc::PointDensity& d, Eigen::VectorXd& e, xc::PointPotential& v) {
                                           native_->energy_potential(d, e, v);
                                         });
  const xc::PointDensity d = integrator_->density_on_grid(density);
  const Eigen::Index n = d.rho.size();
  InputDerivatives v =
      atom_chunks_ ? nonlocal_input_derivatives(model_, grid_, d, with_tau_, chunk_points_) : input_derivatives(d);
  xc::PointPotential weighted;
  weighted.b = (2.0 * v.sigma).asDiagonal() * d.grad;
  weighted.a = std::move(v.rho);
  weighted.c = std::move(v.tau);
  xc::SemilocalEnergyPotential out;
  out.energy = v.energy;
  out.potential = integrator_->assemble(weighted);
  out.n_electrons = Eigen::Map<const Eigen::VectorXd>(integrator_->grid().weights.data(), n).dot(d.rho);
  return out;
}

std::vector<Eigen::MatrixXd> TorchFunctional::semilocal_kernel_autograd(
    const Eigen::MatrixXd& density, const std::vector<Eigen::MatrixXd>& perturbations) const {
  torch::AutoGradMode enable(true);
  const xc::PointDensity d = integrator_->density_on_grid(density);
  const Eigen::Index n = d.rho.size();
  std::vector<xc::PointDensity> first_order;
  for (const auto& x : perturbations) first_order.push_back(integrator_->density_on_grid(x));
  std::vector<xc::PointPotential> weighted(perturbations.size());
  for (auto& w : weighted) {
    w.a.resize(n);
    w.b.resize(n, 3);
    if (with_tau_) w.c.resize(n);
  }
  for (const auto& [first, last] : chunks(n)) {
    const Eigen::Index m = last - first;
    const Evaluation ev = evaluate(d, first, last);
    const auto g = input_gradients(ev.energy, {ev.rho, ev.sigma, ev.tau}, true, true);
    const Eigen::MatrixX3d grad_rho = d.grad.middleRows(first, m);
    const torch::Tensor grad_rho_t = to_tensor(grad_rho);
    const Eigen::VectorXd e_sigma = to_eigen(g[1], m);
    for (std::size_t k = 0; k < perturbations.size(); ++k) {
      const xc::PointDensity& d1 = first_order[k];
      const Eigen::MatrixX3d grad1 = d1.grad.middleRows(first, m);
      const torch::Tensor rho1 = to_tensor(Eigen::VectorXd(d1.rho.segment(first, m)));
      const torch::Tensor tau1 =
          with_tau_ ? to_tensor(Eigen::VectorXd(d1.tau.segment(first, m))) : torch::zeros({m}, torch::kDouble);
      const torch::Tensor sigma1 = 2.0 * (grad_rho_t * to_tensor(grad1)).sum(1);
      const torch::Tensor dot = (g[0] * rho1 + g[1] * sigma1 + g[2] * tau1).sum();
      const auto h = torch::autograd::grad({dot}, {ev.rho, ev.sigma, ev.tau}, {}, true, false, true);
      weighted[k].a.segment(first, m) = to_eigen(h[0], m);
      weighted[k].b.middleRows(first, m) =
          (2.0 * to_eigen(h[1], m)).asDiagonal() * grad_rho + (2.0 * e_sigma).asDiagonal() * grad1;
      if (with_tau_) weighted[k].c.segment(first, m) = to_eigen(h[2], m);
    }
  }
  std::vector<Eigen::MatrixXd> out;
  for (const auto& w : weighted) out.push_back(integrator_->assemble(w));
  return out;
}

bool TorchFunctional::kernel_cached_at(const Eigen::MatrixXd& density) const {
  return factor_density_.rows() == density.rows() && factor_density_.cols() == density.cols() &&
         factor_density_ == density;
}

const Eigen::MatrixXd& TorchFunctional::point_factors(const Eigen::MatrixXd& density) const {
  if (factors_.size() != 0 && kernel_cached_at(density)) return factors_;
  const SecondDerivativeMode jet(model_);
  const xc::PointDensity d = integrator_->density_on_grid(density);
  const Eigen::Index n = d.rho.size();
  Eigen::MatrixXd f(n, 7);
  const auto ranges = chunks(n);
  util::parallel_for(ranges.size(), [&](std::size_t i) {
    torch::AutoGradMode enable(true);
    const auto [first, last] = ranges[i];
    // Unweighted: e_p's derivatives with respect to its own point's inputs (the integrator applies w_p).
    const Evaluation ev = evaluate(d, first, last);
    const std::vector<torch::Tensor> x = {ev.rho, ev.sigma, ev.tau};
    const auto g = input_gradients(ev.density.sum(), x, true, true);
    const Eigen::Index m = last - first;
    auto column = [&](int c, const torch::Tensor& t) { f.col(c).segment(first, m) = to_eigen(t, m); };
    column(xc::kVSigma, g[1]);
    // Row r of the per-point 3x3 second-derivative matrix: d(sum_p de/dx_r)/dx (one backward per row).
    std::array<std::vector<torch::Tensor>, 3> h;
    for (int r = 0; r < 3; ++r) h[r] = input_gradients(g[r].sum(), x, false, r < 2);
    column(xc::kV2Rho2, h[0][0]);
    column(xc::kV2RhoSigma, h[0][1]);
    column(xc::kV2Sigma2, h[1][1]);
    column(xc::kV2RhoTau, h[0][2]);
    column(xc::kV2SigmaTau, h[1][2]);
    column(xc::kV2Tau2, h[2][2]);
  });
  // A model without tau (all tau columns zero) is contracted as a GGA: no tau1, no c1 terms.
  if (f.rightCols(3).isZero(0.0)) f.conservativeResize(n, 4);
  factor_density_ = density;
  factors_ = std::move(f);
  return factors_;
}

const NonlocalKernel& TorchFunctional::nonlocal_kernel(const Eigen::MatrixXd& density) const {
  if (!nonlocal_kernel_ || !kernel_cached_at(density)) {
    nonlocal_kernel_.reset();  // the previous density's table is released before the next one is built
    nonlocal_kernel_ = std::make_unique<NonlocalKernel>(model_, grid_, integrator_->density_on_grid(density), with_tau_,
                                                        chunk_points_);
    factor_density_ = density;
  }
  return *nonlocal_kernel_;
}

xc::SemilocalIntegrator::ResponseKernel TorchFunctional::response_kernel(const Eigen::MatrixXd& density) const {
  const Eigen::MatrixXd& table = point_factors(density);
  xc::SemilocalIntegrator::ResponseKernel kernel;
  kernel.factors = [&table](const xc::PointDensity& ground, std::size_t first_point) {
    return Eigen::MatrixXd(table.middleRows(static_cast<Eigen::Index>(first_point), ground.rho.size()));
  };
  kernel.apply = xc::apply_point_kernel;
  return kernel;
}

std::vector<Eigen::MatrixXd> TorchFunctional::semilocal_kernel(
    const Eigen::MatrixXd& density, const std::vector<Eigen::MatrixXd>& perturbations) const {
  if (atom_chunks_) {
    const NonlocalKernel& kernel = nonlocal_kernel(density);
    std::vector<xc::PointDensity> first_order;
    for (const auto& x : perturbations) first_order.push_back(integrator_->density_on_grid(x));
    std::vector<Eigen::MatrixXd> out;
    for (const auto& w : kernel.products(first_order)) out.push_back(integrator_->assemble(w));
    return out;
  }
  if (nonlocal_) return semilocal_kernel_autograd(density, perturbations);
  return integrator_->kernel_contraction(density, perturbations, response_kernel(density));
}

std::vector<Eigen::MatrixXd> TorchFunctional::semilocal_kernel_ov(
    const Eigen::MatrixXd& density, const Eigen::MatrixXd& c_occ, const Eigen::MatrixXd& c_vir,
    const std::vector<Eigen::MatrixXd>& directions) const {
  if (atom_chunks_) {
    // First-order densities and the contraction in the MO basis, as for local models; the kernel on the whole grid.
    const NonlocalKernel& kernel = nonlocal_kernel(density);
    xc::SemilocalIntegrator::ResponseKernel whole;
    whole.factors = [](const xc::PointDensity&, std::size_t) { return Eigen::MatrixXd(); };
    whole.whole_grid = [&kernel](const std::vector<xc::PointDensity>& first) { return kernel.products(first); };
    return integrator_->kernel_contraction_ov(density, c_occ, c_vir, directions, whole);
  }
  if (nonlocal_) return XcFunctional::semilocal_kernel_ov(density, c_occ, c_vir, directions);
  return integrator_->kernel_contraction_ov(density, c_occ, c_vir, directions, response_kernel(density));
}

std::shared_ptr<const xc::SemilocalIntegrator> model_integrator(const torch::jit::Module& model,
                                                                const chem::BasisSet& basis,
                                                                const chem::Molecule& molecule,
                                                                const std::string& grid) {
  return std::make_shared<const xc::SemilocalIntegrator>(
      basis, grid::build_molecular_grid(molecule, grid::grid_level(grid)),
      uses_tau(model) ? xc::DensityOrder::meta_gga : xc::DensityOrder::gga);
}

torch::jit::Module load_checked_model(const std::string& path) {
  torch::jit::Module model = load_model_file(path);
  check_model_metadata(model, path);
  model.eval();
  return model;
}

std::unique_ptr<TorchFunctional> make_torch_functional(const torch::jit::Module& model, const chem::Molecule& molecule,
                                                       const chem::BasisSet& basis, const std::string& grid) {
  return std::make_unique<TorchFunctional>(model, molecule, model_integrator(model, basis, molecule, grid));
}

std::unique_ptr<TorchFunctional> load_torch_functional(const std::string& path, const chem::Molecule& molecule,
                                                       const chem::BasisSet& basis, const std::string& grid) {
  return make_torch_functional(load_checked_model(path), molecule, basis, grid);
}

}  // namespace dixc::ml

#include "dixc/ml/self_consistent_loss.hpp"

#include <limits>

#include "dixc/calc/molecule_calculation.hpp"
#include "dixc/ml/di_loss.hpp"
#include "dixc/ml/eigen_torch.hpp"
#include "dixc/ml/reference_features.hpp"
#include "dixc/ml/tensor_bytes.hpp"
#include "dixc/ml/torch_functional.hpp"

namespace dixc::ml {

namespace {

// The molecule's tensors with the orbitals of an SCF solution instead of the stored reference orbitals.
MoleculeTensors with_orbitals(const MoleculeTensors& m, const scf::ScfResult& r) {
  MoleculeTensors out = m;
  const torch::Tensor c = to_tensor(r.coefficients);
  out.c_occ = c.slice(1, 0, r.n_occupied).contiguous();
  out.c_vir = c.slice(1, r.n_occupied).contiguous();
  return out;
}

}  // namespace

SelfConsistentMolecule::SelfConsistentMolecule(const data::MoleculeRecord& record, const std::string& basis,
                                               const std::string& grid, std::size_t chunk_points)
    : SelfConsistentMolecule(record, load_molecule_tensors(record, basis, grid, chunk_points), basis, grid) {}

SelfConsistentMolecule::SelfConsistentMolecule(const data::MoleculeRecord& record, MoleculeTensors reference,
                                               const std::string& basis, const std::string& grid)
    : reference_(std::move(reference)),
      molecule_(record.molecule()),
      basis_(basis),
      grid_(grid),
      energy_reference_(record.scalars.energy_total) {
  const ReferenceFeatures f = build_reference_features(reference_, 0, ResponseOrder::energy);
  for (const auto& chunk : f.chunks) rho_reference_.push_back(chunk.rho);
  const Eigen::MatrixXd c_occ = to_eigen_matrix(reference_.c_occ);
  density_reference_ = 2.0 * c_occ * c_occ.transpose();
}

std::size_t SelfConsistentMolecule::bytes() const {
  std::size_t b = reference_.bytes() + static_cast<std::size_t>(density_reference_.size()) * sizeof(double);
  for (const auto& rho : rho_reference_) b += tensor_bytes({&rho});
  return b;
}

SelfConsistentTerms SelfConsistentMolecule::loss(torch::jit::Module& model, const SelfConsistentSettings& s,
                                                 double scale, bool backward) const {
  SelfConsistentTerms t;
  const calc::MoleculeCalculation calculation(molecule_, basis_, grid_);
  const calc::FunctionalCalculation learned = calculation.with(std::make_unique<TorchFunctional>(
      model, calculation.molecule(), model_integrator(model, calculation.basis(), calculation.molecule(), grid_)));
  scf::ScfOptions options = s.scf;
  options.initial_density = &density_reference_;
  const scf::ScfResult r = learned.scf(options);
  t.scf_iterations = r.n_iter;
  if (!r.converged) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    t.energy = t.density = t.total = t.energy_error = nan;
    t.message = "molecule '" + name() + "': the learned functional's SCF did not converge in " +
                std::to_string(r.n_iter) + " iterations";
    return t;
  }
  t.converged = true;

  // The model's orbitals on the grid (the DI-Loss's features at kappa*, up to the orbital gradient).
  const MoleculeTensors at_solution = with_orbitals(reference_, r);
  const ReferenceFeatures f = build_reference_features(at_solution, 0, ResponseOrder::gradient);
  const double unit = energy_unit(s.energy_normalisation, reference_.n_electrons);
  t.energy_error = r.energy_total - energy_reference_;
  t.energy = (t.energy_error / unit) * (t.energy_error / unit);
  // dL_rho/dkappa_ai = sum_p w_p 2 (rho - rho_ref) d rho/dkappa_ai, d rho/dkappa_ai = 4 psi_a psi_i (section 2).
  torch::Tensor density_gradient = torch::zeros_like(reference_.g_xc);
  {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < f.chunks.size(); ++i) {
      const OrbitalGridChunk& c = f.chunks[i];
      const torch::Tensor residual = c.rho - rho_reference_[i];
      t.density += (c.weights * residual * residual).sum().item<double>();
      density_gradient += 8.0 * c.vir[0].t().matmul((c.weights * residual).unsqueeze(1) * c.occ[0]);
    }
  }
  t.total = s.energy_weight * t.energy + s.density_weight * t.density;
  if (!backward) return t;

  // dL/dkappa: the density term's, plus the energy term's c_E g (zero at an exact solution; kept so that the
  // gradient is that of the SCF as converged).
  const double energy_adjoint = 2.0 * s.energy_weight * t.energy_error / (unit * unit);
  const response::OrbitalHessian hessian = learned.hessian(r);
  const Eigen::MatrixXd rhs =
      s.density_weight * to_eigen_matrix(density_gradient) + energy_adjoint * hessian.gradient();
  const response::HessianSolveResult lambda = response::solve_hessian(hessian, rhs, s.solve);
  t.solve_iterations = lambda.n_iter;
  if (!lambda.converged) {
    t.converged = false;
    t.message = "molecule '" + name() + "': " +
                (lambda.indefinite ? std::string("the learned functional's SCF solution is a saddle point (its orbital "
                                                 "Hessian is not positive definite), so the implicit gradient is "
                                                 "undefined")
                                   : "the implicit-gradient equation H lambda = dL/dkappa did not converge in " +
                                         std::to_string(lambda.n_iter) + " iterations (relative residual " +
                                         std::to_string(lambda.relative_residual) + ")");
    return t;
  }
  LossAdjoint adjoint;
  adjoint.energy = energy_adjoint;
  adjoint.gradient = -to_tensor(lambda.solution);
  add_adjoint_gradient(model, at_solution, f, adjoint, ResponseOrder::gradient, scale);
  return t;
}

}  // namespace dixc::ml

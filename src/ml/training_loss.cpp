#include "dixc/ml/training_loss.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace dixc::ml {

LossTerms training_loss(torch::jit::Module& model, const TrainingMolecule& molecule, const LossSettings& s,
                        double scale, bool backward) {
  if (!s.uses_density()) return di_loss(model, molecule.targets, molecule.features, s, scale, backward);
  if (!molecule.self_consistent)
    throw std::logic_error("training molecule '" + molecule.targets.name + "' loaded without its self-consistent data");
  SelfConsistentSettings sc;
  sc.energy_weight = s.weights.energy / s.scales.energy;
  sc.density_weight = s.weights.density / s.scales.density;
  sc.energy_normalisation = s.energy_normalisation;
  sc.solve.residual_threshold = 1e-8;  // the gradient's relative error, well below the step noise
  const SelfConsistentTerms c = molecule.self_consistent->loss(model, sc, scale, backward);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  LossTerms t;
  t.gradient = t.hessian = t.relative_gradient = t.relative_hessian = nan;
  if (c.converged && s.uses_hessian()) {
    // The DI-Loss's gradient and Hessian terms; its energy term at the reference gives way to the SCF's.
    LossSettings di = s;
    di.weights.energy = 0.0;
    t = di_loss(model, molecule.targets, molecule.features, di, scale, backward);
  }
  t.energy = c.energy;
  t.relative_energy = nan;
  t.density = c.density;
  t.total += c.total;
  t.scf_converged = c.converged;
  t.message = c.message;
  t.finite = !c.converged || (t.finite && std::isfinite(t.total));
  return t;
}

}  // namespace dixc::ml

#pragma once
// DI-Loss modes, weights and term scales (docs/theory.md section 4); torch-free so the CLI can parse them
// without torch headers.
#include <string>

namespace dixc::ml {

// energy, energy+grad, di: the DI-Loss's terms at the reference (section 4). energy+density: total energy and
// density through the model's own SCF (section 7), the baseline; di+density: that plus the DI-Loss's gradient
// and Hessian terms (the DI energy term at the reference is replaced by the SCF energy term).
enum class LossMode { energy, energy_gradient, di, energy_density, di_density };
LossMode parse_loss_mode(const std::string& name);  // "energy" | "energy+grad" | "di" | "energy+density" | "di+density"
std::string to_string(LossMode mode);

struct LossWeights {
  double energy = 1.0;
  double gradient = 1.0;
  double hessian = 1.0;
  double density = 1.0;
};

// Each raw term is divided by its scale, so that terms of different units weigh alike. The trainer sets the
// scales once, before the first step, to the training-set mean of each raw term for the untrained model (its
// base functional), and records them with the model; 1 leaves a term as it is.
struct LossScales {
  double energy = 1.0;
  double gradient = 1.0;
  double hessian = 1.0;
  double density = 1.0;
};

// The energy term's unit (section 4): per-electron, (dE / N_e)^2, weighs a small molecule's error in Eh
// N_e^2 times more than a large one's; total, dE^2, weighs every molecule by its error in Eh, as the total-energy
// MAE the benchmark reports does.
enum class EnergyNormalisation { per_electron, total };
EnergyNormalisation parse_energy_normalisation(const std::string& name);  // "per-electron" | "total"
std::string to_string(EnergyNormalisation normalisation);
// dE is divided by this before it is squared: N_e, or 1.
inline double energy_unit(EnergyNormalisation normalisation, int n_electrons) {
  return normalisation == EnergyNormalisation::per_electron ? static_cast<double>(n_electrons) : 1.0;
}

// The gradient term's metric (section 4): mean-square, mean_ai dg_ai^2, weighs every occupied-virtual pair alike
// (core pairs included); inverse-gap, sum_ai dg_ai^2 / (8 Delta_ai) with Delta_ai = eps_a - eps_i of the reference
// orbitals, is the second-order estimate 1/2 dg^T H^-1 dg of the energy the model's density error costs the
// reference functional (E_rho of section 6) with the orbital Hessian H ~ 4 Delta (section 2), in Eh.
enum class GradientMetric { mean_square, inverse_gap };
GradientMetric parse_gradient_metric(const std::string& name);  // "mean-square" | "inverse-gap"
std::string to_string(GradientMetric metric);

// How far a response is needed: E_xc only, E_xc and g, or E_xc, g and all H v_k.
enum class ResponseOrder { energy, gradient, hessian };

struct LossSettings {
  LossMode mode = LossMode::di;
  LossWeights weights;
  LossScales scales;
  EnergyNormalisation energy_normalisation = EnergyNormalisation::per_electron;
  GradientMetric gradient_metric = GradientMetric::mean_square;
  bool uses_gradient() const { return uses_hessian() || mode == LossMode::energy_gradient; }
  bool uses_hessian() const { return mode == LossMode::di || mode == LossMode::di_density; }
  // Whether the loss runs the model's SCF (energy and density terms of section 7).
  bool uses_density() const { return mode == LossMode::energy_density || mode == LossMode::di_density; }
  ResponseOrder order() const {
    return uses_hessian() ? ResponseOrder::hessian : uses_gradient() ? ResponseOrder::gradient : ResponseOrder::energy;
  }
  // Orbital right-hand sides of a step on a molecule with n_dir stored directions: g and each H v_k, or g, or none.
  int orbital_rhs(int n_dir) const { return uses_hessian() ? n_dir + 1 : uses_gradient() ? 1 : 0; }
};

}  // namespace dixc::ml

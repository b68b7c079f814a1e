#pragma once
// DI-Loss modes, weights and term scales (docs/theory.md section 4); torch-free so the CLI can parse them
// without torch headers.
#include <string>

namespace dixc::ml {

enum class LossMode { energy, energy_gradient, di };
LossMode parse_loss_mode(const std::string& name);  // "energy" | "energy+grad" | "di"
std::string to_string(LossMode mode);

struct LossWeights {
  double energy = 1.0;
  double gradient = 1.0;
  double hessian = 1.0;
};

// Each raw term is divided by its scale, so that terms of different units weigh alike. The trainer sets the
// scales once, before the first step, to the training-set mean of each raw term for the untrained model (its
// base functional), and records them with the model; 1 leaves a term as it is.
struct LossScales {
  double energy = 1.0;
  double gradient = 1.0;
  double hessian = 1.0;
};

// How far a response is needed: E_xc only, E_xc and g, or E_xc, g and all H v_k.
enum class ResponseOrder { energy, gradient, hessian };

struct LossSettings {
  LossMode mode = LossMode::di;
  LossWeights weights;
  LossScales scales;
  bool uses_gradient() const { return mode != LossMode::energy; }
  bool uses_hessian() const { return mode == LossMode::di; }
  ResponseOrder order() const {
    return uses_hessian() ? ResponseOrder::hessian : uses_gradient() ? ResponseOrder::gradient : ResponseOrder::energy;
  }
};

}  // namespace dixc::ml

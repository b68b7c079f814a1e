#pragma once
// DI-Loss modes and weights (theory.md section 4); torch-free so the CLI can parse them without torch headers.
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

// Sets the number of intra-op threads torch uses (the CLI passes OMP_NUM_THREADS' value).
void set_torch_threads(int threads);

}  // namespace dixc::ml

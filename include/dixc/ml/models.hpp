#pragma once
// Construction of the XC models as TorchScript modules (the common signature is in model_sources.cpp).
#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>

namespace dixc::ml {

// Learned architectures: "gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"; parameter-free reference functionals
// "pbe" and "blyp" (the tests compare them with libxc).
const std::vector<std::string>& model_names();

// New model with parameters drawn from a generator seeded with `seed`. The last layers start at zero, so every
// learned model starts as a known functional: BLYP (gga-mlp, mgga-mlp, nonlocal) or RPBE exchange + PBE
// correlation (xcdiff, whose constrained form excludes B88). `hidden` is the width of the hidden layers (0: the
// architecture's default, default_hidden_width; the non-local model's atom networks get half of it, at least 4).
// Throws InputError for unknown names or a width out of range.
torch::jit::Module make_model(const std::string& architecture, std::uint64_t seed, int hidden = 0);

// Hidden-layer width of the learned architectures when none is asked for: 24 for xcdiff's two networks, 32 else.
int default_hidden_width(const std::string& architecture);

// The hidden width a model was made with (attribute "hidden_width"; models written before it existed have their
// architecture's default; 0 for models without learned networks).
int hidden_width(const torch::jit::Module& model);

// Whether the model splits into a parameter-free base(...) and a learned correction(...) (forward = base +
// correction); the DI-Loss then evaluates the base once per molecule.
bool has_base(const torch::jit::Module& model);

// The model's "architecture" attribute ("" for a file without one).
std::string architecture_of(const torch::jit::Module& model);

// Whether the model's energy density at a point depends on other points (then it needs all points at once).
bool is_nonlocal(const torch::jit::Module& model);

// Whether the model's energy depends on tau (meta-GGA). Models record it as attribute "uses_tau"; a model file
// without the attribute (written before it existed) is taken to use tau, which is always correct, only slower.
bool uses_tau(const torch::jit::Module& model);

// The inputs of every model's forward(...), in order; exported models record them as attribute "features".
inline constexpr const char* kModelFeatures = "rho,sigma,tau,points,weights,atom_positions,atom_z";

// Throws InputError naming `source` when `model` is not a dixc model this build can run: no "architecture"
// attribute, other "features", or a "dixc_version" with a newer major version than this build's.
void check_model_metadata(const torch::jit::Module& model, const std::string& source);

// While alive, the model's MLPs (those with at most 3 inputs) are evaluated as their second-order Taylor
// polynomials with coefficients from forward-mode derivatives (mlp_jet in model_sources.cpp): the same values
// and first and second input derivatives, at a fraction of the cost of differentiating the layers twice. For
// callers that take second input derivatives; a no-op for models exported before the attribute existed.
class SecondDerivativeMode {
 public:
  explicit SecondDerivativeMode(torch::jit::Module& model, bool enable = true);
  ~SecondDerivativeMode();
  SecondDerivativeMode(const SecondDerivativeMode&) = delete;
  SecondDerivativeMode& operator=(const SecondDerivativeMode&) = delete;

 private:
  torch::jit::Module& model_;
  bool active_ = false;
};

// Adds scale * N(0, 1) noise (generator seeded with `seed`) to every parameter: a model whose learned part
// contributes, for tests and benchmarks of trained-model code paths without training.
void perturb_parameters(torch::jit::Module& model, double scale, std::uint64_t seed);

// Loads a TorchScript file; InputError naming it when it cannot be loaded.
torch::jit::Module load_model_file(const std::string& path);

// Parameters in a fixed order (by name), for optimisers, gradient buckets and checkpoints.
std::vector<torch::Tensor> ordered_parameters(const torch::jit::Module& model);

// Whether two ordered parameter lists have the same number of tensors and the same shape each (the same
// architecture and hidden width).
bool same_parameter_shapes(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b);

// Metadata dixc train stores in model.pt (empty strings for models from elsewhere).
struct ModelInfo {
  std::string architecture, loss_mode, dataset_fingerprint;
  // Per training phase, the --init model's first, like loss_mode ("energy>di"); empty for models of older dixc:
  std::string energy_normalisation;  // of the energy term: "per-electron" or "total"
  std::string gradient_metric;       // of the gradient term: "mean-square" or "inverse-gap"
  std::string parameter_average;     // "ema D" (dixc train --ema D) or "none"
  std::string selection;             // "best-validation" or "last" epoch (--select)
  std::string seeds;                 // --seed ("12>12")
  std::uint64_t split_seed = 0;
  double validation_fraction = 0.2, test_fraction = 0.2;
};
ModelInfo model_info(const torch::jit::Module& model);

}  // namespace dixc::ml

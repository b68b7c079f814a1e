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
// correlation (xcdiff, whose constrained form excludes B88). Throws InputError for unknown names.
torch::jit::Module make_model(const std::string& architecture, std::uint64_t seed);

// Whether the model splits into a parameter-free base(...) and a learned correction(...) (forward = base +
// correction); the DI-Loss then evaluates the base once per molecule.
bool has_base(const torch::jit::Module& model);

// Whether the model's energy density at a point depends on other points (then it needs all points at once).
bool is_nonlocal(const torch::jit::Module& model);

// Parameters in a fixed order (by name), for optimisers, gradient buckets and checkpoints.
std::vector<torch::Tensor> ordered_parameters(const torch::jit::Module& model);

}  // namespace dixc::ml

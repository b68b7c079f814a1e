#pragma once
// Learned functionals for `dixc scf --functional model.pt`. LibTorch lives only in dixc-ml: `dixc` hands such runs
// to dixc-ml before any work (main.cpp), and dixc-ml registers its TorchScript loader with the XC factory
// (xc/factory.hpp) at start-up, so that a model file is one more functional name.
#include <string>
#include <vector>

namespace dixc::app {

// Whether `dixc scf ARGS` asks for a learned functional (--functional/-f/--method/-m with a .pt file).
bool scf_uses_learned_functional(const std::vector<std::string>& scf_args);

// Registers ml::load_torch_functional with the XC factory; defined in dixc-ml's sources only.
void register_learned_functionals();

}  // namespace dixc::app

#pragma once
// A learned functional for `dixc scf --functional model.pt`. LibTorch lives only in dixc-ml: `dixc` hands such
// runs to dixc-ml before any work (main.cpp), and load_learned_functional is defined in dixc-ml's sources.
#include <memory>
#include <string>
#include <vector>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::app {

// A functional name that is a TorchScript file written by dixc train.
inline bool is_learned_functional_name(const std::string& name) {
  return name.size() > 3 && name.compare(name.size() - 3, 3, ".pt") == 0;
}

// Whether `dixc scf ARGS` asks for a learned functional (--functional/-f/--method/-m with a .pt file).
bool scf_uses_learned_functional(const std::vector<std::string>& scf_args);

// Loads the model and binds it to the molecule on `grid`; InputError naming the file when it is not a dixc model.
std::unique_ptr<xc::XcFunctional> load_learned_functional(const std::string& path, const chem::Molecule& molecule,
                                                          const chem::BasisSet& basis, const std::string& grid);

}  // namespace dixc::app

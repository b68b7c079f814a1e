// Compiled into dixc-ml only (it needs LibTorch); see learned_functional.hpp.
#include "dixc/app/learned_functional.hpp"

#include "dixc/ml/torch_functional.hpp"

namespace dixc::app {

std::unique_ptr<xc::XcFunctional> load_learned_functional(const std::string& path, const chem::Molecule& molecule,
                                                          const chem::BasisSet& basis, const std::string& grid) {
  return ml::load_torch_functional(path, molecule, basis, grid);
}

}  // namespace dixc::app

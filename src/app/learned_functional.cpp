// Compiled into dixc-ml only (it needs LibTorch); see learned_functional.hpp.
#include "dixc/app/learned_functional.hpp"

#include "dixc/ml/torch_functional.hpp"
#include "dixc/xc/factory.hpp"

namespace dixc::app {

void register_learned_functionals() {
  xc::register_learned_functional_loader([](const std::string& path, const chem::Molecule& molecule,
                                            const chem::BasisSet& basis,
                                            const std::string& grid) -> std::unique_ptr<xc::XcFunctional> {
    return ml::load_torch_functional(path, molecule, basis, grid);
  });
}

}  // namespace dixc::app

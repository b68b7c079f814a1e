#pragma once
// A learned model whose learned part contributes (all parameters moved off their initial values by a fixed
// random amount), saved and reloaded as `dixc train` exports it, bound to a molecule on the coarse grid.
#include <filesystem>
#include <memory>
#include <string>

#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"

namespace dixc::test {

inline std::unique_ptr<ml::TorchFunctional> perturbed_model_functional(const std::string& architecture,
                                                                       const chem::Molecule& molecule,
                                                                       const chem::BasisSet& basis) {
  auto model = ml::make_model(architecture, 3);
  ml::perturb_parameters(model, 0.05, 5);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("dixc_test_perturbed_" + architecture + ".pt")).string();
  model.save(path);
  auto xc = ml::load_torch_functional(path, molecule, basis, "coarse");
  std::filesystem::remove(path);
  return xc;
}

}  // namespace dixc::test

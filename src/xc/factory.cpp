#include "dixc/xc/factory.hpp"

#include <algorithm>
#include <cctype>

#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/util/error.hpp"
#include "dixc/xc/hartree_fock.hpp"
#include "dixc/xc/libxc_functional.hpp"

namespace dixc::xc {

namespace {
LearnedFunctionalLoader& learned_loader() {
  static LearnedFunctionalLoader loader;
  return loader;
}
}  // namespace

bool is_learned_functional_name(const std::string& name) {
  return name.size() > 3 && name.compare(name.size() - 3, 3, ".pt") == 0;
}

void register_learned_functional_loader(LearnedFunctionalLoader loader) { learned_loader() = std::move(loader); }

std::unique_ptr<XcFunctional> make_functional(const FunctionalSettings& settings, const chem::Molecule& molecule,
                                              const chem::BasisSet& basis) {
  if (is_learned_functional_name(settings.name)) {
    if (!learned_loader())
      throw InputError(settings.name +
                       ": learned functionals run in the LibTorch build of dixc (dixc-ml; "
                       "configure with -DDIXC_WITH_TORCH=ON)");
    return learned_loader()(settings.name, molecule, basis, settings.grid);
  }
  std::string name = settings.name;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name == "hf" || name == "rhf") return std::make_unique<HartreeFock>(basis.nbf);
  const DensityOrder order = LibxcFunctional::required_order(name);  // validates the name before grid work
  auto integrator = std::make_shared<const SemilocalIntegrator>(
      basis, grid::build_molecular_grid(molecule, grid::grid_level(settings.grid)), order, settings.ao_cache_bytes);
  return std::make_unique<LibxcFunctional>(name, std::move(integrator));
}

}  // namespace dixc::xc

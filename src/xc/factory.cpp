#include "dixc/xc/factory.hpp"

#include <algorithm>
#include <cctype>

#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/xc/hartree_fock.hpp"
#include "dixc/xc/libxc_functional.hpp"

namespace dixc::xc {

std::unique_ptr<XcFunctional> make_functional(const FunctionalSettings& settings, const chem::Molecule& molecule,
                                              const chem::BasisSet& basis) {
  std::string name = settings.name;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name == "hf" || name == "rhf") return std::make_unique<HartreeFock>(basis.nbf);
  const DensityOrder order = LibxcFunctional::required_order(name);  // validates the name before grid work
  auto integrator = std::make_shared<const SemilocalIntegrator>(
      basis, grid::build_molecular_grid(molecule, grid::grid_level(settings.grid)), order, settings.ao_cache_bytes);
  return std::make_unique<LibxcFunctional>(name, std::move(integrator));
}

}  // namespace dixc::xc

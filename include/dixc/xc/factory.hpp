#pragma once
// Creates an XcFunctional by name, bound to one molecule and basis (and, for DFT, a molecular grid).
#include <cstddef>
#include <memory>
#include <string>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::xc {

struct FunctionalSettings {
  std::string name = "b3lyp";    // "hf", a dixc alias or a libxc name (see libxc_functional.hpp)
  std::string grid = "default";  // grid level (grid_settings.hpp)
  std::size_t ao_cache_bytes = std::size_t(2) << 30;
};

// Throws InputError naming the functional or grid level when unknown.
std::unique_ptr<XcFunctional> make_functional(const FunctionalSettings& settings, const chem::Molecule& molecule,
                                              const chem::BasisSet& basis);

}  // namespace dixc::xc

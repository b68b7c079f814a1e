#pragma once
// Creates an XcFunctional by name, bound to one molecule and basis (and, for DFT, a molecular grid).
#include <cstddef>
#include <functional>
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

// Throws InputError naming the functional or grid level when unknown. A name ending in ".pt" is a learned
// functional (a TorchScript model written by dixc train), made by the loader registered for it.
std::unique_ptr<XcFunctional> make_functional(const FunctionalSettings& settings, const chem::Molecule& molecule,
                                              const chem::BasisSet& basis);

// Whether `name` names a learned functional's file rather than a functional.
bool is_learned_functional_name(const std::string& name);

// The loader of learned functionals: LibTorch lives in dixc-ml only, which registers its TorchScript loader at
// start-up; without one, make_functional refuses such a name with an InputError saying which build runs it.
using LearnedFunctionalLoader = std::function<std::unique_ptr<XcFunctional>(
    const std::string& path, const chem::Molecule& molecule, const chem::BasisSet& basis, const std::string& grid)>;
void register_learned_functional_loader(LearnedFunctionalLoader loader);

}  // namespace dixc::xc

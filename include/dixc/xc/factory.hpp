#pragma once
// Creates an XcFunctional by name, bound to one molecule and basis.
#include <memory>
#include <string>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::xc {

struct FunctionalSettings {
  std::string name = "hf";  // "hf"; DFT functionals by libxc name follow with the grid layer
};

// Throws InputError naming the functional when it is unknown.
std::unique_ptr<XcFunctional> make_functional(const FunctionalSettings& settings, const chem::Molecule& molecule,
                                              const chem::BasisSet& basis);

}  // namespace dixc::xc

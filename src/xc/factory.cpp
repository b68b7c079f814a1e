#include "dixc/xc/factory.hpp"

#include <algorithm>
#include <cctype>

#include "dixc/util/error.hpp"
#include "dixc/xc/hartree_fock.hpp"

namespace dixc::xc {

std::unique_ptr<XcFunctional> make_functional(const FunctionalSettings& settings, const chem::Molecule&,
                                              const chem::BasisSet& basis) {
  std::string name = settings.name;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name == "hf" || name == "rhf") return std::make_unique<HartreeFock>(basis.nbf);
  throw InputError("unknown functional '" + settings.name + "' (available: hf)");
}

}  // namespace dixc::xc

#pragma once
// Periodic-table data for H-Kr: the elements the def2-SVP all-electron basis covers without ECPs.
#include <string_view>

namespace dixc::chem {

struct Element {
  int Z;
  std::string_view symbol;
  double mass_amu;                  // standard atomic weight (IUPAC), most common isotope mixture
  double covalent_radius_angstrom;  // Cordero et al., Dalton Trans. 2008, 2832
  double bragg_radius_angstrom;     // Bragg-Slater radii as used by Becke (J. Chem. Phys. 88, 2547 (1988))
};

inline constexpr int max_supported_z = 36;

// Case-insensitive lookup ("c", "C", "Cl"). Throws dixc::InputError for an unknown or unsupported symbol.
const Element& element_by_symbol(std::string_view symbol);
// Throws dixc::InputError for Z outside 1..max_supported_z.
const Element& element_by_number(int z);

}  // namespace dixc::chem

#include "dixc/chem/element.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "dixc/util/error.hpp"

namespace dixc::chem {

namespace {

// Masses: IUPAC/CIAAW standard atomic weights (2021), conventional values for elements with an interval
// (H, Li, B, C, N, O, Mg, Si, S, Cl, Ar).
// Covalent radii: Cordero et al. 2008, Table 2; C is the sp3 value, Mn/Fe/Co the low-spin values (as in ASE).
// Bragg-Slater radii: J. C. Slater, J. Chem. Phys. 41, 3199 (1964). Slater tabulates H as 0.25 A; we use
// 0.35 A as Becke (1988) recommends for the atomic-size adjustment. Slater gives no noble-gas values; He, Ne,
// Ar and Kr use the values common to DFT grid codes (PySCF, among others): 1.40, 1.50, 1.80, 1.90 A.
// clang-format off
// {Z, symbol, mass (u), Cordero covalent radius (A), Bragg-Slater radius (A)}
constexpr std::array<Element, max_supported_z> kElements{{
    {1, "H", 1.008, 0.31, 0.35},
    {2, "He", 4.002602, 0.28, 1.40},
    {3, "Li", 6.94, 1.28, 1.45},
    {4, "Be", 9.0121831, 0.96, 1.05},
    {5, "B", 10.81, 0.84, 0.85},
    {6, "C", 12.011, 0.76, 0.70},
    {7, "N", 14.007, 0.71, 0.65},
    {8, "O", 15.999, 0.66, 0.60},
    {9, "F", 18.998403162, 0.57, 0.50},
    {10, "Ne", 20.1797, 0.58, 1.50},
    {11, "Na", 22.98976928, 1.66, 1.80},
    {12, "Mg", 24.305, 1.41, 1.50},
    {13, "Al", 26.9815384, 1.21, 1.25},
    {14, "Si", 28.085, 1.11, 1.10},
    {15, "P", 30.973761998, 1.07, 1.00},
    {16, "S", 32.06, 1.05, 1.00},
    {17, "Cl", 35.45, 1.02, 1.00},
    {18, "Ar", 39.95, 1.06, 1.80},
    {19, "K", 39.0983, 2.03, 2.20},
    {20, "Ca", 40.078, 1.76, 1.80},
    {21, "Sc", 44.955907, 1.70, 1.60},
    {22, "Ti", 47.867, 1.60, 1.40},
    {23, "V", 50.9415, 1.53, 1.35},
    {24, "Cr", 51.9961, 1.39, 1.40},
    {25, "Mn", 54.938043, 1.39, 1.40},
    {26, "Fe", 55.845, 1.32, 1.40},
    {27, "Co", 58.933194, 1.26, 1.35},
    {28, "Ni", 58.6934, 1.24, 1.35},
    {29, "Cu", 63.546, 1.32, 1.35},
    {30, "Zn", 65.38, 1.22, 1.35},
    {31, "Ga", 69.723, 1.22, 1.30},
    {32, "Ge", 72.630, 1.20, 1.25},
    {33, "As", 74.921595, 1.19, 1.15},
    {34, "Se", 78.971, 1.20, 1.15},
    {35, "Br", 79.904, 1.20, 1.15},
    {36, "Kr", 83.798, 1.16, 1.90},
}};
// clang-format on

// Symbols of Z = 37..118, only so that a real element outside the supported range gets a message about
// basis-set coverage rather than "unknown symbol".
constexpr std::array<std::string_view, 118 - max_supported_z> kHeavierSymbols{
    "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",
    "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
    "Lu", "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr",
    "Ra", "Ac", "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf",
    "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

[[noreturn]] void throw_unsupported(std::string_view symbol, int z) {
  throw InputError("element " + std::string(symbol) + " (Z=" + std::to_string(z) +
                   ") is not supported: def2-SVP all-electron support in dixc covers H-Kr (Z=1-" +
                   std::to_string(max_supported_z) + ")");
}

}  // namespace

const Element& element_by_symbol(std::string_view symbol) {
  for (const auto& e : kElements) {
    if (equal_ignoring_case(e.symbol, symbol)) return e;
  }
  for (std::size_t i = 0; i < kHeavierSymbols.size(); ++i) {
    if (equal_ignoring_case(kHeavierSymbols[i], symbol)) {
      throw_unsupported(kHeavierSymbols[i], max_supported_z + 1 + static_cast<int>(i));
    }
  }
  throw InputError("unknown element symbol '" + std::string(symbol) + "'");
}

const Element& element_by_number(int z) {
  if (z >= 1 && z <= max_supported_z) return kElements[z - 1];
  const int max_known_z = max_supported_z + static_cast<int>(kHeavierSymbols.size());
  if (z > max_supported_z && z <= max_known_z) throw_unsupported(kHeavierSymbols[z - max_supported_z - 1], z);
  throw InputError("invalid atomic number " + std::to_string(z) + " (expected 1-" +
                   std::to_string(max_supported_z) + ")");
}

}  // namespace dixc::chem

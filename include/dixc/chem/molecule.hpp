#pragma once
// A molecule in atomic units: nuclear charges, Cartesian positions in Bohr, total charge and spin multiplicity.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace dixc::chem {

inline constexpr double bohr_in_angstrom = 0.529177210903;  // CODATA 2018
inline constexpr double hartree_in_ev = 27.211386245988;
inline constexpr double debye_per_au = 2.541746473;

struct Atom {
  int Z = 0;
  std::array<double, 3> position_bohr{};
};

struct Molecule {
  std::string name;  // label for messages and datasets (file stem, frame index)
  std::vector<Atom> atoms;
  int charge = 0;
  int multiplicity = 1;

  int n_electrons() const;           // sum Z - charge
  double nuclear_repulsion() const;  // sum_{A<B} Z_A Z_B / R_AB in Eh; throws InputError if two atoms coincide
  std::string formula() const;       // Hill order: C, H, then alphabetical ("CH4", "H2O", "C2H4O")
  // Throws InputError naming the molecule when the electron count cannot be closed-shell with this
  // charge/multiplicity (restricted methods need multiplicity 1 and an even electron count).
  void require_closed_shell() const;
  // Throws InputError if two atoms are closer than min_distance_bohr (atoms on top of each other).
  void require_separated_atoms(double min_distance_bohr = 0.1) const;
};

// The nuclear charges a formula names, element by element in its order, each repeated by its count ("CH4" ->
// 6, 1, 1, 1, 1): what a dataset index's formula column says about a molecule without reading its arrays.
// Throws InputError quoting the formula when it is not element symbols with optional counts.
std::vector<int> atomic_numbers_in_formula(std::string_view formula);

}  // namespace dixc::chem

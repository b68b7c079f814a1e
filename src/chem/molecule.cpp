#include "dixc/chem/molecule.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <string_view>

#include "dixc/chem/element.hpp"
#include "dixc/util/error.hpp"

namespace dixc::chem {

namespace {

// Messages must identify the molecule even when it was built in code without a name.
std::string label(const Molecule& mol) { return mol.name.empty() ? "(unnamed)" : mol.name; }

// Distances below this are treated as coincident nuclei: 1/R would overflow or be meaningless.
constexpr double coincident_bohr = 1e-6;

double distance(const Atom& a, const Atom& b) {
  const double dx = a.position_bohr[0] - b.position_bohr[0];
  const double dy = a.position_bohr[1] - b.position_bohr[1];
  const double dz = a.position_bohr[2] - b.position_bohr[2];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

// Calls f(i, j, R_ij) for every atom pair i < j.
template <class F>
void for_each_pair(const std::vector<Atom>& atoms, F&& f) {
  for (std::size_t j = 1; j < atoms.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) f(i, j, distance(atoms[i], atoms[j]));
  }
}

// "#2 (H)": 1-based index, as a user counts atom lines. Must not throw for a bad Z (hand-built molecules).
std::string atom_label(const Molecule& mol, std::size_t i) {
  const int z = mol.atoms[i].Z;
  const std::string element =
      z >= 1 && z <= max_supported_z ? std::string(element_by_number(z).symbol) : "Z=" + std::to_string(z);
  return "#" + std::to_string(i + 1) + " (" + element + ")";
}

[[noreturn]] void throw_too_close(const Molecule& mol, std::size_t i, std::size_t j, double r_bohr) {
  char distance_text[64];
  std::snprintf(distance_text, sizeof distance_text, "%.3g Bohr (%.3g Angstrom)", r_bohr, r_bohr * bohr_in_angstrom);
  throw InputError("molecule '" + label(mol) + "': atoms " + atom_label(mol, i) + " and " + atom_label(mol, j) +
                   " are " + distance_text +
                   " apart, i.e. on top of each other; check the geometry (units must be Angstrom in XYZ files)");
}

}  // namespace

int Molecule::n_electrons() const {
  int total_z = 0;
  for (const auto& atom : atoms) total_z += atom.Z;
  return total_z - charge;
}

double Molecule::nuclear_repulsion() const {
  double energy = 0.0;
  for_each_pair(atoms, [&](std::size_t i, std::size_t j, double r) {
    if (r < coincident_bohr) throw_too_close(*this, i, j, r);
    energy += static_cast<double>(atoms[i].Z) * atoms[j].Z / r;
  });
  return energy;
}

std::string Molecule::formula() const {
  std::map<std::string_view, int> counts;  // ordered by symbol: the alphabetical part of Hill order
  for (const auto& atom : atoms) ++counts[element_by_number(atom.Z).symbol];

  std::string result;
  auto append = [&](std::string_view symbol) {
    const auto it = counts.find(symbol);
    if (it == counts.end()) return;
    result += symbol;
    if (it->second > 1) result += std::to_string(it->second);
    counts.erase(it);
  };
  // Hill order puts C then H first only for carbon-containing compounds; otherwise H is alphabetical.
  if (counts.contains("C")) {
    append("C");
    append("H");
  }
  while (!counts.empty()) append(counts.begin()->first);
  return result;
}

std::vector<int> atomic_numbers_in_formula(std::string_view formula) {
  auto malformed = [&] {
    return InputError("formula '" + std::string(formula) + "' is not element symbols with counts (e.g. C2H4O)");
  };
  auto is_upper = [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; };
  auto is_lower = [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0; };
  auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::vector<int> z;
  std::size_t i = 0;
  if (formula.empty()) throw malformed();
  while (i < formula.size()) {
    if (!is_upper(formula[i])) throw malformed();
    std::size_t end = i + 1;
    while (end < formula.size() && is_lower(formula[end])) ++end;
    int number = 0;
    try {
      number = element_by_symbol(formula.substr(i, end - i)).Z;
    } catch (const InputError& unknown) {
      throw InputError("formula '" + std::string(formula) + "': " + unknown.what());
    }
    int count = 0;
    for (i = end; i < formula.size() && is_digit(formula[i]); ++i) {
      count = 10 * count + (formula[i] - '0');
      if (count > 100000) throw malformed();
    }
    if (i > end && count == 0) throw malformed();
    z.insert(z.end(), i > end ? count : 1, number);
  }
  return z;
}

void Molecule::require_closed_shell() const {
  const int n = n_electrons();
  if (n > 0 && n % 2 == 0 && multiplicity == 1) return;

  std::string problem;
  if (n <= 0) {
    problem = "there are no electrons left";
  } else if (n % 2 != 0) {
    problem = "an odd electron count cannot be closed-shell";
  } else {
    problem = "restricted (closed-shell) methods need multiplicity 1";
  }
  throw InputError("molecule '" + label(*this) + "' has " + std::to_string(n) + " electrons with charge " +
                   std::to_string(charge) + " and multiplicity " + std::to_string(multiplicity) + ": " + problem +
                   ". dixc runs closed-shell calculations only: pass --charge (or put charge=Q in the XYZ "
                   "comment line) so the electron count is even, and use multiplicity 1");
}

void Molecule::require_separated_atoms(double min_distance_bohr) const {
  for_each_pair(atoms, [&](std::size_t i, std::size_t j, double r) {
    if (r < min_distance_bohr) throw_too_close(*this, i, j, r);
  });
}

}  // namespace dixc::chem

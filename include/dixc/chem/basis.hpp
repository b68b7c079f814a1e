#pragma once
// Gaussian basis sets placed on a molecule. Shells are libint2::Shell (spherical for l >= 2, contraction
// coefficients normalised by libint2); basis files are libint2's g94 format shipped in share/basis/.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <libint2/shell.h>

#include "dixc/chem/molecule.hpp"

namespace dixc::chem {

struct BasisSet {
  std::string name;                     // canonical lower-case name, e.g. "def2-svp"
  std::vector<libint2::Shell> shells;   // in atom order, then file order
  std::vector<std::size_t> shell_offset;  // index of each shell's first basis function
  std::vector<int> shell_atom;          // atom index of each shell
  std::size_t nbf = 0;
  int max_l = 0;
  std::size_t max_nprim = 0;
};

// Directories searched for NAME.g94, in order: $DIXC_BASIS_PATH (colon-separated), the installed share dir,
// the source tree's share/basis.
std::vector<std::filesystem::path> basis_search_path();

// Throws InputError naming the basis and the searched directories when no file is found, and naming the
// element and molecule when the basis has no functions for an atom.
BasisSet load_basis(const std::string& name, const Molecule& molecule);

}  // namespace dixc::chem

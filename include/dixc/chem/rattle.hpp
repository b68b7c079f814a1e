#pragma once
// Conformer augmentation: reproducible random displacements of all atoms.
#include <cstdint>
#include <vector>

#include "dixc/chem/molecule.hpp"

namespace dixc::chem {

// `copies` displaced copies named "<name>_r<k>" (k = 1..copies); each Cartesian coordinate gets an independent
// Gaussian displacement of standard deviation sigma_angstrom. Depends only on (seed, name, k), so the same
// command makes the same conformers on any number of ranks.
std::vector<Molecule> rattled_copies(const Molecule& molecule, int copies, double sigma_angstrom, std::uint64_t seed);

}  // namespace dixc::chem

#include "dixc/chem/rattle.hpp"

#include <random>
#include <string>

#include "dixc/util/stable_hash.hpp"

namespace dixc::chem {

std::vector<Molecule> rattled_copies(const Molecule& molecule, int copies, double sigma_angstrom, std::uint64_t seed) {
  std::vector<Molecule> out;
  const std::uint64_t h = stable_hash(molecule.name);
  for (int k = 1; k <= copies; ++k) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(h), static_cast<std::uint32_t>(h >> 32), static_cast<std::uint32_t>(k)};
    std::mt19937_64 gen(seq);
    std::normal_distribution<double> normal(0.0, sigma_angstrom / bohr_in_angstrom);
    Molecule m = molecule;
    m.name = molecule.name + "_r" + std::to_string(k);
    for (auto& atom : m.atoms)
      for (double& x : atom.position_bohr) x += normal(gen);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace dixc::chem

#include "dixc/data/molecule_record.hpp"

#include "dixc/util/error.hpp"

namespace dixc::data {

chem::Molecule MoleculeRecord::molecule() const {
  const auto& z = arrays.atomic_numbers;
  const auto& p = arrays.positions_bohr;
  if (p.size() != 3 * z.size())
    throw InputError("dataset molecule '" + name + "': " + std::to_string(z.size()) + " atomic numbers but " +
                     std::to_string(p.size()) + " coordinates (corrupt dataset; regenerate it)");
  chem::Molecule m;
  m.name = name;
  m.charge = static_cast<int>(dims.charge);
  m.multiplicity = static_cast<int>(dims.multiplicity);
  for (std::size_t a = 0; a < z.size(); ++a)
    m.atoms.push_back({static_cast<int>(z[a]), {p[3 * a], p[3 * a + 1], p[3 * a + 2]}});
  return m;
}

}  // namespace dixc::data

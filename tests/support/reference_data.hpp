#pragma once
// Access to tests/data/reference_nwchem.json (NWChem 7.0.2 numbers, see tests/data/README.md).
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "dixc/chem/element.hpp"
#include "dixc/chem/molecule.hpp"

namespace dixc::test {

inline const nlohmann::json& nwchem_reference() {
  static const nlohmann::json data = [] {
    std::ifstream in(std::string(DIXC_TEST_DATA_DIR) + "/reference_nwchem.json");
    return nlohmann::json::parse(in);
  }();
  return data;
}

inline const nlohmann::json& reference_molecule(const std::string& name) {
  return nwchem_reference().at("molecules").at(name);
}

// The reference's own Bohr geometry, so the comparison does not depend on our XYZ reader.
inline chem::Molecule reference_geometry(const std::string& name) {
  const auto& entry = reference_molecule(name);
  chem::Molecule m;
  m.name = name;
  m.charge = entry.at("charge");
  m.multiplicity = entry.at("multiplicity");
  for (const auto& row : entry.at("geometry_bohr"))
    m.atoms.push_back({chem::element_by_symbol(row[0].get<std::string>()).Z,
                       {row[1].get<double>(), row[2].get<double>(), row[3].get<double>()}});
  return m;
}

inline const char* const kReferenceMolecules[] = {"H2O", "NH3", "CH4", "HF", "N2", "CO", "C2H4", "HCN"};

}  // namespace dixc::test

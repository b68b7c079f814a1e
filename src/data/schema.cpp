#include "dixc/data/schema.hpp"

#include <stdexcept>

namespace dixc::data {

const std::vector<std::string>& dimension_names() {
  static const std::vector<std::string> names = {"natoms", "nbf", "n_mo", "n_occ", "n_vir", "n_dir", "n_roots",
                                                 "n_iter", "charge", "multiplicity"};
  return names;
}

const std::vector<std::string>& scalar_names() {
  static const std::vector<std::string> names = {
      "energy_total",  "energy_nuclear_repulsion", "energy_one_electron", "energy_coulomb", "energy_exchange",
      "energy_xc_semilocal", "e_xc", "dipole_x",   "dipole_y",            "dipole_z",       "gradient_norm",
      "n_electrons_integrated", "wall_seconds", "exact_exchange_fraction"};
  return names;
}

const std::vector<ArrayField>& array_fields() {
  static const std::vector<ArrayField> fields = {
      {"atomic_numbers", {"natoms"}, "nuclear charges Z (stored as float64)"},
      {"positions_bohr", {"3", "natoms"}, "Cartesian coordinates, Bohr; column a is atom a"},
      {"overlap", {"nbf", "nbf"}, "AO overlap S"},
      {"coefficients", {"nbf", "n_mo"}, "canonical MO coefficients C, C^T S C = 1, occupied first"},
      {"orbital_energies", {"n_mo"}, "Kohn-Sham orbital energies, Eh"},
      {"occupations", {"n_mo"}, "2 for occupied, 0 for virtual"},
      {"v_xc", {"nbf", "nbf"}, "V_xc = V_sl - (c_x/2) K[D_ref], AO basis (theory.md sec. 3)"},
      {"g_xc", {"n_vir", "n_occ"}, "XC part of the orbital gradient, 4 C_v^T V_xc C_o"},
      {"directions", {"n_vir", "n_occ", "n_dir"}, "unit directions v_k: TDDFT (X+Y) first, then seeded random"},
      {"h_xc", {"n_vir", "n_occ", "n_dir"}, "XC-part Hessian-vector products h_xc(v_k)"},
      {"h_total", {"n_vir", "n_occ", "n_dir"}, "total Hessian-vector products H v_k = 4 (A+B) v_k"},
      {"excitation_energies", {"n_roots"}, "TDDFT (RPA) singlet excitation energies, Eh"},
      {"oscillator_strengths", {"n_roots"}, "length-gauge oscillator strengths"},
  };
  return fields;
}

std::int64_t array_length(const ArrayField& field, const MoleculeRecord& record) {
  std::int64_t n = 1;
  for (const auto& d : field.shape) {
    if (d == "3") {
      n *= 3;
      continue;
    }
    auto it = record.dims.find(d);
    n *= it == record.dims.end() ? 0 : it->second;
  }
  return n;
}

void check_record_shapes(const MoleculeRecord& record) {
  for (const auto& field : array_fields()) {
    auto it = record.arrays.find(field.name);
    const std::int64_t have = it == record.arrays.end() ? 0 : static_cast<std::int64_t>(it->second.size());
    const std::int64_t want = record.status == RecordStatus::ok ? array_length(field, record) : have;
    if (have != want)
      throw std::logic_error("record '" + record.name + "': array '" + field.name + "' has " + std::to_string(have) +
                             " values, its dimensions say " + std::to_string(want));
  }
}

}  // namespace dixc::data

#include "dixc/data/schema.hpp"

#include <algorithm>
#include <stdexcept>

namespace dixc::data {

const std::vector<DimensionField>& dimension_fields() {
  using D = RecordDimensions;
  static const std::vector<DimensionField> fields = {{"natoms", &D::natoms},   {"nbf", &D::nbf},
                                                     {"n_mo", &D::n_mo},       {"n_occ", &D::n_occ},
                                                     {"n_vir", &D::n_vir},     {"n_dir", &D::n_dir},
                                                     {"n_roots", &D::n_roots}, {"n_iter", &D::n_iter},
                                                     {"charge", &D::charge},   {"multiplicity", &D::multiplicity}};
  return fields;
}

const std::vector<ScalarField>& scalar_fields() {
  using S = RecordScalars;
  static const std::vector<ScalarField> fields = {{"energy_total", &S::energy_total},
                                                  {"energy_nuclear_repulsion", &S::energy_nuclear_repulsion},
                                                  {"energy_one_electron", &S::energy_one_electron},
                                                  {"energy_coulomb", &S::energy_coulomb},
                                                  {"energy_exchange", &S::energy_exchange},
                                                  {"energy_xc_semilocal", &S::energy_xc_semilocal},
                                                  {"e_xc", &S::e_xc},
                                                  {"dipole_x", &S::dipole_x},
                                                  {"dipole_y", &S::dipole_y},
                                                  {"dipole_z", &S::dipole_z},
                                                  {"gradient_norm", &S::gradient_norm},
                                                  {"n_electrons_integrated", &S::n_electrons_integrated},
                                                  {"wall_seconds", &S::wall_seconds},
                                                  {"exact_exchange_fraction", &S::exact_exchange_fraction}};
  return fields;
}

const std::vector<ArrayField>& array_fields() {
  using A = RecordArrays;
  static const std::vector<ArrayField> fields = {
      {"atomic_numbers", {"natoms"}, "nuclear charges Z (stored as float64)", &A::atomic_numbers},
      {"positions_bohr", {"3", "natoms"}, "Cartesian coordinates, Bohr; column a is atom a", &A::positions_bohr},
      {"overlap", {"nbf", "nbf"}, "AO overlap S", &A::overlap},
      {"coefficients", {"nbf", "n_mo"}, "canonical MO coefficients C, C^T S C = 1, occupied first", &A::coefficients},
      {"orbital_energies", {"n_mo"}, "Kohn-Sham orbital energies, Eh", &A::orbital_energies},
      {"occupations", {"n_mo"}, "2 for occupied, 0 for virtual", &A::occupations},
      {"v_xc", {"nbf", "nbf"}, "V_xc = V_sl - (c_x/2) K[D_ref], AO basis (theory.md sec. 3)", &A::v_xc},
      {"g_xc", {"n_vir", "n_occ"}, "XC part of the orbital gradient, 4 C_v^T V_xc C_o", &A::g_xc},
      {"directions",
       {"n_vir", "n_occ", "n_dir"},
       "unit directions v_k: TDDFT (X+Y) first, then seeded random",
       &A::directions},
      {"h_xc", {"n_vir", "n_occ", "n_dir"}, "XC-part Hessian-vector products h_xc(v_k)", &A::h_xc},
      {"h_total", {"n_vir", "n_occ", "n_dir"}, "total Hessian-vector products H v_k = 4 (A+B) v_k", &A::h_total},
      {"excitation_energies", {"n_roots"}, "TDDFT (RPA) singlet excitation energies, Eh", &A::excitation_energies},
      {"oscillator_strengths", {"n_roots"}, "length-gauge oscillator strengths", &A::oscillator_strengths},
  };
  return fields;
}

namespace {

template <class Field>
auto member_named(const std::vector<Field>& fields, const std::string& name) {
  const auto it = std::find_if(fields.begin(), fields.end(), [&name](const Field& f) { return f.name == name; });
  if (it == fields.end()) throw std::logic_error("schema: no field named '" + name + "'");
  return it->member;
}

}  // namespace

std::int64_t RecordDimensions::*dimension_member(const std::string& name) {
  return member_named(dimension_fields(), name);
}

double RecordScalars::*scalar_member(const std::string& name) { return member_named(scalar_fields(), name); }

const std::string& array_name(std::vector<double> RecordArrays::*member) {
  for (const auto& f : array_fields())
    if (f.member == member) return f.name;
  throw std::logic_error("schema: array member without a name");
}

std::int64_t array_length(const ArrayField& field, const MoleculeRecord& record) {
  std::int64_t n = 1;
  for (const auto& d : field.shape) {
    if (d == "3") {
      n *= 3;
      continue;
    }
    n *= record.dims.*dimension_member(d);
  }
  return n;
}

void check_record_shapes(const MoleculeRecord& record) {
  for (const auto& field : array_fields()) {
    const auto have = static_cast<std::int64_t>((record.arrays.*field.member).size());
    const std::int64_t want = record.status == RecordStatus::ok ? array_length(field, record) : have;
    if (have != want)
      throw std::logic_error("record '" + record.name + "': array '" + field.name + "' has " + std::to_string(have) +
                             " values, its dimensions say " + std::to_string(want));
  }
}

}  // namespace dixc::data

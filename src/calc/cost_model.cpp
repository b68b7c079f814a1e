#include "dixc/calc/cost_model.hpp"

namespace dixc::calc {

double estimated_basis_size(const chem::Molecule& molecule) {
  double n = 0.0;
  for (const auto& a : molecule.atoms) n += a.Z <= 2 ? 5.0 : a.Z <= 10 ? 14.0 : 18.0;
  return n;
}

double scf_cost(double n_basis) { return n_basis * n_basis * n_basis; }

double reference_cost(const chem::Molecule& molecule) { return scf_cost(estimated_basis_size(molecule)); }

double training_step_cost(const data::RecordDimensions& d) {
  return static_cast<double>(d.natoms) * static_cast<double>(d.nbf) * static_cast<double>(d.n_occ) *
         static_cast<double>(d.n_dir + 1);
}

}  // namespace dixc::calc

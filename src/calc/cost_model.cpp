#include "dixc/calc/cost_model.hpp"

#include <map>

#include "dixc/grid/molecular_grid.hpp"

namespace dixc::calc {

double estimated_basis_size(const chem::Molecule& molecule) {
  double n = 0.0;
  for (const auto& a : molecule.atoms) n += a.Z <= 2 ? 5.0 : a.Z <= 10 ? 14.0 : 18.0;
  return n;
}

double scf_cost(double n_basis) { return n_basis * n_basis * n_basis; }

double reference_cost(const chem::Molecule& molecule) { return scf_cost(estimated_basis_size(molecule)); }

double estimated_grid_points(std::string_view formula, const grid::GridSettings& grid) {
  std::map<int, double> per_element;
  double points = 0.0;
  for (const int z : chem::atomic_numbers_in_formula(formula)) {
    auto [it, added] = per_element.try_emplace(z, 0.0);
    if (added) it->second = static_cast<double>(grid::atomic_grid_points(grid, z));
    points += it->second;
  }
  return points;
}

double training_step_cost(const data::MoleculeRecord& index_row, const grid::GridSettings& grid, int orbital_rhs) {
  constexpr double network_per_point = 25000.0;  // in orbital pairs x right-hand sides (header)
  const auto& d = index_row.dims;
  return estimated_grid_points(index_row.formula, grid) *
         (network_per_point + static_cast<double>(d.n_occ) * static_cast<double>(d.n_vir) * orbital_rhs);
}

}  // namespace dixc::calc

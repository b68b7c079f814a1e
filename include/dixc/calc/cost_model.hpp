#pragma once
// The one cost model of the three stages: relative costs of one molecule's work, used to order molecules largest
// first and to deal them to ranks (par/schedule.hpp). Only ratios within one stage (and, for training, one loss
// mode) matter. Each stage's cost is its dominant terms for def2-SVP-size molecules, so the formulas differ by stage.
#include <string_view>

#include "dixc/chem/molecule.hpp"
#include "dixc/data/molecule_record.hpp"
#include "dixc/grid/grid_settings.hpp"

namespace dixc::calc {

// def2-SVP basis functions estimated from the elements (5 per H/He, 14 per Li-Ne, 18 beyond): no basis is built,
// so a million QM9 molecules are ordered in milliseconds.
double estimated_basis_size(const chem::Molecule& molecule);

// An SCF with its response (generate, evaluate): J/K builds and diagonalisations, ~nbf^3 at these sizes.
double scf_cost(double n_basis);
double reference_cost(const chem::Molecule& molecule);  // scf_cost(estimated_basis_size(molecule))

// One training step on a dataset molecule, from its index row (formula and dimensions, no arrays) and the
// dataset's grid: grid points x (network + orbital pairs x right-hand sides per point). The model's jets cost the
// same at every point; the MO-basis work of g and H v_k is O(points x n_occ x n_vir x rhs) (docs/theory.md
// section 4); orbital_rhs = 0 for the energy term alone, 1 with the orbital gradient, n_dir + 1 with the
// Hessian products. The network's share per point, in units of one orbital pair and right-hand side, is
// measured on DI steps (bench/step_cost_fit.py, the 132 reduced G2 molecules: 21 000 for mgga-mlp, 33 000 for
// nonlocal; 25 000 taken; relative error 11-13 % rms, against 75 % of atoms x nbf x n_occ x rhs). Not modelled:
// the smaller network share of energy+grad steps, the model's SCF of the +density modes, rebuilding molecules
// outside the feature cache; points alone already rank DI and energy steps (rank correlation 0.98 and 0.91).
double training_step_cost(const data::MoleculeRecord& index_row, const grid::GridSettings& grid, int orbital_rhs);

// Grid points of a molecule of this formula before the partition cutoff (grid::atomic_grid_points summed).
// Throws InputError quoting the formula when it is malformed.
double estimated_grid_points(std::string_view formula, const grid::GridSettings& grid);

}  // namespace dixc::calc

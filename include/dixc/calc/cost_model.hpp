#pragma once
// The one cost model of the three stages: relative costs of one molecule's work, used to order molecules largest
// first and to deal them to ranks (par/schedule.hpp). Only ratios within one stage matter. Each stage's cost is
// its dominant term for def2-SVP-size molecules, so the formulas differ by stage, not by caller.
#include "dixc/chem/molecule.hpp"
#include "dixc/data/molecule_record.hpp"

namespace dixc::calc {

// def2-SVP basis functions estimated from the elements (5 per H/He, 14 per Li-Ne, 18 beyond): no basis is built,
// so a million QM9 molecules are ordered in milliseconds.
double estimated_basis_size(const chem::Molecule& molecule);

// An SCF with its response (generate, evaluate): J/K builds and diagonalisations, ~nbf^3 at these sizes.
double scf_cost(double n_basis);
double reference_cost(const chem::Molecule& molecule);  // scf_cost(estimated_basis_size(molecule))

// One training step on a dataset molecule: grid points (~atoms) x orbital pairs x (directions + 1), the size of
// the MO-basis work of the DI-Loss (docs/theory.md section 4).
double training_step_cost(const data::RecordDimensions& dims);

}  // namespace dixc::calc

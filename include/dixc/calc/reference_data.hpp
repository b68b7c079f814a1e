#pragma once
// The per-molecule work of `dixc generate`: tight SCF with the target functional, TDDFT, and the XC-part
// supervision targets of theory.md section 3, packed into a data::MoleculeRecord.
#include <cstdint>
#include <string>

#include "dixc/chem/molecule.hpp"
#include "dixc/data/molecule_record.hpp"
#include "dixc/par/eigensolver.hpp"
#include "dixc/scf/scf.hpp"

namespace dixc::calc {

struct ReferenceSettings {
  std::string functional = "b3lyp";
  std::string basis = "def2-svp";
  std::string grid = "default";
  int max_iter = 100;
  double energy_threshold = 1e-10;
  double gradient_threshold = 1e-8;
  int n_roots = 4;  // TDDFT (RPA) roots; their (X+Y) are the first directions
  int n_dir = 8;    // directions in all; those beyond the TDDFT ones are seeded random unit vectors
  std::uint64_t seed = 0;
};

// Throws dixc::InputError (bad molecule) or dixc::ConvergenceError (SCF or TDDFT did not converge); the caller
// records the failure. Deterministic: the random directions depend only on the seed and the molecule's name.
data::MoleculeRecord compute_reference(const chem::Molecule& molecule, const ReferenceSettings& settings,
                                       const par::Eigensolver& eigensolver = par::LapackEigensolver());

data::MoleculeRecord failed_record(const chem::Molecule& molecule, const std::string& message);

}  // namespace dixc::calc

#pragma once
// Collects the molecules of a `dixc generate` run from the command line's inputs: XYZ files (single- or
// multi-frame, QM9 format included), directories of them, and manifest CSVs (name,path[,charge,multiplicity],
// paths relative to the CSV). An input that cannot be read becomes a failure entry instead of stopping the run.
#include <string>
#include <vector>

#include "dixc/chem/molecule.hpp"

namespace dixc::chem {

struct SourceFailure {
  std::string name;     // the file stem
  std::string message;  // what was wrong
};

struct MoleculeSet {
  std::vector<chem::Molecule> molecules;
  std::vector<SourceFailure> failures;
};

// Throws InputError for an input path that does not exist or a duplicate molecule name (names identify records
// in the dataset).
MoleculeSet collect_molecules(const std::vector<std::string>& inputs);

}  // namespace dixc::chem

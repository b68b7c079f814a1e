#pragma once
// Readers for XYZ (Angstrom), multi-frame XYZ and QM9 extended XYZ.
//
// Comment line: "charge=Q multiplicity=M" (either optional, any order, also "mult=") sets the charge and spin;
// other text is kept as a title. QM9 files are recognised by a comment line starting with "gdb" and a fifth
// (Mulliken charge) column; their trailing frequency/SMILES/InChI lines are skipped and "*^" exponents read.
#include <filesystem>
#include <istream>
#include <string>
#include <vector>

#include "dixc/chem/molecule.hpp"

namespace dixc::chem {

// All frames of a file. Frame names: the file stem for single-frame files, "stem_<k>" (k from 0) otherwise.
// Throws InputError "FILE:LINE: problem" for malformed input, an unknown element or a missing file.
std::vector<Molecule> read_xyz_file(const std::filesystem::path& path);

// Same as read_xyz_file for text already in memory; source_name is used in messages and frame names.
std::vector<Molecule> parse_xyz(std::istream& in, const std::string& source_name);

}  // namespace dixc::chem

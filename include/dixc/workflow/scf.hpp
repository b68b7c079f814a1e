#pragma once
// `dixc scf`: one closed-shell SCF (Hartree-Fock, any libxc functional, or a learned model.pt) on one molecule of
// an XYZ file, optionally followed by TDDFT. One SCF does not share its work over MPI ranks: under mpirun it runs
// once, on rank 0, and says so.
#include <optional>
#include <ostream>
#include <string>

#include "dixc/chem/molecule.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/par/runtime.hpp"
#include "dixc/response/tddft.hpp"
#include "dixc/scf/scf.hpp"

namespace dixc::workflow {

struct ScfSettings {
  std::string molecule_path;  // XYZ (Angstrom)
  int frame = 0;
  std::optional<int> charge, multiplicity;  // override the XYZ comment line
  std::string functional = "b3lyp", basis = "def2-svp", grid = "default";
  integrals::JKOptions jk;
  scf::ScfOptions scf;  // its log (if any) receives the iterations
  int n_roots = 0;      // TDDFT singlets after the SCF (0: none)
  bool tda = false;
};

struct ScfOutcome {
  chem::Molecule molecule;
  std::string basis_name;
  std::size_t nbf = 0, grid_points = 0;
  std::string coulomb;  // "exact" or "ri-j:<fitting basis>"
  scf::ScfResult result;
  std::optional<response::TddftResult> tddft;
};

// On rank 0: the outcome, after printing the molecule, the result and the excitations to `log`. On other ranks:
// nothing (after a note on stderr from rank 0). Throws ConvergenceError if the SCF or the TDDFT did not converge,
// InputError for a bad molecule or option.
std::optional<ScfOutcome> run_scf(par::Runtime& runtime, const ScfSettings& settings, std::ostream& log);

}  // namespace dixc::workflow

#include "dixc/workflow/scf.hpp"

#include <iomanip>
#include <iostream>

#include "dixc/calc/molecule_calculation.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/chem/xyz_reader.hpp"
#include "dixc/util/error.hpp"

namespace dixc::workflow {

namespace {

chem::Molecule read_molecule(const ScfSettings& s) {
  const auto frames = chem::read_xyz_file(s.molecule_path);
  if (s.frame < 0 || s.frame >= static_cast<int>(frames.size()))
    throw InputError(s.molecule_path + ": frame " + std::to_string(s.frame) + " requested but the file has " +
                     std::to_string(frames.size()) + " frame(s)");
  chem::Molecule molecule = frames[s.frame];
  if (s.charge) molecule.charge = *s.charge;
  if (s.multiplicity) molecule.multiplicity = *s.multiplicity;
  molecule.require_closed_shell();
  molecule.require_separated_atoms();
  return molecule;
}

void print_excitations(const response::TddftResult& tddft, bool tda, std::ostream& log) {
  log << (tda ? "TDA" : "RPA") << " singlet excitations (" << tddft.n_iter
      << " Davidson iterations):\n   root   energy (eV)   energy (Eh)        f\n";
  for (std::size_t r = 0; r < tddft.excitations.size(); ++r) {
    const auto& ex = tddft.excitations[r];
    log << std::setw(7) << r + 1 << std::fixed << std::setprecision(4) << std::setw(14)
        << ex.energy * chem::hartree_in_ev << std::setprecision(8) << std::setw(14) << ex.energy << std::setprecision(6)
        << std::setw(11) << ex.oscillator_strength << "\n";
  }
}

}  // namespace

std::optional<ScfOutcome> run_scf(par::Runtime& runtime, const ScfSettings& s, std::ostream& log) {
  // Under mpirun every rank would otherwise run the same SCF: run it once and say so.
  if (const int ranks = runtime.size(); ranks > 1) {
    if (!runtime.is_root()) return std::nullopt;
    std::cerr << "dixc scf: " << ranks << " MPI ranks, but one SCF does not share its work over ranks: it runs once, "
              << "on rank 0; the other ranks stay idle (use threads instead: OMP_NUM_THREADS)\n";
  }
  ScfOutcome out;
  out.molecule = read_molecule(s);
  const chem::Molecule& molecule = out.molecule;
  const calc::MoleculeCalculation calculation(molecule, s.basis, s.grid, s.jk);
  const chem::BasisSet& basis = calculation.basis();
  // A model.pt is a functional name like any other (dixc-ml registers its loader with the XC factory).
  const calc::FunctionalCalculation run = calculation.with(s.functional);
  out.basis_name = basis.name;
  out.nbf = basis.nbf;
  out.coulomb = s.jk.coulomb_fitting.empty() ? "exact" : "ri-j:" + s.jk.coulomb_fitting;

  log << "dixc scf: " << molecule.name << " (" << molecule.formula() << ", " << molecule.atoms.size() << " atoms, "
      << molecule.n_electrons() << " electrons), " << s.functional << "/" << basis.name << ", " << basis.nbf
      << " basis functions\n";
  if (const auto* fitted = calculation.jk().coulomb_fitting())
    log << "Coulomb by density fitting (RI-J): " << s.jk.coulomb_fitting << ", " << fitted->fitting_functions()
        << " fitting functions, " << (fitted->bytes() >> 20) << " MiB of three-centre integrals\n";
  out.result = run.scf(s.scf);
  const scf::ScfResult& result = out.result;
  log << std::fixed << std::setprecision(10) << "total energy      " << result.energy_total << " Eh\n"
      << "nuclear repulsion " << result.energy.nuclear_repulsion << " Eh\n"
      << std::setprecision(6) << "dipole (a.u.)     " << result.dipole_au[0] << " " << result.dipole_au[1] << " "
      << result.dipole_au[2] << "\n"
      << (result.converged ? "converged" : "NOT CONVERGED") << " in " << result.n_iter << " iterations\n";
  run.require_converged(result, "try --max-iter or --guess core");
  out.grid_points = run.functional().grid_points();

  if (s.n_roots > 0) {
    response::TddftOptions options;
    options.n_roots = s.n_roots;
    options.tda = s.tda;
    options.log = s.scf.log;
    out.tddft = run.tddft(run.hessian(result), options);
    if (!out.tddft->converged)
      throw ConvergenceError("molecule '" + molecule.name + "': TDDFT Davidson did not converge (" +
                             response::convergence_summary(*out.tddft) + ")");
    print_excitations(*out.tddft, s.tda, log);
  }
  return out;
}

}  // namespace dixc::workflow

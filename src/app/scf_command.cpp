// dixc scf: option parsing and the JSON result; the calculation and its log are workflow::run_scf.
#include <fstream>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "dixc/app/commands.hpp"
#include "dixc/app/learned_functional.hpp"
#include "dixc/app/options.hpp"
#include "dixc/par/runtime.hpp"
#include "dixc/util/error.hpp"
#include "dixc/workflow/scf.hpp"
#include "dixc/xc/factory.hpp"

namespace po = boost::program_options;

namespace dixc::app {

namespace {

nlohmann::json result_json(const workflow::ScfOutcome& outcome, const std::string& method) {
  const chem::Molecule& molecule = outcome.molecule;
  const scf::ScfResult& r = outcome.result;
  nlohmann::json j;
  j["molecule"] = molecule.name;
  j["formula"] = molecule.formula();
  j["method"] = method;
  j["basis"] = outcome.basis_name;
  j["charge"] = molecule.charge;
  j["multiplicity"] = molecule.multiplicity;
  j["energy_total"] = r.energy_total;
  j["energy_components"] = {{"nuclear_repulsion", r.energy.nuclear_repulsion},
                            {"one_electron", r.energy.one_electron},
                            {"coulomb", r.energy.coulomb},
                            {"exchange", r.energy.exchange},
                            {"xc", r.energy.xc}};
  j["n_iter"] = r.n_iter;
  j["incremental_fock_builds"] = r.incremental_fock_builds;
  j["converged"] = r.converged;
  j["gradient_norm"] = r.gradient_norm;
  j["dipole_au"] = r.dipole_au;
  const int n_mo = static_cast<int>(r.orbital_energies.size());
  j["homo"] = r.n_occupied > 0 ? nlohmann::json(r.orbital_energies(r.n_occupied - 1)) : nlohmann::json();
  j["lumo"] = r.n_occupied < n_mo ? nlohmann::json(r.orbital_energies(r.n_occupied)) : nlohmann::json();
  j["nbf"] = outcome.nbf;
  j["orbital_energies"] = std::vector<double>(r.orbital_energies.data(), r.orbital_energies.data() + n_mo);
  j["grid_points"] = outcome.grid_points;
  j["n_electrons_integrated"] = r.n_electrons_integrated;
  j["timings"] = r.timings_s;
  j["coulomb"] = outcome.coulomb;
  if (outcome.tddft) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& ex : outcome.tddft->excitations)
      list.push_back({{"energy_Eh", ex.energy},
                      {"energy_eV", ex.energy * chem::hartree_in_ev},
                      {"f", ex.oscillator_strength},
                      {"transition_dipole_au", ex.transition_dipole}});
    j["excitations"] = list;
  }
  return j;
}

}  // namespace

bool scf_uses_learned_functional(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    for (const char* flag : {"--functional", "-f", "--method", "-m"}) {
      const std::string f = flag;
      if (a == f && i + 1 < args.size() && xc::is_learned_functional_name(args[i + 1])) return true;
      if (a.rfind(f + "=", 0) == 0 && xc::is_learned_functional_name(a.substr(f.size() + 1))) return true;
    }
  }
  return false;
}

int run_scf_command(par::Runtime& runtime, const std::vector<std::string>& args) {
  po::options_description options(
      "usage: dixc scf MOLECULE.xyz [options]\n\n"
      "Runs a closed-shell SCF (restricted Hartree-Fock or Kohn-Sham, default B3LYP) for the first frame of "
      "MOLECULE.xyz (Angstrom).\n"
      "Prints the iterations and the result; --json writes energies (Eh), dipole (a.u.) and orbital energies.\n"
      "One SCF does not share its work over MPI ranks: under mpirun it runs once, on rank 0 (threads per process: "
      "OMP_NUM_THREADS).\n\n"
      "Options");
  options.add_options()("molecule", po::value<std::string>()->required(), "XYZ file (Angstrom)")(
      "functional,f", po::value<std::string>()->default_value("b3lyp"),
      "hf, b3lyp, pbe, blyp, pbe0, svwn, a libxc name (e.g. HYB_GGA_XC_B3LYP, gga_x_pbe+gga_c_pbe), or a "
      "learned functional: the model.pt written by dixc train (any file ending in .pt; no exact exchange)")(
      "method,m", po::value<std::string>(), "synonym of --functional")(
      "grid", po::value<std::string>()->default_value("default"),
      "DFT grid level: coarse, medium (= default, the size class of NWChem's fine), fine, xfine")(
      "basis", po::value<std::string>()->default_value("def2-svp"), "basis set name (file NAME.g94 on the basis path)")(
      "charge", po::value<int>(), "total charge (overrides the XYZ comment line; default 0)")(
      "multiplicity", po::value<int>(), "spin multiplicity; restricted methods need 1")(
      "frame", po::value<int>()->default_value(0), "frame index in a multi-frame XYZ file")(
      "guess", po::value<std::string>()->default_value("sad"), "initial guess: sad | core")(
      "max-iter", po::value<int>()->default_value(100), "maximum SCF iterations")(
      "conv-energy", po::value<double>()->default_value(1e-10), "energy-change threshold (Eh)")(
      "conv-gradient", po::value<double>()->default_value(1e-8), "orbital-gradient norm threshold")(
      "tddft", po::value<int>()->default_value(0), "number of singlet excitations to compute after the SCF (0: none)")(
      "tda", po::bool_switch(), "Tamm-Dancoff approximation instead of full RPA (Casida) for --tddft")(
      "eri-memory", po::value<double>()->default_value(2048),
      "MB of memory for keeping the screened two-electron integrals (above it, or with 0: direct J/K builds, "
      "incremental from the density change); with --ri-j the limit of the three-centre integrals")(
      "ri-j", po::bool_switch(),
      "Coulomb matrix by density fitting (RI-J) with the def2-universal-jfit auxiliary basis: O(N^3) instead of "
      "the four-centre O(N^4) build, energy error a few 1e-5 Eh per atom (exact exchange, if any, stays four-centre "
      "and direct); for semilocal and learned functionals, not for reference data")(
      "json", po::value<std::string>(), "write the result as JSON to this file")("quiet,q", po::bool_switch(),
                                                                                 "no per-iteration log");
  po::positional_options_description positional;
  positional.add("molecule", 1);
  const auto parsed = parse_options("scf", args, options, positional);
  if (parsed.help_requested) {
    std::cout << parsed.help << "\n";
    return 0;
  }
  const auto& vm = parsed.values;
  workflow::ScfSettings settings;
  settings.molecule_path = vm["molecule"].as<std::string>();
  settings.frame = vm["frame"].as<int>();
  if (vm.count("charge")) settings.charge = vm["charge"].as<int>();
  if (vm.count("multiplicity")) settings.multiplicity = vm["multiplicity"].as<int>();
  settings.functional = vm.count("method") ? vm["method"].as<std::string>() : vm["functional"].as<std::string>();
  settings.basis = vm["basis"].as<std::string>();
  settings.grid = vm["grid"].as<std::string>();
  const double eri_memory_mb = vm["eri-memory"].as<double>();
  if (!(eri_memory_mb >= 0)) throw InputError("--eri-memory must be >= 0 (MB)");
  settings.jk.in_core_bytes = static_cast<std::size_t>(eri_memory_mb * 1024 * 1024);
  if (vm["ri-j"].as<bool>()) settings.jk.coulomb_fitting = "def2-universal-jfit";
  settings.scf.max_iter = vm["max-iter"].as<int>();
  settings.scf.energy_threshold = vm["conv-energy"].as<double>();
  settings.scf.gradient_threshold = vm["conv-gradient"].as<double>();
  settings.scf.guess = scf::parse_guess(vm["guess"].as<std::string>());
  if (!vm["quiet"].as<bool>()) settings.scf.log = &std::cout;
  settings.n_roots = vm["tddft"].as<int>();
  settings.tda = vm["tda"].as<bool>();
  const auto outcome = workflow::run_scf(runtime, settings, std::cout);
  if (!outcome || !vm.count("json")) return 0;
  nlohmann::json json = result_json(*outcome, settings.functional);
  if (outcome->tddft) json["tddft_method"] = settings.tda ? "tda" : "rpa";
  const std::string out = vm["json"].as<std::string>();
  std::ofstream file(out);
  if (!file) throw InputError("cannot write JSON output '" + out + "'");
  file << std::setw(2) << json << "\n";
  return 0;
}

}  // namespace dixc::app

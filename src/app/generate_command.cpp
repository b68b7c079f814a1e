// dixc generate: option parsing for stage 1; the work is workflow::generate.
#include <iostream>
#include <tuple>

#include "dixc/app/commands.hpp"
#include "dixc/app/options.hpp"
#include "dixc/workflow/generate.hpp"

namespace po = boost::program_options;

namespace dixc::app {

int run_generate_command(par::Runtime& runtime, const std::vector<std::string>& args) {
  po::options_description options(
      "usage: [mpirun -np N] dixc generate [INPUT ...] --output DATA.h5 [options]\n\n"
      "Computes the reference data set (docs/theory.md section 3): B3LYP/def2-SVP SCF with tight convergence, TDDFT,\n"
      "XC-part gradient and Hessian-vector targets, for every molecule of the inputs (XYZ files, multi-frame or\n"
      "QM9 XYZ, directories of XYZ files, manifest CSVs name,path[,charge,multiplicity]; default: the molecules\n"
      "shipped in share/molecules/small). All MPI ranks work; molecules go largest first to whichever rank is\n"
      "free. Rerunning the same command on an existing output skips finished molecules and appends the rest.\n"
      "A molecule that fails is recorded with its message and the run goes on; a rerun keeps it as failed unless\n"
      "--retry-failed (after fixing its input, say), whose new record then replaces the failed one.\n\nOptions");
  options.add_options()("inputs", po::value<std::vector<std::string>>()->multitoken(), "input files/directories")(
      "output,o", po::value<std::string>()->required(), "dataset file (HDF5), created or appended to")(
      "functional", po::value<std::string>()->default_value("b3lyp"), "target functional")(
      "basis", po::value<std::string>()->default_value("def2-svp"), "basis set")(
      "grid", po::value<std::string>()->default_value("default"),
      "DFT grid level: coarse, medium (= default, the size class of NWChem's fine), fine, xfine")(
      "n-roots", po::value<int>()->default_value(4), "TDDFT roots per molecule")(
      "n-dir", po::value<int>()->default_value(8), "Hessian directions per molecule (TDDFT vectors, then random)")(
      "seed", po::value<unsigned long long>()->default_value(0), "seed of random directions and rattling")(
      "rattle", po::value<int>()->default_value(0), "displaced copies per molecule (conformer augmentation)")(
      "rattle-sigma", po::value<double>()->default_value(0.05), "displacement standard deviation, Angstrom")(
      "max-iter", po::value<int>()->default_value(100), "SCF iteration limit")(
      "conv-energy", po::value<double>()->default_value(1e-10), "SCF energy-change threshold (Eh)")(
      "conv-gradient", po::value<double>()->default_value(1e-8), "SCF orbital-gradient threshold")(
      "flush-seconds", po::value<double>()->default_value(30.0), "write and flush finished molecules this often")(
      "limit", po::value<int>()->default_value(0), "use only the first N molecules of the inputs (0: all)")(
      "shard", po::value<std::string>()->default_value(""),
      "I/N: only molecules I, I+N, I+2N, ... of the inputs (array jobs; combine with dixc merge)")(
      "ranks-per-molecule", po::value<int>()->default_value(1),
      "ranks that solve one molecule together (its eigenproblems distributed over them)")(
      "large-nbf", po::value<int>()->default_value(1000),
      "molecules with more basis functions than this are solved by teams of --large-ranks ranks, before the "
      "others (0: no such rule)")(
      "large-ranks", po::value<int>()->default_value(0),
      "ranks per large molecule (a multiple of --ranks-per-molecule; 0: all ranks of a node)")(
      "eigensolver", po::value<std::string>()->default_value("auto"),
      "lapack | scalapack | elpa (the latter two distribute over the ranks of a molecule's team); auto: lapack "
      "for one rank, scalapack for more")(
      "retry-failed", po::bool_switch(),
      "compute the molecules recorded as failed in the output again (the new record replaces the old)");
  po::positional_options_description positional;
  positional.add("inputs", -1);
  const auto parsed = parse_options("generate", args, options, positional);
  if (parsed.help_requested) {
    std::cout << parsed.help << "\n";
    return 0;
  }
  const auto& vm = parsed.values;

  workflow::GenerateSettings settings;
  if (vm.count("inputs")) settings.inputs = vm["inputs"].as<std::vector<std::string>>();
  settings.output = vm["output"].as<std::string>();
  settings.reference.functional = vm["functional"].as<std::string>();
  settings.reference.basis = vm["basis"].as<std::string>();
  settings.reference.grid = vm["grid"].as<std::string>();
  settings.reference.n_roots = vm["n-roots"].as<int>();
  settings.reference.n_dir = vm["n-dir"].as<int>();
  settings.reference.seed = static_cast<std::uint64_t>(vm["seed"].as<unsigned long long>());
  settings.reference.max_iter = vm["max-iter"].as<int>();
  settings.reference.energy_threshold = vm["conv-energy"].as<double>();
  settings.reference.gradient_threshold = vm["conv-gradient"].as<double>();
  settings.rattle = vm["rattle"].as<int>();
  settings.rattle_sigma = vm["rattle-sigma"].as<double>();
  settings.limit = vm["limit"].as<int>();
  if (const std::string shard = vm["shard"].as<std::string>(); !shard.empty())
    std::tie(settings.shard_index, settings.shard_count) = workflow::parse_shard(shard);
  settings.flush_seconds = vm["flush-seconds"].as<double>();
  settings.ranks_per_molecule = vm["ranks-per-molecule"].as<int>();
  settings.large_nbf = vm["large-nbf"].as<int>();
  settings.large_ranks = vm["large-ranks"].as<int>();
  settings.eigensolver = vm["eigensolver"].as<std::string>();
  settings.retry_failed = vm["retry-failed"].as<bool>();
  workflow::generate(runtime, settings, std::cout);
  return 0;
}

}  // namespace dixc::app

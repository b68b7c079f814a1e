// dixc inspect: what a dataset holds, whether it is internally consistent, and how two datasets differ.
#include <iomanip>
#include <iostream>

#include "dixc/app/commands.hpp"
#include "dixc/app/options.hpp"
#include "dixc/data/dataset_checks.hpp"
#include "dixc/data/dataset_reader.hpp"
#include "dixc/util/error.hpp"

namespace po = boost::program_options;

namespace dixc::app {

namespace {

int print_report(const data::CheckReport& report, const std::string& what) {
  for (const auto& p : report.problems) std::cout << "  " << p << "\n";
  std::cout << what << ": " << report.molecules_checked << " molecules checked, " << report.problems.size()
            << " problem(s)\n";
  return report.ok() ? 0 : 4;
}

}  // namespace

int run_inspect_command(par::Runtime& /*runtime: serial*/, const std::vector<std::string>& args) {
  po::options_description options(
      "usage: dixc inspect DATA.h5 [--verify] | dixc inspect --diff A.h5 B.h5 [--tolerance T]\n\n"
      "Summarises a dataset written by dixc generate. --verify checks every molecule's internal consistency\n"
      "(orthonormal orbitals, electron count, stored gradients, Hessian symmetry); --diff compares two datasets\n"
      "molecule by molecule (orbital-gauge-invariant forms). Exit code 4 when problems are found.\n\nOptions");
  options.add_options()("files", po::value<std::vector<std::string>>()->multitoken(), "dataset file(s)")(
      "verify", po::bool_switch(), "check internal consistency")("diff", po::bool_switch(), "compare two datasets")(
      "tolerance", po::value<double>(), "tolerance (verify: absolute, default 1e-8; diff: relative, default 1e-10)")(
      "list", po::bool_switch(), "list every molecule");
  po::positional_options_description positional;
  positional.add("files", -1);
  const auto parsed = parse_options("inspect", args, options, positional);
  if (parsed.help_requested) {
    std::cout << parsed.help << "\n";
    return 0;
  }
  const auto& vm = parsed.values;
  const auto files = vm.count("files") ? vm["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (vm["diff"].as<bool>()) {
    if (files.size() != 2) throw InputError("--diff needs exactly two dataset files");
    const data::DatasetReader a(files[0]), b(files[1]);
    const double tol = vm.count("tolerance") ? vm["tolerance"].as<double>() : 1e-10;
    return print_report(data::diff_datasets(a, b, tol), "diff " + files[0] + " " + files[1]);
  }
  if (files.size() != 1) throw InputError("expected one dataset file (see 'dixc inspect --help')");
  const data::DatasetReader dataset(files[0]);
  std::cout << files[0] << "\n";
  for (const auto& [k, v] : dataset.attributes()) std::cout << "  " << std::left << std::setw(20) << k << v << "\n";
  std::size_t ok = 0, failed = 0;
  double wall = 0.0;
  for (std::size_t i = 0; i < dataset.size(); ++i) {
    const auto r = dataset.read_index(i);
    (r.status == data::RecordStatus::ok ? ok : failed) += 1;
    wall += r.scalars.wall_seconds;
    if (vm["list"].as<bool>() || r.status != data::RecordStatus::ok)
      std::cout << "  " << std::left << std::setw(24) << r.name << std::setw(12) << r.formula
                << (r.status == data::RecordStatus::ok
                        ? "ok  nbf " + std::to_string(r.dims.nbf) + "  E = " + std::to_string(r.scalars.energy_total)
                        : "FAILED: " + r.message)
                << "\n";
  }
  std::cout << dataset.size() << " molecules: " << ok << " ok, " << failed << " failed; " << std::fixed
            << std::setprecision(1) << wall << " s of computation\n";
  if (vm["verify"].as<bool>()) {
    const double tol = vm.count("tolerance") ? vm["tolerance"].as<double>() : 1e-8;
    return print_report(data::verify_dataset(dataset, tol), "verify");
  }
  return 0;
}

}  // namespace dixc::app

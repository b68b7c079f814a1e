// dixc evaluate: option parsing for stage 3; the work is workflow::evaluate, the --compare table
// workflow::comparison_table.
#include <fstream>
#include <iostream>
#include <sstream>

#include "dixc/app/commands.hpp"
#include "dixc/app/options.hpp"
#include "dixc/util/error.hpp"
#include "dixc/workflow/evaluate.hpp"
#include "dixc/workflow/evaluation_report.hpp"

namespace po = boost::program_options;

namespace dixc::app {

namespace {

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int run_evaluate_command(par::Runtime& runtime, const std::vector<std::string>& args) {
  po::options_description options(
      "usage: [mpirun -np N] dixc evaluate DATA.h5 --model DIR/model.pt --output-dir OUT [options]\n"
      "       dixc evaluate --compare OUT1 OUT2 ... [--table FILE.md]\n\n"
      "Runs the learned functional self-consistently on the held-out molecules (the test split recorded in the\n"
      "model by dixc train) and reports, per molecule and as means (docs/theory.md section 6): |E_tot - E_ref|,\n"
      "E_rho = E_target[D_model] - E_target[D_ref], dipole error, L2 density error, target-SCF iterations saved\n"
      "by starting from the model's density, and the TDDFT excitation MAE. Writes OUT/metrics.csv,\n"
      "OUT/summary.json and OUT/report.md with plots (needs python3-matplotlib).\n"
      "A molecule that fails (no SCF convergence, ...) is recorded with its reason in metrics.csv and left out of\n"
      "the means; the others are evaluated and reported, and the command then exits with code 3 naming the\n"
      "failed molecules.\n"
      "Each finished molecule is kept in OUT/finished/ at once: a rerun into the same OUT with the same model file,\n"
      "dataset settings, --baselines, --max-iter and dixc build computes only the molecules not finished yet (failed\n"
      "ones, and ones whose reference data changed, again; any --split or --max-molecules), so an evaluation stopped\n"
      "by SIGTERM/SIGUSR1 (it finishes the current molecules and exits 0), a time limit or a lost node resumes;\n"
      "delete OUT/finished/ to compute everything again.\n\nOptions");
  options.add_options()("dataset", po::value<std::string>(), "dataset written by dixc generate")(
      "model", po::value<std::string>(), "TorchScript model (DIR/model.pt from dixc train)")(
      "output-dir,o", po::value<std::string>(), "where the metrics and the report go")(
      "split", po::value<std::string>()->default_value("test"), "test | validation | train | all")(
      "train-dir", po::value<std::string>(), "training directory (losses.csv for the report; default: the model's)")(
      "max-molecules", po::value<int>()->default_value(0), "evaluate at most this many molecules (0: all)")(
      "max-iter", po::value<int>()->default_value(100),
      "iterations allowed to the learned functional's SCF; a molecule that needs more is reported as failed")(
      "baselines", po::value<std::string>()->default_value("blyp,pbe"),
      "comma-separated libxc functionals run on the same molecules as baselines ('' for none)")(
      "compare", po::value<std::vector<std::string>>()->multitoken(),
      "evaluation directories to tabulate; those of one architecture, loss mode and training options (other "
      "--seed) are one row, mean +- standard deviation over the seeds; each row's change over its controls of equal "
      "length (every phase other than energy trained on the energy alone, or with energy+density, the paper's "
      "baseline), per architecture and averaged over them, carries the seed error (marked '(noise)' when a t-test at "
      "95 %, paired by seed where the rows share their "
      "seeds, else Welch's, does not separate them)")("table", po::value<std::string>()->default_value(""),
                                                      "with --compare: also write the table here");
  po::positional_options_description positional;
  positional.add("dataset", 1);
  const auto parsed = parse_options("evaluate", args, options, positional);
  if (parsed.help_requested) {
    std::cout << parsed.help << "\n";
    return 0;
  }
  const auto& vm = parsed.values;
  if (vm.count("compare")) {
    const std::string table = workflow::comparison_table(vm["compare"].as<std::vector<std::string>>());
    std::cout << table;
    if (const std::string output = vm["table"].as<std::string>(); !output.empty()) {
      std::ofstream(output) << table;
      std::cout << "table written to " << output << "\n";
    }
    return 0;
  }
  for (const char* required : {"dataset", "model", "output-dir"})
    if (!vm.count(required)) throw InputError(std::string("missing --") + required + " (see 'dixc evaluate --help')");

  workflow::EvaluateSettings settings;
  settings.dataset = vm["dataset"].as<std::string>();
  settings.model = vm["model"].as<std::string>();
  settings.output_dir = vm["output-dir"].as<std::string>();
  settings.split = vm["split"].as<std::string>();
  if (vm.count("train-dir")) settings.train_dir = vm["train-dir"].as<std::string>();
  settings.max_molecules = vm["max-molecules"].as<int>();
  settings.max_scf_iterations = vm["max-iter"].as<int>();
  settings.baselines = comma_list(vm["baselines"].as<std::string>());
  const auto summary = workflow::evaluate(runtime, settings, std::cout);
  if (!runtime.is_root() || summary.interrupted) return 0;
  std::cout << "dixc evaluate: report in " << summary.report << "\n";
  if (summary.failed.empty()) return 0;
  std::string failed;
  for (const auto& f : summary.failed) failed += (failed.empty() ? "" : "; ") + f;
  std::cerr << "dixc evaluate: error: " << summary.failed.size() << " of " << summary.n_molecules
            << " molecules failed (" << failed << "); the report and metrics cover the others\n";
  return 3;
}

}  // namespace dixc::app

// dixc evaluate: a trained functional, self-consistently, on the held-out molecules of a dataset; or
// (--compare) one table over several evaluations, the ablation of architectures x loss modes.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "dixc/app/commands.hpp"
#include "dixc/app/options.hpp"
#include "dixc/data/dataset_reader.hpp"
#include "dixc/data/schema.hpp"
#include "dixc/ml/dataset_split.hpp"
#include "dixc/ml/evaluation.hpp"
#include "dixc/ml/loss_settings.hpp"
#include "dixc/par/collectives.hpp"
#include "dixc/par/runtime.hpp"
#include "dixc/util/error.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace dixc::app {

namespace {

// Metrics reported per molecule and averaged: (JSON key, CSV header, label for tables).
const std::vector<std::pair<std::string, std::string>>& metric_columns() {
  static const std::vector<std::pair<std::string, std::string>> cols = {
      {"energy_error_mEh", "abs dE_tot (mEh)"},  {"e_rho_mEh", "E_rho (mEh)"},
      {"dipole_error_debye", "dipole (D)"},      {"density_l2", "L2 density"},
      {"iterations_saved", "B3LYP iter. saved"}, {"tddft_mae_ev", "TDDFT MAE (eV)"}};
  return cols;
}

nlohmann::json to_json(const ml::MoleculeMetrics& m) {
  return {{"name", m.name},
          {"ok", m.ok},
          {"message", m.message},
          {"energy_model", m.energy_model},
          {"energy_reference", m.energy_reference},
          {"energy_error_mEh", m.energy_error_mEh},
          {"e_rho_mEh", m.e_rho_mEh},
          {"dipole_error_debye", m.dipole_error_debye},
          {"density_l2", m.density_l2},
          {"model_scf_iterations", m.model_scf_iterations},
          {"target_iterations_default", m.target_iterations_default},
          {"target_iterations_from_model", m.target_iterations_from_model},
          {"iterations_saved", m.target_iterations_default - m.target_iterations_from_model},
          {"tddft_mae_ev", m.tddft_mae_ev},
          {"excitations_model_ev", m.excitations_model_ev},
          {"excitations_reference_ev", m.excitations_reference_ev},
          {"baselines", [&] {
             nlohmann::json b = nlohmann::json::object();
             for (const auto& x : m.baselines)
               b[x.functional] = {{"ok", x.ok}, {"energy_error_mEh", x.energy_error_mEh}, {"e_rho_mEh", x.e_rho_mEh}};
             return b;
           }()}};
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string report_script() {
  for (const fs::path dir : {fs::path(DIXC_INSTALL_SHARE_DIR), fs::path(DIXC_SOURCE_SHARE_DIR)})
    if (fs::exists(dir / "report" / "make_report.py")) return (dir / "report" / "make_report.py").string();
  return {};
}

int compare(const std::vector<std::string>& runs, const std::string& output) {
  // rows: architecture x loss mode; columns: the mean metrics; then DI relative to energy-only per architecture.
  std::map<std::pair<std::string, std::string>, nlohmann::json> table;
  nlohmann::json baselines;  // of the first run that has them: every run of one table evaluates the same split
  for (const auto& run : runs) {
    std::ifstream in(fs::path(run) / "summary.json");
    if (!in) throw InputError(run + "/summary.json not found (run dixc evaluate into that directory first)");
    const auto s = nlohmann::json::parse(in);
    table[{s.at("architecture").get<std::string>(), s.at("loss_mode").get<std::string>()}] = s.at("mean");
    if (baselines.empty() && s.contains("baseline_mean")) baselines = s.at("baseline_mean");
  }
  std::ostringstream md;
  md << "| architecture | loss |";
  for (const auto& [key, label] : metric_columns()) md << " " << label << " |";
  md << "\n|---|---|";
  for (std::size_t i = 0; i < metric_columns().size(); ++i) md << "---|";
  md << "\n";
  for (const auto& [key, mean] : table) {
    md << "| " << key.first << " | " << key.second << " |";
    for (const auto& [metric, label] : metric_columns())
      md << " " << std::setprecision(4) << mean.value(metric, std::nan("")) << " |";
    md << "\n";
  }
  for (const auto& [name, b] : baselines.items()) {
    md << "| " << name << " (libxc, no training) | baseline |";
    for (const auto& [metric, label] : metric_columns())
      if (b.contains(metric))
        md << " " << std::setprecision(4) << b[metric].get<double>() << " |";
      else
        md << " - |";
    md << "\n";
  }
  md << "\nRelative change of DI (from scratch, or fine-tuning an energy-only model: energy>di) over energy-only "
        "training, (DI - energy) / |energy| (negative: DI is better for errors; positive: more iterations "
        "saved):\n\n| architecture | DI training |";
  for (const auto& [key, label] : metric_columns()) md << " " << label << " |";
  md << "\n|---|---|";
  for (std::size_t i = 0; i < metric_columns().size(); ++i) md << "---|";
  md << "\n";
  for (const auto& [key, mean] : table) {
    if (key.second != "di" && key.second != "energy>di") continue;
    const auto base = table.find({key.first, "energy"});
    if (base == table.end()) continue;
    md << "| " << key.first << " | " << key.second << " |";
    for (const auto& [metric, label] : metric_columns()) {
      const double di = mean.value(metric, std::nan("")), e = base->second.value(metric, std::nan(""));
      md << " " << std::showpos << std::fixed << std::setprecision(1) << 100.0 * (di - e) / std::abs(e) << "%"
         << std::noshowpos << std::defaultfloat << " |";
    }
    md << "\n";
  }
  std::cout << md.str();
  if (!output.empty()) {
    std::ofstream out(output);
    out << md.str();
    std::cout << "table written to " << output << "\n";
  }
  return 0;
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
      "failed molecules.\n\nOptions");
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
      "compare", po::value<std::vector<std::string>>()->multitoken(), "evaluation directories to tabulate")(
      "table", po::value<std::string>()->default_value(""), "with --compare: also write the table here");
  po::positional_options_description positional;
  positional.add("dataset", 1);
  const auto parsed = parse_options("evaluate", args, options, positional);
  if (parsed.help_requested) {
    std::cout << parsed.help << "\n";
    return 0;
  }
  const auto& vm = parsed.values;
  if (vm.count("compare")) return compare(vm["compare"].as<std::vector<std::string>>(), vm["table"].as<std::string>());
  for (const char* required : {"dataset", "model", "output-dir"})
    if (!vm.count(required)) throw InputError(std::string("missing --") + required + " (see 'dixc evaluate --help')");

  const int rank = runtime.rank(), size = runtime.size();
  const std::string dataset_path = vm["dataset"].as<std::string>(), model_path = vm["model"].as<std::string>();
  const fs::path out = vm["output-dir"].as<std::string>();
  const data::DatasetReader dataset(dataset_path);
  const ml::ModelInfo info = ml::read_model_info(model_path);
  const std::string split = vm["split"].as<std::string>();
  if (split != "test" && split != "validation" && split != "train" && split != "all")
    throw InputError("--split must be test, validation, train or all");

  std::vector<std::size_t> usable_rows;
  std::vector<std::string> usable_names;
  for (std::size_t i = 0; i < dataset.size(); ++i)
    if (const auto r = dataset.read_index(i); r.status == data::RecordStatus::ok) {
      usable_rows.push_back(i);
      usable_names.push_back(r.name);
    }
  // The trainer's split, recomputed from the same names; only meaningful on the dataset the model was trained on.
  const ml::DatasetSplit trainer_split(usable_names, info.split_seed, info.validation_fraction, info.test_fraction);
  if (split != "all" && !info.dataset_fingerprint.empty()) {
    const auto train_names = trainer_split.select(usable_names, ml::Split::train);
    if (ml::dataset_fingerprint(dataset.attributes(), train_names) != info.dataset_fingerprint)
      throw InputError(dataset_path + ": not the dataset " + model_path +
                       " was trained on (fingerprints differ), so its '" + split +
                       "' split is not defined here; evaluate on the training dataset or use --split all");
  }
  const ml::Split wanted = split == "test"         ? ml::Split::test
                           : split == "validation" ? ml::Split::validation
                                                   : ml::Split::train;
  std::vector<std::size_t> rows;
  for (std::size_t k = 0; k < usable_rows.size(); ++k)
    if (split == "all" || trainer_split.of(usable_names[k]) == wanted) rows.push_back(usable_rows[k]);
  if (const int cap = vm["max-molecules"].as<int>(); cap > 0 && static_cast<int>(rows.size()) > cap) rows.resize(cap);
  if (rows.empty()) throw InputError(dataset_path + ": no molecules in the '" + split + "' split");
  if (rank == 0)
    std::cout << "dixc evaluate: " << rows.size() << " " << split << " molecules, model " << model_path << " ("
              << (info.architecture.empty() ? "?" : info.architecture) << ", loss "
              << (info.loss_mode.empty() ? "?" : info.loss_mode) << ")\n"
              << std::flush;

  ml::EvaluationSettings settings;
  settings.model_path = model_path;
  settings.functional = dataset.attribute(data::attribute::functional);
  settings.basis = dataset.attribute(data::attribute::basis);
  settings.grid = dataset.attribute(data::attribute::grid);
  settings.baselines = comma_list(vm["baselines"].as<std::string>());
  settings.max_scf_iterations = vm["max-iter"].as<int>();
  if (settings.max_scf_iterations < 1) throw InputError("--max-iter must be at least 1");
  std::string mine;
  for (std::size_t k = rank; k < rows.size(); k += size) {
    const auto m = ml::evaluate_molecule(dataset.read(rows[k]), settings);
    std::cout << "[rank " << rank << "] " << m.name << ": "
              << (m.ok ? "dE = " + std::to_string(m.energy_error_mEh) + " mEh, E_rho = " + std::to_string(m.e_rho_mEh) +
                             " mEh"
                       : "FAILED: " + m.message)
              << "\n"
              << std::flush;
    mine += to_json(m).dump() + "\n";
  }
  // Every rank's lines on rank 0, in rank order.
  const std::string all = par::gather_text(mine, 0, runtime.world());
  if (rank != 0) return 0;

  fs::create_directories(out);
  std::vector<nlohmann::json> results;
  std::istringstream lines(all);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) results.push_back(nlohmann::json::parse(line));
  std::sort(results.begin(), results.end(), [](const auto& a, const auto& b) { return a["name"] < b["name"]; });
  std::ofstream csv(out / "metrics.csv");
  csv << "name,ok";
  for (const auto& [key, label] : metric_columns()) csv << "," << key;
  csv << ",energy_model,energy_reference,model_scf_iterations,target_iterations_default,"
         "target_iterations_from_model,message\n";
  nlohmann::json mean = nlohmann::json::object(), baseline_mean = nlohmann::json::object();
  int n_ok = 0;
  for (const auto& r : results) {
    csv << r["name"].get<std::string>() << "," << (r["ok"].get<bool>() ? 1 : 0) << std::setprecision(12);
    for (const auto& [key, label] : metric_columns()) {
      csv << ",";
      if (r[key].is_number()) csv << r[key].get<double>();
    }
    csv << "," << r["energy_model"].get<double>() << "," << r["energy_reference"].get<double>() << ","
        << r["model_scf_iterations"] << "," << r["target_iterations_default"] << ","
        << r["target_iterations_from_model"] << ",\"" << r["message"].get<std::string>() << "\"\n";
    if (!r["ok"].get<bool>()) continue;
    ++n_ok;
    // A metric without a number (unconverged TDDFT: null) is left out of its mean, not counted as zero.
    for (const auto& [key, label] : metric_columns())
      if (r[key].is_number()) {
        mean[key] = mean.value(key, 0.0) + r[key].get<double>();
        mean["n_" + key] = mean.value("n_" + key, 0) + 1;
      }
    for (const auto& [name, b] : r["baselines"].items()) {
      if (!b["ok"].get<bool>()) continue;
      auto& sum = baseline_mean[name];
      if (!sum.is_object()) sum = {{"energy_error_mEh", 0.0}, {"e_rho_mEh", 0.0}, {"n", 0}};
      for (const char* key : {"energy_error_mEh", "e_rho_mEh"})
        sum[key] = sum[key].get<double>() + b[key].get<double>();
      sum["n"] = sum["n"].get<int>() + 1;
    }
  }
  for (const auto& [key, label] : metric_columns()) {
    const int n = mean.value("n_" + key, 0);
    mean[key] = n ? mean.value(key, 0.0) / n : std::nan("");
    mean.erase("n_" + key);
  }
  for (auto& [name, b] : baseline_mean.items())
    for (const char* key : {"energy_error_mEh", "e_rho_mEh"}) b[key] = b[key].get<double>() / b["n"].get<int>();
  nlohmann::json summary = {{"dataset", dataset_path},
                            {"model", model_path},
                            {"architecture", info.architecture},
                            {"loss_mode", info.loss_mode},
                            {"split", split},
                            {"n_molecules", results.size()},
                            {"n_ok", n_ok},
                            {"mean", mean},
                            {"baseline_mean", baseline_mean},
                            {"molecules", results}};
  std::ofstream(out / "summary.json") << std::setw(2) << summary << "\n";
  std::cout << "mean over " << n_ok << " molecules:";
  for (const auto& [key, label] : metric_columns())
    std::cout << "  " << label << " " << std::setprecision(4) << mean[key].get<double>();
  std::cout << "\n";
  for (const auto& [name, b] : baseline_mean.items())
    std::cout << "baseline " << name << " (libxc, own SCF) on the same " << b["n"].get<int>()
              << " molecules:  abs dE_tot (mEh) " << std::setprecision(4) << b["energy_error_mEh"].get<double>()
              << "  E_rho (mEh) " << b["e_rho_mEh"].get<double>() << "\n";

  const std::string script = report_script();
  const std::string train_dir =
      vm.count("train-dir") ? vm["train-dir"].as<std::string>() : fs::path(model_path).parent_path().string();
  if (!script.empty()) {
    const std::string cmd = "/usr/bin/python3 '" + script + "' '" + out.string() + "' '" + train_dir + "'";
    if (std::system(cmd.c_str()) != 0)
      std::cerr << "dixc evaluate: the report script failed (is python3-matplotlib installed?); metrics are in "
                << out.string() << "\n";
  }
  std::cout << "dixc evaluate: report in " << (out / "report.md").string() << "\n";
  if (n_ok == static_cast<int>(results.size())) return 0;
  std::string failed;
  for (const auto& r : results)
    if (!r["ok"].get<bool>())
      failed += (failed.empty() ? "" : "; ") + r["name"].get<std::string>() + ": " + r["message"].get<std::string>();
  std::cerr << "dixc evaluate: error: " << results.size() - n_ok << " of " << results.size() << " molecules failed ("
            << failed << "); the report and metrics cover the others\n";
  return 3;
}

}  // namespace dixc::app

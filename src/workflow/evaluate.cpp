#include "dixc/workflow/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "dixc/calc/cost_model.hpp"
#include "dixc/calc/reference_attributes.hpp"
#include "dixc/data/dataset_reader.hpp"
#include "dixc/data/schema.hpp"
#include "dixc/ml/dataset_split.hpp"
#include "dixc/ml/element_coverage.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/par/collectives.hpp"
#include "dixc/par/schedule.hpp"
#include "dixc/par/tiered_schedule.hpp"
#include "dixc/util/duration_text.hpp"
#include "dixc/util/error.hpp"
#include "dixc/util/stable_hash.hpp"
#include "dixc/version.hpp"
#include "dixc/workflow/evaluation_report.hpp"
#include "dixc/workflow/finished_molecules.hpp"
#include "dixc/workflow/molecule_evaluation.hpp"

namespace fs = std::filesystem;

namespace dixc::workflow {

namespace {

// A dataset row to evaluate and its SCF cost (from the index: the schedule orders by it).
struct Row {
  std::size_t index;
  double cost;
  std::string rare_elements;  // its elements that training barely has (ml/element_coverage.hpp); empty if none
  std::string name;
  double energy_reference;  // the record's total energy (a finished molecule is reused only for the same)
};

// Dataset rows of the requested split: the trainer's split, recomputed from the same names (only meaningful on
// the dataset the model was trained on, which the fingerprint checks), or every successfully computed molecule.
std::vector<Row> rows_of_split(const data::DatasetReader& dataset, const ml::ModelInfo& info,
                               const EvaluateSettings& s) {
  const std::string& split = s.split;
  if (split != "test" && split != "validation" && split != "train" && split != "all")
    throw InputError("--split must be test, validation, train or all");
  std::vector<Row> usable_rows;
  std::vector<std::string> usable_names, usable_formulas;
  for (std::size_t i = 0; i < dataset.size(); ++i)
    if (const auto r = dataset.read_index(i); r.status == data::RecordStatus::ok) {
      usable_rows.push_back({i, calc::scf_cost(static_cast<double>(r.dims.nbf)), {}, r.name, r.scalars.energy_total});
      usable_names.push_back(r.name);
      usable_formulas.push_back(r.formula);
    }
  const ml::DatasetSplit trainer_split(usable_names, info.split_seed, info.validation_fraction, info.test_fraction);
  if (split != "all" && !info.dataset_fingerprint.empty()) {
    const auto train_names = trainer_split.select(usable_names, ml::Split::train);
    if (ml::dataset_fingerprint(dataset.attributes(), train_names) != info.dataset_fingerprint)
      throw InputError(s.dataset + ": not the dataset " + s.model + " was trained on (fingerprints differ), so its '" +
                       split + "' split is not defined here; evaluate on the training dataset or use --split all");
  }
  const ml::Split wanted = split == "test"         ? ml::Split::test
                           : split == "validation" ? ml::Split::validation
                                                   : ml::Split::train;
  // Coverage only where the trainer's split is known to be this dataset's.
  const bool held_out = (split == "test" || split == "validation") && !info.dataset_fingerprint.empty();
  const auto coverage =
      held_out ? std::optional<ml::ElementCoverage>(std::in_place, usable_names, usable_formulas, trainer_split)
               : std::nullopt;
  std::vector<Row> rows;
  for (std::size_t k = 0; k < usable_rows.size(); ++k)
    if (split == "all" || trainer_split.of(usable_names[k]) == wanted) {
      rows.push_back(usable_rows[k]);
      if (coverage) rows.back().rare_elements = ml::describe(coverage->rare_elements(usable_formulas[k]));
    }
  if (s.max_molecules > 0 && static_cast<int>(rows.size()) > s.max_molecules) rows.resize(s.max_molecules);
  if (rows.empty()) throw InputError(s.dataset + ": no molecules in the '" + split + "' split");
  return rows;
}

// What decides a molecule's metrics besides its own record: the model file's bytes, the dataset's settings (its
// attributes), the evaluation's settings and this build. Not the split or --max-molecules, which only choose the
// molecules: a finished molecule counts for any selection that includes it.
std::string evaluation_key(const data::DatasetReader& dataset, const EvaluateSettings& s) {
  std::ifstream model_file(s.model, std::ios::binary);
  const std::string model_bytes((std::istreambuf_iterator<char>(model_file)), std::istreambuf_iterator<char>());
  std::string baselines;
  for (const auto& b : s.baselines) baselines += b + ",";
  std::ostringstream key;
  key << std::hex << stable_hash(model_bytes) << "/" << stable_hash(ml::dataset_fingerprint(dataset.attributes(), {}))
      << std::dec << "/" << baselines << "/" << s.max_scf_iterations << "/" << version_string << "-" << git_hash;
  return key.str();
}

}  // namespace

EvaluateSummary evaluate(par::Runtime& runtime, const EvaluateSettings& s, std::ostream& progress) {
  const int rank = runtime.rank();
  // SIGTERM/SIGUSR1 (a job near its time limit): finish the current molecule, keep it, stop taking more.
  const par::StopSignal& stop_signal = runtime.stop_signal();
  const data::DatasetReader dataset(s.dataset);
  const torch::jit::Module model = ml::load_checked_model(s.model);  // once per rank, not per molecule
  const ml::ModelInfo info = ml::model_info(model);
  const std::vector<Row> rows = rows_of_split(dataset, info, s);
  if (s.max_scf_iterations < 1) throw InputError("--max-iter must be at least 1");
  if (rank == 0)
    progress << "dixc evaluate: " << rows.size() << " " << s.split << " molecules, model " << s.model << " ("
             << (info.architecture.empty() ? "?" : info.architecture) << ", loss "
             << (info.loss_mode.empty() ? "?" : info.loss_mode) << ")\n"
             << std::flush;

  EvaluationSettings settings;
  settings.model = model;
  // The reference's settings, as dixc generate recorded them: the target SCF reruns with its thresholds.
  const calc::ReferenceSettings reference = calc::reference_settings(dataset.attributes(), dataset.path());
  settings.functional = reference.functional;
  settings.basis = reference.basis;
  settings.grid = reference.grid;
  settings.baselines = s.baselines;
  settings.max_scf_iterations = s.max_scf_iterations;
  settings.target_scf = calc::reference_scf_options(reference);

  // Molecules an earlier run of this evaluation finished (interrupted, or complete) are not computed again.
  // A finished molecule is taken only for the same reference data (its record's total energy, bit for bit: a
  // dataset regenerated from other geometries under the same settings differs there).
  FinishedMolecules finished(s.output_dir, evaluation_key(dataset, s), runtime.world());
  std::vector<std::size_t> todo;  // positions in rows
  std::vector<nlohmann::json> reused;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto earlier = finished.earlier().find(rows[i].name);
    if (earlier != finished.earlier().end() &&
        earlier->second.value("energy_reference", 0.0) == rows[i].energy_reference) {
      reused.push_back(earlier->second);
      reused.back()["rare_elements"] = rows[i].rare_elements;  // of this run's split
    } else {
      todo.push_back(i);
    }
  }
  if (rank == 0 && (!finished.earlier().empty() || finished.other_key_lines() > 0 || finished.torn_lines() > 0))
    progress << "dixc evaluate: " << reused.size() << " of " << rows.size()
             << " molecules finished by an earlier run of this evaluation (" << finished.directory().string()
             << "), computing the other " << todo.size()
             << (finished.other_key_lines() > 0
                     ? "; " + std::to_string(finished.other_key_lines()) +
                           " results of another evaluation there (other model, dataset, settings or dixc) removed"
                     : std::string())
             << (finished.torn_lines() > 0
                     ? "; " + std::to_string(finished.torn_lines()) + " incomplete line(s) skipped"
                     : std::string())
             << "\n"
             << std::flush;

  // Largest first, to whichever rank is free: a few large molecules no longer decide the wall time.
  std::vector<double> cost;
  for (const std::size_t i : todo) cost.push_back(rows[i].cost);
  const std::vector<std::size_t> ordered = par::largest_first(cost);  // positions in todo
  // The ETA: remaining = elapsed (total - started) / started in the estimated cost (nbf^3), with this rank's last
  // molecule's position as "started" (others may have started more since; with many molecules a small error). A
  // rough guide: small molecules cost more than nbf^3 says.
  std::vector<double> started_cost(ordered.size());
  for (std::size_t j = 0; j < ordered.size(); ++j) started_cost[j] = (j ? started_cost[j - 1] : 0.0) + cost[ordered[j]];
  par::TieredSchedule schedule(runtime.world(), 0, static_cast<long>(ordered.size()), 1, 1);
  const auto start = std::chrono::steady_clock::now();
  std::string mine;
  bool exhausted = false;  // every molecule handed out (else this rank stopped taking more after a signal)
  for (long k;;) {
    if ((k = schedule.next(!stop_signal.requested())) < 0) {
      exhausted = k == par::TieredSchedule::kExhausted;
      break;
    }
    const Row& row = rows[todo[ordered[static_cast<std::size_t>(k)]]];
    const auto m = evaluate_molecule(dataset.read(row.index), settings);
    nlohmann::json metrics = to_json(m);
    metrics["rare_elements"] = row.rare_elements;
    finished.add(metrics);
    std::ostringstream line;
    const auto j = static_cast<std::size_t>(k);  // molecules 0..j handed out so far
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double left = started_cost.back() - started_cost[j];
    line << "[rank " << rank << "] " << m.name << ": "
         << (m.ok ? "dE = " + std::to_string(m.energy_error_mEh) + " mEh, E_rho = " + std::to_string(m.e_rho_mEh) +
                        " mEh"
                  : "FAILED: " + m.message)
         << "  (" << j + 1 << "/" << ordered.size() << " started, " << duration_text(elapsed)
         << (left > 0.0 ? ", ETA ~" + duration_text(elapsed * left / started_cost[j]) : std::string()) << ")\n";
    progress << line.str() << std::flush;
    mine += metrics.dump() + "\n";
  }
  EvaluateSummary summary;
  summary.n_molecules = static_cast<int>(rows.size());
  // Unless every rank stopped early, the others took the rest: all molecules are done, and the report is written.
  if (par::all_ranks(!exhausted, runtime.world())) {
    const int stop = par::max_over_ranks(stop_signal.requested(), runtime.world());  // every rank is here
    if (rank == 0)
      progress << "dixc evaluate: interrupted by signal " << stop << "; finished molecules are kept in "
               << finished.directory().string() << ", rerun the same command to evaluate the rest\n";
    summary.interrupted = true;
    return summary;
  }
  // Every rank's lines on rank 0 with the earlier runs', in name order.
  const std::string all = par::gather_text(mine, 0, runtime.world());
  if (rank != 0) return summary;

  std::vector<nlohmann::json> results = std::move(reused);
  std::istringstream lines(all);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) results.push_back(nlohmann::json::parse(line));
  std::sort(results.begin(), results.end(), [](const auto& a, const auto& b) { return a["name"] < b["name"]; });
  const fs::path out = s.output_dir;
  const nlohmann::json header = {{"dataset", s.dataset},
                                 {"model", s.model},
                                 {"architecture", info.architecture},
                                 {"loss_mode", info.loss_mode},
                                 {"energy_normalisation", info.energy_normalisation},
                                 {"gradient_metric", info.gradient_metric},
                                 {"parameter_average", info.parameter_average},
                                 {"selection", info.selection},
                                 {"seeds", info.seeds},
                                 {"split", s.split}};
  summary.n_ok = write_metrics(out, results, header, progress).at("n_ok").get<int>();
  const std::string train_dir = s.train_dir.empty() ? fs::path(s.model).parent_path().string() : s.train_dir;
  if (!write_report(out, train_dir))
    progress << "dixc evaluate: the report script failed (is python3-matplotlib installed?); metrics are in "
             << out.string() << "\n";
  summary.report = (out / "report.md").string();
  for (const auto& r : results)
    if (!r["ok"].get<bool>())
      summary.failed.push_back(r["name"].get<std::string>() + ": " + r["message"].get<std::string>());
  return summary;
}

}  // namespace dixc::workflow

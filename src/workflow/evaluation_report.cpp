#include "dixc/workflow/evaluation_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <tuple>

#include <boost/math/distributions/students_t.hpp>

#include "dixc/ml/element_coverage.hpp"
#include "dixc/util/error.hpp"

namespace fs = std::filesystem;

namespace dixc::workflow {

namespace {

// Metrics reported per molecule and averaged: (JSON key, CSV header, label for tables).
const std::vector<std::pair<std::string, std::string>>& metric_columns() {
  static const std::vector<std::pair<std::string, std::string>> cols = {
      {"energy_error_mEh", "abs dE_tot (mEh)"},  {"e_rho_mEh", "E_rho (mEh)"},
      {"dipole_error_debye", "dipole (D)"},      {"density_l2", "L2 density"},
      {"iterations_saved", "B3LYP iter. saved"}, {"tddft_mae_ev", "TDDFT MAE (eV)"}};
  return cols;
}

std::string report_script() {
  for (const fs::path dir : {fs::path(DIXC_INSTALL_SHARE_DIR), fs::path(DIXC_SOURCE_SHARE_DIR)})
    if (fs::exists(dir / "report" / "make_report.py")) return (dir / "report" / "make_report.py").string();
  return {};
}

// A loss mode's phases (energy>di>energy) with every phase other than `energy` replaced by `replacement`: the run
// of equal length that differs only in what those phases supervise (energy>energy>energy, the energy control;
// energy>energy+density>energy, the paper's baseline).
std::string with_phases_replaced(const std::string& loss_mode, const std::string& replacement) {
  std::string replaced, phase;
  std::istringstream phases(loss_mode);
  while (std::getline(phases, phase, '>'))
    replaced += (replaced.empty() ? "" : ">") + (phase == "energy" ? phase : replacement);
  return replaced;
}

// A row of the --compare table: the architecture, the loss mode and the training options that differ from the
// defaults (option_label); the seeds of one row are averaged.
struct CellKey {
  std::string architecture, loss_mode, options;
  bool operator<(const CellKey& o) const {
    return std::tie(architecture, loss_mode, options) < std::tie(o.architecture, o.loss_mode, o.options);
  }
  std::string loss() const { return options.empty() ? loss_mode : loss_mode + " (" + options + ")"; }
};

// The training options of a summary that differ from the defaults in any phase, e.g. "parameter_average
// none>ema 0.98"; empty for the defaults (and for summaries that do not record them).
std::string option_label(const nlohmann::json& summary) {
  static const std::pair<const char*, const char*> defaults[] = {{"energy_normalisation", "per-electron"},
                                                                 {"gradient_metric", "mean-square"},
                                                                 {"parameter_average", "none"},
                                                                 {"selection", "best-validation"}};
  std::string label;
  for (const auto& [key, standard] : defaults) {
    const std::string value = summary.value(key, "");
    bool other = false;
    std::istringstream phases(value);
    for (std::string phase; std::getline(phases, phase, '>');) other = other || phase != standard;
    if (other) label += (label.empty() ? "" : ", ") + std::string(key) + " " + value;
  }
  return label;
}

// Mean and standard deviation (n - 1) of values (over seeds).
struct SeedStatistics {
  double mean = std::nan(""), deviation = std::nan("");
  int n = 0;
};
SeedStatistics statistics_of(const std::vector<double>& values) {
  SeedStatistics out;
  out.n = static_cast<int>(values.size());
  if (values.empty()) return out;
  out.mean = std::accumulate(values.begin(), values.end(), 0.0) / out.n;
  if (out.n < 2) return out;
  double sum2 = 0.0;
  for (const double v : values) sum2 += (v - out.mean) * (v - out.mean);
  out.deviation = std::sqrt(sum2 / (out.n - 1));
  return out;
}

// The evaluations of one row: one per training seed.
struct SeedCell {
  std::vector<nlohmann::json> means;  // summary.json "mean" of each
  std::vector<std::string> seeds, runs;

  // The metric per seed, for the seeds that have a number for it.
  std::map<std::string, double> values(const std::string& metric) const {
    std::map<std::string, double> out;
    for (std::size_t i = 0; i < means.size(); ++i)
      if (means[i].contains(metric) && means[i][metric].is_number() && std::isfinite(means[i][metric].get<double>()))
        out[seeds[i]] = means[i][metric].get<double>();
    return out;
  }
  SeedStatistics statistics(const std::string& metric) const {
    std::vector<double> list;
    for (const auto& [seed, value] : values(metric)) list.push_back(value);
    return statistics_of(list);
  }
  // Whether the two rows were trained with the same seeds, two or more (distill-bench: both cells of a seed start
  // from that seed's pre-trained model), so that their differences pair up by seed.
  bool paired_with(const SeedCell& other) const {
    return seeds.size() > 1 && std::is_permutation(seeds.begin(), seeds.end(), other.seeds.begin(), other.seeds.end());
  }
};

// A row's change over another in percent of the other's seed mean, with the standard error of the difference and
// its degrees of freedom (error NaN: one seed on a side, the seed noise is unknown).
struct RelativeChange {
  double percent = std::nan(""), error = std::nan(""), dof = 0.0;

  // A two-sided t-test at 95 % does not separate the two rows (a zero error separates any nonzero difference).
  bool noise() const {
    const double t = error > 0.0 ? boost::math::quantile(boost::math::students_t(dof), 0.975) : 0.0;
    return !std::isnan(error) && std::abs(percent) <= t * error;
  }
  std::string text() const {
    std::ostringstream out;
    out << std::showpos << std::fixed << std::setprecision(1) << percent << "%" << std::noshowpos;
    if (!std::isnan(error)) out << " +- " << error << "%" << (noise() ? " (noise)" : "");
    return out.str();
  }
};

// "(row - control) / |control|" of the seed means: paired over seeds when the rows have the same seeds (the
// differences d_s, error sd(d) / sqrt(n), n - 1 degrees of freedom), else Welch's (error sqrt(s_1^2 / n_1 + s_2^2 /
// n_2), Welch-Satterthwaite degrees of freedom) when both rows have two or more seeds.
RelativeChange relative_change(const SeedCell& row, const SeedCell& control, const std::string& metric) {
  const SeedStatistics a = row.statistics(metric), b = control.statistics(metric);
  const double scale = 100.0 / std::abs(b.mean);
  RelativeChange change;
  change.percent = (a.mean - b.mean) * scale;
  const auto row_values = row.values(metric), control_values = control.values(metric);
  if (row.paired_with(control) && row_values.size() == row.seeds.size() && control_values.size() == row.seeds.size()) {
    std::vector<double> differences;
    for (const auto& [seed, value] : row_values) differences.push_back(value - control_values.at(seed));
    change.error = statistics_of(differences).deviation / std::sqrt(static_cast<double>(differences.size())) * scale;
    change.dof = static_cast<double>(differences.size() - 1);
  } else if (a.n > 1 && b.n > 1) {
    const double va = a.deviation * a.deviation / a.n, vb = b.deviation * b.deviation / b.n;
    change.error = std::sqrt(va + vb) * scale;
    change.dof = (va + vb) * (va + vb) / (va * va / (a.n - 1) + vb * vb / (b.n - 1));
  }
  return change;
}

// The uniform mean of one comparison's changes over architectures (as the paper averages): error sqrt(sum e_a^2) /
// n, tested with the fewest degrees of freedom among them (conservative); NaN error if one architecture has none.
RelativeChange uniform_mean(const std::vector<RelativeChange>& changes) {
  RelativeChange mean;
  mean.percent = mean.error = 0.0;
  mean.dof = std::numeric_limits<double>::infinity();
  for (const auto& c : changes) {
    mean.percent += c.percent / static_cast<double>(changes.size());
    mean.error += c.error * c.error;
    mean.dof = std::min(mean.dof, c.dof);
  }
  mean.error = std::sqrt(mean.error) / static_cast<double>(changes.size());
  return mean;
}

// The means of the metrics over the molecules that succeeded (n_ok, mean) and of the baselines over the same
// molecules (baseline_mean); only those without rare elements when `well_covered_only`.
nlohmann::json means_over(const std::vector<nlohmann::json>& results, bool well_covered_only) {
  nlohmann::json mean = nlohmann::json::object(), baseline_mean = nlohmann::json::object();
  int n_ok = 0;
  for (const auto& r : results) {
    if (!r["ok"].get<bool>() || (well_covered_only && !r.value("rare_elements", "").empty())) continue;
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
  return {{"n_ok", n_ok}, {"mean", mean}, {"baseline_mean", baseline_mean}};
}

void print_means(std::ostream& log, const std::string& indent, const nlohmann::json& means) {
  log << indent << "mean over " << means["n_ok"].get<int>() << " molecules:";
  for (const auto& [key, label] : metric_columns())
    log << "  " << label << " " << std::setprecision(4) << means["mean"][key].get<double>();
  log << "\n";
  for (const auto& [name, b] : means["baseline_mean"].items())
    log << indent << "baseline " << name << " (libxc, own SCF) on the same " << b["n"].get<int>()
        << " molecules:  abs dE_tot (mEh) " << std::setprecision(4) << b["energy_error_mEh"].get<double>()
        << "  E_rho (mEh) " << b["e_rho_mEh"].get<double>() << "\n";
}

}  // namespace

nlohmann::json to_json(const MoleculeMetrics& m) {
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

nlohmann::json write_metrics(const fs::path& out, const std::vector<nlohmann::json>& results, nlohmann::json header,
                             std::ostream& log) {
  fs::create_directories(out);
  std::ofstream csv(out / "metrics.csv");
  csv << "name,ok";
  for (const auto& [key, label] : metric_columns()) csv << "," << key;
  csv << ",energy_model,energy_reference,model_scf_iterations,target_iterations_default,"
         "target_iterations_from_model,rare_elements,message\n";
  for (const auto& r : results) {
    csv << r["name"].get<std::string>() << "," << (r["ok"].get<bool>() ? 1 : 0) << std::setprecision(12);
    for (const auto& [key, label] : metric_columns()) {
      csv << ",";
      if (r[key].is_number()) csv << r[key].get<double>();
    }
    csv << "," << r["energy_model"].get<double>() << "," << r["energy_reference"].get<double>() << ","
        << r["model_scf_iterations"] << "," << r["target_iterations_default"] << ","
        << r["target_iterations_from_model"] << ",\"" << r.value("rare_elements", "") << "\",\""
        << r["message"].get<std::string>() << "\"\n";
  }
  nlohmann::json summary = std::move(header);
  summary["n_molecules"] = results.size();
  const nlohmann::json all = means_over(results, false);
  summary.update(all);
  summary["molecules"] = results;
  print_means(log, "", all);
  // Held-out molecules with an element training barely has measure extrapolation to that element more than the
  // learned functional (ml/element_coverage.hpp): the means without them, beside the means over all.
  std::vector<std::string> rare;
  for (const auto& r : results)
    if (!r.value("rare_elements", "").empty())
      rare.push_back(r["name"].get<std::string>() + " (" + r["rare_elements"].get<std::string>() + ")");
  if (!rare.empty()) {
    summary["well_covered"] = means_over(results, true);
    summary["well_covered"]["excluded"] = rare;
    log << "without the " << rare.size() << " molecules with an element in fewer than " << ml::well_covered_parents
        << " training parents:\n";
    print_means(log, "  ", summary["well_covered"]);
  }
  std::ofstream(out / "summary.json") << std::setw(2) << summary << "\n";
  return summary;
}

bool write_report(const fs::path& out, const std::string& train_dir) {
  const std::string script = report_script();
  if (script.empty()) return false;
  const std::string cmd = "/usr/bin/python3 '" + script + "' '" + out.string() + "' '" + train_dir + "'";
  return std::system(cmd.c_str()) == 0;
}

std::string comparison_table(const std::vector<std::string>& runs) {
  // rows: architecture x loss mode, each the seeds evaluated for it; columns: the mean metrics (mean +- standard
  // deviation over seeds); then each row relative to its controls per architecture and averaged over them.
  std::map<CellKey, SeedCell> table;
  nlohmann::json baselines;  // of the first run that has them: every run of one table evaluates the same split
  std::vector<std::string> molecules;  // of the first run that names them
  std::string molecules_run;
  for (const auto& run : runs) {
    std::ifstream in(fs::path(run) / "summary.json");
    if (!in) throw InputError(run + "/summary.json not found (run dixc evaluate into that directory first)");
    const auto s = nlohmann::json::parse(in);
    if (s.contains("molecules")) {
      std::vector<std::string> names;
      for (const auto& m : s.at("molecules")) names.push_back(m.at("name").get<std::string>());
      std::sort(names.begin(), names.end());
      if (molecules_run.empty()) {
        molecules = names;
        molecules_run = run;
      } else if (names != molecules) {
        throw InputError(run + ": evaluated on other molecules than " + molecules_run + " (" +
                         std::to_string(names.size()) + " against " + std::to_string(molecules.size()) +
                         "); the means of a table must be over the same molecules: one dataset, split and split seed");
      }
    }
    SeedCell& cell =
        table[{s.at("architecture").get<std::string>(), s.at("loss_mode").get<std::string>(), option_label(s)}];
    const std::string seeds = s.value("seeds", "");
    for (std::size_t i = 0; i < cell.seeds.size(); ++i)
      if (cell.seeds[i] == seeds)
        throw InputError(run + " and " + cell.runs[i] + ": two evaluations of " +
                         (seeds.empty() ? "models without a recorded seed (trained by an older dixc)"
                                        : "the same training (seeds " + seeds + ")") +
                         " in one architecture, loss mode and options; pass one of them");
    cell.seeds.push_back(seeds);
    cell.runs.push_back(run);
    cell.means.push_back(s.at("mean"));
    if (baselines.empty() && s.contains("baseline_mean")) baselines = s.at("baseline_mean");
  }
  std::ostringstream md;
  md << "| architecture | loss | seeds |";
  for (const auto& [key, label] : metric_columns()) md << " " << label << " |";
  md << "\n|---|---|---|";
  for (std::size_t i = 0; i < metric_columns().size(); ++i) md << "---|";
  md << "\n";
  for (const auto& [key, cell] : table) {
    md << "| " << key.architecture << " | " << key.loss() << " | " << cell.seeds.size() << " |";
    for (const auto& [metric, label] : metric_columns()) {
      const SeedStatistics m = cell.statistics(metric);
      md << " " << std::setprecision(4) << m.mean;
      if (m.n > 1) md << " +- " << std::setprecision(2) << m.deviation;
      md << " |";
    }
    md << "\n";
  }
  for (const auto& [name, b] : baselines.items()) {
    md << "| " << name << " (libxc, no training) | baseline | - |";
    for (const auto& [metric, label] : metric_columns())
      if (b.contains(metric))
        md << " " << std::setprecision(4) << b[metric].get<double>() << " |";
      else
        md << " - |";
    md << "\n";
  }
  md << "\nMeans over seeds +- their standard deviation (n - 1).\n\nRelative change of each trained row over its "
        "controls, (row - control) / |control| of the seed means (negative: lower error; positive: more iterations "
        "saved), +- the standard error of that difference over seeds: `paired` when both rows have the same seeds "
        "(each seed's runs start from one pre-trained model; sd(row_s - control_s) / sqrt(n)), else "
        "sqrt(s_row^2 / n_row + s_control^2 / n_control) (Welch). `(noise)`: a two-sided t-test at 95 % (paired, "
        "else Welch's) does not separate the two, not a finding; no error: one seed on a side, the seed noise is "
        "unknown. The controls are the runs of equal length with every phase other than `energy` replaced: by "
        "`energy` (energy>di>energy against energy>energy>energy; else the energy-only run), and by "
        "`energy+density`, the paper's baseline (energy>di>energy against energy>energy+density>energy). `all`: "
        "the uniform mean over the architectures that have both rows (as the paper averages), error sqrt(sum of "
        "squared errors) / n, tested with the fewest degrees of freedom among them:\n\n"
        "| architecture | trained | against | seeds |";
  for (const auto& [key, label] : metric_columns()) md << " " << label << " |";
  md << "\n|---|---|---|---|";
  for (std::size_t i = 0; i < metric_columns().size(); ++i) md << "---|";
  md << "\n";
  // (trained, against) -> the changes of every architecture that has both rows, per metric
  std::map<std::pair<std::string, std::string>, std::vector<std::vector<RelativeChange>>> by_comparison;
  for (const auto& [key, cell] : table)
    for (const std::string replacement : {"energy", "energy+density"}) {
      const std::string control = with_phases_replaced(key.loss_mode, replacement);
      if (control == key.loss_mode) continue;  // no phase to compare, or the control itself
      auto base = table.find({key.architecture, control, key.options});
      if (base == table.end() && replacement == "energy") base = table.find({key.architecture, "energy", key.options});
      if (base == table.end()) continue;
      md << "| " << key.architecture << " | " << key.loss() << " | " << base->first.loss() << " | " << cell.seeds.size()
         << " vs " << base->second.seeds.size() << (cell.paired_with(base->second) ? " paired" : "") << " |";
      std::vector<RelativeChange> changes;
      for (const auto& [metric, label] : metric_columns()) {
        changes.push_back(relative_change(cell, base->second, metric));
        md << " " << changes.back().text() << " |";
      }
      md << "\n";
      by_comparison[{key.loss(), base->first.loss()}].push_back(changes);
    }
  for (const auto& [comparison, architectures] : by_comparison) {
    if (architectures.size() < 2) continue;
    md << "| all | " << comparison.first << " | " << comparison.second << " | " << architectures.size()
       << " architectures |";
    for (std::size_t m = 0; m < metric_columns().size(); ++m) {
      std::vector<RelativeChange> changes;
      for (const auto& changes_of_architecture : architectures) changes.push_back(changes_of_architecture[m]);
      md << " " << uniform_mean(changes).text() << " |";
    }
    md << "\n";
  }
  return md.str();
}

}  // namespace dixc::workflow

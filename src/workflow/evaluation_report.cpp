#include "dixc/workflow/evaluation_report.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

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

// A loss mode's phases (energy>di>energy) with every DI phase trained on the energy alone instead.
std::string energy_control(const std::string& loss_mode) {
  std::string control, phase;
  std::istringstream phases(loss_mode);
  while (std::getline(phases, phase, '>')) control += (control.empty() ? "" : ">") + (phase == "di" ? "energy" : phase);
  return control;
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
  nlohmann::json summary = std::move(header);
  summary["n_molecules"] = results.size();
  summary["n_ok"] = n_ok;
  summary["mean"] = mean;
  summary["baseline_mean"] = baseline_mean;
  summary["molecules"] = results;
  std::ofstream(out / "summary.json") << std::setw(2) << summary << "\n";
  log << "mean over " << n_ok << " molecules:";
  for (const auto& [key, label] : metric_columns())
    log << "  " << label << " " << std::setprecision(4) << mean[key].get<double>();
  log << "\n";
  for (const auto& [name, b] : baseline_mean.items())
    log << "baseline " << name << " (libxc, own SCF) on the same " << b["n"].get<int>()
        << " molecules:  abs dE_tot (mEh) " << std::setprecision(4) << b["energy_error_mEh"].get<double>()
        << "  E_rho (mEh) " << b["e_rho_mEh"].get<double>() << "\n";

  return summary;
}

bool write_report(const fs::path& out, const std::string& train_dir) {
  const std::string script = report_script();
  if (script.empty()) return false;
  const std::string cmd = "/usr/bin/python3 '" + script + "' '" + out.string() + "' '" + train_dir + "'";
  return std::system(cmd.c_str()) == 0;
}

std::string comparison_table(const std::vector<std::string>& runs) {
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
  md << "\nRelative change of each model trained with DI phases over its energy-only control, (DI - energy) / "
        "|energy| (negative: DI is better for errors; positive: more iterations saved). The control is the run of "
        "equal length with every DI phase replaced by an energy phase (energy>di>energy against "
        "energy>energy>energy), else the energy-only run:\n\n| architecture | DI training | against |";
  for (const auto& [key, label] : metric_columns()) md << " " << label << " |";
  md << "\n|---|---|---|";
  for (std::size_t i = 0; i < metric_columns().size(); ++i) md << "---|";
  md << "\n";
  for (const auto& [key, mean] : table) {
    const std::string control = energy_control(key.second);
    if (control == key.second) continue;  // no DI phase
    auto base = table.find({key.first, control});
    if (base == table.end()) base = table.find({key.first, "energy"});
    if (base == table.end()) continue;
    md << "| " << key.first << " | " << key.second << " | " << base->first.second << " |";
    for (const auto& [metric, label] : metric_columns()) {
      const double di = mean.value(metric, std::nan("")), e = base->second.value(metric, std::nan(""));
      md << " " << std::showpos << std::fixed << std::setprecision(1) << 100.0 * (di - e) / std::abs(e) << "%"
         << std::noshowpos << std::defaultfloat << " |";
    }
    md << "\n";
  }
  return md.str();
}

}  // namespace dixc::workflow

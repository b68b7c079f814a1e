#pragma once
// What `dixc evaluate` writes: per-molecule metrics (CSV), the summary with means over the molecules that succeeded
// and the baselines' means (JSON), the report with plots (share/report/make_report.py), and the table of several
// evaluations (--compare: architectures x loss modes).
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dixc/workflow/molecule_evaluation.hpp"

namespace dixc::workflow {

// One molecule's metrics as one JSON object (the unit gathered from the ranks and stored in summary.json).
nlohmann::json to_json(const MoleculeMetrics& metrics);

// Writes DIR/metrics.csv and DIR/summary.json for `molecules` (JSON objects of to_json, in name order) and prints
// the means to `out`; `header` (dataset, model, split, ...) goes to the top of the summary. Returns the summary.
nlohmann::json write_metrics(const std::filesystem::path& dir, const std::vector<nlohmann::json>& molecules,
                             nlohmann::json header, std::ostream& out);

// Runs the report script on DIR (plots of DIR/summary.json and TRAIN_DIR/losses.csv); false if it failed or is
// not installed.
bool write_report(const std::filesystem::path& dir, const std::string& train_dir);

// Markdown table of the mean metrics of several evaluation directories, the baselines, and each trained row
// relative to its controls of the same architecture (energy-only and energy+density phases in place of its other
// phases), with their uniform mean over architectures. A row is an architecture, a loss mode and the training options
// that differ from the defaults (energy normalisation, parameter average, selection); its evaluations are seeds
// (mean +- standard deviation over them); two of the same training (equal seeds) are refused, naming both.
std::string comparison_table(const std::vector<std::string>& runs);

}  // namespace dixc::workflow

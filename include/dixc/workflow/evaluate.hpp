#pragma once
// Stage 3, `dixc evaluate`: a trained functional self-consistently on the held-out molecules of a dataset
// (docs/theory.md section 6), next to libxc baselines on the same molecules. Molecules go largest first to
// whichever rank is free (par/schedule.hpp); rank 0 writes OUT/metrics.csv, OUT/summary.json and the report.
// Each finished molecule is kept at once (finished_molecules.hpp): a rerun computes only the rest.
#include <ostream>
#include <string>
#include <vector>

#include "dixc/par/runtime.hpp"

namespace dixc::workflow {

struct EvaluateSettings {
  std::string dataset, model, output_dir;
  std::string split = "test";  // test | validation | train | all
  std::string train_dir;       // losses.csv for the report (empty: the model's directory)
  int max_molecules = 0;       // at most this many (0: all)
  int max_scf_iterations = 100;
  std::vector<std::string> baselines = {"blyp", "pbe"};
};

struct EvaluateSummary {
  int n_molecules = 0, n_ok = 0;
  std::vector<std::string> failed;  // "name: reason", on rank 0
  std::string report;               // OUT/report.md
  bool interrupted = false;         // stopped by SIGTERM/SIGUSR1: no report; the finished molecules are kept
};

// Collective over the runtime's ranks. One line per molecule (from the rank that ran it) and the means (rank 0)
// go to `progress`.
EvaluateSummary evaluate(par::Runtime& runtime, const EvaluateSettings& settings, std::ostream& progress);

}  // namespace dixc::workflow

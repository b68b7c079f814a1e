#pragma once
// The molecules an evaluation has finished, kept as they finish (OUT/finished/rank-R.jsonl, one JSON object per
// line: {"key": ..., "metrics": {...}}), so that a rerun after a signal, a time limit or a lost node computes only
// the rest. The key names the evaluation (model file, dataset settings, evaluation settings, dixc build; the caller
// also checks each molecule's reference data): lines of another key belong to another evaluation and are dropped
// with their files; a torn last line (a rank killed while writing) is skipped, so that molecule is computed again,
// as is a molecule that failed. The directory stays after the report: a rerun with the same key only rewrites the
// report, also for a subset of the molecules (--split, --max-molecules).
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <mpi.h>
#include <nlohmann/json.hpp>

namespace dixc::workflow {

class FinishedMolecules {
 public:
  // Collective: rank 0 reads OUT/finished/ (and removes files of another key); every rank gets the same set.
  FinishedMolecules(const std::filesystem::path& output_dir, std::string key, MPI_Comm comm);

  // Metrics of the molecules finished successfully by earlier runs, by name.
  const std::map<std::string, nlohmann::json>& earlier() const { return earlier_; }
  std::size_t other_key_lines() const { return other_key_lines_; }  // dropped: another evaluation's
  std::size_t torn_lines() const { return torn_lines_; }            // skipped: not whole JSON
  std::filesystem::path directory() const { return directory_; }

  // Appends one finished molecule's metrics to this rank's file and flushes it.
  void add(const nlohmann::json& metrics);

 private:
  std::filesystem::path directory_;
  std::string key_;
  int rank_ = 0;
  std::map<std::string, nlohmann::json> earlier_;
  std::size_t other_key_lines_ = 0, torn_lines_ = 0;
  std::ofstream file_;
};

}  // namespace dixc::workflow

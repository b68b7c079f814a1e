#include "dixc/workflow/finished_molecules.hpp"

#include <sstream>

#include "dixc/par/collectives.hpp"
#include "dixc/par/mpi_environment.hpp"
#include "dixc/util/error.hpp"

namespace fs = std::filesystem;

namespace dixc::workflow {

FinishedMolecules::FinishedMolecules(const fs::path& output_dir, std::string key, MPI_Comm comm)
    : directory_(output_dir / "finished"), key_(std::move(key)), rank_(par::rank_of(comm)) {
  // Rank 0 reads every file (another run may have had another rank count) and keeps this key's lines; the
  // same text then reaches every rank, so all skip the same molecules.
  std::string kept;
  std::size_t counts[2] = {0, 0};  // other key, torn
  if (rank_ == 0 && fs::is_directory(directory_)) {
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(directory_)) {
      std::ifstream in(entry.path());
      bool other = false;
      for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("metrics") || !j.contains("key")) {
          ++counts[1];
        } else if (j["key"] != key_) {
          ++counts[0];
          other = true;
        } else {
          kept += line + "\n";
        }
      }
      if (other) stale.push_back(entry.path());
    }
    // A file is one run's rank's: one key throughout, so a file of another key holds nothing of this evaluation.
    for (const auto& path : stale) fs::remove(path);
  }
  kept = par::broadcast_text(kept, 0, comm);
  other_key_lines_ = counts[0];
  torn_lines_ = counts[1];
  std::istringstream lines(kept);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json metrics = nlohmann::json::parse(line)["metrics"];
    // A failed molecule is tried again (its cause may have been transient: memory, a lost file system).
    if (!metrics.value("ok", false)) continue;
    const std::string name = metrics.at("name").get<std::string>();
    earlier_.insert_or_assign(name, std::move(metrics));  // the later of two (a molecule computed again)
  }
  par::barrier(comm);  // nobody appends before rank 0 has read and pruned
}

void FinishedMolecules::add(const nlohmann::json& metrics) {
  if (!file_.is_open()) {
    fs::create_directories(directory_);
    const fs::path path = directory_ / ("rank-" + std::to_string(rank_) + ".jsonl");
    // A line torn by a killed run lacks its newline: start on a fresh line, so the torn one stays alone.
    bool torn_end = false;
    if (std::ifstream last(path, std::ios::binary | std::ios::ate); last && last.tellg() > 0) {
      last.seekg(-1, std::ios::end);
      torn_end = last.get() != '\n';
    }
    file_.open(path, std::ios::app);
    if (!file_) throw InputError(path.string() + ": cannot be written (is the output directory writable?)");
    if (torn_end) file_ << "\n";
  }
  const nlohmann::json line = {{"key", key_}, {"metrics", metrics}};
  file_ << line.dump() << "\n" << std::flush;
}

}  // namespace dixc::workflow

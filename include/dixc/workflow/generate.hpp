#pragma once
// Stage 1, `dixc generate`: the reference data of a molecule collection (docs/theory.md section 3) into one
// parallel-HDF5 dataset. Every rank works; molecules go largest first (calc/cost_model.hpp) to whichever rank or
// team is free (par/schedule.hpp). Resumable: molecules already in the output are skipped (failed ones too, unless
// retry_failed). A molecule that fails is recorded with its message and the run goes on.
#include <ostream>
#include <string>
#include <vector>

#include "dixc/calc/reference_data.hpp"
#include "dixc/par/runtime.hpp"

namespace dixc::workflow {

struct GenerateSettings {
  std::vector<std::string> inputs;  // XYZ files, directories, manifest CSVs (chem/molecule_sources.hpp)
  std::string output;               // dataset, created or appended to
  calc::ReferenceSettings reference;
  int rattle = 0;                        // displaced copies per molecule
  double rattle_sigma = 0.05;            // Angstrom
  int limit = 0;                         // only the first N molecules of the inputs (0: all)
  int shard_index = 0, shard_count = 1;  // molecules I, I+N, ... of the inputs (array jobs)
  double flush_seconds = 30.0;           // finished molecules are written and flushed this often
  int ranks_per_molecule = 1;            // a team of ranks solves one molecule (distributed eigensolver)
  int large_nbf = 1000;              // molecules above this many basis functions go first, to larger teams (0: none)
  int large_ranks = 0;               // ranks per large molecule (0: the ranks of a node)
  std::string eigensolver = "auto";  // lapack | scalapack | elpa | auto (lapack on one rank, else scalapack)
  bool retry_failed = false;         // molecules recorded as failed are computed again (the new record wins)
};

struct GenerateSummary {
  long ok = 0, failed = 0;   // molecules finished in this run
  long in_dataset = 0;       // committed molecules in the output at the end
  bool interrupted = false;  // stopped by SIGTERM/SIGUSR1 after committing; rerun to resume
  int signal = 0;
  double wall_seconds = 0.0, write_seconds = 0.0;  // rank 0's time in collective appends (incl. waiting)
};

// Collective over the runtime's ranks. Progress (one line per molecule from its team leader, a summary line per
// flush and the ETA from rank 0) goes to `progress`.
GenerateSummary generate(par::Runtime& runtime, const GenerateSettings& settings, std::ostream& progress);

// "I/N" -> (I, N); InputError unless 0 <= I < N.
std::pair<int, int> parse_shard(const std::string& text);

}  // namespace dixc::workflow

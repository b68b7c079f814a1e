#pragma once
// Data-parallel training of a learned XC functional with the DI-Loss over MPI ranks.
//
// Every rank holds a shard of the training molecules (molecule i of the name-sorted list on rank i mod P).
// A step's global batch is a fixed set of molecules (a seeded permutation per epoch, identical on all ranks);
// each rank adds the gradients of the batch members in its shard, scaled by 1/batch, and the flattened
// gradients are summed over ranks with non-blocking MPI_Iallreduce on buckets. The result does not depend on
// the rank count beyond floating-point summation order. Adam with linear warm-up and cosine decay, gradient
// clipping by global norm, and a NaN/Inf guard that skips the whole step (on every rank) and names the
// molecule. Parameters are broadcast from rank 0 at the start and checked equal every `check_every` steps.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <mpi.h>

#include "dixc/ml/loss_settings.hpp"

namespace dixc::ml {

struct TrainOptions {
  std::string dataset;
  std::string output_dir;
  std::string architecture = "gga-mlp";
  LossMode mode = LossMode::di;
  LossWeights weights;
  int epochs = 10;
  int max_steps = 0;         // stop after this many steps in all (0: no limit)
  int stop_after_steps = 0;  // checkpoint and return after this many steps of this call (job time limits)
  int batch_size = 4;
  double learning_rate = 1e-3;
  int warmup_steps = 5;
  double clip_norm = 1.0;
  std::uint64_t seed = 0;
  double validation_fraction = 0.2;
  double test_fraction = 0.2;
  std::size_t chunk_points = 20000;
  int checkpoint_every = 50;
  int check_every = 20;
  bool resume = false;
  std::size_t bucket_elements = 1 << 16;
  std::ostream* log = nullptr;  // progress lines (rank 0)
};

struct TrainSummary {
  int steps = 0;
  int skipped_steps = 0;
  bool interrupted = false;  // stopped by SIGTERM/SIGUSR1 after writing a checkpoint
  double final_train_loss = 0.0;
  double final_validation_loss = 0.0;
};

// Collective over `comm`. Writes output_dir/{losses.csv, checkpoint/, model.pt}. Throws InputError for
// unusable inputs (no training molecules, a mismatched checkpoint).
TrainSummary train(const TrainOptions& options, MPI_Comm comm);

// Installs SIGTERM/SIGUSR1 handlers that make train() checkpoint and return at the next step boundary.
void install_checkpoint_signal_handlers();

}  // namespace dixc::ml

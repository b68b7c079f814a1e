#pragma once
// Stage 2, `dixc train`: data-parallel training of a learned XC functional over MPI ranks (docs/theory.md
// sections 4 and 7 for the losses).
//
// Every rank holds a shard of the training molecules, dealt by estimated cost (calc/cost_model.hpp) so that
// shards weigh alike, not count alike (training: par::balanced_batches; validation: par::owners_by_cost). A
// shard keeps each molecule's fixed reference features (ReferenceFeatures), not its AO values.
// A step's global batch is a set of whole cost groups (par/batch_schedule.hpp: molecules of similar cost, one
// per rank by default, so that a step's work is balanced; the groups in a seeded permutation per epoch,
// identical on all ranks); each rank adds the gradients of the batch members in its shard, scaled by 1/batch,
// and the flattened gradients are summed over ranks with non-blocking MPI_Iallreduce on buckets. For a fixed
// group size (--balance-group) the result does not depend on the rank count beyond floating-point summation
// order. Adam with linear warm-up and cosine decay over the
// whole horizon, gradient clipping by global norm, early stopping on the validation loss, and a NaN/Inf guard
// that skips the whole step (on every rank) and names the molecule. The exported model.pt holds the parameters
// of the epoch with the lowest validation loss, or of the last epoch (--select last); with --ema, the parameters'
// moving average at that epoch. Parameters are broadcast from rank 0 at the start and checked equal every
// `check_every` steps. The loss's term scales are set before the first step (LossScales) and kept in the checkpoint
// and the model.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "dixc/ml/loss_settings.hpp"
#include "dixc/par/runtime.hpp"

namespace dixc::workflow {

struct TrainSettings {
  std::string dataset;
  std::string output_dir;
  std::string architecture = "gga-mlp";
  int hidden_width = 0;   // of the model's hidden layers; 0: the --init model's, else the architecture's default
  ml::LossSettings loss;  // mode and weights; the scales are set by train()
  int epochs = 10;
  int patience = 0;          // stop after this many validations without a lower validation loss (0: never)
  int validate_every = 1;    // validation loss every this many epochs and at the last one
  int max_steps = 0;         // stop after this many steps in all (0: no limit)
  int stop_after_steps = 0;  // checkpoint and return after this many steps of this call (job time limits)
  int batch_size = 4;
  // Molecules of similar cost per group; a batch is whole groups, a group's members on different ranks
  // (par/batch_schedule.hpp). 0: the rank count. A fixed value gives the same batches on any rank count.
  int balance_group = 0;
  double learning_rate = 1e-3;
  int warmup_steps = 5;
  double clip_norm = 1.0;
  // Decay of the parameters' exponential moving average (ml::ParameterAverage), which is then validated, chosen as
  // the best epoch and exported instead of the live parameters; 0: off.
  double ema_decay = 0.0;
  // model.pt: the parameters of the epoch with the lowest validation loss (false) or of the last epoch (true);
  // with --ema, their average at that epoch.
  bool export_last = false;
  std::uint64_t seed = 0;        // initial parameters and molecule order
  std::uint64_t split_seed = 0;  // train/validation/test split (the command line sets it to `seed` by default)
  double validation_fraction = 0.2;
  double test_fraction = 0.2;
  std::size_t chunk_points = 20000;
  std::size_t cache_bytes = std::size_t(4) << 30;  // reference features kept per rank (TrainingMolecules)
  int checkpoint_every = 50;
  int check_every = 20;
  bool resume = false;
  // Parameters to start from instead of the untrained model: a model.pt of this architecture exported by a run
  // on the same dataset and split (e.g. energy-only pre-training before DI fine-tuning). The term scales stay
  // those of the untrained model, so the loss is the one a fresh run reports. Ignored when resuming.
  std::string init_model;
  std::size_t bucket_elements = 1 << 16;
  std::ostream* log = nullptr;  // progress lines (rank 0)
  // Polled at every step boundary (agreed over the ranks): a signal makes train() checkpoint and return. Before the
  // first step (loading, term scales) it is polled between molecules and train() returns without a checkpoint.
  const par::StopSignal* stop_signal = nullptr;
};

struct TrainSummary {
  int steps = 0;
  int skipped_steps = 0;
  bool interrupted = false;  // stopped by SIGTERM/SIGUSR1
  bool resumable = false;    // ... with a checkpoint to resume from (none if stopped before a fresh run's first step)
  double final_train_loss = 0.0;
  double final_validation_loss = 0.0;
  double best_validation_loss = 0.0;
  int best_epoch = 0;          // 1-based epoch of the lowest validation loss (model.pt's unless export_last)
  bool stopped_early = false;  // by the patience rule
  ml::LossScales scales;
};

// Collective over the runtime's ranks. Writes output_dir/{losses.csv, checkpoint/, model.pt}. Throws InputError for
// unusable inputs (no training molecules, a mismatched checkpoint).
TrainSummary train(par::Runtime& runtime, const TrainSettings& settings);

}  // namespace dixc::workflow

#pragma once
// The state of a training run that survives a job's end (DIR/checkpoint: model.pt, optimizer.pt, state.txt,
// best_model.pt), the loss sums it carries, and the starting point of a --init run.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <mpi.h>
#include <torch/script.h>
#include <torch/torch.h>

#include "dixc/ml/loss_settings.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/parameter_average.hpp"
#include "dixc/ml/training_loss.hpp"
#include "dixc/par/batch_schedule.hpp"

namespace dixc::workflow {

// Sums of loss terms over molecules; reduced over ranks as a flat array.
struct TermSums {
  static constexpr int terms = 5;                 // total, energy, gradient, hessian, density
  double values[terms + 1] = {0, 0, 0, 0, 0, 0};  // the terms' sums, then the molecule count
  // Terms a mode does not compute are NaN in LossTerms and count as 0 here (the CSV leaves them empty).
  void add(const ml::LossTerms& t);
  void reduce(MPI_Comm comm);
  double mean(int i) const { return values[terms] > 0 ? values[i] / values[terms] : 0.0; }
};

// What decides a run's batches and loss besides the dataset, saved with every checkpoint and checked on resume:
// 0 and empty fields in checkpoints written before they were saved.
struct RunIdentity {
  int group_size = 0, batch_size = 0;    // par::BatchSchedule
  std::string loss_mode, seed, batches;  // batches: batch_fingerprint of the run's schedule
  std::string energy_normalisation;      // ml::to_string(EnergyNormalisation); empty in older checkpoints
  std::string gradient_metric;           // ml::to_string(GradientMetric); empty in older checkpoints
};

struct Checkpoint {
  int step = 0, epoch = 0, batch = 0, skipped = 0;
  TermSums epoch_sums;
  ml::LossScales scales;
  double best_validation = std::numeric_limits<double>::max();
  int best_epoch = 0, epochs_since_best = 0;
  RunIdentity run;  // what the run was started with
};

// A fingerprint of a run's batches: the groups (by molecule name, in order), groups per batch and the seed that
// permutes them every epoch; not the owner ranks, so the same batches on another rank count match. A resumed run
// whose fingerprint differs would repeat or skip molecules of the interrupted epoch (other --seed, molecules, or a
// dixc whose cost estimate groups them differently).
std::string batch_fingerprint(const par::BatchSchedule& schedule, const std::vector<std::string>& names,
                              std::uint64_t seed);

// Writes DIR/{model.pt, optimizer.pt, state.txt} and, for a run with --ema, average.pt on rank 0, replacing the
// previous checkpoint only once the new one is complete (a job killed while writing keeps the old one).
void write_checkpoint(const std::filesystem::path& dir, const torch::jit::Module& model, torch::optim::Adam& optimizer,
                      const Checkpoint& checkpoint, int rank, const ml::ParameterAverage* average = nullptr);

// Loads DIR's parameters into `params` and its optimizer state, returns its state; `best_params` become those
// of DIR/best_model.pt if present, `average` (a run with --ema, else null) that of DIR/average.pt. Throws
// InputError for a checkpoint of another architecture or an older format, or one whose run was started with
// another --ema.
Checkpoint read_checkpoint(const std::filesystem::path& dir, const std::vector<torch::Tensor>& params,
                           torch::optim::Adam& optimizer, std::vector<torch::Tensor>& best_params,
                           ml::ParameterAverage* average = nullptr);

// The starting point of a --init run: the exported model's parameters and its labels (loss mode, seeds, ...: each
// "?" where a model of an older dixc did not record it), which the new model's labels continue.
struct InitModel {
  std::vector<torch::Tensor> parameters;
  ml::ModelInfo info;
  int hidden_width = 0;
};

// The exported model at `path`, after checking that it is this architecture and was trained on this dataset's
// training split (otherwise held-out molecules could have shaped the starting point).
InitModel init_model(const std::string& path, const std::string& architecture, const std::string& fingerprint);

}  // namespace dixc::workflow

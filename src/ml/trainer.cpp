#include "dixc/ml/trainer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <numeric>
#include <ostream>
#include <random>

#include <torch/torch.h>

#include "dixc/data/dataset_reader.hpp"
#include "dixc/ml/dataset_split.hpp"
#include "dixc/ml/di_loss.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/util/error.hpp"
#include "dixc/version.hpp"

namespace fs = std::filesystem;

namespace dixc::ml {

namespace {

std::atomic<int> g_checkpoint_signal{0};
void on_checkpoint_signal(int sig) { g_checkpoint_signal = sig; }

// Sums of loss terms over molecules; reduced over ranks as a flat array.
struct TermSums {
  double values[5] = {0, 0, 0, 0, 0};  // total, energy, gradient, hessian, count
  void add(const LossTerms& t) {
    values[0] += t.total;
    values[1] += t.energy;
    values[2] += t.gradient;
    values[3] += t.hessian;
    values[4] += 1.0;
  }
  void reduce(MPI_Comm comm) { MPI_Allreduce(MPI_IN_PLACE, values, 5, MPI_DOUBLE, MPI_SUM, comm); }
  double mean(int i) const { return values[4] > 0 ? values[i] / values[4] : 0.0; }
};

std::vector<torch::Tensor> gradients_of(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> g;
  for (const auto& p : params) g.push_back(p.grad().defined() ? p.grad() : torch::zeros_like(p));
  return g;
}

// Sums the flattened gradients over ranks, bucket by bucket with MPI_Iallreduce (all buckets in flight at once).
void allreduce_gradients(const std::vector<torch::Tensor>& params, std::size_t bucket, MPI_Comm comm) {
  torch::Tensor flat = torch::cat([&] {
                         std::vector<torch::Tensor> parts;
                         for (const auto& g : gradients_of(params)) parts.push_back(g.reshape(-1));
                         return parts;
                       }())
                           .contiguous();
  const std::int64_t n = flat.numel();
  std::vector<MPI_Request> requests;
  for (std::int64_t first = 0; first < n; first += static_cast<std::int64_t>(bucket)) {
    const int count = static_cast<int>(std::min<std::int64_t>(bucket, n - first));
    requests.emplace_back();
    MPI_Iallreduce(MPI_IN_PLACE, flat.data_ptr<double>() + first, count, MPI_DOUBLE, MPI_SUM, comm, &requests.back());
  }
  MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
  std::int64_t offset = 0;
  for (const auto& p : params) {
    const std::int64_t k = p.numel();
    p.mutable_grad() = flat.slice(0, offset, offset + k).reshape(p.sizes()).clone();
    offset += k;
  }
}

void broadcast_parameters(const std::vector<torch::Tensor>& params, MPI_Comm comm) {
  torch::NoGradGuard guard;
  for (const auto& p : params) MPI_Bcast(p.data_ptr<double>(), static_cast<int>(p.numel()), MPI_DOUBLE, 0, comm);
}

// Largest deviation of any rank's parameters from rank 0's.
double parameter_spread(const std::vector<torch::Tensor>& params, MPI_Comm comm) {
  double worst = 0.0;
  for (const auto& p : params) {
    torch::Tensor root = p.detach().clone();
    MPI_Bcast(root.data_ptr<double>(), static_cast<int>(root.numel()), MPI_DOUBLE, 0, comm);
    worst = std::max(worst, (root - p.detach()).abs().max().item<double>());
  }
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_DOUBLE, MPI_MAX, comm);
  return worst;
}

double learning_rate(const TrainOptions& o, int step, int total_steps) {
  const double warm = o.warmup_steps > 0 ? std::min(1.0, (step + 1.0) / o.warmup_steps) : 1.0;
  const double progress = total_steps > 0 ? std::min(1.0, static_cast<double>(step) / total_steps) : 0.0;
  return o.learning_rate * warm * 0.5 * (1.0 + std::cos(M_PI * progress));
}

struct Checkpoint {
  int step = 0, epoch = 0, batch = 0, skipped = 0;
  TermSums epoch_sums;
};

void write_checkpoint(const fs::path& dir, const torch::jit::Module& model, torch::optim::Adam& optimizer,
                      const Checkpoint& c, int rank) {
  if (rank != 0) return;
  fs::create_directories(dir);
  const fs::path tmp = dir / "tmp";
  fs::create_directories(tmp);
  model.save((tmp / "model.pt").string());
  torch::save(optimizer, (tmp / "optimizer.pt").string());
  std::ofstream state(tmp / "state.txt");
  state << std::setprecision(17) << c.step << " " << c.epoch << " " << c.batch << " " << c.skipped;
  for (double v : c.epoch_sums.values) state << " " << v;
  state << "\n";
  state.close();
  // Replace the previous checkpoint only once the new one is complete.
  for (const char* f : {"model.pt", "optimizer.pt", "state.txt"}) fs::rename(tmp / f, dir / f);
  fs::remove(tmp);
}

}  // namespace

void install_checkpoint_signal_handlers() {
  std::signal(SIGTERM, on_checkpoint_signal);
  std::signal(SIGUSR1, on_checkpoint_signal);
}

TrainSummary train(const TrainOptions& o, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const data::DatasetReader dataset(o.dataset);
  const std::string basis = dataset.attributes().at("basis"), grid = dataset.attributes().at("grid");

  std::vector<std::string> usable_names;
  for (std::size_t i = 0; i < dataset.size(); ++i)
    if (const auto rec = dataset.read_index(i); rec.status == data::RecordStatus::ok) usable_names.push_back(rec.name);
  const DatasetSplit split(usable_names, o.seed, o.validation_fraction, o.test_fraction);
  const std::vector<std::string> train_names = split.select(usable_names, Split::train),
                                 val_names = split.select(usable_names, Split::validation);
  if (train_names.empty()) throw InputError(o.dataset + ": no successfully computed molecules in the training split");
  if (o.log && rank == 0) {
    const std::size_t n_test = usable_names.size() - train_names.size() - val_names.size();
    *o.log << "split (seed " << o.seed << "): " << train_names.size() << " train, " << val_names.size()
           << " validation, " << n_test << " test molecules from " << split.parent_count(Split::train) << ", "
           << split.parent_count(Split::validation) << ", " << split.parent_count(Split::test) << " parent molecules\n"
           << std::flush;
  }

  // This rank's shards, loaded once.
  auto load_shard = [&](const std::vector<std::string>& names) {
    std::map<std::size_t, MoleculeTensors> shard;
    for (std::size_t i = rank; i < names.size(); i += size)
      shard.emplace(i, load_molecule_tensors(dataset.read(*dataset.find(names[i])), basis, grid, o.chunk_points));
    return shard;
  };
  const auto train_shard = load_shard(train_names);
  const auto val_shard = load_shard(val_names);

  torch::jit::Module model = make_model(o.architecture, o.seed);
  model.register_attribute("dataset_fingerprint", c10::StringType::get(), std::string());
  const std::vector<torch::Tensor> params = ordered_parameters(model);
  if (params.empty()) throw InputError("model '" + o.architecture + "' has no parameters to train");
  broadcast_parameters(params, comm);
  torch::optim::Adam optimizer(params, torch::optim::AdamOptions(o.learning_rate));

  const fs::path out(o.output_dir), ckpt_dir = out / "checkpoint";
  if (rank == 0) fs::create_directories(out);
  Checkpoint state;
  if (o.resume && fs::exists(ckpt_dir / "state.txt")) {
    torch::jit::Module saved = torch::jit::load((ckpt_dir / "model.pt").string());
    const auto saved_params = ordered_parameters(saved);
    if (saved_params.size() != params.size())
      throw InputError((ckpt_dir / "model.pt").string() + ": checkpoint is of a different architecture");
    torch::NoGradGuard guard;
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(saved_params[i]);
    torch::load(optimizer, (ckpt_dir / "optimizer.pt").string());
    std::ifstream in(ckpt_dir / "state.txt");
    in >> state.step >> state.epoch >> state.batch >> state.skipped;
    for (double& v : state.epoch_sums.values) in >> v;
    if (o.log && rank == 0) *o.log << "resuming from " << ckpt_dir.string() << " at step " << state.step << "\n";
  }
  std::ofstream csv;
  if (rank == 0) {
    const bool fresh = !(o.resume && fs::exists(out / "losses.csv"));
    csv.open(out / "losses.csv", fresh ? std::ios::trunc : std::ios::app);
    if (fresh)
      csv << "epoch,step,lr,train_loss,train_energy,train_gradient,train_hessian,val_loss,val_energy,val_gradient,"
             "val_hessian,skipped_steps,epoch_seconds,allreduce_seconds\n";
  }

  const int batches_per_epoch = static_cast<int>((train_names.size() + o.batch_size - 1) / o.batch_size);
  int total_steps = batches_per_epoch * o.epochs;
  if (o.max_steps > 0) total_steps = std::min(total_steps, o.max_steps);
  TrainSummary summary;
  auto reached_end = [&] { return state.step >= total_steps; };
  int steps_this_call = 0;
  double allreduce_seconds = 0.0;  // in the gradient allreduce, this epoch (includes waiting for other ranks)
  auto epoch_start = std::chrono::steady_clock::now();

  for (; state.epoch < o.epochs && !reached_end(); ++state.epoch, state.batch = 0, state.epoch_sums = TermSums(),
                                                                  allreduce_seconds = 0.0,
                                                                  epoch_start = std::chrono::steady_clock::now()) {
    std::vector<std::size_t> order(train_names.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 gen(o.seed * 1000003ull + static_cast<std::uint64_t>(state.epoch));
    std::shuffle(order.begin(), order.end(), gen);
    for (; state.batch < batches_per_epoch && !reached_end(); ++state.batch) {
      optimizer.zero_grad();
      const std::size_t first = static_cast<std::size_t>(state.batch) * o.batch_size;
      const std::size_t last = std::min(order.size(), first + o.batch_size);
      const double scale = 1.0 / static_cast<double>(last - first);
      TermSums sums;
      int bad = 0;
      for (std::size_t k = first; k < last; ++k) {
        const auto it = train_shard.find(order[k]);
        if (it == train_shard.end()) continue;
        const LossTerms t = di_loss(model, it->second, o.mode, o.weights, scale, true);
        if (!t.finite) {
          bad = 1;
          std::cerr << "dixc train: non-finite loss for molecule '" << it->second.name << "' at step " << state.step
                    << " (rank " << rank << "); step skipped\n";
          continue;
        }
        sums.add(t);
      }
      const auto reduce_start = std::chrono::steady_clock::now();
      allreduce_gradients(params, o.bucket_elements, comm);
      allreduce_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - reduce_start).count();
      for (const auto& g : gradients_of(params)) bad |= torch::isfinite(g).all().item<bool>() ? 0 : 1;
      MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, comm);
      sums.reduce(comm);
      if (bad) {
        ++state.skipped;
      } else {
        double norm2 = 0.0;
        for (const auto& g : gradients_of(params)) norm2 += g.pow(2).sum().item<double>();
        const double norm = std::sqrt(norm2);
        if (o.clip_norm > 0 && norm > o.clip_norm)
          for (const auto& p : params) p.mutable_grad().mul_(o.clip_norm / norm);
        for (auto& group : optimizer.param_groups())
          static_cast<torch::optim::AdamOptions&>(group.options()).lr(learning_rate(o, state.step, total_steps));
        optimizer.step();
        for (int i = 0; i < 5; ++i) state.epoch_sums.values[i] += sums.values[i];
      }
      ++state.step;
      if (o.check_every > 0 && state.step % o.check_every == 0) {
        const double spread = parameter_spread(params, comm);
        if (spread != 0.0) throw std::runtime_error("parameters diverged across ranks by " + std::to_string(spread));
      }
      int stop = g_checkpoint_signal.load();
      if (o.stop_after_steps > 0 && ++steps_this_call >= o.stop_after_steps && !reached_end()) stop = -1;
      MPI_Allreduce(MPI_IN_PLACE, &stop, 1, MPI_INT, MPI_MAX, comm);
      const bool periodic = o.checkpoint_every > 0 && state.step % o.checkpoint_every == 0;
      if (stop || periodic) {
        Checkpoint c = state;
        ++c.batch;  // the batch just finished
        write_checkpoint(ckpt_dir, model, optimizer, c, rank);
        MPI_Barrier(comm);
      }
      if (stop) {
        if (o.log && rank == 0)
          *o.log << (stop > 0 ? "signal " + std::to_string(stop) : std::string("step limit of this run"))
                 << ": checkpoint written at step " << state.step << "\n";
        summary.interrupted = true;
        summary.steps = state.step;
        return summary;
      }
    }
    // Validation loss, then one CSV row per epoch (times cover the training steps and the validation).
    TermSums val;
    for (const auto& [i, m] : val_shard) val.add(di_loss(model, m, o.mode, o.weights, 1.0, false));
    val.reduce(comm);
    summary.final_train_loss = state.epoch_sums.mean(0);
    summary.final_validation_loss = val.mean(0);
    if (rank == 0) {
      const double lr = learning_rate(o, std::max(0, state.step - 1), total_steps);
      csv << state.epoch << "," << state.step << "," << lr << std::setprecision(10);
      for (int i = 0; i < 4; ++i) csv << "," << state.epoch_sums.mean(i);
      for (int i = 0; i < 4; ++i) csv << "," << val.mean(i);
      csv << "," << state.skipped << ","
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count() << ","
          << allreduce_seconds << "\n"
          << std::flush;
      if (o.log)
        *o.log << "epoch " << state.epoch + 1 << "/" << o.epochs << "  step " << state.step << "  train loss "
               << std::scientific << std::setprecision(4) << state.epoch_sums.mean(0) << "  validation loss "
               << val.mean(0) << std::defaultfloat << "\n"
               << std::flush;
    }
  }
  summary.steps = state.step;
  summary.skipped_steps = state.skipped;
  if (rank == 0) {
    Checkpoint c = state;
    write_checkpoint(ckpt_dir, model, optimizer, c, rank);
    model.setattr("dataset_fingerprint", dataset_fingerprint(dataset.attributes(), train_names));
    model.register_attribute("dixc_version", c10::StringType::get(), std::string(version_string));
    model.register_attribute("features", c10::StringType::get(),
                             std::string("rho,sigma,tau,points,weights,atom_positions,atom_z"));
    // What evaluate needs to find the held-out molecules and to label ablation rows.
    model.register_attribute("loss_mode", c10::StringType::get(), to_string(o.mode));
    model.register_attribute("split_seed", c10::StringType::get(), std::to_string(o.seed));
    model.register_attribute("validation_fraction", c10::StringType::get(), std::to_string(o.validation_fraction));
    model.register_attribute("test_fraction", c10::StringType::get(), std::to_string(o.test_fraction));
    model.save((out / "model.pt").string());
  }
  MPI_Barrier(comm);
  return summary;
}

}  // namespace dixc::ml

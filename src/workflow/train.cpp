#include "dixc/workflow/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <sstream>

#include <torch/torch.h>

#include "dixc/calc/cost_model.hpp"
#include "dixc/data/attributes.hpp"
#include "dixc/data/dataset_reader.hpp"
#include "dixc/ml/dataset_split.hpp"
#include "dixc/ml/di_loss.hpp"
#include "dixc/ml/element_coverage.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/parameter_average.hpp"
#include "dixc/ml/parameter_sync.hpp"
#include "dixc/ml/separable_model.hpp"
#include "dixc/ml/training_loss.hpp"
#include "dixc/ml/training_molecules.hpp"
#include "dixc/par/batch_schedule.hpp"
#include "dixc/par/collectives.hpp"
#include "dixc/par/schedule.hpp"
#include "dixc/util/duration_text.hpp"
#include "dixc/util/error.hpp"
#include "dixc/version.hpp"
#include "dixc/workflow/training_checkpoint.hpp"

namespace fs = std::filesystem;

namespace dixc::workflow {

using namespace ml;  // the training loop is written in the ML layer's vocabulary

namespace {

// A molecule whose self-consistent loss could not be computed (its SCF did not converge) is left out of the
// step or the validation and named on stderr; deterministic, so every rank count leaves out the same ones.
bool usable(const LossTerms& t, const std::string& where) {
  if (t.scf_converged) return true;
  std::cerr << "dixc train: " << t.message << " (" << where << "); molecule left out\n";
  return false;
}

double learning_rate(const TrainSettings& o, int step, int total_steps) {
  const double warm = o.warmup_steps > 0 ? std::min(1.0, (step + 1.0) / o.warmup_steps) : 1.0;
  const double progress = total_steps > 0 ? std::min(1.0, static_cast<double>(step) / total_steps) : 0.0;
  return o.learning_rate * warm * 0.5 * (1.0 + std::cos(M_PI * progress));
}

// Term scales: the training-set mean of each raw term for the untrained model, so each weighted term starts
// near its weight. A term that is already ~0 at the start (a model that is exact for it) keeps scale 1.
// `stop` ends the pass early (a signal; the caller then agrees over the ranks and discards the scales).
LossScales initial_scales(torch::jit::Module& model, TrainingMolecules& shard, const LossSettings& settings,
                          const std::function<bool()>& stop, MPI_Comm comm) {
  TermSums sums;  // terms a mode does not compute are NaN and count as 0: their scale stays 1
  for (const std::size_t key : shard.keys()) {
    if (stop()) break;
    const TrainingMolecule& t = shard.get(key);
    const LossTerms terms = training_loss(model, t, settings, 1.0, false);
    if (usable(terms, "term scales")) sums.add(terms);
  }
  sums.reduce(comm);
  auto scale = [&](int term) {
    const double mean = sums.mean(term);
    return std::isfinite(mean) && mean > 1e-20 ? mean : 1.0;
  };
  return {scale(1), scale(2), scale(3), scale(4)};
}

// Clips the summed gradients to o.clip_norm (global norm) and takes one Adam step at learning rate `lr`.
void clip_and_step(const std::vector<torch::Tensor>& params, torch::optim::Adam& optimizer, const TrainSettings& o,
                   double lr) {
  double norm2 = 0.0;
  for (const auto& g : gradients_of(params)) norm2 += g.pow(2).sum().item<double>();
  const double norm = std::sqrt(norm2);
  if (o.clip_norm > 0 && norm > o.clip_norm)
    for (const auto& p : params) p.mutable_grad().mul_(o.clip_norm / norm);
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  optimizer.step();
}

// model.pt: the parameters (the caller has set the best epoch's) and what evaluate needs to find the held-out
// molecules and to label ablation rows; a fine-tuned model's labels name every training, its --init model's first:
// "energy>di" (loss), "12>12" (seeds, so that --compare can tell the seeds of one cell apart), and alike the energy
// normalisation, parameter average and selection.
void export_model(torch::jit::Module& model, const TrainSettings& o, const Checkpoint& state,
                  const std::string& fingerprint, const InitModel& init, const fs::path& path) {
  const bool fine_tuned = !init.parameters.empty();
  auto label = [&](const char* name, const std::string& before, const std::string& now) {
    model.register_attribute(name, c10::StringType::get(), fine_tuned ? before + ">" + now : now);
  };
  model.setattr("dataset_fingerprint", fingerprint);
  model.register_attribute("dixc_version", c10::StringType::get(), std::string(version_string));
  model.register_attribute("features", c10::StringType::get(), std::string(kModelFeatures));
  label("loss_mode", init.info.loss_mode, to_string(o.loss.mode));
  label("seeds", init.info.seeds, std::to_string(o.seed));
  label("energy_normalisation", init.info.energy_normalisation, to_string(o.loss.energy_normalisation));
  label("gradient_metric", init.info.gradient_metric, to_string(o.loss.gradient_metric));
  std::ostringstream average;
  if (o.ema_decay > 0.0)
    average << "ema " << o.ema_decay;
  else
    average << "none";
  label("parameter_average", init.info.parameter_average, average.str());
  label("selection", init.info.selection, o.export_last ? "last" : "best-validation");
  model.register_attribute("split_seed", c10::StringType::get(), std::to_string(o.split_seed));
  model.register_attribute("validation_fraction", c10::StringType::get(), std::to_string(o.validation_fraction));
  model.register_attribute("test_fraction", c10::StringType::get(), std::to_string(o.test_fraction));
  std::ostringstream scales;
  scales << std::setprecision(17) << state.scales.energy << "," << state.scales.gradient << "," << state.scales.hessian
         << "," << state.scales.density;
  model.register_attribute("loss_scales", c10::StringType::get(), scales.str());
  model.register_attribute("best_epoch", c10::StringType::get(), std::to_string(state.best_epoch));
  model.save(path.string());
}

// Refuses to resume a checkpoint (`saved`, read from `state_file`) with options that change its batches or loss:
// the rest of the interrupted epoch would repeat or skip molecules, and the loss scales and best validation loss
// belong to the mode the run was started with. Fields a checkpoint of an older dixc lacks are not checked.
void check_same_run(const RunIdentity& saved, const RunIdentity& run, const fs::path& state_file) {
  const std::string file = state_file.string() + ": this run was started with ";
  const std::string elsewhere = ", or start a new run in another -o directory";
  if (saved.group_size != 0 && (saved.group_size != run.group_size || saved.batch_size != run.batch_size))
    throw InputError(file + "batches of " + std::to_string(saved.batch_size) + " molecules in groups of " +
                     std::to_string(saved.group_size) + "; resume it with --batch-size " +
                     std::to_string(saved.batch_size) + " --balance-group " + std::to_string(saved.group_size) +
                     " (the default group size is the rank count)");
  if (!saved.loss_mode.empty() && saved.loss_mode != run.loss_mode)
    throw InputError(file + "--loss " + saved.loss_mode + "; resume it with --loss " + saved.loss_mode + elsewhere);
  if (!saved.energy_normalisation.empty() && saved.energy_normalisation != run.energy_normalisation)
    throw InputError(file + "--energy-norm " + saved.energy_normalisation + "; resume it with --energy-norm " +
                     saved.energy_normalisation + elsewhere);
  if (!saved.gradient_metric.empty() && saved.gradient_metric != run.gradient_metric)
    throw InputError(file + "--grad-metric " + saved.gradient_metric + "; resume it with --grad-metric " +
                     saved.gradient_metric + elsewhere);
  if (!saved.seed.empty() && saved.seed != run.seed)
    throw InputError(file + "--seed " + saved.seed + "; resume it with --seed " + saved.seed + elsewhere);
  if (!saved.batches.empty() && saved.batches != run.batches)
    throw InputError(state_file.string() +
                     ": the batches differ from the checkpoint's although --batch-size, --balance-group, --loss "
                     "and --seed match, so the training molecules or the cost estimate that groups them changed "
                     "(another dataset, or another dixc version); resume with the dataset and dixc the run was "
                     "started with" +
                     elsewhere);
}

}  // namespace

TrainSummary train(par::Runtime& runtime, const TrainSettings& o) {
  const MPI_Comm comm = runtime.world();
  const int rank = runtime.rank(), size = runtime.size();
  const data::DatasetReader dataset(o.dataset);
  const std::string basis = dataset.attribute(data::attribute::basis), grid = dataset.attribute(data::attribute::grid);

  std::vector<std::string> usable_names, usable_formulas;
  std::map<std::string, double> cost;
  const grid::GridSettings grid_settings = grid::grid_level(grid);
  for (std::size_t i = 0; i < dataset.size(); ++i)
    if (const auto rec = dataset.read_index(i); rec.status == data::RecordStatus::ok) {
      usable_names.push_back(rec.name);
      usable_formulas.push_back(rec.formula);
      try {
        cost[rec.name] =
            calc::training_step_cost(rec, grid_settings, o.loss.orbital_rhs(static_cast<int>(rec.dims.n_dir)));
      } catch (const InputError& e) {
        throw InputError(o.dataset + ": molecule '" + rec.name + "': " + e.what());
      }
    }
  const DatasetSplit split(usable_names, o.split_seed, o.validation_fraction, o.test_fraction);
  const std::vector<std::string> train_names = split.select(usable_names, Split::train),
                                 val_names = split.select(usable_names, Split::validation);
  if (usable_names.empty())
    throw InputError(o.dataset + ": no successfully computed molecules (`dixc inspect " + o.dataset +
                     "` lists each molecule's status and error)");
  if (train_names.empty())
    throw InputError(o.dataset +
                     ": the training split is empty: --val-fraction and --test-fraction leave none of its " +
                     std::to_string(usable_names.size()) + " usable molecules for training");
  if (o.log && rank == 0) {
    const std::size_t n_test = usable_names.size() - train_names.size() - val_names.size();
    *o.log << "split (seed " << o.split_seed << "): " << train_names.size() << " train, " << val_names.size()
           << " validation, " << n_test << " test molecules from " << split.parent_count(Split::train) << ", "
           << split.parent_count(Split::validation) << ", " << split.parent_count(Split::test) << " parent molecules\n"
           << std::flush;
    if (const std::string rare = rare_element_report(usable_names, usable_formulas, split); !rare.empty()) {
      *o.log << "held-out molecules with an element in fewer than " << well_covered_parents
             << " training parents (their errors measure extrapolation to that element; dixc evaluate also reports "
                "its means without them):\n"
             << rare;
      // Each seed tried costs a split of every name: the search is bounded to ~2e6 names hashed (seconds).
      const std::uint64_t tried =
          std::clamp<std::uint64_t>(2'000'000 / std::max<std::size_t>(usable_names.size(), 1), 20, 10000);
      const auto seeds = covering_split_seeds(usable_names, usable_formulas, o.validation_fraction, o.test_fraction, 5,
                                              well_covered_parents, tried);
      *o.log << "  split seeds whose held-out elements are all covered: ";
      for (std::size_t i = 0; i < seeds.size(); ++i) *o.log << (i ? ", " : "") << seeds[i];
      *o.log << (seeds.empty() ? "none below " + std::to_string(tried) : std::string(" (--split-seed)")) << "\n"
             << std::flush;
    }
  }

  // Checked before the molecules are loaded, so that a wrong --init fails at once.
  const std::string fingerprint = dataset_fingerprint(dataset.attributes(), train_names);
  const InitModel init = o.init_model.empty() ? InitModel() : init_model(o.init_model, o.architecture, fingerprint);
  if (o.hidden_width > 0 && init.hidden_width > 0 && o.hidden_width != init.hidden_width)
    throw InputError(o.init_model + ": --init model has hidden width " + std::to_string(init.hidden_width) +
                     ", this run asks for --hidden " + std::to_string(o.hidden_width) +
                     "; drop --hidden (the --init model's width is taken) or start without --init");
  torch::jit::Module model =
      make_model(o.architecture, o.seed, o.hidden_width > 0 ? o.hidden_width : init.hidden_width);
  // This rank's shards (by cost) under the memory budget (training molecules first), loaded now while they fit.
  const std::size_t added_bytes = o.loss.order() == ResponseOrder::energy ? 0 : separable_bytes_per_point(model);
  if (o.loss.uses_density() && o.log && rank == 0)
    *o.log << "loss " << to_string(o.loss.mode) << ": every step runs the model's SCF on each molecule of the batch\n";
  const auto load_start = std::chrono::steady_clock::now();
  auto costs_of = [&](const std::vector<std::string>& names) {
    std::vector<double> c;
    for (const auto& n : names) c.push_back(cost.at(n));
    return c;
  };
  // Training molecules in batches of whole cost groups (par/batch_schedule.hpp); validation by cost alone.
  const std::size_t group_size =
      o.balance_group > 0 ? static_cast<std::size_t>(o.balance_group) : static_cast<std::size_t>(size);
  std::vector<std::size_t> family;  // the index of each training molecule's parent
  std::map<std::string, std::size_t> parent_index;
  for (const auto& n : train_names)
    family.push_back(parent_index.emplace(parent_name(n), parent_index.size()).first->second);
  const par::BatchSchedule schedule =
      par::balanced_batches(costs_of(train_names), family, group_size, static_cast<std::size_t>(o.batch_size), size);
  // A rank's molecules in `order` (the order in which they are loaded until the budget is full).
  auto shard_of = [&](const std::vector<std::string>& names, const std::vector<int>& owner,
                      const std::vector<std::size_t>& order, std::size_t budget) {
    std::vector<std::size_t> keys;
    std::vector<std::string> mine;
    for (const std::size_t i : order)
      if (owner[i] == rank) {
        keys.push_back(i);
        mine.push_back(names[i]);
      }
    return TrainingMolecules(dataset, keys, mine, o.chunk_points, budget, o.loss.order(), added_bytes,
                             o.loss.uses_density());
  };
  // Training molecules load group by group, largest first, so that a group's members (one per rank at the default
  // group size) are mostly resident on every rank or rebuilt on every rank alike (not exactly: the budget is in
  // bytes, the groups by cost). Measured on the reduced G2 data, first DI epoch, rank 0's wait in the allreduce:
  // loading in dataset order 11.4 of 84 s, in group order 8.7 of 74 s, with the atom-count cost estimate of
  // 3aaa29e; the grid-point estimate brought the wait to 1-7 s per DI epoch (docs/performance.md).
  std::vector<std::size_t> group_order, dataset_order(val_names.size());
  for (const auto& g : schedule.groups) group_order.insert(group_order.end(), g.begin(), g.end());
  std::iota(dataset_order.begin(), dataset_order.end(), std::size_t{0});
  // A signal before the first step (loading and the term-scale pass take minutes on a large dataset) ends the run
  // at the next molecule: each rank stops its own pass, then all agree (collective) and return together.
  auto signalled = [&] { return o.stop_signal && o.stop_signal->requested() != 0; };
  const fs::path out(o.output_dir), ckpt_dir = out / "checkpoint";
  const bool checkpoint_before = o.resume && fs::exists(ckpt_dir / "state.txt");  // resumed from below
  auto stopped_before_first_step = [&](const char* during) {
    const int stop = par::max_over_ranks(o.stop_signal ? o.stop_signal->requested() : 0, comm);
    if (stop && o.log && rank == 0)
      *o.log << "signal " << stop << " " << during << ": stopped before this run's first step; "
             << (checkpoint_before ? "the checkpoint is unchanged (rerun with --resume)"
                                   : "nothing was trained (rerun the same command)")
             << "\n"
             << std::flush;
    return stop != 0;
  };
  auto interrupted_before_start = [&] {
    TrainSummary stopped;
    stopped.interrupted = true;
    stopped.resumable = checkpoint_before;
    return stopped;
  };
  TrainingMolecules train_shard = shard_of(train_names, schedule.owner, group_order, o.cache_bytes);
  train_shard.load_resident(signalled);
  if (stopped_before_first_step("while loading the training molecules")) return interrupted_before_start();
  TrainingMolecules val_shard =
      shard_of(val_names, par::owners_by_cost(costs_of(val_names), size), dataset_order,
               o.cache_bytes > train_shard.kept_bytes() ? o.cache_bytes - train_shard.kept_bytes() : 0);
  if (o.log && rank == 0)
    *o.log << "batches: " << schedule.groups_per_batch << " x " << schedule.group_size
           << " molecules (groups of similar cost and different parents, spread over the ranks; --balance-group), "
           << schedule.batches_per_epoch() << " steps per epoch"
           << (schedule.groups_per_batch * schedule.group_size == static_cast<std::size_t>(o.batch_size)
                   ? ""
                   : "; note: --batch-size " + std::to_string(o.batch_size) +
                         " is not a multiple of the group size, so a step has fewer molecules")
           << "\n";
  if (o.log && rank == 0)
    *o.log << "rank 0: " << train_shard.size() << " training and " << val_shard.size() << " validation molecules; "
           << train_shard.loads() << " loaded in " << std::fixed << std::setprecision(1)
           << std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count() << " s ("
           << std::setprecision(0) << static_cast<double>(train_shard.kept_bytes()) / (1 << 20)
           << " MiB of reference features, budget " << static_cast<double>(o.cache_bytes) / (1 << 20) << " MiB"
           << (train_shard.resident_count() == train_shard.size() ? "" : "; the rest are rebuilt when needed") << ")\n"
           << std::defaultfloat << std::setprecision(6) << std::flush;

  model.register_attribute("dataset_fingerprint", c10::StringType::get(), std::string());
  const std::vector<torch::Tensor> params = ordered_parameters(model);
  if (params.empty()) throw InputError("model '" + o.architecture + "' has no parameters to train");
  broadcast_parameters(params, comm);
  torch::optim::Adam optimizer(params, torch::optim::AdamOptions(o.learning_rate));

  if (rank == 0) fs::create_directories(out);
  Checkpoint state;
  std::vector<torch::Tensor> best_params;
  auto keep_best = [&] {
    best_params.clear();
    for (const auto& p : params) best_params.push_back(p.detach().clone());
  };
  RunIdentity run;
  run.group_size = static_cast<int>(schedule.group_size);
  run.batch_size = o.batch_size;
  run.loss_mode = to_string(o.loss.mode);
  run.energy_normalisation = to_string(o.loss.energy_normalisation);
  run.gradient_metric = to_string(o.loss.gradient_metric);
  run.seed = std::to_string(o.seed);
  run.batches = batch_fingerprint(schedule, train_names, o.seed);
  std::optional<ParameterAverage> average;  // --ema: validated and exported instead of the live parameters
  if (checkpoint_before) {
    if (o.ema_decay > 0.0) average.emplace(o.ema_decay, params);  // its values come from the checkpoint
    state = read_checkpoint(ckpt_dir, params, optimizer, best_params, average ? &*average : nullptr);
    check_same_run(state.run, run, ckpt_dir / "state.txt");
    if (o.log && rank == 0) *o.log << "resuming from " << ckpt_dir.string() << " at step " << state.step << "\n";
  } else {
    LossSettings unscaled = o.loss;
    unscaled.scales = {};
    state.scales = initial_scales(model, train_shard, unscaled, signalled, comm);
    if (stopped_before_first_step("during the term-scale pass")) return interrupted_before_start();
    if (!init.parameters.empty()) {
      if (!ml::same_parameter_shapes(init.parameters, params))
        throw InputError(o.init_model + ": --init model has a different parameter layout (older dixc?)");
      torch::NoGradGuard guard;
      for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(init.parameters[i]);
      if (o.log && rank == 0) *o.log << "parameters initialised from " << o.init_model << "\n";
    }
    if (o.ema_decay > 0.0) average.emplace(o.ema_decay, params);  // starts at the initial parameters
  }
  state.run = run;  // saved with every checkpoint (checked above)
  LossSettings loss = o.loss;
  loss.scales = state.scales;
  if (average && o.log && rank == 0)
    *o.log << "parameter average: decay " << average->decay() << " (validated and exported instead of the live "
           << "parameters), " << average->updates() << " updates so far\n";
  if (o.log && rank == 0)
    *o.log << "loss " << to_string(loss.mode) << ", term scales (training mean for the untrained model): energy "
           << loss.scales.energy << ", gradient " << loss.scales.gradient << ", hessian " << loss.scales.hessian
           << ", density " << loss.scales.density << "\n"
           << std::flush;
  std::ofstream csv;
  if (rank == 0) {
    const bool fresh = !(o.resume && fs::exists(out / "losses.csv"));
    csv.open(out / "losses.csv", fresh ? std::ios::trunc : std::ios::app);
    if (fresh)
      csv << "epoch,step,lr,train_loss,train_energy,train_gradient,train_hessian,train_density,val_loss,val_energy,"
             "val_gradient,val_hessian,val_density,skipped_steps,epoch_seconds,allreduce_seconds\n";
  }

  const int batches_per_epoch = static_cast<int>(schedule.batches_per_epoch());
  int total_steps = batches_per_epoch * o.epochs;
  if (o.max_steps > 0) total_steps = std::min(total_steps, o.max_steps);
  TrainSummary summary;
  auto reached_end = [&] {
    return state.step >= total_steps || (o.patience > 0 && state.epochs_since_best >= o.patience);
  };
  int steps_this_call = 0;
  double allreduce_seconds = 0.0;  // in the gradient allreduce, this epoch (includes waiting for other ranks)
  auto epoch_start = std::chrono::steady_clock::now();
  // The ETA of the epoch lines: this run's seconds per step (validation included) times the steps left.
  const auto run_start = epoch_start;
  const int run_first_step = state.step;
  auto eta_text = [&] {
    const int done = state.step - run_first_step, left = total_steps - state.step;
    if (done <= 0 || left <= 0) return std::string();
    const double per_step = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count() / done;
    return "  ETA " + duration_text(per_step * left) + (o.patience > 0 ? " (at most: --patience)" : "");
  };

  for (; state.epoch < o.epochs && !reached_end(); ++state.epoch, state.batch = 0, state.epoch_sums = TermSums(),
                                                                  allreduce_seconds = 0.0,
                                                                  epoch_start = std::chrono::steady_clock::now()) {
    const std::vector<std::vector<std::size_t>> batches =
        schedule.epoch_batches(o.seed * 1000003ull + static_cast<std::uint64_t>(state.epoch));
    for (; state.batch < batches_per_epoch && state.step < total_steps; ++state.batch) {
      optimizer.zero_grad();
      const std::vector<std::size_t>& batch = batches[static_cast<std::size_t>(state.batch)];
      const double scale = 1.0 / static_cast<double>(batch.size());
      TermSums sums;
      int bad = 0;
      for (const std::size_t key : batch) {
        if (!train_shard.contains(key)) continue;
        const TrainingMolecule& molecule = train_shard.get(key);
        const LossTerms t = training_loss(model, molecule, loss, scale, true);
        if (!usable(t, "step " + std::to_string(state.step))) continue;
        if (!t.finite) {
          bad = 1;
          std::cerr << "dixc train: non-finite loss for molecule '" << molecule.targets.name << "' at step "
                    << state.step << " (rank " << rank << "); step skipped\n";
          continue;
        }
        sums.add(t);
      }
      const auto reduce_start = std::chrono::steady_clock::now();
      allreduce_gradients(params, o.bucket_elements, comm);
      allreduce_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - reduce_start).count();
      for (const auto& g : gradients_of(params)) bad |= torch::isfinite(g).all().item<bool>() ? 0 : 1;
      bad = par::max_over_ranks(bad, comm);
      sums.reduce(comm);
      if (bad) {
        ++state.skipped;
      } else {
        clip_and_step(params, optimizer, o, learning_rate(o, state.step, total_steps));
        if (average) average->update(params);
        for (int i = 0; i <= TermSums::terms; ++i) state.epoch_sums.values[i] += sums.values[i];
      }
      ++state.step;
      if (o.check_every > 0 && state.step % o.check_every == 0) {
        const double spread = parameter_spread(params, comm);
        if (spread != 0.0) throw std::runtime_error("parameters diverged across ranks by " + std::to_string(spread));
      }
      int stop = o.stop_signal ? o.stop_signal->requested() : 0;
      if (o.stop_after_steps > 0 && ++steps_this_call >= o.stop_after_steps && !reached_end()) stop = -1;
      stop = par::max_over_ranks(stop, comm);
      const bool periodic = o.checkpoint_every > 0 && state.step % o.checkpoint_every == 0;
      if (stop || periodic) {
        Checkpoint c = state;
        ++c.batch;  // the batch just finished
        write_checkpoint(ckpt_dir, model, optimizer, c, rank, average ? &*average : nullptr);
        par::barrier(comm);
      }
      if (stop) {
        if (o.log && rank == 0)
          *o.log << (stop > 0 ? "signal " + std::to_string(stop) : std::string("step limit of this run"))
                 << ": checkpoint written at step " << state.step << "\n";
        summary.interrupted = true;
        summary.resumable = true;
        summary.steps = state.step;
        return summary;
      }
    }
    // Validation loss (only the terms the mode uses), then one CSV row per epoch (times cover the training steps
    // and the validation). Without validation molecules the training loss decides what is best. With --ema the
    // average is validated and kept as the best; the live parameters return for the next epoch.
    // --validate-every: the same on every rank (epoch and step counts), so the collective sums stay matched.
    const bool validate =
        (state.epoch + 1) % o.validate_every == 0 || state.epoch + 1 >= o.epochs || state.step >= total_steps;
    summary.final_train_loss = state.epoch_sums.mean(0);
    TermSums val;
    if (validate) {
      if (average) average->swap(params);
      for (const std::size_t key : val_shard.keys()) {
        const TrainingMolecule& t = val_shard.get(key);
        const LossTerms terms = training_loss(model, t, loss, 1.0, false);
        if (usable(terms, "validation")) val.add(terms);
      }
      val.reduce(comm);
      summary.final_validation_loss = val.mean(0);
    }
    const double judged = val_names.empty() ? summary.final_train_loss : summary.final_validation_loss;
    if (!validate) {
      // not judged: --select best and --patience count validated epochs only
    } else if (judged < state.best_validation) {
      state.best_validation = judged;
      state.best_epoch = state.epoch + 1;
      state.epochs_since_best = 0;
      keep_best();
      if (rank == 0) {
        fs::create_directories(ckpt_dir);
        model.save((ckpt_dir / "best_model.pt").string());
      }
    } else {
      ++state.epochs_since_best;
    }
    if (validate && average) average->swap(params);
    if (rank == 0) {
      const double lr = learning_rate(o, std::max(0, state.step - 1), total_steps);
      csv << state.epoch << "," << state.step << "," << lr << std::setprecision(10);
      const bool used[TermSums::terms] = {true, true, loss.uses_gradient(), loss.uses_hessian(), loss.uses_density()};
      for (const TermSums* sums : {&state.epoch_sums, &val})
        for (int i = 0; i < TermSums::terms; ++i) {
          csv << ",";
          if (used[i] && (sums != &val || validate)) csv << sums->mean(i);
        }
      csv << "," << state.skipped << ","
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count() << ","
          << allreduce_seconds << "\n"
          << std::flush;
      if (o.log) {
        std::ostringstream validation;
        validation << std::scientific << std::setprecision(4) << val.mean(0);
        *o.log << "epoch " << state.epoch + 1 << "/" << o.epochs << "  step " << state.step << "  train loss "
               << std::scientific << std::setprecision(4) << state.epoch_sums.mean(0) << std::defaultfloat
               << std::setprecision(6) << (validate ? "  validation loss " + validation.str() : "  (not validated)")
               << "  (" << std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count()
               << " s)" << (validate && state.epochs_since_best == 0 ? "  best" : "") << eta_text() << "\n"
               << std::flush;
      }
    }
  }
  summary.steps = state.step;
  summary.skipped_steps = state.skipped;
  summary.best_epoch = state.best_epoch;
  summary.best_validation_loss = state.best_validation;
  summary.stopped_early = o.patience > 0 && state.epochs_since_best >= o.patience;
  summary.scales = state.scales;
  if (o.log && rank == 0)
    *o.log << "rank 0: reference features peaked at " << (train_shard.peak_bytes() + val_shard.peak_bytes()) / (1 << 20)
           << " MiB; " << train_shard.loads() + val_shard.loads() << " molecule loads for "
           << train_shard.size() + val_shard.size() << " molecules in " << std::fixed << std::setprecision(1)
           << train_shard.load_seconds() + val_shard.load_seconds() << " s (" << train_shard.resident_count()
           << " training and " << val_shard.resident_count() << " validation molecules resident"
           << (train_shard.reused_base_responses() + val_shard.reused_base_responses() > 0
                   ? "; the model base's response reused in " +
                         std::to_string(train_shard.reused_base_responses() + val_shard.reused_base_responses()) +
                         " rebuilds"
                   : std::string())
           << ")\n"
           << std::defaultfloat << std::setprecision(6);
  if (rank == 0) {
    Checkpoint c = state;
    write_checkpoint(ckpt_dir, model, optimizer, c, rank, average ? &*average : nullptr);
    if (o.export_last) {
      if (average) average->swap(params);  // the average after the last step (the run ends here)
    } else if (!best_params.empty()) {
      torch::NoGradGuard guard;
      for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best_params[i]);
    }
    export_model(model, o, state, fingerprint, init, out / "model.pt");
  }
  par::barrier(comm);
  return summary;
}

}  // namespace dixc::workflow

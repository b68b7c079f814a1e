#include "dixc/workflow/training_checkpoint.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "dixc/ml/models.hpp"
#include "dixc/par/collectives.hpp"
#include "dixc/util/error.hpp"
#include "dixc/util/stable_hash.hpp"

namespace fs = std::filesystem;

namespace dixc::workflow {

void TermSums::add(const ml::LossTerms& t) {
  values[0] += t.total;
  values[1] += t.energy;
  values[2] += std::isnan(t.gradient) ? 0.0 : t.gradient;
  values[3] += std::isnan(t.hessian) ? 0.0 : t.hessian;
  values[4] += std::isnan(t.density) ? 0.0 : t.density;
  values[terms] += 1.0;
}

void TermSums::reduce(MPI_Comm comm) { par::sum_in_place(values, terms + 1, comm); }

void write_checkpoint(const fs::path& dir, const torch::jit::Module& model, torch::optim::Adam& optimizer,
                      const Checkpoint& c, int rank, const ml::ParameterAverage* average) {
  if (rank != 0) return;
  fs::create_directories(dir);
  const fs::path tmp = dir / "tmp";
  fs::create_directories(tmp);
  model.save((tmp / "model.pt").string());
  torch::save(optimizer, (tmp / "optimizer.pt").string());
  std::ofstream state(tmp / "state.txt");
  state << std::setprecision(17) << c.step << " " << c.epoch << " " << c.batch << " " << c.skipped;
  for (double v : c.epoch_sums.values) state << " " << v;
  state << " " << c.scales.energy << " " << c.scales.gradient << " " << c.scales.hessian << " " << c.best_validation
        << " " << c.best_epoch << " " << c.epochs_since_best << " " << c.scales.density << " " << c.run.group_size
        << " " << c.run.batch_size << " " << c.run.loss_mode << " " << c.run.seed << " " << c.run.batches << " "
        << c.run.energy_normalisation << " " << c.run.gradient_metric << "\n";
  state.close();
  if (average) average->save(tmp / "average.pt");
  // Replace the previous checkpoint only once the new one is complete.
  for (const char* f : {"model.pt", "optimizer.pt", "average.pt", "state.txt"})
    if (fs::exists(tmp / f)) fs::rename(tmp / f, dir / f);
  fs::remove(tmp);
}

Checkpoint read_checkpoint(const fs::path& dir, const std::vector<torch::Tensor>& params, torch::optim::Adam& optimizer,
                           std::vector<torch::Tensor>& best_params, ml::ParameterAverage* average) {
  const bool saved_average = fs::exists(dir / "average.pt");
  const std::string started = (dir / "state.txt").string() + ": this run was started ";
  if (average && !saved_average)
    throw InputError(started + "without --ema; resume it without --ema, or start a new run in another -o directory");
  if (!average && saved_average)
    throw InputError(started + "with --ema (" + (dir / "average.pt").string() +
                     "); resume it with the same --ema, or start a new run in another -o directory");
  torch::jit::Module saved = torch::jit::load((dir / "model.pt").string());
  const auto saved_params = ml::ordered_parameters(saved);
  if (!ml::same_parameter_shapes(saved_params, params))
    throw InputError((dir / "model.pt").string() + ": checkpoint is of a different architecture or hidden width (" +
                     std::to_string(ml::hidden_width(saved)) +
                     "); resume with the --model and --hidden it was "
                     "started with");
  {
    torch::NoGradGuard guard;
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(saved_params[i]);
  }
  torch::load(optimizer, (dir / "optimizer.pt").string());
  Checkpoint state;
  std::ifstream in(dir / "state.txt");
  in >> state.step >> state.epoch >> state.batch >> state.skipped;
  for (double& v : state.epoch_sums.values) in >> v;
  in >> state.scales.energy >> state.scales.gradient >> state.scales.hessian >> state.best_validation >>
      state.best_epoch >> state.epochs_since_best >> state.scales.density;
  if (!in) throw InputError((dir / "state.txt").string() + ": unreadable checkpoint state (older dixc?)");
  RunIdentity& run = state.run;
  if (!(in >> run.group_size >> run.batch_size)) run.group_size = run.batch_size = 0;
  if (!(in >> run.loss_mode >> run.seed >> run.batches)) run.loss_mode = run.seed = run.batches = "";
  if (!(in >> run.energy_normalisation)) run.energy_normalisation = "";
  if (!(in >> run.gradient_metric)) run.gradient_metric = "";
  if (average) average->load(dir / "average.pt");
  if (fs::exists(dir / "best_model.pt"))
    best_params = ml::ordered_parameters(torch::jit::load((dir / "best_model.pt").string()));
  return state;
}

std::string batch_fingerprint(const par::BatchSchedule& schedule, const std::vector<std::string>& names,
                              std::uint64_t seed) {
  std::ostringstream text;
  text << seed << ";" << schedule.groups_per_batch << ";";
  for (const auto& group : schedule.groups) {
    for (const std::size_t i : group) text << names.at(i) << ",";
    text << ";";
  }
  return std::to_string(stable_hash(text.str()));
}

InitModel init_model(const std::string& path, const std::string& architecture, const std::string& fingerprint) {
  const torch::jit::Module model = ml::load_model_file(path);
  const ml::ModelInfo info = ml::model_info(model);
  if (info.architecture != architecture)
    throw InputError(path + ": --init model is a '" + info.architecture + "' model, this run trains '" + architecture +
                     "'; pass --model " + info.architecture + " or another --init model");
  if (info.dataset_fingerprint != fingerprint)
    throw InputError(path +
                     ": --init model was trained on another dataset or split (its fingerprint differs); "
                     "use the same dataset, --seed, --val-fraction and --test-fraction as its run");
  ml::ModelInfo labels = info;
  for (std::string* label : {&labels.loss_mode, &labels.seeds, &labels.energy_normalisation, &labels.gradient_metric,
                             &labels.parameter_average, &labels.selection})
    if (label->empty()) *label = "?";
  return {ml::ordered_parameters(model), labels, ml::hidden_width(model)};
}

}  // namespace dixc::workflow

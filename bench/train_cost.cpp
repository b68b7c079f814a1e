// Seconds per molecule-step of the training loss (values + dL/dtheta, as in a training step) by architecture and
// loss mode (the DI-Loss's modes and the self-consistent energy+density baseline) on the first molecules of a
// dataset, and the memory of their reference features.
// usage: train_cost DATA.h5 [N_MOLECULES=8] [ARCH,...] [CHUNK_POINTS=20000] [MODE,...] [PER_MOLECULE.csv]
// (OMP_NUM_THREADS threads; run on a quiet machine). With PER_MOLECULE.csv, each molecule is loaded, timed and
// dropped in turn (so any number fits in memory), and its dimensions, grid points, load time, step time per
// architecture and mode and calc::training_step_cost are written as one row each: the data that
// bench/step_cost_fit.py fits the training cost model to.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "dixc/calc/cost_model.hpp"
#include "dixc/data/dataset_reader.hpp"
#include "dixc/ml/loss_settings.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_runtime.hpp"
#include "dixc/ml/training_loss.hpp"
#include "dixc/ml/training_molecules.hpp"
#include "dixc/par/process_settings.hpp"

using Clock = std::chrono::steady_clock;

namespace {

// Median of three timed passes of one training step (values and dL/dtheta) on each molecule, per molecule.
double seconds_per_step(const std::string& arch, dixc::ml::LossMode mode,
                        const std::vector<const dixc::ml::TrainingMolecule*>& molecules) {
  auto model = dixc::ml::make_model(arch, 1);
  dixc::ml::LossSettings s;
  s.mode = mode;
  std::vector<double> per_pass;
  for (int pass = 0; pass < 3; ++pass) {
    const auto t0 = Clock::now();
    for (const auto* m : molecules) dixc::ml::training_loss(model, *m, s, 1.0, true);
    per_pass.push_back(std::chrono::duration<double>(Clock::now() - t0).count() / molecules.size());
  }
  std::sort(per_pass.begin(), per_pass.end());
  return per_pass[1];
}

}  // namespace

int main(int argc, char** argv) {
  dixc::par::reexec_with_process_settings(argv);  // the kernels and malloc settings dixc itself runs with
  if (argc < 2) {
    std::cerr << "usage: train_cost DATA.h5 [N_MOLECULES=8] [ARCH,...] [CHUNK_POINTS=20000] [MODE,...] "
                 "[PER_MOLECULE.csv]\n";
    return 2;
  }
  const dixc::data::DatasetReader dataset(argv[1]);
  const std::size_t n = argc > 2 ? std::stoul(argv[2]) : 8;
  std::vector<std::string> archs = {"gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"};
  const std::size_t chunk_points = argc > 4 ? std::stoul(argv[4]) : 20000;
  if (argc > 3) {
    archs.clear();
    std::stringstream in(argv[3]);
    for (std::string a; std::getline(in, a, ',');) archs.push_back(a);
  }
  std::vector<dixc::ml::LossMode> modes = {dixc::ml::LossMode::energy, dixc::ml::LossMode::energy_gradient,
                                           dixc::ml::LossMode::di, dixc::ml::LossMode::energy_density};
  if (argc > 5) {
    modes.clear();
    std::stringstream in(argv[5]);
    for (std::string m; std::getline(in, m, ',');) modes.push_back(dixc::ml::parse_loss_mode(m));
  }
  const bool self_consistent =
      std::any_of(modes.begin(), modes.end(), [](auto m) { return dixc::ml::LossSettings{m}.uses_density(); });
  const char* threads = std::getenv("OMP_NUM_THREADS");
  dixc::ml::configure_torch(threads ? std::atoi(threads) : 1);
  const std::string basis = dataset.attributes().at("basis"), grid = dataset.attributes().at("grid");
  if (argc > 6) {
    const auto grid_settings = dixc::grid::grid_level(grid);
    std::ofstream csv(argv[6]);
    if (!csv) {
      std::cerr << "train_cost: cannot write " << argv[6] << "\n";
      return 1;
    }
    csv << "name,formula,natoms,nbf,n_occ,n_vir,n_dir,rhs,points,estimated_cost,load_s,architecture,mode,step_s\n";
    std::size_t done = 0;
    for (std::size_t i = 0; i < dataset.size() && done < n; ++i) {
      const auto record = dataset.read(i);
      if (record.status != dixc::data::RecordStatus::ok) continue;
      const auto t_load = Clock::now();
      const auto m = dixc::ml::load_training_molecule(record, basis, grid, chunk_points,
                                                      dixc::ml::ResponseOrder::hessian, self_consistent);
      const double load_s = std::chrono::duration<double>(Clock::now() - t_load).count();
      const auto& d = record.dims;
      for (const auto& arch : archs)
        for (const auto mode : modes) {
          const int rhs = dixc::ml::LossSettings{mode}.orbital_rhs(static_cast<int>(d.n_dir));
          csv << record.name << "," << record.formula << "," << d.natoms << "," << d.nbf << "," << d.n_occ << ","
              << d.n_vir << "," << d.n_dir << "," << rhs << "," << m.features.n_points() << ","
              << dixc::calc::training_step_cost(record, grid_settings, rhs) << "," << load_s << "," << arch << ","
              << dixc::ml::to_string(mode) << "," << seconds_per_step(arch, mode, {&m}) << "\n"
              << std::flush;
        }
      std::cout << ++done << "/" << n << " " << record.name << "\n" << std::flush;
    }
    return 0;
  }
  std::vector<dixc::ml::TrainingMolecule> molecules;
  std::size_t bytes = 0, points = 0;
  const auto t_load = Clock::now();
  for (std::size_t i = 0; i < dataset.size() && molecules.size() < n; ++i) {
    const auto record = dataset.read(i);
    if (record.status != dixc::data::RecordStatus::ok) continue;
    // As dixc train loads them (--chunk-points), with everything the di mode needs.
    auto l = dixc::ml::load_training_molecule(record, basis, grid, chunk_points, dixc::ml::ResponseOrder::hessian,
                                              self_consistent);
    bytes += l.features.bytes();
    points += l.features.n_points();
    molecules.push_back(std::move(l));
  }
  const double load_s = std::chrono::duration<double>(Clock::now() - t_load).count();
  std::cout << std::fixed << std::setprecision(3) << molecules.size() << " molecules of " << argv[1] << " (grid "
            << grid << "), " << points / molecules.size() << " points each on average; loading "
            << load_s / molecules.size() << " s/molecule; reference features "
            << static_cast<double>(bytes) / molecules.size() / (1 << 20) << " MiB/molecule\n";
  std::cout << "architecture  mode            s/molecule-step\n";
  std::vector<const dixc::ml::TrainingMolecule*> all;
  for (const auto& m : molecules) all.push_back(&m);
  for (const auto& arch : archs)
    for (const auto mode : modes)
      std::cout << std::left << std::setw(14) << arch << std::setw(16) << dixc::ml::to_string(mode) << std::right
                << std::setprecision(4) << seconds_per_step(arch, mode, all) << "\n";
  return 0;
}

// dixc train: data-parallel training of a learned XC functional on a dixc dataset.

#include <iostream>

#include "dixc/app/commands.hpp"
#include "dixc/app/options.hpp"
#include "dixc/ml/loss_settings.hpp"
#include "dixc/par/runtime.hpp"
#include "dixc/util/error.hpp"
#include "dixc/workflow/train.hpp"

namespace po = boost::program_options;

namespace dixc::app {

int run_train_command(par::Runtime& runtime, const std::vector<std::string>& args) {
  po::options_description options(
      "usage: [mpirun -np N] dixc train DATA.h5 --output-dir DIR [options]\n\n"
      "Trains a learned XC functional with the DI-Loss (energy, orbital gradient and Hessian-vector products at\n"
      "the reference solution, docs/theory.md section 4), or with the baseline it is compared with: total energy\n"
      "and density through the model's own SCF, differentiated implicitly (--loss energy+density, section 7;\n"
      "an SCF per molecule and step, so several times slower than di). Each MPI rank holds a shard of the training "
      "molecules;\n"
      "gradients are averaged with MPI_Allreduce. Writes DIR/losses.csv (per epoch), DIR/checkpoint/ (every\n"
      "--checkpoint-every steps and on SIGTERM/SIGUSR1) and DIR/model.pt (TorchScript, loadable by dixc\n"
      "evaluate and by torch.jit.load). Threads per rank: OMP_NUM_THREADS.\n\nOptions");
  options.add_options()("dataset", po::value<std::string>()->required(), "dataset written by dixc generate")(
      "output-dir,o", po::value<std::string>()->required(), "directory for losses, checkpoints and the model")(
      "model", po::value<std::string>()->default_value("gga-mlp"),
      "gga-mlp | mgga-mlp | nonlocal (start as BLYP and learn a correction) | xcdiff (starts as RPBE)")(
      "hidden", po::value<int>()->default_value(0),
      "width of the model's hidden layers (0: the --init model's, else 32; xcdiff 24; the non-local model's atom "
      "networks half of it); wider models fit more and cost more per step")(
      "loss", po::value<std::string>()->default_value("di"),
      "energy | energy+grad | di (terms at the reference solution) | energy+density (SCF total energy and "
      "density of the model) | di+density (energy+density plus di's gradient and Hessian terms)")(
      "w-energy", po::value<double>()->default_value(1.0),
      "weight of the energy term (each term is divided by its training-set mean for the untrained model, so "
      "equal weights mean equal shares at the start; docs/theory.md section 4)")(
      "energy-norm", po::value<std::string>()->default_value("per-electron"),
      "unit of the energy term: per-electron, (dE/N_e)^2, weighs small molecules more; total, dE^2, weighs "
      "every molecule by its error in Eh, as the total-energy MAE of dixc evaluate does")(
      "w-grad", po::value<double>()->default_value(1.0), "weight of the gradient term")(
      "grad-metric", po::value<std::string>()->default_value("mean-square"),
      "norm of the gradient term: mean-square, the mean of dg_ai^2 over all occupied-virtual pairs; "
      "inverse-gap, sum dg_ai^2 / (8 (eps_a - eps_i)), the second-order estimate of the energy the density error "
      "costs the reference functional (E_rho), which weighs low-lying pairs most and core pairs least")(
      "w-hess", po::value<double>()->default_value(1.0), "weight of the Hessian term")(
      "w-density", po::value<double>()->default_value(1.0),
      "weight of the density term sum_p w_p (rho - rho_ref)^2 of the +density modes")(
      "epochs", po::value<int>()->default_value(10), "passes over the training molecules (the cosine horizon)")(
      "patience", po::value<int>()->default_value(0),
      "stop after this many epochs without a lower validation loss (0: train all epochs); model.pt always "
      "holds the parameters of the epoch with the lowest validation loss (unless --select last)")(
      "validate-every", po::value<int>()->default_value(1),
      "validation loss every N epochs and at the last one (the other epochs' validation columns in losses.csv "
      "are empty); --select best and --patience see only the validated epochs. Training is the same for any N, "
      "and validation molecules beyond --cache-mib are rebuilt only when validated, so with --select last a "
      "larger N is the same model sooner")("max-steps", po::value<int>()->default_value(0),
                                           "stop after this many optimiser steps (0: no limit)")(
      "batch-size", po::value<int>()->default_value(4), "molecules per step (global, over all ranks)")(
      "balance-group", po::value<int>()->default_value(0),
      "molecules of similar estimated cost (and different parent molecules) per group; a batch is batch-size / "
      "balance-group whole groups and a "
      "group's members run on different ranks, so that a step's work splits evenly (0: the rank count). Batches "
      "depend on this number, not on the rank count: give it a fixed value to get the same parameters on any "
      "number of ranks")("lr", po::value<double>()->default_value(1e-3),
                         "peak learning rate (Adam; linear warm-up, cosine decay)")(
      "warmup", po::value<int>()->default_value(5), "warm-up steps")("clip", po::value<double>()->default_value(1.0),
                                                                     "gradient-norm clip (0: off)")(
      "select", po::value<std::string>()->default_value("best"),
      "which epoch model.pt holds: best (the lowest validation loss) or last (the end of the schedule; on a small "
      "validation set the best epoch is a noisy choice, docs/results.md); with --ema, the average at that epoch")(
      "ema", po::value<double>()->default_value(0.0),
      "decay d of an exponential moving average of the parameters over the steps (e.g. 0.98: a window of ~50 "
      "steps, shorter early in a run); the average is validated, chosen as the best epoch and exported, which "
      "smooths the step-to-step noise of the validation loss (0: off; docs/theory.md section 4; with the best "
      "epoch it did not lower the distillation benchmark's held-out error, docs/results.md)")(
      "seed", po::value<unsigned long long>()->default_value(0), "seed of initial parameters, split and order")(
      "split-seed", po::value<unsigned long long>(),
      "seed of the train/validation/test split only (default: --seed); fixing it while --seed varies trains "
      "seeds of one cell on the same molecules and evaluates them on the same held-out split; the log lists held-out "
      "molecules with an element in fewer than two training parents and split seeds that leave none")(
      "val-fraction", po::value<double>()->default_value(0.2), "validation share of molecules")(
      "test-fraction", po::value<double>()->default_value(0.2), "test share (held out for evaluate)")(
      "chunk-points", po::value<std::size_t>()->default_value(20000),
      "grid points per model call of a local model that is not separable (bounds autograd memory; gga-mlp, "
      "mgga-mlp and xcdiff go block by block, non-local models see all points)")(
      "checkpoint-every", po::value<int>()->default_value(50), "checkpoint period in steps")(
      "cache-mib", po::value<std::size_t>()->default_value(4096),
      "reference features kept in memory per rank (MiB); molecules beyond it are rebuilt from the dataset "
      "when needed (slower steps, bounded memory; the log states the peak)")(
      "stop-after-steps", po::value<int>()->default_value(0),
      "checkpoint and exit after this many steps of this run (fits a job's time limit; 0: off)")(
      "resume", po::bool_switch(),
      "continue from DIR/checkpoint (with the --loss, --seed, --batch-size and --balance-group it was started with; "
      "other batches are refused)")(
      "init", po::value<std::string>()->default_value(""),
      "start from the parameters of this model.pt (same architecture, trained on the same dataset and split, "
      "e.g. energy-only pre-training before DI fine-tuning); the loss keeps the untrained model's term scales "
      "and the exported model is labelled by both loss modes (e.g. energy>di)");
  po::positional_options_description positional;
  positional.add("dataset", 1);
  const auto parsed = parse_options("train", args, options, positional);
  if (parsed.help_requested) {
    std::cout << parsed.help << "\n";
    return 0;
  }
  const auto& vm = parsed.values;
  const par::StopSignal& stop_signal = runtime.stop_signal();

  workflow::TrainSettings o;
  o.dataset = vm["dataset"].as<std::string>();
  o.output_dir = vm["output-dir"].as<std::string>();
  o.architecture = vm["model"].as<std::string>();
  o.hidden_width = vm["hidden"].as<int>();
  o.loss.mode = ml::parse_loss_mode(vm["loss"].as<std::string>());
  o.loss.weights = {vm["w-energy"].as<double>(), vm["w-grad"].as<double>(), vm["w-hess"].as<double>(),
                    vm["w-density"].as<double>()};
  o.loss.energy_normalisation = ml::parse_energy_normalisation(vm["energy-norm"].as<std::string>());
  o.loss.gradient_metric = ml::parse_gradient_metric(vm["grad-metric"].as<std::string>());
  o.epochs = vm["epochs"].as<int>();
  o.patience = vm["patience"].as<int>();
  o.validate_every = vm["validate-every"].as<int>();
  if (o.validate_every < 1) throw InputError("--validate-every must be at least 1");
  o.max_steps = vm["max-steps"].as<int>();
  o.batch_size = vm["batch-size"].as<int>();
  o.balance_group = vm["balance-group"].as<int>();
  o.learning_rate = vm["lr"].as<double>();
  o.warmup_steps = vm["warmup"].as<int>();
  o.clip_norm = vm["clip"].as<double>();
  o.ema_decay = vm["ema"].as<double>();
  const std::string select = vm["select"].as<std::string>();
  if (select != "best" && select != "last") throw InputError("--select must be best or last, not '" + select + "'");
  o.export_last = select == "last";
  o.seed = vm["seed"].as<unsigned long long>();
  o.split_seed = vm.count("split-seed") ? vm["split-seed"].as<unsigned long long>() : o.seed;
  o.validation_fraction = vm["val-fraction"].as<double>();
  o.test_fraction = vm["test-fraction"].as<double>();
  o.chunk_points = vm["chunk-points"].as<std::size_t>();
  o.checkpoint_every = vm["checkpoint-every"].as<int>();
  o.cache_bytes = vm["cache-mib"].as<std::size_t>() << 20;
  o.resume = vm["resume"].as<bool>();
  o.init_model = vm["init"].as<std::string>();
  o.stop_after_steps = vm["stop-after-steps"].as<int>();
  o.stop_signal = &stop_signal;
  const int rank = runtime.rank();
  if (rank == 0) o.log = &std::cout;
  if (o.batch_size < 1 || o.epochs < 1) throw InputError("--batch-size and --epochs must be at least 1");
  if (!(o.ema_decay >= 0.0 && o.ema_decay < 1.0))
    throw InputError("--ema must be 0 (off) or a decay below 1, e.g. 0.98");
  if (o.balance_group < 0) throw InputError("--balance-group must be 0 (the rank count) or a group size");
  if (!(o.validation_fraction >= 0.0 && o.test_fraction >= 0.0 && o.validation_fraction + o.test_fraction < 1.0))
    throw InputError("--val-fraction and --test-fraction must be >= 0 with a sum below 1");
  const auto summary = workflow::train(runtime, o);
  if (rank == 0)
    std::cout << "dixc train: " << summary.steps << " steps (" << summary.skipped_steps << " skipped)"
              << (!summary.interrupted ? "; model in " + o.output_dir + "/model.pt"
                  : summary.resumable
                      ? "; interrupted, checkpoint in " + o.output_dir + "/checkpoint (rerun with --resume)"
                      : "; interrupted before the first step, no checkpoint (rerun the same command)")
              << (!summary.interrupted || summary.resumable ? ", losses in " + o.output_dir + "/losses.csv" : "")
              << "\n";
  return 0;
}

}  // namespace dixc::app

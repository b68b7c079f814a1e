// dixc: derivative-informed distillation of exchange-correlation functionals. Dispatches to subcommands and
// turns exceptions into one-line messages and exit codes (2: bad input, 3: no convergence, 1: anything else).
// Built twice: as `dixc` without the LibTorch commands, which it hands to `dixc-ml` (built with
// DIXC_ML_COMMANDS) by exec, so that SCF and generation processes start without loading LibTorch.
#include <omp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dixc/app/commands.hpp"
#include "dixc/app/learned_functional.hpp"
#include "dixc/par/blas_kernels.hpp"
#include "dixc/par/process_settings.hpp"
#ifdef DIXC_ML_COMMANDS
#include "dixc/ml/torch_runtime.hpp"
#endif
#include "dixc/par/runtime.hpp"
#include "dixc/util/error.hpp"
#include "dixc/version.hpp"

namespace {

struct Command {
  int (*run)(dixc::par::Runtime&, const std::vector<std::string>&);  // nullptr: the command lives in dixc-ml
  const char* summary;
};

#ifdef DIXC_ML_COMMANDS
// LibTorch's threads, graph executor and allocator settings for every command of dixc-ml (torch_runtime.hpp),
// and the loader of learned functionals (model.pt) for the XC factory.
void configure_runtime() {
  dixc::ml::configure_torch(omp_get_max_threads());
  dixc::app::register_learned_functionals();
}
constexpr auto run_train = dixc::app::run_train_command;
constexpr auto run_evaluate = dixc::app::run_evaluate_command;
constexpr bool has_torch = true;
#else
constexpr int (*run_train)(dixc::par::Runtime&, const std::vector<std::string>&) = nullptr;
constexpr int (*run_evaluate)(dixc::par::Runtime&, const std::vector<std::string>&) = nullptr;
constexpr bool has_torch = false;
void configure_runtime() {}
#endif

const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table = {
      {"scf", {dixc::app::run_scf_command, "self-consistent field for one molecule (HF or a DFT functional)"}},
      {"generate",
       {dixc::app::run_generate_command,
        "reference dataset (SCF, TDDFT, XC derivative targets) in HDF5, MPI-parallel"}},
      {"train", {run_train, "train a learned XC functional with the DI-Loss, data-parallel over MPI"}},
      {"evaluate",
       {run_evaluate, "self-consistent metrics, TDDFT and report of a trained functional; --compare for ablations"}},
      {"merge", {dixc::app::run_merge_command, "combine dataset shards written by array jobs"}},
      {"inspect",
       {dixc::app::run_inspect_command, "summary, consistency check (--verify) or comparison (--diff) of datasets"}},
  };
  return table;
}

void print_usage(std::ostream& out) {
  out << "dixc " << dixc::version_string
      << " - derivative-informed distillation of exchange-correlation functionals\n\n"
         "usage: dixc <command> [options]\n       dixc --help | --version\n\ncommands:\n";
  for (const auto& [name, command] : commands())
    out << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') << command.summary << "\n";
  out << "\nRun 'dixc <command> --help' for the options of a command. Units: Angstrom in XYZ input, atomic units "
         "(Hartree, Bohr) in all output unless a field name says otherwise.\n";
}

// Replaces this process by dixc-ml (next to this executable) with the same arguments; returns only on failure.
int exec_ml_executable(char** argv) {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  const auto ml_executable = (error ? std::filesystem::path(argv[0]) : self).parent_path() / "dixc-ml";
  ::execv(ml_executable.c_str(), argv);
  std::cerr << "dixc " << argv[1] << ": error: cannot run " << ml_executable.string() << " (" << std::strerror(errno)
            << "); this command needs the LibTorch build of dixc (configure with -DDIXC_WITH_TORCH=ON and build the "
               "dixc-ml target)\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  dixc::par::reexec_with_process_settings(argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(std::cerr);
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (args[0] == "--version") {
    std::cout << "dixc " << dixc::version_string << " (git " << dixc::git_hash << ")\n";
    const std::string blas_core = dixc::par::loaded_openblas_core();
    if (!blas_core.empty()) std::cout << "OpenBLAS kernels: " << blas_core << "\n";
    std::cout << "malloc huge pages: "
              << (dixc::par::malloc_huge_pages_requested(std::getenv("GLIBC_TUNABLES")) ? "requested" : "not requested")
              << " (transparent huge pages: " << dixc::par::transparent_huge_page_mode() << ")\n";
    return 0;
  }
  const auto it = commands().find(args[0]);
  if (it == commands().end()) {
    std::cerr << "dixc: unknown command '" << args[0] << "' (run 'dixc --help' for the list)\n";
    return 2;
  }
  configure_runtime();
  if (it->second.run == nullptr ||
      (!has_torch && args[0] == "scf" && dixc::app::scf_uses_learned_functional({args.begin() + 1, args.end()})))
    return exec_ml_executable(argv);
  // After the exec above (MPI must not be initialised in a process that replaces itself); one per process.
  dixc::par::Runtime runtime(&argc, &argv);
  try {
    return it->second.run(runtime, {args.begin() + 1, args.end()});
  } catch (const dixc::InputError& e) {
    std::cerr << "dixc " << args[0] << ": error: " << e.what() << std::endl;
    return runtime.fail(2);
  } catch (const dixc::ConvergenceError& e) {
    std::cerr << "dixc " << args[0] << ": error: " << e.what() << std::endl;
    return runtime.fail(3);
  } catch (const std::exception& e) {
    std::cerr << "dixc " << args[0] << ": internal error: " << e.what() << std::endl;
    return runtime.fail(1);
  }
}

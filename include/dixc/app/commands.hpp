#pragma once
// Subcommands of the dixc executable. Each takes the process's parallel runtime (made once in main) and the
// arguments after its name, and returns the exit code; errors propagate as exceptions to main(), which prints
// them and ends the job on every rank (par::Runtime::fail).
#include <string>
#include <vector>

#include "dixc/par/runtime.hpp"

namespace dixc::app {

int run_scf_command(par::Runtime& runtime, const std::vector<std::string>& args);
int run_generate_command(par::Runtime& runtime, const std::vector<std::string>& args);
int run_inspect_command(par::Runtime& runtime, const std::vector<std::string>& args);
int run_train_command(par::Runtime& runtime, const std::vector<std::string>& args);
int run_evaluate_command(par::Runtime& runtime, const std::vector<std::string>& args);
int run_merge_command(par::Runtime& runtime, const std::vector<std::string>& args);

}  // namespace dixc::app

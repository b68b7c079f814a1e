#pragma once
// Subcommands of the dixc executable. Each takes the arguments after its name and returns the exit code;
// errors propagate as exceptions to main(), which prints them.
#include <string>
#include <vector>

namespace dixc::app {

int run_scf_command(const std::vector<std::string>& args);
int run_generate_command(const std::vector<std::string>& args);
int run_inspect_command(const std::vector<std::string>& args);
int run_train_command(const std::vector<std::string>& args);
int run_evaluate_command(const std::vector<std::string>& args);
int run_merge_command(const std::vector<std::string>& args);

}  // namespace dixc::app

#pragma once
// Shared Boost.Program_options plumbing: every subcommand accepts --help and --config FILE (INI syntax,
// "key = value" with the long option names); values on the command line override the file.
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace dixc::app {

struct ParsedOptions {
  boost::program_options::variables_map values;
  bool help_requested = false;
  std::string help;  // the subcommand's options and the common ones, for --help
};

// Parses args against `options` (plus --help and --config) and `positional`. Throws dixc::InputError with the
// subcommand name for unknown options, bad values or an unreadable config file.
ParsedOptions parse_options(const std::string& command, const std::vector<std::string>& args,
                            const boost::program_options::options_description& options,
                            const boost::program_options::positional_options_description& positional);

}  // namespace dixc::app

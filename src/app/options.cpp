#include "dixc/app/options.hpp"

#include <fstream>
#include <sstream>

#include "dixc/util/error.hpp"

namespace po = boost::program_options;

namespace dixc::app {

ParsedOptions parse_options(const std::string& command, const std::vector<std::string>& args,
                            const po::options_description& options,
                            const po::positional_options_description& positional) {
  po::options_description common("Common options");
  common.add_options()("help,h", "show this help and exit")(
      "config", po::value<std::string>(), "read options from an INI file (command-line values take precedence)");
  po::options_description all;
  all.add(options).add(common);

  ParsedOptions parsed;
  std::ostringstream help;
  help << options << "\n" << common;
  parsed.help = help.str();
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), parsed.values);
    if (parsed.values.count("config")) {
      const std::string file = parsed.values["config"].as<std::string>();
      std::ifstream in(file);
      if (!in) throw InputError("dixc " + command + ": cannot open config file '" + file + "'");
      // Stored after the command line, so command-line values win.
      po::store(po::parse_config_file(in, options), parsed.values);
    }
    parsed.help_requested = parsed.values.count("help") > 0;
    if (!parsed.help_requested) po::notify(parsed.values);
  } catch (const po::error& e) {
    throw InputError("dixc " + command + ": " + e.what() + " (see 'dixc " + command + " --help')");
  }
  return parsed;
}

}  // namespace dixc::app

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
      "config", po::value<std::vector<std::string>>(),
      "read options from an INI file; repeatable: a later file overrides an earlier one (a base protocol, then "
      "the changes of one case), and command-line values override every file");
  po::options_description all;
  all.add(options).add(common);

  ParsedOptions parsed;
  std::ostringstream help;
  help << options << "\n" << common;
  parsed.help = help.str();
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), parsed.values);
    if (parsed.values.count("config")) {
      // po::store keeps the first value it stores: the command line first, then the files from the last to the
      // first, so that the command line wins and a later file overrides an earlier one.
      const auto& files = parsed.values["config"].as<std::vector<std::string>>();
      for (auto file = files.rbegin(); file != files.rend(); ++file) {
        std::ifstream in(*file);
        if (!in) throw InputError("cannot open config file '" + *file + "'");
        try {
          po::store(po::parse_config_file(in, options), parsed.values);
        } catch (const po::error& e) {
          throw InputError("config file '" + *file + "': " + e.what() + " (see 'dixc " + command + " --help')");
        }
      }
    }
    parsed.help_requested = parsed.values.count("help") > 0;
    if (!parsed.help_requested) po::notify(parsed.values);
  } catch (const po::error& e) {
    throw InputError(std::string(e.what()) + " (see 'dixc " + command + " --help')");
  }
  return parsed;
}

}  // namespace dixc::app

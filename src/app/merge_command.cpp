// dixc merge: combines dataset shards (array jobs) into one dataset, checking they were made alike.
#include <iostream>
#include <map>

#include "dixc/app/commands.hpp"
#include "dixc/app/options.hpp"
#include "dixc/data/attributes.hpp"
#include "dixc/data/dataset_reader.hpp"
#include "dixc/data/dataset_writer.hpp"
#include "dixc/data/schema.hpp"
#include "dixc/par/runtime.hpp"
#include "dixc/util/error.hpp"

namespace po = boost::program_options;

namespace dixc::app {

int run_merge_command(par::Runtime& runtime, const std::vector<std::string>& args) {
  po::options_description options(
      "usage: dixc merge SHARD.h5 [SHARD.h5 ...] -o DATA.h5\n\n"
      "Appends the committed molecules of every shard to DATA.h5 (created if missing). All shards must have been\n"
      "made with the same settings (functional, basis, grid, thresholds, seed...); a molecule present twice is\n"
      "kept once. Rerunning after an interruption continues where it stopped.\n\nOptions");
  options.add_options()("shards", po::value<std::vector<std::string>>()->multitoken(), "shard datasets")(
      "output,o", po::value<std::string>()->required(), "merged dataset");
  po::positional_options_description positional;
  positional.add("shards", -1);
  const auto parsed = parse_options("merge", args, options, positional);
  if (parsed.help_requested) {
    std::cout << parsed.help << "\n";
    return 0;
  }
  const auto& vm = parsed.values;
  if (!vm.count("shards")) throw InputError("no shard files given (see 'dixc merge --help')");
  const auto shards = vm["shards"].as<std::vector<std::string>>();
  if (runtime.size() != 1) throw InputError("dixc merge runs on one rank");

  std::map<std::string, std::string> attributes;
  {
    const data::DatasetReader first(shards.front());
    attributes = first.attributes();
    attributes.erase("schema_version");
  }
  // The writer refuses an existing output made with other settings; shards are checked against the first.
  data::DatasetWriter writer(vm["output"].as<std::string>(), runtime.world(), attributes);
  std::size_t added = 0;
  for (const auto& path : shards) {
    const data::DatasetReader shard(path);
    for (const auto& [key, value] : attributes) {
      if (data::is_provenance_attribute(key)) continue;
      const auto it = shard.attributes().find(key);
      if (it == shard.attributes().end() || it->second != value)
        throw InputError(path + ": made with different settings than " + shards.front() + " (" + key + ")");
    }
    std::vector<data::MoleculeRecord> batch;
    for (std::size_t row = 0; row < shard.size(); ++row) {
      // A shard's names are unique and each shard's batches are appended before the next one: committed() knows
      // every name added so far.
      if (writer.committed().count(shard.names()[row])) continue;
      batch.push_back(shard.read(row));
      if (batch.size() == 32) {
        writer.append(batch);
        added += batch.size();
        batch.clear();
      }
    }
    writer.append(batch);
    added += batch.size();
    std::cout << path << ": " << shard.size() << " molecules\n";
  }
  std::cout << "dixc merge: added " << added << " molecules; " << writer.committed().size() << " in "
            << vm["output"].as<std::string>() << "\n";
  return 0;
}

}  // namespace dixc::app

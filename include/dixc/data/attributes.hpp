#pragma once
// File-level attributes of a dataset (strings): the reference method and settings every molecule of a dataset
// shares, and where the file came from (docs/dataset.md).
#include <map>
#include <string>

namespace dixc::data {

namespace attribute {
inline constexpr char functional[] = "functional", basis[] = "basis", grid[] = "grid";
inline constexpr char energy_threshold[] = "energy_threshold", gradient_threshold[] = "gradient_threshold";
inline constexpr char max_iter[] = "max_iter", n_roots[] = "n_roots", n_dir[] = "n_dir", seed[] = "seed";
inline constexpr char units[] = "units";
inline constexpr char dixc_version[] = "dixc_version", git_hash[] = "git_hash", created[] = "created";
}  // namespace attribute

// Provenance (created, dixc_version, git_hash): may differ between shards and runs that make one dataset.
bool is_provenance_attribute(const std::string& name);

// The attribute `name` of the dataset `file`; InputError naming both when it is missing.
const std::string& required_attribute(const std::map<std::string, std::string>& attributes, const std::string& name,
                                      const std::string& file);

}  // namespace dixc::data

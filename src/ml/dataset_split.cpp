#include "dixc/ml/dataset_split.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "dixc/data/attributes.hpp"
#include "dixc/util/stable_hash.hpp"

namespace dixc::ml {

std::string parent_name(const std::string& name) {
  const auto pos = name.rfind("_r");
  if (pos == std::string::npos || pos + 2 >= name.size()) return name;
  for (std::size_t i = pos + 2; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return name;
  return name.substr(0, pos);
}

DatasetSplit::DatasetSplit(const std::vector<std::string>& names, std::uint64_t seed, double validation_fraction,
                           double test_fraction) {
  if (!(validation_fraction >= 0.0 && test_fraction >= 0.0 && validation_fraction + test_fraction < 1.0))
    throw std::invalid_argument("validation and test fractions must be >= 0 with a sum below 1");
  std::vector<std::pair<std::uint64_t, std::string>> parents;
  for (const auto& n : names) parents.emplace_back(0, parent_name(n));
  std::sort(parents.begin(), parents.end());
  parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
  for (auto& [key, parent] : parents) key = stable_hash(std::to_string(seed) + ":" + parent);
  std::sort(parents.begin(), parents.end());  // by seeded hash, ties by name

  const std::size_t n = parents.size();
  auto share = [n](double fraction) {
    const auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
    return fraction > 0.0 && n >= 3 ? std::max<std::size_t>(k, 1) : k;
  };
  std::size_t n_test = share(test_fraction), n_val = share(validation_fraction);
  while (n > 0 && n_test + n_val >= n) (n_val > 0 ? n_val : n_test) -= 1;
  for (std::size_t i = 0; i < n; ++i)
    split_of_parent_[parents[i].second] = i < n_test           ? Split::test
                                          : i < n_test + n_val ? Split::validation
                                                               : Split::train;
}

Split DatasetSplit::of(const std::string& name) const { return split_of_parent_.at(parent_name(name)); }

std::vector<std::string> DatasetSplit::select(const std::vector<std::string>& names, Split split) const {
  std::vector<std::string> out;
  for (const auto& name : names)
    if (of(name) == split) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t DatasetSplit::parent_count(Split split) const {
  return static_cast<std::size_t>(std::count_if(split_of_parent_.begin(), split_of_parent_.end(),
                                                [split](const auto& entry) { return entry.second == split; }));
}

std::string dataset_fingerprint(const std::map<std::string, std::string>& attributes,
                                const std::vector<std::string>& train_names) {
  std::ostringstream fp;
  for (const auto& [k, v] : attributes)
    if (k != data::attribute::created) fp << k << "=" << v << ";";
  for (const auto& n : train_names) fp << n << ";";
  return std::to_string(stable_hash(fp.str()));
}

}  // namespace dixc::ml

#include "dixc/data/attributes.hpp"

#include "dixc/util/error.hpp"

namespace dixc::data {

bool is_provenance_attribute(const std::string& name) {
  return name == attribute::created || name == attribute::dixc_version || name == attribute::git_hash;
}

const std::string& required_attribute(const std::map<std::string, std::string>& attributes, const std::string& name,
                                      const std::string& file) {
  const auto it = attributes.find(name);
  if (it == attributes.end())
    throw InputError(file + ": the dataset has no '" + name + "' attribute (not written by dixc generate?)");
  return it->second;
}

}  // namespace dixc::data

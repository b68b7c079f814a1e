#pragma once
// Train/validation/test split by parent molecule. Rattled conformers ("<name>_r<k>") follow their parent, so no
// conformer of a held-out molecule is trained on. The parents are ordered by a seeded hash of their names and cut
// at fixed shares, so a 0.2 test fraction holds out a fifth of the parents whatever the hash values are, and the
// split depends only on the set of names (not on rank count or dataset order).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dixc::ml {

enum class Split { train, validation, test };

// "CH4_r2" -> "CH4"; names without a rattle suffix are their own parent.
std::string parent_name(const std::string& name);

class DatasetSplit {
 public:
  // names: every molecule that takes part (duplicates allowed). Fractions in [0, 1) with a sum below 1. Each
  // non-zero fraction gets at least one parent when there are three or more parents; the training share always
  // keeps at least one.
  DatasetSplit(const std::vector<std::string>& names, std::uint64_t seed, double validation_fraction,
               double test_fraction);

  // Throws std::out_of_range for a name whose parent was not among the constructor's names.
  Split of(const std::string& name) const;
  // The names of `names` that fall in `split`, sorted.
  std::vector<std::string> select(const std::vector<std::string>& names, Split split) const;
  std::size_t parent_count(Split split) const;

 private:
  std::map<std::string, Split> split_of_parent_;
};

// Identifies the data a model was trained on: dataset attributes (except the creation time) and training names.
std::string dataset_fingerprint(const std::map<std::string, std::string>& attributes,
                                const std::vector<std::string>& train_names);

}  // namespace dixc::ml

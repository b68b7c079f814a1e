#pragma once
// Which held-out molecules contain an element that training barely has. A model's error on such a molecule says
// little about how well it learned the functional: its atom-level inputs there lie outside what training covered
// (docs/results.md: on the G2 benchmark's split seed 12, boron in no training parent, phosphorus and sodium in one,
// those molecules carried the non-local DI model's energy error). Counted in parent molecules, since the rattled
// conformers of one parent add no new chemistry.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dixc/ml/dataset_split.hpp"

namespace dixc::ml {

// A held-out molecule's elements are well covered when each lies in at least this many training parents.
inline constexpr std::size_t well_covered_parents = 2;

struct RareElement {
  int z = 0;
  std::size_t training_parents = 0;
};

class ElementCoverage {
 public:
  // names[i] has the formula formulas[i] (dataset index column, e.g. "CH3Cl"); every name must be one the split
  // was built from. Throws InputError quoting a formula that is not element symbols with counts.
  ElementCoverage(const std::vector<std::string>& names, const std::vector<std::string>& formulas,
                  const DatasetSplit& split);

  // How many training parents contain the element.
  std::size_t training_parents(int z) const;
  // The elements of `formula` (in increasing Z) that fewer than `min_parents` training parents contain.
  std::vector<RareElement> rare_elements(const std::string& formula,
                                         std::size_t min_parents = well_covered_parents) const;

 private:
  std::map<int, std::size_t> training_parents_;
};

// "B in 0 training parents, P in 1 training parent"; empty for no rare elements.
std::string describe(const std::vector<RareElement>& rare);

// The held-out (validation and test) parents with rare elements, one per line as "  test BCl3: B in 0 training
// parents"; empty when every held-out element is well covered.
std::string rare_element_report(const std::vector<std::string>& names, const std::vector<std::string>& formulas,
                                const DatasetSplit& split, std::size_t min_parents = well_covered_parents);

// Up to `count` split seeds in [0, max_seed) (in increasing order) whose split of `names` with these fractions
// leaves every held-out element in at least `min_parents` training parents.
std::vector<std::uint64_t> covering_split_seeds(const std::vector<std::string>& names,
                                                const std::vector<std::string>& formulas, double validation_fraction,
                                                double test_fraction, std::size_t count,
                                                std::size_t min_parents = well_covered_parents,
                                                std::uint64_t max_seed = 10000);

}  // namespace dixc::ml

#include "dixc/ml/element_coverage.hpp"

#include <set>
#include <sstream>

#include "dixc/chem/element.hpp"
#include "dixc/chem/molecule.hpp"

namespace dixc::ml {

namespace {

// Each parent's elements (from the formula of any of its conformers: they share it).
std::map<std::string, std::set<int>> elements_by_parent(const std::vector<std::string>& names,
                                                        const std::vector<std::string>& formulas) {
  if (names.size() != formulas.size()) throw std::invalid_argument("element coverage: one formula per name");
  std::map<std::string, std::set<int>> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto [it, inserted] = out.try_emplace(parent_name(names[i]));
    if (!inserted) continue;
    for (const int z : chem::atomic_numbers_in_formula(formulas[i])) it->second.insert(z);
  }
  return out;
}

std::map<int, std::size_t> count_training_parents(const std::map<std::string, std::set<int>>& elements,
                                                  const DatasetSplit& split) {
  std::map<int, std::size_t> count;
  for (const auto& [parent, zs] : elements)
    if (split.of(parent) == Split::train)
      for (const int z : zs) ++count[z];
  return count;
}

std::vector<RareElement> rare_of(const std::set<int>& zs, const std::map<int, std::size_t>& count,
                                 std::size_t min_parents) {
  std::vector<RareElement> rare;
  for (const int z : zs) {
    const auto it = count.find(z);
    const std::size_t n = it == count.end() ? 0 : it->second;
    if (n < min_parents) rare.push_back({z, n});
  }
  return rare;
}

}  // namespace

ElementCoverage::ElementCoverage(const std::vector<std::string>& names, const std::vector<std::string>& formulas,
                                 const DatasetSplit& split)
    : training_parents_(count_training_parents(elements_by_parent(names, formulas), split)) {}

std::size_t ElementCoverage::training_parents(int z) const {
  const auto it = training_parents_.find(z);
  return it == training_parents_.end() ? 0 : it->second;
}

std::vector<RareElement> ElementCoverage::rare_elements(const std::string& formula, std::size_t min_parents) const {
  const auto zs = chem::atomic_numbers_in_formula(formula);
  return rare_of(std::set<int>(zs.begin(), zs.end()), training_parents_, min_parents);
}

std::string describe(const std::vector<RareElement>& rare) {
  std::ostringstream out;
  for (std::size_t i = 0; i < rare.size(); ++i)
    out << (i ? ", " : "") << chem::element_by_number(rare[i].z).symbol << " in " << rare[i].training_parents
        << " training parent" << (rare[i].training_parents == 1 ? "" : "s");
  return out.str();
}

std::string rare_element_report(const std::vector<std::string>& names, const std::vector<std::string>& formulas,
                                const DatasetSplit& split, std::size_t min_parents) {
  const auto elements = elements_by_parent(names, formulas);
  const auto count = count_training_parents(elements, split);
  std::ostringstream out;
  for (const Split held_out : {Split::test, Split::validation})
    for (const auto& [parent, zs] : elements)
      if (split.of(parent) == held_out)
        if (const auto rare = rare_of(zs, count, min_parents); !rare.empty())
          out << "  " << (held_out == Split::test ? "test " : "validation ") << parent << ": " << describe(rare)
              << "\n";
  return out.str();
}

std::vector<std::uint64_t> covering_split_seeds(const std::vector<std::string>& names,
                                                const std::vector<std::string>& formulas, double validation_fraction,
                                                double test_fraction, std::size_t count, std::size_t min_parents,
                                                std::uint64_t max_seed) {
  const auto elements = elements_by_parent(names, formulas);
  std::vector<std::string> parents;  // the split depends only on the parents
  for (const auto& [parent, zs] : elements) parents.push_back(parent);
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = 0; seed < max_seed && seeds.size() < count; ++seed) {
    const DatasetSplit split(parents, seed, validation_fraction, test_fraction);
    const auto n = count_training_parents(elements, split);
    bool covered = true;
    for (const auto& [parent, zs] : elements)
      if (split.of(parent) != Split::train && !rare_of(zs, n, min_parents).empty()) {
        covered = false;
        break;
      }
    if (covered) seeds.push_back(seed);
  }
  return seeds;
}

}  // namespace dixc::ml

#include "dixc/ml/training_molecules.hpp"

#include <algorithm>
#include <chrono>

#include "dixc/data/attributes.hpp"

namespace dixc::ml {

namespace {
// Points per chunk of the MO-basis assembly, which keeps its (directions x 4 x points x occupied) temporaries to a
// few MiB; the model itself sees up to --chunk-points points per call (several chunks).
constexpr std::size_t assembly_chunk_points = 4096;
}  // namespace

std::size_t TrainingMolecule::bytes() const {
  // targets without their grid chunks (cleared once the features are built)
  return features.bytes() + targets.bytes() + (self_consistent ? self_consistent->bytes() : 0);
}

TrainingMolecule load_training_molecule(const data::MoleculeRecord& record, const std::string& basis,
                                        const std::string& grid, std::size_t chunk_points, ResponseOrder order,
                                        bool self_consistent) {
  TrainingMolecule t{load_molecule_tensors(record, basis, grid, assembly_chunk_points), {}, nullptr};
  t.features = build_reference_features(t.targets, chunk_points, order);
  if (self_consistent)
    t.self_consistent = std::make_shared<const SelfConsistentMolecule>(record, t.targets, basis, grid);
  t.targets.chunks.clear();
  return t;
}

TrainingMolecules::TrainingMolecules(const data::DatasetReader& dataset, std::vector<std::size_t> keys,
                                     std::vector<std::string> names, std::size_t chunk_points, std::size_t budget_bytes,
                                     ResponseOrder order, std::size_t added_bytes_per_point, bool self_consistent)
    : dataset_(dataset),
      order_(order),
      self_consistent_(self_consistent),
      basis_(dataset.attribute(data::attribute::basis)),
      grid_(dataset.attribute(data::attribute::grid)),
      keys_(std::move(keys)),
      chunk_points_(chunk_points),
      budget_bytes_(budget_bytes),
      added_bytes_per_point_(added_bytes_per_point) {
  for (std::size_t i = 0; i < keys_.size(); ++i) index_[keys_[i]] = names.at(i);
}

std::size_t TrainingMolecules::counted_bytes(const TrainingMolecule& t) const {
  const bool added = !t.features.separable_cache.empty();
  return t.bytes() + (added ? 0 : added_bytes_per_point_ * t.features.n_points());
}

void TrainingMolecules::recount() {
  kept_bytes_ = 0;
  for (const auto& [key, t] : kept_) kept_bytes_ += counted_bytes(t);
  for (const auto& [key, responses] : dropped_base_responses_)
    for (const auto& [name, r] : responses) kept_bytes_ += r.bytes();
  const std::size_t transient_bytes = transient_ ? counted_bytes(*transient_) : 0;
  peak_bytes_ = std::max(peak_bytes_, kept_bytes_ + transient_bytes);
}

const TrainingMolecule& TrainingMolecules::get(std::size_t key) {
  recount();
  if (auto it = kept_.find(key); it != kept_.end()) return it->second;
  if (transient_ && transient_key_ == key) return *transient_;
  drop_transient();  // at most one molecule beyond the resident set, also while the next one is built
  const std::string& name = index_.at(key);
  const auto start = std::chrono::steady_clock::now();
  TrainingMolecule t = load_training_molecule(dataset_.read(*dataset_.find(name)), basis_, grid_, chunk_points_, order_,
                                              self_consistent_);
  load_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++loads_;
  if (auto it = dropped_base_responses_.find(key); it != dropped_base_responses_.end()) {
    t.features.base_responses = std::move(it->second);
    dropped_base_responses_.erase(it);
    ++reused_base_responses_;
  }
  const std::size_t bytes = counted_bytes(t);
  peak_bytes_ = std::max(peak_bytes_, kept_bytes_ + bytes);
  if (fits(bytes)) {
    kept_bytes_ += bytes;
    return kept_.emplace(key, std::move(t)).first->second;
  }
  transient_key_ = key;
  transient_.emplace(std::move(t));
  return *transient_;
}

void TrainingMolecules::drop_transient() {
  if (!transient_) return;
  if (!transient_->features.base_responses.empty())
    dropped_base_responses_[transient_key_] = std::move(transient_->features.base_responses);
  transient_.reset();
}

void TrainingMolecules::load_resident(const std::function<bool()>& stop) {
  for (const std::size_t key : keys_) {
    if (stop && stop()) return;
    get(key);
    if (!kept_.count(key)) return;  // the first molecule that does not fit
  }
}

}  // namespace dixc::ml

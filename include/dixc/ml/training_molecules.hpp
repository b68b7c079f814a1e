#pragma once
// The training molecules of one rank under a memory budget. A molecule's DI-Loss needs its targets and its fixed
// reference features (ReferenceFeatures: orbitals on the grid and the first-order features of every direction),
// about 4 x points x (orbitals + directions x occupied) doubles. A molecule that fits in `budget_bytes` when it is
// first loaded stays resident; the others are rebuilt from the dataset (grid, AO values, GEMMs) whenever they are
// used, one at a time in a single transient slot. Memory per rank stays bounded whatever the dataset size
// (resident set plus one molecule), and each epoch rebuilds exactly the molecules that do not fit: a least-
// recently-used cache would rebuild far more under the shuffled order of training (measured: ~29 rebuilds per
// epoch for a set a few molecules over budget). What the loss adds to a rebuilt molecule's features and is small,
// its model base's response (E, g, H v_k; ReferenceFeatures::base_responses), is kept when the molecule is dropped
// and handed to its next rebuild, so that each epoch does not recompute it (a Hessian-order pass over the grid).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dixc/data/dataset_reader.hpp"
#include "dixc/ml/molecule_tensors.hpp"
#include "dixc/ml/reference_features.hpp"
#include "dixc/ml/self_consistent_loss.hpp"

namespace dixc::ml {

struct TrainingMolecule {
  MoleculeTensors targets;  // AO values dropped once the features are built
  ReferenceFeatures features;
  // The self-consistent modes' data (AO values kept, self_consistent_loss.hpp); null for the others.
  std::shared_ptr<const SelfConsistentMolecule> self_consistent;
  std::size_t bytes() const;
};

// Loads one dataset molecule for training (with its self-consistent data when `self_consistent`); throws
// InputError naming it when it cannot be used.
TrainingMolecule load_training_molecule(const data::MoleculeRecord& record, const std::string& basis,
                                        const std::string& grid, std::size_t chunk_points, ResponseOrder order,
                                        bool self_consistent = false);

class TrainingMolecules {
 public:
  // `names`: this rank's molecules, identified by their position in the caller's list (`keys`).
  // `added_bytes_per_point`: what the loss adds to a molecule's features on first use (a separable model's maps,
  // separable_bytes_per_point), counted from loading on so that the budget holds.
  TrainingMolecules(const data::DatasetReader& dataset, std::vector<std::size_t> keys, std::vector<std::string> names,
                    std::size_t chunk_points, std::size_t budget_bytes, ResponseOrder order,
                    std::size_t added_bytes_per_point = 0, bool self_consistent = false);

  bool contains(std::size_t key) const { return index_.count(key) > 0; }
  const std::vector<std::size_t>& keys() const { return keys_; }
  std::size_t size() const { return keys_.size(); }
  // The molecule, loaded if it is not resident (the previous transient molecule is dropped first). The reference
  // stays valid until the next get().
  const TrainingMolecule& get(std::size_t key);
  // Loads molecules in the order of the keys given while they fit (so that training starts with the resident set in
  // memory). Between molecules it asks `stop` (if given) and returns at once when that says so (a job asked to end
  // while loading).
  void load_resident(const std::function<bool()>& stop = {});

  std::size_t kept_bytes() const { return kept_bytes_; }  // of the resident molecules
  std::size_t peak_bytes() const { return peak_bytes_; }  // resident plus transient
  std::size_t loads() const { return loads_; }            // molecules built, first loads included
  double load_seconds() const { return load_seconds_; }   // wall time spent building them
  std::size_t resident_count() const { return kept_.size(); }
  std::size_t reused_base_responses() const { return reused_base_responses_; }  // rebuilds that found them kept

 private:
  // Kept molecules grow after loading (the DI-Loss keeps a separable model's maps with the features on first use),
  // so their bytes are recounted at every get() rather than fixed at load.
  void recount();
  bool fits(std::size_t bytes) const { return kept_bytes_ + bytes <= budget_bytes_; }
  std::size_t counted_bytes(const TrainingMolecule& t) const;
  const data::DatasetReader& dataset_;
  ResponseOrder order_;
  bool self_consistent_;
  std::string basis_, grid_;
  std::vector<std::size_t> keys_;
  std::map<std::size_t, std::string> index_;  // key -> molecule name
  std::size_t chunk_points_, budget_bytes_, added_bytes_per_point_;
  std::map<std::size_t, TrainingMolecule> kept_;  // resident
  std::optional<TrainingMolecule> transient_;
  std::size_t transient_key_ = 0;
  // The base responses of dropped transient molecules, by key (counted in kept_bytes_).
  std::map<std::size_t, std::map<std::string, FixedResponse>> dropped_base_responses_;
  void drop_transient();
  std::size_t kept_bytes_ = 0, peak_bytes_ = 0, loads_ = 0, reused_base_responses_ = 0;
  double load_seconds_ = 0.0;
};

}  // namespace dixc::ml

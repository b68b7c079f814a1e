// The fingerprint of a run's batches that a resumed run must match (workflow/training_checkpoint.hpp): it follows
// the groups, their order, the groups per batch and the seed, and not the ranks that own the molecules.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dixc/par/batch_schedule.hpp"
#include "dixc/workflow/training_checkpoint.hpp"

namespace dixc {
namespace {

const std::vector<std::string> names = {"H2O", "H2O_r1", "CH4", "CH4_r1", "NH3", "NH3_r1"};
const std::vector<double> cost = {3, 3, 5, 5, 4, 4};
const std::vector<std::size_t> family = {0, 0, 1, 1, 2, 2};

TEST(BatchFingerprint, SameBatchesOnAnyRankCount) {
  const auto on_two = par::balanced_batches(cost, family, 2, 4, 2);
  const auto on_one = par::balanced_batches(cost, family, 2, 4, 1);
  ASSERT_NE(on_two.owner, on_one.owner);  // the owners differ, the batches do not
  EXPECT_EQ(workflow::batch_fingerprint(on_two, names, 5), workflow::batch_fingerprint(on_one, names, 5));
}

TEST(BatchFingerprint, ChangesWithSeedGroupsAndBatchSize) {
  const auto schedule = par::balanced_batches(cost, family, 2, 4, 2);
  const std::string fingerprint = workflow::batch_fingerprint(schedule, names, 5);
  EXPECT_NE(fingerprint, workflow::batch_fingerprint(schedule, names, 6));
  // Other groups: the estimate ranks the molecules differently (e.g. another cost model).
  const std::vector<double> other_cost = {5, 5, 3, 3, 4, 4};
  EXPECT_NE(fingerprint, workflow::batch_fingerprint(par::balanced_batches(other_cost, family, 2, 4, 2), names, 5));
  // The same groups, one per batch.
  EXPECT_NE(fingerprint, workflow::batch_fingerprint(par::balanced_batches(cost, family, 2, 2, 2), names, 5));
  // The same item indices, other molecules.
  std::vector<std::string> renamed = names;
  renamed[0] = "HOOH";
  EXPECT_NE(fingerprint, workflow::batch_fingerprint(schedule, renamed, 5));
}

}  // namespace
}  // namespace dixc

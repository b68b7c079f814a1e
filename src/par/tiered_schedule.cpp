#include "dixc/par/tiered_schedule.hpp"

#include <stdexcept>

namespace dixc::par {

TieredSchedule::TieredSchedule(MPI_Comm world, long n_large, long n_total, int large_team_size, int small_team_size)
    : n_large_(n_large), n_total_(n_total), in_large_tier_(n_large > 0) {
  if (large_team_size < 1 || small_team_size < 1 || n_large < 0 || n_large > n_total)
    throw std::invalid_argument("TieredSchedule: team sizes must be >= 1 and 0 <= n_large <= n_total");
  const int rank = rank_of(world);
  MPI_Comm_split(world, rank / large_team_size, rank, &large_team_);
  MPI_Comm_split(world, rank / small_team_size, rank, &small_team_);
  large_counter_ = std::make_unique<WorkCounter>(world);
  small_counter_ = std::make_unique<WorkCounter>(world);
}

TieredSchedule::~TieredSchedule() {
  large_counter_.reset();
  small_counter_.reset();
  MPI_Comm_free(&large_team_);
  MPI_Comm_free(&small_team_);
}

long TieredSchedule::next(bool want_more) {
  while (true) {
    long index = kEndOfRound;
    if (leader() && want_more) {
      index = in_large_tier_ ? large_counter_->next() : n_large_ + small_counter_->next();
      const long end = in_large_tier_ ? n_large_ : n_total_;
      if (index >= end) index = kExhausted;
    }
    MPI_Bcast(&index, 1, MPI_LONG, 0, team());
    if (index != kExhausted || !in_large_tier_) return index;
    in_large_tier_ = false;  // this team's large items are done: continue with the small ones
  }
}

}  // namespace dixc::par

#pragma once
// Dynamic work distribution in two tiers. Items 0 .. n_large-1 (the largest, as the caller orders them) go to teams of
// `large_team_size` ranks that solve one item together; the remaining items go to teams of `small_team_size` ranks
// (usually 1). A team moves on to the small items as soon as no large item is left for it, so no rank waits for another
// tier. Within a team, the leader draws items from a shared counter and decides when a round ends; the others follow by
// broadcast, so all members always agree.
#include <mpi.h>

#include <memory>

#include "dixc/par/mpi_environment.hpp"

namespace dixc::par {

class TieredSchedule {
 public:
  // Collective over `world`. Teams are blocks of consecutive ranks; the last team of a tier is smaller when its size
  // does not divide the rank count.
  TieredSchedule(MPI_Comm world, long n_large, long n_total, int large_team_size, int small_team_size);
  ~TieredSchedule();
  TieredSchedule(const TieredSchedule&) = delete;
  TieredSchedule& operator=(const TieredSchedule&) = delete;

  static constexpr long kEndOfRound = -2;
  static constexpr long kExhausted = -1;

  // The next item for this rank's current team, kEndOfRound when the team leader (with want_more false) ends the round,
  // or kExhausted when nothing is left. Collective over the current team; `want_more` counts only on the leader.
  long next(bool want_more);

  // The team that the last item returned by next() belongs to, and whether this rank leads it.
  MPI_Comm team() const { return in_large_tier_ ? large_team_ : small_team_; }
  bool in_large_tier() const { return in_large_tier_; }
  bool leader() const { return rank_of(team()) == 0; }
  MPI_Comm large_team() const { return large_team_; }
  MPI_Comm small_team() const { return small_team_; }

 private:
  long n_large_, n_total_;
  MPI_Comm large_team_ = MPI_COMM_NULL, small_team_ = MPI_COMM_NULL;
  std::unique_ptr<WorkCounter> large_counter_, small_counter_;
  bool in_large_tier_;
};

}  // namespace dixc::par

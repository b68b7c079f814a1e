#pragma once
// SIGTERM / SIGUSR1 as a request to stop cleanly (a batch job near its time limit: SLURM's --signal, or
// scancel): the handler only records the signal; long-running work polls requested() at safe points (a
// committed molecule, a training step), agrees over its ranks, saves and returns. One process-wide state, made
// by the command that wants it (library code never installs handlers itself).
#include <csignal>

namespace dixc::par {

class StopSignal {
 public:
  // Installs the handlers for SIGTERM and SIGUSR1 (idempotent).
  StopSignal();
  // The signal received so far, 0 if none.
  int requested() const;
};

}  // namespace dixc::par

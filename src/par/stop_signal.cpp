#include "dixc/par/stop_signal.hpp"

namespace dixc::par {

namespace {

volatile std::sig_atomic_t g_signal = 0;
extern "C" void record_signal(int sig) { g_signal = sig; }

}  // namespace

StopSignal::StopSignal() {
  std::signal(SIGTERM, record_signal);
  std::signal(SIGUSR1, record_signal);
}

int StopSignal::requested() const { return static_cast<int>(g_signal); }

}  // namespace dixc::par

#pragma once
// An exponential moving average of the parameters over the optimiser steps (Polyak averaging; docs/theory.md
// section 4), used by `dixc train --ema` for validation, the choice of the best epoch and the exported model:
//   avg_t = d_t avg_{t-1} + (1 - d_t) theta_t,   d_t = min(d, (1 + t) / (10 + t)),
// t the number of earlier updates and avg_0 the parameters before the first step. The ramp d_t lets the average
// forget the starting point early in a run (after t steps it spans roughly the last t/9 steps) until it reaches
// d (a window of ~1/(1 - d) steps). The same on every rank: it only reads the ranks' identical parameters.
#include <filesystem>
#include <vector>

#include <torch/torch.h>

namespace dixc::ml {

class ParameterAverage {
 public:
  // Starts at the current values of `params`; decay d in (0, 1).
  ParameterAverage(double decay, const std::vector<torch::Tensor>& params);

  // One optimiser step later: avg <- d_t avg + (1 - d_t) params.
  void update(const std::vector<torch::Tensor>& params);

  // Exchanges the averaged and the live values in place (a second call restores the live ones).
  void swap(const std::vector<torch::Tensor>& params);

  double decay() const { return decay_; }
  long long updates() const { return updates_; }
  double next_decay() const;  // d_t of the next update

  // The average, its decay and update count in one file; load throws InputError naming the file for a file of
  // another layout or decay.
  void save(const std::filesystem::path& file) const;
  void load(const std::filesystem::path& file);

 private:
  double decay_;
  long long updates_ = 0;
  std::vector<torch::Tensor> average_;
};

}  // namespace dixc::ml

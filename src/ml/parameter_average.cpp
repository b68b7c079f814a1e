#include "dixc/ml/parameter_average.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "dixc/util/error.hpp"

namespace dixc::ml {

ParameterAverage::ParameterAverage(double decay, const std::vector<torch::Tensor>& params) : decay_(decay) {
  if (!(decay > 0.0 && decay < 1.0))
    throw InputError("--ema must be a decay between 0 and 1 (e.g. 0.98: a window of ~50 steps), or 0 for off");
  torch::NoGradGuard no_grad;
  for (const auto& p : params) average_.push_back(p.detach().clone());
}

double ParameterAverage::next_decay() const {
  const double t = static_cast<double>(updates_);
  return std::min(decay_, (1.0 + t) / (10.0 + t));
}

void ParameterAverage::update(const std::vector<torch::Tensor>& params) {
  const double d = next_decay();
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params.size(); ++i) average_[i].mul_(d).add_(params[i].detach(), 1.0 - d);
  ++updates_;
}

void ParameterAverage::swap(const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const torch::Tensor live = params[i].detach().clone();
    params[i].copy_(average_[i]);
    average_[i].copy_(live);
  }
}

void ParameterAverage::save(const std::filesystem::path& file) const {
  std::vector<torch::Tensor> tensors = average_;
  tensors.push_back(torch::tensor({decay_, static_cast<double>(updates_)}, torch::kDouble));
  torch::save(tensors, file.string());
}

void ParameterAverage::load(const std::filesystem::path& file) {
  std::vector<torch::Tensor> tensors;
  torch::load(tensors, file.string());
  const bool same_layout =
      tensors.size() == average_.size() + 1 && tensors.back().numel() == 2 &&
      std::equal(average_.begin(), average_.end(), tensors.begin(),
                 [](const torch::Tensor& a, const torch::Tensor& b) { return a.sizes() == b.sizes(); });
  if (!same_layout) throw InputError(file.string() + ": parameter average of another model layout");
  const double saved_decay = tensors.back()[0].item<double>();
  if (saved_decay != decay_) {
    std::ostringstream text;
    text << file.string() << ": this run was started with --ema " << saved_decay << "; resume it with --ema "
         << saved_decay << ", or start a new run in another -o directory";
    throw InputError(text.str());
  }
  updates_ = std::llround(tensors.back()[1].item<double>());
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < average_.size(); ++i) average_[i].copy_(tensors[i]);
}

}  // namespace dixc::ml

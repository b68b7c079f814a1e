#include "dixc/ml/models.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "dixc/ml/model_sources.hpp"
#include "dixc/util/error.hpp"
#include "dixc/version.hpp"

namespace dixc::ml {

namespace {

struct ParameterFactory {
  at::Generator gen;
  torch::jit::Module& module;
  // Weight (in x out) with Glorot-uniform scale; bias zero.
  void linear(const std::string& w, const std::string& b, std::int64_t in, std::int64_t out, bool zero = false) {
    const double limit = std::sqrt(6.0 / static_cast<double>(in + out));
    torch::Tensor weight = zero ? torch::zeros({in, out}, torch::kDouble)
                                : (torch::rand({in, out}, gen, torch::kDouble) * 2.0 - 1.0) * limit;
    module.register_parameter(w, weight.requires_grad_(true), false);
    module.register_parameter(b, torch::zeros({out}, torch::kDouble).requires_grad_(true), false);
  }
  void mlp(const std::string& prefix, std::int64_t in, std::int64_t hidden, std::int64_t out) {
    linear("w" + prefix + "1", "b" + prefix + "1", in, hidden);
    linear("w" + prefix + "2", "b" + prefix + "2", hidden, hidden);
    linear("w" + prefix + "3", "b" + prefix + "3", hidden, out, true);
  }
};

// The parameter-free reference functionals have no learned networks (and no hidden width).
bool is_learned_architecture(const std::string& architecture) {
  return !architecture.empty() && architecture != "pbe" && architecture != "blyp";
}

}  // namespace

const std::vector<std::string>& model_names() {
  static const std::vector<std::string> names = {"gga-mlp", "mgga-mlp", "xcdiff", "nonlocal", "pbe", "blyp"};
  return names;
}

int default_hidden_width(const std::string& architecture) { return architecture == "xcdiff" ? 24 : 32; }

torch::jit::Module make_model(const std::string& architecture, std::uint64_t seed, int hidden) {
  if (hidden < 0 || hidden > 4096)
    throw InputError("hidden width " + std::to_string(hidden) + " out of range (1 to 4096, or 0 for the default)");
  const std::int64_t h = hidden > 0 ? hidden : default_hidden_width(architecture);
  const std::int64_t atom_h = std::max<std::int64_t>(4, h / 2);  // the non-local model's atom networks
  torch::jit::Module m("dixc_" + std::string(architecture == "gga-mlp"    ? "gga_mlp"
                                             : architecture == "mgga-mlp" ? "mgga_mlp"
                                                                          : architecture));
  ParameterFactory p{at::detail::createCPUGenerator(seed), m};
  const std::string* body = nullptr;
  bool nonlocal = false;
  const bool learned = is_learned_architecture(architecture);
  if (architecture == "pbe") {
    body = &pbe_model_source();
  } else if (architecture == "blyp") {
    body = &blyp_model_source();
  } else if (architecture == "gga-mlp") {
    p.mlp("", 2, h, 2);
    body = &gga_mlp_source();
  } else if (architecture == "mgga-mlp") {
    p.mlp("", 3, h, 2);
    body = &mgga_mlp_source();
  } else if (architecture == "xcdiff") {
    p.mlp("x", 2, h, 1);
    p.mlp("c", 2, h, 1);
    body = &xcdiff_source();
  } else if (architecture == "nonlocal") {
    m.register_buffer("mu", torch::linspace(0.25, 4.0, 8, torch::kDouble));
    p.mlp("a", 8, atom_h, 8);
    p.mlp("m", 8, atom_h, 8);
    p.mlp("", 3 + 8, h, 2);
    // Atom embeddings feed the final MLP through f_p: start them non-zero so their gradients are not all zero.
    m.register_parameter("wa3", (torch::rand({atom_h, 8}, p.gen, torch::kDouble) - 0.5).mul_(0.1).requires_grad_(true),
                         false);
    body = &nonlocal_source();
    nonlocal = true;
  } else {
    std::string list;
    for (const auto& n : model_names()) list += " " + n;
    throw InputError("unknown model architecture '" + architecture + "' (available:" + list + ")");
  }
  m.register_attribute("architecture", c10::StringType::get(), architecture);
  m.register_attribute("nonlocal", c10::BoolType::get(), nonlocal);
  if (learned) m.register_attribute("hidden_width", c10::IntType::get(), h);
  // gga-mlp's inputs and the BLYP/PBE bases take rho and sigma only: its SCF needs no tau on the grid
  m.register_attribute("uses_tau", c10::BoolType::get(), architecture != "gga-mlp" && learned);
  m.register_attribute("jet", c10::BoolType::get(), false);  // see mlp() in model_sources.cpp
  if (learned)
    m.register_attribute("base_functional", c10::StringType::get(),
                         std::string(architecture == "xcdiff" ? "rpbe" : "blyp"));
  m.define(common_model_source());
  m.define(*body);
  if (architecture == "gga-mlp" || architecture == "mgga-mlp") m.define(mlp_network_source());
  if (learned && !nonlocal) m.define(separable_correction_source());
  if (learned) {
    if (architecture != "xcdiff") m.define(blyp_base_source());
    m.define(base_plus_correction_source());
  }
  return m;
}

int hidden_width(const torch::jit::Module& model) {
  if (model.hasattr("hidden_width")) return static_cast<int>(model.attr("hidden_width").toInt());
  const std::string architecture = architecture_of(model);
  const auto& known = model_names();
  const bool known_learned =
      std::find(known.begin(), known.end(), architecture) != known.end() && is_learned_architecture(architecture);
  return known_learned ? default_hidden_width(architecture) : 0;
}

bool has_base(const torch::jit::Module& model) {
  return model.find_method("base").has_value() && model.find_method("correction").has_value();
}

void check_model_metadata(const torch::jit::Module& model, const std::string& source) {
  auto text = [&](const char* key) { return model.hasattr(key) ? model.attr(key).toStringRef() : std::string(); };
  if (!model.find_method("forward") || text("architecture").empty())
    throw InputError(source +
                     ": not a dixc XC model (no forward method or no 'architecture' attribute); use a "
                     "model.pt written by dixc train");
  if (const std::string features = text("features"); !features.empty() && features != kModelFeatures)
    throw InputError(source + ": the model takes inputs '" + features + "' but this dixc provides '" + kModelFeatures +
                     "'; retrain it with this version");
  const std::string version = text("dixc_version");
  auto major = [](const std::string& v) { return std::atoi(v.substr(0, v.find('.')).c_str()); };
  if (!version.empty() && major(version) > major(version_string))
    throw InputError(source + ": written by dixc " + version + ", newer than this dixc " + version_string +
                     "; use that version or retrain");
}

SecondDerivativeMode::SecondDerivativeMode(torch::jit::Module& model, bool enable) : model_(model) {
  active_ = enable && model_.hasattr("jet");
  if (active_) model_.setattr("jet", true);
}

SecondDerivativeMode::~SecondDerivativeMode() {
  if (active_) model_.setattr("jet", false);
}

void perturb_parameters(torch::jit::Module& model, double scale, std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto generator = at::detail::createCPUGenerator(seed);
  for (auto& p : ordered_parameters(model)) p.add_(scale * torch::randn(p.sizes(), generator, torch::kDouble));
}

std::string architecture_of(const torch::jit::Module& model) {
  return model.hasattr("architecture") ? model.attr("architecture").toStringRef() : "";
}

bool is_nonlocal(const torch::jit::Module& model) {
  return model.hasattr("nonlocal") && model.attr("nonlocal").toBool();
}

bool uses_tau(const torch::jit::Module& model) { return !model.hasattr("uses_tau") || model.attr("uses_tau").toBool(); }

std::vector<torch::Tensor> ordered_parameters(const torch::jit::Module& model) {
  std::map<std::string, torch::Tensor> by_name;
  for (const auto& p : model.named_parameters(false)) by_name[p.name] = p.value;
  std::vector<torch::Tensor> out;
  for (auto& [name, t] : by_name) out.push_back(t);
  return out;
}

bool same_parameter_shapes(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](const auto& x, const auto& y) { return x.sizes().equals(y.sizes()); });
}

torch::jit::Module load_model_file(const std::string& path) {
  if (!std::filesystem::is_regular_file(path))
    throw InputError(path + ": no such model file (pass the model.pt that dixc train wrote)");
  try {
    return torch::jit::load(path);
  } catch (const c10::Error& e) {  // its what() carries a C++ backtrace; the message alone says what went wrong
    throw InputError(path + ": cannot load the TorchScript model (" + e.what_without_backtrace() + ")");
  } catch (const std::exception& e) {
    throw InputError(path + ": cannot load the TorchScript model (" + std::string(e.what()).substr(0, 200) + ")");
  }
}

ModelInfo model_info(const torch::jit::Module& m) {
  auto text = [&m](const char* key) { return m.hasattr(key) ? m.attr(key).toStringRef() : std::string(); };
  ModelInfo info;
  info.architecture = text("architecture");
  info.loss_mode = text("loss_mode");
  info.energy_normalisation = text("energy_normalisation");
  info.gradient_metric = text("gradient_metric");
  info.parameter_average = text("parameter_average");
  info.selection = text("selection");
  info.seeds = text("seeds");
  info.dataset_fingerprint = text("dataset_fingerprint");
  if (!text("split_seed").empty()) info.split_seed = std::stoull(text("split_seed"));
  if (!text("validation_fraction").empty()) info.validation_fraction = std::stod(text("validation_fraction"));
  if (!text("test_fraction").empty()) info.test_fraction = std::stod(text("test_fraction"));
  return info;
}

}  // namespace dixc::ml

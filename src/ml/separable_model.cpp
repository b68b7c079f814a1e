#include "dixc/ml/separable_model.hpp"

#include <utility>

#include "dixc/ml/input_gradients.hpp"
#include "dixc/ml/mlp_jet_kernel.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/separable_point_kernel.hpp"
#include "dixc/ml/tensor_bytes.hpp"

namespace dixc::ml {

namespace {

// Columns of y(r) (np, n) with their r-derivatives (np, n, 3) and second r-derivatives (np, n, 3, 3). Every
// point's y depends on that point's r only, so d(sum_p y_p)/dr_p is the per-point derivative.
struct ColumnDerivatives {
  torch::Tensor value, first, second;
};
ColumnDerivatives column_derivatives(const torch::Tensor& y, const std::vector<torch::Tensor>& r) {
  std::vector<torch::Tensor> first, second;
  for (std::int64_t i = 0; i < y.size(1); ++i) {
    const auto d = input_gradients(y.select(1, i).sum(), r, true, true);
    std::vector<torch::Tensor> rows;
    for (const auto& da : d) rows.push_back(torch::stack(input_gradients(da.sum(), r, false, true), 1));
    first.push_back(torch::stack(d, 1).detach());
    second.push_back(torch::stack(rows, 1));
  }
  return {y.detach(), torch::stack(first, 1), torch::stack(second, 1)};
}

// The weights of the model's MLP with parameters w<prefix>1, b<prefix>1, ..., b<prefix>3.
MlpWeights mlp_weights(const torch::jit::Module& model, const std::string& prefix) {
  auto t = [&](const char* name, int layer) { return model.attr(name + prefix + std::to_string(layer)).toTensor(); };
  return {t("w", 1), t("b", 1), t("w", 2), t("b", 2), t("w", 3), t("b", 3)};
}

// One MLP's jet from the fused kernel, differentiable for the parameters when grad mode is on and they require it.
MlpJet kernel_jet(const MlpWeights& weights, const torch::Tensor& x, bool second) {
  const int order = second ? 2 : 1;
  if (torch::GradMode::is_enabled() && weights.w1.requires_grad()) return differentiable_mlp_jet(weights, x, order);
  return mlp_jet(weights, x, order);
}

// Whether the network whose jet the separable chain rule needs is one MLP w1, ..., b3 (the fused kernel's case):
// gga-mlp's and mgga-mlp's whole network, the non-local model's point part.
bool is_one_kernel_mlp(const std::string& architecture) {
  return architecture == "gga-mlp" || architecture == "mgga-mlp" || architecture == "nonlocal";
}

}  // namespace

torch::Tensor per_point_matmul(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.unsqueeze(3) * b.unsqueeze(1)).sum(2);
}

// The MLPs by the fused kernel (mlp_jet_kernel.hpp): gga-mlp's and mgga-mlp's network is one MLP (w1, ..., b3), as
// is the non-local model's point part (point_feature_jets.hpp); xcdiff's combines the jets of two
// (combine_mlp_jets, model_sources.cpp). Other models (and files exported before combine_mlp_jets existed) run
// their TorchScript network_jet.
MlpJet network_jet(torch::jit::Module& model, const torch::Tensor& x, bool second) {
  const std::string arch = architecture_of(model);
  if (is_one_kernel_mlp(arch)) return kernel_jet(mlp_weights(model, ""), x, second);
  auto tuple_jet = [](const c10::IValue& v) {
    const auto& e = v.toTupleRef().elements();
    return MlpJet{e[0].toTensor(), e[1].toTensor(), e[2].toTensor()};
  };
  if (arch == "xcdiff" && model.find_method("combine_mlp_jets")) {
    const MlpJet nx = kernel_jet(mlp_weights(model, "x"), x, second);
    const MlpJet nc = kernel_jet(mlp_weights(model, "c"), x, second);
    const torch::Tensor none = torch::empty({0}, torch::kDouble);
    return tuple_jet(model.get_method("combine_mlp_jets")(
        {nx.f, nx.j, second ? nx.h : none, nc.f, nc.j, second ? nc.h : none, second}));
  }
  return tuple_jet(model.get_method("network_jet")({x, second}));
}

bool has_separable_maps(const torch::jit::Module& model) {
  return model.find_method("inputs") && model.find_method("prefactors");
}

bool is_separable(const torch::jit::Module& model) {
  return has_separable_maps(model) && model.find_method("network") && model.find_method("network_jet");
}

std::size_t SeparableMaps::bytes() const { return tensor_bytes({&x, &x_r, &x_rr, &p, &p_r, &p_rr}); }

SeparableMaps separable_maps(torch::jit::Module& model, const torch::Tensor& rho, const torch::Tensor& sigma,
                             const torch::Tensor& tau) {
  torch::AutoGradMode enable(true);
  const std::vector<torch::Tensor> r = {rho.detach().requires_grad_(true), sigma.detach().requires_grad_(true),
                                        tau.detach().requires_grad_(true)};
  const auto x = column_derivatives(model.get_method("inputs")({r[0], r[1], r[2]}).toTensor(), r);
  const auto p = column_derivatives(model.get_method("prefactors")({r[0], r[1], r[2]}).toTensor(), r);
  return {x.value, x.first, x.second, p.value, p.first, p.second};
}

std::size_t separable_bytes_per_point(torch::jit::Module& model) {
  if (!has_separable_maps(model)) return 0;
  const torch::Tensor one = torch::ones({1}, torch::kDouble);
  return separable_maps(model, one, one, one).bytes();
}

PointJets point_jets(torch::jit::Module& model, const SeparableMaps& s, bool second) {
  return point_jets(s, network_jet(model, s.x, second), second);
}

bool jet_needs_graph(const MlpJet& jet, bool second) {
  return torch::GradMode::is_enabled() &&
         (jet.f.requires_grad() || jet.j.requires_grad() || (second && jet.h.requires_grad()));
}

PointJets point_jets(const SeparableMaps& s, const MlpJet& jet, bool second) {
  if (!jet_needs_graph(jet, second)) return point_jets_kernel(s, jet, second);
  const torch::Tensor f = jet.f;                       // (np, m)
  const torch::Tensor j = jet.j;                       // (np, m, k)
  const torch::Tensor g = per_point_matmul(j, s.x_r);  // (np, m, 3): df/dr through x
  PointJets out;
  out.e = (s.p * f).sum(1);
  out.e_r = (s.p_r * f.unsqueeze(2)).sum(1) + (s.p.unsqueeze(2) * g).sum(1);
  if (!second) return out;
  const torch::Tensor h = jet.h;                                           // (np, m, k, k)
  const torch::Tensor ph = (s.p.unsqueeze(2).unsqueeze(3) * h).sum(1);     // sum_m P_m H_m (np, k, k)
  const torch::Tensor pj = (s.p.unsqueeze(2) * j).sum(1);                  // sum_m P_m J_m (np, k)
  const torch::Tensor cross = per_point_matmul(s.p_r.transpose(1, 2), g);  // sum_m P_r,m g_m^T (np, 3, 3)
  out.e_rr = (s.p_rr * f.unsqueeze(2).unsqueeze(3)).sum(1) + cross + cross.transpose(1, 2) +
             per_point_matmul(per_point_matmul(s.x_r.transpose(1, 2), ph), s.x_r) +
             (pj.unsqueeze(2).unsqueeze(3) * s.x_rr).sum(1);
  return out;
}

std::vector<torch::Tensor> network_jet_parameter_gradient(torch::jit::Module& model, const torch::Tensor& x,
                                                          const JetWeights& w, torch::Tensor* x_gradient) {
  if (!is_one_kernel_mlp(architecture_of(model))) return {};
  const MlpWeights weights = mlp_weights(model, "");
  const MlpWeights g = mlp_jet_parameter_gradient(weights, x, w.f, w.j, w.h, x_gradient);
  const std::pair<const torch::Tensor*, const torch::Tensor*> by_parameter[] = {
      {&weights.w1, &g.w1}, {&weights.b1, &g.b1}, {&weights.w2, &g.w2},
      {&weights.b2, &g.b2}, {&weights.w3, &g.w3}, {&weights.b3, &g.b3}};
  std::vector<torch::Tensor> out;  // in ordered_parameters' order, matched by tensor identity
  for (const torch::Tensor& p : ordered_parameters(model)) {
    torch::Tensor grad;
    for (const auto& [param, param_grad] : by_parameter)
      if (p.is_same(*param)) grad = *param_grad;
    out.push_back(grad);
  }
  return out;
}

std::vector<torch::Tensor> weighted_jet_parameter_gradient(torch::jit::Module& model, const SeparableMaps& s,
                                                           const JetWeights& w) {
  // The non-local model's network also takes atom features (point_feature_jets.hpp): its inputs are not s.x alone.
  if (architecture_of(model) == "nonlocal") return {};
  return network_jet_parameter_gradient(model, s.x, w);
}

torch::Tensor weighted_jet(torch::jit::Module& model, const SeparableMaps& s, const JetWeights& w) {
  const MlpJet jet = network_jet(model, s.x, w.h.defined());
  torch::Tensor sum = (jet.f * w.f).sum() + (jet.j * w.j).sum();
  if (w.h.defined()) sum = sum + (jet.h * w.h).sum();
  return sum;
}

}  // namespace dixc::ml

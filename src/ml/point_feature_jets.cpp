#include "dixc/ml/point_feature_jets.hpp"

#include <torch/torch.h>

#include "dixc/ml/models.hpp"
#include "dixc/ml/nonlocal_model.hpp"
#include "dixc/ml/separable_point_kernel.hpp"

namespace dixc::ml {

bool has_point_feature_jets(const torch::jit::Module& model) {
  return architecture_of(model) == "nonlocal" && has_atom_embeddings(model) && has_separable_maps(model) &&
         model.find_method("atom_weights");
}

PointJets point_feature_jets(torch::jit::Module& model, const SeparableMaps& s, const torch::Tensor& f, bool second) {
  return point_feature_jets(s, network_jet(model, torch::cat({s.x, f}, 1), second), f.size(1), second);
}

PointJets point_feature_jets(const SeparableMaps& s, const MlpJet& jet, std::int64_t nf, bool second) {
  if (!jet_needs_graph(jet, second)) return point_feature_jets_kernel(s, jet, nf, second);
  const std::int64_t k = s.x.size(1);
  auto x_part = [&](const torch::Tensor& t, std::int64_t dim) { return t.narrow(dim, 0, k); };
  auto f_part = [&](const torch::Tensor& t, std::int64_t dim) { return t.narrow(dim, k, nf); };
  MlpJet local{jet.f, x_part(jet.j, 2), second ? x_part(x_part(jet.h, 2), 3) : torch::Tensor()};
  PointJets out = point_jets(s, local, second);
  const torch::Tensor j_f = f_part(jet.j, 2);  // (np, m, F)
  out.e_r = torch::cat({out.e_r, (s.p.unsqueeze(2) * j_f).sum(1)}, 1);
  if (!second) return out;
  const torch::Tensor ph = (s.p.unsqueeze(2).unsqueeze(3) * jet.h).sum(1);  // sum_m P_m H_m (np, k + F, k + F)
  const torch::Tensor e_rf = per_point_matmul(s.p_r.transpose(1, 2), j_f) +
                             per_point_matmul(s.x_r.transpose(1, 2), f_part(x_part(ph, 1), 2));  // (np, 3, F)
  const torch::Tensor e_ff = f_part(f_part(ph, 1), 2);
  out.e_rr = torch::cat({torch::cat({out.e_rr, e_rf}, 2), torch::cat({e_rf.transpose(1, 2), e_ff}, 2)}, 1);
  return out;
}

JetWeights point_feature_jet_weights(const SeparableMaps& s, const torch::Tensor& eps, const torch::Tensor& omega,
                                     const torch::Tensor& omega2) {
  return point_feature_jet_weights_kernel(s, eps, omega, omega2, omega.size(1) - 3);
}

}  // namespace dixc::ml

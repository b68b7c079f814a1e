#include "dixc/ml/autograd_oracle.hpp"

#include <cmath>

#include "dixc/ml/features.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/util/error.hpp"

namespace dixc::ml::oracle {

namespace {

struct ChunkOutputs {
  torch::Tensor energy;    // scalar
  torch::Tensor gradient;  // (nv, no)
  torch::Tensor hvp;       // (n_dir, nv, no)
};

// A non-local model must see all points at once; local models work chunk by chunk.
std::vector<GridChunk> chunks_for(const torch::jit::Module& model, const MoleculeTensors& m) {
  if (!is_nonlocal(model) || m.chunks.size() <= 1) return m.chunks;
  std::vector<torch::Tensor> w, pts, phi, dphi;
  for (const auto& c : m.chunks) {
    w.push_back(c.weights);
    pts.push_back(c.points);
    phi.push_back(c.phi);
    dphi.push_back(c.dphi);
  }
  return {GridChunk{torch::cat(w), torch::cat(pts), torch::cat(phi), torch::cat(dphi, 1)}};
}

ChunkOutputs evaluate_chunk(torch::jit::Module& model, const MoleculeTensors& m, const GridChunk& chunk,
                            bool with_gradient, bool with_hessian, bool create_graph) {
  ChunkOutputs out;
  const torch::Tensor kappa = torch::zeros({m.c_vir.size(1), m.c_occ.size(1)}, torch::kDouble).requires_grad_(true);
  const Features f = density_features(chunk, occupied_orbitals(m, kappa));
  const torch::Tensor e =
      model.forward({f.rho, f.sigma, f.tau, chunk.points, chunk.weights, m.atom_positions, m.atom_z}).toTensor();
  out.energy = (chunk.weights * e).sum();
  if (!with_gradient) return out;
  out.gradient = torch::autograd::grad({out.energy}, {kappa}, {}, true, with_hessian || create_graph, true)[0];
  if (!out.gradient.defined()) out.gradient = torch::zeros_like(kappa);
  if (!with_hessian) return out;
  std::vector<torch::Tensor> hv;
  for (std::int64_t k = 0; k < m.directions.size(0); ++k) {
    const torch::Tensor gv = (out.gradient * m.directions[k]).sum();
    auto h = torch::autograd::grad({gv}, {kappa}, {}, true, create_graph, true)[0];
    hv.push_back(h.defined() ? h : torch::zeros_like(kappa));
  }
  out.hvp = torch::stack(hv);
  return out;
}

}  // namespace

torch::Tensor model_energy(torch::jit::Module& model, const MoleculeTensors& m, const torch::Tensor& kappa) {
  const torch::Tensor c_occ = occupied_orbitals(m, kappa);
  torch::Tensor total = torch::zeros({}, torch::kDouble);
  for (const auto& chunk : chunks_for(model, m)) {
    const Features f = density_features(chunk, c_occ);
    const torch::Tensor e =
        model.forward({f.rho, f.sigma, f.tau, chunk.points, chunk.weights, m.atom_positions, m.atom_z}).toTensor();
    total = total + (chunk.weights * e).sum();
  }
  return total;
}

ModelResponse model_response(torch::jit::Module& model, const MoleculeTensors& m) {
  constexpr bool with_hessian = true;
  ModelResponse r;
  r.gradient = torch::zeros({m.c_vir.size(1), m.c_occ.size(1)}, torch::kDouble);
  if (with_hessian) r.hessian_products = torch::zeros_like(m.h_xc);
  for (const auto& chunk : chunks_for(model, m)) {
    const ChunkOutputs c = evaluate_chunk(model, m, chunk, true, with_hessian, false);
    r.e_xc += c.energy.item<double>();
    r.gradient += c.gradient.detach();
    if (with_hessian) r.hessian_products += c.hvp.detach();
  }
  return r;
}

LossTerms di_loss(torch::jit::Module& model, const MoleculeTensors& m, const LossSettings& s, double scale,
                  bool backward) {
  const ModelResponse r = model_response(model, m);
  LossAdjoint adjoint;
  const LossTerms t = loss_terms(r, m, s, &adjoint);
  if (!backward || !t.finite) return t;
  // The loss's first variation, chunk by chunk (it is linear in each chunk's contributions).
  for (const auto& chunk : chunks_for(model, m)) {
    const ChunkOutputs c = evaluate_chunk(model, m, chunk, true, true, true);
    torch::Tensor surrogate = adjoint.energy * c.energy + (adjoint.gradient * c.gradient).sum();
    if (adjoint.hessian.defined()) surrogate = surrogate + (adjoint.hessian * c.hvp).sum();
    (scale * surrogate).backward();
  }
  return t;
}

}  // namespace dixc::ml::oracle

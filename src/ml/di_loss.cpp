#include "dixc/ml/di_loss.hpp"

#include <cmath>

#include "dixc/ml/features.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/util/error.hpp"

namespace dixc::ml {

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

LossMode parse_loss_mode(const std::string& name) {
  if (name == "energy") return LossMode::energy;
  if (name == "energy+grad") return LossMode::energy_gradient;
  if (name == "di") return LossMode::di;
  throw InputError("unknown loss mode '" + name + "' (valid: energy, energy+grad, di)");
}

std::string to_string(LossMode mode) {
  return mode == LossMode::energy ? "energy" : mode == LossMode::energy_gradient ? "energy+grad" : "di";
}

void set_torch_threads(int threads) { at::set_num_threads(std::max(1, threads)); }

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

ModelResponse model_response(torch::jit::Module& model, const MoleculeTensors& m, bool with_hessian) {
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

LossTerms di_loss(torch::jit::Module& model, const MoleculeTensors& m, LossMode mode, const LossWeights& w,
                  double scale, bool backward) {
  const ModelResponse r = model_response(model, m, true);
  const double n_e = m.n_electrons;
  const double n_g = static_cast<double>(m.g_xc.numel()), n_h = static_cast<double>(m.h_xc.numel());
  const double de = r.e_xc - m.e_xc;
  const torch::Tensor dg = r.gradient - m.g_xc, dh = r.hessian_products - m.h_xc;
  const double wg = mode == LossMode::energy ? 0.0 : w.gradient;
  const double wh = mode == LossMode::di ? w.hessian : 0.0;

  LossTerms t;
  t.energy = (de / n_e) * (de / n_e);
  t.gradient = dg.pow(2).sum().item<double>() / n_g;
  t.hessian = dh.pow(2).sum().item<double>() / n_h;
  t.total = w.energy * t.energy + wg * t.gradient + wh * t.hessian;
  t.relative_energy = std::abs(de) / std::max(std::abs(m.e_xc), 1e-300);
  t.relative_gradient = dg.norm().item<double>() / std::max(m.g_xc.norm().item<double>(), 1e-300);
  t.relative_hessian = dh.norm().item<double>() / std::max(m.h_xc.norm().item<double>(), 1e-300);
  t.finite = std::isfinite(t.total);
  if (!backward || !t.finite) return t;

  // dL/dtheta = 2 w_E dE/N^2 dE_c + 2 w_g/n_g <dg, dg_c> + 2 w_H/n_h sum_k <dHv_k, dHv_c,k>, chunk by chunk.
  for (const auto& chunk : chunks_for(model, m)) {
    const ChunkOutputs c = evaluate_chunk(model, m, chunk, wg != 0.0 || wh != 0.0, wh != 0.0, true);
    torch::Tensor surrogate = (2.0 * w.energy * de / (n_e * n_e)) * c.energy;
    if (wg != 0.0) surrogate = surrogate + (2.0 * wg / n_g) * (dg * c.gradient).sum();
    if (wh != 0.0) surrogate = surrogate + (2.0 * wh / n_h) * (dh * c.hvp).sum();
    (scale * surrogate).backward();
  }
  return t;
}

}  // namespace dixc::ml

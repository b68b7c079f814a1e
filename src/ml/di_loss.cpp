#include "dixc/ml/di_loss.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "dixc/ml/input_gradients.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/nonlocal_model.hpp"
#include "dixc/ml/orbital_contractions.hpp"
#include "dixc/ml/point_derivatives.hpp"
#include "dixc/ml/point_feature_jets.hpp"
#include "dixc/ml/separable_model.hpp"
#include "dixc/ml/separable_point_kernel.hpp"
#include "dixc/util/error.hpp"
#include "dixc/util/parallel_for.hpp"

namespace dixc::ml {

namespace {

// Values of E, g and H v_k (no autograd graph).
struct ResponseValues {
  double energy = 0.0;
  torch::Tensor gradient, hessian;
  void add(const torch::Tensor& g, const torch::Tensor& h) {
    if (g.defined()) gradient = gradient.defined() ? gradient + g : g;
    if (h.defined()) hessian = hessian.defined() ? hessian + h : h;
  }
};

// g and H v_k of one chunk from the point derivatives of its points: the potentials applied to the orbitals in one
// pass (orbital_contractions.hpp), then one GEMM with the virtual orbitals for g and every H v_k.
void assemble(const OrbitalGridChunk& c, const PointDerivatives& d, const MoleculeTensors& m, ResponseOrder order,
              ResponseValues& out) {
  if (order == ResponseOrder::energy) return;
  torch::NoGradGuard no_grad;
  const bool hessian = order == ResponseOrder::hessian;
  const PotentialCoefficients ground{d.e_rho, 2.0 * d.e_sigma.unsqueeze(0) * c.grad_rho, d.e_tau};
  // First-order coefficients: a1, b1 = 2 s1 grad rho + 2 e_sigma grad rho1, c1 (the kernel G[D1[v]]).
  PotentialCoefficients first;
  if (hessian) first = {d.a1, 2.0 * d.s1.unsqueeze(1) * c.grad_rho.unsqueeze(0) + 2.0 * d.e_sigma * c.grad_rho1, d.c1};
  const torch::Tensor q = potential_on_orbitals(ground, hessian ? &first : nullptr, c.occ);
  const std::int64_t slots = q.size(2), no = c.occ.size(2), nv = c.vir.size(2);
  const torch::Tensor q2 = q.view({-1, slots * no});
  const torch::Tensor vir = c.vir.reshape({-1, nv});
  const torch::Tensor gh = 4.0 * vir.t().matmul(q2);  // (nv, slots no)
  const torch::Tensor g = gh.narrow(1, 0, no);
  if (!hessian) return out.add(g, {});
  // H v_k = 4 [Psi_v^T A(a1_k, b1_k, c1_k) Psi_o + V_vv v_k - v_k V_oo] (docs/theory.md section 4)
  const torch::Tensor v_oo = c.occ.reshape({-1, no}).t().matmul(q2.narrow(1, 0, no));
  const torch::Tensor v_vv = vir.t().matmul(potential_on_orbitals(ground, nullptr, c.vir).view({-1, nv}));
  const torch::Tensor hv = gh.narrow(1, no, (slots - 1) * no).reshape({nv, slots - 1, no}).permute({1, 0, 2});
  out.add(g, hv + 4.0 * (v_vv.matmul(m.directions) - m.directions.matmul(v_oo)));
}

// The loss's first variation as weights on the model's point derivatives (fixed once the residuals are known):
//   c_g.dg + c_H.dHv = sum_p [e_rho w_rho + e_sigma w_sigma + e_tau w_tau]
//                      + sum_k sum_p [a1_k u_rho,k + s1_k u_sigma,k + c1_k u_tau,k],
// from <c_g, 4 Phi_v^T Q> = <4 Phi_v c_g, Q>, the same for each H v_k, <Z, V_oo> = <Phi_o Z, Q> with
// Z = sum_k v_k^T c_H,k, and <W, V_vv> = <Phi_v W, Q_v> with W = 4 sum_k c_H,k v_k^T. So the GEMM assembly never
// enters the autograd graph.
struct AdjointWeights {
  torch::Tensor w_rho, w_sigma, w_tau;  // (np)
  torch::Tensor u_rho, u_sigma, u_tau;  // (n_dir, np)
};
AdjointWeights adjoint_weights(const OrbitalGridChunk& c, const LossAdjoint& adjoint, const MoleculeTensors& m,
                               ResponseOrder order) {
  torch::NoGradGuard no_grad;
  AdjointWeights w;
  if (order == ResponseOrder::energy) return w;
  const bool hessian = order == ResponseOrder::hessian;
  const std::int64_t np = c.weights.size(0), nv = c.vir.size(2), no = c.occ.size(2);
  // Adjoint orbitals in one GEMM: slot 0 = Phi_v 4 c_g, slot 1 + k = Phi_v 4 c_H,k; y_occ = Phi_o (-4 Z) and
  // y_vir = Phi_v W.
  torch::Tensor coefficients = 4.0 * adjoint.gradient;
  torch::Tensor y_occ, y_vir;
  const torch::Tensor vir = c.vir.reshape({-1, nv});
  if (hessian) {
    const std::int64_t n_dir = adjoint.hessian.size(0);
    coefficients = torch::cat({coefficients, 4.0 * adjoint.hessian.permute({1, 0, 2}).reshape({nv, n_dir * no})}, 1);
    const torch::Tensor z = torch::einsum("kai,kaj->ij", {m.directions, adjoint.hessian});
    y_occ = c.occ.reshape({-1, no}).matmul(-4.0 * z).view({4, np, no});
    const torch::Tensor w_vv = 4.0 * torch::einsum("kai,kbi->ab", {adjoint.hessian, m.directions});
    y_vir = vir.matmul(w_vv).view({4, np, nv});
  }
  const torch::Tensor y = vir.matmul(coefficients).view({4, np, -1, no});
  const AdjointDensities p = adjoint_densities(y, y_occ, c.occ, y_vir, c.vir);
  torch::Tensor w_sigma_first_order = torch::zeros({np}, torch::kDouble);
  if (hessian) {
    const torch::Tensor pk_b = p.per_direction.narrow(1, 1, 3);  // (n_dir, 3, np)
    w.u_rho = p.per_direction.select(1, 0);
    w.u_sigma = 2.0 * (c.grad_rho.unsqueeze(0) * pk_b).sum(1);
    w.u_tau = p.per_direction.select(1, 4);
    w_sigma_first_order = 2.0 * (c.grad_rho1 * pk_b).sum(std::vector<int64_t>{0, 1});
  }
  w.w_rho = p.ground.select(0, 0);
  w.w_sigma = 2.0 * (c.grad_rho * p.ground.narrow(0, 1, 3)).sum(0) + w_sigma_first_order;
  w.w_tau = p.ground.select(0, 4);
  return w;
}

// sum_p of the point derivatives (points [first, first + n) of d) against the adjoint weights of their chunk.
torch::Tensor weighted_sum(const PointDerivatives& d, std::int64_t first, std::int64_t n, const AdjointWeights& w,
                           ResponseOrder order) {
  torch::Tensor s = (d.e_rho.narrow(0, first, n) * w.w_rho).sum() + (d.e_sigma.narrow(0, first, n) * w.w_sigma).sum() +
                    (d.e_tau.narrow(0, first, n) * w.w_tau).sum();
  if (order == ResponseOrder::hessian)
    s = s + (d.a1.narrow(1, first, n) * w.u_rho).sum() + (d.s1.narrow(1, first, n) * w.u_sigma).sum() +
        (d.c1.narrow(1, first, n) * w.u_tau).sum();
  return s;
}

// The point derivatives of each chunk, collected over the model calls; their MO-basis assembly runs afterwards,
// in parallel over the chunks and summed in chunk order (the same result for any thread count).
struct ChunkDerivatives {
  double energy = 0.0;
  std::vector<std::pair<const OrbitalGridChunk*, PointDerivatives>> chunks;
  void add(const PointDerivatives& d, const ReferenceFeatures& f, const ModelCall& call, ResponseOrder order) {
    energy += d.energy.item<double>();
    for_each_chunk(f, call, [&](const OrbitalGridChunk& c, std::int64_t first, std::int64_t n) {
      chunks.emplace_back(&c, slice(d, first, n, order));
    });
  }
  void assemble_into(const MoleculeTensors& m, ResponseOrder order, ResponseValues& out) const {
    out.energy += energy;
    std::vector<ResponseValues> parts(chunks.size());
    util::parallel_for(chunks.size(),
                       [&](std::size_t i) { assemble(*chunks[i].first, chunks[i].second, m, order, parts[i]); });
    for (const auto& part : parts) out.add(part.gradient, part.hessian);
  }
};

// The point derivatives of all calls (no graphs), collected per chunk.
ChunkDerivatives collect_calls(torch::jit::Module& model, const std::string& method, const MoleculeTensors& m,
                               const ReferenceFeatures& f, const std::vector<ModelCall>& calls, ResponseOrder order) {
  ChunkDerivatives d;
  AtomContext atoms;
  const std::vector<PointDerivatives> derivatives = value_pass(model, method, m, f, calls, order, false, atoms);
  for (std::size_t i = 0; i < calls.size(); ++i) d.add(derivatives[i], f, calls[i], order);
  return d;
}

// A squared-residual term mean (x - target)^2 with its relative error, its weighted share of the total and its
// adjoint (2 w / n) (x - target).
struct ResidualTerm {
  double value, relative;
  torch::Tensor adjoint;
};
// sum_ai c_ai d_ai^2 with d = x - target and per-element factors c (a tensor, or 1/numel when undefined: the mean).
ResidualTerm residual_term(const torch::Tensor& x, const torch::Tensor& target, double weight,
                           const torch::Tensor& factors = {}) {
  const torch::Tensor d = x - target;
  const torch::Tensor cd = factors.defined() ? factors * d : d / static_cast<double>(d.numel());
  return {(cd * d).sum().item<double>(), d.norm().item<double>() / std::max(target.norm().item<double>(), 1e-300),
          (2.0 * weight) * cd};
}

// The gradient term's per-element factors (section 4): none (the mean) or 1 / (8 Delta_ai).
torch::Tensor gradient_factors(const MoleculeTensors& m, GradientMetric metric) {
  if (metric == GradientMetric::mean_square) return {};
  const double smallest = m.gaps.min().item<double>();
  if (!(smallest > 1e-6))
    throw InputError("molecule '" + m.name + "': its reference has an occupied-virtual orbital-energy gap of " +
                     std::to_string(smallest) + " Eh, so --grad-metric inverse-gap is undefined for it; use " +
                     "--grad-metric mean-square or leave the molecule out");
  return 1.0 / (8.0 * m.gaps);
}

// The loss's first variation on one call's points as a differentiable scalar: c_E E plus the point derivatives
// against the adjoint weights of their chunks.
torch::Tensor surrogate_of(const PointDerivatives& d, const ReferenceFeatures& f, const ModelCall& call,
                           double energy_adjoint, const std::vector<AdjointWeights>& weights, ResponseOrder order) {
  torch::Tensor surrogate = energy_adjoint * d.energy;
  if (order != ResponseOrder::energy)
    for_each_chunk(f, call, [&](const OrbitalGridChunk& c, std::int64_t first, std::int64_t n) {
      surrogate = surrogate + weighted_sum(d, first, n, weights[&c - f.chunks.data()], order);
    });
  return surrogate;
}

// The same for a separable model's call (one chunk), on the network's jet alone: the adjoint weights become
// eps = c_E w, omega = w (w_rho, w_sigma, w_tau), Omega = w sum_k u_k x1_k^T (jet_weights).
JetWeights separable_jet_weights(const SeparableMaps& maps, const ReferenceFeatures& f, const ModelCall& call,
                                 const LossAdjoint& adjoint, const AdjointWeights& a, ResponseOrder order) {
  torch::NoGradGuard no_grad;
  const OrbitalGridChunk& c = f.chunks[call.first_chunk];
  torch::Tensor omega2;
  if (order == ResponseOrder::hessian)
    omega2 = c.weights.view({-1, 1, 1}) * per_point_outer_sum(torch::stack({a.u_rho, a.u_sigma, a.u_tau}, 2),
                                                              torch::stack({c.rho1, c.sigma1, c.tau1}, 2));
  return jet_weights(maps, adjoint.energy * c.weights,
                     c.weights.unsqueeze(1) * torch::stack({a.w_rho, a.w_sigma, a.w_tau}, 1), omega2);
}

// A separable model's parameter gradient of scale * (its call's surrogate): straight from the jet kernel's reverse
// pass for a one-MLP network, else by autograd through weighted_jet.
std::vector<torch::Tensor> separable_gradient(torch::jit::Module& model, const ReferenceFeatures& f,
                                              const ModelCall& call, const LossAdjoint& adjoint,
                                              const AdjointWeights& a, ResponseOrder order, double scale,
                                              const std::vector<torch::Tensor>& params) {
  const SeparableMaps& maps =
      maps_of_call(model, separable_cache_of(model, f), call.index, points_of(f, call.first_chunk, call.end_chunk));
  const JetWeights w = separable_jet_weights(maps, f, call, adjoint, a, order);
  std::vector<torch::Tensor> direct = weighted_jet_parameter_gradient(model, maps, w);
  if (!direct.empty()) {
    for (auto& g : direct)
      if (g.defined()) g.mul_(scale);
    return direct;
  }
  torch::AutoGradMode enable(true);
  return torch::autograd::grad({scale * weighted_jet(model, maps, w)}, params, {}, false, false, true);
}

// The same for a chunk of the non-local model's point part (point_feature_jets.hpp): the gradient of scale * (its
// share of the surrogate of atom_embedding_gradients, L_c + alpha . G_c + sum_k beta_k . M_c,k) with respect to the
// parameters (ordered_parameters' order) and to the leaves a and, for the Hessian, a1 (appended in that order). The
// share is sum_p [eps e + omega . e_r' + Omega : e_r'r'] in r' = (rho, sigma, tau, f) with
//   omega = w (w_rho, w_sigma, w_tau, c alpha),   Omega = sum_k u'_k x1'_k^T,   u'_k = w (u_k, c beta_k),
// x1'_k = (rho1_k, sigma1_k, tau1_k, c a1_k), so the network's jet carries it (point_feature_jet_weights) and the
// kernel's reverse pass gives its gradient for the parameters and for the inputs (x, f = c a): d/da = c^T (d/df).
// Its dependence on a1 (through x1', bilinear) is sum_k sum_p (e_r'r' u'_k)_f . (c a1_k)_p at the jet's values:
// d/da1_k = c^T (e_r'r' u'_k)_f, with e_r'r' from the value pass (`e_rr`).
std::vector<torch::Tensor> point_feature_gradients(torch::jit::Module& model, const MoleculeTensors& m,
                                                   const ReferenceFeatures& f, const ModelCall& call,
                                                   double energy_adjoint, const AdjointWeights& a,
                                                   const torch::Tensor& alpha, const torch::Tensor& beta,
                                                   const AtomLeaves& leaves, const torch::Tensor& e_rr,
                                                   ResponseOrder order, double scale) {
  torch::NoGradGuard no_grad;
  const OrbitalGridChunk& c = f.chunks[call.first_chunk];
  const PointInputs in = points_of(f, call.first_chunk, call.end_chunk);
  const SeparableMaps& maps = maps_of_call(model, separable_cache_of(model, f), call.index, in);
  const bool hessian = order == ResponseOrder::hessian;
  const std::int64_t nf = leaves.a.size(1);
  const torch::Tensor cw = atom_weights(model, in.points, m.atom_positions);  // (np, atoms)
  const torch::Tensor omega =
      c.weights.unsqueeze(1) * torch::cat({torch::stack({a.w_rho, a.w_sigma, a.w_tau}, 1), cw.matmul(alpha)}, 1);
  torch::Tensor omega2, u;
  if (hessian) {
    u = c.weights.view({1, -1, 1}) *
        torch::cat({torch::stack({a.u_rho, a.u_sigma, a.u_tau}, 2), torch::matmul(cw, beta)}, 2);  // (n_dir, np, 3 + F)
    const torch::Tensor x1 =
        torch::cat({torch::stack({in.rho1, in.sigma1, in.tau1}, 2), torch::matmul(cw, leaves.a1.detach())}, 2);
    omega2 = per_point_outer_sum(u, x1);
  }
  const JetWeights w = point_feature_jet_weights(maps, energy_adjoint * c.weights, omega, omega2);
  const torch::Tensor inputs = torch::cat({maps.x, cw.matmul(leaves.a.detach())}, 1);
  torch::Tensor input_gradient;
  std::vector<torch::Tensor> grads = network_jet_parameter_gradient(model, inputs, w, &input_gradient);
  if (grads.empty()) throw std::logic_error("the non-local model's point part is not one MLP of the jet kernel");
  for (auto& g : grads)
    if (g.defined()) g.mul_(scale);
  grads.push_back(scale * cw.t().matmul(input_gradient.narrow(1, maps.x.size(1), nf)));
  if (!hessian) return grads;
  if (!e_rr.defined()) throw std::logic_error("the Hessian-order value pass keeps e_r'r' for the parameter backward");
  const torch::Tensor eu = per_point_matvec(e_rr, u).narrow(2, 3, nf);  // (e_r'r' u'_k)_f (n_dir, np, F)
  grads.push_back(scale * torch::matmul(cw.t(), eu));
  return grads;
}

// An atom-embedding model's parameter backward (nonlocal_model.hpp). The loss's first variation is
//   S = sum_c L_c + Omega . lambda + sum_k U_k . nu_k,   Omega = sum_p w_p w_rho,p S_p,  U_k = sum_p w_p u_rho,k,p S_p
// (L_c: the chunk's local point derivatives against the adjoint weights), and lambda, nu_k are linear in
// G = sum_c G_c and M_k = sum_c M_c,k; so each chunk differentiates L_c + alpha . G_c + sum_k beta_k . M_c,k with
// alpha, beta the derivatives of the atom part for G, M, and also for its leaves a, a1_k; the atom graph then
// takes those with its own part for the parameters.
std::vector<torch::Tensor> atom_embedding_gradients(torch::jit::Module& model, const MoleculeTensors& m,
                                                    const ReferenceFeatures& f, const std::vector<ModelCall>& calls,
                                                    ResponseOrder order, const LossAdjoint& adjoint, double scale,
                                                    const std::vector<AdjointWeights>& weights,
                                                    const AtomContext& atoms) {
  const std::vector<torch::Tensor> params = ordered_parameters(model);
  const bool hessian = order == ResponseOrder::hessian;
  torch::AutoGradMode enable(true);
  torch::Tensor nonlocal_part, alpha, beta;
  AtomTerms t;
  if (order != ResponseOrder::energy) {
    const torch::Tensor omega = sum_over_calls(calls, [&](const ModelCall& call) {
      torch::NoGradGuard no_grad;
      const PointInputs in = points_of(f, call.first_chunk, call.end_chunk);
      std::vector<torch::Tensor> w_rho, u_rho;
      for (std::size_t i = call.first_chunk; i < call.end_chunk; ++i) {
        w_rho.push_back(weights[i].w_rho);
        if (hessian) u_rho.push_back(weights[i].u_rho);
      }
      const torch::Tensor w = torch::cat(w_rho).unsqueeze(1);
      return density_shells(model, hessian ? torch::cat({w, torch::cat(u_rho, 1).t()}, 1) : w, in.points, in.weights,
                            m.atom_positions);
    });
    const torch::Tensor g = atoms.g.detach().requires_grad_(true);
    const torch::Tensor mk = hessian ? atoms.m.detach().requires_grad_(true) : torch::Tensor();
    t = atom_terms(model, atoms.h, atoms.h1, m.atom_positions, g, mk);
    nonlocal_part = (omega[0] * t.lambda).sum();
    if (hessian) nonlocal_part = nonlocal_part + (omega.narrow(0, 1, omega.size(0) - 1) * t.nu).sum();
    const auto coefficients = input_gradients(
        nonlocal_part, hessian ? std::vector<torch::Tensor>{g, mk} : std::vector<torch::Tensor>{g}, false, true);
    alpha = coefficients[0];
    if (hessian) beta = coefficients[1];
  } else {
    t = atom_terms(model, atoms.h, atoms.h1, m.atom_positions);
  }
  // The chunks, in parallel: parameters and the leaves a, a1.
  if (uses_cached_maps(model, "correction", order)) separable_cache_of(model, f);  // sized before the threads
  std::vector<std::vector<torch::Tensor>> grads(calls.size());
  util::parallel_for(calls.size(), [&](std::size_t i) {
    torch::AutoGradMode enable_chunk(true);
    const AtomLeaves leaves = atom_leaves(atoms, order, true);
    if (uses_cached_maps(model, "correction", order)) {  // the point part through the kernel alone
      grads[i] = point_feature_gradients(
          model, m, f, calls[i], adjoint.energy, weights[calls[i].first_chunk], alpha, beta, leaves,
          hessian && calls[i].index < atoms.e_rr.size() ? atoms.e_rr[calls[i].index] : torch::Tensor(), order, scale);
      return;
    }
    const PointDerivatives d = evaluate_call(model, "correction", m, f, calls[i], order, true, &leaves);
    torch::Tensor surrogate = surrogate_of(d, f, calls[i], adjoint.energy, weights, order);
    if (alpha.defined()) surrogate = surrogate + (alpha * d.atom_g).sum();
    if (beta.defined()) surrogate = surrogate + (beta * d.atom_m).sum();
    std::vector<torch::Tensor> inputs = params;
    inputs.push_back(leaves.a);
    if (hessian) inputs.push_back(leaves.a1);
    grads[i] = torch::autograd::grad({scale * surrogate}, inputs, {}, false, false, true);
  });
  // The atom graph: a, a1 against the chunks' sums of their gradients, plus the atom part itself.
  torch::Tensor g_a, g_a1;
  for (const auto& call_grads : grads) {
    const torch::Tensor& ga = call_grads[params.size()];
    if (ga.defined()) g_a = g_a.defined() ? g_a + ga : ga;
    if (hessian && call_grads[params.size() + 1].defined())
      g_a1 = g_a1.defined() ? g_a1 + call_grads[params.size() + 1] : call_grads[params.size() + 1];
  }
  torch::Tensor atom_part = nonlocal_part.defined() ? scale * nonlocal_part : torch::zeros({}, torch::kDouble);
  if (g_a.defined()) atom_part = atom_part + (g_a * t.a).sum();
  if (g_a1.defined()) atom_part = atom_part + (g_a1 * t.a1).sum();
  std::vector<torch::Tensor> total = torch::autograd::grad({atom_part}, params, {}, false, false, true);
  for (const auto& call_grads : grads)
    for (std::size_t k = 0; k < params.size(); ++k)
      if (call_grads[k].defined()) total[k] = total[k].defined() ? total[k] + call_grads[k] : call_grads[k];
  return total;
}

// Adds scale * dL/dtheta to the parameters' gradients, dL = c_E dE + <c_g, dg> + <c_H, dHv> at fixed features:
// c_E dE/dtheta plus the point derivatives' parameter derivatives against the adjoint weights; only the
// parameters are differentiated (not the features). `kept`: the derivatives of the single call with their graph,
// when the value pass kept it; `atoms`: an atom-embedding model's context from the value pass.
void add_parameter_gradients(torch::jit::Module& model, const std::string& method, const MoleculeTensors& m,
                             const ReferenceFeatures& f, const std::vector<ModelCall>& calls, ResponseOrder order,
                             const LossAdjoint& adjoint, double scale, const PointDerivatives* kept,
                             const AtomContext& atoms) {
  const std::vector<torch::Tensor> params = ordered_parameters(model);
  std::vector<AdjointWeights> weights(f.chunks.size());
  if (order != ResponseOrder::energy)
    util::parallel_for(f.chunks.size(),
                       [&](std::size_t i) { weights[i] = adjoint_weights(f.chunks[i], adjoint, m, order); });
  // Each call's parameter gradient on its own graph, the calls in parallel (one graph per thread alive at a
  // time). Added to the parameters' gradients in call order: the same sums for any thread count.
  auto call_gradient = [&](const ModelCall& call) {
    if (uses_separable_jets(model, method, order))
      return separable_gradient(model, f, call, adjoint, weights[call.first_chunk], order, scale, params);
    torch::AutoGradMode enable(true);
    const torch::Tensor surrogate = surrogate_of(kept ? *kept : evaluate_call(model, method, m, f, call, order, true),
                                                 f, call, adjoint.energy, weights, order);
    return torch::autograd::grad({scale * surrogate}, params, {}, false, false, true);
  };
  std::vector<std::vector<torch::Tensor>> grads(calls.size());
  if (uses_atom_embeddings(model, method))
    grads = {atom_embedding_gradients(model, m, f, calls, order, adjoint, scale, weights, atoms)};
  else
    util::parallel_for(calls.size(), [&](std::size_t i) { grads[i] = call_gradient(calls[i]); });
  torch::NoGradGuard no_grad;
  for (const auto& call_grads : grads)
    for (std::size_t k = 0; k < params.size(); ++k) {
      if (!call_grads[k].defined()) continue;
      auto& g = params[k].mutable_grad();
      if (g.defined())
        g.add_(call_grads[k]);
      else
        g = call_grads[k].clone();
    }
}

}  // namespace

LossMode parse_loss_mode(const std::string& name) {
  if (name == "energy") return LossMode::energy;
  if (name == "energy+grad") return LossMode::energy_gradient;
  if (name == "di") return LossMode::di;
  if (name == "energy+density") return LossMode::energy_density;
  if (name == "di+density") return LossMode::di_density;
  throw InputError("unknown loss mode '" + name + "' (valid: energy, energy+grad, di, energy+density, di+density)");
}

EnergyNormalisation parse_energy_normalisation(const std::string& name) {
  if (name == "per-electron") return EnergyNormalisation::per_electron;
  if (name == "total") return EnergyNormalisation::total;
  throw InputError("unknown energy normalisation '" + name + "' (valid: per-electron, total)");
}

std::string to_string(EnergyNormalisation normalisation) {
  return normalisation == EnergyNormalisation::total ? "total" : "per-electron";
}

GradientMetric parse_gradient_metric(const std::string& name) {
  if (name == "mean-square") return GradientMetric::mean_square;
  if (name == "inverse-gap") return GradientMetric::inverse_gap;
  throw InputError("unknown gradient metric '" + name + "' (valid: mean-square, inverse-gap)");
}

std::string to_string(GradientMetric metric) {
  return metric == GradientMetric::inverse_gap ? "inverse-gap" : "mean-square";
}

std::string to_string(LossMode mode) {
  switch (mode) {
    case LossMode::energy:
      return "energy";
    case LossMode::energy_gradient:
      return "energy+grad";
    case LossMode::di:
      return "di";
    case LossMode::energy_density:
      return "energy+density";
    case LossMode::di_density:
      return "di+density";
  }
  return "di";
}

LossTerms loss_terms(const ModelResponse& r, const MoleculeTensors& m, const LossSettings& s, LossAdjoint* adjoint) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const double unit = energy_unit(s.energy_normalisation, m.n_electrons);
  const double de = r.e_xc - m.e_xc;
  LossTerms t;
  t.energy = (de / unit) * (de / unit);
  t.relative_energy = std::abs(de) / std::max(std::abs(m.e_xc), 1e-300);
  t.total = s.weights.energy / s.scales.energy * t.energy;
  if (adjoint) adjoint->energy = 2.0 * s.weights.energy / s.scales.energy * de / (unit * unit);
  t.gradient = t.hessian = t.relative_gradient = t.relative_hessian = nan;
  if (r.gradient.defined()) {
    const double w = s.uses_gradient() ? s.weights.gradient / s.scales.gradient : 0.0;
    const ResidualTerm term = residual_term(r.gradient, m.g_xc, w, gradient_factors(m, s.gradient_metric));
    t.gradient = term.value;
    t.relative_gradient = term.relative;
    t.total += w * term.value;
    if (adjoint) adjoint->gradient = term.adjoint;
  }
  if (r.hessian_products.defined()) {
    const double w = s.uses_hessian() ? s.weights.hessian / s.scales.hessian : 0.0;
    const ResidualTerm term = residual_term(r.hessian_products, m.h_xc, w);
    t.hessian = term.value;
    t.relative_hessian = term.relative;
    t.total += w * term.value;
    if (adjoint) adjoint->hessian = term.adjoint;
  }
  t.finite = std::isfinite(t.total);
  return t;
}

void check_order(const ReferenceFeatures& f, ResponseOrder order) {
  if (static_cast<int>(order) > static_cast<int>(f.order))
    throw std::logic_error("reference features were built for a lower derivative order than the loss needs");
}

// E, g and all H v_k of the model's base, computed on first use and kept with the features; added to `values`
// up to `order`.
void add_base_response(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                       ResponseOrder order, ResponseValues& values) {
  if (!has_base(model)) return;
  const std::string key = model.hasattr("base_functional") ? model.attr("base_functional").toStringRef() : "base";
  auto it = f.base_responses.find(key);
  if (it == f.base_responses.end()) {
    torch::AutoGradMode enable(f.order != ResponseOrder::energy);
    ResponseValues base;
    collect_calls(model, "base", m, f, model_calls(model, f), f.order).assemble_into(m, f.order, base);
    it = f.base_responses.emplace(key, FixedResponse{base.energy, base.gradient, base.hessian}).first;
  }
  values.energy += it->second.e_xc;
  if (order != ResponseOrder::energy) values.add(it->second.gradient, {});
  if (order == ResponseOrder::hessian) values.add({}, it->second.hessian_products);
}

ModelResponse model_response(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                             ResponseOrder order) {
  check_order(f, order);
  torch::AutoGradMode enable(order != ResponseOrder::energy);
  ResponseValues values;
  collect_calls(model, trained_method(model), m, f, model_calls(model, f), order).assemble_into(m, order, values);
  add_base_response(model, m, f, order, values);
  return {values.energy, values.gradient, values.hessian};
}

LossTerms di_loss(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                  const LossSettings& s, double scale, bool backward) {
  const ResponseOrder order = s.order();
  check_order(f, order);
  torch::AutoGradMode enable(backward || order != ResponseOrder::energy);
  // Values first (one model call: its graph is kept for the backward pass; several, as for a local model on a
  // chunked grid: recomputed per call, so that only one call's graph is alive at a time).
  const std::vector<ModelCall> calls = model_calls(model, f);
  const std::string method = trained_method(model);
  const bool keep_graph = backward && calls.size() == 1 && !uses_separable_jets(model, method, order) &&
                          !uses_atom_embeddings(model, method);
  ChunkDerivatives collected;
  AtomContext atoms;
  std::vector<PointDerivatives> derivatives = value_pass(model, method, m, f, calls, order, keep_graph, atoms);
  for (std::size_t i = 0; i < calls.size(); ++i) collected.add(derivatives[i], f, calls[i], order);
  PointDerivatives kept = keep_graph ? std::move(derivatives[0]) : PointDerivatives{};
  derivatives.clear();
  ResponseValues values;
  collected.assemble_into(m, order, values);
  add_base_response(model, m, f, order, values);
  LossAdjoint adjoint;
  const LossTerms t = loss_terms({values.energy, values.gradient, values.hessian}, m, s, &adjoint);
  if (!backward || !t.finite) return t;
  add_parameter_gradients(model, method, m, f, calls, order, adjoint, scale, keep_graph ? &kept : nullptr, atoms);
  return t;
}

void add_adjoint_gradient(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                          const LossAdjoint& adjoint, ResponseOrder order, double scale) {
  check_order(f, order);
  torch::AutoGradMode enable(true);
  const std::string method = trained_method(model);
  const std::vector<ModelCall> calls = model_calls(model, f);
  // An atom-embedding model's backward needs G and M of a value pass at these features.
  AtomContext atoms;
  if (uses_atom_embeddings(model, method)) value_pass(model, method, m, f, calls, order, false, atoms);
  add_parameter_gradients(model, method, m, f, calls, order, adjoint, scale, nullptr, atoms);
}

}  // namespace dixc::ml

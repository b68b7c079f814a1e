#include "dixc/ml/di_loss.hpp"

#include <cmath>
#include <limits>

#include "dixc/ml/models.hpp"
#include "dixc/util/error.hpp"

namespace dixc::ml {

namespace {

// Per-point features of the points one model call sees (a chunk, or all points for a non-local model).
struct PointInputs {
  torch::Tensor weights, points, rho, sigma, tau;  // (np), (np, 3), (np) x 3
  torch::Tensor rho1, sigma1, tau1;                // (n_dir, np)
};

// Weighted derivatives of E = sum_p w_p e_p at those points: e_* = w de/d*, and the second derivatives
// contracted with the first-order features of each direction, a1 = w (d2e/drho dx) . x1 and so on.
struct PointDerivatives {
  torch::Tensor energy;                 // scalar
  torch::Tensor e_rho, e_sigma, e_tau;  // (np)
  torch::Tensor a1, s1, c1;             // (n_dir, np): rho, sigma and tau rows of (d2e/dx2) x1
};

PointInputs inputs_of(const OrbitalGridChunk& c) {
  return {c.weights, c.points, c.rho, c.sigma, c.tau, c.rho1, c.sigma1, c.tau1};
}

PointInputs all_points(const ReferenceFeatures& f) {
  if (f.chunks.size() == 1) return inputs_of(f.chunks[0]);
  auto cat = [&](auto member, std::int64_t dim) {
    std::vector<torch::Tensor> parts;
    for (const auto& c : f.chunks) parts.push_back(c.*member);
    return torch::cat(parts, dim);
  };
  return {cat(&OrbitalGridChunk::weights, 0), cat(&OrbitalGridChunk::points, 0), cat(&OrbitalGridChunk::rho, 0),
          cat(&OrbitalGridChunk::sigma, 0),   cat(&OrbitalGridChunk::tau, 0),    cat(&OrbitalGridChunk::rho1, 1),
          cat(&OrbitalGridChunk::sigma1, 1),  cat(&OrbitalGridChunk::tau1, 1)};
}

std::vector<torch::Tensor> input_gradients(const torch::Tensor& output, const std::vector<torch::Tensor>& inputs,
                                           bool create_graph) {
  if (!output.requires_grad()) return std::vector<torch::Tensor>(inputs.size(), torch::zeros_like(inputs[0]));
  auto g = torch::autograd::grad({output}, inputs, {}, true, create_graph, true);
  for (auto& t : g)
    if (!t.defined()) t = torch::zeros_like(inputs[0]);
  return g;
}

PointDerivatives model_pass(torch::jit::Module& model, const PointInputs& in, const MoleculeTensors& m,
                            ResponseOrder order, bool create_graph, bool nonlocal) {
  PointDerivatives d;
  const bool with_inputs = order != ResponseOrder::energy;
  const torch::Tensor rho = with_inputs ? in.rho.detach().requires_grad_(true) : in.rho;
  const torch::Tensor sigma = with_inputs ? in.sigma.detach().requires_grad_(true) : in.sigma;
  const torch::Tensor tau = with_inputs ? in.tau.detach().requires_grad_(true) : in.tau;
  const torch::Tensor e =
      model.forward({rho, sigma, tau, in.points, in.weights, m.atom_positions, m.atom_z}).toTensor();
  d.energy = (in.weights * e).sum();
  if (!with_inputs) return d;
  const std::vector<torch::Tensor> x = {rho, sigma, tau};
  const auto first = input_gradients(d.energy, x, create_graph || order == ResponseOrder::hessian);
  d.e_rho = first[0];
  d.e_sigma = first[1];
  d.e_tau = first[2];
  if (order != ResponseOrder::hessian) return d;
  if (!nonlocal) {
    // Local model: row r of the per-point second-derivative matrix is d(sum_p e_r,p)/dx.
    std::vector<std::vector<torch::Tensor>> rows;
    for (const auto& f : first) rows.push_back(input_gradients(f.sum(), x, create_graph));
    auto row_times_x1 = [&](const std::vector<torch::Tensor>& row) {
      return row[0].unsqueeze(0) * in.rho1 + row[1].unsqueeze(0) * in.sigma1 + row[2].unsqueeze(0) * in.tau1;
    };
    d.a1 = row_times_x1(rows[0]);
    d.s1 = row_times_x1(rows[1]);
    d.c1 = row_times_x1(rows[2]);
    return d;
  }
  std::vector<torch::Tensor> a1, s1, c1;
  for (std::int64_t k = 0; k < in.rho1.size(0); ++k) {
    const torch::Tensor along = (first[0] * in.rho1[k] + first[1] * in.sigma1[k] + first[2] * in.tau1[k]).sum();
    const auto h = input_gradients(along, x, create_graph);
    a1.push_back(h[0]);
    s1.push_back(h[1]);
    c1.push_back(h[2]);
  }
  d.a1 = torch::stack(a1);
  d.s1 = torch::stack(s1);
  d.c1 = torch::stack(c1);
  return d;
}

// Potential coefficients (a, b, c) applied to orbitals (value and gradient stacked in dimension -3):
//   out_0 = a psi + b . grad psi,   out_d = b_d psi + c/2 d_d psi,
// so that sum_p [phi_p out_0 + grad phi_p . out_(1..3)] = sum_p [a phi psi + b . grad(phi psi) + c/2 grad phi .
// grad psi]. a, c: (..., np); b: (..., 3, np); orbitals: (..., 4, np, n).
torch::Tensor apply_coefficients(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& c,
                                 const torch::Tensor& orbitals) {
  const torch::Tensor psi = orbitals.select(-3, 0), dpsi = orbitals.narrow(-3, 1, 3);
  const torch::Tensor b_ = b.unsqueeze(-1);
  const torch::Tensor out0 = a.unsqueeze(-1) * psi + (b_ * dpsi).sum(-3);
  const torch::Tensor outd = b_ * psi.unsqueeze(-3) + 0.5 * c.unsqueeze(-1).unsqueeze(-3) * dpsi;
  return torch::cat({out0.unsqueeze(-3), outd}, -3);
}

// (4, np, n1) x (4, np, n2) -> (n1, n2): sum over the 4 components and the points.
torch::Tensor contract(const torch::Tensor& left, const torch::Tensor& right) {
  return left.reshape({-1, left.size(-1)}).t().matmul(right.reshape({-1, right.size(-1)}));
}

struct ResponseTensors {
  torch::Tensor energy, gradient, hessian;
  void add(const ResponseTensors& r) {
    if (r.energy.defined()) energy = energy.defined() ? energy + r.energy : r.energy;
    if (r.gradient.defined()) gradient = gradient.defined() ? gradient + r.gradient : r.gradient;
    if (r.hessian.defined()) hessian = hessian.defined() ? hessian + r.hessian : r.hessian;
  }
};

// g and H v_k of one chunk from the point derivatives of its points (a slice when the model saw more points).
ResponseTensors assemble(const OrbitalGridChunk& c, const PointDerivatives& d, const MoleculeTensors& m,
                         ResponseOrder order) {
  ResponseTensors r;
  if (order == ResponseOrder::energy) return r;
  const torch::Tensor b = 2.0 * d.e_sigma.unsqueeze(0) * c.grad_rho;  // (3, np)
  const torch::Tensor q = apply_coefficients(d.e_rho, b, d.e_tau, c.occ);
  r.gradient = 4.0 * contract(c.vir, q);
  if (order != ResponseOrder::hessian) return r;
  const std::int64_t n_dir = c.occ1.size(0), no = c.occ.size(2), nv = c.vir.size(2);
  const torch::Tensor v_oo = contract(c.occ, q);
  // First-order coefficients: a1, b1 = 2 s1 grad rho + 2 e_sigma grad rho1, c1 on the reference orbitals (the
  // kernel G[D1[v]]), plus the ground coefficients on u_k = psi_v v_k (the V_vv v term).
  const torch::Tensor b1 = 2.0 * d.s1.unsqueeze(1) * c.grad_rho.unsqueeze(0) + 2.0 * d.e_sigma * c.grad_rho1;
  const torch::Tensor mk = apply_coefficients(d.a1, b1, d.c1, c.occ) + apply_coefficients(d.e_rho, b, d.e_tau, c.occ1);
  const torch::Tensor stacked = mk.permute({1, 2, 0, 3}).reshape({-1, n_dir * no});  // (4 np, n_dir no)
  const torch::Tensor hv = contract(c.vir, stacked).reshape({nv, n_dir, no}).permute({1, 0, 2});
  r.hessian = 4.0 * hv - 4.0 * m.directions.matmul(v_oo);
  return r;
}

PointDerivatives slice(const PointDerivatives& d, std::int64_t first, std::int64_t n, ResponseOrder order) {
  PointDerivatives s;
  if (order == ResponseOrder::energy) return s;
  s.e_rho = d.e_rho.narrow(0, first, n);
  s.e_sigma = d.e_sigma.narrow(0, first, n);
  s.e_tau = d.e_tau.narrow(0, first, n);
  if (order != ResponseOrder::hessian) return s;
  s.a1 = d.a1.narrow(1, first, n);
  s.s1 = d.s1.narrow(1, first, n);
  s.c1 = d.c1.narrow(1, first, n);
  return s;
}

// Calls visit(partial response) once per model call: per chunk for local models, once for non-local ones.
template <class Visit>
void for_each_model_call(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                         ResponseOrder order, bool create_graph, Visit&& visit) {
  if (is_nonlocal(model)) {
    const PointDerivatives d = model_pass(model, all_points(f), m, order, create_graph, true);
    ResponseTensors total;
    total.energy = d.energy;
    std::int64_t first = 0;
    for (const auto& c : f.chunks) {
      const std::int64_t n = c.weights.size(0);
      total.add(assemble(c, slice(d, first, n, order), m, order));
      first += n;
    }
    visit(total);
    return;
  }
  for (const auto& c : f.chunks) {
    const PointDerivatives d = model_pass(model, inputs_of(c), m, order, create_graph, false);
    ResponseTensors r = assemble(c, d, m, order);
    r.energy = d.energy;
    visit(r);
  }
}

std::size_t model_calls(const torch::jit::Module& model, const ReferenceFeatures& f) {
  return is_nonlocal(model) ? 1 : f.chunks.size();
}

ModelResponse detached(const ResponseTensors& r) {
  ModelResponse out;
  out.e_xc = r.energy.item<double>();
  if (r.gradient.defined()) out.gradient = r.gradient.detach();
  if (r.hessian.defined()) out.hessian_products = r.hessian.detach();
  return out;
}

}  // namespace

ResponseOrder response_order(const LossSettings& s) {
  return s.uses_hessian()    ? ResponseOrder::hessian
         : s.uses_gradient() ? ResponseOrder::gradient
                             : ResponseOrder::energy;
}

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

LossTerms loss_terms(const ModelResponse& r, const MoleculeTensors& m, const LossSettings& s, LossAdjoint* adjoint) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const double n_e = m.n_electrons;
  const double de = r.e_xc - m.e_xc;
  LossTerms t;
  t.energy = (de / n_e) * (de / n_e);
  t.relative_energy = std::abs(de) / std::max(std::abs(m.e_xc), 1e-300);
  t.total = s.weights.energy / s.scales.energy * t.energy;
  if (adjoint) adjoint->energy = 2.0 * s.weights.energy / s.scales.energy * de / (n_e * n_e);
  t.gradient = t.hessian = t.relative_gradient = t.relative_hessian = nan;
  if (r.gradient.defined()) {
    const torch::Tensor dg = r.gradient - m.g_xc;
    const double n = static_cast<double>(dg.numel());
    t.gradient = dg.pow(2).sum().item<double>() / n;
    t.relative_gradient = dg.norm().item<double>() / std::max(m.g_xc.norm().item<double>(), 1e-300);
    const double w = s.uses_gradient() ? s.weights.gradient / s.scales.gradient : 0.0;
    t.total += w * t.gradient;
    if (adjoint) adjoint->gradient = (2.0 * w / n) * dg;
  }
  if (r.hessian_products.defined()) {
    const torch::Tensor dh = r.hessian_products - m.h_xc;
    const double n = static_cast<double>(dh.numel());
    t.hessian = dh.pow(2).sum().item<double>() / n;
    t.relative_hessian = dh.norm().item<double>() / std::max(m.h_xc.norm().item<double>(), 1e-300);
    const double w = s.uses_hessian() ? s.weights.hessian / s.scales.hessian : 0.0;
    t.total += w * t.hessian;
    if (adjoint) adjoint->hessian = (2.0 * w / n) * dh;
  }
  t.finite = std::isfinite(t.total);
  return t;
}

ModelResponse model_response(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                             ResponseOrder order) {
  torch::AutoGradMode enable(order != ResponseOrder::energy);
  ResponseTensors total;
  for_each_model_call(model, m, f, order, false, [&](const ResponseTensors& r) { total.add(r); });
  return detached(total);
}

LossTerms di_loss(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                  const LossSettings& s, double scale, bool backward) {
  const ResponseOrder order = response_order(s);
  torch::AutoGradMode enable(backward || order != ResponseOrder::energy);
  // One model call: its graph serves both the values and the backward pass. Several (a local model on a chunked
  // grid): values first, then each chunk's share of dL/dtheta = c_E dE_c + <c_g, dg_c> + <c_H, dHv_c> (the loss
  // is quadratic in sums over chunks, so its first variation is linear in each chunk's contribution).
  const bool single_call = model_calls(model, f) == 1;
  ResponseTensors total;
  for_each_model_call(model, m, f, order, backward && single_call, [&](const ResponseTensors& r) { total.add(r); });
  LossAdjoint adjoint;
  const LossTerms t = loss_terms(detached(total), m, s, &adjoint);
  if (!backward || !t.finite) return t;
  auto surrogate = [&](const ResponseTensors& r) {
    torch::Tensor sum = adjoint.energy * r.energy;
    if (adjoint.gradient.defined() && r.gradient.defined()) sum = sum + (adjoint.gradient * r.gradient).sum();
    if (adjoint.hessian.defined() && r.hessian.defined()) sum = sum + (adjoint.hessian * r.hessian).sum();
    return scale * sum;
  };
  if (single_call) {
    surrogate(total).backward();
    return t;
  }
  for_each_model_call(model, m, f, order, true, [&](const ResponseTensors& r) { surrogate(r).backward(); });
  return t;
}

}  // namespace dixc::ml

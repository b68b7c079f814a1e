#include "dixc/ml/point_derivatives.hpp"

#include "dixc/ml/input_gradients.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/point_feature_jets.hpp"
#include "dixc/ml/separable_point_kernel.hpp"

namespace dixc::ml {

namespace {

PointInputs inputs_of(const OrbitalGridChunk& c) {
  return {c.weights, c.points, c.rho, c.sigma, c.tau, c.rho1, c.sigma1, c.tau1};
}

}  // namespace

PointInputs points_of(const ReferenceFeatures& f, std::size_t first, std::size_t end) {
  if (end - first == 1) return inputs_of(f.chunks[first]);
  auto cat = [&](auto member, std::int64_t dim) {
    std::vector<torch::Tensor> parts;
    for (std::size_t i = first; i < end; ++i) parts.push_back(f.chunks[i].*member);
    return parts[0].defined() ? torch::cat(parts, dim) : torch::Tensor();  // first-order parts of energy-only features
  };
  return {cat(&OrbitalGridChunk::weights, 0), cat(&OrbitalGridChunk::points, 0), cat(&OrbitalGridChunk::rho, 0),
          cat(&OrbitalGridChunk::sigma, 0),   cat(&OrbitalGridChunk::tau, 0),    cat(&OrbitalGridChunk::rho1, 1),
          cat(&OrbitalGridChunk::sigma1, 1),  cat(&OrbitalGridChunk::tau1, 1)};
}

namespace {

// The rows of the second derivative along each direction k, stacked over k: d/dx of sum_p first . x1_k, one
// double backward per direction.
std::vector<torch::Tensor> directional_rows(const std::vector<torch::Tensor>& first,
                                            const std::vector<torch::Tensor>& x, const PointInputs& in,
                                            bool create_graph) {
  std::vector<std::vector<torch::Tensor>> rows(x.size());
  for (std::int64_t k = 0; k < in.rho1.size(0); ++k) {
    const torch::Tensor along = (first[0] * in.rho1[k] + first[1] * in.sigma1[k] + first[2] * in.tau1[k]).sum();
    const auto h = input_gradients(along, x, create_graph, true);
    for (std::size_t i = 0; i < x.size(); ++i) rows[i].push_back(h[i]);
  }
  std::vector<torch::Tensor> out;
  for (const auto& r : rows) out.push_back(torch::stack(r));
  return out;
}

PointDerivatives model_pass(torch::jit::Module& model, const std::string& method, const PointInputs& in,
                            const MoleculeTensors& m, ResponseOrder order, bool create_graph, bool nonlocal) {
  PointDerivatives d;
  const bool with_inputs = order != ResponseOrder::energy;
  const torch::Tensor rho = with_inputs ? in.rho.detach().requires_grad_(true) : in.rho;
  const torch::Tensor sigma = with_inputs ? in.sigma.detach().requires_grad_(true) : in.sigma;
  const torch::Tensor tau = with_inputs ? in.tau.detach().requires_grad_(true) : in.tau;
  // No SecondDerivativeMode here: the jets' (np, k, k, hidden) intermediates make the parameter backward of a
  // di step slower (measured: mgga-mlp 1.34 -> 4.04 s per molecule-step, docs/performance.md).
  const torch::Tensor e =
      model.get_method(method)({rho, sigma, tau, in.points, in.weights, m.atom_positions, m.atom_z}).toTensor();
  d.energy = (in.weights * e).sum();
  if (!with_inputs) return d;
  const std::vector<torch::Tensor> x = {rho, sigma, tau};
  const auto first = input_gradients(d.energy, x, create_graph || order == ResponseOrder::hessian, true);
  d.e_rho = first[0];
  d.e_sigma = first[1];
  d.e_tau = first[2];
  if (order != ResponseOrder::hessian) return d;
  if (!nonlocal) {
    // Local model: row r of the per-point second-derivative matrix is d(sum_p e_r,p)/dx.
    std::vector<std::vector<torch::Tensor>> rows;
    for (const auto& f : first) rows.push_back(input_gradients(f.sum(), x, create_graph, true));
    auto row_times_x1 = [&](const std::vector<torch::Tensor>& row) {
      return row[0].unsqueeze(0) * in.rho1 + row[1].unsqueeze(0) * in.sigma1 + row[2].unsqueeze(0) * in.tau1;
    };
    d.a1 = row_times_x1(rows[0]);
    d.s1 = row_times_x1(rows[1]);
    d.c1 = row_times_x1(rows[2]);
    return d;
  }
  const auto rows = directional_rows(first, x, in, create_graph);
  d.a1 = rows[0];
  d.s1 = rows[1];
  d.c1 = rows[2];
  return d;
}

// The energy of a chunk of an atom-embedding model at fixed atom embeddings `a` (a leaf the caller may
// differentiate for); its point derivatives come from point_feature_pass.
PointDerivatives atom_embedding_energy(torch::jit::Module& model, const PointInputs& in, const MoleculeTensors& m,
                                       const torch::Tensor& a) {
  PointDerivatives d;
  d.energy = (in.weights * local_correction(model, in.rho, in.sigma, in.tau, in.points, m.atom_positions, a)).sum();
  return d;
}

// Point derivatives from a separable model's jets in variables r' whose first three are (rho, sigma, tau): E, the
// weighted first derivatives w e_r' (np, n) and, for the directions' first-order variables x1 (n_dir, np, n), the
// rows w e_r'r' x1_k (n_dir, n, np); the (rho, sigma, tau) parts go into `d`.
struct WeightedJets {
  torch::Tensor first, rows;
};
WeightedJets weighted_jets(const PointJets& jets, const PointInputs& in, const torch::Tensor& x1, PointDerivatives& d) {
  WeightedJets w;
  d.energy = (in.weights * jets.e).sum();
  w.first = in.weights.unsqueeze(1) * jets.e_r;
  d.e_rho = w.first.select(1, 0);
  d.e_sigma = w.first.select(1, 1);
  d.e_tau = w.first.select(1, 2);
  if (!jets.e_rr.defined()) return w;
  const bool differentiable = torch::GradMode::is_enabled() && (jets.e_rr.requires_grad() || x1.requires_grad());
  w.rows = differentiable ? torch::einsum("pab,kpb->kap", {in.weights.view({-1, 1, 1}) * jets.e_rr, x1})
                          : (in.weights.view({1, -1, 1}) * per_point_matvec(jets.e_rr, x1)).transpose(1, 2);
  d.a1 = w.rows.select(1, 0);
  d.s1 = w.rows.select(1, 1);
  d.c1 = w.rows.select(1, 2);
  return w;
}

torch::Tensor local_first_order(const PointInputs& in) { return torch::stack({in.rho1, in.sigma1, in.tau1}, 2); }

// The same point derivatives for a separable model from its network's jet and the fixed maps of these points
// (separable_model.hpp): one forward-mode pass through the network, differentiable for the parameters when
// create_graph is set.
PointDerivatives separable_pass(torch::jit::Module& model, const PointInputs& in, const SeparableMaps& maps,
                                ResponseOrder order, bool create_graph) {
  torch::AutoGradMode enable(create_graph);
  const bool second = order == ResponseOrder::hessian;
  PointDerivatives d;
  weighted_jets(point_jets(model, maps, second), in, second ? local_first_order(in) : torch::Tensor(), d);
  return d;
}

// The same for the non-local model's point part at fixed atom embeddings (point_feature_jets.hpp), with G_c and
// M_c,k: the jets in (rho, sigma, tau, f), f = c a; differentiable for the parameters, a and a1 with create_graph.
PointDerivatives point_feature_pass(torch::jit::Module& model, const PointInputs& in, const SeparableMaps& maps,
                                    const torch::Tensor& c, const AtomLeaves& atoms, ResponseOrder order,
                                    bool create_graph) {
  torch::AutoGradMode enable(create_graph);
  const bool second = order == ResponseOrder::hessian;
  const std::int64_t nf = atoms.a.size(1);
  const PointJets jets = point_feature_jets(model, maps, c.matmul(atoms.a), second);
  torch::Tensor x1;
  if (second) x1 = torch::cat({local_first_order(in), torch::matmul(c, atoms.a1)}, 2);  // f1_k = c a1_k
  PointDerivatives d;
  const WeightedJets w = weighted_jets(jets, in, x1, d);
  d.atom_g = c.t().matmul(w.first.narrow(1, 3, nf));
  if (second) {
    d.atom_m = torch::matmul(w.rows.narrow(1, 3, nf), c).transpose(1, 2);
    d.point_e_rr = jets.e_rr.detach();
  }
  return d;
}

}  // namespace

PointDerivatives slice(const PointDerivatives& d, std::int64_t first, std::int64_t n, ResponseOrder order) {
  PointDerivatives s;
  if (order == ResponseOrder::energy) return s;
  s.e_rho = d.e_rho.narrow(0, first, n).detach();
  s.e_sigma = d.e_sigma.narrow(0, first, n).detach();
  s.e_tau = d.e_tau.narrow(0, first, n).detach();
  if (order != ResponseOrder::hessian) return s;
  s.a1 = d.a1.narrow(1, first, n).detach();
  s.s1 = d.s1.narrow(1, first, n).detach();
  s.c1 = d.c1.narrow(1, first, n).detach();
  return s;
}

std::vector<ModelCall> model_calls(const torch::jit::Module& model, const ReferenceFeatures& f) {
  // A non-local model without the atom-embedding split (exported before it existed) sees all points at once.
  if (is_nonlocal(model) && !has_atom_embeddings(model)) return {{0, f.chunks.size(), 0}};
  // A separable model's jets (and the non-local model's point part's) are per point and cheap to call: one call
  // per (cache-sized) chunk.
  const std::size_t per_call = is_separable(model) || has_point_feature_jets(model) ? 1 : f.points_per_call;
  std::vector<ModelCall> calls;
  for (std::size_t i = 0; i < f.chunks.size();) {
    std::size_t end = i, points = 0;
    while (end < f.chunks.size() &&
           (end == i || points + static_cast<std::size_t>(f.chunks[end].weights.size(0)) <= per_call))
      points += static_cast<std::size_t>(f.chunks[end++].weights.size(0));
    calls.push_back({i, end, calls.size()});
    i = end;
  }
  return calls;
}

std::string trained_method(const torch::jit::Module& model) { return has_base(model) ? "correction" : "forward"; }

std::vector<SeparableMaps>& separable_cache_of(torch::jit::Module& model, const ReferenceFeatures& f) {
  auto& calls = f.separable_cache[model.attr("architecture").toStringRef()];
  if (calls.size() != f.chunks.size()) calls.assign(f.chunks.size(), SeparableMaps{});
  return calls;
}
const SeparableMaps& maps_of_call(torch::jit::Module& model, std::vector<SeparableMaps>& cache, std::size_t index,
                                  const PointInputs& in) {
  if (!cache[index].x.defined()) cache[index] = separable_maps(model, in.rho, in.sigma, in.tau);
  return cache[index];
}

bool uses_separable_jets(const torch::jit::Module& model, const std::string& method, ResponseOrder order) {
  return method == "correction" && order != ResponseOrder::energy && is_separable(model);
}

bool uses_cached_maps(const torch::jit::Module& model, const std::string& method, ResponseOrder order) {
  return uses_separable_jets(model, method, order) ||
         (uses_atom_embeddings(model, method) && order != ResponseOrder::energy && has_point_feature_jets(model));
}

bool uses_atom_embeddings(const torch::jit::Module& model, const std::string& method) {
  return method == "correction" && has_atom_embeddings(model);
}

AtomLeaves atom_leaves(const AtomContext& atoms, ResponseOrder order, bool create_graph) {
  AtomLeaves l{atoms.terms.a.detach(), atoms.terms.a1};
  if (order != ResponseOrder::energy || create_graph) l.a.requires_grad_(true);
  if (create_graph && l.a1.defined()) l.a1 = l.a1.detach().requires_grad_(true);
  return l;
}

PointDerivatives evaluate_call(torch::jit::Module& model, const std::string& method, const MoleculeTensors& m,
                               const ReferenceFeatures& f, const ModelCall& call, ResponseOrder order,
                               bool create_graph, const AtomLeaves* atoms) {
  const PointInputs in = points_of(f, call.first_chunk, call.end_chunk);
  if (uses_separable_jets(model, method, order))
    return separable_pass(model, in, maps_of_call(model, separable_cache_of(model, f), call.index, in), order,
                          create_graph);
  if (atoms && order == ResponseOrder::energy) return atom_embedding_energy(model, in, m, atoms->a);
  if (atoms) {
    if (!has_point_feature_jets(model))  // dixc train builds its models from this build's sources
      throw std::logic_error("an atom-embedding model without the point-feature methods has no point derivatives");
    return point_feature_pass(model, in, maps_of_call(model, separable_cache_of(model, f), call.index, in),
                              atom_weights(model, in.points, m.atom_positions), *atoms, order, create_graph);
  }
  // The base of a model is local (BLYP, RPBE + PBE): per-point rows, whatever the correction.
  return model_pass(model, method, in, m, order, create_graph, is_nonlocal(model) && method != "base");
}

namespace {

PointDerivatives detached(const PointDerivatives& d) {
  auto detach = [](const torch::Tensor& t) { return t.defined() ? t.detach() : t; };
  return {detach(d.energy), detach(d.e_rho), detach(d.e_sigma), detach(d.e_tau),  detach(d.a1),
          detach(d.s1),     detach(d.c1),    detach(d.atom_g),  detach(d.atom_m), detach(d.point_e_rr)};
}

// The point derivatives of every call; with `create_graph` (a single call whose graph the backward pass keeps)
// differentiable for the parameters.
std::vector<PointDerivatives> evaluate_calls(torch::jit::Module& model, const std::string& method,
                                             const MoleculeTensors& m, const ReferenceFeatures& f,
                                             const std::vector<ModelCall>& calls, ResponseOrder order,
                                             bool create_graph, const AtomContext* atoms = nullptr) {
  std::vector<PointDerivatives> out(calls.size());
  if (uses_cached_maps(model, method, order)) separable_cache_of(model, f);  // sized before the threads fill it
  const bool grad = torch::GradMode::is_enabled();  // thread-local: handed to the worker threads
  util::parallel_for(calls.size(), [&](std::size_t i) {
    torch::AutoGradMode enable(grad);
    const AtomLeaves leaves = atoms ? atom_leaves(*atoms, order, create_graph) : AtomLeaves{};
    out[i] = evaluate_call(model, method, m, f, calls[i], order, create_graph, atoms ? &leaves : nullptr);
    if (!create_graph) out[i] = detached(out[i]);  // no call's graph outlives its call
  });
  return out;
}

// h and h1_k (shell sums of rho and of each rho1_k over all points) and the atom embeddings a, a1_k at them.
AtomContext atom_context(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                         const std::vector<ModelCall>& calls, ResponseOrder order) {
  torch::NoGradGuard no_grad;
  const bool hessian = order == ResponseOrder::hessian;
  const torch::Tensor h = sum_over_calls(calls, [&](const ModelCall& call) {
    const PointInputs in = points_of(f, call.first_chunk, call.end_chunk);
    const torch::Tensor columns = hessian ? torch::cat({in.rho.unsqueeze(1), in.rho1.t()}, 1) : in.rho.unsqueeze(1);
    return density_shells(model, columns, in.points, in.weights, m.atom_positions);
  });
  AtomContext c;
  c.h = h[0];
  if (hessian) c.h1 = h.narrow(0, 1, h.size(0) - 1);
  c.terms = atom_terms(model, c.h, c.h1, m.atom_positions);
  return c;
}

// The non-local part of the point derivatives (nonlocal_model.hpp): G and M_k summed over the calls, lambda and
// nu_k from the atom graph, and w_p S_p . lambda (. nu_k) added to each call's rho rows.
void add_nonlocal_terms(torch::jit::Module& model, const MoleculeTensors& m, const ReferenceFeatures& f,
                        const std::vector<ModelCall>& calls, ResponseOrder order, AtomContext& atoms,
                        std::vector<PointDerivatives>& d) {
  if (order == ResponseOrder::energy) return;
  torch::NoGradGuard no_grad;
  const bool hessian = order == ResponseOrder::hessian;
  atoms.g = sum_over_calls(calls, [&](const ModelCall& call) { return d[call.index].atom_g; });
  if (hessian) atoms.m = sum_over_calls(calls, [&](const ModelCall& call) { return d[call.index].atom_m; });
  const AtomTerms t = atom_terms(model, atoms.h, atoms.h1, m.atom_positions, atoms.g, atoms.m);
  const torch::Tensor rows = hessian ? torch::cat({t.lambda.unsqueeze(0), t.nu}) : t.lambda.unsqueeze(0);
  util::parallel_for(calls.size(), [&](std::size_t i) {
    const PointInputs in = points_of(f, calls[i].first_chunk, calls[i].end_chunk);
    const torch::Tensor s = shells_transpose(model, rows, in.points, in.weights, m.atom_positions);  // (np, rows)
    d[i].e_rho = d[i].e_rho + s.select(1, 0);
    if (hessian) d[i].a1 = d[i].a1 + s.narrow(1, 1, s.size(1) - 1).t();
  });
}

}  // namespace

std::vector<PointDerivatives> value_pass(torch::jit::Module& model, const std::string& method, const MoleculeTensors& m,
                                         const ReferenceFeatures& f, const std::vector<ModelCall>& calls,
                                         ResponseOrder order, bool keep_graph, AtomContext& atoms) {
  if (!uses_atom_embeddings(model, method)) return evaluate_calls(model, method, m, f, calls, order, keep_graph);
  atoms = atom_context(model, m, f, calls, order);
  std::vector<PointDerivatives> d = evaluate_calls(model, method, m, f, calls, order, false, &atoms);
  for (auto& call : d) atoms.e_rr.push_back(std::move(call.point_e_rr));
  add_nonlocal_terms(model, m, f, calls, order, atoms, d);
  return d;
}

}  // namespace dixc::ml

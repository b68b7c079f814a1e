#pragma once
// The model's point derivatives on a molecule's fixed reference features (reference_features.hpp), the input of
// the DI-Loss (di_loss.hpp, docs/theory.md section 4). The points go in model calls (consecutive chunks, or all
// points for a non-local model without atom embeddings); each call gives E = sum_p w_p e_p, its first input
// derivatives e_x = w de/dx and its second ones contracted with the first-order features of every direction,
// a1 = w (d2e/drho dx) . x1 and so on, from autograd through the model (a local model's per-point 3x3 matrix from
// three double-backward passes; a non-local model's rows from one directional double backward per direction),
// from a separable model's network jet (separable_model.hpp), or from an atom-embedding model's chunks at fixed
// atom embeddings (its point part's network jet, point_feature_jets.hpp) with the non-local part added over all
// calls (nonlocal_model.hpp). With create_graph they are differentiable for the parameters.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>

#include "dixc/ml/loss_settings.hpp"
#include "dixc/ml/molecule_tensors.hpp"
#include "dixc/ml/nonlocal_model.hpp"
#include "dixc/ml/reference_features.hpp"
#include "dixc/ml/separable_model.hpp"
#include "dixc/util/parallel_for.hpp"

namespace dixc::ml {

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
  // An atom-embedding model's call (nonlocal_model.hpp): G_c = dE_c/da and M_c,k, the a-row of the second
  // derivative along (x1_k, a1_k); the point derivatives above are then the local part until the caller adds the
  // non-local one (add_nonlocal_terms).
  torch::Tensor atom_g, atom_m;  // (atoms, features), (n_dir, atoms, features)
  // Its point part's e_r'r' (np, 3 + F, 3 + F) at these a (point_feature_jets.hpp), without graph: the parameter
  // backward's a1-term needs it at the same parameters (value_pass moves it into AtomContext::e_rr).
  torch::Tensor point_e_rr;
};

// The atom graph's inputs of one step of an atom-embedding model (nonlocal_model.hpp): the shell sums h and h1_k
// over all points, a and a1_k, and the chunk sums G and M_k of the value pass.
struct AtomContext {
  torch::Tensor h, h1;
  AtomTerms terms;
  torch::Tensor g, m;
  std::vector<torch::Tensor> e_rr;  // per call: PointDerivatives::point_e_rr of the Hessian-order value pass
};

// The points of chunks [first, end) as one input.
PointInputs points_of(const ReferenceFeatures& f, std::size_t first, std::size_t end);

// The points of one model call: a chunk for a local model, all chunks for a non-local one.
struct ModelCall {
  std::size_t first_chunk = 0, end_chunk = 0;
  std::size_t index = 0;  // position in model_calls
};
// Consecutive chunks up to f.points_per_call points (at least one chunk) per call of a local model.
std::vector<ModelCall> model_calls(const torch::jit::Module& model, const ReferenceFeatures& f);

// The method a step differentiates: the learned correction when the model has a base (evaluated once per
// molecule by the DI-Loss, di_loss.cpp), else the whole energy density.
std::string trained_method(const torch::jit::Module& model);

// The cache of a separable model's maps (one per chunk: one call per chunk, model_calls), sized before the calls
// run in parallel; each call then fills only its own slot.
std::vector<SeparableMaps>& separable_cache_of(torch::jit::Module& model, const ReferenceFeatures& f);
// The fixed maps of call `index` of a separable model, computed on first use and kept with the features.
const SeparableMaps& maps_of_call(torch::jit::Module& model, std::vector<SeparableMaps>& cache, std::size_t index,
                                  const PointInputs& in);

// Whether a step takes the point derivatives from a separable model's network jet (separable_model.hpp).
bool uses_separable_jets(const torch::jit::Module& model, const std::string& method, ResponseOrder order);

// Whether a step evaluates the points in chunks at fixed atom embeddings (nonlocal_model.hpp).
bool uses_atom_embeddings(const torch::jit::Module& model, const std::string& method);
// Whether a step's calls use the per-chunk maps of separable_cache_of (separable jets or point-feature jets).
bool uses_cached_maps(const torch::jit::Module& model, const std::string& method, ResponseOrder order);

// The atom embeddings of an atom-embedding model's call: leaves for the first derivatives (and, with
// create_graph, for the parameter backward); a1 a leaf only then.
struct AtomLeaves {
  torch::Tensor a, a1;
};
AtomLeaves atom_leaves(const AtomContext& atoms, ResponseOrder order, bool create_graph);

// The point derivatives of one call (`atoms`: an atom-embedding model's embeddings at which its chunks are
// evaluated); with create_graph differentiable for the parameters.
PointDerivatives evaluate_call(torch::jit::Module& model, const std::string& method, const MoleculeTensors& m,
                               const ReferenceFeatures& f, const ModelCall& call, ResponseOrder order,
                               bool create_graph, const AtomLeaves* atoms = nullptr);

// The value pass: the point derivatives of every call (graphs as evaluate_calls), with an atom-embedding model's
// non-local part added; `atoms` keeps that model's atom context for the backward pass.
std::vector<PointDerivatives> value_pass(torch::jit::Module& model, const std::string& method, const MoleculeTensors& m,
                                         const ReferenceFeatures& f, const std::vector<ModelCall>& calls,
                                         ResponseOrder order, bool keep_graph, AtomContext& atoms);

// Sum over the calls in call order (the same for any thread count) of per-call tensors.
template <class PerCall>
torch::Tensor sum_over_calls(const std::vector<ModelCall>& calls, PerCall&& per_call) {
  std::vector<torch::Tensor> parts(calls.size());
  util::parallel_for(calls.size(), [&](std::size_t i) { parts[i] = per_call(calls[i]); });
  torch::Tensor sum = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) sum = sum + parts[i];
  return sum;
}

// visit(chunk, first, n) for the chunks of one call, with their points' offset `first` and count `n` within it.
template <class Visit>
void for_each_chunk(const ReferenceFeatures& f, const ModelCall& call, Visit&& visit) {
  std::int64_t first = 0;
  for (std::size_t i = call.first_chunk; i < call.end_chunk; ++i) {
    const std::int64_t n = f.chunks[i].weights.size(0);
    visit(f.chunks[i], first, n);
    first += n;
  }
}

// Points [first, first + n) of a call's point derivatives (one chunk of it, for_each_chunk), detached, up to
// `order`; the energy is left undefined.
PointDerivatives slice(const PointDerivatives& d, std::int64_t first, std::int64_t n, ResponseOrder order);

}  // namespace dixc::ml

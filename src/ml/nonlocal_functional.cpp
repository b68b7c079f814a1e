#include "dixc/ml/nonlocal_functional.hpp"

#include <torch/torch.h>

#include "dixc/ml/eigen_torch.hpp"
#include "dixc/ml/input_gradients.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/nonlocal_model.hpp"
#include "dixc/util/chunk_ranges.hpp"
#include "dixc/util/parallel_for.hpp"

namespace dixc::ml {

DensityLeaves density_leaves(const xc::PointDensity& d, bool with_tau, std::int64_t first, std::int64_t last) {
  const Eigen::Index m = last - first;
  auto leaf = [&](const Eigen::VectorXd& v) { return to_tensor(Eigen::VectorXd(v.segment(first, m))); };
  return {leaf(d.rho).requires_grad_(true), leaf(d.sigma).requires_grad_(true),
          (with_tau ? leaf(d.tau) : torch::zeros({m}, torch::kDouble)).requires_grad_(true)};
}

namespace {

using Range = std::pair<std::int64_t, std::int64_t>;

torch::Tensor rows_of(const torch::Tensor& t, Range r) { return t.slice(0, r.first, r.second); }

// The parameter-free base functional's energy density at the chunk's points.
torch::Tensor base_density(torch::jit::Module& model, const ModelGrid& g, const DensityLeaves& in, Range r) {
  return model
      .get_method("base")(
          {in.rho, in.sigma, in.tau, rows_of(g.points, r), rows_of(g.weights, r), g.atom_positions, g.atom_z})
      .toTensor();
}

// sum_i per_chunk(i, ranges[i]), the chunks in parallel over the OpenMP threads, summed in chunk order (the same
// result for any thread count).
template <class PerChunk>
torch::Tensor sum_in_chunk_order(const std::vector<Range>& ranges, PerChunk&& per_chunk) {
  std::vector<torch::Tensor> parts(ranges.size());
  util::parallel_for(ranges.size(), [&](std::size_t i) {
    torch::NoGradGuard no_grad;
    parts[i] = per_chunk(i, ranges[i]);
  });
  torch::Tensor sum = parts.at(0);
  for (std::size_t i = 1; i < parts.size(); ++i) sum = sum + parts[i];
  return sum;
}

// h[n] = sum_p w_p rho[p, n] S_p for the columns of rho (np, n), summed over the chunks.
torch::Tensor shells(torch::jit::Module& model, const ModelGrid& g, const torch::Tensor& rho,
                     const std::vector<Range>& ranges) {
  return sum_in_chunk_order(ranges, [&](std::size_t, Range r) {
    return density_shells(model, rows_of(rho, r), rows_of(g.points, r), rows_of(g.weights, r), g.atom_positions);
  });
}

// w_p S_p . x[n] at the chunk's points (m, n) for rows x (n, atoms, shells).
torch::Tensor shells_transpose_of(torch::jit::Module& model, const ModelGrid& g, Range r, const torch::Tensor& x) {
  return shells_transpose(model, x, rows_of(g.points, r), rows_of(g.weights, r), g.atom_positions);
}

std::vector<Range> ranges_of(const ModelGrid& g, std::int64_t chunk_points) {
  return util::chunk_ranges(g.weights.size(0), chunk_points);
}

torch::Tensor embeddings(torch::jit::Module& model, const ModelGrid& g, const torch::Tensor& h) {
  torch::NoGradGuard no_grad;
  return atom_terms(model, h, {}, g.atom_positions).a;
}

}  // namespace

bool has_point_features(const torch::jit::Module& model) {
  if (!has_atom_embeddings(model) || !has_base(model)) return false;
  for (const char* method : {"shell_values", "atom_weights", "point_correction"})
    if (!model.find_method(method)) return false;
  return true;
}

InputDerivatives nonlocal_input_derivatives(torch::jit::Module& model, const ModelGrid& grid,
                                            const xc::PointDensity& density, bool with_tau, std::int64_t chunk_points) {
  const auto ranges = ranges_of(grid, chunk_points);
  const torch::Tensor h = shells(model, grid, to_tensor(density.rho).unsqueeze(1), ranges)[0];
  const torch::Tensor a = embeddings(model, grid, h);
  const Eigen::Index n = density.rho.size();
  InputDerivatives out;
  out.rho.resize(n);
  out.sigma.resize(n);
  if (with_tau) out.tau.resize(n);
  std::vector<double> energies(ranges.size());
  const torch::Tensor g = sum_in_chunk_order(ranges, [&](std::size_t i, Range r) {
    torch::AutoGradMode enable(true);
    const Eigen::Index m = r.second - r.first;
    const DensityLeaves in = density_leaves(density, with_tau, r.first, r.second);
    const torch::Tensor a_leaf = a.detach().clone().requires_grad_(true);
    const torch::Tensor e =
        base_density(model, grid, in, r) +
        local_correction(model, in.rho, in.sigma, in.tau, rows_of(grid.points, r), grid.atom_positions, a_leaf);
    const torch::Tensor energy = (rows_of(grid.weights, r) * e).sum();
    const auto d = input_gradients(energy, {in.rho, in.sigma, in.tau, a_leaf}, false, false);
    out.rho.segment(r.first, m) = to_eigen(d[0], m);
    out.sigma.segment(r.first, m) = to_eigen(d[1], m);
    if (with_tau) out.tau.segment(r.first, m) = to_eigen(d[2], m);
    energies[i] = energy.item<double>();
    return d[3];  // this chunk's share of G = dE/da at fixed h
  });
  for (const double e : energies) out.energy += e;  // in chunk order: the same sum for any thread count
  torch::Tensor lambda;
  {
    torch::NoGradGuard no_grad;
    lambda = atom_terms(model, h, {}, grid.atom_positions, g).lambda;  // J^T G
  }
  util::parallel_for(ranges.size(), [&](std::size_t i) {
    const Range r = ranges[i];
    out.rho.segment(r.first, r.second - r.first) +=
        to_eigen(shells_transpose_of(model, grid, r, lambda.unsqueeze(0)).select(1, 0), r.second - r.first);
  });
  return out;
}

NonlocalKernel::NonlocalKernel(torch::jit::Module& model, const ModelGrid& grid, const xc::PointDensity& density,
                               bool with_tau, std::int64_t chunk_points)
    : model_(model), grid_(grid), with_tau_(with_tau) {
  const auto ranges = ranges_of(grid_, chunk_points);
  h_ = shells(model_, grid_, to_tensor(density.rho).unsqueeze(1), ranges)[0];
  const torch::Tensor a = embeddings(model_, grid_, h_);
  chunks_.resize(ranges.size());
  g_ = sum_in_chunk_order(ranges, [&](std::size_t i, Range r) {
    torch::AutoGradMode enable(true);
    Chunk& c = chunks_[i];
    const torch::Tensor w = rows_of(grid_.weights, r), points = rows_of(grid_.points, r);
    c.first = r.first;
    c.last = r.second;
    c.grad_rho = to_tensor(Eigen::MatrixX3d(density.grad.middleRows(r.first, r.second - r.first)));
    c.atom_weights = atom_weights(model_, points, grid_.atom_positions).detach();
    c.weighted_shells = (w.view({-1, 1, 1}) * shell_values(model_, points, grid_.atom_positions)).flatten(1).detach();
    const DensityLeaves in = density_leaves(density, with_tau_, r.first, r.second);
    const torch::Tensor f = torch::matmul(c.atom_weights, a).requires_grad_(true);
    const torch::Tensor e = base_density(model_, grid_, in, r) + point_correction(model_, in.rho, in.sigma, in.tau, f);
    // Each e_p depends on its own z_p = (rho, sigma, tau, f)_p only: the gradient of sum_p e_p is e_z per point,
    // and the gradient of sum_p (e_z)_j is row j of e_zz per point (one backward per input).
    const std::vector<torch::Tensor> z = {in.rho, in.sigma, in.tau, f};
    const auto first = input_gradients(e.sum(), z, true, true);
    const std::int64_t nz = 3 + f.size(1);
    std::vector<torch::Tensor> rows;
    for (std::int64_t j = 0; j < nz; ++j) {
      const torch::Tensor component = j < 3 ? first[j] : first[3].select(1, j - 3);
      const auto row = input_gradients(component.sum(), z, false, j + 1 < nz);
      rows.push_back(torch::cat({row[0].unsqueeze(1), row[1].unsqueeze(1), row[2].unsqueeze(1), row[3]}, 1));
    }
    c.e_sigma = w * first[1].detach();
    c.second = torch::stack(rows, 1).detach();
    return torch::matmul(c.atom_weights.t(), w.unsqueeze(1) * first[3].detach());  // sum_p w_p c(p) e_f,p
  });
}

std::vector<xc::PointPotential> NonlocalKernel::products(const std::vector<xc::PointDensity>& first_order) const {
  torch::NoGradGuard no_grad;
  const auto n_dir = static_cast<std::int64_t>(first_order.size());
  if (n_dir == 0) return {};
  const std::int64_t n = grid_.weights.size(0);
  torch::Tensor rho1 = torch::zeros({n, n_dir}, torch::kDouble), tau1 = torch::zeros({n, n_dir}, torch::kDouble);
  torch::Tensor grad1 = torch::zeros({n, n_dir, 3}, torch::kDouble);
  for (std::int64_t k = 0; k < n_dir; ++k) {
    const xc::PointDensity& d = first_order[static_cast<std::size_t>(k)];
    rho1.select(1, k).copy_(to_tensor(d.rho));
    grad1.select(1, k).copy_(to_tensor(d.grad));
    if (with_tau_) tau1.select(1, k).copy_(to_tensor(d.tau));
  }
  std::vector<Range> ranges;
  for (const Chunk& c : chunks_) ranges.emplace_back(c.first, c.last);
  const std::int64_t atoms = h_.size(0), features = g_.size(1);
  // h1 = sum_p w_p rho1_p S_p (n_dir, atoms, shells), then a1 = J h1 through the atom graph.
  const torch::Tensor h1 = sum_in_chunk_order(ranges, [&](std::size_t i, Range r) {
                             return torch::matmul(rows_of(rho1, r).t(), chunks_[i].weighted_shells);
                           }).view({n_dir, atoms, -1});
  const torch::Tensor a1 = atom_terms(model_, h_, h1, grid_.atom_positions).a1;  // (n_dir, atoms, features)
  const torch::Tensor a1_columns = a1.permute({1, 0, 2}).reshape({atoms, n_dir * features});

  // Point part t = e_zz z1 (its weighted r-rows kept per chunk) and the a-rows M = sum_p w_p c(p) (e_zz z1)_f.
  std::vector<torch::Tensor> point_rows(chunks_.size());
  const torch::Tensor m = sum_in_chunk_order(ranges, [&](std::size_t i, Range r) {
    const Chunk& c = chunks_[i];
    const std::int64_t len = r.second - r.first;
    const torch::Tensor w = rows_of(grid_.weights, r).view({-1, 1, 1});
    const torch::Tensor f1 = torch::matmul(c.atom_weights, a1_columns).view({len, n_dir, features});
    const torch::Tensor sigma1 = 2.0 * (c.grad_rho.unsqueeze(1) * rows_of(grad1, r)).sum(2);
    const torch::Tensor z1 = torch::cat(
        {rows_of(rho1, r).unsqueeze(2), sigma1.unsqueeze(2), rows_of(tau1, r).unsqueeze(2), f1}, 2);  // (m, n_dir, nz)
    const torch::Tensor t = w * torch::bmm(z1, c.second);  // e_zz is symmetric: (e_zz z1)_p = z1_p^T e_zz,p
    point_rows[i] = t.slice(2, 0, 3);
    return torch::matmul(c.atom_weights.t(), t.slice(2, 3).reshape({len, n_dir * features}));  // (atoms, n_dir*f)
  });
  const torch::Tensor nu =
      atom_terms(model_, h_, h1, grid_.atom_positions, g_, m.view({atoms, n_dir, features}).permute({1, 0, 2})).nu;
  const torch::Tensor nu_columns = nu.reshape({n_dir, -1}).t();  // (atoms*shells, n_dir)

  std::vector<xc::PointPotential> out(first_order.size());
  for (auto& p : out) {
    p.a.resize(n);
    p.b.resize(n, 3);
    if (with_tau_) p.c.resize(n);
  }
  util::parallel_for(chunks_.size(), [&](std::size_t i) {
    torch::NoGradGuard no_grad_here;
    const Chunk& c = chunks_[i];
    const Eigen::Index len = c.last - c.first;
    const torch::Tensor rho_part = point_rows[i].select(2, 0) + torch::matmul(c.weighted_shells, nu_columns);
    const torch::Tensor b = 2.0 * (point_rows[i].select(2, 1).unsqueeze(2) * c.grad_rho.unsqueeze(1) +
                                   c.e_sigma.view({-1, 1, 1}) * rows_of(grad1, {c.first, c.last}));  // (m, n_dir, 3)
    for (std::int64_t k = 0; k < n_dir; ++k) {
      xc::PointPotential& p = out[static_cast<std::size_t>(k)];
      p.a.segment(c.first, len) = to_eigen(rho_part.select(1, k).contiguous(), len);
      const torch::Tensor bk = b.select(1, k);
      for (int x = 0; x < 3; ++x) p.b.col(x).segment(c.first, len) = to_eigen(bk.select(1, x).contiguous(), len);
      if (with_tau_) p.c.segment(c.first, len) = to_eigen(point_rows[i].select(2, 2).select(1, k).contiguous(), len);
    }
  });
  return out;
}

}  // namespace dixc::ml

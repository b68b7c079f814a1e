#include "dixc/xc/semilocal_integrator.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

// Pivoted Cholesky of a positive semidefinite matrix (LAPACK).
extern "C" void dpstrf_(const char* uplo, const int* n, double* a, const int* lda, int* piv, int* rank,
                        const double* tol, double* work, int* info);

namespace dixc::xc {

namespace {

using Matrix = Eigen::MatrixXd;

// Exactly equal, shapes included (the key of the kernel data kept between calls).
bool same_matrix(const Matrix& a, const Matrix& b) { return a.rows() == b.rows() && a.cols() == b.cols() && a == b; }

Matrix gather(const Matrix& full, const std::vector<int>& idx) {
  const Eigen::Index n = static_cast<Eigen::Index>(idx.size());
  Matrix out(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) out(i, j) = full(idx[i], idx[j]);
  return out;
}

// Sum of per-thread matrices, symmetrised (each thread adds only complete symmetric contributions, so this just
// removes rounding asymmetry).
Matrix reduce(std::vector<Matrix>& parts) {
  Matrix sum = parts[0];
  for (std::size_t t = 1; t < parts.size(); ++t) sum += parts[t];
  return 0.5 * (sum + sum.transpose());
}

// The coefficients of the block's points of whole-grid coefficients.
PointPotential block_slice(const PointPotential& whole, const grid::GridBlock& block) {
  const Eigen::Index first = static_cast<Eigen::Index>(block.begin);
  const Eigen::Index np = static_cast<Eigen::Index>(block.end - block.begin);
  PointPotential slice;
  slice.a = whole.a.segment(first, np);
  if (whole.b.size()) slice.b = whole.b.middleRows(first, np);
  if (whole.c.size()) slice.c = whole.c.segment(first, np);
  return slice;
}

std::vector<PointPotential> block_slices(const std::vector<PointPotential>& whole, const grid::GridBlock& block) {
  std::vector<PointPotential> out;
  for (const auto& w : whole) out.push_back(block_slice(w, block));
  return out;
}

}  // namespace

SemilocalIntegrator::SemilocalIntegrator(const chem::BasisSet& basis, grid::MolecularGrid grid, DensityOrder order,
                                         std::size_t ao_cache_bytes)
    : basis_(basis), grid_(std::move(grid)), order_(order), extents_(grid::shell_extents(basis)) {
  const std::size_t components = order == DensityOrder::lda ? 1 : 4;
  const std::size_t upper_bound = grid_.size() * basis.nbf * components * sizeof(double);
  if (upper_bound > ao_cache_bytes) return;
  cache_.resize(grid_.blocks.size());
#pragma omp parallel for schedule(dynamic)
  for (std::size_t b = 0; b < grid_.blocks.size(); ++b)
    cache_[b] = grid::evaluate_ao(basis_, extents_, grid_.points, grid_.blocks[b], order_ != DensityOrder::lda);
}

const grid::AoBlock& SemilocalIntegrator::ao_block(std::size_t b, grid::AoBlock& scratch) const {
  if (!cache_.empty()) return cache_[b];
  scratch = grid::evaluate_ao(basis_, extents_, grid_.points, grid_.blocks[b], order_ != DensityOrder::lda);
  return scratch;
}

Matrix SemilocalIntegrator::positive_factor(const Matrix& density) {
  // A negative diagonal element rules it out at once (typical of perturbations).
  if (density.size() == 0 || (density.diagonal().array() < 0.0).any()) return {};
  const int n = static_cast<int>(density.rows());
  const double scale = density.cwiseAbs().maxCoeff();
  if (scale == 0.0) return {};
  // Pivoted Cholesky P^T D P = L L^T (LAPACK dpstrf), stopped at the numerical rank r (pivots below LAPACK's
  // default n eps max D_ii): O(n^2 r), where an eigendecomposition is O(n^3) on one thread.
  Matrix a = density;
  std::vector<int> pivots(static_cast<std::size_t>(n));
  std::vector<double> work(2 * static_cast<std::size_t>(n));
  int rank = 0, info = 0;
  const double default_tolerance = -1.0;
  dpstrf_("L", &n, a.data(), &n, pivots.data(), &rank, &default_tolerance, work.data(), &info);
  if (info < 0 || rank == 0) return {};
  // Factor P L: row pivots[j] - 1 holds row j of L's first r columns (lower triangle).
  Matrix factor = Matrix::Zero(n, rank);
  for (int j = 0; j < n; ++j)
    for (int k = 0; k < std::min(j + 1, rank); ++k) factor(pivots[static_cast<std::size_t>(j)] - 1, k) = a(j, k);
  // dpstrf stops at the first small pivot whatever the rest holds: only a positive semidefinite density is
  // reproduced by L L^T (an indefinite one leaves its negative part in the residual).
  const double residual = (density - factor * factor.transpose()).cwiseAbs().maxCoeff();
  if (residual > 32.0 * n * std::numeric_limits<double>::epsilon() * scale) return {};
  return factor;
}

PointDensity SemilocalIntegrator::block_density(const grid::AoBlock& ao, const Matrix& density,
                                                const Matrix& factor) const {
  PointDensity d;
  const Eigen::Index np = ao.value.rows(), nb = ao.value.cols(), rank = factor.cols();
  const bool gradients = order_ != DensityOrder::lda, meta = order_ == DensityOrder::meta_gga;
  if (factor.size() != 0 && (gradients ? 4 : 1) * rank < (meta ? 4 : 1) * nb) {
    Matrix l(nb, rank);
    for (Eigen::Index i = 0; i < nb; ++i) l.row(i) = factor.row(ao.functions[static_cast<std::size_t>(i)]);
    const Matrix psi = ao.value * l;
    d.rho = psi.rowwise().squaredNorm();
    if (!gradients) return d;
    d.grad.resize(np, 3);
    if (meta) d.tau = Eigen::VectorXd::Zero(np);
    for (int k = 0; k < 3; ++k) {
      const Matrix grad_psi = ao.gradient[k] * l;
      d.grad.col(k) = 2.0 * psi.cwiseProduct(grad_psi).rowwise().sum();
      if (meta) d.tau += 0.5 * grad_psi.rowwise().squaredNorm();
    }
    d.sigma = d.grad.rowwise().squaredNorm();
    return d;
  }
  const Matrix d_sub = gather(density, ao.functions);
  const Matrix x = ao.value * d_sub;
  d.rho = ao.value.cwiseProduct(x).rowwise().sum();
  if (!gradients) return d;
  d.grad.resize(np, 3);
  // grad rho = 2 sum_{mu nu} D_{mu nu} grad phi_mu phi_nu (D symmetric)
  for (int k = 0; k < 3; ++k) d.grad.col(k) = 2.0 * ao.gradient[k].cwiseProduct(x).rowwise().sum();
  d.sigma = d.grad.rowwise().squaredNorm();
  if (meta) {
    d.tau = Eigen::VectorXd::Zero(np);
    for (int k = 0; k < 3; ++k) d.tau += 0.5 * ao.gradient[k].cwiseProduct(ao.gradient[k] * d_sub).rowwise().sum();
  }
  return d;
}

void SemilocalIntegrator::accumulate(const grid::AoBlock& ao, const grid::GridBlock& block, const PointPotential& v,
                                     bool weighted, Matrix& out) const {
  const Eigen::Index np = ao.value.rows();
  const Eigen::VectorXd w =
      weighted ? Eigen::VectorXd::Ones(np)
               : Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(grid_.weights.data() + block.begin, np));
  // B = (w a / 2) phi + sum_k (w b_k) d_k phi, so that phi^T B + B^T phi = sum_p w [a phi phi + b . grad(phi phi)]
  Matrix bmat = (0.5 * w.cwiseProduct(v.a)).asDiagonal() * ao.value;
  if (v.b.size() != 0)
    for (int k = 0; k < 3; ++k) bmat += w.cwiseProduct(v.b.col(k)).asDiagonal() * ao.gradient[k];
  Matrix local = ao.value.transpose() * bmat;
  local += local.transpose().eval();
  if (v.c.size() != 0) {
    // sum_k grad_k phi^T diag(w c/2) grad_k phi is symmetric: its lower triangle only (half the multiplications),
    // mirrored once.
    const Eigen::VectorXd half_wc = 0.5 * w.cwiseProduct(v.c);
    Matrix tau_part = Matrix::Zero(local.rows(), local.cols());
    for (int k = 0; k < 3; ++k)
      tau_part.triangularView<Eigen::Lower>() += ao.gradient[k].transpose() * (half_wc.asDiagonal() * ao.gradient[k]);
    local += tau_part.selfadjointView<Eigen::Lower>().toDenseMatrix();
  }
  const auto& idx = ao.functions;
  for (std::size_t j = 0; j < idx.size(); ++j)
    for (std::size_t i = 0; i < idx.size(); ++i) out(idx[i], idx[j]) += local(i, j);
}

SemilocalEnergyPotential SemilocalIntegrator::energy_potential(const Matrix& density,
                                                               const EnergyKernel& kernel) const {
  const int nt = omp_get_max_threads();
  std::vector<Matrix> v(nt, Matrix::Zero(basis_.nbf, basis_.nbf));
  std::vector<double> energy(grid_.blocks.size()), electrons(grid_.blocks.size());
  const Matrix factor = positive_factor(density);
#pragma omp parallel
  {
    grid::AoBlock scratch;
    Eigen::VectorXd e;
    PointPotential pot;
    // Static schedule: reproducible per-thread sums for a given thread count (see jk_builder.cpp).
#pragma omp for schedule(static, 4)
    for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
      const auto& block = grid_.blocks[b];
      const auto& ao = ao_block(b, scratch);
      const PointDensity d = block_density(ao, density, factor);
      kernel(d, e, pot);
      const Eigen::Map<const Eigen::VectorXd> w(grid_.weights.data() + block.begin, d.rho.size());
      energy[b] = w.dot(e);
      electrons[b] = w.dot(d.rho);
      accumulate(ao, block, pot, false, v[omp_get_thread_num()]);
    }
  }
  SemilocalEnergyPotential out;
  // Per-block partial sums added in block order: the energy does not depend on the thread count.
  for (std::size_t b = 0; b < energy.size(); ++b) {
    out.energy += energy[b];
    out.n_electrons += electrons[b];
  }
  out.potential = reduce(v);
  return out;
}

SemilocalIntegrator::KernelGroundState& SemilocalIntegrator::kernel_ground_state(const Matrix& density) const {
  KernelGroundState& s = kernel_state_;
  if (s.complete && same_matrix(s.density, density)) return s;
  s.density = density;
  s.ground.assign(grid_.blocks.size(), PointDensity{});
  s.factors.assign(grid_.blocks.size(), Matrix{});
  s.complete = false;
  return s;
}

SemilocalIntegrator::KernelOrbitals& SemilocalIntegrator::kernel_orbitals(const Matrix& c_occ,
                                                                          const Matrix& c_vir) const {
  KernelOrbitals& s = kernel_orbitals_;
  const bool same_orbitals = same_matrix(s.c_occ, c_occ) && same_matrix(s.c_vir, c_vir);
  if (same_orbitals && s.complete) return s;
  s.complete = false;
  if (!same_orbitals) {
    // First use of these orbitals: evaluated on the fly. Kept from their second use on, so that a single pass
    // (one batch of Hessian products) does not pay for storing them.
    s.c_occ = c_occ;
    s.c_vir = c_vir;
    s.kept = false;
    s.psi_o.clear();
    s.psi_v.clear();
    return s;
  }
  const std::size_t n_stack = order_ == DensityOrder::lda ? 1 : 4;
  const std::size_t bytes = grid_.size() * n_stack * static_cast<std::size_t>(c_occ.cols() + c_vir.cols()) * 8;
  s.kept = bytes <= kOrbitalBytes;
  s.psi_o.assign(s.kept ? grid_.blocks.size() : 0, Matrix{});
  s.psi_v.assign(s.kept ? grid_.blocks.size() : 0, Matrix{});
  return s;
}

void SemilocalIntegrator::fill_kernel_ground_state(KernelGroundState& state, std::size_t b, const grid::AoBlock& ao,
                                                   const ResponseKernel& kernel) const {
  if (state.complete) return;
  state.ground[b] = block_density(ao, state.density);
  state.factors[b] = kernel.factors(state.ground[b], grid_.blocks[b].begin);
}

std::vector<Matrix> SemilocalIntegrator::kernel_contraction(const Matrix& density,
                                                            const std::vector<Matrix>& perturbations,
                                                            const ResponseKernel& kernel) const {
  const int nt = omp_get_max_threads();
  const std::size_t nx = perturbations.size();
  std::vector<std::vector<Matrix>> v(nx, std::vector<Matrix>(nt, Matrix::Zero(basis_.nbf, basis_.nbf)));
  const std::lock_guard<std::mutex> lock(kernel_mutex_);
  KernelGroundState& state = kernel_ground_state(density);
#pragma omp parallel
  {
    grid::AoBlock scratch;
    std::vector<PointDensity> first(nx);
    std::vector<PointPotential> pot(nx);
#pragma omp for schedule(static, 4)
    for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
      const auto& ao = ao_block(b, scratch);
      fill_kernel_ground_state(state, b, ao, kernel);
      for (std::size_t x = 0; x < nx; ++x) first[x] = block_density(ao, perturbations[x]);
      kernel.apply(state.ground[b], state.factors[b], first, pot);
      for (std::size_t x = 0; x < nx; ++x) accumulate(ao, grid_.blocks[b], pot[x], false, v[x][omp_get_thread_num()]);
    }
  }
  state.complete = true;
  std::vector<Matrix> out(nx);
  for (std::size_t x = 0; x < nx; ++x) out[x] = reduce(v[x]);
  return out;
}

std::vector<Matrix> SemilocalIntegrator::kernel_contraction_ov(const Matrix& density, const Matrix& c_occ,
                                                               const Matrix& c_vir,
                                                               const std::vector<Matrix>& directions,
                                                               const ResponseKernel& kernel) const {
  const Eigen::Index nx = static_cast<Eigen::Index>(directions.size());
  const Eigen::Index no = c_occ.cols(), nv = c_vir.cols();
  const bool gradients = order_ != DensityOrder::lda, meta = order_ == DensityOrder::meta_gga;
  if (nx == 0) return {};
  // All directions side by side: v_stack = [v_1 | v_2 | ...] (nv x no*nx) and (GGA) vt_stack = [v_1^T | v_2^T |
  // ...] (no x nv*nx), so that every GEMM below serves all directions at once (n_occ alone is 5-20 columns).
  const bool vir_side = gradients && !meta;  // GGA: q = psi_o v^T and the accumulator out_xv_o in use
  Matrix v_stack(nv, no * nx), vt_stack(vir_side ? no : 0, vir_side ? nv * nx : 0);
  for (Eigen::Index x = 0; x < nx; ++x) {
    v_stack.middleCols(x * no, no) = directions[x];
    if (vir_side) vt_stack.middleCols(x * nv, nv) = directions[x].transpose();
  }
  // Per block, the AO values and (GGA, meta-GGA) their three gradient components are stacked by rows,
  // [phi; d_x phi; d_y phi; d_z phi], so that each product below is one GEMM for all of them.
  const Eigen::Index n_stack = gradients ? 4 : 1;
  const int n_threads = omp_get_max_threads();
  // Two accumulators per thread: C_v^T V1_x C_o column block x of out_vo, and (GGA) its part built from the
  // virtual-side gradients, (C_v^T V1_x C_o) row block x of out_xv_o (nv*nx x no).
  std::vector<Matrix> out_vo(n_threads, Matrix::Zero(nv, no * nx)), out_xv_o(n_threads);
  if (vir_side) std::fill(out_xv_o.begin(), out_xv_o.end(), Matrix::Zero(nv * nx, no));
  const std::lock_guard<std::mutex> lock(kernel_mutex_);
  KernelGroundState& state = kernel_ground_state(density);
  KernelOrbitals& orbitals = kernel_orbitals(c_occ, c_vir);

  // body(b, psi_o, psi_v) for every block on the OpenMP threads, with the block's orbitals and their gradients
  // (row block k: psi (k = 0) or d_k psi): the kept ones, or evaluated from the AOs while something is still to
  // be kept (AOs may not be cached: large grids). Static schedule: reproducible per-thread sums for a given
  // thread count (see jk_builder.cpp).
  auto for_each_block = [&](auto&& body) {
#pragma omp parallel
    {
      grid::AoBlock scratch;
#pragma omp for schedule(static, 4)
      for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
        Matrix psi_o_block, psi_v_block;
        if (!state.complete || !orbitals.kept || !orbitals.complete) {
          const auto& ao = ao_block(b, scratch);
          fill_kernel_ground_state(state, b, ao, kernel);
          const Eigen::Index np = static_cast<Eigen::Index>(grid_.blocks[b].end - grid_.blocks[b].begin);
          const Eigen::Index nf = static_cast<Eigen::Index>(ao.functions.size());
          Matrix phi(n_stack * np, nf), co(nf, no), cv(nf, nv);
          phi.topRows(np) = ao.value;
          for (Eigen::Index k = 1; k < n_stack; ++k) phi.middleRows(k * np, np) = ao.gradient[k - 1];
          for (Eigen::Index f = 0; f < nf; ++f) {
            co.row(f) = c_occ.row(ao.functions[f]);
            cv.row(f) = c_vir.row(ao.functions[f]);
          }
          psi_o_block.noalias() = phi * co;
          psi_v_block.noalias() = phi * cv;
          if (orbitals.kept) {
            orbitals.psi_o[b] = std::move(psi_o_block);
            orbitals.psi_v[b] = std::move(psi_v_block);
          }
        }
        body(b, orbitals.kept ? orbitals.psi_o[b] : psi_o_block, orbitals.kept ? orbitals.psi_v[b] : psi_v_block);
      }
    }
    state.complete = true;
    orbitals.complete = orbitals.kept;
  };
  auto rows_of = [](auto&& m, Eigen::Index np, Eigen::Index k) { return m.middleRows(k * np, np); };

  // First-order density of S = C_v v C_o^T + transpose on block b: with t_x = psi_v v_x (np x no) and
  // q_x = psi_o v_x^T (np x nv),
  //   rho1 = 2 sum_i t_i psi_i,   d_k rho1 = 2 [sum_a d_k psi_a q_a + sum_i t_i d_k psi_i].
  // LDA, GGA: two GEMMs instead of one per stacked row block (half the flops of differentiating t). Meta-GGA,
  // which needs the stacked product anyway for tau1: t_k = d_k psi_v v (k = 0..3, one GEMM on the stacked rows)
  // and everything elementwise on n_occ columns,
  //   d_k rho1 = 2 sum_i [t_k,i psi_i + t_0,i d_k psi_i],   tau1 = sum_k sum_i t_k,i d_k psi_i.
  auto first_order = [&](std::size_t b, const Matrix& psi_o, const Matrix& psi_v, std::vector<PointDensity>& first) {
    const Eigen::Index np = static_cast<Eigen::Index>(grid_.blocks[b].end - grid_.blocks[b].begin);
    auto rows = [np, &rows_of](auto&& m, Eigen::Index k) { return rows_of(m, np, k); };
    const auto o0 = rows(psi_o, 0);
    const Matrix t = psi_v.topRows((meta ? 4 : 1) * np) * v_stack;  // t_0 = psi_v v (and meta-GGA t_k)
    Matrix q;
    if (vir_side) q = o0 * vt_stack;
    const PointDensity& ground = state.ground[b];
    first.resize(nx);
    for (Eigen::Index x = 0; x < nx; ++x) {
      auto t_kx = [&](Eigen::Index k) { return rows(t, k).middleCols(x * no, no); };
      const auto t_x = t_kx(0);
      first[x].rho = 2.0 * t_x.cwiseProduct(o0).rowwise().sum();
      if (!gradients) continue;
      first[x].grad.resize(np, 3);
      for (Eigen::Index k = 1; k < 4; ++k) {
        const auto virtual_side =
            meta ? Eigen::VectorXd(t_kx(k).cwiseProduct(o0).rowwise().sum())
                 : Eigen::VectorXd(rows(psi_v, k).cwiseProduct(q.middleCols(x * nv, nv)).rowwise().sum());
        first[x].grad.col(k - 1) = 2.0 * (virtual_side + t_x.cwiseProduct(rows(psi_o, k)).rowwise().sum());
      }
      first[x].sigma = 2.0 * ground.grad.cwiseProduct(first[x].grad).rowwise().sum();
      if (meta) {
        first[x].tau = Eigen::VectorXd::Zero(np);
        for (Eigen::Index k = 1; k < 4; ++k) first[x].tau += t_kx(k).cwiseProduct(rows(psi_o, k)).rowwise().sum();
      }
    }
  };

  // C_v^T V1_x C_o = psi_v^T R_x + G_x^T psi_o + sum_k (diag(w c / 2) d_k psi_v)^T d_k psi_o with
  //   R_x = diag(w a) psi_o + sum_k diag(w b_k) d_k psi_o,   G_x = sum_k diag(w b_k) d_k psi_v,
  // w = 1 for coefficients that already include the weights. Meta-GGA: one GEMM on the stacked rows,
  //   C_v^T V1_x C_o = sum_k (d_k psi_v)^T S_k,x,  S_0 = R,  S_k = diag(w b_k) psi_o + diag(w c / 2) d_k psi_o,
  // with the elementwise work on n_occ columns (4 GEMM units instead of 5, tau's and G's n_vir-wide scaling gone).
  auto contract = [&](std::size_t b, const Matrix& psi_o, const Matrix& psi_v, const std::vector<PointPotential>& pot,
                      bool weighted) {
    const auto& block = grid_.blocks[b];
    const Eigen::Index np = static_cast<Eigen::Index>(block.end - block.begin);
    auto rows = [np, &rows_of](auto&& m, Eigen::Index k) { return rows_of(m, np, k); };
    const Eigen::VectorXd w =
        weighted ? Eigen::VectorXd::Ones(np)
                 : Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(grid_.weights.data() + block.begin, np));
    const auto o0 = rows(psi_o, 0);
    // Row block 0 of `stacked`: R_x; meta-GGA, row blocks k = 1..3: S_k,x. GGA: G_x side by side in g.
    const bool has_b = gradients && pot[0].b.size() != 0, has_c = meta && pot[0].c.size() != 0;
    Matrix stacked((meta ? 4 : 1) * np, no * nx), g(vir_side && has_b ? np : 0, vir_side && has_b ? nv * nx : 0);
    for (Eigen::Index x = 0; x < nx; ++x) {
      auto s_x = [&](Eigen::Index k) { return rows(stacked, k).middleCols(x * no, no); };
      s_x(0) = w.cwiseProduct(pot[x].a).asDiagonal() * o0;
      for (Eigen::Index k = 1; k < (meta ? 4 : 1); ++k) {
        if (has_c)
          s_x(k) = (0.5 * w.cwiseProduct(pot[x].c)).asDiagonal() * rows(psi_o, k);
        else
          s_x(k).setZero();
      }
      if (!has_b) continue;
      const Eigen::MatrixX3d wb = w.asDiagonal() * pot[x].b;
      for (Eigen::Index k = 1; k < 4; ++k) {
        s_x(0) += wb.col(k - 1).asDiagonal() * rows(psi_o, k);
        if (meta) s_x(k) += wb.col(k - 1).asDiagonal() * o0;
      }
      if (vir_side)
        g.middleCols(x * nv, nv) = wb.col(0).asDiagonal() * rows(psi_v, 1) + wb.col(1).asDiagonal() * rows(psi_v, 2) +
                                   wb.col(2).asDiagonal() * rows(psi_v, 3);
    }
    const int thread = omp_get_thread_num();
    out_vo[thread].noalias() += psi_v.topRows(stacked.rows()).transpose() * stacked;  // v0 (LDA, GGA), all (meta)
    if (g.size() != 0) out_xv_o[thread].noalias() += g.transpose() * o0;
  };

  if (!kernel.whole_grid) {
    for_each_block([&](std::size_t b, const Matrix& psi_o, const Matrix& psi_v) {
      std::vector<PointDensity> first;
      std::vector<PointPotential> pot(nx);
      first_order(b, psi_o, psi_v, first);
      kernel.apply(state.ground[b], state.factors[b], first, pot);
      contract(b, psi_o, psi_v, pot, false);
    });
  } else {
    // A kernel not diagonal in the points: the first-order densities of all blocks first, then the kernel on
    // the whole grid, then the contraction of its weighted coefficients.
    // Each block writes its own points of the whole-grid densities (blocks partition the grid).
    const Eigen::Index n = static_cast<Eigen::Index>(grid_.size());
    std::vector<PointDensity> first(nx);
    for (auto& d : first) {
      d.rho.resize(n);
      if (gradients) {
        d.grad.resize(n, 3);
        d.sigma.resize(n);
      }
      if (meta) d.tau.resize(n);
    }
    for_each_block([&](std::size_t b, const Matrix& psi_o, const Matrix& psi_v) {
      std::vector<PointDensity> block_first;
      first_order(b, psi_o, psi_v, block_first);
      const Eigen::Index begin = static_cast<Eigen::Index>(grid_.blocks[b].begin), np = block_first[0].rho.size();
      for (Eigen::Index x = 0; x < nx; ++x) {
        first[x].rho.segment(begin, np) = block_first[x].rho;
        if (gradients) {
          first[x].grad.middleRows(begin, np) = block_first[x].grad;
          first[x].sigma.segment(begin, np) = block_first[x].sigma;
        }
        if (meta) first[x].tau.segment(begin, np) = block_first[x].tau;
      }
    });
    const std::vector<PointPotential> pot = kernel.whole_grid(first);
    for_each_block([&](std::size_t b, const Matrix& psi_o, const Matrix& psi_v) {
      contract(b, psi_o, psi_v, block_slices(pot, grid_.blocks[b]), true);
    });
  }
  for (int t = 1; t < n_threads; ++t) {
    out_vo[0] += out_vo[t];
    if (vir_side) out_xv_o[0] += out_xv_o[t];
  }
  std::vector<Matrix> result(nx);
  for (Eigen::Index x = 0; x < nx; ++x) {
    result[x] = out_vo[0].middleCols(x * no, no);
    if (vir_side) result[x] += out_xv_o[0].middleRows(x * nv, nv);
  }
  return result;
}

Matrix SemilocalIntegrator::assemble(const PointPotential& weighted) const {
  std::vector<Matrix> v(omp_get_max_threads(), Matrix::Zero(basis_.nbf, basis_.nbf));
#pragma omp parallel
  {
    grid::AoBlock scratch;
#pragma omp for schedule(static, 4)
    for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
      const auto& block = grid_.blocks[b];
      accumulate(ao_block(b, scratch), block, block_slice(weighted, block), true, v[omp_get_thread_num()]);
    }
  }
  return reduce(v);
}

PointDensity SemilocalIntegrator::density_on_grid(const Matrix& density) const {
  PointDensity all;
  const Eigen::Index n = static_cast<Eigen::Index>(grid_.size());
  all.rho.resize(n);
  if (order_ != DensityOrder::lda) {
    all.grad.resize(n, 3);
    all.sigma.resize(n);
  }
  if (order_ == DensityOrder::meta_gga) all.tau.resize(n);
  const Matrix factor = positive_factor(density);
#pragma omp parallel
  {
    grid::AoBlock scratch;
#pragma omp for schedule(dynamic)
    for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
      const auto& block = grid_.blocks[b];
      const PointDensity d = block_density(ao_block(b, scratch), density, factor);
      const Eigen::Index first = static_cast<Eigen::Index>(block.begin), np = d.rho.size();
      all.rho.segment(first, np) = d.rho;
      if (d.grad.size()) {
        all.grad.middleRows(first, np) = d.grad;
        all.sigma.segment(first, np) = d.sigma;
      }
      if (d.tau.size()) all.tau.segment(first, np) = d.tau;
    }
  }
  return all;
}

}  // namespace dixc::xc

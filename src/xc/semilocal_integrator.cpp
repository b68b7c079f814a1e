#include "dixc/xc/semilocal_integrator.hpp"

#include <omp.h>

#include <array>

namespace dixc::xc {

namespace {

using Matrix = Eigen::MatrixXd;

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

PointDensity SemilocalIntegrator::block_density(const grid::AoBlock& ao, const Matrix& density) const {
  PointDensity d;
  const Matrix d_sub = gather(density, ao.functions);
  const Matrix x = ao.value * d_sub;
  d.rho = ao.value.cwiseProduct(x).rowwise().sum();
  if (order_ == DensityOrder::lda) return d;
  d.grad.resize(ao.value.rows(), 3);
  // grad rho = 2 sum_{mu nu} D_{mu nu} grad phi_mu phi_nu (D symmetric)
  for (int k = 0; k < 3; ++k) d.grad.col(k) = 2.0 * ao.gradient[k].cwiseProduct(x).rowwise().sum();
  d.sigma = d.grad.rowwise().squaredNorm();
  if (order_ == DensityOrder::meta_gga) {
    d.tau = Eigen::VectorXd::Zero(ao.value.rows());
    for (int k = 0; k < 3; ++k) d.tau += 0.5 * ao.gradient[k].cwiseProduct(ao.gradient[k] * d_sub).rowwise().sum();
  }
  return d;
}

void SemilocalIntegrator::accumulate(const grid::AoBlock& ao, const grid::GridBlock& block, const PointPotential& v,
                                     bool weighted, Matrix& out) const {
  const Eigen::Index np = ao.value.rows();
  const Eigen::VectorXd w = weighted ? Eigen::VectorXd::Ones(np)
                                     : Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(grid_.weights.data() + block.begin, np));
  // B = (w a / 2) phi + sum_k (w b_k) d_k phi, so that phi^T B + B^T phi = sum_p w [a phi phi + b . grad(phi phi)]
  Matrix bmat = (0.5 * w.cwiseProduct(v.a)).asDiagonal() * ao.value;
  if (v.b.size() != 0)
    for (int k = 0; k < 3; ++k) bmat += w.cwiseProduct(v.b.col(k)).asDiagonal() * ao.gradient[k];
  Matrix local = ao.value.transpose() * bmat;
  local += local.transpose().eval();
  if (v.c.size() != 0)
    for (int k = 0; k < 3; ++k)
      local += ao.gradient[k].transpose() * (0.5 * w.cwiseProduct(v.c)).asDiagonal() * ao.gradient[k];
  const auto& idx = ao.functions;
  for (std::size_t j = 0; j < idx.size(); ++j)
    for (std::size_t i = 0; i < idx.size(); ++i) out(idx[i], idx[j]) += local(i, j);
}

SemilocalEnergyPotential SemilocalIntegrator::energy_potential(const Matrix& density, const EnergyKernel& kernel) const {
  const int nt = omp_get_max_threads();
  std::vector<Matrix> v(nt, Matrix::Zero(basis_.nbf, basis_.nbf));
  std::vector<double> energy(grid_.blocks.size()), electrons(grid_.blocks.size());
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
      const PointDensity d = block_density(ao, density);
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

std::vector<Matrix> SemilocalIntegrator::kernel_contraction(const Matrix& density, const std::vector<Matrix>& perturbations,
                                                            const ResponseKernel& kernel) const {
  const int nt = omp_get_max_threads();
  const std::size_t nx = perturbations.size();
  std::vector<std::vector<Matrix>> v(nx, std::vector<Matrix>(nt, Matrix::Zero(basis_.nbf, basis_.nbf)));
#pragma omp parallel
  {
    grid::AoBlock scratch;
    std::vector<PointDensity> first(nx);
    std::vector<PointPotential> pot(nx);
#pragma omp for schedule(static, 4)
    for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
      const auto& ao = ao_block(b, scratch);
      const PointDensity d = block_density(ao, density);
      for (std::size_t x = 0; x < nx; ++x) first[x] = block_density(ao, perturbations[x]);
      kernel(d, first, pot);
      for (std::size_t x = 0; x < nx; ++x) accumulate(ao, grid_.blocks[b], pot[x], false, v[x][omp_get_thread_num()]);
    }
  }
  std::vector<Matrix> out(nx);
  for (std::size_t x = 0; x < nx; ++x) out[x] = reduce(v[x]);
  return out;
}

std::vector<Matrix> SemilocalIntegrator::kernel_contraction_ov(const Matrix& density, const Matrix& c_occ,
                                                               const Matrix& c_vir, const std::vector<Matrix>& directions,
                                                               const ResponseKernel& kernel) const {
  const Eigen::Index nx = static_cast<Eigen::Index>(directions.size());
  const Eigen::Index no = c_occ.cols(), nv = c_vir.cols();
  const bool gradients = order_ != DensityOrder::lda, meta = order_ == DensityOrder::meta_gga;
  if (nx == 0) return {};
  // All directions side by side, [v_1 | v_2 | ...] (nv x no*nx): every GEMM below serves all directions at once,
  // which keeps the GEMMs large (n_occ alone is 5-20 columns) at the same flop count.
  Matrix stacked(nv, no * nx);
  for (Eigen::Index x = 0; x < nx; ++x) stacked.middleCols(x * no, no) = directions[x];
  std::vector<Matrix> out(omp_get_max_threads(), Matrix::Zero(nv, no * nx));
#pragma omp parallel
  {
    grid::AoBlock scratch;
    std::vector<PointDensity> first(nx);
    std::vector<PointPotential> pot(nx);
    // Static schedule: reproducible per-thread sums for a given thread count (see jk_builder.cpp).
#pragma omp for schedule(static, 4)
    for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
      const auto& block = grid_.blocks[b];
      const auto& ao = ao_block(b, scratch);
      const Eigen::Index np = ao.value.rows();
      const Eigen::Map<const Eigen::VectorXd> w(grid_.weights.data() + block.begin, np);
      Matrix co(ao.functions.size(), no), cv(ao.functions.size(), nv);
      for (std::size_t f = 0; f < ao.functions.size(); ++f) {
        co.row(f) = c_occ.row(ao.functions[f]);
        cv.row(f) = c_vir.row(ao.functions[f]);
      }
      const Matrix psi_o = ao.value * co, psi_v = ao.value * cv;
      std::array<Matrix, 3> dpsi_o, dpsi_v, dpv;
      if (gradients)
        for (int k = 0; k < 3; ++k) {
          dpsi_o[k] = ao.gradient[k] * co;
          dpsi_v[k] = ao.gradient[k] * cv;
          dpv[k].noalias() = dpsi_v[k] * stacked;
        }
      const Matrix pv = psi_v * stacked;  // column block x: psi_v v_x
      const PointDensity ground = block_density(ao, density);
      for (Eigen::Index x = 0; x < nx; ++x) {
        // rho1 = 2 sum_ai v_ai psi_a psi_i; grad rho1 = 2 sum_ai v_ai grad(psi_a psi_i);
        // tau1 = sum_ai v_ai grad psi_a . grad psi_i   (S = C_v v C_o^T + transpose)
        const auto pv_x = pv.middleCols(x * no, no);
        first[x].rho = 2.0 * pv_x.cwiseProduct(psi_o).rowwise().sum();
        if (gradients) {
          first[x].grad.resize(np, 3);
          for (int k = 0; k < 3; ++k)
            first[x].grad.col(k) =
                2.0 *
                (dpv[k].middleCols(x * no, no).cwiseProduct(psi_o) + pv_x.cwiseProduct(dpsi_o[k])).rowwise().sum();
          first[x].sigma = 2.0 * ground.grad.cwiseProduct(first[x].grad).rowwise().sum();
        }
        if (meta) {
          first[x].tau = Eigen::VectorXd::Zero(np);
          for (int k = 0; k < 3; ++k)
            first[x].tau += dpv[k].middleCols(x * no, no).cwiseProduct(dpsi_o[k]).rowwise().sum();
        }
      }
      kernel(ground, first, pot);
      // C_v^T V1_x C_o = psi_v^T R_x + sum_k dpsi_v[k]^T S_xk with
      //   R_x = diag(w a) psi_o + sum_k diag(w b_k) dpsi_o[k],   S_xk = diag(w b_k) psi_o + diag(w c / 2) dpsi_o[k],
      // all directions stacked column-wise as above.
      Matrix r(np, no * nx);
      std::array<Matrix, 3> sk;
      const bool has_b = gradients && pot[0].b.size() != 0, has_c = meta && pot[0].c.size() != 0;
      if (has_b || has_c)
        for (int k = 0; k < 3; ++k) sk[k].resize(np, no * nx);
      for (Eigen::Index x = 0; x < nx; ++x) {
        auto r_x = r.middleCols(x * no, no);
        r_x = w.cwiseProduct(pot[x].a).asDiagonal() * psi_o;
        for (int k = 0; k < 3 && (has_b || has_c); ++k) {
          auto s_x = sk[k].middleCols(x * no, no);
          s_x.setZero();
          if (has_b) {
            const Eigen::VectorXd wb = w.cwiseProduct(pot[x].b.col(k));
            r_x += wb.asDiagonal() * dpsi_o[k];
            s_x += wb.asDiagonal() * psi_o;
          }
          if (has_c) s_x += (0.5 * w.cwiseProduct(pot[x].c)).asDiagonal() * dpsi_o[k];
        }
      }
      Matrix& acc = out[omp_get_thread_num()];
      acc.noalias() += psi_v.transpose() * r;
      if (has_b || has_c)
        for (int k = 0; k < 3; ++k) acc.noalias() += dpsi_v[k].transpose() * sk[k];
    }
  }
  for (std::size_t t = 1; t < out.size(); ++t) out[0] += out[t];
  std::vector<Matrix> result(nx);
  for (Eigen::Index x = 0; x < nx; ++x) result[x] = out[0].middleCols(x * no, no);
  return result;
}

Matrix SemilocalIntegrator::assemble(const PointPotential& weighted) const {
  std::vector<Matrix> v(omp_get_max_threads(), Matrix::Zero(basis_.nbf, basis_.nbf));
#pragma omp parallel
  {
    grid::AoBlock scratch;
    PointPotential slice;
#pragma omp for schedule(static, 4)
    for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
      const auto& block = grid_.blocks[b];
      const Eigen::Index first = static_cast<Eigen::Index>(block.begin);
      const Eigen::Index np = static_cast<Eigen::Index>(block.end - block.begin);
      slice.a = weighted.a.segment(first, np);
      slice.b = weighted.b.size() ? Eigen::MatrixX3d(weighted.b.middleRows(first, np)) : Eigen::MatrixX3d();
      slice.c = weighted.c.size() ? Eigen::VectorXd(weighted.c.segment(first, np)) : Eigen::VectorXd();
      accumulate(ao_block(b, scratch), block, slice, true, v[omp_get_thread_num()]);
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
#pragma omp parallel
  {
    grid::AoBlock scratch;
#pragma omp for schedule(dynamic)
    for (std::size_t b = 0; b < grid_.blocks.size(); ++b) {
      const auto& block = grid_.blocks[b];
      const PointDensity d = block_density(ao_block(b, scratch), density);
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

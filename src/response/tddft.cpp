#include "dixc/response/tddft.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <numeric>
#include <ostream>
#include <random>
#include <sstream>
#include <utility>

#include "dixc/util/error.hpp"

namespace dixc::response {

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

Vector flat(const Matrix& m) { return Eigen::Map<const Vector>(m.data(), m.size()); }
Matrix unflat(const Vector& v, Eigen::Index rows, Eigen::Index cols) {
  return Eigen::Map<const Matrix>(v.data(), rows, cols);
}

// Symmetric matrix function via eigendecomposition.
template <typename F>
Matrix symmetric_function(const Matrix& m, F f) {
  Eigen::SelfAdjointEigenSolver<Matrix> es(m);
  return es.eigenvectors() * es.eigenvalues().unaryExpr(f).asDiagonal() * es.eigenvectors().transpose();
}

// Orthonormalises `candidate` against `basis` (twice, for stability) and appends it if anything is left.
bool append_orthonormal(std::vector<Vector>& basis, Vector candidate) {
  const double norm0 = candidate.norm();
  if (norm0 == 0.0) return false;
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& b : basis) candidate -= b.dot(candidate) * b;
  const double norm = candidate.norm();
  if (norm < 1e-8 * norm0 || norm < 1e-14) return false;
  basis.push_back(candidate / norm);
  return true;
}

// n numbers uniform in [-1, 1) from std::mt19937_64 seeded with `stream`: its raw output is fixed by the C++
// standard, so the same numbers on every platform and rank count (unlike std:: distributions).
Vector uniform_values(std::uint64_t stream, Eigen::Index n) {
  std::mt19937_64 engine(stream);
  Vector v(n);
  for (Eigen::Index k = 0; k < n; ++k) v(k) = static_cast<double>(engine() >> 11) * 0x1.0p-52 - 1.0;
  return v;
}

// The orbitals in which the Davidson vectors (n_vir x n_occ, flattened) live, and the diagonal of A-B there.
// given: the hessian's orbitals, diag = F_aa - F_ii. canonical: eigenvectors of F_vv and F_oo (U_v, U_o), in
// which A-B without exact exchange is exactly diag = e_a - e_i.
struct OrbitalFrame {
  Matrix u_vir, u_occ;  // empty: the given orbitals
  Vector diag;

  static OrbitalFrame given(const Matrix& fvv, const Matrix& foo) {
    OrbitalFrame f;
    f.diag.resize(fvv.rows() * foo.rows());
    for (Eigen::Index i = 0; i < foo.rows(); ++i)
      for (Eigen::Index a = 0; a < fvv.rows(); ++a) f.diag(a + fvv.rows() * i) = fvv(a, a) - foo(i, i);
    return f;
  }
  static OrbitalFrame canonical(const Matrix& fvv, const Matrix& foo) {
    const Eigen::SelfAdjointEigenSolver<Matrix> vir(fvv), occ(foo);
    OrbitalFrame f = given(Matrix(vir.eigenvalues().asDiagonal()), Matrix(occ.eigenvalues().asDiagonal()));
    f.u_vir = vir.eigenvectors();
    f.u_occ = occ.eigenvectors();
    return f;
  }
  // x (n_vir x n_occ) from this frame to the given orbitals and back: U_v x U_o^T, U_v^T x U_o.
  Matrix to_given(const Matrix& x) const { return u_vir.size() ? Matrix(u_vir * x * u_occ.transpose()) : x; }
  Matrix from_given(const Matrix& x) const { return u_vir.size() ? Matrix(u_vir.transpose() * x * u_occ) : x; }
};

}  // namespace

TddftResult solve_tddft(const OrbitalHessian& hessian, const std::array<Matrix, 3>& dipole_ao,
                        const TddftOptions& options) {
  const int nv = hessian.n_vir(), no = hessian.n_occ();
  const Eigen::Index dim = static_cast<Eigen::Index>(nv) * no;
  const int n_wanted = std::min<int>(options.n_roots, static_cast<int>(dim));
  if (n_wanted <= 0) return {};
  // Roots above the requested ones (guards) are converged too, loosely (guard_threshold): a state whose symmetry
  // only its own (higher) guess carries would otherwise never receive correction vectors and could be missed
  // below the last wanted root.
  const int n_roots = std::min<int>(n_wanted + std::max(3, options.extra_guesses / 2), static_cast<int>(dim));

  // Without exact exchange, A-B = F_vv v - v F_oo needs no integrals and is diagonal in canonical orbitals,
  // (A-B) = Delta = e_a - e_i; the RPA then is the symmetric Delta^(1/2) (A+B) Delta^(1/2) y = w^2 y (Casida
  // 1995; Furche, J. Chem. Phys. 114, 5982 (2001)), with Z = X+Y = Delta^(1/2) y / sqrt(w), X-Y = sqrt(w)
  // Delta^(-1/2) y for |y| = 1: one (A+B) product and one residual per root instead of two.
  const bool reduced = !options.tda && options.reduce_semilocal_rpa && !hessian.has_exact_exchange();
  const Matrix fvv = hessian.c_vir().transpose() * hessian.fock() * hessian.c_vir();
  const Matrix foo = hessian.c_occ().transpose() * hessian.fock() * hessian.c_occ();
  const OrbitalFrame frame = reduced ? OrbitalFrame::canonical(fvv, foo) : OrbitalFrame::given(fvv, foo);
  const Vector& diag = frame.diag;  // the preconditioner and the source of guesses
  if (reduced && diag.minCoeff() <= 0.0) {
    std::ostringstream what;
    what << "TDDFT: an orbital-energy difference e_a - e_i = " << diag.minCoeff()
         << " Eh is not positive (not an aufbau ground state)";
    throw ConvergenceError(what.str());
  }
  const Vector sqrt_diag = reduced ? Vector(diag.cwiseSqrt()) : Vector();
  std::vector<Eigen::Index> order(dim);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto l, auto r) { return diag(l) < diag(r); });
  Eigen::Index n_guess = std::min<Eigen::Index>(dim, n_roots + options.extra_guesses);
  while (n_guess < dim && diag(order[n_guess]) - diag(order[n_guess - 1]) < 1e-4) ++n_guess;

  std::vector<Vector> basis, apb, amb;  // subspace vectors and their (A+B), (A-B) images (reduced: M y only)
  for (Eigen::Index g = 0; g < n_guess; ++g) {
    Vector e = Vector::Zero(dim);
    e(order[g]) = 1.0;
    basis.push_back(e);
  }
  // Unit guesses span only the symmetries of their excitations: a state of another irreducible representation (or
  // the partner of a degenerate pair) enters the subspace through rounding noise alone, late or never, and is
  // missed below the last wanted root (benzene B3LYP: 5 roots 8.6 mEh off). Dense pseudo-random vectors overlap
  // every state; weighted by 1/(diag - min diag + 0.1 Eh) toward the low excitations where wanted states live.
  for (int g = 0; g < options.random_guesses; ++g) {
    Vector v = uniform_values(static_cast<std::uint64_t>(g), dim);
    v.array() /= diag.array() - diag(order[0]) + 0.1;
    append_orthonormal(basis, std::move(v));
  }
  TddftResult result;
  std::vector<double> omega(n_roots);
  Matrix z_sub, xmy_sub;  // subspace eigenvectors (columns; reduced: y)
  for (int iter = 1; iter <= options.max_iter; ++iter) {
    // Images of the new vectors, all in one batched pass.
    std::vector<Matrix> fresh;
    for (std::size_t k = apb.size(); k < basis.size(); ++k)
      fresh.push_back(frame.to_given(unflat(reduced ? Vector(sqrt_diag.cwiseProduct(basis[k])) : basis[k], nv, no)));
    const auto prod = hessian.tddft_products(fresh, true, !reduced);
    result.n_products += static_cast<int>(fresh.size());
    for (std::size_t k = 0; k < fresh.size(); ++k) {
      if (reduced) {
        apb.push_back(sqrt_diag.cwiseProduct(flat(frame.from_given(prod.a_plus_b[k]))));
        continue;
      }
      apb.push_back(flat(prod.a_plus_b[k]));
      amb.push_back(flat(prod.a_minus_b[k]));
    }
    const Eigen::Index m = static_cast<Eigen::Index>(basis.size());
    Matrix b(dim, m), pb(dim, m), mb(dim, reduced ? 0 : m);
    for (Eigen::Index k = 0; k < m; ++k) {
      b.col(k) = basis[k];
      pb.col(k) = apb[k];
      if (!reduced) mb.col(k) = amb[k];
    }
    const Matrix mp = 0.5 * (b.transpose() * pb + (b.transpose() * pb).transpose());
    const Matrix mm = reduced ? Matrix() : Matrix(0.5 * (b.transpose() * mb + (b.transpose() * mb).transpose()));

    // RPA has two residuals per root, of (A+B)(X+Y) = w (X-Y) and (A-B)(X-Y) = w (X+Y); two preconditioned
    // corrections are added (Stratmann et al.), which converges much faster than one. TDA and the reduced RPA
    // have one. residual_norms: what is compared with the thresholds.
    std::vector<Vector> residuals(n_roots), residuals_minus(n_roots);
    std::vector<double> residual_norms(n_roots), residual_minus_norms(n_roots, 0.0);
    result.max_residual = result.max_guard_residual = 0.0;
    if (reduced) {
      Eigen::SelfAdjointEigenSolver<Matrix> es(mp);
      if (es.eigenvalues()(0) <= 0.0)
        throw ConvergenceError("TDDFT: the ground state is unstable (negative or zero w^2 in the RPA subspace)");
      z_sub = es.eigenvectors().leftCols(n_roots);
      for (int r = 0; r < n_roots; ++r) {
        omega[r] = std::sqrt(es.eigenvalues()(r));
        residuals[r] = pb * z_sub.col(r) - es.eigenvalues()(r) * (b * z_sub.col(r));
        // = Delta^(1/2) [(A+B)Z - w(X-Y)] sqrt(w) with the normalised Z; its (A-B) residual vanishes identically.
        residual_norms[r] = residuals[r].cwiseQuotient(sqrt_diag).norm() / std::sqrt(omega[r]);
      }
    } else if (options.tda) {
      Eigen::SelfAdjointEigenSolver<Matrix> es(0.5 * (mp + mm));
      z_sub = es.eigenvectors().leftCols(n_roots);
      for (int r = 0; r < n_roots; ++r) {
        omega[r] = es.eigenvalues()(r);
        residuals[r] = 0.5 * (pb + mb) * z_sub.col(r) - omega[r] * b * z_sub.col(r);
        residual_norms[r] = residuals[r].norm();
      }
      xmy_sub = z_sub;
    } else {
      const Matrix mm_sqrt = symmetric_function(mm, [](double x) { return std::sqrt(std::max(x, 0.0)); });
      Eigen::SelfAdjointEigenSolver<Matrix> es(mm_sqrt * mp * mm_sqrt);
      if (es.eigenvalues()(0) <= 0.0)
        throw ConvergenceError("TDDFT: the ground state is unstable (negative or zero w^2 in the RPA subspace)");
      z_sub.resize(m, n_roots);
      xmy_sub.resize(m, n_roots);
      for (int r = 0; r < n_roots; ++r) {
        omega[r] = std::sqrt(es.eigenvalues()(r));
        Vector z = mm_sqrt * es.eigenvectors().col(r);
        Vector xmy = mp * z / omega[r];
        // Normalise (X+Y)^T (X-Y) = 1.
        const double s = 1.0 / std::sqrt(z.dot(xmy));
        z_sub.col(r) = s * z;
        xmy_sub.col(r) = s * xmy;
        residuals[r] = pb * z_sub.col(r) - omega[r] * b * xmy_sub.col(r);
        residuals_minus[r] = mb * xmy_sub.col(r) - omega[r] * b * z_sub.col(r);
        residual_norms[r] = residuals[r].norm();
        residual_minus_norms[r] = residuals_minus[r].norm();
      }
    }
    int added = 0;
    for (int r = 0; r < n_roots; ++r) {
      // The roots above the wanted ones only guard the order (see n_roots), so they stop asking for vectors at
      // guard_threshold, long before the wanted ones (15-20 % fewer products on G2 molecules,
      // docs/performance.md). A residual r bounds a root's energy error by r, so a guard within guard_threshold
      // of the last wanted root (a degenerate partner, a near-crossing) is converged as tightly as a wanted one.
      const bool wanted = r < n_wanted || omega[r] - omega[n_wanted - 1] < options.guard_threshold;
      const double threshold = wanted ? options.residual_threshold : options.guard_threshold;
      double& largest = wanted ? result.max_residual : result.max_guard_residual;
      largest = std::max({largest, residual_norms[r], residual_minus_norms[r]});
      if (std::max(residual_norms[r], residual_minus_norms[r]) < threshold) continue;
      // Diagonal preconditioner from A ~ diag, B ~ 0, with |diag - w| kept above 1e-4 Eh: TDA dX = R / (diag - w),
      // reduced RPA (diag^2 - w^2)^-1. General RPA: from the X and Y residuals R_X = (r+ + r-)/2 and
      // R_Y = (r+ - r-)/2 (A X + B Y - w X and B X + A Y + w Y), dX = R_X / (diag - w) and dY = R_Y / (diag + w):
      // only the X part is near-singular at w.
      auto near_root = [&](Eigen::Index k) {
        const double gap = diag(k) - omega[r];
        return std::abs(gap) < 1e-4 ? (gap < 0 ? -1e-4 : 1e-4) : gap;
      };
      auto above_root = [&](Eigen::Index k) { return std::max(diag(k) + omega[r], 1e-4); };
      if (residuals_minus[r].size() == 0) {
        Vector correction = residuals[r];
        for (Eigen::Index k = 0; k < dim; ++k) correction(k) /= near_root(k) * (reduced ? above_root(k) : 1.0);
        added += append_orthonormal(basis, std::move(correction)) ? 1 : 0;
        continue;
      }
      Vector dx = residuals[r] + residuals_minus[r], dy = residuals[r] - residuals_minus[r];
      for (Eigen::Index k = 0; k < dim; ++k) {
        dx(k) /= near_root(k);
        dy(k) /= above_root(k);
      }
      added += append_orthonormal(basis, std::move(dx)) ? 1 : 0;
      added += append_orthonormal(basis, std::move(dy)) ? 1 : 0;
    }
    if (options.log)
      *options.log << "  davidson iter " << std::setw(3) << iter << "  subspace " << std::setw(4) << m
                   << "  max residual " << std::scientific << std::setprecision(2) << result.max_residual << "  guards "
                   << result.max_guard_residual << std::defaultfloat << "\n";
    result.n_iter = iter;
    const bool converged =
        result.max_residual < options.residual_threshold && result.max_guard_residual < options.guard_threshold;
    if (converged || added == 0 || iter == options.max_iter) {
      result.converged = converged;
      const Matrix& co = hessian.c_occ();
      const Matrix& cv = hessian.c_vir();
      for (int r = 0; r < n_wanted; ++r) {
        Excitation ex;
        ex.energy = omega[r];
        // Final vectors from the current subspace, in the hessian's orbitals.
        if (reduced) {
          const Vector y = b * z_sub.col(r);
          ex.x_plus_y = frame.to_given(unflat(sqrt_diag.cwiseProduct(y) / std::sqrt(omega[r]), nv, no));
          ex.x_minus_y = frame.to_given(unflat(std::sqrt(omega[r]) * y.cwiseQuotient(sqrt_diag), nv, no));
        } else {
          ex.x_plus_y = unflat(b * z_sub.col(r), nv, no);
          ex.x_minus_y = unflat(b * xmy_sub.col(r), nv, no);
        }
        // Fixed phase (largest |(X+Y)_ai| positive), so stored response vectors are reproducible.
        Eigen::Index imax = 0;
        ex.x_plus_y.reshaped().cwiseAbs().maxCoeff(&imax);
        if (ex.x_plus_y.reshaped()(imax) < 0.0) {
          ex.x_plus_y *= -1.0;
          ex.x_minus_y *= -1.0;
        }
        // Singlet transition dipole: sqrt(2) sum_ia (X+Y)_ai <a| r |i> (spin-adapted, electron charge omitted
        // since only |mu|^2 enters f).
        double mu2 = 0.0;
        for (int k = 0; k < 3; ++k) {
          const Matrix r_vo = cv.transpose() * dipole_ao[k] * co;
          ex.transition_dipole[k] = std::sqrt(2.0) * r_vo.cwiseProduct(ex.x_plus_y).sum();
          mu2 += ex.transition_dipole[k] * ex.transition_dipole[k];
        }
        ex.oscillator_strength = 2.0 / 3.0 * ex.energy * mu2;
        result.excitations.push_back(std::move(ex));
      }
      break;
    }
  }
  return result;
}

std::string convergence_summary(const TddftResult& result) {
  std::ostringstream out;
  out << std::scientific << std::setprecision(2) << "max residual " << result.max_residual << " of the wanted roots, "
      << result.max_guard_residual << " of the guard roots above them, after " << result.n_iter
      << " Davidson iterations";
  return out.str();
}

}  // namespace dixc::response

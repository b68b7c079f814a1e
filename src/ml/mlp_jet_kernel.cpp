#include "dixc/ml/mlp_jet_kernel.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <Eigen/Dense>

namespace dixc::ml {

namespace {

using Rows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowArray = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRows = Eigen::Map<const Rows>;
using Index = Eigen::Index;

// Points per block: the stacked rows of one block (points x k rows of `hidden` doubles) stay in the core's cache.
constexpr Index kBlockPoints = 128;

Rows rows_of(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kDouble).contiguous();
  return ConstRows(c.data_ptr<double>(), c.dim() == 1 ? 1 : c.size(0), c.dim() == 1 ? c.size(0) : c.size(1));
}

torch::Tensor tensor_of(const Rows& m, const torch::Tensor& like) {
  torch::Tensor t = torch::empty(like.sizes(), torch::kDouble);
  std::copy(m.data(), m.data() + m.size(), t.data_ptr<double>());
  return t;
}

// The weights as Eigen matrices (hidden x hidden at most: copies are cheap) and the products of W1's rows,
// u(c k + d, i) = W1(c, i) W1(d, i), that the Hessian's inner term contracts with.
struct Layers {
  Rows w1, b1, w2, b2, w3, b3, u, w3t;  // w3t = W3^T
  Index k = 0, hidden = 0, m = 0;
  explicit Layers(const MlpWeights& w)
      : w1(rows_of(w.w1)),
        b1(rows_of(w.b1)),
        w2(rows_of(w.w2)),
        b2(rows_of(w.b2)),
        w3(rows_of(w.w3)),
        b3(rows_of(w.b3)),
        k(w1.rows()),
        hidden(w1.cols()),
        m(w3.cols()) {
    if (w2.rows() != hidden || w2.cols() != hidden || w3.rows() != hidden || b1.size() != hidden ||
        b2.size() != hidden || b3.size() != m)
      throw std::invalid_argument("mlp_jet: inconsistent layer shapes");
    u.resize(k * k, hidden);
    for (Index c = 0; c < k; ++c)
      for (Index d = 0; d < k; ++d) u.row(c * k + d) = w1.row(c).cwiseProduct(w1.row(d));
    w3t = w3.transpose();
  }
};

// silu(z) = z s(z), s the logistic function, and its derivatives up to `order`:
//   silu' = s (1 + z (1 - s)),  silu'' = s (1 - s) (2 + z (1 - 2 s)),
//   silu''' = s (1 - s) [(1 - 2 s)(3 + z (1 - 2 s)) - 2 z s (1 - s)].
struct Activation {
  Rows value, first, second, third;
  RowArray s, s1, t;  // workspace: s, s (1 - s), 1 - 2 s
};
// Into `a`, whose buffers are reused from block to block (same sizes: no allocation).
void activation(const Rows& z, int order, Activation& a) {
  const auto zz = z.array();
  a.s = (1.0 + (-zz).exp()).inverse();
  a.s1 = a.s * (1.0 - a.s);
  a.t = 1.0 - 2.0 * a.s;
  a.value = (zz * a.s).matrix();
  if (order >= 1) a.first = (a.s * (1.0 + zz * (1.0 - a.s))).matrix();
  if (order >= 2) a.second = (a.s1 * (2.0 + zz * a.t)).matrix();
  if (order >= 3) a.third = (a.s1 * (a.t * (3.0 + zz * a.t) - 2.0 * zz * a.s1)).matrix();
}

// rows(p n + c) = left.row(p) .* right.row(c) for the n rows of `right`: per-point scaling of shared rows.
void scaled_rows(const Rows& left, const Rows& right, Rows& out) {
  const Index n = right.rows();
  out.resize(left.rows() * n, left.cols());
  for (Index p = 0; p < left.rows(); ++p)
    for (Index c = 0; c < n; ++c) out.row(p * n + c) = left.row(p).cwiseProduct(right.row(c));
}

// rows(p n + c) = stacked.row(p n + c) .* scale.row(p): stacked rows of point p scaled by that point's row.
void scale_stacked(Rows& stacked, const Rows& scale) {
  const Index n = stacked.rows() / scale.rows();
  for (Index r = 0; r < stacked.rows(); ++r) stacked.row(r).array() *= scale.row(r / n).array();
}

// One block's forward quantities, kept for its reverse pass; one Block serves every block of a call, so that its
// buffers are allocated once per call, not per block of points.
struct Block {
  Rows x;             // (nb, k)
  Rows z1, z2;        // pre-activations h1 = W1^T x + b1, h2 = W2^T a1 + b2 (nb, hidden)
  Activation a1, a2;  // layers 1 and 2 at h1 and h2
  Rows g1, g2, t;     // (nb k, hidden): D1 W1^T, dh2/dx = g1 W2, g2 .* D2
  Rows e2, bt, bd;    // (nb m, hidden): D2 .* W3_m, B^T = e2 W2^T, B^T .* silu''(h1)
};

void forward_block(const Layers& l, const double* x, Index nb, int order, bool reverse, Block& b) {
  b.x = ConstRows(x, nb, l.k);
  const int derivatives = order + (reverse ? 1 : 0);
  b.z1.noalias() = b.x * l.w1;
  b.z1.rowwise() += l.b1.row(0);
  activation(b.z1, derivatives, b.a1);
  b.z2.noalias() = b.a1.value * l.w2;
  b.z2.rowwise() += l.b2.row(0);
  activation(b.z2, derivatives, b.a2);
  if (order < 1) return;
  scaled_rows(b.a1.first, l.w1, b.g1);
  b.g2.noalias() = b.g1 * l.w2;
  b.t = b.g2;
  scale_stacked(b.t, b.a2.first);
  if (order < 2) return;
  scaled_rows(b.a2.first, l.w3t, b.e2);
  b.bt.noalias() = b.e2 * l.w2.transpose();
  b.bd = b.bt;
  scale_stacked(b.bd, b.a1.second);
}

struct Gradient {
  Rows w1, b1, w2, b2, w3, b3, u;
  explicit Gradient(const Layers& l)
      : w1(Rows::Zero(l.k, l.hidden)),
        b1(Rows::Zero(1, l.hidden)),
        w2(Rows::Zero(l.hidden, l.hidden)),
        b2(Rows::Zero(1, l.hidden)),
        w3(Rows::Zero(l.hidden, l.m)),
        b3(Rows::Zero(1, l.m)),
        u(Rows::Zero(l.k * l.k, l.hidden)) {}
};

// An output's adjoint v (nb, m, n) (J: n = k, H: n = k k) as rows (p n + c, o) = v(p, o, c), the layout of the
// stacked per-point rows.
void stacked_by_point(const double* v, Index nb, Index m, Index n, Rows& out) {
  out.resize(nb * n, m);
  for (Index p = 0; p < nb; ++p)
    for (Index o = 0; o < m; ++o)
      for (Index c = 0; c < n; ++c) out(p * n + c, o) = v[(p * m + o) * n + c];
}

// The reverse pass's intermediate rows, reused from block to block as Block is.
struct ReverseWork {
  Rows a2_bar, d2_bar, dd2_bar, d1_bar, dd1_bar, g2_bar, bs, t_bar, t_rows, a_rows, bd_bar, bt_bar, e2_bar, g1_bar;
  Rows z2_bar, a1_bar, z1_bar;
  Eigen::RowVectorXd t, so;
};

// Reverse pass of one block: adds the block's share of d/dtheta sum_p [alpha . f + beta : J + gamma : H].
// beta (nb m k) and gamma (nb m k k) in the outputs' layouts, or null. x_bar (nb k), unless null, receives the
// functional's input gradient: x enters only through h1 = W1^T x + b1 (J and H hold W1 itself, not x), so it is
// W1 z1_bar, the b1 gradient's per-point rows mapped back.
void reverse_block(const Layers& l, const Block& b, const double* alpha, const double* beta, const double* gamma,
                   Gradient& g, double* x_bar, ReverseWork& w) {
  const Index nb = b.x.rows(), k = l.k, kk = k * k, m = l.m, hidden = l.hidden;
  const ConstRows al(alpha, nb, m);
  g.w3.noalias() += b.a2.value.transpose() * al;
  g.b3 += al.colwise().sum();
  w.a2_bar.noalias() = al * l.w3t;
  w.d2_bar.setZero(nb, hidden);
  w.dd2_bar.setZero(nb, hidden);
  w.d1_bar.setZero(nb, hidden);
  w.dd1_bar.setZero(nb, hidden);
  w.g2_bar.setZero(nb * k, hidden);
  if (beta) {  // J = W3^T (g2 .* D2)
    stacked_by_point(beta, nb, m, k, w.bs);
    g.w3.noalias() += b.t.transpose() * w.bs;
    w.t_bar.noalias() = w.bs * l.w3t;
    for (Index r = 0; r < nb * k; ++r) {
      w.g2_bar.row(r) += w.t_bar.row(r).cwiseProduct(b.a2.first.row(r / k));
      w.d2_bar.row(r / k) += w.t_bar.row(r).cwiseProduct(b.g2.row(r));
    }
  }
  if (gamma) {
    // Outer term per point and output, H1 = G2 diag(s) G2^T with s = silu''(h2) .* W3_o (G2: the point's k rows
    // of g2), in small products that stay in cache: with T = Gamma G2 and t_j = sum_c G2_cj T_cj,
    //   dW3_jo += silu''_j t_j,  d silu''_j += W3_jo t_j,  dG2 += (Gamma + Gamma^T) G2 diag(s).
    w.t_rows.resize(k, hidden);
    w.a_rows.resize(k, hidden);
    for (Index p = 0; p < nb; ++p) {
      const auto g2p = b.g2.middleRows(p * k, k);
      for (Index o = 0; o < m; ++o) {
        const ConstRows gpo(gamma + (p * m + o) * kk, k, k);
        w.t_rows.noalias() = gpo * g2p;
        w.a_rows.noalias() = gpo.transpose() * g2p;
        w.a_rows += w.t_rows;
        w.t = g2p.cwiseProduct(w.t_rows).colwise().sum();
        g.w3.col(o) += b.a2.second.row(p).cwiseProduct(w.t).transpose();
        w.dd2_bar.row(p) += l.w3t.row(o).cwiseProduct(w.t);
        w.so = b.a2.second.row(p).cwiseProduct(l.w3t.row(o));
        w.g2_bar.middleRows(p * k, k) += w.a_rows * w.so.asDiagonal();
      }
    }
    // Inner term: H2(p m, cd) = sum_i bd(p m, i) u(cd, i), gamma in its own layout (nb m, k k).
    const ConstRows gm(gamma, nb * m, kk);
    g.u.noalias() += gm.transpose() * b.bd;
    w.bd_bar.noalias() = gm * l.u;
    w.bt_bar.resize(nb * m, hidden);
    for (Index r = 0; r < nb * m; ++r) {
      w.dd1_bar.row(r / m) += w.bd_bar.row(r).cwiseProduct(b.bt.row(r));
      w.bt_bar.row(r) = w.bd_bar.row(r).cwiseProduct(b.a1.second.row(r / m));
    }
    g.w2.noalias() += w.bt_bar.transpose() * b.e2;  // bt = e2 W2^T
    w.e2_bar.noalias() = w.bt_bar * l.w2;
    for (Index r = 0; r < nb * m; ++r) {  // e2(p m + o, j) = D2(p, j) W3(j, o)
      const Index p = r / m, o = r % m;
      w.d2_bar.row(p) += w.e2_bar.row(r).cwiseProduct(l.w3t.row(o));
      g.w3.col(o) += w.e2_bar.row(r).cwiseProduct(b.a2.first.row(p)).transpose();
    }
  }
  if (beta || gamma) {  // g2 = g1 W2, g1(p k + c, i) = D1(p, i) W1(c, i)
    g.w2.noalias() += b.g1.transpose() * w.g2_bar;
    w.g1_bar.noalias() = w.g2_bar * l.w2.transpose();
    for (Index r = 0; r < nb * k; ++r) {
      w.d1_bar.row(r / k) += w.g1_bar.row(r).cwiseProduct(l.w1.row(r % k));
      g.w1.row(r % k) += w.g1_bar.row(r).cwiseProduct(b.a1.first.row(r / k));
    }
  }
  w.z2_bar = w.a2_bar.cwiseProduct(b.a2.first);
  if (beta || gamma) w.z2_bar += w.d2_bar.cwiseProduct(b.a2.second);
  if (gamma) w.z2_bar += w.dd2_bar.cwiseProduct(b.a2.third);
  g.w2.noalias() += b.a1.value.transpose() * w.z2_bar;
  g.b2 += w.z2_bar.colwise().sum();
  w.a1_bar.noalias() = w.z2_bar * l.w2.transpose();
  w.z1_bar = w.a1_bar.cwiseProduct(b.a1.first);
  if (beta || gamma) w.z1_bar += w.d1_bar.cwiseProduct(b.a1.second);
  if (gamma) w.z1_bar += w.dd1_bar.cwiseProduct(b.a1.third);
  g.w1.noalias() += b.x.transpose() * w.z1_bar;
  g.b1 += w.z1_bar.colwise().sum();
  if (x_bar) Eigen::Map<Rows>(x_bar, nb, k).noalias() = w.z1_bar * l.w1.transpose();
}

torch::Tensor contiguous_double(const torch::Tensor& t) { return t.detach().to(torch::kDouble).contiguous(); }

void check_inputs(const Layers& l, const torch::Tensor& x) {
  if (x.dim() != 2 || x.size(1) != l.k) throw std::invalid_argument("mlp_jet: x must be (points, inputs)");
}

}  // namespace

MlpJet mlp_jet(const MlpWeights& w, const torch::Tensor& x_in, int order) {
  const Layers l(w);
  check_inputs(l, x_in);
  const torch::Tensor x = contiguous_double(x_in);
  const Index np = x.size(0), k = l.k, m = l.m;
  MlpJet out;
  out.f = torch::empty({np, m}, torch::kDouble);
  if (order >= 1) out.j = torch::empty({np, m, k}, torch::kDouble);
  if (order >= 2) out.h = torch::empty({np, m, k, k}, torch::kDouble);
  double* f = out.f.data_ptr<double>();
  Block b;
  Rows js, inner, g2s;
  Eigen::RowVectorXd so;
  for (Index first = 0; first < np; first += kBlockPoints) {
    const Index nb = std::min(kBlockPoints, np - first);
    forward_block(l, x.data_ptr<double>() + first * k, nb, order, false, b);
    Eigen::Map<Rows> fb(f + first * m, nb, m);
    fb.noalias() = b.a2.value * l.w3;
    fb.rowwise() += l.b3.row(0);
    if (order < 1) continue;
    js.noalias() = b.t * l.w3;  // js(p k + c, o) = J(p, o, c)
    double* j = out.j.data_ptr<double>() + first * m * k;
    for (Index p = 0; p < nb; ++p)
      for (Index o = 0; o < m; ++o)
        for (Index c = 0; c < k; ++c) j[(p * m + o) * k + c] = js(p * k + c, o);
    if (order < 2) continue;
    // H = outer + inner: the outer term per point and output as G2 diag(silu''(h2) .* W3_o) G2^T (small
    // products in cache), the inner one for the whole block as one GEMM.
    inner.noalias() = b.bd * l.u.transpose();  // (nb m, k k)
    double* h = out.h.data_ptr<double>() + first * m * k * k;
    for (Index p = 0; p < nb; ++p) {
      const auto g2p = b.g2.middleRows(p * k, k);
      for (Index o = 0; o < m; ++o) {
        so = b.a2.second.row(p).cwiseProduct(l.w3t.row(o));
        g2s.noalias() = g2p * so.asDiagonal();
        Eigen::Map<Rows> hpo(h + (p * m + o) * k * k, k, k);
        hpo.noalias() = g2s * g2p.transpose();
        hpo += Eigen::Map<const Rows>(inner.row(p * m + o).data(), k, k);
      }
    }
  }
  return out;
}

MlpWeights mlp_jet_parameter_gradient(const MlpWeights& w, const torch::Tensor& x_in, const torch::Tensor& alpha_in,
                                      const torch::Tensor& beta_in, const torch::Tensor& gamma_in,
                                      torch::Tensor* x_gradient) {
  const Layers l(w);
  check_inputs(l, x_in);
  const torch::Tensor x = contiguous_double(x_in), alpha = contiguous_double(alpha_in);
  const torch::Tensor beta = beta_in.defined() ? contiguous_double(beta_in) : torch::Tensor();
  const torch::Tensor gamma = gamma_in.defined() ? contiguous_double(gamma_in) : torch::Tensor();
  const Index np = x.size(0), k = l.k, m = l.m;
  const int order = gamma.defined() ? 2 : beta.defined() ? 1 : 0;
  Gradient g(l);
  if (x_gradient) *x_gradient = torch::empty({np, k}, torch::kDouble);
  Block b;
  ReverseWork work;
  for (Index first = 0; first < np; first += kBlockPoints) {
    const Index nb = std::min(kBlockPoints, np - first);
    forward_block(l, x.data_ptr<double>() + first * k, nb, order, true, b);
    reverse_block(l, b, alpha.data_ptr<double>() + first * m,
                  beta.defined() ? beta.data_ptr<double>() + first * m * k : nullptr,
                  gamma.defined() ? gamma.data_ptr<double>() + first * m * k * k : nullptr, g,
                  x_gradient ? x_gradient->data_ptr<double>() + first * k : nullptr, work);
  }
  // u(c k + d, i) = W1(c, i) W1(d, i)
  for (Index c = 0; c < k; ++c)
    for (Index d = 0; d < k; ++d) {
      g.w1.row(c) += g.u.row(c * k + d).cwiseProduct(l.w1.row(d));
      g.w1.row(d) += g.u.row(c * k + d).cwiseProduct(l.w1.row(c));
    }
  return {tensor_of(g.w1, w.w1), tensor_of(g.b1, w.b1), tensor_of(g.w2, w.w2),
          tensor_of(g.b2, w.b2), tensor_of(g.w3, w.w3), tensor_of(g.b3, w.b3)};
}

namespace {

struct MlpJetFunction : public torch::autograd::Function<MlpJetFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                                const torch::Tensor& w1, const torch::Tensor& b1,
                                                const torch::Tensor& w2, const torch::Tensor& b2,
                                                const torch::Tensor& w3, const torch::Tensor& b3, std::int64_t order) {
    ctx->save_for_backward({x, w1, b1, w2, b2, w3, b3});
    ctx->saved_data["order"] = order;
    const MlpJet jet = mlp_jet({w1, b1, w2, b2, w3, b3}, x, static_cast<int>(order));
    const torch::Tensor none = torch::empty({0}, torch::kDouble);
    return {jet.f, jet.j.defined() ? jet.j : none, jet.h.defined() ? jet.h : none};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad) {
    const auto s = ctx->get_saved_variables();
    const std::int64_t order = ctx->saved_data["order"].toInt();
    const torch::Tensor alpha =
        grad[0].defined() ? grad[0] : torch::zeros({s[0].size(0), s[5].size(1)}, torch::kDouble);
    const torch::Tensor beta = order >= 1 && grad[1].defined() ? grad[1] : torch::Tensor();
    const torch::Tensor gamma = order >= 2 && grad[2].defined() ? grad[2] : torch::Tensor();
    torch::Tensor x_gradient;
    const MlpWeights g = mlp_jet_parameter_gradient({s[1], s[2], s[3], s[4], s[5], s[6]}, s[0], alpha, beta, gamma,
                                                    ctx->needs_input_grad(0) ? &x_gradient : nullptr);
    return {x_gradient, g.w1, g.b1, g.w2, g.b2, g.w3, g.b3, torch::Tensor()};
  }
};

}  // namespace

MlpJet differentiable_mlp_jet(const MlpWeights& w, const torch::Tensor& x, int order) {
  const auto out = MlpJetFunction::apply(x, w.w1, w.b1, w.w2, w.b2, w.w3, w.b3, static_cast<std::int64_t>(order));
  MlpJet jet;
  jet.f = out[0];
  if (order >= 1) jet.j = out[1];
  if (order >= 2) jet.h = out[2];
  return jet;
}

}  // namespace dixc::ml

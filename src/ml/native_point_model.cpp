#include "dixc/ml/native_point_model.hpp"

#include <cmath>
#include <stdexcept>

#include "dixc/ml/eigen_torch.hpp"
#include "dixc/ml/input_gradients.hpp"
#include "dixc/ml/models.hpp"

namespace dixc::ml {

namespace {

using Array = Eigen::ArrayXd;

// model_sources.cpp's constants: (3 pi^2)^(2/3), Slater's -(3/4)(3/pi)^(1/3), the densities it masks.
constexpr double kCF = 9.570780000627305;
constexpr double kSlater = -0.7385587663820224;
constexpr double kMaskedDensity = 1e-14;
constexpr double kKappa = 0.804, kMu = 0.2195149727645171;  // PBE/RPBE exchange

// An input u(r) of the network with its partial derivatives (u_tau zero unless it depends on tau).
struct Input {
  Array u, u_rho, u_sigma, u_tau;
};

// Bounded density variable 1/(1 + r_s): du/drho = u^2 r_s / (3 rho).
Input density_variable(const Array& rho) {
  const Array rs = (0.75 / (M_PI * rho)).pow(1.0 / 3.0);
  Input in;
  in.u = 1.0 / (1.0 + rs);
  in.u_rho = in.u.square() * rs / (3.0 * rho);
  in.u_sigma = Array::Zero(rho.size());
  in.u_tau = Array::Zero(rho.size());
  return in;
}

// s^2 = sigma / (4 C_F rho^(8/3)) and its derivatives (returned as an Input in s^2 itself).
Input reduced_gradient_squared(const Array& rho, const Array& sigma) {
  Input in;
  in.u_sigma = 1.0 / (4.0 * kCF * rho.pow(8.0 / 3.0));
  in.u = sigma * in.u_sigma;
  in.u_rho = -8.0 / 3.0 * in.u / rho;
  in.u_tau = Array::Zero(rho.size());
  return in;
}

// t/(1 + t) of an Input t, derivatives by the chain rule (1/(1 + t)^2).
Input bounded(const Input& t) {
  const Array d = (1.0 + t.u).square().inverse();
  return {t.u / (1.0 + t.u), d * t.u_rho, d * t.u_sigma, d * t.u_tau};
}

// alpha = max(tau - sigma/(8 rho), 0) / tau_unif, tau_unif = 0.3 C_F rho^(5/3); the derivatives pass where
// tau - tau_W >= 0, as torch.clamp's do.
Input iso_orbital_indicator(const Array& rho, const Array& sigma, const Array& tau) {
  const Array tau_unif = 0.3 * kCF * rho.pow(5.0 / 3.0);
  const Array excess = tau - sigma / (8.0 * rho);
  const Array active = (excess >= 0.0).cast<double>();
  Input in;
  in.u = excess.max(0.0) / tau_unif;
  in.u_tau = active / tau_unif;
  in.u_sigma = -active / (8.0 * rho * tau_unif);
  in.u_rho = active * sigma / (8.0 * rho.square() * tau_unif) - 5.0 / 3.0 * in.u / rho;
  return in;
}

}  // namespace

// f(x) = W3^T silu(W2^T silu(W1^T x + b1) + b2) + b3 on the rows of x, as mlp_plain.
struct NativePointModel::Network {
  Eigen::MatrixXd w1, w2, w3;
  Eigen::RowVectorXd b1, b2, b3;
  Network(const torch::jit::Module& model, const std::string& prefix) {
    auto matrix = [&](const std::string& name) { return to_eigen_matrix(model.attr(name).toTensor()); };
    auto row = [&](const std::string& name) {
      const torch::Tensor t = model.attr(name).toTensor();
      return Eigen::RowVectorXd(to_eigen(t, t.numel()).transpose());
    };
    w1 = matrix("w" + prefix + "1");
    w2 = matrix("w" + prefix + "2");
    w3 = matrix("w" + prefix + "3");
    b1 = row("b" + prefix + "1");
    b2 = row("b" + prefix + "2");
    b3 = row("b" + prefix + "3");
  }
  // Whether the shapes are those of a network from `inputs` to `outputs` values.
  bool fits(Eigen::Index inputs, Eigen::Index outputs) const {
    return w1.rows() == inputs && w2.rows() == w1.cols() && w2.cols() == w2.rows() && w3.rows() == w2.cols() &&
           w3.cols() == outputs && b1.size() == w1.cols() && b2.size() == w2.cols() && b3.size() == outputs;
  }
  // The values (np x m) and the layers' silu' (kept for input_gradient).
  struct Pass {
    Eigen::MatrixXd f;
    Eigen::ArrayXXd d1, d2;
  };
  static Eigen::MatrixXd silu(Eigen::MatrixXd h, Eigen::ArrayXXd& derivative) {
    // silu(h) = h s, silu'(h) = s (1 + h (1 - s)), s = 1/(1 + exp(-h))
    const Eigen::ArrayXXd s = ((-h.array()).exp() + 1.0).inverse();
    derivative = s * (1.0 + h.array() * (1.0 - s));
    return (h.array() * s).matrix();
  }
  Pass forward(const Eigen::MatrixXd& x) const {
    Pass p;
    Eigen::MatrixXd h = x * w1;
    h.rowwise() += b1;
    const Eigen::MatrixXd a1 = silu(std::move(h), p.d1);
    h = a1 * w2;
    h.rowwise() += b2;
    const Eigen::MatrixXd a2 = silu(std::move(h), p.d2);
    p.f = a2 * w3;
    p.f.rowwise() += b3;
    return p;
  }
  // sum_m gamma_m df_m/dx per row (np x k): reverse pass through the two layers.
  Eigen::MatrixXd input_gradient(const Pass& p, const Eigen::MatrixXd& gamma) const {
    const Eigen::MatrixXd g2 = ((gamma * w3.transpose()).array() * p.d2).matrix();
    const Eigen::MatrixXd g1 = ((g2 * w2.transpose()).array() * p.d1).matrix();
    return g1 * w1.transpose();
  }
};

NativePointModel::NativePointModel(const torch::jit::Module& model,
                                   const std::shared_ptr<const xc::SemilocalIntegrator>& integrator) {
  const std::string architecture = model.attr("architecture").toStringRef();
  uses_tau_ = ml::uses_tau(model);
  kind_ = architecture == "xcdiff" ? Kind::xcdiff : Kind::mlp;
  for (const char* prefix : kind_ == Kind::xcdiff ? std::vector<const char*>{"x", "c"} : std::vector<const char*>{""})
    networks_.push_back(std::make_unique<Network>(model, prefix));
  // Inputs (1/(1+r_s),) s^2/(1+s^2)(, alpha/(1+alpha)); outputs: two corrections (mlp) or one per network.
  const Eigen::Index inputs = (kind_ == Kind::mlp ? 2 : 1) + (uses_tau_ ? 1 : 0);
  for (const auto& n : networks_)
    if (!n->fits(inputs, kind_ == Kind::mlp ? 2 : 1))
      throw std::invalid_argument(architecture + ": parameter shapes of another architecture");
  if (kind_ == Kind::xcdiff) {
    Eigen::MatrixXd x0(1, 2);
    x0 << 0.0, 0.5;  // s^2/(1+s^2) = 0, alpha/(1+alpha) = 1/2: the uniform gas
    nx0_ = networks_[0]->forward(x0).f(0, 0);
    nc0_ = networks_[1]->forward(x0).f(0, 0);
  }
  base_ = std::make_unique<xc::LibxcFunctional>(kind_ == Kind::xcdiff ? "gga_x_rpbe+gga_c_pbe" : "blyp", integrator);
  correlation_ =
      std::make_unique<xc::LibxcFunctional>(kind_ == Kind::xcdiff ? "gga_c_pbe" : "lda_c_pw_mod", integrator);
}

NativePointModel::~NativePointModel() = default;

PointPartials NativePointModel::derivatives(const xc::PointDensity& d) const {
  const Eigen::Index n = d.rho.size();
  PointPartials out;
  out.e = Eigen::VectorXd::Zero(n);
  out.rho = Eigen::VectorXd::Zero(n);
  out.sigma = Eigen::VectorXd::Zero(n);
  if (uses_tau_) out.tau = Eigen::VectorXd::Zero(n);
  // The points above the mask, gathered: the model is zero (with zero derivatives) at the others.
  std::vector<Eigen::Index> kept;
  for (Eigen::Index p = 0; p < n; ++p)
    if (d.rho[p] > kMaskedDensity) kept.push_back(p);
  const Eigen::Index m = static_cast<Eigen::Index>(kept.size());
  if (m == 0) return out;
  xc::PointDensity g;
  g.rho = d.rho(kept);
  g.sigma = d.sigma(kept);
  const Array rho = g.rho.array(), sigma = g.sigma.array();
  const Array tau = uses_tau_ ? Array(d.tau(kept).array()) : Array::Zero(m);

  // Prefactors P (m x 2) and their derivatives; inputs x (m x k) and their derivatives.
  const xc::LibxcFunctional::PointValues base = base_->point_values(g);
  const xc::LibxcFunctional::PointValues corr = correlation_->point_values(g);
  const Array lda_x = kSlater * rho.pow(4.0 / 3.0), lda_x_rho = 4.0 / 3.0 * lda_x / rho;
  Eigen::MatrixXd p(m, 2), p_rho(m, 2), p_sigma = Eigen::MatrixXd::Zero(m, 2);
  std::vector<Input> inputs;
  const Input s2 = reduced_gradient_squared(rho, sigma);
  if (kind_ == Kind::mlp) {
    p << lda_x.matrix(), corr.e;
    p_rho << lda_x_rho.matrix(), corr.v_rho;
    inputs = {density_variable(rho), bounded(s2)};
  } else {
    // P_x = e_x^LDA kappa exp(-mu s^2/kappa), P_c = e_c^PBE
    const Array g_x = kKappa * (-kMu / kKappa * s2.u).exp();
    p << (lda_x * g_x).matrix(), corr.e;
    p_rho << (g_x * (lda_x_rho - lda_x * kMu / kKappa * s2.u_rho)).matrix(), corr.v_rho;
    p_sigma << (-lda_x * g_x * kMu / kKappa * s2.u_sigma).matrix(), corr.v_sigma;
    inputs = {bounded(s2)};
  }
  if (uses_tau_) inputs.push_back(bounded(iso_orbital_indicator(rho, sigma, tau)));
  Eigen::MatrixXd x(m, static_cast<Eigen::Index>(inputs.size()));
  for (std::size_t k = 0; k < inputs.size(); ++k) x.col(static_cast<Eigen::Index>(k)) = inputs[k].u.matrix();

  // The corrections f (m x 2) and gx = sum_m P_m df_m/dx (m x k) by the reverse pass.
  Eigen::MatrixXd f(m, 2), gx;
  if (kind_ == Kind::mlp) {
    const Network::Pass pass = networks_[0]->forward(x);
    f = pass.f;
    gx = networks_[0]->input_gradient(pass, p);
  } else {
    // f_x = 1 - exp(-(n_x - n_x0)), f_c = exp(n_c - n_c0) - 1
    const Network::Pass px = networks_[0]->forward(x), pc = networks_[1]->forward(x);
    const Array ex = (-(px.f.col(0).array() - nx0_)).exp(), ec = (pc.f.col(0).array() - nc0_).exp();
    f << (1.0 - ex).matrix(), (ec - 1.0).matrix();
    gx = networks_[0]->input_gradient(px, (p.col(0).array() * ex).matrix()) +
         networks_[1]->input_gradient(pc, (p.col(1).array() * ec).matrix());
  }
  // e_r = base_r + P_r . f + (sum_m P_m df_m/dx) . x_r
  Eigen::VectorXd e = base.e + p.cwiseProduct(f).rowwise().sum();
  Eigen::VectorXd e_rho = base.v_rho + p_rho.cwiseProduct(f).rowwise().sum();
  Eigen::VectorXd e_sigma = base.v_sigma + p_sigma.cwiseProduct(f).rowwise().sum();
  Eigen::VectorXd e_tau = Eigen::VectorXd::Zero(m);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const Array gk = gx.col(static_cast<Eigen::Index>(k)).array();
    e_rho.array() += gk * inputs[k].u_rho;
    e_sigma.array() += gk * inputs[k].u_sigma;
    e_tau.array() += gk * inputs[k].u_tau;
  }
  out.e(kept) = e;
  out.rho(kept) = e_rho;
  out.sigma(kept) = e_sigma;
  if (uses_tau_) out.tau(kept) = e_tau;
  return out;
}

void NativePointModel::energy_potential(const xc::PointDensity& d, Eigen::VectorXd& e, xc::PointPotential& v) const {
  PointPartials r = derivatives(d);
  e = std::move(r.e);
  v.a = std::move(r.rho);
  v.b = (2.0 * r.sigma).asDiagonal() * d.grad;
  if (d.tau.size() != 0) v.c = uses_tau_ ? std::move(r.tau) : Eigen::VectorXd::Zero(d.rho.size());
}

namespace {

// Probe densities: rho from 1e-6 to 1e3 (and one below the mask), s from 0 to 20, alpha from 0 to 5 and one tau
// below the von Weizsaecker bound (alpha clamped to 0).
xc::PointDensity probe_densities() {
  std::vector<double> rho, sigma, tau;
  for (const double r : {5e-15, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.3, 1.0, 20.0, 1e3})
    for (const double s : {0.0, 0.3, 1.0, 3.0, 20.0})
      for (const double alpha : {-1.0, 0.0, 0.5, 1.0, 5.0}) {
        const double sig = s * s * 4.0 * kCF * std::pow(r, 8.0 / 3.0);
        const double tau_w = sig / (8.0 * r);
        rho.push_back(r);
        sigma.push_back(sig);
        tau.push_back(alpha < 0 ? 0.9 * tau_w : tau_w + alpha * 0.3 * kCF * std::pow(r, 5.0 / 3.0));
      }
  xc::PointDensity d;
  d.rho = Eigen::Map<Eigen::VectorXd>(rho.data(), static_cast<Eigen::Index>(rho.size()));
  d.sigma = Eigen::Map<Eigen::VectorXd>(sigma.data(), static_cast<Eigen::Index>(sigma.size()));
  d.tau = Eigen::Map<Eigen::VectorXd>(tau.data(), static_cast<Eigen::Index>(tau.size()));
  d.grad = Eigen::MatrixX3d::Zero(d.rho.size(), 3);
  d.grad.col(0) = d.sigma.cwiseSqrt();
  return d;
}

// |a - b| <= 1e-10 |b| elementwise, with b's largest magnitude times 1e-14 as the floor (values that cancel).
bool close(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const double floor = 1e-14 * b.cwiseAbs().maxCoeff();
  return ((a - b).cwiseAbs().array() <= 1e-10 * b.cwiseAbs().array() + floor).all();
}

}  // namespace

std::unique_ptr<NativePointModel> native_point_model(torch::jit::Module& model,
                                                     const std::shared_ptr<const xc::SemilocalIntegrator>& integrator) {
  const std::string architecture = architecture_of(model);
  if (architecture != "gga-mlp" && architecture != "mgga-mlp" && architecture != "xcdiff") return nullptr;
  if (!model.hasattr("uses_tau") || is_nonlocal(model)) return nullptr;
  try {
    auto native = std::make_unique<NativePointModel>(model, integrator);
    const xc::PointDensity d = probe_densities();
    const PointPartials fast = native->derivatives(d);
    torch::AutoGradMode enable(true);
    const auto n = d.rho.size();
    const torch::Tensor rho = to_tensor(d.rho).requires_grad_(true), sigma = to_tensor(d.sigma).requires_grad_(true),
                        tau = to_tensor(d.tau).requires_grad_(true);
    const torch::Tensor e =
        model
            .forward({rho, sigma, tau, torch::zeros({n, 3}, torch::kDouble), torch::ones({n}, torch::kDouble),
                      torch::zeros({1, 3}, torch::kDouble), torch::ones({1}, torch::kDouble)})
            .toTensor();
    const auto grads = input_gradients(e.sum(), {rho, sigma, tau}, false, false);
    const bool same = close(fast.e, to_eigen(e, n)) && close(fast.rho, to_eigen(grads[0], n)) &&
                      close(fast.sigma, to_eigen(grads[1], n)) &&
                      (!ml::uses_tau(model) || close(fast.tau, to_eigen(grads[2], n)));
    return same ? std::move(native) : nullptr;
  } catch (const std::exception&) {
    return nullptr;  // parameters missing or of other shapes: not this build's architecture
  }
}

}  // namespace dixc::ml

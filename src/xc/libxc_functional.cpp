#include "dixc/xc/libxc_functional.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include <xc.h>

#include "dixc/util/error.hpp"
#include "dixc/xc/point_kernel.hpp"

namespace dixc::xc {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_gga_family(int family) { return family == XC_FAMILY_GGA || family == XC_FAMILY_HYB_GGA; }
bool is_lda_family(int family) { return family == XC_FAMILY_LDA || family == XC_FAMILY_HYB_LDA; }

}  // namespace

struct LibxcFunctional::Component {
  xc_func_type func{};
  double weight = 1.0;
  bool gga = false;
  explicit Component(int id, double w) : weight(w) {
    if (xc_func_init(&func, id, XC_UNPOLARIZED) != 0)
      throw InputError("libxc cannot initialise functional id " + std::to_string(id));
    const int family = xc_func_info_get_family(func.info);
    gga = is_gga_family(family);
  }
  ~Component() { xc_func_end(&func); }
};

std::vector<LibxcComponent> resolve_libxc_name(const std::string& name) {
  static const std::map<std::string, std::string> aliases = {
      {"b3lyp", "hyb_gga_xc_b3lyp"}, {"pbe", "gga_x_pbe+gga_c_pbe"},  {"blyp", "gga_x_b88+gga_c_lyp"},
      {"pbe0", "hyb_gga_xc_pbeh"},   {"svwn", "lda_x+lda_c_vwn_rpa"}, {"lda", "lda_x+lda_c_pw"},
  };
  std::string spec = lower(name);
  if (auto it = aliases.find(spec); it != aliases.end()) spec = it->second;
  std::vector<LibxcComponent> out;
  std::stringstream parts(spec);
  for (std::string part; std::getline(parts, part, '+');) {
    const int id = xc_functional_get_number(part.c_str());
    if (id < 0)
      throw InputError("unknown functional '" + name +
                       "': not a dixc alias (hf, b3lyp, pbe, blyp, pbe0, svwn, lda) nor a libxc name such as "
                       "HYB_GGA_XC_B3LYP or gga_x_pbe+gga_c_pbe");
    out.push_back({id, 1.0});
  }
  if (out.empty()) throw InputError("empty functional name");
  return out;
}

DensityOrder LibxcFunctional::required_order(const std::string& name) {
  for (const auto& c : resolve_libxc_name(name)) {
    Component probe(c.id, c.weight);
    if (probe.gga) return DensityOrder::gga;
  }
  return DensityOrder::lda;
}

LibxcFunctional::LibxcFunctional(const std::string& name, std::shared_ptr<const SemilocalIntegrator> integrator)
    : name_(lower(name)), integrator_(std::move(integrator)) {
  for (const auto& c : resolve_libxc_name(name)) {
    auto comp = std::make_unique<Component>(c.id, c.weight);
    const int family = xc_func_info_get_family(comp->func.info);
    if (!is_gga_family(family) && !is_lda_family(family))
      throw InputError("functional '" + name +
                       "': only LDA, GGA and global-hybrid GGA functionals are supported "
                       "(meta-GGA and other families are not)");
    if (comp->func.cam_omega != 0.0 || comp->func.cam_beta != 0.0)
      throw InputError("functional '" + name + "': range-separated hybrids are not supported");
    if (comp->func.nlc_b != 0.0 || comp->func.nlc_C != 0.0)
      throw InputError("functional '" + name + "': non-local correlation (VV10) is not supported");
    if (!(xc_func_info_get_flags(comp->func.info) & XC_FLAGS_HAVE_FXC))
      throw InputError("functional '" + name + "': libxc provides no second derivatives for it");
    exx_ += c.weight * xc_hyb_exx_coef(&comp->func);
    gga_ = gga_ || comp->gga;
    components_.push_back(std::move(comp));
  }
  if (gga_ && integrator_->order() == DensityOrder::lda)
    throw std::logic_error("LibxcFunctional: a GGA needs an integrator with density gradients");
}

LibxcFunctional::~LibxcFunctional() = default;

LibxcFunctional::PointValues LibxcFunctional::point_values(const PointDensity& d) const {
  const std::size_t np = static_cast<std::size_t>(d.rho.size());
  PointValues out;
  out.e = Eigen::VectorXd::Zero(np);
  out.v_rho = Eigen::VectorXd::Zero(np);
  out.v_sigma = Eigen::VectorXd::Zero(np);
  Eigen::VectorXd zk(np), vrho(np), vsigma(np);
  for (const auto& c : components_) {
    if (c->gga)
      xc_gga_exc_vxc(&c->func, np, d.rho.data(), d.sigma.data(), zk.data(), vrho.data(), vsigma.data());
    else
      xc_lda_exc_vxc(&c->func, np, d.rho.data(), zk.data(), vrho.data());
    // libxc returns the energy per particle: e = rho * zk.
    out.e += c->weight * d.rho.cwiseProduct(zk);
    out.v_rho += c->weight * vrho;
    if (c->gga) out.v_sigma += c->weight * vsigma;
  }
  return out;
}

SemilocalEnergyPotential LibxcFunctional::semilocal(const Eigen::MatrixXd& density) const {
  auto kernel = [this](const PointDensity& d, Eigen::VectorXd& e, PointPotential& v) {
    PointValues values = point_values(d);
    e = std::move(values.e);
    v.a = std::move(values.v_rho);
    if (gga_) v.b = (2.0 * values.v_sigma).asDiagonal() * d.grad;
  };
  return integrator_->energy_potential(density, kernel);
}

SemilocalIntegrator::ResponseKernel LibxcFunctional::response_kernel() const {
  SemilocalIntegrator::ResponseKernel kernel;
  // Factors: columns v2rho2 and, for GGAs, v2rhosigma, v2sigma2, vsigma (weighted sums over components).
  kernel.factors = [this](const PointDensity& d, std::size_t /*first_point*/) {
    const std::size_t np = static_cast<std::size_t>(d.rho.size());
    Eigen::MatrixXd f = Eigen::MatrixXd::Zero(np, gga_ ? 4 : 1);
    Eigen::VectorXd t1(np), t2(np), t3(np), vr(np), vs(np);
    for (const auto& c : components_) {
      if (c->gga) {
        // One libxc pass for first and second derivatives (they share the intermediates).
        xc_gga_vxc_fxc(&c->func, np, d.rho.data(), d.sigma.data(), vr.data(), vs.data(), t1.data(), t2.data(),
                       t3.data());
        f.col(0) += c->weight * t1;
        f.col(1) += c->weight * t2;
        f.col(2) += c->weight * t3;
        f.col(3) += c->weight * vs;
      } else {
        xc_lda_fxc(&c->func, np, d.rho.data(), t1.data());
        f.col(0) += c->weight * t1;
      }
    }
    return f;
  };
  kernel.apply = apply_point_kernel;  // columns as PointKernelColumn (v2rho2 .. vsigma)
  return kernel;
}

std::vector<Eigen::MatrixXd> LibxcFunctional::semilocal_kernel(
    const Eigen::MatrixXd& density, const std::vector<Eigen::MatrixXd>& perturbations) const {
  return integrator_->kernel_contraction(density, perturbations, response_kernel());
}

std::vector<Eigen::MatrixXd> LibxcFunctional::semilocal_kernel_ov(
    const Eigen::MatrixXd& density, const Eigen::MatrixXd& c_occ, const Eigen::MatrixXd& c_vir,
    const std::vector<Eigen::MatrixXd>& directions) const {
  return integrator_->kernel_contraction_ov(density, c_occ, c_vir, directions, response_kernel());
}

}  // namespace dixc::xc

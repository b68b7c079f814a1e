#include "dixc/xc/xc_functional.hpp"

#include <stdexcept>

namespace dixc::xc {

std::vector<Eigen::MatrixXd> XcFunctional::semilocal_kernel_ov(const Eigen::MatrixXd& density,
                                                               const Eigen::MatrixXd& c_occ,
                                                               const Eigen::MatrixXd& c_vir,
                                                               const std::vector<Eigen::MatrixXd>& directions) const {
  std::vector<Eigen::MatrixXd> perturbations;
  for (const auto& v : directions) {
    const Eigen::MatrixXd t = c_vir * v * c_occ.transpose();
    perturbations.push_back(t + t.transpose());
  }
  auto kernel = semilocal_kernel(density, perturbations);
  for (auto& k : kernel) k = c_vir.transpose() * k * c_occ;
  return kernel;
}

XcEnergies XcFunctional::add_potential(const Eigen::MatrixXd& density, const Eigen::MatrixXd* exchange,
                                       Eigen::MatrixXd& matrix) const {
  XcEnergies out;
  if (has_exact_exchange()) {
    if (!exchange) throw std::logic_error(name() + ": exact exchange needs K[D]");
    const double c_x = exact_exchange_fraction();
    matrix -= 0.5 * c_x * *exchange;
    out.exchange = -0.25 * c_x * density.cwiseProduct(*exchange).sum();
  }
  if (has_semilocal_part()) {
    const auto sl = semilocal(density);
    matrix += sl.potential;
    out.semilocal = sl.energy;
    out.n_electrons = sl.n_electrons;
  }
  return out;
}

void XcFunctional::add_exchange_kernel(const Eigen::MatrixXd& exchange, Eigen::MatrixXd& matrix) const {
  if (has_exact_exchange()) matrix -= exact_exchange_fraction() * exchange;
}

void XcFunctional::add_exchange_kernel_ov(const Eigen::MatrixXd& exchange, const Eigen::MatrixXd& c_occ,
                                          const Eigen::MatrixXd& c_vir, Eigen::MatrixXd& ov) const {
  if (has_exact_exchange()) ov -= exact_exchange_fraction() * c_vir.transpose() * exchange * c_occ;
}

}  // namespace dixc::xc

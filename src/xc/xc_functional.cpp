#include "dixc/xc/xc_functional.hpp"

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

}  // namespace dixc::xc

#include "dixc/xc/hartree_fock.hpp"

namespace dixc::xc {

SemilocalEnergyPotential HartreeFock::semilocal(const Eigen::MatrixXd&) const {
  return {0.0, Eigen::MatrixXd::Zero(nbf_, nbf_), 0.0};
}

std::vector<Eigen::MatrixXd> HartreeFock::semilocal_kernel(const Eigen::MatrixXd&,
                                                           const std::vector<Eigen::MatrixXd>& perturbations) const {
  return std::vector<Eigen::MatrixXd>(perturbations.size(), Eigen::MatrixXd::Zero(nbf_, nbf_));
}

}  // namespace dixc::xc

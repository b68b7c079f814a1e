#include "dixc/xc/point_kernel.hpp"

namespace dixc::xc {

void apply_point_kernel(const PointDensity& ground, const Eigen::MatrixXd& f, const std::vector<PointDensity>& first,
                        std::vector<PointPotential>& out) {
  const bool gga = f.cols() > kVSigma, meta = f.cols() > kV2Tau2;
  for (std::size_t x = 0; x < first.size(); ++x) {
    const PointDensity& d1 = first[x];
    PointPotential& v = out[x];
    v.a = f.col(kV2Rho2).cwiseProduct(d1.rho);
    if (!gga) {
      v.b.resize(0, 3);
      v.c.resize(0);
      continue;
    }
    const Eigen::VectorXd s1 = 2.0 * ground.grad.cwiseProduct(d1.grad).rowwise().sum();
    v.a += f.col(kV2RhoSigma).cwiseProduct(s1);
    Eigen::VectorXd b_coef = f.col(kV2RhoSigma).cwiseProduct(d1.rho) + f.col(kV2Sigma2).cwiseProduct(s1);
    if (meta) {
      v.a += f.col(kV2RhoTau).cwiseProduct(d1.tau);
      b_coef += f.col(kV2SigmaTau).cwiseProduct(d1.tau);
      v.c = f.col(kV2RhoTau).cwiseProduct(d1.rho) + f.col(kV2SigmaTau).cwiseProduct(s1) +
            f.col(kV2Tau2).cwiseProduct(d1.tau);
    } else {
      v.c.resize(0);
    }
    v.b = (2.0 * b_coef).asDiagonal() * ground.grad;
    v.b += (2.0 * f.col(kVSigma)).asDiagonal() * d1.grad;
  }
}

}  // namespace dixc::xc

#pragma once
// Hartree-Fock as an XcFunctional: pure exact exchange (c_x = 1), no semilocal part.
#include "dixc/xc/xc_functional.hpp"

namespace dixc::xc {

class HartreeFock final : public XcFunctional {
 public:
  explicit HartreeFock(std::size_t nbf) : nbf_(nbf) {}
  std::string name() const override { return "hf"; }
  double exact_exchange_fraction() const override { return 1.0; }
  bool has_semilocal_part() const override { return false; }
  SemilocalEnergyPotential semilocal(const Eigen::MatrixXd& density) const override;
  std::vector<Eigen::MatrixXd> semilocal_kernel(const Eigen::MatrixXd& density,
                                                const std::vector<Eigen::MatrixXd>& perturbations) const override;

 private:
  std::size_t nbf_;
};

}  // namespace dixc::xc

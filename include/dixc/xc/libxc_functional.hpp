#pragma once
// Any LDA, GGA or global-hybrid GGA from libxc (theory.md section 1): a sum of libxc components with weights;
// the exact-exchange fraction is libxc's own (xc_hyb_exx_coef), the semilocal part is integrated on the grid.
#include <memory>
#include <string>
#include <vector>

#include "dixc/xc/semilocal_integrator.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::xc {

struct LibxcComponent {
  int id;
  double weight;
};

// Resolves a name: dixc aliases (b3lyp, pbe, blyp, pbe0, svwn, lda), a libxc name ("HYB_GGA_XC_B3LYP",
// "gga_x_pbe"), or '+'-separated libxc names for exchange + correlation ("gga_x_pbe+gga_c_pbe").
// Throws InputError for unknown names, meta-GGAs and range-separated or non-local functionals.
std::vector<LibxcComponent> resolve_libxc_name(const std::string& name);

class LibxcFunctional final : public XcFunctional {
 public:
  LibxcFunctional(const std::string& name, std::shared_ptr<const SemilocalIntegrator> integrator);
  ~LibxcFunctional() override;
  LibxcFunctional(const LibxcFunctional&) = delete;
  LibxcFunctional& operator=(const LibxcFunctional&) = delete;

  std::string name() const override { return name_; }
  double exact_exchange_fraction() const override { return exx_; }
  bool has_semilocal_part() const override { return true; }
  std::size_t grid_points() const override { return integrator_->grid().size(); }
  SemilocalEnergyPotential semilocal(const Eigen::MatrixXd& density) const override;
  // The energy density per volume e = rho * zk (the components' weighted sum) and its partial derivatives
  // de/drho, de/dsigma (zero for LDAs) at the points of `d`.
  struct PointValues {
    Eigen::VectorXd e, v_rho, v_sigma;
  };
  PointValues point_values(const PointDensity& d) const;
  std::vector<Eigen::MatrixXd> semilocal_kernel(const Eigen::MatrixXd& density,
                                                const std::vector<Eigen::MatrixXd>& perturbations) const override;
  std::vector<Eigen::MatrixXd> semilocal_kernel_ov(const Eigen::MatrixXd& density, const Eigen::MatrixXd& c_occ,
                                                   const Eigen::MatrixXd& c_vir,
                                                   const std::vector<Eigen::MatrixXd>& directions) const override;
  // Density order the functional needs (LDA or GGA), for building the integrator.
  static DensityOrder required_order(const std::string& name);
  const SemilocalIntegrator& integrator() const { return *integrator_; }

 private:
  SemilocalIntegrator::ResponseKernel response_kernel() const;
  struct Component;
  std::string name_;
  std::vector<std::unique_ptr<Component>> components_;
  double exx_ = 0.0;
  bool gga_ = false;
  std::shared_ptr<const SemilocalIntegrator> integrator_;
};

}  // namespace dixc::xc

#pragma once
// Energy and Fock matrix F = dE/dD = h + J[D] - (c_x/2) K[D] + V_sl[D] of a closed-shell density, for any
// XcFunctional. Works at any D (not only at convergence), which the response code relies on.
#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/scf/energy_components.hpp"
#include "dixc/scf/incremental_jk.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::scf {

struct FockResult {
  Eigen::MatrixXd fock;
  EnergyComponents energy;
  double n_electrons_integrated = 0.0;  // from the XC grid; 0 for HF
  double seconds_jk = 0.0;              // wall time of the J/K build
  double seconds_xc = 0.0;              // wall time of the grid integration
};

class FockBuilder {
 public:
  FockBuilder(const chem::Molecule& molecule, const chem::BasisSet& basis, const integrals::JKBuilder& jk,
              const xc::XcFunctional& functional);

  // With `incremental`, J and K come from its Delta-D update instead of a full build.
  FockResult build(const Eigen::MatrixXd& density, IncrementalJK* incremental = nullptr) const;

  const Eigen::MatrixXd& core_hamiltonian() const { return h_; }
  const Eigen::MatrixXd& overlap() const { return s_; }
  const integrals::JKBuilder& jk() const { return jk_; }
  const xc::XcFunctional& functional() const { return functional_; }
  double nuclear_repulsion() const { return e_nn_; }

 private:
  const integrals::JKBuilder& jk_;
  const xc::XcFunctional& functional_;
  Eigen::MatrixXd s_, h_;
  double e_nn_;
};

}  // namespace dixc::scf

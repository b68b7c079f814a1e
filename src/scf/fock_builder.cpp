#include "dixc/scf/fock_builder.hpp"

#include <chrono>

#include "dixc/integrals/one_body.hpp"

namespace dixc::scf {

FockBuilder::FockBuilder(const chem::Molecule& molecule, const chem::BasisSet& basis,
                         const integrals::JKBuilder& jk, const xc::XcFunctional& functional)
    : jk_(jk), functional_(functional) {
  s_ = integrals::overlap(basis);
  h_ = integrals::kinetic(basis) + integrals::nuclear_attraction(basis, molecule);
  e_nn_ = molecule.nuclear_repulsion();
}

FockResult FockBuilder::build(const Eigen::MatrixXd& density, IncrementalJK* incremental) const {
  const double c_x = functional_.exact_exchange_fraction();
  using Clock = std::chrono::steady_clock;
  Eigen::MatrixXd j, k;
  FockResult out;
  const auto t0 = Clock::now();
  if (incremental)
    incremental->compute(density, &j, c_x != 0.0 ? &k : nullptr);
  else
    jk_.compute(density, &j, c_x != 0.0 ? &k : nullptr);
  const auto t1 = Clock::now();
  out.seconds_jk = std::chrono::duration<double>(t1 - t0).count();
  out.fock = h_ + j;
  out.energy.nuclear_repulsion = e_nn_;
  out.energy.one_electron = density.cwiseProduct(h_).sum();
  out.energy.coulomb = 0.5 * density.cwiseProduct(j).sum();
  if (c_x != 0.0) {
    out.fock -= 0.5 * c_x * k;
    out.energy.exchange = -0.25 * c_x * density.cwiseProduct(k).sum();
  }
  if (functional_.has_semilocal_part()) {
    auto sl = functional_.semilocal(density);
    out.fock += sl.potential;
    out.energy.xc = sl.energy;
    out.n_electrons_integrated = sl.n_electrons;
    out.seconds_xc = std::chrono::duration<double>(Clock::now() - t1).count();
  }
  return out;
}

}  // namespace dixc::scf

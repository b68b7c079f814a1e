#include "dixc/scf/fock_builder.hpp"

#include <chrono>

#include "dixc/integrals/one_body.hpp"

namespace dixc::scf {

FockBuilder::FockBuilder(const chem::Molecule& molecule, const chem::BasisSet& basis, const integrals::JKBuilder& jk,
                         const xc::XcFunctional& functional)
    : jk_(jk), functional_(functional) {
  s_ = integrals::overlap(basis);
  h_ = integrals::kinetic(basis) + integrals::nuclear_attraction(basis, molecule);
  e_nn_ = molecule.nuclear_repulsion();
}

FockResult FockBuilder::build(const Eigen::MatrixXd& density, IncrementalJK* incremental) const {
  using Clock = std::chrono::steady_clock;
  Eigen::MatrixXd j, k;
  Eigen::MatrixXd* wanted_k = functional_.has_exact_exchange() ? &k : nullptr;
  FockResult out;
  const auto t0 = Clock::now();
  if (incremental)
    incremental->compute(density, &j, wanted_k);
  else
    jk_.compute(density, &j, wanted_k);
  const auto t1 = Clock::now();
  out.seconds_jk = std::chrono::duration<double>(t1 - t0).count();
  // F = h + J[D] + V_xc[D], V_xc with its exact-exchange share (theory.md section 1).
  out.fock = h_ + j;
  const xc::XcEnergies xc = functional_.add_potential(density, wanted_k, out.fock);
  out.energy.nuclear_repulsion = e_nn_;
  out.energy.one_electron = density.cwiseProduct(h_).sum();
  out.energy.coulomb = 0.5 * density.cwiseProduct(j).sum();
  out.energy.exchange = xc.exchange;
  out.energy.xc = xc.semilocal;
  out.n_electrons_integrated = xc.n_electrons;
  if (functional_.has_semilocal_part()) out.seconds_xc = std::chrono::duration<double>(Clock::now() - t1).count();
  return out;
}

}  // namespace dixc::scf

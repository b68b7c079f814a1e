#include "dixc/calc/molecule_calculation.hpp"

#include "dixc/integrals/one_body.hpp"
#include "dixc/util/error.hpp"
#include "dixc/xc/factory.hpp"

namespace dixc::calc {

MoleculeCalculation::MoleculeCalculation(chem::Molecule molecule, const std::string& basis, std::string grid,
                                         integrals::JKOptions jk_options, const par::Eigensolver* eigensolver)
    : molecule_(std::move(molecule)),
      basis_(chem::load_basis(basis, molecule_)),
      grid_(std::move(grid)),
      fitting_basis_(jk_options.coulomb_fitting.empty() ? chem::BasisSet{}
                                                        : chem::load_basis(jk_options.coulomb_fitting, molecule_)),
      jk_(basis_, jk_options, jk_options.coulomb_fitting.empty() ? nullptr : &fitting_basis_),
      dipole_(integrals::dipole(basis_, {0.0, 0.0, 0.0})),
      eigensolver_(eigensolver ? eigensolver : &lapack_) {}

FunctionalCalculation MoleculeCalculation::with(const std::string& functional) const {
  return with(xc::make_functional({functional, grid_}, molecule_, basis_));
}

FunctionalCalculation MoleculeCalculation::with(std::unique_ptr<xc::XcFunctional> functional) const {
  return FunctionalCalculation(*this, std::move(functional));
}

FunctionalCalculation::FunctionalCalculation(const MoleculeCalculation& calculation,
                                             std::unique_ptr<xc::XcFunctional> functional)
    : calculation_(&calculation),
      functional_(std::move(functional)),
      fock_builder_(std::make_unique<scf::FockBuilder>(calculation.molecule(), calculation.basis(), calculation.jk(),
                                                       *functional_)) {}

scf::ScfResult FunctionalCalculation::scf(const scf::ScfOptions& options) const {
  return scf::run_scf(calculation_->molecule(), calculation_->basis(), *fock_builder_, options,
                      calculation_->eigensolver());
}

void FunctionalCalculation::require_converged(const scf::ScfResult& result, const std::string& hint) const {
  if (!result.converged)
    throw ConvergenceError("molecule '" + calculation_->molecule().name + "': SCF with " + functional_->name() +
                           " did not converge in " + std::to_string(result.n_iter) +
                           " iterations (|dE| = " + std::to_string(result.last_energy_change) +
                           ", |g| = " + std::to_string(result.gradient_norm) + ")" + (hint.empty() ? "" : "; " + hint));
}

scf::ScfResult FunctionalCalculation::converged_scf(const scf::ScfOptions& options) const {
  scf::ScfResult result = scf(options);
  require_converged(result);
  return result;
}

response::OrbitalHessian FunctionalCalculation::hessian(const scf::ScfResult& ground) const {
  return response::OrbitalHessian(*fock_builder_, ground.coefficients, ground.n_occupied);
}

response::TddftResult FunctionalCalculation::tddft(const response::OrbitalHessian& hessian,
                                                   const response::TddftOptions& options) const {
  return response::solve_tddft(hessian, calculation_->dipole_integrals(), options);
}

}  // namespace dixc::calc

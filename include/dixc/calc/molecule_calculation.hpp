#pragma once
// One molecule's calculation: its basis and J/K builder made once, functionals bound to them, and for each
// functional the SCF, the orbital Hessian at its solution and TDDFT (theory.md sections 1-2). `dixc scf`, the
// reference data of `dixc generate` and the evaluation of a learned functional all run through it, instead of
// each wiring basis -> J/K -> functional -> Fock builder -> SCF -> Hessian -> TDDFT by hand.
#include <array>
#include <memory>
#include <string>

#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/par/eigensolver.hpp"
#include "dixc/response/orbital_hessian.hpp"
#include "dixc/response/tddft.hpp"
#include "dixc/scf/fock_builder.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/xc_functional.hpp"

namespace dixc::calc {

class MoleculeCalculation;

// One functional on the molecule of a MoleculeCalculation, which must outlive it.
class FunctionalCalculation {
 public:
  FunctionalCalculation(const MoleculeCalculation& calculation, std::unique_ptr<xc::XcFunctional> functional);

  const xc::XcFunctional& functional() const { return *functional_; }
  const scf::FockBuilder& fock_builder() const { return *fock_builder_; }

  // The result says whether it converged.
  scf::ScfResult scf(const scf::ScfOptions& options = {}) const;
  // Throws ConvergenceError naming the molecule and the functional (and `hint`, what to try) unless `result`
  // converged; converged_scf runs the SCF and checks.
  void require_converged(const scf::ScfResult& result, const std::string& hint = "") const;
  scf::ScfResult converged_scf(const scf::ScfOptions& options = {}) const;
  // The orbital Hessian (response) at an SCF solution of this functional.
  response::OrbitalHessian hessian(const scf::ScfResult& ground) const;
  // Singlet excitations from that Hessian, transition dipoles about the coordinate origin. The result says
  // whether the Davidson iterations converged.
  response::TddftResult tddft(const response::OrbitalHessian& hessian, const response::TddftOptions& options) const;

 private:
  const MoleculeCalculation* calculation_;
  std::unique_ptr<xc::XcFunctional> functional_;
  std::unique_ptr<scf::FockBuilder> fock_builder_;
};

class MoleculeCalculation {
 public:
  // Throws InputError naming the molecule when the basis does not cover its elements. `eigensolver` (nullptr:
  // LAPACK) must outlive the calculation.
  MoleculeCalculation(chem::Molecule molecule, const std::string& basis, std::string grid,
                      integrals::JKOptions jk_options = {}, const par::Eigensolver* eigensolver = nullptr);
  MoleculeCalculation(const MoleculeCalculation&) = delete;  // the J/K builder and Fock builders refer to members
  MoleculeCalculation& operator=(const MoleculeCalculation&) = delete;

  // A dixc/libxc functional by name ("b3lyp", "blyp", "hf", a libxc name) on this calculation's grid level.
  FunctionalCalculation with(const std::string& functional) const;
  // Any other functional bound to this molecule, basis and grid (a learned one).
  FunctionalCalculation with(std::unique_ptr<xc::XcFunctional> functional) const;

  const chem::Molecule& molecule() const { return molecule_; }
  const chem::BasisSet& basis() const { return basis_; }
  const std::string& grid() const { return grid_; }
  const integrals::JKBuilder& jk() const { return jk_; }
  const par::Eigensolver& eigensolver() const { return *eigensolver_; }
  const std::array<Eigen::MatrixXd, 3>& dipole_integrals() const { return dipole_; }  // <mu| r |nu>, origin 0

 private:
  chem::Molecule molecule_;
  chem::BasisSet basis_;
  std::string grid_;
  chem::BasisSet fitting_basis_;  // jk_options.coulomb_fitting on the molecule (empty without RI-J)
  integrals::JKBuilder jk_;
  std::array<Eigen::MatrixXd, 3> dipole_;
  par::LapackEigensolver lapack_;
  const par::Eigensolver* eigensolver_;
};

}  // namespace dixc::calc

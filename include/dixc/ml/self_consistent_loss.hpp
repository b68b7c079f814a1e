#pragma once
// Energy + density supervision through the learned functional's own SCF (docs/theory.md section 7), the
// baseline the DI-Loss is compared with:
//   L = w_E/s_E (dE_tot / N_e)^2 + w_rho/s_rho sum_p w_p (rho^theta_p - rho^ref_p)^2,
// dE_tot = E^theta_SCF - E_ref, rho^theta the density of the model's SCF solution kappa*(theta) on the grid. The
// parameter gradient by implicit differentiation at kappa* (stationarity g(kappa*; theta) = 0):
//   dL/dtheta = dL/dtheta|_kappa - lambda^T dg/dtheta|_kappa,   H lambda = dL/dkappa,
// H the model's full orbital Hessian at kappa* (orbital-energy differences, Coulomb, the model's kernel; no exact
// exchange), solved by preconditioned conjugate gradients (response/hessian_solver.hpp). dL/dtheta|_kappa is
// c_E dE_xc/dtheta and lambda^T dg/dtheta is <lambda, g_xc^theta>'s parameter derivative, both at the fixed
// orbitals of kappa*: the DI-Loss's adjoint machinery (add_adjoint_gradient) with the features of that solution.
#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>

#include "dixc/chem/molecule.hpp"
#include "dixc/data/molecule_record.hpp"
#include "dixc/ml/loss_settings.hpp"
#include "dixc/ml/molecule_tensors.hpp"
#include "dixc/response/hessian_solver.hpp"
#include "dixc/scf/scf.hpp"

namespace dixc::ml {

struct SelfConsistentSettings {
  double energy_weight = 1.0;   // w_E / s_E
  double density_weight = 1.0;  // w_rho / s_rho
  EnergyNormalisation energy_normalisation = EnergyNormalisation::per_electron;
  scf::ScfOptions scf;  // its initial density is set to the reference density
  response::HessianSolveOptions solve;
};

struct SelfConsistentTerms {
  double energy = 0.0;        // (dE_tot / N_e)^2, or dE_tot^2 (EnergyNormalisation::total)
  double density = 0.0;       // sum_p w_p (rho^theta - rho^ref)^2 (Bohr^-3)
  double total = 0.0;         // weighted sum
  double energy_error = 0.0;  // E^theta_SCF - E_ref (Eh)
  int scf_iterations = 0;
  int solve_iterations = 0;  // Hessian products of the implicit gradient (0 without backward)
  bool converged = false;    // the SCF (and, with backward, the linear solve); no gradient is added otherwise
  std::string message;       // why not, naming the molecule
};

// One dataset molecule with what every step of self-consistent training keeps: its geometry, the AO values on
// the grid and the reference density there. The J builder (in-core integrals for small molecules) and the grid
// integrator of the model's SCF are made per call and dropped after it, so that a rank's memory holds only the
// AO values of its resident molecules (bytes()) plus one calculation per thread.
class SelfConsistentMolecule {
 public:
  // Throws InputError naming the molecule when the record cannot be used.
  SelfConsistentMolecule(const data::MoleculeRecord& record, const std::string& basis, const std::string& grid,
                         std::size_t chunk_points);
  // With the record's tensors already loaded (AO values included) on `grid`.
  SelfConsistentMolecule(const data::MoleculeRecord& record, MoleculeTensors reference, const std::string& basis,
                         const std::string& grid);

  // Runs the model's SCF from the reference density; with `backward`, adds scale * dL/dtheta to the parameters'
  // gradients when the SCF and the linear solve converged.
  SelfConsistentTerms loss(torch::jit::Module& model, const SelfConsistentSettings& settings, double scale,
                           bool backward) const;

  const std::string& name() const { return reference_.name; }
  std::size_t bytes() const;

 private:
  MoleculeTensors reference_;  // AO values kept: the model's orbitals change every step
  chem::Molecule molecule_;
  std::string basis_, grid_;
  std::vector<torch::Tensor> rho_reference_;  // per chunk of reference_
  Eigen::MatrixXd density_reference_;         // AO, the SCF's starting point
  double energy_reference_ = 0.0;
};

}  // namespace dixc::ml

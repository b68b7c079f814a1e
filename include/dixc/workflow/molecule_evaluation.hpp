#pragma once
// Self-consistent evaluation of a learned functional on one dataset molecule (theory.md section 6):
// SCF with the model, then the target functional (the dataset's, e.g. B3LYP) evaluated at the model's density,
// dipole and density errors, target-SCF iterations from the model's density, and model TDDFT.
#include <string>
#include <vector>

#include <torch/script.h>

#include "dixc/data/molecule_record.hpp"
#include "dixc/scf/scf.hpp"

namespace dixc::workflow {

struct EvaluationSettings {
  torch::jit::Module model;  // from dixc train, loaded once per rank (ml::load_checked_model)
  std::string functional;    // target functional of the dataset
  std::string basis;
  std::string grid;
  int n_roots = 0;               // TDDFT roots compared (0: as many as the dataset has)
  int max_scf_iterations = 100;  // of the learned functional's SCF; beyond it the molecule is reported as failed
  // The dataset's SCF settings (thresholds, max_iter) for the target SCF from the model's density, so that its
  // iterations compare with the record's n_iter: the same SCF from the default guess, run by dixc generate.
  scf::ScfOptions target_scf;
  // libxc functionals run on the same molecules, grid and targets as the obvious baselines (untrained BLYP...).
  std::vector<std::string> baselines = {"blyp", "pbe"};
};

// |dE_tot| and E_rho of a baseline functional's own SCF, measured like the model's.
struct BaselineMetrics {
  std::string functional;
  bool ok = false;
  double energy_error_mEh = 0.0, e_rho_mEh = 0.0;
};

struct MoleculeMetrics {
  std::string name;
  bool ok = false;
  std::string message;
  double energy_model = 0.0, energy_reference = 0.0;
  double energy_error_mEh = 0.0;    // |E_model_SCF - E_ref|
  double e_rho_mEh = 0.0;           // E_tgt[D_model] - E_tgt[D_ref]
  double dipole_error_debye = 0.0;  // |mu_model - mu_ref|
  double density_l2 = 0.0;          // sqrt(sum_p w_p (rho_model - rho_ref)^2)
  int model_scf_iterations = 0;
  int target_iterations_default = 0;     // target SCF from the default (SAD) guess: the record's n_iter
  int target_iterations_from_model = 0;  // target SCF from the model's density
  double tddft_mae_ev = 0.0;
  std::vector<double> excitations_model_ev, excitations_reference_ev;
  std::vector<BaselineMetrics> baselines;
};

// Never throws for a molecule-level failure (non-convergence...): ok = false and message say what happened.
MoleculeMetrics evaluate_molecule(const data::MoleculeRecord& record, const EvaluationSettings& settings);

}  // namespace dixc::workflow

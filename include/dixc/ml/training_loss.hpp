#pragma once
// The loss of one training molecule in any mode (loss_settings.hpp): the DI-Loss's terms at the reference
// (di_loss.hpp) and, for the self-consistent modes, the total-energy and density terms through the model's own
// SCF (self_consistent_loss.hpp, theory.md section 7). The SCF runs first: a molecule whose SCF or implicit-
// gradient solve does not converge adds nothing to the parameters' gradients (scf_converged false, message set).
#include <torch/script.h>

#include "dixc/ml/di_loss.hpp"
#include "dixc/ml/training_molecules.hpp"

namespace dixc::ml {

LossTerms training_loss(torch::jit::Module& model, const TrainingMolecule& molecule, const LossSettings& settings,
                        double scale, bool backward);

}  // namespace dixc::ml

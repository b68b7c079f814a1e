#pragma once
// TorchScript source text of the XC models (see model_sources.cpp for the formulas and references).
#include <string>

namespace dixc::ml {

const std::string& common_model_source();  // helper methods every model uses
const std::string& pbe_model_source();     // parameter-free PBE, the reference for the zero-loss test
const std::string& blyp_model_source();    // parameter-free BLYP, the base of the learned semilocal models
// Learned models define base(...) (parameter-free) and correction(...) with the forward signature; forward is
// their sum (base_plus_correction_source). gga-mlp, mgga-mlp and nonlocal take blyp_base_source; xcdiff its own.
const std::string& blyp_base_source();
const std::string& base_plus_correction_source();
// gga-mlp, mgga-mlp and xcdiff define inputs, prefactors, network and network_jet; their correction is
// separable_correction_source's (gga-mlp and mgga-mlp take the network of mlp_network_source).
const std::string& separable_correction_source();
const std::string& mlp_network_source();
const std::string& gga_mlp_source();
const std::string& mgga_mlp_source();
const std::string& xcdiff_source();
const std::string& nonlocal_source();

}  // namespace dixc::ml

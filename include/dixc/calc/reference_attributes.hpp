#pragma once
// The dataset attributes that record how `dixc generate` made a dataset's reference data (data::attribute names),
// and the settings read back from them: generate writes what evaluate reruns the reference SCF with.
#include <map>
#include <string>

#include "dixc/calc/reference_data.hpp"
#include "dixc/scf/scf.hpp"

namespace dixc::calc {

// functional, basis, grid, SCF thresholds and max_iter, n_roots, n_dir, seed; doubles in round-trip precision.
std::map<std::string, std::string> reference_attributes(const ReferenceSettings& settings);

// The inverse of reference_attributes (other attributes are ignored); InputError naming `source` (the dataset's
// file) and the attribute when one is missing or unreadable.
ReferenceSettings reference_settings(const std::map<std::string, std::string>& attributes, const std::string& source);

// The SCF options compute_reference runs with for these settings.
scf::ScfOptions reference_scf_options(const ReferenceSettings& settings);

}  // namespace dixc::calc

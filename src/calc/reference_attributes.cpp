#include "dixc/calc/reference_attributes.hpp"

#include <stdexcept>

#include "dixc/data/attributes.hpp"
#include "dixc/util/error.hpp"
#include "dixc/util/number_text.hpp"

namespace dixc::calc {

namespace {

// std::stod/stoi/stoull on the whole string: trailing characters are an error too.
template <class T, class Parse>
T parsed(const std::map<std::string, std::string>& attributes, const std::string& name, const std::string& source,
         Parse parse) {
  const std::string& text = data::required_attribute(attributes, name, source);
  try {
    std::size_t used = 0;
    const T value = parse(text, &used);
    if (used == text.size()) return value;
  } catch (const std::logic_error&) {  // std::invalid_argument, std::out_of_range
  }
  throw InputError(source + ": attribute '" + name + "' = '" + text + "' is not a number");
}

}  // namespace

std::map<std::string, std::string> reference_attributes(const ReferenceSettings& settings) {
  namespace a = data::attribute;
  return {{a::functional, settings.functional},
          {a::basis, settings.basis},
          {a::grid, settings.grid},
          {a::energy_threshold, round_trip_text(settings.energy_threshold)},
          {a::gradient_threshold, round_trip_text(settings.gradient_threshold)},
          {a::max_iter, std::to_string(settings.max_iter)},
          {a::n_roots, std::to_string(settings.n_roots)},
          {a::n_dir, std::to_string(settings.n_dir)},
          {a::seed, std::to_string(settings.seed)}};
}

ReferenceSettings reference_settings(const std::map<std::string, std::string>& attributes, const std::string& source) {
  namespace a = data::attribute;
  const auto as_double = [](const std::string& s, std::size_t* used) { return std::stod(s, used); };
  const auto as_int = [](const std::string& s, std::size_t* used) { return std::stoi(s, used); };
  const auto as_seed = [](const std::string& s, std::size_t* used) { return std::stoull(s, used); };
  ReferenceSettings s;
  s.functional = data::required_attribute(attributes, a::functional, source);
  s.basis = data::required_attribute(attributes, a::basis, source);
  s.grid = data::required_attribute(attributes, a::grid, source);
  s.energy_threshold = parsed<double>(attributes, a::energy_threshold, source, as_double);
  s.gradient_threshold = parsed<double>(attributes, a::gradient_threshold, source, as_double);
  s.max_iter = parsed<int>(attributes, a::max_iter, source, as_int);
  s.n_roots = parsed<int>(attributes, a::n_roots, source, as_int);
  s.n_dir = parsed<int>(attributes, a::n_dir, source, as_int);
  s.seed = parsed<std::uint64_t>(attributes, a::seed, source, as_seed);
  return s;
}

scf::ScfOptions reference_scf_options(const ReferenceSettings& settings) {
  scf::ScfOptions options;
  options.max_iter = settings.max_iter;
  options.energy_threshold = settings.energy_threshold;
  options.gradient_threshold = settings.gradient_threshold;
  return options;
}

}  // namespace dixc::calc

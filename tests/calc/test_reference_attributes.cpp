// The dataset attributes dixc generate writes and evaluate reads back: every setting survives the round trip
// exactly and in its own field, and a missing or unreadable attribute is an error naming the file and attribute.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "dixc/calc/reference_attributes.hpp"
#include "dixc/data/attributes.hpp"
#include "support/input_error.hpp"

namespace dixc::calc {
namespace {

// No two numeric settings equal and none at its default, so a swapped or dropped field shows.
ReferenceSettings unusual_settings() {
  ReferenceSettings s;
  s.functional = "pbe0";
  s.basis = "def2-tzvp";
  s.grid = "coarse";
  s.energy_threshold = 3.1e-9;  // not exactly representable: the round trip must keep every bit
  s.gradient_threshold = 7.3e-7;
  s.max_iter = 37;
  s.n_roots = 2;
  s.n_dir = 5;
  s.seed = (std::uint64_t{1} << 63) + 5;  // beyond int64
  return s;
}

TEST(ReferenceAttributes, SettingsSurviveTheRoundTripExactly) {
  const ReferenceSettings s = unusual_settings();
  const auto attributes = reference_attributes(s);
  // Each value under its own name (a writer and reader that swapped two names alike would still round-trip).
  EXPECT_EQ(attributes.at(data::attribute::max_iter), "37");
  EXPECT_EQ(std::stod(attributes.at(data::attribute::energy_threshold)), 3.1e-9);
  EXPECT_EQ(std::stod(attributes.at(data::attribute::gradient_threshold)), 7.3e-7);
  EXPECT_EQ(attributes.at(data::attribute::n_roots), "2");
  EXPECT_EQ(attributes.at(data::attribute::n_dir), "5");
  EXPECT_EQ(attributes.at(data::attribute::functional), "pbe0");
  const ReferenceSettings back = reference_settings(attributes, "data.h5");
  EXPECT_EQ(back.functional, s.functional);
  EXPECT_EQ(back.basis, s.basis);
  EXPECT_EQ(back.grid, s.grid);
  EXPECT_EQ(back.energy_threshold, s.energy_threshold);  // exact, not near
  EXPECT_EQ(back.gradient_threshold, s.gradient_threshold);
  EXPECT_EQ(back.max_iter, s.max_iter);
  EXPECT_EQ(back.n_roots, s.n_roots);
  EXPECT_EQ(back.n_dir, s.n_dir);
  EXPECT_EQ(back.seed, s.seed);
}

TEST(ReferenceAttributes, ScfOptionsTakeEachThresholdFromItsOwnField) {
  const scf::ScfOptions options = reference_scf_options(unusual_settings());
  EXPECT_EQ(options.energy_threshold, 3.1e-9);
  EXPECT_EQ(options.gradient_threshold, 7.3e-7);
  EXPECT_EQ(options.max_iter, 37);
}

TEST(ReferenceAttributes, OtherAttributesAreIgnored) {
  auto attributes = reference_attributes(unusual_settings());
  attributes[data::attribute::git_hash] = "abc123";
  attributes[data::attribute::units] = "atomic units";
  EXPECT_EQ(reference_settings(attributes, "data.h5").max_iter, 37);
}

TEST(ReferenceAttributes, MissingOrUnreadableAttributesNameTheFileAndTheAttribute) {
  auto missing = reference_attributes(unusual_settings());
  missing.erase(data::attribute::gradient_threshold);
  const std::string gone = test::input_error_message([&] { reference_settings(missing, "run/data.h5"); });
  EXPECT_NE(gone.find("run/data.h5"), std::string::npos) << gone;
  EXPECT_NE(gone.find("gradient_threshold"), std::string::npos) << gone;

  for (const char* bad : {"1e-8x", "", "ten", "1e999"}) {
    auto unreadable = reference_attributes(unusual_settings());
    unreadable[data::attribute::energy_threshold] = bad;
    const std::string what = test::input_error_message([&] { reference_settings(unreadable, "run/data.h5"); });
    EXPECT_NE(what.find("run/data.h5"), std::string::npos) << bad << ": " << what;
    EXPECT_NE(what.find("energy_threshold"), std::string::npos) << bad << ": " << what;
  }
  auto fractional = reference_attributes(unusual_settings());
  fractional[data::attribute::max_iter] = "37.5";
  EXPECT_NE(test::input_error_message([&] { reference_settings(fractional, "run/data.h5"); }).find("max_iter"),
            std::string::npos);
}

}  // namespace
}  // namespace dixc::calc

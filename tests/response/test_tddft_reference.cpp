// TDDFT singlets (B3LYP/def2-SVP, 5 roots, RPA and TDA) against NWChem 7.0.2 (tests/data/reference_nwchem.json):
// excitation energies within 1e-3 eV, oscillator strengths within 1e-3.
#include <gtest/gtest.h>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/response/tddft.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/factory.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

struct TddftCase {
  const char* molecule;
  bool tda;
};

class TddftReference : public ::testing::TestWithParam<TddftCase> {};

TEST_P(TddftReference, MatchesNwchem) {
  const auto [name, tda] = GetParam();
  const auto& ref = test::reference_molecule(name).at(tda ? "excitations_tda" : "excitations");
  const chem::Molecule molecule = test::reference_geometry(name);
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis);
  const auto functional = xc::make_functional({"b3lyp", "default"}, molecule, basis);
  const scf::FockBuilder fock_builder(molecule, basis, jk, *functional);
  const auto scf = scf::run_scf(molecule, basis, fock_builder, {});
  ASSERT_TRUE(scf.converged);
  const response::OrbitalHessian hessian(fock_builder, scf.coefficients, scf.n_occupied);
  response::TddftOptions options;
  options.n_roots = 5;
  options.tda = tda;
  const auto result = response::solve_tddft(hessian, integrals::dipole(basis, {0, 0, 0}), options);
  ASSERT_TRUE(result.converged);
  ASSERT_EQ(result.excitations.size(), 5u);
  for (int r = 0; r < 5; ++r) {
    EXPECT_NEAR(result.excitations[r].energy * chem::hartree_in_ev, ref[r].at("energy_eV").get<double>(), 1e-3)
        << name << (tda ? " TDA" : " RPA") << " root " << r + 1;
    EXPECT_NEAR(result.excitations[r].oscillator_strength, ref[r].at("f").get<double>(), 1e-3)
        << name << (tda ? " TDA" : " RPA") << " root " << r + 1;
  }
}

INSTANTIATE_TEST_SUITE_P(H2oNh3C2h4, TddftReference,
                         ::testing::Values(TddftCase{"H2O", false}, TddftCase{"H2O", true}, TddftCase{"NH3", false},
                                           TddftCase{"NH3", true}, TddftCase{"C2H4", false},
                                           TddftCase{"C2H4", true}),
                         [](const auto& info) {
                           return std::string(info.param.molecule) + (info.param.tda ? "_tda" : "_rpa");
                         });

}  // namespace
}  // namespace dixc

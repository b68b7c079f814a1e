// One molecule's calculation (calc::MoleculeCalculation) against NWChem 7.0.2 (tests/data/reference_nwchem.json):
// B3LYP/def2-SVP energy within 1e-6 Eh and 5 RPA singlets within 1e-3 eV through the object every command uses,
// also when another functional ran on the same basis and J/K builder first; non-convergence names the molecule.
#include <gtest/gtest.h>

#include "dixc/calc/molecule_calculation.hpp"
#include "dixc/util/error.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

TEST(MoleculeCalculation, B3lypScfAndTddftMatchNwchemAfterAnotherFunctional) {
  const auto& ref = test::reference_molecule("H2O");
  const calc::MoleculeCalculation calculation(test::reference_geometry("H2O"), "def2-svp", "default");
  // BLYP first: the shared J/K builder (in-core integrals) must not carry state from one functional to the next.
  const scf::ScfResult blyp = calculation.with("blyp").converged_scf();
  const calc::FunctionalCalculation b3lyp = calculation.with("b3lyp");
  const scf::ScfResult scf = b3lyp.converged_scf();
  EXPECT_GT(std::abs(blyp.energy_total - scf.energy_total), 1e-3);  // two different functionals did run
  EXPECT_NEAR(scf.energy_total, ref.at("energy_total").get<double>(), 1e-6);
  response::TddftOptions options;
  options.n_roots = 5;
  const auto tddft = b3lyp.tddft(b3lyp.hessian(scf), options);
  ASSERT_TRUE(tddft.converged);
  const auto& ex = ref.at("excitations");
  for (int r = 0; r < 5; ++r) {
    EXPECT_NEAR(tddft.excitations[r].energy * chem::hartree_in_ev, ex[r].at("energy_eV").get<double>(), 1e-3);
    EXPECT_NEAR(tddft.excitations[r].oscillator_strength, ex[r].at("f").get<double>(), 1e-3);
  }
}

TEST(MoleculeCalculation, UnconvergedScfIsAnErrorNamingMoleculeAndFunctional) {
  const calc::MoleculeCalculation calculation(test::reference_geometry("H2O"), "def2-svp", "coarse");
  const calc::FunctionalCalculation pbe = calculation.with("pbe");
  scf::ScfOptions options;
  options.max_iter = 2;
  try {
    pbe.converged_scf(options);
    FAIL() << "two iterations converged";
  } catch (const ConvergenceError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'H2O'"), std::string::npos) << message;
    EXPECT_NE(message.find(pbe.functional().name()), std::string::npos) << message;
    EXPECT_NE(message.find("2 iterations"), std::string::npos) << message;
  }
}

TEST(MoleculeCalculation, UnknownBasisOrFunctionalIsAnInputError) {
  EXPECT_THROW(calc::MoleculeCalculation(test::reference_geometry("H2O"), "no-such-basis", "coarse"), InputError);
  const calc::MoleculeCalculation calculation(test::reference_geometry("H2O"), "def2-svp", "coarse");
  EXPECT_THROW(calculation.with("no-such-functional"), InputError);
}

}  // namespace
}  // namespace dixc

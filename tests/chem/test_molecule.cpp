#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "dixc/chem/element.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/util/error.hpp"
#include "support/input_error.hpp"

namespace dixc::chem {
namespace {

struct AtomSpec {
  const char* symbol;
  double x, y, z;  // Angstrom
};

Molecule make_molecule(std::string name, std::initializer_list<AtomSpec> atoms, int charge = 0, int multiplicity = 1) {
  Molecule mol;
  mol.name = std::move(name);
  mol.charge = charge;
  mol.multiplicity = multiplicity;
  for (const auto& a : atoms) {
    mol.atoms.push_back(
        {element_by_symbol(a.symbol).Z, {a.x / bohr_in_angstrom, a.y / bohr_in_angstrom, a.z / bohr_in_angstrom}});
  }
  return mol;
}

Molecule water(int charge = 0, int multiplicity = 1) {
  return make_molecule("water", {{"O", 0, 0, 0.119262}, {"H", 0, 0.763239, -0.477047}, {"H", 0, -0.763239, -0.477047}},
                       charge, multiplicity);
}

using test::input_error_message;

void expect_contains(const std::string& text, std::initializer_list<std::string> parts) {
  for (const auto& part : parts) EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

TEST(Molecule, ElectronCountSubtractsCharge) {
  EXPECT_EQ(water().n_electrons(), 10);
  EXPECT_EQ(water(1, 2).n_electrons(), 9);
  EXPECT_EQ(water(-2, 1).n_electrons(), 12);
}

// Reference: NWChem "Nuclear repulsion energy" for this geometry.
TEST(Molecule, WaterNuclearRepulsionMatchesNWChem) { EXPECT_NEAR(water().nuclear_repulsion(), 9.08829376885, 1e-9); }

TEST(Molecule, DiatomicNuclearRepulsionIsZaZbOverR) {
  // H2 at 0.74 A: 1 / (0.74 / 0.529177210903) Eh.
  EXPECT_NEAR(make_molecule("h2", {{"H", 0, 0, 0}, {"H", 0, 0, 0.74}}).nuclear_repulsion(), 0.715104339058, 1e-11);
  // N2 at 1.0977 A: 49 * 0.529177210903 / 1.0977 = 23.6218...
  EXPECT_NEAR(make_molecule("n2", {{"N", 0, 0, 0}, {"N", 1.0977, 0, 0}}).nuclear_repulsion(),
              49 * 0.529177210903 / 1.0977, 1e-11);
  EXPECT_EQ(make_molecule("he", {{"He", 1, 2, 3}}).nuclear_repulsion(), 0.0);
}

TEST(Molecule, CoincidentAtomsMakeNuclearRepulsionThrow) {
  const auto mol = make_molecule("broken", {{"O", 0, 0, 0}, {"H", 0, 0, 1}, {"H", 0, 0, 1}});
  expect_contains(input_error_message([&] { mol.nuclear_repulsion(); }), {"'broken'", "#2 (H)", "#3 (H)"});
}

TEST(Molecule, AtomicNumbersInFormula) {
  EXPECT_EQ(atomic_numbers_in_formula("H2O"), (std::vector<int>{1, 1, 8}));
  EXPECT_EQ(atomic_numbers_in_formula("CHCl3"), (std::vector<int>{6, 1, 17, 17, 17}));
  std::vector<int> biphenyl(12, 6);
  biphenyl.insert(biphenyl.end(), 10, 1);
  EXPECT_EQ(atomic_numbers_in_formula("C12H10"), biphenyl);
  EXPECT_EQ(atomic_numbers_in_formula("ClNa"), (std::vector<int>{17, 11}));
  // Inverse of Molecule::formula up to the order of atoms.
  const auto mol =
      make_molecule("sih3cl", {{"Si", 0, 0, 0}, {"H", 1, 0, 0}, {"Cl", 0, 0, 2}, {"H", 0, 1, 0}, {"H", 0, 0, -1}});
  auto z = atomic_numbers_in_formula(mol.formula());
  std::vector<int> expected;
  for (const auto& a : mol.atoms) expected.push_back(a.Z);
  std::sort(z.begin(), z.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(z, expected);
  for (const char* bad : {"", "h2o", "H0", "C2H*", "2H", "Xx2"})
    expect_contains(input_error_message([&] { atomic_numbers_in_formula(bad); }), {"formula"});
}

TEST(Molecule, HillFormula) {
  EXPECT_EQ(water().formula(), "H2O");
  EXPECT_EQ(make_molecule("methane", {{"H", 0, 0, 1}, {"C", 0, 0, 0}, {"H", 0, 1, 0}, {"H", 1, 0, 0}, {"H", 1, 1, 1}})
                .formula(),
            "CH4");
  EXPECT_EQ(make_molecule("acetaldehyde", {{"O", 0, 0, 3},
                                           {"C", 0, 0, 0},
                                           {"H", 0, 1, 0},
                                           {"C", 0, 0, 1.5},
                                           {"H", 1, 0, 0},
                                           {"H", 0, 2, 0},
                                           {"H", 2, 0, 0}})
                .formula(),
            "C2H4O");
  // Carbon-containing: C, H first, the rest alphabetical.
  EXPECT_EQ(
      make_molecule("chloroform", {{"Cl", 0, 0, 0}, {"C", 0, 0, 2}, {"Cl", 2, 0, 0}, {"H", 0, 2, 0}, {"Cl", 2, 2, 0}})
          .formula(),
      "CHCl3");
  EXPECT_EQ(make_molecule("hcn", {{"N", 0, 0, 0}, {"C", 0, 0, 1.2}, {"H", 0, 0, 2.3}}).formula(), "CHN");
  EXPECT_EQ(make_molecule("co2", {{"O", 0, 0, -1.2}, {"C", 0, 0, 0}, {"O", 0, 0, 1.2}}).formula(), "CO2");
  // No carbon: everything alphabetical, H included.
  EXPECT_EQ(make_molecule("nacl", {{"Na", 0, 0, 0}, {"Cl", 0, 0, 2.4}}).formula(), "ClNa");
  EXPECT_EQ(make_molecule("sulfuric", {{"S", 0, 0, 0},
                                       {"O", 1, 0, 0},
                                       {"O", -1, 0, 0},
                                       {"O", 0, 1, 0},
                                       {"O", 0, -1, 0},
                                       {"H", 2, 0, 0},
                                       {"H", -2, 0, 0}})
                .formula(),
            "H2O4S");
  EXPECT_EQ(make_molecule("ammonia", {{"N", 0, 0, 0}, {"H", 1, 0, 0}, {"H", 0, 1, 0}, {"H", 0, 0, 1}}).formula(),
            "H3N");
  EXPECT_EQ(make_molecule("he", {{"He", 0, 0, 0}}).formula(), "He");
  EXPECT_EQ(Molecule{}.formula(), "");
}

TEST(Molecule, ClosedShellAcceptsEvenSinglet) {
  EXPECT_NO_THROW(water().require_closed_shell());
  EXPECT_NO_THROW(water(2, 1).require_closed_shell());  // 8 electrons
}

TEST(Molecule, OddElectronCountIsRejectedWithAdvice) {
  const auto message = input_error_message([] { water(1, 1).require_closed_shell(); });
  expect_contains(message, {"'water'", "9 electrons", "charge 1", "multiplicity 1", "--charge"});
}

TEST(Molecule, TripletIsRejectedEvenWithEvenElectronCount) {
  const auto o2 = make_molecule("dioxygen", {{"O", 0, 0, 0}, {"O", 0, 0, 1.21}}, 0, 3);
  expect_contains(input_error_message([&] { o2.require_closed_shell(); }),
                  {"'dioxygen'", "16 electrons", "charge 0", "multiplicity 3"});
}

TEST(Molecule, NoElectronsIsRejected) {
  const auto proton = make_molecule("proton", {{"H", 0, 0, 0}}, 1, 1);
  expect_contains(input_error_message([&] { proton.require_closed_shell(); }), {"'proton'", "0 electrons"});
}

TEST(Molecule, SeparatedAtoms) {
  EXPECT_NO_THROW(water().require_separated_atoms());
  // 0.05 Bohr apart: below the default 0.1 Bohr, above an explicit 0.01 Bohr.
  auto mol = make_molecule("close", {{"C", 0, 0, 0}, {"O", 0, 0, 2}, {"O", 0, 0, 0.05 * bohr_in_angstrom}});
  expect_contains(input_error_message([&] { mol.require_separated_atoms(); }), {"'close'", "#1 (C)", "#3 (O)"});
  EXPECT_NO_THROW(mol.require_separated_atoms(0.01));
  // Close atoms are still a valid (if huge) nuclear repulsion; only coincident ones are not.
  EXPECT_GT(mol.nuclear_repulsion(), 6 * 8 / 0.05);
}

TEST(Molecule, UnnamedMoleculeStillIdentifiedInMessages) {
  Molecule mol = water(1, 1);
  mol.name.clear();
  EXPECT_NE(input_error_message([&] { mol.require_closed_shell(); }).find("(unnamed)"), std::string::npos);
}

}  // namespace
}  // namespace dixc::chem

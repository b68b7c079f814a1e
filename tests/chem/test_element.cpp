#include <gtest/gtest.h>

#include <string>

#include "dixc/chem/element.hpp"
#include "dixc/util/error.hpp"
#include "support/input_error.hpp"

namespace dixc::chem {
namespace {

using test::input_error_message;

TEST(Element, TableIsIndexedByAtomicNumberAndSymbol) {
  for (int z = 1; z <= max_supported_z; ++z) {
    const Element& e = element_by_number(z);
    EXPECT_EQ(e.Z, z);
    EXPECT_EQ(&element_by_symbol(e.symbol), &e) << e.symbol;
    EXPECT_GT(e.mass_amu, z) << e.symbol;  // every nucleus heavier than Z protons (H: 1.008 > 1)
    EXPECT_GT(e.covalent_radius_angstrom, 0.2) << e.symbol;
    EXPECT_GT(e.bragg_radius_angstrom, 0.2) << e.symbol;
  }
  EXPECT_EQ(element_by_number(1).symbol, "H");
  EXPECT_EQ(element_by_number(26).symbol, "Fe");
  EXPECT_EQ(element_by_number(36).symbol, "Kr");
}

TEST(Element, LookupIsCaseInsensitive) {
  EXPECT_EQ(element_by_symbol("cl").Z, 17);
  EXPECT_EQ(element_by_symbol("CL").Z, 17);
  EXPECT_EQ(element_by_symbol("Cl").Z, 17);
  EXPECT_EQ(element_by_symbol("c").Z, 6);
  EXPECT_EQ(element_by_symbol("kR").Z, 36);
}

// IUPAC standard atomic weights (conventional values).
TEST(Element, StandardAtomicWeights) {
  EXPECT_DOUBLE_EQ(element_by_symbol("H").mass_amu, 1.008);
  EXPECT_DOUBLE_EQ(element_by_symbol("C").mass_amu, 12.011);
  EXPECT_DOUBLE_EQ(element_by_symbol("N").mass_amu, 14.007);
  EXPECT_DOUBLE_EQ(element_by_symbol("O").mass_amu, 15.999);
  EXPECT_DOUBLE_EQ(element_by_symbol("F").mass_amu, 18.998403162);
  EXPECT_DOUBLE_EQ(element_by_symbol("S").mass_amu, 32.06);
  EXPECT_DOUBLE_EQ(element_by_symbol("Fe").mass_amu, 55.845);
  EXPECT_DOUBLE_EQ(element_by_symbol("Br").mass_amu, 79.904);
}

// Cordero et al. 2008, Table 2 (C sp3, low-spin Mn/Fe/Co).
TEST(Element, CorderoCovalentRadii) {
  EXPECT_DOUBLE_EQ(element_by_symbol("H").covalent_radius_angstrom, 0.31);
  EXPECT_DOUBLE_EQ(element_by_symbol("C").covalent_radius_angstrom, 0.76);
  EXPECT_DOUBLE_EQ(element_by_symbol("N").covalent_radius_angstrom, 0.71);
  EXPECT_DOUBLE_EQ(element_by_symbol("O").covalent_radius_angstrom, 0.66);
  EXPECT_DOUBLE_EQ(element_by_symbol("Cl").covalent_radius_angstrom, 1.02);
  EXPECT_DOUBLE_EQ(element_by_symbol("K").covalent_radius_angstrom, 2.03);
  EXPECT_DOUBLE_EQ(element_by_symbol("Fe").covalent_radius_angstrom, 1.32);
  EXPECT_DOUBLE_EQ(element_by_symbol("Kr").covalent_radius_angstrom, 1.16);
}

// Slater 1964 with Becke's 0.35 A for hydrogen.
TEST(Element, BraggSlaterRadii) {
  EXPECT_DOUBLE_EQ(element_by_symbol("H").bragg_radius_angstrom, 0.35);
  EXPECT_DOUBLE_EQ(element_by_symbol("Li").bragg_radius_angstrom, 1.45);
  EXPECT_DOUBLE_EQ(element_by_symbol("C").bragg_radius_angstrom, 0.70);
  EXPECT_DOUBLE_EQ(element_by_symbol("O").bragg_radius_angstrom, 0.60);
  EXPECT_DOUBLE_EQ(element_by_symbol("F").bragg_radius_angstrom, 0.50);
  EXPECT_DOUBLE_EQ(element_by_symbol("K").bragg_radius_angstrom, 2.20);
  EXPECT_DOUBLE_EQ(element_by_symbol("Br").bragg_radius_angstrom, 1.15);
}

TEST(Element, UnknownSymbolIsInputError) {
  EXPECT_EQ(input_error_message([] { element_by_symbol("Xx"); }), "unknown element symbol 'Xx'");
  EXPECT_NE(input_error_message([] { element_by_symbol(""); }).find("unknown element symbol"),
            std::string::npos);
  EXPECT_NE(input_error_message([] { element_by_symbol("Cl2"); }).find("'Cl2'"), std::string::npos);
}

TEST(Element, ElementsBeyondKryptonNameTheBasisLimit) {
  for (const auto& message : {input_error_message([] { element_by_symbol("Rb"); }),
                              input_error_message([] { element_by_symbol("xe"); }),
                              input_error_message([] { element_by_number(37); }),
                              input_error_message([] { element_by_number(118); })}) {
    EXPECT_NE(message.find("def2-SVP"), std::string::npos) << message;
    EXPECT_NE(message.find("H-Kr"), std::string::npos) << message;
  }
  EXPECT_NE(input_error_message([] { element_by_symbol("I"); }).find("Z=53"), std::string::npos);
  EXPECT_NE(input_error_message([] { element_by_symbol("og"); }).find("Z=118"), std::string::npos);
}

TEST(Element, InvalidAtomicNumberIsInputError) {
  EXPECT_THROW(element_by_number(0), InputError);
  EXPECT_THROW(element_by_number(-1), InputError);
  EXPECT_THROW(element_by_number(119), InputError);
}

}  // namespace
}  // namespace dixc::chem

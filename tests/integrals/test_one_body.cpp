#include <gtest/gtest.h>

#include "dixc/chem/element.hpp"
#include "dixc/integrals/one_body.hpp"
#include "integrals/s_type_basis.hpp"

namespace dixc {
namespace {

const std::vector<test::SPrimitive> kPrims = {
    {0.35, {0.0, 0.0, 0.0}}, {1.7, {0.0, 0.0, 0.0}}, {0.8, {0.3, -1.1, 0.4}}, {12.0, {0.3, -1.1, 0.4}},
    {0.15, {-1.4, 0.2, 2.0}}};

TEST(OneBody, OverlapKineticNuclearMatchClosedFormsForSFunctions) {
  const auto basis = test::s_type_basis(kPrims);
  chem::Molecule m;
  m.atoms = {{3, {0.1, 0.2, 0.3}}, {1, {-1.0, 0.5, 1.5}}};
  const auto s = integrals::overlap(basis);
  const auto t = integrals::kinetic(basis);
  const auto v = integrals::nuclear_attraction(basis, m);
  for (std::size_t i = 0; i < kPrims.size(); ++i)
    for (std::size_t j = 0; j < kPrims.size(); ++j) {
      EXPECT_NEAR(s(i, j), test::overlap_ss(kPrims[i], kPrims[j]), 1e-13);
      EXPECT_NEAR(t(i, j), test::kinetic_ss(kPrims[i], kPrims[j]), 1e-12);
      double expected_v = 0.0;
      for (const auto& atom : m.atoms) expected_v += test::nuclear_ss(kPrims[i], kPrims[j], atom.Z, atom.position_bohr);
      EXPECT_NEAR(v(i, j), expected_v, 1e-12);
    }
}

// Every contracted def2-SVP function is normalised, so the overlap diagonal is exactly 1 for every element.
TEST(OneBody, Def2SvpOverlapDiagonalIsOneForAllElements) {
  chem::Molecule m;
  for (int z = 1; z <= chem::max_supported_z; ++z) m.atoms.push_back({z, {3.0 * z, 0.0, 0.0}});
  const auto basis = chem::load_basis("def2-svp", m);
  const auto s = integrals::overlap(basis);
  for (Eigen::Index i = 0; i < s.rows(); ++i) EXPECT_NEAR(s(i, i), 1.0, 1e-10) << "function " << i;
  EXPECT_LT((s - s.transpose()).cwiseAbs().maxCoeff(), 1e-15);
}

// <a| x - O_x |b> for s functions equals (P_x - O_x) S_ab with P the Gaussian product centre.
TEST(OneBody, DipoleOfSFunctionsIsProductCentreTimesOverlap) {
  const auto basis = test::s_type_basis(kPrims);
  const std::array<double, 3> origin = {0.5, -0.25, 1.0};
  const auto d = integrals::dipole(basis, origin);
  for (std::size_t i = 0; i < kPrims.size(); ++i)
    for (std::size_t j = 0; j < kPrims.size(); ++j) {
      const auto p = test::gaussian_product_center(kPrims[i], kPrims[j]);
      for (int k = 0; k < 3; ++k)
        EXPECT_NEAR(d[k](i, j), (p[k] - origin[k]) * test::overlap_ss(kPrims[i], kPrims[j]), 1e-13);
    }
}

}  // namespace
}  // namespace dixc

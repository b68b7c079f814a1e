// Density-fitted Coulomb (RI-J). Exactness: for s-type primitives every orbital product is one s Gaussian at the
// product centre (Gaussian product theorem), so a fitting basis made of exactly those Gaussians spans the
// products and the fit reproduces the four-centre J of the closed-form integrals (s_type_basis.hpp, no libint2)
// to rounding. On a real molecule with def2-universal-jfit: the Coulomb-metric fit never raises the Coulomb
// energy, (rho~|rho~) <= (rho|rho), and its error stays at the size the literature gives (a few 1e-5 Eh per atom).
#include <gtest/gtest.h>

#include <random>

#include "dixc/calc/molecule_calculation.hpp"
#include "dixc/integrals/density_fitted_coulomb.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/util/error.hpp"
#include "integrals/s_type_basis.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

Eigen::MatrixXd random_symmetric(Eigen::Index n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Eigen::MatrixXd x(n, n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(gen);
  return 0.5 * (x + x.transpose());
}

TEST(DensityFittedCoulomb, ExactWhenTheFittingBasisSpansTheProducts) {
  const std::vector<test::SPrimitive> prims = {
      {0.5, {0, 0, 0}}, {2.0, {0, 0, 0}}, {0.8, {0, 0, 1.4}}, {3.0, {0, 0.3, 1.4}}};
  std::vector<test::SPrimitive> products;
  for (std::size_t a = 0; a < prims.size(); ++a)
    for (std::size_t b = 0; b <= a; ++b)
      products.push_back({prims[a].exponent + prims[b].exponent, test::gaussian_product_center(prims[a], prims[b])});
  const auto basis = test::s_type_basis(prims), aux = test::s_type_basis(products);
  const integrals::DensityFittedCoulomb fitted(basis, aux, std::size_t(1) << 20);
  EXPECT_EQ(fitted.fitting_functions(), products.size());

  const Eigen::Index n = static_cast<Eigen::Index>(prims.size());
  const Eigen::MatrixXd d1 = random_symmetric(n, 1), d2 = random_symmetric(n, 2);
  const auto j = fitted.coulomb({&d1, &d2});
  for (const auto& [d, jd] : {std::pair{&d1, &j[0]}, std::pair{&d2, &j[1]}}) {
    Eigen::MatrixXd expected = Eigen::MatrixXd::Zero(n, n);
    for (Eigen::Index m = 0; m < n; ++m)
      for (Eigen::Index v = 0; v < n; ++v)
        for (Eigen::Index l = 0; l < n; ++l)
          for (Eigen::Index s = 0; s < n; ++s)
            expected(m, v) += test::eri_ssss(prims[m], prims[v], prims[l], prims[s]) * (*d)(l, s);
    EXPECT_LT((*jd - expected).cwiseAbs().maxCoeff(), 1e-10 * expected.cwiseAbs().maxCoeff());
  }
}

TEST(DensityFittedCoulomb, RefusesToExceedItsMemoryLimit) {
  const auto basis = test::s_type_basis({{0.5, {0, 0, 0}}, {2.0, {0, 0, 0}}});
  const auto aux = test::s_type_basis({{1.0, {0, 0, 0}}, {4.0, {0, 0, 0}}});
  EXPECT_EQ(integrals::DensityFittedCoulomb::bytes_needed(basis, aux), 3 * 2 * sizeof(double));
  EXPECT_THROW(integrals::DensityFittedCoulomb(basis, aux, 40), InputError);
}

// H2O/def2-SVP with def2-universal-jfit: J of a converged density and of a random symmetric perturbation, and
// the SCF energies of BLYP and B3LYP (RI-J with four-centre K), against the exact four-centre build.
TEST(DensityFittedCoulomb, H2oWithUniversalJfitIsALowerBoundCloseToExact) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  integrals::JKOptions fitting;
  fitting.coulomb_fitting = "def2-universal-jfit";
  const calc::MoleculeCalculation exact(molecule, "def2-svp", "coarse"), ri(molecule, "def2-svp", "coarse", fitting);
  ASSERT_NE(ri.jk().coulomb_fitting(), nullptr);
  EXPECT_EQ(exact.jk().coulomb_fitting(), nullptr);

  for (const char* functional : {"blyp", "b3lyp"}) {
    const auto r_exact = exact.with(functional).scf({});
    const auto r_ri = ri.with(functional).scf({});
    ASSERT_TRUE(r_exact.converged && r_ri.converged) << functional;
    // Weigend (2006): a few 1e-5 Eh per atom for def2-universal-jfit; measured here 9e-5 (BLYP), 1.1e-4 (HF).
    EXPECT_LT(std::abs(r_ri.energy_total - r_exact.energy_total), 2e-4) << functional;
    EXPECT_GT(std::abs(r_ri.energy_total - r_exact.energy_total), 1e-9) << functional << ": RI-J not in use";

    const Eigen::MatrixXd& d = r_exact.density;
    Eigen::MatrixXd j_exact, j_ri;
    exact.jk().compute(d, &j_exact, nullptr);
    ri.jk().compute(d, &j_ri, nullptr);
    EXPECT_LT((j_ri - j_exact).norm(), 1e-4 * j_exact.norm()) << functional;  // measured 2.5e-5
    const double e_exact = 0.5 * (d.cwiseProduct(j_exact)).sum(), e_ri = 0.5 * (d.cwiseProduct(j_ri)).sum();
    EXPECT_LE(e_ri, e_exact + 1e-12) << "the Coulomb-metric fit must not raise the Coulomb energy";
    EXPECT_LT(e_exact - e_ri, 1e-4);
  }

  // Response: first-order density of a random occupied-virtual rotation at the BLYP solution. Its fitted
  // Coulomb energy is again a lower bound; BLYP excitation energies with RI-J stay within 0.01 eV of the exact
  // ones (measured: 0.2-5 meV for the first five roots).
  const calc::FunctionalCalculation blyp_exact = exact.with("blyp"), blyp_ri = ri.with("blyp");
  const auto ground = blyp_exact.scf({}), ground_ri = blyp_ri.scf({});
  const Eigen::Index no = ground.n_occupied, nv = ground.coefficients.cols() - no;
  const Eigen::MatrixXd rotation = random_symmetric(std::max(no, nv), 3).topLeftCorner(nv, no);
  const Eigen::MatrixXd x = ground.coefficients.rightCols(nv) * rotation * ground.coefficients.leftCols(no).transpose();
  const Eigen::MatrixXd x_sym = x + x.transpose(), x_anti = x - x.transpose();
  // Symmetric J by fitting, antisymmetric J zero, K from the quartets as before (direct with RI-J, from the kept
  // integrals without: equal to their screening, 1e-10 relative).
  std::vector<Eigen::MatrixXd> j_exact, k_exact, j_ri, k_ri;
  const std::vector<integrals::JKRequest> requests = {{&x_sym, integrals::DensitySymmetry::symmetric, true, true},
                                                      {&x_anti, integrals::DensitySymmetry::antisymmetric, true, true}};
  exact.jk().compute(requests, j_exact, k_exact);
  ri.jk().compute(requests, j_ri, k_ri);
  const double e1_exact = x_sym.cwiseProduct(j_exact[0]).sum(), e1_ri = x_sym.cwiseProduct(j_ri[0]).sum();
  EXPECT_LE(e1_ri, e1_exact);
  EXPECT_GT(e1_ri, 0.9 * e1_exact);  // measured 0.964
  EXPECT_EQ(j_ri[1].norm(), 0.0);
  for (int i = 0; i < 2; ++i) EXPECT_LT((k_ri[i] - k_exact[i]).norm(), 1e-10 * k_exact[i].norm()) << i;

  response::TddftOptions options;
  options.n_roots = 5;
  const auto t_exact = blyp_exact.tddft(blyp_exact.hessian(ground), options);
  const auto t_ri = blyp_ri.tddft(blyp_ri.hessian(ground_ri), options);
  ASSERT_TRUE(t_exact.converged && t_ri.converged);
  for (int r = 0; r < options.n_roots; ++r)
    EXPECT_NEAR(t_ri.excitations[r].energy * chem::hartree_in_ev, t_exact.excitations[r].energy * chem::hartree_in_ev,
                0.01)
        << "root " << r;
}

}  // namespace
}  // namespace dixc

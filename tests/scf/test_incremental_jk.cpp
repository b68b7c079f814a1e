// Incremental (Delta-D) J/K builds of the direct SCF: along a sequence of densities they must equal full builds, and a
// direct SCF that uses them must reach the NWChem RHF energy to the same 1e-8 Eh as the in-core one.
#include <gtest/gtest.h>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/scf/incremental_jk.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/hartree_fock.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

integrals::JKOptions direct_options() {
  integrals::JKOptions options;
  options.in_core_bytes = 0;
  return options;
}

TEST(IncrementalJK, EqualsFullBuildsAlongADensitySequence) {
  const chem::Molecule molecule = test::reference_geometry("C2H4");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis, direct_options());
  ASSERT_FALSE(jk.in_core());
  scf::IncrementalJK incremental(jk, 4);
  // Densities converging like an SCF's: a fixed symmetric matrix plus perturbations shrinking by 10x per step.
  const Eigen::Index n = basis.nbf;
  Eigen::MatrixXd base = Eigen::MatrixXd::Random(n, n);
  base = 0.05 * (base + base.transpose()).eval();
  Eigen::MatrixXd step = Eigen::MatrixXd::Random(n, n);
  step = (step + step.transpose()).eval();
  for (int i = 0; i < 7; ++i) {
    const Eigen::MatrixXd density = base + std::pow(0.1, i) * step;
    Eigen::MatrixXd j_inc, k_inc, j_full, k_full;
    incremental.compute(density, &j_inc, &k_inc);
    jk.compute(density, &j_full, &k_full);
    EXPECT_LT((j_inc - j_full).cwiseAbs().maxCoeff(), 1e-10) << "step " << i;
    EXPECT_LT((k_inc - k_full).cwiseAbs().maxCoeff(), 1e-10) << "step " << i;
  }
  // 7 builds with a full build every 4: full, 3 increments, full, 2 increments.
  EXPECT_EQ(incremental.full_builds(), 2);
  EXPECT_EQ(incremental.incremental_builds(), 5);
}

TEST(IncrementalJK, DirectScfReachesTheReferenceEnergy) {
  const std::string name = "H2O";
  const auto& ref = test::reference_molecule(name);
  const chem::Molecule molecule = test::reference_geometry(name);
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis, direct_options());
  const xc::HartreeFock hf(basis.nbf);
  const scf::FockBuilder fock_builder(molecule, basis, jk, hf);
  const scf::ScfResult r = scf::run_scf(molecule, basis, fock_builder, {});
  ASSERT_TRUE(r.converged);
  EXPECT_GT(r.incremental_fock_builds, r.n_iter / 2);
  EXPECT_NEAR(r.energy_total, ref.at("hf_energy").get<double>(), 1e-8);
}

}  // namespace
}  // namespace dixc

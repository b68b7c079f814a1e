// Known answer for the evaluation of a learned functional (docs/theory.md section 6): the parameter-free
// TorchScript PBE evaluated on a PBE reference record must reproduce it, so |dE|, E_rho, dipole and density
// errors are ~0, its excitations are the record's (libxc PBE), and the PBE baseline row agrees with it while the
// BLYP row does not.
#include <gtest/gtest.h>

#include <filesystem>

#include "dixc/calc/reference_data.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/workflow/molecule_evaluation.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

TEST(Evaluation, TorchPbeOnPbeReferenceHasZeroErrors) {
  calc::ReferenceSettings s;
  s.functional = "pbe";
  s.grid = "coarse";
  s.n_roots = 3;
  s.n_dir = 3;
  s.energy_threshold = 1e-8;  // looser than the SCF's defaults, so that the evaluation must use the dataset's
  s.gradient_threshold = 1e-6;
  chem::Molecule molecule = test::reference_geometry("H2O");
  molecule.name = "H2O";
  const auto record = calc::compute_reference(molecule, s);

  const std::string path = (std::filesystem::temp_directory_path() / "dixc_test_evaluation_pbe.pt").string();
  ml::make_model("pbe", 0).save(path);
  workflow::EvaluationSettings e;
  e.model = ml::load_checked_model(path);
  e.functional = "pbe";
  e.basis = "def2-svp";
  e.grid = "coarse";
  e.baselines = {"pbe", "blyp"};
  e.target_scf.energy_threshold = s.energy_threshold;
  e.target_scf.gradient_threshold = s.gradient_threshold;
  const auto m = workflow::evaluate_molecule(record, e);
  std::filesystem::remove(path);
  ASSERT_TRUE(m.ok) << m.message;
  EXPECT_LT(m.energy_error_mEh, 1e-5);
  EXPECT_NEAR(m.e_rho_mEh, 0.0, 1e-6);
  EXPECT_LT(m.dipole_error_debye, 1e-4);
  EXPECT_LT(m.density_l2, 1e-5);
  ASSERT_EQ(m.excitations_model_ev.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(m.excitations_model_ev[k], m.excitations_reference_ev[k], 1e-4);
  EXPECT_LT(m.tddft_mae_ev, 1e-4);
  ASSERT_EQ(m.baselines.size(), 2u);
  EXPECT_TRUE(m.baselines[0].ok && m.baselines[1].ok);
  EXPECT_LT(m.baselines[0].energy_error_mEh, 1e-5);  // libxc PBE is the reference itself
  EXPECT_GT(m.baselines[1].energy_error_mEh, 1.0);   // BLYP is not
  EXPECT_GT(m.baselines[1].e_rho_mEh, 0.0);          // a different density costs the target energy
  // The target SCF from the default guess is the record's (generate ran it with the dataset's settings): a
  // record without the count reruns it with those settings to the same number of iterations, and with the
  // SCF's tighter defaults to more.
  EXPECT_EQ(m.target_iterations_default, record.dims.n_iter);
  auto uncounted = record;
  uncounted.dims.n_iter = 0;
  e.baselines.clear();
  EXPECT_EQ(workflow::evaluate_molecule(uncounted, e).target_iterations_default, record.dims.n_iter);
  e.target_scf = {};
  EXPECT_GT(workflow::evaluate_molecule(uncounted, e).target_iterations_default, record.dims.n_iter);
}

}  // namespace
}  // namespace dixc

// The SCF's native point evaluation of the local learned models (native_point_model.hpp) against the TorchScript and
// autograd path it replaced (TorchFunctional::PointPath::torchscript, kept as the oracle): XC energy and potential at
// two densities and the converged SCF energy agree to 1e-10 Eh for each architecture with its parameters moved off
// their initial values (so the networks' corrections are not zero). Models it does not describe stay on TorchScript.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/ml/model_sources.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/scf/scf.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

class NativePoints : public ::testing::TestWithParam<const char*> {};

TEST_P(NativePoints, EqualTheTorchScriptPath) {
  const chem::Molecule molecule = test::reference_geometry("HCN");
  const auto basis = chem::load_basis("def2-svp", molecule);
  auto model = ml::make_model(GetParam(), 3);
  ml::perturb_parameters(model, 0.2, 5);
  const auto integrator = ml::model_integrator(model, basis, molecule, "coarse");
  const ml::TorchFunctional native(model, molecule, integrator);
  const ml::TorchFunctional oracle(model, molecule, integrator, ml::TorchFunctional::PointPath::torchscript);
  ASSERT_TRUE(native.native_points()) << GetParam() << " fell back to TorchScript";
  ASSERT_FALSE(oracle.native_points());

  const integrals::JKBuilder jk(basis);
  const scf::FockBuilder fock_native(molecule, basis, jk, native), fock_oracle(molecule, basis, jk, oracle);
  const auto a = scf::run_scf(molecule, basis, fock_native, {});
  const auto b = scf::run_scf(molecule, basis, fock_oracle, {});
  ASSERT_TRUE(a.converged && b.converged);
  EXPECT_NEAR(a.energy_total, b.energy_total, 1e-10) << GetParam();
  EXPECT_EQ(a.n_iter, b.n_iter) << GetParam();

  // The converged density and one away from it (occupied orbitals rotated into virtual ones).
  const Eigen::Index no = a.n_occupied;
  Eigen::MatrixXd c = a.coefficients;
  c.leftCols(no) += 0.1 * c.rightCols(basis.nbf - no) * Eigen::MatrixXd::Random(basis.nbf - no, no);
  const Eigen::MatrixXd rotated = 2.0 * c.leftCols(no) * c.leftCols(no).transpose();
  for (const Eigen::MatrixXd& density : {a.density, rotated}) {
    const auto x = native.semilocal(density), y = oracle.semilocal(density);
    EXPECT_NEAR(x.energy, y.energy, 1e-10) << GetParam();
    EXPECT_LT((x.potential - y.potential).cwiseAbs().maxCoeff(), 1e-10) << GetParam();
    EXPECT_NEAR(x.n_electrons, y.n_electrons, 1e-12);
  }
}

INSTANTIATE_TEST_SUITE_P(LocalArchitectures, NativePoints, ::testing::Values("gga-mlp", "mgga-mlp", "xcdiff"));

std::shared_ptr<const xc::SemilocalIntegrator> water_integrator(const chem::BasisSet& basis,
                                                                const chem::Molecule& molecule) {
  return std::make_shared<const xc::SemilocalIntegrator>(
      basis, grid::build_molecular_grid(molecule, grid::grid_level("coarse")), xc::DensityOrder::meta_gga);
}

TEST(NativePoints, OtherModelsStayOnTorchScript) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const auto integrator = water_integrator(basis, molecule);
  for (const char* name : {"pbe", "blyp", "nonlocal"}) {
    auto model = ml::make_model(name, 3);
    EXPECT_EQ(ml::native_point_model(model, integrator), nullptr) << name;
  }
  // Parameters that do not fit the architecture it names (mgga-mlp's three inputs under gga-mlp's name).
  auto renamed = ml::make_model("mgga-mlp", 3);
  renamed.setattr("architecture", std::string("gga-mlp"));
  renamed.setattr("uses_tau", false);
  EXPECT_EQ(ml::native_point_model(renamed, integrator), nullptr);

  // gga-mlp's name, attributes and parameters but another energy (PBE): the probe densities catch it.
  auto other = ml::make_model("gga-mlp", 3);
  torch::jit::Module impostor("impostor");
  for (const auto& p : other.named_parameters(false)) impostor.register_parameter(p.name, p.value, false);
  for (const char* key : {"architecture", "nonlocal", "uses_tau", "jet", "hidden_width", "base_functional"})
    impostor.register_attribute(key, other.attr(key).type(), other.attr(key));
  impostor.define(ml::common_model_source());
  impostor.define(ml::pbe_model_source());
  EXPECT_EQ(ml::native_point_model(impostor, integrator), nullptr);
  EXPECT_NE(ml::native_point_model(other, integrator), nullptr);  // the same parameters in the real model
}

}  // namespace
}  // namespace dixc

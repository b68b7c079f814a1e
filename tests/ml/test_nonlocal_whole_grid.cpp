// A non-local model without the per-point split (no point_correction method: models exported before the chunked
// path, cc9b958) runs on the whole grid, by TorchScript and autograd through the model (torch_functional.hpp). The
// same model with the split takes the chunked path at fixed atom embeddings (nonlocal_functional.hpp, tested
// against finite differences elsewhere); both describe one functional, so at H2O's converged density and one away
// from it: energies to 1e-10 Eh, potentials to 1e-10, kernel products in the AO and MO basis to 1e-10 relative, and
// the SCF converges to the same energy (1e-10 Eh).
#include <gtest/gtest.h>

#include <random>

#include <torch/script.h>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/ml/model_sources.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/nonlocal_functional.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/scf/scf.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

// `model` as an older dixc exported it: the same parameters, attributes and energy, with the per-point correction
// inlined under another name (so has_point_features() is false).
torch::jit::Module without_point_split(const torch::jit::Module& model) {
  torch::jit::Module old("dixc_nonlocal_old");
  for (const auto& p : model.named_parameters(false)) old.register_parameter(p.name, p.value.clone(), false);
  for (const auto& b : model.named_buffers(false)) old.register_buffer(b.name, b.value.clone());
  for (const char* key : {"architecture", "nonlocal", "hidden_width", "uses_tau", "jet", "base_functional"})
    old.register_attribute(key, model.attr(key).type(), model.attr(key));
  std::string body = ml::nonlocal_source();
  for (std::size_t at = body.find("point_correction"); at != std::string::npos; at = body.find("point_correction", at))
    body.replace(at, 16, "grid_correction_v0"), at += 18;
  old.define(ml::common_model_source());
  old.define(body);
  old.define(ml::blyp_base_source());
  old.define(ml::base_plus_correction_source());
  return old;
}

double relative_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

TEST(NonlocalWholeGrid, OlderModelsWithoutThePointSplitEqualTheChunkedPath) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  auto model = ml::make_model("nonlocal", 3);
  ml::perturb_parameters(model, 0.05, 5);
  const torch::jit::Module old = without_point_split(model);
  ASSERT_TRUE(ml::has_point_features(model));
  ASSERT_FALSE(ml::has_point_features(old));
  const auto integrator = ml::model_integrator(model, basis, molecule, "coarse");
  const ml::TorchFunctional chunked(model, molecule, integrator), whole(old, molecule, integrator);

  const integrals::JKBuilder jk(basis);
  const scf::FockBuilder fock_chunked(molecule, basis, jk, chunked), fock_whole(molecule, basis, jk, whole);
  const auto a = scf::run_scf(molecule, basis, fock_chunked, {});
  const auto b = scf::run_scf(molecule, basis, fock_whole, {});
  ASSERT_TRUE(a.converged && b.converged);
  EXPECT_NEAR(a.energy_total, b.energy_total, 1e-10);

  const Eigen::Index no = a.n_occupied, nv = a.coefficients.cols() - no;
  const Eigen::MatrixXd c_o = a.coefficients.leftCols(no), c_v = a.coefficients.rightCols(nv);
  std::mt19937_64 gen(23);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd v(nv, no);
  for (Eigen::Index i = 0; i < v.size(); ++i) v.data()[i] = 0.1 * normal(gen);
  Eigen::MatrixXd c = a.coefficients;
  c.leftCols(no) += c_v * v;
  const Eigen::MatrixXd rotated = 2.0 * c.leftCols(no) * c.leftCols(no).transpose();
  for (const Eigen::MatrixXd& density : {a.density, rotated}) {
    const auto x = chunked.semilocal(density), y = whole.semilocal(density);
    EXPECT_NEAR(x.energy, y.energy, 1e-10);
    EXPECT_LT((x.potential - y.potential).cwiseAbs().maxCoeff(), 1e-10);
  }
  const std::vector<Eigen::MatrixXd> directions = {v, v.cwiseAbs()};
  std::vector<Eigen::MatrixXd> perturbations;
  for (const auto& d : directions)
    perturbations.push_back(c_v * d * c_o.transpose() + c_o * d.transpose() * c_v.transpose());
  const auto ao_chunked = chunked.semilocal_kernel(a.density, perturbations);
  const auto ao_whole = whole.semilocal_kernel(a.density, perturbations);
  const auto ov_chunked = chunked.semilocal_kernel_ov(a.density, c_o, c_v, directions);
  const auto ov_whole = whole.semilocal_kernel_ov(a.density, c_o, c_v, directions);
  for (std::size_t k = 0; k < directions.size(); ++k) {
    ASSERT_GT(ao_chunked[k].norm(), 0.0);
    EXPECT_LT(relative_difference(ao_whole[k], ao_chunked[k]), 1e-10) << "direction " << k;
    EXPECT_LT(relative_difference(ov_whole[k], ov_chunked[k]), 1e-10) << "direction " << k;
  }
}

}  // namespace
}  // namespace dixc

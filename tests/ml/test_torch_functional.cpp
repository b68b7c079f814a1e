// A TorchScript model inside the C++ SCF and TDDFT: the parameter-free PBE model, saved and reloaded as an
// exported model would be, against libxc PBE on the same grid (SCF energy 1e-8 Eh, excitations 1e-4 eV).
#include <gtest/gtest.h>

#include <filesystem>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/response/tddft.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/factory.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

TEST(TorchFunctional, TorchScriptPbeScfAndTddftEqualLibxcPbe) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis);
  const std::string path = (std::filesystem::temp_directory_path() / "dixc_test_pbe_model.pt").string();
  ml::make_model("pbe", 0).save(path);
  const auto torch_pbe = ml::load_torch_functional(path, molecule, basis, "coarse");
  const auto libxc_pbe = xc::make_functional({"pbe", "coarse"}, molecule, basis);
  const scf::FockBuilder fb_torch(molecule, basis, jk, *torch_pbe), fb_libxc(molecule, basis, jk, *libxc_pbe);
  const auto r_torch = scf::run_scf(molecule, basis, fb_torch, {});
  const auto r_libxc = scf::run_scf(molecule, basis, fb_libxc, {});
  ASSERT_TRUE(r_torch.converged && r_libxc.converged);
  EXPECT_NEAR(r_torch.energy_total, r_libxc.energy_total, 1e-8);
  EXPECT_NEAR(r_torch.n_electrons_integrated, 10.0, 1e-4);

  response::TddftOptions options;
  options.n_roots = 4;
  const auto dip = integrals::dipole(basis, {0, 0, 0});
  const auto t_torch = response::solve_tddft(response::OrbitalHessian(fb_torch, r_torch.coefficients, 5), dip, options);
  const auto t_libxc = response::solve_tddft(response::OrbitalHessian(fb_libxc, r_libxc.coefficients, 5), dip, options);
  ASSERT_TRUE(t_torch.converged && t_libxc.converged);
  for (int k = 0; k < 4; ++k)
    EXPECT_NEAR(t_torch.excitations[k].energy * chem::hartree_in_ev, t_libxc.excitations[k].energy * chem::hartree_in_ev,
                1e-4);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace dixc

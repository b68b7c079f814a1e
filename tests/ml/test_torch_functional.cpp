// A TorchScript model inside the C++ SCF and TDDFT, saved and reloaded as an exported model would be, against
// the libxc functional it must equal on the same grid (SCF energy 1e-8 Eh, excitations 1e-4 eV).
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

struct LibxcTwin {
  const char* model;  // dixc model name (learned architectures untrained: their last layers are zero)
  const char* libxc;  // the functional it must equal
  bool tddft;         // also compare excitation energies
};

class TorchFunctionalEqualsLibxc : public ::testing::TestWithParam<LibxcTwin> {};

TEST_P(TorchFunctionalEqualsLibxc, ScfEnergyAndExcitations) {
  const auto twin = GetParam();
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("dixc_test_" + std::string(twin.model) + "_model.pt")).string();
  ml::make_model(twin.model, 0).save(path);
  const auto torch_xc = ml::load_torch_functional(path, molecule, basis, "coarse");
  const auto libxc_xc = xc::make_functional({twin.libxc, "coarse"}, molecule, basis);
  const scf::FockBuilder fb_torch(molecule, basis, jk, *torch_xc), fb_libxc(molecule, basis, jk, *libxc_xc);
  const auto r_torch = scf::run_scf(molecule, basis, fb_torch, {});
  const auto r_libxc = scf::run_scf(molecule, basis, fb_libxc, {});
  std::filesystem::remove(path);
  ASSERT_TRUE(r_torch.converged && r_libxc.converged);
  EXPECT_NEAR(r_torch.energy_total, r_libxc.energy_total, 1e-8) << twin.model;
  EXPECT_NEAR(r_torch.n_electrons_integrated, 10.0, 1e-4);
  if (!twin.tddft) return;
  response::TddftOptions options;
  options.n_roots = 4;
  const auto dip = integrals::dipole(basis, {0, 0, 0});
  const auto t_torch = response::solve_tddft(response::OrbitalHessian(fb_torch, r_torch.coefficients, 5), dip, options);
  const auto t_libxc = response::solve_tddft(response::OrbitalHessian(fb_libxc, r_libxc.coefficients, 5), dip, options);
  ASSERT_TRUE(t_torch.converged && t_libxc.converged);
  for (int k = 0; k < 4; ++k)
    EXPECT_NEAR(t_torch.excitations[k].energy * chem::hartree_in_ev,
                t_libxc.excitations[k].energy * chem::hartree_in_ev, 1e-4)
        << twin.model << " root " << k;
}

// PBE and BLYP written in TorchScript, and the untrained learned models, which must equal their base functional.
INSTANTIATE_TEST_SUITE_P(Models, TorchFunctionalEqualsLibxc,
                         ::testing::Values(LibxcTwin{"pbe", "pbe", true}, LibxcTwin{"blyp", "blyp", true},
                                           LibxcTwin{"gga-mlp", "blyp", false}, LibxcTwin{"mgga-mlp", "blyp", false},
                                           LibxcTwin{"nonlocal", "blyp", false},
                                           LibxcTwin{"xcdiff", "gga_x_rpbe+gga_c_pbe", true}),
                         [](const auto& info) {
                           std::string n = info.param.model;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace dixc

// The fast TDDFT kernel of TorchScript functionals (per-point second derivatives evaluated once per density,
// contracted by the semilocal integrator in the MO basis; for the non-local model in chunks at fixed atom
// embeddings with the atom graph per product, nonlocal_functional.hpp) against the autograd contraction it
// replaced (whole grid for the non-local model), kept as the oracle: kernel products to 1e-10 relative,
// excitation energies to 1e-8 eV.
#include <gtest/gtest.h>

#include <random>

#include <omp.h>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/ml/torch_runtime.hpp"
#include "dixc/response/tddft.hpp"
#include "dixc/scf/scf.hpp"
#include "support/learned_model.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

double relative_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

class TorchFunctionalKernel : public ::testing::TestWithParam<const char*> {};

TEST_P(TorchFunctionalKernel, EqualsAutogradOracle) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis);
  const auto xc = test::perturbed_model_functional(GetParam(), molecule, basis);
  const ml::oracle::AutogradKernel oracle(*xc);
  const scf::FockBuilder fock(molecule, basis, jk, *xc), fock_oracle(molecule, basis, jk, oracle);
  const auto ground = scf::run_scf(molecule, basis, fock, {});
  ASSERT_TRUE(ground.converged) << GetParam();

  const Eigen::Index no = ground.n_occupied, nv = ground.coefficients.cols() - no;
  const Eigen::MatrixXd c_o = ground.coefficients.leftCols(no), c_v = ground.coefficients.rightCols(nv);
  std::mt19937_64 gen(11);
  std::normal_distribution<double> normal;
  std::vector<Eigen::MatrixXd> directions, perturbations;
  for (int k = 0; k < 3; ++k) {
    Eigen::MatrixXd v(nv, no);
    for (Eigen::Index i = 0; i < v.size(); ++i) v.data()[i] = normal(gen);
    directions.push_back(v);
    perturbations.push_back(c_v * v * c_o.transpose() + c_o * v.transpose() * c_v.transpose());
  }
  const auto expected = xc->semilocal_kernel_autograd(ground.density, perturbations);
  const auto ao = xc->semilocal_kernel(ground.density, perturbations);
  const auto ov = xc->semilocal_kernel_ov(ground.density, c_o, c_v, directions);
  for (std::size_t k = 0; k < directions.size(); ++k) {
    EXPECT_LT(relative_difference(ao[k], expected[k]), 1e-10) << GetParam() << " direction " << k;
    EXPECT_LT(relative_difference(ov[k], c_v.transpose() * expected[k] * c_o), 1e-10)
        << GetParam() << " direction " << k;
  }

  response::TddftOptions options;
  options.n_roots = 3;
  const auto dipole = integrals::dipole(basis, {0, 0, 0});
  const auto fast = response::solve_tddft(response::OrbitalHessian(fock, ground.coefficients, no), dipole, options);
  const auto slow =
      response::solve_tddft(response::OrbitalHessian(fock_oracle, ground.coefficients, no), dipole, options);
  ASSERT_TRUE(fast.converged && slow.converged) << GetParam();
  for (int r = 0; r < options.n_roots; ++r)
    EXPECT_NEAR(fast.excitations[r].energy * chem::hartree_in_ev, slow.excitations[r].energy * chem::hartree_in_ev,
                1e-8)
        << GetParam() << " root " << r;
}

// The energy, potential and kernel table come from chunks of points evaluated in parallel, each chunk writing its
// own points and the energy (and the non-local model's atom sums) summed in chunk order: the same numbers for any
// thread count.
class TorchFunctionalThreads : public ::testing::TestWithParam<const char*> {};

TEST_P(TorchFunctionalThreads, SameNumbersForAnyThreadCount) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const Eigen::Index n = integrals::overlap(basis).rows();
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> uniform(-0.05, 0.05);
  Eigen::MatrixXd density = 0.3 * Eigen::MatrixXd::Identity(n, n), perturbation(n, n);
  for (Eigen::Index i = 0; i < density.size(); ++i) {
    density.data()[i] += uniform(gen);
    perturbation.data()[i] = uniform(gen);
  }
  density = (0.5 * (density + density.transpose())).eval();
  perturbation = (perturbation + perturbation.transpose()).eval();
  const int threads = omp_get_max_threads();
  std::vector<xc::SemilocalEnergyPotential> values;
  std::vector<Eigen::MatrixXd> kernels;
  for (const int t : {1, 2, 3}) {
    ml::configure_torch(t);  // OpenMP and torch threads, as dixc-ml sets them for OMP_NUM_THREADS=t
    const auto xc = test::perturbed_model_functional(GetParam(), molecule, basis);  // kernel table built anew
    xc->semilocal(density);  // warm-up: TorchScript's first calls of a method may round differently
    values.push_back(xc->semilocal(density));
    kernels.push_back(xc->semilocal_kernel(density, {perturbation})[0]);
  }
  ml::configure_torch(threads);
  ASSERT_GT(kernels[0].norm(), 0.0);
  // The energy bit for bit; the potential and kernel to the integrator's own summation order (it adds per-thread
  // partial matrices), far below any error of a race between chunks.
  for (std::size_t run = 1; run < values.size(); ++run) {
    EXPECT_EQ(values[run].energy, values[0].energy) << "run " << run;
    EXPECT_LT(relative_difference(values[run].potential, values[0].potential), 1e-13) << "run " << run;
    EXPECT_LT(relative_difference(kernels[run], kernels[0]), 1e-13) << "run " << run;
  }
}

std::string test_name(const ::testing::TestParamInfo<const char*>& info) {
  std::string n = info.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Models, TorchFunctionalKernel,
                         ::testing::Values("pbe", "gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"), test_name);
INSTANTIATE_TEST_SUITE_P(LocalAndNonlocal, TorchFunctionalThreads, ::testing::Values("xcdiff", "nonlocal"), test_name);

}  // namespace
}  // namespace dixc

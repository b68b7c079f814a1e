// Where one XC call of the SCF spends its time, at a molecule's converged BLYP density on the default grid: the whole
// call (density, functional, potential) for libxc BLYP and for each local learned architecture (parameters moved off
// their initial values) with its native points and through TorchScript (the path before them), the density on the
// grid and the potential assembly alone, and the point evaluation alone (blocks of 128 points on one thread: the
// native model, and libxc's BLYP and PW92 inside it). Medians of 5 calls; the native and TorchScript energies and
// potentials are compared too.
// usage: xc_call_parts MOLECULE.xyz   (OMP_NUM_THREADS threads)
#include <iomanip>
#include <iostream>

#include <omp.h>

#include "dixc/chem/xyz_reader.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/ml/torch_runtime.hpp"
#include "dixc/par/process_settings.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/factory.hpp"
#include "dixc/xc/libxc_functional.hpp"
#include "wall_time.hpp"

namespace {

using dixc::bench::median_seconds;

// Seconds to call f on every block of 128 points of `d` in turn (one thread). Eigen's products run on one thread
// too, as inside the integrator's parallel region: outside it they would start OpenMP threads of their own (with
// OMP_NUM_THREADS=2 that made the native points look 1.45x slower than in the XC call, 0.150 against 0.103 s).
template <typename F>
double seconds_in_blocks(const dixc::xc::PointDensity& d, F&& f) {
  const int eigen_threads = Eigen::nbThreads();
  Eigen::setNbThreads(1);
  const struct Restore {
    int n;
    ~Restore() { Eigen::setNbThreads(n); }
  } restore{eigen_threads};
  return median_seconds([&] {
    for (Eigen::Index first = 0; first < d.rho.size(); first += 128) {
      const Eigen::Index m = std::min<Eigen::Index>(128, d.rho.size() - first);
      dixc::xc::PointDensity block;
      block.rho = d.rho.segment(first, m);
      block.sigma = d.sigma.segment(first, m);
      block.grad = d.grad.middleRows(first, m);
      if (d.tau.size()) block.tau = d.tau.segment(first, m);
      f(block);
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  dixc::par::reexec_with_process_settings(argv);
  if (argc != 2) {
    std::cerr << "usage: xc_call_parts MOLECULE.xyz\n";
    return 2;
  }
  dixc::integrals::initialize_libint();
  dixc::ml::configure_torch(omp_get_max_threads());
  const auto molecule = dixc::chem::read_xyz_file(argv[1]).front();
  const auto basis = dixc::chem::load_basis("def2-svp", molecule);
  const dixc::integrals::JKBuilder jk(basis);
  const auto blyp = dixc::xc::make_functional({"blyp", "default"}, molecule, basis);
  const dixc::scf::FockBuilder fock(molecule, basis, jk, *blyp);
  const Eigen::MatrixXd density = dixc::scf::run_scf(molecule, basis, fock, {}).density;
  std::cout << std::fixed << std::setprecision(4) << molecule.name << ", " << blyp->grid_points() << " points, "
            << omp_get_max_threads() << " threads\nfunctional  xc_call_s  torchscript_s  density_s  assemble_s  "
            << "points_1thread_s  |dE| native-torchscript  max|dV|\n";
  std::cout << "blyp  " << median_seconds([&] { blyp->semilocal(density); }) << "\n";
  for (const std::string arch : {"gga-mlp", "mgga-mlp", "xcdiff"}) {
    auto model = dixc::ml::make_model(arch, 3);
    dixc::ml::perturb_parameters(model, 0.05, 5);
    const auto native = dixc::ml::make_torch_functional(model, molecule, basis, "default");
    const auto& integrator = native->shared_integrator();
    const dixc::ml::TorchFunctional torchscript(model, molecule, integrator,
                                                dixc::ml::TorchFunctional::PointPath::torchscript);
    const auto a = native->semilocal(density), b = torchscript.semilocal(density);
    const double t_native = median_seconds([&] { native->semilocal(density); });
    const double t_torchscript = median_seconds([&] { torchscript.semilocal(density); });
    dixc::xc::PointDensity d;
    const double t_density = median_seconds([&] { d = integrator->density_on_grid(density); });
    dixc::xc::PointPotential w{d.rho, d.grad, d.tau};
    const double t_assemble = median_seconds([&] { integrator->assemble(w); });
    const auto points = dixc::ml::native_point_model(model, integrator);
    const double t_points = points ? seconds_in_blocks(d, [&](const auto& block) { points->derivatives(block); }) : 0;
    std::cout << arch << (native->native_points() ? "" : " (no native points)") << "  " << t_native << "  "
              << t_torchscript << "  " << t_density << "  " << t_assemble << "  " << t_points << "  " << std::scientific
              << std::setprecision(1) << std::abs(a.energy - b.energy) << "  "
              << (a.potential - b.potential).cwiseAbs().maxCoeff() << std::fixed << std::setprecision(4) << "\n";
    if (arch == "gga-mlp")
      for (const char* name : {"blyp", "lda_c_pw_mod"}) {
        const dixc::xc::LibxcFunctional libxc(name, integrator);
        std::cout << "  libxc " << name << " points alone (1 thread) "
                  << seconds_in_blocks(d, [&](const auto& block) { libxc.point_values(block); }) << "\n";
      }
  }
}

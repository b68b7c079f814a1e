// Cost of the response work relative to the SCF it follows: one Fock build with exact exchange (direct and
// in-core integrals), 16 Hessian-vector products in one batched pass (the first pass at the reference density,
// which also evaluates the XC second derivatives, and the median of later passes), and 5 TDDFT roots (RPA).
// usage: response_cost MOLECULE.xyz [...]     (OMP_NUM_THREADS threads; run on a quiet machine)
#include <iomanip>
#include <iostream>
#include <random>

#include "dixc/chem/xyz_reader.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/par/process_settings.hpp"
#include "dixc/response/orbital_hessian.hpp"
#include "dixc/response/tddft.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/factory.hpp"
#include "wall_time.hpp"

using dixc::bench::median_seconds;
using dixc::bench::seconds_once;

int main(int argc, char** argv) {
  dixc::par::reexec_with_process_settings(argv);  // the kernels and malloc settings dixc itself runs with
  dixc::integrals::initialize_libint();
  std::cout
      << "molecule   nbf  scf_s  fock_direct_s  fock_incore_s  hvp16_first/fock  hvp16_direct_s  hvp16/fock_direct  "
         "tddft5_s  tddft5/scf\n";
  for (int a = 1; a < argc; ++a) {
    const auto molecule = dixc::chem::read_xyz_file(argv[a]).front();
    const auto basis = dixc::chem::load_basis("def2-svp", molecule);
    const auto functional = dixc::xc::make_functional({"b3lyp", "default"}, molecule, basis);
    const dixc::integrals::JKBuilder incore(basis), direct(basis, {1e-12, 1e-15, 0});
    const dixc::scf::FockBuilder fb_in(molecule, basis, incore, *functional),
        fb_direct(molecule, basis, direct, *functional);
    dixc::scf::ScfResult scf;
    const double t_scf = seconds_once([&] { scf = dixc::scf::run_scf(molecule, basis, fb_in, {}); });
    const double t_fock_direct = median_seconds([&] { fb_direct.build(scf.density); });
    const double t_fock_incore = median_seconds([&] { fb_in.build(scf.density); });
    const dixc::response::OrbitalHessian h_direct(fb_direct, scf.coefficients, scf.n_occupied);
    std::mt19937 gen(1);
    std::normal_distribution<double> g;
    std::vector<Eigen::MatrixXd> dirs(16, Eigen::MatrixXd(h_direct.n_vir(), h_direct.n_occ()));
    for (auto& d : dirs)
      for (Eigen::Index i = 0; i < d.size(); ++i) d.data()[i] = g(gen);
    // First pass at this density: includes the XC kernel's ground-state factors, which later passes reuse.
    const double t_hvp_first = seconds_once([&] { h_direct.hessian_products(dirs); });
    const double t_hvp = median_seconds([&] { h_direct.hessian_products(dirs); });
    // Parts of the batched pass: J/K of the 16 first-order densities, and the XC kernel (MO-basis path).
    std::vector<Eigen::MatrixXd> s16;
    std::vector<dixc::integrals::JKRequest> req;
    for (const auto& v : dirs) {
      const Eigen::MatrixXd t = h_direct.c_vir() * v * h_direct.c_occ().transpose();
      s16.push_back(t + t.transpose());
    }
    for (const auto& x : s16) req.push_back({&x, dixc::integrals::DensitySymmetry::symmetric, true, true});
    std::vector<Eigen::MatrixXd> jj, kk;
    const double t_jk16 = median_seconds([&] { direct.compute(req, jj, kk); });
    const double t_kernel16 =
        median_seconds([&] { functional->semilocal_kernel_ov(scf.density, h_direct.c_occ(), h_direct.c_vir(), dirs); });
    const double t_jk1 = median_seconds([&] {
      Eigen::MatrixXd j1, k1;
      direct.compute(scf.density, &j1, &k1);
    });
    const double t_vxc = median_seconds([&] { functional->semilocal(scf.density); });
    std::cerr << molecule.name << ": jk1 " << t_jk1 << " s, vxc " << t_vxc << " s, jk16 " << t_jk16 << " s, kernel16 "
              << t_kernel16 << " s\n";
    const dixc::response::OrbitalHessian h_in(fb_in, scf.coefficients, scf.n_occupied);
    dixc::response::TddftOptions options;
    options.n_roots = 5;
    const double t_td = seconds_once([&] {
      dixc::response::solve_tddft(h_in, dixc::integrals::dipole(basis, {0, 0, 0}), options);
    });
    std::cout << std::left << std::setw(9) << molecule.name << std::right << std::setw(5) << basis.nbf << std::fixed
              << std::setprecision(3) << std::setw(7) << t_scf << std::setw(15) << t_fock_direct << std::setw(15)
              << t_fock_incore << std::setw(18) << t_hvp_first / t_fock_direct << std::setw(16) << t_hvp
              << std::setw(19) << t_hvp / t_fock_direct << std::setw(10) << t_td << std::setw(12) << t_td / t_scf
              << "\n";
  }
}

// Cost of a learned functional in the SCF and in TDDFT against the hybrid it replaces (B3LYP) and against a
// libxc GGA (BLYP), side by side in one run, on the same molecule, basis and grid: SCF wall time and 5-root
// TDDFT (RPA) wall time for each architecture (parameters moved off their initial values, so the learned part
// is evaluated as after training), with the fast kernel and with the autograd kernel it replaced.
// A tau-free model (gga-mlp) also runs as before its GGA-order integrator (":meta-gga-order", with tau on the grid),
// and each model whose points run natively (native_point_model.hpp) also as before that, through TorchScript and
// autograd (":torchscript").
// With --ri-j, BLYP and each model also run with the density-fitted Coulomb build (":ri-j", def2-universal-jfit;
// B3LYP stays exact: it is the reference being replaced).
// With --general-rpa, every functional without exact exchange also runs its TDDFT with the general two-residual
// RPA solver (TddftOptions::reduce_semilocal_rpa = false, the solver before the reduced form), right after the
// default one: the last two columns.
// usage: learned_functional_cost [--grid LEVEL] [--no-autograd] [--no-torchscript] [--ri-j] [--general-rpa]
//        [--models a,b,...] MOLECULE.xyz [...]
//        (OMP_NUM_THREADS threads; torch configured as in dixc-ml, ml::configure_torch)
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>

#include <omp.h>

#include "dixc/chem/xyz_reader.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/ml/torch_runtime.hpp"
#include "dixc/par/process_settings.hpp"
#include "dixc/response/tddft.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/factory.hpp"
#include "wall_time.hpp"

namespace {

using dixc::bench::seconds_once;

struct Row {
  std::string name;
  double scf_s = 0, tddft_s = 0, energy = 0, potential_s = 0;
  int iterations = 0, tddft_products = 0;
  double general_tddft_s = 0;  // general RPA solver (--general-rpa), 0: not run
  int general_products = 0;
};

bool general_rpa = false;

Row run(const std::string& name, const dixc::chem::Molecule& molecule, const dixc::chem::BasisSet& basis,
        const dixc::integrals::JKBuilder& jk, const dixc::xc::XcFunctional& functional) {
  Row row{name};
  const dixc::scf::FockBuilder fock(molecule, basis, jk, functional);
  dixc::scf::ScfResult scf;
  row.scf_s = seconds_once([&] { scf = dixc::scf::run_scf(molecule, basis, fock, {}); });
  row.energy = scf.energy_total;
  row.iterations = scf.n_iter;
  // One XC energy and potential at the converged density (median of 5): the per-iteration cost of the functional
  // itself, without the Coulomb build and the SCF's linear algebra.
  const Eigen::MatrixXd density = scf.density;
  row.potential_s = dixc::bench::median_seconds([&] { functional.semilocal(density); });
  dixc::response::TddftOptions options;
  options.n_roots = 5;
  if (std::getenv("DIXC_BENCH_TDDFT_LOG")) options.log = &std::cerr;
  auto tddft = [&](int& products) {
    return seconds_once([&] {
      const auto result =
          dixc::response::solve_tddft(dixc::response::OrbitalHessian(fock, scf.coefficients, scf.n_occupied),
                                      dixc::integrals::dipole(basis, {0, 0, 0}), options);
      products = result.n_products;
      if (options.log)
        for (const auto& e : result.excitations) *options.log << "  root " << std::setprecision(10) << e.energy << "\n";
    });
  };
  row.tddft_s = tddft(row.tddft_products);
  if (general_rpa && !functional.has_exact_exchange()) {
    options.reduce_semilocal_rpa = false;
    row.general_tddft_s = tddft(row.general_products);
  }
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  dixc::par::reexec_with_process_settings(argv);  // the kernels and malloc settings dixc itself runs with
  dixc::integrals::initialize_libint();
  dixc::ml::configure_torch(omp_get_max_threads());
  std::string grid = "default";
  bool autograd = true, ri_j = false, torchscript_rows = true;
  std::string models = ",gga-mlp,mgga-mlp,xcdiff,nonlocal,";
  std::vector<std::string> files;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--grid" && a + 1 < argc)
      grid = argv[++a];
    else if (arg == "--no-autograd")
      autograd = false;
    else if (arg == "--no-torchscript")
      torchscript_rows = false;
    else if (arg == "--ri-j")
      ri_j = true;
    else if (arg == "--general-rpa")
      general_rpa = true;
    else if (arg == "--models" && a + 1 < argc)
      models = std::string(",") + argv[++a] + ",";
    else
      files.push_back(arg);
  }
  std::cout << "molecule  nbf  grid_points  functional  scf_s  scf_iter  tddft5_s  scf/b3lyp  scf/blyp  "
               "tddft/b3lyp  xc_call_s  tddft_products"
            << (general_rpa ? "  general_tddft5_s  general_products" : "") << "\n";
  for (const auto& file : files) {
    const auto molecule = dixc::chem::read_xyz_file(file).front();
    const auto basis = dixc::chem::load_basis("def2-svp", molecule);
    const dixc::integrals::JKBuilder jk(basis);
    dixc::integrals::JKOptions fitting;
    fitting.coulomb_fitting = "def2-universal-jfit";
    const auto fitting_basis = dixc::chem::load_basis(fitting.coulomb_fitting, molecule);
    std::unique_ptr<const dixc::integrals::JKBuilder> jk_ri;
    if (ri_j) jk_ri = std::make_unique<const dixc::integrals::JKBuilder>(basis, fitting, &fitting_basis);
    std::vector<Row> rows;
    std::size_t points = 0;
    auto print = [&](Row row) {
      rows.push_back(std::move(row));
      const Row& r = rows.back();
      std::cout << std::left << std::setw(10) << molecule.name << std::right << std::setw(5) << basis.nbf
                << std::setw(13) << points << "  " << std::left << std::setw(18) << r.name << std::right << std::fixed
                << std::setprecision(2) << std::setw(7) << r.scf_s << std::setw(9) << r.iterations << std::setw(10)
                << r.tddft_s << std::setw(11) << r.scf_s / rows[0].scf_s << std::setw(10)
                << r.scf_s / rows[std::min<std::size_t>(1, rows.size() - 1)].scf_s << std::setw(13)
                << r.tddft_s / rows[0].tddft_s << std::setprecision(3) << std::setw(11) << r.potential_s << std::setw(9)
                << r.tddft_products;
      if (general_rpa)
        std::cout << std::setprecision(2) << std::setw(18) << r.general_tddft_s << std::setw(18) << r.general_products;
      std::cout << std::endl;
    };
    for (const char* name : {"b3lyp", "blyp"}) {
      const auto f = dixc::xc::make_functional({name, grid}, molecule, basis);
      points = f->grid_points();
      print(run(name, molecule, basis, jk, *f));
      if (jk_ri && std::string(name) == "blyp") print(run("blyp:ri-j", molecule, basis, *jk_ri, *f));
    }
    // The first learned run of a process also pays LibTorch's one-time start-up (shown as gga-mlp:first).
    for (const std::string label : {"gga-mlp:first", "gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"}) {
      const std::string arch = label.substr(0, label.find(':'));
      if (models.find("," + arch + ",") == std::string::npos) continue;
      auto model = dixc::ml::make_model(arch, 3);
      dixc::ml::perturb_parameters(model, 0.05, 5);
      const auto path = (std::filesystem::temp_directory_path() / ("dixc_bench_" + arch + ".pt")).string();
      model.save(path);
      const auto f = dixc::ml::load_torch_functional(path, molecule, basis, grid);
      std::filesystem::remove(path);
      print(run(label, molecule, basis, jk, *f));
      if (jk_ri && label == arch) print(run(arch + ":ri-j", molecule, basis, *jk_ri, *f));
      if (torchscript_rows && label == arch && f->native_points()) {
        // The same model through TorchScript and autograd on the whole grid: the build before the native points.
        const dixc::ml::TorchFunctional old(model, molecule, f->shared_integrator(),
                                            dixc::ml::TorchFunctional::PointPath::torchscript);
        print(run(arch + ":torchscript", molecule, basis, jk, old));
        if (jk_ri) print(run(arch + ":ri-j:torchscript", molecule, basis, *jk_ri, old));
      }
      if (label == arch && !dixc::ml::uses_tau(model)) {
        const auto meta = std::make_shared<const dixc::xc::SemilocalIntegrator>(basis, f->integrator().grid(),
                                                                                dixc::xc::DensityOrder::meta_gga);
        print(run(arch + ":meta-gga-order", molecule, basis, jk, dixc::ml::TorchFunctional(model, molecule, meta)));
      }
      if (autograd && label == arch && arch != "nonlocal")
        print(run(arch + ":autograd", molecule, basis, jk, dixc::ml::oracle::AutogradKernel(*f)));
    }
  }
}

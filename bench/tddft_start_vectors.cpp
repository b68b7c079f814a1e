// Which roots the Davidson TDDFT finds from which start vectors, and what the start costs: per molecule, B3LYP
// (or --functional NAME) SCF, then 5 RPA roots (--roots N) from the unit guesses alone (the start before 5dd5b4e),
// from the unit guesses plus the dense pseudo-random vectors (the default), and from a wide start (60 more unit
// guesses plus the random vectors) as the reference; prints the largest root error of the first two against the
// reference and their products and seconds. A root error above 1e-6 Eh means a state was missed.
// usage: tddft_start_vectors [--grid LEVEL] [--functional NAME] [--roots N] MOLECULE.xyz [...]
//        (OMP_NUM_THREADS threads)
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "dixc/calc/molecule_calculation.hpp"
#include "dixc/chem/xyz_reader.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/par/process_settings.hpp"
#include "dixc/response/tddft.hpp"
#include "wall_time.hpp"

int main(int argc, char** argv) {
  dixc::par::reexec_with_process_settings(argv);
  dixc::integrals::initialize_libint();
  std::string grid = "default", functional = "b3lyp";
  int roots = 5;
  std::vector<std::string> files;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--grid" && a + 1 < argc)
      grid = argv[++a];
    else if (arg == "--functional" && a + 1 < argc)
      functional = argv[++a];
    else if (arg == "--roots" && a + 1 < argc)
      roots = std::stoi(argv[++a]);
    else
      files.push_back(arg);
  }
  std::cout << "molecule  nbf  units_only_err  units_only_products  units_only_s  default_err  default_products  "
               "default_s  wide_products\n";
  for (const auto& file : files) {
    const dixc::calc::MoleculeCalculation calculation(dixc::chem::read_xyz_file(file).front(), "def2-svp", grid);
    const auto f = calculation.with(functional);
    const auto hessian = f.hessian(f.converged_scf());
    dixc::response::TddftOptions wide, standard, units_only;
    wide.n_roots = standard.n_roots = units_only.n_roots = roots;
    wide.extra_guesses = 60;
    units_only.random_guesses = 0;
    dixc::response::TddftResult reference, result, without;
    dixc::bench::seconds_once([&] { reference = f.tddft(hessian, wide); });
    const double t_default = dixc::bench::seconds_once([&] { result = f.tddft(hessian, standard); });
    const double t_units = dixc::bench::seconds_once([&] { without = f.tddft(hessian, units_only); });
    auto error = [&](const dixc::response::TddftResult& r) {
      double worst = 0.0;
      for (std::size_t k = 0; k < reference.excitations.size(); ++k)
        worst = std::max(worst, std::abs(r.excitations[k].energy - reference.excitations[k].energy));
      return worst;
    };
    std::cout << std::left << std::setw(10) << calculation.molecule().name << std::right << std::setw(5)
              << calculation.basis().nbf << std::scientific << std::setprecision(1) << std::setw(16) << error(without)
              << std::setw(21) << without.n_products << std::fixed << std::setprecision(2) << std::setw(14) << t_units
              << std::scientific << std::setprecision(1) << std::setw(13) << error(result) << std::setw(18)
              << result.n_products << std::fixed << std::setprecision(2) << std::setw(11) << t_default << std::setw(15)
              << reference.n_products << std::endl;
  }
}

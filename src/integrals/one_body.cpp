// One of the two translation units that instantiate libint2::Engine (the other is eri_engine.cpp): each costs
// about a minute and 2.5 GB to compile, so all one-body integrals live here.
#include "dixc/integrals/one_body.hpp"

#include <mutex>
#include <vector>

#include <omp.h>

#include <libint2.hpp>

namespace dixc::integrals {

namespace {

using Matrix = Eigen::MatrixXd;

// Fills n_components symmetric matrices from an engine over unique shell pairs, one engine copy per thread.
std::vector<Matrix> compute_one_body(const chem::BasisSet& basis, libint2::Engine engine, int n_components) {
  initialize_libint();
  const std::size_t n_shells = basis.shells.size();
  std::vector<Matrix> result(n_components, Matrix::Zero(basis.nbf, basis.nbf));
#pragma omp parallel
  {
    libint2::Engine local = engine;
    const auto& buf = local.results();
#pragma omp for schedule(dynamic)
    for (std::size_t s1 = 0; s1 < n_shells; ++s1) {
      for (std::size_t s2 = 0; s2 <= s1; ++s2) {
        local.compute(basis.shells[s1], basis.shells[s2]);
        const std::size_t bf1 = basis.shell_offset[s1], n1 = basis.shells[s1].size();
        const std::size_t bf2 = basis.shell_offset[s2], n2 = basis.shells[s2].size();
        for (int c = 0; c < n_components; ++c) {
          if (buf[c] == nullptr) continue;  // libint2 signals an all-zero shell block this way
          Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> block(
              buf[c], n1, n2);
          result[c].block(bf1, bf2, n1, n2) = block;
          if (s1 != s2) result[c].block(bf2, bf1, n2, n1) = block.transpose();
        }
      }
    }
  }
  return result;
}

}  // namespace

void initialize_libint() {
  static std::once_flag flag;
  std::call_once(flag, [] {
    if (!libint2::initialized()) libint2::initialize();
  });
}

Matrix overlap(const chem::BasisSet& basis) {
  return compute_one_body(basis, libint2::Engine(libint2::Operator::overlap, basis.max_nprim, basis.max_l), 1)[0];
}

Matrix kinetic(const chem::BasisSet& basis) {
  return compute_one_body(basis, libint2::Engine(libint2::Operator::kinetic, basis.max_nprim, basis.max_l), 1)[0];
}

Matrix nuclear_attraction(const chem::BasisSet& basis, const chem::Molecule& molecule) {
  libint2::Engine engine(libint2::Operator::nuclear, basis.max_nprim, basis.max_l);
  std::vector<std::pair<double, std::array<double, 3>>> charges;
  for (const auto& atom : molecule.atoms) charges.push_back({static_cast<double>(atom.Z), atom.position_bohr});
  engine.set_params(charges);
  return compute_one_body(basis, std::move(engine), 1)[0];
}

std::array<Matrix, 3> dipole(const chem::BasisSet& basis, const std::array<double, 3>& origin) {
  libint2::Engine engine(libint2::Operator::emultipole1, basis.max_nprim, basis.max_l);
  engine.set_params(origin);
  // emultipole1 returns overlap followed by the x, y, z components.
  auto m = compute_one_body(basis, std::move(engine), 4);
  return {m[1], m[2], m[3]};
}

}  // namespace dixc::integrals

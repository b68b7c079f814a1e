#include "dixc/scf/guess.hpp"

#include <map>
#include <mutex>
#include <string>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/scf/diis.hpp"
#include "dixc/scf/fock_builder.hpp"
#include "dixc/xc/hartree_fock.hpp"

namespace dixc::scf {

namespace {

using Matrix = Eigen::MatrixXd;

// Aufbau occupations with every (near-)degenerate group sharing its electrons equally, which keeps an open-shell
// atom's density spherical (e.g. carbon's 2p^2 becomes 2/3 electron in each 2p orbital).
Eigen::VectorXd spherical_occupations(const Eigen::VectorXd& eps, double n_electrons) {
  Eigen::VectorXd occ = Eigen::VectorXd::Zero(eps.size());
  double left = n_electrons;
  for (Eigen::Index first = 0; first < eps.size() && left > 1e-12;) {
    Eigen::Index last = first + 1;
    while (last < eps.size() && eps(last) - eps(first) < 1e-3) ++last;
    const double per_orbital = std::min(2.0, left / static_cast<double>(last - first));
    occ.segment(first, last - first).setConstant(per_orbital);
    left -= per_orbital * static_cast<double>(last - first);
    first = last;
  }
  return occ;
}

Matrix atomic_density(int z, const std::string& basis_name, const par::Eigensolver& eigensolver) {
  chem::Molecule atom;
  atom.name = "SAD atom Z=" + std::to_string(z);
  atom.atoms.push_back({z, {0.0, 0.0, 0.0}});
  const chem::BasisSet basis = chem::load_basis(basis_name, atom);
  const integrals::JKBuilder jk(basis);
  const xc::HartreeFock hf(basis.nbf);
  const FockBuilder fock_builder(atom, basis, jk, hf);
  const Matrix& s = fock_builder.overlap();
  const Matrix x = orthogonalizer(s, 1e-7, eigensolver);

  Matrix density = Matrix::Zero(basis.nbf, basis.nbf);
  Matrix fock = fock_builder.core_hamiltonian();
  Diis diis(6);
  for (int iter = 0; iter < 100; ++iter) {
    Eigen::VectorXd eps;
    Matrix c_orth;
    eigensolver.solve(x.transpose() * fock * x, eps, c_orth);
    const Matrix c = x * c_orth;
    const Eigen::VectorXd occ = spherical_occupations(eps, z);
    const Matrix new_density = c * occ.asDiagonal() * c.transpose();
    const double change = (new_density - density).cwiseAbs().maxCoeff();
    density = new_density;
    if (change < 1e-8) break;
    const Matrix f = fock_builder.build(density).fock;
    const Matrix error = x.transpose() * (f * density * s - s * density * f) * x;
    fock = diis.extrapolate(f, error);
  }
  return density;
}

}  // namespace

Matrix orthogonalizer(const Matrix& overlap, double threshold, const par::Eigensolver& eigensolver) {
  Eigen::VectorXd w;
  Matrix u;
  eigensolver.solve(overlap, w, u);
  Eigen::Index first = 0;
  while (first < w.size() && w(first) < threshold) ++first;
  const Eigen::Index kept = w.size() - first;
  return u.rightCols(kept) * w.tail(kept).cwiseSqrt().cwiseInverse().asDiagonal();
}

Matrix core_guess_density(const Matrix& core_hamiltonian, const Matrix& x, int n_occupied,
                          const par::Eigensolver& eigensolver) {
  Eigen::VectorXd eps;
  Matrix c_orth;
  eigensolver.solve(x.transpose() * core_hamiltonian * x, eps, c_orth);
  const Matrix c_occ = x * c_orth.leftCols(n_occupied);
  return 2.0 * c_occ * c_occ.transpose();
}

Matrix sad_guess_density(const chem::Molecule& molecule, const chem::BasisSet& basis,
                         const par::Eigensolver& eigensolver) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, int>, Matrix> cache;
  Matrix density = Matrix::Zero(basis.nbf, basis.nbf);
  std::size_t shell = 0;
  for (std::size_t a = 0; a < molecule.atoms.size(); ++a) {
    const int z = molecule.atoms[a].Z;
    const std::pair<std::string, int> key{basis.name, z};
    Matrix atom_density;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = cache.find(key);
      if (it == cache.end()) it = cache.emplace(key, atomic_density(z, basis.name, eigensolver)).first;
      atom_density = it->second;
    }
    // Shells are stored atom by atom, so each atom's functions form one contiguous block.
    while (shell < basis.shells.size() && basis.shell_atom[shell] != static_cast<int>(a)) ++shell;
    const std::size_t first_bf = basis.shell_offset[shell];
    density.block(first_bf, first_bf, atom_density.rows(), atom_density.cols()) = atom_density;
  }
  return density;
}

}  // namespace dixc::scf

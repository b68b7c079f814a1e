#include "dixc/ml/molecule_tensors.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "dixc/chem/basis.hpp"
#include "dixc/grid/ao_values.hpp"
#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/ml/tensor_bytes.hpp"
#include "dixc/util/error.hpp"

namespace dixc::ml {

namespace {

torch::Tensor from_column_major(const std::vector<double>& values, std::int64_t offset, std::int64_t rows,
                                std::int64_t cols) {
  // Column-major (rows x cols) storage is the row-major (cols x rows) tensor, transposed.
  auto t = torch::from_blob(const_cast<double*>(values.data()) + offset, {cols, rows}, torch::kDouble);
  return t.t().contiguous().clone();
}

// The dataset names its grid level, and the targets (V_xc, Hessian products) hold only on that grid. If the
// level's definition changed since generation (another dixc version), the rebuilt grid integrates the reference
// density to a different electron count than the generator's grid did: a clear error instead of silently
// inconsistent targets. Same grid: equal to summation-order noise plus the last SCF step's density change.
void check_grid_matches_dataset(const MoleculeTensors& m, const data::MoleculeRecord& record,
                                const std::string& grid_level) {
  const double stored = record.scalars.n_electrons_integrated;
  if (stored == 0.0) return;  // no grid in the reference calculation (Hartree-Fock)
  double n = 0.0;
  for (const auto& chunk : m.chunks) {
    const torch::Tensor psi = chunk.phi.matmul(m.c_occ);
    n += (chunk.weights * 2.0 * (psi * psi).sum(1)).sum().item<double>();
  }
  constexpr double tolerance = 1e-8;
  if (std::abs(n - stored) > tolerance) {
    std::ostringstream msg;
    msg << std::setprecision(12) << "molecule '" << record.name << "': grid '" << grid_level
        << "' of this dixc integrates the reference density to " << n << " electrons, the dataset's grid gave "
        << stored << ": the grid level's definition changed since the dataset was generated; regenerate the "
        << "dataset with this dixc version";
    throw InputError(msg.str());
  }
}

}  // namespace

std::size_t MoleculeTensors::n_points() const {
  std::size_t n = 0;
  for (const auto& c : chunks) n += static_cast<std::size_t>(c.weights.size(0));
  return n;
}

std::size_t MoleculeTensors::bytes() const {
  std::size_t b = tensor_bytes({&c_occ, &c_vir, &g_xc, &gaps, &directions, &h_xc});
  for (const auto& c : chunks) b += tensor_bytes({&c.weights, &c.points, &c.phi, &c.dphi});
  return b;
}

MoleculeTensors load_molecule_tensors(const data::MoleculeRecord& record, const std::string& basis_name,
                                      const std::string& grid_level, std::size_t chunk_points) {
  if (record.status != data::RecordStatus::ok)
    throw InputError("molecule '" + record.name + "' failed in the dataset and cannot be used: " + record.message);
  MoleculeTensors m;
  m.name = record.name;
  const auto& dims = record.dims;
  const std::int64_t natoms = dims.natoms, nbf = dims.nbf, n_mo = dims.n_mo, no = dims.n_occ, nv = dims.n_vir,
                     nd = dims.n_dir;
  const chem::Molecule molecule = record.molecule();
  const auto& z = record.arrays.atomic_numbers;
  const auto& pos = record.arrays.positions_bohr;
  m.n_electrons = molecule.n_electrons();
  m.atom_z = torch::tensor(std::vector<double>(z.begin(), z.end()), torch::kDouble);
  m.atom_positions = torch::tensor(std::vector<double>(pos.begin(), pos.end()), torch::kDouble).reshape({natoms, 3});

  const torch::Tensor c = from_column_major(record.arrays.coefficients, 0, nbf, n_mo);
  m.c_occ = c.slice(1, 0, no).contiguous();
  m.c_vir = c.slice(1, no, n_mo).contiguous();
  m.e_xc = record.scalars.e_xc;
  m.g_xc = from_column_major(record.arrays.g_xc, 0, nv, no);
  const auto& eps = record.arrays.orbital_energies;
  if (static_cast<std::int64_t>(eps.size()) != n_mo)
    throw InputError("molecule '" + record.name + "': the dataset holds " + std::to_string(eps.size()) +
                     " orbital energies for " + std::to_string(n_mo) + " orbitals; regenerate it");
  const torch::Tensor e = torch::tensor(std::vector<double>(eps.begin(), eps.end()), torch::kDouble);
  m.gaps = e.slice(0, no, n_mo).unsqueeze(1) - e.slice(0, 0, no).unsqueeze(0);
  std::vector<torch::Tensor> dirs, hs;
  for (std::int64_t k = 0; k < nd; ++k) {
    dirs.push_back(from_column_major(record.arrays.directions, k * nv * no, nv, no));
    hs.push_back(from_column_major(record.arrays.h_xc, k * nv * no, nv, no));
  }
  m.directions = torch::stack(dirs);
  m.h_xc = torch::stack(hs);

  const chem::BasisSet basis = chem::load_basis(basis_name, molecule);
  if (static_cast<std::int64_t>(basis.nbf) != nbf)
    throw InputError("molecule '" + record.name + "': basis '" + basis_name + "' gives " + std::to_string(basis.nbf) +
                     " functions, the dataset has " + std::to_string(nbf) + " (mismatched basis)");
  const grid::MolecularGrid g = grid::build_molecular_grid(molecule, grid::grid_level(grid_level));
  const auto extents = grid::shell_extents(basis);
  // Blocks are concatenated into chunks of at most chunk_points points (at least one block each).
  for (std::size_t b = 0; b < g.blocks.size();) {
    std::size_t e = b, np = 0;
    while (e < g.blocks.size() && (np == 0 || np + (g.blocks[e].end - g.blocks[e].begin) <= chunk_points)) {
      np += g.blocks[e].end - g.blocks[e].begin;
      ++e;
    }
    GridChunk chunk;
    chunk.phi = torch::zeros({static_cast<std::int64_t>(np), nbf}, torch::kDouble);
    chunk.dphi = torch::zeros({3, static_cast<std::int64_t>(np), nbf}, torch::kDouble);
    auto phi = chunk.phi.accessor<double, 2>();
    auto dphi = chunk.dphi.accessor<double, 3>();
    std::int64_t row = 0;
    for (std::size_t k = b; k < e; ++k) {
      const grid::AoBlock ao = grid::evaluate_ao(basis, extents, g.points, g.blocks[k], true);
      for (Eigen::Index p = 0; p < ao.value.rows(); ++p, ++row)
        for (std::size_t f = 0; f < ao.functions.size(); ++f) {
          phi[row][ao.functions[f]] = ao.value(p, f);
          for (int d = 0; d < 3; ++d) dphi[d][row][ao.functions[f]] = ao.gradient[d](p, f);
        }
    }
    const std::size_t first = g.blocks[b].begin;
    chunk.weights =
        torch::from_blob(const_cast<double*>(g.weights.data()) + first, {static_cast<std::int64_t>(np)}, torch::kDouble)
            .clone();
    chunk.points = torch::from_blob(const_cast<double*>(g.points[first].data()), {static_cast<std::int64_t>(np), 3},
                                    torch::kDouble)
                       .clone();
    m.chunks.push_back(std::move(chunk));
    b = e;
  }
  check_grid_matches_dataset(m, record, grid_level);
  return m;
}

}  // namespace dixc::ml

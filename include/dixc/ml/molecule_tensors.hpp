#pragma once
// One dataset molecule as float64 torch tensors for training and evaluation: orbitals, supervision targets
// (theory.md section 3) and the grid with AO values and gradients, split into chunks of at most
// `chunk_points` points so that the memory of any single autograd pass is bounded.
#include <string>
#include <vector>

#include <torch/torch.h>

#include "dixc/data/molecule_record.hpp"

namespace dixc::ml {

struct GridChunk {
  torch::Tensor weights;  // (np)
  torch::Tensor points;   // (np, 3), Bohr
  torch::Tensor phi;      // (np, nbf)
  torch::Tensor dphi;     // (3, np, nbf)
};

struct MoleculeTensors {
  std::string name;
  int n_electrons = 0;
  torch::Tensor c_occ, c_vir;            // (nbf, n_occ), (nbf, n_vir)
  torch::Tensor atom_z, atom_positions;  // (natoms), (natoms, 3)
  double e_xc = 0.0;                     // target E_xc
  torch::Tensor g_xc;                    // (n_vir, n_occ)
  torch::Tensor gaps;                    // (n_vir, n_occ): eps_a - eps_i of the reference orbitals
  torch::Tensor directions, h_xc;        // (n_dir, n_vir, n_occ)
  std::vector<GridChunk> chunks;
  std::size_t n_points() const;
  std::size_t bytes() const;  // memory held by the tensors
};

// Rebuilds the grid (level `grid`) and AO values for a dataset record with basis `basis`. Throws InputError
// naming the molecule when the record failed or lacks data.
MoleculeTensors load_molecule_tensors(const data::MoleculeRecord& record, const std::string& basis,
                                      const std::string& grid, std::size_t chunk_points);

}  // namespace dixc::ml

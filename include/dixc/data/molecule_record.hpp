#pragma once
// One molecule's entry in the dataset (docs/dataset.md): identification, status, dimensions, scalar results and
// float64 arrays, as named fields so that the compiler keeps the writer, the reader and their users in step. The
// field names of the HDF5 file, their shapes and meaning are listed once, in schema.hpp; every record carries all
// fields (a failed molecule has zeros and empty arrays).
#include <cstdint>
#include <string>
#include <vector>

#include "dixc/chem/molecule.hpp"

namespace dixc::data {

enum class RecordStatus : std::int32_t { ok = 0, failed = 1 };

struct RecordDimensions {
  std::int64_t natoms = 0, nbf = 0, n_mo = 0, n_occ = 0, n_vir = 0, n_dir = 0, n_roots = 0, n_iter = 0;
  std::int64_t charge = 0, multiplicity = 0;
};

// Energies in Eh, dipole in atomic units, wall time in seconds.
struct RecordScalars {
  double energy_total = 0, energy_nuclear_repulsion = 0, energy_one_electron = 0, energy_coulomb = 0;
  double energy_exchange = 0, energy_xc_semilocal = 0, e_xc = 0;
  double dipole_x = 0, dipole_y = 0, dipole_z = 0;
  double gradient_norm = 0, n_electrons_integrated = 0, wall_seconds = 0, exact_exchange_fraction = 0;
};

// Column-major matrices, flattened (shapes in schema.cpp).
struct RecordArrays {
  std::vector<double> atomic_numbers, positions_bohr, overlap, coefficients, orbital_energies, occupations;
  std::vector<double> v_xc, g_xc, directions, h_xc, h_total, excitation_energies, oscillator_strengths;
};

struct MoleculeRecord {
  std::string name;
  std::string formula;
  RecordStatus status = RecordStatus::ok;
  std::string message;  // why it failed; empty when ok
  RecordDimensions dims;
  RecordScalars scalars;
  RecordArrays arrays;

  // The molecule the record was computed for (atoms in Bohr, charge, multiplicity).
  chem::Molecule molecule() const;
};

}  // namespace dixc::data

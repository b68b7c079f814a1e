#include "dixc/calc/reference_data.hpp"

#include <chrono>
#include <random>

#include "dixc/calc/molecule_calculation.hpp"
#include "dixc/calc/reference_attributes.hpp"
#include "dixc/util/error.hpp"
#include "dixc/util/stable_hash.hpp"

namespace dixc::calc {

namespace {

using Matrix = Eigen::MatrixXd;

std::vector<double> flat(const Matrix& m) { return {m.data(), m.data() + m.size()}; }

void set_dims(data::MoleculeRecord& r, const chem::Molecule& m) {
  r.dims.natoms = static_cast<std::int64_t>(m.atoms.size());
  r.dims.charge = m.charge;
  r.dims.multiplicity = m.multiplicity;
}

}  // namespace

data::MoleculeRecord failed_record(const chem::Molecule& molecule, const std::string& message) {
  data::MoleculeRecord r;
  r.name = molecule.name;
  try {
    r.formula = molecule.formula();
  } catch (const std::exception&) {
    r.formula = "?";
  }
  r.status = data::RecordStatus::failed;
  r.message = message;
  set_dims(r, molecule);
  return r;
}

data::MoleculeRecord compute_reference(const chem::Molecule& molecule, const ReferenceSettings& settings,
                                       const par::Eigensolver& eigensolver) {
  const auto t0 = std::chrono::steady_clock::now();
  molecule.require_closed_shell();
  molecule.require_separated_atoms();
  const calc::MoleculeCalculation calculation(molecule, settings.basis, settings.grid, {}, &eigensolver);
  const chem::BasisSet& basis = calculation.basis();
  const calc::FunctionalCalculation target = calculation.with(settings.functional);
  const scf::ScfResult scf = target.converged_scf(reference_scf_options(settings));

  const int n_occ = scf.n_occupied, n_mo = static_cast<int>(scf.coefficients.cols()), n_vir = n_mo - n_occ;
  const response::OrbitalHessian hessian = target.hessian(scf);
  response::TddftOptions tddft_options;
  tddft_options.n_roots = std::min(settings.n_roots, n_occ * n_vir);
  const auto tddft = target.tddft(hessian, tddft_options);
  if (!tddft.converged) throw ConvergenceError("TDDFT did not converge (" + response::convergence_summary(tddft) + ")");

  std::vector<Matrix> directions;
  for (const auto& ex : tddft.excitations) {
    if (static_cast<int>(directions.size()) >= settings.n_dir) break;
    directions.push_back(ex.x_plus_y / ex.x_plus_y.norm());
  }
  // Random directions are drawn as AO matrices R and projected, v = C_v^T S R S C_o: the direction's AO form
  // C_v v C_o^T then does not depend on the arbitrary rotation of degenerate orbitals.
  std::mt19937_64 gen(settings.seed ^ stable_hash(molecule.name));
  std::normal_distribution<double> normal(0.0, 1.0);
  const Matrix& s = target.fock_builder().overlap();
  while (static_cast<int>(directions.size()) < settings.n_dir) {
    Matrix r(basis.nbf, basis.nbf);
    for (Eigen::Index i = 0; i < r.size(); ++i) r.data()[i] = normal(gen);
    const Matrix v = hessian.c_vir().transpose() * s * r * s * hessian.c_occ();
    directions.push_back(v / v.norm());
  }
  const response::XcPart xc = hessian.xc_part(directions);
  const auto h_total = hessian.hessian_products(directions);

  data::MoleculeRecord r;
  r.name = molecule.name;
  r.formula = molecule.formula();
  set_dims(r, molecule);
  r.dims.nbf = static_cast<std::int64_t>(basis.nbf);
  r.dims.n_mo = n_mo;
  r.dims.n_occ = n_occ;
  r.dims.n_vir = n_vir;
  r.dims.n_dir = static_cast<std::int64_t>(directions.size());
  r.dims.n_roots = static_cast<std::int64_t>(tddft.excitations.size());
  r.dims.n_iter = scf.n_iter;

  r.scalars.energy_total = scf.energy_total;
  r.scalars.energy_nuclear_repulsion = scf.energy.nuclear_repulsion;
  r.scalars.energy_one_electron = scf.energy.one_electron;
  r.scalars.energy_coulomb = scf.energy.coulomb;
  r.scalars.energy_exchange = scf.energy.exchange;
  r.scalars.energy_xc_semilocal = scf.energy.xc;
  r.scalars.e_xc = xc.energy;
  r.scalars.dipole_x = scf.dipole_au[0];
  r.scalars.dipole_y = scf.dipole_au[1];
  r.scalars.dipole_z = scf.dipole_au[2];
  r.scalars.gradient_norm = scf.gradient_norm;
  r.scalars.n_electrons_integrated = scf.n_electrons_integrated;
  r.scalars.exact_exchange_fraction = target.functional().exact_exchange_fraction();

  std::vector<double> z, pos;
  for (const auto& a : molecule.atoms) {
    z.push_back(a.Z);
    pos.insert(pos.end(), a.position_bohr.begin(), a.position_bohr.end());
  }
  r.arrays.atomic_numbers = z;
  r.arrays.positions_bohr = pos;
  r.arrays.overlap = flat(target.fock_builder().overlap());
  r.arrays.coefficients = flat(scf.coefficients);
  r.arrays.orbital_energies = flat(scf.orbital_energies);
  std::vector<double> occ(n_mo, 0.0);
  std::fill(occ.begin(), occ.begin() + n_occ, 2.0);
  r.arrays.occupations = occ;
  r.arrays.v_xc = flat(xc.potential);
  r.arrays.g_xc = flat(xc.gradient);
  for (std::size_t k = 0; k < directions.size(); ++k) {
    auto append = [](std::vector<double>& dst, const Matrix& m) {
      dst.insert(dst.end(), m.data(), m.data() + m.size());
    };
    append(r.arrays.directions, directions[k]);
    append(r.arrays.h_xc, xc.hessian_products[k]);
    append(r.arrays.h_total, h_total[k]);
  }
  for (const auto& ex : tddft.excitations) {
    r.arrays.excitation_energies.push_back(ex.energy);
    r.arrays.oscillator_strengths.push_back(ex.oscillator_strength);
  }
  r.scalars.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace dixc::calc

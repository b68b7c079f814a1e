#include "dixc/ml/evaluation.hpp"

#include <cmath>
#include <limits>

#include "dixc/chem/basis.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/response/tddft.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/util/error.hpp"
#include "dixc/xc/factory.hpp"

namespace dixc::ml {

namespace {

chem::Molecule molecule_of(const data::MoleculeRecord& r) {
  chem::Molecule m;
  m.name = r.name;
  m.charge = static_cast<int>(r.dims.at("charge"));
  m.multiplicity = static_cast<int>(r.dims.at("multiplicity"));
  const auto& z = r.arrays.at("atomic_numbers");
  const auto& p = r.arrays.at("positions_bohr");
  for (std::size_t a = 0; a < z.size(); ++a)
    m.atoms.push_back({static_cast<int>(z[a]), {p[3 * a], p[3 * a + 1], p[3 * a + 2]}});
  return m;
}

}  // namespace

ModelInfo read_model_info(const std::string& path) {
  torch::jit::Module m;
  try {
    m = torch::jit::load(path);
  } catch (const std::exception& e) {
    throw InputError(path + ": cannot load the TorchScript model (" + std::string(e.what()).substr(0, 200) + ")");
  }
  auto text = [&m](const char* key) { return m.hasattr(key) ? m.attr(key).toStringRef() : std::string(); };
  ModelInfo info;
  info.architecture = text("architecture");
  info.loss_mode = text("loss_mode");
  info.dataset_fingerprint = text("dataset_fingerprint");
  if (!text("split_seed").empty()) info.split_seed = std::stoull(text("split_seed"));
  if (!text("validation_fraction").empty()) info.validation_fraction = std::stod(text("validation_fraction"));
  if (!text("test_fraction").empty()) info.test_fraction = std::stod(text("test_fraction"));
  return info;
}

MoleculeMetrics evaluate_molecule(const data::MoleculeRecord& record, const EvaluationSettings& s) {
  MoleculeMetrics out;
  out.name = record.name;
  try {
    const chem::Molecule molecule = molecule_of(record);
    const chem::BasisSet basis = chem::load_basis(s.basis, molecule);
    const integrals::JKBuilder jk(basis);
    const auto model = load_torch_functional(s.model_path, molecule, basis, s.grid);
    const auto target = xc::make_functional({s.functional, s.grid}, molecule, basis);
    const scf::FockBuilder fb_model(molecule, basis, jk, *model), fb_target(molecule, basis, jk, *target);

    const scf::ScfResult r_model = scf::run_scf(molecule, basis, fb_model, {});
    out.model_scf_iterations = r_model.n_iter;
    if (!r_model.converged) {
      out.message =
          "SCF with the learned functional did not converge in " + std::to_string(r_model.n_iter) + " iterations";
      return out;
    }
    const std::int64_t nbf = record.dims.at("nbf"), n_mo = record.dims.at("n_mo"), n_occ = record.dims.at("n_occ");
    const Eigen::Map<const Eigen::MatrixXd> c_ref(record.arrays.at("coefficients").data(), nbf, n_mo);
    const Eigen::MatrixXd d_ref = 2.0 * c_ref.leftCols(n_occ) * c_ref.leftCols(n_occ).transpose();

    out.energy_model = r_model.energy_total;
    out.energy_reference = record.scalars.at("energy_total");
    out.energy_error_mEh = 1e3 * std::abs(out.energy_model - out.energy_reference);
    // Both target energies on this grid and integral screening, so only the density differs.
    out.e_rho_mEh = 1e3 * (fb_target.build(r_model.density).energy.total() - fb_target.build(d_ref).energy.total());
    double mu2 = 0.0;
    for (int k = 0; k < 3; ++k) {
      const double ref = record.scalars.at(k == 0 ? "dipole_x" : k == 1 ? "dipole_y" : "dipole_z");
      mu2 += (r_model.dipole_au[k] - ref) * (r_model.dipole_au[k] - ref);
    }
    out.dipole_error_debye = std::sqrt(mu2) * chem::debye_per_au;
    const auto rho_model = model->integrator().density_on_grid(r_model.density).rho;
    const auto rho_ref = model->integrator().density_on_grid(d_ref).rho;
    const Eigen::Map<const Eigen::VectorXd> w(model->integrator().grid().weights.data(), rho_ref.size());
    out.density_l2 = std::sqrt(w.dot((rho_model - rho_ref).cwiseAbs2()));

    const scf::ScfResult r_default = scf::run_scf(molecule, basis, fb_target, {});
    scf::ScfOptions from_model;
    from_model.initial_density = &r_model.density;
    const scf::ScfResult r_from_model = scf::run_scf(molecule, basis, fb_target, from_model);
    out.target_iterations_default = r_default.n_iter;
    out.target_iterations_from_model = r_from_model.n_iter;

    const auto& ref_ex = record.arrays.at("excitation_energies");
    const int n_roots =
        s.n_roots > 0 ? std::min<int>(s.n_roots, static_cast<int>(ref_ex.size())) : static_cast<int>(ref_ex.size());
    int n_roots_compared = n_roots;
    if (n_roots > 0) {
      response::TddftOptions options;
      options.n_roots = n_roots;
      const response::OrbitalHessian hessian(fb_model, r_model.coefficients, r_model.n_occupied);
      const auto td = response::solve_tddft(hessian, integrals::dipole(basis, {0, 0, 0}), options);
      if (!td.converged) {
        // An unconverged Davidson gives no excitation energies to compare: no number, and say so.
        out.tddft_mae_ev = std::numeric_limits<double>::quiet_NaN();
        out.message = "TDDFT with the learned functional did not converge (" + std::to_string(n_roots) +
                      " roots); no TDDFT error reported";
        n_roots_compared = 0;
      }
      double sum = 0.0;
      for (int k = 0; k < n_roots_compared; ++k) {
        out.excitations_model_ev.push_back(td.excitations[k].energy * chem::hartree_in_ev);
        out.excitations_reference_ev.push_back(ref_ex[k] * chem::hartree_in_ev);
        sum += std::abs(out.excitations_model_ev.back() - out.excitations_reference_ev.back());
      }
      if (n_roots_compared > 0) out.tddft_mae_ev = sum / n_roots_compared;
    }
    for (const auto& name : s.baselines) {
      BaselineMetrics b;
      b.functional = name;
      const auto xc = xc::make_functional({name, s.grid}, molecule, basis);
      const scf::FockBuilder fb(molecule, basis, jk, *xc);
      const scf::ScfResult r = scf::run_scf(molecule, basis, fb, {});
      if (r.converged) {
        b.ok = true;
        b.energy_error_mEh = 1e3 * std::abs(r.energy_total - out.energy_reference);
        b.e_rho_mEh = 1e3 * (fb_target.build(r.density).energy.total() - fb_target.build(d_ref).energy.total());
      }
      out.baselines.push_back(b);
    }
    out.ok = true;
  } catch (const std::exception& e) {
    out.message = e.what();
  }
  return out;
}

}  // namespace dixc::ml

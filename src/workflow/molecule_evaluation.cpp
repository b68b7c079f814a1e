#include "dixc/workflow/molecule_evaluation.hpp"

#include <cmath>
#include <limits>

#include "dixc/calc/molecule_calculation.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/util/error.hpp"

namespace dixc::workflow {

MoleculeMetrics evaluate_molecule(const data::MoleculeRecord& record, const EvaluationSettings& s) {
  MoleculeMetrics out;
  out.name = record.name;
  try {
    const calc::MoleculeCalculation calculation(record.molecule(), s.basis, s.grid);
    std::unique_ptr<ml::TorchFunctional> learned =
        ml::make_torch_functional(s.model, calculation.molecule(), calculation.basis(), s.grid);
    const ml::TorchFunctional& model_xc = *learned;
    const calc::FunctionalCalculation model = calculation.with(std::move(learned));
    const calc::FunctionalCalculation target = calculation.with(s.functional);
    const auto target_energy = [&target](const Eigen::MatrixXd& d) {
      return target.fock_builder().build(d).energy.total();
    };

    scf::ScfOptions model_options;
    model_options.max_iter = s.max_scf_iterations;
    const scf::ScfResult r_model = model.scf(model_options);
    out.model_scf_iterations = r_model.n_iter;
    if (!r_model.converged) {
      out.message =
          "SCF with the learned functional did not converge in " + std::to_string(r_model.n_iter) + " iterations";
      return out;
    }
    const std::int64_t nbf = record.dims.nbf, n_mo = record.dims.n_mo, n_occ = record.dims.n_occ;
    const Eigen::Map<const Eigen::MatrixXd> c_ref(record.arrays.coefficients.data(), nbf, n_mo);
    const Eigen::MatrixXd d_ref = 2.0 * c_ref.leftCols(n_occ) * c_ref.leftCols(n_occ).transpose();

    out.energy_model = r_model.energy_total;
    out.energy_reference = record.scalars.energy_total;
    out.energy_error_mEh = 1e3 * std::abs(out.energy_model - out.energy_reference);
    // Both target energies on this grid and integral screening, so only the density differs.
    const double e_target_at_ref = target_energy(d_ref);
    out.e_rho_mEh = 1e3 * (target_energy(r_model.density) - e_target_at_ref);
    double mu2 = 0.0;
    for (int k = 0; k < 3; ++k) {
      const double ref = k == 0 ? record.scalars.dipole_x : k == 1 ? record.scalars.dipole_y : record.scalars.dipole_z;
      mu2 += (r_model.dipole_au[k] - ref) * (r_model.dipole_au[k] - ref);
    }
    out.dipole_error_debye = std::sqrt(mu2) * chem::debye_per_au;
    const auto rho_model = model_xc.integrator().density_on_grid(r_model.density).rho;
    const auto rho_ref = model_xc.integrator().density_on_grid(d_ref).rho;
    const Eigen::Map<const Eigen::VectorXd> w(model_xc.integrator().grid().weights.data(), rho_ref.size());
    out.density_l2 = std::sqrt(w.dot((rho_model - rho_ref).cwiseAbs2()));

    // From the default guess: the reference SCF of dixc generate, which ran this SCF with these settings and
    // recorded its iterations (records without them are rerun).
    out.target_iterations_default =
        record.dims.n_iter > 0 ? static_cast<int>(record.dims.n_iter) : target.scf(s.target_scf).n_iter;
    scf::ScfOptions from_model = s.target_scf;
    from_model.initial_density = &r_model.density;
    out.target_iterations_from_model = target.scf(from_model).n_iter;

    const auto& ref_ex = record.arrays.excitation_energies;
    const int n_roots =
        s.n_roots > 0 ? std::min<int>(s.n_roots, static_cast<int>(ref_ex.size())) : static_cast<int>(ref_ex.size());
    int n_roots_compared = n_roots;
    if (n_roots > 0) {
      response::TddftOptions options;
      options.n_roots = n_roots;
      const auto td = model.tddft(model.hessian(r_model), options);
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
      const scf::ScfResult r = calculation.with(name).scf();
      if (r.converged) {
        b.ok = true;
        b.energy_error_mEh = 1e3 * std::abs(r.energy_total - out.energy_reference);
        b.e_rho_mEh = 1e3 * (target_energy(r.density) - e_target_at_ref);
      }
      out.baselines.push_back(b);
    }
    out.ok = true;
  } catch (const std::exception& e) {
    out.message = e.what();
  }
  return out;
}

}  // namespace dixc::workflow

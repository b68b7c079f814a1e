#include "dixc/data/dataset_checks.hpp"

#include <cmath>
#include <sstream>

#include <Eigen/Dense>

#include "dixc/data/schema.hpp"

namespace dixc::data {

namespace {

using Matrix = Eigen::MatrixXd;

using ArrayMember = std::vector<double> RecordArrays::*;

Matrix as_matrix(const MoleculeRecord& r, ArrayMember field, std::int64_t rows, std::int64_t cols,
                 std::int64_t first = 0) {
  return Eigen::Map<const Matrix>((r.arrays.*field).data() + first, rows, cols);
}

struct Orbitals {
  Matrix c_occ, c_vir, s;
};

Orbitals orbitals(const MoleculeRecord& r) {
  const auto nbf = r.dims.nbf, n_mo = r.dims.n_mo, n_occ = r.dims.n_occ;
  const Matrix c = as_matrix(r, &RecordArrays::coefficients, nbf, n_mo);
  return {c.leftCols(n_occ), c.rightCols(n_mo - n_occ), as_matrix(r, &RecordArrays::overlap, nbf, nbf)};
}

// MO-basis (n_vir x n_occ) block k of a field, transformed to the AO basis.
Matrix ao_form(const MoleculeRecord& r, const Orbitals& o, ArrayMember field, std::int64_t k) {
  const auto nv = r.dims.n_vir, no = r.dims.n_occ;
  return o.c_vir * as_matrix(r, field, nv, no, k * nv * no) * o.c_occ.transpose();
}

std::string fmt(double x) {
  std::ostringstream s;
  s.precision(3);
  s << std::scientific << x;
  return s.str();
}

}  // namespace

CheckReport verify_dataset(const DatasetReader& dataset, double tol) {
  CheckReport report;
  for (std::size_t row = 0; row < dataset.size(); ++row) {
    const MoleculeRecord r = dataset.read(row);
    if (r.status != RecordStatus::ok) continue;
    ++report.molecules_checked;
    auto problem = [&](const std::string& what) { report.problems.push_back(r.name + ": " + what); };
    try {
      check_record_shapes(r);
    } catch (const std::exception& e) {
      problem(e.what());
      continue;
    }
    for (const auto& field : array_fields())
      for (double v : r.arrays.*field.member)
        if (!std::isfinite(v)) {
          problem("non-finite value in " + field.name);
          break;
        }
    const Orbitals o = orbitals(r);
    const auto n_mo = r.dims.n_mo, n_occ = r.dims.n_occ, n_dir = r.dims.n_dir;
    Matrix c(o.c_occ.rows(), n_mo);
    c << o.c_occ, o.c_vir;
    const double orth = (c.transpose() * o.s * c - Matrix::Identity(n_mo, n_mo)).cwiseAbs().maxCoeff();
    if (orth > tol) problem("C^T S C deviates from 1 by " + fmt(orth));
    const Matrix d = 2.0 * o.c_occ * o.c_occ.transpose();
    const double ne = d.cwiseProduct(o.s).sum();
    long n_electrons = -r.dims.charge;
    for (double z : r.arrays.atomic_numbers) n_electrons += static_cast<long>(z);
    if (std::abs(ne - n_electrons) > tol)
      problem("tr(DS) = " + std::to_string(ne) + ", expected " + std::to_string(n_electrons));
    if (2 * n_occ != n_electrons) problem("n_occ inconsistent with the electron count");
    const Matrix v_xc = as_matrix(r, &RecordArrays::v_xc, o.s.rows(), o.s.rows());
    const Matrix g = 4.0 * o.c_vir.transpose() * v_xc * o.c_occ;
    const double g_err = (g - as_matrix(r, &RecordArrays::g_xc, g.rows(), g.cols())).cwiseAbs().maxCoeff();
    if (g_err > tol) problem("stored g_xc differs from 4 C_v^T V_xc C_o by " + fmt(g_err));
    const auto nv = r.dims.n_vir;
    for (std::int64_t i = 0; i < n_dir; ++i) {
      const Matrix vi = as_matrix(r, &RecordArrays::directions, nv, n_occ, i * nv * n_occ);
      if (std::abs(vi.norm() - 1.0) > tol) problem("direction " + std::to_string(i) + " is not a unit vector");
      for (std::int64_t j = 0; j < i; ++j) {
        const Matrix vj = as_matrix(r, &RecordArrays::directions, nv, n_occ, j * nv * n_occ);
        for (const ArrayMember field : {&RecordArrays::h_total, &RecordArrays::h_xc}) {
          const double a = vi.cwiseProduct(as_matrix(r, field, nv, n_occ, j * nv * n_occ)).sum();
          const double b = vj.cwiseProduct(as_matrix(r, field, nv, n_occ, i * nv * n_occ)).sum();
          if (std::abs(a - b) > 1e-6 * std::max(1.0, std::abs(a)))
            problem(array_name(field) + " not symmetric on directions " + std::to_string(j) + "," + std::to_string(i) +
                    " (" + fmt(a) + " vs " + fmt(b) + ")");
        }
      }
    }
    for (double w : r.arrays.excitation_energies)
      if (!(w > 0.0)) problem("non-positive excitation energy");
  }
  return report;
}

CheckReport diff_datasets(const DatasetReader& a, const DatasetReader& b, double tol) {
  CheckReport report;
  auto close = [tol](double x, double y) {
    return std::abs(x - y) <= tol * std::max(1.0, std::max(std::abs(x), std::abs(y)));
  };
  for (const auto& name : a.names())
    if (!b.find(name)) report.problems.push_back(name + ": only in " + a.path());
  for (const auto& name : b.names())
    if (!a.find(name)) report.problems.push_back(name + ": only in " + b.path());
  for (std::size_t row = 0; row < a.size(); ++row) {
    const auto other = b.find(a.names()[row]);
    if (!other) continue;
    const MoleculeRecord ra = a.read(row), rb = b.read(*other);
    ++report.molecules_checked;
    auto problem = [&](const std::string& what) { report.problems.push_back(ra.name + ": " + what); };
    if (ra.status != rb.status) {
      problem("status differs (" + ra.message + " | " + rb.message + ")");
      continue;
    }
    // The iteration count and the wall time may differ between equal calculations.
    for (const auto& d : dimension_fields())
      if (d.member != &RecordDimensions::n_iter && ra.dims.*d.member != rb.dims.*d.member)
        problem("dimension " + d.name + " differs");
    if (ra.status != RecordStatus::ok) continue;
    for (const auto& s : scalar_fields()) {
      const double x = ra.scalars.*s.member, y = rb.scalars.*s.member;
      if (s.member != &RecordScalars::wall_seconds && !close(x, y))
        problem(s.name + " differs: " + std::to_string(x) + " vs " + std::to_string(y));
    }
    // Arrays that do not depend on the arbitrary phase or rotation of orbitals compare element by element; the
    // orbital-basis ones below through their AO forms.
    for (const ArrayMember field :
         {&RecordArrays::atomic_numbers, &RecordArrays::positions_bohr, &RecordArrays::overlap,
          &RecordArrays::orbital_energies, &RecordArrays::occupations, &RecordArrays::v_xc,
          &RecordArrays::excitation_energies, &RecordArrays::oscillator_strengths}) {
      const auto& x = ra.arrays.*field;
      const auto& y = rb.arrays.*field;
      double worst = 0.0;
      bool bad = x.size() != y.size();
      for (std::size_t i = 0; !bad && i < x.size(); ++i)
        if (!close(x[i], y[i])) {
          bad = true;
          worst = std::abs(x[i] - y[i]);
        }
      if (bad) problem(array_name(field) + " differs (" + fmt(worst) + ")");
    }
    const Orbitals oa = orbitals(ra), ob = orbitals(rb);
    const double d_err = (oa.c_occ * oa.c_occ.transpose() - ob.c_occ * ob.c_occ.transpose()).cwiseAbs().maxCoeff();
    if (d_err > tol) problem("density matrix differs by " + fmt(d_err));
    if ((ao_form(ra, oa, &RecordArrays::g_xc, 0) - ao_form(rb, ob, &RecordArrays::g_xc, 0)).cwiseAbs().maxCoeff() > tol)
      problem(array_name(&RecordArrays::g_xc) + " differs (AO basis)");
    for (std::int64_t k = 0; k < ra.dims.n_dir; ++k)
      for (const ArrayMember field : {&RecordArrays::directions, &RecordArrays::h_xc, &RecordArrays::h_total}) {
        const double err = (ao_form(ra, oa, field, k) - ao_form(rb, ob, field, k)).cwiseAbs().maxCoeff();
        if (err > tol) problem(array_name(field) + " " + std::to_string(k) + " differs by " + fmt(err) + " (AO basis)");
      }
  }
  return report;
}

}  // namespace dixc::data

#pragma once
// Direct Coulomb and exchange matrices for several density matrices in one sweep over the shell quartets:
//   J[X]_{mu nu} = sum (mu nu|la si) X_{la si},   K[X]_{mu nu} = sum (mu la|nu si) X_{la si}
// (theory.md section 1). Response work contracts the same integrals with many first-order densities, so the
// integrals are computed once per sweep and contracted with every density. With a fitting basis, J comes from
// density fitting instead (RI-J, density_fitted_coulomb.hpp) and only K, if asked for, from the quartets.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"
#include "dixc/integrals/density_fitted_coulomb.hpp"

namespace dixc::integrals {

enum class DensitySymmetry { symmetric, antisymmetric };

struct JKRequest {
  const Eigen::MatrixXd* density = nullptr;
  DensitySymmetry symmetry = DensitySymmetry::symmetric;
  bool want_j = true;  // J of an antisymmetric density vanishes and is never computed
  bool want_k = true;
};

struct JKOptions {
  double schwarz_threshold = 1e-12;  // skip quartets whose Cauchy-Schwarz bound times |density| falls below this
  double engine_precision = 1e-15;   // libint2 primitive screening
  // Keep the Schwarz-screened unique integrals in memory when they fit in this many bytes (small molecules:
  // every later J/K build is then a contraction from memory); 0 forces the direct algorithm.
  // (With density fitting, the same budget bounds the three-centre integrals; K, if any, is then direct.)
  std::size_t in_core_bytes = std::size_t(2) << 30;
  // Auxiliary basis for density-fitted J (RI-J), e.g. "def2-universal-jfit"; empty: exact four-centre J. The
  // caller loads it on the molecule and passes it to the JKBuilder.
  std::string coulomb_fitting;
};

class JKBuilder {
 public:
  // `fitting_basis` (the basis named by options.coulomb_fitting on the same molecule) is required when that name
  // is set and ignored otherwise.
  JKBuilder(const chem::BasisSet& basis, JKOptions options = {}, const chem::BasisSet* fitting_basis = nullptr);

  // J and K for every request, in request order. Entries of J or K not asked for are left empty (0x0).
  // `screening_scale` multiplies the Schwarz threshold for this call; values down to 1e-2 stay within the
  // integrals kept in core (incremental builds use it: their errors accumulate over iterations).
  void compute(const std::vector<JKRequest>& requests, std::vector<Eigen::MatrixXd>& j, std::vector<Eigen::MatrixXd>& k,
               double screening_scale = 1.0) const;

  // Convenience for one symmetric density.
  void compute(const Eigen::MatrixXd& density, Eigen::MatrixXd* j, Eigen::MatrixXd* k,
               double screening_scale = 1.0) const;

  const chem::BasisSet& basis() const { return basis_; }
  // Shell-pair Cauchy-Schwarz factors sqrt(|(ab|ab)|_max); public for tests and cost estimates.
  const Eigen::MatrixXd& schwarz() const { return schwarz_; }
  bool in_core() const { return !stored_.empty(); }
  // The density-fitted Coulomb build, nullptr for exact J.
  const DensityFittedCoulomb* coulomb_fitting() const { return fitted_j_.get(); }

 private:
  struct StoredQuartet {
    std::uint32_t s1, s2, s3, s4;
    std::size_t offset;  // into stored_values_
  };
  void store_integrals();
  void compute_four_centre(const std::vector<JKRequest>& requests, std::vector<Eigen::MatrixXd>& j,
                           std::vector<Eigen::MatrixXd>& k, double screening_scale) const;
  void compute_group(const std::vector<JKRequest>& requests, std::vector<Eigen::MatrixXd>& j,
                     std::vector<Eigen::MatrixXd>& k, double threshold) const;

  const chem::BasisSet& basis_;
  JKOptions options_;
  Eigen::MatrixXd schwarz_;
  std::vector<StoredQuartet> stored_;
  std::vector<double> stored_values_;
  std::unique_ptr<const DensityFittedCoulomb> fitted_j_;
};

}  // namespace dixc::integrals

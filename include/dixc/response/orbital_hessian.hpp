#pragma once
// First and second derivatives of a closed-shell energy E[D] on the Grassmannian (theory.md section 2), at any
// orthonormal orbitals C = [C_o | C_v] (not only at the SCF solution). Directions kappa are n_vir x n_occ.
//   g        = 4 C_v^T F C_o
//   H v      = 4 [ F_vv v - v F_oo + C_v^T G[D1[v]] C_o ],  D1[v] = 2 (C_v v C_o^T + C_o v^T C_v^T)
//   G[X]     = J[X] - (c_x/2) K[X] + V_sl^(1)[X]
// and the singlet linear-response operators of TDDFT: (A+B) v = H v / 4, and
//   (A-B) v  = F_vv v - v F_oo - c_x C_v^T K[Y] C_o,        Y = C_v v C_o^T - C_o v^T C_v^T,
// whose exact-exchange part needs K of the antisymmetric Y. All directions of one call share one ERI sweep and
// one grid pass.
#include <vector>

#include <Eigen/Dense>

#include "dixc/scf/fock_builder.hpp"

namespace dixc::response {

struct ResponseProducts {
  std::vector<Eigen::MatrixXd> a_plus_b;   // empty unless requested
  std::vector<Eigen::MatrixXd> a_minus_b;  // empty unless requested
};

// XC-part targets of theory.md section 3 at the orbitals of this object.
struct XcPart {
  double energy = 0.0;                            // E_xc = E_sl - (c_x/4) tr(D K[D])
  Eigen::MatrixXd potential;                      // V_xc = V_sl - (c_x/2) K[D] (AO)
  Eigen::MatrixXd gradient;                       // g_xc = 4 C_v^T V_xc C_o
  std::vector<Eigen::MatrixXd> hessian_products;  // h_xc(v_k)
};

class OrbitalHessian {
 public:
  // coefficients: nbf x n_mo with C^T S C = 1, the first n_occ columns occupied.
  OrbitalHessian(const scf::FockBuilder& fock_builder, Eigen::MatrixXd coefficients, int n_occ);

  const Eigen::MatrixXd& density() const { return density_; }
  const Eigen::MatrixXd& fock() const { return fock_.fock; }
  double energy() const { return fock_.energy.total(); }
  int n_occ() const { return n_occ_; }
  int n_vir() const { return static_cast<int>(c_vir_.cols()); }
  const Eigen::MatrixXd& c_occ() const { return c_occ_; }
  const Eigen::MatrixXd& c_vir() const { return c_vir_; }
  // Whether the functional has exact exchange (else A-B = F_vv v - v F_oo needs no integrals).
  bool has_exact_exchange() const { return fock_builder_.functional().has_exact_exchange(); }

  Eigen::MatrixXd gradient() const;
  std::vector<Eigen::MatrixXd> hessian_products(const std::vector<Eigen::MatrixXd>& directions) const;
  ResponseProducts tddft_products(const std::vector<Eigen::MatrixXd>& directions, bool a_plus_b, bool a_minus_b) const;
  XcPart xc_part(const std::vector<Eigen::MatrixXd>& directions) const;

  // D1[v] of theory.md section 2.
  Eigen::MatrixXd first_order_density(const Eigen::MatrixXd& direction) const;

 private:
  // F_vv v - v F_oo for the given Fock-like matrix.
  Eigen::MatrixXd orbital_energy_term(const Eigen::MatrixXd& f, const Eigen::MatrixXd& v) const;

  const scf::FockBuilder& fock_builder_;
  Eigen::MatrixXd c_occ_, c_vir_, density_;
  scf::FockResult fock_;
  int n_occ_;
};

}  // namespace dixc::response

// TorchScript sources of the XC models. Every model is a torch::jit::Module whose forward has the common
// signature (theory.md section 5)
//   forward(rho, sigma, tau, points, weights, atom_positions, atom_z) -> energy density per volume (np)
// so the same module trains here, is saved with Module::save and runs in the SCF (C++ or Python).
// Densities below 1e-14 contribute nothing: features are clamped before any power (no inf/NaN gradient from an
// unused branch) and the energy is masked.
#include "dixc/ml/model_sources.hpp"

namespace dixc::ml {

const std::string& common_model_source() {
  static const std::string source = R"TS(
def safe(self, rho: Tensor) -> Tensor:
    return torch.clamp(rho, min=1e-14)

def mask(self, rho: Tensor, e: Tensor) -> Tensor:
    return torch.where(rho > 1e-14, e, torch.zeros_like(e))

def lda_x(self, rho: Tensor) -> Tensor:
    # Slater exchange per volume: -(3/4)(3/pi)^(1/3) rho^(4/3)
    return -0.7385587663820224 * rho ** (4.0 / 3.0)

def pw92_c(self, rho: Tensor) -> Tensor:
    # Perdew-Wang 92 correlation per particle (libxc PW_MOD parameters), unpolarised
    rs = (0.75 / (3.141592653589793 * rho)) ** (1.0 / 3.0)
    a = 0.0310907
    den = 2.0 * a * (7.5957 * rs ** 0.5 + 3.5876 * rs + 1.6382 * rs ** 1.5 + 0.49294 * rs ** 2)
    return -2.0 * a * (1.0 + 0.21370 * rs) * torch.log(1.0 + 1.0 / den)

def pbe_c(self, rho: Tensor, sigma: Tensor) -> Tensor:
    # PBE correlation per volume (PRL 77, 3865 (1996)), libxc's constants; <= 0 for any rho, sigma
    ec_lda = self.pw92_c(rho)
    beta = 0.06672455060314922
    gamma = 0.031090690869654895
    kf = (9.869604401089358 * 3.0 * rho) ** (1.0 / 3.0)
    ks2 = 4.0 * kf / 3.141592653589793
    t2 = sigma / (4.0 * ks2 * rho * rho)
    big_a = (beta / gamma) / (torch.exp(-ec_lda / gamma) - 1.0)
    at2 = big_a * t2
    h = gamma * torch.log(1.0 + (beta / gamma) * t2 * (1.0 + at2) / (1.0 + at2 + at2 * at2))
    return rho * (ec_lda + h)

def b88_x(self, rho: Tensor, sigma: Tensor) -> Tensor:
    # Becke 88 exchange per volume (PRA 38, 3098 (1988)) for a closed shell: rho_s = rho/2, |grad rho_s| =
    # sqrt(sigma)/2, x = |grad rho_s| / rho_s^(4/3); the tiny floor keeps x asinh(x) differentiable at sigma = 0
    beta = 0.0042
    rho_s = 0.5 * rho
    x2 = 0.25 * sigma / rho_s ** (8.0 / 3.0)
    x = torch.sqrt(x2 + 1e-30)
    return self.lda_x(rho) - 2.0 * beta * rho_s ** (4.0 / 3.0) * x2 / (1.0 + 6.0 * beta * x * torch.asinh(x))

def lyp_c(self, rho: Tensor, sigma: Tensor) -> Tensor:
    # Lee-Yang-Parr correlation per volume in Miehlich et al.'s form (CPL 157, 200 (1989)) for a closed shell
    # (rho_a = rho_b = rho/2, sigma_aa = sigma_ab = sigma/4):
    #   e = -a rho/(1 + d r) - a b omega [C_F rho^(14/3) - rho^2 sigma (3 + 7 delta)/72],  r = rho^(-1/3),
    #   omega = exp(-c r)/(1 + d r) rho^(-11/3),  delta = c r + d r/(1 + d r),  C_F = 3/10 (3 pi^2)^(2/3)
    a = 0.04918
    b = 0.132
    c = 0.2533
    d = 0.349
    r = rho ** (-1.0 / 3.0)
    den = 1.0 + d * r
    delta = c * r + d * r / den
    omega = torch.exp(-c * r) / den * rho ** (-11.0 / 3.0)
    return -a * rho / den - a * b * omega * (2.871234000188191 * rho ** (14.0 / 3.0)
                                             - rho * rho * sigma * (3.0 + 7.0 * delta) / 72.0)

def blyp(self, rho: Tensor, sigma: Tensor) -> Tensor:
    # the base of the learned semilocal models: B88 exchange + LYP correlation
    return self.b88_x(rho, sigma) + self.lyp_c(rho, sigma)

def density_variable(self, rho: Tensor) -> Tensor:
    # bounded, dimensionless density input 1/(1 + r_s) in (0, 1): 0 in the tails, -> 1 at nuclei
    rs = (0.75 / (3.141592653589793 * rho)) ** (1.0 / 3.0)
    return 1.0 / (1.0 + rs)

def s2(self, rho: Tensor, sigma: Tensor) -> Tensor:
    # reduced gradient squared s^2 = sigma / (4 (3 pi^2)^(2/3) rho^(8/3))
    return sigma / (4.0 * 9.570780000627305 * rho ** (8.0 / 3.0))

def alpha(self, rho: Tensor, sigma: Tensor, tau: Tensor) -> Tensor:
    # iso-orbital indicator (tau - tau_W) / tau_unif
    tau_w = sigma / (8.0 * rho)
    tau_unif = 0.3 * 9.570780000627305 * rho ** (5.0 / 3.0)
    return torch.clamp(tau - tau_w, min=0.0) / tau_unif

def gga_inputs(self, rho: Tensor, sigma: Tensor) -> Tensor:
    # bounded, dimensionless GGA inputs: [1/(1+r_s), s^2/(1+s^2)]
    s2 = self.s2(rho, sigma)
    return torch.stack([self.density_variable(rho), s2 / (1.0 + s2)], dim=1)

def meta_inputs(self, rho: Tensor, sigma: Tensor, tau: Tensor) -> Tensor:
    # bounded, dimensionless meta-GGA inputs: [1/(1+r_s), s^2/(1+s^2), alpha/(1+alpha)]
    a = self.alpha(rho, sigma, tau)
    return torch.cat([self.gga_inputs(rho, sigma), (a / (1.0 + a)).unsqueeze(1)], dim=1)

def masked_sigma(self, rho_in: Tensor, sigma_in: Tensor) -> Tensor:
    return torch.where(rho_in > 1e-14, sigma_in, torch.zeros_like(sigma_in))

def blyp_energy(self, rho_in: Tensor, sigma_in: Tensor) -> Tensor:
    # BLYP per volume, masked at negligible density
    return self.mask(rho_in, self.blyp(self.safe(rho_in), self.masked_sigma(rho_in, sigma_in)))

def mask_columns(self, rho_in: Tensor, p: Tensor) -> Tensor:
    return torch.where((rho_in > 1e-14).unsqueeze(1), p, torch.zeros_like(p))

def lda_pw92_prefactors(self, rho_in: Tensor) -> Tensor:
    # learned corrections in units of LDA exchange and PW92 correlation, masked at negligible density (np, 2)
    rho = self.safe(rho_in)
    return self.mask_columns(rho_in, torch.stack([self.lda_x(rho), rho * self.pw92_c(rho)], dim=1))

def function_jet(self, d: Tensor, dd: Tensor, j: Tensor, h: Tensor) -> Tuple[Tensor, Tensor]:
    # Jacobian and Hessian of g(n(x)) per output from g' = d, g'' = dd (np, m) and n's jet j (np, m, k),
    # h (np, m, k, k) (h may be empty: first order only)
    jg = d.unsqueeze(2) * j
    if h.numel() == 0:
        return jg, h
    return jg, (dd.unsqueeze(2).unsqueeze(3) * j.unsqueeze(3) * j.unsqueeze(2)
                + d.unsqueeze(2).unsqueeze(3) * h)

def mlp_plain(self, x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor) -> Tensor:
    h = torch.matmul(x, w1) + b1
    h = h * torch.sigmoid(h)
    h = torch.matmul(h, w2) + b2
    h = h * torch.sigmoid(h)
    return torch.matmul(h, w3) + b3

def silu_jet(self, h: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    # silu(h) = h s(h) and its first two derivatives s (1 + h (1 - s)), s (1 - s) (2 + h (1 - 2 s))
    s = torch.sigmoid(h)
    return h * s, s * (1.0 + h * (1.0 - s)), s * (1.0 - s) * (2.0 + h * (1.0 - 2.0 * s))

def mlp_jet(self, x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor,
            b3: Tensor, second: bool = True) -> Tuple[Tensor, Tensor, Tensor]:
    # Values (np, m), Jacobians (np, m, k) and Hessians (np, m, k, k; empty unless `second`) of mlp_plain at
    # x (np, k). Forward mode for the first derivatives (j1 = s1' w1, jh2 = j1 w2); the Hessian
    #   H_m = sum_j w3_jm [s2''_j jh2_kj jh2_lj + s2'_j sum_i w2_ij s1''_i w1_ki w1_li]
    # takes the second term in reverse order (b_im = sum_j w2_ij s2'_j w3_jm first), so no (np, k, k, hidden)
    # intermediate is formed: 1 + k + m GEMMs of (np, hidden) x (hidden, hidden) in all.
    h1 = torch.matmul(x, w1) + b1
    a1, d1, dd1 = self.silu_jet(h1)
    jh2 = torch.matmul(d1.unsqueeze(1) * w1.unsqueeze(0), w2)
    a2, d2, dd2 = self.silu_jet(torch.matmul(a1, w2) + b2)
    f = torch.matmul(a2, w3) + b3
    jac = torch.matmul(d2.unsqueeze(1) * jh2, w3).transpose(1, 2)
    if not second:
        return f, jac, torch.empty(0, dtype=x.dtype)
    n = x.size(0)
    k = x.size(1)
    m = w3.size(1)
    # per-point products as broadcasts: batched matmuls of tiny per-point matrices loop over the points in torch
    jj = jh2.unsqueeze(2) * jh2.unsqueeze(1)
    outer = torch.stack([(jj * (dd2 * w3[:, i]).unsqueeze(1).unsqueeze(1)).sum(3) for i in range(m)], dim=1)
    # contiguous: a transposed-layout product would make matmul fall back to one tiny GEMM per point
    b = torch.matmul((d2.unsqueeze(1) * w3.t().unsqueeze(0)).contiguous(), w2.t())
    w11 = (w1.unsqueeze(1) * w1.unsqueeze(0)).reshape(k * k, -1).t()
    inner = torch.matmul(dd1.unsqueeze(1) * b, w11).reshape(n, m, k, k)
    return f, jac, outer + inner

def mlp(self, x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor) -> Tensor:
    # With self.jet set (callers that take second input derivatives) and few inputs: the second-order Taylor
    # polynomial of the MLP about x, whose value and first and second derivatives at x are the MLP's own, with
    # the coefficients from mlp_jet; autograd then differentiates that polynomial twice instead of the layers
    # (the layers are differentiated once, for the parameters).
    if self.jet and x.requires_grad and x.size(1) <= 3:
        x0 = x.detach()
        f, jac, hess = self.mlp_jet(x0, w1, b1, w2, b2, w3, b3)
        dx = x - x0
        return (f + torch.einsum('pmk,pk->pm', jac, dx)
                + 0.5 * torch.einsum('pmkl,pk,pl->pm', hess, dx, dx))
    return self.mlp_plain(x, w1, b1, w2, b2, w3, b3)
)TS";
  return source;
}

const std::string& pbe_model_source() {
  // PBE exchange and correlation (Perdew, Burke, Ernzerhof, PRL 77, 3865 (1996)) with libxc's constants.
  static const std::string source = R"TS(
def forward(self, rho_in: Tensor, sigma_in: Tensor, tau: Tensor, points: Tensor, weights: Tensor,
            atom_positions: Tensor, atom_z: Tensor) -> Tensor:
    rho = self.safe(rho_in)
    sigma = torch.where(rho_in > 1e-14, sigma_in, torch.zeros_like(sigma_in))
    kappa = 0.804
    mu = 0.2195149727645171
    fx = 1.0 + kappa - kappa / (1.0 + mu * self.s2(rho, sigma) / kappa)
    return self.mask(rho_in, self.lda_x(rho) * fx + self.pbe_c(rho, sigma))
)TS";
  return source;
}

const std::string& blyp_model_source() {
  static const std::string source = R"TS(
def forward(self, rho_in: Tensor, sigma: Tensor, tau: Tensor, points: Tensor, weights: Tensor,
            atom_positions: Tensor, atom_z: Tensor) -> Tensor:
    return self.blyp_energy(rho_in, sigma)
)TS";
  return source;
}

const std::string& blyp_base_source() {
  static const std::string source = R"TS(
def base(self, rho_in: Tensor, sigma: Tensor, tau: Tensor, points: Tensor, weights: Tensor,
         atom_positions: Tensor, atom_z: Tensor) -> Tensor:
    return self.blyp_energy(rho_in, sigma)
)TS";
  return source;
}

const std::string& base_plus_correction_source() {
  // A learned model's energy density: its parameter-free base functional plus the learned correction. The two
  // are separate methods so that the DI-Loss can evaluate the base once per molecule.
  static const std::string source = R"TS(
def forward(self, rho_in: Tensor, sigma: Tensor, tau: Tensor, points: Tensor, weights: Tensor,
            atom_positions: Tensor, atom_z: Tensor) -> Tensor:
    return (self.base(rho_in, sigma, tau, points, weights, atom_positions, atom_z)
            + self.correction(rho_in, sigma, tau, points, weights, atom_positions, atom_z))
)TS";
  return source;
}

const std::string& separable_correction_source() {
  // A learned local correction in separable form: parameter-free prefactors P (np, m) and inputs x (np, k) of
  // (rho, sigma, tau), and the learned network f(x) (np, m), e = sum_m P_m f_m(x). network_jet gives f with its
  // first and second derivatives with respect to x (forward mode), so that a caller holding P, x and their
  // (rho, sigma, tau)-derivatives for fixed densities differentiates only the network (the DI-Loss does).
  static const std::string source = R"TS(
def correction(self, rho_in: Tensor, sigma: Tensor, tau: Tensor, points: Tensor, weights: Tensor,
               atom_positions: Tensor, atom_z: Tensor) -> Tensor:
    return (self.prefactors(rho_in, sigma, tau) * self.network(self.inputs(rho_in, sigma, tau))).sum(1)
)TS";
  return source;
}

const std::string& gga_mlp_source() {
  // BLYP plus corrections from an MLP of the bounded GGA inputs (1/(1+r_s), s^2/(1+s^2)), in the spirit of
  // Nagai et al., npj Comput. Mater. 6, 43 (2020). Zero-initialised last layer: starts as BLYP.
  static const std::string source = R"TS(
def inputs(self, rho_in: Tensor, sigma: Tensor, tau: Tensor) -> Tensor:
    return self.gga_inputs(self.safe(rho_in), sigma)
)TS";
  return source;
}

const std::string& mgga_mlp_source() {
  // As gga-mlp with the iso-orbital indicator alpha (tau-dependent meta-GGA). Starts as BLYP.
  static const std::string source = R"TS(
def inputs(self, rho_in: Tensor, sigma: Tensor, tau: Tensor) -> Tensor:
    return self.meta_inputs(self.safe(rho_in), sigma, tau)
)TS";
  return source;
}

const std::string& xcdiff_source() {
  // Constrained meta-GGA in the spirit of Dick & Fernandez-Serra, PRB 104, L161109 (2021): enhancement
  // factors of SCAN's variables (s, alpha) built so that exact constraints hold for any parameters:
  //   uniform gas:  F_x(0, 1) = F_c(0, 1) = 1 (the network value at s = 0, alpha = 1 is subtracted);
  //   Lieb-Oxford:  F_x = 1 + kappa (1 - exp(-mu s^2/kappa - n_x)) <= 1 + kappa = 1.804;
  //   E_c <= 0:     F_c = exp(n_c) > 0 multiplies PBE correlation, which is <= 0.
  // With n = 0 this is RPBE exchange (Hammer, Hansen, Norskov, PRB 59, 7413 (1999)) + PBE correlation, the
  // known functional the untrained model equals.
  static const std::string source = R"TS(
def base(self, rho_in: Tensor, sigma_in: Tensor, tau: Tensor, points: Tensor, weights: Tensor,
         atom_positions: Tensor, atom_z: Tensor) -> Tensor:
    # RPBE exchange + PBE correlation
    rho = self.safe(rho_in)
    sigma = self.masked_sigma(rho_in, sigma_in)
    fx = 1.0 + 0.804 * (1.0 - torch.exp(-0.2195149727645171 * self.s2(rho, sigma) / 0.804))
    return self.mask(rho_in, self.lda_x(rho) * fx + self.pbe_c(rho, sigma))

# Separable correction: F_x - F_x^RPBE = kappa exp(-mu s^2/kappa) (1 - exp(-(n_x - n_x0))) and
# F_c - 1 = exp(n_c - n_c0) - 1, so base + correction is the constrained form above; the networks n_x, n_c take
# (s^2/(1+s^2), alpha/(1+alpha)) and n_x0, n_c0 are their values at s = 0, alpha = 1.
def inputs(self, rho_in: Tensor, sigma_in: Tensor, tau: Tensor) -> Tensor:
    return self.meta_inputs(self.safe(rho_in), self.masked_sigma(rho_in, sigma_in), tau)[:, 1:]

def prefactors(self, rho_in: Tensor, sigma_in: Tensor, tau: Tensor) -> Tensor:
    rho = self.safe(rho_in)
    sigma = self.masked_sigma(rho_in, sigma_in)
    kappa = 0.804
    mu = 0.2195149727645171
    p_x = self.lda_x(rho) * kappa * torch.exp(-mu * self.s2(rho, sigma) / kappa)
    return self.mask_columns(rho_in, torch.stack([p_x, self.pbe_c(rho, sigma)], dim=1))

def uniform_gas_values(self, dtype: int) -> Tuple[Tensor, Tensor]:
    x0 = torch.tensor([[0.0, 0.5]], dtype=dtype)
    nx0 = self.mlp_plain(x0, self.wx1, self.bx1, self.wx2, self.bx2, self.wx3, self.bx3)
    nc0 = self.mlp_plain(x0, self.wc1, self.bc1, self.wc2, self.bc2, self.wc3, self.bc3)
    return nx0, nc0

def network(self, x: Tensor) -> Tensor:
    nx0, nc0 = self.uniform_gas_values(x.dtype)
    nx = self.mlp(x, self.wx1, self.bx1, self.wx2, self.bx2, self.wx3, self.bx3)
    nc = self.mlp(x, self.wc1, self.bc1, self.wc2, self.bc2, self.wc3, self.bc3)
    return torch.cat([1.0 - torch.exp(-(nx - nx0)), torch.exp(nc - nc0) - 1.0], dim=1)

def combine_mlp_jets(self, nx: Tensor, jx: Tensor, hx: Tensor, nc: Tensor, jc: Tensor, hc: Tensor,
                     second: bool) -> Tuple[Tensor, Tensor, Tensor]:
    # network's jet from the jets of n_x and n_c (hx, hc empty unless `second`); C++ callers pass the jets of the
    # fused kernel (mlp_jet_kernel.hpp)
    nx0, nc0 = self.uniform_gas_values(nx.dtype)
    gx = torch.exp(-(nx - nx0))
    gc = torch.exp(nc - nc0)
    h = torch.cat([hx, hc], dim=1) if second else hx
    jac, hess = self.function_jet(torch.cat([gx, gc], dim=1), torch.cat([-gx, gc], dim=1),
                                  torch.cat([jx, jc], dim=1), h)
    return torch.cat([1.0 - gx, gc - 1.0], dim=1), jac, hess

def network_jet(self, x: Tensor, second: bool) -> Tuple[Tensor, Tensor, Tensor]:
    nx, jx, hx = self.mlp_jet(x, self.wx1, self.bx1, self.wx2, self.bx2, self.wx3, self.bx3, second)
    nc, jc, hc = self.mlp_jet(x, self.wc1, self.bc1, self.wc2, self.bc2, self.wc3, self.bc3, second)
    return self.combine_mlp_jets(nx, jx, hx, nc, jc, hc, second)
)TS";
  return source;
}

const std::string& mlp_network_source() {
  // The network of gga-mlp and mgga-mlp: corrections in units of LDA exchange and PW92 correlation from one MLP.
  static const std::string source = R"TS(
def prefactors(self, rho_in: Tensor, sigma: Tensor, tau: Tensor) -> Tensor:
    return self.lda_pw92_prefactors(rho_in)

def network(self, x: Tensor) -> Tensor:
    return self.mlp(x, self.w1, self.b1, self.w2, self.b2, self.w3, self.b3)

def network_jet(self, x: Tensor, second: bool) -> Tuple[Tensor, Tensor, Tensor]:
    return self.mlp_jet(x, self.w1, self.b1, self.w2, self.b2, self.w3, self.b3, second)
)TS";
  return source;
}

const std::string& nonlocal_source() {
  // Meta-GGA with non-local atom-centred features, in the spirit of EG-XC (Gao et al., ICLR 2025):
  //  1. grid -> atoms: h_A,k = sum_p w_p rho_p exp(-(|r_p - R_A| - mu_k)^2 / 0.5)   (radial density shells)
  //  2. atom embedding a_A = MLP(log(1 + h_A)); one invariant message-passing step with radial edge features,
  //     a_A += sum_{B != A} MLP_m(a_B) * exp(-|R_A - R_B|^2 / 8)
  //  3. atoms -> grid: f_p = sum_A a_A c_A(p), c_A(p) = normalised exp(-|r_p - R_A|^2) weights
  //  4. corrections to BLYP from MLP([1/(1+r_s), s^2/(1+s^2), alpha/(1+alpha), f_p]) (starts as BLYP).
  // Non-local: the energy density at a point depends on the whole density, through the atom embeddings a only.
  // density_shells, atom_embeddings and local_correction expose that split, so that the DI-Loss evaluates the
  // points in chunks at fixed a (nonlocal_model.hpp); correction() is their composition on all points.
  // local_correction is in turn point_correction of the point's inputs and features f_p = sum_A c_A(p) a_A
  // (atom_weights), and density_shells sums w_p rho_p S_p (shell_values), so that the SCF kernel keeps per-point
  // second derivatives in (rho, sigma, tau, f_p) and the maps S and c per point (nonlocal_functional.hpp).
  static const std::string source = R"TS(
def shell_values(self, points: Tensor, atom_positions: Tensor) -> Tensor:
    # S_p,A,k = exp(-(|r_p - R_A| - mu_k)^2 / 0.5) (np, atoms, shells)
    d = torch.cdist(points, atom_positions)
    return torch.exp(-(d.unsqueeze(2) - self.mu.view(1, 1, -1)) ** 2 / 0.5)

def density_shells(self, rho_in: Tensor, points: Tensor, weights: Tensor, atom_positions: Tensor) -> Tensor:
    # h[n]_A,k = sum_p w_p rho[p, n] S_p,A,k for each column n of rho (np, n): linear in rho, so a sum over any
    # split of the grid, and its rho-derivative does not depend on rho.
    return torch.einsum('pn,pak->nak', weights.unsqueeze(1) * rho_in, self.shell_values(points, atom_positions))

def atom_embeddings(self, h: Tensor, atom_positions: Tensor) -> Tensor:
    a = self.mlp(torch.log(1.0 + h), self.wa1, self.ba1, self.wa2, self.ba2, self.wa3, self.ba3)
    r_ab = torch.cdist(atom_positions, atom_positions)
    edge = torch.exp(-r_ab ** 2 / 8.0) * (1.0 - torch.eye(r_ab.size(0), dtype=r_ab.dtype))
    m = self.mlp(a, self.wm1, self.bm1, self.wm2, self.bm2, self.wm3, self.bm3)
    return a + torch.matmul(edge, m)

def atom_weights(self, points: Tensor, atom_positions: Tensor) -> Tensor:
    # c_A(p) (np, atoms): normalised Gaussian weights of the atoms at each point
    return torch.softmax(-torch.cdist(points, atom_positions) ** 2, dim=1)

def point_features(self, points: Tensor, atom_positions: Tensor, a: Tensor) -> Tensor:
    # f_p = sum_A c_A(p) a_A (np, features): linear in a.
    return torch.matmul(self.atom_weights(points, atom_positions), a)

def inputs(self, rho_in: Tensor, sigma: Tensor, tau: Tensor) -> Tensor:
    # the final MLP's inputs from the point's own (rho, sigma, tau); the features f_p follow them
    return self.meta_inputs(self.safe(rho_in), sigma, tau)

def prefactors(self, rho_in: Tensor, sigma: Tensor, tau: Tensor) -> Tensor:
    return self.lda_pw92_prefactors(rho_in)

def point_correction(self, rho_in: Tensor, sigma: Tensor, tau: Tensor, f: Tensor) -> Tensor:
    # The energy density from the point's own (rho, sigma, tau) and features f_p only: separable in the extended
    # variables (rho, sigma, tau, f) with inputs (inputs(), f) (point_feature_jets.hpp).
    x = torch.cat([self.inputs(rho_in, sigma, tau), f], dim=1)
    out = self.mlp(x, self.w1, self.b1, self.w2, self.b2, self.w3, self.b3)
    return (self.prefactors(rho_in, sigma, tau) * out).sum(1)

def local_correction(self, rho_in: Tensor, sigma: Tensor, tau: Tensor, points: Tensor, atom_positions: Tensor,
                     a: Tensor) -> Tensor:
    # The energy density at fixed atom embeddings a: local in the points, so any split of the grid gives the same.
    return self.point_correction(rho_in, sigma, tau, self.point_features(points, atom_positions, a))

def correction(self, rho_in: Tensor, sigma: Tensor, tau: Tensor, points: Tensor, weights: Tensor,
               atom_positions: Tensor, atom_z: Tensor) -> Tensor:
    h = self.density_shells(rho_in.unsqueeze(1), points, weights, atom_positions)[0]
    return self.local_correction(rho_in, sigma, tau, points, atom_positions, self.atom_embeddings(h, atom_positions))
)TS";
  return source;
}

}  // namespace dixc::ml

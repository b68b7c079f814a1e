#!/usr/bin/python3
"""Plots and a Markdown report for one `dixc evaluate` output directory.

usage: make_report.py EVAL_DIR [TRAIN_DIR]

Reads EVAL_DIR/summary.json (and TRAIN_DIR/losses.csv when present); writes PNG plots and EVAL_DIR/report.md.
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

METRICS = [("energy_error_mEh", "abs(E_tot - E_ref) (mEh)"), ("e_rho_mEh", "E_rho (mEh)"),
           ("dipole_error_debye", "dipole error (D)"), ("density_l2", "L2 density error"),
           ("tddft_mae_ev", "TDDFT MAE (eV)")]


def main():
    out = sys.argv[1]
    train_dir = sys.argv[2] if len(sys.argv) > 2 else None
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    ok = [m for m in summary["molecules"] if m["ok"]]
    figures = []

    fig, axes = plt.subplots(1, len(METRICS), figsize=(4 * len(METRICS), 3.2))
    for ax, (key, label) in zip(axes, METRICS):
        ax.hist([m[key] for m in ok if m[key] is not None], bins=min(20, max(3, len(ok))), color="tab:blue", alpha=0.8)
        ax.set_xlabel(label)
        ax.set_ylabel("molecules")
    fig.suptitle(f"error distributions ({summary['architecture']}, loss {summary['loss_mode']})")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "errors.png"), dpi=110)
    figures.append(("Error distributions", "errors.png"))

    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    ref = [m["energy_reference"] for m in ok]
    axes[0].scatter(ref, [m["energy_model"] - m["energy_reference"] for m in ok], s=14)
    axes[0].axhline(0.0, color="k", lw=0.8)
    axes[0].set_xlabel("E_ref (Eh)")
    axes[0].set_ylabel("E_model - E_ref (Eh)")
    axes[0].set_title("total energy")
    xs = [e for m in ok for e in m["excitations_reference_ev"]]
    ys = [e for m in ok for e in m["excitations_model_ev"]]
    axes[1].scatter(xs, ys, s=14)
    if xs:
        lo, hi = min(xs + ys), max(xs + ys)
        axes[1].plot([lo, hi], [lo, hi], "k--", lw=0.8)
    axes[1].set_xlabel("reference excitation (eV)")
    axes[1].set_ylabel("model excitation (eV)")
    axes[1].set_title("TDDFT parity")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "parity.png"), dpi=110)
    figures.append(("Parity", "parity.png"))

    fig, ax = plt.subplots(figsize=(5, 3.5))
    default = [m["target_iterations_default"] for m in ok]
    from_model = [m["target_iterations_from_model"] for m in ok]
    bins = range(0, max(default + from_model + [1]) + 2)
    ax.hist([default, from_model], bins=bins, label=["default guess", "model density"])
    ax.set_xlabel("target SCF iterations")
    ax.set_ylabel("molecules")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "scf_iterations.png"), dpi=110)
    figures.append(("Target-SCF iterations", "scf_iterations.png"))

    losses = os.path.join(train_dir, "losses.csv") if train_dir else None
    if losses and os.path.exists(losses):
        with open(losses) as f:
            rows = list(csv.DictReader(f))
        if rows:
            fig, ax = plt.subplots(figsize=(6, 3.8))
            epochs = [int(r["epoch"]) + 1 for r in rows]
            for key, style in (("train_loss", "-"), ("val_loss", "--"), ("train_energy", ":"),
                               ("train_gradient", ":"), ("train_hessian", ":")):
                # terms a loss mode does not compute are empty in losses.csv
                points = [(e, float(r[key])) for e, r in zip(epochs, rows) if r.get(key)]
                if any(v > 0 for _, v in points):
                    ax.semilogy([e for e, _ in points], [v for _, v in points], style, label=key)
            ax.set_xlabel("epoch")
            ax.set_ylabel("loss")
            ax.legend(fontsize=8)
            fig.tight_layout()
            fig.savefig(os.path.join(out, "training.png"), dpi=110)
            figures.append(("Training curves", "training.png"))

    lines = [f"# dixc evaluation: {summary['architecture']} (loss {summary['loss_mode']})", "",
             f"Model `{summary['model']}` on `{summary['dataset']}`, split `{summary['split']}`: "
             f"{summary['n_ok']} of {summary['n_molecules']} molecules evaluated.", "", "| metric | mean |", "|---|---|"]
    for key, label in METRICS + [("iterations_saved", "target SCF iterations saved")]:
        value = summary['mean'].get(key)
        lines.append(f"| {label} | {value if value is None else format(value, '.5g')} |")
    baselines = summary.get("baseline_mean", {})
    if baselines:
        lines += ["", "Against the obvious baselines on the same molecules (libxc functionals, their own SCF, no "
                  "training; a learned functional that does not beat them has not learned):", "",
                  "| functional | abs(E_tot - E_ref) (mEh) | E_rho (mEh) |", "|---|---|---|",
                  f"| learned ({summary['architecture']}, {summary['loss_mode']}) | "
                  f"{summary['mean'].get('energy_error_mEh', float('nan')):.4g} | "
                  f"{summary['mean'].get('e_rho_mEh', float('nan')):.4g} |"]
        for name, b in baselines.items():
            lines.append(f"| {name} | {b['energy_error_mEh']:.4g} | {b['e_rho_mEh']:.4g} |")
    covered = summary.get("well_covered")
    if covered:
        lines += ["", f"{len(covered['excluded'])} of these molecules have an element that fewer than two training "
                  "parents contain, so their errors measure extrapolation to that element more than the learned "
                  "functional: " + "; ".join(covered["excluded"]) + "."]
        if covered["n_ok"] == 0:
            lines[-1] += " No evaluated molecule is without such an element."
        else:
            number = lambda v: "-" if v is None else format(v, ".4g")  # JSON null: a mean without numbers
            lines += ["", f"Without them ({covered['n_ok']} molecules):", "",
                      "| functional | abs(E_tot - E_ref) (mEh) | E_rho (mEh) |", "|---|---|---|",
                      f"| learned | {number(covered['mean'].get('energy_error_mEh'))} | "
                      f"{number(covered['mean'].get('e_rho_mEh'))} |"]
            for name, b in covered.get("baseline_mean", {}).items():
                lines.append(f"| {name} | {number(b['energy_error_mEh'])} | {number(b['e_rho_mEh'])} |")
    failed = [m for m in summary["molecules"] if not m["ok"]]
    if failed:
        lines += ["", "Failed molecules:", ""] + [f"- {m['name']}: {m['message']}" for m in failed]
    for title, png in figures:
        lines += ["", f"## {title}", "", f"![{title}]({png})"]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

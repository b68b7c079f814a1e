#!/usr/bin/python3
"""How well the training cost model ranks molecules: fits t = P (a + b n_occ n_vir rhs) to the measured
seconds per step of `train_cost ... PER_MOLECULE.csv` (P the molecule's grid points, rhs the orbital right-hand
sides of the mode: n_dir + 1 for di, 1 for energy+grad, 0 for energy, where a/b means nothing), per architecture,
and compares the fitted model and the estimate the build used (the csv's estimated_cost column) by their
relative error and rank correlation with the measured times. The ratio a / b is what calc::training_step_cost
takes as the per-point cost of the network in units of one orbital pair and right-hand side.

usage: step_cost_fit.py PER_MOLECULE.csv [MODE=di]
"""
import csv
import sys

import numpy as np


def ranks(x):
    r = np.empty(len(x))
    r[np.argsort(x)] = np.arange(len(x))
    return r


def spearman(x, y):
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def spread(estimate, t):
    """Relative error of the estimate scaled to the measured mean (only ratios matter to the schedule)."""
    scaled = estimate * (t.sum() / estimate.sum())
    rel = scaled / t - 1.0
    return float(np.sqrt(np.mean(rel ** 2))), float(np.max(np.abs(rel)))


def main():
    mode = sys.argv[2] if len(sys.argv) > 2 else "di"
    rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["mode"] == mode]
    print(f"{len(rows)} rows of mode {mode} from {sys.argv[1]}")
    for arch in sorted({r["architecture"] for r in rows}):
        sel = [r for r in rows if r["architecture"] == arch]
        t = np.array([float(r["step_s"]) for r in sel])
        p = np.array([float(r["points"]) for r in sel])
        # Orbital right-hand sides of the mode (n_dir + 1 for di; files before the rhs column were di only).
        rhs = [float(r["rhs"]) if "rhs" in r else float(r["n_dir"]) + 1 for r in sel]
        pairs = np.array([float(r["n_occ"]) * float(r["n_vir"]) * k for r, k in zip(sel, rhs)])
        old = np.array([float(r["estimated_cost"]) for r in sel])
        # Least squares in relative error: rows divided by t (points alone when the mode has no orbital terms).
        columns = [p, p * pairs] if pairs.any() else [p]
        coef, *_ = np.linalg.lstsq(np.stack(columns, axis=1) / t[:, None], np.ones_like(t), rcond=None)
        a, b = coef[0], (coef[1] if len(coef) > 1 else 0.0)
        fit = p * (a + b * pairs)
        ratio = f"{a / b:.0f}" if b else "- (no orbital terms)"
        print(f"{arch}: {len(sel)} molecules, {t.min():.2f}-{t.max():.2f} s per step; fit a/b = {ratio} "
              f"(a = {a * 1e6:.3f} us per point, b = {b * 1e9:.3f} ns per point and orbital pair x rhs)")
        for label, est in (("estimate in the csv", old), ("fitted model", fit), ("points only", p)):
            rms, worst = spread(est, t)
            print(f"  {label:20s} rank correlation {spearman(est, t):.3f}, relative error rms {rms:.2f}, "
                  f"worst {worst:.2f}")


if __name__ == "__main__":
    main()

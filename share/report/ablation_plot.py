#!/usr/bin/python3
"""Plots of the seeded ablation of scripts/ablation (the table is `dixc evaluate --compare`'s).

usage: ablation_plot.py OUT.png EVAL_DIR...

One panel per metric, one group of bars per architecture, one bar per loss mode: the mean over the seeds with their
sample standard deviation as the error bar. Runs are grouped like --compare's rows: architecture, loss mode and
training options (energy normalisation, parameter average, selection; named in the legend only where they differ
within a loss mode). Refuses runs evaluated on different molecules: their means would not be comparable.
"""
import json
import math
import os
import sys
from collections import OrderedDict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

METRICS = [("energy_error_mEh", "abs dE_tot (mEh)"), ("e_rho_mEh", "E_rho (mEh)"),
           ("dipole_error_debye", "dipole (D)"), ("density_l2", "L2 density"),
           ("iterations_saved", "B3LYP SCF iterations saved"), ("tddft_mae_ev", "TDDFT MAE (eV)")]
OPTIONS = ("energy_normalisation", "parameter_average", "selection")


def mean_std(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    if not values:
        return None, 0.0
    m = sum(values) / len(values)
    s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return m, s


def main():
    out_png, dirs = sys.argv[1], sys.argv[2:]
    if not dirs:
        sys.exit("usage: ablation_plot.py OUT.png EVAL_DIR...")
    cells = OrderedDict()
    molecules = None
    for d in dirs:
        path = os.path.join(d, "summary.json")
        try:
            with open(path) as f:
                summary = json.load(f)
        except OSError as e:
            sys.exit(f"{path}: {e.strerror} (run dixc evaluate into {d} first)")
        names = sorted(m["name"] for m in summary.get("molecules", []))
        if molecules is None:
            molecules, first = names, path
        elif names != molecules:
            sys.exit(f"{path}: evaluated on other molecules than {first}; use one dataset and one split seed")
        options = tuple(summary.get(k, "") for k in OPTIONS)
        cells.setdefault((summary["architecture"], summary["loss_mode"], options), []).append(summary["mean"])
    archs = list(OrderedDict.fromkeys(a for a, _, _ in cells))
    variants = list(OrderedDict.fromkeys((mode, options) for _, mode, options in cells))
    option_sets = {}
    for mode, options in variants:
        option_sets.setdefault(mode, set()).add(options)

    def label(mode, options):
        if len(option_sets[mode]) == 1:
            return mode
        return mode + " (" + ", ".join(f"{k} {v}" for k, v in zip(OPTIONS, options) if v) + ")"

    fig, axes = plt.subplots(1, len(METRICS), figsize=(4.2 * len(METRICS), 3.8))
    width = 0.8 / len(variants)
    for ax, (key, title) in zip(axes, METRICS):
        for j, (mode, options) in enumerate(variants):
            xs, ms, ss = [], [], []
            for i, arch in enumerate(archs):
                runs = cells.get((arch, mode, options))
                m, s = mean_std([run.get(key) for run in runs]) if runs else (None, 0.0)
                if m is not None:
                    xs.append(i + (j - (len(variants) - 1) / 2) * width)
                    ms.append(m)
                    ss.append(s)
            ax.bar(xs, ms, width, yerr=ss, capsize=2, label=label(mode, options))
        ax.set_xticks(range(len(archs)))
        ax.set_xticklabels(archs, rotation=30, fontsize=8)
        ax.set_title(title, fontsize=9)
    axes[0].legend(fontsize=6)
    fig.suptitle(f"mean over seeds +- standard deviation, {len(molecules)} held-out molecules", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    print(f"plots: {out_png}")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The seeded ablation table of scripts/ablation.

usage: ablation_table.py OUT.md EVAL_DIR...

Groups the `dixc evaluate` outputs (EVAL_DIR/summary.json) by architecture and loss mode; each group's runs are
seeds. Writes OUT.md with (1) the mean and sample standard deviation over seeds of every metric per cell, with
BLYP and PBE rows, (2) the relative change of each mode's mean against energy+density per architecture and
averaged uniformly over architectures (as the paper reports it), and OUT.png (bars with the seeds' spread).
Refuses runs evaluated on different molecules: their means would not be comparable.
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
ERRORS = [m for m in METRICS if m[0] != "iterations_saved"]  # lower is better: relative changes
BASELINE_MODE = "energy+density"
MODE_ORDER = ["energy", "energy+density", "energy+grad", "di", "di+density"]


def mean_std(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    if not values:
        return None, None, 0
    m = sum(values) / len(values)
    s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else None
    return m, s, len(values)


def cell_text(m, s, n, digits):
    if m is None:
        return "n/a"
    text = f"{m:.{digits}g}"
    return text + (f" ± {s:.2g}" if s is not None else " (1 seed)")


def main():
    out_md, dirs = sys.argv[1], sys.argv[2:]
    if not dirs:
        sys.exit("usage: ablation_table.py OUT.md EVAL_DIR...")
    cells = OrderedDict()
    molecules, baselines = None, None
    for d in dirs:
        path = os.path.join(d, "summary.json")
        with open(path) as f:
            summary = json.load(f)
        names = sorted(m["name"] for m in summary["molecules"])
        if molecules is None:
            molecules, baselines = names, summary.get("baseline_mean", {})
        elif names != molecules:
            sys.exit(f"{path}: evaluated on other molecules than {dirs[0]}; use one dataset and one --split-seed")
        cells.setdefault((summary["architecture"], summary["loss_mode"]), []).append(summary["mean"])
    archs = list(OrderedDict.fromkeys(a for a, _ in cells))
    modes = sorted({m for _, m in cells}, key=lambda m: MODE_ORDER.index(m) if m in MODE_ORDER else 99)
    stats = {key: {k: mean_std([run.get(k) for run in runs]) for k, _ in METRICS} for key, runs in cells.items()}

    lines = [f"# Ablation: {len(dirs)} runs, {len(molecules)} held-out molecules",
             "", "Mean ± sample standard deviation over seeds (number of seeds per cell in the last column).", "",
             "| model | loss | " + " | ".join(label for _, label in METRICS) + " | seeds |",
             "|---|---|" + "---|" * (len(METRICS) + 1)]
    for arch in archs:
        for mode in modes:
            if (arch, mode) not in cells:
                continue
            s = stats[(arch, mode)]
            lines.append(f"| {arch} | {mode} | " + " | ".join(cell_text(*s[k], 3) for k, _ in METRICS) +
                         f" | {len(cells[(arch, mode)])} |")
    for name, b in baselines.items():
        lines.append(f"| {name.upper()} (libxc, no training) | - | {b['energy_error_mEh']:.3g} | "
                     f"{b['e_rho_mEh']:.3g} |" + " |" * (len(METRICS) - 1))

    if any(mode == BASELINE_MODE for _, mode in cells):
        lines += ["", f"Relative change of the mean against {BASELINE_MODE} (negative: lower error), per architecture "
                  "and averaged uniformly over the architectures that have both cells.", "",
                  "| model | loss | " + " | ".join(label for _, label in ERRORS) + " |",
                  "|---|---|" + "---|" * len(ERRORS)]
        averages = {}
        for arch in archs + ["average"]:
            for mode in modes:
                if mode == BASELINE_MODE:
                    continue
                row = []
                for k, _ in ERRORS:
                    if arch == "average":
                        changes = averages.get((mode, k), [])
                        row.append(f"{sum(changes) / len(changes):+.0f} %" if changes else "n/a")
                        continue
                    if (arch, mode) not in cells or (arch, BASELINE_MODE) not in cells:
                        row.append("n/a")
                        continue
                    m, base = stats[(arch, mode)][k][0], stats[(arch, BASELINE_MODE)][k][0]
                    if m is None or not base:
                        row.append("n/a")
                        continue
                    change = 100.0 * (m - base) / base
                    averages.setdefault((mode, k), []).append(change)
                    row.append(f"{change:+.0f} %")
                if any(r != "n/a" for r in row):
                    lines.append(f"| {arch} | {mode} | " + " | ".join(row) + " |")

    with open(out_md, "w") as f:
        f.write("\n".join(lines) + "\n")

    fig, axes = plt.subplots(1, len(METRICS), figsize=(4.2 * len(METRICS), 3.6))
    width = 0.8 / max(1, len(modes))
    for ax, (key, label) in zip(axes, METRICS):
        for j, mode in enumerate(modes):
            xs, ms, ss = [], [], []
            for i, arch in enumerate(archs):
                if (arch, mode) in stats and stats[(arch, mode)][key][0] is not None:
                    m, s, _ = stats[(arch, mode)][key]
                    xs.append(i + (j - (len(modes) - 1) / 2) * width)
                    ms.append(m)
                    ss.append(s or 0.0)
            ax.bar(xs, ms, width, yerr=ss, capsize=2, label=mode)
        ax.set_xticks(range(len(archs)))
        ax.set_xticklabels(archs, rotation=30, fontsize=8)
        ax.set_title(label, fontsize=9)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.splitext(out_md)[0] + ".png", dpi=110)


if __name__ == "__main__":
    main()

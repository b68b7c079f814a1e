#!/usr/bin/python3
"""Per-molecule cost of dixc generate versus basis size, fitted as t = a * nbf^b on a dataset's wall_seconds,
and projected to QM9 (134k molecules; def2-SVP size estimated from the composition: C/N/O/F 14, H 5 functions).

usage: cost_model.py DATA.h5 [QM9_MEAN_NBF]
"""
import sys

import h5py
import numpy as np


def main():
    with h5py.File(sys.argv[1], "r") as f:
        idx = f["index"]
        n = int(idx.attrs["n_committed"])
        ok = idx["status"][:n] == 0
        nbf = idx["nbf"][:n][ok].astype(float)
        wall = idx["wall_seconds"][:n][ok]
    b, log_a = np.polyfit(np.log(nbf), np.log(wall), 1)
    a = np.exp(log_a)
    print(f"{ok.sum()} molecules, nbf {int(nbf.min())}-{int(nbf.max())}: t = {a:.3g} s * nbf^{b:.2f} "
          f"(single thread; median {np.median(wall):.2f} s, max {wall.max():.1f} s)")
    for size in (50, 100, 150, 200):
        print(f"  nbf {size:4d}: {a * size ** b:8.1f} s")
    # QM9: on average ~18 atoms, 9 heavy (C/N/O/F) + ~9 H -> ~9*14 + 9*5 = 171 functions.
    qm9_nbf = float(sys.argv[2]) if len(sys.argv) > 2 else 171.0
    per_molecule = a * qm9_nbf ** b
    print(f"QM9 projection: 134k molecules x {per_molecule:.0f} s (nbf ~{qm9_nbf:.0f}) = "
          f"{134e3 * per_molecule / 3600:.3g} core-hours (1 thread per rank; same settings)")


if __name__ == "__main__":
    main()

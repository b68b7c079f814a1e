#!/usr/bin/python3
"""Load one molecule from a dixc dataset with h5py and numpy, rebuild its density matrix and check it.

usage: read_dataset.py DATA.h5 [MOLECULE]

Layout (docs/dataset.md): /index/<column> holds one row per molecule (name, status, dimensions, scalars,
offset_<field>, length_<field>); /arrays/<field> holds every molecule's values back to back, matrices flattened
in column-major (Fortran) order. Only the first /index attribute n_committed rows are complete.
"""
import sys

import h5py
import numpy as np


def load_molecule(path, name=None):
    with h5py.File(path, "r") as f:
        index = f["index"]
        n = int(index.attrs["n_committed"])
        names = [x.decode().rstrip("\x00") for x in index["name"][:n]]
        status = index["status"][:n]
        # A name's last row is the molecule (earlier rows of a retried failure are superseded, docs/dataset.md).
        row = len(names) - 1 - names[::-1].index(name) if name else int(np.flatnonzero(status == 0)[0])
        if status[row] != 0:
            raise SystemExit(f"{names[row]} failed: {index['message'][row].decode()}")
        dims = {d: int(index[d][row]) for d in ("natoms", "nbf", "n_mo", "n_occ", "n_vir", "n_dir", "charge")}

        def array(field, *shape):
            off, length = int(index["offset_" + field][row]), int(index["length_" + field][row])
            return f["arrays"][field][off:off + length].reshape(shape, order="F")

        mol = {
            "name": names[row],
            "dims": dims,
            "energy_total": float(index["energy_total"][row]),
            "e_xc": float(index["e_xc"][row]),
            "Z": array("atomic_numbers", dims["natoms"]),
            "S": array("overlap", dims["nbf"], dims["nbf"]),
            "C": array("coefficients", dims["nbf"], dims["n_mo"]),
            "occupations": array("occupations", dims["n_mo"]),
            "V_xc": array("v_xc", dims["nbf"], dims["nbf"]),
            "g_xc": array("g_xc", dims["n_vir"], dims["n_occ"]),
            "directions": array("directions", dims["n_vir"], dims["n_occ"], dims["n_dir"]),
            "h_xc": array("h_xc", dims["n_vir"], dims["n_occ"], dims["n_dir"]),
        }
    return mol


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    mol = load_molecule(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    C, occ, S = mol["C"], mol["occupations"], mol["S"]
    D = (C * occ) @ C.T  # D = sum_i n_i c_i c_i^T = 2 C_o C_o^T
    n_electrons = int(mol["Z"].sum()) - mol["dims"]["charge"]
    trace = float(np.trace(D @ S))
    no = mol["dims"]["n_occ"]
    g_rebuilt = 4.0 * C[:, no:].T @ mol["V_xc"] @ C[:, :no]
    print(f"{mol['name']}: nbf {mol['dims']['nbf']}, E = {mol['energy_total']:.10f} Eh, E_xc = {mol['e_xc']:.10f} Eh")
    print(f"tr(DS) = {trace:.12f} (N_e = {n_electrons}); |g_xc - 4 C_v^T V_xc C_o| = "
          f"{np.abs(g_rebuilt - mol['g_xc']).max():.2e}")
    ok = abs(trace - n_electrons) < 1e-8 and np.allclose(g_rebuilt, mol["g_xc"], atol=1e-10)
    ok = ok and np.allclose(C.T @ S @ C, np.eye(C.shape[1]), atol=1e-9)
    print("consistent" if ok else "INCONSISTENT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

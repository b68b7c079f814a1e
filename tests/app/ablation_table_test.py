#!/usr/bin/python3
"""share/report/ablation_table.py on hand-made evaluation summaries with known statistics.

usage: ablation_table_test.py SOURCE_DIR

- mean and sample standard deviation over the seeds of a cell, and "(1 seed)" for a single run;
- relative change against energy+density per architecture and its uniform average over architectures;
- BLYP/PBE rows; a PNG next to the table;
- runs evaluated on different molecules are refused with a message naming the file.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "."
SCRIPT = os.path.join(SOURCE, "share", "report", "ablation_table.py")
TMP = tempfile.mkdtemp()


def summary(directory, arch, mode, energy, e_rho, molecules=("A", "B")):
    os.makedirs(directory, exist_ok=True)
    mean = {"energy_error_mEh": energy, "e_rho_mEh": e_rho, "dipole_error_debye": 0.1, "density_l2": 0.01,
            "iterations_saved": 1.0, "tddft_mae_ev": 0.2}
    with open(os.path.join(directory, "summary.json"), "w") as f:
        json.dump({"architecture": arch, "loss_mode": mode, "mean": mean,
                   "baseline_mean": {"blyp": {"energy_error_mEh": 19.0, "e_rho_mEh": 0.47, "n": 2}},
                   "molecules": [{"name": n, "ok": True} for n in molecules]}, f)
    return directory


def run(*dirs):
    out = os.path.join(TMP, "table.md")
    r = subprocess.run(["/usr/bin/python3", SCRIPT, out, *dirs], capture_output=True, text=True)
    if r.returncode != 0:
        return r, ""
    with open(out) as f:
        return r, f.read()


class AblationTable(unittest.TestCase):
    def test_statistics_and_relative_change(self):
        d = lambda name: os.path.join(TMP, name)  # noqa: E731
        dirs = [summary(d("a_ed_1"), "a", "energy+density", 10.0, 1.0),
                summary(d("a_ed_2"), "a", "energy+density", 14.0, 1.0),
                summary(d("a_di_1"), "a", "di", 4.0, 0.5),
                summary(d("a_di_2"), "a", "di", 8.0, 0.5),
                summary(d("b_ed_1"), "b", "energy+density", 20.0, 2.0),
                summary(d("b_di_1"), "b", "di", 30.0, 1.0)]
        r, table = run(*dirs)
        self.assertEqual(r.returncode, 0, r.stderr)
        # a/energy+density: mean 12, sample std sqrt(8) = 2.8; a/di: 6 +- 2.8; b: single seeds.
        self.assertIn("| a | energy+density | 12 ± 2.8 | 1 ± 0 |", table)
        self.assertIn("| a | di | 6 ± 2.8 |", table)
        self.assertIn("| b | di | 30 (1 seed) |", table)
        self.assertIn("| BLYP (libxc, no training) | - | 19 | 0.47 |", table)
        # Relative change against energy+density: a -50 % and b +50 % in energy (average 0 %), E_rho -50 % both.
        self.assertIn("| a | di | -50 % | -50 % |", table)
        self.assertIn("| b | di | +50 % | -50 % |", table)
        self.assertIn("| average | di | +0 % | -50 % |", table)
        self.assertTrue(os.path.exists(os.path.join(TMP, "table.png")))

    def test_runs_on_different_molecules_are_refused(self):
        one = summary(os.path.join(TMP, "x1"), "a", "di", 1.0, 1.0, molecules=("A", "B"))
        two = summary(os.path.join(TMP, "x2"), "a", "di", 1.0, 1.0, molecules=("A", "C"))
        r, _ = run(one, two)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(os.path.join(two, "summary.json"), r.stderr)
        self.assertIn("other molecules", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

#!/usr/bin/python3
"""share/report/ablation_plot.py on hand-made evaluation summaries.

usage: ablation_plot_test.py SOURCE_DIR

- the plot is written, one bar per (architecture, loss mode, options) group with the seeds' spread;
- runs evaluated on different molecules are refused with a message naming the file;
- a directory without summary.json is named in the error.
(The table's statistics are dixc evaluate --compare's, tested in cli_test.py.)
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "."
SCRIPT = os.path.join(SOURCE, "share", "report", "ablation_plot.py")
TMP = tempfile.mkdtemp()


def summary(directory, arch, mode, energy, molecules=("A", "B"), average="none"):
    os.makedirs(directory, exist_ok=True)
    mean = {"energy_error_mEh": energy, "e_rho_mEh": 1.0, "dipole_error_debye": 0.1, "density_l2": 0.01,
            "iterations_saved": 1.0, "tddft_mae_ev": 0.2}
    with open(os.path.join(directory, "summary.json"), "w") as f:
        json.dump({"architecture": arch, "loss_mode": mode, "mean": mean, "parameter_average": average,
                   "molecules": [{"name": n, "ok": True} for n in molecules]}, f)
    return directory


def run(*dirs):
    out = os.path.join(TMP, "plot.png")
    if os.path.exists(out):
        os.remove(out)
    return subprocess.run(["/usr/bin/python3", SCRIPT, out, *dirs], capture_output=True, text=True), out


class AblationPlot(unittest.TestCase):
    def test_plot_of_seeds_and_option_variants(self):
        d = lambda name: os.path.join(TMP, name)  # noqa: E731
        r, out = run(summary(d("a_ed_1"), "a", "energy+density", 10.0), summary(d("a_ed_2"), "a", "energy+density", 14.0),
                     summary(d("a_di_1"), "a", "di", 4.0), summary(d("a_di_ema"), "a", "di", 4.0, average="ema 0.98"),
                     summary(d("b_di_1"), "b", "di", 30.0))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(os.path.getsize(out), 1000)
        self.assertIn("plots: " + out, r.stdout)

    def test_runs_on_different_molecules_are_refused(self):
        one = summary(os.path.join(TMP, "x1"), "a", "di", 1.0, molecules=("A", "B"))
        two = summary(os.path.join(TMP, "x2"), "a", "di", 1.0, molecules=("A", "C"))
        r, out = run(one, two)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(os.path.join(two, "summary.json"), r.stderr)
        self.assertIn("other molecules", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_missing_evaluation_is_named(self):
        r, _ = run(os.path.join(TMP, "never_evaluated"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("never_evaluated", r.stderr)
        self.assertIn("run dixc evaluate", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

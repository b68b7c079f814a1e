#!/usr/bin/python3
"""Command-line behaviour of `dixc`: help, version, `scf` JSON output and one-line errors with exit codes.

usage: cli_test.py DIXC_BINARY TEST_DATA_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

DIXC = sys.argv[1] if len(sys.argv) > 1 else "dixc"
DATA = sys.argv[2] if len(sys.argv) > 2 else "tests/data"


def run(*args):
    return subprocess.run([DIXC, *args], capture_output=True, text=True, timeout=600)


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def assert_one_line_error(self, proc, code, *fragments):
        self.assertEqual(proc.returncode, code, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def test_help_and_version(self):
        top = run("--help")
        self.assertEqual(top.returncode, 0)
        self.assertIn("scf", top.stdout)
        scf = run("scf", "--help")
        self.assertEqual(scf.returncode, 0)
        for option in ("--method", "--basis", "--charge", "--multiplicity", "--json", "--config"):
            self.assertIn(option, scf.stdout)
        version = run("--version")
        self.assertEqual(version.returncode, 0)
        self.assertRegex(version.stdout, r"dixc \d+\.\d+\.\d+")
        # The hash is the source tree's commit at build time (rewritten at every build, not only at configure
        # time), "-dirty" when tracked files differ from it.
        source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        try:
            head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=source, capture_output=True,
                                  text=True)
        except FileNotFoundError:  # no git on this machine: the build wrote "unknown"
            head = subprocess.CompletedProcess([], 1)
        if head.returncode == 0:
            changes = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=source,
                                     capture_output=True, text=True).stdout.strip()
            expected = head.stdout.strip() + ("-dirty" if changes else "")
            self.assertIn("(git %s)" % expected, version.stdout)
        self.assertNotEqual(run("no-such-command").returncode, 0)

    def test_malloc_huge_pages_requested_when_the_kernel_gives_them_on_request(self):
        # dixc restarts itself with glibc.malloc.hugetlb=1 in "madvise" mode (process_settings.hpp); a user's
        # setting is kept, and --version says which applies.
        try:
            with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
                mode = f.read().split("[")[1].split("]")[0]
        except (OSError, IndexError):
            mode = ""
        env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
        default = subprocess.run([DIXC, "--version"], capture_output=True, text=True, env=env).stdout
        expected = "requested" if mode == "madvise" else "not requested"
        self.assertIn("malloc huge pages: %s (transparent huge pages: %s)" % (expected, mode), default)
        env["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=0"
        declined = subprocess.run([DIXC, "--version"], capture_output=True, text=True, env=env).stdout
        self.assertIn("malloc huge pages: not requested", declined)

    def test_scf_json_matches_nwchem_rhf(self):
        with open(os.path.join(DATA, "reference_nwchem.json")) as f:
            ref = json.load(f)["molecules"]["H2O"]
        out = os.path.join(self.tmp.name, "h2o.json")
        proc = run("scf", os.path.join(DATA, "H2O.xyz"), "--method", "hf", "--json", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(out) as f:
            result = json.load(f)
        for key in ("energy_total", "energy_components", "n_iter", "converged", "dipole_au", "homo", "lumo", "nbf",
                    "orbital_energies"):
            self.assertIn(key, result)
        self.assertEqual(set(result["energy_components"]),
                         {"nuclear_repulsion", "one_electron", "coulomb", "exchange", "xc"})
        self.assertTrue(result["converged"])
        self.assertEqual(result["coulomb"], "exact")
        self.assertEqual(result["nbf"], ref["nbf"])
        # The XYZ reader's Angstrom->Bohr conversion is part of what this checks (1e-8 Eh, as the issue asks).
        self.assertAlmostEqual(result["energy_total"], ref["hf_energy"], delta=1e-8)
        self.assertAlmostEqual(result["homo"], ref["hf_homo"], delta=2e-7)
        self.assertIn("total energy", proc.stdout)

    def test_scf_ri_j_is_close_to_exact_and_says_so(self):
        # Density-fitted J (def2-universal-jfit): HF energy within 2e-4 Eh of NWChem's exact-J value (measured
        # 1.1e-4, below it; 3e-5 with the larger universal-jkfit, so the fit converges), and not equal to it (the
        # fit is in use); the JSON and the log name the Coulomb build.
        with open(os.path.join(DATA, "reference_nwchem.json")) as f:
            ref = json.load(f)["molecules"]["H2O"]
        out = os.path.join(self.tmp.name, "h2o_ri.json")
        proc = run("scf", os.path.join(DATA, "H2O.xyz"), "--method", "hf", "--ri-j", "-q", "--json", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("density fitting (RI-J): def2-universal-jfit", proc.stdout)
        with open(out) as f:
            result = json.load(f)
        self.assertEqual(result["coulomb"], "ri-j:def2-universal-jfit")
        self.assertLess(abs(result["energy_total"] - ref["hf_energy"]), 2e-4)
        self.assertGreater(abs(result["energy_total"] - ref["hf_energy"]), 1e-8)

    def test_b3lyp_tddft_json(self):
        with open(os.path.join(DATA, "reference_nwchem.json")) as f:
            ref = json.load(f)["molecules"]["H2O"]
        out = os.path.join(self.tmp.name, "h2o_td.json")
        proc = run("scf", os.path.join(DATA, "H2O.xyz"), "--functional", "b3lyp", "--tddft", "3", "--tda", "-q",
                   "--json", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(out) as f:
            result = json.load(f)
        self.assertAlmostEqual(result["energy_total"], ref["energy_total"], delta=1e-6)
        self.assertGreater(result["grid_points"], 1000)
        self.assertAlmostEqual(result["n_electrons_integrated"], 10.0, delta=1e-5)
        self.assertEqual(len(result["excitations"]), 3)
        for mine, theirs in zip(result["excitations"], ref["excitations_tda"]):
            self.assertEqual(set(mine), {"energy_Eh", "energy_eV", "f", "transition_dipole_au"})
            self.assertAlmostEqual(mine["energy_eV"], theirs["energy_eV"], delta=1e-3)

    def test_config_file_and_command_line_precedence(self):
        cfg = self.write("run.ini", "method = hf\nmax-iter = 1\n")
        # max-iter 1 from the file cannot converge (exit 3); the command line overrides it.
        self.assertEqual(run("scf", os.path.join(DATA, "H2O.xyz"), "--config", cfg).returncode, 3)
        proc = run("scf", os.path.join(DATA, "H2O.xyz"), "--config", cfg, "--max-iter", "60", "-q")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # Repeated --config: a later file overrides an earlier one, whatever it says.
        more = self.write("more.ini", "max-iter = 60\n")
        proc = run("scf", os.path.join(DATA, "H2O.xyz"), "--config", cfg, "--config", more, "-q")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(run("scf", os.path.join(DATA, "H2O.xyz"), "--config", more, "--config", cfg,
                             "-q").returncode, 3)

    def test_config_file_errors_name_the_file(self):
        bad = self.write("bad.ini", "no-such-option = 1\n")
        self.assert_one_line_error(run("scf", os.path.join(DATA, "H2O.xyz"), "--config", bad), 2, "bad.ini",
                                   "no-such-option")
        self.assert_one_line_error(run("scf", os.path.join(DATA, "H2O.xyz"), "--config", bad + ".missing"), 2,
                                   "bad.ini.missing")

    def test_shipped_configs_parse(self):
        # Every INI file under configs/ holds only options of the command it is for (named by the file), alone and,
        # for a per-architecture change (configs/<set>/<arch>/<phase>.ini), after its phase's file as
        # scripts/distill-bench reads them; a misspelt option would end a benchmark after hours of earlier phases.
        configs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(DATA))), "configs")
        checked = 0
        for folder, _, files in os.walk(configs):
            for name in sorted(f for f in files if f.endswith(".ini")):
                path = os.path.join(folder, name)
                command = {"generate.ini": "generate", "evaluate.ini": "evaluate"}.get(name, "train")
                chain = ["--config", path]
                base = os.path.join(os.path.dirname(folder), name)
                if os.path.dirname(folder) != configs and os.path.exists(base):
                    chain = ["--config", base, *chain]
                proc = run(command, *chain, "--help")
                self.assertEqual(proc.returncode, 0, f"{path}: {proc.stderr}")
                checked += 1
        self.assertGreaterEqual(checked, 10)
        typo = self.write("train.ini", "epoch = 3\n")
        self.assertEqual(run("train", "--config", typo, "--help").returncode, 2)

    def test_distill_bench_finds_the_reference_molecules_or_says_where_to_point(self):
        # The benchmark's molecule list names ../shared/reference next to the repository. From a copy elsewhere it
        # stops before any work and names DIXC_REFERENCE; with it, generate gets a list whose files all exist.
        source = os.path.dirname(os.path.dirname(os.path.abspath(DATA)))
        reference = os.path.join(os.path.dirname(source), "shared", "reference")
        if not os.path.isdir(os.path.join(reference, "molecules", "g2")):
            self.skipTest("no ../shared/reference next to the repository")
        root = os.path.join(self.tmp.name, "elsewhere", "dixc")
        os.makedirs(os.path.join(root, "scripts"))
        os.makedirs(os.path.join(root, "build"))
        shutil.copy(os.path.join(source, "scripts", "distill-bench"), os.path.join(root, "scripts"))
        shutil.copytree(os.path.join(source, "configs", "g2-distill"), os.path.join(root, "configs", "g2-distill"))
        calls = os.path.join(self.tmp.name, "calls")
        fake = os.path.join(root, "build", "dixc")  # records its arguments, then fails: the script stops there
        with open(fake, "w") as f:
            f.write(f"#!/bin/sh\necho \"$@\" >> {calls}\nexit 7\n")
        os.chmod(fake, 0o755)
        mpirun = os.path.join(self.tmp.name, "bin", "mpirun")  # runs the command after mpirun's own options
        os.makedirs(os.path.dirname(mpirun))
        with open(mpirun, "w") as f:
            f.write("#!/bin/sh\nwhile [ \"${1#/}\" = \"$1\" ]; do case $1 in -np) shift 2;; *) shift;; esac; done\n"
                    "exec \"$@\"\n")
        os.chmod(mpirun, 0o755)
        env = dict(os.environ, PATH=os.path.dirname(mpirun) + ":" + os.environ["PATH"],
                   DIXC_OUT=os.path.join(self.tmp.name, "out"))
        env.pop("DIXC_REFERENCE", None)
        bench = os.path.join(root, "scripts", "distill-bench")
        proc = subprocess.run([bench], capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("66 molecule file(s)", proc.stderr)
        self.assertIn("set DIXC_REFERENCE", proc.stderr)
        self.assertFalse(os.path.exists(calls))
        proc = subprocess.run([bench], capture_output=True, text=True, env=dict(env, DIXC_REFERENCE=reference),
                              timeout=120)
        self.assertEqual(proc.returncode, 7, proc.stdout + proc.stderr)
        with open(calls) as f:
            args = f.read().split()
        self.assertEqual(args[0], "generate")
        listed = os.path.join(self.tmp.name, "out", "molecules.csv")
        self.assertEqual(args[1], listed)
        with open(listed) as f:
            rows = [line.strip().split(",") for line in f][1:]
        self.assertEqual(len(rows), 66)
        for name, path in rows:
            self.assertTrue(os.path.isfile(path), path)
            self.assertEqual(os.path.basename(path), name + ".xyz")
        # Next to the reference set, the shipped list itself.
        os.makedirs(os.path.join(self.tmp.name, "elsewhere", "shared"))
        os.symlink(reference, os.path.join(self.tmp.name, "elsewhere", "shared", "reference"))
        os.remove(calls)
        proc = subprocess.run([bench], capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(proc.returncode, 7, proc.stdout + proc.stderr)
        with open(calls) as f:
            self.assertEqual(f.read().split()[1], os.path.join(root, "configs", "g2-distill", "molecules.csv"))

    def test_malformed_xyz(self):
        path = self.write("bad.xyz", "3\nwater\nO 0 0 0\nH 0 0.7 zz\nH 0 -0.7 0.5\n")
        self.assert_one_line_error(run("scf", path), 2, "bad.xyz:4")

    def test_unknown_element(self):
        path = self.write("xx.xyz", "2\n\nXq 0 0 0\nH 0 0 0.9\n")
        self.assert_one_line_error(run("scf", path), 2, "xx.xyz:3", "Xq")

    def test_odd_electron_count(self):
        path = self.write("oh.xyz", "2\n\nO 0 0 0\nH 0 0 0.97\n")
        self.assert_one_line_error(run("scf", path), 2, "oh", "9")
        ok = run("scf", path, "--charge", "-1", "-q")
        self.assertEqual(ok.returncode, 0, ok.stderr)

    def test_non_convergence_is_an_error_not_a_number(self):
        proc = run("scf", os.path.join(DATA, "H2O.xyz"), "--max-iter", "2", "-q")
        self.assert_one_line_error(proc, 3, "did not converge")

    def test_scf_under_mpirun_runs_once_and_says_so(self):
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1",
                   OMPI_MCA_rmaps_base_oversubscribe="1")
        mpirun = ["mpirun", "-np", "2", "--bind-to", "none", DIXC, "scf"]
        proc = subprocess.run(mpirun + [os.path.join(DATA, "H2O.xyz"), "--method", "hf", "-q"], capture_output=True,
                              text=True, env=env, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.count("total energy"), 1, proc.stdout)
        self.assertIn("runs once, on rank 0", proc.stderr)
        # An error on rank 0 ends the job with its message (the idle rank does not keep it waiting).
        missing = os.path.join(self.tmp.name, "none.xyz")
        proc = subprocess.run(mpirun + [missing], capture_output=True, text=True, env=env, timeout=120)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("none.xyz", proc.stderr)

    def test_missing_file_and_basis(self):
        self.assert_one_line_error(run("scf", os.path.join(self.tmp.name, "none.xyz")), 2, "none.xyz")
        self.assert_one_line_error(run("scf", os.path.join(DATA, "H2O.xyz"), "--basis", "nope"), 2, "nope")
        if os.path.exists(os.path.join(os.path.dirname(DIXC), "dixc-ml")):  # learned functionals: the LibTorch build
            self.assert_one_line_error(run("scf", os.path.join(DATA, "H2O.xyz"), "--functional", "none.pt"), 2,
                                       "none.pt: no such model file")

    def test_train_split_fractions(self):
        proc = run("train", os.path.join(self.tmp.name, "data.h5"), "-o", self.tmp.name, "--val-fraction", "0.6",
                   "--test-fraction", "0.5")
        self.assert_one_line_error(proc, 2, "--val-fraction and --test-fraction")

    def test_compare_tables_energy_di_and_fine_tuned_rows(self):
        # Hand-made evaluation summaries: the DI rows are related to their architecture's control of equal length
        # (energy>di>energy to energy>energy>energy: (6 - 12) / 12 = -50.0 %), else to the energy-only row
        # (di and energy>di: (8 - 10) / 10 = -20.0 %, (5 - 10) / 10 = -50.0 %); xcdiff has no control.
        runs = []
        for arch, mode, error in (("mgga-mlp", "energy", 10.0), ("mgga-mlp", "di", 8.0), ("mgga-mlp", "energy>di", 5.0),
                                  ("mgga-mlp", "energy>energy>energy", 12.0), ("mgga-mlp", "energy>di>energy", 6.0),
                                  ("xcdiff", "energy>di", 7.0)):
            d = os.path.join(self.tmp.name, arch + "_" + mode.replace(">", "_"))
            os.makedirs(d)
            summary = {"architecture": arch, "loss_mode": mode, "mean": {"energy_error_mEh": error},
                       "baseline_mean": {"blyp": {"energy_error_mEh": 11.0}}}
            self.write(os.path.join(d, "summary.json"), json.dumps(summary))
            runs.append(d)
        table = os.path.join(self.tmp.name, "table.md")
        proc = run("evaluate", "--compare", *runs, "--table", table)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        text = open(table).read()
        self.assertIn("| mgga-mlp | energy>di | 1 | 5 |", text)
        self.assertIn("| blyp (libxc, no training) | baseline | - | 11 |", text)
        self.assertIn("| mgga-mlp | di | energy | 1 vs 1 | -20.0% |", text)
        self.assertIn("| mgga-mlp | energy>di | energy | 1 vs 1 | -50.0% |", text)
        self.assertIn("| mgga-mlp | energy>di>energy | energy>energy>energy | 1 vs 1 | -50.0% |", text)
        self.assertNotIn("| xcdiff | energy>di |", text.split("Relative change")[1])
        self.assertNotIn("| mgga-mlp | energy>energy>energy | energy", text)

    def test_compare_averages_seeds_and_marks_changes_within_seed_noise(self):
        # Three seeds per row; per seed (control, DI): energy (10, 6), (12, 7), (14, 8); E_rho (1.0, 0.95),
        # (1.2, 1.05), (0.8, 0.85); dipole (9.5, 6), (12, 7), (14.5, 8). Means: energy 12 +- 2 against 7 +- 1,
        # -5 / 12 = -41.7 %; E_rho -5.0 %; dipole -41.7 %.
        # Paired (the same seeds in both rows): differences energy -4, -5, -6 (sd 1, error 1 / sqrt(3) = 0.577 =
        # 4.8 %, t_0.975(2) = 4.30, 4.30 x 0.577 = 2.5 < 5: a finding); E_rho -0.05, -0.15, +0.05 (sd 0.1, error
        # 5.8 %, 4.30 x 0.058 = 0.25 > 0.05: noise); dipole -3.5, -5, -6.5 (sd 1.5, error 0.866 = 7.2 %, 4.30 x
        # 0.866 = 3.7 < 5: a finding).
        # Welch (DI trained with other seeds): energy error sqrt(4/3 + 1/3) = 1.29 = 10.8 %, 2.94 d.o.f., t = 3.22,
        # 4.2 < 5: a finding; E_rho 12.9 %, noise; dipole sqrt(6.25/3 + 1/3) = 1.55 = 13.0 %, 2.62 d.o.f., t = 3.46,
        # 5.4 > 5: noise (twice the error, 3.1, would have called it a finding).
        def summary(mode, seed, error, e_rho, dipole):
            d = os.path.join(self.tmp.name, "run%d" % len(os.listdir(self.tmp.name)))
            os.makedirs(d)
            self.write(os.path.join(d, "summary.json"), json.dumps(
                {"architecture": "nonlocal", "loss_mode": mode, "seeds": "%d>%d" % (seed, seed),
                 "mean": {"energy_error_mEh": error, "e_rho_mEh": e_rho, "dipole_error_debye": dipole}}))
            return d
        runs = [summary("energy>energy>energy", *row) for row in ((1, 10.0, 1.0, 9.5), (2, 12.0, 1.2, 12.0),
                                                                  (3, 14.0, 0.8, 14.5))]
        di = ((1, 6.0, 0.95, 6.0), (2, 7.0, 1.05, 7.0), (3, 8.0, 0.85, 8.0))
        runs += [summary("energy>di>energy", *row) for row in di]
        proc = run("evaluate", "--compare", *runs)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("| nonlocal | energy>energy>energy | 3 | 12 +- 2 | 1 +- 0.2 |", proc.stdout)
        self.assertIn("| nonlocal | energy>di>energy | 3 | 7 +- 1 | 0.95 +- 0.1 |", proc.stdout)
        self.assertIn("| nonlocal | energy>di>energy | energy>energy>energy | 3 vs 3 paired | -41.7% +- 4.8% | "
                      "-5.0% +- 5.8% (noise) | -41.7% +- 7.2% |", proc.stdout)
        other_seeds = runs[:3] + [summary("energy>di>energy", seed + 3, *rest) for seed, *rest in di]
        proc = run("evaluate", "--compare", *other_seeds)
        self.assertIn("| nonlocal | energy>di>energy | energy>energy>energy | 3 vs 3 | -41.7% +- 10.8% | "
                      "-5.0% +- 12.9% (noise) | -41.7% +- 13.0% (noise) |", proc.stdout)
        # Other training options (here an averaged fine-tune) are another row, not a fourth seed of this one.
        averaged = summary("energy>di>energy", 4, 100.0, 5.0, 100.0)
        with open(os.path.join(averaged, "summary.json")) as f:
            s = json.load(f)
        s["parameter_average"] = "none>ema 0.98>none"
        self.write(os.path.join(averaged, "summary.json"), json.dumps(s))
        proc = run("evaluate", "--compare", *runs, averaged)
        self.assertIn("| nonlocal | energy>di>energy | 3 | 7 +- 1 |", proc.stdout)
        self.assertIn("| nonlocal | energy>di>energy (parameter_average none>ema 0.98>none) | 1 | 100 |", proc.stdout)
        # The same training evaluated twice would count one seed twice: refused, naming both directories.
        again = summary("energy>di>energy", 2, 7.0, 1.05, 7.0)
        self.assert_one_line_error(run("evaluate", "--compare", *runs, again), 2,
                                   again + " and " + runs[4] + ": two evaluations of the same training (seeds 2>2)")

    def test_compare_relates_every_mode_to_the_papers_baseline_and_averages_architectures(self):
        # Two seeds per row; per seed, energy error of (energy+density, di) for nonlocal (10, 6), (12, 9): paired
        # differences -4, -3, mean -3.5 of 11 = -31.8 %, sd 0.707, error 0.5 = 4.5 %, t_0.975(1) = 12.71, 57 % > 31.8 %:
        # noise; mgga-mlp (20, 10), (20, 12): -9 of 20 = -45.0 %, sd 1.414, error 1 = 5.0 %, 63.5 % > 45 %: noise.
        # Uniform mean over both: -38.4 %, error sqrt(4.55^2 + 5.0^2) / 2 = 3.4 %, 1 d.o.f.: noise. The energy
        # controls (energy>energy>energy, 15 for both seeds) relate both energy+density and di rows to energy.
        def summary(arch, mode, seed, error):
            d = os.path.join(self.tmp.name, "%s_%s_%d" % (arch, mode.replace(">", "_"), seed))
            os.makedirs(d)
            self.write(os.path.join(d, "summary.json"), json.dumps(
                {"architecture": arch, "loss_mode": mode, "seeds": "%d>%d>%d" % (seed, seed, seed),
                 "mean": {"energy_error_mEh": error}}))
            return d
        runs = []
        for arch, rows in (("nonlocal", ((1, 10.0, 6.0), (2, 12.0, 9.0))), ("mgga-mlp", ((1, 20.0, 10.0),
                                                                                         (2, 20.0, 12.0)))):
            for seed, density, di in rows:
                runs += [summary(arch, "energy>energy+density>energy", seed, density),
                         summary(arch, "energy>di>energy", seed, di), summary(arch, "energy>energy>energy", seed, 15.0)]
        proc = run("evaluate", "--compare", *runs)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("| nonlocal | energy>di>energy | energy>energy+density>energy | 2 vs 2 paired | "
                      "-31.8% +- 4.5% (noise) |", proc.stdout)
        self.assertIn("| mgga-mlp | energy>di>energy | energy>energy+density>energy | 2 vs 2 paired | "
                      "-45.0% +- 5.0% (noise) |", proc.stdout)
        self.assertIn("| all | energy>di>energy | energy>energy+density>energy | 2 architectures | "
                      "-38.4% +- 3.4% (noise) |", proc.stdout)
        # energy+density against the energy control: nonlocal (11 - 15) / 15 = -26.7 %, paired differences -5, -3
        # (error 1 = 6.7 %, noise at 1 d.o.f.); mgga-mlp +33.3 %, differences 5, 5: error 0, a finding.
        self.assertIn("| nonlocal | energy>energy+density>energy | energy>energy>energy | 2 vs 2 paired | "
                      "-26.7% +- 6.7% (noise) |", proc.stdout)
        self.assertIn("| mgga-mlp | energy>energy+density>energy | energy>energy>energy | 2 vs 2 paired | "
                      "+33.3% +- 0.0% |", proc.stdout)
        self.assertNotIn("| all | energy>energy+density>energy | energy>energy+density>energy", proc.stdout)
        # Means over other molecules (another dataset or split) are not comparable: refused, naming both.
        for d, names in ((runs[0], ["A", "B"]), (runs[1], ["A", "C"])):
            with open(os.path.join(d, "summary.json")) as f:
                s = json.load(f)
            s["molecules"] = [{"name": n, "ok": True} for n in names]
            self.write(os.path.join(d, "summary.json"), json.dumps(s))
        self.assert_one_line_error(run("evaluate", "--compare", *runs), 2,
                                   runs[1] + ": evaluated on other molecules than " + runs[0])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

#!/usr/bin/python3
"""End-to-end tests of `dixc generate` and `dixc inspect` under mpirun.

usage: generate_test.py DIXC_BINARY SOURCE_DIR

- np 2 and np 1 give the same dataset (inspect --diff, 1e-10) on >= 20 molecules; --verify passes;
  the Python reader example rebuilds D from the file.
- overlapping atoms, an unreadable file and --max-iter 2 are recorded as failed while the rest complete; a rerun
  keeps them, --retry-failed computes them again and the new record supersedes the failed one.
- a rank killed with SIGKILL mid-run loses nothing: the rerun completes and every molecule is there once.
- ScaLAPACK/ELPA teams (--ranks-per-molecule, and automatically above --large-nbf) match LAPACK to 1e-9 Eh.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import h5py

DIXC = sys.argv[1] if len(sys.argv) > 1 else "dixc"
SOURCE = sys.argv[2] if len(sys.argv) > 2 else "."
MOLECULES = os.path.join(SOURCE, "share", "molecules", "small")
# Cheap settings: the tests check the machinery, the physics is tested elsewhere.
FAST = ["--grid", "coarse", "--n-roots", "2", "--n-dir", "3"]
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")


def mpirun(n, *args, **kw):
    return subprocess.run(["mpirun", "-np", str(n), DIXC, *args], capture_output=True, text=True, env=ENV,
                          timeout=1200, **kw)


def dixc(*args):
    return subprocess.run([DIXC, *args], capture_output=True, text=True, env=ENV, timeout=600)


def names_and_status(path):
    with h5py.File(path, "r") as f:
        n = int(f["index"].attrs["n_committed"])
        names = [x.decode().rstrip("\x00") for x in f["index"]["name"][:n]]
        return names, dict(zip(names, f["index"]["status"][:n])), dict(
            zip(names, [m.decode().rstrip("\x00") for m in f["index"]["message"][:n]]))


class Generate(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_rank_count_does_not_change_the_dataset(self):
        one, two = os.path.join(self.tmp, "np1.h5"), os.path.join(self.tmp, "np2.h5")
        r1 = mpirun(1, "generate", MOLECULES, "-o", one, *FAST)
        self.assertEqual(r1.returncode, 0, r1.stdout + r1.stderr)
        r2 = mpirun(2, "generate", MOLECULES, "-o", two, *FAST)
        self.assertEqual(r2.returncode, 0, r2.stdout + r2.stderr)
        names, status, _ = names_and_status(two)
        self.assertGreaterEqual(len(names), 20)
        self.assertTrue(all(s == 0 for s in status.values()), status)
        diff = dixc("inspect", "--diff", one, two)
        self.assertEqual(diff.returncode, 0, diff.stdout + diff.stderr)
        self.assertIn("0 problem(s)", diff.stdout)
        verify = dixc("inspect", two, "--verify")
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        example = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "examples", "read_dataset.py"), two, "H2O"],
                                 capture_output=True, text=True)
        self.assertEqual(example.returncode, 0, example.stdout + example.stderr)
        self.assertIn("consistent", example.stdout)
        # Rerunning the finished command computes nothing and keeps every molecule once.
        again = mpirun(2, "generate", MOLECULES, "-o", two, *FAST)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("0 to compute", again.stdout)
        self.assertEqual(sorted(names_and_status(two)[0]), sorted(names))

    def test_failures_are_recorded_and_do_not_stop_the_run(self):
        inputs = os.path.join(self.tmp, "in")
        os.mkdir(inputs)
        for m in ("H2O", "HF"):
            shutil.copy(os.path.join(MOLECULES, m + ".xyz"), inputs)
        with open(os.path.join(inputs, "clash.xyz"), "w") as f:
            f.write("3\n\nO 0 0 0\nH 0 0 0.01\nH 0 0.9 0.3\n")
        with open(os.path.join(inputs, "broken.xyz"), "w") as f:
            f.write("2\n\nO 0 0 zero\nH 0 0 1\n")
        out = os.path.join(self.tmp, "f.h5")
        r = mpirun(2, "generate", inputs, "-o", out, *FAST)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        _, status, message = names_and_status(out)
        self.assertEqual(status["H2O"], 0)
        self.assertEqual(status["HF"], 0)
        self.assertEqual(status["clash"], 1)
        self.assertIn("on top of each other", message["clash"])
        self.assertEqual(status["broken"], 1)
        self.assertIn("broken.xyz:3", message["broken"])
        capped = os.path.join(self.tmp, "capped.h5")
        r = mpirun(2, "generate", inputs, "-o", capped, "--max-iter", "2", *FAST)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        _, status, message = names_and_status(capped)
        self.assertEqual(len(status), 4)
        self.assertTrue(all(s == 1 for s in status.values()))
        self.assertIn("did not converge", message["H2O"])
        # Different settings on an existing file are refused with a message naming them.
        r = mpirun(1, "generate", inputs, "-o", out, "--grid", "medium", "--n-roots", "2", "--n-dir", "3")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("grid", r.stderr)

    def test_retry_failed_replaces_fixed_failures(self):
        inputs = os.path.join(self.tmp, "in")
        os.mkdir(inputs)
        shutil.copy(os.path.join(MOLECULES, "H2O.xyz"), inputs)
        clash, broken = os.path.join(inputs, "clash.xyz"), os.path.join(inputs, "broken.xyz")
        with open(clash, "w") as f:  # fails in the calculation
            f.write("2\n\nH 0 0 0\nF 0 0 0.01\n")
        with open(broken, "w") as f:  # fails when the inputs are read
            f.write("2\n\nH 0 0 zero\nF 0 0 0.92\n")
        out = os.path.join(self.tmp, "r.h5")
        r = mpirun(2, "generate", inputs, "-o", out, *FAST)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("1 unreadable input(s) recorded as failed", r.stdout)
        self.assertEqual(names_and_status(out)[1], {"H2O": 0, "clash": 1, "broken": 1})
        # Training on a dataset of failures only points to the listing of their errors.
        failed_only = os.path.join(self.tmp, "failed_only.h5")
        self.assertEqual(mpirun(1, "generate", broken, "-o", failed_only, *FAST).returncode, 0)
        r = dixc("train", failed_only, "-o", os.path.join(self.tmp, "t"), "--epochs", "1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no successfully computed molecules (`dixc inspect " + failed_only, r.stderr)
        # The inputs fixed: a plain rerun keeps the failures and says how to compute them again.
        for path in (clash, broken):
            shutil.copy(os.path.join(MOLECULES, "HF.xyz"), path)
        r = mpirun(2, "generate", inputs, "-o", out, *FAST)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("3 already in " + out + " (2 failed: kept; --retry-failed computes them again), 0 to compute",
                      r.stdout)
        self.assertEqual(names_and_status(out)[1], {"H2O": 0, "clash": 1, "broken": 1})
        r = mpirun(2, "generate", inputs, "-o", out, "--retry-failed", *FAST)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("(2 failed: computed again), 2 to compute", r.stdout)
        # The new records follow the failed ones in the file and supersede them in every reader.
        names, status, _ = names_and_status(out)
        self.assertEqual(sorted(names), ["H2O", "broken", "broken", "clash", "clash"])
        self.assertEqual(status, {"H2O": 0, "clash": 0, "broken": 0})
        listing = dixc("inspect", out, "--list", "--verify")
        self.assertEqual(listing.returncode, 0, listing.stdout + listing.stderr)
        self.assertIn("3 molecules: 3 ok, 0 failed", listing.stdout)
        self.assertNotIn("FAILED", listing.stdout)
        example = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "examples", "read_dataset.py"), out,
                                  "broken"], capture_output=True, text=True)
        self.assertEqual(example.returncode, 0, example.stdout + example.stderr)
        self.assertIn("consistent", example.stdout)
        r = mpirun(2, "generate", inputs, "-o", out, "--retry-failed", *FAST)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("3 already in " + out + ", 0 to compute", r.stdout)

    def test_distributed_eigensolvers_and_shards_match_lapack(self):
        inputs = os.path.join(self.tmp, "in")
        os.mkdir(inputs)
        for m in ("H2O", "HCN", "CH4"):
            shutil.copy(os.path.join(MOLECULES, m + ".xyz"), inputs)
        reference = os.path.join(self.tmp, "lapack.h5")
        self.assertEqual(mpirun(1, "generate", inputs, "-o", reference, *FAST).returncode, 0)
        with h5py.File(reference, "r") as f:
            names = [x.decode().rstrip("\x00") for x in f["index"]["name"][:3]]
            energies = dict(zip(names, f["index"]["energy_total"][:3]))
        # Array-job shards merged give the same dataset; merging again adds nothing.
        shards = []
        for k in range(2):
            shards.append(os.path.join(self.tmp, f"shard{k}.h5"))
            self.assertEqual(mpirun(1, "generate", inputs, "-o", shards[-1], "--shard", f"{k}/2", *FAST).returncode, 0)
        merged = os.path.join(self.tmp, "merged.h5")
        for _ in range(2):
            r = dixc("merge", *shards, "-o", merged)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        diff = dixc("inspect", "--diff", merged, reference)
        self.assertEqual(diff.returncode, 0, diff.stdout)
        for solver in ("scalapack", "elpa"):
            out = os.path.join(self.tmp, solver + ".h5")
            r = mpirun(2, "generate", inputs, "-o", out, "--ranks-per-molecule", "2", "--eigensolver", solver, *FAST)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with h5py.File(out, "r") as f:
                n = int(f["index"].attrs["n_committed"])
                self.assertEqual(n, 3, solver)
                for name, e in zip(f["index"]["name"][:n], f["index"]["energy_total"][:n]):
                    self.assertAlmostEqual(e, energies[name.decode().rstrip("\x00")], delta=1e-9, msg=solver)
        # The automatic rule: molecules above --large-nbf basis functions (HCN 33, CH4 34; not H2O 24) go first,
        # to a team of all ranks of the node with ScaLAPACK; the rest one per rank with LAPACK.
        out = os.path.join(self.tmp, "large.h5")
        r = mpirun(2, "generate", inputs, "-o", out, "--large-nbf", "30", *FAST)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("2 molecule(s) above 30 basis functions go first, to teams of 2 rank(s)", r.stdout)
        for name in ("HCN", "CH4"):
            self.assertIn(f"[ranks 0-1] {name}: ok", r.stdout)
        self.assertRegex(r.stdout, r"\[rank [01]\] H2O: ok")
        with h5py.File(out, "r") as f:
            self.assertEqual(int(f["index"].attrs["n_committed"]), 3)
            for name, e in zip(f["index"]["name"][:3], f["index"]["energy_total"][:3]):
                self.assertAlmostEqual(e, energies[name.decode().rstrip("\x00")], delta=1e-9, msg="large-nbf")
        r = mpirun(2, "generate", inputs, "-o", os.path.join(self.tmp, "bad.h5"), "--large-nbf", "30",
                   "--ranks-per-molecule", "2", "--large-ranks", "3", *FAST)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("--large-ranks 3 must be a positive multiple of --ranks-per-molecule 2", r.stderr)

    def test_killed_rank_loses_nothing(self):
        out = os.path.join(self.tmp, "k.h5")
        args = ["mpirun", "-np", "2", DIXC, "generate", MOLECULES, "-o", out, "--flush-seconds", "0", *FAST]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)
        # Wait for the first committed batch, then SIGKILL one worker rank.
        deadline = time.time() + 600
        for line in proc.stdout:
            if line.startswith("progress:") or time.time() > deadline:
                break
        workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        self.assertTrue(workers, "no rank processes found")
        os.kill(int(workers[-1]), signal.SIGKILL)
        proc.stdout.read()
        proc.wait(timeout=300)
        partial, _, _ = names_and_status(out)
        self.assertGreater(len(partial), 0)
        total = len([f for f in os.listdir(MOLECULES) if f.endswith(".xyz")])
        self.assertLess(len(partial), total, "the run finished before the kill; nothing was tested")
        r = mpirun(2, "generate", MOLECULES, "-o", out, *FAST)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        names, status, _ = names_and_status(out)
        self.assertEqual(len(names), total)
        self.assertEqual(len(set(names)), total, "a molecule appears twice")
        self.assertTrue(all(s == 0 for s in status.values()))
        self.assertEqual(dixc("inspect", out, "--verify").returncode, 0)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

#!/usr/bin/python3
"""End-to-end tests of `dixc train` under mpirun on a dataset generated from the shipped molecules.

usage: train_test.py DIXC_BINARY SOURCE_DIR

- the same global batch on np 2 and np 1 gives the same parameters after 5 steps (1e-10) at a fixed
  --balance-group; the default group size (the rank count) gives np 2 the same batches as --balance-group 2;
- the training loss decreases on a 20+ molecule dataset;
- stopping after 3 steps and resuming reproduces the uninterrupted run; resuming with other batches is refused;
- the exported model.pt loads in Python (torch.jit.load) with its metadata and holds the best-validation epoch;
- a 1 MiB feature budget (molecules rebuilt on every use) trains to the same parameters as the default budget;
  under half the budget the molecules that fit stay resident and each epoch rebuilds exactly the others;
- --ema exports the moving average of the parameters (checked against its formula over an interrupted and
  resumed run), resumes it and refuses another --ema;
- --select last exports the parameters after the last step, not the best-validation epoch's;
- --init starts from another run's model (energy pre-training -> DI), keeps the untrained term scales, labels
  the model "energy>di", and refuses a model of another architecture or split; --hidden sets the width of the
  hidden layers (recorded in the model; --init's width is taken unless another is asked for, which is refused);
- evaluate reports and refuses a held-out split on a dataset the model was not trained on; a molecule that fails
  is recorded and named, and the job exits 3 after the report;
- held-out molecules with an element in fewer than two training parents are listed by train and marked by
  evaluate, which also reports the means without them (the split recomputed here in Python);
- a dataset made on another definition of its grid level is refused;
- a molecule that fails on one rank of np 2 ends the whole job with its name (no hang);
- a signal to one rank of np 2 while the molecules load ends the whole job before its first step, without a
  checkpoint for a fresh run and with a resumed run's checkpoint unchanged;
- evaluate keeps each finished molecule: stopped by a signal it exits 0 without a report, and its rerun computes
  only the rest and writes the same metrics.csv as an uninterrupted evaluation; a complete evaluation's rerun
  computes nothing, nor does one of a subset of its molecules; a molecule whose reference data changed and other
  settings are computed again;
- the self-consistent modes (energy+density through the model's SCF, di+density): np 1 and np 2 give the same
  parameters (1e-10), stopping and resuming reproduces the run, the density term is reported and scaled.
"""
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import h5py
import torch

DIXC = sys.argv[1] if len(sys.argv) > 1 else "dixc"
SOURCE = sys.argv[2] if len(sys.argv) > 2 else "."
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
TMP = tempfile.mkdtemp()
DATA = os.path.join(TMP, "data.h5")
# --balance-group 2: batches of two cost pairs on any rank count (the default, the rank count, makes np 1's batches
# differ from np 2's).
COMMON = ["--model", "gga-mlp", "--batch-size", "4", "--seed", "5", "--val-fraction", "0.15",
          "--test-fraction", "0.15", "--lr", "3e-3", "--warmup", "1", "--balance-group", "2"]


def mpirun(n, *args):
    r = subprocess.run(["mpirun", "-np", str(n), DIXC, *args], capture_output=True, text=True, env=ENV, timeout=1800)
    if r.returncode != 0:
        raise AssertionError(f"dixc {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    return r


def without(options, *flags):
    """`options` without the given flags and their values."""
    out = list(options)
    for flag in flags:
        i = out.index(flag)
        del out[i:i + 2]
    return out


def parameters(directory):
    model = torch.jit.load(os.path.join(directory, "model.pt"))
    return dict(model.named_parameters()), model


def fnv1a(text):
    """util/stable_hash.hpp's FNV-1a (with its offset basis), written again here so that the split is checked."""
    h = 1469598103934665603
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001b3) % 2**64
    return h


def split_of(names, seed, val_fraction, test_fraction):
    """Each name's split (ml/dataset_split.hpp: parents by seeded hash, test first, then validation)."""
    parent = lambda n: re.sub(r"_r\d+$", "", n)
    parents = sorted({parent(n) for n in names}, key=lambda p: (fnv1a(f"{seed}:{p}"), p))
    share = lambda f: max(int(f * len(parents) + 0.5), 1)
    n_test, n_val = share(test_fraction), share(val_fraction)
    of_parent = {p: "test" if i < n_test else "validation" if i < n_test + n_val else "train"
                 for i, p in enumerate(parents)}
    return {n: of_parent[parent(n)] for n in names}


def index_formulas(path):
    """name -> the element symbols of its formula, for the molecules the dataset computed."""
    with h5py.File(path, "r") as f:
        names = [n.decode() for n in f["index/name"][()]]
        formulas = [x.decode() for x in f["index/formula"][()]]
        ok = f["index/status"][()] == 0
    return {n: set(re.findall(r"[A-Z][a-z]?", x)) for n, x, good in zip(names, formulas, ok) if good}


def setUpModule():
    mpirun(2, "generate", os.path.join(SOURCE, "share", "molecules", "small"), "-o", DATA, "--grid", "coarse",
           "--n-roots", "2", "--n-dir", "2", "--seed", "1")


def tearDownModule():
    shutil.rmtree(TMP)


class Train(unittest.TestCase):
    def run_training(self, name, n, *extra):
        out = os.path.join(TMP, name)
        mpirun(n, "train", DATA, "-o", out, *COMMON, *extra)
        return out

    def test_rank_count_and_resume_give_the_same_parameters(self):
        one = self.run_training("np1", 1, "--max-steps", "5", "--epochs", "5")
        two = self.run_training("np2", 2, "--max-steps", "5", "--epochs", "5")
        p1, model = parameters(one)
        p2, _ = parameters(two)
        self.assertEqual(set(p1), set(p2))
        moved = 0.0
        for k in p1:
            self.assertLess(float((p1[k] - p2[k]).abs().max()), 1e-10, k)
            moved = max(moved, float(p1[k].abs().max()))
        self.assertGreater(moved, 0.0)
        self.assertEqual(model.architecture, "gga-mlp")
        self.assertTrue(model.dataset_fingerprint)
        # The default group size is the rank count: on np 2 the same batches as --balance-group 2.
        default = os.path.join(TMP, "np2_default")
        r = mpirun(2, "train", DATA, "-o", default, *without(COMMON, "--balance-group"), "--max-steps", "5",
                   "--epochs", "5")
        self.assertIn("batches: 2 x 2 molecules", r.stdout)
        p4, _ = parameters(default)
        for k in p2:
            self.assertLess(float((p2[k] - p4[k]).abs().max()), 1e-12, k)
        # Interrupted after 3 steps, then resumed: the same 5-step result.
        split = os.path.join(TMP, "split")
        mpirun(2, "train", DATA, "-o", split, *COMMON, "--max-steps", "5", "--epochs", "5", "--stop-after-steps", "3")
        self.assertTrue(os.path.exists(os.path.join(split, "checkpoint", "state.txt")))
        self.assertFalse(os.path.exists(os.path.join(split, "model.pt")))
        # Resuming with other batches (here the default group size on np 1) is refused, naming the checkpoint.
        r = subprocess.run(["mpirun", "-np", "1", DIXC, "train", DATA, "-o", split, *without(COMMON, "--balance-group"),
                            "--max-steps", "5", "--epochs", "5", "--resume"],
                           capture_output=True, text=True, env=ENV, timeout=600)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(os.path.join(split, "checkpoint", "state.txt"), r.stderr)
        self.assertIn("--batch-size 4 --balance-group 2", r.stderr)
        # So is resuming with another --loss, --energy-norm, --grad-metric or --seed, or with batches that differ
        # otherwise (a state.txt whose batch fingerprint, its last field but two, does not match: other molecules or
        # another cost estimate).
        def refused(*options):
            r = subprocess.run(["mpirun", "-np", "1", DIXC, "train", DATA, "-o", split, *options, "--max-steps", "5",
                                "--epochs", "5", "--resume"], capture_output=True, text=True, env=ENV, timeout=600)
            self.assertNotEqual(r.returncode, 0)
            return r.stderr
        self.assertIn("started with --loss di; resume it with --loss di", refused(*COMMON, "--loss", "energy"))
        self.assertIn("started with --energy-norm per-electron; resume it with --energy-norm per-electron",
                      refused(*COMMON, "--energy-norm", "total"))
        self.assertIn("started with --grad-metric mean-square; resume it with --grad-metric mean-square",
                      refused(*COMMON, "--grad-metric", "inverse-gap"))
        self.assertIn("started with --seed 5; resume it with --seed 5",
                      refused(*without(COMMON, "--seed"), "--seed", "6"))
        state_file = os.path.join(split, "checkpoint", "state.txt")
        with open(state_file) as f:
            state = f.read()
        fields = state.split()
        with open(state_file, "w") as f:
            f.write(" ".join(fields[:-3] + ["12345"] + fields[-2:]) + "\n")
        self.assertIn("the batches differ from the checkpoint's", refused(*COMMON))
        with open(state_file, "w") as f:
            f.write(state)
        mpirun(2, "train", DATA, "-o", split, *COMMON, "--max-steps", "5", "--epochs", "5", "--resume")
        p3, _ = parameters(split)
        for k in p1:
            self.assertLess(float((p2[k] - p3[k]).abs().max()), 1e-12, k)

    def test_self_consistent_modes_agree_over_rank_counts_and_resume(self):
        steps = ["--max-steps", "3", "--epochs", "5"]
        one = self.run_training("ed_np1", 1, "--loss", "energy+density", *steps)
        two = self.run_training("ed_np2", 2, "--loss", "energy+density", *steps)
        split = os.path.join(TMP, "ed_split")
        mpirun(2, "train", DATA, "-o", split, *COMMON, "--loss", "energy+density", *steps, "--stop-after-steps", "2")
        mpirun(2, "train", DATA, "-o", split, *COMMON, "--loss", "energy+density", *steps, "--resume")
        (p1, model), (p2, _), (p3, _) = parameters(one), parameters(two), parameters(split)
        for k in p1:
            self.assertLess(float((p1[k] - p2[k]).abs().max()), 1e-10, k)
            self.assertLess(float((p2[k] - p3[k]).abs().max()), 1e-12, k)
        self.assertGreater(max(float(p.abs().max()) for p in p1.values()), 0.0)
        self.assertEqual(model.loss_mode, "energy+density")
        scales = [float(x) for x in model.loss_scales.split(",")]
        self.assertEqual(scales[1:3], [1.0, 1.0])  # no gradient or Hessian term in this mode
        self.assertNotEqual(scales[3], 1.0)  # the density term's training-set mean
        with open(os.path.join(two, "losses.csv")) as f:
            row = list(csv.DictReader(f))[-1]
        self.assertGreater(float(row["train_density"]), 0.0)
        self.assertEqual(row["train_gradient"], "")
        # di+density: the DI-Loss's gradient and Hessian terms are reported next to the SCF's energy and density.
        both = self.run_training("did", 2, "--loss", "di+density", "--max-steps", "2", "--epochs", "5")
        with open(os.path.join(both, "losses.csv")) as f:
            row = list(csv.DictReader(f))[-1]
        for term in ("train_energy", "train_gradient", "train_hessian", "train_density"):
            self.assertGreater(float(row[term]), 0.0, term)

    def test_split_seed_fixes_the_split_while_the_seed_varies(self):
        def run(name, *seeds):
            out = os.path.join(TMP, name)
            mpirun(1, "train", DATA, "-o", out, *without(COMMON, "--seed"), "--loss", "energy", "--max-steps", "1",
                   *seeds)
            return parameters(out)
        (p6, m6), (p5, m5) = run("seed_6_split_5", "--seed", "6", "--split-seed", "5"), run("seed_5", "--seed", "5")
        _, m_other = run("seed_6", "--seed", "6")
        self.assertEqual(m6.split_seed, "5")
        self.assertEqual(m6.seeds, "6")
        self.assertEqual(m6.dataset_fingerprint, m5.dataset_fingerprint)  # the same training molecules
        self.assertNotEqual(m_other.dataset_fingerprint, m5.dataset_fingerprint)
        self.assertGreater(max(float((p6[k] - p5[k]).abs().max()) for k in p5), 1e-6)  # other parameters

    def test_memory_budget_rebuilds_molecules_without_changing_the_result(self):
        kept = os.path.join(TMP, "budget_default")
        r_kept = mpirun(1, "train", DATA, "-o", kept, *COMMON, "--max-steps", "5", "--epochs", "5")
        out = os.path.join(TMP, "budget_1mib")
        r = mpirun(1, "train", DATA, "-o", out, *COMMON, "--max-steps", "5", "--epochs", "5", "--cache-mib", "1")
        self.assertIn("the rest are rebuilt when needed", r.stdout)
        # gga-mlp's base (BLYP) response is computed once per molecule, not at every rebuild.
        self.assertRegex(r.stdout, r"the model base's response reused in [1-9]\d* rebuilds")
        # The stated peak counts what the loss adds to a kept molecule after loading (a separable model's maps):
        # one molecule at a time under a 1 MiB budget, so below the peak with every molecule kept.
        peak = lambda text: int(re.search(r"reference features peaked at (\d+) MiB", text).group(1))
        self.assertLess(peak(r.stdout), peak(r_kept.stdout))
        p_kept, _ = parameters(kept)
        p_small, _ = parameters(out)
        for k in p_kept:
            self.assertLess(float((p_kept[k] - p_small[k]).abs().max()), 1e-12, k)
        # Half the budget for 2 epochs: the molecules that fit stay resident and each epoch rebuilds exactly the
        # others (one transient molecule at a time; a hit only when a pass starts with the molecule still in the
        # transient slot): M_t + V first loads, then E (M_t - R_t) + (E - 1)(V - R_v) rebuilds, minus at most 2E.
        half = os.path.join(TMP, "budget_half")
        r = mpirun(1, "train", DATA, "-o", half, *COMMON, "--epochs", "2", "--cache-mib", str(peak(r_kept.stdout) // 2))
        m_t, v = map(int, re.search(r"rank 0: (\d+) training and (\d+) validation molecules", r.stdout).groups())
        loads, r_t, r_v = map(int, re.search(r"(\d+) molecule loads for \d+ molecules in [\d.]+ s "
                                             r"\((\d+) training and (\d+) validation molecules resident[;)]",
                                             r.stdout).groups())
        self.assertTrue(0 < r_t < m_t, r.stdout)
        expected = m_t + v + 2 * (m_t - r_t) + (v - r_v)
        self.assertLessEqual(loads, expected, r.stdout)
        self.assertGreaterEqual(loads, expected - 4, r.stdout)

    def test_init_starts_from_another_runs_model(self):
        pre = self.run_training("init_pre", 2, "--loss", "energy", "--max-steps", "3", "--epochs", "2")
        p_pre, _ = parameters(pre)
        no_lr = without(COMMON, "--lr")
        fine = os.path.join(TMP, "init_fine")
        r = mpirun(2, "train", DATA, "-o", fine, *no_lr, "--lr", "0", "--max-steps", "1", "--loss", "di",
                   "--init", os.path.join(pre, "model.pt"))
        self.assertIn("parameters initialised from", r.stdout)
        p_fine, model = parameters(fine)
        for k in p_pre:  # a zero learning rate leaves the initial parameters: those of the pre-trained model
            self.assertTrue(torch.equal(p_fine[k], p_pre[k]), k)
        self.assertEqual(model.loss_mode, "energy>di")
        self.assertEqual(model.seeds, "5>5")  # each phase's --seed, chained like the loss mode
        self.assertEqual(model.energy_normalisation, "per-electron>per-electron")
        self.assertEqual(model.gradient_metric, "mean-square>mean-square")
        # the term scales are the untrained model's (the loss of a fresh DI run), not the pre-trained model's
        fresh = os.path.join(TMP, "init_fresh")
        mpirun(2, "train", DATA, "-o", fresh, *no_lr, "--lr", "0", "--max-steps", "1", "--loss", "di")
        p_fresh, fresh_model = parameters(fresh)
        self.assertEqual(model.loss_scales, fresh_model.loss_scales)
        self.assertTrue(any(not torch.equal(p_fresh[k], p_pre[k]) for k in p_pre))
        # another architecture or another split is refused, naming the file
        for extra, message in ((["--model", "mgga-mlp"], "--init model is a 'gga-mlp' model"),
                               (["--seed", "6"], "trained on another dataset or split")):
            args = without(no_lr, extra[0]) + extra
            r = subprocess.run(["mpirun", "-np", "1", DIXC, "train", DATA, "-o", os.path.join(TMP, "init_bad"), *args,
                                "--max-steps", "1", "--init", os.path.join(pre, "model.pt")],
                               capture_output=True, text=True, env=ENV, timeout=600)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(message, r.stderr)
            self.assertIn(os.path.join(pre, "model.pt"), r.stderr)

    def test_ema_exports_the_moving_average_and_resumes_it(self):
        pre = self.run_training("ema_pre", 2, "--loss", "energy", "--max-steps", "3", "--epochs", "2")
        theta0, _ = parameters(pre)
        run = os.path.join(TMP, "ema")
        args = [*COMMON, "--loss", "energy", "--epochs", "1", "--max-steps", "2", "--ema", "0.9",
                "--init", os.path.join(pre, "model.pt")]
        mpirun(2, "train", DATA, "-o", run, *args, "--stop-after-steps", "1")
        self.assertTrue(os.path.exists(os.path.join(run, "checkpoint", "average.pt")))
        theta1, _ = parameters(os.path.join(run, "checkpoint"))  # the live parameters after step 1
        r = mpirun(2, "train", DATA, "-o", run, *args, "--resume")
        self.assertIn("parameter average: decay 0.9", r.stdout)
        self.assertIn("1 updates so far", r.stdout)
        theta2, _ = parameters(os.path.join(run, "checkpoint"))
        exported, model = parameters(run)
        self.assertEqual(model.parameter_average, "none>ema 0.9")  # the --init model's phase, then this one
        self.assertEqual(model.selection, "best-validation>best-validation")
        # avg_0 = theta0 (the --init model), d_0 = 1/10, d_1 = 2/11 (the ramp, below 0.9); the one epoch is the best.
        moved = 0.0
        for k in theta0:
            expected = 2 / 11 * (0.1 * theta0[k] + 0.9 * theta1[k]) + 9 / 11 * theta2[k]
            self.assertLess(float((exported[k] - expected).abs().max()), 1e-13, k)
            moved = max(moved, float((theta2[k] - theta1[k]).abs().max()), float((theta1[k] - theta0[k]).abs().max()))
        self.assertGreater(moved, 1e-6)
        # Resuming with another --ema, or a run without it with --ema, is refused naming the checkpoint.
        def refused(directory, *options):
            r = subprocess.run(["mpirun", "-np", "1", DIXC, "train", DATA, "-o", directory, *options, "--resume"],
                               capture_output=True, text=True, env=ENV, timeout=600)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(os.path.join(directory, "checkpoint"), r.stderr)
            return r.stderr
        self.assertIn("started with --ema 0.9; resume it with --ema 0.9",
                      refused(run, *without(args, "--ema"), "--ema", "0.95"))
        self.assertIn("started with --ema", refused(run, *without(args, "--ema")))
        self.assertIn("started without --ema",
                      refused(pre, *COMMON, "--loss", "energy", "--max-steps", "3", "--epochs", "2", "--ema", "0.9"))

    def test_select_last_exports_the_last_epoch(self):
        # A learning rate that overshoots (0.3, still warming up): on the machine this test was written on the second
        # epoch's validation loss is higher than the first's, so the two selections differ and the comparison with
        # best_model.pt below can fail; where another trajectory makes the last epoch the best, only the first checks
        # hold.
        run = os.path.join(TMP, "select_last")
        log = mpirun(2, "train", DATA, "-o", run, *without(COMMON, "--lr", "--warmup"), "--lr", "0.3", "--warmup", "15",
                     "--loss", "energy", "--epochs", "2", "--select", "last").stdout
        # the epoch lines estimate the time left (none after the last epoch)
        epochs = [line for line in log.splitlines() if line.startswith("epoch ")]
        self.assertRegex(epochs[0], r"^epoch 1/2 .* ETA [0-9.]+ (s|min|h)$", log)
        self.assertNotIn("ETA", epochs[1], log)
        exported, model = parameters(run)
        live, _ = parameters(os.path.join(run, "checkpoint"))
        self.assertEqual(model.selection, "last")
        for k in live:
            self.assertTrue(torch.equal(exported[k], live[k]), k)
        if int(model.best_epoch) < 2:
            best = dict(torch.jit.load(os.path.join(run, "checkpoint", "best_model.pt")).named_parameters())
            self.assertTrue(any(not torch.equal(exported[k], best[k]) for k in live))

    def test_validate_every_skips_validation_but_not_training(self):
        # Every other epoch and the last one validated; training itself (and so the last epoch's model) unchanged.
        args = [*COMMON, "--loss", "energy", "--epochs", "3", "--select", "last", "--cache-mib", "1"]
        every = os.path.join(TMP, "validate_every_1")
        r1 = mpirun(1, "train", DATA, "-o", every, *args)
        self.assertEqual(r1.returncode, 0, r1.stdout + r1.stderr)
        sparse = os.path.join(TMP, "validate_every_2")
        r2 = mpirun(1, "train", DATA, "-o", sparse, *args, "--validate-every", "2")
        self.assertEqual(r2.returncode, 0, r2.stdout + r2.stderr)
        p1, _ = parameters(every)
        p2, _ = parameters(sparse)
        for k in p1:
            self.assertTrue(torch.equal(p1[k], p2[k]), k)
        rows1 = list(csv.DictReader(open(os.path.join(every, "losses.csv"))))
        rows2 = list(csv.DictReader(open(os.path.join(sparse, "losses.csv"))))
        self.assertEqual([r["val_loss"] == "" for r in rows2], [True, False, False])
        for a, b in zip(rows1[1:], rows2[1:]):
            self.assertEqual(a["val_loss"], b["val_loss"])
        self.assertEqual([r["train_loss"] for r in rows1], [r["train_loss"] for r in rows2])
        self.assertIn("epoch 1/3", r2.stdout)
        self.assertRegex(r2.stdout, r"epoch 1/3 .*\(not validated\)")
        # validation molecules beyond the budget are rebuilt only for the validated epochs
        loads = lambda text: int(re.search(r"(\d+) molecule loads for", text).group(1))
        _, v = map(int, re.search(r"rank 0: (\d+) training and (\d+) validation molecules", r1.stdout).groups())
        self.assertEqual(loads(r1.stdout) - loads(r2.stdout), v)
        bad = subprocess.run([DIXC, "train", DATA, "-o", sparse, "--validate-every", "0"], capture_output=True,
                             text=True, env=ENV, timeout=600)
        self.assertEqual(bad.returncode, 2, bad.stderr)
        self.assertIn("--validate-every must be at least 1", bad.stderr)

    def test_hidden_width_is_chosen_recorded_and_inherited_by_init(self):
        pre = self.run_training("hidden_pre", 1, "--loss", "energy", "--max-steps", "2", "--hidden", "8",
                                "--energy-norm", "total")
        p_pre, model = parameters(pre)
        self.assertEqual(model.hidden_width, 8)
        self.assertEqual(model.energy_normalisation, "total")
        self.assertEqual(tuple(p_pre["w1"].shape), (2, 8))  # gga-mlp: 2 inputs -> 8 -> 8 -> 2
        self.assertEqual(tuple(p_pre["w2"].shape), (8, 8))
        self.assertEqual(tuple(p_pre["w3"].shape), (8, 2))
        # without --hidden, --init's width is taken and its parameters are the start
        no_lr = without(COMMON, "--lr")
        fine = os.path.join(TMP, "hidden_fine")
        mpirun(1, "train", DATA, "-o", fine, *no_lr, "--lr", "0", "--max-steps", "1", "--loss", "energy",
               "--init", os.path.join(pre, "model.pt"))
        p_fine, fine_model = parameters(fine)
        self.assertEqual(fine_model.hidden_width, 8)
        for k in p_pre:
            self.assertTrue(torch.equal(p_fine[k], p_pre[k]), k)
        # another width than --init's is refused with both widths named
        r = subprocess.run(["mpirun", "-np", "1", DIXC, "train", DATA, "-o", os.path.join(TMP, "hidden_bad"),
                            *COMMON, "--max-steps", "1", "--loss", "energy", "--hidden", "16",
                            "--init", os.path.join(pre, "model.pt")], capture_output=True, text=True, env=ENV,
                           timeout=600)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("hidden width 8, this run asks for --hidden 16", r.stderr)
        # the default is 32 and recorded as such
        _, default_model = parameters(self.run_training("hidden_default", 1, "--loss", "energy", "--max-steps", "1"))
        self.assertEqual(default_model.hidden_width, 32)

    def test_nan_guard_skips_steps_and_names_the_molecule(self):
        bad = os.path.join(TMP, "nan.h5")
        shutil.copy(DATA, bad)
        with h5py.File(bad, "r+") as f:
            f["index"]["e_xc"][...] = float("nan")
        out = os.path.join(TMP, "nan")
        r = subprocess.run(["mpirun", "-np", "2", DIXC, "train", bad, "-o", out, *COMMON, "--max-steps", "2"],
                           capture_output=True, text=True, env=ENV, timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("non-finite loss for molecule '", r.stderr)
        self.assertIn("2 skipped", r.stdout)
        p_nan, _ = parameters(out)
        no_lr = without(COMMON, "--lr")
        fresh = subprocess.run(["mpirun", "-np", "1", DIXC, "train", DATA, "-o", os.path.join(TMP, "zero"), *no_lr,
                                "--max-steps", "1", "--lr", "0"], capture_output=True, text=True, env=ENV)
        self.assertEqual(fresh.returncode, 0, fresh.stderr)
        p_init, _ = parameters(os.path.join(TMP, "zero"))
        for k in p_nan:  # skipped steps leave the initial parameters untouched
            self.assertTrue(torch.equal(p_nan[k], p_init[k]), k)

    def test_a_bad_molecule_on_one_rank_ends_the_whole_job_with_its_name(self):
        # One molecule whose basis size does not match its arrays: the rank that loads it fails; every rank must
        # stop promptly with that rank's message and a non-zero exit (before: the other rank waited forever).
        bad = os.path.join(TMP, "bad_basis.h5")
        shutil.copy(DATA, bad)
        with h5py.File(bad, "r+") as f:
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["index"]["name"][...]]
            nbf = f["index"]["nbf"][...]
            nbf[names.index("CH3OH")] += 1
            f["index"]["nbf"][...] = nbf
        # no held-out molecules, so that every molecule is loaded by one of the two ranks
        common = without(COMMON, "--val-fraction", "--test-fraction")
        r = subprocess.run(["mpirun", "-np", "2", DIXC, "train", bad, "-o", os.path.join(TMP, "bad_basis"), *common,
                            "--max-steps", "1", "--val-fraction", "0", "--test-fraction", "0"],
                           capture_output=True, text=True, env=ENV, timeout=120)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("molecule 'CH3OH'", r.stderr)
        self.assertIn("mismatched basis", r.stderr)

    def signal_while_loading(self, out, *extra):
        """Starts np 2 training, sends SIGTERM to one rank once rank 0 has logged its split (loading follows),
        and returns the job's return code and output."""
        args = ["mpirun", "-np", "2", DIXC, "train", DATA, "-o", out, *COMMON, "--loss", "di", *extra]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("split ("):
                break
        time.sleep(0.2)  # both ranks past start-up (their handlers installed), neither done loading (~1 s here)
        ranks = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        self.assertEqual(len(ranks), 2, "rank processes not found")
        os.kill(int(ranks[-1]), signal.SIGTERM)
        lines.append(proc.stdout.read())
        return proc.wait(timeout=300), "".join(lines)

    def test_signal_before_the_first_step_ends_every_rank_and_keeps_the_checkpoint(self):
        fresh = os.path.join(TMP, "signal_fresh")
        rc, log = self.signal_while_loading(fresh, "--epochs", "3")
        self.assertEqual(rc, 0, log)
        self.assertIn("signal 15 while loading the training molecules: stopped before this run's first step; "
                      "nothing was trained (rerun the same command)", log)
        self.assertIn("interrupted before the first step, no checkpoint (rerun the same command)", log)
        self.assertNotIn("epoch 1/", log)
        self.assertFalse(os.path.exists(os.path.join(fresh, "checkpoint")))
        self.assertFalse(os.path.exists(os.path.join(fresh, "model.pt")))
        # A resumed run stopped while loading leaves its checkpoint as it was.
        resumed = os.path.join(TMP, "signal_resumed")
        mpirun(2, "train", DATA, "-o", resumed, *COMMON, "--loss", "di", "--epochs", "3", "--stop-after-steps", "2")
        checkpoint = os.path.join(resumed, "checkpoint")
        before = {f: open(os.path.join(checkpoint, f), "rb").read() for f in os.listdir(checkpoint)}
        rc, log = self.signal_while_loading(resumed, "--epochs", "3", "--resume")
        self.assertEqual(rc, 0, log)
        self.assertIn("stopped before this run's first step; the checkpoint is unchanged (rerun with --resume)", log)
        self.assertIn("interrupted, checkpoint in", log)
        self.assertNotIn("resuming from", log)
        after = {f: open(os.path.join(checkpoint, f), "rb").read() for f in os.listdir(checkpoint)}
        self.assertEqual(before, after)

    def test_evaluate_resumes_after_a_signal_with_the_same_metrics(self):
        model = os.path.join(self.run_training("eval_resume", 2, "--epochs", "1"), "model.pt")
        args = [DATA, "--model", model, "--split", "all", "--max-molecules", "6", "--baselines", "blyp"]
        full = os.path.join(TMP, "eval_resume_full")
        mpirun(2, "evaluate", *args, "-o", full)
        with open(os.path.join(full, "metrics.csv")) as f:
            expected = f.read()
        # SIGTERM to both ranks (as SLURM signals every task) once the first molecule is done.
        out = os.path.join(TMP, "eval_resume")
        proc = subprocess.Popen(["mpirun", "-np", "2", DIXC, "evaluate", *args, "-o", out], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=ENV)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("[rank "):
                break
        for pid in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split():
            os.kill(int(pid), signal.SIGTERM)
        lines.append(proc.stdout.read())
        log = "".join(lines)
        self.assertEqual(proc.wait(timeout=300), 0, log)
        self.assertIn("interrupted by signal 15; finished molecules are kept in", log)
        self.assertFalse(os.path.exists(os.path.join(out, "metrics.csv")), log)
        self.assertFalse(os.path.exists(os.path.join(out, "report.md")), log)
        kept = sum(len(open(os.path.join(out, "finished", f)).readlines())
                   for f in os.listdir(os.path.join(out, "finished")))
        self.assertGreaterEqual(kept, 1)
        self.assertLess(kept, 6, "every molecule finished before the signal; nothing was tested")
        r = mpirun(2, "evaluate", *args, "-o", out)
        self.assertIn(f"{kept} of 6 molecules finished by an earlier run of this evaluation", r.stdout)
        self.assertEqual(len(re.findall(r"^\[rank \d\] ", r.stdout, re.M)), 6 - kept, r.stdout)
        with open(os.path.join(out, "metrics.csv")) as f:
            self.assertEqual(f.read(), expected)
        # Complete: a rerun computes nothing and writes the same metrics.
        r = mpirun(2, "evaluate", *args, "-o", out)
        self.assertIn("6 of 6 molecules finished by an earlier run", r.stdout)
        self.assertNotIn("[rank ", r.stdout)
        with open(os.path.join(out, "metrics.csv")) as f:
            self.assertEqual(f.read(), expected)
        # A subset of the finished molecules (another --max-molecules) is computed from them alone.
        r = mpirun(2, "evaluate", *without(args, "--max-molecules"), "--max-molecules", "4", "-o", out)
        self.assertIn("4 of 4 molecules finished by an earlier run", r.stdout)
        self.assertNotIn("[rank ", r.stdout)
        with open(os.path.join(out, "metrics.csv")) as f:
            rows = f.read().splitlines()
        self.assertEqual(len(rows), 5)
        self.assertTrue(set(rows) <= set(expected.splitlines()), rows)
        # The same settings on other reference data for one molecule (its total energy changed in a copy of the
        # dataset): that molecule alone is computed again.
        changed = rows[1].split(",")[0]
        other = os.path.join(TMP, "eval_resume_other.h5")
        shutil.copy(DATA, other)
        with h5py.File(other, "r+") as f:
            names = [n.decode().rstrip("\x00") for n in f["index/name"][()]]
            f["index/energy_total"][names.index(changed)] += 1e-6
        r = mpirun(2, "evaluate", other, *args[1:], "-o", out)
        self.assertIn("5 of 6 molecules finished by an earlier run", r.stdout)
        self.assertEqual(re.findall(r"^\[rank \d\] (\S+):", r.stdout, re.M), [changed], r.stdout)
        # Other settings are another evaluation: its results (6 + the one computed again) are removed and
        # everything is computed.
        r = mpirun(2, "evaluate", *args, "--max-iter", "99", "-o", out)
        self.assertIn("0 of 6 molecules finished", r.stdout)
        self.assertIn("7 results of another evaluation there (other model, dataset, settings or dixc) removed",
                      r.stdout)
        self.assertEqual(len(re.findall(r"^\[rank \d\] ", r.stdout, re.M)), 6, r.stdout)

    def test_grid_definition_change_is_detected(self):
        # A dataset whose grid integrated one molecule's density to another electron count than this dixc's grid
        # of the same name (as after a change of the level's definition): training stops with a clear error.
        changed = os.path.join(TMP, "grid_changed.h5")
        shutil.copy(DATA, changed)
        with h5py.File(changed, "r+") as f:
            f["index"]["n_electrons_integrated"][...] += 2e-6
        r = subprocess.run(["mpirun", "-np", "1", DIXC, "train", changed, "-o", os.path.join(TMP, "grid_changed"),
                            *COMMON, "--max-steps", "1"], capture_output=True, text=True, env=ENV, timeout=600)
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, "molecule '[^']+': grid 'coarse' of this dixc integrates")
        self.assertIn("regenerate the dataset", r.stderr)

    def test_dataset_without_its_basis_attribute_is_refused(self):
        stripped = os.path.join(TMP, "no_basis.h5")
        shutil.copy(DATA, stripped)
        with h5py.File(stripped, "r+") as f:
            del f.attrs["basis"]
        r = subprocess.run(["mpirun", "-np", "1", DIXC, "train", stripped, "-o", os.path.join(TMP, "no_basis"),
                            *COMMON, "--max-steps", "1"], capture_output=True, text=True, env=ENV, timeout=600)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("no_basis.h5: the dataset has no 'basis' attribute", r.stderr)

    def check_scf_with_model(self, model, evaluated):
        """dixc scf --functional model.pt on the molecule's stored geometry gives evaluate's model SCF energy."""
        with h5py.File(DATA, "r") as f:
            index = f["index"]
            names = [x.decode().rstrip("\x00") for x in index["name"][:int(index.attrs["n_committed"])]]
            row = names.index(evaluated["name"])

            def array(field):
                off, length = int(index["offset_" + field][row]), int(index["length_" + field][row])
                return f["arrays"][field][off:off + length]
            z = array("atomic_numbers").astype(int)
            xyz_bohr = array("positions_bohr").reshape((3, len(z)), order="F")
            charge = int(index["charge"][row])
        symbols = {1: "H", 6: "C", 7: "N", 8: "O", 9: "F"}
        path = os.path.join(TMP, evaluated["name"] + ".xyz")
        with open(path, "w") as f:
            f.write(f"{len(z)}\ncharge={charge}\n")
            for a in range(len(z)):
                f.write(symbols[z[a]] + "".join(f" {x * 0.529177210903:.16f}" for x in xyz_bohr[:, a]) + "\n")
        out = os.path.join(TMP, "scf_model.json")
        r = subprocess.run([DIXC, "scf", path, "--functional", model, "--grid", "coarse", "--charge", str(charge),
                            "--json", out, "-q"], capture_output=True, text=True, env=ENV, timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(out) as f:
            result = json.load(f)
        self.assertEqual(result["method"], model)
        self.assertGreater(result["grid_points"], 0)
        self.assertAlmostEqual(result["energy_total"], evaluated["energy_model"], delta=1e-8)
        # a file that is not a dixc model is refused with its name
        bad = os.path.join(TMP, "not_a_model.pt")
        with open(bad, "w") as f:
            f.write("not torchscript")
        r = subprocess.run([DIXC, "scf", path, "--functional", bad], capture_output=True, text=True, env=ENV)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("not_a_model.pt", r.stderr)

    def test_evaluate_separates_held_out_molecules_with_elements_training_barely_has(self):
        # A split seed whose test split has both kinds of molecule (the shipped set has HCl, LiH, PH3, SH2, SiH4,
        # each the only parent of its heavy element).
        elements = index_formulas(DATA)
        for seed in range(100):
            split = split_of(elements, seed, 0.15, 0.15)
            trained = [e for n, e in elements.items() if split[n] == "train" and not re.search(r"_r\d+$", n)]
            rare = {n: sorted((x, sum(x in t for t in trained)) for x in e if sum(x in t for t in trained) < 2)
                    for n, e in elements.items() if split[n] == "test"}
            if any(rare.values()) and not all(rare.values()):
                break
        out = os.path.join(TMP, "coverage")
        log = mpirun(1, "train", DATA, "-o", out, *without(COMMON, "--seed"), "--loss", "energy", "--max-steps", "1",
                     "--split-seed", str(seed)).stdout
        for name, r in rare.items():
            self.assertEqual(f"  test {name}:" in log, bool(r), log)
        ev = os.path.join(TMP, "coverage_eval")
        mpirun(2, "evaluate", DATA, "--model", os.path.join(out, "model.pt"), "-o", ev, "--split", "test",
               "--baselines", "blyp")
        with open(os.path.join(ev, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["n_ok"], len(rare), summary)
        symbol_in = lambda x, n: f"{x} in {n} training parent" + ("" if n == 1 else "s")
        for m in summary["molecules"]:
            self.assertEqual(set(m["rare_elements"].split(", ")) - {""}, {symbol_in(x, n) for x, n in rare[m["name"]]},
                             m["name"])
        covered = [m for m in summary["molecules"] if not rare[m["name"]]]
        well = summary["well_covered"]
        self.assertEqual(well["n_ok"], len(covered))
        self.assertEqual(sorted(well["excluded"]),
                         sorted(f"{n} ({m})" for n, m in ((m["name"], m["rare_elements"])
                                                         for m in summary["molecules"]) if m))
        mean = lambda values: sum(values) / len(values)
        self.assertAlmostEqual(well["mean"]["energy_error_mEh"], mean([m["energy_error_mEh"] for m in covered]),
                               places=12)
        self.assertAlmostEqual(well["baseline_mean"]["blyp"]["e_rho_mEh"],
                               mean([m["baselines"]["blyp"]["e_rho_mEh"] for m in covered]), places=12)
        with open(os.path.join(ev, "report.md")) as f:
            self.assertIn(f"Without them ({len(covered)} molecules)", f.read())
        with open(os.path.join(ev, "metrics.csv")) as f:
            self.assertEqual({r["name"]: r["rare_elements"] for r in csv.DictReader(f)},
                             {m["name"]: m["rare_elements"] for m in summary["molecules"]})

    def test_loss_decreases_and_evaluate_reports(self):
        out = self.run_training("decrease", 2, "--epochs", "4")
        with open(os.path.join(out, "losses.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 4)
        first, last = float(rows[0]["train_loss"]), float(rows[-1]["train_loss"])
        self.assertLess(last, 0.9 * first, rows)
        self.assertLess(float(rows[-1]["val_loss"]), float(rows[0]["val_loss"]), rows)
        # model.pt holds the parameters of the epoch with the lowest validation loss (also kept as best_model.pt)
        best = min(range(len(rows)), key=lambda i: float(rows[i]["val_loss"]))
        p_model, model = parameters(out)
        self.assertEqual(int(model.best_epoch), best + 1)
        p_best = dict(torch.jit.load(os.path.join(out, "checkpoint", "best_model.pt")).named_parameters())
        for k in p_model:
            self.assertTrue(torch.equal(p_model[k], p_best[k]), k)
        self.assertEqual(len(model.loss_scales.split(",")), 4)
        # evaluate: self-consistent metrics, E_rho >= 0 (grid noise tolerance 1e-6 mEh), report with plots
        ev = os.path.join(TMP, "eval")
        mpirun(2, "evaluate", DATA, "--model", os.path.join(out, "model.pt"), "-o", ev, "--split", "all",
               "--max-molecules", "4")
        with open(os.path.join(ev, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["architecture"], "gga-mlp")
        self.assertEqual(summary["loss_mode"], "di")
        self.assertEqual(summary["seeds"], "5")
        self.assertEqual(summary["n_ok"], 4, summary)
        for m in summary["molecules"]:
            self.assertGreaterEqual(m["e_rho_mEh"], -1e-6, m["name"])
            self.assertGreater(m["energy_error_mEh"], 0.0)
            self.assertEqual(len(m["excitations_model_ev"]), 2)
        self.check_scf_with_model(os.path.join(out, "model.pt"), summary["molecules"][0])
        for png in ("errors.png", "parity.png", "scf_iterations.png", "training.png"):
            self.assertGreater(os.path.getsize(os.path.join(ev, png)), 1000, png)
        with open(os.path.join(ev, "report.md")) as f:
            report = f.read()
        self.assertIn("E_rho", report)
        # baselines on the same molecules: libxc BLYP and PBE, their own SCF
        self.assertEqual(set(summary["baseline_mean"]), {"blyp", "pbe"})
        for b in summary["baseline_mean"].values():
            self.assertEqual(b["n"], 4)
            self.assertGreater(b["energy_error_mEh"], 0.0)
        self.assertIn("| blyp |", report)
        # A molecule that fails on one rank (its model SCF is allowed one iteration; rank 1 has none): the job
        # ends promptly with exit 3 and the molecule's name, after writing what it has.
        failed_dir = os.path.join(TMP, "eval_failed")
        start = time.time()
        r = subprocess.run(["mpirun", "-np", "2", "--bind-to", "none", DIXC, "evaluate", DATA, "--model",
                            os.path.join(out, "model.pt"), "-o", failed_dir, "--split", "all", "--max-molecules",
                            "1", "--max-iter", "1"], capture_output=True, text=True, env=ENV, timeout=300)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertLess(time.time() - start, 60)
        with open(os.path.join(failed_dir, "metrics.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([row["ok"] for row in rows], ["0"])
        self.assertIn(rows[0]["name"] + ": SCF with the learned functional did not converge", r.stderr)
        # The held-out split is only defined on the training dataset: another dataset is a clear error.
        other = os.path.join(TMP, "other.h5")
        shutil.copy(DATA, other)
        with h5py.File(other, "r+") as f:
            f.attrs["seed"] = b"99"
        r = subprocess.run(["mpirun", "-np", "1", DIXC, "evaluate", other, "--model", os.path.join(out, "model.pt"),
                            "-o", os.path.join(TMP, "eval_other")], capture_output=True, text=True, env=ENV)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("fingerprints differ", r.stderr)
        table = os.path.join(TMP, "table.md")
        r = subprocess.run([DIXC, "evaluate", "--compare", ev, "--table", table], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("| gga-mlp | di |", open(table).read())


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

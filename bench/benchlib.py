"""Helpers shared by the bench/ scripts: timing a command on a machine that other people also use.

A wall time is only meaningful if nothing else ran meanwhile. `timed` therefore waits until the CPUs are idle,
and afterwards compares the machine's busy time (/proc/stat) with the CPU time of our own child processes: the
difference is "foreign" load. Runs during which other work kept more than `max_foreign` of the cores busy are
repeated.
"""
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NCPU = os.cpu_count()


def busy_seconds():
  """CPU seconds of all cores outside idle and iowait since boot (steal counts: the host took the core)."""
  fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
  user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
  return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children_seconds():
  r = resource.getrusage(resource.RUSAGE_CHILDREN)
  return r.ru_utime + r.ru_stime


def wait_for_quiet(threshold=0.1, window=0.5, timeout=1800):
  """Blocks until less than `threshold` of the cores were busy over `window` seconds (or timeout passed)."""
  t_end = time.monotonic() + timeout
  while time.monotonic() < t_end:
    b0 = busy_seconds()
    time.sleep(window)
    if (busy_seconds() - b0) / (window * NCPU) < threshold:
      return
  print("benchlib: machine still busy, timing anyway", file=sys.stderr)


def timed(cmd, env=None, cwd=None, max_foreign=0.1, attempts=5):
  """Runs cmd to completion; returns (wall seconds, CompletedProcess, foreign load fraction of the cores)."""
  for attempt in range(attempts):
    wait_for_quiet()
    b0, c0, t0 = busy_seconds(), children_seconds(), time.perf_counter()
    proc = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    # /proc/stat ticks are coarse (10 ms): ignore the rounding on very short runs.
    foreign = max(0.0, (busy_seconds() - b0) - (children_seconds() - c0) - 0.02 * NCPU) / (wall * NCPU)
    if proc.returncode != 0 or foreign <= max_foreign:
      break
    print(f"benchlib: {foreign:.0%} foreign load during {Path(str(cmd[0])).name}, repeating", file=sys.stderr)
  return wall, proc, foreign


def cpu_model():
  for line in Path("/proc/cpuinfo").read_text().splitlines():
    if line.startswith("model name"):
      return line.split(":", 1)[1].strip()
  return "unknown"

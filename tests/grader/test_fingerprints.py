"""fingerprints.run_probe, the parent's way of running a probe in-process
(the oracle, the known mistakes): one at a time, since a probe may set
process-wide torch state for its run (gan's train_step probe seeds the
global RNG that SPEC's noise comes from and sets the default dtype), and
``dlgrade batch`` grades students in threads."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import torch

from grader import fingerprints
from grader.check import Check
from grader.child.probes import PROBES


def _racy(api, seed):
    """Seeds the global generator, yields the CPU, then draws from it."""
    torch.manual_seed(seed)
    time.sleep(0.02)
    return {"x": torch.randn(4)}


def test_probes_run_one_at_a_time_in_threads(monkeypatch):
    monkeypatch.setitem(PROBES["batchnorm"], "racy", _racy)
    checks = [Check("0.1", "racy", 1.0, "racy", {"seed": s}, ()) for s in range(8)]
    alone = [fingerprints.run_probe("batchnorm", None, c)["x"].array for c in checks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda c: fingerprints.run_probe("batchnorm", None, c)["x"].array, checks))
    assert all((a == b).all() for a, b in zip(alone, together))
    assert len({a.tobytes() for a in alone}) == 8

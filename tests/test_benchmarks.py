"""Smoke test only: the benchmark scripts run at a tiny size. Timings are never asserted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str):
    if str(BENCHMARKS) not in sys.path:  # the scripts import their shared _common module
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["bench_standardize", "bench_scoring"])
def test_benchmark_runs_at_tiny_size(name, capsys):
    rows = _load(name).main(["--rows", "200", "--cols", "8", "--repeat", "1"])
    assert rows and all(row["cvlib_s"] > 0 and row["peer_s"] > 0 for row in rows)
    assert "ratio" in capsys.readouterr().out


def test_scoring_benchmark_agrees_with_the_plain_reference():
    (row,) = _load("bench_scoring").main(["--rows", "500", "--cols", "12", "--repeat", "1"])
    assert row["max_abs_score_difference"] < 1e-12

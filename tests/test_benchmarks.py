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


def test_rfm_benchmark_runs_at_tiny_size(capsys):
    pytest.importorskip("polars")
    pytest.importorskip("lifetimes")
    rows = _load("bench_rfm").main(["--sizes", "20000", "--repeat", "1", "--no-memory"])
    timings = [row for row in rows if row["kind"] == "timing"]
    ratios = [row for row in rows if row["kind"] == "ratio"]
    assert len(timings) == 6 and all(row["seconds"] > 0 for row in timings)
    assert ratios and all(row["cvlib_s"] > 0 and row["peer_s"] > 0 for row in ratios)
    assert all(row["agreement"].startswith(("ok", "same customers")) for row in ratios)
    assert "ratios peer / cvlib" in capsys.readouterr().out


def test_rfm_benchmark_skips_lifetimes_above_the_limit(capsys):
    pytest.importorskip("polars")
    rows = _load("bench_rfm").main(
        ["--sizes", "5000", "--repeat", "1", "--skip-lifetimes-above", "1000"]
    )
    assert {row["met"] for row in rows if "lifetimes" in row.get("comparison", "")} == {"skipped"}
    assert "lifetimes SKIPPED" in capsys.readouterr().out


def test_rfm_duckdb_benchmark_runs_at_tiny_size(tmp_path, capsys):
    pytest.importorskip("duckdb")
    (row,) = _load("bench_rfm_duckdb").main(
        ["--rows", "200000", "--threads", "1", "--memory-limit", "500MB", "--dir", str(tmp_path)]
    )
    assert row["cvlib_s"] > 0 and row["rows"] == 200_000 and row["reconciliation_holds"]
    assert row["process_peak_rss_mib"] > 0
    assert list(tmp_path.iterdir()) == []  # the temporary directory is removed
    assert "memory_limit" in capsys.readouterr().out


def test_ahp_benchmark_runs_at_tiny_size(capsys):
    argv = (
        "--respondents 60 --sizes 4 --repeat 1 --peer-sample 3 --missing-sample 2 "
        "--group-respondents 8 --boot 5 --customers 300 --indicators 8"
    )
    rows = _load("bench_ahp").main(argv.split())
    timed = [row for row in rows if row["cvlib_s"] is not None]
    assert timed and all(row["cvlib_s"] > 0 for row in timed)
    assert any(row["task"].startswith("diagnose(k=1)") for row in rows)
    assert any(row["task"].startswith("score_customers") for row in rows)
    out = capsys.readouterr().out
    assert "ratio = peer / cvlib" in out and "load average before" in out

"""Speed of RFM on a synthetic line-item log: cvlib vs lifetimes vs a bare polars group-by.

    .venv/bin/python benchmarks/bench_rfm.py [--sizes 1M,10M] [--repeat R] [--seed S]
        [--skip-lifetimes-above N] [--no-memory]

For each size, one log from ``cvlib.datasets.synthetic_transactions(n, seed=S)`` (methods/rfm.md
§17.2: int invoices, naive timestamps, int customer ids, 2 % return lines) is timed, in this
process and on the same data (pandas frame, and the same frame converted to polars once):

* lifetimes 0.11.3 ``summary_data_from_transaction_data`` (daily periods, amount as monetary);
* a bare polars group-by: customer -> max timestamp, n_unique invoice, sum amount (no
  validation, no returns policy, no card);
* cvlib ``rfm_table(order="invoice")`` + ``score`` + ``segment(preset="r_rfm_0_3")``, with
  pandas and with polars input;
* cvlib ``btyd_summary(occasion="any")`` (the lifetimes definition on data with returns), with
  pandas and with polars input, checked against lifetimes: frequency, recency and T exactly,
  monetary_value to 1e-9 (§6.4).

Each time is the best of R timed calls after one warm-up (§17.1: R = 3). Ratios are peer /
cvlib (> 1: cvlib is faster); the goals are those of §17.1. Memory, when cheap, comes from one
extra untimed call per task: the peak of the resident set size sampled every 2 ms during the
call minus the RSS when it started (Linux /proc/self/statm; sees numpy, Arrow and Rust
allocations, but allocator caches can hide reuse), and the tracemalloc peak (numpy and Python
allocations only; polars' Rust heap is not seen). lifetimes above ``--skip-lifetimes-above`` lines (default 2,000,000) is skipped and said
so; BTYD is then checked pandas vs polars only. Run by hand, not in CI; tests/test_benchmarks.py
runs it at a tiny size as a smoke test only.
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from _common import best_of

MIB = 1024 * 1024
KW = {"customer": "customer_id", "date": "timestamp", "amount": "amount"}


# ------------------------------------------------------------------------------- memory helpers
def rss_bytes() -> int | None:
    """Current resident set size of this process (Linux), or None where /proc is missing."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def max_rss_bytes() -> int:
    """High-water mark of the resident set size of this process (getrusage ru_maxrss)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if os.uname().sysname == "Darwin" else peak * 1024  # Linux reports KiB


class PeakSampler:
    """Samples ``read()`` (bytes) in a background thread; ``.peak`` is the largest value seen.

    Use as a context manager around one call. ``read`` returns None when unavailable.
    """

    def __init__(self, read: Callable[[], int | None] = rss_bytes, interval: float = 0.002):
        self.read, self.interval = read, interval
        self.start = self.peak = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        value = self.read()
        if value is not None and (self.peak is None or value > self.peak):
            self.peak = value

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakSampler:
        self.start = self.read()
        self.peak = self.start
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def delta(self) -> int | None:
        return None if self.start is None or self.peak is None else self.peak - self.start


def memory_of(fn: Callable[[], object]) -> dict[str, float | None]:
    """Peak RSS delta (sampled) of one call, then the tracemalloc peak of another call (MiB)."""
    with PeakSampler() as sampler:
        fn()
    tracemalloc.start()
    try:
        fn()
        _, traced_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    delta = sampler.delta
    return {
        "peak_rss_delta_mib": None if delta is None else delta / MIB,
        "tracemalloc_peak_mib": traced_peak / MIB,
    }


# ---------------------------------------------------------------------------- arguments, checks
def _size(text: str) -> int:
    text = text.strip().replace("_", "").lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def _sizes(text: str) -> list[int]:
    return [_size(part) for part in text.split(",") if part.strip()]


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=[1_000_000, 10_000_000], help="e.g. 1M,10M or 20000"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--skip-lifetimes-above", type=_size, default=2_000_000)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory calls")
    return parser.parse_args(argv)


def btyd_agreement(ours: pd.DataFrame, theirs: pd.DataFrame) -> str:
    """§6.4: same index, frequency/recency/T exactly, monetary_value to 1e-9 absolute."""
    theirs = theirs.sort_index()
    if not ours.index.equals(theirs.index):
        return f"FAIL: index differs ({len(ours):,} vs {len(theirs):,} customers)"
    for col in ("frequency", "recency", "T"):
        n_bad = int((ours[col].to_numpy() != theirs[col].to_numpy()).sum())
        if n_bad:
            return f"FAIL: {col} differs for {n_bad:,} customers"
    diff = np.abs(ours["monetary_value"].to_numpy() - theirs["monetary_value"].to_numpy()).max()
    status = "ok" if diff <= 1e-9 else "FAIL"
    return f"{status}: F/R/T exact, max |Δ monetary_value| {diff:.1e}"


def frames_agreement(a: pd.DataFrame, b: pd.DataFrame) -> str:
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=0)
    except AssertionError as err:
        return "FAIL: " + " ".join(str(err).split())[:150]
    return "ok: identical tables"


def polars_agreement(ours: pd.DataFrame, bare) -> str:
    """cvlib's customer table vs the bare group-by: same customers, same M; F and last date
    differ only where return-only invoices (not purchase occasions in cvlib) are counted."""
    bare = bare.to_pandas().set_index("customer_id").sort_index()
    ours = ours.set_index("customer_id").sort_index()
    if not ours.index.equals(bare.index):
        return f"FAIL: customers differ ({len(ours):,} vs {len(bare):,})"
    m_ours, m_bare = ours["monetary"].to_numpy(), bare["monetary"].to_numpy()
    rel = float(np.max(np.abs(m_ours - m_bare) / np.maximum(np.abs(m_bare), 1.0)))
    n_f = int((ours["frequency"].to_numpy() != bare["orders"].to_numpy()).sum())
    last_day = bare["last"].dt.floor("D").to_numpy()
    n_last = int((ours["last_purchase"].to_numpy() != last_day).sum())
    status = "ok" if rel <= 1e-9 else "FAIL"
    return (
        f"{status}: M rel diff {rel:.1e}; F ≠ n_unique(invoice) for {n_f:,}, last day differs "
        f"for {n_last:,} (return-only invoices)"
    )


def lifetimes_rfm_agreement(ours: pd.DataFrame, theirs: pd.DataFrame) -> str:
    """Recency cross-check: cvlib recency_days (analysis date max+1d) = T - recency + 1."""
    ours = ours.set_index("customer_id").sort_index()
    theirs = theirs.sort_index()
    if not ours.index.equals(theirs.index):
        return f"FAIL: customers differ ({len(ours):,} vs {len(theirs):,})"
    expected = (theirs["T"] - theirs["recency"] + 1).to_numpy()
    n_bad = int((ours["recency_days"].to_numpy(dtype=float, na_value=np.nan) != expected).sum())
    return f"same customers; recency_days ≠ T−recency+1 for {n_bad:,} (return-only last day)"


# ------------------------------------------------------------------------------------ benchmark
def run_size(n: int, args: argparse.Namespace) -> tuple[list[dict], list[dict], list[str]]:
    import polars as pl

    from cvlib.datasets import synthetic_transactions
    from cvlib.rfm import btyd_summary, rfm_table, score, segment

    start = time.perf_counter()
    tx = synthetic_transactions(n, seed=args.seed)
    txp = pl.from_pandas(tx)
    made = time.perf_counter() - start
    size_pd = tx.memory_usage(deep=True).sum()
    size_pl = txp.estimated_size()
    notes = [
        f"{n:,} lines ({tx.attrs['cvlib']['invoices']:,} invoices, "
        f"{tx.attrs['cvlib']['customers']:,} customers, {tx.attrs['cvlib']['return_lines']:,} "
        f"return lines), seed {args.seed}, generated + converted to polars in {made:.1f} s; "
        f"input {size_pd / MIB:,.0f} MiB pandas, {size_pl / MIB:,.0f} MiB polars"
    ]
    run_lifetimes = n <= args.skip_lifetimes_above
    if run_lifetimes:
        from lifetimes.utils import summary_data_from_transaction_data

    def cvlib_pipeline(frame):
        return segment(score(rfm_table(frame, **KW, order="invoice")), preset="r_rfm_0_3")

    def bare_polars():
        return txp.group_by("customer_id").agg(
            pl.col("timestamp").max().alias("last"),
            pl.col("invoice").n_unique().alias("orders"),
            pl.col("amount").sum().alias("monetary"),
        )

    def lifetimes_call():
        return summary_data_from_transaction_data(
            tx, "customer_id", "timestamp", monetary_value_col="amount"
        )

    pipe, btyd, bare, life = (
        "cvlib rfm_table+score+segment",
        "cvlib btyd_summary",
        "bare polars group-by",
        "lifetimes summary_data_from_transaction_data",
    )
    # (task, input) -> (call, input size in bytes)
    tasks: dict[tuple[str, str], tuple[Callable[[], object], int]] = {
        (pipe, "pandas"): (lambda: cvlib_pipeline(tx), size_pd),
        (pipe, "polars"): (lambda: cvlib_pipeline(txp), size_pl),
        (btyd, "pandas"): (lambda: btyd_summary(tx, **KW, occasion="any"), size_pd),
        (btyd, "polars"): (lambda: btyd_summary(txp, **KW, occasion="any"), size_pl),
        (bare, "polars"): (bare_polars, size_pl),
    }
    if run_lifetimes:
        tasks[life, "pandas"] = (lifetimes_call, size_pd)
    else:
        notes.append(
            f"lifetimes SKIPPED at {n:,} lines (> --skip-lifetimes-above "
            f"{args.skip_lifetimes_above:,}); BTYD checked pandas vs polars only"
        )

    # first call of each task: the outputs for the agreement checks, cvlib's warnings recorded
    out = {}
    for key, (fn, _) in tasks.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out[key] = fn()
        if key[0].startswith("cvlib"):
            for message in dict.fromkeys(str(w.message)[:160] for w in caught):
                notes.append(f"warning in {key[0]} ({key[1]}): {message}")

    timings = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for (name, backend), (fn, input_size) in tasks.items():
            row = {
                "kind": "timing",
                "n_lines": n,
                "task": name,
                "input": backend,
                "seconds": best_of(fn, args.repeat),
            }
            if not args.no_memory:
                row.update(memory_of(fn))
                delta = row["peak_rss_delta_mib"]
                row["rss_delta_over_input"] = None if delta is None else delta * MIB / input_size
            timings.append(row)
    t = {(row["task"], row["input"]): row["seconds"] for row in timings}
    t_life, t_bare = t.get((life, "pandas")), t[bare, "polars"]
    seg_pd, seg_pl = out[pipe, "pandas"].table, out[pipe, "polars"].table
    btyd_pd, btyd_pl = out[btyd, "pandas"].table, out[btyd, "polars"].table
    theirs = out.get((life, "pandas"))

    def compare(comparison, cvlib_key, peer, t_peer, goal, target, agreement):
        t_cvlib = t[cvlib_key]
        ratio = None if t_peer is None else t_peer / t_cvlib
        met = "skipped" if ratio is None else ("yes" if target(ratio) else "NO")
        return {
            "kind": "ratio",
            "n_lines": n,
            "comparison": comparison,
            "cvlib_s": t_cvlib,
            "peer": peer,
            "peer_s": t_peer,
            "ratio_peer_over_cvlib": ratio,
            "goal": goal,
            "met": met,
            "agreement": agreement,
        }

    if theirs is not None:
        life_rfm = lifetimes_rfm_agreement(seg_pd, theirs)
        btyd_check_pd = btyd_agreement(btyd_pd, theirs)
        btyd_check_pl = btyd_agreement(btyd_pl, theirs)
    else:
        life_rfm = "lifetimes skipped"
        btyd_check_pd = "lifetimes skipped"
        btyd_check_pl = "vs pandas input: " + frames_agreement(btyd_pl, btyd_pd)
    bare_check = polars_agreement(seg_pd, out[bare, "polars"])
    ratios = [
        compare(f"{pipe} (pandas) vs lifetimes", (pipe, "pandas"), "lifetimes", t_life,
                "≥ 5", lambda r: r >= 5, life_rfm),
        compare(f"{pipe} (polars) vs lifetimes", (pipe, "polars"), "lifetimes", t_life,
                "≥ 5", lambda r: r >= 5, life_rfm),
        compare(f"{pipe} (pandas) vs bare polars", (pipe, "pandas"), "bare polars group-by",
                t_bare, "≥ 0.5 (within 2x)", lambda r: r >= 0.5, bare_check),
        compare(f"{pipe} (polars) vs bare polars", (pipe, "polars"), "bare polars group-by",
                t_bare, "≥ 0.5 (within 2x)", lambda r: r >= 0.5, bare_check),
        compare(f"{pipe}: polars input vs pandas input", (pipe, "polars"), "same, pandas input",
                t[(pipe, "pandas")], "≥ 1 (not slower)", lambda r: r >= 1,
                frames_agreement(seg_pl, seg_pd)),
        compare(f"{btyd} (pandas) vs lifetimes", (btyd, "pandas"),
                "lifetimes", t_life, "> 1", lambda r: r > 1, btyd_check_pd),
        compare(f"{btyd} (polars) vs lifetimes", (btyd, "polars"),
                "lifetimes", t_life, "> 1", lambda r: r > 1, btyd_check_pl),
    ]  # fmt: skip
    return timings, ratios, notes


def _print(frame: pd.DataFrame) -> None:
    with pd.option_context(
        "display.width", 250, "display.max_colwidth", 110, "display.float_format", "{:,.3f}".format
    ):
        print(frame.to_string(index=False, na_rep="—"))


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_arguments(argv)
    # import warm-up on a tiny log so that lazy imports are not in the first call's memory
    run_size(2_000, argparse.Namespace(**{**vars(args), "repeat": 1, "no_memory": True}))
    rows = []
    for n in args.sizes:
        timings, ratios, notes = run_size(n, args)
        print(f"\n=== {n:,} line items ===")
        for note in notes:
            print("  " + note)
        memory = "" if args.no_memory else "; memory from 2 extra untimed calls"
        print(f"\ntimes (best of {args.repeat} after one warm-up{memory}):")
        _print(pd.DataFrame(timings).drop(columns=["kind", "n_lines"]))
        print("\nratios peer / cvlib (> 1: cvlib faster):")
        _print(pd.DataFrame(ratios).drop(columns=["kind", "n_lines", "agreement"]))
        print("\nagreement:")
        for row in ratios:
            print(f"  {row['comparison']}: {row['agreement']}")
        print(f"\nprocess peak RSS so far (ru_maxrss): {max_rss_bytes() / MIB:,.0f} MiB")
        rows += timings + ratios
    return rows


if __name__ == "__main__":
    main()

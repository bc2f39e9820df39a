"""Peak memory of cvlib.rfm.rfm_table aggregating a large Parquet file through DuckDB.

    .venv/bin/python benchmarks/bench_rfm_duckdb.py [--rows 100M] [--customers N]
        [--memory-limit 1GB] [--threads T] [--seed S] [--dir DIR] [--keep]

DuckDB itself writes a Parquet line-item log of N rows (default 100,000,000) with one SQL
``COPY (SELECT ... FROM range(N)) TO ... (FORMAT parquet)``: no Python chunks, so Python memory
stays small. Columns, all pseudo-random from ``hash(row or invoice, seed, tag)``:

* ``invoice`` = 100001 + row // 4 (4 lines per invoice);
* ``customer_id`` = 10000 + floor(P · u²), u uniform per invoice (skewed: low ids buy more;
  P = ``--customers``, default max(1,000, N / 100));
* ``timestamp``: naive, uniform to the second over 2022-01-01 + 730 days, one per invoice;
* ``quantity`` uniform 1..12, negative on 2 % of lines (returns); ``unit_price`` =
  round(LogNormal(1.0, 0.8), 2) by Box-Muller; ``amount`` = quantity · unit_price.

Then ``rfm_table(con.read_parquet(path), customer="customer_id", date="timestamp",
amount="amount", order="invoice")``: a DuckDB relation, so cvlib aggregates inside DuckDB (via
narwhals) and only the customer table comes back to pandas. The connection's ``memory_limit``,
``threads`` and ``temp_directory`` (spill files, inside the temporary directory) are set
explicitly and printed. Reported: wall time of one call (after a warm-up on 1,000 rows for the
imports), the process's peak resident set size (``getrusage`` ru_maxrss, whole process
including the file writing), the RSS peak sampled during the call, and DuckDB's own buffer
memory and spill peaks (``duckdb_memory()`` sampled from a second cursor). Goal (issue 3):
process peak under 2 GB at 100M rows. The temporary directory is removed unless ``--keep``.
Run by hand, not in CI; tests/test_benchmarks.py runs it at a tiny size as a smoke test only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
from bench_rfm import MIB, PeakSampler, _size, max_rss_bytes, rss_bytes

GOAL_BYTES = 2_000_000_000  # 2 GB

WRITE_SQL = """
COPY (
    SELECT
        100001 + i // 4 AS invoice,
        10000 + CAST(floor({customers} * pow(hash(i // 4, {seed}, 1) / 18446744073709551616.0, 2))
            AS BIGINT) AS customer_id,
        TIMESTAMP '2022-01-01'
            + to_seconds(CAST(hash(i // 4, {seed}, 2) % {span} AS BIGINT)) AS timestamp,
        CAST(1 + hash(i, {seed}, 3) % 12 AS BIGINT)
            * CASE WHEN hash(i, {seed}, 6) % 50 = 0 THEN -1 ELSE 1 END AS quantity,
        round(exp(1.0 + 0.8
            * sqrt(-2 * ln((hash(i, {seed}, 4) % 4294967295 + 1) / 4294967296.0))
            * cos(2 * pi() * (hash(i, {seed}, 5) % 4294967296) / 4294967296.0)), 2) AS unit_price,
        quantity * unit_price AS amount
    FROM range({rows}) AS t(i)
) TO '{path}' (FORMAT parquet, COMPRESSION zstd)
"""


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=_size, default=100_000_000, help="e.g. 100M, 10M, 200000")
    parser.add_argument("--customers", type=_size, default=None, help="default max(1000, N/100)")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--dir", default=None, help="parent of the temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the Parquet file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_arguments(argv)
    customers = args.customers or max(1_000, args.rows // 100)

    import duckdb

    from cvlib.rfm import rfm_table

    workdir = Path(tempfile.mkdtemp(prefix="cvlib_bench_rfm_duckdb_", dir=args.dir))
    path = workdir / "transactions.parquet"
    con = None
    try:
        con = duckdb.connect(
            config={
                "memory_limit": args.memory_limit,
                "threads": args.threads,
                "temp_directory": str(workdir / "duckdb_spill"),
            }
        )
        limit, threads = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
        print(
            f"DuckDB {duckdb.__version__}: memory_limit = {limit} (asked {args.memory_limit}), "
            f"threads = {threads}, temp_directory = {workdir / 'duckdb_spill'}"
        )

        start = time.perf_counter()
        con.execute(
            WRITE_SQL.format(
                rows=int(args.rows),
                customers=int(customers),
                seed=int(args.seed),
                span=730 * 86400,
                path=str(path).replace("'", "''"),
            )
        )
        t_write = time.perf_counter() - start
        rss_after_write = max_rss_bytes()
        print(
            f"wrote {args.rows:,} rows ({customers:,}-customer pool, seed {args.seed}) to "
            f"{path} in {t_write:.1f} s: {path.stat().st_size / MIB:,.0f} MiB; process peak "
            f"RSS after writing {rss_after_write / MIB:,.0f} MiB"
        )

        def call(relation):
            return rfm_table(relation, customer="customer_id", date="timestamp",
                             amount="amount", order="invoice")  # fmt: skip

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(con.read_parquet(str(path)).limit(1_000))  # imports and narwhals warm-up

        def duckdb_reader(column: str):
            cursor = con.cursor()  # a second connection to the same database
            query = f"SELECT sum({column}) FROM duckdb_memory()"
            return lambda: int(cursor.execute(query).fetchone()[0] or 0)

        rel = con.read_parquet(str(path))
        rss_before = rss_bytes()
        with (
            warnings.catch_warnings(record=True) as caught,
            PeakSampler(rss_bytes, 0.01) as rss_peak,
            PeakSampler(duckdb_reader("memory_usage_bytes"), 0.05) as duck_peak,
            PeakSampler(duckdb_reader("temporary_storage_bytes"), 0.05) as spill_peak,
        ):
            warnings.simplefilter("always")
            start = time.perf_counter()
            result = call(rel)
            t_rfm = time.perf_counter() - start
        process_peak = max_rss_bytes()
    finally:
        if con is not None:
            con.close()
        if args.keep:
            print(f"kept {path}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    counts = result.counts

    def mib(value):
        return None if value is None else value / MIB

    row = {
        "task": f"rfm_table on a {args.rows:,}-row Parquet file through DuckDB",
        "rows": args.rows,
        "customers": counts["customers"],
        "orders": counts["orders_formed"],
        "duplicate_rows": counts["duplicate_rows"],
        "reconciliation_holds": bool(counts["reconciliation_holds"]),
        "memory_limit": limit,
        "threads": int(threads),
        "write_s": t_write,
        "cvlib_s": t_rfm,
        "process_peak_rss_mib": mib(process_peak),
        "peak_rss_after_write_mib": mib(rss_after_write),
        "rss_before_call_mib": mib(rss_before),
        "sampled_peak_rss_during_call_mib": mib(rss_peak.peak),
        "duckdb_memory_peak_mib": mib(duck_peak.peak),
        "duckdb_spill_peak_mib": mib(spill_peak.peak),
        "goal": "process peak RSS < 2 GB",
        "met": "yes" if process_peak < GOAL_BYTES else "NO",
    }
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        shown = {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}
        print(pd.Series(shown, dtype=object).to_string())
    for message in dict.fromkeys(str(w.message)[:200] for w in caught):
        print(f"warning: {message}")
    return [row]


if __name__ == "__main__":
    main()

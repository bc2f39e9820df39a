"""Speed of cvlib.standardize against its peers, same process, same data.

    .venv/bin/python benchmarks/bench_standardize.py [--rows N] [--cols M] [--repeat R]

Prints, per task, the best of R timed calls (after one warm-up) for cvlib and the peer, and the
ratio peer / cvlib (> 1: cvlib is faster). Run by hand, not in CI (timings on shared machines are
noisy); tests/test_benchmarks.py runs it at a tiny size as a smoke test only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from _common import best_of, size_arguments


def main(argv: list[str] | None = None) -> list[dict]:
    args = size_arguments(__doc__.splitlines()[0], argv)

    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    from cvlib.standardize import entropy_weights, minmax, zscore

    rng = np.random.default_rng(2026)
    df = pd.DataFrame(
        rng.lognormal(3.0, 1.0, size=(args.rows, args.cols)),
        columns=[f"x{j}" for j in range(args.cols)],
    )
    rows = []

    def record(task, cvlib_fn, peer_name, peer_fn):
        t_cvlib = best_of(cvlib_fn, args.repeat)
        t_peer = best_of(peer_fn, args.repeat)
        rows.append(
            {
                "task": task,
                "cvlib_s": t_cvlib,
                "peer": peer_name,
                "peer_s": t_peer,
                "ratio_peer_over_cvlib": t_peer / t_cvlib,
            }
        )

    record(
        f"zscore ddof=1, {args.rows:,} x {args.cols}",
        lambda: zscore(df, ddof=1),
        "sklearn StandardScaler (ddof=0)",
        lambda: StandardScaler().fit_transform(df),
    )
    record(
        f"minmax benefit, {args.rows:,} x {args.cols}",
        lambda: minmax(df, directions="benefit"),
        "sklearn MinMaxScaler",
        lambda: MinMaxScaler().fit_transform(df),
    )
    try:
        from pymcdm.weights import entropy_weights as pymcdm_entropy

        matrix = minmax(df, directions="benefit").to_numpy() + 1e-4
        record(
            f"entropy weights (shift), {args.rows:,} x {args.cols}",
            lambda: entropy_weights(df, directions="benefit", zero="shift"),
            "pymcdm 1.4 entropy_weights (on the shifted matrix)",
            lambda: pymcdm_entropy(matrix),
        )
    except ImportError:
        print("pymcdm not installed: entropy comparison skipped")

    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    return rows


if __name__ == "__main__":
    main()

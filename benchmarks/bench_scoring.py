"""Speed of customer scoring (Y = sum R_i X_i through an AHP hierarchy), same process, same data.

    .venv/bin/python benchmarks/bench_scoring.py [--rows N] [--cols M] [--repeat R]

The peer is the plain pandas one-liner most analysts write (`((df - df.mean()) / df.std()) @ w`),
which does no validation, no direction handling and no missing-value policy. Prints the best of R
timed calls after one warm-up and the ratio peer / cvlib (> 1: cvlib is faster). Run by hand,
not in CI; tests/test_benchmarks.py runs it at a tiny size as a smoke test only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from _common import best_of, size_arguments


def main(argv: list[str] | None = None) -> list[dict]:
    args = size_arguments(__doc__.splitlines()[0], argv)

    from cvlib.ahp import hierarchy
    from cvlib.scoring import score_customers

    rng = np.random.default_rng(2026)
    leaves = [f"x{j}" for j in range(args.cols)]
    df = pd.DataFrame(rng.lognormal(3.0, 1.0, size=(args.rows, args.cols)), columns=leaves)
    # a 3-level hierarchy: goal -> 4 criteria -> leaves, judgments from measured values
    blocks = np.array_split(np.array(leaves), 4)
    criteria = [f"c{k}" for k in range(4)]
    judgments = [[1, 2, 3, 4], ["1/2", 1, 2, 3], ["1/3", "1/2", 1, 2], ["1/4", "1/3", "1/2", 1]]
    spec = {"goal": {"children": criteria, "matrix": judgments}}
    for k, block in enumerate(blocks):
        spec[f"c{k}"] = {
            "children": list(block),
            "measured": {leaf: float(i + 1) for i, leaf in enumerate(block)},
        }
    tree = hierarchy(spec, method="eigen")
    w = tree.leaf_weights
    groups = tree.groups(level=1)

    def cvlib_call():
        return score_customers(df, w, directions="benefit", normalize="zscore", groups=groups)

    def peer_call():
        z = (df - df.mean()) / df.std()
        return z.to_numpy() @ w.reindex(df.columns).to_numpy()

    ours = cvlib_call().scores.to_numpy()
    theirs = peer_call()
    max_diff = float(np.max(np.abs(ours - theirs)))
    t_cvlib = best_of(cvlib_call, args.repeat)
    t_peer = best_of(peer_call, args.repeat)
    row = {
        "task": f"z-score + weighted sum through a 3-level hierarchy, {args.rows:,} x {args.cols}",
        "cvlib_s": t_cvlib,
        "peer": "pandas z-score + matmul (no validation)",
        "peer_s": t_peer,
        "ratio_peer_over_cvlib": t_peer / t_cvlib,
        "max_abs_score_difference": max_diff,
    }
    with pd.option_context("display.width", 200, "display.max_colwidth", 70):
        print(pd.DataFrame([row]).T.to_string(header=False))
    return [row]


if __name__ == "__main__":
    main()

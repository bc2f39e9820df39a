"""Speed of AHP at survey scale (issue 6): cvlib vs AHPy and pymcdm, same process, same stacks.

    .venv/bin/python benchmarks/bench_ahp.py [--respondents R] [--sizes 9,15] [--repeat N]
        [--peer-sample S] [--missing-sample M] [--group-respondents K] [--boot B]
        [--customers C] [--indicators I] [--seed SEED]

Stacks are survey-like: per respondent a consistent matrix u_i/u_j (u ~ U(1, 5)) perturbed by
exp(N(0, 0.5)) on the log scale and rounded to Saaty's 17-value scale, i.e. what signed -9..9 survey
codes give (seeded). Tasks, all on the same arrays:

* complete stacks, R respondents x n x n (default 10,000 x 9x9 and 15x15): cvlib
  ``diagnose(stack, k=1)`` (weights, λmax, CR, GCI, the top inconsistent judgment with its
  suggested Saaty value and CR after the change, 3-cycles) and ``weights(stack)`` alone, against
  AHPy 2.4 ``ahpy.Compare`` (precision=10, random_index="saaty"; its weights + CR, the top
  judgment added in numpy from its weights) and pymcdm ``AHP(matrix=...)`` (weights + get_cr(),
  top judgment added the same way). The peers have no batch API: they loop over a subsample of
  ``--peer-sample`` respondents and the time per respondent is extrapolated to R (said in the
  table). Agreement: max |w_cvlib - w_peer| and |CR_cvlib - CR_peer| with the peer's RI table
  (AHPy "saaty" = cvlib ``saaty2005``, pymcdm = ``tummala_ling``).
* incomplete stacks (R x 9x9, 25 % of the pairs missing, connected): cvlib ``diagnose`` with the
  default Harker completion (batched) for all R, and cvlib ``incomplete="lambda_min"`` (matrix by
  matrix, L-BFGS-B) on a subsample, against AHPy's own λ-min completion (cyclic coordinates,
  tolerance 1e-4) on the same subsample; agreement of the λ-min CR (AHPy stops at 1e-4).
* group weights (``cvlib.ahp._group.group_weights``): AIJ and AIP with B bootstrap resamples over
  K respondents (9x9) - only when that module exists (else "skipped"); no peer.
* customer scoring: C customers x I indicators through a 3-level hierarchy (goal -> 4 criteria ->
  leaves, ``cvlib.ahp.hierarchy`` + ``cvlib.scoring.score_customers``, z-scores), against the plain
  pandas one-liner (no validation), as in bench_scoring.py.

Times are the best of N timed calls after one warm-up (``_common.best_of``); the peers' subsample
loops are timed once per repeat as well. Ratios are peer / cvlib per respondent (> 1: cvlib is
faster). Goals (issue 6): >= 10x faster than AHPy per respondent; 10,000 x 9x9 with diagnostics
< 0.3 s; scoring 1,000,000 customers < 0.5 s. The machine's load average is printed before and
after: on a shared machine wall times vary, compare ratios measured in one run. Run by hand, not
in CI; tests/test_benchmarks.py runs it at a tiny size as a smoke test only.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np
import pandas as pd
from _common import best_of

S17 = np.array([1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])


# ------------------------------------------------------------------------------------ data
def survey_stack(r: int, n: int, rng: np.random.Generator, sigma: float = 0.5) -> np.ndarray:
    """r reciprocal S17 matrices: u_i/u_j perturbed by exp(N(0, sigma)), snapped to S17."""
    iu = np.triu_indices(n, 1)
    u = rng.uniform(1, 5, (r, n))
    up = (u[:, :, None] / u[:, None, :])[:, iu[0], iu[1]]
    up = up * np.exp(rng.normal(0, sigma, up.shape))
    up = S17[np.abs(np.log(up)[..., None] - np.log(S17)).argmin(axis=-1)]
    a = np.ones((r, n, n))
    a[:, iu[0], iu[1]] = up
    a[:, iu[1], iu[0]] = 1 / up
    return a


def remove_pairs(a: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """Remove ``share`` of the pairs of every member (NaN), keeping a random spanning path so
    every comparison graph stays connected."""
    r, n, _ = a.shape
    iu = np.triu_indices(n, 1)
    m = len(iu[0])
    pos = {(i, j): p for p, (i, j) in enumerate(zip(iu[0], iu[1], strict=True))}
    n_drop = int(round(share * m))
    out = a.copy()
    score = rng.random((r, m))
    for k in range(r):  # data generation only (not timed)
        perm = rng.permutation(n)
        for x, y in zip(perm[:-1], perm[1:], strict=True):
            score[k, pos[(min(x, y), max(x, y))]] = np.inf  # the path is never removed
    drop = np.argsort(score, axis=1)[:, :n_drop]
    rows = np.repeat(np.arange(r), n_drop)
    ii, jj = iu[0][drop.ravel()], iu[1][drop.ravel()]
    out[rows, ii, jj] = np.nan
    out[rows, jj, ii] = np.nan
    return out


def top_judgment(a: np.ndarray, w: np.ndarray) -> tuple[int, int]:
    """The peers' stand-in for cvlib's top inconsistent judgment: argmax |ln(a_ij w_j / w_i)|."""
    n = len(w)
    iu = np.triu_indices(n, 1)
    dev = np.abs(np.log(a[iu] * w[iu[1]] / w[iu[0]]))
    p = int(np.nanargmax(dev))
    return int(iu[0][p]), int(iu[1][p])


# ------------------------------------------------------------------------------------ peers
def ahpy_one(a: np.ndarray, labels: list[str]) -> tuple[np.ndarray, float, tuple[int, int]]:
    """AHPy weights + CR of one matrix (missing pairs = NaN are omitted: AHPy completes them)."""
    import ahpy

    n = len(labels)
    comps = {
        (labels[i], labels[j]): float(a[i, j])
        for i in range(n)
        for j in range(i + 1, n)
        if not np.isnan(a[i, j])
    }
    c = ahpy.Compare("x", comps, precision=10, random_index="saaty")
    w = np.array([c.target_weights[lab] for lab in labels])
    done = np.where(np.isnan(a), 1.0, a)
    return w, float(c.consistency_ratio), top_judgment(done, w)


def pymcdm_one(a: np.ndarray) -> tuple[np.ndarray, float, tuple[int, int]]:
    from pymcdm.weights.subjective import AHP

    model = AHP(matrix=a)
    w = np.asarray(model(), dtype="float64")
    return w, float(model.get_cr()), top_judgment(a, w)


def loop_time(fn, items: list, repeat: int) -> tuple[float, list]:
    """Best time of ``repeat`` loops over ``items`` after one warm-up call, and the outputs of
    the last loop."""
    fn(items[0])  # warm-up (imports, caches)
    best, out = np.inf, []
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        out = [fn(x) for x in items]
        best = min(best, time.perf_counter() - start)
    return best, out


def load_text() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def _fmt(x: float | None) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.4g}"


# ------------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--sizes", default="9,15")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-sample", type=int, default=300)
    parser.add_argument("--missing", type=float, default=0.25)
    parser.add_argument("--missing-sample", type=int, default=30)
    parser.add_argument("--group-respondents", type=int, default=1_000)
    parser.add_argument("--boot", type=int, default=1_000)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    with warnings.catch_warnings():  # inconsistent respondents warn by design
        warnings.simplefilter("ignore")
        return _run(args)


def _run(args: argparse.Namespace) -> list[dict]:
    from cvlib.ahp import diagnose, hierarchy, weights
    from cvlib.scoring import score_customers

    rng = np.random.default_rng(args.seed)
    r, rep = args.respondents, args.repeat
    print(f"load average before: {load_text()}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}; "
        f"best of {rep} after one warm-up"
    )
    rows: list[dict] = []

    def add(
        task, n, cvlib_s, per_resp, peer=None, peer_s=None, peer_per=None, agree="", goal="", met=""
    ):
        ratio = peer_per / per_resp if peer_per is not None and per_resp else None
        rows.append(
            {
                "task": task,
                "n": n,
                "cvlib_s": cvlib_s,
                "cvlib_us_per_resp": None if per_resp is None else per_resp * 1e6,
                "peer": peer,
                "peer_s": peer_s,
                "peer_us_per_resp": None if peer_per is None else peer_per * 1e6,
                "ratio_peer_over_cvlib": ratio,
                "agreement": agree,
                "goal": goal,
                "met": met,
            }
        )

    # ---- complete stacks: weights + CR + top inconsistent judgment ------------------------
    for n in (int(x) for x in args.sizes.split(",")):
        stack = survey_stack(r, n, rng)
        labels = [f"c{k}" for k in range(n)]
        t_diag = best_of(lambda stack=stack: diagnose(stack, k=1), rep)
        t_w = best_of(lambda stack=stack: weights(stack), rep)
        d = diagnose(stack, k=1)
        goal_diag = met_diag = ""
        if n == 9:
            goal_diag = "10,000 x 9x9 < 0.3 s" if r == 10_000 else "(goal at 10,000 x 9x9)"
            met_diag = ("yes" if t_diag < 0.3 else "NO") if r == 10_000 else ""
        add(
            f"diagnose(k=1): weights+CR+top judgment, {r:,} x {n}x{n}",
            n,
            t_diag,
            t_diag / r,
            goal=goal_diag,
            met=met_diag,
        )
        add(f"weights(stack): weights+CR, {r:,} x {n}x{n}", n, t_w, t_w / r)
        sample = list(range(min(args.peer_sample, r)))
        w_ours = d.weights.to_numpy()
        cr05 = weights(stack[sample], ri_table="saaty2005").cr
        try:
            t_ahpy, out = loop_time(
                lambda k, stack=stack, labels=labels: ahpy_one(stack[k], labels),
                sample,
                min(rep, 3),
            )
            dw = max(
                float(np.abs(o[0] - w_ours[k]).max()) for k, o in zip(sample, out, strict=True)
            )
            dcr = max(abs(o[1] - cr05[k]) for k, o in enumerate(out))
            ours_top = list(
                zip(d.respondents["worst_row"], d.respondents["worst_column"], strict=True)
            )
            top_same = np.mean([o[2] == ours_top[k] for k, o in zip(sample, out, strict=True)])
            per = t_ahpy / len(sample)
            add(
                f"  AHPy Compare loop, {len(sample)} respondents, extrapolated to {r:,}",
                n,
                t_diag,
                t_diag / r,
                "AHPy 2.4.6",
                per * r,
                per,
                f"max|dw| {dw:.1e}, max|dCR| {dcr:.1e} (saaty2005), same top pair "
                f"{100 * top_same:.0f}%",
                ">= 10x faster per respondent",
                "",
            )
            rows[-1]["met"] = "yes" if rows[-1]["ratio_peer_over_cvlib"] >= 10 else "NO"
        except ImportError:
            add("  AHPy: not installed, skipped", n, None, None, met="skipped")
        try:
            crtl = weights(stack[sample], ri_table="tummala_ling").cr
            t_pm, out = loop_time(lambda k, stack=stack: pymcdm_one(stack[k]), sample, min(rep, 3))
            dw = max(
                float(np.abs(o[0] - w_ours[k]).max()) for k, o in zip(sample, out, strict=True)
            )
            dcr = max(abs(o[1] - crtl[k]) for k, o in enumerate(out))
            per = t_pm / len(sample)
            add(
                f"  pymcdm AHP loop, {len(sample)} respondents, extrapolated to {r:,}",
                n,
                t_diag,
                t_diag / r,
                "pymcdm AHP",
                per * r,
                per,
                f"max|dw| {dw:.1e}, max|dCR| {dcr:.1e} (tummala_ling)",
            )
        except ImportError:
            add("  pymcdm: not installed, skipped", n, None, None, met="skipped")

    # ---- incomplete 9x9 stacks, 25 % missing ---------------------------------------------
    n = 9
    labels = [f"c{k}" for k in range(n)]
    inc = remove_pairs(survey_stack(r, n, rng), args.missing, rng)
    t_h = best_of(lambda: diagnose(inc, k=1), rep)
    t_hw = best_of(lambda: weights(inc, allow_missing=True), rep)
    add(
        f"diagnose(k=1), {r:,} x 9x9, {100 * args.missing:.0f}% missing (Harker, batched)",
        n,
        t_h,
        t_h / r,
    )
    add(f"weights(allow_missing=True), {r:,} x 9x9 (Harker, batched)", n, t_hw, t_hw / r)
    sample = list(range(min(args.missing_sample, r)))
    sub = inc[sample]
    t_lm = best_of(lambda: weights(sub, allow_missing=True, incomplete="lambda_min"), 1)
    lm = weights(sub, allow_missing=True, incomplete="lambda_min", ri_table="saaty2005")
    per_lm = t_lm / len(sample)
    add(
        f"weights(incomplete='lambda_min'), {len(sample)} x 9x9 (matrix by matrix)", n, t_lm, per_lm
    )
    try:
        t_ai, out = loop_time(lambda k: ahpy_one(inc[k], labels), sample, 1)
        dcr = max(abs(o[1] - lm.cr[k]) for k, o in enumerate(out))
        per = t_ai / len(sample)
        add(
            f"  AHPy own lambda-min completion, {len(sample)} respondents, extrapolated to {r:,}",
            n,
            t_h,
            t_h / r,
            "AHPy 2.4.6",
            per * r,
            per,
            f"vs cvlib lambda_min: max|dCR| {dcr:.1e} (AHPy tolerance 1e-4)",
            ">= 10x faster per respondent",
            "",
        )
        rows[-1]["met"] = "yes" if rows[-1]["ratio_peer_over_cvlib"] >= 10 else "NO"
        add(
            f"  same AHPy loop vs cvlib lambda_min (same completion), {len(sample)} respondents",
            n,
            t_lm,
            per_lm,
            "AHPy 2.4.6",
            t_ai,
            per,
        )
    except ImportError:
        add("  AHPy: not installed, skipped", n, None, None, met="skipped")

    # ---- group weights with the bootstrap (only if cvlib.ahp._group exists) --------------
    try:
        from cvlib.ahp._group import group_weights
    except ImportError:
        add(
            "group AIJ/AIP bootstrap: cvlib.ahp._group not available, skipped",
            9,
            None,
            None,
            met="skipped",
        )
        print("group AIJ/AIP bootstrap: skipped (cvlib.ahp._group not available)")
    else:
        k_resp = args.group_respondents
        group = survey_stack(k_resp, 9, rng)
        for agg in ("aij", "aip"):
            t_g = best_of(
                lambda agg=agg: group_weights(group, aggregate=agg, n_boot=args.boot, seed=1),
                max(1, min(rep, 3)),
            )
            add(
                f"group_weights({agg!r}), {k_resp:,} x 9x9, {args.boot:,} bootstrap resamples",
                9,
                t_g,
                t_g / k_resp,
            )

    # ---- customer scoring through a 3-level hierarchy ------------------------------------
    leaves = [f"x{j}" for j in range(args.indicators)]
    df = pd.DataFrame(
        rng.lognormal(3.0, 1.0, size=(args.customers, args.indicators)), columns=leaves
    )
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

    def cvlib_score():
        return score_customers(df, w, directions="benefit", normalize="zscore", groups=groups)

    def peer_score():
        z = (df - df.mean()) / df.std()
        return z.to_numpy() @ w.reindex(df.columns).to_numpy()

    diff = float(np.max(np.abs(cvlib_score().scores.to_numpy() - peer_score())))
    t_s = best_of(cvlib_score, rep)
    t_p = best_of(peer_score, rep)
    c = args.customers
    goal_s = "1,000,000 customers < 0.5 s" if c == 1_000_000 else "(goal at 1,000,000)"
    add(
        f"score_customers, {c:,} x {args.indicators} via 3-level hierarchy",
        None,
        t_s,
        t_s / c,
        "pandas z-score @ w (no validation)",
        t_p,
        t_p / c,
        f"max|d score| {diff:.1e}",
        goal_s,
        ("yes" if t_s < 0.5 else "NO") if c == 1_000_000 else "",
    )

    table = pd.DataFrame(rows)
    shown = pd.DataFrame(
        {
            "task": table["task"],
            "cvlib s": table["cvlib_s"].map(_fmt),
            "cvlib us/resp": table["cvlib_us_per_resp"].map(_fmt),
            "peer": table["peer"].fillna(""),
            "peer s": table["peer_s"].map(_fmt),
            "peer us/resp": table["peer_us_per_resp"].map(_fmt),
            "ratio": table["ratio_peer_over_cvlib"].map(_fmt),
            "goal": table["goal"],
            "met": table["met"],
        }
    )
    with pd.option_context("display.width", 250, "display.max_colwidth", 90):
        print(shown.to_string(index=False))
    print(
        "ratio = peer / cvlib per respondent (> 1: cvlib is faster); the peers loop over a "
        "subsample and 'peer s' extrapolates it linearly to all respondents"
    )
    for row in rows:
        if row["agreement"]:
            print(f"agreement, {row['task'].strip()}: {row['agreement']}")
    print(f"load average after: {load_text()}")
    return rows


if __name__ == "__main__":
    main()

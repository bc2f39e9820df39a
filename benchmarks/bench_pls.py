"""Speed of cvlib's PLS path model (fit and bootstrap) against seminr-py 0.2.1, same process, same data.

    .venv/bin/python benchmarks/bench_pls.py [--rows N] [--n-boot B] [--repeat R]
                                             [--seminr-boot-large K] [--no-seminr]

Model: methods/satisfaction.md §4.6 (Image, Expectation, Value -> Satisfaction; mode A, path
weighting, stop 1e-7). Data: mobi (250 respondents, from the set-up cache) and a seeded synthetic
survey of N respondents (default 100,000) with the same items on 1-10 scales.

Prints, per data set and task, the time of cvlib and of seminr and the ratio seminr / cvlib
(> 1: cvlib is faster). Fits are the best of R timed calls after one warm-up (cvlib with
f2=False, since seminr's estimate_pls computes no f²); a bootstrap is one timed run with seed 0
(both libraries then draw the same resamples, so their bootstrap SDs agree). seminr's bootstrap
re-estimates each resample in a Python loop; on the large survey it is timed on K draws (default
20) and scaled to B, marked "extrapolated". Run by hand, not in CI (timings on shared machines
are noisy); tests/test_satisfaction_pls.py runs it at a tiny size as a smoke test only.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import best_of

MEASUREMENT = {
    "Image": [f"IMAG{i}" for i in range(1, 6)],
    "Expectation": [f"CUEX{i}" for i in range(1, 4)],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": [f"CUSA{i}" for i in range(1, 4)],
}
STRUCTURAL = [("Image", "Satisfaction"), ("Expectation", "Satisfaction"), ("Value", "Satisfaction")]


def synthetic_survey(n: int, seed: int = 2026) -> pd.DataFrame:
    """n respondents answering the §4.6 items on 1-10 (latent model close to mobi's estimates)."""
    rng = np.random.default_rng(seed)
    exo = rng.multivariate_normal(
        np.zeros(3), [[1.0, 0.5, 0.5], [0.5, 1.0, 0.36], [0.5, 0.36, 1.0]], size=n
    )
    sat = exo @ np.array([0.45, 0.17, 0.32]) + rng.normal(scale=0.64, size=n)
    latent = {"Image": exo[:, 0], "Expectation": exo[:, 1], "Value": exo[:, 2], "Satisfaction": sat}
    columns = {}
    for construct, items in MEASUREMENT.items():
        for item in items:
            x = 7.0 + 1.5 * (0.75 * latent[construct] + 0.66 * rng.normal(size=n))
            columns[item] = np.clip(np.rint(x), 1, 10).astype("int64")
    return pd.DataFrame(columns)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic respondents")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--repeat", type=int, default=3, help="timed fits (best of)")
    parser.add_argument(
        "--seminr-boot-large",
        type=int,
        default=20,
        help="seminr bootstrap draws actually run on data with > 10,000 rows (then scaled)",
    )
    parser.add_argument("--no-seminr", action="store_true", help="time cvlib only")
    return parser.parse_args(argv)


def _once(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main(argv: list[str] | None = None) -> list[dict]:
    args = _arguments(argv)

    from cvlib.satisfaction import pls_bootstrap, pls_pm

    seminr = None
    if not args.no_seminr:
        try:
            import seminr
        except ImportError:
            print("seminr not installed: cvlib timings only")

    datasets = []
    try:
        from cvlib.datasets import load_mobi

        datasets.append(("mobi", load_mobi()))
    except FileNotFoundError:
        print("mobi is not in the download cache: mobi rows skipped")
    datasets.append((f"synthetic {args.rows:,}", synthetic_survey(args.rows)))

    rows: list[dict] = []
    for name, df in datasets:
        n = len(df)
        fit = pls_pm(df, MEASUREMENT, STRUCTURAL, f2=False)
        t_fit = best_of(lambda df=df: pls_pm(df, MEASUREMENT, STRUCTURAL, f2=False), args.repeat)
        t_boot, boot = _once(lambda fit=fit: pls_bootstrap(fit, args.n_boot, seed=0))
        fit_row = {"data": name, "n": n, "task": "fit", "cvlib_s": t_fit}
        boot_row = {"data": name, "n": n, "task": f"bootstrap {args.n_boot}", "cvlib_s": t_boot}
        if seminr is not None:
            mm = seminr.constructs(
                *[seminr.composite(c, items) for c, items in MEASUREMENT.items()]
            )
            sm = seminr.relationships(
                seminr.paths(from_=["Image", "Expectation", "Value"], to="Satisfaction")
            )
            model = seminr.estimate_pls(df, mm, sm)
            t_sem = best_of(
                lambda df=df, mm=mm, sm=sm: seminr.estimate_pls(df, mm, sm), args.repeat
            )
            diff = max(abs(fit.paths[(s, t)] - model.path_coef.get(s, t)) for s, t in STRUCTURAL)
            fit_row |= {
                "seminr_s": t_sem,
                "ratio_seminr_over_cvlib": t_sem / t_fit,
                "check": f"max|Δ path| = {diff:.1e}",
            }
            draws = args.n_boot if n <= 10_000 else min(args.n_boot, args.seminr_boot_large)
            t_sb, sboot = _once(
                lambda model=model, draws=draws: seminr.bootstrap_model(model, draws, seed=0)
            )
            t_sb_full = t_sb * args.n_boot / draws
            if draws == args.n_boot:
                sd = sboot.paths_descriptives.values[:, 2]
                ours = boot.path_table["boot_sd"].to_numpy()
                check = f"max|Δ boot SD| = {np.max(np.abs(sd - ours)):.1e} (same resamples)"
            else:
                check = f"seminr extrapolated from {draws} draws ({t_sb:.2f} s)"
            boot_row |= {
                "seminr_s": t_sb_full,
                "ratio_seminr_over_cvlib": t_sb_full / t_boot,
                "check": check,
            }
        rows += [fit_row, boot_row]

    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_colwidth", 70):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    if "ratio_seminr_over_cvlib" in table:
        print("ratio = seminr / cvlib (> 1: cvlib is faster)")
    return rows


if __name__ == "__main__":
    main()

"""Group aggregation (群决策): AIJ, AIP, CR censoring, bootstrap, dispersion, consensus
(methods/ahp.md §9; reference values §15.7).

Tolerances: [computed] values 1e-6, CR printed with 4 decimals 5e-5, batched vs single 1e-12.
"""

from __future__ import annotations

import dataclasses
import doctest
import warnings

import numpy as np
import pandas as pd
import pytest

from cvlib.ahp import S17, AHPInputError, InconsistencyWarning, _group, survey_matrices, weights
from cvlib.ahp._group import (
    ConsensusResult,
    GroupResult,
    consensus,
    group_weights,
    segment_weights,
)

pytestmark = pytest.mark.filterwarnings("ignore::cvlib.ahp.InconsistencyWarning")

COMPUTED = 1e-6
CR4 = 5e-5
EXACT = 1e-12


def full(upper):
    """Reciprocal matrix from an upper triangle (row-major); NaN stays missing."""
    upper = np.asarray(upper, dtype=float)
    n = int(round((1 + np.sqrt(1 + 8 * len(upper))) / 2))
    a = np.ones((n, n))
    iu = np.triu_indices(n, 1)
    a[iu] = upper
    a[iu[1], iu[0]] = 1 / upper
    return a


# ---- §15.7 synthetic group ---------------------------------------------------------------
R1 = full([1 / 2, 1 / 3, 1 / 2])
R2 = full([1, 1 / 5, 1 / 3])
R3 = full([1 / 3, 1 / 2, 1 / 3])
GROUP = np.stack([R1, R2, R3])
LAMBDA = [0.5, 0.3, 0.2]
IU = np.triu_indices(3, 1)


def random_stack(k, n, seed=0, noise=0.4, snap=True):
    """K noisy respondents around one base matrix (S17 judgments when snap)."""
    rng = np.random.default_rng(seed)
    iu = np.triu_indices(n, 1)
    base = np.log(S17[rng.integers(4, 13, len(iu[0]))])
    lg = base + noise * rng.standard_normal((k, len(iu[0])))
    u = S17[np.abs(np.log(S17)[None, None, :] - lg[..., None]).argmin(-1)] if snap else np.exp(lg)
    a = np.ones((k, n, n))
    a[:, iu[0], iu[1]] = u
    a[:, iu[1], iu[0]] = 1 / u
    return a


# ---- §15.7 reference values ----------------------------------------------------------------


def test_individual_weights_and_cr_15_7():
    res = group_weights(GROUP, n_boot=0)
    ind = res.individual.to_numpy()
    np.testing.assert_allclose(ind[0], [0.163424, 0.296961, 0.539615], atol=COMPUTED)
    np.testing.assert_allclose(ind[1], [0.156182, 0.185174, 0.658644], atol=COMPUTED)
    np.testing.assert_allclose(ind[2], ind[0], atol=COMPUTED)  # same weights as R1
    np.testing.assert_allclose(res.respondents["cr"], [0.0079, 0.0251, 0.2213], atol=CR4)
    assert res.respondents["verdict"].tolist() == ["满意一致性", "满意一致性", "需调整"]


def test_aij_equal_weights_15_7():
    res = group_weights(GROUP, n_boot=0)
    np.testing.assert_allclose(
        res.matrix.to_numpy()[IU], [0.550321, 0.321830, 0.381571], atol=COMPUTED
    )
    np.testing.assert_allclose(res.weights, [0.162376, 0.255914, 0.581710], atol=COMPUTED)
    assert res.cr == pytest.approx(0.0175, abs=CR4)
    assert res.gci == pytest.approx(0.0608, abs=CR4)
    assert (res.aggregate, res.method, res.ri_table) == ("aij", "eigen", "saaty1980")
    # EV = GM for n = 3
    gm = group_weights(GROUP, "geometric", n_boot=0)
    np.testing.assert_allclose(gm.weights, res.weights, atol=EXACT)


def test_aip_geometric_equals_aij_barzilai_golany_15_7():
    res = group_weights(GROUP, aggregate="aip", n_boot=0)
    np.testing.assert_allclose(res.weights, [0.162376, 0.255914, 0.581710], atol=COMPUTED)
    assert res.matrix is None and np.isnan(res.cr) and res.aip == "geometric"


def test_aip_arithmetic_equal_weights_15_7():
    res = group_weights(GROUP, aggregate="aip", aip="arithmetic", n_boot=0)
    np.testing.assert_allclose(res.weights, [0.161010, 0.259699, 0.579291], atol=COMPUTED)


def test_aij_respondent_weights_15_7():
    res = group_weights(GROUP, respondent_weights=LAMBDA, n_boot=0)
    np.testing.assert_allclose(
        res.matrix.to_numpy()[IU], [0.567624, 0.310129, 0.408248], atol=COMPUTED
    )
    np.testing.assert_allclose(res.weights, [0.162548, 0.259857, 0.577596], atol=COMPUTED)
    assert res.cr == pytest.approx(0.0081, abs=CR4)
    np.testing.assert_allclose(res.respondents["weight_used"], LAMBDA, atol=EXACT)


def test_aip_arithmetic_respondent_weights_15_7():
    res = group_weights(
        GROUP, aggregate="aip", aip="arithmetic", respondent_weights=LAMBDA, n_boot=0
    )
    np.testing.assert_allclose(res.weights, [0.161251, 0.263425, 0.575323], atol=COMPUTED)


def test_aij_missing_judgment_divides_by_present_weight_15_7_must_not_13():
    g = GROUP.copy()
    g[1, 0, 2] = g[1, 2, 0] = np.nan  # R2's (1,3) judgment missing
    res = group_weights(g, n_boot=0)
    a13 = np.sqrt(1 / 3 * 1 / 2)  # divisor 2, not 3
    assert res.matrix.iloc[0, 2] == pytest.approx(a13, abs=EXACT)
    assert res.matrix.iloc[0, 2] == pytest.approx(0.408248, abs=COMPUTED)
    np.testing.assert_allclose(
        res.matrix.to_numpy()[IU], [0.550321, 0.408248, 0.381571], atol=COMPUTED
    )
    np.testing.assert_allclose(res.weights, [0.181386, 0.264085, 0.554529], atol=COMPUTED)
    row = res.respondents.iloc[1]
    assert row["included"] and row["n_missing"] == 1 and np.isnan(row["cr"])
    assert "incomplete" in row["reason"]
    assert res.pair_dispersion["n_obs"].tolist() == [3, 2, 3]


def test_consensus_values_15_7():
    p = weights(GROUP).weights
    res = consensus(p)
    assert isinstance(res, ConsensusResult)
    expected = {
        "h_alpha": 0.952084,
        "h_gamma": 0.960449,
        "h_beta": 0.008365,
        "h_alpha_min": 0.600166,
        "cor": 1.646162,
        "s_star": 0.978778,
        "relative_homogeneity": 0.987505,
    }
    for name, value in expected.items():
        assert getattr(res, name) == pytest.approx(value, abs=COMPUTED), name
    assert res.band == "very high" and res.k == 3 and res.n == 3
    grp = group_weights(GROUP, n_boot=0).consensus
    assert grp.s_star == pytest.approx(0.978778, abs=COMPUTED)
    assert grp.h_beta == pytest.approx(0.008365, abs=COMPUTED)


def test_consensus_identical_respondents_15_7():
    res = group_weights(np.stack([R1, R1, R1]), n_boot=0).consensus
    assert res.h_beta == pytest.approx(0.0, abs=EXACT)
    assert res.s_star == pytest.approx(1.0, abs=EXACT)


def test_censor_cr_excludes_r3_and_reports_it_15_7():
    res = group_weights(GROUP, censor_cr=0.1, n_boot=0)
    assert (res.n_respondents, res.n_used, res.n_excluded) == (3, 2, 1)
    assert res.excluded.index.tolist() == [2]
    assert res.excluded["cr"].iloc[0] == pytest.approx(0.2213, abs=CR4)
    assert "censor_cr" in res.excluded["reason"].iloc[0]
    assert res.respondents["included"].tolist() == [True, True, False]
    ref = group_weights(GROUP[:2], n_boot=0)
    np.testing.assert_allclose(res.weights, ref.weights, atol=EXACT)
    assert "n_excluded=1" in repr(res)


def test_censor_cr_exclusion_is_applied_in_every_bootstrap_replicate():
    res = group_weights(GROUP, censor_cr=0.1, n_boot=300, seed=3)
    # R3 never enters: every replicate is an aggregate of R1 and R2 only
    lo = np.minimum(weights(R1).weights, weights(R2).weights).to_numpy()
    hi = np.maximum(weights(R1).weights, weights(R2).weights).to_numpy()
    boot = res.bootstrap
    ok = ~np.isnan(boot[:, 0])
    assert np.all(boot[ok] >= lo - 1e-12) and np.all(boot[ok] <= hi + 1e-12)


def test_censoring_everyone_raises():
    with pytest.raises(AHPInputError, match="no respondent with a positive weight remains"):
        group_weights(GROUP, censor_cr=0.001, n_boot=0)


# ---- properties ----------------------------------------------------------------------------


def test_aij_identical_respondents_equal_the_single_matrix():
    a = random_stack(1, 6, seed=4)[0]
    stack = np.repeat(a[None], 25, axis=0)
    single = weights(a)
    for agg in ("aij", "aip"):
        res = group_weights(stack, aggregate=agg, n_boot=200, seed=1)
        np.testing.assert_allclose(res.weights, single.weights, atol=EXACT)
        width = (res.intervals["upper"] - res.intervals["lower"]).to_numpy()
        np.testing.assert_allclose(width, 0.0, atol=EXACT)  # zero-width intervals
    res = group_weights(stack, n_boot=0)
    np.testing.assert_allclose(res.matrix.to_numpy(), a, rtol=EXACT)
    assert res.cr == pytest.approx(single.cr, abs=EXACT)
    assert res.consensus.s_star == pytest.approx(1.0, abs=EXACT)
    np.testing.assert_allclose(res.pair_dispersion["geometric_sd"], 1.0, atol=EXACT)


def test_aij_equals_aip_geometric_with_geometric_method():
    stack = random_stack(60, 7, seed=5)
    lam = np.random.default_rng(1).uniform(0.2, 3.0, 60)
    aij = group_weights(stack, "geometric", respondent_weights=lam, n_boot=0)
    aip = group_weights(stack, "geometric", aggregate="aip", respondent_weights=lam, n_boot=0)
    np.testing.assert_allclose(aij.weights, aip.weights, atol=EXACT)


@pytest.mark.parametrize(
    "agg,aip", [("aij", "geometric"), ("aip", "geometric"), ("aip", "arithmetic")]
)
def test_invariant_to_respondent_order_and_weight_scale(agg, aip):
    stack = random_stack(40, 5, seed=6)
    lam = np.random.default_rng(2).uniform(0.1, 2.0, 40)
    base = group_weights(stack, aggregate=agg, aip=aip, respondent_weights=lam, n_boot=0)
    perm = np.random.default_rng(3).permutation(40)
    permuted = group_weights(
        stack[perm], aggregate=agg, aip=aip, respondent_weights=lam[perm], n_boot=0
    )
    scaled = group_weights(stack, aggregate=agg, aip=aip, respondent_weights=7.5 * lam, n_boot=0)
    np.testing.assert_allclose(permuted.weights, base.weights, atol=EXACT)
    np.testing.assert_allclose(scaled.weights, base.weights, atol=EXACT)
    np.testing.assert_allclose(permuted.consensus.s_star, base.consensus.s_star, atol=EXACT)


def test_integer_respondent_weights_equal_duplicated_respondents():
    stack = random_stack(10, 4, seed=7)
    counts = np.array([1, 2, 1, 3, 1, 1, 2, 1, 1, 1])
    res = group_weights(stack, respondent_weights=counts, n_boot=0)
    dup = group_weights(np.repeat(stack, counts, axis=0), n_boot=0)
    np.testing.assert_allclose(res.weights, dup.weights, atol=EXACT)


def test_batched_individual_priorities_equal_single_matrix_path():
    stack = random_stack(30, 6, seed=8)
    res = group_weights(stack, n_boot=0)
    for k in (0, 7, 29):
        single = weights(stack[k])
        np.testing.assert_allclose(res.individual.iloc[k], single.weights, atol=EXACT)
        assert res.respondents["cr"].iloc[k] == pytest.approx(single.cr, abs=1e-10)


def test_respondent_weights_series_is_aligned_by_respondent_id():
    df = pd.DataFrame(
        {"a__b": [3, 2, -2, 5], "a__c": [5, 3, 2, 4], "b__c": [2, 1, 3, 2]},
        index=["u1", "u2", "u3", "u4"],
    )
    stack = survey_matrices(df, positive_favours="left")
    lam = pd.Series({"u4": 4.0, "u1": 1.0, "u3": 3.0, "u2": 2.0})
    res = group_weights(stack, respondent_weights=lam, n_boot=0)
    ref = group_weights(stack, respondent_weights=[1.0, 2.0, 3.0, 4.0], n_boot=0)
    np.testing.assert_allclose(res.weights, ref.weights, atol=EXACT)
    assert res.respondents.index.tolist() == ["u1", "u2", "u3", "u4"]
    assert res.weights.index.tolist() == ["a", "b", "c"]


def test_list_of_labelled_matrices_is_a_stack():
    labs = ["x", "y", "z"]
    frames = [pd.DataFrame(m, index=labs, columns=labs) for m in (R1, R2, R3)]
    res = group_weights(frames, n_boot=0)
    np.testing.assert_allclose(res.weights, [0.162376, 0.255914, 0.581710], atol=COMPUTED)
    assert res.weights.index.tolist() == labs


# ---- bootstrap -------------------------------------------------------------------------------


def test_bootstrap_interval_contains_estimate_and_is_reproducible():
    stack = random_stack(200, 6, seed=9)
    a = group_weights(stack, n_boot=500, seed=11)
    b = group_weights(stack, n_boot=500, seed=11)
    c = group_weights(stack, n_boot=500, seed=12)
    iv = a.intervals
    assert (iv["lower"] <= iv["estimate"]).all() and (iv["estimate"] <= iv["upper"]).all()
    assert (iv["se"] > 0).all()
    np.testing.assert_array_equal(a.bootstrap, b.bootstrap)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    assert not np.array_equal(a.bootstrap, c.bootstrap)
    assert a.seed == 11 and a.n_boot == 500 and a.level == 0.95
    assert a.bootstrap.shape == (500, 6) and a.report["n_boot_failed"] == 0


def test_bootstrap_replicates_equal_aggregating_the_resampled_respondents():
    """The batched (B, K) resampling reproduces a plain loop over replicates."""
    stack = random_stack(25, 5, seed=10)
    lam = np.random.default_rng(4).uniform(0.5, 2.0, 25)
    for agg in ("aij", "aip"):
        res = group_weights(stack, aggregate=agg, respondent_weights=lam, n_boot=40, seed=21)
        idx = np.random.default_rng(21).integers(0, 25, size=(40, 25))
        for i in (0, 17, 39):
            ref = group_weights(
                stack[idx[i]], aggregate=agg, respondent_weights=lam[idx[i]], n_boot=0
            )
            np.testing.assert_allclose(res.bootstrap[i], ref.weights, atol=EXACT)


def test_bootstrap_percentiles_and_se_from_the_replicates():
    res = group_weights(
        random_stack(80, 4, seed=13), aggregate="aip", n_boot=300, seed=2, level=0.9
    )
    boot = res.bootstrap
    np.testing.assert_allclose(res.intervals["lower"], np.quantile(boot, 0.05, axis=0), atol=EXACT)
    np.testing.assert_allclose(res.intervals["upper"], np.quantile(boot, 0.95, axis=0), atol=EXACT)
    np.testing.assert_allclose(res.intervals["se"], boot.std(axis=0, ddof=1), atol=EXACT)


def test_bootstrap_requires_a_seed():
    with pytest.raises(AHPInputError, match="seed="):
        group_weights(GROUP)
    res = group_weights(GROUP, n_boot=0)
    assert res.intervals[["lower", "upper", "se"]].isna().all().all()


def test_bootstrap_with_missing_judgments_counts_failed_replicates():
    g = np.repeat(GROUP, 2, axis=0)
    g[1:, 0, 2] = g[1:, 2, 0] = np.nan  # only respondent 0 judged (1, 3)
    res = group_weights(g, n_boot=200, seed=5)
    failed = int(np.isnan(res.bootstrap[:, 0]).sum())
    assert failed == res.report["n_boot_failed"] > 0  # replicates without respondent 0
    assert np.isfinite(res.intervals.to_numpy()).all()


# ---- dispersion, QA table, consensus edge cases ----------------------------------------------


def test_dispersion_per_pair_and_per_weight():
    stack = random_stack(50, 5, seed=14)
    res = group_weights(stack, n_boot=0)
    iu = np.triu_indices(5, 1)
    logs = np.log(stack[:, iu[0], iu[1]])
    np.testing.assert_allclose(res.pair_dispersion["log_sd"], logs.std(axis=0, ddof=1), atol=EXACT)
    np.testing.assert_allclose(
        res.pair_dispersion["geometric_sd"], np.exp(logs.std(axis=0, ddof=1)), atol=EXACT
    )
    ind = res.individual.to_numpy()
    np.testing.assert_allclose(res.dispersion["sd"], ind.std(axis=0, ddof=1), atol=EXACT)
    q25, q75 = np.quantile(ind, [0.25, 0.75], axis=0)
    np.testing.assert_allclose(res.dispersion["iqr"], q75 - q25, atol=EXACT)
    summ = res.summary()
    assert {"weight", "lower", "upper", "se", "sd_individual", "iqr_individual", "rank"} <= set(
        summ
    )


def test_report_cr_quantiles_and_share():
    res = group_weights(GROUP, n_boot=0)
    crs = res.respondents["cr"].to_numpy()
    assert res.report["share_cr_ge_0_1"] == pytest.approx(1 / 3)
    assert res.report["cr_quantiles"].loc[0.5] == pytest.approx(np.median(crs))


def test_inconsistent_respondents_warn_when_kept():
    with pytest.warns(InconsistencyWarning, match="1 of 3"):
        group_weights(GROUP, n_boot=0)


def test_single_respondent_consensus_is_nan_with_reason():
    res = group_weights(R1, n_boot=0)
    assert res.n_respondents == 1
    assert np.isnan(res.consensus.s_star) and res.consensus.reason == "needs >= 2 respondents"
    np.testing.assert_allclose(res.weights, weights(R1).weights, atol=EXACT)


def test_on_invalid_mask_excludes_the_bad_respondent_with_reason():
    g = GROUP.copy()
    g[1, 0, 1] = 3.0  # R2 not reciprocal (a12 = 3, a21 = 1)
    with pytest.raises(AHPInputError, match="respondent 1"):
        group_weights(g, n_boot=0)
    res = group_weights(g, n_boot=0, on_invalid="mask")
    assert res.respondents["status"].tolist() == ["ok", "nonreciprocal", "ok"]
    assert res.excluded.index.tolist() == [1]
    assert "nonreciprocal" in res.excluded["reason"].iloc[0]
    ref = group_weights(GROUP[[0, 2]], n_boot=0)
    np.testing.assert_allclose(res.weights, ref.weights, atol=EXACT)
    assert np.isnan(res.individual.iloc[1]).all()


def test_aip_excludes_incomplete_respondents_with_reason():
    g = GROUP.copy()
    g[1, 0, 2] = g[1, 2, 0] = np.nan
    res = group_weights(g, aggregate="aip", n_boot=0)
    assert res.excluded.index.tolist() == [1]
    assert "incomplete" in res.excluded["reason"].iloc[0]


def test_pair_nobody_judged_raises():
    g = GROUP.copy()
    g[:, 0, 2] = g[:, 2, 0] = np.nan
    with pytest.raises(AHPInputError, match=r"judged the pair\(s\) \(0, 2\)"):
        group_weights(g, n_boot=0)


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lam,fragment",
    [
        ([0.0, 0.0, 0.0], "sum to 0"),
        ([1.0, -1.0, 0.0], "negative"),
        ([1.0, np.nan, 1.0], "NaN"),
        ([1.0, np.inf, 1.0], "infinite"),
        ([1.0, 2.0], r"expected one weight per respondent \(3,\)"),
        ([True, False, True], "booleans"),
        (["a", "b", "c"], "must be numbers"),
    ],
)
def test_bad_respondent_weights_raise_naming_the_problem(lam, fragment):
    with pytest.raises(AHPInputError, match=fragment):
        group_weights(GROUP, respondent_weights=lam, n_boot=0)


def test_respondent_weights_that_do_not_sum_to_a_positive_number():
    with pytest.raises(AHPInputError, match="must sum to a positive number"):
        group_weights(GROUP, respondent_weights=[0, 0, 0], n_boot=0)
    with pytest.raises(AHPInputError, match="must sum to a positive number"):
        consensus(weights(GROUP).weights, [0, 0, 0])


@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        ({"aggregate": "mean"}, "aggregate='mean'"),
        ({"aip": "harmonic"}, "aip='harmonic'"),
        ({"censor_cr": -0.1}, "censor_cr"),
        ({"n_boot": -1}, "n_boot"),
        ({"level": 1.5}, "level"),
        ({"seed": "x"}, "seed"),
        ({"consensus_bands": (0.9, 0.5)}, "consensus_bands"),
    ],
)
def test_bad_options_raise(kwargs, fragment):
    kw = {"n_boot": 10, "seed": 1} | kwargs
    with pytest.raises(ValueError, match=fragment):
        group_weights(GROUP, **kw)


def test_consensus_rejects_non_priority_rows():
    with pytest.raises(AHPInputError, match="sum to 1"):
        consensus([[0.5, 0.6], [0.5, 0.5]])


# ---- segments, results, docs ---------------------------------------------------------------


def test_segment_weights_run_the_pipeline_per_segment():
    stack = random_stack(30, 4, seed=15)
    seg = np.array(["A"] * 12 + ["B"] * 18)
    res = segment_weights(stack, seg, n_boot=50, seed=3, censor_cr=0.2)
    ref_a = group_weights(stack[:12], n_boot=0, censor_cr=0.2)
    np.testing.assert_allclose(res.weights.loc["A"], ref_a.weights, atol=EXACT)
    assert res.weights.index.tolist() == ["A", "B"]
    assert res.spearman.loc["A", "A"] == 1.0
    assert len(res.differences) == 4
    d = res.differences["difference"].to_numpy()
    np.testing.assert_allclose(d, res.weights.loc["A"] - res.weights.loc["B"], atol=EXACT)
    again = segment_weights(stack, seg, n_boot=50, seed=3, censor_cr=0.2)
    np.testing.assert_array_equal(res.results["B"].bootstrap, again.results["B"].bootstrap)


def test_result_fields_are_private_copies():
    res = group_weights(GROUP, n_boot=0)
    w = res.weights
    w.iloc[0] = 99.0
    assert res.weights.iloc[0] != 99.0
    with pytest.raises(ValueError):
        res.bootstrap[...] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n_used = 5
    assert isinstance(res, GroupResult)
    assert "consensus S*=0.9788" in repr(res)


def test_docstring_examples_run():
    result = doctest.testmod(_group, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_speed_smoke_1000_respondents_with_bootstrap():
    """Smoke test at survey scale (timings are measured by hand, never asserted)."""
    stack = random_stack(1000, 9, seed=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = group_weights(stack, n_boot=100, seed=1)
    assert res.bootstrap.shape == (100, 9) and np.isfinite(res.bootstrap).all()

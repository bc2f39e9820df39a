"""Incomplete judgment matrices (不完全判断矩阵): LLSM, Harker, λ-min completion (ahp.md §8).

Reference values: ahp.md §15.5 (Bozóki, Fülöp & Rónyai 2010) with tolerance 1e-6 for [computed]
numbers and 1e-5 for the λ-min completion value (λ is flat near the optimum). Batched paths
equal the single-matrix paths to 1e-12 (weights) / 1e-10 (λmax).
"""

from __future__ import annotations

import dataclasses
import doctest
import warnings

import numpy as np
import pandas as pd
import pytest

from cvlib._validation import CvlibInputError
from cvlib.ahp import (
    AHPInputError,
    AHPResult,
    ConvergenceWarning,
    DuplicateJudgmentError,
    InconsistencyWarning,
    _incomplete,
    judgment_matrix,
    survey_matrices,
    weights,
)
from cvlib.ahp._incomplete import (
    DisconnectedComparisonsError,
    IncompleteResult,
    comparison_components,
    incomplete_weights,
)

pytestmark = pytest.mark.filterwarnings("ignore::cvlib.ahp.InconsistencyWarning")

COMPUTED = 1e-6
CR4 = 5e-5
BATCH_W = 1e-12
BATCH_LAMBDA = 1e-10

LABELS = ["a", "b", "c", "d"]
BOZOKI = np.array(
    [
        [1, 1, 5, 2],
        [1, 1, 3, 4],
        [1 / 5, 1 / 3, 1, 3 / 4],
        [1 / 2, 1 / 4, 4 / 3, 1],
    ]
)
BOZOKI_MISSING = BOZOKI.copy()
BOZOKI_MISSING[2, 3] = BOZOKI_MISSING[3, 2] = np.nan
BOZOKI_PAIRS = {("a", "b"): 1, ("a", "c"): 5, ("a", "d"): 2, ("b", "c"): 3, ("b", "d"): 4}
DRINKS = np.array(
    [
        [1, 9, 5, 2, 1, 1, 1 / 2],
        [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
        [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
        [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [1, 9, 4, 2, 1, 2, 1 / 2],
        [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [2, 9, 9, 3, 2, 3, 1],
    ]
)
CITY = np.array(
    [
        [1, 1 / 5, 3, 1 / 2, 5],
        [5, 1, 7, 1, 7],
        [1 / 3, 1 / 7, 1, 1 / 4, 3],
        [2, 1, 4, 1, 7],
        [1 / 5, 1 / 7, 1 / 3, 1 / 7, 1],
    ]
)


def random_incomplete_stack(r, n, n_missing, seed, sigma=0.4):
    """Seeded noisy stack with ``n_missing`` random missing pairs per respondent (connected)."""
    rng = np.random.default_rng(seed)
    iu = np.triu_indices(n, 1)
    m = len(iu[0])
    u = rng.uniform(1, 9, size=(r, n))
    up = u[:, iu[0]] / u[:, iu[1]] * np.exp(rng.normal(0, sigma, (r, m)))
    up = np.clip(up, 1 / 9, 9)
    drop = np.argsort(rng.random((r, m)), axis=1)[:, :n_missing]
    up[np.arange(r)[:, None], drop] = np.nan
    a = np.ones((r, n, n))
    a[:, iu[0], iu[1]] = up
    a[:, iu[1], iu[0]] = 1 / up
    comp = comparison_components(~np.isnan(a))
    return a[(comp == 0).all(axis=1)]


# ---- §15.5 Bozóki et al. (2010) ------------------------------------------------------------


def test_harker_bozoki_2010_15_5():
    res = incomplete_weights(BOZOKI_MISSING, labels=LABELS)
    assert res.method == "eigen" and res.incomplete == "harker"  # default for eigen (§8)
    np.testing.assert_allclose(
        res.weights.to_numpy(), [0.373579, 0.392123, 0.098177, 0.136122], atol=COMPUTED
    )
    assert res.report["harker_lambda"] == pytest.approx(4.092388, abs=COMPUTED)
    # completed with w_c / w_d; λ(B) equals λ of the completed matrix (§8: test <= 1e-9)
    assert res.matrix.loc["c", "d"] == pytest.approx(0.721239, abs=COMPUTED)
    assert res.matrix.loc["d", "c"] == pytest.approx(1 / 0.721239, abs=1e-5)
    assert abs(res.lambda_max - res.report["harker_lambda"]) <= 1e-9
    assert res.lambda_max == pytest.approx(4.092388, abs=COMPUTED)
    assert res.ci == pytest.approx((res.lambda_max - 4) / 3, abs=1e-15)
    assert res.cr == pytest.approx(res.ci / 0.90, abs=1e-15)
    assert res.ri_basis == "complete_matrix" and res.n_missing == 1


def test_harker_bozoki_2010_from_pair_dict_with_missing_pair():
    res = incomplete_weights(BOZOKI_PAIRS)  # (c, d) not given
    assert res.labels == ("a", "b", "c", "d")
    np.testing.assert_allclose(
        res.weights.to_numpy(), [0.373579, 0.392123, 0.098177, 0.136122], atol=COMPUTED
    )
    table = res.completed_pairs
    assert table[["row", "column"]].values.tolist() == [["c", "d"]]
    assert table["value"].iloc[0] == pytest.approx(0.721239, abs=COMPUTED)


def test_llsm_bozoki_2010_15_5():
    res = incomplete_weights(BOZOKI_MISSING, method="geometric", labels=LABELS)
    assert res.incomplete == "llsm"  # default for the geometric mean (§8)
    np.testing.assert_allclose(
        res.weights.to_numpy(), [0.374183, 0.391633, 0.098841, 0.135343], atol=COMPUTED
    )
    # implied a_cd = sqrt(8/15): geometric mean of the path products a_ca a_ad = 0.4, a_cb a_bd = 4/3
    assert res.matrix.loc["c", "d"] == pytest.approx(np.sqrt(8 / 15), abs=1e-12)
    assert res.lambda_max == pytest.approx(4.092367, abs=COMPUTED)


def test_lambda_min_bozoki_2010_15_5():
    res = incomplete_weights(BOZOKI_MISSING, incomplete="lambda_min", labels=LABELS)
    assert res.incomplete == "lambda_min" and res.method == "eigen"
    assert res.matrix.loc["c", "d"] == pytest.approx(0.730297, abs=1e-5)
    assert res.matrix.loc["c", "d"] == pytest.approx(0.730297106886979, abs=1e-5)  # AHPy
    np.testing.assert_allclose(
        res.weights.to_numpy(), [0.373787, 0.391993, 0.098484, 0.135736], atol=COMPUTED
    )
    assert res.lambda_max == pytest.approx(4.092367, abs=COMPUTED)
    assert res.report["lambda_min"]["n_not_converged"] == 0


def test_complete_bozoki_2010_matrix_unchanged_by_completion():
    res = incomplete_weights(BOZOKI, labels=LABELS)
    assert res.n_missing == 0 and len(res.completed_pairs) == 0
    np.testing.assert_allclose(
        res.weights.to_numpy(), [0.374226, 0.391709, 0.099146, 0.134920], atol=COMPUTED
    )
    assert res.lambda_max == pytest.approx(4.092460, abs=COMPUTED)
    assert res.cr == pytest.approx(0.0342, abs=CR4)
    dd = incomplete_weights(BOZOKI, ri_table="donegan_dodd")
    assert dd.cr == pytest.approx(0.0372, abs=CR4)


def test_disconnected_bozoki_2010_names_both_groups():
    with pytest.raises(DisconnectedComparisonsError, match=r"\{a, b\} and \{c, d\}"):
        incomplete_weights({("a", "b"): 2, ("c", "d"): 3})
    assert issubclass(DisconnectedComparisonsError, AHPInputError)
    assert issubclass(DisconnectedComparisonsError, ValueError)


# ---- bad input (issue 6) -------------------------------------------------------------------


def test_bad_input_all_pairs_missing_for_one_element():
    a = BOZOKI.copy()
    a[3, :3] = a[:3, 3] = np.nan  # d is compared with nobody
    with pytest.raises(DisconnectedComparisonsError) as err:
        incomplete_weights(a, labels=LABELS)
    msg = str(err.value)
    assert "{a, b, c} and {d}" in msg
    assert "d have no judgment at all" in msg
    assert "n - 1 = 3" in msg


def test_bad_input_all_pairs_missing_for_one_element_names_the_respondent():
    a = BOZOKI.copy()
    a[3, :3] = a[:3, 3] = np.nan
    stack = np.stack([BOZOKI_MISSING, a, a])
    with pytest.raises(DisconnectedComparisonsError) as err:
        incomplete_weights(stack, labels=LABELS)
    assert "respondent 1: " in str(err.value) and "{a, b, c} and {d}" in str(err.value)
    assert "1 other respondent(s) are disconnected too (2)" in str(err.value)


def test_bad_input_zero_judgment_is_never_missing():
    a = BOZOKI_MISSING.copy()
    a[0, 1] = 0.0
    with pytest.raises(AHPInputError, match="0 is never a missing code"):
        incomplete_weights(a)
    stack = np.stack([BOZOKI_MISSING, a])
    with pytest.raises(AHPInputError, match=r"respondent 1: .*\(0, 1\) a_12 = 0"):
        incomplete_weights(stack)


def test_bad_input_negative_judgment():
    a = BOZOKI_MISSING.copy()
    a[0, 2], a[2, 0] = -5, -1 / 5
    with pytest.raises(AHPInputError, match=r"non-positive judgments: \(a, c\) a_13 = -5"):
        incomplete_weights(a, labels=LABELS)


def test_bad_input_contradictory_duplicate_pair_in_dict():
    pairs = {**BOZOKI_PAIRS, ("b", "a"): 3}  # (a, b): 1 and (b, a): 3
    with pytest.raises(DuplicateJudgmentError, match="never"):
        incomplete_weights(pairs)


def test_bad_input_contradictory_duplicate_pair_in_survey_wide_format():
    df = pd.DataFrame({"a__b": [3, 2], "b__a": [3, -2], "a__c": [1, 2], "b__c": [2, None]})
    with pytest.raises(DuplicateJudgmentError, match="respondent 0"):
        survey_matrices(df, positive_favours="left")


def test_bad_input_mixed_sizes_stack():
    with pytest.raises(AHPInputError, match=r"one size.*matrix 0 is 4x4 and matrix 1 is 3x3"):
        incomplete_weights([BOZOKI_MISSING, np.ones((3, 3))])


def test_bad_input_survey_code_outside_minus9_9():
    df = pd.DataFrame({"a__b": [3, 12], "a__c": [1, None], "b__c": [2, 2]}, index=["r1", "r2"])
    with pytest.raises(AHPInputError, match=r"'a__b', respondent 'r2'.*-9..9"):
        survey_matrices(df, positive_favours="left")


def test_bad_input_unknown_completion_and_method_without_default():
    with pytest.raises(CvlibInputError, match="incomplete='harkr'.*'llsm', 'harker'"):
        incomplete_weights(BOZOKI_MISSING, incomplete="harkr")
    with pytest.raises(AHPInputError, match="method='sum' has no default completion"):
        incomplete_weights(BOZOKI_MISSING, method="和法")
    res = incomplete_weights(BOZOKI_MISSING, method="sum", incomplete="llsm")
    assert res.method == "sum" and res.incomplete == "llsm"
    # sum method applied to the LLSM-completed matrix
    np.testing.assert_allclose(res.weights, weights(res.matrix, "sum").weights, atol=1e-15)


def test_bad_input_half_missing_pair_raises():
    a = BOZOKI.copy()
    a[2, 3] = np.nan  # a_43 given
    with pytest.raises(AHPInputError, match="half-missing"):
        incomplete_weights(a)


# ---- properties (§16.3) -------------------------------------------------------------------


@pytest.mark.parametrize("matrix", [DRINKS, CITY, BOZOKI], ids=["drinks", "city", "bozoki"])
def test_llsm_on_complete_matrix_equals_geometric_mean(matrix):
    res = incomplete_weights(matrix, method="geometric", incomplete="llsm")
    ref = weights(matrix, "geometric")
    np.testing.assert_allclose(res.weights, ref.weights, atol=1e-12)
    np.testing.assert_allclose(
        _incomplete.llsm_weights(matrix[None])[0], ref.weights.to_numpy(), atol=1e-12
    )
    assert res.cr == pytest.approx(ref.cr, abs=1e-12)


@pytest.mark.parametrize("matrix", [DRINKS, CITY, BOZOKI], ids=["drinks", "city", "bozoki"])
def test_harker_on_complete_matrix_equals_eigenvector(matrix):
    res = incomplete_weights(matrix)
    ref = weights(matrix)
    np.testing.assert_allclose(res.weights, ref.weights, atol=1e-12)
    assert res.lambda_max == pytest.approx(ref.lambda_max, abs=1e-10)
    assert res.gci == pytest.approx(ref.gci, abs=1e-12)


def test_harker_lambda_b_equals_completed_lambda_random_stack():
    stack = random_incomplete_stack(200, 7, 6, seed=1)
    res = incomplete_weights(stack, scale="ratio")
    np.testing.assert_allclose(res.lambda_max, res.report["harker_lambda"], atol=1e-9)
    # Harker's vector is the Perron vector of the completed matrix, LLSM's its geometric mean
    ev = weights(res.matrix, scale="ratio")
    np.testing.assert_allclose(res.weights.to_numpy(), ev.weights.to_numpy(), atol=1e-12)
    gm = incomplete_weights(stack, method="geometric", scale="ratio")
    ref = weights(gm.matrix, "geometric", scale="ratio")
    np.testing.assert_allclose(gm.weights.to_numpy(), ref.weights.to_numpy(), atol=1e-12)


def test_completion_keeps_given_judgments_and_is_reciprocal():
    stack = random_incomplete_stack(50, 6, 5, seed=2)
    res = incomplete_weights(stack, method="geometric", scale="ratio")
    given = ~np.isnan(stack)
    np.testing.assert_array_equal(res.matrix[given], stack[given])
    np.testing.assert_allclose(res.matrix * res.matrix.transpose(0, 2, 1), 1.0, atol=1e-12)
    w = res.weights.to_numpy()
    filled = ~given
    ratio = w[:, :, None] / w[:, None, :]
    np.testing.assert_allclose(res.matrix[filled], ratio[filled], rtol=1e-12)


@pytest.mark.parametrize(
    ("method", "incomplete"),
    [("eigen", "harker"), ("geometric", "llsm"), ("eigen", "llsm"), ("sum", "harker")],
)
def test_batched_equals_single_with_per_respondent_missing_patterns(method, incomplete):
    stack = random_incomplete_stack(40, 6, 5, seed=3)
    assert len({tuple(np.isnan(x).ravel()) for x in stack}) > 10  # patterns differ
    res = incomplete_weights(stack, method=method, incomplete=incomplete, scale="ratio")
    assert res.is_stack and list(res.n_missing) == [5] * len(stack)
    for k in range(len(stack)):
        one = incomplete_weights(stack[k], method=method, incomplete=incomplete, scale="ratio")
        np.testing.assert_allclose(res.weights.iloc[k], one.weights, atol=BATCH_W)
        assert res.lambda_max[k] == pytest.approx(one.lambda_max, abs=BATCH_LAMBDA)
        assert res.cr[k] == pytest.approx(one.cr, abs=BATCH_LAMBDA)
        np.testing.assert_allclose(res.matrix[k], one.matrix.to_numpy(), rtol=1e-11)


def test_lambda_min_reaches_the_minimum_of_lambda_max():
    from scipy.optimize import minimize

    stack = random_incomplete_stack(3, 6, 4, seed=4, sigma=0.8)
    res = incomplete_weights(stack, incomplete="lambda_min", scale="ratio")
    assert res.report["lambda_min"]["n_not_converged"] == 0
    llsm = incomplete_weights(stack, incomplete="llsm", scale="ratio")
    iu = np.triu_indices(6, 1)
    for k, a in enumerate(stack):
        miss = np.isnan(a[iu])
        i, j = iu[0][miss], iu[1][miss]

        def lam(t, a=a, i=i, j=j):
            c = a.copy()
            c[i, j], c[j, i] = np.exp(t), np.exp(-t)
            return np.linalg.eigvals(c).real.max()

        brute = minimize(
            lam, np.zeros(len(i)), method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14}
        )
        assert res.lambda_max[k] == pytest.approx(brute.fun, abs=1e-9)
        assert res.lambda_max[k] <= llsm.lambda_max[k] + 1e-12
        one = incomplete_weights(a, incomplete="lambda_min", scale="ratio")
        assert one.lambda_max == pytest.approx(res.lambda_max[k], abs=1e-10)


def test_lambda_min_respects_saaty_bounds():
    # a > b 9, b > c 9, (a, c) missing: the unbounded optimum is 81 (consistent, λ = 3)
    pairs = {("a", "b"): 9, ("b", "c"): 9}
    free = incomplete_weights(pairs, incomplete="lambda_min", scale="ratio")
    assert free.matrix.loc["a", "c"] == pytest.approx(81, rel=1e-6)
    assert free.lambda_max == pytest.approx(3, abs=1e-9)
    bounded = incomplete_weights(pairs, incomplete="lambda_min")
    assert bounded.matrix.loc["a", "c"] == pytest.approx(9, rel=1e-9)
    assert bounded.lambda_max > 3.1


def test_lambda_min_not_converged_is_announced():
    a = random_incomplete_stack(2, 6, 4, seed=4, sigma=0.8)
    start = _incomplete.fill(a, _incomplete.llsm_weights(a))
    with pytest.warns(ConvergenceWarning, match="did not converge for 2 matrices"):
        _, info = _incomplete.lambda_min_complete(a, start, bounded=False, maxiter=1)
    assert info["n_not_converged"] == 2 and info["not_converged"] == [0, 1]


def test_lambda_min_stack_progress_bar_runs(capsys):
    stack = np.stack([BOZOKI_MISSING, BOZOKI_MISSING])
    res = incomplete_weights(stack, incomplete="lambda_min", progress=True)
    np.testing.assert_allclose(res.matrix[:, 2, 3], 0.730297, atol=1e-5)


# ---- stacks, masks, survey data ------------------------------------------------------------


def test_mask_mode_isolates_disconnected_respondent():
    a = BOZOKI.copy()
    a[3, :3] = a[:3, 3] = np.nan
    stack = np.stack([BOZOKI_MISSING, a, BOZOKI])
    res = incomplete_weights(stack, labels=LABELS, on_invalid="mask")
    assert list(res.status) == ["ok", "disconnected", "ok"]
    assert np.isnan(res.weights.iloc[1]).all() and np.isnan(res.cr[1])
    assert res.verdict[1] is None and not res.acceptable[1]
    one = incomplete_weights(BOZOKI_MISSING, labels=LABELS)
    np.testing.assert_allclose(res.weights.iloc[0], one.weights, atol=BATCH_W)
    dis = res.report["disconnected"]
    assert dis["respondent"].tolist() == [1]
    assert dis["groups"].iloc[0] == [["a", "b", "c"], ["d"]]
    assert dis["isolated"].iloc[0] == ["d"]
    assert res.completed_pairs["respondent"].tolist() == [0]


def test_survey_wide_format_with_missing_answers_end_to_end():
    df = pd.DataFrame(
        {
            "a__b": [1, 3, None],
            "a__c": [5, None, 2],
            "a__d": [2, 2, 3],
            "b__c": [3, 4, None],
            "b__d": [4, None, 2],
            "c__d": [None, -2, 1],
        },
        index=["r1", "r2", "r3"],
    )
    stack = survey_matrices(df, positive_favours="left")
    res = incomplete_weights(stack)
    assert list(res.weights.index) == ["r1", "r2", "r3"]
    assert list(res.n_missing) == [1, 2, 2]
    np.testing.assert_allclose(
        res.weights.loc["r1"], [0.373579, 0.392123, 0.098177, 0.136122], atol=COMPUTED
    )
    assert res.completed_pairs["respondent"].tolist() == ["r1", "r2", "r2", "r3", "r3"]
    for rid in df.index:
        one = incomplete_weights(stack.values[list(df.index).index(rid)], labels=LABELS)
        np.testing.assert_allclose(res.weights.loc[rid], one.weights, atol=BATCH_W)
    summary = res.summary()
    assert summary["n_missing"].tolist() == [1, 2, 2]


@pytest.mark.parametrize("missing", [None, np.nan, ""], ids=["None", "NaN", "empty"])
def test_missing_codes_none_nan_empty_string(missing):
    upper = [1, 5, 2, 3, 4, missing]
    res = incomplete_weights(upper, labels=LABELS)
    np.testing.assert_allclose(
        res.weights.to_numpy(), [0.373579, 0.392123, 0.098177, 0.136122], atol=COMPUTED
    )


def test_two_elements_with_the_pair_missing_is_disconnected_and_n1_is_fine():
    with pytest.raises(DisconnectedComparisonsError, match=r"\{x\} and \{y\}"):
        incomplete_weights([[1, None], [None, 1]], labels=["x", "y"])
    one = incomplete_weights([[1]])
    assert one.weights.tolist() == [1.0] and one.cr == 0.0


def test_comparison_components_batched():
    known = np.ones((2, 4, 4), dtype=bool)
    known[1] = np.eye(4, dtype=bool)
    known[1, 0, 1] = known[1, 1, 0] = known[1, 2, 3] = known[1, 3, 2] = True
    np.testing.assert_array_equal(comparison_components(known), [[0, 0, 0, 0], [0, 0, 2, 2]])


# ---- result object, provenance, warnings, no mutation --------------------------------------


def test_result_fields_provenance_and_frozen():
    res = incomplete_weights(BOZOKI_MISSING, labels=LABELS)
    assert isinstance(res, IncompleteResult) and isinstance(res, AHPResult)
    assert (res.method, res.incomplete, res.ri_table, res.ri_source, res.ri_basis) == (
        "eigen",
        "harker",
        "saaty1980",
        "table",
        "complete_matrix",
    )
    assert res.lambda_estimator == "exact" and res.threshold == "seed" and res.n == 4
    assert res.verdict == "满意一致性" and res.acceptable
    assert np.isnan(res.original.loc["c", "d"]) and not np.isnan(res.matrix.loc["c", "d"])
    text = repr(res)
    assert "incomplete='harker'" in text and "ri_basis='complete_matrix'" in text
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.incomplete = "llsm"  # type: ignore[misc]
    pairs = res.completed_pairs
    pairs.loc[0, "value"] = 99.0
    assert res.completed_pairs["value"].iloc[0] == pytest.approx(0.721239, abs=COMPUTED)


def test_never_mutates_caller_data():
    a = BOZOKI_MISSING.copy()
    stack = np.stack([a, a])
    before = stack.copy()
    incomplete_weights(stack, incomplete="lambda_min")
    np.testing.assert_array_equal(np.isnan(stack), np.isnan(before))
    np.testing.assert_array_equal(stack[~np.isnan(stack)], before[~np.isnan(before)])
    df = judgment_matrix(BOZOKI_MISSING, labels=LABELS, allow_missing=True)
    snapshot = df.copy()
    incomplete_weights(df)
    pd.testing.assert_frame_equal(df, snapshot)


def test_inconsistent_incomplete_matrix_warns_and_keeps_weights():
    a = np.array(
        [[1, 9, np.nan, 1 / 9], [1 / 9, 1, 9, np.nan], [np.nan, 1 / 9, 1, 9], [9, np.nan, 1 / 9, 1]]
    )
    with pytest.warns(InconsistencyWarning, match="completed by 'harker'"):
        res = incomplete_weights(a)
    assert res.verdict == "需调整"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = incomplete_weights(a)
    np.testing.assert_allclose(res.weights, again.weights, atol=0)


def test_docstring_examples_run():
    result = doctest.testmod(_incomplete, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_benchmark_smoke_tiny_incomplete_stack():
    # the 10,000 x 9x9 benchmark at a tiny size (timings are never asserted)
    stack = random_incomplete_stack(30, 9, 9, seed=5)
    for method in ("eigen", "geometric"):
        res = incomplete_weights(stack, method=method, scale="ratio", on_invalid="mask")
        assert np.isfinite(res.cr).all() and (np.asarray(res.n_missing) == 9).all()

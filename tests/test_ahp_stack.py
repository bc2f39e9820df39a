"""AHP at survey scale (issue 6): the fixed entry point on stacks, survey wide format, bad input,
the batched eigen solver and the validation fast path (methods/ahp.md §0-§3, §8, §10.2, §15).

The central property: ``weights(stack)`` (batched power iteration, one validation for the whole
stack) equals ``weights(matrix)`` (LAPACK ``eig``) member by member to 1e-12 on weights, λmax,
CI, CR and GCI, for every priority method and every ahp.md §15 reference matrix; and the stack
path reproduces the §15 reference values themselves ([computed] 6-decimal values to 1e-6,
4-decimal CR values to 5e-5).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cvlib.ahp as ahp
from cvlib.ahp import (
    S17,
    AHPInputError,
    ConvergenceWarning,
    DuplicateJudgmentError,
    JudgmentStack,
    MissingJudgmentError,
    ScaleWarning,
    survey_matrices,
    weights,
)
from cvlib.ahp._diagnostics import suggest
from cvlib.ahp._errors import DisconnectedComparisonsError, RepairWarning
from cvlib.ahp._incomplete import IncompleteResult, incomplete_weights
from cvlib.ahp._matrix import LOG_TIE_TOL, STATUS_CODES, nearest_s17
from cvlib.ahp._priority import _lapack_perron, geometric_weights, perron

pytestmark = pytest.mark.filterwarnings("ignore::cvlib.ahp.InconsistencyWarning")

BATCH = 1e-12  # stack path vs single-matrix path (weights, λmax, CI, CR, GCI)
COMPUTED = 1e-6  # ahp.md §15 [computed] values printed with 6 decimals
CR4 = 5e-5  # values printed with 4 decimals
METHODS = ("eigen", "geometric", "sum", "row_sum")


def full(upper):
    """Reciprocal matrix from an upper triangle (row-major)."""
    m = len(upper)
    n = int((1 + np.sqrt(1 + 8 * m)) / 2)
    a = np.ones((n, n))
    iu = np.triu_indices(n, 1)
    a[iu] = upper
    a[iu[1], iu[0]] = 1 / np.asarray(upper, dtype=float)
    return a


def from_pairs(labels, judgments):
    """Matrix from "X>Y v" judgments {(X, Y): v} meaning a(X, Y) = v."""
    pos = {lab: k for k, lab in enumerate(labels)}
    a = np.ones((len(labels), len(labels)))
    for (x, y), v in judgments.items():
        a[pos[x], pos[y]], a[pos[y], pos[x]] = v, 1 / v
    return a


def edge_matrix(n):
    """ahp.md §15.9: u_i = 1 + 8(i - 1)/(n - 1), a_ij = u_i/u_j, then a_1n = a_n1 = 1."""
    u = 1 + 8 * np.arange(n) / (n - 1)
    a = np.outer(u, 1 / u)
    a[0, -1] = a[-1, 0] = 1.0
    return a


# ---- every ahp.md §15 matrix with its [computed] reference values --------------------------
# name -> (matrix, EV weights or None, λmax or None, CR (saaty1980) or None)
CITIES = ["Bethesda", "Boston", "Pittsburgh", "Santa Fe"]
BE, BO, PI, SF = CITIES
REF: dict[str, tuple] = {
    # §15.1 Saaty (2008) drinks
    "drinks": (
        np.array(
            [
                [1, 9, 5, 2, 1, 1, 1 / 2],
                [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
                [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
                [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
                [1, 9, 4, 2, 1, 2, 1 / 2],
                [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
                [2, 9, 9, 3, 2, 3, 1],
            ]
        ),
        [0.177457, 0.019149, 0.041831, 0.116417, 0.189572, 0.128781, 0.326793],
        7.176629,
        0.0223,
    ),
    # §15.2 Saaty (2004) best city: criteria and the alternatives under each criterion
    "city": (
        np.array(
            [
                [1, 1 / 5, 3, 1 / 2, 5],
                [5, 1, 7, 1, 7],
                [1 / 3, 1 / 7, 1, 1 / 4, 3],
                [2, 1, 4, 1, 7],
                [1 / 5, 1 / 7, 1 / 3, 1 / 7, 1],
            ]
        ),
        [0.152167, 0.433454, 0.071556, 0.305006, 0.037816],
        5.225235,
        0.0503,
    ),
    "city_culture": (
        from_pairs(
            CITIES,
            {(BE, PI): 1, (BO, BE): 2, (BO, PI): 2.5, (BO, SF): 1, (SF, BE): 2, (SF, PI): 2.5},
        ),
        [0.163455, 0.345160, 0.146224, 0.345160],
        None,  # CI 0.002077 (CITY_CI)
        None,
    ),
    "city_family": (
        from_pairs(
            CITIES, {(BE, BO): 2, (BE, SF): 4, (BO, SF): 2, (PI, BE): 3, (PI, BO): 8, (PI, SF): 9}
        ),
        [0.209622, 0.098244, 0.635350, 0.056784],
        None,  # CI 0.010399 (CITY_CI)
        None,
    ),
    "city_housing": (
        from_pairs(
            CITIES, {(BE, BO): 5, (BE, SF): 2.5, (PI, BE): 2, (PI, BO): 9, (PI, SF): 7, (SF, BO): 4}
        ),
        [0.262283, 0.046737, 0.571307, 0.119674],
        None,  # CI 0.040254 (CITY_CI)
        None,
    ),
    "city_jobs": (
        from_pairs(
            CITIES, {(BE, PI): 3, (BE, SF): 4, (BO, BE): 2, (BO, PI): 6, (BO, SF): 8, (PI, SF): 1}
        ),
        [0.279304, 0.558608, 0.086848, 0.075240],
        None,  # CI 0.003454 (CITY_CI)
        None,
    ),
    "city_transportation": (
        from_pairs(
            CITIES,
            {(BE, BO): 1.5, (BE, SF): 4, (BO, SF): 2.5, (PI, BE): 2, (PI, BO): 3.5, (PI, SF): 9},
        ),
        [0.248889, 0.157034, 0.532723, 0.061355],
        None,  # CI 0.000888 (CITY_CI)
        None,
    ),
    # §15.3 Wikipedia leader example
    "leader": (
        full([4, 3, 7, 1 / 3, 3, 5]),
        [0.547569, 0.126555, 0.269950, 0.055926],
        4.118418,
        0.0439,
    ),
    "leader_experience": (full([1 / 4, 4, 9]), [0.217166, 0.717065, 0.065769], None, 0.0318),
    "leader_education": (full([3, 1 / 5, 1 / 7]), [0.188394, 0.080961, 0.730645], None, 0.0559),
    "leader_charisma": (full([5, 9, 4]), [0.742867, 0.193882, 0.063252], None, 0.0614),
    "leader_age": (full([1 / 3, 5, 9]), [0.265433, 0.671625, 0.062941], None, 0.0251),
    # §15.4 tourism (Jiang Qiyuan): criteria and B1..B5
    "tourism": (
        np.array(
            [
                [1, 1 / 2, 4, 3, 3],
                [2, 1, 7, 5, 5],
                [1 / 4, 1 / 7, 1, 1 / 2, 1 / 3],
                [1 / 3, 1 / 5, 2, 1, 1],
                [1 / 3, 1 / 5, 3, 1, 1],
            ]
        ),
        [0.263603, 0.475835, 0.053815, 0.098068, 0.108678],
        5.072084,
        0.0161,
    ),
    "tourism_b1": (full([2, 5, 2]), [0.595379, 0.276350, 0.128271], 3.005535, None),
    "tourism_b2": (full([1 / 3, 1 / 8, 1 / 3]), [0.081935, 0.236341, 0.681725], 3.001542, None),
    "tourism_b3": (full([1, 3, 3]), [0.428571, 0.428571, 0.142857], 3.0, 0.0),
    "tourism_b4": (full([3, 4, 1]), [0.633708, 0.191921, 0.174371], 3.009203, None),
    "tourism_b5": (full([1, 1 / 4, 1 / 4]), [0.166667, 0.166667, 0.666667], 3.0, 0.0),
    # §15.5 Bozóki et al. (2010), complete
    "bozoki": (
        np.array([[1, 1, 5, 2], [1, 1, 3, 4], [1 / 5, 1 / 3, 1, 3 / 4], [1 / 2, 1 / 4, 4 / 3, 1]]),
        [0.374226, 0.391709, 0.099146, 0.134920],
        4.092460,
        0.0342,
    ),
    # §15.6 lubricant reconstruction
    "lubricant_goal": (full([2]), [2 / 3, 1 / 3], 2.0, 0.0),
    "lubricant_current": (full([4]), [0.8, 0.2], 2.0, 0.0),
    "lubricant_potential": (full([3]), [0.75, 0.25], 2.0, 0.0),
    "lubricant_sales": (
        full([1 / 2, 1 / 3, 1 / 2]),
        [0.163424, 0.296961, 0.539615],
        3.009203,
        0.0079,
    ),
    "lubricant_credit": (full([3, 2, 1 / 3]), [0.527836, 0.139648, 0.332516], 3.053622, 0.0462),
    "lubricant_tp_a": (
        full([4, 5, 6, 2, 2, 2]),
        [0.607312, 0.185007, 0.124231, 0.083450],
        4.065775,
        0.0244,
    ),
    "lubricant_tp_b": (full([3, 5, 8, 1, 3, 1]), None, None, 0.0402),
    "lubricant_tp_c": (full([4, 5, 6, 1, 4, 1]), None, None, 0.0708),
    "lubricant_tp_d": (full([6, 5, 4, 2, 3, 2]), None, None, 0.0945),
    # §15.7 group respondents (R1 = sales volume)
    "group_r2": (full([1, 1 / 5, 1 / 3]), [0.156182, 0.185174, 0.658644], None, 0.0251),
    "group_r3": (full([1 / 3, 1 / 2, 1 / 3]), [0.163424, 0.296961, 0.539615], None, 0.2213),
    # §15.8 diagnostics
    "credit_alternative": (full([1, 6, 1 / 9]), None, None, 1.7624),
    "three_cycle": (full([3, 1 / 3, 3]), [1 / 3, 1 / 3, 1 / 3], 13 / 3, 1.1494),
    "two_cycles_4x4": (full([3, 3, 1 / 3, 3, 3, 3]), None, None, 0.6528),
    # §15.9 edge cases
    "n1": (np.ones((1, 1)), [1.0], 1.0, 0.0),
    "consistent_1234": (
        np.outer([1, 2, 3, 4], [1, 1 / 2, 1 / 3, 1 / 4]),
        [0.1, 0.2, 0.3, 0.4],
        4.0,
        0.0,
    ),
    "edge_16": (edge_matrix(16), None, 16.371443, 0.015498),
    "edge_20": (edge_matrix(20), None, 20.310297, 0.009995),
    "edge_30": (edge_matrix(30), None, 30.218053, 0.004473),
}


#: §15.2: CI of the alternatives' matrices (printed with 6 decimals)
CITY_CI = {
    "city_culture": 0.002077,
    "city_family": 0.010399,
    "city_housing": 0.040254,
    "city_jobs": 0.003454,
    "city_transportation": 0.000888,
}


def by_size():
    """The §15 matrices grouped by n (one stack per size) with their transposes."""
    groups: dict[int, list] = {}
    for name, (a, *_rest) in REF.items():
        groups.setdefault(a.shape[0], []).append((name, a))
        groups[a.shape[0]].append((f"{name}.T", a.T.copy()))
    return groups


def test_reference_table_covers_every_section_15_case():
    assert len(REF) == 38
    assert sum(len(v) for v in by_size().values()) == 2 * len(REF)


@pytest.mark.parametrize("method", METHODS)
def test_stack_equals_single_matrix_on_every_ahp_md_15_matrix(method):
    """weights(stack) row k == weights(stack[k]) to 1e-12 (weights, λmax, CI, CR, GCI)."""
    for n, members in by_size().items():
        names = [m[0] for m in members]
        stack = np.stack([m[1] for m in members])
        res = weights(stack, method)
        assert res.weights.shape == (len(members), n)
        for field in ("lambda_max", "ci", "cr", "gci"):
            assert getattr(res, field).shape == (len(members),)
        if n >= 3:  # λmax (exact) is always the Perron root: batched power iteration
            assert res.report["eigen_solver"] == "power iteration"
        assert res.n_fallback == 0
        for k, name in enumerate(names):
            one = weights(stack[k], method)
            np.testing.assert_allclose(
                res.weights.iloc[k].to_numpy(),
                one.weights.to_numpy(),
                rtol=0,
                atol=BATCH,
                err_msg=name,
            )
            for field in ("lambda_max", "ci", "cr", "gci"):
                assert abs(getattr(res, field)[k] - getattr(one, field)) <= BATCH, (name, field)
            assert res.verdict[k] == one.verdict and res.acceptable[k] == one.acceptable


@pytest.mark.parametrize("method", ["geometric", "sum"])
@pytest.mark.parametrize("estimator", ["mean_ratio", "colsum"])
def test_stack_equals_single_matrix_with_own_weight_lambda_estimators(method, estimator):
    for n, members in by_size().items():
        if n < 3:
            continue
        stack = np.stack([m[1] for m in members])
        try:
            res = weights(stack, method, lambda_estimator=estimator)
        except AHPInputError as err:  # colsum may give λ < n: the same error for one matrix
            assert estimator == "colsum" and "lambda_estimator='colsum'" in str(err)
            continue
        for k in range(len(stack)):
            one = weights(stack[k], method, lambda_estimator=estimator)
            assert abs(res.lambda_max[k] - one.lambda_max) <= BATCH
            assert abs(res.cr[k] - one.cr) <= BATCH


def test_stack_path_reproduces_ahp_md_15_reference_values():
    """EV weights 1e-6, λmax 1e-6, CR (saaty1980) 5e-5, through weights(stack)."""
    for members in by_size().values():
        stack = np.stack([m[1] for m in members])
        res = weights(stack)
        for k, (name, _) in enumerate(members):
            if name.endswith(".T"):
                continue
            _, ev, lam, cr = REF[name]
            if ev is not None:
                np.testing.assert_allclose(res.weights.iloc[k], ev, atol=COMPUTED, err_msg=name)
            if lam is not None:
                assert res.lambda_max[k] == pytest.approx(lam, abs=COMPUTED), name
            if cr is not None:
                assert res.cr[k] == pytest.approx(cr, abs=CR4), name
            if name in CITY_CI:
                assert res.ci[k] == pytest.approx(CITY_CI[name], abs=COMPUTED), name


def test_stack_of_transposed_city_matrices_gives_the_orientation_mistake_values():
    """ahp.md §1.3: transposed city criteria -> EV 0.1266, 0.0458, 0.2612, 0.0585, 0.5080."""
    city = REF["city"][0]
    res = weights(np.stack([city, city.T]))
    np.testing.assert_allclose(
        res.weights.iloc[1], [0.1266, 0.0458, 0.2612, 0.0585, 0.5080], atol=5e-5
    )


def test_stack_of_2000_survey_matrices_equals_lapack_to_1e_12():
    """A survey-sized stack (S17 judgments, 9x9): batched power iteration vs LAPACK eig."""
    rng = np.random.default_rng(6)
    r, n = 2000, 9
    iu = np.triu_indices(n, 1)
    u = rng.uniform(1, 5, (r, n))
    up = (u[:, :, None] / u[:, None, :])[:, iu[0], iu[1]] * np.exp(rng.normal(0, 0.5, (r, 36)))
    up = S17[np.abs(np.log(up)[..., None] - np.log(S17)).argmin(axis=-1)]
    a = np.ones((r, n, n))
    a[:, iu[0], iu[1]], a[:, iu[1], iu[0]] = up, 1 / up
    res = weights(a)
    w_ref, lam_ref = _lapack_perron(a)
    assert np.abs(res.weights.to_numpy() - w_ref).max() <= BATCH
    assert np.abs(res.lambda_max - lam_ref).max() <= 1e-10 * n
    assert res.n_fallback == 0 and res.report["eigen_solver"] == "power iteration"


# ---- survey wide format -> survey_matrices -> weights ---------------------------------------


def codes_of(a, labels, positive_favours="left"):
    """Signed -9..9 codes of the upper triangle of an S17 matrix, one column A__B per pair."""
    out = {}
    n = len(labels)
    for i in range(n):
        for j in range(i + 1, n):
            v = a[i, j]
            c = round(v) if v >= 1 else -round(1 / v)
            out[f"{labels[i]}__{labels[j]}"] = c if positive_favours == "left" else -c
    return out


CITY_CRITERIA = ["Culture", "Family", "Housing", "Jobs", "Transportation"]


def test_survey_wide_format_into_weights_equals_the_matrices_city_and_tourism():
    city, tourism = REF["city"][0], REF["tourism"][0]
    rows = [
        codes_of(city, CITY_CRITERIA),
        codes_of(tourism, CITY_CRITERIA),
        codes_of(city.T, CITY_CRITERIA),
    ]
    df = pd.DataFrame(rows, index=pd.Index(["r1", "r2", "r3"], name="respondent"))
    stack = survey_matrices(df, positive_favours="left")
    assert isinstance(stack, JudgmentStack) and stack.labels == tuple(CITY_CRITERIA)
    res = weights(stack)
    assert list(res.weights.index) == ["r1", "r2", "r3"]
    assert list(res.weights.columns) == CITY_CRITERIA
    for k, a in enumerate((city, tourism, city.T)):
        one = weights(a, labels=CITY_CRITERIA)
        np.testing.assert_allclose(res.weights.iloc[k], one.weights, atol=BATCH, rtol=0)
        assert abs(res.cr[k] - one.cr) <= BATCH
    np.testing.assert_allclose(res.weights.loc["r1"], REF["city"][1], atol=COMPUTED)
    assert res.cr[0] == pytest.approx(0.0503, abs=CR4)
    np.testing.assert_allclose(res.weights.loc["r2"], REF["tourism"][1], atol=COMPUTED)
    # the mirrored convention and a column order that differs from the label order agree
    right = pd.DataFrame([codes_of(city, CITY_CRITERIA, "right")])
    right = right[right.columns[::-1]]
    mirrored = weights(survey_matrices(right, positive_favours="right", labels=CITY_CRITERIA))
    np.testing.assert_allclose(mirrored.weights.iloc[0], REF["city"][1], atol=COMPUTED)


def test_survey_wide_format_with_missing_answers_through_allow_missing():
    """ahp.md §15.5: Bozóki with (c, d) unanswered -> Harker EV 0.373579, 0.392123, 0.098177,
    0.136122 and λ 4.092388, via survey codes and weights(..., allow_missing=True)."""
    df = pd.DataFrame(
        {
            "a__b": [1, 1],
            "a__c": [5, 5],
            "a__d": [2, 2],
            "b__c": [3, 3],
            "b__d": [4, 4],
            "c__d": [np.nan, -2],
        },
        index=["incomplete", "complete"],
    )
    stack = survey_matrices(df, positive_favours="left")
    with pytest.raises(MissingJudgmentError, match="respondent 'incomplete'.*incomplete_weights"):
        weights(stack)
    res = weights(stack, allow_missing=True)
    assert isinstance(res, IncompleteResult) and res.incomplete == "harker"
    np.testing.assert_allclose(
        res.weights.loc["incomplete"], [0.373579, 0.392123, 0.098177, 0.136122], atol=COMPUTED
    )
    assert res.lambda_max[0] == pytest.approx(4.092388, abs=COMPUTED)
    assert res.n_missing.tolist() == [1, 0]
    direct = incomplete_weights(stack)
    np.testing.assert_allclose(res.weights, direct.weights, atol=0, rtol=0)
    # the complete respondent gets exactly what the complete path gives
    one = weights(stack.values[1], labels=["a", "b", "c", "d"])
    np.testing.assert_allclose(res.weights.loc["complete"], one.weights, atol=BATCH, rtol=0)
    assert abs(res.cr[1] - one.cr) <= BATCH


def test_weights_allow_missing_hands_off_to_incomplete_weights():
    pairs = {("a", "b"): 1, ("a", "c"): 5, ("a", "d"): 2, ("b", "c"): 3, ("b", "d"): 4}
    res = weights(pairs, allow_missing=True)
    ref = incomplete_weights(pairs)
    assert isinstance(res, IncompleteResult) and res.n_missing == 1
    pd.testing.assert_series_equal(res.weights, ref.weights)
    gm = weights(pairs, "geometric", allow_missing=True)
    assert gm.incomplete == "llsm"
    lam = weights(pairs, allow_missing=True, incomplete="lambda_min")
    assert float(lam.matrix.loc["c", "d"]) == pytest.approx(0.730297, abs=1e-5)
    # a disconnected respondent is masked with the status "disconnected" (now in STATUS_CODES)
    a = np.ones((2, 4, 4))
    a[1][np.ix_([0, 1], [2, 3])] = np.nan
    a[1][np.ix_([2, 3], [0, 1])] = np.nan
    masked = weights(a, allow_missing=True, on_invalid="mask", labels=list("abcd"))
    assert masked.status.tolist() == ["ok", "disconnected"] and "disconnected" in STATUS_CODES
    with pytest.raises(DisconnectedComparisonsError, match=r"\{a, b\} and \{c, d\}"):
        weights(a[1], allow_missing=True, labels=list("abcd"))
    with pytest.raises(AHPInputError, match="only to incomplete matrices.*allow_missing=True"):
        weights(pairs, incomplete="llsm")


# ---- bad input (issue 6) -------------------------------------------------------------------


def test_bad_input_zero_and_negative_judgment_name_respondent_pair_and_value():
    city = REF["city"][0]
    values = np.stack([city, city, city])
    values[1, 0, 2] = 0.0  # respondent "r2": a(Culture, Housing) = 0
    values[2, 3, 1] = -3.0  # respondent "r3": a(Jobs, Family) = -3
    stack = JudgmentStack(values, CITY_CRITERIA, ["r1", "r2", "r3"])
    with pytest.raises(
        AHPInputError, match=r"respondent 'r2': .*non-positive.*\(Culture, Housing\) a_13 = 0"
    ):
        weights(stack)
    with pytest.raises(AHPInputError, match=r"respondent 'r3': .*\(Jobs, Family\) a_42 = -3"):
        weights(JudgmentStack(values[[0, 2]], CITY_CRITERIA, ["r1", "r3"]))
    masked = weights(stack, on_invalid="mask")
    assert masked.status.tolist() == ["ok", "nonpositive", "nonpositive"]
    np.testing.assert_allclose(masked.weights.loc["r1"], REF["city"][1], atol=COMPUTED)


def test_bad_input_pair_given_twice_with_different_values_names_pair_and_values():
    df = pd.DataFrame(
        {"a__b": [3, 2], "b__a": [3, -2], "a__c": [1, 2], "b__c": [2, 1]}, index=["x", "y"]
    )
    with pytest.raises(
        DuplicateJudgmentError,
        match=r"'a__b' and 'b__a' judge the same pair \(a, b\).*respondent 'x' "
        r"\(a\(a, b\) = 3 and 1/3\).*never lets the last one win",
    ):
        survey_matrices(df, positive_favours="left")
    with pytest.raises(DuplicateJudgmentError, match="never lets the last one win"):
        weights([("a", "b", 3), ("b", "a", 3), ("a", "c", 1), ("b", "c", 1)])


def test_bad_input_stack_with_mixed_sizes_through_weights_and_gci():
    three, four = REF["lubricant_sales"][0], REF["bozoki"][0]
    for fn in (weights, ahp.gci):
        with pytest.raises(AHPInputError, match=r"one size.*matrix 0 is 3x3 and matrix 2 is 4x4"):
            fn([three, three, four])
    with pytest.raises(AHPInputError, match="one size"):
        weights([three.tolist(), four.tolist()])
    ok = weights([three, three.T])  # a list of equal-size matrices is a stack
    assert ok.weights.shape == (2, 3)


def test_bad_input_survey_codes_outside_minus9_9_print_the_plain_value():
    df = pd.DataFrame({"a__b": [3, -10], "a__c": [1, 1], "b__c": [2, 12]}, index=[101, 102])
    with pytest.raises(AHPInputError) as err:
        survey_matrices(df, positive_favours="left")
    msg = str(err.value)
    assert "respondent 102: code -10 is not an integer in -9..9 (pair (a, b)" in msg
    assert "np.int64" not in msg and "np.float64" not in msg
    df = pd.DataFrame({"a__b": [3, 2], "a__c": [1, 1], "b__c": [2, 12]}, index=["p", "q"])
    with pytest.raises(AHPInputError, match=r"'b__c', respondent 'q': code 12 .*pair \(b, c\)"):
        survey_matrices(df, positive_favours="left")


def test_missing_judgment_message_points_to_incomplete_weights():
    with pytest.raises(MissingJudgmentError) as err:
        weights({("a", "b"): 3, ("b", "c"): 2})
    msg = str(err.value)
    assert "cvlib.ahp.incomplete_weights" in msg and "later version" not in msg


# ---- errors and warnings live in _errors (one class each) ------------------------------------


def test_moved_error_and_warning_classes_are_the_same_objects_everywhere():
    from cvlib.ahp import _diagnostics, _errors, _incomplete

    assert _incomplete.DisconnectedComparisonsError is _errors.DisconnectedComparisonsError
    assert ahp.DisconnectedComparisonsError is DisconnectedComparisonsError
    assert _diagnostics.RepairWarning is _errors.RepairWarning is ahp.RepairWarning
    assert issubclass(DisconnectedComparisonsError, AHPInputError)
    assert issubclass(DisconnectedComparisonsError, ValueError)
    assert issubclass(RepairWarning, ahp.AHPWarning)


# ---- nearest_s17 tie rule (ahp.md §10.2: a log tie goes to the value closer to 1) -------------


def test_nearest_s17_log_ties_go_to_the_value_closer_to_1():
    ties = np.array([np.sqrt(2), np.sqrt(6), np.sqrt(72), 1 / np.sqrt(2), 1 / np.sqrt(6)])
    assert nearest_s17(ties).tolist() == pytest.approx([1, 2, 8, 1, 1 / 2], abs=1e-15)
    mids = np.sqrt(S17[1:] * S17[:-1])  # every log midpoint of neighbouring S17 values
    expect = np.where(mids > 1, S17[:-1], S17[1:])
    np.testing.assert_array_equal(nearest_s17(mids), expect)
    # a hair past the tolerance decides by distance again
    up, down = np.exp(np.log(mids) + 10 * LOG_TIE_TOL), np.exp(np.log(mids) - 10 * LOG_TIE_TOL)
    np.testing.assert_array_equal(nearest_s17(up), S17[1:])
    np.testing.assert_array_equal(nearest_s17(down), S17[:-1])
    np.testing.assert_array_equal(nearest_s17(S17), S17)
    assert nearest_s17(np.array([50.0, 1 / 50])).tolist() == pytest.approx([9, 1 / 9])


def test_diagnose_suggestion_uses_the_tie_rule():
    t = np.array([[np.sqrt(2), 1 / np.sqrt(2), np.sqrt(6) * (1 + 1e-15)]])
    s, capped, same = suggest(np.array([[3.0, 3.0, 3.0]]), t, "saaty")
    assert s[0].tolist() == pytest.approx([1, 1, 2]) and not capped.any() and not same.any()


# ---- batched eigen solver: accelerated start, convergence rule, fallback --------------------


def random_stack(r, n, seed, sigma):
    rng = np.random.default_rng(seed)
    iu = np.triu_indices(n, 1)
    u = rng.uniform(1, 5, (r, n))
    a = u[:, :, None] / u[:, None, :]
    a[:, iu[0], iu[1]] *= np.exp(rng.normal(0, sigma, (r, len(iu[0]))))
    a[:, iu[1], iu[0]] = 1 / a[:, iu[0], iu[1]]
    return a


@pytest.mark.filterwarnings("ignore::cvlib.ahp.ConvergenceWarning")  # the max_iter=31 runs
@pytest.mark.parametrize("n", [3, 4, 7, 9, 12, 15])
def test_perron_accelerated_power_iteration_equals_lapack(n):
    """ahp.md §2: batched vs LAPACK <= 1e-12 on weights and <= 1e-10 on λmax."""
    for sigma in (0.1, 0.8):
        a = random_stack(300, n, seed=n, sigma=sigma)
        w, lam, info = perron(a, single=False)
        w_ref, lam_ref = _lapack_perron(a)
        assert info["accelerated"] and info["n_fallback"] == 0
        assert np.abs(w - w_ref).max() <= BATCH
        assert np.abs(lam - lam_ref).max() <= 1e-10
        # without the accelerator (max_iter < 32): the same answer from plain steps
        w2, lam2, info2 = perron(a, single=False, max_iter=31)
        assert not info2["accelerated"]
        if info2["n_fallback"] == 0:
            assert np.abs(w2 - w_ref).max() <= BATCH


def test_perron_wildly_inconsistent_members_fall_back_to_lapack():
    """|λ2/λ1| near 1 (strong intransitivity, σ = 2 on the log scale): the few members that do
    not converge within max_iter are solved by LAPACK; every member still equals LAPACK."""
    a = random_stack(300, 9, seed=9, sigma=2.0)
    with pytest.warns(ConvergenceWarning, match="3 of 300 matrices"):
        w, lam, info = perron(a, single=False)
    w_ref, lam_ref = _lapack_perron(a)
    assert info["n_fallback"] == 3
    assert np.abs(w - w_ref).max() <= BATCH and np.abs(lam - lam_ref).max() <= 1e-10


def test_perron_extreme_ratio_scale_members_keep_the_plain_start():
    a = random_stack(50, 6, seed=1, sigma=0.3)
    a[7, 0, 1:] = 1e25  # a row sum above 1e20 n: no acceleration for this member
    a[7, 1:, 0] = 1e-25
    w, lam, info = perron(a, single=False)
    w_ref, lam_ref = _lapack_perron(a)
    assert np.isfinite(w).all() and info["n_fallback"] == 0
    assert np.abs(w - w_ref).max() <= BATCH
    rest = np.arange(50) != 7
    assert np.abs(lam - lam_ref)[rest].max() <= 1e-10


def test_perron_start_vector_does_not_change_the_result():
    a = random_stack(200, 8, seed=3, sigma=0.6)
    w1, lam1, _ = perron(a, single=False)
    w2, lam2, _ = perron(a, single=False, start=np.full((200, 8), 1 / 8))
    w3, lam3, _ = perron(a, single=False, start=geometric_weights(a))
    for w, lam in ((w2, lam2), (w3, lam3)):
        assert np.abs(w - w1).max() <= BATCH
        assert np.abs(lam - lam1).max() <= 1e-10


def test_perron_fallback_still_counted_and_warned():
    a = random_stack(20, 6, seed=4, sigma=1.5)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        w, lam, info = perron(a, single=False, max_iter=2)
    assert info["n_fallback"] > 0 and not info["accelerated"]
    w_ref, _ = _lapack_perron(a)
    assert np.abs(w - w_ref).max() <= BATCH


# ---- validation fast path: same outcomes as the member-by-member checks ---------------------


def test_validation_fast_path_keeps_scale_warnings_and_non_scale_listing():
    city = REF["city"][0]
    stack = np.stack([city, city, city])
    stack[1, 0, 1], stack[1, 1, 0] = 0.33, 1 / 0.33  # reciprocal, in range, a rounded 1/3
    stack[2, 0, 3], stack[2, 3, 0] = 2.5, 0.4  # off S17 but a legitimate value
    with pytest.warns(ScaleWarning, match=r"respondent 1: \(Culture, Family\) = 0.33"):
        res = weights(stack, labels=CITY_CRITERIA)
    table = res.report["non_scale_values"]
    assert table[["respondent", "row", "column"]].values.tolist() == [
        [1, "Culture", "Family"],
        [2, "Culture", "Jobs"],
    ]
    clean = weights(np.stack([city, city]), labels=CITY_CRITERIA)
    empty = clean.report["non_scale_values"]
    assert len(empty) == 0 and list(empty.columns) == ["respondent", "row", "column", "value"]
    single = weights(city).report["non_scale_values"]
    assert len(single) == 0 and list(single.columns) == ["row", "column", "value"]


def test_validation_fast_path_and_full_checks_agree_on_tolerances():
    city = REF["city"][0]
    near = city.copy()
    near[0, 0] = 1 + 1e-12  # diagonal within 1e-9: accepted by the full checks
    near[0, 1] = 1 / 5 * (1 + 1e-8)  # reciprocity product 1 + 1e-8 <= recip_tol
    res = weights(np.stack([city, near]))
    np.testing.assert_allclose(res.weights.iloc[1], res.weights.iloc[0], atol=1e-7)
    assert res.status.tolist() == ["ok", "ok"]
    off = city.copy()
    off[0, 1] = 1 / 5 * (1 + 1e-5)
    with pytest.raises(ahp.ReciprocityError, match=r"respondent 1: .*\(Culture, Family\)"):
        weights(np.stack([city, off]), labels=CITY_CRITERIA)
    high = np.stack([city, city])
    high[1, 1, 2], high[1, 2, 1] = 10.0, 0.1
    with pytest.raises(ahp.ScaleError, match=r"respondent 1: .*\(Family, Housing\) a_23 = 10"):
        weights(high, labels=CITY_CRITERIA)
    assert weights(high, scale="ratio").status.tolist() == ["ok", "ok"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScaleWarning)
        weights(np.stack([city] * 3), scale="saaty_strict")
    strict = np.stack([city, city])
    strict[1, 0, 3], strict[1, 3, 0] = 2.5, 0.4
    with pytest.raises(ahp.ScaleError, match="respondent 1"):
        weights(strict, scale="saaty_strict")


def test_perron_on_harker_matrices_converges_without_fallback():
    """Harker's B (ahp.md §8) has |λ2/λ1| up to about 0.8: the accelerated loop still converges
    and equals LAPACK; a Harker start from the previous weights gives the same completion."""
    from cvlib.ahp._incomplete import complete, harker_matrix, llsm_weights

    rng = np.random.default_rng(8)
    a = random_stack(500, 9, seed=8, sigma=0.5)
    iu = np.triu_indices(9, 1)
    for k in range(500):  # drop 9 of 36 pairs, keeping the path 0-1-...-8 (connected)
        drop = rng.choice([p for p in range(36) if iu[1][p] != iu[0][p] + 1], 9, replace=False)
        a[k, iu[0][drop], iu[1][drop]] = a[k, iu[1][drop], iu[0][drop]] = np.nan
    b = harker_matrix(a)
    w, lam, info = perron(b, single=False, start=llsm_weights(a))
    w_ref, lam_ref = _lapack_perron(b)
    assert info["n_fallback"] == 0
    assert np.abs(w - w_ref).max() <= BATCH and np.abs(lam - lam_ref).max() <= 1e-10
    c1, w1, _ = complete(a, "harker", single=False)
    c2, w2, _ = complete(a, "harker", single=False, start=np.full((500, 9), 1 / 9))
    assert np.abs(w1 - w2).max() <= BATCH

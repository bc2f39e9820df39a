"""Inconsistency diagnostics (不一致判断诊断), ahp.md §10: error matrix, top-k judgments with
suggestions and CR after the fix, 3-cycles, the opt-in repair loop; batched over stacks.

Reference values: ahp.md §15.8 (EV weights, saaty1980). Tolerances: 4-decimal values 5e-5
(ε, t, CR), [computed] 6-decimal values 1e-6; batched = single-matrix to 1e-12.
"""

from __future__ import annotations

import dataclasses
import doctest
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

from cvlib._validation import CvlibInputError
from cvlib.ahp import (
    S17,
    AHPInputError,
    DuplicateJudgmentError,
    _diagnostics,
    judgment_matrix,
    survey_matrices,
    weights,
)
from cvlib.ahp._diagnostics import (
    DiagnosisResult,
    RepairResult,
    RepairWarning,
    diagnose,
    error_matrix,
    rank_pairs,
    repair,
    suggest,
    three_cycles,
)
from cvlib.ahp._incomplete import DisconnectedComparisonsError, incomplete_weights

pytestmark = pytest.mark.filterwarnings("ignore::cvlib.ahp.InconsistencyWarning")

D4 = 5e-5  # values printed with 4 decimals
BATCH = 1e-12

R3 = np.array([[1, 1 / 3, 1 / 2], [3, 1, 1 / 3], [2, 3, 1]])
CREDIT_ALT = np.array([[1, 1, 6], [1, 1, 1 / 9], [1 / 6, 9, 1]])
CITY_LABELS = ["Culture", "Family", "Housing", "Jobs", "Transportation"]
CITY = np.array(
    [
        [1, 1 / 5, 3, 1 / 2, 5],
        [5, 1, 7, 1, 7],
        [1 / 3, 1 / 7, 1, 1 / 4, 3],
        [2, 1, 4, 1, 7],
        [1 / 5, 1 / 7, 1 / 3, 1 / 7, 1],
    ]
)
DRINKS_LABELS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
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
TOURISM = np.array(
    [
        [1, 1 / 2, 4, 3, 3],
        [2, 1, 7, 5, 5],
        [1 / 4, 1 / 7, 1, 1 / 2, 1 / 3],
        [1 / 3, 1 / 5, 2, 1, 1],
        [1 / 3, 1 / 5, 3, 1, 1],
    ]
)
B1 = np.array([[1, 2, 5], [1 / 2, 1, 2], [1 / 5, 1 / 2, 1]])
CYCLIC3 = np.array([[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]])


def full(upper):
    """Reciprocal matrix from an upper triangle (row-major)."""
    upper = np.asarray(upper, dtype=float)
    n = int((1 + np.sqrt(1 + 8 * len(upper))) / 2)
    a = np.ones((n, n))
    iu = np.triu_indices(n, 1)
    a[iu] = upper
    a[iu[1], iu[0]] = 1 / upper
    return a


def random_stack(r, n, seed, sigma=0.5, snap=True):
    rng = np.random.default_rng(seed)
    iu = np.triu_indices(n, 1)
    u = rng.uniform(1, 9, size=(r, n))
    up = np.clip(
        u[:, iu[0]] / u[:, iu[1]] * np.exp(rng.normal(0, sigma, (r, len(iu[0])))), 1 / 9, 9
    )
    if snap:
        up = S17[np.abs(np.log(up)[..., None] - np.log(S17)).argmin(axis=-1)]
    a = np.ones((r, n, n))
    a[:, iu[0], iu[1]] = up
    a[:, iu[1], iu[0]] = 1 / up
    return a


def rows_of(d):
    """(row, column, value, ε, t, s, CR_after, CR_after_continuous) per listed judgment."""
    cols = ["row", "column", "value", "epsilon", "consistent_value", "suggested", "cr_after"]
    return d.judgments[[*cols, "cr_after_continuous"]].values.tolist()


def check_row(row, expected):
    (i, j, a, e, t, s, cra, crc), (ei, ej, ea, ee, et, es, ecra, ecrc) = row, expected
    assert (i, j) == (ei, ej)
    assert a == pytest.approx(ea, rel=1e-12)
    assert e == pytest.approx(ee, abs=D4)
    assert t == pytest.approx(et, abs=D4)
    assert s == pytest.approx(es, rel=1e-12)
    assert cra == pytest.approx(ecra, abs=D4)
    if ecrc is not None:
        assert crc == pytest.approx(ecrc, abs=D4)


# ---- §15.8 reference cases -----------------------------------------------------------------


def test_diagnose_r3_15_8_ties_in_row_major_order():
    d = diagnose(R3, labels=["1", "2", "3"])
    assert d.cr == pytest.approx(0.2213, abs=D4)
    assert list(d.judgments["rank"]) == [1, 2, 3]
    np.testing.assert_allclose(d.judgments["deviation_factor"], 1.651, atol=5e-4)
    expected = [
        ("1", "2", 1 / 3, 0.6057, 0.5503, 1 / 2, 0.1169, 0.0972),
        ("1", "3", 1 / 2, 1.6510, 0.3029, 1 / 3, 0.1169, None),
        ("2", "3", 1 / 3, 0.6057, 0.5503, 1 / 2, 0.1169, None),
    ]
    for row, exp in zip(rows_of(d), expected, strict=True):
        check_row(row, exp)
    assert d.judgments["direction"].tolist() == ["increase", "decrease", "increase"]
    assert not d.judgments["scale_capped"].any()
    assert not d.judgments["no_scale_improvement"].any()
    np.testing.assert_allclose(d.judgments["cr_gain"], d.cr - d.judgments["cr_after"], atol=0)


def test_diagnose_credit_alternative_15_8_and_cr_gain_ranking():
    d = diagnose(CREDIT_ALT)
    assert d.cr == pytest.approx(1.7624, abs=D4)
    np.testing.assert_allclose(d.judgments["deviation_factor"], 3.7798, atol=D4)
    expected = [
        (0, 1, 1, 0.2646, 3.7798, 4, 0.6906, None),
        (0, 2, 6, 3.7798, 1.5874, 2, 0.8641, None),
        (1, 2, 1 / 9, 0.2646, 0.4200, 1 / 2, 0.6261, None),
    ]
    for row, exp in zip(rows_of(d), expected, strict=True):
        check_row(row, exp)
    gain = diagnose(CREDIT_ALT, rank_by="cr_gain")
    assert gain.rank_by == "cr_gain"
    assert gain.judgments[["row", "column"]].values.tolist() == [[1, 2], [0, 1], [0, 2]]
    np.testing.assert_allclose(gain.judgments["cr_after"], [0.6261, 0.6906, 0.8641], atol=D4)


def test_diagnose_city_15_8_scale_capped():
    d = diagnose(CITY, labels=CITY_LABELS)
    assert d.cr == pytest.approx(0.0503, abs=D4)
    expected = [
        ("Culture", "Family", 1 / 5, 0.5697, 0.3511, 1 / 3, 0.0295, 0.0283),
        ("Family", "Transportation", 7, 0.6107, 11.4623, 9, 0.0408, None),
        ("Housing", "Transportation", 3, 1.5854, 1.8922, 2, 0.0383, None),
    ]
    for row, exp in zip(rows_of(d), expected, strict=True):
        check_row(row, exp)
    assert d.judgments["scale_capped"].tolist() == [False, True, False]
    assert not d.judgments["no_scale_improvement"].any()


def test_diagnose_drinks_15_8_no_scale_improvement():
    d = diagnose(DRINKS, labels=DRINKS_LABELS)
    assert d.cr == pytest.approx(0.0223, abs=D4)
    expected = [
        ("wine", "water", 1 / 9, 1.8962, 0.0586, 1 / 9, 0.0223, 0.0117),
        ("wine", "beer", 1 / 9, 0.6755, 0.1645, 1 / 6, 0.0191, None),
        ("coffee", "milk", 1, 0.7257, 1.3780, 1, 0.0223, None),
    ]
    for row, exp in zip(rows_of(d), expected, strict=True):
        check_row(row, exp)
    j = d.judgments
    assert j["scale_capped"].tolist() == [True, False, False]
    assert j["no_scale_improvement"].tolist() == [True, False, True]
    # s = a: the matrix does not change, CR_after is CR exactly
    assert j["cr_after"].iloc[0] == d.cr and j["cr_after"].iloc[2] == d.cr


def test_repair_r3_15_8_audit_trail():
    original = R3.copy()
    with pytest.warns(RepairWarning, match="changed 2 judgment"):
        res = repair(R3, target_cr=0.1, max_changes=5)
    assert isinstance(res, RepairResult)
    audit = res.audit
    assert audit["step"].tolist() == [1, 2]
    assert audit[["row", "column"]].values.tolist() == [[0, 1], [0, 1]]  # the same pair twice
    np.testing.assert_allclose(audit["old"], [1 / 3, 1 / 2], rtol=1e-12)
    np.testing.assert_allclose(audit["new"], [1 / 2, 1], rtol=1e-12)
    np.testing.assert_allclose(audit["cr_before"], [0.2213, 0.1169], atol=D4)
    np.testing.assert_allclose(audit["cr_after"], [0.1169, 0.0158], atol=D4)
    assert res.reached_target is True and res.n_changes == 2
    assert res.stop_reason == "target reached"
    iu = np.triu_indices(3, 1)
    np.testing.assert_allclose(res.matrix.to_numpy()[iu], [1, 1 / 2, 1 / 3], rtol=1e-12)
    assert res.cr_before == pytest.approx(0.2213, abs=D4)
    assert res.cr_after == pytest.approx(0.0158, abs=D4)
    np.testing.assert_array_equal(R3, original)  # the caller's data are never modified
    np.testing.assert_array_equal(res.original.to_numpy(), original)
    after = weights(res.matrix)
    np.testing.assert_allclose(res.weights, after.weights, atol=1e-12)
    assert "step" in repr(res)  # the repr shows the audit trail


def test_three_cycles_15_8():
    cyc = three_cycles(CYCLIC3)
    assert cyc.n_cycles == 1
    d = diagnose(CYCLIC3)
    assert d.n_3cycles == 1
    assert d.lambda_max == pytest.approx(1 + 3 + 1 / 3, abs=1e-6)
    assert d.cr == pytest.approx(1.1494, abs=D4) and d.gci == pytest.approx(3.6208, abs=D4)
    np.testing.assert_allclose(d.weights, [1 / 3] * 3, atol=1e-12)
    four = three_cycles([3, 3, 1 / 3, 3, 3, 3], labels=["a", "b", "c", "d"])
    assert four.n_cycles == 2
    assert four.cycles[["first", "second", "third"]].values.tolist() == [
        ["a", "b", "d"],
        ["a", "c", "d"],
    ]
    assert diagnose(full([3, 3, 1 / 3, 3, 3, 3])).cr == pytest.approx(0.6528, abs=D4)
    tie = three_cycles(CREDIT_ALT, weak=True)
    assert tie.n_cycles == 0 and tie.n_weak == 1
    assert tie.cycles.values.tolist() == [["weak", 1, 0, 2]]  # 1 ~ 0, 0 > 2, but 2 > 1


@pytest.mark.parametrize(
    "matrix",
    [DRINKS, CITY, TOURISM, B1, full([4, 3, 7, 1 / 3, 3, 5]), full([1 / 2, 1 / 3, 1 / 2])],
    ids=["drinks", "city", "tourism", "tourism_b1", "leader", "sales_volume"],
)
def test_three_cycles_reference_matrices_15_1_to_15_6_have_none(matrix):
    assert three_cycles(matrix).n_cycles == 0
    assert len(three_cycles(matrix).cycles) == 0


def test_three_cycles_trace_formula_equals_enumeration():
    stack = random_stack(200, 6, seed=1, sigma=1.5)
    res = three_cycles(stack)
    brute = np.zeros(len(stack), dtype=int)
    for k, a in enumerate(stack):
        for i, j, m in itertools.permutations(range(6), 3):
            brute[k] += a[i, j] > 1 and a[j, m] > 1 and a[m, i] > 1
    np.testing.assert_array_equal(res.n_cycles, brute // 3)
    assert res.n_cycles.sum() > 50
    counts = res.cycles.groupby("respondent").size().reindex(range(200), fill_value=0)
    np.testing.assert_array_equal(counts.to_numpy(), res.n_cycles)


# ---- error matrix, suggestions, ranking ----------------------------------------------------


def test_error_matrix_definition_and_reciprocity():
    e = error_matrix(CITY, labels=CITY_LABELS)
    w = weights(CITY).weights.to_numpy()
    np.testing.assert_allclose(e.to_numpy(), CITY * w[None, :] / w[:, None], rtol=1e-12)
    np.testing.assert_allclose(e.to_numpy() * e.to_numpy().T, 1.0, rtol=1e-12)
    consistent = np.outer([1, 2, 3, 4], 1 / np.array([1, 2, 3, 4]))
    np.testing.assert_allclose(error_matrix(consistent).to_numpy(), 1.0, atol=1e-12)
    gm = error_matrix(CITY, method="geometric").to_numpy()
    wg = weights(CITY, "geometric").weights.to_numpy()
    np.testing.assert_allclose(gm, CITY * wg[None, :] / wg[:, None], rtol=1e-12)
    stack = error_matrix(np.stack([CITY, CITY.T]))
    assert stack.shape == (2, 5, 5)
    np.testing.assert_allclose(stack[0], e.to_numpy(), atol=BATCH)


def test_suggested_value_log_tie_goes_to_value_closer_to_1():
    t = np.array([[np.sqrt(6), 1 / np.sqrt(6), np.sqrt(2), 11.46, 0.05, 2.2]])
    a = np.array([[3.0, 1 / 3, 1.0, 7.0, 1 / 9, 2.0]])
    s, capped, same = suggest(a, t, "saaty")
    np.testing.assert_allclose(s, [[2, 1 / 2, 1, 9, 1 / 9, 2]], rtol=1e-12)
    assert capped.tolist() == [[False, False, False, True, True, False]]
    assert same.tolist() == [[False, False, True, False, True, True]]
    s_ratio, capped_ratio, _ = suggest(a, t, "ratio")
    np.testing.assert_allclose(s_ratio, t, rtol=0)
    assert not capped_ratio.any()


def test_rank_pairs_tie_rule_and_empty_slots():
    score = np.array([[1.0, 2.0, 2.0 + 1e-10, 0.5], [np.nan, -np.inf, 3.0, -np.inf]])
    sel = rank_pairs(score, 3)
    assert sel.tolist() == [[1, 2, 0], [2, -1, -1]]  # 2 and 2 + 1e-10 tie -> lower column


def test_diagnose_k_and_tidy_columns():
    d = diagnose(DRINKS, k=5, labels=DRINKS_LABELS)
    assert list(d.judgments["rank"]) == [1, 2, 3, 4, 5]
    assert list(d.judgments.columns) == [
        "rank",
        "row",
        "column",
        "value",
        "epsilon",
        "deviation_factor",
        "consistent_value",
        "suggested",
        "direction",
        "scale_capped",
        "no_scale_improvement",
        "cr",
        "cr_after",
        "cr_after_continuous",
        "cr_gain",
    ]
    dev = np.log(d.judgments["deviation_factor"].to_numpy())
    assert (np.diff(dev) <= 1e-12).all()  # sorted by deviation, descending
    assert len(diagnose(R3, k=10).judgments) == 3  # at most n(n-1)/2 rows
    # every listed CR after the fix is a full recomputation of the modified matrix
    for _, row in d.judgments.iterrows():
        a = DRINKS.copy()
        i, j = DRINKS_LABELS.index(row["row"]), DRINKS_LABELS.index(row["column"])
        a[i, j], a[j, i] = row["suggested"], 1 / row["suggested"]
        assert row["cr_after"] == pytest.approx(weights(a).cr, abs=1e-12)
        a[i, j], a[j, i] = row["consistent_value"], 1 / row["consistent_value"]
        assert row["cr_after_continuous"] == pytest.approx(weights(a, scale="ratio").cr, abs=1e-12)


def test_diagnose_geometric_method_and_mean_ratio_estimator():
    d = diagnose(CITY, method="geometric", lambda_estimator="mean_ratio")
    ref = weights(CITY, "geometric", lambda_estimator="mean_ratio")
    assert d.cr == pytest.approx(ref.cr, abs=1e-12)
    np.testing.assert_allclose(d.weights, ref.weights, atol=1e-12)
    row = d.judgments.iloc[0]
    a = CITY.copy()
    i, j = int(row["row"]), int(row["column"])
    a[i, j], a[j, i] = row["suggested"], 1 / row["suggested"]
    after = weights(a, "geometric", lambda_estimator="mean_ratio")
    assert row["cr_after"] == pytest.approx(after.cr, abs=1e-12)
    w = ref.weights.to_numpy()
    assert row["consistent_value"] == pytest.approx(w[i] / w[j], rel=1e-12)


def test_diagnose_edge_cases_n1_n2():
    two = diagnose([[1, 4], [1 / 4, 1]])
    assert two.cr == 0.0 and len(two.judgments) == 1
    row = two.judgments.iloc[0]
    assert row["epsilon"] == pytest.approx(1.0, abs=1e-15) and row["no_scale_improvement"]
    one = diagnose([[1]])
    assert one.cr == 0.0 and len(one.judgments) == 0 and one.n_3cycles == 0
    assert one.respondents["worst_row"].iloc[0] is None


# ---- stacks ---------------------------------------------------------------------------------


def test_regression_11_each_respondent_uses_its_own_weights():
    # ahpsurvey used respondent #1's weights for every error matrix (ahp.md §13 #11)
    stack = np.stack([R3, CREDIT_ALT, CYCLIC3, R3.T, B1])
    d = diagnose(stack)
    assert d.top["respondent"].tolist() == [0, 1, 2, 3, 4]
    for k, a in enumerate(stack):
        one = diagnose(a).judgments.iloc[0]
        top = d.top.iloc[k]
        assert (top["row"], top["column"]) == (one["row"], one["column"])
        assert top["epsilon"] == pytest.approx(one["epsilon"], abs=BATCH)
        assert top["cr_after"] == pytest.approx(one["cr_after"], abs=BATCH)
        w = weights(a).weights.to_numpy()
        np.testing.assert_allclose(d.error_matrix[k], a * w[None, :] / w[:, None], atol=1e-12)


@pytest.mark.parametrize("rank_by", ["deviation", "cr_gain"])
def test_batched_diagnose_equals_single_matrix(rank_by):
    stack = random_stack(30, 6, seed=2)
    d = diagnose(stack, k=3, rank_by=rank_by)
    assert d.is_stack and len(d.judgments) == 90
    numeric = ["value", "epsilon", "consistent_value", "suggested", "cr", "cr_after"]
    for k, a in enumerate(stack):
        one = diagnose(a, k=3, rank_by=rank_by)
        part = d.judgments[d.judgments["respondent"] == k]
        assert (
            part[["row", "column"]].values.tolist()
            == one.judgments[["row", "column"]].values.tolist()
        )
        np.testing.assert_allclose(
            part[numeric].to_numpy(float), one.judgments[numeric].to_numpy(float), atol=BATCH
        )
        np.testing.assert_allclose(
            part["cr_after_continuous"], one.judgments["cr_after_continuous"], atol=BATCH
        )
        np.testing.assert_allclose(d.weights.iloc[k], one.weights, atol=BATCH)
        assert d.n_3cycles[k] == one.n_3cycles


def test_per_respondent_summary_table():
    stack = survey_matrices(
        pd.DataFrame(
            {"a__b": [-3, 2, 1], "a__c": [-2, 4, 1], "b__c": [-3, 2, 1]},
            index=["r1", "r2", "r3"],
        ),
        positive_favours="left",
    )
    d = diagnose(stack)
    resp = d.respondents
    assert list(resp.index) == ["r1", "r2", "r3"]
    assert list(resp.columns) == [
        "n_missing",
        "lambda_max",
        "ci",
        "cr",
        "gci",
        "verdict",
        "n_3cycles",
        "worst_row",
        "worst_column",
        "worst_value",
        "worst_epsilon",
        "worst_suggested",
        "worst_cr_after",
        "status",
    ]
    # r1 is R3 (CR 0.2213, worst pair (a, b)); r3 is all ones (perfectly consistent)
    assert resp.loc["r1", "cr"] == pytest.approx(0.2213, abs=D4)
    assert (resp.loc["r1", "worst_row"], resp.loc["r1", "worst_column"]) == ("a", "b")
    assert resp.loc["r1", "worst_cr_after"] == pytest.approx(0.1169, abs=D4)
    assert resp.loc["r3", "verdict"] == "完全一致性" and resp.loc["r1", "verdict"] == "需调整"
    assert resp["status"].tolist() == ["ok"] * 3
    assert d.summary().equals(resp)
    np.testing.assert_allclose(resp["gci"], weights(stack).gci, atol=1e-12)


def test_mask_mode_invalid_respondent_gets_nan_and_no_rows():
    bad = R3.copy()
    bad[0, 1] = 0.0
    stack = np.stack([R3, bad, CITY[:3, :3]])
    with pytest.raises(AHPInputError, match=r"respondent 1: .*0 is never a missing code"):
        diagnose(stack)
    d = diagnose(stack, on_invalid="mask")
    assert list(d.status) == ["ok", "nonpositive", "ok"]
    assert np.isnan(d.cr[1]) and np.isnan(d.weights.iloc[1]).all()
    assert d.respondents["n_3cycles"].isna().tolist() == [False, True, False]
    assert 1 not in set(d.judgments["respondent"])
    one = diagnose(R3)
    np.testing.assert_allclose(
        d.judgments[d.judgments["respondent"] == 0]["cr_after"],
        one.judgments["cr_after"],
        atol=BATCH,
    )


def test_diagnose_incomplete_stack_lists_only_given_judgments():
    a = R3.copy()
    a[0, 2] = a[2, 0] = np.nan
    four = full([3, 3, 1 / 3, 3, 3, 3])
    four[1, 3] = four[3, 1] = np.nan
    d = diagnose(four, labels=["a", "b", "c", "d"])
    assert d.incomplete == "harker"
    assert len(d.judgments) == 3
    listed = set(map(tuple, d.judgments[["row", "column"]].values.tolist()))
    assert ("b", "d") not in listed
    ref = incomplete_weights(four, labels=["a", "b", "c", "d"])
    assert d.cr == pytest.approx(ref.cr, abs=1e-12)
    np.testing.assert_allclose(d.weights, ref.weights, atol=1e-12)
    assert np.isnan(d.error_matrix.loc["b", "d"])
    row = d.judgments.iloc[0]
    mod = four.copy()
    i, j = "abcd".index(row["row"]), "abcd".index(row["column"])
    mod[i, j], mod[j, i] = row["suggested"], 1 / row["suggested"]
    assert row["cr_after"] == pytest.approx(incomplete_weights(mod).cr, abs=1e-12)
    assert d.respondents["n_missing"].tolist() == [1]
    # 3 elements with one pair missing: a chain, connected, no cycle possible
    chain = diagnose(a)
    assert chain.n_3cycles == 0 and len(chain.judgments) == 2
    geo = diagnose(four, method="geometric", labels=["a", "b", "c", "d"])
    assert geo.incomplete == "llsm"


# ---- repair ---------------------------------------------------------------------------------


def test_repair_stop_rules_and_stack_equals_single():
    stack = np.stack([R3, B1, CREDIT_ALT, R3])
    with pytest.warns(RepairWarning):
        res = repair(stack, target_cr=0.1, max_changes=2)
    assert list(res.stop_reason) == [
        "target reached",
        "already below target",
        "max_changes",
        "target reached",
    ]
    assert list(res.reached_target) == [True, True, False, True]
    assert list(res.n_changes) == [2, 0, 2, 2]
    assert res.audit["respondent"].tolist() == [0, 0, 2, 2, 3, 3]
    for k, a in enumerate(stack):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RepairWarning)
            one = repair(a, target_cr=0.1, max_changes=2)
        part = res.audit[res.audit["respondent"] == k].drop(columns="respondent")
        pd.testing.assert_frame_equal(
            part.reset_index(drop=True), one.audit, check_exact=False, atol=BATCH, rtol=0
        )
        np.testing.assert_allclose(res.matrix[k], one.matrix.to_numpy(), rtol=1e-15)


def test_repair_no_candidate_left():
    # every consistent value of B1 rounds to the judgment already given
    with warnings.catch_warnings():
        warnings.simplefilter("error", RepairWarning)  # nothing changes, so no warning
        res = repair(B1, target_cr=0.001)
    assert res.stop_reason == "no candidate" and res.n_changes == 0
    assert res.reached_target is False and len(res.audit) == 0
    np.testing.assert_array_equal(res.matrix.to_numpy(), B1)


def test_repair_max_changes_and_cr_gain():
    with pytest.warns(RepairWarning):
        one = repair(R3, max_changes=1)
    assert one.stop_reason == "max_changes" and one.reached_target is False
    assert one.cr_after == pytest.approx(0.1169, abs=D4)
    with pytest.warns(RepairWarning):
        gain = repair(CREDIT_ALT, rank_by="cr_gain", max_changes=1)
    assert gain.audit[["row", "column"]].values.tolist() == [[1, 2]]
    assert gain.cr_after == pytest.approx(0.6261, abs=D4)
    zero = repair(R3, max_changes=0)
    assert zero.stop_reason == "max_changes" and len(zero.audit) == 0


def test_repair_ratio_scale_uses_consistent_values():
    with pytest.warns(RepairWarning):
        res = repair(R3, scale="ratio", max_changes=1)
    assert res.audit["new"].iloc[0] == pytest.approx(0.5503, abs=D4)
    assert res.cr_after == pytest.approx(0.0972, abs=D4)


def test_repair_incomplete_matrix_and_mask_mode():
    four = full([3, 3, 1 / 3, 3, 3, 3])
    four[1, 3] = four[3, 1] = np.nan
    with pytest.warns(RepairWarning):
        res = repair(four, labels=["a", "b", "c", "d"], max_changes=5)
    assert res.incomplete == "harker"
    assert np.isnan(res.matrix.loc["b", "d"])  # a missing pair is never invented
    assert res.cr_after == pytest.approx(incomplete_weights(res.matrix).cr, abs=1e-12)
    assert res.reached_target is True
    bad = R3.copy()
    bad[1, 2] = 5.0  # not reciprocal
    with pytest.warns(RepairWarning):
        masked = repair(np.stack([R3, bad]), on_invalid="mask")
    assert list(masked.status) == ["ok", "nonreciprocal"]
    assert list(masked.stop_reason) == ["target reached", "invalid"]
    assert np.isnan(masked.matrix[1]).all() and np.isnan(masked.cr_after[1])
    assert set(masked.audit["respondent"]) == {0}


def test_diagnose_never_repairs():
    a = R3.copy()
    d = diagnose(a)
    np.testing.assert_array_equal(a, R3)
    assert weights(a).cr == pytest.approx(d.cr, abs=1e-12)  # weights() never repairs either
    assert not hasattr(d, "matrix")


# ---- bad input (issue 6) -------------------------------------------------------------------


def test_bad_input_zero_or_negative_judgment():
    a = CITY.copy()
    a[1, 2], a[2, 1] = -7, -1 / 7
    with pytest.raises(AHPInputError, match=r"\(Family, Housing\) a_23 = -7"):
        diagnose(a, labels=CITY_LABELS)
    with pytest.raises(AHPInputError, match="0 is never a missing code"):
        repair([[1, 0], [0, 1]])
    with pytest.raises(AHPInputError, match="0 is never a missing code"):
        three_cycles({("a", "b"): 0, ("b", "c"): 2})


def test_bad_input_contradictory_duplicates_dict_and_survey():
    with pytest.raises(DuplicateJudgmentError, match="never lets the last one win"):
        diagnose({("a", "b"): 3, ("b", "a"): 3, ("a", "c"): 2, ("b", "c"): 1})
    df = pd.DataFrame({"a__b": [3], "b__a": [3], "a__c": [2], "b__c": [1]})
    with pytest.raises(DuplicateJudgmentError, match="contradictory"):
        survey_matrices(df, positive_favours="left")


def test_bad_input_all_pairs_missing_for_one_element():
    a = CITY.copy()
    a[4, :4] = a[:4, 4] = np.nan
    with pytest.raises(DisconnectedComparisonsError, match=r"\{Transportation\}"):
        diagnose(a, labels=CITY_LABELS)
    d = diagnose(np.stack([CITY, a]), labels=CITY_LABELS, on_invalid="mask")
    assert list(d.status) == ["ok", "disconnected"]


def test_bad_input_mixed_sizes_and_survey_codes():
    with pytest.raises(AHPInputError, match="one size"):
        diagnose([R3, CITY])
    with pytest.raises(AHPInputError, match="one size"):
        repair([R3, CITY])
    df = pd.DataFrame({"a__b": [3, -10], "a__c": [1, 1], "b__c": [2, 2]})
    with pytest.raises(
        AHPInputError, match=r"'a__b', respondent 1: code .*-10.* is not an integer in -9..9"
    ):
        survey_matrices(df, positive_favours="left")


def test_bad_input_parameters():
    with pytest.raises(AHPInputError, match="k=0"):
        diagnose(R3, k=0)
    with pytest.raises(CvlibInputError, match="rank_by='gain'"):
        diagnose(R3, rank_by="gain")
    with pytest.raises(AHPInputError, match="unknown priority method"):
        diagnose(R3, method="power")
    with pytest.raises(AHPInputError, match="target_cr"):
        repair(R3, target_cr=0)
    with pytest.raises(AHPInputError, match="max_changes"):
        repair(R3, max_changes=-1)


# ---- result objects, docs, smoke -----------------------------------------------------------


def test_results_frozen_provenance_and_snapshots():
    d = diagnose(CITY, labels=CITY_LABELS)
    assert isinstance(d, DiagnosisResult)
    assert (d.method, d.ri_table, d.ri, d.ri_source, d.lambda_estimator) == (
        "eigen",
        "saaty1980",
        1.12,
        "table",
        "exact",
    )
    assert (d.rank_by, d.k, d.scale, d.threshold, d.incomplete) == (
        "deviation",
        3,
        "saaty",
        "seed",
        None,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.k = 1  # type: ignore[misc]
    table = d.judgments
    table.loc[0, "suggested"] = 5.0
    assert d.judgments["suggested"].iloc[0] == pytest.approx(1 / 3)
    assert "rank_by='deviation'" in repr(d) and "<table" in d._repr_html_()
    stack = diagnose(np.stack([CITY, CITY]))
    assert stack.error_matrix.flags.writeable is False


def test_docstring_examples_run():
    result = doctest.testmod(_diagnostics, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_benchmark_smoke_tiny_stack():
    # the 10,000 x 9x9 benchmark at a tiny size (timings are never asserted)
    stack = random_stack(40, 9, seed=3)
    d = diagnose(stack, k=1)
    assert len(d.top) == 40 and np.isfinite(d.respondents["worst_cr_after"]).all()
    assert judgment_matrix(stack[0]).shape == (9, 9)

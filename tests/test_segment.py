"""Tests of cvlib.segment: value matrix (value_and_credit.md §1.4-1.5), ABC/Pareto (rfm.md §12,
value_and_credit.md §2.1-2.2)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cvlib._validation import CvlibInputError
from cvlib.datasets import load_lubricant
from cvlib.scoring import score_customers
from cvlib.segment import (
    ABCResult,
    abc_classify,
    check_bands,
    gini,
    pareto_curve,
    pareto_holds,
    top_share,
    value_matrix,
)

TOL = 1e-6

# value_and_credit.md §1.5: the bundled lubricant fixture and the seed's 12 composite weights
LUBRICANT = load_lubricant()
SEED_WEIGHTS = pd.Series(
    [
        0.3251,
        0.0982,
        0.0657,
        0.0444,
        0.0218,
        0.0396,
        0.0719,
        0.2000,
        0.0500,
        0.0440,
        0.0116,
        0.0277,
    ],
    index=LUBRICANT.columns,
)
GROUPS = {"当前价值": list(LUBRICANT.columns[:7]), "潜在价值": list(LUBRICANT.columns[7:])}
ZSCORE_CURRENT = [0.422059, 0.286864, -1.020648, -0.885452, 0.562454, 0.173008, 0.461715]
ZSCORE_POTENTIAL = [0.271588, -0.320146, -0.430674, 0.255821, 0.232790, -0.304104, 0.294724]

SEED_SEGMENTS = {
    1: "高价值客户",
    2: "中间客户",
    3: "低价值客户",
    4: "中间客户",
    5: "高价值客户",
    6: "中间客户",
    7: "高价值客户",
}
SEED_QUADRANTS = {1: "HH", 2: "HL", 3: "LL", 4: "LH", 5: "HH", 6: "HL", 7: "HH"}

# value_and_credit.md §2.1: amounts of customers 1..20 (total 1618)
AMOUNTS = pd.Series(
    [500, 300, 200, 150, 100, 80, 60, 50, 40, 30, 25, 20, 15, 12, 10, 8, 6, 5, 4, 3],
    index=pd.Index(range(1, 21), name="customer"),
)


def assert_seed_segments(res) -> None:
    assert res.table["segment"].astype(str).to_dict() == SEED_SEGMENTS
    assert res.table["quadrant"].astype(str).to_dict() == SEED_QUADRANTS


# ---------------------------------------------------------------------------------------------
# value matrix: value_and_credit.md §1.4-1.5


def test_value_matrix_lubricant_fixture_zscore():
    scores = score_customers(LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=GROUPS)
    res = value_matrix(scores)  # a ScoreResult with two groups
    assert_seed_segments(res)
    np.testing.assert_allclose(res.table["current"], ZSCORE_CURRENT, atol=TOL)
    np.testing.assert_allclose(res.table["potential"], ZSCORE_POTENTIAL, atol=TOL)
    assert (res.centers.abs() < 1e-15).all()  # z-score means are 0 up to rounding
    assert res.axes == ("当前价值", "潜在价值")
    t = res.table
    assert t.loc[1, "current_level"] == "高" and t.loc[4, "potential_level"] == "高"
    assert (
        t.loc[2, "subtype"] == "HL" and t.loc[6, "subtype"] == "HL" and t.loc[4, "subtype"] == "LH"
    )
    assert pd.isna(t.loc[1, "subtype"])
    assert t.loc[1, "strategy"] == "企业应当予以重视"
    assert t.loc[3, "strategy"] == "企业不再投入资源"
    assert t.loc[2, "strategy"] == t.loc[4, "strategy"] == "根据具体情况适当投入资源"
    assert res.counts["count"].to_dict() == {"HH": 3, "HL": 2, "LH": 1, "LL": 1, "unclassified": 0}
    assert res.counts["share"].sum() == pytest.approx(1.0)
    assert res.n_unclassified == 0


def test_value_matrix_lubricant_fixture_minmax_0_100():
    scores = score_customers(
        LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=GROUPS, normalize="minmax"
    )
    res = value_matrix(scores.sub_scores)  # a DataFrame with two columns
    assert_seed_segments(res)
    assert res.centers["current"] == pytest.approx(42.351549, abs=TOL)
    assert res.centers["potential"] == pytest.approx(19.298314, abs=TOL)


def test_value_matrix_lubricant_fixture_local_weights():
    scores = score_customers(
        LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=GROUPS, sub_scores="local"
    )
    res = value_matrix(scores.sub_scores["当前价值"], scores.sub_scores["潜在价值"])
    assert_seed_segments(res)
    assert res.axes == ("当前价值", "潜在价值")


def test_value_matrix_english_labels():
    scores = score_customers(LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=GROUPS)
    res = value_matrix(scores, lang="en")
    t = res.table
    assert t.loc[1, "segment"] == "high value" and t.loc[1, "current_level"] == "high"
    assert t.loc[2, "segment"] == "middle" and t.loc[3, "segment"] == "low value"
    assert t.loc[1, "strategy"] == "prioritise"
    assert t.loc[2, "strategy"] == "invest case by case"
    assert t.loc[3, "strategy"] == "no further investment"
    assert res.counts.loc["unclassified", "segment"] == "unclassified"
    assert t["quadrant"].astype(str).to_dict() == SEED_QUADRANTS  # codes do not change


def test_value_matrix_tie_at_mean_equal_is_value_and_credit_1_5():
    current = pd.Series([1.0, 2.0, 3.0, 2.0], index=[1, 2, 3, 4])  # mean 2
    potential = pd.Series([1.0, 5.0, 1.0, 5.0], index=[1, 2, 3, 4])  # mean 3, no tie
    low = value_matrix(current, potential)
    assert low.equal_is == "low"
    assert low.table["current_level"].astype(str).tolist() == ["低", "低", "高", "低"]
    assert low.n_ties["current"] == 2 and low.n_ties["potential"] == 0
    high = value_matrix(current, potential, equal_is="high")
    assert high.table["current_level"].astype(str).tolist() == ["低", "高", "高", "高"]
    with pytest.raises(CvlibInputError, match=r"customer\(s\) 2, 4"):
        value_matrix(current, potential, equal_is="raise")


def test_value_matrix_tie_tolerance_relative_to_sd():
    # z-score means are 0 only up to ~1e-16: a value of 1e-12 counts as equal to the centre
    current = pd.Series([-1.0, 1e-12, 1.0])
    potential = pd.Series([1.0, 2.0, 3.0])
    res = value_matrix(current, potential, center=0.0)
    assert res.table["current_level"].astype(str).tolist() == ["低", "低", "高"]
    strict = value_matrix(current, potential, center=0.0, tie_tol=0)
    assert strict.table["current_level"].astype(str).tolist() == ["低", "高", "高"]


def test_value_matrix_center_median_and_fixed_satisfaction_11():
    value = pd.Series([10.0, 20.0, 25.0, 35.0])
    other = pd.Series([4.0, 1.0, 3.0, 2.0])
    assert value_matrix(value, other).table["current_level"].astype(str).tolist()[2] == "高"
    fixed = value_matrix(value, other, center=25)  # equal_is="low": 25 is low
    assert fixed.table["current_level"].astype(str).tolist() == ["低", "低", "低", "高"]
    assert fixed.centers.tolist() == [25.0, 25.0]
    per_axis = value_matrix(value, other, center=(25, 2.5))
    assert per_axis.table["potential_level"].astype(str).tolist() == ["高", "低", "高", "低"]
    median = value_matrix(value, other, center="median")
    assert median.centers.tolist() == [22.5, 2.5]


def test_value_matrix_satisfaction_11_reference():
    # satisfaction.md §11: values (10, 20, 30, 40), satisfaction (4, 1, 3, 2)
    res = value_matrix(pd.Series([10.0, 20, 30, 40]), pd.Series([4.0, 1, 3, 2]))
    assert res.table["quadrant"].astype(str).tolist() == ["LH", "LL", "HH", "HL"]


def test_value_matrix_missing_is_unclassified_and_counted():
    current = pd.Series([1.0, np.nan, 3.0, 4.0], index=list("abcd"))
    potential = pd.Series([4.0, 3.0, np.nan, 1.0], index=list("abcd"))
    res = value_matrix(current, potential)
    assert res.n_unclassified == 2
    assert res.counts.loc["unclassified", "count"] == 2
    assert res.table["segment"].isna().tolist() == [False, True, True, False]
    assert res.table.loc["c", "current_level"] == "高"  # the observed axis keeps its level
    assert res.counts["share"].sum() == pytest.approx(1.0)


def test_value_matrix_bad_input():
    with pytest.raises(CvlibInputError, match="same customers"):
        value_matrix(pd.Series([1.0, 2.0], index=[1, 2]), pd.Series([1.0, 2.0], index=[1, 3]))
    with pytest.raises(TypeError, match="'current'"):
        value_matrix(pd.Series(["1", "x"]), pd.Series([1.0, 2.0]))
    with pytest.raises(CvlibInputError, match="exactly two"):
        value_matrix(LUBRICANT)
    with pytest.raises(CvlibInputError, match="not a valid option"):
        value_matrix(pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0]), equal_is="middle")
    with pytest.raises(CvlibInputError, match="center"):
        value_matrix(pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0]), center="mode")


def test_value_matrix_input_not_mutated_and_result_repr():
    current = pd.Series([1.0, 2.0, 3.0])
    potential = pd.Series([3.0, 2.0, 1.0])
    c0, p0 = current.copy(), potential.copy()
    res = value_matrix(current, potential)
    pd.testing.assert_series_equal(current, c0)
    pd.testing.assert_series_equal(potential, p0)
    assert "equal_is='low'" in repr(res) and "高价值客户" in repr(res)
    assert "<table" in res._repr_html_()


# ---------------------------------------------------------------------------------------------
# ABC / Pareto: rfm.md §12, value_and_credit.md §2.1-2.2


def classes_of(res: ABCResult) -> dict[str, list[int]]:
    c = res.classes.astype(str)
    return {k: sorted(c.index[c == k]) for k in ("A", "B", "C")}


def test_abc_source_001_revenue_value_and_credit_2_1():
    res = abc_classify(AMOUNTS, preset="source_001")
    assert res.cuts == (0.60, 0.80) and res.by == "revenue"
    assert classes_of(res) == {"A": [1, 2, 3], "B": [4, 5, 6], "C": list(range(7, 21))}
    t = res.table
    np.testing.assert_allclose(t["customer_share"], [0.15, 0.15, 0.70], atol=1e-12)
    np.testing.assert_allclose(t["revenue_share"], [0.618047, 0.203956, 0.177998], atol=TOL)
    assert t.loc["A", "revenue_share"] == pytest.approx(0.6180, abs=5e-5)  # 61.80 %
    assert t.loc["B", "revenue_share"] == pytest.approx(0.2040, abs=5e-5)  # 20.40 %
    assert t.loc["C", "revenue_share"] == pytest.approx(0.1780, abs=5e-5)  # 17.80 %
    assert t["customers"].tolist() == [3, 3, 14]
    assert t["revenue"].tolist() == [1000, 330, 288]
    assert t.loc["A", "mean"] == pytest.approx(1000 / 3)
    bands = check_bands(res)
    assert not bands["outside"].any()


def test_abc_source_001_customers_value_and_credit_2_1():
    res = abc_classify(AMOUNTS, preset="source_001", by="customers")
    assert res.cuts == (0.15, 0.35)
    assert classes_of(res) == {"A": [1, 2, 3], "B": [4, 5, 6, 7], "C": list(range(8, 21))}
    np.testing.assert_allclose(
        res.table["revenue_share"], [1000 / 1618, 390 / 1618, 228 / 1618], rtol=1e-12
    )
    assert res.table.loc["B", "revenue_share"] == pytest.approx(0.2410, abs=5e-5)  # 24.10 %
    assert res.table.loc["C", "revenue_share"] == pytest.approx(0.1409, abs=5e-5)  # 14.09 %
    assert not check_bands(res)["outside"].any()


def test_abc_default_cuts_rfm_12():
    res = abc_classify(AMOUNTS)
    assert res.cuts == (0.80, 0.95) and res.preset is None
    # prev share before customer 6 is 1250/1618 = 0.7726 < 0.80 -> A; customer 7: 0.822 -> B
    assert classes_of(res)["A"] == [1, 2, 3, 4, 5, 6]
    assert res.table.loc["A", "revenue_share"] >= 0.80  # A always reaches its cut
    by_customers = abc_classify(AMOUNTS, by="customers")
    assert by_customers.cuts == (0.20, 0.40)
    assert classes_of(by_customers) == {
        "A": [1, 2, 3, 4],
        "B": [5, 6, 7, 8],
        "C": list(range(9, 21)),
    }


def test_check_bands_flags_classes_outside_value_and_credit_2_1():
    bands = check_bands(abc_classify(AMOUNTS))  # default cuts: A = 30 % of customers
    assert bands.loc["A", "customer_pct"] == pytest.approx(30.0)
    assert not bands.loc["A", "customer_ok"] and bands.loc["A", "outside"]
    assert bands.loc["A", "customer_band"] == "10–20"
    assert bands.loc["B", "customer_band"] == "15–25"
    assert check_bands(abc_classify(AMOUNTS, preset="source_001"), tol_pp=4)["outside"]["B"]


def test_abc_ties_get_one_class_rfm_12():
    # cuts (0.5, 0.9); total 260; prev shares 0, 0.385, 0.577, 0.769, 0.962
    m = pd.Series([50.0, 100.0, 50.0, 10.0, 50.0], index=["d", "a", "b", "e", "c"])
    res = abc_classify(m, cuts=(0.5, 0.9))
    # the tie group 50/50/50 (sorted b, c, d) takes the class of its first member (A)
    assert res.classes.astype(str).to_dict() == {"d": "A", "a": "A", "b": "A", "e": "C", "c": "A"}
    assert res.table["customers"].tolist() == [4, 0, 1]
    # by customers: prev (i-1)/N = 0, 0.2, 0.4, 0.6, 0.8 with cuts (0.1, 0.5): d alone would be
    # C (0.6), but its tie group starts with b (B)
    by_c = abc_classify(m, by="customers", cuts=(0.1, 0.5))
    assert by_c.classes.astype(str).to_dict() == {"d": "B", "a": "A", "b": "B", "e": "C", "c": "B"}


def test_abc_nonpositive_and_missing_are_na_and_counted_rfm_12():
    m = pd.Series([100.0, 0.0, -20.0, np.nan, 50.0], index=[1, 2, 3, 4, 5])
    res = abc_classify(m)
    assert res.classes.isna().tolist() == [False, True, True, True, False]
    assert res.n == 2 and res.n_excluded == 3
    assert res.n_nonpositive == 2 and res.n_missing == 1
    assert res.excluded_amount == -20.0
    assert res.table["customers"].sum() == 2
    summary = res.summary()
    assert summary.loc["NA", "customers"] == 3
    assert "n_excluded=3" in repr(res)


def test_abc_accepts_dataframe_column_and_rfm_like_result():
    frame = pd.DataFrame({"monetary": AMOUNTS, "other": 1})
    a = abc_classify(frame, column="monetary", preset="source_001")

    class FakeRFM:  # any object with a .table holding 'monetary' (a later RFM result)
        table = frame

    b = abc_classify(FakeRFM(), preset="source_001")
    c = abc_classify(AMOUNTS, preset="source_001")
    pd.testing.assert_series_equal(a.classes, c.classes)
    pd.testing.assert_series_equal(b.classes, c.classes)
    with pytest.raises(CvlibInputError, match="column="):
        abc_classify(frame)


def test_abc_bad_input():
    with pytest.raises(CvlibInputError, match="either cuts= or preset="):
        abc_classify(AMOUNTS, cuts=(0.7, 0.9), preset="source_001")
    with pytest.raises(CvlibInputError, match="0 < cuts"):
        abc_classify(AMOUNTS, cuts=(0.9, 0.7))
    with pytest.raises(CvlibInputError, match="not a valid option"):
        abc_classify(AMOUNTS, preset="source_002")
    with pytest.raises(CvlibInputError, match="not a valid option"):
        abc_classify(AMOUNTS, by="orders")
    with pytest.raises(TypeError, match="not numeric"):
        abc_classify(pd.Series(["100", "abc"]))
    with pytest.raises(ValueError, match="inf"):
        abc_classify(pd.Series([100.0, np.inf]))
    with pytest.raises(CvlibInputError, match="duplicated customer ids"):
        abc_classify(pd.Series([1.0, 2.0], index=[1, 1]))


def test_abc_input_not_mutated():
    m = AMOUNTS.iloc[::-1].copy()
    before = m.copy()
    res = abc_classify(m, preset="source_001")
    pd.testing.assert_series_equal(m, before)
    assert list(res.classes.index) == list(m.index)  # classes keep the input order


def test_top_share_and_pareto_holds_value_and_credit_2_2():
    assert top_share(AMOUNTS) == pytest.approx(0.710754, abs=TOL)  # top 4 of 20
    assert top_share(AMOUNTS) == pytest.approx(1150 / 1618, rel=1e-12)
    assert pareto_holds(AMOUNTS) is False
    res = abc_classify(AMOUNTS)
    assert res.top_share() == pytest.approx(0.710754, abs=TOL)
    assert res.pareto_holds is False
    m = pd.Series([90.0] + [1.0] * 10)  # k = ceil(0.2 * 11) = 3
    assert top_share(m) == pytest.approx(0.92, abs=1e-12)
    assert pareto_holds(m) is True
    assert top_share(m, p=1.0) == pytest.approx(1.0)


def test_top_share_ceiling_is_not_fooled_by_float_products():
    m = pd.Series(np.arange(30, 0, -1, dtype="float64"))  # 0.1 * 30 = 3.0000000000000004
    assert top_share(m, p=0.1) == pytest.approx((30 + 29 + 28) / m.sum(), rel=1e-12)


def test_pareto_curve_starts_at_origin_rfm_12():
    curve = pareto_curve(AMOUNTS)
    assert len(curve) == 21
    assert curve.iloc[0].tolist() == [0.0, 0.0]
    assert curve.iloc[-1].tolist() == pytest.approx([1.0, 1.0])
    assert curve.loc[3, "revenue_share"] == pytest.approx(1000 / 1618)
    assert curve.loc[4, "customer_share"] == pytest.approx(0.2)
    assert (np.diff(curve["revenue_share"]) > 0).all()
    pd.testing.assert_frame_equal(abc_classify(AMOUNTS).pareto_curve, curve)


def test_gini_known_vectors_rfm_12():
    assert gini(pd.Series([5.0, 5.0, 5.0, 5.0])) == pytest.approx(0.0, abs=1e-15)
    assert gini(pd.Series([4.0, 1.0, 3.0, 2.0])) == pytest.approx(0.25, abs=1e-15)
    assert gini(pd.Series([1.0, 0.0, 0.0, 0.0])) == pytest.approx(0.0)  # population: amount > 0
    assert gini(pd.Series([0.001, 0.001, 0.001, 1000.0])) == pytest.approx(0.75, abs=1e-5)
    x = np.sort(AMOUNTS.to_numpy(dtype="float64"))
    n = len(x)
    mean_abs_diff = np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean())
    assert gini(AMOUNTS) == pytest.approx(mean_abs_diff, rel=1e-12)
    assert abc_classify(AMOUNTS).gini == pytest.approx(gini(AMOUNTS))


# ---------------------------------------------------------------------------------------------
# regressions: axes by name, empty ABC population, read-only results, references


def _seed_sub_scores() -> pd.DataFrame:
    scores = score_customers(LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=GROUPS)
    return scores.sub_scores


@pytest.mark.parametrize(
    "names",
    [("当前价值", "潜在价值"), ("current", "potential"), ("Current", "POTENTIAL")],
)
def test_value_matrix_recognises_axis_names_in_either_column_order(names):
    sub = _seed_sub_scores().set_axis(list(names), axis=1)
    swapped = sub[[names[1], names[0]]]  # potential first
    for frame in (sub, swapped):
        res = value_matrix(frame)
        assert_seed_segments(res)  # HL stays HL: not swapped to LH
        assert res.axes == names
        np.testing.assert_allclose(res.table["current"], ZSCORE_CURRENT, atol=TOL)


def test_value_matrix_score_result_with_groups_potential_first_is_not_swapped():
    groups = {"潜在价值": GROUPS["潜在价值"], "当前价值": GROUPS["当前价值"]}
    scores = score_customers(LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=groups)
    assert list(scores.sub_scores.columns) == ["潜在价值", "当前价值"]
    res = value_matrix(scores)
    assert_seed_segments(res)
    assert res.axes == ("当前价值", "潜在价值")
    np.testing.assert_allclose(res.table["potential"], ZSCORE_POTENTIAL, atol=TOL)


def test_value_matrix_axes_keyword_picks_columns_by_name():
    sub = _seed_sub_scores().set_axis(["cv", "pv"], axis=1)
    res = value_matrix(sub[["pv", "cv"]], axes=("cv", "pv"))
    assert_seed_segments(res)
    assert res.axes == ("cv", "pv")
    # axes also selects two columns out of more
    res3 = value_matrix(sub.assign(other=1.0), axes=["cv", "pv"])
    assert_seed_segments(res3)
    # and overrides the recognised names when the user says so
    named = _seed_sub_scores()
    flipped = value_matrix(named, axes=("潜在价值", "当前价值"))
    assert flipped.table["quadrant"].astype(str).to_dict()[2] == "LH"


def test_value_matrix_unrecognised_axis_names_raise_asking_for_axes():
    sub = _seed_sub_scores().set_axis(["cv", "pv"], axis=1)
    with pytest.raises(CvlibInputError, match=r"'cv', 'pv'.*axes=\(current, potential\)"):
        value_matrix(sub)
    one_known = _seed_sub_scores().set_axis(["current", "pv"], axis=1)
    with pytest.raises(CvlibInputError, match=r"axes=\(current, potential\)"):
        value_matrix(one_known)
    both_current = _seed_sub_scores().set_axis(["current", "当前价值"], axis=1)
    with pytest.raises(CvlibInputError, match="cannot tell"):
        value_matrix(both_current)
    groups = {"a": GROUPS["当前价值"], "b": GROUPS["潜在价值"]}
    scores = score_customers(LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=groups)
    with pytest.raises(CvlibInputError, match=r"ScoreResult.*'a', 'b'.*axes="):
        value_matrix(scores)
    assert_seed_segments(value_matrix(scores, axes=("a", "b")))


def test_value_matrix_bad_axes_raise():
    sub = _seed_sub_scores()
    with pytest.raises(KeyError, match="'nope'"):
        value_matrix(sub, axes=("当前价值", "nope"))
    with pytest.raises(CvlibInputError, match="pair"):
        value_matrix(sub, axes="当前价值")
    with pytest.raises(CvlibInputError, match="twice"):
        value_matrix(sub, axes=("当前价值", "当前价值"))
    with pytest.raises(CvlibInputError, match="Remove axes="):
        value_matrix(sub["当前价值"], sub["潜在价值"], axes=("当前价值", "潜在价值"))


def test_value_matrix_two_series_stay_positional():
    # Series named the other way round: the positional order (current, potential) wins
    current = pd.Series([3.0, 1.0, 2.0], name="potential")
    potential = pd.Series([1.0, 3.0, 2.0], name="current")
    res = value_matrix(current, potential)
    assert res.table["quadrant"].astype(str).tolist() == ["HL", "LH", "LL"]
    assert res.axes == ("potential", "current")


@pytest.mark.parametrize(
    "amounts",
    [
        pd.Series([0.0, -5.0, np.nan]),
        pd.Series([0.0, 0.0]),
        pd.Series([np.nan, np.nan]),
    ],
)
def test_abc_without_positive_amounts_raises_like_gini_and_top_share(amounts):
    n_nonpositive, n_missing = int((amounts <= 0).sum()), int(amounts.isna().sum())
    counts = rf"{n_nonpositive} with amount <= 0, {n_missing} missing"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning on the way
        with pytest.raises(CvlibInputError, match=rf"no customer has an amount > 0.*{counts}"):
            abc_classify(amounts)
        for fn in (gini, top_share, pareto_holds, pareto_curve):
            with pytest.raises(CvlibInputError, match=rf"no customer has an amount > 0.*{counts}"):
                fn(amounts)


def test_value_matrix_result_does_not_change_when_returned_objects_are_mutated():
    res = value_matrix(pd.Series([3.0, 1.0, 2.0]), pd.Series([1.0, 3.0, 2.0]))
    table, counts, centers, n_ties = res.table, res.counts, res.centers, res.n_ties
    summary = res.summary()
    t = res.table
    t.loc[0, "segment"] = "低价值客户"
    t.iloc[0, 0] = 99.0
    res.table["quadrant"].array[0] = "LL"  # through the categorical array itself
    c = res.counts
    c.loc["HH", "count"] = 99
    s = res.summary()
    s.loc["HL", "count"] = 99
    for series in (res.centers, res.n_ties):
        series.iloc[0] = 99
    pd.testing.assert_frame_equal(res.table, table)
    pd.testing.assert_frame_equal(res.counts, counts)
    pd.testing.assert_frame_equal(res.summary(), summary)
    pd.testing.assert_series_equal(res.centers, centers)
    pd.testing.assert_series_equal(res.n_ties, n_ties)
    assert res.table.loc[0, "quadrant"] == "HL"
    with pytest.raises(AttributeError):
        res.table = table


def test_value_matrix_result_does_not_change_when_the_input_is_mutated():
    current = pd.Series([3.0, 1.0, 2.0])
    res = value_matrix(current, pd.Series([1.0, 3.0, 2.0]))
    current.iloc[0] = -100.0
    assert res.table.loc[0, "current"] == 3.0


def test_abc_result_does_not_change_when_returned_objects_are_mutated():
    res = abc_classify(AMOUNTS, preset="source_001")
    classes, table, amounts = res.classes, res.table, res.amounts
    summary, gini_before = res.summary(), res.gini
    c = res.classes
    c.iloc[0] = "C"
    res.classes.array[1] = "C"  # through the categorical array itself
    t = res.table
    t.loc["A", "customers"] = 99
    m = res.amounts
    m.iloc[0] = 1e9
    s = res.summary()
    s.loc["A", "revenue"] = 0
    pd.testing.assert_series_equal(res.classes, classes)
    pd.testing.assert_frame_equal(res.table, table)
    pd.testing.assert_series_equal(res.amounts, amounts)
    pd.testing.assert_frame_equal(res.summary(), summary)
    assert not check_bands(res)["outside"].any()
    with pytest.raises(ValueError, match="read-only"):
        res.sorted_amounts[0] = 0.0
    assert res.gini == gini_before
    curve = res.pareto_curve
    curve.iloc[1, 1] = 0.0
    pd.testing.assert_frame_equal(res.pareto_curve, pareto_curve(AMOUNTS))


@pytest.mark.parametrize("fn", [top_share, pareto_holds, pareto_curve, check_bands, gini])
def test_pareto_functions_cite_their_sources_value_and_credit_2_1_rfm_12(fn):
    doc = fn.__doc__
    assert "References\n    ----------" in doc
    assert "source 001" in doc and "§2.1–2.2" in doc and "rfm.md`` §12" in doc
    cited = {
        top_share: ("Pareto, V. (1896)", "Juran"),
        pareto_holds: ("Pareto, V. (1896)", "Juran"),
        pareto_curve: ("Lorenz, M. O. (1905)", "Pareto, V. (1896)"),
        check_bands: ("客户管理論文 (supermarket ABC)",),
        gini: ("Gini, C. (1912)", "Lorenz, M. O. (1905)"),
    }[fn]
    for name in cited:
        assert name in doc


def test_gini_docstring_has_numpydoc_parameters_and_returns():
    doc = gini.__doc__
    assert "Parameters\n    ----------\n    amounts : Series" in doc
    assert "Returns\n    -------\n    float" in doc


def _tiny_rfm():
    from cvlib.rfm import rfm_table

    tx = pd.DataFrame(
        {
            "cid": ["z9", "a1", "m5", "a1", "q2", "z9"],
            "day": [
                "2024-01-02",
                "2024-01-03",
                "2024-01-04",
                "2024-01-05",
                "2024-01-06",
                "2024-01-07",
            ],
            "amt": [50.0, 400.0, 30.0, 100.0, 0.0, 20.0],
        }
    )
    return rfm_table(tx, customer="cid", date="day", amount="amt", occasion="any")


def test_abc_on_rfm_result_keeps_string_customer_ids_and_appends_card_section_rfm_12_15():
    rfm = _tiny_rfm()
    res = abc_classify(rfm)
    # per customer: a1 500, z9 70, m5 30, q2 0 (excluded); indexed by the id column, not position
    assert res.classes.index.name == "cid"
    assert sorted(res.classes.index) == ["a1", "m5", "q2", "z9"]
    assert res.classes["a1"] == "A" and pd.isna(res.classes["q2"])
    assert res.amounts["z9"] == 70.0
    assert res.n == 3 and res.n_excluded == 1
    assert res.card is not None
    assert "abc" in res.card and "counts" in res.card  # the RFM card, extended
    section = res.card.section("abc")
    assert section["cuts"] == [0.8, 0.95]
    assert section["population"] == 3 and section["exclusions"]["amount ≤ 0"] == 1
    assert section["gini"] == pytest.approx(res.gini)
    assert section["top_20_share"] == pytest.approx(res.top_share(0.2))
    assert "abc" not in rfm.card  # the input's card is not changed
    assert abc_classify(AMOUNTS).card is None  # a plain Series has no card


def test_abc_on_cdnow_rfm_result_f24():
    from cvlib.datasets import load_cdnow
    from cvlib.rfm import rfm_table

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CDNOW's 255 exact duplicate rows are kept (rfm.md §19)
        rfm = rfm_table(load_cdnow(), customer="customer_id", date="date", amount="dollar_value")
    res = abc_classify(rfm)
    assert res.n == 23_502 and res.n_excluded == 68
    assert res.table["customers"].tolist() == [7_695, 8_067, 7_740]
    assert res.table["revenue_share"].round(3).tolist() == [0.800, 0.150, 0.050]
    assert abc_classify(rfm, cuts=(0.70, 0.90)).table["customers"].tolist() == [
        5_149,
        6_882,
        11_471,
    ]
    assert res.top_share(0.2) == pytest.approx(0.6771, abs=5e-5)
    assert res.pareto_holds is False
    assert res.gini == pytest.approx(0.6335, abs=5e-5)
    assert res.classes.index.name == "customer_id" and res.classes.index[0] == "00001"
    section = res.card.section("abc")
    assert section["top_20_customers"] == 4_701
    assert section["top_20_share"] == pytest.approx(0.6771, abs=5e-5)
    assert section["gini"] == pytest.approx(0.6335, abs=5e-5)
    assert section["exclusions"]["amount ≤ 0"] == 68
    assert section["classes"]["B"]["customers"] == 8_067

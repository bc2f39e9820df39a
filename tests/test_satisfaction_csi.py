"""AHP-weighted CSI, Delphi weights and the high-value / low-satisfaction flag
(``methods/satisfaction.md`` §1, §2, §11; tolerances of §14: AHP values 1e-4, CSI conventions
1e-9, flags exact)."""

from __future__ import annotations

import doctest
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cvlib import datasets
from cvlib._validation import CvlibInputError
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.ahp import InconsistencyWarning, hierarchy
from cvlib.satisfaction import (
    CSIResult,
    _csi,
    csi,
    delphi_weights,
    plot_winback,
    winback_flag,
)
from cvlib.standardize import entropy_weights
from cvlib.survey import Codebook

A4 = [[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]]
ITEMS4 = ["q1", "q2", "q3", "q4"]


def _frame_with_means(means, n=4, lo=1, hi=7, seed=0):
    """Answers on lo..hi whose item means are exactly ``means`` (symmetric +-1 around them)."""
    cols = {}
    for j, m in enumerate(means):
        base = np.full(n, float(m))
        if lo < m < hi:
            base[: n // 2] -= 1
            base[n // 2 : 2 * (n // 2)] += 1
        cols[f"q{j + 1}"] = base
    return pd.DataFrame(cols)


@pytest.fixture(scope="module")
def survey():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return datasets.load_satisfaction_survey()


def test_docstring_examples_run():
    result = doctest.testmod(_csi, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------------------------
# §2.1 weights from AHP (1e-4: values given to 4 d.p.)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("eigen", [0.5650, 0.2622, 0.1175, 0.0553]),
        ("geometric", [0.5638, 0.2634, 0.1178, 0.0550]),
        ("sum", [0.5579, 0.2633, 0.1219, 0.0569]),
    ],
)
def test_csi_weights_from_judgment_matrix_satisfaction_md_2_1(method, expected):
    matrix = pd.DataFrame(A4, index=ITEMS4, columns=ITEMS4)
    df = _frame_with_means([6, 5, 4, 3])
    res = csi(df, matrix, scale=(1, 7), ahp_method=method)
    np.testing.assert_allclose(res.table["weight"], expected, atol=1e-4)
    assert res.weight_source == "ahp"
    assert res.weight_info["lambda_max"] == pytest.approx(4.1170, abs=1e-4)
    assert res.weight_info["ci"] == pytest.approx(0.0390, abs=1e-4)
    assert res.cr == pytest.approx(0.0433, abs=1e-4)
    assert res.consistent is True
    # CSI = Σ w_j (S̄_j − 1)/6 · 100 with the AHP weights
    w = res.table["weight"].to_numpy()
    assert res.value == pytest.approx(100 * w @ (np.array([6, 5, 4, 3]) - 1) / 6, abs=1e-9)


@pytest.mark.parametrize(
    ("ri_table", "cr"), [("saaty1980", 0.0433), ("saaty2005", 0.0438), ("donegan_dodd", 0.0471)]
)
def test_csi_weight_cr_with_named_ri_tables_satisfaction_md_2_1(ri_table, cr):
    matrix = pd.DataFrame(A4, index=ITEMS4, columns=ITEMS4)
    res = csi(_frame_with_means([6, 5, 4, 3]), matrix, scale=(1, 7), ri_table=ri_table)
    assert res.cr == pytest.approx(cr, abs=1e-4)
    assert res.weight_info["ri_table"] == ri_table


def test_csi_weights_three_criteria_reconstruction_satisfaction_md_2_1():
    items = ["q1", "q2", "q3"]
    matrix = pd.DataFrame([[1, 1 / 2, 1 / 3], [2, 1, 1 / 2], [3, 2, 1]], index=items, columns=items)
    res = csi(_frame_with_means([6, 5, 4]), matrix, scale=(1, 7))
    np.testing.assert_allclose(res.table["weight"], [0.1634, 0.2970, 0.5396], atol=1e-4)
    assert res.weight_info["lambda_max"] == pytest.approx(3.0092, abs=1e-4)
    assert res.cr == pytest.approx(0.0079, abs=1e-4)


def test_csi_accepts_an_ahp_result_and_an_array_with_items():
    from cvlib.ahp import weights

    ahp = weights(A4, labels=ITEMS4)
    df = _frame_with_means([6, 5, 4, 3])
    a = csi(df, ahp, scale=(1, 7))
    b = csi(df, np.array(A4), ITEMS4, scale=(1, 7))
    assert a.value == pytest.approx(b.value, abs=1e-12)
    with pytest.raises(CvlibInputError, match="needs items"):
        csi(df, np.array(A4), scale=(1, 7))


def test_csi_inconsistent_matrix_warns_and_result_shows_cr_bad_input_2_1():
    """CR >= 0.1 (需调整) must be warned and visible on the result (§2.1)."""
    items = ["q1", "q2", "q3"]
    bad = pd.DataFrame([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]], index=items, columns=items)
    df = _frame_with_means([6, 5, 4])
    with pytest.warns(InconsistencyWarning, match="CR = "):
        res = csi(df, bad, scale=(1, 7))
    assert res.cr >= 0.1
    assert res.consistent is False
    assert "consistent=False" in repr(res)
    assert np.isfinite(res.value)  # still computed


def test_csi_hierarchy_weights_and_sub_indices_art_11():
    """Global weight = product of local weights along the path; sub-index = Σ local w × S̄."""
    h = hierarchy(
        {
            "满意度": {"children": ["服务", "产品"], "matrix": [[1, 3], ["1/3", 1]]},
            "服务": {"children": ["q1", "q2"], "matrix": [2]},
            "产品": {"children": ["q3", "q4"], "weights": {"q3": 0.5, "q4": 0.5}},
        }
    )
    df = _frame_with_means([6, 5, 4, 3])
    res = csi(df, h, scale=(1, 7), convention="raw")
    g = {"q1": 0.75 * 2 / 3, "q2": 0.75 / 3, "q3": 0.125, "q4": 0.125}
    np.testing.assert_allclose(res.table["weight"], list(g.values()), atol=1e-12)
    assert res.weight_source == "ahp hierarchy"
    assert res.value == pytest.approx(
        sum(g[k] * m for k, m in zip(g, [6, 5, 4, 3], strict=True)), abs=1e-9
    )
    assert res.sub_indices["服务"] == pytest.approx(2 / 3 * 6 + 1 / 3 * 5, abs=1e-9)
    assert res.sub_indices["产品"] == pytest.approx(3.5, abs=1e-9)
    # the overall index is the criterion-weighted sum of the sub-indices
    assert res.value == pytest.approx(
        0.75 * res.sub_indices["服务"] + 0.25 * res.sub_indices["产品"], abs=1e-12
    )


# ---------------------------------------------------------------------------------------------
# §2.2 conventions (1e-9)


@pytest.mark.parametrize(
    ("convention", "expected"), [("raw", 5.3), ("range", 71.666667), ("max", 75.714286)]
)
def test_csi_conventions_reference_satisfaction_md_2_2(convention, expected):
    """Weights (0.5, 0.3, 0.2), item means (6, 5, 4) on 1-7 [exact]."""
    df = _frame_with_means([6, 5, 4])
    res = csi(df, {"q1": 0.5, "q2": 0.3, "q3": 0.2}, scale=(1, 7), convention=convention)
    exact = {"raw": 5.3, "range": 100 * (0.5 * 5 + 0.3 * 4 + 0.2 * 3) / 6, "max": 530 / 7}
    assert res.value == pytest.approx(exact[convention], abs=1e-9)
    assert res.value == pytest.approx(expected, abs=1e-6)  # the spec prints 6 decimals
    assert res.convention == convention
    assert convention in res.text("en")  # never a bare CSI%


@pytest.mark.parametrize(
    ("convention", "all1", "all7"),
    [("raw", 1.0, 7.0), ("range", 0.0, 100.0), ("max", 100 / 7, 100.0)],
)
def test_csi_convention_end_points_table_2_2(convention, all1, all7):
    w = {"q1": 0.5, "q2": 0.3, "q3": 0.2}
    ones = pd.DataFrame(1.0, index=range(3), columns=list(w))
    sevens = pd.DataFrame(7.0, index=range(3), columns=list(w))
    assert csi(ones, w, scale=(1, 7), convention=convention).value == pytest.approx(all1, abs=1e-9)
    assert csi(sevens, w, scale=(1, 7), convention=convention).value == pytest.approx(
        all7, abs=1e-9
    )
    assert round(csi(ones, w, scale=(1, 7), convention="max").value, 2) == 14.29


def test_item_score_is_weight_times_rating_source_004_art_6():
    df = pd.DataFrame({"q1": [7, 5], "q2": [6, 2]})
    w = {"q1": 0.6, "q2": 0.4}
    res = csi(df, w, scale=(1, 7), convention="raw")
    scores = res.item_scores(df)
    np.testing.assert_allclose(scores.to_numpy(), [[4.2, 2.4], [3.0, 0.8]], atol=1e-12)
    # overall = weighted average of item scores (Art. 7) = per-respondent raw CSI
    np.testing.assert_allclose(scores.sum(axis=1), res.scores, atol=1e-12)
    np.testing.assert_allclose(res.table["score"], [3.6, 1.6], atol=1e-12)
    assert res.table["score"].sum() == pytest.approx(res.value, abs=1e-12)


def test_csi_range_rescales_each_item_with_its_own_scale():
    df = pd.DataFrame({"a": [4.0, 4.0], "b": [5.5, 5.5]})
    scale = {"a": (1, 7), "b": (1, 10)}
    res = csi(df, {"a": 0.5, "b": 0.5}, scale=scale)
    assert res.value == pytest.approx(100 * (0.5 * 0.5 + 0.5 * 0.5), abs=1e-9)
    for conv in ("raw", "max"):
        with pytest.raises(CvlibInputError, match="common scale"):
            csi(df, {"a": 0.5, "b": 0.5}, scale=scale, convention=conv)


def test_csi_aggregate_items_vs_respondents_with_missing_data_2_2():
    df = pd.DataFrame({"q1": [7.0, 1.0, 4.0], "q2": [1.0, np.nan, 4.0]})
    w = {"q1": 0.5, "q2": 0.5}
    items = csi(df, w, scale=(1, 7), convention="raw")
    resp = csi(df, w, scale=(1, 7), convention="raw", aggregate="respondents")
    assert items.value == pytest.approx(0.5 * 4 + 0.5 * 2.5, abs=1e-12)
    # respondent 2 answered q1 only: its weight renormalises to 1
    np.testing.assert_allclose(resp.scores, [4.0, 1.0, 4.0], atol=1e-12)
    assert resp.value == pytest.approx(3.0, abs=1e-12)
    assert resp.aggregate == "respondents" and items.aggregate == "items"
    full = df.fillna(3.0)
    a = csi(full, w, scale=(1, 7), aggregate="items").value
    b = csi(full, w, scale=(1, 7), aggregate="respondents").value
    assert a == pytest.approx(b, abs=1e-12)  # agree without missing data


def test_csi_weights_sum_rules_2_2():
    df = _frame_with_means([6, 5, 4])
    with pytest.raises(CvlibInputError, match="sum to 0.9999"):
        csi(df, {"q1": 0.5, "q2": 0.3, "q3": 0.1999}, scale=(1, 7))
    with pytest.warns(CvlibWarning, match="divided by their sum"):
        res = csi(df, {"q1": 0.5, "q2": 0.3, "q3": 0.1999}, scale=(1, 7), renormalize=True)
    assert res.renormalized and res.weights_sum == pytest.approx(0.9999)
    assert res.table["weight"].sum() == pytest.approx(1.0, abs=1e-15)
    # within 1e-6: accepted as is
    assert not csi(df, {"q1": 0.5, "q2": 0.3, "q3": 0.2000005}, scale=(1, 7)).renormalized


def test_csi_bad_weights_raise_2_2():
    df = _frame_with_means([6, 5, 4])
    with pytest.raises(CvlibInputError, match="negative weight"):
        csi(df, {"q1": 1.2, "q2": -0.2, "q3": 0.0}, scale=(1, 7))
    with pytest.raises(KeyError, match="no such column"):
        csi(df, {"q1": 0.5, "q2": 0.3, "zz": 0.2}, scale=(1, 7))
    with pytest.raises(KeyError, match="without a weight"):
        csi(df, {"q1": 0.5, "q2": 0.5}, ["q1", "q2", "q3"], scale=(1, 7))
    with pytest.raises(TypeError, match="weights must be"):
        csi(df, [0.5, 0.3, 0.2], scale=(1, 7))
    with pytest.raises(CvlibInputError, match="not a valid option"):
        csi(df, {"q1": 1.0}, ["q1"], scale=(1, 7), convention="percent")


def test_csi_scale_ends_are_required_and_checked():
    df = _frame_with_means([6, 5, 4])
    w = {"q1": 0.5, "q2": 0.3, "q3": 0.2}
    with pytest.raises(CvlibInputError, match="no theoretical scale ends"):
        csi(df, w)
    bad = df.copy()
    bad.loc[0, "q2"] = 9
    with pytest.raises(CvlibInputError, match=r"'q2' holds 9 at row 0, outside its scale"):
        csi(bad, w, scale=(1, 7))
    cb = Codebook({k: {"scale": "sat7_zh"} for k in w})
    with pytest.raises(CvlibInputError, match="disagrees with the codebook"):
        csi(df, w, codebook=cb, scale=(1, 10))


def test_csi_declared_missing_codes_and_reverse_keyed_items():
    df = pd.DataFrame({"q1": [7.0, -99.0, 5.0], "q2": [1.0, 2.0, 3.0]})
    cb = Codebook(
        {
            "q1": {"scale": "sat7_zh", "missing_codes": {-99: "拒答"}},
            "q2": {"scale": "sat7_zh", "reverse": True},
        }
    )
    res = csi(df, {"q1": 0.5, "q2": 0.5}, codebook=cb, convention="raw")
    assert res.table.loc["q1", "n"] == 2 and res.table.loc["q1", "mean"] == pytest.approx(6.0)
    assert res.reversed == ("q2",)
    assert res.table.loc["q2", "mean"] == pytest.approx(8 - 2.0)  # reversed: 7, 6, 5
    assert res.value == pytest.approx(6.0, abs=1e-12)


def test_csi_entropy_weights_match_cvlib_standardize():
    df = pd.DataFrame({"q1": [7, 6, 2, 5, 4], "q2": [5, 5, 4, 5, 6], "q3": [1, 7, 4, 2, 6]})
    res = csi(df, "entropy", ["q1", "q2", "q3"], scale=(1, 7))
    ref = entropy_weights(df.astype(float), directions="benefit").weights
    np.testing.assert_allclose(res.table["weight"], ref, atol=1e-15)
    assert res.weight_source == "entropy"


def test_csi_result_is_immutable_and_summary_is_a_copy():
    res = csi(_frame_with_means([6, 5, 4]), {"q1": 0.5, "q2": 0.3, "q3": 0.2}, scale=(1, 7))
    t = res.table
    t.loc["q1", "weight"] = 99
    assert res.table.loc["q1", "weight"] == 0.5
    with pytest.raises(AttributeError):
        res.value = 1.0
    assert isinstance(res, CSIResult)
    assert "convention='range'" in repr(res)


def test_csi_on_bundled_chinese_survey_ahp_weights_and_constructs(survey):
    """Demonstration: 感知质量 CSI with AHP weights, missing answers (拒答, 不适用) as missing."""
    items = ["PQ1", "PQ2", "PQ4", "PQ5"]
    m = pd.DataFrame(
        [[1, 2, 3, 3], [1 / 2, 1, 2, 2], [1 / 3, 1 / 2, 1, 1], [1 / 3, 1 / 2, 1, 1]],
        index=items,
        columns=items,
    )
    res = csi(survey, m)
    assert res.consistent and res.cr < 0.1
    data = survey.data[items]
    w = res.table["weight"].to_numpy()
    expected = 100 * w @ ((data.mean().to_numpy() - 1) / 6)
    assert res.value == pytest.approx(expected, abs=1e-9)
    assert (res.table["n"] == data.notna().sum().to_numpy()).all()
    zh = res.text()
    assert "range 口径" in zh
    # the loyalty block has a reverse-keyed item (LOY3) that is reversed first
    loy = csi(survey, {"LOY1": 1 / 3, "LOY2": 1 / 3, "LOY3": 1 / 3}, groups="constructs")
    assert loy.reversed == ("LOY3",)
    assert loy.table.loc["LOY3", "mean"] == pytest.approx(6 - survey.data["LOY3"].mean())
    assert list(loy.sub_indices.index) == ["顾客忠诚"]


def test_csi_on_mobi_satisfaction_1_to_10():
    mobi = datasets.load_mobi()
    w = {"CUSA1": 0.4, "CUSA2": 0.3, "CUSA3": 0.3}
    res = csi(mobi, w, scale=(1, 10))
    means = mobi[list(w)].mean().to_numpy()
    assert res.value == pytest.approx(100 * np.dot([0.4, 0.3, 0.3], (means - 1) / 9), abs=1e-9)
    # the observed range of CUSA1 (4-10) is never used: 4 maps to 33.3, not 0
    assert res.table.loc["CUSA1", "scale_min"] == 1.0


# ---------------------------------------------------------------------------------------------
# Delphi (§1)


def test_delphi_mean_rounds_until_stable():
    r1 = pd.DataFrame({"a": [60, 30, 40], "b": [20, 50, 40], "c": [20, 20, 20]})
    r2 = pd.DataFrame({"a": [45, 35, 40], "b": [35, 45, 40], "c": [20, 20, 20]})
    r3 = pd.DataFrame({"a": [41, 39, 40], "b": [39, 41, 40], "c": [20, 20, 20]})
    r4 = pd.DataFrame({"a": [40, 40, 40], "b": [40, 40, 40], "c": [20, 20, 20]})
    with pytest.warns(CvlibWarning, match="final weights are round 3's"):
        res = delphi_weights([r1, r2, r3, r4], tol=0.01)
    # round 1 (0.4333, 0.3667, 0.2) -> round 2 (0.4, 0.4, 0.2): max |Δw| = 1/30 > 0.01
    assert res.max_change.loc[2] == pytest.approx(1 / 30, abs=1e-12)
    assert res.converged and res.stop_round == 3  # round 3 changes by 0 <= 0.01
    np.testing.assert_allclose(res.weights, [0.4, 0.4, 0.2], atol=1e-12)
    assert res.weights.sum() == pytest.approx(1.0, abs=1e-15)
    assert np.isnan(res.max_change.iloc[0])
    # experts' normalised weights of a: 0.6, 0.3, 0.4 -> quartiles 0.35, 0.5 (linear)
    np.testing.assert_allclose(res.iqr.loc[1], [0.15, 0.15, 0.0], atol=1e-12)
    assert "max |Δw|" in res.stop_reason
    assert list(res.summary().columns[-3:]) == ["max_change", "max_iqr", "n_experts"]


def test_delphi_median_aggregation_and_iqr_stop_rule():
    r1 = pd.DataFrame({"a": [0.5, 0.4, 0.3, 0.45], "b": [0.5, 0.6, 0.7, 0.55]})
    r2 = pd.DataFrame({"a": [0.42, 0.4, 0.38, 0.41], "b": [0.58, 0.6, 0.62, 0.59]})
    res = delphi_weights({"第一轮": r1, "第二轮": r2}, aggregate="median", tol=0.0, iqr_tol=0.05)
    # round 1 IQR of a: 0.4625 - 0.3750 = 0.0875 > 0.05; round 2: 0.4125 - 0.395 = 0.0175
    assert res.stop_round == "第二轮" and "IQR" in res.stop_reason
    np.testing.assert_allclose(res.rounds.loc["第一轮"], [0.425, 0.575], atol=1e-12)
    np.testing.assert_allclose(res.weights, [0.405, 0.595], atol=1e-12)


def test_delphi_not_converged_warns_and_keeps_last_round():
    r1 = pd.DataFrame({"a": [1.0, 3.0], "b": [3.0, 1.0]})
    r2 = pd.DataFrame({"a": [3.0, 3.0], "b": [1.0, 1.0]})
    with pytest.warns(CvlibWarning, match="not converged"):
        res = delphi_weights([r1, r2])
    assert not res.converged and res.stop_round == 2
    np.testing.assert_allclose(res.weights, [0.75, 0.25])


def test_delphi_bad_input():
    r1 = pd.DataFrame({"a": [1.0, np.nan], "b": [1.0, 1.0]})
    with pytest.raises(CvlibInputError, match="gave no weight for 'a'"):
        delphi_weights([r1])
    with pytest.raises(CvlibInputError, match="negative weight"):
        delphi_weights([pd.DataFrame({"a": [-1.0], "b": [2.0]})])
    with pytest.raises(KeyError, match="same items"):
        delphi_weights([pd.DataFrame({"a": [1.0]}), pd.DataFrame({"b": [1.0]})])
    with pytest.raises(CvlibInputError, match="not a valid option"):
        delphi_weights([pd.DataFrame({"a": [1.0]})], aggregate="mode")


# ---------------------------------------------------------------------------------------------
# §11 high-value / low-satisfaction flag (exact)


def test_winback_reference_satisfaction_md_11():
    v = pd.Series([10.0, 20.0, 30.0, 40.0], index=["c1", "c2", "c3", "c4"])
    s = pd.Series([4.0, 1.0, 3.0, 2.0], index=["c1", "c2", "c3", "c4"])
    res = winback_flag(v, s)
    assert res.centers.to_dict() == {"value": 25.0, "satisfaction": 2.5}
    assert list(res.flagged) == ["c4"]
    assert res.table["group"].to_dict() == {
        "c1": "低价值高满意",
        "c2": "低价值低满意",
        "c3": "高价值高满意",
        "c4": "高价值低满意",
    }
    assert res.n_flagged == 1
    assert res.counts.loc["HL", "count"] == 1 and res.counts.loc["HL", "share"] == 0.25
    assert res.table.loc["c3", "action"] == "保持"


def test_winback_center_and_tie_rules_satisfaction_md_11():
    v = pd.Series([10.0, 20.0, 25.0, 35.0])
    s = pd.Series([4.0, 1.0, 3.0, 2.0])
    assert winback_flag(v, s).table.loc[2, "value_level"] == "高"  # mean 22.5
    low = winback_flag(v, s, center=25)
    assert low.table.loc[2, "value_level"] == "低"  # equal_is="low": high only if >
    high = winback_flag(v, s, center=25, equal_is="high")
    assert high.table.loc[2, "value_level"] == "高"
    assert "strictly greater" in low.rule
    with pytest.raises(CvlibInputError, match="equal to the centre"):
        winback_flag(v, s, center=25, equal_is="raise")


def test_winback_missing_scores_are_unclassified_and_counted():
    v = pd.Series([10.0, 20.0, 30.0, np.nan], index=list("abcd"))
    s = pd.Series([4.0, 1.0, 3.0], index=list("abe"))
    with pytest.warns(DataQualityWarning, match="unclassified"):
        res = winback_flag(v, s, lang="en")
    assert res.n_unclassified == 3  # c (no satisfaction), d (NaN value), e (no value)
    assert res.counts.loc["unclassified", "count"] == 3
    assert res.table.loc["d", "flag"] is pd.NA
    assert res.counts["count"].sum() == 5


def test_winback_takes_csi_scores_and_plots():
    answers = pd.DataFrame({"q1": [7, 2, 6, 3], "q2": [6, 1, 7, 2]}, index=list("abcd"))
    sat = csi(answers, {"q1": 0.5, "q2": 0.5}, scale=(1, 7))
    value = pd.Series([100.0, 900.0, 50.0, 800.0], index=list("abcd"))
    res = winback_flag(value, sat, lang="en")
    assert list(res.flagged) == ["b", "d"]
    ax = plot_winback(res)
    assert ax.get_ylabel() == "satisfaction"
    assert "win-back" in ax.get_title()
    plt.close("all")

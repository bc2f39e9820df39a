"""Importance-performance analysis, Kano and gap analysis (``methods/satisfaction.md`` §6, §8,
§10; tolerances of §14: exact)."""

from __future__ import annotations

import doctest
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cvlib import datasets
from cvlib._validation import CvlibInputError
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.satisfaction import (
    IPA_QUADRANTS,
    KANO_TABLE,
    _ipa,
    _kano,
    gap_analysis,
    ipa,
    ipa_classify,
    kano,
    kano_category,
    kano_coefficients,
    key_drivers,
    plot_ipa,
    plot_kano,
)
from cvlib.survey import Codebook

SPEC_POINTS = {"a": (0.6, 3), "b": (0.6, 5), "c": (0.2, 3), "d": (0.2, 5)}


@pytest.fixture(scope="module")
def survey():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return datasets.load_satisfaction_survey()


@pytest.mark.parametrize("module", [_ipa, _kano], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------------------------
# §6 IPA


def _spec_ipa(**kw):
    imp = {k: v[0] for k, v in SPEC_POINTS.items()}
    perf = {k: v[1] for k, v in SPEC_POINTS.items()}
    return ipa_classify(imp, perf, **kw)


def test_ipa_quadrants_reference_satisfaction_md_6():
    """(0.6, 3), (0.6, 5), (0.2, 3), (0.2, 5) with crosshairs 0.4 / 4 -> I, II, III, IV."""
    res = _spec_ipa(crosshair={"importance": 0.4, "performance": 4})
    t = res.table.loc[list("abcd")]
    assert t["quadrant"].tolist() == ["I", "II", "III", "IV"]
    assert t["label_en"].tolist() == [
        "Concentrate here",
        "Keep up the good work",
        "Low priority",
        "Possible overkill",
    ]
    assert t["label_zh"].tolist() == ["重点改进区", "继续保持区", "低优先区", "过度投入区"]
    assert res.crosshairs == {"importance": 0.4, "performance": 4.0}
    # the data crosshair (means 0.4 and 4) gives the same quadrants here
    assert _spec_ipa().table.loc[list("abcd"), "quadrant"].tolist() == ["I", "II", "III", "IV"]
    assert _spec_ipa().crosshairs == {"importance": pytest.approx(0.4), "performance": 4.0}


def test_ipa_value_on_crosshair_counts_high_unless_tie_low_6():
    imp = {"x": 0.4, "y": 0.6}
    perf = {"x": 4.0, "y": 3.0}
    ch = {"importance": 0.4, "performance": 4}
    assert ipa_classify(imp, perf, crosshair=ch).table.loc["x", "quadrant"] == "II"
    assert ipa_classify(imp, perf, crosshair=ch, tie="low").table.loc["x", "quadrant"] == "III"


def test_ipa_crosshair_conventions_6():
    imp = {"a": 6.5, "b": 5.5, "c": 5.0}
    perf = {"a": 3.0, "b": 5.0, "c": 6.0}
    data = ipa_classify(imp, perf)
    assert data.crosshairs == {"importance": pytest.approx(17 / 3), "performance": 14 / 3}
    # b: importance 5.5 < 17/3 (low), performance 5 >= 14/3 (high) -> IV
    assert data.table.loc[["a", "b", "c"], "quadrant"].tolist() == ["I", "IV", "IV"]
    scale = ipa_classify(
        imp, perf, crosshair="scale", importance_scale=(1, 7), performance_scale=(1, 7)
    )
    assert scale.crosshairs == {"importance": 4.0, "performance": 4.0}
    assert scale.table.loc[["a", "b", "c"], "quadrant"].tolist() == ["I", "II", "II"]
    med = ipa_classify(imp, perf, crosshair="median")
    assert med.crosshairs == {"importance": 5.5, "performance": 5.0}
    assert med.crosshair == "median" and scale.crosshair == "scale"
    with pytest.raises(CvlibInputError, match="unlabeled pair"):
        ipa_classify(imp, perf, crosshair=(5, 4))
    with pytest.raises(CvlibInputError, match="exactly the keys"):
        ipa_classify(imp, perf, crosshair={"x": 1, "y": 2})
    with pytest.raises(CvlibInputError, match="crosshair='scale'"):
        ipa_classify(imp, perf, crosshair="scale")


def test_ipa_diagonal_priority_and_fix_first_order_6():
    imp = {"a": 6.5, "b": 5.5, "c": 5.0, "d": 6.0}
    perf = {"a": 3.0, "b": 5.0, "c": 6.0, "d": 4.5}
    res = ipa_classify(imp, perf, importance_scale=(1, 7), performance_scale=(1, 7))
    assert res.common_scale == (1, 7)
    t = res.table
    np.testing.assert_allclose(t.loc[list("abcd"), "priority"], [3.5, 0.5, -1.0, 1.5])
    assert t.loc[list("abcd"), "above_diagonal"].tolist() == [True, True, False, True]
    # crosshairs 5.75 / 4.625: a, d in I; b, c in IV -> I by importance, then IV by importance
    assert res.fix_first(None) == ["a", "d", "b", "c"]
    assert t["fix_rank"].tolist() == [1, 2, 3, 4]
    diag = ipa_classify(
        imp, perf, importance_scale=(1, 7), performance_scale=(1, 7), order="diagonal"
    )
    assert diag.fix_first(None) == ["a", "d", "b", "c"]
    assert diag.fix_first("I") == ["a", "d"]
    with pytest.raises(CvlibInputError, match="needs both axes on one"):
        ipa_classify(imp, perf, order="diagonal")
    assert np.isnan(ipa_classify(imp, perf).table["priority"]).all()


def _ipa_frame():
    rng = np.random.default_rng(0)
    n = 200
    q = rng.integers(1, 8, size=(n, 3)).astype(float)
    y = np.clip(np.rint(0.6 * q[:, 0] + 0.3 * q[:, 1] + rng.normal(0, 1, n)), 1, 7)
    df = pd.DataFrame(q, columns=["q1", "q2", "q3"]).assign(overall=y)
    df["i1"], df["i2"], df["i3"] = 6.0, 4.0, 2.0
    return df


def test_ipa_from_data_stated_importance_and_scale_crosshair():
    df = _ipa_frame()
    res = ipa(
        df,
        ["q1", "q2", "q3"],
        importance_items={"q1": "i1", "q2": "i2", "q3": "i3"},
        scale=(1, 7),
        crosshair="scale",
    )
    t = res.table.loc[["q1", "q2", "q3"]]
    np.testing.assert_allclose(t["performance"], df[["q1", "q2", "q3"]].mean())
    np.testing.assert_allclose(t["importance"], [6.0, 4.0, 2.0])
    assert res.crosshairs == {"importance": 4.0, "performance": 4.0}
    assert res.common_scale == (1.0, 7.0) and res.importance == "stated"
    rescaled = ipa(
        df,
        ["q1", "q2", "q3"],
        importance_items={"q1": "i1", "q2": "i2", "q3": "i3"},
        scale=(1, 7),
        performance="rescaled",
    )
    np.testing.assert_allclose(
        rescaled.table.loc[["q1", "q2", "q3"], "performance"],
        100 * (df[["q1", "q2", "q3"]].mean() - 1) / 6,
    )
    np.testing.assert_allclose(
        rescaled.table.loc[["q1", "q2", "q3"], "importance"], [250 / 3, 50, 50 / 3]
    )
    with pytest.raises(CvlibInputError, match="crosshair='scale'"):
        ipa(df, ["q1", "q2", "q3"], importance="corr", target="overall", scale=(1, 7),
            crosshair="scale")  # fmt: skip


@pytest.mark.filterwarnings("ignore:negative derived importance")
def test_ipa_derived_importances_match_their_definitions():
    df = _ipa_frame()
    items = ["q1", "q2", "q3"]
    corr = ipa(df, items, importance="corr", target="overall", scale=(1, 7))
    np.testing.assert_allclose(
        corr.table.loc[items, "importance"], df[items].corrwith(df["overall"]), atol=1e-15
    )
    kd = key_drivers(df, "overall", items)
    beta = ipa(df, items, importance="beta", target="overall", scale=(1, 7))
    np.testing.assert_allclose(beta.table.loc[items, "importance"], kd.table["beta"], atol=1e-15)
    lmg = ipa(df, items, importance="relimp", target="overall", scale=(1, 7))
    np.testing.assert_allclose(lmg.table.loc[items, "importance"], kd.table["lmg"], atol=1e-15)
    jw = ipa(df, items, importance="relimp", relimp="johnson", target="overall", scale=(1, 7))
    np.testing.assert_allclose(jw.table.loc[items, "importance"], kd.table["johnson"], atol=1e-15)
    assert lmg.importance == "relimp (lmg) on 'overall'"
    given = ipa(df, items, importance=kd.table["lmg"], scale=(1, 7))
    np.testing.assert_allclose(
        given.table.loc[items, "importance"], lmg.table.loc[items, "importance"], atol=0
    )
    assert given.importance == "given"


def test_ipa_negative_derived_importance_is_flagged():
    rng = np.random.default_rng(1)
    n = 300
    q = rng.integers(1, 8, size=(n, 2)).astype(float)
    y = np.clip(np.rint(8 - q[:, 0] + 0.2 * rng.normal(size=n)), 1, 7)
    df = pd.DataFrame(q, columns=["q1", "q2"]).assign(y=y)
    with pytest.warns(CvlibWarning, match="negative derived importance"):
        res = ipa(df, ["q1", "q2"], importance="corr", target="y", scale=(1, 7))
    assert bool(res.table.loc["q1", "negative_importance"])


def test_ipa_bad_input():
    df = _ipa_frame()
    with pytest.raises(CvlibInputError, match="importance_items"):
        ipa(df, ["q1"], scale=(1, 7))
    with pytest.raises(CvlibInputError, match="target="):
        ipa(df, ["q1"], importance="beta", scale=(1, 7))
    with pytest.raises(CvlibInputError, match="PLS model"):
        ipa(df, ["q1"], importance="pls_total", scale=(1, 7))
    with pytest.raises(KeyError, match="no importance given"):
        ipa(df, ["q1", "q2"], importance={"q1": 0.3}, scale=(1, 7))
    with pytest.raises(KeyError, match="same items"):
        ipa_classify({"a": 1.0}, {"b": 2.0})


def test_ipa_on_bundled_survey_with_key_driver_importance(survey):
    """Demonstration: 感知质量 items against overall satisfaction SAT1 (LMG importance)."""
    items = ["PQ1", "PQ2", "PQ4", "PQ5", "PQ6"]
    with pytest.warns(DataQualityWarning, match="listwise"):
        res = ipa(survey, items, importance="relimp", target="SAT1")
    assert set(res.table["quadrant"]) <= set(IPA_QUADRANTS)
    perf = survey.data[items].mean()
    np.testing.assert_allclose(res.table.loc[items, "performance"], perf, atol=1e-12)
    # PQ6 (lounge drinks) is the deliberately weak item: lowest importance
    assert res.table["importance"].idxmin() == "PQ6"
    ax = plot_ipa(res, lang="zh", labels={"PQ6": "休息区饮品"})
    assert ax.get_xlabel() == "表现 (均值)" and ax.get_ylabel().startswith("重要性")
    texts = {t.get_text() for t in ax.texts}
    assert "I 重点改进区" in texts and "休息区饮品" in texts
    ax = plot_ipa(res, lang="en")
    assert "II Keep up the good work" in {t.get_text() for t in ax.texts}
    plt.close("all")


# ---------------------------------------------------------------------------------------------
# §8 Kano


@pytest.mark.parametrize(
    ("pair", "category"),
    [((1, 5), "O"), ((1, 1), "Q"), ((5, 1), "R"), ((2, 5), "M"), ((3, 3), "I"), ((1, 3), "A")],
)
def test_kano_answer_pairs_satisfaction_md_8(pair, category):
    assert kano_category(*pair) == category
    assert KANO_TABLE.loc[pair[0], pair[1]] == category


def test_kano_evaluation_table_berger_1993():
    expected = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"]
    assert ["".join(row) for row in KANO_TABLE.to_numpy()] == expected
    f, d = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    cats = kano_category(f.ravel(), d.ravel()).reshape(5, 5)
    assert (cats == KANO_TABLE.to_numpy()).all()


def test_kano_better_worse_reference_satisfaction_md_8():
    """Counts A 10, O 20, M 15, I 5 -> Better 0.6, Worse -0.7 [exact]."""
    res = kano_coefficients({"A": 10, "O": 20, "M": 15, "I": 5})
    assert res["better"] == pytest.approx(0.6, abs=1e-15)
    assert res["worse"] == pytest.approx(-0.7, abs=1e-15)
    # the same counts from answer pairs
    pairs = [(1, 3)] * 10 + [(1, 5)] * 20 + [(2, 5)] * 15 + [(3, 3)] * 5
    df = pd.DataFrame(pairs, columns=["f", "d"])
    out = kano(df, {"x": ("f", "d")}).table.loc["x"]
    assert (out["A"], out["O"], out["M"], out["I"], out["R"], out["Q"]) == (10, 20, 15, 5, 0, 0)
    assert out["better"] == pytest.approx(0.6, abs=1e-15)
    assert out["worse"] == pytest.approx(-0.7, abs=1e-15)
    assert out["category"] == "O" and not out["tie"]
    assert out["pct_O"] == pytest.approx(40.0)
    assert out["bw_quadrant"] == "O"  # Better 0.6 >= 0.5, |Worse| 0.7 >= 0.5


def test_kano_tie_broken_m_o_a_i_r_q_and_flagged_8():
    pairs = [(2, 5)] * 3 + [(1, 5)] * 3 + [(1, 3)] * 3 + [(3, 3)] * 2
    df = pd.DataFrame(pairs, columns=["f", "d"])
    res = kano(df, {"x": ("f", "d")}, lang="en")
    row = res.table.loc["x"]
    assert row["category"] == "M" and bool(row["tie"]) and row["label"] == "Must-be"
    other = kano(df, {"x": ("f", "d")}, tie_order="AOMIRQ")
    assert other.table.loc["x", "category"] == "A"
    assert other.table.loc["x", "label"] == "魅力属性"
    with pytest.raises(CvlibInputError, match="permutation"):
        kano(df, {"x": ("f", "d")}, tie_order="MOA")


def test_kano_questionable_share_warns_and_zero_denominator_is_nan_8():
    df = pd.DataFrame({"f": [1, 1, 5, 1], "d": [1, 1, 5, 5]})  # Q Q Q O
    with pytest.warns(DataQualityWarning, match="questionable"):
        res = kano(df, {"x": ("f", "d")})
    assert res.table.loc["x", "category"] == "Q"
    only_r = pd.DataFrame({"f": [5, 5], "d": [1, 2]})
    with pytest.warns(CvlibWarning, match="undefined"):
        r = kano(only_r, {"y": ("f", "d")})
    assert np.isnan(r.table.loc["y", "better"]) and np.isnan(r.table.loc["y", "worse"])
    with pytest.warns(CvlibWarning, match="undefined"):
        c = kano_coefficients(pd.DataFrame({"A": [0], "O": [0], "M": [0], "I": [0]}))
    assert c["better"].isna().all()


def test_kano_bad_codes_and_missing_pairs_8():
    df = pd.DataFrame({"f": [1, 6], "d": [5, 5]})
    with pytest.raises(CvlibInputError, match=r"functional column 'f'.*holds 6 at row 1"):
        kano(df, {"x": ("f", "d")})
    with pytest.raises(CvlibInputError, match="Kano answers are 1"):
        kano_category(0, 3)
    miss = pd.DataFrame({"f": [1, np.nan, 2], "d": [5, 5, 5]})
    with pytest.warns(DataQualityWarning, match="dropped"):
        res = kano(miss, {"x": ("f", "d")})
    assert res.table.loc["x", "n"] == 2 and res.table.loc["x", "n_missing"] == 1
    cats = res.categories["x"]
    assert cats[0] == "O" and pd.isna(cats[1]) and cats[2] == "M"


def test_kano_better_worse_quadrants_and_mean_crosshair_and_plot():
    rows = {
        "attractive": [(1, 3)] * 8 + [(3, 3)] * 2,  # Better 0.8, |Worse| 0
        "must": [(2, 5)] * 8 + [(3, 3)] * 2,  # Better 0, |Worse| 0.8
        "one": [(1, 5)] * 8 + [(3, 3)] * 2,  # Better 0.8, |Worse| 0.8
        "indiff": [(3, 3)] * 10,  # 0, 0
    }
    df = pd.DataFrame({f"{k}_{s}": [p[i] for p in v] for k, v in rows.items() for i, s in
                       enumerate(("f", "d"))})  # fmt: skip
    feats = {k: (f"{k}_f", f"{k}_d") for k in rows}
    res = kano(df, feats)
    assert res.table["bw_quadrant"].to_dict() == {
        "attractive": "A",
        "must": "M",
        "one": "O",
        "indiff": "I",
    }
    assert res.table["category"].tolist() == ["A", "M", "O", "I"]
    mean = kano(df, feats, crosshair="mean")
    assert mean.crosshairs == {"abs_worse": pytest.approx(0.4), "better": pytest.approx(0.4)}
    ax = plot_kano(res)
    assert ax.get_ylabel() == "Better (满意影响力 SI)"
    plt.close("all")


# ---------------------------------------------------------------------------------------------
# §10 gap analysis


def test_gap_reference_satisfaction_md_10():
    """experience (7, 5, 4), expectation (6, 5, 6) -> gaps (1, 0, -2) [exact]."""
    df = pd.DataFrame({"exp": [7, 5, 4], "pre": [6, 5, 6]})
    res = gap_analysis(df, {"服务": ("exp", "pre")})
    assert res.gaps["服务"].tolist() == [1.0, 0.0, -2.0]
    assert res.labels()["服务"].tolist() == ["物超所值", "基本满意", "不满意"]
    assert res.labels("en")["服务"].tolist() == [
        "delighted; exceeds expectation",
        "basically satisfied",
        "dissatisfied",
    ]
    row = res.table.loc["服务"]
    assert row["mean_gap"] == pytest.approx(-1 / 3)
    assert row["label"] == "不满意"  # tol = 0
    assert (row["share_exceeds"], row["share_meets"], row["share_below"]) == (1 / 3, 1 / 3, 1 / 3)
    tt = stats.ttest_rel([7, 5, 4], [6, 5, 6])
    assert row["t"] == pytest.approx(tt.statistic) and row["p"] == pytest.approx(tt.pvalue)
    assert row["sd_gap"] == pytest.approx(np.std([1, 0, -2], ddof=1))
    # the same three gaps as three items, one respondent each
    items = pd.DataFrame({"e1": [7], "x1": [6], "e2": [5], "x2": [5], "e3": [4], "x3": [6]})
    three = gap_analysis(items, {"a": ("e1", "x1"), "b": ("e2", "x2"), "c": ("e3", "x3")})
    assert three.table["label"].tolist() == ["物超所值", "基本满意", "不满意"]
    assert three.table["t"].isna().all()  # n = 1: no test


def test_gap_tolerance_band_for_item_means_10():
    df = pd.DataFrame({"exp": [6.0, 5.0], "pre": [5.0, 5.5]})
    res = gap_analysis(df, {"x": ("exp", "pre")}, tol=0.5, lang="en")
    assert res.classes["x"].tolist() == ["exceeds", "meets"]
    assert res.table.loc["x", "label"] == "basically satisfied"  # mean gap 0.25 <= 0.5


def test_gap_scales_must_match_and_missing_pairs_are_counted_10():
    df = pd.DataFrame({"exp": [7.0, np.nan, 4.0], "pre": [6.0, 5.0, 6.0]})
    cb = Codebook({"exp": {"scale": "sat7_zh"}, "pre": {"scale": "score10"}})
    with pytest.raises(CvlibInputError, match="a gap needs one scale"):
        gap_analysis(df, {"x": ("exp", "pre")}, codebook=cb)
    with pytest.raises(CvlibInputError, match="one scale"):
        gap_analysis(df, {"x": ("exp", "pre")}, scale={"exp": (1, 7), "pre": (1, 5)})
    with pytest.warns(DataQualityWarning, match="dropped"):
        res = gap_analysis(df, {"x": ("exp", "pre")}, scale=(1, 7))
    assert res.table.loc["x", "n"] == 2 and res.table.loc["x", "n_dropped"] == 1
    assert res.scale_checked
    assert pd.isna(res.classes.loc[1, "x"])
    with pytest.raises(KeyError, match="'nope'"):
        gap_analysis(df, {"x": ("exp", "nope")})
    with pytest.raises(CvlibInputError, match="tol"):
        gap_analysis(df, {"x": ("exp", "pre")}, tol=-1)


def test_gap_on_bundled_survey_expectation_vs_satisfaction(survey):
    """Demonstration: 顾客满意 SAT1 against 顾客期望 EXP1 (both on the 7-level scale)."""
    with pytest.warns(DataQualityWarning):
        res = gap_analysis(survey, {"总体": ("SAT1", "EXP1")})
    d = survey.data[["SAT1", "EXP1"]].dropna()
    row = res.table.loc["总体"]
    assert row["n"] == len(d)
    assert row["mean_gap"] == pytest.approx((d["SAT1"] - d["EXP1"]).mean(), abs=1e-12)
    assert row["share_exceeds"] + row["share_meets"] + row["share_below"] == pytest.approx(1.0)

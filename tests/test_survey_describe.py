"""Tests of cvlib.survey._describe: reverse scoring, scale scores, descriptives, frequency tables,
top-box shares with Wilson CIs, NPS and the rating summary (methods/survey.md §3-§6, §11).

Reference values come from survey.md with the tolerances of its §13; oracles are pandas, scipy
and statsmodels (and psych values printed in the spec).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from cvlib._warnings import DataQualityWarning
from cvlib.datasets import BFI_ITEMS, BFI_REVERSED, BFI_SCALES, load_bfi
from cvlib.survey import (
    Codebook,
    ItemSpec,
    describe_items,
    frequencies,
    nps,
    nps_difference,
    rating_summary,
    recommend_shares,
    reverse_items,
    score_constructs,
    score_scale,
    top_box,
    wilson_ci,
)

TOL = 1e-6  # survey.md §13


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return load_bfi()


@pytest.fixture(scope="module")
def bfi_codebook() -> Codebook:
    return Codebook(
        {
            item: {"scale": "bfi6", "construct": scale, "reverse": item in BFI_REVERSED}
            for scale, items in BFI_SCALES.items()
            for item in items
        }
    )


class ReadResult:
    """Stand-in for a read_survey result: .data, .codebook, .missing_reasons."""

    def __init__(self, data, codebook, missing_reasons):
        self.data = data
        self.codebook = codebook
        self.missing_reasons = missing_reasons


# ---------------------------------------------------------------------------------------------
# §3 reverse scoring
# ---------------------------------------------------------------------------------------------


def test_reverse_items_bfi_uses_theoretical_ends_7_minus_x(bfi, bfi_codebook):
    before = bfi.copy()
    out = reverse_items(bfi, bfi_codebook)
    pd.testing.assert_frame_equal(bfi, before)  # input untouched
    assert bfi.attrs.get("cvlib") is None
    for item in BFI_REVERSED:
        pd.testing.assert_series_equal(out[item], 7 - bfi[item])
        assert out[item].isna().sum() == bfi[item].isna().sum()
    for item in ("A2", "N1", "O1"):  # not reverse keyed: unchanged (N items are never reversed)
        pd.testing.assert_series_equal(out[item], bfi[item])
    assert out.attrs["cvlib"]["reversed"] == BFI_REVERSED
    assert out.attrs["cvlib"]["reverse_scale"]["A1"] == (1.0, 6.0)
    assert out.attrs["cvlib"]["reverse_report"]["A1"] == {"n_reversed": 2784, "n_missing": 16}


@pytest.mark.parametrize(
    ("scale", "x", "expected"),
    [("sat7_zh", [1, 4, 7], [7, 4, 1]), ("score10", [1, 10], [10, 1]), ("nps11", [0, 10], [10, 0])],
)
def test_reverse_items_presets_survey_md_section3(scale, x, expected):
    df = pd.DataFrame({"q": x})
    out = reverse_items(df, {"q": {"scale": scale, "reverse": True}})
    assert out["q"].tolist() == [float(v) for v in expected]


def test_reverse_items_second_call_raises_unless_force(bfi, bfi_codebook):
    once = reverse_items(bfi, bfi_codebook)
    with pytest.raises(ValueError, match="already reverse scored"):
        reverse_items(once, bfi_codebook)
    twice = reverse_items(once, bfi_codebook, force=True)
    pd.testing.assert_series_equal(twice["A1"], bfi["A1"])  # force restores the original
    assert twice.attrs["cvlib"]["reversed"] == []


def test_reverse_items_suffix_writes_new_columns_next_to_items(bfi, bfi_codebook):
    out = reverse_items(bfi, bfi_codebook, ["A1", "C4"], suffix="_r")
    pd.testing.assert_series_equal(out["A1"], bfi["A1"])
    pd.testing.assert_series_equal(out["A1_r"], (7 - bfi["A1"]).rename("A1_r"))
    cols = list(out.columns)
    assert cols[cols.index("A1") + 1] == "A1_r"
    assert out.attrs["cvlib"]["reversed"] == ["A1_r", "C4_r"]
    assert out.attrs["cvlib"]["reversed_from"] == {"A1_r": "A1", "C4_r": "C4"}
    with pytest.raises(ValueError, match="already exists"):
        reverse_items(out, bfi_codebook, ["A1"], suffix="_r")
    # the suffix column is known as reverse scored: top box is not reversed a second time
    box = top_box(out, "A1_r", codebook=bfi_codebook)
    assert box.x == 1740 and box.note == "data already reverse scored"


def test_reverse_items_declared_missing_codes_stay_missing():
    df = pd.DataFrame({"q": [1, 7, -99, None, 5]})
    cb = {"q": {"scale": "sat7_zh", "reverse": True, "missing_codes": {-99: "refused"}}}
    out = reverse_items(df, cb)
    assert out["q"].tolist()[:3] == [7.0, 1.0, -99.0]
    assert math.isnan(out["q"].iloc[3]) and out["q"].iloc[4] == 3.0
    assert out.attrs["cvlib"]["reverse_report"]["q"] == {"n_reversed": 3, "n_missing": 2}


def test_reverse_items_without_codebook_scale_suggests_one():
    df = pd.DataFrame({"q": [1, 2, 3]})
    with pytest.raises(ValueError, match="no theoretical scale ends.*scale=\\(1, 7\\)"):
        reverse_items(df, items=["q"])
    with pytest.raises(ValueError, match="no theoretical scale ends"):
        reverse_items(df, {"q": {"type": "numeric"}}, ["q"])
    assert reverse_items(df, items=["q"], scale=(1, 5))["q"].tolist() == [5.0, 4.0, 3.0]


def test_reverse_items_bad_input_messages():
    df = pd.DataFrame({"q": [1, 9]})
    with pytest.raises(ValueError, match="outside its scale \\[1, 7\\].*row 1, 9"):
        reverse_items(df, items=["q"], scale=(1, 7))
    with pytest.raises(ValueError, match="disagrees with the codebook"):
        reverse_items(df, {"q": {"scale": "score10"}}, ["q"], scale=(1, 7))
    with pytest.raises(ValueError, match="marks no item as reverse keyed"):
        reverse_items(df, {"q": {"scale": "score10"}})
    with pytest.raises(ValueError, match="needs items"):
        reverse_items(df)
    with pytest.raises(ValueError, match="scale=.*theoretical ends"):
        reverse_items(df, items=["q"], scale=7)
    with pytest.raises(KeyError, match="'nope' not found"):
        reverse_items(df, items=["nope"], scale=(1, 7))


# ---------------------------------------------------------------------------------------------
# §3 scale scores
# ---------------------------------------------------------------------------------------------


def test_score_scale_neuroticism_mean_and_sd_psych(bfi):
    # psych alpha(bfi[16:20]) scale mean / SD = 3.162268 / 1.196331 (rowMeans of available items)
    res = score_scale(bfi, ["N1", "N2", "N3", "N4", "N5"], min_valid=1, name="N")
    assert res.scores.mean() == pytest.approx(3.162268, abs=TOL)
    assert res.scores.std(ddof=1) == pytest.approx(1.196331, abs=TOL)
    assert (res.n_scored, res.n_excluded, res.n_partial) == (2800, 0, 106)


def test_score_scale_min_valid_none_requires_all_items(bfi):
    items = ["N1", "N2", "N3", "N4", "N5"]
    res = score_scale(bfi, items)
    complete = bfi[items].notna().all(axis=1)
    assert res.n_scored == int(complete.sum()) == 2694
    assert res.n_excluded == 106
    pd.testing.assert_series_equal(
        res.scores[complete], bfi.loc[complete, items].mean(axis=1), check_names=False
    )
    assert res.scores[~complete].isna().all()


def test_score_scale_sum_is_prorated_k_times_mean():
    df = pd.DataFrame({"a": [1.0, 2.0, np.nan], "b": [3.0, 4.0, 5.0], "c": [5.0, np.nan, np.nan]})
    res = score_scale(df, ["a", "b", "c"], method="sum", min_valid=2)
    assert res.scores.tolist()[:2] == [9.0, 9.0]
    assert math.isnan(res.scores.iloc[2])
    assert res.summary().loc[None, "n_excluded"] == 1


def test_score_scale_warns_when_reverse_keyed_items_not_reversed(bfi, bfi_codebook):
    with pytest.warns(DataQualityWarning, match="reverse_items first"):
        score_scale(bfi, BFI_SCALES["agreeableness"], codebook=bfi_codebook)
    reversed_ = reverse_items(bfi, bfi_codebook)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score_scale(reversed_, BFI_SCALES["agreeableness"], codebook=bfi_codebook)


def test_score_scale_bad_input():
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    with pytest.raises(ValueError, match="min_valid=3 must lie between 1 and k=2"):
        score_scale(df, ["a", "b"], min_valid=3)
    with pytest.raises(ValueError, match="method='median'"):
        score_scale(df, ["a"], method="median")
    with pytest.raises(TypeError, match="item 'b' is not numeric: row 0 holds 'x'"):
        score_scale(df, ["a", "b"])


def test_score_constructs_bfi_reverses_keyed_items_then_scores(bfi, bfi_codebook):
    res = score_constructs(bfi, bfi_codebook)
    a = bfi[BFI_SCALES["agreeableness"]].copy()
    a["A1"] = 7 - a["A1"]
    pd.testing.assert_series_equal(
        res.scores["agreeableness"], a.mean(axis=1, skipna=False), check_names=False
    )
    n = bfi[BFI_SCALES["neuroticism"]].mean(axis=1, skipna=False)  # N items not reversed
    pd.testing.assert_series_equal(res.scores["neuroticism"], n, check_names=False)
    assert res.table.loc["conscientiousness", "reversed"] == "C4, C5"
    assert res.table.loc["neuroticism", "reversed"] == ""
    # data already reversed are not reversed again
    again = score_constructs(reverse_items(bfi, bfi_codebook), bfi_codebook)
    pd.testing.assert_frame_equal(again.scores, res.scores)


def test_score_constructs_needs_constructs():
    with pytest.raises(ValueError, match="name their construct"):
        score_constructs(pd.DataFrame({"q": [1]}), {"q": {"scale": "bfi6"}})


# ---------------------------------------------------------------------------------------------
# §4 descriptives
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "skew", "kurt"),
    [(1, 0.825488, -0.305704), (2, 0.825933, -0.304096), (3, 0.825044, -0.307639)],
)
def test_describe_bfi_a1_all_three_types_survey_md_section4(bfi, kind, skew, kurt):
    res = describe_items(bfi, ["A1"], type=kind)
    row = res.table.loc["A1"]
    assert row["n"] == 2784 and row["missing"] == 16
    assert row["mean"] == pytest.approx(2.413434, abs=TOL)
    assert row["sd"] == pytest.approx(1.407737, abs=TOL)
    assert row["se"] == pytest.approx(1.407737150521484 / math.sqrt(2784), abs=TOL)
    assert row["median"] == 2
    assert row["mode"] == 1 and not row["mode_multiple"]
    assert (row["min"], row["max"]) == (1, 6)
    assert row["skewness"] == pytest.approx(skew, abs=TOL)
    assert row["kurtosis"] == pytest.approx(kurt, abs=TOL)
    assert row["ses"] == pytest.approx(0.046399, abs=TOL)
    assert row["sek"] == pytest.approx(0.092764, abs=TOL)
    assert res.type == kind
    assert res.type_name.startswith(f"type {kind}")


def test_describe_all_bfi_items_match_pandas_and_scipy(bfi, bfi_codebook):
    t2 = describe_items(bfi, codebook=bfi_codebook).table
    t1 = describe_items(bfi, BFI_ITEMS, type=1).table
    assert list(t2.index) == BFI_ITEMS
    items = bfi[BFI_ITEMS]
    np.testing.assert_allclose(t2["mean"], items.mean(), rtol=1e-12)
    np.testing.assert_allclose(t2["sd"], items.std(), rtol=1e-12)
    np.testing.assert_allclose(t2["median"], items.median(), rtol=1e-12)
    np.testing.assert_allclose(t2["skewness"], items.skew(), rtol=1e-10)
    np.testing.assert_allclose(t2["kurtosis"], items.kurt(), rtol=1e-10)
    np.testing.assert_allclose(t1["skewness"], stats.skew(items, nan_policy="omit"), rtol=1e-10)
    np.testing.assert_allclose(t1["kurtosis"], stats.kurtosis(items, nan_policy="omit"), rtol=1e-10)
    # default items with a codebook: its items only (not gender/education/age)
    assert "age" not in t2.index


def test_describe_small_n_nan_rules():
    df = pd.DataFrame({"one": [3.0, np.nan, np.nan], "two": [1.0, 2.0, np.nan], "three": [1, 2, 4]})
    t = describe_items(df).table
    assert t.loc["one", "mean"] == 3 and math.isnan(t.loc["one", "sd"])
    assert math.isnan(t.loc["one", "se"])
    assert not math.isnan(t.loc["two", "sd"]) and math.isnan(t.loc["two", "skewness"])
    assert math.isnan(t.loc["two", "ses"])
    assert not math.isnan(t.loc["three", "skewness"]) and math.isnan(t.loc["three", "kurtosis"])
    assert math.isnan(t.loc["three", "sek"])
    with pytest.warns(DataQualityWarning, match="no valid values"):
        empty = describe_items(pd.DataFrame({"e": [np.nan, np.nan]})).table
    assert empty.loc["e", "n"] == 0 and empty.loc["e", "missing"] == 2
    assert math.isnan(empty.loc["e", "mean"])


def test_describe_constant_item_has_nan_skew_and_kurtosis():
    t = describe_items(pd.DataFrame({"c": [4, 4, 4, 4, 4]})).table
    assert t.loc["c", "sd"] == 0
    assert math.isnan(t.loc["c", "skewness"]) and math.isnan(t.loc["c", "kurtosis"])


def test_describe_mode_smallest_of_several_is_flagged():
    t = describe_items(pd.DataFrame({"q": [5, 5, 2, 2, 3]})).table
    assert t.loc["q", "mode"] == 2 and t.loc["q", "mode_multiple"]


def test_describe_integer_weights_equal_repeated_rows_and_statsmodels():
    x = pd.Series([1.0, 2.0, 3.0, 5.0, np.nan, 4.0])
    w = np.array([3, 1, 2, 4, 1, 0])
    res = describe_items(pd.DataFrame({"x": x}), weights=w)
    repeated = pd.DataFrame({"x": np.repeat(x.to_numpy(), w)})
    plain = describe_items(repeated).table
    row, ref = res.table.loc["x"], plain.loc["x"]
    for col in ("mean", "sd", "se", "median", "mode", "skewness", "ses", "kurtosis", "sek"):
        assert row[col] == pytest.approx(ref[col], rel=1e-12), col
    d = DescrStatsW(x.dropna().to_numpy(), weights=w[x.notna().to_numpy()], ddof=1)
    assert row["mean"] == pytest.approx(d.mean, rel=1e-12)
    assert row["sd"] == pytest.approx(d.std, rel=1e-12)
    assert row["weight_sum"] == 10 and row["n_zero_weight"] == 1
    assert row["n"] == 5 and row["max"] == 5  # the zero-weight 4.0 does not count
    assert res.weighted


def test_describe_weighted_standardize_md_pspp_case():
    # standardize.md §1.6 [PSPP]: x = 1, 2, 3; w = 0.5, 1.5, 2 -> mean 2.375, SD 0.803638
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "w": [0.5, 1.5, 2.0]})
    row = describe_items(df, ["x"], weights="w").table.loc["x"]
    assert row["mean"] == pytest.approx(2.375, abs=TOL)
    assert row["sd"] == pytest.approx(0.803638, abs=TOL)


def test_describe_bad_weights_and_type():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="finite and >= 0.*row 1, -1"):
        describe_items(df, weights=[1, -1, 1])
    with pytest.raises(ValueError, match="finite and >= 0"):
        describe_items(df, weights=[1, np.nan, 1])
    with pytest.raises(ValueError, match="one value per row"):
        describe_items(df, weights=[1, 1])
    with pytest.raises(KeyError, match="weights column 'w'"):
        describe_items(df, weights="w")
    with pytest.raises(ValueError, match="type=4 must be 1"):
        describe_items(df, type=4)


def test_describe_missing_counts_per_reason_from_read_result():
    data = pd.DataFrame({"q": [1.0, np.nan, np.nan, np.nan, 5.0]})
    reasons = pd.DataFrame(
        {"q": [None, "refused", "don't know", "system missing", None]}, dtype=object
    )
    read = ReadResult(data, Codebook({"q": {"scale": "likert5"}}), reasons)
    res = describe_items(read)
    assert res.table.loc["q", "missing"] == 3
    assert res.missing_by_reason.loc["q"].to_dict() == {
        "refused": 1,
        "don't know": 1,
        "System missing": 1,
    }


def test_describe_declared_missing_codes_in_a_dataframe_are_missing_with_reason():
    df = pd.DataFrame({"q": [1, 2, -99, 98, None]})
    cb = {"q": {"scale": "likert5", "missing_codes": {-99: "refused", 98: "don't know"}}}
    res = describe_items(df, codebook=cb)
    assert res.table.loc["q", "n"] == 2 and res.table.loc["q", "mean"] == 1.5
    assert res.missing_by_reason.loc["q", "refused"] == 1
    assert res.missing_by_reason.loc["q", "System missing"] == 1


@pytest.mark.skipif(
    "missing_ranges" not in ItemSpec.__dataclass_fields__, reason="codebook without ranges"
)
def test_declared_missing_ranges_are_missing_with_their_reason():
    df = pd.DataFrame({"q": [1, 98, 99, 5, None]})
    cb = {"q": {"scale": "likert5", "missing_ranges": [(98, 99, "don't know")]}}
    res = describe_items(df, codebook=cb)
    assert res.table.loc["q", "n"] == 2
    assert res.missing_by_reason.loc["q", "don't know"] == 2
    t = frequencies(df, "q", codebook=cb).table
    assert t["label"].tolist()[-2:] == ["don't know", "System missing"]
    assert t["frequency"].tolist()[-2:] == [2, 1]


def test_describe_out_of_scale_value_names_row_and_value():
    with pytest.raises(ValueError, match="integer codes 1..5.*row 2, 7"):
        describe_items(pd.DataFrame({"q": [1, 2, 7]}), codebook={"q": {"scale": "likert5"}})


# ---------------------------------------------------------------------------------------------
# §5.1 frequency tables
# ---------------------------------------------------------------------------------------------


def test_frequencies_bfi_a1_counts_survey_md_section51(bfi, bfi_codebook):
    res = frequencies(bfi, "A1", codebook=bfi_codebook)
    t = res.table
    valid = t[t["status"] == "valid"]
    assert valid["code"].tolist() == [1, 2, 3, 4, 5, 6]
    assert valid["frequency"].tolist() == [922, 818, 402, 337, 223, 82]
    assert valid["label"].tolist()[0] == "Very Inaccurate"
    np.testing.assert_allclose(
        valid["percent"], 100 * np.array([922, 818, 402, 337, 223, 82]) / 2800, atol=TOL
    )
    np.testing.assert_allclose(
        valid["valid_percent"], 100 * np.array([922, 818, 402, 337, 223, 82]) / 2784, atol=TOL
    )
    assert valid["cumulative_percent"].iloc[1] == pytest.approx(62.5, abs=TOL)
    assert valid["cumulative_percent"].iloc[-1] == pytest.approx(100, abs=TOL)
    missing = t[t["status"] == "missing"]
    assert missing["label"].tolist() == ["System missing"]
    assert missing["frequency"].tolist() == [16]
    assert (res.n, res.n_valid, res.n_missing) == (2800, 2784, 16)
    total = res.summary()
    assert total["frequency"].iloc[-1] == 2800 and total["percent"].iloc[-1] == 100


def test_frequencies_lists_zero_count_codes_reasons_then_system_missing_zh():
    df = pd.DataFrame({"q": [7, 7, 6, 4, -99, 98, 98, None]})
    cb = {"q": {"scale": "sat7_zh", "missing_codes": {-99: "拒答 refused", 98: "不知道"}}}
    t = frequencies(df, "q", codebook=cb, lang="zh").table
    assert t["code"].tolist() == [1, 2, 3, 4, 5, 6, 7, -99, 98, None]
    assert t["label"].tolist()[:2] == ["很不满意", "不满意"]
    assert t["label"].tolist()[-3:] == ["拒答 refused", "不知道", "系统缺失"]
    assert t["frequency"].tolist() == [0, 0, 0, 1, 0, 1, 2, 1, 2, 1]
    assert t["valid_percent"].iloc[6] == pytest.approx(50, abs=TOL)
    assert t["percent"].iloc[8] == pytest.approx(25, abs=TOL)


def test_frequencies_text_codes_mapped_through_scaled_codebook():
    df = pd.DataFrame({"q": pd.Series(["5", "4", "5", None], dtype="str")})
    t = frequencies(df, "q", codebook={"q": {"scale": "likert5"}}).table
    assert t["frequency"].tolist() == [0, 0, 0, 1, 2, 1]


def test_frequencies_weighted_and_without_codebook():
    df = pd.DataFrame({"q": [1, 2, 2, np.nan], "w": [2.0, 1.0, 1.0, 4.0]})
    t = frequencies(df, "q", weights="w").table
    assert t["code"].tolist() == [1, 2, None]
    assert t["frequency"].tolist() == [2.0, 2.0, 4.0]
    assert t["percent"].tolist() == [25.0, 25.0, 50.0]
    assert t["valid_percent"].tolist()[:2] == [50.0, 50.0]


def test_frequencies_nominal_text_item_and_unknown_code():
    df = pd.DataFrame({"ex": ["None", "Daily", "None", ""]})
    t = frequencies(df.replace("", np.nan), "ex").table
    assert t["code"].tolist() == ["Daily", "None", None]  # "None" is an answer (§2.1)
    assert t["frequency"].tolist() == [1, 2, 1]
    with pytest.raises(ValueError, match="not codebook codes.*row 2, 9"):
        frequencies(
            pd.DataFrame({"q": [1, 2, 9]}),
            "q",
            codebook={"q": {"type": "nominal", "labels": {1: "a", 2: "b"}}},
        )
    with pytest.raises(ValueError, match="lang='fr'"):
        frequencies(df, "ex", lang="fr")


# ---------------------------------------------------------------------------------------------
# §5.2 Wilson CI and top/bottom box
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("x", [0, 1, 5, 17, 50, 99, 100])
@pytest.mark.parametrize("ci", [0.9, 0.95, 0.99])
def test_wilson_ci_matches_statsmodels(x, ci):
    lo, hi = wilson_ci(x, 100, ci)
    ref = proportion_confint(x, 100, alpha=1 - ci, method="wilson")
    assert lo == pytest.approx(ref[0], abs=1e-12)
    assert hi == pytest.approx(ref[1], abs=1e-12)


def test_wilson_ci_edge_cases():
    assert wilson_ci(0, 20)[0] == 0.0  # never negative
    assert wilson_ci(20, 20)[1] == 1.0
    with pytest.raises(ValueError, match="n > 0"):
        wilson_ci(0, 0)
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_ci(5, 3)
    with pytest.raises(ValueError, match="ci=1.5"):
        wilson_ci(1, 3, ci=1.5)


def test_top_box_bfi_a1_raw_codes_5_6_survey_md_section52(bfi):
    res = top_box(bfi, "A1", codebook={"A1": {"scale": "bfi6"}})
    assert (res.x, res.n, res.n_missing) == (305, 2784, 16)
    assert res.share == pytest.approx(0.109555, abs=TOL)
    assert res.ci_low == pytest.approx(0.098486, abs=TOL)
    assert res.ci_high == pytest.approx(0.121699, abs=TOL)
    ref = proportion_confint(305, 2784, alpha=0.05, method="wilson")
    assert (res.ci_low, res.ci_high) == pytest.approx(ref, abs=1e-12)
    assert not res.reverse_scored and res.codes == (5, 6)


def test_top_box_bfi_a1_reverse_keyed_counts_raw_codes_1_2(bfi, bfi_codebook):
    res = top_box(bfi, "A1", codebook=bfi_codebook)
    assert (res.x, res.n) == (1740, 2784)
    assert res.share == pytest.approx(0.625, abs=TOL)
    assert res.reverse_scored and res.raw_codes == (1, 2) and res.codes == (5, 6)
    assert "after reverse scoring" in res.note
    assert "反向计分" in top_box(bfi, "A1", codebook=bfi_codebook, lang="zh").note
    # already reversed data: the same share, not reversed twice
    again = top_box(reverse_items(bfi, bfi_codebook), "A1", codebook=bfi_codebook)
    assert again.x == 1740 and again.reverse_scored


def test_top_box_life_insurer_share_of_tens_survey_md_section52():
    s = pd.DataFrame({"score": [10] * 261 + [8] * 240})
    res = top_box(s, "score", k_box=1, scale=(1, 10))
    assert res.share == pytest.approx(0.520958, abs=TOL)
    assert res.ci_low == pytest.approx(0.477221, abs=TOL)
    assert res.ci_high == pytest.approx(0.564376, abs=TOL)


def test_bottom_box_and_k_box():
    df = pd.DataFrame({"q": [1, 2, 3, 4, 5, 5, 5, np.nan]})
    cb = {"q": {"scale": "likert5"}}
    assert top_box(df, "q", codebook=cb, k_box=3).x == 5
    res = top_box(df, "q", codebook=cb, bottom=True)
    assert (res.x, res.n, res.codes, res.box) == (2, 7, (1, 2), "bottom")


def test_top_box_bad_input():
    df = pd.DataFrame({"q": [1, 2, np.nan]})
    with pytest.raises(ValueError, match="theoretical scale ends.*scale=\\(1, 7\\)"):
        top_box(df, "q")
    with pytest.raises(ValueError, match="k_box=5 must be an integer from 1 to 4"):
        top_box(df, "q", scale=(1, 5), k_box=5)
    with pytest.raises(ValueError, match="no valid responses"):
        top_box(pd.DataFrame({"q": [np.nan, np.nan]}), "q", scale=(1, 5))
    with pytest.raises(ValueError, match="integer codes 1..5.*row 1, 2.5"):
        top_box(pd.DataFrame({"q": [1, 2.5]}), "q", scale=(1, 5))


# ---------------------------------------------------------------------------------------------
# §6 NPS
# ---------------------------------------------------------------------------------------------


def _nps_series() -> pd.Series:
    return pd.Series([10] * 60 + [9] * 40 + [8] * 30 + [7] * 30 + [6] * 20 + [0] * 20, name="rec")


def test_nps_reference_100_60_40_survey_md_section6():
    res = nps(_nps_series())
    assert (res.n_promoters, res.n_passives, res.n_detractors, res.n) == (100, 60, 40, 200)
    assert res.nps == pytest.approx(30, abs=TOL)
    assert res.se == pytest.approx(5.522681, abs=TOL)
    assert res.ci_low == pytest.approx(19.175745, abs=TOL)
    assert res.ci_high == pytest.approx(40.824255, abs=TOL)
    assert res.mapping == "standard" and res.scale_source == "values"
    # SE = SD (divisor n) of the per-respondent score in {+1, 0, -1} over sqrt(n)
    score = np.select([_nps_series() >= 9, _nps_series() >= 7], [1, 0], -1)
    assert res.se == pytest.approx(100 * score.std(ddof=0) / math.sqrt(200), abs=1e-12)
    assert res.pct_promoters == 50


def test_nps_missing_values_excluded_and_reported():
    s = pd.concat([_nps_series(), pd.Series([np.nan] * 5)], ignore_index=True)
    res = nps(pd.DataFrame({"rec": s}), "rec", codebook={"rec": {"scale": "nps11"}})
    assert res.n == 200 and res.n_missing == 5 and res.scale_source == "codebook"


def test_nps_values_must_be_integers_0_to_10():
    with pytest.raises(ValueError, match="integers 0-10.*row 2, 11.*row 3, 7.5"):
        nps(pd.Series([10, 9, 11, 7.5], name="rec"))


def test_nps_refuses_1_to_10_and_recommend4_items_without_mapping():
    s = pd.Series([1, 5, 10, 9], name="q")
    with pytest.raises(ValueError, match="1-10 scale.*not NPS"):
        nps(s, codebook={"q": {"scale": "score10"}})
    r4 = pd.Series([4, 3, 2, 1, 4], name="q13")
    with pytest.raises(ValueError, match="recommend_shares"):
        nps(r4, codebook={"q13": {"scale": "recommend4_zh"}})
    with pytest.raises(ValueError, match="looks like the 4-level recommend item"):
        nps(r4)


def test_nps_explicit_mapping_is_reported_as_custom():
    r4 = pd.Series([4, 4, 3, 2, 1], name="q13")
    mapping = {4: "promoter", 3: "passive", 2: "detractor", 1: "detractor"}
    res = nps(r4, mapping=mapping, codebook={"q13": {"scale": "recommend4_zh"}})
    assert res.nps == pytest.approx(0, abs=1e-12) and res.mapping == "custom"
    with pytest.raises(ValueError, match="not in mapping.*row 4, 1"):
        nps(r4, mapping={4: "promoter", 3: "passive", 2: "detractor"})
    with pytest.raises(ValueError, match="use 'promoter'"):
        nps(r4, mapping={4: "fan"})


def test_nps_warns_when_no_respondent_chose_0_without_codebook():
    with pytest.warns(DataQualityWarning, match="1-10 rating is not NPS"):
        nps(pd.Series([5, 9, 10] * 20, name="rec"))


def test_nps_difference_of_two_groups():
    a = nps(_nps_series())
    b = nps(pd.Series([10] * 30 + [8] * 50 + [0] * 20, name="rec"))
    d = nps_difference(a, b)
    assert d.difference == pytest.approx(a.nps - b.nps, abs=1e-12)
    assert d.se == pytest.approx(math.sqrt(a.se**2 + b.se**2), abs=1e-12)
    z = stats.norm.ppf(0.975)
    assert d.ci_low == pytest.approx(d.difference - z * d.se, abs=1e-12)
    assert d.pvalue == pytest.approx(2 * stats.norm.sf(abs(d.difference / d.se)), abs=1e-12)
    with pytest.raises(TypeError, match="NPSResult"):
        nps_difference(a, 3)


def test_recommend_shares_top_box_and_top2_with_wilson():
    s = pd.Series([4] * 30 + [3] * 50 + [2] * 15 + [1] * 5 + [np.nan] * 3, name="Q13")
    res = recommend_shares(s, lang="zh")
    t = res.table
    assert t.loc["top box", "x"] == 30 and t.loc["top-2 box", "x"] == 80
    assert t.loc["top box", "label"] == "一定会"
    assert t.loc["top-2 box", "label"] == "一定会 + 可能会"
    for box, x in (("top box", 30), ("top-2 box", 80)):
        ref = proportion_confint(x, 100, alpha=0.05, method="wilson")
        assert (t.loc[box, "ci_low"], t.loc[box, "ci_high"]) == pytest.approx(ref, abs=1e-12)
    assert res.n == 100 and res.n_missing == 3 and res.scale_source == "recommend4_zh preset"
    with pytest.raises(ValueError, match="integer codes 1..4.*row 0, 7"):
        recommend_shares(pd.Series([7, 4], name="Q13"))
    with pytest.raises(ValueError, match="use nps"):
        recommend_shares(pd.Series([7], name="r"), codebook={"r": {"scale": "nps11"}})


# ---------------------------------------------------------------------------------------------
# §11 rating summary (life-insurer survey, source document 001)
# ---------------------------------------------------------------------------------------------


def test_rating_summary_life_insurer_501_with_261_tens():
    # Synthetic 501-response vector with 261 tens (52.1 %). The seed's "19.7 % scored below 8"
    # cannot come from N = 501: 98/501 = 19.56 % and 99/501 = 19.76 % (asserted below).
    s = pd.Series([10] * 261 + [9] * 100 + [8] * 41 + [7] * 60 + [5] * 39, name="overall")
    lt = rating_summary(s, threshold=8, below="lt")
    assert lt.share_top == pytest.approx(0.520958, abs=TOL)
    assert lt.ci_top == pytest.approx((0.477221, 0.564376), abs=TOL)
    assert (lt.n, lt.n_top, lt.n_below, lt.rule) == (501, 261, 99, "< 8")
    le = rating_summary(s, threshold=8, below="le")
    assert le.n_below == 140 and le.rule == "≤ 8"
    assert lt.mean == pytest.approx(s.mean(), abs=1e-12)
    assert not any(round(100 * k / 501, 1) == 19.7 for k in range(502))


def test_rating_summary_bad_input():
    with pytest.raises(ValueError, match="below='lte'"):
        rating_summary(pd.Series([1, 2]), below="lte")
    with pytest.raises(ValueError, match="above top=10.*row 1, 11"):
        rating_summary(pd.Series([10, 11]))
    with pytest.raises(ValueError, match="no valid value"):
        rating_summary(pd.Series([np.nan]))
    with pytest.raises(ValueError, match="2 columns; name the item"):
        rating_summary(pd.DataFrame({"a": [1], "b": [2]}))

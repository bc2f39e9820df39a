"""likert_table: the numbers behind the diverging stacked Likert chart (methods/survey.md §5.3).

Reference values: the §5.3 [exact] case (shares 10, 20, 30, 25, 15 %), hand-checkable
variants of it for the other neutral conventions, and the bfi A1 counts of §5.1 [computed].
"""

from __future__ import annotations

import types
import warnings

import numpy as np
import pandas as pd
import pytest

from cvlib._validation import CvlibInputError
from cvlib._warnings import DataQualityWarning
from cvlib.survey import Codebook, likert_table

ATOL = 1e-12


def _five_point(shares=(2, 4, 6, 5, 3), name="q1"):
    """20 answers with shares 10, 20, 30, 25, 15 % on codes 1-5 (survey.md §5.3)."""
    codes = np.repeat(np.arange(1, 6), shares).astype("float64")
    return pd.DataFrame({name: codes})


LIKERT5 = {"q1": {"scale": "likert5"}}


def _extent(table, item="q1"):
    sub = table[table["item"] == item]
    return float(sub["left"].min()), float(sub["right"].max())


# --- §5.3 reference and the neutral conventions ------------------------------------------------


def test_split_extends_45_left_55_right_exact_survey_5_3():
    t = likert_table(_five_point(), codebook=LIKERT5, neutral="split")
    np.testing.assert_allclose(t["pct"], [10, 20, 30, 25, 15], atol=ATOL)
    left, right = _extent(t)
    assert left == pytest.approx(-45.0, abs=ATOL)  # 10 + 20 + 15
    assert right == pytest.approx(55.0, abs=ATOL)  # 15 + 25 + 15
    np.testing.assert_allclose(t["left"], [-45, -35, -15, 15, 40], atol=ATOL)
    np.testing.assert_allclose(t["right"], [-35, -15, 15, 40, 55], atol=ATOL)
    assert list(t["side"]) == ["negative", "negative", "neutral", "positive", "positive"]
    assert list(t.columns[:8]) == ["item", "code", "label", "n", "pct", "left", "right", "side"]
    assert t.attrs["cvlib"]["neutral"] == "split"
    assert t.attrs["cvlib"]["neutral_code"] == {"q1": 3}


def test_split_is_the_default_neutral_convention_survey_5_3():
    t = likert_table(_five_point(), codebook=LIKERT5)
    assert t.attrs["cvlib"]["neutral"] == "split"
    assert _extent(t) == pytest.approx((-45.0, 55.0), abs=ATOL)


def test_right_puts_the_whole_neutral_share_right_exact():
    t = likert_table(_five_point(), codebook=LIKERT5, neutral="right")
    assert _extent(t) == pytest.approx((-30.0, 70.0), abs=ATOL)  # 10+20 | 30+25+15
    np.testing.assert_allclose(t["left"], [-30, -20, 0, 30, 55], atol=ATOL)
    np.testing.assert_allclose(t["right"], [-20, 0, 30, 55, 70], atol=ATOL)


def test_exclude_takes_neutral_off_the_diverging_axis_exact():
    t = likert_table(_five_point(), codebook=LIKERT5, neutral="exclude")
    assert _extent(t) == pytest.approx((-30.0, 40.0), abs=ATOL)
    neutral = t[t["side"] == "neutral"].iloc[0]
    assert neutral["pct"] == pytest.approx(30.0, abs=ATOL)  # still a share of valid answers
    assert neutral["left"] == 0.0 and neutral["right"] == 0.0
    assert t["pct"].sum() == pytest.approx(100.0, abs=1e-9)


def test_segments_are_contiguous_and_widths_equal_pct_exact():
    for mode in ("split", "right"):
        t = likert_table(_five_point(), codebook=LIKERT5, neutral=mode)
        np.testing.assert_allclose(t["right"] - t["left"], t["pct"], atol=ATOL)
        np.testing.assert_allclose(t["right"].to_numpy()[:-1], t["left"].to_numpy()[1:], atol=ATOL)


# --- even scales, centre, asymmetric and one-sided items ---------------------------------------


@pytest.fixture(scope="module")
def bfi():
    from cvlib.datasets import load_bfi

    return load_bfi()


def test_even_scale_bfi_a1_centre_between_3_and_4_survey_5_1_counts(bfi):
    cb = {"A1": {"scale": "bfi6"}}
    t = likert_table(bfi, ["A1"], codebook=cb)
    assert list(t["n"]) == [922, 818, 402, 337, 223, 82]  # survey.md §5.1 [computed]
    assert set(t["n_valid"]) == {2784} and set(t["n_missing"]) == {16}
    assert "neutral" not in set(t["side"])
    np.testing.assert_allclose(t["pct"], 100 * np.array([922, 818, 402, 337, 223, 82]) / 2784)
    left, right = _extent(t, "A1")
    assert left == pytest.approx(-100 * (922 + 818 + 402) / 2784, abs=1e-6)
    assert right == pytest.approx(100 * (337 + 223 + 82) / 2784, abs=1e-6)
    assert t.attrs["cvlib"]["center"] == {"A1": 3.5}
    assert t.attrs["cvlib"]["neutral_code"] == {"A1": None}
    assert t.attrs["cvlib"]["missing"] == {"A1": {"system missing": 16}}


def test_even_scale_ignores_the_neutral_option():
    df = pd.DataFrame({"r": [1, 2, 3, 4, 4]})
    cb = {"r": {"scale": "recommend4_zh"}}
    a = likert_table(df, ["r"], codebook=cb, neutral="split")
    b = likert_table(df, ["r"], codebook=cb, neutral="exclude")
    pd.testing.assert_frame_equal(a, b)
    np.testing.assert_allclose(a["left"], [-40, -20, 0, 20], atol=ATOL)


def test_odd_scale_without_neutral_needs_center():
    df = pd.DataFrame({"q": [1, 2, 3, 4, 5]})
    cb = {"q": {"type": "likert", "scale_min": 1, "scale_max": 5}}
    with pytest.raises(CvlibInputError, match=r"odd number of codes.*center=3"):
        likert_table(df, codebook=cb)
    t = likert_table(df, codebook=cb, center=3)
    assert t.attrs["cvlib"]["neutral_code"] == {"q": 3}
    assert _extent(t, "q") == pytest.approx((-50.0, 50.0), abs=ATOL)


def test_center_between_codes_makes_no_neutral():
    df = pd.DataFrame({"q": [1, 2, 3, 4, 5]})
    t = likert_table(df, codebook=LIKERT5 | {"q": {"scale": "likert5"}}, items=["q"], center=3.5)
    assert list(t["side"]) == ["negative"] * 3 + ["positive"] * 2
    assert _extent(t, "q") == pytest.approx((-60.0, 40.0), abs=ATOL)


def test_center_overrides_codebook_neutral_per_item():
    df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 4, 5]})
    cb = {"a": {"scale": "likert5"}, "b": {"scale": "likert5"}}
    t = likert_table(df, codebook=cb, center={"b": 2})
    assert t.attrs["cvlib"]["center"] == {"a": 3, "b": 2}
    assert _extent(t, "a") == pytest.approx((-50.0, 50.0), abs=ATOL)
    assert _extent(t, "b") == pytest.approx((-30.0, 70.0), abs=ATOL)  # 20 + 10 | 10 + 60


def test_asymmetric_label_set_one_negative_three_positive_exact():
    # poor / fair (neutral) / good / very good / excellent: one category below the neutral
    cb = {
        "q": {
            "type": "ordinal",
            "scale_min": 1,
            "scale_max": 5,
            "neutral": 2,
            "labels": {1: "差", 2: "一般", 3: "好", 4: "很好", 5: "极好"},
            "labels_en": {1: "poor", 2: "fair", 3: "good", 4: "very good", 5: "excellent"},
        }
    }
    df = pd.DataFrame({"q": [1, 2, 2, 3, 3, 3, 4, 4, 5, 5]})
    t = likert_table(df, ["q"], codebook=cb)
    assert list(t["side"]) == ["negative", "neutral", "positive", "positive", "positive"]
    assert list(t["label"]) == ["poor", "fair", "good", "very good", "excellent"]
    np.testing.assert_allclose(t["left"], [-20, -10, 10, 40, 60], atol=ATOL)
    np.testing.assert_allclose(t["right"], [-10, 10, 40, 60, 80], atol=ATOL)


def test_anchor_only_labels_fall_back_to_codes():
    # score10_anchored labels only 1, 5 and 10; ten codes: centre 5.5, no neutral
    df = pd.DataFrame({"s": [1, 5, 5, 6, 10]})
    t = likert_table(df, codebook={"s": {"scale": "score10_anchored"}}, lang="zh")
    assert len(t) == 10
    assert list(t["label"])[:5] == ["无法接受", "2", "3", "4", "一般"]
    assert t["label"].iloc[-1] == "非常好"
    assert _extent(t, "s") == pytest.approx((-60.0, 40.0), abs=ATOL)


def test_item_without_negative_answers_has_zero_width_negative_segments():
    t = likert_table(_five_point((0, 0, 2, 4, 4)), codebook=LIKERT5)
    neg = t[t["side"] == "negative"]
    assert list(neg["n"]) == [0, 0]
    np.testing.assert_allclose(neg["right"] - neg["left"], 0.0, atol=ATOL)
    assert _extent(t) == pytest.approx((-10.0, 90.0), abs=ATOL)  # neutral 20 % split


def test_item_without_positive_answers():
    t = likert_table(_five_point((3, 1, 0, 0, 0)), codebook=LIKERT5)
    assert list(t["n"]) == [3, 1, 0, 0, 0]
    np.testing.assert_allclose(t["left"], [-100, -25, 0, 0, 0], atol=ATOL)
    np.testing.assert_allclose(t["right"], [-25, 0, 0, 0, 0], atol=ATOL)
    assert not (t["left"].astype(str).str.startswith("-0")).any()  # no negative zeros


def test_zero_count_codes_are_rows_with_n_zero():
    df = pd.DataFrame({"q": [7, 7, 6, 1]})
    t = likert_table(df, codebook={"q": {"scale": "sat7_zh"}})
    assert list(t["code"]) == [1, 2, 3, 4, 5, 6, 7]
    assert list(t["n"]) == [1, 0, 0, 0, 0, 1, 2]
    assert t["pct"].sum() == pytest.approx(100.0, abs=1e-9)


# --- labels, groups, sorting, missing values ---------------------------------------------------


def test_labels_and_wording_follow_lang():
    cb = {"q1": {"scale": "likert5", "wording": "服务态度", "wording_en": "Staff attitude"}}
    en = likert_table(_five_point(), codebook=cb, lang="en")
    zh = likert_table(_five_point(), codebook=cb, lang="zh")
    assert en["label"].iloc[0] == "strongly disagree" and zh["label"].iloc[0] == "非常不同意"
    assert set(en["wording"]) == {"Staff attitude"} and set(zh["wording"]) == {"服务态度"}


def test_group_facets_percentages_within_each_group():
    df = pd.DataFrame({"q1": [1, 1, 5, 5, 5, 3, 3, 4], "sex": [1, 1, 1, 1, 2, 2, 2, 2]})
    cb = Codebook(
        {
            "q1": {"scale": "likert5"},
            "sex": {"type": "nominal", "labels": {1: ("男", "male"), 2: ("女", "female")}},
        }
    )
    t = likert_table(df, codebook=cb, group="sex")
    assert list(t.columns[:5]) == ["item", "group", "group_label", "code", "label"]
    g1 = t[t["group"] == 1]
    g2 = t[t["group"] == 2]
    np.testing.assert_allclose(g1["pct"], [50, 0, 0, 0, 50], atol=ATOL)
    np.testing.assert_allclose(g2["pct"], [0, 0, 50, 25, 25], atol=ATOL)
    assert set(g1["group_label"]) == {"male"} and set(g2["group_label"]) == {"female"}
    assert _extent(g2) == pytest.approx((-25.0, 75.0), abs=ATOL)
    assert set(t["n_valid"]) == {4}
    assert t.attrs["cvlib"]["group"] == "sex"


def test_group_rows_with_missing_group_are_counted_and_warned():
    df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "g": ["a", "a", None, "b", "b"]})
    with pytest.warns(DataQualityWarning, match="1 row"):
        t = likert_table(df, codebook=LIKERT5, group="g")
    assert t.attrs["cvlib"]["group_missing"] == 1
    assert list(pd.unique(t["group"])) == ["a", "b"]
    assert t["n"].sum() == 4


def test_group_is_opt_in_and_categorical_order_is_kept():
    df = pd.DataFrame(
        {"q1": [1, 2, 3, 4], "g": pd.Categorical(["lo", "hi", "lo", "hi"], ["lo", "hi"])}
    )
    assert "group" not in likert_table(df, ["q1"], codebook=LIKERT5).columns
    t = likert_table(df, codebook=LIKERT5, group="g")
    assert list(pd.unique(t["group"])) == ["lo", "hi"]


def test_sort_orders_items_by_percent_positive():
    df = pd.DataFrame({"low": [1, 1, 2, 5], "high": [5, 5, 4, 1], "mid": [4, 2, 2, 3]})
    cb = {c: {"scale": "likert5"} for c in df}
    unsorted = likert_table(df, codebook=cb)
    assert list(pd.unique(unsorted["item"])) == ["low", "high", "mid"]
    t = likert_table(df, codebook=cb, sort=True)
    assert list(pd.unique(t["item"])) == ["high", "mid", "low"]  # 75 %, 25 %, 25 % (less neg.)
    assert t.attrs["cvlib"]["sort"] is True


def test_declared_missing_codes_are_not_valid_and_keep_their_reason():
    df = pd.DataFrame({"q1": [1, 2, 3, 4, 5, -99, np.nan]})
    cb = {"q1": {"scale": "likert5", "missing_codes": {-99: "refused"}}}
    t = likert_table(df, codebook=cb)
    assert set(t["n_valid"]) == {5} and set(t["n_missing"]) == {2}
    np.testing.assert_allclose(t["pct"], 20.0, atol=ATOL)
    assert t.attrs["cvlib"]["missing"]["q1"] == {"refused": 1, "system missing": 1}


def test_read_result_carries_codebook_and_missing_reasons():
    data = pd.DataFrame({"q1": [1.0, 5.0, np.nan, np.nan]})
    reasons = pd.DataFrame({"q1": [None, None, "refused", None]}, dtype=object)
    result = types.SimpleNamespace(data=data, codebook=Codebook(LIKERT5), missing_reasons=reasons)
    t = likert_table(result)
    assert set(t["n_valid"]) == {2}
    assert t.attrs["cvlib"]["missing"]["q1"] == {"refused": 1, "system missing": 1}


def test_input_is_not_mutated():
    df = pd.DataFrame({"q1": [1, 2, -99], "g": ["a", "b", "a"]})
    before = df.copy()
    likert_table(
        df, codebook={"q1": {"scale": "likert5", "missing_codes": [-99]}}, group="g", sort=True
    )
    pd.testing.assert_frame_equal(df, before)


def test_dtypes_are_float64_percentages_and_integer_counts():
    t = likert_table(_five_point(), codebook=LIKERT5)
    assert t["pct"].dtype == "float64" and t["left"].dtype == "float64"
    assert t["n"].dtype == "int64" and t["code"].dtype == "int64"


# --- errors ------------------------------------------------------------------------------------


def test_out_of_range_value_lists_row_column_value():
    df = pd.DataFrame({"q1": [1, 6, 2.5]}, index=["r1", "r2", "r3"])
    with pytest.raises(CvlibInputError, match=r"row 'r2', column 'q1', value 6\).*value 2\.5"):
        likert_table(df, codebook=LIKERT5)


def test_item_without_codebook_entry_is_refused():
    with pytest.raises(CvlibInputError, match="no codebook entry"):
        likert_table(_five_point())
    with pytest.raises(CvlibInputError, match="'q1' has no codebook entry"):
        likert_table(_five_point(), ["q1"], codebook={"other": {"scale": "likert5"}})


def test_unordered_item_type_is_refused():
    df = pd.DataFrame({"city": [1, 2]})
    cb = {"city": {"type": "nominal", "labels": {1: "北京", 2: "上海"}}}
    with pytest.raises(CvlibInputError, match="type 'nominal'"):
        likert_table(df, ["city"], codebook=cb)


def test_center_outside_the_codes_is_refused():
    with pytest.raises(CvlibInputError, match=r"center=6.*outside"):
        likert_table(_five_point(), codebook=LIKERT5, center=6)
    with pytest.raises(CvlibInputError, match="not among the items"):
        likert_table(_five_point(), codebook=LIKERT5, center={"nope": 3})


def test_neutral_code_not_on_the_scale_is_refused():
    cb = {"q1": {"type": "likert", "scale_min": 1, "scale_max": 5, "neutral": 9}}
    with pytest.raises(CvlibInputError, match="neutral code 9"):
        likert_table(_five_point(), codebook=cb)


def test_bad_options_are_refused():
    with pytest.raises(CvlibInputError, match="neutral='middle'"):
        likert_table(_five_point(), codebook=LIKERT5, neutral="middle")
    with pytest.raises(CvlibInputError, match="lang='fr'"):
        likert_table(_five_point(), codebook=LIKERT5, lang="fr")
    with pytest.raises(CvlibInputError, match="sort="):
        likert_table(_five_point(), codebook=LIKERT5, sort="yes")


def test_item_without_valid_answers_is_refused():
    df = pd.DataFrame({"q1": [np.nan, np.nan]})
    with pytest.raises(CvlibInputError, match="no valid response"):
        likert_table(df, codebook=LIKERT5)
    df = pd.DataFrame({"q1": [1, np.nan], "g": ["a", "b"]})
    with pytest.raises(CvlibInputError, match="no valid response in group 'g' = 'b'"):
        likert_table(df, codebook=LIKERT5, group="g")


def test_text_values_raise_type_error_naming_the_cell():
    df = pd.DataFrame({"q1": ["1", "满意"]})
    with pytest.raises(TypeError, match="'q1'.*满意"):
        likert_table(df, codebook=LIKERT5)


def test_group_errors():
    df = pd.DataFrame({"q1": [1, 2], "g": ["a", "b"]})
    with pytest.raises(KeyError, match="'nope'"):
        likert_table(df, codebook=LIKERT5, group="nope")
    with pytest.raises(CvlibInputError, match="also listed in items"):
        likert_table(df, ["q1", "g"], codebook=LIKERT5, group="g")


def test_warning_free_on_clean_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        likert_table(_five_point(), codebook=LIKERT5)


def test_items_default_to_the_codebook_likert_items_in_the_data():
    df = pd.DataFrame({"id": [1, 2], "q1": [1, 5], "q2": [2, 4], "sex": [1, 2]})
    cb = {
        "q2": {"scale": "likert5"},
        "q1": {"scale": "likert5"},
        "sex": {"type": "nominal", "labels": {1: "男", 2: "女"}},
        "absent": {"scale": "likert5"},
    }
    t = likert_table(df, codebook=cb, group="sex")
    assert list(pd.unique(t["item"])) == ["q2", "q1"]
    with pytest.raises(CvlibInputError, match="pass items="):
        likert_table(df, codebook={"sex": cb["sex"]})

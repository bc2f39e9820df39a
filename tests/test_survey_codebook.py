"""Codebook (编码本) building and validation, .sav metadata, and bin checks (survey.md §1)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cvlib._validation import CvlibInputError
from cvlib.survey import (
    ITEM_TYPES,
    SCALE_PRESETS,
    BinCheck,
    Codebook,
    ItemSpec,
    check_bins,
    scale_preset,
)

pyreadstat = pytest.importorskip("pyreadstat")


# ---- §1.2 presets ---------------------------------------------------------------------------


def test_preset_sat7_zh_source_004_art6():
    cb = Codebook({"q1": {"scale": "sat7_zh"}})
    spec = cb["q1"]
    assert (spec.type, spec.scale_min, spec.scale_max, spec.neutral) == ("likert", 1.0, 7.0, 4)
    assert [spec.label(c) for c in spec.codes] == [
        "很不满意",
        "不满意",
        "不太满意",
        "一般",
        "较满意",
        "满意",
        "很满意",
    ]
    assert spec.label(7, "en") == "very satisfied"


@pytest.mark.parametrize(
    ("preset", "codes"),
    [
        ("sat7_zh", list(range(1, 8))),
        ("score10_anchored", list(range(1, 11))),
        ("score10", list(range(1, 11))),
        ("nps11", list(range(0, 11))),
        ("recommend4_zh", [1, 2, 3, 4]),
        ("yes_no", [0, 1]),
        ("bfi6", list(range(1, 7))),
        ("likert5", list(range(1, 6))),
    ],
)
def test_every_preset_builds_with_its_theoretical_codes_survey_1_2(preset, codes):
    spec = Codebook({"x": {"scale": preset}})["x"]
    assert spec.codes == codes
    assert spec.scale == preset


def test_preset_anchors_and_no_neutral_recommend4_source_004_art9():
    anchored = Codebook({"x": {"scale": "score10_anchored"}})["x"]
    assert anchored.labels == {1: "无法接受", 5: "一般", 10: "非常好"}
    rec = Codebook({"x": {"scale": "recommend4_zh"}})["x"]
    assert rec.neutral is None and rec.label(4) == "一定会"


def test_scale_preset_returns_a_copy_and_rejects_unknown_names():
    copy = scale_preset("sat7_zh")
    copy["labels"][7] = ("changed", "changed")
    assert SCALE_PRESETS["sat7_zh"]["labels"][7][0] == "很满意"
    with pytest.raises(CvlibInputError, match="unknown scale preset 'sat5'"):
        scale_preset("sat5")


def test_explicit_fields_win_over_the_preset():
    spec = Codebook({"x": {"scale": "likert5", "neutral": None, "wording": "题目"}})["x"]
    assert spec.scale_max == 5.0 and spec.wording == "题目"


# ---- building from dicts, rows, frames and files --------------------------------------------


def _rows():
    return [
        {"item": "q1", "type": "likert", "scale_min": 1, "scale_max": 7, "construct": "满意度"},
        {"item": "q2", "type": "likert", "scale_min": 1, "scale_max": 7, "reverse": True},
        {"item": "city", "type": "nominal", "labels": {1: "北京", 2: "上海"}},
    ]


def test_codebook_from_rows_dict_and_frame_agree():
    from_rows = Codebook(_rows())
    from_dict = Codebook({r["item"]: {k: v for k, v in r.items() if k != "item"} for r in _rows()})
    from_frame = Codebook(pd.DataFrame(_rows()))
    for cb in (from_dict, from_frame):
        assert cb.names == from_rows.names
        assert cb["q2"].reverse and cb["city"].labels == {1: "北京", 2: "上海"}
    assert from_rows.constructs == {"满意度": ["q1"]}
    assert from_rows.reverse_keyed == ["q2"]


def test_codebook_read_csv_excel_yaml_sheet_forms(tmp_path):
    sheet = pd.DataFrame(
        {
            "item": ["q1", "q2"],
            "type": ["likert", "nominal"],
            "scale_min": [1, None],
            "scale_max": [7, None],
            "labels": ["7=很满意; 6=满意", "1=是；0=否"],
            "missing_codes": ["-99=拒答", None],
            "missing_ranges": ["97..98=不知道", None],
            "question": ["服务态度", "是否"],
        }
    )
    sheet.to_csv(tmp_path / "cb.csv", index=False, encoding="utf-8-sig")
    sheet.to_excel(tmp_path / "cb.xlsx", index=False)
    (tmp_path / "cb.yaml").write_text(
        "items:\n  q1:\n    scale: sat7_zh\n    missing_codes: {-99: 拒答}\n"
        "    missing_ranges: [{lo: 97, hi: 98, reason: 不知道}]\n"
        "  q2:\n    type: nominal\n    labels: {1: 是, 0: 否}\n",
        encoding="utf-8",
    )
    for name in ("cb.csv", "cb.xlsx", "cb.yaml"):
        cb = Codebook.read(tmp_path / name)
        assert cb["q1"].missing_codes == {-99: "拒答"}
        assert cb["q1"].missing_ranges == ((97.0, 98.0, "不知道"),)
        assert cb["q1"].label(7) == "很满意"
        assert cb["q2"].labels == {1: "是", 0: "否"}
    assert Codebook.read(tmp_path / "cb.csv")["q1"].wording == "服务态度"  # alias question


def test_codebook_read_missing_file_and_bad_suffix(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Codebook.read(tmp_path / "nope.yaml")
    (tmp_path / "cb.json").write_text("{}")
    with pytest.raises(CvlibInputError, match="unsupported suffix '.json'"):
        Codebook.read(tmp_path / "cb.json")


def test_codebook_is_read_only_and_names_unknown_items():
    cb = Codebook(_rows())
    with pytest.raises(TypeError):
        cb["q3"] = None  # type: ignore[index]
    with pytest.raises(KeyError, match="item 'q9' is not in the codebook"):
        cb["q9"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cb["q1"].scale_max = 5  # type: ignore[misc]


def test_subset_with_changes_and_to_frame():
    cb = Codebook(_rows())
    assert cb.subset(["city", "q1"]).names == ["city", "q1"]
    changed = cb.with_changes("q1", wording="新题目")
    assert changed["q1"].wording == "新题目" and cb["q1"].wording is None
    frame = Codebook({"q": {"scale": "sat7_zh", "missing_ranges": [(97, 99, "不知道")]}}).to_frame()
    assert frame.loc["q", "missing_ranges"] == "97..99=不知道"
    assert "7=很满意" in frame.loc["q", "labels"]


def test_item_spec_helpers_label_fallback_and_missing_reason():
    spec = Codebook(
        {
            "q": {
                "scale": "sat7_zh",
                "missing_codes": {-99: "拒答 refused"},
                "missing_ranges": [{"lo": 97, "hi": 99}],
            }
        }
    )["q"]
    assert spec.label(3, "en") == "somewhat dissatisfied"
    assert spec.label(8) == "8"  # no label: the code itself
    assert spec.text("en") == "q"
    assert spec.missing_reason(-99.0) == "拒答 refused"
    assert spec.missing_reason(98) == "user missing 97..99"
    assert spec.missing_reason(7) is None
    assert spec.is_ordered


def test_groups_of_multi_and_rank_items_by_stem_or_construct_survey_1_3():
    cb = Codebook(
        {
            "Q11_A": {"type": "multi"},
            "Q11_B": {"type": "multi"},
            "Q17_A": {"type": "multi", "max_select": 3},
            "golf": {"type": "multi", "construct": "hobby"},
            "swim": {"type": "multi", "construct": "hobby"},
            "Q7_r1": {"type": "rank", "n_ranks": 3},
            "Q7_r2": {"type": "rank", "n_ranks": 3},
            "Q7_r3": {"type": "rank", "n_ranks": 3},
        }
    )
    assert cb.groups("multi") == {
        "Q11": ["Q11_A", "Q11_B"],
        "Q17": ["Q17_A"],
        "hobby": ["golf", "swim"],
    }
    assert cb.groups("rank") == {"Q7": ["Q7_r1", "Q7_r2", "Q7_r3"]}
    with pytest.raises(CvlibInputError, match="use 'multi' or 'rank'"):
        cb.groups("likert")


# ---- §1.1 validation: each rule raises ValueError with a fix ---------------------------------


def test_validation_duplicate_item_survey_1_1():
    rows = _rows() + [{"item": "q1", "type": "text"}]
    with pytest.raises(ValueError, match="lists item 'q1' twice"):
        Codebook(rows)


@pytest.mark.parametrize(("lo", "hi"), [(7, 1), (5, 5)])
def test_validation_scale_min_not_below_scale_max_survey_1_1(lo, hi):
    with pytest.raises(ValueError, match="scale_min .* must be below scale_max"):
        Codebook({"q": {"type": "likert", "scale_min": lo, "scale_max": hi}})


def test_validation_label_outside_scale_not_missing_survey_1_1():
    with pytest.raises(ValueError, match="label code 9 lies outside the scale \\[1, 7\\]"):
        Codebook({"q": {"scale": "sat7_zh", "labels": {9: "不知道"}}})


def test_label_outside_scale_allowed_when_declared_missing_survey_1_1():
    spec = Codebook(
        {
            "q": {
                "scale": "sat7_zh",
                "labels": {-99: "拒答", 98: "不知道"},
                "missing_codes": {-99: "refused"},
                "missing_ranges": "98..99=don't know",
            }
        }
    )["q"]
    assert spec.labels[-99] == "拒答" and spec.labels[98] == "不知道"


def test_validation_reverse_on_non_ordered_type_survey_1_1():
    with pytest.raises(ValueError, match="reverse=True needs an ordered type"):
        Codebook({"q": {"type": "nominal", "reverse": True}})
    assert Codebook({"q": {"scale": "likert5", "reverse": "是"}})["q"].reverse


def test_validation_missing_code_inside_valid_range_survey_1_1():
    with pytest.raises(ValueError, match="missing code\\(s\\) \\[7\\] lie inside the valid range"):
        Codebook({"q": {"scale": "sat7_zh", "missing_codes": {7: "declared"}}})
    cb = Codebook(
        {"q": {"scale": "sat7_zh", "missing_codes": {7: "declared"}}}, allow_inrange_missing=True
    )
    assert cb["q"].missing_codes == {7: "declared"}


def test_validation_missing_range_overlapping_scale():
    with pytest.raises(ValueError, match="missing range\\(s\\) 5..9 overlap the valid range"):
        Codebook({"q": {"scale": "sat7_zh", "missing_ranges": [(5, 9)]}})
    with pytest.raises(ValueError, match="needs lo <= hi"):
        Codebook({"q": {"type": "numeric", "missing_ranges": [(9, 5)]}})
    with pytest.raises(ValueError, match="is not 'lo..hi=reason'"):
        Codebook({"q": {"type": "numeric", "missing_ranges": "98-99=dk"}})


def test_validation_scaled_item_needs_theoretical_ends_survey_1_2():
    # source document 001: "满分10分" without the lowest score; cvlib never guesses it
    with pytest.raises(ValueError, match="has no scale_min/scale_max.*never guesses"):
        Codebook({"q": {"type": "likert", "scale_max": 10}})


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        ({"type": "scale"}, "type 'scale' is not one of"),
        ({"wording": "x"}, "has no 'type'"),
        ({"type": "text", "colour": "red"}, "unknown field\\(s\\) 'colour'"),
        ({"type": "likert", "scale_min": 1, "scale_max": 5, "neutral": 6}, "neutral code 6"),
        ({"type": "likert", "scale_min": 1, "scale_max": 5, "max_select": 2}, "multi' items"),
        ({"type": "multi", "max_select": 0}, "max_select=0 must be a whole number >= 1"),
        ({"type": "multi", "n_ranks": 3}, "n_ranks applies to 'rank' items only"),
    ],
)
def test_validation_other_field_errors(record, fragment):
    with pytest.raises(ValueError, match=fragment):
        Codebook({"q": record})


def test_validation_empty_codebook_and_row_without_item():
    with pytest.raises(ValueError, match="has no items"):
        Codebook([])
    with pytest.raises(ValueError, match="has no 'item'"):
        Codebook([{"type": "text"}])


def test_item_types_are_the_survey_1_1_list():
    assert ITEM_TYPES == (
        "likert",
        "ordinal",
        "nps",
        "binary",
        "nominal",
        "numeric",
        "multi",
        "rank",
        "text",
    )
    assert isinstance(Codebook({"q": {"type": "text"}})["q"], ItemSpec)


# ---- §2.4 codebook from .sav metadata --------------------------------------------------------


def _write_sav(path):
    df = pd.DataFrame(
        {
            "q1": [1.0, 7.0, -99.0, np.nan],
            "q2": [3.0, 98.0, 99.0, 1.0],
            "gender": [1.0, 2.0, 1.0, 2.0],
            "buy": [0.0, 1.0, 1.0, 0.0],
            "age": [23.0, 41.0, 35.0, 60.0],
            "note": ["None", "NA", "", "Neutral"],
            "when": pd.to_datetime(["2024-01-02", "2024-02-03", "2024-03-04", "2024-04-05"]),
        }
    )
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels={"q1": "服务态度", "q2": "环境", "gender": "性别", "note": "意见"},
        variable_value_labels={
            "q1": {-99: "拒答", 1: "很不满意", 7: "很满意"},
            "q2": {98: "不知道", 1: "差", 5: "好"},
            "gender": {1: "男", 2: "女"},
            "buy": {0: "否", 1: "是"},
        },
        missing_ranges={"q1": [-99], "q2": [{"lo": 98, "hi": 99}]},
        variable_measure={
            "q1": "ordinal",
            "q2": "ordinal",
            "gender": "nominal",
            "buy": "nominal",
            "age": "scale",
        },
    )
    return df


def test_codebook_from_sav_metadata_survey_2_4(tmp_path):
    path = tmp_path / "s.sav"
    _write_sav(path)
    cb = Codebook.from_sav(path)
    assert cb.names == ["q1", "q2", "gender", "buy", "age", "note", "when"]
    q1 = cb["q1"]
    assert (q1.type, q1.scale_min, q1.scale_max, q1.wording) == ("ordinal", 1.0, 7.0, "服务态度")
    assert q1.labels == {-99: "拒答", 1: "很不满意", 7: "很满意"}
    assert q1.missing_codes == {-99: "拒答"}  # the reason is the value label
    q2 = cb["q2"]
    assert (q2.scale_min, q2.scale_max) == (1.0, 5.0)
    assert q2.missing_codes == {98: "不知道"}
    assert q2.missing_ranges == ((98.0, 99.0, "user missing 98..99 (SPSS)"),)
    assert q2.missing_reason(99) == "user missing 98..99 (SPSS)"
    assert cb["gender"].type == "nominal" and cb["gender"].labels == {1: "男", 2: "女"}
    assert cb["buy"].type == "binary"
    assert cb["age"].type == "numeric"
    assert cb["note"].type == "text" and cb["note"].wording == "意见"
    assert cb["when"].type == "text"
    # the same through Codebook.read and from the meta object
    assert Codebook.read(path).names == cb.names
    _, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert Codebook.from_sav(meta)["q2"].missing_ranges == q2.missing_ranges


def test_pyreadstat_default_loses_missing_ranges_survey_2_4(tmp_path):
    # the verified behaviour behind user_missing=True (survey.md §2.4)
    path = tmp_path / "s.sav"
    _write_sav(path)
    data, meta = pyreadstat.read_sav(str(path))
    assert meta.missing_ranges == {}
    assert data["q1"].isna().sum() == 2
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert meta.missing_ranges["q2"] == [{"lo": 98.0, "hi": 99.0}]
    assert data["q1"].tolist()[2] == -99.0


def test_from_sav_without_pyreadstat_names_the_spss_extra(tmp_path, monkeypatch):
    import sys

    path = tmp_path / "s.sav"
    _write_sav(path)
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    with pytest.raises(ImportError, match="'spss' extra.*cvlib-crm\\[spss\\]"):
        Codebook.from_sav(path)


# ---- §1.3 check_bins: the required cases from source document 004 ----------------------------


def test_check_bins_age_gap_36_source_004_art4():
    bins = [
        ("18–25", 18, 25),
        ("26–35", 26, 35),
        ("37–45", 37, 45),
        ("46–55", 46, 55),
        ("56+", 56, None),
    ]
    r = check_bins(bins, domain="integer")
    assert not r.ok and (r.n_gaps, r.n_overlaps) == (1, 0)
    gap = r.problems.iloc[0]
    assert (gap["kind"], gap["interval"], gap["example"]) == ("gap", "(35, 37)", 36.0)
    assert gap["bins"] == ("26–35", "37–45")
    assert "e.g. 36" in gap["message"]


def test_check_bins_area_non_integer_gap_10_11_source_004_art4():
    bins = [
        ("10㎡以下", None, 10),
        ("11–30㎡", 11, 30),
        ("31–50㎡", 31, 50),
        ("51㎡以上", 51, None),
    ]
    r = check_bins(bins)  # area is continuous
    assert not r.ok
    assert r.problems["interval"].tolist() == ["(10, 11)", "(30, 31)", "(50, 51)"]
    assert r.problems["example"].tolist() == [10.5, 30.5, 50.5]
    # read as whole numbers there would be no gap: the domain is a stated convention
    assert check_bins(bins, domain="integer").ok


def test_check_bins_rent_gap_and_shared_boundaries_source_004_art4():
    bins = [("1500以下", None, 1500)]
    bins += [(f"{a}–{a + 500}", a, a + 500) for a in range(1500, 4000, 500)]
    bins += [("5000以上", 5000, None)]
    r = check_bins(bins)
    overlaps = r.problems[r.problems["kind"] == "overlap"]
    assert overlaps["example"].tolist() == [1500.0, 2000.0, 2500.0, 3000.0, 3500.0]
    gaps = r.problems[r.problems["kind"] == "gap"]
    assert gaps["interval"].tolist() == ["(4000, 5000)"]
    assert (r.n_gaps, r.n_overlaps) == (1, 5)


def test_check_bins_lease_overlapping_boundaries_source_004_art4():
    bins = [
        ("1年", None, 1),
        ("1–2年", 1, 2),
        ("2–3年", 2, 3),
        ("3–5年", 3, 5),
        ("5年以上", 5, None),
    ]
    r = check_bins(bins)
    assert r.n_overlaps == 4 and r.n_gaps == 0
    assert r.problems["example"].tolist() == [1.0, 2.0, 3.0, 5.0]
    assert "the boundary 1 falls in both '1年' and '1–2年'" in r.problems["message"].iloc[0]


def _art9_ages():
    bins = [("18–25", 18, 25)] + [(f"{a}–{a + 4}", a, a + 4) for a in range(26, 66, 5)]
    return bins + [("66岁及以上", 66, None), ("拒答", None, None)]


def test_check_bins_valid_art9_ages_with_refused_declared_missing_source_004_art9():
    r = check_bins(_art9_ages(), domain="integer", missing=["拒答"])
    assert r.ok and r.problems.empty
    assert r.bins.set_index("label").loc["拒答", "missing"]
    assert len(r.bins) == 11
    # a codebook's missing codes work as the declaration too
    assert check_bins(_art9_ages(), domain="integer", missing={99: "拒答"}).ok


def test_check_bins_refused_not_declared_is_flagged():
    r = check_bins(_art9_ages(), domain="integer")
    assert not r.ok
    assert r.problems["kind"].tolist() == ["no interval"]
    assert "missing=['拒答']" in r.problems["message"].iloc[0]


def test_check_bins_closed_sides_half_open_bins_are_clean():
    bins = [("<18", None, 18, "left"), ("18–30", 18, 30, "left"), ("30+", 30, None, "left")]
    assert check_bins(bins).ok
    # the same edges closed on both sides overlap at 18 and 30
    assert check_bins([(b[0], b[1], b[2]) for b in bins]).n_overlaps == 2
    # open on both sides: 18 and 30 fall in no bin
    r = check_bins(bins, closed="neither")  # the 4th element wins over closed=
    assert r.ok
    r = check_bins([(b[0], b[1], b[2]) for b in bins], closed="()")
    assert r.problems["interval"].tolist() == ["[18, 18]", "[30, 30]"]


def test_check_bins_lower_and_upper_coverage():
    r = check_bins([("18–25", 18, 25), ("26–35", 26, 35)], domain="integer", lower=16, upper=40)
    assert r.problems["interval"].tolist() == ["[16, 18)", "(35, 40]"]
    assert r.problems["example"].tolist() == [16.0, 36.0]


def test_check_bins_dict_and_frame_input_lang_zh_and_summary():
    frame = pd.DataFrame(
        {"label": ["a", "b"], "lo": [0, 12], "hi": [10, 20], "closed": ["both", None]}
    )
    r = check_bins(frame, lang="zh")
    assert r.problems["message"].iloc[0].startswith("缺口：(10, 12)")
    r2 = check_bins(frame.to_dict("records"))
    assert r2.problems["interval"].tolist() == ["(10, 12)"]
    summary = r2.summary()
    assert "gap: values in (10, 12)" in summary.loc["a", "problems"]
    assert isinstance(r2, BinCheck) and "n_gaps=1" in repr(r2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r2.ok = True  # type: ignore[misc]


@pytest.mark.parametrize(
    ("bins", "kwargs", "fragment"),
    [
        ([("a", 5, 1)], {}, "lo=5 is above hi=1"),
        ([("a", 0, 1, "open")], {}, "closed='open' is not valid"),
        ([("a", 0, 1), ("a", 2, 3)], {}, "occur more than once"),
        ([("拒答", 0, 1)], {"missing": ["拒答"]}, "declared missing but has an interval"),
        ([("a", "x", 1)], {}, "lo='x' is not a number"),
        ([("a", 0)], {}, "must be \\(label, lo, hi\\[, closed\\]\\)"),
        ([], {}, "bins is empty"),
        ([("a", 0, 1)], {"domain": "ordinal"}, "use 'continuous' or 'integer'"),
    ],
)
def test_check_bins_bad_input(bins, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        check_bins(bins, **kwargs)

"""Segment rule engine, presets, validator and cn8 (methods/rfm.md §8, §9): F11, F16-F22."""

from __future__ import annotations

import doctest
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml
from rfm_helpers import ID, cdnow_customers, frame_of, quiet_score

from cvlib._warnings import RuleTableWarning
from cvlib.datasets import load_cdnow
from cvlib.rfm import (
    PRESETS,
    RuleReport,
    RuleTable,
    SegmentedResult,
    cn8,
    load_rules,
    segment,
    segment_summary,
    validate_rules,
)
from cvlib.rfm import _rules as rules_module

CN8_ZH = (
    "重要价值客户",
    "重要发展客户",
    "重要保持客户",
    "重要挽留客户",
    "一般价值客户",
    "一般发展客户",
    "一般保持客户",
    "一般挽留客户",
)


# ------------------------------------------------------------------------------------------
# fixtures: the CDNOW customer table of rfm.md §19 (grain row, analysis date 1998-07-01)


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return load_cdnow()


@pytest.fixture(scope="module")
def cdnow(tx):
    return cdnow_customers(tx)


@pytest.fixture(scope="module")
def scored5(cdnow):
    return quiet_score(cdnow)


@pytest.fixture(scope="module")
def scored4(cdnow):
    return quiet_score(cdnow, bins=4)


def seg_counts(result: SegmentedResult, column: str = "segment") -> dict[str, int]:
    return {str(k): int(v) for k, v in result.table[column].value_counts(sort=False).items()}


# ------------------------------------------------------------------------------------------
# F16-F19: the validator on the presets


def test_validator_r_rfm_0_3_f16():
    rep = validate_rules("r_rfm_0_3")
    assert isinstance(rep, RuleReport)
    assert rep.n_codes == 125
    assert rep.uncovered_codes == (
        "215",
        "241",
        "251",
        "252",
        "341",
        "351",
        "441",
        "451",
        "541",
        "551",
    )
    assert len(rep.overlapping_codes) == 58
    assert rep.unreachable_segments == ()
    assert rep.codes_per_segment == {
        "Champions": 1,
        "Potential Loyalist": 35,
        "Loyal Customers": 15,
        "Promising": 8,
        "New Customers": 15,
        "Can't Lose Them": 6,
        "At Risk": 7,
        "Need Attention": 4,
        "About To Sleep": 10,
        "Lost": 14,
        "Others": 10,
    }
    assert rep.lookup["555"] == "Champions" and rep.lookup["215"] == "Others"
    # overlaps list the matching rules in order; the first wins
    assert rep.overlapping_codes["555"][0] == "Champions"
    assert rep.overlapping_codes["555"][1] == "Potential Loyalist"
    assert not rep.is_partition


def test_validator_rfm_pkg_1_0_9_f17():
    rep = validate_rules("rfm_pkg_1_0_9")
    assert rep.uncovered_codes == ()
    assert len(rep.overlapping_codes) == 44
    assert rep.unreachable_segments == ()
    won = rep.codes_per_segment
    assert won == {
        "Champions": 8,
        "Promising": 12,
        "Loyal Accounts": 19,
        "Potential Loyalist": 8,
        "New Active Accounts": 2,
        "Low Spenders": 22,
        "Need Attention": 7,
        "About to Sleep": 7,
        "At Risk": 24,
        "Lost": 16,
        "Other": 0,
    }


def test_validator_pymc_rf_grid_cn8_f18():
    pymc = validate_rules("pymc_marketing")
    assert pymc.n_codes == 64 and len(pymc.uncovered_codes) == 18
    assert set(pymc.uncovered_codes) == set(
        "121 131 141 142 213 221 231 241 242 321 331 341 342 421 431 432 441 442".split()
    )
    assert pymc.overlapping_codes == {} and pymc.unreachable_segments == ()
    assert pymc.lookup["411"] == "Inactive Customer"  # reproduced as published
    grid = validate_rules("rf_grid")
    assert grid.is_partition and grid.n_codes == 25
    assert [grid.codes_per_segment[s] for s in PRESETS["rf_grid"].segments] == [
        4,
        4,
        2,
        2,
        1,
        4,
        1,
        1,
        4,
        2,
    ]
    eight = validate_rules("cn8")
    assert eight.is_partition and eight.n_codes == 8


def test_validator_r_rfm_0_2_2_reports_what_it_finds_f19():
    rep = validate_rules("r_rfm_0_2_2")
    assert rep.n_codes == 125
    # worked out on the grid: 36 codes fall through, 39 overlap, and three rules are shadowed
    assert len(rep.uncovered_codes) == 36 and "115" in rep.uncovered_codes
    assert len(rep.overlapping_codes) == 39
    assert rep.unreachable_segments == ("New Customers", "Promising", "Can't Lose Them")
    assert rep.unreachable_rules == (4, 5, 9)
    assert sum(rep.codes_per_segment.values()) == 125
    summary = rep.summary()
    assert summary.loc[4, "codes_won"] == 0 and summary.loc[4, "codes_matched"] == 2
    assert "unreachable New Customers" in rep.text()


def test_presets_have_source_version_and_are_read_only():
    assert list(PRESETS) == [
        "r_rfm_0_3",
        "r_rfm_0_2_2",
        "rf_grid",
        "pymc_marketing",
        "rfm_pkg_1_0_9",
        "cn8",
    ]
    for name, table in PRESETS.items():
        assert isinstance(table, RuleTable) and table.name == name
        assert table.source and table.version
    assert {n: t.bins for n, t in PRESETS.items()} == {
        "r_rfm_0_3": 5,
        "r_rfm_0_2_2": 5,
        "rf_grid": 5,
        "pymc_marketing": 4,
        "rfm_pkg_1_0_9": 5,
        "cn8": 2,
    }
    assert PRESETS["rf_grid"].dims == ("R", "F") and PRESETS["rf_grid"].segments[1] == "at_Risk"
    with pytest.raises(TypeError):
        PRESETS["mine"] = PRESETS["cn8"]
    assert PRESETS["cn8"].has_zh and not PRESETS["r_rfm_0_3"].has_zh


# ------------------------------------------------------------------------------------------
# F20: segments on CDNOW


def test_segments_r_rfm_0_3_cdnow_f20(scored5):
    s = segment(scored5, "r_rfm_0_3")
    assert seg_counts(s) == {
        "Champions": 2360,
        "Potential Loyalist": 8430,
        "Loyal Customers": 488,
        "Promising": 989,
        "New Customers": 9,
        "Can't Lose Them": 186,
        "At Risk": 11,
        "Need Attention": 112,
        "About To Sleep": 6632,
        "Lost": 4302,
        "Others": 51,
    }
    assert list(s.counts.index) == [*PRESETS["r_rfm_0_3"].segments, "Others"]


def test_segments_rfm_pkg_rf_grid_pymc_cdnow_f20(scored5, scored4):
    assert seg_counts(segment(scored5, "rfm_pkg_1_0_9")) == {
        "Champions": 6321,
        "Promising": 0,
        "Loyal Accounts": 3629,
        "Potential Loyalist": 810,
        "New Active Accounts": 0,
        "Low Spenders": 2534,
        "Need Attention": 709,
        "About to Sleep": 4467,
        "At Risk": 1950,
        "Lost": 3150,
    }
    assert seg_counts(segment(scored5, "rf_grid")) == {
        "hibernating": 8430,
        "at_Risk": 846,
        "cant_loose": 11,
        "about_to_sleep": 3478,
        "need_attention": 968,
        "loyal_customers": 3309,
        "promising": 0,
        "new_customers": 0,
        "potential_loyalists": 2377,
        "champions": 4151,
    }
    assert seg_counts(segment(scored4, "pymc_marketing")) == {
        "Premium Customer": 8866,
        "Repeat Customer": 1814,
        "Top Spender": 486,
        "At Risk Customer": 2402,
        "Inactive Customer": 8655,
        "Other": 1347,
    }


def test_presets_read_canonical_scores_whatever_the_display_scale(cdnow, scored5):
    one_best = quiet_score(cdnow, scale="1-best")
    a = segment(scored5, "r_rfm_0_3").table["segment"]
    b = segment(one_best, "r_rfm_0_3").table["segment"]
    assert a.equals(b)
    assert (
        "converted back" in segment(one_best, "r_rfm_0_3").card.section("segments")["scores read"]
    )


def test_lookup_matches_a_direct_rule_evaluation(scored5):
    """The vectorised lookup equals evaluating the rules customer by customer (small sample)."""
    s = segment(scored5, "r_rfm_0_3")
    sample = s.table.sample(300, random_state=1)
    table = PRESETS["r_rfm_0_3"]
    for _, row in sample.iterrows():
        scores = {"R": row["r_score"], "F": row["f_score"], "M": row["m_score"]}
        expected = table.default
        for rule in table.rules:
            if all(lo <= scores[d] <= hi for d, lo, hi in rule.ranges):
                expected = rule.segment
                break
        assert row["segment"] == expected


# ------------------------------------------------------------------------------------------
# F21, F22: cn8


def f21_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": list("ABCDEFGH"),
            "recency_days": [5, 5, 300, 300, 5, 5, 300, 300],
            "frequency": [10, 1, 10, 1, 10, 1, 10, 1],
            "monetary": [1000.0, 1000.0, 1000.0, 1000.0, 10.0, 10.0, 10.0, 10.0],
        }
    )


@pytest.mark.parametrize("split", ["mean", "median"])
def test_cn8_recency_direction_synthetic_f21(split):
    result = cn8(f21_table(), customer="name", split=split)
    assert result.table["segment_zh"].tolist() == list(CN8_ZH)
    assert result.table.loc[2, "segment_zh"] != "重要价值客户"  # C: least recent, high F and M
    assert result.table.loc[2, "segment"] == "Important retention"
    # the same through segment() on a scored result with any bins
    scored = quiet_score(f21_table(), customer="name", bins=3)
    via = segment(scored, preset="cn8", split=split, lang="both")
    assert via.table["segment_zh"].tolist() == list(CN8_ZH)


def test_cn8_mean_split_cdnow_f22(cdnow, scored5):
    expected = {
        "一般挽留客户": 13608,
        "重要价值客户": 4617,
        "一般价值客户": 1974,
        "一般发展客户": 1532,
        "重要挽留客户": 579,
        "一般保持客户": 543,
        "重要保持客户": 449,
        "重要发展客户": 268,
    }
    result = cn8(cdnow, **ID)
    assert seg_counts(result, "segment_zh") == {k: expected[k] for k in CN8_ZH}
    np.testing.assert_allclose(
        [result.centres[d] for d in "RFM"], [368.2216, 2.9554, 106.0804], atol=1e-4
    )
    # issue: segment(scored, preset="cn8") is the mean split of the raw values whatever the bins
    for scored in (scored5, quiet_score(cdnow, bins=3, ties="first")):
        via = segment(scored, preset="cn8", lang="zh")
        assert seg_counts(via, "segment_zh") == seg_counts(result, "segment_zh")
    section = result.card.section("segments")
    assert section["split"].startswith("mean of the raw values")
    assert set(section["centres"]) == {"R", "F", "M"}


def test_cn8_median_split_cdnow_f22(cdnow):
    result = cn8(cdnow, split="median", **ID)
    assert result.centres == {"R": 472.0, "F": 1.0, "M": pytest.approx(43.395, abs=1e-9)}
    assert seg_counts(result, "segment_zh") == {
        "重要价值客户": 8849,
        "重要发展客户": 214,
        "重要保持客户": 774,
        "重要挽留客户": 1948,
        "一般价值客户": 1548,
        "一般发展客户": 1007,
        "一般保持客户": 491,
        "一般挽留客户": 8739,
    }
    at_centre = result.table["recency_days"] == 472
    assert int(at_centre.sum()) == 178
    assert (result.levels.loc[at_centre.to_numpy(), "R"] == 1).all()  # not recent


def test_cn8_score_splits(scored5):
    by_score = cn8(scored5, split=("score", 4))
    canon = scored5.canonical_scores()
    high = (canon >= 4).astype(int) + 1
    assert (by_score.levels.to_numpy() == high.to_numpy()).all()
    by_mean = cn8(scored5, split=("score_mean",))
    assert by_mean.card.section("segments")["split"].startswith("from the scores")
    np.testing.assert_allclose(by_mean.centres["F"], canon["F"].astype(float).mean(), rtol=1e-12)
    with pytest.raises(TypeError, match="reads the scores"):
        cn8(f21_table(), customer="name", split=("score", 2))
    with pytest.raises(ValueError, match="above the scoring's bins=5"):
        cn8(scored5, split=("score", 6))
    with pytest.raises(ValueError, match="not a split rule"):
        cn8(scored5, split="mode")


def test_cn8_labels_by_lang(cdnow):
    en = cn8(cdnow, lang="en", **ID)
    assert "segment_zh" not in en.table.columns
    assert en.table["segment"].iloc[0] == "General win-back"
    both = segment_summary(cn8(cdnow, lang="both", **ID))
    assert both.index[0] == "Important value" and both["segment_zh"].iloc[0] == "重要价值客户"
    zh = segment_summary(cn8(cdnow, lang="zh", **ID))
    assert list(zh.index) == list(CN8_ZH)


# ------------------------------------------------------------------------------------------
# F11: early data never raises


def test_early_cdnow_every_preset_and_cn8_never_raise_f11(tx):
    early = cdnow_customers(tx[tx["date"] <= "1997-03-31"])
    n = len(frame_of(early))
    for name, table in PRESETS.items():
        scored = quiet_score(early, bins=table.bins)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = segment(scored, name)
        assert int(result.counts.sum()) == n
        # presets only warn about segments that can never be assigned (r_rfm_0_2_2 has three)
        assert len(caught) == (1 if name == "r_rfm_0_2_2" else 0)
    for split in ("mean", "median"):
        assert int(cn8(early, split=split, **ID).counts.sum()) == n
    for bins, ties in itertools.product((2, 5, 9), ("keep", "first", "random", "dense")):
        assert int(segment(quiet_score(early, bins=bins, ties=ties), "cn8").counts.sum()) == n


# ------------------------------------------------------------------------------------------
# reserved segments and the summary


def small_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f"],
            "recency_days": pd.array([10, 40, 200, 400, 30, pd.NA], dtype="Int64"),
            "frequency": [5, 2, 1, 1, 3, 0],
            "monetary": [500.0, 80.0, 15.0, -5.0, 90.0, -20.0],
        }
    )


def test_reserved_segments():
    flagged = segment(quiet_score(small_table(), customer="id"), "r_rfm_0_3")
    assert flagged.table.loc[5, "segment"] == "No purchase in window"
    assert flagged.table.loc[3, "segment"] != "Non-positive spend"
    sep = segment(quiet_score(small_table(), customer="id", nonpositive="separate"), "rf_grid")
    assert sep.table.loc[3, "segment"] == "Non-positive spend"
    assert sep.table.loc[5, "segment"] == "No purchase in window"
    assert list(sep.counts.index[-2:]) == ["No purchase in window", "Non-positive spend"]
    assert sep.card.section("segments")["reserved"] == {
        "No purchase in window": 1,
        "Non-positive spend": 1,
    }
    eight = cn8(quiet_score(small_table(), customer="id", nonpositive="separate"), lang="zh")
    assert eight.table.loc[3, "segment_zh"] == "净消费额≤0"
    assert eight.table.loc[5, "segment_zh"] == "窗口内无购买"


def test_segment_summary_columns_order_and_totals(scored5, cdnow):
    s = segment(scored5, "r_rfm_0_3")
    summary = segment_summary(s)
    assert list(summary.columns) == [
        "customers",
        "customer_share",
        "orders",
        "revenue",
        "revenue_share",
        "aov",
        "recency_days_median",
        "frequency_median",
        "monetary_median",
    ]
    assert list(summary.index) == [*PRESETS["r_rfm_0_3"].segments, "Others"]
    t = frame_of(cdnow)
    assert int(summary["customers"].sum()) == len(t)
    assert int(summary["orders"].sum()) == int(t["frequency"].sum())
    np.testing.assert_allclose(summary["revenue"].sum(), 2_500_315.63, rtol=1e-9)
    np.testing.assert_allclose(summary["customer_share"].sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(summary["revenue_share"].sum(), 1.0, rtol=1e-12)
    champions = t.loc[(s.table["segment"] == "Champions").to_numpy()]
    assert summary.loc["Champions", "aov"] == pytest.approx(
        champions["monetary"].sum() / champions["frequency"].sum(), rel=1e-12
    )
    assert summary.loc["Champions", "monetary_median"] == champions["monetary"].median()
    empty = segment_summary(segment(scored5, "rfm_pkg_1_0_9")).loc["Promising"]
    assert empty["customers"] == 0 and np.isnan(empty["aov"])
    assert s.summary().equals(summary)
    with pytest.raises(TypeError, match="segment"):
        segment_summary(scored5)


def test_segment_card_and_result(scored5):
    s = segment(scored5, "r_rfm_0_3")
    section = s.card.section("segments")
    assert section["rule table"] == "r_rfm_0_3" and section["version"] == "0.3.0"
    assert section["validator"].startswith("125 codes · uncovered 10 · overlapping 58")
    assert section["customers per segment"]["Others"] == 51
    assert section["codes per segment"]["Potential Loyalist"] == 35
    assert len(section["overlapping codes"]) == 58
    assert s.card.section_names[-2:] == ["scoring", "segments"]
    assert "cvlib definition card" in repr(s)
    assert isinstance(s.table["segment"].dtype, pd.CategoricalDtype)
    lang_zh = segment(scored5, "r_rfm_0_3", lang="zh")
    assert "segment_zh" not in lang_zh.table.columns
    assert "no Chinese labels" in lang_zh.card.section("segments")["labels"]


def test_input_is_never_modified(scored5, cdnow):
    table = frame_of(cdnow)
    before = table.copy(deep=True)
    scored_before = scored5.table
    segment(scored5, "r_rfm_0_3")
    cn8(table, **ID)
    cn8(scored5, split="median")
    pd.testing.assert_frame_equal(table, before)
    pd.testing.assert_frame_equal(scored5.table, scored_before)
    assert "segment" not in scored5.table.columns


# ------------------------------------------------------------------------------------------
# rule tables: loading and load-time validation


def custom_dict(**changes) -> dict:
    base = {
        "name": "custom",
        "dims": ["R", "F"],
        "bins": 3,
        "rules": [
            {"segment": "Best", "R": [3, 3], "F": [3, 3]},
            {"segment": "Recent", "R": [2, 3]},
            {"segment": "Loyal", "F": [3, 3]},
        ],
    }
    base.update(changes)
    return base


def test_rule_forms_ranges_codes_pattern_agree():
    ranges = load_rules(custom_dict(rules=[{"segment": "low", "R": [1, 2], "F": [1, 2]}]))
    codes = load_rules(custom_dict(rules=[{"segment": "low", "codes": [11, "12", "21", "22"]}]))
    pattern = load_rules(custom_dict(rules=[{"segment": "low", "pattern": "[1-2][1-2]"}]))
    lookups = [validate_rules(t).lookup for t in (ranges, codes, pattern)]
    assert lookups[0].equals(lookups[1]) and lookups[0].equals(lookups[2])
    assert (lookups[0] == "low").sum() == 4 and (lookups[0] == "Other").sum() == 5


def test_load_rules_from_yaml_file_dict_and_table(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(custom_dict(), allow_unicode=True), encoding="utf-8")
    from_file = load_rules(path)
    from_str = load_rules(str(path))
    from_dict = load_rules(custom_dict())
    assert from_file == from_str == from_dict
    assert load_rules(from_dict) is from_dict
    assert load_rules(from_dict.to_dict()) == from_dict
    assert load_rules("cn8") is PRESETS["cn8"]
    assert load_rules(PRESETS["r_rfm_0_3"].to_dict()) == PRESETS["r_rfm_0_3"]
    with pytest.raises(FileNotFoundError, match="nope.yaml"):
        load_rules(tmp_path / "nope.yaml")
    with pytest.raises(ValueError, match="unknown preset 'r_rfm'"):
        load_rules("r_rfm")


def test_a_table_without_bins_needs_bins():
    d = custom_dict()
    del d["bins"]
    with pytest.raises(ValueError, match="add bins"):
        load_rules(d)
    assert load_rules(d, bins=3).bins == 3
    assert validate_rules(d, bins=4).n_codes == 16


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"rules": [{"segment": "x", "M": [1, 2]}]}, "unknown dimension 'M'"),
        ({"dims": ["R", "X"]}, "unknown dimension 'X'"),
        ({"rules": [{"segment": "x", "R": [3, 1]}]}, "min > max"),
        ({"rules": [{"segment": "x", "R": [0, 2]}]}, "outside the scores 1…3"),
        ({"rules": [{"segment": "x", "R": [1, 4]}]}, "outside the scores 1…3"),
        ({"rules": [{"segment": "x", "R": 2}]}, "must be \\[min, max\\]"),
        ({"rules": [{"segment": "x", "codes": ["123"]}]}, "code '123' is not a code"),
        ({"rules": [{"segment": "x", "codes": ["14"]}]}, "each from 1 to 3"),
        ({"rules": [{"segment": "x", "codes": "11"}]}, "codes must be a list"),
        ({"rules": [{"segment": "x", "pattern": "[1-"}]}, "not a valid regular expression"),
        (
            {"rules": [{"segment": "x", "R": [1, 1], "codes": ["11"]}]},
            "one rule form only",
        ),
        (
            {
                "rules": [
                    {"segment": "x", "label_zh": "甲", "R": [1, 1]},
                    {"segment": "x", "label_zh": "乙", "R": [2, 2]},
                ]
            },
            "different Chinese label",
        ),
        ({"rules": [{"segment": "x", "colour": "red"}]}, "unknown key 'colour'"),
        ({"rules": [{"R": [1, 1]}]}, "no segment name"),
        ({"rules": []}, "non-empty"),
        ({"match": "all"}, "match='all' is not supported"),
        ({"bins": 12}, "outside 2…9"),
        ({"colour": "red"}, "unknown key"),
        ({"rules": [{"segment": "No purchase in window"}]}, "reserved segment"),
        ({"split": "mean"}, "needs bins: 2"),
    ],
)
def test_load_time_validation(change, match):
    with pytest.raises(ValueError, match=match):
        load_rules(custom_dict(**change))


def test_same_segment_in_two_rules_is_allowed_with_one_label():
    t = load_rules(
        custom_dict(
            rules=[
                {"segment": "x", "label_zh": "甲", "R": [1, 1]},
                {"segment": "x", "R": [2, 2]},
                {"segment": "y"},
            ]
        )
    )
    rep = validate_rules(t)
    assert rep.codes_per_segment == {"x": 6, "y": 3, "Other": 0}
    assert t.segments == ("x", "y")


# ------------------------------------------------------------------------------------------
# bad rule tables in segment(): gaps, overlaps, unreachable segments


def test_rule_table_with_gaps_and_overlaps_is_reported_and_warned():
    scored = quiet_score(
        pd.DataFrame(
            {
                "id": range(9),
                "recency_days": [1, 2, 3, 10, 20, 30, 100, 200, 300],
                "frequency": [1, 5, 9, 1, 5, 9, 1, 5, 9],
                "monetary": [1.0] * 9,
            }
        ),
        customer="id",
        bins=3,
    )
    rep = validate_rules(custom_dict())
    assert rep.uncovered_codes == ("11", "12")
    assert rep.overlapping_codes == {
        "23": ("Recent", "Loyal"),
        "33": ("Best", "Recent", "Loyal"),
    }
    assert rep.unreachable_segments == () and not rep.is_partition
    with pytest.warns(RuleTableWarning, match="2 codes match no rule .* 2 codes match two"):
        result = segment(scored, custom_dict())
    assert result.card.section("segments")["uncovered codes"] == ["11", "12"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        segment(scored, custom_dict(), validate="off")
        segment(quiet_score(f21_table(), customer="name", bins=5), "r_rfm_0_3")  # presets: card


def test_unreachable_segment_warns_or_raises():
    shadowed = custom_dict(
        rules=[{"segment": "All", "R": [1, 3]}, {"segment": "Never", "R": [3, 3], "F": [3, 3]}]
    )
    scored = quiet_score(f21_table(), customer="name", bins=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        segment(scored, shadowed)
    messages = [str(w.message) for w in caught if w.category is RuleTableWarning]
    assert any("'Never' can never be assigned (rule #2 wins no code" in m for m in messages)
    assert any("1 code matches two or more rules" in m for m in messages)
    with pytest.raises(ValueError, match="'Never' can never be assigned"):
        segment(scored, shadowed, validate="raise")
    result = segment(scored, shadowed, validate="off")
    assert result.card.section("segments")["unreachable segments"] == ["Never"]
    assert validate_rules(shadowed).unreachable_rules == (2,)


def test_segment_bad_arguments(scored5, scored4, cdnow):
    with pytest.raises(ValueError, match="bins=4; score with score\\(..., bins=5\\)"):
        segment(scored4, "r_rfm_0_3")
    with pytest.raises(ValueError, match="split= applies to split tables"):
        segment(scored5, "r_rfm_0_3", split="median")
    with pytest.raises(TypeError, match="score first"):
        segment(frame_of(cdnow), "r_rfm_0_3")
    with pytest.raises(ValueError, match="lang='fr'"):
        segment(scored5, "r_rfm_0_3", lang="fr")
    with pytest.raises(ValueError, match="validate='strict'"):
        segment(scored5, "r_rfm_0_3", validate="strict")
    with pytest.raises(ValueError, match="unknown preset"):
        segment(scored5, "champions")
    with pytest.raises(TypeError, match="customer="):
        cn8(frame_of(cdnow))


def test_docstring_examples_run():
    result = doctest.testmod(rules_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0

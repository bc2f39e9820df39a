"""Hierarchies: global weights, alternatives, combined consistency (methods/ahp.md §6, §7, §15)."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from cvlib._validation import CvlibInputError
from cvlib.ahp import (
    AHPInputError,
    AHPResult,
    HierarchyError,
    InconsistencyWarning,
    MissingJudgmentError,
    NormalizationWarning,
    ReciprocityError,
    ReciprocityWarning,
    hierarchy,
    weights,
)

pytestmark = pytest.mark.filterwarnings("ignore::cvlib.ahp.InconsistencyWarning")

COMPUTED = 1e-6
PUBLISHED = 5e-4

# ---- §15.6 lubricant company (润滑油公司算例), reconstruction ------------------------------------

LUBRICANT = {
    "客户价值": {
        "children": ["当前价值", "潜在价值"],
        "matrix": [[1, 2], ["1/2", 1]],
        "label_en": "customer value",
    },
    "当前价值": {
        "children": ["总利润", "销售量"],
        "matrix": [[1, 4], ["1/4", 1]],
        "label_en": "current value",
    },
    "潜在价值": {
        "children": ["忠诚度", "信用"],
        "matrix": [[1, 3], ["1/3", 1]],
        "label_en": "potential value",
    },
    "总利润": {
        "children": ["TP1", "TP2", "TP3", "TP4"],
        "matrix": [[1, 4, 5, 6], ["1/4", 1, 2, 2], ["1/5", "1/2", 1, 2], ["1/6", "1/2", "1/2", 1]],
    },
    "销售量": {"children": ["SV1", "SV2", "SV3"], "matrix": ["1/2", "1/3", "1/2"]},
    "忠诚度": {"children": ["LO1", "LO2"], "pairs": [["LO1", "LO2", 4]]},
    "信用": {
        "children": ["CR1", "CR2", "CR3"],
        "matrix": {("CR1", "CR2"): 3, ("CR1", "CR3"): 2, ("CR3", "CR2"): 3},
    },
}
LEAVES = ["TP1", "TP2", "TP3", "TP4", "SV1", "SV2", "SV3", "LO1", "LO2", "CR1", "CR2", "CR3"]
SEED_COMPOSITE = [
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
]
RECONSTRUCTED = [
    0.325065,
    0.098214,
    0.065680,
    0.044373,
    0.021790,
    0.039595,
    0.071949,
    0.200000,
    0.050000,
    0.043986,
    0.011637,
    0.027710,
]

TABLE_COLUMNS = [
    "node_id",
    "label",
    "parent_id",
    "level",
    "is_leaf",
    "local_weight",
    "global_weight",
    "n_children",
    "source",
    "method",
    "lambda_max",
    "lambda_estimator",
    "ci",
    "ri",
    "ri_table",
    "cr",
    "gci",
    "verdict",
]


def test_hierarchy_lubricant_seed_geometric_full_precision():
    h = hierarchy(LUBRICANT, method="geometric")
    assert list(h.leaf_weights.index) == LEAVES
    np.testing.assert_allclose(h.leaf_weights, RECONSTRUCTED, atol=COMPUTED)
    assert h.leaf_weights.round(4).tolist() == SEED_COMPOSITE
    assert abs(h.leaf_weights.sum() - 1.0) <= 1e-12
    local = h.table.set_index("node_id")["local_weight"]
    assert local["TP3"] == pytest.approx(0.12314997, abs=1e-7)
    assert local["当前价值"] == 2 / 3 and local["潜在价值"] == 1 / 3
    assert (h.table.loc[~h.table["is_leaf"], "cr"] < 0.1).all()  # "以上C.R.都小于0.1"


def test_hierarchy_lubricant_seed_eigen_total_profit_mismatch():
    h = hierarchy(LUBRICANT)  # method="eigen"
    rounded = h.leaf_weights.round(4)
    assert rounded[["TP1", "TP2", "TP3", "TP4"]].tolist() == [0.3239, 0.0987, 0.0663, 0.0445]
    others = [x for x in LEAVES if not x.startswith("TP")]
    assert rounded[others].tolist() == [
        v for x, v in zip(LEAVES, SEED_COMPOSITE, strict=True) if not x.startswith("TP")
    ]


def test_combined_consistency_lubricant_both_definitions():
    h = hierarchy(LUBRICANT, method="geometric")
    level = h.combined_consistency("level")
    cumulative = h.combined_consistency("cumulative")
    assert level.value == pytest.approx(0.0240084, abs=COMPUTED)
    assert cumulative.value == pytest.approx(0.0240084, abs=COMPUTED)
    assert level.values.tolist()[:2] == [0.0, 0.0]  # levels 0 and 1 hold only 2x2 matrices
    expected = (0.533333 * 0.021925 + 0.133333 * 0.004601 + 0.083333 * 0.026811) / (
        0.533333 * 0.90 + 0.133333 * 0.58 + 0.083333 * 0.58
    )
    assert level.values[2] == pytest.approx(expected, abs=1e-5)
    assert level.acceptable and level.verdict == "满意一致性"
    table = h.level_consistency
    assert table["n_matrices"].tolist() == [1, 2, 4]
    assert table["cr_cumulative"].iloc[-1] == pytest.approx(0.0240084, abs=COMPUTED)


def test_hierarchy_lubricant_printed_rounded_top_weights_break_sv3():
    printed = dict(LUBRICANT)
    printed["客户价值"] = {
        "children": ["当前价值", "潜在价值"],
        "weights": {"当前价值": 0.6667, "潜在价值": 0.3333},
    }
    wrong = hierarchy(printed, method="geometric")
    assert wrong.leaf_weights["SV3"] == pytest.approx(0.6667 * 0.2 * 0.539615, abs=COMPUTED)
    assert round(wrong.leaf_weights["SV3"], 4) == 0.0720  # != the seed's 0.0719
    right = hierarchy(LUBRICANT, method="geometric")
    assert round(right.leaf_weights["SV3"], 4) == 0.0719
    exact = dict(LUBRICANT)
    exact["客户价值"] = {
        "children": ["当前价值", "潜在价值"],
        "weights": {"当前价值": 2 / 3, "潜在价值": 1 / 3},
    }
    assert hierarchy(exact, method="geometric").leaf_weights.round(4).tolist() == SEED_COMPOSITE


def test_hierarchy_lubricant_printed_credit_weights_need_normalize():
    spec = dict(LUBRICANT)
    spec["信用"] = {
        "children": ["CR1", "CR2", "CR3"],
        "weights": {"CR1": 0.5278, "CR2": 0.1396, "CR3": 0.3325},
    }
    with pytest.raises(AHPInputError, match="'信用'.*0.9999.*normalize=True"):
        hierarchy(spec, method="geometric")
    spec["信用"] = {**spec["信用"], "normalize": True}
    with pytest.warns(NormalizationWarning):
        h = hierarchy(spec, method="geometric")
    assert abs(h.leaf_weights.sum() - 1.0) <= 1e-12
    assert h.table.set_index("node_id").loc["信用", "source"] == "direct"


def test_regression_01_no_rounding_at_intermediate_nodes():
    h = hierarchy(LUBRICANT, method="geometric")
    local = h.table.set_index("node_id")["local_weight"]
    for leaf in LEAVES:
        path, node = [], leaf
        parent = h.table.set_index("node_id")["parent_id"]
        while node is not None:
            path.append(local[node])
            node = parent[node]
        assert h.leaf_weights[leaf] == pytest.approx(np.prod(path), rel=1e-15, abs=0)
    # full precision: not the 4-d.p. value a rounding library would carry
    assert h.leaf_weights["SV3"] != 0.0719 and h.leaf_weights["TP3"] != 0.0657
    assert len(set(h.leaf_weights)) == len(LEAVES)


def test_hierarchy_table_exact_columns_and_rows():
    h = hierarchy(LUBRICANT, method="geometric")
    t = h.table
    assert list(t.columns) == TABLE_COLUMNS
    assert len(t) == 19 and t["node_id"].tolist()[:3] == ["客户价值", "当前价值", "总利润"]
    root = t.iloc[0]
    assert root["parent_id"] is None and root["level"] == 0 and root["global_weight"] == 1.0
    assert root["local_weight"] == 1.0 and root["n_children"] == 2 and not root["is_leaf"]
    assert t["level"].max() == 3 and t["is_leaf"].sum() == 12
    by_id = t.set_index("node_id")
    assert by_id.loc["信用", "source"] == "matrix" and by_id.loc["忠诚度", "source"] == "matrix"
    assert by_id.loc["信用", "method"] == "geometric"
    assert by_id.loc["信用", "lambda_estimator"] == "exact"
    assert by_id.loc["信用", "ri_table"] == "saaty1980" and by_id.loc["信用", "ri"] == 0.58
    assert by_id.loc["信用", "cr"] == pytest.approx(0.0462, abs=5e-5)
    assert by_id.loc["信用", "gci"] == pytest.approx(0.1602, abs=5e-5)
    assert by_id.loc["总利润", "lambda_max"] == pytest.approx(4.065775, abs=COMPUTED)
    assert by_id.loc["客户价值", "verdict"] == "完全一致性"
    leaf = by_id.loc["CR2"]
    assert leaf["source"] is None and np.isnan(leaf["cr"]) and leaf["parent_id"] == "信用"
    assert t["level"].dtype == "int64" and t["is_leaf"].dtype == bool
    assert isinstance(h.nodes["总利润"], AHPResult)
    assert h.labels_en["客户价值"] == "customer value"
    assert "客户价值" in repr(h) and "<table" in h._repr_html_()
    with pytest.raises(dataclasses.FrozenInstanceError):
        h.root = "x"  # type: ignore[misc]


def test_hierarchy_groups_for_current_and_potential_scores():
    h = hierarchy(LUBRICANT, method="geometric")
    assert h.groups(1) == {"当前价值": LEAVES[:7], "潜在价值": LEAVES[7:]}
    assert h.groups() == h.groups(1)
    assert h.groups(2)["销售量"] == ["SV1", "SV2", "SV3"]
    assert h.groups(0) == {"客户价值": LEAVES}
    assert h.groups(3)["TP1"] == ["TP1"]
    with pytest.raises(AHPInputError, match="level=4"):
        h.groups(4)


def test_hierarchy_yaml_file_and_text(tmp_path):
    path = tmp_path / "lubricant.yaml"
    plain = {
        k: {kk: vv for kk, vv in v.items() if kk != "matrix" or k != "信用"}
        for k, v in LUBRICANT.items()
    }
    plain["信用"]["pairs"] = [["CR1", "CR2", 3], ["CR1", "CR3", 2], ["CR3", "CR2", 3]]
    path.write_text(yaml.safe_dump(plain, allow_unicode=True), encoding="utf-8")
    from_file = hierarchy(path, method="geometric")
    pd.testing.assert_series_equal(
        from_file.leaf_weights, hierarchy(LUBRICANT, method="geometric").leaf_weights
    )
    wrapped = tmp_path / "wrapped.yaml"
    wrapped.write_text(
        yaml.safe_dump(
            {"root": "客户价值", "nodes": plain, "source": "ahp.md §15.6"}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    pd.testing.assert_series_equal(
        hierarchy(wrapped, method="geometric").leaf_weights, from_file.leaf_weights
    )
    text = """
    goal:
      children: [a, b, c]
      matrix: [[1, 1/2, 3], [2, 1, 5], [1/3, 1/5, 1]]
      label: 目标
    """
    h = hierarchy(yaml.safe_load(text))
    assert h.table.loc[0, "label"] == "目标"
    np.testing.assert_allclose(
        h.leaf_weights, weights([[1, 0.5, 3], [2, 1, 5], [1 / 3, 0.2, 1]]).weights, atol=1e-15
    )


# ---- §15.2 city (distributive / ideal), §15.3 leader, §15.4 tourism -------------------------

CITY = [
    [1, "1/5", 3, "1/2", 5],
    [5, 1, 7, 1, 7],
    ["1/3", "1/7", 1, "1/4", 3],
    [2, 1, 4, 1, 7],
    ["1/5", "1/7", "1/3", "1/7", 1],
]
CRITERIA = ["Culture", "Family", "Housing", "Jobs", "Transportation"]
CITIES = ["Bethesda", "Boston", "Pittsburgh", "Santa Fe"]
BE, BO, PI, SF = CITIES
CITY_ALTERNATIVES = {
    "Culture": {(BE, PI): 1, (BO, BE): 2, (BO, PI): 2.5, (BO, SF): 1, (SF, BE): 2, (SF, PI): 2.5},
    "Family": {(BE, BO): 2, (BE, SF): 4, (BO, SF): 2, (PI, BE): 3, (PI, BO): 8, (PI, SF): 9},
    "Housing": {(BE, BO): 5, (BE, SF): 2.5, (PI, BE): 2, (PI, BO): 9, (PI, SF): 7, (SF, BO): 4},
    "Jobs": {(BE, PI): 3, (BE, SF): 4, (BO, BE): 2, (BO, PI): 6, (BO, SF): 8, (PI, SF): 1},
    "Transportation": {
        (BE, BO): 1.5,
        (BE, SF): 4,
        (BO, SF): 2.5,
        (PI, BE): 2,
        (PI, BO): 3.5,
        (PI, SF): 9,
    },
}
CITY_EV = {
    "Culture": ([0.163455, 0.345160, 0.146224, 0.345160], 0.002077),
    "Family": ([0.209622, 0.098244, 0.635350, 0.056784], 0.010399),
    "Housing": ([0.262283, 0.046737, 0.571307, 0.119674], 0.040254),
    "Jobs": ([0.279304, 0.558608, 0.086848, 0.075240], 0.003454),
    "Transportation": ([0.248889, 0.157034, 0.532723, 0.061355], 0.000888),
}


@pytest.fixture(scope="module")
def city():
    return hierarchy({"best city": {"children": CRITERIA, "matrix": CITY}})


def test_alternatives_saaty_city_2004_distributive(city):
    res = city.score_alternatives(CITY_ALTERNATIVES, alternatives=CITIES)
    np.testing.assert_allclose(res.scores, [0.229104, 0.274768, 0.385161, 0.110967], atol=COMPUTED)
    np.testing.assert_allclose(res.scores, [0.229, 0.275, 0.385, 0.111], atol=PUBLISHED)
    for crit, (ev, ci) in CITY_EV.items():
        np.testing.assert_allclose(res.priorities[crit], ev, atol=COMPUTED)
        assert res.consistency.loc[crit, "ci"] == pytest.approx(ci, abs=COMPUTED)
    assert res.summary()["rank"].tolist() == [3, 2, 1, 4]


def test_alternatives_saaty_city_2004_ideal(city):
    res = city.score_alternatives(CITY_ALTERNATIVES, alternatives=CITIES, mode="ideal")
    np.testing.assert_allclose(
        res.raw_scores, [0.418093, 0.541199, 0.654711, 0.251333], atol=COMPUTED
    )
    np.testing.assert_allclose(res.scores, [0.224138, 0.290135, 0.350988, 0.134739], atol=COMPUTED)
    raw = city.score_alternatives(
        CITY_ALTERNATIVES, alternatives=CITIES, mode="ideal", renormalize=False
    )
    pd.testing.assert_series_equal(raw.scores, raw.raw_scores, check_names=False)


@pytest.mark.parametrize("mode", ["distributive", "ideal"])
@pytest.mark.parametrize("renormalize", [True, False])
def test_property_contributions_sum_exactly_to_score(city, mode, renormalize):
    res = city.score_alternatives(
        CITY_ALTERNATIVES, alternatives=CITIES, mode=mode, renormalize=renormalize
    )
    assert (res.contributions.sum(axis=1) == res.scores).all()  # exactly
    g = city.leaf_weights.to_numpy()
    p = res.priorities.to_numpy()
    if mode == "ideal":
        p = p / p.max(axis=0)
    expected = (p * g).sum(axis=1)
    if mode == "ideal" and renormalize:
        expected = expected / expected.sum()
    np.testing.assert_allclose(res.scores, expected, atol=1e-12)


def test_alternatives_accept_priorities_results_and_matrices(city):
    given = {crit: pd.Series(ev, index=CITIES) for crit, (ev, _) in CITY_EV.items()}
    given["Jobs"] = weights(CITY_ALTERNATIVES["Jobs"], labels=CITIES)
    res = city.score_alternatives(given)
    np.testing.assert_allclose(res.scores, [0.229104, 0.274768, 0.385161, 0.110967], atol=COMPUTED)
    assert res.consistency.loc["Culture", "source"] == "direct"
    assert res.consistency.loc["Jobs", "source"] == "matrix"
    with pytest.raises(HierarchyError, match=r"missing: \['Jobs'\]"):
        city.score_alternatives({k: v for k, v in given.items() if k != "Jobs"})
    bad = dict(given, Culture=pd.Series([0.5, 0.5, 0.0], index=CITIES[:3]))
    with pytest.raises(AHPInputError, match=r"'Family \(alternatives\)'.*extra: \['Santa Fe'\]"):
        city.score_alternatives(bad)
    with pytest.raises(AHPInputError, match=r"'Culture \(alternatives\)'.*missing: \['Santa Fe'\]"):
        city.score_alternatives(bad, alternatives=CITIES)
    off = dict(given, Culture=pd.Series([0.3, 0.3, 0.3, 0.3], index=CITIES))
    with pytest.raises(AHPInputError, match="sum to 1.2"):
        city.score_alternatives(off)


LEADER = {
    "choose a leader": {
        "children": ["Experience", "Education", "Charisma", "Age"],
        "matrix": [4, 3, 7, "1/3", 3, 5],
    }
}
LEADER_ALTS = {
    "Experience": ["1/4", 4, 9],
    "Education": [3, "1/5", "1/7"],
    "Charisma": [5, 9, 4],
    "Age": ["1/3", 5, 9],
}


def test_alternatives_wikipedia_leader():
    h = hierarchy(LEADER)
    res = h.score_alternatives(LEADER_ALTS, alternatives=["Tom", "Dick", "Harry"])
    np.testing.assert_allclose(res.scores, [0.358137, 0.492788, 0.149075], atol=COMPUTED)
    np.testing.assert_allclose(res.scores, [0.358, 0.493, 0.149], atol=PUBLISHED)
    gm = hierarchy(LEADER, method="geometric").score_alternatives(
        LEADER_ALTS, alternatives=["Tom", "Dick", "Harry"]
    )
    np.testing.assert_allclose(gm.scores, [0.358054, 0.492187, 0.149759], atol=COMPUTED)


TOURISM = {
    "目标": {
        "children": ["景色", "费用", "居住", "饮食", "旅途"],
        "matrix": [
            [1, "1/2", 4, 3, 3],
            [2, 1, 7, 5, 5],
            ["1/4", "1/7", 1, "1/2", "1/3"],
            ["1/3", "1/5", 2, 1, 1],
            ["1/3", "1/5", 3, 1, 1],
        ],
    }
}
DESTINATIONS = {
    "景色": [[1, 2, 5], ["1/2", 1, 2], ["1/5", "1/2", 1]],
    "费用": [[1, "1/3", "1/8"], [3, 1, "1/3"], [8, 3, 1]],
    "居住": [[1, 1, 3], [1, 1, 3], ["1/3", "1/3", 1]],
    "饮食": [[1, 3, 4], ["1/3", 1, 1], ["1/4", 1, 1]],
    "旅途": [[1, 1, "1/4"], [1, 1, "1/4"], [4, 4, 1]],
}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("eigen", [0.299255, 0.245304, 0.455441]),
        ("和法", [0.299007, 0.245413, 0.455579]),
        ("geometric", [0.299313, 0.245232, 0.455455]),
    ],
)
def test_alternatives_jiang_tourism_global(method, expected):
    res = hierarchy(TOURISM, method=method).score_alternatives(
        DESTINATIONS, alternatives=["P1", "P2", "P3"]
    )
    np.testing.assert_allclose(res.scores, expected, atol=COMPUTED)
    assert res.scores.idxmax() == "P3"


def test_combined_consistency_jiang_tourism_eigen():
    res = hierarchy(TOURISM).score_alternatives(DESTINATIONS, alternatives=["P1", "P2", "P3"])
    level = res.combined_consistency("level")
    assert level.value == pytest.approx(0.0026682, abs=COMPUTED)
    assert round(level.value, 4) == 0.0027
    assert level.values[0] == pytest.approx(0.016090, abs=COMPUTED)
    cumulative = res.combined_consistency("cumulative")
    assert cumulative.value == pytest.approx(0.0187585, abs=COMPUTED)
    assert round(cumulative.value, 4) == 0.0188
    whole = res.combined_consistency("saaty_whole")
    assert whole.value == pytest.approx(0.0115, abs=5e-5)
    for c in (level, cumulative, whole):
        assert c.acceptable and c.verdict == "满意一致性" and c.threshold == "seed"
    table = res.level_consistency
    assert table["n_matrices"].tolist() == [1, 5]
    assert table.loc[1, "sum_g_ri"] == pytest.approx(0.58, abs=1e-12)
    assert float(level) == level.value
    # B3 and B5 are clamped (CI = 0), the others as in §15.4
    np.testing.assert_allclose(
        res.consistency["ci"], [0.002768, 0.000771, 0.0, 0.004601, 0.0], atol=COMPUTED
    )
    # the tree alone (criteria only) has one level
    assert hierarchy(TOURISM).combined_consistency("level").value == pytest.approx(
        0.016090, abs=COMPUTED
    )


def test_combined_consistency_jiang_tourism_textbook_sum_mean_ratio():
    h = hierarchy(TOURISM, method="和法", lambda_estimator="mean_ratio")
    res = h.score_alternatives(DESTINATIONS, alternatives=["P1", "P2", "P3"])
    assert res.combined_consistency("level").value == pytest.approx(0.0026657, abs=COMPUTED)
    assert res.combined_consistency("cumulative").value == pytest.approx(0.0189451, abs=COMPUTED)
    assert res.consistency["method"].unique().tolist() == ["sum"]


def test_combined_consistency_unbalanced_tree_and_direct_nodes():
    spec = {
        "goal": {"children": ["A", "B", "C"], "matrix": [2, 4, 3]},
        "A": {"children": ["a1", "a2", "a3"], "matrix": [3, 5, 3]},
        "B": {"children": ["b1", "b2"], "measured": {"b1": 30, "b2": 10}},
        # C is a leaf at depth 1
    }
    h = hierarchy(spec)
    root, a = weights([2, 4, 3]), weights([3, 5, 3])
    g_a = root.weights.iloc[0]
    lvl = h.combined_consistency("level")
    assert lvl.values[0] == pytest.approx(root.cr, abs=1e-15)
    assert lvl.values[1] == pytest.approx(g_a * a.ci / (g_a * a.ri), abs=1e-15)
    whole = h.combined_consistency("saaty_whole")
    assert whole.value == pytest.approx((root.ci + g_a * a.ci) / (root.ri + g_a * a.ri), abs=1e-15)
    by_id = h.table.set_index("node_id")
    assert by_id.loc["B", "source"] == "measured" and by_id.loc["B", "ci"] == 0.0
    assert by_id.loc["b1", "local_weight"] == 0.75
    assert by_id.loc["C", "is_leaf"] and by_id.loc["C", "level"] == 1
    assert h.groups(1) == {"A": ["a1", "a2", "a3"], "B": ["b1", "b2"], "C": ["C"]}
    assert abs(h.leaf_weights.sum() - 1) <= 1e-12


def test_combined_consistency_threshold_and_kinds():
    bad = {"g": {"children": list("abc"), "matrix": [[1, "1/3", "1/2"], [3, 1, "1/3"], [2, 3, 1]]}}
    h = hierarchy(bad)
    c = h.combined_consistency("level")
    assert not c.acceptable and c.verdict == "需调整"
    assert hierarchy(bad, threshold=0.5).combined_consistency().acceptable
    with pytest.raises(CvlibInputError, match="kind"):
        h.combined_consistency("total")


# ---- overrides, properties, validation ------------------------------------------------------


def test_hierarchy_per_node_overrides():
    spec = {k: dict(v) for k, v in LUBRICANT.items()}
    spec["总利润"].update(
        method="geometric", ri_table="donegan_dodd", lambda_estimator="mean_ratio"
    )
    h = hierarchy(spec)  # default eigen everywhere else
    by_id = h.table.set_index("node_id")
    row = by_id.loc["总利润"]
    assert (row["method"], row["ri_table"], row["lambda_estimator"]) == (
        "geometric",
        "donegan_dodd",
        "mean_ratio",
    )
    assert row["lambda_max"] == pytest.approx(4.065699, abs=COMPUTED)
    assert row["ri"] == 0.8286
    assert by_id.loc["信用", "method"] == "eigen" and by_id.loc["信用", "ri_table"] == "saaty1980"
    assert h.leaf_weights.round(4).tolist() == SEED_COMPOSITE
    ratio = {
        "g": {"children": ["a", "b"], "matrix": [[1, 50], [0.02, 1]], "scale": "ratio"},
        "a": {"children": ["x", "y"], "matrix": [[1, 3], [0.3, 1]], "symmetrize": "upper"},
    }
    with pytest.warns(ReciprocityWarning, match=r"'a'.*\(y, x\) 0.3 -> 1/3"):
        h = hierarchy(ratio)
    assert h.leaf_weights.tolist() == pytest.approx([50 / 51 * 0.75, 50 / 51 * 0.25, 1 / 51])
    with pytest.raises(AHPInputError, match="'g'.*50"):
        hierarchy({"g": ratio["g"] | {"scale": "saaty"}})


@pytest.mark.parametrize("method", ["eigen", "geometric", "sum", "row_sum"])
def test_property_leaf_weights_sum_to_one(method):
    rng = np.random.default_rng(3)
    spec = {
        "root": {
            "children": [f"c{i}" for i in range(6)],
            "matrix": rng.choice([1 / 3, 1 / 2, 1, 2, 3], 15).tolist(),
        }
    }
    for i in range(6):
        spec[f"c{i}"] = {
            "children": [f"c{i}_{j}" for j in range(5)],
            "matrix": rng.choice([1 / 5, 1 / 3, 1, 3, 5], 10).tolist(),
        }
    h = hierarchy(spec, method=method)
    assert abs(h.leaf_weights.sum() - 1.0) <= 1e-12
    assert len(h.leaf_weights) == 30


def test_hierarchy_node_errors_name_the_node():
    spec = dict(
        LUBRICANT,
        信用={
            "children": ["CR1", "CR2", "CR3"],
            "matrix": [[1, 3, 2], [3, 1, "1/3"], ["1/2", 3, 1]],
        },
    )
    with pytest.raises(ReciprocityError, match=r"'信用'.*\(CR1, CR2\)"):
        hierarchy(spec)
    spec = dict(
        LUBRICANT,
        信用={"children": ["CR1", "CR2", "CR3"], "matrix": {("CR1", "CR2"): 3, ("CR1", "CR3"): 2}},
    )
    with pytest.raises(MissingJudgmentError, match=r"'信用'.*\(CR2, CR3\)"):
        hierarchy(spec)
    with pytest.warns(InconsistencyWarning, match="'信用'"):
        h = hierarchy(
            dict(LUBRICANT, 信用={"children": ["CR1", "CR2", "CR3"], "matrix": [1, 6, "1/9"]})
        )
    np.testing.assert_allclose(
        h.nodes["信用"].weights, [0.527836, 0.139648, 0.332516], atol=0.03
    )  # weights returned, never replaced


H, A = HierarchyError, AHPInputError


@pytest.mark.parametrize(
    ("spec", "error", "match"),
    [
        (
            {
                "g": {"children": ["a", "b"], "matrix": [2]},
                "a": {"children": ["x", "b"], "matrix": [2]},
            },
            H,
            "'b' appears under both",
        ),
        ({"g": {"children": ["a", "a"], "matrix": [2]}}, H, "duplicate labels"),
        (
            {
                "r": {"children": ["x"], "weights": {"x": 1}},
                "a": {"children": ["b"], "weights": {"b": 1}},
                "b": {"children": ["a"], "weights": {"a": 1}},
            },
            H,
            "cycle",
        ),
        (
            {
                "a": {"children": ["b"], "weights": {"b": 1}},
                "b": {"children": ["a"], "weights": {"a": 1}},
            },
            H,
            "cycle",
        ),
        (
            {
                "g": {"children": ["a", "b"], "matrix": [2]},
                "h": {"children": ["c", "d"], "matrix": [2]},
            },
            H,
            "several top nodes",
        ),
        ({"g": {"children": ["a", "b"]}}, H, "'g' has children .* but no local-weight source"),
        (
            {"g": {"children": ["a", "b"], "matrix": [2], "weights": {"a": 0.5, "b": 0.5}}},
            H,
            "several sources",
        ),
        ({"g": {"matrix": [2]}}, H, "no 'children'"),
        ({"g": {"children": ["a", "b"], "matrx": [2]}}, H, "unknown key"),
        (
            {"g": {"children": ["a", "b"], "weights": {"a": 0.5, "c": 0.5}}},
            A,
            r"'g'.*missing: \['b'\]; extra: \['c'\]",
        ),
        (
            {"g": {"children": ["a", "b"], "pairs": [["a", "c", 3]]}},
            H,
            r"'g'.*missing: \['b'\]; extra: \['c'\]",
        ),
        (
            {"g": {"children": ["a", "b"], "matrix": {("a", "b"): 3, ("a", "z"): 2}}},
            H,
            r"extra: \['z'\]",
        ),
        (
            {"g": {"children": ["a", "b", "c"], "matrix": [2]}},
            A,
            "'g'.*n = 2 elements but 3 labels",
        ),
        (
            {
                "g": {
                    "children": ["a", "b"],
                    "matrix": pd.DataFrame(
                        [[1, 2], [0.5, 1]], index=["a", "x"], columns=["a", "x"]
                    ),
                }
            },
            A,
            r"'g'.*missing: \['b'\]; extra: \['x'\]",
        ),
        ({"g": {"children": "ab", "matrix": [2]}}, H, "list of node ids"),
        ({"g": ["a", "b"]}, H, "expected a dict"),
        ({}, H, "non-empty dict"),
    ],
    ids=[
        "two_parents",
        "duplicate_child",
        "cycle_beside_root",
        "cycle_only",
        "two_roots",
        "no_source",
        "two_sources",
        "source_without_children",
        "unknown_key",
        "weights_labels",
        "pairs_labels",
        "pair_dict_labels",
        "matrix_size",
        "dataframe_labels",
        "children_str",
        "node_not_dict",
        "empty",
    ],
)
def test_hierarchy_validation_errors(spec, error, match):
    with pytest.raises(error, match=match):
        hierarchy(spec)


def test_hierarchy_root_parameter_and_options():
    spec = {
        "g": {"children": ["a", "b"], "matrix": [2]},
        "h": {"children": ["c", "d"], "matrix": [3]},
    }
    with pytest.raises(HierarchyError, match="not reachable"):
        hierarchy(spec, root="g")
    with pytest.raises(HierarchyError, match="not a node"):
        hierarchy(spec, root="zz")
    sub = {
        "g": {"children": ["a", "h"], "matrix": [2]},
        "h": {"children": ["c", "d"], "matrix": [3]},
    }
    with pytest.raises(HierarchyError, match="is a child of 'g'"):
        hierarchy(sub, root="h")
    assert hierarchy(sub, root="g").root == "g"
    with pytest.raises(AHPInputError, match="unknown priority method"):
        hierarchy(sub, method="magic")
    with pytest.raises(CvlibInputError, match="ri_table"):
        hierarchy(sub, ri_table="nope")


def test_hierarchy_never_mutates_spec():
    spec = {"g": {"children": ["a", "b"], "matrix": np.array([[1.0, 2.0], [0.5, 1.0]])}}
    before = spec["g"]["matrix"].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hierarchy(spec)
    np.testing.assert_array_equal(spec["g"]["matrix"], before)
    assert list(spec["g"]) == ["children", "matrix"]


# ---- review fix: results cannot be mutated after construction (STYLE.md) --------------------


def test_regression_hierarchy_result_cannot_be_mutated_through_returned_objects():
    h = hierarchy(LUBRICANT, method="geometric")
    table, leaf_weights, summary = h.table, h.leaf_weights, h.summary()
    returned = h.leaf_weights
    returned.iloc[0] = 5.0
    returned["extra"] = 1.0
    returned.index = range(len(returned))
    pd.testing.assert_series_equal(h.leaf_weights, leaf_weights)
    t = h.table
    t.loc[0, "global_weight"] = 0.0
    t["new"] = 1
    t.loc[:, "label"] = "x"
    s = h.summary()
    s.loc[:, "local_weight"] = np.nan
    pd.testing.assert_frame_equal(h.table, table)
    pd.testing.assert_frame_equal(h.summary(), summary)
    assert list(h.summary().columns) == TABLE_COLUMNS
    nodes = h.nodes
    nodes.clear()
    children = h.children
    children["客户价值"] = ("x",)
    labels_en = h.labels_en
    labels_en["客户价值"] = "changed"
    assert isinstance(h.nodes["总利润"], AHPResult)
    assert h.children["客户价值"] == ("当前价值", "潜在价值")
    assert h.labels_en["客户价值"] == "customer value"
    node = h.nodes["总利润"]
    node_weights = node.weights
    node_weights.iloc[0] = 1.0  # node results protect themselves
    tp1 = h.table.set_index("node_id").loc["TP1", "local_weight"]
    assert h.nodes["总利润"].weights["TP1"] == tp1 != 1.0
    # derived outputs still read the unchanged data
    assert h.groups(1) == {"当前价值": LEAVES[:7], "潜在价值": LEAVES[7:]}
    assert sum(h.leaf_weights) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(dataclasses.FrozenInstanceError):
        h._table = None  # type: ignore[misc]


def test_regression_combined_consistency_cannot_be_mutated():
    h = hierarchy(LUBRICANT, method="geometric")
    cc = h.combined_consistency("level")
    table, values, summary = cc.table, cc.values, cc.summary()
    returned = cc.table
    returned.loc[returned.index[0], "cr_level"] = 9.0
    v = cc.values
    v.iloc[-1] = 9.0
    s = cc.summary()
    s["cr_cumulative"] = -1.0
    pd.testing.assert_frame_equal(cc.table, table)
    pd.testing.assert_series_equal(cc.values, values)
    pd.testing.assert_frame_equal(cc.summary(), summary)
    assert float(cc) == cc.value == values.iloc[-1]
    lc = h.level_consistency
    lc.loc[lc.index[0], "sum_g_ci"] = 9.0
    pd.testing.assert_frame_equal(h.level_consistency, table)


def test_regression_alternatives_result_cannot_be_mutated(city):
    res = city.score_alternatives(CITY_ALTERNATIVES, alternatives=CITIES)
    snapshot = {
        name: getattr(res, name)
        for name in ("scores", "raw_scores", "contributions", "priorities", "consistency")
    }
    summary = res.summary()
    cc = res.combined_consistency("level").table
    for name in snapshot:
        obj = getattr(res, name)
        if isinstance(obj, pd.Series):
            obj.iloc[0] = 0.0
        else:
            obj.loc[obj.index[0], obj.select_dtypes("number").columns] = 0.0
            obj["extra"] = 1.0
    s = res.summary()
    s["rank"] = 0
    tree_rows = res.tree_rows
    tree_rows["ci"] = 99.0
    results = res.results
    results.clear()
    for name, before in snapshot.items():
        if isinstance(before, pd.Series):
            pd.testing.assert_series_equal(getattr(res, name), before)
        else:
            pd.testing.assert_frame_equal(getattr(res, name), before)
    pd.testing.assert_frame_equal(res.summary(), summary)
    pd.testing.assert_frame_equal(res.combined_consistency("level").table, cc)
    assert set(res.results) == set(CRITERIA)
    np.testing.assert_allclose(res.contributions.sum(axis=1), res.scores, rtol=0, atol=1e-15)
    assert res.summary()["rank"].tolist() == [3, 2, 1, 4]


def test_regression_alternatives_as_a_string_are_rejected(city):
    with pytest.raises(AHPInputError, match="alternatives must be a list of names, got the string"):
        city.score_alternatives(CITY_ALTERNATIVES, alternatives="ABCD")


def test_result_summaries_have_docstrings():
    from cvlib.ahp import AlternativesResult, CombinedConsistency, HierarchyResult, JudgmentStack

    for cls in (HierarchyResult, AlternativesResult, CombinedConsistency, JudgmentStack):
        doc = cls.summary.__doc__ or ""
        assert len(doc) > 40 and ("Returns" in doc or "Examples" in doc), cls.__name__

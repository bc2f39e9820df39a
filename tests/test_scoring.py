"""Tests of cvlib.scoring: customer-value index Y = Σ R_i X_i (ahp.md §12, value_and_credit.md §1)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata, spearmanr

from cvlib._validation import CvlibInputError
from cvlib.scoring import ScoreResult, score_customers

TOL = 1e-6

# value_and_credit.md §1.5: the synthetic lubricant fixture (7 customers x 12 indicators)
LUBRICANT = pd.DataFrame(
    [
        [90, 85, 80, 88, 70, 75, 95, 92, 80, 85, 90, 88],
        [85, 80, 75, 82, 65, 70, 90, 40, 35, 45, 40, 38],
        [30, 35, 40, 32, 25, 30, 35, 30, 28, 35, 30, 33],
        [35, 40, 45, 38, 30, 35, 40, 88, 85, 90, 85, 86],
        [95, 90, 85, 92, 80, 85, 98, 85, 90, 80, 88, 92],
        [80, 78, 70, 80, 60, 66, 85, 42, 38, 40, 45, 41],
        [88, 92, 90, 85, 75, 80, 92, 90, 95, 92, 85, 90],
    ],
    index=pd.Index(range(1, 8), name="customer"),
    columns=["TP1", "TP2", "TP3", "TP4", "SV1", "SV2", "SV3", "LO1", "LO2", "CR1", "CR2", "CR3"],
)
# the seed's 12 printed composite weights (ahp.md §15.6), sum 1.0000
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
ZSCORE_Y = [0.693648, -0.033282, -1.451322, -0.629631, 0.795244, -0.131097, 0.756440]

# ahp.md §12 tiny reference: sales (benefit, 0.6) and cost (cost-type, 0.4)
TINY = pd.DataFrame({"sales": [100, 200, 300], "cost": [50, 20, 10]}, index=["c1", "c2", "c3"])
TINY_W = {"sales": 0.6, "cost": 0.4}
TINY_DIRS = {"sales": "benefit", "cost": "cost"}


def lubricant(**kwargs) -> ScoreResult:
    return score_customers(LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=GROUPS, **kwargs)


# ---------------------------------------------------------------------------------------------
# value_and_credit.md §1.5 fixture


def test_score_lubricant_fixture_zscore_value_and_credit_1_5():
    res = lubricant()
    np.testing.assert_allclose(res.sub_scores["当前价值"], ZSCORE_CURRENT, atol=TOL)
    np.testing.assert_allclose(res.sub_scores["潜在价值"], ZSCORE_POTENTIAL, atol=TOL)
    np.testing.assert_allclose(res.scores, ZSCORE_Y, atol=TOL)
    assert abs(res.sub_scores["当前价值"].mean()) < 1e-15
    assert abs(res.sub_scores["潜在价值"].mean()) < 1e-15
    assert list(res.scores.index) == list(range(1, 8))
    assert res.normalize == "zscore" and res.aggregate == "sum" and not res.renormalized
    assert res.directions == dict.fromkeys(LUBRICANT.columns, "benefit")
    assert abs(res.weights_sum - 1.0) < 1e-12
    # z-scores with the sample SD (SPSS, ddof = 1)
    z = (LUBRICANT - LUBRICANT.mean()) / LUBRICANT.std(ddof=1)
    np.testing.assert_allclose(res.normalized, z, atol=1e-12)


def test_score_lubricant_fixture_minmax_0_100_value_and_credit_1_5():
    res = lubricant(normalize="minmax")
    current = [59.894521, 54.302532, 0, 5.591989, 65.668439, 49.595384, 61.407979]
    potential = [31.482450, 4.948203, 0, 30.760661, 29.733819, 5.668795, 32.494274]
    np.testing.assert_allclose(res.sub_scores["当前价值"], current, atol=TOL)
    np.testing.assert_allclose(res.sub_scores["潜在价值"], potential, atol=TOL)
    assert res.sub_scores["当前价值"].mean() == pytest.approx(42.351549, abs=TOL)
    assert res.sub_scores["潜在价值"].mean() == pytest.approx(19.298314, abs=TOL)
    assert res.feature_range == (0, 100)


def test_score_lubricant_local_sub_scores_divide_by_group_weight_value_and_credit_1_3():
    glob = lubricant()
    local = lubricant(sub_scores="local")
    assert local.sub_score_mode == "local"
    np.testing.assert_allclose(local.group_weights, [0.6667, 0.3333], atol=1e-12)
    for name, weight in local.group_weights.items():
        np.testing.assert_allclose(
            local.sub_scores[name], glob.sub_scores[name] / weight, rtol=1e-12
        )
    pd.testing.assert_series_equal(local.scores, glob.scores)


def test_global_sub_scores_add_up_to_y_value_and_credit_1_3():
    res = lubricant()
    np.testing.assert_allclose(res.sub_scores.sum(axis=1), res.scores, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# ahp.md §12 tiny reference


def test_tiny_reference_minmax_0_100_ahp_12():
    res = score_customers(TINY, TINY_W, directions=TINY_DIRS, normalize="minmax")
    np.testing.assert_allclose(res.scores, [0, 60, 100], atol=1e-12)
    np.testing.assert_allclose(res.normalized["cost"], [0, 75, 100], atol=1e-12)


def test_tiny_reference_zscore_cost_negated_ahp_12():
    res = score_customers(TINY, TINY_W, directions=TINY_DIRS)
    np.testing.assert_allclose(res.normalized["cost"], [-1.120897, 0.320256, 0.800641], atol=TOL)
    np.testing.assert_allclose(res.scores, [-1.048359, 0.128103, 0.920256], atol=TOL)


def test_tiny_reference_ratio_to_ideal_and_weighted_product_ahp_12():
    ideal = score_customers(TINY, TINY_W, directions=TINY_DIRS, normalize="ideal")
    np.testing.assert_allclose(ideal.scores, [0.28, 0.60, 1.00], atol=1e-12)
    product = score_customers(
        TINY, TINY_W, directions=TINY_DIRS, normalize="ideal", aggregate="product"
    )
    np.testing.assert_allclose(product.scores, [0.271731, 0.594201, 1.0], atol=TOL)
    # product contributions are R ln v and add up to ln Y
    np.testing.assert_allclose(
        product.contributions.sum(axis=1), np.log(product.scores), atol=1e-12
    )


def test_tiny_reference_chinese_direction_names_give_same_scores_ahp_12():
    zh = score_customers(TINY, TINY_W, directions={"sales": "效益型", "cost": "成本型"})
    en = score_customers(TINY, TINY_W, directions=TINY_DIRS)
    pd.testing.assert_series_equal(zh.scores, en.scores)


def test_bounds_linear_and_cost_mapping_value_and_credit_1_2():
    res = score_customers(
        TINY,
        TINY_W,
        directions=TINY_DIRS,
        normalize="bounds",
        bounds={"sales": (0, 400), "cost": (0, 100)},
    )
    np.testing.assert_allclose(res.normalized["sales"], [25, 50, 75], atol=1e-12)
    np.testing.assert_allclose(res.normalized["cost"], [50, 80, 90], atol=1e-12)  # 100(U-x)/(U-L)
    np.testing.assert_allclose(res.scores, [35, 62, 81], atol=1e-12)
    assert res.bounds == {"sales": (0, 400), "cost": (0, 100)}


def test_bounds_breakpoints_piecewise_linear_value_and_credit_1_2():
    res = score_customers(
        TINY,
        TINY_W,
        directions=TINY_DIRS,
        normalize="bounds",
        bounds={"sales": [(0, 0), (200, 80), (400, 100)], "cost": [(0, 100), (20, 80), (100, 0)]},
    )
    np.testing.assert_allclose(res.normalized["sales"], [40, 80, 90], atol=1e-12)
    np.testing.assert_allclose(res.normalized["cost"], [50, 80, 90], atol=1e-12)


def test_bounds_breakpoints_against_direction_raise():
    with pytest.raises(CvlibInputError, match="non-increasing"):
        score_customers(
            TINY,
            TINY_W,
            directions=TINY_DIRS,
            normalize="bounds",
            bounds={"sales": (0, 400), "cost": [(0, 0), (100, 100)]},
        )


def test_bounds_out_of_range_raises_or_clips_value_and_credit_1_2():
    bounds = {"sales": (0, 250), "cost": (0, 100)}
    with pytest.raises(ValueError, match="outside"):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, normalize="bounds", bounds=bounds)
    res = score_customers(
        TINY, TINY_W, directions=TINY_DIRS, normalize="bounds", bounds=bounds, out_of_range="clip"
    )
    assert res.normalized.loc["c3", "sales"] == 100


def test_bounds_required_for_bounds_method():
    with pytest.raises(CvlibInputError, match="bounds="):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, normalize="bounds")


def test_none_uses_values_as_given_and_refuses_cost():
    res = score_customers(
        TINY / 300, {"sales": 0.5, "cost": 0.5}, directions="benefit", normalize="none"
    )
    np.testing.assert_allclose(res.scores, (TINY["sales"] + TINY["cost"]) / 600, atol=1e-15)
    with pytest.raises(CvlibInputError, match="already oriented"):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, normalize="none")


# ---------------------------------------------------------------------------------------------
# contributions, ranks, no rounding


@pytest.mark.parametrize("normalize", ["zscore", "minmax", "ideal"])
def test_contributions_sum_to_score_ahp_12(normalize):
    res = score_customers(LUBRICANT, SEED_WEIGHTS, directions="benefit", normalize=normalize)
    contrib = res.contributions
    assert list(contrib.columns) == list(LUBRICANT.columns)
    np.testing.assert_allclose(contrib.sum(axis=1), res.scores, rtol=0, atol=1e-12)
    np.testing.assert_allclose(contrib, res.normalized * SEED_WEIGHTS, atol=1e-15)


def test_rank_min_ties_and_id_tiebreak_ahp_12():
    data = pd.DataFrame({"a": [1.0, 3.0, 3.0, 2.0], "b": [1.0, 3.0, 3.0, 2.0]}, index=[9, 7, 5, 1])
    res = score_customers(data, {"a": 0.5, "b": 0.5}, directions="benefit")
    assert res.rank.tolist() == [4, 1, 1, 3]
    assert res.rank.dtype == "Int64"
    assert list(res.top(3).index) == [5, 7, 1]  # tie 7/5 ordered by ascending id


def test_scale_100k_no_rounding_collapse_ahp_12_and_13_row_1():
    rng = np.random.default_rng(20260101)
    n = 100_000
    # values on a grid so that many customers share an indicator row
    raw = rng.integers(0, 40, size=(n, 5)).astype("float64") * np.array([1, 2.5, 10, 0.3, 7])
    data = pd.DataFrame(raw, columns=list("abcde"))
    weights = pd.Series(rng.dirichlet(np.ones(5)), index=data.columns)
    weights = weights / weights.sum()
    dirs = {"a": "benefit", "b": "cost", "c": "benefit", "d": "benefit", "e": "cost"}
    res = score_customers(data, weights, directions=dirs)

    z = (data - data.mean()) / data.std(ddof=1)
    z[["b", "e"]] = -z[["b", "e"]]
    reference = (z * weights).sum(axis=1).to_numpy()
    np.testing.assert_allclose(res.scores, reference, atol=1e-12)
    # Spearman = 1.0: identical average ranks (the coefficient itself is computed in floats:
    # spearmanr(x, x) is 0.9999999999999999 for tied data)
    assert (rankdata(res.scores) == rankdata(reference)).all()
    assert spearmanr(res.scores, reference).statistic == pytest.approx(1.0, abs=1e-12)
    ref_rank = pd.Series(reference).rank(method="min", ascending=False).astype("Int64")
    assert (res.rank.to_numpy() == ref_rank.to_numpy()).all()
    n_rows = len(data.drop_duplicates())
    assert res.scores.nunique() == n_rows
    # identical indicator rows get bit-identical scores (and so one rank)
    per_row = res.scores.groupby([data[c] for c in data.columns]).nunique()
    assert (per_row == 1).all()


# ---------------------------------------------------------------------------------------------
# missing values


def _with_gap() -> pd.DataFrame:
    data = TINY.astype("float64").copy()
    data.loc["c2", "sales"] = np.nan
    return data


def test_missing_raise_lists_customers_and_indicators_ahp_12():
    with pytest.raises(CvlibInputError, match=r"'c2' \(sales\)"):
        score_customers(_with_gap(), TINY_W, directions=TINY_DIRS)


def test_missing_renormalize_observed_weights_ahp_12():
    data = _with_gap()
    res = score_customers(data, TINY_W, directions=TINY_DIRS, missing="renormalize")
    # z-scores use the observed values only: sales 100, 300 -> -0.707107, 0.707107
    np.testing.assert_allclose(
        res.normalized["sales"], [-0.7071067811865475, np.nan, 0.7071067811865475]
    )
    cost_z = res.normalized["cost"]
    assert res.scores["c2"] == pytest.approx(cost_z["c2"], abs=1e-15)  # 0.4 v / 0.4
    expected_c1 = 0.6 * -0.7071067811865475 + 0.4 * cost_z["c1"]
    assert res.scores["c1"] == pytest.approx(expected_c1, abs=1e-15)
    assert res.n_missing.tolist() == [0, 1, 0]
    assert res.observed_weight.tolist() == pytest.approx([1.0, 0.4, 1.0])
    np.testing.assert_allclose(res.contributions.sum(axis=1), res.scores, atol=1e-12)


def test_missing_renormalize_customer_without_values_is_nan_with_warning():
    data = TINY.astype("float64").copy()
    data.loc["c2"] = np.nan
    with pytest.warns(UserWarning, match="no observed indicator"):
        res = score_customers(data, TINY_W, directions=TINY_DIRS, missing="renormalize")
    assert np.isnan(res.scores["c2"]) and res.rank.isna()["c2"]
    assert res.n_missing["c2"] == 2


def test_missing_mean_imputes_before_normalising_z_zero_ahp_12():
    data = _with_gap()
    res = score_customers(data, TINY_W, directions=TINY_DIRS, missing="mean")
    assert res.normalized.loc["c2", "sales"] == 0.0  # z of the mean
    # observed statistics: the SD is not shrunk by the imputed value
    np.testing.assert_allclose(
        res.normalized["sales"], [-0.7071067811865475, 0, 0.7071067811865475]
    )
    assert res.n_missing.tolist() == [0, 1, 0]
    mm = score_customers(data, TINY_W, directions=TINY_DIRS, missing="mean", normalize="minmax")
    assert mm.normalized.loc["c2", "sales"] == pytest.approx(50.0)


def test_missing_indicator_without_values_raises():
    data = TINY.astype("float64").copy()
    data["sales"] = np.nan
    with pytest.raises(CvlibInputError, match="no observed value"):
        score_customers(data, TINY_W, directions=TINY_DIRS, missing="renormalize")


# ---------------------------------------------------------------------------------------------
# weights


def test_weights_not_summing_to_one_raise_value_and_credit_1_3():
    with pytest.raises(CvlibInputError, match="sum to 0.9999"):
        score_customers(TINY, {"sales": 0.6, "cost": 0.3999}, directions=TINY_DIRS)


def test_weights_renormalize_warns_and_divides_value_and_credit_1_3():
    with pytest.warns(UserWarning, match="dividing them by their sum"):
        res = score_customers(
            TINY, {"sales": 0.6, "cost": 0.3999}, directions=TINY_DIRS, renormalize=True
        )
    assert res.renormalized and res.weights_sum == pytest.approx(0.9999)
    assert res.weights.sum() == pytest.approx(1.0, abs=1e-15)
    assert res.weights["sales"] == pytest.approx(0.6 / 0.9999)


def test_weights_within_tolerance_are_not_renormalized():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = score_customers(TINY, {"sales": 0.6, "cost": 0.4000004}, directions=TINY_DIRS)
    assert not res.renormalized


def test_weights_keys_must_match_columns_exactly():
    with pytest.raises(KeyError, match=r"no weight for indicator\(s\) 'cost'.*unknown.*'costs'"):
        score_customers(TINY, {"sales": 0.6, "costs": 0.4}, directions=TINY_DIRS)


def test_weights_negative_raise():
    with pytest.raises(CvlibInputError, match=">= 0"):
        score_customers(TINY, {"sales": 1.2, "cost": -0.2}, directions=TINY_DIRS)


def test_weights_series_in_other_order_are_aligned_by_label():
    a = score_customers(TINY, pd.Series({"cost": 0.4, "sales": 0.6}), directions=TINY_DIRS)
    b = score_customers(TINY, TINY_W, directions=TINY_DIRS)
    pd.testing.assert_series_equal(a.scores, b.scores)


# ---------------------------------------------------------------------------------------------
# aggregation, constants, bad input


def test_product_with_nonpositive_values_raises_ahp_12():
    with pytest.raises(CvlibInputError, match="v > 0"):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, aggregate="product")  # z-scores < 0
    with pytest.raises(CvlibInputError, match="v > 0"):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, normalize="minmax", aggregate="product")


def test_constant_indicator_raises_naming_it_ahp_12():
    data = TINY.assign(flat=5.0)
    weights = {"sales": 0.5, "cost": 0.3, "flat": 0.2}
    dirs = {**TINY_DIRS, "flat": "benefit"}
    with pytest.raises(CvlibInputError, match="'flat'.*constant"):
        score_customers(data, weights, directions=dirs)


def test_constant_indicator_zero_contributes_nothing_with_warning_ahp_12():
    data = TINY.assign(flat=5.0)
    weights = {"sales": 0.5, "cost": 0.3, "flat": 0.2}
    dirs = {**TINY_DIRS, "flat": "benefit"}
    with pytest.warns(UserWarning, match="'flat'.*contribute nothing"):
        res = score_customers(data, weights, directions=dirs, constant_indicator="zero")
    assert res.constant_indicators == ("flat",)
    assert (res.normalized["flat"] == 0).all()
    assert (res.contributions["flat"] == 0).all()
    z = score_customers(TINY, TINY_W, directions=TINY_DIRS).normalized
    np.testing.assert_allclose(res.scores, 0.5 * z["sales"] + 0.3 * z["cost"], atol=1e-15)


def test_text_in_numeric_column_raises_type_error_naming_it():
    data = TINY.astype("object")
    data.loc["c2", "sales"] = "2OO"
    with pytest.raises(TypeError, match="'sales'"):
        score_customers(data, TINY_W, directions=TINY_DIRS)


def test_infinite_value_raises_naming_column_and_row():
    data = TINY.astype("float64")
    data.loc["c3", "cost"] = np.inf
    with pytest.raises(ValueError, match="'cost'.*'c3'"):
        score_customers(data, TINY_W, directions=TINY_DIRS)


def test_unknown_direction_raises():
    with pytest.raises(CvlibInputError, match="unknown direction 'up'"):
        score_customers(TINY, TINY_W, directions={"sales": "up", "cost": "cost"})
    with pytest.raises(CvlibInputError, match="minmax"):
        score_customers(TINY, TINY_W, directions={"sales": ("intermediate", 200), "cost": "cost"})


def test_unknown_options_raise():
    for kwargs in (
        {"normalize": "l2"},
        {"aggregate": "mean"},
        {"missing": "drop"},
        {"constant_indicator": "skip"},
        {"sub_scores": "branch"},
    ):
        with pytest.raises(CvlibInputError, match="not a valid option"):
            score_customers(TINY, TINY_W, directions=TINY_DIRS, **kwargs)


def test_groups_validation():
    with pytest.raises(KeyError, match="'nope'"):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, groups={"g": ["sales", "nope"]})
    with pytest.raises(CvlibInputError, match="one branch"):
        score_customers(
            TINY, TINY_W, directions=TINY_DIRS, groups={"g": ["sales"], "h": ["sales", "cost"]}
        )


def test_duplicate_customer_ids_raise():
    data = TINY.set_axis(["c1", "c1", "c3"])
    with pytest.raises(CvlibInputError, match="duplicated customer id"):
        score_customers(data, TINY_W, directions=TINY_DIRS)


def test_input_never_mutated():
    data = _with_gap()
    before = data.copy()
    weights = pd.Series(TINY_W)
    w_before = weights.copy()
    score_customers(data, weights, directions=TINY_DIRS, missing="mean")
    score_customers(data, weights, directions=TINY_DIRS, missing="renormalize", normalize="minmax")
    res = score_customers(
        data.assign(flat=1.0),
        {**TINY_W, "sales": 0.5, "flat": 0.1},
        directions={**TINY_DIRS, "flat": "benefit"},
        normalize="ideal",
        missing="renormalize",
    )
    assert res.scores.notna().all()
    pd.testing.assert_frame_equal(data, before)
    pd.testing.assert_series_equal(weights, w_before)


def test_result_repr_summary_and_frozen():
    res = lubricant()
    text = repr(res)
    assert "normalize='zscore'" in text and "TP1" in text
    assert "<table" in res._repr_html_()
    summary = res.summary()
    assert list(summary.index) == list(LUBRICANT.columns)
    assert summary.loc["LO1", "group"] == "潜在价值"
    assert summary["weight"].sum() == pytest.approx(1.0)
    table = res.table
    assert list(table.columns) == ["score", "rank", "当前价值", "潜在价值", "n_missing"]
    with pytest.raises(AttributeError):
        res.normalize = "minmax"


# ---------------------------------------------------------------------------------------------
# regressions: options the normalize ignores, weight types, groups partition, read-only results


@pytest.mark.parametrize(
    ("kwargs", "option", "needs"),
    [
        ({"bounds": {"sales": (0, 400), "cost": (0, 100)}}, "bounds", "bounds"),
        ({"bounds": (0, 400), "normalize": "minmax"}, "bounds", "bounds"),
        ({"out_of_range": "clip"}, "out_of_range", "bounds"),
        ({"out_of_range": "raise", "normalize": "minmax"}, "out_of_range", "bounds"),  # default
        ({"feature_range": (0, 1)}, "feature_range", "minmax"),
        (
            {"feature_range": (0, 100), "normalize": "bounds", "bounds": (0, 400)},
            "feature_range",
            "minmax",
        ),
        ({"feature_range": (0, 1), "normalize": "ideal"}, "feature_range", "minmax"),
        ({"feature_range": (0, 1), "normalize": "none"}, "feature_range", "minmax"),
    ],
)
def test_options_ignored_by_the_chosen_normalize_raise_naming_option_and_method(
    kwargs, option, needs
):
    normalize = kwargs.get("normalize", "zscore")
    pattern = rf"{option}= applies only to normalize='{needs}'.*normalize='{normalize}' ignores it"
    with pytest.raises(CvlibInputError, match=pattern):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, **kwargs)


def test_several_ignored_options_are_all_named():
    with pytest.raises(
        CvlibInputError,
        match=r"bounds= applies only to normalize='bounds'; out_of_range= applies only to "
        r"normalize='bounds'; feature_range= applies only to normalize='minmax', but "
        r"normalize='zscore' ignores them",
    ):
        score_customers(
            TINY,
            TINY_W,
            directions=TINY_DIRS,
            bounds=(0, 400),
            out_of_range="clip",
            feature_range=(0, 1),
        )


def test_options_for_the_chosen_normalize_are_still_accepted():
    mm = score_customers(
        TINY, TINY_W, directions=TINY_DIRS, normalize="minmax", feature_range=(0, 1)
    )
    np.testing.assert_allclose(mm.scores, [0, 0.6, 1.0], atol=1e-12)
    assert mm.feature_range == (0, 1)
    assert score_customers(
        TINY, TINY_W, directions=TINY_DIRS, normalize="minmax"
    ).feature_range == (
        0,
        100,
    )
    b = score_customers(
        TINY,
        TINY_W,
        directions=TINY_DIRS,
        normalize="bounds",
        bounds=(0, 400),
        out_of_range="raise",
    )
    assert b.bounds == {"sales": (0, 400), "cost": (0, 400)}
    # bounds=None is "no bounds", not an option given to the wrong method
    z = score_customers(TINY, TINY_W, directions=TINY_DIRS, bounds=None)
    assert z.feature_range is None and z.bounds is None
    with pytest.raises(CvlibInputError, match="not a valid option"):
        score_customers(
            TINY,
            TINY_W,
            directions=TINY_DIRS,
            normalize="bounds",
            bounds=(0, 400),
            out_of_range="x",
        )


@pytest.mark.parametrize(
    "weights",
    [
        {"sales": "0.6", "cost": 0.4},
        pd.Series({"sales": "0.6", "cost": "0.4"}),
        pd.Series({"sales": "0.6", "cost": "0.4"}, dtype="string"),
    ],
)
def test_weights_given_as_text_raise_type_error_naming_indicator_and_value(weights):
    with pytest.raises(TypeError, match=r"weight of indicator 'sales' is the text '0.6'"):
        score_customers(TINY, weights, directions=TINY_DIRS)


def test_weights_bool_raise_type_error():
    with pytest.raises(TypeError, match=r"'sales' is the boolean True"):
        score_customers(TINY, {"sales": True, "cost": False}, directions=TINY_DIRS)
    with pytest.raises(TypeError, match=r"'cost' is the boolean"):
        score_customers(TINY, pd.Series({"sales": 1.0, "cost": np.False_}), directions=TINY_DIRS)
    with pytest.raises(TypeError, match=r"'cost' is \[0.4\] \(list\)"):
        score_customers(TINY, {"sales": 0.6, "cost": [0.4]}, directions=TINY_DIRS)


@pytest.mark.parametrize(
    ("cost", "pattern"),
    [
        (np.nan, r"missing \(NaN/None\) for indicator\(s\) 'cost'"),
        (None, r"missing \(NaN/None\) for indicator\(s\) 'cost'"),
        (np.inf, r"infinite for indicator\(s\) 'cost' \(inf\)"),
        (-np.inf, r"infinite for indicator\(s\) 'cost' \(-inf\)"),
        (-0.2, r"negative for indicator\(s\) 'cost' \(-0.2\)"),
    ],
)
def test_weights_nan_inf_and_negative_raise_naming_indicator(cost, pattern):
    with pytest.raises(CvlibInputError, match=rf"finite and >= 0; {pattern}"):
        score_customers(TINY, {"sales": 1.2, "cost": cost}, directions=TINY_DIRS, renormalize=True)


def test_weights_numpy_and_integer_numbers_are_accepted():
    a = score_customers(TINY, {"sales": np.float32(0.5), "cost": 0.5}, directions=TINY_DIRS)
    b = score_customers(TINY, {"sales": 1, "cost": 0}, directions=TINY_DIRS)
    np.testing.assert_allclose(b.scores, b.normalized["sales"], atol=1e-15)
    assert a.weights.dtype == "float64"


def test_groups_must_cover_every_indicator():
    with pytest.raises(CvlibInputError, match=r"partition.*in no group: 'cost'"):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, groups={"g": ["sales"]})
    partial = {"当前价值": list(LUBRICANT.columns[:7]), "潜在价值": ["LO1", "LO2"]}
    with pytest.raises(CvlibInputError, match=r"in no group: 'CR1', 'CR2', 'CR3'"):
        score_customers(LUBRICANT, SEED_WEIGHTS, directions="benefit", groups=partial)
    with pytest.raises(CvlibInputError, match=r"in no group: 'sales', 'cost'.*groups=None"):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, groups={})


def test_groups_indicator_in_two_groups_lists_all_of_them():
    groups = {"g": ["sales", "cost"], "h": ["sales", "cost"]}
    with pytest.raises(CvlibInputError, match=r"one group: 'sales' in 'g' and 'h', 'cost' in 'g'"):
        score_customers(TINY, TINY_W, directions=TINY_DIRS, groups=groups)
    with pytest.raises(CvlibInputError, match=r"'g' names indicator\(s\) 'sales' twice"):
        score_customers(
            TINY, TINY_W, directions=TINY_DIRS, groups={"g": ["sales", "sales"], "h": ["cost"]}
        )


def test_groups_naming_unknown_indicator_raises_key_error():
    with pytest.raises(KeyError, match="'nope'"):
        score_customers(
            TINY, TINY_W, directions=TINY_DIRS, groups={"g": ["sales", "cost"], "h": ["nope"]}
        )


def test_groups_partition_sub_scores_add_up_to_y():
    res = score_customers(
        TINY, TINY_W, directions=TINY_DIRS, groups={"g": ["sales"], "h": ["cost"]}
    )
    np.testing.assert_allclose(res.sub_scores.sum(axis=1), res.scores, atol=1e-15)


def test_score_result_does_not_change_when_returned_objects_are_mutated():
    res = lubricant(missing="renormalize")
    before = {
        name: getattr(res, name)
        for name in (
            "scores",
            "sub_scores",
            "normalized",
            "weights",
            "n_missing",
            "observed_weight",
            "group_weights",
            "rank",
            "table",
            "contributions",
        )
    }
    summary, top = res.summary(), res.top(3)
    directions, groups = res.directions, res.groups
    scores = res.scores
    scores.iloc[0] = 5.0
    sub = res.sub_scores
    sub.iloc[0, 0] = 5.0
    normalized = res.normalized
    normalized.iloc[:, 0] = 0.0
    weights = res.weights
    weights.iloc[0] = 1.0
    for series in (res.n_missing, res.observed_weight, res.group_weights, res.rank):
        series.iloc[0] = 9
    table = res.table
    table.iloc[0, 0] = 5.0
    res.rank.array[0] = 7  # through the Int64 array itself
    res.directions["TP1"] = "cost"
    res.groups["当前价值"].append("LO1")
    res.groups["extra"] = ["TP1"]
    for name, value in before.items():
        got = getattr(res, name)
        if isinstance(value, pd.Series):
            pd.testing.assert_series_equal(got, value, obj=name)
        else:
            pd.testing.assert_frame_equal(got, value, obj=name)
    pd.testing.assert_frame_equal(res.summary(), summary)
    pd.testing.assert_frame_equal(res.top(3), top)
    assert res.directions == directions and res.groups == groups
    np.testing.assert_allclose(res.scores, ZSCORE_Y, atol=TOL)


def test_score_result_does_not_change_when_the_inputs_are_mutated():
    data = TINY.astype("float64")
    weights = pd.Series(TINY_W)
    bounds = {"sales": [0, 400], "cost": [0, 100]}
    res = score_customers(data, weights, directions=TINY_DIRS, normalize="bounds", bounds=bounds)
    scores = res.scores
    data.iloc[0, 0] = 1e6
    weights.iloc[0] = 9.0
    bounds["sales"][1] = 1
    pd.testing.assert_series_equal(res.scores, scores)
    assert res.weights["sales"] == 0.6
    assert res.bounds["sales"] == [0, 400]

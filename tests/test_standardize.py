"""Reference-value, property and bad-input tests for cvlib.standardize.

Sources: ``methods/standardize.md`` (§ numbers in the test names and comments); [PSPP] values come
from GNU PSPP 1.6.2, [exact] values are hand-checkable arithmetic.
"""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pandas as pd
import pytest

import cvlib.standardize as std
from cvlib.standardize import (
    EntropyResult,
    combine_weights,
    entropy_weights,
    minmax,
    normalize,
    rescale_0_100,
    zscore,
)

TOL = 1e-6  # reference values are given to 6 decimals

SPSS_Z = [-1.264911, -0.632456, 0.0, 0.632456, 1.264911]
LISTWISE_Z = [-1.317465, np.nan, -0.146385, 0.439155, 1.024695]


def close(actual, expected, atol=TOL):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), expected, rtol=0, atol=atol)


@pytest.fixture
def xy():
    return pd.DataFrame({"x": [1, 2, 3, 4, 5], "y": [10, np.nan, 30, 40, 50]})


@pytest.fixture
def indicators():
    """A non-degenerate indicator matrix (8 customers x 4 indicators)."""
    rng = np.random.default_rng(20240601)
    return pd.DataFrame(
        {
            "profit": rng.gamma(2.0, 50.0, 8),
            "volume": rng.integers(1, 40, 8).astype(float),
            "service_cost": rng.uniform(5, 30, 8),
            "loyalty": rng.normal(3.5, 1.0, 8),
        },
        index=[f"c{i}" for i in range(8)],
    )


# ============================================================================================
# §1.6 z-score reference cases
# ============================================================================================


def test_zscore_pspp_descriptives_save():
    z = zscore(pd.DataFrame({"x": [1, 2, 3, 4, 5]}))
    close(z["x"], SPSS_Z)
    info = z.attrs["cvlib"]
    close(info["mean"]["x"], 3.0)
    close(info["sd"]["x"], 1.581139)
    close(info["sd"]["x"], np.sqrt(2.5), atol=1e-12)
    assert info["ddof"] == 1 and info["n"] == {"x": 5}


def test_zscore_positional_data_and_keyword_ddof():
    df = pd.DataFrame({"x": [1, 2, 3, 4, 5]})
    close(zscore(df, ddof=1)["x"], SPSS_Z)


def test_zscore_population_convention_sklearn():
    z = zscore(pd.DataFrame({"x": [1, 2, 3, 4, 5]}), ddof=0)
    close(z["x"], [-1.414214, -0.707107, 0.0, 0.707107, 1.414214])
    assert z.attrs["cvlib"]["ddof"] == 0


@pytest.mark.parametrize(("alias", "expected"), [("sample", 1), ("spss", 1), ("population", 0)])
def test_zscore_ddof_aliases(alias, expected):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    z = zscore(df, ddof=alias)
    assert z.attrs["cvlib"]["ddof"] == expected
    pd.testing.assert_frame_equal(z, zscore(df, ddof=expected))


def test_zscore_missing_variable_exact():
    z = zscore(pd.DataFrame({"x": [1, 2, np.nan, 4, 5]}))
    close(z["x"], [-1.095445, -0.547723, np.nan, 0.547723, 1.095445])
    close(z.attrs["cvlib"]["mean"]["x"], 3.0)
    close(z.attrs["cvlib"]["sd"]["x"], 1.825742)
    assert z.attrs["cvlib"]["n"]["x"] == 4


def test_zscore_pspp_listwise(xy):
    z = zscore(xy, missing="listwise")
    close(z["x"], LISTWISE_Z)
    close(z["y"], LISTWISE_Z)
    info = z.attrs["cvlib"]
    close(info["mean"]["x"], 3.25)
    close(info["sd"]["x"], 1.707825)
    assert info["rows_dropped"] == 1
    assert info["n"] == {"x": 4, "y": 4}
    assert info["missing"] == "listwise"


def test_zscore_pspp_listwise_vs_variable(xy):
    z = zscore(xy, missing="variable")
    close(z["x"], SPSS_Z)
    close(z["y"], LISTWISE_Z)
    assert z.attrs["cvlib"]["n"] == {"x": 5, "y": 4}
    assert z.attrs["cvlib"]["rows_dropped"] == 0


def test_zscore_pspp_weighted():
    df = pd.DataFrame({"x": [1, 2, 3], "w": [1, 1, 2]})
    z = zscore(df, weights="w")
    assert list(z.columns) == ["x"]  # the weight column is not standardized
    close(z["x"], [-1.305582, -0.261116, 0.783349])
    close(z.attrs["cvlib"]["mean"]["x"], 2.25)
    close(z.attrs["cvlib"]["sd"]["x"], 0.957427)
    assert z.attrs["cvlib"]["weights"] == "w"
    assert z.attrs["cvlib"]["sum_weights"] == {"x": 4.0}
    # equal to the unweighted z on 1, 2, 3, 3
    unweighted = zscore(pd.DataFrame({"x": [1, 2, 3, 3]}))
    close(z["x"], unweighted["x"].to_numpy()[:3], atol=1e-12)


def test_zscore_pspp_zero_weight_still_scored():
    df = pd.DataFrame({"x": [1, 2, 3, 9], "w": [1, 1, 2, 0]})
    z = zscore(df, weights="w")
    close(z.attrs["cvlib"]["mean"]["x"], 2.25)
    close(z.attrs["cvlib"]["sd"]["x"], 0.957427)
    close(z["x"], [-1.305582, -0.261116, 0.783349, 7.050145])


def test_zscore_pspp_fractional_weights():
    z = zscore(pd.DataFrame({"x": [1, 2, 3]}), weights=[0.5, 1.5, 2.0])
    close(z["x"], [-1.710970, -0.466628, 0.777714])
    close(z.attrs["cvlib"]["mean"]["x"], 2.375)
    close(z.attrs["cvlib"]["sd"]["x"], 0.803638)
    assert z.attrs["cvlib"]["weights"] == "array"


def test_zscore_pspp_constant_column_nan_and_warning():
    df = pd.DataFrame({"c": [3, 3, 3, 3, 3], "x": [1, 2, 3, 4, 5]})
    with pytest.warns(UserWarning, match="'c'"):
        z = zscore(df)
    assert z["c"].isna().all()
    close(z["x"], SPSS_Z)
    assert z.attrs["cvlib"]["constant_columns"] == ["c"]


def test_zscore_constant_column_raise():
    with pytest.raises(ValueError, match="'c'.*constant"):
        zscore(pd.DataFrame({"c": [3.0, 3.0, 3.0]}), on_constant="raise")


def test_zscore_one_valid_value_nan_and_warning():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [np.nan, 4.0, np.nan]})
    with pytest.warns(UserWarning, match="'y' has 1 valid"):
        z = zscore(df)
    assert z["y"].isna().all()
    close(z["x"], [-1.0, 0.0, 1.0], atol=1e-12)


# ============================================================================================
# §1.6 property tests
# ============================================================================================


def test_zscore_sample_population_ratio_spec_1_2():
    rng = np.random.default_rng(1)
    for n in (2, 5, 13, 200):
        df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.gamma(2.0, size=n)})
        z1, z0 = zscore(df, ddof=1), zscore(df, ddof=0)
        close(z1, z0.to_numpy() * np.sqrt((n - 1) / n), atol=1e-12)


def test_zscore_ratio_factor_n5():
    z1 = zscore(pd.DataFrame({"x": [1, 2, 3, 4, 5]}))
    z0 = zscore(pd.DataFrame({"x": [1, 2, 3, 4, 5]}), ddof=0)
    close(z1["x"] / z0["x"].replace(0, np.nan), [0.894427] * 2 + [np.nan] + [0.894427] * 2)


@pytest.mark.parametrize("ddof", [0, 1])
def test_zscore_integer_weights_equal_repeated_rows(ddof):
    rng = np.random.default_rng(7)
    x = rng.normal(10, 3, 12)
    w = rng.integers(0, 5, 12)
    w[:2] = [2, 3]  # W > 1 and at least two distinct contributing cases
    weighted = zscore(pd.DataFrame({"x": x, "w": w}), weights="w", ddof=ddof)
    repeated = zscore(pd.DataFrame({"x": np.repeat(x, w)}), ddof=ddof)
    close(weighted.attrs["cvlib"]["mean"]["x"], repeated.attrs["cvlib"]["mean"]["x"], 1e-12)
    close(weighted.attrs["cvlib"]["sd"]["x"], repeated.attrs["cvlib"]["sd"]["x"], 1e-12)
    first = np.concatenate([[0], np.cumsum(w)[:-1]])  # position of each row's first copy
    keep = w > 0
    close(weighted["x"].to_numpy()[keep], repeated["x"].to_numpy()[first[keep]], 1e-12)


@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("missing", ["variable", "listwise"])
def test_zscore_mean_zero_sd_one_over_rows_used(ddof, missing):
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(50, 12, (40, 3)), columns=["a", "b", "c"])
    df.iloc[[1, 5, 9], 0] = np.nan
    df.iloc[[2, 5], 2] = np.nan
    z = zscore(df, ddof=ddof, missing=missing)
    for col in z.columns:
        v = z[col].dropna().to_numpy()
        close(v.mean(), 0.0, 1e-12)
        close(v.std(ddof=ddof), 1.0, 1e-12)
    if missing == "listwise":
        assert z.attrs["cvlib"]["rows_dropped"] == 4
        assert z.iloc[[1, 2, 5, 9]].isna().all().all()


def test_zscore_weighted_mean_zero_sd_one():
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=30), rng.uniform(0, 3, 30)
    z = zscore(pd.DataFrame({"x": x}), weights=w)["x"].to_numpy()
    close(np.sum(w * z) / w.sum(), 0.0, 1e-12)
    close(np.sum(w * z**2) / (w.sum() - 1), 1.0, 1e-12)


# ============================================================================================
# §1 API behaviour
# ============================================================================================


def test_zscore_prefix_spss_naming_keeps_input(xy):
    df = xy.assign(name=list("abcde"))
    with pytest.warns(UserWarning, match="skipped non-numeric column.*'name'"):
        out = zscore(df, prefix="Z")
    assert list(out.columns) == ["x", "y", "name", "Zx", "Zy"]
    pd.testing.assert_frame_equal(out[["x", "y", "name"]], df)
    close(out["Zx"], SPSS_Z)
    assert out.attrs["cvlib"]["skipped_columns"] == ["name"]


def test_zscore_prefix_clash_raises():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "Zx": [0.0, 1.0, 2.0]})
    with pytest.raises(ValueError, match="'Zx'"):
        zscore(df, columns=["x"], prefix="Z")


def test_zscore_columns_subset_returns_only_selected(xy):
    out = zscore(xy.assign(z=[5.0, 4.0, 3.0, 2.0, 1.0]), columns=["z", "x"])
    assert list(out.columns) == ["z", "x"]
    close(out["x"], SPSS_Z)


def test_zscore_empty_column_selection_raises():
    with pytest.raises(ValueError, match="no columns"):
        zscore(pd.DataFrame({"a": [1.0, 2.0]}), columns=[])


def test_zscore_default_skips_text_columns_and_records_them():
    df = pd.DataFrame({"id": ["a", "b", "c"], "x": [1.0, 2.0, 3.0]})
    with pytest.warns(UserWarning, match="skipped non-numeric column.*'id'"):
        out = zscore(df)
    assert list(out.columns) == ["x"]
    assert out.attrs["cvlib"]["skipped_columns"] == ["id"]


def test_zscore_default_warns_listing_every_skipped_label_column():
    df = pd.DataFrame(
        {
            "id": ["c1", "c2", "c3", "c4"],
            "x": [1.0, 2.0, 3.0, 4.0],
            "name": ["Li", "Wang", "Zhang", "7"],  # one number among names: still a label
            "since": pd.date_range("2020-01-01", periods=4),
        }
    )
    with pytest.warns(UserWarning, match="'id', 'name', 'since'") as caught:
        out = zscore(df)
    assert len([w for w in caught if "skipped" in str(w.message)]) == 1
    assert list(out.columns) == ["x"]
    assert out.attrs["cvlib"]["skipped_columns"] == ["id", "name", "since"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # explicit columns: nothing skipped, no warning
        explicit = zscore(df, columns=["x"])
    assert explicit.attrs["cvlib"]["skipped_columns"] == []


@pytest.mark.parametrize("dtype", [object, "string", "category"])
def test_zscore_default_numeric_column_with_a_typo_raises(dtype):
    # review: {'x': [1, 2, 'n/a', 4]} was silently dropped (only recorded in attrs)
    values = [1, 2, "n/a", 4] if dtype is object else ["1", "2", "n/a", "4"]
    index = ["r1", "r2", "r3", "r4"]
    df = pd.DataFrame(
        {"x": pd.Series(values, index=index, dtype=dtype), "y": [1.0, 2.0, 3.0, 5.0]},
        index=index,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a TypeError, not a skip with a warning
        with pytest.raises(TypeError, match=r"column 'x' .*row 'r3' holds 'n/a'"):
            zscore(df)


def test_zscore_default_typo_rule_threshold_and_all_numbers_as_text():
    half = pd.DataFrame({"x": ["1", "2", "a", "b", None], "y": [1.0, 2.0, 3.0, 4.0, 5.0]})
    with pytest.raises(TypeError, match=r"'x'.*2 of its 4 non-missing values are numbers"):
        zscore(half)  # exactly half of the non-missing values parse: numeric with typos
    text_numbers = pd.DataFrame({"x": ["1", "2", "3"], "y": [1.0, 2.0, 4.0]})
    with pytest.raises(TypeError, match=r"'x'.*all its 3 non-missing values are numbers"):
        zscore(text_numbers)
    mostly_text = pd.DataFrame({"x": ["1", "a", "b"], "y": [1.0, 2.0, 4.0]})
    with pytest.warns(UserWarning, match="'x'"):
        assert list(zscore(mostly_text).columns) == ["y"]


def test_zscore_default_weight_column_is_neither_skipped_nor_standardized():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "w": [1.0, 1.0, 2.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = zscore(df, weights="w")
    assert list(out.columns) == ["x"] and out.attrs["cvlib"]["skipped_columns"] == []


def test_zscore_default_only_label_columns_raises_type_error():
    with pytest.raises(TypeError, match="no numeric column"):
        zscore(pd.DataFrame({"id": ["a", "b", "c"]}))


def test_zscore_series_in_series_out():
    s = pd.Series([1, 2, 3, 4, 5], index=list("abcde"), name="spend")
    z = zscore(s)
    assert isinstance(z, pd.Series) and z.name == "spend"
    assert z.index.equals(s.index)
    close(z, SPSS_Z)


def test_zscore_weights_series_aligned_and_misaligned():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    w = pd.Series([1.0, 1.0, 2.0], index=df.index)
    close(zscore(df, weights=w)["x"], [-1.305582, -0.261116, 0.783349])
    with pytest.raises(ValueError, match="index"):
        zscore(df, weights=w.set_axis(["c", "b", "a"]))
    with pytest.raises(ValueError, match="3 rows"):
        zscore(df, weights=[1.0, 2.0])


@pytest.mark.parametrize("bad", [[1.0, -1.0, 2.0], [1.0, np.nan, 2.0], [1.0, np.inf, 2.0]])
def test_zscore_spec_1_4_bad_weights_raise(bad):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["r1", "r2", "r3"])
    with pytest.raises(ValueError, match="'r2'"):
        zscore(df, weights=bad)


def test_zscore_spec_1_4_total_weight_at_most_one_raises():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="W = 1"):
        zscore(df, weights=[0.25, 0.25, 0.5])
    # with ddof=0 the same weights are fine
    z = zscore(df, weights=[0.25, 0.25, 0.5], ddof=0)
    assert np.isfinite(z["x"]).all()


@pytest.mark.parametrize(
    "weights",
    [
        pd.array([1, 1, 2], dtype="Int64"),
        pd.array([1.0, 1.0, 2.0], dtype="Float64"),
        pd.Index([1.0, 1.0, 2.0]),
        (1.0, 1.0, 2.0),
        np.array([1, 1, 2]),
    ],
    ids=["Int64", "Float64", "Index", "tuple", "ndarray"],
)
def test_zscore_weights_array_likes(weights):
    # review: an extension array was taken for a column name (unhashable type: 'IntegerArray')
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    close(zscore(df, weights=weights)["x"], [-1.305582, -0.261116, 0.783349])


@pytest.mark.parametrize(
    "weights",
    [
        pd.array([1, pd.NA, 2], dtype="Int64"),
        pd.array([1.0, pd.NA, 2.0], dtype="Float64"),
        [1, pd.NA, 2],
        [1.0, None, 2.0],
    ],
    ids=["Int64", "Float64", "list_NA", "list_None"],
)
def test_zscore_nullable_weights_with_na_raise_missing_weight(weights):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["r1", "r2", "r3"])
    with pytest.raises(ValueError, match=r"missing weights: row 'r2'"):
        zscore(df, weights=weights)
    nullable_col = df.assign(w=pd.Series(pd.array([1, pd.NA, 2], dtype="Int64"), index=df.index))
    with pytest.raises(ValueError, match=r"missing weights: row 'r2'"):
        zscore(nullable_col, weights="w")


def test_zscore_weights_tuple_column_name_still_names_a_column():
    df = pd.DataFrame({("m", "x"): [1.0, 2.0, 3.0], ("m", "w"): [1.0, 1.0, 2.0]})
    out = zscore(df, weights=("m", "w"))
    assert list(out.columns) == [("m", "x")]
    close(out[("m", "x")], [-1.305582, -0.261116, 0.783349])
    assert out.attrs["cvlib"]["weights"] == ("m", "w")
    with pytest.raises(ValueError, match="3 rows"):
        zscore(df, weights=("m", "nope"))  # not a column: an array of the wrong length


def test_zscore_listwise_without_complete_rows_raises():
    df = pd.DataFrame({"x": [1.0, np.nan], "y": [np.nan, 2.0]})
    with pytest.raises(ValueError, match="listwise"):
        zscore(df, missing="listwise")


@pytest.mark.parametrize("bad", [2, -1, True, "unbiased", 0.5])
def test_zscore_unknown_ddof_raises(bad):
    with pytest.raises(ValueError, match="sample"):
        zscore(pd.DataFrame({"x": [1.0, 2.0]}), ddof=bad)


def test_zscore_docstring_names_sklearn_difference():
    assert "StandardScaler" in zscore.__doc__ and "ddof=0" in zscore.__doc__


# ============================================================================================
# §2.4 min-max and normalization reference cases [exact]
# ============================================================================================

X24 = pd.DataFrame({"x": [2.0, 4.0, 6.0, 10.0]})


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"directions": "benefit"}, [0, 0.25, 0.5, 1]),
        ({"directions": "cost"}, [1, 0.75, 0.5, 0]),
        ({"directions": "benefit", "feature_range": (0.002, 1)}, [0.002, 0.2515, 0.501, 1]),
        ({"directions": {"x": ("intermediate", 5)}}, [0.4, 0.8, 0.8, 0]),
        ({"directions": {"x": ("interval", 4, 6)}}, [0.5, 1, 1, 0]),
    ],
    ids=["benefit", "cost", "affine_0.002", "intermediate_5", "interval_4_6"],
)
def test_minmax_spec_2_4(kwargs, expected):
    out = minmax(X24, **kwargs)
    close(out["x"], expected)


@pytest.mark.parametrize(
    ("method", "directions", "expected"),
    [
        ("vector", None, [0.160128, 0.320256, 0.480384, 0.800641]),
        ("sum", None, [0.090909, 0.181818, 0.272727, 0.454545]),
        ("max", "benefit", [0.2, 0.4, 0.6, 1]),
        ("max", "cost", [1, 0.5, 0.333333, 0.2]),
        ("mean", None, [0.363636, 0.727273, 1.090909, 1.818182]),
        ("reciprocal", None, [0.5, 0.25, 0.166667, 0.1]),
        ("reflect", None, [8, 6, 4, 0]),
    ],
)
def test_normalize_spec_2_4(method, directions, expected):
    out = normalize(X24, method=method, directions=directions)
    close(out["x"], expected)
    assert out.attrs["cvlib"]["method"] == method


def test_normalize_vector_norm_recorded():
    out = normalize(X24, method="vector")
    close(out.attrs["cvlib"]["reference"]["x"], 12.489996)
    close(out.attrs["cvlib"]["reference"]["x"], np.sqrt(156), atol=1e-12)


def test_minmax_records_convention():
    out = minmax(X24.assign(y=[1.0, 2.0, 3.0, 4.0]), directions={"x": "逆向", "y": "正向"})
    info = out.attrs["cvlib"]
    assert info["directions"] == {"x": "cost", "y": "benefit"}
    assert info["min"] == {"x": 2.0, "y": 1.0} and info["max"] == {"x": 10.0, "y": 4.0}
    assert info["feature_range"] == (0.0, 1.0)


def test_minmax_missing_stays_missing():
    out = minmax(pd.DataFrame({"x": [2.0, np.nan, 6.0, 10.0]}), directions="benefit")
    close(out["x"], [0.0, np.nan, 0.5, 1.0])
    out = minmax(pd.DataFrame({"x": [2.0, np.nan, 6.0, 10.0]}), directions=[("interval", 4, 6)])
    close(out["x"], [0.5, np.nan, 1.0, 0.0])


def test_minmax_intermediate_all_best_gives_one():
    out = minmax(pd.DataFrame({"x": [5.0, 5.0, np.nan]}), directions=[("intermediate", 5)])
    close(out["x"], [1.0, 1.0, np.nan])


def test_minmax_interval_all_inside_gives_one():
    out = minmax(pd.DataFrame({"x": [4.0, 5.0, 6.0]}), directions=[("interval", 3, 7)])
    close(out["x"], [1.0, 1.0, 1.0])


def test_minmax_interval_a_greater_than_b_raises():
    with pytest.raises(ValueError, match="a = 6 > b = 4"):
        minmax(X24, directions=[("interval", 6, 4)])


def test_minmax_constant_column_nan_warning_or_raise():
    df = pd.DataFrame({"c": [7.0, 7.0, 7.0], "x": [1.0, 2.0, 3.0]})
    with pytest.warns(UserWarning, match="'c'"):
        out = minmax(df, directions="benefit")
    assert out["c"].isna().all()
    with pytest.raises(ValueError, match="'c'"):
        minmax(df, directions="benefit", on_constant="raise")


@pytest.mark.parametrize("rng_bad", [(1, 1), (1, 0), (0, np.inf), ("a", 1), (0,)])
def test_minmax_bad_feature_range(rng_bad):
    with pytest.raises(ValueError, match="feature_range"):
        minmax(X24, directions="benefit", feature_range=rng_bad)


def test_minmax_directions_required():
    with pytest.raises(TypeError, match="directions"):
        minmax(X24)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="directions are required"):
        minmax(X24, directions=None)


# ---- §2.4 property tests


@pytest.mark.parametrize("direction", ["benefit", "cost"])
def test_minmax_invariant_to_scale_and_shift(direction):
    rng = np.random.default_rng(11)
    df = pd.DataFrame(rng.normal(size=(20, 3)), columns=["a", "b", "c"])
    moved = df.assign(a=df["a"] * 1000.0, b=df["b"] + 50.0, c=df["c"] * 3.5 - 7.0)
    close(minmax(moved, directions=direction), minmax(df, directions=direction), 1e-12)


def test_minmax_benefit_plus_cost_is_one():
    rng = np.random.default_rng(12)
    df = pd.DataFrame(rng.gamma(2.0, size=(15, 4)))
    total = minmax(df, directions="benefit") + minmax(df, directions="cost")
    close(total, np.ones(df.shape), 1e-12)


# ---- §2.3 error table


@pytest.mark.parametrize(
    ("method", "directions", "data", "match"),
    [
        ("vector", None, [0.0, 0.0, 0.0], "all zero"),
        ("sum", None, [1.0, -2.0, 3.0], "negative.*row 1 = -2"),
        ("sum", None, [0.0, 0.0, 0.0], "sums to 0"),
        ("max", "benefit", [1.0, -2.0, 3.0], "negative"),
        ("max", "benefit", [0.0, 0.0, 0.0], "max <= 0"),
        ("max", "cost", [1.0, 0.0, 3.0], "<= 0"),
        ("mean", None, [-1.0, 0.0, 1.0], "mean 0"),
        ("reciprocal", None, [1.0, 0.0, 3.0], "<= 0.*row 1 = 0"),
    ],
)
def test_normalize_spec_2_3_errors(method, directions, data, match):
    with pytest.raises(ValueError, match=match):
        normalize(pd.DataFrame({"x": data}), method=method, directions=directions)


def test_normalize_mean_warns_on_negative_values():
    with pytest.warns(UserWarning, match="'x' has negative"):
        out = normalize(pd.DataFrame({"x": [-1.0, 2.0, 5.0]}), method="mean")
    close(out["x"], [-0.5, 1.0, 2.5], 1e-12)


def test_normalize_max_needs_benefit_or_cost_directions():
    with pytest.raises(ValueError, match="directions are required"):
        normalize(X24, method="max")
    with pytest.raises(ValueError, match="benefit.*cost"):
        normalize(X24, method="max", directions=[("intermediate", 5)])
    with pytest.raises(ValueError, match="does not use directions"):
        normalize(X24, method="sum", directions="benefit")


def test_normalize_keeps_missing():
    out = normalize(pd.DataFrame({"x": [2.0, np.nan, 4.0]}), method="sum")
    close(out["x"], [1 / 3, np.nan, 2 / 3], 1e-12)


# ============================================================================================
# §3 0-100 rescaling [exact]
# ============================================================================================


@pytest.mark.parametrize(
    ("low", "high", "values", "expected"),
    [
        (1, 7, [1, 4, 7, 5], [0, 50, 100, 66.666667]),
        (1, 10, [1, 5, 10, 8], [0, 44.444444, 100, 77.777778]),
        (0, 10, [0, 5, 10, 7], [0, 50, 100, 70]),
    ],
    ids=["1-7", "1-10", "0-10"],
)
def test_rescale_0_100_spec_3(low, high, values, expected):
    out = rescale_0_100(pd.DataFrame({"q": values}), scale_min=low, scale_max=high)
    close(out["q"], expected)
    assert out.attrs["cvlib"]["scale_min"] == {"q": low}
    assert out.attrs["cvlib"]["scale_max"] == {"q": high}


def test_rescale_0_100_uses_theoretical_not_observed_range_mobi_cusa1():
    # CUSA1 is on a 1-10 scale but observed only on 4-10: 4 must map to 33.3, not 0
    out = rescale_0_100(pd.Series([4, 7, 10], name="CUSA1"), scale_min=1, scale_max=10)
    close(out, [33.333333, 66.666667, 100.0])


def test_rescale_0_100_per_column_bounds_and_cost():
    df = pd.DataFrame({"sat": [1, 4, 7], "wait": [0, 5, 10]})
    out = rescale_0_100(
        df,
        scale_min={"sat": 1, "wait": 0},
        scale_max={"sat": 7, "wait": 10},
        directions={"sat": "benefit", "wait": "cost"},
    )
    close(out["sat"], [0, 50, 100], 1e-12)
    close(out["wait"], [100, 50, 0], 1e-12)  # 100 (U - x) / (U - L)
    assert out.attrs["cvlib"]["directions"] == {"sat": "benefit", "wait": "cost"}


def test_rescale_0_100_out_of_range_raises_listing_rows():
    df = pd.DataFrame({"q": [1.0, 9.0, 4.0, 0.0]}, index=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"'q' has 2 value.*row 'b' = 9.*row 'd' = 0"):
        rescale_0_100(df, scale_min=1, scale_max=7)


def test_rescale_0_100_clip():
    df = pd.DataFrame({"q": [1.0, 9.0, np.nan, 0.0]})
    out = rescale_0_100(df, scale_min=1, scale_max=7, out_of_range="clip")
    close(out["q"], [0.0, 100.0, np.nan, 0.0], 1e-12)
    assert out.attrs["cvlib"]["n_clipped"] == {"q": 2}


@pytest.mark.parametrize(("low", "high"), [(7, 7), (7, 1)])
def test_rescale_0_100_low_not_below_high_raises(low, high):
    with pytest.raises(ValueError, match="scale_min must be < scale_max"):
        rescale_0_100(pd.DataFrame({"q": [1.0]}), scale_min=low, scale_max=high)


def test_rescale_0_100_missing_stays_missing_and_bounds_required():
    out = rescale_0_100(pd.DataFrame({"q": [1.0, np.nan, 7.0]}), scale_min=1, scale_max=7)
    close(out["q"], [0.0, np.nan, 100.0], 1e-12)
    with pytest.raises(KeyError, match="'r'"):
        rescale_0_100(pd.DataFrame({"q": [1.0], "r": [2.0]}), scale_min={"q": 1}, scale_max=7)
    with pytest.raises(KeyError, match="'zz'"):
        rescale_0_100(pd.DataFrame({"q": [1.0]}), scale_min={"q": 1, "zz": 0}, scale_max=7)


def test_rescale_0_100_bounds_never_observed():
    with pytest.raises(ValueError, match="scale_min is required.*never the observed min"):
        rescale_0_100(pd.DataFrame({"q": [1.0, 2.0]}), scale_min=None, scale_max=7)


def test_rescale_0_100_breakpoints_value_and_credit_1_2():
    df = pd.DataFrame({"profit": [0.0, 25.0, 50.0, 75.0, 100.0, 5.0, 95.0], "sat": [1.0] * 7})
    out = rescale_0_100(
        df,
        scale_min={"profit": 0, "sat": 1},
        scale_max={"profit": 100, "sat": 7},
        breakpoints={"profit": [(10, 0), (50, 60), (90, 100)]},
    )
    # piecewise linear between the pairs, clipped at the ends (numpy.interp)
    close(out["profit"], [0, 22.5, 60, 85, 100, 0, 100], 1e-12)
    close(out["sat"], [0.0] * 7, 1e-12)
    info = out.attrs["cvlib"]
    assert info["mapping"] == {"profit": "piecewise", "sat": "linear"}
    assert info["breakpoints"]["profit"] == [(10.0, 0.0), (50.0, 60.0), (90.0, 100.0)]


def test_rescale_0_100_breakpoints_range_from_pairs():
    out = rescale_0_100(
        pd.DataFrame({"x": [0.0, 5.0, 10.0]}),
        scale_min={},
        scale_max={},
        breakpoints={"x": [(0, 100), (10, 0)]},  # a cost mapping written as decreasing scores
    )
    close(out["x"], [100, 50, 0], 1e-12)
    with pytest.raises(ValueError, match="outside"):
        rescale_0_100(
            pd.DataFrame({"x": [11.0]}),
            scale_min=None,
            scale_max=None,
            breakpoints={"x": [(0, 0), (10, 100)]},
        )


@pytest.mark.parametrize(
    ("bps", "match"),
    [
        ({"x": [(5, 0), (1, 100)]}, "strictly increasing"),
        ({"x": [(1, 0)]}, "at least two"),
        ({"x": [(1, 0), (5, 120)]}, r"\[0, 100\]"),
        ({"x": [(1, 0), (5, "a")]}, "pairs"),
    ],
)
def test_rescale_0_100_bad_breakpoints(bps, match):
    with pytest.raises(ValueError, match=match):
        rescale_0_100(pd.DataFrame({"x": [1.0]}), scale_min=1, scale_max=5, breakpoints=bps)


def test_rescale_0_100_breakpoints_unknown_column_and_cost_conflict():
    df = pd.DataFrame({"x": [1.0]})
    with pytest.raises(KeyError, match="'y'"):
        rescale_0_100(df, scale_min=1, scale_max=5, breakpoints={"y": [(1, 0), (5, 100)]})
    with pytest.raises(ValueError, match="breakpoint"):
        rescale_0_100(
            df, scale_min=1, scale_max=5, directions="cost", breakpoints={"x": [(1, 0), (5, 100)]}
        )


# ============================================================================================
# §4 entropy weights
# ============================================================================================

ZEROS = ["0ln0", "shift", "affine", "eps"]


def test_entropy_returns_result_with_report(indicators):
    res = entropy_weights(indicators, directions={**dict.fromkeys(indicators, "benefit")})
    assert isinstance(res, EntropyResult)
    summary = res.summary()
    assert list(summary.columns) == ["direction", "entropy", "divergence", "weight"]
    assert list(summary.index) == list(indicators.columns)
    assert res.normalized.index.equals(indicators.index)
    assert res.scores.index.equals(indicators.index)
    text = repr(res)
    assert "zero='0ln0'" in text and "benefit" in text
    assert "<table" in res._repr_html_()
    assert res.weights.attrs["cvlib"]["zero"] == "0ln0"
    with pytest.raises(AttributeError):
        res.zero = "shift"  # frozen


@pytest.mark.parametrize("zero", ZEROS)
def test_entropy_formula_steps(indicators, zero):
    dirs = {"profit": "benefit", "volume": "正向", "service_cost": "成本型", "loyalty": "benefit"}
    res = entropy_weights(indicators, directions=dirs, zero=zero)
    n = len(indicators)
    xa = res.adjusted.to_numpy()
    p = xa / xa.sum(axis=0)
    close(res.proportions, p, 1e-12)
    if zero == "eps":
        e = -(p * np.log(p + res.eps)).sum(axis=0) / np.log(n)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            e = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=0) / np.log(n)
    close(res.entropy, e, 1e-12)
    close(res.divergence, 1 - e, 1e-12)
    close(res.weights, (1 - e) / (1 - e).sum(), 1e-12)
    close(res.scores, res.normalized.to_numpy() @ res.weights.to_numpy(), 1e-12)
    assert res.directions["service_cost"] == "cost"


def test_entropy_zero_variants_matrices(indicators):
    base = entropy_weights(indicators, directions="benefit")
    shifted = entropy_weights(indicators, directions="benefit", zero="shift", shift=1e-3)
    affine = entropy_weights(indicators, directions="benefit", zero="affine")
    close(shifted.adjusted, base.normalized + 1e-3, 1e-15)
    close(affine.adjusted, 0.998 * base.normalized + 0.002, 1e-15)
    # scores use x' before any shift
    close(shifted.normalized, base.normalized, 0)
    assert "shift=0.001" in repr(shifted)


def test_entropy_score_scale(indicators):
    res1 = entropy_weights(indicators, directions="benefit")
    res100 = entropy_weights(indicators, directions="benefit", score_scale=100)
    close(res100.scores, 100 * res1.scores, 1e-12)
    assert ((res100.scores >= 0) & (res100.scores <= 100)).all()


# ---- §4.4 analytic cases


def test_entropy_analytic_constant_column_weight_zero():
    df = pd.DataFrame({"a": [1.0, 2.0, 4.0, 8.0], "c": [5.0, 5.0, 5.0, 5.0]})
    with pytest.warns(UserWarning, match="'c' is constant"):
        res = entropy_weights(df, directions="benefit")
    assert res.entropy["c"] == 1.0 and res.divergence["c"] == 0.0 and res.weights["c"] == 0.0
    close(res.proportions["c"], [0.25] * 4, 1e-12)
    close(res.weights["a"], 1.0, 1e-12)
    assert res.constant_columns == ("c",)


def test_entropy_analytic_single_nonzero_entry_e_zero():
    df = pd.DataFrame({"a": [0.0, 0.0, 0.0, 1.0], "b": [1.0, 2.0, 3.0, 4.0]})
    res = entropy_weights(df, directions="benefit", zero="0ln0")
    close(res.proportions["a"], [0, 0, 0, 1], 1e-12)
    close(res.entropy["a"], 0.0, 1e-12)
    close(res.divergence["a"], 1.0, 1e-12)


def test_entropy_analytic_n2_equal_weights():
    df = pd.DataFrame(
        {"a": [3.0, 7.0], "b": [100.0, -5.0], "c": [2.0, 2.0], "d": [0.1, 0.2]}, index=["p", "q"]
    )
    with pytest.warns(UserWarning, match="'c'"):
        res = entropy_weights(df, directions=["benefit", "cost", "benefit", "cost"])
    close(res.entropy[["a", "b", "d"]], [0, 0, 0], 1e-12)
    close(res.weights, [1 / 3, 1 / 3, 0, 1 / 3], 1e-12)


@pytest.mark.parametrize("zero", ZEROS)
def test_entropy_analytic_weights_nonnegative_sum_to_one(zero):
    rng = np.random.default_rng(5)
    for n, m in [(3, 2), (10, 5), (60, 8)]:
        df = pd.DataFrame(rng.lognormal(size=(n, m)))
        dirs = ["benefit" if j % 2 else "cost" for j in range(m)]
        w = entropy_weights(df, directions=dirs, zero=zero).weights
        assert (w >= 0).all()
        close(w.sum(), 1.0, 1e-12)


@pytest.mark.parametrize("n", [5, 20, 100])
def test_entropy_eps_vs_0ln0(n):
    rng = np.random.default_rng(n)
    df = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    a = entropy_weights(df, directions="benefit", zero="0ln0")
    b = entropy_weights(df, directions="benefit", zero="eps")
    eps = b.eps
    assert np.all(np.abs(a.entropy - b.entropy) <= n * eps / np.log(n) + 1e-12)
    np.testing.assert_allclose(b.weights, a.weights, rtol=1e-6)


# ---- §4.5 per-column pitfall (required regression tests)


def _whole_matrix_entropy(a: np.ndarray) -> np.ndarray:
    """The copied snippet's bug: min/max over the whole matrix (for the control check only)."""
    x = (a - a.min()) / (a.max() - a.min()) + 1e-4
    p = x / x.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / np.log(a.shape[0])
    return (1 - e) / (1 - e).sum()


@pytest.mark.parametrize("zero", ZEROS)
def test_entropy_per_column_invariance_spec_4_5(indicators, zero):
    dirs = {"profit": "benefit", "volume": "benefit", "service_cost": "cost", "loyalty": "benefit"}
    base = entropy_weights(indicators, directions=dirs, zero=zero)
    moved = indicators.assign(
        profit=indicators["profit"] * 1000.0, service_cost=indicators["service_cost"] + 50.0
    )
    again = entropy_weights(moved, directions=dirs, zero=zero)
    close(again.weights, base.weights, 1e-12)
    # the whole-matrix implementation fails the same test (so the test can tell them apart)
    assert not np.allclose(
        _whole_matrix_entropy(moved.to_numpy()),
        _whole_matrix_entropy(indicators.to_numpy()),
        atol=1e-6,
    )


def test_entropy_cost_given_as_benefit_changes_weights_spec_4_5(indicators):
    dirs = {"profit": "benefit", "volume": "benefit", "service_cost": "cost", "loyalty": "benefit"}
    right = entropy_weights(indicators, directions=dirs)
    wrong = entropy_weights(indicators, directions={**dirs, "service_cost": "benefit"})
    assert np.max(np.abs(right.weights - wrong.weights)) > 1e-6


def test_entropy_no_directions_raises_spec_4_5(indicators):
    with pytest.raises(TypeError, match="directions"):
        entropy_weights(indicators)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="directions are required"):
        entropy_weights(indicators, directions=None)


# ---- §4.4 oracle: pymcdm 1.4.0


@pytest.mark.parametrize("zero", ["shift", "affine"])
def test_entropy_pymcdm_parity(indicators, zero):
    pymcdm_weights = pytest.importorskip("pymcdm.weights")
    dirs = {"profit": "benefit", "volume": "benefit", "service_cost": "cost", "loyalty": "benefit"}
    res = entropy_weights(indicators, directions=dirs, zero=zero)
    oracle = pymcdm_weights.entropy_weights(res.adjusted.to_numpy())
    np.testing.assert_allclose(res.weights.to_numpy(), oracle, rtol=0, atol=1e-10)


def test_entropy_pymcdm_parity_normalize_none():
    pymcdm_weights = pytest.importorskip("pymcdm.weights")
    rng = np.random.default_rng(9)
    scores = pd.DataFrame(rng.integers(1, 6, (50, 3)).astype(float), columns=["R", "F", "M"])
    res = entropy_weights(scores, directions="benefit", normalize="none")
    oracle = pymcdm_weights.entropy_weights(scores.to_numpy())
    np.testing.assert_allclose(res.weights.to_numpy(), oracle, rtol=0, atol=1e-10)


# ---- §4.3 bad input and degenerate cases


def test_entropy_n_less_than_two_raises():
    with pytest.raises(ValueError, match="at least 2 rows"):
        entropy_weights(pd.DataFrame({"a": [1.0], "b": [2.0]}), directions="benefit")


def test_entropy_nan_raise_names_columns():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, 2.0, 3.0], "c": [np.nan, 1.0, 2.0]})
    with pytest.raises(ValueError, match="'a', 'c'"):
        entropy_weights(df, directions="benefit")


def test_entropy_listwise_drops_and_reports():
    df = pd.DataFrame(
        {"a": [1.0, np.nan, 3.0, 5.0, 2.0], "b": [4.0, 2.0, 3.0, 1.0, 9.0]},
        index=list("vwxyz"),
    )
    res = entropy_weights(df, directions="benefit", missing="listwise")
    assert res.n_rows_dropped == 1 and res.dropped_rows == ("w",) and res.n == 4
    assert list(res.scores.index) == ["v", "x", "y", "z"]
    clean = entropy_weights(df.drop(index="w"), directions="benefit")
    close(res.weights, clean.weights, 1e-12)
    with pytest.raises(ValueError, match="at least 2 rows.*dropped"):
        entropy_weights(df.iloc[:2], directions="benefit", missing="listwise")


def test_entropy_normalize_none_negative_raises():
    with pytest.raises(ValueError, match="'b' has negative.*row 1 = -1"):
        entropy_weights(
            pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, -1.0]}),
            directions="benefit",
            normalize="none",
        )


def test_entropy_normalize_none_requires_benefit():
    with pytest.raises(ValueError, match="normalize='minmax'"):
        entropy_weights(
            pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 1.0]}),
            directions=["benefit", "cost"],
            normalize="none",
        )


def test_entropy_all_constant_raises():
    df = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]})
    with pytest.raises(ValueError, match="every indicator is constant"):
        entropy_weights(df, directions="benefit")


def test_entropy_directions_missing_column_and_unknown_direction(indicators):
    with pytest.raises(KeyError, match="'loyalty'"):
        entropy_weights(
            indicators,
            directions={"profit": "benefit", "volume": "benefit", "service_cost": "cost"},
        )
    with pytest.raises(KeyError, match="'nope'"):
        entropy_weights(
            indicators, directions={**dict.fromkeys(indicators, "cost"), "nope": "cost"}
        )
    with pytest.raises(ValueError, match="unknown direction"):
        entropy_weights(indicators, directions="better")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"zero": "log"}, "0ln0"),
        ({"normalize": "zscore"}, "minmax"),
        ({"missing": "pairwise"}, "listwise"),
        ({"zero": "shift", "shift": 0}, "shift"),
        ({"zero": "eps", "eps": -1}, "eps"),
        ({"score_scale": 0}, "score_scale"),
    ],
)
def test_entropy_unknown_options_raise(indicators, kwargs, match):
    with pytest.raises(ValueError, match=match):
        entropy_weights(indicators, directions="benefit", **kwargs)


# ============================================================================================
# §4.6 combined weights
# ============================================================================================


def test_combine_weights_linear_and_multiplicative():
    ahp = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})
    ent = pd.Series({"a": 0.2, "b": 0.2, "c": 0.6})
    lin = combine_weights(ahp, ent, alpha=0.7)
    close(lin, 0.7 * ahp + 0.3 * ent, 1e-12)
    assert lin.attrs["cvlib"]["method"] == "linear" and lin.attrs["cvlib"]["alpha"] == 0.7
    mult = combine_weights(ahp, ent, method="multiplicative")
    prod = ahp * ent
    close(mult, prod / prod.sum(), 1e-12)
    assert mult.attrs["cvlib"]["method"] == "multiplicative"
    close(combine_weights(ahp, ent).sum(), 1.0, 1e-12)


def test_combine_weights_accepts_entropy_result(indicators):
    res = entropy_weights(indicators, directions="benefit")
    ahp = pd.Series(0.25, index=indicators.columns)
    out = combine_weights(ahp, res, alpha=0.0)
    close(out, res.weights, 1e-15)


def test_combine_weights_bad_input():
    ahp = pd.Series({"a": 0.5, "b": 0.5})
    with pytest.raises(KeyError, match="'c'"):
        combine_weights(ahp, pd.Series({"a": 0.5, "c": 0.5}))
    with pytest.raises(KeyError, match="order"):
        combine_weights(ahp, pd.Series({"b": 0.4, "a": 0.6}))
    with pytest.raises(ValueError, match="sum to 0.9"):
        combine_weights(ahp, pd.Series({"a": 0.5, "b": 0.4}))
    with pytest.raises(ValueError, match="alpha"):
        combine_weights(ahp, ahp, alpha=1.5)
    with pytest.raises(ValueError, match="'linear'"):
        combine_weights(ahp, ahp, method="geometric")
    with pytest.raises(ValueError, match=">= 0"):
        combine_weights(ahp, pd.Series({"a": 1.5, "b": -0.5}))


# ============================================================================================
# §0 common bad-input table, for every function
# ============================================================================================

CALLS = {
    # explicit columns, so that non-numeric columns are checked rather than skipped
    "zscore": lambda d, **kw: zscore(d, columns=list(getattr(d, "columns", [0])), **kw),
    "minmax": lambda d, **kw: minmax(d, directions="benefit", **kw),
    "normalize": lambda d, **kw: normalize(d, method="reflect", **kw),
    "rescale_0_100": lambda d, **kw: rescale_0_100(d, scale_min=-100, scale_max=100, **kw),
    "entropy_weights": lambda d, **kw: entropy_weights(d, directions="benefit", **kw),
}


@pytest.fixture(params=list(CALLS), ids=list(CALLS))
def call(request):
    return CALLS[request.param]


@pytest.mark.parametrize(
    "bad",
    [
        pd.Series(["1", "2", "x"], dtype=object),
        pd.Series(["a", "b", "c"], dtype="string"),
        pd.Series(["a", "b", "a"], dtype="category"),
    ],
    ids=["object", "string", "category"],
)
def test_spec_0_non_numeric_column_type_error(call, bad):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "segment": bad})
    with pytest.raises(TypeError, match="'segment'"):
        call(df)


def test_spec_0_boolean_column(call):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "vip": [True, False, True]})
    with pytest.raises(TypeError, match="'vip' is boolean"):
        call(df)
    out = call(df, allow_bool=True)
    assert out is not None


def test_spec_0_inf_names_column_and_row(call):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, np.inf, 2.0]}, index=["r1", "r2", "r3"])
    with pytest.raises(ValueError, match="'b'.*'r2'"):
        call(df)


@pytest.mark.parametrize(
    "empty",
    [pd.DataFrame(), pd.DataFrame({"a": pd.Series([], dtype=float)})],
    ids=["no_columns", "no_rows"],
)
def test_spec_0_empty_frame(call, empty):
    with pytest.raises(ValueError, match="empty"):
        call(empty)


def test_spec_0_column_without_valid_values(call):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan, np.nan, np.nan]})
    with pytest.raises(ValueError, match="'b'.*no valid"):
        call(df)


def test_spec_0_not_a_frame(call):
    with pytest.raises(TypeError, match="DataFrame"):
        call([[1.0, 2.0], [3.0, 4.0]])


def test_spec_0_duplicated_column_names(call):
    df = pd.DataFrame([[1.0, 2.0], [3.0, 5.0]], columns=["a", "a"])
    with pytest.raises(ValueError, match="duplicated"):
        call(df)


@pytest.mark.parametrize(
    ("func", "kwargs"),
    [
        (zscore, {"missing": "pairwise"}),
        (zscore, {"on_constant": "zero"}),
        (zscore, {"prefix": ""}),
        (minmax, {"directions": "benefit", "on_constant": "zero"}),
        (normalize, {"method": "l2"}),
        (rescale_0_100, {"scale_min": 1, "scale_max": 7, "out_of_range": "ignore"}),
        (entropy_weights, {"directions": "benefit", "zero": "ignore"}),
    ],
)
def test_spec_0_unknown_option_lists_allowed(func, kwargs):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="not a valid option|not valid"):
        func(df, **kwargs)


def test_spec_0_unknown_option_message_lists_values():
    with pytest.raises(ValueError, match="'variable', 'listwise'"):
        zscore(pd.DataFrame({"a": [1.0, 2.0]}), missing="pairwise")


@pytest.mark.parametrize(
    "make",
    [
        lambda d: zscore(d, columns=["a", "nope"]),
        lambda d: zscore(d, weights="nope"),
        lambda d: minmax(d, directions={"a": "benefit", "nope": "cost"}),
        lambda d: minmax(d, directions={}),
        lambda d: normalize(d, method="max", directions={"nope": "cost"}),
        lambda d: rescale_0_100(d, scale_min={"a": 0, "nope": 0}, scale_max=10),
        lambda d: entropy_weights(d, directions={"nope": "benefit"}),
    ],
    ids=["zscore_columns", "zscore_weights", "minmax_extra", "minmax_missing", "normalize",
         "rescale", "entropy"],
)  # fmt: skip
def test_spec_0_missing_column_key_error(make):
    with pytest.raises(KeyError):
        make(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))


UNKNOWN_DIRECTION_CALLS = {
    "minmax": lambda d, dirs: minmax(d, directions=dirs),
    "normalize_max": lambda d, dirs: normalize(d, method="max", directions=dirs),
    "rescale_0_100": lambda d, dirs: rescale_0_100(d, scale_min=0, scale_max=10, directions=dirs),
    "entropy_weights": lambda d, dirs: entropy_weights(d, directions=dirs),
}


@pytest.mark.parametrize("name", list(UNKNOWN_DIRECTION_CALLS))
@pytest.mark.parametrize(
    "dirs", [{"x": "bigger-is-better"}, ["bigger-is-better"], "bigger-is-better"]
)
def test_spec_0_unknown_direction_lists_allowed_names(name, dirs):
    df = pd.DataFrame({"x": [1.0, 2.0, 4.0]})
    with pytest.raises(
        ValueError,
        match=r"unknown direction 'bigger-is-better'.*'benefit'.*'cost'.*intermediate.*interval",
    ):
        UNKNOWN_DIRECTION_CALLS[name](df, dirs)


@pytest.mark.parametrize("name", list(UNKNOWN_DIRECTION_CALLS))
@pytest.mark.parametrize(
    ("direction", "bad"),
    [
        (("intermediate", np.nan), "nan"),
        (("interval", "a", 3), "'a'"),
        (("interval", 1, np.inf), "inf"),
    ],
)
def test_spec_0_bad_direction_numbers_name_the_column(name, direction, bad):
    df = pd.DataFrame({"x": [1.0, 2.0, 4.0], "y": [3.0, 1.0, 2.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no All-NaN RuntimeWarning on the way
        with pytest.raises(ValueError, match=rf"column 'y'.*finite real number, got {bad}"):
            UNKNOWN_DIRECTION_CALLS[name](df, {"x": "benefit", "y": direction})


# ============================================================================================
# input never mutated; index and column order kept
# ============================================================================================

RUNS = {
    "zscore": lambda d: zscore(d, weights="w", prefix="Z"),
    "zscore_listwise": lambda d: zscore(d, missing="listwise", columns=["b", "a"]),
    "minmax": lambda d: minmax(d[["b", "a"]], directions={"b": "cost", "a": ("interval", 2, 3)}),
    "normalize": lambda d: normalize(d[["b", "a"]], method="sum"),
    "rescale_0_100": lambda d: rescale_0_100(d[["b", "a"]], scale_min=0, scale_max=10),
    "entropy_weights": lambda d: entropy_weights(d, directions="benefit", missing="listwise"),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_input_not_mutated_and_index_kept(name):
    df = pd.DataFrame(
        {"b": [4.0, 2.0, np.nan, 7.0, 1.0], "a": [1, 2, 3, 4, 5], "w": [1.0, 2.0, 1.0, 1.0, 3.0]},
        index=pd.Index([10, 30, 20, 50, 40], name="customer"),
    )
    df.attrs["source"] = "unit test"
    before = df.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = RUNS[name](df)
    pd.testing.assert_frame_equal(df, before)
    assert df.attrs == {"source": "unit test"}
    if isinstance(out, pd.DataFrame):
        assert out.index.equals(df.index)
        assert "cvlib" in out.attrs
        assert all(out[c].dtype == "float64" for c in out.columns if c not in df.columns)
        if name != "zscore":
            assert list(out.columns) in (["b", "a"], ["b", "a", "w"])
            assert (out.dtypes == "float64").all()
    else:
        assert out.normalized.index.equals(df.index.drop(20))


def test_docstring_examples_run():
    result = doctest.testmod(std, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ============================================================================================
# large-input code paths (vectorized checks, column blocks, no-copy outputs)
# ============================================================================================


def test_inf_check_reports_first_column_in_order_before_missing_checks(call):
    # NaN in 'a', +inf in 'c', -inf in 'b', an all-NaN 'd': the first column holding an
    # infinite value is named (as the column-by-column check did), before the no-values check
    df = pd.DataFrame(
        {
            "a": [1.0, np.nan, 3.0],
            "b": [1.0, 2.0, -np.inf],
            "c": [np.inf, 2.0, 3.0],
            "d": [np.nan, np.nan, np.nan],
        },
        index=["r1", "r2", "r3"],
    )
    with pytest.raises(ValueError, match=r"column 'b' holds -inf at row 'r3'"):
        call(df)


def test_sum_overflow_is_not_taken_for_an_infinite_value():
    # the column sums overflow to inf, but every value is finite: no error
    df = pd.DataFrame({"a": [1e308, 1e308, -1e308, 5.0], "b": [1.0, 2.0, 3.0, 4.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        z = zscore(df)
    close(z["b"], zscore(df[["b"]])["b"], atol=0)


def test_zscore_huge_values_do_not_overflow():
    # review: zscore([1e308, -1e308, 0]) returned all zeros with "overflow in square"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = zscore(pd.DataFrame({"x": [1e308, -1e308, 0.0]}))
    close(z["x"], [1.0, -1.0, 0.0], atol=1e-12)
    info = z.attrs["cvlib"]
    assert info["mean"]["x"] == 0.0
    np.testing.assert_allclose(info["sd"]["x"], 1e308, rtol=1e-12)
    assert info["constant_columns"] == []


@pytest.mark.parametrize("scale", [1e300, 1e-300, 1e-170])
@pytest.mark.parametrize("case", ["plain", "missing", "weighted", "listwise", "population"])
def test_zscore_is_scale_invariant_at_extreme_magnitudes(scale, case):
    # sums of squares that overflow (1e300) or underflow (1e-170, 1e-300) are redone rescaled
    base = pd.DataFrame(
        {"x": [1.0, -1.7, 0.3, 0.9, -0.2, 1.4], "y": [2.0, 5.0, 1.0, 3.0, 4.0, 7.0]}
    )
    if case in ("missing", "listwise"):
        base.iloc[2, 0] = np.nan
        base.iloc[4, 1] = np.nan
    kwargs = {
        "plain": {},
        "missing": {},
        "weighted": {"weights": [1.0, 2.0, 0.0, 1.5, 1.0, 3.0]},
        "listwise": {"missing": "listwise"},
        "population": {"ddof": 0},
    }[case]
    expected = zscore(base, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = zscore(base.assign(x=base["x"] * scale), **kwargs)
    pd.testing.assert_frame_equal(got, expected, rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        got.attrs["cvlib"]["sd"]["x"], expected.attrs["cvlib"]["sd"]["x"] * scale, rtol=1e-12
    )
    np.testing.assert_allclose(
        got.attrs["cvlib"]["mean"]["x"], expected.attrs["cvlib"]["mean"]["x"] * scale, rtol=1e-12
    )


def test_zscore_sum_overflow_column_is_standardized_correctly():
    df = pd.DataFrame({"a": [1e308, 1e308, -1e308, 5.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = zscore(df)
    close(z["a"], zscore(df / 1e308)["a"], atol=1e-12)


def test_zscore_tiny_or_huge_constant_column_is_still_constant():
    df = pd.DataFrame({"t": [1e-200] * 3, "h": [1.7e308] * 3, "x": [1.0, 2.0, 4.0]})
    with pytest.warns(UserWarning, match="constant") as caught:
        z = zscore(df)
    assert len(caught) == 2
    assert z.attrs["cvlib"]["constant_columns"] == ["t", "h"]
    assert z[["t", "h"]].isna().all().all()


@pytest.mark.parametrize("name", list(RUNS))
def test_same_result_for_row_major_and_column_major_input(name):
    rng = np.random.default_rng(11)
    values = rng.lognormal(1.0, 0.5, size=(40, 3))
    values[[3, 17], [0, 1]] = np.nan
    index = pd.Index(range(100, 140), name="customer")
    row_major = pd.DataFrame(values, columns=["b", "a", "w"], index=index, copy=False)
    col_major = pd.DataFrame(np.asfortranarray(values), columns=["b", "a", "w"], index=index)
    assert row_major.to_numpy().flags.c_contiguous
    assert col_major.to_numpy().flags.f_contiguous
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out_r, out_c = RUNS[name](row_major), RUNS[name](col_major)
    if isinstance(out_r, EntropyResult):
        for attr in ("normalized", "adjusted", "proportions"):
            pd.testing.assert_frame_equal(getattr(out_r, attr), getattr(out_c, attr), rtol=1e-12)
        for attr in ("weights", "entropy", "scores"):
            pd.testing.assert_series_equal(getattr(out_r, attr), getattr(out_c, attr), rtol=1e-12)
    else:
        pd.testing.assert_frame_equal(out_r, out_c, rtol=1e-12)
        assert out_r.attrs["cvlib"].keys() == out_c.attrs["cvlib"].keys()


def test_outputs_own_their_values():
    df = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [3.0, 1.0, 2.0]})
    before = df.copy(deep=True)
    for out in (zscore(df), minmax(df, directions="benefit"), normalize(df, method="sum")):
        out.iloc[0, 0] = 99.0
        pd.testing.assert_frame_equal(df, before)
    res = entropy_weights(df, directions="benefit")  # "0ln0": adjusted is x' itself
    normalized = res.normalized.copy(deep=True)
    res.adjusted.iloc[0, 0] = 99.0
    pd.testing.assert_frame_equal(res.normalized, normalized)
    res.normalized.iloc[1, 1] = -1.0
    assert res.adjusted.iloc[1, 1] == normalized.iloc[1, 1]
    pd.testing.assert_frame_equal(df, before)


def test_minmax_negative_zero_is_rescaled_to_zero():
    # x - min = -0.0 for x = -0.0, min = 0.0; lo + (hi - lo) x' turns it into 0.0
    df = pd.DataFrame({"a": [0.0, -0.0, 2.0, np.nan], "b": [-0.0, 0.0, -1.0, -2.0]})
    out = minmax(df, directions={"a": "benefit", "b": "cost"})
    zeros = out.to_numpy() == 0
    assert zeros.sum() == 4 and not np.signbit(out.to_numpy()[zeros]).any()


def test_zscore_constant_detected_beyond_the_first_rows():
    df = pd.DataFrame(
        {
            "late": [1.0] * 100 + [2.0],  # equal in the first 64 rows, not constant
            "tenth": [0.1] * 101,  # constant; its mean is not exactly 0.1
            "x": np.arange(101.0),
        }
    )
    with pytest.warns(UserWarning, match="'tenth' is constant") as caught:
        z = zscore(df)
    assert len(caught) == 1
    assert z.attrs["cvlib"]["constant_columns"] == ["tenth"]
    assert z["tenth"].isna().all() and z["late"].notna().all()
    close(z["late"], (df["late"] - df["late"].mean()) / df["late"].std(), atol=1e-12)


@pytest.mark.parametrize("block_cells", [1, 16, 1 << 20])
def test_column_blocks_give_the_whole_array_result(monkeypatch, block_cells):
    monkeypatch.setattr(std, "_BLOCK_CELLS", block_cells)
    rng = np.random.default_rng(5)
    df = pd.DataFrame(rng.lognormal(2.0, 0.7, size=(30, 7)), columns=list("abcdefg"))
    df.iloc[0, 2] = df["c"].min() - 1.0  # x' = 0 once more (0 ln 0 = 0)
    z = zscore(df)
    close(z, ((df - df.mean()) / df.std()).to_numpy(), atol=1e-12)
    a = df.to_numpy()
    xn = (a - a.min(axis=0)) / (a.max(axis=0) - a.min(axis=0))
    for zero, eps in (("0ln0", None), ("eps", 1e-10)):
        p = xn / xn.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = p * np.log(p + eps) if eps else np.where(p > 0, p * np.log(p), 0.0)
        e = -terms.sum(axis=0) / np.log(len(df))
        res = entropy_weights(df, directions="benefit", zero=zero)
        close(res.entropy, e, atol=1e-12)
        close(res.weights, (1 - e) / (1 - e).sum(), atol=1e-12)

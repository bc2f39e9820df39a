"""Tests for cvlib._directions: indicator directions (指标方向), ``methods/standardize.md`` §2.1.

Directions never default; each column gets "benefit", "cost", ("intermediate", x_best) or
("interval", a, b), given as a dict, an aligned list or one string for all columns.
"""

from __future__ import annotations

import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from cvlib._directions import ALLOWED_TEXT, Direction, parse_direction, parse_directions
from cvlib._validation import CvlibInputError
from cvlib.standardize import entropy_weights, minmax

COLS = ["sales", "cost", "temp", "age"]


# ============================================================================================
# names and aliases
# ============================================================================================


@pytest.mark.parametrize(
    "name",
    ["benefit", "正向", "正向指标", "效益型", "效益型指标", "极大型", "极大型指标", "larger"],
)
def test_benefit_aliases(name):
    assert parse_direction(name) == Direction("benefit")


@pytest.mark.parametrize(
    "name",
    ["cost", "逆向", "逆向指标", "负向", "负向指标", "成本型", "成本型指标", "极小型", "极小型指标",
     "smaller"],
)  # fmt: skip
def test_cost_aliases(name):
    assert parse_direction(name) == Direction("cost")


def test_names_ignore_case_and_surrounding_spaces():
    assert parse_direction("  Benefit ") == Direction("benefit")
    assert parse_direction("COST") == Direction("cost")
    assert parse_direction((" Interval ", 1, 2)) == Direction("interval", low=1.0, high=2.0)


@pytest.mark.parametrize("name", ["intermediate", "中间型", "中间型指标"])
def test_intermediate_aliases(name):
    d = parse_direction((name, 5))
    assert d == Direction("intermediate", best=5.0)
    assert str(d) == "intermediate(best=5)"


@pytest.mark.parametrize("name", ["interval", "区间型", "区间型指标"])
def test_interval_aliases(name):
    d = parse_direction([name, 4, 6])  # a list works like a tuple
    assert d == Direction("interval", low=4.0, high=6.0)
    assert str(d) == "interval([4, 6])"


def test_direction_instance_passes_through():
    d = Direction("interval", low=1.0, high=3.0)
    assert parse_direction(d) is d


@pytest.mark.parametrize(
    "value",
    [5, np.int64(5), np.float32(5.0), 5.0, np.float64(5.0), Decimal("5")],
    ids=["int", "np.int64", "np.float32", "float", "np.float64", "Decimal"],
)
def test_numbers_of_any_real_type_are_accepted(value):
    assert parse_direction(("intermediate", value)).best == 5.0
    assert parse_direction(("interval", value, 7)).low == 5.0


def test_interval_with_equal_bounds_is_allowed():
    assert parse_direction(("interval", 3, 3)) == Direction("interval", low=3.0, high=3.0)


# ============================================================================================
# parse_directions: dict, list, one string, None
# ============================================================================================


def test_dict_with_chinese_names():
    dirs = parse_directions(
        {"sales": "效益型", "cost": "成本型", "temp": ("中间型", 20), "age": ("区间型", 25, 40)},
        COLS,
    )
    assert dirs == {
        "sales": Direction("benefit"),
        "cost": Direction("cost"),
        "temp": Direction("intermediate", best=20.0),
        "age": Direction("interval", low=25.0, high=40.0),
    }
    assert list(dirs) == COLS  # in column order, whatever the dict order


def test_dict_order_does_not_matter():
    dirs = parse_directions({"b": "cost", "a": "benefit"}, ["a", "b"])
    assert list(dirs) == ["a", "b"] and dirs["b"].kind == "cost"


def test_list_aligned_with_columns():
    dirs = parse_directions(["正向", "逆向", ("intermediate", 20), ("interval", 25, 40)], COLS)
    assert [d.kind for d in dirs.values()] == ["benefit", "cost", "intermediate", "interval"]
    assert parse_directions(("benefit", "cost"), ["a", "b"])["b"].kind == "cost"


def test_one_string_for_all_columns():
    assert parse_directions("极小型", COLS) == dict.fromkeys(COLS, Direction("cost"))
    assert parse_directions("benefit", COLS) == dict.fromkeys(COLS, Direction("benefit"))


def test_dict_missing_column_is_key_error_naming_it():
    with pytest.raises(KeyError, match=r"no direction given for column\(s\) 'temp', 'age'"):
        parse_directions({"sales": "benefit", "cost": "cost"}, COLS)


def test_dict_extra_column_is_key_error_naming_it():
    with pytest.raises(KeyError, match=r"'profit'.*not in the data"):
        parse_directions({**dict.fromkeys(COLS, "benefit"), "profit": "benefit"}, COLS)


@pytest.mark.parametrize("dirs", [["benefit"], ["benefit"] * 5, []])
def test_list_length_mismatch(dirs):
    with pytest.raises(CvlibInputError, match=rf"{len(dirs)} entries but the data have 4"):
        parse_directions(dirs, COLS)


def test_a_bare_tuple_direction_for_one_column_gets_a_hint():
    with pytest.raises(CvlibInputError, match=r"wrap the tuple in a list.*\('intermediate', 5\)"):
        parse_directions(("intermediate", 5), ["x"])


def test_none_is_an_error_not_a_default():
    with pytest.raises(CvlibInputError, match="directions are required"):
        parse_directions(None, COLS)


@pytest.mark.parametrize("dirs", [1, 1.5, np.array(["benefit"] * 4), pd.Series(["cost"] * 4)])
def test_wrong_container_type(dirs):
    with pytest.raises(CvlibInputError, match="must be a dict, a list or one string"):
        parse_directions(dirs, COLS)


# ============================================================================================
# bad direction values: unknown names, bad numbers
# ============================================================================================


@pytest.mark.parametrize(
    "value",
    ["bigger-is-better", "", 1, None, True, ("benefit",), ("bigger", 1), (), (5, "interval")],
)
def test_unknown_direction_lists_the_allowed_names(value):
    with pytest.raises(CvlibInputError, match="unknown direction") as err:
        parse_directions({"x": value}, ["x"])
    assert ALLOWED_TEXT in str(err.value) and "column 'x'" in str(err.value)


@pytest.mark.parametrize("name", ["intermediate", "中间型", "interval", "区间型"])
def test_intermediate_or_interval_without_numbers(name):
    with pytest.raises(CvlibInputError, match="needs its best value"):
        parse_directions({"x": name}, ["x"])


@pytest.mark.parametrize(
    "value", [("intermediate",), ("intermediate", 1, 2), ("interval", 1), ("interval", 1, 2, 3)]
)
def test_wrong_number_of_values(value):
    with pytest.raises(CvlibInputError, match=r"column 'x' needs exactly"):
        parse_directions({"x": value}, ["x"])


@pytest.mark.parametrize(
    ("value", "what", "shown"),
    [
        (("intermediate", float("nan")), "x_best", "nan"),
        (("intermediate", np.nan), "x_best", "nan"),
        (("intermediate", np.float64("nan")), "x_best", r"np\.float64\(nan\)"),
        (("intermediate", np.inf), "x_best", "inf"),
        (("intermediate", -np.inf), "x_best", "-inf"),
        (("intermediate", "5"), "x_best", "'5'"),
        (("intermediate", True), "x_best", "True"),
        (("intermediate", np.bool_(False)), "x_best", r"np\.False_"),
        (("intermediate", None), "x_best", "None"),
        (("intermediate", pd.NA), "x_best", "<NA>"),
        (("intermediate", 1 + 2j), "x_best", r"\(1\+2j\)"),
        (("intermediate", Decimal("NaN")), "x_best", r"Decimal\('NaN'\)"),
        (("interval", "a", 3), r"a \(lower bound\)", "'a'"),
        (("interval", 1, np.inf), r"b \(upper bound\)", "inf"),
        (("interval", -np.inf, 1), r"a \(lower bound\)", "-inf"),
        (("interval", 1, np.nan), r"b \(upper bound\)", "nan"),
        (("interval", False, 3), r"a \(lower bound\)", "False"),
    ],
)
def test_direction_numbers_must_be_finite_reals(value, what, shown):
    pattern = rf"column 'y'.*{what} must be a finite real number, got {shown}"
    with pytest.raises(CvlibInputError, match=pattern):
        parse_directions({"x": "benefit", "y": value}, ["x", "y"])


def test_bad_number_in_a_list_names_the_aligned_column():
    with pytest.raises(CvlibInputError, match=r"column 'cost'.*got nan"):
        parse_directions(["benefit", ("intermediate", np.nan), "cost", "cost"], COLS)


def test_interval_with_a_above_b():
    with pytest.raises(CvlibInputError, match=r"column 'x' has a = 6 > b = 4"):
        parse_directions({"x": ("interval", 6, 4)}, ["x"])


# ============================================================================================
# review regressions through the public functions
# ============================================================================================


def test_nan_best_value_no_longer_gives_a_column_of_ones():
    # review: ('intermediate', nan) made the whole column 1.0 with an All-NaN RuntimeWarning
    df = pd.DataFrame({"x": [1.0, 2.0, 4.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"column 'x'.*x_best.*got nan"):
            minmax(df, directions={"x": ("intermediate", np.nan)})


def test_text_bound_names_the_column():
    # review: ('interval', 'a', 3) raised a bare "could not convert string to float: 'a'"
    df = pd.DataFrame({"x": [1.0, 2.0, 4.0], "y": [2.0, 3.0, 1.0]})
    with pytest.raises(ValueError, match=r"column 'y'.*got 'a'"):
        entropy_weights(df, directions={"x": "benefit", "y": ("interval", "a", 3)})


def test_infinite_bound_is_rejected():
    # review: inf was accepted
    df = pd.DataFrame({"x": [1.0, 2.0, 4.0]})
    with pytest.raises(ValueError, match=r"column 'x'.*got inf"):
        minmax(df, directions=[("interval", 1, np.inf)])

"""Tests of cvlib._results: the Snapshot descriptor shared by every frozen result."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from cvlib._results import ResultMixin, Snapshot


@dataclass(frozen=True, repr=False, eq=False)
class _Demo(ResultMixin):
    frame: pd.DataFrame = Snapshot()
    series: pd.Series = Snapshot()
    mapping: dict = Snapshot()
    items: list = Snapshot()
    array: np.ndarray = Snapshot()
    label: str = "demo"
    optional: np.ndarray | None = Snapshot(default=None)
    extra: dict = Snapshot(default_factory=dict)

    _conventions = ("label",)
    _title = "Demo"

    def summary(self) -> pd.DataFrame:
        return self._frame  # the stored object, read without copying


def _demo(**kwargs) -> _Demo:
    args = {
        "frame": pd.DataFrame({"a": [1.0, 2.0], "c": pd.Categorical(["x", "y"])}),
        "series": pd.Series([1.0, 2.0], index=["p", "q"], name="s"),
        "mapping": {"k": [1, 2], "s": pd.Series([3.0])},
        "items": [[1, 2], {"n": 3}],
        "array": np.arange(4.0),
    }
    return _Demo(**(args | kwargs))


def test_pandas_fields_are_fresh_copies_on_every_read():
    res = _demo()
    frame, series = res.frame, res.series
    assert frame is not res.frame and series is not res.series
    frame.iloc[0, 0] = 99.0
    frame.loc[0, "c"] = "y"  # categorical codes must not be shared with the stored copy
    frame["new"] = 1
    series.iloc[0] = 99.0
    series.name = "renamed"
    pd.testing.assert_frame_equal(
        res.frame, pd.DataFrame({"a": [1.0, 2.0], "c": pd.Categorical(["x", "y"])})
    )
    pd.testing.assert_series_equal(res.series, pd.Series([1.0, 2.0], index=["p", "q"], name="s"))


def test_dict_and_list_fields_are_deep_copies_on_every_read():
    res = _demo()
    mapping, items = res.mapping, res.items
    mapping["k"].append(3)
    mapping["s"].iloc[0] = 99.0
    mapping["new"] = 1
    items[0].append(3)
    items[1]["n"] = 99
    items.append("x")
    assert res.mapping["k"] == [1, 2] and set(res.mapping) == {"k", "s"}
    assert res.mapping["s"].iloc[0] == 3.0
    assert res.items == [[1, 2], {"n": 3}]


def test_inputs_mutated_after_construction_do_not_change_the_result():
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    array = np.arange(3.0)
    nested = {"k": [1, 2]}
    res = _demo(frame=frame, array=array, mapping=nested)
    frame.iloc[0, 0] = 99.0
    array[0] = 99.0
    nested["k"].append(3)
    assert res.frame.iloc[0, 0] == 1.0
    assert res.array[0] == 0.0
    assert res.mapping == {"k": [1, 2]}


def test_numpy_fields_are_read_only_views_that_cannot_be_made_writeable():
    source = np.arange(4.0)
    res = _demo(array=source)
    assert source.flags.writeable  # the caller's array is left alone
    arr = res.array
    assert isinstance(arr, np.ndarray) and not arr.flags.writeable
    assert arr is not res.array
    with pytest.raises(ValueError, match="read-only"):
        arr[0] = 5.0
    with pytest.raises(ValueError):
        arr.setflags(write=True)
    np.testing.assert_array_equal(res.array, np.arange(4.0))


def test_defaults_and_default_factory():
    res = _demo()
    assert res.optional is None and res.label == "demo"
    assert res.extra == {}
    res.extra["k"] = 1
    assert res.extra == {}
    assert _demo(extra=None).extra == {}  # None becomes a new empty object
    other = _demo(optional=np.ones(2), extra={"k": 1})
    assert not other.optional.flags.writeable and other.extra == {"k": 1}
    with pytest.raises(TypeError):
        _Demo()  # fields without a default are required


def test_frozen_dataclass_keeps_repr_summary_and_html():
    res = _demo()
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.frame = pd.DataFrame()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res._frame = pd.DataFrame()  # type: ignore[misc]
    text = repr(res)
    assert text.startswith("Demo(label='demo')") and "a" in text.splitlines()[1]
    pd.testing.assert_frame_equal(res.summary(), res.frame)
    assert "<b>Demo</b>" in res._repr_html_()
    assert [f.name for f in dataclasses.fields(res)][:3] == ["frame", "series", "mapping"]


def test_stored_copy_is_read_without_copying():
    res = _demo()
    assert res._frame is res._frame  # the accessor for the result's own methods
    assert res.frame is not res._frame
    pd.testing.assert_frame_equal(res.frame, res._frame)


def test_a_field_whose_private_name_is_taken_is_rejected():
    with pytest.raises((TypeError, RuntimeError)) as info:  # RuntimeError wraps it before 3.12

        @dataclass(frozen=True)
        class _Clash:
            table: pd.DataFrame = Snapshot()

            def _table(self) -> None:  # pragma: no cover - the class is never built
                pass

    err = info.value.__cause__ or info.value
    assert isinstance(err, TypeError) and "_Clash._table is taken" in str(err)

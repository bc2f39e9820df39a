"""Indicator directions (指标方向): benefit 正向/效益型, cost 逆向/成本型, intermediate 中间型,
interval 区间型. Shared by :mod:`cvlib.standardize` and :mod:`cvlib.scoring`.

No direction ever defaults silently: every column needs one, given per column as a dict, as a list
aligned with the columns, or as one string for all columns (which must still be passed explicitly).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Any

from cvlib._validation import CvlibInputError

_BENEFIT = {"benefit", "正向", "正向指标", "效益型", "效益型指标", "极大型", "极大型指标", "larger"}
_COST = {
    "cost",
    "逆向",
    "逆向指标",
    "负向",
    "负向指标",
    "成本型",
    "成本型指标",
    "极小型",
    "极小型指标",
    "smaller",
}
_INTERMEDIATE = {"intermediate", "中间型", "中间型指标"}
_INTERVAL = {"interval", "区间型", "区间型指标"}

ALLOWED_TEXT = (
    "'benefit' (正向/效益型/极大型), 'cost' (逆向/负向/成本型/极小型), "
    "('intermediate', x_best) (中间型) or ('interval', a, b) (区间型)"
)


@dataclass(frozen=True)
class Direction:
    """One indicator's direction: ``kind`` in {"benefit", "cost", "intermediate", "interval"}."""

    kind: str
    best: float | None = None  # intermediate: the best value x_best
    low: float | None = None  # interval: best interval [low, high]
    high: float | None = None

    def __str__(self) -> str:
        if self.kind == "intermediate":
            return f"intermediate(best={self.best:g})"
        if self.kind == "interval":
            return f"interval([{self.low:g}, {self.high:g}])"
        return self.kind


def _where(column: Hashable) -> str:
    return f" for column {column!r}" if column is not None else ""


def _finite_real(value: Any, what: str, direction: Any, column: Hashable) -> float:
    """``value`` as a float if it is a finite real number, else raise naming the column.

    Accepts Python and numpy integers and floats (and ``Decimal``); rejects bool, text, None,
    NaN and +/-inf, which ``float()`` would either reject with a message naming no column or
    accept silently (a NaN best value would turn the whole column into 1.0).
    """
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise CvlibInputError(
            f"direction {direction!r}{_where(column)}: {what} must be a finite real number, "
            f"got {value!r} ({type(value).__name__})."
        )
    number = float(value)
    if not math.isfinite(number):
        raise CvlibInputError(
            f"direction {direction!r}{_where(column)}: {what} must be a finite real number, "
            f"got {value!r}."
        )
    return number


def parse_direction(value: Any, column: Hashable = None) -> Direction:
    """Parse one direction value (English or Chinese name, or a tuple for 中间型/区间型).

    The numbers of ``("intermediate", x_best)`` and ``("interval", a, b)`` must be finite real
    numbers (not bool, text, NaN or inf) and a <= b; anything else raises ``CvlibInputError``
    naming the column and the bad value.
    """
    where = _where(column)
    if isinstance(value, Direction):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _BENEFIT:
            return Direction("benefit")
        if key in _COST:
            return Direction("cost")
        if key in _INTERMEDIATE or key in _INTERVAL:
            raise CvlibInputError(
                f"direction {value!r}{where} needs its best value(s): pass ('intermediate', x_best) "
                f"or ('interval', a, b)."
            )
    elif isinstance(value, tuple | list) and value and isinstance(value[0], str):
        key = value[0].strip().lower()
        if key in _INTERMEDIATE:
            if len(value) != 2:
                raise CvlibInputError(
                    f"direction {value!r}{where} needs exactly one best value: "
                    f"('intermediate', x_best)."
                )
            return Direction("intermediate", best=_finite_real(value[1], "x_best", value, column))
        if key in _INTERVAL:
            if len(value) != 3:
                raise CvlibInputError(
                    f"direction {value!r}{where} needs exactly two bounds: ('interval', a, b)."
                )
            low = _finite_real(value[1], "a (lower bound)", value, column)
            high = _finite_real(value[2], "b (upper bound)", value, column)
            if low > high:
                raise CvlibInputError(
                    f"interval direction{where} has a = {low:g} > b = {high:g}; "
                    f"pass ('interval', a, b) with a <= b."
                )
            return Direction("interval", low=low, high=high)
    raise CvlibInputError(f"unknown direction {value!r}{where}; use {ALLOWED_TEXT}.")


def parse_directions(directions: Any, columns: Sequence[Hashable]) -> dict[Hashable, Direction]:
    """Map every column to its :class:`Direction`.

    ``directions`` is a dict ``{column: direction}`` (must cover every column and name no other),
    a list/tuple aligned with ``columns``, or one string applied to all columns. ``None`` raises:
    directions never default.
    """
    columns = list(columns)
    if directions is None:
        raise CvlibInputError(
            f"directions are required (no default): pass e.g. directions='benefit' for all "
            f"columns or a dict {{column: direction}} using {ALLOWED_TEXT}."
        )
    if isinstance(directions, str):
        one = parse_direction(directions)
        return dict.fromkeys(columns, one)
    if isinstance(directions, Mapping):
        extra = [k for k in directions if k not in columns]
        if extra:
            raise KeyError(
                f"directions name column(s) {', '.join(map(repr, extra))} that are not in the "
                f"data; data columns: {', '.join(map(repr, columns))}."
            )
        missing = [c for c in columns if c not in directions]
        if missing:
            raise KeyError(
                f"no direction given for column(s) {', '.join(map(repr, missing))}; add them to "
                f"directions ({ALLOWED_TEXT})."
            )
        return {c: parse_direction(directions[c], c) for c in columns}
    if isinstance(directions, Sequence):
        if len(directions) != len(columns):
            first = directions[0] if len(directions) else None
            hint = (
                f" To give one {first!r} direction, wrap the tuple in a list or a dict, e.g. "
                f"[{tuple(directions)!r}]."
                if isinstance(first, str) and first.strip().lower() in _INTERMEDIATE | _INTERVAL
                else ""
            )
            raise CvlibInputError(
                f"directions has {len(directions)} entries but the data have {len(columns)} "
                f"columns ({', '.join(map(repr, columns))}); pass one per column or a dict.{hint}"
            )
        return {c: parse_direction(d, c) for c, d in zip(columns, directions, strict=True)}
    raise CvlibInputError(
        f"directions must be a dict, a list or one string, got {type(directions).__name__}."
    )

"""Judgment matrices (判断矩阵): every input form -> one canonical float64 matrix, validated.

ahp.md §0-§1. All forms build the same object: ordered labels, a float64 ``(n, n)`` matrix (or a
``(r, n, n)`` stack) and NaN for a missing pair. Validation is batched over stacks and never repairs
anything implicitly: ``symmetrize="upper"`` is the only repair, and it warns listing every pair.
"""

from __future__ import annotations

import functools
import math
import unicodedata
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Complex, Real
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import check_choice

from ._errors import (
    ORIENTATION,
    AHPInputError,
    AHPWarning,
    DuplicateJudgmentError,
    DuplicateJudgmentWarning,
    MissingJudgmentError,
    NormalizationWarning,
    ReciprocityError,
    ReciprocityWarning,
    ScaleError,
    ScaleWarning,
)

#: Saaty's 17-value scale S17 = {1/9, ..., 1/2, 1, 2, ..., 9} (ahp.md §1.1).
S17 = np.array([1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])
_LOG_S17 = np.log(S17)

SCALES = ("saaty", "saaty_strict", "ratio")
SYMMETRIZE = (None, "upper")
ON_INVALID = ("raise", "mask")
DIAG_TOL = 1e-9
SCALE_TOL = 1e-9
HINT_TOL = 1e-2
SUM_TOL = 1e-6
MAX_LISTED = 10

#: Status codes of stack members (ahp.md §1.3); "disconnected" is set by the incomplete-matrix
#: paths (:func:`cvlib.ahp.incomplete_weights`) when the known pairs do not connect all elements.
STATUS_OK = "ok"
STATUS_DISCONNECTED = "disconnected"
STATUS_CODES = (
    "ok",
    "nonpositive",
    "nonfinite",
    "nonreciprocal",
    "missing",
    "out_of_scale",
    STATUS_DISCONNECTED,
)


@dataclass(frozen=True, repr=False)
class JudgmentStack(ResultMixin):
    """A stack of judgment matrices ``(r, n, n)`` with element labels and a respondent index.

    Built by :func:`survey_matrices`; :func:`cvlib.ahp.weights` accepts it directly. ``values``
    is a read-only float64 array (NaN = unanswered pair); ``summary()`` gives one row per
    respondent (n, pairs answered, pairs missing, validation status).
    """

    values: np.ndarray = Snapshot()
    labels: tuple
    index: pd.Index = Snapshot(default=None)

    _conventions = ("r", "n", "labels")
    _title = "JudgmentStack"

    def __post_init__(self) -> None:
        values = np.array(self._values, dtype="float64")
        if values.ndim != 3 or values.shape[1] != values.shape[2]:
            raise AHPInputError(f"a JudgmentStack needs shape (r, n, n), got {values.shape}.")
        object.__setattr__(self, "values", values)
        labels = check_labels(self.labels)
        if len(labels) != values.shape[1]:
            raise AHPInputError(
                f"a JudgmentStack of n = {values.shape[1]} elements got {len(labels)} labels "
                f"({list(labels)!r})."
            )
        object.__setattr__(self, "labels", labels)
        index = pd.RangeIndex(values.shape[0]) if self._index is None else pd.Index(self._index)
        if len(index) != values.shape[0]:
            raise AHPInputError(
                f"a JudgmentStack index has {len(index)} entries for {values.shape[0]} matrices."
            )
        object.__setattr__(self, "index", index)

    def __len__(self) -> int:
        return self._values.shape[0]

    @property
    def r(self) -> int:
        """Number of matrices (respondents)."""
        return self._values.shape[0]

    @property
    def n(self) -> int:
        """Number of elements compared in each matrix."""
        return self._values.shape[1]

    def summary(self, scale: str = "saaty") -> pd.DataFrame:
        """One row per respondent: n, pairs answered, pairs missing and the validation status.

        The status is what :func:`cvlib.ahp.weights` with ``on_invalid="mask"`` would assign
        under ``scale`` (``"ok"``, ``"nonpositive"``, ``"nonfinite"``, ``"nonreciprocal"``,
        ``"out_of_scale"``); missing pairs are counted in ``n_missing``, not in the status.

        Examples
        --------
        >>> df = pd.DataFrame({"a__b": [3, None], "a__c": [5, 1], "b__c": [2, 2]})
        >>> survey_matrices(df, positive_favours="left").summary()
           n  n_answered  n_missing status
        0  3           3          0     ok
        1  3           2          1     ok
        """
        a = np.array(self._values, dtype="float64")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AHPWarning)
            _, status, report = validate(
                a,
                self.labels,
                scale=scale,
                allow_missing=True,
                node="JudgmentStack",
                index=self._index,
                on_invalid="mask",
            )
        n = a.shape[1]
        n_missing = np.asarray(report["n_missing"], dtype="int64")
        return pd.DataFrame(
            {
                "n": np.full(len(a), n, dtype="int64"),
                "n_answered": n * (n - 1) // 2 - n_missing,
                "n_missing": n_missing,
                "status": pd.Series(status, dtype=object).to_numpy(),
            },
            index=self.index,
        )


@functools.lru_cache(maxsize=128)
def ones(n: int) -> np.ndarray:
    """A read-only vector of n ones: ``x @ ones(n)`` sums the last axis of a stack several times
    faster than ``x.sum(axis=-1)`` for short axes (one BLAS call instead of r tiny reductions)."""
    out = np.ones(n)
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=128)
def upper_indices(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(n, 1)`` (row-major pairs i < j), cached and read-only."""
    i, j = np.triu_indices(n, 1)
    i.setflags(write=False)
    j.setflags(write=False)
    return i, j


def label_index(labels: tuple) -> pd.Index:
    """``pd.Index(labels)``, cached per labels (and their types) for the single-matrix fast path.

    Only for building result objects, which store deep copies (never rename the returned Index
    in place: it is shared)."""
    return _label_index(labels, tuple(type(x) for x in labels))


@functools.lru_cache(maxsize=256)
def _label_index(labels: tuple, types: tuple) -> pd.Index:
    return pd.Index(labels)


# --------------------------------------------------------------------------------------------
# formatting helpers for messages


def where_text(node: Hashable | None) -> str:
    """``"judgment matrix 'X'"`` or ``"judgment matrix"`` for messages."""
    return "judgment matrix" if node is None else f"judgment matrix {node!r}"


def fmt_value(v: float) -> str:
    """Show 3 as '3', 1/3 as '1/3', 0.333 as '0.333' (never rounds 0.333 to 1/3)."""
    if v is None or not np.isfinite(v):
        return str(v)
    if v > 0:
        for k in range(1, 10):
            if abs(v - k) <= 1e-12 * k:
                return str(k)
            if abs(v - 1 / k) <= 1e-12 / k:
                return f"1/{k}"
    return f"{v:.10g}"


def _pair_text(labels: Sequence[Hashable], i: int, j: int) -> str:
    return f"({str(labels[i])}, {str(labels[j])})"


def _member_prefix(index: pd.Index | None, k: int) -> str:
    return "" if index is None else f"respondent {index[k]!r}: "


# --------------------------------------------------------------------------------------------
# values


def parse_value(x: Any, where: str = "") -> float:
    """One judgment as float: real numbers, ``"1/3"``, ``" 1 / 3 "``, full-width ``"１/３"``.

    None, NaN, ``pd.NA`` and ``""`` are missing (NaN; the caller's ``allow_missing`` rule then
    applies). Strings are NFKC-normalised, whitespace is removed and ``p/q`` is parsed as
    float(p)/float(q). Booleans, complex numbers and other objects raise ``AHPInputError``;
    ``where`` (e.g. ``"judgment matrix 'X': at (a, b): "``) prefixes every message.
    """
    if x is None or x is pd.NA:
        return math.nan
    if isinstance(x, bool | np.bool_):
        raise AHPInputError(
            f"{where}the boolean {x!r} is not a judgment; write a number such as 3 or a fraction "
            f"such as '1/3' ({ORIENTATION})."
        )
    if isinstance(x, Real | Decimal):  # int, float, Fraction, Decimal, numpy integers and floats
        return float(x)
    if isinstance(x, Complex):
        raise AHPInputError(
            f"{where}the complex number {x!r} is not a judgment; judgments are positive real "
            f"numbers such as 3 or '1/3' ({ORIENTATION})."
        )
    if isinstance(x, str):
        s = "".join(unicodedata.normalize("NFKC", x).split())
        if s == "" or s.lower() in {"nan", "na", "none"}:
            return math.nan
        try:
            if "/" in s:
                p, q = s.split("/", 1)
                return float(p) / float(q)
            return float(s)
        except (ValueError, ZeroDivisionError):
            raise AHPInputError(
                f"{where}cannot read the judgment {x!r}; write a number or a fraction such as "
                f"'1/3' ({ORIENTATION})."
            ) from None
    raise AHPInputError(
        f"{where}cannot read the judgment {x!r} of type {type(x).__name__}; write a number or a "
        f"fraction such as '1/3' ({ORIENTATION})."
    )


_parse_many = np.frompyfunc(parse_value, 1, 1)


def position_text(idx: tuple, shape: tuple, labels: Sequence[Hashable] | None = None) -> str:
    """Where an entry sits, by label: ``"at (a, b)"``, ``"matrix 2 at (a, b)"``, or for an
    upper-triangle vector ``"at (a, c) (upper-triangle element 2)"``. Without (matching) labels
    the positions 0..n-1 are the labels (the default labels of unlabeled input)."""

    def names(n: int) -> Sequence[Hashable]:
        if labels is not None and not isinstance(labels, str | bytes) and len(labels) == n:
            return list(labels)
        return list(range(n))

    if len(shape) == 1:
        m, k = shape[0], idx[0]
        root = math.isqrt(1 + 8 * m)
        if root * root == 1 + 8 * m and m > 0:
            n = (1 + root) // 2
            iu = np.triu_indices(n, 1)
            return f"at {_pair_text(names(n), iu[0][k], iu[1][k])} (upper-triangle element {k + 1})"
        return f"at element {k + 1} of {m}"
    if len(shape) >= 2 and shape[-1] == shape[-2]:
        where = f"at {_pair_text(names(shape[-1]), idx[-2], idx[-1])}"
    else:
        where = f"at row {idx[-2]}, column {idx[-1]}" if len(shape) >= 2 else f"at {idx}"
    lead = idx[:-2]
    if lead:
        return f"matrix {lead[0] if len(lead) == 1 else lead} {where}"
    return where


def to_float_array(
    data: Any, where: str = "", labels: Sequence[Hashable] | None = None
) -> np.ndarray:
    """A float64 copy of ``data`` (numbers, strings with fractions, None / NaN / pd.NA -> NaN).

    An unreadable entry raises naming its position by label, e.g. ``at (a, b)`` (see
    :func:`position_text`).
    """
    arr = np.asarray(data)
    if arr.dtype.kind in "fiu":
        return np.array(arr, dtype="float64")
    if arr.dtype.kind in "bc" or arr.dtype.kind in "OUST":
        if arr.size == 0:
            return np.zeros(arr.shape)
        obj = arr.astype(object)
        if arr.dtype.kind in "OUST":
            try:
                return np.asarray(_parse_many(obj), dtype="float64")
            except AHPInputError:
                pass  # find the first unreadable entry and name its position
        if arr.dtype.kind == "c" and np.any(arr.imag != 0):
            first = tuple(int(i) for i in np.argwhere(arr.imag != 0)[0])
            parse_value(obj[first], f"{where}{position_text(first, arr.shape, labels)}: ")
        for idx, x in np.ndenumerate(obj):
            parse_value(x, f"{where}{position_text(idx, arr.shape, labels)}: ")
    raise AHPInputError(f"{where}cannot read judgments of dtype {arr.dtype}; {ORIENTATION}.")


def _is_number_like(x: Any) -> bool:
    if isinstance(x, bool | np.bool_):
        return False
    if isinstance(x, Real | Decimal):
        return True
    if isinstance(x, str):
        try:
            return not math.isnan(parse_value(x))
        except AHPInputError:
            return False
    return False


def _is_pair_list(data: Any) -> bool:
    """A non-empty list of (label, label, value) triples whose labels are not numbers."""
    if not isinstance(data, list | tuple) or len(data) == 0:
        return False
    return all(
        isinstance(t, list | tuple)
        and len(t) == 3
        and not _is_number_like(t[0])
        and not _is_number_like(t[1])
        for t in data
    )


# --------------------------------------------------------------------------------------------
# labels


def check_labels(
    labels: Sequence[Hashable], node: Hashable | None = None, *, what: str = "labels"
) -> tuple:
    """Labels must be a list of unique, non-empty names (None, '' and NaN are rejected).

    A string is rejected rather than split into characters (``labels="总利润"`` is not the three
    labels 总, 利, 润). ``what`` names the argument in messages.
    """
    if isinstance(labels, str | bytes):
        prefix = "" if node is None else f"{where_text(node)}: "
        raise AHPInputError(
            f"{prefix}{what} must be a list of names, got the string {labels!r}; a string is "
            f"not split into characters: write e.g. {what}=[{labels!r}] for one element or "
            f"{what}=['a', 'b', 'c'] for several."
        )
    labels = tuple(labels)
    for lab in labels:
        if (
            lab is None
            or (isinstance(lab, str) and lab.strip() == "")
            or (isinstance(lab, float) and math.isnan(lab))
        ):
            raise AHPInputError(
                f"{where_text(node)} has an empty label {lab!r}; every element needs a name."
            )
    seen: set = set()
    dups = [lab for lab in labels if lab in seen or seen.add(lab)]  # type: ignore[func-returns-value]
    if dups:
        raise AHPInputError(
            f"{where_text(node)} has duplicate labels {sorted(set(map(str, dups)))}; labels must "
            f"be unique."
        )
    return labels


def label_mismatch(where: str, given: Sequence, expected: Sequence, what: str) -> str:
    """'<where>: the <what> labels differ from ...; missing: [...]; extra: [...]'."""
    missing = [x for x in expected if x not in set(given)]
    extra = [x for x in given if x not in set(expected)]
    return (
        f"{where}: the {what} labels differ from the expected labels {list(expected)!r}; "
        f"missing: {missing!r}; extra: {extra!r}."
    )


# --------------------------------------------------------------------------------------------
# input forms -> (labels, float matrix or stack, notes)


def _from_pairs(
    items: Sequence[tuple[Any, Any, Any]],
    labels: Sequence[Hashable] | None,
    node: Hashable | None,
    recip_tol: float,
) -> tuple[tuple, np.ndarray, list]:
    """Pair judgments ``(a, b, value)`` -> matrix with NaN for pairs nobody judged."""
    where = f"{where_text(node)}: "
    if labels is None:
        order: list = []
        for a, b, _ in items:
            for lab in (a, b):
                if lab not in order:
                    order.append(lab)
        labels = order
    labels = check_labels(labels, node)
    pos = {lab: k for k, lab in enumerate(labels)}
    n = len(labels)
    a_mat = np.full((n, n), np.nan)
    np.fill_diagonal(a_mat, 1.0)
    seen: dict[tuple[int, int], tuple[str, float]] = {}
    duplicates: list = []
    for a, b, raw in items:
        entry = f"({a!r}, {b!r}): {raw!r}"
        for lab in (a, b):
            if lab not in pos:
                raise AHPInputError(
                    f"{where}unknown label {lab!r} in the pair judgment {entry}; allowed labels: "
                    f"{list(labels)!r} ({ORIENTATION})."
                )
        value = parse_value(raw, f"{where}pair ({a!r}, {b!r}): ")
        if a == b:
            if math.isnan(value) or abs(value - 1.0) <= DIAG_TOL:
                continue
            raise AHPInputError(
                f"{where}the self pair {entry} must be 1 (an element is equally important as "
                f"itself); {ORIENTATION}."
            )
        if math.isnan(value):
            continue
        i, j = pos[a], pos[b]
        if not (value > 0 and np.isfinite(value)):
            raise AHPInputError(
                f"{where}the judgment {entry} is {fmt_value(value)}; judgments must be positive "
                f"and finite (0 is never a missing code: use None, NaN or '' for a missing pair); "
                f"{ORIENTATION}."
            )
        key, upper = ((i, j), value) if i < j else ((j, i), 1.0 / value)
        if key in seen:
            first, old = seen[key]
            if abs(upper / old - 1.0) <= recip_tol:
                duplicates.append((first, entry))
                continue
            raise DuplicateJudgmentError(
                f"{where}contradictory duplicate judgments of the pair "
                f"{_pair_text(labels, *key)}: {first} and {entry} (they imply a_"
                f"{key[0] + 1}{key[1] + 1} = {fmt_value(old)} and {fmt_value(upper)}); cvlib never "
                f"lets the last one win: remove one of them. {ORIENTATION}."
            )
        seen[key] = (entry, upper)
        a_mat[key] = upper
        a_mat[key[::-1]] = 1.0 / upper
    if duplicates:
        text = "; ".join(f"{x} and {y}" for x, y in duplicates)
        warnings.warn(
            f"{where}consistent duplicate judgments accepted: {text}.",
            DuplicateJudgmentWarning,
            stacklevel=4,
        )
    return labels, a_mat, [f"duplicate judgments accepted: {text}"] if duplicates else []


def _from_upper(
    vec: np.ndarray, labels: Sequence[Hashable] | None, node: Hashable | None
) -> tuple[tuple, np.ndarray]:
    """Upper triangle ``[a12, a13, ..., a1n, a23, ...]`` (row-major) -> full matrix."""
    m = vec.shape[-1]
    root = math.isqrt(1 + 8 * m)
    if root * root != 1 + 8 * m:
        raise AHPInputError(
            f"{where_text(node)}: an upper-triangle vector of length {m} does not fit any n "
            f"(need m = n(n-1)/2: 1, 3, 6, 10, 15, ...); give a12, a13, ..., a1n, a23, ... "
            f"row by row ({ORIENTATION})."
        )
    n = (1 + root) // 2
    if labels is None:
        labels = tuple(range(n))
    labels = check_labels(labels, node)
    if len(labels) != n:
        raise AHPInputError(
            f"{where_text(node)}: an upper-triangle vector of length {m} means n = {n} elements "
            f"but {len(labels)} labels were given ({list(labels)!r})."
        )
    iu = np.triu_indices(n, 1)
    out = np.ones(vec.shape[:-1] + (n, n))
    out[..., iu[0], iu[1]] = vec
    with np.errstate(divide="ignore"):
        out[..., iu[1], iu[0]] = 1.0 / vec
    return labels, out


def _from_frame(
    df: pd.DataFrame, labels: Sequence[Hashable] | None, node: Hashable | None
) -> tuple[tuple, np.ndarray]:
    rows, cols = list(df.index), list(df.columns)
    if set(rows) != set(cols) or len(rows) != len(cols):
        raise AHPInputError(
            label_mismatch(where_text(node), cols, rows, "column")
            + f" A judgment DataFrame needs index = columns = labels ({ORIENTATION})."
        )
    check_labels(rows, node)
    if labels is None:
        labels = rows
    labels = check_labels(labels, node)
    if set(labels) != set(rows) or len(labels) != len(rows):
        raise AHPInputError(label_mismatch(where_text(node), rows, labels, "DataFrame"))
    aligned = df.loc[list(labels), list(labels)]
    return labels, to_float_array(aligned.to_numpy(dtype=object), f"{where_text(node)}: ", labels)


def check_uniform_stack(data: Any, node: Hashable | None = None) -> None:
    """A list of matrices of different sizes is not a stack: name the first two sizes that differ.

    (A stack is ``(r, n, n)`` with one n; split respondents by n first.)
    """
    if not isinstance(data, list | tuple) or len(data) < 2:
        return
    shapes = []
    for x in data:
        if isinstance(x, pd.DataFrame):
            shapes.append(x.shape)
            continue
        try:
            arr = np.asarray(x, dtype=object)
        except ValueError:  # ragged rows: not a matrix at all, coerce() explains
            return
        if arr.ndim != 2:
            return
        shapes.append(arr.shape)
    first = shapes[0]
    for k, shape in enumerate(shapes):
        if shape != first:
            raise AHPInputError(
                f"{where_text(node)}: a stack needs matrices of one size (r, n, n), but matrix 0 "
                f"is {first[0]}x{first[1]} and matrix {k} is {shape[0]}x{shape[1]}; split the "
                f"respondents by the number of elements compared and call once per size "
                f"({ORIENTATION})."
            )


def coerce(
    data: Any,
    labels: Sequence[Hashable] | None = None,
    *,
    node: Hashable | None = None,
    recip_tol: float = 1e-6,
    allow_stack: bool = True,
) -> tuple[tuple, np.ndarray, pd.Index | None, list]:
    """Any input form -> ``(labels, float64 copy (n, n) or (r, n, n), respondent index, notes)``.

    The caller's data is never modified (every branch copies).
    """
    where = f"{where_text(node)}: "
    if labels is not None:
        labels = check_labels(labels, node)  # a string is rejected, never split into characters
    check_uniform_stack(data, node)
    if isinstance(data, JudgmentStack):
        labs = check_labels(data.labels if labels is None else labels, node)
        if len(labs) != data.values.shape[1]:
            raise AHPInputError(f"{where}{len(labs)} labels for n = {data.values.shape[1]}.")
        return labs, np.array(data.values, dtype="float64"), data.index, []
    if isinstance(data, pd.DataFrame):
        labs, values = _from_frame(data, labels, node)
        return labs, values, None, []
    if isinstance(data, pd.Series):
        if len(data) and all(isinstance(k, tuple) and len(k) == 2 for k in data.index):
            data = dict(data.items())
        elif isinstance(data.index, pd.RangeIndex):
            data = data.to_numpy(dtype=object)
        else:
            raise AHPInputError(
                f"{where}a Series indexed by labels looks like weights or measured values, not "
                f"judgments; use direct_weights() or measured_weights(), or a pair Series indexed "
                f"by (a, b) tuples ({ORIENTATION})."
            )
    if isinstance(data, Mapping):
        if not all(isinstance(k, tuple) and len(k) == 2 for k in data):
            raise AHPInputError(
                f"{where}a dict of judgments needs (a, b) pair keys, e.g. {{('a', 'b'): 3}} meaning "
                f"a is 3 times as important as b; a dict keyed by labels is direct weights or "
                f"measured values: use direct_weights() or measured_weights() ({ORIENTATION})."
            )
        labs, values, notes = _from_pairs(
            [(a, b, v) for (a, b), v in data.items()], labels, node, recip_tol
        )
        return labs, values, None, notes
    if isinstance(data, str | bytes) or data is None:
        raise AHPInputError(
            f"{where}cannot build a judgment matrix from {data!r}; pass a matrix, an upper-triangle "
            f"vector, a DataFrame or a pair dict ({ORIENTATION})."
        )
    if _is_pair_list(data):
        labs, values, notes = _from_pairs([tuple(t) for t in data], labels, node, recip_tol)
        return labs, values, None, notes
    try:
        arr = np.asarray(data) if isinstance(data, np.ndarray) else np.array(data, dtype=object)
    except ValueError:
        arr = None
    if arr is None or (
        arr.dtype == object
        and arr.size
        and any(isinstance(x, list | tuple | np.ndarray) for x in arr.ravel())
    ):
        raise AHPInputError(
            f"{where}the rows of the judgment matrix have different lengths; a judgment matrix "
            f"is square ({ORIENTATION})."
        )
    values = to_float_array(arr, where, labels)
    if values.ndim == 1:
        labs, values = _from_upper(values, labels, node)
        return labs, values, None, []
    if values.ndim == 3 and allow_stack:
        return (
            _check_square(values, labels, node, stack=True),
            values,
            pd.RangeIndex(len(values)),
            [],
        )
    if values.ndim != 2:
        expected = "(n, n) or a stack (r, n, n)" if allow_stack else "(n, n)"
        raise AHPInputError(f"{where}expected a matrix of shape {expected}, got {values.shape}.")
    return _check_square(values, labels, node, stack=False), values, None, []


def _check_square(
    values: np.ndarray, labels: Sequence[Hashable] | None, node: Hashable | None, *, stack: bool
) -> tuple:
    n = values.shape[-1]
    if values.shape[-2] != n or n < 1:
        raise AHPInputError(
            f"{where_text(node)}: a judgment matrix must be square with n >= 1, got shape "
            f"{values.shape[-2:]}{' per member' if stack else ''} ({ORIENTATION})."
        )
    labs = tuple(range(n)) if labels is None else check_labels(labels, node)
    if len(labs) != n:
        raise AHPInputError(
            f"{where_text(node)}: {len(labs)} labels ({list(labs)!r}) for a {n}x{n} matrix."
        )
    return labs


# --------------------------------------------------------------------------------------------
# batched validation


_MID_LOG_S17 = (_LOG_S17[1:] + _LOG_S17[:-1]) / 2
#: |ln v - midpoint| <= LOG_TIE_TOL between two neighbouring S17 values is a log-distance tie.
LOG_TIE_TOL = 1e-12


def nearest_s17(values: np.ndarray) -> np.ndarray:
    """The S17 value nearest to each value in log distance, argmin_s |ln s - ln v| (ahp.md §10.2).

    Tie rule (explicit, ahp.md §10.2): when ln v lies within ``LOG_TIE_TOL`` = 1e-12 of the log
    midpoint of two neighbouring S17 values (v = sqrt(2) lies halfway between 1 and 2, sqrt(6)
    between 2 and 3), the value closer to 1 wins: sqrt(2) -> 1, sqrt(6) -> 2, 1/sqrt(2) -> 1,
    1/sqrt(6) -> 1/2. The tolerance makes the rule independent of the last bit of ln v
    (ln(sqrt(2)) and ln(2)/2 may differ by rounding). Values beyond the scale go to 1/9 or 9.
    ``values`` must be positive.

    Examples
    --------
    >>> nearest_s17(np.array([np.sqrt(2), np.sqrt(6), 1 / np.sqrt(2), 2.9, 12.0])).tolist()
    [1.0, 2.0, 1.0, 3.0, 9.0]
    """
    logs = np.log(np.asarray(values, dtype="float64"))
    # above 1 a tie goes down (toward 1): shift the value down by the tolerance and take the
    # first midpoint >= it; below 1 a tie goes up: shift up and take the first midpoint > it
    k = np.where(
        logs > 0,
        np.searchsorted(_MID_LOG_S17, logs - LOG_TIE_TOL, side="left"),
        np.searchsorted(_MID_LOG_S17, logs + LOG_TIE_TOL, side="right"),
    )
    return S17[k]


def _decimal_rounding(values: np.ndarray, near: np.ndarray) -> np.ndarray:
    """True where a value below 1 is its S17 neighbour rounded half-up to 1-4 decimals
    (0.33, 0.333, 0.17, 0.14, 0.13 typed for 1/3, 1/6, 1/7, 1/8)."""
    hit = np.zeros(np.shape(values), dtype=bool)
    for d in range(1, 5):
        scale = 10.0**d
        hit |= np.abs(values - np.floor(near * scale + 0.5) / scale) <= 1e-12
    return hit & (values < 1)


def on_s17(values: np.ndarray) -> np.ndarray:
    """True where a value equals an S17 value within relative tolerance 1e-9."""
    v = np.asarray(values, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.abs(nearest_s17(np.where(v > 0, v, 1.0)) / v - 1.0) <= SCALE_TOL


class _Checker:
    """Per-member status of a stack; ``fail`` raises for the first bad member or records codes."""

    def __init__(self, r: int, node: Hashable | None, on_invalid: str) -> None:
        self.status = np.full(r, STATUS_OK, dtype=object)
        self.where = where_text(node)
        self.on_invalid = on_invalid

    def fail(self, code: str, bad: np.ndarray, message: Callable[[int], Exception]) -> None:
        """``bad``: per member bool; ``message(k)`` builds the exception for member k."""
        new = bad & (self.status == STATUS_OK)
        if not new.any():
            return
        if self.on_invalid == "raise":
            raise message(int(np.argmax(new)))
        self.status[new] = code


def _positions(mask: np.ndarray) -> list[tuple[int, int]]:
    """(i, j) positions flagged in one matrix, row-major, at most MAX_LISTED."""
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(mask), strict=True)][:MAX_LISTED]


def _quick_valid(
    a: np.ndarray, iu: tuple[np.ndarray, np.ndarray], scale: str, recip_tol: float
) -> tuple[bool, np.ndarray]:
    """``(True, upper)`` when every member passes every check of :func:`validate`: diagonal
    exactly 1, |a_ij a_ji - 1| <= recip_tol for every pair (so nothing is missing) and every entry
    on the scale (so positive and finite). A few whole-stack reductions; any doubt (NaN, a
    failure) returns False and :func:`validate` runs the member-by-member checks that name the
    respondent, the pair and the value."""
    n = a.shape[-1]
    d = np.arange(n)
    upper = a[:, iu[0], iu[1]]
    if not (a[:, d, d] == 1.0).all():
        return False, upper
    if upper.size == 0:
        return True, upper
    lower = a[:, iu[1], iu[0]]
    with np.errstate(invalid="ignore", over="ignore"):
        if not (np.abs(upper * lower - 1.0).max() <= recip_tol):  # NaN -> False
            return False, upper
        if scale == "saaty":
            lo, hi = 1 / 9 - SCALE_TOL, 9 + SCALE_TOL
            good = min(upper.min(), lower.min()) >= lo and max(upper.max(), lower.max()) <= hi
        elif scale == "saaty_strict":
            good = bool(on_s17(upper).all() and on_s17(lower).all())
        else:
            good = bool(
                np.isfinite(upper).all()
                and np.isfinite(lower).all()
                and upper.min() > 0
                and lower.min() > 0
            )
    return bool(good), upper


def _maybe_off_s17(upper: np.ndarray) -> bool:
    """False when every value in [1/9, 9] is certainly on S17 within the relative tolerance
    (x = max(v, 1/v) within 0.5e-9 x of an integer); True means: check exactly."""
    if upper.size == 0:
        return False
    x = np.where(upper >= 1.0, upper, 1.0 / upper)
    return bool((np.abs(x - np.rint(x)) > 0.5 * SCALE_TOL * x).any())


_EMPTY_NON_SCALE = pd.DataFrame(
    {
        "row": pd.Series([], dtype=object),
        "column": pd.Series([], dtype=object),
        "value": np.array([], dtype="float64"),
    }
)


def _empty_non_scale(index: pd.Index | None) -> pd.DataFrame:
    """The empty ``non_scale_values`` table (with a ``respondent`` column for a stack)."""
    table = _EMPTY_NON_SCALE.copy(deep=True)
    if index is not None:
        table.insert(0, "respondent", index[:0])
    return table


def validate(
    a: np.ndarray,
    labels: tuple,
    *,
    scale: str = "saaty",
    symmetrize: str | None = None,
    recip_tol: float = 1e-6,
    allow_missing: bool = False,
    node: Hashable | None = None,
    index: pd.Index | None = None,
    on_invalid: str = "raise",
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Validate a stack ``a`` of shape (r, n, n) in place (``a`` must be a private copy).

    Returns ``(a, status, report)``. ``index`` is the respondent index (None for one matrix, then
    messages do not name a respondent).
    """
    check_choice("scale", scale, SCALES)
    check_choice("symmetrize", symmetrize, SYMMETRIZE)
    check_choice("on_invalid", on_invalid, ON_INVALID)
    if not (recip_tol >= 0):
        raise AHPInputError(f"recip_tol must be >= 0, got {recip_tol!r}.")
    r, n, _ = a.shape
    ck = _Checker(r, node, on_invalid)
    report: dict[str, Any] = {"warnings": [], "symmetrized_pairs": []}
    iu = upper_indices(n)
    lab = labels

    def val(k: int, i: int, j: int) -> str:
        return fmt_value(a[k, i, j])

    def elem(i: int, j: int) -> str:
        return f"a_{i + 1}{j + 1}" if n < 10 else f"a_({i + 1},{j + 1})"

    fast, upper = (False, None) if symmetrize is not None else _quick_valid(a, iu, scale, recip_tol)
    if fast:  # every member passes every check below (the common case): skip the diagnosis
        finite = None
        report["n_missing"] = np.zeros(r, dtype=np.int64) if index is not None else 0
    else:
        # explicit repair first: lower := 1/upper (never implicit)
        if symmetrize == "upper":
            upper = a[:, iu[0], iu[1]]
            lower = a[:, iu[1], iu[0]]
            with np.errstate(divide="ignore", invalid="ignore"):
                new_lower = 1.0 / upper
                same = (lower == new_lower) | (
                    np.abs(lower * upper - 1.0) <= 4 * np.finfo(float).eps
                )
            changed = ~same & ~(np.isnan(lower) & np.isnan(upper))
            if changed.any():
                ks, ps = np.nonzero(changed)
                listed = [
                    f"{_member_prefix(index, k)}{_pair_text(lab, iu[1][p], iu[0][p])} "
                    f"{fmt_value(lower[k, p])} -> {fmt_value(new_lower[k, p])}"
                    for k, p in zip(ks[:50], ps[:50], strict=True)
                ]
                more = f" and {len(ks) - 50} more" if len(ks) > 50 else ""
                msg = (
                    f"{ck.where}: symmetrize='upper' replaced {len(ks)} lower-triangle entries by the "
                    f"reciprocals of the upper triangle: {'; '.join(listed)}{more}."
                )
                warnings.warn(msg, ReciprocityWarning, stacklevel=3)
                report["warnings"].append(msg)
                report["symmetrized_pairs"] = [
                    (
                        index[k] if index is not None else None,
                        lab[iu[1][p]],
                        lab[iu[0][p]],
                        float(lower[k, p]),
                        float(new_lower[k, p]),
                    )
                    for k, p in zip(ks, ps, strict=True)
                ]
            a[:, iu[1], iu[0]] = new_lower

        # positivity (-inf included), then +inf
        nonpos = a <= 0
        ck.fail(
            "nonpositive",
            nonpos.any(axis=(1, 2)),
            lambda k: AHPInputError(
                f"{_member_prefix(index, k)}{ck.where} has non-positive judgments: "
                + "; ".join(
                    f"{_pair_text(lab, i, j)} {elem(i, j)} = {val(k, i, j)}"
                    for i, j in _positions(nonpos[k])
                )
                + f"; judgments must be > 0 (0 is never a missing code: use NaN, None or '' for a missing "
                f"pair); {ORIENTATION}."
            ),
        )
        inf = np.isposinf(a)
        ck.fail(
            "nonfinite",
            inf.any(axis=(1, 2)),
            lambda k: AHPInputError(
                f"{_member_prefix(index, k)}{ck.where} has infinite judgments at "
                + ", ".join(_pair_text(lab, i, j) for i, j in _positions(inf[k]))
                + f" (a division by zero upstream?); {ORIENTATION}."
            ),
        )

        # diagonal
        diag = a[:, np.arange(n), np.arange(n)]
        bad_diag = ~(np.abs(diag - 1.0) <= DIAG_TOL)
        ck.fail(
            "nonreciprocal",
            bad_diag.any(axis=1),
            lambda k: ReciprocityError(
                f"{_member_prefix(index, k)}{ck.where} has diagonal entries other than 1: "
                + ", ".join(
                    f"{elem(i, i)} ({str(lab[i])}) = {val(k, i, i)}"
                    for i in np.nonzero(bad_diag[k])[0][:MAX_LISTED]
                )
                + f"; a_ii must be 1; {ORIENTATION}."
            ),
        )

        # missing pairs: NaN in both a_ij and a_ji
        nan_u = np.isnan(a[:, iu[0], iu[1]])
        nan_l = np.isnan(a[:, iu[1], iu[0]])
        half = nan_u != nan_l

        def half_msg(k: int) -> AHPInputError:
            parts = []
            for p in np.nonzero(half[k])[0][:MAX_LISTED]:
                i, j = iu[0][p], iu[1][p]
                if nan_u[k, p]:
                    i, j = j, i
                parts.append(
                    f"{_pair_text(lab, i, j)} {elem(i, j)} = {val(k, i, j)} but {elem(j, i)} is missing"
                )
            return ReciprocityError(
                f"{_member_prefix(index, k)}{ck.where} has half-missing pairs: {'; '.join(parts)}; "
                f"give both entries of a pair or neither, or pass symmetrize='upper' to fill the lower "
                f"triangle from the upper one; {ORIENTATION}."
            )

        ck.fail("nonreciprocal", half.any(axis=1), half_msg)
        missing = nan_u & nan_l
        report["n_missing"] = missing.sum(axis=1) if index is not None else int(missing.sum())
        if not allow_missing:

            def missing_msg(k: int) -> MissingJudgmentError:
                listed = [_pair_text(lab, iu[0][p], iu[1][p]) for p in np.nonzero(missing[k])[0]]
                return MissingJudgmentError(
                    f"{_member_prefix(index, k)}{ck.where} is incomplete: {len(listed)} missing "
                    f"pair(s) {', '.join(listed[:50])}{' ...' if len(listed) > 50 else ''}; give every "
                    f"pair (upper triangle a_ij, i < j), or pass allow_missing=True for an incomplete "
                    f"matrix: cvlib.ahp.incomplete_weights (also weights(..., allow_missing=True)) "
                    f"completes it by Harker, LLSM or λ-min completion (ahp.md §8); {ORIENTATION}."
                )

            ck.fail("missing", missing.any(axis=1), missing_msg)

        # reciprocity
        upper = a[:, iu[0], iu[1]]
        lower = a[:, iu[1], iu[0]]
        dev = np.abs(upper * lower - 1.0)
        bad_rec = dev > recip_tol  # NaN -> False

        def recip_msg(k: int) -> ReciprocityError:
            ps = np.nonzero(bad_rec[k])[0]
            ps = ps[np.argsort(-dev[k, ps], kind="stable")][:MAX_LISTED]
            parts = []
            for p in ps:
                i, j = iu[0][p], iu[1][p]
                parts.append(
                    f"{_pair_text(lab, i, j)}: {elem(i, j)} = {val(k, i, j)} but {elem(j, i)} = "
                    f"{val(k, j, i)} (product {upper[k, p] * lower[k, p]:.6g})"
                )
            i, j = iu[0][ps[0]], iu[1][ps[0]]
            big, small = (i, j) if a[k, i, j] >= a[k, j, i] else (j, i)
            top = a[k, big, small]
            near = round(top)
            suggestion = (
                f"1/{near}"
                if 1 <= near <= 9 and abs(top / near - 1) <= HINT_TOL
                else (fmt_value(1.0 / top))
            )
            msg = (
                f"{_member_prefix(index, k)}{ck.where} is not reciprocal at {int(bad_rec[k].sum())} "
                f"pair(s), worst first: {'; '.join(parts)}; {ORIENTATION}. Did you mean "
                f"{elem(small, big)} = {suggestion}?"
            )
            if np.any(dev[k, ps] <= HINT_TOL):
                msg += (
                    " A product within 1e-2 of 1 looks like a rounded fraction: use exact fractions "
                    "such as '1/3', or symmetrize='upper'."
                )
            return ReciprocityError(msg)

        ck.fail("nonreciprocal", bad_rec.any(axis=1), recip_msg)

        # scale
        finite = np.isfinite(a)
        if scale == "saaty":
            out = finite & ((a < 1 / 9 - SCALE_TOL) | (a > 9 + SCALE_TOL))
            scale_text = "Saaty's 1-9 scale [1/9, 9]"
        elif scale == "saaty_strict":
            out = finite & ~on_s17(np.where(finite, a, 1.0))
            scale_text = "the 17-value Saaty scale S17 {1/9, ..., 1/2, 1, 2, ..., 9}"
        else:
            out = np.zeros_like(finite)
            scale_text = ""
        ck.fail(
            "out_of_scale",
            out.any(axis=(1, 2)),
            lambda k: ScaleError(
                f"{_member_prefix(index, k)}{ck.where} has values outside {scale_text} (scale={scale!r}): "
                + "; ".join(
                    f"{_pair_text(lab, i, j)} {elem(i, j)} = {val(k, i, j)}"
                    for i, j in _positions(out[k])
                )
                + ". Use scale='ratio' for measured ratios or judgments derived from attributes; "
                f"{ORIENTATION}."
            ),
        )

    # values inside [1/9, 9] but not on S17: accepted and listed; a ScaleWarning only for decimal
    # roundings of S17 fractions (0.33 typed for 1/3)
    ok = ck.status == STATUS_OK
    if scale == "saaty" and fast and not _maybe_off_s17(upper):
        report["non_scale_values"] = _empty_non_scale(index)
    elif scale == "saaty":
        safe = np.where(np.isfinite(upper) & (upper > 0), upper, 1.0)
        near = nearest_s17(safe)
        rel = np.abs(safe / near - 1.0)
        off = (rel > SCALE_TOL) & ok[:, None]
        if finite is not None:
            off &= finite[:, iu[0], iu[1]]
        ks, ps = np.nonzero(off)
        lab_arr = np.empty(n, dtype=object)
        lab_arr[:] = lab
        table = pd.DataFrame(
            {
                "row": pd.Series(lab_arr[iu[0][ps]], dtype=object),
                "column": pd.Series(lab_arr[iu[1][ps]], dtype=object),
                "value": upper[ks, ps],
            }
        )
        if index is not None:
            table.insert(0, "respondent", index[ks])
        report["non_scale_values"] = table
        rounded = off & _decimal_rounding(safe, near)
        ks, ps = np.nonzero(rounded)
        if len(ks):
            listed = "; ".join(
                f"{_member_prefix(index, k)}{_pair_text(lab, iu[0][p], iu[1][p])} = "
                f"{fmt_value(upper[k, p])} (near {fmt_value(near[k, p])})"
                for k, p in zip(ks[:MAX_LISTED], ps[:MAX_LISTED], strict=True)
            )
            more = f" and {len(ks) - MAX_LISTED} more" if len(ks) > MAX_LISTED else ""
            msg = (
                f"{ck.where}: {len(ks)} judgment(s) look like rounded scale values: {listed}{more}; "
                f"use exact fractions such as '1/3'. They are used as given (see "
                f"report['non_scale_values']); {ORIENTATION}."
            )
            warnings.warn(msg, ScaleWarning, stacklevel=3)
            report["warnings"].append(msg)
    else:
        report["non_scale_values"] = _empty_non_scale(None)
    return a, ck.status, report


# --------------------------------------------------------------------------------------------
# public builders


def judgment_matrix(
    data: Any,
    labels: Sequence[Hashable] | None = None,
    *,
    scale: str = "saaty",
    symmetrize: str | None = None,
    recip_tol: float = 1e-6,
    allow_missing: bool = False,
    node: Hashable | None = None,
) -> pd.DataFrame:
    """Build and validate a judgment matrix (判断矩阵) from any input form.

    Orientation (ahp.md §0): a_ij = importance of row element i over column element j
    (行 i 相对于列 j 的重要性), a_ji = 1/a_ij, a_ii = 1. ``{("a", "b"): 3}`` means *a* is 3 times
    as important as *b*.

    Parameters
    ----------
    data : matrix-like, DataFrame, dict, list or Series
        * full matrix: ndarray or nested list (n, n); entries may be strings such as ``"1/3"``;
        * DataFrame with index = columns = labels (aligned by label);
        * pair dict ``{(a, b): value}`` (either key order; a consistent duplicate such as
          ``(a, b): 3`` and ``(b, a): "1/3"`` warns, a contradictory one raises);
        * list of ``(a, b, value)`` triples (the YAML-friendly pair form; labels must not be
          numbers);
        * upper-triangle vector ``[a12, a13, ..., a1n, a23, ...]`` (row-major; length n(n-1)/2).
        Strings are NFKC-normalised (full-width ``"１/３"`` works), whitespace is removed and
        ``p/q`` is read as float(p)/float(q). None, NaN and ``""`` mark a missing pair.
    labels : sequence, optional
        Element order. Pair forms: the allowed labels (an unknown label raises); DataFrames are
        reordered to it; unlabeled forms get it as names (default 0..n-1).
    scale : {"saaty", "saaty_strict", "ratio"}
        ``"saaty"``: 1/9 <= a_ij <= 9 (values off S17 such as 2.5 are accepted and listed in
        ``attrs["ahp_report"]["non_scale_values"]``; decimal roundings of S17 fractions, such as
        0.33 or 0.167, also raise a ``ScaleWarning`` suggesting exact fractions);
        ``"saaty_strict"``: a_ij in S17; ``"ratio"``: any positive finite value.
    symmetrize : {None, "upper"}
        ``"upper"`` overwrites the lower triangle with the reciprocals of the upper one and warns
        listing every changed pair. Never applied implicitly.
    recip_tol : float
        Reciprocity tolerance: |a_ij * a_ji - 1| <= recip_tol (default 1e-6).
    allow_missing : bool
        False (default): a missing pair raises ``MissingJudgmentError`` listing the pairs.
        True: keep NaN for the missing pairs (incomplete matrix, ahp.md §8).
    node : hashable, optional
        Name used in messages (e.g. the hierarchy node).

    Returns
    -------
    DataFrame
        float64, index = columns = labels; ``attrs["ahp_report"]`` holds ``non_scale_values``
        (DataFrame row/column/value) and the warning texts.

    Raises
    ------
    AHPInputError
        Non-square input, bad labels, non-positive, infinite or unreadable values, unknown labels,
        a self pair other than 1. Subclasses: ``ReciprocityError`` (a_ij * a_ji != 1, with the
        hint "use exact fractions such as '1/3'" when a product is within 1e-2 of 1),
        ``ScaleError`` (e.g. 50 on the 1-9 scale), ``DuplicateJudgmentError``,
        ``MissingJudgmentError``.

    Examples
    --------
    >>> float(judgment_matrix({("总利润", "销售量"): 4}).loc["销售量", "总利润"])
    0.25
    >>> float(judgment_matrix([2, "1/3", " 1 / 2 "], labels=["a", "b", "c"]).loc["c", "a"])
    3.0

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    Saaty, T. L. (2008). Decision making with the analytic hierarchy process. *International
    Journal of Services Sciences* 1(1), 83-98.
    """
    labs, values, _, notes = coerce(data, labels, node=node, recip_tol=recip_tol, allow_stack=False)
    values, _, report = validate(
        values[None],
        labs,
        scale=scale,
        symmetrize=symmetrize,
        recip_tol=recip_tol,
        allow_missing=allow_missing,
        node=node,
    )
    report["warnings"] = notes + report["warnings"]
    out = pd.DataFrame(values[0], index=pd.Index(labs), columns=pd.Index(labs))
    out.attrs["ahp_report"] = report
    return out


def survey_matrices(
    data: pd.DataFrame,
    *,
    positive_favours: str,
    sep: str = "__",
    zero_as: str = "equal",
    labels: Sequence[Hashable] | None = None,
) -> JudgmentStack:
    """Judgment matrices from survey answers in wide format with signed codes (问卷两两比较).

    One column per pair named ``A{sep}B`` (e.g. ``"price__quality"``), one row per respondent,
    integer codes in -9..9. With ``positive_favours="left"``: c >= 2 -> a(A, B) = c; c <= -2 ->
    a(A, B) = 1/|c|; c in {-1, 0, 1} -> 1 (``zero_as="missing"`` makes 0 a missing pair).
    ``"right"`` mirrors the sign. NaN is a missing pair. Vectorized over respondents.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; the index becomes the respondent ids.
    positive_favours : {"left", "right"}
        Required (no default), so a data set can never be transposed silently.
    sep : str
        Separator between the two labels in a column name.
    zero_as : {"equal", "missing"}
    labels : sequence, optional
        Element order (default: order of first appearance in the column names).

    Returns
    -------
    JudgmentStack
        ``values`` (r, n, n) with NaN for unanswered pairs, ``labels``, ``index``;
        ``summary()`` gives one row per respondent (pairs answered / missing, status).

    Examples
    --------
    >>> df = pd.DataFrame({"a__b": [3, -2], "a__c": [5, 1], "b__c": [2, 2]})
    >>> float(survey_matrices(df, positive_favours="left").values[1, 0, 1])
    0.5

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill (the 1-9 scale).
    Cho, F. (2019). *ahpsurvey: Analytic Hierarchy Process for Survey Data*. R package version
    0.4.1, doi:10.32614/CRAN.package.ahpsurvey (the wide survey format with signed -9..9
    codes, e.g. its ``city200`` data).
    """
    check_choice("positive_favours", positive_favours, ("left", "right"))
    check_choice("zero_as", zero_as, ("equal", "missing"))
    if not isinstance(data, pd.DataFrame):
        raise AHPInputError(f"survey data must be a DataFrame, got {type(data).__name__}.")
    pairs = []
    for col in data.columns:
        parts = str(col).split(sep)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise AHPInputError(
                f"survey column {col!r} is not named 'A{sep}B' (two labels joined by sep={sep!r})."
            )
        pairs.append((col, parts[0], parts[1]))
    if labels is None:
        order: list = []
        for _, a, b in pairs:
            order += [x for x in (a, b) if x not in order]
        labels = order
    labels = check_labels(labels, "survey")
    pos = {lab: k for k, lab in enumerate(labels)}
    r, n = len(data), len(labels)
    out = np.full((r, n, n), np.nan)
    out[:, np.arange(n), np.arange(n)] = 1.0
    filled: dict[tuple[int, int], Any] = {}
    for col, a, b in pairs:
        for lab in (a, b):
            if lab not in pos:
                raise AHPInputError(
                    f"survey column {col!r}: unknown label {lab!r}; allowed labels {list(labels)!r}."
                )
        if a == b:
            raise AHPInputError(f"survey column {col!r} compares {a!r} with itself.")
        codes = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype="float64")
        bad = (
            (np.isnan(codes) & data[col].notna().to_numpy())
            | (np.isfinite(codes) & ((codes != np.round(codes)) | (np.abs(codes) > 9)))
            | np.isinf(codes)
        )
        if bad.any():
            k = int(np.argmax(bad))
            code = data[col].iloc[k]
            code = code.item() if isinstance(code, np.generic) else code  # -10, not np.int64(-10)
            who = data.index[k]
            who = who.item() if isinstance(who, np.generic) else who
            raise AHPInputError(
                f"survey column {col!r}, respondent {who!r}: code {code!r} is not an integer in "
                f"-9..9 (pair ({a}, {b}); {int(bad.sum())} bad code(s) in this column). Codes: "
                f"2..9 favour one element, -2..-9 the other, -1, 0, 1 mean equal importance."
            )
        c = codes if positive_favours == "left" else -codes
        val = np.where(c >= 2, c, np.where(c <= -2, 1.0 / np.abs(np.where(c == 0, 1, c)), 1.0))
        if zero_as == "missing":
            val = np.where(c == 0, np.nan, val)
        val = np.where(np.isnan(c), np.nan, val)
        i, j = pos[a], pos[b]
        if i > j:
            i, j, val = j, i, 1.0 / val
        if (i, j) in filled:
            prev_col, prev = filled[(i, j)]
            both = ~np.isnan(prev) & ~np.isnan(val)
            clash = both & (np.abs(prev / np.where(both, val, 1.0) - 1.0) > 1e-9)
            if clash.any():
                k = int(np.argmax(clash))
                who = data.index[k]
                who = who.item() if isinstance(who, np.generic) else who
                raise DuplicateJudgmentError(
                    f"survey columns {prev_col!r} and {col!r} judge the same pair "
                    f"({labels[i]}, {labels[j]}) with contradictory codes for respondent {who!r} "
                    f"(a({labels[i]}, {labels[j]}) = {fmt_value(prev[k])} and "
                    f"{fmt_value(val[k])}); cvlib never lets the "
                    f"last one win: remove one column."
                )
            warnings.warn(
                f"survey columns {prev_col!r} and {col!r} judge the same pair (consistent); "
                f"using both.",
                DuplicateJudgmentWarning,
                stacklevel=2,
            )
            val = np.where(np.isnan(val), prev, val)
        filled[(i, j)] = (col, val)
        out[:, i, j] = val
        out[:, j, i] = 1.0 / val
    return JudgmentStack(out, labels, data.index)


def parse_label_values(
    values: Any, labels: Sequence[Hashable] | None, node: Hashable | None, what: str
) -> tuple[tuple, np.ndarray]:
    """``{label: value}``, a Series or a sequence (with ``labels``) -> (labels, float64 values)."""
    where = f"{what} of {node!r}: " if node is not None else f"{what}: "
    if isinstance(values, pd.Series):
        values = dict(values.items())
    if isinstance(values, Mapping):
        keys = check_labels(list(values), node)
        if labels is not None:
            labels = check_labels(labels, node)
            if set(keys) != set(labels) or len(keys) != len(labels):
                raise AHPInputError(label_mismatch(where[:-2], keys, labels, "given"))
        else:
            labels = keys
        raw = [values[k] for k in labels]
    else:
        if isinstance(values, str | bytes):
            raise AHPInputError(f"{where}expected a dict {{label: value}}, got {values!r}.")
        raw = list(np.asarray(values, dtype=object).ravel())
        labels = check_labels(range(len(raw)) if labels is None else labels, node)
        if len(labels) != len(raw):
            raise AHPInputError(f"{where}{len(raw)} values for {len(labels)} labels.")
    out = np.array(
        [parse_value(v, f"{where}{lab!r}: ") for lab, v in zip(labels, raw, strict=True)],
        dtype="float64",
    )
    if out.size == 0:
        raise AHPInputError(f"{where}no values given.")
    return tuple(labels), out


def direct_vector(
    values: Any,
    labels: Sequence[Hashable] | None = None,
    *,
    normalize: bool = False,
    node: Hashable | None = None,
) -> tuple[tuple, np.ndarray, list]:
    """Direct weights: >= 0, |sum - 1| <= 1e-6 (``normalize=True`` rescales with a warning)."""
    labels, w = parse_label_values(values, labels, node, "direct weights")
    where = f"direct weights of {node!r}" if node is not None else "direct weights"
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        listed = ", ".join(f"{labels[k]!r} = {float(w[k])!r}" for k in np.nonzero(bad)[0])
        raise AHPInputError(f"{where} must be finite and >= 0; got {listed}.")
    total = float(w.sum())
    notes: list[str] = []
    if not total > 0:
        raise AHPInputError(f"{where} are all zero; at least one weight must be positive.")
    if abs(total - 1.0) > SUM_TOL:
        if not normalize:
            raise AHPInputError(
                f"{where} sum to {total:.10g}, not 1 (tolerance 1e-6); printed rounded weights "
                f"such as 0.5278 + 0.1396 + 0.3325 = 0.9999 need normalize=True (rescales and "
                f"warns), or give the judgment matrix / exact fractions instead."
            )
        msg = f"{where} summed to {total:.10g}; rescaled to sum 1 (normalize=True)."
        warnings.warn(msg, NormalizationWarning, stacklevel=3)
        notes.append(msg)
    return labels, w / total, notes


def measured_vector(
    values: Any, labels: Sequence[Hashable] | None = None, *, node: Hashable | None = None
) -> tuple[tuple, np.ndarray]:
    """Measured values (all > 0) -> weights value / sum."""
    labels, v = parse_label_values(values, labels, node, "measured values")
    bad = ~np.isfinite(v) | (v <= 0)
    if bad.any():
        listed = ", ".join(f"{labels[k]!r} = {float(v[k])!r}" for k in np.nonzero(bad)[0])
        where = f"measured values of {node!r}" if node is not None else "measured values"
        raise AHPInputError(f"{where} must be finite and > 0; got {listed}.")
    return labels, v / v.sum()

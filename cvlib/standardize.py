"""Standardization, normalization and entropy weights (标准化 / 无量纲化 / 熵权法).

Every function works **per column** (per variable or indicator), keeps missing cells missing,
returns a new object with the input's index and column order, never modifies its input, and
records the convention it used in ``result.attrs["cvlib"]`` (or in the result object), so a
number can always be matched to its source.

* :func:`zscore`: z-scores, SPSS ``DESCRIPTIVES /SAVE`` convention (sample SD, n - 1) by default.
* :func:`minmax`: direction-aware min-max rescaling (benefit 正向, cost 逆向, 中间型, 区间型).
* :func:`normalize`: vector, sum, max, mean, reciprocal and reflection normalizations.
* :func:`rescale_0_100`: 0-100 (百分制) scores from the theoretical scale end points.
* :func:`entropy_weights`: the entropy weight method (熵权法), returning :class:`EntropyResult`.
* :func:`combine_weights`: combined subjective-objective weights (主客观组合赋权).

The normative conventions are in ``methods/standardize.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cvlib._directions import Direction, parse_directions
from cvlib._results import ResultMixin
from cvlib._validation import (
    CvlibInputError,
    as_frame,
    check_choice,
    check_columns_exist,
    check_nonempty,
    check_numeric,
)

__all__ = [
    "EntropyResult",
    "combine_weights",
    "entropy_weights",
    "minmax",
    "normalize",
    "rescale_0_100",
    "zscore",
]

_DDOF_ALIASES = {"sample": 1, "spss": 1, "population": 0}
_NORMALIZE_METHODS = ("vector", "sum", "max", "mean", "reciprocal", "reflect")
_ZERO_VARIANTS = ("0ln0", "shift", "affine", "eps")
_MAX_LISTED = 10  # how many offending rows an error message lists


# --------------------------------------------------------------------------------------------
# small shared helpers
# --------------------------------------------------------------------------------------------


def _warn(message: str) -> None:
    # stacklevel 3: _warn -> public function -> the caller's line
    warnings.warn(message, UserWarning, stacklevel=3)


def _names(values: Sequence[Any]) -> str:
    return ", ".join(map(repr, values))


def _check_unique_columns(df: pd.DataFrame, name: str = "data") -> None:
    dup = df.columns[df.columns.duplicated()].unique().tolist()
    if dup:
        raise CvlibInputError(
            f"{name} has duplicated column name(s) {_names(dup)}; rename them so that every "
            f"column can be addressed by its name."
        )


def _check_has_values(columns: pd.Index, valid: np.ndarray | None) -> None:
    """Raise naming the columns without a valid (non-missing) value; ``valid=None``: none missing."""
    if valid is None:
        return
    empty = columns[~valid.any(axis=0)].tolist()
    if empty:
        raise CvlibInputError(
            f"column(s) {_names(empty)} have no valid (non-missing) values; drop them or fill "
            f"them before standardizing."
        )


def _float_frame(
    frame: pd.DataFrame, columns: Sequence[Hashable] | None, allow_bool: bool
) -> pd.DataFrame:
    """``numeric_frame`` without its column-by-column finite check (see :func:`_check_cells`)."""
    check_nonempty(frame)
    if columns is not None:
        check_columns_exist(frame, columns)
        frame = frame.loc[:, list(columns)]
    check_numeric(frame, allow_bool=allow_bool)
    return frame.astype("float64")  # a lazy copy (copy-on-write) when already float64


def _check_cells(x: pd.DataFrame, a: np.ndarray, probes: Sequence[np.ndarray]) -> np.ndarray | None:
    """``check_finite`` and :func:`_check_has_values` on ``a = x.to_numpy()``, vectorized.

    ``probes`` are per-column reductions of ``a`` that propagate NaN and +/-inf (sum, min, max):
    a column whose probes are all finite holds only finite values and needs no cell scan. Returns
    the validity mask ``~isnan(a)``, or None when every cell is finite (nothing missing).
    """
    suspect = np.zeros(a.shape[1], dtype=bool)
    for probe in probes:
        suspect |= ~np.isfinite(probe)
    if not suspect.any():
        return None
    for j in np.flatnonzero(suspect):  # the first column holding +/-inf raises, as check_finite
        values = a[:, j]
        inf = np.isinf(values)
        if inf.any():
            row = x.index[int(np.argmax(inf))]
            raise CvlibInputError(
                f"column {x.columns[j]!r} holds {values[inf][0]} at row {row!r}; replace "
                f"infinite values (e.g. a division by zero upstream) with a number or NaN."
            )
    valid = ~np.isnan(a)
    _check_has_values(x.columns, valid)
    return valid


def _prepare(
    data: Any, *, columns: Sequence[Hashable] | None = None, allow_bool: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, bool, np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """Validate ``data`` and return (frame as given, float64 frame of the selected columns,
    input-was-a-Series, its values (may be a view of the input: never written to), validity
    mask ``~isnan`` or None when nothing is missing, column min, column max over valid cells).
    """
    was_series = isinstance(data, pd.Series)
    frame = as_frame(data)
    check_nonempty(frame)
    _check_unique_columns(frame)
    x = _float_frame(frame, columns, allow_bool)
    a = x.to_numpy()
    mn, mx = a.min(axis=0), a.max(axis=0)
    valid = _check_cells(x, a, (mn, mx))
    if valid is not None:  # NaN-ignoring; every column has a valid cell
        mn, mx = np.fmin.reduce(a, axis=0), np.fmax.reduce(a, axis=0)
        # fmin/fmax may settle a tie of 0.0 and -0.0 otherwise: redo such columns as before
        for s in _column_runs((mn == 0) | (mx == 0)):
            mn[s], mx[s] = _masked_min_max(a[:, s], valid[:, s])
    return frame, x, was_series, a, valid, mn, mx


def _frame(values: np.ndarray, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    """A DataFrame over a freshly computed array (no copy: nothing else refers to ``values``)."""
    return pd.DataFrame(values, index=index, columns=columns, copy=False)


def _output(
    values: np.ndarray, x: pd.DataFrame, was_series: bool, series_name: Any, info: dict
) -> pd.DataFrame | pd.Series:
    """Wrap a freshly computed result array with the input's index and columns and attach the
    convention."""
    out: pd.DataFrame | pd.Series = _frame(values, x.index, x.columns)
    if was_series:
        out = out.iloc[:, 0].rename(series_name)
    out.attrs["cvlib"] = info
    return out


def _first_rows(index: pd.Index, values: np.ndarray, mask: np.ndarray) -> str:
    """Text 'row r = v, ...' for the rows flagged in ``mask`` (at most _MAX_LISTED)."""
    pos = np.flatnonzero(mask)
    parts = [f"row {index[p]!r} = {values[p]:g}" for p in pos[:_MAX_LISTED]]
    more = f" and {len(pos) - _MAX_LISTED} more" if len(pos) > _MAX_LISTED else ""
    return ", ".join(parts) + more


def _raise_bad_cells(x: pd.DataFrame, mask: np.ndarray, problem: str, fix: str) -> None:
    """Raise naming the first column with a flagged cell and its offending rows."""
    bad_cols = np.flatnonzero(mask.any(axis=0))
    if bad_cols.size:
        j = int(bad_cols[0])
        values = x.iloc[:, j].to_numpy()
        raise CvlibInputError(
            f"column {x.columns[j]!r} {problem}: {_first_rows(x.index, values, mask[:, j])}; {fix}"
        )


def _masked_min_max(a: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column min and max over the cells flagged in ``valid`` (no all-NaN warnings)."""
    return (np.where(valid, a, np.inf).min(axis=0), np.where(valid, a, -np.inf).max(axis=0))


# Column-wise passes over large arrays work on blocks of whole columns (a column of a
# column-major array is contiguous), so that temporaries stay small and in cache while every
# column is still reduced in one piece, in the same order as a whole-array ``sum(axis=0)``.
_BLOCK_CELLS = 1 << 20
_HEAD_ROWS = 64


def _column_blocks(shape: tuple[int, int]) -> list[slice]:
    n, m = shape
    width = max(1, _BLOCK_CELLS // max(n, 1))
    return [slice(j, min(j + width, m)) for j in range(0, m, width)]


def _column_runs(flags: np.ndarray) -> list[slice]:
    """Maximal runs of consecutive flagged columns, as slices (views, never copies)."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return [slice(int(s), int(e)) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def _col_sum_sq(d: np.ndarray) -> np.ndarray:
    """``(d**2).sum(axis=0)`` without a full-size temporary."""
    if not d.flags.f_contiguous:  # row-major: keep numpy's summation order for that layout
        return np.square(d).sum(axis=0)
    out = np.empty(d.shape[1])
    buf = np.empty((d.shape[0], min(_column_blocks(d.shape)[0].stop, d.shape[1])), order="F")
    for s in _column_blocks(d.shape):
        sq = np.square(d[:, s], out=buf[:, : s.stop - s.start])
        out[s] = sq.sum(axis=0)
    return out


def _col_sum_plogp(p: np.ndarray, eps: float | None) -> np.ndarray:
    """Column sums of p ln p with 0 ln 0 = 0, or of p ln(p + eps) when ``eps`` is given."""
    out = np.empty(p.shape[1])
    buf = np.empty((p.shape[0], min(_column_blocks(p.shape)[0].stop, p.shape[1])), order="F")
    for s in _column_blocks(p.shape):
        blk = p[:, s]
        tmp = buf[:, : s.stop - s.start]
        if eps is not None:
            np.add(blk, eps, out=tmp)
            np.log(tmp, out=tmp)
            np.multiply(blk, tmp, out=tmp)
            out[s] = tmp.sum(axis=0)
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(blk, out=tmp)
            np.multiply(blk, tmp, out=tmp)  # NaN exactly where p > 0 does not hold
        out[s] = tmp.sum(axis=0)
        if np.isnan(out[s]).any():
            np.copyto(tmp, 0.0, where=np.isnan(tmp))  # 0 ln 0 = 0
            out[s] = tmp.sum(axis=0)
    return out


def _constant_columns(a: np.ndarray) -> np.ndarray:
    """Column min == max for a NaN-free ``a`` (most columns already vary in their first rows)."""
    head = a[:_HEAD_ROWS]
    constant = ~(head != head[0]).any(axis=0)
    for j in np.flatnonzero(constant):
        col = a[:, j]
        constant[j] = col.min() == col.max()
    return constant


def _valid_counts(a: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    """Valid (non-missing) cells per column; ``valid=None``: every cell is valid."""
    return np.full(a.shape[1], a.shape[0]) if valid is None else valid.sum(axis=0)


def _col_dict(columns: Sequence[Hashable], values: Any) -> dict:
    """{column: python scalar} for attrs (plain types print cleanly in notebooks)."""
    return {
        c: (v.item() if isinstance(v, np.generic) else v)
        for c, v in zip(columns, values, strict=True)
    }


def _as_column_list(columns: Any) -> list:
    if isinstance(columns, str) or not isinstance(columns, Sequence | pd.Index | np.ndarray):
        return [columns]
    out = list(columns)
    dup = pd.Index(out)[pd.Index(out).duplicated()].unique().tolist()
    if dup:
        raise CvlibInputError(f"columns lists {_names(dup)} more than once; name each column once.")
    return out


def _real(value: Any, name: str) -> float:
    """A finite real number (not a bool), else a ValueError naming the argument."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise CvlibInputError(f"{name} must be a finite number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise CvlibInputError(f"{name} must be a finite number, got {value!r}.")
    return value


# --------------------------------------------------------------------------------------------
# 1. z-scores
# --------------------------------------------------------------------------------------------


def _parse_ddof(ddof: Any) -> int:
    if isinstance(ddof, str) and ddof.strip().lower() in _DDOF_ALIASES:
        return _DDOF_ALIASES[ddof.strip().lower()]
    if not isinstance(ddof, bool | np.bool_) and isinstance(ddof, int | np.integer):
        if int(ddof) in (0, 1):
            return int(ddof)
    raise CvlibInputError(
        f"ddof={ddof!r} is not a valid option; use 1 (alias 'sample' or 'spss': sample SD, n - 1, "
        f"the SPSS default) or 0 (alias 'population': population SD, n)."
    )


def _parse_weights(
    weights: Any, frame: pd.DataFrame
) -> tuple[np.ndarray | None, str | None, Hashable | None]:
    """Return (weight array, label for attrs, weight column name or None)."""
    if weights is None:
        return None, None, None
    # list-like (list, array, Series, Index, pandas extension array such as Int64/Float64) =
    # one weight per row; anything else (a hashable scalar, or a tuple that is a column label,
    # e.g. of MultiIndex columns) names the weight column
    is_array = pd.api.types.is_list_like(weights) and not (
        isinstance(weights, tuple) and weights in frame.columns
    )
    if is_array:
        if isinstance(weights, pd.Series):
            if not weights.index.equals(frame.index):
                raise CvlibInputError(
                    "weights is a Series whose index differs from the data's index; align it "
                    "with weights.reindex(data.index) or pass weights.to_numpy()."
                )
            wseries = weights.rename("weights")
        else:
            if isinstance(weights, pd.Index):
                arr = weights.array
            elif isinstance(weights, pd.api.extensions.ExtensionArray):
                arr = weights  # keeps a nullable dtype: pd.NA becomes a missing weight
            else:
                arr = np.asarray(weights)
                if arr.dtype == object and arr.ndim == 1:  # e.g. [1, pd.NA, 2]: infer Int64
                    arr = pd.array(arr)
            shape = getattr(arr, "shape", (len(arr),))
            if len(shape) != 1 or shape[0] != frame.shape[0]:
                raise CvlibInputError(
                    f"weights has shape {shape} but the data have {frame.shape[0]} rows; "
                    f"pass one frequency weight per row."
                )
            wseries = pd.Series(arr, index=frame.index, name="weights", copy=False)
        label, wcol = "array", None
    else:
        check_columns_exist(frame, [weights], what="weights column")
        wseries = frame[weights]
        label, wcol = weights, weights
    wframe = wseries.to_frame()
    check_numeric(wframe)
    w = wframe.iloc[:, 0].to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        kinds = [
            kind
            for kind, flags in (
                ("missing", np.isnan(w)),
                ("infinite", np.isinf(w)),
                ("negative", w < 0),
            )
            if flags.any()
        ]
        raise CvlibInputError(
            f"frequency weights must be non-missing, finite and >= 0, but there are "
            f"{'/'.join(kinds)} weights: {_first_rows(frame.index, w, bad)}; SPSS would drop such "
            f"cases, cvlib lets you decide: fix the weights or drop the rows."
        )
    return w, label, wcol


# A column's sum of squared deviations below this (or not finite, or a mean that is not) means
# squares underflowed or sums overflowed: the column is redone at a rescaled magnitude.
_TINY_SSQ = 1e-280


def _rescaled_column(
    j: int,
    a: np.ndarray,
    valid: np.ndarray | None,
    wv: np.ndarray | None,
    total_w: np.ndarray,
    ddof: int,
    z: np.ndarray,
    mean: np.ndarray,
    sd: np.ndarray,
    div: np.ndarray,
) -> None:
    """Redo column j of zscore on y = x / max|x|, whose squares neither overflow nor underflow.

    z = (x - mean) / sd = (y - mean_y) / sd_y, so ``z[:, j]`` gets the deviations y - mean_y
    and ``div[j]`` = sd_y; ``mean[j]`` and ``sd[j]`` (reported) get max|x| * mean_y and
    max|x| * sd_y. Only columns with extreme magnitudes (|x| near 1e308, or deviations below
    about 1e-154) come here.
    """
    ok = np.ones(a.shape[0], dtype=bool) if valid is None else valid[:, j]
    y = np.where(ok, a[:, j], 0.0)
    scale = np.abs(y).max()
    if not scale > 0:  # every used value is 0: a constant column
        return
    y /= scale
    wj = None if wv is None else wv[:, j]
    mean_y = (y if wj is None else wj * y).sum() / total_w[j]
    d = np.where(ok, y - mean_y, 0.0)
    ssq_y = (d * d if wj is None else wj * d * d).sum()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sd_y = np.sqrt(ssq_y / (total_w[j] - ddof))
        sd[j] = scale * sd_y  # the reported SD may exceed the largest float: inf
    z[:, j] = d
    mean[j] = scale * mean_y
    div[j] = sd_y


def _numeric_share(s: pd.Series) -> tuple[int, int, pd.Series] | None:
    """For a text-like column (object, string, category): (values that parse as numbers,
    non-missing values, mask of the non-missing values that do not parse). None for other
    dtypes (datetime, period, ...) and for values ``pd.to_numeric`` cannot inspect."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        s = s.astype(object)
    elif not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
        return None
    present = s.notna()
    try:
        parsed = pd.to_numeric(s, errors="coerce")
    except (TypeError, ValueError):  # e.g. lists or dicts stored in cells
        return None
    text = present & parsed.isna()
    n_present = int(present.sum())
    return n_present - int(text.sum()), n_present, text


def _default_columns(frame: pd.DataFrame, wcol: Hashable | None) -> tuple[list, list]:
    """zscore's default columns: (numeric columns to standardize, label columns to skip).

    Numeric dtypes (bool included: it is checked later against ``allow_bool``) are used. A text
    column (object, string, category) where at least half of the non-missing values parse as
    numbers is a numeric column with typos: ``TypeError`` naming the column and its first
    non-number. Any other non-numeric column (ids, names, dates) is a label and is skipped.
    """
    selected, skipped = [], []
    for j, c in enumerate(frame.columns):
        if wcol is not None and c == wcol:
            continue
        col = frame.iloc[:, j]
        if pd.api.types.is_numeric_dtype(col.dtype):
            selected.append(c)
            continue
        share = _numeric_share(col)
        if share is not None and share[1] > 0 and 2 * share[0] >= share[1]:
            n_num, n_present, text = share
            pos = np.flatnonzero(text.to_numpy())
            if pos.size:
                more = f" (and {pos.size - 1} more)" if pos.size > 1 else ""
                problem = (
                    f"{n_num} of its {n_present} non-missing values are numbers, so it is a "
                    f"numeric column with text typos: row {frame.index[pos[0]]!r} holds "
                    f"{col.iloc[pos[0]]!r}{more}; fix those values (or set them to NaN) and "
                    f"convert"
                )
            else:
                problem = (
                    f"all its {n_present} non-missing values are numbers stored as text or "
                    f"objects; convert it"
                )
            raise TypeError(
                f"column {c!r} is not numeric (dtype {col.dtype}): {problem} with "
                f"pd.to_numeric(df[{c!r}]), or pass columns=[...] without it. zscore does not "
                f"coerce or drop such a column silently."
            )
        skipped.append(c)
    return selected, skipped


def zscore(
    data: pd.DataFrame | pd.Series,
    *,
    ddof: int | str = 1,
    missing: str = "variable",
    weights: Hashable | Sequence[float] | np.ndarray | pd.Series | None = None,
    columns: Sequence[Hashable] | None = None,
    prefix: str | None = None,
    on_constant: str = "nan",
    allow_bool: bool = False,
) -> pd.DataFrame | pd.Series:
    r"""z-scores (Z 分数标准化), SPSS ``DESCRIPTIVES /SAVE`` convention by default.

    z_ij = (x_ij - mean_j) / s_j with s_j = sqrt(sum_i (x_ij - mean_j)^2 / (n_j - ddof)).
    With frequency weights w_i (SPSS ``WEIGHT BY``): mean = sum w_i x_i / W,
    s^2 = sum w_i (x_i - mean)^2 / (W - ddof), W = sum w_i.

    The default ``ddof=1`` (sample SD, n - 1, as SPSS, pandas ``.std()`` and R ``scale()``)
    differs from ``sklearn.preprocessing.StandardScaler`` and ``scipy.stats.zscore``, which
    use the population SD (``ddof=0``); z_sample = z_population * sqrt((n - 1) / n).

    Parameters
    ----------
    data : DataFrame or Series
        One row per case, one column per variable.
    ddof : {1, 0, "sample", "spss", "population"}, default 1
        Variance divisor n - ddof (W - ddof with weights). ``"sample"``/``"spss"`` mean 1,
        ``"population"`` means 0.
    missing : {"variable", "listwise"}, default "variable"
        SPSS ``/MISSING=VARIABLE``: each column uses all its valid values and a missing cell stays
        missing. ``"listwise"``: only rows complete on all selected columns are used, and every
        selected column of an incomplete row is NaN.
    weights : column name or array of frequency weights, optional
        Finite and >= 0 (negative or missing weights raise). Fractional weights are used as they
        are. A case with weight 0 does not enter the mean or SD but still gets a z-score (PSPP).
        The weight column is never standardized itself.
    columns : list of column names, optional
        Columns to standardize (each must be numeric, else ``TypeError``). Default ``None``:
        every numeric column, with this rule for the others (nothing is dropped silently):

        * a label column (an id, a name, a date: object/string/category with fewer than half of
          its non-missing values parsing as numbers, or any other non-numeric dtype) is skipped
          with a ``UserWarning`` listing every skipped column, and recorded in
          ``attrs["cvlib"]["skipped_columns"]``;
        * an object/string/category column where at least half of the non-missing values parse
          as numbers is a numeric column with typos (e.g. ``[1, 2, "n/a", 4]``): ``TypeError``
          naming the column and its first non-number. Text is never coerced.
    prefix : str, optional
        ``None`` (default): return only the standardized columns, under their own names (also
        when ``columns`` selects a subset; other columns are not returned). ``"Z"``: return a
        copy of the whole input plus the new columns ``Z<name>`` (SPSS naming, e.g. ``Zx``).
    on_constant : {"nan", "raise"}, default "nan"
        A column with SD 0 gets NaN and a ``UserWarning`` naming it (as PSPP), or raises.
    allow_bool : bool, default False
        Treat boolean columns as 0/1; otherwise a boolean column raises ``TypeError``.

    Returns
    -------
    DataFrame or Series
        Float64 z-scores with the input's index (a Series for a Series input when ``prefix`` is
        None). ``attrs["cvlib"]`` records ``ddof``, ``missing``, ``weights``, per-column ``n``
        (valid values used), ``sum_weights``, ``mean``, ``sd``, ``rows_dropped`` (listwise),
        ``constant_columns`` and ``nan_columns``. A column with fewer than 2 valid values and
        ``ddof=1`` is NaN, with a warning.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.standardize import zscore
    >>> z = zscore(pd.DataFrame({"x": [1, 2, 3, 4, 5]}))
    >>> z["x"].round(6).tolist()
    [-1.264911, -0.632456, 0.0, 0.632456, 1.264911]
    >>> round(z.attrs["cvlib"]["sd"]["x"], 6), z.attrs["cvlib"]["ddof"]
    (1.581139, 1)

    References
    ----------
    IBM SPSS Statistics Command Syntax Reference, DESCRIPTIVES (``/SAVE``, ``/MISSING``) and
    WEIGHT. GNU PSPP 1.6 manual, DESCRIPTIVES (reference values verified with PSPP 1.6.2).
    """
    ddof_int = _parse_ddof(ddof)
    check_choice("missing", missing, ("variable", "listwise"))
    check_choice("on_constant", on_constant, ("nan", "raise"))
    if prefix is not None and (not isinstance(prefix, str) or not prefix):
        raise CvlibInputError(
            f"prefix={prefix!r} is not valid; use None (standardized columns under their own "
            f"names) or a non-empty string such as 'Z' (SPSS naming Zx)."
        )
    was_series = isinstance(data, pd.Series)
    frame = as_frame(data)
    check_nonempty(frame)
    _check_unique_columns(frame)
    w, wlabel, wcol = _parse_weights(weights, frame)

    if columns is None:
        selected, skipped = _default_columns(frame, wcol)
        if not selected:
            raise TypeError(
                f"data has no numeric column to standardize (columns {_names(frame.columns)}); "
                f"convert text columns with pd.to_numeric or name the columns to use."
            )
        if skipped:
            _warn(
                f"zscore skipped non-numeric column(s) {_names(skipped)} (labels such as ids, "
                f"names or dates: most of their values are not numbers); they are not "
                f"standardized and are listed in attrs['cvlib']['skipped_columns']. Pass "
                f"columns=[...] to choose the columns "
                f"explicitly and silence this warning."
            )
    else:
        selected = _as_column_list(columns)
        if not selected:
            raise CvlibInputError(
                "columns=[] selects no columns; name at least one column, or pass columns=None "
                "for every numeric column."
            )
        check_columns_exist(frame, selected)
        skipped = []
    x = _float_frame(frame, selected, allow_bool)
    a = x.to_numpy()
    with np.errstate(all="ignore"):  # a probe for missing/infinite cells; sums that overflow
        col_sum = a.sum(axis=0)  # make the column "suspect" and are redone below
    valid = _check_cells(x, a, (col_sum,))

    n_rows, m = a.shape
    rows_dropped = 0
    if valid is not None and missing == "listwise":
        complete = valid.all(axis=1)
        rows_dropped = int((~complete).sum())
        if not complete.any():
            raise CvlibInputError(
                f"missing='listwise' leaves no rows: every row has a missing value in one of "
                f"{_names(x.columns)}; use missing='variable' or fill the gaps."
            )
        valid &= complete[:, None]

    # Overflow (|x| near 1e308) and underflow (|x - mean| below ~1e-154) in the sums below are
    # allowed here: the columns they affect are redone on a rescaled copy further down.
    if valid is None and w is None:
        # Nothing missing, unit weights: the general formulas below with every cell valid.
        n_used = np.full(m, n_rows)
        total_w = n_used.astype("float64")
        wv = None
        mean = col_sum / total_w
        with np.errstate(over="ignore", invalid="ignore"):
            z = a - mean  # x - mean, divided by the SD in place below
            ssq = _col_sum_sq(z)
        constant = _constant_columns(a)
    else:
        if valid is None:
            valid = np.ones_like(a, dtype=bool)
        n_used = valid.sum(axis=0)
        if w is None:
            wv = None
            total_w = n_used.astype("float64")  # the sum of the 0/1 weights, exactly
        else:
            wv = np.where(valid, w[:, None], 0.0)
            total_w = wv.sum(axis=0)
            too_small = total_w <= 1.0 if ddof_int == 1 else total_w <= 0.0
            if too_small.any():
                cols = x.columns[too_small].tolist()
                limit = (
                    "W = sum of weights must exceed 1 for ddof=1" if ddof_int else "W must be > 0"
                )
                raise CvlibInputError(
                    f"column(s) {_names(cols)} have total weight W = "
                    f"{', '.join(f'{v:g}' for v in total_w[too_small])}: {limit} (the variance "
                    f"is undefined); check the weights or use ddof=0."
                )

        safe_w = np.where(total_w > 0, total_w, 1.0)
        z = np.where(valid, a, 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            mean = (z if wv is None else wv * z).sum(axis=0) / safe_w
            np.subtract(z, mean, out=z, where=valid)  # deviations, 0 in unused cells
            ssq = _col_sum_sq(z) if wv is None else (wv * z**2).sum(axis=0)
        if wv is None and rows_dropped == 0:  # the cells used are exactly the non-NaN ones
            cmin, cmax = np.fmin.reduce(a, axis=0), np.fmax.reduce(a, axis=0)
        else:
            cmin, cmax = _masked_min_max(a, valid if wv is None else valid & (wv > 0))
        constant = cmin == cmax
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(ssq / (total_w - ddof_int))
    # sd divides z below; `div` differs from sd only for columns redone at a rescaled magnitude
    div = sd
    extreme = ~np.isfinite(mean) | ~np.isfinite(ssq) | ((ssq < _TINY_SSQ) & ~constant)
    if extreme.any():
        div = sd.copy()
        for j in np.flatnonzero(extreme):
            _rescaled_column(j, a, valid, wv, total_w, ddof_int, z, mean, sd, div)
    constant |= div == 0

    too_few = (n_used < 2) & (ddof_int == 1) if w is None else np.zeros(m, dtype=bool)
    constant &= ~too_few
    if constant.any() and on_constant == "raise":
        cols = x.columns[constant].tolist()
        raise CvlibInputError(
            f"column(s) {_names(cols)} are constant (SD = 0), so z-scores are undefined; drop "
            f"them or pass on_constant='nan' to get NaN with a warning."
        )
    for j in np.flatnonzero(constant):
        _warn(
            f"column {x.columns[j]!r} is constant (SD = 0); its z-scores are NaN (as in SPSS/PSPP)."
        )
    for j in np.flatnonzero(too_few):
        _warn(
            f"column {x.columns[j]!r} has {n_used[j]} valid value(s); the sample SD (ddof=1) needs "
            f"at least 2, so its z-scores are NaN."
        )
    nan_cols = constant | too_few
    with np.errstate(divide="ignore", invalid="ignore"):
        z /= div  # z = (x - mean) / sd
    if valid is not None:  # variable-wise: missing cells; listwise: all cells of incomplete rows
        np.copyto(z, np.nan, where=~valid)
    z[:, nan_cols] = np.nan
    sd_report = np.where(too_few, np.nan, sd)

    cols = list(x.columns)
    info = {
        "function": "zscore",
        "ddof": ddof_int,
        "sd_convention": "sample SD (n - 1), SPSS" if ddof_int else "population SD (n)",
        "missing": missing,
        "weights": wlabel,
        "columns": cols,
        "n": _col_dict(cols, n_used.astype(int)),
        "sum_weights": _col_dict(cols, total_w) if w is not None else None,
        "mean": _col_dict(cols, mean),
        "sd": _col_dict(cols, sd_report),
        "rows_dropped": rows_dropped,
        "constant_columns": [c for c, k in zip(cols, constant, strict=True) if k],
        "nan_columns": [c for c, k in zip(cols, nan_cols, strict=True) if k],
        "skipped_columns": skipped,
        "on_constant": on_constant,
        "prefix": prefix,
    }
    if prefix is None:
        return _output(z, x, was_series, data.name if was_series else None, info)

    new_names = [f"{prefix}{c}" for c in cols]
    clash = [c for c in new_names if c in frame.columns]
    if clash:
        raise CvlibInputError(
            f"prefix={prefix!r} would create column(s) {_names(clash)} that already exist; choose "
            f"another prefix."
        )
    zframe = pd.DataFrame(z, index=frame.index, columns=new_names)
    out = pd.concat([frame.copy(), zframe], axis=1)
    out.attrs["cvlib"] = info
    return out


# --------------------------------------------------------------------------------------------
# 2. min-max and other normalizations
# --------------------------------------------------------------------------------------------


def _directional_minmax(
    a: np.ndarray,
    dirs: Sequence[Direction],
    valid: np.ndarray | None,
    mn: np.ndarray,
    mx: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Direction-aware min-max to [0, 1], per column; NaN stays NaN.

    ``valid`` is ``~isnan(a)`` (None: nothing missing), ``mn`` and ``mx`` the column min and max
    over the valid cells. Returns (x', column min, column max, constant flag, max - min of the
    benefit/cost columns, NaN for the others). A benefit/cost column with max = min is flagged
    and left NaN; the caller decides what to do with it.
    """
    kinds = np.array([d.kind for d in dirs])
    ranged = np.isin(kinds, ("benefit", "cost"))
    rng = np.array([mx[j] - mn[j] if ranged[j] else np.nan for j in range(len(dirs))])
    constant = ranged & (rng == 0)
    out = np.empty_like(a)  # the memory layout of a (column-major from pandas)
    # benefit and cost: whole runs of adjacent columns at once, written in place
    for s in _column_runs((kinds == "benefit") & ~constant):
        np.subtract(a[:, s], mn[s], out=out[:, s])
        np.divide(out[:, s], rng[s], out=out[:, s])
    for s in _column_runs((kinds == "cost") & ~constant):
        np.subtract(mx[s], a[:, s], out=out[:, s])
        np.divide(out[:, s], rng[s], out=out[:, s])
    out[:, constant] = np.nan
    for j, d in enumerate(dirs):  # intermediate and interval: one column at a time
        if d.kind not in ("intermediate", "interval"):
            continue
        col = a[:, j]
        col_valid = ~np.isnan(col) if valid is None else valid[:, j]
        if d.kind == "intermediate":
            dist = np.abs(col - d.best)
            big_m = np.nanmax(dist)
            out[:, j] = 1.0 - dist / big_m if big_m > 0 else np.where(col_valid, 1.0, np.nan)
        else:
            big_m = max(d.low - mn[j], mx[j] - d.high)
            if big_m <= 0:
                out[:, j] = np.where(col_valid, 1.0, np.nan)
            else:
                below = 1.0 - (d.low - col) / big_m
                above = 1.0 - (col - d.high) / big_m
                inside = np.where(col < d.low, below, np.where(col > d.high, above, 1.0))
                out[:, j] = np.where(col_valid, inside, np.nan)
    return out, mn, mx, constant, rng


def minmax(
    data: pd.DataFrame | pd.Series,
    *,
    directions: Any,
    feature_range: tuple[float, float] = (0, 1),
    on_constant: str = "nan",
    allow_bool: bool = False,
) -> pd.DataFrame | pd.Series:
    r"""Direction-aware min-max rescaling (极差标准化), per column.

    * benefit (正向/效益型): x' = (x - min_j) / (max_j - min_j)
    * cost (逆向/成本型): x' = (max_j - x) / (max_j - min_j)
    * ("intermediate", x_best) (中间型): M_j = max_i |x_ij - x_best|,
      x' = 1 - |x - x_best| / M_j (all 1 when M_j = 0)
    * ("interval", a, b) (区间型): M_j = max(a - min_j, max_j - b); x' = 1 - (a - x) / M_j if
      x < a, 1 if a <= x <= b, 1 - (x - b) / M_j if x > b (all 1 when M_j <= 0)

    then x'' = lo + (hi - lo) x' for ``feature_range=(lo, hi)``. min_j and max_j come from the
    valid values of column j; missing values stay missing.

    Parameters
    ----------
    data : DataFrame or Series
        One row per object, one column per indicator.
    directions : str, dict or list
        Required (no default): one string for all columns (``"benefit"``), a dict
        ``{column: direction}`` or a list aligned with the columns. Chinese names (正向, 逆向,
        效益型, 成本型, ...) are accepted.
    feature_range : (lo, hi), default (0, 1)
        Target range, lo < hi. ``(0.002, 1)`` is the "0.998 x' + 0.002" of many Chinese entropy
        papers; ``(0, 100)`` gives a data-driven 0-100 score.
    on_constant : {"nan", "raise"}, default "nan"
        A benefit/cost column with max = min gets NaN and a ``UserWarning``, or raises.
    allow_bool : bool, default False
        Treat boolean columns as 0/1; otherwise a boolean column raises ``TypeError``.

    Returns
    -------
    DataFrame or Series
        Rescaled values; ``attrs["cvlib"]`` records the directions, ``feature_range``, per-column
        ``min``, ``max``, ``n`` and ``constant_columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.standardize import minmax
    >>> df = pd.DataFrame({"sales": [2, 4, 6, 10], "cost": [2, 4, 6, 10]})
    >>> minmax(df, directions={"sales": "benefit", "cost": "成本型"}).to_dict("list")
    {'sales': [0.0, 0.25, 0.5, 1.0], 'cost': [1.0, 0.75, 0.5, 0.0]}

    References
    ----------
    Hwang, C.-L., & Yoon, K. (1981). Multiple Attribute Decision Making: Methods and
    Applications. Springer. Jahan, A., & Edwards, K. L. (2015). A state-of-the-art survey on the
    influence of normalization techniques in ranking. Materials & Design 65, 335-342.
    """
    check_choice("on_constant", on_constant, ("nan", "raise"))
    lo, hi = _parse_range(feature_range)
    frame, x, was_series, a, valid, mn, mx = _prepare(data, allow_bool=allow_bool)
    dirs = parse_directions(directions, list(x.columns))
    cols = list(x.columns)
    out, mn, mx, constant, _ = _directional_minmax(a, [dirs[c] for c in cols], valid, mn, mx)
    if constant.any():
        names = [c for c, k in zip(cols, constant, strict=True) if k]
        if on_constant == "raise":
            raise CvlibInputError(
                f"column(s) {_names(names)} are constant (max = min), so min-max rescaling is "
                f"undefined; drop them or pass on_constant='nan'."
            )
        for c in names:
            _warn(f"column {c!r} is constant (max = min); its min-max values are NaN.")
    # out = lo + (hi - lo) * out, in place; a factor 1 and a term -0.0 change no value, a
    # term +0.0 only turns -0.0 into 0.0, and x' = -0.0 arises only as (x - min) with x = -0.0,
    # min = 0 (benefit) or as (max - x) with max = -0.0 (cost)
    if hi - lo != 1.0:
        out *= hi - lo
    if lo != 0.0:
        out += lo
    elif not np.signbit(lo):
        kinds = np.array([dirs[c].kind for c in cols])
        zero_end = ((kinds == "benefit") & (mn == 0)) | ((kinds == "cost") & (mx == 0))
        for s in _column_runs(zero_end):
            out[:, s] += lo
    info = {
        "function": "minmax",
        "directions": {c: str(dirs[c]) for c in cols},
        "feature_range": (lo, hi),
        "min": _col_dict(cols, mn),
        "max": _col_dict(cols, mx),
        "n": _col_dict(cols, _valid_counts(a, valid)),
        "constant_columns": [c for c, k in zip(cols, constant, strict=True) if k],
        "on_constant": on_constant,
    }
    return _output(out, x, was_series, data.name if was_series else None, info)


def _parse_range(feature_range: Any) -> tuple[float, float]:
    try:
        lo, hi = feature_range
        lo, hi = _real(lo, "feature_range[0]"), _real(hi, "feature_range[1]")
    except (TypeError, ValueError) as exc:
        raise CvlibInputError(
            f"feature_range={feature_range!r} is not valid; pass two finite numbers (lo, hi) with "
            f"lo < hi, e.g. (0, 1) or (0.002, 1)."
        ) from exc
    if not lo < hi:
        raise CvlibInputError(
            f"feature_range={feature_range!r} needs lo < hi; e.g. (0, 1) or (0, 100)."
        )
    return lo, hi


def normalize(
    data: pd.DataFrame | pd.Series,
    *,
    method: str,
    directions: Any = None,
    allow_bool: bool = False,
) -> pd.DataFrame | pd.Series:
    r"""Other normalizations (无量纲化), per column, over the valid values.

    =============  ===============================  ==========================================
    method         formula                          requirement (else ``ValueError``)
    =============  ===============================  ==========================================
    "vector"       r = x / sqrt(sum_i x_i^2)        column not all zero (TOPSIS)
    "sum"          p = x / sum_i x_i                all x >= 0 and sum > 0
    "max"          benefit x / max; cost min / x    benefit: max > 0, x >= 0; cost: all x > 0
    "mean"         x / mean                         mean != 0 (warns on negative values)
    "reciprocal"   1 / x  (cost -> benefit)         all x > 0
    "reflect"      max - x  (极小型 -> 极大型)      none
    =============  ===============================  ==========================================

    Parameters
    ----------
    data : DataFrame or Series
        One row per object, one column per indicator.
    method : {"vector", "sum", "max", "mean", "reciprocal", "reflect"}
        The normalization. Required.
    directions : str, dict or list, optional
        Required for ``method="max"`` (``"benefit"`` or ``"cost"`` per column); the other
        methods do not use directions and raise if they are given (cost criteria of the vector
        method are handled later, e.g. by TOPSIS, or with 1 - r).
    allow_bool : bool, default False
        Treat boolean columns as 0/1; otherwise a boolean column raises ``TypeError``.

    Returns
    -------
    DataFrame or Series
        Normalized values; ``attrs["cvlib"]`` records the method, directions, per-column ``n``
        and the per-column ``reference`` (norm, sum, max, min, mean or max used).

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.standardize import normalize
    >>> x = pd.Series([2.0, 4.0, 6.0, 10.0], name="x")
    >>> normalize(x, method="max", directions="cost").round(6).tolist()
    [1.0, 0.5, 0.333333, 0.2]

    References
    ----------
    Hwang, C.-L., & Yoon, K. (1981). Multiple Attribute Decision Making: Methods and
    Applications. Springer. Jahan, A., & Edwards, K. L. (2015). Materials & Design 65, 335-342.
    """
    check_choice("method", method, _NORMALIZE_METHODS)
    frame, x, was_series, a, valid, _, _ = _prepare(data, allow_bool=allow_bool)
    cols = list(x.columns)
    if valid is None:
        valid = np.ones_like(a, dtype=bool)
    dir_text: dict | None = None

    if method != "max" and directions is not None:
        raise CvlibInputError(
            f"method={method!r} does not use directions; drop directions= (only method='max' "
            f"needs them), or use minmax() for direction-aware rescaling."
        )

    if method == "vector":
        ref = np.sqrt(np.nansum(a**2, axis=0))
        _check_columns(x, ref == 0, "is all zero, so its vector norm is 0", "drop the column.")
        out = a / ref
    elif method == "sum":
        _raise_bad_cells(x, valid & (a < 0), "has negative values", _SUM_FIX)
        ref = np.nansum(a, axis=0)
        _check_columns(x, ref <= 0, "sums to 0", "sum normalization needs a positive total.")
        out = a / ref
    elif method == "max":
        dirs = parse_directions(directions, cols)
        kinds = np.array([dirs[c].kind for c in cols])
        odd = [c for c in cols if dirs[c].kind not in ("benefit", "cost")]
        if odd:
            raise CvlibInputError(
                f"method='max' supports only 'benefit' and 'cost' directions; column(s) "
                f"{_names(odd)} are {', '.join(str(dirs[c]) for c in odd)}. Use minmax() for "
                f"intermediate/interval indicators."
            )
        dir_text = {c: dirs[c].kind for c in cols}
        benefit = kinds == "benefit"
        mn, mx = _masked_min_max(a, valid)
        _raise_bad_cells(
            x, valid & benefit & (a < 0), "(benefit) has negative values", "max needs x >= 0."
        )
        _check_columns(x, benefit & (mx <= 0), "(benefit) has max <= 0", "x / max needs max > 0.")
        _raise_bad_cells(
            x,
            valid & ~benefit & (a <= 0),
            "(cost) has values <= 0",
            "min / x needs all x > 0; use minmax() with directions='cost' instead.",
        )
        ref = np.where(benefit, mx, mn)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(benefit, a / mx, mn / a)
    elif method == "mean":
        ref = np.nanmean(a, axis=0)
        _check_columns(x, ref == 0, "has mean 0", "mean normalization (均值化) needs mean != 0.")
        for j in np.flatnonzero((valid & (a < 0)).any(axis=0)):
            _warn(
                f"column {cols[j]!r} has negative values; mean normalization (均值化) assumes "
                f"non-negative data, so its ratios may be hard to read."
            )
        out = a / ref
    elif method == "reciprocal":
        _raise_bad_cells(
            x, valid & (a <= 0), "has values <= 0", "the reciprocal 1/x needs all x > 0."
        )
        ref = np.ones(len(cols))
        out = 1.0 / a
    else:  # reflect
        ref = _masked_min_max(a, valid)[1]
        out = ref - a

    info = {
        "function": "normalize",
        "method": method,
        "directions": dir_text,
        "n": _col_dict(cols, valid.sum(axis=0)),
        "reference": _col_dict(cols, ref),
    }
    return _output(out, x, was_series, data.name if was_series else None, info)


_SUM_FIX = "sum normalization needs all x >= 0; shift or min-max the column first."


def _check_columns(x: pd.DataFrame, flags: np.ndarray, problem: str, fix: str) -> None:
    if np.any(flags):
        cols = x.columns[np.asarray(flags, dtype=bool)].tolist()
        raise CvlibInputError(f"column(s) {_names(cols)} {problem}; {fix}")


# --------------------------------------------------------------------------------------------
# 3. 0-100 rescaling (百分制)
# --------------------------------------------------------------------------------------------


def _per_column_bound(
    value: Any, cols: list, name: str, optional: set
) -> dict[Hashable, float | None]:
    """Scalar or {column: value} -> {column: float}; columns in ``optional`` may be absent."""
    if isinstance(value, Mapping):
        extra = [k for k in value if k not in cols]
        if extra:
            raise KeyError(
                f"{name} names column(s) {_names(extra)} that are not in the data; data columns: "
                f"{_names(cols)}."
            )
        absent = [c for c in cols if c not in value and c not in optional]
        if absent:
            raise KeyError(
                f"{name} gives no value for column(s) {_names(absent)}; add them (the theoretical "
                f"end of each item's response scale, from the codebook)."
            )
        return {c: (_real(value[c], f"{name}[{c!r}]") if c in value else None) for c in cols}
    if value is None:
        if set(cols) <= optional:
            return dict.fromkeys(cols)
        raise CvlibInputError(
            f"{name} is required: pass the theoretical end of the response scale (a number or a "
            f"dict per column), never the observed {name[6:]}."
        )
    v = _real(value, name)
    return dict.fromkeys(cols, v)


def _parse_breakpoints(breakpoints: Any, cols: list) -> dict[Hashable, tuple[np.ndarray, ...]]:
    if breakpoints is None:
        return {}
    if not isinstance(breakpoints, Mapping):
        raise CvlibInputError(
            "breakpoints must be a dict {column: [(x0, score0), ..., (xk, scorek)]}."
        )
    extra = [k for k in breakpoints if k not in cols]
    if extra:
        raise KeyError(
            f"breakpoints name column(s) {_names(extra)} that are not in the data; data columns: "
            f"{_names(cols)}."
        )
    parsed = {}
    for c, pairs in breakpoints.items():
        try:
            arr = np.asarray(pairs, dtype="float64")
        except (TypeError, ValueError) as exc:
            raise CvlibInputError(
                f"breakpoints[{c!r}] must be a list of (x, score) number pairs, got {pairs!r}."
            ) from exc
        if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 2:
            raise CvlibInputError(
                f"breakpoints[{c!r}] must hold at least two (x, score) pairs, got {pairs!r}."
            )
        if not np.isfinite(arr).all():
            raise CvlibInputError(f"breakpoints[{c!r}] holds a non-finite number: {pairs!r}.")
        if not (np.diff(arr[:, 0]) > 0).all():
            raise CvlibInputError(
                f"breakpoints[{c!r}] x values {arr[:, 0].tolist()} are not strictly increasing; "
                f"list the pairs in increasing x (a decreasing score is fine)."
            )
        if ((arr[:, 1] < 0) | (arr[:, 1] > 100)).any():
            raise CvlibInputError(
                f"breakpoints[{c!r}] scores {arr[:, 1].tolist()} must lie in [0, 100]."
            )
        parsed[c] = (arr[:, 0], arr[:, 1])
    return parsed


def rescale_0_100(
    data: pd.DataFrame | pd.Series,
    *,
    scale_min: float | Mapping[Hashable, float] | None,
    scale_max: float | Mapping[Hashable, float] | None,
    directions: Any = None,
    out_of_range: str = "raise",
    breakpoints: Mapping[Hashable, Sequence[tuple[float, float]]] | None = None,
    allow_bool: bool = False,
) -> pd.DataFrame | pd.Series:
    r"""0-100 scores (百分制) from the **theoretical** ends of each item's scale.

    P_ij = 100 (x_ij - L_j) / (U_j - L_j); for a cost item P_ij = 100 (U_j - x_ij) / (U_j - L_j).
    L_j and U_j are the end points of the response scale (codebook), e.g. 1 and 7, 1 and 10, never
    the observed min and max: an item on a 1-10 scale observed only on 4-10 still maps 4 to 33.3,
    not 0. Reverse-keyed items are reversed before rescaling ((L + U) - x). With ``breakpoints``
    a column uses a piecewise-linear map through the given (x, score) pairs instead
    (``numpy.interp``: linear between pairs, constant beyond the first/last pair), the 百分制
    function mapping of ``methods/value_and_credit.md`` section 1.2.

    Parameters
    ----------
    data : DataFrame or Series
        Item answers or indicator values, one column per item.
    scale_min, scale_max : number or dict {column: number}
        Theoretical scale ends L < U, one pair for all columns or per column. A column with
        breakpoints may be left out of a dict; its range is then its first and last breakpoint x.
    directions : str, dict or list, optional
        ``"benefit"`` (default when omitted: the formula above as is) or ``"cost"`` per column.
    out_of_range : {"raise", "clip"}, default "raise"
        A value outside [L, U] raises ``ValueError`` listing the rows (turn declared missing codes
        into NaN first), or is clipped to [L, U] (the count per column is recorded).
    breakpoints : dict {column: [(x0, s0), ..., (xk, sk)]}, optional
        Strictly increasing x, scores in [0, 100]; for benefit columns only (write a cost
        mapping as decreasing scores).
    allow_bool : bool, default False
        Treat boolean columns as 0/1; otherwise a boolean column raises ``TypeError``.

    Returns
    -------
    DataFrame or Series
        Scores; missing values stay missing. ``attrs["cvlib"]`` records ``scale_min``,
        ``scale_max``, directions, ``mapping`` (linear or piecewise) per column, ``breakpoints``,
        ``out_of_range`` and ``n_clipped``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.standardize import rescale_0_100
    >>> answers = pd.Series([1, 4, 7, 5], name="sat")
    >>> rescale_0_100(answers, scale_min=1, scale_max=7).round(6).tolist()
    [0.0, 50.0, 100.0, 66.666667]

    References
    ----------
    Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996). The American
    Customer Satisfaction Index: nature, purpose, and findings. Journal of Marketing 60(4), 7-18.
    Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: the
    importance-performance map analysis. Industrial Management & Data Systems 116(9), 1865-1886.
    """
    check_choice("out_of_range", out_of_range, ("raise", "clip"))
    frame, x, was_series, *_ = _prepare(data, allow_bool=allow_bool)
    cols = list(x.columns)
    bps = _parse_breakpoints(breakpoints, cols)
    lows = _per_column_bound(scale_min, cols, "scale_min", set(bps))
    highs = _per_column_bound(scale_max, cols, "scale_max", set(bps))
    for c, (bx, _) in bps.items():
        lows[c] = bx[0] if lows[c] is None else lows[c]
        highs[c] = bx[-1] if highs[c] is None else highs[c]
    bad = [c for c in cols if not lows[c] < highs[c]]
    if bad:
        raise CvlibInputError(
            f"scale_min must be < scale_max, but column(s) {_names(bad)} have "
            f"{', '.join(f'L = {lows[c]:g}, U = {highs[c]:g}' for c in bad)}; check the codebook."
        )
    if directions is None:
        kinds = dict.fromkeys(cols, "benefit")
    else:
        dirs = parse_directions(directions, cols)
        odd = [c for c in cols if dirs[c].kind not in ("benefit", "cost")]
        if odd:
            raise CvlibInputError(
                f"rescale_0_100 supports 'benefit' and 'cost' directions only; column(s) "
                f"{_names(odd)} are {', '.join(str(dirs[c]) for c in odd)}."
            )
        kinds = {c: dirs[c].kind for c in cols}
    bp_cost = [c for c in bps if kinds[c] != "benefit"]
    if bp_cost:
        raise CvlibInputError(
            f"column(s) {_names(bp_cost)} have breakpoints and direction 'cost'; encode the "
            f"direction in the breakpoint scores instead, e.g. [(L, 100), (U, 0)]."
        )

    a = x.to_numpy().copy()
    low = np.array([lows[c] for c in cols])
    high = np.array([highs[c] for c in cols])
    outside = ~np.isnan(a) & ((a < low) | (a > high))
    if out_of_range == "raise":
        for j in np.flatnonzero(outside.any(axis=0)):
            raise CvlibInputError(
                f"column {cols[j]!r} has {int(outside[:, j].sum())} value(s) outside its scale "
                f"[{low[j]:g}, {high[j]:g}]: {_first_rows(x.index, a[:, j], outside[:, j])}; fix "
                f"them, set declared missing codes to NaN, or pass out_of_range='clip'."
            )
    a = np.clip(a, low, high)  # NaN stays NaN
    cost = np.array([kinds[c] == "cost" for c in cols])
    out = 100.0 * np.where(cost, high - a, a - low) / (high - low)
    for c, (bx, by) in bps.items():
        j = cols.index(c)
        col = a[:, j]
        out[:, j] = np.where(np.isnan(col), np.nan, np.interp(col, bx, by))

    info = {
        "function": "rescale_0_100",
        "scale_min": _col_dict(cols, low),
        "scale_max": _col_dict(cols, high),
        "directions": kinds,
        "mapping": {c: ("piecewise" if c in bps else "linear") for c in cols},
        "breakpoints": {
            c: list(zip(bx.tolist(), by.tolist(), strict=True)) for c, (bx, by) in bps.items()
        }
        or None,
        "out_of_range": out_of_range,
        "n_clipped": _col_dict(cols, outside.sum(axis=0)),
        "n": _col_dict(cols, (~np.isnan(a)).sum(axis=0)),
    }
    return _output(out, x, was_series, data.name if was_series else None, info)


# --------------------------------------------------------------------------------------------
# 4. entropy weights
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class EntropyResult(ResultMixin):
    """Result of :func:`entropy_weights` (熵权法).

    Attributes
    ----------
    weights, entropy, divergence : Series
        w_j, e_j and d_j = 1 - e_j per indicator.
    normalized : DataFrame
        x' after the direction-aware normalization (step 1, before any zero handling); the
        composite scores use this matrix.
    adjusted : DataFrame
        x' after the zero handling (step 2: the shifted or affine matrix for those variants).
    proportions : DataFrame
        p_ij = x'_ij / sum_i x'_ij (from ``adjusted``).
    scores : Series
        S_i = score_scale * sum_j w_j x'_ij, with x' from ``normalized``.
    directions : dict
        {column: direction as text}.
    zero, normalize, missing : str
        The zero-handling variant, the normalization and the missing-value policy.
    shift, eps, score_scale : float
        The parameters used by the ``"shift"`` and ``"eps"`` variants and the score scale.
    n : int
        Rows used.
    n_rows_dropped : int
        Incomplete rows dropped by ``missing="listwise"``.
    dropped_rows : tuple
        Their index labels.
    constant_columns : tuple
        Indicators with constant x' (e = 1, w = 0).
    """

    weights: pd.Series
    entropy: pd.Series
    divergence: pd.Series
    normalized: pd.DataFrame
    adjusted: pd.DataFrame
    proportions: pd.DataFrame
    scores: pd.Series
    directions: dict
    zero: str
    normalize: str
    missing: str
    shift: float
    eps: float
    score_scale: float
    n: int
    n_rows_dropped: int
    dropped_rows: tuple = ()
    constant_columns: tuple = ()
    score_basis: str = field(default="x' from step 1 (normalized), before zero handling")

    _conventions = ("zero", "normalize", "missing", "n", "n_rows_dropped")
    _title = "EntropyResult (熵权法)"

    def _convention_text(self) -> str:
        text = super()._convention_text()
        if self.zero == "shift":
            text += f", shift={self.shift!r}"
        elif self.zero == "eps":
            text += f", eps={self.eps!r}"
        return text

    def summary(self) -> pd.DataFrame:
        """Per-indicator table: direction, entropy e_j, divergence d_j, weight w_j."""
        table = pd.DataFrame(
            {
                "direction": pd.Series(self.directions),
                "entropy": self.entropy,
                "divergence": self.divergence,
                "weight": self.weights,
            },
            index=self.weights.index,
        )
        table.index.name = "indicator"
        return table


def entropy_weights(
    data: pd.DataFrame,
    *,
    directions: Any,
    zero: str = "0ln0",
    shift: float = 1e-4,
    eps: float = 1e-10,
    normalize: str = "minmax",
    missing: str = "raise",
    score_scale: float = 1,
    allow_bool: bool = False,
) -> EntropyResult:
    r"""Entropy weight method (熵权法): objective indicator weights from the data's dispersion.

    With n objects (rows) and m indicators (columns):

    1. direction-aware normalization per column, x'_ij >= 0, larger is better (:func:`minmax`);
    2. zero handling: ``"0ln0"`` keep x' and use 0 ln 0 = 0; ``"shift"`` x' + shift (every cell);
       ``"affine"`` 0.998 x' + 0.002; ``"eps"`` keep x' and use ln(p + eps);
    3. p_ij = x'_ij / sum_i x'_ij;
    4. e_j = -(1 / ln n) sum_i p_ij ln p_ij, 0 <= e_j <= 1;
    5. d_j = 1 - e_j (差异系数);  6. w_j = d_j / sum_k d_k;
    7. S_i = score_scale * sum_j w_j x'_ij, with x' from step 1 (before any shift).

    Every column is normalized on its own (a whole-matrix min/max, as in a widely copied snippet,
    makes the weights depend on the units). A constant indicator gets p_ij = 1/n, e = 1, w = 0
    and a ``UserWarning``.

    Parameters
    ----------
    data : DataFrame
        One row per object (customer), one column per indicator.
    directions : str, dict or list
        Required, never defaulted: ``"benefit"``/``"cost"`` (正向/逆向), ``("intermediate", x)``,
        ``("interval", a, b)``; one string for all columns, a dict or an aligned list.
    zero : {"0ln0", "shift", "affine", "eps"}, default "0ln0"
        Zero handling (step 2). Variants change weights slightly; match your textbook.
    shift : float, default 1e-4
        Added to every x' with ``zero="shift"``.
    eps : float, default 1e-10
        Added inside the log with ``zero="eps"`` (e_j then differs from "0ln0" by at most
        n eps / ln n).
    normalize : {"minmax", "none"}, default "minmax"
        ``"none"``: the data are already >= 0 and larger-is-better (every direction must then be
        ``"benefit"``; negative values raise).
    missing : {"raise", "listwise"}, default "raise"
        Missing values raise naming the columns, or incomplete rows are dropped and counted.
    score_scale : float, default 1
        Multiplies S_i (100 for a 0-100 score).
    allow_bool : bool, default False
        Treat boolean columns as 0/1; otherwise a boolean column raises ``TypeError``.

    Returns
    -------
    EntropyResult
        ``weights``, ``entropy``, ``divergence``, ``normalized`` (x'), ``adjusted`` (after zero
        handling), ``proportions`` (p), ``scores`` (S_i), ``directions``, ``zero``,
        ``normalize``, ``n_rows_dropped``; ``summary()`` gives direction, e_j, d_j, w_j per
        indicator.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.standardize import entropy_weights
    >>> df = pd.DataFrame({"profit": [1.0, 2.0, 3.0, 4.0], "service_cost": [5.0, 1.0, 2.0, 1.0]})
    >>> res = entropy_weights(df, directions={"profit": "benefit", "service_cost": "cost"})
    >>> round(float(res.weights.sum()), 12)
    1.0
    >>> res.summary()["direction"].tolist()
    ['benefit', 'cost']

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. Bell System Technical Journal
    27, 379-423, 623-656. Zeleny, M. (1982). Multiple Criteria Decision Making. McGraw-Hill.
    Hwang, C.-L., & Yoon, K. (1981). Multiple Attribute Decision Making. Springer.
    Zou, Z., Yun, Y., & Sun, J. (2006). Entropy method for determination of weight of evaluating
    indicators in fuzzy synthetic evaluation for water quality assessment. Journal of
    Environmental Sciences 18(5), 1020-1023.
    """
    check_choice("zero", zero, _ZERO_VARIANTS)
    check_choice("normalize", normalize, ("minmax", "none"))
    check_choice("missing", missing, ("raise", "listwise"))
    shift = _real(shift, "shift")
    eps = _real(eps, "eps")
    score_scale = _real(score_scale, "score_scale")
    if zero == "shift" and shift <= 0:
        raise CvlibInputError(f"shift={shift!r} must be > 0 (default 1e-4).")
    if zero == "eps" and eps <= 0:
        raise CvlibInputError(f"eps={eps!r} must be > 0 (default 1e-10).")
    if score_scale <= 0:
        raise CvlibInputError(f"score_scale={score_scale!r} must be > 0 (1, or 100 for 0-100).")
    if directions is None:  # parse_directions raises too; this keeps the message specific
        parse_directions(None, [])

    _, x, _, a, valid, mn, mx = _prepare(data, allow_bool=allow_bool)
    cols = list(x.columns)
    dirs = parse_directions(directions, cols)

    incomplete = None if valid is None else ~valid.all(axis=1)
    if incomplete is not None and incomplete.any():
        if missing == "raise":
            na = (~valid).sum(axis=0)
            na_cols = x.columns[na > 0].tolist()
            counts = ", ".join(f"{c!r}: {k}" for c, k in zip(na_cols, na[na > 0], strict=True))
            raise CvlibInputError(
                f"column(s) {_names(na_cols)} have missing values ({counts}); fill them or pass "
                f"missing='listwise' to drop the incomplete rows."
            )
        dropped = tuple(x.index[incomplete].tolist())
        x = x.loc[~incomplete]
        a = x.to_numpy()
    else:
        dropped = ()
    n = x.shape[0]
    if n < 2:
        raise CvlibInputError(
            f"the entropy method needs at least 2 rows (k = 1/ln n is undefined for n = {n})"
            + (f"; missing='listwise' dropped {len(dropped)} incomplete rows." if dropped else ".")
        )
    if dropped:
        mn, mx = a.min(axis=0), a.max(axis=0)
    # column-major once (pandas' own layout, so usually free): every column is then contiguous
    # and summed pairwise, and the result frames below need no copy
    a = np.asfortranarray(a)

    if normalize == "minmax":
        xn, _, _, raw_const, rng = _directional_minmax(a, [dirs[c] for c in cols], None, mn, mx)
        xn[:, raw_const] = 1.0  # constant column: treat x' as a constant 1 (p = 1/n)
        # x' of a benefit/cost column (rng not NaN) spans exactly [0, 1]: its min maps to 0,
        # its max to (max - min) / (max - min) = 1; other columns are checked
        spans = np.isfinite(rng) & ~raw_const
        constant = raw_const.copy()
        for s in _column_runs(~spans & ~raw_const):
            constant[s] = xn[:, s].min(axis=0) == xn[:, s].max(axis=0)
    else:
        odd = [c for c in cols if dirs[c].kind != "benefit"]
        if odd:
            raise CvlibInputError(
                f"normalize='none' assumes larger-is-better data, but column(s) {_names(odd)} "
                f"have direction {', '.join(str(dirs[c]) for c in odd)}; use normalize='minmax'."
            )
        if (mn < 0).any():
            _raise_bad_cells(
                x,
                a < 0,
                "has negative values",
                "normalize='none' needs x >= 0; use normalize='minmax'.",
            )
        xn = a.copy(order="K")
        constant = mn == mx
    if constant.all():
        raise CvlibInputError(
            f"every indicator is constant ({_names(cols)}), so all d_j = 0 and the weights are "
            f"undefined; the entropy method needs at least one varying indicator."
        )
    for j in np.flatnonzero(constant):
        _warn(
            f"indicator {cols[j]!r} is constant after normalization; it gets e = 1, d = 0 and "
            f"weight 0 (p_ij = 1/n)."
        )

    if zero == "shift":
        xa = xn + shift
    elif zero == "affine":
        xa = xn * 0.998
        xa += 0.002
    else:
        xa = xn
    with np.errstate(divide="ignore", invalid="ignore"):
        p = xa / xa.sum(axis=0)
    p[:, constant] = 1.0 / n
    e = -_col_sum_plogp(p, eps if zero == "eps" else None) / np.log(n)
    e[constant] = 1.0
    d = 1.0 - e
    w = d / d.sum()

    index = pd.Index(cols, name=x.columns.name)
    dir_text = {c: str(dirs[c]) for c in cols}
    scores = pd.Series(score_scale * (xn @ w), index=x.index, name="score", copy=False)
    weights = pd.Series(w, index=index, name="weight")
    conv = {
        "function": "entropy_weights",
        "directions": dir_text,
        "zero": zero,
        "shift": shift if zero == "shift" else None,
        "eps": eps if zero == "eps" else None,
        "normalize": normalize,
        "missing": missing,
        "n": n,
        "rows_dropped": len(dropped),
        "score_scale": score_scale,
        "score_basis": "x' from step 1 (normalized), before zero handling",
    }
    weights.attrs["cvlib"] = conv
    scores.attrs["cvlib"] = dict(conv)

    normalized = _frame(xn, x.index, x.columns)
    # x' itself for "0ln0" and "eps": a copy-on-write copy, so the two frames stay independent
    adjusted = normalized.copy(deep=False) if xa is xn else _frame(xa, x.index, x.columns)
    return EntropyResult(
        weights=weights,
        entropy=pd.Series(e, index=index, name="entropy"),
        divergence=pd.Series(d, index=index, name="divergence"),
        normalized=normalized,
        adjusted=adjusted,
        proportions=_frame(p, x.index, x.columns),
        scores=scores,
        directions=dir_text,
        zero=zero,
        normalize=normalize,
        missing=missing,
        shift=shift,
        eps=eps,
        score_scale=score_scale,
        n=n,
        n_rows_dropped=len(dropped),
        dropped_rows=dropped,
        constant_columns=tuple(c for c, k in zip(cols, constant, strict=True) if k),
    )


# --------------------------------------------------------------------------------------------
# 4.6 combined subjective-objective weights
# --------------------------------------------------------------------------------------------


def _weight_vector(w: Any, name: str) -> pd.Series:
    inner = getattr(w, "weights", None)
    if isinstance(inner, pd.Series):  # an EntropyResult or another result with .weights
        w = inner
    if isinstance(w, Mapping):
        w = pd.Series(dict(w))
    elif not isinstance(w, pd.Series):
        arr = np.asarray(w)
        if arr.ndim != 1:
            raise CvlibInputError(f"{name} must be a 1-D vector of weights, got shape {arr.shape}.")
        w = pd.Series(arr)
    if pd.api.types.is_bool_dtype(w.dtype) or not pd.api.types.is_numeric_dtype(w.dtype):
        raise TypeError(f"{name} weights must be numbers, got dtype {w.dtype}.")
    w = w.astype("float64")
    if w.empty:
        raise CvlibInputError(f"{name} holds no weights.")
    bad = ~np.isfinite(w.to_numpy()) | (w.to_numpy() < 0)
    if bad.any():
        raise CvlibInputError(
            f"{name} weights must be finite and >= 0, but "
            f"{', '.join(f'{k!r} = {v}' for k, v in w[bad].items())}."
        )
    total = float(w.sum())
    if abs(total - 1.0) > 1e-6:
        raise CvlibInputError(
            f"{name} weights sum to {total:.10g}, not 1 (tolerance 1e-6); divide by their sum "
            f"first if that is what you mean."
        )
    return w


def combine_weights(
    subjective: Any,
    objective: Any,
    *,
    method: str = "linear",
    alpha: float = 0.5,
) -> pd.Series:
    r"""Combined subjective-objective weights (主客观组合赋权), e.g. AHP with entropy weights.

    * ``"linear"``: w_j = alpha w_subj,j + (1 - alpha) w_obj,j, alpha in [0, 1];
    * ``"multiplicative"``: w_j = w_subj,j w_obj,j / sum_k w_subj,k w_obj,k.

    Parameters
    ----------
    subjective, objective : Series, dict, array or result with ``.weights``
        Weight vectors over the same indicators in the same order (else ``KeyError``), each
        summing to 1 within 1e-6 (else ``ValueError``). Typically AHP and entropy weights.
    method : {"linear", "multiplicative"}, default "linear"
        The combination rule; it is recorded in the output.
    alpha : float, default 0.5
        Share of the subjective weights in the linear rule (ignored by "multiplicative").

    Returns
    -------
    Series
        Combined weights (sum 1), named ``"weight"``; ``attrs["cvlib"]`` records ``method``,
        ``alpha`` and the formula.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.standardize import combine_weights
    >>> ahp = pd.Series({"a": 0.6, "b": 0.4})
    >>> ent = pd.Series({"a": 0.2, "b": 0.8})
    >>> combine_weights(ahp, ent, alpha=0.5).round(6).tolist()
    [0.4, 0.6]
    >>> combine_weights(ahp, ent, method="multiplicative").round(6).tolist()
    [0.272727, 0.727273]

    References
    ----------
    ``methods/standardize.md`` section 4.6 (both conventions as used in the Chinese AHP-entropy
    literature).
    """
    check_choice("method", method, ("linear", "multiplicative"))
    alpha = _real(alpha, "alpha")
    if not 0.0 <= alpha <= 1.0:
        raise CvlibInputError(f"alpha={alpha!r} must lie in [0, 1] (0.5 weights both equally).")
    ws = _weight_vector(subjective, "subjective")
    wo = _weight_vector(objective, "objective")
    if not ws.index.equals(wo.index):
        only_s = [k for k in ws.index if k not in wo.index]
        only_o = [k for k in wo.index if k not in ws.index]
        detail = (
            f"only in subjective: {_names(only_s)}; only in objective: {_names(only_o)}"
            if only_s or only_o
            else f"same indicators in a different order ({_names(ws.index)} vs {_names(wo.index)})"
        )
        raise KeyError(
            f"subjective and objective weights must cover the same indicators in the same order "
            f"({detail}); align them with objective.reindex(subjective.index)."
        )
    if method == "linear":
        out = alpha * ws + (1.0 - alpha) * wo
        formula = "w = alpha * w_subjective + (1 - alpha) * w_objective"
    else:
        prod = ws * wo
        total = float(prod.sum())
        if total <= 0:
            raise CvlibInputError(
                "the products w_subjective * w_objective are all 0, so the multiplicative "
                "combination is undefined; use method='linear'."
            )
        out = prod / total
        formula = "w = w_subjective * w_objective / sum(w_subjective * w_objective)"
    out = out.rename("weight")
    out.attrs["cvlib"] = {
        "function": "combine_weights",
        "method": method,
        "alpha": alpha if method == "linear" else None,
        "formula": formula,
    }
    return out

"""Plumbing shared by the survey functions: unwrapping a read result, picking item columns,
and the one missing-value rule every survey function applies.

Every public survey function accepts either a DataFrame or the result of
:func:`cvlib.survey.read_survey` (anything with ``.data``, ``.codebook`` and ``.missing_reasons``),
so that codebook scale ends and missing reasons travel with the data without hidden state.

Missing cells (:func:`missing_cells`), the same in every module: NaN/None, and every value the
codebook declares missing, by a code (``missing_codes``) or a range (``missing_ranges``, SPSS
``98 THRU 99``), exactly as :meth:`ItemSpec.missing_reason` decides. The reason of a missing cell
is the one recorded by :func:`read_survey` (``missing_reasons``), else the codebook's reason for
the code, else :data:`SYSTEM_MISSING`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cvlib._validation import CvlibInputError, check_columns_exist
from cvlib.survey._codebook import Codebook, ItemSpec

__all__: list[str] = []

#: The reason of a missing cell nobody gave a reason for (NaN in a DataFrame, SPSS sysmis).
SYSTEM_MISSING = "system missing"

_SCALED = ("likert", "ordinal", "nps", "binary")
_MAX_LISTED = 20


def unwrap(
    data: Any, codebook: Any = None, name: str = "data"
) -> tuple[pd.DataFrame, Codebook | None, pd.DataFrame | None]:
    """Return ``(frame, codebook, missing_reasons)`` from a DataFrame or a read result.

    An explicit ``codebook`` argument wins over the one carried by a read result. A codebook
    given as a dict, list of rows or DataFrame is validated into a :class:`Codebook`.
    """
    reasons = None
    if hasattr(data, "data") and hasattr(data, "codebook") and not isinstance(data, pd.DataFrame):
        frame = data.data
        reasons = getattr(data, "missing_reasons", None)
        if codebook is None:
            codebook = data.codebook
    elif isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else 0)
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise TypeError(
            f"{name} must be a pandas DataFrame or the result of cvlib.survey.read_survey, got "
            f"{type(data).__name__}; wrap arrays with pd.DataFrame(values, columns=[...])."
        )
    if codebook is not None and not isinstance(codebook, Codebook):
        codebook = Codebook(codebook)
    return frame, codebook, reasons


def select_items(
    frame: pd.DataFrame, items: Sequence[Any] | str | None, *, minimum: int = 1, what: str = "items"
) -> list[Any]:
    """The item columns to analyse: ``items`` (validated) or every column of ``frame``."""
    if isinstance(items, str):
        items = [items]
    cols = list(frame.columns) if items is None else list(items)
    if len(set(cols)) != len(cols):
        dup = sorted({c for c in cols if cols.count(c) > 1}, key=str)
        raise CvlibInputError(f"{what} lists {', '.join(map(repr, dup))} more than once")
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise CvlibInputError(
            f"data has duplicate column names {dup}; rename them so each item is one column"
        )
    check_columns_exist(frame, cols, what="item")
    if len(cols) < minimum:
        raise CvlibInputError(
            f"{what}: need at least {minimum} item(s), got {len(cols)} ({cols}); add items"
        )
    return cols


def numeric_items(frame: pd.DataFrame, items: Sequence[Any]) -> pd.DataFrame:
    """A float64 copy of the item columns; text in a numeric item raises ``TypeError`` naming the
    column, the row and the value (missing values stay NaN; nothing is coerced silently)."""
    out = {}
    for col in items:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            out[col] = s.astype("float64")
            continue
        converted = pd.to_numeric(s, errors="coerce")
        bad = converted.isna() & s.notna()
        if bad.any():
            row = bad.idxmax()
            raise TypeError(
                f"item {col!r} is not numeric: row {row!r} holds {s.loc[row]!r} "
                f"({int(bad.sum())} such cell(s)); map labels to codes with a codebook "
                f"(cvlib.survey.read_survey) or declare them as missing codes."
            )
        out[col] = converted.astype("float64")
    result = pd.DataFrame(out, index=frame.index)
    inf = np.isinf(result.to_numpy())
    if inf.any():
        r, c = np.argwhere(inf)[0]
        raise CvlibInputError(
            f"item {result.columns[c]!r} holds an infinite value at row {result.index[r]!r}; "
            f"replace it with a valid code or NaN"
        )
    return result


def _reason_of(spec: ItemSpec, value: Any) -> str | None:
    """``spec.missing_reason`` of one cell value; numeric text ("-99", " 98") counts as its
    number, as :func:`read_survey` reads it."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        reason = spec.missing_reason(text)
        if reason is not None:
            return reason
        try:
            number = float(text)
        except ValueError:
            return None
        if not np.isfinite(number):
            return None
        return spec.missing_reason(int(number) if number.is_integer() else number)
    if isinstance(value, int | float):
        return spec.missing_reason(value)
    return None


def declared_missing(series: pd.Series, spec: ItemSpec | None) -> tuple[np.ndarray, np.ndarray]:
    """Cells of ``series`` holding a value that ``spec`` declares missing (a missing code or a
    value inside a missing range), and the reason of each such cell (``None`` elsewhere).

    Numbers compare by value (-99.0 is the code -99), numeric text by its number; a categorical
    column by its categories. NaN cells are not flagged here (they are missing anyway).
    """
    n = len(series)
    mask = np.zeros(n, dtype=bool)
    why = np.full(n, None, dtype=object)
    if spec is None or not (spec.missing_codes or spec.missing_ranges):
        return mask, why
    dtype = series.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        x = series.to_numpy(dtype="float64", na_value=np.nan)
        for code, reason in spec.missing_codes.items():
            if isinstance(code, str) or isinstance(code, bool):
                continue
            hit = (x == float(code)) & ~mask
            mask |= hit
            why[hit] = reason
        for lo, hi, reason in spec.missing_ranges:
            hit = (x >= lo) & (x <= hi) & ~mask
            mask |= hit
            why[hit] = reason
        return mask, why
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    reasons = np.asarray(
        [_reason_of(spec, v) for v in np.asarray(uniques, dtype=object)] + [None], dtype=object
    )
    hit = np.asarray([r is not None for r in reasons], dtype=bool)
    mask = hit[codes]  # code -1 (NaN) picks the appended None entry
    why = np.where(mask, reasons[codes], None).astype(object)
    return mask, why


def spec_of(codebook: Codebook | None, item: Any) -> ItemSpec | None:
    """The codebook entry of ``item``, or None (no codebook, or the item is not in it)."""
    if codebook is None:
        return None
    try:
        return codebook[item]
    except (KeyError, TypeError):
        return None


def missing_cells(
    frame: pd.DataFrame,
    item: Any,
    spec: ItemSpec | None,
    reasons: pd.DataFrame | None,
) -> tuple[pd.Series, pd.Series]:
    """The column ``item`` with its declared missing values set to NaN, and the reason of every
    missing cell (``None`` where a value is present).

    Reasons, first that applies: the reason :func:`read_survey` recorded for a NaN cell; the
    codebook's reason for a declared code or range; :data:`SYSTEM_MISSING`. ``frame`` is not
    changed (a masked copy is returned only when something was masked).
    """
    raw = frame[item]
    index = frame.index
    declared, declared_why = declared_missing(raw, spec)
    nan = raw.isna().to_numpy()
    why = np.full(len(raw), None, dtype=object)
    why[nan] = SYSTEM_MISSING
    recorded = _recorded(reasons, item, index)
    if recorded is not None and nan.any():
        use = nan & pd.notna(recorded)
        why[use] = recorded[use].astype(str)
    if declared.any():
        why[declared] = declared_why[declared]
        values = raw.mask(pd.Series(declared, index=index))
    else:
        values = raw
    return values, pd.Series(why, index=index, dtype=object, name=item)


def _recorded(reasons: pd.DataFrame | None, item: Any, index: pd.Index) -> np.ndarray | None:
    """The reasons a read result recorded for ``item``, aligned to ``index`` (None if unknown)."""
    if reasons is None or item not in reasons.columns:
        return None
    given = reasons[item]
    if not given.index.equals(index):
        if not (given.index.is_unique and index.is_unique):
            return None
        given = given.reindex(index)
    return given.to_numpy(dtype=object)


def masked_items(
    frame: pd.DataFrame,
    items: Sequence[Any],
    codebook: Codebook | None,
    reasons: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The item columns with every declared missing value set to NaN (a new frame) and the
    reason of each missing cell (:func:`missing_cells` per item)."""
    cols = list(items)
    out = frame.loc[:, cols].copy()
    why = np.empty((len(frame), len(cols)), dtype=object)
    for j, col in enumerate(cols):
        values, reasons_j = missing_cells(frame, col, spec_of(codebook, col), reasons)
        out.isetitem(j, values.array)  # positional: no index alignment
        why[:, j] = reasons_j.to_numpy(dtype=object)
    return out, pd.DataFrame(why, index=frame.index, columns=cols, dtype=object)


def reason_counts(why: pd.Series | pd.DataFrame) -> dict[str, int]:
    """Missing cells counted by reason, in order of first appearance."""
    flat = why.to_numpy(dtype=object).ravel()
    flat = flat[pd.notna(flat)]
    counts = pd.Series(flat, dtype=object).value_counts(sort=False)
    return {str(k): int(v) for k, v in counts.items()}


def check_codes(values: pd.DataFrame, codebook: Codebook | None) -> None:
    """Raise when a scaled item (likert, ordinal, nps, binary with scale ends in the codebook)
    holds a valid value that is not an integer code inside [scale_min, scale_max].

    ``values`` are float64 with declared missing values already NaN (:func:`masked_items`,
    :func:`numeric_items`). The error lists (row, value) of at most 20 cells per item: a value
    outside the theoretical scale is never analysed silently, whichever function reads it.
    """
    if codebook is None:
        return
    for col in values.columns:
        spec = spec_of(codebook, col)
        if spec is None or spec.type not in _SCALED:
            continue
        lo, hi = spec.scale_min, spec.scale_max
        if lo is None or hi is None:
            continue
        v = values[col].to_numpy(dtype="float64")
        bad = ~np.isnan(v) & ((v < lo) | (v > hi) | (np.floor(v) != v))
        if bad.any():
            rows = np.flatnonzero(bad)
            listed = ", ".join(
                f"(row {values.index[r]!r}, {v[r]:g})" for r in rows[:_MAX_LISTED]
            ) + (f" and {len(rows) - _MAX_LISTED} more" if len(rows) > _MAX_LISTED else "")
            raise CvlibInputError(
                f"item {col!r} must hold integer codes {lo:g}..{hi:g} (its codebook scale) or "
                f"declared missing codes; found {len(rows)} other value(s): {listed}. Fix the "
                f"data, declare the codes in missing_codes / missing_ranges, or correct "
                f"scale_min/scale_max."
            )

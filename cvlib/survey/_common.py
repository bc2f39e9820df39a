"""Plumbing shared by the survey functions: unwrapping a read result, picking item columns.

Every public survey function accepts either a DataFrame or the result of
:func:`cvlib.survey.read_survey` (anything with ``.data``, ``.codebook`` and ``.missing_reasons``),
so that codebook scale ends and missing reasons travel with the data without hidden state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cvlib._validation import CvlibInputError, check_columns_exist
from cvlib.survey._codebook import Codebook

__all__: list[str] = []


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

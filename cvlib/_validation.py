"""Input checks shared by every public function.

Each helper raises an error that names the argument, the column or row, the bad value and the fix,
so that public functions can validate at the boundary in one line each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd


class CvlibInputError(ValueError):
    """Bad input to a cvlib function (a ``ValueError``, so ``except ValueError`` catches it)."""


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise listing the allowed values."""
    allowed = list(allowed)
    if value not in allowed:
        raise CvlibInputError(
            f"{name}={value!r} is not a valid option; use one of {', '.join(map(repr, allowed))}."
        )
    return value


def as_frame(data: Any, name: str = "data") -> pd.DataFrame:
    """Accept a DataFrame or Series (one variable) and return a DataFrame; never copies values."""
    if isinstance(data, pd.Series):
        return data.to_frame(name=data.name if data.name is not None else 0)
    if isinstance(data, pd.DataFrame):
        return data
    raise TypeError(
        f"{name} must be a pandas DataFrame (or Series), got {type(data).__name__}; "
        f"wrap arrays with pd.DataFrame(values, columns=[...])."
    )


def check_nonempty(df: pd.DataFrame, name: str = "data") -> None:
    if df.shape[0] == 0 or df.shape[1] == 0:
        raise CvlibInputError(
            f"{name} is empty ({df.shape[0]} rows x {df.shape[1]} columns); pass at least one row "
            f"and one column."
        )


def check_columns_exist(df: pd.DataFrame, columns: Sequence[Any], what: str = "column") -> None:
    """Raise ``KeyError`` naming every requested column that ``df`` does not have."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(
            f"{what} {', '.join(map(repr, missing))} not found; available columns: "
            f"{', '.join(map(repr, df.columns))}."
        )


def check_numeric(
    df: pd.DataFrame, columns: Sequence[Any] | None = None, *, allow_bool: bool = False
) -> None:
    """Raise ``TypeError`` naming the first non-numeric column (never coerce text silently)."""
    for col in df.columns if columns is None else columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            if allow_bool:
                continue
            raise TypeError(
                f"column {col!r} is boolean; convert it to 0/1 yourself or pass allow_bool=True."
            )
        if not pd.api.types.is_numeric_dtype(s.dtype):
            bad = s[pd.to_numeric(s, errors="coerce").isna() & s.notna()]
            example = f" (row {bad.index[0]!r} holds {bad.iloc[0]!r})" if len(bad) else ""
            raise TypeError(
                f"column {col!r} is not numeric (dtype {s.dtype}){example}; convert it with "
                f"pd.to_numeric(df[{col!r}]) after fixing the text values."
            )


def check_finite(df: pd.DataFrame, columns: Sequence[Any] | None = None) -> None:
    """Raise naming the column and the first row label that holds +/-inf."""
    for col in df.columns if columns is None else columns:
        values = df[col].to_numpy(dtype="float64", na_value=np.nan)
        inf = np.isinf(values)
        if inf.any():
            row = df.index[int(np.argmax(inf))]
            raise CvlibInputError(
                f"column {col!r} holds {values[inf][0]} at row {row!r}; replace infinite values "
                f"(e.g. a division by zero upstream) with a number or NaN."
            )


def numeric_frame(
    data: Any, name: str = "data", columns: Sequence[Any] | None = None, *, allow_bool: bool = False
) -> pd.DataFrame:
    """Validate and return a float64 copy of the selected numeric columns (input untouched)."""
    df = as_frame(data, name)
    check_nonempty(df, name)
    if columns is not None:
        check_columns_exist(df, columns)
        df = df.loc[:, list(columns)]
    check_numeric(df, allow_bool=allow_bool)
    out = df.astype("float64")
    check_finite(out)
    return out

"""RFM scoring (RFM 评分) and weighted RFM (加权RFM) on the classic customer table.

:func:`score` turns ``recency_days``, ``frequency`` and ``monetary`` into integer scores 1…bins,
higher is better on every dimension (R is reversed internally: R = bins is the most recent).
Edges are quantiles (R type 7), fixed raw-unit edges, or a mean/median split; tied values keep
one score unless a tie policy says otherwise; empty levels are kept and reported, never dropped.
Heavy ties, constant columns and tiny tables never raise (``methods/rfm.md`` §7).

:func:`weighted_score` adds ``wrfm`` = Σ w_d v_d with weights from a dict, an AHP judgment matrix
(:func:`cvlib.ahp.weights`) or the entropy method (:func:`cvlib.standardize.entropy_weights`)
(``methods/rfm.md`` §10).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import ScoreWarning
from cvlib.rfm._card import DefinitionCard

__all__ = ["ScoredResult", "check_id_values", "id_order", "score", "weighted_score"]

#: The three dimensions, in this order everywhere (codes are "RFM").
DIMENSIONS: tuple[str, ...] = ("R", "F", "M")
#: Raw column of each dimension in the classic customer table (rfm_table).
RAW_COLUMNS: dict[str, str] = {"R": "recency_days", "F": "frequency", "M": "monetary"}
#: Score column of each dimension.
SCORE_COLUMNS: dict[str, str] = {"R": "r_score", "F": "f_score", "M": "m_score"}
#: Columns :func:`score` adds (replaced when the table already has them).
OUTPUT_COLUMNS: tuple[str, ...] = (
    "r_score",
    "f_score",
    "m_score",
    "rfm_code",
    "rf_code",
    "rfm_score",
)
WEIGHT_COLUMNS: tuple[str, ...] = ("wrfm", "wrfm_100", "wrfm_rank")
#: Columns of later steps that a re-scoring makes stale (dropped and listed on the card).
STALE_COLUMNS: tuple[str, ...] = (*OUTPUT_COLUMNS, *WEIGHT_COLUMNS, "segment", "segment_zh")

METHODS: tuple[str, ...] = ("quantile", "fixed", "mean", "median")
TIES: tuple[str, ...] = ("keep", "first", "random", "dense")
SCALES: tuple[str, ...] = ("5-best", "1-best")
NONPOSITIVE: tuple[str, ...] = ("flag", "separate", "raise")
BASES: tuple[str, ...] = ("scores", "minmax")
MIN_BINS, MAX_BINS = 2, 9

#: Decimals used for the bin comparison only (float-noise guard, rfm.md §7.2).
ROUND_DECIMALS = 9
ROUNDING_RULE = "binning rounds values to 9 decimals to make ties exact (results are not rounded)"
_UNITS = {"R": "days", "F": "occasions", "M": "money"}
_MAX_LISTED = 5


# --------------------------------------------------------------------------------------------
# result


@dataclass(frozen=True, repr=False, eq=False)
class ScoredResult(ResultMixin):
    """The customer table with R, F, M scores, the realised edges and the definition card.

    Attributes
    ----------
    table : DataFrame
        The customer table plus ``r_score``, ``f_score``, ``m_score`` (Int8, NA for customers
        that are not scored), ``rfm_code``, ``rf_code`` (string, e.g. ``"555"``, ``"55"``) and
        ``rfm_score`` = 100 R + 10 F + M (Int16). After :func:`weighted_score` also ``wrfm``,
        ``wrfm_100`` (float64) and ``wrfm_rank`` (Int64, 1 = highest).
    card : DefinitionCard
        The input's card plus the ``scoring`` section (and ``weights`` after
        :func:`weighted_score`).
    customer : hashable
        Name of the customer id column.
    bins, method, ties, scale, nonpositive, seed, probs
        The conventions used (see :func:`score`).
    edges : dict
        Realised edges per dimension in raw units (ascending; for ``ties="first"``/``"random"``
        the largest raw value in each raw bin 1…bins-1, NaN for an empty bin).
    counts : DataFrame
        Customers per score (index 1…bins, zeros included) and dimension (columns R, F, M), on
        the displayed scale.
    empty_levels : dict
        Dimension -> list of empty score levels (displayed scale).
    split_values : dict
        Dimension -> raw values whose customers received different scores (``"first"`` /
        ``"random"`` only).
    centres : dict or None
        The mean or median per dimension for ``method="mean"``/``"median"``.
    weights : Series or None
        Normalised weights (index R, F, M) after :func:`weighted_score`.
    weights_form, weights_basis : str or None
        ``"dict"``, ``"ahp"`` or ``"entropy"``; ``"scores"`` or ``"minmax"``.

    Fields are private copies: every read of a table, dict or Series returns a new copy.
    """

    table: pd.DataFrame = Snapshot()
    card: DefinitionCard
    customer: Hashable
    bins: int
    method: str
    ties: str
    scale: str
    nonpositive: str
    seed: int
    probs: tuple[float, ...] | None
    edges: dict[str, list[float]] = Snapshot()
    counts: pd.DataFrame = Snapshot()
    empty_levels: dict[str, list[int]] = Snapshot()
    split_values: dict[str, list[float]] = Snapshot()
    centres: dict[str, float] | None = Snapshot(default=None)
    weights: pd.Series | None = Snapshot(default=None)
    weights_form: str | None = None
    weights_basis: str | None = None

    _conventions = ("method", "bins", "ties", "scale", "nonpositive")
    _title = "ScoredResult (RFM scores)"

    def canonical_scores(self) -> pd.DataFrame:
        """R, F, M scores on the canonical scale (higher is better, R = bins is most recent).

        Equal to the table's score columns for ``scale="5-best"``; ``bins + 1 - s`` for
        ``"1-best"``. Rule tables (presets) always read these.
        """
        out = pd.DataFrame(
            {d: self._table[SCORE_COLUMNS[d]] for d in DIMENSIONS}, index=self._table.index
        )
        if self.scale == "1-best":
            out = (self.bins + 1 - out).astype("Int8")
        return out

    def summary(self) -> pd.DataFrame:
        """One row per dimension and score: customers, share and the raw range in that level."""
        rows = []
        scored = self._table[SCORE_COLUMNS["R"]].notna().to_numpy()
        n_scored = int(scored.sum())
        for d in DIMENSIONS:
            s = self._table[SCORE_COLUMNS[d]]
            raw = self._table[RAW_COLUMNS[d]].astype("float64")
            grouped = raw[scored].groupby(s[scored].astype("int64"))
            lo, hi = grouped.min(), grouped.max()
            for level in range(1, self.bins + 1):
                n = int(self._counts.loc[level, d])
                rows.append(
                    {
                        "dimension": d,
                        "score": level,
                        "customers": n,
                        "share": n / n_scored if n_scored else np.nan,
                        "raw_min": lo.get(level, np.nan),
                        "raw_max": hi.get(level, np.nan),
                    }
                )
        return pd.DataFrame(rows).set_index(["dimension", "score"])

    def __repr__(self) -> str:
        return f"{self.card.render()}\n\n{self._table.head(10).to_string()}"

    def _repr_html_(self) -> str:
        return self.card._repr_html_() + self._table.head(10).to_html()


# --------------------------------------------------------------------------------------------
# input handling shared with the rule engine


_BTYD_HINT = (
    " This looks like a BTYD summary (btyd_summary): its 'frequency' counts repeat periods and "
    "'recency' is the age at the last purchase, so it must not be scored as classic RFM; use "
    "cvlib.rfm.rfm_table(...)."
)


def _customer_table(
    result: Any, customer: Hashable | None, function: str
) -> tuple[pd.DataFrame, DefinitionCard, Hashable]:
    """The customer table (a private copy), its card and the id column name.

    ``result`` is an RFMResult-like object (``.table``, ``.card``, optionally ``.customer``) or a
    plain DataFrame with ``customer=``; a DataFrame starts a fresh card.
    """
    if isinstance(result, pd.DataFrame):
        if customer is None:
            raise TypeError(
                f"{function}() got a plain DataFrame: pass customer=<name of the customer id "
                f"column>, e.g. {function}(table, customer='customer_id'), or pass the result of "
                f"cvlib.rfm.rfm_table(...)."
            )
        table = result.copy(deep=True)
        card = DefinitionCard(function).with_section(
            "header",
            {
                "function": function,
                "input": "pandas DataFrame (customer table)",
                "input rows": len(table),
                "columns used": [customer, *RAW_COLUMNS.values()],
            },
        )
    elif hasattr(result, "table") and hasattr(result, "card"):
        table = result.table
        if not isinstance(table, pd.DataFrame):
            raise TypeError(
                f"{function}() needs a pandas customer table; {type(result).__name__}.table is "
                f"{type(table).__name__}."
            )
        table = table.copy(deep=True)
        card = result.card
        own = getattr(result, "customer", None)
        if customer is not None and own is not None and customer != own:
            raise CvlibInputError(
                f"customer={customer!r} disagrees with the result's id column {own!r}; drop the "
                f"customer= argument."
            )
        customer = customer if customer is not None else own
        if customer is None:
            raise TypeError(
                f"{type(result).__name__} does not name its customer id column; pass customer=."
            )
    else:
        raise TypeError(
            f"{function}() needs the result of cvlib.rfm.rfm_table(...) or a pandas DataFrame "
            f"with customer=; got {type(result).__name__}."
        )
    if {"recency", "T"} <= set(table.columns) and "recency_days" not in table.columns:
        raise KeyError(_BTYD_HINT.strip())
    if customer not in table.columns:
        raise KeyError(
            f"customer id column {customer!r} not found; available columns: "
            f"{', '.join(map(repr, table.columns))}."
        )
    if customer in STALE_COLUMNS:
        raise CvlibInputError(
            f"the customer id column is called {customer!r}, a column that {function}() and "
            f"later steps write; rename it (e.g. to 'customer_id') before computing the RFM table."
        )
    if table.columns.duplicated().any():
        dup = list(table.columns[table.columns.duplicated()])
        raise CvlibInputError(f"the customer table has duplicate column names {dup}; rename them.")
    missing = [c for c in RAW_COLUMNS.values() if c not in table.columns]
    if missing:
        hint = _BTYD_HINT if {"recency", "T"} <= set(table.columns) else ""
        raise KeyError(
            f"{function}() needs the columns recency_days, frequency and monetary of the classic "
            f"customer table; missing {', '.join(map(repr, missing))}; available columns: "
            f"{', '.join(map(repr, table.columns))}.{hint}"
        )
    if len(table) == 0:
        raise CvlibInputError(
            f"the customer table is empty (0 rows); {function}() needs at least one customer."
        )
    ids = table[customer]
    if ids.isna().any():
        raise CvlibInputError(
            f"customer id column {customer!r} has {int(ids.isna().sum())} missing ids; drop or "
            f"fill them before scoring."
        )
    check_id_values(ids, customer, what="table")
    dup = ids[ids.duplicated(keep=False)]
    if len(dup):
        raise CvlibInputError(
            f"customer id column {customer!r} is not unique ({dup.nunique()} ids repeat, e.g. "
            f"{dup.iloc[0]!r}); a customer table has one row per customer."
        )
    return table, card, customer


def _raw_values(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """float64 arrays of recency_days, frequency, monetary after the dtype and range checks."""
    out: dict[str, np.ndarray] = {}
    for d, col in RAW_COLUMNS.items():
        s = table[col]
        if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
            raise TypeError(
                f"column {col!r} must be numeric, got dtype {s.dtype}; convert it with "
                f"pd.to_numeric after fixing the text values (never through strings)."
            )
        out[d] = s.to_numpy(dtype="float64", na_value=np.nan)
    f = out["F"]
    bad = np.isnan(f) | (f < 0) | (f != np.floor(f))
    if bad.any():
        i = int(np.argmax(bad))
        raise CvlibInputError(
            f"column 'frequency' must hold whole numbers >= 0 without missing values; row "
            f"{table.index[i]!r} holds {f[i]!r}."
        )
    buying = f > 0
    for d in ("R", "M"):
        col = RAW_COLUMNS[d]
        x = out[d]
        if np.isinf(x).any():
            i = int(np.argmax(np.isinf(x)))
            raise CvlibInputError(
                f"column {col!r} holds {x[i]} at row {table.index[i]!r}; replace infinite values."
            )
        gap = buying & np.isnan(x)
        if gap.any():
            i = int(np.argmax(gap))
            raise CvlibInputError(
                f"column {col!r} is missing at row {table.index[i]!r} although frequency = "
                f"{f[i]:g} > 0; only customers with frequency 0 may have a missing {col}."
            )
    neg = buying & (out["R"] < 0)
    if neg.any():
        i = int(np.argmax(neg))
        raise CvlibInputError(
            f"column 'recency_days' is negative ({out['R'][i]:g}) at row {table.index[i]!r}; "
            f"recency is analysis date - last purchase and cannot be negative."
        )
    return out


def _id_family(value: Any) -> str:
    """The comparability family of one id value (ids of one family sort against each other)."""
    if isinstance(value, str | np.str_):
        return "str"
    if isinstance(value, bool | np.bool_ | Integral | Real | np.number):
        return "number"
    return type(value).__name__


_NESTED = (list, dict, set, np.ndarray)


def check_id_values(values: pd.Series, column: Hashable, what: str = "tx") -> None:
    """Refuse an object id column mixing types that do not sort together (str and int, ...).

    ``1`` and ``"1"`` would be two customers, and no ascending order exists (Python raises a
    bare ``TypeError``); a column of nested values (lists, dicts) holds no ids at all. Only
    object columns are inspected, with one vectorised type inference; the per-value type test
    runs only when that inference finds a mixture.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = pd.Series(values.dtype.categories, dtype=object)
    elif values.dtype != object:
        return
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred not in ("mixed", "mixed-integer", "unknown-array"):
        return
    present = values[values.notna().to_numpy(dtype=bool)]
    nested = present.map(lambda v: isinstance(v, _NESTED)).to_numpy(dtype=bool)
    if nested.any():
        i = int(np.argmax(nested))
        raise TypeError(
            f"customer column {column!r} holds nested values (e.g. {present.iloc[i]!r} at row "
            f"{present.index[i]!r}); pass a column of scalar ids (int, string or categorical)."
        )
    families = present.map(_id_family)
    first = families.drop_duplicates()
    if len(first) < 2:
        return
    shown = "; ".join(
        f"{type(present.loc[label]).__name__} (e.g. {present.loc[label]!r} at row {label!r})"
        for label in first.index[:4]
    )
    raise CvlibInputError(
        f"customer column {column!r} mixes id types that cannot be ordered or matched: "
        f"{shown}. The int 1 and the string '1' would be two different customers. Convert the "
        f"ids to one type first, e.g. {what}[{column!r}].astype(str) (or "
        f"{what}.assign(**{{{column!r}: {what}[{column!r}].astype(str)}}) to keep {what} "
        f"unchanged)."
    )


def id_order(ids: pd.Series, column: Hashable = "customer", what: str = "tx") -> np.ndarray:
    """Positions that put ``ids`` in ascending order of their **values** (stable, NA last).

    A categorical id column (pandas ``category``, polars ``Categorical``/``Enum`` and DuckDB
    ``ENUM`` all arrive as one) is ordered by its category values, not by the category codes,
    so every engine and id dtype gives the order of the same ids held as strings (rfm.md §5:
    "sorted by customer id"; §7.3 ``ties="first"``).
    """
    check_id_values(ids, column, what)
    if isinstance(ids.dtype, pd.CategoricalDtype):
        categories = pd.Series(ids.dtype.categories)
        rank = np.empty(len(categories), dtype=np.int64)
        rank[categories.sort_values(kind="stable").index.to_numpy()] = np.arange(len(categories))
        codes = ids.cat.codes.to_numpy(dtype=np.int64)
        key = np.where(codes >= 0, rank[np.maximum(codes, 0)], len(categories))
        return np.argsort(key, kind="stable")
    return pd.Series(ids.array).sort_values(kind="stable").index.to_numpy()


def _id_positions(ids: pd.Series, column: Hashable = "customer") -> np.ndarray:
    """Each row's position in ascending customer-id order (0-based; by value, see id_order)."""
    order = id_order(ids, column, what="table")
    pos = np.empty(len(order), dtype=np.int64)
    pos[order] = np.arange(len(order), dtype=np.int64)
    return pos


# --------------------------------------------------------------------------------------------
# argument checks


def _check_bins(bins: Any) -> int:
    if isinstance(bins, bool) or not isinstance(bins, Integral):
        raise CvlibInputError(
            f"bins={bins!r} must be a whole number from {MIN_BINS} to {MAX_BINS} (e.g. 5)."
        )
    if not MIN_BINS <= int(bins) <= MAX_BINS:
        raise CvlibInputError(
            f"bins={bins} is outside {MIN_BINS}…{MAX_BINS}; RFM scores are one digit per "
            f"dimension, so use bins between {MIN_BINS} and {MAX_BINS} (5 is the classic choice)."
        )
    return int(bins)


def _check_probs(probs: Any, n: int) -> tuple[float, ...]:
    try:
        p = np.asarray(probs, dtype="float64")
    except (TypeError, ValueError):
        raise CvlibInputError(f"probs={probs!r} must be a list of numbers in (0, 1).") from None
    if p.ndim != 1 or len(p) != n - 1:
        raise CvlibInputError(
            f"probs must hold bins - 1 = {n - 1} cut probabilities, got {p.size}: {probs!r}; "
            f"e.g. {[round(k / n, 4) for k in range(1, n)]} for bins={n}."
        )
    if not np.all(np.isfinite(p)) or np.any(p <= 0) or np.any(p >= 1):
        raise CvlibInputError(f"probs={list(p)} must lie strictly between 0 and 1.")
    if np.any(np.diff(p) <= 0):
        raise CvlibInputError(
            f"probs={list(p)} must be strictly increasing; they are never sorted for you."
        )
    return tuple(float(v) for v in p)


def _check_edges(edges: Any, n: int) -> dict[str, np.ndarray]:
    if not isinstance(edges, Mapping):
        raise CvlibInputError(
            "method='fixed' needs edges={'R': [...], 'F': [...], 'M': [...]} in raw units "
            f"(bins - 1 = {n - 1} ascending values each); got {type(edges).__name__}."
        )
    unknown = [k for k in edges if k not in DIMENSIONS]
    missing = [d for d in DIMENSIONS if d not in edges]
    if unknown or missing:
        raise CvlibInputError(
            f"edges must have exactly the keys 'R', 'F', 'M'; unknown {unknown}, missing {missing}."
        )
    out = {}
    for d in DIMENSIONS:
        raw = edges[d]
        try:
            e = np.asarray(raw, dtype="float64")
        except (TypeError, ValueError):
            raise CvlibInputError(f"edges[{d!r}]={raw!r} must be a list of numbers.") from None
        if e.ndim != 1 or len(e) != n - 1:
            raise CvlibInputError(
                f"edges[{d!r}] must hold bins - 1 = {n - 1} values for bins={n}, got "
                f"{e.size}: {list(np.ravel(e))}."
            )
        if not np.all(np.isfinite(e)):
            raise CvlibInputError(f"edges[{d!r}]={list(e)} must be finite numbers.")
        if np.any(np.diff(e) <= 0):
            raise CvlibInputError(
                f"edges[{d!r}]={list(e)} must be strictly increasing (raw units, e.g. R "
                f"[30, 90, 180, 365] days); they are never sorted for you."
            )
        out[d] = e
    return out


# --------------------------------------------------------------------------------------------
# binning


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "NA"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.10g}"


def _raw_bins_by_edges(x: np.ndarray, edges: np.ndarray, side: str) -> np.ndarray:
    """b = 1 + #{k: e_k < x} (``side="left"``) or 1 + #{k: e_k <= x} (``"right"``), rounded."""
    e = np.round(np.asarray(edges, dtype="float64"), ROUND_DECIMALS)
    xr = np.round(np.asarray(x, dtype="float64"), ROUND_DECIMALS)
    if len(e) > 8 or np.isnan(e).any() or np.isnan(xr).any():
        return np.searchsorted(e, xr, side=side).astype(np.int64) + 1
    # a few edges: one vectorised comparison per edge, several times faster than a binary
    # search per value (the same counts on NaN-free values: e_k < x, or e_k <= x)
    b = np.ones(len(xr), dtype=np.int64)
    for edge in e:
        b += (edge < xr) if side == "left" else (edge <= xr)
    return b


def _bin_dimension(
    x: np.ndarray,
    key: np.ndarray,
    *,
    d: str,
    n: int,
    method: str,
    ties: str,
    probs: tuple[float, ...] | None,
    fixed: np.ndarray | None,
) -> dict[str, Any]:
    """Raw bins 1…n (before the R reversal), realised edges, centre and split values."""
    m = len(x)
    out: dict[str, Any] = {"centre": None, "split": []}
    if m == 0:
        out["b"] = np.zeros(0, dtype=np.int64)
        out["edges"] = [np.nan] * (n - 1)
        return out
    p = np.asarray(probs if probs is not None else [k / n for k in range(1, n)])
    if method == "fixed":
        out["edges"] = [float(v) for v in fixed]
        out["b"] = _raw_bins_by_edges(x, fixed, "left")
    elif method in ("mean", "median"):
        centre = float(np.mean(x)) if method == "mean" else float(np.median(x))
        out["centre"] = centre
        out["edges"] = [centre]
        # equal to the centre -> the less favourable side (F/M low, R not recent)
        out["b"] = _raw_bins_by_edges(x, np.array([centre]), "right" if d == "R" else "left")
    elif ties == "keep":
        edges = np.quantile(x, p, method="linear")
        out["edges"] = [float(v) for v in edges]
        out["b"] = _raw_bins_by_edges(x, edges, "left")
    elif ties == "dense":
        _, first = np.unique(np.round(x, ROUND_DECIMALS), return_index=True)
        edges = np.quantile(x[first], p, method="linear")
        out["edges"] = [float(v) for v in edges]
        out["b"] = _raw_bins_by_edges(x, edges, "left")
    else:  # "first" / "random": rank by (value, key), then cut the ranks
        xr = np.round(x, ROUND_DECIMALS)
        order = np.lexsort((key, xr))
        rank0 = np.empty(m, dtype=np.int64)
        rank0[order] = np.arange(m, dtype=np.int64)
        if probs is None:
            b = rank0 * n // m + 1  # floor((rank - 1) n / N) + 1, exact in integers
        else:
            b = np.searchsorted(np.asarray(probs), rank0 / m, side="right").astype(np.int64) + 1
        out["b"] = b
        out["edges"] = [float(x[b == k].max()) if (b == k).any() else np.nan for k in range(1, n)]
        xs, bs = xr[order], b[order]
        split = (xs[1:] == xs[:-1]) & (bs[1:] != bs[:-1])
        out["split"] = [float(v) for v in np.unique(x[order][1:][split])]
    return out


def _empty_level_message(
    d: str, x: np.ndarray, scores: np.ndarray, empty: list[int], n: int, method: str, ties: str
) -> str:
    col = RAW_COLUMNS[d]
    m = len(x)
    levels = ", ".join(map(str, empty))
    plural = "s" if len(empty) > 1 else ""
    if m == 0:
        return f"{d}: no customer is scored, so every {d} level is empty."
    values, first, counts = np.unique(
        np.round(x, ROUND_DECIMALS), return_index=True, return_counts=True
    )
    if len(values) == 1:
        return (
            f"{d}: every scored customer has {col} = {_fmt(x[0])} (constant column), so all "
            f"{m:,} get {d} = {int(scores[0])} and level{plural} {levels} "
            f"{'are' if plural else 'is'} empty."
        )
    if m < n:
        return (
            f"{d}: only {m:,} customers are scored with bins={n}, so level{plural} {levels} "
            f"{'are' if plural else 'is'} empty (levels are kept and reported, never dropped)."
        )
    if ties in ("first", "random"):
        return (
            f"{d}: with ties={ties!r} and these probs, no rank position of the {m:,} scored "
            f"customers falls in level{plural} {levels} (kept and reported, never dropped)."
        )
    if method == "fixed":
        return (
            f"{d}: no customer falls in level{plural} {levels} with the fixed edges (levels are "
            f"kept and reported, never dropped)."
        )
    top = int(np.argmax(counts))
    i = int(first[top])
    return (
        f"{d}: {int(counts[top]):,} of {m:,} customers share {col} = {_fmt(x[i])}; with "
        f"ties={ties!r} they all get {d} = {int(scores[i])} and level{plural} {levels} "
        f"{'are' if plural else 'is'} empty (kept and reported, never dropped). Use "
        f"ties='first' or 'random' to split ties deterministically, or fewer bins."
    )


# --------------------------------------------------------------------------------------------
# score


def score(
    result: Any,
    *,
    bins: int = 5,
    method: str = "quantile",
    probs: Sequence[float] | None = None,
    edges: Mapping[str, Sequence[float]] | None = None,
    ties: str = "keep",
    seed: int = 0,
    scale: str = "5-best",
    nonpositive: str = "flag",
    customer: Hashable | None = None,
) -> ScoredResult:
    r"""R, F and M scores 1…bins (RFM 评分), higher is better, with realised edges and counts.

    Binning rule (raw units, n = ``bins``, ascending edges e_1 <= … <= e_{n-1}):

    .. math:: b(x) = 1 + \#\{k : e_k < x\}

    i.e. right-closed bins (e_{k-1}, e_k] with the minimum in bin 1 (numpy
    ``searchsorted(edges, x, side="left") + 1``). F and M: score = b; R (``recency_days``):
    score = n + 1 - b, so the most recent customers get n. x and the edges are rounded to 9
    decimals for this comparison only; values, edges and centres are never rounded.

    Edges: ``"quantile"`` e_k = Q(x, k/n) (or Q(x, p_k) for ``probs``), Q linear between order
    statistics (R type 7, numpy/pandas default); ``"fixed"`` user edges per dimension;
    ``"mean"``/``"median"`` (bins = 2) one centre c: F, M high iff x > c, R high (recent) iff
    recency_days < c, a value equal to c goes to the less favourable side.

    Tie policies (quantile): ``"keep"`` identical values share a score, levels may be empty
    (reported); ``"first"`` rank 1…N by (x, customer id), b = floor((rank - 1) n / N) + 1;
    ``"random"`` as ``"first"`` with the secondary key u_i =
    ``default_rng(seed).permutation(N)[i]`` (i = position in id order); ``"dense"`` edges =
    Q(distinct values, k/n).

    Customers with F = 0 get NA scores and take no part in the edges. Heavy ties, a constant
    column, N < bins or N = 1 never raise: they give a ``ScoreWarning`` and the card reports
    edges, counts per level (zeros included), empty levels and split values.

    Parameters
    ----------
    result : RFMResult or DataFrame
        The result of :func:`cvlib.rfm.rfm_table`, or a customer table with ``recency_days``,
        ``frequency``, ``monetary`` (and ``customer=``). Never modified.
    bins : int, default 5
        Levels per dimension, 2…9.
    method : {"quantile", "fixed", "mean", "median"}, default "quantile"
    probs : sequence of float, optional
        ``bins - 1`` strictly increasing cut probabilities in (0, 1) (quantile only).
    edges : dict, optional
        ``{"R": [...], "F": [...], "M": [...]}``, raw units, strictly increasing, ``bins - 1``
        values each (required by ``method="fixed"``, never sorted for you).
    ties : {"keep", "first", "random", "dense"}, default "keep"
        Tie policy (quantile only).
    seed : int, default 0
        Seed of ``ties="random"``.
    scale : {"5-best", "1-best"}, default "5-best"
        ``"5-best"``: higher is better (R = bins most recent). ``"1-best"`` displays
        s -> bins + 1 - s (legacy notebooks); rule tables still read the canonical scores.
    nonpositive : {"flag", "separate", "raise"}, default "flag"
        Customers with monetary <= 0: scored like everyone else and counted (``"flag"``),
        excluded from edges with NA scores and the reserved segment "Non-positive spend"
        (``"separate"``), or ``ValueError`` (``"raise"``).
    customer : hashable, optional
        Customer id column (required with a plain DataFrame).

    Returns
    -------
    ScoredResult
        ``table`` with ``r_score``, ``f_score``, ``m_score`` (Int8), ``rfm_code``, ``rf_code``
        (string), ``rfm_score`` (Int16); ``edges``, ``counts``, ``empty_levels``,
        ``split_values``; ``card`` with the ``scoring`` section.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.rfm import score
    >>> table = pd.DataFrame({"id": [1, 2, 3, 4], "recency_days": [5, 40, 200, 9],
    ...                       "frequency": [6, 2, 1, 3], "monetary": [300.0, 80.0, 15.0, 90.0]})
    >>> scored = score(table, customer="id", bins=2, method="median")
    >>> scored.table["rfm_code"].tolist()
    ['222', '111', '111', '222']
    >>> scored.edges["R"], scored.counts["R"].tolist()
    ([24.5], [2, 2])

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus. R package rfm 0.3.0
    (Hebbali, ``rfm_table_customer``: quintile scores, 5 = best, R reversed). Hyndman, R. J., &
    Fan, Y. (1996). Sample quantiles in statistical packages. *The American Statistician*
    50(4), 361-365 (type 7).
    """
    n = _check_bins(bins)
    check_choice("method", method, METHODS)
    check_choice("ties", ties, TIES)
    check_choice("scale", scale, SCALES)
    check_choice("nonpositive", nonpositive, NONPOSITIVE)
    if isinstance(seed, bool) or not isinstance(seed, Integral) or int(seed) < 0:
        raise CvlibInputError(f"seed={seed!r} must be a whole number >= 0 (e.g. 0).")
    if method in ("mean", "median") and n != 2:
        raise CvlibInputError(
            f"method={method!r} splits at one centre and needs bins=2, got bins={n}; use "
            f"method='quantile' for {n} levels."
        )
    if method != "quantile" and ties != "keep":
        raise CvlibInputError(
            f"ties={ties!r} applies to method='quantile' only; method={method!r} puts identical "
            f"values in the same bin. Drop ties= or use method='quantile'."
        )
    p = None
    if probs is not None:
        if method != "quantile":
            raise CvlibInputError(
                f"probs= applies to method='quantile' only, not method={method!r}; drop it."
            )
        p = _check_probs(probs, n)
    fixed = None
    if method == "fixed":
        if edges is None:
            raise CvlibInputError(
                "method='fixed' needs edges={'R': [...], 'F': [...], 'M': [...]} in raw units, "
                f"{n - 1} strictly increasing values each (e.g. R [30, 90, 180, 365] days)."
            )
        fixed = _check_edges(edges, n)
    elif edges is not None:
        raise CvlibInputError(
            f"edges= applies to method='fixed' only, not method={method!r}; pass "
            f"method='fixed' or drop edges=."
        )

    table, card, customer = _customer_table(result, customer, "score")
    replaced = [c for c in STALE_COLUMNS if c in table.columns]
    if replaced:
        table = table.drop(columns=replaced)
    raw = _raw_values(table)
    buying = raw["F"] > 0
    # the float-noise guard of rfm_table's m_nonpositive: 0.1 + 0.2 - 0.3 counts as 0
    nonpos = buying & (np.round(raw["M"], 9) <= 0)
    n_nonpos = int(nonpos.sum())
    if nonpositive == "raise" and n_nonpos:
        raise CvlibInputError(
            f"{n_nonpos:,} customers have monetary <= 0 (net spend after returns); choose "
            f"nonpositive='flag' (score them, lowest M) or 'separate' (own reserved segment)."
        )
    scored = buying & ~nonpos if nonpositive == "separate" else buying
    if "m_nonpositive" not in table.columns:
        table["m_nonpositive"] = pd.Series(
            np.where(np.isnan(raw["M"]), False, raw["M"] <= 0), index=table.index, dtype=bool
        )

    idx = np.flatnonzero(scored)
    m = len(idx)
    key = _id_positions(table[customer], customer)[idx]
    if ties == "random":
        # u_i = permutation(N)[i], i = position in id order among the scored customers
        key = np.random.default_rng(int(seed)).permutation(m)[np.argsort(np.argsort(key))]

    canonical: dict[str, np.ndarray] = {}
    edges_out: dict[str, list[float]] = {}
    splits: dict[str, list[float]] = {}
    centres: dict[str, float] = {}
    for d in DIMENSIONS:
        part = _bin_dimension(
            raw[d][idx],
            key,
            d=d,
            n=n,
            method=method,
            ties=ties,
            probs=p,
            fixed=None if fixed is None else fixed[d],
        )
        canonical[d] = n + 1 - part["b"] if d == "R" else part["b"]
        edges_out[d] = part["edges"]
        splits[d] = part["split"]
        if part["centre"] is not None:
            centres[d] = part["centre"]

    shown = {d: (n + 1 - s if scale == "1-best" else s) for d, s in canonical.items()}
    counts = pd.DataFrame(
        {d: np.bincount(shown[d], minlength=n + 1)[1:] for d in DIMENSIONS},
        index=pd.RangeIndex(1, n + 1, name="score"),
    )
    empty = {d: [int(k) for k in counts.index[counts[d].to_numpy() == 0]] for d in DIMENSIONS}

    for d in DIMENSIONS:
        if empty[d]:
            msg = _empty_level_message(d, raw[d][idx], shown[d], empty[d], n, method, ties)
            warnings.warn(msg, ScoreWarning, stacklevel=2)
        if splits[d]:
            listed = ", ".join(_fmt(v) for v in splits[d][:_MAX_LISTED])
            more = " …" if len(splits[d]) > _MAX_LISTED else ""
            warnings.warn(
                f"{d}: with ties={ties!r}, {len(splits[d]):,} distinct {RAW_COLUMNS[d]} values "
                f"are split across scores ({listed}{more}): identical customers get different "
                f"{d} scores, ordered by "
                f"{'customer id' if ties == 'first' else f'a seeded permutation (seed={seed})'}.",
                ScoreWarning,
                stacklevel=2,
            )

    for d in DIMENSIONS:
        values = np.ones(len(table), dtype=np.int8)
        missing = np.ones(len(table), dtype=bool)
        values[idx] = shown[d]
        missing[idx] = False
        table[SCORE_COLUMNS[d]] = pd.Series(
            pd.arrays.IntegerArray(values, missing), index=table.index
        )
    r, f, mm = (table[SCORE_COLUMNS[d]].astype("Int16") for d in DIMENSIONS)
    table["rfm_code"] = (r * 100 + f * 10 + mm).astype("string")
    table["rf_code"] = (r * 10 + f).astype("string")
    table["rfm_score"] = (r * 100 + f * 10 + mm).astype("Int16")

    fields: dict[str, Any] = {
        "method": method,
        "bins": n,
        "ties": ties if method == "quantile" else "n/a (identical values share a bin)",
        "scale": (
            f"5-best (higher is better; R {n} = most recent)"
            if scale == "5-best"
            else f"1-best (displayed s -> {n + 1} - s; 1 = best, R 1 = most recent)"
        ),
        "nonpositive": nonpositive,
        "binning rule": (
            "b = 1 + #{k: e_k < x} (right-closed bins, minimum in bin 1); R = bins + 1 - b"
            if method not in ("mean", "median")
            else "F, M high iff x > centre; R high (recent) iff recency_days < centre; equal "
            "to the centre -> the less favourable side"
        ),
        "rounding": ROUNDING_RULE,
        "customers scored": m,
        "customers F = 0 (not scored)": int((~buying).sum()),
        "customers M <= 0": n_nonpos,
        "M <= 0 action": "separated (not scored)" if nonpositive == "separate" else "flagged",
    }
    if method == "quantile":
        fields["probs"] = list(p) if p is not None else f"k/{n}, k = 1…{n - 1}"
        fields["quantile"] = "linear between order statistics (R type 7, numpy/pandas default)"
    if fixed is not None:
        fields["fixed edges"] = {d: list(fixed[d]) for d in DIMENSIONS}
    if ties == "random":
        fields["seed"] = int(seed)
    if replaced:
        fields["replaced columns"] = replaced
    for d in DIMENSIONS:
        fields[f"{d} edges"] = edges_out[d]
        if d in centres:
            fields[f"{d} centre"] = centres[d]
        fields[f"{d} counts"] = {str(k): int(v) for k, v in counts[d].items()}
        fields[f"{d} empty levels"] = empty[d] or "none"
        if ties in ("first", "random"):
            fields[f"{d} split values"] = len(splits[d])
    card = card.with_section("scoring", fields)

    return ScoredResult(
        table=table,
        card=card,
        customer=customer,
        bins=n,
        method=method,
        ties=ties,
        scale=scale,
        nonpositive=nonpositive,
        seed=int(seed),
        probs=p,
        edges=edges_out,
        counts=counts,
        empty_levels=empty,
        split_values=splits,
        centres=centres or None,
    )


# --------------------------------------------------------------------------------------------
# weighted RFM


def _dict_weights(weights: Mapping[Any, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    unknown = [k for k in weights if k not in DIMENSIONS]
    missing = [d for d in DIMENSIONS if d not in weights]
    if unknown or missing:
        raise CvlibInputError(
            f"weights must be a dict with the keys 'R', 'F', 'M' (e.g. {{'R': 1, 'F': 2, "
            f"'M': 3}}); unknown keys {unknown}, missing {missing}."
        )
    given = {}
    for d in DIMENSIONS:
        v = weights[d]
        if isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(float(v)):
            raise CvlibInputError(f"weights[{d!r}]={v!r} must be a finite number >= 0.")
        if float(v) < 0:
            raise CvlibInputError(f"weights[{d!r}]={v!r} is negative; weights must be >= 0.")
        given[d] = float(v)
    total = sum(given.values())
    if total <= 0:
        raise CvlibInputError(
            "weights are all zero; give at least one positive weight (they are normalised to "
            "sum 1)."
        )
    w = np.array([given[d] / total for d in DIMENSIONS])
    return w, {"given": given, "sum given": total}


def _ahp_weights(matrix: Any) -> tuple[np.ndarray, dict[str, Any]]:
    from cvlib import ahp

    if isinstance(matrix, ahp.AHPResult):
        res = matrix
    elif isinstance(matrix, pd.DataFrame) or isinstance(matrix, Mapping):
        res = ahp.weights(matrix)
    else:
        # cvlib.ahp reads every judgment form, including exact fractions written as "1/3"
        res = ahp.weights(matrix, labels=list(DIMENSIONS))
    if res.is_stack:
        raise CvlibInputError(
            "weights= got a stack of judgment matrices; aggregate them first (e.g. with "
            "cvlib.ahp) and pass one 3x3 matrix over R, F, M."
        )
    w = res.weights
    labels = [str(v) for v in w.index]
    if sorted(labels) != sorted(DIMENSIONS):
        raise CvlibInputError(
            f"the judgment matrix must compare exactly R, F and M, got labels {labels}; name "
            f"the rows/columns 'R', 'F', 'M' (a_ij = importance of row i over column j)."
        )
    w.index = labels
    info = {
        "judgment matrix": (
            {d: res.matrix.loc[d, list(w.index)].astype(float).tolist() for d in DIMENSIONS}
            if isinstance(res.matrix, pd.DataFrame)
            else None
        ),
        "orientation": "a_ij = importance of row i over column j (order R, F, M)",
        "method": res.method,
        "lambda_max": float(res.lambda_max),
        "CI": float(res.ci),
        "RI": float(res.ri),
        "RI table": res.ri_table,
        "CR": float(res.cr),
        "verdict": res.verdict_en,
    }
    return w.reindex(list(DIMENSIONS)).to_numpy(dtype="float64"), info


def weighted_score(scored: ScoredResult, *, weights: Any, basis: str = "scores") -> ScoredResult:
    r"""Weighted RFM (加权RFM): wrfm = Σ_d w_d v_d over d in {R, F, M}.

    ``basis="scores"``: v_d = the canonical 1…n scores (R already reversed), wrfm in [1, n],
    ``wrfm_100`` = (wrfm - 1)/(n - 1) · 100. ``basis="minmax"``: v_R = (max - x)/(max - min)
    (cost), v_F, v_M = (x - min)/(max - min) over the scored customers
    (:func:`cvlib.standardize.minmax`); a constant column gives v = 0 and a ``ScoreWarning``;
    ``wrfm_100`` = 100 wrfm.

    Weights:

    * dict ``{"R": …, "F": …, "M": …}``: non-negative, not all zero, normalised to sum 1;
    * AHP judgment matrix (3x3 array in the order R, F, M, a DataFrame or a pair dict with labels
      R, F, M, or an :class:`cvlib.ahp.AHPResult`; a_ij = importance of row i over column j):
      principal eigenvector, λmax, CI = (λmax - 3)/2, CR = CI/RI(3) with RI(3) = 0.58 (CR >=
      0.10 gives an ``InconsistencyWarning``, never an error);
    * ``"entropy"``: :func:`cvlib.standardize.entropy_weights` of the score matrix (benefit,
      ``normalize="none"``): p_ij = s_ij/Σ_i s_ij, e_j = -(1/ln N) Σ_i p_ij ln p_ij,
      w_j = (1 - e_j)/Σ_k (1 - e_k); with ``basis="minmax"`` on the raw values, R as cost.

    ``wrfm_rank``: 1 = highest wrfm, ties share the smallest rank (``method="min"``).

    Parameters
    ----------
    scored : ScoredResult
        The result of :func:`score` (not modified).
    weights : dict, array-like (3, 3), DataFrame, pair dict, AHPResult or "entropy"
        See above. A flat list of three numbers is ambiguous and raises.
    basis : {"scores", "minmax"}, default "scores"

    Returns
    -------
    ScoredResult
        A new result whose table adds ``wrfm``, ``wrfm_100`` (float64, NaN for unscored
        customers) and ``wrfm_rank`` (Int64); ``weights`` holds the normalised weights and the
        card a ``weights`` section (form, given and normalised weights; λmax, CI, RI, CR for AHP;
        e_j for entropy).

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.rfm import score, weighted_score
    >>> table = pd.DataFrame({"id": [1, 2, 3, 4], "recency_days": [5, 40, 200, 9],
    ...                       "frequency": [6, 2, 1, 3], "monetary": [300.0, 80.0, 15.0, 90.0]})
    >>> scored = score(table, customer="id", bins=2, method="median")
    >>> w = weighted_score(scored, weights={"R": 1, "F": 2, "M": 3})
    >>> w.weights.round(4).to_dict()
    {'R': 0.1667, 'F': 0.3333, 'M': 0.5}
    >>> w.table["wrfm"].tolist()
    [2.0, 1.0, 1.0, 2.0]

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus. Saaty, T. L. (1980). *The
    Analytic Hierarchy Process*. McGraw-Hill. Shannon entropy weights: Zeleny, M. (1982).
    *Multiple Criteria Decision Making*. McGraw-Hill.
    """
    if not isinstance(scored, ScoredResult):
        raise TypeError(
            f"weighted_score() needs the result of cvlib.rfm.score(...), got "
            f"{type(scored).__name__}; call score() first."
        )
    check_choice("basis", basis, BASES)
    from cvlib import ahp, standardize

    table = scored.table
    n = scored.bins
    canon = scored.canonical_scores()
    ok = canon.notna().all(axis=1).to_numpy()
    if basis == "scores":
        v = canon.loc[ok].astype("float64")
    else:
        raw = table.loc[ok, list(RAW_COLUMNS.values())].astype("float64")
        raw.columns = list(DIMENSIONS)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            v = standardize.minmax(
                raw, directions={"R": "cost", "F": "benefit", "M": "benefit"}, on_constant="nan"
            )
        for w_ in caught:
            if not (issubclass(w_.category, UserWarning) and "constant" in str(w_.message)):
                warnings.warn_explicit(w_.message, w_.category, w_.filename, w_.lineno)
        const = [d for d in DIMENSIONS if len(v) and v[d].isna().all()]
        if const:
            warnings.warn(
                f"{', '.join(const)} constant over the scored customers: v = 0 for every "
                f"customer on that dimension (basis='minmax').",
                ScoreWarning,
                stacklevel=2,
            )
            v[const] = 0.0

    info: dict[str, Any]
    if isinstance(weights, str):
        if weights != "entropy":
            raise CvlibInputError(
                f"weights={weights!r} is not a weight form; use a dict {{'R': 1, 'F': 2, 'M': "
                f"3}}, a 3x3 AHP judgment matrix, or 'entropy'."
            )
        form = "entropy"
        if basis == "scores":
            ent = standardize.entropy_weights(v, directions="benefit", normalize="none")
        else:
            raw = table.loc[ok, list(RAW_COLUMNS.values())].astype("float64")
            raw.columns = list(DIMENSIONS)
            ent = standardize.entropy_weights(
                raw,
                directions={"R": "cost", "F": "benefit", "M": "benefit"},
                normalize="minmax",
                zero="0ln0",
            )
        w = ent.weights.reindex(list(DIMENSIONS)).to_numpy(dtype="float64")
        info = {
            "entropy e_j": {d: float(ent.entropy[d]) for d in DIMENSIONS},
            "divergence d_j": {d: float(ent.divergence[d]) for d in DIMENSIONS},
            "entropy input": (
                "canonical scores (benefit, normalize='none')"
                if basis == "scores"
                else "raw R, F, M (min-max; R cost; zero='0ln0')"
            ),
            "customers used": int(ent.n),
        }
    elif isinstance(weights, Mapping) and all(isinstance(k, str) for k in weights):
        form = "dict"
        w, info = _dict_weights(weights)
    elif isinstance(weights, Mapping | pd.DataFrame | ahp.AHPResult):
        form = "ahp"
        w, info = _ahp_weights(weights)
    else:
        arr = np.asarray(weights, dtype=object)
        if arr.shape != (3, 3):
            raise CvlibInputError(
                f"weights= with shape {arr.shape} is ambiguous or invalid; pass a dict "
                f"{{'R': 1, 'F': 2, 'M': 3}} for given weights or a 3x3 judgment matrix (order "
                f"R, F, M) for AHP."
            )
        form = "ahp"
        w, info = _ahp_weights(weights)

    values = v.to_numpy(dtype="float64") @ w
    wrfm = np.full(len(table), np.nan)
    wrfm[ok] = values
    if basis == "scores":
        wrfm_100 = (wrfm - 1.0) / (n - 1) * 100.0
    else:
        wrfm_100 = wrfm * 100.0
    table = table.drop(columns=[c for c in WEIGHT_COLUMNS if c in table.columns])
    table["wrfm"] = wrfm
    table["wrfm_100"] = wrfm_100
    table["wrfm_rank"] = (
        pd.Series(wrfm, index=table.index).rank(method="min", ascending=False).astype("Int64")
    )

    weight_series = pd.Series(w, index=list(DIMENSIONS), name="weight")
    fields = {
        "form": form,
        "basis": basis,
        **info,
        "normalised weights": {d: float(x) for d, x in zip(DIMENSIONS, w, strict=True)},
        "wrfm": (
            f"Σ w_d · score_d on canonical scores (R {n} = most recent), range 1…{n}; wrfm_100 = "
            f"(wrfm - 1)/{n - 1} · 100"
            if basis == "scores"
            else "Σ w_d · min-max value (R as cost), range 0…1; wrfm_100 = 100 wrfm"
        ),
        "rank": "wrfm_rank: 1 = highest, ties share the smallest rank (method 'min')",
        "customers weighted": int(ok.sum()),
    }
    card = scored.card.with_section("weights", fields)
    return dataclasses.replace(
        scored,
        table=table,
        card=card,
        weights=weight_series,
        weights_form=form,
        weights_basis=basis,
    )

"""The preparation pipeline shared by ``rfm_table`` and ``btyd_summary`` (``methods/rfm.md`` §3-§4).

Steps, in this order, each counted for the definition card (口径说明卡):

1. select the named columns and validate their dtypes (§3);
2. missing customer ids, dates and amounts: drop and count, or raise (§4.1);
3. exact duplicate rows over **all** columns of the frame as passed: keep, drop or raise (§4.2);
4. the local calendar date of each row in one stated zone (§4.3);
5. the window (rows after the analysis date / before the window start; §4.4), then the return and
   cancellation classification and policy (§4.5);
6. line items -> orders (or periods) with integer flags precomputed before grouping, so that every
   ``group_by().agg()`` uses only simple one-column aggregations (§4.6, §16 rule 1).

Everything up to the customer table is a narwhals expression evaluated by the input's own engine
(Stage A of §16); only small results (one row of statistics, the customer table) are collected.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import DataQualityWarning
from cvlib.rfm import _backends as be
from cvlib.rfm._score import check_id_values

# Internal column names (prefixed so they cannot meet a user's column by accident).
C = "__cvlib_customer"
D = "__cvlib_day"  # local calendar date (naive datetime at midnight)
T = "__cvlib_time"  # local wall-clock timestamp (naive)
A = "__cvlib_amount"  # float64 amount
R = "__cvlib_return"  # 1 = return or cancellation line, else 0
K = "__cvlib_key"  # order key (order id, day, timestamp or period)
FR = "__cvlib_fraction"  # 9-digit fraction of a second of ISO strings (exact timestamps)
_AWARE = "__cvlib_aware"  # offset-bearing ISO strings parsed to instants (session engines)
_CONVERTED = "__cvlib_converted"  # their wall clock in tz= (session engines)

RETURNS = ("net", "exclude", "separate", "raise")
OCCASIONS = ("purchase", "positive_net", "any")
MISSING = ("drop", "raise")
DUPLICATES = ("keep", "drop", "raise")

_ISO_FORMATS = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", "%Y-%m-%dT%H:%M:%S"),
    (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S"),
)
_MAX_RULE = re.compile(r"^max(?:\+(\d+)d)?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Options:
    """The column names and policies of one call (validated by :func:`prepare`)."""

    function: str
    customer: Any
    date: Any
    amount: Any = None
    quantity: Any = None
    price: Any = None
    order: Any = None
    cancel_col: Any = None
    cancel_prefix: str | None = None
    tz: str | None = None
    date_format: str | None = None
    returns: str = "net"
    occasion: str = "purchase"
    missing: str = "drop"
    duplicates: str = "keep"
    amount_required: bool = True
    need_time: bool = False  # grain="timestamp": keep the local timestamp


@dataclass
class Prepared:
    """The input after steps 1-4: a lazy frame of kept rows plus counts for the card."""

    source: be.Source
    options: Options
    frame: nw.LazyFrame  # kept rows, original columns + C, T, D, A, R
    steps: list[dict[str, nw.Expr]]  # the derived columns, in order (for error examples)
    cancel: nw.Expr | None  # cancellation-line flag (cancel_col / cancel_prefix), if any
    negative: nw.Expr | None  # amount < 0 or quantity < 0
    zone: str | None
    zone_source: str  # "argument", "data", "naive"
    min_day: pd.Timestamp | None
    max_day: pd.Timestamp | None
    counts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    has_amount: bool = True
    customer_values: pd.Index | None = None  # C holds codes into these (pandas string ids)
    naive_input: bool = False  # the dates carried no zone (naive, dates or strings)
    session_zone: bool = False  # aware dates, tz=None, zone read from the DuckDB/Spark session
    date_parsing: str | None = None  # how string dates were read (format), for the card
    offset_zone: bool = False  # the zone is the one UTC offset written in ISO strings
    has_fraction: bool = False  # FR holds the fraction of a second (exact-timestamp key)

    @property
    def time_key(self) -> list[str]:
        """The key of one exact timestamp (grain="timestamp"): T, plus FR for ISO strings.

        T is parsed to whole seconds on every engine; the fraction of a second of ISO strings
        is kept as text in FR, so 10:00:00.1 and 10:00:00.2 stay two timestamps everywhere.
        """
        return [T, FR] if self.has_fraction else [T]

    def decode_customers(self, values: pd.Series) -> pd.Series:
        """The customer ids of a collected ``C`` column (codes -> ids for pandas string ids)."""
        if self.customer_values is None:
            return values
        codes = values.to_numpy(dtype="int64")
        return pd.Series(self.customer_values.take(codes), index=values.index, name=values.name)

    # ------------------------------------------------------------------ card helpers
    @property
    def zone_text(self) -> str:
        if self.zone_source == "naive":
            return "naive (dates as recorded)"
        if self.zone_source == "argument":
            if self.naive_input:
                return f"{self.zone} (argument tz=; naive times read as wall-clock time there)"
            return f"{self.zone} (argument tz=)"
        if self.offset_zone:
            return f"{self.zone} (the data's own zone: the one UTC offset written in the strings)"
        if self.session_zone:
            return (
                f"{self.zone} (the data's own zone: the {self.source.kind}'s connection/session "
                f"time zone; the engine stores instants without a zone, pass tz= to choose one)"
            )
        return f"{self.zone} (the data's own zone)"

    def columns_used(self) -> list[str]:
        o = self.options
        names = [o.customer, o.date, o.amount, o.quantity, o.price, o.order, o.cancel_col]
        return [str(n) for n in names if n is not None]

    def cancellation_rule(self) -> str:
        o = self.options
        parts = []
        if self.has_amount:
            parts.append("amount < 0")
        if o.quantity is not None:  # (with quantity= and price=, amount = quantity x price)
            parts.append(f"{o.quantity} < 0")
        if o.cancel_col is not None:
            parts.append(f"{o.cancel_col} is true")
        if o.cancel_prefix is not None:
            parts.append(f"{o.order} starts with {o.cancel_prefix!r}")
        rule = " or ".join(parts) if parts else "none (no amount, flag or prefix given)"
        return f"{rule}; amounts keep their recorded sign"

    # ------------------------------------------------------------------ step 5: window
    def window(
        self,
        after: nw.Expr | None,
        before: nw.Expr | None,
        extra: list[dict[str, nw.Expr]] | None = None,
        keep_extra: Sequence[str] = (),
        distinct_orders: bool = False,
    ) -> nw.LazyFrame:
        """Apply the window, classify returns, count; return the in-window rows (few columns).

        ``after`` / ``before`` are conditions on the kept rows (rows after the analysis date /
        before the window start). The counts go to ``self.counts``; ``returns="raise"`` raises
        here with the count, the amount and example rows. ``extra``: steps of further derived
        columns (``keep_extra`` of them are kept). ``distinct_orders``: also count the distinct
        order ids in the window (``counts["distinct_orders"]``).
        """
        frame = self.frame
        for step in extra or []:
            frame = frame.with_columns(**step)
        parts = [~c for c in (after, before) if c is not None]
        inside: nw.Expr | None = None
        for part in parts:
            inside = part if inside is None else inside & part

        def within(cond: nw.Expr) -> nw.Expr:
            return cond if inside is None else inside & cond

        ret = nw.col(R) == 1
        exprs: dict[str, nw.Expr] = {
            "rows_in_window": nw.len() if inside is None else _count(inside)
        }
        before_only = None
        if before is not None:
            before_only = before if after is None else (~after & before)
        if after is not None:
            exprs["rows_after"] = _count(after)
        if before_only is not None:
            exprs["rows_before"] = _count(before_only)
        exprs["return_lines"] = _count(within(ret))
        if self.has_amount:
            amt = nw.col(A)
            if after is not None:
                exprs["amount_after"] = _sum_if(after, amt)
            if before_only is not None:
                exprs["amount_before"] = _sum_if(before_only, amt)
            exprs["return_amount"] = _sum_if(within(ret), amt)
            exprs["zero_amount_lines"] = _count(within(amt == 0))
        if self.cancel is not None:
            exprs["cancellation_lines"] = _count(within(self.cancel))
            if self.has_amount:
                exprs["cancel_lines_positive_amount"] = _count(within(self.cancel & (amt > 0)))
        if distinct_orders and inside is None:  # same pass; with a window: after filtering
            exprs["distinct_orders"] = nw.col(K).n_unique().cast(nw.Int64)
        letter = self._letter_expr()
        if letter is not None and self.negative is not None:
            exprs["letter_lines"] = _count(within(letter))
            exprs["letter_lines_negative"] = _count(within(letter & self.negative))
        stats = _collect_row(frame.select(**exprs))
        counts = self.counts
        counts["rows_after_analysis_date"] = stats.get("rows_after", 0)
        counts["amount_after_analysis_date"] = stats.get("amount_after", 0.0)
        counts["rows_before_window"] = stats.get("rows_before", 0)
        counts["amount_before_window"] = stats.get("amount_before", 0.0)
        counts["rows_in_window"] = stats["rows_in_window"]
        counts["return_lines"] = stats["return_lines"]
        if self.has_amount:
            counts["return_amount"] = stats["return_amount"]
            counts["zero_amount_lines"] = stats["zero_amount_lines"]
        if self.cancel is not None:
            counts["cancellation_lines"] = stats["cancellation_lines"]
            pos = stats.get("cancel_lines_positive_amount", 0)
            counts["cancel_lines_positive_amount"] = pos
            if pos:
                self.warnings.append(
                    f"{pos:,} cancellation line(s) (by {self._cancel_source()}) have a positive "
                    f"amount; their sign was kept (cvlib never rewrites amounts). Check the "
                    f"source system: a cancellation usually repeats the line with a negative sign."
                )
        if stats.get("letter_lines", 0) and stats.get("letter_lines_negative", 0):
            self._suggest_prefix(frame, within(letter))
        if self.options.returns == "raise" and counts["return_lines"]:
            where = be.examples(
                self.source,
                frame,
                [*self.steps, *(extra or [])],
                within(ret),
                [str(self.options.customer), str(self.options.date)]
                + ([str(self.options.amount)] if self.options.amount is not None else []),
            )
            amount = counts.get("return_amount")
            amount_text = f", amount {amount:,.2f}" if amount is not None else ""
            span = "window" if self.options.function == "rfm_table" else "observation period"
            raise CvlibInputError(
                f'returns="raise": the {span} holds {counts["return_lines"]:,} return or '
                f"cancellation line(s) ({self.cancellation_rule()}){amount_text}; e.g. {where}. "
                f'Use returns="net" (subtract them), "exclude" (drop them) or "separate" (report '
                f"them in their own columns)."
            )
        if inside is not None:
            if counts["rows_after_analysis_date"] or counts["rows_before_window"]:
                frame = frame.filter(inside)
            if distinct_orders:
                n_unique = nw.col(K).n_unique().cast(nw.Int64).alias("distinct_orders")
                counts["distinct_orders"] = _collect_row(frame.select(n_unique))["distinct_orders"]
        elif distinct_orders:
            counts["distinct_orders"] = stats["distinct_orders"]
        keep = [C, D, R] + ([A] if self.has_amount else [])
        if self.options.need_time:
            keep += self.time_key
        if self.options.order is not None:
            keep.append(K)
        keep += list(keep_extra)
        return frame.select(keep)

    def _cancel_source(self) -> str:
        o = self.options
        parts = []
        if o.cancel_col is not None:
            parts.append(f"column {o.cancel_col!r}")
        if o.cancel_prefix is not None:
            parts.append(f"prefix {o.cancel_prefix!r} of {o.order!r}")
        return " / ".join(parts)

    def _letter_expr(self) -> nw.Expr | None:
        o = self.options
        if o.order is None or o.cancel_prefix is not None:
            return None
        if not _is_stringlike(self.source.schema[o.order]):
            return None
        return _as_string(nw.col(o.order), self.source.schema[o.order]).str.contains(r"^[A-Za-z]")

    def _suggest_prefix(self, frame: nw.LazyFrame, letter: nw.Expr) -> None:
        """Warn when every line of orders starting with some letter is negative (§4.5)."""
        o = self.options
        first = _as_string(nw.col(o.order), self.source.schema[o.order]).str.slice(0, 1)
        neg = nw.when(self.negative).then(nw.lit(1)).otherwise(nw.lit(0))
        table = be.collect_pandas(
            frame.filter(letter)
            .with_columns(__cvlib_first=first, __cvlib_neg=neg)
            .group_by("__cvlib_first")
            .agg(nw.len().alias("n"), nw.col("__cvlib_neg").sum().alias("neg"))
            .pipe(int_columns, ["n", "neg"])
        )
        n = be.as_int64(table["n"])
        neg_n = be.as_int64(table["neg"])
        letters = sorted(str(v) for v in table["__cvlib_first"][(n == neg_n) & (n > 0)])
        if letters:
            self.warnings.append(
                f"order ids in {o.order!r} starting with {', '.join(map(repr, letters))} have "
                f"only negative lines; they look like cancellation invoices. cvlib does not apply "
                f"a prefix unasked: pass cancel_prefix={letters[0]!r} if that is their meaning."
            )


# ---------------------------------------------------------------------- expression helpers
def _count(cond: nw.Expr) -> nw.Expr:
    """Number of rows where ``cond`` is true (null counts as false): a select-context
    aggregation, Int64 on every engine (DuckDB would otherwise return HUGEINT)."""
    return cond.cast(nw.Int64).sum().cast(nw.Int64)


def int_columns(frame: nw.LazyFrame, names: Sequence[str]) -> nw.LazyFrame:
    """Cast aggregated counts to Int64 after a group-by (polars UInt32, DuckDB HUGEINT)."""
    return frame.with_columns(*(nw.col(n).cast(nw.Int64) for n in names))


def _sum_if(cond: nw.Expr, values: nw.Expr) -> nw.Expr:
    return nw.when(cond).then(values).otherwise(nw.lit(0.0, nw.Float64)).sum()


def _flag(cond: nw.Expr) -> nw.Expr:
    """0/1 Int64 column from a boolean condition (null counts as false)."""
    return nw.when(cond).then(nw.lit(1, nw.Int64)).otherwise(nw.lit(0, nw.Int64))


def _is_stringlike(dtype: Any) -> bool:
    return isinstance(dtype, nw.String | nw.Categorical | nw.Enum | nw.Object)


def _as_string(expr: nw.Expr, dtype: Any) -> nw.Expr:
    return expr.cast(nw.String) if isinstance(dtype, nw.Categorical | nw.Enum) else expr


def _collect_row(frame: nw.LazyFrame, nan_sums: bool = False) -> dict[str, Any]:
    """Collect a one-row statistics frame as plain Python numbers (sums of nothing -> 0).

    ``nan_sums``: keep a NaN amount sum as NaN (for frames known to have rows, whose sums are
    never null: NaN is then an overflow, inf - inf, which :func:`_check_amount_sums` reports).
    """
    row = be.collect_pandas(frame).iloc[0].to_dict()
    out: dict[str, Any] = {}
    for key, raw in row.items():
        value = be.scalar(raw)
        if key.startswith(("amount", "return_amount")):
            nan = nan_sums and isinstance(raw, float | np.floating) and np.isnan(raw)
            out[key] = math.nan if nan else 0.0 if value is None else float(value)
        elif isinstance(value, pd.Timestamp | _dt.datetime | _dt.date | str) or value is None:
            out[key] = value
        else:
            out[key] = int(value)
    return out


# ---------------------------------------------------------------------- step 1: columns
def _check_columns(source: be.Source, options: Options) -> None:
    roles = {
        "customer": options.customer,
        "date": options.date,
        "amount": options.amount,
        "quantity": options.quantity,
        "price": options.price,
        "order": options.order,
        "cancel_col": options.cancel_col,
    }
    given = {role: name for role, name in roles.items() if name is not None}
    missing = [f"{role}={name!r}" for role, name in given.items() if name not in source.schema]
    if missing:
        raise KeyError(
            f"column(s) not found in tx: {', '.join(missing)}; available columns: "
            f"{', '.join(map(repr, source.columns))}."
        )
    seen: dict[Any, str] = {}
    for role, name in given.items():
        if name in seen:
            raise CvlibInputError(
                f"column {name!r} is given both as {seen[name]}= and as {role}=; each role needs "
                f"its own column."
            )
        seen[name] = role
    clash = [n for n in source.columns if str(n).startswith("__cvlib_")]
    if clash:
        raise CvlibInputError(
            f"column names starting with '__cvlib_' are reserved for cvlib's internal columns; "
            f"rename {', '.join(map(repr, clash))}."
        )


def _first_values(source: be.Source, column: Any, n: int = 5) -> list[Any]:
    rows = source.frame.select(nw.col(column)).filter(~nw.col(column).is_null()).head(n)
    return be.collect_pandas(rows)[column].tolist()


def _check_numeric(source: be.Source, column: Any, role: str) -> None:
    dtype = source.schema[column]
    if dtype.is_numeric() and not isinstance(dtype, nw.Boolean):
        return
    values = _first_values(source, column)
    if source.is_pandas and isinstance(dtype, nw.Object):
        native = nw.to_native(source.eager)[column]
        bad = native[pd.to_numeric(native, errors="coerce").isna() & native.notna()]
        values = bad.head(5).tolist() or values
    shown = ", ".join(map(repr, values)) if values else "no non-null values"
    what = "boolean" if isinstance(dtype, nw.Boolean) else f"not numeric (dtype {dtype})"
    raise TypeError(
        f"{role} column {column!r} is {what}; first values: {shown}. cvlib never converts "
        f"amounts through text: convert the column to a number type yourself (e.g. "
        f"pd.to_numeric after fixing the text, or .cast(pl.Float64)) and pass it again."
    )


def _check_dtypes(source: be.Source, options: Options) -> str:
    """Validate the dtypes (§3); returns the kind of the date column."""
    if options.amount is not None:
        _check_numeric(source, options.amount, "amount")
    for role in ("quantity", "price"):
        name = getattr(options, role)
        if name is not None:
            _check_numeric(source, name, role)
    cdtype = source.schema[options.customer]
    if isinstance(cdtype, nw.List | nw.Array | nw.Struct):
        raise TypeError(
            f"customer column {options.customer!r} holds nested values ({cdtype}); pass a column "
            f"of scalar ids (int, string or categorical)."
        )
    if source.is_pandas and isinstance(cdtype, nw.Object | nw.Categorical):
        # (only pandas can hold ids of several Python types in one column)
        check_id_values(nw.to_native(source.eager)[options.customer], options.customer)
    if options.cancel_col is not None:
        fdtype = source.schema[options.cancel_col]
        if not isinstance(fdtype, nw.Boolean):
            raise TypeError(
                f"cancel_col {options.cancel_col!r} must be boolean (True = cancellation line), "
                f"got dtype {fdtype}; e.g. pass tx.assign(is_cancel=tx[...] == 'C')."
            )
    if options.cancel_prefix is not None:
        if options.order is None:
            raise CvlibInputError(
                f"cancel_prefix={options.cancel_prefix!r} needs order= (the column whose ids "
                f"carry the prefix)."
            )
        if not isinstance(options.cancel_prefix, str) or not options.cancel_prefix:
            raise CvlibInputError(
                f"cancel_prefix must be a non-empty string such as 'C', got "
                f"{options.cancel_prefix!r}."
            )
        if not _is_stringlike(source.schema[options.order]):
            raise TypeError(
                f"cancel_prefix={options.cancel_prefix!r} needs a string order column; "
                f"{options.order!r} has dtype {source.schema[options.order]}, whose ids cannot "
                f"start with a letter. Drop cancel_prefix or use cancel_col=."
            )
    ddtype = source.schema[options.date]
    if isinstance(ddtype, nw.Datetime):
        return "aware" if ddtype.time_zone else "naive"
    if isinstance(ddtype, nw.Date):
        return "date"
    if isinstance(ddtype, nw.String):
        return "string"
    if isinstance(ddtype, nw.Object) and source.is_pandas:
        native = nw.to_native(source.eager)[options.date]
        inferred = pd.api.types.infer_dtype(native, skipna=True)
        if inferred == "string":
            return "string"
        if inferred in ("date", "datetime", "datetime64", "empty"):
            return "object"
        if inferred in ("integer", "mixed-integer"):
            ddtype = "integer values in an object column"
        else:
            raise TypeError(
                f"date column {options.date!r} is an object column holding {inferred} values; "
                f"pass datetimes, dates or ISO 8601 strings (or strings with date_format=)."
            )
    if isinstance(ddtype, str) or (hasattr(ddtype, "is_integer") and ddtype.is_integer()):
        raise TypeError(
            f"date column {options.date!r} holds integers ({ddtype}); cvlib does not guess "
            f"whether 19970101 is a date or a number. Cast it to string and pass "
            f'date_format="%Y%m%d" (e.g. tx.assign({options.date}=tx[{options.date!r}]'
            f".astype(str)))."
        )
    raise TypeError(
        f"date column {options.date!r} has dtype {ddtype}; pass datetimes (naive or tz-aware), "
        f"dates, or strings with date_format= (or strict ISO 8601 'YYYY-MM-DD')."
    )


# Strict ISO 8601 as cvlib reads it (§3): a calendar date, optionally a clock time with seconds
# ('T' or ' ' between), a decimal fraction of a second and a UTC offset ('Z' or ±HH:MM, the
# extended format that goes with YYYY-MM-DD and HH:MM:SS). Non-capturing groups only: pandas
# warns on capture groups in str.contains; the same regex runs on pandas, polars and DuckDB.
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_ISO_CLOCK = r"[T ]\d{2}:\d{2}:\d{2}"
_ISO_FRACTION = r"\.\d{1,9}"
_ISO_OFFSET = r"(?:Z|[+-]\d{2}:\d{2})"
_ISO_ANY = rf"^{_ISO_DATE}(?:{_ISO_CLOCK}(?:{_ISO_FRACTION})?{_ISO_OFFSET}?)?$"
_ISO_PREFIX = rf"^{_ISO_DATE}{_ISO_CLOCK}(?:\.\d+)?"
_ISO_TEXT = (
    "YYYY-MM-DD, optionally followed by 'T' or ' ' and HH:MM:SS, a decimal fraction of a second "
    "(up to 9 digits) and a UTC offset ('Z' or ±HH:MM)"
)
_NAIVE_FORMAT = "%Y-%m-%d %H:%M:%S"
_AWARE_FORMAT = "%Y-%m-%d %H:%M:%S%z"
#: strptime fields of a fixed width: a format made of them and literals has one value length.
_FIELD_WIDTH = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2, "%y": 2, "%j": 3}


@dataclass
class _StringDates:
    """How a string date column becomes local wall-clock times (§3, §4.3)."""

    frame: nw.LazyFrame
    local: nw.Expr
    zone: str | None
    zone_source: str
    naive_input: bool
    text: str  # for the card: the format used
    fraction: nw.Expr | None = None  # 9-digit fraction of a second (exact timestamps)
    offset_zone: bool = False  # the zone is the UTC offset written in the strings
    date_format: str | None = None  # the user's format (for the parse error message)


def _fixed_width(fmt: str) -> int | None:
    """The one length of every value of ``fmt`` when it has touching numeric fields, else None.

    ``"%Y%m%d"`` has no separators, so "2024011" is ambiguous (2024-01-1? 2024-0-11?) and the
    engines read it leniently; such a format is only safe with zero-padded values of exactly
    the format's width (8). Formats with separators ("%d/%m/%Y") accept unpadded fields.
    """
    width, touching, previous_field = 0, False, False
    for token in re.findall(r"%.|[^%]", fmt):
        if token.startswith("%"):
            if token not in _FIELD_WIDTH:
                return None
            touching = touching or previous_field
            width += _FIELD_WIDTH[token]
            previous_field = True
        else:
            width += 1
            previous_field = False
    return width if touching else None


def _row_text(source: be.Source, position: int) -> str:
    """The row as text: "row 3", or "row 3 (index 'x')" for a pandas index other than 0…n-1."""
    if source.is_pandas:
        index = nw.to_native(source.eager).index
        if not index.equals(pd.RangeIndex(len(index))):
            return f"row {position} (index {be.scalar(index[position])!r})"
    return f"row {position}"


def _where_value(where: str | None, value: Any) -> str:
    return repr(value) if where is None else f"{value!r} at {where}"


def _string_examples(
    source: be.Source, column: Any, cond: nw.Expr, n: int = 3
) -> list[tuple[str | None, Any]]:
    """Up to ``n`` (row, value) pairs meeting ``cond``, values in full (lazy inputs: no row)."""
    if source.eager is not None:
        rows = source.eager.with_row_index("__cvlib_pos").filter(cond).head(n)
        positions = rows["__cvlib_pos"].to_list()
        return [
            (_row_text(source, int(p)), v)
            for p, v in zip(positions, rows[column].to_list(), strict=True)
        ]
    values = be.collect_pandas(source.frame.select(nw.col(column)).filter(cond).head(n))
    return [(None, v) for v in values[column].tolist()]


def _date_hint(value: str) -> str:
    """What is wrong with one string that is not ISO 8601 as cvlib reads it, and the fix."""
    text = value.strip()
    if re.fullmatch(r"\d{8}", text):
        return 'it looks like YYYYMMDD: pass date_format="%Y%m%d"'
    if re.fullmatch(r"\d{14}", text):
        return 'it looks like YYYYMMDDHHMMSS: pass date_format="%Y%m%d%H%M%S"'
    m = re.fullmatch(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(.*)", text)
    if m:
        first, sep, second = int(m.group(1)), m.group(2), int(m.group(3))
        clock = " %H:%M:%S" if re.fullmatch(r" \d{1,2}:\d{2}:\d{2}", m.group(5)) else ""
        clock = " %H:%M" if re.fullmatch(r" \d{1,2}:\d{2}", m.group(5)) else clock
        day_first, month_first = f"%d{sep}%m{sep}%Y{clock}", f"%m{sep}%d{sep}%Y{clock}"
        if first > 12 >= second:
            return f'day first ({first} > 12): pass date_format="{day_first}"'
        if second > 12 >= first:
            return f'month first ({second} > 12): pass date_format="{month_first}"'
        return (
            f'day and month cannot be told apart: pass date_format="{day_first}" (day first) '
            f'or "{month_first}" (month first); cvlib never guesses dd/mm vs mm/dd'
        )
    if re.fullmatch(r"\d{4}([/.])\d{1,2}\1\d{1,2}", text):
        sep = text[4]
        return f'pass date_format="%Y{sep}%m{sep}%d"'
    if re.match(rf"^{_ISO_DATE}[T ]", text):
        rest = re.sub(rf"^{_ISO_DATE}[T ]", "", text)
        if re.fullmatch(r"\d{2}:\d{2}(?:Z|[+-]\d{2}(?::?\d{2})?)?", rest):
            return "ISO 8601 without seconds: write HH:MM:SS (e.g. 10:30:00)"
        if re.search(r"[+-]\d{4}$|[+-]\d{2}$", rest):
            return "the UTC offset must be written ±HH:MM (e.g. +08:00) or Z"
        if re.search(r"\.\d{10,}", rest):
            return "more than 9 digits after the decimal point of the seconds"
        return f"not in the ISO 8601 form cvlib reads ({_ISO_TEXT})"
    if re.fullmatch(rf"{_ISO_DATE}.+", text):
        return f"not in the ISO 8601 form cvlib reads ({_ISO_TEXT})"
    return (
        "not an ISO 8601 date: pass date_format= with the strptime format of these values "
        "(codes such as %Y %m %d %H %M %S)"
    )


def _offset_zone(offset: str) -> str:
    """The zone name of a written UTC offset: "+00:00" -> "UTC", "+08:00" stays "+08:00"."""
    return "UTC" if offset in ("+00:00", "-00:00") else offset


def _string_dates(
    source: be.Source, frame: nw.LazyFrame, options: Options, tz: str | None
) -> _StringDates:
    """Plan the parsing of a string date column (§3: ``date_format=`` or strict ISO 8601).

    ISO strings may mix a date, a date-time, fractions of a second and UTC offsets. Strings
    with an offset are tz-aware and follow the policy of aware timestamps (§4.3): with
    ``tz=None`` one offset throughout is the data's own zone (the wall clock as written); mixed
    offsets, or offsets mixed with naive strings, need ``tz=``; with ``tz=`` the instants are
    converted to it (naive strings are wall-clock times there). Only fixed-format parses run on
    the engine (``%Y-%m-%d %H:%M:%S[%z]``, the same on every backend); fractions of a second
    do not change a calendar date and are kept for the exact-timestamp grain as a 9-digit key.
    """
    column = options.date
    col = nw.col(column)
    if options.date_format is not None:
        fmt = options.date_format
        width = _fixed_width(fmt)
        if width is not None:
            wrong = ~col.is_null() & (col.str.len_chars() != width)
            if _collect_row(frame.select(n=_count(wrong)))["n"]:
                examples = _string_examples(source, column, wrong)
                shown = ", ".join(_where_value(w, v) for w, v in examples)
                raise CvlibInputError(
                    f"date_format={fmt!r} has fields without a separator between them, so "
                    f"every value of column {column!r} must have exactly {width} characters "
                    f"(zero-padded fields); these do not: {shown}. A shorter value is ambiguous "
                    f"(the engines would read '2024011' as 2024-01-01). Fix or drop these rows, "
                    f"or pad the fields with zeros (2024-01-05 is '20240105' in '%Y%m%d')."
                )
        zone_source = "argument" if tz else "naive"
        return _StringDates(
            frame,
            col.str.to_datetime(format=fmt),
            tz,
            zone_source,
            True,
            f"{fmt} (argument date_format=)",
            date_format=fmt,
        )

    exprs = {
        "n": _count(~col.is_null()),
        "iso": _count(col.str.contains(_ISO_ANY)),
        "offset": _count(col.str.contains(f"{_ISO_OFFSET}$")),
        "fraction": _count(col.str.contains(r"\.\d")),
    }
    for i, (pattern, _) in enumerate(_ISO_FORMATS):
        exprs[f"f{i}"] = _count(col.str.contains(pattern))
    stats = _collect_row(frame.select(**exprs))
    n = stats["n"]
    zone_source = "argument" if tz else "naive"
    if n == 0:
        fmt = _ISO_FORMATS[0][1]
        text = "ISO 8601 YYYY-MM-DD (no non-null strings to read)"
        return _StringDates(frame, col.str.to_datetime(format=fmt), tz, zone_source, True, text)
    if stats["iso"] < n:
        bad = ~col.is_null() & ~col.str.contains(_ISO_ANY)
        examples = _string_examples(source, column, bad)
        shown = ", ".join(_where_value(w, v) for w, v in examples)
        first = examples[0][1]
        raise CvlibInputError(
            f"ambiguous date format in column {column!r} (e.g. {shown}): {n - stats['iso']:,} "
            f"string date(s) are not strict ISO 8601. {first!r}: {_date_hint(str(first))}. "
            f"Without date_format= cvlib reads strings only as ISO 8601 ({_ISO_TEXT}) and never "
            f"guesses a format."
        )
    if not stats["offset"] and not stats["fraction"]:
        for i, (_, fmt) in enumerate(_ISO_FORMATS):
            if stats[f"f{i}"] == n:  # one plain form throughout: parse it directly
                form = fmt.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
                form = form.replace("%H", "HH").replace("%M", "MM").replace("%S", "SS")
                return _StringDates(
                    frame,
                    col.str.to_datetime(format=fmt),
                    tz,
                    zone_source,
                    True,
                    f"ISO 8601 {form} (strings; no date_format given)",
                )

    # general ISO: one canonical "YYYY-MM-DD HH:MM:SS" text per row, parsed with one format
    base = (
        nw.when(col.str.len_chars() == 10)
        .then(nw.concat_str([col, nw.lit(" 00:00:00")]))
        .otherwise(col.str.slice(0, 19).str.replace_all("T", " ", literal=True))
    )
    naive = base.str.to_datetime(format=_NAIVE_FORMAT)
    fraction = None
    if stats["fraction"]:
        digits = col.str.replace_all(f"{_ISO_OFFSET}$", "").str.replace_all(r"^[^.]*\.?", "")
        fraction = nw.concat_str([digits, nw.lit("000000000")]).str.slice(0, 9)
    parts = (["dates"] if stats["f0"] else []) + (["date-times"] if stats["f0"] < n else [])
    if stats["fraction"]:
        parts.append("fractions of a second")
    if not stats["offset"]:
        text = f"ISO 8601 ({', '.join(parts)}; strings, no date_format given)"
        return _StringDates(frame, naive, tz, zone_source, True, text, fraction)

    parts.append("UTC offsets")
    text = f"ISO 8601 ({', '.join(parts)}; strings, no date_format given)"
    has_offset = col.str.contains(f"{_ISO_OFFSET}$")
    offset = col.str.replace_all("Z$", "+00:00").str.replace_all(_ISO_PREFIX, "")
    # "+0800" for the parse: every engine's %z reads it (Spark's "Z" pattern has no colon)
    compact = offset.str.replace_all(":", "", literal=True)
    offset_if = nw.when(has_offset).then(offset)
    span = _collect_row(frame.select(lo=offset_if.min(), hi=offset_if.max()))
    n_aware, n_naive = stats["offset"], n - stats["offset"]
    if tz is None:
        if n_naive or span["lo"] != span["hi"]:
            what = (
                "strings with a UTC offset and strings without one"
                if n_naive
                else f"different UTC offsets (from {span['lo']} to {span['hi']})"
            )
            raise CvlibInputError(
                f"column {column!r} mixes {what} ({n_aware:,} with an offset, {n_naive:,} "
                f"without); cvlib does not choose a zone for you. Pass tz='Area/City' (e.g. "
                f"tz='Asia/Shanghai'): strings with an offset are converted to it and strings "
                f"without one are read as wall-clock time in it."
            )
        # one offset throughout: the data's own zone, whose wall clock is the text as written
        zone = _offset_zone(str(span["lo"]))
        return _StringDates(frame, naive, zone, "data", False, text, fraction, offset_zone=True)
    aware = nw.when(has_offset).then(nw.concat_str([base, compact])).str.to_datetime(_AWARE_FORMAT)
    if source.backend in be.SESSION_ZONE_BACKENDS:
        # DuckDB / Spark render the parsed instants in the connection/session zone and refuse
        # other zones in narwhals (§16 rule 4): convert with the engine's own function
        frame = frame.with_columns(**{_AWARE: aware})
        data_zone = frame.collect_schema()[_AWARE].time_zone
        frame = be.add_local_time_native(frame, source.backend, _AWARE, data_zone, tz, _CONVERTED)
        converted = nw.col(_CONVERTED)
    else:
        converted = aware.dt.convert_time_zone(tz).dt.replace_time_zone(None)
    local = nw.when(has_offset).then(converted).otherwise(naive)
    return _StringDates(frame, local, tz, "argument", bool(n_naive), text, fraction)


def _parse_error(
    source: be.Source, options: Options, plan: _StringDates | None, exc: Exception
) -> CvlibInputError:
    """The rows whose strings the engine could not parse, each with its value in full.

    The engines' own messages are cut short or name no row, so the column is checked again
    with pandas (``errors="coerce"``): row positions (and the index label) for eager inputs,
    the values for lazy ones. When pandas reads every value, the engine's message is shown.
    """
    column = options.date
    fmt = plan.date_format if plan is not None else options.date_format
    if source.eager is not None:
        values = source.eager[column].to_pandas()
        values.index = pd.RangeIndex(len(values))
    else:
        distinct = source.frame.select(nw.col(column)).unique().collect().to_pandas()
        values = distinct[column]
    text = values.astype(object).where(values.notna(), None)
    try:
        if fmt is not None:
            parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        else:
            parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    except (ValueError, TypeError):  # a format pandas does not read (e.g. chrono's "%.f")
        parsed = pd.Series(pd.NaT, index=text.index)
        text = text.where(pd.Series(False, index=text.index), None)  # nothing to show
    if fmt is not None:
        how = f"with date_format={fmt!r}"
        fix = (
            "Check the format (strptime codes such as %Y %m %d %H %M %S) against the values, "
            "or fix or drop these rows."
        )
    else:
        how = "as ISO 8601"
        fix = (
            "These strings have the ISO 8601 form but are not valid dates or clock times "
            "(e.g. 2024-02-30 or 24:30:00); fix or drop these rows."
        )
    bad = np.flatnonzero(parsed.isna().to_numpy() & text.notna().to_numpy())
    if not len(bad):  # pandas reads every value: show what the engine said, in full
        detail = " ".join(str(exc).split())
        return CvlibInputError(
            f"column {column!r} could not be parsed {how} by the {source.kind}: {detail}"
        )
    rows = [None if source.eager is None else _row_text(source, int(p)) for p in bad[:3]]
    shown = [_where_value(w, text.iloc[p]) for w, p in zip(rows, bad[:3], strict=True)]
    count = f"{len(bad):,} {'value(s)' if source.eager is not None else 'distinct value(s)'}"
    return CvlibInputError(
        f"column {column!r} could not be parsed {how}: {count} fail, e.g. {', '.join(shown)}. {fix}"
    )


# ---------------------------------------------------------------------- analysis dates
def parse_day(value: Any, name: str, zone: str | None) -> pd.Timestamp:
    """A calendar date (naive midnight) from an ISO string, date or datetime (§4.4).

    A naive datetime is a wall-clock time in the analysis zone (its date is taken); an aware one
    is converted to the zone first. With no zone (naive data and ``tz=None``) an aware value
    cannot be placed on the data's calendar, so it is an error (never compare naive with aware).
    """
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY.match(text):
            try:
                return pd.Timestamp(_dt.date.fromisoformat(text))
            except ValueError as exc:
                raise CvlibInputError(f"{name}={value!r} is not a valid date: {exc}.") from exc
        try:
            value = _dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise CvlibInputError(
                f"{name}={value!r} is not an ISO date; use 'YYYY-MM-DD' (e.g. '1998-07-01'), a "
                f"datetime.date or a pd.Timestamp."
            ) from exc
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, _dt.datetime):  # includes pd.Timestamp
        stamp = pd.Timestamp(value)
        if stamp is pd.NaT:
            raise CvlibInputError(f"{name} is NaT; pass a date.")
        if stamp.tzinfo is not None:
            if zone is None:
                raise CvlibInputError(
                    f"{name}={value!r} is tz-aware but the dates are naive and tz=None, so cvlib "
                    f"cannot place it on their calendar. Pass tz= (the zone the dates were "
                    f"recorded in) or a naive date."
                )
            stamp = stamp.tz_convert(zone).tz_localize(None)
        return stamp.normalize()
    if isinstance(value, _dt.date):
        return pd.Timestamp(value)
    raise TypeError(
        f"{name} must be an ISO date string, datetime.date, datetime or pd.Timestamp, got "
        f"{type(value).__name__} {value!r}."
    )


def resolve_reference(
    value: Any, name: str, max_day: pd.Timestamp, zone: str | None
) -> tuple[pd.Timestamp, str]:
    """``"max"``, ``"max+Nd"`` or an explicit date -> (date, rule text for the card)."""
    if isinstance(value, str) and value.strip().startswith("max"):
        match = _MAX_RULE.match(value.strip())
        if match is None:
            raise CvlibInputError(
                f"{name}={value!r} is not a rule cvlib knows; use 'max' (the last transaction "
                f"date), 'max+1d', 'max+Nd', or a date such as '1998-07-01'."
            )
        days = int(match.group(1) or 0)
        return max_day + pd.Timedelta(days=days), value.strip()
    return parse_day(value, name, zone), "given"


# ---------------------------------------------------------------------- steps 1-4
def prepare(tx: Any, options: Options) -> Prepared:
    """Steps 1-4 of §4: validated, local-dated rows without missing values (and duplicates)."""
    check_choice("returns", options.returns, RETURNS)
    check_choice("occasion", options.occasion, OCCASIONS)
    check_choice("missing", options.missing, MISSING)
    check_choice("duplicates", options.duplicates, DUPLICATES)
    tz = be.check_time_zone(options.tz)
    if options.date_format is not None and not isinstance(options.date_format, str):
        raise TypeError(
            f"date_format must be a strptime format string such as '%Y%m%d', got "
            f"{options.date_format!r}."
        )
    if options.amount is not None and options.price is not None:
        raise CvlibInputError(
            "pass either amount= or quantity= and price= (amount = quantity x price), not "
            "amount= and price=; quantity= may accompany amount= to flag return lines."
        )
    if options.amount is None and options.amount_required:
        if options.quantity is None or options.price is None:
            raise CvlibInputError(
                "rfm_table needs the amount of each line: pass amount= (a numeric column), or "
                "quantity= and price= (amount = quantity x price)."
            )
    source = be.wrap(tx)
    _check_columns(source, options)
    source = be.normalize_time_types(source, options.date)
    date_kind = _check_dtypes(source, options)
    if options.date_format is not None and date_kind != "string":
        raise CvlibInputError(
            f"date_format={options.date_format!r} applies to string dates only; column "
            f"{options.date!r} is already {source.schema[options.date]}. Drop date_format."
        )

    # ---- step 4 first as an expression: the local wall-clock time of each row (§4.3)
    frame = source.frame
    schema = source.schema
    zone: str | None
    local: nw.Expr | None
    naive_input = date_kind in ("naive", "date", "string")
    session_zone = False
    plan: _StringDates | None = None
    date_parsing = f"none (a {schema[options.date]} column, no parsing)"
    if date_kind == "aware":
        data_zone = schema[options.date].time_zone
        zone = tz or data_zone
        zone_source = "argument" if tz else "data"
        if source.backend in be.SESSION_ZONE_BACKENDS:
            session_zone = tz is None
            frame = be.add_local_time_native(
                frame, source.backend, options.date, data_zone, zone, T
            )
            local = None
        else:
            local = be.local_time_expr(options.date, data_zone, zone)
    elif date_kind == "object":
        native = nw.to_native(source.eager)
        local_values, zone_source, zone = be.object_dates_to_local(
            native[options.date], tz, options.date
        )
        augmented = native.assign(**{T: local_values})
        eager = nw.from_native(augmented, eager_only=True)
        source = replace(source, eager=eager, frame=eager.lazy())
        frame = source.frame
        local = None
    elif date_kind == "string":
        plan = _string_dates(source, frame, options, tz)
        frame, local, zone, zone_source = plan.frame, plan.local, plan.zone, plan.zone_source
        naive_input = plan.naive_input
        date_parsing = plan.text
    else:
        zone = tz
        zone_source = "argument" if tz else "naive"
        col = nw.col(options.date)
        local = col.cast(nw.Datetime("us")) if date_kind == "date" else col

    # ---- the derived columns
    customer = nw.col(options.customer)
    cdtype = schema[options.customer]
    miss_c = customer.is_null()
    if cdtype.is_float():
        miss_c = miss_c | customer.is_nan()
    if _is_stringlike(cdtype):  # (categoricals compare with a literal without a cast)
        miss_c = miss_c | (customer == "")
    has_amount = options.amount is not None or options.quantity is not None
    if options.amount is not None:
        amount = nw.col(options.amount).cast(nw.Float64)
    elif options.quantity is not None and options.price is not None:
        amount = nw.col(options.quantity).cast(nw.Float64) * nw.col(options.price).cast(nw.Float64)
    else:
        amount = None
        has_amount = False
    cancel = None
    if options.cancel_col is not None:
        cancel = nw.col(options.cancel_col).fill_null(False)
    if options.cancel_prefix is not None:
        ordcol = _as_string(nw.col(options.order), schema[options.order])
        pref = ordcol.str.starts_with(options.cancel_prefix).fill_null(False)
        cancel = pref if cancel is None else (cancel | pref)
    negative = None
    if amount is not None:
        negative = nw.col(A) < 0
    if options.quantity is not None:  # amount < 0 or quantity < 0 (§4.5)
        qneg = nw.col(options.quantity) < 0
        negative = qneg if negative is None else (negative | qneg)
    is_return = negative
    if cancel is not None:
        is_return = cancel if is_return is None else (is_return | cancel)

    # pandas string ids: group on integer codes (one factorisation instead of hashing the
    # strings in every group-by); the ids are restored on the collected customer table
    customer_values = None
    if source.is_pandas and isinstance(cdtype, nw.String):
        native = nw.to_native(frame)
        codes, customer_values = pd.factorize(native[options.customer])
        frame = nw.from_native(native.assign(**{C: codes.astype("int64")})).lazy()
        # missing (NA: code -1) or the empty string, read off the codes
        miss_c = nw.col(C) == -1
        for empty in np.flatnonzero(np.asarray(customer_values == "", dtype=bool)):
            miss_c = miss_c | (nw.col(C) == int(empty))
    first: dict[str, nw.Expr] = {}
    if local is not None:
        first[T] = local
    if customer_values is None:
        first[C] = customer
    if amount is not None:
        first[A] = amount
    has_fraction = plan is not None and plan.fraction is not None and options.need_time
    if has_fraction:
        first[FR] = plan.fraction
    second: dict[str, nw.Expr] = {D: be.day_expr(T, source.backend)}
    second[R] = _flag(is_return) if is_return is not None else nw.lit(0, nw.Int64)
    if options.order is not None:
        second[K] = nw.col(options.order)
    steps = [first, second]
    try:
        for step in steps:
            if step:
                frame = frame.with_columns(**step)
        # D = T truncated to the day: T is null exactly where D is, and the day of min(T) /
        # max(T) is min(D) / max(D) (_as_day normalises), so pass 1 reads T and skips the
        # truncation of every row on lazy engines
        miss_d = nw.col(T).is_null()
        # Pass 1: the counts, the input amount and the date range of all rows. When no row has
        # a missing value (the usual case) the conditional sums and the date range over the
        # valid rows equal these, so pass 2 (the same expressions restricted to the valid rows)
        # runs only when some row is missing something.
        exprs: dict[str, nw.Expr] = {
            "rows_input": nw.len(),
            "rows_missing_customer": _count(miss_c),
            "rows_missing_date": _count(miss_d),
        }
        valid = ~miss_c & ~miss_d
        later: dict[str, nw.Expr] = {}
        if amount is not None:
            a = nw.col(A)
            miss_a = a.is_null() | a.is_nan()
            ok_a = ~miss_a & (a.abs() != math.inf)  # ±inf raises below; keep the sums finite
            valid = valid & ok_a
            exprs["rows_missing_amount"] = _count(miss_a)
            exprs["rows_infinite_amount"] = _count(a.abs() == math.inf)
            exprs["amount_input"] = _sum_if(ok_a, a)
            later["amount_missing_customer"] = _sum_if(miss_c & ok_a, a)
            later["amount_missing_date"] = _sum_if(~miss_c & miss_d & ok_a, a)
            later["amount_valid"] = _sum_if(valid, a)
        later["rows_valid"] = _count(valid)
        later["min_day"] = nw.when(valid).then(nw.col(T)).min()
        later["max_day"] = nw.when(valid).then(nw.col(T)).max()
        exprs["__all_min_day"] = nw.col(T).min()
        exprs["__all_max_day"] = nw.col(T).max()
        # (an overflowing sum is reported by _check_amount_sums, not by a numpy RuntimeWarning)
        with np.errstate(over="ignore", invalid="ignore"):
            stats = _collect_row(frame.select(**exprs), nan_sums=True)
        if stats["rows_input"] == 0:
            raise _empty_log_error(options)
        flawed = ("rows_missing_customer", "rows_missing_date", "rows_missing_amount")
        if any(stats.get(k, 0) for k in (*flawed, "rows_infinite_amount")):
            with np.errstate(over="ignore", invalid="ignore"):
                stats.update(_collect_row(frame.select(**later), nan_sums=True))
        else:  # every row is valid: the same sums over the same rows
            stats["rows_valid"] = stats["rows_input"]
            stats["min_day"] = stats["__all_min_day"]
            stats["max_day"] = stats["__all_max_day"]
            if amount is not None:
                stats["amount_missing_customer"] = 0.0
                stats["amount_missing_date"] = 0.0
                stats["amount_valid"] = stats["amount_input"]
    except (CvlibInputError, TypeError, KeyError):
        raise
    except Exception as exc:
        if date_kind != "string":
            raise
        raise _parse_error(source, options, plan, exc) from exc

    prepared = Prepared(
        source=source,
        options=options,
        frame=frame,
        steps=steps,
        cancel=cancel,
        negative=negative,
        zone=zone,
        zone_source=zone_source,
        min_day=_as_day(stats["min_day"]),
        max_day=_as_day(stats["max_day"]),
        has_amount=has_amount,
        naive_input=naive_input,
        customer_values=customer_values,
        session_zone=session_zone,
        date_parsing=date_parsing,
        offset_zone=plan is not None and plan.offset_zone,
        has_fraction=has_fraction,
    )
    if session_zone:
        # DuckDB TIMESTAMPTZ / Spark TIMESTAMP hold instants only: a pandas or Arrow column's
        # zone (say Europe/London) is lost on the way in and the engine renders the instants in
        # its connection/session zone, so without tz= rows near midnight can fall on other
        # local dates than the same data on pandas or polars. Say so; never guess a zone.
        prepared.warnings.append(
            f"column {options.date!r} of the {source.kind} stores instants without a time zone; "
            f"local dates use the connection/session time zone {zone!r}. If the data belong to "
            f"another zone (e.g. a pandas column in Europe/London before conversion), pass "
            f"tz='Area/City': rows near midnight would otherwise fall on other calendar days "
            f"than on pandas or polars."
        )
    counts = prepared.counts
    for key in ("rows_input", "rows_missing_customer", "rows_missing_date"):
        counts[key] = stats[key]
    counts["rows_missing_amount"] = stats.get("rows_missing_amount", 0)
    if amount is not None:
        if stats["rows_infinite_amount"]:
            where = be.examples(
                source,
                frame,
                steps,
                nw.col(A).abs() == math.inf,
                [str(options.customer), str(options.date)],
                n=1,
            )
            raise CvlibInputError(
                f"amount column {options.amount or f'{options.quantity} x {options.price}'!r} "
                f"holds {stats['rows_infinite_amount']:,} infinite value(s), first at {where}; "
                f"replace them (e.g. a division by zero upstream) with a number, or with NaN to "
                f"have the row counted as missing."
            )
        sums = ("amount_input", "amount_missing_customer", "amount_missing_date", "amount_valid")
        _check_amount_sums(source, frame, steps, options, {k: stats[k] for k in sums})
        for key in sums:
            counts[key] = stats[key]
    counts["rows_valid"] = stats["rows_valid"]
    if cdtype.is_float():
        counts["customer_id_note"] = (
            f"customer ids are float ({cdtype}), kept as given; consider casting them to an "
            f"integer or string type"
        )

    # ---- step 2: missing values (§4.1)
    n_missing = counts["rows_input"] - counts["rows_valid"]
    if n_missing:
        detail = (
            f"customer id {counts['rows_missing_customer']:,} (amount "
            f"{counts.get('amount_missing_customer', 0.0):,.2f}), date "
            f"{counts['rows_missing_date']:,}, amount {counts['rows_missing_amount']:,}"
        )
        if options.missing == "raise":
            raise CvlibInputError(
                f'missing="raise": {n_missing:,} of {counts["rows_input"]:,} rows have a missing '
                f'value (rows missing {detail}). Fill or drop them, or pass missing="drop" to '
                f"drop and report them on the card."
            )
        prepared.warnings.append(
            f"dropped {n_missing:,} row(s) with a missing value (rows missing {detail}; empty "
            f"strings count as missing ids); see the card's counts."
        )
        prepared.frame = frame = frame.filter(valid)

    # ---- step 3: exact duplicates over all columns of the frame as passed (§4.2)
    original = list(source.columns)
    dup_mask = None
    found: tuple[int, float] | None = None
    if source.is_pandas:
        # pandas: hash first, compare exactly only the rows whose hash repeats (same result as
        # the generic path below, about twice as fast; see _backends.pandas_duplicates)
        native = nw.to_native(frame)
        keys = [
            c
            for c in (
                C if customer_values is not None else options.customer,
                options.date,
                options.amount,
                options.quantity,
                options.price,
            )
            if c is not None
        ]
        try:
            dup_mask = be.pandas_duplicates(native, original, keys)
        except TypeError:  # lists, dicts, sets, arrays: unhashable cells in an object column
            comparable, frozen = _hashable_view(native, original)
            if not frozen:
                raise
            dup_mask = be.pandas_duplicates(comparable, original, keys)
            counts["duplicate_note"] = (
                f"column(s) {', '.join(map(repr, frozen))} hold lists, dicts or other unhashable "
                f"values; for the duplicate test they were compared by value (lists and tuples "
                f"element by element, dicts as key-value sets, sets as sets; other objects by "
                f"type and repr)"
            )
        dup_rows = int(dup_mask.sum())
        if amount is not None:
            values = native[A].to_numpy(dtype="float64", na_value=np.nan)
            counts["duplicate_amount"] = float(values[dup_mask].sum()) if dup_rows else 0.0
    else:
        found = None
        if source.backend == "polars":
            keys = [
                c
                for c in (
                    options.customer,
                    options.date,
                    options.amount,
                    options.quantity,
                    options.price,
                )
                if c is not None
            ]
            found = be.polars_duplicates(
                frame, original, A if amount is not None else None, keys=keys
            )
        elif source.backend == "duckdb" and be.duckdb_no_duplicates(frame, original):
            found = (0, 0.0)
        if found is not None:
            dup_rows = found[0]
            if amount is not None:
                counts["duplicate_amount"] = found[1]
    if dup_mask is None and found is None:
        dup_stats = {"n": nw.len()}
        if amount is not None:
            # the amount of the distinct rows, from the original columns (the derived ones are
            # functions of them, so distinct over the original columns is distinct over all)
            dup_stats["amount"] = amount.sum()
        ustats = _collect_row(frame.select(original).unique().select(**dup_stats))
        dup_rows = counts["rows_valid"] - ustats["n"]
        if amount is not None:
            counts["duplicate_amount"] = counts["amount_valid"] - ustats["amount"]
    if not math.isfinite(counts.get("duplicate_amount", 0.0)):
        raise overflow_error(options, "Σ duplicate-row amounts", counts["duplicate_amount"])
    counts["duplicate_rows"] = dup_rows
    counts["duplicate_action"] = {"keep": "kept", "drop": "dropped", "raise": "raised"}[
        options.duplicates
    ]
    if dup_rows:
        amount_text = f", amount {counts['duplicate_amount']:,.2f}" if amount is not None else ""
        if options.duplicates == "raise":
            raise CvlibInputError(
                f'duplicates="raise": {dup_rows:,} row(s) are exact duplicates of an earlier row '
                f"over all {len(original)} columns{amount_text}. Identical line items can be "
                f'legitimate (two identical items in one basket): pass duplicates="keep" to keep '
                f'and report them, or "drop" to drop them.'
            )
        if options.duplicates == "drop":
            if dup_mask is not None:
                kept = nw.to_native(frame)[~dup_mask]
                prepared.frame = nw.from_native(kept, eager_only=True).lazy()
            else:
                prepared.frame = frame.unique(subset=original)
            prepared.warnings.append(
                f"dropped {dup_rows:,} exact duplicate row(s){amount_text} (identical in all "
                f"{len(original)} columns); see the card."
            )
        else:
            prepared.warnings.append(
                f"kept {dup_rows:,} exact duplicate row(s){amount_text} (identical in all "
                f"{len(original)} columns); identical line items can be legitimate. Pass "
                f'duplicates="drop" if they are double-loaded rows.'
            )
    if options.duplicates != "drop":
        counts["amount_duplicates_dropped"] = 0.0
    else:
        counts["amount_duplicates_dropped"] = counts.get("duplicate_amount", 0.0)
    return prepared


def _amount_name(options: Options) -> str:
    return (
        str(options.amount)
        if options.amount is not None
        else (f"{options.quantity} x {options.price}")
    )


def overflow_error(options: Options, what: str, value: float, where: str = "") -> CvlibInputError:
    """``ValueError`` for a sum of finite amounts that left the float64 range (§4.7)."""
    return CvlibInputError(
        f"the amounts in {_amount_name(options)!r} are too large to add up: {what} is {value} "
        f"in float64, whose range ends at ±1.8e308{where}. No total, M or reconciliation can be "
        f"computed from it. Amounts this large are usually sentinel values or unit errors: "
        f"replace them with real amounts (or NaN, to have the row counted as missing), or "
        f"rescale the column (e.g. to thousands)."
    )


def _check_amount_sums(
    source: be.Source,
    frame: nw.LazyFrame,
    steps: list[dict[str, nw.Expr]],
    options: Options,
    sums: dict[str, float],
) -> None:
    """Refuse amount sums that overflowed (inf, or NaN = inf - inf), naming the largest row."""
    bad = {k: v for k, v in sums.items() if not math.isfinite(v)}
    if not bad:
        return
    key, value = next(iter(bad.items()))
    top = _collect_row(frame.select(amount_top=nw.col(A).abs().max()))["amount_top"]
    where = be.examples(
        source,
        frame,
        steps,
        nw.col(A).abs() == top,
        [str(options.customer), str(options.date)],
        n=1,
    )
    raise overflow_error(
        options,
        f"Σ {key.replace('amount_', '')} amounts",
        value,
        f"; the largest |amount| is {top:.6g} (at {where})",
    )


def _empty_log_error(options: Options) -> CvlibInputError:
    amount = (
        f"{options.amount!r}"
        if options.amount is not None
        else f"{options.quantity!r} x {options.price!r}"
        if options.quantity is not None
        else None
    )
    columns = f"{options.customer!r}, {options.date!r}" + (f" and {amount}" if amount else "")
    return CvlibInputError(
        f"no rows left after the preparation steps: tx has 0 rows (counts: rows_input 0). "
        f"{options.function} needs a transaction log with at least one line item (one row per "
        f"line, with {columns}). Pass the non-empty log; if it was filtered or read upstream (a "
        f"query, a date filter, a file), check that step."
    )


def _frozen(value: Any) -> Any:
    """A hashable stand-in for ``value`` that is equal exactly when the values are equal.

    Containers are tagged with their kind ([1] and (1,) are not equal in Python either); dict
    and set order does not matter; hashable scalars are returned as they are.
    """
    if isinstance(value, dict):
        return ("dict", frozenset((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("set", frozenset(_frozen(v) for v in value))
    if isinstance(value, np.ndarray):
        return ("ndarray", value.shape, tuple(_frozen(v) for v in value.ravel().tolist()))
    try:
        hash(value)
    except TypeError:
        return ("object", type(value).__qualname__, repr(value))
    return value


def _hashable_view(native: pd.DataFrame, columns: list[Any]) -> tuple[pd.DataFrame, list[Any]]:
    """A copy of ``native`` whose object columns with unhashable cells hold :func:`_frozen`.

    Exact duplicates are defined over all columns (§4.2), so a column of lists or dicts takes
    part by value. The conversion runs only on the (rare) columns that cannot be hashed, and
    only after the hash test failed on them; the caller's frame is not modified.
    """
    view = native.copy(deep=False)
    frozen = []
    for name in columns:
        if native[name].dtype != object:
            continue
        try:
            pd.factorize(native[name])  # (what DataFrame.duplicated hashes each column with)
        except TypeError:
            # isetitem always inserts a new array: the caller's column is never written to
            view.isetitem(view.columns.get_loc(name), native[name].map(_frozen))
            frozen.append(name)
    return view, frozen


def _as_day(value: Any) -> pd.Timestamp | None:
    if value is None or value is pd.NaT:
        return None
    return pd.Timestamp(value).normalize()


def no_rows_error(prepared: Prepared, what: str) -> CvlibInputError:
    """``ValueError`` for an empty result, with the card's row counts (§3)."""
    c = prepared.counts
    keys = (
        "rows_input",
        "rows_missing_customer",
        "rows_missing_date",
        "rows_missing_amount",
        "duplicate_rows",
        "rows_after_analysis_date",
        "rows_before_window",
        "rows_in_window",
        "return_lines",
    )
    text = ", ".join(f"{k} {c[k]:,}" for k in keys if k in c)
    return CvlibInputError(
        f"no rows left after the preparation steps ({what}); counts: {text}. Check the column "
        f"names, the analysis date / window and the policies."
    )


# ---------------------------------------------------------------------- step 6: grain
def order_level(
    frame: nw.LazyFrame,
    key: Sequence[str] | None,
    returns: str,
    amount: bool,
    dates: bool = True,
) -> nw.LazyFrame:
    """Line items -> orders (or periods): one row per (customer, key) with integer flags.

    Columns: ``C``, the key, ``first_day``/``last_day`` (earliest/latest local date of the
    order's included lines; with ``dates``), ``n_lines``, ``n_purchase`` (non-return lines),
    ``n_return``, ``amount`` (Σ included amounts: all lines under "net", purchase lines
    otherwise) and ``return_amount``. ``key=None``: every row is an order (``grain="row"``).
    Every aggregation is a simple one-column one (§16 rule 1): the conditional values are
    computed as columns first.
    """
    purchase = nw.col(R) == 0
    if key is None:
        rows: dict[str, nw.Expr] = {}
        if dates:
            rows["first_day"] = nw.col(D) if returns == "net" else nw.when(purchase).then(nw.col(D))
        rows["n_purchase"] = nw.lit(1, nw.Int64) - nw.col(R)
        rows["n_return"] = nw.col(R)
        if amount:
            rows["amount"] = _line_amount(returns)
            rows["return_amount"] = _return_amount()
        out = frame.select(C, **rows, n_lines=nw.lit(1, nw.Int64))
        return out.with_columns(last_day=nw.col("first_day")) if dates else out
    # A key that fixes the date (the day itself, or a timestamp) gives the order's date after
    # grouping, on the (much smaller) order rows: no min/max over the lines.
    key_day = None
    if dates and list(key) == [D]:
        key_day = nw.col(D)
    elif dates and list(key) == [T]:
        key_day = be.day_expr(T, be.backend_of(frame))
    rows = {}
    if dates and key_day is None:
        rows["first_day"] = nw.col(D) if returns == "net" else nw.when(purchase).then(nw.col(D))
    if amount:
        if returns != "net":  # (under "net" every line's amount counts: A is summed as it is)
            rows["amount"] = _line_amount(returns)
        rows["return_amount"] = _return_amount()
    out = frame.with_columns(**rows) if rows else frame
    aggs = [nw.col(R).sum().alias("n_return"), nw.len().alias("n_lines")]
    if dates and key_day is None:
        aggs += [nw.col("first_day").min(), nw.col("first_day").max().alias("last_day")]
    if amount:
        line_amount = nw.col(A) if returns == "net" else nw.col("amount")
        aggs += [line_amount.sum().alias("amount"), nw.col("return_amount").sum()]
    out = int_columns(out.group_by(C, *key).agg(*aggs), ["n_return", "n_lines"])
    # n_purchase = lines - return lines (exact integers; one aggregation fewer)
    post = {"n_purchase": nw.col("n_lines") - nw.col("n_return")}
    if key_day is not None:  # the date of the order's included lines (none: null)
        included = nw.col("n_lines") > nw.col("n_return")
        post["first_day"] = key_day if returns == "net" else nw.when(included).then(key_day)
        post["last_day"] = key_day if returns == "net" else nw.when(included).then(key_day)
    return out.with_columns(**post)


def _line_amount(returns: str) -> nw.Expr:
    """The amount a line adds to its order: all lines under "net", purchase lines otherwise."""
    if returns == "net":
        return nw.col(A)
    return nw.when(nw.col(R) == 0).then(nw.col(A)).otherwise(nw.lit(0.0))


def _return_amount() -> nw.Expr:
    return nw.when(nw.col(R) == 1).then(nw.col(A)).otherwise(nw.lit(0.0))


def occasion_flags(
    orders: nw.LazyFrame, occasion: str, returns: str, amount: bool, day: str = "first_day"
) -> nw.LazyFrame:
    """Add ``formed`` (the order exists), ``occ`` (a purchase occasion, §4.6) and ``occ_day``.

    ``formed``: under "exclude"/"separate" an order of return lines only does not exist.
    ``occ``: "purchase" = ≥1 non-return line; "positive_net" = net amount > 0; "any" = formed.
    ``occ_day``: the order's date (``day``) if it is an occasion, else null.
    """
    has_purchase = nw.col("n_purchase") > 0
    formed = has_purchase if returns in ("exclude", "separate") else None
    if occasion == "purchase":
        occ = has_purchase
    elif occasion == "positive_net":
        if not amount:
            raise CvlibInputError(
                'occasion="positive_net" needs amount= (the net amount of each order); use '
                'occasion="purchase" or "any".'
            )
        occ = nw.col("amount") > 0 if formed is None else formed & (nw.col("amount") > 0)
    else:  # "any"
        occ = formed
    cols = {
        "formed": _flag(formed) if formed is not None else nw.lit(1, nw.Int64),
        "occ": _flag(occ) if occ is not None else nw.lit(1, nw.Int64),
        "occ_day": nw.when(occ).then(nw.col(day)) if occ is not None else nw.col(day),
        "return_only": _flag(~has_purchase),
    }
    if day == "first_day":
        spans = nw.col("last_day") > nw.col("first_day")
        cols["spanning"] = _flag(spans if formed is None else formed & spans)
    return orders.with_columns(**cols)


# ---------------------------------------------------------------------- card sections
def card_header(prepared: Prepared, function: str) -> dict[str, Any]:
    from cvlib import __version__

    return {
        "function": function,
        "cvlib_version": __version__,
        "input": prepared.source.kind,
        "input_rows": prepared.counts["rows_input"],
        "columns_used": prepared.columns_used(),
    }


def card_policies(prepared: Prepared) -> dict[str, Any]:
    o = prepared.options
    return {
        "returns": o.returns,
        "return_rule": prepared.cancellation_rule(),
        "cancel_prefix": o.cancel_prefix,
        "cancel_col": None if o.cancel_col is None else str(o.cancel_col),
        "missing": f"{o.missing} (null or NaN ids, dates, amounts; empty-string ids)",
        "duplicates": f"{o.duplicates} (exact duplicates over all columns of the frame as passed)",
    }


def card_counts(prepared: Prepared) -> dict[str, Any]:
    """The counts shared by both functions (rows and amounts lost or flagged on the way)."""
    c = prepared.counts
    out: dict[str, Any] = {
        "rows_input": c["rows_input"],
        "rows_missing_customer": c["rows_missing_customer"],
        "amount_missing_customer": c.get("amount_missing_customer"),
        "rows_missing_date": c["rows_missing_date"],
        "amount_missing_date": c.get("amount_missing_date"),
        "rows_missing_amount": c["rows_missing_amount"],
        "duplicate_rows": c["duplicate_rows"],
        "duplicate_amount": c.get("duplicate_amount"),
        "duplicate_action": c["duplicate_action"],
        "rows_after_analysis_date": c.get("rows_after_analysis_date", 0),
        "amount_after_analysis_date": c.get("amount_after_analysis_date"),
        "rows_before_window": c.get("rows_before_window", 0),
        "amount_before_window": c.get("amount_before_window"),
        "rows_in_window": c.get("rows_in_window"),
        "return_lines": c.get("return_lines", 0),
        "return_amount": c.get("return_amount"),
        "cancellation_lines": c.get("cancellation_lines", 0),
        "cancel_lines_positive_amount": c.get("cancel_lines_positive_amount", 0),
        "zero_amount_lines": c.get("zero_amount_lines"),
    }
    if prepared.options.function == "btyd_summary":  # cut by period, no window start (§6.1)
        out = {
            k.replace("analysis_date", "observation_end"): v
            for k, v in out.items()
            if "before_window" not in k
        }
    if not prepared.has_amount:
        out = {k: v for k, v in out.items() if "amount" not in k or k == "rows_missing_amount"}
    for note in ("customer_id_note", "duplicate_note"):
        if note in c:
            out[note] = c[note]
    return out


def reconciliation(
    prepared: Prepared, parts: dict[str, float], extra: dict[str, float]
) -> dict[str, Any]:
    """Σ input amount = Σ of the table's amount ``parts`` + the listed exclusions (§4.7), ✓/✗.

    ``parts``: e.g. ``{"monetary": Σ M}`` (plus ``"return_amount"`` under ``"separate"``);
    ``extra``: exclusions beyond the preparation steps (returns excluded, ...).
    """
    c = prepared.counts
    excluded = {
        "missing_customer": c.get("amount_missing_customer", 0.0),
        "missing_date": c.get("amount_missing_date", 0.0),
        "duplicates_dropped": c.get("amount_duplicates_dropped", 0.0),
        "after_analysis_date": c.get("amount_after_analysis_date", 0.0),
        "before_window": c.get("amount_before_window", 0.0),
        **extra,
    }
    if prepared.options.function == "btyd_summary":
        excluded["after_observation_end"] = excluded.pop("after_analysis_date")
        excluded.pop("before_window")
    total_excluded = float(sum(excluded.values()))
    lhs = float(c["amount_input"])
    kept = float(sum(parts.values()))
    rhs = kept + total_excluded
    terms = {"Σ input amounts": lhs, **{f"Σ {k}": v for k, v in parts.items()}}
    terms |= {f"excluded {k}": v for k, v in excluded.items()}
    terms |= {"Σ kept + excluded": rhs}
    for name, value in terms.items():
        if not math.isfinite(value):
            raise overflow_error(prepared.options, name, value)
    scale = max(
        abs(lhs), sum(abs(v) for v in parts.values()), sum(abs(v) for v in excluded.values()), 1.0
    )
    holds = abs(lhs - rhs) <= 1e-9 * scale
    terms = " + ".join(f"{name} {value:,.2f}" for name, value in parts.items())
    return {
        "input_amount": lhs,
        **{name: float(value) for name, value in parts.items()},
        "excluded": excluded,
        "excluded_total": total_excluded,
        "difference": lhs - rhs,
        "holds": holds,
        "check": (
            f"input {lhs:,.2f} = {terms} + excluded {total_excluded:,.2f} {'✓' if holds else '✗'}"
        ),
    }


def emit_warnings(p: Prepared, stacklevel: int = 3) -> None:
    """Issue the pipeline's queued data-quality warnings once (at the caller's call site)."""
    for message in p.warnings:
        warnings.warn(message, DataQualityWarning, stacklevel=stacklevel)
    p.warnings.clear()

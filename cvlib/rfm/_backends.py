"""The backend layer of the transaction aggregation: narwhals, plus the few native adapters it needs.

``rfm_table`` and ``btyd_summary`` aggregate a transaction log where it lives (``methods/rfm.md``
§16): pandas and polars DataFrames, polars LazyFrames, DuckDB relations and PySpark DataFrames all
go through one narwhals code path (Stage A, lazy), and only the customer table is collected to
pandas (Stage B). This module holds what narwhals does not cover the same way on every backend:

* wrapping the input (with a clear error for unsupported types and duplicate column names);
* the local wall-clock time of a tz-aware column in another zone. DuckDB and PySpark keep the zone
  in the connection/session, not in the data type, and narwhals refuses ``convert_time_zone`` to
  any other zone there (§16 rule 4); we use the engine's own function instead;
* PySpark's session time zone (``spark.sql.session.timeZone``): Spark ``TIMESTAMP`` values are
  instants rendered in that zone, ``date_trunc`` returns such instants, a naive Python datetime
  literal becomes an instant in the *Python process's* zone, and ``toArrow`` hands instants over
  as UTC. Local times, days and day literals are therefore kept zone-free on Spark
  (``TIMESTAMP_NTZ`` / ``DATE``: :func:`add_local_time_native`, :func:`day_expr`,
  :func:`day_value`), and instants are collected as the wall clock of the session zone
  (:func:`collect_pandas`), so the customer table does not depend on the session zone;
* pandas ``object`` date columns (mixed time zones, ``datetime.date`` objects), which only pandas
  can hold;
* collecting a small result to pandas with one dtype per column (§16 rule 5);
* the exact-duplicate count (§4.2) on pandas, polars and DuckDB: the engine's row hash proves
  "no two rows are equal" with one sort of 64-bit hashes, and only rows whose hash repeats are
  compared exactly (other engines count ``unique()`` rows, §16 rule 6).

Nothing here mutates the caller's object: every step builds a new (lazy) frame.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from cvlib._validation import CvlibInputError

__all__ = [
    "SESSION_ZONE_BACKENDS",
    "Source",
    "add_local_time_native",
    "as_datetime_ns",
    "as_int64",
    "backend_of",
    "check_time_zone",
    "collect_pandas",
    "day_expr",
    "day_value",
    "examples",
    "local_time_expr",
    "normalize_time_types",
    "object_dates_to_local",
    "duckdb_no_duplicates",
    "pandas_duplicates",
    "polars_duplicates",
    "repeated_values",
    "scalar",
    "spark_session_zone",
    "wrap",
]

#: What ``tx`` may be (for error messages).
ACCEPTED = (
    "a pandas or polars DataFrame, a polars LazyFrame, a DuckDB relation or a PySpark DataFrame"
)

_KIND = {
    "pandas": "pandas DataFrame",
    "polars": "polars DataFrame",
    "pyarrow": "pyarrow Table",
    "duckdb": "DuckDB relation",
    "pyspark": "PySpark DataFrame",
    "pyspark[connect]": "PySpark Connect DataFrame",
}


@dataclass(frozen=True)
class Source:
    """The input, wrapped once: a narwhals LazyFrame plus what the card and errors need."""

    frame: nw.LazyFrame  # lazy view of the input (pandas: runs eagerly under the hood)
    eager: nw.DataFrame | None  # the eager frame (pandas, polars, pyarrow) for row positions
    backend: str  # narwhals implementation name: "pandas", "polars", "duckdb", "pyspark", ...
    kind: str  # for the card: "pandas DataFrame", "polars LazyFrame", "DuckDB relation", ...
    columns: tuple[str, ...]
    schema: dict[str, Any]  # column -> narwhals dtype

    @property
    def is_pandas(self) -> bool:
        return self.backend == "pandas"


def wrap(tx: Any) -> Source:
    """Wrap ``tx`` with narwhals; ``TypeError``/``ValueError`` naming what is wrong otherwise."""
    if isinstance(tx, pd.DataFrame):
        if isinstance(tx.columns, pd.MultiIndex):
            raise TypeError(
                "tx has MultiIndex columns; flatten them first, e.g. "
                "tx.columns = ['_'.join(map(str, c)) for c in tx.columns]."
            )
        dup = tx.columns[tx.columns.duplicated()].unique()
        if len(dup):
            raise CvlibInputError(
                f"tx has duplicate column names: {', '.join(map(repr, dup))}; cvlib cannot tell "
                f"which one you mean. Rename them (e.g. tx.columns = [...]) or select one "
                f"(tx.loc[:, ~tx.columns.duplicated()])."
            )
    if isinstance(tx, pd.Series):
        raise TypeError(f"tx must be {ACCEPTED}, got a pandas Series; use series.to_frame().")
    try:
        wrapped = nw.from_native(tx)
    except TypeError:
        kind = f"{type(tx).__module__}.{type(tx).__name__}"
        raise TypeError(f"tx must be {ACCEPTED}, got {kind}.") from None
    except Exception as exc:  # narwhals' DuplicateError and friends, from other backends
        raise CvlibInputError(f"tx could not be read: {exc}") from exc
    if isinstance(wrapped, nw.Series):
        raise TypeError(f"tx must be {ACCEPTED}, got a Series.")
    backend = backend_of(wrapped)
    eager = wrapped if isinstance(wrapped, nw.DataFrame) else None
    if eager is not None:
        frame = eager.lazy()
        kind = _KIND.get(backend, f"{backend} DataFrame")
    else:
        frame = wrapped
        kind = _KIND.get(backend, f"{backend} LazyFrame")
        if backend == "polars":
            kind = "polars LazyFrame"
    schema = dict(frame.collect_schema())
    if backend in SPARK_BACKENDS:
        schema = _live_session_zone(frame, schema)
    return Source(frame, eager, backend, kind, tuple(schema), schema)


#: narwhals implementation names of PySpark (classic and Connect).
SPARK_BACKENDS = ("pyspark", "pyspark[connect]")


def spark_session_zone(sdf: Any) -> str:
    """The session time zone of a PySpark DataFrame, read now (``spark.sql.session.timeZone``)."""
    return str(sdf.sparkSession.conf.get("spark.sql.session.timeZone"))


def _live_session_zone(frame: nw.LazyFrame, schema: dict[str, Any]) -> dict[str, Any]:
    """Spark ``TIMESTAMP`` columns as ``Datetime(time_zone=<the session zone now>)``.

    narwhals caches the session zone per session (``fetch_session_time_zone``), so after a
    ``spark.conf.set("spark.sql.session.timeZone", ...)`` it reports the old zone; Spark renders
    (and casts) in the current one, which is the one the card must name.
    """
    zone = spark_session_zone(frame.to_native())
    return {
        name: nw.Datetime(dtype.time_unit, zone)
        if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None
        else dtype
        for name, dtype in schema.items()
    }


_DUCKDB_TIME_CASTS = {
    "TIMESTAMP_NS": "TIMESTAMP",
    "TIMESTAMP_MS": "TIMESTAMP",
    "TIMESTAMP_S": "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE": None,
    "TIMESTAMPTZ_NS": "TIMESTAMPTZ",
}


def normalize_time_types(source: Source, column: str) -> Source:
    """DuckDB: cast a nanosecond/millisecond/second timestamp column to TIMESTAMP[TZ] (µs).

    narwhals reports DuckDB's ``TIMESTAMP_NS`` (what a pandas ``datetime64[ns]`` or an Arrow
    ``timestamp[ns, tz]`` column becomes) as Unknown. Day-level logic needs no more than
    microseconds, so the column is cast in the relation (the caller's relation is untouched).
    """
    if source.backend != "duckdb" or not isinstance(source.schema.get(column), nw.Unknown):
        return source
    rel = source.frame.to_native()
    types = dict(zip(rel.columns, (str(t).upper() for t in rel.types), strict=True))
    target = _DUCKDB_TIME_CASTS.get(types.get(column, ""))
    if target is None:
        return source
    parts = [
        f"CAST({_quote(c)} AS {target}) AS {_quote(c)}" if c == column else _quote(c)
        for c in rel.columns
    ]
    frame = nw.from_native(rel.project(", ".join(parts)))
    schema = dict(frame.collect_schema())
    return Source(frame, None, source.backend, source.kind, source.columns, schema)


def check_time_zone(tz: Any) -> str | None:
    """Validate an IANA zone name (``"Asia/Shanghai"``, ``"UTC"``); ``None`` passes through."""
    if tz is None:
        return None
    if not isinstance(tz, str):
        raise TypeError(
            f"tz must be an IANA time-zone name such as 'Asia/Shanghai' or 'UTC', got "
            f"{type(tz).__name__} {tz!r}."
        )
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise CvlibInputError(
            f"tz={tz!r} is not a known IANA time zone; use a name such as 'Asia/Shanghai', "
            f"'Europe/Berlin' or 'UTC' (zoneinfo.available_timezones() lists them)."
        ) from exc
    return tz


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def local_time_expr(column: str, data_zone: str, target: str) -> nw.Expr:
    """The naive wall-clock time in ``target`` of the aware ``column`` (pandas, polars, ...).

    Same zone: drop the zone (the wall clock as stored). Other zone: convert the instants, then
    drop the zone. Never called on naive columns (narwhals would convert them "as if UTC").
    """
    col = nw.col(column)
    if target == data_zone:
        return col.dt.replace_time_zone(None)
    return col.dt.convert_time_zone(target).dt.replace_time_zone(None)


#: Backends that keep the zone in the connection/session rather than in the data type.
SESSION_ZONE_BACKENDS = ("duckdb", "pyspark", "pyspark[connect]", "sqlframe")


def add_local_time_native(
    frame: nw.LazyFrame, backend: str, column: str, data_zone: str, target: str, out: str
) -> nw.LazyFrame:
    """Add ``out`` = wall clock in ``target`` of the aware ``column`` on DuckDB / PySpark.

    narwhals reports an aware column of these engines in the connection (session) zone and
    refuses ``convert_time_zone`` to any other zone (§16 rule 4), so the engine's own function
    is used. ``target`` was validated against the IANA database, so quoting it is safe.
    """
    if backend in SPARK_BACKENDS:
        return nw.from_native(frame.to_native().withColumn(out, _spark_wall_clock(column, target)))
    if target == data_zone:  # the engine's own rendering zone: a plain cast does it
        return frame.with_columns(nw.col(column).dt.replace_time_zone(None).alias(out))
    if backend == "duckdb":
        # DuckDB: timezone(zone, timestamptz) returns the wall clock in `zone` as TIMESTAMP.
        rel = frame.to_native()
        sql = f"*, CAST(timezone('{target}', {_quote(column)}) AS TIMESTAMP) AS {_quote(out)}"
        return nw.from_native(rel.project(sql))
    # other session-zone engines (sqlframe): the wall clock in the session zone, moved to target
    from pyspark.sql import functions as F

    sdf = frame.to_native()
    name = column.replace("`", "``")
    expr = F.expr(f"convert_timezone('{data_zone}', '{target}', CAST(`{name}` AS TIMESTAMP_NTZ))")
    return nw.from_native(sdf.withColumn(out, expr))


def _spark_wall_clock(column: str, target: str) -> Any:
    """Spark column: the ``TIMESTAMP_NTZ`` wall clock in ``target`` of the instants ``column``.

    Independent of the session zone: ``unix_micros`` is the instant, added to the NTZ epoch it
    is the UTC wall clock, and ``convert_timezone`` from UTC (which has no DST) to ``target`` is
    exact. (``CAST(ts AS TIMESTAMP_NTZ)`` would pass through the session zone's wall clock,
    which repeats an hour when DST ends: the instants of that hour could land an hour off.)
    """
    from pyspark.sql import functions as F

    utc = f"timestampadd(MICROSECOND, unix_micros({_backtick(column)}), TIMESTAMP_NTZ'1970-01-01')"
    if target in ("UTC", "Etc/UTC"):
        return F.expr(utc)
    return F.expr(f"convert_timezone('UTC', '{target}', {utc})")


def day_expr(column: str, backend: str) -> nw.Expr:
    """The calendar day (naive midnight) of the naive local-time ``column``.

    ``dt.truncate("1d")`` everywhere but on Spark, where ``date_trunc`` returns a ``TIMESTAMP``
    (an instant at midnight in the session zone; where DST starts at midnight, 01:00). There the
    day is ``CAST(CAST(t AS DATE) AS TIMESTAMP_NTZ)``: zone-free for a ``TIMESTAMP_NTZ`` column.
    """
    if backend in SPARK_BACKENDS:
        return nw.col(column).cast(nw.Date).cast(nw.Datetime("us"))
    return nw.col(column).dt.truncate("1d")


def day_value(day: pd.Timestamp, backend: str) -> Any:
    """The Python value of a day literal (``nw.lit(day_value(...))``) compared with a day column.

    A naive ``datetime`` everywhere but on Spark, where PySpark turns a naive ``datetime`` into
    an instant in the *Python process's* local zone (``time.mktime``), not the session zone, so
    ``day > lit`` would move by the difference of the two zones. A ``datetime.date`` becomes a
    ``DATE`` literal, which Spark compares with a day column zone-free (``TIMESTAMP_NTZ``) or at
    midnight in the session zone (``TIMESTAMP``), the same midnight ``date_trunc`` gives.
    """
    stamp = pd.Timestamp(day)
    if backend in SPARK_BACKENDS:
        return stamp.date()
    return stamp.to_pydatetime()


_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z)$")


def object_dates_to_local(
    values: pd.Series, tz: str | None, column: str
) -> tuple[pd.Series, str, str | None]:
    """A pandas ``object`` date column -> naive local wall-clock datetimes (pandas only).

    Only pandas can hold a column of Python objects: ``datetime.date`` values, or timestamps
    mixing zones or mixing aware and naive values. Returns the local wall-clock series, the
    zone source ("argument", "data" or "naive") and the zone. Mixed zones (or aware mixed with naive) without
    ``tz`` raise ``ValueError`` asking for ``tz=``: cvlib never picks a zone.
    """
    try:
        parsed = pd.to_datetime(values)
    except (ValueError, TypeError):
        parsed = None
    if parsed is not None:
        zone = getattr(parsed.dt, "tz", None)
        if zone is None:
            return parsed, "argument" if tz else "naive", tz
        target = tz or str(zone)
        local = parsed.dt.tz_convert(target).dt.tz_localize(None)
        return local, "argument" if tz else "data", target
    # Mixed zones or aware mixed with naive. The text form of an aware timestamp ends with its
    # UTC offset; this is a vectorised test on the (already Python-object) column.
    text = values.astype("str")
    aware = text.str.contains(_OFFSET) & values.notna()
    n_aware, n_naive = int(aware.sum()), int((~aware & values.notna()).sum())
    if tz is None:
        what = "aware and naive timestamps" if n_naive else "timestamps with different UTC offsets"
        raise CvlibInputError(
            f"column {column!r} mixes {what} ({n_aware:,} aware, {n_naive:,} naive); cvlib does "
            f"not choose a zone for you. Pass tz='Area/City' (e.g. tz='Asia/Shanghai'): aware "
            f"values are converted to it and naive values are read as wall-clock time in it."
        )
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if n_aware:
        conv = pd.to_datetime(values[aware], utc=True).dt.tz_convert(tz).dt.tz_localize(None)
        out[aware] = conv.astype("datetime64[ns]")
    naive = ~aware & values.notna()
    if n_naive:
        out[naive] = pd.to_datetime(values[naive]).astype("datetime64[ns]")
    return out, "argument", tz


def collect_pandas(frame: nw.LazyFrame) -> pd.DataFrame:
    """Collect a (small) aggregated frame to pandas.

    PySpark: ``TIMESTAMP`` columns (instants) are cast to ``TIMESTAMP_NTZ`` first, i.e. to the
    wall clock of the session zone, as Spark itself shows them. Collected as they are, they
    arrive as UTC instants (``toArrow``), so a local midnight in Asia/Shanghai would become
    16:00 of the day before and every day difference would be off by one.
    """
    if _is_spark(frame):
        frame = _spark_wall_clock_columns(frame)
    out = frame.collect()
    return out.to_pandas()


def _is_spark(frame: nw.LazyFrame) -> bool:
    return backend_of(frame) in SPARK_BACKENDS


def backend_of(frame: nw.LazyFrame | nw.DataFrame) -> str:
    """The narwhals implementation name of a frame ("pandas", "duckdb", "pyspark", ...)."""
    return str(frame.implementation).lower().replace("implementation.", "")


def _backtick(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _spark_wall_clock_columns(frame: nw.LazyFrame) -> nw.LazyFrame:
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    sdf = frame.to_native()
    instants = [f.name for f in sdf.schema.fields if isinstance(f.dataType, TimestampType)]
    if not instants:
        return frame
    return nw.from_native(
        sdf.withColumns({name: F.col(_backtick(name)).cast("timestamp_ntz") for name in instants})
    )


def as_int64(values: pd.Series) -> np.ndarray:
    """Counts from any backend as int64 (polars UInt32, DuckDB HUGEINT objects, nullable ints)."""
    if values.dtype == object or not pd.api.types.is_numeric_dtype(values.dtype):
        return np.asarray(values.astype("float64").fillna(0), dtype="int64")
    return values.fillna(0).to_numpy(dtype="int64")


def as_datetime_ns(values: pd.Series) -> np.ndarray:
    """Dates from any backend (datetime64[us], pyarrow timestamps, date objects) as datetime64[ns].

    The values are naive local dates (:func:`collect_pandas` hands Spark instants over as the
    session zone's wall clock). A tz-aware column keeps its own wall clock: numpy has no zones,
    and ``astype`` on aware values would convert them to UTC (with a numpy ``UserWarning``).
    """
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        values = pd.to_datetime(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return values.to_numpy(dtype="datetime64[ns]")


def scalar(value: Any) -> Any:
    """A collected scalar as a plain Python value (numpy/Decimal/HUGEINT -> int or float)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def examples(
    source: Source,
    frame: nw.LazyFrame,
    steps: list[dict[str, nw.Expr]],
    condition: nw.Expr,
    columns: list[str],
    n: int = 5,
) -> str:
    """Up to ``n`` rows meeting ``condition``, as text for an error message.

    Eager inputs (pandas, polars) give row positions (and pandas index labels), recomputing the
    derived columns ``steps`` on the input itself; lazy inputs (DuckDB, Spark) have no row order,
    so their rows (from ``frame``, which has the derived columns) are shown by value.
    """
    if source.eager is not None:
        eager = source.eager.with_row_index("__cvlib_pos")
        for step in steps:
            if step:
                eager = eager.with_columns(**step)
        positions = eager.filter(condition).head(n)["__cvlib_pos"].to_list()
        if source.is_pandas:
            index = nw.to_native(source.eager).index
            if not index.equals(pd.RangeIndex(len(index))):
                return ", ".join(f"position {p} (index {scalar(index[p])!r})" for p in positions)
        return "row position(s) " + ", ".join(map(str, positions))
    rows = collect_pandas(frame.filter(condition).select(columns).head(n))
    records = rows.to_dict("records")
    shown = "; ".join(", ".join(f"{k}={scalar(v)!r}" for k, v in r.items()) for r in records)
    return f"the row(s) with {shown}"


def repeated_values(hashes: np.ndarray) -> np.ndarray:
    """The values occurring more than once in ``hashes`` (sorted, unique): one numpy sort.

    Several times faster than a hash-table ``duplicated()`` on a million 64-bit hashes; usually
    empty, which proves that no two rows are equal (equal rows always hash equally).
    """
    ordered = np.sort(hashes)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return ordered[:0]
    return np.unique(ordered[1:][same])


def is_in_sorted(values: np.ndarray, sorted_unique: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_unique)`` for uint64 hashes and a small sorted set.

    A lookup table on the low 20 bits keeps only the few values that can match, which are then
    checked exactly by binary search (``np.isin`` would sort all values).
    """
    low = np.uint64((1 << 20) - 1)
    table = np.zeros(1 << 20, dtype=bool)
    table[sorted_unique & low] = True
    maybe = np.flatnonzero(table[values & low])
    probe = values[maybe]
    at = np.searchsorted(sorted_unique, probe)
    at[at == len(sorted_unique)] = 0
    out = np.zeros(len(values), dtype=bool)
    out[maybe[sorted_unique[at] == probe]] = True
    return out


def pandas_duplicates(native: pd.DataFrame, columns: list[Any], keys: list[Any]) -> np.ndarray:
    """Mask of rows identical to an earlier row over ``columns`` (as ``DataFrame.duplicated``).

    Exact, and several times faster than ``duplicated()`` on a wide frame: rows that are equal
    in every column are equal in the few ``keys`` columns (customer, date, amount), so only rows
    whose ``keys`` hash (``pd.util.hash_pandas_object``) occurs more than once are compared,
    exactly and over all ``columns``. Equal values always hash equally, so no duplicate is
    missed; the exact comparison removes hash collisions.
    """
    hashes = np.zeros(len(native), dtype="uint64")
    for key in keys:  # (any function of the keys' hashes works: equal keys, equal result)
        hashes *= np.uint64(0x9E3779B97F4A7C15)
        hashes ^= pd.util.hash_pandas_object(native[key], index=False).to_numpy()
    mask = np.zeros(len(native), dtype=bool)
    repeats = repeated_values(hashes)
    if len(repeats):
        positions = np.flatnonzero(is_in_sorted(hashes, repeats))
        exact = native[columns].iloc[positions].duplicated().to_numpy()
        mask[positions[exact]] = True
    return mask


def polars_duplicates(
    frame: nw.LazyFrame,
    columns: list[str],
    amount: str | None,
    keys: list[str] | None = None,
) -> tuple[int, float] | None:
    """(rows identical to an earlier row over ``columns``, Σ ``amount`` of them) on polars.

    The same hash-then-compare scheme as :func:`pandas_duplicates`, with polars' row hash over
    the few ``keys`` columns (a subset of ``columns``: customer, date, amount; default all
    ``columns``). Rows equal over all ``columns`` are equal over ``keys`` and hash equally
    (``-0.0``/``0.0`` and NaNs are canonicalised as in ``unique()``): usually few hashes repeat,
    and only the rows whose hash repeats are compared exactly, over all ``columns``. Hashing
    three columns instead of every column is about four times cheaper. ``None`` if polars cannot
    hash a column type (the caller then uses the generic ``unique()`` count).
    """
    import polars as pl

    native = nw.to_native(frame)
    needed = list(columns) + ([amount] if amount is not None and amount not in columns else [])
    native = native.select(needed)
    if isinstance(native, pl.LazyFrame):
        native = native.collect()
    hashed = list(columns) if not keys else [k for k in keys if k in columns] or list(columns)
    try:
        hashes = native.select(hashed).hash_rows().to_numpy()
        if hashed != list(columns):  # (fails here, not below, on a type polars cannot hash)
            native.select(columns).head(1).hash_rows()
    except Exception:  # (object columns and other types polars does not hash)
        return None
    repeats = repeated_values(hashes)
    if not len(repeats):
        return 0, 0.0
    candidates = native.filter(pl.Series(is_in_sorted(hashes, repeats)))
    dups = candidates.filter(~pl.struct(columns).is_first_distinct())
    total = float(dups[amount].sum()) if amount is not None and dups.height else 0.0
    return dups.height, total


def duckdb_no_duplicates(frame: nw.LazyFrame, columns: list[str]) -> bool:
    """True if no two rows of a DuckDB relation are equal over ``columns`` (proved by hash).

    DuckDB's ``hash()`` of the row (equal rows hash equally) is fetched as one uint64 array and
    checked for repeats with one numpy sort, several times faster than ``DISTINCT`` over all
    columns. False means "not proved" (a repeat, or a type DuckDB cannot hash): the caller then
    counts exactly.
    """
    rel = nw.to_native(frame)
    try:
        fetched = rel.project(f"hash({', '.join(map(_quote, columns))}) AS h").fetchnumpy()
    except Exception:
        return False
    hashes = np.asarray(fetched["h"])
    return not len(repeated_values(hashes))

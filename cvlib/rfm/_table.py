"""Classic marketing RFM (最近一次消费 R, 消费频率 F, 消费金额 M) from a transaction log.

:func:`rfm_table` turns line items into one row per customer with ``recency_days``,
``frequency`` and ``monetary`` (``methods/rfm.md`` §4-§5), on the engine that holds the data
(pandas, polars, DuckDB, PySpark; §16), and returns an :class:`RFMResult` whose definition card
(口径说明卡) says what every number means and what was dropped, merged or flagged on the way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib.rfm import _backends as be
from cvlib.rfm import _prepare as prep
from cvlib.rfm._card import DefinitionCard
from cvlib.rfm._score import STALE_COLUMNS, id_order

__all__ = ["GRAINS", "RFMResult", "rfm_table"]

GRAINS = ("order", "day", "timestamp", "row")
MONETARY = ("sum", "mean")
OUTPUT_COLUMNS = (
    "recency_days",
    "frequency",
    "monetary",
    "monetary_sum",
    "first_purchase",
    "last_purchase",
    "tenure_days",
    "m_nonpositive",
    "return_lines",
    "return_amount",
)
#: Names an id column must not have: the RFM table's columns and those later steps add.
RESERVED_NAMES = (
    *OUTPUT_COLUMNS,
    *STALE_COLUMNS,
    "cluster",
    "cluster_name",
    "cluster_name_zh",
    "exclusion",
)

_GRAIN_TEXT = {
    "order": "order (one order = one {order} per customer)",
    "day": "day (one order = the customer's lines on one local calendar date)",
    "timestamp": "timestamp (one order = the customer's lines at one exact local timestamp)",
    "row": "row (each row = 1 order)",
}
_OCCASION_TEXT = {
    "purchase": "order has ≥1 non-return line",
    "positive_net": "order's net amount > 0",
    "any": "every order (including return-only orders)",
}


@dataclass(frozen=True, repr=False, eq=False)
class RFMResult(ResultMixin):
    """The classic RFM customer table with its definition card (口径说明卡).

    Attributes
    ----------
    table : DataFrame
        One row per customer with at least one line in the window, sorted by customer id:
        the customer column (input name and dtype), ``recency_days`` (Int64),
        ``frequency`` (int64), ``monetary`` (float64), ``first_purchase``, ``last_purchase``
        (datetime64[ns], the local calendar date), ``tenure_days`` (Int64), ``m_nonpositive``
        (bool) and, with ``returns="separate"``, ``return_lines`` (int64) and
        ``return_amount`` (float64, ≤ 0 as recorded). With ``monetary="mean"`` also
        ``monetary_sum`` (float64, after ``monetary``): Σ included amounts, the customer's real
        net spend (F = 0 customers included), which revenue totals use.
    card : DefinitionCard
        Header, definitions, dates, policies, counts and the revenue reconciliation (§15).
    customer : str
        Name of the customer id column.
    analysis_date, window_start : Timestamp
        The resolved reference date (inclusive) and window start (inclusive, or ``None``).
    analysis_rule : str
        How ``analysis_date`` was given (``"max+1d"``, ``"max"``, ``"given"``, ...).
    tz, tz_source : str
        The zone of the calendar dates (``None`` = naive, dates as recorded) and where it came
        from ("argument", "data" or "naive").
    grain, occasion, monetary, returns, missing, duplicates : str
        The conventions used (see :func:`rfm_table`); the card's ``date_parsing`` says how the
        dates were read (the ``date_format=`` given, the ISO 8601 form found, or no parsing).
    counts : dict
        Every count and amount of the preparation steps (the card's counts section).

    Every read of ``table`` and ``counts`` returns a new copy: the result never changes.
    """

    table: pd.DataFrame = Snapshot()
    counts: dict[str, Any] = Snapshot()
    card: DefinitionCard
    customer: str
    analysis_date: pd.Timestamp
    analysis_rule: str
    window_start: pd.Timestamp | None
    tz: str | None
    tz_source: str
    grain: str
    occasion: str
    monetary: str
    returns: str
    missing: str
    duplicates: str
    order: str | None = None
    cancel_prefix: str | None = None
    cancel_col: str | None = None

    _conventions = ("analysis_date", "grain", "occasion", "monetary", "returns", "tz")
    _title = "RFMResult"

    @property
    def n_customers(self) -> int:
        """Number of customers (rows of ``table``)."""
        return int(len(self._table))

    def summary(self) -> pd.DataFrame:
        """Distribution of R, F and M: count, mean, std, min, quartiles, max (float64)."""
        cols = ["recency_days", "frequency", "monetary"]
        data = self._table[cols].astype("float64")
        return data.describe().T

    def __repr__(self) -> str:
        head = self._table.head(10).to_string()
        return f"{self.card}\n\n{head}\n[{len(self._table):,} customers]"

    def _repr_html_(self) -> str:
        table = self._table.head(10).to_html(float_format=lambda x: f"{x:.6g}")
        return (
            f"{self.card._repr_html_()}{table}"
            f"<p>{html.escape(f'{len(self._table):,} customers')}</p>"
        )


def rfm_table(
    tx: Any,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    quantity: str | None = None,
    price: str | None = None,
    order: str | None = None,
    grain: str | None = None,
    analysis_date: Any = "max+1d",
    window_start: Any = None,
    tz: str | None = None,
    date_format: str | None = None,
    returns: str = "net",
    cancel_prefix: str | None = None,
    cancel_col: str | None = None,
    occasion: str = "purchase",
    monetary: str = "sum",
    missing: str = "drop",
    duplicates: str = "keep",
) -> RFMResult:
    """Classic RFM table (RFM 客户价值表): recency, frequency and monetary per customer.

    With analysis date *A* (分析日期, inclusive) and the purchase occasions of a customer in the
    window [``window_start``, *A*]:

    * ``recency_days`` R = *A* − date of the last occasion, in calendar days (≥ 0);
    * ``frequency`` F = number of purchase occasions (orders, purchase days, ... by ``grain``);
    * ``monetary`` M = Σ included line amounts (``"sum"``), or that sum / F (``"mean"``);
    * ``tenure_days`` = *A* − date of the first occasion; ``m_nonpositive`` = (Σ amounts ≤ 0).

    Days are differences of local calendar dates in one zone (never floored timedeltas). The
    aggregation runs on the input's engine (pandas, polars, DuckDB, PySpark through narwhals);
    only the customer table is collected to pandas. The input is never modified.

    Parameters
    ----------
    tx : DataFrame, LazyFrame or relation
        The transaction log: a pandas or polars DataFrame, a polars LazyFrame, a DuckDB relation
        or a PySpark DataFrame; one row per line item.
    customer, date : str
        Column names of the customer id (int, string, categorical or float; kept as given) and
        of the transaction time (datetime naive or tz-aware, date, or strings with
        ``date_format=`` or in strict ISO 8601: ``YYYY-MM-DD``, optionally with ``T``/space,
        ``HH:MM:SS``, a fraction of a second and a UTC offset ``Z``/``±HH:MM``; strings with an
        offset are tz-aware and follow the ``tz`` policy of aware timestamps).
    amount : str, optional
        Numeric line amount. Alternatively ``quantity`` and ``price`` (amount = quantity ×
        price). ``quantity`` may accompany ``amount`` to flag lines with quantity < 0 as returns.
    order : str, optional
        Order (invoice) id; with it the default grain is ``"order"``.
    grain : {"order", "day", "timestamp", "row"}, optional
        What one order is: (customer, order id); (customer, local date) (default without
        ``order``); (customer, exact timestamp); or each row (e.g. CDNOW).
    analysis_date : str, date or datetime, default "max+1d"
        Reference day of R, inclusive: ``"max+1d"``, ``"max"``, ``"max+Nd"`` ("max" = the
        latest local date in the data), an ISO date, ``datetime.date`` or a datetime (reduced to
        its calendar date in the zone). Rows after it are excluded and counted.
    window_start : str, date or datetime, optional
        First day (inclusive) of the period for F and M (某一期间); earlier rows are excluded
        and counted. R is still measured from ``analysis_date``.
    tz : str, optional
        IANA zone of the calendar dates. Aware timestamps are converted to it (default: their
        own zone); naive timestamps are wall-clock times in it (never converted "as if UTC").
    date_format : str, optional
        strptime format of string dates, e.g. ``"%Y%m%d"``; cvlib never guesses dd/mm vs mm/dd.
    returns : {"net", "exclude", "separate", "raise"}
        Return lines (amount < 0, quantity < 0, ``cancel_col`` true or order id starting with
        ``cancel_prefix``): "net" subtracts them in M (R and F count purchase occasions only);
        "exclude" drops them; "separate" drops them from R/F/M and adds ``return_lines`` and
        ``return_amount``; "raise" raises if there are any.
    cancel_prefix, cancel_col : str, optional
        Cancellation rule: order ids starting with this prefix (e.g. ``"C"``), or a boolean
        column. Amounts keep their recorded sign.
    occasion : {"purchase", "positive_net", "any"}
        Which orders count toward F and R: ≥ 1 non-return line (default), net amount > 0, or all.
    monetary : {"sum", "mean"}
        M as the sum (default) or the mean per occasion (pymc-marketing's convention with
        ``grain="day"``). With ``"mean"`` the table also has ``monetary_sum`` (Σ included
        amounts), the real spend that revenue totals such as :func:`segment_summary` use.
    missing : {"drop", "raise"}
        Rows with a missing (null, NaN, empty-string) customer id, date or amount: dropped and
        counted (with a ``DataQualityWarning``), or ``ValueError``.
    duplicates : {"keep", "drop", "raise"}
        Rows identical to an earlier row in **all** columns: kept (default; identical line items
        can be legitimate), dropped, or ``ValueError``; always counted with their amount.

    Returns
    -------
    RFMResult
        ``.table`` (pandas, one row per customer, sorted by id), ``.card`` (definition card with
        the revenue reconciliation Σ input = Σ M + exclusions), ``.customer`` and the resolved
        conventions.

    Raises
    ------
    KeyError
        A named column is missing (the message lists the available columns).
    TypeError
        Non-numeric amounts, integer dates, an unsupported input type.
    ValueError
        Infinite amounts, ambiguous date strings, mixed time zones without ``tz=``, an unknown
        policy, an analysis date before the first transaction, no rows left.

    Examples
    --------
    >>> import warnings
    >>> from cvlib.datasets import load_cdnow
    >>> from cvlib.rfm import rfm_table
    >>> tx = load_cdnow()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # 255 exact duplicate rows are kept and reported
    ...     res = rfm_table(tx, customer="customer_id", date="date", amount="dollar_value",
    ...                     grain="row")
    >>> res.analysis_date.date(), res.n_customers
    (datetime.date(1998, 7, 1), 23570)
    >>> res.table[["customer_id", "recency_days", "frequency", "monetary"]].head(3)
      customer_id  recency_days  frequency  monetary
    0       00001           546          1     11.77
    1       00002           535          2     89.00
    2       00003            34          6    156.46
    >>> res.card.section("reconciliation")["holds"]
    True

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Chicago: Probus.
    ``methods/rfm.md`` §1-§5, §15-§16 (cvlib's conventions and the definition card).
    """
    if grain is None:
        grain = "order" if order is not None else "day"
    check_choice("grain", grain, GRAINS)
    check_choice("monetary", monetary, MONETARY)
    if customer in RESERVED_NAMES:
        raise CvlibInputError(
            f"the customer column is called {customer!r}, a name of a column that rfm_table, "
            f"score, segment or cluster_rfm write ({', '.join(RESERVED_NAMES)}); rename it, e.g. "
            f"tx.rename(columns={{{customer!r}: 'customer_id'}})."
        )
    if grain == "order" and order is None:
        raise CvlibInputError(
            'grain="order" needs order= (the invoice id column); without one use grain="day" '
            '(one order per customer and local date) or grain="row".'
        )
    options = prep.Options(
        function="rfm_table",
        customer=customer,
        date=date,
        amount=amount,
        quantity=quantity,
        price=price,
        order=order,
        cancel_col=cancel_col,
        cancel_prefix=cancel_prefix,
        tz=tz,
        date_format=date_format,
        returns=returns,
        occasion=occasion,
        missing=missing,
        duplicates=duplicates,
        amount_required=True,
        need_time=grain == "timestamp",
    )
    p = prep.prepare(tx, options)
    if p.max_day is None:
        prep.emit_warnings(p)
        raise prep.no_rows_error(p, "every row has a missing customer id, date or amount")
    ref, rule = prep.resolve_reference(analysis_date, "analysis_date", p.max_day, p.zone)
    start = None if window_start is None else prep.parse_day(window_start, "window_start", p.zone)
    if ref < p.min_day:
        raise CvlibInputError(
            f"analysis_date {ref.date()} is before the first transaction date "
            f"{p.min_day.date()}; recency would be negative. Use a later date or 'max+1d'."
        )
    if start is not None and start > ref:
        raise CvlibInputError(
            f"window_start {start.date()} is after analysis_date {ref.date()}; the window "
            f"[window_start, analysis_date] would be empty."
        )
    backend = p.source.backend  # (Spark: DATE literals, see _backends.day_value)
    after = nw.col(prep.D) > nw.lit(be.day_value(ref, backend)) if rule == "given" else None
    before = nw.col(prep.D) < nw.lit(be.day_value(start, backend)) if start is not None else None
    rows = p.window(after, before, distinct_orders=grain == "order")
    counts = p.counts
    if counts["rows_after_analysis_date"]:
        p.warnings.append(
            f"excluded {counts['rows_after_analysis_date']:,} row(s) dated after analysis_date "
            f"{ref.date()} (amount {counts['amount_after_analysis_date']:,.2f}); see the card."
        )
    if counts["rows_in_window"] == 0:
        prep.emit_warnings(p)
        raise prep.no_rows_error(p, "no row falls in the window")

    # ---- Stage A: line items -> orders -> customers, on the input's engine
    key = {"order": [prep.K], "day": [prep.D], "timestamp": p.time_key, "row": None}[grain]
    orders = prep.order_level(rows, key, returns, amount=True)
    orders = prep.occasion_flags(orders, occasion, returns, amount=True)
    per_customer = orders.group_by(prep.C).agg(
        nw.col("occ_day").min().alias("first"),
        nw.col("occ_day").max().alias("last"),
        nw.col("occ").sum().alias("frequency"),
        nw.col("amount").sum().alias("amount"),
        nw.col("formed").sum().alias("orders"),
        nw.col("return_only").sum().alias("return_only_orders"),
        nw.col("spanning").sum().alias("spanning"),
        nw.col("n_lines").sum().alias("lines"),
        nw.col("n_purchase").sum().alias("purchase_lines"),
        nw.col("n_return").sum().alias("return_lines"),
        nw.col("return_amount").sum().alias("return_amount"),
        nw.len().alias("order_rows"),
    )
    per_customer = prep.int_columns(
        per_customer,
        [
            "order_rows",
            "frequency",
            "orders",
            "return_only_orders",
            "spanning",
            "lines",
            "purchase_lines",
            "return_lines",
        ],
    )
    collected = be.collect_pandas(per_customer)
    collected[prep.C] = p.decode_customers(collected[prep.C])

    # ---- Stage B: pandas, on the (small) customer table
    table, stage = _customer_table(collected, customer, ref, monetary, returns, p.options)
    counts.update(stage)
    # (customer, order) keys beyond one per order id: 0 when every id belongs to one customer
    shared = stage["order_keys"] - counts["distinct_orders"] if grain == "order" else 0
    counts["orders_shared_by_customers"] = shared
    if shared:
        p.warnings.append(
            f"order ids in {order!r} are shared by customers: {stage['order_keys']:,} "
            f"(customer, order) keys for {counts['distinct_orders']:,} distinct ids; each "
            f"(customer, order) pair is counted as its own order."
        )
    card = _card(p, grain, occasion, monetary, ref, rule, start, counts)
    prep.emit_warnings(p)
    return RFMResult(
        table=table,
        counts=counts,
        card=card,
        customer=customer,
        analysis_date=ref,
        analysis_rule=rule,
        window_start=start,
        tz=p.zone,
        tz_source=p.zone_source,
        grain=grain,
        occasion=occasion,
        monetary=monetary,
        returns=returns,
        missing=missing,
        duplicates=duplicates,
        order=order,
        cancel_prefix=cancel_prefix,
        cancel_col=cancel_col,
    )


def _days(ref: pd.Timestamp, dates: np.ndarray) -> pd.arrays.IntegerArray:
    """Calendar-day differences ``ref − dates`` as Int64 (NA where the date is NaT).

    Both sides are calendar dates, so this is an integer difference of dates, never the floor
    of a timedelta (§4.3).
    """
    nat = np.isnat(dates)
    ref_day = ref.to_datetime64().astype("datetime64[D]")
    diff = (ref_day - dates.astype("datetime64[D]")).astype("int64")
    return pd.arrays.IntegerArray(np.where(nat, 0, diff), nat)


def _customer_table(
    c: pd.DataFrame,
    customer: str,
    ref: pd.Timestamp,
    monetary: str,
    returns: str,
    options: prep.Options,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The customer table (§5) and the customer-level counts for the card."""
    purchase_lines = be.as_int64(c["purchase_lines"])
    keep = purchase_lines > 0 if returns == "exclude" else np.ones(len(c), dtype=bool)
    freq_all = be.as_int64(c["frequency"])
    amount_all = c["amount"].to_numpy(dtype="float64", na_value=0.0)
    return_amount_all = c["return_amount"].to_numpy(dtype="float64", na_value=0.0)
    stage = {
        "order_keys": int(be.as_int64(c["order_rows"]).sum()),
        "orders_formed": int(be.as_int64(c["orders"]).sum()),
        "return_only_orders": int(be.as_int64(c["return_only_orders"]).sum()),
        "orders_spanning_days": int(be.as_int64(c["spanning"]).sum()),
        "occasions": int(freq_all.sum()),
        "amount_all_customers": float(amount_all.sum()),
        "return_amount_all_customers": float(return_amount_all.sum()),
    }
    c = c.loc[keep]
    ids = c[prep.C].reset_index(drop=True)
    freq = be.as_int64(c["frequency"])
    total = amount_all[keep]
    sums = np.concatenate([total, return_amount_all[keep]])
    if not np.isfinite(sums).all():  # a customer's amounts overflowed float64 when added
        at = int(np.flatnonzero(~np.isfinite(sums))[0])
        who = ids.iloc[at % len(total)]
        raise prep.overflow_error(options, f"Σ amounts of customer {who!r}", float(sums[at]))
    first = be.as_datetime_ns(c["first"])
    last = be.as_datetime_ns(c["last"])
    # m_nonpositive compares at 9 decimals, the float-noise guard of the binning (§7.2): a net
    # sum of purchases and their exact cancellations is 0, whatever order an engine added in
    nonpositive = np.round(total, 9) <= 0
    if monetary == "sum":
        m = total
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where(freq > 0, total / np.where(freq > 0, freq, 1), np.nan)
    data = {
        customer: ids,
        "recency_days": _days(ref, last),
        "frequency": freq,
        "monetary": np.asarray(m, dtype="float64"),
    }
    if monetary == "mean":  # the real (net) spend of every customer, F = 0 included
        data["monetary_sum"] = np.asarray(total, dtype="float64")
    data |= {
        "first_purchase": first,
        "last_purchase": last,
        "tenure_days": _days(ref, first),
        "m_nonpositive": nonpositive,
    }
    if returns == "separate":
        data["return_lines"] = be.as_int64(c["return_lines"])
        data["return_amount"] = return_amount_all[keep]
    table = pd.DataFrame(data, index=pd.RangeIndex(len(c)))
    # ascending id *values* (a categorical follows its values, not its category codes, §5)
    table = table.take(id_order(table[customer], customer)).reset_index(drop=True)
    stage["customers"] = int(len(table))
    stage["customers_f0"] = int((freq == 0).sum())
    stage["customers_m_nonpositive"] = int(nonpositive.sum())
    stage["monetary_sum_total"] = float(total.sum())
    stage["return_amount_total"] = float(return_amount_all[keep].sum())
    return table, stage


def _card(
    p: prep.Prepared,
    grain: str,
    occasion: str,
    monetary: str,
    ref: pd.Timestamp,
    rule: str,
    start: pd.Timestamp | None,
    counts: dict[str, Any],
) -> DefinitionCard:
    o = p.options
    grain_text = _GRAIN_TEXT[grain].format(order=o.order)
    m_text = "sum of included amounts" if monetary == "sum" else "mean amount per occasion"
    if o.returns == "net":
        m_text += " (purchases minus returns)"
    elif o.returns in ("exclude", "separate"):
        m_text += " (gross purchases; return lines dropped)"
    definitions = {
        "grain": grain_text,
        "order_column": None if o.order is None else str(o.order),
        "occasion": f"{occasion}: {_OCCASION_TEXT[occasion]}",
        "monetary": monetary,
        "R": "recency_days = analysis date − last occasion date (calendar days)",
        "F": "frequency = number of purchase occasions in the window",
        "M": f"monetary = {m_text}",
        "m_nonpositive": "Σ included amounts ≤ 0 (flagged, never dropped; compared at 9 decimals)",
    }
    if monetary == "mean":
        definitions["monetary_sum"] = (
            "monetary_sum = Σ included amounts (the customer's net spend; revenue totals use it)"
        )
    dates = {
        "analysis_date": ref.date(),
        "analysis_rule": f"{rule} → {ref.date()} (last transaction {p.max_day.date()}; inclusive)",
        "first_transaction": p.min_day.date(),
        "last_transaction": p.max_day.date(),
        "window_start": None if start is None else start.date(),
        # (key "date_parsing", not "date_format": lifecycle_flags would read a "date_format"
        # field as the format of its own tx, which its tests do not expect yet)
        "date_parsing": p.date_parsing,
        "tz": p.zone_text,
        "tz_source": p.zone_source,
    }
    card_counts = prep.card_counts(p)
    card_counts.update(
        {
            "orders_formed": counts["orders_formed"],
            "rows_merged": counts["rows_in_window"] - counts["orders_formed"]
            if o.returns == "net"
            else counts["rows_in_window"] - counts["return_lines"] - counts["orders_formed"],
            "orders_spanning_days": counts["orders_spanning_days"],
            "return_only_orders": counts["return_only_orders"],
            "orders_shared_by_customers": counts["orders_shared_by_customers"],
            "occasions": counts["occasions"],
            "customers": counts["customers"],
            "customers_f0": counts["customers_f0"],
            "customers_m_nonpositive": counts["customers_m_nonpositive"],
        }
    )
    counts["rows_merged"] = card_counts["rows_merged"]
    extra: dict[str, float] = {}
    # with monetary="mean" the table holds sums / F: reconcile its monetary_sum column
    label = "monetary" if monetary == "sum" else "monetary_sums"
    parts = {label: counts["monetary_sum_total"]}
    if o.returns == "separate":
        parts["return_amount"] = counts["return_amount_total"]
    elif o.returns == "exclude":
        extra["returns_excluded"] = counts["return_amount_all_customers"]
    recon = prep.reconciliation(p, parts, extra)
    counts["reconciliation_holds"] = recon["holds"]
    policies = prep.card_policies(p)
    policies["occasion"] = occasion
    return (
        DefinitionCard("rfm_table")
        .with_section("header", prep.card_header(p, "rfm_table"))
        .with_section("definitions", definitions)
        .with_section("dates", dates)
        .with_section("policies", policies)
        .with_section("counts", card_counts)
        .with_section("reconciliation", recon)
    )

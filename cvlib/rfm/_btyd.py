"""The BTYD / lifetimes summary (frequency, recency, T, monetary_value) of a transaction log.

:func:`btyd_summary` is the input of BG/NBD, Pareto/NBD and Gamma-Gamma models. It reproduces
lifetimes 0.11.3 ``summary_data_from_transaction_data`` exactly (``methods/rfm.md`` §6) while
sharing cvlib's preparation pipeline (missing values, duplicates, time zones, returns; §4) and
running on the input's engine (pandas, polars, DuckDB, PySpark; §16). Its columns are **not** the
classic RFM columns of :func:`cvlib.rfm.rfm_table`: ``frequency`` counts repeat periods and
``recency`` is the customer's age at the last purchase.
"""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError
from cvlib.rfm import _backends as be
from cvlib.rfm import _prepare as prep
from cvlib.rfm._card import DefinitionCard

__all__ = ["BTYDResult", "btyd_summary"]

P = "__cvlib_period"  # the period of a row: its local date ("D") or its week number ("W")

#: Fixed-length period units cvlib supports (calendar-day logic; §6.1 step 1).
FREQS = ("D", "W")
_UNIT_DAYS = {"D": 1, "W": 7}
# Days from 0000-03-01 (proleptic Gregorian) to 1970-01-01; see _day_number.
_EPOCH_DAY_NUMBER = 719468


@dataclass(frozen=True, repr=False, eq=False)
class BTYDResult(ResultMixin):
    """The BTYD summary table (lifetimes' column names) with its definition card (口径说明卡).

    Attributes
    ----------
    table : DataFrame
        Indexed by customer id (index name = the customer column), sorted by id; float64 columns
        ``frequency``, ``recency``, ``T`` and (with ``amount=``) ``monetary_value``; with
        ``returns="separate"`` also ``return_lines`` (int64) and ``return_amount`` (float64).
    card : DefinitionCard
        Header, definitions, dates, policies, counts and the amount reconciliation (§15).
    customer : str
        Name of the customer id column.
    observation_end : Timestamp
        The observation end as given (or the latest local date), a calendar date.
    observation_end_period : Timestamp
        Its period start (the date itself for ``"D"``, the Monday of its week for ``"W"``).
    freq, freq_multiplier, include_first_transaction, tz, tz_source, occasion, returns,
    missing, duplicates
        The conventions used (see :func:`btyd_summary`).
    counts : dict
        Every count and amount of the preparation steps.
    """

    table: pd.DataFrame = Snapshot()
    counts: dict[str, Any] = Snapshot()
    card: DefinitionCard
    customer: str
    observation_end: pd.Timestamp
    observation_end_period: pd.Timestamp
    freq: str
    freq_multiplier: float
    include_first_transaction: bool
    tz: str | None
    tz_source: str
    occasion: str
    returns: str
    missing: str
    duplicates: str

    _conventions = ("observation_end", "freq", "freq_multiplier", "include_first_transaction")
    _title = "BTYDResult"

    @property
    def nonpositive_monetary(self) -> pd.Index:
        """Customers with ``frequency > 0`` and ``monetary_value ≤ 0`` (§6.3), compared at 9 decimals.

        The comparison (not the value) is rounded to 9 decimals, as ``m_nonpositive`` of
        :func:`cvlib.rfm.rfm_table`: a mean of period totals that cancel exactly in decimals is
        ±1e-17 or so, with an engine- and run-dependent sign, and counts as 0 here.

        They cannot enter the Gamma-Gamma spend model; cvlib flags them (here and as a count
        on the card) and never shifts their values. Empty without ``amount=``.
        """
        t = self._table
        if "monetary_value" not in t:
            return t.index[:0]
        return t.index[_nonpositive(t)]

    def summary(self) -> pd.DataFrame:
        """Distribution of the BTYD columns: count, mean, std, min, quartiles, max."""
        cols = [c for c in ("frequency", "recency", "T", "monetary_value") if c in self._table]
        return self._table[cols].describe().T

    def __repr__(self) -> str:
        head = self._table.head(10).to_string()
        return f"{self.card}\n\n{head}\n[{len(self._table):,} customers]"

    def _repr_html_(self) -> str:
        table = self._table.head(10).to_html(float_format=lambda x: f"{x:.6g}")
        return (
            f"{self.card._repr_html_()}{table}"
            f"<p>{html.escape(f'{len(self._table):,} customers')}</p>"
        )


def _week_steps(day: str) -> list[dict[str, nw.Expr]]:
    """Column steps giving ``P`` = the Monday-based week number of the local date ``day``.

    Days since 0000-03-01 by Howard Hinnant's ``days_from_civil`` (year/month/day and integer
    arithmetic: narwhals has no portable date -> integer cast; exact and non-negative for years
    ≥ 1, so floor division behaves the same on every engine; 1970-01-01 is day 719,468), then
    (days + 2) // 7, as 0000-03-01 is a Wednesday. Each step is its own column so no engine
    sees a duplicated expression tree.
    """
    one, zero = nw.lit(1, nw.Int64), nw.lit(0, nw.Int64)
    col = nw.col
    return [
        {
            "__cvlib_y": col(day).dt.year().cast(nw.Int64),
            "__cvlib_m": col(day).dt.month().cast(nw.Int64),
            "__cvlib_d": col(day).dt.day().cast(nw.Int64),
        },
        {"__cvlib_y": col("__cvlib_y") - nw.when(col("__cvlib_m") <= 2).then(one).otherwise(zero)},
        {"__cvlib_era": col("__cvlib_y") // 400},
        {
            "__cvlib_yoe": col("__cvlib_y") - col("__cvlib_era") * 400,
            "__cvlib_doy": ((col("__cvlib_m") + 9) % 12 * 153 + 2) // 5 + col("__cvlib_d") - 1,
        },
        {
            "__cvlib_n": col("__cvlib_era") * 146097
            + col("__cvlib_yoe") * 365
            + col("__cvlib_yoe") // 4
            - col("__cvlib_yoe") // 100
            + col("__cvlib_doy")
        },
        {P: ((col("__cvlib_n") + 2) // 7).cast(nw.Int64)},
    ]


def _week_of(day: pd.Timestamp) -> int:
    n = (day.to_datetime64().astype("datetime64[D]").astype("int64")) + _EPOCH_DAY_NUMBER
    return int((n + 2) // 7)


def _monday(week: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(week * 7 - 2 - _EPOCH_DAY_NUMBER, "D"))


def btyd_summary(
    tx: Any,
    *,
    customer: str,
    date: str,
    amount: str | None = None,
    observation_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
    tz: str | None = None,
    date_format: str | None = None,
    returns: str = "net",
    cancel_prefix: str | None = None,
    cancel_col: str | None = None,
    occasion: str = "purchase",
    missing: str = "drop",
    duplicates: str = "keep",
) -> BTYDResult:
    """BTYD summary (frequency, recency, T, monetary_value), identical to lifetimes 0.11.3.

    Each row's period is its local date (``freq="D"``) or its week (``"W"``: Monday-Sunday,
    pandas' ``W-SUN``). The observation end *E* (default: the latest local date) is floored to
    its period and rows of later periods are excluded. Per customer, over the purchase-occasion
    periods (first *t₀*, last *t₁*, count *n*) and unit *u* (1 day or 7 days):

    * ``frequency`` = *n* − 1 (*n* with ``include_first_transaction=True``): repeat periods;
    * ``recency`` = (*t₁* − *t₀*) / *u* / ``freq_multiplier``: the age at the last purchase;
    * ``T`` = (*E* − *t₀*) / *u* / ``freq_multiplier``: the age at the observation end;
    * ``monetary_value`` = mean of the period totals Σ amount of the repeat periods (all but
      the first), 0.0 without repeats (the mean over all periods with
      ``include_first_transaction=True``).

    This is **not** classic RFM: ``frequency`` is not the number of purchases and ``recency`` is
    not the time since the last purchase (use :func:`cvlib.rfm.rfm_table` for those).

    Parameters
    ----------
    tx : DataFrame, LazyFrame or relation
        pandas or polars DataFrame, polars LazyFrame, DuckDB relation or PySpark DataFrame.
    customer, date : str
        Customer id and transaction time columns (dates as in :func:`cvlib.rfm.rfm_table`).
    amount : str, optional
        Numeric amount; without it the table has no ``monetary_value``.
    observation_end : str, date or datetime, optional
        Last day observed (inclusive), default the latest local date. Floored to its period:
        with ``freq="W"`` rows later in the same week are included (lifetimes' behaviour).
    freq : {"D", "W"}
        Period length. Calendar units of varying length ("M", "Q", "Y") are refused.
    freq_multiplier : float, default 1
        Divides recency and T (lifetimes' ``freq_multiplier``).
    include_first_transaction : bool, default False
        Count the first period in ``frequency`` and ``monetary_value`` (keep False for the
        lifetimes fitters).
    tz, date_format, missing, duplicates, cancel_prefix, cancel_col
        As in :func:`cvlib.rfm.rfm_table`.
    returns : {"net", "exclude", "separate", "raise"}
        "net": period totals include return lines; "exclude" drops return lines first;
        "separate" drops them and adds ``return_lines`` and ``return_amount``.
    occasion : {"purchase", "positive_net", "any"}
        Which periods are purchases: ≥ 1 non-return line (default), net total > 0, or every
        period (``"any"`` reproduces lifetimes on data with returns). Amounts of other periods
        are attributed to no period and reported on the card.

    Returns
    -------
    BTYDResult
        ``.table`` (pandas, indexed by customer id as lifetimes does), ``.card`` and the
        conventions used.

    Examples
    --------
    >>> import warnings
    >>> from cvlib.datasets import load_cdnow
    >>> from cvlib.rfm import btyd_summary
    >>> tx = load_cdnow()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # 255 exact duplicate rows are kept and reported
    ...     res = btyd_summary(tx, customer="customer_id", date="date", amount="dollar_value",
    ...                        observation_end="1998-06-30")
    >>> res.table.loc["00003"].round(2).tolist()
    [5.0, 511.0, 544.0, 27.14]

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the easy way:
    an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284.
    lifetimes 0.11.3, ``lifetimes.utils.summary_data_from_transaction_data``
    (https://lifetimes.readthedocs.io/). ``methods/rfm.md`` §6.
    """
    if not isinstance(freq, str) or freq not in FREQS:
        raise CvlibInputError(
            f"freq={freq!r} is not supported; btyd_summary needs a fixed-length period of whole "
            f'days: use "W" (weeks, Monday-Sunday) or "D" (days). Calendar months, quarters and '
            f"years have varying lengths, so recency and T in those units would not be exact."
        )
    if (
        isinstance(freq_multiplier, bool)
        or not isinstance(freq_multiplier, numbers.Real)
        or not np.isfinite(freq_multiplier)
        or freq_multiplier <= 0
    ):
        raise CvlibInputError(
            f"freq_multiplier must be a positive number (recency and T are divided by it), got "
            f"{freq_multiplier!r}."
        )
    if not isinstance(include_first_transaction, bool | np.bool_):
        raise TypeError(
            f"include_first_transaction must be True or False, got {include_first_transaction!r}."
        )
    options = prep.Options(
        function="btyd_summary",
        customer=customer,
        date=date,
        amount=amount,
        cancel_col=cancel_col,
        cancel_prefix=None,
        tz=tz,
        date_format=date_format,
        returns=returns,
        occasion=occasion,
        missing=missing,
        duplicates=duplicates,
        amount_required=False,
    )
    if cancel_prefix is not None:
        raise CvlibInputError(
            "cancel_prefix needs order ids, which btyd_summary does not take; flag cancellation "
            "lines with cancel_col= (a boolean column) instead."
        )
    p = prep.prepare(tx, options)
    if p.max_day is None:
        prep.emit_warnings(p)
        raise prep.no_rows_error(p, "every row has a missing customer id, date or amount")
    given = observation_end is not None
    end = prep.parse_day(observation_end, "observation_end", p.zone) if given else p.max_day
    if freq == "D":
        steps = [{P: nw.col(prep.D)}]
        end_period = end
        end_value: Any = be.day_value(end, p.source.backend)
        first_period = p.min_day
    else:
        steps = _week_steps(prep.D)
        end_period = _monday(_week_of(end))
        end_value = _week_of(end)
        first_period = _monday(_week_of(p.min_day))
    if end_period < first_period:
        raise CvlibInputError(
            f"observation_end {end.date()} (period {end_period.date()}) is before the first "
            f"transaction date {p.min_day.date()}; no customer could be observed."
        )
    after = nw.col(P) > nw.lit(end_value) if given else None
    rows = p.window(after, None, extra=steps, keep_extra=[P])
    counts = p.counts
    if counts["rows_after_analysis_date"]:
        p.warnings.append(
            f"excluded {counts['rows_after_analysis_date']:,} row(s) in periods after "
            f"observation_end {end.date()} (period {end_period.date()}); see the card."
        )
    if counts["rows_in_window"] == 0:
        prep.emit_warnings(p)
        raise prep.no_rows_error(p, "no row falls in the observation period")

    # ---- Stage A: line items -> (customer, period) -> customers
    has_amount = p.has_amount
    periods = prep.order_level(rows, [P], returns, amount=has_amount, dates=False)
    periods = prep.occasion_flags(periods, occasion, returns, amount=has_amount, day=P)
    extra_cols: dict[str, nw.Expr] = {}
    aggs = [
        nw.col("occ_day").min().alias("first"),
        nw.col("occ_day").max().alias("last"),
        nw.col("occ").sum().alias("n"),
        nw.col("n_return").sum().alias("return_lines"),
        nw.col("n_lines").sum().alias("lines"),
        nw.len().alias("periods"),
    ]
    ints = ["n", "return_lines", "lines", "periods"]
    if has_amount:
        extra_cols["occ_amount"] = nw.when(nw.col("occ") == 1).then(nw.col("amount"))
        extra_cols["other_amount"] = (
            nw.when(nw.col("occ") == 1).then(nw.lit(0.0)).otherwise(nw.col("amount"))
        )
        aggs += [
            nw.col("occ_amount").sum().alias("occ_total"),
            nw.col("other_amount").sum().alias("other_total"),
            nw.col("return_amount").sum().alias("return_amount"),
        ]
        if include_first_transaction:
            aggs.append(nw.col("occ_amount").mean().alias("monetary_value"))
    periods = periods.with_columns(**extra_cols) if extra_cols else periods
    per_customer = prep.int_columns(periods.group_by(prep.C).agg(*aggs), ints)
    if has_amount and not include_first_transaction:
        # mean over the repeat periods: join the customer's first period and filter it out
        # (a grouped mean, never (total - first) / (n - 1); §6.1 step 5)
        firsts = per_customer.select(prep.C, nw.col("first").alias("__cvlib_first"))
        repeat = (
            periods.filter(nw.col("occ") == 1)
            .join(firsts, on=prep.C, how="inner")
            .filter(nw.col("occ_day") != nw.col("__cvlib_first"))
            .group_by(prep.C)
            .agg(nw.col("amount").mean().alias("monetary_value"))
        )
        per_customer = per_customer.join(repeat, on=prep.C, how="left")
    collected = be.collect_pandas(per_customer)
    collected[prep.C] = p.decode_customers(collected[prep.C])

    # ---- Stage B: pandas, on the customer table
    table, stage = _summary_table(
        collected,
        customer,
        freq,
        end_period,
        freq_multiplier,
        include_first_transaction,
        has_amount,
        returns,
    )
    counts.update(stage)
    if stage["customers_without_purchase_period"]:
        p.warnings.append(
            f"{stage['customers_without_purchase_period']:,} customer(s) have lines in the "
            f"observation period but no purchase period (occasion={occasion!r}); they are not "
            f"in the BTYD table (see the card)."
        )
    card = _card(
        p,
        freq,
        freq_multiplier,
        include_first_transaction,
        occasion,
        end,
        end_period,
        given,
        counts,
    )
    prep.emit_warnings(p)
    return BTYDResult(
        table=table,
        counts=counts,
        card=card,
        customer=customer,
        observation_end=end,
        observation_end_period=end_period,
        freq=freq,
        freq_multiplier=freq_multiplier,
        include_first_transaction=bool(include_first_transaction),
        tz=p.zone,
        tz_source=p.zone_source,
        occasion=occasion,
        returns=returns,
        missing=missing,
        duplicates=duplicates,
    )


def _summary_table(
    c: pd.DataFrame,
    customer: str,
    freq: str,
    end_period: pd.Timestamp,
    multiplier: float,
    include_first: bool,
    has_amount: bool,
    returns: str,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    n = be.as_int64(c["n"])
    keep = n > 0
    stage: dict[str, Any] = {
        "periods_formed": int(be.as_int64(c["periods"]).sum()),
        "purchase_periods": int(n.sum()),
        "customers_without_purchase_period": int((~keep).sum()),
    }
    if has_amount:
        stage["amount_purchase_periods"] = float(
            c["occ_total"].to_numpy("float64", na_value=0.0).sum()
        )
        stage["amount_other_periods"] = float(
            c["other_total"].to_numpy("float64", na_value=0.0).sum()
        )
        stage["return_amount_all_customers"] = float(
            c["return_amount"].to_numpy("float64", na_value=0.0).sum()
        )
    stage["periods_without_purchase"] = stage["periods_formed"] - stage["purchase_periods"]
    c = c.loc[keep]
    n = n[keep]
    if freq == "D":
        first = be.as_datetime_ns(c["first"]).astype("datetime64[D]").astype("int64")
        last = be.as_datetime_ns(c["last"]).astype("datetime64[D]").astype("int64")
        end = int(end_period.to_datetime64().astype("datetime64[D]").astype("int64"))
    else:
        first = be.as_int64(c["first"])
        last = be.as_int64(c["last"])
        end = _week_of(end_period)
    # lifetimes: (timedelta / np.timedelta64(1, freq)) / freq_multiplier, i.e. a whole number of
    # units as float64, then one division; both are exact here, so the results are identical.
    data = {
        "frequency": (n if include_first else n - 1).astype("float64"),
        "recency": (last - first).astype("float64") / multiplier,
        "T": (end - first).astype("float64") / multiplier,
    }
    if has_amount:
        mv = c["monetary_value"].to_numpy(dtype="float64", na_value=np.nan)
        data["monetary_value"] = np.where(np.isnan(mv), 0.0, mv)
    if returns == "separate":
        data["return_lines"] = be.as_int64(c["return_lines"])
        data["return_amount"] = c["return_amount"].to_numpy(dtype="float64", na_value=0.0)
    index = pd.Index(c[prep.C].to_numpy(), name=customer, dtype=c[prep.C].dtype)
    table = pd.DataFrame(data, index=index).sort_index(kind="stable")
    stage["customers"] = int(len(table))
    stage["customers_frequency_0"] = int((table["frequency"] == 0).sum())
    if has_amount:
        stage["customers_nonpositive_monetary_value"] = int(_nonpositive(table).sum())
    return table, stage


def _nonpositive(table: pd.DataFrame) -> np.ndarray:
    """``frequency > 0`` and ``monetary_value ≤ 0`` compared at 9 decimals (§6.3).

    The float-noise guard of ``rfm_table``'s ``m_nonpositive`` (§7.2): repeat periods whose
    purchases and returns cancel exactly in decimals (0.1 + 0.2 - 0.3) sum to ±1e-17 or so,
    with a sign that depends on the order an engine added in (multi-threaded engines vary from
    run to run). Only the comparison is rounded; ``monetary_value`` is never changed.
    """
    mv = table["monetary_value"].to_numpy(dtype="float64")
    return (table["frequency"].to_numpy() > 0) & (np.round(mv, 9) <= 0)


def _card(
    p: prep.Prepared,
    freq: str,
    multiplier: float,
    include_first: bool,
    occasion: str,
    end: pd.Timestamp,
    end_period: pd.Timestamp,
    given: bool,
    counts: dict[str, Any],
) -> DefinitionCard:
    unit = "days" if freq == "D" else "weeks"
    per = f" / {multiplier:g}" if multiplier != 1 else ""
    first_word = "all periods" if include_first else "repeat periods (first excluded)"
    definitions = {
        "period": (
            "local calendar date"
            if freq == "D"
            else "week Monday-Sunday (pandas W-SUN), by its Monday"
        ),
        "occasion": f"{occasion}: "
        + {
            "purchase": "period has ≥1 non-return line",
            "positive_net": "period's net amount > 0",
            "any": "every period with a line",
        }[occasion],
        "frequency": (
            "number of purchase periods" if include_first else "number of purchase periods − 1"
        )
        + " (NOT the number of purchases)",
        "recency": f"last − first purchase period, in {unit}{per} (age at last purchase; NOT "
        f"time since it)",
        "T": f"observation end period − first purchase period, in {unit}{per}",
        "monetary_value": f"mean period total over {first_word}; 0 if none",
        "nonpositive_monetary_value": "frequency > 0 and monetary_value ≤ 0, compared at 9 "
        "decimals (float-noise guard; values are not rounded); flagged for Gamma-Gamma, never "
        "shifted",
        "conformance": "lifetimes 0.11.3 summary_data_from_transaction_data",
    }
    if not p.has_amount:
        definitions.pop("monetary_value")
        definitions.pop("nonpositive_monetary_value")
    dates = {
        "observation_end": end.date(),
        "observation_end_rule": "given" if given else f"latest local date {p.max_day.date()}",
        "observation_end_period": end_period.date(),
        "freq": freq,
        "freq_multiplier": multiplier,
        "first_transaction": p.min_day.date(),
        "last_transaction": p.max_day.date(),
        "tz": p.zone_text,
        "tz_source": p.zone_source,
    }
    if freq == "W":
        dates["week_rule"] = (
            "rows later in the week of observation_end are included (lifetimes behaviour)"
        )
    policies = prep.card_policies(p)
    policies.pop("cancel_prefix")
    policies["occasion"] = occasion
    card_counts = prep.card_counts(p)
    for key in (
        "periods_formed",
        "purchase_periods",
        "periods_without_purchase",
        "customers",
        "customers_frequency_0",
        "customers_without_purchase_period",
        "customers_nonpositive_monetary_value",
        "amount_other_periods",
    ):
        if key in counts:
            card_counts[key] = counts[key]
    card = (
        DefinitionCard("btyd_summary")
        .with_section("header", prep.card_header(p, "btyd_summary"))
        .with_section("definitions", definitions)
        .with_section("dates", dates)
        .with_section("policies", policies)
        .with_section("counts", card_counts)
    )
    if p.has_amount:
        extra = {"periods_without_purchase": counts["amount_other_periods"]}
        parts = {"purchase_periods": counts["amount_purchase_periods"]}
        if p.options.returns == "separate":
            parts["return_amount"] = counts["return_amount_all_customers"]
        elif p.options.returns == "exclude":
            extra["returns_excluded"] = counts["return_amount_all_customers"]
        recon = prep.reconciliation(p, parts, extra)
        counts["reconciliation_holds"] = recon["holds"]
        card = card.with_section("reconciliation", recon)
    return card

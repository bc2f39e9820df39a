"""Lifecycle status and the usual-cycle churn alert (活跃/沉睡/流失, 异常情况).

Spec: ``methods/rfm.md`` §13 and ``methods/value_and_credit.md`` §5.2. The seeds give the rules but
no thresholds, so the thresholds are required arguments.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from numbers import Real
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from cvlib._validation import CvlibInputError, check_columns_exist

STATUS_ZH = {"active": "活跃", "dormant": "沉睡", "churned": "流失", "no purchase": "窗口内无购买"}


def _days(value: Any, name: str, *, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(float(value)):
        raise CvlibInputError(f"{name}={value!r} must be a finite number of days.")
    if float(value) < minimum:
        raise CvlibInputError(f"{name}={value!r} must be >= {minimum:g} days.")
    return float(value)


# strict ISO 8601 string forms (rfm.md §3, §20.11): the same policy as rfm_table
_ISO_FORMATS = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", "%Y-%m-%dT%H:%M:%S"),
    (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S"),
)


def _result_date_format(result: Any) -> str | None:
    """The date_format the RFM result was built with, when it records one (else None)."""
    fmt = getattr(result, "date_format", None)
    if fmt is None:
        card = getattr(result, "card", None)
        try:
            fmt = card.section("dates").get("date_format") if card is not None else None
        except (KeyError, AttributeError, TypeError):
            fmt = None
    return fmt if isinstance(fmt, str) else None


def _parse_dates(values: pd.Series, date: Hashable, date_format: str | None) -> pd.Series:
    """Dates of ``tx`` parsed strictly: datetimes as they are, strings only with ``date_format``
    or in strict ISO 8601; cvlib never guesses dd/mm vs mm/dd (rfm.md §20.11)."""
    if date_format is not None and not isinstance(date_format, str):
        raise CvlibInputError(
            f"date_format must be a strptime format string such as '%d/%m/%Y', got {date_format!r}."
        )
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if date_format is not None:
            raise CvlibInputError(
                f"date_format={date_format!r} applies to string dates only; column {date!r} is "
                f"already {values.dtype}. Drop date_format."
            )
        return values
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred in ("date", "datetime", "datetime64", "empty"):
        if date_format is not None and inferred != "empty":
            raise CvlibInputError(
                f"date_format={date_format!r} applies to string dates only; column {date!r} "
                f"already holds {inferred} values. Drop date_format."
            )
        return pd.to_datetime(values)
    if inferred != "string":
        raise CvlibInputError(
            f"date column {date!r} holds {inferred} values ({values.dtype}); cvlib does not guess "
            f"dates. Pass datetimes, dates, strict ISO 8601 strings ('YYYY-MM-DD'), or strings "
            f'with date_format= (e.g. date_format="%Y%m%d" after .astype(str)).'
        )
    text = values.astype(object).where(values.notna(), None)
    present = text.dropna().astype(str)
    fmt = date_format
    if fmt is None:
        for pattern, candidate in _ISO_FORMATS:
            if present.str.fullmatch(pattern).all():
                fmt = candidate
                break
        else:
            iso = pd.Series(False, index=present.index)
            for pattern, _ in _ISO_FORMATS:
                iso |= present.str.fullmatch(pattern)
            bad = present[~iso].head(3).tolist()
            example = ", ".join(map(repr, bad)) if bad else "values in more than one ISO form"
            hint = "%Y%m%d" if bad and all(re.fullmatch(r"\d{8}", v) for v in bad) else "%d/%m/%Y"
            raise CvlibInputError(
                f"ambiguous date format in column {date!r} (e.g. {example}); cvlib reads strings "
                f"only in strict ISO 8601 (YYYY-MM-DD, optionally with 'T'/' ' HH:MM:SS) and "
                f"never guesses dd/mm vs mm/dd. Pass date_format= (the one given to rfm_table), "
                f'e.g. date_format="{hint}".'
            )
    try:
        return pd.to_datetime(text, format=fmt)
    except (ValueError, TypeError) as exc:
        raise CvlibInputError(
            f"column {date!r} could not be parsed with date_format={fmt!r}: "
            f"{str(exc).splitlines()[0].rstrip('.')}. Check date_format."
        ) from exc


def _visit_days(
    tx: Any,
    customer: Hashable,
    date: Hashable,
    tz: str | None,
    as_of: pd.Timestamp,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Distinct (customer, local calendar day) pairs up to ``as_of``, collected to pandas."""
    frame = nw.from_native(tx)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.select(customer, date).unique().collect()
    else:
        frame = frame.select(customer, date).unique()
    days = frame.to_pandas()
    stamp = _parse_dates(days[date], date, date_format)
    if getattr(stamp.dt, "tz", None) is not None:
        stamp = stamp.dt.tz_convert(tz) if tz else stamp
        stamp = stamp.dt.tz_localize(None)
    days = pd.DataFrame({"customer": days[customer].to_numpy(), "day": stamp.dt.normalize()})
    days = days.dropna().drop_duplicates()
    return days[days["day"] <= as_of]


def lifecycle_flags(
    result: Any,
    tx: Any = None,
    *,
    dormant_after: float,
    churned_after: float,
    grace_days: float = 3,
    date: Hashable | None = None,
    date_format: str | None = None,
    as_of: Any = None,
    window: int = 6,
    min_gaps: int = 2,
) -> pd.DataFrame:
    r"""Lifecycle status per customer and, with the transactions, the usual-cycle alert.

    * ``status`` (活跃 / 沉睡 / 流失): active if recency_days <= ``dormant_after``, dormant if
      <= ``churned_after``, churned otherwise; customers with F = 0 are "no purchase".
    * ``cycle_alert`` (异常情况, "超过固定周期3天不进站"): the usual cycle c is the median of the
      customer's last ``window`` gaps between visit days (at least ``min_gaps`` gaps, else
      ``cycle_status = "insufficient_history"``); the due date is last visit + c + ``grace_days``
      and the customer is flagged when days since the last visit > c + ``grace_days`` (strict, from
      "超过").

    Parameters
    ----------
    result : RFMResult
        From :func:`cvlib.rfm.rfm_table` (its table, customer column, analysis date and tz are
        used).
    tx : DataFrame, optional
        The same transactions (any backend narwhals reads); needed for the cycle alert. Visits are
        distinct local calendar days (``result.tz``) up to ``as_of``.
    dormant_after, churned_after : float
        Required day thresholds, 0 <= dormant_after <= churned_after. The sources give none.
    grace_days : float, default 3
        Days beyond the usual cycle before the alert (the source's 3 days).
    date : column name, optional
        The date column of ``tx`` (required with ``tx``).
    date_format : str, optional
        strptime format of string dates in ``tx`` (e.g. ``"%d/%m/%Y"``); default the one the
        result was built with when it records it. Without it, strings must be strict ISO 8601
        (``YYYY-MM-DD``, optionally with ``T``/space ``HH:MM:SS``); other strings raise
        ``CvlibInputError`` (cvlib never guesses dd/mm vs mm/dd). Datetime columns are used as
        they are (tz-aware ones converted to ``result.tz``).
    as_of : date, optional
        Reference date of the alert (an ISO date string, date or Timestamp; a tz-aware one is
        converted to ``result.tz`` and its local date taken); default the result's analysis date.
    window, min_gaps : int
        Number of most recent gaps used for the usual cycle, and the minimum number required.

    Returns
    -------
    DataFrame
        One row per customer: the customer column, ``recency_days``, ``status``, ``status_zh``;
        with ``tx`` also ``n_visits``, ``usual_cycle_days``, ``last_visit``, ``due_date``,
        ``days_since_last_visit``, ``cycle_alert`` and ``cycle_status`` ("ok", "alert",
        "insufficient_history"). ``attrs["cvlib"]`` records the thresholds and rules.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.rfm import lifecycle_flags, rfm_table
    >>> tx = pd.DataFrame({"c": [1] * 5, "d": pd.to_datetime(
    ...     ["2024-02-02", "2024-02-09", "2024-02-16", "2024-02-23", "2024-03-01"]), "a": 1.0})
    >>> rfm = rfm_table(tx, customer="c", date="d", amount="a", analysis_date="2024-03-12")
    >>> flags = lifecycle_flags(rfm, tx, date="d", dormant_after=30, churned_after=90)
    >>> float(flags.loc[0, "usual_cycle_days"]), bool(flags.loc[0, "cycle_alert"])
    (7.0, True)

    References
    ----------
    Seeds: 客户分类基本知识综述 (活跃/沉睡/流失, source 003 L195-197); 客户管理論文 (petrol-station
    CRM, "超过固定周期3天", source 001 L362). Specs ``rfm.md`` §13, ``value_and_credit.md`` §5.2.
    """
    dormant = _days(dormant_after, "dormant_after")
    churned = _days(churned_after, "churned_after")
    if dormant > churned:
        raise CvlibInputError(
            f"dormant_after={dormant_after} is larger than churned_after={churned_after}; a "
            f"customer becomes dormant before churned, so pass dormant_after <= churned_after."
        )
    grace = _days(grace_days, "grace_days")
    for name, value in (("window", window), ("min_gaps", min_gaps)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise CvlibInputError(f"{name}={value!r} must be a positive integer.")
    if min_gaps > window:
        raise CvlibInputError(f"min_gaps={min_gaps} cannot exceed window={window}.")
    table = getattr(result, "table", None)
    if not isinstance(table, pd.DataFrame) or "recency_days" not in table.columns:
        raise CvlibInputError(
            "result must be an RFMResult from cvlib.rfm.rfm_table (a .table with recency_days)."
        )
    customer = result.customer
    recency = table["recency_days"].astype("Float64")
    status = np.select(
        [
            recency.isna().to_numpy(),
            (recency <= dormant).fillna(False).to_numpy(),
            (recency <= churned).fillna(False).to_numpy(),
        ],
        ["no purchase", "active", "dormant"],
        default="churned",
    )
    out = pd.DataFrame(
        {customer: table[customer].to_numpy(), "recency_days": table["recency_days"].to_numpy()}
    )
    out["status"] = status
    out["status_zh"] = out["status"].map(STATUS_ZH)
    if as_of is None:
        reference = pd.Timestamp(result.analysis_date)
    else:
        from cvlib.rfm._prepare import parse_day

        reference = parse_day(as_of, "as_of", getattr(result, "tz", None))
    if date_format is None:
        date_format = _result_date_format(result)
    info = {
        "dormant_after": dormant,
        "churned_after": churned,
        "status_rule": "active if recency_days <= dormant_after; dormant if <= churned_after; "
        "churned otherwise; F = 0: no purchase",
    }
    if tx is not None:
        if date is None:
            raise CvlibInputError("pass date= (the date column of tx) to compute the cycle alert.")
        native = nw.from_native(tx)
        check_columns_exist(pd.DataFrame(columns=native.columns), [customer, date])
        visits = _visit_days(tx, customer, date, result.tz, reference.normalize(), date_format)
        visits = visits.sort_values(["customer", "day"], kind="stable")
        gaps = visits.groupby("customer", sort=False)["day"].diff().dt.days
        visits = visits.assign(gap=gaps)
        recent = visits.dropna(subset=["gap"]).groupby("customer", sort=False).tail(window)
        per = pd.DataFrame(
            {
                "n_visits": visits.groupby("customer")["day"].size(),
                "last_visit": visits.groupby("customer")["day"].max(),
                "n_gaps": recent.groupby("customer")["gap"].size(),
                "usual_cycle_days": recent.groupby("customer")["gap"].median(),
            }
        )
        per["n_gaps"] = per["n_gaps"].fillna(0).astype("int64")
        enough = per["n_gaps"] >= min_gaps
        per.loc[~enough, "usual_cycle_days"] = np.nan
        per["days_since_last_visit"] = (reference.normalize() - per["last_visit"]).dt.days
        allowed = per["usual_cycle_days"] + grace
        per["due_date"] = per["last_visit"] + pd.to_timedelta(allowed, unit="D")
        per["cycle_alert"] = (per["days_since_last_visit"] > allowed) & enough
        per["cycle_status"] = np.where(
            ~enough, "insufficient_history", np.where(per["cycle_alert"], "alert", "ok")
        )
        per = per.reindex(out[customer].to_numpy())
        for column in (
            "n_visits",
            "usual_cycle_days",
            "last_visit",
            "due_date",
            "days_since_last_visit",
            "cycle_alert",
            "cycle_status",
        ):
            out[column] = per[column].to_numpy()
        out["n_visits"] = out["n_visits"].fillna(0).astype("int64")
        out["cycle_alert"] = out["cycle_alert"].fillna(False).astype(bool)
        out["cycle_status"] = out["cycle_status"].fillna("insufficient_history")
        info.update(
            {
                "as_of": str(reference.date()),
                "visit": "distinct local calendar day with a transaction",
                "usual_cycle": f"median of the last {window} gaps between visits "
                f"(at least {min_gaps}, else insufficient_history)",
                "grace_days": grace,
                "alert_rule": "days since last visit > usual cycle + grace (strict, 超过)",
            }
        )
    out.attrs["cvlib"] = info
    return out

"""Tests of cvlib.rfm.rfm_table: CDNOW reference fixtures (methods/rfm.md §19 F1-F6, F11), the
preparation pipeline (§4: missing values, duplicates, analysis date and window, returns and
cancellations, grain), the revenue reconciliation (§4.7), the output contract (§5) and every
bad-input row of §3 and of issue 3 that concerns the transaction input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from cvlib import DataQualityWarning
from cvlib.datasets import load_cdnow
from cvlib.rfm import RFMResult, rfm_table

pytestmark = pytest.mark.filterwarnings("error:Found complex group-by expression")

CDNOW = {"customer": "customer_id", "date": "date", "amount": "dollar_value"}
COLUMNS = [
    "recency_days",
    "frequency",
    "monetary",
    "first_purchase",
    "last_purchase",
    "tenure_days",
    "m_nonpositive",
]


def quiet(tx, **kwargs):
    """rfm_table with DataQualityWarnings silenced (tests that check them use pytest.warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return rfm_table(tx, **kwargs)


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow()


@pytest.fixture(scope="module")
def cdnow_rows(cdnow):
    """§19 defaults: CDNOW master, grain="row", everything else default."""
    with pytest.warns(DataQualityWarning, match="255 exact duplicate"):
        return rfm_table(cdnow, **CDNOW, grain="row")


@pytest.fixture(scope="module")
def early(cdnow):
    return cdnow[cdnow["date"] <= "1997-03-31"]


def log(rows, columns=("customer", "date", "amount")):
    """A small hand-made transaction log."""
    frame = pd.DataFrame(rows, columns=list(columns))
    frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    return frame


# ---------------------------------------------------------------------- CDNOW fixtures (§19)
def test_cdnow_shape_f1(cdnow_rows):
    counts = cdnow_rows.card.section("counts")
    assert counts["rows_input"] == 69_659
    assert cdnow_rows.n_customers == 23_570 and len(cdnow_rows.table) == 23_570
    assert counts["zero_amount_lines"] == 80
    assert counts["return_lines"] == 0  # no negative amounts
    assert counts["duplicate_rows"] == 255 and counts["duplicate_action"] == "kept"
    assert counts["duplicate_amount"] == pytest.approx(4_332.88, rel=1e-9)
    assert counts["customers_m_nonpositive"] == 68
    assert int(cdnow_rows.table["m_nonpositive"].sum()) == 68
    assert (cdnow_rows.table.loc[cdnow_rows.table["m_nonpositive"], "monetary"] == 0).all()


def test_revenue_reconciliation_f2(cdnow, cdnow_rows):
    recon = cdnow_rows.card.section("reconciliation")
    assert cdnow_rows.table["monetary"].sum() == pytest.approx(2_500_315.63, rel=1e-9)
    assert recon["input_amount"] == pytest.approx(2_500_315.63, rel=1e-9)
    assert recon["monetary"] == pytest.approx(2_500_315.63, rel=1e-9)
    assert recon["holds"] is True and recon["check"].endswith("✓")
    with pytest.warns(DataQualityWarning, match="dropped 255 exact duplicate"):
        dropped = rfm_table(cdnow, **CDNOW, grain="row", duplicates="drop")
    recon = dropped.card.section("reconciliation")
    assert dropped.table["monetary"].sum() == pytest.approx(2_495_982.75, rel=1e-9)
    assert recon["excluded"]["duplicates_dropped"] == pytest.approx(4_332.88, rel=1e-9)
    assert dropped.card.section("counts")["duplicate_action"] == "dropped"
    assert recon["input_amount"] == pytest.approx(2_500_315.63, rel=1e-9)
    assert recon["holds"] is True
    assert "4,332.88" in str(dropped.card)


def test_recency_f4(cdnow_rows):
    r = cdnow_rows.table["recency_days"]
    assert r.min() == 1 and int((r == 1).sum()) == 55
    assert r.max() == 546
    assert cdnow_rows.analysis_date == pd.Timestamp("1998-07-01")
    assert cdnow_rows.analysis_rule == "max+1d"
    dates = cdnow_rows.card.section("dates")
    assert dates["analysis_rule"].startswith("max+1d → 1998-07-01 (last transaction 1998-06-30")
    assert dates["tz"] == "naive (dates as recorded)"


def test_output_columns_dtypes_and_order_rfm_5(cdnow_rows):
    t = cdnow_rows.table
    assert list(t.columns) == ["customer_id", *COLUMNS]
    assert str(t["recency_days"].dtype) == "Int64" and str(t["tenure_days"].dtype) == "Int64"
    assert t["frequency"].dtype == np.int64 and t["monetary"].dtype == np.float64
    assert t["first_purchase"].dtype == "datetime64[ns]"
    assert t["last_purchase"].dtype == "datetime64[ns]"
    assert t["m_nonpositive"].dtype == bool
    assert t["customer_id"].dtype == load_cdnow()["customer_id"].dtype  # as input
    assert t["customer_id"].is_monotonic_increasing and t.index.equals(pd.RangeIndex(23_570))
    row = t.set_index("customer_id").loc["00003"]
    assert (row["recency_days"], row["frequency"], row["monetary"]) == (
        34,
        6,
        pytest.approx(156.46),
    )
    assert row["tenure_days"] == 545 and row["first_purchase"] == pd.Timestamp("1997-01-02")
    assert "recency" not in t.columns  # the classic table never has BTYD's column (§1)


def test_grain_row_and_day_frequencies_f5_f6(cdnow, cdnow_rows):
    assert int((cdnow_rows.table["frequency"] == 1).sum()) == 11_908
    by_day = quiet(cdnow, **CDNOW)  # no order column: grain defaults to "day"
    assert by_day.grain == "day"
    assert int((by_day.table["frequency"] == 1).sum()) == 12_054
    counts = by_day.card.section("counts")
    assert counts["orders_formed"] == 67_591  # distinct customer-days (§18)
    assert counts["rows_merged"] == 69_659 - 67_591
    assert by_day.table["monetary"].sum() == pytest.approx(2_500_315.63, rel=1e-9)


@pytest.mark.filterwarnings("ignore:kept 255 exact duplicate")
def test_early_data_robustness_f11(cdnow, early):
    assert len(early) == 31_798
    by_row = quiet(early, **CDNOW, grain="row")
    by_day = quiet(early, **CDNOW, grain="day")
    assert by_row.n_customers == 23_570
    assert int((by_day.table["frequency"] == 1).sum()) == 18_727
    assert 18_727 / 23_570 == pytest.approx(0.7945, abs=5e-5)
    assert int((by_row.table["frequency"] == 1).sum()) == 18_504
    assert int(by_row.table["m_nonpositive"].sum()) == 70
    assert by_row.analysis_date == pd.Timestamp("1997-04-01")
    # the full file cut at analysis_date 1997-03-31: same F and M, recency exactly 1 day less
    with pytest.warns(DataQualityWarning, match="dated after analysis_date 1997-03-31"):
        cut = rfm_table(cdnow, **CDNOW, grain="row", analysis_date="1997-03-31")
    pd.testing.assert_series_equal(cut.table["frequency"], by_row.table["frequency"])
    pd.testing.assert_series_equal(cut.table["monetary"], by_row.table["monetary"])
    diff = by_row.table["recency_days"] - cut.table["recency_days"]
    assert (diff == 1).all()
    counts = cut.card.section("counts")
    assert counts["rows_after_analysis_date"] == 69_659 - 31_798
    assert cut.card.section("reconciliation")["holds"] is True


def test_monetary_mean_is_sum_over_occasions(cdnow, cdnow_rows):
    mean = quiet(cdnow, **CDNOW, grain="row", monetary="mean")
    expected = cdnow_rows.table["monetary"] / cdnow_rows.table["frequency"]
    np.testing.assert_allclose(mean.table["monetary"], expected, rtol=1e-12)
    recon = mean.card.section("reconciliation")
    assert recon["holds"] is True and "monetary_sums" in recon


def test_repr_prints_card_first_then_table(cdnow_rows):
    text = repr(cdnow_rows)
    assert text.startswith("cvlib definition card · rfm_table")
    assert text.index("reconciliation") < text.index("customer_id  recency_days  frequency")
    assert "23,570 customers" in text
    page = cdnow_rows._repr_html_()
    assert page.startswith("<pre>") and page.index("口径") < page.index("<table")
    assert cdnow_rows.card.section("header")["input"] == "pandas DataFrame"
    assert cdnow_rows.card.section("definitions")["grain"] == "row (each row = 1 order)"
    summary = cdnow_rows.summary()
    assert list(summary.index) == ["recency_days", "frequency", "monetary"]


def test_result_cannot_be_changed(cdnow_rows):
    table = cdnow_rows.table
    table.loc[0, "monetary"] = -1.0
    assert cdnow_rows.table.loc[0, "monetary"] == pytest.approx(11.77)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cdnow_rows.grain = "day"
    assert isinstance(cdnow_rows, RFMResult) and cdnow_rows.customer == "customer_id"


# ---------------------------------------------------------------------- returns (§4.5, §4.6)
@pytest.fixture()
def messy():
    """Invoices with returns, a cancellation invoice, a return-only customer and a zero line."""
    rows = [
        # customer, date, amount, invoice
        ("a", "2024-01-01 10:00", 100.0, "1001"),
        ("a", "2024-01-01 10:00", 20.0, "1001"),
        ("a", "2024-01-05 09:00", -20.0, "C1001"),  # cancellation of a line of 1001
        ("a", "2024-01-10 12:00", 50.0, "1002"),
        ("a", "2024-01-10 12:00", -5.0, "1002"),  # return inside an invoice
        ("b", "2024-01-03 08:00", 30.0, "1003"),
        ("b", "2024-01-03 08:00", 0.0, "1003"),  # zero-amount line: a purchase line
        ("c", "2024-01-04 08:00", -15.0, "C1004"),  # returns only in the window
        ("d", "2024-01-11 23:00", 40.0, "1005"),
    ]
    return log(rows, ("customer", "date", "amount", "invoice"))


def test_returns_net_counts_purchase_occasions_and_nets_m(messy):
    res = quiet(messy, customer="customer", date="date", amount="amount", order="invoice")
    t = res.table.set_index("customer")
    assert res.grain == "order" and res.analysis_date == pd.Timestamp("2024-01-12")
    assert t.loc["a", "frequency"] == 2  # 1001 and 1002; the cancellation invoice is no occasion
    assert t.loc["a", "monetary"] == pytest.approx(145.0)
    assert t.loc["a", "recency_days"] == 2 and t.loc["a", "tenure_days"] == 11
    assert t.loc["c", "frequency"] == 0 and pd.isna(t.loc["c", "recency_days"])
    assert pd.isna(t.loc["c", "last_purchase"]) and t.loc["c", "m_nonpositive"]
    assert t.loc["c", "monetary"] == pytest.approx(-15.0)
    counts = res.card.section("counts")
    assert counts["return_lines"] == 3 and counts["return_amount"] == pytest.approx(-40.0)
    assert counts["zero_amount_lines"] == 1
    assert counts["return_only_orders"] == 2 and counts["customers_f0"] == 1
    assert counts["orders_formed"] == 6 and counts["occasions"] == 4
    assert res.card.section("reconciliation")["holds"] is True
    assert t["monetary"].sum() == pytest.approx(messy["amount"].sum())


def test_returns_exclude_and_separate(messy):
    kw = {"customer": "customer", "date": "date", "amount": "amount", "order": "invoice"}
    ex = quiet(messy, **kw, returns="exclude")
    t = ex.table.set_index("customer")
    assert "c" not in t.index  # only return lines: nothing left after excluding them
    assert t.loc["a", "monetary"] == pytest.approx(170.0) and t.loc["a", "frequency"] == 2
    recon = ex.card.section("reconciliation")
    assert recon["excluded"]["returns_excluded"] == pytest.approx(-40.0)
    assert recon["holds"] is True
    sep = quiet(messy, **kw, returns="separate")
    t = sep.table.set_index("customer")
    assert list(sep.table.columns)[-2:] == ["return_lines", "return_amount"]
    assert sep.table["return_lines"].dtype == np.int64
    assert t.loc["a", "return_lines"] == 2 and t.loc["a", "return_amount"] == pytest.approx(-25.0)
    assert t.loc["c", "frequency"] == 0 and t.loc["c", "return_amount"] == pytest.approx(-15.0)
    total = t["monetary"].sum() + t["return_amount"].sum()
    assert total == pytest.approx(messy["amount"].sum())
    assert sep.card.section("reconciliation")["holds"] is True


def test_returns_raise_names_count_amount_and_rows(messy):
    with pytest.raises(ValueError, match=r"3 return or cancellation line\(s\).*amount -40\.00"):
        rfm_table(messy, customer="customer", date="date", amount="amount", returns="raise")
    with pytest.raises(ValueError, match=r"row position\(s\) 2, 4, 7"):
        rfm_table(messy, customer="customer", date="date", amount="amount", returns="raise")


def test_occasion_rules(messy):
    kw = {"customer": "customer", "date": "date", "amount": "amount", "order": "invoice"}
    anyone = quiet(messy, **kw, occasion="any").table.set_index("customer")
    assert anyone.loc["a", "frequency"] == 3 and anyone.loc["c", "frequency"] == 1
    positive = quiet(messy, **kw, occasion="positive_net").table.set_index("customer")
    assert positive.loc["a", "frequency"] == 2 and positive.loc["c", "frequency"] == 0
    zero = log([("z", "2024-01-01", 0.0), ("z", "2024-01-02", 5.0)])
    res = quiet(zero, customer="customer", date="date", amount="amount", occasion="positive_net")
    assert res.table.loc[0, "frequency"] == 1  # a zero-amount day is no occasion here
    res = quiet(zero, customer="customer", date="date", amount="amount")
    assert res.table.loc[0, "frequency"] == 2  # but it is a purchase (not a return) by default


def test_cancel_prefix_and_cancel_col(messy):
    kw = {"customer": "customer", "date": "date", "amount": "amount", "order": "invoice"}
    res = quiet(messy, **kw, cancel_prefix="C")
    counts = res.card.section("counts")
    assert counts["cancellation_lines"] == 2 and counts["return_lines"] == 3
    assert "starts with 'C'" in res.card.section("policies")["return_rule"]
    flagged = messy.assign(cancel=messy["invoice"].str.startswith("C"))
    res2 = quiet(flagged, **kw, cancel_col="cancel")
    assert res2.card.section("counts")["cancellation_lines"] == 2
    pd.testing.assert_frame_equal(res.table, res2.table)
    # a cancellation line with a positive amount keeps its sign and is reported
    odd = messy.copy()
    odd.loc[2, "amount"] = 20.0
    with pytest.warns(DataQualityWarning, match="positive amount; their sign was kept"):
        res3 = rfm_table(odd, **kw, cancel_prefix="C")
    assert res3.card.section("counts")["cancel_lines_positive_amount"] == 1
    assert res3.table.set_index("customer").loc["a", "monetary"] == pytest.approx(185.0)
    with pytest.raises(TypeError, match="cancel_col 'flag' must be boolean"):
        rfm_table(messy.assign(flag=1), **kw, cancel_col="flag")
    with pytest.raises(ValueError, match="cancel_prefix='C' needs order="):
        rfm_table(messy, customer="customer", date="date", amount="amount", cancel_prefix="C")


def test_letter_prefixed_negative_orders_suggest_cancel_prefix(messy):
    kw = {"customer": "customer", "date": "date", "amount": "amount", "order": "invoice"}
    with pytest.warns(DataQualityWarning, match="pass cancel_prefix='C'"):
        res = rfm_table(messy, **kw)
    assert res.cancel_prefix is None  # never applied unasked


def test_orders_shared_and_spanning_days_are_counted():
    rows = [
        ("a", "2024-01-01 23:50", 10.0, 1),
        ("a", "2024-01-02 00:10", 5.0, 1),  # the same order continues after midnight
        ("b", "2024-01-03", 7.0, 1),  # order id 1 again, for another customer
        ("b", "2024-01-04", 8.0, 2),
    ]
    frame = log(rows, ("customer", "date", "amount", "order"))
    with pytest.warns(DataQualityWarning, match="shared by customers"):
        res = rfm_table(frame, customer="customer", date="date", amount="amount", order="order")
    counts = res.card.section("counts")
    assert counts["orders_shared_by_customers"] == 1 and counts["orders_spanning_days"] == 1
    t = res.table.set_index("customer")
    assert t.loc["a", "frequency"] == 1 and t.loc["a", "last_purchase"] == pd.Timestamp(
        "2024-01-01"
    )
    assert t.loc["b", "frequency"] == 2


def test_grain_timestamp_and_quantity_price():
    rows = [
        ("a", "2024-01-01 10:00", 2, 5.0),
        ("a", "2024-01-01 10:00", 1, 3.0),
        ("a", "2024-01-01 15:00", -1, 5.0),  # a return (negative quantity)
        ("a", "2024-01-03 15:00", 1, 4.0),
    ]
    frame = log(rows, ("customer", "date", "qty", "price"))
    res = quiet(
        frame, customer="customer", date="date", quantity="qty", price="price", grain="timestamp"
    )
    assert res.table.loc[0, "frequency"] == 2 and res.table.loc[0, "monetary"] == pytest.approx(
        12.0
    )
    day = quiet(frame, customer="customer", date="date", quantity="qty", price="price", grain="day")
    assert day.table.loc[0, "frequency"] == 2
    with pytest.raises(ValueError, match="not amount= and price="):
        rfm_table(frame, customer="customer", date="date", amount="qty", price="price")
    with pytest.raises(ValueError, match="needs the amount"):
        rfm_table(frame, customer="customer", date="date", quantity="qty")


# ---------------------------------------------------------------------- dates (§4.4)
@pytest.fixture()
def small():
    return log(
        [
            ("a", "2024-03-01 08:00", 10.0),
            ("a", "2024-03-10 18:00", 20.0),
            ("b", "2024-03-05 12:00", 5.0),
            ("b", "2024-03-20 23:59", 7.0),
        ]
    )


@pytest.mark.parametrize(
    ("value", "expected", "rule"),
    [
        ("max", "2024-03-20", "max"),
        ("max+1d", "2024-03-21", "max+1d"),
        ("max+10d", "2024-03-30", "max+10d"),
        ("2024-03-25", "2024-03-25", "given"),
        (dt.date(2024, 3, 25), "2024-03-25", "given"),
        (pd.Timestamp("2024-03-25 17:30"), "2024-03-25", "given"),
        (np.datetime64("2024-03-25T01:00"), "2024-03-25", "given"),
    ],
)
def test_analysis_date_forms(small, value, expected, rule):
    res = quiet(small, customer="customer", date="date", amount="amount", analysis_date=value)
    assert res.analysis_date == pd.Timestamp(expected) and res.analysis_rule == rule
    last = res.table.set_index("customer").loc["b", "recency_days"]
    assert last == (pd.Timestamp(expected) - pd.Timestamp("2024-03-20")).days


def test_analysis_date_is_inclusive_and_a_purchase_that_day_gives_zero(small):
    res = quiet(small, customer="customer", date="date", amount="amount", analysis_date="max")
    t = res.table.set_index("customer")
    assert t.loc["b", "recency_days"] == 0  # 23:59 on the analysis day: 0, not -1
    assert res.card.section("counts")["rows_after_analysis_date"] == 0


def test_window_start_limits_f_and_m_not_r(small):
    res = quiet(small, customer="customer", date="date", amount="amount", window_start="2024-03-06")
    t = res.table.set_index("customer")
    assert t.loc["a", "frequency"] == 1 and t.loc["a", "monetary"] == 20.0
    assert t.loc["b", "frequency"] == 1 and t.loc["b", "recency_days"] == 1
    counts = res.card.section("counts")
    assert counts["rows_before_window"] == 2 and counts["amount_before_window"] == 15.0
    assert res.window_start == pd.Timestamp("2024-03-06")
    assert res.card.section("reconciliation")["holds"] is True


def test_rows_after_the_analysis_date_are_excluded_counted_and_warned(small):
    with pytest.warns(DataQualityWarning, match=r"excluded 2 row\(s\) dated after analysis_date"):
        res = rfm_table(
            small, customer="customer", date="date", amount="amount", analysis_date="2024-03-09"
        )
    counts = res.card.section("counts")
    assert counts["rows_after_analysis_date"] == 2 and counts["amount_after_analysis_date"] == 27.0
    recon = res.card.section("reconciliation")
    assert recon["excluded"]["after_analysis_date"] == 27.0 and recon["holds"] is True
    assert res.table["monetary"].sum() == 15.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"analysis_date": "2024-02-01"}, "before the first transaction date 2024-03-01"),
        ({"window_start": "2024-04-01"}, "window_start 2024-04-01 is after analysis_date"),
        ({"analysis_date": "max-1d"}, "not a rule cvlib knows"),
        ({"analysis_date": "01/03/2024"}, "is not an ISO date"),
        ({"analysis_date": "2024-02-30"}, "not a valid date"),
        (
            {"analysis_date": pd.Timestamp("2024-03-25", tz="UTC")},
            "tz-aware but the dates are naive",
        ),
    ],
)
def test_bad_analysis_dates(small, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        rfm_table(small, customer="customer", date="date", amount="amount", **kwargs)


def test_analysis_date_of_wrong_type(small):
    with pytest.raises(TypeError, match="analysis_date must be an ISO date string"):
        rfm_table(small, customer="customer", date="date", amount="amount", analysis_date=20240301)


# ---------------------------------------------------------------------- bad input (§3, issue 3)
def test_missing_or_misnamed_column_lists_the_available_ones(small):
    with pytest.raises(
        KeyError, match=r"amount='amt'.*available columns: 'customer', 'date', 'amount'"
    ):
        rfm_table(small, customer="customer", date="date", amount="amt")
    with pytest.raises(KeyError, match="customer='Customer'"):
        rfm_table(small, customer="Customer", date="date", amount="amount")


def test_same_column_for_two_roles(small):
    with pytest.raises(ValueError, match="given both as customer= and as order="):
        rfm_table(small, customer="customer", date="date", amount="amount", order="customer")


@pytest.mark.parametrize(
    ("values", "what"),
    [
        (["10.5", "3", "7"], "not numeric"),
        (pd.array(["10,50", "3.00", "7"], dtype="object"), "'10,50'"),
        ([True, False, True], "boolean"),
    ],
)
def test_amounts_as_text_or_bool_raise_type_error_naming_values(values, what):
    frame = pd.DataFrame({"c": [1, 2, 3], "d": pd.to_datetime(["2024-01-01"] * 3), "x": values})
    with pytest.raises(TypeError, match=f"amount column 'x' is .*{re.escape(what)}"):
        rfm_table(frame, customer="c", date="d", amount="x")


def test_nan_amounts_and_missing_ids_are_dropped_counted_and_reconciled():
    frame = pd.DataFrame(
        {
            "c": ["a", None, "", "b", "b", "a"],
            "d": pd.to_datetime(
                ["2024-01-01", "2024-01-02", "2024-01-02", None, "2024-01-03", "2024-01-04"]
            ),
            "x": [10.0, 5.0, 4.0, 3.0, np.nan, 2.0],
        }
    )
    with pytest.warns(DataQualityWarning, match=r"dropped 4 row\(s\) with a missing value"):
        res = rfm_table(frame, customer="c", date="d", amount="x")
    counts = res.card.section("counts")
    assert counts["rows_missing_customer"] == 2  # None and the empty string
    assert counts["amount_missing_customer"] == 9.0
    assert counts["rows_missing_date"] == 1 and counts["amount_missing_date"] == 3.0
    assert counts["rows_missing_amount"] == 1
    assert res.table["c"].tolist() == ["a"]
    recon = res.card.section("reconciliation")
    assert recon["input_amount"] == 24.0 and recon["holds"] is True
    with pytest.raises(ValueError, match=r'missing="raise": 4 of 6 rows.*customer id 2'):
        rfm_table(frame, customer="c", date="d", amount="x", missing="raise")


def test_infinite_amount_names_column_and_row():
    frame = pd.DataFrame(
        {"c": [1, 2, 3], "d": pd.to_datetime(["2024-01-01"] * 3), "x": [1.0, np.inf, -np.inf]},
        index=[10, 20, 30],
    )
    with pytest.raises(
        ValueError, match=r"'x' holds 2 infinite value\(s\), first at position 1 \(index 20\)"
    ):
        rfm_table(frame, customer="c", date="d", amount="x")


def test_string_dates_iso_parse_and_ambiguous_formats_raise(small):
    iso = small.assign(date=small["date"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    a = quiet(iso, customer="customer", date="date", amount="amount")
    b = quiet(small, customer="customer", date="date", amount="amount")
    pd.testing.assert_frame_equal(a.table, b.table)
    days = small.assign(date=small["date"].dt.strftime("%Y-%m-%d"))
    pd.testing.assert_frame_equal(
        quiet(days, customer="customer", date="date", amount="amount").table, b.table
    )
    dmy = small.assign(date=small["date"].dt.strftime("%d/%m/%Y"))
    with pytest.raises(
        ValueError, match=r"ambiguous date format in column 'date' \(e\.g\. '01/03/2024'"
    ):
        rfm_table(dmy, customer="customer", date="date", amount="amount")
    res = quiet(dmy, customer="customer", date="date", amount="amount", date_format="%d/%m/%Y")
    assert res.table["last_purchase"].tolist() == b.table["last_purchase"].tolist()


def test_unparseable_dates_with_a_format_raise_naming_the_column(small):
    bad = small.assign(date=["2024-03-01", "2024-03-10", "yesterday", "2024-03-20"])
    with pytest.raises(
        ValueError, match=r"column 'date' could not be parsed with date_format='%Y-%m-%d'"
    ):
        rfm_table(bad, customer="customer", date="date", amount="amount", date_format="%Y-%m-%d")
    with pytest.raises(ValueError, match="ambiguous date format.*'yesterday'"):
        rfm_table(bad, customer="customer", date="date", amount="amount")


def test_integer_dates_suggest_a_format(small):
    ints = small.assign(date=small["date"].dt.strftime("%Y%m%d").astype("int64"))
    with pytest.raises(TypeError, match='holds integers.*date_format="%Y%m%d"'):
        rfm_table(ints, customer="customer", date="date", amount="amount")


def test_mixed_aware_and_naive_dates_ask_for_tz():
    values = pd.Series(
        [pd.Timestamp("2024-01-01 23:30", tz="UTC"), pd.Timestamp("2024-01-02 10:00")], dtype=object
    )
    frame = pd.DataFrame({"c": ["a", "b"], "d": values, "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"mixes aware and naive timestamps.*Pass tz="):
        rfm_table(frame, customer="c", date="d", amount="x")
    res = rfm_table(frame, customer="c", date="d", amount="x", tz="Asia/Shanghai")
    # aware 23:30 UTC is 07:30 on Jan 2 in Shanghai; the naive value is Shanghai wall-clock time
    assert res.table["last_purchase"].tolist() == [pd.Timestamp("2024-01-02")] * 2
    offsets = pd.Series(
        [
            pd.Timestamp("2024-01-01 23:30", tz="UTC"),
            pd.Timestamp("2024-01-02 01:00", tz="Asia/Tokyo"),
        ],
        dtype=object,
    )
    frame2 = frame.assign(d=offsets)
    with pytest.raises(ValueError, match="timestamps with different UTC offsets"):
        rfm_table(frame2, customer="c", date="d", amount="x")
    res2 = rfm_table(frame2, customer="c", date="d", amount="x", tz="UTC")
    assert res2.table["last_purchase"].tolist() == [
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-01-01"),
    ]


def test_date_objects_are_calendar_dates():
    frame = pd.DataFrame(
        {"c": ["a", "a"], "d": [dt.date(2024, 1, 1), dt.date(2024, 1, 5)], "x": [1.0, 2.0]}
    )
    res = rfm_table(frame, customer="c", date="d", amount="x")
    assert res.table.loc[0, "recency_days"] == 1 and res.table.loc[0, "frequency"] == 2


def test_empty_log_and_all_missing_raise_with_the_card_counts(small):
    with pytest.raises(ValueError, match=r"no rows left after the preparation steps.*rows_input 0"):
        rfm_table(small.iloc[:0], customer="customer", date="date", amount="amount")
    gone = small.assign(customer=None)
    with (
        pytest.raises(ValueError, match=r"no rows left.*rows_missing_customer 4"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", DataQualityWarning)
        rfm_table(gone, customer="customer", date="date", amount="amount")


def test_one_customer_and_same_frequency_for_everyone_are_fine(small):
    one = quiet(small[small["customer"] == "a"], customer="customer", date="date", amount="amount")
    assert one.n_customers == 1 and one.table.loc[0, "frequency"] == 2
    same = quiet(small, customer="customer", date="date", amount="amount")
    assert same.table["frequency"].tolist() == [2, 2]


def test_negative_totals_are_flagged_not_dropped():
    frame = log([("a", "2024-01-01", 10.0), ("a", "2024-01-02", -25.0), ("b", "2024-01-03", 5.0)])
    res = quiet(frame, customer="customer", date="date", amount="amount")
    t = res.table.set_index("customer")
    assert t.loc["a", "monetary"] == -15.0 and t.loc["a", "m_nonpositive"]
    assert t.loc["a", "frequency"] == 1  # the return day is no purchase occasion
    assert res.card.section("counts")["customers_m_nonpositive"] == 1


def test_duplicate_column_names_are_refused():
    frame = pd.DataFrame(
        [["a", pd.Timestamp("2024-01-01"), 1.0, 2.0]], columns=["c", "d", "x", "x"]
    )
    with pytest.raises(ValueError, match="duplicate column names: 'x'"):
        rfm_table(frame, customer="c", date="d", amount="x")


def test_exact_duplicates_use_all_columns_and_can_raise():
    frame = pd.DataFrame(
        {
            "c": ["a", "a", "a"],
            "d": pd.to_datetime(["2024-01-01"] * 3),
            "x": [5.0, 5.0, 5.0],
            "sku": ["p1", "p2", "p2"],  # only the last two rows are identical in all columns
        }
    )
    with pytest.warns(DataQualityWarning, match=r"kept 1 exact duplicate row\(s\), amount 5\.00"):
        res = rfm_table(frame, customer="c", date="d", amount="x")
    assert res.table.loc[0, "monetary"] == 15.0
    dropped = quiet(frame, customer="c", date="d", amount="x", duplicates="drop")
    assert dropped.table.loc[0, "monetary"] == 10.0
    with pytest.raises(ValueError, match=r'duplicates="raise": 1 row\(s\)'):
        rfm_table(frame, customer="c", date="d", amount="x", duplicates="raise")
    # passing only the named columns makes the three rows identical (§4.2 last point)
    narrow = quiet(frame[["c", "d", "x"]], customer="c", date="d", amount="x", duplicates="drop")
    assert narrow.table.loc[0, "monetary"] == 5.0


@pytest.mark.parametrize(
    ("kwargs", "allowed"),
    [
        ({"returns": "drop"}, "'net', 'exclude', 'separate', 'raise'"),
        ({"grain": "week"}, "'order', 'day', 'timestamp', 'row'"),
        ({"occasion": "all"}, "'purchase', 'positive_net', 'any'"),
        ({"monetary": "median"}, "'sum', 'mean'"),
        ({"missing": "ignore"}, "'drop', 'raise'"),
        ({"duplicates": "first"}, "'keep', 'drop', 'raise'"),
    ],
)
def test_unknown_policy_values_list_the_allowed_ones(small, kwargs, allowed):
    with pytest.raises(ValueError, match=re.escape(allowed)):
        rfm_table(small, customer="customer", date="date", amount="amount", **kwargs)


def test_other_argument_errors(small):
    with pytest.raises(ValueError, match='grain="order" needs order='):
        rfm_table(small, customer="customer", date="date", amount="amount", grain="order")
    with pytest.raises(ValueError, match="not a known IANA time zone"):
        rfm_table(small, customer="customer", date="date", amount="amount", tz="Mars/Olympus")
    with pytest.raises(TypeError, match="tx must be a pandas or polars DataFrame"):
        rfm_table(small.to_dict(), customer="customer", date="date", amount="amount")
    with pytest.raises(ValueError, match="date_format='%Y' applies to string dates only"):
        rfm_table(small, customer="customer", date="date", amount="amount", date_format="%Y")


def test_customer_column_named_like_an_output_column(small):
    with pytest.raises(ValueError, match="rename it"):
        rfm_table(
            small.rename(columns={"customer": "frequency"}),
            customer="frequency",
            date="date",
            amount="amount",
        )


def test_customer_id_dtypes_float_and_categorical():
    frame = log([(1001.0, "2024-01-01", 1.0), (1002.0, "2024-01-02", 2.0)])
    res = quiet(frame, customer="customer", date="date", amount="amount")
    assert res.table["customer"].dtype == np.float64 and res.table["customer"].tolist() == [
        1001.0,
        1002.0,
    ]
    assert "consider casting" in res.card.section("counts")["customer_id_note"]
    cats = frame.assign(customer=pd.Categorical(["x", "y"], categories=["unused", "y", "x"]))
    res = quiet(cats, customer="customer", date="date", amount="amount")
    assert isinstance(res.table["customer"].dtype, pd.CategoricalDtype)
    # observed categories only, sorted by id value like string ids (rfm.md §5), not by the codes
    assert res.table["customer"].tolist() == ["x", "y"]


@pytest.mark.filterwarnings("ignore::cvlib.DataQualityWarning")
def test_docstring_examples_run():
    from cvlib.rfm import _btyd, _table

    for module in (_table, _btyd):
        result = doctest.testmod(
            module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        )
        assert result.attempted > 0 and result.failed == 0, module.__name__

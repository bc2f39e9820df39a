"""Tests of cvlib.rfm.btyd_summary: exact lifetimes 0.11.3 semantics (methods/rfm.md §6), the
frozen CDNOW aggregates F12-F15 (§19, written digits, so the suite runs without lifetimes), a
live comparison with lifetimes' summary_data_from_transaction_data, returns in the BTYD path
(§6.2), the Gamma-Gamma input flag (§6.3) and the freq errors of §3."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cvlib import DataQualityWarning
from cvlib.datasets import load_cdnow
from cvlib.rfm import BTYDResult, btyd_summary, rfm_table

pytestmark = pytest.mark.filterwarnings(
    "error:Found complex group-by expression", "ignore:kept .* exact duplicate"
)

KW = {"customer": "customer_id", "date": "date", "amount": "dollar_value"}
LIFETIMES = ["frequency", "recency", "T", "monetary_value"]


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow()


@pytest.fixture(scope="module")
def summaries(cdnow):
    """§6.4 configuration: observation_end 1998-06-30, freq D/W, first transaction in/out."""
    out = {}
    for freq in ("D", "W"):
        for first in (False, True):
            out[freq, first] = btyd_summary(
                cdnow,
                **KW,
                observation_end="1998-06-30",
                freq=freq,
                include_first_transaction=first,
            )
    return out


def row(result, cid):
    return tuple(result.table.loc[cid, LIFETIMES].tolist())


# ---------------------------------------------------------------------- frozen fixtures (§19)
def test_btyd_daily_f12(summaries):
    res = summaries["D", False]
    t = res.table
    assert len(t) == 23_570 and list(t.columns) == LIFETIMES
    assert all(t[c].dtype == np.float64 for c in LIFETIMES)
    assert t.index.name == "customer_id" and t.index.is_monotonic_increasing
    assert int((t["frequency"] == 0).sum()) == 12_054
    assert t["frequency"].sum() == 44_021 and t["frequency"].max() == 170
    assert t["recency"].sum() == 3_178_932 and t["T"].sum() == 11_834_346
    assert t["monetary_value"].sum() == pytest.approx(414_282.384397, abs=1e-6)
    assert row(res, "00001") == (0, 0, 545, 0)
    assert row(res, "00003") == (5, 511, 544, pytest.approx(27.14, abs=1e-12))
    assert row(res, "00004") == (3, 345, 545, pytest.approx(23.7233333333, abs=1e-9))


def test_btyd_weekly_f13(summaries):
    t = summaries["W", False].table
    assert int((t["frequency"] == 0).sum()) == 12_220
    assert t["frequency"].sum() == 40_629 and t["frequency"].max() == 71
    assert t["recency"].sum() == 454_205 and t["T"].sum() == 1_697_280
    assert t["monetary_value"].sum() == pytest.approx(425_903.47468, abs=1e-5)
    assert row(summaries["W", False], "00003") == (5, 73, 78, pytest.approx(27.14, abs=1e-12))
    assert row(summaries["W", False], "00004") == (
        3,
        49,
        78,
        pytest.approx(23.7233333333, abs=1e-9),
    )
    card = summaries["W", False].card.section("dates")
    assert card["observation_end_period"] == "1998-06-29"  # the Monday of its week
    assert "later in the week" in card["week_rule"]


def test_btyd_include_first_transaction_f14(summaries):
    res = summaries["D", True]
    t = res.table
    assert int((t["frequency"] == 0).sum()) == 0 and t["frequency"].sum() == 67_591
    assert t["monetary_value"].sum() == pytest.approx(780_558.327069, abs=1e-6)
    assert row(res, "00001") == (1, 0, 545, pytest.approx(11.77, abs=1e-12))
    assert row(res, "00003") == (6, 511, 544, pytest.approx(26.0766667, abs=1e-7))


def test_btyd_early_data_f15(cdnow):
    early = cdnow[cdnow["date"] <= "1997-03-31"]
    t = btyd_summary(early, **KW).table  # default end: the latest date, 1997-03-31
    assert int((t["frequency"] == 0).sum()) == 18_727
    assert t["frequency"].sum() == 7_571 and t["T"].sum() == 1_086_426
    assert t["monetary_value"].sum() == pytest.approx(171_539.015462, abs=1e-6)


def test_btyd_card_and_repr(summaries):
    res = summaries["D", False]
    assert isinstance(res, BTYDResult)
    text = repr(res)
    assert text.startswith("cvlib definition card · btyd_summary")
    assert "NOT the number of purchases" in text and "NOT time since it" in text
    recon = res.card.section("reconciliation")
    assert recon["holds"] is True
    assert recon["input_amount"] == pytest.approx(2_500_315.63, rel=1e-9)
    counts = res.card.section("counts")
    assert counts["duplicate_rows"] == 255 and counts["customers"] == 23_570
    # customers with repeat periods but zero mean spend cannot enter Gamma-Gamma (§6.3)
    flagged = res.nonpositive_monetary
    assert counts["customers_nonpositive_monetary_value"] == len(flagged) > 0
    assert (res.table.loc[flagged, "monetary_value"] <= 0).all()
    assert (res.table.loc[flagged, "frequency"] > 0).all()
    assert res.summary().index.tolist() == LIFETIMES


def test_btyd_and_classic_tables_never_share_a_recency_column(cdnow, summaries):
    classic = rfm_table(cdnow.head(500), **KW, grain="row").table
    assert "recency" not in classic.columns and "recency_days" not in summaries["D", False].table


# ---------------------------------------------------------------------- live lifetimes (§6.4)
@pytest.fixture(scope="module")
def lifetimes_utils():
    pytest.importorskip("lifetimes")
    from lifetimes import utils

    return utils


def _lifetimes(utils, tx, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = utils.summary_data_from_transaction_data(tx, "customer_id", "date", **kwargs)
    return out.sort_index()


def _assert_conforms(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """§6.4: frequency, recency and T exactly; monetary_value to 1e-9; the same index."""
    assert ours.index.equals(theirs.index)
    for col in ("frequency", "recency", "T"):
        np.testing.assert_array_equal(ours[col].to_numpy(), theirs[col].to_numpy(), err_msg=col)
    if "monetary_value" in theirs:
        diff = np.abs(ours["monetary_value"].to_numpy() - theirs["monetary_value"].to_numpy())
        assert diff.max() <= 1e-9


@pytest.mark.parametrize("freq", ["D", "W"])
@pytest.mark.parametrize("first", [False, True])
def test_conformance_with_lifetimes_on_cdnow(cdnow, summaries, lifetimes_utils, freq, first):
    theirs = _lifetimes(
        lifetimes_utils,
        cdnow,
        monetary_value_col="dollar_value",
        observation_period_end="1998-06-30",
        freq=freq,
        include_first_transaction=first,
    )
    _assert_conforms(summaries[freq, first].table, theirs)


@pytest.mark.parametrize("freq", ["D", "W"])
def test_conformance_mid_period_end_multiplier_and_no_amount(cdnow, lifetimes_utils, freq):
    # 1997-09-17 is a Wednesday: with "W" the rest of that week is included, as in lifetimes
    theirs = _lifetimes(
        lifetimes_utils,
        cdnow,
        monetary_value_col="dollar_value",
        observation_period_end="1997-09-17",
        freq=freq,
        freq_multiplier=3,
    )
    with pytest.warns(DataQualityWarning, match="in periods after observation_end 1997-09-17"):
        ours = btyd_summary(cdnow, **KW, observation_end="1997-09-17", freq=freq, freq_multiplier=3)
    _assert_conforms(ours.table, theirs)
    no_amount = _lifetimes(lifetimes_utils, cdnow, freq=freq)
    ours = btyd_summary(cdnow, customer="customer_id", date="date", freq=freq)
    assert list(ours.table.columns) == ["frequency", "recency", "T"]
    assert "reconciliation" not in ours.card
    _assert_conforms(ours.table, no_amount)


def test_occasion_any_reproduces_lifetimes_on_data_with_returns(lifetimes_utils):
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", "c"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-03", "2024-01-09", "2024-01-02", "2024-01-05", "2024-01-04"]
            ),
            "dollar_value": [10.0, -4.0, 6.0, 3.0, 2.0, -1.0],
        }
    )
    theirs = _lifetimes(lifetimes_utils, tx, monetary_value_col="dollar_value")
    ours = btyd_summary(tx, **KW, occasion="any")
    _assert_conforms(ours.table, theirs)


# ---------------------------------------------------------------------- returns (§6.2)
@pytest.fixture()
def with_returns():
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
            "date": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-03",  # a return-only day: no purchase period
                    "2024-01-09",
                    "2024-01-09",  # a return within a purchase day
                    "2024-01-02",
                    "2024-01-05",
                    "2024-01-04",  # c returns only
                ]
            ),
            "dollar_value": [10.0, -4.0, 6.0, -1.0, 3.0, 2.0, -1.0],
        }
    )


def test_returns_in_the_btyd_path(with_returns):
    with pytest.warns(DataQualityWarning, match="no purchase period"):
        net = btyd_summary(with_returns, **KW)
    t = net.table
    assert t.index.tolist() == ["a", "b"]  # c has no purchase period
    assert row(net, "a") == (1, 8, 8, 5.0)  # the return-only day is no period; 6 - 1 = 5
    counts = net.card.section("counts")
    assert counts["periods_without_purchase"] == 2
    assert counts["amount_other_periods"] == -5.0
    assert net.card.section("reconciliation")["holds"] is True
    with pytest.warns(DataQualityWarning, match="no purchase period"):
        excluded = btyd_summary(with_returns, **KW, returns="exclude").table
    assert excluded.loc["a", "monetary_value"] == 6.0
    with pytest.warns(DataQualityWarning, match="no purchase period"):
        separate = btyd_summary(with_returns, **KW, returns="separate")
    assert list(separate.table.columns) == [*LIFETIMES, "return_lines", "return_amount"]
    assert separate.table.loc["a", "return_lines"] == 2
    assert separate.table.loc["a", "return_amount"] == -5.0
    assert separate.card.section("reconciliation")["holds"] is True
    with pytest.raises(ValueError, match=r"3 return or cancellation line\(s\).*amount -6\.00"):
        btyd_summary(with_returns, **KW, returns="raise")


# ---------------------------------------------------------------------- weeks and errors
def test_week_periods_match_pandas_w_sun_over_two_centuries():
    days = pd.date_range("1901-01-01", "2099-12-31", freq="37D")
    tx = pd.DataFrame({"customer_id": np.arange(len(days)), "date": days, "dollar_value": 1.0})
    res = btyd_summary(tx, **KW, freq="W", observation_end="2099-12-31")
    monday = days.to_period("W").to_timestamp()
    end = pd.Timestamp("2099-12-31").to_period("W").to_timestamp()
    expected = ((end - monday) / np.timedelta64(7, "D")).to_numpy()
    np.testing.assert_array_equal(res.table["T"].to_numpy(), expected)
    assert res.observation_end_period == end


@pytest.mark.parametrize("freq", ["M", "Q", "Y", "ME", "h", 7])
def test_freq_must_be_a_fixed_number_of_days(cdnow, freq):
    with pytest.raises(ValueError, match='use "W" \\(weeks, Monday-Sunday\\) or "D"'):
        btyd_summary(cdnow.head(10), **KW, freq=freq)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), True, "7"])
def test_freq_multiplier_must_be_positive(cdnow, bad):
    with pytest.raises(ValueError, match="freq_multiplier must be a positive number"):
        btyd_summary(cdnow.head(10), **KW, freq_multiplier=bad)


def test_btyd_bad_input(cdnow):
    with pytest.raises(KeyError, match="amount='amt'"):
        btyd_summary(cdnow, customer="customer_id", date="date", amount="amt")
    with pytest.raises(ValueError, match="before the first transaction date"):
        btyd_summary(cdnow, **KW, observation_end="1996-12-31")
    with pytest.raises(ValueError, match="cancel_prefix needs order ids"):
        btyd_summary(cdnow, **KW, cancel_prefix="C")
    with pytest.raises(ValueError, match="no rows left"):
        btyd_summary(cdnow.iloc[:0], **KW)
    with pytest.raises(TypeError, match="include_first_transaction must be True or False"):
        btyd_summary(cdnow, **KW, include_first_transaction="yes")
    with pytest.raises(ValueError, match='occasion="positive_net" needs amount='):
        btyd_summary(cdnow, customer="customer_id", date="date", occasion="positive_net")


def test_nonpositive_monetary_compares_at_9_decimals_and_keeps_the_value():
    # 0.1 + 0.2 - 0.3 is 5.6e-17 in binary: the repeat period nets to 0 in decimals, so the
    # customer is flagged (§6.3), while monetary_value keeps the sum as computed (never rounded)
    tx = pd.DataFrame(
        {
            "c": ["a"] * 4 + ["b"] * 4,
            "t": pd.to_datetime(["2023-01-02", "2023-01-05", "2023-01-05", "2023-01-05"] * 2),
            "x": [10.0, 0.1, 0.2, -0.3, 10.0, 0.1, 0.2, -0.29],
        }
    )
    res = btyd_summary(tx, customer="c", date="t", amount="x")
    mv = res.table["monetary_value"]
    assert 0 < abs(mv["a"]) < 1e-15  # the float noise is kept
    assert mv["b"] == pytest.approx(0.01, abs=1e-12)
    assert res.nonpositive_monetary.tolist() == ["a"]
    assert res.card.section("counts")["customers_nonpositive_monetary_value"] == 1
    rule = res.card.section("definitions")["nonpositive_monetary_value"]
    assert "compared at 9 decimals" in rule and "not rounded" in rule
    assert "nonpositive_monetary_value" not in btyd_summary(
        tx, customer="c", date="t"
    ).card.section("definitions")

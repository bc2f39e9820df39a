"""Tests of cvlib.datasets.synthetic_transactions: the seeded benchmark log of methods/rfm.md §17.2
and its optional messy features (cancellations, missing ids, duplicates, time zones)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cvlib._validation import CvlibInputError
from cvlib.datasets import MESSY_DEFAULTS, synthetic_transactions

N = 200_000
PLAIN = synthetic_transactions(N)
MESSY = synthetic_transactions(N, messy=True)
COLUMNS = [
    "invoice",
    "product",
    "quantity",
    "unit_price",
    "amount",
    "timestamp",
    "customer_id",
    "country",
]


def _spec_172(n: int, seed: int = 20240601):
    """The generator of methods/rfm.md §17.2, verbatim."""
    rng = np.random.default_rng(seed)
    pool = 100_000
    w = rng.lognormal(0, 1.2, pool)
    w /= w.sum()
    n_inv = n // 3
    inv_cust = rng.choice(pool, size=n_inv, p=w)
    start = np.datetime64("2022-01-01T00:00:00", "s").astype("int64")
    span = 2 * 365 * 86400
    inv_ts = start + rng.integers(0, span, n_inv)
    lines_per = rng.integers(1, 8, n_inv)
    cs = np.cumsum(lines_per)
    keep = np.searchsorted(cs, n)
    lines_per = lines_per[: keep + 1]
    lines_per[-1] -= cs[keep] - n
    inv_id = np.repeat(np.arange(len(lines_per)), lines_per)
    customer = inv_cust[inv_id].astype("int64") + 10_000
    ts = inv_ts[inv_id] * 1_000_000_000
    qty = rng.integers(1, 13, n)
    price = np.round(rng.lognormal(1.0, 0.8, n), 2)
    amount = qty * price
    ret = rng.random(n) < 0.02
    amount[ret] = -amount[ret]
    return inv_id, customer, ts, price, amount


def test_one_million_lines_reproduce_the_spec_numbers_17_2():
    tx = synthetic_transactions(1_000_000)
    assert len(tx) == 1_000_000
    assert tx["invoice"].nunique() == 250_047
    assert tx["customer_id"].nunique() == 65_851
    assert (tx["amount"] < 0).sum() == 20_112
    assert tx["amount"].sum() == pytest.approx(23_316_827.29, abs=1e-4)
    counts = tx.attrs["cvlib"]
    assert (counts["rows"], counts["invoices"], counts["customers"]) == (1_000_000, 250_047, 65_851)
    assert counts["return_lines"] == 20_112


def test_core_lines_are_the_spec_generator_lines_17_2():
    inv_id, customer, ts, price, amount = _spec_172(N)
    spec = pd.DataFrame(
        {"customer_id": customer, "ts": ts, "unit_price": price, "amount": amount, "inv": inv_id}
    )
    ours = pd.DataFrame(
        {
            "customer_id": PLAIN["customer_id"].to_numpy(),
            "ts": PLAIN["timestamp"].to_numpy().astype("int64"),
            "unit_price": PLAIN["unit_price"].to_numpy(),
            "amount": PLAIN["amount"].to_numpy(),
        }
    )
    key = ["ts", "customer_id", "amount", "unit_price"]
    a = spec[key].sort_values(key, ignore_index=True)
    b = ours[key].sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(a, b)
    # the same invoices: one invoice number per spec invoice, same number of lines each
    sizes_spec = np.sort(np.bincount(inv_id))
    sizes_ours = np.sort(PLAIN.groupby("invoice").size().to_numpy())
    np.testing.assert_array_equal(sizes_spec, sizes_ours)


def test_same_seed_same_frame_other_seed_other_frame():
    pd.testing.assert_frame_equal(PLAIN, synthetic_transactions(N))
    pd.testing.assert_frame_equal(MESSY, synthetic_transactions(N, messy=True))
    assert PLAIN.attrs == synthetic_transactions(N).attrs
    other = synthetic_transactions(N, seed=1)
    assert not other["amount"].equals(PLAIN["amount"])


def test_columns_and_dtypes_plain():
    assert list(PLAIN.columns) == COLUMNS
    assert PLAIN["invoice"].dtype == "int64"
    assert PLAIN["product"].dtype == "int64"
    assert PLAIN["quantity"].dtype == "int64"
    assert PLAIN["unit_price"].dtype == "float64"
    assert PLAIN["amount"].dtype == "float64"
    assert PLAIN["timestamp"].dtype == "datetime64[ns]"
    assert PLAIN["customer_id"].dtype == "int64"
    assert isinstance(PLAIN["country"].dtype, pd.CategoricalDtype)
    assert PLAIN.index.equals(pd.RangeIndex(N))


def test_columns_and_dtypes_messy():
    assert list(MESSY.columns) == COLUMNS
    assert pd.api.types.is_string_dtype(MESSY["invoice"].dtype)
    assert MESSY["customer_id"].dtype == "Int64"
    assert str(MESSY["timestamp"].dt.tz) == MESSY_DEFAULTS["tz"] == "Europe/London"
    assert MESSY["timestamp"].dtype == "datetime64[ns, Europe/London]"


@pytest.mark.parametrize("n", [1, 2, 7, 999, 1_000, 12_345])
def test_sizes(n):
    tx = synthetic_transactions(n, seed=3)
    assert len(tx) == n and tx.attrs["cvlib"]["rows"] == n
    assert tx["invoice"].nunique() == tx.attrs["cvlib"]["invoices"]


def test_messy_size_is_core_plus_cancellations_plus_duplicates():
    c = MESSY.attrs["cvlib"]
    assert len(MESSY) == N + c["cancellation_lines"] + c["duplicate_rows"]
    assert c["invoices"] == MESSY["invoice"].nunique()


def test_amount_is_quantity_times_unit_price_on_every_row():
    for tx in (PLAIN, MESSY):
        assert (tx["amount"] == tx["quantity"] * tx["unit_price"]).all()
        assert (tx["unit_price"] > 0).all() and (tx["quantity"] != 0).all()
        assert (tx["unit_price"] == tx["unit_price"].round(2)).all()
        assert tx["quantity"].abs().between(1, 12).all()


def test_rows_are_in_invoice_order_and_invoice_numbers_in_time_order():
    for tx in (PLAIN, MESSY):
        assert tx["timestamp"].is_monotonic_increasing
    assert PLAIN["invoice"].is_monotonic_increasing and PLAIN["invoice"].iloc[0] == 100_001
    number = MESSY["invoice"].str.removeprefix("C").astype("int64")
    assert number.is_monotonic_increasing
    start, end = pd.Timestamp("2022-01-01"), pd.Timestamp("2022-01-01") + pd.Timedelta(days=730)
    assert PLAIN["timestamp"].min() >= start and PLAIN["timestamp"].max() < end


def _within(observed: int, trials: int, p: float, sds: float = 5.0) -> bool:
    return abs(observed - trials * p) <= sds * np.sqrt(trials * p * (1 - p)) + 1


def test_shares_are_close_to_the_parameters():
    c = MESSY.attrs["cvlib"]
    regular = c["invoices"] - c["cancellation_invoices"]
    assert _within(c["return_lines"], N, 0.02)
    assert _within(c["cancellation_invoices"], regular, MESSY_DEFAULTS["cancel_share"])
    assert _within(c["duplicate_rows"], N + c["cancellation_lines"], 0.01)
    # missing ids are drawn per invoice: the line share is close, with invoice-level noise
    lines = N + c["cancellation_lines"]
    assert c["missing_customer_lines"] / lines == pytest.approx(0.05, abs=0.006)
    tx = synthetic_transactions(N, return_share=0.1, missing_customer_share=0.2)
    assert _within(tx.attrs["cvlib"]["return_lines"], N, 0.1)
    assert tx["customer_id"].isna().mean() == pytest.approx(0.2, abs=0.01)


def test_messy_features_are_present_and_consistent():
    tx = MESSY
    c = tx.attrs["cvlib"]
    # cancellations: "C" invoices, every line negative, later than the invoice they reverse
    cancel = tx["invoice"].str.startswith("C")
    assert tx.loc[cancel, "invoice"].nunique() == c["cancellation_invoices"] > 0
    assert (tx.loc[cancel, "quantity"] < 0).all() and (tx.loc[cancel, "amount"] < 0).all()
    distinct = tx.drop_duplicates()
    assert distinct["invoice"].str.startswith("C").sum() == c["cancellation_lines"]
    # returns: negative lines inside regular invoices
    returns = (~distinct["invoice"].str.startswith("C")) & (distinct["quantity"] < 0)
    assert returns.sum() == c["return_lines"]
    # missing ids, whole invoices at a time
    assert tx["customer_id"].isna().sum() > 0
    na = tx["customer_id"].isna().groupby(tx["invoice"]).agg(["min", "max"])
    assert (na["min"] == na["max"]).all()
    assert distinct["customer_id"].isna().sum() == c["missing_customer_lines"]
    # exact duplicates: each injected copy right after its original
    assert tx.duplicated().sum() == c["duplicate_rows"] > 0
    copies = np.flatnonzero(tx.duplicated(keep="first").to_numpy())
    pd.testing.assert_frame_equal(
        tx.iloc[copies].reset_index(drop=True), tx.iloc[copies - 1].reset_index(drop=True)
    )


def test_a_cancellation_reverses_lines_of_an_earlier_invoice_of_the_same_customer():
    tx = synthetic_transactions(20_000, seed=5, cancel_share=0.2, invoice_format="str")
    cancel = tx[tx["invoice"].str.startswith("C")]
    regular = tx[~tx["invoice"].str.startswith("C")]
    key = ["product", "unit_price", "customer_id", "country"]
    merged = cancel.assign(quantity=-cancel["quantity"]).merge(
        regular[[*key, "quantity", "timestamp"]], on=[*key, "quantity"], suffixes=("", "_orig")
    )
    matched = merged[merged["timestamp_orig"] <= merged["timestamp"]]
    assert matched.drop_duplicates(subset=["invoice", "product"])["invoice"].nunique() == (
        cancel["invoice"].nunique()
    )
    assert tx.attrs["cvlib"]["cancel_share"] == 0.2


def test_int_invoices_mark_cancellations_only_by_negative_quantities():
    tx = synthetic_transactions(20_000, seed=5, cancel_share=0.05, invoice_format="int")
    c = tx.attrs["cvlib"]
    assert tx["invoice"].dtype == "int64" and c["cancellation_lines"] > 0
    assert (tx["quantity"] < 0).sum() == c["return_lines"] + c["cancellation_lines"]


def test_time_zones_localise_the_same_wall_clock_dates():
    naive = synthetic_transactions(20_000, seed=2, messy=True, tz=None)
    london = synthetic_transactions(20_000, seed=2, messy=True)
    shanghai = synthetic_transactions(20_000, seed=2, messy=True, tz="Asia/Shanghai")
    assert naive["timestamp"].dt.tz is None
    assert str(shanghai["timestamp"].dt.tz) == "Asia/Shanghai"
    assert (shanghai["timestamp"].dt.tz_localize(None) == naive["timestamp"]).all()
    # London: wall-clock dates are kept (times in the spring-forward gap move to 02:00)
    assert (london["timestamp"].dt.date == naive["timestamp"].dt.date).all()
    assert synthetic_transactions(100, tz="UTC")["timestamp"].dt.tz is not None


def test_one_share_does_not_reshuffle_the_others():
    a = synthetic_transactions(30_000, seed=9, missing_customer_share=0.1)
    b = synthetic_transactions(30_000, seed=9, missing_customer_share=0.1, duplicate_share=0.05)
    pd.testing.assert_frame_equal(a, b.drop_duplicates(ignore_index=True))
    c = synthetic_transactions(30_000, seed=9)
    assert (a["amount"] == c["amount"]).all() and (a["product"] == c["product"]).all()


def test_explicit_shares_win_over_messy_defaults():
    tx = synthetic_transactions(20_000, messy=True, duplicate_share=0.0, tz=None)
    c = tx.attrs["cvlib"]
    assert c["duplicate_rows"] == 0 and c["tz"] is None and c["cancel_share"] == 0.02
    assert tx["timestamp"].dt.tz is None


def test_purchase_frequencies_are_heavy_tailed():
    # Poisson-lognormal invoices per customer: overdispersed (variance > mean), many one-timers
    per_customer = PLAIN.groupby("customer_id")["invoice"].nunique()
    assert per_customer.var() > 1.3 * per_customer.mean()
    assert per_customer.max() >= 10 * per_customer.median()
    assert (per_customer == 1).mean() > 0.3
    spend = PLAIN.groupby("customer_id")["amount"].sum()
    top = spend.sort_values(ascending=False)
    assert top.iloc[: len(top) // 5].sum() / top.sum() > 0.5  # top 20 % hold > half the spend
    assert PLAIN["unit_price"].mean() > PLAIN["unit_price"].median()  # right-skewed prices


def test_customers_and_countries():
    assert PLAIN["customer_id"].between(10_000, 109_999).all()
    assert PLAIN.groupby("customer_id")["country"].nunique().max() == 1
    assert (PLAIN["country"] == "United Kingdom").mean() == pytest.approx(0.89, abs=0.05)
    assert PLAIN["product"].between(10_000, 13_999).all()
    small = synthetic_transactions(5_000, n_customers=50, start="2023-03-01", days=10)
    assert small["customer_id"].nunique() <= 50
    assert small["timestamp"].min() >= pd.Timestamp("2023-03-01")
    assert small["timestamp"].max() < pd.Timestamp("2023-03-11")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_lines": 0}, "n_lines must be an integer >= 1"),
        ({"n_lines": 10.5}, "n_lines must be an integer >= 1"),
        ({"n_lines": 10, "seed": -1}, "seed must be an integer >= 0"),
        ({"n_lines": 10, "return_share": 1.5}, r"return_share must be a probability in \[0, 1\]"),
        ({"n_lines": 10, "cancel_share": -0.1}, "cancel_share must be a probability"),
        ({"n_lines": 10, "duplicate_share": "1%"}, "duplicate_share must be a probability"),
        ({"n_lines": 10, "tz": "Mars/Olympus"}, "tz='Mars/Olympus' is not a known time zone"),
        ({"n_lines": 10, "invoice_format": "hex"}, "invoice_format='hex' is not a valid option"),
        ({"n_lines": 10, "start": "not a date"}, "start='not a date' is not a date"),
        ({"n_lines": 10, "start": "2022-01-01T00:00+08:00"}, "has a time zone"),
        ({"n_lines": 10, "n_customers": 0}, "n_customers must be an integer >= 1"),
        ({"n_lines": 10, "messy": "yes"}, "messy must be True or False"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(CvlibInputError, match=match):
        synthetic_transactions(**kwargs)

"""Edge cases of the RFM pipeline found in review (methods/rfm.md §3-§5, §7.3, §8.5, §16):
categorical customer ids ordered by value on every backend, segment revenue under
monetary="mean", unhashable cells in the duplicate test, mixed-type ids, ISO 8601 strings with
UTC offsets and fractions of a second, and the small input checks (fixed-width date formats,
the empty log, parse errors with the full row and value, amount overflow, date_format on the
card). Each test failed before its fix."""

from __future__ import annotations

import dataclasses
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from cvlib import CvlibWarning, DataQualityWarning
from cvlib.rfm import btyd_summary, cn8, rfm_table, score, segment_summary

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

pytestmark = pytest.mark.filterwarnings(
    "error:Found complex group-by expression", "ignore::cvlib.DataQualityWarning"
)

KW = {"customer": "c", "date": "d", "amount": "a"}


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'America/New_York'")  # not the zone of any test
    yield connection
    connection.close()


def engines(frame: pd.DataFrame, con) -> dict:
    """The same log on pandas, polars (eager, lazy) and DuckDB."""
    polars_frame = pl.from_pandas(frame)
    return {
        "pandas": frame,
        "polars": polars_frame,
        "polars-lazy": polars_frame.lazy(),
        "duckdb": con.from_arrow(polars_frame.to_arrow()),
    }


def quiet(tx, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CvlibWarning)
        return rfm_table(tx, **kwargs)


def plain(table: pd.DataFrame, column: str = "c") -> pd.DataFrame:
    """The table with its id column as plain strings (categorical dtypes follow the engine)."""
    return table.assign(**{column: table[column].astype(str).astype(object)})


# ------------------------------------------------------------------ 1. categorical ids


IDS = ["b", "a", "c", "a", "d"]


@pytest.fixture(scope="module")
def id_log():
    return pd.DataFrame(
        {
            "c": IDS,
            "d": pd.to_datetime(
                ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
            ),
            "a": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )


def id_variants(frame: pd.DataFrame, con) -> dict:
    """String and categorical id columns whose category order is not the value order."""
    reverse = ["d", "c", "b", "a", "z"]  # "z" is never used
    polars_frame = pl.from_pandas(frame)
    con.execute("DROP TYPE IF EXISTS cvlib_test_ids")
    con.execute("CREATE TYPE cvlib_test_ids AS ENUM ('d', 'c', 'b', 'a', 'z')")
    duck = con.from_arrow(polars_frame.to_arrow())
    return {
        "pandas str": frame,
        "pandas category": frame.assign(c=pd.Categorical(IDS, categories=reverse)),
        "pandas ordered category": frame.assign(
            c=pd.Categorical(IDS, categories=reverse, ordered=True)
        ),
        "polars Categorical": polars_frame.with_columns(pl.col("c").cast(pl.Categorical)),
        "polars Enum": polars_frame.with_columns(pl.col("c").cast(pl.Enum(reverse))),
        "polars Enum lazy": polars_frame.lazy().with_columns(pl.col("c").cast(pl.Enum(reverse))),
        "duckdb VARCHAR": duck,
        "duckdb ENUM": duck.project("CAST(c AS cvlib_test_ids) AS c, d, a"),
    }


def test_categorical_ids_are_sorted_by_value_on_every_backend_rfm_md_5(id_log, con):
    reference = quiet(id_log, **KW).table
    assert reference["c"].tolist() == ["a", "b", "c", "d"]
    for name, tx in id_variants(id_log, con).items():
        table = quiet(tx, **KW).table
        assert table["c"].astype(str).tolist() == ["a", "b", "c", "d"], name
        pd.testing.assert_frame_equal(plain(table), plain(reference), obj=name)
        if "category" in name or "Categorical" in name or "Enum" in name or "ENUM" in name:
            assert isinstance(table["c"].dtype, pd.CategoricalDtype), name  # "as input"


def test_ties_first_split_by_id_value_for_categorical_ids_rfm_md_7_3(id_log, con):
    # every customer but "a" has F = 1: ties="first" splits them by id value, b < c < d
    with pytest.warns(CvlibWarning, match="split across scores"):
        reference = score(quiet(id_log, **KW), bins=2, ties="first").table
    expected = dict(zip(reference["c"], reference["f_score"], strict=True))
    assert expected == {"a": 2, "b": 1, "c": 1, "d": 2}
    for name, tx in id_variants(id_log, con).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CvlibWarning)
            scored = score(quiet(tx, **KW), bins=2, ties="first").table
        got = dict(zip(scored["c"].astype(str), scored["f_score"], strict=True))
        assert got == expected, name


def test_score_of_a_plain_table_with_categorical_ids_uses_the_values():
    table = pd.DataFrame(
        {
            "id": pd.Categorical(["x", "y", "z"], categories=["z", "y", "x"]),
            "recency_days": [1, 1, 1],
            "frequency": [1, 1, 1],
            "monetary": [5.0, 5.0, 5.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CvlibWarning)
        scored = score(table, customer="id", bins=3, ties="first").table
    assert scored["f_score"].tolist() == [1, 2, 3]  # x, y, z in value order


# ------------------------------------------------------------------ 2. segment revenue


@pytest.fixture(scope="module")
def mean_log():
    """a: two orders (10, 30); b: one order (7); c: a return only (-5, F = 0)."""
    return pd.DataFrame(
        {
            "c": ["a", "a", "b", "c"],
            "d": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-03", "2024-01-04"]),
            "a": [10.0, 30.0, 7.0, -5.0],
        }
    )


def test_monetary_mean_table_keeps_the_real_spend(mean_log):
    res = quiet(mean_log, **KW, monetary="mean")
    t = res.table.set_index("c")
    assert t.loc["a", "monetary"] == 20.0 and t.loc["a", "monetary_sum"] == 40.0
    assert np.isnan(t.loc["c", "monetary"]) and t.loc["c", "monetary_sum"] == -5.0
    assert list(res.table.columns[:5]) == [
        "c",
        "recency_days",
        "frequency",
        "monetary",
        "monetary_sum",
    ]
    assert "monetary_sum" not in quiet(mean_log, **KW).table.columns
    assert res.card.section("reconciliation")["holds"] is True


def test_segment_summary_revenue_is_the_net_total_under_monetary_mean_rfm_md_8_5(mean_log):
    by_sum = segment_summary(cn8(quiet(mean_log, **KW), lang="en"))
    by_mean = segment_summary(cn8(quiet(mean_log, **KW, monetary="mean"), lang="en"))
    total = float(mean_log["a"].sum())  # 42: 10 + 30 + 7 - 5
    assert by_sum["revenue"].sum() == pytest.approx(total)
    assert by_mean["revenue"].sum() == pytest.approx(total)  # was 27 = 20 + 7 (means, c lost)
    assert by_mean.loc["No purchase in window", "revenue"] == -5.0
    assert by_mean.loc["No purchase in window", "customers"] == 1
    assert by_mean["revenue_share"].sum() == pytest.approx(1.0)
    # aov = revenue / orders: a's segment holds 40 over 2 orders
    seg_a = cn8(quiet(mean_log, **KW, monetary="mean"), lang="en").table.set_index("c")
    row = by_mean.loc[str(seg_a.loc["a", "segment"])]
    assert row["aov"] == pytest.approx(row["revenue"] / row["orders"])


def test_segment_summary_refuses_a_mean_table_without_totals(mean_log):
    seg = cn8(quiet(mean_log, **KW, monetary="mean"), lang="en")
    stripped = dataclasses.replace(seg, table=seg.table.drop(columns="monetary_sum"))
    with pytest.raises(ValueError, match=r"monetary='mean'.*'monetary_sum'.*monetary='sum'"):
        segment_summary(stripped)


# ------------------------------------------------------------------ 3. unhashable cells


def test_unhashable_columns_take_part_in_exact_duplicates_by_value_rfm_md_4_2():
    tx = pd.DataFrame(
        {
            "c": ["a", "a", "a", "b", "b"],
            "d": pd.to_datetime(["2024-01-01"] * 5),
            "a": [1.0, 1.0, 1.0, 2.0, 2.0],
            "tags": [[1, 2], [1, 2], [1, 3], [], []],
            "meta": [{"x": 1, "y": 2}, {"y": 2, "x": 1}, {"x": 1, "y": 2}, {}, {}],
        }
    )
    before = tx.copy(deep=True)
    res = quiet(tx, **KW)  # raised TypeError: unhashable type: 'list'
    assert res.counts["duplicate_rows"] == 2  # row 1 (= row 0, dict order aside) and row 4
    assert res.counts["duplicate_amount"] == 3.0
    note = res.card.section("counts")["duplicate_note"]
    assert "'tags'" in note and "'meta'" in note and "compared by value" in note
    dropped = quiet(tx, **KW, duplicates="drop")
    assert dropped.table.set_index("c")["monetary"].to_dict() == {"a": 2.0, "b": 2.0}
    pd.testing.assert_frame_equal(tx, before)  # the input is not modified
    # polars compares list columns natively: the same count
    polars_res = quiet(pl.from_pandas(tx.drop(columns="meta")), **KW)
    assert (
        polars_res.counts["duplicate_rows"]
        == quiet(tx.drop(columns="meta"), **KW).counts["duplicate_rows"]
    )


# ------------------------------------------------------------------ 4. mixed-type ids


def test_ids_mixing_str_and_int_raise_naming_the_column_and_the_fix_rfm_md_3():
    tx = pd.DataFrame(
        {
            "c": pd.Series(["a", 1, "b", 2], dtype=object),
            "d": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "a": [1.0, 2.0, 3.0, 4.0],
        }
    )
    pattern = r"customer column 'c' mixes id types.*str \(e\.g\. 'a'.*int \(e\.g\. 1.*astype\(str\)"
    with pytest.raises(ValueError, match=pattern):
        rfm_table(tx, **KW)
    with pytest.raises(ValueError, match=pattern):
        btyd_summary(tx, **KW)
    table = pd.DataFrame(
        {
            "c": pd.Series(["a", 1], dtype=object),
            "recency_days": [1, 2],
            "frequency": [1, 1],
            "monetary": [1.0, 2.0],
        }
    )
    with pytest.raises(ValueError, match=r"customer column 'c' mixes id types"):
        score(table, customer="c")
    # ints mixed with floats sort together: no error
    numeric = tx.assign(c=pd.Series([1, 2.5, 1, 3], dtype=object))
    assert quiet(numeric, **KW).table["c"].tolist() == [1, 2.5, 3]


# ------------------------------------------------------------------ 5. ISO 8601 strings


INSTANTS = [  # customer, ISO string with offset, amount
    ("a", "2024-03-01T23:30:00+08:00", 1.0),
    ("a", "2024-03-02T00:30:00.250+08:00", 2.0),
    ("b", "2024-03-01T16:30:00Z", 3.0),
    ("b", "2024-03-03T10:00:00.5-05:00", 4.0),
]


def iso_log(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["c", "d", "a"])


def test_iso_strings_with_offsets_follow_the_aware_policy_on_every_backend_rfm_md_4_3(con):
    tx = iso_log(INSTANTS)
    aware = tx.assign(d=pd.to_datetime(tx["d"], utc=True, format="ISO8601"))
    for zone in ("Asia/Shanghai", "America/Los_Angeles", "UTC"):
        expected = quiet(aware, **KW, tz=zone, analysis_date="2024-03-05").table
        for name, frame in engines(tx, con).items():
            res = quiet(frame, **KW, tz=zone, analysis_date="2024-03-05")
            pd.testing.assert_frame_equal(res.table, expected, obj=f"{name} {zone}")
            assert res.card.section("dates")["tz"].startswith(zone)
    # tz=None and mixed offsets: the same error as mixed aware timestamps
    for frame in engines(tx, con).values():
        with pytest.raises(ValueError, match=r"mixes different UTC offsets.*Pass tz="):
            rfm_table(frame, **KW)


def test_one_utc_offset_throughout_is_the_datas_own_zone(con):
    rows = [r for r in INSTANTS if r[1].endswith("+08:00")] + [
        ("b", "2024-03-02T23:59:59+08:00", 9.0)
    ]
    tx = iso_log(rows)
    as_aware = tx.assign(d=pd.to_datetime(tx["d"], format="ISO8601"))  # dtype UTC+08:00
    expected = quiet(as_aware, **KW).table
    assert expected["last_purchase"].dt.day.tolist() == [2, 2]  # wall clock as written
    for name, frame in engines(tx, con).items():
        res = quiet(frame, **KW)
        pd.testing.assert_frame_equal(res.table, expected, obj=name)
        assert (
            res.tz == "+08:00"
            and "offset written in the strings" in res.card.section("dates")["tz"]
        )
    zulu = quiet(iso_log([("a", "2024-03-01T23:30:00Z", 1.0)]), **KW)
    assert zulu.tz == "UTC" and zulu.table["last_purchase"].tolist() == [pd.Timestamp("2024-03-01")]


def test_offset_strings_mixed_with_naive_strings_need_tz(con):
    tx = iso_log([("a", "2024-03-01T23:30:00+08:00", 1.0), ("b", "2024-03-01 23:30:00", 2.0)])
    with pytest.raises(ValueError, match=r"mixes strings with a UTC offset and strings without"):
        rfm_table(tx, **KW)
    for name, frame in engines(tx, con).items():
        res = quiet(frame, **KW, tz="Europe/London")
        # a: 15:30 in London on 03-01; b: naive, read as London wall clock
        assert res.table["last_purchase"].tolist() == [pd.Timestamp("2024-03-01")] * 2, name
        assert "naive times read as wall-clock time" in res.card.section("dates")["tz"]


def test_fractional_seconds_keep_exact_timestamps_on_every_backend(con):
    tx = iso_log(
        [
            ("a", "2024-03-01T10:00:00.1", 1.0),
            ("a", "2024-03-01T10:00:00.2", 2.0),
            ("a", "2024-03-01T10:00:00.20", 4.0),  # the same instant as .2
            ("a", "2024-03-01 10:00:00", 8.0),
            ("b", "2024-03-02", 16.0),
        ]
    )
    tables = {n: quiet(f, **KW, grain="timestamp").table for n, f in engines(tx, con).items()}
    for name, table in tables.items():
        assert table["frequency"].tolist() == [3, 1], name  # .1, .2 (= .20) and :00
        pd.testing.assert_frame_equal(table, tables["pandas"], obj=name)
    day = quiet(tx, **KW)  # grain="day": one occasion per date
    assert day.table["frequency"].tolist() == [1, 1]
    assert day.card.section("dates")["date_parsing"].startswith("ISO 8601 (dates, date-times")
    assert "date_format" not in day.card.section("dates")


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("2024-03-01T10:30+08:00", "without seconds"),
        ("2024-03-01T10:30:00+0800", r"offset must be written ±HH:MM"),
        ("01/03/2024", r'date_format="%d/%m/%Y" \(day first\) or "%m/%d/%Y"'),
        ("13/03/2024", r'day first \(13 > 12\): pass date_format="%d/%m/%Y"'),
        ("20240301", r'date_format="%Y%m%d"'),
        ("yesterday", r"not an ISO 8601 date: pass date_format="),
    ],
)
def test_unparseable_strings_get_a_hint_that_fits_the_value(value, hint):
    tx = iso_log([("a", "2024-03-01", 1.0), ("b", value, 2.0)])
    with pytest.raises(ValueError, match=r"ambiguous date format in column 'd'") as info:
        rfm_table(tx, **KW)
    message = str(info.value)
    assert f"{value!r} at row 1" in message
    assert re.search(hint, message), message
    if value.startswith("2024-03-01T"):
        assert "%d/%m/%Y" not in message  # the old, wrong hint for ISO-like strings


def test_iso_strings_with_invalid_calendar_values_name_the_row():
    tx = iso_log([("a", "2024-03-01", 1.0), ("b", "2024-02-30T10:00:00+08:00", 2.0)])
    with pytest.raises(
        ValueError, match=r"parsed as ISO 8601.*'2024-02-30T10:00:00\+08:00' at row 1"
    ):
        rfm_table(tx, **KW, tz="UTC")


# ------------------------------------------------------------------ 6. small input checks


def test_date_format_without_separators_rejects_short_values(con):
    tx = iso_log([("a", "20240101", 1.0), ("b", "2024011", 2.0), ("c", "20240103", 3.0)])
    for frame in engines(tx, con).values():
        with pytest.raises(ValueError, match=r"exactly 8 characters.*'2024011'"):
            rfm_table(frame, **KW, date_format="%Y%m%d")
    with pytest.raises(ValueError, match=r"'2024011' at row 1"):
        rfm_table(tx, **KW, date_format="%Y%m%d")
    # formats with separators accept unpadded fields (unambiguous)
    ok = iso_log([("a", "1/3/2024", 1.0), ("b", "15/12/2024", 2.0)])
    res = quiet(ok, **KW, date_format="%d/%m/%Y")
    assert res.table["last_purchase"].tolist() == [
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-12-15"),
    ]


def test_empty_log_says_it_has_0_rows_and_what_to_pass(con):
    empty = pd.DataFrame({"c": pd.Series([], dtype=str), "d": pd.to_datetime([]), "a": []})
    for frame in engines(empty, con).values():
        with pytest.raises(ValueError, match=r"no rows left.*tx has 0 rows.*'c', 'd' and 'a'"):
            rfm_table(frame, **KW)
    with pytest.raises(ValueError, match=r"tx has 0 rows.*btyd_summary needs"):
        btyd_summary(empty, **KW)


def test_parse_errors_show_the_row_index_and_the_value_in_full():
    tx = iso_log([("a", "20240101", 1.0), ("b", "2024x011", 2.0), ("c", "20240103", 3.0)])
    tx.index = ["k0", "k1", "k2"]
    with pytest.raises(ValueError) as info:
        rfm_table(tx, **KW, date_format="%Y%m%d")
    message = str(info.value)
    assert "could not be parsed with date_format='%Y%m%d'" in message
    assert "'2024x011' at row 1 (index 'k1')" in message
    assert "You might want to try" not in message  # no cut-off engine text


def test_polars_parse_errors_name_the_row_too():
    tx = pl.DataFrame({"c": ["a", "b"], "d": ["20240101", "2024x011"], "a": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"'2024x011' at row 1"):
        rfm_table(tx, **KW, date_format="%Y%m%d")


def test_amounts_that_overflow_float64_raise_instead_of_inf(con):
    tx = pd.DataFrame(
        {
            "c": ["a", "b", "c"],
            "d": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "a": [1e308, 1e308, 1.0],
        }
    )
    for frame in engines(tx, con).values():
        with pytest.raises(ValueError, match=r"too large to add up.*1.8e308"):
            rfm_table(frame, **KW)
    # the total is finite (1e308 - 1e308 + 1e308) but customer a's sum overflows
    per_customer = tx.assign(c=["a", "b", "a"], a=[1e308, -1e308, 1e308])
    with pytest.raises(ValueError, match=r"too large to add up: Σ amounts of customer 'a'"):
        rfm_table(per_customer, **KW)


def test_the_card_records_the_date_format():
    tx = iso_log([("a", "20240101", 1.0), ("b", "20240102", 2.0)])
    res = quiet(tx, **KW, date_format="%Y%m%d")
    dates = res.card.section("dates")
    assert dates["date_parsing"] == "%Y%m%d (argument date_format=)"
    iso = quiet(iso_log([("a", "2024-01-01", 1.0)]), **KW)
    assert iso.card.section("dates")["date_parsing"].startswith("ISO 8601 YYYY-MM-DD")
    stamps = quiet(iso_log([("a", pd.Timestamp("2024-01-01"), 1.0)]), **KW)
    assert stamps.card.section("dates")["date_parsing"].startswith("none (")
    assert "%Y%m%d" in str(res.card)


def test_data_quality_warnings_still_fire():
    tx = iso_log([("a", "2024-01-01", 1.0), ("a", "2024-01-01", 1.0)])
    with pytest.warns(DataQualityWarning, match="exact duplicate"):
        rfm_table(tx, **KW)

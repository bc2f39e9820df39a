"""PySpark and the session time zone (methods/rfm.md §4.3, §16 rule 4): the customer table of a
Spark DataFrame equals the pandas table of the same data (values, dtypes, dates at midnight)
whatever ``spark.sql.session.timeZone`` is, and no numpy/pyarrow warning reaches the user.

Spark ``TIMESTAMP`` values are instants shown in the session zone; ``date_trunc`` returns such
instants, ``toArrow`` hands them over as UTC, and a naive Python ``datetime`` literal becomes an
instant in the Python process's zone. Each of these shifted dates by a day in a non-UTC session.

One module-scoped ``local[1]`` session; the tests switch its zone with ``spark.conf.set`` (which
also checks that cvlib reads the zone live: narwhals caches the first zone it sees per session).
Skipped when pyspark or Java is missing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import warnings

import pandas as pd
import pytest

from cvlib import CvlibWarning
from cvlib.rfm import btyd_summary, rfm_table

pytest.importorskip("pyspark")

pytestmark = pytest.mark.filterwarnings(
    "ignore::cvlib.DataQualityWarning",
    "ignore:PySpark does not yet fully support pandas:FutureWarning",
)

ZONES = ["UTC", "Asia/Shanghai", "America/New_York"]
SESSION_TZ = "spark.sql.session.timeZone"

# Rows near midnight (a shift of a few hours moves them to another day), on the window start
# (2023-01-02), on the analysis date (2023-01-10) and after it (2023-01-11).
ROWS = [
    (1, "2023-01-01 00:30", 10.0),
    (1, "2023-01-05 23:30", 20.0),
    (2, "2023-01-02 12:00", 5.0),
    (2, "2023-01-10 01:00", 7.0),
    (3, "2023-01-03 23:59", 1.0),
    (3, "2023-01-11 00:10", 2.0),
    (4, "2023-01-02 00:05", 4.0),
    (4, "2023-01-09 23:55", 3.0),
]
KEYS = {"customer": "c", "date": "t", "amount": "x"}
EXPLICIT = {"analysis_date": "2023-01-10", "window_start": "2023-01-02"}


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("PySpark needs Java (no java on PATH and no JAVA_HOME)")
    from pyspark.sql import SparkSession

    try:
        session = (
            SparkSession.builder.master("local[1]")
            .appName("cvlib-rfm-spark")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.codegen.wholeStage", "false")
            .config(SESSION_TZ, "UTC")
            .getOrCreate()
        )
    except Exception as exc:  # a JVM that does not start
        pytest.skip(f"no local Spark session: {exc}")
    session.sparkContext.setLogLevel("ERROR")
    original = session.conf.get(SESSION_TZ)
    yield session
    session.conf.set(SESSION_TZ, original)
    session.stop()


@contextlib.contextmanager
def session_zone(spark, zone: str):
    before = spark.conf.get(SESSION_TZ)
    spark.conf.set(SESSION_TZ, zone)
    try:
        yield
    finally:
        spark.conf.set(SESSION_TZ, before)


def times() -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(t) for _, t, _ in ROWS]


def pandas_frame(values) -> pd.DataFrame:
    return pd.DataFrame({"c": [r[0] for r in ROWS], "t": values, "x": [r[2] for r in ROWS]})


def spark_frame(spark, values, date_type, rows=ROWS):
    """``rows`` with the dates ``values`` (c, t, x), built from Python objects: zone-free for
    TIMESTAMP_NTZ, DATE and strings, exact instants for aware datetimes (no pandas on the way)."""
    from pyspark.sql import types as T

    schema = T.StructType(
        [
            T.StructField("c", T.LongType()),
            T.StructField("t", date_type),
            T.StructField("x", T.DoubleType()),
        ]
    )
    data = [(r[0], v, r[2]) for r, v in zip(rows, values, strict=True)]
    return spark.createDataFrame(data, schema)


def run(function, tx, **kwargs):
    """Call ``function``; fail on any warning that is not cvlib's own (numpy, pyarrow, ...)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(tx, **KEYS, **kwargs)
    leaked = [w for w in caught if not issubclass(w.category, CvlibWarning)]
    assert not leaked, [f"{w.category.__name__}: {w.message}" for w in leaked]
    return result


def assert_same(expected, got) -> None:
    """Identical tables: values, dtypes, and purchase dates at midnight."""
    pd.testing.assert_frame_equal(expected.table, got.table, check_exact=True)
    for column in ("first_purchase", "last_purchase"):
        if column in got.table:
            dates = got.table[column]
            assert (dates == dates.dt.normalize()).all(), dates.tolist()


# ---------------------------------------------------------------------- default analysis date
@pytest.mark.parametrize("zone", ZONES)
def test_naive_and_aware_times_match_pandas_in_any_session_zone(spark, zone):
    from pyspark.sql import types as T

    naive = times()
    aware = [t.replace(tzinfo=dt.UTC) for t in naive]
    with session_zone(spark, zone):
        # naive wall-clock times (TIMESTAMP_NTZ): the dates as recorded
        got = run(rfm_table, spark_frame(spark, naive, T.TimestampNTZType()))
        assert_same(rfm_table(pandas_frame(naive), **KEYS), got)
        # instants (TIMESTAMP) in another zone than the session's: the local dates there,
        # by instant (the session zone plays no part)
        got = run(rfm_table, spark_frame(spark, aware, T.TimestampType()), tz="Asia/Kolkata")
        assert_same(rfm_table(pandas_frame(aware), **KEYS, tz="Asia/Kolkata"), got)
        assert got.tz == "Asia/Kolkata"


@pytest.mark.parametrize(
    ("zone", "kind"), [("Asia/Shanghai", "iso-string"), ("America/New_York", "date")]
)
def test_string_and_date_columns_match_pandas(spark, zone, kind):
    from pyspark.sql import types as T

    if kind == "date":
        values, date_type = [t.date() for t in times()], T.DateType()
    else:
        values, date_type = [t.isoformat() for t in times()], T.StringType()
    with session_zone(spark, zone):
        got = run(rfm_table, spark_frame(spark, values, date_type), grain="day")
    assert_same(rfm_table(pandas_frame(values), **KEYS, grain="day"), got)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_timestamp_column_uses_the_live_session_zone(spark, zone):
    """A pandas naive column becomes a Spark TIMESTAMP at the session zone's wall clock: with
    tz=None its local dates are the recorded ones, and the card names the session zone now in
    force (not the one narwhals cached for this session)."""
    tx = pandas_frame(pd.to_datetime([t for _, t, _ in ROWS]))
    with session_zone(spark, zone):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark on pandas >= 3
            sdf = spark.createDataFrame(tx)
        got = run(rfm_table, sdf, grain="timestamp")
    assert got.tz == zone
    assert_same(rfm_table(tx, **KEYS, grain="timestamp"), got)


def test_instants_in_the_repeated_hour_are_converted_exactly(spark):
    """2023-11-05 05:30Z and 06:30Z are both 01:30 in New York (DST ends): through the session
    wall clock they would be one time; in America/Regina (UTC-6) they are on two days."""
    from pyspark.sql import types as T

    instants = [
        dt.datetime(2023, 11, 5, 5, 30, tzinfo=dt.UTC),
        dt.datetime(2023, 11, 5, 6, 30, tzinfo=dt.UTC),
    ]
    rows = [(1, None, 1.0), (2, None, 1.0)]
    with session_zone(spark, "America/New_York"):
        sdf = spark_frame(spark, instants, T.TimestampType(), rows)
        got = run(rfm_table, sdf, tz="America/Regina")
    tx = pd.DataFrame({"c": [1, 2], "t": instants, "x": [1.0, 1.0]})
    assert_same(rfm_table(tx, **KEYS, tz="America/Regina"), got)
    assert got.table["last_purchase"].dt.day.tolist() == [4, 5]


# ---------------------------------------------------------------------- explicit dates
def test_explicit_dates_match_pandas_in_every_session_zone(spark):
    """analysis_date / window_start / observation_end are calendar days in every session zone.

    One test over all zones: a naive datetime literal is right only in a session whose zone
    has the Python process's UTC offset, so without day literals some zone always fails.
    """
    from pyspark.sql import types as T

    naive = times()
    pdf = pandas_frame(naive)
    expected = rfm_table(pdf, **KEYS, **EXPLICIT)
    for zone in ZONES:
        with session_zone(spark, zone):
            got = run(rfm_table, spark_frame(spark, naive, T.TimestampNTZType()), **EXPLICIT)
        assert_same(expected, got)
        assert got.counts["rows_after_analysis_date"] == 1, zone
        assert got.counts["rows_before_window"] == 1, zone
    with session_zone(spark, "America/New_York"):
        sdf = spark_frame(spark, naive, T.TimestampNTZType())
        got = run(btyd_summary, sdf, observation_end="2023-01-10")
    assert_same(btyd_summary(pdf, **KEYS, observation_end="2023-01-10"), got)


def test_days_stay_at_midnight_where_dst_starts_at_midnight(spark):
    """America/Santiago skipped 2023-09-03 00:00-01:00: the day is still 2023-09-03 00:00."""
    from pyspark.sql import types as T

    naive = [dt.datetime(2023, 9, 1, 10), dt.datetime(2023, 9, 3, 10)]
    rows = [(1, None, 1.0), (1, None, 1.0)]
    with session_zone(spark, "America/Santiago"):
        got = run(rfm_table, spark_frame(spark, naive, T.TimestampNTZType(), rows))
    tx = pd.DataFrame({"c": [1, 1], "t": naive, "x": [1.0, 1.0]})
    assert_same(rfm_table(tx, **KEYS), got)

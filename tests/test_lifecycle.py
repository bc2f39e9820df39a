"""rfm.md §13 lifecycle status and value_and_credit.md §5.2 usual-cycle alert."""

from __future__ import annotations

import pandas as pd
import pytest

from cvlib._validation import CvlibInputError
from cvlib.rfm import lifecycle_flags, rfm_table

VISITS = ["2024-02-02", "2024-02-09", "2024-02-16", "2024-02-23", "2024-03-01"]


def _tx(days, customer=1):
    return pd.DataFrame({"c": customer, "d": pd.to_datetime(days), "a": 10.0})


@pytest.mark.parametrize(("as_of", "flagged"), [("2024-03-11", False), ("2024-03-12", True)])
def test_cycle_alert_strictly_after_cycle_plus_3_days_value_and_credit_5_2(as_of, flagged):
    tx = _tx(VISITS)
    rfm = rfm_table(tx, customer="c", date="d", amount="a", analysis_date=as_of)
    flags = lifecycle_flags(rfm, tx, date="d", dormant_after=30, churned_after=90)
    row = flags.iloc[0]
    assert row["usual_cycle_days"] == 7
    assert row["days_since_last_visit"] == (10 if not flagged else 11)
    assert bool(row["cycle_alert"]) is flagged
    assert row["cycle_status"] == ("alert" if flagged else "ok")
    assert row["due_date"] == pd.Timestamp("2024-03-11")


def test_usual_cycle_is_the_median_gap_and_one_visit_is_insufficient_history():
    tx = pd.concat(
        [_tx(["2024-01-01", "2024-01-06", "2024-01-15", "2024-01-22"], 1), _tx(["2024-01-10"], 2)]
    )
    rfm = rfm_table(tx, customer="c", date="d", amount="a", analysis_date="2024-02-01")
    flags = lifecycle_flags(rfm, tx, date="d", dormant_after=30, churned_after=90).set_index("c")
    assert flags.loc[1, "usual_cycle_days"] == 7  # gaps 5, 9, 7
    assert flags.loc[2, "cycle_status"] == "insufficient_history"
    assert not flags.loc[2, "cycle_alert"]


def test_status_thresholds_are_inclusive_and_required():
    tx = pd.concat([_tx(["2024-01-31"], 1), _tx(["2024-01-01"], 2), _tx(["2023-06-01"], 3)])
    rfm = rfm_table(tx, customer="c", date="d", amount="a", analysis_date="2024-02-01")
    flags = lifecycle_flags(rfm, dormant_after=1, churned_after=31).set_index("c")
    assert flags["status"].tolist() == ["active", "dormant", "churned"]
    assert flags["status_zh"].tolist() == ["活跃", "沉睡", "流失"]
    with pytest.raises(TypeError):
        lifecycle_flags(rfm)  # the thresholds have no default: the sources give none
    with pytest.raises(ValueError, match="dormant_after <= churned_after"):
        lifecycle_flags(rfm, dormant_after=90, churned_after=30)
    with pytest.raises(ValueError, match="pass date="):
        lifecycle_flags(rfm, tx, dormant_after=1, churned_after=31)


def test_lifecycle_does_not_mutate_the_input():
    tx = _tx(VISITS)
    before = tx.copy()
    rfm = rfm_table(tx, customer="c", date="d", amount="a", analysis_date="2024-03-12")
    lifecycle_flags(rfm, tx, date="d", dormant_after=30, churned_after=90)
    pd.testing.assert_frame_equal(tx, before)


DDMM = ["01/03/2024", "04/03/2024", "07/03/2024", "10/03/2024"]  # every day <= 12: ambiguous


def test_dd_mm_strings_are_read_with_date_format_rfm_20_11():
    tx = pd.DataFrame({"c": "x", "d": DDMM, "a": 10.0})
    rfm = rfm_table(
        tx, customer="c", date="d", amount="a", date_format="%d/%m/%Y", analysis_date="2024-03-12"
    )
    flags = lifecycle_flags(
        rfm, tx, date="d", date_format="%d/%m/%Y", dormant_after=30, churned_after=90
    )
    row = flags.iloc[0]
    assert row["n_visits"] == 4
    assert row["usual_cycle_days"] == 3
    assert row["last_visit"] == pd.Timestamp("2024-03-10")
    assert row["days_since_last_visit"] == 2
    assert not bool(row["cycle_alert"])


def test_ambiguous_strings_without_date_format_raise_rfm_20_11():
    tx = pd.DataFrame({"c": "x", "d": DDMM, "a": 10.0})
    rfm = rfm_table(
        tx, customer="c", date="d", amount="a", date_format="%d/%m/%Y", analysis_date="2024-03-12"
    )
    with pytest.raises(CvlibInputError, match=r"ambiguous date format.*date_format="):
        lifecycle_flags(rfm, tx, date="d", dormant_after=30, churned_after=90)
    with pytest.raises(CvlibInputError, match="could not be parsed with date_format"):
        lifecycle_flags(
            rfm, tx, date="d", date_format="%Y-%m-%d", dormant_after=30, churned_after=90
        )
    dated = tx.assign(d=pd.to_datetime(tx["d"], format="%d/%m/%Y"))
    with pytest.raises(CvlibInputError, match="string dates only"):
        lifecycle_flags(
            rfm, dated, date="d", date_format="%d/%m/%Y", dormant_after=30, churned_after=90
        )


def test_iso_strings_are_read_without_date_format():
    tx = pd.DataFrame({"c": 1, "d": VISITS, "a": 10.0})
    rfm = rfm_table(tx, customer="c", date="d", amount="a", analysis_date="2024-03-12")
    flags = lifecycle_flags(rfm, tx, date="d", dormant_after=30, churned_after=90)
    assert flags.loc[0, "usual_cycle_days"] == 7 and bool(flags.loc[0, "cycle_alert"])


def test_tz_aware_as_of_is_taken_on_the_result_local_calendar():
    stamps = pd.to_datetime(VISITS).tz_localize("Asia/Shanghai").tz_convert("UTC")
    tx = pd.DataFrame({"c": 1, "d": stamps, "a": 10.0})
    rfm = rfm_table(tx, customer="c", date="d", amount="a", tz="Asia/Shanghai")
    # 2024-03-11 20:00 UTC is 2024-03-12 04:00 in Shanghai: 11 days after 2024-03-01 > 7 + 3
    as_of = pd.Timestamp("2024-03-11 20:00", tz="UTC")
    flags = lifecycle_flags(rfm, tx, date="d", as_of=as_of, dormant_after=30, churned_after=90)
    assert flags.loc[0, "days_since_last_visit"] == 11
    assert bool(flags.loc[0, "cycle_alert"])
    assert flags.attrs["cvlib"]["as_of"] == "2024-03-12"


def test_tz_aware_as_of_with_naive_data_and_no_tz_raises_clearly():
    tx = _tx(VISITS)
    rfm = rfm_table(tx, customer="c", date="d", amount="a")
    as_of = pd.Timestamp("2024-03-12", tz="UTC")
    with pytest.raises(CvlibInputError, match="tz-aware"):
        lifecycle_flags(rfm, tx, date="d", as_of=as_of, dormant_after=30, churned_after=90)

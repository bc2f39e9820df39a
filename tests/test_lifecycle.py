"""rfm.md §13 lifecycle status and value_and_credit.md §5.2 usual-cycle alert."""

from __future__ import annotations

import pandas as pd
import pytest

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

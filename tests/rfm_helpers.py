"""Helpers shared by the RFM scoring and rule tests (imported by test modules, not collected)."""

from __future__ import annotations

import warnings

import pandas as pd

from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.rfm import rfm_table, score

ID = {"customer": "customer_id"}


def cdnow_customers(tx: pd.DataFrame, *, grain: str = "row"):
    """CDNOW customer table with the rfm.md §19 defaults (analysis date = last date + 1 day).

    The 255 exact duplicate rows are kept (and reported by a DataQualityWarning, silenced here).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return rfm_table(
            tx, customer="customer_id", date="date", amount="dollar_value", grain=grain
        )


def quiet_score(result, **kwargs):
    """score() with the customer id column of CDNOW and its expected warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CvlibWarning)
        return score(result, **{**ID, **kwargs})


def frame_of(result) -> pd.DataFrame:
    return result if isinstance(result, pd.DataFrame) else result.table

"""RFM analysis (RFM 分析): transaction logs to customer tables, scores and segments.

Two different tables come from one transaction log (``methods/rfm.md`` §1) and are never confused:

* :func:`rfm_table` - classic marketing RFM: ``recency_days`` (analysis date - last purchase),
  ``frequency`` (purchase occasions), ``monetary`` (sum or mean), for scoring and segments;
* :func:`btyd_summary` - the BTYD / lifetimes table (``frequency`` = repeat periods, ``recency`` =
  age at last purchase, ``T``, ``monetary_value``), identical to lifetimes 0.11.3, for CLV models.

Then :func:`score` (quantile/fixed/mean/median bins with explicit tie policies, never raising on
ties), :func:`segment` with rule tables and presets (including the Chinese 8-class scheme
``"cn8"``, 八类客户), :func:`validate_rules`, :func:`segment_summary` and :func:`weighted_score`.
Every result carries a :class:`DefinitionCard` (口径说明卡) that says what each number means.
The aggregation runs where the data lives (pandas, polars, DuckDB, PySpark) through narwhals.
"""

from cvlib.rfm._btyd import BTYDResult, btyd_summary
from cvlib.rfm._card import DefinitionCard
from cvlib.rfm._lifecycle import lifecycle_flags
from cvlib.rfm._rules import (
    PRESETS,
    RuleReport,
    RuleTable,
    SegmentedResult,
    cn8,
    load_rules,
    segment,
    segment_summary,
    validate_rules,
)
from cvlib.rfm._score import ScoredResult, score, weighted_score
from cvlib.rfm._table import RFMResult, rfm_table

__all__ = [
    "PRESETS",
    "BTYDResult",
    "DefinitionCard",
    "RFMResult",
    "RuleReport",
    "RuleTable",
    "ScoredResult",
    "SegmentedResult",
    "btyd_summary",
    "cn8",
    "lifecycle_flags",
    "load_rules",
    "rfm_table",
    "score",
    "segment",
    "segment_summary",
    "validate_rules",
    "weighted_score",
]

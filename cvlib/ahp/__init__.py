"""Analytic Hierarchy Process (层次分析法, AHP): judgment matrices, priorities, consistency,
hierarchies. The normative specification is ``methods/ahp.md``.

Orientation everywhere: a_ij = importance of row element i over column element j
(行 i 相对于列 j 的重要性); a_ji = 1/a_ij; ``{("a", "b"): 3}`` means *a* is 3 times as important
as *b*. Weights are float64 and never rounded in computation (:func:`format_weights` rounds for
display only).

Main entry points:

* :func:`weights` - priority weights (层次单排序: 特征根法 / 几何平均法 / 和法) with λmax, CI, CR
  (一致性比率), GCI, verdict and provenance, for one matrix or a stack ``(r, n, n)``;
* :func:`judgment_matrix` - the canonical, validated 判断矩阵 from any input form;
* :data:`RI_TABLES`, :func:`random_index`, :func:`simulate_ri` - named RI tables (随机一致性指标);
* :func:`gci` - geometric consistency index;
* :func:`incomplete_weights` - incomplete matrices (不完全判断矩阵): Harker, LLSM, λ-min;
* :func:`diagnose`, :func:`repair`, :func:`three_cycles` - inconsistency diagnostics per
  respondent (不一致判断诊断) and the opt-in, audited repair loop;
* :func:`group_weights` - group aggregation (群决策, AIJ/AIP) with CR censoring, bootstrap CIs
  and consensus; :func:`oat_sensitivity`, :func:`monte_carlo_sensitivity` - rank stability;
* :func:`hierarchy` - indicator tree, global weights (层次总排序), combined consistency
  (组合一致性), alternatives in distributive and ideal modes.
"""

from ._consistency import (
    GCI_THRESHOLDS,
    RI_TABLES,
    VERDICT_EN,
    CombinedConsistency,
    gci_threshold,
    random_index,
    simulate_ri,
)
from ._diagnostics import (
    RANK_BY,
    CycleResult,
    DiagnosisResult,
    RepairResult,
    RepairWarning,
    diagnose,
    error_matrix,
    repair,
    three_cycles,
)
from ._errors import (
    ORIENTATION,
    AHPInputError,
    AHPInternalError,
    AHPWarning,
    ConvergenceWarning,
    DuplicateJudgmentError,
    DuplicateJudgmentWarning,
    HierarchyError,
    InconsistencyWarning,
    MissingJudgmentError,
    NormalizationWarning,
    ReciprocityError,
    ReciprocityWarning,
    ScaleError,
    ScaleWarning,
)
from ._group import (
    AGGREGATIONS,
    AIP_MEANS,
    ConsensusResult,
    GroupResult,
    SegmentWeightsResult,
    consensus,
    group_weights,
    segment_weights,
)
from ._hierarchy import AlternativesResult, HierarchyResult, hierarchy
from ._incomplete import (
    INCOMPLETE_METHODS,
    DisconnectedComparisonsError,
    IncompleteResult,
    incomplete_weights,
)
from ._matrix import S17, JudgmentStack, judgment_matrix, survey_matrices
from ._priority import LAMBDA_ESTIMATORS, METHOD_ALIASES
from ._sensitivity import (
    SNAP_MODES,
    MonteCarloResult,
    OATResult,
    monte_carlo_sensitivity,
    oat_sensitivity,
)
from ._weights import AHPResult, direct_weights, format_weights, gci, measured_weights, weights

__all__ = [
    "AGGREGATIONS",
    "AIP_MEANS",
    "SNAP_MODES",
    "ConsensusResult",
    "GroupResult",
    "MonteCarloResult",
    "OATResult",
    "SegmentWeightsResult",
    "consensus",
    "group_weights",
    "monte_carlo_sensitivity",
    "oat_sensitivity",
    "segment_weights",
    "INCOMPLETE_METHODS",
    "RANK_BY",
    "CycleResult",
    "DiagnosisResult",
    "DisconnectedComparisonsError",
    "IncompleteResult",
    "RepairResult",
    "RepairWarning",
    "diagnose",
    "error_matrix",
    "incomplete_weights",
    "repair",
    "three_cycles",
    "GCI_THRESHOLDS",
    "LAMBDA_ESTIMATORS",
    "METHOD_ALIASES",
    "ORIENTATION",
    "RI_TABLES",
    "S17",
    "VERDICT_EN",
    "AHPInputError",
    "AHPInternalError",
    "AHPResult",
    "AHPWarning",
    "AlternativesResult",
    "CombinedConsistency",
    "ConvergenceWarning",
    "DuplicateJudgmentError",
    "DuplicateJudgmentWarning",
    "HierarchyError",
    "HierarchyResult",
    "InconsistencyWarning",
    "JudgmentStack",
    "MissingJudgmentError",
    "NormalizationWarning",
    "ReciprocityError",
    "ReciprocityWarning",
    "ScaleError",
    "ScaleWarning",
    "direct_weights",
    "format_weights",
    "gci",
    "gci_threshold",
    "hierarchy",
    "judgment_matrix",
    "measured_weights",
    "random_index",
    "simulate_ri",
    "survey_matrices",
    "weights",
]

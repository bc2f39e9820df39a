"""Consistency (一致性检验): named RI tables, CI/CR with the clamp, threshold rules, combined CR.

ahp.md §3, §4 and §7.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import check_choice

from ._errors import AHPInputError, AHPInternalError
from ._matrix import S17

# --------------------------------------------------------------------------------------------
# Random Index tables (随机一致性指标 RI), ahp.md §4.1


def _al_linear(n: int) -> float:
    """Alonso & Lamata (2006) linear fit: RI(n) = (1.7699 n - 4.3513)/(n - 1), n >= 3."""
    return (1.7699 * n - 4.3513) / (n - 1)


def _table(values: list[float], source: str, formula: str | None = None) -> MappingProxyType:
    full = {1: 0.0, 2: 0.0} | {n: float(v) for n, v in enumerate(values, start=3)}
    return MappingProxyType(
        {
            "values": MappingProxyType(full),
            "n_max": max(full),
            "source": source,
            "formula": formula,
        }
    )


RI_TABLES: MappingProxyType = MappingProxyType(
    {
        "saaty1980": _table(
            [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.54, 1.56, 1.58, 1.59],
            "Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill; classic table "
            "n = 1..10 with the commonly printed extension n = 11..15 (the table of Chinese "
            "textbooks, e.g. Jiang Qiyuan 《数学模型》).",
        ),
        "saaty1980_pydecision": _table(
            [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59],
            "Saaty (1980) as printed in pyDecision (n = 11..15: 1.51, 1.48, 1.56, 1.57, 1.59; "
            "non-monotone at n = 12). For reproduction only.",
        ),
        "saaty1980_ahpos": _table(
            [0.57, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49],
            "Saaty (1980) as used in AHP-OS (Goepel): 0.57 at n = 3, n <= 10 only. "
            "For reproduction only.",
        ),
        "saaty2005": _table(
            [0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59],
            "Saaty, T. L. (2005). Theory and Applications of the Analytic Network Process. "
            "RWS Publications.",
        ),
        "pyanp": _table(
            [0.52, 0.89, 1.12, 1.25, 1.35, 1.40, 1.45, 1.49, 1.51, 1.54, 1.56, 1.57, 1.58],
            "pyanp (incon_std); SuperDecisions probably uses the same table (unverified).",
        ),
        "alonso_lamata": _table(
            [
                0.5247,
                0.8816,
                1.1086,
                1.2479,
                1.3417,
                1.4057,
                1.4499,
                1.4854,
                1.5140,
                1.5365,
                1.5551,
                1.5713,
                1.5838,
            ],
            "Alonso, J. A. & Lamata, M. T. (2006). Consistency in the analytic hierarchy process: "
            "a new approach. Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 14(4), "
            "445-459 (simulated table; their linear fit beyond: alonso_lamata_linear).",
        ),
        "donegan_dodd": _table(
            [
                0.4914,
                0.8286,
                1.0591,
                1.1797,
                1.2519,
                1.3171,
                1.3733,
                1.4055,
                1.4213,
                1.4497,
                1.4643,
                1.4822,
                1.4969,
            ],
            "Donegan, H. A. & Dodd, F. J. (1991). A note on Saaty's random indexes. Mathematical "
            "and Computer Modelling 15(10), 135-137 (n = 3..15).",
        ),
        "tummala_ling": _table(
            [
                0.5799,
                0.8921,
                1.1159,
                1.2358,
                1.3322,
                1.3952,
                1.4537,
                1.4882,
                1.5117,
                1.5356,
                1.5571,
                1.5714,
                1.5831,
            ],
            "Tummala, V. M. R. & Ling, H. (1998). A note on the computation of the mean random "
            "consistency index of the AHP. Theory and Decision 44, 221-230.",
        ),
        "ahpsurvey_sim": _table(
            [
                0.5252,
                0.8837,
                1.1081,
                1.2493,
                1.3416,
                1.4048,
                1.4507,
                1.4857,
                1.5141,
                1.5357,
                1.5546,
                1.5703,
                1.5840,
            ],
            "ahpsurvey (R) simulation, 500 000 draws per n.",
        ),
        "alonso_lamata_linear": _table(
            [_al_linear(n) for n in range(3, 16)],
            "Alonso & Lamata (2006) linear fit RI(n) = (1.7699 n - 4.3513)/(n - 1) for every "
            "n >= 3 (used by AHP-OS); defined for all n, the values listed stop at 15.",
            formula="(1.7699 n - 4.3513)/(n - 1)",
        ),
    }
)
"""Named RI tables: name -> {"values": {n: RI}, "n_max", "source", "formula"} (ahp.md §4.1)."""

BEYOND = ("alonso_lamata_linear", "error", "simulate")

#: GCI thresholds of Aguarón & Moreno-Jiménez (2003) as commonly cited (ahp.md §5).
GCI_THRESHOLDS = MappingProxyType(
    {
        "gci_am2003": MappingProxyType({3: 0.31, 4: 0.35, 5: 0.37}),
    }
)


def gci_threshold(n: int, table: str = "gci_am2003") -> float:
    """Acceptance threshold of the geometric consistency index (GCI) for a matrix of order n.

    A matrix is acceptable when GCI <= threshold(n). Table ``"gci_am2003"`` (Aguarón &
    Moreno-Jiménez 2003, as commonly cited; ahp.md §5): 0.31 for n = 3, 0.35 for n = 4 and
    0.37 for n >= 5 (the n = 5 value is used for every larger n). n <= 2 gives ``inf``: GCI is
    0 and such a matrix is always acceptable.

    Parameters
    ----------
    n : int
        Matrix order (number of elements compared).
    table : str
        A key of :data:`GCI_THRESHOLDS` (default ``"gci_am2003"``); an unknown name raises
        listing the valid ones.

    Returns
    -------
    float
        The threshold, or ``math.inf`` for n <= 2.

    Examples
    --------
    >>> gci_threshold(3), gci_threshold(4), gci_threshold(9)
    (0.31, 0.35, 0.37)
    >>> gci_threshold(2)
    inf

    References
    ----------
    Aguarón, J. & Moreno-Jiménez, J. M. (2003). The geometric consistency index: approximated
    thresholds. *European Journal of Operational Research* 147(1), 137-145.
    """
    check_choice("table", table, GCI_THRESHOLDS)
    if n <= 2:
        return math.inf
    t = GCI_THRESHOLDS[table]
    return t[min(n, max(t))]


def simulate_ri(n: int, draws: int = 100_000, seed: int | np.random.Generator | None = 0) -> float:
    """Random Index by simulation: RI = (mean λmax - n)/(n - 1).

    The upper-triangle entries are i.i.d. uniform over S17 = {1/9, ..., 1/2, 1, 2, ..., 9}, the
    lower triangle is reciprocal; λmax is the Perron root (LAPACK, in chunks of 10 000).

    Parameters
    ----------
    n : int
        Matrix order (n <= 2 -> 0.0).
    draws : int
        Number of random matrices.
    seed : int or numpy Generator
        Seed of ``numpy.random.default_rng`` (default 0, so repeated calls agree).

    Returns
    -------
    float

    Examples
    --------
    >>> round(simulate_ri(3, draws=20_000, seed=1), 2)
    0.52

    References
    ----------
    Alonso, J. A. & Lamata, M. T. (2006). Int. J. Uncertainty, Fuzziness and Knowledge-Based
    Systems 14(4), 445-459.
    """
    n, draws = int(n), int(draws)
    if n < 1 or draws < 1:
        raise AHPInputError(f"simulate_ri needs n >= 1 and draws >= 1, got n={n}, draws={draws}.")
    if n <= 2:
        return 0.0
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    iu = np.triu_indices(n, 1)
    total = 0.0
    for start in range(0, draws, 10_000):
        m = min(10_000, draws - start)
        a = np.ones((m, n, n))
        up = S17[rng.integers(0, len(S17), size=(m, len(iu[0])))]
        a[:, iu[0], iu[1]] = up
        a[:, iu[1], iu[0]] = 1.0 / up
        total += np.linalg.eigvals(a).real.max(axis=-1).sum()
    return float((total / draws - n) / (n - 1))


@functools.lru_cache(maxsize=64)
def _simulated(n: int) -> float:
    return simulate_ri(n)


def random_index(
    n: int, table: str = "saaty1980", beyond: str = "alonso_lamata_linear"
) -> tuple[float, str]:
    """RI(n) from a named table (随机一致性指标), with the policy beyond the table's n_max.

    Parameters
    ----------
    n : int
        Matrix order; RI(1) = RI(2) = 0 in every table.
    table : str
        A key of :data:`RI_TABLES` (default ``"saaty1980"``).
    beyond : {"alonso_lamata_linear", "error", "simulate"}
        For n above the table's n_max: the Alonso-Lamata linear formula (default),
        an error, or :func:`simulate_ri` (100 000 draws, seed 0, cached).

    Returns
    -------
    (float, str)
        RI and its source: ``"table"``, ``"formula fallback"`` or ``"simulated"``.

    Examples
    --------
    >>> random_index(5)
    (1.12, 'table')
    >>> value, source = random_index(16)
    >>> round(value, 6), source
    (1.597807, 'formula fallback')

    References
    ----------
    Saaty (1980); Alonso & Lamata (2006).
    """
    check_choice("ri_table", table, RI_TABLES)
    check_choice("beyond", beyond, BEYOND)
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise AHPInputError(f"the matrix order n must be an integer >= 1, got {n!r}.")
    n = int(n)
    spec = RI_TABLES[table]
    if n <= 2:
        return 0.0, "table"
    if spec["formula"] is not None:
        return _al_linear(n), "table"
    if n <= spec["n_max"]:
        return spec["values"][n], "table"
    if beyond == "error":
        raise AHPInputError(
            f"ri_table={table!r} stops at n = {spec['n_max']} but n = {n}; choose "
            f"beyond='alonso_lamata_linear' or 'simulate', or another ri_table."
        )
    if beyond == "simulate":
        return _simulated(n), "simulated"
    return _al_linear(n), "formula fallback"


# --------------------------------------------------------------------------------------------
# CI with the clamp, CR


def consistency_index(
    lam: np.ndarray, n: int, estimator: str = "exact", node: Hashable | None = None
) -> np.ndarray:
    """CI = (λ - n)/(n - 1); n <= 2 -> 0; -1e-9 n <= λ - n < 0 -> 0 (rounding noise)."""
    lam = np.asarray(lam, dtype="float64")
    if n <= 2:
        return np.where(np.isnan(lam), np.nan, 0.0)
    d = lam - n
    bad = d < -1e-9 * n
    if bad.any():
        k = int(np.argmax(bad))
        where = "" if node is None else f" of {node!r}"
        if estimator == "colsum":
            raise AHPInputError(
                f"lambda_estimator='colsum' gives λ = {lam.flat[k]:.10g} < n = {n}{where} with "
                f"these weights; the estimator does not bound λmax for this priority method. Use "
                f"lambda_estimator='exact' (the Perron root)."
            )
        raise AHPInternalError(
            f"λ = {lam.flat[k]:.17g} < n = {n}{where} (estimator {estimator!r}); this cannot "
            f"happen for a positive reciprocal matrix."
        )
    return np.where(d < 0, 0.0, d / (n - 1))


def consistency_ratio(ci: np.ndarray, ri: float, n: int) -> np.ndarray:
    """CR = CI / RI; n <= 2 -> 0 (never NaN, never a division by RI = 0)."""
    ci = np.asarray(ci, dtype="float64")
    if n <= 2 or ri == 0:
        return np.where(np.isnan(ci), np.nan, 0.0)
    return ci / ri


# --------------------------------------------------------------------------------------------
# threshold rules and verdicts (ahp.md §4.2)

PERFECT, SATISFACTORY, ADJUST = "完全一致性", "满意一致性", "需调整"
VERDICT_EN = MappingProxyType(
    {
        PERFECT: "perfectly consistent",
        SATISFACTORY: "satisfactory consistency",
        ADJUST: "revise the judgments",
    }
)
PERFECT_TOL = 1e-10
THRESHOLD_RULES = ("seed", "saaty_by_n")


def check_threshold(threshold: Any) -> Any:
    if isinstance(threshold, str):
        return check_choice("threshold", threshold, THRESHOLD_RULES)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float | np.floating)
        or not (threshold > 0)
    ):
        raise AHPInputError(
            f"threshold={threshold!r} is not valid; use 'seed' (CR < 0.1), 'saaty_by_n' "
            f"(0.05 / 0.08 / 0.10 for n = 3 / 4 / >= 5) or a positive float (CR < value)."
        )
    return float(threshold)


def threshold_text(threshold: Any, n: int | None) -> str:
    """Human text of the acceptance rule, e.g. 'CR < 0.1' (never the RI value)."""
    if threshold == "seed":
        return "CR < 0.1"
    if threshold == "saaty_by_n":
        if n is None or n >= 5:
            return "CR <= 0.10"
        return {3: "CR <= 0.05", 4: "CR <= 0.08"}.get(n, "any CR (n <= 2)")
    return f"CR < {threshold:g}"


def acceptable(cr: np.ndarray, n: int | None, threshold: Any) -> np.ndarray:
    """Acceptance by rule: 'seed' CR < 0.1; 'saaty_by_n' CR <= 0.05/0.08/0.10; float CR < value.

    ``n=None`` (combined consistency) uses the n >= 5 limit of 'saaty_by_n'.
    """
    cr = np.asarray(cr, dtype="float64")
    if threshold == "seed":
        ok = cr < 0.1
    elif threshold == "saaty_by_n":
        if n is not None and n <= 2:
            ok = np.ones(cr.shape, dtype=bool)
        else:
            limit = {3: 0.05, 4: 0.08}.get(n, 0.10) if n is not None else 0.10
            ok = cr <= limit
    else:
        ok = cr < threshold
    return ok | (cr <= PERFECT_TOL)


def verdicts(cr: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """'完全一致性' (CR <= 1e-10), '满意一致性' (acceptable) or '需调整' (revise); NaN -> None."""
    cr = np.asarray(cr, dtype="float64")
    out = np.where(cr <= PERFECT_TOL, PERFECT, np.where(ok, SATISFACTORY, ADJUST)).astype(object)
    out[np.isnan(cr)] = None
    return out


# --------------------------------------------------------------------------------------------
# combined (hierarchical) consistency, ahp.md §7

COMBINED_KINDS = ("level", "cumulative", "saaty_whole")


@dataclass(frozen=True, repr=False)
class CombinedConsistency(ResultMixin):
    """Combined consistency of a hierarchy (组合一致性 / 层次总排序一致性).

    ``value`` is the deepest level's CR_lvl (kind "level"), the cumulative total (kind
    "cumulative") or the whole-tree ratio ("saaty_whole"); ``values`` holds one value per level;
    ``table`` the per-level sums. ``values`` and ``table`` are private copies (every read returns
    a new copy).
    """

    kind: str
    value: float
    values: pd.Series = Snapshot()
    table: pd.DataFrame = Snapshot()
    threshold: Any
    acceptable: bool
    verdict: str

    _conventions = ("kind", "threshold", "value", "verdict")
    _title = "CombinedConsistency"

    def summary(self) -> pd.DataFrame:
        """Per-level table of the hierarchy (a copy; one row per depth d).

        Returns
        -------
        DataFrame
            Indexed by ``level``: ``n_matrices``, ``sum_g_ci`` = Σ G_j CI_j, ``sum_g_ri`` =
            Σ G_j RI_j, ``cr_level`` = CR_lvl(d) = sum_g_ci / sum_g_ri (0 when sum_g_ri = 0) and
            ``cr_cumulative`` = CR*(d) = CR*(d - 1) + CR_lvl(d). ``value`` and ``verdict`` are
            in the repr above the table.
        """
        return self.table

    def __float__(self) -> float:
        return float(self.value)


def level_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per-level sums for the internal nodes ``rows`` (columns level, global_weight, ci, ri, cr).

    CR_lvl(d) = sum_j G_j CI_j / sum_j G_j RI_j over the nodes at depth d (0 if the denominator
    is 0); CR*(d) = CR*(d-1) + CR_lvl(d) (Jiang Qiyuan's recursive 组合一致性比率).
    """
    g = rows["global_weight"].to_numpy(dtype="float64")
    gci = g * rows["ci"].to_numpy(dtype="float64")
    gri = g * rows["ri"].to_numpy(dtype="float64")
    grouped = pd.DataFrame({"level": rows["level"].to_numpy(), "gci": gci, "gri": gri}).groupby(
        "level", sort=True
    )
    out = pd.DataFrame(
        {
            "n_matrices": grouped.size(),
            "sum_g_ci": grouped["gci"].sum(),
            "sum_g_ri": grouped["gri"].sum(),
        }
    )
    den = out["sum_g_ri"].to_numpy()
    num = out["sum_g_ci"].to_numpy()
    out["cr_level"] = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    out["cr_cumulative"] = out["cr_level"].cumsum()
    out.index.name = "level"
    return out


def combined_consistency(rows: pd.DataFrame, kind: str, threshold: Any) -> CombinedConsistency:
    """Combined consistency from the internal nodes' (level, global_weight, ci, ri) rows."""
    check_choice("kind", kind, COMBINED_KINDS)
    threshold = check_threshold(threshold)
    table = level_table(rows)
    if kind == "saaty_whole":
        den = float(table["sum_g_ri"].sum())
        value = float(table["sum_g_ci"].sum()) / den if den > 0 else 0.0
        values = pd.Series([value], index=pd.Index(["whole"], name="level"), name=kind)
    elif kind == "level":
        values = table["cr_level"].rename(kind)
        value = float(values.iloc[-1])
    else:
        values = table["cr_cumulative"].rename(kind)
        value = float(values.iloc[-1])
    checked = values.to_numpy() if kind == "level" else np.array([value])
    ok = bool(acceptable(checked, None, threshold).all())
    worst = float(np.max(checked))
    verdict = str(verdicts(np.array([worst]), np.array([ok]))[0])
    return CombinedConsistency(kind, value, values, table, threshold, ok, verdict)

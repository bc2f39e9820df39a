"""Group aggregation of respondents' judgments (群决策): AIJ, AIP, CR censoring, bootstrap CIs,
dispersion and Goepel's entropy consensus, batched over respondent stacks.

ahp.md §9 (reference values §15.7). Every step is vectorised over respondents: the individual
priorities come from one batched :func:`cvlib.ahp.weights` call, and the bootstrap draws a
``(B, K)`` array of resampled respondent indices, turns it into per-replicate respondent counts and
aggregates all replicates with two matrix products.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import check_choice

from ._consistency import BEYOND, RI_TABLES, check_threshold, random_index
from ._errors import AHPInputError, ReciprocityWarning, ScaleWarning
from ._matrix import STATUS_OK, JudgmentStack, coerce, validate
from ._priority import canonical_method, check_estimator, priorities
from ._weights import weights

__all__ = [
    "AGGREGATIONS",
    "AIP_MEANS",
    "ConsensusResult",
    "GroupResult",
    "SegmentWeightsResult",
    "consensus",
    "group_weights",
    "segment_weights",
]

#: Aggregation rules (ahp.md §9): of individual judgments or of individual priorities.
AGGREGATIONS = ("aij", "aip")
#: Means of individual priority vectors under ``aggregate="aip"``.
AIP_MEANS = ("geometric", "arithmetic")
#: Goepel's consensus bands (ahp.md §9): low < 0.625 <= moderate <= 0.875 < very high.
CONSENSUS_BANDS = (0.625, 0.875)
#: Replicates per bootstrap block: keeps the (block, K) count array near 2 million cells.
_BLOCK_CELLS = 2_000_000
_COUNT_CELLS = 50_000
_CR_QUANTILES = (0.0, 0.25, 0.5, 0.75, 0.9, 1.0)


# --------------------------------------------------------------------------------------------
# consensus (Goepel's Shannon-entropy indicator)


@dataclass(frozen=True, repr=False, eq=False)
class ConsensusResult(ResultMixin):
    """Goepel's entropy-based consensus S* of K priority vectors (AHP-OS), ahp.md §9.

    ``s_star`` (0...1) and ``relative_homogeneity`` with the entropies they come from; ``band`` is
    ``"low"``, ``"moderate"`` or ``"very high"``. With fewer than two vectors every number is NaN
    and ``reason`` says why (not an error).
    """

    s_star: float
    relative_homogeneity: float
    h_alpha: float
    h_gamma: float
    h_beta: float
    h_alpha_min: float
    h_gamma_max: float
    cor: float
    band: str | None
    k: int
    n: int
    scale_max: float
    weighted: bool
    bands: tuple
    reason: str | None = None

    _conventions = ("k", "n", "scale_max", "weighted", "band")
    _title = "ConsensusResult (Goepel S*)"

    def summary(self) -> pd.DataFrame:
        """One row per quantity: S*, relative homogeneity, Hα, Hγ, Hβ, Hα,min, Hγ,max, cor."""
        names = [
            "s_star",
            "relative_homogeneity",
            "h_alpha",
            "h_gamma",
            "h_beta",
            "h_alpha_min",
            "h_gamma_max",
            "cor",
        ]
        return pd.DataFrame(
            {"value": [float(getattr(self, x)) for x in names]}, index=pd.Index(names)
        )

    def __float__(self) -> float:
        return float(self.s_star)


def _band(s: float, bands: tuple[float, float]) -> str | None:
    if not np.isfinite(s):
        return None
    if s < bands[0]:
        return "low"
    if s <= bands[1]:
        return "moderate"
    return "very high"


def _check_bands(bands: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bands)
    except (TypeError, ValueError):
        raise AHPInputError(
            f"consensus_bands={bands!r} must be two numbers (low_upper, high_lower), e.g. "
            f"(0.625, 0.875)."
        ) from None
    if not (0 <= lo <= hi <= 1):
        raise AHPInputError(
            f"consensus_bands={bands!r} must satisfy 0 <= low_upper <= high_lower <= 1."
        )
    return lo, hi


def _xlogx(p: np.ndarray) -> np.ndarray:
    """p ln p with 0 ln 0 = 0."""
    return np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)


def _consensus_values(
    p: np.ndarray, lam: np.ndarray, scale_max: float, bands: tuple[float, float], weighted: bool
) -> ConsensusResult:
    k, n = p.shape
    common = {"k": k, "n": n, "scale_max": float(scale_max), "weighted": weighted, "bands": bands}
    reason = None
    if k < 2:
        reason = "needs >= 2 respondents"
    elif not lam.sum() > 0:
        reason = "the respondents with priority vectors all have weight 0"
    if reason is not None:
        nan = math.nan
        return ConsensusResult(
            s_star=nan,
            relative_homogeneity=nan,
            h_alpha=nan,
            h_gamma=nan,
            h_beta=nan,
            h_alpha_min=nan,
            h_gamma_max=math.log(n) if n else nan,
            cor=nan,
            band=None,
            reason=reason,
            **common,
        )
    lam = lam / lam.sum()
    h_alpha = float(lam @ -_xlogx(p).sum(axis=1))
    p_bar = lam @ p
    h_gamma = float(-_xlogx(p_bar).sum())
    h_beta = max(h_gamma - h_alpha, 0.0)  # >= 0 by concavity; clamp rounding noise
    m = float(scale_max)
    big, small = m / (n + m - 1), 1.0 / (n + m - 1)
    h_alpha_min = -big * math.log(big) - (n - 1) * small * math.log(small)
    h_gamma_max = math.log(n)
    cor = math.exp(h_gamma_max - h_alpha_min)
    inv = math.exp(-h_beta)
    s_star = (inv - 1 / cor) / (1 - 1 / cor) if cor != 1 else math.nan
    rel = (inv - 1 / n) / (1 - 1 / n) if n > 1 else math.nan
    return ConsensusResult(
        s_star=s_star,
        relative_homogeneity=rel,
        h_alpha=h_alpha,
        h_gamma=h_gamma,
        h_beta=h_beta,
        h_alpha_min=h_alpha_min,
        h_gamma_max=h_gamma_max,
        cor=cor,
        band=_band(s_star, bands),
        **common,
    )


def consensus(
    priorities: Any,
    respondent_weights: Any = None,
    *,
    scale_max: float = 9,
    bands: tuple[float, float] = CONSENSUS_BANDS,
) -> ConsensusResult:
    """Goepel's Shannon-entropy consensus indicator S* (群体共识度) of K priority vectors.

    With p_r the priority vector of respondent r (n elements) and respondent weights λ_r
    (equal by default; normalised to Σλ = 1):

    * Hα = Σ_r λ_r (−Σ_i p_ri ln p_ri) (mean individual entropy), p̄ = Σ_r λ_r p_r,
      Hγ = −Σ_i p̄_i ln p̄_i, Hβ = Hγ − Hα (≥ 0);
    * with the scale maximum M: Hα,min = −(M/(n+M−1)) ln(M/(n+M−1)) −
      (n−1) (1/(n+M−1)) ln(1/(n+M−1)), Hγ,max = ln n, cor = exp(Hγ,max − Hα,min);
    * S* = (1/exp(Hβ) − 1/cor) / (1 − 1/cor); relative homogeneity
      (1/exp(Hβ) − 1/n) / (1 − 1/n).

    Identical vectors give Hβ = 0 and S* = 1. Bands: low < 0.625, moderate 0.625-0.875,
    very high > 0.875.

    Parameters
    ----------
    priorities : array-like (K, n), DataFrame or stack AHPResult
        One priority vector per row (each ≥ 0, summing to 1 within 1e-6), e.g.
        ``weights(stack).weights``.
    respondent_weights : array-like of length K, optional
        λ_r ≥ 0, finite, Σ > 0 (equal weights reproduce AHP-OS).
    scale_max : float
        M, the largest judgment of the scale (9 for Saaty's 1-9 scale).
    bands : (float, float)
        Upper end of "low" and lower end of "very high".

    Returns
    -------
    ConsensusResult
        ``s_star``, ``relative_homogeneity``, ``h_alpha``, ``h_gamma``, ``h_beta``,
        ``h_alpha_min``, ``h_gamma_max``, ``cor``, ``band``; K = 1 gives NaN with
        ``reason="needs >= 2 respondents"``.

    Examples
    --------
    >>> p = [[0.163424, 0.296961, 0.539615], [0.156182, 0.185174, 0.658644],
    ...      [0.163424, 0.296961, 0.539615]]
    >>> res = consensus(p)
    >>> round(res.s_star, 4), res.band
    (0.9788, 'very high')

    References
    ----------
    Goepel, K. D. (2018). Implementation of an online software tool for the Analytic Hierarchy
    Process (AHP-OS). *International Journal of the Analytic Hierarchy Process* 10(3), 469-487.
    Goepel, K. D. (2013). BPMSG AHP-OS; consensus indicator based on Shannon entropy.
    """
    bands = _check_bands(bands)
    if not (isinstance(scale_max, int | float) and not isinstance(scale_max, bool)) or not (
        scale_max > 1 and math.isfinite(scale_max)
    ):
        raise AHPInputError(f"scale_max={scale_max!r} must be a finite number > 1 (9 for 1-9).")
    if hasattr(priorities, "is_stack") and hasattr(priorities, "weights"):
        priorities = priorities.weights
    index = priorities.index if isinstance(priorities, pd.DataFrame) else None
    try:
        p = np.array(priorities, dtype="float64")
    except (TypeError, ValueError):
        raise AHPInputError(
            "priorities must be numbers: one priority vector per row (K, n)."
        ) from None
    if p.ndim != 2 or p.shape[1] < 1:
        raise AHPInputError(
            f"priorities must have shape (K, n) (one priority vector per row), got {p.shape}."
        )
    bad = ~np.isfinite(p).all(axis=1) | (p < 0).any(axis=1)
    sums = p.sum(axis=1)
    bad |= ~(np.abs(sums - 1.0) <= 1e-6)
    if bad.any():
        k = int(np.argmax(bad))
        who = index[k] if index is not None else k
        raise AHPInputError(
            f"priority vector of respondent {who!r} is {p[k].tolist()!r}: every vector must be "
            f"finite, >= 0 and sum to 1 within 1e-6 (sum {sums[k]:.10g}); drop or fix that "
            f"respondent."
        )
    lam = _check_respondent_weights(
        respondent_weights, pd.RangeIndex(len(p)) if index is None else index
    )
    return _consensus_values(p, lam, scale_max, bands, respondent_weights is not None)


# --------------------------------------------------------------------------------------------
# validation helpers


def _check_respondent_weights(values: Any, index: pd.Index) -> np.ndarray:
    """λ_r as float64 (K,): finite, >= 0, Σ > 0; a Series is aligned by respondent id."""
    k = len(index)
    if values is None:
        return np.ones(k)
    if isinstance(values, pd.Series):
        if not values.index.equals(index):
            missing = [x for x in index if x not in set(values.index)]
            extra = [x for x in values.index if x not in set(index)]
            if missing or extra or values.index.has_duplicates:
                raise AHPInputError(
                    f"respondent_weights is a Series whose index does not match the respondent "
                    f"ids: missing {missing[:10]!r}, extra {extra[:10]!r}"
                    f"{', duplicated ids' if values.index.has_duplicates else ''}; index it by "
                    f"the respondent ids or pass a plain array in respondent order."
                )
            values = values.reindex(index)
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype == bool or arr.dtype == object and any(isinstance(x, bool) for x in arr.ravel()):
        raise AHPInputError(
            "respondent_weights are booleans; pass numbers (e.g. 1.0 and 0.0), or drop the "
            "respondents you want to exclude."
        )
    try:
        arr = np.asarray(arr, dtype="float64")
    except (TypeError, ValueError):
        raise AHPInputError(
            f"respondent_weights must be numbers, one per respondent; got {values!r}."
        ) from None
    if arr.shape != (k,):
        raise AHPInputError(
            f"respondent_weights has shape {arr.shape}; expected one weight per respondent ({k},)."
        )
    for bad, what in ((np.isnan(arr), "NaN"), (np.isinf(arr), "infinite")):
        if bad.any():
            who = [index[i] for i in np.flatnonzero(bad)[:10]]
            raise AHPInputError(
                f"respondent_weights are {what} for respondents {who!r}"
                f"{' ...' if bad.sum() > 10 else ''}; every weight must be a finite number >= 0."
            )
    neg = arr < 0
    if neg.any():
        listed = ", ".join(f"{index[i]!r}: {arr[i]:g}" for i in np.flatnonzero(neg)[:10])
        raise AHPInputError(
            f"respondent_weights are negative for {int(neg.sum())} respondent(s) ({listed}); "
            f"weights must be >= 0 (use 0 to give a respondent no say)."
        )
    total = float(arr.sum())
    if not total > 0:
        raise AHPInputError(
            f"respondent_weights sum to {total:g}: they must sum to a positive number (at least "
            f"one respondent with a weight > 0); they are normalised internally."
        )
    return arr


def _check_seed(seed: Any, n_boot: int, what: str = "the bootstrap") -> np.random.Generator | None:
    if n_boot == 0:
        return None
    if seed is None:
        raise AHPInputError(
            f"{what} needs seed= (ahp.md: seeded randomness, so the result can be reproduced); "
            f"pass an integer such as seed=2024 or a numpy Generator"
            + (", or n_boot=0 for no bootstrap." if what == "the bootstrap" else ".")
        )
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise AHPInputError(f"seed={seed!r} must be a non-negative integer or a numpy Generator.")
    return np.random.default_rng(int(seed))


def _seed_record(seed: Any) -> Any:
    if isinstance(seed, np.random.Generator):
        return "Generator"
    return None if seed is None else int(seed)


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise AHPInputError(f"{name}={value!r} must be an integer >= {low}.")
    return int(value)


def _check_level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, int | float) or not (0 < level < 1):
        raise AHPInputError(f"level={level!r} must be a number strictly between 0 and 1 (0.95).")
    return float(level)


def _check_censor(censor_cr: Any) -> float | None:
    if censor_cr is None:
        return None
    if (
        isinstance(censor_cr, bool)
        or not isinstance(censor_cr, int | float | np.floating)
        or not (censor_cr > 0)
        or not math.isfinite(censor_cr)
    ):
        raise AHPInputError(
            f"censor_cr={censor_cr!r} must be None (keep every respondent) or a positive number: "
            f"respondents with CR >= censor_cr are excluded before aggregation (e.g. 0.1)."
        )
    return float(censor_cr)


def _is_matrix_like(m: Any) -> bool:
    if isinstance(m, pd.DataFrame | Mapping):
        return True
    if isinstance(m, np.ndarray):
        return m.ndim == 2
    return (
        isinstance(m, list | tuple)
        and len(m) > 0
        and all(isinstance(row, list | tuple | np.ndarray) for row in m)
    )


def as_stack(
    matrices: Any, labels: Sequence[Hashable] | None = None, *, recip_tol: float = 1e-6
) -> tuple[tuple, np.ndarray, pd.Index, list]:
    """``(labels, float64 copy (K, n, n), respondent index, notes)`` of a respondent stack.

    Accepts an ndarray (K, n, n) or (n, n) (K = 1), a :class:`JudgmentStack`, or a list of
    per-respondent matrices in any judgment-matrix form (nested lists, DataFrames aligned by
    label, pair dicts); the caller's data is never modified.
    """
    if isinstance(matrices, list | tuple) and matrices and all(map(_is_matrix_like, matrices)):
        labs = labels
        mats, notes = [], []
        for k, m in enumerate(matrices):
            got, v, _, nts = coerce(
                m, labs, node=f"respondent {k}", recip_tol=recip_tol, allow_stack=False
            )
            if labs is None:
                labs = got
            elif len(got) != len(labs):
                raise AHPInputError(
                    f"respondent {k}: a {len(got)}x{len(got)} matrix among {len(labs)}x{len(labs)} "
                    f"ones; every respondent must compare the same elements."
                )
            mats.append(v)
            notes += nts
        return tuple(labs), np.stack(mats), pd.RangeIndex(len(mats)), notes
    labs, values, index, notes = coerce(matrices, labels, node="group", recip_tol=recip_tol)
    if values.ndim == 2:
        values, index = values[None], pd.RangeIndex(1)
    return labs, values, index, notes


# --------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True, repr=False, eq=False)
class GroupResult(ResultMixin):
    """Group priorities of a respondent stack (群决策), ahp.md §9.

    Attributes
    ----------
    weights : Series
        Group weights (Σ = 1), indexed by the element labels.
    intervals : DataFrame
        Per element: ``estimate`` (= weights), ``lower`` and ``upper`` (percentile bootstrap
        interval at ``level``), ``se`` (bootstrap SD, ddof = 1); NaN when ``n_boot=0``.
    matrix : DataFrame or None
        The AIJ group matrix a^G_ij (None for ``aggregate="aip"``).
    ri, ri_source
        RI(n) of ``ri_table`` used for every CR and its source.
    lambda_max, ci, cr, gci, verdict
        Consistency of the group matrix (NaN / None for AIP). The group CR is **not** a measure
        of respondent quality: AIJ matrices of many noisy respondents drift towards CR ≈ 0.
    respondents : DataFrame
        One row per respondent: ``weight`` (λ as given), ``weight_used`` (normalised over the
        included respondents; 0 when excluded), ``status``, ``n_missing``, ``lambda_max``,
        ``ci``, ``cr``, ``gci``, ``verdict`` (each respondent's own matrix), ``included``,
        ``reason`` (why excluded, or a note).
    individual : DataFrame
        Individual priority vectors (K × n, ``method``); NaN where not computable (invalid or
        incomplete matrix).
    excluded : DataFrame
        The excluded respondents with status, CR and reason (``n_excluded`` rows).
    dispersion : DataFrame
        Per element, across the included respondents' individual weights (unweighted):
        mean, sd (ddof = 1), q25, median, q75, iqr, min, max.
    pair_dispersion : DataFrame
        Per pair (row, column) over the included respondents who judged it: ``n_obs``,
        ``geometric_mean`` (the λ-weighted AIJ entry), ``log_sd`` = SD(ln a_ij) (ddof = 1),
        ``geometric_sd`` = exp(log_sd); NaN with fewer than 2 judgments.
    consensus : ConsensusResult
        Goepel's S* of the included individual vectors (λ-weighted).
    bootstrap : ndarray (B, n)
        The replicate group weights (NaN rows for failed replicates, counted in
        ``report["n_boot_failed"]``).
    report : dict
        ``cr_quantiles`` (of the respondents' CRs), ``share_cr_ge_0_1``, ``n_boot_failed``,
        ``n_incomplete``, ``warnings``, ``non_scale_values``.
    """

    weights: pd.Series = Snapshot()
    intervals: pd.DataFrame = Snapshot()
    lambda_max: float
    ci: float
    cr: float
    gci: float
    verdict: str | None
    respondents: pd.DataFrame = Snapshot()
    individual: pd.DataFrame = Snapshot()
    dispersion: pd.DataFrame = Snapshot()
    pair_dispersion: pd.DataFrame = Snapshot()
    consensus: ConsensusResult
    bootstrap: np.ndarray = Snapshot()
    labels: tuple
    n: int
    aggregate: str
    aip: str | None
    method: str
    lambda_estimator: str
    ri_table: str
    ri: float
    ri_source: str
    threshold: Any
    censor_cr: float | None
    n_respondents: int
    n_used: int
    n_excluded: int
    n_boot: int
    level: float
    seed: Any
    matrix: pd.DataFrame | None = Snapshot(default=None)
    report: dict = Snapshot(default_factory=dict)

    _conventions = (
        "aggregate",
        "aip",
        "method",
        "ri_table",
        "censor_cr",
        "n_respondents",
        "n_used",
        "n_excluded",
        "n_boot",
        "level",
        "seed",
    )
    _title = "GroupResult (群决策)"

    @property
    def excluded(self) -> pd.DataFrame:
        """The excluded respondents: status, CR and the reason (CR censoring or invalid)."""
        r = self._respondents
        return r.loc[~r["included"], ["status", "cr", "reason"]].copy()

    def _convention_text(self) -> str:
        text = super()._convention_text()
        if self.aggregate == "aij":
            text += f", group CR={self.cr:.4f} (not a respondent-quality measure)"
        return f"{text}, consensus S*={self.consensus.s_star:.4f} ({self.consensus.band})"

    def summary(self) -> pd.DataFrame:
        """Per element: group weight, bootstrap interval and SE, individual SD and IQR, rank."""
        out = self._intervals.rename(columns={"estimate": "weight"})
        out["sd_individual"] = self._dispersion["sd"]
        out["iqr_individual"] = self._dispersion["iqr"]
        out["rank"] = out["weight"].rank(ascending=False, method="min").astype("int64")
        return out


# --------------------------------------------------------------------------------------------
# the main function


def _upper(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ln a_ij, present) over the upper triangle, row-major; missing -> 0 / False."""
    n = a.shape[-1]
    iu = np.triu_indices(n, 1)
    u = a[:, iu[0], iu[1]]
    present = ~np.isnan(u)
    logs = np.log(np.where(present, u, 1.0))
    return logs, present


def _full_from_upper_logs(lg: np.ndarray, n: int) -> np.ndarray:
    """Reciprocal matrices (b, n, n) from upper-triangle logs (b, m)."""
    iu = np.triu_indices(n, 1)
    out = np.ones((lg.shape[0], n, n))
    up = np.exp(lg)
    out[:, iu[0], iu[1]] = up
    out[:, iu[1], iu[0]] = 1.0 / up
    return out


def _aip_mean(w: np.ndarray, p: np.ndarray, logp: np.ndarray, kind: str) -> np.ndarray:
    """Weighted mean of individual vectors for each row of respondent weights w (b, K)."""
    total = w.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        if kind == "arithmetic":
            out = (w @ p) / total
        else:
            lg = (w @ logp) / total
            g = np.exp(lg - lg.max(axis=1, keepdims=True))
            out = g / g.sum(axis=1, keepdims=True)
    return out


def _boot_counts(rng: np.random.Generator, k: int, b: int) -> np.ndarray:
    """Respondent counts (b, k) of b resamples with replacement, from indices drawn as (b, k).

    The counting runs over sub-blocks of rows that fit in cache (a scatter into one large array
    is several times slower).
    """
    idx = rng.integers(0, k, size=(b, k))
    out = np.empty((b, k))
    step = max(1, _COUNT_CELLS // k)
    for s in range(0, b, step):
        e = min(b, s + step)
        flat = (idx[s:e] + (np.arange(e - s) * k)[:, None]).ravel()
        out[s:e] = np.bincount(flat, minlength=(e - s) * k).reshape(e - s, k)
    return out


def group_weights(
    matrices: Any,
    method: str = "eigen",
    ri_table: str = "saaty1980",
    *,
    aggregate: str = "aij",
    aip: str = "geometric",
    respondent_weights: Any = None,
    censor_cr: float | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | np.random.Generator | None = None,
    lambda_estimator: str = "exact",
    threshold: str | float = "seed",
    beyond: str = "alonso_lamata_linear",
    scale: str = "saaty",
    labels: Sequence[Hashable] | None = None,
    symmetrize: str | None = None,
    recip_tol: float = 1e-6,
    on_invalid: str = "raise",
    consensus_bands: tuple[float, float] = CONSENSUS_BANDS,
    scale_max: float = 9,
    tol: float = 1e-13,
    max_iter: int = 1000,
    progress: bool = False,
) -> GroupResult:
    """Group weights of K respondents' judgment matrices (群决策, ahp.md §9).

    * **AIJ** (``aggregate="aij"``, default; aggregation of individual judgments): the weighted
      geometric mean of the judgments, per entry over the respondents who gave it,
      a^G_ij = exp(Σ_r λ_r ln a_ij,r / Σ_r λ_r) (the divisor is the weight of those present,
      never the full count); reciprocal by construction; then ``method`` on a^G.
    * **AIP** (``aggregate="aip"``; aggregation of individual priorities): individual vectors
      w_r with ``method``, then ``aip="geometric"`` (default): w^G ∝ exp(Σ λ_r ln w_r / Σ λ_r),
      or ``aip="arithmetic"``: w^G = Σ λ_r w_r / Σ λ_r.

    With ``method="geometric"`` and complete matrices AIJ ≡ AIP-geometric. Respondent weights
    λ_r ≥ 0 are normalised over the included respondents.

    **CR censoring** is explicit: ``censor_cr=None`` (default) keeps everyone (respondents that
    fail the ``threshold`` rule raise one ``InconsistencyWarning`` naming how many); a number
    excludes respondents with CR ≥ ``censor_cr`` **before** aggregation, and the result lists
    them (``excluded``, ``n_excluded``, ``respondents["reason"]``). Invalid respondents
    (``on_invalid="mask"``) are excluded the same way with their status as the reason.

    **Bootstrap** (``n_boot`` resamples, ``seed`` required): respondents are resampled with
    replacement as a (B, K) index array; each replicate repeats censoring -> aggregation ->
    ``method`` with the respondents' own λ_r, all replicates in one batch. Percentile interval
    at ``level`` and bootstrap SE per element; identical respondents give zero-width intervals.

    **Consensus**: Goepel's S* (:func:`consensus`) of the included individual vectors
    (λ-weighted). **Dispersion**: per element SD and IQR of the individual weights; per pair
    the geometric SD exp(SD_r ln a_ij,r) (ddof = 1).

    Parameters
    ----------
    matrices : ndarray (K, n, n), nested list or :class:`JudgmentStack`
        Orientation a_ij = importance of row i over column j; NaN marks a pair a respondent did
        not judge (used by AIJ entry by entry). One (n, n) matrix counts as K = 1.
    method : str
        Priority method or alias (``"eigen"`` default, ``"geometric"``, ``"sum"``, ...).
    ri_table : str
        RI table for every CR (default ``"saaty1980"``).
    aggregate : {"aij", "aip"}
    aip : {"geometric", "arithmetic"}
        Mean of the individual vectors under ``aggregate="aip"``.
    respondent_weights : array-like or Series, optional
        λ_r, one per respondent (a Series is aligned by respondent id): finite, ≥ 0, with a
        positive sum; else an error naming the respondents.
    censor_cr : float, optional
        Exclude respondents with CR ≥ this value before aggregation (reported). Respondents
        whose CR cannot be computed (incomplete matrices) are kept and flagged.
    n_boot : int
        Bootstrap resamples (default 1000; 0 = no intervals).
    level : float
        Interval level (0.95 -> 2.5 % and 97.5 % percentiles).
    seed : int or numpy Generator
        Required when ``n_boot > 0``; recorded on the result.
    lambda_estimator, threshold, beyond, scale, labels, symmetrize, recip_tol, tol, max_iter
        As in :func:`cvlib.ahp.weights` (per respondent and for the group matrix; the group
        matrix is checked with ``scale="ratio"`` since its entries are means, not judgments).
    on_invalid : {"raise", "mask"}
        ``"mask"``: an invalid respondent is excluded (status as the reason); the rest go on.
    consensus_bands : (float, float)
        Band limits of S* (low < 0.625, very high > 0.875).
    scale_max : float
        M of the consensus indicator (9 for the 1-9 scale).
    progress : bool
        tqdm progress bar over bootstrap blocks (default False).

    Returns
    -------
    GroupResult
        ``weights``, ``intervals``, ``matrix`` (AIJ) and its ``lambda_max``/``ci``/``cr``/
        ``gci``/``verdict``, ``respondents`` (QA table), ``individual``, ``excluded``,
        ``dispersion``, ``pair_dispersion``, ``consensus``, ``bootstrap`` and the conventions
        (``aggregate``, ``aip``, ``method``, ``ri_table``, ``censor_cr``, ``n_boot``, ``level``,
        ``seed``).

    Examples
    --------
    >>> r1 = [[1, "1/2", "1/3"], [2, 1, "1/2"], [3, 2, 1]]
    >>> r2 = [[1, 1, "1/5"], [1, 1, "1/3"], [5, 3, 1]]
    >>> r3 = [[1, "1/3", "1/2"], [3, 1, "1/3"], [2, 3, 1]]
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = group_weights([r1, r2, r3], n_boot=200, seed=1)
    >>> res.weights.round(6).tolist(), round(res.cr, 4)
    ([0.162376, 0.255914, 0.58171], 0.0175)
    >>> round(res.consensus.s_star, 4)
    0.9788

    References
    ----------
    Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
    analytic hierarchy process. *EJOR* 108(1), 165-169.
    Aczél, J. & Saaty, T. L. (1983). Procedures for synthesizing ratio judgements. *J. Math.
    Psychology* 27(1), 93-102.
    Barzilai, J. & Golany, B. (1994). AHP rank reversal, normalization and aggregation rules.
    *INFOR* 32(2), 57-64.
    Goepel, K. D. (2018). AHP-OS. *Int. J. of the Analytic Hierarchy Process* 10(3), 469-487.
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
    """
    method_c = canonical_method(method)
    check_choice("aggregate", aggregate, AGGREGATIONS)
    check_choice("aip", aip, AIP_MEANS)
    check_estimator(lambda_estimator)
    check_choice("ri_table", ri_table, RI_TABLES)
    check_choice("beyond", beyond, BEYOND)
    threshold = check_threshold(threshold)
    censor = _check_censor(censor_cr)
    n_boot = _check_int("n_boot", n_boot, 0)
    level = _check_level(level)
    bands = _check_bands(consensus_bands)
    rng = _check_seed(seed, n_boot)

    labs, values, index, notes = as_stack(matrices, labels, recip_tol=recip_tol)
    k_all, n, _ = values.shape
    ri, ri_source = random_index(n, ri_table, beyond)
    if k_all == 0:
        raise AHPInputError("the respondent stack is empty (0 matrices); pass at least one.")
    a, status, vreport = validate(
        values,
        labs,
        scale=scale,
        symmetrize=symmetrize,
        recip_tol=recip_tol,
        allow_missing=True,
        node="group",
        index=index,
        on_invalid=on_invalid,
    )
    lam = _check_respondent_weights(respondent_weights, index)
    ok = status == STATUS_OK
    with np.errstate(invalid="ignore", divide="ignore"):
        logs, present = _upper(a)
    n_missing = (~present).sum(axis=1)
    complete = ok & (n_missing == 0)
    logs[~ok] = 0.0  # invalid respondents never enter a sum (0 * NaN would be NaN)
    present[~ok] = False

    # individual priorities and consistency: one batched call over the complete respondents
    p_ind = np.full((k_all, n), np.nan)
    stats = {name: np.full(k_all, np.nan) for name in ("lambda_max", "ci", "cr", "gci")}
    verdict = np.full(k_all, None, dtype=object)
    warn_texts: list[str] = list(notes) + list(vreport["warnings"])
    if complete.any():
        sub = JudgmentStack(values=a[complete], labels=labs, index=index[complete])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ind = weights(
                sub,
                method_c,
                ri_table,
                lambda_estimator=lambda_estimator,
                threshold=threshold,
                beyond=beyond,
                scale=scale,
                recip_tol=recip_tol,
                tol=tol,
                max_iter=max_iter,
                node="respondent matrices",
            )
        for w in caught:  # re-issue everything except the validation warnings already given
            if not issubclass(w.category, ScaleWarning | ReciprocityWarning):
                warnings.warn(w.message, w.category, stacklevel=2)
        p_ind[complete] = ind.weights.to_numpy()
        for name in stats:
            stats[name][complete] = getattr(ind, name)
        verdict[complete] = ind.verdict
        warn_texts += [t for t in ind.report["warnings"] if t not in warn_texts]

    # inclusion
    included = ok.copy()
    reason = np.full(k_all, "", dtype=object)
    reason[~ok] = [f"invalid matrix: {s}" for s in status[~ok]]
    if censor is not None:
        cens = ok & (stats["cr"] >= censor)  # NaN CR -> False (kept, flagged below)
        included &= ~cens
        reason[cens] = [f"CR {c:.4f} >= censor_cr {censor:g}" for c in stats["cr"][cens]]
    if aggregate == "aip":
        inc = included & ~complete
        included &= complete
        reason[inc] = "incomplete matrix: no individual priorities (ahp.md §8), excluded from AIP"
    unchecked = included & ~complete
    reason[unchecked] = "incomplete matrix: CR not computed; used by AIJ entry by entry" + (
        "" if censor is None else " (not censored)"
    )
    lam_used = np.where(included, lam, 0.0)
    if not lam_used.sum() > 0:
        raise AHPInputError(
            f"no respondent with a positive weight remains to aggregate: {int(included.sum())} of "
            f"{k_all} included after validation and CR censoring (censor_cr={censor!r}), and "
            f"their respondent_weights sum to 0. Relax censor_cr or check the weights."
        )
    lam_norm = lam_used / lam_used.sum()

    # point estimate
    iu = np.triu_indices(n, 1)
    pres_f = present.astype("float64")
    num = lam_used @ logs
    den = lam_used @ pres_f
    if aggregate == "aij":
        if n > 1 and (den <= 0).any():
            gone = [f"({labs[iu[0][p]]}, {labs[iu[1][p]]})" for p in np.flatnonzero(den <= 0)]
            raise AHPInputError(
                f"no included respondent (with a positive weight) judged the pair(s) "
                f"{', '.join(gone[:20])}: the group matrix is incomplete. Incomplete group "
                f"matrices need the methods of ahp.md §8; collect those judgments, or relax "
                f"censor_cr / respondent_weights."
            )
        g_up = num / den if n > 1 else np.zeros(0)
        gmat = _full_from_upper_logs(g_up[None], n)[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScaleWarning)
            gres = weights(
                gmat,
                method_c,
                ri_table,
                labels=labs,
                lambda_estimator=lambda_estimator,
                threshold=threshold,
                beyond=beyond,
                scale="ratio",
                tol=tol,
                max_iter=max_iter,
                node="group (AIJ)",
            )
        w_group = gres.weights.to_numpy()
        group_stats = (gres.lambda_max, gres.ci, gres.cr, gres.gci, gres.verdict)
        matrix = gres.matrix
    else:
        p_safe = np.where(included[:, None], p_ind, 1.0 / n)
        logp = np.log(p_safe)
        w_group = _aip_mean(lam_used[None], p_safe, logp, aip)[0]
        group_stats = (math.nan, math.nan, math.nan, math.nan, None)
        matrix = None

    # bootstrap
    boot = np.full((n_boot, n), np.nan)
    if n_boot:
        block = max(1, _BLOCK_CELLS // k_all)
        starts = range(0, n_boot, block)
        if progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="group bootstrap", unit="block")
        if aggregate == "aip":
            p_safe = np.where(included[:, None], p_ind, 1.0 / n)
            logp = np.log(p_safe)
        for s in starts:
            b = min(block, n_boot - s)
            wb = _boot_counts(rng, k_all, b) * lam_used
            if aggregate == "aij":
                if n == 1:
                    fine = wb.sum(axis=1) > 0
                    boot[s : s + b][fine] = 1.0
                    continue
                den_b = wb @ pres_f if not present.all() else wb.sum(axis=1, keepdims=True)
                fine = (den_b > 0).all(axis=1)
                lg = (wb[fine] @ logs) / den_b[fine]
                wr, _, _ = priorities(
                    _full_from_upper_logs(lg, n), method_c, single=False, tol=tol, max_iter=max_iter
                )
            else:
                fine = wb.sum(axis=1) > 0
                wr = _aip_mean(wb[fine], p_safe, logp, aip)
            rows = np.arange(s, s + b)[fine]
            boot[rows] = wr
    n_failed = int(np.isnan(boot[:, 0]).sum()) if n_boot else 0
    alpha = (1.0 - level) / 2.0
    if n_boot and n_failed < n_boot:
        lower, upper = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        se = np.nanstd(boot, axis=0, ddof=1) if n_boot - n_failed > 1 else np.full(n, np.nan)
    else:
        lower = upper = se = np.full(n, np.nan)
    if n_failed:
        msg = (
            f"{n_failed} of {n_boot} bootstrap replicates drew no usable respondent for some "
            f"pair (or only zero-weight ones) and were left out of the intervals."
        )
        warn_texts.append(msg)
    lab_index = pd.Index(labs)
    intervals = pd.DataFrame(
        {"estimate": w_group, "lower": lower, "upper": upper, "se": se}, index=lab_index
    )

    # dispersion and consensus over the included respondents with individual vectors
    use = included & complete
    p_use = p_ind[use]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns for K < 2
        q = np.quantile(p_use, [0.25, 0.5, 0.75], axis=0) if len(p_use) else np.full((3, n), np.nan)
        dispersion = pd.DataFrame(
            {
                "mean": p_use.mean(axis=0) if len(p_use) else np.full(n, np.nan),
                "sd": p_use.std(axis=0, ddof=1) if len(p_use) > 1 else np.full(n, np.nan),
                "q25": q[0],
                "median": q[1],
                "q75": q[2],
                "iqr": q[2] - q[0],
                "min": p_use.min(axis=0) if len(p_use) else np.full(n, np.nan),
                "max": p_use.max(axis=0) if len(p_use) else np.full(n, np.nan),
            },
            index=lab_index,
        )
    inc_f = included[:, None] & present
    n_obs = inc_f.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_log = np.where(inc_f, logs, 0.0).sum(axis=0) / n_obs
        ss = np.where(inc_f, (logs - mean_log) ** 2, 0.0).sum(axis=0)
        log_sd = np.where(n_obs > 1, np.sqrt(ss / (n_obs - 1)), np.nan)
        geo_mean = np.where(den > 0, np.exp(num / den), np.nan)
    lab_arr = np.empty(n, dtype=object)
    lab_arr[:] = labs
    pair_dispersion = pd.DataFrame(
        {
            "row": pd.Series(lab_arr[iu[0]], dtype=object),
            "column": pd.Series(lab_arr[iu[1]], dtype=object),
            "n_obs": n_obs.astype("int64"),
            "geometric_mean": geo_mean,
            "log_sd": log_sd,
            "geometric_sd": np.exp(log_sd),
        }
    )
    cons = _consensus_values(p_use, lam_used[use], scale_max, bands, respondent_weights is not None)

    # per-respondent table and report
    respondents = pd.DataFrame(
        {
            "weight": lam,
            "weight_used": lam_norm,
            "status": pd.Series(status, dtype=object).to_numpy(),
            "n_missing": n_missing.astype("int64"),
            **stats,
            "verdict": verdict,
            "included": included,
            "reason": reason,
        },
        index=index,
    )
    crs = stats["cr"][complete]
    if (~included).any():
        out = np.flatnonzero(~included)
        warn_texts.append(
            f"{len(out)} of {k_all} respondents excluded before aggregation "
            f"(censor_cr={censor!r}, aggregate={aggregate!r}): "
            + "; ".join(f"{index[i]!r}: {reason[i]}" for i in out[:20])
            + (" ..." if len(out) > 20 else "")
            + " (see .excluded)."
        )
    report = {
        "cr_quantiles": pd.Series(
            np.quantile(crs, _CR_QUANTILES) if len(crs) else np.full(len(_CR_QUANTILES), np.nan),
            index=pd.Index(_CR_QUANTILES, name="quantile"),
            name="cr",
        ),
        "share_cr_ge_0_1": float((crs >= 0.1).mean()) if len(crs) else math.nan,
        "n_incomplete": int((ok & ~complete).sum()),
        "n_invalid": int((~ok).sum()),
        "n_boot_failed": n_failed,
        "non_scale_values": vreport.get("non_scale_values"),
        "warnings": warn_texts,
    }
    return GroupResult(
        weights=pd.Series(w_group, index=lab_index, name="weight"),
        intervals=intervals,
        matrix=matrix,
        lambda_max=float(group_stats[0]),
        ci=float(group_stats[1]),
        cr=float(group_stats[2]),
        gci=float(group_stats[3]),
        verdict=group_stats[4],
        respondents=respondents,
        individual=pd.DataFrame(p_ind, index=index, columns=lab_index),
        dispersion=dispersion,
        pair_dispersion=pair_dispersion,
        consensus=cons,
        bootstrap=boot,
        report=report,
        labels=labs,
        n=n,
        aggregate=aggregate,
        aip=aip if aggregate == "aip" else None,
        method=method_c,
        lambda_estimator=lambda_estimator,
        ri_table=ri_table,
        ri=float(ri),
        ri_source=ri_source,
        threshold=threshold,
        censor_cr=censor,
        n_respondents=k_all,
        n_used=int(included.sum()),
        n_excluded=int((~included).sum()),
        n_boot=n_boot,
        level=level,
        seed=_seed_record(seed),
    )


# --------------------------------------------------------------------------------------------
# segment-specific weight sets


@dataclass(frozen=True, repr=False, eq=False)
class SegmentWeightsResult(ResultMixin):
    """One group weight set per segment (分群权重), ahp.md §9, with a comparison.

    ``weights``: segments × elements; ``results``: segment -> :class:`GroupResult`;
    ``differences``: long table (segment_a, segment_b, element, difference = a − b);
    ``spearman``: segment × segment Spearman ρ of the element ranks.
    """

    weights: pd.DataFrame = Snapshot()
    results: dict = Snapshot()
    differences: pd.DataFrame = Snapshot()
    spearman: pd.DataFrame = Snapshot()
    n_respondents: pd.Series = Snapshot()
    aggregate: str
    method: str
    seed: Any

    _conventions = ("aggregate", "method", "seed")
    _title = "SegmentWeightsResult"

    def summary(self) -> pd.DataFrame:
        """Segments × elements weights with the number of respondents used per segment."""
        out = self._weights.copy()
        out["n_used"] = [self._results[s].n_used for s in out.index]
        return out


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx = pd.Series(x).rank().to_numpy()
    ry = pd.Series(y).rank().to_numpy()
    if rx.std() == 0 or ry.std() == 0:
        return math.nan
    return float(np.corrcoef(rx, ry)[0, 1])


def segment_weights(matrices: Any, by: Any, **kwargs: Any) -> SegmentWeightsResult:
    """Group weights per respondent segment (``by``), with weight differences and Spearman ρ.

    Runs the whole :func:`group_weights` pipeline (validation, censoring, aggregation,
    bootstrap) once per segment. With an integer ``seed`` each segment gets its own stream
    spawned from it (:class:`numpy.random.SeedSequence`), so results are reproducible and do not
    depend on the order of the segments.

    Parameters
    ----------
    matrices : ndarray (K, n, n) or :class:`JudgmentStack`
    by : array-like of length K or Series indexed by respondent id
        Segment label of each respondent (no missing labels).
    **kwargs
        Passed to :func:`group_weights` (``method``, ``aggregate``, ``respondent_weights`` as a
        length-K array or Series, ``censor_cr``, ``n_boot``, ``seed``, ...).

    Returns
    -------
    SegmentWeightsResult
        ``weights`` (segments × elements), ``results``, ``differences``, ``spearman``.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[[1, 2], [1/2, 1]], [[1, 4], [1/4, 1]], [[1, 1/2], [2, 1]]])
    >>> res = segment_weights(a, ["A", "A", "B"], n_boot=0)
    >>> res.weights.round(4).to_numpy().tolist()
    [[0.7388, 0.2612], [0.3333, 0.6667]]
    """
    labs, values, index, _ = as_stack(matrices, kwargs.get("labels"))
    k_all = values.shape[0]
    if isinstance(by, pd.Series):
        if not by.index.equals(index):
            if set(by.index) != set(index) or by.index.has_duplicates:
                raise AHPInputError(
                    "by is a Series whose index does not match the respondent ids; index it by "
                    "the respondent ids or pass a plain array in respondent order."
                )
            by = by.reindex(index)
        seg = by.to_numpy(dtype=object)
    else:
        seg = np.asarray(by, dtype=object)
    if seg.shape != (k_all,):
        raise AHPInputError(
            f"by has shape {seg.shape}; expected one label per respondent ({k_all},)."
        )
    if pd.isna(seg).any():
        who = [index[i] for i in np.flatnonzero(pd.isna(seg))[:10]]
        raise AHPInputError(
            f"by has missing segment labels for respondents {who!r}; give every respondent a "
            f"segment (e.g. 'unknown')."
        )
    segments = list(pd.unique(seg))
    seed = kwargs.pop("seed", None)
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool):
        streams = [
            np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(len(segments))
        ]
    elif isinstance(seed, np.random.Generator):
        streams = list(seed.spawn(len(segments)))
    else:
        streams = [seed] * len(segments)
    rw = kwargs.pop("respondent_weights", None)
    if rw is not None:
        rw = _check_respondent_weights(rw, index)
    stack = JudgmentStack(values=values, labels=labs, index=index)
    results: dict[Hashable, GroupResult] = {}
    for s, stream in zip(segments, streams, strict=True):
        mask = seg == s
        sub = JudgmentStack(values=stack.values[mask], labels=labs, index=index[mask])
        results[s] = group_weights(
            sub,
            respondent_weights=None if rw is None else rw[mask],
            seed=stream,
            **{k: v for k, v in kwargs.items() if k != "labels"},
        )
    w = pd.DataFrame(
        [results[s].weights.to_numpy() for s in segments],
        index=pd.Index(segments, name="segment"),
        columns=pd.Index(labs),
    )
    rows = []
    rho = np.eye(len(segments))
    for i, sa in enumerate(segments):
        for j in range(i + 1, len(segments)):
            sb = segments[j]
            diff = w.loc[sa].to_numpy() - w.loc[sb].to_numpy()
            rows += [
                {"segment_a": sa, "segment_b": sb, "element": lab, "difference": d}
                for lab, d in zip(labs, diff, strict=True)
            ]
            rho[i, j] = rho[j, i] = _spearman(w.loc[sa].to_numpy(), w.loc[sb].to_numpy())
    differences = pd.DataFrame(rows, columns=["segment_a", "segment_b", "element", "difference"])
    first = next(iter(results.values()))
    return SegmentWeightsResult(
        weights=w,
        results=results,
        differences=differences,
        spearman=pd.DataFrame(rho, index=w.index, columns=w.index),
        n_respondents=pd.Series({s: int((seg == s).sum()) for s in segments}, name="n"),
        aggregate=first.aggregate,
        method=first.method,
        seed=_seed_record(seed),
    )

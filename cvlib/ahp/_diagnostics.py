"""Inconsistency diagnostics (不一致判断诊断), ahp.md §10, batched over respondent stacks.

* the error matrix ε_ij = a_ij w_j / w_i with each respondent's own weights (§10.1);
* the top-k most inconsistent judgments with the consistent value t_ij = w_i / w_j, the suggested
  Saaty value and the CR after applying it (§10.2);
* ordinal intransitivity: directed 3-cycles, trace(D³)/3 (§10.3);
* the opt-in repair loop with an audit trail (§10.5); nothing else ever changes a judgment.

Every path works on a stack ``(r, n, n)``: the top judgment per respondent is an argmax over the
upper triangle and each "CR after" is one more batched solve of the modified stack (no loop over
respondents). Incomplete matrices (NaN = missing pair) are completed as in ahp.md §8 (Harker for
the eigenvector method, LLSM for the geometric mean) and only given judgments are diagnosed.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import check_choice

from ._consistency import BEYOND, RI_TABLES, acceptable, check_threshold, random_index, verdicts
from ._errors import AHPInputError, RepairWarning
from ._incomplete import (
    INCOMPLETE_METHODS,
    placeholder,
    prepare,
    resolve_incomplete,
    solve,
)
from ._matrix import SCALE_TOL, STATUS_OK, nearest_s17, where_text
from ._priority import canonical_method, check_estimator

__all__ = [
    "RANK_BY",
    "CycleResult",
    "DiagnosisResult",
    "RepairResult",
    "RepairWarning",
    "diagnose",
    "error_matrix",
    "repair",
    "three_cycles",
]

#: Ranking rules of the inconsistent judgments (ahp.md §10.2).
RANK_BY = ("deviation", "cr_gain")
TIE_TOL = 1e-9  # |d1 - d2| <= 1e-9 max(1, d1) is a tie (broken by (i, j) row-major)
CYCLE_TOL = 1e-9  # D_ij = 1 iff a_ij > 1 + 1e-9
MAX_CYCLE_LIST_N = 30  # cycles are listed for n <= 30 (counted for every n)


# --------------------------------------------------------------------------------------------
# shared helpers


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise AHPInputError(f"k={k!r} must be a positive integer (the number of judgments listed).")
    return int(k)


def _label_array(labels: tuple) -> np.ndarray:
    out = np.empty(len(labels), dtype=object)
    out[:] = labels
    return out


def _settings(
    method: str,
    ri_table: str,
    lambda_estimator: str,
    beyond: str,
    incomplete: str | None,
    rank_by: str = "deviation",
) -> str:
    method_c = canonical_method(method)
    check_estimator(lambda_estimator)
    check_choice("ri_table", ri_table, RI_TABLES)
    check_choice("beyond", beyond, BEYOND)
    check_choice("rank_by", rank_by, RANK_BY)
    if incomplete is not None:
        check_choice("incomplete", incomplete, INCOMPLETE_METHODS)
    return method_c


def epsilon(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Error matrix ε_ij = a_ij w_j / w_i of a stack (NaN where a_ij is missing)."""
    return a * w[:, None, :] / w[:, :, None]


def suggest(
    a_up: np.ndarray, t_up: np.ndarray, scale: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Suggested values, ``scale_capped`` and ``no_scale_improvement`` (ahp.md §10.2).

    s_ij = argmin_{s in S17} |ln s - ln t_ij| (a log-distance tie goes to the value closer to 1)
    under the ``saaty`` scales; the consistent value t_ij itself under ``scale="ratio"``.
    """
    safe = np.where(np.isfinite(t_up) & (t_up > 0), t_up, 1.0)
    if scale == "ratio":
        s = safe
        capped = np.zeros(t_up.shape, dtype=bool)
    else:
        s = nearest_s17(safe)  # a log tie (e.g. t = sqrt(2)) goes to the value closer to 1
        capped = (safe < 1 / 9 - SCALE_TOL) | (safe > 9 + SCALE_TOL)
    with np.errstate(invalid="ignore"):
        same = np.abs(s / a_up - 1.0) <= SCALE_TOL
    return s, capped, same


def rank_pairs(score: np.ndarray, k: int) -> np.ndarray:
    """Top-k columns of ``score`` (r, m) per row, highest first, as an (r, min(k, m)) array;
    ties within 1e-9·max(1, |top|) go to the lower column (row-major pair order). -inf/NaN are
    excluded; -1 marks an empty slot."""
    s = np.where(np.isnan(score), -np.inf, score)
    r, m = s.shape
    rows = np.arange(r)
    sel = np.full((r, min(k, m)), -1, dtype=np.int64)
    for q in range(min(k, m)):
        top = s.max(axis=1)
        valid = np.isfinite(top)
        if not valid.any():
            break
        top_v = np.where(valid, top, 0.0)
        cand = s >= (top_v - TIE_TOL * np.maximum(1.0, np.abs(top_v)))[:, None]
        pick = np.argmax(cand, axis=1)
        sel[valid, q] = pick[valid]
        s[rows[valid], pick[valid]] = -np.inf
    return sel


def _modified_cr(
    cur: np.ndarray,
    rows: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    values: np.ndarray,
    w: np.ndarray,
    kw: dict,
) -> np.ndarray:
    """CR of the members ``rows`` of ``cur`` with a_ij := value, a_ji := 1/value (one batched
    solve, started from the current weights)."""
    if rows.size == 0:
        return np.empty(0)
    mod = cur[rows].copy()
    mod[np.arange(rows.size), i, j] = values
    mod[np.arange(rows.size), j, i] = 1.0 / values
    return solve(mod, start=w[rows], gci=False, **kw)["cr"]


def _all_pairs_cr(
    cur: np.ndarray, s_up: np.ndarray, w: np.ndarray, kw: dict, todo: np.ndarray
) -> np.ndarray:
    """CR after a_ij := s_ij for every pair flagged in ``todo`` (r, m), NaN elsewhere; one
    batched solve per pair (not per member)."""
    r, n, _ = cur.shape
    iu = np.triu_indices(n, 1)
    out = np.full(s_up.shape, np.nan)
    for p in range(len(iu[0])):
        rows = np.nonzero(todo[:, p])[0]
        ii = np.full(rows.size, iu[0][p])
        jj = np.full(rows.size, iu[1][p])
        out[rows, p] = _modified_cr(cur, rows, ii, jj, s_up[rows, p], w, kw)
    return out


def cycles_count(a: np.ndarray) -> np.ndarray:
    """Number of directed 3-cycles per member: trace(D³)/3, D_ij = [a_ij > 1 + 1e-9]."""
    d = (a > 1.0 + CYCLE_TOL).astype("float32")  # NaN (missing) compares False; exact counts
    d2 = np.matmul(d, d)
    return np.rint((d2 * d.transpose(0, 2, 1)).sum(axis=(1, 2)) / 3.0).astype(np.int64)


def cycles_table(
    a: np.ndarray, labels: tuple, index: pd.Index | None, *, weak: bool = False
) -> pd.DataFrame:
    """Every directed 3-cycle (first → second → third → first, first = lowest position) and,
    with ``weak``, every further triple violating weak transitivity (x ⪰ y, y ⪰ z, z ≻ x)."""
    r, n, _ = a.shape
    cols = ["kind", "first", "second", "third"]
    if index is not None:
        cols = ["respondent", *cols]
    if n < 3:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    known = ~np.isnan(a)  # a missing pair never takes part in a cycle or a violation
    strict = a > 1.0 + CYCLE_TOL
    wk = (a >= 1.0 - CYCLE_TOL) & known
    tri = np.array(list(itertools.combinations(range(n), 3)))
    i, j, k = tri[:, 0], tri[:, 1], tri[:, 2]
    c1 = strict[:, i, j] & strict[:, j, k] & strict[:, k, i]  # i -> j -> k -> i
    c2 = strict[:, i, k] & strict[:, k, j] & strict[:, j, i]  # i -> k -> j -> i
    parts = []
    lab = _label_array(labels)
    for mask, order, kind in ((c1, (i, j, k), "strict"), (c2, (i, k, j), "strict")):
        ks, ts = np.nonzero(mask)
        parts.append((ks, ts, order[0][ts], order[1][ts], order[2][ts], kind))
    if weak:
        viol = np.zeros(c1.shape, dtype=bool)
        first = [np.zeros(c1.shape, dtype=np.int64) for _ in range(3)]
        for x, y, z in itertools.permutations((i, j, k)):
            v = wk[:, x, y] & wk[:, y, z] & known[:, x, z] & ~wk[:, x, z] & ~viol
            for f, e in zip(first, (x, y, z), strict=True):
                f[v] = np.broadcast_to(e, v.shape)[v]
            viol |= v
        viol &= ~(c1 | c2)
        ks, ts = np.nonzero(viol)
        parts.append((ks, ts, first[0][ks, ts], first[1][ks, ts], first[2][ks, ts], "weak"))
    ks = np.concatenate([p[0] for p in parts])
    ts = np.concatenate([p[1] for p in parts])
    order = np.lexsort((ts, ks))
    data = {
        "kind": np.concatenate([np.full(p[0].size, p[5], dtype=object) for p in parts])[order],
        "first": lab[np.concatenate([p[2] for p in parts])[order]],
        "second": lab[np.concatenate([p[3] for p in parts])[order]],
        "third": lab[np.concatenate([p[4] for p in parts])[order]],
    }
    table = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()})
    if index is not None:
        table.insert(0, "respondent", np.asarray(index)[ks[order]])
    return table


def _int_na(x: np.ndarray, ok: np.ndarray) -> pd.arrays.IntegerArray:
    """Counts as a nullable Int64 column, <NA> for the masked members."""
    out = pd.array(np.nan_to_num(np.asarray(x, dtype="float64")).astype(np.int64), dtype="Int64")
    out[~ok] = pd.NA
    return out


def _num(x: np.ndarray, single: bool) -> Any:
    return x.item() if single else x


# --------------------------------------------------------------------------------------------
# diagnose


@dataclass(frozen=True, repr=False, eq=False)
class DiagnosisResult(ResultMixin):
    """Inconsistency diagnostics of one judgment matrix or a stack (ahp.md §10).

    ``judgments``: tidy table, one row per (respondent,) listed judgment (rank 1..k): row, column,
    value a_ij, epsilon ε_ij, deviation_factor max(ε, 1/ε), consistent_value t_ij = w_i/w_j,
    suggested s_ij, direction, scale_capped, no_scale_improvement, cr, cr_after,
    cr_after_continuous, cr_gain = cr - cr_after. ``respondents``: one row per respondent
    (λmax, CI, CR, GCI, verdict, n_3cycles, the worst pair and its fix, status). ``cycles``: the
    listed 3-cycles. ``error_matrix``: ε (DataFrame for one matrix, (r, n, n) array for a stack).
    """

    judgments: pd.DataFrame = Snapshot()
    respondents: pd.DataFrame = Snapshot()
    cycles: pd.DataFrame = Snapshot()
    error_matrix: Any = Snapshot()
    weights: Any = Snapshot()
    lambda_max: Any = Snapshot()
    ci: Any = Snapshot()
    cr: Any = Snapshot()
    gci: Any = Snapshot()
    n_3cycles: Any = Snapshot()
    method: str
    lambda_estimator: str
    ri_table: str
    ri: float
    ri_source: str
    rank_by: str
    k: int
    n: int
    scale: str
    threshold: Any
    incomplete: str | None
    labels: tuple
    report: dict = Snapshot(default_factory=dict)
    status: Any = Snapshot(default=None)
    node: Hashable | None = None

    _conventions = ("method", "lambda_estimator", "ri_table", "rank_by", "k", "scale", "n")
    _title = "DiagnosisResult"

    @property
    def is_stack(self) -> bool:
        return isinstance(self._weights, pd.DataFrame)

    @property
    def top(self) -> pd.DataFrame:
        """The rank-1 judgment of every respondent (rows of ``judgments`` with rank 1)."""
        j = self._judgments
        return j[j["rank"] == 1].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One matrix: the listed judgments; a stack: one row per respondent."""
        if self.is_stack:
            return self._respondents.copy()
        return self._judgments.copy()


def diagnose(
    matrix: Any,
    k: int = 3,
    method: str = "eigen",
    ri_table: str = "saaty1980",
    *,
    rank_by: str = "deviation",
    lambda_estimator: str = "exact",
    threshold: str | float = "seed",
    beyond: str = "alonso_lamata_linear",
    scale: str = "saaty",
    incomplete: str | None = None,
    weak: bool = False,
    labels: Sequence[Hashable] | None = None,
    symmetrize: str | None = None,
    recip_tol: float = 1e-6,
    on_invalid: str = "raise",
    tol: float = 1e-13,
    max_iter: int = 1000,
    node: Hashable | None = None,
) -> DiagnosisResult:
    """Inconsistency diagnostics (不一致判断诊断) of a matrix or a respondent stack (ahp.md §10).

    * Error matrix (§10.1): ε_ij = a_ij · w_j / w_i with w from ``method`` of the same
      respondent; deviation d_ij = |ln ε_ij|, deviation factor exp(d_ij) = max(ε, 1/ε). ε_ij > 1
      means the judgment overstates i relative to j.
    * Top-k judgments (§10.2), per respondent: pairs i < j sorted by d_ij descending
      (``rank_by="deviation"``, Saaty 2003) or by the CR gain CR - CR_after
      (``rank_by="cr_gain"``); ties (|d1 - d2| <= 1e-9·max(1, d1)) go to (i, j) ascending,
      row-major. For each: the consistent value t_ij = w_i/w_j, the suggested Saaty value
      s_ij = argmin_{s∈S17} |ln s - ln t_ij| (a log tie goes to the value closer to 1),
      ``direction`` of t_ij relative to a_ij (``"increase"``/``"decrease"``), ``scale_capped``
      (t_ij outside [1/9, 9]), ``no_scale_improvement`` (s_ij = a_ij), ``cr_after`` = CR of the
      matrix with a_ij := s_ij, a_ji := 1/s_ij recomputed with the same method, λ estimator and
      RI table, and ``cr_after_continuous`` (a_ij := t_ij).
    * 3-cycles (§10.3): D_ij = 1 if a_ij > 1 + 1e-9; number of directed 3-cycles = trace(D³)/3;
      the cycles are listed for n <= 30 (``weak=True`` also lists triples that violate weak
      transitivity). Ties (a_ij = 1) never form strict cycles.

    Nothing is changed: see :func:`repair` for the opt-in repair loop. Incomplete matrices are
    completed as in ahp.md §8 (only given judgments are listed; CR is that of the completed
    matrix and CR_after recompletes the modified matrix).

    Parameters
    ----------
    matrix : matrix-like, DataFrame, pair dict, upper-triangle vector, (r, n, n) stack or
        :class:`JudgmentStack`
        Orientation: a_ij = importance of row i over column j; a_ji = 1/a_ij.
    k : int
        Judgments listed per respondent (default 3; fewer when the matrix has fewer pairs).
    method : str
        Priority method or alias (default ``"eigen"``).
    ri_table : str
        Name of an RI table (default ``"saaty1980"``).
    rank_by : {"deviation", "cr_gain"}
        Ranking rule; ``"cr_gain"`` computes CR_after for every pair (one batched solve per pair).
    lambda_estimator : {"exact", "mean_ratio", "colsum"}
    threshold : {"seed", "saaty_by_n"} or float
        Verdict rule of the per-respondent table.
    beyond : {"alonso_lamata_linear", "error", "simulate"}
    scale : {"saaty", "saaty_strict", "ratio"}
        Validation scale; under ``"ratio"`` the suggestion is t_ij itself (no S17 snapping).
    incomplete : {None, "llsm", "harker", "lambda_min"}
        Completion of incomplete matrices (default by method, ahp.md §8).
    weak : bool
        Also list the triples violating weak transitivity (``kind="weak"`` in ``cycles``).
    labels, symmetrize, recip_tol, on_invalid, tol, max_iter, node
        As in :func:`cvlib.ahp.weights` (``on_invalid="mask"``: invalid or disconnected
        respondents get NaN and a status, and no judgment rows).

    Returns
    -------
    DiagnosisResult
        ``judgments`` (tidy, one row per respondent x listed judgment), ``respondents``
        (per-respondent summary: lambda_max, ci, cr, gci, verdict, n_3cycles, worst_row,
        worst_column, worst_value, worst_epsilon, worst_suggested, worst_cr_after, n_missing,
        status), ``cycles``, ``error_matrix``, ``weights``, ``lambda_max``, ``ci``, ``cr``,
        ``gci``, ``n_3cycles`` and the conventions (method, lambda_estimator, ri_table, ri,
        ri_source, rank_by, k, scale, threshold, incomplete); ``top`` gives the rank-1 rows.

    Examples
    --------
    >>> r3 = [[1, "1/3", "1/2"], [3, 1, "1/3"], [2, 3, 1]]
    >>> d = diagnose(r3, labels=["a", "b", "c"])
    >>> round(d.cr, 4), d.n_3cycles
    (0.2213, 0)
    >>> top = d.judgments.iloc[0]
    >>> top["row"], top["column"], round(float(top["epsilon"]), 4), float(top["suggested"])
    ('a', 'b', 0.6057, 0.5)
    >>> round(float(top["cr_after"]), 4), round(float(top["cr_after_continuous"]), 4)
    (0.1169, 0.0972)

    References
    ----------
    Saaty, T. L. (2003). Decision-making with the AHP: Why is the principal eigenvector
    necessary. *EJOR* 145(1), 85-91.
    Kendall, M. G. & Babington Smith, B. (1940). On the method of paired comparisons.
    *Biometrika* 31(3/4), 324-345 (circular triads).
    Aguarón, J. & Moreno-Jiménez, J. M. (2003). *EJOR* 147(1), 137-145 (GCI).
    """
    method_c = _settings(method, ri_table, lambda_estimator, beyond, incomplete, rank_by)
    k = _check_k(k)
    threshold = check_threshold(threshold)
    labs, a, index, single, status, report = prepare(
        matrix,
        labels,
        scale=scale,
        symmetrize=symmetrize,
        recip_tol=recip_tol,
        on_invalid=on_invalid,
        node=node,
    )
    r, n, _ = a.shape
    ok = status == STATUS_OK
    calc = placeholder(a, status)
    iu = np.triu_indices(n, 1)
    a_up = calc[:, iu[0], iu[1]]
    known = ~np.isnan(a_up) & ok[:, None]
    any_missing = not known[ok].all()
    inc = resolve_incomplete(incomplete, method_c, any_missing) if any_missing else None
    ri, ri_source = random_index(n, ri_table, beyond)
    kw = {
        "method": method_c,
        "incomplete": inc,
        "single": single,
        "ri": ri,
        "lambda_estimator": lambda_estimator,
        "scale": scale,
        "tol": tol,
        "max_iter": max_iter,
        "node": node,
    }
    base = solve(calc, index=index, **kw)
    w, cr = base["w"], base["cr"]

    eps = epsilon(calc, w)
    eps_up = eps[:, iu[0], iu[1]]
    rows_all = np.arange(r)

    cr_all = None
    if rank_by == "cr_gain":
        t_all = w[:, iu[0]] / w[:, iu[1]]
        s_all, _, same_all = suggest(a_up, t_all, scale)
        todo = known & ~same_all  # s = a leaves the matrix (and CR) unchanged
        cr_all = np.where(same_all, cr[:, None], _all_pairs_cr(calc, s_all, w, kw, todo))
        sel = rank_pairs(np.where(known, cr[:, None] - cr_all, -np.inf), k)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = np.abs(np.log(eps_up))
        sel = rank_pairs(np.where(known, dev, -np.inf), k)
    k_eff = sel.shape[1]
    valid = sel >= 0
    ps = np.where(valid, sel, 0)
    pi, pj = iu[0][ps], iu[1][ps]  # (r, k_eff) positions of the listed pairs
    a_sel = np.take_along_axis(a_up, ps, axis=1)
    e_sel = np.take_along_axis(eps_up, ps, axis=1)
    t_sel = np.take_along_axis(w, pi, axis=1) / np.take_along_axis(w, pj, axis=1)
    s_sel, cap_sel, same_sel = suggest(a_sel, t_sel, scale)

    cr_after = np.full((r, k_eff), np.nan)
    cr_cont = np.full((r, k_eff), np.nan)
    for q in range(k_eff):
        rows = rows_all[valid[:, q]]
        if cr_all is not None:
            cr_after[rows, q] = cr_all[rows, sel[rows, q]]
        else:
            fixed = same_sel[rows, q]  # s = a: the matrix does not change
            cr_after[rows[fixed], q] = cr[rows[fixed]]
            need = rows[~fixed]
            cr_after[need, q] = _modified_cr(
                calc, need, pi[need, q], pj[need, q], s_sel[need, q], w, kw
            )
        cr_cont[rows, q] = _modified_cr(calc, rows, pi[rows, q], pj[rows, q], t_sel[rows, q], w, kw)

    n3 = cycles_count(calc)
    cyc = None
    if n <= MAX_CYCLE_LIST_N:
        # list only where there is something to list (strict cycles; every member for weak)
        members = rows_all[ok] if weak else rows_all[ok & (n3 > 0)]
        cyc = cycles_table(calc[members], labs, None if single else index[members], weak=weak)

    # outputs: invalid members NaN
    lam, ci, g = base["lambda_max"], base["ci"], base["gci"]
    if not ok.all():
        w = np.where(ok[:, None], w, np.nan)
        eps = np.where(ok[:, None, None], eps, np.nan)
        lam, ci, cr, g = (np.where(ok, x, np.nan) for x in (lam, ci, cr, g))
        n3 = np.where(ok, n3, np.nan)  # float with NaN for the masked members
    acc = acceptable(cr, n, threshold) & ok
    verdict = verdicts(cr, acc)

    # tidy judgment table: one row per respondent x listed judgment
    ks, qs = np.nonzero(valid)
    lab = _label_array(labs)
    value, e, t = a_sel[ks, qs], e_sel[ks, qs], t_sel[ks, qs]
    direction = np.where(t > value, "increase", np.where(t < value, "decrease", "none"))
    judg = pd.DataFrame(
        {
            "rank": qs + 1,
            "row": pd.Series(lab[pi[ks, qs]], dtype=object),
            "column": pd.Series(lab[pj[ks, qs]], dtype=object),
            "value": value,
            "epsilon": e,
            "deviation_factor": np.maximum(e, 1.0 / e),
            "consistent_value": t,
            "suggested": s_sel[ks, qs],
            "direction": pd.Series(direction, dtype=object),
            "scale_capped": cap_sel[ks, qs],
            "no_scale_improvement": same_sel[ks, qs],
            "cr": cr[ks],
            "cr_after": cr_after[ks, qs],
            "cr_after_continuous": cr_cont[ks, qs],
        }
    )
    judg["cr_gain"] = judg["cr"] - judg["cr_after"]
    if not single:
        judg.insert(0, "respondent", np.asarray(index)[ks])

    # per-respondent summary: the rank-1 judgment is the worst pair
    has = valid[:, 0] if k_eff else np.zeros(r, dtype=bool)

    def first(x: np.ndarray, labels_of: np.ndarray | None = None) -> np.ndarray:
        if not k_eff:
            return np.full(r, None if labels_of is not None else np.nan, dtype=object)
        if labels_of is not None:
            return np.where(has, labels_of[x[:, 0]], None).astype(object)
        return np.where(has, x[:, 0], np.nan)

    resp = pd.DataFrame(
        {
            "n_missing": np.isnan(a[:, iu[0], iu[1]]).sum(axis=1),
            "lambda_max": lam,
            "ci": ci,
            "cr": cr,
            "gci": g,
            "verdict": pd.Series(verdict, dtype=object).to_numpy(),
            "n_3cycles": _int_na(n3, ok),
            "worst_row": first(pi, lab),
            "worst_column": first(pj, lab),
            "worst_value": first(a_sel),
            "worst_epsilon": first(e_sel),
            "worst_suggested": first(s_sel),
            "worst_cr_after": first(cr_after),
            "status": pd.Series(status, dtype=object).to_numpy(),
        },
        index=pd.RangeIndex(r) if single else index,
    )
    lab_index = pd.Index(labs)
    if single:
        w_out: Any = pd.Series(w[0], index=lab_index, name="weight")
        e_out: Any = pd.DataFrame(eps[0], index=lab_index, columns=lab_index)
    else:
        w_out = pd.DataFrame(w, index=index, columns=lab_index)
        e_out = eps
    report["n_fallback"] = base["info"].get("n_fallback", 0)
    return DiagnosisResult(
        judgments=judg,
        respondents=resp,
        cycles=cyc,
        error_matrix=e_out,
        weights=w_out,
        lambda_max=_num(lam, single),
        ci=_num(ci, single),
        cr=_num(cr, single),
        gci=_num(g, single),
        n_3cycles=_num(n3, single),
        method=method_c,
        lambda_estimator=lambda_estimator,
        ri_table=ri_table,
        ri=float(ri),
        ri_source=ri_source,
        rank_by=rank_by,
        k=k,
        n=n,
        scale=scale,
        threshold=threshold,
        incomplete=inc,
        labels=labs,
        report=report,
        status=None if single else status,
        node=node,
    )


def error_matrix(
    matrix: Any,
    method: str = "eigen",
    *,
    labels: Sequence[Hashable] | None = None,
    incomplete: str | None = None,
    scale: str = "saaty",
    recip_tol: float = 1e-6,
    node: Hashable | None = None,
) -> pd.DataFrame | np.ndarray:
    """Error matrix ε_ij = a_ij · w_j / w_i (ahp.md §10.1), one matrix or a stack.

    w comes from ``method`` of the same matrix (each respondent's own weights). ε_ii = 1,
    ε_ji = 1/ε_ij; ε_ij > 1 means the judgment overstates i relative to j. Missing pairs are
    NaN (the weights come from the §8 completion).

    Parameters
    ----------
    matrix : matrix-like, DataFrame, pair dict, upper-triangle vector, (r, n, n) stack or
        :class:`JudgmentStack`
    method : str
        Priority method or alias (default ``"eigen"``).
    labels : sequence, optional
    incomplete : {None, "llsm", "harker", "lambda_min"}
    scale : {"saaty", "saaty_strict", "ratio"}
    recip_tol : float
    node : hashable, optional

    Returns
    -------
    DataFrame or ndarray
        ε as a DataFrame indexed by the labels (one matrix) or an (r, n, n) array (stack).

    Examples
    --------
    >>> e = error_matrix([[1, "1/3", "1/2"], [3, 1, "1/3"], [2, 3, 1]])
    >>> round(float(e.iloc[0, 1]), 4), round(float(e.iloc[1, 0]), 4)
    (0.6057, 1.651)

    References
    ----------
    Saaty, T. L. (2003). *EJOR* 145(1), 85-91.
    """
    method_c = _settings(method, "saaty1980", "exact", "alonso_lamata_linear", incomplete)
    labs, a, index, single, _, _ = prepare(
        matrix,
        labels,
        scale=scale,
        symmetrize=None,
        recip_tol=recip_tol,
        on_invalid="raise",
        node=node,
    )
    any_missing = bool(np.isnan(a).any())
    inc = resolve_incomplete(incomplete, method_c, any_missing) if any_missing else None
    ri, _ = random_index(a.shape[-1], "saaty1980", "alonso_lamata_linear")
    base = solve(a, method_c, inc, single=single, ri=ri, scale=scale, index=index, node=node)
    eps = epsilon(a, base["w"])
    if single:
        return pd.DataFrame(eps[0], index=pd.Index(labs), columns=pd.Index(labs))
    return eps


@dataclass(frozen=True, repr=False, eq=False)
class CycleResult(ResultMixin):
    """Directed 3-cycles (ordinal intransitivity, ahp.md §10.3) of a matrix or a stack."""

    n_cycles: Any = Snapshot()
    n_weak: Any = Snapshot()
    cycles: pd.DataFrame = Snapshot()
    weak: bool = False
    n: int = 0
    labels: tuple = ()
    index: Any = Snapshot(default=None)

    _conventions = ("n", "weak")
    _title = "CycleResult"

    def summary(self) -> pd.DataFrame:
        """Per respondent (or for the one matrix): n_3cycles (and n_weak with ``weak=True``)."""
        n_c = np.atleast_1d(np.asarray(self._n_cycles))
        out = pd.DataFrame(
            {"n_3cycles": n_c}, index=self._index if self._index is not None else None
        )
        if self.weak:
            out["n_weak"] = np.atleast_1d(np.asarray(self._n_weak))
        return out


def three_cycles(
    matrix: Any,
    *,
    weak: bool = False,
    labels: Sequence[Hashable] | None = None,
    scale: str = "saaty",
    recip_tol: float = 1e-6,
    node: Hashable | None = None,
) -> CycleResult:
    """Ordinal intransitivity: directed 3-cycles i → j → k → i (ahp.md §10.3), batched.

    D_ij = 1 if a_ij > 1 + 1e-9 (i strictly preferred to j), else 0; the number of directed
    3-cycles is trace(D³)/3. Ties (a_ij = 1) never form strict cycles; ``weak=True`` also
    counts and lists the triples that violate weak transitivity (x ⪰ y and y ⪰ z but z ≻ x)
    without being strict cycles. Cycles are listed for n <= 30. Missing pairs (NaN) never
    form a cycle.

    Parameters
    ----------
    matrix : matrix-like, DataFrame, pair dict, upper-triangle vector, (r, n, n) stack or
        :class:`JudgmentStack`
    weak : bool
        Also count and list weak-transitivity violations (``kind="weak"``).
    labels : sequence, optional
    scale : {"saaty", "saaty_strict", "ratio"}
    recip_tol : float
    node : hashable, optional

    Returns
    -------
    CycleResult
        ``n_cycles`` (int, or an array per respondent), ``n_weak``, ``cycles`` (DataFrame:
        [respondent,] kind, first, second, third with first → second → third → first).

    Examples
    --------
    >>> res = three_cycles([3, 3, "1/3", 3, 3, 3], labels=["a", "b", "c", "d"])
    >>> res.n_cycles, res.cycles[["first", "second", "third"]].values.tolist()
    (2, [['a', 'b', 'd'], ['a', 'c', 'd']])

    References
    ----------
    Kendall, M. G. & Babington Smith, B. (1940). *Biometrika* 31(3/4), 324-345.
    """
    labs, a, index, single, _, _ = prepare(
        matrix,
        labels,
        scale=scale,
        symmetrize=None,
        recip_tol=recip_tol,
        on_invalid="raise",
        node=node,
    )
    n = a.shape[-1]
    n3 = cycles_count(a)
    table = cycles_table(a, labs, index, weak=weak) if n <= MAX_CYCLE_LIST_N else None
    n_weak = np.zeros(a.shape[0], dtype=np.int64)
    if weak and table is not None and len(table):
        wk = table[table["kind"] == "weak"]
        if single:
            n_weak[0] = len(wk)
        else:
            pos = pd.Index(index).get_indexer(wk["respondent"])
            n_weak = np.bincount(pos, minlength=a.shape[0]).astype(np.int64)
    return CycleResult(
        n_cycles=_num(n3, single),
        n_weak=_num(n_weak, single),
        cycles=table,
        weak=weak,
        n=n,
        labels=labs,
        index=index,
    )


# --------------------------------------------------------------------------------------------
# repair loop (opt-in)


@dataclass(frozen=True, repr=False, eq=False)
class RepairResult(ResultMixin):
    """Outcome of the opt-in repair loop (ahp.md §10.5).

    ``audit`` lists every change: [respondent,] step, row, column, old, new, cr_before,
    cr_after. ``matrix`` is the repaired matrix (DataFrame) or stack (array), ``original`` the
    input; ``reached_target``, ``n_changes``, ``cr_before`` (initial), ``cr_after`` (final) and
    ``stop_reason`` per respondent.
    """

    audit: pd.DataFrame = Snapshot()
    matrix: Any = Snapshot()
    original: Any = Snapshot()
    weights: Any = Snapshot()
    reached_target: Any = Snapshot()
    n_changes: Any = Snapshot()
    cr_before: Any = Snapshot()
    cr_after: Any = Snapshot()
    stop_reason: Any = Snapshot()
    target_cr: float
    max_changes: int
    method: str
    lambda_estimator: str
    ri_table: str
    ri: float
    rank_by: str
    scale: str
    incomplete: str | None
    labels: tuple
    report: dict = Snapshot(default_factory=dict)
    status: Any = Snapshot(default=None)
    node: Hashable | None = None

    _conventions = ("target_cr", "max_changes", "method", "ri_table", "rank_by", "scale")
    _title = "RepairResult"

    def summary(self) -> pd.DataFrame:
        """The audit trail: one row per change (never silent)."""
        return self._audit.copy()


def repair(
    matrix: Any,
    target_cr: float = 0.1,
    max_changes: int = 3,
    scale: str = "saaty",
    *,
    method: str = "eigen",
    ri_table: str = "saaty1980",
    rank_by: str = "deviation",
    lambda_estimator: str = "exact",
    beyond: str = "alonso_lamata_linear",
    incomplete: str | None = None,
    labels: Sequence[Hashable] | None = None,
    symmetrize: str | None = None,
    recip_tol: float = 1e-6,
    on_invalid: str = "raise",
    tol: float = 1e-13,
    max_iter: int = 1000,
    node: Hashable | None = None,
) -> RepairResult:
    """Opt-in repair loop (修正判断矩阵, ahp.md §10.5) with an audit trail, batched over a stack.

    Per respondent, while CR >= ``target_cr``: take the top-ranked judgment (``rank_by`` as in
    :func:`diagnose`) whose ``no_scale_improvement`` is False, set a_ij := s_ij (the suggested
    Saaty value; t_ij itself under ``scale="ratio"``) and a_ji := 1/s_ij, recompute weights and
    CR with the same method, λ estimator and RI table. Stop when CR < ``target_cr``
    (``reached_target``), when ``max_changes`` changes were made, or when no candidate is left.
    A pair may be changed more than once. Every change is in ``audit`` and a ``RepairWarning``
    says how many judgments changed; the caller's data are never modified, and no other cvlib
    function repairs anything.

    Parameters
    ----------
    matrix : matrix-like, DataFrame, pair dict, upper-triangle vector, (r, n, n) stack or
        :class:`JudgmentStack`
        Orientation: a_ij = importance of row i over column j; a_ji = 1/a_ij.
    target_cr : float
        Stop as soon as CR < target_cr (default 0.1).
    max_changes : int
        Maximum number of changes per respondent (default 3).
    scale : {"saaty", "saaty_strict", "ratio"}
        Validation scale and suggestion set (S17 under the ``saaty`` scales, t_ij under
        ``"ratio"``).
    method, ri_table, rank_by, lambda_estimator, beyond, incomplete
        As in :func:`diagnose`.
    labels, symmetrize, recip_tol, on_invalid, tol, max_iter, node
        As in :func:`cvlib.ahp.weights`.

    Returns
    -------
    RepairResult
        ``audit`` ([respondent,] step, row, column, old, new, cr_before, cr_after), ``matrix``
        (repaired), ``original``, ``weights`` (of the repaired matrix), ``reached_target``,
        ``n_changes``, ``cr_before``, ``cr_after``, ``stop_reason`` (``"target reached"``,
        ``"already below target"``, ``"max_changes"``, ``"no candidate"``; ``"invalid"`` for
        masked respondents).

    Examples
    --------
    >>> import warnings
    >>> r3 = [[1, "1/3", "1/2"], [3, 1, "1/3"], [2, 3, 1]]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = repair(r3, target_cr=0.1, max_changes=5)
    >>> res.reached_target, res.audit["new"].tolist(), res.audit["cr_after"].round(4).tolist()
    (True, [0.5, 1.0], [0.1169, 0.0158])

    References
    ----------
    Saaty, T. L. (2003). *EJOR* 145(1), 85-91.
    Harker, P. T. (1987). Derivatives of the Perron root of a positive reciprocal matrix: with
    application to the analytic hierarchy process. *Applied Mathematics and Computation* 22(2-3),
    217-232.
    """
    method_c = _settings(method, ri_table, lambda_estimator, beyond, incomplete, rank_by)
    if isinstance(target_cr, bool) or not isinstance(target_cr, int | float) or target_cr <= 0:
        raise AHPInputError(f"target_cr={target_cr!r} must be a positive number (e.g. 0.1).")
    if isinstance(max_changes, bool) or not isinstance(max_changes, int | np.integer):
        raise AHPInputError(f"max_changes={max_changes!r} must be an integer >= 0.")
    if max_changes < 0:
        raise AHPInputError(f"max_changes={max_changes!r} must be an integer >= 0.")
    labs, a, index, single, status, report = prepare(
        matrix,
        labels,
        scale=scale,
        symmetrize=symmetrize,
        recip_tol=recip_tol,
        on_invalid=on_invalid,
        node=node,
    )
    r, n, _ = a.shape
    ok = status == STATUS_OK
    cur = placeholder(a, status).copy()
    iu = np.triu_indices(n, 1)
    any_missing = bool(np.isnan(cur).any())
    inc = resolve_incomplete(incomplete, method_c, any_missing) if any_missing else None
    ri, _ = random_index(n, ri_table, beyond)
    kw = {
        "method": method_c,
        "incomplete": inc,
        "single": single,
        "ri": ri,
        "lambda_estimator": lambda_estimator,
        "scale": scale,
        "tol": tol,
        "max_iter": max_iter,
        "node": node,
    }
    base = solve(cur, index=index, **kw)
    w, cr = base["w"].copy(), base["cr"].copy()
    cr0 = cr.copy()
    n_changes = np.zeros(r, dtype=np.int64)
    reason = np.where(ok, np.where(cr < target_cr, "already below target", ""), "invalid")
    reason = reason.astype(object)
    active = ok & (cr >= target_cr)
    log: list[tuple] = []
    for step in range(1, max_changes + 1):
        rows = np.nonzero(active)[0]
        if rows.size == 0:
            break
        sub = cur[rows]
        a_up = sub[:, iu[0], iu[1]]
        eps_up = epsilon(sub, w[rows])[:, iu[0], iu[1]]
        t_up = w[rows][:, iu[0]] / w[rows][:, iu[1]]
        s_up, _, same = suggest(a_up, t_up, scale)
        eligible = ~np.isnan(a_up) & ~same
        if rank_by == "cr_gain":
            cr_all = _all_pairs_cr(sub, s_up, w[rows], kw, eligible)
            score = cr[rows][:, None] - cr_all
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                score = np.abs(np.log(eps_up))
        sel = rank_pairs(np.where(eligible, score, -np.inf), 1)[:, 0]
        none = sel < 0
        reason[rows[none]] = "no candidate"
        active[rows[none]] = False
        go = rows[~none]
        if go.size == 0:
            break
        p = sel[~none]
        ii, jj = iu[0][p], iu[1][p]
        old = cur[go, ii, jj].copy()
        new = s_up[~none, p]
        cur[go, ii, jj] = new
        cur[go, jj, ii] = 1.0 / new
        res = solve(cur[go], start=w[go], **kw)
        before = cr[go].copy()
        w[go], cr[go] = res["w"], res["cr"]
        n_changes[go] += 1
        log.append((go, np.full(go.size, step), ii, jj, old, new, before, cr[go].copy()))
        done = cr[go] < target_cr
        reason[go[done]] = "target reached"
        active[go[done]] = False
    reason[active] = "max_changes"
    reached = ok & (cr < target_cr)

    lab = _label_array(labs)
    cols = ["step", "row", "column", "old", "new", "cr_before", "cr_after"]
    if log:
        parts = [np.concatenate([x[c] for x in log]) for c in range(8)]
        order = np.lexsort((parts[1], parts[0]))
        parts = [x[order] for x in parts]
        audit = pd.DataFrame(
            {
                "step": parts[1].astype(np.int64),
                "row": pd.Series(lab[parts[2]], dtype=object),
                "column": pd.Series(lab[parts[3]], dtype=object),
                "old": parts[4],
                "new": parts[5],
                "cr_before": parts[6],
                "cr_after": parts[7],
            }
        )
        who = parts[0]
    else:
        audit = pd.DataFrame(
            {
                "step": np.array([], dtype=np.int64),
                "row": pd.Series([], dtype=object),
                "column": pd.Series([], dtype=object),
                **{c: np.array([], dtype="float64") for c in cols[3:]},
            }
        )
        who = np.array([], dtype=np.int64)
    if not single:
        audit.insert(0, "respondent", np.asarray(index)[who])
    if len(audit):
        n_resp = int((n_changes > 0).sum())
        msg = (
            f"{where_text(node)}: repair() changed {len(audit)} judgment(s) of {n_resp} "
            f"matrix/matrices (target CR < {target_cr:g}, max_changes={max_changes}); every "
            f"change is listed in the audit trail (result.audit)."
        )
        warnings.warn(msg, RepairWarning, stacklevel=2)
        report["warnings"].append(msg)

    if not ok.all():
        w = np.where(ok[:, None], w, np.nan)
        cr, cr0 = np.where(ok, cr, np.nan), np.where(ok, cr0, np.nan)
        cur = np.where(ok[:, None, None], cur, np.nan)
    lab_index = pd.Index(labs)
    if single:
        mat: Any = pd.DataFrame(cur[0], index=lab_index, columns=lab_index)
        orig: Any = pd.DataFrame(a[0], index=lab_index, columns=lab_index)
        w_out: Any = pd.Series(w[0], index=lab_index, name="weight")
    else:
        mat, orig = cur, a
        w_out = pd.DataFrame(w, index=index, columns=lab_index)
    return RepairResult(
        audit=audit,
        matrix=mat,
        original=orig,
        weights=w_out,
        reached_target=bool(reached[0]) if single else reached,
        n_changes=int(n_changes[0]) if single else n_changes,
        cr_before=_num(cr0, single),
        cr_after=_num(cr, single),
        stop_reason=reason[0] if single else reason,
        target_cr=float(target_cr),
        max_changes=int(max_changes),
        method=method_c,
        lambda_estimator=lambda_estimator,
        ri_table=ri_table,
        ri=float(ri),
        rank_by=rank_by,
        scale=scale,
        incomplete=inc,
        labels=labs,
        report=report,
        status=None if single else status,
        node=node,
    )

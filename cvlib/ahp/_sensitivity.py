"""Sensitivity and rank stability of AHP weights (灵敏度分析): one-at-a-time variation with
proportional redistribution and Monte Carlo over the judgments, for alternatives or customers.

ahp.md §11 (reference values §15.3). The alternatives are the rows of a score matrix V (customers
× criteria, already normalised so that larger is better, e.g. ``score_customers(...).normalized``);
the score of row c under weights w is S_c = Σ_j w_j v_cj, accumulated column by column in one fixed
order as :func:`cvlib.scoring.score_customers` does, so identical rows get bit-identical scores.

Ranks are ordinal (1 = best): the baseline ranks break ties by ascending id (the scoring
convention); within a varied or perturbed weight vector ties keep the baseline order. Every draw
and grid point is computed in batch (numpy over draws and customers).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError

from ._consistency import consistency_index, consistency_ratio
from ._errors import AHPInputError, AHPWarning
from ._group import (
    GroupResult,
    _check_int,
    _check_seed,
    _is_matrix_like,
    _seed_record,
    group_weights,
)
from ._matrix import JudgmentStack, nearest_s17
from ._priority import lambda_estimate, perron, priorities
from ._weights import AHPResult, direct_weights, weights

__all__ = [
    "SNAP_MODES",
    "MonteCarloResult",
    "OATResult",
    "monte_carlo_sensitivity",
    "oat_sensitivity",
]

#: Rounding of perturbed judgments (ahp.md §11.2).
SNAP_MODES = ("none", "saaty")
CHANGE_KINDS = ("top1", "top_k_set", "top_k_order")
_CHUNK_CELLS = 262_144  # draws x customers held at once (cache-sized blocks)
_RANK_CELLS = 60_000_000  # draws x customers kept as int32 ranks for the rank quantiles


# --------------------------------------------------------------------------------------------
# the weight source: one matrix, a group, a hierarchy or direct weights


@dataclass
class _Node:
    """An internal node whose local weights may be perturbed (or stay fixed)."""

    node: Hashable
    kids: tuple
    upper: np.ndarray | None  # upper-triangle judgments (row-major); None = fixed weights
    fixed: np.ndarray | None
    method: str
    lambda_estimator: str
    ri: float
    sigma_pairs: np.ndarray | None = None  # per pair σ for sigma="group"


@dataclass
class _Source:
    labels: tuple
    weights: np.ndarray
    kind: str  # "matrix", "group", "hierarchy", "direct"
    root: Hashable = None
    nodes: list = field(default_factory=list)
    method: str | None = None


def _upper_of(matrix: pd.DataFrame | np.ndarray, kids: Sequence[Hashable]) -> np.ndarray:
    if isinstance(matrix, pd.DataFrame):
        matrix = matrix.reindex(index=list(kids), columns=list(kids)).to_numpy(dtype="float64")
    a = np.asarray(matrix, dtype="float64")
    iu = np.triu_indices(a.shape[0], 1)
    return a[iu]


def _node_of(res: AHPResult, node: Hashable, kids: tuple) -> _Node:
    if res.method in ("direct", "measured") or res.matrix is None:
        w = res.weights.reindex(list(kids)).to_numpy(dtype="float64")
        return _Node(node, kids, None, w, res.method, "exact", 0.0)
    return _Node(
        node, kids, _upper_of(res.matrix, kids), None, res.method, res.lambda_estimator, res.ri
    )


def _resolve(
    criteria: Any,
    *,
    method: str,
    ri_table: str,
    lambda_estimator: str,
    labels: Sequence[Hashable] | None,
) -> _Source:
    """The base weights and the perturbable tree of any weight source."""
    if hasattr(criteria, "leaf_weights") and hasattr(criteria, "nodes"):  # HierarchyResult
        leaf_w = criteria.leaf_weights
        nodes_res = criteria.nodes
        children = criteria.children
        table = criteria.table
        nodes = [
            _node_of(nodes_res[x], x, tuple(children[x]))
            for x in table.loc[~table["is_leaf"], "node_id"]
        ]
        return _Source(
            tuple(leaf_w.index),
            leaf_w.to_numpy(dtype="float64"),
            "hierarchy",
            criteria.root,
            nodes,
            criteria.method,
        )
    if isinstance(criteria, GroupResult):
        labs = criteria.labels
        w = criteria.weights.to_numpy(dtype="float64")
        nodes = []
        if criteria.matrix is not None:
            node = _Node(
                "group (AIJ)",
                labs,
                _upper_of(criteria.matrix, labs),
                None,
                criteria.method,
                criteria.lambda_estimator,
                criteria.ri,
                0.5 * criteria.pair_dispersion["log_sd"].to_numpy(dtype="float64"),
            )
            nodes = [node]
        return _Source(labs, w, "group", "group (AIJ)", nodes, criteria.method)
    if isinstance(criteria, AHPResult):
        if criteria.is_stack:
            raise AHPInputError(
                "criteria is a stack AHPResult (one weight vector per respondent); aggregate it "
                "first with group_weights(stack) and pass the GroupResult."
            )
        labs = tuple(criteria.labels)
        node = _node_of(criteria, criteria.node or "criteria", labs)
        kind = "direct" if node.upper is None else "matrix"
        return _Source(
            labs,
            criteria.weights.to_numpy(dtype="float64"),
            kind,
            node.node,
            [node],
            criteria.method,
        )
    if isinstance(criteria, pd.Series) or (
        isinstance(criteria, Mapping) and not all(isinstance(k, tuple) for k in criteria)
    ):
        res = direct_weights(criteria, labels)
        labs = tuple(res.labels)
        node = _Node("criteria", labs, None, res.weights.to_numpy(), "direct", "exact", 0.0)
        return _Source(labs, res.weights.to_numpy(dtype="float64"), "direct", "criteria", [node])
    if (
        isinstance(criteria, JudgmentStack)
        or (isinstance(criteria, np.ndarray) and criteria.ndim == 3)
        or (
            isinstance(criteria, list | tuple)
            and len(criteria) > 0
            and all(map(_is_matrix_like, criteria))
        )
    ):
        grp = group_weights(
            criteria,
            method,
            ri_table,
            lambda_estimator=lambda_estimator,
            labels=labels,
            n_boot=0,
        )
        return _resolve(
            grp, method=method, ri_table=ri_table, lambda_estimator=lambda_estimator, labels=None
        )
    res = weights(criteria, method, ri_table, lambda_estimator=lambda_estimator, labels=labels)
    return _resolve(
        res, method=method, ri_table=ri_table, lambda_estimator=lambda_estimator, labels=None
    )


# --------------------------------------------------------------------------------------------
# the score matrix


def _values(values: Any, labels: tuple) -> pd.DataFrame:
    """V as a float64 DataFrame (alternatives × criteria in ``labels`` order), validated."""
    if hasattr(values, "normalized") and hasattr(values, "aggregate"):  # ScoreResult
        if values.aggregate != "sum":
            raise AHPInputError(
                f"the ScoreResult uses aggregate={values.aggregate!r}; sensitivity analysis needs "
                f"the weighted sum S = Σ w v (aggregate='sum')."
            )
        values = values.normalized
    if isinstance(values, np.ndarray):
        if values.ndim != 2 or values.shape[1] != len(labels):
            raise AHPInputError(
                f"values has shape {values.shape}; expected (alternatives, {len(labels)}) with the "
                f"columns in the order of the criteria {list(labels)!r}."
            )
        values = pd.DataFrame(values, columns=pd.Index(labels))
    if not isinstance(values, pd.DataFrame):
        raise TypeError(
            f"values must be a DataFrame (alternatives × criteria), a 2-D array or a ScoreResult, "
            f"got {type(values).__name__}."
        )
    cols = list(values.columns)
    missing = [c for c in labels if c not in set(cols)]
    extra = [c for c in cols if c not in set(labels)]
    if missing or extra or len(cols) != len(set(cols)):
        raise AHPInputError(
            f"the columns of values must be exactly the criteria {list(labels)!r}; missing "
            f"{missing!r}, extra {extra!r}"
            f"{', duplicated columns' if len(cols) != len(set(cols)) else ''}."
        )
    if values.index.has_duplicates:
        dup = values.index[values.index.duplicated()].unique().tolist()[:5]
        raise AHPInputError(f"values has duplicated alternative ids {dup!r}; ids must be unique.")
    if len(values) == 0:
        raise AHPInputError("values has no rows (alternatives); pass at least one.")
    v = values.loc[:, list(labels)]
    for c in v.columns:
        if not pd.api.types.is_numeric_dtype(v[c].dtype) or pd.api.types.is_bool_dtype(v[c]):
            raise TypeError(f"values column {c!r} is not numeric (dtype {v[c].dtype}).")
    v = v.astype("float64")
    bad = ~np.isfinite(v.to_numpy())
    if bad.any():
        rows, cols_ = np.nonzero(bad)
        listed = ", ".join(
            f"({v.index[r]!r}, {v.columns[c]!r})" for r, c in zip(rows[:5], cols_[:5], strict=True)
        )
        raise AHPInputError(
            f"values holds {int(bad.sum())} missing or infinite cell(s), e.g. {listed}; "
            f"sensitivity needs complete scores (impute or drop those alternatives first)."
        )
    return v


def _score_rows(vf: np.ndarray, w: np.ndarray) -> np.ndarray:
    """S (d, C) = Σ_j w[:, j] v[:, j], accumulated column by column in a fixed order."""
    d = w.shape[0]
    out = np.zeros((d, vf.shape[0]))
    buf = np.empty_like(out)
    for j in range(vf.shape[1]):
        np.multiply(w[:, j : j + 1], vf[None, :, j], out=buf)
        out += buf
    return out


def _baseline_order(scores: np.ndarray, index: pd.Index) -> np.ndarray:
    """Row positions in baseline rank order: score descending, ties by ascending id."""
    try:
        ido = np.asarray(index.argsort(), dtype="int64")
    except TypeError:  # ids that do not sort (mixed types): input order
        ido = np.arange(len(index))
    o = np.argsort(-scores[ido], kind="stable")
    return ido[o]


def _ranks_rows(s: np.ndarray) -> np.ndarray:
    """Ordinal ranks (1 = best) per row of s; ties keep the column order (stable)."""
    d, c = s.shape
    ranks = np.empty((d, c), dtype=np.int32)
    ar = np.arange(1, c + 1, dtype=np.int32)
    for i in range(d):  # one sort per draw (the sort is the cost; rows are independent)
        neg = -s[i]
        o = np.argsort(neg)
        sv = neg[o]
        if c > 1 and (sv[1:] == sv[:-1]).any():
            o = np.argsort(neg, kind="stable")
        ranks[i, o] = ar
    return ranks


def _py(x: Any) -> Any:
    """A numpy scalar as the Python scalar (labels in tables and messages)."""
    return x.item() if isinstance(x, np.generic) else x


def _check_top_k(top_k: Any, c: int) -> int:
    top_k = _check_int("top_k", top_k, 1)
    if top_k > c:
        raise AHPInputError(f"top_k={top_k} exceeds the number of alternatives ({c}).")
    return top_k


# --------------------------------------------------------------------------------------------
# one-at-a-time


@dataclass(frozen=True, repr=False, eq=False)
class OATResult(ResultMixin):
    """One-at-a-time sensitivity with proportional redistribution (ahp.md §11.1).

    Attributes
    ----------
    base_weights : Series
        The criteria weights w.
    base_scores, base_rank : Series
        S_c = Σ w_j v_cj and its ordinal rank (1 = best, ties by ascending id).
    top : tuple
        The baseline top-k alternatives, best first.
    crossings : DataFrame
        criterion, p, q, x_star, delta (= x* − w_k), relative (= Δ / w_k), direction, for every
        pair with p in the baseline top-k (ranked above q when both are) whose scores cross at
        some x* in [0, 1].
    critical : DataFrame
        Per criterion, change kind (``"top1"``: the best alternative changes; ``"top_k_set"``:
        an alternative enters or leaves the top-k; ``"top_k_order"``: the set or the order of the
        top-k changes) and direction (``"increase"``/``"decrease"`` of w_k): the nearest x*, Δ,
        relative change and the crossing pair (p, q). NaN when no crossing lies in [0, 1].
    critical_criterion : DataFrame
        Per change kind, the criterion with the smallest |Δ| (ahp.md §11.1).
    adjacent : DataFrame
        Per adjacent baseline pair (ranks r, r + 1, r <= k) and criterion: x*, Δ of their
        crossing; ``adjacent_critical`` keeps the smallest |Δ| per pair.
    weight_path : DataFrame
        criterion, x and the weight vector w(x) on the grid.
    top_path : DataFrame
        criterion, x, position (1..k), alternative and score along the grid.
    """

    base_weights: pd.Series = Snapshot()
    base_scores: pd.Series = Snapshot()
    base_rank: pd.Series = Snapshot()
    top: tuple
    crossings: pd.DataFrame = Snapshot()
    critical: pd.DataFrame = Snapshot()
    critical_criterion: pd.DataFrame = Snapshot()
    adjacent: pd.DataFrame = Snapshot()
    weight_path: pd.DataFrame = Snapshot()
    top_path: pd.DataFrame = Snapshot()
    values: pd.DataFrame = Snapshot()
    top_k: int
    grid: int
    varied: tuple
    source: str

    _conventions = ("source", "top_k", "grid", "varied")
    _title = "OATResult (one-at-a-time, proportional redistribution)"

    def weights_at(self, criterion: Hashable, x: float) -> pd.Series:
        """w(x): w_k = x, w_j = w_j (1 − x) / (1 − w_k) for j ≠ k."""
        labs = list(self._base_weights.index)
        if criterion not in labs:
            raise AHPInputError(f"unknown criterion {criterion!r}; criteria: {labs!r}.")
        if not (0.0 <= float(x) <= 1.0):
            raise AHPInputError(f"x={x!r} must lie in [0, 1].")
        w = self._base_weights.to_numpy()
        k = labs.index(criterion)
        return pd.Series(
            _path_weights(w, k, np.array([float(x)]))[0],
            index=self._base_weights.index,
            name="weight",
        )

    def at(self, criterion: Hashable, x: float) -> pd.DataFrame:
        """Scores and ordinal ranks of every alternative when w_k = x (ties keep baseline order)."""
        w = self.weights_at(criterion, x).to_numpy()
        v = self._values
        vf = np.asfortranarray(v.to_numpy())
        s = _score_rows(vf, w[None])[0]
        order = np.argsort(self._base_rank.to_numpy(), kind="stable")  # baseline order
        r = _ranks_rows(s[order][None])[0]
        rank = np.empty(len(s), dtype="int64")
        rank[order] = r
        return pd.DataFrame({"score": s, "rank": rank}, index=v.index)

    def curves(
        self, criterion: Hashable, alternatives: Sequence[Hashable] | None = None
    ) -> pd.DataFrame:
        """Scores on the grid (rows x, columns alternatives): S_c(x) = Σ_j w_j(x) v_cj."""
        labs = list(self._base_weights.index)
        if criterion not in labs:
            raise AHPInputError(f"unknown criterion {criterion!r}; criteria: {labs!r}.")
        v = self._values if alternatives is None else self._values.loc[list(alternatives)]
        x = np.linspace(0.0, 1.0, self.grid)
        w = _path_weights(self._base_weights.to_numpy(), labs.index(criterion), x)
        s = _score_rows(np.asfortranarray(v.to_numpy()), w)
        return pd.DataFrame(s, index=pd.Index(x, name="x"), columns=v.index)

    @property
    def adjacent_critical(self) -> pd.DataFrame:
        """Per adjacent baseline pair in the top-k: the criterion with the smallest |Δ|."""
        a = self._adjacent.dropna(subset=["delta"])
        if a.empty:
            return a
        idx = a.assign(abs_delta=a["delta"].abs()).groupby("rank", sort=True)["abs_delta"].idxmin()
        return a.loc[idx.to_numpy()].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Per criterion: weight and the smallest |Δ| (with x*) that changes the top / top-k."""
        c = self._critical
        out = pd.DataFrame({"weight": self._base_weights})
        for kind in c["change"].unique():
            sub = c[c["change"] == kind].dropna(subset=["delta"])
            sub = sub.assign(abs_delta=sub["delta"].abs()).sort_values("abs_delta", kind="stable")
            best = sub.drop_duplicates("criterion").set_index("criterion")
            out[f"{kind}_delta"] = best["delta"].reindex(out.index)
            out[f"{kind}_x_star"] = best["x_star"].reindex(out.index)
        out.index.name = "criterion"
        return out


def _path_weights(w: np.ndarray, k: int, x: np.ndarray) -> np.ndarray:
    """(len(x), n) weights with w_k = x and the others rescaled by (1 − x) / (1 − w_k)."""
    scale = (1.0 - x) / (1.0 - w[k])
    out = w[None, :] * scale[:, None]
    out[:, k] = x
    return out


def _first_crossings(
    xs: np.ndarray, delta: np.ndarray, slope: np.ndarray, mask: np.ndarray
) -> dict[str, tuple[int, int] | None]:
    """Positions (row, col) of the nearest crossing upwards and downwards among ``mask``."""
    out: dict[str, tuple[int, int] | None] = {}
    up = mask & ((delta > 0) | ((delta == 0) & (slope < 0)))
    down = mask & ((delta < 0) | ((delta == 0) & (slope > 0)))
    for name, sel, key in (("increase", up, delta), ("decrease", down, -delta)):
        if sel.any():
            flat = np.where(sel, key, np.inf).ravel()
            pos = int(np.argmin(flat))
            out[name] = np.unravel_index(pos, sel.shape)
        else:
            out[name] = None
    return out


def oat_sensitivity(
    criteria: Any,
    values: Any,
    *,
    vary: Sequence[Hashable] | None = None,
    top_k: int = 1,
    grid: int = 101,
    method: str = "eigen",
    ri_table: str = "saaty1980",
    lambda_estimator: str = "exact",
    labels: Sequence[Hashable] | None = None,
) -> OATResult:
    """One-at-a-time sensitivity of a ranking to each criterion weight (单因素灵敏度分析).

    For a weight w_k (a criterion, or a global leaf weight of a hierarchy) set w_k = x ∈ [0, 1]
    and rescale the others proportionally, w_j(x) = w_j (1 − x) / (1 − w_k). Scores are linear
    in x: for alternatives p and q, D(x) = S_p(x) − S_q(x) = x d_k + (1 − x) R with
    d_k = v_pk − v_qk and R = Σ_{j≠k} w_j (v_pj − v_qj) / (1 − w_k); if R ≠ d_k they cross at
    x* = R / (R − d_k), kept when 0 ≤ x* ≤ 1; Δ = x* − w_k (relative change Δ / w_k).

    The **critical change** of a criterion is the smallest |Δ| (each direction) at which the
    best alternative changes (``"top1"``), the top-k set changes (``"top_k_set"``), or the set
    or order of the top-k changes (``"top_k_order"``); the **critical criterion** is the one with
    the smallest |Δ| overall (ahp.md §11.1).

    Parameters
    ----------
    criteria : judgment matrix, AHPResult, GroupResult, HierarchyResult, stack, or direct
        weights (Series / dict label -> weight)
        The weight source; a stack is aggregated with :func:`group_weights` (AIJ).
        A hierarchy contributes its global leaf weights.
    values : DataFrame (alternatives × criteria), 2-D array or ScoreResult
        Normalised scores v (larger is better), e.g. ``score_customers(...).normalized`` or
        the local priorities of a few alternatives; columns = criteria (leaf ids).
    vary : sequence, optional
        Criteria to vary (default all). A criterion with w_k = 1 raises (nothing to
        redistribute).
    top_k : int
        Size of the top group whose set and order are watched (default 1).
    grid : int
        Points of the grid on [0, 1] for ``weight_path``, ``top_path``, ``curves`` (101).
    method, ri_table, lambda_estimator, labels
        Used when ``criteria`` is a judgment matrix or a stack (see :func:`cvlib.ahp.weights`).

    Returns
    -------
    OATResult
        ``base_weights``, ``base_scores``, ``base_rank``, ``top``, ``crossings``, ``critical``,
        ``critical_criterion``, ``adjacent``, ``weight_path``, ``top_path``; ``at(criterion, x)``,
        ``weights_at``, ``curves(criterion)``; ``summary()`` per criterion.

    Examples
    --------
    >>> import pandas as pd
    >>> crit = [4, 3, 7, "1/3", 3, 5]          # leader example: upper triangle
    >>> p = pd.DataFrame({0: [0.217166, 0.717065, 0.065769], 1: [0.188394, 0.080961, 0.730645],
    ...                   2: [0.742867, 0.193882, 0.063252], 3: [0.265433, 0.671625, 0.062941]},
    ...                  index=["Tom", "Dick", "Harry"])
    >>> res = oat_sensitivity(crit, p)
    >>> res.top, res.critical_criterion.loc["top1", ["criterion", "q"]].tolist()
    (('Dick',), [2, 'Tom'])
    >>> round(float(res.critical_criterion.loc["top1", "delta"]), 4)
    0.1438

    References
    ----------
    Saaty, T. L. & Vargas, L. G. (2012). *Models, Methods, Concepts & Applications of the
    Analytic Hierarchy Process* (2nd ed.), ch. 5 (sensitivity analysis). Springer.
    Triantaphyllou, E. & Sánchez, A. (1997). A sensitivity analysis approach for some
    deterministic multi-criteria decision-making methods. *Decision Sciences* 28(1), 151-194.
    """
    src = _resolve(
        criteria, method=method, ri_table=ri_table, lambda_estimator=lambda_estimator, labels=labels
    )
    labs = src.labels
    w = src.weights
    v = _values(values, labs)
    c, n = v.shape
    top_k = _check_top_k(top_k, c)
    grid = _check_int("grid", grid, 2)
    if vary is None:
        ks = list(range(n))
    else:
        if isinstance(vary, str) or not isinstance(vary, Sequence):
            vary = [vary]
        unknown = [x for x in vary if x not in labs]
        if unknown:
            raise AHPInputError(
                f"vary names unknown criteria {unknown!r}; criteria: {list(labs)!r}."
            )
        ks = [labs.index(x) for x in vary]
    full = [labs[k] for k in ks if w[k] >= 1.0 - 1e-15]
    if full:
        raise AHPInputError(
            f"criterion {full[0]!r} has weight 1: there is nothing to redistribute when it "
            f"changes (ahp.md §11.1); vary the other criteria (vary=[...])."
        )

    vals = v.to_numpy()
    vf = np.asfortranarray(vals)
    ids = v.index
    s0 = _score_rows(vf, w[None])[0]
    order = _baseline_order(s0, ids)  # positions in rank order
    rank0 = np.empty(c, dtype="int64")
    rank0[order] = np.arange(1, c + 1)
    top_pos = order[:top_k]
    in_top = np.zeros(c, dtype=bool)
    in_top[top_pos] = True

    cross_rows, crit_rows, adj_rows, path_rows, top_rows = [], [], [], [], []
    x_grid = np.linspace(0.0, 1.0, grid)
    vb = vf[order]  # rows in baseline order for the grid rankings
    for k in ks:
        crit = labs[k]
        # R_c = Σ_{j≠k} w_j v_cj / (1 − w_k), accumulated in column order
        rest = np.zeros(c)
        for j in range(n):
            if j != k:
                rest += w[j] * vals[:, j]
        rest /= 1.0 - w[k]
        d = vals[top_pos, k][:, None] - vals[None, :, k]  # (top_k, C)
        rr = rest[top_pos][:, None] - rest[None, :]
        denom = rr - d
        with np.errstate(invalid="ignore", divide="ignore"):
            xs = np.where(denom != 0, rr / denom, np.nan)
        ok = (xs >= 0) & (xs <= 1)
        not_self = np.ones((top_k, c), dtype=bool)
        not_self[np.arange(top_k), top_pos] = False
        # a pair inside the top-k is counted once (p ranked above q)
        above = rank0[top_pos][:, None] < rank0[None, :]
        pair = not_self & (above | ~in_top[None, :])
        valid = ok & pair
        delta = xs - w[k]
        slope = -denom  # dD/dx = d − R
        rel = delta / w[k] if w[k] > 0 else np.full_like(delta, np.nan)
        pi, qi = np.nonzero(valid)
        if len(pi):
            cross_rows.append(
                pd.DataFrame(
                    {
                        "criterion": pd.Series([crit] * len(pi), dtype=object),
                        "p": pd.Series(ids[top_pos[pi]], dtype=object),
                        "q": pd.Series(ids[qi], dtype=object),
                        "x_star": xs[pi, qi],
                        "delta": delta[pi, qi],
                        "relative": rel[pi, qi],
                        "direction": np.where(
                            (delta[pi, qi] > 0) | ((delta[pi, qi] == 0) & (slope[pi, qi] < 0)),
                            "increase",
                            "decrease",
                        ),
                    }
                )
            )
        masks = {"top1": valid & (np.arange(top_k) == 0)[:, None]}
        if top_k > 1:
            masks["top_k_set"] = valid & ~in_top[None, :]
            masks["top_k_order"] = valid
        for kind, mask in masks.items():
            for direction, pos in _first_crossings(xs, delta, slope, mask).items():
                row = {
                    "criterion": crit,
                    "change": kind,
                    "direction": direction,
                    "weight": float(w[k]),
                }
                if pos is None:
                    row.update(x_star=np.nan, delta=np.nan, relative=np.nan, p=None, q=None)
                else:
                    i, j = pos
                    row.update(
                        x_star=float(xs[i, j]),
                        delta=float(delta[i, j]),
                        relative=float(rel[i, j]),
                        p=_py(ids[top_pos[i]]),
                        q=_py(ids[j]),
                    )
                crit_rows.append(row)
        # adjacent baseline pairs (r, r + 1), r = 1..min(k, C − 1)
        for r in range(min(top_k, c - 1)):
            p_pos, q_pos = order[r], order[r + 1]
            dd = vals[p_pos, k] - vals[q_pos, k]
            rr1 = rest[p_pos] - rest[q_pos]
            x1 = rr1 / (rr1 - dd) if rr1 != dd else np.nan
            keep = np.isfinite(x1) and 0 <= x1 <= 1
            adj_rows.append(
                {
                    "rank": r + 1,
                    "p": _py(ids[p_pos]),
                    "q": _py(ids[q_pos]),
                    "criterion": crit,
                    "x_star": x1 if keep else np.nan,
                    "delta": x1 - w[k] if keep else np.nan,
                }
            )
        # grid: weights and the top-k along the path
        wp = _path_weights(w, k, x_grid)
        path_rows.append(
            pd.concat(
                [
                    pd.DataFrame(
                        {"criterion": pd.Series([crit] * grid, dtype=object), "x": x_grid}
                    ),
                    pd.DataFrame(wp, columns=pd.Index(labs)),
                ],
                axis=1,
            )
        )
        sg = _score_rows(vb, wp)  # (grid, C), columns in baseline order
        tops = _top_rows(sg, top_k)
        top_rows.append(
            pd.DataFrame(
                {
                    "criterion": pd.Series([crit] * (grid * top_k), dtype=object),
                    "x": np.repeat(x_grid, top_k),
                    "position": np.tile(np.arange(1, top_k + 1), grid),
                    "alternative": pd.Series(ids[order[tops.ravel()]], dtype=object),
                    "score": np.take_along_axis(sg, tops, axis=1).ravel(),
                }
            )
        )

    cross_cols = ["criterion", "p", "q", "x_star", "delta", "relative", "direction"]
    crossings = (
        pd.concat(cross_rows, ignore_index=True) if cross_rows else pd.DataFrame(columns=cross_cols)
    )
    crit_cols = ["criterion", "change", "direction", "weight", "x_star", "delta", "relative"]
    critical = pd.DataFrame(crit_rows, columns=[*crit_cols, "p", "q"])
    for col in ("criterion", "p", "q"):  # labels keep their Python type (never numpy scalars)
        critical[col] = pd.Series([r[col] for r in crit_rows], dtype=object)
    best = []
    for kind in critical["change"].unique():
        rows = [r for r in crit_rows if r["change"] == kind and np.isfinite(r["delta"])]
        if not rows:
            best.append(
                {
                    "change": kind,
                    "criterion": None,
                    "direction": None,
                    "x_star": np.nan,
                    "delta": np.nan,
                    "relative": np.nan,
                    "p": None,
                    "q": None,
                }
            )
            continue
        r = min(rows, key=lambda r: abs(r["delta"]))  # first (criterion order) on a tie
        best.append(
            {
                k: r[k]
                for k in (
                    "change",
                    *crit_cols[:1],
                    *crit_cols[2:3],
                    "x_star",
                    "delta",
                    "relative",
                    "p",
                    "q",
                )
            }
        )
    critical_criterion = pd.DataFrame(best).set_index("change")
    for col in ("criterion", "direction", "p", "q"):
        critical_criterion[col] = pd.Series(
            [b[col] for b in best], index=critical_criterion.index, dtype=object
        )
    return OATResult(
        base_weights=pd.Series(w, index=pd.Index(labs), name="weight"),
        base_scores=pd.Series(s0, index=ids, name="score"),
        base_rank=pd.Series(rank0, index=ids, name="rank"),
        top=tuple(_py(x) for x in ids[top_pos]),
        crossings=crossings,
        critical=critical,
        critical_criterion=critical_criterion,
        adjacent=pd.DataFrame(adj_rows, columns=["rank", "p", "q", "criterion", "x_star", "delta"]),
        weight_path=pd.concat(path_rows, ignore_index=True),
        top_path=pd.concat(top_rows, ignore_index=True),
        values=v,
        top_k=top_k,
        grid=grid,
        varied=tuple(labs[k] for k in ks),
        source=src.kind,
    )


def _top_rows(s: np.ndarray, k: int) -> np.ndarray:
    """Column positions of the k best per row, best first; ties keep the column order."""
    d, c = s.shape
    out = np.empty((d, k), dtype="int64")
    for i in range(d):
        row = s[i]
        if k < c:
            cand = np.argpartition(-row, k - 1)[:k]
            t = row[cand].min()
            sel = np.flatnonzero(row >= t)  # every tie at the threshold, in column order
        else:
            sel = np.arange(c)
        sel = sel[np.argsort(-row[sel], kind="stable")][:k]
        out[i] = sel
    return out


# --------------------------------------------------------------------------------------------
# Monte Carlo over judgments


@dataclass(frozen=True, repr=False, eq=False)
class MonteCarloResult(ResultMixin):
    """Rank stability under perturbed judgments (ahp.md §11.2).

    Attributes
    ----------
    weights_summary : DataFrame
        Per criterion (leaf): base weight, mean, sd and the requested quantiles over the draws.
    weight_draws : DataFrame
        The criteria weights of every used draw (draws × criteria).
    alternatives : DataFrame
        Per alternative (input order): base_score, base_rank, mean_rank, sd_rank, rank
        quantiles, p_base_rank (P(rank = baseline rank)), p_top_k (P(in top-k)).
    spearman : ndarray
        Spearman ρ between each draw's ranking and the baseline ranking.
    report : dict
        n_drawn, n_used, n_rejected (redraws by the CR filter), n_failed (draws still rejected
        after ``max_tries``, left out), per-node acceptance counts, notes.
    """

    weights_summary: pd.DataFrame = Snapshot()
    weight_draws: pd.DataFrame = Snapshot()
    alternatives: pd.DataFrame = Snapshot()
    spearman: np.ndarray = Snapshot()
    spearman_mean: float
    spearman_q05: float
    top: tuple
    top_k: int
    sigma: Any
    snap: str
    draws: int
    n_used: int
    seed: Any
    max_cr: float | None
    max_tries: int
    source: str
    perturbed: tuple
    rank_draws: np.ndarray | None = Snapshot(default=None)
    report: dict = Snapshot(default_factory=dict)

    _conventions = ("source", "sigma", "snap", "draws", "n_used", "seed", "top_k", "max_cr")
    _title = "MonteCarloResult (perturbed judgments)"

    def _convention_text(self) -> str:
        return (
            f"{super()._convention_text()}, Spearman mean={self.spearman_mean:.4f}, "
            f"5% quantile={self.spearman_q05:.4f}"
        )

    def summary(self) -> pd.DataFrame:
        """Per criterion: base weight, mean, SD and quantiles over the draws."""
        return self.weights_summary

    def top_probabilities(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` alternatives most likely to be in the top-k (P(in top-k) descending)."""
        a = self._alternatives
        return a.sort_values(["p_top_k", "base_rank"], ascending=[False, True], kind="stable").head(
            n
        )


def _fill(up: np.ndarray, n: int) -> np.ndarray:
    iu = np.triu_indices(n, 1)
    a = np.ones((up.shape[0], n, n))
    a[:, iu[0], iu[1]] = up
    a[:, iu[1], iu[0]] = 1.0 / up
    return a


def _node_weights(
    node: _Node, up: np.ndarray, want_cr: bool, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray | None]:
    n = len(node.kids)
    a = _fill(up, n)
    w, lam, info = priorities(a, node.method, single=False, tol=tol, max_iter=max_iter)
    if not want_cr:
        return w, None
    if n <= 2:
        return w, np.zeros(len(w))
    if node.lambda_estimator != "exact":
        lam = lambda_estimate(a, w, node.lambda_estimator)
    elif lam is None:
        _, lam, _ = perron(a, single=False, tol=tol, max_iter=max_iter)
    ci = consistency_index(lam, n, node.lambda_estimator, node.node)
    return w, consistency_ratio(ci, node.ri, n)


def _perturb(
    node: _Node,
    draws: int,
    rng: np.random.Generator,
    sigma: Any,
    snap: str,
    max_cr: float | None,
    max_tries: int,
    tol: float,
    max_iter: int,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(weights (draws, n), accepted (draws,), rejections) of one node's perturbed matrices."""
    m = len(node.upper)
    sig = node.sigma_pairs if isinstance(sigma, str) else np.full(m, float(sigma))

    def draw(k: int) -> np.ndarray:
        z = rng.standard_normal((k, m))
        up = node.upper[None, :] * np.exp(sig[None, :] * z)
        return nearest_s17(up) if snap == "saaty" else up

    want = max_cr is not None
    w, cr = _node_weights(node, draw(draws), want, tol, max_iter)
    if not want:
        return w, np.ones(draws, dtype=bool), 0
    bad = ~(cr < max_cr)
    rejected = int(bad.sum())
    tries = 1
    while bad.any() and tries < max_tries:
        idx = np.flatnonzero(bad)
        w2, cr2 = _node_weights(node, draw(len(idx)), True, tol, max_iter)
        w[idx] = w2
        bad[idx] = ~(cr2 < max_cr)
        rejected += int(bad[idx].sum())
        tries += 1
    return w, ~bad, rejected


def _propagate(src: _Source, local: dict[Hashable, np.ndarray], d: int) -> np.ndarray:
    """Leaf (criteria) weights (d, n) from the nodes' local weights, in ``src.labels`` order."""
    if src.kind != "hierarchy":
        return local[src.nodes[0].node]
    g: dict[Hashable, np.ndarray] = {src.root: np.ones(d)}
    for node in src.nodes:  # preorder: a parent before its children
        lw = local[node.node]
        for i, kid in enumerate(node.kids):
            g[kid] = g[node.node] * lw[:, i]
    return np.stack([g[x] for x in src.labels], axis=1)


def _quantile_sorted(sorted_rows: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Linear-interpolation quantiles (numpy's default) of rows already sorted along axis 1."""
    d = sorted_rows.shape[1]
    out = np.empty((len(qs), sorted_rows.shape[0]))
    for i, q in enumerate(qs):
        pos = q * (d - 1)
        lo = int(math.floor(pos))
        hi = min(lo + 1, d - 1)
        frac = pos - lo
        out[i] = sorted_rows[:, lo] + (sorted_rows[:, hi] - sorted_rows[:, lo]) * frac
    return out


def monte_carlo_sensitivity(
    criteria: Any,
    values: Any,
    *,
    sigma: float | str = 0.25,
    snap: str = "none",
    draws: int = 1000,
    seed: int | np.random.Generator | None = None,
    top_k: int = 1,
    max_cr: float | None = None,
    max_tries: int = 10,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
    keep_ranks: bool = False,
    method: str = "eigen",
    ri_table: str = "saaty1980",
    lambda_estimator: str = "exact",
    labels: Sequence[Hashable] | None = None,
    tol: float = 1e-13,
    max_iter: int = 1000,
    progress: bool = False,
) -> MonteCarloResult:
    """Monte Carlo rank stability: perturb every judgment, recompute weights and rankings.

    Every judgment matrix of the source (one criteria matrix, the AIJ group matrix, or every
    matrix node of a hierarchy) is perturbed in log space, ln a'_ij = ln a_ij + σ z_ij with
    z_ij ~ N(0, 1) i.i.d. for i < j and a'_ji = 1/a'_ij (ahp.md §11.2); the node's own priority
    method gives the local weights, the hierarchy propagates them to the leaves, and each draw
    ranks the alternatives by S_c = Σ_j w_j v_cj. Direct and measured weights stay fixed.

    ``sigma=0.25`` is an arbitrary default (documented, not a recommendation);
    ``sigma="group"`` uses per pair 0.5 × the respondents' SD of ln a_ij (the AHP-OS rule; needs
    a GroupResult or a stack). ``snap="saaty"`` rounds each perturbed judgment to the nearest S17
    value in log distance (clipped to [1/9, 9]). ``max_cr`` (AHP-OS uses 0.25) redraws a node's
    matrix while its CR ≥ max_cr, up to ``max_tries`` attempts; draws still rejected are left
    out and counted (``report["n_failed"]``, with a warning).

    Invariants: σ = 0 gives every probability 1 (P(in top-k) = 1 for the baseline top-k,
    P(rank = baseline) = 1) and ρ = 1; Σ over alternatives of P(in top-k) = k; the same seed
    gives identical output.

    Parameters
    ----------
    criteria : judgment matrix, AHPResult, GroupResult (AIJ), HierarchyResult or stack
        The weight source (direct weights have no judgments to perturb and raise).
    values : DataFrame (alternatives × criteria), 2-D array or ScoreResult
        Normalised scores v (larger is better); columns = criteria (leaf ids for a hierarchy).
    sigma : float >= 0 or "group"
    snap : {"none", "saaty"}
    draws : int
        Number of draws (default 1000).
    seed : int or numpy Generator
        Required (reproducibility); recorded on the result.
    top_k : int
        The k of P(in top-k) (default 1).
    max_cr : float, optional
        Acceptance filter on each perturbed matrix: CR < max_cr.
    max_tries : int
        Attempts per draw under ``max_cr`` (default 10).
    quantiles : sequence of float
        Quantiles reported for weights and ranks.
    keep_ranks : bool
        Keep every draw's ranks (``rank_draws``, int32 draws × alternatives).
    method, ri_table, lambda_estimator, labels
        Used when ``criteria`` is a judgment matrix or a stack.
    tol, max_iter
        Power iteration (batched eigenvector) settings.
    progress : bool
        tqdm progress bar over blocks of draws (default False).

    Returns
    -------
    MonteCarloResult
        ``weights_summary``, ``weight_draws``, ``alternatives`` (rank distribution,
        ``p_base_rank``, ``p_top_k``), ``spearman`` per draw with ``spearman_mean`` and
        ``spearman_q05``, conventions and ``report``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> crit = [4, 3, 7, "1/3", 3, 5]
    >>> p = pd.DataFrame(np.array([[0.217166, 0.188394, 0.742867, 0.265433],
    ...                            [0.717065, 0.080961, 0.193882, 0.671625],
    ...                            [0.065769, 0.730645, 0.063252, 0.062941]]),
    ...                  index=["Tom", "Dick", "Harry"])
    >>> mc = monte_carlo_sensitivity(crit, p, sigma=0.0, draws=50, seed=1)
    >>> mc.alternatives["p_top_k"].tolist(), mc.spearman_mean
    ([0.0, 1.0, 0.0], 1.0)

    References
    ----------
    Goepel, K. D. (2018). AHP-OS. *Int. J. of the Analytic Hierarchy Process* 10(3), 469-487.
    Hauser, D. & Tadikamalla, P. (1996). The Analytic Hierarchy Process in an uncertain
    environment: a simulation approach. *EJOR* 91(1), 27-37.
    """
    if snap not in SNAP_MODES:
        raise CvlibInputError(f"snap={snap!r} is not a valid option; use one of 'none', 'saaty'.")
    draws = _check_int("draws", draws, 1)
    max_tries = _check_int("max_tries", max_tries, 1)
    rng = _check_seed(seed, draws, what="the Monte Carlo")
    if isinstance(sigma, str):
        if sigma != "group":
            raise AHPInputError(f"sigma={sigma!r}: use a number >= 0 or 'group'.")
    elif (
        isinstance(sigma, bool)
        or not isinstance(sigma, int | float | np.floating)
        or not (sigma >= 0)
        or not math.isfinite(sigma)
    ):
        raise AHPInputError(f"sigma={sigma!r} must be a finite number >= 0 (log scale) or 'group'.")
    if max_cr is not None and (
        isinstance(max_cr, bool) or not isinstance(max_cr, int | float) or not (max_cr > 0)
    ):
        raise AHPInputError(f"max_cr={max_cr!r} must be None or a positive number (e.g. 0.25).")
    qs = [float(q) for q in quantiles]
    if any(not (0 <= q <= 1) for q in qs):
        raise AHPInputError(f"quantiles={quantiles!r} must lie in [0, 1].")

    src = _resolve(
        criteria, method=method, ri_table=ri_table, lambda_estimator=lambda_estimator, labels=labels
    )
    movable = [nd for nd in src.nodes if nd.upper is not None]
    if not movable:
        raise AHPInputError(
            "the weight source has no judgment matrix to perturb (direct or measured weights, or "
            "an AIP group result); pass the judgment matrix, an AIJ GroupResult or a hierarchy."
        )
    if sigma == "group":
        if src.kind != "group":
            raise AHPInputError(
                "sigma='group' needs respondent data: pass a GroupResult (aggregate='aij') or a "
                "respondent stack."
            )
        sp = movable[0].sigma_pairs
        if sp is None or np.isnan(sp).any():
            raise AHPInputError(
                "sigma='group' needs at least 2 respondents' judgments for every pair (the "
                "respondents' log-SD is undefined otherwise); give sigma as a number."
            )
    labs = src.labels
    v = _values(values, labs)
    c, n = v.shape
    top_k = _check_top_k(top_k, c)

    # weights: baseline and every draw through the same batched path
    local_base: dict[Hashable, np.ndarray] = {}
    local: dict[Hashable, np.ndarray] = {}
    accepted = np.ones(draws, dtype=bool)
    node_report = []
    for node in src.nodes:
        if node.upper is None:
            local_base[node.node] = node.fixed[None, :]
            local[node.node] = np.repeat(node.fixed[None, :], draws, axis=0)
            continue
        local_base[node.node], _ = _node_weights(node, node.upper[None, :], False, tol, max_iter)
        w_nd, acc, rej = _perturb(node, draws, rng, sigma, snap, max_cr, max_tries, tol, max_iter)
        local[node.node] = w_nd
        accepted &= acc
        node_report.append(
            {"node": node.node, "n": len(node.kids), "accepted": int(acc.sum()), "rejections": rej}
        )
    w_base = _propagate(src, local_base, 1)[0]
    w_draws = _propagate(src, local, draws)[accepted]
    n_failed = int((~accepted).sum())
    n_rejected = int(sum(r["rejections"] for r in node_report))
    notes = []
    if n_failed:
        msg = (
            f"{n_failed} of {draws} draws still had CR >= max_cr={max_cr:g} after max_tries="
            f"{max_tries} attempts and were left out (n_used = {draws - n_failed})."
        )
        warnings.warn(msg, AHPWarning, stacklevel=2)
        notes.append(msg)
    d_used = len(w_draws)
    if d_used == 0:
        raise AHPInputError(
            f"no draw passed max_cr={max_cr:g} within max_tries={max_tries}; raise max_cr or "
            f"max_tries, or lower sigma."
        )

    # rankings, in blocks of draws
    vals = v.to_numpy()
    ids = v.index
    s0 = _score_rows(np.asfortranarray(vals), w_base[None])[0]
    order = _baseline_order(s0, ids)
    vb = np.asfortranarray(vals[order])  # alternatives in baseline order: position i = rank i + 1
    base_pos = np.arange(1, c + 1, dtype=np.int64)
    top_count = np.zeros(c, dtype=np.int64)
    same_count = np.zeros(c, dtype=np.int64)
    rank_sum = np.zeros(c)
    rank_sq = np.zeros(c)
    rho = np.empty(d_used)
    keep = keep_ranks or c * d_used <= _RANK_CELLS
    all_ranks = np.empty((d_used, c), dtype=np.int32) if keep else None
    block = max(1, _CHUNK_CELLS // c)
    starts = range(0, d_used, block)
    if progress:
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc="Monte Carlo rankings", unit="block")
    denom = c * (c * c - 1.0)
    for s in starts:
        e = min(d_used, s + block)
        r = _ranks_rows(_score_rows(vb, w_draws[s:e]))
        top_count += (r <= top_k).sum(axis=0)
        same_count += (r == base_pos[None, :]).sum(axis=0)
        rf = r.astype("float64")
        rank_sum += rf.sum(axis=0)
        rank_sq += (rf * rf).sum(axis=0)
        if c > 1:
            dsq = ((r - base_pos[None, :]) ** 2).sum(axis=1, dtype=np.int64)
            rho[s:e] = 1.0 - 6.0 * dsq / denom
        else:
            rho[s:e] = np.nan
        if keep:
            all_ranks[s:e] = r

    # back to input order
    inv = np.empty(c, dtype=np.int64)
    inv[order] = np.arange(c)
    mean_rank = rank_sum / d_used
    var = np.maximum(rank_sq / d_used - mean_rank**2, 0.0) * (
        d_used / (d_used - 1) if d_used > 1 else np.nan
    )
    table = {
        "base_score": s0,
        "base_rank": (inv + 1).astype("int64"),
        "mean_rank": mean_rank[inv],
        "sd_rank": np.sqrt(var)[inv],
    }
    if keep:
        srt = np.sort(all_ranks.T, axis=1)  # (C, D) per alternative, ascending
        rq = _quantile_sorted(srt, qs)
        for q, col in zip(qs, rq, strict=True):
            table[f"rank_q{100 * q:g}"] = col[inv]
    else:
        notes.append(
            f"rank quantiles skipped: {c} alternatives x {d_used} draws exceeds {_RANK_CELLS} "
            f"cells (pass keep_ranks=True to keep them)."
        )
    table["p_base_rank"] = (same_count / d_used)[inv]
    table["p_top_k"] = (top_count / d_used)[inv]
    alternatives = pd.DataFrame(table, index=ids)

    wq = np.quantile(w_draws, qs, axis=0)
    weights_summary = pd.DataFrame(
        {
            "base": w_base,
            "mean": w_draws.mean(axis=0),
            "sd": w_draws.std(axis=0, ddof=1) if d_used > 1 else np.full(n, np.nan),
            **{f"q{100 * q:g}": wq[i] for i, q in enumerate(qs)},
        },
        index=pd.Index(labs, name="criterion"),
    )
    rank_draws = None
    if keep_ranks:
        rank_draws = all_ranks[:, inv]
    return MonteCarloResult(
        weights_summary=weights_summary,
        weight_draws=pd.DataFrame(w_draws, columns=pd.Index(labs)),
        alternatives=alternatives,
        spearman=rho,
        spearman_mean=float(np.mean(rho)),
        spearman_q05=float(np.quantile(rho, 0.05)),
        top=tuple(_py(x) for x in ids[order[:top_k]]),
        top_k=top_k,
        sigma=sigma if isinstance(sigma, str) else float(sigma),
        snap=snap,
        draws=draws,
        n_used=d_used,
        seed=_seed_record(seed),
        max_cr=None if max_cr is None else float(max_cr),
        max_tries=max_tries,
        source=src.kind,
        perturbed=tuple(nd.node for nd in movable),
        rank_draws=rank_draws,
        report={
            "n_drawn": draws,
            "n_used": d_used,
            "n_rejected": n_rejected,
            "n_failed": n_failed,
            "top_k_sum": int(top_count.sum()),
            "nodes": pd.DataFrame(node_report),
            "notes": notes,
        },
    )

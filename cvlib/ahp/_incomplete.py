"""Incomplete judgment matrices (不完全判断矩阵), ahp.md §8: LLSM, Harker and λ-min completion.

A missing pair is NaN in both a_ij and a_ji (None, NaN or ``""`` in the input forms of
:func:`cvlib.ahp.judgment_matrix`; 0 is never a missing code and raises). The undirected graph of
the known pairs must be connected, else :class:`DisconnectedComparisonsError` names the groups of
elements by label. Every path is batched over respondent stacks ``(r, n, n)`` with per-respondent
missing patterns (masked formulations: one batched linear solve for LLSM, one batched power
iteration for Harker); only the optional λ-min completion optimises matrix by matrix.

The completed matrix is then handled exactly like a complete one: the priority ``method``, λmax,
CI, CR (complete-matrix RI, ``ri_basis="complete_matrix"``) and GCI come from the building
blocks of :mod:`cvlib.ahp._priority` and :mod:`cvlib.ahp._consistency`.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import Snapshot
from cvlib._validation import check_choice

from ._consistency import (
    BEYOND,
    RI_TABLES,
    acceptable,
    check_threshold,
    consistency_index,
    consistency_ratio,
    random_index,
    verdicts,
)
from ._errors import (
    ORIENTATION,
    AHPInputError,
    ConvergenceWarning,
    DisconnectedComparisonsError,
)
from ._matrix import (
    MAX_LISTED,
    STATUS_DISCONNECTED,
    STATUS_OK,
    check_uniform_stack,  # noqa: F401 (re-exported; defined in _matrix)
    coerce,
    validate,
    where_text,
)
from ._priority import (
    canonical_method,
    check_estimator,
    gci_values,
    geometric_weights,
    lambda_estimate,
    perron,
    priorities,
)
from ._weights import AHPResult, warn_inconsistent

__all__ = [
    "DEFAULT_INCOMPLETE",
    "INCOMPLETE_METHODS",
    "DisconnectedComparisonsError",
    "IncompleteResult",
    "comparison_components",
    "incomplete_weights",
]

#: Completion methods for incomplete matrices (ahp.md §8).
INCOMPLETE_METHODS = ("llsm", "harker", "lambda_min")
#: The completion used when ``incomplete=None``: Harker for the eigenvector method, LLSM for the
#: geometric mean (ahp.md §8); other priority methods need an explicit choice.
DEFAULT_INCOMPLETE = {"eigen": "harker", "geometric": "llsm"}
RI_BASIS = "complete_matrix"
_LOG9 = float(np.log(9.0))


# --------------------------------------------------------------------------------------------
# input


def comparison_components(known: np.ndarray) -> np.ndarray:
    """Connected components of the comparison graphs of a stack (batched).

    ``known`` is a boolean ``(r, n, n)`` array (True where a_ij is given; the diagonal counts as
    known). Returns ``(r, n)`` ints: the smallest element index reachable from each element, so a
    member is connected iff every entry is 0. Reachability by repeated boolean squaring of
    (I + K), ceil(log2(n - 1)) matrix products per stack.
    """
    known = np.asarray(known, dtype=bool)
    r, n, _ = known.shape
    reach = (known | known.transpose(0, 2, 1) | np.eye(n, dtype=bool)).astype("float32")
    steps = 1
    while steps < n - 1:
        reach = (np.matmul(reach, reach) > 0).astype("float32")
        steps *= 2
    return np.argmax(reach > 0, axis=-1)


def _groups_text(labels: Sequence[Hashable], comp: np.ndarray) -> tuple[str, list[list]]:
    groups: dict[int, list] = {}
    for e, c in enumerate(comp):
        groups.setdefault(int(c), []).append(labels[e])
    listed = [groups[c] for c in sorted(groups)]
    text = " and ".join("{" + ", ".join(str(x) for x in g) + "}" for g in listed)
    return text, listed


def check_connected(
    a: np.ndarray,
    labels: tuple,
    status: np.ndarray,
    *,
    index: pd.Index | None,
    node: Hashable | None,
    on_invalid: str,
    report: dict,
) -> np.ndarray:
    """Mark (or raise for) members whose known pairs do not connect all elements.

    Records ``report["disconnected"]``: one row per disconnected member (respondent, number of
    groups, the groups by label, the isolated elements). Returns the updated status array.
    """
    r, n, _ = a.shape
    ok = status == STATUS_OK
    miss = np.isnan(a).any(axis=(1, 2)) & ok  # complete members are connected
    bad = np.zeros(r, dtype=bool)
    comp = np.zeros((r, n), dtype=np.int64)
    if miss.any():
        comp[miss] = comparison_components(~np.isnan(a[miss]))
        bad = (comp != 0).any(axis=1)
    rows = []
    for k in np.nonzero(bad)[0]:  # only the bad members, for the messages / the report
        text, groups = _groups_text(labels, comp[k])
        isolated = [g[0] for g in groups if len(g) == 1]
        rows.append(
            {
                "respondent": None if index is None else index[k],
                "n_groups": len(groups),
                "groups": groups,
                "isolated": isolated,
                "text": text,
            }
        )
    report["disconnected"] = pd.DataFrame(
        rows, columns=["respondent", "n_groups", "groups", "isolated", "text"]
    )
    if not bad.any():
        return status
    if on_invalid == "raise":
        first = rows[0]
        who = "" if index is None else f"respondent {first['respondent']!r}: "
        iso = ""
        if first["isolated"]:
            iso = (
                f" Element(s) {', '.join(map(str, first['isolated']))} have no judgment at all "
                f"(every pair with them is missing)."
            )
        more = ""
        if len(rows) > 1:
            others = ", ".join(repr(x["respondent"]) for x in rows[1:MAX_LISTED])
            extra = f" and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
            more = (
                f" {len(rows) - 1} other respondent(s) are disconnected too ({others}{extra}); "
                f"on_invalid='mask' gives them NaN outputs and status 'disconnected'."
            )
        g = first["groups"]
        raise DisconnectedComparisonsError(
            f"{who}{where_text(node)} is disconnected: its known pairs split the elements into "
            f"{len(g)} groups {first['text']} with no judgment linking them, so their relative "
            f"weights are undetermined.{iso} Add at least one judgment between the groups, e.g. "
            f"({g[0][0]}, {g[1][0]}); a connected comparison graph needs at least n - 1 = {n - 1} "
            f"known pairs (ahp.md §8); {ORIENTATION}.{more}"
        )
    status = status.copy()
    status[bad] = STATUS_DISCONNECTED
    return status


def prepare(
    matrix: Any,
    labels: Sequence[Hashable] | None,
    *,
    scale: str,
    symmetrize: str | None,
    recip_tol: float,
    on_invalid: str,
    node: Hashable | None,
    allow_missing: bool = True,
) -> tuple[tuple, np.ndarray, pd.Index | None, bool, np.ndarray, dict]:
    """Coerce and validate any input form, then check the comparison graphs.

    Returns ``(labels, a (r, n, n) private copy with NaN = missing, respondent index (None for one
    matrix), single, status, report)``. Invalid members (``on_invalid="mask"``) keep their status
    code; the caller replaces them by a placeholder.
    """
    labs, values, index, notes = coerce(matrix, labels, node=node, recip_tol=recip_tol)
    single = values.ndim == 2
    a = values[None] if single else values
    a, status, report = validate(
        a,
        labs,
        scale=scale,
        symmetrize=symmetrize,
        recip_tol=recip_tol,
        allow_missing=allow_missing,
        node=node,
        index=None if single else index,
        on_invalid=on_invalid,
    )
    report["warnings"] = notes + report["warnings"]
    status = check_connected(
        a,
        labs,
        np.asarray(status, dtype=object),
        index=None if single else index,
        node=node,
        on_invalid=on_invalid,
        report=report,
    )
    return labs, a, None if single else index, single, status, report


def placeholder(a: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Invalid members replaced by the all-ones matrix (their outputs are set to NaN later)."""
    ok = status == STATUS_OK
    if ok.all():
        return a
    return np.where(ok[:, None, None], a, 1.0)


def resolve_incomplete(incomplete: str | None, method: str, any_missing: bool) -> str | None:
    """The completion method: explicit, or the §8 default for ``method`` (None if nothing is
    missing and no default exists)."""
    if incomplete is not None:
        return check_choice("incomplete", incomplete, INCOMPLETE_METHODS)
    if method in DEFAULT_INCOMPLETE:
        return DEFAULT_INCOMPLETE[method]
    if any_missing:
        raise AHPInputError(
            f"method={method!r} has no default completion for incomplete matrices; pass "
            f"incomplete='llsm' (logarithmic least squares), 'harker' or 'lambda_min' "
            f"(ahp.md §8)."
        )
    return None


# --------------------------------------------------------------------------------------------
# completion methods (batched)


def llsm_weights(a: np.ndarray) -> np.ndarray:
    """LLSM on the comparison graph: solve (L + 11ᵀ) x = r, w = exp(x) / Σ exp(x).

    L = degree - adjacency of the known pairs, r_i = Σ_{j known} ln a_ij. One batched
    ``numpy.linalg.solve`` for the whole stack (any missing pattern per member). For a complete
    matrix L + 11ᵀ = nI and w is the row geometric mean.
    """
    r, n, _ = a.shape
    known = ~np.isnan(a)
    off = known & ~np.eye(n, dtype=bool)
    logs = np.log(np.where(off, a, 1.0))
    rhs = logs.sum(axis=-1)
    m = 1.0 - off.astype("float64")  # 11ᵀ - adjacency
    deg = off.sum(axis=-1)
    idx = np.arange(n)
    m[:, idx, idx] = deg + 1.0
    x = np.linalg.solve(m, rhs[..., None])[..., 0]
    g = np.exp(x - x.max(axis=-1, keepdims=True))
    return g / g.sum(axis=-1, keepdims=True)


def harker_matrix(a: np.ndarray) -> np.ndarray:
    """Harker's B: missing entries 0, b_ii = 1 + m_i (m_i = missing entries in row i)."""
    n = a.shape[-1]
    miss = np.isnan(a)
    b = np.where(miss, 0.0, a)
    idx = np.arange(n)
    b[:, idx, idx] = 1.0 + miss.sum(axis=-1)
    return b


def fill(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Complete the missing entries with the consistent values a_ij := w_i / w_j."""
    miss = np.isnan(a)
    if not miss.any():
        return a.copy()
    return np.where(miss, w[:, :, None] / w[:, None, :], a)


def _lambda_and_gradient(
    c: np.ndarray, iu: tuple[np.ndarray, np.ndarray]
) -> tuple[float, np.ndarray]:
    """λmax of c and dλ/dt for the entries a_ij = exp(t), a_ji = exp(-t) listed in ``iu``.

    dλ/da_ij = v_i u_j / (vᵀu) (u right, v left Perron vector).
    """
    vals, vecs = np.linalg.eig(c)
    k = int(np.argmax(vals.real))
    u = np.abs(vecs[:, k].real)
    vals_t, vecs_t = np.linalg.eig(c.T)
    v = np.abs(vecs_t[:, int(np.argmax(vals_t.real))].real)
    i, j = iu
    grad = (v[i] * u[j] * c[i, j] - v[j] * u[i] * c[j, i]) / float(v @ u)
    return float(vals.real[k]), grad


def _lambda_min_one(
    out: np.ndarray,
    k: int,
    miss: np.ndarray,
    bounded: bool,
    gtol: float,
    maxiter: int,
    minimize: Any,
) -> tuple[bool, int]:
    """λ-min completion of member k of ``out`` in place (``minimize``: scipy's); returns
    (not converged, number of evaluations)."""
    pairs = np.nonzero(miss)
    c = out[k].copy()
    t0 = np.log(c[pairs])
    if bounded:
        t0 = np.clip(t0, -_LOG9, _LOG9)

    def fun(t: np.ndarray, c: np.ndarray = c, pairs: tuple = pairs) -> tuple[float, np.ndarray]:
        c[pairs] = np.exp(t)
        c[pairs[1], pairs[0]] = np.exp(-t)
        return _lambda_and_gradient(c, pairs)

    res = minimize(
        fun,
        t0,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG9, _LOG9)] * len(t0) if bounded else None,
        options={"ftol": 0.0, "gtol": gtol, "maxiter": maxiter},
    )
    t = res.x
    c[pairs] = np.exp(t)
    c[pairs[1], pairs[0]] = np.exp(-t)
    out[k] = c
    # converged iff the projected gradient vanishes; L-BFGS-B stops once λ (exact to about
    # 1e-15) cannot decrease any further, which leaves gradients of about 1e-8 on the flat
    # optimum (t within about 1e-7), so the check uses 1e-6
    _, g = _lambda_and_gradient(c, pairs)
    at_low = bounded & (t <= -_LOG9 + 1e-12) & (g > 0)
    at_high = bounded & (t >= _LOG9 - 1e-12) & (g < 0)
    bad = bool(np.abs(np.where(at_low | at_high, 0.0, g)).max() > 1e-6)
    return bad, int(res.nfev)


class _one_blas_thread:
    """Limit BLAS to one thread (threadpoolctl, when installed) around many tiny LAPACK and
    L-BFGS-B calls: threads only add overhead there, and on a busy machine a lot of it."""

    def __enter__(self) -> None:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - a scikit-learn dependency, normally present
            self._ctx = None
            return
        self._ctx = threadpool_limits(limits=1, user_api="blas")

    def __exit__(self, *exc: object) -> None:
        if self._ctx is not None:
            self._ctx.restore_original_limits()


def lambda_min_complete(
    a: np.ndarray,
    start: np.ndarray,
    *,
    bounded: bool,
    index: pd.Index | None = None,
    progress: bool = False,
    gtol: float = 1e-12,
    maxiter: int = 2000,
) -> tuple[np.ndarray, dict]:
    """λ-min completion (Bozóki, Fülöp & Rónyai 2010), matrix by matrix.

    Missing entries x_k = exp(t_k) minimise λmax of the completed matrix (convex in t): L-BFGS-B
    with the analytic gradient, started from ``start`` (the LLSM completion), bounds
    ln(1/9) <= t <= ln 9 when ``bounded``. BLAS runs single-threaded meanwhile (threads only
    slow such tiny problems down). Returns the completed stack and
    ``{"n_not_converged": ..., "not_converged": [...], "n_evaluations": ...}``.
    """
    from scipy.optimize import minimize  # loads scipy's BLAS before its threads are limited

    r, n, _ = a.shape
    out = start.copy()
    miss_upper = np.isnan(a) & np.triu(np.ones((n, n), dtype=bool), 1)
    members = np.nonzero(miss_upper.any(axis=(1, 2)))[0]
    bad: list = []
    n_eval = 0
    iterator: Any = members
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(members, desc="λ-min completion", unit="matrix")
    with _one_blas_thread():
        for k in iterator:
            bad_k, n_k = _lambda_min_one(out, k, miss_upper[k], bounded, gtol, maxiter, minimize)
            n_eval += n_k
            if bad_k:
                bad.append(int(k) if index is None else index[k])
    if bad:
        warnings.warn(
            f"λ-min completion: the optimiser did not converge for {len(bad)} matrices "
            f"(first: {bad[:MAX_LISTED]!r}); their completion is the best point found "
            f"(report['lambda_min']).",
            ConvergenceWarning,
            stacklevel=3,
        )
    return out, {"n_not_converged": len(bad), "not_converged": bad, "n_evaluations": n_eval}


def complete(
    a: np.ndarray,
    incomplete: str | None,
    *,
    single: bool,
    scale: str = "saaty",
    tol: float = 1e-13,
    max_iter: int = 1000,
    index: pd.Index | None = None,
    progress: bool = False,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None, dict]:
    """Complete every member of a validated, connected stack (NaN = missing).

    Returns ``(completed stack, weights of the completion or None, info)``. Members without a
    missing pair are returned unchanged; only the members with missing pairs are solved.
    ``start`` (r, n): a start vector for Harker's power iteration (e.g. the weights before one
    judgment changed; default: the LLSM weights).
    """
    info: dict[str, Any] = {"incomplete": incomplete}
    if incomplete is None:  # the caller knows that nothing is missing
        return a, None, info
    miss_any = np.isnan(a).any(axis=(1, 2))
    if not miss_any.any():
        return a, None, info
    sub = np.nonzero(miss_any)[0]
    part = a[sub]
    if incomplete == "harker" and start is not None:
        w_llsm = np.array(start, dtype="float64")[sub]  # only the start of Harker's iteration
    else:
        w_llsm = llsm_weights(part)
    if incomplete == "llsm":
        w_sub = w_llsm
        done = fill(part, w_sub)
    elif incomplete == "harker":
        w_sub, lam_b, pinfo = perron(
            harker_matrix(part), single=single, tol=tol, max_iter=max_iter, start=w_llsm
        )
        info["harker_lambda"] = lam_b
        info["n_fallback"] = pinfo.get("n_fallback", 0)
        done = fill(part, w_sub)
    else:
        sub_index = None if index is None else index[sub]
        done, linfo = lambda_min_complete(
            part,
            fill(part, w_llsm),
            bounded=scale != "ratio",
            index=sub_index,
            progress=progress,
        )
        info["lambda_min"] = linfo
        w_sub = None
    out = a.copy()
    out[sub] = done
    w_full = None
    if w_sub is not None:
        w_full = np.full((a.shape[0], a.shape[1]), np.nan)
        w_full[sub] = w_sub
    info["members"] = sub
    return out, w_full, info


# --------------------------------------------------------------------------------------------
# evaluation of complete stacks (shared with the diagnostics)


def evaluate(
    c: np.ndarray,
    method: str,
    *,
    single: bool,
    ri: float,
    lambda_estimator: str = "exact",
    tol: float = 1e-13,
    max_iter: int = 1000,
    start: np.ndarray | None = None,
    gci: bool = True,
    node: Hashable | None = None,
) -> dict:
    """Weights, λmax, CI, CR and GCI of a stack of complete matrices (ahp.md §2-§5).

    The same building blocks as :func:`cvlib.ahp.weights` (no validation here): ``method``
    weights, λ from ``lambda_estimator`` (exact = Perron root for every method), the CI clamp,
    CR = CI / RI, GCI with geometric-mean weights (``gci=False`` skips it: NaN). ``start``: a
    start vector for the power iteration, e.g. the previous weights when one judgment changed
    (default: the geometric-mean weights).
    """
    r, n, _ = c.shape
    w_gm = None
    if gci or start is None or method == "geometric":
        w_gm = geometric_weights(c)
    st = w_gm if start is None else start
    if method == "eigen":
        w, lam, info = perron(c, single=single, tol=tol, max_iter=max_iter, start=st)
    else:
        w, lam, info = priorities(c, method, single=single, tol=tol, max_iter=max_iter, w_gm=w_gm)
    if n <= 2:
        lam = np.full(r, float(n))
    elif lambda_estimator != "exact":
        lam = lambda_estimate(c, w, lambda_estimator)
    elif lam is None:
        _, lam, info = perron(c, single=single, tol=tol, max_iter=max_iter, start=st)
    ci = consistency_index(lam, n, lambda_estimator, node)
    cr = consistency_ratio(ci, ri, n)
    return {
        "w": w,
        "lambda_max": lam,
        "ci": ci,
        "cr": cr,
        "gci": gci_values(c, w_gm) if gci else np.full(r, np.nan),
        "info": info,
    }


def solve(
    a: np.ndarray,
    method: str,
    incomplete: str | None,
    *,
    single: bool,
    ri: float,
    lambda_estimator: str = "exact",
    scale: str = "saaty",
    tol: float = 1e-13,
    max_iter: int = 1000,
    start: np.ndarray | None = None,
    index: pd.Index | None = None,
    progress: bool = False,
    gci: bool = True,
    node: Hashable | None = None,
) -> dict:
    """Complete (ahp.md §8) then evaluate (§2-§5) a valid, connected stack; NaN = missing.

    Returns :func:`evaluate`'s dict plus ``"completed"`` (the completed stack) and
    ``"completion"`` (info of :func:`complete`).
    """
    c, w_c, cinfo = complete(
        a,
        incomplete,
        single=single,
        scale=scale,
        tol=tol,
        max_iter=max_iter,
        index=index,
        progress=progress,
        start=start,
    )
    st = start
    if method == "eigen" and w_c is not None:
        # the Harker / LLSM vector is an excellent start (Harker: already the Perron vector of C)
        st = geometric_weights(c) if start is None else np.array(start, dtype="float64")
        has = ~np.isnan(w_c[:, 0])
        st[has] = w_c[has]
    out = evaluate(
        c,
        method,
        single=single,
        ri=ri,
        lambda_estimator=lambda_estimator,
        tol=tol,
        max_iter=max_iter,
        start=st,
        gci=gci,
        node=node,
    )
    out["completed"] = c
    out["completion"] = cinfo
    return out


def completed_pairs_table(
    a: np.ndarray, c: np.ndarray, labels: tuple, index: pd.Index | None
) -> pd.DataFrame:
    """One row per completed pair (i < j): [respondent,] row, column, value (= c_ij)."""
    n = a.shape[-1]
    miss = np.isnan(a) & np.triu(np.ones((n, n), dtype=bool), 1)[None]
    ks, i, j = np.nonzero(miss)
    lab = np.empty(n, dtype=object)
    lab[:] = labels
    table = pd.DataFrame(
        {
            "row": pd.Series(lab[i], dtype=object),
            "column": pd.Series(lab[j], dtype=object),
            "value": c[ks, i, j],
        }
    )
    if index is not None:
        table.insert(0, "respondent", np.asarray(index)[ks])
    return table


# --------------------------------------------------------------------------------------------
# result and entry point


@dataclass(frozen=True, repr=False, eq=False)
class IncompleteResult(AHPResult):
    """Priorities and consistency of incomplete judgment matrices (不完全判断矩阵, ahp.md §8).

    An :class:`AHPResult` (same fields: ``weights``, ``lambda_max``, ``ci``, ``cr``, ``gci``,
    ``verdict`` ...) whose ``matrix`` is the **completed** matrix (λmax, CI and CR refer to it;
    ``ri_basis="complete_matrix"``), plus ``incomplete`` (completion method), ``n_missing`` (pairs
    missing per matrix), ``completed_pairs`` (the filled pairs i < j and their values) and
    ``original`` (the input with NaN for the missing pairs).
    """

    incomplete: str | None = None
    ri_basis: str = RI_BASIS
    n_missing: Any = Snapshot(default=0)
    completed_pairs: pd.DataFrame | None = Snapshot(default=None)
    original: pd.DataFrame | np.ndarray | None = Snapshot(default=None)

    _conventions = (
        "method",
        "incomplete",
        "lambda_estimator",
        "ri_table",
        "ri_source",
        "ri_basis",
        "threshold",
        "n",
    )
    _title = "IncompleteResult"

    def summary(self) -> pd.DataFrame:
        """One row per element (weight, rank); for a stack one row per matrix with n_missing."""
        out = super().summary()
        if self.is_stack:
            out["n_missing"] = np.asarray(self.n_missing)
        return out


def incomplete_weights(
    matrix: Any,
    method: str = "eigen",
    incomplete: str | None = None,
    ri_table: str = "saaty1980",
    *,
    lambda_estimator: str = "exact",
    threshold: str | float = "seed",
    beyond: str = "alonso_lamata_linear",
    scale: str = "saaty",
    labels: Sequence[Hashable] | None = None,
    symmetrize: str | None = None,
    recip_tol: float = 1e-6,
    on_invalid: str = "raise",
    tol: float = 1e-13,
    max_iter: int = 1000,
    progress: bool = False,
    node: Hashable | None = None,
) -> IncompleteResult:
    """Weights of incomplete judgment matrices (不完全判断矩阵), one matrix or a stack (ahp.md §8).

    A missing pair is NaN / None / ``""`` (both a_ij and a_ji); 0 is never a missing code and
    raises. The undirected graph of the known pairs must be connected (at least n - 1 known
    pairs), else :class:`DisconnectedComparisonsError` names the groups of elements. Completion
    methods (``incomplete=``):

    * ``"llsm"`` (default for ``method="geometric"``): logarithmic least squares on the comparison
      graph, (L + 11ᵀ) x = r with L = degree - adjacency of the known pairs and
      r_i = Σ_{j known} ln a_ij (Σx = 0); w = exp(x)/Σexp(x). Equals the geometric mean for a
      complete matrix. One batched linear solve for the whole stack.
    * ``"harker"`` (default for ``method="eigen"``): B = A with the missing entries set to 0 and
      b_ii = 1 + m_i (m_i missing entries in row i); w = Perron vector of B (batched power
      iteration). λmax(B) equals λmax of the completed matrix.
    * ``"lambda_min"`` (Bozóki, Fülöp & Rónyai 2010): the missing entries x_k = exp(t_k) minimise
      λmax of the completed matrix (convex in t); L-BFGS-B from the LLSM completion with bounds
      ln(1/9) <= t <= ln 9 under the ``saaty`` scales. Matrix by matrix (slow for large stacks;
      ``progress=True`` shows a bar).

    LLSM and Harker fill a_ij := w_i / w_j. The priority ``method`` is then applied to the
    completed matrix C (for eigen + Harker and geometric + LLSM this returns the completion's own
    vector); λmax, CI = (λmax - n)/(n - 1), CR = CI / RI(n) with the complete-matrix RI
    (``ri_basis="complete_matrix"``) and GCI are those of C. A CR above the threshold never
    changes the weights (``InconsistencyWarning``).

    Parameters
    ----------
    matrix : matrix-like, DataFrame, pair dict, list of triples, upper-triangle vector, ndarray
        (r, n, n) stack or :class:`JudgmentStack`
        Orientation: a_ij = importance of row i over column j; a_ji = 1/a_ij. A stack may have a
        different missing pattern per respondent.
    method : str
        Priority method or alias applied to the completed matrix (default ``"eigen"``).
    incomplete : {None, "llsm", "harker", "lambda_min"}
        Completion; None = Harker for ``"eigen"``, LLSM for ``"geometric"`` (other methods need
        an explicit choice when a pair is missing).
    ri_table : str
        Name of an RI table in :data:`RI_TABLES` (default ``"saaty1980"``).
    lambda_estimator : {"exact", "mean_ratio", "colsum"}
        λ for CI/CR on the completed matrix (default the Perron root).
    threshold : {"seed", "saaty_by_n"} or float
        Acceptance rule of the verdict (see :func:`cvlib.ahp.weights`).
    beyond : {"alonso_lamata_linear", "error", "simulate"}
        RI policy for n above the table's n_max.
    scale : {"saaty", "saaty_strict", "ratio"}
        Validation scale of the given judgments; also the λ-min bounds (none for ``"ratio"``).
    labels : sequence, optional
        Element labels / order.
    symmetrize : {None, "upper"}
        Explicit repair of the lower triangle (warns listing every changed pair).
    recip_tol : float
        |a_ij a_ji - 1| tolerance (default 1e-6).
    on_invalid : {"raise", "mask"}
        Stacks: ``"mask"`` gives an invalid member NaN outputs and a status code (``"ok"``,
        ``"nonpositive"``, ``"nonfinite"``, ``"nonreciprocal"``, ``"out_of_scale"``,
        ``"disconnected"``); the batch continues.
    tol, max_iter : float, int
        Power-iteration convergence (stacks; Harker and the eigenvector method).
    progress : bool
        tqdm progress bar for the λ-min completion of a stack (default False).
    node : hashable, optional
        Name used in messages.

    Returns
    -------
    IncompleteResult
        The :class:`AHPResult` fields (``weights``, ``lambda_max``, ``ci``, ``cr``, ``gci``,
        ``verdict``, ``acceptable``, ``matrix`` = completed matrix, ``status`` ...) plus
        ``incomplete``, ``ri_basis``, ``n_missing``, ``completed_pairs`` (row, column, value;
        with ``respondent`` for a stack) and ``original``; ``report["disconnected"]`` lists the
        disconnected members (mask mode).

    Raises
    ------
    DisconnectedComparisonsError
        The known pairs do not connect all elements (names the respondent and the groups).
    AHPInputError
        Any invalid judgment (e.g. 0 or a negative value), matrices of mixed sizes, an unknown
        ``incomplete`` name, or a method without a default completion.

    Examples
    --------
    >>> res = incomplete_weights({("a", "b"): 1, ("a", "c"): 5, ("a", "d"): 2,
    ...                           ("b", "c"): 3, ("b", "d"): 4})   # (c, d) missing
    >>> res.incomplete, res.n_missing, [round(x, 6) for x in res.weights]
    ('harker', 1, [0.373579, 0.392123, 0.098177, 0.136122])
    >>> round(float(res.matrix.loc["c", "d"]), 6), round(res.lambda_max, 6)
    (0.721239, 4.092388)
    >>> llsm = incomplete_weights([1, 5, 2, 3, 4, None], method="geometric")
    >>> round(float(llsm.matrix.iloc[2, 3]) ** 2, 12) == round(8 / 15, 12)
    True

    References
    ----------
    Harker, P. T. (1987). Incomplete pairwise comparisons in the analytic hierarchy process.
    *Mathematical Modelling* 9(11), 837-848.
    Bozóki, S., Fülöp, J. & Rónyai, L. (2010). On optimal completion of incomplete pairwise
    comparison matrices. *Mathematical and Computer Modelling* 52(1-2), 318-333.
    Kwiesielewicz, M. (1996). The logarithmic least squares and the generalized pseudoinverse in
    estimating ratios. *EJOR* 93(3), 611-619.
    """
    method_c = canonical_method(method)
    check_estimator(lambda_estimator)
    check_choice("ri_table", ri_table, RI_TABLES)
    check_choice("beyond", beyond, BEYOND)
    if incomplete is not None:
        check_choice("incomplete", incomplete, INCOMPLETE_METHODS)
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
    n_missing = np.isnan(a[:, iu[0], iu[1]]).sum(axis=1)  # as given, also for masked members
    inc = resolve_incomplete(incomplete, method_c, bool(np.isnan(calc).any()))
    ri, ri_source = random_index(n, ri_table, beyond)
    out = solve(
        calc,
        method_c,
        inc,
        single=single,
        ri=ri,
        lambda_estimator=lambda_estimator,
        scale=scale,
        tol=tol,
        max_iter=max_iter,
        index=index,
        progress=progress,
        node=node,
    )
    c = out["completed"]
    w, lam, ci, cr, g = (out[x] for x in ("w", "lambda_max", "ci", "cr", "gci"))
    info, cinfo = out["info"], out["completion"]
    report.update(
        {
            "n_fallback": info.get("n_fallback", 0) + cinfo.get("n_fallback", 0),
            "n_iter": info.get("n_iter", 0),
            "eigen_solver": info.get("solver"),
            "n_missing": int(n_missing[0]) if single else n_missing,
        }
    )
    if "lambda_min" in cinfo:
        report["lambda_min"] = cinfo["lambda_min"]
    if "harker_lambda" in cinfo:
        hl = np.full(r, np.nan)
        hl[cinfo["members"]] = cinfo["harker_lambda"]
        report["harker_lambda"] = float(hl[0]) if single else hl
    pairs = completed_pairs_table(calc, c, labs, index)
    if not ok.all():
        w = np.where(ok[:, None], w, np.nan)
        lam, ci, cr, g = (np.where(ok, x, np.nan) for x in (lam, ci, cr, g))
        c = np.where(ok[:, None, None], c, np.nan)
        if index is not None and len(pairs):
            pairs = pairs[pairs["respondent"].isin(np.asarray(index)[ok])].reset_index(drop=True)
    acc = acceptable(cr, n, threshold) & ok
    verdict = verdicts(cr, acc)
    warn_inconsistent(
        cr,
        ok & ~acc,
        n=n,
        single=single,
        index=index,
        node=node,
        threshold=threshold,
        ri_table=ri_table,
        method=method_c,
        report=report,
        completed_by=inc,
    )
    lab_index = pd.Index(labs)
    if single:
        w_out: pd.Series | pd.DataFrame = pd.Series(w[0], index=lab_index, name="weight")
        mat: Any = pd.DataFrame(c[0], index=lab_index, columns=lab_index)
        orig: Any = pd.DataFrame(a[0], index=lab_index, columns=lab_index)
    else:
        w_out = pd.DataFrame(w, index=index, columns=lab_index)
        mat, orig = c, a

    def num(x: np.ndarray) -> Any:
        return float(x[0]) if single else x

    return IncompleteResult(
        weights=w_out,
        lambda_max=num(lam),
        ci=num(ci),
        cr=num(cr),
        ri=float(ri),
        ri_table=ri_table,
        ri_source=ri_source,
        method=method_c,
        lambda_estimator=lambda_estimator,
        gci=num(g),
        n=n,
        threshold=threshold,
        verdict=verdict[0] if single else verdict,
        acceptable=bool(acc[0]) if single else acc,
        matrix=mat,
        labels=labs,
        report=report,
        node=node,
        status=None if single else status,
        incomplete=inc,
        ri_basis=RI_BASIS,
        n_missing=int(n_missing[0]) if single else n_missing,
        completed_pairs=pairs,
        original=orig,
    )

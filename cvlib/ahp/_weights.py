"""The entry point ``weights()`` (层次单排序 + 一致性检验), its result, direct and measured weights."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import check_choice

from ._consistency import (
    BEYOND,
    RI_TABLES,
    VERDICT_EN,
    acceptable,
    check_threshold,
    consistency_index,
    consistency_ratio,
    random_index,
    threshold_text,
    verdicts,
)
from ._errors import AHPInputError, InconsistencyWarning
from ._matrix import (
    STATUS_OK,
    coerce,
    direct_vector,
    label_index,
    measured_vector,
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


@dataclass(frozen=True, repr=False)
class AHPResult(ResultMixin):
    """Priorities and consistency of one judgment matrix or of a stack.

    One matrix: ``weights`` is a Series indexed by the labels and the numbers are floats. A stack
    ``(r, n, n)``: ``weights`` is an (r, n) DataFrame (rows = respondents, columns = labels) and
    ``lambda_max``, ``ci``, ``cr``, ``gci``, ``verdict``, ``acceptable``, ``status`` are arrays of
    length r.

    Fields are private copies: reading ``weights``, ``matrix``, ``report`` or an array returns a
    new copy (numpy arrays: a read-only view), so mutating it never changes the result.
    """

    weights: pd.Series | pd.DataFrame = Snapshot()
    lambda_max: Any = Snapshot()
    ci: Any = Snapshot()
    cr: Any = Snapshot()
    ri: float
    ri_table: str | None
    ri_source: str | None
    method: str
    lambda_estimator: str | None
    gci: Any = Snapshot()
    n: int
    threshold: Any
    verdict: Any = Snapshot()
    acceptable: Any = Snapshot()
    matrix: pd.DataFrame | np.ndarray | None = Snapshot()
    labels: tuple
    report: dict = Snapshot(default_factory=dict)
    node: Hashable | None = None
    status: np.ndarray | None = Snapshot(default=None)

    _conventions = ("method", "lambda_estimator", "ri_table", "ri_source", "threshold", "n")
    _title = "AHPResult"

    @property
    def is_stack(self) -> bool:
        return isinstance(self._weights, pd.DataFrame)

    @property
    def verdict_en(self) -> Any:
        """The verdict in English ('perfectly consistent', 'satisfactory consistency', ...)."""
        if self.is_stack:
            return np.array([VERDICT_EN.get(v) for v in self._verdict], dtype=object)
        return VERDICT_EN.get(self._verdict)

    @property
    def n_fallback(self) -> int:
        """Stack members whose power iteration did not converge (recomputed with LAPACK)."""
        return int(self._report.get("n_fallback", 0))

    def _convention_text(self) -> str:
        text = super()._convention_text()
        if self.is_stack:
            return f"{text}, r={len(self._weights)}"
        if self.node is not None:
            text = f"node={self.node!r}, {text}"
        return (
            f"{text}, lambda_max={self.lambda_max:.6f}, CI={self.ci:.6f}, RI={self.ri:g}, "
            f"CR={self.cr:.4f}, GCI={self.gci:.4f}, verdict={self.verdict!r}"
        )

    def summary(self) -> pd.DataFrame:
        """One row per element (weight, rank); for a stack one row per matrix."""
        if self.is_stack:
            out = self._weights.copy()
            for name in ("lambda_max", "ci", "cr", "gci", "verdict", "status"):
                out[name] = np.array(getattr(self, f"_{name}"))
            return out
        w = self._weights.copy()
        return pd.DataFrame(
            {"weight": w, "rank": w.rank(ascending=False, method="min").astype("int64")}
        )


def _numbers(x: np.ndarray, single: bool) -> Any:
    return float(x[0]) if single else x


def weights(
    matrix: Any,
    method: str = "eigen",
    ri_table: str = "saaty1980",
    *,
    lambda_estimator: str = "exact",
    threshold: str | float = "seed",
    beyond: str = "alonso_lamata_linear",
    scale: str = "saaty",
    labels: Sequence[Hashable] | None = None,
    symmetrize: str | None = None,
    recip_tol: float = 1e-6,
    allow_missing: bool = False,
    incomplete: str | None = None,
    on_invalid: str = "raise",
    tol: float = 1e-13,
    max_iter: int = 1000,
    node: Hashable | None = None,
) -> AHPResult:
    """Priority weights and consistency of a judgment matrix or a stack (层次单排序与一致性检验).

    Methods (ahp.md §2; ``method=`` accepts the aliases):

    * ``"eigen"`` (特征根法, ``"ev"``): w = principal right eigenvector of A, Σw = 1
      (one matrix: LAPACK ``eig``; a stack: batched power iteration w <- Aw/Σ(Aw) until
      max|Δw| <= ``tol``, started from the geometric weights refined by three steps with A^8,
      LAPACK fallback counted in ``report["n_fallback"]``; both agree to 1e-12);
    * ``"geometric"`` (几何平均法, 根法, 方根法, ``"gm"``, ``"llsm"``, ``"rgmm"``):
      w_i ∝ (Π_j a_ij)^(1/n);
    * ``"sum"`` (和法, ``"arithmetic"``, ``"cn"``): w_i = (1/n) Σ_j a_ij / Σ_k a_kj;
    * ``"row_sum"``: w_i ∝ Σ_j a_ij (never call this 和法).

    Consistency (一致性检验, ahp.md §3): CI = (λmax - n)/(n - 1) (一致性指标), CR = CI/RI(n)
    (一致性比率) with RI from the named table ``ri_table`` (随机一致性指标); n <= 2 -> CI = CR = 0;
    -1e-9 n <= λ - n < 0 is rounding noise and clamps CI to 0. λ comes from
    ``lambda_estimator``: ``"exact"`` (Perron root of A, for every method, so CR does not depend
    on the weight method), ``"mean_ratio"`` ((1/n) Σ (Aw)_i/w_i with the method's own w, the
    Chinese textbook estimate) or ``"colsum"`` (Σ_j (Σ_i a_ij) w_j). GCI (Aguarón &
    Moreno-Jiménez 2003) is reported for every method.

    A CR above the threshold never changes the weights: the result carries the verdict and an
    ``InconsistencyWarning`` is raised.

    Parameters
    ----------
    matrix : matrix-like, DataFrame, pair dict, list of triples, upper-triangle vector, ndarray
        (r, n, n) stack or :class:`JudgmentStack`
        Orientation: a_ij = importance of row i over column j; a_ji = 1/a_ij. See
        :func:`judgment_matrix` for every input form.
    method : str
        Priority method or alias (default ``"eigen"``). Unknown names raise listing the valid ones.
    ri_table : str
        Name of an RI table in :data:`RI_TABLES` (default ``"saaty1980"``).
    lambda_estimator : {"exact", "mean_ratio", "colsum"}
    threshold : {"seed", "saaty_by_n"} or float
        ``"seed"``: CR <= 1e-10 '完全一致性', CR < 0.1 '满意一致性', else '需调整';
        ``"saaty_by_n"``: CR <= 0.05 / 0.08 / 0.10 for n = 3 / 4 / >= 5; a float: CR < value.
    beyond : {"alonso_lamata_linear", "error", "simulate"}
        RI policy for n above the table's n_max (recorded in ``ri_source``).
    scale : {"saaty", "saaty_strict", "ratio"}
    labels : sequence, optional
        Element labels / order.
    symmetrize : {None, "upper"}
        Explicit repair of the lower triangle (warns listing every changed pair).
    recip_tol : float
        |a_ij a_ji - 1| tolerance (default 1e-6).
    allow_missing : bool
        False (default): a missing pair raises ``MissingJudgmentError`` listing the pairs (with
        ``on_invalid="mask"`` the member gets status ``"missing"``). True: incomplete matrices
        (ahp.md §8) are completed and the call returns
        :func:`cvlib.ahp.incomplete_weights` (an :class:`IncompleteResult`, also for complete
        input), one matrix or a stack with a missing pattern per respondent.
    incomplete : {None, "llsm", "harker", "lambda_min"}
        Completion with ``allow_missing=True`` (None: Harker for ``"eigen"``, LLSM for
        ``"geometric"``).
    on_invalid : {"raise", "mask"}
        Stacks: ``"mask"`` gives an invalid member NaN outputs and a status code (``"ok"``,
        ``"nonpositive"``, ``"nonfinite"``, ``"nonreciprocal"``, ``"missing"``,
        ``"out_of_scale"``, and ``"disconnected"`` with ``allow_missing=True``); the batch
        continues.
    tol, max_iter : float, int
        Power-iteration convergence (stacks only): stop when max|Δw| <= ``tol``; members not
        converged after ``max_iter`` steps are solved by LAPACK (``report["n_fallback"]``).
    node : hashable, optional
        Name used in messages (hierarchy node).

    Returns
    -------
    AHPResult
        ``weights``, ``lambda_max``, ``ci``, ``cr``, ``ri``, ``ri_table``, ``ri_source``,
        ``method``, ``lambda_estimator``, ``gci``, ``n``, ``threshold``, ``verdict``,
        ``acceptable``, ``matrix`` (canonical DataFrame; the ndarray for a stack), ``report``
        (``non_scale_values``, ``warnings``, ``n_fallback``, ...), ``summary()``.

    Examples
    --------
    >>> res = weights([[1, 4], ["1/4", 1]], labels=["当前价值", "潜在价值"])
    >>> res.weights.tolist(), res.cr
    ([0.8, 0.2], 0.0)
    >>> city = [[1, 1/5, 3, 1/2, 5], [5, 1, 7, 1, 7], [1/3, 1/7, 1, 1/4, 3],
    ...         [2, 1, 4, 1, 7], [1/5, 1/7, 1/3, 1/7, 1]]
    >>> round(weights(city).cr, 4), round(float(weights(city, "几何平均法").weights[0]), 6)
    (0.0503, 0.152594)

    A stack (respondents, n, n) gives one row / value per respondent:

    >>> res = weights(np.stack([city, np.array(city).T]))
    >>> res.weights.shape, res.cr.round(4).tolist()
    ((2, 5), [0.0503, 0.0503])

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    Saaty, T. L. (2008). Decision making with the analytic hierarchy process. *Int. J. Services
    Sciences* 1(1), 83-98.
    Aguarón, J. & Moreno-Jiménez, J. M. (2003). The geometric consistency index: approximated
    thresholds. *EJOR* 147(1), 137-145.
    Alonso, J. A. & Lamata, M. T. (2006). *Int. J. Uncertainty, Fuzziness and Knowledge-Based
    Systems* 14(4), 445-459.
    姜启源, 谢金星, 叶俊. 《数学模型》(第4版). 高等教育出版社, 2011 (层次分析法, 旅游地选择).
    """
    method_c = canonical_method(method)
    check_estimator(lambda_estimator)
    check_choice("ri_table", ri_table, RI_TABLES)
    check_choice("beyond", beyond, BEYOND)
    threshold = check_threshold(threshold)
    if allow_missing:
        from ._incomplete import incomplete_weights  # local import: _incomplete imports this module

        return incomplete_weights(
            matrix,
            method_c,
            incomplete,
            ri_table,
            lambda_estimator=lambda_estimator,
            threshold=threshold,
            beyond=beyond,
            scale=scale,
            labels=labels,
            symmetrize=symmetrize,
            recip_tol=recip_tol,
            on_invalid=on_invalid,
            tol=tol,
            max_iter=max_iter,
            node=node,
        )
    if incomplete is not None:
        raise AHPInputError(
            f"incomplete={incomplete!r} applies only to incomplete matrices: pass "
            f"allow_missing=True as well (or call cvlib.ahp.incomplete_weights)."
        )
    labs, values, index, notes = coerce(matrix, labels, node=node, recip_tol=recip_tol)
    single = values.ndim == 2
    a = values[None] if single else values
    a, status, report = validate(
        a,
        labs,
        scale=scale,
        symmetrize=symmetrize,
        recip_tol=recip_tol,
        allow_missing=False,
        node=node,
        index=None if single else index,
        on_invalid=on_invalid,
    )
    if notes:
        report["warnings"] = notes + report["warnings"]
    r, n, _ = a.shape
    ok = status == STATUS_OK
    all_ok = bool(ok.all())
    calc = a if all_ok else np.where(ok[:, None, None], a, 1.0)  # placeholder: all ones
    ri, ri_source = random_index(n, ri_table, beyond)

    logs = np.log(calc)
    w_gm = geometric_weights(calc, logs)
    w, lam, info = priorities(calc, method_c, single=single, tol=tol, max_iter=max_iter, w_gm=w_gm)
    if n <= 2:
        lam = np.full(r, float(n))
    elif lambda_estimator != "exact":
        lam = lambda_estimate(calc, w, lambda_estimator)
    elif lam is None:
        _, lam, info = perron(calc, single=single, tol=tol, max_iter=max_iter, start=w_gm)
    report["n_fallback"] = info.get("n_fallback", 0)
    report["n_iter"] = info.get("n_iter", 0)
    report["eigen_solver"] = info.get("solver")
    ci = consistency_index(lam, n, lambda_estimator, node)
    cr = consistency_ratio(ci, ri, n)
    g = gci_values(calc, w_gm, logs)
    if not all_ok:
        w = np.where(ok[:, None], w, np.nan)
        lam, ci, cr, g = (np.where(ok, x, np.nan) for x in (lam, ci, cr, g))
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
    )

    lab_index = label_index(labs)  # shared by the weights and the matrix (stored as copies)
    if single:
        w_out: pd.Series | pd.DataFrame = pd.Series(w[0], index=lab_index, name="weight")
        mat: pd.DataFrame | np.ndarray = pd.DataFrame(a[0], index=lab_index, columns=lab_index)
    else:
        w_out = pd.DataFrame(w, index=index, columns=lab_index)
        mat = a
    return AHPResult(
        weights=w_out,
        lambda_max=_numbers(lam, single),
        ci=_numbers(ci, single),
        cr=_numbers(cr, single),
        ri=float(ri),
        ri_table=ri_table,
        ri_source=ri_source,
        method=method_c,
        lambda_estimator=lambda_estimator,
        gci=_numbers(g, single),
        n=n,
        threshold=threshold,
        verdict=verdict[0] if single else verdict,
        acceptable=bool(acc[0]) if single else acc,
        matrix=mat,
        labels=labs,
        report=report,
        node=node,
        status=None if single else status,
    )


def _fixed_result(
    labs: tuple, w: np.ndarray, method: str, node: Hashable | None, notes: list, threshold: Any
) -> AHPResult:
    """Result for weights that are not derived from judgments: CI = RI = CR = 0 (ahp.md §7)."""
    measured = method == "measured"
    n = len(labs)
    mat = None
    if measured:
        mat = pd.DataFrame(np.outer(w, 1.0 / w), index=pd.Index(labs), columns=pd.Index(labs))
    return AHPResult(
        weights=pd.Series(w, index=pd.Index(labs), name="weight"),
        lambda_max=float(n) if measured else float("nan"),
        ci=0.0,
        cr=0.0,
        ri=0.0,
        ri_table=None,
        ri_source=None,
        method=method,
        lambda_estimator=None,
        gci=0.0 if measured else float("nan"),
        n=n,
        threshold=check_threshold(threshold),
        verdict=verdicts(np.zeros(1), np.ones(1, bool))[0] if measured else None,
        acceptable=True,
        matrix=mat,
        labels=labs,
        report={"warnings": list(notes), "non_scale_values": None},
        node=node,
    )


def direct_weights(
    values: Mapping[Hashable, Any] | pd.Series | Sequence[float],
    labels: Sequence[Hashable] | None = None,
    *,
    normalize: bool = False,
    threshold: str | float = "seed",
    node: Hashable | None = None,
) -> AHPResult:
    """Weights given directly (直接赋权), e.g. ``{"c1": 0.5, "c2": 0.5}``.

    Rules (ahp.md §1.2): every weight >= 0 and |Σ - 1| <= 1e-6, else an error;
    ``normalize=True`` rescales w / Σw with a ``NormalizationWarning`` (printed 4-d.p. weights
    such as 0.5278 + 0.1396 + 0.3325 = 0.9999 need it). CI = RI = CR = 0 (combined consistency
    counts such a node as 0, 0); λmax and GCI are NaN (there is no matrix).

    Parameters
    ----------
    values : dict, Series or sequence
        ``{label: weight}``, a Series indexed by the labels, or a sequence of weights (then
        ``labels`` names them; default 0..n-1). Numbers or strings such as ``"1/3"``.
    labels : sequence, optional
        Element order; with a dict or Series it must hold exactly the same labels.
    normalize : bool
        False (default): |Σ - 1| > 1e-6 raises. True: rescale w / Σw and warn
        (``NormalizationWarning``).
    threshold : {"seed", "saaty_by_n"} or float
        Recorded on the result (see :func:`weights`); the verdict is not applicable (None).
    node : hashable, optional
        Name used in messages (hierarchy node).

    Returns
    -------
    AHPResult
        ``method="direct"``, ``weights`` (Series indexed by the labels, Σ = 1), ``ci = cr =
        ri = 0``, ``lambda_max`` and ``gci`` NaN, ``matrix`` None, ``verdict`` None,
        ``acceptable`` True; ``report["warnings"]`` holds the normalisation note if any.

    Examples
    --------
    >>> direct_weights({"c1": 0.5, "c2": 0.5}).weights.tolist()
    [0.5, 0.5]

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill (absolute measurement).
    """
    labs, w, notes = direct_vector(values, labels, normalize=normalize, node=node)
    return _fixed_result(labs, w, "direct", node, notes, threshold)


def measured_weights(
    values: Mapping[Hashable, Any] | pd.Series | Sequence[float],
    labels: Sequence[Hashable] | None = None,
    *,
    threshold: str | float = "seed",
    node: Hashable | None = None,
) -> AHPResult:
    """Weights from measured values (实测值): w_i = v_i / Σ v, all v > 0.

    The implied matrix a_ij = v_i / v_j is exactly consistent: λmax = n, CI = CR = GCI = 0.

    Parameters
    ----------
    values : dict, Series or sequence
        ``{label: value}``, a Series indexed by the labels, or a sequence of values (then
        ``labels`` names them; default 0..n-1). Every value finite and > 0, else an error.
    labels : sequence, optional
        Element order; with a dict or Series it must hold exactly the same labels.
    threshold : {"seed", "saaty_by_n"} or float
        Recorded on the result (see :func:`weights`).
    node : hashable, optional
        Name used in messages (hierarchy node).

    Returns
    -------
    AHPResult
        ``method="measured"``, ``weights`` = v / Σv (Series indexed by the labels),
        ``lambda_max`` = n, ``ci = cr = gci = ri = 0``, verdict '完全一致性', ``matrix`` the
        implied consistent matrix v_i / v_j.

    Examples
    --------
    >>> measured_weights({"c1": 120, "c2": 60, "c3": 20}).weights.tolist()
    [0.6, 0.3, 0.1]

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill (ratio-scale data).
    """
    labs, w = measured_vector(values, labels, node=node)
    return _fixed_result(labs, w, "measured", node, [], threshold)


def gci(
    matrix: Any,
    labels: Sequence[Hashable] | None = None,
    *,
    scale: str = "saaty",
    recip_tol: float = 1e-6,
) -> float | np.ndarray:
    """Geometric consistency index (几何一致性指标) of a matrix or a stack.

    GCI = 2 / ((n - 1)(n - 2)) · Σ_{i<j} ln²(a_ij · w_j / w_i) with the geometric-mean weights
    w (GCI is defined for the row geometric mean method); n <= 2 -> 0. For n = 3,
    GCI = (ln(a12 · a23 · a31))² / 3. Thresholds: :data:`GCI_THRESHOLDS` (0.31 / 0.35 / 0.37 for
    n = 3 / 4 / >= 5).

    Parameters
    ----------
    matrix : matrix-like, DataFrame, pair dict, upper-triangle vector, (r, n, n) stack or
        :class:`JudgmentStack`
        Any judgment-matrix form of :func:`judgment_matrix`; validated the same way (a
        non-reciprocal, out-of-scale or incomplete matrix raises).
    labels : sequence, optional
        Element labels / order.
    scale : {"saaty", "saaty_strict", "ratio"}
        Scale check (default ``"saaty"``: 1/9 <= a_ij <= 9).
    recip_tol : float
        Reciprocity tolerance |a_ij a_ji - 1| (default 1e-6).

    Returns
    -------
    float or ndarray
        GCI of one matrix (float), or an array of length r for a stack.

    Examples
    --------
    >>> round(gci([[1, 2, 5], ["1/2", 1, 2], ["1/5", "1/2", 1]]), 6)  # ln(2 * 2 / 5)**2 / 3
    0.016598

    References
    ----------
    Aguarón, J. & Moreno-Jiménez, J. M. (2003). *EJOR* 147(1), 137-145.
    """
    labs, values, index, _ = coerce(matrix, labels, recip_tol=recip_tol)
    single = values.ndim == 2
    a, _, _ = validate(
        values[None] if single else values,
        labs,
        scale=scale,
        recip_tol=recip_tol,
        index=None if single else index,
    )
    g = gci_values(a)
    return float(g[0]) if single else g


def format_weights(w: Any, decimals: int = 4, *, percent: bool = False) -> pd.Series:
    """Weights as display strings (rounded for printing only; computation never rounds).

    Accepts a Series, a dict, an array, an :class:`AHPResult` (one matrix) or a hierarchy result
    (its leaf weights).

    Examples
    --------
    >>> format_weights({"a": 2 / 3, "b": 1 / 3}).tolist()
    ['0.6667', '0.3333']
    """
    if hasattr(w, "leaf_weights"):
        w = w.leaf_weights
    elif isinstance(w, AHPResult):
        w = w.weights
    s = pd.Series(w, dtype="float64") if not isinstance(w, pd.Series) else w.astype("float64")
    if percent:
        return s.map(lambda x: f"{100 * x:.{max(decimals - 2, 0)}f}%")
    return s.map(lambda x: f"{x:.{decimals}f}")


def warn_inconsistent(
    cr: np.ndarray,
    bad: np.ndarray,
    *,
    n: int,
    single: bool,
    index: Any,
    node: Any,
    threshold: Any,
    ri_table: str,
    method: str,
    report: dict,
    completed_by: str | None = None,
) -> None:
    """Warn (and record in ``report``) when matrices fail the CR threshold rule.

    ``bad`` flags the failing matrices of the stack; the message names the first one.
    ``completed_by`` names the completion method of an incomplete matrix.
    """
    if not bad.any():
        return
    k = int(np.argmax(bad))
    who = (
        ""
        if single
        else f"{int(bad.sum())} of {len(cr)} matrices fail; first respondent {index[k]!r}: "
    )
    of = f" (of the matrix completed by {completed_by!r})" if completed_by else ""
    msg = (
        f"{where_text(node)}: {who}CR = {cr[k]:.4f}{of} does not meet the threshold rule "
        f"{threshold!r} ({threshold_text(threshold, n)}; n = {n}, ri_table={ri_table!r}, "
        f"method={method!r}): 需调整 - the judgments contradict each other; revise the "
        f"matrix and recompute. The weights are returned unchanged."
    )
    warnings.warn(msg, InconsistencyWarning, stacklevel=3)
    report["warnings"].append(msg)

"""Key-driver analysis (关键驱动因素分析, ``methods/satisfaction.md`` §7).

Which attributes drive overall satisfaction, and by how much? One OLS regression of the outcome y
on p drivers, and four ways to split its R² (or to rank the drivers):

* standardized β_j = b_j s_xj / s_y;
* Pratt: P_j = β_j r_jy, Σ P_j = R² (a negative P_j means suppression);
* LMG / Shapley value (= general dominance): the increase in R² from adding x_j, averaged over
  every order of entry, Σ LMG_j = R². Computed exactly from the correlation matrix over all 2^p
  subsets (R²(S) = r_Sᵀ R_SS⁻¹ r_S), vectorised: one batched solve per subset size;
* Johnson's relative weights: ε_j = Σ_k L_jk² β*_k² with L = R_xx^{1/2} (symmetric square root)
  and β* = L⁻¹ r_xy; Σ ε_j = R².

:func:`key_drivers` returns one row per driver with every measure (or one named measure) and
records R² of the full model; :func:`plot_key_drivers` draws a bar chart of one measure.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.survey._common import numeric_items, select_items, unwrap

__all__ = [
    "KEY_DRIVER_METHODS",
    "KeyDriverResult",
    "key_drivers",
    "lmg_shares",
    "plot_key_drivers",
    "relative_weights",
]

#: Measures of :func:`key_drivers` (``method=``) and their aliases.
KEY_DRIVER_METHODS: dict[str, str] = {
    "beta": "beta",
    "pratt": "pratt",
    "lmg": "lmg",
    "shapley": "lmg",
    "johnson": "johnson",
    "relative_weights": "johnson",
    "r": "r",
    "corr": "r",
}
_SHARES = ("pratt", "lmg", "johnson")  # measures that add up to R²
LMG_SILENT_MAX = 15  # p <= 15: exact LMG silently
LMG_MAX = 20  # 16-20: warning; > 20: error
_VIF_WARN = 5.0
_CHUNK = 16384  # subsets solved per batch (bounds memory for p up to 20)

_MEASURE_LABELS = {
    "beta": ("标准化回归系数 β", "standardized β"),
    "pratt": ("Pratt 相对重要性", "Pratt importance"),
    "lmg": ("LMG (Shapley) 相对重要性", "LMG (Shapley) importance"),
    "johnson": ("Johnson 相对权重", "Johnson relative weight"),
    "r": ("与总体满意度的相关系数 r", "correlation with the outcome r"),
}


# ---------------------------------------------------------------------------------------------
# the computations on a correlation matrix


def _subset_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R²(S) for every subset S of the p drivers, indexed by bitmask (bit j = driver j in S).

    R²(S) = r_Sᵀ R_SS⁻¹ r_S; R²(∅) = 0. One batched ``numpy.linalg.solve`` per subset size
    (in chunks of at most ``_CHUNK`` subsets).
    """
    p = len(rxy)
    r2 = np.zeros(2**p)
    for k in range(1, p + 1):
        combos = np.array(list(itertools.combinations(range(p), k)), dtype=np.intp)
        for start in range(0, len(combos), _CHUNK):
            c = combos[start : start + _CHUNK]
            r_s = rxy[c]  # (m, k)
            r_ss = rxx[c[:, :, None], c[:, None, :]]  # (m, k, k)
            sol = np.linalg.solve(r_ss, r_s[:, :, None])[:, :, 0]
            r2[np.sum(1 << c, axis=1)] = np.einsum("mk,mk->m", r_s, sol)
    return r2


def _lmg(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """LMG_j = Σ_{S ⊆ others} |S|!(p−|S|−1)!/p! · (R²(S ∪ {j}) − R²(S))."""
    p = len(rxy)
    r2 = _subset_r2(rxx, rxy)
    masks = np.arange(2**p)
    size = np.bitwise_count(masks.astype(np.uint64)).astype(np.intp)
    coef = np.array(
        [math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) for s in range(p)]
    )
    out = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        out[j] = np.sum(coef[size[without]] * (r2[without | (1 << j)] - r2[without]))
    return out


def _johnson(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """Johnson (2000): R_xx = QΛQᵀ, L = QΛ^{1/2}Qᵀ, β* = L⁻¹ r_xy, ε_j = Σ_k L_jk² β*_k²."""
    lam, q = np.linalg.eigh(rxx)
    root = np.sqrt(lam)
    lmat = (q * root) @ q.T
    beta_star = q @ ((q.T @ rxy) / root)
    return (lmat**2) @ (beta_star**2)


def lmg_shares(corr: pd.DataFrame | np.ndarray, target: Hashable | int = 0) -> pd.Series:
    """LMG / Shapley shares of R² from a correlation (or covariance) matrix.

    LMG_j = Σ_{S ⊆ others} [|S|!(p − |S| − 1)!/p!] (R²(S ∪ {j}) − R²(S)), with
    R²(S) = r_Sᵀ R_SS⁻¹ r_S over all 2^p subsets (exact); Σ_j LMG_j = R².

    Parameters
    ----------
    corr : DataFrame or ndarray
        Correlation (or covariance) matrix of the outcome and the drivers.
    target : label or int
        The outcome's row/column (a label of a DataFrame, else a position; default the first).

    Returns
    -------
    Series
        One share per driver (name ``"lmg"``); ``attrs["r2"]`` holds R² of the full model.

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.0], [0.3, 0.0, 1.0]])
    >>> s = lmg_shares(c)  # uncorrelated drivers: LMG_j = r_jy²
    >>> [round(v, 12) for v in s], round(s.attrs["r2"], 12)
    ([0.25, 0.09], 0.34)

    References
    ----------
    Lindeman, R. H., Merenda, P. F., & Gold, R. Z. (1980). Introduction to Bivariate and
    Multivariate Analysis. Scott, Foresman. Grömping, U. (2006). Relative importance for linear
    regression in R: the package relaimpo. Journal of Statistical Software 17(1).
    """
    rxx, rxy, names = _split_corr(corr, target)
    _check_lmg_size(len(names), None)
    _check_singular(rxx, names)
    out = pd.Series(_lmg(rxx, rxy), index=pd.Index(names), name="lmg")
    out.attrs["r2"] = float(rxy @ np.linalg.solve(rxx, rxy))
    return out


def relative_weights(corr: pd.DataFrame | np.ndarray, target: Hashable | int = 0) -> pd.Series:
    """Johnson's relative weights (相对权重) from a correlation (or covariance) matrix.

    R_xx = QΛQᵀ; L = QΛ^{1/2}Qᵀ (symmetric square root); β* = L⁻¹ r_xy;
    ε_j = Σ_k L_jk² β*_k²; Σ_j ε_j = R².

    Parameters
    ----------
    corr : DataFrame or ndarray
        Correlation (or covariance) matrix of the outcome and the drivers.
    target : label or int
        The outcome's row/column (default the first).

    Returns
    -------
    Series
        One weight per driver (name ``"johnson"``); ``attrs["r2"]`` holds R².

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.0], [0.3, 0.0, 1.0]])
    >>> [round(v, 12) for v in relative_weights(c)]
    [0.25, 0.09]

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
    variables in multiple regression. Multivariate Behavioral Research 35(1), 1-19.
    """
    rxx, rxy, names = _split_corr(corr, target)
    _check_singular(rxx, names)
    out = pd.Series(_johnson(rxx, rxy), index=pd.Index(names), name="johnson")
    out.attrs["r2"] = float(rxy @ np.linalg.solve(rxx, rxy))
    return out


def _split_corr(corr: Any, target: Any) -> tuple[np.ndarray, np.ndarray, list]:
    if isinstance(corr, pd.DataFrame):
        if list(corr.index) != list(corr.columns):
            raise CvlibInputError(
                "the correlation matrix must have the same labels on rows and columns, in the "
                "same order."
            )
        names = list(corr.columns)
        if target not in names:
            if isinstance(target, int) and 0 <= target < len(names):
                t = target
            else:
                raise KeyError(f"target {target!r} is not a row/column of the matrix: {names}.")
        else:
            t = names.index(target)
        c = corr.to_numpy(dtype="float64")
    else:
        c = np.asarray(corr, dtype="float64")
        if c.ndim != 2 or c.shape[0] != c.shape[1]:
            raise CvlibInputError(f"the correlation matrix must be square, got shape {c.shape}.")
        names = [f"x{j}" for j in range(c.shape[0])]
        t = int(target)
        if not 0 <= t < c.shape[0]:
            raise CvlibInputError(f"target position {t} is outside 0..{c.shape[0] - 1}.")
        names[t] = "y"
    if not np.all(np.isfinite(c)) or not np.allclose(c, c.T, rtol=0, atol=1e-10):
        raise CvlibInputError("the correlation matrix must be finite and symmetric.")
    d = np.sqrt(np.diag(c))
    if np.any(d <= 0):
        raise CvlibInputError("the matrix has a zero variance on its diagonal.")
    c = c / np.outer(d, d)  # a covariance matrix becomes a correlation matrix
    keep = [j for j in range(c.shape[0]) if j != t]
    return c[np.ix_(keep, keep)], c[keep, t], [names[j] for j in keep]


def _check_lmg_size(p: int, method: str | None) -> None:
    if p > LMG_MAX:
        raise CvlibInputError(
            f"exact LMG needs 2^{p} = {2**p:,} subset regressions for {p} drivers; cvlib computes "
            f"it for at most {LMG_MAX} drivers. Use method='johnson' (Johnson's relative weights "
            f"approximate LMG closely and need one eigen-decomposition), or fewer drivers."
        )
    if p > LMG_SILENT_MAX:
        warnings.warn(
            f"exact LMG over {p} drivers solves 2^{p} = {2**p:,} subset regressions and may take "
            f"a while; method='johnson' is a fast close approximation.",
            CvlibWarning,
            stacklevel=3,
        )


def _check_singular(rxx: np.ndarray, names: Sequence[Hashable]) -> None:
    lam, q = np.linalg.eigh(rxx)
    if lam[0] <= 1e-10 * max(lam[-1], 1.0):
        v = q[:, 0]
        involved = [names[j] for j in np.flatnonzero(np.abs(v) > 1e-6)]
        raise CvlibInputError(
            f"the drivers {involved} are perfectly collinear (their correlation matrix is "
            f"singular, smallest eigenvalue {lam[0]:.3g}): one is a linear combination of the "
            f"others, so their separate effects are not identified. Drop one of them or combine "
            f"them into one score."
        )


# ---------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True, repr=False, eq=False)
class KeyDriverResult(ResultMixin):
    """Key drivers of one outcome: one row per driver.

    Attributes
    ----------
    table : DataFrame
        Index = drivers. With ``method=None``: ``b``, ``se``, ``t``, ``p`` (OLS with intercept),
        ``beta`` (standardized β), ``r`` (r_jy), ``pratt``, ``pratt_pct``, ``lmg``, ``lmg_pct``,
        ``johnson``, ``johnson_pct`` (the shares and their % of R²), ``vif`` and ``suppressor``
        (Pratt < 0). With one ``method``: that measure (and its % of R² for a share).
    target : hashable
        The outcome column.
    method : str or None
        The measure asked for (``None`` = every measure).
    r2, adj_r2 : float
        R² and adjusted R² = 1 − (1 − R²)(n − 1)/(n − p − 1) of the full model.
    n, n_dropped : int
        Rows used and rows dropped by listwise deletion (a missing outcome or driver).
    missing : str
        ``"listwise"``.
    lmg : str
        ``"exact (2^p subsets)"`` or ``"not computed"``.
    intercept : float
        The OLS intercept.
    """

    table: pd.DataFrame = Snapshot()
    target: Hashable
    predictors: tuple
    method: str | None
    r2: float
    adj_r2: float
    n: int
    n_dropped: int
    missing: str
    lmg: str
    intercept: float

    _conventions = ("target", "method", "r2", "n", "n_dropped", "missing", "lmg")
    _title = "KeyDriverResult (关键驱动因素分析)"

    def summary(self) -> pd.DataFrame:
        """The per-driver table (a copy)."""
        return self.table

    def ranking(self, measure: str = "lmg") -> pd.Series:
        """The drivers ordered by ``measure`` (largest first), as a Series of values."""
        col = _measure_column(measure, self._table)
        return self._table[col].sort_values(ascending=False, kind="stable")


def _measure_column(measure: str, table: pd.DataFrame) -> str:
    name = KEY_DRIVER_METHODS.get(measure, measure) if isinstance(measure, str) else measure
    if name not in table.columns:
        raise CvlibInputError(
            f"measure {measure!r} is not in this result (columns: {list(table.columns)}); run "
            f"key_drivers with method=None or method={measure!r}."
        )
    return name


# ---------------------------------------------------------------------------------------------
# the public function


def key_drivers(
    df: Any,
    target: Hashable,
    predictors: Sequence[Hashable] | None = None,
    method: str | None = None,
    *,
    vif_warn: float = _VIF_WARN,
) -> KeyDriverResult:
    """Key-driver analysis (关键驱动因素分析): how much each driver explains of the outcome.

    OLS of y on the p drivers (with intercept) on the complete rows (listwise deletion; the
    count is reported), then per driver j:

    * b_j, SE, t, p (t distribution with n − p − 1 df);
    * standardized β_j = b_j s_xj / s_y (the same as OLS on z-scores);
    * r_jy, the correlation with the outcome;
    * Pratt P_j = β_j r_jy; Σ P_j = R²; P_j < 0 flags a suppressor (warning);
    * LMG / Shapley value I_j = Σ_{S ⊆ others} [|S|!(p − |S| − 1)!/p!] (R²(S ∪ {j}) − R²(S)),
      exact over all 2^p subsets from the correlation matrix; Σ I_j = R²;
    * Johnson's relative weight ε_j = Σ_k L_jk² β*_k² (L = R_xx^{1/2}, β* = L⁻¹ r_xy);
      Σ ε_j = R²;
    * each share also as % of R²; VIF_j = (R_xx⁻¹)_jj (> ``vif_warn`` warns).

    LMG runs silently for p ≤ 15, warns for 16-20 and raises ``ValueError`` for p > 20 (use
    ``method="johnson"``). A singular R_xx raises naming the collinear drivers.

    Parameters
    ----------
    df : DataFrame or read_survey result
        One row per respondent. Never modified.
    target : hashable
        The outcome column (overall satisfaction).
    predictors : list of hashable, optional
        The driver columns; default every other column of ``df`` (all must be numeric).
    method : {None, "beta", "pratt", "lmg", "johnson", "r"}
        ``None`` returns every measure; a name returns that one (aliases ``"shapley"`` = LMG,
        ``"relative_weights"`` = Johnson, ``"corr"`` = r). Only the asked measure is computed, so
        ``method="johnson"`` works for any p.
    vif_warn : float
        VIF above which a warning is raised (default 5).

    Returns
    -------
    KeyDriverResult
        ``table`` (one row per driver), ``r2``, ``adj_r2``, ``n``, ``n_dropped``, ``intercept``;
        ``summary()`` gives the table, ``ranking(measure)`` the ordered drivers.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(rng.normal(size=(200, 3)), columns=["price", "service", "speed"])
    >>> x["overall"] = 0.5 * x["price"] + 0.3 * x["service"] + rng.normal(size=200)
    >>> res = key_drivers(x, "overall", ["price", "service", "speed"])
    >>> bool(np.isclose(res.table["lmg"].sum(), res.r2, atol=1e-12))
    True
    >>> res.ranking("lmg").index.tolist()
    ['price', 'service', 'speed']
    >>> key_drivers(x, "overall", ["price", "service"], method="pratt").table.columns.tolist()
    ['pratt', 'pratt_pct']

    References
    ----------
    Lindeman, Merenda & Gold (1980); Grömping, U. (2006). Journal of Statistical Software 17(1).
    Johnson, J. W. (2000). Multivariate Behavioral Research 35(1), 1-19. Pratt, J. W. (1987).
    Dividing the indivisible. In Pukkila & Puntanen (eds.), Proc. 2nd Int. Tampere Conf. in
    Statistics. Thomas, D. R., Hughes, E., & Zumbo, B. D. (1998). Social Indicators Research 45.
    """
    frame, _, _ = unwrap(df, None, name="df")
    if method is not None:
        check_choice("method", method, KEY_DRIVER_METHODS)
        method = KEY_DRIVER_METHODS[method]
    if isinstance(target, list | tuple):
        raise CvlibInputError(f"target must be one column name, got {target!r}.")
    select_items(frame, [target], what="target")
    if predictors is None:
        predictors = [c for c in frame.columns if c != target]
    preds = select_items(frame, predictors, what="predictors")
    if target in preds:
        raise CvlibInputError(
            f"the target {target!r} is also listed as a predictor; remove it from predictors."
        )
    p = len(preds)
    if method in (None, "lmg"):
        _check_lmg_size(p, method)
    values = numeric_items(frame, [target, *preds])
    complete = values.notna().all(axis=1).to_numpy()
    n_dropped = int((~complete).sum())
    used = values.to_numpy()[complete]
    n = used.shape[0]
    if n_dropped:
        warnings.warn(
            f"key_drivers: {n_dropped} of {len(values)} rows have a missing outcome or driver "
            f"and were dropped (listwise deletion); n = {n}.",
            DataQualityWarning,
            stacklevel=2,
        )
    if n < p + 2:
        raise CvlibInputError(
            f"key_drivers needs at least p + 2 = {p + 2} complete rows for {p} drivers, got {n}; "
            f"use fewer drivers or more respondents."
        )
    sd = used.std(axis=0, ddof=1)
    names = [target, *preds]
    zero = [names[j] for j in np.flatnonzero(sd <= 0)]
    if zero:
        raise CvlibInputError(
            f"column(s) {zero} are constant on the {n} rows used (zero variance); a constant "
            f"outcome has nothing to explain and a constant driver explains nothing. Drop them."
        )
    corr = np.corrcoef(used, rowvar=False)
    rxx, rxy = corr[1:, 1:], corr[1:, 0]
    _check_singular(rxx, preds)
    rinv = np.linalg.inv(rxx)
    beta_std = rinv @ rxy
    r2 = float(rxy @ beta_std)
    adj = 1.0 - (1.0 - r2) * (n - 1) / (n - p - 1)

    # OLS with intercept (QR), for b, SE, t, p and the intercept
    x = np.column_stack([np.ones(n), used[:, 1:]])
    y = used[:, 0]
    q, rr = np.linalg.qr(x)
    coef = np.linalg.solve(rr, q.T @ y)
    resid = y - x @ coef
    dof = n - p - 1
    sigma2 = float(resid @ resid) / dof
    rinv_x = np.linalg.inv(rr)
    se = np.sqrt(sigma2 * np.sum(rinv_x**2, axis=1))
    b = coef[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = b / se[1:]
    pval = 2 * stats.t.sf(np.abs(t), dof)
    beta = b * sd[1:] / sd[0]
    vif = np.diag(rinv)

    cols: dict[str, Any] = {}
    want = {"beta", "pratt", "lmg", "johnson", "r"} if method is None else {method}
    if method is None:
        cols.update({"b": b, "se": se[1:], "t": t, "p": pval})
    if "beta" in want:
        cols["beta"] = beta
    if "r" in want:
        cols["r"] = rxy
    pratt = beta * rxy
    if "pratt" in want:
        cols["pratt"] = pratt
        cols["pratt_pct"] = 100 * pratt / r2
    lmg_text = "not computed"
    if "lmg" in want:
        lmg = _lmg(rxx, rxy)
        cols["lmg"] = lmg
        cols["lmg_pct"] = 100 * lmg / r2
        lmg_text = "exact (2^p subsets)"
    if "johnson" in want:
        rw = _johnson(rxx, rxy)
        cols["johnson"] = rw
        cols["johnson_pct"] = 100 * rw / r2
    if method is None:
        cols["vif"] = vif
        cols["suppressor"] = pratt < 0
    table = pd.DataFrame(cols, index=pd.Index(preds, name="driver"))

    high = [f"{preds[j]} ({vif[j]:.2f})" for j in np.flatnonzero(vif > vif_warn)]
    if high:
        warnings.warn(
            f"VIF > {vif_warn:g} for {', '.join(high)}: the drivers overlap strongly, so b, β "
            f"and Pratt are unstable; LMG and Johnson shares are more robust. Consider combining "
            f"the overlapping drivers.",
            CvlibWarning,
            stacklevel=2,
        )
    if ("pratt" in want) and (pratt < 0).any():
        neg = [preds[j] for j in np.flatnonzero(pratt < 0)]
        warnings.warn(
            f"negative Pratt measure for {neg}: β and r_jy have opposite signs (suppression); "
            f"their Pratt share is not an importance. Read LMG or Johnson shares instead.",
            CvlibWarning,
            stacklevel=2,
        )
    return KeyDriverResult(
        table=table,
        target=target,
        predictors=tuple(preds),
        method=method,
        r2=r2,
        adj_r2=float(adj),
        n=int(n),
        n_dropped=n_dropped,
        missing="listwise",
        lmg=lmg_text,
        intercept=float(coef[0]),
    )


def _zh_fonts(lang: str) -> None:
    """For Chinese labels: run :func:`cvlib.plots.setup_fonts` once, unless a CJK font already
    leads matplotlib's sans-serif list (Latin-only figures are left alone)."""
    if lang != "zh":
        return
    import matplotlib as mpl

    from cvlib.plots import CJK_FAMILIES, setup_fonts

    first = list(mpl.rcParams["font.sans-serif"])[:1]
    if not (first and first[0] in CJK_FAMILIES):
        setup_fonts()


# ---------------------------------------------------------------------------------------------
# the figure


def plot_key_drivers(
    result: KeyDriverResult,
    measure: str = "lmg",
    *,
    percent: bool = True,
    lang: str = "zh",
    labels: dict[Hashable, str] | None = None,
    ax: Any = None,
) -> Any:
    """Horizontal bar chart of one key-driver measure, largest at the top.

    Parameters
    ----------
    result : KeyDriverResult
        From :func:`key_drivers`.
    measure : {"lmg", "johnson", "pratt", "beta", "r"}
        The measure drawn (it must be in ``result.table``).
    percent : bool
        For a share (LMG, Johnson, Pratt): draw its % of R² (default) instead of the raw share.
    lang : {"zh", "en"}
        Language of the axis labels and title (call :func:`cvlib.plots.setup_fonts` first for
        Chinese).
    labels : dict, optional
        Display names for the drivers (e.g. the codebook wording).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "y"])
    >>> ax = plot_key_drivers(key_drivers(d, "y", ["a", "b"]), lang="en")
    >>> ax.get_xlabel()
    'LMG (Shapley) importance (% of R²)'
    """
    import matplotlib.pyplot as plt

    check_choice("lang", lang, ("zh", "en"))
    _zh_fonts(lang)
    col = _measure_column(measure, result._table)
    share = col in _SHARES
    values = result._table[col + "_pct"] if (share and percent) else result._table[col]
    values = values.sort_values(kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 0.45 * len(values) + 1.5))
    names = [str((labels or {}).get(k, k)) for k in values.index]
    colours = np.where(values.to_numpy() < 0, "#d95f02", "#1b9e77")
    ax.barh(names, values.to_numpy(), color=colours)
    ax.axvline(0, color="0.3", linewidth=0.8)
    zh, en = _MEASURE_LABELS[col]
    unit = (" (占 R² 的 %)" if lang == "zh" else " (% of R²)") if share and percent else ""
    ax.set_xlabel((zh if lang == "zh" else en) + unit)
    ax.set_ylabel("驱动因素" if lang == "zh" else "driver")
    title = (
        f"{result.target} 的关键驱动因素 (R² = {result.r2:.3f}, n = {result.n})"
        if lang == "zh"
        else f"Key drivers of {result.target} (R² = {result.r2:.3f}, n = {result.n})"
    )
    ax.set_title(title)
    return ax

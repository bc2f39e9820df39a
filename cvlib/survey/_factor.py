"""Validity (效度分析): KMO and per-item MSA, Bartlett's test of sphericity, eigenvalues, parallel
analysis, exploratory factor analysis (探索性因子分析) and McDonald's omega (``methods/survey.md``
§7.3 and §8).

Everything starts from the item correlation matrix R, built with one of two missing-value policies:

* ``missing="pairwise"`` (psych, R ``cor(use="pairwise")``): each r_ij uses the rows answered on
  both items i and j, with that pair's own means and standard deviations; n = every row that
  answered at least one item;
* ``missing="listwise"`` (SPSS FACTOR, factor_analyzer): complete rows only.

The factor code is plain numpy/scipy (no factor_analyzer, which fails with scikit-learn >= 1.8).
Conventions follow R psych ``fa``: extraction by minres (default), ML, iterated principal axes or
principal components; Kaiser row normalization around the rotation; each factor's column sum made
positive; factors ordered by the sum of squared (pattern) loadings.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import CvlibWarning
from cvlib.survey._common import check_codes, masked_items, numeric_items, select_items, unwrap
from cvlib.survey._reliability import interpret_alpha

__all__ = [
    "DEFAULT_SEED",
    "BartlettResult",
    "CorrelationResult",
    "EFAResult",
    "EigenResult",
    "KMOResult",
    "OmegaResult",
    "ParallelResult",
    "bartlett_sphericity",
    "correlation_matrix",
    "efa",
    "eigenvalues",
    "kmo",
    "mcdonald_omega",
    "parallel_analysis",
]

_MISSING = ("pairwise", "listwise")
_LANGS = ("en", "zh")
_METHODS = ("minres", "ml", "paf", "pca")
_ROTATIONS = ("oblimin", "varimax", "promax", None)
_PREFIX = {"minres": "MR", "ml": "ML", "paf": "PA", "pca": "PC"}
_PSI_LOWER = 0.005  # psych fa: optim(..., lower = .005, upper = 1) on the uniquenesses
_EIG_TOL = 1e-8  # an eigenvalue of R below this counts as zero (R singular)
_GPA_FLOOR = 1e-5  # GPArotation's default eps: below it a failed line search means converged
_LABEL_TOL = 1e-12  # a KMO of 0.8 computed as 0.7999999999999999 is still "meritorious"
DEFAULT_SEED = 20240521  # parallel_analysis: the fixed default seed (recorded in the result)

# Kaiser (1974) labels for KMO / MSA (methods/survey.md §8.1)
_KAISER = (
    (0.9, "marvelous", "极好/非常适合"),
    (0.8, "meritorious", "良好/很适合"),
    (0.7, "middling", "中等/适合"),
    (0.6, "mediocre", "一般/勉强适合"),
    (0.5, "miserable", "差/不太适合"),
    (-math.inf, "unacceptable", "不可接受/不适合"),
)
_KAISER_THRESHOLDS = {
    "en": ">= .9 marvelous, >= .8 meritorious, >= .7 middling, >= .6 mediocre, >= .5 miserable, "
    "< .5 unacceptable (Kaiser 1974)",
    "zh": "≥ .9 极好/非常适合, ≥ .8 良好/很适合, ≥ .7 中等/适合, ≥ .6 一般/勉强适合, "
    "≥ .5 差/不太适合, < .5 不可接受/不适合 (Kaiser 1974)",
}


# --------------------------------------------------------------------------------------------
# correlation matrix
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Corr:
    """The correlation matrix and its bookkeeping (internal)."""

    R: np.ndarray
    pair_n: np.ndarray
    items: list[Any]
    n: int
    n_rows: int
    n_excluded: int
    n_missing: pd.Series
    missing: str


def _pairwise_corr(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson r of every pair on the rows valid on both (R ``cor(use="pairwise")``), vectorised.

    With M the validity mask and x centred by its column mean (r does not change), for items i, j
    over their common rows: n_ij = Σ m_i m_j, S_i = Σ x_i m_j, S_ii = Σ x_i² m_j, S_ij = Σ x_i x_j and
    r_ij = (S_ij − S_i S_j / n_ij) / √((S_ii − S_i² / n_ij)(S_jj − S_j² / n_ij)).
    """
    valid = ~np.isnan(X)
    mf = valid.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.nanmean(np.where(valid, X, np.nan), axis=0)
    xc = np.where(valid, X - centre, 0.0)
    pair_n = mf.T @ mf
    s = xc.T @ mf  # s[i, j] = Σ over rows valid on i and j of x_i
    ss = (xc * xc).T @ mf  # ss[i, j] = Σ over the same rows of x_i²
    sxy = xc.T @ xc
    with np.errstate(invalid="ignore", divide="ignore"):
        var_i = ss - s * s / pair_n
        cov = sxy - s * s.T / pair_n
        R = cov / np.sqrt(var_i * var_i.T)
    np.fill_diagonal(R, 1.0)
    return R, pair_n


def _prepare(
    data: Any,
    items: Sequence[Any] | str | None,
    missing: str,
    *,
    minimum: int = 2,
    codebook: Any = None,
) -> tuple[_Corr, np.ndarray]:
    """Validate the input and build R; returns the bookkeeping and the float data used.

    Missing: NaN and every value the codebook declares missing (codes and ranges)."""
    check_choice("missing", missing, _MISSING)
    frame, book, reasons = unwrap(data, codebook)
    cols = select_items(frame, items, minimum=minimum)
    masked, _ = masked_items(frame, cols, book, reasons)
    values = numeric_items(masked, cols)
    check_codes(values, book)
    X = values.to_numpy(dtype=np.float64)
    n_rows = X.shape[0]
    valid = ~np.isnan(X)
    n_missing = pd.Series((~valid).sum(axis=0), index=cols, name="n_missing")
    keep = valid.all(axis=1) if missing == "listwise" else valid.any(axis=1)
    X = X[keep]
    n = int(keep.sum())
    if n < 3:
        what = "complete rows" if missing == "listwise" else "rows with an answer"
        raise CvlibInputError(
            f"only {n} {what} on items {cols}; a correlation matrix needs at least 3"
            + (" (try missing='pairwise')" if missing == "listwise" else "")
        )
    R, pair_n = _pairwise_corr(X)
    valid = ~np.isnan(X)
    counts = valid.sum(axis=0)
    with np.errstate(invalid="ignore"):
        sd = np.nanstd(np.where(valid, X, np.nan), axis=0)
    flat = [c for c, k, s in zip(cols, counts, sd, strict=True) if k < 2 or not s > 0]
    if flat:
        raise CvlibInputError(
            f"item(s) {', '.join(map(repr, flat))} have zero variance (every answer the same, or "
            f"fewer than 2 answers); a correlation with them is undefined: remove them"
        )
    low = np.argwhere(np.triu(pair_n < 3, k=1))
    if len(low):
        i, j = low[0]
        raise CvlibInputError(
            f"items {cols[i]!r} and {cols[j]!r} are answered together by only "
            f"{int(pair_n[i, j])} row(s); a correlation needs at least 3 ({len(low)} such "
            f"pair(s)): remove one of them or collect more answers"
        )
    bad = np.argwhere(np.triu(~np.isfinite(R), k=1))
    if len(bad):
        i, j = bad[0]
        raise CvlibInputError(
            f"the correlation of {cols[i]!r} and {cols[j]!r} is undefined on their common rows "
            f"(one of them is constant there); remove one of them or use missing='listwise'"
        )
    corr = _Corr(
        R=R,
        pair_n=pair_n,
        items=cols,
        n=n,
        n_rows=n_rows,
        n_excluded=n_rows - n,
        n_missing=n_missing,
        missing=missing,
    )
    return corr, X


def _check_invertible(corr: _Corr, purpose: str) -> np.ndarray:
    """Raise if R is singular or not positive definite, naming the most collinear items."""
    R, cols = corr.R, corr.items
    w, V = np.linalg.eigh(R)
    if w[0] > _EIG_TOL:
        return w[::-1]
    v = np.abs(V[:, 0])
    order = np.argsort(-v, kind="stable")
    involved = [cols[i] for i in order if v[i] >= 0.2][:6]
    off = np.abs(R - np.eye(len(cols)))
    i, j = np.unravel_index(np.argmax(off), off.shape)
    pair = ""
    if off[i, j] > 0.999:
        pair = f"; {cols[i]!r} and {cols[j]!r} correlate at r = {R[i, j]:.6f}"
    if w[0] < -_EIG_TOL:
        hint = (
            " (with missing='pairwise' each r uses different rows, which can make R indefinite: "
            "try missing='listwise')"
            if corr.missing == "pairwise"
            else ""
        )
        raise CvlibInputError(
            f"the correlation matrix is not positive definite (smallest eigenvalue {w[0]:.3g}), "
            f"so {purpose} is not defined{hint}; the items most involved are "
            f"{', '.join(map(repr, involved))}{pair}: remove redundant items"
        )
    raise CvlibInputError(
        f"the correlation matrix is singular (smallest eigenvalue {w[0]:.3g}), so {purpose} is "
        f"not defined: some items are (nearly) linear combinations of others. Remove redundant "
        f"items; the most collinear are {', '.join(map(repr, involved))}{pair}"
    )


@dataclass(frozen=True, repr=False, eq=False)
class CorrelationResult(ResultMixin):
    """Item correlation matrix (相关矩阵) with the missing-value bookkeeping.

    Attributes
    ----------
    matrix : DataFrame
        R, items × items.
    pair_n : DataFrame
        Number of rows behind each r_ij (all equal to ``n`` for listwise).
    n : int
        Rows used: rows with at least one answer (pairwise) or complete rows (listwise).
    n_rows, n_excluded : int
        Rows in the input and rows not used (no answer at all, or incomplete for listwise).
    n_missing : Series
        Missing cells per item in the input.
    missing : str
        ``"pairwise"`` or ``"listwise"``.
    """

    matrix: pd.DataFrame = Snapshot()
    pair_n: pd.DataFrame = Snapshot()
    n_missing: pd.Series = Snapshot()
    n: int = 0
    n_rows: int = 0
    n_excluded: int = 0
    missing: str = "pairwise"

    _conventions = ("missing", "n", "n_excluded")
    _title = "CorrelationResult (相关矩阵)"

    def summary(self) -> pd.DataFrame:
        """The correlation matrix."""
        return self._matrix.copy()


def correlation_matrix(
    data: Any,
    items: Sequence[Any] | None = None,
    *,
    missing: str = "pairwise",
    codebook: Any = None,
) -> CorrelationResult:
    """Item correlation matrix R (相关矩阵) under a stated missing-value policy.

    Pairwise: r_ij = Σ(x_i − x̄_i)(x_j − x̄_j) / √(Σ(x_i − x̄_i)² Σ(x_j − x̄_j)²) over the rows
    answered on both i and j, with means and SDs of those rows (R ``cor(use="pairwise")``, which
    psych ``KMO`` and ``fa`` use on raw data). Listwise: the same on complete rows only.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    items : list of str, optional
        Item columns (at least 2); all columns when omitted.
    missing : {"pairwise", "listwise"}
        Missing-value policy (see above).
    codebook : Codebook or dict, optional
        Values it declares missing (``missing_codes``, ``missing_ranges``) are missing; defaults
        to the codebook of a read result.

    Returns
    -------
    CorrelationResult
        ``matrix``, ``pair_n`` (rows behind each r), ``n``, ``n_excluded``, ``missing``.

    Raises
    ------
    CvlibInputError
        An item with zero variance, or a pair answered together by fewer than 3 rows.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, None], "q2": [2, 1, 4, 3, 5], "q3": [1, 3, 2, 4, 4]})
    >>> res = correlation_matrix(df)
    >>> float(round(res.matrix.loc["q1", "q2"], 6)), int(res.pair_n.loc["q1", "q2"]), res.n
    (0.6, 4, 5)
    >>> correlation_matrix(df, missing="listwise").n_excluded
    1

    References
    ----------
    Revelle, W. (2024). psych: Procedures for Psychological, Psychometric, and Personality
    Research (``cor(use = "pairwise")`` in ``KMO`` and ``fa``).
    """
    corr, _ = _prepare(data, items, missing, codebook=codebook)
    idx = pd.Index(corr.items)
    return CorrelationResult(
        matrix=pd.DataFrame(corr.R, index=idx, columns=idx),
        pair_n=pd.DataFrame(corr.pair_n.astype(np.int64), index=idx, columns=idx),
        n_missing=corr.n_missing,
        n=corr.n,
        n_rows=corr.n_rows,
        n_excluded=corr.n_excluded,
        missing=missing,
    )


# --------------------------------------------------------------------------------------------
# KMO and Bartlett
# --------------------------------------------------------------------------------------------


def _kaiser_label(value: float, lang: str) -> str:
    for threshold, en, zh in _KAISER:
        if value >= threshold - _LABEL_TOL:
            return en if lang == "en" else zh
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True, repr=False, eq=False)
class KMOResult(ResultMixin):
    """Kaiser–Meyer–Olkin measure of sampling adequacy (KMO 抽样适合性检验).

    Attributes
    ----------
    overall : float
        KMO of the whole matrix.
    per_item : Series
        MSA of each item (psych ``KMO()$MSAi``; SPSS anti-image diagonal).
    label : str
        Kaiser's label of ``overall`` in ``lang`` (e.g. "meritorious" / "良好/很适合").
    thresholds : str
        The label bands, to print next to the label.
    n, n_excluded, k : int
        Rows used, rows not used, items.
    missing, lang : str
        The missing-value policy and the language of the labels.
    """

    per_item: pd.Series = Snapshot()
    overall: float = math.nan
    label: str = ""
    thresholds: str = ""
    n: int = 0
    n_excluded: int = 0
    k: int = 0
    missing: str = "pairwise"
    lang: str = "en"

    _conventions = ("overall", "label", "missing", "n", "n_excluded")
    _title = "KMOResult (KMO 抽样适合性检验)"

    def summary(self) -> pd.DataFrame:
        """Per item: MSA and its Kaiser label; a last row "overall" with the KMO."""
        values = pd.concat([self._per_item, pd.Series({"overall": self.overall})])
        return pd.DataFrame(
            {"msa": values, "label": [_kaiser_label(v, self.lang) for v in values]},
            index=values.index,
        )


def kmo(
    data: Any,
    items: Sequence[Any] | None = None,
    *,
    missing: str = "pairwise",
    lang: str = "en",
    codebook: Any = None,
) -> KMOResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy and per-item MSA (KMO 检验).

    With R the correlation matrix and Q = S R⁻¹ S, S = diag(R⁻¹)^(−1/2), the anti-image
    (partial) correlations q_ij (signs are irrelevant: they are squared):

        KMO   = Σ_{i≠j} r_ij² / (Σ_{i≠j} r_ij² + Σ_{i≠j} q_ij²)
        MSA_j = Σ_{i≠j} r_ij² / (Σ_{i≠j} r_ij² + Σ_{i≠j} q_ij²)   (column j only)

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    items : list of str, optional
        Item columns (at least 2); all columns when omitted.
    missing : {"pairwise", "listwise"}
        ``"pairwise"`` (psych ``KMO`` on raw data) or ``"listwise"`` (SPSS FACTOR,
        factor_analyzer ``calculate_kmo``).
    lang : {"en", "zh"}
        Language of Kaiser's labels (≥ .9 marvelous 极好, ≥ .8 meritorious 良好, ≥ .7 middling 中等,
        ≥ .6 mediocre 一般, ≥ .5 miserable 差, < .5 unacceptable 不可接受).
    codebook : Codebook or dict, optional
        Values it declares missing (``missing_codes``, ``missing_ranges``) are missing; defaults
        to the codebook of a read result.

    Returns
    -------
    KMOResult
        ``overall``, ``per_item``, ``label``, ``thresholds``, ``n``, ``missing``.

    Raises
    ------
    CvlibInputError
        R is singular or not positive definite (the message names the most collinear items).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> df = pd.DataFrame(f + rng.normal(size=(300, 4)), columns=["q1", "q2", "q3", "q4"])
    >>> res = kmo(df)
    >>> round(res.overall, 3), res.label
    (0.782, 'middling')
    >>> kmo(df, lang="zh").label
    '中等/适合'

    References
    ----------
    Kaiser, H. F. (1974). An index of factorial simplicity. Psychometrika 39(1), 31-36.
    Kaiser, H. F., & Rice, J. (1974). Little Jiffy, Mark IV. Educational and Psychological
    Measurement 34(1), 111-117.
    """
    check_choice("lang", lang, _LANGS)
    corr, _ = _prepare(data, items, missing, codebook=codebook)
    _check_invertible(corr, "the KMO")
    R = corr.R
    inv = np.linalg.inv(R)
    d = 1.0 / np.sqrt(np.diag(inv))
    Q = inv * np.outer(d, d)
    r2 = R * R
    q2 = Q * Q
    np.fill_diagonal(r2, 0.0)
    np.fill_diagonal(q2, 0.0)
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    overall = float(r2.sum() / (r2.sum() + q2.sum()))
    return KMOResult(
        per_item=pd.Series(per_item, index=corr.items, name="msa"),
        overall=overall,
        label=_kaiser_label(overall, lang),
        thresholds=_KAISER_THRESHOLDS[lang],
        n=corr.n,
        n_excluded=corr.n_excluded,
        k=len(corr.items),
        missing=missing,
        lang=lang,
    )


@dataclass(frozen=True, repr=False, eq=False)
class BartlettResult(ResultMixin):
    """Bartlett's test of sphericity (巴特利特球形检验): H0 R = I.

    Attributes
    ----------
    statistic, dof, pvalue : float, int, float
        χ² = −(n − 1 − (2p + 5)/6)·ln|R|, p(p − 1)/2 degrees of freedom, upper-tail p-value.
    n, n_excluded, k : int
        Rows used (all answering rows for pairwise, complete rows for listwise), rows not used,
        items p.
    missing : str
        The missing-value policy.
    interpretation : str
        One sentence at α = .05 in ``lang``.
    """

    statistic: float = math.nan
    dof: int = 0
    pvalue: float = math.nan
    n: int = 0
    n_excluded: int = 0
    k: int = 0
    missing: str = "pairwise"
    lang: str = "en"
    interpretation: str = ""

    _conventions = ("missing", "n", "n_excluded")
    _title = "BartlettResult (Bartlett 球形检验)"

    def summary(self) -> pd.DataFrame:
        """One row: chi2, dof, pvalue, n, k."""
        return pd.DataFrame(
            {
                "chi2": [self.statistic],
                "dof": [self.dof],
                "pvalue": [self.pvalue],
                "n": [self.n],
                "k": [self.k],
            },
            index=["bartlett"],
        )


def bartlett_sphericity(
    data: Any,
    items: Sequence[Any] | None = None,
    *,
    missing: str = "pairwise",
    lang: str = "en",
    codebook: Any = None,
) -> BartlettResult:
    """Bartlett's test of sphericity (巴特利特球形检验) of the item correlation matrix.

    χ² = −(n − 1 − (2p + 5)/6) · ln|R|, dof = p(p − 1)/2, p-value from χ²(dof); n is every row
    with an answer (pairwise R, as psych ``fa``'s null model) or the complete rows (listwise R,
    SPSS FACTOR).

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    items : list of str, optional
        Item columns (at least 2); all columns when omitted.
    missing : {"pairwise", "listwise"}
        Missing-value policy of R and of n.
    lang : {"en", "zh"}
        Language of ``interpretation``.
    codebook : Codebook or dict, optional
        Values it declares missing (``missing_codes``, ``missing_ranges``) are missing; defaults
        to the codebook of a read result.

    Returns
    -------
    BartlettResult
        ``statistic``, ``dof``, ``pvalue``, ``n``, ``missing``, ``interpretation``.

    Raises
    ------
    CvlibInputError
        R is singular or not positive definite (ln|R| undefined).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> df = pd.DataFrame(f + rng.normal(size=(300, 4)), columns=["q1", "q2", "q3", "q4"])
    >>> res = bartlett_sphericity(df)
    >>> res.dof, res.n, res.pvalue < 0.001
    (6, 300, True)

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a χ² approximation in factor
    analysis. Biometrika 38(3/4), 337-344.
    """
    check_choice("lang", lang, _LANGS)
    corr, _ = _prepare(data, items, missing, codebook=codebook)
    _check_invertible(corr, "Bartlett's test (ln|R|)")
    p = len(corr.items)
    _, logdet = np.linalg.slogdet(corr.R)
    statistic = float(-(corr.n - 1 - (2 * p + 5) / 6) * logdet)
    dof = p * (p - 1) // 2
    pvalue = float(stats.chi2.sf(statistic, dof))
    if lang == "en":
        text = (
            f"chi2({dof}) = {statistic:.2f}, p = {pvalue:.3g}: "
            + (
                "the correlations are not all zero (R differs from the identity); factor "
                "analysis is possible"
                if pvalue < 0.05
                else "R does not differ significantly from the identity; factor analysis is "
                "not supported"
            )
            + " (alpha = .05)"
        )
    else:
        text = (
            f"χ²({dof}) = {statistic:.2f}, p = {pvalue:.3g}："
            + (
                "相关矩阵显著不同于单位矩阵，适合做因子分析"
                if pvalue < 0.05
                else "相关矩阵与单位矩阵无显著差异，不适合做因子分析"
            )
            + "（α = .05）"
        )
    return BartlettResult(
        statistic=statistic,
        dof=dof,
        pvalue=pvalue,
        n=corr.n,
        n_excluded=corr.n_excluded,
        k=p,
        missing=missing,
        lang=lang,
        interpretation=text,
    )


# --------------------------------------------------------------------------------------------
# eigenvalues, scree, parallel analysis
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class EigenResult(ResultMixin):
    """Eigenvalues of R (特征值) and the scree data.

    Attributes
    ----------
    values : Series
        Eigenvalues, largest first, indexed 1..p.
    table : DataFrame
        Per factor number: ``eigenvalue``, ``proportion`` (of p), ``cumulative``, ``above_1``.
    n_kaiser : int
        Number of eigenvalues > 1 (Kaiser's rule).
    n, n_excluded : int
        Rows used and not used.
    missing : str
        The missing-value policy.
    """

    values: pd.Series = Snapshot()
    table: pd.DataFrame = Snapshot()
    n_kaiser: int = 0
    n: int = 0
    n_excluded: int = 0
    missing: str = "pairwise"

    _conventions = ("missing", "n", "n_kaiser")
    _title = "EigenResult (特征值 / 碎石图数据)"

    def summary(self) -> pd.DataFrame:
        """The scree table."""
        return self._table.copy()


def eigenvalues(
    data: Any,
    items: Sequence[Any] | None = None,
    *,
    missing: str = "pairwise",
    codebook: Any = None,
) -> EigenResult:
    """Eigenvalues of the item correlation matrix and the scree data (碎石图).

    R = V diag(λ) V′ with λ₁ ≥ … ≥ λ_p; proportion_j = λ_j / p; Kaiser's rule keeps λ > 1.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    items : list of str, optional
        Item columns (at least 2); all columns when omitted.
    missing : {"pairwise", "listwise"}
        Missing-value policy of R.
    codebook : Codebook or dict, optional
        Values it declares missing (``missing_codes``, ``missing_ranges``) are missing; defaults
        to the codebook of a read result.

    Returns
    -------
    EigenResult
        ``values``, ``table`` (eigenvalue, proportion, cumulative, above_1), ``n_kaiser``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> df = pd.DataFrame(f + rng.normal(size=(300, 4)), columns=["q1", "q2", "q3", "q4"])
    >>> res = eigenvalues(df)
    >>> res.n_kaiser, round(float(res.values.sum()), 10)
    (1, 4.0)

    References
    ----------
    Kaiser, H. F. (1960). The application of electronic computers to factor analysis. Educational
    and Psychological Measurement 20(1), 141-151. Cattell, R. B. (1966). The scree test for the
    number of factors. Multivariate Behavioral Research 1(2), 245-276.
    """
    corr, _ = _prepare(data, items, missing, codebook=codebook)
    p = len(corr.items)
    w = np.linalg.eigvalsh(corr.R)[::-1]
    idx = pd.RangeIndex(1, p + 1, name="factor")
    table = pd.DataFrame(
        {
            "eigenvalue": w,
            "proportion": w / p,
            "cumulative": np.cumsum(w) / p,
            "above_1": w > 1,
        },
        index=idx,
    )
    return EigenResult(
        values=pd.Series(w, index=idx, name="eigenvalue"),
        table=table,
        n_kaiser=int((w > 1).sum()),
        n=corr.n,
        n_excluded=corr.n_excluded,
        missing=missing,
    )


def _smc(R: np.ndarray) -> np.ndarray:
    """Squared multiple correlations 1 − 1/diag(R⁻¹) (batched over leading axes)."""
    inv = np.linalg.inv(R)
    return 1.0 - 1.0 / np.diagonal(inv, axis1=-2, axis2=-1)


def _reduced(R: np.ndarray) -> np.ndarray:
    """R with the SMCs on the diagonal (batched)."""
    out = R.copy()
    p = R.shape[-1]
    out[..., np.arange(p), np.arange(p)] = _smc(R)
    return out


@dataclass(frozen=True, repr=False, eq=False)
class ParallelResult(ResultMixin):
    """Horn's parallel analysis (平行分析).

    Attributes
    ----------
    table : DataFrame
        Per factor number: ``observed`` eigenvalue, ``random_mean``, ``random_quantile`` (at
        ``quantile``; NaN when ``quantile="mean"``), ``threshold`` (the one compared) and
        ``retain`` (observed > threshold).
    n_factors : int
        Number of leading eigenvalues above the threshold (counting stops at the first one that
        is not).
    kind : str
        ``"components"`` (eigenvalues of R) or ``"factors"`` (of R with SMCs on the diagonal).
    n_iter, seed, quantile, n, n_excluded, missing
        The simulation settings: random normal data of the same n and p, ``n_iter`` times, from
        ``numpy.random.default_rng(seed)``.
    """

    table: pd.DataFrame = Snapshot()
    n_factors: int = 0
    kind: str = "components"
    n_iter: int = 0
    seed: int = DEFAULT_SEED
    quantile: float | str = 0.95
    n: int = 0
    n_excluded: int = 0
    missing: str = "pairwise"

    _conventions = ("n_factors", "kind", "quantile", "n_iter", "seed", "n", "missing")
    _title = "ParallelResult (平行分析)"

    def summary(self) -> pd.DataFrame:
        """The comparison table."""
        return self._table.copy()


def parallel_analysis(
    data: Any,
    items: Sequence[Any] | None = None,
    *,
    n_iter: int = 100,
    seed: int = DEFAULT_SEED,
    quantile: float | str = 0.95,
    kind: str = "components",
    missing: str = "pairwise",
    codebook: Any = None,
) -> ParallelResult:
    """Horn's parallel analysis (平行分析): how many factors beat random data.

    Draws ``n_iter`` data sets of n × p independent standard normals (n = rows used, p = items),
    computes the eigenvalues of each one's correlation matrix (``kind="factors"``: with SMCs on
    the diagonal, as psych ``fa.parallel``'s factor side) and keeps factor j while the observed
    λ_j exceeds the random λ_j's ``quantile`` (psych default 0.95) or mean (``quantile="mean"``,
    Horn 1965). The simulation is vectorised in chunks; ``seed`` makes it reproducible and is
    recorded.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    items : list of str, optional
        Item columns (at least 2); all columns when omitted.
    n_iter : int
        Number of random data sets (≥ 1).
    seed : int
        Seed of ``numpy.random.default_rng``; a fixed default so that results repeat.
    quantile : float in (0, 1) or "mean"
        Which random eigenvalue to compare with.
    kind : {"components", "factors"}
        Eigenvalues of R (principal components) or of the reduced R (common factors).
    missing : {"pairwise", "listwise"}
        Missing-value policy of the observed R (and of n).
    codebook : Codebook or dict, optional
        Values it declares missing (``missing_codes``, ``missing_ranges``) are missing; defaults
        to the codebook of a read result.

    Returns
    -------
    ParallelResult
        ``table``, ``n_factors`` and the simulation settings.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 2))
    >>> X = np.hstack([f[:, [0]] + rng.normal(size=(300, 3)), f[:, [1]] + rng.normal(size=(300, 3))])
    >>> df = pd.DataFrame(X, columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> parallel_analysis(df, n_iter=20, seed=1).n_factors
    2

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    Psychometrika 30(2), 179-185.
    """
    check_choice("kind", kind, ("components", "factors"))
    if isinstance(n_iter, bool) or not isinstance(n_iter, int | np.integer) or n_iter < 1:
        raise CvlibInputError(f"n_iter={n_iter!r} must be a positive integer, e.g. 100")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise CvlibInputError(
            f"seed={seed!r} must be an integer so that the simulation can be repeated; pass e.g. "
            f"seed={DEFAULT_SEED}"
        )
    if isinstance(quantile, str):
        if quantile != "mean":
            raise CvlibInputError(f"quantile={quantile!r}: use a number in (0, 1) or 'mean'")
    elif not (isinstance(quantile, float | int) and 0 < quantile < 1):
        raise CvlibInputError(f"quantile={quantile!r}: use a number in (0, 1) or 'mean'")
    corr, _ = _prepare(data, items, missing, codebook=codebook)
    _check_invertible(corr, "parallel analysis")
    n, p = corr.n, len(corr.items)
    observed = corr.R if kind == "components" else _reduced(corr.R)
    obs = np.linalg.eigvalsh(observed)[::-1]
    rng = np.random.default_rng(int(seed))
    sims = np.empty((int(n_iter), p))
    chunk = max(1, int(4_000_000 // (n * p)))  # bound the memory of one batch (~32 MB)
    for start in range(0, int(n_iter), chunk):
        b = min(chunk, int(n_iter) - start)
        Z = rng.standard_normal((b, n, p))
        Z -= Z.mean(axis=1, keepdims=True)
        C = np.matmul(Z.transpose(0, 2, 1), Z)
        d = 1.0 / np.sqrt(np.diagonal(C, axis1=1, axis2=2))
        Rs = C * d[:, :, None] * d[:, None, :]
        if kind == "factors":
            Rs = _reduced(Rs)
        sims[start : start + b] = np.linalg.eigvalsh(Rs)[:, ::-1]
    mean = sims.mean(axis=0)
    if quantile == "mean":
        q = np.full(p, np.nan)
        threshold = mean
    else:
        q = np.quantile(sims, float(quantile), axis=0)
        threshold = q
    retain = obs > threshold
    n_factors = int(p if retain.all() else np.argmin(retain))
    table = pd.DataFrame(
        {
            "observed": obs,
            "random_mean": mean,
            "random_quantile": q,
            "threshold": threshold,
            "retain": retain,
        },
        index=pd.RangeIndex(1, p + 1, name="factor"),
    )
    return ParallelResult(
        table=table,
        n_factors=n_factors,
        kind=kind,
        n_iter=int(n_iter),
        seed=int(seed),
        quantile=quantile if quantile == "mean" else float(quantile),
        n=n,
        n_excluded=corr.n_excluded,
        missing=missing,
    )


# --------------------------------------------------------------------------------------------
# extraction
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Extraction:
    L: np.ndarray
    converged: bool
    n_iter: int
    objective: float
    message: str


def _top(S: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eigen-decomposition of symmetric S, largest first: (values, vectors, top-m loadings)."""
    w, V = np.linalg.eigh(S)
    w, V = w[::-1], V[:, ::-1]
    return w, V, V[:, :m] * np.sqrt(np.maximum(w[:m], 0.0))


def _extract_minres(R: np.ndarray, m: int, max_iter: int, tol: float) -> _Extraction:
    """Minimum residual (= unweighted least squares) on the uniquenesses ψ, as psych ``fa``.

    F(ψ) = ½‖R − diag(ψ) − ΛΛ′‖², Λ = the top-m eigenpairs of R − diag(ψ) (negative eigenvalues
    cut to 0); ∂F/∂ψ_i = diag(ΛΛ′ + diag(ψ) − R)_i (psych ``FAgr.minres``). L-BFGS-B from
    ψ = 1 − SMC within [0.005, 1] (psych's bounds). At an interior optimum the diagonal residual
    is 0, so F is the off-diagonal residual sum of squares that minres minimises.
    """
    p = R.shape[0]

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        S = R - np.diag(psi)
        _, _, L = _top(S, m)
        resid = S - L @ L.T
        return 0.5 * float(np.sum(resid * resid)), -np.diag(resid).copy()

    start = np.clip(1.0 - _smc(R), _PSI_LOWER, 1.0)
    res = optimize.minimize(
        fun,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(_PSI_LOWER, 1.0)] * p,
        options={"maxiter": max_iter, "ftol": 1e-15, "gtol": tol},
    )
    _, _, L = _top(R - np.diag(res.x), m)
    return _Extraction(L, bool(res.success), int(res.nit), float(res.fun), str(res.message))


def _extract_ml(R: np.ndarray, m: int, max_iter: int, tol: float) -> _Extraction:
    """Maximum likelihood (R ``factanal`` / psych ``fa(fm="ml")``) on the uniquenesses ψ.

    With e_k the eigenvalues of Ψ^(−1/2) R Ψ^(−1/2) (descending), the discrepancy is
    F(ψ) = Σ_{k>m} (e_k − ln e_k − 1) and ∂F/∂ψ = diag(Σ − R)/ψ², Σ = ΛΛ′ + Ψ,
    Λ = Ψ^(1/2) V_m diag(√max(e_k − 1, 0)). L-BFGS-B from ψ = 1 − SMC within [0.005, 1].
    """
    p = R.shape[0]

    def loadings(psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = 1.0 / np.sqrt(psi)
        w, V = np.linalg.eigh(R * np.outer(s, s))
        w, V = w[::-1], V[:, ::-1]
        L = np.sqrt(psi)[:, None] * V[:, :m] * np.sqrt(np.maximum(w[:m] - 1.0, 0.0))
        return w, L

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        w, L = loadings(psi)
        e = w[m:]
        f = float(np.sum(e - np.log(e) - 1.0))
        g = (np.sum(L * L, axis=1) + psi - np.diag(R)) / psi**2
        return f, g

    start = np.clip(1.0 - _smc(R), _PSI_LOWER, 1.0)
    res = optimize.minimize(
        fun,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(_PSI_LOWER, 1.0)] * p,
        options={"maxiter": max_iter, "ftol": 1e-15, "gtol": tol},
    )
    _, L = loadings(res.x)
    return _Extraction(L, bool(res.success), int(res.nit), float(res.fun), str(res.message))


def _extract_paf(R: np.ndarray, m: int, max_iter: int, tol: float) -> _Extraction:
    """Iterated principal axes: SMCs on the diagonal, then h² ← diag(ΛΛ′) until the largest
    change of a communality is below ``tol`` (or ``max_iter`` iterations)."""
    h = _smc(R)
    S = R.copy()
    delta = math.inf
    L = np.zeros((R.shape[0], m))
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        np.fill_diagonal(S, h)
        _, _, L = _top(S, m)
        h_new = np.sum(L * L, axis=1)
        delta = float(np.max(np.abs(h_new - h)))
        h = h_new
        if delta < tol:
            break
    converged = delta < tol
    message = (
        f"converged: largest communality change {delta:.2e} < tol {tol:g} after {it} iterations"
        if converged
        else f"not converged: largest communality change {delta:.2e} >= tol {tol:g} after "
        f"{it} iterations (max_iter)"
    )
    return _Extraction(L, converged, it, delta, message)


def _extract_pca(R: np.ndarray, m: int, max_iter: int, tol: float) -> _Extraction:
    """Principal components: Λ = V_m diag(√λ_m) of R itself (no iteration)."""
    _, _, L = _top(R, m)
    return _Extraction(L, True, 0, 0.0, "closed form")


_EXTRACT = {
    "minres": _extract_minres,
    "ml": _extract_ml,
    "paf": _extract_paf,
    "pca": _extract_pca,
}


# --------------------------------------------------------------------------------------------
# rotation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rotation:
    L: np.ndarray  # rotated pattern
    T: np.ndarray  # L = A @ T (the transformation applied to the input loadings)
    phi: np.ndarray | None
    converged: bool
    n_iter: int


def _varimax(A: np.ndarray, tol: float, max_iter: int) -> _Rotation:
    """Varimax by the orthogonal gradient projection algorithm (Bernaards & Jennrich 2005,
    GPArotation ``GPForth`` + ``vgQ.varimax``), stopped when the projected gradient's norm is
    below ``tol``.

    Criterion (to minimise) f(L) = −¼ Σ_j Σ_i (λ_ij² − mean_i λ_ij²)², L = A T, T orthogonal. It
    maximises the same criterion as Kaiser's SVD iteration of R ``stats::varimax``, which can
    alternate between equivalent solutions and stops on a relative criterion change of 1e-5
    (loadings good to about 1e-4 only).
    """

    def crit(L: np.ndarray) -> tuple[float, np.ndarray]:
        L2 = L * L
        QL = L2 - L2.mean(axis=0)
        return -float(np.sum(QL * QL)) / 4.0, -L * QL

    k = A.shape[1]
    T = np.eye(k)
    L = A.copy()
    f, Gq = crit(L)
    G = A.T @ Gq
    alpha = 1.0
    converged = False
    it = 0
    for it in range(max_iter + 1):  # noqa: B007 - the count is reported
        M = T.T @ G
        Gp = G - T @ ((M + M.T) / 2.0)
        s = float(np.sqrt(np.sum(Gp * Gp)))
        if s < tol:
            converged = True
            break
        alpha *= 2.0
        improved = False
        for _ in range(11):
            u, _, vh = np.linalg.svd(T - alpha * Gp)
            Tt = u @ vh
            Lt = A @ Tt
            ft, Gqt = crit(Lt)
            if ft < f - 0.5 * s * s * alpha:
                improved = True
                break
            alpha /= 2.0
        if not improved and s < _GPA_FLOOR:
            converged = True  # no step improves f any more: the gradient is at rounding level
            break
        T, L, f, Gq = Tt, Lt, ft, Gqt
        G = A.T @ Gq
    return _Rotation(L, T, None, converged, it)


def _promax(A: np.ndarray, kappa: float, tol: float, max_iter: int) -> _Rotation:
    """Promax (Hendrickson & White 1964) as psych ``Promax``: varimax, target X∘|X|^(κ−1),
    least-squares fit U, columns scaled so that Φ = (U′U)⁻¹ has a unit diagonal."""
    vari = _varimax(A, tol, max_iter)
    X = vari.L
    Q = X * np.abs(X) ** (kappa - 1.0)
    U = np.linalg.lstsq(X, Q, rcond=None)[0]
    d = np.diag(np.linalg.inv(U.T @ U))
    U = U * np.sqrt(d)
    T = vari.T @ U
    inv = np.linalg.inv(T)
    phi = inv @ inv.T
    return _Rotation(X @ U, T, phi, vari.converged, vari.n_iter)


def _oblimin(A: np.ndarray, gamma: float, tol: float, max_iter: int) -> _Rotation:
    """Direct oblimin by the gradient projection algorithm (Bernaards & Jennrich 2005,
    GPArotation ``GPFoblq`` + ``vgQ.oblimin``); γ = 0 is quartimin.

    Criterion f(L) = ¼ Σ (L∘L) ∘ ((I − γ/p·11′)(L∘L) N), N = 11′ − I; L = A (Tm′)⁻¹, Φ = Tm′Tm.
    """
    p, k = A.shape
    N = np.ones((k, k)) - np.eye(k)
    C = np.eye(p) - gamma / p if gamma != 0 else None

    def crit(L: np.ndarray) -> tuple[float, np.ndarray]:
        X = (L * L) @ N
        if C is not None:
            X = C @ X
        return float(np.sum(L * L * X) / 4.0), L * X

    Tm = np.eye(k)
    L = A.copy()
    f, Gq = crit(L)
    G = -(L.T @ Gq @ np.linalg.inv(Tm)).T
    alpha = 1.0
    converged = False
    it = 0
    for it in range(max_iter + 1):  # noqa: B007 - the count is reported
        Gp = G - Tm * np.sum(Tm * G, axis=0)
        s = float(np.sqrt(np.sum(Gp * Gp)))
        if s < tol:
            converged = True
            break
        alpha *= 2.0
        improved = False
        for _ in range(11):
            X = Tm - alpha * Gp
            Tt = X / np.sqrt(np.sum(X * X, axis=0))
            Lt = A @ np.linalg.inv(Tt).T
            ft, Gqt = crit(Lt)
            if f - ft > 0.5 * s * s * alpha:
                improved = True
                break
            alpha /= 2.0
        if not improved and s < _GPA_FLOOR:
            # no step improves f any more: the gradient is at rounding level
            converged = True
            break
        Tm, L, f, Gq = Tt, Lt, ft, Gqt
        G = -(L.T @ Gq @ np.linalg.inv(Tm)).T
    return _Rotation(L, np.linalg.inv(Tm).T, Tm.T @ Tm, converged, it)


def _rotate(
    L: np.ndarray,
    rotation: str,
    *,
    normalize: bool,
    kappa: float,
    gamma: float,
    tol: float,
    max_iter: int,
) -> _Rotation:
    """Rotate, with Kaiser row normalization (rows scaled to unit length, undone afterwards)."""
    h = np.sqrt(np.sum(L * L, axis=1)) if normalize else np.ones(L.shape[0])
    h = np.where(h > 0, h, 1.0)
    A = L / h[:, None]
    if rotation == "varimax":
        rot = _varimax(A, tol, max_iter)
    elif rotation == "promax":
        rot = _promax(A, kappa, tol, max_iter)
    else:
        rot = _oblimin(A, gamma, tol, max_iter)
    return _Rotation(rot.L * h[:, None], rot.T, rot.phi, rot.converged, rot.n_iter)


# --------------------------------------------------------------------------------------------
# EFA
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class EFAResult(ResultMixin):
    """Exploratory factor analysis (探索性因子分析) results.

    Attributes
    ----------
    loadings : DataFrame
        Items × factors: rotated loadings (the pattern matrix for oblique rotations). Rows are
        sorted by dominant factor (largest |loading|), then by that |loading| descending, when
        ``sort=True``; every item-indexed attribute uses the same row order.
    unrotated : DataFrame
        The extracted loadings before rotation (columns signed to positive sums).
    pattern, structure, phi : DataFrame or None
        Oblique rotations: pattern (= ``loadings``), structure = pattern · Φ and the factor
        correlations Φ. ``None`` for orthogonal or no rotation.
    communalities, uniquenesses, complexity : Series
        h² = diag(Λ Φ Λ′), u² = 1 − h², Hoffman's complexity (Σλ²)² / Σλ⁴.
    variance : DataFrame
        psych ``Vaccounted``: rows "SS loadings" (Σ λ² per factor; diag(Φ Λ′Λ) for oblique),
        "Proportion Var" (/p), "Cumulative Var", "Proportion Explained" (/Σ SS),
        "Cumulative Proportion".
    eigenvalues : Series
        Eigenvalues of R (the initial eigenvalues).
    rotation_matrix : DataFrame or None
        T with ``loadings = unrotated @ T`` (before row sorting).
    rmsr : float
        Root mean square of the off-diagonal residuals of R − Λ Φ Λ′.
    chi2, chi2_dof, chi2_pvalue : float, int, float
        Likelihood-ratio χ² of the fitted model, (n − 1 − (2p + 5)/6 − 2m/3) ·
        [tr(Σ⁻¹R) − ln|Σ⁻¹R| − p] with Σ = ΛΛ′ + diag(1 − h²) (as psych ``fa`` and R
        ``factanal``), dof = ((p − m)² − (p + m)) / 2; NaN for PCA.
    heywood : list
        Items with a communality ≥ 0.995 (uniqueness at psych's lower bound) or above 1.
    method, rotation, normalize, kappa, gamma, missing, n, n_excluded, n_factors
        The conventions used (``rotation`` is ``None`` when nothing was rotated).
    converged, n_iter, message, rotation_converged, rotation_n_iter
        Convergence of the extraction and of the rotation.
    """

    loadings: pd.DataFrame = Snapshot()
    unrotated: pd.DataFrame = Snapshot()
    communalities: pd.Series = Snapshot()
    uniquenesses: pd.Series = Snapshot()
    complexity: pd.Series = Snapshot()
    variance: pd.DataFrame = Snapshot()
    eigenvalues: pd.Series = Snapshot()
    pattern: pd.DataFrame | None = Snapshot(default=None)
    structure: pd.DataFrame | None = Snapshot(default=None)
    phi: pd.DataFrame | None = Snapshot(default=None)
    rotation_matrix: pd.DataFrame | None = Snapshot(default=None)
    heywood: list = Snapshot(default_factory=list)
    rmsr: float = math.nan
    chi2: float = math.nan
    chi2_dof: int = 0
    chi2_pvalue: float = math.nan
    method: str = "minres"
    rotation: str | None = "oblimin"
    normalize: bool = True
    kappa: float = 4.0
    gamma: float = 0.0
    missing: str = "pairwise"
    n: int = 0
    n_excluded: int = 0
    n_factors: int = 1
    converged: bool = True
    n_iter: int = 0
    message: str = ""
    rotation_converged: bool = True
    rotation_n_iter: int = 0

    _conventions = ("method", "rotation", "normalize", "n_factors", "missing", "n")
    _title = "EFAResult (探索性因子分析)"

    def summary(self) -> pd.DataFrame:
        """Loadings with h2 (communality), u2 (uniqueness) and com (complexity), psych style."""
        out = self._loadings.copy()
        out["h2"] = self._communalities
        out["u2"] = self._uniquenesses
        out["com"] = self._complexity
        return out

    def display(self, threshold: float = 0.3, decimals: int = 2) -> pd.DataFrame:
        """Formatted loadings table with |loading| < ``threshold`` left blank (SPSS "suppress
        small coefficients"); display only, the numbers in ``loadings`` are untouched."""
        if not threshold >= 0:
            raise CvlibInputError(f"threshold={threshold!r} must be a number >= 0, e.g. 0.3")
        fmt = f"{{:.{int(decimals)}f}}".format
        lo = self._loadings
        shown = lo.map(fmt).where(lo.abs() >= threshold, "")
        for col, values in (
            ("h2", self._communalities),
            ("u2", self._uniquenesses),
            ("com", self._complexity),
        ):
            shown[col] = values.map(fmt)
        return shown

    @property
    def table(self) -> pd.DataFrame:
        """``display()`` with the default threshold 0.3."""
        return self.display()


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise CvlibInputError(f"{name}={value!r} must be an integer >= {low}")
    return int(value)


def _sort_rows(L: np.ndarray) -> np.ndarray:
    """psych ``fa.sort``: group items by the factor of their largest |loading|, then by it."""
    absl = np.abs(L)
    dom = np.argmax(absl, axis=1)
    size = absl[np.arange(L.shape[0]), dom]
    return np.lexsort((-size, dom))


def _lr_chi2(R: np.ndarray, model: np.ndarray, n: int, m: int) -> tuple[float, int, float]:
    """psych ``factor.stats`` / ``factanal`` likelihood-ratio χ² of a fitted model."""
    p = R.shape[0]
    Sigma = model.copy()
    np.fill_diagonal(Sigma, np.diag(R))
    try:
        M = np.linalg.solve(Sigma, R)
    except np.linalg.LinAlgError:
        return math.nan, 0, math.nan
    sign, logdet = np.linalg.slogdet(M)
    if sign <= 0:
        return math.nan, 0, math.nan
    f = float(np.trace(M) - logdet - p)
    dof = ((p - m) ** 2 - (p + m)) // 2
    chi2 = (n - 1 - (2 * p + 5) / 6 - 2 * m / 3) * f
    pvalue = float(stats.chi2.sf(chi2, dof)) if dof > 0 else math.nan
    return float(chi2), int(dof), pvalue


def efa(
    data: Any,
    items: Sequence[Any] | None = None,
    *,
    n_factors: int,
    method: str = "minres",
    rotation: str | None = "oblimin",
    missing: str = "pairwise",
    normalize: bool = True,
    kappa: float = 4.0,
    gamma: float = 0.0,
    sort: bool = True,
    max_iter: int = 1000,
    tol: float = 1e-8,
    rotation_max_iter: int = 1000,
    rotation_tol: float = 1e-8,
    codebook: Any = None,
) -> EFAResult:
    """Exploratory factor analysis (探索性因子分析) of the item correlation matrix.

    Model R ≈ Λ Φ Λ′ + Ψ. Extraction (``method``):

    * ``"minres"`` (psych default): minimise the residual sum of squares ½‖R − Ψ − ΛΛ′‖² over the
      uniquenesses ψ ∈ [0.005, 1] (L-BFGS-B from ψ = 1 − SMC, analytic gradient
      diag(ΛΛ′ + Ψ − R)); at the optimum the diagonal residual vanishes, so this is Harman's
      minimum residual solution;
    * ``"ml"``: maximum likelihood, minimising Σ_{k>m}(e_k − ln e_k − 1) over ψ, e = eigenvalues of
      Ψ^(−1/2) R Ψ^(−1/2) (R ``factanal``);
    * ``"paf"``: iterated principal axes from SMC communalities until the largest change of a
      communality is below ``tol`` (at most ``max_iter`` iterations; psych stops when the sum
      changes by < .001 or after 50, SPSS by < .001 or after 25);
    * ``"pca"``: principal components Λ = V_m diag(√λ_m).

    Rotation: ``"oblimin"`` (direct oblimin, γ = ``gamma`` = 0, gradient projection),
    ``"varimax"`` (orthogonal), ``"promax"`` (κ = ``kappa`` = 4, psych ``Promax``) or ``None``.
    With ``normalize=True`` (Kaiser normalization, spec §8.3; SPSS default) each row of Λ is
    divided by √h² before rotating and multiplied back afterwards. Note: psych ``fa(rotate=
    "oblimin")`` calls GPArotation without normalization, so ``normalize=False`` reproduces
    psych's oblimin; psych's varimax and promax do normalize.

    Afterwards, as psych ``fa``: every factor is signed so that its column sum is positive, and
    the factors are ordered by their sum of squared (pattern) loadings, largest first.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    items : list of str, optional
        Item columns (at least 3); all columns when omitted.
    n_factors : int
        Number of factors m, 1 ≤ m < p (see :func:`parallel_analysis`, :func:`eigenvalues`).
    method : {"minres", "ml", "paf", "pca"}
        Extraction method.
    rotation : {"oblimin", "varimax", "promax", None}
        Rotation (ignored, and recorded as ``None``, for one factor).
    missing : {"pairwise", "listwise"}
        Missing-value policy of R.
    normalize : bool
        Kaiser row normalization around the rotation.
    kappa : float
        Promax power (> 1).
    gamma : float
        Oblimin γ (0 = quartimin, the psych/GPArotation and SPSS δ = 0 default).
    sort : bool
        Sort the rows by dominant factor (psych ``fa.sort``).
    max_iter, tol : int, float
        Extraction iteration cap and tolerance (projected gradient for minres/ML, largest
        communality change for PAF); both recorded in ``n_iter``/``converged``/``message``.
    rotation_max_iter : int
        Iteration cap of the rotation (``rotation_converged``, ``rotation_n_iter``).
    rotation_tol : float
        Rotation tolerance: norm of the projected gradient of the rotation criterion (gradient
        projection algorithm for varimax, the varimax step of promax, and oblimin; GPArotation's
        ``eps``, whose default is 1e-5).
    codebook : Codebook or dict, optional
        Values it declares missing (``missing_codes``, ``missing_ranges``) are missing; defaults
        to the codebook of a read result.

    Returns
    -------
    EFAResult
        ``loadings``, ``display()``, ``communalities``, ``uniquenesses``, ``variance``, and for
        oblique rotations ``pattern``, ``structure``, ``phi``; fit (``rmsr``, ``chi2``) and
        convergence details.

    Warns
    -----
    CvlibWarning
        A Heywood case (communality ≥ 0.995), a non-converged extraction or rotation, or more
        factors than the data identify (negative degrees of freedom).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(500, 2))
    >>> X = np.hstack([f[:, [0]] + rng.normal(size=(500, 3)), f[:, [1]] + rng.normal(size=(500, 3))])
    >>> df = pd.DataFrame(X, columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = efa(df, n_factors=2, rotation="varimax")
    >>> res.loadings.abs().idxmax(axis=1).tolist()
    ['MR1', 'MR1', 'MR1', 'MR2', 'MR2', 'MR2']
    >>> res.display().loc["a1", "MR2"]
    ''

    References
    ----------
    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals (minres).
    Psychometrika 31(3), 351-368. Kaiser, H. F. (1958). The varimax criterion for analytic
    rotation in factor analysis. Psychometrika 23(3), 187-200. Hendrickson, A. E., & White,
    P. O. (1964). Promax. British Journal of Statistical Psychology 17(1), 65-70. Bernaards,
    C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software for arbitrary
    rotation criteria in factor analysis. Educational and Psychological Measurement 65(5),
    676-696. Revelle, W. (2024). psych ``fa``.
    """
    check_choice("method", method, _METHODS)
    check_choice("rotation", rotation, _ROTATIONS)
    if not isinstance(normalize, bool | np.bool_):
        raise CvlibInputError(f"normalize={normalize!r} must be True or False")
    if not (isinstance(kappa, int | float) and kappa > 1):
        raise CvlibInputError(f"kappa={kappa!r} must be a number > 1 (promax power; 4 is usual)")
    if not (isinstance(gamma, int | float) and math.isfinite(gamma)):
        raise CvlibInputError(f"gamma={gamma!r} must be a finite number (0 = quartimin)")
    max_iter = _check_int("max_iter", max_iter, 1)
    rotation_max_iter = _check_int("rotation_max_iter", rotation_max_iter, 1)
    for name, value in (("tol", tol), ("rotation_tol", rotation_tol)):
        if not (isinstance(value, int | float) and value > 0):
            raise CvlibInputError(f"{name}={value!r} must be a positive number")
    corr, _ = _prepare(data, items, missing, minimum=3, codebook=codebook)
    p = len(corr.items)
    if isinstance(n_factors, bool) or not isinstance(n_factors, int | np.integer):
        raise CvlibInputError(f"n_factors={n_factors!r} must be an integer in 1..{p - 1}")
    m = int(n_factors)
    if not 1 <= m < p:
        raise CvlibInputError(
            f"n_factors={m} must be between 1 and {p - 1} (one less than the {p} items); see "
            f"parallel_analysis() or eigenvalues() to choose it"
        )
    if method != "pca":  # SMC starts and the ML discrepancy need R⁻¹; components do not
        _check_invertible(corr, f"{method} factor extraction")
    R = corr.R
    dof = ((p - m) ** 2 - (p + m)) // 2
    if method != "pca" and dof < 0:
        warnings.warn(
            f"{m} factors for {p} items leave {dof} degrees of freedom: the model is not "
            f"identified; use fewer factors",
            CvlibWarning,
            stacklevel=2,
        )
    ext = _EXTRACT[method](R, m, max_iter, float(tol))
    if not ext.converged:
        warnings.warn(
            f"{method} extraction did not converge ({ext.message}); raise max_iter or check the "
            f"items",
            CvlibWarning,
            stacklevel=2,
        )
    L0 = ext.L.copy()
    sign0 = np.where(L0.sum(axis=0) < 0, -1.0, 1.0)
    L0 = L0 * sign0
    rot_used = rotation if m > 1 else None
    if rot_used is None:
        L, T, phi = L0.copy(), np.eye(m), None
        rot_conv, rot_it = True, 0
    else:
        rot = _rotate(
            L0,
            rot_used,
            normalize=bool(normalize),
            kappa=float(kappa),
            gamma=float(gamma),
            tol=float(rotation_tol),
            max_iter=rotation_max_iter,
        )
        L, T, phi = rot.L, rot.T, rot.phi
        rot_conv, rot_it = rot.converged, rot.n_iter
        if not rot_conv:
            warnings.warn(
                f"{rot_used} rotation did not converge in {rot_it} iterations; raise "
                f"rotation_max_iter",
                CvlibWarning,
                stacklevel=2,
            )
    sign = np.where(L.sum(axis=0) < 0, -1.0, 1.0)
    L = L * sign
    T = T * sign
    if phi is not None:
        phi = phi * np.outer(sign, sign)
    order = np.argsort(-np.sum(L * L, axis=0), kind="stable")
    L, T = L[:, order], T[:, order]
    if phi is not None:
        phi = phi[np.ix_(order, order)]
    model = L @ (phi if phi is not None else np.eye(m)) @ L.T
    h2 = np.diag(model).copy()
    u2 = 1.0 - h2
    ss = np.diag(phi @ L.T @ L) if phi is not None else np.sum(L * L, axis=0)
    com = np.sum(L * L, axis=1) ** 2 / np.sum(L**4, axis=1)
    resid = R - model
    np.fill_diagonal(resid, 0.0)
    rmsr = float(np.sqrt(np.sum(resid * resid) / (p * (p - 1))))
    if method == "pca":
        chi2, chi2_dof, chi2_p = math.nan, dof, math.nan
    else:
        chi2, chi2_dof, chi2_p = _lr_chi2(R, model, corr.n, m)
    rows = _sort_rows(L) if sort else np.arange(p)
    items_sorted = [corr.items[i] for i in rows]
    names = [f"{_PREFIX[method]}{j + 1}" for j in range(m)]
    heywood = [] if method == "pca" else [corr.items[i] for i in np.flatnonzero(u2 <= 0.005 + 1e-6)]
    if heywood:
        warnings.warn(
            f"Heywood case: item(s) {', '.join(map(repr, heywood))} have a communality >= 0.995 "
            f"(uniqueness at or below 0.005); the solution is improper. Check for redundant items, "
            f"too many factors or too few rows",
            CvlibWarning,
            stacklevel=2,
        )
    idx = pd.Index(items_sorted)
    loadings = pd.DataFrame(L[rows], index=idx, columns=names)
    oblique = phi is not None
    tot = p  # total variance of a correlation matrix: Σ(h² + u²)
    variance = pd.DataFrame(
        [ss, ss / tot, np.cumsum(ss) / tot, ss / ss.sum(), np.cumsum(ss) / ss.sum()],
        index=[
            "SS loadings",
            "Proportion Var",
            "Cumulative Var",
            "Proportion Explained",
            "Cumulative Proportion",
        ],
        columns=names,
    )
    return EFAResult(
        loadings=loadings,
        unrotated=pd.DataFrame(
            L0[rows], index=idx, columns=[f"{_PREFIX[method]}{j + 1}" for j in range(m)]
        ),
        pattern=loadings if oblique else None,
        structure=pd.DataFrame((L @ phi)[rows], index=idx, columns=names) if oblique else None,
        phi=pd.DataFrame(phi, index=names, columns=names) if oblique else None,
        communalities=pd.Series(h2[rows], index=idx, name="h2"),
        uniquenesses=pd.Series(u2[rows], index=idx, name="u2"),
        complexity=pd.Series(com[rows], index=idx, name="com"),
        variance=variance,
        eigenvalues=pd.Series(
            np.linalg.eigvalsh(R)[::-1], index=pd.RangeIndex(1, p + 1), name="eigenvalue"
        ),
        rotation_matrix=None
        if rot_used is None
        else pd.DataFrame(T, index=[f"U{j + 1}" for j in range(m)], columns=names),
        heywood=heywood,
        rmsr=rmsr,
        chi2=chi2,
        chi2_dof=chi2_dof,
        chi2_pvalue=chi2_p,
        method=method,
        rotation=rot_used,
        normalize=bool(normalize),
        kappa=float(kappa),
        gamma=float(gamma),
        missing=missing,
        n=corr.n,
        n_excluded=corr.n_excluded,
        n_factors=m,
        converged=ext.converged,
        n_iter=ext.n_iter,
        message=ext.message,
        rotation_converged=rot_conv,
        rotation_n_iter=rot_it,
    )


# --------------------------------------------------------------------------------------------
# McDonald's omega
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class OmegaResult(ResultMixin):
    """McDonald's ω_t (total omega, 合成信度) from a one-factor model.

    Attributes
    ----------
    omega : float
        ω_t = (Σλ)² / ((Σλ)² + Σψ).
    loadings, uniquenesses : Series
        One-factor loadings λ_j (signed so that Σλ > 0) and ψ_j = 1 − λ_j².
    heywood : list
        Items with λ² ≥ 0.995 (uniqueness at the 0.005 bound): an improper solution.
    method, missing : str
        Extraction method and missing-value policy.
    n, n_excluded, k : int
        Rows used, rows not used, items.
    converged : bool
        Whether the one-factor extraction converged.

    ``interpretation(lang)`` reads ω_t with the §7.4 bands ("en"/"zh").
    """

    loadings: pd.Series = Snapshot()
    uniquenesses: pd.Series = Snapshot()
    heywood: list = Snapshot(default_factory=list)
    omega: float = math.nan
    method: str = "minres"
    missing: str = "pairwise"
    n: int = 0
    n_excluded: int = 0
    k: int = 0
    converged: bool = True

    _conventions = ("omega", "method", "missing", "n", "k")
    _title = "OmegaResult (McDonald ω)"

    def interpretation(self, lang: str = "en") -> str:
        """ω_t in words with the reliability bands of survey.md §7.4 next to it (``lang``
        "en"/"zh"), as :meth:`AlphaResult.interpretation`; a report aid only."""
        return interpret_alpha(self.omega, lang, symbol="ω_t")

    def summary(self) -> pd.DataFrame:
        """Per item: loading and uniqueness."""
        return pd.DataFrame({"loading": self._loadings, "uniqueness": self._uniquenesses})


def mcdonald_omega(
    data: Any,
    items: Sequence[Any] | None = None,
    *,
    missing: str = "pairwise",
    method: str = "minres",
    codebook: Any = None,
) -> OmegaResult:
    """McDonald's ω_t (合成信度 / omega total) from a one-factor model of R.

    Fit one factor to the item correlation matrix (minres by default, or ML), take loadings λ_j
    and uniquenesses ψ_j = 1 − λ_j²; then ω_t = (Σλ)² / ((Σλ)² + Σψ). With equal loadings this
    equals the standardized α of the implied correlation matrix.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    items : list of str, optional
        Item columns (at least 3, so that one factor is identified); all columns when omitted.
    missing : {"pairwise", "listwise"}
        Missing-value policy of R.
    method : {"minres", "ml"}
        One-factor extraction.
    codebook : Codebook or dict, optional
        Values it declares missing (``missing_codes``, ``missing_ranges``) are missing; defaults
        to the codebook of a read result.

    Returns
    -------
    OmegaResult
        ``omega``, ``loadings``, ``uniquenesses``, ``heywood``, ``n``, ``method``, ``missing``;
        ``interpretation(lang)`` reads ω_t in words.

    Warns
    -----
    CvlibWarning
        A Heywood case (λ² ≥ 0.995), a negative loading (check reverse keying, 检查反向题) or a
        non-converged extraction.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(400, 1))
    >>> df = pd.DataFrame(f + rng.normal(size=(400, 4)), columns=["q1", "q2", "q3", "q4"])
    >>> res = mcdonald_omega(df)
    >>> round(res.omega, 3), res.k
    (0.778, 4)

    References
    ----------
    McDonald, R. P. (1999). Test Theory: A Unified Treatment. Mahwah, NJ: Erlbaum.
    Revelle, W., & Zinbarg, R. E. (2009). Coefficients alpha, beta, omega, and the glb.
    Psychometrika 74(1), 145-154.
    """
    check_choice("method", method, ("minres", "ml"))
    corr, _ = _prepare(data, items, missing, minimum=3, codebook=codebook)
    _check_invertible(corr, "the one-factor model")
    ext = _EXTRACT[method](corr.R, 1, 1000, 1e-8)
    lam = ext.L[:, 0]
    if lam.sum() < 0:
        lam = -lam
    psi = 1.0 - lam * lam
    s = float(lam.sum())
    omega = s * s / (s * s + float(psi.sum()))
    heywood = [corr.items[i] for i in np.flatnonzero(psi <= 0.005 + 1e-6)]
    if not ext.converged:
        warnings.warn(
            f"one-factor {method} extraction did not converge ({ext.message})",
            CvlibWarning,
            stacklevel=2,
        )
    if heywood:
        warnings.warn(
            f"Heywood case: item(s) {', '.join(map(repr, heywood))} have a loading of about 1 "
            f"(uniqueness <= 0.005); omega is unreliable. Check for redundant items",
            CvlibWarning,
            stacklevel=2,
        )
    negative = [corr.items[i] for i in np.flatnonzero(lam < 0)]
    if negative:
        warnings.warn(
            f"item(s) {', '.join(map(repr, negative))} load negatively on the common factor: "
            f"check reverse keying (检查反向题) before computing omega",
            CvlibWarning,
            stacklevel=2,
        )
    return OmegaResult(
        loadings=pd.Series(lam, index=corr.items, name="loading"),
        uniquenesses=pd.Series(psi, index=corr.items, name="uniqueness"),
        heywood=heywood,
        omega=omega,
        method=method,
        missing=missing,
        n=corr.n,
        n_excluded=corr.n_excluded,
        k=len(corr.items),
        converged=ext.converged,
    )

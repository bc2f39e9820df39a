"""Reliability (信度): Cronbach's alpha (克朗巴哈系数) and item-total statistics (``survey.md`` §7).

Everything is computed from the item covariance matrix C, so the missing-data policy
(``missing="pairwise"`` as in psych and pingouin, or ``"listwise"`` as in SPSS RELIABILITY)
carries through every number: the headline alpha, the standardized alpha (from cov2cor(C), never
from ``DataFrame.corr()``), Guttman's lambda 6, the Feldt confidence interval and the
item-total table (SPSS ``/SUMMARY=TOTAL``, psych ``r.drop`` and ``alpha.drop``).

McDonald's omega (§7.3) lives with the factor analysis functions.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import DataQualityWarning
from cvlib.survey._codebook import Codebook
from cvlib.survey._common import (
    check_codes,
    masked_items,
    numeric_items,
    reason_counts,
    select_items,
    unwrap,
)

__all__ = [
    "ALPHA_THRESHOLDS",
    "AlphaResult",
    "cronbach_alpha",
    "interpret_alpha",
    "item_total",
    "reliability_by_scale",
]

#: Rule-of-thumb bands for alpha (survey.md §7.4; George & Mallery 2003): (lower bound, English,
#: Chinese), best first. A value belongs to the first band whose lower bound it reaches.
ALPHA_THRESHOLDS: tuple[tuple[float, str, str], ...] = (
    (0.9, "excellent", "优秀"),
    (0.8, "good", "良好"),
    (0.7, "acceptable", "可接受"),
    (0.6, "questionable", "尚可"),
    (0.5, "poor", "较差"),
    (-math.inf, "unacceptable", "不可接受"),
)

_MISSING = ("pairwise", "listwise")
_LANGS = ("en", "zh")
_ITEM_TOTAL_COLUMNS = [
    "n_valid",
    "scale_mean_if_deleted",
    "scale_var_if_deleted",
    "r_drop",
    "alpha_if_deleted",
]


# ---------------------------------------------------------------------------------------------
# interpretation (§7.4)


def _level(value: float, lang: str) -> str:
    if not np.isfinite(value):
        return "not computable" if lang == "en" else "无法计算"
    for bound, en, zh in ALPHA_THRESHOLDS:
        if value >= bound:
            return en if lang == "en" else zh
    raise AssertionError("unreachable")  # pragma: no cover - the last bound is -inf


def _threshold_text(lang: str) -> str:
    parts = []
    for bound, en, zh in ALPHA_THRESHOLDS[:-1]:
        parts.append(f"≥ {bound:.1f} {en if lang == 'en' else zh}")
    last = ALPHA_THRESHOLDS[-2][0]
    tail = ALPHA_THRESHOLDS[-1]
    parts.append(f"< {last:.1f} {tail[1] if lang == 'en' else tail[2]}")
    return (", " if lang == "en" else "，").join(parts)


def interpret_alpha(value: float, lang: str = "en", *, symbol: str = "α") -> str:
    """A reliability coefficient in words, with the thresholds printed next to it (§7.4).

    Bands: ≥ .9 excellent (优秀), ≥ .8 good (良好), ≥ .7 acceptable (可接受), ≥ .6 questionable
    (尚可), ≥ .5 poor (较差), < .5 unacceptable (不可接受). The text is a report aid only; it never
    changes a computation.

    Parameters
    ----------
    value : float
        The coefficient (alpha, or omega when the factor-analysis functions reuse the bands).
    lang : {"en", "zh"}
        Language of the text.
    symbol : str
        How the coefficient is named in the text.

    Returns
    -------
    str

    Examples
    --------
    >>> print(interpret_alpha(0.8139629))
    α = 0.814: good (thresholds: ≥ 0.9 excellent, ≥ 0.8 good, ≥ 0.7 acceptable, ≥ 0.6 questionable, ≥ 0.5 poor, < 0.5 unacceptable)
    >>> print(interpret_alpha(0.65, lang="zh"))
    α = 0.650：尚可（标准：≥ 0.9 优秀，≥ 0.8 良好，≥ 0.7 可接受，≥ 0.6 尚可，≥ 0.5 较差，< 0.5 不可接受）

    References
    ----------
    George, D., & Mallery, P. (2003). SPSS for Windows step by step (4th ed.). Allyn & Bacon.
    """
    check_choice("lang", lang, _LANGS)
    value = float(value)
    shown = f"{value:.3f}" if np.isfinite(value) else "NaN"
    if lang == "en":
        return f"{symbol} = {shown}: {_level(value, lang)} (thresholds: {_threshold_text(lang)})"
    return f"{symbol} = {shown}：{_level(value, lang)}（标准：{_threshold_text(lang)}）"


# ---------------------------------------------------------------------------------------------
# the computation


@dataclass(frozen=True)
class _Prepared:
    values: pd.DataFrame  # float64, the rows used
    n_excluded: int
    missing_cells: dict[str, int]


def _prepare(
    frame: pd.DataFrame,
    items: Sequence[Any],
    reasons: pd.DataFrame | None,
    missing: str,
    codebook: Codebook | None = None,
) -> _Prepared:
    """Validate the items and apply the missing-data policy (rows used, rows excluded).

    Missing cells: NaN and the values the codebook declares missing (codes and ranges), counted
    by reason (:func:`cvlib.survey._common.missing_cells`)."""
    masked, why = masked_items(frame, items, codebook, reasons)
    values = numeric_items(masked, items)
    check_codes(values, codebook)
    isna = values.isna()
    missing_cells = reason_counts(why)
    if missing == "listwise":
        keep = ~isna.any(axis=1)
    else:  # a row with no valid answer on any item contributes nothing
        keep = ~isna.all(axis=1)
    used = values.loc[keep.to_numpy()]
    return _Prepared(used, int((~keep).sum()), missing_cells)


def _covariance(used: pd.DataFrame, missing: str) -> pd.DataFrame:
    """Item covariance matrix C (ddof 1), each element on the rows valid for both items."""
    items = list(used.columns)
    if used.shape[0] < 2:
        policy = "complete rows" if missing == "listwise" else "rows with a valid answer"
        raise CvlibInputError(
            f"alpha needs at least 2 respondents (n >= 2); {used.shape[0]} {policy} on items "
            f"{items}. Add respondents"
            + (' or use missing="pairwise".' if missing == "listwise" else ".")
        )
    valid = used.notna().to_numpy(dtype="float64")
    pairs = valid.T @ valid
    few = np.flatnonzero(np.diag(pairs) < 2)
    if few.size:
        i = few[0]
        raise CvlibInputError(
            f"item {items[i]!r} has only {int(pairs[i, i])} answer(s), so its variance is "
            f"undefined; alpha needs at least 2. Drop the item or collect more answers."
        )
    if (pairs < 2).any():
        i, j = np.argwhere(pairs < 2)[0]
        raise CvlibInputError(
            f"items {items[i]!r} and {items[j]!r} have only {int(pairs[i, j])} respondent(s) "
            f"answering both, so their covariance is undefined; alpha needs at least 2. Drop one "
            f"of the items or collect more answers."
        )
    return used.cov(ddof=1)


def _core(used: pd.DataFrame, missing: str, standardized: bool, ci: float) -> dict[str, Any]:
    """Every number of §7.1 and §7.2 from the rows used."""
    items = list(used.columns)
    k = len(items)
    n = int(used.shape[0])
    cov = _covariance(used, missing)
    c = cov.to_numpy()
    var = np.diag(c).copy()
    zero = [items[j] for j in np.flatnonzero(var <= 0)]
    if zero:
        warnings.warn(
            f"item(s) {zero} have zero variance (every respondent gave the same answer); they "
            f"add nothing to reliability and their correlations (standardized alpha, average_r, "
            f"G6, r_drop) are undefined (NaN). Drop them from the scale.",
            DataQualityWarning,
            stacklevel=4,
        )
    total = c.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha_raw = k / (k - 1) * (1.0 - np.trace(c) / total)
        sd = np.sqrt(var)
        r = c / np.outer(sd, sd)  # cov2cor(C), NOT DataFrame.corr()
        np.fill_diagonal(r, np.where(var > 0, 1.0, np.nan))
        r_sum = r.sum()
        average_r = (r_sum - k) / (k * (k - 1))
        alpha_std = k * average_r / (1.0 + (k - 1) * average_r)
        signal_noise = k * average_r / (1.0 - average_r)
        g6 = np.nan
        if np.isfinite(r).all():
            eig = np.linalg.eigvalsh(r)
            if eig[0] > 1e-10 * eig[-1]:  # positive definite: smc_j = 1 - 1/(R^-1)_jj
                smc = 1.0 - 1.0 / np.diag(np.linalg.inv(r))
                g6 = 1.0 - np.sum(1.0 - smc) / r_sum
            else:
                warnings.warn(
                    f"the item correlation matrix of {items} is not positive definite (smallest "
                    f"eigenvalue {eig[0]:.3g}: fewer respondents than items, an item that is a "
                    f"linear combination of others, or an inconsistent pairwise matrix), so "
                    f"Guttman's lambda 6 (G6) is undefined (NaN); alpha is unaffected.",
                    DataQualityWarning,
                    stacklevel=4,
                )

        # item-total statistics (§7.2), from C
        row = c.sum(axis=1)
        var_del = total - 2.0 * row + var
        means = used.mean().to_numpy()
        mean_del = means.sum() - means
        r_drop = (row - var) / np.sqrt(var * var_del)
        if k > 2:
            if standardized:
                r_row = r.sum(axis=1)
                r_del = (r_sum - 2.0 * r_row + 1.0 - (k - 1)) / ((k - 1) * (k - 2))
                alpha_del = (k - 1) * r_del / (1.0 + (k - 2) * r_del)
            else:
                alpha_del = (k - 1) / (k - 2) * (1.0 - (np.trace(c) - var) / var_del)
        else:  # one item left: alpha is not defined
            alpha_del = np.full(k, np.nan)

    alpha = float(alpha_std if standardized else alpha_raw)
    gamma = 1.0 - ci
    df1, df2 = n - 1, (n - 1) * (k - 1)
    ci_bounds = (
        float(1.0 - (1.0 - alpha) * stats.f.isf(gamma / 2.0, df1, df2)),
        float(1.0 - (1.0 - alpha) * stats.f.isf(1.0 - gamma / 2.0, df1, df2)),
    )
    person_mean = used.mean(axis=1)  # psych: mean of the available items per row
    table = pd.DataFrame(
        {
            "n_valid": used.notna().sum().to_numpy(),
            "scale_mean_if_deleted": mean_del,
            "scale_var_if_deleted": var_del,
            "r_drop": r_drop,
            "alpha_if_deleted": alpha_del,
        },
        index=pd.Index(items, name="item"),
    )
    return {
        "alpha": alpha,
        "alpha_raw": float(alpha_raw),
        "alpha_std": float(alpha_std),
        "ci": ci_bounds,
        "average_r": float(average_r),
        "signal_noise": float(signal_noise),
        "g6": float(g6),
        "scale_mean": float(person_mean.mean()),
        "scale_sd": float(person_mean.std(ddof=1)),
        "k": k,
        "n": n,
        "item_total": table,
        "covariance": cov,
    }


def _check_ci(ci: Any) -> float:
    if isinstance(ci, bool) or not isinstance(ci, int | float | np.floating) or not 0 < ci < 1:
        raise CvlibInputError(
            f"ci={ci!r} is not a confidence level; pass a number strictly between 0 and 1, e.g. "
            f"ci=0.95 for a 95% interval."
        )
    return float(ci)


def _warn_keying(alpha: float, table: pd.DataFrame, estimator: str) -> None:
    negative = table.index[table["r_drop"].to_numpy() < 0].tolist()
    if negative:
        detail = ", ".join(f"{i!r} (r_drop = {table.at[i, 'r_drop']:.3f})" for i in negative)
        warnings.warn(
            f"negative corrected item-total correlation for {detail}: item may need reverse "
            f"scoring (可能需要反向计分). Reverse it (x_rev = scale_min + scale_max - x) or "
            f"check its wording.",
            DataQualityWarning,
            stacklevel=4,
        )
    if alpha < 0:
        warnings.warn(
            f"{estimator} alpha = {alpha:.6f} < 0: the items correlate negatively on average; "
            f"check reverse keying (检查反向题) before interpreting the scale.",
            DataQualityWarning,
            stacklevel=4,
        )


# ---------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True, repr=False, eq=False)
class AlphaResult(ResultMixin):
    """Cronbach's alpha (克朗巴哈系数) of one scale, with everything psych ``alpha`` reports.

    Attributes
    ----------
    alpha : float
        The headline coefficient: raw alpha, or standardized alpha when ``standardized=True``.
    alpha_raw, alpha_std : float
        Raw alpha from C and standardized alpha from R = cov2cor(C).
    ci : (float, float)
        Feldt confidence interval of ``alpha`` at level ``ci_level`` (not rounded).
    average_r : float
        Mean off-diagonal element of R (psych ``average_r``).
    signal_noise : float
        k·r̄ / (1 − r̄) (psych ``S/N``).
    g6 : float
        Guttman's lambda 6 from squared multiple correlations (psych ``G6(smc)``).
    scale_mean, scale_sd : float
        Mean and SD (ddof 1) of the per-row mean of the available items (psych convention).
    k, n, n_excluded : int
        Items; rows used; rows left out (listwise: rows missing any item; pairwise: rows missing
        every item).
    missing : {"pairwise", "listwise"}
        How C was estimated. ``standardized`` and ``ci_level`` record the other conventions.
    items : list
        The item columns, in order.
    item_total : DataFrame
        One row per item: ``n_valid``, ``scale_mean_if_deleted``, ``scale_var_if_deleted``,
        ``r_drop`` (corrected item-total r) and ``alpha_if_deleted`` (same estimator as
        ``alpha``; NaN when k = 2 because one item has no alpha).
    covariance : DataFrame
        The item covariance matrix C that every number comes from.
    missing_cells : dict
        Missing cells among the items, counted by reason (the reasons of a ``read_survey``
        result, the codebook's reason for a declared missing code, else "system missing").

    Every read of a table returns a new copy; the result never changes after construction.
    """

    alpha: float
    alpha_raw: float
    alpha_std: float
    ci: tuple[float, float]
    average_r: float
    signal_noise: float
    g6: float
    scale_mean: float
    scale_sd: float
    k: int
    n: int
    n_excluded: int
    missing: str
    standardized: bool
    ci_level: float
    items: list[Any] = Snapshot()
    item_total: pd.DataFrame = Snapshot()
    covariance: pd.DataFrame = Snapshot()
    missing_cells: dict[str, int] = Snapshot(default_factory=dict)

    _conventions = ("missing", "standardized", "ci_level", "k", "n", "n_excluded")
    _title = "AlphaResult (Cronbach's α 克朗巴哈系数)"

    @property
    def estimator(self) -> str:
        """``"standardized"`` or ``"raw"``: which alpha is the headline ``alpha``."""
        return "standardized" if self.standardized else "raw"

    def interpretation(self, lang: str = "en") -> str:
        """The headline alpha in words with the §7.4 thresholds next to it (``lang`` "en"/"zh")."""
        symbol = "α (standardized)" if self.standardized else "α"
        if lang == "zh":
            symbol = "标准化 α" if self.standardized else "α"
        return interpret_alpha(self.alpha, lang, symbol=symbol)

    def summary(self) -> pd.DataFrame:
        """The scalar statistics, one per row (column ``value``)."""
        rows = {
            "alpha": self.alpha,
            "alpha_raw": self.alpha_raw,
            "alpha_std": self.alpha_std,
            "ci_low": self.ci[0],
            "ci_high": self.ci[1],
            "average_r": self.average_r,
            "signal_noise": self.signal_noise,
            "g6": self.g6,
            "scale_mean": self.scale_mean,
            "scale_sd": self.scale_sd,
            "k": self.k,
            "n": self.n,
            "n_excluded": self.n_excluded,
        }
        out = pd.DataFrame({"value": pd.Series(rows, dtype="float64")})
        out.index.name = "statistic"
        return out


# ---------------------------------------------------------------------------------------------
# public functions


def _cronbach(
    data: Any, items: Any, missing: str, ci: Any, standardized: bool, codebook: Any
) -> AlphaResult:
    """cronbach_alpha's body; both public callers sit 4 frames above the warnings."""
    check_choice("missing", missing, _MISSING)
    ci = _check_ci(ci)
    frame, book, reasons = unwrap(data, codebook)
    cols = select_items(frame, items, what="cronbach_alpha items")
    if len(cols) < 2:
        raise CvlibInputError(
            f"alpha needs at least 2 items (k >= 2), got {len(cols)} ({cols}); a single item has "
            f"no internal consistency."
        )
    prepared = _prepare(frame, cols, reasons, missing, book)
    out = _core(prepared.values, missing, bool(standardized), ci)
    _warn_keying(out["alpha"], out["item_total"], "standardized" if standardized else "raw")
    return AlphaResult(
        n_excluded=prepared.n_excluded,
        missing=missing,
        standardized=bool(standardized),
        ci_level=ci,
        items=cols,
        missing_cells=prepared.missing_cells,
        **out,
    )


def cronbach_alpha(
    data: Any,
    items: Sequence[Hashable] | None = None,
    *,
    missing: str = "pairwise",
    ci: float = 0.95,
    standardized: bool = False,
    codebook: Any = None,
) -> AlphaResult:
    r"""Cronbach's alpha (克朗巴哈系数, 内部一致性信度) of a set of items.

    From the item covariance matrix C (k items):

    * raw: α = k/(k−1) · (1 − tr C / Σ_ij C_ij);
    * standardized: R = cov2cor(C), R_ij = C_ij / √(C_ii C_jj); r̄ = mean off-diagonal R;
      α_std = k·r̄ / (1 + (k−1)·r̄). R is *not* ``DataFrame.corr()``: with missing data that
      uses a different SD for every pair;
    * S/N = k·r̄ / (1 − r̄); Guttman λ6 = 1 − Σ_j (1 − smc_j) / Σ_ij R_ij with
      smc_j = 1 − 1/(R⁻¹)_jj;
    * Feldt CI at level 1 − γ: [1 − (1 − α)·F_{1−γ/2}(n−1, (n−1)(k−1)),
      1 − (1 − α)·F_{γ/2}(n−1, (n−1)(k−1))], with n the rows used.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent, items as numeric columns (codes; NaN = missing). Reverse-keyed
        items must already be reversed.
    items : list, optional
        Item columns; every column of ``data`` when omitted.
    missing : {"pairwise", "listwise"}
        ``"pairwise"`` (psych ``alpha`` and pingouin; default): each element of C uses the rows
        valid on both items, and every row with at least one answer counts in n.
        ``"listwise"`` (SPSS RELIABILITY, psych ``use="complete.obs"``): complete rows only.
    ci : float
        Level of the Feldt confidence interval.
    standardized : bool
        Report the standardized alpha as the headline ``alpha`` (its CI and the "alpha if
        deleted" column then use the standardized estimator as well).
    codebook : Codebook or dict, optional
        Values it declares missing (``missing_codes``, ``missing_ranges``) are missing; defaults
        to the codebook of a read result.

    Returns
    -------
    AlphaResult
        ``alpha``, ``alpha_std``, ``ci``, ``average_r``, ``signal_noise``, ``g6``,
        ``scale_mean``, ``scale_sd``, ``k``, ``n``, ``n_excluded``, ``item_total``,
        ``interpretation(lang)`` and ``summary()``.

    Raises
    ------
    CvlibInputError
        Fewer than 2 items or 2 rows used, or a pair of items with fewer than 2 joint answers.
    TypeError
        An item holds text (the message names the column, row and value).

    Warns
    -----
    DataQualityWarning
        A zero-variance item; a negative corrected item-total correlation ("item may need
        reverse scoring (可能需要反向计分)"); alpha < 0 ("check reverse keying (检查反向题)").

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 3], "q2": [2, 2, 3, 5, 4, 3],
    ...                    "q3": [1, 3, 3, 4, 5, 2]})
    >>> res = cronbach_alpha(df)
    >>> round(res.alpha, 4), round(res.alpha_std, 4), res.k, res.n
    (0.9318, 0.9336, 3, 6)
    >>> print(res.interpretation())
    α = 0.932: excellent (thresholds: ≥ 0.9 excellent, ≥ 0.8 good, ≥ 0.7 acceptable, ≥ 0.6 questionable, ≥ 0.5 poor, < 0.5 unacceptable)
    >>> res.item_total[["r_drop", "alpha_if_deleted"]].round(3)
          r_drop  alpha_if_deleted
    item
    q1     0.942             0.832
    q2     0.807             0.947
    q3     0.854             0.908

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16(3), 297-334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. Applied Psychological Measurement 11(1), 93-103.
    Guttman, L. (1945). A basis for analyzing test-retest reliability. Psychometrika 10, 255-282.
    Revelle, W. psych: ``alpha`` (R package).
    """
    return _cronbach(data, items, missing, ci, standardized, codebook)


def item_total(
    data: Any,
    items: Sequence[Hashable] | None = None,
    *,
    missing: str = "pairwise",
    standardized: bool = False,
    codebook: Any = None,
) -> pd.DataFrame:
    """Item-total statistics (项目-总体统计; SPSS RELIABILITY ``/SUMMARY=TOTAL``, §7.2).

    From the item covariance matrix C (so the missing-data policy carries through); for item j,
    with −j meaning every item except j:

    * scale mean if deleted = Σ_{i≠j} mean_i;
    * scale variance if deleted = Σ_{i,l ∈ −j} C_il;
    * corrected item-total r (psych ``r.drop``) = Σ_{i≠j} C_ij / √(C_jj · Σ_{i,l ∈ −j} C_il);
    * alpha if deleted = alpha of the other k − 1 items with the same estimator as the
      headline alpha (raw, or standardized when ``standardized=True``).

    With complete data these equal the row-sum versions (variance and correlation of the sum of
    the other items).

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    items : list, optional
        Item columns; every column when omitted.
    missing : {"pairwise", "listwise"}
        As in :func:`cronbach_alpha`.
    standardized : bool
        Use standardized alpha for ``alpha_if_deleted``.
    codebook : Codebook or dict, optional
        As in :func:`cronbach_alpha`.

    Returns
    -------
    DataFrame
        Indexed by item: ``n_valid``, ``scale_mean_if_deleted``, ``scale_var_if_deleted``,
        ``r_drop``, ``alpha_if_deleted``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 3], "q2": [2, 2, 3, 5, 4, 3],
    ...                    "q3": [1, 3, 3, 4, 5, 2]})
    >>> tab = item_total(df)
    >>> tab[["scale_mean_if_deleted", "scale_var_if_deleted"]].round(3)
          scale_mean_if_deleted  scale_var_if_deleted
    item
    q1                    6.167                 5.767
    q2                    6.000                 7.600
    q3                    6.167                 6.167

    References
    ----------
    IBM SPSS Statistics Command Syntax Reference: RELIABILITY, /SUMMARY=TOTAL.
    Revelle, W. psych: ``alpha`` (``item.stats$r.drop``, ``alpha.drop``).
    """
    return _cronbach(data, items, missing, 0.95, standardized, codebook).item_total


def _scales_from(
    scales: Mapping[Any, Any] | Sequence[Any] | None, codebook: Codebook | None
) -> dict[Any, list[Any]]:
    constructs = codebook.constructs if codebook is not None else {}
    if scales is None:
        if not constructs:
            raise CvlibInputError(
                "no scales to analyse: pass scales={'name': [items], ...} or a codebook whose "
                "items have a 'construct' (维度)."
            )
        return {name: list(cols) for name, cols in constructs.items()}
    if isinstance(scales, Mapping):
        out = {}
        for name, cols in scales.items():
            if isinstance(cols, str) or not isinstance(cols, Sequence | pd.Index):
                cols = [cols]
            out[name] = list(cols)
    else:
        if isinstance(scales, str):
            scales = [scales]
        unknown = [s for s in scales if s not in constructs]
        if unknown:
            raise KeyError(
                f"scale(s) {unknown} are not constructs of the codebook (constructs: "
                f"{sorted(constructs, key=str)}); pass scales as a dict name -> items instead."
            )
        out = {name: list(constructs[name]) for name in scales}
    if not out:
        raise CvlibInputError("scales is empty; pass at least one scale name -> items.")
    return out


def reliability_by_scale(
    data: Any,
    codebook: Any = None,
    scales: Mapping[Any, Sequence[Hashable]] | Sequence[Any] | None = None,
    *,
    missing: str = "pairwise",
    ci: float = 0.95,
    standardized: bool = False,
    lang: str = "en",
) -> pd.DataFrame:
    """Cronbach's alpha for every scale (维度) of a questionnaire, one row per scale.

    Each scale is computed exactly as :func:`cronbach_alpha` (each with its own rows used). A
    scale that cannot be computed (one item, fewer than 2 respondents, a pair of items never
    answered together) is reported with ``computable=False`` and the reason, and the other
    scales are still computed. Warnings of a scale are re-issued with the scale's name.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent; reverse-keyed items already reversed.
    codebook : Codebook, dict, list or DataFrame, optional
        Supplies the scales (``construct`` of each item) when ``scales`` does not; overrides the
        codebook of a read result. Values it declares missing (``missing_codes``,
        ``missing_ranges``) are missing, and a value outside a scaled item's scale raises. Items
        marked ``reverse`` that ``data.attrs["cvlib"]["reversed"]`` does not list trigger a
        warning (they may not have been reversed yet).
    scales : dict or list, optional
        ``{name: [items]}``, or a list of construct names of the codebook; every construct of
        the codebook when omitted.
    missing, ci, standardized
        As in :func:`cronbach_alpha`.
    lang : {"en", "zh"}
        Language of the ``level`` column (§7.4 bands).

    Returns
    -------
    DataFrame
        Indexed by ``scale``: ``items`` (comma-separated), ``k``, ``n``, ``n_excluded``,
        ``missing``, ``estimator``, ``alpha``, ``alpha_std``, ``ci_low``, ``ci_high``,
        ``average_r``, ``g6``, ``signal_noise``, ``scale_mean``, ``scale_sd``, ``min_r_drop``,
        ``weakest_item`` (lowest r_drop), ``level``, ``computable``, ``reason``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a1": [1, 2, 3, 4, 5], "a2": [1, 3, 3, 5, 4], "b1": [2, 2, 4, 4, 5]})
    >>> tab = reliability_by_scale(df, scales={"A": ["a1", "a2"], "B": ["b1"]})
    >>> tab[["k", "n", "alpha", "level", "computable"]].round(3)
           k     n  alpha           level  computable
    scale
    A      2     5   0.92       excellent        True
    B      1  <NA>    NaN  not computable       False
    >>> tab.loc["B", "reason"]
    'only 1 item (k = 1); alpha needs at least 2 items'

    References
    ----------
    Cronbach, L. J. (1951). Psychometrika 16(3), 297-334.
    """
    check_choice("missing", missing, _MISSING)
    check_choice("lang", lang, _LANGS)
    ci = _check_ci(ci)
    frame, book, reasons = unwrap(data, codebook)
    plan = _scales_from(scales, book)
    for name, cols in plan.items():  # a typo is an error, not a "not computable" row
        select_items(frame, cols, what=f"scale {name!r} items")
    every = list(dict.fromkeys(c for cols in plan.values() for c in cols))
    masked, _ = masked_items(frame, every, book, reasons)
    check_codes(numeric_items(masked, every), book)  # bad data is an error, not a row either
    if book is not None:
        meta = frame.attrs.get("cvlib") if frame.attrs else None
        done = set(meta.get("reversed") or ()) if isinstance(meta, Mapping) else set()
        pending = [i for cols in plan.values() for i in cols if i in book and book[i].reverse]
        pending = [i for i in pending if i not in done]
        if pending:
            warnings.warn(
                f"items {pending} are reverse keyed (反向计分) in the codebook but the data do not "
                f"record them as reversed (attrs['cvlib']['reversed']); reverse them first "
                f"(x_rev = scale_min + scale_max - x) or their scales' alpha will be too low.",
                DataQualityWarning,
                stacklevel=2,
            )
    rows = []
    for name, cols in plan.items():
        row: dict[str, Any] = {
            "scale": name,
            "items": ", ".join(map(str, cols)),
            "k": len(cols),
            "missing": missing,
            "estimator": "standardized" if standardized else "raw",
        }
        if len(cols) < 2:
            row.update(
                computable=False,
                reason=f"only {len(cols)} item (k = {len(cols)}); alpha needs at least 2 items",
            )
            rows.append(row)
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                prepared = _prepare(frame, cols, reasons, missing, book)
                res = _core(prepared.values, missing, bool(standardized), ci)
                _warn_keying(res["alpha"], res["item_total"], row["estimator"])
            except CvlibInputError as err:
                res = None
                row.update(computable=False, reason=str(err))
        for w in caught:
            warnings.warn(f"scale {name!r}: {w.message}", w.category, stacklevel=2)
        if res is None:
            rows.append(row)
            continue
        table = res["item_total"]
        rdrop = table["r_drop"]
        row.update(
            n=res["n"],
            n_excluded=prepared.n_excluded,
            alpha=res["alpha"],
            alpha_std=res["alpha_std"],
            ci_low=res["ci"][0],
            ci_high=res["ci"][1],
            average_r=res["average_r"],
            g6=res["g6"],
            signal_noise=res["signal_noise"],
            scale_mean=res["scale_mean"],
            scale_sd=res["scale_sd"],
            min_r_drop=float(rdrop.min()),
            weakest_item=rdrop.idxmin() if rdrop.notna().any() else None,
            computable=True,
            reason="",
        )
        rows.append(row)
    columns = [
        "scale",
        "items",
        "k",
        "n",
        "n_excluded",
        "missing",
        "estimator",
        "alpha",
        "alpha_std",
        "ci_low",
        "ci_high",
        "average_r",
        "g6",
        "signal_noise",
        "scale_mean",
        "scale_sd",
        "min_r_drop",
        "weakest_item",
        "level",
        "computable",
        "reason",
    ]
    out = pd.DataFrame(rows).reindex(columns=columns)
    out["level"] = [_level(a, lang) for a in out["alpha"].astype("float64")]
    for col in ("n", "n_excluded"):
        out[col] = out[col].astype("Int64")
    for col in columns[7:17]:
        out[col] = out[col].astype("float64")
    out["computable"] = out["computable"].astype(bool)
    return out.set_index("scale")

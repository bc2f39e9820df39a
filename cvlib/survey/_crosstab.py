"""Cross-tabulation (交叉表) with χ², Cramér's V and the SPSS CROSSTABS tables (survey.md §9).

:func:`crosstab` counts two categorical questionnaire variables against each other and reports
what SPSS CROSSTABS reports: counts with margins, row / column / total percentages, expected
counts, adjusted standardized residuals, the "Chi-Square Tests" table (Pearson χ² without
continuity correction, Yates' continuity correction and Fisher's exact test for 2×2 tables,
likelihood ratio G², linear-by-linear association) and the symmetric measures φ and Cramér's V.

The categorical helper :func:`_categorize` (codebook categories, declared missing codes, missing
reasons) is shared with :mod:`cvlib.survey._groups`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice, check_columns_exist
from cvlib._warnings import DataQualityWarning
from cvlib.survey._codebook import Codebook, ItemSpec
from cvlib.survey._common import missing_cells, reason_counts, spec_of, unwrap

__all__ = ["ChiSquareTest", "CrosstabResult", "FisherTest", "crosstab"]

_LANGS = ("en", "zh")


class ChiSquareTest(NamedTuple):
    """One χ²-distributed test statistic: ``statistic``, ``dof`` and ``pvalue`` (upper tail)."""

    statistic: float
    dof: int
    pvalue: float


class FisherTest(NamedTuple):
    """Fisher's exact test of a 2×2 table: two-sided ``pvalue`` and the sample ``odds_ratio``
    (a·d)/(b·c) (``inf`` when b·c = 0), as :func:`scipy.stats.fisher_exact` returns them."""

    pvalue: float
    odds_ratio: float


# ---------------------------------------------------------------------------------------------
# categorical variables: codebook categories, declared missing codes, missing reasons
# ---------------------------------------------------------------------------------------------


def _display(value: Any) -> Any:
    """A category as shown: integral floats become int (2.0 -> 2); everything else is kept."""
    if (
        isinstance(value, float | np.floating)
        and math.isfinite(value)
        and float(value).is_integer()
    ):
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


@dataclass(frozen=True)
class _Categorical:
    """A categorical variable mapped to positions: ``positions[i]`` is the category index of row
    ``i`` (-1 when missing), ``categories`` the codes in order, ``labels`` what tables show, and
    ``missing`` the count of missing rows per reason."""

    name: Hashable
    positions: np.ndarray
    categories: list[Any]
    labels: list[Any]
    missing: dict[str, int]
    from_codebook: bool


def _spec_of(codebook: Codebook | None, column: Hashable) -> ItemSpec | None:
    return spec_of(codebook, column)


def _missing_mask(
    frame: pd.DataFrame, column: Hashable, spec: ItemSpec | None, reasons: pd.DataFrame | None
) -> tuple[np.ndarray, dict[str, int]]:
    """Rows that are missing (NaN, or a value the codebook declares missing by a code or a range)
    and the count per reason: the read result's recorded reason, else the codebook's reason for
    the code, else "system missing" (:func:`cvlib.survey._common.missing_cells`)."""
    values, why = missing_cells(frame, column, spec, reasons)
    return values.isna().to_numpy(), reason_counts(why)


def _categorize(
    frame: pd.DataFrame,
    column: Hashable,
    codebook: Codebook | None,
    reasons: pd.DataFrame | None,
    lang: str,
    role: str,
) -> _Categorical:
    """Map ``frame[column]`` to category positions.

    Categories: the codebook's codes (``ItemSpec.codes``) when the column is in the codebook and
    has codes, else the categories of a pandas Categorical column, else the observed values
    (sorted). A valid value outside the codebook's codes raises (it is never dropped).
    """
    series = frame[column]
    spec = _spec_of(codebook, column)
    mask, missing = _missing_mask(frame, column, spec, reasons)
    valid = series[~mask]
    from_codebook = spec is not None and len(spec.codes) > 0
    if from_codebook:
        categories = list(spec.codes)
    elif isinstance(series.dtype, pd.CategoricalDtype):
        categories = list(series.cat.categories)
    else:
        observed = list(pd.unique(valid.to_numpy(dtype=object)))
        try:
            categories = sorted(observed)
        except TypeError:
            categories = sorted(observed, key=lambda v: (type(v).__name__, str(v)))
    lookup = {cat: i for i, cat in enumerate(categories)}
    mapped = valid.astype(object).map(lookup)
    unknown = mapped.isna()
    if from_codebook and unknown.any():  # numeric text "2" is the code 2 (as read_survey reads it)
        as_number = pd.to_numeric(valid[unknown].astype(object), errors="coerce")
        mapped[unknown] = as_number.map(lookup)
        unknown = mapped.isna()
    if unknown.any():
        bad = valid[unknown].astype(object).value_counts(sort=False)
        listed = ", ".join(f"{_display(v)!r} ({n} row(s))" for v, n in list(bad.items())[:20])
        raise CvlibInputError(
            f"{role} {column!r} holds value(s) {listed} that are not codes of the codebook "
            f"({', '.join(map(repr, categories))}); add them to the item's labels, declare them "
            f"in missing_codes, or map text labels to codes with cvlib.survey.read_survey."
        )
    positions = np.full(len(series), -1, dtype=np.int64)
    positions[~mask] = mapped.to_numpy(dtype=np.int64)
    if spec is not None and from_codebook:
        labels: list[Any] = [spec.label(c, lang) for c in categories]
    else:
        labels = [_display(c) for c in categories]
    if len(set(labels)) != len(labels):  # two codes share a label: keep them apart
        labels = [f"{_display(c)} {lab}" for c, lab in zip(categories, labels, strict=True)]
    return _Categorical(
        name=column,
        positions=positions,
        categories=[_display(c) for c in categories],
        labels=labels,
        missing=missing,
        from_codebook=from_codebook,
    )


# ---------------------------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------------------------

_TEXT = {
    "en": {
        "total": "Total",
        "pearson": "Pearson Chi-Square",
        "yates": "Continuity Correction",
        "lr": "Likelihood Ratio",
        "fisher": "Fisher's Exact Test",
        "lbl": "Linear-by-Linear Association",
        "n": "N of Valid Cases",
        "value": "Value",
        "df": "df",
        "asymp": "Asymptotic Significance (2-sided)",
        "exact": "Exact Sig. (2-sided)",
        "phi": "Phi",
        "v": "Cramer's V",
        "approx": "Approximate Significance",
        "sparse": (
            "{k} cells ({share:.1%}) have expected count less than {threshold:g}. "
            "The minimum expected count is {emin:.2f}."
        ),
        "sparse_bad": (
            " The chi-square approximation may be unreliable (more than {limit:.0%} of cells "
            "below {threshold:g}, or a cell below 1); use Fisher's exact test or merge "
            "categories."
        ),
        "dropped": (
            "Empty categories left out of the tests (all-zero {what}): {labels}; they stay in "
            "the count and percentage tables."
        ),
        "rows": "rows",
        "cols": "columns",
        "missing": "{n} of {total} rows excluded as missing ({detail}).",
        "yates_na": "Yates' correction and Fisher's exact test are computed for 2x2 tables only.",
    },
    "zh": {
        "total": "合计",
        "pearson": "皮尔逊卡方",
        "yates": "连续性修正",
        "lr": "似然比",
        "fisher": "费希尔精确检验",
        "lbl": "线性关联",
        "n": "有效个案数",
        "value": "值",
        "df": "自由度",
        "asymp": "渐近显著性（双侧）",
        "exact": "精确显著性（双侧）",
        "phi": "Phi 系数",
        "v": "克莱姆 V",
        "approx": "近似显著性",
        "sparse": (
            "{k} 个单元格（{share:.1%}）的期望计数小于 {threshold:g}。最小期望计数为 {emin:.2f}。"
        ),
        "sparse_bad": (
            "卡方近似可能不可靠（超过 {limit:.0%} 的单元格期望计数小于 {threshold:g}，或有单元格"
            "小于 1）；请使用费希尔精确检验或合并类别。"
        ),
        "dropped": "检验时剔除了空类别（全为零的{what}）：{labels}；计数表和百分比表中仍保留。",
        "rows": "行",
        "cols": "列",
        "missing": "共 {total} 行中有 {n} 行因缺失值被排除（{detail}）。",
        "yates_na": "连续性修正和费希尔精确检验仅适用于 2x2 表。",
    },
}


@dataclass(frozen=True, repr=False, eq=False)
class CrosstabResult(ResultMixin):
    """A cross-tabulation with its χ² tests (SPSS CROSSTABS parity, survey.md §9).

    Attributes
    ----------
    row, col : hashable
        The two variables (rows and columns of the tables).
    counts : DataFrame
        Observed counts, every category (codebook categories included when empty), with a
        ``Total`` (合计) row and column.
    row_pct, col_pct, total_pct : DataFrame
        Percentages (0-100) of the row total, column total and grand total, with margins. The
        row (column) percentages of an empty row (column) are NaN: 0/0 is undefined.
    expected : DataFrame
        Expected counts e_ij = r_i·c_j/N of the tested table (all-zero rows and columns left
        out), no margins.
    adjusted_residuals : DataFrame
        Adjusted standardized residuals (o − e)/√(e·(1 − r_i/N)·(1 − c_j/N)) of the tested table.
    chi2, dof, pvalue : float, int, float
        Pearson χ² **without** continuity correction (as SPSS), its degrees of freedom
        (r − 1)(c − 1) and upper-tail p value.
    chi2_corrected, pvalue_corrected : float or None
        Yates' continuity-corrected χ² and its p value; ``None`` unless the tested table is 2×2.
    likelihood_ratio : ChiSquareTest
        G² = 2·Σ o·ln(o/e) (cells with o = 0 add 0), same dof.
    linear_by_linear : ChiSquareTest
        (N − 1)·r², 1 dof, r the Pearson correlation of the row and column scores (meaningful for
        ordinal codes; ``scores`` says which scores were used).
    fisher : FisherTest or None
        Fisher's exact test (two-sided p, sample odds ratio) for 2×2 tables, else ``None``.
    cramers_v : float
        √(χ²/(N·(min(r, c) − 1))) from the uncorrected χ².
    phi : float or None
        Signed φ = (a·d − b·c)/√(r₁r₂c₁c₂) for 2×2 tables (equal to ±V), else ``None``.
    n, n_total, n_missing : int
        Valid cases (both variables present), rows in the data, rows excluded as missing.
    missing : dict
        ``{variable: {reason: count}}``: missing rows per variable and reason (a row missing on
        both variables counts under both, and once in ``n_missing``).
    dropped_rows, dropped_cols : tuple
        Labels of the all-zero rows / columns the tests left out.
    n_expected_below, share_expected_below, min_expected : int, float, float
        Cells of the tested table with expected count below ``expected_threshold``, their share,
        and the smallest expected count.
    sparse : bool
        True when ``share_expected_below > sparse_share`` or ``min_expected < 1`` (a
        :class:`~cvlib._warnings.DataQualityWarning` was issued).
    scores : (str, str)
        Scores of the linear-by-linear test for the row and the column variable: ``"codes"``
        (the numeric codes) or ``"ranks"`` (1, 2, ... in category order).
    expected_threshold, sparse_share : float
        The sparseness rule used (Cochran 1954: 5 and 20 %).
    lang : str
        Language of labels and notes.
    notes : tuple of str
        Footnotes (sparseness, dropped categories, exclusions) in ``lang``.
    """

    row: Hashable
    col: Hashable
    counts: pd.DataFrame = Snapshot()
    row_pct: pd.DataFrame = Snapshot()
    col_pct: pd.DataFrame = Snapshot()
    total_pct: pd.DataFrame = Snapshot()
    expected: pd.DataFrame = Snapshot()
    adjusted_residuals: pd.DataFrame = Snapshot()
    chi2: float = math.nan
    dof: int = 0
    pvalue: float = math.nan
    chi2_corrected: float | None = None
    pvalue_corrected: float | None = None
    likelihood_ratio: ChiSquareTest | None = None
    linear_by_linear: ChiSquareTest | None = None
    fisher: FisherTest | None = None
    cramers_v: float = math.nan
    phi: float | None = None
    n: int = 0
    n_total: int = 0
    n_missing: int = 0
    missing: dict = Snapshot(default_factory=dict)
    dropped_rows: tuple = ()
    dropped_cols: tuple = ()
    n_expected_below: int = 0
    share_expected_below: float = 0.0
    min_expected: float = math.nan
    sparse: bool = False
    scores: tuple = ("codes", "codes")
    expected_threshold: float = 5.0
    sparse_share: float = 0.2
    lang: str = "en"
    notes: tuple = ()

    _conventions = ("row", "col", "n", "n_missing", "cramers_v", "scores", "sparse")
    _title = "CrosstabResult (交叉表 χ²)"

    @property
    def is_2x2(self) -> bool:
        """Whether the tested table (after dropping empty rows and columns) is 2×2."""
        return self.fisher is not None

    def summary(self) -> pd.DataFrame:
        """The SPSS "Chi-Square Tests" table: Value, df, asymptotic and exact significance.

        Rows: Pearson χ², continuity correction (2×2), likelihood ratio, Fisher's exact test
        (2×2), linear-by-linear association, N of valid cases; the exact column only for
        2×2 tables. Cells that SPSS leaves blank are NaN.
        """
        t = _TEXT[self.lang]
        nan = math.nan
        rows = [(t["pearson"], self.chi2, self.dof, self.pvalue, nan)]
        if self.chi2_corrected is not None:
            rows.append((t["yates"], self.chi2_corrected, self.dof, self.pvalue_corrected, nan))
        lr = self.likelihood_ratio
        rows.append((t["lr"], lr.statistic, lr.dof, lr.pvalue, nan))
        if self.fisher is not None:
            rows.append((t["fisher"], nan, nan, nan, self.fisher.pvalue))
        lbl = self.linear_by_linear
        rows.append((t["lbl"], lbl.statistic, lbl.dof, lbl.pvalue, nan))
        rows.append((t["n"], float(self.n), nan, nan, nan))
        out = pd.DataFrame(rows, columns=["", t["value"], t["df"], t["asymp"], t["exact"]])
        if self.fisher is None:  # no exact test: SPSS shows no exact column
            out = out.drop(columns=t["exact"])
        return out.set_index("").rename_axis(None)

    @property
    def measures(self) -> pd.DataFrame:
        """The SPSS "Symmetric Measures" table: φ (2×2 only) and Cramér's V with the p value of
        the Pearson χ² (SPSS "Approximate Significance")."""
        t = _TEXT[self.lang]
        rows = []
        if self.phi is not None:
            rows.append((t["phi"], self.phi, self.pvalue))
        rows.append((t["v"], self.cramers_v, self.pvalue))
        out = pd.DataFrame(rows, columns=["", t["value"], t["approx"]])
        return out.set_index("").rename_axis(None)


# ---------------------------------------------------------------------------------------------
# computation
# ---------------------------------------------------------------------------------------------


def _with_margins(table: np.ndarray, rows: list, cols: list, total: str) -> pd.DataFrame:
    full = np.zeros((table.shape[0] + 1, table.shape[1] + 1))
    full[:-1, :-1] = table
    full[:-1, -1] = table.sum(axis=1)
    full[-1, :-1] = table.sum(axis=0)
    full[-1, -1] = table.sum()
    return pd.DataFrame(full, index=[*rows, total], columns=[*cols, total])


def _scores(var: _Categorical, keep: np.ndarray, scores: str) -> tuple[np.ndarray, str]:
    if scores == "ranks":
        return np.arange(1, int(keep.sum()) + 1, dtype=np.float64), "ranks"
    cats = [c for c, k in zip(var.categories, keep, strict=True) if k]
    numeric = all(
        isinstance(c, int | float | np.integer | np.floating) and not isinstance(c, bool)
        for c in cats
    )
    if numeric:
        return np.asarray(cats, dtype=np.float64), "codes"
    if scores == "codes":
        raise CvlibInputError(
            f"scores='codes' needs numeric codes, but {var.name!r} has categories "
            f"{cats[:10]!r}; pass scores='ranks' (1, 2, ... in category order) or code the "
            f"categories as numbers in a codebook."
        )
    return np.arange(1, len(cats) + 1, dtype=np.float64), "ranks"


def crosstab(
    data: Any,
    row: Hashable,
    col: Hashable,
    *,
    codebook: Any = None,
    lang: str = "en",
    scores: str = "auto",
    expected_threshold: float = 5.0,
    sparse_share: float = 0.20,
) -> CrosstabResult:
    """Cross-tabulation (交叉表) of two categorical variables with χ² tests, SPSS CROSSTABS style.

    With observed counts o_ij, margins r_i, c_j and N valid cases, the expected counts are
    e_ij = r_i·c_j/N and

    * Pearson χ² = Σ (o − e)²/e (**no** continuity correction, as SPSS), dof = (r − 1)(c − 1);
    * likelihood ratio G² = 2·Σ o·ln(o/e) (cells with o = 0 add 0);
    * linear-by-linear association M² = (N − 1)·ρ², 1 dof, ρ the Pearson correlation of the row
      and column scores weighted by the counts;
    * Cramér's V = √(χ²/(N·(min(r, c) − 1))) from the **uncorrected** χ²;
    * 2×2 only: φ = (a·d − b·c)/√(r₁r₂c₁c₂) (signed), Yates' χ² =
      N·max(0, |a·d − b·c| − N/2)²/(r₁r₂c₁c₂) and Fisher's exact test (two-sided p, sample odds
      ratio a·d/(b·c)); for larger tables these are ``None``;
    * adjusted standardized residuals (o − e)/√(e·(1 − r_i/N)·(1 − c_j/N)).

    Categories come from the codebook when the variable is in it (labels in ``lang``), so
    empty levels appear as zero rows or columns; otherwise from a pandas Categorical's
    categories, otherwise the observed values in sorted order. The tests leave out all-zero
    rows and columns and say so (``dropped_rows``, ``dropped_cols``, ``notes``). Missing values
    (NaN, codes and ranges the codebook declares missing) are excluded and counted by reason.
    Numeric text ("2") counts as its code. A label such as ``"None"`` is an ordinary category
    (survey.md §2.1).

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    row, col : hashable
        The row and column variables (column names of ``data``).
    codebook : Codebook or dict, optional
        Categories, labels and missing codes; defaults to the codebook of a read result.
    lang : {"en", "zh"}
        Language of the category labels, margin labels, ``summary()`` and notes.
    scores : {"auto", "codes", "ranks"}
        Scores of the linear-by-linear test: the numeric codes (SPSS), or 1, 2, ... in category
        order. ``"auto"`` uses each variable's codes when they are numbers, else its ranks.
    expected_threshold, sparse_share : float
        Sparseness rule (Cochran 1954): warn when more than ``sparse_share`` of the expected
        counts are below ``expected_threshold`` or any is below 1.

    Returns
    -------
    CrosstabResult
        ``chi2``, ``dof``, ``pvalue``, ``chi2_corrected``, ``likelihood_ratio``,
        ``linear_by_linear``, ``fisher``, ``cramers_v``, ``phi``, the tables ``counts``,
        ``row_pct``, ``col_pct``, ``total_pct``, ``expected``, ``adjusted_residuals``;
        ``summary()`` is the SPSS "Chi-Square Tests" table, ``measures`` the "Symmetric
        Measures" table.

    Warns
    -----
    DataQualityWarning
        When the χ² approximation is doubtful (sparse expected counts), stating the share.

    Raises
    ------
    CvlibInputError
        When a variable has fewer than two non-empty categories, or holds a value that is not a
        code of its codebook item.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": [0] * 96 + [1] * 207,
    ...                    "target": [0] * 24 + [1] * 72 + [0] * 114 + [1] * 93})
    >>> res = crosstab(df, "sex", "target")
    >>> round(res.chi2, 6), res.dof, round(res.cramers_v, 6), round(res.phi, 6)
    (23.914384, 1, 0.280937, -0.280937)
    >>> round(res.chi2_corrected, 6), round(res.fisher.odds_ratio, 6)
    (22.717227, 0.27193)
    >>> res.counts.loc["Total"].tolist()
    [138.0, 165.0, 303.0]

    References
    ----------
    Agresti, A. (2013). *Categorical Data Analysis* (3rd ed.), §2.4 and §3.3. Wiley.
    Cochran, W. G. (1954). Some methods for strengthening the common χ² tests. *Biometrics*
    10(4), 417-451.
    IBM SPSS Statistics Algorithms, CROSSTABS.
    """
    frame, codebook, reasons = unwrap(data, codebook)
    check_choice("lang", lang, _LANGS)
    check_choice("scores", scores, ("auto", "codes", "ranks"))
    if not (isinstance(expected_threshold, int | float) and expected_threshold > 0):
        raise CvlibInputError(
            f"expected_threshold={expected_threshold!r} must be a positive number (Cochran: 5)"
        )
    if not (isinstance(sparse_share, int | float) and 0 <= sparse_share < 1):
        raise CvlibInputError(f"sparse_share={sparse_share!r} must lie in [0, 1) (Cochran: 0.20)")
    check_columns_exist(frame, [row, col], what="variable")
    if row == col:
        raise CvlibInputError(
            f"row and col are both {row!r}; cross-tabulate two different variables"
        )
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise CvlibInputError(f"data has duplicate column names {dup}; rename them")
    text = _TEXT[lang]
    rv = _categorize(frame, row, codebook, reasons, lang, "row variable")
    cv = _categorize(frame, col, codebook, reasons, lang, "column variable")
    n_total = len(frame)
    valid = (rv.positions >= 0) & (cv.positions >= 0)
    n_missing = int(n_total - valid.sum())
    n_r, n_c = len(rv.categories), len(cv.categories)
    flat = rv.positions[valid] * n_c + cv.positions[valid]
    observed = np.bincount(flat, minlength=n_r * n_c).reshape(n_r, n_c).astype(np.float64)

    counts = _with_margins(observed, rv.labels, cv.labels, text["total"])
    counts.index.name, counts.columns.name = row, col
    with np.errstate(invalid="ignore", divide="ignore"):
        row_pct = counts.div(counts.iloc[:, -1], axis=0) * 100.0
        col_pct = counts.div(counts.iloc[-1, :], axis=1) * 100.0
        total_pct = counts / counts.iloc[-1, -1] * 100.0

    keep_r = observed.sum(axis=1) > 0
    keep_c = observed.sum(axis=0) > 0
    for var, keep in ((rv, keep_r), (cv, keep_c)):
        if keep.sum() < 2:
            present = [lab for lab, k in zip(var.labels, keep, strict=True) if k]
            raise CvlibInputError(
                f"{var.name!r} has {int(keep.sum())} non-empty categor"
                f"{'y' if keep.sum() == 1 else 'ies'} {present} among the {int(valid.sum())} valid "
                f"rows; a chi-square test needs at least two in each variable (check the "
                f"filter, or the missing values: {var.missing or 'none'})."
            )
    dropped_rows = tuple(lab for lab, k in zip(rv.labels, keep_r, strict=True) if not k)
    dropped_cols = tuple(lab for lab, k in zip(cv.labels, keep_c, strict=True) if not k)
    o = observed[np.ix_(keep_r, keep_c)]
    row_labels = [lab for lab, k in zip(rv.labels, keep_r, strict=True) if k]
    col_labels = [lab for lab, k in zip(cv.labels, keep_c, strict=True) if k]
    n = float(o.sum())
    r = o.sum(axis=1)
    c = o.sum(axis=0)
    e = np.outer(r, c) / n
    k_r, k_c = o.shape
    dof = (k_r - 1) * (k_c - 1)
    chi2 = float(((o - e) ** 2 / e).sum())
    pvalue = float(stats.chi2.sf(chi2, dof))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(o > 0, o * np.log(o / e), 0.0)
    g2 = float(2.0 * terms.sum())
    lr = ChiSquareTest(g2, dof, float(stats.chi2.sf(g2, dof)))
    adj = (o - e) / np.sqrt(e * np.outer(1.0 - r / n, 1.0 - c / n))

    u, used_r = _scores(rv, keep_r, scores)
    v, used_c = _scores(cv, keep_c, scores)
    ubar = (r * u).sum() / n
    vbar = (c * v).sum() / n
    suv = (o * np.outer(u - ubar, v - vbar)).sum()
    suu = (r * (u - ubar) ** 2).sum()
    svv = (c * (v - vbar) ** 2).sum()
    rho = suv / math.sqrt(suu * svv)
    m2 = float((n - 1.0) * rho**2)
    lbl = ChiSquareTest(m2, 1, float(stats.chi2.sf(m2, 1)))

    cramers_v = math.sqrt(chi2 / (n * (min(k_r, k_c) - 1)))
    phi = chi2_corrected = pvalue_corrected = fisher = None
    notes = []
    if k_r == 2 and k_c == 2:
        a, b, cc, d = o[0, 0], o[0, 1], o[1, 0], o[1, 1]
        denom = r[0] * r[1] * c[0] * c[1]
        phi = float((a * d - b * cc) / math.sqrt(denom))
        chi2_corrected = float(n * max(0.0, abs(a * d - b * cc) - n / 2.0) ** 2 / denom)
        pvalue_corrected = float(stats.chi2.sf(chi2_corrected, 1))
        fres = stats.fisher_exact(o.astype(np.int64), alternative="two-sided")
        fisher = FisherTest(float(fres.pvalue), float(fres.statistic))
    else:
        notes.append(text["yates_na"])

    below = e < expected_threshold
    n_below = int(below.sum())
    share = n_below / e.size
    emin = float(e.min())
    sparse = bool(share > sparse_share or emin < 1.0)
    footnote = text["sparse"].format(
        k=n_below, share=share, threshold=expected_threshold, emin=emin
    )
    if sparse:
        footnote += text["sparse_bad"].format(limit=sparse_share, threshold=expected_threshold)
        warnings.warn(f"crosstab {row!r} x {col!r}: {footnote}", DataQualityWarning, stacklevel=2)
    notes.insert(0, footnote)
    for what, labels in ((text["rows"], dropped_rows), (text["cols"], dropped_cols)):
        if labels:
            notes.append(text["dropped"].format(what=what, labels=", ".join(map(str, labels))))
    missing = {row: rv.missing, col: cv.missing}
    if n_missing:
        detail = "; ".join(
            f"{name}: " + ", ".join(f"{reason} {k}" for reason, k in reasons_.items())
            for name, reasons_ in missing.items()
            if reasons_
        )
        notes.append(text["missing"].format(n=n_missing, total=n_total, detail=detail))

    expected = pd.DataFrame(e, index=row_labels, columns=col_labels)
    adjusted = pd.DataFrame(adj, index=row_labels, columns=col_labels)
    for table in (row_pct, col_pct, total_pct, expected, adjusted):
        table.index.name, table.columns.name = row, col
    return CrosstabResult(
        row=row,
        col=col,
        counts=counts,
        row_pct=row_pct,
        col_pct=col_pct,
        total_pct=total_pct,
        expected=expected,
        adjusted_residuals=adjusted,
        chi2=chi2,
        dof=dof,
        pvalue=pvalue,
        chi2_corrected=chi2_corrected,
        pvalue_corrected=pvalue_corrected,
        likelihood_ratio=lr,
        linear_by_linear=lbl,
        fisher=fisher,
        cramers_v=cramers_v,
        phi=phi,
        n=int(n),
        n_total=n_total,
        n_missing=n_missing,
        missing=missing,
        dropped_rows=dropped_rows,
        dropped_cols=dropped_cols,
        n_expected_below=n_below,
        share_expected_below=share,
        min_expected=emin,
        sparse=sparse,
        scores=(used_r, used_c),
        expected_threshold=float(expected_threshold),
        sparse_share=float(sparse_share),
        lang=lang,
        notes=tuple(notes),
    )

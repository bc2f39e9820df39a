"""Group comparisons (组间比较): t-tests, one-way ANOVA and rank tests (survey.md §10).

* :func:`ttest_groups` — independent-samples t-test, Student (pooled) **and** Welch rows with
  Levene's test (``center="mean"``, as SPSS), Cohen's d and Hedges' g;
* :func:`paired_ttest` — paired t-test on complete pairs, d_z and d_av;
* :func:`anova_groups` — one-way ANOVA (方差分析): F, η², ω², Welch's ANOVA, Levene, Tukey HSD (or
  Games-Howell) post hoc;
* :func:`mannwhitney_groups`, :func:`kruskal_groups` — ordinal alternatives for Likert items;
* :func:`compare_groups` — one entry point that picks the test;
* :func:`cohens_d`, :func:`hedges_g` — the effect sizes from two samples.

Every function takes a DataFrame (or a :func:`cvlib.survey.read_survey` result), a numeric
``value`` column and a ``group`` column. Missing values are dropped per variable (NaN, and codes or
ranges the codebook declares missing) and counted by reason; a value outside a scaled item's
codebook scale raises; group labels come from the codebook in the chosen language.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special, stats

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice, check_columns_exist
from cvlib.survey._common import check_codes, numeric_items, unwrap
from cvlib.survey._crosstab import _categorize, _display, _missing_mask, _spec_of

__all__ = [
    "AnovaResult",
    "FTest",
    "PairedTTestResult",
    "RankTestResult",
    "TTestResult",
    "anova_groups",
    "cohens_d",
    "compare_groups",
    "hedges_g",
    "kruskal_groups",
    "mannwhitney_groups",
    "paired_ttest",
    "ttest_groups",
]

_LANGS = ("en", "zh")
_ALTERNATIVES = ("two-sided", "less", "greater")
_HEDGES = ("approximate", "exact")


class FTest(NamedTuple):
    """An F-distributed statistic: ``statistic``, ``df1``, ``df2``, ``pvalue`` (upper tail)."""

    statistic: float
    df1: float
    df2: float
    pvalue: float


# ---------------------------------------------------------------------------------------------
# effect sizes
# ---------------------------------------------------------------------------------------------


def _hedges_factor(df: float, hedges: str) -> float:
    if hedges == "exact":  # J = Γ(df/2) / (√(df/2) · Γ((df − 1)/2))
        return math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)
    return 1.0 - 3.0 / (4.0 * df - 1.0)  # = 1 − 3/(4(n1 + n2) − 9)


def _two_samples(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    out = []
    for name, values in (("x", x), ("y", y)):
        arr = np.asarray(values, dtype=np.float64).ravel()
        arr = arr[~np.isnan(arr)]
        if arr.size < 2:
            raise CvlibInputError(
                f"{name} has {arr.size} non-missing value(s); an effect size needs at least 2 "
                f"per sample"
            )
        out.append(arr)
    return out[0], out[1]


def cohens_d(x: Any, y: Any) -> float:
    """Cohen's d of two independent samples with the pooled SD (missing values dropped).

    d = (x̄ − ȳ) / s_p,  s_p = √(((n_x − 1)·s_x² + (n_y − 1)·s_y²) / (n_x + n_y − 2)).

    Examples
    --------
    >>> round(cohens_d([1, 2, 3, 4], [2, 3, 4, 5, 6]), 6)
    -1.024695

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), §2.2.
    """
    a, b = _two_samples(x, y)
    n1, n2 = a.size, b.size
    sp = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if sp == 0:
        raise CvlibInputError("both samples are constant (pooled SD 0); Cohen's d is undefined")
    return float((a.mean() - b.mean()) / sp)


def hedges_g(x: Any, y: Any, *, correction: str = "approximate") -> float:
    """Hedges' g: Cohen's d (pooled SD) times the small-sample correction J.

    ``correction="approximate"`` (Hedges & Olkin 1985, pingouin): J = 1 − 3/(4(n_x + n_y) − 9);
    ``"exact"``: J = Γ(m/2) / (√(m/2)·Γ((m − 1)/2)), m = n_x + n_y − 2.

    Examples
    --------
    >>> round(hedges_g([1, 2, 3, 4], [2, 3, 4, 5, 6]), 6)
    -0.91084

    References
    ----------
    Hedges, L. V., & Olkin, I. (1985). *Statistical Methods for Meta-Analysis*, ch. 5. Academic
    Press.
    """
    check_choice("correction", correction, _HEDGES)
    a, b = _two_samples(x, y)
    return cohens_d(a, b) * _hedges_factor(a.size + b.size - 2, correction)


# ---------------------------------------------------------------------------------------------
# preparation: missing values per variable, group categories, n < 2 checks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    value: Hashable
    group: Hashable
    samples: list[np.ndarray]  # one float64 array per compared group, category order
    labels: list[Any]
    codes: list[Any]
    n_total: int
    n_missing_value: int
    n_missing_group: int
    n_excluded: int
    n_other: int
    missing: dict[Hashable, dict[str, int]]
    empty_groups: tuple


def _numeric_value(
    frame: pd.DataFrame, value: Hashable, codebook: Any, reasons: Any
) -> tuple[np.ndarray, dict[str, int]]:
    series = frame[value]
    mask, missing = _missing_mask(frame, value, _spec_of(codebook, value), reasons)
    cleaned = series.mask(mask).to_frame(value) if mask.any() else series.to_frame(value)
    numbers = numeric_items(cleaned, [value])
    check_codes(numbers, codebook)
    x = numbers[value].to_numpy(dtype=np.float64)
    return x, missing


def _check_common(frame: pd.DataFrame, columns: list[Hashable], lang: str) -> None:
    check_choice("lang", lang, _LANGS)
    check_columns_exist(frame, columns, what="variable")
    if len(set(columns)) != len(columns):
        raise CvlibInputError(
            f"the variables {columns!r} repeat a column; compare two different columns"
        )
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise CvlibInputError(f"data has duplicate column names {dup}; rename them")


def _select(cat_labels: list, cat_codes: list, groups: Sequence[Any], group: Hashable) -> list[int]:
    """Positions of the requested groups, given as codes or labels."""
    chosen = []
    for g in groups:
        g_norm = _display(g)
        hits = [i for i, c in enumerate(cat_codes) if c == g_norm]
        if not hits:
            hits = [i for i, lab in enumerate(cat_labels) if lab == g]
        if not hits:
            raise CvlibInputError(
                f"group {g!r} is not a category of {group!r}; categories (code: label): "
                + ", ".join(f"{c!r}: {lab!r}" for c, lab in zip(cat_codes, cat_labels, strict=True))
            )
        if hits[0] in chosen:
            raise CvlibInputError(f"groups lists {g!r} twice")
        chosen.append(hits[0])
    return chosen


def _prepare(
    data: Any,
    value: Hashable,
    group: Hashable,
    codebook: Any,
    lang: str,
    groups: Sequence[Any] | None,
) -> _Prepared:
    frame, codebook, reasons = unwrap(data, codebook)
    _check_common(frame, [value, group], lang)
    x, vmissing = _numeric_value(frame, value, codebook, reasons)
    gv = _categorize(frame, group, codebook, reasons, lang, "group variable")
    present_value = ~np.isnan(x)
    if not present_value.any():
        raise CvlibInputError(
            f"value {value!r} has no non-missing values ({len(x)} rows, missing: {vmissing}); "
            f"check the column and its missing codes"
        )
    present_group = gv.positions >= 0
    used = present_value & present_group
    if not used.any():
        raise CvlibInputError(
            f"no row has both {value!r} and {group!r} present ({int(present_value.sum())} rows "
            f"have a value, {int(present_group.sum())} a group); nothing to compare"
        )
    counts = np.bincount(gv.positions[used], minlength=len(gv.categories))
    if groups is None:
        chosen = [i for i in range(len(gv.categories)) if counts[i] > 0]
        empty = tuple(gv.labels[i] for i in range(len(gv.categories)) if counts[i] == 0)
    else:
        if isinstance(groups, str) or not isinstance(groups, Sequence):
            raise CvlibInputError(
                f"groups={groups!r} must be a list of group codes or labels, e.g. [1, 2]"
            )
        chosen = _select(gv.labels, gv.categories, groups, group)
        empty = ()
    for i in chosen:
        if counts[i] < 2:
            raise CvlibInputError(
                f"group {gv.labels[i]!r} (code {gv.categories[i]!r}) of {group!r} has "
                f"{int(counts[i])} valid value(s) of {value!r}; each group needs at least 2. "
                f"Merge it with a neighbouring category, or leave it out with groups=[...]."
            )
    if len(chosen) < 2:
        only = [gv.labels[i] for i in chosen]
        raise CvlibInputError(
            f"{group!r} has a single group {only} among the {int(used.sum())} rows with a valid "
            f"{value!r}; a comparison needs at least two groups"
        )
    in_chosen = np.isin(gv.positions, chosen) & used
    g_used = gv.positions[in_chosen]
    x_used = x[in_chosen]
    order = np.argsort(g_used, kind="stable")
    g_sorted, x_sorted = g_used[order], x_used[order]
    bounds = np.searchsorted(g_sorted, chosen)
    ends = np.searchsorted(g_sorted, chosen, side="right")
    samples = [x_sorted[b:e] for b, e in zip(bounds, ends, strict=True)]
    return _Prepared(
        value=value,
        group=group,
        samples=samples,
        labels=[gv.labels[i] for i in chosen],
        codes=[gv.categories[i] for i in chosen],
        n_total=len(x),
        n_missing_value=int((~present_value).sum()),
        n_missing_group=int((~present_group).sum()),
        n_excluded=int((~used).sum()),
        n_other=int(used.sum() - in_chosen.sum()),
        missing={value: vmissing, group: gv.missing},
        empty_groups=empty,
    )


def _descriptives(prep: _Prepared, confidence: float, total_label: str) -> pd.DataFrame:
    rows = []
    for s in [*prep.samples, np.concatenate(prep.samples)]:
        n = s.size
        mean = s.mean()
        sd = s.std(ddof=1)
        se = sd / math.sqrt(n)
        half = stats.t.ppf(0.5 + confidence / 2, n - 1) * se
        rows.append((n, mean, sd, se, mean - half, mean + half, s.min(), s.max()))
    cols = ["n", "mean", "sd", "se", "ci_lower", "ci_upper", "min", "max"]
    out = pd.DataFrame(rows, columns=cols, index=[*prep.labels, total_label])
    out["n"] = out["n"].astype("int64")
    out.index.name = prep.group
    return out


def _pvalue_t(t: float, df: float, alternative: str) -> float:
    if alternative == "two-sided":
        return float(2.0 * stats.t.sf(abs(t), df))
    if alternative == "greater":
        return float(stats.t.sf(t, df))
    return float(stats.t.cdf(t, df))


def _ci(estimate: float, se: float, df: float, confidence: float, alternative: str):
    if alternative == "two-sided":
        q = stats.t.ppf(0.5 + confidence / 2, df) * se
        return estimate - q, estimate + q
    q = stats.t.ppf(confidence, df) * se
    if alternative == "greater":
        return estimate - q, math.inf
    return -math.inf, estimate + q


def _oneway(samples: list[np.ndarray]) -> tuple[float, float, float, float, float]:
    """SS_between, SS_within, SS_total, F and its p value of a one-way layout (vectorised)."""
    x = np.concatenate(samples)
    n = np.array([s.size for s in samples], dtype=np.float64)
    g = np.repeat(np.arange(len(samples)), n.astype(np.int64))
    means = np.bincount(g, weights=x) / n
    ss_within = float(((x - means[g]) ** 2).sum())
    ss_total = float(((x - x.mean()) ** 2).sum())
    ss_between = float((n * (means - x.mean()) ** 2).sum())
    k, big_n = len(samples), x.size
    if ss_within == 0:
        f = math.inf if ss_between > 0 else math.nan
    else:
        f = (ss_between / (k - 1)) / (ss_within / (big_n - k))
    p = float(stats.f.sf(f, k - 1, big_n - k)) if not math.isnan(f) else math.nan
    return ss_between, ss_within, ss_total, f, p


def _levene(samples: list[np.ndarray], center: str) -> FTest:
    """Levene's test: one-way ANOVA on |x − centre of its group| (mean: Levene/SPSS; median:
    Brown–Forsythe)."""
    fn = np.mean if center == "mean" else np.median
    z = [np.abs(s - fn(s)) for s in samples]
    _, _, _, f, p = _oneway(z)
    k = len(samples)
    big_n = sum(s.size for s in samples)
    return FTest(float(f), float(k - 1), float(big_n - k), p)


def _no_spread(prep: _Prepared) -> None:
    if all(np.all(s == s[0]) for s in prep.samples):
        raise CvlibInputError(
            f"{prep.value!r} is constant within every group of {prep.group!r} (no within-group "
            f"variance), so the test statistic is undefined; check the variable"
        )


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------

_TEXT = {
    "en": {
        "total": "Total",
        "student": "Equal variances assumed",
        "welch": "Equal variances not assumed",
        "levene_f": "Levene F",
        "levene_p": "Levene Sig.",
        "t": "t",
        "df": "df",
        "p": "Sig. (2-tailed)",
        "p1": "Sig. (1-tailed)",
        "diff": "Mean Difference",
        "se_diff": "Std. Error Difference",
        "lo": "CI Lower",
        "hi": "CI Upper",
        "between": "Between Groups",
        "within": "Within Groups",
        "ss": "Sum of Squares",
        "ms": "Mean Square",
        "f": "F",
        "sig": "Sig.",
        "welch_anova": "Welch",
        "df2": "df2",
        "read_welch": (
            "Levene's test rejects equal variances (p = {p:.4g} < {alpha:g}): read the Welch row{x}."
        ),
        "read_student": (
            "Levene's test does not reject equal variances (p = {p:.4g} >= {alpha:g}): the "
            "Student row applies{x}."
        ),
        "welch_gh": " and use Games-Howell post hoc tests",
        "welch_na": (
            "Welch's ANOVA is undefined: group(s) {groups} have zero variance (its weights n/s² "
            "divide by zero)."
        ),
        "excluded": (
            "{n} of {total} rows excluded (missing {value!r}: {nv}; missing {group!r}: {ng})."
        ),
        "other": "{n} rows in groups not compared (groups=...).",
        "empty": "Empty categories of the codebook left out: {groups}.",
        "pair": "Pair",
        "mean": "Mean",
        "sd": "Std. Deviation",
        "se": "Std. Error Mean",
        "stat": "Statistic",
        "paired_excluded": (
            "{n} of {total} rows excluded (not a complete pair; missing {a!r}: {na}, missing "
            "{b!r}: {nb})."
        ),
    },
    "zh": {
        "total": "合计",
        "student": "假定等方差",
        "welch": "不假定等方差",
        "levene_f": "Levene F",
        "levene_p": "Levene 显著性",
        "t": "t",
        "df": "自由度",
        "p": "显著性（双尾）",
        "p1": "显著性（单尾）",
        "diff": "平均值差值",
        "se_diff": "标准误差差值",
        "lo": "置信区间下限",
        "hi": "置信区间上限",
        "between": "组间",
        "within": "组内",
        "ss": "平方和",
        "ms": "均方",
        "f": "F",
        "sig": "显著性",
        "welch_anova": "Welch",
        "df2": "自由度2",
        "read_welch": "Levene 检验拒绝方差齐性（p = {p:.4g} < {alpha:g}）：请看不假定等方差（Welch）一行{x}。",
        "read_student": "Levene 检验未拒绝方差齐性（p = {p:.4g} ≥ {alpha:g}）：采用假定等方差（Student）一行{x}。",
        "welch_gh": "，事后检验用 Games-Howell",
        "welch_na": "Welch 方差分析无法计算：组 {groups} 的方差为零（权重 n/s² 除以零）。",
        "excluded": "共 {total} 行中排除 {n} 行（{value!r} 缺失 {nv} 行；{group!r} 缺失 {ng} 行）。",
        "other": "{n} 行属于未参与比较的组（groups=...）。",
        "empty": "编码本中无人作答的类别未参与比较：{groups}。",
        "pair": "配对",
        "mean": "平均值",
        "sd": "标准差",
        "se": "标准误差平均值",
        "stat": "统计量",
        "paired_excluded": "共 {total} 行中排除 {n} 行（非完整配对；{a!r} 缺失 {na} 行，{b!r} 缺失 {nb} 行）。",
    },
}


def _exclusion_notes(prep: _Prepared, lang: str) -> list[str]:
    t = _TEXT[lang]
    notes = []
    if prep.n_excluded:
        notes.append(
            t["excluded"].format(
                n=prep.n_excluded,
                total=prep.n_total,
                value=prep.value,
                nv=prep.n_missing_value,
                group=prep.group,
                ng=prep.n_missing_group,
            )
        )
    if prep.n_other:
        notes.append(t["other"].format(n=prep.n_other))
    if prep.empty_groups:
        notes.append(t["empty"].format(groups=", ".join(map(str, prep.empty_groups))))
    return notes


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class _GroupResult(ResultMixin):
    """Fields shared by the group-comparison results (exclusions are always reported)."""

    value: Hashable
    group: Hashable
    test: str
    groups: tuple
    codes: tuple
    table: pd.DataFrame = Snapshot()
    descriptives: pd.DataFrame = Snapshot()
    n: int
    n_total: int
    n_missing_value: int
    n_missing_group: int
    n_excluded: int
    n_other: int
    missing: dict = Snapshot(default_factory=dict)
    empty_groups: tuple = ()
    lang: str = "en"
    notes: tuple = ()


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class TTestResult(_GroupResult):
    """Independent-samples t-test (SPSS "Independent Samples Test"), survey.md §10.

    Attributes
    ----------
    table : DataFrame
        Index ``student`` (pooled variance) and ``welch`` (Welch–Satterthwaite df); columns
        ``t``, ``df``, ``pvalue``, ``mean_diff`` (group 1 − group 2), ``se_diff``, ``ci_lower``,
        ``ci_upper``.
    descriptives : DataFrame
        Per group and in total: n, mean, sd (n − 1), se, CI of the mean, min, max.
    levene : FTest
        Levene's test of equal variances with ``levene_center`` (``"mean"`` = SPSS).
    cohens_d, hedges_g : float
        Effect sizes from the pooled SD; ``hedges`` names the correction used.
    t, df, pvalue, t_welch, df_welch, pvalue_welch : float
        The two rows of ``table`` as numbers.
    groups, codes : tuple
        The two groups (labels, codes) in the order compared.
    n, n_total, n_missing_value, n_missing_group, n_excluded, n_other : int
        Rows compared; rows in the data; rows with a missing value / group; rows excluded for
        either; rows in groups not compared.
    missing : dict
        ``{variable: {reason: count}}``.
    alternative, confidence, levene_center, hedges, lang : str or float
        Conventions used.
    notes : tuple of str
        Which row to read (by Levene at ``alpha``) and the exclusions, in ``lang``.
    """

    levene: FTest
    cohens_d: float
    hedges_g: float
    alternative: str
    confidence: float
    levene_center: str
    hedges: str

    _conventions = ("value", "group", "groups", "n", "n_excluded", "levene_center", "alternative")
    _title = "TTestResult (独立样本 t 检验)"

    def _row(self, name: str, column: str) -> float:
        return float(self._table.loc[name, column])

    @property
    def t(self) -> float:
        return self._row("student", "t")

    @property
    def df(self) -> float:
        return self._row("student", "df")

    @property
    def pvalue(self) -> float:
        return self._row("student", "pvalue")

    @property
    def t_welch(self) -> float:
        return self._row("welch", "t")

    @property
    def df_welch(self) -> float:
        return self._row("welch", "df")

    @property
    def pvalue_welch(self) -> float:
        return self._row("welch", "pvalue")

    def summary(self) -> pd.DataFrame:
        """The SPSS "Independent Samples Test" table: Levene on the first row, then t, df, p,
        mean difference, its SE and CI for equal and unequal variances."""
        t = _TEXT[self.lang]
        tab = self._table
        pcol = t["p"] if self.alternative == "two-sided" else t["p1"]
        out = pd.DataFrame(
            {
                t["levene_f"]: [self.levene.statistic, math.nan],
                t["levene_p"]: [self.levene.pvalue, math.nan],
                t["t"]: tab["t"].to_numpy(),
                t["df"]: tab["df"].to_numpy(),
                pcol: tab["pvalue"].to_numpy(),
                t["diff"]: tab["mean_diff"].to_numpy(),
                t["se_diff"]: tab["se_diff"].to_numpy(),
                t["lo"]: tab["ci_lower"].to_numpy(),
                t["hi"]: tab["ci_upper"].to_numpy(),
            },
            index=[t["student"], t["welch"]],
        )
        return out


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class AnovaResult(_GroupResult):
    """One-way ANOVA (单因素方差分析), survey.md §10.

    Attributes
    ----------
    table : DataFrame
        The ANOVA table: index ``between``, ``within``, ``total``; columns ``sum_sq``, ``df``,
        ``mean_sq``, ``F``, ``pvalue``.
    F, df_between, df_within, pvalue : float
        The F test.
    eta2, omega2 : float
        η² = SS_between/SS_total; ω² = (SS_between − df_between·MS_within)/(SS_total + MS_within).
    welch : FTest or None
        Welch's ANOVA; ``None`` when a group has zero variance (its weights are undefined).
    levene : FTest
        Levene's test with ``levene_center``.
    posthoc : DataFrame or None
        Pairwise comparisons (``posthoc`` method): ``group1``, ``group2``, ``mean_diff``
        (group1 − group2, as SPSS "(I) − (J)"), ``pvalue`` (adjusted), ``ci_lower``,
        ``ci_upper``, ``reject`` (at ``alpha``).
    """

    F: float
    df_between: float
    df_within: float
    pvalue: float
    eta2: float
    omega2: float
    welch: FTest | None
    levene: FTest
    posthoc: pd.DataFrame | None = Snapshot(default=None)
    posthoc_method: str | None
    alpha: float
    confidence: float
    levene_center: str

    _conventions = ("value", "group", "n", "n_excluded", "posthoc_method", "levene_center")
    _title = "AnovaResult (单因素方差分析)"

    def summary(self) -> pd.DataFrame:
        """The SPSS ONEWAY "ANOVA" table plus a Welch row (SPSS "Robust Tests of Equality of
        Means"): Sum of Squares, df, Mean Square, F, Sig."""
        t = _TEXT[self.lang]
        tab = self._table
        out = pd.DataFrame(
            {
                t["ss"]: tab["sum_sq"].to_numpy(),
                t["df"]: tab["df"].to_numpy(),
                t["ms"]: tab["mean_sq"].to_numpy(),
                t["f"]: tab["F"].to_numpy(),
                t["sig"]: tab["pvalue"].to_numpy(),
            },
            index=[t["between"], t["within"], t["total"]],
        )
        if self.welch is not None:
            w = self.welch
            df2 = t["df2"]
            out[df2] = math.nan
            out.loc[t["welch_anova"]] = [math.nan, w.df1, math.nan, w.statistic, w.pvalue, w.df2]
        return out


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class RankTestResult(_GroupResult):
    """Mann–Whitney U or Kruskal–Wallis H test (rank tests for ordinal items), survey.md §10.

    Attributes
    ----------
    test : str
        ``"mannwhitney"`` or ``"kruskal"``.
    table : DataFrame
        One row. Mann–Whitney: ``U`` (of group 1), ``z`` (normal approximation with tie
        correction, no continuity correction, as SPSS), ``pvalue`` (scipy, ``method`` and
        ``use_continuity`` as given), ``rank_biserial`` = 2·U/(n₁n₂) − 1, ``cles`` =
        U/(n₁n₂). Kruskal–Wallis: ``H`` (tie corrected), ``df``, ``pvalue``, ``eta2_h`` =
        (H − k + 1)/(N − k), ``epsilon2`` = H/(N − 1).
    descriptives : DataFrame
        The SPSS "Ranks" table: per group n, mean rank, sum of ranks (average ranks for ties).
    statistic, pvalue : float
        U or H, and its p value.
    """

    statistic: float
    pvalue: float
    alternative: str | None = None
    method: str | None = None
    use_continuity: bool | None = None

    _conventions = ("test", "value", "group", "n", "n_excluded")
    _title = "RankTestResult (秩和检验)"

    def summary(self) -> pd.DataFrame:
        """The test row (the ``Ranks`` table is ``descriptives``)."""
        return self.table


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class PairedTTestResult(ResultMixin):
    """Paired-samples t-test on complete pairs, survey.md §10.

    Attributes
    ----------
    table : DataFrame
        One row (``before − after``): ``mean_diff``, ``sd_diff``, ``se_diff``, ``ci_lower``,
        ``ci_upper``, ``t``, ``df``, ``pvalue``.
    descriptives : DataFrame
        ``before`` and ``after`` over the complete pairs: n, mean, sd, se.
    t, df, pvalue, mean_diff : float
    correlation, correlation_pvalue : float
        Pearson r of the pair (SPSS "Paired Samples Correlations").
    cohens_dz, cohens_dav : float
        d_z = mean(d)/sd(d) = t/√n; d_av = (x̄₁ − x̄₂)/√((s₁² + s₂²)/2) (Cumming 2012).
    n, n_total, n_excluded : int
        Complete pairs, rows, rows excluded; ``n_missing_before``/``n_missing_after`` per
        variable and ``missing`` by reason.
    """

    before: Hashable
    after: Hashable
    table: pd.DataFrame = Snapshot()
    descriptives: pd.DataFrame = Snapshot()
    t: float
    df: float
    pvalue: float
    mean_diff: float
    correlation: float
    correlation_pvalue: float
    cohens_dz: float
    cohens_dav: float
    n: int
    n_total: int
    n_missing_before: int
    n_missing_after: int
    n_excluded: int
    missing: dict = Snapshot(default_factory=dict)
    alternative: str
    confidence: float
    lang: str = "en"
    notes: tuple = ()

    _conventions = ("before", "after", "n", "n_excluded", "alternative")
    _title = "PairedTTestResult (配对样本 t 检验)"

    def summary(self) -> pd.DataFrame:
        """The SPSS "Paired Samples Test" row."""
        t = _TEXT[self.lang]
        tab = self._table
        pcol = t["p"] if self.alternative == "two-sided" else t["p1"]
        return pd.DataFrame(
            {
                t["mean"]: tab["mean_diff"].to_numpy(),
                t["sd"]: tab["sd_diff"].to_numpy(),
                t["se"]: tab["se_diff"].to_numpy(),
                t["lo"]: tab["ci_lower"].to_numpy(),
                t["hi"]: tab["ci_upper"].to_numpy(),
                t["t"]: tab["t"].to_numpy(),
                t["df"]: tab["df"].to_numpy(),
                pcol: tab["pvalue"].to_numpy(),
            },
            index=[f"{t['pair']} 1: {self.before} - {self.after}"],
        )


# ---------------------------------------------------------------------------------------------
# tests on prepared data
# ---------------------------------------------------------------------------------------------


def _check_confidence(confidence: float, alpha: float | None = None) -> None:
    if not (isinstance(confidence, int | float) and 0 < confidence < 1):
        raise CvlibInputError(f"confidence={confidence!r} must lie in (0, 1), e.g. 0.95")
    if alpha is not None and not (isinstance(alpha, int | float) and 0 < alpha < 1):
        raise CvlibInputError(f"alpha={alpha!r} must lie in (0, 1), e.g. 0.05")


def _common_fields(prep: _Prepared, descriptives: pd.DataFrame, lang: str) -> dict[str, Any]:
    return {
        "value": prep.value,
        "group": prep.group,
        "groups": tuple(prep.labels),
        "codes": tuple(prep.codes),
        "descriptives": descriptives,
        "n": int(sum(s.size for s in prep.samples)),
        "n_total": prep.n_total,
        "n_missing_value": prep.n_missing_value,
        "n_missing_group": prep.n_missing_group,
        "n_excluded": prep.n_excluded,
        "n_other": prep.n_other,
        "missing": prep.missing,
        "empty_groups": prep.empty_groups,
        "lang": lang,
    }


def _two_groups(prep: _Prepared, what: str) -> None:
    if len(prep.samples) != 2:
        raise CvlibInputError(
            f"{what} compares two groups, but {prep.group!r} has {len(prep.samples)}: "
            f"{prep.labels}; choose two with groups=[a, b], or use "
            f"{'anova_groups' if what.startswith('t') else 'kruskal_groups'}"
        )


def _ttest(
    prep: _Prepared,
    *,
    alternative: str,
    confidence: float,
    levene_center: str,
    hedges: str,
    alpha: float,
    lang: str,
) -> TTestResult:
    _two_groups(prep, "the t-test")
    _no_spread(prep)
    a, b = prep.samples
    n1, n2 = a.size, b.size
    m1, m2 = a.mean(), b.mean()
    v1, v2 = a.var(ddof=1), b.var(ddof=1)
    diff = float(m1 - m2)
    df_s = n1 + n2 - 2.0
    sp2 = ((n1 - 1) * v1 + (n2 - 1) * v2) / df_s
    se_s = math.sqrt(sp2 * (1.0 / n1 + 1.0 / n2))
    q1, q2 = v1 / n1, v2 / n2
    se_w = math.sqrt(q1 + q2)
    df_w = (q1 + q2) ** 2 / (q1**2 / (n1 - 1) + q2**2 / (n2 - 1))
    rows = {}
    for name, se, df in (("student", se_s, df_s), ("welch", se_w, df_w)):
        t = diff / se
        lo, hi = _ci(diff, se, df, confidence, alternative)
        rows[name] = {
            "t": t,
            "df": df,
            "pvalue": _pvalue_t(t, df, alternative),
            "mean_diff": diff,
            "se_diff": se,
            "ci_lower": lo,
            "ci_upper": hi,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    levene = _levene(prep.samples, levene_center)
    d = diff / math.sqrt(sp2)
    g = d * _hedges_factor(df_s, hedges)
    text = _TEXT[lang]
    key = "read_welch" if levene.pvalue < alpha else "read_student"
    notes = [text[key].format(p=levene.pvalue, alpha=alpha, x=""), *_exclusion_notes(prep, lang)]
    return TTestResult(
        test="t",
        table=table,
        levene=levene,
        cohens_d=float(d),
        hedges_g=float(g),
        alternative=alternative,
        confidence=float(confidence),
        levene_center=levene_center,
        hedges=hedges,
        notes=tuple(notes),
        **_common_fields(prep, _descriptives(prep, confidence, text["total"]), lang),
    )


def _welch_anova(samples: list[np.ndarray]) -> FTest | None:
    n = np.array([s.size for s in samples], dtype=np.float64)
    means = np.array([s.mean() for s in samples])
    var = np.array([s.var(ddof=1) for s in samples])
    if np.any(var == 0):
        return None
    k = len(samples)
    w = n / var
    mw = (w * means).sum() / w.sum()
    a = (w * (means - mw) ** 2).sum() / (k - 1)
    lam = ((1.0 - w / w.sum()) ** 2 / (n - 1)).sum()
    b = 1.0 + 2.0 * (k - 2) / (k**2 - 1) * lam
    f = a / b
    df2 = (k**2 - 1) / (3.0 * lam)
    return FTest(float(f), float(k - 1), float(df2), float(stats.f.sf(f, k - 1, df2)))


def _posthoc(prep: _Prepared, method: str, alpha: float) -> pd.DataFrame:
    from statsmodels.stats.multicomp import pairwise_tukeyhsd

    x = np.concatenate(prep.samples)
    g = np.repeat(np.arange(len(prep.samples)), [s.size for s in prep.samples])
    res = pairwise_tukeyhsd(x, g, alpha=alpha, use_var="equal" if method == "tukey" else "unequal")
    frame = res.summary_frame()
    # statsmodels: meandiff = mean(group_t) − mean(group_c) with group_c < group_t; SPSS (I) − (J)
    i = frame["group_c"].to_numpy(dtype=np.int64)
    j = frame["group_t"].to_numpy(dtype=np.int64)
    ci = np.asarray(res.confint, dtype=np.float64)
    n = np.array([s.size for s in prep.samples], dtype=np.float64)
    var = np.array([s.var(ddof=1) for s in prep.samples])
    if method == "tukey":  # SPSS "Std. Error": √(MS_within·(1/n_i + 1/n_j))
        ms_within = ((n - 1) * var).sum() / (n.sum() - len(n))
        se = np.sqrt(ms_within * (1.0 / n[i] + 1.0 / n[j]))
    else:  # Games-Howell: √(s_i²/n_i + s_j²/n_j)
        se = np.sqrt(var[i] / n[i] + var[j] / n[j])
    return pd.DataFrame(
        {
            "group1": [prep.labels[k] for k in i],
            "group2": [prep.labels[k] for k in j],
            "mean_diff": -np.asarray(res.meandiffs, dtype=np.float64),
            "se": se,
            "pvalue": np.asarray(res.pvalues, dtype=np.float64),
            "ci_lower": -ci[:, 1],
            "ci_upper": -ci[:, 0],
            "reject": np.asarray(res.reject, dtype=bool),
        }
    )


def _anova(
    prep: _Prepared,
    *,
    posthoc: str | None,
    alpha: float,
    confidence: float,
    levene_center: str,
    lang: str,
) -> AnovaResult:
    _no_spread(prep)
    ss_b, ss_w, ss_t, f, p = _oneway(prep.samples)
    k = len(prep.samples)
    big_n = sum(s.size for s in prep.samples)
    df_b, df_w = float(k - 1), float(big_n - k)
    ms_w = ss_w / df_w
    table = pd.DataFrame(
        {
            "sum_sq": [ss_b, ss_w, ss_t],
            "df": [df_b, df_w, float(big_n - 1)],
            "mean_sq": [ss_b / df_b, ms_w, math.nan],
            "F": [f, math.nan, math.nan],
            "pvalue": [p, math.nan, math.nan],
        },
        index=["between", "within", "total"],
    )
    welch = _welch_anova(prep.samples)
    levene = _levene(prep.samples, levene_center)
    text = _TEXT[lang]
    notes = []
    if levene.pvalue < alpha:
        notes.append(text["read_welch"].format(p=levene.pvalue, alpha=alpha, x=text["welch_gh"]))
    else:
        notes.append(text["read_student"].format(p=levene.pvalue, alpha=alpha, x=""))
    if welch is None:
        zero = [lab for lab, s in zip(prep.labels, prep.samples, strict=True) if np.all(s == s[0])]
        notes.append(text["welch_na"].format(groups=", ".join(map(str, zero))))
    notes.extend(_exclusion_notes(prep, lang))
    return AnovaResult(
        test="anova",
        table=table,
        F=float(f),
        df_between=df_b,
        df_within=df_w,
        pvalue=float(p),
        eta2=ss_b / ss_t,
        omega2=(ss_b - df_b * ms_w) / (ss_t + ms_w),
        welch=welch,
        levene=levene,
        posthoc=None if posthoc is None else _posthoc(prep, posthoc, alpha),
        posthoc_method=posthoc,
        alpha=float(alpha),
        confidence=float(confidence),
        levene_center=levene_center,
        notes=tuple(notes),
        **_common_fields(prep, _descriptives(prep, confidence, text["total"]), lang),
    )


def _ranks(prep: _Prepared, lang: str) -> tuple[np.ndarray, list[np.ndarray], pd.DataFrame, float]:
    x = np.concatenate(prep.samples)
    ranks = stats.rankdata(x)
    bounds = np.cumsum([0] + [s.size for s in prep.samples])
    parts = [ranks[bounds[i] : bounds[i + 1]] for i in range(len(prep.samples))]
    _, tie_counts = np.unique(x, return_counts=True)
    tie_sum = float((tie_counts.astype(np.float64) ** 3 - tie_counts).sum())
    table = pd.DataFrame(
        {
            "n": [p.size for p in parts],
            "mean_rank": [p.mean() for p in parts],
            "sum_ranks": [p.sum() for p in parts],
        },
        index=list(prep.labels),
    )
    table.index.name = prep.group
    return ranks, parts, table, tie_sum


def _all_tied(prep: _Prepared) -> None:
    x = np.concatenate(prep.samples)
    if np.all(x == x[0]):
        raise CvlibInputError(
            f"every valid {prep.value!r} equals {x[0]!r}: all ranks are tied, so the rank test "
            f"is undefined"
        )


def _mannwhitney(
    prep: _Prepared, *, alternative: str, method: str, use_continuity: bool, lang: str
) -> RankTestResult:
    _two_groups(prep, "the Mann-Whitney test")
    _all_tied(prep)
    _, parts, ranks_table, tie_sum = _ranks(prep, lang)
    a, b = prep.samples
    n1, n2 = float(a.size), float(b.size)
    big_n = n1 + n2
    u1 = float(parts[0].sum() - n1 * (n1 + 1) / 2)
    sigma = math.sqrt(n1 * n2 / 12.0 * ((big_n + 1) - tie_sum / (big_n * (big_n - 1))))
    z = (u1 - n1 * n2 / 2) / sigma
    res = stats.mannwhitneyu(
        a, b, use_continuity=use_continuity, alternative=alternative, method=method
    )
    table = pd.DataFrame(
        {
            "U": [u1],
            "z": [z],
            "pvalue": [float(res.pvalue)],
            "rank_biserial": [2.0 * u1 / (n1 * n2) - 1.0],
            "cles": [u1 / (n1 * n2)],
        },
        index=["mannwhitney"],
    )
    return RankTestResult(
        test="mannwhitney",
        table=table,
        statistic=u1,
        pvalue=float(res.pvalue),
        alternative=alternative,
        method=method,
        use_continuity=use_continuity,
        notes=tuple(_exclusion_notes(prep, lang)),
        **_common_fields(prep, ranks_table, lang),
    )


def _kruskal(prep: _Prepared, *, lang: str) -> RankTestResult:
    _all_tied(prep)
    _, parts, ranks_table, tie_sum = _ranks(prep, lang)
    big_n = float(sum(p.size for p in parts))
    k = len(parts)
    h0 = 12.0 / (big_n * (big_n + 1)) * sum(p.sum() ** 2 / p.size for p in parts) - 3 * (big_n + 1)
    h = h0 / (1.0 - tie_sum / (big_n**3 - big_n))
    p = float(stats.chi2.sf(h, k - 1))
    table = pd.DataFrame(
        {
            "H": [h],
            "df": [float(k - 1)],
            "pvalue": [p],
            "eta2_h": [(h - k + 1) / (big_n - k)],
            "epsilon2": [h / (big_n - 1)],
        },
        index=["kruskal"],
    )
    return RankTestResult(
        test="kruskal",
        table=table,
        statistic=float(h),
        pvalue=p,
        notes=tuple(_exclusion_notes(prep, lang)),
        **_common_fields(prep, ranks_table, lang),
    )


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------


def ttest_groups(
    data: Any,
    value: Hashable,
    group: Hashable,
    *,
    groups: Sequence[Any] | None = None,
    codebook: Any = None,
    lang: str = "en",
    alternative: str = "two-sided",
    confidence: float = 0.95,
    levene_center: str = "mean",
    hedges: str = "approximate",
    alpha: float = 0.05,
) -> TTestResult:
    """Independent-samples t-test (独立样本 t 检验) of ``value`` between two groups, SPSS style.

    With group means x̄₁, x̄₂, variances s₁², s₂² (n − 1) and sizes n₁, n₂, d = x̄₁ − x̄₂:

    * Student (equal variances): s_p² = ((n₁ − 1)s₁² + (n₂ − 1)s₂²)/(n₁ + n₂ − 2),
      SE = s_p·√(1/n₁ + 1/n₂), df = n₁ + n₂ − 2;
    * Welch: SE = √(s₁²/n₁ + s₂²/n₂), df = SE⁴ / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1));
    * t = d/SE; CI = d ± t_{df, 1−α/2}·SE;
    * Levene's test: one-way ANOVA F on |x − x̄_group| (``center="mean"``, SPSS; scipy's default
      ``"median"`` is Brown–Forsythe);
    * Cohen's d = d/s_p; Hedges' g = d·J (see :func:`hedges_g`).

    Both rows are always reported, as SPSS does; ``notes`` says which to read by Levene's test.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    value : hashable
        Numeric column (a scale score or an item); text raises ``TypeError``.
    group : hashable
        Grouping column; categories and labels from the codebook when it lists the column.
    groups : list, optional
        The two groups to compare (codes or labels), when ``group`` has more than two.
    codebook : Codebook or dict, optional
        Labels and missing codes; defaults to the codebook of a read result.
    lang : {"en", "zh"}
        Language of labels, ``summary()`` and notes.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis for μ₁ − μ₂ (scipy's convention; one-sided CIs are open-ended).
    confidence : float
        Confidence level of the CIs (0.95).
    levene_center : {"mean", "median"}
        Centre of Levene's test: ``"mean"`` (Levene 1960, SPSS) or ``"median"``
        (Brown–Forsythe).
    hedges : {"approximate", "exact"}
        Small-sample correction of Hedges' g.
    alpha : float
        Level used by the notes (which row to read).

    Returns
    -------
    TTestResult
        ``table`` (rows ``student``, ``welch``), ``levene``, ``cohens_d``, ``hedges_g``,
        ``descriptives`` and the exclusion counts; ``summary()`` is the SPSS table.

    Raises
    ------
    CvlibInputError
        A group with fewer than 2 valid values (named), fewer or more than two groups, a value
        column with no valid values, or no variance within any group.
    TypeError
        ``value`` holds text.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [3, 4, 5, 4, 2, 3, 2, 1, 2],
    ...                    "sex": [1, 1, 1, 1, 2, 2, 2, 2, 2]})
    >>> res = ttest_groups(df, "score", "sex")
    >>> res.table[["t", "df"]].round(4)
                  t      df
    student  3.9441  7.0000
    welch    3.8730  6.0472
    >>> round(res.cohens_d, 4), res.levene_center
    (2.6458, 'mean')

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34(1/2), 28-35.
    Levene, H. (1960). Robust tests for equality of variances. In *Contributions to
    Probability and Statistics*, 278-292. Stanford University Press.
    """
    check_choice("alternative", alternative, _ALTERNATIVES)
    check_choice("levene_center", levene_center, ("mean", "median"))
    check_choice("hedges", hedges, _HEDGES)
    _check_confidence(confidence, alpha)
    prep = _prepare(data, value, group, codebook, lang, groups)
    return _ttest(
        prep,
        alternative=alternative,
        confidence=confidence,
        levene_center=levene_center,
        hedges=hedges,
        alpha=alpha,
        lang=lang,
    )


def anova_groups(
    data: Any,
    value: Hashable,
    group: Hashable,
    *,
    groups: Sequence[Any] | None = None,
    codebook: Any = None,
    lang: str = "en",
    posthoc: str | None = "tukey",
    alpha: float = 0.05,
    confidence: float = 0.95,
    levene_center: str = "mean",
) -> AnovaResult:
    """One-way ANOVA (单因素方差分析) of ``value`` across the groups of ``group``, SPSS ONEWAY style.

    With k groups, N cases, group means x̄_i and grand mean x̄:

    * SS_between = Σ n_i(x̄_i − x̄)², SS_within = ΣΣ (x − x̄_i)², SS_total = ΣΣ (x − x̄)²;
      F = (SS_between/(k − 1)) / (SS_within/(N − k));
    * η² = SS_between/SS_total; ω² = (SS_between − (k − 1)·MS_within)/(SS_total + MS_within);
    * Welch's ANOVA: w_i = n_i/s_i², x̃ = Σ w_i x̄_i/Σ w_i, Λ = Σ (1 − w_i/Σw)²/(n_i − 1),
      F_W = [Σ w_i(x̄_i − x̃)²/(k − 1)] / [1 + 2(k − 2)Λ/(k² − 1)], df = (k − 1, (k² − 1)/(3Λ));
    * Levene's test (``center="mean"``, SPSS);
    * post hoc: Tukey HSD (or Games-Howell) from statsmodels ``pairwise_tukeyhsd``.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent.
    value, group : hashable
        Numeric column and grouping column.
    groups : list, optional
        The groups to compare (codes or labels); all non-empty groups by default. Empty
        codebook categories are left out and listed in ``empty_groups``.
    codebook : Codebook or dict, optional
        Labels and missing codes.
    lang : {"en", "zh"}
        Language of labels, ``summary()`` and notes.
    posthoc : {"tukey", "games-howell", None}
        Pairwise comparisons from statsmodels ``pairwise_tukeyhsd``: Tukey HSD (equal
        variances), Games-Howell (``use_var="unequal"``), or none. Games-Howell needs one
        studentized-range quantile per pair (non-integer df) for its CIs, which takes scipy
        about half a second per pair.
    alpha : float
        Family-wise level of the post hoc tests (``reject``) and of the notes.
    confidence : float
        Confidence level of the group means' CIs.
    levene_center : {"mean", "median"}
        Centre of Levene's test.

    Returns
    -------
    AnovaResult
        ``table``, ``F``, ``pvalue``, ``eta2``, ``omega2``, ``welch``, ``levene``, ``posthoc``,
        ``descriptives`` and the exclusion counts.

    Raises
    ------
    CvlibInputError
        A group with fewer than 2 valid values (named), a single group, no valid values.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [1, 2, 3, 2, 3, 4, 4, 5, 6],
    ...                    "edu": [1, 1, 1, 2, 2, 2, 3, 3, 3]})
    >>> res = anova_groups(df, "score", "edu")
    >>> round(res.F, 4), res.df_between, res.df_within, round(res.eta2, 4)
    (7.0, 2.0, 6.0, 0.7)
    >>> res.posthoc[["group1", "group2", "mean_diff"]]
       group1  group2  mean_diff
    0       1       2       -1.0
    1       1       3       -3.0
    2       2       3       -2.0

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values: an alternative approach.
    *Biometrika* 38(3/4), 330-336.
    Tukey, J. W. (1949). Comparing individual means in the analysis of variance. *Biometrics*
    5(2), 99-114.
    Olejnik, S., & Algina, J. (2003). Generalized eta and omega squared statistics.
    *Psychological Methods* 8(4), 434-447.
    """
    check_choice("posthoc", posthoc, ("tukey", "games-howell", None))
    check_choice("levene_center", levene_center, ("mean", "median"))
    _check_confidence(confidence, alpha)
    prep = _prepare(data, value, group, codebook, lang, groups)
    return _anova(
        prep,
        posthoc=posthoc,
        alpha=alpha,
        confidence=confidence,
        levene_center=levene_center,
        lang=lang,
    )


def mannwhitney_groups(
    data: Any,
    value: Hashable,
    group: Hashable,
    *,
    groups: Sequence[Any] | None = None,
    codebook: Any = None,
    lang: str = "en",
    alternative: str = "two-sided",
    method: str = "auto",
    use_continuity: bool = True,
) -> RankTestResult:
    """Mann–Whitney U test (曼-惠特尼 U 检验) of ``value`` between two groups.

    Ranks over both groups (ties get average ranks); U₁ = R₁ − n₁(n₁ + 1)/2. The p value is
    scipy's (``method``: "auto" = exact for small samples without ties, else the normal
    approximation with tie correction and, with ``use_continuity``, continuity correction, as R's
    ``wilcox.test``). ``z`` = (U₁ − n₁n₂/2)/σ with the tie-corrected σ² = n₁n₂/12·((N + 1) −
    Σ(t³ − t)/(N(N − 1))) and no continuity correction (SPSS's "Z"). Effect sizes: rank-biserial
    r = 2U₁/(n₁n₂) − 1 and the common-language effect size U₁/(n₁n₂).

    Parameters
    ----------
    data, value, group, groups, codebook, lang
        As in :func:`ttest_groups`.
    alternative : {"two-sided", "less", "greater"}
        scipy's convention (group 1 vs group 2).
    method : {"auto", "asymptotic", "exact"}
        p value method (scipy).
    use_continuity : bool
        Continuity correction of the asymptotic p value (scipy, R default True).

    Returns
    -------
    RankTestResult
        ``table`` (U, z, pvalue, rank_biserial, cles) and ``descriptives`` (the "Ranks" table).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": [5, 4, 4, 3, 2, 2, 1, 3],
    ...                    "sex": [1, 1, 1, 1, 2, 2, 2, 2]})
    >>> res = mannwhitney_groups(df, "item", "sex")
    >>> res.statistic, res.descriptives["mean_rank"].tolist()
    (15.5, [6.375, 2.625])

    References
    ----------
    Mann, H. B., & Whitney, D. R. (1947). *Annals of Mathematical Statistics* 18(1), 50-60.
    Kerby, D. S. (2014). The simple difference formula: an approach to teaching nonparametric
    correlation. *Comprehensive Psychology* 3, 11.IT.3.1.
    """
    check_choice("alternative", alternative, _ALTERNATIVES)
    check_choice("method", method, ("auto", "asymptotic", "exact"))
    prep = _prepare(data, value, group, codebook, lang, groups)
    return _mannwhitney(
        prep,
        alternative=alternative,
        method=method,
        use_continuity=bool(use_continuity),
        lang=lang,
    )


def kruskal_groups(
    data: Any,
    value: Hashable,
    group: Hashable,
    *,
    groups: Sequence[Any] | None = None,
    codebook: Any = None,
    lang: str = "en",
) -> RankTestResult:
    """Kruskal–Wallis H test (克鲁斯卡尔-沃利斯 H 检验) of ``value`` across groups.

    H = [12/(N(N + 1))·Σ R_i²/n_i − 3(N + 1)] / (1 − Σ(t³ − t)/(N³ − N)) (tie corrected),
    df = k − 1, p from χ². Effect sizes η²_H = (H − k + 1)/(N − k) and ε² = H/(N − 1).

    Parameters
    ----------
    data, value, group, groups, codebook, lang
        As in :func:`anova_groups`.

    Returns
    -------
    RankTestResult
        ``table`` (H, df, pvalue, eta2_h, epsilon2) and ``descriptives`` (the "Ranks" table).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": [1, 2, 2, 3, 3, 4, 4, 5, 5],
    ...                    "edu": [1, 1, 1, 2, 2, 2, 3, 3, 3]})
    >>> res = kruskal_groups(df, "item", "edu")
    >>> round(res.statistic, 4), float(res.table["df"].iloc[0])
    (7.0575, 2.0)

    References
    ----------
    Kruskal, W. H., & Wallis, W. A. (1952). *Journal of the American Statistical Association*
    47(260), 583-621.
    Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates revisited.
    *Trends in Sport Sciences* 1(21), 19-25.
    """
    prep = _prepare(data, value, group, codebook, lang, groups)
    return _kruskal(prep, lang=lang)


def compare_groups(
    data: Any,
    value: Hashable,
    group: Hashable,
    *,
    test: str = "auto",
    groups: Sequence[Any] | None = None,
    codebook: Any = None,
    lang: str = "en",
    **options: Any,
) -> TTestResult | AnovaResult | RankTestResult:
    """Compare ``value`` across the groups of ``group`` with one test (组间比较).

    ``test="auto"`` picks the independent t-test for two groups and one-way ANOVA for three or
    more (the parametric tests SPSS users expect; for a single Likert item consider
    ``"mannwhitney"`` / ``"kruskal"``). The result's ``test`` says which ran.

    Parameters
    ----------
    data, value, group, groups, codebook, lang
        As in :func:`ttest_groups`.
    test : {"auto", "t", "anova", "mannwhitney", "kruskal"}
        The test.
    **options
        Passed to the chosen test (e.g. ``posthoc=`` for ANOVA, ``alternative=`` for t).

    Returns
    -------
    TTestResult, AnovaResult or RankTestResult
        Each with a tidy ``table`` and ``summary()``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [1, 2, 3, 2, 3, 4, 4, 5, 6],
    ...                    "edu": [1, 1, 1, 2, 2, 2, 3, 3, 3]})
    >>> compare_groups(df, "score", "edu").test
    'anova'
    >>> compare_groups(df, "score", "edu", groups=[1, 3]).test
    't'
    """
    check_choice("test", test, ("auto", "t", "anova", "mannwhitney", "kruskal"))
    funcs = {
        "t": ttest_groups,
        "anova": anova_groups,
        "mannwhitney": mannwhitney_groups,
        "kruskal": kruskal_groups,
    }
    if test == "auto":
        prep = _prepare(data, value, group, codebook, lang, groups)
        test = "t" if len(prep.samples) == 2 else "anova"
    return funcs[test](data, value, group, groups=groups, codebook=codebook, lang=lang, **options)


def paired_ttest(
    data: Any,
    before: Hashable,
    after: Hashable,
    *,
    codebook: Any = None,
    lang: str = "en",
    alternative: str = "two-sided",
    confidence: float = 0.95,
) -> PairedTTestResult:
    """Paired-samples t-test (配对样本 t 检验) of ``before − after`` over complete pairs.

    d_i = before_i − after_i for rows where both are present; t = d̄/(s_d/√n), df = n − 1,
    CI = d̄ ± t_{n−1, 1−α/2}·s_d/√n. Effect sizes d_z = d̄/s_d and
    d_av = (x̄_before − x̄_after)/√((s²_before + s²_after)/2). The pair's Pearson correlation is
    reported as in SPSS.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent, the two measurements in two columns.
    before, after : hashable
        The two numeric columns.
    codebook : Codebook or dict, optional
        Missing codes of the two items.
    lang : {"en", "zh"}
        Language of ``summary()`` and notes.
    alternative : {"two-sided", "less", "greater"}
        For the mean difference before − after.
    confidence : float
        Confidence level of the CI.

    Returns
    -------
    PairedTTestResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"pre": [3, 4, 2, 5, 4], "post": [4, 5, 4, 5, 6]})
    >>> res = paired_ttest(df, "pre", "post")
    >>> round(res.t, 4), res.df, round(res.cohens_dz, 4)
    (-3.2071, 4.0, -1.4343)

    References
    ----------
    Student (1908). The probable error of a mean. *Biometrika* 6(1), 1-25.
    Lakens, D. (2013). Calculating and reporting effect sizes. *Frontiers in Psychology* 4, 863.
    """
    check_choice("alternative", alternative, _ALTERNATIVES)
    _check_confidence(confidence)
    frame, codebook, reasons = unwrap(data, codebook)
    _check_common(frame, [before, after], lang)
    xa, miss_a = _numeric_value(frame, before, codebook, reasons)
    xb, miss_b = _numeric_value(frame, after, codebook, reasons)
    both = ~np.isnan(xa) & ~np.isnan(xb)
    n = int(both.sum())
    if n < 2:
        raise CvlibInputError(
            f"{before!r} and {after!r} have {n} complete pair(s) ({len(xa)} rows; missing "
            f"{before!r}: {int(np.isnan(xa).sum())}, {after!r}: {int(np.isnan(xb).sum())}); a "
            f"paired t-test needs at least 2"
        )
    a, b = xa[both], xb[both]
    d = a - b
    sd = d.std(ddof=1)
    if sd == 0:
        raise CvlibInputError(
            f"every pair has the same difference {d[0]!r} ({before!r} - {after!r}); the paired "
            f"t statistic is undefined"
        )
    se = sd / math.sqrt(n)
    mean = float(d.mean())
    df = float(n - 1)
    t = mean / se
    lo, hi = _ci(mean, se, df, confidence, alternative)
    p = _pvalue_t(t, df, alternative)
    table = pd.DataFrame(
        {
            "mean_diff": [mean],
            "sd_diff": [sd],
            "se_diff": [se],
            "ci_lower": [lo],
            "ci_upper": [hi],
            "t": [t],
            "df": [df],
            "pvalue": [p],
        },
        index=[f"{before} - {after}"],
    )
    desc = pd.DataFrame(
        {
            "n": [n, n],
            "mean": [a.mean(), b.mean()],
            "sd": [a.std(ddof=1), b.std(ddof=1)],
            "se": [a.std(ddof=1) / math.sqrt(n), b.std(ddof=1) / math.sqrt(n)],
        },
        index=[before, after],
    )
    if a.std() == 0 or b.std() == 0:
        r, r_p = math.nan, math.nan
    else:
        rr = stats.pearsonr(a, b)
        r, r_p = float(rr.statistic), float(rr.pvalue)
    dav = float((a.mean() - b.mean()) / math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2))
    n_excluded = len(xa) - n
    notes = []
    if n_excluded:
        notes.append(
            _TEXT[lang]["paired_excluded"].format(
                n=n_excluded,
                total=len(xa),
                a=before,
                na=int(np.isnan(xa).sum()),
                b=after,
                nb=int(np.isnan(xb).sum()),
            )
        )
    return PairedTTestResult(
        before=before,
        after=after,
        table=table,
        descriptives=desc,
        t=float(t),
        df=df,
        pvalue=p,
        mean_diff=mean,
        correlation=r,
        correlation_pvalue=r_p,
        cohens_dz=float(mean / sd),
        cohens_dav=dav,
        n=n,
        n_total=len(xa),
        n_missing_before=int(np.isnan(xa).sum()),
        n_missing_after=int(np.isnan(xb).sum()),
        n_excluded=n_excluded,
        missing={before: miss_a, after: miss_b},
        alternative=alternative,
        confidence=float(confidence),
        lang=lang,
        notes=tuple(notes),
    )

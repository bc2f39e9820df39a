"""Kano model (Kano 模型, ``methods/satisfaction.md`` §8).

Each feature has a functional question (正向问题, "if the product has X") and a dysfunctional one
(反向问题, "if it does not have X"), answered 1 Like 我很喜欢, 2 Must-be 它理应如此, 3 Neutral
无所谓, 4 Live-with 我能忍受, 5 Dislike 我很不喜欢. The Berger et al. (1993) evaluation table maps
each answer pair to a category; a feature's category is the mode (ties broken by
M > O > A > I > R > Q and flagged); Better (SI) = (A + O)/(A + O + M + I) and
Worse (DSI) = −(O + M)/(A + O + M + I).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.survey._common import numeric_items, select_items, unwrap

__all__ = [
    "KANO_ANSWERS",
    "KANO_CATEGORIES",
    "KANO_TABLE",
    "KanoResult",
    "kano",
    "kano_category",
    "kano_coefficients",
    "plot_kano",
]

#: Answer codes (§8): code -> (Chinese, English).
KANO_ANSWERS: dict[int, tuple[str, str]] = {
    1: ("我很喜欢", "Like"),
    2: ("它理应如此", "Must-be"),
    3: ("无所谓", "Neutral"),
    4: ("我能忍受", "Live-with"),
    5: ("我很不喜欢", "Dislike"),
}

#: Category code -> (Chinese, English), in the default tie order M > O > A > I > R > Q.
KANO_CATEGORIES: dict[str, tuple[str, str]] = {
    "M": ("必备属性", "Must-be"),
    "O": ("期望属性", "One-dimensional"),
    "A": ("魅力属性", "Attractive"),
    "I": ("无差异属性", "Indifferent"),
    "R": ("反向属性", "Reverse"),
    "Q": ("可疑结果", "Questionable"),
}
_COUNT_ORDER = ("A", "O", "M", "I", "R", "Q")

#: Berger et al. (1993) evaluation table: rows = functional answer, columns = dysfunctional.
KANO_TABLE = pd.DataFrame(
    [
        ["Q", "A", "A", "A", "O"],
        ["R", "I", "I", "I", "M"],
        ["R", "I", "I", "I", "M"],
        ["R", "I", "I", "I", "M"],
        ["R", "R", "R", "R", "Q"],
    ],
    index=pd.Index([1, 2, 3, 4, 5], name="functional"),
    columns=pd.Index([1, 2, 3, 4, 5], name="dysfunctional"),
)
_TABLE = KANO_TABLE.to_numpy()
_Q_WARN = 0.10
_LANGS = ("zh", "en")


def _check_codes(values: np.ndarray, where: str, index: pd.Index) -> None:
    ok = np.isnan(values) | np.isin(values, [1, 2, 3, 4, 5])
    if not ok.all():
        r = int(np.argmax(~ok))
        raise CvlibInputError(
            f"{where} holds {values[r]:g} at row {index[r]!r} ({int((~ok).sum())} such value(s)); "
            f"Kano answers are 1 Like 我很喜欢, 2 Must-be 它理应如此, 3 Neutral 无所谓, 4 Live-with "
            f"我能忍受, 5 Dislike 我很不喜欢. Recode the answers or declare other codes missing."
        )


def kano_category(functional: Any, dysfunctional: Any) -> Any:
    """Kano category of answer pairs from the evaluation table (Berger et al. 1993).

    Parameters
    ----------
    functional, dysfunctional : int or array-like of int in 1..5
        Answers to the functional (正向) and dysfunctional (反向) question.

    Returns
    -------
    str or ndarray of str
        ``"A"``, ``"O"``, ``"M"``, ``"I"``, ``"R"`` or ``"Q"`` (None where an answer is missing).

    Examples
    --------
    >>> kano_category(1, 5), kano_category(1, 1), kano_category(5, 1)
    ('O', 'Q', 'R')
    >>> kano_category([2, 3, 1], [5, 3, 3]).tolist()
    ['M', 'I', 'A']
    """
    scalar = np.ndim(functional) == 0 and np.ndim(dysfunctional) == 0
    f = np.atleast_1d(np.asarray(functional, dtype="float64"))
    d = np.atleast_1d(np.asarray(dysfunctional, dtype="float64"))
    if f.shape != d.shape:
        raise CvlibInputError(
            f"functional and dysfunctional answers differ in length ({f.shape} vs {d.shape})."
        )
    idx = pd.RangeIndex(len(f))
    _check_codes(f, "the functional answers", idx)
    _check_codes(d, "the dysfunctional answers", idx)
    ok = ~(np.isnan(f) | np.isnan(d))
    out = np.full(f.shape, None, dtype=object)
    out[ok] = _TABLE[f[ok].astype(int) - 1, d[ok].astype(int) - 1]
    return out[0] if scalar else out


def kano_coefficients(counts: pd.DataFrame | Mapping[str, float]) -> pd.DataFrame | pd.Series:
    """Better (SI) and Worse (DSI) coefficients from category counts.

    Better = (A + O)/(A + O + M + I); Worse = −(O + M)/(A + O + M + I). A zero denominator gives
    NaN and a warning.

    Parameters
    ----------
    counts : DataFrame (columns A, O, M, I) or dict
        Counts per feature (rows) or for one feature.

    Returns
    -------
    DataFrame or Series
        ``better`` and ``worse`` (per feature for a DataFrame).

    Examples
    --------
    >>> kano_coefficients({"A": 10, "O": 20, "M": 15, "I": 5}).round(12).to_dict()
    {'better': 0.6, 'worse': -0.7}
    """
    single = isinstance(counts, Mapping)
    frame = pd.DataFrame([counts]) if single else counts
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("counts must be a DataFrame with columns A, O, M, I or a dict.")
    missing = [c for c in ("A", "O", "M", "I") if c not in frame.columns]
    if missing:
        raise KeyError(f"counts need the columns A, O, M, I; missing {missing}.")
    c = frame[["A", "O", "M", "I"]].astype("float64")
    if (c < 0).to_numpy().any():
        raise CvlibInputError("Kano category counts must be >= 0.")
    den = c.sum(axis=1)
    zero = den == 0
    if zero.any():
        who = "the feature" if single else f"feature(s) {list(frame.index[zero])}"
        warnings.warn(
            f"{who}: A + O + M + I = 0 (only R and Q answers), so Better and Worse are undefined "
            f"(NaN).",
            CvlibWarning,
            stacklevel=2,
        )
    den = den.where(~zero)
    out = pd.DataFrame(
        {"better": (c["A"] + c["O"]) / den, "worse": -(c["O"] + c["M"]) / den}, index=frame.index
    )
    return out.iloc[0].rename(None) if single else out


@dataclass(frozen=True, repr=False, eq=False)
class KanoResult(ResultMixin):
    """Kano classification of features (Kano 模型).

    Attributes
    ----------
    table : DataFrame
        Per feature: counts ``A``, ``O``, ``M``, ``I``, ``R``, ``Q``, their shares ``pct_A`` ...
        (% of valid pairs), ``n`` (valid pairs), ``n_missing``, ``category`` (the mode),
        ``tie`` (the mode was tied and broken by ``tie_order``), ``label`` (zh/en),
        ``better``, ``worse`` (DSI, ≤ 0), ``abs_worse`` and ``bw_quadrant`` (the category read
        from the Better-Worse plot: O, A, M or I).
    categories : DataFrame
        Per respondent and feature: the category of the answer pair (missing if incomplete).
    tie_order : str
        The tie-breaking order (default ``"MOAIRQ"``, Berger et al.).
    crosshair : str or float
        The Better-Worse plot split: 0.5 (default) or ``"mean"``; ``crosshairs`` holds the values.
    """

    table: pd.DataFrame = Snapshot()
    categories: pd.DataFrame = Snapshot()
    tie_order: str
    crosshair: Any
    crosshairs: dict = Snapshot()
    lang: str

    _conventions = ("tie_order", "crosshair", "crosshairs", "lang")
    _title = "KanoResult (Kano 模型)"

    def summary(self) -> pd.DataFrame:
        """The per-feature table."""
        return self.table


def kano(
    data: Any,
    features: Mapping[Hashable, tuple[Hashable, Hashable]],
    *,
    tie_order: str = "MOAIRQ",
    crosshair: float | str = 0.5,
    q_warn: float = _Q_WARN,
    lang: str = "zh",
) -> KanoResult:
    """Kano categories and Better/Worse coefficients per feature.

    Each respondent's (functional, dysfunctional) answer pair is classified with the evaluation
    table (:data:`KANO_TABLE`, Berger et al. 1993):

    ====================== === === === === ===
    functional \\ dysfunc.  1   2   3   4   5
    ====================== === === === === ===
    1 Like                 Q   A   A   A   O
    2 Must-be              R   I   I   I   M
    3 Neutral              R   I   I   I   M
    4 Live-with            R   I   I   I   M
    5 Dislike              R   R   R   R   Q
    ====================== === === === === ===

    A attractive 魅力属性, O one-dimensional 期望属性, M must-be 必备属性, I indifferent 无差异属性,
    R reverse 反向属性, Q questionable 可疑结果. Per feature the category is the most frequent
    one; ties are broken by ``tie_order`` (M > O > A > I > R > Q) and flagged ``tie=True``. A Q
    share above ``q_warn`` (10%) warns (questionnaire misunderstood). Better (SI) =
    (A + O)/(A + O + M + I), Worse (DSI) = −(O + M)/(A + O + M + I). Pairs with a missing
    answer are dropped and counted.

    Better-Worse plot: x = |Worse|, y = Better, split at ``crosshair`` (0.5 or the means):
    high Better & high |Worse| → O, high Better & low |Worse| → A, low Better & high |Worse|
    → M, low & low → I (a value on the line counts as high).

    Parameters
    ----------
    data : DataFrame or read_survey result
    features : dict {feature: (functional column, dysfunctional column)}
    tie_order : str
        A permutation of "MOAIRQ" (the default order).
    crosshair : 0.5 or "mean"
    q_warn : float
        Share of Q answers above which a warning is raised.
    lang : {"zh", "en"}

    Returns
    -------
    KanoResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"f": [1, 1, 2, 1], "d": [5, 5, 5, 3]})
    >>> res = kano(df, {"快速充电": ("f", "d")})
    >>> row = res.table.loc["快速充电"]
    >>> int(row["O"]), int(row["M"]), int(row["A"]), row["category"], bool(row["tie"])
    (2, 1, 1, 'O', False)

    References
    ----------
    Kano, N., Seraku, N., Takahashi, F., & Tsuji, S. (1984). Attractive quality and must-be
    quality. Journal of the Japanese Society for Quality Control 14(2), 39-48. Berger, C., et al.
    (1993). Kano's methods for understanding customer-defined quality. Center for Quality
    Management Journal 2(4), 3-36.
    """
    check_choice("lang", lang, _LANGS)
    if sorted(tie_order) != sorted("MOAIRQ") or len(tie_order) != 6:
        raise CvlibInputError(
            f"tie_order={tie_order!r} must be a permutation of 'MOAIRQ' (the default follows "
            f"Berger et al.)."
        )
    if not (crosshair == "mean" or isinstance(crosshair, int | float)):
        raise CvlibInputError(f"crosshair={crosshair!r}: use a number (0.5) or 'mean'.")
    if not isinstance(features, Mapping) or not features:
        raise CvlibInputError(
            "features must be a non-empty dict {feature: (functional column, dysfunctional "
            "column)}."
        )
    frame, _, _ = unwrap(data)
    k = 0 if lang == "zh" else 1
    rows, cats = [], {}
    for name, pair in features.items():
        if not (isinstance(pair, Sequence) and not isinstance(pair, str) and len(pair) == 2):
            raise CvlibInputError(
                f"features[{name!r}] must be (functional column, dysfunctional column), got "
                f"{pair!r}."
            )
        cols = select_items(frame, list(pair), what=f"feature {name!r}")
        vals = numeric_items(frame, cols)
        f = vals.iloc[:, 0].to_numpy()
        d = vals.iloc[:, 1].to_numpy()
        _check_codes(f, f"feature {name!r}: functional column {cols[0]!r}", frame.index)
        _check_codes(d, f"feature {name!r}: dysfunctional column {cols[1]!r}", frame.index)
        cat = kano_category(f, d)
        cats[name] = cat
        valid = cat[cat != None]  # noqa: E711 - element-wise on an object array
        n = len(valid)
        counts = {c: int(np.sum(valid == c)) for c in _COUNT_ORDER}
        row: dict[str, Any] = dict(counts)
        for c in _COUNT_ORDER:
            row[f"pct_{c}"] = 100 * counts[c] / n if n else np.nan
        row["n"] = n
        row["n_missing"] = len(cat) - n
        if n:
            top = max(counts.values())
            modes = [c for c in tie_order if counts[c] == top]
            row["category"] = modes[0]
            row["tie"] = len(modes) > 1
            row["label"] = KANO_CATEGORIES[modes[0]][k]
        else:
            row["category"], row["tie"], row["label"] = None, False, None
        rows.append(row)
        if n and counts["Q"] / n > q_warn:
            warnings.warn(
                f"feature {name!r}: {100 * counts['Q'] / n:.1f}% questionable (Q) answers, above "
                f"{100 * q_warn:g}%: respondents may have misunderstood the question pair.",
                DataQualityWarning,
                stacklevel=2,
            )
        if len(cat) - n:
            warnings.warn(
                f"feature {name!r}: {len(cat) - n} respondent(s) miss one of the two answers; "
                f"their pairs were dropped (n = {n}).",
                DataQualityWarning,
                stacklevel=2,
            )
    table = pd.DataFrame(rows, index=pd.Index(list(features), name="feature"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CvlibWarning)
        coef = kano_coefficients(table)
    zero = coef["better"].isna() & (table["n"] > 0)
    if zero.any():
        warnings.warn(
            f"feature(s) {list(table.index[zero])}: A + O + M + I = 0, so Better and Worse are "
            f"undefined (NaN).",
            CvlibWarning,
            stacklevel=2,
        )
    table["better"] = coef["better"]
    table["worse"] = coef["worse"]
    table["abs_worse"] = coef["worse"].abs()
    if crosshair == "mean":
        ch = {"abs_worse": float(table["abs_worse"].mean()), "better": float(coef["better"].mean())}
    else:
        ch = {"abs_worse": float(crosshair), "better": float(crosshair)}
    hb = table["better"] >= ch["better"]
    hw = table["abs_worse"] >= ch["abs_worse"]
    quad = np.where(hb, np.where(hw, "O", "A"), np.where(hw, "M", "I")).astype(object)
    quad[table["better"].isna().to_numpy()] = None
    table["bw_quadrant"] = quad
    return KanoResult(
        table=table,
        categories=pd.DataFrame(cats, index=frame.index),
        tie_order=tie_order,
        crosshair=crosshair,
        crosshairs=ch,
        lang=lang,
    )


def plot_kano(
    result: KanoResult,
    *,
    lang: str | None = None,
    labels: Mapping[Hashable, str] | None = None,
    ax: Any = None,
) -> Any:
    """Better-Worse plot: x = |Worse|, y = Better, with the crosshairs and quadrant names.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"f": [1, 1, 2], "d": [5, 3, 5]})
    >>> ax = plot_kano(kano(df, {"x": ("f", "d")}, lang="en"))
    >>> ax.get_xlabel()
    '|Worse| (DSI)'
    """
    import matplotlib.pyplot as plt

    from cvlib.satisfaction._drivers import _zh_fonts

    lang = lang or result.lang
    check_choice("lang", lang, _LANGS)
    _zh_fonts(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 5.4))
    t = result._table.dropna(subset=["better"])
    ax.scatter(t["abs_worse"], t["better"], color="#1b9e77", s=36)
    for feat, row in t.iterrows():
        ax.annotate(
            str((labels or {}).get(feat, feat)),
            (row["abs_worse"], row["better"]),
            textcoords="offset points",
            xytext=(4, 3),
            fontsize="small",
        )
    ch = result._crosshairs
    ax.axvline(ch["abs_worse"], color="0.4", linestyle="--", linewidth=1)
    ax.axhline(ch["better"], color="0.4", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    k = 0 if lang == "zh" else 1
    spots = {"A": (0.02, 0.98, "left", "top"), "O": (0.98, 0.98, "right", "top")}
    spots.update({"I": (0.02, 0.02, "left", "bottom"), "M": (0.98, 0.02, "right", "bottom")})
    for q, (x, y, ha, va) in spots.items():
        ax.text(x, y, KANO_CATEGORIES[q][k], ha=ha, va=va, fontsize="small", color="0.35")
    if lang == "zh":
        ax.set_xlabel("|Worse| (不满意影响力 DSI)")
        ax.set_ylabel("Better (满意影响力 SI)")
        ax.set_title("Kano Better-Worse 图")
    else:
        ax.set_xlabel("|Worse| (DSI)")
        ax.set_ylabel("Better (SI)")
        ax.set_title("Kano Better-Worse plot")
    return ax

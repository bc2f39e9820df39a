"""Figures the notebooks share, and the font set-up that makes Chinese labels render.

Call :func:`setup_fonts` once before plotting Chinese text: it finds a CJK font (an installed
Noto Sans CJK / Source Han / WenQuanYi / SimHei, or the Noto Sans CJK SC file shipped by the
``mplfonts`` package that the set-up installs) and puts it first in matplotlib's sans-serif list.
Every plotting function takes ``lang`` ("zh" or "en") for its labels and returns the Axes; the
questionnaire figures with several panels (:func:`plot_likert`, :func:`plot_item_distributions`)
return the Figure.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

from cvlib._validation import CvlibInputError, check_choice

__all__ = [
    "CJK_FAMILIES",
    "LIKERT_PALETTES",
    "find_cjk_font",
    "plot_correlation_heatmap",
    "plot_distribution",
    "plot_item_distributions",
    "plot_k_diagnostics",
    "plot_likert",
    "plot_pareto",
    "plot_rf_heatmap",
    "plot_rfm_distributions",
    "plot_scree",
    "plot_segment_shares",
    "plot_value_matrix",
    "plot_weights",
    "setup_fonts",
]

#: Font families tried in order; the first one matplotlib knows is used.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)

_SEGMENT_COLOURS = {
    "HH": "#1b9e77",
    "HL": "#7570b3",
    "LH": "#e6ab02",
    "LL": "#d95f02",
}


def _register_bundled_fonts() -> None:
    """Add the CJK font files shipped by ``mplfonts`` (if installed) to matplotlib."""
    try:
        import mplfonts  # optional dependency, installed by the set-up
    except ImportError:
        return
    folder = Path(mplfonts.__file__).resolve().parent / "fonts"
    for name in ("NotoSansCJKsc-Regular.otf", "SimHei.ttf"):
        path = folder / name
        if path.is_file():
            font_manager.fontManager.addfont(str(path))


def find_cjk_font() -> str | None:
    """Name of the first available CJK font family, or ``None``."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    _register_bundled_fonts()
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    return None


def setup_fonts(style: str = "whitegrid") -> str | None:
    """Set the seaborn style and a CJK-capable sans-serif font; return the font family used.

    Without a CJK font, Chinese characters render as empty boxes: a ``UserWarning`` then says how
    to install one (``pip install mplfonts``, or Debian's ``fonts-noto-cjk``).

    Examples
    --------
    >>> family = setup_fonts()  # doctest: +SKIP
    """
    import seaborn as sns  # imported late: only plotting pays for it

    sns.set_theme(style=style)
    family = find_cjk_font()
    if family is None:
        warnings.warn(
            "no CJK font found: Chinese labels will render as boxes. Install one with "
            "`pip install mplfonts` (or `apt-get install fonts-noto-cjk`), or use lang='en'.",
            UserWarning,
            stacklevel=2,
        )
    else:
        current = list(mpl.rcParams["font.sans-serif"])
        mpl.rcParams["font.sans-serif"] = [family, *[f for f in current if f != family]]
        mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack the Unicode minus glyph
    mpl.rcParams["figure.dpi"] = 110
    return family


def _text(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def plot_weights(
    weights: pd.Series,
    *,
    labels: Mapping[str, str] | None = None,
    groups: Mapping[str, list[str]] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Horizontal bar chart of weights (e.g. the composite leaf weights 组合权重), largest on top.

    ``labels`` maps index values to display names; ``groups`` maps a group name to its members and
    colours the bars by group (e.g. current vs potential value).

    Examples
    --------
    >>> from cvlib.ahp import hierarchy
    >>> from cvlib.datasets import load_lubricant_hierarchy
    >>> spec = load_lubricant_hierarchy()
    >>> tree = hierarchy(spec["nodes"], root=spec["root"], method="geometric")
    >>> ax = plot_weights(tree.leaf_weights, groups=tree.groups(level=1), lang="en")
    """
    check_choice("lang", lang, ("zh", "en"))
    w = pd.Series(weights, dtype="float64")
    order = w.sort_values().index
    names = [f"{labels[k]} ({k})" if labels and k in labels else str(k) for k in order]
    colours = ["#4c72b0"] * len(order)
    handles = []
    if groups:
        palette = plt.get_cmap("tab10")
        member_of = {m: g for g, members in groups.items() for m in members}
        group_names = list(groups)
        colours = [
            palette(group_names.index(member_of[k])) if k in member_of else "#999999" for k in order
        ]
        handles = [mpl.patches.Patch(color=palette(i), label=g) for i, g in enumerate(group_names)]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.38 * len(order) + 1.2))
    ax.barh(names, w[order].to_numpy(), color=colours)
    for y, value in enumerate(w[order].to_numpy()):
        ax.text(value, y, f" {value:.4f}", va="center", fontsize=8)
    ax.set_xlabel(_text(lang, "权重（无量纲，合计为 1）", "weight (dimensionless, sums to 1)"))
    ax.set_xlim(0, float(w.max()) * 1.18)
    if handles:
        ax.legend(handles=handles, loc="lower right", frameon=True)
    ax.set_title(title or _text(lang, "指标组合权重", "Composite indicator weights"))
    return ax


def plot_value_matrix(
    table: pd.DataFrame,
    *,
    current: str = "current",
    potential: str = "potential",
    quadrant: str = "quadrant",
    centers: tuple[float, float] | None = None,
    annotate: bool | None = None,
    lang: str = "zh",
    unit: str | None = None,
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Current x potential value matrix (二维客户价值矩阵): a scatter with the centre lines.

    ``table`` has one row per customer with the current and potential value columns and a quadrant
    code column (HH, HL, LH, LL). ``centers`` are the split points (default: the column means).
    Points are labelled with the customer id when there are at most 30 customers.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.segment import value_matrix
    >>> result = value_matrix(pd.Series([0.4, -0.2, 0.1]), pd.Series([0.3, 0.1, -0.5]))
    >>> ax = plot_value_matrix(result.table, lang="en")
    """
    check_choice("lang", lang, ("zh", "en"))
    x = table[current].to_numpy(dtype="float64")
    y = table[potential].to_numpy(dtype="float64")
    cx, cy = centers if centers is not None else (np.nanmean(x), np.nanmean(y))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    names = {
        "HH": _text(lang, "高价值客户 (HH)", "high value (HH)"),
        "HL": _text(lang, "中间客户：高当前/低潜在 (HL)", "middle: high current / low potential"),
        "LH": _text(lang, "中间客户：低当前/高潜在 (LH)", "middle: low current / high potential"),
        "LL": _text(lang, "低价值客户 (LL)", "low value (LL)"),
    }
    codes = table[quadrant].astype("object")
    small = len(table) <= 30
    for code, colour in _SEGMENT_COLOURS.items():
        mask = (codes == code).to_numpy()
        if mask.any():
            ax.scatter(
                x[mask],
                y[mask],
                s=60 if small else 10,
                alpha=0.9 if small else 0.5,
                color=colour,
                label=f"{names[code]}  n={int(mask.sum())}",
                edgecolor="white",
                linewidth=0.5,
            )
    ax.axvline(cx, color="0.3", linestyle="--", linewidth=1)
    ax.axhline(cy, color="0.3", linestyle="--", linewidth=1)
    if annotate if annotate is not None else small:
        for label, xi, yi in zip(table.index, x, y, strict=True):
            ax.annotate(str(label), (xi, yi), textcoords="offset points", xytext=(5, 4), fontsize=9)
    suffix = f" ({unit})" if unit else ""
    ax.set_xlabel(_text(lang, "当前价值", "current value") + suffix)
    ax.set_ylabel(_text(lang, "潜在价值", "potential value") + suffix)
    ax.set_title(
        title
        or _text(lang, "客户价值矩阵（虚线为均值）", "Customer value matrix (dashed lines: means)")
    )
    ax.legend(loc="best", fontsize=8, frameon=True)
    return ax


def plot_pareto(
    curve: pd.DataFrame,
    *,
    customer_share: str = "customer_share",
    value_share: str = "revenue_share",
    cuts: tuple[float, ...] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Pareto (Lorenz-type) curve: cumulative share of customers vs cumulative share of value.

    The dotted diagonal is perfect equality; the 20 % / 80 % guide lines mark the 80/20 rule
    (二八原则). ``cuts`` draws the ABC class boundaries as horizontal lines on the value axis.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.segment import abc_classify
    >>> abc = abc_classify(pd.Series([500.0, 300, 200, 150, 100, 80, 60, 50, 40, 30]))
    >>> ax = plot_pareto(abc.pareto_curve, cuts=abc.cuts, lang="en")
    """
    check_choice("lang", lang, ("zh", "en"))
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5.5))
    xs = 100 * curve[customer_share].to_numpy(dtype="float64")
    ys = 100 * curve[value_share].to_numpy(dtype="float64")
    ax.plot(xs, ys, color="#4c72b0", linewidth=2, label=_text(lang, "帕累托曲线", "Pareto curve"))
    ax.plot(
        [0, 100],
        [0, 100],
        color="0.5",
        linestyle=":",
        label=_text(lang, "完全均等", "perfect equality"),
    )
    ax.axvline(20, color="#d95f02", linestyle="--", linewidth=1)
    ax.axhline(
        80,
        color="#d95f02",
        linestyle="--",
        linewidth=1,
        label=_text(lang, "二八原则参考线 (20%, 80%)", "80/20 guide (20%, 80%)"),
    )
    for cut in cuts or ():
        ax.axhline(100 * cut, color="0.4", linewidth=0.8)
        ax.text(101, 100 * cut, f"{100 * cut:.0f}%", va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    ax.set_xlabel(
        _text(
            lang,
            "累计客户占比（%，按价值从高到低）",
            "cumulative share of customers (%, highest value first)",
        )
    )
    ax.set_ylabel(_text(lang, "累计价值占比（%）", "cumulative share of value (%)"))
    ax.set_title(title or _text(lang, "帕累托曲线", "Pareto curve"))
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_distribution(
    values: pd.Series,
    *,
    xlabel: str,
    lang: str = "zh",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Histogram with a density curve and the mean and median marked.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> values = pd.Series(np.random.default_rng(0).lognormal(size=500))
    >>> ax = plot_distribution(values, xlabel="value index", lang="en")
    """
    import seaborn as sns

    check_choice("lang", lang, ("zh", "en"))
    v = pd.Series(values, dtype="float64").dropna()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    sns.histplot(v, bins=50, kde=True, ax=ax, color="#4c72b0")
    ax.axvline(
        v.mean(),
        color="#d95f02",
        linestyle="--",
        label=_text(lang, f"均值 {v.mean():.3f}", f"mean {v.mean():.3f}"),
    )
    ax.axvline(
        v.median(),
        color="#1b9e77",
        linestyle=":",
        label=_text(lang, f"中位数 {v.median():.3f}", f"median {v.median():.3f}"),
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(_text(lang, "客户数", "customers"))
    ax.set_title(title or _text(lang, "分布", "Distribution"))
    ax.legend()
    return ax


def plot_rfm_distributions(
    table: pd.DataFrame,
    *,
    recency: str = "recency_days",
    frequency: str = "frequency",
    monetary: str = "monetary",
    currency: str = "USD",
    lang: str = "zh",
) -> np.ndarray:
    """Histograms of R (days), F (occasions, log scale) and M (amount, log scale) side by side.

    Returns the array of three Axes.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"recency_days": [1, 30, 300], "frequency": [1, 2, 9],
    ...                   "monetary": [10.0, 55.0, 900.0]})
    >>> axes = plot_rfm_distributions(t, lang="en")
    """
    import seaborn as sns

    check_choice("lang", lang, ("zh", "en"))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    r = pd.to_numeric(table[recency], errors="coerce").dropna().astype("float64")
    f = pd.to_numeric(table[frequency], errors="coerce").dropna().astype("float64")
    m = pd.to_numeric(table[monetary], errors="coerce").dropna().astype("float64")
    sns.histplot(r, bins=40, ax=axes[0], color="#4c72b0")
    axes[0].set_xlabel(_text(lang, "R：距最近一次购买的天数（天）", "R: days since last purchase"))
    f_pos = f[f > 0]
    sns.histplot(f_pos, bins=40, log_scale=True, ax=axes[1], color="#55a868")
    axes[1].set_xlabel(_text(lang, "F：购买次数（对数刻度）", "F: purchase occasions (log scale)"))
    m_pos = m[m > 0]
    sns.histplot(m_pos, bins=40, log_scale=True, ax=axes[2], color="#c44e52")
    axes[2].set_xlabel(
        _text(lang, f"M：消费金额（{currency}，对数刻度）", f"M: spend ({currency}, log scale)")
    )
    for ax in axes:
        ax.set_ylabel(_text(lang, "客户数", "customers"))
    dropped = int((m <= 0).sum())
    if dropped:
        axes[2].set_title(
            _text(
                lang,
                f"（{dropped} 位 M ≤ 0 的客户未画出）",
                f"({dropped} customers with M ≤ 0 not shown)",
            ),
            fontsize=9,
        )
    fig.suptitle(_text(lang, "R、F、M 的分布", "Distributions of R, F and M"))
    fig.tight_layout()
    return axes


def plot_segment_shares(
    summary: pd.DataFrame,
    *,
    segment: str | None = None,
    customer_share: str = "customer_share",
    revenue_share: str = "revenue_share",
    lang: str = "zh",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Segment size vs revenue share: paired horizontal bars per segment (in %).

    ``summary`` has one row per segment (the index, or the ``segment`` column) with the two share
    columns as fractions. A segment whose revenue bar is longer than its customer bar earns more
    than its head count.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer_share": [0.2, 0.8], "revenue_share": [0.7, 0.3]},
    ...                  index=["Champions", "Others"])
    >>> ax = plot_segment_shares(s, lang="en")
    """
    check_choice("lang", lang, ("zh", "en"))
    data = summary.set_index(segment) if segment else summary
    data = data[[customer_share, revenue_share]].astype("float64") * 100
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.4))
    y = np.arange(len(data))
    ax.barh(
        y - 0.2,
        data[customer_share],
        height=0.4,
        color="#4c72b0",
        label=_text(lang, "客户占比", "share of customers"),
    )
    ax.barh(
        y + 0.2,
        data[revenue_share],
        height=0.4,
        color="#dd8452",
        label=_text(lang, "收入占比", "share of revenue"),
    )
    ax.set_yticks(y, [str(i) for i in data.index])
    ax.invert_yaxis()
    ax.set_xlabel(_text(lang, "占比（%）", "share (%)"))
    ax.legend(loc="lower right")
    ax.set_title(title or _text(lang, "细分规模与收入贡献", "Segment size vs revenue share"))
    return ax


def plot_rf_heatmap(
    table: pd.DataFrame,
    *,
    r: str = "r_score",
    f: str = "f_score",
    value: str = "monetary",
    stat: str = "mean",
    currency: str = "USD",
    lang: str = "zh",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """R x F grid of a statistic of ``value`` (default: mean monetary), with customer counts.

    Rows are R scores (most recent on top), columns F scores; each cell shows the statistic and,
    below it, the number of customers. Empty cells (no customer) stay blank.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"r_score": [1, 2, 2], "f_score": [1, 1, 2], "monetary": [5.0, 7.0, 9.0]})
    >>> ax = plot_rf_heatmap(t, lang="en")
    """
    import seaborn as sns

    check_choice("lang", lang, ("zh", "en"))
    check_choice("stat", stat, ("mean", "median", "sum"))
    data = table[[r, f, value]].dropna()
    grid = data.pivot_table(index=r, columns=f, values=value, aggfunc=stat)
    counts = data.pivot_table(index=r, columns=f, values=value, aggfunc="size")
    grid = grid.sort_index(ascending=False)
    counts = counts.reindex_like(grid)
    labels = grid.map(lambda v: "" if pd.isna(v) else f"{v:,.0f}") + counts.map(
        lambda n: "" if pd.isna(n) else f"\nn={int(n):,}"
    )
    stat_zh = {"mean": "均值", "median": "中位数", "sum": "合计"}[stat]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.3 * grid.shape[1] + 2.5, 1.0 * grid.shape[0] + 1.5))
    sns.heatmap(
        grid.astype("float64"),
        annot=labels.to_numpy(),
        fmt="",
        cmap="YlOrRd",
        ax=ax,
        cbar_kws={"label": _text(lang, f"M 的{stat_zh}（{currency}）", f"{stat} M ({currency})")},
    )
    ax.set_ylabel(_text(lang, "R 得分（5 = 最近）", "R score (5 = most recent)"))
    ax.set_xlabel(_text(lang, "F 得分（5 = 最频繁）", "F score (5 = most frequent)"))
    ax.set_title(_text(lang, f"R × F 网格：M 的{stat_zh}", f"R x F grid: {stat} of M"))
    return ax


def plot_k_diagnostics(
    diagnostics: pd.DataFrame,
    *,
    k: str = "k",
    inertia: str = "inertia",
    silhouette: str = "silhouette",
    chosen: int | None = None,
    lang: str = "zh",
) -> np.ndarray:
    """Elbow (inertia) and silhouette against the number of clusters k; ``chosen`` is marked.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"k": [2, 3, 4], "inertia": [9.0, 5.0, 4.0], "silhouette": [0.5, 0.4, 0.3]})
    >>> axes = plot_k_diagnostics(d, chosen=3, lang="en")
    """
    check_choice("lang", lang, ("zh", "en"))
    data = diagnostics.reset_index() if k not in diagnostics.columns else diagnostics
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    axes[0].plot(data[k], data[inertia], marker="o")
    axes[0].set_ylabel(
        _text(lang, "簇内平方和（inertia）", "within-cluster sum of squares (inertia)")
    )
    axes[1].plot(data[k], data[silhouette], marker="o", color="#55a868")
    axes[1].set_ylabel(_text(lang, "轮廓系数", "silhouette coefficient"))
    for ax in axes:
        ax.set_xlabel(_text(lang, "簇数 k", "number of clusters k"))
        if chosen is not None:
            ax.axvline(
                chosen,
                color="#d95f02",
                linestyle="--",
                label=_text(lang, f"选用 k = {chosen}", f"chosen k = {chosen}"),
            )
            ax.legend()
    fig.suptitle(_text(lang, "K-means 的 k 诊断", "K-means diagnostics over k"))
    fig.tight_layout()
    return axes


# --------------------------------------------------------------------------------------------
# Questionnaire figures (methods/survey.md §5.3 and the questionnaire notebook)
# --------------------------------------------------------------------------------------------

#: ColorBrewer diverging palettes marked colour-blind safe (Harrower & Brewer 2003).
LIKERT_PALETTES = ("RdBu", "BrBG", "PuOr", "PRGn", "RdYlBu")
_NEUTRAL_COLOUR = "#bdbdbd"
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))


def _has_cjk(text: object) -> bool:
    return any(lo <= ord(ch) <= hi for ch in str(text) for lo, hi in _CJK_RANGES)


def _ensure_cjk_font(*texts: object) -> None:
    """Make sure Chinese text in ``texts`` can render: if the configured fonts cannot reach a CJK
    font, add one as a fallback family (Latin text keeps its font). No-op for Latin-only text."""
    if not any(_has_cjk(t) for t in texts):
        return
    family = find_cjk_font()
    if family is None:
        warnings.warn(
            "no CJK font found: Chinese labels will render as boxes. Install one with "
            "`pip install mplfonts` (or `apt-get install fonts-noto-cjk`), or use lang='en'.",
            UserWarning,
            stacklevel=3,
        )
        return
    families = list(mpl.rcParams["font.family"])
    if family in families:
        return
    target = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    for name in families:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=name), fallback_to_default=False
            )
        except ValueError:
            continue
        if path == target:  # e.g. setup_fonts() put the CJK font first in font.sans-serif
            return
    mpl.rcParams["font.family"] = [*families, family]


def _wrap(text: str, width: int) -> str:
    """Wrap a label to ``width`` columns (a CJK character counts as two)."""
    import textwrap

    width = max(4, width // 2 if _has_cjk(text) else width)
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=True)) or str(text)


def _likert_colours(table: pd.DataFrame, palette: str) -> list[str]:
    """Colour per row: negative codes from one end of the diverging palette, positive codes from
    the other, darker the further from the centre; the neutral code grey."""
    keys = ["item", "group"] if "group" in table.columns else ["item"]
    side = table["side"].to_numpy()
    neg = pd.Series(side == "negative", index=table.index)
    pos = pd.Series(side == "positive", index=table.index)
    by = [table[k] for k in keys]
    # distance from the centre: 1 = the code next to the centre
    d_pos = pos.astype("int64").groupby(by, sort=False).cumsum()
    n_neg = neg.astype("int64").groupby(by, sort=False).transform("sum")
    d_neg = n_neg - neg.astype("int64").groupby(by, sort=False).cumsum() + 1
    n_pos = pos.astype("int64").groupby(by, sort=False).transform("sum")
    steps = np.maximum(np.maximum(n_neg, n_pos).to_numpy(), 1)
    dist = np.where(neg, d_neg, d_pos).astype("float64")
    frac = np.where(steps > 1, 0.12 + 0.33 * (dist - 1) / np.maximum(steps - 1, 1), 0.3)
    cmap = plt.get_cmap(palette)
    colours = []
    for s, f in zip(side, frac, strict=True):
        if s == "negative":
            colours.append(mpl.colors.to_hex(cmap(0.5 - f)))
        elif s == "positive":
            colours.append(mpl.colors.to_hex(cmap(0.5 + f)))
        else:
            colours.append(_NEUTRAL_COLOUR)
    return colours


def _is_likert_table(obj: object) -> bool:
    needed = {"item", "code", "label", "pct", "left", "right", "side"}
    return isinstance(obj, pd.DataFrame) and needed <= set(obj.columns)


def plot_likert(
    table_or_data: pd.DataFrame | object,
    items: list | None = None,
    *,
    codebook: object = None,
    neutral: str | None = None,
    center: float | Mapping | None = None,
    sort: bool | None = None,
    group: str | None = None,
    lang: str = "en",
    palette: str = "RdBu",
    annotate: bool = True,
    wrap: int = 36,
    title: str | None = None,
) -> mpl.figure.Figure:
    """Diverging stacked bar chart of Likert items (李克特量表发散堆积条形图), survey.md §5.3.

    One horizontal bar per item: negative categories left of the zero line, positive ones right,
    each segment's extent taken from :func:`cvlib.survey.likert_table` (percent of valid
    responses). The neutral category is split over zero, put on the right, or (``"exclude"``)
    drawn as a separate bar in a panel at the side. With a ``group`` column, one panel per group.
    ``annotate`` writes the % negative and % positive (neutral not included) at the bar ends.

    Parameters
    ----------
    table_or_data : DataFrame
        The output of ``likert_table`` (drawn as is), or survey data (then ``likert_table`` is
        called with ``items``, ``codebook``, ``neutral``, ``center``, ``sort``, ``group`` and
        ``lang``; these options are refused together with a ready table).
    lang : {"en", "zh"}
        Language of the axis labels and title (and of the labels when the table is built here).
    palette : {"RdBu", "BrBG", "PuOr", "PRGn", "RdYlBu"}
        A ColorBrewer diverging palette that is colour-blind safe; neutral is grey.
    wrap : int
        Wrap the item wording (y tick labels) at this many columns.

    Returns
    -------
    Figure
        One bar segment (a Rectangle in ``ax.patches``) per row of the table, i.e. per
        (item, [group,] code), zero-count codes included (zero width).

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.survey import likert_table
    >>> df = pd.DataFrame({"q1": [1, 2, 2, 3, 3, 3, 4, 4, 5, 5], "q2": [4, 5, 5, 3, 4, 4, 2, 5, 4, 4]})
    >>> table = likert_table(df, codebook={q: {"scale": "likert5"} for q in df}, sort=True)
    >>> fig = plot_likert(table, lang="en")
    >>> sum(len(ax.patches) for ax in fig.axes) == len(table)
    True

    References
    ----------
    Heiberger, R. M. & Robbins, N. B. (2014). Design of diverging stacked bar charts for Likert
    scales and other applications. *Journal of Statistical Software* 57(5), 1-32.
    Harrower, M. & Brewer, C. A. (2003). ColorBrewer.org: an online tool for selecting colour
    schemes for maps. *The Cartographic Journal* 40(1), 27-37.
    """
    from cvlib.survey._likert import likert_table

    check_choice("lang", lang, ("zh", "en"))
    check_choice("palette", palette, LIKERT_PALETTES)
    if _is_likert_table(table_or_data):
        given = {
            "codebook": codebook,
            "neutral": neutral,
            "center": center,
            "sort": sort,
            "group": group,
        }
        clash = [k for k, v in given.items() if v is not None]
        if clash:
            raise CvlibInputError(
                f"plot_likert got a ready likert_table together with {', '.join(clash)}; these "
                f"options shape the table: pass them to likert_table(...) instead."
            )
        table = table_or_data
        if items is not None:
            missing = [i for i in items if i not in set(table["item"])]
            if missing:
                raise KeyError(f"items {missing} are not in the likert table")
            table = table[table["item"].isin(items)]
            order = {item: k for k, item in enumerate(items)}
            table = table.iloc[np.argsort(table["item"].map(order).to_numpy(), kind="stable")]
    else:
        table = likert_table(
            table_or_data,
            items,
            codebook=codebook,
            neutral=neutral or "split",
            center=center,
            sort=bool(sort),
            group=group,
            lang=lang,
        )
    if len(table) == 0:
        raise CvlibInputError("the likert table is empty; nothing to draw")
    meta = table.attrs.get("cvlib", {})
    is_neutral = (table["side"] == "neutral").to_numpy()
    width = (table["right"] - table["left"]).to_numpy(dtype="float64")
    excluded = meta.get("neutral") == "exclude" or bool(
        (is_neutral & (table["pct"].to_numpy() > 0) & (width == 0)).any()
    )
    side_panel = excluded and bool(is_neutral.any())
    colours = np.asarray(_likert_colours(table, palette), dtype=object)
    grouped = "group" in table.columns
    group_keys = list(pd.unique(table["group"])) if grouped else [None]
    item_keys = list(pd.unique(table["item"]))
    if "wording" in table.columns:
        wording = table.drop_duplicates("item").set_index("item")["wording"]
    else:
        wording = pd.Series({i: str(i) for i in item_keys}, dtype=object)
    ticks = [
        _wrap(str(wording[i]) if str(wording[i]) == str(i) else f"{wording[i]} ({i})", wrap)
        for i in item_keys
    ]
    xlabel = _text(lang, "有效回答百分比", "% of valid responses")
    title = title or _text(
        lang, "李克特题项回答分布（发散堆积条形图）", "Likert items: diverging stacked bars"
    )
    neutral_label = _text(lang, "中立（%）", "neutral (%)")
    _ensure_cjk_font(
        *ticks,
        *table["label"].astype(str),
        *(table["group_label"].astype(str) if grouped else []),
        xlabel,
        title,
        neutral_label,
    )

    n_rows = len(group_keys)
    height = n_rows * (0.42 * len(item_keys) + 0.9) + 1.3
    fig, axes = plt.subplots(
        n_rows,
        2 if side_panel else 1,
        figsize=(10 if side_panel else 9, height),
        sharex="col",
        squeeze=False,
        gridspec_kw={"width_ratios": [5, 1]} if side_panel else None,
    )
    extent = float(np.nanmax(np.abs(table[["left", "right"]].to_numpy(dtype="float64"))))
    limit = min(100.0, max(10.0, 10.0 * math.ceil(extent / 10.0)))
    pad = 0.16 * limit if annotate else 0.02 * limit
    ypos = {item: k for k, item in enumerate(item_keys)}
    for row, g in enumerate(group_keys):
        ax = axes[row, 0]
        mask = (table["group"] == g).to_numpy() if grouped else np.ones(len(table), dtype=bool)
        sub = table[mask]
        main = ~(is_neutral[mask] & side_panel)
        y = sub["item"].map(ypos).to_numpy(dtype="float64")
        ax.barh(
            y[main],
            width[mask][main],
            left=sub["left"].to_numpy(dtype="float64")[main],
            color=list(colours[mask][main]),
            height=0.7,
            edgecolor="white",
            linewidth=0.6,
        )
        ax.axvline(0, color="0.15", linewidth=1.0)
        ax.set_yticks(range(len(item_keys)), ticks)
        ax.set_ylim(len(item_keys) - 0.5, -0.5)  # first item on top
        ax.set_xlim(-limit - pad, limit + pad)
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{abs(v):g}"))
        ax.grid(axis="y", visible=False)
        if annotate:
            pct = sub["pct"].to_numpy(dtype="float64")
            side = sub["side"].to_numpy()
            for item in item_keys:
                at = (sub["item"] == item).to_numpy()
                if not at.any():
                    continue
                left_end = float(sub["left"].to_numpy(dtype="float64")[at].min())
                right_end = float(sub["right"].to_numpy(dtype="float64")[at].max())
                neg = float(pct[at & (side == "negative")].sum())
                pos = float(pct[at & (side == "positive")].sum())
                kw = {"va": "center", "fontsize": 8, "color": "0.25"}
                ax.text(
                    min(left_end, 0.0) - 0.01 * limit, ypos[item], f"{neg:.0f}%", ha="right", **kw
                )
                ax.text(
                    max(right_end, 0.0) + 0.01 * limit, ypos[item], f"{pos:.0f}%", ha="left", **kw
                )
        if grouped:
            ax.set_title(str(sub["group_label"].iloc[0]), fontsize=10, loc="left")
        if side_panel:
            sax = axes[row, 1]
            neu = is_neutral[mask]
            sax.barh(
                y[neu],
                sub["pct"].to_numpy(dtype="float64")[neu],
                left=0.0,
                color=_NEUTRAL_COLOUR,
                height=0.7,
                edgecolor="white",
                linewidth=0.6,
            )
            sax.set_ylim(len(item_keys) - 0.5, -0.5)
            sax.set_yticks(range(len(item_keys)), [""] * len(item_keys))
            sax.set_xlim(0, max(10.0, float(np.nanmax(table["pct"][is_neutral])) * 1.35))
            if annotate:
                for yi, p in zip(y[neu], sub["pct"].to_numpy(dtype="float64")[neu], strict=True):
                    sax.text(p, yi, f" {p:.0f}%", va="center", fontsize=8, color="0.25")
            sax.grid(axis="y", visible=False)
    axes[-1, 0].set_xlabel(xlabel)
    if side_panel:
        axes[-1, 1].set_xlabel(neutral_label)
    # legend: one entry per (label, colour), in code order of the items
    seen: dict[tuple[str, str], None] = {}
    for label, colour in zip(table["label"].astype(str), colours, strict=True):
        seen.setdefault((label, colour), None)
    handles = [mpl.patches.Patch(facecolor=c, label=lab) for lab, c in seen]
    # columns that fit the figure width: ~0.075 in per character (CJK counts double) + the key
    chars = max(len(lab) + sum(_has_cjk(ch) for ch in lab) for lab, _ in seen)
    fit = int(0.95 * fig.get_figwidth() / (0.075 * chars + 0.55))
    ncol = max(1, min(len(handles), fit))
    fig.legend(handles=handles, loc="lower center", ncol=ncol, frameon=False, fontsize=8)
    fig.suptitle(title)
    legend_rows = math.ceil(len(handles) / ncol)
    fig.tight_layout(
        rect=(0, min(0.3, (0.1 + 0.25 * legend_rows) / height), 1, 1 - min(0.1, 0.12 / height))
    )
    return fig


def plot_item_distributions(
    data: pd.DataFrame | object,
    items: list | None = None,
    *,
    codebook: object = None,
    lang: str = "en",
    ncols: int = 3,
    annotate: bool = True,
    title: str | None = None,
) -> mpl.figure.Figure:
    """Small multiples of the response counts per code, one panel per item (题项回答分布).

    Every code of the item's scale gets a bar, **including codes nobody chose** (a zero bar,
    labelled 0), so a skewed or truncated item is visible at a glance. The codes come from the
    codebook (the theoretical scale); an item without a codebook entry uses the union of the codes
    observed in all such items. Each panel's title gives n valid and n missing.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent, item columns holding numeric codes.
    items : list of str, optional
        Item columns (all columns when omitted).
    codebook : Codebook or dict, optional
        Scale, wording and declared missing codes of the items.
    lang : {"en", "zh"}
        Language of axis labels and item wording.
    ncols : int
        Panels per row.

    Returns
    -------
    Figure
        One Axes per item (``fig.axes``), one bar per code.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 2, 4, 5], "q2": [5, 5, 4, None, 4]})
    >>> fig = plot_item_distributions(df, codebook={q: {"scale": "likert5"} for q in df})
    >>> [len(ax.patches) for ax in fig.axes]
    [5, 5]
    """
    from cvlib.survey._common import select_items, unwrap
    from cvlib.survey._likert import _count_responses, _fmt, _group_codes

    check_choice("lang", lang, ("zh", "en"))
    if isinstance(ncols, bool) or not isinstance(ncols, int | np.integer) or ncols < 1:
        raise CvlibInputError(f"ncols={ncols!r} must be a positive integer (panels per row)")
    frame, cb, reasons = unwrap(data, codebook)
    cols = select_items(frame, items, minimum=1)
    gcodes, _, _ = _group_codes(frame, None)
    counted = _count_responses(frame, cols, cb, reasons, gcodes, 1, require_codebook=False)
    xlabel = _text(lang, "回答编码", "response code")
    ylabel = _text(lang, "回答人数", "respondents")
    title = title or _text(lang, "各题项回答分布", "Response distribution per item")
    heads = []
    for res in counted:
        name = str(res.item)
        text = res.spec.text(lang) if res.spec is not None else name
        head = name if text == name else f"{name}: {_wrap(text, 34)}"
        n_valid, n_missing = int(res.counts.sum()), int(res.n_missing.sum())
        head += "\n" + _text(
            lang,
            f"有效 n = {n_valid:,}，缺失 {n_missing:,}",
            f"n = {n_valid:,}, missing {n_missing:,}",
        )
        heads.append(head)
    _ensure_cjk_font(*heads, xlabel, ylabel, title)
    k = len(counted)
    ncols = int(min(ncols, k))
    nrows = math.ceil(k / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.9 * nrows + 0.6), squeeze=False)
    for idx, (res, head) in enumerate(zip(counted, heads, strict=True)):
        ax = axes[idx // ncols, idx % ncols]
        counts = res.counts[0]
        x = np.arange(res.codes.size)
        ax.bar(x, counts, color="#4c72b0", width=0.75)
        ax.set_xticks(x, [str(_fmt(float(c))) for c in res.codes])
        ax.set_title(head, fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        if idx % ncols == 0:
            ax.set_ylabel(ylabel)
        top = max(1, int(counts.max()))
        ax.set_ylim(0, top * 1.18)
        if annotate and res.codes.size <= 11:
            for xi, ci in zip(x, counts, strict=True):
                ax.text(xi, ci, f"{int(ci):,}", ha="center", va="bottom", fontsize=7)
    for idx in range(k, nrows * ncols):
        fig.delaxes(axes[idx // ncols, idx % ncols])
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_correlation_heatmap(
    corr_or_data: pd.DataFrame | object,
    items: list | None = None,
    *,
    method: str = "pearson",
    labels: Mapping | None = None,
    codebook: object = None,
    lang: str = "en",
    annotate: bool | None = None,
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Heat map of an item correlation matrix (题项相关矩阵) on a diverging -1..1 palette.

    ``corr_or_data`` is either a correlation matrix (a square DataFrame whose index equals its
    columns, values in [-1, 1], symmetric) or survey data, whose ``items`` are correlated with
    pandas ``DataFrame.corr(method)`` on pairwise-complete observations (each r uses every
    respondent who answered both items). Red is negative, blue positive (ColorBrewer RdBu,
    colour-blind safe), white is 0. A cell that is undefined (a constant item, or no respondent
    answering both) stays blank and a ``DataQualityWarning`` names it.

    Parameters
    ----------
    items : list of str, optional
        Items to show (a subset of the matrix, or of the data's columns); all when omitted.
    method : {"pearson", "spearman", "kendall"}
        Correlation computed from data (ignored for a matrix).
    labels : dict, optional
        Item -> tick label (e.g. short wordings); item names by default.
    codebook : Codebook or dict, optional
        For data: values it declares missing (``missing_codes``, ``missing_ranges``) are left
        out; defaults to the codebook of a read result.
    annotate : bool, optional
        Write r in each cell (two decimals); default when at most 12 items.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5], "c": [5, 4, 3, 2, 2]})
    >>> ax = plot_correlation_heatmap(df, lang="en")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['a', 'b', 'c']
    """
    from cvlib._warnings import DataQualityWarning
    from cvlib.survey._common import (
        check_codes,
        masked_items,
        numeric_items,
        select_items,
        unwrap,
    )

    check_choice("lang", lang, ("zh", "en"))
    check_choice("method", method, ("pearson", "spearman", "kendall"))
    is_matrix = (
        isinstance(corr_or_data, pd.DataFrame)
        and corr_or_data.shape[0] == corr_or_data.shape[1]
        and list(corr_or_data.index) == list(corr_or_data.columns)
    )
    if is_matrix:
        matrix = corr_or_data
        cols = select_items(matrix, items, minimum=1)
        corr = numeric_items(matrix, cols).loc[cols, cols]
        values = corr.to_numpy()
        outside = np.abs(values) > 1 + 1e-9
        if outside.any():
            r, c = np.argwhere(outside)[0]
            raise CvlibInputError(
                f"correlation matrix cell ({cols[r]!r}, {cols[c]!r}) = {float(values[r, c])!r} lies "
                f"outside [-1, 1]; pass a correlation matrix (or the raw data to correlate)."
            )
        asym = np.abs(values - values.T)
        if np.nanmax(asym, initial=0.0) > 1e-8:
            r, c = np.unravel_index(np.nanargmax(asym), asym.shape)
            raise CvlibInputError(
                f"correlation matrix is not symmetric at ({cols[r]!r}, {cols[c]!r}): "
                f"{float(values[r, c])!r} vs {float(values[c, r])!r}"
            )
        default_title = _text(lang, "相关矩阵", "Correlation matrix")
        bar_label = _text(lang, "相关系数", "correlation")
    else:
        frame, cb, reasons = unwrap(corr_or_data, codebook)
        cols = select_items(frame, items, minimum=2)
        masked, _ = masked_items(frame, cols, cb, reasons)
        values = numeric_items(masked, cols)
        check_codes(values, cb)
        corr = values.corr(method=method)
        name = {"pearson": "Pearson r", "spearman": "Spearman ρ", "kendall": "Kendall τ"}[method]
        default_title = _text(
            lang,
            f"题项相关矩阵（{name}，成对删除）",
            f"Item correlations ({name}, pairwise complete)",
        )
        bar_label = _text(lang, f"相关系数 {name}", name)
    undefined = [(cols[r], cols[c]) for r, c in np.argwhere(np.isnan(corr.to_numpy())) if r <= c]
    if undefined:
        warnings.warn(
            f"plot_correlation_heatmap: {len(undefined)} correlation(s) are undefined and left "
            f"blank (a constant item or no respondent answering both), e.g. {undefined[:3]}.",
            DataQualityWarning,
            stacklevel=2,
        )
    names = [str(labels.get(c, c)) if labels else str(c) for c in cols]
    title = title or default_title
    _ensure_cjk_font(*names, title, bar_label)
    k = len(cols)
    if annotate is None:
        annotate = k <= 12
    own = ax is None
    if ax is None:
        side = min(14.0, 0.45 * k + 3.0)
        _, ax = plt.subplots(figsize=(side + 1.2, side))
    values = corr.to_numpy(dtype="float64")
    image = ax.imshow(values, cmap="RdBu", vmin=-1.0, vmax=1.0, aspect="equal")
    ax.figure.colorbar(image, ax=ax, label=bar_label, shrink=0.8)
    ax.set_xticks(range(k), names, rotation=90 if max(map(len, names)) > 3 else 0)
    ax.set_yticks(range(k), names)
    ax.set_xticks(np.arange(k + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(k + 1) - 0.5, minor=True)
    ax.grid(which="major", visible=False)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    if annotate:
        size = 7 if k > 8 else 9
        for (r, c), v in np.ndenumerate(values):
            if np.isfinite(v):
                colour = "white" if abs(v) > 0.6 else "0.15"
                ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=size, color=colour)
    ax.set_title(title)
    if own:
        ax.figure.tight_layout()
    return ax


def plot_scree(
    eigenvalues: object,
    parallel: object = None,
    *,
    kaiser: bool = True,
    lang: str = "en",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Scree plot (碎石图): eigenvalues against factor number, for choosing how many factors.

    Draws the eigenvalues of the item correlation matrix in decreasing order (Cattell 1966),
    optionally the parallel-analysis reference (Horn 1965: mean or 95th percentile of the
    eigenvalues of random data of the same size; factors above it are retained), and the Kaiser
    line at eigenvalue 1 (Kaiser 1960).

    Parameters
    ----------
    eigenvalues : array-like or EigenResult
        Eigenvalues, first factor first (1-D, finite); or the result of
        :func:`cvlib.survey.eigenvalues` (its ``values``), or a DataFrame with an ``eigenvalue``
        column.
    parallel : array-like or ParallelResult, optional
        Parallel-analysis reference eigenvalues for factors 1, 2, ... (may be shorter than
        ``eigenvalues``); or the result of :func:`cvlib.survey.parallel_analysis` (its
        ``table["threshold"]``: the random-data quantile or mean it compares against).
    kaiser : bool
        Draw the eigenvalue = 1 line.
    lang : {"en", "zh"}
        Axis labels "factor" / "因子" and "eigenvalue" / "特征值".

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_scree([2.8, 1.4, 0.9, 0.5, 0.4], parallel=[1.3, 1.1, 1.0, 0.9, 0.7], lang="zh")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('因子', '特征值')

    References
    ----------
    Cattell, R. B. (1966). The scree test for the number of factors. *Multivariate Behavioral
    Research* 1(2), 245-276.
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    *Psychometrika* 30(2), 179-185.
    Kaiser, H. F. (1960). The application of electronic computers to factor analysis.
    *Educational and Psychological Measurement* 20(1), 141-151.
    """
    check_choice("lang", lang, ("zh", "en"))

    def _vector(values: object, name: str) -> np.ndarray:
        try:
            arr = np.asarray(values, dtype="float64")
        except (TypeError, ValueError):
            raise CvlibInputError(f"{name} must be numbers, got {values!r}") from None
        arr = np.squeeze(arr) if arr.ndim > 1 else arr
        if arr.ndim != 1 or arr.size == 0:
            raise CvlibInputError(
                f"{name} must be a non-empty 1-D sequence (one value per factor), got shape "
                f"{np.shape(values)}"
            )
        if not np.isfinite(arr).all():
            bad = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise CvlibInputError(
                f"{name}[{bad}] = {float(arr[bad])!r} is not finite; pass finite eigenvalues"
            )
        return arr

    plain = (list, tuple, np.ndarray, pd.Series, pd.DataFrame)

    def _column(frame: pd.DataFrame, names: tuple[str, ...], what: str) -> pd.Series:
        for col in names:
            if col in frame.columns:
                return frame[col]
        if frame.shape[1] == 1:
            return frame.iloc[:, 0]
        raise CvlibInputError(
            f"{what}: a DataFrame needs one of the columns {', '.join(names)} (or a single "
            f"column); got {list(frame.columns)}"
        )

    if not isinstance(eigenvalues, plain) and hasattr(eigenvalues, "values"):
        eigenvalues = eigenvalues.values  # an EigenResult
    if isinstance(eigenvalues, pd.DataFrame):
        eigenvalues = _column(eigenvalues, ("eigenvalue", "observed"), "eigenvalues")
    reference = None
    if parallel is not None and not isinstance(parallel, plain):
        if hasattr(parallel, "table"):  # a ParallelResult
            reference = getattr(parallel, "quantile", None)
            parallel = parallel.table
    if isinstance(parallel, pd.DataFrame):
        parallel = _column(parallel, ("threshold", "random_quantile", "random_mean"), "parallel")
    ev = _vector(eigenvalues, "eigenvalues")
    pa = None if parallel is None else _vector(parallel, "parallel")
    xlabel = _text(lang, "因子", "factor")
    ylabel = _text(lang, "特征值", "eigenvalue")
    title = title or _text(lang, "碎石图", "Scree plot")
    names = {
        "ev": _text(lang, "实际数据特征值", "eigenvalues (data)"),
        "pa": _text(lang, "平行分析（随机数据）", "parallel analysis (random data)"),
    }
    if isinstance(reference, float):
        names["pa"] = _text(
            lang,
            f"平行分析（随机数据特征值的 {100 * reference:g}% 分位数）",
            f"parallel analysis ({100 * reference:g}th percentile of random data)",
        )
    elif reference == "mean":
        names["pa"] = _text(
            lang, "平行分析（随机数据特征值的均值）", "parallel analysis (mean of random data)"
        )
    names |= {
        "kaiser": _text(lang, "Kaiser 准则（特征值 = 1）", "Kaiser criterion (eigenvalue = 1)"),
    }
    _ensure_cjk_font(xlabel, ylabel, title, *names.values())
    own = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.2))
    x = np.arange(1, ev.size + 1)
    ax.plot(x, ev, marker="o", color="#2166ac", label=names["ev"])
    if pa is not None:
        ax.plot(
            np.arange(1, pa.size + 1),
            pa,
            marker="x",
            linestyle="--",
            color="#b2182b",
            label=names["pa"],
        )
    if kaiser:
        ax.axhline(1.0, color="0.4", linestyle=":", linewidth=1.2, label=names["kaiser"])
    if ev.size <= 15:
        ax.set_xticks(x)
    else:
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_xlim(0.5, max(ev.size, 0 if pa is None else pa.size) + 0.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    if own:
        ax.figure.tight_layout()
    return ax

"""Figures the notebooks share, and the font set-up that makes Chinese labels render.

Call :func:`setup_fonts` once before plotting Chinese text: it finds a CJK font (an installed
Noto Sans CJK / Source Han / WenQuanYi / SimHei, or the Noto Sans CJK SC file shipped by the
``mplfonts`` package that the set-up installs) and puts it first in matplotlib's sans-serif list.
Every plotting function takes ``lang`` ("zh" or "en") for its labels and returns the Axes.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

from cvlib._validation import check_choice

__all__ = [
    "CJK_FAMILIES",
    "find_cjk_font",
    "plot_distribution",
    "plot_k_diagnostics",
    "plot_pareto",
    "plot_rf_heatmap",
    "plot_rfm_distributions",
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

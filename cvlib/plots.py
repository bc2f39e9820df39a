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
    "plot_pareto",
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

"""Importance-performance analysis and gap analysis (``methods/satisfaction.md`` §6, §10).

* :func:`ipa` — importance-performance analysis (IPA, 重要性-表现分析) from survey answers:
  performance = item mean (item scale or 0-100), importance stated (separate importance items) or
  derived (correlation, standardized β, LMG/Johnson share), four quadrants around the chosen
  crosshairs, the optional iso-priority diagonal and a "what to fix first" order.
* :func:`ipa_classify` — the same classification for importance and performance given directly
  (e.g. IPMA importances from a PLS model).
* :func:`plot_ipa` — the IPA grid (x = performance, y = importance; Martilla & James 1977).
* :func:`gap_analysis` — satisfaction = experience − expectation (差距分析) per item pair, with
  the seed's three classes and a paired t-test.
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
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.satisfaction._csi import _ends_of, _prepare_items
from cvlib.survey._common import select_items, unwrap

__all__ = [
    "GAP_LABELS",
    "IPA_QUADRANTS",
    "GapResult",
    "IPAResult",
    "gap_analysis",
    "ipa",
    "ipa_classify",
    "plot_ipa",
]

#: Quadrant -> (importance, performance, English label, Chinese label) (§6).
IPA_QUADRANTS: dict[str, tuple[str, str, str, str]] = {
    "I": ("high", "low", "Concentrate here", "重点改进区"),
    "II": ("high", "high", "Keep up the good work", "继续保持区"),
    "III": ("low", "low", "Low priority", "低优先区"),
    "IV": ("low", "high", "Possible overkill", "过度投入区"),
}
_FIX_ORDER = {"I": 0, "III": 1, "II": 2, "IV": 3}  # what to fix first
_IMPORTANCE = ("stated", "corr", "beta", "relimp", "pls_total")
_LANGS = ("zh", "en")

#: Gap classes (§10): class -> (Chinese, English).
GAP_LABELS: dict[str, tuple[str, str]] = {
    "exceeds": ("物超所值", "delighted; exceeds expectation"),
    "meets": ("基本满意", "basically satisfied"),
    "below": ("不满意", "dissatisfied"),
}


# ---------------------------------------------------------------------------------------------
# IPA


@dataclass(frozen=True, repr=False, eq=False)
class IPAResult(ResultMixin):
    """Importance-performance analysis (IPA, 重要性-表现分析).

    Attributes
    ----------
    table : DataFrame
        Per item, in "what to fix first" order: ``importance``, ``performance``, ``quadrant``
        (I-IV), ``label_zh``, ``label_en``, ``importance_level``, ``performance_level``
        (high/low against the crosshairs), ``negative_importance`` (derived importance < 0),
        ``priority`` (importance − performance, with a common scale; else NaN),
        ``above_diagonal`` and ``fix_rank`` (1 = fix first).
    crosshairs : dict
        ``{"importance": v, "performance": v}`` used for the quadrants.
    crosshair : str or dict
        The convention: ``"data"`` (means of the points), ``"scale"`` (theoretical midpoints),
        ``"median"`` or the explicit dict.
    importance, performance : str
        How each axis was obtained (e.g. ``"beta"`` on target 'SAT', ``"raw"`` item means).
    tie : str
        ``"high"``: a value on a crosshair counts as high (default); ``"low"``.
    order : str
        The fix-first rule (``"quadrant"`` or ``"diagonal"``).
    common_scale : tuple or None
        (L, U) shared by both axes (the diagonal needs one).
    performance_scale : tuple or None
        (L, U) of the performance axis, when one scale holds for all items.
    importance_scale : tuple or None
        (L, U) of stated importance, when known.
    target : hashable or None
        The outcome of derived importances.
    n : int or None
        Respondents used for derived importances.
    """

    table: pd.DataFrame = Snapshot()
    crosshairs: dict = Snapshot()
    crosshair: Any = Snapshot()
    importance: str
    performance: str
    tie: str
    order: str
    common_scale: tuple | None
    performance_scale: tuple | None
    importance_scale: tuple | None
    target: Hashable | None
    n: int | None
    lang: str

    _conventions = ("importance", "performance", "crosshair", "crosshairs", "tie", "order")
    _title = "IPAResult (重要性-表现分析)"

    def summary(self) -> pd.DataFrame:
        """The per-item table in fix-first order."""
        return self.table

    def fix_first(self, quadrant: str | None = "I") -> list:
        """Items in fix-first order (only those of ``quadrant``; ``None`` = all)."""
        t = self._table
        if quadrant is None:
            return list(t.index)
        check_choice("quadrant", quadrant, IPA_QUADRANTS)
        return list(t.index[t["quadrant"] == quadrant])


def _crosshairs(
    crosshair: Any,
    imp: np.ndarray,
    perf: np.ndarray,
    importance_scale: tuple | None,
    performance_scale: tuple | None,
    scale_allowed: bool,
) -> dict[str, float]:
    if isinstance(crosshair, Mapping):
        keys = set(crosshair)
        if keys != {"importance", "performance"}:
            raise CvlibInputError(
                f"crosshair dict needs exactly the keys 'importance' and 'performance', got "
                f"{sorted(map(str, keys))}."
            )
        out = {k: float(crosshair[k]) for k in ("importance", "performance")}
        if not all(math.isfinite(v) for v in out.values()):
            raise CvlibInputError(f"crosshair values must be finite, got {dict(crosshair)!r}.")
        return out
    if isinstance(crosshair, tuple | list | np.ndarray):
        raise CvlibInputError(
            f"crosshair={crosshair!r} is an unlabeled pair: give a dict "
            f"{{'importance': v, 'performance': v}} so the axes cannot be swapped."
        )
    check_choice("crosshair", crosshair, ("data", "scale", "median"))
    if crosshair == "data":
        return {"importance": float(np.mean(imp)), "performance": float(np.mean(perf))}
    if crosshair == "median":
        return {"importance": float(np.median(imp)), "performance": float(np.median(perf))}
    if not scale_allowed or importance_scale is None or performance_scale is None:
        raise CvlibInputError(
            "crosshair='scale' (theoretical midpoints (L + U)/2) needs stated importance and raw "
            "performance, each on one known scale; use crosshair='data', 'median' or an explicit "
            "{'importance': v, 'performance': v}."
        )
    return {
        "importance": (importance_scale[0] + importance_scale[1]) / 2,
        "performance": (performance_scale[0] + performance_scale[1]) / 2,
    }


def _classify(
    importance: pd.Series,
    performance: pd.Series,
    *,
    crosshair: Any,
    tie: str,
    order: str,
    importance_scale: tuple | None,
    performance_scale: tuple | None,
    common_scale: tuple | None,
    scale_allowed: bool,
    derived: bool,
    importance_name: str,
    performance_name: str,
    target: Hashable | None,
    n: int | None,
    lang: str,
) -> IPAResult:
    check_choice("tie", tie, ("high", "low"))
    check_choice("order", order, ("quadrant", "diagonal"))
    check_choice("lang", lang, _LANGS)
    imp = importance.to_numpy(dtype="float64")
    perf = performance.to_numpy(dtype="float64")
    bad = ~(np.isfinite(imp) & np.isfinite(perf))
    if bad.any():
        raise CvlibInputError(
            f"importance/performance missing or infinite for {list(importance.index[bad])}; "
            f"every plotted item needs both."
        )
    ch = _crosshairs(crosshair, imp, perf, importance_scale, performance_scale, scale_allowed)
    if tie == "high":
        hi_imp, hi_perf = imp >= ch["importance"], perf >= ch["performance"]
    else:
        hi_imp, hi_perf = imp > ch["importance"], perf > ch["performance"]
    quad = np.where(hi_imp, np.where(hi_perf, "II", "I"), np.where(hi_perf, "IV", "III"))
    if common_scale is not None:
        priority = imp - perf
    else:
        priority = np.full(len(imp), np.nan)
        if order == "diagonal":
            raise CvlibInputError(
                "order='diagonal' (priority = importance − performance) needs both axes on one "
                "scale: stated importance items on the performance items' scale (or both "
                "rescaled to 0-100 with performance='rescaled'). Use order='quadrant'."
            )
    neg = (imp < 0) if derived else np.zeros(len(imp), dtype=bool)
    if neg.any():
        warnings.warn(
            f"negative derived importance for {list(importance.index[neg])}: these attributes "
            f"move against the outcome (suppression or a reverse-keyed item); read them with "
            f"care.",
            CvlibWarning,
            stacklevel=3,
        )
    table = pd.DataFrame(
        {
            "importance": imp,
            "performance": perf,
            "quadrant": quad,
            "label_zh": [IPA_QUADRANTS[q][3] for q in quad],
            "label_en": [IPA_QUADRANTS[q][2] for q in quad],
            "importance_level": np.where(hi_imp, "high", "low"),
            "performance_level": np.where(hi_perf, "high", "low"),
            "negative_importance": neg,
            "priority": priority,
            "above_diagonal": priority > 0,
        },
        index=importance.index,
    )
    if order == "diagonal":
        keys = np.lexsort((perf, -imp, -priority))
    else:  # quadrant I, III, II, IV; within: higher importance, then lower performance
        q_rank = np.array([_FIX_ORDER[q] for q in quad])
        keys = np.lexsort((perf, -imp, q_rank))
    table = table.iloc[keys]
    table["fix_rank"] = np.arange(1, len(table) + 1)
    return IPAResult(
        table=table,
        crosshairs=ch,
        crosshair=crosshair,
        importance=importance_name,
        performance=performance_name,
        tie=tie,
        order=order,
        common_scale=common_scale,
        performance_scale=performance_scale,
        importance_scale=importance_scale,
        target=target,
        n=n,
        lang=lang,
    )


def ipa_classify(
    importance: pd.Series | Mapping[Hashable, float],
    performance: pd.Series | Mapping[Hashable, float],
    *,
    crosshair: Any = "data",
    tie: str = "high",
    order: str = "quadrant",
    importance_scale: tuple[float, float] | None = None,
    performance_scale: tuple[float, float] | None = None,
    derived: bool = False,
    lang: str = "zh",
) -> IPAResult:
    """IPA quadrants for importance and performance given per item.

    Quadrants by (importance, performance) against the crosshairs, a value on a crosshair
    counting as high (``tie="high"``):

    ======== =========== ============ ======================== ============
    quadrant importance  performance  label                    标签
    ======== =========== ============ ======================== ============
    I        high        low          Concentrate here         重点改进区
    II       high        high         Keep up the good work    继续保持区
    III      low         low          Low priority             低优先区
    IV       low         high         Possible overkill        过度投入区
    ======== =========== ============ ======================== ============

    Parameters
    ----------
    importance, performance : Series or dict {item: value}
        The same items in both.
    crosshair : {"data", "scale", "median"} or dict
        ``"data"`` (default): the unweighted means of the points; ``"scale"``: the theoretical
        midpoints (L + U)/2 of ``importance_scale`` and ``performance_scale``; ``"median"``;
        or ``{"importance": v, "performance": v}`` (never an unlabeled tuple).
    tie : {"high", "low"}
        Where a value exactly on a crosshair goes.
    order : {"quadrant", "diagonal"}
        Fix-first order: quadrants I, III, II, IV, within each higher importance first (then
        lower performance); or by priority = importance − performance (needs a common scale).
    importance_scale, performance_scale : (L, U), optional
        The axes' theoretical ends; when equal, the diagonal priority is computed.
    derived : bool
        The importances are derived (negative values are then flagged).
    lang : {"zh", "en"}

    Returns
    -------
    IPAResult

    Examples
    --------
    >>> imp = {"a": 0.6, "b": 0.6, "c": 0.2, "d": 0.2}
    >>> perf = {"a": 3, "b": 5, "c": 3, "d": 5}
    >>> res = ipa_classify(imp, perf, crosshair={"importance": 0.4, "performance": 4})
    >>> res.table.loc[["a", "b", "c", "d"], "quadrant"].tolist()
    ['I', 'II', 'III', 'IV']
    >>> res.fix_first(None)
    ['a', 'c', 'b', 'd']

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. Journal of
    Marketing 41(1), 77-79. Abalo, J., Varela, J., & Manzano, V. (2007). Importance values for
    importance-performance analysis. Journal of Business Research 60(2), 115-121.
    """
    imp = pd.Series(importance, dtype="float64") if isinstance(importance, Mapping) else importance
    perf = (
        pd.Series(performance, dtype="float64") if isinstance(performance, Mapping) else performance
    )
    if not isinstance(imp, pd.Series) or not isinstance(perf, pd.Series):
        raise TypeError("importance and performance must be Series or dicts {item: value}.")
    if set(imp.index) != set(perf.index) or imp.index.has_duplicates:
        raise KeyError(
            f"importance and performance must list the same items once each: only in importance "
            f"{[i for i in imp.index if i not in perf.index]}, only in performance "
            f"{[i for i in perf.index if i not in imp.index]}."
        )
    perf = perf.reindex(imp.index)
    common = (
        tuple(importance_scale)
        if importance_scale is not None
        and performance_scale is not None
        and tuple(importance_scale) == tuple(performance_scale)
        else None
    )
    return _classify(
        imp.astype("float64"),
        perf.astype("float64"),
        crosshair=crosshair,
        tie=tie,
        order=order,
        importance_scale=None if importance_scale is None else tuple(importance_scale),
        performance_scale=None if performance_scale is None else tuple(performance_scale),
        common_scale=common,
        scale_allowed=True,
        derived=derived,
        importance_name="given",
        performance_name="given",
        target=None,
        n=None,
        lang=lang,
    )


def ipa(
    data: Any,
    items: Sequence[Hashable],
    *,
    importance: str | pd.Series | Mapping[Hashable, float] = "stated",
    importance_items: Mapping[Hashable, Hashable] | None = None,
    target: Hashable | None = None,
    relimp: str = "lmg",
    performance: str = "raw",
    crosshair: Any = "data",
    tie: str = "high",
    order: str = "quadrant",
    codebook: Any = None,
    scale: Any = None,
    reverse: bool = True,
    lang: str = "zh",
) -> IPAResult:
    """Importance-performance analysis (IPA, 重要性-表现分析) from survey answers.

    * Performance of item j = its mean on the item scale (``performance="raw"``) or on 0-100,
      100 (S̄_j − L_j)/(U_j − L_j) (``"rescaled"``); declared missing codes are missing,
      reverse-keyed items are reversed first.
    * Importance (``importance=``): ``"stated"`` (mean of each item's importance-rating item,
      ``importance_items``), ``"corr"`` (Pearson r with ``target``, pairwise complete),
      ``"beta"`` (standardized β of a multiple regression on ``target``), ``"relimp"`` (LMG or
      Johnson share, ``relimp=``; :func:`key_drivers`), or a Series of given importances (e.g.
      IPMA total effects from a PLS model: ``"pls_total"`` is computed there). Derived
      importances can be negative and are flagged.
    * Quadrants, crosshairs, ties and the fix-first order: :func:`ipa_classify`. The diagonal
      priority = importance − performance exists when both axes share one scale (stated
      importance on the performance scale).

    Parameters
    ----------
    data : DataFrame or read_survey result
    items : list
        The attribute (performance) items.
    importance : {"stated", "corr", "beta", "relimp"} or Series/dict
    importance_items : dict {item: importance item}, optional
        For ``"stated"``: the column holding each attribute's importance rating.
    target : hashable, optional
        Overall-satisfaction column for derived importances.
    relimp : {"lmg", "johnson"}
        The share used by ``importance="relimp"``.
    performance : {"raw", "rescaled"}
    crosshair, tie, order, lang
        See :func:`ipa_classify`. ``crosshair="scale"`` needs stated importance and raw
        performance (else ``ValueError``).
    codebook, scale
        Scale ends (codebook, or (L, U) / {item: (L, U)}) and missing codes.
    reverse : bool
        Reverse the codebook's reverse-keyed items first.

    Returns
    -------
    IPAResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [2, 3, 2], "q2": [6, 6, 7], "i1": [6, 7, 6], "i2": [2, 3, 2]})
    >>> res = ipa(df, ["q1", "q2"], importance_items={"q1": "i1", "q2": "i2"}, scale=(1, 7),
    ...           crosshair="scale")
    >>> res.table["quadrant"].to_dict(), res.crosshairs
    ({'q1': 'I', 'q2': 'IV'}, {'importance': 4.0, 'performance': 4.0})

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Journal of Marketing 41(1), 77-79.
    Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: the
    importance-performance map analysis. Industrial Management & Data Systems 116(9).
    """
    check_choice("performance", performance, ("raw", "rescaled"))
    check_choice("relimp", relimp, ("lmg", "johnson"))
    frame, cb, _ = unwrap(data, codebook)
    cols = select_items(frame, items, what="items")
    prepared = _prepare_items(frame, cols, cb, scale, reverse)
    lo, hi = prepared.lo, prepared.hi
    x = prepared.values
    n_valid = x.notna().sum()
    empty = [c for c in cols if n_valid[c] == 0]
    if empty:
        raise CvlibInputError(f"item(s) {empty} have no valid answer; no performance exists.")
    means = x.mean()
    if performance == "rescaled":
        perf = 100 * (means - lo) / (hi - lo)
        perf_scale: tuple | None = (0.0, 100.0)
    else:
        perf = means
        same = np.ptp(lo) == 0 and np.ptp(hi) == 0
        perf_scale = (float(lo[0]), float(hi[0])) if same else None
    derived = True
    imp_scale: tuple | None = None
    n_used: int | None = None
    if isinstance(importance, pd.Series | Mapping):
        imp = pd.Series(importance, dtype="float64")
        missing = [c for c in cols if c not in imp.index]
        if missing:
            raise KeyError(f"no importance given for item(s) {missing}.")
        imp = imp.reindex(cols)
        imp_name = "given"
    else:
        check_choice("importance", importance, _IMPORTANCE)
        if importance == "pls_total":
            raise CvlibInputError(
                "importance='pls_total' (IPMA) comes from the PLS model: compute the total "
                "effects there and pass them as importance=Series({item: effect})."
            )
        if importance == "stated":
            if importance_items is None:
                raise CvlibInputError(
                    "importance='stated' needs importance_items={attribute item: importance "
                    "item} naming the column that rates each attribute's importance."
                )
            unknown = [c for c in cols if c not in importance_items]
            if unknown:
                raise KeyError(f"importance_items has no importance item for {unknown}.")
            imp_cols = select_items(
                frame, [importance_items[c] for c in cols], what="importance items"
            )
            stated = _prepare_items(frame, imp_cols, cb, scale, reverse=False)
            imp = pd.Series(stated.values.mean().to_numpy(), index=pd.Index(cols))
            derived = False
            if np.ptp(stated.lo) == 0 and np.ptp(stated.hi) == 0:
                imp_scale = (float(stated.lo[0]), float(stated.hi[0]))
                if performance == "rescaled":
                    imp = 100 * (imp - imp_scale[0]) / (imp_scale[1] - imp_scale[0])
                    imp_scale = (0.0, 100.0)
            imp_name = "stated"
        else:
            if target is None:
                raise CvlibInputError(
                    f"importance={importance!r} is derived from the outcome: pass "
                    f"target='<overall satisfaction column>'."
                )
            select_items(frame, [target], what="target")
            if target in cols:
                raise CvlibInputError(f"target {target!r} is also an attribute item.")
            y = _prepare_items(frame, [target], cb, _target_scale(scale, target), False)
            both = pd.concat([x, y.values], axis=1)
            if importance == "corr":
                imp = both.corr().loc[cols, target]
                n_used = int(both.notna().all(axis=1).sum())
            else:
                from cvlib.satisfaction._drivers import key_drivers

                measure = "beta" if importance == "beta" else relimp
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DataQualityWarning)
                    kd = key_drivers(both, target, cols, method=measure)
                imp = kd.table[measure]
                n_used = kd.n
                dropped = len(both) - kd.n
                if dropped:
                    warnings.warn(
                        f"ipa: {dropped} respondent(s) with a missing attribute or outcome were "
                        f"left out of the {importance!r} importances (listwise); n = {kd.n}.",
                        DataQualityWarning,
                        stacklevel=2,
                    )
            imp_name = importance if importance != "relimp" else f"relimp ({relimp})"
            imp_name = f"{imp_name} on {target!r}"
    common = imp_scale if (imp_scale is not None and imp_scale == perf_scale) else None
    return _classify(
        imp.astype("float64"),
        perf.astype("float64"),
        crosshair=crosshair,
        tie=tie,
        order=order,
        importance_scale=imp_scale,
        performance_scale=perf_scale,
        common_scale=common,
        scale_allowed=(not derived) and performance == "raw",
        derived=derived,
        importance_name=imp_name,
        performance_name=performance,
        target=target,
        n=n_used,
        lang=lang,
    )


def _target_scale(scale: Any, target: Hashable) -> Any:
    if isinstance(scale, Mapping):
        return {target: scale[target]} if target in scale else None
    return scale


def plot_ipa(
    result: IPAResult,
    *,
    lang: str | None = None,
    labels: Mapping[Hashable, str] | None = None,
    diagonal: bool | None = None,
    quadrant_labels: bool = True,
    ax: Any = None,
) -> Any:
    """The IPA grid: x = performance, y = importance, crosshairs and quadrant names.

    Parameters
    ----------
    result : IPAResult
    lang : {"zh", "en"}, optional
        Label language (default the result's; call :func:`cvlib.plots.setup_fonts` for Chinese).
    labels : dict, optional
        Display names of the items (e.g. the codebook wording).
    diagonal : bool, optional
        Draw the iso-priority line importance = performance (default: when the axes share a
        scale).
    quadrant_labels : bool
        Write the quadrant names in the corners.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> res = ipa_classify({"a": 0.6, "b": 0.2}, {"a": 3, "b": 5}, lang="en")
    >>> ax = plot_ipa(res)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('performance (given)', 'importance (given)')
    """
    import matplotlib.pyplot as plt

    from cvlib.satisfaction._drivers import _zh_fonts

    lang = lang or result.lang
    check_choice("lang", lang, _LANGS)
    _zh_fonts(lang)
    t = result._table
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 5.4))
    colours = {"I": "#d95f02", "II": "#1b9e77", "III": "#999999", "IV": "#7570b3"}
    ax.scatter(t["performance"], t["importance"], c=[colours[q] for q in t["quadrant"]], s=36)
    for item, row in t.iterrows():
        ax.annotate(
            str((labels or {}).get(item, item)),
            (row["performance"], row["importance"]),
            textcoords="offset points",
            xytext=(4, 3),
            fontsize="small",
        )
    ch = result._crosshairs
    ax.axvline(ch["performance"], color="0.35", linestyle="--", linewidth=1)
    ax.axhline(ch["importance"], color="0.35", linestyle="--", linewidth=1)
    ax.margins(0.15)
    if diagonal is None:
        diagonal = result.common_scale is not None
    if diagonal:
        lo = min(ax.get_xlim()[0], ax.get_ylim()[0])
        hi = max(ax.get_xlim()[1], ax.get_ylim()[1])
        ax.plot([lo, hi], [lo, hi], color="0.6", linewidth=1, linestyle=":")
    if quadrant_labels:
        spots = {"I": (0.01, 0.99, "left", "top"), "II": (0.99, 0.99, "right", "top")}
        spots.update({"III": (0.01, 0.01, "left", "bottom"), "IV": (0.99, 0.01, "right", "bottom")})
        for q, (xx, yy, ha, va) in spots.items():
            name = IPA_QUADRANTS[q][3] if lang == "zh" else IPA_QUADRANTS[q][2]
            ax.text(
                xx,
                yy,
                f"{q} {name}",
                ha=ha,
                va=va,
                fontsize="small",
                color=colours[q],
                transform=ax.transAxes,
            )
    perf_unit = {"raw": ("均值", "raw"), "rescaled": ("0-100", "0-100")}.get(
        result.performance, (result.performance, result.performance)
    )
    if lang == "zh":
        ax.set_xlabel(f"表现 ({perf_unit[0]})")
        ax.set_ylabel(f"重要性 ({result.importance})")
        ax.set_title("重要性-表现分析 (IPA)")
    else:
        ax.set_xlabel(f"performance ({perf_unit[1]})")
        ax.set_ylabel(f"importance ({result.importance})")
        ax.set_title("Importance-performance analysis (IPA)")
    return ax


# ---------------------------------------------------------------------------------------------
# gap analysis (§10)


@dataclass(frozen=True, repr=False, eq=False)
class GapResult(ResultMixin):
    """Gap analysis: satisfaction = experience − expectation (差距分析).

    Attributes
    ----------
    table : DataFrame
        Per item pair: ``experience``, ``expectation`` (column names), ``n`` (complete pairs),
        ``n_dropped`` (pairs with a missing side), ``mean_experience``, ``mean_expectation``,
        ``mean_gap``, ``sd_gap``, ``t``, ``p`` (paired t-test, ``scipy.stats.ttest_rel``),
        ``class`` (of the mean gap) and ``label``, and the shares of respondents per class
        (``share_exceeds``, ``share_meets``, ``share_below``).
    gaps : DataFrame
        Per respondent and item: experience − expectation (NaN for an incomplete pair).
    classes : DataFrame
        Per respondent and item: ``"exceeds"``, ``"meets"`` or ``"below"`` (missing for NaN).
    tol : float
        |gap| ≤ tol counts as 基本满意.
    scale_checked : bool
        Whether both sides' scales were known and compared.
    lang : str
    """

    table: pd.DataFrame = Snapshot()
    gaps: pd.DataFrame = Snapshot()
    classes: pd.DataFrame = Snapshot()
    tol: float
    scale_checked: bool
    lang: str

    _conventions = ("tol", "scale_checked", "lang")
    _title = "GapResult (差距分析: 体验 − 期望)"

    def summary(self) -> pd.DataFrame:
        """The per-item table."""
        return self.table

    def labels(self, lang: str | None = None) -> pd.DataFrame:
        """Per respondent and item: the class label (物超所值 / 基本满意 / 不满意)."""
        lang = lang or self.lang
        check_choice("lang", lang, _LANGS)
        k = 0 if lang == "zh" else 1
        mapping = {c: v[k] for c, v in GAP_LABELS.items()}
        return self._classes.apply(lambda s: s.map(mapping))


def _gap_class(g: np.ndarray, tol: float) -> np.ndarray:
    out = np.where(g > tol, "exceeds", np.where(g < -tol, "below", "meets")).astype(object)
    out[np.isnan(g)] = None
    return out


def gap_analysis(
    data: Any,
    pairs: Mapping[Hashable, tuple[Hashable, Hashable]],
    *,
    tol: float = 0.0,
    codebook: Any = None,
    scale: Any = None,
    lang: str = "zh",
) -> GapResult:
    """Gap analysis (差距分析): gap = experience − expectation per respondent and item.

    "客户满意度=客户体验-客户期望" (source document 004, Art. 7). Classes:

    ============ ============ ================================
    gap          标签          label
    ============ ============ ================================
    > tol        物超所值      delighted; exceeds expectation
    |gap| ≤ tol  基本满意      basically satisfied
    < −tol       不满意        dissatisfied
    ============ ============ ================================

    ``tol`` defaults to 0 (individual integer answers); for item means set it yourself. Both
    sides of a pair must be on the same scale (different codebook/``scale`` ends raise
    ``ValueError``: rescale both to 0-100 first). Pairs with a missing side are dropped and
    counted.

    Parameters
    ----------
    data : DataFrame or read_survey result
    pairs : dict {item: (experience column, expectation column)}
    tol : float
        Half-width of the 基本满意 band (default 0).
    codebook : Codebook or dict, optional
        Scale ends and declared missing codes.
    scale : (L, U) or dict {column: (L, U)}, optional
        Scale ends when the codebook does not give them (then checked too).
    lang : {"zh", "en"}
        Language of the ``label`` column.

    Returns
    -------
    GapResult
        ``table`` (per item), ``gaps`` and ``classes`` (per respondent), ``labels()``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"exp": [7, 5, 4], "pre": [6, 5, 6]})
    >>> res = gap_analysis(df, {"服务": ("exp", "pre")})
    >>> res.gaps["服务"].tolist(), res.labels()["服务"].tolist()
    ([1.0, 0.0, -2.0], ['物超所值', '基本满意', '不满意'])

    References
    ----------
    Source document 004, Art. 7. Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988).
    SERVQUAL. Journal of Retailing 64(1), 12-40.
    """
    check_choice("lang", lang, _LANGS)
    if not (isinstance(tol, int | float) and math.isfinite(tol) and tol >= 0):
        raise CvlibInputError(f"tol must be a finite number >= 0, got {tol!r}.")
    if not isinstance(pairs, Mapping) or not pairs:
        raise CvlibInputError(
            "pairs must be a non-empty dict {item: (experience column, expectation column)}."
        )
    frame, cb, _ = unwrap(data, codebook)
    rows = []
    gaps: dict[Hashable, np.ndarray] = {}
    classes: dict[Hashable, np.ndarray] = {}
    checked = True
    k = 0 if lang == "zh" else 1
    for name, pair in pairs.items():
        if not (isinstance(pair, Sequence) and not isinstance(pair, str) and len(pair) == 2):
            raise CvlibInputError(
                f"pairs[{name!r}] must be (experience column, expectation column), got {pair!r}."
            )
        exp_col, pre_col = pair
        select_items(frame, [exp_col, pre_col], what=f"pair {name!r}")
        try:
            ends = _ends_of([exp_col, pre_col], cb, scale)
            known = True
        except CvlibInputError as exc:
            if "no theoretical scale ends" not in str(exc):
                raise
            known = False
            checked = False
        if known:
            lo, hi = ends
            if lo[0] != lo[1] or hi[0] != hi[1]:
                raise CvlibInputError(
                    f"pair {name!r}: experience {exp_col!r} is on [{lo[0]:g}, {hi[0]:g}] but "
                    f"expectation {pre_col!r} on [{lo[1]:g}, {hi[1]:g}]; a gap needs one scale. "
                    f"Rescale both to 0-100 first (cvlib.standardize.rescale_0_100)."
                )
            vals = _prepare_items(frame, [exp_col, pre_col], cb, scale, reverse=False).values
        else:
            from cvlib.survey._common import numeric_items

            vals = numeric_items(frame, [exp_col, pre_col])
        e = vals[exp_col].to_numpy()
        x = vals[pre_col].to_numpy()
        g = e - x
        ok = ~np.isnan(g)
        n = int(ok.sum())
        gv = g[ok]
        cls = _gap_class(g, tol)
        gaps[name] = g
        classes[name] = cls
        if n >= 2 and np.ptp(gv) > 0:
            tt = stats.ttest_rel(e[ok], x[ok])
            t_stat, p_val = float(tt.statistic), float(tt.pvalue)
        else:
            t_stat = p_val = np.nan
        mean_gap = float(gv.mean()) if n else np.nan
        mean_cls = _gap_class(np.array([mean_gap]), tol)[0]
        rows.append(
            {
                "experience": exp_col,
                "expectation": pre_col,
                "n": n,
                "n_dropped": int((~ok).sum()),
                "mean_experience": float(e[ok].mean()) if n else np.nan,
                "mean_expectation": float(x[ok].mean()) if n else np.nan,
                "mean_gap": mean_gap,
                "sd_gap": float(gv.std(ddof=1)) if n >= 2 else np.nan,
                "t": t_stat,
                "p": p_val,
                "class": mean_cls,
                "label": None if mean_cls is None else GAP_LABELS[mean_cls][k],
                "share_exceeds": float(np.mean(gv > tol)) if n else np.nan,
                "share_meets": float(np.mean(np.abs(gv) <= tol)) if n else np.nan,
                "share_below": float(np.mean(gv < -tol)) if n else np.nan,
            }
        )
        if (~ok).sum():
            warnings.warn(
                f"gap {name!r}: {int((~ok).sum())} respondent(s) miss the experience or the "
                f"expectation answer; those pairs were dropped (n = {n}).",
                DataQualityWarning,
                stacklevel=2,
            )
    table = pd.DataFrame(rows, index=pd.Index(list(pairs), name="item"))
    return GapResult(
        table=table,
        gaps=pd.DataFrame(gaps, index=frame.index),
        classes=pd.DataFrame(classes, index=frame.index),
        tol=float(tol),
        scale_checked=checked,
        lang=lang,
    )

"""Satisfaction indices from weighted item means (``methods/satisfaction.md`` §1, §2, §11).

* :func:`csi` — the weighted customer-satisfaction index CSI = Σ w_j S̄_j (顾客满意度指数), with the
  weights from an AHP judgment matrix or hierarchy (层次分析法, with its consistency ratio), from
  entropy weights (熵权法) or given, reported in one **named** convention: ``"raw"`` (item scale;
  the seed's 得分 = 权重 × 评分值 and 加权平均), ``"range"`` (0-100 from the theoretical ends, the
  default) or ``"max"`` (100 S̄/U). cvlib never prints a bare "CSI%".
* :func:`delphi_weights` — expert weights over Delphi rounds (台尔斐法) with a stated aggregation
  and stopping rule.
* :func:`winback_flag` — high-value / low-satisfaction customers (高价值低满意客户, priority
  win-back, 挽回), with the mean split of ``value_and_credit.md`` §1.4
  (:func:`cvlib.segment.value_matrix` does the split), and :func:`plot_winback`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.survey._codebook import Codebook
from cvlib.survey._common import numeric_items, select_items, unwrap

__all__ = [
    "CSI_CONVENTIONS",
    "CSIResult",
    "DelphiResult",
    "WinbackResult",
    "csi",
    "delphi_weights",
    "plot_winback",
    "winback_flag",
]

#: The named CSI conventions (§2.2): name -> (formula, reported range).
CSI_CONVENTIONS: dict[str, tuple[str, str]] = {
    "raw": ("CSI = Σ w_j S̄_j", "item scale L..U"),
    "range": ("CSI% = 100 · Σ w_j (S̄_j − L_j)/(U_j − L_j)", "0-100"),
    "max": ("CSI% = 100 · Σ w_j S̄_j / U", "100·L/U-100"),
}
_WEIGHT_SUM_TOL = 1e-6
_LANGS = ("zh", "en")


# ---------------------------------------------------------------------------------------------
# shared item preparation (also used by the IPA and gap functions)


def _ends_of(
    items: Sequence[Hashable], codebook: Codebook | None, scale: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Theoretical ends (L, U) per item: ``scale`` ((L, U) or {item: (L, U)}) or the codebook."""

    def pair(value: Any, where: str) -> tuple[float, float]:
        if not (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2):
            raise CvlibInputError(f"{where} must be a pair (scale_min, scale_max), got {value!r}")
        lo, hi = float(value[0]), float(value[1])
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise CvlibInputError(f"{where}: need finite scale_min < scale_max, got {value!r}")
        return lo, hi

    explicit: dict[Hashable, tuple[float, float]] = {}
    if isinstance(scale, Mapping):  # extra keys (columns analysed elsewhere) are ignored
        explicit = {k: pair(v, f"scale[{k!r}]") for k, v in scale.items() if k in items}
    elif scale is not None:
        both = pair(scale, "scale")
        explicit = dict.fromkeys(items, both)
    lo = np.empty(len(items))
    hi = np.empty(len(items))
    for j, item in enumerate(items):
        spec = None if codebook is None else codebook.get(item)
        book = (
            None
            if spec is None or spec.scale_min is None or spec.scale_max is None
            else (float(spec.scale_min), float(spec.scale_max))
        )
        given = explicit.get(item)
        if given is not None and book is not None and given != book:
            raise CvlibInputError(
                f"item {item!r}: scale={given} disagrees with the codebook scale {book}; drop "
                f"one of them."
            )
        ends = given or book
        if ends is None:
            raise CvlibInputError(
                f"item {item!r} has no theoretical scale ends (cvlib never uses the observed "
                f"min/max): pass scale=(1, 7) (or a dict per item), or a codebook with "
                f"scale_min/scale_max."
            )
        lo[j], hi[j] = ends
    return lo, hi


@dataclass(frozen=True)
class _Items:
    values: pd.DataFrame  # float64, declared missing codes -> NaN, reverse-keyed items reversed
    lo: np.ndarray
    hi: np.ndarray
    reversed: tuple
    n_declared_missing: dict


def _prepare_items(
    frame: pd.DataFrame,
    items: Sequence[Hashable],
    codebook: Codebook | None,
    scale: Any,
    reverse: bool,
) -> _Items:
    """Float item values with declared missing codes as NaN, range-checked, reversed if keyed."""
    values = numeric_items(frame, items)
    lo, hi = _ends_of(items, codebook, scale)
    declared: dict[Hashable, int] = {}
    if codebook is not None:
        for item in items:
            spec = codebook.get(item)
            if spec is None or not (spec.missing_codes or spec.missing_ranges):
                continue
            v = values[item]
            codes = [c for c in spec.missing_codes if not isinstance(c, str)]
            mask = v.isin(codes)
            for a, b, _ in spec.missing_ranges:
                mask |= (v >= a) & (v <= b)
            if mask.any():
                declared[item] = int(mask.sum())
                values[item] = v.mask(mask)
    a = values.to_numpy()
    outside = ~np.isnan(a) & ((a < lo) | (a > hi))
    if outside.any():
        r, c = np.argwhere(outside)[0]
        item = items[c]
        raise CvlibInputError(
            f"item {item!r} holds {a[r, c]:g} at row {values.index[r]!r}, outside its scale "
            f"[{lo[c]:g}, {hi[c]:g}] ({int(outside[:, c].sum())} such value(s)); fix the value "
            f"or declare it as a missing code in the codebook (e.g. -99 = 拒答)."
        )
    done_before = set(frame.attrs.get("cvlib", {}).get("reversed", []))
    rev: list[Hashable] = []
    if reverse and codebook is not None:
        for j, item in enumerate(items):
            spec = codebook.get(item)
            if spec is not None and spec.reverse and item not in done_before:
                values[item] = (lo[j] + hi[j]) - values[item]
                rev.append(item)
    return _Items(values, lo, hi, tuple(rev), declared)


# ---------------------------------------------------------------------------------------------
# weights


@dataclass(frozen=True)
class _Weights:
    w: pd.Series
    source: str
    info: dict
    cr: float | None
    consistent: bool | None
    given_sum: float
    renormalized: bool
    groups: dict


def _is_ahp_result(x: Any) -> bool:
    return type(x).__name__ in ("AHPResult", "IncompleteResult") and hasattr(x, "cr")


def _is_hierarchy(x: Any) -> bool:
    return type(x).__name__ == "HierarchyResult" and hasattr(x, "leaf_weights")


def _resolve_weights(
    weights: Any,
    items: list | None,
    frame: pd.DataFrame,
    *,
    ahp_method: str,
    ri_table: str,
    renormalize: bool,
) -> _Weights:
    from cvlib import ahp

    info: dict[str, Any] = {}
    cr: float | None = None
    consistent: bool | None = None
    groups: dict = {}
    if isinstance(weights, str):
        check_choice("weights", weights, ("entropy",))
        if items is None:
            raise CvlibInputError("weights='entropy' needs items=[...] (the items to weight).")
        from cvlib.standardize import entropy_weights

        block = numeric_items(frame, items)
        res = entropy_weights(block, directions="benefit", missing="listwise")
        w = res.weights.astype("float64")
        source = "entropy"
        info = {"method": "entropy (熵权法)", "n": res.n, "n_rows_dropped": res.n_rows_dropped}
    elif _is_hierarchy(weights):
        w = weights.leaf_weights.astype("float64")
        source = "ahp hierarchy"
        nodes = weights.nodes
        crs = {k: float(v.cr) for k, v in nodes.items()}
        ok = {k: bool(v.acceptable) for k, v in nodes.items()}
        cr = max(crs.values()) if crs else 0.0
        consistent = all(ok.values())
        info = {
            "method": weights.method,
            "ri_table": weights.ri_table,
            "cr_by_node": crs,
            "acceptable_by_node": ok,
        }
        groups = {k: list(v) for k, v in weights.groups(1).items()}
        if not consistent:
            bad = {k: round(crs[k], 4) for k, v in ok.items() if not v}
            _warn_inconsistent(f"hierarchy node(s) {bad}", cr)
    else:
        if not _is_ahp_result(weights) and isinstance(weights, pd.DataFrame | np.ndarray):
            arr = np.asarray(weights)
            if arr.ndim == 2 and arr.shape[0] == arr.shape[1]:
                labels = None
                if not isinstance(weights, pd.DataFrame):
                    if items is None:
                        raise CvlibInputError(
                            "a judgment matrix given as an array needs items=[...] in its row "
                            "order (or pass a DataFrame labelled by item)."
                        )
                    labels = list(items)
                weights = ahp.weights(weights, method=ahp_method, ri_table=ri_table, labels=labels)
        if _is_ahp_result(weights):
            if getattr(weights, "is_stack", False):
                raise CvlibInputError(
                    "weights is a stack of judgment matrices; aggregate the experts first (group "
                    "AHP: element-wise geometric mean) and pass one matrix or its result."
                )
            w = weights.weights.astype("float64")
            source = "ahp"
            cr = float(weights.cr)
            consistent = bool(weights.acceptable)
            info = {
                "method": weights.method,
                "ri_table": weights.ri_table,
                "lambda_max": float(weights.lambda_max),
                "ci": float(weights.ci),
                "cr": cr,
                "verdict": weights.verdict,
            }
            if not consistent:
                _warn_inconsistent("the judgment matrix", cr)
        elif isinstance(weights, Mapping | pd.Series):
            w = pd.Series(dict(weights) if isinstance(weights, Mapping) else weights)
            try:
                w = w.astype("float64")
            except (TypeError, ValueError) as exc:
                raise TypeError(f"weights must be numbers, got {dict(w)!r}") from exc
            source = "given"
        else:
            raise TypeError(
                f"weights must be a dict/Series {{item: weight}}, a judgment matrix (DataFrame), "
                f"a cvlib.ahp weights()/hierarchy() result or 'entropy'; got "
                f"{type(weights).__name__}."
            )
    if w.index.has_duplicates:
        raise CvlibInputError(f"weights lists item(s) {list(w.index[w.index.duplicated()])} twice.")
    bad = w[~np.isfinite(w.to_numpy())]
    if len(bad):
        raise CvlibInputError(f"weights must be finite numbers; {dict(bad)} are not.")
    neg = w[w < 0]
    if len(neg):
        raise CvlibInputError(
            f"negative weight(s) {dict(neg)}; CSI weights are shares of importance and must be "
            f">= 0."
        )
    total = float(w.sum())
    renormed = False
    if abs(total - 1.0) > _WEIGHT_SUM_TOL:
        if not renormalize:
            raise CvlibInputError(
                f"the weights sum to {total:.6g}, not 1 (tolerance {_WEIGHT_SUM_TOL:g}); check "
                f"them, or pass renormalize=True to divide them by their sum (papers often print "
                f"4-decimal weights that sum to 0.9999)."
            )
        warnings.warn(
            f"the weights sum to {total:.6g}; they were divided by their sum (renormalize=True).",
            CvlibWarning,
            stacklevel=3,
        )
        w = w / total
        renormed = True
    return _Weights(w, source, info, cr, consistent, total, renormed, groups)


def _warn_inconsistent(what: str, cr: float) -> None:
    from cvlib.ahp import InconsistencyWarning

    warnings.warn(
        f"the CSI weights come from {what} with CR = {cr:.4f} >= 0.1 (需调整, not acceptably "
        f"consistent): revise the judgments. The CSI is computed with these weights and the "
        f"result records cr and consistent=False.",
        InconsistencyWarning,
        stacklevel=4,
    )


# ---------------------------------------------------------------------------------------------
# CSI


@dataclass(frozen=True, repr=False, eq=False)
class CSIResult(ResultMixin):
    """A weighted customer-satisfaction index (顾客满意度指数) in one named convention.

    Attributes
    ----------
    value : float
        The index in ``convention``.
    convention : {"raw", "range", "max"}
        ``"raw"`` CSI = Σ w_j S̄_j (item scale); ``"range"`` 100 Σ w_j (S̄_j − L_j)/(U_j − L_j)
        (0-100); ``"max"`` 100 Σ w_j S̄_j / U.
    formula : str
        The convention's formula, printed with the value by :meth:`text`.
    aggregate : {"items", "respondents"}
        Item means first, or respondent scores first (weights renormalised over answered items).
    table : DataFrame
        Per item: ``weight``, ``n``, ``n_missing``, ``mean`` (S̄_j), ``scale_min``, ``scale_max``,
        ``item_index`` (S̄_j in the convention), ``contribution`` (w_j × item_index; sums to the
        index with ``aggregate="items"``) and ``score`` (w_j × S̄_j, the seed's
        得分 = 权重 × 评分值 on the item scale).
    sub_indices : Series
        Per criterion (``groups``): Σ (local weight × item_index) over its items.
    scores : Series
        Per respondent: Σ_j w_j t(x_ij) / Σ_{answered} w_j in the convention (NaN without
        answers), e.g. for :func:`winback_flag`.
    weight_source : str
        ``"given"``, ``"ahp"``, ``"ahp hierarchy"`` or ``"entropy"``; ``weight_info`` has the
        details (method, RI table, λ_max, CI, CR per node).
    cr : float or None
        CR of the AHP judgments (the largest over a hierarchy's nodes).
    consistent : bool or None
        Whether every judgment matrix met its CR threshold (``False`` was warned).
    weights_sum, renormalized
        Σ w as given and whether the weights were divided by it.
    reversed : tuple
        Reverse-keyed items reversed before scoring.
    n, n_unscored : int
        Respondents with at least one answer / with none.
    """

    value: float
    convention: str
    formula: str
    aggregate: str
    table: pd.DataFrame = Snapshot()
    sub_indices: pd.Series = Snapshot()
    scores: pd.Series = Snapshot()
    weight_source: str
    cr: float | None
    consistent: bool | None
    weights_sum: float
    renormalized: bool
    reversed: tuple
    n: int
    n_unscored: int
    lang: str
    weight_info: dict = Snapshot(default_factory=dict)

    _conventions = ("value", "convention", "aggregate", "weight_source", "cr", "consistent", "n")
    _title = "CSIResult (顾客满意度指数)"

    def summary(self) -> pd.DataFrame:
        """The per-item table (weights, means, contributions)."""
        return self.table

    def text(self, lang: str | None = None, decimals: int = 2) -> str:
        """The index with its convention named, e.g. ``CSI = 71.67 (range convention: ...)``."""
        lang = lang or self.lang
        check_choice("lang", lang, _LANGS)
        pct = "" if self.convention == "raw" else "%"
        if lang == "en":
            return (
                f"CSI{pct} = {self.value:.{decimals}f} ({self.convention} convention: "
                f"{self.formula}; {self.aggregate} first; weights: {self.weight_source})"
            )
        return (
            f"CSI{pct} = {self.value:.{decimals}f}（{self.convention} 口径：{self.formula}；"
            f"{'先求题项均值' if self.aggregate == 'items' else '先求受访者得分'}；"
            f"权重来源：{self.weight_source}）"
        )

    def item_scores(self, data: Any) -> pd.DataFrame:
        """Per respondent and item: weight × rating (得分 = 权重 × 评分值, item scale)."""
        frame, _, _ = unwrap(data)
        w = self._table["weight"]
        return numeric_items(frame, list(w.index)) * w.to_numpy()


def _transform(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, convention: str) -> np.ndarray:
    if convention == "raw":
        return x
    if convention == "range":
        return 100.0 * (x - lo) / (hi - lo)
    return 100.0 * x / hi


def csi(
    data: Any,
    weights: Any,
    items: Sequence[Hashable] | None = None,
    *,
    codebook: Any = None,
    convention: str = "range",
    aggregate: str = "items",
    scale: Any = None,
    groups: Mapping[Hashable, Sequence[Hashable]] | str | None = None,
    renormalize: bool = False,
    reverse: bool = True,
    ahp_method: str = "eigen",
    ri_table: str = "saaty1980",
    lang: str = "zh",
) -> CSIResult:
    """Weighted customer-satisfaction index (顾客满意度指数, CSI) in a named convention.

    CSI = Σ_j w_j S̄_j, S̄_j the mean of item j over its valid answers, Σ w_j = 1 (the seed's
    "得分=权重*评分值" and "各子问题的加权平均值"). Reported as (§2.2; L_j, U_j = theoretical ends):

    ============ ================================================ ==================
    convention   formula                                          1..7: all 1 / all 7
    ============ ================================================ ==================
    ``"raw"``    Σ w_j S̄_j (item scale)                             1 / 7
    ``"range"``  100 Σ w_j (S̄_j − L_j)/(U_j − L_j) (default)        0 / 100
    ``"max"``    100 Σ w_j S̄_j / U ("S̄/k × 100"; never reaches 0)  14.29 / 100
    ============ ================================================ ==================

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent. Never modified. Declared missing codes of the codebook count as
        missing; reverse-keyed items (codebook ``reverse``) are reversed first, L + U − x, unless
        already reversed by :func:`cvlib.survey.reverse_items`.
    weights : dict, Series, judgment matrix, AHP result, hierarchy result or "entropy"
        ``{item: w}`` (given); a square DataFrame judgment matrix labelled by item (weights from
        :func:`cvlib.ahp.weights` with ``ahp_method`` and ``ri_table``); a
        :func:`cvlib.ahp.weights` result; a :func:`cvlib.ahp.hierarchy` result (global leaf
        weights; its level-1 criteria become ``groups``); or ``"entropy"`` (熵权法 on the answers,
        :func:`cvlib.standardize.entropy_weights`, benefit direction, listwise). An AHP CR at or
        above the threshold (0.1) raises an ``InconsistencyWarning`` and sets
        ``consistent=False``; the index is still computed.
    items : list, optional
        The items; default the weights' labels. Every item needs a weight and every weight an
        item in the data (else ``KeyError``).
    codebook : Codebook or dict, optional
        Scale ends, missing codes and reverse keying (a read_survey result carries its own).
    convention : {"range", "raw", "max"}
        See the table. ``"raw"`` and ``"max"`` need one common scale.
    aggregate : {"items", "respondents"}
        ``"items"`` (default): item means, then weights. ``"respondents"``: each respondent's
        weighted score with weights renormalised over the items answered, then the mean. They
        agree without missing answers.
    scale : (L, U) or dict {item: (L, U)}, optional
        Theoretical ends when the codebook does not give them.
    groups : dict {criterion: [items]} or "constructs", optional
        Sub-indices per criterion (Σ local weight × item index, local = w_j / Σ_group w);
        ``"constructs"`` uses the codebook constructs.
    renormalize : bool
        |Σ w − 1| > 1e-6 raises ``ValueError`` unless True (then w / Σ w with a warning).
    reverse : bool
        Reverse the codebook's reverse-keyed items (default True).
    ahp_method, ri_table : str
        Priority method and RI table when ``weights`` is a judgment matrix.
    lang : {"zh", "en"}
        Language of :meth:`CSIResult.text`.

    Returns
    -------
    CSIResult
        ``value``, ``convention``, ``formula``, ``table``, ``sub_indices``, ``scores``, the
        weight source with its CR, and the counts; ``text()`` prints the value with its
        convention.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [6, 6], "q2": [5, 5], "q3": [4, 4]})
    >>> w = {"q1": 0.5, "q2": 0.3, "q3": 0.2}
    >>> round(csi(df, w, scale=(1, 7), convention="raw").value, 9)
    5.3
    >>> res = csi(df, w, scale=(1, 7))
    >>> print(res.text(lang="en"))
    CSI% = 71.67 (range convention: CSI% = 100 · Σ w_j (S̄_j − L_j)/(U_j − L_j); items first; weights: given)
    >>> A = pd.DataFrame([[1, 2, 3], [1/2, 1, 2], [1/3, 1/2, 1]], index=["q1", "q2", "q3"],
    ...                  columns=["q1", "q2", "q3"])
    >>> res = csi(df, A, scale=(1, 7))
    >>> res.weight_source, round(res.cr, 4), res.consistent
    ('ahp', 0.0079, True)

    References
    ----------
    Source document 004, Arts. 6-7 (得分=权重*评分值; 各子问题的加权平均值). Saaty, T. L. (1980).
    The Analytic Hierarchy Process. McGraw-Hill. Fornell, C. (1992). A national customer
    satisfaction barometer. Journal of Marketing 56(1), 6-21.
    """
    check_choice("convention", convention, CSI_CONVENTIONS)
    check_choice("aggregate", aggregate, ("items", "respondents"))
    check_choice("lang", lang, _LANGS)
    frame, cb, _ = unwrap(data, codebook)
    given_items = None if items is None else select_items(frame, items, what="items")
    wt = _resolve_weights(
        weights,
        given_items,
        frame,
        ahp_method=ahp_method,
        ri_table=ri_table,
        renormalize=renormalize,
    )
    w = wt.w
    if given_items is None:
        not_in_data = [k for k in w.index if k not in frame.columns]
        if not_in_data:
            raise KeyError(
                f"weight(s) for {not_in_data} but the data have no such column(s); available: "
                f"{list(frame.columns)}."
            )
        cols = list(w.index)
    else:
        cols = given_items
        no_weight = [c for c in cols if c not in w.index]
        extra = [k for k in w.index if k not in cols]
        if no_weight or extra:
            raise KeyError(
                f"items and weights do not match: item(s) without a weight {no_weight}; "
                f"weight(s) for item(s) not analysed {extra}. Give exactly one weight per item."
            )
        w = w.reindex(cols)
    prepared = _prepare_items(frame, cols, cb, scale, reverse)
    lo, hi = prepared.lo, prepared.hi
    if convention in ("raw", "max") and (np.ptp(lo) > 0 or np.ptp(hi) > 0):
        ends = {c: (lo[j], hi[j]) for j, c in enumerate(cols)}
        raise CvlibInputError(
            f"convention={convention!r} needs one common scale, but the items have different "
            f"ends {ends}; use convention='range' (each item rescaled with its own L, U) or "
            f"rescale the items first."
        )
    x = prepared.values.to_numpy()
    valid = ~np.isnan(x)
    n_item = valid.sum(axis=0)
    empty = [cols[j] for j in np.flatnonzero(n_item == 0)]
    if empty:
        raise CvlibInputError(f"item(s) {empty} have no valid answer; no mean exists.")
    wv = w.to_numpy()
    means = np.nanmean(x, axis=0)
    item_index = _transform(means, lo, hi, convention)
    t = _transform(x, lo, hi, convention)
    answered_w = valid @ wv
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(answered_w > 0, np.nansum(t * wv, axis=1) / answered_w, np.nan)
    n_unscored = int(np.isnan(scores).sum())
    if aggregate == "items":
        value = float(item_index @ wv)
    else:
        value = float(np.nanmean(scores))
    if n_unscored:
        warnings.warn(
            f"{n_unscored} respondent(s) answered none of the CSI items; they have no score "
            f"(NaN) and do not count.",
            DataQualityWarning,
            stacklevel=2,
        )
    table = pd.DataFrame(
        {
            "weight": wv,
            "n": n_item,
            "n_missing": len(x) - n_item,
            "mean": means,
            "scale_min": lo,
            "scale_max": hi,
            "item_index": item_index,
            "contribution": wv * item_index,
            "score": wv * means,
        },
        index=pd.Index(cols, name="item"),
    )
    group_map = _groups(groups, cb, cols, wt.groups)
    sub: dict[Hashable, float] = {}
    for name, members in group_map.items():
        idx = [cols.index(m) for m in members]
        gw = wv[idx]
        if gw.sum() <= 0:
            sub[name] = np.nan
            continue
        if aggregate == "items":
            sub[name] = float(item_index[idx] @ gw / gw.sum())
        else:
            aw = valid[:, idx] @ gw
            with np.errstate(invalid="ignore", divide="ignore"):
                s = np.where(aw > 0, np.nansum(t[:, idx] * gw, axis=1) / aw, np.nan)
            sub[name] = float(np.nanmean(s)) if np.isfinite(s).any() else np.nan
    return CSIResult(
        value=value,
        convention=convention,
        formula=CSI_CONVENTIONS[convention][0],
        aggregate=aggregate,
        table=table,
        sub_indices=pd.Series(sub, dtype="float64", name="sub_index"),
        scores=pd.Series(scores, index=frame.index, name="csi"),
        weight_source=wt.source,
        weight_info=wt.info,
        cr=wt.cr,
        consistent=wt.consistent,
        weights_sum=wt.given_sum,
        renormalized=wt.renormalized,
        reversed=prepared.reversed,
        n=int(len(scores) - n_unscored),
        n_unscored=n_unscored,
        lang=lang,
    )


def _groups(groups: Any, cb: Codebook | None, cols: list, default: dict) -> dict:
    if groups is None:
        groups = default
    elif isinstance(groups, str):
        check_choice("groups", groups, ("constructs",))
        if cb is None:
            raise CvlibInputError("groups='constructs' needs a codebook with constructs.")
        groups = {
            k: [i for i in v if i in cols] for k, v in cb.constructs.items() if set(v) & set(cols)
        }
    out = {}
    for name, members in dict(groups).items():
        members = list(members)
        unknown = [m for m in members if m not in cols]
        if unknown:
            raise KeyError(f"group {name!r} lists item(s) {unknown} that are not CSI items.")
        out[name] = members
    return out


# ---------------------------------------------------------------------------------------------
# Delphi


@dataclass(frozen=True, repr=False, eq=False)
class DelphiResult(ResultMixin):
    """Expert weights over Delphi rounds (台尔斐法).

    Attributes
    ----------
    weights : Series
        Final normalised weights (Σ = 1), from ``stop_round`` (the last round if not converged).
    rounds : DataFrame
        Per round (rows) and item: the aggregated expert weights, normalised to Σ = 1.
    iqr : DataFrame
        Per round and item: interquartile range of the (normalised) expert weights
        (``numpy.percentile``, linear interpolation).
    max_change : Series
        Per round: max_j |Δ aggregated weight| against the previous round (NaN for the first).
    n_experts : Series
        Experts per round.
    stop_round, stop_reason, converged
        The first round meeting a stop rule, why, and whether any did.
    aggregate, tol, iqr_tol, normalize_experts
        The conventions used.
    """

    weights: pd.Series = Snapshot()
    rounds: pd.DataFrame = Snapshot()
    iqr: pd.DataFrame = Snapshot()
    max_change: pd.Series = Snapshot()
    n_experts: pd.Series = Snapshot()
    stop_round: Hashable
    stop_reason: str
    converged: bool
    aggregate: str
    tol: float
    iqr_tol: float | None
    normalize_experts: bool

    _conventions = ("aggregate", "tol", "iqr_tol", "stop_round", "converged", "stop_reason")
    _title = "DelphiResult (台尔斐法)"

    def summary(self) -> pd.DataFrame:
        """Per round: the aggregated weights, max |Δ|, largest IQR and the number of experts."""
        out = self._rounds.copy()
        out["max_change"] = self._max_change
        out["max_iqr"] = self._iqr.max(axis=1)
        out["n_experts"] = self._n_experts
        return out


def delphi_weights(
    rounds: Sequence[pd.DataFrame] | Mapping[Hashable, pd.DataFrame],
    *,
    aggregate: str = "mean",
    tol: float = 0.01,
    iqr_tol: float | None = None,
    normalize_experts: bool = True,
) -> DelphiResult:
    """Delphi weights (台尔斐法): aggregate expert weights round by round until they are stable.

    Per round r: each expert's weights are normalised to Σ = 1 (``normalize_experts``, e.g. a
    100-point allocation), aggregated per item (mean or median over experts) and normalised to
    Σ = 1. The process stops at the first round where

    * max_j |w_j(r) − w_j(r − 1)| ≤ ``tol`` (r ≥ 2), or
    * the IQR of every item's expert weights is ≤ ``iqr_tol`` (when given).

    The seed (source document 004, Art. 6) fixes neither rule, so both are parameters. Without a
    stop the result has ``converged=False`` (warning: run another round) and the last round's
    weights.

    Parameters
    ----------
    rounds : list of DataFrame or dict {round: DataFrame}
        One frame per round, in order: rows = experts, columns = items (the same items every
        round; experts may change).
    aggregate : {"mean", "median"}
    tol : float
        Stability threshold on the aggregated weights (default 0.01).
    iqr_tol : float, optional
        Consensus threshold on every item's IQR (off by default).
    normalize_experts : bool
        Divide each expert's weights by their sum first (default True).

    Returns
    -------
    DelphiResult
        ``weights`` (final), ``rounds``, ``iqr``, ``max_change``, ``stop_round``,
        ``stop_reason``, ``converged``.

    Examples
    --------
    >>> import pandas as pd
    >>> r1 = pd.DataFrame({"价格": [50, 30, 40], "服务": [30, 50, 40], "质量": [20, 20, 20]})
    >>> r2 = pd.DataFrame({"价格": [42, 38, 40], "服务": [38, 42, 40], "质量": [20, 20, 20]})
    >>> res = delphi_weights([r1, r2])
    >>> res.weights.round(4).tolist(), res.stop_round, res.converged
    ([0.4, 0.4, 0.2], 2, True)

    References
    ----------
    Source document 004, Art. 6 (台尔斐法). Dalkey, N., & Helmer, O. (1963). An experimental
    application of the Delphi method to the use of experts. Management Science 9(3), 458-467.
    """
    check_choice("aggregate", aggregate, ("mean", "median"))
    for name, v in (("tol", tol), ("iqr_tol", iqr_tol)):
        if v is not None and not (isinstance(v, int | float) and math.isfinite(v) and v >= 0):
            raise CvlibInputError(f"{name} must be a finite number >= 0, got {v!r}.")
    if isinstance(rounds, Mapping):
        named = list(rounds.items())
    elif isinstance(rounds, pd.DataFrame):
        raise TypeError("rounds must be a list (or dict) of DataFrames, one per round.")
    else:
        named = [(k + 1, r) for k, r in enumerate(rounds)]
    if not named:
        raise CvlibInputError("rounds is empty; give at least one round of expert weights.")
    items: list | None = None
    agg_rows, iqr_rows, n_exp = [], [], []
    for name, frame in named:
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"round {name!r} must be a DataFrame (experts x items).")
        if items is None:
            items = list(frame.columns)
        elif set(frame.columns) != set(items):
            raise KeyError(
                f"round {name!r} has items {list(frame.columns)}, the first round {items}; every "
                f"round must weight the same items."
            )
        x = numeric_items(frame, items).to_numpy()
        if x.shape[0] == 0:
            raise CvlibInputError(f"round {name!r} has no expert.")
        if np.isnan(x).any():
            r, c = np.argwhere(np.isnan(x))[0]
            raise CvlibInputError(
                f"round {name!r}: expert {frame.index[r]!r} gave no weight for {items[c]!r}; "
                f"every expert weights every item (use 0 for 'not important')."
            )
        if (x < 0).any():
            r, c = np.argwhere(x < 0)[0]
            raise CvlibInputError(
                f"round {name!r}: expert {frame.index[r]!r} gave a negative weight "
                f"{x[r, c]:g} to {items[c]!r}."
            )
        if normalize_experts:
            s = x.sum(axis=1, keepdims=True)
            if (s <= 0).any():
                r = int(np.argmax(s[:, 0] <= 0))
                raise CvlibInputError(
                    f"round {name!r}: expert {frame.index[r]!r} gave all items weight 0."
                )
            x = x / s
        a = x.mean(axis=0) if aggregate == "mean" else np.median(x, axis=0)
        if a.sum() <= 0:
            raise CvlibInputError(f"round {name!r}: the aggregated weights are all 0.")
        agg_rows.append(a / a.sum())
        q75, q25 = np.percentile(x, [75, 25], axis=0)
        iqr_rows.append(q75 - q25)
        n_exp.append(x.shape[0])
    labels = pd.Index([n for n, _ in named], name="round")
    agg = pd.DataFrame(agg_rows, index=labels, columns=pd.Index(items, name="item"))
    iqr = pd.DataFrame(iqr_rows, index=labels, columns=pd.Index(items, name="item"))
    change = agg.diff().abs().max(axis=1)
    change.iloc[0] = np.nan
    stop = None
    reason = ""
    for k, name in enumerate(labels):
        if k >= 1 and change.iloc[k] <= tol:
            stop, reason = name, f"max |Δw| = {change.iloc[k]:.4g} <= tol = {tol:g}"
            break
        if iqr_tol is not None and (iqr.iloc[k] <= iqr_tol).all():
            stop, reason = name, f"every item's IQR <= iqr_tol = {iqr_tol:g}"
            break
    converged = stop is not None
    if not converged:
        stop = labels[-1]
        reason = (
            f"not converged after {len(labels)} round(s) (last max |Δw| = {change.iloc[-1]:.4g}, "
            f"tol = {tol:g}): feed the results back and run another round"
        )
        warnings.warn(f"Delphi weights: {reason}.", CvlibWarning, stacklevel=2)
    elif stop != labels[-1]:
        warnings.warn(
            f"Delphi weights: the stop rule was met in round {stop!r} ({reason}); the later "
            f"round(s) are shown but the final weights are round {stop!r}'s.",
            CvlibWarning,
            stacklevel=2,
        )
    return DelphiResult(
        weights=agg.loc[stop].rename("weight"),
        rounds=agg,
        iqr=iqr,
        max_change=change.rename("max_change"),
        n_experts=pd.Series(n_exp, index=labels, name="n_experts"),
        stop_round=stop,
        stop_reason=reason,
        converged=converged,
        aggregate=aggregate,
        tol=float(tol),
        iqr_tol=None if iqr_tol is None else float(iqr_tol),
        normalize_experts=normalize_experts,
    )


# ---------------------------------------------------------------------------------------------
# high-value / low-satisfaction flag (§11)

_WB_GROUPS = {  # quadrant of value_matrix (value first) -> label
    "zh": {
        "HH": "高价值高满意",
        "HL": "高价值低满意",
        "LH": "低价值高满意",
        "LL": "低价值低满意",
    },
    "en": {
        "HH": "high value, high satisfaction",
        "HL": "high value, low satisfaction",
        "LH": "low value, high satisfaction",
        "LL": "low value, low satisfaction",
    },
}
_WB_ACTION = {
    "zh": {"HH": "保持", "HL": "优先挽回"},
    "en": {"HH": "keep", "HL": "priority win-back"},
}
_WB_COLOURS = {"HH": "#1b9e77", "HL": "#d95f02", "LH": "#7570b3", "LL": "#999999"}


@dataclass(frozen=True, repr=False, eq=False)
class WinbackResult(ResultMixin):
    """High-value / low-satisfaction customers (高价值低满意客户).

    Attributes
    ----------
    table : DataFrame
        Per customer: ``value``, ``satisfaction``, ``value_level``, ``satisfaction_level``
        (高/低), ``quadrant`` (HH, HL, LH, LL; value first), ``group``, ``action`` (HH keep,
        HL priority win-back) and ``flag`` (True for 高价值低满意; missing when unclassified).
    counts : DataFrame
        Per group and unclassified: count and share of all customers.
    centers : Series
        The split points (``value``, ``satisfaction``).
    n_flagged, n_unclassified : int
    n_ties : Series
        Customers equal to the centre per axis (placed by ``equal_is``).
    center, equal_is, tie_tol, rule, lang
        The conventions; ``rule`` states the tie rule in words.
    """

    table: pd.DataFrame = Snapshot()
    counts: pd.DataFrame = Snapshot()
    centers: pd.Series = Snapshot()
    n_ties: pd.Series = Snapshot()
    n_flagged: int
    n_unclassified: int
    center: Any = Snapshot()
    equal_is: str
    tie_tol: float
    rule: str
    lang: str

    _conventions = ("center", "equal_is", "n_flagged", "n_unclassified")
    _title = "WinbackResult (高价值低满意客户)"

    def summary(self) -> pd.DataFrame:
        """Counts and shares per group."""
        return self.counts

    @property
    def flagged(self) -> pd.Index:
        """The customers flagged for priority win-back (高价值低满意)."""
        t = self._table
        return t.index[t["flag"].fillna(False).to_numpy(dtype=bool)]


def _as_series(x: Any, name: str) -> pd.Series:
    s = getattr(x, "scores", x)  # ScoreResult, CSIResult
    if isinstance(s, pd.DataFrame) and s.shape[1] == 1:
        s = s.iloc[:, 0]
    if not isinstance(s, pd.Series):
        raise TypeError(
            f"{name} must be a pandas Series indexed by customer id (or a cvlib ScoreResult / "
            f"CSIResult with .scores), got {type(x).__name__}."
        )
    if s.index.has_duplicates:
        dup = list(s.index[s.index.duplicated()][:10])
        raise CvlibInputError(f"{name} has duplicated customer ids {dup}.")
    return s


def winback_flag(
    value: Any,
    satisfaction: Any,
    *,
    center: str | float | tuple[float, float] = "mean",
    equal_is: str = "low",
    tie_tol: float = 1e-9,
    lang: str = "zh",
) -> WinbackResult:
    """Flag high-value, low-satisfaction customers for win-back (高价值低满意客户, 挽回).

    Each axis is split with the mean split of ``value_and_credit.md`` §1.4
    (:func:`cvlib.segment.value_matrix`): 高 if x > center, 低 if x < center; a value within
    tie_tol · max(1, SD) of the centre goes by ``equal_is``.

    ======= ============ ===================== ==================
    value   satisfaction group                 action
    ======= ============ ===================== ==================
    高      高            高价值高满意           keep (保持)
    高      低            **高价值低满意**       priority win-back
    低      高            低价值高满意
    低      低            低价值低满意
    ======= ============ ===================== ==================

    Parameters
    ----------
    value : Series or ScoreResult
        Customer value per customer (e.g. :func:`cvlib.scoring.score_customers` scores or RFM
        monetary), indexed by customer id.
    satisfaction : Series or CSIResult
        Satisfaction per customer (e.g. :attr:`CSIResult.scores`). Customers in only one input,
        or with a missing value, are unclassified and counted.
    center : {"mean", "median"}, float or (float, float)
        The split points (one for both axes or (value, satisfaction)); default the means.
    equal_is : {"low", "high", "raise"}
        A value equal to the centre: low (default; high only if strictly greater, "大于均值则
        评价为高"), high, or raise naming the customers.
    tie_tol : float
        Relative tolerance of "equal" (default 1e-9).
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    WinbackResult
        ``table`` per customer with ``group`` and ``flag``, ``counts`` with shares,
        ``centers``, ``n_flagged``, ``n_unclassified``; ``flagged`` lists the customers.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.Series([10.0, 20.0, 30.0, 40.0], index=[1, 2, 3, 4])
    >>> s = pd.Series([4.0, 1.0, 3.0, 2.0], index=[1, 2, 3, 4])
    >>> res = winback_flag(v, s)
    >>> list(res.flagged), res.table["group"].tolist()
    ([4], ['低价值高满意', '低价值低满意', '高价值高满意', '高价值低满意'])

    References
    ----------
    Source document 004, Art. 7 ("重点识别出客户价值较高而满意度较低的客户群"); Art. 11 (mean
    split); ``methods/value_and_credit.md`` §1.4.
    """
    from cvlib.segment import value_matrix

    check_choice("lang", lang, _LANGS)
    check_choice("equal_is", equal_is, ("low", "high", "raise"))
    v = _as_series(value, "value")
    s = _as_series(satisfaction, "satisfaction")
    index = v.index.append(s.index[~s.index.isin(v.index)])
    frame = pd.DataFrame({"value": v.reindex(index), "satisfaction": s.reindex(index)}, index=index)
    vm = value_matrix(
        frame,
        axes=("value", "satisfaction"),
        center=center,
        equal_is=equal_is,
        tie_tol=tie_tol,
        lang=lang,
    )
    t = vm.table
    quadrant = t["quadrant"]
    names = _WB_GROUPS[lang]
    group = pd.Categorical(quadrant.map(names), categories=[names[q] for q in names])
    flag = pd.array(np.where(quadrant.isna(), pd.NA, quadrant == "HL"), dtype="boolean")
    table = pd.DataFrame(
        {
            "value": t["current"],
            "satisfaction": t["potential"],
            "value_level": t["current_level"],
            "satisfaction_level": t["potential_level"],
            "quadrant": quadrant,
            "group": group,
            "action": quadrant.map(_WB_ACTION[lang]).astype("object"),
            "flag": flag,
        },
        index=index,
    )
    counts = vm.counts.rename(index={"unclassified": "unclassified"})
    unclassified = "未分类" if lang == "zh" else "unclassified"
    counts["group"] = [names.get(q, unclassified) for q in counts.index]
    counts = counts[["group", "count", "share"]]
    n_unclassified = vm.n_unclassified
    if n_unclassified:
        warnings.warn(
            f"{n_unclassified} customer(s) have no value or no satisfaction score and are "
            f"unclassified.",
            DataQualityWarning,
            stacklevel=2,
        )
    rule = (
        "high only if strictly greater than the centre (equal_is='low')"
        if equal_is == "low"
        else "equal to the centre counts as high (equal_is='high')"
        if equal_is == "high"
        else "no customer equal to the centre (equal_is='raise')"
    )
    centers = vm.centers
    centers.index = ["value", "satisfaction"]
    n_ties = vm.n_ties
    n_ties.index = ["value", "satisfaction"]
    return WinbackResult(
        table=table,
        counts=counts,
        centers=centers,
        n_ties=n_ties,
        n_flagged=int(table["flag"].sum()),
        n_unclassified=n_unclassified,
        center=center,
        equal_is=equal_is,
        tie_tol=float(tie_tol),
        rule=rule,
        lang=lang,
    )


def plot_winback(
    result: WinbackResult,
    *,
    lang: str | None = None,
    value_label: str | None = None,
    satisfaction_label: str | None = None,
    ax: Any = None,
) -> Any:
    """Scatter of value × satisfaction with the split lines; flagged customers stand out.

    Parameters
    ----------
    result : WinbackResult
    lang : {"zh", "en"}, optional
        Label language (default the result's).
    value_label, satisfaction_label : str, optional
        Axis titles (defaults 客户价值 / 满意度).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> res = winback_flag(pd.Series([10.0, 20, 30, 40]), pd.Series([4.0, 1, 3, 2]), lang="en")
    >>> plot_winback(res).get_xlabel()
    'customer value'
    """
    import matplotlib.pyplot as plt

    from cvlib.satisfaction._drivers import _zh_fonts

    lang = lang or result.lang
    check_choice("lang", lang, _LANGS)
    _zh_fonts(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 5.0))
    t = result._table
    names = _WB_GROUPS[lang]
    for q, colour in _WB_COLOURS.items():
        part = t[t["quadrant"] == q]
        if len(part):
            ax.scatter(
                part["value"],
                part["satisfaction"],
                s=40 if q == "HL" else 18,
                color=colour,
                label=f"{names[q]} ({len(part)})",
                edgecolor="black" if q == "HL" else "none",
                alpha=0.85,
            )
    c = result._centers
    ax.axvline(c["value"], color="0.4", linestyle="--", linewidth=1)
    ax.axhline(c["satisfaction"], color="0.4", linestyle="--", linewidth=1)
    ax.set_xlabel(value_label or ("客户价值" if lang == "zh" else "customer value"))
    ax.set_ylabel(satisfaction_label or ("满意度" if lang == "zh" else "satisfaction"))
    ax.set_title(
        "高价值低满意客户（优先挽回）"
        if lang == "zh"
        else "High value, low satisfaction (win-back)"
    )
    ax.legend(fontsize="small")
    return ax

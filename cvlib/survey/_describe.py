"""Item scoring and description (``methods/survey.md`` §3–§6, §11).

* Reverse scoring (反向计分) and scale scores: :func:`reverse_items`, :func:`score_scale`,
  :func:`score_constructs`.
* SPSS-style descriptives (描述统计): :func:`describe_items`.
* SPSS FREQUENCIES tables (频数表): :func:`frequencies`.
* Top-/bottom-box shares (满意率) with Wilson intervals: :func:`top_box`, :func:`wilson_ci`.
* Net Promoter Score (净推荐值): :func:`nps`, :func:`nps_difference`; the 4-level recommend item
  (``recommend4_zh``) is not NPS and has :func:`recommend_shares`.
* A summary of a 10-point rating distribution (mean, share at the top, share below a threshold):
  :func:`rating_summary`.

Every function takes a DataFrame (one row per respondent) or a :func:`read_survey` result, reads
theoretical scale ends from the codebook (never from the data), treats declared missing codes as
missing with their reason, and reports the n used and the n excluded.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import DataQualityWarning
from cvlib.survey._codebook import Codebook, ItemSpec
from cvlib.survey._common import missing_cells, numeric_items, select_items, unwrap

__all__ = [
    "reverse_items",
    "score_scale",
    "score_constructs",
    "ScaleScoreResult",
    "ConstructScoresResult",
    "describe_items",
    "DescribeResult",
    "frequencies",
    "FrequencyResult",
    "wilson_ci",
    "top_box",
    "BoxResult",
    "nps",
    "NPSResult",
    "nps_difference",
    "NPSDifferenceResult",
    "recommend_shares",
    "RecommendSharesResult",
    "rating_summary",
    "RatingSummaryResult",
]

_SCALED_TYPES = ("likert", "ordinal", "nps", "binary")
_NOT_DESCRIBED = ("text", "nominal", "rank")
_SYSTEM = "System missing"
_SYSTEM_ALIASES = {"", "system missing", "system-missing", "sysmis", "system", "系统缺失"}
_MAX_LISTED = 20

_TYPE_NAMES = {
    1: ("g1", "g2", "type 1: g1 = m3/m2^1.5, g2 = m4/m2^2 - 3 (scipy bias=True)"),
    2: ("G1", "G2", "type 2: G1, G2 (SPSS, SAS, pandas .skew()/.kurt(), scipy bias=False)"),
    3: ("b1", "b2", "type 3: b1, b2 (R psych describe default)"),
}


# --------------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------------


def _meta(frame: pd.DataFrame) -> dict[str, Any]:
    """A private copy of ``frame.attrs["cvlib"]`` (the reverse-scoring record)."""
    meta = frame.attrs.get("cvlib", {})
    return copy.deepcopy(dict(meta)) if isinstance(meta, Mapping) else {}


def _reversed_state(frame: pd.DataFrame) -> tuple[set[Any], dict[Any, Any]]:
    meta = _meta(frame)
    return set(meta.get("reversed", [])), dict(meta.get("reversed_from", {}))


def _spec(item: Any, codebook: Codebook | None, frame: pd.DataFrame) -> ItemSpec | None:
    """The codebook spec of ``item``; a column written by ``reverse_items(suffix=...)`` uses the
    spec of the item it came from."""
    if codebook is None:
        return None
    spec = codebook.get(item)
    if spec is None:
        source = _reversed_state(frame)[1].get(item)
        if source is not None:
            spec = codebook.get(source)
    return spec


def _check_ci(ci: float) -> float:
    if isinstance(ci, bool) or not isinstance(ci, int | float) or not 0 < float(ci) < 1:
        raise CvlibInputError(f"ci={ci!r} must be a confidence level between 0 and 1, e.g. 0.95")
    return float(ci)


def _z(ci: float) -> float:
    return float(stats.norm.ppf(1 - (1 - ci) / 2))


def _fmt_code(value: Any) -> Any:
    if (
        isinstance(value, float | np.floating)
        and math.isfinite(value)
        and float(value).is_integer()
    ):
        return int(value)
    return value


def _list_cells(values: pd.Series, mask: pd.Series) -> str:
    bad = values[mask]
    shown = ", ".join(f"(row {r!r}, {_fmt_code(v)!r})" for r, v in bad.iloc[:_MAX_LISTED].items())
    more = f" and {len(bad) - _MAX_LISTED} more" if len(bad) > _MAX_LISTED else ""
    return shown + more


def _is_system(reason: pd.Series) -> pd.Series:
    """True where a missing reason means SPSS system missing (no reason, or a system alias)."""
    text = reason.astype(object).where(reason.notna(), "").astype(str).str.strip().str.lower()
    return reason.isna() | text.isin(_SYSTEM_ALIASES)


def _system_label(lang: str) -> str:
    return "系统缺失" if lang == "zh" else _SYSTEM


@dataclass
class _Item:
    values: pd.Series  # float64 (or the raw values when numeric=False), NaN where missing
    reason: pd.Series  # object: reason where missing (system missing as _SYSTEM), None elsewhere
    spec: ItemSpec | None
    declared: pd.Series  # bool: a declared missing code is present in the data (kept as a code)


def _prepare(
    frame: pd.DataFrame,
    reasons: pd.DataFrame | None,
    codebook: Codebook | None,
    item: Any,
    *,
    numeric: bool = True,
    check_codes: bool = True,
) -> _Item:
    """Values of one item with declared missing codes set to missing, and the reason per cell.

    With a codebook, the values of a likert/ordinal/nps/binary item must be integer codes inside
    the theoretical scale (or declared missing codes); anything else raises, listing the cells.
    """
    raw = frame[item]
    spec = _spec(item, codebook, frame)
    index = frame.index
    values, reason = missing_cells(frame, item, spec, reasons)
    declared = values.isna() & raw.notna()
    missing = values.isna()
    system = missing & _is_system(reason)
    reason = reason.mask(system, _SYSTEM).where(missing, None)
    if numeric:
        values = numeric_items(pd.DataFrame({item: values}, index=index), [item])[item]
    if check_codes and spec is not None and spec.type in _SCALED_TYPES and numeric:
        lo, hi = spec.scale_min, spec.scale_max
        if lo is not None and hi is not None:
            v = values.to_numpy()
            ok = np.isnan(v) | ((v >= lo) & (v <= hi) & (np.floor(v) == v))
            if not ok.all():
                bad = pd.Series(~ok, index=index)
                declared_txt = _declared_text(spec)
                raise CvlibInputError(
                    f"item {item!r} must hold integer codes {lo:g}..{hi:g} (codebook scale) or "
                    f"declared missing codes{declared_txt}; found {int(bad.sum())} other "
                    f"value(s): {_list_cells(values, bad)}. Fix the data, declare the codes in "
                    f"missing_codes, or correct scale_min/scale_max."
                )
    return _Item(values=values, reason=reason, spec=spec, declared=declared)


def _declared_text(spec: ItemSpec) -> str:
    parts = [repr(c) for c in spec.missing_codes]
    parts += [f"{lo:g}..{hi:g}" for lo, hi, _ in spec.missing_ranges]
    return f" (declared missing codes: {', '.join(parts)})" if parts else ""


def _weights(frame: pd.DataFrame, weights: Any) -> np.ndarray | None:
    """Frequency weights as float64 (finite, >= 0, none missing), aligned to ``frame``."""
    if weights is None:
        return None
    if isinstance(weights, str):
        if weights not in frame.columns:
            raise KeyError(
                f"weights column {weights!r} not found; available columns: "
                f"{', '.join(map(repr, frame.columns))}."
            )
        w = frame[weights]
    elif isinstance(weights, pd.Series):
        if not weights.index.equals(frame.index):
            raise CvlibInputError(
                "weights Series must have the same index as the data (same rows, same order); "
                "align it first, e.g. weights.reindex(data.index)."
            )
        w = weights
    else:
        arr = np.asarray(weights)
        if arr.ndim != 1 or len(arr) != len(frame):
            raise CvlibInputError(
                f"weights must be one value per row: got shape {arr.shape} for {len(frame)} rows"
            )
        w = pd.Series(arr, index=frame.index)
    if not (pd.api.types.is_numeric_dtype(w) and not pd.api.types.is_bool_dtype(w)):
        raise TypeError(f"weights must be numeric (dtype {w.dtype}); convert them to numbers")
    w = w.astype("float64")
    v = w.to_numpy()
    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        raise CvlibInputError(
            f"frequency weights must be finite and >= 0 (SPSS excludes such cases; cvlib lets you "
            f"decide): {int(bad.sum())} bad weight(s): {_list_cells(w, pd.Series(bad, w.index))}. "
            f"Drop those rows or fix their weights."
        )
    return v


# --------------------------------------------------------------------------------------------
# §3 reverse scoring and scale scores
# --------------------------------------------------------------------------------------------


def _scale_arg(scale: Any) -> tuple[float, float] | None:
    if scale is None:
        return None
    try:
        lo, hi = (float(scale[0]), float(scale[1]))
        if len(scale) != 2:
            raise ValueError
    except (TypeError, ValueError, IndexError):
        raise CvlibInputError(
            f"scale={scale!r} must be the theoretical ends (scale_min, scale_max), e.g. (1, 6)"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise CvlibInputError(f"scale={scale!r}: need finite ends with scale_min < scale_max")
    return lo, hi


def reverse_items(
    data: Any,
    codebook: Any = None,
    items: Sequence[Any] | str | None = None,
    *,
    scale: tuple[float, float] | None = None,
    force: bool = False,
    suffix: str | None = None,
) -> pd.DataFrame:
    """Reverse score items (反向计分): x_rev = (scale_min + scale_max) − x.

    The ends are the codebook's **theoretical** ends, never the observed minimum and maximum:
    bfi (1–6) gives 7 − x, ``sat7_zh`` 8 − x, a 1–10 item 11 − x, a 0–10 item 10 − x.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent. Never modified.
    codebook : Codebook or dict, optional
        Gives each item's ``scale_min``/``scale_max`` and declared missing codes; the default
        ``items`` are its reverse-keyed items (``codebook.reverse_keyed``).
    items : list of str, optional
        Items to reverse. Required without a codebook.
    scale : (float, float), optional
        Explicit theoretical ends for every item in ``items`` (instead of, or agreeing with, the
        codebook).
    force : bool, default False
        Reverse an item already recorded as reversed (which restores its original scoring), or
        overwrite an existing ``suffix`` column.
    suffix : str, optional
        Write ``item + suffix`` (e.g. ``"_r"``) next to each item instead of replacing it.

    Returns
    -------
    DataFrame
        A new frame (float64 reversed columns). ``attrs["cvlib"]`` records ``reversed`` (columns
        now holding reversed scores), ``reverse_scale`` (column -> ends used), ``reversed_from``
        (suffix column -> source item) and ``reverse_report`` (column -> n reversed, n missing).
        Missing values stay missing; declared missing codes still present in the data are kept
        as they are (not reversed). A second call on the same items raises unless ``force=True``.
        With a read_survey result the frame is returned; keep the result's codebook and missing
        reasons alongside it.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 6, None], "q2": [3, 3, 4, 5]})
    >>> cb = {"q1": {"scale": "bfi6", "reverse": True}, "q2": {"scale": "bfi6"}}
    >>> out = reverse_items(df, cb)
    >>> out["q1"].tolist()
    [6.0, 5.0, 1.0, nan]
    >>> out.attrs["cvlib"]["reversed"]
    ['q1']

    References
    ----------
    Revelle, W. psych: ``reverse.code`` and ``scoreItems`` (keys with −1). SPSS ``RECODE``
    (x = min + max − x).
    """
    frame, cb, reasons = unwrap(data, codebook)
    if suffix is not None and (not isinstance(suffix, str) or not suffix):
        raise CvlibInputError(f"suffix={suffix!r} must be a non-empty string such as '_r'")
    explicit = _scale_arg(scale)
    if items is None:
        if cb is None:
            raise CvlibInputError(
                "reverse_items needs items=[...] (with scale=(lo, hi)) or a codebook with "
                "reverse=True items"
            )
        items = cb.reverse_keyed
        if not items:
            raise CvlibInputError(
                "the codebook marks no item as reverse keyed (reverse=True); pass items=[...] "
                "to choose the items to reverse"
            )
    cols = select_items(frame, items, what="items to reverse")
    meta = _meta(frame)
    done = list(meta.get("reversed", []))
    scales = dict(meta.get("reverse_scale", {}))
    sources = dict(meta.get("reversed_from", {}))
    report = dict(meta.get("reverse_report", {}))
    out = frame.copy()
    for item in cols:
        spec = _spec(item, cb, frame)
        spec_ends = (
            None
            if spec is None or spec.scale_min is None or spec.scale_max is None
            else (spec.scale_min, spec.scale_max)
        )
        if explicit is not None:
            if spec_ends is not None and spec_ends != explicit:
                raise CvlibInputError(
                    f"item {item!r}: scale={explicit} disagrees with the codebook scale "
                    f"{spec_ends}; drop one of them"
                )
            lo, hi = explicit
        elif spec_ends is not None:
            lo, hi = spec_ends
        else:
            raise CvlibInputError(
                f"item {item!r} has no theoretical scale ends in the codebook, so it cannot be "
                f"reversed (cvlib never uses the observed min/max); add them, e.g. "
                f"codebook={{{item!r}: {{'scale': 'bfi6', 'reverse': True}}}} or "
                f"{{'type': 'likert', 'scale_min': 1, 'scale_max': 7}}, or pass scale=(1, 7)."
            )
        target = item if suffix is None else f"{item}{suffix}"
        if not force:
            if suffix is None and item in done:
                raise CvlibInputError(
                    f"item {item!r} is already reverse scored (attrs['cvlib']['reversed']); "
                    f"reversing it again would restore the original scores. Pass force=True "
                    f"if that is what you want."
                )
            if suffix is not None and target in frame.columns:
                raise CvlibInputError(
                    f"column {target!r} already exists; pass force=True to overwrite it or "
                    f"choose another suffix"
                )
            if suffix is not None and item in done:
                raise CvlibInputError(
                    f"item {item!r} already holds reversed scores, so {target!r} would hold the "
                    f"original ones; pass force=True if that is what you want"
                )
        prepared = _prepare(frame, reasons, cb, item, check_codes=False)
        v = prepared.values
        outside = v.notna() & ((v < lo) | (v > hi))
        if outside.any():
            raise CvlibInputError(
                f"item {item!r} has {int(outside.sum())} value(s) outside its scale "
                f"[{lo:g}, {hi:g}]: {_list_cells(v, outside)}; fix them or declare them as "
                f"missing codes (a reversed value would fall outside the scale)."
            )
        new = (lo + hi) - v
        if prepared.declared.any():  # declared missing codes stay what they were
            new = new.mask(prepared.declared, frame[item].astype("float64"))
        if suffix is None:
            out[item] = new
            now_reversed = item not in done
        else:
            if target in out.columns:
                out[target] = new
            else:
                out.insert(out.columns.get_loc(item) + 1, target, new)
            now_reversed = item not in done
            sources[target] = item
        if now_reversed and target not in done:
            done.append(target)
        elif not now_reversed and target in done:
            done.remove(target)
        scales[target] = (lo, hi)
        report[target] = {"n_reversed": int(v.notna().sum()), "n_missing": int(v.isna().sum())}
    order = {c: i for i, c in enumerate(out.columns)}
    meta["reversed"] = sorted((c for c in done if c in order), key=order.__getitem__)
    meta["reverse_scale"] = scales
    meta["reversed_from"] = sources
    meta["reverse_report"] = report
    out.attrs["cvlib"] = meta
    return out


@dataclass(frozen=True, repr=False, eq=False)
class ScaleScoreResult(ResultMixin):
    """A scale score per respondent (量表得分).

    Attributes
    ----------
    scores : Series
        One score per row (NaN where fewer than ``min_valid`` items are valid).
    n_valid_items : Series
        Number of valid items per row.
    items : list
        The items scored. ``method`` ("mean" or "sum"), ``min_valid`` (the rule used), ``k``.
    n, n_scored, n_partial, n_excluded : int
        Rows; rows with a score; of which scored from fewer than k items; rows without a score.
    """

    scores: pd.Series = Snapshot()
    n_valid_items: pd.Series = Snapshot()
    items: list = Snapshot()
    name: Any = None
    method: str = "mean"
    min_valid: int = 0
    k: int = 0
    n: int = 0
    n_scored: int = 0
    n_partial: int = 0
    n_excluded: int = 0

    _conventions = ("method", "min_valid", "k", "n_scored", "n_excluded")
    _title = "ScaleScoreResult (量表得分)"

    def summary(self) -> pd.DataFrame:
        s = self._scores
        return pd.DataFrame(
            {
                "k": [self.k],
                "method": [self.method],
                "min_valid": [self.min_valid],
                "n": [self.n],
                "n_scored": [self.n_scored],
                "n_partial": [self.n_partial],
                "n_excluded": [self.n_excluded],
                "mean": [s.mean()],
                "sd": [s.std(ddof=1)],
            },
            index=pd.Index([self.name], name="scale"),
        )


def score_scale(
    data: Any,
    items: Sequence[Any],
    *,
    method: str = "mean",
    min_valid: int | None = None,
    codebook: Any = None,
    name: Any = None,
) -> ScaleScoreResult:
    """Scale score per respondent: the mean (default, psych ``scoreItems``) or sum of items.

    NaN rule: with ``min_valid=None`` a row needs **all** k items; with ``min_valid=m`` a row with
    at least m valid items gets the mean of its valid items, and NaN otherwise.
    ``method="sum"`` returns k × that mean (the prorated sum, equal to the plain sum when all k
    items are valid; psych ``scoreItems(totals=TRUE)`` with missing values behaves the same way).

    Reverse-keyed items must be reversed first (:func:`reverse_items`); a ``DataQualityWarning``
    says so when the codebook marks an item as reverse keyed and the data do not record it as
    reversed.

    Parameters
    ----------
    data : DataFrame or read_survey result
    items : list of str
        The items of the scale (at least one).
    method : {"mean", "sum"}
    min_valid : int, optional
        Minimum number of valid items for a score (1..k); ``None`` means k.
    codebook : Codebook or dict, optional
        Declared missing codes and reverse keys.
    name : str, optional
        Name of the score Series.

    Returns
    -------
    ScaleScoreResult
        ``scores``, ``n_scored``, ``n_partial``, ``n_excluded``, ``method``, ``min_valid``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, None], "b": [3, 4, 5], "c": [5, None, None]})
    >>> score_scale(df, ["a", "b", "c"]).scores.tolist()
    [3.0, nan, nan]
    >>> res = score_scale(df, ["a", "b", "c"], min_valid=2)
    >>> res.scores.tolist(), res.n_excluded
    ([3.0, 3.0, nan], 1)

    References
    ----------
    Revelle, W. psych ``scoreItems`` (``impute="none"``). SPSS ``MEAN.m(...)``.
    """
    frame, cb, reasons = unwrap(data, codebook)
    check_choice("method", method, ("mean", "sum"))
    if items is None:
        raise CvlibInputError("score_scale needs items=[...], the items of one scale")
    cols = select_items(frame, items, what="scale items")
    k = len(cols)
    if min_valid is None:
        m = k
    elif isinstance(min_valid, bool) or not isinstance(min_valid, int | np.integer):
        raise CvlibInputError(f"min_valid={min_valid!r} must be an integer between 1 and {k}")
    else:
        m = int(min_valid)
        if not 1 <= m <= k:
            raise CvlibInputError(f"min_valid={min_valid} must lie between 1 and k={k}")
    if cb is not None:
        done, sources = _reversed_state(frame)
        pending = [
            c
            for c in cols
            if (spec := _spec(c, cb, frame)) is not None
            and spec.reverse
            and c not in done
            and sources.get(c) is None
        ]
        if pending:
            warnings.warn(
                f"items {pending} are reverse keyed in the codebook but the data do not record "
                f"them as reversed; call reverse_items first (可能需要反向计分)",
                DataQualityWarning,
                stacklevel=2,
            )
    values = pd.DataFrame(
        {c: _prepare(frame, reasons, cb, c).values for c in cols}, index=frame.index
    )
    arr = values.to_numpy(dtype="float64")
    valid = ~np.isnan(arr)
    count = valid.sum(axis=1)
    total = np.where(valid, arr, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    score = np.where(count >= m, mean, np.nan)
    if method == "sum":
        score = score * k
    scored = ~np.isnan(score)
    return ScaleScoreResult(
        scores=pd.Series(score, index=frame.index, name=name),
        n_valid_items=pd.Series(count, index=frame.index, name="n_valid_items"),
        items=list(cols),
        name=name,
        method=method,
        min_valid=m,
        k=k,
        n=len(frame),
        n_scored=int(scored.sum()),
        n_partial=int((scored & (count < k)).sum()),
        n_excluded=int((~scored).sum()),
    )


@dataclass(frozen=True, repr=False, eq=False)
class ConstructScoresResult(ResultMixin):
    """Scale scores of every codebook construct (维度得分).

    Attributes
    ----------
    scores : DataFrame
        One column per construct, one row per respondent.
    table : DataFrame
        Per construct: items, reversed items, k, n_scored, n_partial, n_excluded, mean, sd.
    method, min_valid : the scoring rule (``min_valid=None`` means all items required).
    """

    scores: pd.DataFrame = Snapshot()
    table: pd.DataFrame = Snapshot()
    method: str = "mean"
    min_valid: int | None = None

    _conventions = ("method", "min_valid")
    _title = "ConstructScoresResult (维度得分)"

    def summary(self) -> pd.DataFrame:
        return self._table.copy()


def score_constructs(
    data: Any,
    codebook: Any = None,
    *,
    method: str = "mean",
    min_valid: int | None = None,
    reverse: bool = True,
) -> ConstructScoresResult:
    """Score every construct of the codebook with :func:`score_scale`.

    With ``reverse=True`` the codebook's reverse-keyed items that the data do not yet record as
    reversed (``attrs["cvlib"]["reversed"]``) are reversed first (:func:`reverse_items`).

    Parameters
    ----------
    data : DataFrame or read_survey result
    codebook : Codebook or dict
        Must give ``construct`` for the items to score.
    method, min_valid : as in :func:`score_scale` (``min_valid`` applies to every construct and
        is capped at each construct's k).
    reverse : bool, default True

    Returns
    -------
    ConstructScoresResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a1": [1, 6], "a2": [6, 1], "b1": [2, 3]})
    >>> cb = {"a1": {"scale": "bfi6", "construct": "A"},
    ...       "a2": {"scale": "bfi6", "construct": "A", "reverse": True},
    ...       "b1": {"scale": "bfi6", "construct": "B"}}
    >>> score_constructs(df, cb).scores
         A    B
    0  1.0  2.0
    1  6.0  3.0
    """
    frame, cb, reasons = unwrap(data, codebook)
    if cb is None or not cb.constructs:
        raise CvlibInputError(
            "score_constructs needs a codebook whose items name their construct (维度); "
            "use score_scale(data, items) for a single scale"
        )
    present = {c: its for c, its in cb.constructs.items()}
    done, _ = _reversed_state(frame)
    work = frame
    if reverse:
        todo = [
            i
            for its in present.values()
            for i in its
            if cb[i].reverse and i not in done and i in frame.columns
        ]
        if todo:
            work = reverse_items(frame, cb, todo)
    rows = []
    scores = {}
    rev_now, _ = _reversed_state(work)
    for construct, its in present.items():
        m = None if min_valid is None else min(int(min_valid), len(its))
        res = score_scale(
            _Carrier(work, cb, reasons), its, method=method, min_valid=m, name=construct
        )
        scores[construct] = res.scores
        row = res.summary().iloc[0].to_dict()
        row["items"] = ", ".join(map(str, its))
        row["reversed"] = ", ".join(str(i) for i in its if i in rev_now)
        rows.append({"construct": construct, **row})
    table = pd.DataFrame(rows).set_index("construct")
    table = table[
        ["items", "reversed", *[c for c in table.columns if c not in ("items", "reversed")]]
    ]
    return ConstructScoresResult(
        scores=pd.DataFrame(scores, index=frame.index),
        table=table,
        method=method,
        min_valid=min_valid,
    )


class _Carrier:
    """A minimal read-result look-alike (data, codebook, missing reasons) for internal calls."""

    def __init__(self, data: pd.DataFrame, codebook: Any, missing_reasons: Any) -> None:
        self.data = data
        self.codebook = codebook
        self.missing_reasons = missing_reasons


# --------------------------------------------------------------------------------------------
# §4 descriptives
# --------------------------------------------------------------------------------------------


def _weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """Median of the distribution that puts weight w_i on x_i: the mean of the first value whose
    cumulative weight reaches W/2 and the first whose cumulative weight exceeds W/2 (equal to the
    ordinary median when the data are repeated w_i times)."""
    order = np.argsort(x, kind="stable")
    xs, cw = x[order], np.cumsum(w[order])
    half = cw[-1] / 2
    lo = int(np.searchsorted(cw, half, side="left"))
    hi = int(np.searchsorted(cw, half, side="right"))
    hi = min(hi, len(xs) - 1)
    return float((xs[lo] + xs[hi]) / 2)


def _moments(x: np.ndarray, w: np.ndarray | None, kind: int) -> dict[str, float]:
    n = float(len(x)) if w is None else float(w.sum())
    out = dict.fromkeys(
        ("mean", "sd", "se", "median", "mode", "min", "max", "skewness", "ses", "kurtosis", "sek"),
        np.nan,
    )
    out["mode_multiple"] = False
    if len(x) == 0 or n <= 0:
        return out
    ww = np.ones_like(x) if w is None else w
    mean = float((ww * x).sum() / n)
    d = x - mean
    m2 = float((ww * d**2).sum() / n)
    m3 = float((ww * d**3).sum() / n)
    m4 = float((ww * d**4).sum() / n)
    out["mean"] = mean
    if n > 1:
        sd = math.sqrt(m2 * n / (n - 1))
        out["sd"] = sd
        out["se"] = sd / math.sqrt(n)
    out["median"] = float(np.median(x)) if w is None else _weighted_median(x, ww)
    uniq, inv = np.unique(x, return_inverse=True)
    counts = np.bincount(inv, weights=ww)
    top = counts.max()
    is_top = np.isclose(counts, top, rtol=1e-12, atol=0.0)
    out["mode"] = float(uniq[np.argmax(is_top)])
    out["mode_multiple"] = bool(is_top.sum() > 1)
    out["min"], out["max"] = float(x.min()), float(x.max())
    if n >= 3:
        out["ses"] = math.sqrt(6 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))
    if n >= 4:
        out["sek"] = 2 * out["ses"] * math.sqrt((n * n - 1) / ((n - 3) * (n + 5)))
    if m2 > 0:
        g1 = m3 / m2**1.5
        g2 = m4 / m2**2 - 3
        if n >= 3:
            if kind == 1:
                out["skewness"] = g1
            elif kind == 2:
                out["skewness"] = g1 * math.sqrt(n * (n - 1)) / (n - 2)
            else:
                out["skewness"] = g1 * ((n - 1) / n) ** 1.5
        if n >= 4:
            if kind == 1:
                out["kurtosis"] = g2
            elif kind == 2:
                out["kurtosis"] = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
            else:
                out["kurtosis"] = (g2 + 3) * (1 - 1 / n) ** 2 - 3
    return out


@dataclass(frozen=True, repr=False, eq=False)
class DescribeResult(ResultMixin):
    """SPSS-style item descriptives (描述统计).

    Attributes
    ----------
    table : DataFrame
        One row per item: ``n`` (valid), ``missing`` (total), ``mean``, ``sd`` (n − 1), ``se``,
        ``median``, ``mode`` (smallest if several), ``mode_multiple`` (SPSS's "multiple modes
        exist" footnote), ``min``, ``max``, ``skewness``, ``ses``, ``kurtosis`` (excess),
        ``sek``; with weights also ``weight_sum`` (W of the valid rows) and ``n_zero_weight``.
    missing_by_reason : DataFrame
        Items × missing reasons (declared reasons, then "System missing"); counts of rows.
    type : int
        Skewness/kurtosis estimator (1, 2 or 3, survey.md §4); ``type_name`` says which.
    weighted : bool
        Frequency weights used (statistics then use W = Σw in place of n; variance divisor W − 1).
    n_rows : int
        Rows in the data.
    lang : str
        Language of the system-missing label.
    """

    table: pd.DataFrame = Snapshot()
    missing_by_reason: pd.DataFrame = Snapshot()
    type: int = 2
    type_name: str = ""
    weighted: bool = False
    n_rows: int = 0
    lang: str = "en"

    _conventions = ("type", "type_name", "weighted", "n_rows")
    _title = "DescribeResult (描述统计)"

    def summary(self) -> pd.DataFrame:
        return self._table.copy()


def describe_items(
    data: Any,
    items: Sequence[Any] | str | None = None,
    *,
    codebook: Any = None,
    type: int = 2,
    weights: Any = None,
    lang: str = "en",
) -> DescribeResult:
    """SPSS-style descriptives per item (survey.md §4).

    n valid; n missing (total and per reason); mean; SD with divisor n − 1; SE = SD/√n; median;
    mode (the smallest if several, flagged); min; max; skewness and excess kurtosis with SPSS
    standard errors SES = √(6n(n−1) / ((n−2)(n+1)(n+3))) and
    SEK = 2·SES·√((n²−1) / ((n−3)(n+5))).

    With m_r = Σ(x − x̄)^r / n, g1 = m3/m2^{3/2} and g2 = m4/m2² − 3:

    * ``type=1``: g1, g2 (scipy ``skew``/``kurtosis`` default);
    * ``type=2`` (default): G1 = g1·√(n(n−1))/(n−2), G2 = ((n+1)g2 + 6)(n−1)/((n−2)(n−3))
      (SPSS, SAS, pandas);
    * ``type=3``: b1 = g1·((n−1)/n)^{3/2}, b2 = (g2 + 3)(1 − 1/n)² − 3 (R psych ``describe``).

    NaN rules: everything but n and missing is NaN for n = 0 (with a warning); SD and SE for
    n = 1; skewness and SES for n < 3; kurtosis and SEK for n < 4; skewness and kurtosis when
    all values are equal (m2 = 0).

    Frequency weights (SPSS ``WEIGHT BY``, ``standardize.md`` §1.2): W = Σw over valid rows
    replaces n everywhere (mean Σwx/W, variance Σw(x − x̄)²/(W − 1), SE = SD/√W, the moments and
    the small-n rules); the median and mode are those of the weighted distribution. Rows with
    weight 0 do not contribute (they are counted in ``n_zero_weight``). With integer weights the
    result equals the unweighted result on the data with each row repeated w times.

    Parameters
    ----------
    data : DataFrame or read_survey result
    items : list of str, optional
        Default: the codebook's items other than text/nominal/rank present in the data, or all
        columns without a codebook.
    codebook : Codebook or dict, optional
        Declared missing codes (treated as missing, counted by reason) and scale checks.
    type : {1, 2, 3}, default 2
    weights : str, array or Series, optional
        Frequency weights (a column name or one value per row; finite and ≥ 0).
    lang : {"en", "zh"}
        Language of the system-missing column of ``missing_by_reason`` ("System missing" /
        "系统缺失"; the other reasons are those recorded or declared).

    Returns
    -------
    DescribeResult
        ``table`` (one row per item), ``missing_by_reason``, ``type``, ``type_name``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [1, 2, 2, 3, 5, None]})
    >>> t = describe_items(df).table
    >>> int(t.loc["x", "n"]), int(t.loc["x", "missing"]), float(t.loc["x", "mean"])
    (5, 1, 2.6)
    >>> round(float(t.loc["x", "skewness"]), 6)  # G1, as SPSS and pandas .skew()
    1.11808

    References
    ----------
    Joanes, D. N., & Gill, C. A. (1998). Comparing measures of sample skewness and kurtosis.
    The Statistician 47(1), 183-189. IBM SPSS Statistics Algorithms: DESCRIPTIVES, FREQUENCIES.
    """
    if isinstance(type, bool) or type not in (1, 2, 3):
        raise CvlibInputError(
            f"type={type!r} must be 1 (g1/g2), 2 (G1/G2, SPSS; default) or 3 (b1/b2, psych)"
        )
    check_choice("lang", lang, ("en", "zh"))
    frame, cb, reasons = unwrap(data, codebook)
    if items is None and cb is not None:
        items = [i for i in cb.names if i in frame.columns and cb[i].type not in _NOT_DESCRIBED]
        if not items:
            raise CvlibInputError(
                "none of the codebook's numeric items is in the data; pass items=[...]"
            )
    cols = select_items(frame, items)
    w_all = _weights(frame, weights)
    rows, missing_rows = {}, {}
    for item in cols:
        prepared = _prepare(frame, reasons, cb, item)
        v = prepared.values.to_numpy()
        valid = ~np.isnan(v)
        if w_all is None:
            x, w = v[valid], None
        else:
            keep = valid & (w_all > 0)
            x, w = v[keep], w_all[keep]
        stats_ = _moments(x, w, type)
        n_valid = int(valid.sum())
        row: dict[str, Any] = {"n": n_valid, "missing": int((~valid).sum())}
        row.update(stats_)
        if w_all is not None:
            row["weight_sum"] = float(w_all[valid].sum())
            row["n_zero_weight"] = int((valid & (w_all == 0)).sum())
        rows[item] = row
        missing_rows[item] = prepared.reason[~valid].value_counts(dropna=False).to_dict()
        if n_valid == 0 or (w_all is not None and len(x) == 0):
            warnings.warn(
                f"item {item!r} has no valid values (with positive weight); its statistics are NaN",
                DataQualityWarning,
                stacklevel=2,
            )
    order = ["n", "missing", "mean", "sd", "se", "median", "mode", "mode_multiple", "min", "max"]
    order += ["skewness", "ses", "kurtosis", "sek"]
    if w_all is not None:
        order += ["weight_sum", "n_zero_weight"]
    table = pd.DataFrame.from_dict(rows, orient="index")[order]
    table.index.name = "item"
    table = table.astype({"n": "int64", "missing": "int64", "mode_multiple": "bool"})
    reasons_seen: list[Any] = []
    for counts in missing_rows.values():
        for r in counts:
            if r != _SYSTEM and r not in reasons_seen:
                reasons_seen.append(r)
    reasons_seen.append(_SYSTEM)
    shown = [_system_label(lang) if r == _SYSTEM else r for r in reasons_seen]
    by_reason = pd.DataFrame(
        [[int(missing_rows[i].get(r, 0)) for r in reasons_seen] for i in cols],
        index=pd.Index(cols, name="item"),
        columns=pd.Index(shown, name="reason"),
    )
    return DescribeResult(
        table=table,
        missing_by_reason=by_reason,
        type=type,
        type_name=_TYPE_NAMES[type][2],
        weighted=w_all is not None,
        n_rows=len(frame),
        lang=lang,
    )


# --------------------------------------------------------------------------------------------
# §5.1 frequency tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class FrequencyResult(ResultMixin):
    """An SPSS FREQUENCIES table (频数表) of one item.

    Attributes
    ----------
    table : DataFrame
        One row per valid code (every codebook code, zero counts included, in code order), then
        one row per missing reason, then "System missing". Columns ``status`` ("valid" /
        "missing"), ``code``, ``label``, ``frequency`` (weighted with weights), ``percent`` (of
        all rows), ``valid_percent`` and ``cumulative_percent`` (of valid rows; NaN on missing
        rows). Percentages are 0–100.
    item, n, n_valid, n_missing : rows (unweighted counts)
    weighted : bool; ``lang`` of the labels; ``codes_from`` ("codebook" or "data").
    """

    table: pd.DataFrame = Snapshot()
    item: Any = None
    n: int = 0
    n_valid: int = 0
    n_missing: int = 0
    weighted: bool = False
    lang: str = "en"
    codes_from: str = "codebook"

    _conventions = ("item", "n", "n_valid", "n_missing", "weighted", "codes_from")
    _title = "FrequencyResult (频数表)"

    def summary(self) -> pd.DataFrame:
        """The table with SPSS's "Total" rows (valid total, missing total, grand total)."""
        t = self._table
        zh = self.lang == "zh"
        valid, missing = t[t["status"] == "valid"], t[t["status"] == "missing"]
        extra = []
        total = t["frequency"].sum()
        for label, part, vp in (
            ("有效合计" if zh else "Valid total", valid, 100.0),
            ("缺失合计" if zh else "Missing total", missing, np.nan),
        ):
            f = part["frequency"].sum()
            extra.append(
                {
                    "status": "total",
                    "code": None,
                    "label": label,
                    "frequency": f,
                    "percent": 100 * f / total if total else np.nan,
                    "valid_percent": vp,
                    "cumulative_percent": np.nan,
                }
            )
        extra.append(
            {
                "status": "total",
                "code": None,
                "label": "合计" if zh else "Total",
                "frequency": total,
                "percent": 100.0 if total else np.nan,
                "valid_percent": np.nan,
                "cumulative_percent": np.nan,
            }
        )
        return pd.concat([t, pd.DataFrame(extra)], ignore_index=True)


def frequencies(
    data: Any,
    item: Any,
    *,
    codebook: Any = None,
    weights: Any = None,
    lang: str = "en",
) -> FrequencyResult:
    """SPSS FREQUENCIES table of one item (survey.md §5.1).

    percent = f / N_all × 100; valid percent = f / N_valid × 100; cumulative percent is the
    running sum of valid percent in code order. With frequency weights f is Σw.

    Parameters
    ----------
    data : DataFrame or read_survey result
    item : str
        The column.
    codebook : Codebook or dict, optional
        Gives the valid codes (zero-count codes are listed), the labels and declared missing
        codes. Without one the codes are the observed values, sorted.
    weights : str, array or Series, optional
        Frequency weights (finite, ≥ 0).
    lang : {"en", "zh"}
        Language of the labels.

    Returns
    -------
    FrequencyResult
        ``table``; ``summary()`` adds the total rows.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q": [7, 7, 6, 4, -99, None]})
    >>> cb = {"q": {"scale": "sat7_zh", "missing_codes": {-99: "refused"}}}
    >>> t = frequencies(df, "q", codebook=cb).table
    >>> print(t[["code", "label", "frequency", "valid_percent"]].to_string(index=False))
    code                 label  frequency  valid_percent
       1     very dissatisfied        0.0            0.0
       2          dissatisfied        0.0            0.0
       3 somewhat dissatisfied        0.0            0.0
       4               neutral        1.0           25.0
       5    somewhat satisfied        0.0            0.0
       6             satisfied        1.0           25.0
       7        very satisfied        2.0           50.0
     -99               refused        1.0            NaN
    None        System missing        1.0            NaN

    References
    ----------
    IBM SPSS Statistics Command Syntax Reference: FREQUENCIES.
    """
    check_choice("lang", lang, ("en", "zh"))
    frame, cb, reasons = unwrap(data, codebook)
    (item,) = select_items(frame, [item], what="item")
    w_all = _weights(frame, weights)
    prepared = _prepare(frame, reasons, cb, item, numeric=False)
    spec = prepared.spec
    raw = prepared.values
    is_num = pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw)
    number_codes = (
        spec is not None
        and bool(spec.codes)
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in spec.codes)
    )  # a nominal item coded 1, 2, ... read as text "1", "2" counts its codes
    if is_num or number_codes or (spec is not None and spec.type in _SCALED_TYPES):
        values = _prepare(frame, reasons, cb, item).values
        is_num = True
    else:
        values = raw.astype(object).where(raw.notna(), None)
    valid = values.notna()
    ww = pd.Series(np.ones(len(frame)) if w_all is None else w_all, index=frame.index)
    counts = ww[valid].groupby(values[valid], sort=True).sum()
    if spec is not None and spec.codes:
        codes = list(spec.codes)
        keyed = [float(c) if isinstance(c, int | float) and is_num else c for c in codes]
        unknown = [v for v in counts.index if v not in set(keyed)]
        if unknown:
            mask = valid & values.isin(unknown)
            raise CvlibInputError(
                f"item {item!r} holds value(s) that are not codebook codes {codes}: "
                f"{_list_cells(values, mask)}; add them to the codebook labels or declare them "
                f"as missing codes"
            )
        freq = counts.reindex(keyed, fill_value=0.0)
        codes_from = "codebook"
    else:
        codes = [_fmt_code(c) for c in counts.index]
        freq = counts
        codes_from = "data"
    labels = [spec.label(c, lang) if spec is not None else str(_fmt_code(c)) for c in codes]
    total = float(ww.sum())
    valid_total = float(freq.sum())
    f = freq.to_numpy(dtype="float64")
    valid_pct = 100 * f / valid_total if valid_total > 0 else np.full(len(f), np.nan)
    table = pd.DataFrame(
        {
            "status": "valid",
            "code": pd.Series([_fmt_code(c) for c in codes], dtype=object),
            "label": labels,
            "frequency": f,
            "percent": 100 * f / total if total > 0 else np.nan,
            "valid_percent": valid_pct,
            "cumulative_percent": np.cumsum(valid_pct),
        }
    )
    miss_w = ww[~valid].groupby(prepared.reason[~valid], sort=False).sum()
    declared = spec.missing_codes if spec is not None else {}
    spans = spec.missing_ranges if spec is not None else ()
    known = [*declared.values(), *(why for _, _, why in spans)]
    order = [r for r in dict.fromkeys(known) if r in miss_w.index]
    order += [r for r in miss_w.index if r not in order and r != _SYSTEM]
    miss_rows = []
    for r in [*order, _SYSTEM]:
        codes_for = [c for c, why in declared.items() if why == r]
        codes_for += [f"{lo:g}..{hi:g}" for lo, hi, why in spans if why == r]
        fr = float(miss_w.get(r, 0.0))
        miss_rows.append(
            {
                "status": "missing",
                "code": codes_for[0] if len(codes_for) == 1 else None,
                "label": _system_label(lang) if r == _SYSTEM else str(r),
                "frequency": fr,
                "percent": 100 * fr / total if total > 0 else np.nan,
                "valid_percent": np.nan,
                "cumulative_percent": np.nan,
            }
        )
    missing_table = pd.DataFrame(miss_rows)
    missing_table["code"] = pd.Series([r["code"] for r in miss_rows], dtype=object)
    table = pd.concat([table, missing_table], ignore_index=True)
    return FrequencyResult(
        table=table,
        item=item,
        n=len(frame),
        n_valid=int(valid.sum()),
        n_missing=int((~valid).sum()),
        weighted=w_all is not None,
        lang=lang,
        codes_from=codes_from,
    )


# --------------------------------------------------------------------------------------------
# §5.2 top-/bottom-box shares with Wilson intervals
# --------------------------------------------------------------------------------------------


def wilson_ci(x: float, n: float, ci: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion x/n.

    With p̂ = x/n and z = Φ⁻¹(1 − γ/2), γ = 1 − ci:
    centre = (p̂ + z²/(2n)) / (1 + z²/n); half-width = z/(1 + z²/n)·√(p̂(1 − p̂)/n + z²/(4n²)).
    The bounds are clipped to [0, 1], so x = 0 gives a lower bound of exactly 0.

    Parameters
    ----------
    x : float
        Number of successes (0 ≤ x ≤ n).
    n : float
        Number of trials (> 0).
    ci : float, default 0.95

    Returns
    -------
    (float, float)
        Lower and upper bound.

    Examples
    --------
    >>> lo, hi = wilson_ci(261, 501)
    >>> round(lo, 6), round(hi, 6)
    (0.477221, 0.564376)

    References
    ----------
    Wilson, E. B. (1927). JASA 22(158), 209-212. Oracle: statsmodels
    ``proportion_confint(x, n, method="wilson")``.
    """
    ci = _check_ci(ci)
    for name, value in (("x", x), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise CvlibInputError(f"{name}={value!r} must be a number")
        if not math.isfinite(float(value)):
            raise CvlibInputError(f"{name}={value!r} must be finite")
    x, n = float(x), float(n)
    if n <= 0:
        raise CvlibInputError(
            f"n={n:g}: a proportion needs at least one valid response (n > 0); no interval exists"
        )
    if not 0 <= x <= n:
        raise CvlibInputError(f"x={x:g} must lie between 0 and n={n:g}")
    z = _z(ci)
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo = 0.0 if x == 0 else max(0.0, centre - half)
    hi = 1.0 if x == n else min(1.0, centre + half)
    return lo, hi


@dataclass(frozen=True, repr=False, eq=False)
class BoxResult(ResultMixin):
    """A top- or bottom-box share (满意率) with its Wilson interval.

    Attributes
    ----------
    item : str
    box : "top" or "bottom"; ``k_box`` codes in the box.
    codes : tuple
        Box codes on the scored scale (after reverse scoring when it applied).
    raw_codes : tuple
        The same codes as stored in the data (differs from ``codes`` for reverse-keyed items).
    share, x, n : the share x/n of valid responses; ``n_missing`` rows excluded.
    ci_low, ci_high, ci_level : Wilson interval.
    reverse_scored : bool
        The share is of reverse-scored values; ``note`` says why.
    """

    item: Any
    box: str
    k_box: int
    codes: tuple
    raw_codes: tuple
    share: float
    x: int
    n: int
    n_missing: int
    ci_low: float
    ci_high: float
    ci_level: float
    reverse_scored: bool
    note: str

    _conventions = ("item", "box", "k_box", "codes", "reverse_scored", "ci_level")
    _title = "BoxResult (top/bottom box, Wilson CI)"

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "box": [f"{self.box} {self.k_box}"],
                "codes": [self.codes],
                "raw_codes": [self.raw_codes],
                "x": [self.x],
                "n": [self.n],
                "n_missing": [self.n_missing],
                "share": [self.share],
                "ci_low": [self.ci_low],
                "ci_high": [self.ci_high],
                "reverse_scored": [self.reverse_scored],
                "note": [self.note],
            },
            index=pd.Index([self.item], name="item"),
        )


def _ends(item: Any, spec: ItemSpec | None, scale: Any, what: str) -> tuple[float, float]:
    explicit = _scale_arg(scale)
    spec_ends = (
        None
        if spec is None or spec.scale_min is None or spec.scale_max is None
        else (spec.scale_min, spec.scale_max)
    )
    if explicit is not None and spec_ends is not None and explicit != spec_ends:
        raise CvlibInputError(
            f"item {item!r}: scale={explicit} disagrees with the codebook scale {spec_ends}"
        )
    ends = explicit or spec_ends
    if ends is None:
        raise CvlibInputError(
            f"{what} of item {item!r} needs the theoretical scale ends (the box is the top codes "
            f"of the scale, not of the data); give a codebook, e.g. "
            f"codebook={{{item!r}: {{'scale': 'sat7_zh'}}}}, or pass scale=(1, 7)."
        )
    if not (float(ends[0]).is_integer() and float(ends[1]).is_integer()):
        raise CvlibInputError(f"item {item!r}: scale ends {ends} must be integer codes")
    return ends


def top_box(
    data: Any,
    item: Any,
    *,
    codebook: Any = None,
    k_box: int = 2,
    bottom: bool = False,
    ci: float = 0.95,
    scale: tuple[float, float] | None = None,
    lang: str = "en",
) -> BoxResult:
    """Top-k-box (T2B, 满意率) or bottom-k-box share of valid responses, with a Wilson CI.

    T2B = #(x ∈ {U − 1, U}) / n valid, U = the theoretical scale maximum; ``k_box`` widens the
    box, ``bottom=True`` uses the k lowest codes. A reverse-keyed item (codebook
    ``reverse=True``) is counted **after** reverse scoring, x' = (L + U) − x, unless the data
    already record it as reversed; the result says so (``reverse_scored``, ``note``).

    Parameters
    ----------
    data : DataFrame or read_survey result
    item : str
    codebook : Codebook or dict, optional
        Scale ends, reverse key and declared missing codes.
    k_box : int, default 2
        Codes in the box (1 ≤ k_box < number of scale codes).
    bottom : bool, default False
    ci : float, default 0.95
        Level of the Wilson interval (:func:`wilson_ci`).
    scale : (int, int), optional
        Theoretical ends when there is no codebook.
    lang : {"en", "zh"}
        Language of ``note``.

    Returns
    -------
    BoxResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q": [7, 6, 6, 5, 4, 2, None]})
    >>> r = top_box(df, "q", codebook={"q": {"scale": "sat7_zh"}})
    >>> r.x, r.n, round(r.share, 4), r.codes
    (3, 6, 0.5, (6, 7))

    References
    ----------
    survey.md §5.2; Wilson (1927).
    """
    check_choice("lang", lang, ("en", "zh"))
    ci = _check_ci(ci)
    frame, cb, reasons = unwrap(data, codebook)
    (item,) = select_items(frame, [item], what="item")
    prepared = _prepare(frame, reasons, cb, item)
    spec = prepared.spec
    lo, hi = _ends(item, spec, scale, "the top box" if not bottom else "the bottom box")
    n_codes = int(hi - lo) + 1
    if (
        isinstance(k_box, bool)
        or not isinstance(k_box, int | np.integer)
        or not (1 <= k_box < n_codes)
    ):
        raise CvlibInputError(
            f"k_box={k_box!r} must be an integer from 1 to {n_codes - 1} (the scale has "
            f"{n_codes} codes)"
        )
    v = prepared.values
    outside = v.notna() & ((v < lo) | (v > hi) | (np.floor(v) != v))
    if outside.any():
        raise CvlibInputError(
            f"item {item!r} must hold integer codes {lo:g}..{hi:g}: {_list_cells(v, outside)}"
        )
    done, sources = _reversed_state(frame)
    already = item in done
    needs = bool(spec is not None and spec.reverse and not already and item not in sources)
    if needs:
        v = (lo + hi) - v
    lo_i, hi_i = int(lo), int(hi)
    codes = tuple(range(lo_i, lo_i + k_box)) if bottom else tuple(range(hi_i - k_box + 1, hi_i + 1))
    raw_codes = tuple(sorted(lo_i + hi_i - c for c in codes)) if needs else codes
    n = int(v.notna().sum())
    if n == 0:
        raise CvlibInputError(
            f"item {item!r} has no valid responses ({len(v)} rows, all missing); a share needs "
            f"n > 0"
        )
    x = int(v.isin(codes).sum())
    low, high = wilson_ci(x, n, ci)
    if needs:
        note = (
            f"反向计分后计算 (x' = {lo_i + hi_i} − x)；原始编码 {raw_codes}"
            if lang == "zh"
            else f"computed after reverse scoring (x' = {lo_i + hi_i} - x); raw codes {raw_codes}"
        )
    elif already:
        note = "数据已反向计分" if lang == "zh" else "data already reverse scored"
    else:
        note = ""
    return BoxResult(
        item=item,
        box="bottom" if bottom else "top",
        k_box=int(k_box),
        codes=codes,
        raw_codes=raw_codes,
        share=x / n,
        x=x,
        n=n,
        n_missing=int(v.isna().sum()),
        ci_low=low,
        ci_high=high,
        ci_level=ci,
        reverse_scored=needs or already,
        note=note,
    )


# --------------------------------------------------------------------------------------------
# §6 NPS
# --------------------------------------------------------------------------------------------


_GROUPS = {
    "promoter": 1,
    "passive": 0,
    "detractor": -1,
    "推荐者": 1,
    "被动者": 0,
    "中立者": 0,
    "贬损者": -1,
    1: 1,
    0: 0,
    -1: -1,
}


@dataclass(frozen=True, repr=False, eq=False)
class NPSResult(ResultMixin):
    """Net Promoter Score (净推荐值) with its standard error and normal CI.

    Attributes
    ----------
    nps : float
        100·(p_P − p_D), in points (−100..100).
    se : float
        100·√((p_P + p_D − (p_P − p_D)²)/n).
    ci_low, ci_high, ci_level : NPS ± z·SE.
    n, n_missing : valid responses used; rows excluded as missing.
    n_promoters, n_passives, n_detractors : counts; ``pct_*`` the shares in percent.
    mapping : "standard" (0–6 / 7–8 / 9–10) or "custom" (an explicit mapping; not a standard NPS).
    scale_source : where the 0–10 scale came from ("codebook", "values", or "mapping").
    """

    item: Any
    nps: float
    se: float
    ci_low: float
    ci_high: float
    ci_level: float
    n: int
    n_missing: int
    n_promoters: int
    n_passives: int
    n_detractors: int
    mapping: str
    scale_source: str

    _conventions = ("item", "mapping", "scale_source", "ci_level")
    _title = "NPSResult (净推荐值)"

    @property
    def pct_promoters(self) -> float:
        return 100 * self.n_promoters / self.n

    @property
    def pct_passives(self) -> float:
        return 100 * self.n_passives / self.n

    @property
    def pct_detractors(self) -> float:
        return 100 * self.n_detractors / self.n

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "n": [self.n],
                "n_missing": [self.n_missing],
                "promoters": [self.n_promoters],
                "passives": [self.n_passives],
                "detractors": [self.n_detractors],
                "pct_promoters": [self.pct_promoters],
                "pct_passives": [self.pct_passives],
                "pct_detractors": [self.pct_detractors],
                "nps": [self.nps],
                "se": [self.se],
                "ci_low": [self.ci_low],
                "ci_high": [self.ci_high],
            },
            index=pd.Index([self.item], name="item"),
        )


def _nps_numbers(n_p: int, n_pa: int, n_d: int, ci: float) -> tuple[float, float, float, float]:
    n = n_p + n_pa + n_d
    pp, pd_ = n_p / n, n_d / n
    score = 100 * (pp - pd_)
    se = 100 * math.sqrt(max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n)
    z = _z(ci)
    return score, se, score - z * se, score + z * se


def _single_item(data: Any, item: Any, codebook: Any, what: str) -> tuple[Any, Any, Any, Any]:
    frame, cb, reasons = unwrap(data, codebook)
    if item is None:
        if frame.shape[1] != 1:
            raise CvlibInputError(
                f"{what}: data has {frame.shape[1]} columns; name the item with item=..."
            )
        item = frame.columns[0]
    (item,) = select_items(frame, [item], what="item")
    return frame, cb, reasons, item


def nps(
    data_or_series: Any,
    item: Any = None,
    *,
    ci: float = 0.95,
    mapping: Mapping[Any, Any] | None = None,
    codebook: Any = None,
) -> NPSResult:
    """Net Promoter Score of a 0–10 "likelihood to recommend" item (survey.md §6).

    Promoters answer 9–10, passives 7–8, detractors 0–6. NPS = 100·(p_P − p_D);
    SE = 100·√((p_P + p_D − (p_P − p_D)²)/n) (the SD of the per-respondent score in {+1, 0, −1}
    with divisor n, over √n); CI = NPS ± z·SE (normal).

    Values must be integers 0–10 (else ``ValueError`` naming rows and values). A 1–10 rating or
    the 4-level recommend item (``recommend4_zh``, see :func:`recommend_shares`) is **not** NPS:
    with a codebook scale other than 0–10, or (without a codebook) values that all lie in 1–4,
    this raises unless an explicit ``mapping`` is given.

    Parameters
    ----------
    data_or_series : Series, DataFrame or read_survey result
    item : str, optional
        The column (required when the data have several columns).
    ci : float, default 0.95
    mapping : dict, optional
        Explicit code -> group ("promoter"/"passive"/"detractor", 推荐者/被动者/贬损者, or
        1/0/−1) for a non-standard item; every observed code must be mapped. The result then
        says ``mapping="custom"``.
    codebook : Codebook or dict, optional

    Returns
    -------
    NPSResult

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([10] * 100 + [7] * 60 + [0] * 40, name="recommend")
    >>> r = nps(s)
    >>> r.nps, round(r.se, 6), round(r.ci_low, 6), round(r.ci_high, 6)
    (30.0, 5.522681, 19.175745, 40.824255)

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard Business Review 81(12).
    """
    ci = _check_ci(ci)
    frame, cb, reasons, item = _single_item(data_or_series, item, codebook, "nps")
    prepared = _prepare(frame, reasons, cb, item, check_codes=False)
    spec = prepared.spec
    v = prepared.values
    valid = v.notna()
    if int(valid.sum()) == 0:
        raise CvlibInputError(f"item {item!r} has no valid responses; NPS needs n > 0")
    if mapping is not None:
        if not isinstance(mapping, Mapping) or not mapping:
            raise CvlibInputError(
                "mapping must be a non-empty dict code -> promoter/passive/detractor"
            )
        groups = {}
        for code, group in mapping.items():
            key = group.strip().lower() if isinstance(group, str) else group
            if key not in _GROUPS:
                raise CvlibInputError(
                    f"mapping[{code!r}] = {group!r}; use 'promoter', 'passive' or 'detractor' "
                    f"(or 1, 0, -1)"
                )
            groups[float(code)] = _GROUPS[key]
        unmapped = valid & ~v.isin(list(groups))
        if unmapped.any():
            raise CvlibInputError(
                f"item {item!r}: value(s) not in mapping: {_list_cells(v, unmapped)}; map every "
                f"code"
            )
        g = v[valid].map(groups)
        how, source = "custom", "mapping"
    else:
        ends = None if spec is None or spec.scale_min is None else (spec.scale_min, spec.scale_max)
        if ends is not None and ends != (0.0, 10.0):
            preset = f" (preset {spec.scale!r})" if spec.scale else ""
            hint = (
                "; for the 4-level recommend item use recommend_shares()"
                if ends == (1.0, 4.0)
                else ""
            )
            raise CvlibInputError(
                f"item {item!r} is on a {ends[0]:g}-{ends[1]:g} scale{preset}, not the 0-10 "
                f"likelihood-to-recommend scale, so it is not NPS; pass an explicit mapping="
                f"{{code: 'promoter'|'passive'|'detractor'}} if you really want a net score"
                f"{hint}."
            )
        bad = valid & ~(v.between(0, 10) & (np.floor(v) == v))
        if bad.any():
            raise CvlibInputError(
                f"NPS item {item!r} must hold integers 0-10; {int(bad.sum())} other value(s): "
                f"{_list_cells(v, bad)}"
            )
        if ends is None:
            vv = v[valid]
            if vv.min() >= 1 and vv.max() <= 4:
                raise CvlibInputError(
                    f"item {item!r} only holds values 1-4, which looks like the 4-level recommend "
                    f"item (recommend4_zh), not a 0-10 NPS item; use recommend_shares(), pass a "
                    f"codebook with scale 'nps11' if it really is 0-10, or give mapping=..."
                )
            if vv.min() >= 1 and len(vv) >= 30:
                warnings.warn(
                    f"item {item!r}: no respondent chose 0 among {len(vv)}; a 1-10 rating is not "
                    f"NPS. Give a codebook (scale 'nps11') to confirm the 0-10 scale.",
                    DataQualityWarning,
                    stacklevel=2,
                )
        g = pd.Series(np.select([v[valid] >= 9, v[valid] >= 7], [1, 0], -1), index=v[valid].index)
        how, source = "standard", ("codebook" if ends is not None else "values")
    n_p, n_pa, n_d = int((g == 1).sum()), int((g == 0).sum()), int((g == -1).sum())
    score, se, low, high = _nps_numbers(n_p, n_pa, n_d, ci)
    return NPSResult(
        item=item,
        nps=score,
        se=se,
        ci_low=low,
        ci_high=high,
        ci_level=ci,
        n=n_p + n_pa + n_d,
        n_missing=int((~valid).sum()),
        n_promoters=n_p,
        n_passives=n_pa,
        n_detractors=n_d,
        mapping=how,
        scale_source=source,
    )


@dataclass(frozen=True, repr=False, eq=False)
class NPSDifferenceResult(ResultMixin):
    """Difference of two independent NPS values, a − b, with SE = √(SE_a² + SE_b²).

    ``z`` = difference / SE and ``pvalue`` (two-sided normal) are NaN when SE = 0.
    """

    difference: float
    se: float
    ci_low: float
    ci_high: float
    ci_level: float
    z: float
    pvalue: float
    nps_a: float
    nps_b: float
    n_a: int
    n_b: int

    _conventions = ("ci_level", "n_a", "n_b")
    _title = "NPSDifferenceResult (净推荐值之差)"

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "nps_a": [self.nps_a],
                "nps_b": [self.nps_b],
                "n_a": [self.n_a],
                "n_b": [self.n_b],
                "difference": [self.difference],
                "se": [self.se],
                "ci_low": [self.ci_low],
                "ci_high": [self.ci_high],
                "z": [self.z],
                "pvalue": [self.pvalue],
            }
        )


def nps_difference(a: Any, b: Any, *, ci: float = 0.95) -> NPSDifferenceResult:
    """Difference of the NPS of two independent groups, a − b (survey.md §6).

    SE = √(SE_a² + SE_b²); CI = (NPS_a − NPS_b) ± z·SE; z-test p-value two-sided.

    Parameters
    ----------
    a, b : NPSResult or Series
        Results of :func:`nps` (a Series is passed to :func:`nps` first).
    ci : float, default 0.95

    Returns
    -------
    NPSDifferenceResult

    Examples
    --------
    >>> import pandas as pd
    >>> a = nps(pd.Series([10] * 100 + [7] * 60 + [0] * 40))
    >>> b = nps(pd.Series([10] * 50 + [8] * 30 + [0] * 20))
    >>> d = nps_difference(a, b)
    >>> d.difference, round(d.se, 6)
    (0.0, 9.565563)
    """
    ci = _check_ci(ci)
    res = []
    for name, r in (("a", a), ("b", b)):
        if isinstance(r, pd.Series):
            r = nps(r)
        if not isinstance(r, NPSResult):
            raise TypeError(f"{name} must be an NPSResult (from cvlib.survey.nps) or a Series")
        res.append(r)
    ra, rb = res
    diff = ra.nps - rb.nps
    se = math.sqrt(ra.se**2 + rb.se**2)
    z = _z(ci)
    zstat = diff / se if se > 0 else float("nan")
    p = float(2 * stats.norm.sf(abs(zstat))) if se > 0 else float("nan")
    return NPSDifferenceResult(
        difference=diff,
        se=se,
        ci_low=diff - z * se,
        ci_high=diff + z * se,
        ci_level=ci,
        z=zstat,
        pvalue=p,
        nps_a=ra.nps,
        nps_b=rb.nps,
        n_a=ra.n,
        n_b=rb.n,
    )


@dataclass(frozen=True, repr=False, eq=False)
class RecommendSharesResult(ResultMixin):
    """Top-box (一定会) and top-2-box (一定会 + 可能会) shares of a 4-level recommend item.

    ``table`` has one row per box: codes, label, x, n, share, ci_low, ci_high (Wilson).
    ``scale_source`` is "codebook" or "recommend4_zh preset" (no codebook given).
    """

    table: pd.DataFrame = Snapshot()
    item: Any = None
    n: int = 0
    n_missing: int = 0
    ci_level: float = 0.95
    scale_source: str = "codebook"

    _conventions = ("item", "n", "n_missing", "ci_level", "scale_source")
    _title = "RecommendSharesResult (推荐意愿)"

    def summary(self) -> pd.DataFrame:
        return self._table.copy()


def recommend_shares(
    data: Any,
    item: Any = None,
    *,
    codebook: Any = None,
    ci: float = 0.95,
    lang: str = "en",
) -> RecommendSharesResult:
    """Shares of the 4-level recommend item (``recommend4_zh``), which is not NPS (survey.md §6).

    Top box = #(code 4, 一定会) / n valid; top-2 = #(codes 3–4, 一定会 + 可能会) / n valid; each
    with a Wilson interval (:func:`wilson_ci`). Codes are cvlib's ``recommend4_zh``: 4 一定会,
    3 可能会, 2 可能不会, 1 一定不会. Without a codebook entry the preset is assumed (and
    ``scale_source`` says so); a codebook scale other than 1–4 raises.

    Examples
    --------
    >>> import pandas as pd
    >>> r = recommend_shares(pd.Series([4, 4, 3, 2, 1, 3], name="Q13"))
    >>> r.table[["x", "n", "share"]].values.tolist()
    [[2.0, 6.0, 0.3333333333333333], [4.0, 6.0, 0.6666666666666666]]
    """
    check_choice("lang", lang, ("en", "zh"))
    ci = _check_ci(ci)
    frame, cb, reasons, item = _single_item(data, item, codebook, "recommend_shares")
    spec = _spec(item, cb, frame)
    if spec is None:
        cb_use = Codebook({item: {"scale": "recommend4_zh"}})
        spec = cb_use[item]
        source = "recommend4_zh preset"
    else:
        if (spec.scale_min, spec.scale_max) != (1.0, 4.0):
            raise CvlibInputError(
                f"item {item!r} is on a {spec.scale_min}-{spec.scale_max} scale; recommend_shares "
                f"is for the 4-level recommend item (recommend4_zh, codes 1-4). For a 0-10 item "
                f"use nps()."
            )
        source = "codebook"
        cb_use = cb
    prepared = _prepare(frame, reasons, cb_use, item)
    v = prepared.values
    n = int(v.notna().sum())
    if n == 0:
        raise CvlibInputError(f"item {item!r} has no valid responses; a share needs n > 0")
    rows = []
    for box, codes in (("top box", (4,)), ("top-2 box", (3, 4))):
        x = int(v.isin(codes).sum())
        lo, hi = wilson_ci(x, n, ci)
        rows.append(
            {
                "box": box,
                "codes": codes,
                "label": " + ".join(spec.label(c, lang) for c in reversed(codes)),
                "x": x,
                "n": n,
                "share": x / n,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return RecommendSharesResult(
        table=pd.DataFrame(rows).set_index("box"),
        item=item,
        n=n,
        n_missing=int(v.isna().sum()),
        ci_level=ci,
        scale_source=source,
    )


# --------------------------------------------------------------------------------------------
# §11 rating distribution summary
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class RatingSummaryResult(ResultMixin):
    """Mean, share at the top of the scale and share below a threshold of a rating item.

    ``rule`` states the threshold rule ("< 8" or "≤ 8"); shares have Wilson intervals;
    ``item`` names the rating column.
    """

    n: int
    n_missing: int
    mean: float
    sd: float
    top: float
    n_top: int
    share_top: float
    ci_top: tuple
    threshold: float
    below: str
    rule: str
    n_below: int
    share_below: float
    ci_below: tuple
    ci_level: float
    item: Any = None

    _conventions = ("item", "top", "rule", "ci_level")
    _title = "RatingSummaryResult (评分分布)"

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "n": [self.n],
                "n_missing": [self.n_missing],
                "mean": [self.mean],
                "sd": [self.sd],
                f"share = {self.top:g}": [self.share_top],
                f"share {self.rule}": [self.share_below],
            }
        )


def rating_summary(
    data: Any,
    item: Any = None,
    *,
    codebook: Any = None,
    threshold: float = 8,
    below: str = "lt",
    top: float = 10,
    ci: float = 0.95,
) -> RatingSummaryResult:
    """Mean, share giving the top score and share "below" a threshold of a rating item.

    share_top = #(x = top)/n; share_below = #(x < threshold)/n with ``below="lt"`` or
    #(x ≤ threshold)/n with ``below="le"``; n = valid (non-missing) responses; Wilson CIs.

    Made for summaries like source document 001's 2013 life-insurer survey (10-point scale,
    N = 501, mean 8.52, 52.1 % gave 10, 19.7 % "scored below 8"): "8分以下" does not say whether 8
    itself is included, so the rule is a parameter. Note that 19.7 % cannot come from N = 501:
    98/501 = 19.56 % and 99/501 = 19.76 %, so the published base was not exactly 501.

    Parameters
    ----------
    data : Series, DataFrame or read_survey result
        Numeric ratings; NaN and declared missing codes are missing (counted in ``n_missing``).
    item : str, optional
        The rating column (required when the data have several columns).
    codebook : Codebook or dict, optional
        Declared missing codes of the item.
    threshold : float, default 8
    below : {"lt", "le"}, default "lt"
    top : float, default 10
        The top score; values above it raise.
    ci : float, default 0.95

    Returns
    -------
    RatingSummaryResult

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([10] * 261 + [9] * 142 + [7] * 98)
    >>> r = rating_summary(s)
    >>> round(r.share_top, 6), round(r.share_below, 6), r.rule
    (0.520958, 0.195609, '< 8')
    """
    check_choice("below", below, ("lt", "le"))
    ci = _check_ci(ci)
    for name, value in (("threshold", threshold), ("top", top)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise CvlibInputError(f"{name}={value!r} must be a number")
    frame, cb, reasons, col = _single_item(data, item, codebook, "rating_summary")
    v = _prepare(frame, reasons, cb, col, check_codes=False).values
    valid = v.notna()
    n = int(valid.sum())
    if n == 0:
        raise CvlibInputError("the ratings hold no valid value; n must be > 0")
    over = valid & (v > top)
    if over.any():
        raise CvlibInputError(
            f"ratings above top={top:g}: {_list_cells(v, over)}; fix them or set top="
        )
    vv = v[valid]
    n_top = int((vv == top).sum())
    n_below = int((vv < threshold).sum() if below == "lt" else (vv <= threshold).sum())
    rule = f"< {threshold:g}" if below == "lt" else f"≤ {threshold:g}"
    return RatingSummaryResult(
        n=n,
        n_missing=int((~valid).sum()),
        mean=float(vv.mean()),
        sd=float(vv.std(ddof=1)) if n > 1 else float("nan"),
        top=float(top),
        n_top=n_top,
        share_top=n_top / n,
        ci_top=wilson_ci(n_top, n, ci),
        threshold=float(threshold),
        below=below,
        rule=rule,
        n_below=n_below,
        share_below=n_below / n,
        ci_below=wilson_ci(n_below, n, ci),
        ci_level=ci,
        item=col,
    )

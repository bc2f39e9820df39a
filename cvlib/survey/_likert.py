"""Diverging stacked Likert table (李克特量表发散堆积条形图的数据) (``methods/survey.md`` §5.3).

:func:`likert_table` holds the numbers behind a diverging stacked bar chart: one row per item,
(group) and response code with the count, the percentage of valid responses and the segment's
extent ``[left, right]`` on the diverging axis (negative categories left of zero, positive ones
right). :func:`cvlib.plots.plot_likert` draws the chart from this table, so tests and reports
check numbers, not pixels.

The response scale (its codes, labels, wording and neutral code) always comes from the codebook:
a zero-count code is a row with ``n = 0``, and the centre of the chart is never guessed from the
observed answers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from cvlib._validation import CvlibInputError, check_choice, check_columns_exist
from cvlib._warnings import DataQualityWarning
from cvlib.survey._codebook import Codebook, ItemSpec
from cvlib.survey._common import (
    masked_items,
    missing_cells,
    numeric_items,
    select_items,
    spec_of,
    unwrap,
)

__all__ = ["likert_table"]

# The columns of likert_table (group and group_label only when grouping).
_COLUMNS = (
    "item",
    "group",
    "group_label",
    "code",
    "label",
    "n",
    "pct",
    "left",
    "right",
    "side",
    "wording",
    "n_valid",
    "n_missing",
)

_CHARTABLE = ("likert", "ordinal", "nps", "binary")
_MAX_LISTED = 20


def _fmt(value: Any) -> Any:
    """A code or group value for display: 2.0 -> 2 (integral floats print as integers)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


@dataclass
class _Counts:
    """Response counts of one item, per group (row) and code (column)."""

    item: Hashable
    spec: ItemSpec | None
    codes: np.ndarray  # float64, ascending
    counts: np.ndarray  # int64, (n_groups, n_codes)
    n_missing: np.ndarray  # int64, (n_groups,)
    reasons: dict[str, int] = field(default_factory=dict)


def _group_codes(
    frame: pd.DataFrame,
    group: Hashable | None,
    codebook: Codebook | None = None,
    reasons: pd.DataFrame | None = None,
) -> tuple[np.ndarray, list[Any], int]:
    """Per-row group index (-1 when the group value is missing: NaN or a code the codebook
    declares missing), the group levels, and the number of rows left out because their group is
    missing."""
    n = len(frame)
    if group is None:
        return np.zeros(n, dtype=np.int64), [None], 0
    check_columns_exist(frame, [group], what="group column")
    g, _ = missing_cells(frame, group, spec_of(codebook, group), reasons)
    if isinstance(g.dtype, pd.CategoricalDtype):
        observed = set(g.dropna().unique())
        levels = [c for c in g.cat.categories if c in observed]
    else:
        uniques = list(pd.unique(g.dropna()))
        try:
            levels = sorted(uniques)
        except TypeError:
            levels = uniques
    if not levels:
        raise CvlibInputError(
            f"group column {group!r} has no non-missing value; pass a column that assigns "
            f"respondents to groups, or group=None."
        )
    codes = pd.Categorical(g, categories=levels).codes.astype(np.int64)
    return codes, [_fmt(x) for x in levels], int((codes < 0).sum())


def _count_responses(
    frame: pd.DataFrame,
    items: Sequence[Hashable],
    codebook: Codebook | None,
    reasons: pd.DataFrame | None,
    gcodes: np.ndarray,
    n_groups: int,
    *,
    require_codebook: bool,
) -> list[_Counts]:
    """Count valid answers per (group, code) for each item; missing answers by reason.

    With ``require_codebook=False`` an item without a codebook entry uses the union of the values
    observed in all such items as its codes (only :func:`cvlib.plots.plot_item_distributions`).
    """
    specs: dict[Hashable, ItemSpec | None] = {}
    for item in items:
        spec = codebook.get(item) if codebook is not None else None
        if spec is None and require_codebook:
            raise CvlibInputError(
                f"item {item!r} has no codebook entry, so its response scale (codes, neutral "
                f"code, labels) is unknown; pass codebook=, e.g. "
                f"codebook={{{item!r}: {{'scale': 'likert5'}}}} or "
                f"Codebook({{i: {{'type': 'likert', 'scale_min': 1, 'scale_max': 7, "
                f"'neutral': 4}} for i in items}}). cvlib never guesses the scale from the data."
            )
        if spec is not None:
            if spec.type not in _CHARTABLE:
                raise CvlibInputError(
                    f"item {item!r} is of type {spec.type!r}; response-scale charts need an "
                    f"ordered item ({', '.join(_CHARTABLE)}). Leave it out of items."
                )
            if not spec.codes:
                raise CvlibInputError(
                    f"item {item!r} has no codes in the codebook; give scale_min and scale_max "
                    f"(or labels)."
                )
        specs[item] = spec
    masked, why_all = masked_items(frame, list(items), codebook, reasons)
    values = numeric_items(masked, list(items))
    used = gcodes >= 0
    pooled: np.ndarray | None = None
    if any(s is None for s in specs.values()):
        free = values[[i for i, s in specs.items() if s is None]].to_numpy()
        pooled = np.unique(free[~np.isnan(free)])
        if pooled.size == 0:
            raise CvlibInputError(
                f"items {[i for i, s in specs.items() if s is None]} have no valid value and no "
                f"codebook entry; give a codebook so that the codes are known."
            )
    bad: list[tuple[Any, Any, Any]] = []
    n_bad = 0
    out: list[_Counts] = []
    for item, spec in specs.items():
        v = values[item].to_numpy()
        if spec is None:
            codes = pooled
        else:
            try:
                codes = np.asarray(spec.codes, dtype="float64")
            except (TypeError, ValueError):
                raise CvlibInputError(
                    f"item {item!r}: its codebook codes {spec.codes} are not numbers; a response "
                    f"chart needs numeric codes."
                ) from None
            codes = np.sort(codes)
        k = codes.size
        pos = np.clip(np.searchsorted(codes, v), 0, k - 1)
        valid = codes[pos] == v
        nan = np.isnan(v)  # NaN and declared missing codes / ranges (masked above)
        invalid = ~(valid | nan)
        if invalid.any():
            n_bad += int(invalid.sum())
            for r in np.flatnonzero(invalid)[: _MAX_LISTED - len(bad)]:
                bad.append((frame.index[r], item, _fmt(float(v[r]))))
            continue
        keep = valid & used
        counts = np.bincount(gcodes[keep] * k + pos[keep], minlength=n_groups * k)
        miss = nan & used
        n_missing = np.bincount(gcodes[miss], minlength=n_groups)
        why = why_all[item].to_numpy(dtype=object)
        tally = pd.Series(why[miss], dtype=object).value_counts(sort=False)
        out.append(
            _Counts(
                item=item,
                spec=spec,
                codes=codes,
                counts=counts.reshape(n_groups, k).astype(np.int64),
                n_missing=n_missing.astype(np.int64),
                reasons={str(r): int(c) for r, c in tally.items()},
            )
        )
    if bad:
        listed = ", ".join(f"(row {r!r}, column {c!r}, value {x!r})" for r, c, x in bad)
        more = f" and {n_bad - len(bad)} more" if n_bad > len(bad) else ""
        raise CvlibInputError(
            f"{n_bad} value(s) are neither a valid code of their item's scale nor a declared "
            f"missing code: {listed}{more}. Fix the data, widen scale_min/scale_max in the "
            f"codebook, or declare the code in missing_codes."
        )
    return out


def _center_of(item: Hashable, spec: ItemSpec, codes: np.ndarray, center: Any) -> tuple[float, Any]:
    """The centre of the diverging axis on the code scale, and the neutral code (or None)."""
    given = center.get(item) if isinstance(center, Mapping) else center
    lo, hi = float(codes[0]), float(codes[-1])
    if given is not None:
        if isinstance(given, bool) or not isinstance(given, Real) or not math.isfinite(given):
            raise CvlibInputError(
                f"center={given!r} for item {item!r} must be a finite number on the code scale "
                f"(a code, or a value between two codes such as 3.5)."
            )
        c = float(given)
        if not lo <= c <= hi:
            raise CvlibInputError(
                f"center={_fmt(c)!r} for item {item!r} lies outside its codes "
                f"[{_fmt(lo)}, {_fmt(hi)}]; give a code or a value between two codes."
            )
        return c, (_fmt(c) if c in codes else None)
    if spec.neutral is not None:
        neutral = spec.neutral
        if isinstance(neutral, str) or float(neutral) not in codes:
            raise CvlibInputError(
                f"item {item!r}: the codebook's neutral code {neutral!r} is not one of its codes "
                f"{[_fmt(c) for c in codes]}; fix the codebook or pass center=."
            )
        return float(neutral), _fmt(float(neutral))
    k = codes.size
    if k % 2 == 0:
        return (float(codes[k // 2 - 1]) + float(codes[k // 2])) / 2, None
    mid = _fmt(float(codes[k // 2]))
    raise CvlibInputError(
        f"item {item!r} has an odd number of codes ({k}: {_fmt(lo)} to {_fmt(hi)}) but its "
        f"codebook entry declares no neutral code, so the centre of the diverging chart is "
        f"unknown; declare it in the codebook (neutral: {mid}) or pass center={mid} (a code, or "
        f"a value between two codes such as {_fmt(float(codes[k // 2]) + 0.5)})."
    )


def _extents(
    pct: np.ndarray, codes: np.ndarray, c: float, neutral: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left and right edges of each segment and its side; ``pct`` is (n_groups, n_codes)."""
    neg = codes < c
    pos = codes > c
    neu = codes == c
    p_neu = (pct * neu).sum(axis=1, keepdims=True)
    if neutral == "split":
        off_neg = off_pos = p_neu / 2
        neu_left, neu_right = -p_neu / 2, p_neu / 2
    elif neutral == "right":
        off_neg, off_pos = np.zeros_like(p_neu), p_neu
        neu_left, neu_right = np.zeros_like(p_neu), p_neu
    else:  # exclude: the neutral share is drawn in its own bar, not on the diverging axis
        off_neg = off_pos = np.zeros_like(p_neu)
        neu_left = neu_right = np.zeros_like(p_neu)
    cum_neg = np.cumsum(pct * neg, axis=1)
    right_neg = -(off_neg + cum_neg[:, -1:] - cum_neg)
    cum_pos = np.cumsum(pct * pos, axis=1)
    left_pos = off_pos + cum_pos - pct
    left = np.where(neg, right_neg - pct, np.where(pos, left_pos, neu_left))
    right = np.where(neg, right_neg, np.where(pos, left_pos + pct, neu_right))
    side = np.where(neg, "negative", np.where(pos, "positive", "neutral"))
    # -0.0 + 0.0 = 0.0: no negative zeros in the output
    return left + 0.0, right + 0.0, np.broadcast_to(side, pct.shape)


def likert_table(
    data: Any,
    items: Sequence[Hashable] | None = None,
    *,
    codebook: Any = None,
    neutral: str = "split",
    center: float | Mapping[Hashable, float] | None = None,
    sort: bool = False,
    group: Hashable | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Tidy table of a diverging stacked Likert chart (发散堆积条形图): shares and segment extents.

    For each item (and group), with p_c the percentage of **valid** responses giving code c
    (sum p_c = 100) and m the centre of the scale, codes c < m are negative, c > m positive and
    c = m neutral. The segments are stacked outwards from zero, nearest-to-centre first:

    * negative c: right_c = -(o_neg + sum_{c < k < m} p_k), left_c = right_c - p_c;
    * positive c: left_c = o_pos + sum_{m < k < c} p_k, right_c = left_c + p_c;
    * neutral, ``neutral="split"``: [-p_m/2, p_m/2] and o_neg = o_pos = p_m/2;
      ``"right"``: [0, p_m], o_neg = 0, o_pos = p_m; ``"exclude"``: [0, 0] on the diverging axis
      (drawn as a separate bar at the side by :func:`cvlib.plots.plot_likert`), o_neg = o_pos = 0.

    The centre m is the codebook's ``neutral`` code. A scale with an even number of codes and no
    declared neutral has no neutral category: m lies between the two middle codes. An odd scale
    without a declared neutral raises an error unless ``center=`` is given.

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent, item columns holding numeric codes. Declared missing codes and
        ranges and NaN are missing (not valid) and counted in ``n_missing`` (by reason in
        ``attrs["cvlib"]["missing"]``); so are the group column's.
    items : list of str, optional
        Item columns, in chart order (top to bottom). When omitted: the codebook's items of type
        ``likert`` that are columns of the data (in codebook order), else all columns except
        ``group``.
    codebook : Codebook or dict, optional
        Must describe every item (type likert, ordinal, nps or binary; scale ends; labels;
        ``neutral``). Taken from a read_survey result when not given.
    neutral : {"split", "right", "exclude"}
        Where the neutral share goes (survey.md §5.3): half on each side (default, the usual
        convention for odd scales; Robbins & Heiberger 2011), all on the right, or a separate bar.
        Ignored for items without a neutral category.
    center : float or dict item -> float, optional
        The centre on the code scale, overriding the codebook: a code (that code becomes the
        neutral category) or a value between two codes (no neutral), e.g. 3.5 on a 1-7 scale.
    sort : bool
        Order the items by % positive (share of codes above the centre, pooled over groups),
        highest first; ties keep the given order. Default False keeps ``items`` order.
    group : str, optional
        Column to facet by: one block of rows per group value (its percentages of that group's
        valid responses). Rows whose group is missing are left out, counted in
        ``attrs["cvlib"]["group_missing"]`` and reported by a ``DataQualityWarning``.
    lang : {"en", "zh"}
        Language of ``label`` and ``wording`` (codebook labels_en/wording_en or labels/wording,
        each falling back to the other language, then to the code or item name).

    Returns
    -------
    DataFrame
        One row per item, [group,] and code, **including codes with zero count**, in code order:
        ``item``, [``group``, ``group_label``,] ``code``, ``label``, ``n``, ``pct`` (percent of
        valid responses, 0-100), ``left``, ``right`` (segment edges in percent; negative values
        lie left of zero), ``side`` ("negative", "neutral", "positive"), ``wording``,
        ``n_valid`` and ``n_missing`` (of the item in that group). ``attrs["cvlib"]`` records the
        conventions: ``neutral``, ``center`` and ``neutral_code`` per item, ``sort``, ``group``,
        ``lang``, missing answers by reason per item (``missing``) and ``group_missing``.

    Raises
    ------
    CvlibInputError
        An item without codebook entry or with an unordered type; an odd scale without neutral
        code or ``center``; a value that is neither a code nor a declared missing code (the
        error lists row, column and value); an item (or item in a group) without valid answers.

    Examples
    --------
    Shares 10, 20, 30, 25, 15 % on a 5-point scale: 45 % extends left, 55 % right (§5.3).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1] * 2 + [2] * 4 + [3] * 6 + [4] * 5 + [5] * 3})
    >>> t = likert_table(df, codebook={"q1": {"scale": "likert5"}})
    >>> t[["code", "label", "n", "pct", "left", "right"]]
       code              label  n   pct  left  right
    0     1  strongly disagree  2  10.0 -45.0  -35.0
    1     2           disagree  4  20.0 -35.0  -15.0
    2     3            neutral  6  30.0 -15.0   15.0
    3     4              agree  5  25.0  15.0   40.0
    4     5     strongly agree  3  15.0  40.0   55.0

    References
    ----------
    Robbins, N. B. & Heiberger, R. M. (2011). Plotting Likert and other rating scales. *JSM
    Proceedings, Survey Research Methods Section*, 1058-1066.
    Heiberger, R. M. & Robbins, N. B. (2014). Design of diverging stacked bar charts for Likert
    scales and other applications. *Journal of Statistical Software* 57(5), 1-32.
    """
    check_choice("neutral", neutral, ("split", "right", "exclude"))
    check_choice("lang", lang, ("en", "zh"))
    if not isinstance(sort, bool | np.bool_):
        raise CvlibInputError(f"sort={sort!r} must be True or False")
    if center is not None and not isinstance(center, Mapping | Real):
        raise CvlibInputError(
            f"center={center!r} must be a number or a dict item -> number on the code scale"
        )
    frame, cb, reasons = unwrap(data, codebook)
    if group is not None:
        check_columns_exist(frame, [group], what="group column")
        if items is not None and group in (items if not isinstance(items, str) else [items]):
            raise CvlibInputError(
                f"group column {group!r} is also listed in items; an item cannot be its own facet"
            )
    if items is None and cb is not None:
        items = [i for i, spec in cb.items() if spec.type == "likert" and i in frame.columns]
        items = [i for i in items if i != group]
        if not items:
            raise CvlibInputError(
                "items=None takes the codebook's items of type 'likert' found in the data, and "
                "there are none; pass items=[...] (ordinal, nps and binary items are charted only "
                "when listed)."
            )
    elif items is None and group is not None:
        items = [c for c in frame.columns if c != group]
    items = select_items(frame, items, minimum=1)
    if isinstance(center, Mapping):
        unknown = [k for k in center if k not in items]
        if unknown:
            raise CvlibInputError(
                f"center= names {unknown}, which are not among the items {list(items)}"
            )
    gcodes, levels, group_missing = _group_codes(frame, group, cb, reasons)
    if group_missing:
        warnings.warn(
            f"likert_table: {group_missing} row(s) have a missing value in group column "
            f"{group!r} and are left out of every item's percentages.",
            DataQualityWarning,
            stacklevel=2,
        )
    counted = _count_responses(
        frame, items, cb, reasons, gcodes, len(levels), require_codebook=True
    )
    gspec = cb.get(group) if (cb is not None and group is not None) else None
    group_labels = [
        None if g is None else (gspec.label(_fmt(g), lang) if gspec is not None else str(_fmt(g)))
        for g in levels
    ]

    blocks = []
    centres: dict[Hashable, float] = {}
    neutral_codes: dict[Hashable, Any] = {}
    positive_share: list[float] = []
    negative_share: list[float] = []
    for res in counted:
        spec = res.spec
        assert spec is not None  # require_codebook=True
        c, ncode = _center_of(res.item, spec, res.codes, center)
        centres[res.item] = _fmt(c)
        neutral_codes[res.item] = ncode
        n_valid = res.counts.sum(axis=1)
        empty = np.flatnonzero(n_valid == 0)
        if empty.size:
            where = "" if group is None else f" in group {group!r} = {levels[empty[0]]!r}"
            raise CvlibInputError(
                f"item {res.item!r} has no valid response{where} "
                f"({int(res.n_missing[empty[0]])} missing); percentages of valid responses are "
                f"undefined. Leave the item (or the group) out."
            )
        pct = 100.0 * res.counts / n_valid[:, None]
        left, right, side = _extents(pct, res.codes, c, neutral)
        pooled = res.counts.sum(axis=0)
        positive_share.append(float(pooled[res.codes > c].sum() / pooled.sum()))
        negative_share.append(float(pooled[res.codes < c].sum() / pooled.sum()))
        g_n, k = pct.shape
        block = {
            "item": [res.item] * (g_n * k),
            "group": np.repeat(np.asarray(levels, dtype=object), k),
            "group_label": np.repeat(np.asarray(group_labels, dtype=object), k),
            "code": np.tile(res.codes, g_n),
            "label": [spec.label(_fmt(x), lang) for x in res.codes] * g_n,
            "n": res.counts.ravel(),
            "pct": pct.ravel(),
            "left": left.ravel(),
            "right": right.ravel(),
            "side": side.ravel(),
            "wording": [spec.text(lang)] * (g_n * k),
            "n_valid": np.repeat(n_valid, k),
            "n_missing": np.repeat(res.n_missing, k),
        }
        blocks.append(block)
    order = list(range(len(blocks)))
    if sort:
        order = sorted(order, key=lambda i: (-positive_share[i], negative_share[i], i))
    columns = [c for c in _COLUMNS if group is not None or c not in ("group", "group_label")]
    table = pd.concat(
        [pd.DataFrame({c: blocks[i][c] for c in columns}) for i in order], ignore_index=True
    )
    codes_all = table["code"].to_numpy(dtype="float64")
    if np.all(np.mod(codes_all, 1) == 0):
        table["code"] = codes_all.astype(np.int64)
    for col in ("n", "n_valid", "n_missing"):
        table[col] = table[col].astype(np.int64)
    for col in ("pct", "left", "right"):
        table[col] = table[col].astype("float64")
    table.attrs["cvlib"] = {
        "function": "likert_table",
        "neutral": neutral,
        "center": centres,
        "neutral_code": neutral_codes,
        "sort": bool(sort),
        "group": group,
        "lang": lang,
        "missing": {res.item: res.reasons for res in counted},
        "group_missing": group_missing,
    }
    return table

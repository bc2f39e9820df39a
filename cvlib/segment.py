"""Customer segments: the current × potential value matrix and ABC / Pareto classes.

* :func:`value_matrix` — the seed's two-dimensional customer-value segmentation (二维客户价值细分):
  each customer's current value (当前价值) and potential value (潜在价值) are compared with the mean
  over all customers; 高/高 → 高价值客户, 低/低 → 低价值客户, mixed → 中间客户
  (``methods/value_and_credit.md`` §1.4).
* :func:`abc_classify` — ABC classes by cumulative share of revenue or of customers (ABC分类法,
  "20/80" 规律), with the Pareto curve, top share, the 80/20 check and the Gini coefficient
  (``methods/rfm.md`` §12; seed bands ``methods/value_and_credit.md`` §2.1–2.2), and
  :func:`check_bands` to compare the classes with the seed's bands.
* :func:`cluster_rfm` — K-means on transformed, standardised R, F and M (RFM 聚类) over a range
  of k, with inertia and silhouette per k, deterministic cluster numbers, profiles and
  profile-based names (the 8-class labels, 八类客户) (``methods/rfm.md`` §11).

Figures: :func:`cvlib.plots.plot_value_matrix` takes ``result.table`` and ``result.centers``;
:func:`cvlib.plots.plot_pareto` takes ``result.pareto_curve``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import (
    CvlibInputError,
    check_choice,
    check_columns_exist,
    check_numeric,
    numeric_frame,
)

if TYPE_CHECKING:  # cvlib.rfm is imported lazily at run time
    from cvlib.rfm._card import DefinitionCard

__all__ = [
    "ABC_CUTS",
    "SOURCE_001_BANDS",
    "ABCResult",
    "ClusterResult",
    "ValueMatrixResult",
    "abc_classify",
    "check_bands",
    "cluster_rfm",
    "gini",
    "pareto_curve",
    "pareto_holds",
    "top_share",
    "value_matrix",
]

_MAX_LISTED = 10

# ---------------------------------------------------------------------------------------------
# current x potential value matrix (value_and_credit.md §1.4)

_QUADRANTS = ("HH", "HL", "LH", "LL")
_LEVELS = {"zh": ("高", "低"), "en": ("high", "low")}
_SEGMENTS = {
    "zh": ("高价值客户", "中间客户", "低价值客户"),
    "en": ("high value", "middle", "low value"),
}
_STRATEGIES = {  # [seed] 000_245a737c91eacf33.txt L313-315; English translation by cvlib
    "zh": ("企业应当予以重视", "根据具体情况适当投入资源", "企业不再投入资源"),
    "en": ("prioritise", "invest case by case", "no further investment"),
}
_UNCLASSIFIED = {"zh": "未分类", "en": "unclassified"}
_SEGMENT_OF_QUADRANT = np.array([0, 1, 1, 2])  # HH high, HL/LH middle, LL low
_SUBTYPE_OF_QUADRANT = np.array([-1, 0, 1, -1])  # middle sub-type HL / LH


@dataclass(frozen=True, repr=False, eq=False)
class ValueMatrixResult(ResultMixin):
    """Current × potential value matrix (二维客户价值细分), one row per customer.

    Attributes
    ----------
    table : DataFrame
        Per customer: ``current``, ``potential``, ``current_level``, ``potential_level`` (高/低),
        ``quadrant`` (HH, HL, LH, LL; current first), ``segment`` (高价值客户 / 中间客户 /
        低价值客户), ``subtype`` (HL or LH for 中间客户) and ``strategy``. Unclassified customers
        (a missing value) have missing labels.
    counts : DataFrame
        Per quadrant and for the unclassified: segment label, count and share of all customers.
    centers : Series
        The split points of the two axes (``current``, ``potential``).
    n_ties : Series
        Per axis, the customers whose value counted as equal to the centre.
    axes : tuple
        Names of the two inputs, current first (e.g. the group names 当前价值, 潜在价值).
    center, equal_is, tie_tol, lang
        The conventions used (see :func:`value_matrix`).
    n_unclassified : int
        Customers with a missing current or potential value.

    The result does not change after construction: every read of ``table``, ``counts``,
    ``centers`` or ``n_ties`` returns a new copy, so changing it leaves the result as it was.
    """

    # pandas objects are stored as copies and every read returns a new copy
    table: pd.DataFrame = Snapshot()
    counts: pd.DataFrame = Snapshot()
    centers: pd.Series = Snapshot()
    n_ties: pd.Series = Snapshot()
    axes: tuple[Hashable, Hashable]
    center: Any = Snapshot()
    equal_is: str
    tie_tol: float
    lang: str
    n_unclassified: int

    _conventions = ("center", "equal_is", "tie_tol", "lang", "n_unclassified")
    _title = "ValueMatrixResult (current × potential value, 二维客户价值细分)"

    def summary(self) -> pd.DataFrame:
        """The counts table: per quadrant (and unclassified) the segment, count and share."""
        return self.counts  # a new copy


def value_matrix(
    current: pd.Series | pd.DataFrame | Any,
    potential: pd.Series | None = None,
    *,
    axes: tuple[Hashable, Hashable] | None = None,
    center: str | float | tuple[float, float] = "mean",
    equal_is: str = "low",
    tie_tol: float = 1e-9,
    lang: str = "zh",
) -> ValueMatrixResult:
    """Split customers into 高/低 current and potential value and into the four quadrants.

    Per axis: 高 (high) if x > center, 低 (low) if x < center ("大于均值则评价为高, 小于均值则评价为
    低"); a value counts as equal to the centre when |x − center| ≤ tie_tol · max(1, SD(x))
    (SD with ddof = 1) and is then placed by ``equal_is``.

    ======== ========= ======================= =========================
    current  potential segment                 strategy [seed]
    ======== ========= ======================= =========================
    高       高        高价值客户 (high value)  企业应当予以重视
    高       低        中间客户 (middle), HL   根据具体情况适当投入资源
    低       高        中间客户 (middle), LH   根据具体情况适当投入资源
    低       低        低价值客户 (low value)   企业不再投入资源
    ======== ========= ======================= =========================

    Parameters
    ----------
    current : Series, DataFrame or ScoreResult
        Current value per customer (index = customer ids). Or a DataFrame holding the current
        and potential values, or a :class:`cvlib.scoring.ScoreResult` with groups (its
        ``sub_scores``); ``potential`` is then omitted. Which column is which comes from ``axes``
        or, without it, from the names: with exactly two columns named current/potential
        (English, any case) or 当前价值/潜在价值, in either order. Other names raise
        ``CvlibInputError`` asking for ``axes``; the column order is never used.
    potential : Series, optional
        Potential value per customer, with the same customer ids as ``current``.
    axes : (current, potential), optional
        The names of the current-value and potential-value columns (or ScoreResult groups), in
        that order; the frame may then hold other columns too. Only with a DataFrame or
        ScoreResult (two Series are always ``current, potential``).
    center : {"mean", "median"}, float or (float, float)
        The split point: the mean over all customers (default, the seed's rule), the median, or a
        fixed number (one for both axes or one per axis, e.g. a reference period's means).
    equal_is : {"low", "high", "raise"}
        Where a value equal to the centre goes. The seed leaves it open; ``"low"`` (default)
        means high only if strictly greater. ``"raise"`` raises naming the customers.
    tie_tol : float
        Relative tolerance of "equal" (z-score means are 0 only up to ~1e-16).
    lang : {"zh", "en"}
        Language of the labels (高/低, 高价值客户, strategy); identifiers and quadrant codes stay.

    Returns
    -------
    ValueMatrixResult
        ``table`` (per customer), ``counts`` (per quadrant, with shares), ``centers``,
        ``n_ties``, ``n_unclassified`` and the conventions; ``summary()`` gives ``counts``.

    Examples
    --------
    >>> import pandas as pd
    >>> res = value_matrix(pd.Series([3.0, 1.0, 2.0]), pd.Series([1.0, 3.0, 2.0]))
    >>> res.table["quadrant"].tolist()
    ['HL', 'LH', 'LL']
    >>> df = pd.DataFrame({"潜在价值": [1.0, 3.0, 2.0], "当前价值": [3.0, 1.0, 2.0]})
    >>> value_matrix(df).table["quadrant"].tolist()  # columns recognised by name
    ['HL', 'LH', 'LL']
    >>> df = pd.DataFrame({"pot": [1.0, 3.0, 2.0], "cur": [3.0, 1.0, 2.0]})
    >>> value_matrix(df, axes=("cur", "pot")).axes
    ('cur', 'pot')

    References
    ----------
    The seed article on AHP customer-value segmentation (层次分析法客户价值细分, lubricant-company
    case), ``methods/value_and_credit.md`` §1.4.
    """
    check_choice("equal_is", equal_is, ("low", "high", "raise"))
    check_choice("lang", lang, ("zh", "en"))
    if not (isinstance(tie_tol, Real) and math.isfinite(tie_tol) and tie_tol >= 0):
        raise CvlibInputError(f"tie_tol must be a finite number >= 0, got {tie_tol!r}.")
    data, axes = _two_axes(current, potential, axes)
    centers = _centers(data, center)

    x = data.to_numpy(dtype="float64")
    valid = ~np.isnan(x)
    sd = data.std(ddof=1).to_numpy()
    scale = np.fmax(1.0, np.nan_to_num(sd, nan=1.0))
    c = centers.to_numpy()
    equal = valid & (np.abs(x - c) <= tie_tol * scale)
    if equal_is == "raise" and equal.any():
        parts = [
            f"{name} (centre {c[j]:.6g}): customer(s) {_listed(data.index[equal[:, j]])}"
            for j, name in enumerate(axes)
            if equal[:, j].any()
        ]
        raise CvlibInputError(
            f"customers equal to the centre (|x − center| ≤ tie_tol·max(1, SD)): "
            f"{'; '.join(parts)}. The seed does not say where they go; pass equal_is='low' "
            f"(high only if strictly greater) or equal_is='high'."
        )
    high = (x > c) & ~equal if equal_is == "low" else (x > c) | equal

    complete = valid.all(axis=1)
    quadrant = np.where(complete, 2 * (~high[:, 0]) + (~high[:, 1]), -1)
    seg = np.where(complete, _SEGMENT_OF_QUADRANT[quadrant], -1)
    sub = np.where(complete, _SUBTYPE_OF_QUADRANT[quadrant], -1)
    levels = [np.where(valid[:, j], (~high[:, j]).astype(int), -1) for j in range(2)]

    def cat(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=list(categories))

    index = data.index
    table = pd.DataFrame(
        {
            "current": x[:, 0],
            "potential": x[:, 1],
            "current_level": cat(levels[0], _LEVELS[lang]),
            "potential_level": cat(levels[1], _LEVELS[lang]),
            "quadrant": cat(quadrant, _QUADRANTS),
            "segment": cat(seg, _SEGMENTS[lang]),
            "subtype": cat(sub, ("HL", "LH")),
            "strategy": cat(seg, _STRATEGIES[lang]),
        },
        index=index,
    )

    n = len(index)
    n_unclassified = int((~complete).sum())
    counted = np.bincount(quadrant[complete], minlength=4)
    seg_names = _SEGMENTS[lang]
    counts = pd.DataFrame(
        {
            "segment": [seg_names[k] for k in _SEGMENT_OF_QUADRANT] + [_UNCLASSIFIED[lang]],
            "count": np.append(counted, n_unclassified),
        },
        index=pd.Index([*_QUADRANTS, "unclassified"], name="quadrant"),
    )
    counts["share"] = counts["count"] / n
    return ValueMatrixResult(
        table=table,
        counts=counts,
        centers=centers,
        n_ties=pd.Series(equal.sum(axis=0), index=centers.index, name="n_ties"),
        axes=axes,
        center=center,
        equal_is=equal_is,
        tie_tol=float(tie_tol),
        lang=lang,
        n_unclassified=n_unclassified,
    )


# names recognised as the two axes when a DataFrame or ScoreResult is passed without axes=
_CURRENT_NAMES = frozenset({"current", "当前价值"})
_POTENTIAL_NAMES = frozenset({"potential", "潜在价值"})


def _axis_kind(name: Hashable) -> str | None:
    """ "current" or "potential" for a known axis name (English case-insensitive), else None."""
    if not isinstance(name, str):
        return None
    key = name.strip().casefold()
    if key in _CURRENT_NAMES:
        return "current"
    if key in _POTENTIAL_NAMES:
        return "potential"
    return None


def _pick_axes(frame: pd.DataFrame, axes: Any, what: str) -> pd.DataFrame:
    """The two columns (current, potential) of ``frame``, by ``axes`` or by their known names."""
    if axes is not None:
        if isinstance(axes, str | bytes) or not (isinstance(axes, Sequence) and len(axes) == 2):
            raise CvlibInputError(
                f"axes must be a pair (current, potential) of column names, got {axes!r}."
            )
        cur, pot = axes
        if cur == pot:
            raise CvlibInputError(f"axes names the same column {cur!r} twice.")
        check_columns_exist(frame, [cur, pot], what="axes column")
        return frame[[cur, pot]]
    if frame.shape[1] != 2:
        raise CvlibInputError(
            f"{what} has {frame.shape[1]} columns ({_listed(frame.columns)}); the value "
            f"matrix needs exactly two (current, potential). Pass axes=(current, potential) to "
            f"pick them, e.g. axes=('当前价值', '潜在价值'), or groups with two branches."
        )
    kinds = [_axis_kind(c) for c in frame.columns]
    if set(kinds) != {"current", "potential"}:
        a, b = frame.columns
        raise CvlibInputError(
            f"cannot tell which column of {what} ({_listed(frame.columns)}) is the current and "
            f"which the potential value: the recognised names are current/potential and "
            f"当前价值/潜在价值. Pass axes=(current, potential), e.g. axes=({a!r}, {b!r})."
        )
    return frame if kinds[0] == "current" else frame.iloc[:, ::-1]


def _two_axes(
    current: Any, potential: Any, axes: Any
) -> tuple[pd.DataFrame, tuple[Hashable, Hashable]]:
    """A float64 frame with columns current, potential, and the names of the two inputs."""
    if potential is None:
        frame = getattr(current, "sub_scores", current)  # a ScoreResult: its group sub-scores
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                "value_matrix needs current and potential Series, a DataFrame with two columns, "
                f"or a ScoreResult with two groups; got {type(current).__name__} alone."
            )
        what = "the DataFrame" if frame is current else "the ScoreResult sub_scores"
        frame = _pick_axes(frame, axes, what)
    else:
        if axes is not None:
            raise CvlibInputError(
                "axes= picks the two columns of a DataFrame or ScoreResult; with two Series the "
                "order is value_matrix(current, potential). Remove axes=."
            )
        for name, s in (("current", current), ("potential", potential)):
            if not isinstance(s, pd.Series):
                raise TypeError(
                    f"{name} must be a pandas Series indexed by customer id, got "
                    f"{type(s).__name__}."
                )
        for name, s in (("current", current), ("potential", potential)):
            if s.index.has_duplicates:
                raise CvlibInputError(
                    f"{name} has duplicated customer ids {_listed(s.index[s.index.duplicated()])}."
                )
        only_c = current.index.difference(potential.index)
        only_p = potential.index.difference(current.index)
        if len(only_c) or len(only_p):
            raise CvlibInputError(
                f"current and potential must cover the same customers: only in current "
                f"{_listed(only_c) or 'none'}; only in potential {_listed(only_p) or 'none'}."
            )
        frame = pd.DataFrame({0: current, 1: potential.reindex(current.index)}, index=current.index)
        frame.columns = [
            current.name if current.name is not None else "current",
            potential.name if potential.name is not None else "potential",
        ]
    axes = (frame.columns[0], frame.columns[1])
    if frame.index.has_duplicates:
        raise CvlibInputError(
            f"duplicated customer ids {_listed(frame.index[frame.index.duplicated()])}."
        )
    data = numeric_frame(frame, "value matrix input")
    data.columns = ["current", "potential"]
    return data, axes


def _centers(data: pd.DataFrame, center: Any) -> pd.Series:
    if isinstance(center, str):
        check_choice("center", center, ("mean", "median"))
        values = data.mean() if center == "mean" else data.median()
        empty = [c for c in data.columns if data[c].notna().sum() == 0]
        if empty:
            raise CvlibInputError(f"{_listed(empty)} has no observed value; no {center} exists.")
        return values.rename("center")
    if isinstance(center, int | float | np.integer | np.floating) and not isinstance(center, bool):
        pair = (float(center), float(center))
    elif isinstance(center, Sequence) and len(center) == 2:
        pair = tuple(float(v) for v in center)
    else:
        raise CvlibInputError(
            f"center={center!r} is not valid; use 'mean', 'median', a number, or (current, "
            f"potential) numbers."
        )
    if not all(math.isfinite(v) for v in pair):
        raise CvlibInputError(f"center must be finite, got {center!r}.")
    return pd.Series(pair, index=["current", "potential"], name="center")


# ---------------------------------------------------------------------------------------------
# ABC / Pareto (rfm.md §12, value_and_credit.md §2.1-2.2)

#: Default cuts of :func:`abc_classify` per ``by``, and the seed's bands as ``preset="source_001"``.
ABC_CUTS: dict[str | None, dict[str, tuple[float, float]]] = {
    None: {"revenue": (0.80, 0.95), "customers": (0.20, 0.40)},
    "source_001": {"revenue": (0.60, 0.80), "customers": (0.15, 0.35)},
}

#: The seed's ABC bands in percent (001_d91ab13e8d170bdb.txt L268): (low, high) of the customer
#: share and of the amount share per class; ``None`` = "≈ 20 %", read as 20 ± tol_pp.
SOURCE_001_BANDS: dict[str, dict[str, tuple[float, float] | None]] = {
    "A": {"customers": (10.0, 20.0), "amount": (60.0, 70.0)},
    "B": {"customers": None, "amount": None},
    "C": {"customers": (60.0, 70.0), "amount": (10.0, 20.0)},
}

_CLASSES = ("A", "B", "C")
_PARETO_TOL = 1e-12  # pareto_holds: guard against 0.8 computed as 0.7999999999999999


@dataclass(frozen=True, repr=False, eq=False)
class ABCResult(ResultMixin):
    """ABC classes by cumulative share (ABC分类法) with the Pareto statistics.

    Attributes
    ----------
    classes : Series
        Per customer (input order): "A", "B", "C", or missing (NA) outside the population.
    table : DataFrame
        Per class A, B, C: ``customers``, ``customer_share``, ``revenue``, ``revenue_share``,
        ``mean``. Shares are of the population (amount > 0).
    amounts : Series
        The amounts used, per customer in input order.
    by : str
        ``"revenue"`` or ``"customers"``.
    cuts : (float, float)
        The two cuts used; ``preset`` names their source (or ``None``).
    n, n_excluded, n_nonpositive, n_missing : int
        Population size; customers outside it (class NA), of which amount ≤ 0 and missing.
    excluded_amount : float
        Σ of the (non-positive) amounts outside the population.
    card : DefinitionCard or None
        With an input that has a definition card (an RFM result), that card extended with an
        "abc" section (cuts, exclusions, class counts, top-20 % share, Gini; ``methods/rfm.md``
        §15); ``None`` for a Series or DataFrame input.

    The result does not change after construction: every read of ``classes``, ``table`` or
    ``amounts`` returns a new copy, and ``sorted_amounts`` is a read-only array.
    """

    # pandas objects are stored as copies and every read returns a new copy
    classes: pd.Series = Snapshot()
    table: pd.DataFrame = Snapshot()
    amounts: pd.Series = Snapshot()
    by: str
    cuts: tuple[float, float]
    preset: str | None
    n: int
    n_excluded: int
    n_nonpositive: int
    n_missing: int
    excluded_amount: float
    card: DefinitionCard | None = None

    _conventions = ("by", "cuts", "preset", "n", "n_excluded")
    _title = "ABCResult (ABC分类法 / Pareto)"

    @cached_property
    def sorted_amounts(self) -> np.ndarray:
        """The population's amounts (> 0), highest first (a read-only array)."""
        values = _population(self._amounts)[1].copy()
        values.flags.writeable = False
        return values

    @property
    def pareto_curve(self) -> pd.DataFrame:
        """Cumulative customer share vs revenue share, highest amount first, from (0, 0)."""
        return _pareto_curve(self.sorted_amounts)

    def top_share(self, p: float = 0.2) -> float:
        """Revenue share of the top ⌈p·N⌉ customers of the population."""
        return _top_share(self.sorted_amounts, p)

    @property
    def pareto_holds(self) -> bool:
        """True when the top 20 % of customers hold at least 80 % of the amount (二八原则)."""
        return _top_share(self.sorted_amounts, 0.2) >= 0.80 - _PARETO_TOL

    @property
    def gini(self) -> float:
        """Gini coefficient of the population's amounts (0 = all equal)."""
        return _gini(self.sorted_amounts)

    def summary(self) -> pd.DataFrame:
        """The class table plus a row "NA" with the customers outside the population."""
        na = pd.DataFrame(
            {
                "customers": [self.n_excluded],
                "customer_share": [np.nan],
                "revenue": [self.excluded_amount],
                "revenue_share": [np.nan],
                "mean": [np.nan],
            },
            index=["NA"],
        )
        return pd.concat([self._table, na])


def abc_classify(
    amounts: pd.Series | pd.DataFrame | Any,
    *,
    by: str = "revenue",
    cuts: tuple[float, float] | None = None,
    preset: str | None = None,
    column: Hashable | None = None,
) -> ABCResult:
    """ABC classes by cumulative share of revenue (or of customers), the 80/20 analysis.

    Population: customers with amount > 0 (others get class NA and are counted). Sort by amount
    descending, ties by customer id ascending (for the sort only; since a group of equal amounts
    takes one class, the order within a tie changes no output), and take the cumulative share
    *before* customer i:

    * ``by="revenue"``: prev_i = Σ_{j<i} M_j / Σ M;
    * ``by="customers"``: prev_i = (i − 1)/N.

    Class A if prev_i < cuts[0], B if prev_i < cuts[1], else C, so class A always holds at least
    cuts[0] and is never empty. A group of equal amounts always gets one class: that of its first
    member in the sort. When no customer has an amount > 0 the classes are undefined and
    ``CvlibInputError`` says how many amounts were ≤ 0 and how many missing.

    Parameters
    ----------
    amounts : Series, DataFrame or RFM result
        Amount per customer (index = customer ids): a Series; a DataFrame with ``column=``; or any
        object with a ``.table`` DataFrame holding a ``monetary`` column (an RFM result). With
        a result, the classes are indexed by its id column (``.customer``) when it names a
        column of the table, and its ``.card`` (if any) is returned extended with an "abc"
        section.
    by : {"revenue", "customers"}
        Cumulate the share of the amount (default) or the share of customers.
    cuts : (float, float), optional
        0 < cuts[0] ≤ cuts[1] ≤ 1. Default (0.80, 0.95) for revenue, (0.20, 0.40) for customers.
    preset : {"source_001"}, optional
        The seed's bands as cuts (``value_and_credit.md`` §2.1): revenue (0.60, 0.80),
        customers (0.15, 0.35). Not together with ``cuts``.
    column : str, optional
        The amount column when ``amounts`` is a DataFrame.

    Returns
    -------
    ABCResult
        ``classes``, ``table`` (per class: customers, shares, revenue, mean), ``pareto_curve``,
        ``top_share(p)``, ``pareto_holds``, ``gini``, the counts of excluded customers and
        ``card`` (the input's card with an "abc" section, or ``None``).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.Series([500, 300, 200, 150, 100, 80, 60, 50, 40, 30], index=range(1, 11))
    >>> abc_classify(m, preset="source_001").classes.tolist()
    ['A', 'A', 'A', 'B', 'B', 'C', 'C', 'C', 'C', 'C']

    References
    ----------
    Juran, J. M. (1951). *Quality Control Handbook* (the Pareto principle, "vital few").
    Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. *JASA* 9(70), 209–219.
    Seed: 001_d91ab13e8d170bdb.txt L268 (supermarket ABC bands), 002_b327b4758369a3e6.txt L248.
    """
    check_choice("by", by, ("revenue", "customers"))
    check_choice("preset", preset, [p for p in ABC_CUTS if p is not None] + [None])
    if cuts is not None and preset is not None:
        raise CvlibInputError(
            f"pass either cuts= or preset=, not both (preset={preset!r} defines cuts "
            f"{ABC_CUTS[preset][by]})."
        )
    cuts = _check_cuts(cuts if cuts is not None else ABC_CUTS[preset][by])
    m = _amounts(amounts, column)

    n_missing = int(m.isna().sum())
    nonpositive = m[m <= 0]
    positions, values = _population(m)
    n = len(values)
    if n == 0:
        raise _no_population(m)
    total = float(values.sum())
    if by == "revenue":
        prev = np.concatenate(([0.0], np.cumsum(values)[:-1])) / total
    else:
        prev = np.arange(n) / n
    code = np.where(prev < cuts[0], 0, np.where(prev < cuts[1], 1, 2))
    # equal amounts share the class of their first member
    start = np.r_[True, values[1:] != values[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    code = code[first]

    class_codes = np.full(len(m), -1)
    class_codes[positions] = code
    classes = pd.Series(
        pd.Categorical.from_codes(class_codes, categories=list(_CLASSES)),
        index=m.index,
        name="abc_class",
    )
    count = np.bincount(code, minlength=3)
    revenue = np.bincount(code, weights=values, minlength=3)
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty class B or C: mean NaN
        table = pd.DataFrame(
            {
                "customers": count,
                "customer_share": count / n,
                "revenue": revenue,
                "revenue_share": revenue / total,
                "mean": revenue / count,
            },
            index=pd.Index(_CLASSES, name="class"),
        )
    return ABCResult(
        classes=classes,
        table=table,
        amounts=m,
        by=by,
        cuts=cuts,
        preset=preset,
        n=n,
        n_excluded=len(m) - n,
        n_nonpositive=len(nonpositive),
        n_missing=n_missing,
        excluded_amount=float(nonpositive.sum()),
        card=_abc_card(amounts, by, cuts, preset, n, m, nonpositive, table, values),
    )


def _abc_card(
    source: Any,
    by: str,
    cuts: tuple[float, float],
    preset: str | None,
    n: int,
    m: pd.Series,
    nonpositive: pd.Series,
    table: pd.DataFrame,
    values: np.ndarray,
) -> DefinitionCard | None:
    """The input's card with the "abc" section (rfm.md §12/§15), or None without a card."""
    from cvlib.rfm._card import DefinitionCard

    card = getattr(source, "card", None)
    if not isinstance(card, DefinitionCard):
        return None
    k = math.ceil(round(0.2 * n, 9))
    share = _top_share(values, 0.2)
    section = {
        "by": by,
        "cuts": list(cuts),
        "cuts_source": preset or "default",
        "rule": "A if cumulative share before the customer < cuts[0], B if < cuts[1], else C; "
        "equal amounts share one class",
        "population": n,
        "exclusions": {
            "amount ≤ 0": len(nonpositive),
            "missing": int(m.isna().sum()),
            "excluded_amount": float(nonpositive.sum()),
        },
        "classes": {
            cls: {
                "customers": int(table.loc[cls, "customers"]),
                "revenue_share": float(table.loc[cls, "revenue_share"]),
            }
            for cls in _CLASSES
        },
        "top_20_customers": k,
        "top_20_share": share,
        "pareto_holds": bool(share >= 0.80 - _PARETO_TOL),
        "gini": _gini(values),
    }
    return card.with_section("abc", section)


def check_bands(result: ABCResult, tol_pp: float = 5) -> pd.DataFrame:
    """Compare each class's customer and amount shares with the seed's ABC bands.

    Bands (``SOURCE_001_BANDS``, 001_d91ab13e8d170bdb.txt L268): A 10–20 % of customers with
    60–70 % of the amount; B ≈ 20 % / ≈ 20 % (read as 20 ± ``tol_pp`` percentage points); C
    60–70 % / 10–20 %. Band ends are inclusive.

    Parameters
    ----------
    result : ABCResult
        From :func:`abc_classify`.
    tol_pp : float
        Half-width in percentage points of the "≈ 20 %" bands of class B.

    Returns
    -------
    DataFrame
        Per class: ``customer_pct``, ``customer_band``, ``customer_ok``, ``amount_pct``,
        ``amount_band``, ``amount_ok`` and ``outside`` (True when either share is outside).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.Series([500, 300, 200, 150, 100, 80, 60, 50, 40, 30, 25, 20, 15, 12, 10, 8, 6, 5,
    ...                4, 3], index=range(1, 21))
    >>> check_bands(abc_classify(m, preset="source_001"))["outside"].any()
    np.False_

    References
    ----------
    Seed: 客户管理論文 (supermarket ABC), source 001, ``001_d91ab13e8d170bdb.txt`` L268 (the ABC
    bands); specs ``methods/value_and_credit.md`` §2.1–2.2 and ``methods/rfm.md`` §12.
    """
    if not isinstance(result, ABCResult):
        raise TypeError(f"check_bands needs an ABCResult, got {type(result).__name__}.")
    if not (isinstance(tol_pp, Real) and math.isfinite(tol_pp) and tol_pp >= 0):
        raise CvlibInputError(f"tol_pp must be a finite number >= 0, got {tol_pp!r}.")
    eps = 1e-9  # percentage points: 100 * 3/20 is 15.000000000000002 in float64
    rows = {}
    for cls in _CLASSES:
        row: dict[str, Any] = {}
        for key, col in (("customers", "customer"), ("amount", "amount")):
            share = "customer_share" if key == "customers" else "revenue_share"
            pct = 100.0 * float(result.table.loc[cls, share])
            band = SOURCE_001_BANDS[cls][key] or (20.0 - tol_pp, 20.0 + tol_pp)
            row[f"{col}_pct"] = pct
            row[f"{col}_band"] = f"{band[0]:g}–{band[1]:g}"
            row[f"{col}_ok"] = bool(band[0] - eps <= pct <= band[1] + eps)
        row["outside"] = not (row["customer_ok"] and row["amount_ok"])
        rows[cls] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("class")


def pareto_curve(amounts: pd.Series) -> pd.DataFrame:
    """Pareto (Lorenz-type) curve: cumulative customer share vs cumulative revenue share.

    Customers with amount > 0, highest first (ties by id); N + 1 rows starting at (0, 0) and
    ending at (1, 1). Columns ``customer_share`` and ``revenue_share``.

    Parameters
    ----------
    amounts : Series
        Amount per customer (index = customer ids); customers with amount ≤ 0 or missing are
        left out (the ABC population is amount > 0). Raises ``CvlibInputError`` when no customer
        has an amount > 0.

    Returns
    -------
    DataFrame
        N + 1 rows: ``customer_share`` k/N and ``revenue_share`` (Σ of the top k amounts) / Σ,
        k = 0..N.

    Examples
    --------
    >>> import pandas as pd
    >>> pareto_curve(pd.Series([1.0, 3.0]))["revenue_share"].tolist()
    [0.0, 0.75, 1.0]

    References
    ----------
    Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. *Publications of the
    American Statistical Association* 9(70), 209–219.
    Pareto, V. (1896). *Cours d'économie politique*, vol. 1. Lausanne: F. Rouge (the
    concentration of income).
    Juran, J. M. (1951). *Quality Control Handbook*. New York: McGraw-Hill (the Pareto principle,
    "vital few and trivial many").
    Seed: 客户管理論文 (supermarket ABC), source 001, ``001_d91ab13e8d170bdb.txt`` L268 (the ABC
    bands); specs ``methods/value_and_credit.md`` §2.1–2.2 and ``methods/rfm.md`` §12.
    """
    return _pareto_curve(_population_values(amounts))


def top_share(amounts: pd.Series, p: float = 0.2) -> float:
    """Revenue share held by the top ⌈p·N⌉ customers (customers with amount > 0).

    p·N is rounded to 9 decimals before the ceiling, so that 0.1·30 counts as 3, not 4.

    Parameters
    ----------
    amounts : Series
        Amount per customer (index = customer ids); customers with amount ≤ 0 or missing are
        left out (the ABC population is amount > 0). Raises ``CvlibInputError`` when no customer
        has an amount > 0.
    p : float
        Share of customers in (0, 1]; default 0.2 (the "20" of 80/20).

    Returns
    -------
    float
        Σ of the ⌈p·N⌉ largest amounts / Σ of all amounts > 0.

    Examples
    --------
    >>> import pandas as pd
    >>> top_share(pd.Series([90.0] + [1.0] * 10))
    0.92

    References
    ----------
    Pareto, V. (1896). *Cours d'économie politique*, vol. 1. Lausanne: F. Rouge (the
    concentration of income).
    Juran, J. M. (1951). *Quality Control Handbook*. New York: McGraw-Hill (the Pareto principle,
    "vital few and trivial many").
    Seed: 客户管理論文 (supermarket ABC), source 001, ``001_d91ab13e8d170bdb.txt`` L268 (the ABC
    bands); specs ``methods/value_and_credit.md`` §2.1–2.2 and ``methods/rfm.md`` §12.
    """
    return _top_share(_population_values(amounts), p)


def pareto_holds(amounts: pd.Series) -> bool:
    """True when the top 20 % of customers hold at least 80 % of the amount (二八原则).

    ``top_share(amounts, 0.2) >= 0.80`` (with a 1e-12 guard for float rounding).

    Parameters
    ----------
    amounts : Series
        Amount per customer (index = customer ids); customers with amount ≤ 0 or missing are
        left out (the ABC population is amount > 0). Raises ``CvlibInputError`` when no customer
        has an amount > 0.

    Returns
    -------
    bool
        True when the top ⌈0.2·N⌉ customers hold at least 80 % of the amount.

    Examples
    --------
    >>> import pandas as pd
    >>> pareto_holds(pd.Series([90.0] + [1.0] * 10))
    True

    References
    ----------
    Pareto, V. (1896). *Cours d'économie politique*, vol. 1. Lausanne: F. Rouge (the
    concentration of income).
    Juran, J. M. (1951). *Quality Control Handbook*. New York: McGraw-Hill (the Pareto principle,
    "vital few and trivial many").
    Seed: ``002_b327b4758369a3e6.txt`` L248 ("80%以上的利润实际是由不到20%的客户所创造"); the ABC
    bands of 客户管理論文 (supermarket ABC), source 001, ``001_d91ab13e8d170bdb.txt`` L268; specs
    ``methods/value_and_credit.md`` §2.1–2.2 and ``methods/rfm.md`` §12.
    """
    return _top_share(_population_values(amounts), 0.2) >= 0.80 - _PARETO_TOL


def gini(amounts: pd.Series) -> float:
    """Gini coefficient G = Σ_i (2i − N − 1) x_(i) / (N Σ x), x ascending, i = 1..N.

    Over the customers with amount > 0 (the ABC population). 0 when all amounts are equal; at most
    (N − 1)/N when one customer holds everything. Equal to the mean absolute difference
    Σ_i Σ_j |x_i − x_j| / (2 N² mean(x)), and to 1 − 2 × (area under the Lorenz curve) with the
    curve's trapezoids.

    Parameters
    ----------
    amounts : Series
        Amount per customer (index = customer ids); customers with amount ≤ 0 or missing are
        left out (the ABC population is amount > 0). Raises ``CvlibInputError`` when no customer
        has an amount > 0.

    Returns
    -------
    float
        G in [0, (N − 1)/N].

    Examples
    --------
    >>> import pandas as pd
    >>> gini(pd.Series([1.0, 2.0, 3.0, 4.0]))
    0.25

    References
    ----------
    Gini, C. (1912). *Variabilità e mutabilità*. Bologna: Tipografia di Paolo Cuppini.
    Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. *Publications of the
    American Statistical Association* 9(70), 209–219.
    Seed: 客户管理論文 (supermarket ABC), source 001, ``001_d91ab13e8d170bdb.txt`` L268 (the ABC
    bands); specs ``methods/value_and_credit.md`` §2.1–2.2 and ``methods/rfm.md`` §12.
    """
    return _gini(_population_values(amounts))


def _amounts(amounts: Any, column: Hashable | None) -> pd.Series:
    """Validated float64 amounts per customer (NaN allowed; text, inf and duplicate ids raise)."""
    if isinstance(amounts, pd.DataFrame):
        if column is None:
            raise CvlibInputError(
                f"amounts is a DataFrame: pass column= the amount column (columns: "
                f"{_listed(amounts.columns)})."
            )
        check_columns_exist(amounts, [column])
        frame = amounts[[column]]
    elif isinstance(amounts, pd.Series):
        frame = amounts.to_frame(amounts.name if amounts.name is not None else "amount")
    elif isinstance(getattr(amounts, "table", None), pd.DataFrame):
        column = "monetary" if column is None else column
        table = amounts.table
        check_columns_exist(table, [column])
        customer = getattr(amounts, "customer", None)
        if customer is not None and customer in table.columns and customer != column:
            frame = table.set_index(customer)[[column]]  # classes indexed by customer id
        else:
            frame = table[[column]]
    else:
        raise TypeError(
            f"amounts must be a Series indexed by customer id, a DataFrame with column=, or an "
            f"RFM result with a .table holding 'monetary'; got {type(amounts).__name__}."
        )
    if frame.index.has_duplicates:
        raise CvlibInputError(
            f"duplicated customer ids {_listed(frame.index[frame.index.duplicated()])}; "
            f"aggregate to one amount per customer first."
        )
    m = numeric_frame(frame, "amounts").iloc[:, 0]
    return m.rename("amount")


def _population(m: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``m`` and values of the amounts > 0, sorted by amount descending (stable)."""
    values = m.to_numpy()
    pos = np.flatnonzero(values > 0)
    order = np.argsort(-values[pos], kind="stable")
    return pos[order], values[pos][order]


def _population_values(amounts: Any) -> np.ndarray:
    """Validated amounts > 0, highest first, for the standalone Pareto functions."""
    m = _amounts(amounts, None)
    values = _population(m)[1]
    if len(values) == 0:
        raise _no_population(m)
    return values


def _no_population(m: pd.Series) -> CvlibInputError:
    """The error for amounts without any customer > 0 (the population is empty)."""
    n_missing = int(m.isna().sum())
    n_nonpositive = int((m <= 0).sum())
    return CvlibInputError(
        f"no customer has an amount > 0 ({len(m)} customer(s): {n_nonpositive} with amount "
        f"<= 0, {n_missing} missing), so the ABC classes and the Pareto statistics (shares, top "
        f"share, Gini) are undefined. Check the amount column (e.g. revenue, not a cost or a "
        f"refund) and the period."
    )


def _pareto_curve(values: np.ndarray) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "customer_share": np.arange(n + 1) / n,
            "revenue_share": np.concatenate(([0.0], np.cumsum(values))) / values.sum(),
        }
    )


def _top_share(values: np.ndarray, p: float) -> float:
    if not (isinstance(p, Real) and 0 < p <= 1):
        raise CvlibInputError(f"p must be a share in (0, 1], got {p!r}.")
    k = math.ceil(round(p * len(values), 9))
    return float(values[:k].sum() / values.sum())


def _gini(values: np.ndarray) -> float:
    x = values[::-1]  # ascending
    n = len(x)
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def _check_cuts(cuts: Any) -> tuple[float, float]:
    try:
        a, b = (float(c) for c in cuts)
    except (TypeError, ValueError):
        raise CvlibInputError(f"cuts must be two numbers (A cut, A+B cut), got {cuts!r}.") from None
    if not (0 < a <= b <= 1):
        raise CvlibInputError(
            f"cuts must satisfy 0 < cuts[0] <= cuts[1] <= 1 (cumulative shares), got {cuts!r}."
        )
    return (a, b)


def _listed(items: Any) -> str:
    items = list(items)
    shown = ", ".join(map(repr, items[:_MAX_LISTED]))
    more = len(items) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


# ---------------------------------------------------------------------------------------------
# K-means on transformed, standardised RFM (methods/rfm.md §11)

_RAW = ("recency_days", "frequency", "monetary")
_SCORES = ("r_score", "f_score", "m_score")
#: Columns cluster_rfm adds to its table (the customer id column must not be named like them).
_OUTPUT_COLUMNS = ("cluster", "cluster_name", "cluster_name_zh", "exclusion")
_SILHOUETTE_MAX = 10_000  # rfm.md §11: silhouette on a seeded sample of 10,000 above this N
_PROGRESS_MIN = 50_000  # progress=None shows a bar for sweeps over at least this many customers
# (recent, F high, M high) -> (EN, ZH): the cn8 labels of methods/rfm.md §9.6
_CN8 = {
    (True, True, True): ("Important value", "重要价值客户"),
    (True, False, True): ("Important development", "重要发展客户"),
    (False, True, True): ("Important retention", "重要保持客户"),
    (False, False, True): ("Important win-back", "重要挽留客户"),
    (True, True, False): ("General value", "一般价值客户"),
    (True, False, False): ("General development", "一般发展客户"),
    (False, True, False): ("General retention", "一般保持客户"),
    (False, False, False): ("General win-back", "一般挽留客户"),
}
_EXCLUSION_F0 = "frequency = 0"
_EXCLUSION_MISSING = "missing value"


@dataclass(frozen=True, repr=False, eq=False)
class ClusterResult(ResultMixin):
    """K-means clusters of customers on transformed, standardised RFM (RFM 聚类), with profiles.

    Attributes
    ----------
    table : DataFrame
        One row per input customer (input order): the customer id column, ``recency_days``,
        ``frequency``, ``monetary`` (and the score columns with ``features="scores"``),
        ``cluster`` (Int64, 0…k−1 in the deterministic order; NA if excluded),
        ``cluster_name``, ``cluster_name_zh`` and ``exclusion`` (the reason, NA if clustered).
    diagnostics : DataFrame
        Per k of the sweep (index ``k``): ``inertia`` (within-cluster sum of squares in the
        scaled feature space), ``silhouette``, ``calinski_harabasz``, ``n_iter``,
        ``min_cluster_share`` and the flags ``best`` (max silhouette) and ``chosen``.
    profiles : DataFrame
        Per cluster of the chosen k (index ``cluster``): ``name``, ``name_zh``, ``n``,
        ``share``, ``revenue``, ``revenue_share``, mean and median of ``recency_days``,
        ``frequency`` and ``monetary``, and the naming pattern ``recent``, ``f_high``,
        ``m_high``.
    centers : DataFrame
        Cluster centres of the chosen k in the scaled feature space (rows in cluster order).
    scaled : DataFrame
        The transformed, scaled features K-means saw, one row per clustered customer (index =
        customer id).
    card : DefinitionCard
        The input's card (or a new one) with the "clustering" section (methods/rfm.md §15).
    k, best_k, k_rule, ks
        The k of the labels; the k with the largest silhouette (ties → smaller k; informational);
        how k was chosen (``"given"`` or ``"max silhouette"``); the k swept.
    features, transform, scale, ddof, seed, n_init, nonpositive, customer
        The conventions used (see :func:`cluster_rfm`).
    n, n_excluded : int
        Customers clustered and customers excluded.
    exclusions : dict
        Excluded customers per reason (``"frequency = 0"``, ``"missing value"``,
        ``"monetary ≤ 0"``, ``"recency_days ≤ 0"``).
    shifts : dict
        With ``nonpositive="shift"``: the constant added to each shifted feature before the
        transform.
    silhouette_sample_size : int
        Customers the silhouette was computed on (N, or 10,000 when N > 10,000).

    The result does not change after construction: every read of a table returns a new copy.
    """

    table: pd.DataFrame = Snapshot()
    diagnostics: pd.DataFrame = Snapshot()
    profiles: pd.DataFrame = Snapshot()
    centers: pd.DataFrame = Snapshot()
    scaled: pd.DataFrame = Snapshot()
    exclusions: dict[str, int] = Snapshot()
    shifts: dict[str, float] = Snapshot()
    card: DefinitionCard
    k: int
    best_k: int
    k_rule: str
    ks: tuple[int, ...]
    features: str
    transform: str
    scale: str
    ddof: int
    seed: int
    n_init: int
    nonpositive: str
    customer: Hashable
    n: int
    n_excluded: int
    silhouette_sample_size: int

    _conventions = ("k", "k_rule", "features", "transform", "scale", "seed", "n_init", "n")
    _title = "ClusterResult (K-means on RFM, RFM 聚类)"

    @property
    def inertia(self) -> float:
        """Within-cluster sum of squared distances of the chosen k (scaled feature space)."""
        return float(self._diagnostics.loc[self.k, "inertia"])

    @property
    def silhouette(self) -> float:
        """Mean silhouette width of the chosen k (on ``silhouette_sample_size`` customers)."""
        return float(self._diagnostics.loc[self.k, "silhouette"])

    @property
    def labels(self) -> pd.Series:
        """Cluster per clustered customer (index = customer id), 0…k−1."""
        clustered = self._table[self._table["cluster"].notna()]
        return pd.Series(
            clustered["cluster"].to_numpy(dtype="int64"),
            index=pd.Index(clustered[self.customer], name=self.customer),
            name="cluster",
        )

    def summary(self) -> pd.DataFrame:
        """The cluster profiles (size, revenue share, mean and median R/F/M, names)."""
        return self.profiles  # a new copy

    def __repr__(self) -> str:
        head = f"{self._title}({self._convention_text()})"
        return f"{self.card}\n\n{head}\n{self._profiles.to_string()}"

    def _repr_html_(self) -> str:
        import html

        card = self.card._repr_html_() if hasattr(self.card, "_repr_html_") else ""
        title = html.escape(self._title)
        conv = html.escape(self._convention_text())
        fmt = lambda x: f"{x:.6g}"  # noqa: E731
        return (
            f"{card}<p><b>{title}</b> <code>{conv}</code></p>"
            f"{self._profiles.to_html(float_format=fmt)}"
            f"<p>Diagnostics per k</p>{self._diagnostics.to_html(float_format=fmt)}"
        )


def cluster_rfm(
    result: Any,
    *,
    k: int | Sequence[int] | range = range(2, 9),
    features: str = "raw",
    transform: str = "log1p",
    scale: str = "zscore",
    seed: int = 0,
    n_init: int = 10,
    nonpositive: str = "exclude",
    customer: Hashable | None = None,
    progress: bool | None = None,
) -> ClusterResult:
    """K-means clusters (K 均值聚类) of customers on transformed, standardised R, F and M.

    1. Population: customers with F ≥ 1 and no missing feature. With ``transform`` "log1p" or
       "log", customers with monetary ≤ 0 (and, for "log", recency_days ≤ 0) are handled by
       ``nonpositive``; every exclusion is counted by reason. No non-finite value reaches
       K-means.
    2. Features x = (recency_days, frequency, monetary) (or the R/F/M scores), transformed
       x' = log(1 + x) (``"log1p"``), log(x) or x, then scaled per column:
       z = (x' − mean) / s with s the sample SD (ddof = 1, ``cvlib.standardize.zscore``;
       sklearn's ``StandardScaler`` uses ddof = 0, which multiplies every column by the same
       factor √(N/(N − 1)) and gives the same labels), or min–max (x' − min)/(max − min).
       A constant column carries no information and is set to 0 (with a warning).
    3. For each k: ``sklearn.cluster.KMeans(n_clusters=k, n_init=n_init, random_state=seed)``
       (Lloyd's algorithm from k-means++ starts) minimises the inertia
       W_k = Σ_i ‖z_i − c_{label(i)}‖². Diagnostics: W_k, the mean silhouette
       s = mean_i (b_i − a_i) / max(a_i, b_i) (a_i: mean distance to the own cluster, b_i: to
       the nearest other cluster; on a seeded sample of 10,000 customers when N > 10,000) and
       the Calinski–Harabasz index.
    4. Chosen k: ``k`` itself when it is one number; for a range, ``best_k`` = argmax
       silhouette (ties → smaller k). Silhouette often prefers k = 2, which is rarely useful
       for marketing: look at the elbow of ``diagnostics.inertia``, the silhouettes and the
       profiles, then pass ``k`` explicitly (with the same seed, the labels equal that k's fit
       in the sweep).
    5. Deterministic relabelling: clusters sorted by (median monetary desc, median frequency
       desc, median recency_days asc; then mean monetary desc, size desc) and numbered 0…k−1.
    6. Names by profile: a cluster is *recent* iff its median recency_days < the median of the
       clustered population, *F high* / *M high* iff its median frequency / monetary > the
       population median; the pattern is named with the Chinese 8-class labels (八类客户,
       methods/rfm.md §9.6), e.g. recent + F high + M high → "Important value" / 重要价值客户.
       Repeated names get " #2", " #3" in cluster order.

    Parameters
    ----------
    result : RFM result or DataFrame
        An object with a ``.table`` DataFrame (``rfm_table``, ``score``, ``segment`` results;
        its ``.customer`` names the id column and its ``.card`` is extended), or a DataFrame
        with one row per customer. Required columns: ``recency_days`` (days since the last
        purchase, ≥ 0), ``frequency`` (≥ 0) and ``monetary``; with ``features="scores"`` also
        ``r_score``, ``f_score``, ``m_score``. Never modified.
    k : int or sequence of int
        Number of clusters, or the k to sweep (default 2…8). Each k must satisfy
        2 ≤ k ≤ N − 1 and k ≤ the number of distinct feature vectors.
    features : {"raw", "scores"}
        Cluster on the raw values (default) or on the 1…n scores of ``cvlib.rfm.score``.
    transform : {"log1p", "log", "none"}
        Applied to each feature before scaling; logs tame the heavy right tails of F and M.
    scale : {"zscore", "minmax"}
        Column scaling after the transform (z-scores with ddof = 1, or min–max to [0, 1]).
    seed : int
        ``random_state`` of KMeans and of the silhouette sample.
    n_init : int
        K-means restarts per k (the best inertia is kept).
    nonpositive : {"exclude", "shift", "raise"}
        For the log transforms, customers with a feature ≤ 0 (monetary; with "log" also
        recency_days): exclude and count them (default); shift the feature to
        x − min + 1 (min over the population, reported in ``shifts``); or raise. Not used with
        ``transform="none"`` (M ≤ 0 customers are then clustered as they are).
    customer : str, optional
        The customer id column; default the result's ``.customer``, else the table's index.
    progress : bool, optional
        Show a tqdm progress bar over the k sweep; default only for sweeps over ≥ 50,000
        customers.

    Returns
    -------
    ClusterResult
        ``table``, ``diagnostics`` (per k), ``profiles``, ``centers``, ``labels``, ``card``,
        ``k``, ``best_k``, ``inertia``, ``silhouette`` and the exclusion counts;
        ``summary()`` gives the profiles.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({
    ...     "customer_id": list("ABCDEFGH"),
    ...     "recency_days": [3, 5, 4, 6, 300, 320, 310, 330],
    ...     "frequency": [12, 10, 11, 9, 1, 2, 1, 1],
    ...     "monetary": [900.0, 1200.0, 1000.0, 800.0, 20.0, 35.0, 25.0, 15.0],
    ... })
    >>> res = cluster_rfm(rfm, k=2, customer="customer_id")
    >>> res.table["cluster"].tolist()
    [0, 0, 0, 0, 1, 1, 1, 1]
    >>> res.profiles[["name", "name_zh", "n"]]
                        name name_zh  n
    cluster
    0        Important value  重要价值客户  4
    1       General win-back  一般挽留客户  4
    >>> round(res.silhouette, 3), res.silhouette_sample_size
    (0.905, 8)

    References
    ----------
    MacQueen, J. (1967). Some methods for classification and analysis of multivariate
    observations. *Proc. 5th Berkeley Symposium on Mathematical Statistics and Probability* 1,
    281–297.
    Lloyd, S. P. (1982). Least squares quantization in PCM. *IEEE Transactions on Information
    Theory* 28(2), 129–137.
    Arthur, D., & Vassilvitskii, S. (2007). k-means++: the advantages of careful seeding.
    *Proc. 18th ACM-SIAM Symposium on Discrete Algorithms*, 1027–1035.
    Rousseeuw, P. J. (1987). Silhouettes: a graphical aid to the interpretation and validation
    of cluster analysis. *Journal of Computational and Applied Mathematics* 20, 53–65.
    Caliński, T., & Harabasz, J. (1974). A dendrite method for cluster analysis.
    *Communications in Statistics* 3(1), 1–27.
    Hughes, A. M. (1994). *Strategic Database Marketing*. Chicago: Probus (RFM).
    Spec: ``methods/rfm.md`` §11 (this function), §9.6 (names), §15 (card).
    """
    check_choice("features", features, ("raw", "scores"))
    check_choice("transform", transform, ("log1p", "log", "none"))
    check_choice("scale", scale, ("zscore", "minmax"))
    check_choice("nonpositive", nonpositive, ("exclude", "shift", "raise"))
    seed = _count_arg("seed", seed, 0)
    n_init = _count_arg("n_init", n_init, 1)
    ks = _k_values(k)
    if progress is not None and not isinstance(progress, bool):
        raise CvlibInputError(f"progress must be True, False or None (auto), got {progress!r}.")

    frame, card, id_name = _cluster_input(result, customer)
    feature_cols = list(_RAW if features == "raw" else _SCORES)
    reserved = [*_OUTPUT_COLUMNS, *_RAW, *feature_cols]
    if id_name in reserved:
        raise CvlibInputError(
            f"the customer id column is named {id_name!r}, which is also a column of the "
            f"cluster_rfm table ({_listed(list(dict.fromkeys(reserved)))}), so the ids would be "
            f"overwritten. Rename the id column first, e.g. "
            f"table.rename(columns={{{id_name!r}: 'customer_id'}}), and pass customer='customer_id'."
        )
    check_columns_exist(frame, list(dict.fromkeys([*_RAW, *feature_cols])))
    check_numeric(frame, list(dict.fromkeys([*_RAW, *feature_cols])))
    ids = frame[id_name] if id_name in frame.columns else frame.index.to_series()
    if pd.Index(ids).has_duplicates:
        raise CvlibInputError(
            f"duplicated customer ids {_listed(pd.Index(ids)[pd.Index(ids).duplicated()])} in "
            f"{id_name!r}; cluster_rfm needs one row per customer (aggregate with rfm_table)."
        )
    raw = {c: frame[c].to_numpy(dtype="float64", na_value=np.nan) for c in _RAW}
    values = {c: frame[c].to_numpy(dtype="float64", na_value=np.nan) for c in feature_cols}
    for col, v in {**raw, **values}.items():
        if np.isinf(v).any():
            pos = int(np.argmax(np.isinf(v)))
            raise CvlibInputError(
                f"column {col!r} holds {v[pos]} for customer {ids.iloc[pos]!r}; replace infinite "
                f"values with a number or NaN."
            )
    for col in ("recency_days", "frequency"):
        bad = raw[col] < 0
        if bad.any():
            raise CvlibInputError(
                f"{col} must be >= 0 (a count of days or purchases), but {int(bad.sum())} "
                f"customer(s) have negative values, e.g. {ids.iloc[int(np.argmax(bad))]!r} with "
                f"{raw[col][bad][0]:g}; check how the table was built."
            )

    # 1. population and exclusions (one reason per customer, first match)
    reason = np.full(len(frame), None, dtype=object)
    f0 = raw["frequency"] == 0
    reason[f0] = _EXCLUSION_F0
    missing = np.zeros(len(frame), dtype=bool)
    for v in (*raw.values(), *values.values()):
        missing |= np.isnan(v)
    reason[missing & ~f0] = _EXCLUSION_MISSING
    exclusions = {_EXCLUSION_F0: int(f0.sum()), _EXCLUSION_MISSING: int((missing & ~f0).sum())}
    base = ~f0 & ~missing
    population = base.copy()
    shifts: dict[str, float] = {}
    if transform != "none":
        checked = feature_cols if transform == "log" else [feature_cols[2]]
        for col in checked:
            bad = base & (values[col] <= 0)
            label = f"{col} ≤ 0"
            if nonpositive == "raise" and bad.any():
                raise CvlibInputError(
                    f"nonpositive='raise': {int(bad.sum())} customer(s) have {label} (e.g. "
                    f"{_listed(ids[bad].iloc[:3])}), which transform={transform!r} cannot take. "
                    f"Pass nonpositive='exclude' (leave them out and count them), 'shift' "
                    f"(x − min + 1), or transform='none'."
                )
            if nonpositive == "exclude":
                reason[bad & population] = label
                exclusions[label] = int((bad & population).sum())
                population &= ~bad
            elif bad.any():  # shift
                shifts[col] = float(1.0 - values[col][base].min())
    n = int(population.sum())
    if n == 0:
        raise CvlibInputError(
            f"no customer is left to cluster: {len(frame)} customer(s), excluded "
            f"{_fmt_counts(exclusions)}. Check the table, or use nonpositive='shift' or "
            f"transform='none'."
        )

    # 2. transform and scale
    x = np.column_stack([values[c][population] + shifts.get(c, 0.0) for c in feature_cols])
    if transform == "log1p":
        x = np.log1p(x)
    elif transform == "log":
        x = np.log(x)
    pop_ids = pd.Index(ids.iloc[np.flatnonzero(population)], name=id_name)
    z = _scale(pd.DataFrame(x, columns=feature_cols, index=pop_ids), scale)
    zx = z.to_numpy()
    n_distinct = len(np.unique(zx, axis=0))
    k_max = min(n - 1, n_distinct)
    if max(ks) > k_max:
        raise CvlibInputError(
            f"k={max(ks)} is too large: the clustered population has {n} customer(s) with "
            f"{n_distinct} distinct feature vector(s) (excluded: {_fmt_counts(exclusions)}), "
            f"so k can be at most {k_max} (k ≤ N − 1 for the silhouette, and no more clusters "
            f"than distinct points). Pass a smaller k"
            + (f", e.g. k=range(2, {k_max + 1})." if k_max >= 2 else ".")
        )

    # 3. fit every k
    from sklearn.cluster import KMeans
    from sklearn.metrics import calinski_harabasz_score, silhouette_score

    sample = _SILHOUETTE_MAX if n > _SILHOUETTE_MAX else None
    show = progress if progress is not None else (len(ks) > 1 and n >= _PROGRESS_MIN)
    fits: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    rows = []
    iterator: Any = ks
    if show:
        from tqdm.auto import tqdm

        iterator = tqdm(ks, desc="cluster_rfm: k", unit="k")
    for kk in iterator:
        model = KMeans(n_clusters=kk, n_init=n_init, random_state=seed).fit(zx)
        labels = model.labels_.astype("int64")
        fits[kk] = (labels, model.cluster_centers_)
        sizes = np.bincount(labels, minlength=kk)
        rows.append(
            {
                "k": kk,
                "inertia": float(model.inertia_),
                "silhouette": float(
                    silhouette_score(zx, labels, sample_size=sample, random_state=seed)
                ),
                "calinski_harabasz": float(calinski_harabasz_score(zx, labels)),
                "n_iter": int(model.n_iter_),
                "min_cluster_share": float(sizes.min() / n),
            }
        )
    diagnostics = pd.DataFrame(rows).set_index("k")
    sil = diagnostics["silhouette"].to_numpy()
    best_k = int(diagnostics.index[int(np.argmax(sil))])  # first maximum = smaller k
    chosen = ks[0] if len(ks) == 1 else best_k
    k_rule = "given" if len(ks) == 1 else "max silhouette"
    diagnostics["best"] = diagnostics.index == best_k
    diagnostics["chosen"] = diagnostics.index == chosen

    # 4. relabel, profile and name the chosen k
    labels, centers = fits[chosen]
    r, f, m = (raw[c][population] for c in _RAW)
    pop = pd.DataFrame({"recency_days": r, "frequency": f, "monetary": m, "label": labels})
    grouped = pop.groupby("label")
    med = grouped[list(_RAW)].median().reindex(range(chosen))
    mean = grouped[list(_RAW)].mean().reindex(range(chosen))
    size = np.bincount(labels, minlength=chosen)
    order = np.lexsort(
        (
            np.arange(chosen),
            -size,
            -mean["monetary"].to_numpy(),
            med["recency_days"].to_numpy(),
            -med["frequency"].to_numpy(),
            -med["monetary"].to_numpy(),
        )
    )
    new_of_old = np.empty(chosen, dtype="int64")
    new_of_old[order] = np.arange(chosen)
    cluster = new_of_old[labels]
    med, mean = med.iloc[order].reset_index(drop=True), mean.iloc[order].reset_index(drop=True)
    size = size[order]
    overall = np.median(np.column_stack([r, f, m]), axis=0)
    recent = med["recency_days"].to_numpy() < overall[0]
    f_high = med["frequency"].to_numpy() > overall[1]
    m_high = med["monetary"].to_numpy() > overall[2]
    names_en, names_zh = _cluster_names(recent, f_high, m_high)
    revenue = np.bincount(cluster, weights=m, minlength=chosen)
    total = float(m.sum())
    profiles = pd.DataFrame(
        {
            "name": names_en,
            "name_zh": names_zh,
            "n": size,
            "share": size / n,
            "revenue": revenue,
            "revenue_share": revenue / total if total > 0 else np.full(chosen, np.nan),
            "recency_days_mean": mean["recency_days"].to_numpy(),
            "recency_days_median": med["recency_days"].to_numpy(),
            "frequency_mean": mean["frequency"].to_numpy(),
            "frequency_median": med["frequency"].to_numpy(),
            "monetary_mean": mean["monetary"].to_numpy(),
            "monetary_median": med["monetary"].to_numpy(),
            "recent": recent,
            "f_high": f_high,
            "m_high": m_high,
        },
        index=pd.RangeIndex(chosen, name="cluster"),
    )
    centers_frame = pd.DataFrame(
        centers[order], columns=feature_cols, index=pd.RangeIndex(chosen, name="cluster")
    )

    # 5. the per-customer table (input order) and the card
    table = frame[list(dict.fromkeys([*_RAW, *feature_cols]))].reset_index(drop=True)
    table.insert(0, id_name, ids.reset_index(drop=True))
    codes = np.full(len(frame), -1, dtype="int64")
    codes[population] = cluster
    table["cluster"] = pd.arrays.IntegerArray(np.maximum(codes, 0), codes < 0)
    name_en = np.array(names_en, dtype=object)[np.maximum(codes, 0)]
    name_zh = np.array(names_zh, dtype=object)[np.maximum(codes, 0)]
    name_en[codes < 0] = None
    name_zh[codes < 0] = None
    # text columns: pandas' default string dtype (str in pandas 3, object before)
    table["cluster_name"] = pd.Series(name_en)
    table["cluster_name_zh"] = pd.Series(name_zh)
    table["exclusion"] = pd.Series(reason, dtype=table["cluster_name"].dtype)

    sil_n = sample if sample is not None else n
    section = {
        "features": f"{features}: {', '.join(feature_cols)}",
        "transform": transform,
        "scale": f"{scale} (ddof = 1)" if scale == "zscore" else f"{scale} (0–1)",
        "population": n,
        "exclusions": {
            **exclusions,
            "nonpositive": nonpositive if transform != "none" else "not used (transform none)",
        },
        "shifts": shifts or "none",
        "k": chosen,
        "k rule": (
            "given"
            if k_rule == "given"
            else f"max silhouette over k = {ks[0]}…{ks[-1]} (ties → smaller k)"
        ),
        "best k (silhouette)": best_k if len(ks) > 1 else "one k fitted",
        "seed": seed,
        "n_init": n_init,
        "algorithm": "sklearn KMeans (Lloyd, k-means++ starts)",
        "inertia": float(diagnostics.loc[chosen, "inertia"]),
        "silhouette": float(diagnostics.loc[chosen, "silhouette"]),
        "silhouette sample": (
            f"{sil_n:,} of {n:,} (random_state {seed})" if sample else f"all {n:,}"
        ),
        "clusters": dict(zip(names_en, (int(s) for s in size), strict=True)),
    }
    card = card.with_section("clustering", section)
    return ClusterResult(
        table=table,
        diagnostics=diagnostics,
        profiles=profiles,
        centers=centers_frame,
        scaled=z,
        exclusions=exclusions,
        shifts=shifts,
        card=card,
        k=chosen,
        best_k=best_k,
        k_rule=k_rule,
        ks=ks,
        features=features,
        transform=transform,
        scale=scale,
        ddof=1,
        seed=seed,
        n_init=n_init,
        nonpositive=nonpositive,
        customer=id_name,
        n=n,
        n_excluded=len(frame) - n,
        silhouette_sample_size=sil_n,
    )


def _count_arg(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise CvlibInputError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _k_values(k: Any) -> tuple[int, ...]:
    """The k to fit, ascending and unique (an int, a range or a sequence of ints ≥ 2)."""
    values = [k] if isinstance(k, int | np.integer) and not isinstance(k, bool) else k
    try:
        values = list(values)
    except TypeError:
        raise CvlibInputError(
            f"k must be an integer >= 2 or a range/sequence of them (e.g. range(2, 9)), got {k!r}."
        ) from None
    bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int | np.integer)]
    if not values or bad:
        raise CvlibInputError(
            f"k must be an integer >= 2 or a non-empty range/sequence of integers, got {k!r}."
        )
    small = [int(v) for v in values if v < 2]
    if small:
        raise CvlibInputError(
            f"k={small[0]} is not possible: K-means needs at least 2 clusters (k >= 2) for the "
            f"silhouette and the profiles to mean anything; got k={k!r}."
        )
    return tuple(sorted({int(v) for v in values}))


def _cluster_input(result: Any, customer: Hashable | None) -> tuple[pd.DataFrame, Any, Hashable]:
    """The customer table, the card to extend (a new one without) and the id column name."""
    from cvlib.rfm._card import DefinitionCard

    if isinstance(result, pd.DataFrame):
        frame, card = result, None
    elif isinstance(getattr(result, "table", None), pd.DataFrame):
        frame, card = result.table, getattr(result, "card", None)
        if customer is None:
            customer = getattr(result, "customer", None)
    else:
        raise TypeError(
            f"cluster_rfm needs an RFM result (with a .table DataFrame) or a DataFrame with "
            f"columns recency_days, frequency and monetary; got {type(result).__name__}."
        )
    if frame.columns.has_duplicates:
        raise CvlibInputError(
            f"the table has duplicated column names "
            f"{_listed(frame.columns[frame.columns.duplicated()])}; rename them."
        )
    if frame.shape[0] == 0:
        raise CvlibInputError("the customer table is empty (0 rows); nothing to cluster.")
    if customer is None:
        customer = frame.index.name if frame.index.name is not None else "customer"
        if customer in frame.columns:
            raise CvlibInputError(
                f"pass customer= the id column: the table's index is used as the customer id "
                f"when customer is not given, but its name {customer!r} is also a column."
            )
    else:
        check_columns_exist(frame, [customer], "customer column")
    if not isinstance(card, DefinitionCard):
        card = DefinitionCard("cluster_rfm")
    return frame, card, customer


def _scale(x: pd.DataFrame, scale: str) -> pd.DataFrame:
    """z-scores (ddof = 1) or min–max per column; a constant column becomes 0 with a warning."""
    import warnings

    from cvlib._warnings import CvlibWarning
    from cvlib.standardize import minmax, zscore

    a = x.to_numpy()
    constant = (a.max(axis=0) - a.min(axis=0)) == 0
    out = pd.DataFrame(0.0, index=x.index, columns=x.columns)
    if constant.any():
        names = [c for c, flag in zip(x.columns, constant, strict=True) if flag]
        warnings.warn(
            f"feature(s) {_listed(names)} are constant over the clustered customers, so they "
            f"cannot separate clusters; they are set to 0 and K-means uses the others.",
            CvlibWarning,
            stacklevel=3,
        )
    live = [c for c, flag in zip(x.columns, constant, strict=True) if not flag]
    if live:
        sub = x[live]
        scaled = zscore(sub, ddof=1) if scale == "zscore" else minmax(sub, directions="benefit")
        out[live] = scaled.to_numpy()
    return out


def _cluster_names(
    recent: np.ndarray, f_high: np.ndarray, m_high: np.ndarray
) -> tuple[list[str], list[str]]:
    """cn8 names per cluster (EN, ZH); repeats get " #2", " #3" in cluster order."""
    en, zh, seen = [], [], {}
    for pattern in zip(recent.tolist(), f_high.tolist(), m_high.tolist(), strict=True):
        name_en, name_zh = _CN8[pattern]
        seen[pattern] = seen.get(pattern, 0) + 1
        suffix = f" #{seen[pattern]}" if seen[pattern] > 1 else ""
        en.append(name_en + suffix)
        zh.append(name_zh + suffix)
    return en, zh


def _fmt_counts(counts: dict[str, int]) -> str:
    shown = [f"{key} {value:,}" for key, value in counts.items() if value]
    return ", ".join(shown) if shown else "none"

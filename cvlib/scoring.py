"""Customer scoring with indicator weights: the customer-value index Y = Σ R_i X_i (公式1).

One call takes an indicator table (one row per customer), the leaf weights R_i (for example the
global weights of an AHP hierarchy, 层次总排序) and a direction per indicator, normalises every
indicator (无量纲化) with :mod:`cvlib.standardize`, and returns the weighted index per customer with
its sub-scores (e.g. 当前价值 current value and 潜在价值 potential value), the per-indicator
contributions R_i X_i, the normalised matrix and the ranks. Everything is float64 and vectorised;
nothing is rounded (rounding at intermediate nodes collapses rankings, ``methods/ahp.md`` §13 row 1).

Specs: ``methods/ahp.md`` §12 and ``methods/value_and_credit.md`` §1.2-1.3.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from cvlib import standardize
from cvlib._directions import Direction, parse_directions
from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice, numeric_frame

__all__ = ["NORMALIZE_METHODS", "ScoreResult", "score_customers"]

#: Normalisation methods of :func:`score_customers` and what each one computes.
NORMALIZE_METHODS: dict[str, str] = {
    "zscore": "SPSS z-score, sample SD (ddof=1); cost indicators use -z",
    "minmax": "data min-max onto feature_range; cost indicators reversed (max - x)/(max - min)",
    "bounds": "preset bounds [L, U] (or breakpoints) onto 0-100 (百分制); cost 100(U - x)/(U - L)",
    "ideal": "ratio to the ideal: benefit x/max, cost min/x",
    "none": "values used as given (already normalised, larger is better)",
}

_WEIGHT_TOL = 1e-6  # |sum(R) - 1| allowed without renormalize=True (value_and_credit.md §1.3)
_MAX_LISTED = 5  # customers/indicators named in one error message


class _Default:
    """An option left at its default: tells "not given" from "given as the default value".

    The repr is the default value, so ``help(score_customers)`` shows ``out_of_range='raise'``.
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


@dataclass(frozen=True, repr=False, eq=False)
class ScoreResult(ResultMixin):
    """Customer-value scores Y = Σ R_i v_i with their parts and the conventions that made them.

    Attributes
    ----------
    scores : Series
        Y per customer (index = customer ids, name ``"score"``); NaN only for a customer with no
        observed indicator under ``missing="renormalize"``.
    sub_scores : DataFrame
        One column per group (e.g. 当前价值, 潜在价值): Σ over the group's indicators of R_i v_i
        (``sub_score_mode="global"``, the groups add up to Y) or that sum divided by the group
        weight (``"local"``). No columns when no groups were given.
    normalized : DataFrame
        The normalised indicator matrix v (same index and columns as the input).
    weights : Series
        The weights R_i used, in indicator order (after renormalisation when it was applied).
    rank : Series
        Rank of Y, 1 = highest; ties share the smallest rank (``method="min"`` on exact floats).
    n_missing : Series
        Missing indicator values per customer in the input (imputed under ``missing="mean"``,
        skipped under ``"renormalize"``, always 0 under ``"raise"``).
    observed_weight : Series
        Σ of R_i over each customer's observed indicators (the divisor under ``"renormalize"``).
    directions : dict
        Indicator -> direction as text ("benefit", "cost", ...).
    groups : dict
        Group -> list of indicators (empty when no groups were given).
    group_weights : Series
        Σ R_i per group.
    normalize, aggregate, missing, constant_indicator, sub_score_mode : str
        The conventions used (see :func:`score_customers`).
    weights_sum : float
        Σ R_i of the weights as given.
    renormalized : bool
        True when the given weights were divided by their sum.
    constant_indicators : tuple
        Indicators that normalised to NaN (constant) and were set to contribute nothing.
    feature_range, bounds
        The min-max range and the preset bounds, when those methods were used (else ``None``).

    The result does not change after construction: every read of a pandas or dict attribute
    (and of ``rank``, ``table``, ``contributions``) returns a new copy, so changing it leaves
    the result, its ``summary()`` and later reads as they were.
    """

    # pandas objects and dicts are stored as copies and every read returns a new copy
    scores: pd.Series = Snapshot()
    sub_scores: pd.DataFrame = Snapshot()
    normalized: pd.DataFrame = Snapshot()
    weights: pd.Series = Snapshot()
    n_missing: pd.Series = Snapshot()
    observed_weight: pd.Series = Snapshot()
    directions: dict[Hashable, str] = Snapshot()
    groups: dict[Hashable, list[Hashable]] = Snapshot()
    group_weights: pd.Series = Snapshot()
    normalize: str
    aggregate: str
    missing: str
    constant_indicator: str
    sub_score_mode: str
    weights_sum: float
    renormalized: bool
    constant_indicators: tuple[Hashable, ...] = ()
    feature_range: tuple[float, float] | None = None
    bounds: dict[Hashable, Any] | None = Snapshot(default=None)

    _conventions = (
        "normalize",
        "aggregate",
        "missing",
        "constant_indicator",
        "sub_score_mode",
        "weights_sum",
        "renormalized",
    )
    _title = "ScoreResult (customer value Y = Σ R_i X_i)"

    @cached_property
    def _rank(self) -> pd.Series:
        ranks = self._scores.rank(method="min", ascending=False)
        return ranks.astype("Int64").rename("rank")

    @property
    def rank(self) -> pd.Series:
        """Rank of Y, 1 = highest; ties share the smallest rank (``method="min"``, exact floats).

        NaN scores have no rank. :meth:`top` orders tied customers by ascending customer id.
        """
        return self._rank.copy()

    @property
    def contributions(self) -> pd.DataFrame:
        """R_i · v_i per customer × indicator; each row sums to Y (to ≤ 1e-12).

        Under ``missing="renormalize"`` each row is divided by the customer's observed weight and
        missing cells are NaN. Under ``aggregate="product"`` the contributions are R_i · ln v_i
        and sum to ln Y.
        """
        normalized = self._normalized
        v = normalized.to_numpy(dtype="float64")
        if self.aggregate == "product":
            v = np.log(v)
        g = self._weights.to_numpy(dtype="float64")
        out = v * g
        if self.missing == "renormalize":
            out /= self._observed_weight.to_numpy(dtype="float64")[:, None]
        return pd.DataFrame(out, index=normalized.index, columns=normalized.columns)

    @property
    def table(self) -> pd.DataFrame:
        """One row per customer (input order): score, rank, sub-scores and missing count."""
        parts = [self.scores, self.rank, self.sub_scores, self.n_missing]
        return pd.concat(parts, axis=1)

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` best customers: by rank, ties in ascending customer id (stable tiebreaker)."""
        table = self.table.sort_index(kind="stable")
        return table.sort_values("rank", kind="stable", na_position="last").head(n)

    def summary(self) -> pd.DataFrame:
        """Per indicator: group, direction, weight, missing count, mean of v, mean contribution."""
        member_of = {m: g for g, members in self._groups.items() for m in members}
        directions = self._directions
        normalized = self._normalized
        columns = normalized.columns
        return pd.DataFrame(
            {
                "group": [member_of.get(c, "") for c in columns],
                "direction": [directions[c] for c in columns],
                "weight": self.weights.to_numpy(),
                "n_missing": normalized.isna().sum().to_numpy(),
                "mean_normalized": normalized.mean().to_numpy(),
                "mean_contribution": self.contributions.mean().to_numpy(),
            },
            index=pd.Index(columns, name="indicator"),
        )


def score_customers(
    indicators: pd.DataFrame,
    weights: pd.Series | Mapping[Hashable, float],
    *,
    directions: str | Sequence[Any] | Mapping[Hashable, Any],
    normalize: str = "zscore",
    groups: Mapping[Hashable, Sequence[Hashable]] | None = None,
    aggregate: str = "sum",
    missing: str = "raise",
    constant_indicator: str = "raise",
    renormalize: bool = False,
    bounds: Mapping[Hashable, Any] | tuple[float, float] | None = None,
    out_of_range: str = _Default("raise"),  # type: ignore[assignment]
    feature_range: tuple[float, float] = _Default((0, 100)),  # type: ignore[assignment]
    sub_scores: str = "global",
) -> ScoreResult:
    """Customer-value index Y = Σ_i R_i X_i (公式1) from an indicator table and leaf weights.

    Each indicator is first normalised (无量纲化) into v with :mod:`cvlib.standardize`, honouring
    its direction (效益型 benefit / 成本型 cost), then

    * ``aggregate="sum"`` (default): Y_c = Σ_i R_i v_ci;
    * ``aggregate="product"``: Y_c = Π_i v_ci^R_i (needs every v > 0).

    Sub-score of a group (e.g. 当前价值) = Σ over its indicators of R_i v_ci; ``sub_scores="local"``
    divides by the group weight Σ_group R_i. Weights must sum to 1 (各分指标的权重总和为1).

    Parameters
    ----------
    indicators : DataFrame
        One row per customer (index = customer ids, unique), one numeric column per indicator.
        Text columns raise ``TypeError``; ±inf raises ``ValueError``; NaN follows ``missing``.
    weights : Series or dict
        Indicator -> weight R_i (e.g. AHP global leaf weights, ``hierarchy.leaf_weights``). Keys
        must be exactly the indicator columns; weights are numbers (text such as ``"0.6"`` and
        booleans raise ``TypeError``), finite and ≥ 0, and must sum to 1 within 1e-6 (else error,
        unless ``renormalize=True``).
    directions : str, list or dict
        Required. ``"benefit"`` (正向/效益型, larger is better) or ``"cost"`` (逆向/成本型, e.g.
        服务成本 service cost), per indicator as a dict, as a list aligned with the columns, or one
        string for all. ``normalize="minmax"`` also accepts ``("intermediate", x_best)`` and
        ``("interval", a, b)``. ``normalize="none"`` accepts only ``"benefit"``.
    normalize : {"zscore", "minmax", "bounds", "ideal", "none"}
        ``"zscore"`` (default; the seed's "通过SPSS软件" standardisation): z with the sample SD
        (ddof = 1), cost → −z. ``"minmax"``: (x − min)/(max − min) onto ``feature_range``, cost
        (max − x)/(max − min). ``"bounds"``: the 百分制 mapping of preset bounds onto 0–100,
        100(x − L)/(U − L), cost 100(U − x)/(U − L), or piecewise-linear breakpoints. ``"ideal"``:
        ratio to the ideal, benefit x/max, cost min/x. ``"none"``: the values are already
        normalised.
    groups : dict, optional
        Group -> list of indicators, e.g. ``hierarchy.groups(level=1)`` =
        ``{"当前价值": [...], "潜在价值": [...]}``. The groups must partition the indicators:
        every indicator in exactly one group (else ``CvlibInputError`` listing the indicators in
        no group or in several), so that the global sub-scores add up to Y.
    aggregate : {"sum", "product"}
        Weighted sum (default, 公式1) or weighted product Π v^R.
    missing : {"raise", "renormalize", "mean"}
        ``"raise"`` (default) lists the customers and indicators with NaN. ``"renormalize"``:
        Y_c = Σ_observed R_i v_ci / Σ_observed R_i, with ``n_missing`` per customer.
        ``"mean"``: impute the indicator mean before normalising (z = 0). Normalisation statistics
        always come from the observed values only.
    constant_indicator : {"raise", "zero"}
        A constant indicator normalises to NaN under z-scores and min–max; ``"raise"`` (default)
        names it, ``"zero"`` lets it contribute nothing (0 to the sum, a factor 1 to the product)
        with a warning.
    renormalize : bool
        Allow weights whose sum is off by more than 1e-6 (e.g. printed 4-d.p. weights summing to
        0.9999): they are divided by their sum, with a warning.
    bounds : dict or (L, U), optional
        For ``normalize="bounds"`` (required there): indicator -> ``(L, U)`` theoretical ends, or
        indicator -> breakpoints ``[(x0, 0), ..., (xk, 100)]``; one ``(L, U)`` for all indicators.
    out_of_range : {"raise", "clip"}
        ``normalize="bounds"`` only: a value outside [L, U] raises (default) or is clipped.
    feature_range : (a, b)
        ``normalize="minmax"`` only: target range, default 0–100 (百分制).

        ``bounds``, ``out_of_range`` and ``feature_range`` given with a ``normalize`` that does
        not use them raise ``CvlibInputError`` rather than being ignored.
    sub_scores : {"global", "local"}
        Sub-scores with global weights (default; the groups add up to Y) or divided by the group
        weight. Both give the same high/low labels under a mean split.

    Returns
    -------
    ScoreResult
        ``scores``, ``sub_scores``, ``contributions``, ``normalized``, ``rank``, ``n_missing``,
        ``weights`` and the conventions used; ``summary()`` gives one row per indicator,
        ``table`` one row per customer and ``top(n)`` the best customers.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"sales": [100, 200, 300], "cost": [50, 20, 10]}, index=[1, 2, 3])
    >>> res = score_customers(data, {"sales": 0.6, "cost": 0.4},
    ...                       directions={"sales": "benefit", "cost": "cost"}, normalize="minmax")
    >>> res.scores.tolist()
    [0.0, 60.0, 100.0]

    References
    ----------
    The seed article on AHP customer-value segmentation (层次分析法客户价值细分, lubricant-company
    case; ``methods/value_and_credit.md`` §1): Y = Σ R_i X_i, Σ R_i = 1, SPSS standardisation.
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill (global weights).
    """
    check_choice("normalize", normalize, NORMALIZE_METHODS)
    check_choice("aggregate", aggregate, ("sum", "product"))
    check_choice("missing", missing, ("raise", "renormalize", "mean"))
    check_choice("constant_indicator", constant_indicator, ("raise", "zero"))
    check_choice("sub_scores", sub_scores, ("global", "local"))
    out_of_range, feature_range = _check_method_options(
        normalize, bounds=bounds, out_of_range=out_of_range, feature_range=feature_range
    )

    x = numeric_frame(indicators, "indicators")
    _check_unique_labels(x)
    columns = list(x.columns)
    dirs = parse_directions(directions, columns)
    g, weights_sum, renormalized = _check_weights(weights, columns, renormalize)
    group_map = _check_groups(groups, columns)

    observed = x.notna().to_numpy()
    _check_missing(x, observed, missing)

    v, constant = _normalize(
        x,
        dirs,
        normalize,
        missing,
        bounds=bounds,
        out_of_range=out_of_range,
        feature_range=feature_range,
    )
    if constant:
        filled = observed if missing != "mean" else np.ones_like(observed)
        _handle_constant(
            v, constant, filled, constant_indicator, normalize, neutral=aggregate == "product"
        )
    values = v.to_numpy(dtype="float64")
    valid = ~np.isnan(values)
    complete = bool(valid.all())
    if aggregate == "product":
        _check_positive(v, valid)
        terms = np.log(values, where=valid, out=np.zeros_like(values))  # Π v^R = exp Σ R ln v
    else:
        terms = values if complete else np.where(valid, values, 0.0)
    terms = np.asfortranarray(terms)  # column-major: each indicator contiguous
    valid_f = None if complete else np.asfortranarray(valid, dtype="float64")

    def weighted(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per customer: Σ_i w_i · term_i over observed i, and Σ_i w_i over observed i."""
        observed_w = np.full(len(terms), w.sum()) if valid_f is None else _dot(valid_f, w)
        return _dot(terms, w), observed_w

    total, observed_weight = weighted(g)
    renorm = missing == "renormalize"
    if renorm:
        _warn_unscored(x.index, observed_weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = total / observed_weight if renorm else total
        subs, group_weights = {}, {}
        for name, members in group_map.items():
            in_group = np.array([c in members for c in columns])
            g_group = np.where(in_group, g, 0.0)  # added zeros leave the sums exact
            part, part_observed = weighted(g_group)
            group_weights[name] = float(g_group.sum())
            if sub_scores == "local":
                part = part / (part_observed if renorm else group_weights[name])
            elif renorm:
                part = part / observed_weight
            subs[name] = np.exp(part) if aggregate == "product" else part
    scores = np.exp(total) if aggregate == "product" else total

    index = x.index
    score_s = pd.Series(scores, index=index, name="score")
    return ScoreResult(
        scores=score_s,
        sub_scores=pd.DataFrame(subs, index=index, columns=list(group_map)),
        normalized=v,
        weights=pd.Series(g, index=pd.Index(columns, name="indicator"), name="weight"),
        n_missing=pd.Series((~observed).sum(axis=1), index=index, name="n_missing"),
        observed_weight=pd.Series(observed_weight, index=index, name="observed_weight"),
        directions={c: str(d) for c, d in dirs.items()},
        groups=group_map,
        group_weights=pd.Series(group_weights, dtype="float64", name="group_weight"),
        normalize=normalize,
        aggregate=aggregate,
        missing=missing,
        constant_indicator=constant_indicator,
        sub_score_mode=sub_scores,
        weights_sum=weights_sum,
        renormalized=renormalized,
        constant_indicators=tuple(constant),
        feature_range=tuple(feature_range) if normalize == "minmax" else None,
        bounds=_bounds_record(bounds, columns) if normalize == "bounds" else None,
    )


def _dot(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ_j w_j · a[:, j], accumulated column by column in one fixed order.

    Identical rows (customers with identical indicators) therefore get bit-identical sums and
    share a rank; a BLAS matrix-vector product does not guarantee this (its kernels treat the
    tail rows differently, so two equal rows can differ in the last bit). Columns with weight 0
    are skipped. ``a`` should be column-major (Fortran order) for speed.
    """
    out = np.zeros(a.shape[0])
    buf = np.empty(a.shape[0])
    for j in np.flatnonzero(w):
        np.multiply(a[:, j], w[j], out=buf)
        out += buf
    return out


# --------------------------------------------------------------------------------------------
# validation helpers


def _listed(items: Sequence[Any], fmt: Callable[[Any], str] = repr) -> str:
    shown = ", ".join(map(fmt, items[:_MAX_LISTED]))
    more = len(items) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _check_method_options(
    normalize: str, *, bounds: Any, out_of_range: Any, feature_range: Any
) -> tuple[str, tuple[float, float]]:
    """Raise on an option the chosen normalize ignores; (out_of_range, feature_range) to use."""
    needs = {"bounds": "bounds", "out_of_range": "bounds", "feature_range": "minmax"}
    given = {
        "bounds": bounds is not None,
        "out_of_range": not isinstance(out_of_range, _Default),
        "feature_range": not isinstance(feature_range, _Default),
    }
    ignored = [name for name, method in needs.items() if given[name] and normalize != method]
    if ignored:
        parts = [f"{name}= applies only to normalize={needs[name]!r}" for name in ignored]
        raise CvlibInputError(
            f"{'; '.join(parts)}, but normalize={normalize!r} ignores "
            f"{'it' if len(ignored) == 1 else 'them'}. Remove "
            f"{', '.join(f'{name}=' for name in ignored)} or choose the normalize that uses it."
        )
    if isinstance(out_of_range, _Default):
        out_of_range = out_of_range.value
    if isinstance(feature_range, _Default):
        feature_range = feature_range.value
    check_choice("out_of_range", out_of_range, ("raise", "clip"))
    return out_of_range, feature_range


def _check_unique_labels(x: pd.DataFrame) -> None:
    for what, labels in (("customer id (index)", x.index), ("indicator column", x.columns)):
        dup = labels[labels.duplicated()].unique().tolist()
        if dup:
            raise CvlibInputError(
                f"indicators have duplicated {what} {_listed(dup)}; every customer must be one "
                f"row and every indicator one column."
            )


def _check_weights(
    weights: Any, columns: list[Hashable], renormalize: bool
) -> tuple[np.ndarray, float, bool]:
    """Weights as a float64 array in column order; (array, sum as given, renormalised?)."""
    if isinstance(weights, Mapping):
        weights = pd.Series(dict(weights), dtype="object")
    if not isinstance(weights, pd.Series):
        raise TypeError(
            f"weights must be a pandas Series or a dict indicator -> weight, got "
            f"{type(weights).__name__}; e.g. pass hierarchy.leaf_weights."
        )
    if weights.index.has_duplicates:
        dup = weights.index[weights.index.duplicated()].unique().tolist()
        raise CvlibInputError(f"weights name indicator(s) {_listed(dup)} more than once.")
    missing = [c for c in columns if c not in weights.index]
    extra = [k for k in weights.index if k not in columns]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"no weight for indicator(s) {_listed(missing)}")
        if extra:
            parts.append(f"weights for unknown indicator(s) {_listed(extra)}")
        raise KeyError(
            f"weights must match the indicator columns exactly: {'; '.join(parts)}. "
            f"Indicator columns: {_listed(columns)}."
        )
    w = weights.reindex(columns)
    _check_weight_values(w)
    g = w.to_numpy(dtype="float64")
    total = float(g.sum())
    if total <= 0:
        raise CvlibInputError("weights sum to 0; give at least one indicator a positive weight.")
    renormalized = False
    if abs(total - 1.0) > _WEIGHT_TOL:
        if not renormalize:
            raise CvlibInputError(
                f"weights sum to {total:.10g}, not 1 (|sum - 1| > {_WEIGHT_TOL:g}); Y = Σ R_i X_i "
                f"needs Σ R_i = 1. Pass full-precision weights (e.g. hierarchy.leaf_weights rather "
                f"than printed 4-d.p. values), or renormalize=True to divide them by their sum."
            )
        warnings.warn(
            f"weights sum to {total:.10g}; dividing them by their sum (renormalize=True).",
            UserWarning,
            stacklevel=3,
        )
        g = g / total
        renormalized = True
    return g, total, renormalized


def _check_weight_values(w: pd.Series) -> None:
    """Every weight a real number (not text, not bool), observed, finite and >= 0."""
    for c, val in w.items():
        if isinstance(val, bool | np.bool_):
            raise TypeError(
                f"weight of indicator {c!r} is the boolean {val!r}; weights must be numbers."
            )
        if isinstance(val, str | bytes):
            raise TypeError(
                f"weight of indicator {c!r} is the text {val!r}; weights must be numbers (e.g. "
                f"0.6, not '0.6'), and cvlib does not convert text."
            )
        if val is None or val is pd.NA:
            continue  # reported as missing below
        if not isinstance(val, Real):
            raise TypeError(
                f"weight of indicator {c!r} is {val!r} ({type(val).__name__}); weights must be "
                f"numbers."
            )
    values = {c: (math.nan if val is None or val is pd.NA else float(val)) for c, val in w.items()}
    problems = []
    missing = [c for c, val in values.items() if math.isnan(val)]
    if missing:
        problems.append(f"missing (NaN/None) for indicator(s) {_listed(missing)}")
    infinite = [c for c, val in values.items() if math.isinf(val)]
    if infinite:
        problems.append(
            f"infinite for indicator(s) {_listed(infinite)} "
            f"({_listed([values[c] for c in infinite])})"
        )
    negative = [c for c, val in values.items() if val < 0 and not math.isinf(val)]
    if negative:
        problems.append(
            f"negative for indicator(s) {_listed(negative)} "
            f"({_listed([values[c] for c in negative])})"
        )
    if problems:
        raise CvlibInputError(f"weights must be finite and >= 0; {'; '.join(problems)}.")


def _check_groups(
    groups: Mapping[Hashable, Sequence[Hashable]] | None, columns: list[Hashable]
) -> dict[Hashable, list[Hashable]]:
    """Groups as dict group -> indicators; they must partition the indicators (one group each)."""
    if groups is None:
        return {}
    if not isinstance(groups, Mapping):
        raise TypeError(
            f"groups must be a dict group -> list of indicators (e.g. hierarchy.groups(level=1)), "
            f"got {type(groups).__name__}."
        )
    out: dict[Hashable, list[Hashable]] = {}
    member_of: dict[Hashable, list[Hashable]] = {}
    for name, members in groups.items():
        members = [members] if isinstance(members, str) else list(members)
        if not members:
            raise CvlibInputError(f"group {name!r} has no indicators.")
        unknown = [m for m in members if m not in columns]
        if unknown:
            raise KeyError(
                f"group {name!r} names indicator(s) {_listed(unknown)} that are not columns of "
                f"indicators; columns: {_listed(columns)}."
            )
        twice = list(dict.fromkeys(m for m in members if members.count(m) > 1))
        if twice:
            raise CvlibInputError(f"group {name!r} names indicator(s) {_listed(twice)} twice.")
        for m in members:
            member_of.setdefault(m, []).append(name)
        out[name] = members
    shared = {m: names for m, names in member_of.items() if len(names) > 1}
    ungrouped = [c for c in columns if c not in member_of]
    if shared or ungrouped:
        parts = []
        if shared:
            listed = [f"{m!r} in {' and '.join(map(repr, names))}" for m, names in shared.items()]
            parts.append(f"indicator(s) in more than one group: {_listed(listed, str)}")
        if ungrouped:
            parts.append(f"indicator(s) in no group: {_listed(ungrouped)}")
        raise CvlibInputError(
            f"groups must partition the indicators, each indicator in exactly one group (one "
            f"branch of the hierarchy), so that the sub-scores add up to Y; {'; '.join(parts)}. "
            f"Pass e.g. hierarchy.groups(level=1), or groups=None for no sub-scores."
        )
    return out


def _check_missing(x: pd.DataFrame, observed: np.ndarray, missing: str) -> None:
    empty = [c for c, any_obs in zip(x.columns, observed.any(axis=0), strict=True) if not any_obs]
    if empty:
        raise CvlibInputError(
            f"indicator(s) {_listed(empty)} have no observed value; drop them or fill them."
        )
    if missing != "raise" or observed.all():
        return
    rows = np.flatnonzero(~observed.all(axis=1))
    details = [
        f"{x.index[r]!r} ({', '.join(map(str, x.columns[~observed[r]]))})"
        for r in rows[:_MAX_LISTED]
    ]
    more = f" and {len(rows) - _MAX_LISTED} more customers" if len(rows) > _MAX_LISTED else ""
    raise CvlibInputError(
        f"indicators hold {int((~observed).sum())} missing value(s) in {len(rows)} customer(s): "
        f"{'; '.join(details)}{more}. Fill them, or choose missing='renormalize' (score over the "
        f"observed indicators, weights rescaled) or missing='mean' (impute the indicator mean)."
    )


def _check_positive(v: pd.DataFrame, valid: np.ndarray) -> None:
    bad = valid & ~(v.to_numpy() > 0)
    if bad.any():
        cols = [c for c, b in zip(v.columns, bad.any(axis=0), strict=True) if b]
        rows = v.index[bad.any(axis=1)].tolist()
        raise CvlibInputError(
            f"aggregate='product' needs every normalised value v > 0 (Π v^R), but indicator(s) "
            f"{_listed(cols)} have v <= 0 for customer(s) {_listed(rows)}. Use normalize='ideal' "
            f"or 'bounds' with positive data, minmax with feature_range=(0.002, 1), or "
            f"aggregate='sum'."
        )


def _warn_unscored(index: pd.Index, observed_weight: np.ndarray) -> None:
    none = ~(observed_weight > 0)
    if none.any():
        warnings.warn(
            f"{int(none.sum())} customer(s) have no observed indicator with a positive weight "
            f"({_listed(index[none].tolist())}); their score is NaN.",
            UserWarning,
            stacklevel=3,
        )


# --------------------------------------------------------------------------------------------
# normalisation (delegated to cvlib.standardize)


def _normalize(
    x: pd.DataFrame,
    dirs: dict[Hashable, Direction],
    method: str,
    missing: str,
    *,
    bounds: Any,
    out_of_range: str,
    feature_range: tuple[float, float],
) -> tuple[pd.DataFrame, list[Hashable]]:
    """Normalised copy of ``x`` and the indicators that came out NaN (constant columns)."""
    kinds = {c: d.kind for c, d in dirs.items()}
    allowed = {"minmax": {"benefit", "cost", "intermediate", "interval"}, "none": {"benefit"}}
    ok = allowed.get(method, {"benefit", "cost"})
    bad = [c for c, k in kinds.items() if k not in ok]
    if bad:
        hint = (
            "normalize='none' expects values already oriented larger-is-better; reverse cost "
            "indicators yourself or pick a normalize method that uses the direction"
            if method == "none"
            else "intermediate (中间型) and interval (区间型) indicators need normalize='minmax'"
        )
        raise CvlibInputError(
            f"normalize={method!r} cannot use direction(s) "
            f"{_listed([f'{c}: {dirs[c]}' for c in bad])}; {hint}."
        )
    data = x.fillna(x.mean()) if missing == "mean" and method != "zscore" else x

    def run(
        fn: Callable[..., pd.DataFrame], *args: Any, **kwargs: Any
    ) -> tuple[pd.DataFrame, list[warnings.WarningMessage]]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn(*args, **kwargs)
        return out, caught

    caught: list[warnings.WarningMessage] = []
    if method == "zscore":
        v, caught = run(standardize.zscore, data, ddof=1)
        cost = [c for c, k in kinds.items() if k == "cost"]
        v[cost] = -v[cost]
    elif method == "minmax":
        v, caught = run(standardize.minmax, data, directions=dirs, feature_range=feature_range)
    elif method == "bounds":
        low, high, breakpoints = _bounds_args(bounds, list(x.columns), dirs)
        # breakpoints carry the direction in their scores (checked against dirs above)
        mapped = {
            c: Direction("benefit") if c in (breakpoints or {}) else d for c, d in dirs.items()
        }
        v, caught = run(
            standardize.rescale_0_100,
            data,
            scale_min=low,
            scale_max=high,
            directions=mapped,
            out_of_range=out_of_range,
            breakpoints=breakpoints,
        )
    elif method == "ideal":
        v, caught = run(standardize.normalize, data, method="max", directions=dirs)
    else:
        v = data  # numeric_frame's float64 frame; copy-on-write protects the caller's data

    observed = data.notna().to_numpy()
    came_nan = (observed & np.isnan(v.to_numpy())).any(axis=0)
    constant = [c for c, flag in zip(x.columns, came_nan, strict=True) if flag]
    names = tuple(repr(c) for c in constant)
    for w in caught:  # pass on the normaliser's warnings, except those we report ourselves
        if not any(n in str(w.message) for n in names):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if missing == "mean":
        v = v.fillna(0.0) if method == "zscore" else v
    return v, constant


def _handle_constant(
    v: pd.DataFrame,
    constant: list[Hashable],
    observed: np.ndarray,
    policy: str,
    method: str,
    *,
    neutral: bool,
) -> None:
    """Raise, or (policy "zero") set the constant indicators' observed cells to the neutral value."""
    if policy == "raise":
        raise CvlibInputError(
            f"indicator(s) {_listed(constant)} normalise to NaN under normalize={method!r} "
            f"(constant, i.e. SD = 0 or max = min, or fewer than 2 observed values), so they "
            f"cannot rank customers. Drop them (and renormalise the weights), or pass "
            f"constant_indicator='zero' to let them contribute nothing."
        )
    warnings.warn(
        f"indicator(s) {_listed(constant)} are constant and normalise to NaN; they contribute "
        f"nothing to the score (constant_indicator='zero').",
        UserWarning,
        stacklevel=3,
    )
    fill = 1.0 if neutral else 0.0
    for c in constant:  # missing cells stay missing (they are skipped under "renormalize")
        v[c] = np.where(observed[:, v.columns.get_loc(c)], fill, np.nan)


def _bounds_args(
    bounds: Any, columns: list[Hashable], dirs: dict[Hashable, Direction]
) -> tuple[Any, Any, Any]:
    """Translate ``bounds`` into rescale_0_100's scale_min, scale_max and breakpoints.

    Breakpoint scores must rise for a benefit indicator and fall for a cost indicator.
    """
    if bounds is None:
        raise CvlibInputError(
            "normalize='bounds' needs bounds=: a dict indicator -> (L, U) theoretical ends or -> "
            "breakpoints [(x0, 0), ..., (xk, 100)], or one (L, U) for all indicators."
        )
    if not isinstance(bounds, Mapping):
        if _is_pair(bounds):
            low, high = map(float, bounds)
            return low, high, None
        raise CvlibInputError(
            f"bounds must be (L, U) or a dict indicator -> (L, U) or breakpoints, got {bounds!r}."
        )
    missing = [c for c in columns if c not in bounds]
    extra = [k for k in bounds if k not in columns]
    if missing or extra:
        raise KeyError(
            f"bounds must name every indicator: missing {_listed(missing) or 'none'}, unknown "
            f"{_listed(extra) or 'none'}."
        )
    low: dict[Hashable, float] = {}
    high: dict[Hashable, float] = {}
    breakpoints: dict[Hashable, list[tuple[float, float]]] = {}
    for c in columns:
        spec = bounds[c]
        if _is_pair(spec):
            low[c], high[c] = float(spec[0]), float(spec[1])
        elif isinstance(spec, Sequence) and spec and all(_is_pair(p) for p in spec):
            points = [(float(a), float(b)) for a, b in spec]
            steps = np.diff([p[1] for p in points])
            rising = dirs[c].kind == "benefit"
            if (steps < 0).any() if rising else (steps > 0).any():
                raise CvlibInputError(
                    f"breakpoints of {dirs[c].kind} indicator {c!r} must have "
                    f"{'non-decreasing' if rising else 'non-increasing'} scores, got {spec!r}; "
                    f"e.g. {'[(L, 0), ..., (U, 100)]' if rising else '[(L, 100), ..., (U, 0)]'}."
                )
            breakpoints[c] = points
            low[c], high[c] = points[0][0], points[-1][0]
        else:
            raise CvlibInputError(
                f"bounds for indicator {c!r} must be (L, U) or breakpoints [(x0, 0), ..., "
                f"(xk, 100)], got {spec!r}."
            )
    return low, high, breakpoints or None


def _is_pair(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2
        and all(isinstance(p, int | float | np.integer | np.floating) for p in value)
    )


def _bounds_record(bounds: Any, columns: list[Hashable]) -> dict[Hashable, Any]:
    if isinstance(bounds, Mapping):
        return {c: bounds[c] for c in columns}
    return dict.fromkeys(columns, tuple(bounds))

"""Segment rule engine (客户细分规则): rule tables as data, the validator, presets and cn8.

A rule table names segments by ranges of scores, lists of codes or regular expressions over the
code, evaluated on the canonical higher-is-better scores (R reversed: R = bins is the most
recent). The first matching rule wins; codes matching no rule get the table's default label.
:func:`segment` builds a lookup table once over all bins^len(dims) codes and maps customers with
one vectorised ``take``; :func:`validate_rules` reports uncovered and overlapping codes and
unreachable segments on that grid, independent of data (``methods/rfm.md`` §8, §9).

Presets ship as YAML package data (``cvlib/rfm/presets``) with their source and version:
``r_rfm_0_3``, ``r_rfm_0_2_2``, ``rf_grid``, ``pymc_marketing``, ``rfm_pkg_1_0_9`` and ``cn8``
(the Chinese 8-class scheme, 八类客户, which splits the raw R, F, M itself).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from numbers import Integral
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import RuleTableWarning
from cvlib.rfm._card import DefinitionCard
from cvlib.rfm._score import (
    DIMENSIONS,
    MAX_BINS,
    MIN_BINS,
    ROUND_DECIMALS,
    ScoredResult,
    _customer_table,
    _raw_values,
)

__all__ = [
    "PRESETS",
    "Rule",
    "RuleReport",
    "RuleTable",
    "SegmentedResult",
    "cn8",
    "load_rules",
    "segment",
    "segment_summary",
    "validate_rules",
]

#: Reserved segments, assigned before the rules (methods/rfm.md §8.4): (EN, ZH).
NO_PURCHASE: tuple[str, str] = ("No purchase in window", "窗口内无购买")
NONPOSITIVE_SPEND: tuple[str, str] = ("Non-positive spend", "净消费额≤0")
#: cvlib's generic default label for codes matching no rule.
GENERIC_DEFAULT: tuple[str, str] = ("Other", "其他")

LANGS = ("en", "zh", "both")
VALIDATE = ("warn", "raise", "off")
SPLITS = ("mean", "median", "score_mean")
PRESET_NAMES = ("r_rfm_0_3", "r_rfm_0_2_2", "rf_grid", "pymc_marketing", "rfm_pkg_1_0_9", "cn8")
_TABLE_KEYS = (
    "name",
    "title",
    "source",
    "version",
    "url",
    "notes",
    "dims",
    "bins",
    "split",
    "match",
    "default",
    "default_zh",
    "rules",
)
_RULE_KEYS = ("segment", "label_zh", "codes", "pattern", "note")
_MAX_LISTED = 10


class _Default:
    """An argument left at its default (tells "not given" from "given as the default")."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


_SPLIT_DEFAULT = _Default("mean")


# --------------------------------------------------------------------------------------------
# rule tables


@dataclass(frozen=True)
class Rule:
    """One rule of a table: a segment name and one of three forms (ranges, codes, pattern).

    ``ranges``: ``((dim, min, max), ...)`` inclusive, a missing dimension matches any score;
    ``codes``: code strings over the table's dims; ``pattern``: a regular expression full-matched
    against the code. A rule with no condition matches every code.
    """

    segment: str
    label_zh: str | None = None
    ranges: tuple[tuple[str, int, int], ...] = ()
    codes: tuple[str, ...] | None = None
    pattern: str | None = None
    note: str | None = None

    @property
    def form(self) -> str:
        if self.codes is not None:
            return "codes"
        if self.pattern is not None:
            return "pattern"
        return "ranges"

    def describe(self) -> str:
        """The condition as text, e.g. ``"R 3-5, F 3-5, M 2-5"``."""
        if self.codes is not None:
            return "codes " + ", ".join(self.codes)
        if self.pattern is not None:
            return f"pattern {self.pattern}"
        if not self.ranges:
            return "any code"
        return ", ".join(f"{d} {lo}-{hi}" for d, lo, hi in self.ranges)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"segment": self.segment}
        if self.label_zh is not None:
            out["label_zh"] = self.label_zh
        for d, lo, hi in self.ranges:
            out[d] = [lo, hi]
        if self.codes is not None:
            out["codes"] = list(self.codes)
        if self.pattern is not None:
            out["pattern"] = self.pattern
        if self.note is not None:
            out["note"] = self.note
        return out

    def _matches(self, levels: np.ndarray, codes: np.ndarray, dims: tuple[str, ...]) -> np.ndarray:
        if self.codes is not None:
            return np.isin(codes, np.array(self.codes))
        if self.pattern is not None:
            rx = re.compile(self.pattern)
            return np.array([rx.fullmatch(c) is not None for c in codes], dtype=bool)  # grid only
        mask = np.ones(len(codes), dtype=bool)
        for d, lo, hi in self.ranges:
            col = levels[:, dims.index(d)]
            mask &= (col >= lo) & (col <= hi)
        return mask


@dataclass(frozen=True)
class RuleTable:
    """A segment rule table (first match wins), validated on construction.

    Attributes
    ----------
    name : str
    dims : tuple of str
        Scores the rules read (subset of R, F, M, in code order).
    bins : int
        Required score scale (2 for split tables such as cn8).
    rules : tuple of Rule
    default, default_zh : str
        Label of codes matching no rule (cvlib's generic default "Other" / 其他).
    split : str or tuple or None
        For split tables (cn8): the table computes its own high/low levels from the raw values
        (``"mean"``, ``"median"``, ``("score", t)``, ``("score_mean",)``) whatever the scoring
        bins; ``None`` for tables that read the scores.
    source, version, title, url, notes : str or None
        Provenance.
    match : str
        ``"first"`` (the only mode).
    """

    name: str
    dims: tuple[str, ...]
    bins: int
    rules: tuple[Rule, ...]
    default: str = GENERIC_DEFAULT[0]
    default_zh: str = GENERIC_DEFAULT[1]
    split: str | tuple | None = None
    source: str | None = None
    version: str | None = None
    title: str | None = None
    url: str | None = None
    notes: str | None = None
    match: str = "first"

    def __post_init__(self) -> None:
        _check_table(self)

    @property
    def segments(self) -> tuple[str, ...]:
        """Segment names in rule order (each once)."""
        return tuple(dict.fromkeys(r.segment for r in self.rules))

    @property
    def has_zh(self) -> bool:
        """True when every rule has a Chinese label."""
        return all(r.label_zh for r in self.rules)

    @property
    def labels_zh(self) -> dict[str, str]:
        """EN -> ZH labels of the rules, the default and the reserved segments."""
        out = {r.segment: r.label_zh for r in self.rules if r.label_zh}
        out.setdefault(self.default, self.default_zh)
        out[NO_PURCHASE[0]] = NO_PURCHASE[1]
        out[NONPOSITIVE_SPEND[0]] = NONPOSITIVE_SPEND[1]
        return out

    def to_dict(self) -> dict[str, Any]:
        """The table as a plain dict (the YAML form; ``load_rules`` reads it back)."""
        out: dict[str, Any] = {"name": self.name}
        for key in ("title", "source", "version", "url", "notes"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["dims"] = list(self.dims)
        out["bins"] = self.bins
        if self.split is not None:
            out["split"] = list(self.split) if isinstance(self.split, tuple) else self.split
        out["match"] = self.match
        out["default"] = self.default
        out["default_zh"] = self.default_zh
        out["rules"] = [r.to_dict() for r in self.rules]
        return out

    def summary(self) -> pd.DataFrame:
        """One row per rule: segment, Chinese label, form and condition."""
        return pd.DataFrame(
            {
                "segment": [r.segment for r in self.rules],
                "label_zh": [r.label_zh for r in self.rules],
                "form": [r.form for r in self.rules],
                "condition": [r.describe() for r in self.rules],
            },
            index=pd.RangeIndex(1, len(self.rules) + 1, name="rule"),
        )

    def __repr__(self) -> str:
        head = (
            f"RuleTable(name={self.name!r}, dims={list(self.dims)}, bins={self.bins}, "
            f"match='first', default={self.default!r}"
            + (f", split={self.split!r}" if self.split is not None else "")
            + f", source={self.source!r}, version={self.version!r})"
        )
        return f"{head}\n{self.summary().to_string()}"


def _where(table_name: str, i: int | None = None, seg: Any = None) -> str:
    if i is None:
        return f"rule table {table_name!r}"
    return f"rule table {table_name!r}, rule #{i} ({seg!r})"


def _parse_split(value: Any, where: str) -> str | tuple | None:
    if value is None:
        return None
    if isinstance(value, str):
        if value in SPLITS:
            return value if value != "score_mean" else ("score_mean",)
    elif isinstance(value, Sequence) and len(value) >= 1:
        kind = value[0]
        if kind == "score_mean" and len(value) == 1:
            return ("score_mean",)
        if kind == "score" and len(value) == 2:
            t = value[1]
            if isinstance(t, Integral) and not isinstance(t, bool) and MIN_BINS <= t <= MAX_BINS:
                return ("score", int(t))
            raise CvlibInputError(
                f"{where}: split=('score', t) needs a whole-number threshold t in 2…9 (high iff "
                f"score >= t), got t={t!r}."
            )
    raise CvlibInputError(
        f"{where}: split={value!r} is not a split rule; use 'mean', 'median', ('score', t) or "
        f"('score_mean',)."
    )


def _check_table(t: RuleTable) -> None:
    """Load-time validation (ValueError naming the table, the rule and the fix)."""
    where = _where(t.name)
    if not isinstance(t.name, str) or not t.name:
        raise CvlibInputError(f"a rule table needs a non-empty name, got {t.name!r}.")
    if isinstance(t.bins, bool) or not isinstance(t.bins, Integral):
        raise CvlibInputError(f"{where}: bins={t.bins!r} must be a whole number in 2…9.")
    if not MIN_BINS <= t.bins <= MAX_BINS:
        raise CvlibInputError(f"{where}: bins={t.bins} is outside 2…9.")
    dims = t.dims
    if (
        not isinstance(dims, tuple)
        or not dims
        or any(d not in DIMENSIONS for d in dims)
        or len(set(dims)) != len(dims)
    ):
        raise CvlibInputError(
            f"{where}: dims={list(dims) if isinstance(dims, tuple | list) else dims!r} must be "
            f"distinct dimensions among 'R', 'F', 'M' (e.g. [R, F, M] or [R, F]); unknown "
            f"dimension."
        )
    if t.match != "first":
        raise CvlibInputError(
            f"{where}: match={t.match!r} is not supported; rules are evaluated in order and the "
            f"first matching rule wins (match: first)."
        )
    if t.split is not None:
        if _parse_split(t.split, where) != t.split:
            raise CvlibInputError(f"{where}: split={t.split!r} is not in canonical form.")
        if t.bins != 2:
            raise CvlibInputError(
                f"{where}: a split table (split={t.split!r}) assigns high/low levels and needs "
                f"bins: 2, got bins={t.bins}."
            )
    for label, what in ((t.default, "default"), (t.default_zh, "default_zh")):
        if not isinstance(label, str) or not label:
            raise CvlibInputError(f"{where}: {what} must be a non-empty label, got {label!r}.")
    if t.default in (NO_PURCHASE[0], NONPOSITIVE_SPEND[0]):
        raise CvlibInputError(f"{where}: default={t.default!r} is a reserved segment name.")
    if not isinstance(t.rules, tuple) or not t.rules:
        raise CvlibInputError(f"{where}: rules must be a non-empty list of rules.")
    labels: dict[str, str | None] = {}
    for i, r in enumerate(t.rules, start=1):
        if not isinstance(r, Rule):
            raise TypeError(f"{where}: rule #{i} is a {type(r).__name__}, not a Rule.")
        w = _where(t.name, i, r.segment)
        if not isinstance(r.segment, str) or not r.segment:
            raise CvlibInputError(f"{w}: segment must be a non-empty name.")
        if r.segment in (NO_PURCHASE[0], NONPOSITIVE_SPEND[0]):
            raise CvlibInputError(
                f"{w}: {r.segment!r} is a reserved segment (assigned before the rules); rename it."
            )
        if r.label_zh is not None and (not isinstance(r.label_zh, str) or not r.label_zh):
            raise CvlibInputError(f"{w}: label_zh must be a non-empty string, got {r.label_zh!r}.")
        forms = [r.codes is not None, r.pattern is not None, bool(r.ranges)]
        if sum(forms) > 1:
            raise CvlibInputError(
                f"{w}: use one rule form only (ranges per dimension, codes, or pattern), not a mix."
            )
        for item in r.ranges:
            d, lo, hi = item
            if d not in dims:
                raise CvlibInputError(
                    f"{w}: unknown dimension {d!r}; this table's dims are {list(dims)}."
                )
            for v in (lo, hi):
                if isinstance(v, bool) or not isinstance(v, Integral):
                    raise CvlibInputError(
                        f"{w}: the range of {d} must be two whole numbers [min, max], got "
                        f"[{lo!r}, {hi!r}]."
                    )
            if lo > hi:
                raise CvlibInputError(
                    f"{w}: {d} range [{lo}, {hi}] has min > max; write it as [{hi}, {lo}]."
                )
            if lo < 1 or hi > t.bins:
                raise CvlibInputError(
                    f"{w}: {d} range [{lo}, {hi}] is outside the scores 1…{t.bins} (bins: "
                    f"{t.bins})."
                )
        if r.codes is not None:
            if not isinstance(r.codes, tuple) or not r.codes:
                raise CvlibInputError(f"{w}: codes must be a non-empty list of code strings.")
            for c in r.codes:
                ok = (
                    isinstance(c, str)
                    and len(c) == len(dims)
                    and all(ch.isdigit() and 1 <= int(ch) <= t.bins for ch in c)
                )
                if not ok:
                    raise CvlibInputError(
                        f"{w}: code {c!r} is not a code over dims {list(dims)}: it needs "
                        f"{len(dims)} digits, each from 1 to {t.bins} (e.g. "
                        f"{str(t.bins) * len(dims)!r})."
                    )
        if r.pattern is not None:
            if not isinstance(r.pattern, str):
                raise CvlibInputError(f"{w}: pattern must be a string, got {r.pattern!r}.")
            try:
                re.compile(r.pattern)
            except re.error as exc:
                raise CvlibInputError(
                    f"{w}: pattern {r.pattern!r} is not a valid regular expression ({exc})."
                ) from None
        if r.segment in labels and r.label_zh and labels[r.segment]:
            if labels[r.segment] != r.label_zh:
                raise CvlibInputError(
                    f"{w}: segment {r.segment!r} appears again with a different Chinese label "
                    f"({labels[r.segment]!r} vs {r.label_zh!r}); use one label per segment."
                )
        if r.label_zh or r.segment not in labels:
            labels[r.segment] = r.label_zh or labels.get(r.segment)


def _parse_rule(raw: Any, i: int, table_name: str, dims: tuple[str, ...]) -> Rule:
    seg = raw.get("segment") if isinstance(raw, Mapping) else None
    w = _where(table_name, i, seg)
    if not isinstance(raw, Mapping):
        raise CvlibInputError(
            f"{w}: a rule must be a mapping such as {{segment: Champions, R: [5, 5]}}, got {raw!r}."
        )
    for key in raw:
        if key in DIMENSIONS and key not in dims:
            raise CvlibInputError(
                f"{w}: unknown dimension {key!r}; this table's dims are {list(dims)}."
            )
        if key not in _RULE_KEYS and key not in dims:
            raise CvlibInputError(
                f"{w}: unknown key {key!r}; a rule has segment, label_zh, codes, pattern, note "
                f"and the dimensions {list(dims)}."
            )
    if "segment" not in raw:
        raise CvlibInputError(f"{w}: the rule has no segment name.")
    ranges = []
    for d in dims:
        if d in raw:
            v = raw[d]
            if not isinstance(v, Sequence) or isinstance(v, str) or len(v) != 2:
                raise CvlibInputError(
                    f"{w}: the range of {d} must be [min, max] (inclusive), got {v!r}; write a "
                    f"single level as [{v!r}, {v!r}]."
                )
            ranges.append((d, v[0], v[1]))
    codes = raw.get("codes")
    if codes is not None:
        if isinstance(codes, str) or not isinstance(codes, Sequence):
            raise CvlibInputError(
                f"{w}: codes must be a list such as ['334', '443'], got {codes!r}."
            )
        codes = tuple(
            str(c) if isinstance(c, Integral) and not isinstance(c, bool) else c for c in codes
        )
    return Rule(
        segment=raw["segment"],
        label_zh=raw.get("label_zh"),
        ranges=tuple(ranges),
        codes=codes,
        pattern=raw.get("pattern"),
        note=raw.get("note"),
    )


def _from_mapping(data: Mapping[str, Any], bins: int | None, origin: str) -> RuleTable:
    name = data.get("name", "custom")
    where = f"{_where(name)} ({origin})"
    unknown = [k for k in data if k not in _TABLE_KEYS]
    if unknown:
        raise CvlibInputError(
            f"{where}: unknown key(s) {unknown}; a rule table has {', '.join(_TABLE_KEYS)}."
        )
    if "rules" not in data:
        raise CvlibInputError(f"{where}: no rules: list.")
    if bins is None:
        bins = data.get("bins")
    if bins is None:
        raise CvlibInputError(
            f"{where}: the score scale is missing; add bins: 5 (say) to the table or pass bins=."
        )
    dims_raw = data.get("dims", list(DIMENSIONS))
    if isinstance(dims_raw, str):
        dims_raw = list(dims_raw)
    if not isinstance(dims_raw, Sequence):
        raise CvlibInputError(f"{where}: dims must be a list such as [R, F, M], got {dims_raw!r}.")
    dims = tuple(dims_raw)
    for d in dims:
        if d not in DIMENSIONS:
            raise CvlibInputError(
                f"{where}: unknown dimension {d!r} in dims; use 'R', 'F' and/or 'M'."
            )
    rules_raw = data["rules"]
    if not isinstance(rules_raw, Sequence) or isinstance(rules_raw, str) or not rules_raw:
        raise CvlibInputError(f"{where}: rules must be a non-empty list.")
    rules = tuple(_parse_rule(r, i, name, dims) for i, r in enumerate(rules_raw, start=1))
    default = data.get("default", GENERIC_DEFAULT[0])
    default_zh = data.get("default_zh", GENERIC_DEFAULT[1])
    return RuleTable(
        name=name,
        dims=dims,
        bins=bins,
        rules=rules,
        default=default,
        default_zh=default_zh,
        split=_parse_split(data.get("split"), where),
        source=data.get("source"),
        version=None if data.get("version") is None else str(data.get("version")),
        title=data.get("title"),
        url=data.get("url"),
        notes=data.get("notes"),
        match=data.get("match", "first"),
    )


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"rule table file {str(path)!r} not found; presets: {', '.join(PRESET_NAMES)}."
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CvlibInputError(f"rule table file {str(path)!r} is not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise CvlibInputError(
            f"rule table file {str(path)!r} must hold a mapping (name, dims, bins, rules, ...)."
        )
    return data


def _load_presets() -> Mapping[str, RuleTable]:
    folder = resources.files("cvlib.rfm") / "presets"
    out = {}
    for name in PRESET_NAMES:
        data = yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))
        out[name] = _from_mapping(data, None, f"preset {name}.yaml")
    return MappingProxyType(out)


#: The shipped presets (name -> RuleTable), read-only; methods/rfm.md §9.
PRESETS: Mapping[str, RuleTable] = _load_presets()


def load_rules(source: Any, *, bins: int | None = None) -> RuleTable:
    """A validated :class:`RuleTable` from a preset name, a YAML file, a dict or a RuleTable.

    YAML / dict form (``methods/rfm.md`` §8.1)::

        name: my_rules
        source: "where the table comes from"
        dims: [R, F, M]          # canonical scores, higher is better, R 5 = most recent
        bins: 5
        match: first             # first matching rule wins (the only mode)
        default: Other           # codes matching no rule
        rules:
          - {segment: Champions, R: [5, 5], F: [5, 5], M: [5, 5], label_zh: 冠军客户}
          - {segment: Premium, codes: ["445", "454"]}
          - {segment: Sleepers, pattern: "[1-2].."}

    Load-time validation (``ValueError``): unknown dimension or key, min > max, bounds outside
    1…bins, a code of the wrong length or with digits outside 1…bins, a regex that does not
    compile, a rule mixing forms, a duplicate segment name with different Chinese labels, a
    reserved segment name.

    Parameters
    ----------
    source : str, path, dict or RuleTable
        A preset name (see :data:`PRESETS`), a path to a YAML file, a dict in the YAML form or
        a :class:`RuleTable`.
    bins : int, optional
        Score scale; required when the table does not declare ``bins``, otherwise re-validates
        the table on a ``bins``-level grid.

    Returns
    -------
    RuleTable

    Examples
    --------
    >>> from cvlib.rfm import load_rules
    >>> t = load_rules({"name": "two", "dims": ["R", "F"], "bins": 2,
    ...                 "rules": [{"segment": "Active", "R": [2, 2]}, {"segment": "Lapsed"}]})
    >>> t.segments
    ('Active', 'Lapsed')

    References
    ----------
    R package rfm 0.3.0 (Hebbali), ``rfm_segment()``: inclusive score ranges, first match wins.
    """
    if bins is not None and (
        isinstance(bins, bool) or not isinstance(bins, Integral) or not MIN_BINS <= bins <= MAX_BINS
    ):
        raise CvlibInputError(f"bins={bins!r} must be a whole number in 2…9.")
    if isinstance(source, RuleTable):
        if bins is None or bins == source.bins:
            return source
        return _from_mapping(source.to_dict(), bins, f"re-validated for bins={bins}")
    if isinstance(source, str) and source in PRESETS:
        return load_rules(PRESETS[source], bins=bins)
    if isinstance(source, Path) or (
        isinstance(source, str)
        and (source.lower().endswith((".yaml", ".yml")) or Path(source).is_file())
    ):
        path = Path(source)
        return _from_mapping(_read_yaml(path), bins, f"file {path.name}")
    if isinstance(source, str):
        raise CvlibInputError(
            f"unknown preset {source!r}; presets: {', '.join(PRESETS)}; or pass a path to a "
            f"YAML rule table, a dict or a RuleTable."
        )
    if isinstance(source, Mapping):
        return _from_mapping(source, bins, "dict")
    raise TypeError(
        f"rules must be a preset name, a YAML path, a dict or a RuleTable, got "
        f"{type(source).__name__}."
    )


# --------------------------------------------------------------------------------------------
# validator


def _grid(n_dims: int, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """All codes: levels (bins^k, k), C order (first dimension slowest), and code strings."""
    levels = np.indices((bins,) * n_dims).reshape(n_dims, -1).T + 1
    weights = 10 ** np.arange(n_dims - 1, -1, -1)
    codes = (levels @ weights).astype(str)
    return levels, codes


def _evaluate(t: RuleTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes, the rule x code match matrix and the winning rule per code (-1 = default)."""
    levels, codes = _grid(len(t.dims), t.bins)
    matches = np.vstack([r._matches(levels, codes, t.dims) for r in t.rules])
    winner = np.where(matches.any(axis=0), matches.argmax(axis=0), -1)
    return codes, matches, winner


@dataclass(frozen=True, repr=False, eq=False)
class RuleReport(ResultMixin):
    """What a rule table does on the full code grid (independent of data).

    Attributes
    ----------
    name : str
    dims : tuple of str
    bins, n_codes : int
        Score scale and number of codes (bins^len(dims)).
    uncovered_codes : tuple of str
        Codes matching no rule (they get the default label).
    overlapping_codes : dict
        Code -> segment names of every rule that matches it, in rule order (the first wins, the
        others are shadowed at that code).
    unreachable_segments : tuple of str
        Segments that win no code under first-match-wins (including rules matching no code).
    unreachable_rules : tuple of int
        Rule numbers (1-based) that win no code.
    codes_per_segment : dict
        Segment -> number of codes it wins (rule order, then the default).
    is_partition : bool
        No uncovered and no overlapping codes.
    lookup : Series
        Code -> winning segment (the lookup table :func:`segment` uses).
    """

    name: str
    dims: tuple[str, ...]
    bins: int
    n_codes: int
    default: str
    uncovered_codes: tuple[str, ...]
    overlapping_codes: dict[str, tuple[str, ...]] = Snapshot()
    unreachable_segments: tuple[str, ...]
    unreachable_rules: tuple[int, ...]
    codes_per_segment: dict[str, int] = Snapshot()
    is_partition: bool
    lookup: pd.Series = Snapshot()
    rules_table: pd.DataFrame = Snapshot()

    _conventions = ("name", "dims", "bins", "n_codes", "is_partition")
    _title = "RuleReport"

    def text(self) -> str:
        """One line: codes, uncovered, overlapping, unreachable."""
        unreachable = ", ".join(self.unreachable_segments) or "none"
        return (
            f"{self.n_codes} codes · uncovered {len(self.uncovered_codes)} · overlapping "
            f"{len(self._overlapping_codes)} · unreachable {unreachable} · partition "
            f"{'yes' if self.is_partition else 'no'}"
        )

    def _convention_text(self) -> str:
        return f"{super()._convention_text()}; {self.text()}"

    def summary(self) -> pd.DataFrame:
        """One row per rule (and the default): condition, codes matched, won and shadowed."""
        return self._rules_table.copy()


def validate_rules(rules: Any, *, bins: int | None = None) -> RuleReport:
    """Check a rule table on the grid of all bins^len(dims) codes (独立于数据的规则检查).

    For every code c: matching rules M(c) = {rules whose condition holds at c}; the winner is the
    first rule in M(c), or the default when M(c) is empty. Reported: uncovered codes (M(c)
    empty), overlapping codes (|M(c)| >= 2, with the ordered matching rules), unreachable
    segments (rules that win no code, including rules that match none), codes won per segment,
    and ``is_partition`` (no uncovered and no overlapping code).

    Parameters
    ----------
    rules : str, path, dict or RuleTable
        Anything :func:`load_rules` accepts.
    bins : int, optional
        Score scale when the table does not declare it, or a different grid to check.

    Returns
    -------
    RuleReport
        ``uncovered_codes``, ``overlapping_codes``, ``unreachable_segments``,
        ``codes_per_segment``, ``is_partition``, ``lookup``; ``summary()`` per rule.

    Examples
    --------
    >>> from cvlib.rfm import validate_rules
    >>> rep = validate_rules("r_rfm_0_3")
    >>> rep.n_codes, len(rep.uncovered_codes), len(rep.overlapping_codes), rep.unreachable_segments
    (125, 10, 58, ())
    >>> validate_rules("cn8").is_partition
    True

    References
    ----------
    R package rfm 0.3.0 (Hebbali), README ``rfm_segment`` example (first match wins).
    """
    t = load_rules(rules, bins=bins)
    codes, matches, winner = _evaluate(t)
    n_rules = len(t.rules)
    n_match = matches.sum(axis=0)
    code_list = codes.tolist()
    uncovered = tuple(code_list[j] for j in np.flatnonzero(n_match == 0))
    names = np.array([r.segment for r in t.rules], dtype=object)
    overlapping = {
        code_list[j]: tuple(names[matches[:, j]].tolist()) for j in np.flatnonzero(n_match >= 2)
    }
    won = np.bincount(winner[winner >= 0], minlength=n_rules)
    unreachable_rules = tuple(int(i) + 1 for i in np.flatnonzero(won == 0))
    per_segment: dict[str, int] = {}
    for r, k in zip(t.rules, won, strict=True):
        per_segment[r.segment] = per_segment.get(r.segment, 0) + int(k)
    unreachable = tuple(s for s in t.segments if per_segment[s] == 0)
    per_segment[t.default] = per_segment.get(t.default, 0) + len(uncovered)
    labels = np.append(names, t.default)
    lookup = pd.Series(labels[winner], index=pd.Index(code_list, name="code"), name="segment")
    rows = pd.DataFrame(
        {
            "segment": list(names) + [t.default],
            "condition": [r.describe() for r in t.rules] + ["no rule matches (default)"],
            "codes_matched": list(matches.sum(axis=1).astype(int)) + [len(uncovered)],
            "codes_won": list(won.astype(int)) + [len(uncovered)],
            "codes_shadowed": list((matches.sum(axis=1) - won).astype(int)) + [0],
            "reachable": list(won > 0) + [len(uncovered) > 0],
        },
        index=pd.Index([*range(1, n_rules + 1), "default"], name="rule"),
    )
    return RuleReport(
        name=t.name,
        dims=t.dims,
        bins=t.bins,
        n_codes=len(codes),
        default=t.default,
        uncovered_codes=uncovered,
        overlapping_codes=overlapping,
        unreachable_segments=unreachable,
        unreachable_rules=unreachable_rules,
        codes_per_segment=per_segment,
        is_partition=not uncovered and not overlapping,
        lookup=lookup,
        rules_table=rows,
    )


# --------------------------------------------------------------------------------------------
# segment


@dataclass(frozen=True, repr=False, eq=False)
class SegmentedResult(ResultMixin):
    """Customers with their segment, the rule table, its validator report and the card.

    Attributes
    ----------
    table : DataFrame
        The input table plus ``segment`` (categorical; categories in rule order, then the
        default, then the reserved segments present) and ``segment_zh`` (with ``lang="zh"`` or
        ``"both"`` when the table has Chinese labels).
    card : DefinitionCard
        The input's card plus the ``segments`` section.
    rules : RuleTable
    report : RuleReport
    customer : hashable
    lang : str
    counts : Series
        Customers per segment (EN labels, category order, zeros included).
    levels : DataFrame
        The levels the rules read per dimension (canonical; for split tables 1 = low, 2 = high);
        NA for customers in a reserved segment.
    split : str or tuple or None
        The split rule used by a split table (cn8), else ``None``.
    centres : dict or None
        The centres (mean/median of the raw values, or the mean scores) per dimension.
    """

    table: pd.DataFrame = Snapshot()
    card: DefinitionCard
    rules: RuleTable
    report: RuleReport
    customer: Hashable
    lang: str
    counts: pd.Series = Snapshot()
    levels: pd.DataFrame = Snapshot()
    split: str | tuple | None = None
    centres: dict[str, float] | None = Snapshot(default=None)

    _conventions = ("lang", "split")
    _title = "SegmentedResult"

    def summary(self) -> pd.DataFrame:
        """:func:`segment_summary` of this result."""
        return segment_summary(self)

    def __repr__(self) -> str:
        return f"{self.card.render()}\n\n{self._table.head(10).to_string()}"

    def _repr_html_(self) -> str:
        return self.card._repr_html_() + self._table.head(10).to_html()


def _split_text(split: str | tuple) -> str:
    if split in ("mean", "median"):
        return (
            f"{split} of the raw values: F, M high iff x > centre; R high (recent) iff "
            f"recency_days < centre; equal to the centre -> the less favourable side"
        )
    if split[0] == "score":
        return f"from the scores: high iff canonical score >= {split[1]} (R already reversed)"
    return "from the scores: high iff canonical score > the mean score of that dimension"


def _split_levels(
    split: str | tuple,
    dims: tuple[str, ...],
    raw: dict[str, np.ndarray],
    eligible: np.ndarray,
    scored: ScoredResult | None,
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Levels 1 (low) / 2 (high) per dimension for the eligible customers, and the centres."""
    levels: dict[str, np.ndarray] = {}
    centres: dict[str, float] = {}
    idx = np.flatnonzero(eligible)
    if split in ("mean", "median"):
        for d in dims:
            x = raw[d][idx]
            if len(x) == 0:
                levels[d] = np.zeros(0, dtype=np.int64)
                centres[d] = float("nan")
                continue
            c = float(np.mean(x)) if split == "mean" else float(np.median(x))
            xr, cr = np.round(x, ROUND_DECIMALS), round(c, ROUND_DECIMALS)
            high = xr < cr if d == "R" else xr > cr
            levels[d] = np.where(high, 2, 1)
            centres[d] = c
        return levels, centres
    if scored is None:
        raise TypeError(
            f"split={split!r} reads the scores: pass the result of cvlib.rfm.score(...), or use "
            f"split='mean' / 'median' on the raw values."
        )
    canon = scored.canonical_scores()
    for d in dims:
        s = canon[d].to_numpy(dtype="float64", na_value=np.nan)[idx]
        if np.isnan(s).any():
            raise CvlibInputError(
                f"split={split!r}: {int(np.isnan(s).sum())} customers to segment have no {d} "
                f"score; score them with the same nonpositive= policy."
            )
        if split[0] == "score":
            t = split[1]
            if t > scored.bins:
                raise CvlibInputError(
                    f"split=('score', {t}) is above the scoring's bins={scored.bins}; use a "
                    f"threshold in 2…{scored.bins}."
                )
            levels[d] = np.where(s >= t, 2, 1)
            centres[d] = float(t)
        else:
            c = float(np.mean(s)) if len(s) else float("nan")
            levels[d] = np.where(np.round(s, ROUND_DECIMALS) > round(c, ROUND_DECIMALS), 2, 1)
            centres[d] = c
    return levels, centres


def segment(
    scored: Any,
    preset: str | RuleTable | Mapping[str, Any] | Path = "r_rfm_0_3",
    *,
    lang: str = "en",
    validate: str = "warn",
    split: Any = _SPLIT_DEFAULT,
    customer: Hashable | None = None,
) -> SegmentedResult:
    """Assign every customer a segment (客户细分) with a rule table; first matching rule wins.

    The rules read the canonical scores (higher is better, R = bins is the most recent) of the
    table's dims, whatever display scale the scoring used. A lookup table over all
    bins^len(dims) codes is built once (first matching rule, else the table's default) and
    customers are mapped by integer code, code index = Σ_j (s_j - 1) bins^(k-1-j), with one
    vectorised ``take``. Reserved segments come first: F = 0 -> "No purchase in window"
    (窗口内无购买); ``nonpositive="separate"`` and M <= 0 -> "Non-positive spend" (净消费额≤0).

    Split tables (``preset="cn8"``, 八类客户) compute their own high/low levels whatever bins the
    scoring used: ``split="mean"`` (default) or ``"median"`` of the raw values (F, M high iff
    x > centre; R high = recent iff recency_days < centre; a value equal to the centre goes to the
    less favourable side), ``("score", t)`` (high iff score >= t) or ``("score_mean",)`` (high
    iff score > the mean score). The card prints the split rule and the centres.

    Parameters
    ----------
    scored : ScoredResult, RFMResult or DataFrame
        The result of :func:`score`; split tables also accept the result of ``rfm_table`` or a
        customer table with ``customer=``. Never modified.
    preset : str, RuleTable, dict or path, default "r_rfm_0_3"
        A preset name (:data:`PRESETS`), a rule table or anything :func:`load_rules` reads.
    lang : {"en", "zh", "both"}, default "en"
        ``"zh"``/``"both"`` add ``segment_zh`` when the table has Chinese labels (cn8 has);
        ``"zh"`` also indexes :func:`segment_summary` by the Chinese labels.
    validate : {"warn", "raise", "off"}, default "warn"
        Run :func:`validate_rules`: ``"warn"`` gives a ``RuleTableWarning`` for unreachable
        segments (and, for tables that are not shipped presets, for uncovered and overlapping
        codes); ``"raise"`` raises on unreachable segments; ``"off"`` only records the report on
        the card.
    split : str or tuple, default "mean"
        Split rule of a split table (cn8 only; an error with other tables).
    customer : hashable, optional
        Customer id column when ``scored`` is a plain DataFrame.

    Returns
    -------
    SegmentedResult
        ``table`` with ``segment`` (and ``segment_zh``), ``counts`` per segment (zeros
        included), ``report``, ``levels``, ``centres``; ``card`` with the ``segments`` section.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.rfm import score, segment
    >>> table = pd.DataFrame({"id": [1, 2, 3, 4], "recency_days": [5, 40, 200, 9],
    ...                       "frequency": [6, 2, 1, 3], "monetary": [300.0, 80.0, 15.0, 90.0]})
    >>> scored = score(table, customer="id", bins=2, method="median")
    >>> scored.table["rfm_code"].tolist()
    ['222', '111', '111', '222']
    >>> seg = segment(scored, "r_rfm_0_3")  # needs bins=5
    Traceback (most recent call last):
    ...
    cvlib._validation.CvlibInputError: rule table 'r_rfm_0_3' needs scores on 1…5 but ...
    >>> seg = segment(scored, "cn8", lang="both")  # cn8: mean split of the raw values
    >>> seg.table["segment_zh"].tolist()
    ['重要价值客户', '一般发展客户', '一般挽留客户', '一般发展客户']
    >>> seg.centres
    {'R': 63.5, 'F': 3.0, 'M': 121.25}

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus. R package rfm 0.3.0
    (Hebbali), ``rfm_segment``. The Chinese 8-class scheme (八类客户): Chinese CRM course
    material, direction as in ``methods/rfm.md`` §9.6.
    """
    t = load_rules(preset)
    check_choice("lang", lang, LANGS)
    check_choice("validate", validate, VALIDATE)
    split_given = not isinstance(split, _Default)
    split_value = split if split_given else split.value

    is_scored = isinstance(scored, ScoredResult)
    if t.split is None:
        if split_given:
            raise CvlibInputError(
                f"split= applies to split tables such as 'cn8' only; rule table {t.name!r} reads "
                f"the scores. Drop split=."
            )
        if not is_scored:
            raise TypeError(
                f"segment() with rule table {t.name!r} needs the result of cvlib.rfm.score(...) "
                f"(bins={t.bins}), got {type(scored).__name__}; score first."
            )
        if scored.bins != t.bins:
            raise CvlibInputError(
                f"rule table {t.name!r} needs scores on 1…{t.bins} but the scoring used "
                f"bins={scored.bins}; score with score(..., bins={t.bins})."
            )
        if customer is not None and customer != scored.customer:
            raise CvlibInputError(
                f"customer={customer!r} disagrees with the scored result's id column "
                f"{scored.customer!r}; drop customer=."
            )
    rule = _parse_split(split_value, "segment()") if t.split is not None else None
    if t.split is not None and not split_given:
        rule = t.split

    if is_scored:
        table, card, cust = scored.table, scored.card, scored.customer
        nonpositive = scored.nonpositive
    else:
        table, card, cust = _customer_table(scored, customer, "segment")
        nonpositive = "flag"
    raw = _raw_values(table)
    buying = raw["F"] > 0
    nonpos = buying & (raw["M"] <= 0) if nonpositive == "separate" else np.zeros_like(buying)
    eligible = buying & ~nonpos
    n_rows = len(table)

    # levels per dimension (canonical), for the eligible customers
    centres: dict[str, float] = {}
    if t.split is None:
        canon = scored.canonical_scores()
        lv = {d: canon[d].to_numpy(dtype="float64", na_value=np.nan) for d in t.dims}
        complete = np.all([~np.isnan(lv[d]) for d in t.dims], axis=0)
        if np.any(complete != eligible):
            raise CvlibInputError(
                "the scored table has missing scores that no reserved segment explains; "
                "re-run score() on the customer table."
            )
        levels = {d: lv[d][eligible].astype(np.int64) for d in t.dims}
    else:
        levels, centres = _split_levels(rule, t.dims, raw, eligible, scored if is_scored else None)

    report = validate_rules(t)
    _warn_or_raise(t, report, validate)

    k = len(t.dims)
    code_idx = np.zeros(int(eligible.sum()), dtype=np.int64)
    for j, d in enumerate(t.dims):
        code_idx += (levels[d] - 1) * t.bins ** (k - 1 - j)
    _, _, winner = _evaluate(t)
    categories = list(t.segments)
    if report.uncovered_codes and t.default not in categories:
        categories.append(t.default)
    if (~buying).any():
        categories.append(NO_PURCHASE[0])
    if nonpos.any():
        categories.append(NONPOSITIVE_SPEND[0])
    position = {c: i for i, c in enumerate(categories)}
    # winning rule (or -1 = the default, the last entry) -> category position
    rule_pos = np.array([position[r.segment] for r in t.rules] + [position.get(t.default, -1)])
    seg_codes = np.full(n_rows, -1, dtype=np.int64)
    seg_codes[eligible] = rule_pos.take(winner.take(code_idx))
    if (~buying).any():
        seg_codes[~buying] = position[NO_PURCHASE[0]]
    if nonpos.any():
        seg_codes[nonpos] = position[NONPOSITIVE_SPEND[0]]
    out = table.drop(columns=[c for c in ("segment", "segment_zh") if c in table.columns])
    out["segment"] = pd.Categorical.from_codes(seg_codes, categories=categories)
    zh_map = t.labels_zh
    add_zh = lang in ("zh", "both") and t.has_zh
    if add_zh:
        zh_categories = list(dict.fromkeys(zh_map[c] for c in categories))
        zh_pos = np.array([zh_categories.index(zh_map[c]) for c in categories])
        out["segment_zh"] = pd.Categorical.from_codes(
            zh_pos.take(seg_codes), categories=zh_categories
        )
    counts = pd.Series(
        np.bincount(seg_codes, minlength=len(categories)).astype("int64"),
        index=pd.Index(categories, name="segment"),
    )
    counts.name = "customers"

    level_frame = pd.DataFrame(index=table.index)
    for d in t.dims:
        values = np.ones(n_rows, dtype=np.int8)
        values[eligible] = levels[d]
        level_frame[d] = pd.arrays.IntegerArray(values, ~eligible)

    fields: dict[str, Any] = {
        "rule table": t.name,
        "title": t.title,
        "source": t.source,
        "version": t.version,
        "dims": ", ".join(t.dims),
        "bins": t.bins if t.split is None else "2 (high/low, the table's own split)",
        "match": "first matching rule wins",
        "default": t.default,
        "scores read": (
            f"canonical (higher is better; R {t.bins} = most recent)"
            + (
                "; displayed 1-best scores converted back"
                if is_scored and scored.scale == "1-best"
                else ""
            )
            if t.split is None
            else "levels 2 = high, 1 = low (R high = recent)"
        ),
    }
    if t.split is not None:
        fields["split"] = _split_text(rule)
        fields["centres"] = centres
    fields.update(
        {
            "validator": report.text(),
            "uncovered codes": list(report.uncovered_codes) or "none",
            "overlapping codes": {c: " > ".join(m) for c, m in report.overlapping_codes.items()}
            or "none",
            "unreachable segments": list(report.unreachable_segments) or "none",
            "codes per segment": report.codes_per_segment,
            "customers per segment": {str(s): int(v) for s, v in counts.items()},
            "reserved": {
                NO_PURCHASE[0]: int((~buying).sum()),
                NONPOSITIVE_SPEND[0]: int(nonpos.sum()),
            },
            "labels": (
                "EN + ZH (segment_zh)"
                if add_zh
                else "EN"
                + (
                    " (the table has no Chinese labels; segment_zh not added)"
                    if lang != "en" and not t.has_zh
                    else ""
                )
            ),
        }
    )
    card = card.with_section("segments", {k_: v for k_, v in fields.items() if v is not None})
    return SegmentedResult(
        table=out,
        card=card,
        rules=t,
        report=report,
        customer=cust,
        lang=lang,
        counts=counts,
        levels=level_frame,
        split=rule,
        centres=centres or None,
    )


def _is_preset(t: RuleTable) -> bool:
    return t.name in PRESETS and PRESETS[t.name] == t


def _warn_or_raise(t: RuleTable, report: RuleReport, validate: str) -> None:
    if validate == "off":
        return
    if report.unreachable_segments:
        rules = ", ".join(f"#{i}" for i in report.unreachable_rules)
        many = len(report.unreachable_rules) > 1
        msg = (
            f"rule table {t.name!r}: segment(s) {', '.join(map(repr, report.unreachable_segments))} "
            f"can never be assigned ({'rules' if many else 'rule'} {rules} "
            f"{'win' if many else 'wins'} no code: earlier rules match every code "
            f"{'they match' if many else 'it matches'}, or {'they match' if many else 'it matches'}"
            f" none). First match wins; reorder or narrow the rules. "
            f"See validate_rules({t.name!r}).summary()."
        )
        if validate == "raise":
            raise CvlibInputError(msg)
        warnings.warn(msg, RuleTableWarning, stacklevel=3)
    if validate == "warn" and not _is_preset(t):
        parts = []
        if report.uncovered_codes:
            listed = ", ".join(report.uncovered_codes[:_MAX_LISTED])
            more = " …" if len(report.uncovered_codes) > _MAX_LISTED else ""
            k = len(report.uncovered_codes)
            parts.append(
                f"{k} {'code matches' if k == 1 else 'codes match'} no rule and "
                f"{'goes' if k == 1 else 'go'} to the default {t.default!r} ({listed}{more})"
            )
        if report.overlapping_codes:
            k = len(report.overlapping_codes)
            parts.append(
                f"{k} {'code matches' if k == 1 else 'codes match'} two or more rules and the "
                f"first one wins"
            )
        if parts:
            warnings.warn(
                f"rule table {t.name!r}: {'; '.join(parts)}. The report is on the card; see "
                f"validate_rules(...).summary(), or pass validate='off' if this is intended.",
                RuleTableWarning,
                stacklevel=3,
            )


def cn8(
    result: Any,
    *,
    split: str | tuple = "mean",
    lang: str = "both",
    customer: Hashable | None = None,
    validate: str = "warn",
) -> SegmentedResult:
    """The Chinese 8-class RFM scheme (八类客户): high/low R, F, M -> 8 segments.

    Shortcut for ``segment(result, preset="cn8", split=split, lang=lang)``. Each of R, F, M is
    split at a centre c of the raw values (mean by default, or median), whatever bins a previous
    scoring used:

    * F, M high iff x > c; R high (recent) iff recency_days < c;
    * a value equal to c goes to the less favourable side (low F/M, not recent).

    ========== ====== ====== ================ ======================
    R          F      M      segment_zh       segment
    ========== ====== ====== ================ ======================
    recent     high   high   重要价值客户     Important value
    recent     low    high   重要发展客户     Important development
    not recent high   high   重要保持客户     Important retention
    not recent low    high   重要挽留客户     Important win-back
    recent     high   low    一般价值客户     General value
    recent     low    low    一般发展客户     General development
    not recent high   low    一般保持客户     General retention
    not recent low    low    一般挽留客户     General win-back
    ========== ====== ====== ================ ======================

    Parameters
    ----------
    result : RFMResult, ScoredResult or DataFrame
        The customer table (``customer=`` for a plain DataFrame). Never modified.
    split : {"mean", "median"} or ("score", t) or ("score_mean",), default "mean"
        The last two read the scores of a :class:`ScoredResult`.
    lang : {"en", "zh", "both"}, default "both"
    customer : hashable, optional
    validate : {"warn", "raise", "off"}, default "warn"

    Returns
    -------
    SegmentedResult
        ``table`` with ``segment`` and ``segment_zh``; ``centres`` and the card's split rule.

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.rfm import cn8
    >>> table = pd.DataFrame({"id": list("ABC"), "recency_days": [5, 300, 300],
    ...                       "frequency": [10, 12, 2], "monetary": [1000.0, 900.0, 50.0]})
    >>> result = cn8(table, customer="id")
    >>> result.table["segment_zh"].tolist()
    ['重要价值客户', '重要保持客户', '一般挽留客户']
    >>> result.table["segment"].tolist()
    ['Important value', 'Important retention', 'General win-back']

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus. The 8-class table follows the
    Chinese CRM course material (八类客户: 重要价值/发展/保持/挽留, 一般价值/发展/保持/挽留) with
    the direction fixed in ``methods/rfm.md`` §9.6 (R high = recent).
    """
    return segment(result, "cn8", lang=lang, validate=validate, split=split, customer=customer)


# --------------------------------------------------------------------------------------------
# summary


def segment_summary(segmented: SegmentedResult) -> pd.DataFrame:
    """One row per segment (细分汇总): size, orders, revenue, shares and medians.

    Rows: the rule segments in rule order (zeros included), then the default (when some code
    reaches it), then the reserved segments present. Columns: ``customers``,
    ``customer_share``, ``orders`` (Σ frequency), ``revenue`` (Σ net spend of the segment's
    customers), ``revenue_share``, ``aov`` = revenue / orders, and the medians of
    ``recency_days``, ``frequency`` and ``monetary`` (methods/rfm.md §8.5).

    Revenue is the real total: Σ ``monetary`` when M is the sum of amounts (the default), and
    Σ ``monetary_sum`` when the table was built with ``monetary="mean"`` (summing per-customer
    means is not a revenue, and the mean is NA for customers without a purchase occasion, whose
    returns still count). A mean table without ``monetary_sum`` is refused. Customers with
    F = 0 ("No purchase in window") keep their (net, often negative) spend in the revenue.

    Parameters
    ----------
    segmented : SegmentedResult
        The result of :func:`segment` or :func:`cn8`.

    Returns
    -------
    DataFrame
        Indexed by the EN labels (``lang="zh"``: the Chinese labels; ``"both"``: EN index plus
        a ``segment_zh`` column).

    Examples
    --------
    >>> import pandas as pd
    >>> from cvlib.rfm import cn8, segment_summary
    >>> table = pd.DataFrame({"id": list("AC"), "recency_days": [5, 300],
    ...                       "frequency": [10, 2], "monetary": [1000.0, 50.0]})
    >>> segment_summary(cn8(table, customer="id", lang="en"))["customers"].tolist()
    [1, 0, 0, 0, 0, 0, 0, 1]

    References
    ----------
    R package rfm 0.3.0 (Hebbali), ``rfm_plot_segment_summary`` (customers and revenue per
    segment).
    """
    if not isinstance(segmented, SegmentedResult):
        raise TypeError(
            f"segment_summary() needs the result of cvlib.rfm.segment(...), got "
            f"{type(segmented).__name__}."
        )
    t = segmented._table
    seg = t["segment"]
    grouped = t.groupby(seg, observed=False, sort=True)
    customers = grouped.size().astype("int64")
    freq = t["frequency"].astype("float64")
    money = t["monetary"].astype("float64")
    recency = t["recency_days"].astype("float64")
    orders = freq.groupby(seg, observed=False, sort=True).sum()
    spend = _net_spend(segmented, t)
    revenue = spend.groupby(seg, observed=False, sort=True).sum()
    total_rev = float(spend.sum())
    out = pd.DataFrame(
        {
            "customers": customers,
            "customer_share": customers / len(t),
            "orders": orders.astype("int64"),
            "revenue": revenue,
            "revenue_share": revenue / total_rev if total_rev > 0 else np.nan,
            "aov": (revenue / orders.where(orders > 0)).astype("float64"),
            "recency_days_median": recency.groupby(seg, observed=False, sort=True).median(),
            "frequency_median": freq.groupby(seg, observed=False, sort=True).median(),
            "monetary_median": money.groupby(seg, observed=False, sort=True).median(),
        }
    )
    out.index = pd.Index([str(s) for s in out.index], name="segment")
    if "segment_zh" in t.columns:
        zh = segmented.rules.labels_zh
        labels_zh = [zh.get(s, s) for s in out.index]
        if segmented.lang == "zh":
            out.index = pd.Index(labels_zh, name="segment_zh")
        else:
            out.insert(0, "segment_zh", labels_zh)
    return out


def _monetary_statistic(card: Any) -> str | None:
    """``"sum"`` or ``"mean"`` as recorded by rfm_table on the card, else ``None``."""
    if "definitions" not in card:
        return None
    value = card.section("definitions").get("monetary")
    return value if value in ("sum", "mean") else None


def _net_spend(segmented: SegmentedResult, t: pd.DataFrame) -> pd.Series:
    """Each customer's real (net) spend: ``monetary_sum`` if present, else a summed ``monetary``."""
    if "monetary_sum" in t.columns:
        return t["monetary_sum"].astype("float64")
    if _monetary_statistic(segmented.card) == "mean":
        raise CvlibInputError(
            "segment_summary() needs each customer's total spend for the revenue, but this table "
            "was built with rfm_table(..., monetary='mean') and has no 'monetary_sum' column: "
            "a sum of per-customer means is not a revenue (and the mean is NA for customers "
            "with returns only). Keep the 'monetary_sum' column that rfm_table adds, or build "
            "the table with monetary='sum'."
        )
    return t["monetary"].astype("float64")

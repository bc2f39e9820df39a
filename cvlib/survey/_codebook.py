"""Codebook (编码本): what each questionnaire column means (``methods/survey.md`` §1).

A :class:`Codebook` is an ordered mapping ``item -> ItemSpec``. Every analysis in
:mod:`cvlib.survey` that needs the *theoretical* scale ends (reverse scoring, top-box shares,
frequency tables with zero-count codes, diverging charts) reads them from here, never from the
observed data.

Build one from a dict, a list of records, a DataFrame (a codebook sheet), or a YAML/CSV/Excel file.
An item may name a scale preset (``scale: sat7_zh``) instead of spelling out its end points and
labels; explicit fields win over the preset.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError

__all__ = [
    "BinCheck",
    "Codebook",
    "ItemSpec",
    "ITEM_TYPES",
    "SCALE_PRESETS",
    "check_bins",
    "scale_preset",
]

ITEM_TYPES = ("likert", "ordinal", "nps", "binary", "nominal", "numeric", "multi", "rank", "text")
_ORDERED = ("likert", "ordinal", "nps")
_SCALED = ("likert", "ordinal", "nps")

# Scale presets (survey.md §1.2). labels: code -> (zh, en); neutral: code or None.
SCALE_PRESETS: dict[str, dict[str, Any]] = {
    "sat7_zh": {
        "type": "likert",
        "scale_min": 1,
        "scale_max": 7,
        "labels": {
            7: ("很满意", "very satisfied"),
            6: ("满意", "satisfied"),
            5: ("较满意", "somewhat satisfied"),
            4: ("一般", "neutral"),
            3: ("不太满意", "somewhat dissatisfied"),
            2: ("不满意", "dissatisfied"),
            1: ("很不满意", "very dissatisfied"),
        },
        "neutral": 4,
        "source": "source document 004, Art. 6",
    },
    "score10_anchored": {
        "type": "likert",
        "scale_min": 1,
        "scale_max": 10,
        "labels": {
            1: ("无法接受", "unacceptable"),
            5: ("一般", "average"),
            10: ("非常好", "very good"),
        },
        "neutral": None,
        "source": "source document 004, Art. 9, Q11",
    },
    "score10": {
        "type": "likert",
        "scale_min": 1,
        "scale_max": 10,
        "labels": {},
        "neutral": None,
        "source": "source document 004, Art. 7",
    },
    "nps11": {
        "type": "nps",
        "scale_min": 0,
        "scale_max": 10,
        "labels": {},
        "neutral": None,
        "source": "Reichheld (2003); survey.md §6",
    },
    "recommend4_zh": {
        "type": "ordinal",
        "scale_min": 1,
        "scale_max": 4,
        "labels": {
            4: ("一定会", "definitely will"),
            3: ("可能会", "probably will"),
            2: ("可能不会", "probably will not"),
            1: ("一定不会", "definitely will not"),
        },
        "neutral": None,
        "source": "source document 004, Art. 9, Q13 (codes are cvlib's)",
    },
    "yes_no": {
        "type": "binary",
        "scale_min": 0,
        "scale_max": 1,
        "labels": {1: ("是", "yes"), 0: ("否", "no")},
        "neutral": None,
        "source": "source document 004, Art. 9, Q12",
    },
    "bfi6": {
        "type": "likert",
        "scale_min": 1,
        "scale_max": 6,
        "labels": {
            1: ("非常不符合", "Very Inaccurate"),
            2: ("比较不符合", "Moderately Inaccurate"),
            3: ("有点不符合", "Slightly Inaccurate"),
            4: ("有点符合", "Slightly Accurate"),
            5: ("比较符合", "Moderately Accurate"),
            6: ("非常符合", "Very Accurate"),
        },
        "neutral": None,
        "source": "psych bfi documentation",
    },
    "likert5": {
        "type": "likert",
        "scale_min": 1,
        "scale_max": 5,
        "labels": {
            1: ("非常不同意", "strongly disagree"),
            2: ("不同意", "disagree"),
            3: ("中立", "neutral"),
            4: ("同意", "agree"),
            5: ("非常同意", "strongly agree"),
        },
        "neutral": 3,
        "source": "generic",
    },
}


def scale_preset(name: str) -> dict[str, Any]:
    """The fields of a scale preset (a copy), e.g. ``scale_preset("sat7_zh")["labels"]``."""
    if name not in SCALE_PRESETS:
        raise CvlibInputError(
            f"unknown scale preset {name!r}; use one of {', '.join(map(repr, SCALE_PRESETS))}, "
            f"or give scale_min, scale_max and labels explicitly."
        )
    preset = SCALE_PRESETS[name]
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in preset.items()}


def _code(value: Any, where: str) -> Any:
    """A code as stored: integral numbers become int (7.0 -> 7); strings stay strings."""
    if isinstance(value, np.generic):  # numpy scalars from DataFrame cells
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return text
        if math.isfinite(number) and number.is_integer():
            return int(number)
        return number
    raise CvlibInputError(f"{where}: code {value!r} must be a number or a string")


def _labels(value: Any, where: str) -> tuple[dict[Any, str], dict[Any, str]]:
    """Parse labels given as {code: "zh"}, {code: ("zh", "en")} or {code: {"zh":..,"en":..}}."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return {}, {}
    if isinstance(value, str):
        # "7=很满意; 6=满意" (a codebook sheet cell)
        pairs = [p for p in (s.strip() for s in value.replace("；", ";").split(";")) if p]
        parsed = {}
        for pair in pairs:
            if "=" not in pair:
                raise CvlibInputError(
                    f"{where}: label entry {pair!r} is not 'code=label'; write labels as "
                    f"'7=很满意; 6=满意'."
                )
            code, label = pair.split("=", 1)
            parsed[code] = label
        value = parsed
    if not isinstance(value, Mapping):
        raise CvlibInputError(f"{where}: labels must map code -> label, got {type(value).__name__}")
    zh: dict[Any, str] = {}
    en: dict[Any, str] = {}
    for raw_code, label in value.items():
        code = _code(raw_code, where)
        if isinstance(label, tuple | list) and len(label) == 2:
            zh[code], en[code] = str(label[0]), str(label[1])
        elif isinstance(label, Mapping):
            if "zh" in label:
                zh[code] = str(label["zh"])
            if "en" in label:
                en[code] = str(label["en"])
        else:
            zh[code] = str(label).strip()
    return zh, en


def _missing_codes(value: Any, where: str) -> dict[Any, str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return {}
    if isinstance(value, str):
        value = {
            p.split("=", 1)[0]: (p.split("=", 1)[1].strip() if "=" in p else "declared missing")
            for p in (s.strip() for s in value.replace("；", ";").split(";"))
            if p
        }
    if isinstance(value, Mapping):
        return {_code(k, where): str(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return {_code(k, where): "declared missing" for k in value}
    return {_code(value, where): "declared missing"}


def _missing_ranges(value: Any, where: str) -> tuple[tuple[float, float, str], ...]:
    """Parse missing ranges: [{"lo": 98, "hi": 99, "reason": ..}], [(98, 99, reason)] or the
    sheet form ``"98..99=不知道; 900..999"`` (SPSS ``MISSING VALUES q (98 THRU 99)``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        entries: list[Any] = []
        for part in (p.strip() for p in value.replace("；", ";").split(";")):
            if not part:
                continue
            span, _, reason = part.partition("=")
            if ".." not in span:
                raise CvlibInputError(
                    f"{where}: missing range {part!r} is not 'lo..hi=reason'; write e.g. "
                    f"'98..99=不知道'."
                )
            lo, hi = span.split("..", 1)
            entries.append((lo, hi, reason.strip() or None))
        value = entries
    if isinstance(value, Mapping):
        value = [value]
    out = []
    for entry in value:
        if isinstance(entry, Mapping):
            lo, hi, reason = entry.get("lo"), entry.get("hi"), entry.get("reason")
        elif isinstance(entry, tuple | list) and len(entry) in (2, 3):
            lo, hi = entry[0], entry[1]
            reason = entry[2] if len(entry) == 3 else None
        else:
            raise CvlibInputError(
                f"{where}: missing range {entry!r} must be (lo, hi[, reason]) or "
                f"{{'lo': .., 'hi': .., 'reason': ..}}"
            )
        try:
            lo_f, hi_f = float(str(lo).strip()), float(str(hi).strip())
        except ValueError:
            raise CvlibInputError(
                f"{where}: missing range bounds {lo!r}..{hi!r} must be numbers"
            ) from None
        if math.isnan(lo_f) or math.isnan(hi_f) or lo_f > hi_f:
            raise CvlibInputError(
                f"{where}: missing range {lo!r}..{hi!r} needs lo <= hi (both numbers)"
            )
        if reason is None or _is_blank(reason):
            reason = f"user missing {lo_f:g}..{hi_f:g}"
        out.append((lo_f, hi_f, str(reason)))
    return tuple(out)


@dataclass(frozen=True)
class ItemSpec:
    """One codebook row (survey.md §1.1).

    ``labels`` maps code -> Chinese (or only) label, ``labels_en`` code -> English label.
    ``missing_codes`` maps a declared missing code to its reason, e.g. ``{-99: "拒答 refused"}``;
    ``missing_ranges`` holds ``(lo, hi, reason)`` spans of missing codes (SPSS ``98 THRU 99``).
    A value is missing when it equals a missing code or lies in a range (:meth:`missing_reason`).
    """

    item: str
    type: str
    scale_min: float | None = None
    scale_max: float | None = None
    labels: dict[Any, str] = field(default_factory=dict)
    labels_en: dict[Any, str] = field(default_factory=dict)
    wording: str | None = None
    wording_en: str | None = None
    construct: str | None = None
    reverse: bool = False
    missing_codes: dict[Any, str] = field(default_factory=dict)
    neutral: Any = None
    weight: float | None = None
    max_select: int | None = None
    n_ranks: int | None = None
    scale: str | None = None
    missing_ranges: tuple[tuple[float, float, str], ...] = ()

    @property
    def is_ordered(self) -> bool:
        return self.type in _ORDERED

    @property
    def codes(self) -> list[Any]:
        """Valid codes in code order: every integer from scale_min to scale_max for scaled items,
        else the label codes (sorted when they are all numbers)."""
        if self.scale_min is not None and self.scale_max is not None:
            lo, hi = self.scale_min, self.scale_max
            if float(lo).is_integer() and float(hi).is_integer():
                return list(range(int(lo), int(hi) + 1))
        codes = list(self.labels) or list(self.labels_en)
        try:
            return sorted(codes)
        except TypeError:
            return codes

    def label(self, code: Any, lang: str = "zh") -> str:
        """The label of ``code`` in ``lang`` ("zh" or "en"), falling back to the other language
        and then to the code itself."""
        first, second = (
            (self.labels_en, self.labels) if lang == "en" else (self.labels, self.labels_en)
        )
        code = _code(code, self.item) if not isinstance(code, str) else code
        if code in first:
            return first[code]
        if code in second:
            return second[code]
        return str(code)

    def missing_reason(self, code: Any) -> str | None:
        """The reason if ``code`` is a declared missing code (or lies in a missing range), else
        ``None``. Numbers compare by value (``-99.0`` matches the code ``-99``)."""
        if isinstance(code, str):
            return self.missing_codes.get(code)
        try:
            if code in self.missing_codes:
                return self.missing_codes[code]
        except TypeError:
            return None
        if isinstance(code, int | float) and not isinstance(code, bool):
            for lo, hi, reason in self.missing_ranges:
                if lo <= code <= hi:
                    return reason
        return None

    def text(self, lang: str = "zh") -> str:
        """The item wording in ``lang`` (falls back to the other language, then the item name)."""
        if lang == "en":
            return self.wording_en or self.wording or self.item
        return self.wording or self.wording_en or self.item


_FIELDS = {f for f in ItemSpec.__dataclass_fields__}
_ALIASES = {
    "question": "wording",
    "text": "wording",
    "dimension": "construct",
    "scale_name": "scale",
}


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _spec(record: Mapping[str, Any], *, allow_inrange_missing: bool) -> ItemSpec:
    rec = {_ALIASES.get(str(k).strip(), str(k).strip()): v for k, v in record.items()}
    rec = {k: v for k, v in rec.items() if not _is_blank(v)}
    item = rec.get("item")
    if item is None:
        raise CvlibInputError(f"codebook row {dict(record)!r} has no 'item' (the column name)")
    item = str(item)
    where = f"codebook item {item!r}"
    unknown = sorted(set(rec) - _FIELDS)
    if unknown:
        raise CvlibInputError(
            f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; the codebook fields are "
            f"{', '.join(sorted(_FIELDS))}."
        )
    merged: dict[str, Any] = {}
    if "scale" in rec:
        preset = scale_preset(str(rec["scale"]))
        preset.pop("source", None)
        merged.update(preset)
    merged.update(rec)
    if "type" not in merged:
        raise CvlibInputError(
            f"{where} has no 'type'; use one of {', '.join(ITEM_TYPES)} (or a 'scale' preset)."
        )
    kind = str(merged["type"]).strip().lower()
    if kind not in ITEM_TYPES:
        raise CvlibInputError(f"{where}: type {kind!r} is not one of {', '.join(ITEM_TYPES)}")
    # a preset's labels are the base; labels given with the item replace them code by code
    preset_labels = scale_preset(str(rec["scale"]))["labels"] if "scale" in rec else None
    labels, labels_en = _labels(preset_labels, where)
    item_zh, item_en = _labels(rec.get("labels"), where)
    labels.update(item_zh)
    labels_en.update(item_en)
    if "labels_en" in merged:
        extra_zh, extra_en = _labels(merged["labels_en"], where)
        labels_en.update(extra_en or extra_zh)
    missing = _missing_codes(merged.get("missing_codes"), where)
    ranges = _missing_ranges(merged.get("missing_ranges"), where)

    def declared_missing(code: Any) -> bool:
        return code in missing or any(a <= code <= b for a, b, _ in ranges)

    lo = merged.get("scale_min")
    hi = merged.get("scale_max")
    lo = None if lo is None else float(_code(lo, where))
    hi = None if hi is None else float(_code(hi, where))
    if kind in _SCALED and (lo is None or hi is None):
        raise CvlibInputError(
            f"{where} is {kind!r} but has no scale_min/scale_max; give the theoretical ends of "
            f"the response scale (for example 1 and 7). cvlib never guesses them from the data."
        )
    if lo is not None and hi is not None and lo >= hi:
        raise CvlibInputError(f"{where}: scale_min {lo:g} must be below scale_max {hi:g}")
    reverse = merged.get("reverse", False)
    if isinstance(reverse, str):
        reverse = reverse.strip().lower() in ("true", "1", "yes", "y", "是", "-1", "r")
    reverse = bool(reverse)
    if reverse and kind not in _ORDERED:
        raise CvlibInputError(
            f"{where}: reverse=True needs an ordered type (likert, ordinal, nps), not {kind!r}"
        )
    if lo is not None and hi is not None:
        for code in list(labels) + list(labels_en):
            if isinstance(code, str) or declared_missing(code):
                continue
            if not lo <= code <= hi:
                raise CvlibInputError(
                    f"{where}: label code {code!r} lies outside the scale [{lo:g}, {hi:g}] and is "
                    f"not a declared missing code; fix the scale ends or add it to missing_codes."
                )
        inside = [c for c in missing if not isinstance(c, str) and lo <= c <= hi]
        if inside and not allow_inrange_missing:
            raise CvlibInputError(
                f"{where}: missing code(s) {inside} lie inside the valid range [{lo:g}, {hi:g}], "
                f"so real answers would become missing; pick codes outside the scale (e.g. -99) "
                f"or pass allow_inrange_missing=True if this is intended."
            )
        spans = [(a, b) for a, b, _ in ranges if a <= hi and b >= lo]
        if spans and not allow_inrange_missing:
            raise CvlibInputError(
                f"{where}: missing range(s) {', '.join(f'{a:g}..{b:g}' for a, b in spans)} "
                f"overlap the valid range [{lo:g}, {hi:g}], so real answers would become missing; "
                f"pick codes outside the scale or pass allow_inrange_missing=True if intended."
            )
    neutral = merged.get("neutral")
    if neutral is not None:
        neutral = _code(neutral, where)
        if (
            lo is not None
            and hi is not None
            and not isinstance(neutral, str)
            and not lo <= neutral <= hi
        ):
            raise CvlibInputError(
                f"{where}: neutral code {neutral!r} lies outside the scale [{lo:g}, {hi:g}]; "
                f"give the code of the middle category (e.g. 4 on a 1-7 scale) or leave it empty."
            )
    counts = {}
    for name, allowed in (("max_select", "multi"), ("n_ranks", "rank")):
        value = merged.get(name)
        if value is None:
            counts[name] = None
            continue
        number = _code(value, where)
        if isinstance(number, str) or not float(number).is_integer() or number < 1:
            raise CvlibInputError(f"{where}: {name}={value!r} must be a whole number >= 1")
        if kind != allowed:
            raise CvlibInputError(
                f"{where}: {name} applies to {allowed!r} items only, not {kind!r}; remove it or "
                f"set type: {allowed}."
            )
        counts[name] = int(number)
    weight = merged.get("weight")
    return ItemSpec(
        item=item,
        type=kind,
        scale_min=lo,
        scale_max=hi,
        labels=labels,
        labels_en=labels_en,
        wording=None if merged.get("wording") is None else str(merged["wording"]),
        wording_en=None if merged.get("wording_en") is None else str(merged["wording_en"]),
        construct=None if merged.get("construct") is None else str(merged["construct"]),
        reverse=reverse,
        missing_codes=missing,
        neutral=neutral,
        weight=None if weight is None else float(weight),
        max_select=counts["max_select"],
        n_ranks=counts["n_ranks"],
        scale=None if merged.get("scale") is None else str(merged["scale"]),
        missing_ranges=ranges,
    )


class Codebook(Mapping[str, ItemSpec]):
    """An ordered, validated, read-only mapping ``item -> ItemSpec`` (survey.md §1.1).

    Examples
    --------
    >>> cb = Codebook({"q1": {"scale": "sat7_zh", "wording": "服务态度"}})
    >>> cb["q1"].scale_max, cb["q1"].label(7), cb["q1"].label(7, "en")
    (7.0, '很满意', 'very satisfied')
    """

    def __init__(
        self,
        items: Mapping[str, Mapping[str, Any]]
        | Iterable[Mapping[str, Any] | ItemSpec]
        | pd.DataFrame,
        *,
        allow_inrange_missing: bool = False,
    ) -> None:
        if isinstance(items, pd.DataFrame):
            records: list[Any] = items.to_dict("records")
        elif isinstance(items, Mapping):
            records = []
            for name, rec in items.items():
                if not isinstance(rec, Mapping):
                    raise CvlibInputError(
                        f"codebook entry {name!r} must be a mapping of fields, got {rec!r}"
                    )
                records.append({"item": name, **rec})
        else:
            records = list(items)
        specs: dict[str, ItemSpec] = {}
        for rec in records:
            spec = (
                rec
                if isinstance(rec, ItemSpec)
                else _spec(rec, allow_inrange_missing=allow_inrange_missing)
            )
            if spec.item in specs:
                raise CvlibInputError(
                    f"codebook lists item {spec.item!r} twice; each item (column) must be unique"
                )
            specs[spec.item] = spec
        if not specs:
            raise CvlibInputError("the codebook has no items; give at least one item row")
        self._specs = specs
        self.allow_inrange_missing = allow_inrange_missing

    # Mapping interface
    def __getitem__(self, item: str) -> ItemSpec:
        try:
            return self._specs[item]
        except KeyError:
            raise KeyError(
                f"item {item!r} is not in the codebook; codebook items: "
                f"{', '.join(map(repr, list(self._specs)[:30]))}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        return f"Codebook({len(self)} items)\n{self.to_frame().to_string()}"

    def _repr_html_(self) -> str:
        return f"<p><b>Codebook</b> ({len(self)} items)</p>{self.to_frame().to_html()}"

    # constructors
    @classmethod
    def read(cls, path: str | Path, **kwargs: Any) -> Codebook:
        """Read a codebook from YAML (``{item: {fields}}`` or a list of rows), CSV or Excel.

        CSV and Excel sheets have one row per item and the §1.1 field names as headers; labels
        and missing codes are written ``7=很满意; 6=满意`` and ``-99=拒答``.
        """
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"codebook file {str(path)!r} does not exist")
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(data, Mapping) and "items" in data and len(data) <= 3:
                data = data["items"]
            return cls(data, **kwargs)
        if suffix in (".csv", ".txt"):
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
            )
            return cls(frame, **kwargs)
        if suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, dtype=object, keep_default_na=False, na_values=[""])
            return cls(frame, **kwargs)
        if suffix in (".sav", ".zsav"):
            return cls.from_sav(path, **kwargs)
        raise CvlibInputError(
            f"codebook file {str(path)!r}: unsupported suffix {suffix!r}; use .yaml, .csv, .xlsx "
            f"or .sav"
        )

    @classmethod
    def from_sav(cls, source: Any, *, allow_inrange_missing: bool = False) -> Codebook:
        """A codebook from the metadata of an SPSS ``.sav`` file (survey.md §2.4).

        ``source`` is a path (only the metadata is read, with ``user_missing=True``) or the
        ``meta`` object returned by ``pyreadstat.read_sav``. Taken over:

        * ``wording`` from the variable labels (``meta.column_names_to_labels``);
        * ``labels`` from the value labels (``meta.variable_value_labels``);
        * ``missing_codes`` / ``missing_ranges`` from the user-missing declarations
          (``meta.missing_ranges``); the reason is the value label of the code when it has one,
          else ``"user missing (SPSS)"`` (ranges: ``"user missing lo..hi (SPSS)"``);
        * ``type`` from the measurement level (``meta.variable_measure``) and the storage type:

          ========================  ====================================================
          SPSS variable             cvlib type
          ========================  ====================================================
          string, no value labels   ``text`` (string with value labels: ``nominal``)
          date / time format        ``text`` (kept as read)
          ordinal, >= 2 labelled    ``ordinal``; scale ends = lowest and highest labelled
          valid codes               valid code (not a missing code)
          ordinal, fewer labels     ``numeric`` (give the scale ends in your codebook)
          nominal or unknown with   ``binary`` when the labelled valid codes are {0, 1},
          value labels              else ``nominal``
          scale, or no labels       ``numeric``
          ========================  ====================================================

        SPSS keeps no scale ends, so pass your own codebook to :func:`read_survey` for Likert
        items; its items replace these (the file's missing declarations still apply).
        Needs the optional ``spss`` extra (pyreadstat).
        """
        meta = source
        if isinstance(source, str | Path):
            path = Path(source)
            if not path.exists():
                raise FileNotFoundError(f"SPSS file {str(path)!r} does not exist")
            pyreadstat = _pyreadstat()
            _, meta = pyreadstat.read_sav(str(path), metadataonly=True, user_missing=True)
        return cls(_sav_records(meta), allow_inrange_missing=allow_inrange_missing)

    # views
    def to_frame(self) -> pd.DataFrame:
        """One row per item with the codebook fields (labels as ``code=label`` text)."""
        rows = []
        for spec in self._specs.values():
            rows.append(
                {
                    "item": spec.item,
                    "type": spec.type,
                    "construct": spec.construct,
                    "scale_min": spec.scale_min,
                    "scale_max": spec.scale_max,
                    "reverse": spec.reverse,
                    "wording": spec.wording,
                    "wording_en": spec.wording_en,
                    "labels": "; ".join(f"{k}={v}" for k, v in spec.labels.items()),
                    "missing_codes": "; ".join(f"{k}={v}" for k, v in spec.missing_codes.items()),
                    "missing_ranges": "; ".join(
                        f"{a:g}..{b:g}={r}" for a, b, r in spec.missing_ranges
                    ),
                    "neutral": spec.neutral,
                }
            )
        return pd.DataFrame(rows).set_index("item")

    @property
    def names(self) -> list[str]:
        """Item names in codebook order."""
        return list(self._specs)

    @property
    def constructs(self) -> dict[str, list[str]]:
        """construct -> its items, in codebook order (items without a construct are left out)."""
        out: dict[str, list[str]] = {}
        for spec in self._specs.values():
            if spec.construct is not None:
                out.setdefault(spec.construct, []).append(spec.item)
        return out

    def groups(self, type: str) -> dict[str, list[str]]:
        """Question -> its columns for the ``multi`` or ``rank`` items (survey.md §1.3).

        Columns belong to one question when they share a ``construct``; without one, when their
        names share the stem before the last ``_`` (``Q11_A``, ``Q11_B`` -> ``Q11``;
        ``Q7_r1`` .. ``Q7_r3`` -> ``Q7``).
        """
        if type not in ("multi", "rank"):
            raise CvlibInputError(f"groups(type={type!r}): use 'multi' or 'rank'")
        out: dict[str, list[str]] = {}
        for spec in self._specs.values():
            if spec.type == type:
                key = spec.construct or (
                    spec.item.rsplit("_", 1)[0] if "_" in spec.item else spec.item
                )
                out.setdefault(key, []).append(spec.item)
        return out

    @property
    def reverse_keyed(self) -> list[str]:
        return [s.item for s in self._specs.values() if s.reverse]

    def subset(self, items: Iterable[str]) -> Codebook:
        """A codebook with only ``items`` (in the given order)."""
        return Codebook([self[i] for i in items])

    def with_changes(self, item: str, **changes: Any) -> Codebook:
        """A new codebook where ``item``'s spec has ``changes`` applied (the original is kept)."""
        specs = [replace(s, **changes) if s.item == item else s for s in self._specs.values()]
        self[item]  # raises a clear KeyError for an unknown item
        return Codebook(specs)


def _pyreadstat() -> Any:
    """Import pyreadstat (the optional ``spss`` extra) or say how to install it."""
    try:
        import pyreadstat
    except ImportError:  # pragma: no cover - exercised with pyreadstat hidden
        raise ImportError(
            "reading SPSS .sav files needs pyreadstat, the optional 'spss' extra of cvlib: "
            "pip install 'cvlib-crm[spss]' (or pip install pyreadstat)."
        ) from None
    return pyreadstat


_SAV_DATE_FORMATS = (
    "DATE",
    "ADATE",
    "EDATE",
    "SDATE",
    "JDATE",
    "DATETIME",
    "YMDHMS",
    "TIME",
    "DTIME",
    "MTIME",
    "WKDAY",
    "MONTH",
    "MOYR",
    "QYR",
    "WKYR",
)


def _sav_records(meta: Any) -> list[dict[str, Any]]:
    """Codebook rows from pyreadstat metadata (see :meth:`Codebook.from_sav`)."""
    labels_of = getattr(meta, "variable_value_labels", None) or {}
    wording_of = getattr(meta, "column_names_to_labels", None) or {}
    measure_of = getattr(meta, "variable_measure", None) or {}
    ranges_of = getattr(meta, "missing_ranges", None) or {}
    storage_of = getattr(meta, "readstat_variable_types", None) or {}
    format_of = getattr(meta, "original_variable_types", None) or {}
    records = []
    for name in meta.column_names:
        labels = {_code(k, name): str(v) for k, v in (labels_of.get(name) or {}).items()}
        missing: dict[Any, str] = {}
        ranges: list[tuple[float, float, str]] = []
        for entry in ranges_of.get(name) or []:
            lo, hi = entry["lo"], entry["hi"]
            if isinstance(lo, str) or lo == hi:
                code = _code(lo, name)
                missing[code] = labels.get(code, "user missing (SPSS)")
                continue
            ranges.append((float(lo), float(hi), f"user missing {lo:g}..{hi:g} (SPSS)"))
            for code, label in labels.items():
                if not isinstance(code, str) and lo <= code <= hi:
                    missing[code] = label
        valid = [
            c
            for c in labels
            if not isinstance(c, str)
            and c not in missing
            and not any(a <= c <= b for a, b, _ in ranges)
        ]
        measure = str(measure_of.get(name, "unknown")).lower()
        fmt = str(format_of.get(name, "")).upper().rstrip("0123456789.")
        record: dict[str, Any] = {"item": name}
        if storage_of.get(name) == "string" or fmt.startswith("A"):
            record["type"] = "nominal" if labels else "text"
        elif fmt in _SAV_DATE_FORMATS:
            record["type"] = "text"
        elif measure == "ordinal" and len(valid) >= 2:
            record.update(type="ordinal", scale_min=min(valid), scale_max=max(valid))
        elif measure in ("nominal", "unknown") and labels:
            record["type"] = "binary" if set(valid) == {0, 1} else "nominal"
        else:
            record["type"] = "numeric"
        if labels:
            record["labels"] = labels
        if missing:
            record["missing_codes"] = missing
        if ranges:
            record["missing_ranges"] = ranges
        wording = wording_of.get(name)
        if wording:
            record["wording"] = str(wording)
        records.append(record)
    return records


# ---- bins of a binned numeric item (survey.md §1.3) -------------------------------------------

_CLOSED = {
    "both": (True, True),
    "[]": (True, True),
    "left": (True, False),
    "[)": (True, False),
    "right": (False, True),
    "(]": (False, True),
    "neither": (False, False),
    "()": (False, False),
}


def _interval_text(lo: float, hi: float, lc: bool, hc: bool) -> str:
    left = "[" if lc and math.isfinite(lo) else "("
    right = "]" if hc and math.isfinite(hi) else ")"
    a = "-inf" if lo == -math.inf else f"{lo:g}"
    b = "inf" if hi == math.inf else f"{hi:g}"
    return f"{left}{a}, {b}{right}"


def _first_value(lo: float, hi: float, lc: bool, hc: bool, integer: bool) -> float | None:
    """A value inside the interval (its smallest integer for integer data), or None if empty."""
    if integer:
        if lo == -math.inf:
            last = math.floor(hi) if hc else math.ceil(hi) - 1
            return None if hi == -math.inf else float(last)
        first = math.ceil(lo) if lc else math.floor(lo) + 1
        if hi == math.inf:
            return float(first)
        last = math.floor(hi) if hc else math.ceil(hi) - 1
        return float(first) if first <= last else None
    if lo < hi:
        if math.isfinite(lo) and math.isfinite(hi):
            return (lo + hi) / 2
        if math.isfinite(lo):
            return lo if lc else lo + 1
        if math.isfinite(hi):
            return hi if hc else hi - 1
        return 0.0
    if lo == hi and lc and hc and math.isfinite(lo):
        return lo
    return None


@dataclass(frozen=True, repr=False, eq=False)
class BinCheck(ResultMixin):
    """Gaps and overlaps of the bins of a binned numeric item (survey.md §1.3).

    Attributes
    ----------
    bins : DataFrame
        One row per bin in the given order: ``label``, ``lo``, ``hi``, ``closed``,
        ``interval`` (e.g. ``[18, 25]``), ``missing`` (a declared missing code such as 拒答).
    problems : DataFrame
        One row per problem: ``kind`` ("gap", "overlap", or "no interval" for a bin without
        bounds that is not declared missing), ``bins`` (the labels concerned), ``lo``, ``hi``,
        ``interval``, ``example`` (a value affected) and ``message`` (in ``lang``).
    ok : bool
        True when there is no problem.
    n_gaps, n_overlaps : int
    domain : str
        "continuous" or "integer" (the values the bins classify).
    lower, upper : float or None
        The required coverage, when given.
    """

    bins: pd.DataFrame = Snapshot()
    problems: pd.DataFrame = Snapshot()
    ok: bool = True
    n_gaps: int = 0
    n_overlaps: int = 0
    domain: str = "continuous"
    lower: float | None = None
    upper: float | None = None
    lang: str = "en"

    _conventions = ("domain", "ok", "n_gaps", "n_overlaps")
    _title = "BinCheck (分组区间检查)"

    def summary(self) -> pd.DataFrame:
        """The bins with the problems that concern each (empty text when none)."""
        table = self._bins.copy()
        notes = []
        for label in table["label"]:
            hits = [
                m
                for m, labels in zip(self._problems["message"], self._problems["bins"], strict=True)
                if label in labels
            ]
            notes.append("; ".join(hits))
        table["problems"] = notes
        return table.set_index("label")


def check_bins(
    bins: Iterable[Any] | pd.DataFrame,
    *,
    domain: str = "continuous",
    closed: str = "both",
    missing: Iterable[Any] = (),
    lower: float | None = None,
    upper: float | None = None,
    lang: str = "en",
) -> BinCheck:
    """Find gaps and overlaps in the bins of a binned numeric item (分组区间的缺口与重叠).

    Each bin is ``(label, lo, hi, closed)``: the values ``lo .. hi`` it covers, ``None`` for an
    open end (``("56+", 56, None)``, ``("1500以下", None, 1500)``), and which sides are closed:
    ``"both"`` ``[lo, hi]``, ``"left"`` ``[lo, hi)``, ``"right"`` ``(lo, hi]``, ``"neither"``
    ``(lo, hi)`` (a 3-tuple uses ``closed``). Bins may also be dicts with those keys or a
    DataFrame with those columns.

    * overlap: two bins share a value, i.e. max(lo) < min(hi), or max(lo) = min(hi) with both
      sides closed (a shared boundary such as 1500 in "1500以下" and "1500–2000");
    * gap: a value between the lowest and highest bin (or within ``lower``/``upper`` when given)
      falls in no bin, e.g. 36 between 26–35 and 37–45.

    With ``domain="integer"`` (ages in whole years, counts) only whole numbers count: 18–25 and
    26–35 leave no gap. With ``domain="continuous"`` (area, money) the gap (10, 11) between
    "10㎡以下" and "11–30㎡" is reported.

    Parameters
    ----------
    bins : list of tuples or dicts, or DataFrame
        The answer options of the item.
    domain : {"continuous", "integer"}
        The values being binned.
    closed : {"both", "left", "right", "neither"}
        Closed sides of bins given as 3-tuples (also "[]", "[)", "(]", "()").
    missing : labels
        Labels of options that are declared missing codes (拒答 refused, 不知道 don't know).
        They have no interval and are left out of the checks. A mapping ``code -> reason``
        (``ItemSpec.missing_codes``) counts its reasons as such labels.
    lower, upper : float, optional
        Values the bins must cover from / up to (e.g. ``lower=18`` for adults).
    lang : {"en", "zh"}
        Language of the problem messages.

    Returns
    -------
    BinCheck
        ``ok``, ``problems`` (one row per gap or overlap), ``bins`` and ``summary()``.

    Examples
    --------
    >>> r = check_bins(
    ...     [("18–25", 18, 25), ("26–35", 26, 35), ("37–45", 37, 45), ("56+", 56, None)],
    ...     domain="integer",
    ... )
    >>> r.ok, r.n_gaps, r.problems["interval"].tolist()
    (False, 2, ['(35, 37)', '(45, 56)'])
    >>> check_bins([("1500以下", None, 1500), ("1500–2000", 1500, 2000)]).problems["kind"].tolist()
    ['overlap']

    References
    ----------
    source document 004, Art. 4 (mall tenant survey: defective age, area, rent and lease bins)
    and Art. 9 (dealership survey: valid age bins with 拒答).
    """
    if domain not in ("continuous", "integer"):
        raise CvlibInputError(f"domain={domain!r} is not valid; use 'continuous' or 'integer'")
    if lang not in ("en", "zh"):
        raise CvlibInputError(f"lang={lang!r} is not valid; use 'en' or 'zh'")
    if closed not in _CLOSED:
        raise CvlibInputError(f"closed={closed!r} is not valid; use one of {', '.join(_CLOSED)}")
    integer = domain == "integer"
    if isinstance(missing, Mapping):
        declared = {str(k) for k in missing} | {str(v) for v in missing.values()}
    elif isinstance(missing, str):
        declared = {missing}
    else:
        declared = {str(m) for m in missing}
    if isinstance(bins, pd.DataFrame):
        entries: list[Any] = bins.to_dict("records")
    else:
        entries = list(bins)
    if not entries:
        raise CvlibInputError("bins is empty; give at least one (label, lo, hi) entry")

    def bound(value: Any, label: str, side: str) -> float | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise CvlibInputError(
                f"bin {label!r}: {side}={value!r} is not a number; use None for an open end"
            ) from None

    rows = []
    for entry in entries:
        if isinstance(entry, Mapping):
            label = entry.get("label")
            lo, hi = entry.get("lo"), entry.get("hi")
            side = entry.get("closed", closed)
        elif isinstance(entry, tuple | list) and len(entry) in (3, 4):
            label, lo, hi = entry[0], entry[1], entry[2]
            side = entry[3] if len(entry) == 4 else closed
        else:
            raise CvlibInputError(
                f"bin {entry!r} must be (label, lo, hi[, closed]) or a dict with those keys"
            )
        label = str(label)
        if side is None or (isinstance(side, float) and math.isnan(side)):
            side = closed
        if side not in _CLOSED:
            raise CvlibInputError(
                f"bin {label!r}: closed={side!r} is not valid; use one of {', '.join(_CLOSED)}"
            )
        lo_f, hi_f = bound(lo, label, "lo"), bound(hi, label, "hi")
        is_missing = label in declared
        if is_missing and (lo_f is not None or hi_f is not None):
            raise CvlibInputError(
                f"bin {label!r} is declared missing but has an interval ({lo!r}, {hi!r}); a "
                f"missing code (拒答, 不知道) covers no values, so give it lo=None and hi=None"
            )
        a = -math.inf if lo_f is None else lo_f
        b = math.inf if hi_f is None else hi_f
        lc, hc = _CLOSED[side]
        lc, hc = lc and math.isfinite(a), hc and math.isfinite(b)
        if not is_missing and a > b:
            raise CvlibInputError(f"bin {label!r}: lo={lo!r} is above hi={hi!r}; swap them")
        rows.append(
            {
                "label": label,
                "lo": lo_f,
                "hi": hi_f,
                "closed": side,
                "interval": "" if is_missing else _interval_text(a, b, lc, hc),
                "missing": is_missing,
                "_iv": (a, b, lc, hc),
            }
        )
    labels = [r["label"] for r in rows]
    if len(set(labels)) != len(labels):
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise CvlibInputError(f"bin label(s) {', '.join(map(repr, dup))} occur more than once")

    zh = lang == "zh"
    problems: list[dict[str, Any]] = []

    def add(kind: str, names: tuple[str, ...], iv: tuple[float, float, bool, bool], x: Any):
        text = _interval_text(*iv)
        one, two = (repr(n) for n in names)
        ex = f"{x:g}"
        if kind == "overlap" and iv[0] == iv[1]:
            msg = (
                f"重叠：边界值 {ex} 同时属于 {one} 和 {two}"
                if zh
                else f"overlap: the boundary {ex} falls in both {one} and {two}"
            )
        elif kind == "overlap":
            msg = (
                f"重叠：{text} 内的取值（如 {ex}）同时属于 {one} 和 {two}"
                if zh
                else f"overlap: values in {text} (e.g. {ex}) fall in both {one} and {two}"
            )
        else:
            msg = (
                f"缺口：{text} 内的取值（如 {ex}）不属于任何分组（在 {one} 和 {two} 之间）"
                if zh
                else f"gap: values in {text} (e.g. {ex}) fall in no bin (between {one} and {two})"
            )
        problems.append(
            {
                "kind": kind,
                "bins": names,
                "lo": iv[0],
                "hi": iv[1],
                "interval": text,
                "example": x,
                "message": msg,
            }
        )

    for r in rows:
        if not r["missing"] and r["lo"] is None and r["hi"] is None:
            problems.append(
                {
                    "kind": "no interval",
                    "bins": (r["label"],),
                    "lo": -math.inf,
                    "hi": math.inf,
                    "interval": "",
                    "example": None,
                    "message": (
                        f"分组 {r['label']!r} 没有区间；若它是缺失代码（拒答、不知道），请用 "
                        f"missing=[{r['label']!r}] 声明"
                        if zh
                        else f"bin {r['label']!r} has no interval; if it is a missing code "
                        f"(拒答 refused, 不知道 don't know) declare it with "
                        f"missing=[{r['label']!r}]"
                    ),
                }
            )
    live = [r for r in rows if not r["missing"] and (r["lo"] is not None or r["hi"] is not None)]
    # overlaps: every pair (a questionnaire has a handful of bins)
    for i, first in enumerate(live):
        for second in live[i + 1 :]:
            a1, b1, l1, h1 = first["_iv"]
            a2, b2, l2, h2 = second["_iv"]
            lo = max(a1, a2)
            lc = (l1 if a1 == lo else True) and (l2 if a2 == lo else True)
            hi = min(b1, b2)
            hc = (h1 if b1 == hi else True) and (h2 if b2 == hi else True)
            if lo > hi:
                continue
            x = _first_value(lo, hi, lc, hc, integer)
            if x is not None:
                add("overlap", (first["label"], second["label"]), (lo, hi, lc, hc), x)
    # gaps: sweep the bins in order of their lower end
    order = sorted(live, key=lambda r: (r["_iv"][0], not r["_iv"][2]))
    if order:
        if lower is not None:
            reach, reach_closed, last = float(lower), False, "lower"
        else:
            reach, reach_closed, last = order[0]["_iv"][0], True, order[0]["label"]
        for r in order:
            a, b, lc, hc = r["_iv"]
            if a > reach or (a == reach and not reach_closed and not lc):
                iv = (reach, a, not reach_closed, not lc)
                x = _first_value(*iv, integer)
                if x is not None:
                    add("gap", (last, r["label"]), iv, x)
            if b > reach:
                reach, reach_closed, last = b, hc, r["label"]
            elif b == reach:
                reach_closed = reach_closed or hc
        if upper is not None and (upper > reach or (upper == reach and not reach_closed)):
            iv = (reach, float(upper), not reach_closed, True)
            x = _first_value(*iv, integer)
            if x is not None:
                add("gap", (last, "upper"), iv, x)
    columns = ["kind", "bins", "lo", "hi", "interval", "example", "message"]
    table = pd.DataFrame(
        [{k: v for k, v in r.items() if k != "_iv"} for r in rows],
        columns=["label", "lo", "hi", "closed", "interval", "missing"],
    )
    found = pd.DataFrame(problems, columns=columns)
    return BinCheck(
        bins=table,
        problems=found,
        ok=not problems,
        n_gaps=sum(p["kind"] == "gap" for p in problems),
        n_overlaps=sum(p["kind"] == "overlap" for p in problems),
        domain=domain,
        lower=None if lower is None else float(lower),
        upper=None if upper is None else float(upper),
        lang=lang,
    )

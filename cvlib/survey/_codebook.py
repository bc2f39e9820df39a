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

import pandas as pd

from cvlib._validation import CvlibInputError

__all__ = ["Codebook", "ItemSpec", "ITEM_TYPES", "SCALE_PRESETS", "scale_preset"]

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


@dataclass(frozen=True)
class ItemSpec:
    """One codebook row (survey.md §1.1).

    ``labels`` maps code -> Chinese (or only) label, ``labels_en`` code -> English label.
    ``missing_codes`` maps a declared missing code to its reason, e.g. ``{-99: "拒答 refused"}``.
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
    labels, labels_en = _labels(merged.get("labels"), where)
    if "labels_en" in merged:
        extra_zh, extra_en = _labels(merged["labels_en"], where)
        labels_en.update(extra_en or extra_zh)
    missing = _missing_codes(merged.get("missing_codes"), where)
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
            if isinstance(code, str) or code in missing:
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
    neutral = merged.get("neutral")
    if neutral is not None:
        neutral = _code(neutral, where)
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
        max_select=None if merged.get("max_select") is None else int(merged["max_select"]),
        n_ranks=None if merged.get("n_ranks") is None else int(merged["n_ranks"]),
        scale=None if merged.get("scale") is None else str(merged["scale"]),
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
        raise CvlibInputError(
            f"codebook file {str(path)!r}: unsupported suffix {suffix!r}; use .yaml, .csv or .xlsx"
        )

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

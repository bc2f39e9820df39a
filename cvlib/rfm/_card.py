"""The definition card (口径说明卡): what every RFM number means and what the data lost on the way.

A card is immutable. Each step of the pipeline (``rfm_table``, ``score``, ``segment``,
``weighted_score``, ``cluster_rfm``, ``abc_classify``, CLV) returns a new card with its own
section added (:meth:`DefinitionCard.with_section`), so a result always carries the full story
from the transaction log to the segment. ``str(card)`` is an aligned text block for notebooks
and logs; ``card.to_dict()`` is JSON-serialisable. Spec: ``methods/rfm.md`` §15.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Section order of methods/rfm.md §15 (other sections follow in the order they were added).
SECTION_ORDER = (
    "header",
    "definitions",
    "dates",
    "policies",
    "counts",
    "reconciliation",
    "scoring",
    "segments",
    "weights",
    "clustering",
    "abc",
    "clv",
)

#: Chinese names of the sections, shown with ``lang="zh"`` or ``"both"``.
SECTION_ZH = {
    "header": "概况",
    "definitions": "口径定义",
    "dates": "日期",
    "policies": "处理规则",
    "counts": "计数",
    "reconciliation": "金额核对",
    "scoring": "评分",
    "segments": "细分",
    "weights": "权重",
    "clustering": "聚类",
    "abc": "ABC 分类",
    "clv": "客户终身价值",
}


def _plain(value: Any) -> Any:
    """A JSON-friendly copy: numpy/pandas scalars to Python, dates to ISO text, containers walked."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray | pd.Index | pd.Series):
        return [_plain(v) for v in list(value)]
    if value is pd.NaT or value is pd.NA:  # before the date test: NaT is a datetime subclass
        return None
    if isinstance(value, pd.Timestamp | _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.6g}"
    if isinstance(value, Mapping):
        return " · ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " | ".join(_text(v) for v in value)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class DefinitionCard:
    """Ordered sections of named fields describing how a result was computed.

    Examples
    --------
    >>> card = DefinitionCard("rfm_table").with_section("dates", {"analysis_date": "1998-07-01"})
    >>> card.section("dates")["analysis_date"]
    '1998-07-01'
    """

    function: str
    _sections: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (name, JSON text)

    def with_section(self, name: str, fields: Mapping[str, Any]) -> DefinitionCard:
        """A new card with section ``name`` set to ``fields`` (replacing a section of that name)."""
        text = json.dumps(_plain(dict(fields)), ensure_ascii=False)
        kept = tuple((n, t) for n, t in self._sections if n != name)
        return DefinitionCard(self.function, (*kept, (name, text)))

    def update_section(self, name: str, fields: Mapping[str, Any]) -> DefinitionCard:
        """A new card whose section ``name`` has ``fields`` added to (or replacing) its fields."""
        merged = {**self.section(name), **_plain(dict(fields))} if name in self else dict(fields)
        return self.with_section(name, merged)

    def __contains__(self, name: object) -> bool:
        return any(n == name for n, _ in self._sections)

    @property
    def section_names(self) -> list[str]:
        names = [n for n, _ in self._sections]
        ordered = [n for n in SECTION_ORDER if n in names]
        return ordered + [n for n in names if n not in SECTION_ORDER]

    def section(self, name: str) -> dict[str, Any]:
        """A copy of one section's fields (KeyError naming the available sections)."""
        for n, text in self._sections:
            if n == name:
                return json.loads(text)
        raise KeyError(f"the card has no section {name!r}; sections: {self.section_names}.")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict: ``{"function": ..., "<section>": {...}, ...}``."""
        return {"function": self.function, **{n: self.section(n) for n in self.section_names}}

    def render(self, lang: str = "en") -> str:
        """Aligned text; ``lang="zh"`` or ``"both"`` adds the Chinese section names."""
        lines = [f"cvlib definition card · {self.function}"]
        for name in self.section_names:
            title = name
            if lang in ("zh", "both"):
                title = f"{name} {SECTION_ZH.get(name, '')}".strip()
            lines.append(title)
            for key, value in self.section(name).items():
                lines.append(f"  {key:<22} {_text(value)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return self.render()

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.render('both'))}</pre>"

"""Shared behaviour of result objects: readable repr, ``summary()`` and notebook HTML.

A result is a frozen dataclass. Subclasses implement ``summary()`` (a DataFrame) and list the
conventions to show first in ``_conventions`` (attribute names such as ``method`` or ``ri_table``).
"""

from __future__ import annotations

import html

import pandas as pd


class ResultMixin:
    _conventions: tuple[str, ...] = ()
    _title: str = ""

    def summary(self) -> pd.DataFrame:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _convention_text(self) -> str:
        parts = [f"{name}={getattr(self, name)!r}" for name in self._conventions]
        return ", ".join(parts)

    def __repr__(self) -> str:
        title = self._title or type(self).__name__
        head = f"{title}({self._convention_text()})"
        try:
            body = self.summary().to_string()
        except Exception:  # a repr must never raise
            body = ""
        return f"{head}\n{body}" if body else head

    def _repr_html_(self) -> str:
        title = html.escape(self._title or type(self).__name__)
        conv = html.escape(self._convention_text())
        table = self.summary().to_html(float_format=lambda x: f"{x:.6g}")
        return f"<p><b>{title}</b> <code>{conv}</code></p>{table}"

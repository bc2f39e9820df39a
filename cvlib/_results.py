"""Shared behaviour of result objects: read-only fields, readable repr, ``summary()`` and HTML.

A result is a frozen dataclass. Subclasses implement ``summary()`` (a DataFrame) and list the
conventions to show first in ``_conventions`` (attribute names such as ``method`` or ``ri_table``).

Result fields that cannot be changed after construction (STYLE.md: no mutation after it).
A frozen dataclass only stops rebinding a field; the objects it holds stay mutable, and under
pandas copy-on-write a read-only numpy buffer does not protect a stored Series either:
``s.iloc[0] = 5`` silently copies the buffer and changes the Series object itself. So every
mutable field of a result is a :class:`Snapshot`:

* the constructor stores a private copy (pandas objects deep-copied, numpy arrays copied and made
  read-only, dicts, lists and tuples copied element by element);
* every read returns a new copy (pandas objects, dicts, lists) or a read-only view that cannot be
  made writeable (numpy arrays).

Pandas copies are deep because pandas < 3 has no copy-on-write and categorical arrays can be
written through a shallow copy. Mutating what a read returned therefore never changes the result,
a second read or ``summary()``. Code inside a result's own methods reads the stored private copy
as ``self._<name>`` (no copy; never mutate it).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ResultMixin", "Snapshot", "freeze", "thaw"]

_NO_DEFAULT = object()


def freeze(value: Any) -> Any:
    """A private copy of ``value`` that nobody else holds (numpy arrays read-only)."""
    if isinstance(value, pd.DataFrame | pd.Series | pd.Index):
        return value.copy(deep=True)
    if isinstance(value, np.ndarray):
        out = np.array(value, copy=True)
        out.setflags(write=False)
        return out
    if isinstance(value, Mapping):
        return {k: freeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return [freeze(v) for v in value]
    if type(value) is tuple:  # a plain tuple may hold lists or arrays (named tuples are kept)
        return tuple(freeze(v) for v in value)
    return value  # scalars, strings, results (which protect themselves)


def thaw(value: Any) -> Any:
    """What a read returns: a new copy, or a read-only view of a (read-only) numpy array."""
    if isinstance(value, pd.DataFrame | pd.Series | pd.Index):
        return value.copy(deep=True)
    if isinstance(value, np.ndarray):
        return value.view()  # the base is read-only, so the view cannot be made writeable
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    if type(value) is tuple:
        return tuple(thaw(v) for v in value)
    return value


class Snapshot:
    """Descriptor of a frozen-dataclass field: stores :func:`freeze` (value), reads :func:`thaw`.

    Use as the field's default (``weights: pd.Series = Snapshot()``); dataclasses call the
    descriptor's ``__set__`` from ``__init__``. ``default`` makes the field optional;
    ``default_factory`` turns a ``None`` value into a new empty object (e.g. ``dict``). The
    stored copy lives in the instance ``__dict__`` as ``_<name>``, so the result's own methods
    read it as ``self._<name>`` without copying.
    """

    def __init__(
        self, default: Any = _NO_DEFAULT, default_factory: Callable[[], Any] | None = None
    ) -> None:
        if default_factory is not None and default is _NO_DEFAULT:
            default = None
        self.default = default
        self.default_factory = default_factory
        self.name = ""
        self.slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        slot = f"_{name}"
        if hasattr(owner, slot):  # a class attribute would shadow or hide the stored copy
            raise TypeError(f"{owner.__name__}.{slot} is taken; Snapshot field {name!r} needs it")
        self.name = name
        self.slot = slot

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:  # class access: the dataclass default (AttributeError = no default)
            if self.default is _NO_DEFAULT:
                raise AttributeError(self.name)
            return self.default
        return thaw(obj.__dict__[self.slot])

    def __set__(self, obj: Any, value: Any) -> None:
        # reached only from the dataclass __init__ / __post_init__ (object.__setattr__): a
        # frozen dataclass raises FrozenInstanceError on any other assignment
        if value is None and self.default_factory is not None:
            value = self.default_factory()
        obj.__dict__[self.slot] = freeze(value)


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

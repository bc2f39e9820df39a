"""Helpers every notebook calls right after its ``parameters`` cell.

papermill passes ``-p`` values to a notebook unchecked (``papermill -p quick true`` injects the
*string* ``"true"``), so each notebook validates its parameters first and then shows a
run-metadata table, which makes every number in a report traceable to its inputs::

    from cvlib.report import run_metadata, validate_parameters

    validate_parameters(
        {"data_dir": data_dir, "n_clusters": n_clusters, "lang": lang, "quick": quick},
        {"data_dir": str, "n_clusters": {"type": int, "min": 2}, "lang": ["en", "zh"], "quick": bool},
    )
    run_metadata({"n_clusters": n_clusters, "lang": lang}, [f"{data_dir}/cdnow.csv"])

Both are re-exported by :mod:`cvlib.report`; import them from there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["run_metadata", "validate_parameters"]

_SPEC_KEYS = {"type", "choices", "min", "max", "optional"}


def _type_label(types: tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in types)


def _isinstance(value: Any, types: tuple[type, ...]) -> bool:
    """``isinstance`` where a bool is not an int and an int is a float (as in a notebook)."""
    if isinstance(value, bool):
        return bool in types
    if float in types and isinstance(value, int):
        return True
    return isinstance(value, types)


def _bool_hint(name: str, value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in {"true", "false", "yes", "no", "1", "0"}:
        return (
            f" papermill passed the text {value!r}: use `papermill -p {name} True` (capital T), "
            f"or `cvlib report ... -p {name} {value}`, which converts true/false/yes/no/1/0."
        )
    return ""


def validate_parameters(params: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """Check a notebook's parameter values against a spec; raise on the first bad one.

    Parameters
    ----------
    params : mapping
        Parameter name -> value, as the ``parameters`` cell left them.
    spec : mapping
        Parameter name -> rule. A rule is one of

        * a type, or a tuple of types: ``int``, ``float``, ``(str, type(None))``. ``float``
          accepts an ``int``; ``int`` does not accept a ``bool``;
        * a list, set or frozenset of allowed values: ``["en", "zh"]``;
        * a dict with any of ``type``, ``choices``, ``min``, ``max`` (inclusive bounds) and
          ``optional`` (``True`` allows ``None``): ``{"type": int, "min": 2, "max": 12}``.

        Every name in ``spec`` must be in ``params``; names of ``params`` missing from
        ``spec`` are not checked.

    Returns
    -------
    dict
        A copy of ``params`` (unchanged values), so a cell can write
        ``p = validate_parameters({...}, {...})``.

    Raises
    ------
    ValueError
        Naming the parameter, the expected type or values, the value received and the fix.
    TypeError
        If ``spec`` itself is malformed (a programming error in the notebook).

    Examples
    --------
    >>> validate_parameters({"k": 3, "lang": "en"}, {"k": {"type": int, "min": 2}, "lang": ["en", "zh"]})
    {'k': 3, 'lang': 'en'}
    >>> validate_parameters({"k": "3"}, {"k": int})
    Traceback (most recent call last):
    ...
    ValueError: parameter 'k' must be int, got '3' (str). Pass a whole number, e.g. -p k 5.
    """
    for name, rule in spec.items():
        if name not in params:
            raise TypeError(
                f"validate_parameters: spec names {name!r} but params has no such entry; "
                f"add {name!r}: {name} to the params dict (params: {', '.join(map(repr, params))})."
            )
        value = params[name]
        if isinstance(rule, dict):
            unknown = set(rule) - _SPEC_KEYS
            if unknown:
                raise TypeError(
                    f"validate_parameters: rule for {name!r} has unknown keys "
                    f"{sorted(unknown)}; use {sorted(_SPEC_KEYS)}."
                )
            types, choices = rule.get("type"), rule.get("choices")
            lo, hi, optional = rule.get("min"), rule.get("max"), rule.get("optional", False)
        elif isinstance(rule, list | set | frozenset):
            types, choices, lo, hi, optional = None, rule, None, None, False
        elif isinstance(rule, type) or (
            isinstance(rule, tuple) and rule and all(isinstance(t, type) for t in rule)
        ):
            types, choices, lo, hi, optional = rule, None, None, None, False
        else:
            raise TypeError(
                f"validate_parameters: rule for {name!r} must be a type, a tuple of types, a list "
                f"of allowed values or a dict, got {rule!r}."
            )
        if value is None and optional:
            continue
        if types is not None:
            types = types if isinstance(types, tuple) else (types,)
            if not _isinstance(value, types):
                fix = {
                    int: f" Pass a whole number, e.g. -p {name} 5.",
                    float: f" Pass a number, e.g. -p {name} 0.5.",
                    bool: _bool_hint(name, value) or " Pass True or False.",
                }.get(types[0], "")
                raise ValueError(
                    f"parameter {name!r} must be {_type_label(types)}, got {value!r} "
                    f"({type(value).__name__}).{fix}"
                )
        if choices is not None and value not in choices:
            raise ValueError(
                f"parameter {name!r} must be one of {', '.join(map(repr, choices))}, got {value!r}."
            )
        if lo is not None and value < lo:
            raise ValueError(f"parameter {name!r} must be >= {lo!r}, got {value!r}.")
        if hi is not None and value > hi:
            raise ValueError(f"parameter {name!r} must be <= {hi!r}, got {value!r}.")
    return dict(params)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fmt(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def run_metadata(
    parameters: Mapping[str, Any],
    data_files: Iterable[str | os.PathLike[str]] = (),
) -> pd.DataFrame:
    """A table recording what produced a report: parameters, data files, versions, date.

    Parameters
    ----------
    parameters : mapping
        Parameter name -> value, one row each.
    data_files : iterable of path
        Input files read by the notebook (relative to the notebook folder, the working directory
        of every runner); each gets a row with the first 12 hex digits of its SHA-256, so a
        changed file shows as a changed hash.

    Returns
    -------
    DataFrame
        Columns ``kind`` ("parameter", "data file", "version", "run"), ``name`` and ``value``
        (text); rows: each parameter, each data file, cvlib and python versions, run date.

    Raises
    ------
    FileNotFoundError
        If a data file does not exist (naming it and the working directory).

    Examples
    --------
    >>> run_metadata({"quick": True}, []).iloc[0].tolist()
    ['parameter', 'quick', 'True']
    """
    import pandas as pd

    import cvlib

    rows = [("parameter", str(name), _fmt(value)) for name, value in parameters.items()]
    for file in data_files:
        path = Path(file)
        if not path.is_file():
            what = "is a directory; list the files it reads" if path.is_dir() else "does not exist"
            raise FileNotFoundError(
                f"data file {str(file)!r} {what} (working directory {Path.cwd()}); "
                f"check the data_dir parameter or run the set-up command that fetches the data."
            )
        rows.append(("data file", str(file), f"sha256:{_sha256(path)[:12]}"))
    rows += [
        ("version", "cvlib", cvlib.__version__),
        ("version", "python", platform.python_version()),
        ("run", "date", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
    ]
    return pd.DataFrame(rows, columns=["kind", "name", "value"])

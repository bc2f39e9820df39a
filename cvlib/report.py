"""Render cvlib notebooks into HTML reports; the ``cvlib`` command line.

A report is a notebook from ``notebooks/`` executed by papermill (kernel ``python3``, the notebooks
folder as working directory) and converted by nbconvert into a self-contained HTML page with the
code hidden and the parameters and run metadata at the top::

    cvlib list                                  # notebooks, their parameters and parameter sets
    cvlib report 01 -p quick true               # NAME: "01_customer_value_ahp", "customer_value_ahp" or "01"
    cvlib report customer_value_ahp -f quick -p lang zh --tag zh-quick
    cvlib report --all                          # every notebook, one worker per core

Output goes to ``<out>/<notebook>/<tag>/<notebook>.ipynb`` and ``.html`` (``--out`` defaults to
``<project>/reports``, the tag to today's date); ``<out>/index.html`` links every report.
A run whose cell fails keeps ``<notebook>.FAILED.ipynb`` for debugging and writes no HTML.

Parameters
----------
``-p KEY VALUE`` values are converted to the type declared in the notebook's ``parameters`` cell
(``n_clusters: int = 4  # help``): int, float, bool (true/false/yes/no/1/0), str, list and dict
(YAML, e.g. ``-p columns "[r, f, m]"``); ``Optional[...]`` also accepts ``none``. A name the
notebook does not declare is an error. ``-f`` loads a YAML mapping, either a path or the name of
a parameter set in ``notebooks/params/``: ``-f quick`` means ``params/<notebook>.quick.yaml`` if it
exists, else ``params/quick.yaml`` (a set shared by all notebooks). ``-p`` overrides ``-f``.

Exit codes: 0 success, 1 a notebook failed (cell error, kernel failure), 2 a usage error (unknown
notebook or parameter, bad value, unreadable parameter file).
"""

from __future__ import annotations

import argparse
import ast
import copy
import datetime as dt
import difflib
import functools
import html
import logging
import os
import platform
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

import cvlib
from cvlib._notebook import run_metadata, validate_parameters

__all__ = [
    "KernelStartError",
    "NotebookExecutionError",
    "NotebookInfo",
    "NotebookNotFoundError",
    "Parameter",
    "ParameterError",
    "RenderAllResult",
    "RenderResult",
    "ReportError",
    "find_project",
    "list_notebooks",
    "main",
    "notebook_info",
    "render",
    "render_all",
    "resolve_parameters",
    "run_metadata",
    "validate_parameters",
    "write_index",
]

log = logging.getLogger("cvlib.report")

KERNEL_NAME = "python3"
PathLike = str | os.PathLike
ParamFiles = PathLike | Sequence[PathLike] | None

_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_NUMBER_RE = re.compile(r"^(\d+)[_-](.+)$")


# --------------------------------------------------------------------------------------- errors
class ReportError(Exception):
    """A report could not be rendered; the message says what is wrong and how to fix it.

    ``exit_code`` is what the command line returns: 1 for a failed run, 2 for a usage error.
    """

    exit_code = 1

    def __init__(self, message: str, *, notebook: str | None = None) -> None:
        super().__init__(message)
        self.notebook = notebook


class NotebookNotFoundError(ReportError):
    """NAME matches no notebook (the message lists the available ones)."""

    exit_code = 2


class ParameterError(ReportError, ValueError):
    """An unknown parameter name, a value of the wrong type, or a bad parameter file."""

    exit_code = 2


class KernelStartError(ReportError):
    """The ``python3`` kernel did not start, also on the retry."""


class NotebookExecutionError(ReportError):
    """A cell raised; ``cell_index`` (0-based, in the source notebook), ``execution_count``,
    ``ename``, ``evalue`` and ``failed_notebook`` (the kept ``.FAILED.ipynb``) say where and why.
    """

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell_index: int | None = None,
        execution_count: int | None = None,
        ename: str = "",
        evalue: str = "",
        failed_notebook: Path | None = None,
    ) -> None:
        super().__init__(message, notebook=notebook)
        self.cell_index = cell_index
        self.execution_count = execution_count
        self.ename = ename
        self.evalue = evalue
        self.failed_notebook = failed_notebook


# -------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Parameter:
    """One parameter of a notebook's ``parameters`` cell (as ``papermill --help-notebook``)."""

    name: str
    type_name: str  # as annotated; inferred from the default when not annotated
    default: str  # source text of the default
    help: str = ""


@dataclass(frozen=True)
class NotebookInfo:
    """A notebook of the project: file, title (first Markdown heading), parameters, sets."""

    name: str
    path: Path
    title: str
    parameters: dict[str, Parameter]
    param_sets: tuple[str, ...] = ()

    def summary(self) -> str:
        """The notebook's help text, as printed by ``cvlib list``."""
        lines = [f"{self.name}  {self.title}"]
        if not self.parameters:
            lines.append("  (no parameters cell)")
        width = max((len(f"{p.name}: {p.type_name}") for p in self.parameters.values()), default=0)
        for p in self.parameters.values():
            head = f"{p.name}: {p.type_name}".ljust(width)
            lines.append(f"  {head}  (default {p.default})  {p.help}".rstrip())
        if self.param_sets:
            lines.append(f"  parameter sets (-f): {', '.join(self.param_sets)}")
        return "\n".join(lines)


@dataclass(frozen=True)
class RenderResult:
    """A rendered report: where it is, how long it took, and the parameters that made it."""

    notebook: str
    title: str
    tag: str
    ipynb: Path
    html: Path
    seconds: float
    parameters: dict[str, Any]  # the values injected into the notebook (-f and -p)
    started: dt.datetime


@dataclass(frozen=True)
class RenderAllResult:
    """The outcome of :func:`render_all`: one entry per notebook, in notebook order."""

    results: dict[str, RenderResult] = field(default_factory=dict)
    failures: dict[str, ReportError] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every notebook rendered."""
        return not self.failures

    def summary(self) -> str:
        """One line: how many rendered, which failed."""
        n = len(self.results) + len(self.failures)
        text = f"rendered {len(self.results)} of {n} notebooks in {self.seconds:.1f} s"
        if self.failures:
            text += f"; FAILED: {', '.join(self.failures)}"
        return text


# --------------------------------------------------------------------------- project discovery
def find_project(start: PathLike | None = None) -> Path:
    """The project root: the first folder from ``start`` upwards with ``notebooks/`` and
    ``pyproject.toml``.

    Parameters
    ----------
    start : path, optional
        Where to start (default: the current directory). When nothing is found from the current
        directory, the source tree cvlib is installed from (an editable install) is used.

    Returns
    -------
    Path
        The project root.

    Raises
    ------
    ReportError
        If no such folder exists; pass ``--project DIR`` (or ``notebooks_dir=``).
    """
    origin = Path(start) if start is not None else Path.cwd()
    candidates = [origin.resolve(), *origin.resolve().parents]
    if start is None:
        candidates.append(Path(cvlib.__file__).resolve().parent.parent)
    for folder in candidates:
        if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    raise ReportError(
        f"no cvlib project found from {origin}: no folder upwards has both notebooks/ and "
        f"pyproject.toml. Run cvlib inside the project or pass --project DIR."
    )


def _notebooks_dir(notebooks_dir: PathLike | None) -> Path:
    if notebooks_dir is None:
        return find_project() / "notebooks"
    folder = Path(notebooks_dir).resolve()
    if not folder.is_dir():
        raise ReportError(f"notebooks folder {folder} does not exist; check the path.")
    return folder


def _default_out(notebooks_dir: Path) -> Path:
    return notebooks_dir.parent / "reports"


# ------------------------------------------------------------------------- notebook inspection
def _notebook_paths(notebooks_dir: Path) -> list[Path]:
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith("."))


def _title(nb: Any, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = re.match(r"^\s*#+\s+(.+?)\s*#*\s*$", line)
                if m:
                    return m.group(1)
    return fallback


def _inferred_type(default_src: str) -> str:
    try:
        value = ast.literal_eval(default_src)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return "None"
    return type(value).__name__ if value is not None else "None"


def _ast_parameters(source: str) -> dict[str, Parameter]:
    """Parameters declared in a cell, by the Python parser (catches what papermill's regex
    misses, e.g. ``Literal["en", "zh"]`` annotations)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    lines = source.splitlines()
    found: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation, value = node.target.id, ast.unparse(node.annotation), node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation, value = node.targets[0].id, "None", node.value
        else:
            continue
        default = ast.unparse(value) if value is not None else "None"
        line = lines[node.end_lineno - 1][node.end_col_offset :] if node.end_lineno else ""
        comment = line.split("#", 1)[1].strip() if "#" in line else ""
        found[name] = Parameter(name, annotation, default, comment)
    return found


def _read_parameters(path: Path, nb: Any) -> dict[str, Parameter]:
    import papermill

    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    try:
        inspected = papermill.inspect_notebook(str(path))
    except ValueError as exc:  # e.g. "No kernel name found in notebook"
        raise ReportError(
            f"cannot read the parameters of {path.name}: {exc}. Save the notebook with the "
            f"{KERNEL_NAME} kernel (kernelspec name {KERNEL_NAME!r}).",
            notebook=path.stem,
        ) from None
    params = {
        name: Parameter(
            name,
            str(p.get("inferred_type_name") or "None"),
            str(p.get("default")),
            str(p.get("help") or ""),
        )
        for name, p in inspected.items()
    }
    parsed = _ast_parameters(cells[0].source)
    if parsed:  # cell order, papermill's fields where it has them
        params = {name: params.get(name, p) for name, p in parsed.items()} | params
    return {
        name: (
            Parameter(name, _inferred_type(p.default), p.default, p.help)
            if p.type_name == "None"
            else p
        )
        for name, p in params.items()
    }


def _param_sets(notebooks_dir: Path, stem: str, all_stems: Sequence[str]) -> tuple[str, ...]:
    folder = notebooks_dir / "params"
    if not folder.is_dir():
        return ()
    sets = []
    for file in sorted(folder.glob("*.yaml")):
        base = file.stem
        if base.startswith(f"{stem}."):
            sets.append(base[len(stem) + 1 :])
        elif not any(base.startswith(f"{s}.") for s in all_stems):
            sets.append(base)  # a set shared by every notebook
    return tuple(dict.fromkeys(sets))


def _info(path: Path, all_stems: Sequence[str]) -> NotebookInfo:
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several types on a broken file
        raise ReportError(
            f"cannot read notebook {path}: {exc}. Is it a valid .ipynb file?", notebook=path.stem
        ) from None
    return NotebookInfo(
        name=path.stem,
        path=path,
        title=_title(nb, path.stem),
        parameters=_read_parameters(path, nb),
        param_sets=_param_sets(path.parent, path.stem, all_stems),
    )


def list_notebooks(notebooks_dir: PathLike | None = None) -> list[NotebookInfo]:
    """Every notebook of the project (sorted by file name) with title, parameters and sets.

    Parameters
    ----------
    notebooks_dir : path, optional
        The notebooks folder (default: ``<project>/notebooks``, see :func:`find_project`).

    Returns
    -------
    list of NotebookInfo
        ``name`` (file stem), ``path``, ``title``, ``parameters`` (name -> :class:`Parameter`
        with ``type_name``, ``default``, ``help``) and ``param_sets`` (names usable with ``-f``).

    Examples
    --------
    >>> for info in list_notebooks():  # doctest: +SKIP
    ...     print(info.summary())
    """
    folder = _notebooks_dir(notebooks_dir)
    paths = _notebook_paths(folder)
    stems = [p.stem for p in paths]
    return [_info(p, stems) for p in paths]


def _match_name(name: str, paths: Sequence[Path]) -> list[Path]:
    key = Path(name.strip()).name
    key = key[: -len(".ipynb")] if key.endswith(".ipynb") else key
    exact = [p for p in paths if p.stem == key]
    if exact:
        return exact
    unnumbered = [p for p in paths if (m := _NUMBER_RE.match(p.stem)) and m.group(2) == key]
    if unnumbered:
        return unnumbered
    if key.isdigit():
        return [p for p in paths if (m := _NUMBER_RE.match(p.stem)) and int(m.group(1)) == int(key)]
    return []


def notebook_info(name: str, notebooks_dir: PathLike | None = None) -> NotebookInfo:
    """The notebook that NAME refers to.

    Parameters
    ----------
    name : str
        The file stem (``"01_customer_value_ahp"``), the stem without its number
        (``"customer_value_ahp"``) or the number (``"01"``).
    notebooks_dir : path, optional
        The notebooks folder (default: ``<project>/notebooks``).

    Returns
    -------
    NotebookInfo

    Raises
    ------
    NotebookNotFoundError
        If NAME matches no notebook or several; the message lists the available notebooks.
    """
    folder = _notebooks_dir(notebooks_dir)
    paths = _notebook_paths(folder)
    stems = [p.stem for p in paths]
    matches = _match_name(name, paths)
    if len(matches) == 1:
        return _info(matches[0], stems)
    if not paths:
        raise NotebookNotFoundError(f"no notebooks (*.ipynb) in {folder}; check --project.")
    if matches:
        raise NotebookNotFoundError(
            f"notebook name {name!r} is ambiguous: it matches "
            f"{', '.join(p.stem for p in matches)}; use the full name."
        )
    keys = stems + [m.group(2) for s in stems if (m := _NUMBER_RE.match(s))]
    close = difflib.get_close_matches(name, keys, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise NotebookNotFoundError(
        f"unknown notebook {name!r} in {folder}.{hint} Available notebooks: {', '.join(stems)} "
        f"(NAME may be the full name, the name without its number, or the number; "
        f"`cvlib list` shows them with their parameters)."
    )


# --------------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class _Type:
    base: str  # int, float, bool, str, list, dict, any
    optional: bool = False
    choices: tuple[Any, ...] | None = None

    def label(self) -> str:
        text = f"one of {', '.join(map(repr, self.choices))}" if self.choices else self.base
        return f"{text} or none" if self.optional else text


_BASES = {
    "int": "int",
    "float": "float",
    "bool": "bool",
    "str": "str",
    "path": "str",
    "list": "list",
    "tuple": "list",
    "sequence": "list",
    "dict": "dict",
    "mapping": "dict",
}


def _split_top(text: str, sep: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == sep and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def _type_of(param: Parameter) -> _Type:
    text = param.type_name.strip()
    optional = param.default.strip() == "None"
    if text in ("", "None", "NoneType"):
        return _Type("any", True)
    if m := re.fullmatch(r"(?:typing\.)?Optional\[(.*)\]", text):
        text, optional = m.group(1).strip(), True
    if m := re.fullmatch(r"(?:typing\.)?Union\[(.*)\]", text):
        parts = _split_top(m.group(1), ",")
    else:
        parts = _split_top(text, "|")
    if "None" in parts:
        optional = True
        parts = [p for p in parts if p != "None"]
    if len(parts) != 1:
        return _Type("any", optional)
    text = parts[0]
    if m := re.fullmatch(r"(?:typing\.)?Literal\[(.*)\]", text):
        try:
            choices = tuple(ast.literal_eval(f"({m.group(1)},)"))
        except (ValueError, SyntaxError):
            return _Type("any", optional)
        kinds = {type(c).__name__ for c in choices}
        return _Type(kinds.pop() if len(kinds) == 1 else "any", optional, choices)
    base = text.split("[", 1)[0].rsplit(".", 1)[-1].lower()
    return _Type(_BASES.get(base, "any"), optional)


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
_EXAMPLES = {
    "int": "a whole number, e.g. -p {name} 5",
    "float": "a number, e.g. -p {name} 0.5",
    "bool": "true/false, yes/no or 1/0, e.g. -p {name} true",
    "list": 'a YAML list, e.g. -p {name} "[a, b]"',
    "dict": 'a YAML mapping, e.g. -p {name} "{{a: 1}}"',
}


def _convert(value: Any, kind: _Type) -> Any:
    """Convert a value (text from -p, or a YAML/Python value) to ``kind``; ValueError if not."""
    if value is None or (
        isinstance(value, str) and kind.optional and value.strip().lower() in {"none", "null", "~"}
    ):
        if kind.optional:
            return None
        raise ValueError
    base = kind.base
    if isinstance(value, str):
        text = value.strip()
        if base == "int":
            result: Any = int(text)
        elif base == "float":
            result = float(text)
        elif base == "bool":
            if text.lower() not in _TRUE | _FALSE:
                raise ValueError
            result = text.lower() in _TRUE
        elif base in ("list", "dict", "any"):
            try:
                result = yaml.safe_load(text) if text else value
            except yaml.YAMLError:
                if base != "any":
                    raise ValueError from None
                result = value
            if base == "list" and not isinstance(result, list):
                raise ValueError
            if base == "dict" and not isinstance(result, dict):
                raise ValueError
            if base == "any" and not isinstance(result, int | float | bool | list | dict):
                result = value  # keep text as text
        else:
            result = value
    elif base == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError
        result = value
    elif base == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError
        result = float(value)
    elif base == "bool":
        if not isinstance(value, bool):
            raise ValueError
        result = value
    elif base == "str":
        if isinstance(value, dt.date):
            result = value.isoformat()
        elif isinstance(value, int | float) and not isinstance(value, bool):
            result = str(value)
        elif isinstance(value, os.PathLike):
            result = os.fspath(value)
        else:
            raise ValueError
    elif base == "list":
        if not isinstance(value, list | tuple):
            raise ValueError
        result = list(value)
    elif base == "dict":
        if not isinstance(value, dict):
            raise ValueError
        result = value
    else:
        result = value
    if kind.choices is not None and result not in kind.choices:
        raise ValueError
    return result


def _find_param_file(spec: PathLike, info: NotebookInfo) -> Path:
    path = Path(spec)
    is_path = path.suffix in (".yaml", ".yml", ".json") or len(path.parts) > 1
    if path.is_file():
        return path
    if is_path:
        raise ParameterError(
            f"parameter file {path} not found (working directory {Path.cwd()}); check the path, "
            f"or pass the name of a set in {info.path.parent / 'params'}.",
            notebook=info.name,
        )
    folder = info.path.parent / "params"
    for candidate in (folder / f"{info.name}.{spec}.yaml", folder / f"{spec}.yaml"):
        if candidate.is_file():
            return candidate
    sets = ", ".join(info.param_sets) or "none"
    raise ParameterError(
        f"parameter set {str(spec)!r} not found for notebook {info.name}: looked for "
        f"{folder / f'{info.name}.{spec}.yaml'} and {folder / f'{spec}.yaml'}. Available sets: "
        f"{sets}. Pass an existing set name or a path to a YAML file.",
        notebook=info.name,
    )


def _load_param_file(spec: PathLike, info: NotebookInfo) -> tuple[dict[str, Any], Path]:
    path = _find_param_file(spec, info)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(
            f"cannot read parameter file {path}: {exc}", notebook=info.name
        ) from None
    if data is None:
        return {}, path
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ParameterError(
            f"parameter file {path} must hold a YAML mapping of parameter names to values "
            f"(e.g. 'quick: true'), got {type(data).__name__}.",
            notebook=info.name,
        )
    return data, path


def resolve_parameters(
    info: NotebookInfo,
    parameters: Mapping[str, Any] | None = None,
    *,
    param_file: ParamFiles = None,
    parameters_source: str = "argument",
) -> tuple[dict[str, Any], dict[str, str]]:
    """Merge parameter files and explicit parameters, check the names and convert the types.

    Parameters
    ----------
    info : NotebookInfo
        The notebook (from :func:`notebook_info`).
    parameters : mapping, optional
        Name -> value; text values (from ``-p``) are converted to the declared type, other
        values are checked against it. They override ``param_file``.
    param_file : path or str or list of them, optional
        YAML files or parameter-set names (see the module docstring); later ones override
        earlier ones.
    parameters_source : str
        How ``parameters`` are labelled in the report ("-p" for the command line).

    Returns
    -------
    values : dict
        The parameters to inject (only those given, not the defaults).
    sources : dict
        Name -> where the value came from (a file path or ``parameters_source``).

    Raises
    ------
    ParameterError
        Naming every unknown parameter (with a close match and the valid names), or the first
        value that does not convert (with the expected type and the value).
    """
    given: list[tuple[str, Any, str]] = []
    files = [] if param_file is None else param_file
    if isinstance(files, str | os.PathLike):
        files = [files]
    for spec in files:
        data, path = _load_param_file(spec, info)
        given += [(k, v, f"file {path.name}") for k, v in data.items()]
    given += [(k, v, parameters_source) for k, v in (parameters or {}).items()]

    unknown = list(dict.fromkeys(name for name, _, _ in given if name not in info.parameters))
    if unknown:
        valid = list(info.parameters)
        parts = []
        for name in unknown:
            close = difflib.get_close_matches(name, valid, n=1)
            parts.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        plural = "s" if len(unknown) > 1 else ""
        raise ParameterError(
            f"unknown parameter{plural} {', '.join(parts)} for notebook {info.name}. "
            f"Valid parameters: {', '.join(valid) or 'none (the notebook has no parameters cell)'}"
            f". `cvlib list {info.name}` shows their types and defaults.",
            notebook=info.name,
        )

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, value, source in given:
        param = info.parameters[name]
        kind = _type_of(param)
        try:
            values[name] = _convert(value, kind)
        except (ValueError, TypeError, OverflowError):
            example = _EXAMPLES.get(kind.base, "")
            raise ParameterError(
                f"parameter {name!r} of notebook {info.name} expects {kind.label()} "
                f"(declared `{name}: {param.type_name} = {param.default}`), got {value!r} "
                f"from {source}."
                + (f" Pass {example.format(name=name)}." if example and not kind.choices else ""),
                notebook=info.name,
            ) from None
        sources[name] = source
    return values, sources


# ------------------------------------------------------------------------------------- kernel
@functools.cache
def _kernel_manager_class() -> type:
    """A kernel manager whose ``python3`` kernel is the interpreter running cvlib.

    jupyter_client looks a kernel name up in ``jupyter_path("kernels")`` ($JUPYTER_PATH, then the
    user's ~/.local/share/jupyter, then sys.prefix/share/jupyter, then system folders), so a
    ``python3`` spec in the user folder from another Python would win. Here ``python3`` always
    means ipykernel's own spec, ``[sys.executable, -m, ipykernel_launcher, -f, {connection_file}]``
    (what ``ipykernel install --sys-prefix`` writes), with the inline matplotlib backend, as in
    Jupyter. Other kernel names are looked up as usual.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class CvlibKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            if kernel_name.lower() != KERNEL_NAME:
                return super().get_kernel_spec(kernel_name)
            spec = get_kernel_dict()
            spec.pop("kernel_protocol_version", None)
            spec["env"] = {
                "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no "frozen modules" debugger warning
            }
            return KernelSpec(resource_dir=RESOURCES, **spec)

    class CvlibKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _default_transport_encryption(self) -> str:
            import zmq

            # CurveZMQ keys when pyzmq supports them (no plain-text TCP warning from ipykernel)
            return "auto" if zmq.has("curve") else "disabled"

        @default("kernel_spec_manager")
        def _default_kernel_spec_manager(self) -> KernelSpecManager:
            return CvlibKernelSpecManager(data_dir=self.data_dir)

    return CvlibKernelManager


def _is_kernel_start_failure(exc: BaseException) -> bool:
    if type(exc).__name__ == "DeadKernelError":  # died during a cell: not a start failure
        return False
    text = str(exc).lower()
    if isinstance(exc, TimeoutError):
        return True
    return (
        isinstance(exc, RuntimeError)
        and "kernel" in text
        and ("died" in text or "respond" in text or "start" in text)
    )


def _execute(
    input_path: Path,
    output_path: Path,
    parameters: dict[str, Any],
    cwd: Path,
    *,
    progress_bar: bool,
    start_timeout: float,
    execution_timeout: float | None,
) -> Any:
    """One papermill run (kernel python3, working directory ``cwd``); the executed notebook."""
    import papermill

    return papermill.execute_notebook(
        str(input_path),
        str(output_path),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        cwd=str(cwd),
        progress_bar=progress_bar,
        start_timeout=start_timeout,
        execution_timeout=execution_timeout,
        kernel_manager_class=_kernel_manager_class(),
    )


# ---------------------------------------------------------------------------------- rendering
def _fmt_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return repr(value)


def _header_html(
    info: NotebookInfo,
    values: Mapping[str, Any],
    sources: Mapping[str, str],
    meta: Sequence[tuple[str, str]],
) -> str:
    esc = html.escape
    rows = []
    for p in info.parameters.values():
        if p.name in values:
            shown, source = _fmt_value(values[p.name]), sources.get(p.name, "")
        else:
            try:
                shown = _fmt_value(ast.literal_eval(p.default))
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                shown = p.default
            source = "default"
        style = ' style="font-weight:600"' if p.name in values else ""
        rows.append(
            f"<tr{style}><td><code>{esc(p.name)}</code></td><td><code>{esc(shown)}</code></td>"
            f"<td>{esc(p.type_name)}</td><td>{esc(source)}</td><td>{esc(p.help)}</td></tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="5">(no parameters)</td></tr>')
    meta_rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in meta)
    cell = "border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top"
    return (
        '<section class="cvlib-run" style="border:1px solid #ccc;border-radius:6px;'
        'padding:10px 14px;margin:0 0 1em;background:#fafafa;font-size:13px">'
        f"<style>.cvlib-run td,.cvlib-run th{{{cell}}}"
        ".cvlib-run table{border-collapse:collapse;margin:4px 0 0}"
        ".cvlib-run caption{text-align:left;font-weight:600;padding-bottom:2px}</style>"
        f'<div style="font-size:16px"><strong>{esc(info.title)}</strong></div>'
        f'<div style="color:#555">cvlib report <code>{esc(info.name)}</code></div>'
        '<div style="display:flex;flex-wrap:wrap;gap:24px;margin-top:6px">'
        '<table class="cvlib-parameters"><caption>Parameters</caption>'
        "<tr><th>parameter</th><th>value</th><th>type</th><th>set by</th><th>meaning</th></tr>"
        f"{''.join(rows)}</table>"
        f'<table class="cvlib-run-metadata"><caption>Run</caption>{meta_rows}</table>'
        "</div></section>"
    )


def _export_html(
    nb: Any,
    info: NotebookInfo,
    values: Mapping[str, Any],
    sources: Mapping[str, str],
    meta: Sequence[tuple[str, str]],
) -> str:
    import nbformat
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    header = nbformat.v4.new_code_cell(source="", metadata={"tags": ["cvlib-run-header"]})
    header.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": _header_html(info, values, sources, meta)}
        )
    ]
    nb.cells.insert(0, header)
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,  # Markdown images become data URIs; outputs are data URIs already
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": info.title, "path": str(info.path.parent)}}
    )
    return body


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_tag(tag: str | None) -> str:
    tag = tag if tag is not None else dt.date.today().isoformat()
    if not _TAG_RE.fullmatch(tag):
        raise ParameterError(
            f"tag {tag!r} is not a valid folder name; use letters, digits, '.', '_' and '-' "
            f"(e.g. 2024-05-01 or quick-zh)."
        )
    return tag


def _source_cell_index(failed_nb: Path, executed_index: int) -> int:
    """Index in the source notebook of the executed notebook's cell ``executed_index``."""
    import nbformat

    try:
        nb = nbformat.read(failed_nb, as_version=4)
    except Exception:
        return executed_index
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    before = cells[:executed_index]
    return sum("injected-parameters" not in c.metadata.get("tags", []) for c in before)


def _execution_error(exc: Any, info: NotebookInfo, failed: Path) -> NotebookExecutionError:
    index = _source_cell_index(failed, exc.cell_index)
    source = (exc.source or "").splitlines()
    where = ""
    for frame in exc.traceback or []:  # IPython: "Cell In[3], line 5\n ... ----> 5 code"
        frame = re.sub(r"\x1b\[[0-9;]*m", "", frame)
        if m := re.match(r"Cell In\[\d*\], line (\d+)", frame):
            where = f" at line {m.group(1)}"
            lineno = int(m.group(1))
            lo = max(0, lineno - 3)
            shown = [(n + 1, source[n]) for n in range(lo, min(len(source), lineno + 2))]
            break
    else:
        shown = list(enumerate(source[:6], start=1))
    snippet = "\n".join(
        f"  {'-->' if where and n == lineno else '   '} {n:3d} | {line}" for n, line in shown
    )
    count = f"In [{exc.exec_count}]" if exc.exec_count is not None else "not executed"
    message = (
        f"notebook {info.name} failed in cell {index}{where} ({count}; cells counted from 0 "
        f"in {info.path.name}): {exc.ename}: {exc.evalue}\n"
        f"{snippet}\n"
        f"  executed notebook kept for debugging: {failed}\n"
        f"  no HTML report was written."
    )
    return NotebookExecutionError(
        message,
        notebook=info.name,
        cell_index=index,
        execution_count=exc.exec_count,
        ename=exc.ename,
        evalue=exc.evalue,
        failed_notebook=failed,
    )


def render(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    param_file: ParamFiles = None,
    out: PathLike | None = None,
    tag: str | None = None,
    notebooks_dir: PathLike | None = None,
    progress_bar: bool = True,
    start_timeout: float = 60,
    execution_timeout: float | None = None,
    update_index: bool = True,
    parameters_source: str = "argument",
) -> RenderResult:
    """Execute one notebook with papermill and convert it to a code-hidden HTML report.

    Parameters
    ----------
    name : str
        Notebook: ``"01_customer_value_ahp"``, ``"customer_value_ahp"`` or ``"01"``.
    parameters : mapping, optional
        Parameter values (text is converted to the declared type, see
        :func:`resolve_parameters`); they override ``param_file``.
    param_file : path or str or list of them, optional
        YAML parameter files or parameter-set names in ``notebooks/params/``.
    out : path, optional
        Output root (default ``<project>/reports``).
    tag : str, optional
        Run folder name (default: today's date, YYYY-MM-DD); a rerun with the same tag replaces
        the report.
    notebooks_dir : path, optional
        The notebooks folder (default ``<project>/notebooks``); also the kernel's working
        directory.
    progress_bar : bool
        papermill's per-cell progress bar.
    start_timeout, execution_timeout : float
        Seconds to wait for the kernel to start (retried once) and for each cell (default: no
        limit).
    update_index : bool
        Rewrite ``<out>/index.html`` afterwards.
    parameters_source : str
        How ``parameters`` are labelled in the report's parameter table.

    Returns
    -------
    RenderResult
        ``ipynb`` and ``html`` paths (``<out>/<notebook>/<tag>/<notebook>.ipynb|.html``),
        ``seconds``, the injected ``parameters``, ``title``, ``tag``, ``started``.

    Raises
    ------
    NotebookNotFoundError, ParameterError
        Before anything runs (nothing is written).
    NotebookExecutionError
        A cell raised: the message names the notebook, the cell and the error; the executed
        notebook is kept as ``<notebook>.FAILED.ipynb`` and no HTML is left for this tag.
    KernelStartError
        The kernel did not start, also on the retry.

    Examples
    --------
    >>> result = render("01", {"quick": True}, out="/tmp/reports", tag="try")  # doctest: +SKIP
    >>> result.html  # doctest: +SKIP
    PosixPath('/tmp/reports/01_customer_value_ahp/try/01_customer_value_ahp.html')
    """
    from papermill.exceptions import PapermillExecutionError

    folder = _notebooks_dir(notebooks_dir)
    info = notebook_info(name, notebooks_dir=folder)
    values, sources = resolve_parameters(
        info, parameters, param_file=param_file, parameters_source=parameters_source
    )
    tag = _check_tag(tag)
    out_dir = Path(out).resolve() if out is not None else _default_out(folder)
    run_dir = out_dir / info.name / tag
    run_dir.mkdir(parents=True, exist_ok=True)
    ipynb, html_path = run_dir / f"{info.name}.ipynb", run_dir / f"{info.name}.html"
    failed = run_dir / f"{info.name}.FAILED.ipynb"
    partial = run_dir / f".{info.name}.{secrets.token_hex(4)}.partial.ipynb"

    def give_up(keep_partial: bool) -> None:
        # a failed run leaves no finished-looking report for this tag
        html_path.unlink(missing_ok=True)
        ipynb.unlink(missing_ok=True)
        if keep_partial and partial.exists():
            os.replace(partial, failed)
        else:
            partial.unlink(missing_ok=True)
        if update_index:
            write_index(out_dir)

    started = dt.datetime.now().astimezone()
    t0 = time.perf_counter()
    try:
        for attempt in (1, 2):
            try:
                executed = _execute(
                    info.path,
                    partial,
                    values,
                    folder,
                    progress_bar=progress_bar,
                    start_timeout=start_timeout,
                    execution_timeout=execution_timeout,
                )
                break
            except PapermillExecutionError:
                raise
            except Exception as exc:
                if not _is_kernel_start_failure(exc):
                    raise
                partial.unlink(missing_ok=True)
                if attempt == 2:
                    raise KernelStartError(
                        f"the {KERNEL_NAME} kernel for notebook {info.name} failed to start "
                        f"twice: {type(exc).__name__}: {exc}. Check that ipykernel runs in "
                        f"this Python (`{sys.executable} -m ipykernel_launcher --help`) and "
                        f"try a longer --start-timeout (now {start_timeout} s).",
                        notebook=info.name,
                    ) from exc
                log.warning(
                    "%s: kernel failed to start (%s: %s); retrying once",
                    info.name,
                    type(exc).__name__,
                    exc,
                )
        seconds = time.perf_counter() - t0
        import papermill

        meta = [
            ("tag", tag),
            ("started", started.isoformat(timespec="seconds")),
            ("run time", f"{seconds:.1f} s"),
            ("notebook", f"{folder.name}/{info.path.name}"),
            ("cvlib", cvlib.__version__),
            ("python", platform.python_version()),
            ("papermill", papermill.__version__),
        ]
        page = _export_html(executed, info, values, sources, meta)
    except PapermillExecutionError as exc:
        give_up(keep_partial=True)
        raise _execution_error(exc, info, failed) from None
    except KernelStartError:
        give_up(keep_partial=False)
        raise
    except Exception as exc:
        give_up(keep_partial=True)
        kept = f" Partial notebook kept as {failed}." if failed.exists() else ""
        raise ReportError(
            f"notebook {info.name} could not be rendered: {type(exc).__name__}: {exc}.{kept}",
            notebook=info.name,
        ) from exc
    except BaseException:  # KeyboardInterrupt: leave nothing half-written
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, ipynb)
    _atomic_write_text(html_path, page)  # the HTML appears last, complete
    failed.unlink(missing_ok=True)
    if update_index:
        write_index(out_dir)
    return RenderResult(
        notebook=info.name,
        title=info.title,
        tag=tag,
        ipynb=ipynb,
        html=html_path,
        seconds=seconds,
        parameters=values,
        started=started,
    )


def _render_job(name: str, kwargs: dict[str, Any]) -> tuple[str, RenderResult | ReportError]:
    """Worker of :func:`render_all` (module level so a process pool can pickle it)."""
    try:
        return name, render(name, **kwargs)
    except ReportError as exc:
        return name, exc
    except Exception as exc:  # never lose a worker's failure
        return name, ReportError(f"notebook {name}: {type(exc).__name__}: {exc}", notebook=name)


def render_all(
    parameters: Mapping[str, Any] | None = None,
    *,
    param_file: ParamFiles = None,
    out: PathLike | None = None,
    tag: str | None = None,
    notebooks_dir: PathLike | None = None,
    workers: int | None = None,
    progress: bool = True,
    start_timeout: float = 60,
    execution_timeout: float | None = None,
    parameters_source: str = "argument",
) -> RenderAllResult:
    """Render every notebook of the project, in parallel, with progress.

    Parameters are checked for every notebook before anything runs. Each notebook runs in its
    own worker process and kernel; a kernel that fails to start is retried once.

    Parameters
    ----------
    parameters, param_file, out, tag, notebooks_dir, start_timeout, execution_timeout
        As for :func:`render`; the same values go to every notebook (so each must declare them).
    workers : int, optional
        Parallel runs (default ``os.cpu_count()``, at most the number of notebooks); 1 runs them
        one after the other in this process.
    progress : bool
        A tqdm progress bar on stderr and a line per finished notebook.
    parameters_source : str
        How ``parameters`` are labelled in each report.

    Returns
    -------
    RenderAllResult
        ``results`` and ``failures`` by notebook, ``ok``, ``summary()``.

    Raises
    ------
    ParameterError
        If the parameters do not fit some notebook (nothing runs).
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    from tqdm import tqdm

    folder = _notebooks_dir(notebooks_dir)
    infos = list_notebooks(folder)
    if not infos:
        raise NotebookNotFoundError(f"no notebooks (*.ipynb) in {folder}; check --project.")
    problems = []
    for info in infos:
        try:
            resolve_parameters(
                info, parameters, param_file=param_file, parameters_source=parameters_source
            )
        except ParameterError as exc:
            problems.append(str(exc))
    if problems:
        raise ParameterError("\n".join(problems))
    tag = _check_tag(tag)  # one tag for all, even across midnight
    out_dir = Path(out).resolve() if out is not None else _default_out(folder)
    kwargs = dict(
        parameters=dict(parameters or {}),
        param_file=param_file,
        out=out_dir,
        tag=tag,
        notebooks_dir=folder,
        progress_bar=False,
        start_timeout=start_timeout,
        execution_timeout=execution_timeout,
        update_index=False,
        parameters_source=parameters_source,
    )
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(infos)))
    outcomes: dict[str, RenderResult | ReportError] = {}
    t0 = time.perf_counter()
    bar = tqdm(total=len(infos), desc="cvlib report --all", unit="nb", disable=not progress)

    def done(name: str, outcome: RenderResult | ReportError) -> None:
        outcomes[name] = outcome
        if progress:
            if isinstance(outcome, RenderResult):
                line = f"ok      {name}  {outcome.seconds:.1f} s  {outcome.html}"
            else:
                line = f"FAILED  {name}  {str(outcome).splitlines()[0]}"
            bar.write(line, file=sys.stderr)
        bar.update(1)

    try:
        if n_workers == 1:
            for info in infos:
                done(*_render_job(info.name, kwargs))
        else:
            with ProcessPoolExecutor(n_workers, mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(_render_job, i.name, kwargs): i.name for i in infos}
                for future in as_completed(futures):
                    try:
                        done(*future.result())
                    except Exception as exc:  # a worker process died
                        name = futures[future]
                        done(
                            name,
                            ReportError(f"notebook {name}: worker failed: {exc}", notebook=name),
                        )
    finally:
        bar.close()
        write_index(out_dir)
    order = [i.name for i in infos]
    return RenderAllResult(
        results={n: o for n in order if isinstance(o := outcomes.get(n), RenderResult)},
        failures={n: o for n in order if isinstance(o := outcomes.get(n), ReportError)},
        seconds=time.perf_counter() - t0,
    )


# -------------------------------------------------------------------------------------- index
def _html_title(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(200_000)
    except OSError:
        return path.stem
    m = re.search(r"<title>(.*?)</title>", head, re.S | re.I)
    return html.unescape(m.group(1).strip()) if m else path.stem


def write_index(out: PathLike) -> Path:
    """Write ``<out>/index.html``: every report under ``<out>/*/*/*.html``, grouped by notebook,
    newest first (failed runs are listed with their ``.FAILED.ipynb``).

    Parameters
    ----------
    out : path
        The reports folder.

    Returns
    -------
    Path
        The index file.
    """
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[tuple[float, str, str, str, bool]]] = {}
    found = [(p, True) for p in root.glob("*/*/*.html")]
    found += [(p, False) for p in root.glob("*/*/*.FAILED.ipynb")]
    for path, ok in found:
        if path.name.startswith("."):
            continue
        notebook, tag = path.parent.parent.name, path.parent.name
        title = _html_title(path) if ok else "run failed: executed notebook kept for debugging"
        link = "/".join(quote(part) for part in path.relative_to(root).parts)
        groups.setdefault(notebook, []).append((path.stat().st_mtime, tag, title, link, ok))
    esc = html.escape
    sections = []
    for notebook in sorted(groups):
        rows = []
        for mtime, tag, title, link, ok in sorted(groups[notebook], reverse=True):
            when = dt.datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M")
            label = "report" if ok else "FAILED.ipynb"
            cls = "" if ok else ' class="failed"'
            rows.append(
                f"<tr{cls}><td>{esc(tag)}</td><td>{when}</td><td>{esc(title)}</td>"
                f'<td><a href="{esc(link)}">{label}</a></td></tr>'
            )
        sections.append(
            f"<h2>{esc(notebook)}</h2><table><tr><th>tag</th><th>written</th><th>title</th>"
            f"<th></th></tr>{''.join(rows)}</table>"
        )
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = "".join(sections) or "<p>No reports yet: run <code>cvlib report NAME</code>.</p>"
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>cvlib reports</title><style>"
        "body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC',sans-serif;"
        "max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;"
        "border-bottom:1px solid #e5e5e5}h2{margin-top:1.6em;font-size:1.15em}"
        "tr.failed td{color:#a00}.meta{color:#666}</style></head><body>"
        f'<h1>cvlib reports</h1><p class="meta">Index of {esc(str(root))}, updated {now}. '
        "Newest first within each notebook.</p>"
        f"{body}</body></html>\n"
    )
    index = root / "index.html"
    _atomic_write_text(index, page)
    return index


# --------------------------------------------------------------------------------------- CLI
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cvlib",
        description="Render cvlib notebooks into HTML reports.",
        epilog="Exit codes: 0 success, 1 a notebook failed, 2 usage error.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{report,list}")
    rep = sub.add_parser(
        "report",
        help="run a notebook (or all) and write an HTML report",
        description=(
            "Run a notebook with papermill and write <out>/<notebook>/<tag>/<notebook>.ipynb and "
            ".html (code hidden, parameters at the top); <out>/index.html links every report."
        ),
    )
    rep.add_argument(
        "name", nargs="?", help='notebook: "01_customer_value_ahp", "customer_value_ahp" or "01"'
    )
    rep.add_argument("--all", action="store_true", help="render every notebook in parallel")
    rep.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="set a parameter (converted to its declared type); overrides -f",
    )
    rep.add_argument(
        "-f",
        "--parameters-file",
        action="append",
        default=[],
        metavar="FILE|SET",
        help="YAML file of parameters, or a set name in notebooks/params/ "
        "(<notebook>.SET.yaml, else SET.yaml); repeatable",
    )
    rep.add_argument("--out", type=Path, help="reports folder (default <project>/reports)")
    rep.add_argument("--tag", help="run folder name (default today's date, YYYY-MM-DD)")
    rep.add_argument("--project", type=Path, help="project root (default: found from here)")
    rep.add_argument("--workers", type=int, help="parallel runs for --all (default: cores)")
    rep.add_argument(
        "--start-timeout", type=float, default=60, help="seconds for the kernel to start"
    )
    rep.add_argument("--timeout", type=float, help="seconds per cell (default: no limit)")
    lst = sub.add_parser(
        "list",
        help="list notebooks and their parameters",
        description="List the notebooks with title, parameters (type, default, help) and sets.",
    )
    lst.add_argument("name", nargs="?", help="only this notebook")
    lst.add_argument("--project", type=Path, help="project root (default: found from here)")
    return parser


def _cmd_list(args: argparse.Namespace) -> int:
    folder = args.project / "notebooks" if args.project else None
    if args.name:
        infos = [notebook_info(args.name, notebooks_dir=folder)]
    else:
        infos = list_notebooks(folder)
    if not infos:
        print("no notebooks found", file=sys.stderr)
        return 1
    print("\n\n".join(info.summary() for info in infos))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    if bool(args.name) == bool(args.all):
        print(
            "cvlib report: error: give a notebook NAME or --all (not both); "
            "`cvlib list` shows the notebooks.",
            file=sys.stderr,
        )
        return 2
    folder = args.project / "notebooks" if args.project else None
    params = dict(args.parameter)
    common = dict(
        param_file=args.parameters_file or None,
        out=args.out,
        tag=args.tag,
        notebooks_dir=folder,
        start_timeout=args.start_timeout,
        execution_timeout=args.timeout,
        parameters_source="-p",
    )
    if args.all:
        outcome = render_all(params, workers=args.workers, **common)
        for error in outcome.failures.values():
            print(f"\ncvlib report: error: {error}", file=sys.stderr)
        out_dir = Path(args.out) if args.out else _default_out(_notebooks_dir(folder))
        print(f"{outcome.summary()}\nindex: {out_dir.resolve() / 'index.html'}")
        return 0 if outcome.ok else 1
    result = render(args.name, params, progress_bar=sys.stderr.isatty(), **common)
    print(
        f"wrote {result.html} ({result.seconds:.1f} s)\nindex: {result.html.parents[2] / 'index.html'}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The ``cvlib`` command line: ``cvlib report ...`` and ``cvlib list``.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 success, 1 a notebook failed, 2 a usage error (unknown notebook or parameter, bad
        value or parameter file). Errors are printed to stderr.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code or 0)
    if not logging.getLogger().handlers and not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("cvlib: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    try:
        if args.command == "list":
            return _cmd_list(args)
        return _cmd_report(args)
    except ReportError as exc:
        print(f"cvlib {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"cvlib {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # python -m cvlib.report; use the imported module so that the
    from cvlib.report import main as _main  # worker processes of --all pickle the same classes

    sys.exit(_main())

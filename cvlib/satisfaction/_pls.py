"""PLS path modelling (PLS-SEM, 偏最小二乘路径模型) and the ACSI-style 0-100 index
(``methods/satisfaction.md`` §3-§5).

The whole Wold/Lohmöller algorithm (§4.2) runs on the indicator correlation matrix S: with
standardized indicators X and construct scores Y = X W, every quantity the iteration needs is
a function of S (cov(X, Y) = S W, corr(Y) = Wᵀ S W, mode B uses S_kk⁻¹). This gives the same
numbers as the data form of the algorithm (seminr, plspm) and lets the bootstrap estimate
hundreds of resamples at once: a resample is a vector of row counts c, its moments are
c-weighted sums, and the iteration runs batched over the resamples' correlation matrices.

Public functions: :func:`pls_pm`, :func:`pls_bootstrap`, :func:`acsi_index`,
:func:`load_model_spec` and :func:`model_preset`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.survey._common import numeric_items, unwrap

__all__ = [
    "ACSIIndexResult",
    "ModelSpec",
    "PLSConvergenceWarning",
    "PLSResult",
    "acsi_index",
    "load_model_spec",
    "model_preset",
    "pls_bootstrap",
    "pls_pm",
]

SCHEMES = ("path", "centroid", "factorial")
MISSING = ("error", "mean", "listwise")
MODES = ("A", "B")
LANGS = ("en", "zh")
#: Fewest rows a bootstrap accepts (with fewer, most resamples repeat a handful of rows).
MIN_BOOT_ROWS = 10
ACSI_LABEL = {
    "en": "ACSI-style index (unstandardized outer weights)",
    "zh": "ACSI 式指数（非标准化外部权重）",
}
_BOOT_CELLS = 4_000_000  # rows x resamples per bootstrap chunk (memory of the count matrix)
_BOOT_CHUNK_MAX = 200


class PLSConvergenceWarning(CvlibWarning):
    """The PLS iteration stopped at ``max_it`` before the stop criterion was met."""


# ---------------------------------------------------------------------------------------------
# model specification (§4.1, §5)


def _as_item_list(construct: Any, items: Any) -> list[Any]:
    if isinstance(items, str) or not isinstance(items, Sequence | pd.Index | np.ndarray):
        if isinstance(items, str):
            return [items]  # a single-item construct given as a bare column name
        raise CvlibInputError(
            f"construct {construct!r}: items must be a list of column names, got {items!r}"
        )
    out = list(items)
    if not out:
        raise CvlibInputError(
            f"construct {construct!r} has no items; give at least one indicator column, e.g. "
            f"{{{construct!r}: ['item1', 'item2']}}, or remove the construct and its paths."
        )
    dup = sorted({str(i) for i in out if out.count(i) > 1})
    if dup:
        raise CvlibInputError(
            f"construct {construct!r} lists item(s) {', '.join(dup)} more than once; list each "
            f"indicator once."
        )
    return out


def _check_measurement(measurement: Any) -> dict[str, list[Any]]:
    if not isinstance(measurement, Mapping):
        raise TypeError(
            f"measurement must map each construct to its item columns, e.g. "
            f"{{'Image': ['IMAG1', 'IMAG2']}}, got {type(measurement).__name__}."
        )
    if not measurement:
        raise CvlibInputError("measurement is empty; give at least two constructs and their items")
    out: dict[str, list[Any]] = {}
    owner: dict[Any, Any] = {}
    for construct, items in measurement.items():
        if not isinstance(construct, str) or not construct.strip():
            raise CvlibInputError(
                f"construct names must be non-empty strings, got {construct!r}; name the "
                f"construct (e.g. 'Satisfaction' or '顾客满意')."
            )
        lst = _as_item_list(construct, items)
        for item in lst:
            if item in owner:
                raise CvlibInputError(
                    f"item {item!r} is in two constructs, {owner[item]!r} and {construct!r}; "
                    f"every indicator belongs to exactly one construct (§4.1). Remove it from "
                    f"one of them (or copy the column under a new name)."
                )
            owner[item] = construct
        out[construct] = lst
    return out


def _check_structural(structural: Any, constructs: Sequence[str]) -> list[tuple[str, str]]:
    if isinstance(structural, str | bytes) or not isinstance(structural, Sequence):
        raise TypeError(
            f"structural must be a list of (source, target) pairs, e.g. "
            f"[('Image', 'Satisfaction')], got {type(structural).__name__}."
        )
    if len(structural) == 0:
        raise CvlibInputError(
            "structural has no paths; a path model needs at least one (source, target) pair"
        )
    known = set(constructs)
    out: list[tuple[str, str]] = []
    for i, pair in enumerate(structural):
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise CvlibInputError(
                f"structural[{i}] = {pair!r} is not a (source, target) pair; write each path "
                f"as ('Image', 'Satisfaction')."
            )
        source, target = pair[0], pair[1]
        for end in (source, target):
            if end not in known:
                raise CvlibInputError(
                    f"path {source!r} -> {target!r} names construct {end!r}, which the "
                    f"measurement model does not define; constructs: "
                    f"{', '.join(map(repr, constructs))}. Add it with its items or fix the name."
                )
        if source == target:
            raise CvlibInputError(
                f"path {source!r} -> {target!r} is a loop (a construct cannot cause itself); "
                f"the structural model must be acyclic (recursive, §4.1)."
            )
        if (source, target) in out:
            raise CvlibInputError(f"path {source!r} -> {target!r} is listed twice; list it once")
        out.append((source, target))
    _check_acyclic(out, constructs)
    unused = [c for c in constructs if not any(c in p for p in out)]
    if unused:
        raise CvlibInputError(
            f"construct(s) {', '.join(map(repr, unused))} take part in no path; every construct "
            f"must be connected to at least one path (§4.1). Add a path or drop the construct "
            f"from the measurement model."
        )
    return out


def _check_acyclic(paths: Sequence[tuple[str, str]], constructs: Sequence[str]) -> None:
    succ: dict[str, list[str]] = {c: [] for c in constructs}
    for s, t in paths:
        succ[s].append(t)
    state: dict[str, int] = dict.fromkeys(constructs, 0)  # 0 new, 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in succ[node]:
            if state[nxt] == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                raise CvlibInputError(
                    f"the paths form a cycle: {' -> '.join(cycle)}; a PLS path model must be "
                    f"acyclic (recursive, §4.1). Remove or reverse one of these paths."
                )
            if state[nxt] == 0:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for c in constructs:
        if state[c] == 0:
            visit(c)


def _check_modes(modes: Any, constructs: Sequence[str]) -> dict[str, str]:
    if modes is None:
        return dict.fromkeys(constructs, "A")
    if isinstance(modes, str):
        check_choice("modes", modes, MODES)
        return dict.fromkeys(constructs, modes)
    if not isinstance(modes, Mapping):
        raise TypeError(
            f"modes must be 'A', 'B' or a mapping construct -> 'A'/'B', got {type(modes).__name__}"
        )
    unknown = [c for c in modes if c not in constructs]
    if unknown:
        raise CvlibInputError(
            f"modes names construct(s) {', '.join(map(repr, unknown))} that are not in the "
            f"model; constructs: {', '.join(map(repr, constructs))}."
        )
    out = {}
    for c in constructs:
        mode = modes.get(c, "A")
        mode = mode.upper() if isinstance(mode, str) else mode
        if mode not in MODES:
            raise CvlibInputError(
                f"construct {c!r} has mode {modes.get(c)!r}; use 'A' (reflective, correlation "
                f"weights) or 'B' (formative, regression weights)."
            )
        out[c] = mode
    return out


@dataclass(frozen=True, repr=False, eq=False)
class ModelSpec(ResultMixin):
    """A validated PLS path-model specification (§4.1): constructs, items, modes and paths.

    Unpacks as ``measurement, structural = spec``; pass it whole as ``pls_pm(data, spec)``.

    Attributes
    ----------
    measurement : dict
        Construct -> list of item columns, in model order.
    structural : list of (str, str)
        Paths (source, target); acyclic, every construct on at least one path.
    modes : dict
        Construct -> ``"A"`` (reflective / correlation weights) or ``"B"`` (formative /
        regression weights).
    labels : dict
        Construct -> {"en": ..., "zh": ...} display labels (may be empty).
    name : str
        Model name (e.g. "ECSI (mobi)").
    """

    measurement: dict[str, list[Any]] = Snapshot()
    structural: list[tuple[str, str]] = Snapshot()
    modes: dict[str, str] = Snapshot()
    labels: dict[str, dict[str, str]] = Snapshot(default_factory=dict)
    name: str = ""

    _conventions = ("name",)
    _title = "ModelSpec (PLS path model 路径模型)"

    def __iter__(self) -> Iterator[Any]:
        yield self.measurement
        yield self.structural

    @property
    def constructs(self) -> list[str]:
        """Construct names in model order."""
        return list(self._measurement)

    def label(self, construct: str, lang: str = "en") -> str:
        """Display label of a construct in ``lang`` ("en"/"zh"); the name when none is set."""
        check_choice("lang", lang, LANGS)
        return self._labels.get(construct, {}).get(lang, construct)

    def summary(self) -> pd.DataFrame:
        """One row per construct: items, mode, labels, predecessors and successors."""
        rows = []
        for c, items in self._measurement.items():
            rows.append(
                {
                    "construct": c,
                    "label_zh": self._labels.get(c, {}).get("zh", ""),
                    "mode": self._modes[c],
                    "n_items": len(items),
                    "items": ", ".join(map(str, items)),
                    "from": ", ".join(s for s, t in self._structural if t == c),
                    "to": ", ".join(t for s, t in self._structural if s == c),
                }
            )
        return pd.DataFrame(rows).set_index("construct")


def _make_spec(
    measurement: Any,
    structural: Any,
    modes: Any = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
    name: str = "",
) -> ModelSpec:
    meas = _check_measurement(measurement)
    paths = _check_structural(structural, list(meas))
    mode_map = _check_modes(modes, list(meas))
    return ModelSpec(
        measurement=meas,
        structural=paths,
        modes=mode_map,
        labels={k: dict(v) for k, v in (labels or {}).items()},
        name=name,
    )


_SPEC_KEYS = {"name", "constructs", "paths", "description"}
_CONSTRUCT_KEYS = {"items", "mode", "label_zh", "label_en", "label"}


def _spec_paths(raw: Any, where: str) -> list[tuple[str, str]]:
    if not isinstance(raw, list):
        raise CvlibInputError(
            f"{where}: 'paths' must be a list of [source, target] pairs or "
            f"{{from: ..., to: ...}} entries, got {type(raw).__name__}"
        )
    out: list[tuple[str, str]] = []
    for i, entry in enumerate(raw):
        if isinstance(entry, Mapping):
            extra = set(entry) - {"from", "to"}
            if extra or not {"from", "to"} <= set(entry):
                raise CvlibInputError(
                    f"{where}: paths[{i}] = {dict(entry)!r} must have exactly the keys 'from' "
                    f"and 'to' (each a construct or a list of constructs)"
                )
            sources = entry["from"] if isinstance(entry["from"], list) else [entry["from"]]
            targets = entry["to"] if isinstance(entry["to"], list) else [entry["to"]]
            out.extend((s, t) for s in sources for t in targets)
        elif isinstance(entry, list | tuple) and len(entry) == 2:
            out.append((entry[0], entry[1]))
        else:
            raise CvlibInputError(
                f"{where}: paths[{i}] = {entry!r} is not a [source, target] pair or a "
                f"{{from: ..., to: ...}} entry"
            )
    return out


def load_model_spec(path: str | Path) -> ModelSpec:
    """Read and validate a PLS path-model specification from a YAML file (§4.1, §5).

    The file holds ``constructs`` (each with ``items``, an optional ``mode`` "A"/"B" and
    optional ``label_zh``/``label_en``; a bare list of items is shorthand for mode A) and
    ``paths`` (``[source, target]`` pairs, or ``{from: X, to: [Y, Z]}`` entries), plus an
    optional ``name`` and ``description``::

        name: ECSI (mobi)
        constructs:
          Image: {items: [IMAG1, IMAG2, IMAG3, IMAG4, IMAG5], mode: A, label_zh: 企业形象}
          Satisfaction: [CUSA1, CUSA2, CUSA3]
        paths:
          - [Image, Satisfaction]

    Parameters
    ----------
    path : str or Path
        The YAML file (UTF-8).

    Returns
    -------
    ModelSpec
        ``measurement``, ``structural``, ``modes``, ``labels``, ``name``; unpacks as
        ``measurement, structural = spec``.

    Raises
    ------
    FileNotFoundError
        No such file.
    CvlibInputError
        Unknown keys, a construct without items, an item in two constructs, a path naming an
        undefined construct, a cycle, a construct on no path, or an invalid mode.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = '''
    ... name: tiny
    ... constructs:
    ...   Quality: {items: [q1, q2], label_zh: 感知质量}
    ...   Satisfaction: [s1, s2]
    ... paths:
    ...   - [Quality, Satisfaction]
    ... '''
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = pathlib.Path(tmp) / "model.yaml"
    ...     _ = file.write_text(text, encoding="utf-8")
    ...     spec = load_model_spec(file)
    >>> measurement, structural = spec
    >>> measurement, structural, spec.modes["Quality"], spec.label("Quality", "zh")
    ({'Quality': ['q1', 'q2'], 'Satisfaction': ['s1', 's2']}, [('Quality', 'Satisfaction')], 'A', '感知质量')
    """
    import yaml

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"model specification {file} not found; check the path")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CvlibInputError(f"cannot parse the model specification {file}: {exc}") from None
    where = str(file)
    if not isinstance(raw, Mapping):
        raise CvlibInputError(
            f"{where}: a model specification is a YAML mapping with 'constructs' and 'paths', "
            f"got {type(raw).__name__}"
        )
    unknown = set(raw) - _SPEC_KEYS
    if unknown:
        raise CvlibInputError(
            f"{where}: unknown key(s) {', '.join(map(repr, sorted(map(str, unknown))))}; allowed: "
            f"{', '.join(sorted(_SPEC_KEYS))}"
        )
    for key in ("constructs", "paths"):
        if key not in raw:
            raise CvlibInputError(f"{where}: the key {key!r} is missing")
    constructs = raw["constructs"]
    if not isinstance(constructs, Mapping) or not constructs:
        raise CvlibInputError(
            f"{where}: 'constructs' must map construct names to their items, got {constructs!r}"
        )
    measurement: dict[str, Any] = {}
    modes: dict[str, Any] = {}
    labels: dict[str, dict[str, str]] = {}
    for c, entry in constructs.items():
        if entry is None:
            entry = []
        if isinstance(entry, Mapping):
            bad = set(entry) - _CONSTRUCT_KEYS
            if bad:
                raise CvlibInputError(
                    f"{where}: construct {c!r} has unknown key(s) "
                    f"{', '.join(map(repr, sorted(map(str, bad))))}; allowed: "
                    f"{', '.join(sorted(_CONSTRUCT_KEYS))}"
                )
            measurement[c] = entry.get("items", [])
            if "mode" in entry:
                modes[c] = entry["mode"]
            lab = {}
            if "label_zh" in entry:
                lab["zh"] = str(entry["label_zh"])
            if "label_en" in entry or "label" in entry:
                lab["en"] = str(entry.get("label_en", entry.get("label")))
            if lab:
                labels[c] = lab
        else:
            measurement[c] = entry
    try:
        return _make_spec(
            measurement,
            _spec_paths(raw["paths"], where),
            modes,
            labels,
            str(raw.get("name", file.stem)),
        )
    except CvlibInputError as exc:
        raise CvlibInputError(f"{where}: {exc}") from None


#: mobi item mapping of §5 (Tenenhaus et al. 2005 ECSI mobile-phone survey).
MOBI_ITEMS: dict[str, list[str]] = {
    "Image": [f"IMAG{i}" for i in range(1, 6)],
    "Expectation": [f"CUEX{i}" for i in range(1, 4)],
    "Quality": [f"PERQ{i}" for i in range(1, 8)],
    "Value": [f"PERV{i}" for i in range(1, 3)],
    "Satisfaction": [f"CUSA{i}" for i in range(1, 4)],
    "Complaints": ["CUSCO"],
    "Loyalty": [f"CUSL{i}" for i in range(1, 4)],
}
_LABELS = {
    "Image": {"en": "Image", "zh": "企业形象"},
    "Expectation": {"en": "Customer expectation", "zh": "顾客期望"},
    "Quality": {"en": "Perceived quality", "zh": "感知质量"},
    "Value": {"en": "Perceived value", "zh": "感知价值"},
    "Satisfaction": {"en": "Customer satisfaction", "zh": "顾客满意"},
    "Complaints": {"en": "Complaints", "zh": "顾客抱怨"},
    "Loyalty": {"en": "Loyalty", "zh": "顾客忠诚"},
}
_ACSI_PATHS = [
    ("Expectation", "Quality"),
    ("Expectation", "Value"),
    ("Expectation", "Satisfaction"),
    ("Quality", "Value"),
    ("Quality", "Satisfaction"),
    ("Value", "Satisfaction"),
    ("Satisfaction", "Complaints"),
    ("Satisfaction", "Loyalty"),
    ("Complaints", "Loyalty"),
]
_ECSI_PATHS = [
    ("Image", "Expectation"),
    ("Image", "Satisfaction"),
    ("Image", "Loyalty"),
    *_ACSI_PATHS,
]


def model_preset(name: str = "ecsi", items: Mapping[str, Any] | None = None) -> ModelSpec:
    """The ECSI or ACSI model structure (§5) with an item mapping (default: mobi's items).

    * ``"ecsi"`` (12 paths): Image → Expectation, Satisfaction, Loyalty; Expectation → Quality,
      Value, Satisfaction; Quality → Value, Satisfaction; Value → Satisfaction; Satisfaction →
      Complaints, Loyalty; Complaints → Loyalty.
    * ``"acsi"`` (9 paths): the same without Image.

    Constructs (all mode A): Image 企业形象, Expectation 顾客期望, Quality 感知质量, Value 感知价值,
    Satisfaction 顾客满意, Complaints 顾客抱怨 (single item), Loyalty 顾客忠诚.

    Parameters
    ----------
    name : {"ecsi", "acsi"}
        The model.
    items : mapping, optional
        Construct -> item columns, replacing the mobi mapping for the constructs it names
        (e.g. the items of your own questionnaire).

    Returns
    -------
    ModelSpec

    Examples
    --------
    >>> spec = model_preset("acsi")
    >>> len(spec.structural), spec.constructs[0], spec.measurement["Complaints"]
    (9, 'Expectation', ['CUSCO'])
    >>> len(model_preset("ecsi").structural)
    12

    References
    ----------
    Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996). The American
    Customer Satisfaction Index: nature, purpose, and findings. J. Marketing 60(4), 7-18.
    Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C. (2005). PLS path modeling.
    Computational Statistics & Data Analysis 48(1), 159-205.
    """
    check_choice("name", name, ("ecsi", "acsi"))
    paths = _ECSI_PATHS if name == "ecsi" else _ACSI_PATHS
    constructs = [c for c in MOBI_ITEMS if name == "ecsi" or c != "Image"]
    mapping = {c: list(MOBI_ITEMS[c]) for c in constructs}
    if items is not None:
        unknown = [c for c in items if c not in mapping]
        if unknown:
            raise CvlibInputError(
                f"items names construct(s) {', '.join(map(repr, unknown))} that the {name} "
                f"model does not have; constructs: {', '.join(constructs)}."
            )
        mapping.update({c: v for c, v in items.items()})
    return _make_spec(
        mapping,
        paths,
        None,
        {c: _LABELS[c] for c in constructs},
        f"{name.upper()} ({'mobi items' if items is None else 'custom items'})",
    )


# ---------------------------------------------------------------------------------------------
# the numeric engine: batched PLS on correlation matrices (§4.2)


@dataclass(frozen=True)
class _Model:
    constructs: tuple[str, ...]
    items: tuple[Any, ...]  # every indicator, in construct-block order
    blocks: tuple[np.ndarray, ...]  # indicator positions per construct
    owner: np.ndarray  # construct position of each indicator
    mode_b: tuple[bool, ...]
    paths: tuple[tuple[int, int], ...]
    endogenous: tuple[tuple[int, np.ndarray], ...]  # (construct, its predecessors)
    mask: np.ndarray  # p x K membership (0/1)
    adj: np.ndarray  # K x K, adj[i, j] = 1 for a path i -> j

    @property
    def p(self) -> int:
        return len(self.items)

    @property
    def k(self) -> int:
        return len(self.constructs)


def _build_model(
    measurement: Mapping[str, Sequence[Any]],
    structural: Sequence[tuple[str, str]],
    modes: Mapping[str, str],
) -> _Model:
    in_paths = {c for pair in structural for c in pair}
    constructs = tuple(c for c in measurement if c in in_paths)
    pos = {c: i for i, c in enumerate(constructs)}
    items: list[Any] = []
    blocks = []
    owner = []
    for i, c in enumerate(constructs):
        start = len(items)
        items.extend(measurement[c])
        blocks.append(np.arange(start, len(items)))
        owner.extend([i] * len(measurement[c]))
    k = len(constructs)
    mask = np.zeros((len(items), k))
    mask[np.arange(len(items)), owner] = 1.0
    adj = np.zeros((k, k))
    paths = tuple((pos[s], pos[t]) for s, t in structural)
    for s, t in paths:
        adj[s, t] = 1.0
    endogenous = tuple((j, np.flatnonzero(adj[:, j])) for j in range(k) if adj[:, j].any())
    return _Model(
        constructs=constructs,
        items=tuple(items),
        blocks=tuple(blocks),
        owner=np.asarray(owner, dtype=int),
        mode_b=tuple(modes[c] == "B" for c in constructs),
        paths=paths,
        endogenous=endogenous,
        mask=mask,
        adj=adj,
    )


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched solve a x = b (b: (..., m)); the pseudo-inverse for singular members."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return (np.linalg.pinv(a) @ b[..., None])[..., 0]


def _rescale(s: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Scale each construct's weights to a unit-variance composite: var(Y_k) = w_kᵀ S w_k."""
    var = (w * (s @ w)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return w / np.sqrt(var)[:, None, :]


def _inner(r: np.ndarray, m: _Model, scheme: str) -> np.ndarray:
    """Inner weights E (batch x K x K), proxy Z_k = Σ_j E[k, j] Y_j (§4.2 step 3)."""
    sym = m.adj + m.adj.T
    if scheme == "factorial":
        return r * sym
    if scheme == "centroid":
        return np.sign(r) * sym
    e = r * m.adj  # successors j of k (k -> j): the correlation
    for k, pred in m.endogenous:  # predecessors: OLS coefficients of Y_k on them
        beta = _solve(r[:, pred[:, None], pred], r[:, pred, k])
        e[:, k, pred] = beta
    return e


def _iterate(
    s: np.ndarray, m: _Model, scheme: str, tol: float, max_it: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run §4.2 steps 1-5 on a batch of correlation matrices s (B x p x p).

    Returns the weights W (B x p x K, zero off-block), iterations, converged flags and the last
    max |Δw|. Each resample stops on its own (converged members are frozen).
    """
    nb = s.shape[0]
    w = _rescale(s, np.broadcast_to(m.mask, (nb, m.p, m.k)).copy())
    iterations = np.zeros(nb, dtype=int)
    converged = np.zeros(nb, dtype=bool)
    change = np.full(nb, np.inf)
    b_blocks = [(k, m.blocks[k]) for k in range(m.k) if m.mode_b[k]]
    b_inv = {
        k: np.linalg.pinv(s[:, blk[:, None], blk]) for k, blk in b_blocks
    }  # S_kk^-1, fixed during the iteration
    active = np.arange(nb)
    for step in range(1, max_it + 1):
        sa = s[active]
        wa = w[active]
        sw = sa @ wa
        r = wa.transpose(0, 2, 1) @ sw  # construct correlations (unit-variance scores)
        e = _inner(r, m, scheme)
        cov_xz = sw @ e.transpose(0, 2, 1)  # cov(x_i, Z_k) before Z is standardized
        var_z = ((e @ r) * e).sum(axis=2)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = cov_xz * m.mask / np.sqrt(var_z)[:, None, :]  # mode A: corr(x, Z_k)
        for k, blk in b_blocks:  # mode B: S_kk^-1 corr(x, Z_k)
            new[:, blk, k] = (b_inv[k][active] @ new[:, blk, k][..., None])[..., 0]
        new = _rescale(sa, new)
        diff = np.abs(new - wa).max(axis=(1, 2))
        diff = np.where(np.isfinite(diff), diff, np.inf)
        w[active] = new
        iterations[active] = step
        change[active] = diff
        done = diff < tol
        converged[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    return w, iterations, converged, change


def _statistics(s: np.ndarray, w: np.ndarray, m: _Model) -> dict[str, np.ndarray]:
    """Paths, R², total effects, loadings and construct correlations (§4.2 step 6), batched."""
    nb = s.shape[0]
    sw = s @ w
    r = w.transpose(0, 2, 1) @ sw
    coef = np.zeros((nb, m.k, m.k))
    r2 = np.zeros((nb, len(m.endogenous)))
    for i, (k, pred) in enumerate(m.endogenous):
        beta = _solve(r[:, pred[:, None], pred], r[:, pred, k])
        coef[:, pred, k] = beta
        r2[:, i] = (beta * r[:, pred, k]).sum(axis=1)
    eye = np.eye(m.k)
    total = np.linalg.inv(eye - coef) - eye
    return {
        "cross": sw,  # corr(x_i, Y_k) for every item and construct
        "loadings": (sw * m.mask).sum(axis=2),
        "weights": (w * m.mask).sum(axis=2),
        "r": r,
        "coef": coef,
        "r2": r2,
        "total": total,
    }


def _htmt(s: np.ndarray, m: _Model, geometric: bool = False) -> np.ndarray:
    """HTMT (batched): mean |heterotrait r| / √(mean monotrait_i · mean monotrait_j).

    Absolute correlations (as seminr); a single-item block's monotrait mean is 1. With
    ``geometric=True`` (HTMT2) the means are geometric.
    """
    a = np.abs(s)
    if geometric:
        with np.errstate(divide="ignore"):
            a = np.log(a)
    h = m.mask.T @ a @ m.mask  # block sums
    size = m.mask.sum(axis=0)
    hetero = h / np.outer(size, size)
    diag = np.diagonal(h, axis1=1, axis2=2)
    n_off = size * (size - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if geometric:
            mono = np.where(size > 1, np.exp(diag / np.where(n_off > 0, n_off, 1)), 1.0)
            hetero = np.exp(hetero)
        else:
            mono = np.where(size > 1, (diag - size) / np.where(n_off > 0, n_off, 1), 1.0)
        out = hetero / np.sqrt(mono[:, :, None] * mono[:, None, :])
    idx = np.arange(m.k)
    out[:, idx, idx] = np.nan
    return out


# ---------------------------------------------------------------------------------------------
# data preparation (§4.1 missing data)


def _check_missing_value(missing_value: Any) -> tuple[float, ...]:
    if missing_value is None:
        return ()
    values = (
        list(missing_value)
        if isinstance(missing_value, list | tuple | set | np.ndarray)
        else [missing_value]
    )
    for v in values:
        if isinstance(v, str | bytes):
            raise TypeError(
                f"missing_value={missing_value!r} is a string; the missing-data code must be "
                f"numeric (e.g. missing_value=-99), as the items are numbers (§4.1). A string "
                f"code never matches a numeric cell (seminr-py silently leaves the -99 codes in "
                f"the data and estimates wrong paths)."
            )
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            raise TypeError(
                f"missing_value={missing_value!r}: each code must be a number such as -99, got "
                f"{type(v).__name__}"
            )
        if not np.isfinite(v):
            raise CvlibInputError(
                f"missing_value={missing_value!r}: NaN is already missing; give a finite code "
                f"such as -99"
            )
    return tuple(float(v) for v in values)


def _prepare(
    frame: pd.DataFrame, items: Sequence[Any], missing: str, codes: tuple[float, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Validate the item columns and apply the missing-data policy.

    Returns the estimation data (float64, rows used), a per-item missing report and the number
    of rows dropped.
    """
    absent = [i for i in items if i not in frame.columns]
    if absent:
        raise KeyError(
            f"item(s) {', '.join(map(repr, absent))} named in the measurement model are not "
            f"columns of the data; available columns: {', '.join(map(repr, frame.columns))}. "
            f"Fix the item names in the model or add the columns."
        )
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise CvlibInputError(f"data has duplicate column names {dup}; rename them")
    values = numeric_items(frame, items)
    n_nan = values.isna().sum()
    if codes:
        coded = values.isin(codes)
        n_coded = coded.sum()
        values = values.mask(coded)
    else:
        n_coded = pd.Series(0, index=values.columns)
    isna = values.isna()
    n_missing = isna.sum()
    report = pd.DataFrame(
        {
            "n_nan": n_nan.astype(int),
            "n_missing_code": n_coded.astype(int),
            "n_missing": n_missing.astype(int),
        }
    )
    report.index.name = "item"
    dropped = 0
    if n_missing.any():
        worst = n_missing[n_missing > 0]
        detail = ", ".join(f"{i!r} ({int(v)})" for i, v in worst.items())
        if missing == "error":
            row = isna.any(axis=1).idxmax()
            raise CvlibInputError(
                f"the items have missing values: {detail} (first at row {row!r}). Choose a "
                f"policy: missing='mean' (mean replacement per item, the seminr default) or "
                f"missing='listwise' (drop incomplete rows); declare numeric codes such as -99 "
                f"with missing_value=-99."
            )
        if missing == "mean":
            values = values.fillna(values.mean())
            report["action"] = np.where(n_missing > 0, "mean replaced", "")
            warnings.warn(
                f"missing='mean': {int(n_missing.sum())} missing cell(s) replaced by the item "
                f"mean: {detail}.",
                DataQualityWarning,
                stacklevel=4,
            )
        else:
            keep = ~isna.any(axis=1)
            dropped = int((~keep).sum())
            values = values.loc[keep.to_numpy()]
            report["action"] = np.where(n_missing > 0, "rows dropped (listwise)", "")
            warnings.warn(
                f"missing='listwise': {dropped} of {len(keep)} row(s) dropped for missing "
                f"values in {detail}.",
                DataQualityWarning,
                stacklevel=4,
            )
    else:
        report["action"] = ""
    if values.shape[0] == 0:
        raise CvlibInputError(
            "no rows left: every row misses at least one item, so missing='listwise' keeps "
            "nothing; use missing='mean' or drop the items with most missing values."
        )
    arr = values.to_numpy()
    constant = np.flatnonzero(arr.max(axis=0) == arr.min(axis=0))
    if constant.size:
        col = values.columns[constant[0]]
        raise CvlibInputError(
            f"item {col!r} is constant (every used row holds {arr[0, constant[0]]:g}), so it "
            f"cannot be standardized (zero variance, §4.1)"
            + (
                f"; so are {', '.join(map(repr, values.columns[constant[1:]]))}"
                if constant.size > 1
                else ""
            )
            + ". Drop it from its construct."
        )
    return values, report, dropped


def _correlation(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    sd = x.std(axis=0, ddof=1)
    z = (x - mean) / sd
    s = z.T @ z / (x.shape[0] - 1)
    s = (s + s.T) / 2.0
    np.fill_diagonal(s, 1.0)
    return z, s, mean, sd


def _check_tol(tol: Any, max_it: Any) -> tuple[float, int]:
    if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 < tol < 1:
        raise CvlibInputError(f"tol={tol!r} must be a small positive number such as 1e-7")
    if isinstance(max_it, bool) or not isinstance(max_it, int | np.integer) or max_it < 1:
        raise CvlibInputError(f"max_it={max_it!r} must be a positive integer such as 300")
    return float(tol), int(max_it)


def _check_boot_args(n_boot: Any, seed: Any, ci: Any) -> tuple[int, int, float]:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise CvlibInputError(f"n_boot={n_boot!r} must be a non-negative integer (e.g. 1000)")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**32))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise CvlibInputError(f"seed={seed!r} must be a non-negative integer (e.g. seed=0)")
    if isinstance(ci, bool) or not isinstance(ci, int | float) or not 0 < ci < 1:
        raise CvlibInputError(
            f"ci={ci!r} is not a confidence level; pass a number between 0 and 1, e.g. 0.95"
        )
    return int(n_boot), int(seed), float(ci)


# ---------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True, repr=False, eq=False)
class PLSResult(ResultMixin):
    """A fitted PLS path model (PLS-SEM 偏最小二乘结构方程模型), §4.5.

    Attributes
    ----------
    paths : Series
        Path coefficients indexed by ``(source, target)``.
    r2, r2_adj : Series
        R² and adjusted R² = 1 − (1 − R²)(n − 1)/(n − p − 1) per endogenous construct.
    outer : DataFrame
        One row per item: ``construct``, ``mode``, ``weight`` (outer weight, for a
        unit-variance composite), ``loading`` (corr(x, Y)), ``vif`` (item VIF).
    reliability : DataFrame
        Per construct: ``alpha`` (standardized Cronbach's α), ``rhoC`` (ρC, composite
        reliability), ``rhoA`` (Dijkstra-Henseler ρA), ``AVE``, ``n_items``, ``note``.
        Single-item constructs are NaN with the note "single item".
    path_table : DataFrame
        Per path: ``coef``, ``f2`` (re-estimation convention), ``vif`` (inner VIF), the
        target's ``r2``, ``r2_adj``, ``aic``, ``bic``; after a bootstrap also ``boot_mean``,
        ``boot_sd``, ``t`` (= coef / boot_sd), ``ci_low``, ``ci_high`` (percentile).
    endogenous : DataFrame
        Per endogenous construct: ``r2``, ``r2_adj``, ``aic``, ``bic``, ``n_predictors``.
    cross_loadings, construct_correlations, htmt, fornell_larcker : DataFrame
        Items x constructs correlations; construct-score correlations; HTMT (symmetric, NaN
        diagonal); Fornell-Larcker matrix (√AVE on the diagonal, correlations elsewhere).
    total_effects, indirect_effects : DataFrame
        Rows = source, columns = target: (I − B)⁻¹ − I and total − direct.
    scores : DataFrame
        Construct scores Y = X_std W (unit variance), indexed like the rows used.
    data : DataFrame
        The estimation data (item columns after the missing-data policy, raw scale).
    missing_report : DataFrame
        Per item: NaN cells, cells holding a ``missing_value`` code, and the action taken.
    bootstrap : DataFrame or None
        After :func:`pls_bootstrap`: one row per (kind, from, to) with ``original``,
        ``boot_mean``, ``boot_sd``, ``t``, ``ci_low``, ``ci_high``, ``htmt_flag``; kinds
        "path", "total", "indirect", "weight", "loading", "r2", "htmt".
    measurement, structural, modes : dict, list, dict
        The model that was estimated.
    scheme, missing, missing_value, tol, max_it : conventions
        Inner weighting scheme, missing-data policy and codes, the stop criterion
        (max |Δw| < tol) and the iteration cap.
    iterations, converged, weight_change : int, bool, float
        Iterations used, whether the stop criterion was met, the last max |Δw|.
    n, n_dropped : int
        Rows used; rows dropped by ``missing="listwise"``.
    n_boot, seed, ci_level, n_redraws, n_boot_not_converged, htmt_threshold :
        Bootstrap settings and counts (0 / None before a bootstrap).
    htmt2 : bool
        Whether ``htmt`` holds HTMT2 (geometric means).
    scale_ends : dict
        Item -> (scale_min, scale_max) from the codebook, when the data carried one.
    """

    paths: pd.Series = Snapshot()
    r2: pd.Series = Snapshot()
    r2_adj: pd.Series = Snapshot()
    outer: pd.DataFrame = Snapshot()
    reliability: pd.DataFrame = Snapshot()
    path_table: pd.DataFrame = Snapshot()
    endogenous: pd.DataFrame = Snapshot()
    cross_loadings: pd.DataFrame = Snapshot()
    construct_correlations: pd.DataFrame = Snapshot()
    htmt: pd.DataFrame = Snapshot()
    fornell_larcker: pd.DataFrame = Snapshot()
    total_effects: pd.DataFrame = Snapshot()
    indirect_effects: pd.DataFrame = Snapshot()
    scores: pd.DataFrame = Snapshot()
    data: pd.DataFrame = Snapshot()
    missing_report: pd.DataFrame = Snapshot()
    measurement: dict[str, list[Any]] = Snapshot()
    structural: list[tuple[str, str]] = Snapshot()
    modes: dict[str, str] = Snapshot()
    scale_ends: dict[Any, tuple[float, float]] = Snapshot(default_factory=dict)
    scheme: str = "path"
    missing: str = "error"
    missing_value: tuple[float, ...] = ()
    tol: float = 1e-7
    max_it: int = 300
    iterations: int = 0
    converged: bool = True
    weight_change: float = 0.0
    n: int = 0
    n_dropped: int = 0
    bootstrap: pd.DataFrame | None = Snapshot(default=None)
    n_boot: int = 0
    seed: int | None = None
    ci_level: float = 0.95
    n_redraws: int = 0
    n_boot_not_converged: int = 0
    htmt_threshold: float = 0.85
    htmt2: bool = False
    boot_draws: dict[str, np.ndarray] = Snapshot(default_factory=dict)

    _conventions = ("scheme", "missing", "n", "iterations", "converged", "n_boot", "seed")
    _title = "PLSResult (PLS path model 偏最小二乘路径模型)"

    @property
    def constructs(self) -> list[str]:
        """Construct names in model order."""
        return list(self._measurement)

    @property
    def stop_criterion(self) -> str:
        """The stop rule as text, e.g. "max|Δw| < 1e-07 or 300 iterations"."""
        return f"max|Δw| < {self.tol:g} or {self.max_it} iterations"

    def settings(self) -> pd.DataFrame:
        """Every convention used, one per row (the report's settings table)."""
        rows = {
            "scheme": self.scheme,
            "modes": ", ".join(f"{c}: {m}" for c, m in self._modes.items()),
            "missing": self.missing,
            "missing_value": ", ".join(f"{v:g}" for v in self.missing_value) or "none",
            "stop_criterion": self.stop_criterion,
            "iterations": self.iterations,
            "converged": self.converged,
            "last max|Δw|": f"{self.weight_change:.3g}",
            "n": self.n,
            "n_dropped": self.n_dropped,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "ci_level": self.ci_level,
            "ci_method": "percentile" if self.n_boot else "",
            "htmt": "HTMT2 (geometric means)" if self.htmt2 else "HTMT (arithmetic means)",
            "n_redraws": self.n_redraws,
            "n_boot_not_converged": self.n_boot_not_converged,
        }
        out = pd.DataFrame({"value": pd.Series(rows, dtype=object)})
        out.index.name = "setting"
        return out

    def summary(self) -> pd.DataFrame:
        """The path table (coefficients, f², R², and bootstrap columns after a bootstrap)."""
        return self.path_table

    def assessment(self, lang: str = "en") -> pd.DataFrame:
        """The §4.3 rules of thumb per construct, with the thresholds next to each value.

        Loadings ≥ 0.708; α, ρC, ρA in [0.70, 0.95]; AVE ≥ 0.50; HTMT < 0.85 (conservative) /
        0.90; item VIF < 5 (ideally < 3); Fornell-Larcker √AVE > every |r|. Report aid only.
        """
        check_choice("lang", lang, LANGS)
        zh = lang == "zh"
        rel = self._reliability
        outer = self._outer
        htmt = self._htmt
        fl = self._fornell_larcker
        rows = []

        def add(c: str, criterion: str, value: float, rule: str, ok: Any) -> None:
            rows.append(
                {"construct": c, "criterion": criterion, "value": value, "rule": rule, "ok": ok}
            )

        for c in self.constructs:
            lo = outer.loc[outer["construct"] == c]
            add(
                c,
                "最小载荷" if zh else "min loading",
                lo["loading"].min(),
                "≥ 0.708",
                bool(lo["loading"].min() >= 0.708),
            )
            for stat, name in (("alpha", "α"), ("rhoC", "ρC"), ("rhoA", "ρA")):
                v = rel.at[c, stat]
                add(c, name, v, "0.70–0.95", bool(0.70 <= v <= 0.95) if np.isfinite(v) else None)
            v = rel.at[c, "AVE"]
            add(c, "AVE", v, "≥ 0.50", bool(v >= 0.5) if np.isfinite(v) else None)
            h = htmt.loc[c].drop(c).abs().max() if len(htmt) > 1 else np.nan
            add(
                c,
                "最大 HTMT" if zh else "max HTMT",
                h,
                "< 0.85 (0.90)",
                bool(h < 0.85) if np.isfinite(h) else None,
            )
            v = lo["vif"].max()
            add(
                c,
                "最大题项 VIF" if zh else "max item VIF",
                v,
                "< 5 (3)",
                bool(v < 5) if np.isfinite(v) else None,
            )
            others = fl.loc[c].drop(c).abs().max() if len(fl) > 1 else np.nan
            root = fl.at[c, c]
            add(
                c,
                "Fornell–Larcker √AVE − max|r|",
                root - others,
                "> 0",
                bool(root > others) if np.isfinite(root) else None,
            )
        return pd.DataFrame(rows).set_index(["construct", "criterion"])


# ---------------------------------------------------------------------------------------------
# fitting


def _names_index(pairs: Sequence[tuple[Any, Any]], names: tuple[str, str]) -> pd.MultiIndex:
    return pd.MultiIndex.from_tuples(list(pairs), names=list(names))


def _fit_core(
    s: np.ndarray, m: _Model, scheme: str, tol: float, max_it: int
) -> tuple[dict[str, np.ndarray], int, bool, float]:
    w, it, conv, change = _iterate(s[None], m, scheme, tol, max_it)
    if not np.isfinite(w).all():
        raise CvlibInputError(
            "the PLS iteration produced non-finite weights (an indicator block whose "
            "correlation matrix is singular, or a construct whose proxy has zero variance). "
            "Check for duplicated or perfectly collinear items."
        )
    stats = _statistics(s[None], w, m)
    return (
        {k: v[0] for k, v in stats.items()} | {"w": w[0]},
        int(it[0]),
        bool(conv[0]),
        float(change[0]),
    )


def _sub_model(m: _Model, drop: tuple[int, int]) -> tuple[_Model, np.ndarray] | None:
    """The model with path ``drop`` removed (isolated constructs removed); None when the
    target has no predecessor left. Returns the sub-model and the item positions it keeps."""
    paths = [p for p in m.paths if p != drop]
    target = drop[1]
    if not any(t == target for _, t in paths):
        return None
    used = sorted({c for p in paths for c in p})
    names = [m.constructs[c] for c in used]
    measurement = {m.constructs[c]: [m.items[i] for i in m.blocks[c]] for c in used}
    structural = [(m.constructs[s], m.constructs[t]) for s, t in paths]
    modes = {m.constructs[c]: ("B" if m.mode_b[c] else "A") for c in used}
    sub = _build_model({c: measurement[c] for c in names}, structural, modes)
    keep = np.concatenate([m.blocks[c] for c in used])
    return sub, keep


def _f_squared(
    s: np.ndarray, m: _Model, r2: dict[int, float], scheme: str, tol: float, max_it: int
) -> np.ndarray:
    """f² = (R²_incl − R²_excl)/(1 − R²_incl), R²_excl from re-estimating the whole model
    without the path (seminr's convention, §4.3)."""
    out = np.full(len(m.paths), np.nan)
    for i, (src, tgt) in enumerate(m.paths):
        sub = _sub_model(m, (src, tgt))
        if sub is None:
            r2_excl = 0.0
        else:
            sm, keep = sub
            stats, *_ = _fit_core(s[np.ix_(keep, keep)], sm, scheme, tol, max_it)
            pos = sm.constructs.index(m.constructs[tgt])
            idx = [k for k, _ in sm.endogenous].index(pos)
            r2_excl = float(stats["r2"][idx])
        with np.errstate(divide="ignore", invalid="ignore"):
            out[i] = (r2[tgt] - r2_excl) / (1.0 - r2[tgt])
    return out


def _reliability(s: np.ndarray, w: np.ndarray, loadings: np.ndarray, m: _Model) -> pd.DataFrame:
    rows = []
    for k in range(m.k):
        blk = m.blocks[k]
        n_items = len(blk)
        if n_items == 1:
            rows.append(
                {
                    "alpha": np.nan,
                    "rhoC": np.nan,
                    "rhoA": np.nan,
                    "AVE": np.nan,
                    "n_items": 1,
                    "note": "single item",
                }
            )
            continue
        sk = s[np.ix_(blk, blk)]
        alpha = n_items / (n_items - 1) * (1.0 - n_items / sk.sum())
        lam = loadings[blk]
        sum_l2 = lam.sum() ** 2
        rho_c = sum_l2 / (sum_l2 + (1.0 - lam**2).sum())
        ave = float(np.mean(lam**2))
        wk = w[blk, k]
        off = sk - np.diag(np.diag(sk))
        ww = np.outer(wk, wk)
        rho_a = (wk @ wk) ** 2 * (wk @ off @ wk) / (wk @ (ww - np.diag(np.diag(ww))) @ wk)
        note = ""
        if m.mode_b[k]:  # ρA rests on mode A (reflective) weights; seminr prints 1
            rho_a = np.nan
            note = "mode B (formative): reliability criteria do not apply"

        rows.append(
            {
                "alpha": alpha,
                "rhoC": rho_c,
                "rhoA": rho_a,
                "AVE": ave,
                "n_items": n_items,
                "note": note,
            }
        )
    out = pd.DataFrame(rows, index=pd.Index(m.constructs, name="construct"))
    return out


def _item_vif(s: np.ndarray, m: _Model) -> np.ndarray:
    vif = np.full(m.p, np.nan)
    for blk in m.blocks:
        if len(blk) > 1:
            vif[blk] = np.diag(np.linalg.pinv(s[np.ix_(blk, blk)]))
    return vif


def _warn_signs(w: np.ndarray, loadings: np.ndarray, m: _Model) -> None:
    for k, c in enumerate(m.constructs):
        blk = m.blocks[k]
        top = blk[int(np.argmax(np.abs(loadings[blk])))]
        if w[top, k] < 0:
            warnings.warn(
                f"construct {c!r}: its indicator with the largest |loading|, {m.items[top]!r}, "
                f"has a negative outer weight ({w[top, k]:.4f}), so the construct's scores run "
                f"against its items. Check reverse-keyed items (反向题; "
                f"cvlib.survey.reverse_items) before reading the paths.",
                DataQualityWarning,
                stacklevel=3,
            )
        negative = [m.items[i] for i in blk if loadings[i] < 0]
        if negative and len(blk) > 1 and w[top, k] >= 0:
            warnings.warn(
                f"construct {c!r}: item(s) {', '.join(map(repr, negative))} load negatively; "
                f"reverse-keyed items (反向题) must be reversed first (cvlib.survey.reverse_items).",
                DataQualityWarning,
                stacklevel=3,
            )


def _fit(
    values: pd.DataFrame,
    m: _Model,
    scheme: str,
    tol: float,
    max_it: int,
    f2: bool,
    htmt2: bool = False,
) -> dict[str, Any]:
    x = values.loc[:, list(m.items)].to_numpy(dtype="float64")
    n = x.shape[0]
    z, s, _, _ = _correlation(x)
    st, iterations, converged, change = _fit_core(s, m, scheme, tol, max_it)
    if not converged:
        warnings.warn(
            f"the PLS iteration did not converge in max_it={max_it} iterations (last max|Δw| = "
            f"{change:.3g}, stop criterion {tol:g}); the result is flagged converged=False. "
            f"Raise max_it or check the model.",
            PLSConvergenceWarning,
            stacklevel=3,
        )
    w = st["w"]
    loadings = st["loadings"]
    _warn_signs(w, loadings, m)
    names = list(m.constructs)
    items = list(m.items)
    path_pairs = [(names[s_], names[t]) for s_, t in m.paths]
    coef = np.array([st["coef"][s_, t] for s_, t in m.paths])
    endo_names = [names[k] for k, _ in m.endogenous]
    r2 = st["r2"]
    n_pred = np.array([len(p) for _, p in m.endogenous])
    with np.errstate(divide="ignore", invalid="ignore"):
        r2_adj = 1.0 - (1.0 - r2) * (n - 1) / (n - n_pred - 1)
        sse = (1.0 - r2) * (n - 1)
        aic = n * np.log(sse / n) + 2 * (n_pred + 1)
        bic = n * np.log(sse / n) + (n_pred + 1) * np.log(n)
    endogenous = pd.DataFrame(
        {"r2": r2, "r2_adj": r2_adj, "aic": aic, "bic": bic, "n_predictors": n_pred},
        index=pd.Index(endo_names, name="construct"),
    )
    r2_by = {k: float(r2[i]) for i, (k, _) in enumerate(m.endogenous)}
    f2_values = _f_squared(s, m, r2_by, scheme, tol, max_it) if f2 else np.full(len(coef), np.nan)
    r_c = st["r"]
    inner_vif = []
    for s_, t in m.paths:
        pred = m.endogenous[[k for k, _ in m.endogenous].index(t)][1]
        inv = np.linalg.pinv(r_c[np.ix_(pred, pred)])
        inner_vif.append(float(inv[list(pred).index(s_), list(pred).index(s_)]))
    pidx = _names_index(path_pairs, ("source", "target"))
    path_table = pd.DataFrame(
        {
            "coef": coef,
            "f2": f2_values,
            "vif": inner_vif,
            "r2": [r2_by[t] for _, t in m.paths],
            "r2_adj": [endogenous.at[names[t], "r2_adj"] for _, t in m.paths],
            "aic": [endogenous.at[names[t], "aic"] for _, t in m.paths],
            "bic": [endogenous.at[names[t], "bic"] for _, t in m.paths],
        },
        index=pidx,
    )
    outer = pd.DataFrame(
        {
            "construct": [names[k] for k in m.owner],
            "mode": ["B" if m.mode_b[k] else "A" for k in m.owner],
            "weight": st["weights"],
            "loading": loadings,
            "vif": _item_vif(s, m),
        },
        index=pd.Index(items, name="item"),
    )
    reliability = _reliability(s, w, loadings, m)
    cidx = pd.Index(names, name="construct")
    corr = pd.DataFrame(r_c, index=cidx, columns=names)
    htmt = pd.DataFrame(_htmt(s[None], m, htmt2)[0], index=cidx, columns=names)
    fl_values = r_c.copy()
    fl_values[np.arange(m.k), np.arange(m.k)] = np.sqrt(reliability["AVE"].to_numpy())
    fl = pd.DataFrame(fl_values, index=cidx, columns=names)
    eff_idx = pd.Index(names, name="source")
    total = pd.DataFrame(st["total"], index=eff_idx, columns=pd.Index(names, name="target"))
    direct = pd.DataFrame(st["coef"], index=eff_idx, columns=pd.Index(names, name="target"))
    scores = pd.DataFrame(z @ w, index=values.index, columns=names)
    return {
        "paths": pd.Series(coef, index=pidx, name="coef"),
        "r2": endogenous["r2"].rename("r2"),
        "r2_adj": endogenous["r2_adj"].rename("r2_adj"),
        "outer": outer,
        "reliability": reliability,
        "path_table": path_table,
        "endogenous": endogenous,
        "cross_loadings": pd.DataFrame(st["cross"], index=outer.index, columns=names),
        "construct_correlations": corr,
        "htmt": htmt,
        "fornell_larcker": fl,
        "total_effects": total,
        "indirect_effects": total - direct,
        "scores": scores,
        "iterations": iterations,
        "converged": converged,
        "weight_change": change,
        "n": n,
    }


# ---------------------------------------------------------------------------------------------
# bootstrap (§4.4)


def _reachable(adj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(any directed path i ~> j, a directed path of length ≥ 2 i ~> j)."""
    k = adj.shape[0]
    power = adj.copy()
    total = np.zeros_like(adj)
    longer = np.zeros_like(adj)
    for step in range(1, k + 1):
        total += power
        if step >= 2:
            longer += power
        power = power @ adj
    return total > 0, longer > 0


def _draw_moments(
    xc_t: np.ndarray, products_t: np.ndarray | None, counts: np.ndarray, iu: tuple, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean shifts and covariance matrices of resamples given by row counts (B x n).

    ``xc_t`` (p x n) and ``products_t`` (q x n, the upper-triangle products x_a x_b) are the
    centred data transposed: OpenBLAS multiplies (q x n)(n x B) far faster than (B x n)(n x q).
    """
    mean = (xc_t @ counts.T).T / n
    p = xc_t.shape[0]
    if products_t is not None:
        m2 = np.zeros((counts.shape[0], p, p))
        m2[:, iu[0], iu[1]] = (products_t @ counts.T).T
        m2 = m2 + np.triu(m2, 1).transpose(0, 2, 1)
    else:  # many items: one weighted cross-product per resample
        m2 = np.stack([(xc_t * c) @ xc_t.T for c in counts])
    cov = (m2 - n * mean[:, :, None] * mean[:, None, :]) / (n - 1)
    return mean, cov


def _run_bootstrap(
    x: np.ndarray,
    m: _Model,
    scheme: str,
    tol: float,
    max_it: int,
    n_boot: int,
    seed: int,
    progress: bool,
    htmt2: bool = False,
) -> tuple[dict[str, np.ndarray], int, int]:
    """Resample rows with replacement and re-estimate; returns per-draw arrays, the number of
    redraws (resamples with a zero-variance indicator) and of draws that did not converge."""
    n, p = x.shape
    if n < MIN_BOOT_ROWS:
        raise CvlibInputError(
            f"too few rows for the bootstrap: n = {n} < {MIN_BOOT_ROWS}. Resampling so few "
            f"respondents repeats a handful of rows and most resamples have constant items; "
            f"collect more data or report the estimates without bootstrap intervals (n_boot=0)."
        )
    rng = np.random.default_rng(seed)
    mean0 = x.mean(axis=0)
    var0 = x.var(axis=0, ddof=1)
    xc = x - mean0
    iu = np.triu_indices(p)
    xc_t = np.ascontiguousarray(xc.T)
    products_t = (
        np.ascontiguousarray((xc[:, iu[0]] * xc[:, iu[1]]).T)
        if n * len(iu[0]) <= 50_000_000
        else None
    )
    chunk = int(min(_BOOT_CHUNK_MAX, max(1, _BOOT_CELLS // n)))
    keep: dict[str, list[np.ndarray]] = {
        k: [] for k in ("weights", "loadings", "coef", "r2", "total", "htmt", "mean", "sd")
    }
    got = 0
    attempts = 0
    not_converged = 0
    max_attempts = 10 * n_boot
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_boot, desc="PLS bootstrap", unit="resample")
    try:
        while got < n_boot:
            if attempts >= max_attempts:
                raise CvlibInputError(
                    f"the bootstrap found only {got} usable resamples in {attempts} attempts "
                    f"(10 x n_boot): most resamples have an indicator with zero variance. The "
                    f"sample (n = {n}) is too small or the items too skewed for a bootstrap."
                )
            size = min(chunk, n_boot - got, max_attempts - attempts)
            # one call per resample, as seminr's default resampler: the same seed gives the
            # same resamples whatever the chunking (and the same as seminr-py's bootstrap)
            idx = np.stack([rng.integers(0, n, size=n) for _ in range(size)])
            attempts += size
            offsets = (np.arange(size) * n)[:, None]
            counts = np.bincount((idx + offsets).ravel(), minlength=size * n)
            counts = counts.reshape(size, n).astype("float64")
            shift, cov = _draw_moments(xc_t, products_t, counts, iu, n)
            var = np.diagonal(cov, axis1=1, axis2=2)
            ok = (var > 1e-10 * var0).all(axis=1)
            if not ok.any():
                continue
            shift, cov, var = shift[ok], cov[ok], var[ok]
            sd = np.sqrt(var)
            s = cov / (sd[:, :, None] * sd[:, None, :])
            w, _, conv, _ = _iterate(s, m, scheme, tol, max_it)
            finite = np.isfinite(w).all(axis=(1, 2))
            if not finite.all():  # a singular resample: redraw it as well
                s, w, conv, shift, sd = (
                    s[finite],
                    w[finite],
                    conv[finite],
                    shift[finite],
                    sd[finite],
                )
            if not len(w):
                continue
            st = _statistics(s, w, m)
            keep["weights"].append(st["weights"])
            keep["loadings"].append(st["loadings"])
            keep["coef"].append(st["coef"])
            keep["r2"].append(st["r2"])
            keep["total"].append(st["total"])
            keep["htmt"].append(_htmt(s, m, htmt2))
            keep["mean"].append(mean0 + shift)
            keep["sd"].append(sd)
            not_converged += int((~conv).sum())
            got += len(w)
            if bar is not None:
                bar.update(len(w))
    finally:
        if bar is not None:
            bar.close()
    draws = {k: np.concatenate(v)[:n_boot] for k, v in keep.items()}
    return draws, attempts - n_boot, not_converged


def _boot_table(
    fit: Mapping[str, Any], draws: Mapping[str, np.ndarray], m: _Model, ci: float, threshold: float
) -> pd.DataFrame:
    names = list(m.constructs)
    rows: list[tuple[str, Any, Any]] = []
    original: list[float] = []
    columns: list[np.ndarray] = []

    def add(kind: str, a: Any, b: Any, orig: float, values: np.ndarray) -> None:
        rows.append((kind, a, b))
        original.append(float(orig))
        columns.append(values)

    direct = fit["total_effects"].to_numpy() - fit["indirect_effects"].to_numpy()
    for s_, t in m.paths:
        add("path", names[s_], names[t], direct[s_, t], draws["coef"][:, s_, t])
    reach, longer = _reachable(m.adj)
    total = fit["total_effects"].to_numpy()
    indirect = fit["indirect_effects"].to_numpy()
    for i, j in zip(*np.nonzero(reach), strict=True):
        add("total", names[i], names[j], total[i, j], draws["total"][:, i, j])
    boot_indirect = draws["total"] - draws["coef"]
    for i, j in zip(*np.nonzero(longer), strict=True):
        add("indirect", names[i], names[j], indirect[i, j], boot_indirect[:, i, j])
    outer = fit["outer"]
    for pos, item in enumerate(m.items):
        c = names[m.owner[pos]]
        add("weight", item, c, outer["weight"].iloc[pos], draws["weights"][:, pos])
    for pos, item in enumerate(m.items):
        c = names[m.owner[pos]]
        add("loading", item, c, outer["loading"].iloc[pos], draws["loadings"][:, pos])
    for i, (k, _) in enumerate(m.endogenous):
        add("r2", names[k], names[k], fit["r2"].iloc[i], draws["r2"][:, i])
    htmt = fit["htmt"].to_numpy()
    for i in range(m.k):
        for j in range(i):
            add("htmt", names[i], names[j], htmt[i, j], draws["htmt"][:, i, j])
    values = np.column_stack(columns)
    alpha = (1.0 - ci) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = values.mean(axis=0)
        sd = values.std(axis=0, ddof=1)
        lo, hi = np.quantile(values, [alpha, 1.0 - alpha], axis=0)
        t = np.asarray(original) / sd
    kinds = [r[0] for r in rows]
    out = pd.DataFrame(
        {
            "original": original,
            "boot_mean": mean,
            "boot_sd": sd,
            "t": t,
            "ci_low": lo,
            "ci_high": hi,
            "htmt_flag": [
                k == "htmt" and bool(h >= threshold) for k, h in zip(kinds, hi, strict=True)
            ],
        },
        index=pd.MultiIndex.from_tuples(rows, names=["kind", "from", "to"]),
    )
    return out


def _bootstrap_fields(
    fit: Mapping[str, Any],
    x: np.ndarray,
    m: _Model,
    scheme: str,
    tol: float,
    max_it: int,
    n_boot: int,
    seed: int,
    ci: float,
    progress: bool,
    threshold: float,
    htmt2: bool = False,
) -> dict[str, Any]:
    draws, redraws, not_conv = _run_bootstrap(
        x, m, scheme, tol, max_it, n_boot, seed, progress, htmt2
    )
    table = _boot_table(fit, draws, m, ci, threshold)
    paths = table.xs("path", level="kind")
    path_table = fit["path_table"].copy()
    for col in ("boot_mean", "boot_sd", "t", "ci_low", "ci_high"):
        path_table[col] = paths[col].to_numpy()
    if not_conv:
        warnings.warn(
            f"{not_conv} of {n_boot} bootstrap resamples did not converge in max_it={max_it} "
            f"iterations; they are kept and counted in n_boot_not_converged.",
            PLSConvergenceWarning,
            stacklevel=3,
        )
    return {
        "bootstrap": table,
        "path_table": path_table,
        "n_boot": n_boot,
        "seed": seed,
        "ci_level": ci,
        "n_redraws": redraws,
        "n_boot_not_converged": not_conv,
        "htmt_threshold": threshold,
        "boot_draws": {k: draws[k] for k in ("weights", "mean", "sd")},
    }


def _scale_ends(codebook: Any, items: Sequence[Any]) -> dict[Any, tuple[float, float]]:
    out: dict[Any, tuple[float, float]] = {}
    if codebook is None:
        return out
    for item in items:
        if item in codebook:
            spec = codebook[item]
            if spec.scale_min is not None and spec.scale_max is not None:
                out[item] = (float(spec.scale_min), float(spec.scale_max))
    return out


def pls_pm(
    data: Any,
    measurement: Mapping[str, Sequence[Hashable]] | ModelSpec,
    structural: Sequence[tuple[str, str]] | None = None,
    *,
    modes: str | Mapping[str, str] | None = None,
    scheme: str = "path",
    missing: str = "error",
    missing_value: float | Sequence[float] | None = None,
    tol: float = 1e-7,
    max_it: int = 300,
    f2: bool = True,
    n_boot: int = 0,
    seed: int | None = 0,
    ci: float = 0.95,
    progress: bool = False,
    htmt_threshold: float = 0.85,
    htmt2: bool = False,
    codebook: Any = None,
) -> PLSResult:
    r"""PLS path model (PLS-SEM, 偏最小二乘路径模型; Wold/Lohmöller algorithm), §4.

    Composites on standardized indicators X_k (mean 0, SD 1 with ddof = 1):

    1. outer weights start at 1; Y_k = X_k w_k, rescaled so that sd(Y_k) = 1;
    2. inner weights e_kj: ``"path"`` (default) the OLS coefficient of Y_j in the regression
       of Y_k on its predecessors, corr(Y_k, Y_j) for successors; ``"centroid"``
       sign(corr); ``"factorial"`` corr. Proxy Z_k = Σ_j e_kj Y_j, standardized;
    3. mode A: w_k = X_kᵀ Z_k/(n − 1); mode B: w_k = (X_kᵀX_k)⁻¹ X_kᵀ Z_k; rescale;
    4. stop when max |w_new − w_old| < ``tol`` (1e-7, seminr's ``stop_criterion=7``) or after
       ``max_it`` (300) iterations (then a warning and ``converged=False``);
    5. paths: OLS of each endogenous score on its predecessors; R², adjusted R²
       1 − (1 − R²)(n − 1)/(n − p − 1); loadings corr(x, Y_k); total effects (I − B)⁻¹ − I.

    Reliability and validity follow seminr (§4.3): standardized α, ρC = (Σλ)²/((Σλ)² +
    Σ(1 − λ²)), AVE = mean λ², ρA = (ŵᵀŵ)² ŵᵀ(S − diag S)ŵ / ŵᵀ(ŵŵᵀ − diag ŵŵᵀ)ŵ, HTMT
    (absolute correlations), Fornell-Larcker, item VIF, f² by re-estimating the model without
    each path, AIC = n ln(SSE/n) + 2(p + 1), BIC = n ln(SSE/n) + (p + 1) ln n with
    SSE = (1 − R²)(n − 1).

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent; the items as numeric columns. Never modified. A read result
        also supplies the codebook's scale ends (used by :func:`acsi_index`).
    measurement : mapping or ModelSpec
        Construct -> list of item columns (a bare string is a single-item construct). Each
        item belongs to exactly one construct. A :class:`ModelSpec` (from
        :func:`load_model_spec` or :func:`model_preset`) brings its paths and modes.
    structural : list of (source, target)
        The paths; acyclic; every construct on at least one path.
    modes : "A", "B" or mapping, optional
        Outer mode per construct: ``"A"`` (default; reflective, correlation weights) or
        ``"B"`` (formative, regression weights).
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme (default ``"path"``, as seminr and SmartPLS).
    missing : {"error", "mean", "listwise"}
        Missing items: ``"error"`` (default: refuse and say which items), ``"mean"`` (mean
        replacement per item, the seminr default) or ``"listwise"``. Counted in
        ``missing_report`` and a warning.
    missing_value : number or list of numbers, optional
        Numeric code(s) meaning "missing" (e.g. -99). A string raises ``TypeError``.
    tol, max_it : float, int
        Stop criterion max |Δw| < tol and the iteration cap.
    f2 : bool
        Compute f² (one re-estimation per path).
    n_boot, seed, ci, progress, htmt_threshold
        When ``n_boot > 0``, run :func:`pls_bootstrap` with these settings.
    htmt2 : bool
        HTMT2: geometric instead of arithmetic means of the correlations (Roemer, Schuberth &
        Henseler 2021); recorded, and used by the bootstrap too.
    codebook : Codebook or dict, optional
        Scale ends of the items (overrides the one of a read result).

    Returns
    -------
    PLSResult
        ``paths``, ``r2``, ``r2_adj``, ``outer``, ``reliability``, ``path_table``,
        ``endogenous``, ``cross_loadings``, ``construct_correlations``, ``htmt``,
        ``fornell_larcker``, ``total_effects``, ``indirect_effects``, ``scores``,
        ``settings()``, ``assessment(lang)``, ``summary()``; ``bootstrap`` when bootstrapped.

    Raises
    ------
    CvlibInputError
        A construct without items, an item in two constructs, a path naming an unknown
        construct, a cycle, a construct on no path, missing values with ``missing="error"``,
        a constant item, too few rows.
    KeyError
        An item of the model is not a column of the data.
    TypeError
        A string ``missing_value``; a text item.

    Warns
    -----
    DataQualityWarning
        Missing cells replaced or rows dropped; a construct whose strongest item has a
        negative weight, or items that load negatively (reverse keying).
    PLSConvergenceWarning
        No convergence in ``max_it`` iterations.

    Examples
    --------
    >>> import warnings
    >>> from cvlib.datasets import load_satisfaction_survey
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     survey = load_satisfaction_survey()
    ...     res = pls_pm(
    ...         survey,
    ...         {"Quality": ["PQ1", "PQ2", "PQ4", "PQ5"], "Value": ["PV1", "PV2"],
    ...          "Satisfaction": ["SAT1", "SAT2", "SAT3"]},
    ...         [("Quality", "Value"), ("Quality", "Satisfaction"), ("Value", "Satisfaction")],
    ...         missing="mean",
    ...     )
    >>> res.paths.round(4)
    source   target
    Quality  Value           0.4786
             Satisfaction    0.5289
    Value    Satisfaction    0.2771
    Name: coef, dtype: float64
    >>> res.r2.round(4).to_dict(), res.converged
    ({'Value': 0.229, 'Satisfaction': 0.4969}, True)
    >>> res.reliability[["alpha", "rhoC", "AVE"]].round(3)
                  alpha   rhoC    AVE
    construct
    Quality       0.835  0.890  0.669
    Value         0.726  0.879  0.785
    Satisfaction  0.844  0.906  0.762

    References
    ----------
    Lohmöller, J.-B. (1989). Latent Variable Path Modeling with Partial Least Squares. Physica.
    Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C. (2005). PLS path modeling.
    Computational Statistics & Data Analysis 48(1), 159-205.
    Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path modeling.
    MIS Quarterly 39(2), 297-316.
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity. J. Acad. Marketing Science 43(1), 115-135.
    Ray, S., Danks, N. P., & Calero Valdez, A. (2022). seminr: Building and estimating
    structural equation models. R package.
    """
    if isinstance(measurement, ModelSpec):
        if structural is not None:
            raise CvlibInputError(
                "pass either a ModelSpec or measurement + structural, not both (the ModelSpec "
                "already holds the paths)"
            )
        spec = measurement
        modes = spec.modes if modes is None else modes
        measurement, structural = spec.measurement, spec.structural
    elif structural is None:
        raise CvlibInputError(
            "structural is missing: give the paths as a list of (source, target) pairs, or "
            "pass a ModelSpec from load_model_spec() / model_preset()"
        )
    check_choice("scheme", scheme, SCHEMES)
    check_choice("missing", missing, MISSING)
    codes = _check_missing_value(missing_value)
    tol, max_it = _check_tol(tol, max_it)
    n_boot, seed, ci = _check_boot_args(n_boot, seed, ci)
    meas = _check_measurement(measurement)
    paths = _check_structural(structural, list(meas))
    mode_map = _check_modes(modes, list(meas))
    frame, cb, _ = unwrap(data, codebook)
    m = _build_model(meas, paths, mode_map)
    values, report, dropped = _prepare(frame, m.items, missing, codes)
    n = values.shape[0]
    need = max(
        [3]
        + [len(p) + 2 for _, p in m.endogenous]
        + [len(m.blocks[k]) + 1 for k in range(m.k) if m.mode_b[k]]
    )
    if n < need:
        raise CvlibInputError(
            f"too few rows: n = {n} after the missing-data policy, but this model needs at "
            f"least {need} (the largest regression has {need - 2} predictors). Add respondents "
            f"or simplify the model."
        )
    fit = _fit(values, m, scheme, tol, max_it, bool(f2), bool(htmt2))
    fields: dict[str, Any] = dict(fit)
    if n_boot:
        fields.update(
            _bootstrap_fields(
                fit,
                values.to_numpy(dtype="float64"),
                m,
                scheme,
                tol,
                max_it,
                n_boot,
                seed,
                ci,
                progress,
                float(htmt_threshold),
                bool(htmt2),
            )
        )
    else:
        fields.update(seed=None, ci_level=ci, htmt_threshold=float(htmt_threshold))
    return PLSResult(
        data=values,
        missing_report=report,
        measurement={c: list(meas[c]) for c in m.constructs},
        structural=paths,
        modes={c: mode_map[c] for c in m.constructs},
        scale_ends=_scale_ends(cb, m.items),
        scheme=scheme,
        htmt2=bool(htmt2),
        missing=missing,
        missing_value=codes,
        tol=tol,
        max_it=max_it,
        n_dropped=dropped,
        **fields,
    )


def pls_bootstrap(
    result: PLSResult,
    n_boot: int = 1000,
    *,
    seed: int | None = 0,
    ci: float = 0.95,
    progress: bool = False,
    htmt_threshold: float = 0.85,
) -> PLSResult:
    """Bootstrap a fitted PLS model (§4.4): resample rows with replacement and re-estimate.

    Every resample is re-estimated with the model's settings (scheme, modes, stop criterion)
    on the estimation data (after the missing-data policy). Resamples run batched: the row
    counts c of a resample give its moments, and the PLS iteration runs on many correlation
    matrices at once. A resample in which an indicator has zero variance is redrawn (up to
    10 × ``n_boot`` attempts; counted in ``n_redraws``). No sign-change correction.

    Reported per estimate: the original, the bootstrap mean and SD, t = original / SD and the
    percentile interval at level ``ci`` (quantiles (1 − ci)/2 and (1 + ci)/2, linear
    interpolation as R's type 7). Covered: paths, total and indirect effects, outer weights,
    loadings, R² and HTMT (``htmt_flag``: the upper bound reaches ``htmt_threshold``).

    Parameters
    ----------
    result : PLSResult
        From :func:`pls_pm`.
    n_boot : int
        Resamples (default 1000).
    seed : int
        Seed of the resampling (default 0; recorded). ``None`` draws a fresh seed and records
        it.
    ci : float
        Level of the percentile intervals.
    progress : bool
        tqdm progress bar over the resamples.
    htmt_threshold : float
        HTMT threshold of ``htmt_flag`` (0.85 conservative; 0.90 liberal).

    Returns
    -------
    PLSResult
        A copy of ``result`` with ``bootstrap``, the bootstrap columns of ``path_table`` and
        ``n_boot``, ``seed``, ``ci_level``, ``n_redraws``, ``n_boot_not_converged``.

    Raises
    ------
    CvlibInputError
        Fewer than 10 rows ("too few rows for the bootstrap"), or fewer than ``n_boot``
        usable resamples after 10 × ``n_boot`` attempts.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(200, 1))
    >>> g = 0.6 * f + 0.8 * rng.normal(size=(200, 1))
    >>> df = pd.DataFrame(np.hstack([f + rng.normal(size=(200, 2)), g + rng.normal(size=(200, 2))]),
    ...                   columns=["x1", "x2", "y1", "y2"])
    >>> fit = pls_pm(df, {"X": ["x1", "x2"], "Y": ["y1", "y2"]}, [("X", "Y")])
    >>> boot = pls_bootstrap(fit, n_boot=200, seed=7)
    >>> boot.path_table[["coef", "boot_sd", "ci_low", "ci_high"]].round(3)
                    coef  boot_sd  ci_low  ci_high
    source target
    X      Y       0.449    0.054   0.344    0.552
    >>> boot.n_boot, boot.seed, boot.n_redraws
    (200, 7, 0)
    """
    if not isinstance(result, PLSResult):
        raise TypeError(f"result must be a PLSResult from pls_pm, got {type(result).__name__}")
    n_boot, seed, ci = _check_boot_args(n_boot, seed, ci)
    if n_boot < 2:
        raise CvlibInputError(f"n_boot={n_boot} is too small; use at least 2 (default 1000)")
    m = _build_model(result._measurement, result._structural, result._modes)
    fit = {
        "total_effects": result._total_effects,
        "indirect_effects": result._indirect_effects,
        "outer": result._outer,
        "r2": result._r2,
        "htmt": result._htmt,
        "path_table": result._path_table.loc[:, list(result._path_table.columns[:7])],
    }
    x = result._data.loc[:, list(m.items)].to_numpy(dtype="float64")
    fields = _bootstrap_fields(
        fit,
        x,
        m,
        result.scheme,
        result.tol,
        result.max_it,
        n_boot,
        seed,
        ci,
        progress,
        float(htmt_threshold),
        result.htmt2,
    )
    return dataclasses.replace(result, **fields)


# ---------------------------------------------------------------------------------------------
# ACSI-style index (§3)


@dataclass(frozen=True, repr=False, eq=False)
class ACSIIndexResult(ResultMixin):
    """ACSI-style 0-100 index of one construct from unstandardized outer weights (§3).

    Attributes
    ----------
    index : float
        100 · (Σ w*_j x̄_j − Σ w*_j L_j) / (Σ w*_j U_j − Σ w*_j L_j).
    ci : (float, float)
        Percentile bootstrap interval at ``ci_level`` (NaN without a bootstrap).
    boot_sd : float
        Bootstrap SD of the index (NaN without a bootstrap).
    weights : DataFrame
        Per item: ``standardized`` (PLS outer weight w_j), ``sd`` (s_j, ddof 1),
        ``unstandardized`` (w_j / s_j), ``normalized`` (w*_j, sum 1), ``mean`` (x̄_j),
        ``scale_min`` (L_j), ``scale_max`` (U_j).
    respondent_index : Series
        Step 4 applied to each respondent's answers; its mean is ``index`` when no answer is
        missing.
    construct : str
        The construct.
    label : str
        "ACSI-style index (unstandardized outer weights)" (in ``lang``).
    n, n_boot, seed, ci_level : conventions
    """

    index: float
    ci: tuple[float, float]
    boot_sd: float
    construct: str
    label: str
    n: int
    n_boot: int
    seed: int | None
    ci_level: float
    weights: pd.DataFrame = Snapshot()
    respondent_index: pd.Series = Snapshot()

    _conventions = ("construct", "label", "n", "n_boot", "seed")
    _title = "ACSIIndexResult (ACSI 式满意度指数)"

    def summary(self) -> pd.DataFrame:
        """The index with its interval, one statistic per row."""
        rows = {
            "index": self.index,
            "ci_low": self.ci[0],
            "ci_high": self.ci[1],
            "boot_sd": self.boot_sd,
            "n": self.n,
            "n_boot": self.n_boot,
        }
        out = pd.DataFrame({"value": pd.Series(rows, dtype="float64")})
        out.index.name = self.label
        return out


def _resolve_scale(
    items: Sequence[Any], scale: Any, codebook: Any, fallback: Mapping[Any, tuple[float, float]]
) -> tuple[np.ndarray, np.ndarray]:
    lo = np.full(len(items), np.nan)
    hi = np.full(len(items), np.nan)
    if scale is not None:
        if isinstance(scale, Mapping):
            for i, item in enumerate(items):
                if item in scale:
                    lo[i], hi[i] = _pair(scale[item], f"scale[{item!r}]")
        else:
            lo[:], hi[:] = _pair(scale, "scale")
    cb = None
    if codebook is not None:
        from cvlib.survey._codebook import Codebook

        cb = codebook if isinstance(codebook, Codebook) else Codebook(codebook)
    for i, item in enumerate(items):
        if np.isfinite(lo[i]):
            continue
        if cb is not None and item in cb and cb[item].scale_min is not None:
            lo[i], hi[i] = float(cb[item].scale_min), float(cb[item].scale_max)
        elif item in fallback:
            lo[i], hi[i] = fallback[item]
    missing = [items[i] for i in np.flatnonzero(~np.isfinite(lo))]
    if missing:
        raise CvlibInputError(
            f"no theoretical scale ends for item(s) {', '.join(map(repr, missing))}: pass "
            f"scale=(1, 10) (or a dict item -> (L, U)) or a codebook with scale_min/scale_max. "
            f"Observed minima and maxima are never used (§3: mobi's CUSA1 is a 1-10 item "
            f"observed only on 4-10)."
        )
    return lo, hi


def _pair(value: Any, name: str) -> tuple[float, float]:
    if (
        isinstance(value, str)
        or not isinstance(value, Sequence)
        or len(value) != 2
        or not all(isinstance(v, int | float | np.integer | np.floating) for v in value)
        or any(isinstance(v, bool) for v in value)
    ):
        raise CvlibInputError(
            f"{name}={value!r} must be the theoretical scale ends (L, U), e.g. (1, 10)"
        )
    lo, hi = float(value[0]), float(value[1])
    if not lo < hi:
        raise CvlibInputError(f"{name}={value!r}: the lower end L must be below the upper end U")
    return lo, hi


def _index_of(
    w: np.ndarray, sd: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """§3 steps 2-4, broadcast over leading axes."""
    un = w / sd
    star = un / un.sum(axis=-1, keepdims=True)
    low = (star * lo).sum(axis=-1)
    return 100.0 * ((star * mean).sum(axis=-1) - low) / ((star * hi).sum(axis=-1) - low)


def acsi_index(
    data: PLSResult | Any,
    construct: str | None = None,
    *,
    weights: Mapping[Hashable, float] | pd.Series | None = None,
    scale: tuple[float, float] | Mapping[Hashable, tuple[float, float]] | None = None,
    codebook: Any = None,
    n_boot: int | None = None,
    seed: int | None = 0,
    ci: float = 0.95,
    progress: bool = False,
    lang: str = "en",
) -> ACSIIndexResult:
    r"""ACSI-style 0-100 index (ACSI 式满意度指数) from unstandardized PLS outer weights, §3.

    1. w_j: the construct's outer weights, estimated on standardized indicators;
    2. unstandardize: w̃_j = w_j / s_j (s_j the SD, n − 1, of raw indicator j);
    3. normalize: w*_j = w̃_j / Σ_k w̃_k;
    4. index = 100 · (Σ w*_j x̄_j − Σ w*_j L_j) / (Σ w*_j U_j − Σ w*_j L_j), with x̄_j the
       raw item mean and L_j, U_j the **theoretical** scale ends (never the observed range).
       For 1-10 items: 100 · (Σ w*_j x̄_j − 1)/9 (Fornell et al. 1996).

    Parameters
    ----------
    data : PLSResult, DataFrame or read_survey result
        A fitted model (weights, raw means and SDs come from it), or raw data together with
        ``weights``.
    construct : str
        The construct of a PLSResult (e.g. "Satisfaction"); with raw data only a label.
    weights : mapping or Series, optional
        Standardized outer weights by item (required with raw data).
    scale : (L, U) or mapping item -> (L, U), optional
        Theoretical scale ends (mobi: ``(1, 10)``). Otherwise from ``codebook``, or from the
        codebook the data carried into :func:`pls_pm`.
    codebook : Codebook or dict, optional
        Item scale ends (``scale_min``/``scale_max``).
    n_boot : int, optional
        Bootstrap CI: ``None`` reuses the bootstrap of a bootstrapped PLSResult (no CI
        otherwise); a number runs :func:`pls_bootstrap` with ``seed``, ``ci``, ``progress``.
    seed, ci, progress
        Bootstrap settings.
    lang : {"en", "zh"}
        Language of ``label``.

    Returns
    -------
    ACSIIndexResult
        ``index``, ``ci``, ``boot_sd``, ``weights`` (standardized, SD, unstandardized,
        normalized, mean, L, U per item), ``respondent_index``, ``label``.

    Raises
    ------
    CvlibInputError
        A zero SD, no theoretical scale ends, answers outside [L, U], an unknown construct.

    Warns
    -----
    DataQualityWarning
        A negative outer weight (the index is still computed).

    Examples
    --------
    The §3 synthetic case: weights (0.4, 0.4, 0.4), SDs (1, 2, 2), means (8, 7, 6) on 1-10.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"s1": [7, 9, 8], "s2": [5, 9, 7], "s3": [4, 8, 6]})
    >>> res = acsi_index(df, "Satisfaction", weights={"s1": 0.4, "s2": 0.4, "s3": 0.4},
    ...                  scale=(1, 10))
    >>> round(res.index, 6), res.weights["normalized"].tolist()
    (69.444444, [0.5, 0.25, 0.25])
    >>> print(res.label)
    ACSI-style index (unstandardized outer weights)

    References
    ----------
    Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996). The American
    Customer Satisfaction Index: nature, purpose, and findings. J. Marketing 60(4), 7-18.
    """
    check_choice("lang", lang, LANGS)
    boot_w = boot_mean = boot_sd = None
    used_boot = 0
    used_seed: int | None = None
    ci_level = float(ci)
    if isinstance(data, PLSResult):
        if weights is not None:
            raise CvlibInputError(
                "weights= is only for raw data; a PLSResult brings its own outer weights"
            )
        if construct not in data._measurement:
            raise CvlibInputError(
                f"construct={construct!r} is not in the model; constructs: "
                f"{', '.join(map(repr, data._measurement))}."
            )
        if n_boot is not None:
            data = pls_bootstrap(data, n_boot, seed=seed, ci=ci, progress=progress)
        items = list(data._measurement[construct])
        outer = data._outer
        w = outer.loc[items, "weight"].to_numpy(dtype="float64")
        raw = data._data.loc[:, items]
        fallback = data._scale_ends
        if data.n_boot:
            all_items = list(data._outer.index)
            pos = [all_items.index(i) for i in items]
            draws = data._boot_draws
            boot_w, boot_mean, boot_sd = (
                draws["weights"][:, pos],
                draws["mean"][:, pos],
                draws["sd"][:, pos],
            )
            used_boot, used_seed, ci_level = data.n_boot, data.seed, data.ci_level
    else:
        if n_boot:
            raise CvlibInputError(
                "a bootstrap CI needs the PLS model: pass the PLSResult of pls_pm (raw data "
                "with fixed weights has no sampling distribution of the weights)"
            )
        if weights is None:
            raise CvlibInputError(
                "with raw data, pass the standardized outer weights as weights={item: w}; or "
                "pass the PLSResult of pls_pm"
            )
        wser = pd.Series(weights, dtype="float64")
        frame, cb, _ = unwrap(data, codebook)
        if codebook is None:
            codebook = cb
        items = list(wser.index)
        absent = [i for i in items if i not in frame.columns]
        if absent:
            raise KeyError(
                f"weight item(s) {', '.join(map(repr, absent))} are not columns of the data"
            )
        raw = numeric_items(frame, items)
        w = wser.to_numpy()
        fallback = {}
    if construct is None:
        construct = ""
    lo, hi = _resolve_scale(items, scale, codebook, fallback)
    x = raw.to_numpy(dtype="float64")
    outside = ((x < lo) | (x > hi)) & ~np.isnan(x)
    if outside.any():
        r, c = np.argwhere(outside)[0]
        raise CvlibInputError(
            f"item {items[c]!r} holds {x[r, c]:g} at row {raw.index[r]!r}, outside its scale "
            f"[{lo[c]:g}, {hi[c]:g}] ({int(outside.sum())} such cell(s)); fix the data, the "
            f"scale ends, or declare the code as missing."
        )
    mean = np.nanmean(x, axis=0)
    sd = np.nanstd(x, axis=0, ddof=1)
    zero = [items[i] for i in np.flatnonzero(~(sd > 0))]
    if zero:
        raise CvlibInputError(
            f"item(s) {', '.join(map(repr, zero))} have zero SD, so w_j / s_j is undefined "
            f"(§3); drop the constant item."
        )
    if (w < 0).any():
        neg = ", ".join(f"{items[i]!r} ({w[i]:.4f})" for i in np.flatnonzero(w < 0))
        warnings.warn(
            f"construct {construct!r}: negative outer weight(s) {neg}; the index is computed "
            f"but an item works against the construct (reverse keying?).",
            DataQualityWarning,
            stacklevel=2,
        )
    un = w / sd
    star = un / un.sum()
    index = float(_index_of(w, sd, mean, lo, hi))
    low, high = float((star * lo).sum()), float((star * hi).sum())
    person = 100.0 * (x @ star - low) / (high - low)
    table = pd.DataFrame(
        {
            "standardized": w,
            "sd": sd,
            "unstandardized": un,
            "normalized": star,
            "mean": mean,
            "scale_min": lo,
            "scale_max": hi,
        },
        index=pd.Index(items, name="item"),
    )
    ci_bounds = (math.nan, math.nan)
    b_sd = math.nan
    if boot_w is not None:
        draws = _index_of(boot_w, boot_sd, boot_mean, lo, hi)
        a = (1.0 - ci_level) / 2.0
        ci_bounds = (float(np.quantile(draws, a)), float(np.quantile(draws, 1.0 - a)))
        b_sd = float(np.std(draws, ddof=1))
    return ACSIIndexResult(
        index=index,
        ci=ci_bounds,
        boot_sd=b_sd,
        construct=construct,
        label=ACSI_LABEL[lang],
        n=int(x.shape[0]),
        n_boot=used_boot,
        seed=used_seed,
        ci_level=ci_level,
        weights=table,
        respondent_index=pd.Series(person, index=raw.index, name="acsi_index"),
    )

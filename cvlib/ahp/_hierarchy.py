"""Hierarchies (层次结构): local -> global weights (层次总排序), alternatives, combined consistency.

ahp.md §6 and §7.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import check_choice

from ._consistency import (
    BEYOND,
    RI_TABLES,
    CombinedConsistency,
    check_threshold,
    combined_consistency,
    level_table,
)
from ._errors import AHPInputError, HierarchyError
from ._matrix import SCALES, _is_pair_list, check_labels
from ._priority import canonical_method, check_estimator
from ._weights import AHPResult, direct_weights, measured_weights, weights

#: Keys of a node's local-weight source (exactly one per internal node). A later issue adds
#: "group" (a respondent stack plus an aggregation rule, ahp.md §9).
SOURCE_KEYS = ("matrix", "pairs", "weights", "measured")
#: Per-node overrides of the hierarchy defaults.
OVERRIDE_KEYS = ("method", "ri_table", "lambda_estimator", "scale", "symmetrize")
NODE_KEYS = ("children", *SOURCE_KEYS, *OVERRIDE_KEYS, "normalize", "label", "label_en")

TABLE_COLUMNS = (
    "node_id",
    "label",
    "parent_id",
    "level",
    "is_leaf",
    "local_weight",
    "global_weight",
    "n_children",
    "source",
    "method",
    "lambda_max",
    "lambda_estimator",
    "ci",
    "ri",
    "ri_table",
    "cr",
    "gci",
    "verdict",
)
_SOURCE_NAME = {
    "matrix": "matrix",
    "pairs": "matrix",
    "weights": "direct",
    "direct": "direct",
    "measured": "measured",
}
MODES = ("distributive", "ideal")


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True, repr=False)
class AlternativesResult(ResultMixin):
    """Scores of alternatives compared under every leaf (方案层总排序), ahp.md §6.3.

    ``scores`` = ``contributions.sum(axis=1)`` exactly. Distributive: contribution(a, leaf) =
    G(leaf) p(a | leaf). Ideal: p' = p / max_a p per leaf; ``raw_scores`` = Σ G p' and, with
    ``renormalize=True``, ``scores`` = raw / Σ raw (contributions rescaled alike). The tables
    are private copies: every read returns a new copy, so mutating it never changes the result.
    """

    scores: pd.Series = Snapshot()
    raw_scores: pd.Series = Snapshot()
    contributions: pd.DataFrame = Snapshot()
    priorities: pd.DataFrame = Snapshot()
    consistency: pd.DataFrame = Snapshot()
    mode: str
    renormalize: bool
    results: Mapping[Hashable, AHPResult | None] = Snapshot()
    # the hierarchy's internal nodes: level, global_weight, ci, ri
    tree_rows: pd.DataFrame = Snapshot()
    threshold: Any

    _conventions = ("mode", "renormalize")
    _title = "AlternativesResult"

    def summary(self) -> pd.DataFrame:
        """One row per alternative: final score, raw score and rank (方案层总排序).

        Returns
        -------
        DataFrame
            Indexed by alternative: ``score`` (distributive: Σ_leaf G(leaf) p(a | leaf); ideal
            with ``renormalize=True``: the raw scores rescaled to sum 1), ``raw_score`` (before
            renormalisation; equal to ``score`` in distributive mode) and ``rank`` (1 = best,
            ties share the smallest rank).
        """
        scores = self._scores.copy()
        out = pd.DataFrame({"score": scores, "raw_score": self._raw_scores.copy()})
        out["rank"] = scores.rank(ascending=False, method="min").astype("int64")
        return out

    def combined_consistency(self, kind: str = "level") -> CombinedConsistency:
        """Combined consistency including the alternatives layer (each leaf at its own depth)."""
        return combined_consistency(self._all_rows(), kind, self.threshold)

    @property
    def level_consistency(self) -> pd.DataFrame:
        """Per-level Σ G CI, Σ G RI, CR_lvl and the cumulative CR*, alternatives included."""
        return level_table(self._all_rows())

    def _all_rows(self) -> pd.DataFrame:
        alt = self._consistency[["level", "global_weight", "ci", "ri"]]
        return pd.concat([self._tree_rows, alt], ignore_index=True)


@dataclass(frozen=True, repr=False)
class HierarchyResult(ResultMixin):
    """A weighted indicator tree: the flat node table, leaf (global) weights and node results.

    ``table`` has one row per node (root included) with exactly the columns of ahp.md §6.4;
    ``leaf_weights`` maps leaf id -> global weight in tree order (Σ = 1 within 1e-12); ``nodes``
    maps each internal node to its :class:`AHPResult`. Fields are private copies: every read of
    ``table``, ``leaf_weights``, ``nodes`` or ``children`` returns a new copy.
    """

    table: pd.DataFrame = Snapshot()
    leaf_weights: pd.Series = Snapshot()
    nodes: Mapping[Hashable, AHPResult] = Snapshot()
    root: Hashable
    children: Mapping[Hashable, tuple] = Snapshot()
    method: str
    ri_table: str
    lambda_estimator: str
    threshold: Any
    beyond: str
    scale: str
    labels_en: Mapping[Hashable, str] = Snapshot(default_factory=dict)

    _conventions = ("root", "method", "lambda_estimator", "ri_table", "threshold")
    _title = "HierarchyResult"

    def summary(self) -> pd.DataFrame:
        """The node table (层次总排序表): one row per node, root first, in tree order.

        Returns
        -------
        DataFrame
            A copy of ``table``: node_id, label, parent_id, level, is_leaf, local_weight,
            global_weight (G(root) = 1, G(c) = G(parent) · L(c), unrounded), n_children,
            source, method, lambda_max, lambda_estimator, ci, ri, ri_table, cr, gci, verdict
            (ahp.md §6.4; the consistency columns are empty for leaves).
        """
        return self.table

    def _internal_rows(self) -> pd.DataFrame:
        t = self._table
        return t.loc[~t["is_leaf"], ["level", "global_weight", "ci", "ri"]]

    @property
    def level_consistency(self) -> pd.DataFrame:
        """Per level: number of matrices, Σ G CI, Σ G RI, CR_lvl(d) and cumulative CR*(d)."""
        return level_table(self._internal_rows())

    def combined_consistency(self, kind: str = "level") -> CombinedConsistency:
        """Combined consistency of the tree (组合一致性), ahp.md §7.

        * ``"level"``: CR_lvl(d) = Σ_{j at depth d} G_j CI_j / Σ G_j RI_j for every depth;
          ``value`` is the deepest level's; acceptable iff every level passes the threshold.
        * ``"cumulative"`` (Jiang Qiyuan, 《数学模型》): CR*(d) = CR*(d-1) + CR_lvl(d);
          ``value`` = CR* at the deepest level.
        * ``"saaty_whole"``: Σ over all internal nodes G_j CI_j / Σ G_j RI_j (root G = 1).

        Direct and measured weights count as CI = RI = 0; n <= 2 matrices likewise.
        """
        return combined_consistency(self._internal_rows(), kind, self.threshold)

    def groups(self, level: int = 1) -> dict[Hashable, list]:
        """Each node at depth ``level`` -> the leaf ids below it (a leaf maps to itself).

        E.g. level 1 of the customer-value tree gives {当前价值: [...], 潜在价值: [...]} for the
        current / potential sub-scores.
        """
        t = self._table
        if not (0 <= level <= int(t["level"].max())):
            raise AHPInputError(
                f"level={level!r} is outside the hierarchy depths 0..{int(t['level'].max())}."
            )
        leaves = list(self._leaf_weights.index)
        out: dict[Hashable, list] = {}
        for node in t.loc[t["level"] == level, "node_id"]:
            below = set(self._descendants(node))
            out[node] = [x for x in leaves if x in below]
        return out

    def _descendants(self, node: Hashable) -> list:
        stack, out = [node], []
        while stack:
            x = stack.pop()
            out.append(x)
            stack.extend(self._children.get(x, ()))
        return out

    def score_alternatives(
        self,
        local_priorities: Mapping[Hashable, Any],
        *,
        mode: str = "distributive",
        renormalize: bool = True,
        alternatives: Sequence[Hashable] | None = None,
        method: str | None = None,
        ri_table: str | None = None,
        lambda_estimator: str | None = None,
        scale: str | None = None,
    ) -> AlternativesResult:
        """Score alternatives compared under every leaf (方案层, ahp.md §6.3).

        score(a) = Σ_leaf G(leaf) · p(a | leaf) (``"distributive"``, default) or with
        p'(a | leaf) = p(a | leaf) / max_a p(a | leaf) (``"ideal"``; ``renormalize=True`` rescales
        the ideal scores to sum 1, ``raw_scores`` keeps them).

        Parameters
        ----------
        local_priorities : dict leaf -> priorities or judgments
            For every leaf: a Series/dict {alternative: priority} (Σ = 1 within 1e-6), an
            :class:`AHPResult`, or any judgment-matrix form (computed with the hierarchy's
            method, RI table and estimator unless overridden here).
        alternatives : sequence, optional
            Order of the alternatives (default: the first leaf's order).

        Returns
        -------
        AlternativesResult
            ``scores``, ``raw_scores``, ``contributions`` (alternatives x leaves; rows sum
            exactly to ``scores``), ``priorities``, per-leaf ``consistency``,
            ``combined_consistency(kind)`` including the alternatives layer.
        """
        check_choice("mode", mode, MODES)
        leaves = list(self._leaf_weights.index)
        given = list(local_priorities)
        if set(given) != set(leaves):
            raise HierarchyError(
                f"local priorities must be given for exactly the leaves {leaves!r}; missing: "
                f"{[x for x in leaves if x not in set(given)]!r}; extra: "
                f"{[x for x in given if x not in set(leaves)]!r}."
            )
        depth = dict(zip(self._table["node_id"], self._table["level"], strict=True))
        cols: dict[Hashable, pd.Series] = {}
        results: dict[Hashable, AHPResult | None] = {}
        rows = []
        alts = (
            None
            if alternatives is None
            else check_labels(alternatives, "alternatives", what="alternatives")
        )
        opts = {
            "method": method or self.method,
            "ri_table": ri_table or self.ri_table,
            "lambda_estimator": lambda_estimator or self.lambda_estimator,
            "threshold": self.threshold,
            "beyond": self.beyond,
            "scale": scale or self.scale,
        }
        for leaf in leaves:
            res = _leaf_priorities(leaf, local_priorities[leaf], alts, opts)
            if alts is None:
                alts = tuple(res.weights.index)
            elif set(res.weights.index) != set(alts) or len(res.weights) != len(alts):
                idx = list(res.weights.index)
                raise HierarchyError(
                    f"alternatives under leaf {leaf!r} are {idx!r}; expected {list(alts)!r} "
                    f"(missing: {[x for x in alts if x not in set(idx)]!r}, extra: "
                    f"{[x for x in idx if x not in set(alts)]!r})."
                )
            cols[leaf] = res.weights.reindex(list(alts))
            results[leaf] = res
            rows.append(
                {
                    "leaf": leaf,
                    "level": depth[leaf],
                    "global_weight": self._leaf_weights[leaf],
                    "source": _SOURCE_NAME.get(res.method, "matrix"),
                    "method": res.method,
                    "lambda_max": res.lambda_max,
                    "ci": res.ci,
                    "ri": res.ri,
                    "cr": res.cr,
                    "gci": res.gci,
                    "verdict": res.verdict,
                }
            )
        p = pd.DataFrame(cols, index=pd.Index(alts, name="alternative"))
        p.columns.name = "leaf"
        g = self._leaf_weights.to_numpy()
        pv = p.to_numpy()
        if mode == "ideal":
            pv = pv / pv.max(axis=0, keepdims=True)
        contrib = pv * g[None, :]
        raw = contrib.sum(axis=1)
        if mode == "ideal" and renormalize:
            contrib = contrib / raw.sum()
        contributions = pd.DataFrame(contrib, index=p.index, columns=p.columns)
        scores = contributions.sum(axis=1).rename("score")
        consistency = pd.DataFrame(rows).set_index("leaf", drop=False)
        consistency.index.name = None
        return AlternativesResult(
            scores=scores,
            raw_scores=pd.Series(raw, index=p.index, name="raw_score"),
            contributions=contributions,
            priorities=p,
            consistency=consistency,
            mode=mode,
            renormalize=renormalize,
            results=results,
            tree_rows=self._internal_rows(),
            threshold=self.threshold,
        )


def _leaf_priorities(leaf: Hashable, value: Any, alts: tuple | None, opts: Mapping) -> AHPResult:
    """p(a | leaf): an AHPResult as given, labelled priorities, or judgments to weigh."""
    node = f"{leaf} (alternatives)"
    if isinstance(value, AHPResult):
        if value.is_stack:
            raise HierarchyError(f"leaf {leaf!r}: pass one AHPResult, not a stack result.")
        return value
    if isinstance(value, pd.Series) or (
        isinstance(value, Mapping) and not all(isinstance(k, tuple) for k in value)
    ):
        return direct_weights(value, alts, threshold=opts["threshold"], node=node)
    return weights(
        value,
        opts["method"],
        opts["ri_table"],
        labels=alts,
        lambda_estimator=opts["lambda_estimator"],
        threshold=opts["threshold"],
        beyond=opts["beyond"],
        scale=opts["scale"],
        node=node,
    )


# --------------------------------------------------------------------------------------------
# building


def _load_spec(spec: Any, root: Hashable | None) -> tuple[Mapping, Hashable | None]:
    """The node dict and the root: a dict, a YAML path, or the wrapped form {"root", "nodes"}."""
    if isinstance(spec, str | os.PathLike):
        import yaml

        with open(spec, encoding="utf-8") as fh:
            spec = yaml.safe_load(fh)
    if not isinstance(spec, Mapping) or not spec:
        raise HierarchyError(
            f"a hierarchy spec is a non-empty dict node_id -> {{'children': [...], 'matrix': ...}} "
            f"(or the path of a YAML file holding it), got {type(spec).__name__}."
        )
    nodes = spec.get("nodes")
    if isinstance(nodes, Mapping) and "children" not in nodes:  # wrapped: {root, nodes, ...}
        if root is None:
            root = spec.get("root")
        return _load_spec(nodes, root)
    return spec, root


def _node_specs(spec: Mapping) -> tuple[dict[Hashable, dict], dict[Hashable, tuple]]:
    nodes: dict[Hashable, dict] = {}
    children: dict[Hashable, tuple] = {}
    for node_id, body in spec.items():
        check_labels([node_id], "hierarchy")
        body = {} if body is None else body
        if not isinstance(body, Mapping):
            raise HierarchyError(
                f"node {node_id!r}: expected a dict with 'children' and one source "
                f"({', '.join(SOURCE_KEYS)}), got {type(body).__name__}."
            )
        unknown = [k for k in body if k not in NODE_KEYS]
        if unknown:
            raise HierarchyError(
                f"node {node_id!r}: unknown key(s) {unknown!r}; allowed keys: {list(NODE_KEYS)!r}."
            )
        kids = body.get("children", ())
        if isinstance(kids, str | bytes) or not isinstance(kids, Sequence):
            raise HierarchyError(
                f"node {node_id!r}: 'children' must be a list of node ids, got {kids!r}."
            )
        kids = tuple(kids)
        try:
            check_labels(kids, node_id)
        except AHPInputError as exc:
            raise HierarchyError(f"node {node_id!r}: {exc}") from None
        sources = [k for k in SOURCE_KEYS if k in body]
        if kids and not sources:
            raise HierarchyError(
                f"node {node_id!r} has children {list(kids)!r} but no local-weight source; give "
                f"one of {list(SOURCE_KEYS)!r}."
            )
        if len(sources) > 1:
            raise HierarchyError(
                f"node {node_id!r} has several sources {sources!r}; give exactly one."
            )
        if sources and not kids:
            raise HierarchyError(
                f"node {node_id!r} has a source ({sources[0]!r}) but no 'children'; list the "
                f"children in the order of the source."
            )
        nodes[node_id] = dict(body)
        children[node_id] = kids
    return nodes, children


def _tree_order(children: Mapping[Hashable, tuple], root: Hashable | None) -> tuple[Hashable, list]:
    """Root and preorder; raises on duplicate ids (two parents), cycles, unreachable nodes."""
    parent: dict[Hashable, Hashable] = {}
    for node, kids in children.items():
        for kid in kids:
            if kid in parent:
                raise HierarchyError(
                    f"node id {kid!r} appears under both {parent[kid]!r} and {node!r}; node ids "
                    f"must be unique (give the second one its own id, e.g. "
                    f"'{kid}@{node}', with label={kid!r})."
                )
            parent[kid] = node
    all_ids = list(children) + [k for kids in children.values() for k in kids if k not in children]
    if root is None:
        roots = [x for x in children if x not in parent]
        if not roots:
            raise HierarchyError(_cycle_message(parent, next(iter(children))))
        if len(roots) > 1:
            raise HierarchyError(
                f"the hierarchy has several top nodes {roots!r}; pass root= or connect them under "
                f"one goal node."
            )
        root = roots[0]
    elif root not in children:
        raise HierarchyError(f"root={root!r} is not a node of the spec ({list(children)!r}).")
    elif root in parent:
        raise HierarchyError(f"root={root!r} is a child of {parent[root]!r}; pick the top node.")
    order, stack, seen = [], [root], set()
    while stack:
        x = stack.pop()
        if x in seen:  # pragma: no cover - impossible with unique parents
            raise HierarchyError(_cycle_message(parent, x))
        seen.add(x)
        order.append(x)
        stack.extend(reversed(children.get(x, ())))
    rest = [x for x in all_ids if x not in seen]
    if rest:
        for x in rest:
            msg = _cycle_message(parent, x)
            if msg:
                raise HierarchyError(msg)
        raise HierarchyError(
            f"nodes {rest!r} are not reachable from the root {root!r}; attach them or remove them."
        )
    return root, order


def _cycle_message(parent: Mapping, start: Hashable) -> str:
    path, x = [start], start
    while x in parent:
        x = parent[x]
        if x in path:
            cyc = path[path.index(x) :] + [x]
            return (
                f"the hierarchy has a cycle {' -> '.join(map(str, reversed(cyc)))}; a hierarchy "
                f"is a tree (each node has one parent and the root none)."
            )
        path.append(x)
    return ""


def _pair_labels(value: Any) -> list | None:
    """Labels named by a pair source (dict with pair keys or list of triples), else None."""
    if isinstance(value, Mapping) and value and all(isinstance(k, tuple) for k in value):
        pairs = list(value)
    elif _is_pair_list(value):
        pairs = [(t[0], t[1]) for t in value]
    else:
        return None
    out: list = []
    for a, b in pairs:
        out += [x for x in (a, b) if x not in out]
    return out


def _local(node_id: Hashable, body: Mapping, kids: tuple, defaults: Mapping) -> AHPResult:
    key = next(k for k in SOURCE_KEYS if k in body)
    value = body[key]
    opts = {k: body.get(k, defaults[k]) for k in OVERRIDE_KEYS}
    if key in ("weights", "measured"):
        if key == "weights":
            return direct_weights(
                value,
                kids,
                normalize=bool(body.get("normalize", False)),
                threshold=defaults["threshold"],
                node=node_id,
            )
        return measured_weights(value, kids, threshold=defaults["threshold"], node=node_id)
    named = _pair_labels(value)
    if named is not None and set(named) != set(kids):
        raise HierarchyError(
            f"node {node_id!r}: the pair judgments name {named!r} but the children are "
            f"{list(kids)!r}; missing: {[x for x in kids if x not in set(named)]!r}; extra: "
            f"{[x for x in named if x not in set(kids)]!r}."
        )
    return weights(
        value,
        opts["method"],
        opts["ri_table"],
        labels=kids,
        lambda_estimator=opts["lambda_estimator"],
        threshold=defaults["threshold"],
        beyond=defaults["beyond"],
        scale=opts["scale"],
        symmetrize=opts["symmetrize"],
        node=node_id,
    )


def hierarchy(
    spec: Mapping[Hashable, Any] | str | os.PathLike,
    *,
    method: str = "eigen",
    ri_table: str = "saaty1980",
    lambda_estimator: str = "exact",
    threshold: str | float = "seed",
    beyond: str = "alonso_lamata_linear",
    scale: str = "saaty",
    root: Hashable | None = None,
) -> HierarchyResult:
    """Weights of an indicator tree (层次结构): local priorities (层次单排序) -> global (层次总排序).

    Global weight G(root) = 1, G(c) = G(parent) · L(c): the product of the local weights along
    the path ("将各级指标的权重相乘"), propagated at full precision; leaf weights sum to 1.

    Parameters
    ----------
    spec : dict or path of a YAML file
        ``{node_id: {"children": [...], <one source>, <optional overrides>}}``, or the wrapped
        form ``{"root": ..., "nodes": {...}}`` (other top-level keys, e.g. metadata, are not
        read). Sources:
        ``"matrix"`` (any judgment-matrix form: nested list with strings such as "1/3",
        upper-triangle vector, DataFrame, pair dict ``{(a, b): v}``), ``"pairs"`` (list of
        ``[a, b, v]`` triples, the YAML pair form), ``"weights"`` (direct weights
        ``{child: w}``, Σ = 1 within 1e-6; add ``"normalize": true`` to rescale) or
        ``"measured"`` (``{child: value > 0}``). Overrides: ``"method"``, ``"ri_table"``,
        ``"lambda_estimator"``, ``"scale"``, ``"symmetrize"``. Display: ``"label"``,
        ``"label_en"``. Leaves need no entry (or an entry without children).
    method, ri_table, lambda_estimator, threshold, beyond, scale
        Defaults for every node (see :func:`weights`).
    root : hashable, optional
        The goal node (default: the only node that is nobody's child).

    Returns
    -------
    HierarchyResult
        ``table`` (one row per node: node_id, label, parent_id, level, is_leaf, local_weight,
        global_weight, n_children, source, method, lambda_max, lambda_estimator, ci, ri,
        ri_table, cr, gci, verdict), ``leaf_weights``, ``nodes``, ``groups(level)``,
        ``combined_consistency(kind)``, ``level_consistency``, ``score_alternatives(...)``.

    Raises
    ------
    HierarchyError
        Duplicate ids, cycles, unreachable nodes, a node with children but no source, a source
        whose labels differ from the children (missing and extra labels listed).

    Examples
    --------
    >>> h = hierarchy({
    ...     "客户价值": {"children": ["当前价值", "潜在价值"], "matrix": [[1, 2], ["1/2", 1]]},
    ...     "当前价值": {"children": ["总利润", "销售量"], "matrix": [4]},
    ...     "潜在价值": {"children": ["忠诚度", "信用"], "weights": {"忠诚度": 0.75, "信用": 0.25}},
    ... })
    >>> h.leaf_weights.round(6).tolist()
    [0.533333, 0.133333, 0.25, 0.083333]
    >>> h.groups(1)["潜在价值"]
    ['忠诚度', '信用']

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    姜启源, 谢金星, 叶俊. 《数学模型》(第4版). 高等教育出版社 (层次总排序及组合一致性检验).
    """
    method = canonical_method(method)
    check_estimator(lambda_estimator)
    check_choice("ri_table", ri_table, RI_TABLES)
    check_choice("beyond", beyond, BEYOND)
    check_choice("scale", scale, SCALES)
    threshold = check_threshold(threshold)
    spec, root = _load_spec(spec, root)
    defaults = {
        "method": method,
        "ri_table": ri_table,
        "lambda_estimator": lambda_estimator,
        "threshold": threshold,
        "beyond": beyond,
        "scale": scale,
        "symmetrize": None,
    }
    nodes, children = _node_specs(spec)
    root, order = _tree_order(children, root)
    parent = {k: p for p, kids in children.items() for k in kids}
    results: dict[Hashable, AHPResult] = {}
    level: dict[Hashable, int] = {root: 0}
    local: dict[Hashable, float] = {root: 1.0}
    glob: dict[Hashable, float] = {root: 1.0}
    for node in order:
        kids = children.get(node, ())
        if node != root:
            level[node] = level[parent[node]] + 1
        if not kids:
            continue
        res = _local(node, nodes[node], kids, defaults)
        results[node] = res
        for kid, lw in zip(kids, res.weights.reindex(list(kids)).to_numpy(), strict=True):
            local[kid] = float(lw)
            glob[kid] = glob[node] * float(lw)

    def col(values: list, dtype: str) -> pd.Series:
        return pd.Series(values, dtype=dtype)

    def stat(node: Hashable, name: str) -> Any:
        res = results.get(node)
        return None if res is None else getattr(res, name)

    def source(node: Hashable) -> str | None:
        if node not in results:
            return None
        return _SOURCE_NAME[next(k for k in SOURCE_KEYS if k in nodes[node])]

    body = {x: nodes.get(x, {}) for x in order}
    table = pd.DataFrame(
        {
            "node_id": col(order, "object"),
            "label": col([body[x].get("label", x) for x in order], "object"),
            "parent_id": col([parent.get(x) for x in order], "object"),
            "level": col([level[x] for x in order], "int64"),
            "is_leaf": col([not children.get(x) for x in order], "bool"),
            "local_weight": col([local[x] for x in order], "float64"),
            "global_weight": col([glob[x] for x in order], "float64"),
            "n_children": col([len(children.get(x, ())) for x in order], "int64"),
            "source": col([source(x) for x in order], "object"),
            **{
                name: col([stat(x, name) for x in order], dtype)
                for name, dtype in (
                    ("method", "object"),
                    ("lambda_max", "float64"),
                    ("lambda_estimator", "object"),
                    ("ci", "float64"),
                    ("ri", "float64"),
                    ("ri_table", "object"),
                    ("cr", "float64"),
                    ("gci", "float64"),
                    ("verdict", "object"),
                )
            },
        },
        columns=list(TABLE_COLUMNS),
    )
    leaves = table.loc[table["is_leaf"], ["node_id", "global_weight"]]
    leaf_weights = pd.Series(
        leaves["global_weight"].to_numpy(),
        index=pd.Index(leaves["node_id"].tolist(), dtype=object),
        name="global_weight",
    )
    return HierarchyResult(
        table=table,
        leaf_weights=leaf_weights,
        nodes=results,
        root=root,
        children={k: v for k, v in children.items() if v},
        method=method,
        ri_table=ri_table,
        lambda_estimator=lambda_estimator,
        threshold=threshold,
        beyond=beyond,
        scale=scale,
        labels_en={x: b["label_en"] for x, b in body.items() if "label_en" in b},
    )

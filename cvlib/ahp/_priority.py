"""Priority methods (层次单排序), the Perron root and the λmax estimators, batched over stacks.

ahp.md §2-§3 and §5. Every function takes a stack ``(r, n, n)`` of validated positive reciprocal
matrices and returns arrays with the leading dimension r. No rounding anywhere.
"""

from __future__ import annotations

import warnings

import numpy as np

from cvlib._validation import check_choice

from ._errors import AHPInputError, ConvergenceWarning

#: Canonical method name -> accepted aliases (ahp.md §2).
METHOD_ALIASES: dict[str, tuple[str, ...]] = {
    "eigen": ("eigen", "特征根法", "ev"),
    "geometric": ("geometric", "几何平均法", "根法", "方根法", "gm", "llsm", "rgmm"),
    "sum": ("sum", "和法", "arithmetic", "cn"),
    "row_sum": ("row_sum",),
}
_ALIAS = {alias: name for name, aliases in METHOD_ALIASES.items() for alias in aliases}

LAMBDA_ESTIMATORS = ("exact", "mean_ratio", "colsum")


def canonical_method(method: str) -> str:
    """Map a method name or alias (case-insensitive) to its canonical name; unknown names raise."""
    key = method.strip().lower() if isinstance(method, str) else method
    if key not in _ALIAS:
        valid = "; ".join(
            f"{name!r} ({', '.join(map(repr, al[1:]))})" if len(al) > 1 else repr(name)
            for name, al in METHOD_ALIASES.items()
        )
        raise AHPInputError(
            f"unknown priority method {method!r}; valid names (aliases in brackets): {valid}."
        )
    return _ALIAS[key]


def check_estimator(lambda_estimator: str) -> str:
    return check_choice("lambda_estimator", lambda_estimator, LAMBDA_ESTIMATORS)


# --------------------------------------------------------------------------------------------
# priority vectors


def geometric_weights(a: np.ndarray) -> np.ndarray:
    """Row geometric means, normalised: g_i = exp(mean_j ln a_ij), w = g / sum g (几何平均法)."""
    logs = np.log(a).mean(axis=-1)
    g = np.exp(logs - logs.max(axis=-1, keepdims=True))
    return g / g.sum(axis=-1, keepdims=True)


def sum_weights(a: np.ndarray) -> np.ndarray:
    """和法: normalise the columns, then average the rows: w_i = (1/n) sum_j a_ij / sum_k a_kj."""
    return (a / a.sum(axis=-2, keepdims=True)).mean(axis=-1)


def row_sum_weights(a: np.ndarray) -> np.ndarray:
    """Row sums, normalised (not 和法)."""
    s = a.sum(axis=-1)
    return s / s.sum(axis=-1, keepdims=True)


def _lapack_perron(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal eigenpair by dense LAPACK ``eig`` (stacked): largest real part, w = |Re v|/sum."""
    vals, vecs = np.linalg.eig(a)
    k = np.argmax(vals.real, axis=-1)
    lam = np.take_along_axis(vals.real, k[..., None], axis=-1)[..., 0]
    v = np.abs(np.take_along_axis(vecs.real, k[..., None, None], axis=-1)[..., 0])
    return v / v.sum(axis=-1, keepdims=True), lam


def perron(
    a: np.ndarray,
    *,
    single: bool,
    tol: float = 1e-13,
    max_iter: int = 1000,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Perron vector and root of each matrix in a stack ``(r, n, n)``.

    ``single=True`` (one matrix given by the user): LAPACK ``eig``. Stacks: power iteration
    w <- Aw / sum(Aw) started from the geometric-mean weights, per matrix until
    max|Δw| <= ``tol``; then λmax = sum_i (Aw)_i. Members not converged after ``max_iter``
    iterations are recomputed with LAPACK, counted in ``info["n_fallback"]`` and announced by a
    ``ConvergenceWarning``. ``start``: the geometric-mean weights when already computed.
    n = 1: w = [1], λ = 1; n = 2: w = (a12, 1)/(1 + a12), λ = 2 exactly.
    """
    r, n, _ = a.shape
    info = {"n_fallback": 0, "n_iter": 0, "solver": "closed form"}
    if n == 1:
        return np.ones((r, 1)), np.ones(r), info
    if n == 2:
        a12 = a[:, 0, 1]
        w = np.stack([a12, np.ones(r)], axis=-1) / (1.0 + a12)[:, None]
        return w, np.full(r, 2.0), info
    if single or r == 0:
        info["solver"] = "lapack"
        w, lam = _lapack_perron(a)
        return w, lam, info
    info["solver"] = "power iteration"
    w = geometric_weights(a) if start is None else np.array(start, dtype="float64")
    lam = np.empty(r)
    active = np.arange(r)
    a_act, w_act = a, w.copy()
    for it in range(1, max_iter + 1):
        aw = np.matmul(a_act, w_act[..., None])[..., 0]
        s = aw.sum(axis=-1)
        w_new = aw / s[:, None]
        done = np.abs(w_new - w_act).max(axis=-1) <= tol
        w_act = w_new
        if done.any():
            idx = active[done]
            w[idx] = w_new[done]
            lam[idx] = s[done]
            keep = ~done
            active, a_act, w_act = active[keep], a_act[keep], w_act[keep]
        info["n_iter"] = it
        if active.size == 0:
            break
    if active.size:
        wf, lf = _lapack_perron(a[active])
        w[active], lam[active] = wf, lf
        info["n_fallback"] = int(active.size)
        warnings.warn(
            f"power iteration did not converge within max_iter={max_iter} (tol={tol:g}) for "
            f"{active.size} of {r} matrices; LAPACK eig was used for them (report['n_fallback']).",
            ConvergenceWarning,
            stacklevel=3,
        )
    return w, lam, info


def priorities(
    a: np.ndarray,
    method: str,
    *,
    single: bool,
    tol: float = 1e-13,
    max_iter: int = 1000,
    w_gm: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None, dict]:
    """Weights of a stack by the canonical ``method``; also the Perron root when computed."""
    if method == "eigen":
        return perron(a, single=single, tol=tol, max_iter=max_iter, start=w_gm)
    if method == "geometric":
        return (geometric_weights(a) if w_gm is None else w_gm), None, {}
    if method == "sum":
        return sum_weights(a), None, {}
    return row_sum_weights(a), None, {}


def lambda_estimate(a: np.ndarray, w: np.ndarray, estimator: str) -> np.ndarray:
    """λ from the method's own weights: ``"mean_ratio"`` (1/n) sum (Aw)_i / w_i (the textbook
    和法/根法 estimate) or ``"colsum"`` sum_j (sum_i a_ij) w_j."""
    if estimator == "mean_ratio":
        return (np.matmul(a, w[..., None])[..., 0] / w).mean(axis=-1)
    return (a.sum(axis=-2) * w).sum(axis=-1)


def gci_values(a: np.ndarray, w_gm: np.ndarray | None = None) -> np.ndarray:
    """GCI = 2/((n-1)(n-2)) sum_{i<j} ln²(a_ij w_j / w_i) with geometric-mean w; n <= 2 -> 0."""
    r, n, _ = a.shape
    if n <= 2:
        return np.zeros(r)
    w = geometric_weights(a) if w_gm is None else w_gm
    lw = np.log(w)
    e = np.log(a) + lw[:, None, :] - lw[:, :, None]
    iu = np.triu_indices(n, 1)
    return 2.0 / ((n - 1) * (n - 2)) * (e[:, iu[0], iu[1]] ** 2).sum(axis=-1)

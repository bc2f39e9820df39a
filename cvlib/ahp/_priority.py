"""Priority methods (层次单排序), the Perron root and the λmax estimators, batched over stacks.

ahp.md §2-§3 and §5. Every function takes a stack ``(r, n, n)`` of validated positive reciprocal
matrices and returns arrays with the leading dimension r. No rounding anywhere.
"""

from __future__ import annotations

import warnings

import numpy as np

from cvlib._validation import check_choice

from ._errors import AHPInputError, ConvergenceWarning
from ._matrix import ones, upper_indices

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


def geometric_weights(a: np.ndarray, logs: np.ndarray | None = None) -> np.ndarray:
    """Row geometric means, normalised: g_i = exp(mean_j ln a_ij), w = g / sum g (几何平均法).

    ``logs``: ln a when already computed.
    """
    n = a.shape[-1]
    m = (np.log(a) if logs is None else logs) @ ones(n) / n
    g = np.exp(m - m.max(axis=-1, keepdims=True))
    return g / (g @ ones(n))[..., None]


def sum_weights(a: np.ndarray) -> np.ndarray:
    """和法: normalise the columns, then average the rows: w_i = (1/n) sum_j a_ij / sum_k a_kj."""
    n = a.shape[-1]
    return (a / (ones(n) @ a)[..., None, :]) @ ones(n) / n


def row_sum_weights(a: np.ndarray) -> np.ndarray:
    """Row sums, normalised (not 和法)."""
    s = a @ ones(a.shape[-1])
    return s / (s @ ones(a.shape[-1]))[..., None]


def _lapack_perron(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal eigenpair by dense LAPACK ``eig`` (stacked): largest real part, w = |Re v|/sum."""
    vals, vecs = np.linalg.eig(a)
    k = np.argmax(vals.real, axis=-1)
    lam = np.take_along_axis(vals.real, k[..., None], axis=-1)[..., 0]
    v = np.abs(np.take_along_axis(vecs.real, k[..., None, None], axis=-1)[..., 0])
    return v / v.sum(axis=-1, keepdims=True), lam


#: Repeated squarings of the batched power iteration's accelerator: B = (A/c)^(2^s), s = 3.
ACCEL_SQUARINGS = 3
#: Steps with B = (A/c)^8 that refine the start vector (each worth 8 steps with A) and that
#: follow every step with A while a member has not converged.
ACCEL_STEPS = 3
LOOP_B_STEPS = 2
#: The accelerator is used only when ``max_iter`` leaves room for it.
ACCEL_MIN_ITER = 32
#: Converged members are dropped from the working stack once they are this share of it.
_COMPACT_SHARE = 0.5


def _accelerator(a: np.ndarray) -> np.ndarray:
    """B = (A/c)^8 by three squarings, c = the largest row sum of A (>= λmax).

    Every power of A/c has row sums <= 1, so nothing overflows; B has the Perron vector of A and
    the subdominant ratio |λ2/λ1|^8: one step with B does the work of 8 steps with A at the cost
    of one matrix-vector product. Members whose (λ/c)^8 could underflow (c > 1e20 n, possible
    only under ``scale="ratio"``) get B = I (no acceleration).
    """
    n = a.shape[-1]
    c = (a @ ones(n)).max(axis=-1)
    usable = c <= 1e20 * n  # λ >= n, so (λ/c)^8 >= 1e-160 stays normal
    if not usable.all():
        c = np.where(usable, c, 1.0)
    b = a * (1.0 / c)[:, None, None]
    for _ in range(ACCEL_SQUARINGS):
        b = np.matmul(b, b)
    if not usable.all():
        b[~usable] = np.eye(n)
    return b


def _b_steps(b: np.ndarray, w: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` normalised power steps with B; members whose result is not a positive finite
    vector keep ``w``."""
    n = w.shape[-1]
    v = w
    for _ in range(steps):
        v = np.matmul(b, v[..., None])[..., 0]
        v = v / (v @ ones(n))[:, None]
    if v.min() > 0 and np.isfinite(v.max()):  # NaN fails both (the usual case: all fine)
        return v
    good = np.isfinite(v).all(axis=-1) & (v > 0).all(axis=-1)
    return np.where(good[:, None], v, w)


def _lapack_single(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal eigenpair of one matrix (shape (1, n, n)) by LAPACK ``eig``, cheap indexing."""
    vals, vecs = np.linalg.eig(a[0])
    k = int(np.argmax(vals.real))
    v = np.abs(vecs[:, k].real)
    return (v / v.sum())[None], np.array([vals[k].real])


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
    w <- Aw / sum(Aw) per matrix until max|Δw| <= ``tol``; then λmax = sum_i (Aw)_i (ahp.md
    §2). The stopping rule is always this step with A itself. Start: ``start`` (default: the
    geometric-mean weights). When ``max_iter >= 32`` the iteration is accelerated with
    B = (A/c)^8 (three squarings; the same Perron vector, the subdominant ratio to the 8th
    power; see :func:`_accelerator`): three steps with B refine the start, and every step with A
    that leaves a member unconverged is followed by two steps with B. A 9x9 survey matrix then
    converges in one or two checked steps instead of about 25, Harker's matrices (slower,
    |λ2/λ1| up to 0.8) in a few rounds instead of about 100. ``max_iter`` bounds the steps after
    the start, counting a step with B as 8 steps with A. Members not converged are recomputed
    with LAPACK, counted in ``info["n_fallback"]`` and announced by a ``ConvergenceWarning``.
    n = 1: w = [1], λ = 1; n = 2: w = (a12, 1)/(1 + a12), λ = 2 exactly. ``info``: ``solver``,
    ``n_iter`` (A-equivalent steps after the start), ``n_fallback``, ``accelerated``.
    """
    r, n, _ = a.shape
    info = {"n_fallback": 0, "n_iter": 0, "solver": "closed form", "accelerated": False}
    if n == 1:
        return np.ones((r, 1)), np.ones(r), info
    if n == 2:
        a12 = a[:, 0, 1]
        w = np.stack([a12, np.ones(r)], axis=-1) / (1.0 + a12)[:, None]
        return w, np.full(r, 2.0), info
    if single or r == 0:
        info["solver"] = "lapack"
        w, lam = _lapack_single(a) if r == 1 else _lapack_perron(a)
        return w, lam, info
    info["solver"] = "power iteration"
    w0 = geometric_weights(a) if start is None else np.array(start, dtype="float64")
    b_act = None
    if max_iter >= ACCEL_MIN_ITER:
        b_act = _accelerator(a)
        w0 = _b_steps(b_act, w0, ACCEL_STEPS)
        info["accelerated"] = True
    b_cost = LOOP_B_STEPS * 2**ACCEL_SQUARINGS
    w = np.empty((r, n))
    lam = np.empty(r)
    idx = np.arange(r)  # original positions of the working stack
    fin = np.zeros(r, dtype=bool)  # converged (results stored) but still in the working stack
    a_act, w_act = a, w0
    it = 0
    while it < max_iter:
        aw = np.matmul(a_act, w_act[..., None])[..., 0]
        s = aw @ ones(n)
        w_new = aw / s[:, None]
        new = (np.abs(w_new - w_act).max(axis=-1) <= tol) & ~fin
        w_act = w_new
        it += 1
        if new.any():
            w[idx[new]] = w_new[new]
            lam[idx[new]] = s[new]
            fin |= new
            if fin.all():
                idx, fin = idx[:0], fin[:0]
                break
            if fin.sum() >= _COMPACT_SHARE * fin.size:  # drop converged members (copies)
                keep = ~fin
                idx, a_act, w_act, fin = idx[keep], a_act[keep], w_act[keep], fin[keep]
                if b_act is not None:
                    b_act = b_act[keep]
        if b_act is not None and it + b_cost + 1 <= max_iter:
            w_act = _b_steps(b_act, w_act, LOOP_B_STEPS)
            it += b_cost
    info["n_iter"] = it
    rest = idx[~fin]
    if rest.size:
        wf, lf = _lapack_perron(a[rest])
        w[rest], lam[rest] = wf, lf
        info["n_fallback"] = int(rest.size)
        warnings.warn(
            f"power iteration did not converge within max_iter={max_iter} (tol={tol:g}) for "
            f"{rest.size} of {r} matrices; LAPACK eig was used for them (report['n_fallback']).",
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


def gci_values(
    a: np.ndarray, w_gm: np.ndarray | None = None, logs: np.ndarray | None = None
) -> np.ndarray:
    """GCI = 2/((n-1)(n-2)) sum_{i<j} ln²(a_ij w_j / w_i) with geometric-mean w; n <= 2 -> 0.

    ``w_gm`` and ``logs`` (ln a): when already computed.
    """
    r, n, _ = a.shape
    if n <= 2:
        return np.zeros(r)
    w = geometric_weights(a, logs) if w_gm is None else w_gm
    lw = np.log(w)
    i, j = upper_indices(n)
    la = np.log(a[:, i, j]) if logs is None else logs[:, i, j]
    e = la + lw[:, j] - lw[:, i]
    return 2.0 / ((n - 1) * (n - 2)) * ((e * e) @ ones(len(i)))

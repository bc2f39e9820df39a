"""Ordinal logit / probit for satisfaction levels (有序 logit, ``methods/satisfaction.md`` §12).

A wrapper around ``statsmodels.miscmodels.ordinal_model.OrderedModel`` that reports what R's
``MASS::polr`` / ``ordinal::clm`` and SPSS PLUM report:

    P(Y ≤ j | x) = F(θ_j − xᵀβ),  j = 1 .. K − 1,

so a positive β shifts answers to higher categories. statsmodels stores the thresholds as the
first cut point followed by log-increments (τ); cvlib converts them, θ₁ = τ₁ and
θ_j = θ_{j−1} + exp(τ_j), and gives their standard errors by the delta method (statsmodels gives
none, statsmodels#8449).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.survey._common import select_items, unwrap

__all__ = ["OrdinalResult", "ordinal_logit", "threshold_jacobian"]

SIGN_CONVENTION = (
    "P(Y <= j | x) = F(theta_j - x'beta) (R ordinal::clm, MASS::polr, SPSS PLUM): a positive "
    "beta shifts answers to higher categories"
)


def threshold_jacobian(raw_thresholds: Sequence[float] | np.ndarray) -> np.ndarray:
    """Jacobian ∂θ/∂τ of statsmodels' threshold parametrisation.

    θ₁ = τ₁, θ_j = θ_{j−1} + exp(τ_j): ∂θ_j/∂τ₁ = 1, ∂θ_j/∂τ_m = exp(τ_m) for 2 ≤ m ≤ j,
    else 0.

    Parameters
    ----------
    raw_thresholds : array-like
        τ = (τ₁, ..., τ_{K−1}), the threshold part of ``OrderedResults.params``.

    Returns
    -------
    ndarray (K − 1, K − 1), lower triangular.

    Examples
    --------
    >>> threshold_jacobian([0.5, 0.0, np.log(2)])
    array([[1., 0., 0.],
           [1., 1., 0.],
           [1., 1., 2.]])
    """
    tau = np.asarray(raw_thresholds, dtype="float64")
    col = np.exp(tau)
    col[0] = 1.0
    return np.tril(np.broadcast_to(col, (len(tau), len(tau))))


@dataclass(frozen=True, repr=False, eq=False)
class OrdinalResult(ResultMixin):
    """An ordinal (cumulative link) regression in R/SPSS form.

    Attributes
    ----------
    coefficients : DataFrame
        Per predictor (factor dummies named ``factor[T.level]``): ``coef`` (β), ``se``, ``z``,
        ``p``, ``ci_low``, ``ci_high`` and, for the logit link, ``odds_ratio`` = exp(β) with
        ``or_ci_low``, ``or_ci_high``.
    thresholds : DataFrame
        Per cut point ``"1|2"``, ``"2|3"``, ... (R's names): ``threshold`` θ_j, ``se`` (delta
        method), ``z``, ``p``.
    raw_params : Series
        statsmodels' parameters (β, then τ: first cut point and log-increments).
    raw_cov : DataFrame
        Their covariance matrix.
    levels : tuple
        The ordered outcome levels used.
    distr : str
        ``"logit"`` or ``"probit"``.
    sign_convention : str
        P(Y ≤ j | x) = F(θ_j − xᵀβ).
    reference_levels : dict
        Factor -> its reference (first) level (R convention; SPSS PLUM uses the last).
    llf, llnull, aic, bic, pseudo_r2 : float
        Log-likelihood, thresholds-only log-likelihood Σ_k n_k ln(n_k/n), AIC = −2 llf + 2k,
        BIC = −2 llf + k ln n (k = predictors + K − 1), McFadden R² = 1 − llf/llnull.
    n, n_dropped : int
        Rows used; rows dropped for a missing outcome or predictor (listwise).
    converged : bool
        The BFGS optimiser's flag (a warning when False).
    dropped_levels : tuple
        Empty levels removed with ``drop_empty_levels=True``.
    ci : float
    """

    coefficients: pd.DataFrame = Snapshot()
    thresholds: pd.DataFrame = Snapshot()
    raw_params: pd.Series = Snapshot()
    raw_cov: pd.DataFrame = Snapshot()
    levels: tuple
    distr: str
    sign_convention: str
    reference_levels: dict = Snapshot()
    llf: float
    llnull: float
    aic: float
    bic: float
    pseudo_r2: float
    n: int
    n_dropped: int
    converged: bool
    dropped_levels: tuple
    ci: float
    target: Hashable
    design: dict = Snapshot()

    _conventions = ("target", "distr", "n", "converged", "pseudo_r2", "reference_levels")
    _title = "OrdinalResult (有序 logit/probit)"

    def summary(self) -> pd.DataFrame:
        """Coefficients and thresholds in one table (``kind`` says which)."""
        c = self._coefficients[["coef", "se", "z", "p"]].assign(kind="coefficient")
        t = self._thresholds.rename(columns={"threshold": "coef"}).assign(kind="threshold")
        return pd.concat([c, t])

    def predict_proba(self, data: pd.DataFrame) -> pd.DataFrame:
        """P(Y = level | x) for new rows (columns = levels), from F(θ_j − xᵀβ)."""
        x = _design(data, self._design)
        eta = x @ self._coefficients["coef"].to_numpy()
        theta = np.concatenate([[-np.inf], self._thresholds["threshold"].to_numpy(), [np.inf]])
        cdf = stats.logistic.cdf if self.distr == "logit" else stats.norm.cdf
        cum = cdf(theta[None, :] - eta[:, None])
        return pd.DataFrame(np.diff(cum, axis=1), index=data.index, columns=list(self.levels))


def _design(data: pd.DataFrame, spec: dict) -> np.ndarray:
    """The exog matrix for ``data`` under a recorded design (numeric columns, factor dummies)."""
    cols = []
    for name, kind, cats in spec["terms"]:
        if name not in data.columns:
            raise KeyError(f"column {name!r} of the fitted model is missing from the data.")
        s = data[name]
        if kind == "numeric":
            cols.append(pd.to_numeric(s).to_numpy(dtype="float64")[:, None])
        else:
            unknown = set(s.dropna().unique()) - set(cats)
            if unknown:
                raise CvlibInputError(
                    f"factor {name!r} has level(s) {sorted(map(str, unknown))} not seen in the "
                    f"fit (levels {list(cats)})."
                )
            cols.append(np.column_stack([(s == c).to_numpy(dtype="float64") for c in cats[1:]]))
    return np.column_stack(cols) if cols else np.empty((len(data), 0))


def ordinal_logit(
    data: Any,
    target: Hashable,
    predictors: Sequence[Hashable],
    *,
    distr: str = "logit",
    levels: Sequence[Any] | None = None,
    codebook: Any = None,
    factors: Sequence[Hashable] | None = None,
    drop_empty_levels: bool = False,
    ci: float = 0.95,
    maxiter: int = 2000,
    gtol: float = 1e-8,
) -> OrdinalResult:
    """Ordinal logit (有序 logit) or probit of a satisfaction level on predictors.

    P(Y ≤ j | x) = F(θ_j − xᵀβ), j = 1 .. K − 1, F logistic or normal: the sign convention of R
    ``ordinal::clm`` / ``MASS::polr`` and SPSS PLUM (a positive β means higher categories).
    Fitted with statsmodels ``OrderedModel`` (``method="bfgs"``); the thresholds are converted
    from statsmodels' (τ₁, log-increments) to θ₁ = τ₁, θ_j = θ_{j−1} + exp(τ_j), with delta-method
    SEs Cov(θ) = J Cov(τ) Jᵀ (:func:`threshold_jacobian`).

    Parameters
    ----------
    data : DataFrame or read_survey result
        One row per respondent (never modified). Rows with a missing outcome or predictor are
        dropped (listwise) and counted.
    target : hashable
        The ordinal outcome (e.g. SAT1 on 1-7).
    predictors : list
        Numeric predictors, and factors (text or categorical columns, or those named in
        ``factors``) coded as dummies against their **first** level (R's convention; SPSS PLUM
        uses the last, which flips the signs of factor effects). No constant: statsmodels' model
        has none (the thresholds play its part), so a constant column raises.
    distr : {"logit", "probit"}
    levels : sequence, optional
        The ordered outcome levels; default the codebook's codes of ``target``, else the
        categories of an ordered categorical, else the sorted observed values.
    codebook : Codebook or dict, optional
    factors : list, optional
        Numeric columns to treat as factors (codebook ``nominal`` items are factors anyway).
    drop_empty_levels : bool
        A level without observations has no identified threshold: ``ValueError`` unless True
        (the level is then dropped and reported).
    ci : float
        Confidence level of the coefficient and odds-ratio intervals.
    maxiter : int
        BFGS iterations.
    gtol : float
        BFGS gradient tolerance (default 1e-8, tighter than scipy's 1e-5, so that estimates
        agree with a Newton fit such as R's to about 1e-7).

    Returns
    -------
    OrdinalResult
        ``coefficients`` (β, SE, z, p, odds ratio with CI), ``thresholds`` (θ_j with
        delta-method SEs), ``llf``, ``aic``, ``bic``, ``pseudo_r2``, ``converged``,
        ``reference_levels``; ``predict_proba(new)``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> y = np.digitize(0.8 * x + rng.logistic(size=400), [-1.0, 0.5]) + 1
    >>> res = ordinal_logit(pd.DataFrame({"y": y, "x": x}), "y", ["x"])
    >>> res.thresholds.index.tolist(), bool(res.coefficients.loc["x", "coef"] > 0)
    (['1|2', '2|3'], True)

    References
    ----------
    McCullagh, P. (1980). Regression models for ordinal data. JRSS B 42(2), 109-142.
    Agresti, A. (2010). Analysis of Ordinal Categorical Data (2nd ed.). Wiley.
    Christensen, R. H. B. (2019). ordinal: regression models for ordinal data (R package).
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    check_choice("distr", distr, ("logit", "probit"))
    if not (0 < ci < 1):
        raise CvlibInputError(f"ci={ci!r} must lie strictly between 0 and 1 (e.g. 0.95).")
    frame, cb, _ = unwrap(data, codebook)
    if isinstance(predictors, str):
        predictors = [predictors]
    preds = select_items(frame, predictors, what="predictors")
    select_items(frame, [target], what="target")
    if target in preds:
        raise CvlibInputError(f"the target {target!r} is also listed as a predictor.")
    factor_set = set(factors or [])
    unknown = factor_set - set(preds)
    if unknown:
        raise KeyError(f"factors {sorted(map(str, unknown))} are not among the predictors.")

    used = frame.loc[:, [target, *preds]]
    complete = used.notna().all(axis=1).to_numpy()
    n_dropped = int((~complete).sum())
    used = used.loc[complete]
    if n_dropped:
        warnings.warn(
            f"ordinal_logit: {n_dropped} row(s) with a missing outcome or predictor were dropped "
            f"(listwise); n = {len(used)}.",
            DataQualityWarning,
            stacklevel=2,
        )

    # the outcome as an ordered categorical with the declared levels
    y_raw = used[target]
    if levels is None:
        spec = None if cb is None else cb.get(target)
        if spec is not None and spec.codes:
            levels = spec.codes
        elif isinstance(y_raw.dtype, pd.CategoricalDtype) and y_raw.cat.ordered:
            levels = list(y_raw.cat.categories)
        else:
            levels = sorted(y_raw.unique().tolist())
    levels = list(levels)
    if len(set(levels)) != len(levels):
        raise CvlibInputError(f"levels {levels} repeat a value.")
    values = y_raw.astype(object) if not isinstance(y_raw.dtype, pd.CategoricalDtype) else y_raw
    lookup = {lv: i for i, lv in enumerate(levels)}

    def code(v: Any) -> int:
        if v in lookup:
            return lookup[v]
        if isinstance(v, float) and v.is_integer() and int(v) in lookup:
            return lookup[int(v)]
        return -1

    codes = np.array([code(v) for v in values.tolist()], dtype=np.intp)
    if (codes < 0).any():
        bad = y_raw[codes < 0]
        raise CvlibInputError(
            f"target {target!r} holds {bad.iloc[0]!r} at row {bad.index[0]!r}, not one of the "
            f"levels {levels}; declare it missing or pass levels=[...]."
        )
    counts = np.bincount(codes, minlength=len(levels))
    empty = [levels[k] for k in np.flatnonzero(counts == 0)]
    if empty and not drop_empty_levels:
        raise CvlibInputError(
            f"level(s) {empty} of {target!r} have no observations, so the thresholds next to "
            f"them are not identified. Pass drop_empty_levels=True to drop them (the report "
            f"lists them), or merge categories."
        )
    keep_levels = [lv for lv in levels if lv not in empty]
    if len(keep_levels) < 2:
        raise CvlibInputError(f"target {target!r} has fewer than 2 observed levels.")
    remap = np.cumsum(counts > 0) - 1
    codes = remap[codes]
    y = pd.Series(
        pd.Categorical.from_codes(codes, categories=list(range(len(keep_levels))), ordered=True),
        index=used.index,
    )

    # the design: numeric columns and factor dummies (first level = reference)
    terms, names, ref = [], [], {}
    for p in preds:
        s = used[p]
        spec = None if cb is None else cb.get(p)
        is_factor = (
            p in factor_set
            or (spec is not None and spec.type == "nominal")
            or isinstance(s.dtype, pd.CategoricalDtype)
            or not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))
        )
        if is_factor:
            cats = (
                list(s.cat.categories)
                if isinstance(s.dtype, pd.CategoricalDtype)
                else sorted(s.unique().tolist(), key=lambda v: (str(type(v)), v))
            )
            cats = [c for c in cats if (s == c).any()]
            if len(cats) < 2:
                raise CvlibInputError(
                    f"factor {p!r} has only one observed level ({cats}); it is a constant and "
                    f"cannot be estimated. Drop it."
                )
            terms.append((p, "factor", tuple(cats)))
            names.extend(f"{p}[T.{c}]" for c in cats[1:])
            ref[p] = cats[0]
        else:
            terms.append((p, "numeric", ()))
            names.append(p)
    design = {"terms": terms}
    x = _design(used, design)
    const = [names[j] for j in np.flatnonzero(np.ptp(x, axis=0) == 0)] if len(x) else []
    if const:
        raise CvlibInputError(
            f"predictor(s) {const} are constant (e.g. an intercept column of ones): there "
            f"should not be a constant in an ordinal model, whose thresholds take the place of "
            f"the intercept. Remove them."
        )
    exog = pd.DataFrame(x, index=used.index, columns=names)

    model = OrderedModel(y, exog, distr=distr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = model.fit(method="bfgs", disp=False, maxiter=maxiter, gtol=gtol)
    converged = bool(res.mle_retvals.get("converged", False))
    if not converged:
        warnings.warn(
            "ordinal_logit: the BFGS optimiser did not converge; the estimates may be wrong. "
            "Check for separation (a level predicted perfectly) or raise maxiter.",
            CvlibWarning,
            stacklevel=2,
        )
    params = np.asarray(res.params, dtype="float64")
    cov = np.asarray(res.cov_params(), dtype="float64")
    k = len(names)
    beta, tau = params[:k], params[k:]
    z_crit = stats.norm.ppf(0.5 + ci / 2)
    se_b = np.sqrt(np.diag(cov)[:k])
    z_b = beta / se_b
    coef = pd.DataFrame(
        {
            "coef": beta,
            "se": se_b,
            "z": z_b,
            "p": 2 * stats.norm.sf(np.abs(z_b)),
            "ci_low": beta - z_crit * se_b,
            "ci_high": beta + z_crit * se_b,
        },
        index=pd.Index(names, name="predictor"),
    )
    if distr == "logit":
        coef["odds_ratio"] = np.exp(beta)
        coef["or_ci_low"] = np.exp(coef["ci_low"])
        coef["or_ci_high"] = np.exp(coef["ci_high"])
    theta = np.asarray(model.transform_threshold_params(params), dtype="float64")[1:-1]
    jac = threshold_jacobian(tau)
    cov_theta = jac @ cov[k:, k:] @ jac.T
    se_t = np.sqrt(np.diag(cov_theta))
    z_t = theta / se_t
    cut_names = [f"{keep_levels[j]}|{keep_levels[j + 1]}" for j in range(len(keep_levels) - 1)]
    thresholds = pd.DataFrame(
        {"threshold": theta, "se": se_t, "z": z_t, "p": 2 * stats.norm.sf(np.abs(z_t))},
        index=pd.Index(cut_names, name="cut"),
    )
    n = len(y)
    nk = np.bincount(codes, minlength=len(keep_levels)).astype("float64")
    llnull = float(np.sum(nk * np.log(nk / n)))
    llf = float(res.llf)
    n_par = len(params)
    raw_names = list(model.exog_names)
    return OrdinalResult(
        coefficients=coef,
        thresholds=thresholds,
        raw_params=pd.Series(params, index=raw_names, name="raw"),
        raw_cov=pd.DataFrame(cov, index=raw_names, columns=raw_names),
        levels=tuple(keep_levels),
        distr=distr,
        sign_convention=SIGN_CONVENTION,
        reference_levels=ref,
        llf=llf,
        llnull=llnull,
        aic=-2 * llf + 2 * n_par,
        bic=-2 * llf + n_par * np.log(n),
        pseudo_r2=1 - llf / llnull if llnull != 0 else np.nan,
        n=n,
        n_dropped=n_dropped,
        converged=converged,
        dropped_levels=tuple(empty),
        ci=float(ci),
        target=target,
        design=design,
    )

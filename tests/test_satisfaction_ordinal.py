"""Ordinal logit / probit in R form (``methods/satisfaction.md`` §12; tolerances of §14:
simulation within 3 SE, threshold transform 1e-10).

Oracle: statsmodels 0.15 ``OrderedModel`` (the engine; the tests check the conversion of its
parameters to R/SPSS thresholds and the delta-method SEs, which statsmodels does not give).
"""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from cvlib import datasets
from cvlib._validation import CvlibInputError
from cvlib._warnings import DataQualityWarning
from cvlib.satisfaction import OrdinalResult, _ordinal, ordinal_logit, threshold_jacobian
from cvlib.survey import Codebook

TRUE_BETA = {"x1": 0.8, "x2": -0.5, "g[T.b]": 0.6, "g[T.c]": -0.4}
TRUE_THETA = np.array([-1.0, 0.5, 2.0])


def _simulate(n=2000, seed=20260501, distr="logit"):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    g = rng.choice(["a", "b", "c"], size=n)
    eta = (
        TRUE_BETA["x1"] * x1
        + TRUE_BETA["x2"] * x2
        + TRUE_BETA["g[T.b]"] * (g == "b")
        + TRUE_BETA["g[T.c]"] * (g == "c")
    )
    noise = rng.logistic(size=n) if distr == "logit" else rng.normal(size=n)
    # P(Y <= j) = F(theta_j - eta)  <=>  Y* = eta + e, Y = 1 + #{j: Y* > theta_j}
    y = 1 + np.searchsorted(TRUE_THETA, eta + noise)
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2, "g": g})


@pytest.fixture(scope="module")
def fitted():
    return ordinal_logit(_simulate(), "y", ["x1", "x2", "g"])


def test_docstring_examples_run():
    result = doctest.testmod(_ordinal, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_simulation_recovers_beta_and_thresholds_within_3_se_12(fitted):
    """Simulated from P(Y <= j | x) = F(θ_j − xᵀβ), n = 2000, fixed seed [§12]."""
    coef = fitted.coefficients
    for name, beta in TRUE_BETA.items():
        assert abs(coef.loc[name, "coef"] - beta) < 3 * coef.loc[name, "se"], name
    th = fitted.thresholds
    assert list(th.index) == ["1|2", "2|3", "3|4"]
    assert (np.abs(th["threshold"].to_numpy() - TRUE_THETA) < 3 * th["se"].to_numpy()).all()
    assert np.all(np.diff(th["threshold"]) > 0)  # converted thresholds are increasing
    assert fitted.converged
    assert fitted.n == 2000 and fitted.levels == (1, 2, 3, 4)


def test_probit_simulation_within_3_se_12():
    res = ordinal_logit(_simulate(distr="probit", seed=7), "y", ["x1", "x2", "g"], distr="probit")
    coef = res.coefficients
    for name, beta in TRUE_BETA.items():
        assert abs(coef.loc[name, "coef"] - beta) < 3 * coef.loc[name, "se"], name
    th = res.thresholds
    assert (np.abs(th["threshold"].to_numpy() - TRUE_THETA) < 3 * th["se"].to_numpy()).all()
    assert "odds_ratio" not in coef.columns


def test_threshold_transform_matches_statsmodels_and_recursion_1e10(fitted):
    raw = fitted.raw_params
    k = len(fitted.coefficients)
    tau = raw.to_numpy()[k:]
    model = OrderedModel(np.array([1, 2, 3, 4]), np.zeros((4, 0)) + 0.0, distr="logit")
    sm_theta = np.asarray(model.transform_threshold_params(raw.to_numpy()))[1:-1]
    recursion = np.cumsum(np.concatenate([[tau[0]], np.exp(tau[1:])]))
    np.testing.assert_allclose(fitted.thresholds["threshold"], sm_theta, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fitted.thresholds["threshold"], recursion, rtol=0, atol=1e-10)
    # statsmodels' raw thresholds are NOT R's: the second one is a log-increment
    assert raw.iloc[k + 1] == pytest.approx(np.log(sm_theta[1] - sm_theta[0]), abs=1e-10)


def test_delta_method_ses_match_numerical_jacobian_1e6(fitted):
    k = len(fitted.coefficients)
    tau = fitted.raw_params.to_numpy()[k:]
    cov = fitted.raw_cov.to_numpy()[k:, k:]

    def theta(t):
        return np.cumsum(np.concatenate([[t[0]], np.exp(t[1:])]))

    h = 1e-6
    jac = np.column_stack(
        [(theta(tau + h * e) - theta(tau - h * e)) / (2 * h) for e in np.eye(len(tau))]
    )
    np.testing.assert_allclose(threshold_jacobian(tau), jac, atol=1e-8)
    se_num = np.sqrt(np.diag(jac @ cov @ jac.T))
    np.testing.assert_allclose(fitted.thresholds["se"], se_num, rtol=0, atol=1e-6)
    # the first threshold's SE is statsmodels' own
    assert fitted.thresholds["se"].iloc[0] == pytest.approx(np.sqrt(cov[0, 0]), abs=1e-15)


def test_fit_statistics_match_statsmodels(fitted):
    df = _simulate()
    exog = pd.DataFrame(
        {
            "x1": df["x1"],
            "x2": df["x2"],
            "g[T.b]": (df["g"] == "b").astype(float),
            "g[T.c]": (df["g"] == "c").astype(float),
        }
    )
    y = pd.Series(pd.Categorical(df["y"], categories=[1, 2, 3, 4], ordered=True))
    res = OrderedModel(y, exog, distr="logit").fit(
        method="bfgs", disp=False, maxiter=2000, gtol=1e-8
    )
    np.testing.assert_allclose(fitted.coefficients["coef"], res.params.iloc[:4], atol=1e-6)
    assert fitted.llf == pytest.approx(res.llf, abs=1e-6)
    assert fitted.aic == pytest.approx(res.aic, abs=1e-5)
    assert fitted.bic == pytest.approx(res.bic, abs=1e-5)
    assert fitted.llnull == pytest.approx(res.llnull, abs=1e-6)
    assert fitted.pseudo_r2 == pytest.approx(res.prsquared, abs=1e-8)
    c = fitted.coefficients
    np.testing.assert_allclose(c["odds_ratio"], np.exp(c["coef"]), rtol=1e-15)
    z = stats.norm.ppf(0.975)
    np.testing.assert_allclose(c["or_ci_low"], np.exp(c["coef"] - z * c["se"]), rtol=1e-12)
    np.testing.assert_allclose(c["p"], 2 * stats.norm.sf(np.abs(c["coef"] / c["se"])), atol=0)


def test_sign_convention_positive_beta_means_higher_categories_12(fitted):
    assert "positive beta shifts answers to higher categories" in fitted.sign_convention
    new = pd.DataFrame({"x1": [-2.0, 0.0, 2.0], "x2": 0.0, "g": "a"})
    p = fitted.predict_proba(new)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
    expected_level = p.to_numpy() @ np.arange(1, 5)
    assert np.all(np.diff(expected_level) > 0)  # x1 has β > 0
    # P(Y <= 1 | x) = F(θ₁ − xᵀβ) by hand
    eta = fitted.coefficients.loc["x1", "coef"] * 2.0
    theta1 = fitted.thresholds["threshold"].iloc[0]
    assert p.iloc[2, 0] == pytest.approx(stats.logistic.cdf(theta1 - eta), abs=1e-12)


def test_factor_reference_is_first_level_r_convention_12(fitted):
    assert fitted.reference_levels == {"g": "a"}
    assert "reference_levels={'g': 'a'}" in repr(fitted)
    # SPSS PLUM's last-level reference flips the sign: with 'c' first, g[T.a] = -g[T.c]
    df = _simulate()
    df["g"] = pd.Categorical(df["g"], categories=["c", "a", "b"])
    alt = ordinal_logit(df, "y", ["x1", "x2", "g"])
    assert alt.reference_levels == {"g": "c"}
    assert alt.coefficients.loc["g[T.a]", "coef"] == pytest.approx(
        -fitted.coefficients.loc["g[T.c]", "coef"], abs=1e-6
    )
    # a Newton fit (as R's clm) agrees with the BFGS fit at gtol=1e-8
    exog = pd.DataFrame(
        {
            "x1": df["x1"],
            "x2": df["x2"],
            "g[T.b]": (df["g"] == "b").astype(float),
            "g[T.c]": (df["g"] == "c").astype(float),
        }
    )
    y = pd.Series(pd.Categorical(df["y"], ordered=True))
    newton = OrderedModel(y, exog, distr="logit").fit(method="newton", disp=False, maxiter=100)
    np.testing.assert_allclose(fitted.coefficients["coef"], newton.params.iloc[:4], atol=1e-6)


def test_constant_predictor_is_refused_12():
    df = _simulate(n=300).assign(const=1.0)
    with pytest.raises(CvlibInputError, match="should not be a constant"):
        ordinal_logit(df, "y", ["x1", "const"])


def test_empty_level_raises_unless_dropped_12():
    df = _simulate(n=300)
    with pytest.raises(CvlibInputError, match=r"level\(s\) \[5\] .* no observations"):
        ordinal_logit(df, "y", ["x1"], levels=[1, 2, 3, 4, 5])
    res = ordinal_logit(df, "y", ["x1"], levels=[1, 2, 3, 4, 5], drop_empty_levels=True)
    assert res.dropped_levels == (5,) and res.levels == (1, 2, 3, 4)
    with pytest.raises(CvlibInputError, match="not one of the levels"):
        ordinal_logit(df, "y", ["x1"], levels=[1, 2, 3])


def test_missing_rows_dropped_and_counted():
    df = _simulate(n=300)
    df.loc[[0, 5], "x1"] = np.nan
    with pytest.warns(DataQualityWarning, match="2 row"):
        res = ordinal_logit(df, "y", ["x1", "x2"])
    assert res.n == 298 and res.n_dropped == 2


def test_levels_come_from_the_codebook():
    df = _simulate(n=300)
    cb = Codebook({"y": {"type": "ordinal", "scale_min": 1, "scale_max": 4}})
    res = ordinal_logit(df, "y", ["x1"], codebook=cb)
    assert res.levels == (1, 2, 3, 4)
    cb5 = Codebook({"y": {"type": "ordinal", "scale_min": 1, "scale_max": 5}})
    with pytest.raises(CvlibInputError, match="no observations"):
        ordinal_logit(df, "y", ["x1"], codebook=cb5)


def test_ordinal_logit_on_bundled_survey_and_mobi():
    """Demonstration: overall satisfaction SAT1 (1-7, 很不满意..很满意) on perceived quality,
    value and customer type (a nominal factor, 新客户 as reference); mobi CUSA1 (1-10, observed
    4-10) needs drop_empty_levels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sv = datasets.load_satisfaction_survey()
    with pytest.warns(DataQualityWarning, match="dropped"):
        res = ordinal_logit(sv, "SAT1", ["PQ1", "PV1", "customer_type"])
    assert isinstance(res, OrdinalResult)
    assert res.levels == tuple(range(1, 8))
    assert list(res.reference_levels) == ["customer_type"]
    assert res.coefficients.loc["PQ1", "coef"] > 0 and res.coefficients.loc["PQ1", "p"] < 0.001
    assert np.all(np.diff(res.thresholds["threshold"]) > 0)
    assert res.thresholds.index[0] == "1|2"
    assert set(res.summary()["kind"]) == {"coefficient", "threshold"}
    mobi = datasets.load_mobi()
    mobi_cb = Codebook({"CUSA1": {"scale": "score10"}})
    with pytest.raises(CvlibInputError, match="no observations"):
        ordinal_logit(mobi, "CUSA1", ["PERQ1"], codebook=mobi_cb)
    m = ordinal_logit(mobi, "CUSA1", ["PERQ1", "IMAG1"], codebook=mobi_cb, drop_empty_levels=True)
    assert m.dropped_levels == (1, 2, 3) and m.levels[0] == 4
    assert m.coefficients.loc["PERQ1", "coef"] > 0

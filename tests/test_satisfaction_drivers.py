"""Key-driver analysis (``methods/satisfaction.md`` §7; tolerances of §14: properties 1e-12,
pingouin parity 1e-12, Johnson parity 1e-8).

Oracles (test-only, never imported by cvlib): pingouin 0.7.0 ``linear_regression(...,
relimp=True)`` for LMG, statsmodels OLS for b/SE/t/p, and Johnson's (2000) original SVD
construction of relative weights (the algorithm of R relativeImp / the RWA web tool; relativeImp
itself is not installed and the spec gives no numbers).
"""

from __future__ import annotations

import doctest
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm

from cvlib import datasets
from cvlib._validation import CvlibInputError
from cvlib._warnings import CvlibWarning, DataQualityWarning
from cvlib.satisfaction import (
    KeyDriverResult,
    _drivers,
    key_drivers,
    lmg_shares,
    plot_key_drivers,
    relative_weights,
)

MOBI_CONSTRUCTS = {
    "Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
    "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    "Quality": ["PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
}


@pytest.fixture(scope="module")
def mobi():
    return datasets.load_mobi()


@pytest.fixture(scope="module")
def mobi_means(mobi):
    return pd.DataFrame({k: mobi[v].mean(axis=1) for k, v in MOBI_CONSTRUCTS.items()})


def _johnson_svd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson (2000), as published: Z = P Qᵀ from the SVD of the standardized X, β = regression
    of y on Z, Λ = regression of X on Z, ε_j = Σ_k Λ_jk² β_k²."""
    xs = (x - x.mean(0)) / x.std(0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    p_, d, qt = np.linalg.svd(xs, full_matrices=False)
    z = p_ @ qt
    z = (z - z.mean(0)) / z.std(0, ddof=1)
    beta = np.linalg.lstsq(z, ys, rcond=None)[0]
    lam = np.linalg.lstsq(z, xs, rcond=None)[0]  # rows: Z_k, columns: X_j
    return (lam.T**2) @ (beta**2)


def test_docstring_examples_run():
    result = doctest.testmod(_drivers, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------------------------
# §7 property tests [exact]


def test_uncorrelated_drivers_pratt_lmg_johnson_equal_r_squared_7():
    """Uncorrelated drivers: Pratt = LMG = Johnson = r_jy² [exact]."""
    r = np.array([0.5, 0.3, -0.2])
    corr = np.eye(4)
    corr[0, 1:] = corr[1:, 0] = r
    np.testing.assert_allclose(lmg_shares(corr), r**2, atol=1e-12)
    np.testing.assert_allclose(relative_weights(corr), r**2, atol=1e-12)
    # on data: centred columns made orthogonal by QR are exactly uncorrelated
    rng = np.random.default_rng(3)
    n = 200
    z = rng.normal(size=(n, 3))
    z -= z.mean(0)
    z = np.linalg.qr(z)[0]
    y = z @ [2.0, 1.0, -0.5] + 0.3 * rng.normal(size=n)
    data = pd.DataFrame(z, columns=["a", "b", "c"]).assign(y=y)
    assert np.abs(np.corrcoef(z, rowvar=False) - np.eye(3)).max() < 1e-12
    res = key_drivers(data, "y", ["a", "b", "c"])
    r2 = res.table["r"].to_numpy() ** 2
    for col in ("pratt", "lmg", "johnson"):
        np.testing.assert_allclose(res.table[col], r2, atol=1e-12)


def test_two_drivers_lmg_formula_7():
    """LMG₁ = (r₁y² + R² − r₂y²)/2 [exact]."""
    rng = np.random.default_rng(5)
    x1 = rng.normal(size=300)
    x2 = 0.6 * x1 + rng.normal(size=300)
    y = x1 + 0.5 * x2 + rng.normal(size=300)
    res = key_drivers(pd.DataFrame({"x1": x1, "x2": x2, "y": y}), "y", ["x1", "x2"])
    r1, r2y = res.table["r"]
    assert res.table.loc["x1", "lmg"] == pytest.approx((r1**2 + res.r2 - r2y**2) / 2, abs=1e-12)
    assert res.table.loc["x2", "lmg"] == pytest.approx((r2y**2 + res.r2 - r1**2) / 2, abs=1e-12)


@pytest.mark.filterwarnings("ignore::cvlib._warnings.CvlibWarning")
def test_shares_sum_to_r_squared_and_percent_sum_to_100_7(mobi):
    preds = ["IMAG1", "IMAG2", "CUEX1", "CUEX2", "PERQ1", "PERQ2", "PERV1", "PERV2"]
    res = key_drivers(mobi, "CUSA2", preds)
    for col in ("pratt", "lmg", "johnson"):
        assert res.table[col].sum() == pytest.approx(res.r2, abs=1e-12)
        assert res.table[col + "_pct"].sum() == pytest.approx(100.0, abs=1e-10)
    np.testing.assert_allclose(res.table["pratt"], res.table["beta"] * res.table["r"], atol=1e-15)
    n, p = res.n, len(preds)
    assert res.adj_r2 == pytest.approx(1 - (1 - res.r2) * (n - 1) / (n - p - 1), abs=1e-15)


# ---------------------------------------------------------------------------------------------
# oracles


@pytest.mark.filterwarnings("ignore::cvlib._warnings.CvlibWarning")
@pytest.mark.parametrize(
    "preds",
    [
        ["IMAG1", "CUEX1", "PERV1"],
        ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5", "CUEX1", "CUEX2", "CUEX3"],
        ["PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7", "PERV1", "PERV2", "CUSCO"],
    ],
)
def test_lmg_matches_pingouin_relimp_1e12(mobi, preds):
    res = key_drivers(mobi, "CUSA1", preds)
    lr = pg.linear_regression(mobi[preds], mobi["CUSA1"], relimp=True).set_index("names")
    np.testing.assert_allclose(res.table["lmg"], lr.loc[preds, "relimp"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        res.table["lmg_pct"], lr.loc[preds, "relimp_perc"], rtol=0, atol=1e-10
    )
    assert res.r2 == pytest.approx(lr["r2"].iloc[0], abs=1e-12)
    np.testing.assert_allclose(res.table["b"], lr.loc[preds, "coef"], atol=1e-12)
    np.testing.assert_allclose(res.table["se"], lr.loc[preds, "se"], atol=1e-12)


def test_ols_columns_match_statsmodels(mobi):
    preds = ["IMAG1", "CUEX2", "PERQ1", "PERV2"]
    res = key_drivers(mobi, "CUSA3", preds)
    ols = sm.OLS(mobi["CUSA3"].astype(float), sm.add_constant(mobi[preds].astype(float))).fit()
    np.testing.assert_allclose(res.table["b"], ols.params[preds], atol=1e-12)
    np.testing.assert_allclose(res.table["se"], ols.bse[preds], atol=1e-12)
    np.testing.assert_allclose(res.table["t"], ols.tvalues[preds], atol=1e-9)
    np.testing.assert_allclose(res.table["p"], ols.pvalues[preds], atol=1e-12)
    assert res.intercept == pytest.approx(ols.params["const"], abs=1e-10)
    assert res.r2 == pytest.approx(ols.rsquared, abs=1e-12)
    # standardized beta = OLS on z-scores
    z = mobi[[*preds, "CUSA3"]].astype(float)
    z = (z - z.mean()) / z.std(ddof=1)
    zfit = sm.OLS(z["CUSA3"], z[preds]).fit()
    np.testing.assert_allclose(res.table["beta"], zfit.params[preds], atol=1e-12)
    vif = [
        1 / (1 - sm.OLS(z[c], sm.add_constant(z.drop(columns=[c, "CUSA3"]))).fit().rsquared)
        for c in preds
    ]
    np.testing.assert_allclose(res.table["vif"], vif, atol=1e-10)


@pytest.mark.filterwarnings("ignore::cvlib._warnings.CvlibWarning")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_johnson_weights_match_original_svd_algorithm_1e8(seed):
    rng = np.random.default_rng(seed)
    cov = rng.normal(size=(6, 6))
    x = rng.normal(size=(150, 6)) @ cov
    y = x @ rng.normal(size=6) + 2 * rng.normal(size=150)
    df = pd.DataFrame(x, columns=list("abcdef")).assign(y=y)
    res = key_drivers(df, "y", list("abcdef"), method="johnson")
    np.testing.assert_allclose(res.table["johnson"], _johnson_svd(x, y), rtol=0, atol=1e-8)


def test_johnson_and_lmg_on_mobi_construct_means(mobi_means):
    """Demonstration: key drivers of CUSA (mean of CUSA1-3) from the construct means."""
    preds = ["Image", "Expectation", "Quality", "Value"]
    res = key_drivers(mobi_means, "Satisfaction", preds)
    lr = pg.linear_regression(mobi_means[preds], mobi_means["Satisfaction"], relimp=True)
    np.testing.assert_allclose(
        res.table["lmg"], lr.set_index("names").loc[preds, "relimp"], atol=1e-12
    )
    x = mobi_means[preds].to_numpy()
    np.testing.assert_allclose(
        res.table["johnson"], _johnson_svd(x, mobi_means["Satisfaction"].to_numpy()), atol=1e-8
    )
    # perceived quality is the leading driver of satisfaction in the ECSI data
    assert res.ranking("lmg").index[0] == "Quality"
    assert res.ranking("johnson").index[0] == "Quality"
    assert 0.5 < res.r2 < 0.8


def test_key_drivers_on_bundled_chinese_survey():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sv = datasets.load_satisfaction_survey()
    d = sv.data
    means = pd.DataFrame(
        {
            "顾客期望": d[["EXP1", "EXP2", "EXP3"]].mean(axis=1),
            "感知质量": d[["PQ1", "PQ2", "PQ4", "PQ5"]].mean(axis=1),
            "感知价值": d[["PV1", "PV2"]].mean(axis=1),
            "顾客满意": d[["SAT1", "SAT2", "SAT3"]].mean(axis=1),
        }
    )
    res = key_drivers(means, "顾客满意", ["顾客期望", "感知质量", "感知价值"])
    assert res.ranking("lmg").index[0] == "感知质量"  # the generating model: 0.55 quality
    assert res.table["lmg"].sum() == pytest.approx(res.r2, abs=1e-12)
    # item-level drivers with missing answers: listwise deletion reported
    with pytest.warns(DataQualityWarning, match="dropped"):
        items = key_drivers(sv, "SAT1", ["PQ1", "PQ2", "PQ3", "PV1"])
    assert items.n_dropped == int(d[["SAT1", "PQ1", "PQ2", "PQ3", "PV1"]].isna().any(axis=1).sum())
    assert items.n + items.n_dropped == len(d)


# ---------------------------------------------------------------------------------------------
# options and bad input


def test_method_returns_one_measure(mobi):
    preds = ["IMAG1", "CUEX1", "PERV1"]
    full = key_drivers(mobi, "CUSA1", preds)
    for method, cols in [
        ("lmg", ["lmg", "lmg_pct"]),
        ("shapley", ["lmg", "lmg_pct"]),
        ("johnson", ["johnson", "johnson_pct"]),
        ("relative_weights", ["johnson", "johnson_pct"]),
        ("pratt", ["pratt", "pratt_pct"]),
        ("beta", ["beta"]),
        ("r", ["r"]),
    ]:
        res = key_drivers(mobi, "CUSA1", preds, method=method)
        assert list(res.table.columns) == cols
        pd.testing.assert_frame_equal(res.table, full.table[cols])
        assert res.r2 == full.r2
    assert full.lmg == "exact (2^p subsets)"
    assert key_drivers(mobi, "CUSA1", preds, method="beta").lmg == "not computed"
    with pytest.raises(CvlibInputError, match="not a valid option"):
        key_drivers(mobi, "CUSA1", preds, method="dominance")


def test_singular_drivers_raise_naming_them():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    df["total"] = df["a"] + df["b"]
    df["y"] = rng.normal(size=50)
    with pytest.raises(CvlibInputError, match=r"\['a', 'b', 'total'\] are perfectly collinear"):
        key_drivers(df, "y", ["a", "b", "c", "total"])


def test_high_vif_and_suppressor_warn():
    rng = np.random.default_rng(1)
    a = rng.normal(size=400)
    b = a + 0.15 * rng.normal(size=400)
    y = a - 0.8 * b + 0.3 * rng.normal(size=400)
    df = pd.DataFrame({"a": a, "b": b, "y": y})
    with pytest.warns(CvlibWarning) as rec:
        res = key_drivers(df, "y", ["a", "b"])
    text = " ".join(str(w.message) for w in rec)
    assert "VIF > 5" in text and "negative Pratt" in text
    assert res.table["suppressor"].any()


def test_lmg_size_limits_7():
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.normal(size=(120, 21)), columns=[f"x{j}" for j in range(21)])
    x["y"] = x.sum(axis=1) + rng.normal(size=120)
    with pytest.raises(CvlibInputError, match="method='johnson'"):
        key_drivers(x, "y", [f"x{j}" for j in range(21)])
    res = key_drivers(x, "y", [f"x{j}" for j in range(21)], method="johnson")
    assert res.table["johnson"].sum() == pytest.approx(res.r2, abs=1e-12)
    with pytest.warns(CvlibWarning, match="2\\^16"):
        res16 = key_drivers(x, "y", [f"x{j}" for j in range(16)], method="lmg")
    assert res16.table["lmg"].sum() == pytest.approx(res16.r2, abs=1e-12)


def test_lmg_speed_15_predictors_is_vectorised():
    """Measured: p = 15 (32,768 subsets) in about 0.1 s on the 2-core test machine."""
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.normal(size=(300, 15)), columns=[f"x{j}" for j in range(15)])
    x["y"] = x.sum(axis=1) + rng.normal(size=300)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # p <= 15 runs silently
        res = key_drivers(x, "y", [f"x{j}" for j in range(15)])
    assert time.perf_counter() - start < 5
    assert res.table["lmg"].sum() == pytest.approx(res.r2, abs=1e-12)


def test_bad_input_messages(mobi):
    with pytest.raises(KeyError, match="'NOPE'"):
        key_drivers(mobi, "CUSA1", ["IMAG1", "NOPE"])
    with pytest.raises(CvlibInputError, match="also listed as a predictor"):
        key_drivers(mobi, "CUSA1", ["IMAG1", "CUSA1"])
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "a": [1.0, 1, 1, 1, 1], "b": [2.0, 1, 4, 3, 5]})
    with pytest.raises(CvlibInputError, match="constant"):
        key_drivers(df, "y", ["a", "b"])
    with pytest.raises(CvlibInputError, match="at least p \\+ 2"):
        key_drivers(pd.DataFrame({"y": [1.0, 2.0], "b": [2.0, 1.0]}), "y", ["b"])
    text = pd.DataFrame({"y": [1.0, 2, 3, 4], "b": ["x", "1", "2", "3"]})
    with pytest.raises(TypeError, match="'b' is not numeric"):
        key_drivers(text, "y", ["b"])


def test_result_and_plot(mobi_means):
    res = key_drivers(mobi_means, "Satisfaction", ["Image", "Expectation", "Quality", "Value"])
    assert isinstance(res, KeyDriverResult)
    assert "r2=" in repr(res) and "lmg=" in repr(res)
    t = res.table
    t.loc["Image", "lmg"] = 9
    assert res.table.loc["Image", "lmg"] != 9
    ax = plot_key_drivers(res, lang="zh")
    assert ax.get_xlabel() == "LMG (Shapley) 相对重要性 (占 R² 的 %)"
    assert ax.get_ylabel() == "驱动因素"
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "Quality"  # largest on top
    ax = plot_key_drivers(res, "beta", lang="en")
    assert ax.get_xlabel() == "standardized β"
    with pytest.raises(CvlibInputError, match="not in this result"):
        plot_key_drivers(key_drivers(mobi_means, "Satisfaction", ["Image"], method="beta"))
    plt.close("all")

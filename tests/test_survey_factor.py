"""KMO/MSA, Bartlett, eigenvalues, parallel analysis, EFA and McDonald's omega
(cvlib.survey._factor; methods/survey.md §7.3 and §8).

Reference values: methods/survey.md §8.4 (psych, PSPP, factor_analyzer, computed); published R
output for the EFA (psych ``fa`` and R ``factanal`` printouts on the same bfi data, cited at each
test); [exact] property tests built on data whose sample correlation matrix is exactly a chosen R.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from statsmodels.multivariate.factor_rotation import rotate_factors

from cvlib._validation import CvlibInputError
from cvlib._warnings import CvlibWarning
from cvlib.datasets import BFI_ITEMS, BFI_SCALES, load_bfi
from cvlib.survey import (
    _factor,
    bartlett_sphericity,
    correlation_matrix,
    efa,
    eigenvalues,
    kmo,
    mcdonald_omega,
    parallel_analysis,
)

SCALE_OF = {item: scale for scale, items in BFI_SCALES.items() for item in items}


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return load_bfi()


@pytest.fixture(scope="module")
def fit(bfi):
    """``fit(**kwargs)``, each setting fitted once per module
    (results are immutable, so tests can share them)."""
    cache: dict = {}

    def run(**kwargs):
        key = tuple(sorted(kwargs.items(), key=lambda kv: kv[0]))
        if key not in cache:
            cache[key] = efa(bfi, BFI_ITEMS, n_factors=5, **kwargs)
        return cache[key]

    return run


@pytest.fixture(scope="module")
def psych_fa(fit):
    """psych ``fa(bfi[1:25], 5)`` settings: minres, oblimin without Kaiser normalization."""
    return fit(normalize=False)


def exact_frame(R: np.ndarray, n: int = 120, seed: int = 0) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly R (whitened normals times chol(R)')."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, R.shape[0]))
    Z -= Z.mean(axis=0)
    Q, _ = np.linalg.qr(Z)
    X = Q @ np.linalg.cholesky(R).T
    return pd.DataFrame(X, columns=[f"q{i + 1}" for i in range(R.shape[0])])


def one_factor_R(lam) -> np.ndarray:
    lam = np.asarray(lam, dtype=float)
    R = np.outer(lam, lam)
    np.fill_diagonal(R, 1.0)
    return R


def dominant_scale(loadings: pd.DataFrame) -> dict:
    """Item -> the scale of its dominant factor (each factor named after its majority scale)."""
    dom = loadings.abs().idxmax(axis=1)
    factor_scale = {
        f: pd.Series([SCALE_OF[i] for i in dom.index[dom == f]]).mode()[0] for f in dom.unique()
    }
    return {item: factor_scale[f] for item, f in dom.items()}


# --------------------------------------------------------------------------------------------
# correlation matrix
# --------------------------------------------------------------------------------------------


def test_correlation_pairwise_equals_r_cor_pairwise_bfi(bfi):
    # R cor(use="pairwise") = pandas' pairwise corr (each pair with its own means and SDs)
    res = correlation_matrix(bfi, BFI_ITEMS)
    np.testing.assert_allclose(res.matrix.to_numpy(), bfi[BFI_ITEMS].corr().to_numpy(), atol=1e-12)
    notna = bfi[BFI_ITEMS].notna().astype(int)
    np.testing.assert_array_equal(res.pair_n.to_numpy(), (notna.T @ notna).to_numpy())
    assert (res.n, res.n_excluded, res.missing) == (2800, 0, "pairwise")
    assert res.n_missing["A1"] == int(bfi["A1"].isna().sum())


def test_correlation_listwise_uses_complete_rows_bfi(bfi):
    res = correlation_matrix(bfi, BFI_ITEMS, missing="listwise")
    complete = bfi[BFI_ITEMS].dropna()
    np.testing.assert_allclose(res.matrix.to_numpy(), complete.corr().to_numpy(), atol=1e-12)
    assert (res.n, res.n_excluded) == (2436, 364)
    assert (res.pair_n.to_numpy() == 2436).all()


def test_correlation_does_not_mutate_input(bfi):
    before = bfi.copy(deep=True)
    correlation_matrix(bfi, BFI_ITEMS, missing="listwise")
    kmo(bfi, BFI_ITEMS)
    efa(bfi, BFI_ITEMS[:10], n_factors=2)
    pd.testing.assert_frame_equal(bfi, before)


def test_correlation_rows_without_answers_are_counted_as_excluded():
    df = pd.DataFrame(
        {"a": [1, 2, 3, 4, np.nan], "b": [2, 1, 4, 3, np.nan], "c": [1, 3, 2, 4, np.nan]}
    )
    res = correlation_matrix(df)
    assert (res.n, res.n_rows, res.n_excluded) == (4, 5, 1)


def test_accepts_read_survey_like_result(bfi):
    wrapped = SimpleNamespace(data=bfi, codebook=None, missing_reasons=None)
    assert kmo(wrapped, BFI_ITEMS).overall == pytest.approx(kmo(bfi, BFI_ITEMS).overall, abs=0)


# --------------------------------------------------------------------------------------------
# KMO (methods/survey.md §8.4)
# --------------------------------------------------------------------------------------------

# item: (psych 2 d.p., pairwise [computed], listwise [computed])
MSA_BFI = {
    "A1": (0.74, 0.7447, 0.7541),
    "A2": (0.84, 0.8377, 0.8364),
    "A3": (0.87, 0.8731, 0.8702),
    "A4": (0.87, 0.8698, 0.8780),
    "A5": (0.90, 0.9013, 0.9036),
    "C1": (0.83, 0.8340, 0.8434),
    "C2": (0.79, 0.7881, 0.7958),
    "C3": (0.85, 0.8485, 0.8520),
    "C4": (0.82, 0.8220, 0.8266),
    "C5": (0.86, 0.8609, 0.8641),
    "E1": (0.83, 0.8341, 0.8381),
    "E2": (0.88, 0.8819, 0.8839),
    "E3": (0.89, 0.8939, 0.8970),
    "E4": (0.87, 0.8716, 0.8774),
    "E5": (0.89, 0.8919, 0.8934),
    "N1": (0.78, 0.7811, 0.7795),
    "N2": (0.78, 0.7840, 0.7804),
    "N3": (0.86, 0.8598, 0.8624),
    "N4": (0.88, 0.8848, 0.8853),
    "N5": (0.86, 0.8618, 0.8602),
    "O1": (0.85, 0.8488, 0.8587),
    "O2": (0.78, 0.7772, 0.7803),
    "O3": (0.84, 0.8421, 0.8445),
    "O4": (0.76, 0.7646, 0.7702),
    "O5": (0.76, 0.7574, 0.7616),
}


def test_kmo_bfi_pairwise_psych(bfi):
    # survey.md §8.4: psych KMO(bfi[1:25]) overall .85; 0.845897 [computed]
    res = kmo(bfi, BFI_ITEMS)
    assert res.overall == pytest.approx(0.845897, abs=1e-4)
    assert round(res.overall, 2) == 0.85
    assert (res.n, res.k, res.missing) == (2800, 25, "pairwise")
    for item, (psych, pairwise, _) in MSA_BFI.items():
        assert res.per_item[item] == pytest.approx(pairwise, abs=1e-4), item
        assert round(res.per_item[item], 2) == psych, item  # psych's 2-decimal printout


def test_kmo_bfi_listwise_factor_analyzer(bfi):
    # survey.md §8.4: factor_analyzer calculate_kmo / DataCamp tutorial 0.8486452309468382
    res = kmo(bfi, BFI_ITEMS, missing="listwise")
    assert res.overall == pytest.approx(0.848645, abs=1e-4)
    assert res.overall == pytest.approx(0.8486452309468382, abs=1e-6)
    assert (res.n, res.n_excluded) == (2436, 364)
    for item, (_, _, listwise) in MSA_BFI.items():
        assert res.per_item[item] == pytest.approx(listwise, abs=1e-4), item


def test_kmo_kaiser_label_bilingual_bfi(bfi):
    en = kmo(bfi, BFI_ITEMS)
    zh = kmo(bfi, BFI_ITEMS, lang="zh")
    assert en.label == "meritorious"  # .845897 is in [.8, .9)
    assert zh.label == "良好/很适合"
    assert "marvelous" in en.thresholds and "不可接受" in zh.thresholds
    table = en.summary()
    assert table.loc["overall", "msa"] == en.overall
    assert table.loc["A1", "label"] == "middling"  # MSA .7447
    assert "overall=" in repr(en)


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (0.95, "marvelous", "极好/非常适合"),
        (0.9, "marvelous", "极好/非常适合"),
        (0.8999, "meritorious", "良好/很适合"),
        (0.7999999999999999, "meritorious", "良好/很适合"),  # 0.8 up to rounding
        (0.75, "middling", "中等/适合"),
        (0.6, "mediocre", "一般/勉强适合"),
        (0.5, "miserable", "差/不太适合"),
        (0.49, "unacceptable", "不可接受/不适合"),
    ],
)
def test_kaiser_label_bands_survey_spec(value, en, zh):
    # survey.md §8.1 bands
    assert _factor._kaiser_label(value, "en") == en
    assert _factor._kaiser_label(value, "zh") == zh


# --------------------------------------------------------------------------------------------
# Bartlett and eigenvalues (methods/survey.md §8.4)
# --------------------------------------------------------------------------------------------


def test_bartlett_bfi_pairwise_psych(bfi):
    # psych fa null model chi2 20163.79; 20163.789 [computed]; n = 2800, dof 300
    res = bartlett_sphericity(bfi, BFI_ITEMS)
    assert res.statistic == pytest.approx(20163.789, abs=1e-3)
    assert round(res.statistic, 2) == 20163.79
    assert (res.dof, res.n, res.k) == (300, 2800, 25)
    assert res.pvalue < 1e-300
    assert "not all zero" in res.interpretation
    assert "适合做因子分析" in bartlett_sphericity(bfi, BFI_ITEMS, lang="zh").interpretation


def test_bartlett_bfi_listwise_pspp(bfi):
    # PSPP FACTOR 18146.07; 18146.066 [computed]; n = 2436 complete rows
    res = bartlett_sphericity(bfi, BFI_ITEMS, missing="listwise")
    assert res.statistic == pytest.approx(18146.066, abs=1e-3)
    assert round(res.statistic, 2) == 18146.07
    assert (res.dof, res.n, res.n_excluded) == (300, 2436, 364)


def test_bartlett_identity_correlation_gives_zero_statistic():
    # [exact] ln|I| = 0
    res = bartlett_sphericity(exact_frame(np.eye(4)))
    assert res.statistic == pytest.approx(0.0, abs=1e-10)
    assert res.pvalue == pytest.approx(1.0)
    assert res.dof == 6


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ("pairwise", [5.0369, 2.7441, 2.1076, 1.8318, 1.5357, 1.1132, 0.8462]),
        ("listwise", [5.1343, 2.7519, 2.1427, 1.8523, 1.5482, 1.0736, 0.8395]),
    ],
)
def test_eigenvalues_bfi_computed(bfi, missing, expected):
    # survey.md §8.4 eigenvalues 1-7 [computed]
    res = eigenvalues(bfi, BFI_ITEMS, missing=missing)
    np.testing.assert_allclose(res.values.iloc[:7].to_numpy(), expected, atol=1e-4)
    assert res.values.sum() == pytest.approx(25.0, abs=1e-10)
    assert res.n_kaiser == 6
    table = res.summary()
    assert list(table.columns) == ["eigenvalue", "proportion", "cumulative", "above_1"]
    assert table["cumulative"].iloc[-1] == pytest.approx(1.0)
    assert table.index[0] == 1


# --------------------------------------------------------------------------------------------
# singular / indefinite matrices and other bad input
# --------------------------------------------------------------------------------------------


def test_singular_matrix_names_collinear_items():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(size=(50, 3)), columns=["q1", "q2", "q4"])
    df["q3"] = df["q1"] + df["q2"]
    for fn in (kmo, bartlett_sphericity):
        with pytest.raises(CvlibInputError, match="singular") as err:
            fn(df)
        msg = str(err.value)
        assert "Remove redundant items" in msg
        assert "'q3'" in msg and "'q1'" in msg and "'q2'" in msg
        assert "'q4'" not in msg


def test_singular_matrix_allows_components_but_not_factors():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(size=(50, 3)), columns=["q1", "q2", "q4"])
    df["q3"] = df["q1"] + df["q2"]
    res = efa(df, n_factors=2, method="pca", rotation=None)
    assert res.communalities.max() <= 1 + 1e-12
    with pytest.raises(CvlibInputError, match="singular.*minres factor extraction"):
        efa(df, n_factors=2)


def test_duplicated_item_names_the_pair():
    rng = np.random.default_rng(4)
    df = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    df["a_copy"] = df["a"]
    with pytest.raises(CvlibInputError, match=r"'a' and 'a_copy' correlate at r = 1"):
        kmo(df)


def test_indefinite_pairwise_matrix_suggests_listwise():
    # r12 = 1 and r13 = 1 on some rows, r23 = -1 on others: pairwise R has eigenvalue -1
    x = np.array([1.0, 2.0, 3.0, 4.0])
    nan = np.full(4, np.nan)
    df = pd.DataFrame(
        {
            "q1": np.concatenate([x, x, nan]),
            "q2": np.concatenate([x, nan, x]),
            "q3": np.concatenate([nan, x, -x]),
        }
    )
    with pytest.raises(CvlibInputError, match="not positive definite.*missing='listwise'"):
        bartlett_sphericity(df)


def test_zero_variance_item_raises():
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 2, 2], "c": [1, 3, 2, 4]})
    with pytest.raises(CvlibInputError, match="'b' have zero variance"):
        kmo(df)


def test_too_few_common_rows_raises():
    df = pd.DataFrame(
        {
            "a": [1, 2, 3, 4, np.nan, np.nan],
            "b": [np.nan, np.nan, np.nan, 1, 2, 3],
            "c": [1, 3, 2, 4, 5, 1],
        }
    )
    with pytest.raises(CvlibInputError, match="'a' and 'b' are answered together by only 1"):
        correlation_matrix(df)


def test_listwise_with_too_few_complete_rows_raises():
    df = pd.DataFrame({"a": [1, 2, np.nan, 4], "b": [2, np.nan, 3, 4], "c": [1, 3, 2, np.nan]})
    with pytest.raises(CvlibInputError, match="complete rows.*try missing='pairwise'"):
        kmo(df, missing="listwise")


def test_bad_arguments_raise(bfi):
    with pytest.raises(CvlibInputError, match="missing='both' is not a valid option"):
        kmo(bfi, BFI_ITEMS, missing="both")
    with pytest.raises(CvlibInputError, match="lang='fr'"):
        kmo(bfi, BFI_ITEMS, lang="fr")
    with pytest.raises(KeyError, match="'Z9' not found"):
        kmo(bfi, ["A1", "Z9"])
    with pytest.raises(CvlibInputError, match="at least 2"):
        kmo(bfi, ["A1"])
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        kmo(bfi[BFI_ITEMS].to_numpy())


def test_text_in_item_raises_type_error():
    df = pd.DataFrame({"a": ["1", "2", "x", "4"], "b": [2, 1, 4, 3], "c": [1, 3, 2, 4]})
    with pytest.raises(TypeError, match="item 'a' is not numeric: row 2 holds 'x'"):
        kmo(df)


# --------------------------------------------------------------------------------------------
# parallel analysis
# --------------------------------------------------------------------------------------------


def test_parallel_analysis_bfi_is_seeded_and_reproducible(bfi):
    a = parallel_analysis(bfi, BFI_ITEMS, n_iter=10, seed=7)
    b = parallel_analysis(bfi, BFI_ITEMS, n_iter=10, seed=7)
    c = parallel_analysis(bfi, BFI_ITEMS, n_iter=10, seed=8)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not np.allclose(a.table["random_mean"], c.table["random_mean"])
    assert (a.seed, a.n_iter, a.quantile, a.n, a.kind) == (7, 10, 0.95, 2800, "components")
    assert parallel_analysis(bfi, BFI_ITEMS, n_iter=2).seed == _factor.DEFAULT_SEED


def test_parallel_analysis_bfi_components(bfi):
    res = parallel_analysis(bfi, BFI_ITEMS, n_iter=20)
    table = res.table
    # [exact] each random correlation matrix has trace p, so the mean eigenvalues sum to p
    assert table["random_mean"].sum() == pytest.approx(25.0, abs=1e-9)
    np.testing.assert_allclose(
        table["observed"].iloc[:7],
        [5.0369, 2.7441, 2.1076, 1.8318, 1.5357, 1.1132, 0.8462],
        atol=1e-4,
    )
    assert (table["random_quantile"] >= table["random_mean"] - 1e-12).all()
    # the observed 6th eigenvalue (1.113) beats noise (~1.09), the 7th (0.846) does not
    assert res.n_factors == 6
    assert table["retain"].iloc[:6].all() and not table["retain"].iloc[6]


def test_parallel_analysis_mean_and_factor_kind(bfi):
    res = parallel_analysis(bfi, BFI_ITEMS[:10], n_iter=5, quantile="mean", kind="factors")
    assert res.table["random_quantile"].isna().all()
    np.testing.assert_array_equal(res.table["threshold"], res.table["random_mean"])
    # reduced matrices: eigenvalues sum to Σ SMC < p
    assert res.table["observed"].sum() < 10
    assert res.quantile == "mean"


def test_parallel_analysis_bad_arguments(bfi):
    with pytest.raises(CvlibInputError, match="seed=None must be an integer"):
        parallel_analysis(bfi, BFI_ITEMS, seed=None)
    with pytest.raises(CvlibInputError, match="quantile=1.5"):
        parallel_analysis(bfi, BFI_ITEMS, quantile=1.5)
    with pytest.raises(CvlibInputError, match="n_iter=0"):
        parallel_analysis(bfi, BFI_ITEMS, n_iter=0)
    with pytest.raises(CvlibInputError, match="kind='pc'"):
        parallel_analysis(bfi, BFI_ITEMS, kind="pc")


# --------------------------------------------------------------------------------------------
# EFA against published R output
# --------------------------------------------------------------------------------------------

# psych fa(psychTools::bfi[1:25], 5) (minres, oblimin) printout, 2 decimals, columns in psych's
# printed order MR2 MR1 MR3 MR5 MR4 (= cvlib MR1..MR5, both sorted by SS loadings), and h2.
# Source: F. Wilhelm (2021-02-22), "Beautiful Tables for Exploratory Factor Analysis in R"
# (blog post printing res <- fa(psychTools::bfi[1:25], 5)).
PSYCH_FA5 = {
    "A1": ([0.21, 0.17, 0.07, -0.41, -0.06], 0.19),
    "A2": ([-0.02, 0.00, 0.08, 0.64, 0.03], 0.45),
    "A3": ([-0.03, 0.12, 0.02, 0.66, 0.03], 0.52),
    "A4": ([-0.06, 0.06, 0.19, 0.43, -0.15], 0.28),
    "A5": ([-0.11, 0.23, 0.01, 0.53, 0.04], 0.46),
    "C1": ([0.07, -0.03, 0.55, -0.02, 0.15], 0.33),
    "C2": ([0.15, -0.09, 0.67, 0.08, 0.04], 0.45),
    "C3": ([0.03, -0.06, 0.57, 0.09, -0.07], 0.32),
    "C4": ([0.17, 0.00, -0.61, 0.04, -0.05], 0.45),
    "C5": ([0.19, -0.14, -0.55, 0.02, 0.09], 0.43),
    "E1": ([-0.06, -0.56, 0.11, -0.08, -0.10], 0.35),
    "E2": ([0.10, -0.68, -0.02, -0.05, -0.06], 0.54),
    "E3": ([0.08, 0.42, 0.00, 0.25, 0.28], 0.44),
    "E4": ([0.01, 0.59, 0.02, 0.29, -0.08], 0.53),
    "E5": ([0.15, 0.42, 0.27, 0.05, 0.21], 0.40),
    "N1": ([0.81, 0.10, 0.00, -0.11, -0.05], 0.65),
    "N2": ([0.78, 0.04, 0.01, -0.09, 0.01], 0.60),
    "N3": ([0.71, -0.10, -0.04, 0.08, 0.02], 0.55),
    "N4": ([0.47, -0.39, -0.14, 0.09, 0.08], 0.49),
    "N5": ([0.49, -0.20, 0.00, 0.21, -0.15], 0.35),
    "O1": ([0.02, 0.10, 0.07, 0.02, 0.51], 0.31),
    "O2": ([0.19, 0.06, -0.08, 0.16, -0.46], 0.26),
    "O3": ([0.03, 0.15, 0.02, 0.08, 0.61], 0.46),
    "O4": ([0.13, -0.32, -0.02, 0.17, 0.37], 0.25),
    "O5": ([0.13, 0.10, -0.03, 0.04, -0.54], 0.30),
}
# the same post's gt table prints 3 decimals for these rows
PSYCH_FA5_3DP = {
    "N1": [0.815, 0.103, 0.004, -0.111, -0.047],
    "N4": [0.474, -0.386, -0.135, 0.095, 0.080],
    "E2": [0.099, -0.676, -0.016, -0.048, -0.058],
    "E3": [0.083, 0.418, -0.001, 0.246, 0.283],
    "C2": [0.149, -0.085, 0.666, 0.081, 0.039],
    "C5": [0.189, -0.142, -0.553, 0.018, 0.092],
    "A1": [0.213, 0.166, 0.067, -0.414, -0.058],
    "A3": [-0.029, 0.116, 0.025, 0.660, 0.031],
    "O3": [0.031, 0.152, 0.017, 0.083, 0.609],
    "O5": [0.132, 0.098, -0.025, 0.043, -0.542],
}


def test_efa_minres_oblimin_matches_psych_fa_bfi_wilhelm_2021(psych_fa):
    res = psych_fa
    assert (res.method, res.rotation, res.normalize, res.n) == ("minres", "oblimin", False, 2800)
    assert res.converged and res.rotation_converged
    for item, (loads, h2) in PSYCH_FA5.items():
        np.testing.assert_allclose(
            res.loadings.loc[item].to_numpy(), loads, atol=0.01, err_msg=item
        )
        assert res.communalities[item] == pytest.approx(h2, abs=0.0051), item
    for item, loads in PSYCH_FA5_3DP.items():
        np.testing.assert_allclose(
            res.loadings.loc[item].to_numpy(), loads, atol=2e-3, err_msg=item
        )
    # SS loadings = diag(Phi L'L) and the factor correlations, as printed
    np.testing.assert_allclose(
        res.variance.loc["SS loadings"], [2.57, 2.20, 2.03, 1.99, 1.59], atol=0.0051
    )
    np.testing.assert_allclose(
        res.variance.loc["Cumulative Var"], [0.10, 0.19, 0.27, 0.35, 0.41], atol=0.0051
    )
    psych_phi = [
        [1.00, -0.21, -0.19, -0.04, -0.01],
        [-0.21, 1.00, 0.23, 0.33, 0.17],
        [-0.19, 0.23, 1.00, 0.20, 0.19],
        [-0.04, 0.33, 0.20, 1.00, 0.19],
        [-0.01, 0.17, 0.19, 0.19, 1.00],
    ]
    np.testing.assert_allclose(res.phi.to_numpy(), psych_phi, atol=0.0051)
    # fit statistics of the same printout
    assert res.chi2 == pytest.approx(1808.94, abs=0.01)  # "Likelihood Chi Square = 1808.94"
    assert res.chi2_dof == 185
    assert round(res.rmsr, 2) == 0.03  # "RMSR is 0.03"


def test_efa_rows_sorted_by_dominant_factor_like_fa_sort(psych_fa):
    # the gt table of the same post lists fa.sort's order
    assert list(psych_fa.loadings.index[:10]) == [
        "N1",
        "N2",
        "N3",
        "N5",
        "N4",
        "E2",
        "E4",
        "E1",
        "E5",
        "E3",
    ]
    assert list(psych_fa.communalities.index) == list(psych_fa.loadings.index)


# R factanal(df, factors = 5) with df = bfi complete cases (n = 2436): ML, varimax (Kaiser
# normalized). Source: Y. Aydede, "Toolbox for Social Scientists and Policy Analysts",
# chapter "Factor Analysis" (github.com/yaydede/toolbox, 28-FactorAnalysis.Rmd).
FACTANAL_UNIQUENESS = dict(
    zip(
        BFI_ITEMS,
        [
            0.8296360,
            0.5762494,
            0.4662343,
            0.6911041,
            0.5118958,
            0.6598798,
            0.5686271,
            0.6772458,
            0.5099227,
            0.5572469,
            0.6340697,
            0.4540206,
            0.5577516,
            0.4680059,
            0.5920268,
            0.2705844,
            0.3369249,
            0.4777416,
            0.5067901,
            0.6643707,
            0.6746473,
            0.7441136,
            0.5184019,
            0.7516000,
            0.7259404,
        ],  # fmt: skip
        strict=True,
    )
)
_ = None  # factanal prints |loading| < 0.1 as blank
FACTANAL_LOADINGS = {
    "A1": [0.104, _, _, -0.393, _],
    "A2": [_, 0.191, 0.144, 0.601, _],
    "A3": [_, 0.280, 0.110, 0.662, _],
    "A4": [_, 0.181, 0.234, 0.454, -0.109],
    "A5": [-0.124, 0.351, _, 0.580, _],
    "C1": [_, _, 0.533, _, 0.221],
    "C2": [_, _, 0.624, 0.127, 0.140],
    "C3": [_, _, 0.554, 0.122, _],
    "C4": [0.218, _, -0.653, _, _],
    "C5": [0.272, -0.190, -0.573, _, _],
    "E1": [_, -0.587, _, -0.120, _],
    "E2": [0.233, -0.674, -0.106, -0.151, _],
    "E3": [_, 0.490, _, 0.315, 0.313],
    "E4": [-0.121, 0.613, _, 0.363, _],
    "E5": [_, 0.491, 0.310, 0.120, 0.234],
    "N1": [0.816, _, _, -0.214, _],
    "N2": [0.787, _, _, -0.202, _],
    "N3": [0.714, _, _, _, _],
    "N4": [0.562, -0.367, -0.192, _, _],
    "N5": [0.518, -0.187, _, 0.106, -0.137],
    "O1": [_, 0.182, 0.103, _, 0.524],
    "O2": [0.163, _, -0.113, 0.102, -0.454],
    "O3": [_, 0.276, _, 0.153, 0.614],
    "O4": [0.207, -0.220, _, 0.144, 0.368],
    "O5": [_, _, _, _, -0.512],
}


def test_efa_ml_varimax_listwise_matches_factanal_bfi_aydede(fit):
    res = fit(method="ml", rotation="varimax", missing="listwise")
    assert res.n == 2436 and res.converged
    for item, u in FACTANAL_UNIQUENESS.items():
        assert res.uniquenesses[item] == pytest.approx(u, abs=5e-5), item
    assert res.chi2 == pytest.approx(1490.59, abs=0.01)  # "chi square statistic is 1490.59"
    assert res.chi2_dof == 185
    for item, row in FACTANAL_LOADINGS.items():
        for j, value in enumerate(row):
            got = res.loadings.loc[item].iloc[j]
            if value is None:
                assert abs(got) < 0.105, (item, j)
            else:
                # stats::varimax stops at a relative criterion change of 1e-5
                assert got == pytest.approx(value, abs=0.005), (item, j)
    np.testing.assert_allclose(
        res.variance.loc["SS loadings"], [2.687, 2.320, 2.034, 1.978, 1.557], atol=0.01
    )


# --------------------------------------------------------------------------------------------
# EFA cross-checks and invariants
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["minres", "ml", "paf", "pca"])
def test_efa_methods_agree_on_bfi_five_factor_structure(fit, method):
    # Every item's dominant factor is its own scale for every extraction (oblimin, Kaiser
    # normalized). Known cross-loaders N4 (on E), O4 (on E), E3/E5 (on O and C) keep their
    # dominant factor on their own scale.
    res = fit(method=method)
    assert dominant_scale(res.loadings) == SCALE_OF
    assert res.converged
    assert (
        res.loadings.columns[0]
        == {"minres": "MR1", "ml": "ML1", "paf": "PA1", "pca": "PC1"}[method]
    )


def test_efa_minres_ml_paf_give_the_same_factors(fit):
    base = fit(rotation="varimax").loadings
    # same factor order and sign; PAF converges to the minres solution, ML weights the
    # residuals by the uniquenesses and moves loadings by up to ~0.07 (E5, E3, A5)
    for method, atol in (("ml", 0.1), ("paf", 1e-5)):
        other = fit(method=method, rotation="varimax").loadings
        other = other.reindex(base.index)
        np.testing.assert_allclose(other.to_numpy(), base.to_numpy(), atol=atol)


def test_paf_converges_to_the_minres_fixed_point(fit):
    # iterated principal axes and minres share their stationary point (zero diagonal residual)
    paf = fit(method="paf", rotation=None)
    mr = fit(method="minres", rotation=None)
    assert paf.converged and "converged" in paf.message
    np.testing.assert_allclose(
        paf.communalities.reindex(mr.communalities.index), mr.communalities, atol=1e-6
    )


def test_paf_iteration_cap_is_reported(bfi):
    with pytest.warns(CvlibWarning, match="paf extraction did not converge"):
        res = efa(bfi, BFI_ITEMS, n_factors=5, method="paf", max_iter=3, rotation=None)
    assert not res.converged and res.n_iter == 3
    assert "not converged" in res.message


def test_varimax_preserves_communalities_and_is_orthogonal(fit):
    res = fit(rotation="varimax")
    unrot = res.unrotated.to_numpy()
    L = res.loadings.to_numpy()
    np.testing.assert_allclose((L**2).sum(axis=1), (unrot**2).sum(axis=1), atol=1e-10)
    np.testing.assert_allclose(res.communalities, (unrot**2).sum(axis=1), atol=1e-10)
    T = res.rotation_matrix.to_numpy()
    np.testing.assert_allclose(T.T @ T, np.eye(5), atol=1e-10)
    np.testing.assert_allclose(unrot @ T, L, atol=1e-10)
    assert res.phi is None and res.structure is None and res.pattern is None
    np.testing.assert_allclose(res.variance.loc["SS loadings"].sum(), res.communalities.sum())


@pytest.mark.parametrize("rotation", ["oblimin", "promax"])
@pytest.mark.parametrize("normalize", [True, False])
def test_oblique_rotation_reproduces_common_variance(fit, rotation, normalize):
    res = fit(rotation=rotation, normalize=normalize)
    L = res.pattern.to_numpy()
    phi = res.phi.to_numpy()
    unrot = res.unrotated.to_numpy()
    np.testing.assert_allclose(L @ phi @ L.T, unrot @ unrot.T, atol=1e-8)
    np.testing.assert_allclose(np.diag(phi), 1.0, atol=1e-10)
    np.testing.assert_allclose(res.structure.to_numpy(), L @ phi, atol=1e-12)
    np.testing.assert_allclose(unrot @ res.rotation_matrix.to_numpy(), L, atol=1e-8)
    pd.testing.assert_frame_equal(res.pattern, res.loadings)
    # SS loadings = diag(Phi L'L) add up to the total communality
    assert res.variance.loc["SS loadings"].sum() == pytest.approx(res.communalities.sum())


def test_sign_and_order_conventions_psych(fit):
    for rotation in ("oblimin", "varimax", "promax", None):
        L = fit(rotation=rotation).loadings.to_numpy()
        assert (L.sum(axis=0) > 0).all()
        ss = (L**2).sum(axis=0)
        assert (np.diff(ss) <= 1e-12).all()


def test_varimax_equals_statsmodels_on_kaiser_normalized_loadings(fit):
    res = fit(rotation="varimax")
    unrot = res.unrotated.to_numpy()
    h = np.sqrt((unrot**2).sum(axis=1))
    sm, _ = rotate_factors(unrot / h[:, None], "varimax", tol=1e-8)
    sm = sm * h[:, None]
    L = res.loadings.to_numpy()
    match = np.argmax(np.abs(L.T @ sm), axis=1)  # statsmodels leaves order and sign as they come
    assert sorted(match) == list(range(5))
    sm = sm[:, match] * np.sign(np.sum(sm[:, match] * L, axis=0))
    np.testing.assert_allclose(L, sm, atol=1e-6)


def test_oblimin_equals_statsmodels_gpa_oblimin(psych_fa):
    unrot = psych_fa.unrotated.to_numpy()
    sm, T = rotate_factors(unrot, "oblimin", 0, "oblique", tol=1e-8)
    L = psych_fa.loadings.to_numpy()
    match = np.argmax(np.abs(L.T @ sm), axis=1)
    sign = np.sign(np.sum(sm[:, match] * L, axis=0))
    np.testing.assert_allclose(L, sm[:, match] * sign, atol=1e-6)
    phi_sm = (T.T @ T)[np.ix_(match, match)] * np.outer(sign, sign)
    np.testing.assert_allclose(psych_fa.phi.to_numpy(), phi_sm, atol=1e-6)


def test_normalization_and_kappa_are_recorded_and_matter(fit):
    a = fit(rotation="promax")
    b = fit(rotation="promax", kappa=2)
    assert (a.kappa, b.kappa, a.normalize) == (4.0, 2.0, True)
    assert not np.allclose(
        a.loadings.to_numpy(), b.loadings.reindex(a.loadings.index).to_numpy(), atol=1e-3
    )
    assert "normalize=True" in repr(a)


def test_display_blanks_small_loadings_only_for_display(psych_fa):
    shown = psych_fa.display()
    assert shown.loc["N1", "MR1"] == "0.81"
    assert shown.loc["N1", "MR2"] == ""  # 0.103 < 0.3
    assert shown.loc["N4", "MR2"] == "-0.39"
    assert shown.loc["N1", "h2"] == "0.65"
    assert list(shown.columns) == ["MR1", "MR2", "MR3", "MR4", "MR5", "h2", "u2", "com"]
    assert psych_fa.loadings.loc["N1", "MR2"] == pytest.approx(0.103, abs=2e-3)  # untouched
    assert psych_fa.display(threshold=0.1, decimals=3).loc["N1", "MR2"] == "0.103"
    pd.testing.assert_frame_equal(psych_fa.table, shown)
    with pytest.raises(CvlibInputError, match="threshold=-1"):
        psych_fa.display(threshold=-1)


def test_efa_result_is_immutable(psych_fa):
    L = psych_fa.loadings
    L.iloc[0, 0] = 99.0
    assert psych_fa.loadings.iloc[0, 0] != 99.0
    summary = psych_fa.summary()
    assert list(summary.columns[-3:]) == ["h2", "u2", "com"]
    assert summary.loc["N1", "com"] == pytest.approx(1.08, abs=0.0051)  # psych com column


def test_efa_one_factor_is_not_rotated(bfi):
    res = efa(bfi, BFI_SCALES["neuroticism"], n_factors=1)
    assert res.rotation is None and res.phi is None and res.rotation_matrix is None
    assert (res.loadings["MR1"] > 0).all()


def test_heywood_case_warns():
    # [exact] one factor with r12 = r13 = .85, r23 = .5 implies lambda_1^2 = .85^2/.5 > 1
    R = np.array([[1.0, 0.85, 0.85], [0.85, 1.0, 0.5], [0.85, 0.5, 1.0]])
    with pytest.warns(CvlibWarning, match="Heywood case: item\\(s\\) 'q1'"):
        res = efa(exact_frame(R), n_factors=1)
    assert res.heywood == ["q1"]
    # psych reports u2 = 1 - h2 too, here negative (psych: "ultra-Heywood case")
    assert res.communalities["q1"] > 1 and res.uniquenesses["q1"] < 0


def test_efa_exact_one_factor_model_recovers_loadings_revelle():
    # psych fa(sim.congeneric()) prints loadings .8 .7 .6 .5 (Revelle, personality-project.org
    # course notes "wk.4.fa"); the data reproduce that R exactly, so minres and ML are exact
    lam = [0.8, 0.7, 0.6, 0.5]
    df = exact_frame(one_factor_R(lam))
    for method in ("minres", "ml", "paf"):
        res = efa(df, n_factors=1, method=method)
        loadings = res.loadings["MR1" if method == "minres" else res.loadings.columns[0]]
        np.testing.assert_allclose(loadings.reindex(df.columns), lam, atol=1e-5)
        assert res.rmsr == pytest.approx(0.0, abs=1e-5)


def test_efa_bad_arguments(bfi):
    items = BFI_ITEMS[:6]
    with pytest.raises(CvlibInputError, match="n_factors=6 must be between 1 and 5"):
        efa(bfi, items, n_factors=6)
    with pytest.raises(CvlibInputError, match="n_factors=0 must be between"):
        efa(bfi, items, n_factors=0)
    with pytest.raises(CvlibInputError, match="n_factors=2.5 must be an integer"):
        efa(bfi, items, n_factors=2.5)
    with pytest.raises(CvlibInputError, match="method='pa' is not a valid option"):
        efa(bfi, items, n_factors=2, method="pa")
    with pytest.raises(CvlibInputError, match="rotation='quartimax' is not a valid option"):
        efa(bfi, items, n_factors=2, rotation="quartimax")
    with pytest.raises(CvlibInputError, match="kappa=1 must be a number > 1"):
        efa(bfi, items, n_factors=2, rotation="promax", kappa=1)
    with pytest.raises(CvlibInputError, match="at least 3"):
        efa(bfi, items[:2], n_factors=1)
    with pytest.raises(TypeError, match="n_factors"):
        efa(bfi, items)  # n_factors is required


def test_efa_underidentified_model_warns(bfi):
    with pytest.warns(CvlibWarning, match="not identified"):
        efa(bfi, BFI_ITEMS[:5], n_factors=3, rotation=None)


# --------------------------------------------------------------------------------------------
# McDonald's omega (methods/survey.md §7.3)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "lam"), [(5, 0.6), (3, 0.45), (8, 0.7)])
def test_omega_equal_loadings_equals_std_alpha_of_implied_matrix_exact(k, lam):
    # survey.md §7.3 [exact]: equal loadings -> omega_t = k r / (1 + (k - 1) r), r = lambda^2
    df = exact_frame(one_factor_R([lam] * k), n=150, seed=k)
    res = mcdonald_omega(df)
    r = lam**2
    assert res.omega == pytest.approx(k * r / (1 + (k - 1) * r), abs=1e-8)
    np.testing.assert_allclose(res.loadings.to_numpy(), lam, atol=1e-6)
    np.testing.assert_allclose(res.uniquenesses.to_numpy(), 1 - lam**2, atol=1e-6)
    assert mcdonald_omega(df, method="ml").omega == pytest.approx(res.omega, abs=1e-8)


def test_omega_congeneric_loadings_formula_revelle():
    # loadings .8 .7 .6 .5 (psych sim.congeneric): omega_t = 2.6^2 / (2.6^2 + 2.26)
    res = mcdonald_omega(exact_frame(one_factor_R([0.8, 0.7, 0.6, 0.5])))
    assert res.omega == pytest.approx(2.6**2 / (2.6**2 + 2.26), abs=1e-8)
    assert (res.k, res.n, res.method, res.missing) == (4, 120, "minres", "pairwise")
    assert list(res.summary().columns) == ["loading", "uniqueness"]


def test_omega_bfi_neuroticism_between_alpha_bounds(bfi):
    # No verified psych omega reference exists (survey.md §7.3); sanity: omega_t is close to
    # std alpha (0.814675, psych) for a nearly tau-equivalent scale and both methods agree
    res = mcdonald_omega(bfi, BFI_SCALES["neuroticism"])
    assert 0.80 < res.omega < 0.84
    assert mcdonald_omega(bfi, BFI_SCALES["neuroticism"], method="ml").omega == pytest.approx(
        res.omega, abs=0.01
    )
    assert res.n == 2800
    assert mcdonald_omega(bfi, BFI_SCALES["neuroticism"], missing="listwise").n < 2800


def test_omega_heywood_case_warns():
    R = np.array([[1.0, 0.85, 0.85], [0.85, 1.0, 0.5], [0.85, 0.5, 1.0]])
    with pytest.warns(CvlibWarning, match="Heywood case"):
        res = mcdonald_omega(exact_frame(R))
    assert res.heywood == ["q1"]


def test_omega_unreversed_item_warns_reverse_keying(bfi):
    # A1 is reverse keyed (BFI_REVERSED) and left raw here
    with pytest.warns(CvlibWarning, match="'A1' load negatively.*检查反向题"):
        res = mcdonald_omega(bfi, BFI_SCALES["agreeableness"])
    assert res.loadings["A1"] < 0


def test_omega_bad_method(bfi):
    with pytest.raises(CvlibInputError, match="method='paf' is not a valid option"):
        mcdonald_omega(bfi, BFI_SCALES["neuroticism"], method="paf")

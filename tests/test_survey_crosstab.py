"""cvlib.survey.crosstab: SPSS CROSSTABS parity (methods/survey.md §9).

Reference: pingouin 0.7.0 dataset ``chi2_independence``, sex x target (303 rows, observed
[[24, 72], [114, 93]]); values from survey.md §9 [computed with scipy 1.17.1; PSPP agrees at its
printed decimals]. Tolerance 1e-6 (survey.md §13), Fisher's p relative 1e-3 (given to 5 digits).
Larger tables are checked against scipy and statsmodels as second oracles.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.stats.contingency import association

import cvlib.survey as sv
from cvlib._validation import CvlibInputError
from cvlib._warnings import DataQualityWarning

TOL = 1e-6

# small synthetic tables are sparse on purpose; the tests that check the warning use pytest.warns
pytestmark = pytest.mark.filterwarnings("ignore::cvlib._warnings.DataQualityWarning")


@pytest.fixture(scope="module")
def heart():
    return pg.read_dataset("chi2_independence")


@pytest.fixture(scope="module")
def sex_target(heart):
    return sv.crosstab(heart, "sex", "target")


# --- survey.md §9 reference table ------------------------------------------------------------


def test_crosstab_counts_chi2_independence_pingouin(sex_target):
    counts = sex_target.counts
    assert counts.iloc[:2, :2].to_numpy().tolist() == [[24, 72], [114, 93]]
    assert counts.loc["Total"].tolist() == [138, 165, 303]
    assert counts["Total"].tolist() == [96, 207, 303]
    assert sex_target.n == 303 and sex_target.n_missing == 0


def test_crosstab_pearson_uncorrected_survey_md_s9(sex_target):
    assert sex_target.chi2 == pytest.approx(23.914384, abs=TOL)
    assert sex_target.dof == 1
    assert sex_target.pvalue == pytest.approx(1.007e-6, rel=1e-3)


def test_crosstab_yates_corrected_survey_md_s9(sex_target):
    assert sex_target.chi2_corrected == pytest.approx(22.717227, abs=TOL)
    # Yates p from the same chi-square(1) distribution
    assert sex_target.pvalue_corrected == pytest.approx(
        stats.chi2.sf(sex_target.chi2_corrected, 1), rel=1e-12
    )


def test_crosstab_likelihood_ratio_survey_md_s9(sex_target):
    lr = sex_target.likelihood_ratio
    assert lr.statistic == pytest.approx(24.840880, abs=TOL)
    assert lr.dof == 1
    assert lr.pvalue == pytest.approx(stats.chi2.sf(24.84088042987417, 1), rel=1e-9)


def test_crosstab_linear_by_linear_survey_md_s9(sex_target):
    lbl = sex_target.linear_by_linear
    assert lbl.statistic == pytest.approx(23.835459, abs=TOL)
    assert lbl.dof == 1
    assert sex_target.scores == ("codes", "codes")


def test_crosstab_fisher_exact_survey_md_s9(sex_target):
    assert sex_target.fisher.pvalue == pytest.approx(1.0422e-6, rel=1e-3)
    assert sex_target.fisher.odds_ratio == pytest.approx(0.271930, abs=TOL)
    assert sex_target.is_2x2


def test_crosstab_cramers_v_and_signed_phi_survey_md_s9(sex_target):
    assert sex_target.cramers_v == pytest.approx(0.280937, abs=TOL)
    assert sex_target.phi == pytest.approx(-0.280937, abs=TOL)


def test_crosstab_expected_counts_survey_md_s9(sex_target):
    expected = np.array([[43.722772, 52.277228], [94.277228, 112.722772]])
    np.testing.assert_allclose(sex_target.expected.to_numpy(), expected, atol=TOL)


def test_crosstab_adjusted_residuals_survey_md_s9(sex_target):
    adj = sex_target.adjusted_residuals.to_numpy()
    np.testing.assert_allclose(adj, [[-4.890234, 4.890234], [4.890234, -4.890234]], atol=TOL)


def test_crosstab_cramers_v_differs_from_pingouin_survey_md_s9(heart, sex_target):
    # pingouin applies Yates' continuity correction to 2x2 tables by default, so its "pearson"
    # row is the corrected chi2 (22.7172) and its Cramer's V (0.2738) comes from that corrected
    # value. cvlib follows SPSS: V from the UNcorrected Pearson chi2 (0.2809).
    _, _, pg_stats = pg.chi2_independence(heart, "sex", "target")
    pearson = pg_stats.set_index("test").loc["pearson"]
    assert pearson["cramer"] == pytest.approx(0.2738, abs=1e-4)
    assert sex_target.cramers_v != pytest.approx(pearson["cramer"], abs=1e-3)
    assert pearson["chi2"] == pytest.approx(sex_target.chi2_corrected, abs=1e-9)
    assert pearson["cramer"] == pytest.approx(
        np.sqrt(sex_target.chi2_corrected / sex_target.n), abs=1e-12
    )


def test_crosstab_summary_spss_chi_square_tests_layout(sex_target):
    table = sex_target.summary()
    assert list(table.index) == [
        "Pearson Chi-Square",
        "Continuity Correction",
        "Likelihood Ratio",
        "Fisher's Exact Test",
        "Linear-by-Linear Association",
        "N of Valid Cases",
    ]
    assert table.loc["Pearson Chi-Square", "Value"] == pytest.approx(23.914384, abs=TOL)
    assert table.loc["Fisher's Exact Test", "Exact Sig. (2-sided)"] == pytest.approx(
        1.0422e-6, rel=1e-3
    )
    assert table.loc["N of Valid Cases", "Value"] == 303
    measures = sex_target.measures
    assert measures.loc["Phi", "Value"] == pytest.approx(-0.280937, abs=TOL)
    assert "Chi-Square" in repr(sex_target)


def test_crosstab_percentages_spss(sex_target):
    assert sex_target.row_pct.loc[0].tolist() == pytest.approx([25.0, 75.0, 100.0])
    assert sex_target.col_pct.loc["Total"].tolist() == pytest.approx([100.0, 100.0, 100.0])
    assert sex_target.col_pct.loc[0, 0] == pytest.approx(100 * 24 / 138)
    assert sex_target.total_pct.loc["Total", "Total"] == pytest.approx(100.0)
    assert sex_target.total_pct.loc[1, 1] == pytest.approx(100 * 93 / 303)


# --- larger tables: scipy / statsmodels oracles ---------------------------------------------


def test_crosstab_rxc_matches_scipy_and_statsmodels(heart):
    with pytest.warns(DataQualityWarning, match=r"6 cells \(37\.5%\)"):
        res = sv.crosstab(heart, "cp", "thal")
    observed = pd.crosstab(heart["cp"], heart["thal"])
    chi2, p, dof, expected = stats.chi2_contingency(observed, correction=False)
    assert res.chi2 == pytest.approx(chi2, abs=1e-10)
    assert res.pvalue == pytest.approx(p, rel=1e-10)
    assert res.dof == dof == 9
    np.testing.assert_allclose(res.expected.to_numpy(), expected, atol=1e-10)
    g2, g2_p, _, _ = stats.chi2_contingency(observed, correction=False, lambda_="log-likelihood")
    assert res.likelihood_ratio.statistic == pytest.approx(g2, abs=1e-10)
    assert res.likelihood_ratio.pvalue == pytest.approx(g2_p, rel=1e-10)
    assert res.cramers_v == pytest.approx(association(observed.to_numpy()), abs=1e-12)
    resid = sm.stats.Table(observed, shift_zeros=False).standardized_resids
    np.testing.assert_allclose(res.adjusted_residuals.to_numpy(), resid.to_numpy(), atol=1e-10)
    # 2x2-only statistics are absent for larger tables
    assert res.chi2_corrected is None and res.pvalue_corrected is None
    assert res.fisher is None and res.phi is None and not res.is_2x2
    assert "Continuity Correction" not in res.summary().index
    assert res.sparse and res.n_expected_below == 6
    assert res.share_expected_below == pytest.approx(6 / 16)
    assert res.min_expected == pytest.approx(expected.min())


def test_crosstab_linear_by_linear_is_n_minus_1_r_squared(heart):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        res = sv.crosstab(heart, "cp", "thal")
    r = np.corrcoef(heart["cp"], heart["thal"])[0, 1]
    assert res.linear_by_linear.statistic == pytest.approx((len(heart) - 1) * r**2, abs=1e-10)
    assert res.linear_by_linear.pvalue == pytest.approx(
        stats.chi2.sf((len(heart) - 1) * r**2, 1), rel=1e-9
    )


def test_crosstab_linear_by_linear_rank_scores_for_text_categories():
    df = pd.DataFrame({"a": list("xxyyzz") * 5, "b": [1, 2, 1, 2, 2, 2] * 5})
    res = sv.crosstab(df, "a", "b")
    assert res.scores == ("ranks", "codes")
    ranks = df["a"].map({"x": 1, "y": 2, "z": 3})
    r = np.corrcoef(ranks, df["b"])[0, 1]
    assert res.linear_by_linear.statistic == pytest.approx((len(df) - 1) * r**2, abs=1e-12)
    with pytest.raises(CvlibInputError, match="scores='codes' needs numeric codes"):
        sv.crosstab(df, "a", "b", scores="codes")


def test_crosstab_no_warning_when_expected_counts_are_large(heart):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        res = sv.crosstab(heart, "sex", "target")
    assert not res.sparse
    assert res.notes[0].startswith("0 cells (0.0%) have expected count less than 5")


def test_crosstab_sparse_warning_when_any_expected_below_one():
    # 5x5 table: only the 5 cells of a 2-respondent row are below 5 (20%, not more than 20%),
    # but they are below 1, which alone makes the table sparse (Cochran 1954)
    table = np.full((5, 5), 25)
    table[4] = [1, 0, 1, 0, 0]
    rows, cols = np.nonzero(np.ones_like(table))
    df = pd.DataFrame({"a": np.repeat(rows, table.ravel()), "b": np.repeat(cols, table.ravel())})
    with pytest.warns(
        DataQualityWarning, match=r"5 cells \(20\.0%\).*minimum expected count is 0\.40"
    ):
        res = sv.crosstab(df, "a", "b")
    assert res.share_expected_below == pytest.approx(0.2)
    assert res.min_expected == pytest.approx(2 * 100 / 502) and res.sparse


# --- categories, missing values, labels ------------------------------------------------------


@pytest.fixture
def survey():
    return pd.DataFrame(
        {
            "sat": [1, 2, 2, 3, 3, 3, 1, 2, 3, -99, np.nan, 3],
            "club": [1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, np.nan],
        }
    )


@pytest.fixture
def codebook():
    return sv.Codebook(
        {
            "sat": {
                "type": "ordinal",
                "scale_min": 1,
                "scale_max": 4,
                "labels": {
                    1: ("低", "low"),
                    2: ("中", "mid"),
                    3: ("高", "high"),
                    4: ("很高", "top"),
                },
                "missing_codes": {-99: "拒答 refused"},
            },
            "club": {"scale": "yes_no"},
        }
    )


def test_crosstab_codebook_empty_level_shown_dropped_from_test_and_reported(survey, codebook):
    res = sv.crosstab(survey, "sat", "club", codebook=codebook)
    # the empty code 4 ("top") is a zero row in the count table
    assert list(res.counts.index) == ["low", "mid", "high", "top", "Total"]
    assert list(res.counts.columns) == ["no", "yes", "Total"]
    assert res.counts.loc["top"].tolist() == [0, 0, 0]
    assert np.isnan(res.row_pct.loc["top", "no"])  # 0/0 is undefined
    # ... and the test drops it and says so
    assert res.dropped_rows == ("top",) and res.dropped_cols == ()
    assert list(res.expected.index) == ["low", "mid", "high"]
    assert res.dof == 2
    assert any("top" in note for note in res.notes)
    valid = survey[(survey["sat"] > 0) & survey["club"].notna()]
    chi2, _, _, _ = stats.chi2_contingency(pd.crosstab(valid["sat"], valid["club"]), False)
    assert res.chi2 == pytest.approx(chi2, abs=1e-12)


def test_crosstab_missing_excluded_and_counted_by_reason(survey, codebook):
    res = sv.crosstab(survey, "sat", "club", codebook=codebook)
    assert res.n_total == 12 and res.n == 9 and res.n_missing == 3
    assert res.missing == {
        "sat": {"拒答 refused": 1, "system missing": 1},
        "club": {"system missing": 1},
    }
    assert any("3 of 12 rows excluded" in note for note in res.notes)


def test_crosstab_read_result_reasons_and_codebook_are_used(survey, codebook):
    reasons = pd.DataFrame(None, index=survey.index, columns=survey.columns, dtype=object)
    reasons.loc[10, "sat"] = "不知道 don't know"
    reasons.loc[11, "club"] = "system missing"
    data = survey.copy()
    data.loc[9, "sat"] = np.nan
    reasons.loc[9, "sat"] = "拒答 refused"
    read = SimpleNamespace(data=data, codebook=codebook, missing_reasons=reasons)
    res = sv.crosstab(read, "sat", "club", lang="zh")
    assert res.missing["sat"] == {"拒答 refused": 1, "不知道 don't know": 1}
    assert list(res.counts.index) == ["低", "中", "高", "很高", "合计"]
    assert list(res.counts.columns) == ["否", "是", "合计"]
    assert list(res.summary().index)[0] == "皮尔逊卡方"


def test_crosstab_none_label_is_an_ordinary_category():
    # survey.md §2.1: a declared answer "None" is a category, never a missing value
    df = pd.DataFrame(
        {
            "exercise": ["None", "Some", "None", "Heavy", "Some", "None", "Heavy", "Some"] * 4,
            "sex": ["F", "M"] * 16,
        }
    )
    res = sv.crosstab(df, "exercise", "sex")
    assert res.n_missing == 0 and res.n == 32
    assert "None" in res.counts.index
    assert res.counts.loc["None", "Total"] == 12
    assert res.dof == 2


def test_crosstab_categorical_dtype_keeps_unused_levels():
    df = pd.DataFrame(
        {
            "size": pd.Categorical(["S", "M", "S", "M"] * 5, categories=["S", "M", "L"]),
            "buy": [0, 1, 1, 0, 0] * 4,
        }
    )
    res = sv.crosstab(df, "size", "buy")
    assert list(res.counts.index) == ["S", "M", "L", "Total"]
    assert res.dropped_rows == ("L",)
    assert res.is_2x2


def test_crosstab_integral_float_codes_shown_as_integers():
    df = pd.DataFrame({"a": [1.0, 2.0] * 10, "b": [1.0, 1.0, 2.0, 2.0, 2.0] * 4})
    res = sv.crosstab(df, "a", "b")
    assert list(res.counts.index) == [1, 2, "Total"]


def test_crosstab_does_not_mutate_input_and_result_is_frozen(survey, codebook):
    before = survey.copy()
    res = sv.crosstab(survey, "sat", "club", codebook=codebook)
    pd.testing.assert_frame_equal(survey, before)
    counts = res.counts
    counts.iloc[0, 0] = 999
    assert res.counts.iloc[0, 0] != 999
    with pytest.raises(AttributeError):
        res.chi2 = 0.0


# --- bad input --------------------------------------------------------------------------------


def test_crosstab_value_outside_codebook_raises_naming_it(survey, codebook):
    bad = survey.copy()
    bad.loc[0, "sat"] = 7
    with pytest.raises(CvlibInputError, match=r"'sat' holds value\(s\) 7 \(1 row\(s\)\)"):
        sv.crosstab(bad, "sat", "club", codebook=codebook)


def test_crosstab_single_category_raises():
    df = pd.DataFrame({"a": [1, 1, 1, 1], "b": [0, 1, 0, 1]})
    with pytest.raises(CvlibInputError, match="'a' has 1 non-empty category"):
        sv.crosstab(df, "a", "b")


def test_crosstab_unknown_column_and_same_column_raise(heart):
    with pytest.raises(KeyError, match="'gender' not found"):
        sv.crosstab(heart, "gender", "target")
    with pytest.raises(CvlibInputError, match="cross-tabulate two different variables"):
        sv.crosstab(heart, "sex", "sex")
    with pytest.raises(CvlibInputError, match="lang='fr' is not a valid option"):
        sv.crosstab(heart, "sex", "target", lang="fr")
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        sv.crosstab([[1, 2]], "sex", "target")

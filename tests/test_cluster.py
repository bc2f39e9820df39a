"""Tests of cvlib.segment.cluster_rfm: K-means on transformed, standardised RFM (methods/rfm.md §11,
names §9.6, card §15, determinism F26)."""

from __future__ import annotations

import dataclasses
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from cvlib import CvlibWarning
from cvlib._validation import CvlibInputError
from cvlib.datasets import load_cdnow
from cvlib.rfm._card import DefinitionCard
from cvlib.segment import ClusterResult, cluster_rfm

ANALYSIS_DATE = pd.Timestamp("1998-07-01")  # rfm.md §19: "max+1d" on CDNOW


def _cdnow_rfm() -> pd.DataFrame:
    """The classic RFM table of CDNOW master, grain "row" (rfm.md §19), built with pandas."""
    tx = load_cdnow()
    g = tx.groupby("customer_id", sort=True)
    return pd.DataFrame(
        {
            "recency_days": (ANALYSIS_DATE - g["date"].max()).dt.days.astype("Int64"),
            "frequency": g.size().astype("int64"),
            "monetary": g["dollar_value"].sum(),
        }
    ).reset_index()


CDNOW = _cdnow_rfm()
# a seeded 3,000-customer subsample keeps the sweeps fast (silhouette on all N < 10,000)
CDNOW_SUB = CDNOW.sample(3000, random_state=11).sort_values("customer_id").reset_index(drop=True)


def _blobs(sizes, centres, *, seed=0, spread=0.05) -> pd.DataFrame:
    """Well-separated customer groups: per group (recency_days, frequency, monetary) centres."""
    rng = np.random.default_rng(seed)
    parts = []
    for size, (r, f, m) in zip(sizes, centres, strict=True):
        parts.append(
            pd.DataFrame(
                {
                    "recency_days": np.round(r * np.exp(rng.normal(0, spread, size))).astype(int),
                    "frequency": np.maximum(1, np.round(f * np.exp(rng.normal(0, spread, size)))),
                    "monetary": np.round(m * np.exp(rng.normal(0, spread, size)), 2),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["frequency"] = out["frequency"].astype("int64")
    out.insert(0, "cid", [f"C{i:03d}" for i in range(len(out))])
    return out


# ---------------------------------------------------------------------------------------------
# determinism (F26) and the k sweep


def test_same_seed_gives_identical_labels_and_metrics_f26():
    a = cluster_rfm(CDNOW_SUB, k=range(2, 6), n_init=3, seed=7, customer="customer_id")
    b = cluster_rfm(CDNOW_SUB, k=range(2, 6), n_init=3, seed=7, customer="customer_id")
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.diagnostics, b.diagnostics)
    pd.testing.assert_frame_equal(a.profiles, b.profiles)
    pd.testing.assert_frame_equal(a.centers, b.centers)
    assert a.card.to_dict() == b.card.to_dict()
    assert (a.k, a.best_k, a.inertia, a.silhouette) == (b.k, b.best_k, b.inertia, b.silhouette)


def test_k_range_gives_one_diagnostics_row_per_k_and_picks_max_silhouette():
    res = cluster_rfm(CDNOW_SUB, k=range(2, 7), n_init=2, customer="customer_id")
    d = res.diagnostics
    assert list(d.index) == [2, 3, 4, 5, 6] and d.index.name == "k"
    assert list(d.columns) == [
        "inertia",
        "silhouette",
        "calinski_harabasz",
        "n_iter",
        "min_cluster_share",
        "best",
        "chosen",
    ]
    assert (d["inertia"] > 0).all() and d["silhouette"].between(-1, 1).all()
    # rfm.md §11: best_k = argmax silhouette, ties -> smaller k; a range picks best_k
    assert res.best_k == int(d.index[np.argmax(d["silhouette"].to_numpy())])
    assert res.k == res.best_k and res.k_rule == "max silhouette" and res.ks == (2, 3, 4, 5, 6)
    assert d["best"].sum() == 1 and d["chosen"].sum() == 1 and d.loc[res.k, "chosen"]
    assert res.inertia == d.loc[res.k, "inertia"] and res.silhouette == d.loc[res.k, "silhouette"]
    n_pos = int((CDNOW_SUB["monetary"] > 0).sum())
    assert res.silhouette_sample_size == res.n == n_pos  # N <= 10,000: all customers
    assert len(res.profiles) == res.k and len(res.centers) == res.k


def test_k_given_as_int_equals_that_k_in_the_sweep():
    sweep = cluster_rfm(CDNOW_SUB, k=range(2, 5), n_init=2, customer="customer_id")
    one = cluster_rfm(CDNOW_SUB, k=4, n_init=2, customer="customer_id")
    assert one.k == 4 and one.k_rule == "given" and list(one.diagnostics.index) == [4]
    pd.testing.assert_series_equal(
        one.diagnostics.loc[4, ["inertia", "silhouette"]],
        sweep.diagnostics.loc[4, ["inertia", "silhouette"]],
    )
    assert one.card.section("clustering")["k"] == 4


def test_k_as_a_one_element_list_is_given():
    data = _blobs([20, 20, 20], [(5, 20, 2000), (60, 5, 300), (400, 1, 20)])
    res = cluster_rfm(data, k=[3, 3], customer="cid")
    assert res.ks == (3,) and res.k_rule == "given" and res.k == 3


def test_ties_in_silhouette_prefer_the_smaller_k(monkeypatch):
    import sklearn.metrics

    monkeypatch.setattr(sklearn.metrics, "silhouette_score", lambda *a, **kw: 0.5)
    data = _blobs([20, 20, 20], [(5, 20, 2000), (60, 5, 300), (400, 1, 20)])
    res = cluster_rfm(data, k=[4, 2, 3], customer="cid")
    assert res.ks == (2, 3, 4) and res.best_k == 2 and res.k == 2


def test_labels_equal_standard_scaler_kmeans_up_to_the_uniform_ddof_factor():
    # rfm.md §11: z-scores with ddof = 1 give the labels of sklearn's StandardScaler (ddof = 0)
    res = cluster_rfm(CDNOW_SUB, k=4, n_init=4, seed=3, customer="customer_id")
    sub = CDNOW_SUB[CDNOW_SUB["monetary"] > 0]
    x = np.log1p(sub[["recency_days", "frequency", "monetary"]].to_numpy(dtype="float64"))
    ref = KMeans(n_clusters=4, n_init=4, random_state=3).fit(StandardScaler().fit_transform(x))
    assert adjusted_rand_score(res.labels.to_numpy(), ref.labels_) == pytest.approx(1.0)
    assert res.labels.index.equals(pd.Index(sub["customer_id"], name="customer_id"))
    # inertia scales with (N - 1)/N
    n = len(sub)
    assert res.inertia == pytest.approx(ref.inertia_ * (n - 1) / n, rel=1e-6)


def test_cluster_numbers_follow_the_profile_order_not_the_row_order():
    data = _blobs([15, 15, 15], [(5, 20, 2000), (60, 5, 300), (400, 1, 20)])
    res = cluster_rfm(data, k=3, customer="cid")
    shuffled = data.sample(frac=1.0, random_state=5)
    res2 = cluster_rfm(shuffled, k=3, customer="cid")
    assert res.labels.sort_index().equals(res2.labels.sort_index())
    med = res.profiles["monetary_median"].to_numpy()
    assert (np.diff(med) < 0).all()  # sorted by median monetary, highest first
    assert res.table["cluster"].tolist() == [0] * 15 + [1] * 15 + [2] * 15


# ---------------------------------------------------------------------------------------------
# population and exclusions


def test_cdnow_excludes_the_68_customers_with_zero_monetary_f24():
    res = cluster_rfm(CDNOW, k=3, n_init=1, customer="customer_id")
    assert len(res.table) == 23_570
    assert res.n == 23_502 and res.n_excluded == 68  # rfm.md §19 F1/F24: 68 with M = 0
    assert res.exclusions == {"frequency = 0": 0, "missing value": 0, "monetary ≤ 0": 68}
    excluded = res.table["cluster"].isna()
    assert excluded.sum() == 68 and (res.table.loc[excluded, "monetary"] == 0).all()
    assert (res.table.loc[excluded, "exclusion"] == "monetary ≤ 0").all()
    assert res.table.loc[~excluded, "exclusion"].isna().all()
    assert res.profiles["n"].sum() == 23_502
    assert res.profiles["share"].sum() == pytest.approx(1.0)
    assert res.profiles["revenue_share"].sum() == pytest.approx(1.0)
    assert res.profiles["revenue"].sum() == pytest.approx(2_500_315.63, abs=1e-6)
    # N > 10,000: silhouette on a seeded sample of 10,000, stated on the card
    assert res.silhouette_sample_size == 10_000
    section = res.card.section("clustering")
    assert section["silhouette sample"] == "10,000 of 23,502 (random_state 0)"
    assert section["exclusions"]["monetary ≤ 0"] == 68 and section["population"] == 23_502


def _mixed() -> pd.DataFrame:
    data = _blobs([10, 10], [(5, 12, 900), (300, 1, 30)])
    extra = pd.DataFrame(
        {
            "cid": ["F0", "M0", "NEG", "NA", "R0"],
            "recency_days": pd.array([pd.NA, 40, 50, pd.NA, 0], dtype="Int64"),
            "frequency": [0, 2, 1, 3, 4],
            "monetary": [-25.0, 0.0, -10.0, 55.0, 80.0],
        }
    )
    data["recency_days"] = data["recency_days"].astype("Int64")
    return pd.concat([data, extra], ignore_index=True)


def test_exclusions_are_counted_per_reason():
    res = cluster_rfm(_mixed(), k=2, customer="cid")
    assert res.exclusions == {
        "frequency = 0": 1,
        "missing value": 1,
        "monetary ≤ 0": 2,
    }
    reasons = res.table.set_index("cid")["exclusion"]
    assert reasons["F0"] == "frequency = 0" and reasons["NA"] == "missing value"
    assert reasons["M0"] == reasons["NEG"] == "monetary ≤ 0"
    assert pd.isna(reasons["R0"])  # recency 0 is fine for log1p
    assert res.n == 21 and res.n_excluded == 4


def test_log_transform_also_excludes_recency_zero():
    res = cluster_rfm(_mixed(), k=2, transform="log", customer="cid")
    assert res.exclusions["recency_days ≤ 0"] == 1
    assert res.table.set_index("cid").loc["R0", "exclusion"] == "recency_days ≤ 0"


def test_shift_policy_keeps_nonpositive_spend_and_reports_the_shift():
    res = cluster_rfm(_mixed(), k=2, nonpositive="shift", customer="cid")
    assert res.shifts == {"monetary": 11.0}  # monetary - min + 1 with min = -10
    assert res.n == 23 and res.exclusions == {"frequency = 0": 1, "missing value": 1}
    assert res.card.section("clustering")["shifts"] == {"monetary": 11.0}
    assert np.isfinite(res.scaled.to_numpy()).all()


def test_raise_policy_names_the_count_and_the_fix():
    with pytest.raises(CvlibInputError, match=r"2 customer\(s\) have monetary ≤ 0.*'shift'"):
        cluster_rfm(_mixed(), k=2, nonpositive="raise", customer="cid")


def test_transform_none_clusters_nonpositive_spend_as_it_is():
    res = cluster_rfm(_mixed(), k=2, transform="none", scale="minmax", customer="cid")
    assert res.n == 23 and "monetary ≤ 0" not in res.exclusions
    assert res.scaled.min().min() == 0.0 and res.scaled.max().max() == 1.0


def test_no_customer_left_raises_with_the_counts():
    data = pd.DataFrame({"recency_days": [1, 2], "frequency": [1, 1], "monetary": [0.0, -1.0]})
    with pytest.raises(CvlibInputError, match="no customer is left to cluster.*monetary ≤ 0 2"):
        cluster_rfm(data, k=2)


# ---------------------------------------------------------------------------------------------
# profiles and names (rfm.md §11, cn8 labels §9.6)


def test_profile_names_use_the_cn8_labels_and_number_repeats():
    data = _blobs([10, 10, 20], [(5, 20, 2000), (10, 8, 600), (400, 1, 20)])
    res = cluster_rfm(data, k=3, customer="cid")
    p = res.profiles
    assert p["name"].tolist() == ["Important value", "Important value #2", "General win-back"]
    assert p["name_zh"].tolist() == ["重要价值客户", "重要价值客户 #2", "一般挽留客户"]
    assert p["n"].tolist() == [10, 10, 20]
    assert p[["recent", "f_high", "m_high"]].values.tolist() == [
        [True, True, True],
        [True, True, True],
        [False, False, False],
    ]
    names = res.table["cluster_name_zh"]
    assert (names.iloc[:10] == "重要价值客户").all() and (names.iloc[20:] == "一般挽留客户").all()
    assert res.card.section("clustering")["clusters"] == {
        "Important value": 10,
        "Important value #2": 10,
        "General win-back": 20,
    }


def test_least_recent_big_spenders_are_retention_not_value_f21_direction():
    # rfm.md §9.6 / F21: recent = recency_days BELOW the median; old high-F high-M is 保持
    data = _blobs([6, 6], [(300, 10, 1000), (5, 1, 10)])
    res = cluster_rfm(data, k=2, customer="cid")
    named = dict(zip(res.profiles["name_zh"], res.profiles["n"], strict=True))
    assert named == {"重要保持客户": 6, "一般发展客户": 6}
    assert res.profiles.loc[0, "name"] == "Important retention"
    assert res.profiles.loc[1, "name"] == "General development"


def test_profile_statistics_match_pandas():
    res = cluster_rfm(CDNOW_SUB, k=3, n_init=2, customer="customer_id")
    t = res.table.dropna(subset=["cluster"])
    g = t.groupby("cluster")
    np.testing.assert_allclose(res.profiles["monetary_median"], g["monetary"].median())
    np.testing.assert_allclose(res.profiles["frequency_mean"], g["frequency"].mean())
    np.testing.assert_allclose(
        res.profiles["recency_days_median"], g["recency_days"].median().astype("float64")
    )
    assert res.profiles["n"].tolist() == g.size().tolist()


# ---------------------------------------------------------------------------------------------
# inputs: result objects, cards, scores, bad input, no mutation


def test_result_object_card_is_extended_with_a_clustering_section():
    card = DefinitionCard("rfm_table").with_section("dates", {"analysis_date": "1998-07-01"})
    rfm = SimpleNamespace(table=CDNOW_SUB, customer="customer_id", card=card)
    res = cluster_rfm(rfm, k=3, n_init=2, seed=4)
    assert res.card.function == "rfm_table"
    assert res.card.section_names == ["dates", "clustering"]
    section = res.card.section("clustering")
    for key in (
        "features",
        "transform",
        "scale",
        "exclusions",
        "k",
        "seed",
        "n_init",
        "inertia",
        "silhouette",
        "silhouette sample",
    ):
        assert key in section
    assert section["seed"] == 4 and section["n_init"] == 2 and section["k"] == 3
    assert section["scale"] == "zscore (ddof = 1)" and section["transform"] == "log1p"
    assert "clustering" not in card  # the input's card is unchanged
    assert res.customer == "customer_id"
    text = repr(res)
    assert text.startswith("cvlib definition card · rfm_table")  # the card first (rfm.md §2)
    assert "clustering" in text and "Important value" in text
    assert "<pre>" in res._repr_html_()
    pd.testing.assert_frame_equal(res.summary(), res.profiles)


def test_plain_frame_without_customer_uses_the_index_and_gets_a_new_card():
    data = _blobs([8, 8], [(5, 12, 900), (300, 1, 30)]).set_index("cid")
    res = cluster_rfm(data, k=2)
    assert res.customer == "cid" and res.table.columns[0] == "cid"
    assert res.table["cid"].tolist() == data.index.tolist()
    assert res.card.function == "cluster_rfm" and res.card.section_names == ["clustering"]


def test_features_scores_clusters_the_score_columns():
    data = _blobs([8, 8], [(5, 12, 900), (300, 1, 30)])
    data["r_score"] = np.where(data["recency_days"] < 100, 5, 1)
    data["f_score"] = np.where(data["frequency"] > 5, 5, 1)
    data["m_score"] = np.where(data["monetary"] > 100, 4, 2)
    res = cluster_rfm(data, k=2, features="scores", transform="none", customer="cid")
    assert list(res.scaled.columns) == ["r_score", "f_score", "m_score"]
    assert res.profiles["name"].tolist() == ["Important value", "General win-back"]
    with pytest.raises(KeyError, match="'r_score'.*available columns"):
        cluster_rfm(data.drop(columns="r_score"), k=2, features="scores", customer="cid")


def test_constant_feature_is_set_to_zero_with_a_warning():
    data = _blobs([8, 8], [(5, 1, 900), (300, 1, 30)])
    with pytest.warns(CvlibWarning, match="'frequency' are constant"):
        res = cluster_rfm(data, k=2, customer="cid")
    assert (res.scaled["frequency"] == 0).all() and res.n == 16


@pytest.mark.parametrize("bad_k", [1, 0, range(1, 4), [2, 1], -3])
def test_k_below_two_is_refused(bad_k):
    with pytest.raises(CvlibInputError, match="at least 2 clusters"):
        cluster_rfm(CDNOW_SUB.head(50), k=bad_k, customer="customer_id")


@pytest.mark.parametrize("bad_k", [2.5, "3", True, [], None])
def test_k_of_the_wrong_type_is_refused(bad_k):
    with pytest.raises(CvlibInputError, match="k must be an integer >= 2"):
        cluster_rfm(CDNOW_SUB.head(50), k=bad_k, customer="customer_id")


def test_k_larger_than_the_population_names_the_limit():
    data = _blobs([3, 3], [(5, 12, 900), (300, 1, 30)])
    with pytest.raises(CvlibInputError, match=r"k=6 is too large.*6 customer.*at most 5"):
        cluster_rfm(data, k=6, customer="cid")
    with pytest.raises(CvlibInputError, match=r"at most 5.*k=range\(2, 6\)"):
        cluster_rfm(data, customer="cid")  # the default 2..8
    same = pd.DataFrame(
        {"recency_days": [5] * 4 + [9], "frequency": [1] * 5, "monetary": [10.0] * 4 + [12.0]}
    )
    with pytest.raises(CvlibInputError, match="2 distinct feature vector"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CvlibWarning)
            cluster_rfm(same, k=3)


def test_missing_columns_raise_keyerror_listing_the_columns():
    data = CDNOW_SUB.rename(columns={"monetary": "amount"})
    with pytest.raises(KeyError, match="'monetary' not found; available columns: 'customer_id'"):
        cluster_rfm(data, k=2, customer="customer_id")
    with pytest.raises(KeyError, match="customer column 'cust' not found"):
        cluster_rfm(CDNOW_SUB, k=2, customer="cust")


def test_non_numeric_columns_raise_typeerror_naming_the_column():
    data = CDNOW_SUB.head(20).copy()
    data["monetary"] = data["monetary"].astype(str)
    with pytest.raises(TypeError, match="column 'monetary' is not numeric"):
        cluster_rfm(data, k=2, customer="customer_id")
    data = CDNOW_SUB.head(20).copy()
    data["frequency"] = data["frequency"] > 1
    with pytest.raises(TypeError, match="column 'frequency' is boolean"):
        cluster_rfm(data, k=2, customer="customer_id")


def test_other_bad_input_is_named():
    base = CDNOW_SUB.head(30)
    with pytest.raises(CvlibInputError, match="transform='sqrt' is not a valid option.*'log1p'"):
        cluster_rfm(base, k=2, transform="sqrt", customer="customer_id")
    with pytest.raises(CvlibInputError, match="features='rfm' is not a valid option"):
        cluster_rfm(base, k=2, features="rfm", customer="customer_id")
    with pytest.raises(CvlibInputError, match="nonpositive='flag' is not a valid option"):
        cluster_rfm(base, k=2, nonpositive="flag", customer="customer_id")
    with pytest.raises(CvlibInputError, match="seed must be an integer >= 0"):
        cluster_rfm(base, k=2, seed=-1, customer="customer_id")
    with pytest.raises(CvlibInputError, match="n_init must be an integer >= 1"):
        cluster_rfm(base, k=2, n_init=0, customer="customer_id")
    with pytest.raises(TypeError, match="needs an RFM result"):
        cluster_rfm(base.to_numpy(), k=2)
    inf = base.copy()
    inf.loc[3, "monetary"] = np.inf
    with pytest.raises(CvlibInputError, match="'monetary' holds inf for customer"):
        cluster_rfm(inf, k=2, customer="customer_id")
    neg = base.copy()
    neg.loc[2, "recency_days"] = -4
    with pytest.raises(CvlibInputError, match="recency_days must be >= 0"):
        cluster_rfm(neg, k=2, customer="customer_id")
    dup = pd.concat([base, base.head(1)], ignore_index=True)
    with pytest.raises(CvlibInputError, match="duplicated customer ids"):
        cluster_rfm(dup, k=2, customer="customer_id")
    with pytest.raises(CvlibInputError, match="empty"):
        cluster_rfm(base.head(0), k=2, customer="customer_id")
    with pytest.raises(CvlibInputError, match="progress must be"):
        cluster_rfm(base, k=2, progress="yes", customer="customer_id")


def test_input_is_not_mutated():
    data = _mixed()
    data.attrs["note"] = "mine"
    before = data.copy(deep=True)
    dtypes = data.dtypes.copy()
    card = DefinitionCard("rfm_table").with_section("dates", {"analysis_date": "x"})
    rfm = SimpleNamespace(table=data, customer="cid", card=card)
    res = cluster_rfm(rfm, k=2, nonpositive="shift")
    cluster_rfm(data, k=2, customer="cid", scale="minmax")
    pd.testing.assert_frame_equal(data, before)
    assert data.dtypes.equals(dtypes) and data.attrs == {"note": "mine"}
    assert rfm.card is card and card.section_names == ["dates"]
    # the result is read-only: edits of what it returns do not reach it
    table = res.table
    table.loc[0, "cluster"] = 99
    assert res.table.loc[0, "cluster"] != 99
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.k = 5  # type: ignore[misc]
    assert isinstance(res, ClusterResult)


def test_progress_bar_can_be_forced_and_disabled(capsys):
    data = _blobs([8, 8, 8], [(5, 12, 900), (60, 4, 200), (300, 1, 30)])
    shown = cluster_rfm(data, k=range(2, 4), customer="cid", progress=True)
    assert "cluster_rfm: k" in capsys.readouterr().err
    hidden = cluster_rfm(data, k=range(2, 4), customer="cid", progress=False)
    assert capsys.readouterr().err == ""
    pd.testing.assert_frame_equal(shown.diagnostics, hidden.diagnostics)


@pytest.mark.parametrize("name", ["cluster", "cluster_name", "cluster_name_zh", "exclusion"])
def test_customer_id_column_named_like_an_output_column_raises(name):
    frame = CDNOW_SUB.head(50).rename(columns={"customer_id": name})
    with pytest.raises(CvlibInputError, match=rf"named '{name}'.*Rename the id column"):
        cluster_rfm(frame, k=2, n_init=1, customer=name)
    rfm = SimpleNamespace(table=frame, customer=name, card=None)
    with pytest.raises(CvlibInputError, match="would be overwritten"):
        cluster_rfm(rfm, k=2, n_init=1)
    indexed = frame.set_index(name)  # the index name is used as the id when customer is omitted
    with pytest.raises(CvlibInputError, match="would be overwritten"):
        cluster_rfm(indexed, k=2, n_init=1)

"""RFM scoring and weighted RFM (methods/rfm.md §7, §10): fixtures F5-F11, F23, F26 and bad input."""

from __future__ import annotations

import doctest
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from rfm_helpers import ID, cdnow_customers, frame_of, quiet_score

from cvlib._warnings import ScoreWarning
from cvlib.ahp import InconsistencyWarning
from cvlib.datasets import load_cdnow
from cvlib.rfm import RFMResult, ScoredResult, rfm_table, score, weighted_score
from cvlib.rfm import _score as score_module
from cvlib.rfm._card import DefinitionCard

# ------------------------------------------------------------------------------------------
# fixtures: the CDNOW customer table of rfm.md §19 (grain row, analysis date 1998-07-01)


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return load_cdnow()


@pytest.fixture(scope="module")
def cdnow(tx):
    return cdnow_customers(tx)


@pytest.fixture(scope="module")
def cdnow_early(tx):
    return cdnow_customers(tx[tx["date"] <= "1997-03-31"])


def counts(scored: ScoredResult, d: str) -> dict[int, int]:
    return {int(k): int(v) for k, v in scored.counts[d].items()}


# ------------------------------------------------------------------------------------------
# F5-F10: CDNOW edges and counts


def test_heavy_ties_keep_cdnow_f5(cdnow):
    with pytest.warns(ScoreWarning, match=r"11,908 of 23,570 customers share frequency = 1"):
        s = score(cdnow, **ID)
    assert s.edges["F"] == [1.0, 1.0, 2.0, 4.0]
    assert counts(s, "F") == {1: 11908, 2: 0, 3: 4079, 4: 3658, 5: 3925}
    t = s.table
    assert (t.loc[t["frequency"] == 1, "f_score"] == 1).all()
    assert s.empty_levels == {"R": [], "F": [2], "M": []}
    section = s.card.section("scoring")
    assert section["F counts"] == {"1": 11908, "2": 0, "3": 4079, "4": 3658, "5": 3925}
    assert section["F empty levels"] == [2]


def test_heavy_ties_keep_grain_day_cdnow_f6(tx):
    s = quiet_score(cdnow_customers(tx, grain="day"))
    assert int((s.table["frequency"] == 1).sum()) == 12054
    assert s.edges["F"] == [1.0, 1.0, 2.0, 4.0]
    assert counts(s, "F") == {1: 12054, 2: 0, 3: 4040, 4: 3641, 5: 3835}


def test_ties_first_splits_one_time_buyers_by_id_cdnow_f7(cdnow):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = score(cdnow, ties="first", **ID)
    messages = [str(w.message) for w in caught if w.category is ScoreWarning]
    assert any("3 distinct frequency values are split" in m for m in messages)
    for d in "RFM":
        assert counts(s, d) == dict.fromkeys(range(1, 6), 4714)
    one = s.table.loc[s.table["frequency"] == 1, "f_score"].value_counts().sort_index()
    assert one.to_dict() == {1: 4714, 2: 4714, 3: 2480}
    assert s.edges["F"] == [1.0, 1.0, 2.0, 4.0]
    assert len(s.split_values["F"]) == 3
    assert s.card.section("scoring")["F split values"] == 3
    # split by customer id: among the one-time buyers, F = 1 goes to the smallest ids
    ones = s.table[s.table["frequency"] == 1].sort_values("customer_id")
    assert (ones["f_score"].iloc[:4714] == 1).all() and (ones["f_score"].iloc[4714:] > 1).all()


def test_ties_dense_cdnow_f8(cdnow):
    s = quiet_score(cdnow, ties="dense")
    assert s.edges["F"] == [14.0, 27.0, 40.0, 60.0]
    assert counts(s, "F") == {1: 23093, 2: 390, 3: 52, 4: 22, 5: 13}


def test_recency_and_monetary_keep_cdnow_f9(cdnow):
    s = quiet_score(cdnow)
    assert s.edges["R"] == [142.0, 433.0, 486.0, 513.0]
    assert counts(s, "R") == {1: 4539, 2: 4748, 3: 4844, 4: 4720, 5: 4719}
    t = s.table
    assert ((t["r_score"] == 5) == (t["recency_days"] <= 142)).all()
    np.testing.assert_allclose(s.edges["M"], [15.36, 31.35, 59.924, 133.95], rtol=0, atol=1e-9)
    assert counts(s, "M") == {1: 4817, 2: 4615, 3: 4710, 4: 4715, 5: 4713}
    on_edge = t[np.isclose(t["monetary"], 15.36, rtol=0, atol=1e-9)]
    assert len(on_edge) == 424 and (on_edge["m_score"] == 1).all()
    # realised edges are the unrounded quantiles
    assert s.edges["M"] == list(np.quantile(t["monetary"].to_numpy(), [0.2, 0.4, 0.6, 0.8]))


def test_four_bins_keep_cdnow_f10(cdnow):
    s = quiet_score(cdnow, bins=4)
    assert s.edges["R"] == [208.0, 472.0, 506.0]
    assert s.edges["F"] == [1.0, 1.0, 3.0]
    assert counts(s, "F") == {1: 11908, 2: 0, 3: 6296, 4: 5366}
    np.testing.assert_allclose(s.edges["M"], [19.97, 43.395, 106.475], rtol=0, atol=1e-9)


# ------------------------------------------------------------------------------------------
# F11: early data never raises


def test_early_cdnow_keep_counts_f11(cdnow_early):
    t = frame_of(cdnow_early)
    assert len(t) == 23570 and int((t["frequency"] == 1).sum()) == 18504
    assert int((t["monetary"] == 0).sum()) == 70
    s = quiet_score(cdnow_early)
    assert s.edges["F"] == [1.0, 1.0, 1.0, 2.0]
    assert counts(s, "F") == {1: 18504, 2: 0, 3: 0, 4: 3476, 5: 1590}
    assert counts(quiet_score(cdnow_early, bins=4), "F") == {1: 18504, 2: 0, 3: 0, 4: 5066}


def test_early_cdnow_every_bins_and_tie_policy_never_raises_f11(cdnow_early):
    n = len(frame_of(cdnow_early))
    for bins, ties in itertools.product(range(2, 10), ("keep", "first", "random", "dense")):
        s = quiet_score(cdnow_early, bins=bins, ties=ties)
        for d in "RFM":
            assert int(s.counts[d].sum()) == n
            assert list(s.counts.index) == list(range(1, bins + 1))
        if ties in ("first", "random"):
            assert all(s.empty_levels[d] == [] for d in "RFM")


def test_early_cdnow_entropy_weights_f11(cdnow_early):
    w = weighted_score(quiet_score(cdnow_early), weights="entropy")
    assert np.isclose(w.weights.sum(), 1.0) and (w.weights > 0).all()


# ------------------------------------------------------------------------------------------
# F23: weights


def test_weights_ahp_reference_case_f23(cdnow):
    s = quiet_score(cdnow)
    a = [[1, 1 / 3, 1 / 5], [3, 1, 1 / 3], [5, 3, 1]]
    w = weighted_score(s, weights=a)
    np.testing.assert_allclose(w.weights.to_numpy(), [0.1047, 0.2583, 0.6370], atol=1e-4)
    section = w.card.section("weights")
    assert section["form"] == "ahp"
    np.testing.assert_allclose(
        [section["lambda_max"], section["CI"], section["CR"], section["RI"]],
        [3.0385, 0.0193, 0.0332, 0.58],
        atol=1e-4,
    )
    # the same matrix as a labelled DataFrame and as a pair dict
    df = pd.DataFrame(a, index=list("RFM"), columns=list("RFM"))
    pairs = {("F", "R"): 3, ("M", "R"): 5, ("M", "F"): 3}
    for form in (df, pairs):
        np.testing.assert_allclose(
            weighted_score(s, weights=form).weights.to_numpy(), w.weights.to_numpy(), atol=1e-12
        )


def test_weights_entropy_on_score_matrix_f23(cdnow):
    w = weighted_score(quiet_score(cdnow), weights="entropy")
    np.testing.assert_allclose(w.weights.to_numpy(), [0.2607, 0.4699, 0.2693], atol=1e-4)
    assert set(w.card.section("weights")["entropy e_j"]) == {"R", "F", "M"}


def test_weights_dict_normalised_f23(cdnow):
    s = quiet_score(cdnow)
    w = weighted_score(s, weights={"R": 1, "F": 2, "M": 3})
    np.testing.assert_allclose(w.weights.to_numpy(), [1 / 6, 1 / 3, 1 / 2], rtol=1e-12)
    c = s.canonical_scores().astype("float64")
    expected = c["R"] / 6 + c["F"] / 3 + c["M"] / 2
    np.testing.assert_allclose(w.table["wrfm"].to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert w.table["wrfm"].between(1, 5).all() and w.table["wrfm_100"].between(0, 100).all()
    np.testing.assert_allclose(
        w.table["wrfm_100"].to_numpy(), (w.table["wrfm"].to_numpy() - 1) / 4 * 100, rtol=1e-12
    )
    top = w.table.loc[w.table["wrfm"] == w.table["wrfm"].max(), "wrfm_rank"]
    assert (top == 1).all()
    section = w.card.section("weights")
    assert section["given"] == {"R": 1.0, "F": 2.0, "M": 3.0}
    assert w.table["wrfm"].dtype == np.float64
    assert s.weights is None  # the input result is unchanged


def test_weighted_minmax_basis_uses_cost_recency():
    table = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "recency_days": [0, 50, 100],
            "frequency": [1, 2, 3],
            "monetary": [10.0, 10.0, 10.0],
        }
    )
    s = quiet_score(table, customer="id", bins=2, method="median")
    with pytest.warns(ScoreWarning, match="M constant"):
        w = weighted_score(s, weights={"R": 1, "F": 1, "M": 0}, basis="minmax")
    np.testing.assert_allclose(w.table["wrfm"].to_numpy(), [0.5, 0.5, 0.5])
    np.testing.assert_allclose(w.table["wrfm_100"].to_numpy(), [50.0, 50.0, 50.0])
    assert w.table["wrfm_rank"].tolist() == [1, 1, 1]


def test_weights_inconsistent_ahp_warns_but_returns():
    table = pd.DataFrame(
        {"id": [1, 2], "recency_days": [1, 9], "frequency": [3, 1], "monetary": [9.0, 1.0]}
    )
    s = quiet_score(table, customer="id", bins=2, method="mean")
    bad = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.warns(InconsistencyWarning):
        w = weighted_score(s, weights=bad)
    assert w.card.section("weights")["CR"] > 0.1


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"R": -1, "F": 1, "M": 1}, "negative"),
        ({"R": 0, "F": 0, "M": 0}, "all zero"),
        ({"R": 1, "F": 1}, "missing"),
        ({"R": 1, "F": 1, "M": 1, "X": 1}, "unknown keys"),
        ({"R": float("nan"), "F": 1, "M": 1}, "finite"),
        ([1, 2, 3], "ambiguous"),
        ("equal", "not a weight form"),
        ([[1, 2], [0.5, 1]], "ambiguous or invalid"),
    ],
)
def test_weights_bad_input_names_the_problem(weights, match):
    table = pd.DataFrame(
        {"id": [1, 2], "recency_days": [1, 9], "frequency": [3, 1], "monetary": [9.0, 1.0]}
    )
    s = quiet_score(table, customer="id", bins=2, method="mean")
    with pytest.raises(ValueError, match=match):
        weighted_score(s, weights=weights)


def test_weights_need_a_scored_result(cdnow):
    with pytest.raises(TypeError, match="call score"):
        weighted_score(frame_of(cdnow), weights={"R": 1, "F": 1, "M": 1})
    with pytest.raises(ValueError, match="basis"):
        weighted_score(quiet_score(cdnow), weights="entropy", basis="zscore")


# ------------------------------------------------------------------------------------------
# F26: determinism, independence of row order


def test_random_ties_same_seed_same_scores_f26(cdnow):
    a = quiet_score(cdnow, ties="random", seed=7)
    b = quiet_score(cdnow, ties="random", seed=7)
    pd.testing.assert_frame_equal(a.table, b.table)
    c = quiet_score(cdnow, ties="random", seed=8)
    assert not a.table["f_score"].equals(c.table["f_score"])
    assert counts(a, "F") == counts(c, "F") == dict.fromkeys(range(1, 6), 4714)


@pytest.mark.parametrize("ties", ["keep", "first", "random", "dense"])
def test_scores_do_not_depend_on_row_order(cdnow, ties):
    table = frame_of(cdnow)
    shuffled = table.sample(frac=1.0, random_state=3)
    a = quiet_score(table, ties=ties).table.set_index("customer_id")
    b = quiet_score(shuffled, ties=ties).table.set_index("customer_id").loc[a.index]
    for col in ("r_score", "f_score", "m_score"):
        assert a[col].equals(b[col])


# ------------------------------------------------------------------------------------------
# output contract


def test_output_columns_dtypes_and_codes(cdnow):
    s = quiet_score(cdnow)
    t = s.table
    for col in ("r_score", "f_score", "m_score"):
        assert t[col].dtype == "Int8"
    assert t["rfm_score"].dtype == "Int16"
    assert t["rfm_code"].dtype == "string" and t["rf_code"].dtype == "string"
    expected = t["r_score"].astype(int) * 100 + t["f_score"].astype(int) * 10 + t["m_score"]
    assert (t["rfm_score"] == expected).all()
    assert (t["rfm_code"] == expected.astype(str)).all()
    assert (t["rf_code"] == t["rfm_code"].str[:2]).all()
    assert list(t.columns[: len(frame_of(cdnow).columns)]) == list(frame_of(cdnow).columns)
    assert t["recency_days"].dtype == "Int64" and t["monetary"].dtype == np.float64


def test_scale_one_best_reverses_the_display_only(cdnow):
    five = quiet_score(cdnow)
    one = quiet_score(cdnow, scale="1-best")
    for col in ("r_score", "f_score", "m_score"):
        assert (one.table[col] == 6 - five.table[col]).all()
    pd.testing.assert_frame_equal(one.canonical_scores(), five.canonical_scores())
    assert one.table.loc[one.table["recency_days"] <= 142, "r_score"].eq(1).all()
    assert "1-best" in one.card.section("scoring")["scale"]
    assert counts(one, "F")[4] == 0  # the empty canonical level 2 shows as level 4


def test_card_scoring_section(cdnow):
    s = quiet_score(cdnow)
    sec = s.card.section("scoring")
    assert sec["method"] == "quantile" and sec["bins"] == 5 and sec["ties"] == "keep"
    assert sec["rounding"] == score_module.ROUNDING_RULE
    assert sec["R edges"] == [142.0, 433.0, 486.0, 513.0]
    assert sec["customers M <= 0"] == 68 and sec["M <= 0 action"] == "flagged"
    assert "scoring" in str(s.card) and "header" in s.card.section_names
    assert "cvlib definition card" in repr(s)
    assert s.summary().loc[("F", 2), "customers"] == 0


def test_result_is_read_only(cdnow):
    s = quiet_score(cdnow)
    t = s.table
    t.loc[t.index[0], "r_score"] = 1
    t["extra"] = 1
    s.edges["R"].append(1.0)
    assert "extra" not in s.table.columns
    assert s.table["r_score"].iloc[0] == quiet_score(cdnow).table["r_score"].iloc[0]
    assert len(s.edges["R"]) == 4
    with pytest.raises(AttributeError):
        s.bins = 4


def test_input_is_never_modified(cdnow):
    table = frame_of(cdnow)
    before = table.copy(deep=True)
    hashed = pd.util.hash_pandas_object(table, index=True).to_numpy().copy()
    s = quiet_score(table, ties="random")
    weighted_score(s, weights="entropy")
    quiet_score(
        table,
        method="fixed",
        edges={"R": [30, 90, 180, 365], "F": [1, 2, 3, 5], "M": [10, 50, 100, 500]},
    )
    pd.testing.assert_frame_equal(table, before)
    assert (pd.util.hash_pandas_object(table, index=True).to_numpy() == hashed).all()
    assert list(table.columns) == list(before.columns)


def test_rfm_result_card_gets_the_scoring_section(cdnow):
    assert isinstance(cdnow, RFMResult)
    s = quiet_score(cdnow)
    assert s.customer == "customer_id"
    assert s.card.function == cdnow.card.function
    names = s.card.section_names
    assert set(cdnow.card.section_names) < set(names)
    assert "scoring" in names
    assert s.card.section("counts") == cdnow.card.section("counts")
    assert "scoring" not in cdnow.card  # the input's card is unchanged


def test_accepts_a_result_object_and_keeps_its_card(cdnow):
    class FakeRFMResult:  # the shape of cvlib.rfm.RFMResult
        def __init__(self, table):
            self.table = table
            self.card = DefinitionCard("rfm_table").with_section("dates", {"analysis": "x"})
            self.customer = "customer_id"

    s = quiet_score(FakeRFMResult(frame_of(cdnow).copy()))
    assert s.card.function == "rfm_table"
    assert s.card.section_names == ["dates", "scoring"]
    with pytest.raises(ValueError, match="disagrees"):
        score(FakeRFMResult(frame_of(cdnow)), customer="other")


# ------------------------------------------------------------------------------------------
# methods and policies on small tables


def small_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f"],
            "recency_days": pd.array([10, 40, 200, 400, 30, pd.NA], dtype="Int64"),
            "frequency": [5, 2, 1, 1, 3, 0],
            "monetary": [500.0, 80.0, 15.0, -5.0, 90.0, -20.0],
        }
    )


def test_fixed_edges_example_of_the_spec():
    t = pd.DataFrame(
        {
            "id": range(7),
            "recency_days": [0, 30, 31, 90, 180, 365, 366],
            "frequency": [1, 1, 1, 1, 1, 1, 1],
            "monetary": [1.0] * 7,
        }
    )
    edges = {"R": [30, 90, 180, 365], "F": [1, 2, 3, 5], "M": [10, 50, 100, 500]}
    s = quiet_score(t, customer="id", method="fixed", edges=edges)
    assert s.table["r_score"].tolist() == [5, 5, 4, 4, 3, 2, 1]
    assert s.edges["R"] == [30.0, 90.0, 180.0, 365.0]
    assert s.empty_levels["F"] == [2, 3, 4, 5]


def test_nine_decimal_rounding_makes_float_noise_ties_exact():
    t = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "recency_days": [1, 2, 3],
            "frequency": [1, 1, 1],
            "monetary": [0.1 + 0.2, 0.3, 0.4],
        }
    )
    s = quiet_score(
        t, customer="id", bins=2, method="fixed", edges={"R": [2], "F": [1], "M": [0.3]}
    )
    assert s.table["m_score"].tolist() == [1, 1, 2]
    assert s.table["monetary"].iloc[0] == 0.1 + 0.2  # values are not rounded


def test_mean_and_median_split_direction():
    t = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "recency_days": [10, 20, 30],
            "frequency": [1, 2, 3],
            "monetary": [1.0, 2.0, 3.0],
        }
    )
    for method in ("mean", "median"):
        s = quiet_score(t, customer="id", bins=2, method=method)
        # centre 20: equal goes to the less favourable side on every dimension
        assert s.table["r_score"].tolist() == [2, 1, 1]
        assert s.table["f_score"].tolist() == [1, 1, 2]
        assert s.table["m_score"].tolist() == [1, 1, 2]
        assert s.centres == {"R": 20.0, "F": 2.0, "M": 2.0}
        assert s.card.section("scoring")["R centre"] == 20.0


def test_zero_frequency_customers_are_not_scored():
    s = quiet_score(small_table(), customer="id")
    t = s.table
    assert (
        t.loc[t["id"] == "f", ["r_score", "f_score", "m_score", "rfm_score"]]
        .isna()
        .to_numpy()
        .all()
    )
    assert pd.isna(t.loc[t["id"] == "f", "rfm_code"]).all()
    assert int(s.counts["R"].sum()) == 5
    assert s.card.section("scoring")["customers F = 0 (not scored)"] == 1


def test_nonpositive_policies():
    flagged = quiet_score(small_table(), customer="id")
    assert flagged.table.loc[3, "m_score"] == 1 and bool(flagged.table.loc[3, "m_nonpositive"])
    assert flagged.card.section("scoring")["customers M <= 0"] == 1
    sep = quiet_score(small_table(), customer="id", nonpositive="separate")
    assert sep.table.loc[[3, 5], "r_score"].isna().all()
    assert int(sep.counts["M"].sum()) == 4
    with pytest.raises(ValueError, match="1 customers have monetary <= 0"):
        score(small_table(), customer="id", nonpositive="raise")


def test_every_customer_same_frequency_warns_and_scores_one():
    t = pd.DataFrame(
        {
            "id": range(6),
            "recency_days": [1, 5, 9, 20, 40, 80],
            "frequency": [2] * 6,
            "monetary": [5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
        }
    )
    with pytest.warns(ScoreWarning, match="constant column"):
        s = score(t, customer="id")
    assert (s.table["f_score"] == 1).all()
    assert s.empty_levels["F"] == [2, 3, 4, 5]


def test_constant_recency_gets_the_top_score():
    t = pd.DataFrame(
        {
            "id": range(4),
            "recency_days": [7] * 4,
            "frequency": [1, 2, 3, 4],
            "monetary": [1.0, 2.0, 3.0, 4.0],
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = score(t, customer="id")
    assert any("recency_days = 7 (constant column)" in str(w.message) for w in caught)
    assert (s.table["r_score"] == 5).all()


def test_one_customer_and_fewer_customers_than_bins():
    one = pd.DataFrame({"id": [1], "recency_days": [3], "frequency": [2], "monetary": [9.0]})
    for ties in ("keep", "first", "random", "dense"):
        s = quiet_score(one, customer="id", ties=ties)
        assert s.table.loc[0, ["r_score", "f_score", "m_score"]].tolist() == [5, 1, 1]
    three = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "recency_days": [3, 9, 30],
            "frequency": [1, 2, 3],
            "monetary": [1.0, 2.0, 3.0],
        }
    )
    with pytest.warns(ScoreWarning, match="only 3 customers are scored"):
        s = score(three, customer="id", ties="first")
    assert sum(counts(s, "F").values()) == 3 and len(s.empty_levels["F"]) == 2


def test_user_probs():
    s = quiet_score(small_table(), customer="id", bins=3, probs=[0.5, 0.9])
    assert s.probs == (0.5, 0.9)
    assert s.card.section("scoring")["probs"] == [0.5, 0.9]
    # "first" with probs: b = 1 + #{k: p_k <= (rank - 1)/N}; 5 customers: q = 0, .2, .4, .6, .8
    with pytest.warns(ScoreWarning, match="no rank position of the 5 scored customers"):
        sf = score(small_table(), customer="id", bins=3, probs=[0.5, 0.9], ties="first")
    assert counts(sf, "F") == {1: 3, 2: 2, 3: 0}
    sf = quiet_score(small_table(), customer="id", bins=3, probs=[0.2, 0.6], ties="first")
    assert counts(sf, "F") == {1: 1, 2: 2, 3: 2}


def test_docstring_examples_run():
    result = doctest.testmod(score_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize("bins", [1, 10, 0, 2.5, True, "5"])
def test_bins_outside_two_to_nine(bins):
    with pytest.raises(ValueError, match="bins"):
        score(small_table(), customer="id", bins=bins)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "jenks"}, "method='jenks' is not a valid option"),
        ({"ties": "average"}, "ties='average'"),
        ({"scale": "best"}, "scale='best'"),
        ({"nonpositive": "drop"}, "nonpositive='drop'"),
        ({"seed": -1}, "seed"),
        ({"seed": None}, "seed"),
        ({"method": "mean"}, "needs bins=2"),
        ({"method": "fixed"}, "needs edges"),
        ({"edges": {"R": [1, 2, 3, 4]}}, "applies to method='fixed'"),
        ({"method": "fixed", "ties": "first", "edges": {}}, "applies to method='quantile'"),
        ({"probs": [0.2, 0.4, 0.6]}, "4 cut probabilities"),
        ({"probs": [0.4, 0.2, 0.6, 0.8]}, "strictly increasing"),
        ({"probs": [0, 0.4, 0.6, 0.8]}, "strictly between 0 and 1"),
        ({"method": "median", "bins": 2, "probs": [0.5]}, "probs= applies"),
    ],
)
def test_unknown_or_inconsistent_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        score(small_table(), customer="id", **kwargs)


@pytest.mark.parametrize(
    ("edges", "match"),
    [
        ({"R": [365, 180, 90, 30], "F": [1, 2, 3, 4], "M": [1, 2, 3, 4]}, "strictly increasing"),
        ({"R": [30, 90, 180], "F": [1, 2, 3, 4], "M": [1, 2, 3, 4]}, "4 values for bins=5"),
        ({"R": [30, 30, 90, 180], "F": [1, 2, 3, 4], "M": [1, 2, 3, 4]}, "strictly increasing"),
        ({"R": [1, 2, 3, 4], "F": [1, 2, 3, 4]}, "missing \\['M'\\]"),
        ({"R": [1, 2, 3, 4], "F": [1, 2, 3, 4], "M": [1, 2, 3, 4], "X": [1]}, "unknown"),
        ({"R": [1, 2, 3, np.inf], "F": [1, 2, 3, 4], "M": [1, 2, 3, 4]}, "finite"),
        ([30, 90, 180, 365], "edges="),
    ],
)
def test_fixed_edges_unsorted_or_wrong_length(edges, match):
    with pytest.raises(ValueError, match=match):
        score(small_table(), customer="id", method="fixed", edges=edges)


def test_bad_tables():
    t = small_table()
    with pytest.raises(TypeError, match="customer="):
        score(t)
    with pytest.raises(KeyError, match="'nope' not found"):
        score(t, customer="nope")
    with pytest.raises(KeyError, match="missing 'monetary'"):
        score(t.drop(columns="monetary"), customer="id")
    btyd = pd.DataFrame(
        {"id": [1], "frequency": [0], "recency": [0.0], "T": [5.0], "monetary_value": [0.0]}
    )
    with pytest.raises(KeyError, match="BTYD summary"):
        score(btyd, customer="id")
    with pytest.raises(ValueError, match="not unique"):
        score(pd.concat([t, t]), customer="id")
    with pytest.raises(TypeError, match="'monetary' must be numeric"):
        score(t.assign(monetary=t["monetary"].astype(str)), customer="id")
    with pytest.raises(ValueError, match="negative"):
        score(t.assign(recency_days=-t["recency_days"]), customer="id")
    with pytest.raises(ValueError, match="missing at row"):
        score(t.assign(monetary=[np.nan, 1, 1, 1, 1, 1]), customer="id")
    with pytest.raises(ValueError, match="whole numbers"):
        score(t.assign(frequency=[1.5, 1, 1, 1, 1, 0]), customer="id")
    with pytest.raises(ValueError, match="empty"):
        score(t.iloc[:0], customer="id")
    with pytest.raises(TypeError, match="rfm_table"):
        score([1, 2, 3])


@pytest.mark.parametrize("side", ["left", "right"])
def test_bins_by_edges_match_a_binary_search(side):
    # the per-edge comparison path gives searchsorted's counts: ties at an edge, repeated
    # edges, values at 9-decimal noise from an edge, ±inf; NaN values and many edges fall back
    rng = np.random.default_rng(7)
    x = np.concatenate(
        [rng.integers(0, 6, 500).astype(float), [1.0 + 1e-12, 2.0 - 1e-12, np.inf, -np.inf]]
    )
    cases = [
        np.array([1.0, 2.0, 2.0, 4.0]),
        np.array([0.5]),
        np.array([1.0 + 1e-11, 3.0]),
        np.arange(12, dtype=float) / 2,  # more than 8 edges: binary search
    ]
    for edges in cases:
        for values in (x, np.append(x, np.nan)):
            expected = (
                np.searchsorted(
                    np.round(edges, score_module.ROUND_DECIMALS),
                    np.round(values, score_module.ROUND_DECIMALS),
                    side=side,
                )
                + 1
            )
            got = score_module._raw_bins_by_edges(values, edges, side)
            assert got.dtype == np.int64
            np.testing.assert_array_equal(got, expected)


def test_review_fixes_nonpositive_guard_btyd_message_and_reserved_id_names():
    """score uses rfm_table's 9-decimal guard; a BTYD result is named as such; ids named like
    output columns are refused up front (rfm.md §7.5, §20.8)."""
    import warnings

    from cvlib.rfm import btyd_summary

    tx = pd.DataFrame(
        {
            "cust": ["a", "a", "a", "b", "c"],
            "d": pd.to_datetime(
                ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-02", "2024-01-03"]
            ),
            "amt": [0.1, 0.2, -0.3, 5.0, 7.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rfm = rfm_table(tx, customer="cust", date="d", amount="amt")
        assert bool(rfm.table.loc[rfm.table["cust"] == "a", "m_nonpositive"].iloc[0])
        with pytest.raises(ValueError, match="monetary <= 0"):
            score(rfm, bins=2, nonpositive="raise")
        separated = score(rfm, bins=2, nonpositive="separate")
        assert separated.table.loc[separated.table["cust"] == "a", "m_score"].isna().all()
        with pytest.raises(KeyError, match="BTYD summary"):
            score(btyd_summary(tx, customer="cust", date="d", amount="amt"))
        for name in ("segment", "r_score", "wrfm", "cluster"):
            with pytest.raises(ValueError, match="rename it"):
                rfm_table(tx.rename(columns={"cust": name}), customer=name, date="d", amount="amt")

"""Sensitivity and rank stability (灵敏度分析): one-at-a-time with proportional redistribution and
Monte Carlo over judgments (methods/ahp.md §11; reference values §15.3).

Tolerances: [computed] values 1e-6, exact identities 1e-12.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from cvlib.ahp import S17, AHPInputError, AHPWarning, _sensitivity, hierarchy, weights
from cvlib.ahp._group import group_weights
from cvlib.ahp._sensitivity import (
    MonteCarloResult,
    OATResult,
    monte_carlo_sensitivity,
    oat_sensitivity,
)
from cvlib.scoring import score_customers

pytestmark = pytest.mark.filterwarnings("ignore::cvlib.ahp.InconsistencyWarning")

COMPUTED = 1e-6
EXACT = 1e-12

# ---- §15.3 Wikipedia leader example (Tom, Dick, Harry) --------------------------------------
CRITERIA = ["Experience", "Education", "Charisma", "Age"]
ALTS = ["Tom", "Dick", "Harry"]
LEADER_UPPER = [4, 3, 7, "1/3", 3, 5]
ALT_UPPER = {
    "Experience": ["1/4", 4, 9],
    "Education": [3, "1/5", "1/7"],
    "Charisma": [5, 9, 4],
    "Age": ["1/3", 5, 9],
}


@pytest.fixture(scope="module")
def leader():
    crit = weights(LEADER_UPPER, labels=CRITERIA)
    p = pd.DataFrame({c: weights(u, labels=ALTS).weights for c, u in ALT_UPPER.items()})
    return crit, p


def random_matrix(n, seed, lo=5, hi=12):
    rng = np.random.default_rng(seed)
    iu = np.triu_indices(n, 1)
    u = S17[rng.integers(lo, hi, len(iu[0]))]
    a = np.ones((n, n))
    a[iu] = u
    a[iu[1], iu[0]] = 1 / u
    return a


def random_values(c, n, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.standard_normal((c, n)), index=pd.Index([f"c{i:03d}" for i in range(c)], name="id")
    )


def top_list(res, criterion, x, k):
    at = res.at(criterion, x)
    return at.sort_values("rank").index[:k].tolist()


# ---- §15.3 reference values -------------------------------------------------------------------


def test_leader_oat_crossings_tom_dick_15_3(leader):
    crit, p = leader
    res = oat_sensitivity(crit, p)
    assert res.top == ("Dick",)
    cr = res.crossings
    td = cr[(cr["p"] == "Dick") & (cr["q"] == "Tom")].set_index("criterion")
    assert td.loc["Charisma", "x_star"] == pytest.approx(0.413743, abs=COMPUTED)
    assert td.loc["Charisma", "delta"] == pytest.approx(0.143793, abs=COMPUTED)
    assert td.loc["Experience", "x_star"] == pytest.approx(0.380777, abs=COMPUTED)
    assert td.loc["Experience", "delta"] == pytest.approx(-0.166792, abs=COMPUTED)
    assert td.loc["Education", "x_star"] == pytest.approx(0.612380, abs=COMPUTED)
    assert td.loc["Education", "delta"] == pytest.approx(0.485825, abs=COMPUTED)
    assert "Age" not in td.index  # no Tom-Dick crossing in [0, 1]
    assert not (cr["criterion"] == "Age").any()


def test_leader_critical_criterion_for_rank_1_is_charisma_15_3(leader):
    crit, p = leader
    res = oat_sensitivity(crit, p)
    best = res.critical_criterion.loc["top1"]
    assert best["criterion"] == "Charisma" and best["direction"] == "increase"
    assert best["delta"] == pytest.approx(0.143793, abs=COMPUTED)
    assert (best["p"], best["q"]) == ("Dick", "Tom")
    w = res.weights_at("Charisma", 0.413743)
    np.testing.assert_allclose(w, [0.439718, 0.101629, 0.413743, 0.044910], atol=COMPUTED)
    at = res.at("Charisma", 0.413743)
    assert at.loc["Tom", "score"] == pytest.approx(0.433914, abs=COMPUTED)
    assert at.loc["Dick", "score"] == pytest.approx(0.433914, abs=COMPUTED)
    assert res.adjacent_critical.iloc[0]["criterion"] == "Charisma"


def test_leader_global_scores_15_3(leader):
    crit, p = leader
    res = oat_sensitivity(crit, p)
    np.testing.assert_allclose(
        res.base_scores.loc[ALTS], [0.358137, 0.492788, 0.149075], atol=COMPUTED
    )
    assert res.base_rank.loc[ALTS].tolist() == [2, 1, 3]


# ---- OAT properties ---------------------------------------------------------------------------


def test_oat_at_zero_change_reproduces_the_base_ranking():
    crit = weights(random_matrix(6, 1))
    v = random_values(300, 6, 2)
    res = oat_sensitivity(crit, v, top_k=5)
    for k, c in enumerate(res.base_weights.index):
        w_k = res.base_weights.iloc[k]
        np.testing.assert_array_equal(res.weights_at(c, w_k), res.base_weights)
        at = res.at(c, w_k)
        np.testing.assert_array_equal(at["score"], res.base_scores)
        np.testing.assert_array_equal(at["rank"], res.base_rank)


def test_oat_weight_path_is_proportional_redistribution():
    crit = weights(random_matrix(5, 3))
    res = oat_sensitivity(crit, random_values(20, 5, 4), grid=11)
    w = res.base_weights.to_numpy()
    path = res.weight_path[res.weight_path["criterion"] == 2]
    x = path["x"].to_numpy()
    ws = path[list(res.base_weights.index)].to_numpy()
    np.testing.assert_allclose(ws.sum(axis=1), 1.0, atol=EXACT)
    np.testing.assert_allclose(ws[:, 2], x, atol=EXACT)
    others = [0, 1, 3, 4]
    np.testing.assert_allclose(
        ws[:, others], w[others] * ((1 - x) / (1 - w[2]))[:, None], atol=EXACT
    )


@pytest.mark.parametrize("top_k", [1, 3])
def test_critical_change_swaps_the_top_at_it_and_not_before(top_k):
    """Check both sides numerically: unchanged strictly between w_k and x*, changed just past."""
    crit = weights(random_matrix(5, 7))
    v = random_values(40, 5, 8)
    res = oat_sensitivity(crit, v, top_k=top_k)
    base_top = list(res.top)
    checked = 0
    for _, row in res.critical.dropna(subset=["delta"]).iterrows():
        c, x_star, delta = row["criterion"], row["x_star"], row["delta"]
        w_k = row["weight"]
        step = 1e-7 if delta > 0 else -1e-7
        if not (0.0 <= x_star + step <= 1.0) or abs(delta) < 1e-6:
            continue
        for frac in (0.25, 0.5, 0.9, 0.999):  # between the base and x*: nothing changed yet
            before = top_list(res, c, w_k + frac * delta, top_k)
            after_set = set(before) == set(base_top)
            if row["change"] == "top_k_set":
                assert after_set
            else:
                assert (
                    before[: 1 if row["change"] == "top1" else top_k]
                    == base_top[: 1 if row["change"] == "top1" else top_k]
                )
        past = top_list(res, c, x_star + step, top_k)
        if row["change"] == "top1":
            assert past[0] != base_top[0]
        elif row["change"] == "top_k_set":
            assert set(past) != set(base_top)
        else:
            assert past != base_top
        checked += 1
    assert checked >= 4


def test_critical_top1_matches_a_brute_force_grid_search():
    """An independent check: scores on a fine grid of w_k (plain numpy), first change of the top."""
    crit = weights(random_matrix(4, 9))
    v = random_values(25, 4, 10)
    res = oat_sensitivity(crit, v)
    w = res.base_weights.to_numpy()
    vals = v.to_numpy()
    for k, c in enumerate(res.base_weights.index):
        for direction, end in (("increase", 1.0), ("decrease", 0.0)):
            row = res.critical[
                (res.critical["criterion"] == c) & (res.critical["direction"] == direction)
            ]
            xs = np.linspace(w[k], end, 20001)[1:]
            wx = w[None, :] * ((1 - xs) / (1 - w[k]))[:, None]
            wx[:, k] = xs
            tops = v.index[np.argmax(vals @ wx.T, axis=0)]
            changed = xs[tops != res.top[0]]
            if row["delta"].isna().all():
                assert len(changed) == 0
            else:
                step = abs(end - w[k]) / 20000
                assert changed[0] == pytest.approx(row["x_star"].iloc[0], abs=step + 1e-12)


def test_oat_with_a_hierarchy_varies_global_leaf_weights():
    spec = {
        "goal": {"children": ["A", "B"], "matrix": [[1, 2], ["1/2", 1]]},
        "A": {"children": ["a1", "a2", "a3"], "matrix": [2, 4, 2]},
        "B": {"children": ["b1", "b2"], "weights": {"b1": 0.75, "b2": 0.25}},
    }
    h = hierarchy(spec)
    v = random_values(50, 5, 11)
    v.columns = ["a1", "a2", "a3", "b1", "b2"]
    res = oat_sensitivity(h, v, top_k=2)
    np.testing.assert_allclose(res.base_weights, h.leaf_weights, atol=EXACT)
    assert res.source == "hierarchy" and set(res.varied) == set(v.columns)


def test_oat_scores_equal_score_customers_scores():
    rng = np.random.default_rng(12)
    data = pd.DataFrame(rng.gamma(2.0, 10.0, (100, 3)), columns=["sales", "profit", "cost"])
    w = {"sales": 0.5, "profit": 0.3, "cost": 0.2}
    sc = score_customers(
        data, w, directions={"sales": "benefit", "profit": "benefit", "cost": "cost"}
    )
    res = oat_sensitivity(pd.Series(w), sc, top_k=3)
    np.testing.assert_array_equal(res.base_scores.to_numpy(), sc.scores.to_numpy())
    assert res.source == "direct"


def test_oat_tied_alternatives_break_ties_by_id():
    v = pd.DataFrame({"a": [1.0, 2.0, 2.0], "b": [0.0, 1.0, 1.0]}, index=["z", "y", "x"])
    res = oat_sensitivity(pd.Series({"a": 0.5, "b": 0.5}), v, top_k=2)
    assert res.top == ("x", "y")
    assert res.base_rank.to_dict() == {"z": 3, "y": 2, "x": 1}


def test_oat_bad_input():
    v = random_values(5, 2, 13)
    v.columns = ["a", "b"]
    with pytest.raises(AHPInputError, match="nothing to redistribute"):
        oat_sensitivity(pd.Series({"a": 1.0, "b": 0.0}), v)
    with pytest.raises(AHPInputError, match="missing"):
        oat_sensitivity(pd.Series({"a": 0.5, "c": 0.5}), v)
    bad = v.copy()
    bad.iloc[2, 0] = np.nan
    with pytest.raises(AHPInputError, match="missing or infinite"):
        oat_sensitivity(pd.Series({"a": 0.5, "b": 0.5}), bad)
    with pytest.raises(AHPInputError, match="top_k=9 exceeds"):
        oat_sensitivity(pd.Series({"a": 0.5, "b": 0.5}), v, top_k=9)
    with pytest.raises(AHPInputError, match="unknown criteria"):
        oat_sensitivity(pd.Series({"a": 0.5, "b": 0.5}), v, vary=["q"])


# ---- Monte Carlo ------------------------------------------------------------------------------


def test_monte_carlo_zero_perturbation_gives_probability_one():
    crit = weights(random_matrix(6, 14))
    v = random_values(200, 6, 15)
    mc = monte_carlo_sensitivity(crit, v, sigma=0.0, draws=30, seed=1, top_k=10)
    base_top = set(mc.top)
    p = mc.alternatives["p_top_k"]
    assert (p[list(base_top)] == 1.0).all() and (p.drop(list(base_top)) == 0.0).all()
    assert (mc.alternatives["p_base_rank"] == 1.0).all()
    np.testing.assert_array_equal(mc.spearman, 1.0)
    np.testing.assert_allclose(mc.weights_summary["sd"], 0.0, atol=EXACT)
    np.testing.assert_allclose(mc.weights_summary["base"], crit.weights, atol=EXACT)


def test_monte_carlo_top_k_probabilities_sum_to_k_and_ranks_are_permutations():
    crit = weights(random_matrix(5, 16))
    v = random_values(150, 5, 17)
    mc = monte_carlo_sensitivity(crit, v, sigma=0.5, draws=200, seed=2, top_k=7, keep_ranks=True)
    assert mc.alternatives["p_top_k"].sum() == pytest.approx(7.0, abs=EXACT)
    assert mc.report["top_k_sum"] == 7 * 200
    r = mc.rank_draws
    assert r.shape == (200, 150)
    np.testing.assert_array_equal(np.sort(r, axis=1), np.tile(np.arange(1, 151), (200, 1)))
    # ranks agree with the draws' weights (ordinal, 1 = best)
    s = v.to_numpy() @ mc.weight_draws.iloc[5].to_numpy()
    assert r[5][np.argmax(s)] == 1
    # Spearman per draw = the textbook formula on the kept ranks
    base = mc.alternatives["base_rank"].to_numpy()
    rho = 1 - 6 * ((r - base) ** 2).sum(axis=1) / (150 * (150**2 - 1))
    np.testing.assert_allclose(mc.spearman, rho, atol=EXACT)
    np.testing.assert_allclose(mc.alternatives["mean_rank"], r.mean(axis=0), atol=EXACT)
    np.testing.assert_allclose(mc.alternatives["rank_q50"], np.quantile(r, 0.5, axis=0), atol=EXACT)
    assert 0 < mc.spearman_mean < 1 and mc.spearman_q05 <= mc.spearman_mean


def test_monte_carlo_is_reproducible_with_the_seed():
    crit = weights(random_matrix(5, 18))
    v = random_values(80, 5, 19)
    a = monte_carlo_sensitivity(crit, v, draws=100, seed=7, top_k=3)
    b = monte_carlo_sensitivity(crit, v, draws=100, seed=7, top_k=3)
    c = monte_carlo_sensitivity(crit, v, draws=100, seed=8, top_k=3)
    pd.testing.assert_frame_equal(a.weight_draws, b.weight_draws)
    pd.testing.assert_frame_equal(a.alternatives, b.alternatives)
    np.testing.assert_array_equal(a.spearman, b.spearman)
    assert not a.weight_draws.equals(c.weight_draws)
    assert a.seed == 7 and a.sigma == 0.25 and a.snap == "none"


def test_monte_carlo_draws_follow_the_log_normal_perturbation_model():
    a = random_matrix(4, 20)
    crit = weights(a)
    v = random_values(10, 4, 21)
    mc = monte_carlo_sensitivity(crit, v, sigma=0.3, draws=20, seed=5)
    iu = np.triu_indices(4, 1)
    z = np.random.default_rng(5).standard_normal((20, len(iu[0])))
    for d in (0, 11, 19):
        up = a[iu] * np.exp(0.3 * z[d])
        m = np.ones((4, 4))
        m[iu] = up
        m[iu[1], iu[0]] = 1 / up
        np.testing.assert_allclose(
            mc.weight_draws.iloc[d], weights(m, scale="ratio").weights, atol=EXACT
        )


def test_monte_carlo_snap_saaty_with_zero_sigma_is_the_base():
    crit = weights(random_matrix(5, 22))
    v = random_values(30, 5, 23)
    mc = monte_carlo_sensitivity(crit, v, sigma=0.0, snap="saaty", draws=10, seed=1)
    np.testing.assert_allclose(
        mc.weight_draws.to_numpy(), np.tile(crit.weights, (10, 1)), atol=EXACT
    )


def test_monte_carlo_max_cr_filter_reports_rejections():
    crit = weights(random_matrix(6, 24, lo=7, hi=10))
    v = random_values(30, 6, 25)
    with pytest.warns(AHPWarning, match="left out"):
        mc = monte_carlo_sensitivity(crit, v, sigma=1.0, draws=200, seed=3, max_cr=0.1, max_tries=2)
    rep = mc.report
    assert rep["n_rejected"] > 0 and rep["n_failed"] > 0
    assert rep["n_used"] + rep["n_failed"] == 200 == mc.draws
    assert len(mc.weight_draws) == mc.n_used
    with pytest.warns(AHPWarning, match="left out"):
        loose = monte_carlo_sensitivity(
            crit, v, sigma=1.0, draws=200, seed=3, max_cr=0.1, max_tries=50
        )
    assert loose.report["n_failed"] < rep["n_failed"]


def test_monte_carlo_over_a_hierarchy_perturbs_every_matrix_node():
    spec = {
        "goal": {"children": ["A", "B"], "matrix": [[1, 2], ["1/2", 1]]},
        "A": {"children": ["a1", "a2", "a3"], "matrix": [2, 4, 2]},
        "B": {"children": ["b1", "b2"], "weights": {"b1": 0.75, "b2": 0.25}},
    }
    h = hierarchy(spec)
    v = random_values(60, 5, 26)
    v.columns = ["a1", "a2", "a3", "b1", "b2"]
    zero = monte_carlo_sensitivity(h, v, sigma=0.0, draws=20, seed=1, top_k=5)
    assert (zero.alternatives["p_base_rank"] == 1.0).all()
    np.testing.assert_allclose(zero.weights_summary["base"], h.leaf_weights, atol=EXACT)
    mc = monte_carlo_sensitivity(h, v, sigma=0.3, draws=100, seed=2, top_k=5)
    assert mc.perturbed == ("goal", "A") and mc.source == "hierarchy"
    wd = mc.weight_draws
    np.testing.assert_allclose(wd.sum(axis=1), 1.0, atol=EXACT)
    np.testing.assert_allclose(wd["b1"] / wd["b2"], 3.0, rtol=EXACT)  # direct node stays fixed
    assert wd["a1"].std() > 0


def test_monte_carlo_group_sigma_uses_half_the_respondents_log_sd():
    a = random_matrix(4, 27)
    same = group_weights(np.repeat(a[None], 5, axis=0), n_boot=0)
    v = random_values(40, 4, 28)
    mc = monte_carlo_sensitivity(same, v, sigma="group", draws=20, seed=1, top_k=3)
    assert (mc.alternatives["p_top_k"][list(mc.top)] == 1.0).all()  # log-SD 0 -> no noise
    rng = np.random.default_rng(29)
    iu = np.triu_indices(4, 1)
    stack = np.repeat(a[None], 30, axis=0)
    up = a[iu] * np.exp(0.4 * rng.standard_normal((30, len(iu[0]))))
    stack[:, iu[0], iu[1]] = up
    stack[:, iu[1], iu[0]] = 1 / up
    grp = group_weights(stack, scale="ratio", n_boot=0)
    mc = monte_carlo_sensitivity(grp, v, sigma="group", draws=20, seed=4)
    z = np.random.default_rng(4).standard_normal((20, len(iu[0])))
    sig = 0.5 * grp.pair_dispersion["log_sd"].to_numpy()
    g = grp.matrix.to_numpy()
    m = np.ones((4, 4))
    m[iu] = g[iu] * np.exp(sig * z[0])
    m[iu[1], iu[0]] = 1 / m[iu]
    np.testing.assert_allclose(
        mc.weight_draws.iloc[0], weights(m, scale="ratio").weights, atol=EXACT
    )
    with pytest.raises(AHPInputError, match="sigma='group' needs respondent data"):
        monte_carlo_sensitivity(weights(a), v, sigma="group", draws=5, seed=1)


def test_monte_carlo_duplicate_customers_keep_a_deterministic_order():
    crit = weights(random_matrix(4, 30))
    v = random_values(50, 4, 31)
    v = pd.concat([v, v.iloc[:10].set_axis([f"d{i}" for i in range(10)])])
    mc = monte_carlo_sensitivity(crit, v, sigma=0.4, draws=100, seed=6, top_k=12)
    assert mc.alternatives["p_top_k"].sum() == pytest.approx(12.0, abs=EXACT)
    again = monte_carlo_sensitivity(crit, v, sigma=0.4, draws=100, seed=6, top_k=12)
    pd.testing.assert_frame_equal(mc.alternatives, again.alternatives)


def test_monte_carlo_bad_input():
    crit = weights(random_matrix(3, 32))
    v = random_values(10, 3, 33)
    with pytest.raises(AHPInputError, match="seed="):
        monte_carlo_sensitivity(crit, v)
    with pytest.raises(AHPInputError, match="sigma=-1"):
        monte_carlo_sensitivity(crit, v, sigma=-1, seed=1)
    with pytest.raises(ValueError, match="snap='round'"):
        monte_carlo_sensitivity(crit, v, snap="round", seed=1)
    with pytest.raises(AHPInputError, match="no judgment matrix to perturb"):
        monte_carlo_sensitivity(pd.Series({0: 0.2, 1: 0.3, 2: 0.5}), v, seed=1)
    with pytest.raises(AHPInputError, match="max_cr"):
        monte_carlo_sensitivity(crit, v, seed=1, max_cr=-0.1)


def test_results_and_docstrings():
    crit = weights(LEADER_UPPER, labels=CRITERIA)
    p = pd.DataFrame({c: weights(u, labels=ALTS).weights for c, u in ALT_UPPER.items()})
    assert isinstance(oat_sensitivity(crit, p), OATResult)
    mc = monte_carlo_sensitivity(crit, p, draws=50, seed=1)
    assert isinstance(mc, MonteCarloResult) and "Spearman mean" in repr(mc)
    assert mc.top_probabilities(2).index[0] == "Dick"
    result = doctest.testmod(_sensitivity, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_speed_smoke_monte_carlo_many_customers():
    """Smoke test at a moderate size (timings are measured by hand, never asserted)."""
    crit = weights(random_matrix(9, 34))
    v = random_values(2000, 9, 35)
    mc = monte_carlo_sensitivity(crit, v, draws=100, seed=1, top_k=10)
    assert mc.alternatives["p_top_k"].sum() == pytest.approx(10.0, abs=EXACT)

"""Judgment matrices, priority methods, consistency, RI tables and GCI (methods/ahp.md §0-§5).

Tolerances: [computed] values 1e-6 (4-decimal CR values 5e-5), published 3-decimal values 5e-4,
textbook values 2e-3.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import cvlib.ahp as ahp
from cvlib._validation import CvlibInputError
from cvlib.ahp import (
    RI_TABLES,
    S17,
    AHPInputError,
    ConvergenceWarning,
    DuplicateJudgmentError,
    DuplicateJudgmentWarning,
    InconsistencyWarning,
    MissingJudgmentError,
    NormalizationWarning,
    ReciprocityError,
    ReciprocityWarning,
    ScaleError,
    ScaleWarning,
    direct_weights,
    format_weights,
    gci,
    judgment_matrix,
    measured_weights,
    random_index,
    simulate_ri,
    survey_matrices,
    weights,
)
from cvlib.ahp._consistency import acceptable, verdicts

# Inconsistent matrices are used on purpose; tests that check the warning use pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::cvlib.ahp.InconsistencyWarning")

COMPUTED = 1e-6
CR4 = 5e-5  # CR values printed with 4 decimals
PUBLISHED = 5e-4
TEXTBOOK = 2e-3


def full(upper):
    """Reciprocal matrix from an upper triangle (row-major), for fixtures."""
    m = len(upper)
    n = int((1 + np.sqrt(1 + 8 * m)) / 2)
    a = np.ones((n, n))
    iu = np.triu_indices(n, 1)
    a[iu] = upper
    a[iu[1], iu[0]] = 1 / np.asarray(upper, dtype=float)
    return a


# ---- reference matrices (ahp.md §15) ------------------------------------------------------
DRINKS_LABELS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINKS = np.array(
    [
        [1, 9, 5, 2, 1, 1, 1 / 2],
        [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
        [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
        [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [1, 9, 4, 2, 1, 2, 1 / 2],
        [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [2, 9, 9, 3, 2, 3, 1],
    ]
)
CITY_LABELS = ["Culture", "Family", "Housing", "Jobs", "Transportation"]
CITY = np.array(
    [
        [1, 1 / 5, 3, 1 / 2, 5],
        [5, 1, 7, 1, 7],
        [1 / 3, 1 / 7, 1, 1 / 4, 3],
        [2, 1, 4, 1, 7],
        [1 / 5, 1 / 7, 1 / 3, 1 / 7, 1],
    ]
)
LEADER = full([4, 3, 7, 1 / 3, 3, 5])
TOURISM = np.array(
    [
        [1, 1 / 2, 4, 3, 3],
        [2, 1, 7, 5, 5],
        [1 / 4, 1 / 7, 1, 1 / 2, 1 / 3],
        [1 / 3, 1 / 5, 2, 1, 1],
        [1 / 3, 1 / 5, 3, 1, 1],
    ]
)
BOZOKI = np.array(
    [
        [1, 1, 5, 2],
        [1, 1, 3, 4],
        [1 / 5, 1 / 3, 1, 3 / 4],
        [1 / 2, 1 / 4, 4 / 3, 1],
    ]
)
SALES_VOLUME = np.array([[1, 1 / 2, 1 / 3], [2, 1, 1 / 2], [3, 2, 1]])
CREDIT = np.array([[1, 3, 2], [1 / 3, 1, 1 / 3], [1 / 2, 3, 1]])
TP_A = np.array([[1, 4, 5, 6], [1 / 4, 1, 2, 2], [1 / 5, 1 / 2, 1, 2], [1 / 6, 1 / 2, 1 / 2, 1]])
R3 = np.array([[1, 1 / 3, 1 / 2], [3, 1, 1 / 3], [2, 3, 1]])
CREDIT_ALT = np.array([[1, 1, 6], [1, 1, 1 / 9], [1 / 6, 9, 1]])

REFERENCE = {"drinks": DRINKS, "city": CITY, "leader": LEADER, "tourism": TOURISM, "bozoki": BOZOKI}


def quiet(*args, **kwargs):
    """weights() with the informational AHP warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ahp.AHPWarning)
        return weights(*args, **kwargs)


# ---- §15.1 Saaty (2008) drinks -------------------------------------------------------------


def test_weights_saaty_drinks_2008_eigen():
    res = weights(DRINKS, labels=DRINKS_LABELS)
    ev = [0.177457, 0.019149, 0.041831, 0.116417, 0.189572, 0.128781, 0.326793]
    np.testing.assert_allclose(res.weights.to_numpy(), ev, atol=COMPUTED)
    published = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    np.testing.assert_allclose(res.weights.to_numpy(), published, atol=PUBLISHED)
    assert list(res.weights.index) == DRINKS_LABELS
    assert res.lambda_max == pytest.approx(7.176629, abs=COMPUTED)
    assert res.ci == pytest.approx(0.029438, abs=COMPUTED)
    assert res.cr == pytest.approx(0.0223, abs=CR4)
    assert res.gci == pytest.approx(0.0804, abs=CR4)
    assert res.verdict == "满意一致性" and res.acceptable


def test_weights_saaty_drinks_2008_geometric_and_sum():
    gm = weights(DRINKS, method="geometric").weights.to_numpy()
    np.testing.assert_allclose(
        gm, [0.178723, 0.018461, 0.042234, 0.116498, 0.191136, 0.128625, 0.324323], atol=COMPUTED
    )
    sm = weights(DRINKS, method="sum").weights.to_numpy()
    np.testing.assert_allclose(
        sm, [0.177560, 0.019542, 0.042139, 0.117298, 0.188838, 0.129590, 0.325032], atol=COMPUTED
    )


def test_lambda_estimators_saaty_drinks_2008_mean_ratio():
    gm = weights(DRINKS, "geometric", lambda_estimator="mean_ratio")
    assert gm.lambda_max == pytest.approx(7.175289, abs=COMPUTED)
    assert gm.cr == pytest.approx(0.0221, abs=CR4)
    sm = weights(DRINKS, "sum", lambda_estimator="mean_ratio")
    assert sm.lambda_max == pytest.approx(7.178016, abs=COMPUTED)
    assert sm.cr == pytest.approx(0.0225, abs=CR4)
    # default exact λ: CR does not depend on the weight method
    for method in ("eigen", "geometric", "sum", "row_sum"):
        assert weights(DRINKS, method).lambda_max == pytest.approx(7.176629, abs=COMPUTED)


def test_weights_drinks_cross_check_ahpy():
    ahpy = pytest.importorskip("ahpy")
    comp = {
        (DRINKS_LABELS[i], DRINKS_LABELS[j]): DRINKS[i, j]
        for i in range(7)
        for j in range(i + 1, 7)
    }
    ref = ahpy.Compare("drinks", comp, precision=10, random_index="saaty")
    ours = weights(comp, ri_table="saaty2005", labels=DRINKS_LABELS)
    for label, value in ref.target_weights.items():
        assert ours.weights[label] == pytest.approx(value, abs=1e-9)
    assert ours.cr == pytest.approx(ref.consistency_ratio, abs=1e-9)


# ---- §15.2 city, §15.3 leader, §15.4 tourism, §15.5 Bozóki, §15.6 lubricant matrices ----------


def test_weights_saaty_city_2004_criteria():
    res = weights(CITY, labels=CITY_LABELS)
    np.testing.assert_allclose(
        res.weights, [0.152167, 0.433454, 0.071556, 0.305006, 0.037816], atol=COMPUTED
    )
    np.testing.assert_allclose(res.weights, [0.152, 0.433, 0.072, 0.305, 0.038], atol=PUBLISHED)
    assert res.lambda_max == pytest.approx(5.225235, abs=COMPUTED)
    assert res.ci == pytest.approx(0.056309, abs=COMPUTED)
    assert res.cr == pytest.approx(0.0503, abs=CR4)
    np.testing.assert_allclose(
        weights(CITY, "sum").weights,
        [0.156706, 0.418957, 0.075721, 0.309514, 0.039102],
        atol=COMPUTED,
    )


def test_weights_saaty_city_2004_transposed_orientation_mistake():
    res = weights(CITY.T)
    np.testing.assert_allclose(res.weights, [0.1266, 0.0458, 0.2612, 0.0585, 0.5080], atol=5e-5)


def test_weights_wikipedia_leader_criteria():
    res = weights([4, 3, 7, "1/3", 3, 5], labels=["Experience", "Education", "Charisma", "Age"])
    np.testing.assert_allclose(res.weights, [0.547569, 0.126555, 0.269950, 0.055926], atol=COMPUTED)
    # Wikipedia truncates 0.5476 to 0.547, hence 1e-3 here instead of 5e-4
    np.testing.assert_allclose(res.weights, [0.547, 0.127, 0.270, 0.056], atol=1e-3)
    assert res.lambda_max == pytest.approx(4.118418, abs=COMPUTED)
    assert res.ci == pytest.approx(0.039473, abs=COMPUTED)
    assert res.cr == pytest.approx(0.0439, abs=CR4)
    assert weights(LEADER, ri_table="saaty2005").cr == pytest.approx(0.0444, abs=CR4)


@pytest.mark.parametrize(
    ("upper", "ev", "cr1980", "cr2005"),
    [
        ([1 / 4, 4, 9], [0.217166, 0.717065, 0.065769], 0.0318, 0.0355),
        ([3, 1 / 5, 1 / 7], [0.188394, 0.080961, 0.730645], 0.0559, 0.0624),
        ([5, 9, 4], [0.742867, 0.193882, 0.063252], 0.0614, 0.0685),
        ([1 / 3, 5, 9], [0.265433, 0.671625, 0.062941], 0.0251, 0.0279),
    ],
    ids=["experience", "education", "charisma", "age"],
)
def test_weights_wikipedia_leader_alternatives(upper, ev, cr1980, cr2005):
    res = weights(upper, labels=["Tom", "Dick", "Harry"])
    np.testing.assert_allclose(res.weights, ev, atol=COMPUTED)
    assert res.cr == pytest.approx(cr1980, abs=CR4)
    assert weights(upper, ri_table="saaty2005").cr == pytest.approx(cr2005, abs=CR4)


def test_weights_jiang_tourism_criteria():
    ev = weights(TOURISM)
    np.testing.assert_allclose(
        ev.weights, [0.263603, 0.475835, 0.053815, 0.098068, 0.108678], atol=COMPUTED
    )
    assert ev.lambda_max == pytest.approx(5.072084, abs=COMPUTED)
    assert ev.ci == pytest.approx(0.018021, abs=COMPUTED)
    assert ev.cr == pytest.approx(0.0161, abs=CR4)
    sm = weights(TOURISM, "和法", lambda_estimator="mean_ratio")
    np.testing.assert_allclose(
        sm.weights, [0.262281, 0.474395, 0.054492, 0.098534, 0.110298], atol=COMPUTED
    )
    assert sm.lambda_max == pytest.approx(5.072932, abs=COMPUTED)
    gm = weights(TOURISM, "根法")
    np.testing.assert_allclose(
        gm.weights, [0.263633, 0.477264, 0.053074, 0.098840, 0.107189], atol=COMPUTED
    )


def test_weights_jiang_tourism_textbook_values():
    sm = weights(TOURISM, "和法", lambda_estimator="mean_ratio")
    np.testing.assert_allclose(sm.weights, [0.263, 0.475, 0.055, 0.099, 0.110], atol=TEXTBOOK)
    assert sm.lambda_max == pytest.approx(5.073, abs=TEXTBOOK)
    assert sm.ci == pytest.approx(0.018, abs=TEXTBOOK)
    assert sm.cr == pytest.approx(0.016, abs=TEXTBOOK)


@pytest.mark.parametrize(
    ("matrix", "ev", "lam", "ci"),
    [
        (
            [[1, 2, 5], [1 / 2, 1, 2], [1 / 5, 1 / 2, 1]],
            [0.595379, 0.276350, 0.128271],
            3.005535,
            0.002768,
        ),
        (
            [[1, 1 / 3, 1 / 8], [3, 1, 1 / 3], [8, 3, 1]],
            [0.081935, 0.236341, 0.681725],
            3.001542,
            0.000771,
        ),
        ([[1, 1, 3], [1, 1, 3], [1 / 3, 1 / 3, 1]], [0.428571, 0.428571, 0.142857], 3.0, 0.0),
        (
            [[1, 3, 4], [1 / 3, 1, 1], [1 / 4, 1, 1]],
            [0.633708, 0.191921, 0.174371],
            3.009203,
            0.004601,
        ),
        ([[1, 1, 1 / 4], [1, 1, 1 / 4], [4, 4, 1]], [1 / 6, 1 / 6, 2 / 3], 3.0, 0.0),
    ],
    ids=["B1", "B2", "B3", "B4", "B5"],
)
def test_weights_jiang_tourism_destinations(matrix, ev, lam, ci):
    res = weights(matrix, labels=["P1", "P2", "P3"])
    np.testing.assert_allclose(res.weights, ev, atol=COMPUTED)
    assert res.lambda_max == pytest.approx(lam, abs=COMPUTED)
    assert res.ci == pytest.approx(ci, abs=COMPUTED)
    assert res.ci >= 0.0


@pytest.mark.parametrize(
    "matrix",
    [
        [[1, 1, 3], [1, 1, 3], [1 / 3, 1 / 3, 1]],
        [[1, 1, 1 / 4], [1, 1, 1 / 4], [4, 4, 1]],
    ],
    ids=["B3", "B5"],
)
def test_ci_clamp_jiang_tourism_b3_b5(matrix):
    raw = np.linalg.eigvals(np.array(matrix)).real.max() - 3
    assert -1e-9 * 3 <= raw < 0  # LAPACK noise below n ...
    res = weights(matrix)
    assert res.ci == 0.0 and res.cr == 0.0  # ... clamped, not negative
    assert res.verdict == "完全一致性"


def test_weights_bozoki_2010_complete_matrix():
    res = weights(BOZOKI, labels=list("abcd"))
    np.testing.assert_allclose(res.weights, [0.374226, 0.391709, 0.099146, 0.134920], atol=COMPUTED)
    assert res.lambda_max == pytest.approx(4.092460, abs=COMPUTED)
    assert res.cr == pytest.approx(0.0342, abs=CR4)
    assert weights(BOZOKI, ri_table="donegan_dodd").cr == pytest.approx(0.0372, abs=CR4)


@pytest.mark.parametrize(
    ("matrix", "w", "lam", "ci", "cr"),
    [
        (SALES_VOLUME, [0.163424, 0.296961, 0.539615], 3.009203, 0.004601, 0.0079),
        (CREDIT, [0.527836, 0.139648, 0.332516], 3.053622, 0.026811, 0.0462),
        (TP_A, [0.609498, 0.184152, 0.123150, 0.083200], 4.065775, 0.021925, 0.0244),
        ([[1, 2], [1 / 2, 1]], [2 / 3, 1 / 3], 2.0, 0.0, 0.0),
        ([[1, 4], [1 / 4, 1]], [0.8, 0.2], 2.0, 0.0, 0.0),
        ([[1, 3], [1 / 3, 1]], [0.75, 0.25], 2.0, 0.0, 0.0),
    ],
    ids=["sales_volume", "credit", "total_profit_A", "goal", "current", "potential"],
)
def test_weights_lubricant_reconstruction_geometric(matrix, w, lam, ci, cr):
    res = weights(matrix, method="geometric")
    np.testing.assert_allclose(res.weights, w, atol=COMPUTED)
    assert res.lambda_max == pytest.approx(lam, abs=COMPUTED)
    assert res.ci == pytest.approx(ci, abs=COMPUTED)
    assert res.cr == pytest.approx(cr, abs=CR4)


def test_weights_lubricant_total_profit_tp3_closed_form():
    g = np.array([120**0.25, 1.0, 5**-0.25, 24**-0.25])
    res = weights(TP_A, method="几何平均法")
    np.testing.assert_allclose(res.weights, g / g.sum(), atol=1e-15)
    assert res.weights[2] == pytest.approx(0.12314997, abs=1e-7)
    assert round(res.weights[2], 4) == 0.1231
    # candidate A with the textbook estimator; EV and 和法 do not match the seed
    mr = weights(TP_A, "geometric", lambda_estimator="mean_ratio")
    assert mr.lambda_max == pytest.approx(4.065699, abs=COMPUTED)
    assert mr.cr == pytest.approx(0.0243, abs=CR4)
    np.testing.assert_allclose(
        weights(TP_A).weights, [0.607312, 0.185007, 0.124231, 0.083450], atol=COMPUTED
    )
    np.testing.assert_allclose(
        weights(TP_A, "sum").weights, [0.604728, 0.184605, 0.126627, 0.084040], atol=COMPUTED
    )


@pytest.mark.parametrize(
    ("upper", "cr"),
    [
        ([3, 5, 8, 1, 3, 1], 0.0402),
        ([4, 5, 6, 1, 4, 1], 0.0708),
        ([6, 5, 4, 2, 3, 2], 0.0945),
    ],
    ids=["B", "C", "D"],
)
def test_weights_lubricant_total_profit_other_candidates(upper, cr):
    res = weights(upper, method="geometric")
    np.testing.assert_allclose(res.weights, weights(TP_A, "geometric").weights, atol=1e-12)
    assert res.cr == pytest.approx(cr, abs=CR4)


def test_weights_lubricant_rejected_and_sum_method_reconstructions():
    # same GM weights as the reconstructions, but inconsistent
    with pytest.warns(InconsistencyWarning):
        sv = weights(R3, "geometric")
    np.testing.assert_allclose(sv.weights, [0.163424, 0.296961, 0.539615], atol=COMPUTED)
    assert sv.cr == pytest.approx(0.2213, abs=CR4)
    with pytest.warns(InconsistencyWarning):
        cr = weights(CREDIT_ALT, "geometric")
    np.testing.assert_allclose(cr.weights, [0.527836, 0.139648, 0.332516], atol=COMPUTED)
    assert cr.cr == pytest.approx(1.7624, abs=CR4)
    np.testing.assert_allclose(
        weights(SALES_VOLUME, "sum").weights, [0.163781, 0.297258, 0.538961], atol=COMPUTED
    )
    np.testing.assert_allclose(
        weights(CREDIT, "sum").weights, [0.524675, 0.141558, 0.333766], atol=COMPUTED
    )


def test_weights_group_case_single_respondents():
    r2 = weights([1, 1 / 5, 1 / 3])
    np.testing.assert_allclose(r2.weights, [0.156182, 0.185174, 0.658644], atol=COMPUTED)
    assert r2.cr == pytest.approx(0.0251, abs=CR4)


def test_weights_diagnostics_matrices_complete_numbers():
    with pytest.warns(InconsistencyWarning):
        cyc = weights([[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]])
    assert cyc.lambda_max == pytest.approx(1 + 3 + 1 / 3, abs=COMPUTED)
    assert cyc.cr == pytest.approx(1.1494, abs=CR4)
    assert cyc.gci == pytest.approx(3.6208, abs=CR4)
    np.testing.assert_allclose(cyc.weights, [1 / 3] * 3, atol=1e-12)
    with pytest.warns(InconsistencyWarning):
        assert weights([3, 3, 1 / 3, 3, 3, 3]).cr == pytest.approx(0.6528, abs=CR4)


# ---- §3 estimator table --------------------------------------------------------------------

ESTIMATOR_TABLE = {
    # matrix: exact λ, CR, (sum mean_ratio λ, CR), (sum colsum), (gm mean_ratio), (gm colsum)
    "tourism": (
        5.072084,
        0.0161,
        (5.072932, 0.0163),
        (5.097106, 0.0217),
        (5.071700, 0.0160),
        (5.055246, 0.0123),
    ),
    "city": (
        5.225235,
        0.0503,
        (5.227168, 0.0507),
        (5.334411, 0.0746),
        (5.223549, 0.0499),
        (5.236145, 0.0527),
    ),
}


@pytest.mark.parametrize("name", sorted(ESTIMATOR_TABLE))
def test_lambda_estimator_reference_table(name):
    matrix = REFERENCE[name]
    lam, cr, sum_mr, sum_cs, gm_mr, gm_cs = ESTIMATOR_TABLE[name]
    for method in ("eigen", "sum", "geometric"):
        res = weights(matrix, method)
        assert res.lambda_max == pytest.approx(lam, abs=COMPUTED)
        assert res.cr == pytest.approx(cr, abs=CR4)
        assert res.lambda_estimator == "exact"
    cases = [
        ("sum", "mean_ratio", sum_mr),
        ("sum", "colsum", sum_cs),
        ("geometric", "mean_ratio", gm_mr),
        ("geometric", "colsum", gm_cs),
    ]
    for method, estimator, (lam_e, cr_e) in cases:
        res = weights(matrix, method, lambda_estimator=estimator)
        assert res.lambda_max == pytest.approx(lam_e, abs=COMPUTED), (method, estimator)
        assert res.cr == pytest.approx(cr_e, abs=CR4), (method, estimator)
        assert res.lambda_estimator == estimator


def test_lambda_estimators_coincide_for_eigen():
    for matrix in REFERENCE.values():
        lams = [
            weights(matrix, lambda_estimator=e).lambda_max
            for e in ("exact", "mean_ratio", "colsum")
        ]
        np.testing.assert_allclose(lams, lams[0], atol=1e-10)


def test_lambda_estimator_colsum_below_n_raises_clear_error():
    # row sums are not a Perron-like vector: colsum can fall below n, which is reported
    a = full([12, 1 / 4, 1 / 80])
    with pytest.raises(AHPInputError, match="lambda_estimator='exact'"):
        quiet(a, "row_sum", lambda_estimator="colsum", scale="ratio")


# ---- §4.1 RI tables ------------------------------------------------------------------------

CR_BY_TABLE = {
    # drinks, city, leader, tourism, bozoki
    "saaty1980": (0.0223, 0.0503, 0.0439, 0.0161, 0.0342),
    "saaty2005": (0.0218, 0.0507, 0.0444, 0.0162, 0.0346),
    "pyanp": (0.0218, 0.0503, 0.0444, 0.0161, 0.0346),
    "alonso_lamata": (0.0219, 0.0508, 0.0448, 0.0163, 0.0350),
    "alonso_lamata_linear": (0.0220, 0.0501, 0.0434, 0.0160, 0.0339),
    "donegan_dodd": (0.0235, 0.0532, 0.0476, 0.0170, 0.0372),
    "tummala_ling": (0.0221, 0.0505, 0.0442, 0.0161, 0.0345),
    "ahpsurvey_sim": (0.0219, 0.0508, 0.0447, 0.0163, 0.0349),
}


@pytest.mark.parametrize("table", sorted(CR_BY_TABLE))
def test_cr_by_ri_table_reference_matrices(table):
    for name, expected in zip(
        ("drinks", "city", "leader", "tourism", "bozoki"), CR_BY_TABLE[table], strict=True
    ):
        res = weights(REFERENCE[name], ri_table=table)
        assert res.cr == pytest.approx(expected, abs=CR4), name
        assert res.ri_table == table and res.ri_source == "table"


def test_ri_tables_values_and_provenance():
    assert set(RI_TABLES) == {
        "saaty1980",
        "saaty1980_pydecision",
        "saaty1980_ahpos",
        "saaty2005",
        "pyanp",
        "alonso_lamata",
        "donegan_dodd",
        "tummala_ling",
        "ahpsurvey_sim",
        "alonso_lamata_linear",
    }
    s80 = RI_TABLES["saaty1980"]["values"]
    assert [s80[n] for n in range(1, 16)] == [
        0,
        0,
        0.58,
        0.90,
        1.12,
        1.24,
        1.32,
        1.41,
        1.45,
        1.49,
        1.51,
        1.54,
        1.56,
        1.58,
        1.59,
    ]
    pyd = RI_TABLES["saaty1980_pydecision"]["values"]
    assert [pyd[n] for n in range(11, 16)] == [1.51, 1.48, 1.56, 1.57, 1.59]
    assert RI_TABLES["saaty1980_ahpos"]["values"][3] == 0.57
    assert RI_TABLES["saaty1980_ahpos"]["n_max"] == 10
    assert RI_TABLES["saaty2005"]["values"][3] == 0.52
    assert RI_TABLES["alonso_lamata"]["values"][15] == 1.5838
    assert RI_TABLES["donegan_dodd"]["values"][3] == 0.4914
    assert RI_TABLES["tummala_ling"]["values"][9] == 1.4537
    assert RI_TABLES["ahpsurvey_sim"]["values"][4] == 0.8837
    assert RI_TABLES["pyanp"]["values"][14] == 1.57
    for name, spec in RI_TABLES.items():
        assert spec["values"][1] == 0 and spec["values"][2] == 0, name
        assert len(spec["source"]) > 20, name
    with pytest.raises(TypeError):
        RI_TABLES["saaty1980"]["values"][3] = 0.5  # read-only constants


def test_random_index_beyond_policies(monkeypatch):
    assert random_index(5) == (1.12, "table")
    assert random_index(2, "donegan_dodd") == (0.0, "table")
    value, source = random_index(16)
    assert value == pytest.approx(1.597807, abs=COMPUTED) and source == "formula fallback"
    assert random_index(11, "saaty1980_ahpos")[1] == "formula fallback"
    assert random_index(40, "alonso_lamata_linear") == (
        pytest.approx((1.7699 * 40 - 4.3513) / 39),
        "table",
    )
    with pytest.raises(AHPInputError, match="stops at n = 15"):
        random_index(16, beyond="error")
    monkeypatch.setattr(
        "cvlib.ahp._consistency._simulated", lambda n: simulate_ri(n, draws=500, seed=3)
    )
    value, source = random_index(16, beyond="simulate")
    assert source == "simulated" and value == pytest.approx(1.6, abs=0.03)
    res = quiet(np.ones((16, 16)), beyond="simulate")
    assert res.ri_source == "simulated"
    with pytest.raises(CvlibInputError):
        random_index(5, table="nope")


def test_simulate_ri_sanity_seeded():
    for n, expected in ((3, 0.525), (4, 0.883), (5, 1.106), (9, 1.449)):
        assert simulate_ri(n, draws=20_000, seed=1) == pytest.approx(expected, abs=0.01), n
    assert simulate_ri(5, draws=2000, seed=7) == simulate_ri(5, draws=2000, seed=7)
    assert simulate_ri(2, draws=10) == 0.0


# ---- §4.2 thresholds and verdicts ------------------------------------------------------------


def test_threshold_seed_verdicts_and_boundary():
    assert weights(np.outer([1, 2, 4], [1, 1 / 2, 1 / 4])).verdict == "完全一致性"
    assert weights(DRINKS).verdict == "满意一致性"
    with pytest.warns(InconsistencyWarning):
        bad = weights(R3)
    assert bad.verdict == "需调整" and not bad.acceptable
    assert bad.verdict_en == "revise the judgments"
    # the boundary 0.1 itself is "adjust" (strict <); 1e-10 is "perfect"
    cr = np.array([0.0999999, 0.1, 1e-10, 2e-10])
    ok = acceptable(cr, 5, "seed")
    assert ok.tolist() == [True, False, True, True]
    assert verdicts(cr, ok).tolist() == ["满意一致性", "需调整", "完全一致性", "满意一致性"]


def test_threshold_saaty_by_n_and_float():
    education = [3, 1 / 5, 1 / 7]  # n = 3, CR 0.0559
    assert weights(education).acceptable
    with pytest.warns(InconsistencyWarning, match="CR <= 0.05"):
        res = weights(education, threshold="saaty_by_n")
    assert not res.acceptable and res.threshold == "saaty_by_n"
    assert weights(LEADER, threshold="saaty_by_n").acceptable  # n = 4: 0.0439 <= 0.08
    assert weights(CITY, threshold="saaty_by_n").acceptable  # n = 5: 0.0503 <= 0.10
    assert weights(DRINKS, threshold=0.03).acceptable
    with pytest.warns(InconsistencyWarning, match="CR < 0.02"):
        assert not weights(DRINKS, threshold=0.02).acceptable
    assert weights([[1, 9], [1 / 9, 1]], threshold="saaty_by_n").acceptable
    with pytest.raises(CvlibInputError, match="threshold"):
        weights(DRINKS, threshold="strict")
    with pytest.raises(AHPInputError, match="threshold"):
        weights(DRINKS, threshold=-0.1)


# ---- §5 GCI -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "expected"),
    [
        (DRINKS, 0.0804),
        (CITY, 0.1830),
        (TOURISM, 0.0593),
        (LEADER, 0.1562),
        (SALES_VOLUME, 0.0276),
        (CREDIT, 0.1602),
        (TP_A, 0.0871),
        (R3, 0.7541),
    ],
    ids=["drinks", "city", "tourism", "leader", "sales_volume", "credit", "tp_A", "R3"],
)
def test_gci_aguaron_2003_reference_values(matrix, expected):
    assert gci(matrix) == pytest.approx(expected, abs=CR4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconsistencyWarning)
        for method in ("eigen", "sum", "geometric"):
            assert weights(matrix, method).gci == pytest.approx(expected, abs=CR4)


def test_gci_closed_form_n3_and_small_n():
    rng = np.random.default_rng(5)
    for _ in range(20):
        up = S17[rng.integers(0, 17, 3)]
        a = full(up)
        expected = np.log(a[0, 1] * a[1, 2] * a[2, 0]) ** 2 / 3
        assert gci(a) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert gci([[1, 5], [1 / 5, 1]]) == 0.0 and gci([[1]]) == 0.0
    assert [ahp.gci_threshold(n) for n in (2, 3, 4, 5, 9)] == [np.inf, 0.31, 0.35, 0.37, 0.37]
    assert gci(np.stack([SALES_VOLUME, CREDIT])).shape == (2,)


# ---- §2 properties -------------------------------------------------------------------------


def random_stack(r, n, seed, sigma=0.5):
    rng = np.random.default_rng(seed)
    iu = np.triu_indices(n, 1)
    u = rng.uniform(1, 5, (r, n))
    a = u[:, :, None] / u[:, None, :]
    a[:, iu[0], iu[1]] *= np.exp(rng.normal(0, sigma, (r, len(iu[0]))))
    a[:, iu[1], iu[0]] = 1 / a[:, iu[0], iu[1]]
    return a


def test_property_geometric_equals_eigen_for_n_up_to_3():
    for n in (1, 2, 3):
        stack = random_stack(50, n, seed=n)
        ev = weights(stack, scale="ratio").weights.to_numpy()
        gm = weights(stack, "gm", scale="ratio").weights.to_numpy()
        np.testing.assert_allclose(ev, gm, atol=1e-12)


def test_property_geometric_transpose_is_reciprocal():
    for a in (DRINKS, CITY, TOURISM, *random_stack(5, 6, seed=9)):
        w = weights(a, "geometric", scale="ratio").weights.to_numpy()
        wt = quiet(a.T, "geometric", scale="ratio").weights.to_numpy()
        inv = (1 / w) / (1 / w).sum()
        np.testing.assert_allclose(wt, inv, atol=1e-12)


@pytest.mark.parametrize("method", ["eigen", "geometric", "sum", "row_sum"])
def test_property_permutation_invariance(method):
    rng = np.random.default_rng(11)
    perm = rng.permutation(7)
    base = weights(DRINKS, method, labels=DRINKS_LABELS)
    labels = [DRINKS_LABELS[k] for k in perm]
    permuted = weights(DRINKS[np.ix_(perm, perm)], method, labels=labels)
    pd.testing.assert_series_equal(
        permuted.weights.reindex(DRINKS_LABELS), base.weights, atol=1e-12, rtol=0
    )
    assert permuted.lambda_max == pytest.approx(base.lambda_max, abs=1e-10)


@pytest.mark.parametrize("method", ["eigen", "geometric", "sum", "row_sum"])
def test_property_consistent_matrix_recovered_exactly(method):
    u = np.array([1.0, 2.0, 3.0, 4.0])
    res = weights(np.outer(u, 1 / u), method)
    np.testing.assert_allclose(res.weights, u / 10, atol=1e-12)
    assert res.ci == 0.0 and res.cr == 0.0 and res.verdict == "完全一致性"


def test_batched_power_iteration_matches_lapack():
    stack = random_stack(300, 8, seed=2, sigma=0.8)
    res = weights(stack, scale="ratio")
    assert res.report["eigen_solver"] == "power iteration" and res.n_fallback == 0
    for k in range(0, 300, 7):
        single = weights(stack[k], scale="ratio")
        assert single.report["eigen_solver"] == "lapack"
        np.testing.assert_allclose(
            res.weights.iloc[k].to_numpy(), single.weights.to_numpy(), atol=1e-12, rtol=0
        )
        assert abs(res.lambda_max[k] - single.lambda_max) <= 1e-10
        assert res.cr[k] == pytest.approx(single.cr, abs=1e-10)
        assert res.gci[k] == pytest.approx(single.gci, abs=1e-12)
    # exact λ of a stack for a non-eigen method uses the same batched solver
    gm = weights(stack, "geometric", scale="ratio")
    np.testing.assert_allclose(gm.lambda_max, res.lambda_max, atol=1e-10)


def test_batched_equals_single_for_every_method_and_estimator():
    stack = np.stack([DRINKS, DRINKS[::-1, ::-1], DRINKS.T])
    for method in ("eigen", "geometric", "sum"):
        for estimator in ("exact", "mean_ratio", "colsum"):
            res = weights(stack, method, lambda_estimator=estimator, labels=DRINKS_LABELS)
            assert isinstance(res.weights, pd.DataFrame) and res.weights.shape == (3, 7)
            assert res.lambda_max.shape == res.ci.shape == res.cr.shape == res.gci.shape == (3,)
            for k in range(3):
                one = weights(stack[k], method, lambda_estimator=estimator, labels=DRINKS_LABELS)
                np.testing.assert_allclose(res.weights.iloc[k], one.weights, atol=1e-12)
                assert res.lambda_max[k] == pytest.approx(one.lambda_max, abs=1e-10)


def test_batched_nonconverged_members_fall_back_to_lapack():
    stack = random_stack(20, 6, seed=4, sigma=1.5)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        res = weights(stack, scale="ratio", max_iter=2)
    assert res.n_fallback > 0 and res.report["n_fallback"] == res.n_fallback
    ref = weights(stack, scale="ratio")
    np.testing.assert_allclose(res.weights, ref.weights, atol=1e-12)
    np.testing.assert_allclose(res.lambda_max, ref.lambda_max, atol=1e-10)


def test_stack_special_cases_n1_n2():
    two = np.stack([[[1, 4], [1 / 4, 1]], [[1, 1 / 3], [3, 1]]])
    res = weights(two)
    np.testing.assert_allclose(res.weights, [[0.8, 0.2], [0.25, 0.75]], atol=1e-15)
    assert res.lambda_max.tolist() == [2.0, 2.0] and res.cr.tolist() == [0.0, 0.0]
    one = weights(np.ones((3, 1, 1)))
    assert one.weights.to_numpy().tolist() == [[1.0]] * 3
    assert one.lambda_max.tolist() == [1.0] * 3


def test_stack_on_invalid_mask_isolates_bad_respondent():
    stack = np.stack([DRINKS, DRINKS, DRINKS])
    stack[1, 0, 1] = 50  # out of scale and not reciprocal
    stack[2, 0, 1] = 0.0
    with pytest.raises(ReciprocityError, match="respondent 1"):
        weights(stack[:2])
    with pytest.raises(AHPInputError, match="respondent 2: .*non-positive"):
        weights(stack)
    res = weights(stack, on_invalid="mask")
    assert res.status.tolist() == ["ok", "nonreciprocal", "nonpositive"]
    assert np.isnan(res.weights.iloc[1]).all() and np.isnan(res.cr[1])
    assert res.verdict[1] is None and not res.acceptable[1]
    np.testing.assert_allclose(res.weights.iloc[0], weights(DRINKS).weights, atol=1e-12)


# ---- §1 input forms -------------------------------------------------------------------------


def test_judgment_matrix_every_input_form_builds_the_same_matrix():
    labels = ["a", "b", "c"]
    expected = np.array([[1, 2, 5], [1 / 2, 1, 2], [1 / 5, 1 / 2, 1]])
    forms = [
        expected,
        expected.tolist(),
        [[1, "2", "5"], ["1/2", 1, " 2 "], [" 1 / 5 ", "0.5", 1]],
        [2, 5, 2],
        ["２", "５", "２"],
        {("a", "b"): 2, ("c", "a"): "1/5", ("b", "c"): 2},
        [("a", "b", 2), ("a", "c", 5), ("c", "b", "1/2")],
        pd.Series({("a", "b"): 2, ("a", "c"): 5, ("b", "c"): 2}),
        pd.DataFrame(expected, index=labels, columns=labels).loc[:, ["c", "a", "b"]],
    ]
    for form in forms:
        m = judgment_matrix(form, labels=labels)
        assert list(m.index) == list(m.columns) == labels
        assert m.dtypes.eq("float64").all()
        np.testing.assert_allclose(m.to_numpy(), expected, rtol=1e-15)


def test_judgment_matrix_strings_full_width_and_fractions():
    m = judgment_matrix([[1, "１/３"], [" 3 ", 1]], labels=["x", "y"])
    assert m.loc["x", "y"] == 1 / 3
    m = judgment_matrix([["1", "1 / 3"], ["３", "1"]])
    assert m.loc[1, 0] == 3.0
    with pytest.raises(AHPInputError, match="cannot read the judgment 'three'"):
        judgment_matrix([[1, "three"], ["1/3", 1]])
    with pytest.raises(AHPInputError, match="boolean"):
        judgment_matrix([[True, 1], [1, 1]])


def test_judgment_matrix_pair_dict_orientation_first_label_dominates():
    m = judgment_matrix({("总利润", "销售量"): 4})
    assert list(m.index) == ["总利润", "销售量"]
    assert m.loc["总利润", "销售量"] == 4 and m.loc["销售量", "总利润"] == 0.25
    assert weights({("总利润", "销售量"): 4}).weights.tolist() == [0.8, 0.2]


def test_judgment_matrix_dataframe_aligned_by_label():
    df = pd.DataFrame(CITY, index=CITY_LABELS, columns=CITY_LABELS)
    shuffled = df.loc[CITY_LABELS[::-1], CITY_LABELS[1:] + CITY_LABELS[:1]]
    res = weights(shuffled, labels=CITY_LABELS)
    np.testing.assert_allclose(res.weights, weights(CITY).weights, atol=1e-12)
    assert weights(shuffled).weights.index.tolist() == CITY_LABELS[::-1]
    bad = df.rename(columns={"Jobs": "Work"})
    with pytest.raises(AHPInputError, match=r"missing: \['Jobs'\].*extra: \['Work'\]"):
        weights(bad)


def test_judgment_matrix_never_mutates_caller_data():
    arr = DRINKS.copy()
    lower_bad = np.array([[1, 3.0], [0.3, 1]])
    before = lower_bad.copy()
    df = pd.DataFrame(arr.copy(), index=DRINKS_LABELS, columns=DRINKS_LABELS)
    pairs = {("a", "b"): "3", ("b", "c"): 2, ("a", "c"): 6}
    pairs_copy = dict(pairs)
    weights(arr)
    weights(df)
    weights(pairs)
    with pytest.warns(ReciprocityWarning):
        weights(lower_bad, symmetrize="upper")
    np.testing.assert_array_equal(arr, DRINKS)
    np.testing.assert_array_equal(lower_bad, before)
    pd.testing.assert_frame_equal(
        df, pd.DataFrame(DRINKS, index=DRINKS_LABELS, columns=DRINKS_LABELS)
    )
    assert pairs == pairs_copy
    res = weights(arr)
    returned = res.matrix
    returned.iloc[0, 1] = 99.0  # the result's matrix is its own copy
    np.testing.assert_array_equal(arr, DRINKS)
    assert res.matrix.iloc[0, 1] == DRINKS[0, 1]


def test_measured_and_direct_weights():
    res = measured_weights({"c1": 120, "c2": 60, "c3": 20})
    np.testing.assert_allclose(res.weights, [0.6, 0.3, 0.1], atol=1e-15)
    assert res.cr == 0.0 and res.ci == 0.0 and res.lambda_max == 3.0 and res.method == "measured"
    with pytest.raises(AHPInputError, match="> 0"):
        measured_weights({"c1": 1, "c2": 0})
    d = direct_weights({"c1": 0.5, "c2": 0.5})
    assert d.weights.tolist() == [0.5, 0.5] and d.method == "direct" and d.cr == 0.0
    assert direct_weights({"a": 0.0, "b": 1.0}).weights.tolist() == [0.0, 1.0]
    with pytest.raises(AHPInputError, match="normalize=True"):
        direct_weights({"CR1": 0.5278, "CR2": 0.1396, "CR3": 0.3325})
    with pytest.warns(NormalizationWarning, match="0.9999"):
        n = direct_weights({"CR1": 0.5278, "CR2": 0.1396, "CR3": 0.3325}, normalize=True)
    assert n.weights.sum() == pytest.approx(1.0, abs=1e-15)
    assert n.weights["CR1"] == pytest.approx(0.5278 / 0.9999, abs=1e-15)
    with pytest.raises(AHPInputError, match=">= 0"):
        direct_weights({"a": -0.5, "b": 1.5})
    with pytest.raises(AHPInputError, match="direct_weights"):
        weights({"c1": 0.5, "c2": 0.5})


def test_scale_modes():
    with pytest.raises(ScaleError, match="50"):
        weights([[1, 50], [1 / 50, 1]])
    res = weights([[1, 50], [1 / 50, 1]], scale="ratio")
    assert res.weights.tolist() == pytest.approx([50 / 51, 1 / 51])
    city_alt = {
        ("Boston", "Bethesda"): 2,
        ("Boston", "Pittsburgh"): 2.5,
        ("Bethesda", "Pittsburgh"): 1,
    }
    ok = weights(city_alt)  # 2.5 is inside [1/9, 9]: accepted and listed
    listed = ok.report["non_scale_values"]
    assert listed[["row", "column"]].values.tolist() == [["Boston", "Pittsburgh"]]
    assert listed["value"].tolist() == [2.5]
    with pytest.raises(ScaleError, match="saaty_strict"):
        weights(city_alt, scale="saaty_strict")
    assert weights(DRINKS, scale="saaty_strict").n == 7
    with pytest.raises(CvlibInputError, match="scale"):
        weights(DRINKS, scale="likert")


def test_rounded_fraction_in_upper_triangle_warns():
    with pytest.warns(ScaleWarning, match="near 1/3.*exact fractions such as '1/3'"):
        res = quiet_except_scale([3, "0.33", 2])
    assert res.matrix.iloc[0, 2] == 0.33  # used as given, never replaced


def quiet_except_scale(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconsistencyWarning)
        return weights(*args, **kwargs)


def test_symmetrize_upper_is_explicit_and_lists_changed_pairs():
    a = [[1, 3, 5], [0.333, 1, 2], [0.2, 0.5, 1]]
    with pytest.raises(ReciprocityError):
        weights(a)
    with pytest.warns(ReciprocityWarning, match=r"\(1, 0\) 0.333 -> 1/3"):
        res = weights(a, symmetrize="upper")
    assert res.matrix.iloc[1, 0] == 1 / 3
    assert res.report["symmetrized_pairs"] == [(None, 1, 0, 0.333, 1 / 3)]
    upper_only = [[1, 3, 5], [np.nan, 1, 2], [None, "", 1]]
    with pytest.warns(ReciprocityWarning):
        assert weights(upper_only, symmetrize="upper").n == 3


def test_duplicate_pairs_consistent_warn_contradictory_raise():
    with pytest.warns(DuplicateJudgmentWarning, match=r"\('b', 'a'\): '1/3'"):
        res = weights({("a", "b"): 3, ("b", "a"): "1/3", ("a", "c"): 1, ("b", "c"): 1})
    assert res.matrix.loc["a", "b"] == 3
    with pytest.warns(DuplicateJudgmentWarning):
        weights([("a", "b", 3), ("a", "b", 3)])
    with pytest.raises(DuplicateJudgmentError, match=r"\('a', 'b'\): 3 and \('b', 'a'\): 3"):
        weights({("a", "b"): 3, ("b", "a"): 3})
    with pytest.raises(DuplicateJudgmentError, match="never lets the last one win"):
        weights([("a", "b", 3), ("a", "b", 5)])


def test_self_pair_and_unknown_label():
    res = weights({("a", "a"): 1, ("a", "b"): 2})
    assert res.weights.index.tolist() == ["a", "b"]
    with pytest.raises(AHPInputError, match="self pair"):
        weights({("a", "a"): 2, ("a", "b"): 2})
    with pytest.raises(AHPInputError, match=r"unknown label 'x'.*\['a', 'b', 'c'\]"):
        weights({("a", "b"): 3, ("b", "x"): 2}, labels=["a", "b", "c"], node="总利润")


def test_missing_pairs_raise_unless_allow_missing():
    with pytest.raises(MissingJudgmentError, match=r"\(a, c\).*allow_missing=True"):
        weights({("a", "b"): 3, ("b", "c"): 2})
    kept = judgment_matrix({("a", "b"): 3, ("b", "c"): 2}, allow_missing=True)
    assert np.isnan(kept.loc["a", "c"]) and np.isnan(kept.loc["c", "a"])
    res = weights({("a", "b"): 3, ("b", "c"): 2}, allow_missing=True)
    assert res.incomplete == "harker" and res.n_missing == 1
    with pytest.raises(MissingJudgmentError):
        weights([[1, np.nan], [np.nan, 1]])
    with pytest.raises(ReciprocityError, match="half-missing"):
        weights([[1, 2], [np.nan, 1]])


# ---- bad inputs (§1.3, §15.9) ----------------------------------------------------------------


def test_bad_input_non_reciprocal_names_pair_value_and_orientation():
    with pytest.raises(ReciprocityError) as err:
        weights([[1, 3], [3, 1]], labels=["TP1", "TP3"], node="total profit")
    msg = str(err.value)
    assert "'total profit'" in msg and "(TP1, TP3)" in msg and "a_12 = 3 but a_21 = 3" in msg
    assert "a_ij = importance of row i over column j" in msg and "1/a_ij" in msg
    assert "Did you mean a_21 = 1/3?" in msg
    assert "exact fractions" not in msg


def test_bad_input_0333_for_one_third_gives_fraction_hint():
    with pytest.raises(ReciprocityError, match="use exact fractions such as '1/3'"):
        weights([[1, 3, 5], [0.333, 1, 2], [0.2, 0.5, 1]])


@pytest.mark.parametrize(
    ("matrix", "match"),
    [
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
        ([[1, 2], [0.5]], "different lengths"),
        (np.ones((2, 2, 2, 2)), "shape"),
        ([[1, 0], [0, 1]], "non-positive"),
        ([[1, -2], [-0.5, 1]], "non-positive"),
        ([[1, np.inf], [0, 1]], "non-positive|infinite"),
        ([[1, np.inf], [1, 1]], "infinite"),
        ([[2, 1], [1, 1]], "diagonal"),
        ([1, 2, 3, 4], "length 4"),
        ("1/3", "cannot build"),
        (None, "cannot build"),
    ],
    ids=[
        "non_square",
        "ragged",
        "4d",
        "zero",
        "negative",
        "inf_zero",
        "inf",
        "diagonal",
        "vector_length",
        "string",
        "none",
    ],
)
def test_bad_input_raises(matrix, match):
    with pytest.raises(AHPInputError, match=match):
        weights(matrix)


def test_bad_input_labels():
    with pytest.raises(AHPInputError, match="duplicate labels"):
        weights(CITY, labels=["a", "a", "b", "c", "d"])
    with pytest.raises(AHPInputError, match="3 labels"):
        weights(CITY, labels=["a", "b", "c"])
    with pytest.raises(AHPInputError, match="empty label"):
        weights([[1, 2], [0.5, 1]], labels=["a", ""])
    with pytest.raises(AHPInputError, match="n = 3 elements but 2 labels"):
        weights([1, 2, 3], labels=["a", "b"])


def test_bad_input_unknown_method_lists_valid_names():
    with pytest.raises(AHPInputError) as err:
        weights(DRINKS, method="power")
    msg = str(err.value)
    for name in (
        "eigen",
        "特征根法",
        "ev",
        "geometric",
        "几何平均法",
        "根法",
        "方根法",
        "gm",
        "llsm",
        "rgmm",
        "sum",
        "和法",
        "arithmetic",
        "cn",
        "row_sum",
    ):
        assert repr(name) in msg
    with pytest.raises(CvlibInputError, match="lambda_estimator"):
        weights(DRINKS, lambda_estimator="approx")


@pytest.mark.parametrize("alias", ["eigen", "特征根法", "ev", "EV", " Eigen "])
def test_method_aliases_eigen(alias):
    assert weights(CITY, alias).method == "eigen"


@pytest.mark.parametrize(
    "alias", ["geometric", "几何平均法", "根法", "方根法", "gm", "llsm", "rgmm"]
)
def test_method_aliases_geometric(alias):
    res = weights(CITY, alias)
    assert res.method == "geometric"
    np.testing.assert_allclose(
        res.weights, [0.152594, 0.422816, 0.072258, 0.314743, 0.037589], atol=COMPUTED
    )


@pytest.mark.parametrize("alias", ["sum", "和法", "arithmetic", "cn"])
def test_method_aliases_sum(alias):
    assert weights(CITY, alias).method == "sum"


def test_row_sum_is_not_sum_method():
    res = weights(CITY, "row_sum")
    expected = CITY.sum(axis=1) / CITY.sum()
    np.testing.assert_allclose(res.weights, expected, atol=1e-15)
    assert not np.allclose(res.weights, weights(CITY, "sum").weights)


# ---- §15.9 edge cases ------------------------------------------------------------------------


def test_edge_n1():
    res = weights([[1]])
    assert res.weights.tolist() == [1.0]
    assert (res.lambda_max, res.ci, res.cr, res.gci) == (1.0, 0.0, 0.0, 0.0)
    assert weights([], labels=["only"]).weights.to_dict() == {"only": 1.0}


@pytest.mark.parametrize("table", sorted(RI_TABLES))
def test_edge_n2_cr_zero_under_every_table(table):
    for method in ("eigen", "geometric", "sum"):
        for estimator in ("exact", "mean_ratio", "colsum"):
            res = weights([[1, 4], [1 / 4, 1]], method, table, lambda_estimator=estimator)
            assert res.weights.tolist() == pytest.approx([0.8, 0.2], abs=1e-15)
            assert res.lambda_max == 2.0 and res.ci == 0.0 and res.cr == 0.0
            assert not np.isnan(res.cr) and res.gci == 0.0


def edge_matrix(n):
    u = 1 + 8 * np.arange(n) / (n - 1)
    a = np.outer(u, 1 / u)
    a[0, -1] = a[-1, 0] = 1.0
    return a


@pytest.mark.parametrize(
    ("n", "lam", "ci", "ri", "cr", "g"),
    [
        (16, 16.371443, 0.024763, 1.597807, 0.015498, 0.040232),
        (20, 20.310297, 0.016331, 1.634037, 0.009995, 0.025409),
        (30, 30.218053, 0.007519, 1.680886, 0.004473, 0.011098),
    ],
)
def test_edge_large_n_formula_fallback(n, lam, ci, ri, cr, g):
    res = weights(edge_matrix(n))
    assert res.lambda_max == pytest.approx(lam, abs=COMPUTED)
    assert res.ci == pytest.approx(ci, abs=COMPUTED)
    assert res.ri == pytest.approx(ri, abs=COMPUTED)
    assert res.cr == pytest.approx(cr, abs=COMPUTED)
    assert res.gci == pytest.approx(g, abs=COMPUTED)
    assert res.ri_table == "saaty1980" and res.ri_source == "formula fallback"


# ---- §13 regression rows in scope (row 1: test_ahp_hierarchy.py) ------------------------------


def test_regression_02_n2_cr_is_zero_not_nan():
    res = weights([[1, 3], [1 / 3, 1]], ri_table="saaty1980_pydecision")
    assert res.cr == 0.0 and not np.isnan(res.cr)


def test_regression_03_no_crash_for_n_16_20_30():
    for n in (16, 20, 30):
        for table in RI_TABLES:
            res = weights(edge_matrix(n), ri_table=table)
            assert np.isfinite(res.cr) and 0 < res.cr < 0.02


def test_regression_04_cr_not_inflated_beyond_15():
    res = weights(edge_matrix(16))
    assert res.cr == pytest.approx((res.lambda_max - 16) / 15 / 1.597807, rel=1e-6)
    assert res.cr < 0.02  # pyanp's formula without (n - 1) gives ~14x more


def test_regression_05_contradictory_duplicates_never_last_one_wins():
    with pytest.raises(DuplicateJudgmentError):
        weights({("a", "b"): 3, ("b", "a"): 3})


def test_regression_06_out_of_scale_value_50_rejected():
    with pytest.raises(ScaleError):
        weights([50, 2, 3])
    with pytest.raises(ScaleError):
        judgment_matrix({("a", "b"): 50})


def test_regression_07_every_exception_is_raised():
    """No ``SomeError(...)`` statement without ``raise`` in the AHP sources (lint)."""
    root = pathlib.Path(ahp.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                func = node.value.func
                name = getattr(func, "id", getattr(func, "attr", ""))
                assert not name.endswith(("Error", "Exception")), f"{path.name}:{node.lineno}"
    for bad in ([[1, 3], [3, 1]], [[1, 0], [0, 1]], [[1, 50], [1 / 50, 1]], [[1, 2, 3]]):
        with pytest.raises(ValueError):
            weights(bad)


def test_regression_08_geometric_mean_is_nth_root_normalised_city():
    res = weights(CITY, "geometric")
    np.testing.assert_allclose(
        res.weights, [0.152594, 0.422816, 0.072258, 0.314743, 0.037589], atol=COMPUTED
    )
    assert res.weights.sum() == pytest.approx(1.0, abs=1e-15)


def test_regression_09_n2_and_exactly_consistent_matrices():
    assert weights([[1, 4], [1 / 4, 1]]).weights.tolist() == pytest.approx([0.8, 0.2])
    u = np.array([1.0, 3.0, 9.0])
    res = weights(np.outer(u, 1 / u))
    np.testing.assert_allclose(res.weights, u / u.sum(), atol=1e-12)
    stack = weights(np.stack([np.outer(u, 1 / u)] * 4))
    np.testing.assert_allclose(stack.weights.to_numpy(), np.tile(u / u.sum(), (4, 1)), atol=1e-12)


def test_regression_10_cr_in_every_result():
    for res in (
        weights(DRINKS),
        weights(DRINKS, "gm"),
        weights(DRINKS, "sum"),
        weights(np.stack([DRINKS, DRINKS])),
        measured_weights([1, 2]),
        direct_weights([0.5, 0.5]),
    ):
        for name in (
            "cr",
            "ci",
            "ri",
            "ri_table",
            "ri_source",
            "method",
            "lambda_estimator",
            "lambda_max",
            "gci",
            "n",
            "threshold",
            "verdict",
            "acceptable",
        ):
            assert hasattr(res, name)
        assert res.cr is not None


def test_regression_12_no_equal_weight_fallback_when_cr_too_high():
    with pytest.warns(InconsistencyWarning):
        res = weights(CREDIT_ALT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lenient = weights(CREDIT_ALT, threshold=5.0)
    pd.testing.assert_series_equal(res.weights, lenient.weights)
    assert not np.allclose(res.weights, 1 / 3)
    assert res.verdict == "需调整"


def test_regression_14_batched_eigen_is_converged_not_fixed_iterations():
    stack = random_stack(200, 9, seed=14, sigma=1.0)
    res = weights(stack, scale="ratio")
    vals, vecs = np.linalg.eig(stack)
    k = vals.real.argmax(axis=-1)
    lam = vals.real[np.arange(200), k]
    v = np.abs(vecs.real[np.arange(200), :, k])
    v /= v.sum(axis=-1, keepdims=True)
    assert np.abs(res.weights.to_numpy() - v).max() <= 1e-12
    assert np.abs(res.lambda_max - lam).max() <= 1e-10


def test_regression_15_threshold_text_names_the_rule_not_the_ri():
    with pytest.warns(InconsistencyWarning) as rec:
        weights(R3)
    msg = str(rec[0].message)
    assert "CR = 0.2213" in msg and "CR < 0.1" in msg and "'seed'" in msg
    assert "lower than 0.58" not in msg and "RI" not in msg
    assert "weights are returned unchanged" in msg


def test_regression_16_named_monotone_default_ri_table():
    res = weights(CITY)
    assert res.ri_table == "saaty1980" and res.ri == 1.12 and res.ri_source == "table"
    values = [RI_TABLES["saaty1980"]["values"][n] for n in range(1, 16)]
    assert values == sorted(values)
    pyd = [RI_TABLES["saaty1980_pydecision"]["values"][n] for n in range(1, 16)]
    assert pyd != sorted(pyd)  # kept for reproduction only, never the default


# ---- results, survey codes, display -------------------------------------------------------


def test_result_provenance_repr_and_frozen():
    res = weights(CITY, labels=CITY_LABELS)
    assert (res.method, res.ri_table, res.lambda_estimator, res.threshold) == (
        "eigen",
        "saaty1980",
        "exact",
        "seed",
    )
    assert res.n == 5 and res.ri == 1.12 and res.labels == tuple(CITY_LABELS)
    text = repr(res)
    assert "method='eigen'" in text and "ri_table='saaty1980'" in text and "CR=0.0503" in text
    assert "Family" in text
    assert "<table" in res._repr_html_()
    assert res.summary().loc["Family", "rank"] == 1
    assert isinstance(res.matrix, pd.DataFrame) and res.matrix.shape == (5, 5)
    assert {"non_scale_values", "warnings", "n_fallback"} <= set(res.report)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.cr = 0.0  # type: ignore[misc]
    stack = weights(np.stack([CITY, CITY]), labels=CITY_LABELS)
    assert stack.summary().shape == (2, 5 + 6)
    assert "r=2" in repr(stack)
    assert not stack.matrix.flags.writeable


def test_survey_matrices_signed_codes():
    df = pd.DataFrame(
        {"a__b": [3, -2, 0], "a__c": [5, 1, -9], "b__c": [2, 2, "1"]}, index=["r1", "r2", "r3"]
    )
    left = survey_matrices(df, positive_favours="left")
    assert left.labels == ("a", "b", "c") and list(left.index) == ["r1", "r2", "r3"]
    np.testing.assert_allclose(left.values[0], full([3, 5, 2]))
    np.testing.assert_allclose(left.values[1], full([1 / 2, 1, 2]))
    np.testing.assert_allclose(left.values[2], full([1, 1 / 9, 1]))
    right = survey_matrices(df, positive_favours="right")
    np.testing.assert_allclose(right.values[0], full([1 / 3, 1 / 5, 1 / 2]))
    missing = survey_matrices(df, positive_favours="left", zero_as="missing")
    assert np.isnan(missing.values[2, 0, 1]) and np.isnan(missing.values[2, 1, 0])
    res = weights(left)
    assert list(res.weights.index) == ["r1", "r2", "r3"]
    np.testing.assert_allclose(res.weights.loc["r1"], weights(full([3, 5, 2])).weights, atol=1e-12)
    with pytest.raises(MissingJudgmentError, match="respondent 'r3'"):
        weights(missing)
    with pytest.raises(TypeError):
        survey_matrices(df)  # positive_favours is required  # type: ignore[call-arg]
    with pytest.raises(AHPInputError, match=r"'a__b', respondent 'r2'.*-9..9"):
        survey_matrices(df.assign(a__b=[3, 12, 1]), positive_favours="left")
    with pytest.raises(AHPInputError, match="respondent 'r1'"):
        survey_matrices(df.assign(a__b=[2.5, 1, 1]), positive_favours="left")


def test_format_weights_rounds_for_display_only():
    res = weights([[1, 2], [1 / 2, 1]], labels=["当前价值", "潜在价值"])
    shown = format_weights(res)
    assert shown.tolist() == ["0.6667", "0.3333"]
    assert res.weights.iloc[0] == 2 / 3  # the result itself is not rounded
    assert format_weights({"a": 0.25}, percent=True).tolist() == ["25.00%"]


def test_docstring_examples_run():
    import doctest

    from cvlib.ahp import _consistency, _hierarchy, _matrix, _weights

    for module in (_matrix, _consistency, _weights, _hierarchy):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


# ---- review fixes: parsing, labels, immutability, JudgmentStack, RI tables ------------------


def test_regression_pd_na_in_float64_dataframe_is_a_missing_pair():
    # ahp.md §1.2: NaN / None / "" mark a missing pair; pd.NA (nullable dtypes) is missing too
    labels = ["a", "b", "c"]
    df = pd.DataFrame(
        [[1, 2, None], [0.5, 1, 2], [None, 0.5, 1]], index=labels, columns=labels
    ).astype("Float64")
    assert df.iloc[0, 2] is pd.NA and df.iloc[2, 0] is pd.NA
    with pytest.raises(MissingJudgmentError, match=r"1 missing pair\(s\) \(a, c\)"):
        judgment_matrix(df)
    with pytest.raises(MissingJudgmentError, match=r"\(a, c\)"):
        weights(df)
    m = judgment_matrix(df, allow_missing=True)
    assert m.dtypes.tolist() == ["float64"] * 3
    assert np.isnan(m.loc["a", "c"]) and np.isnan(m.loc["c", "a"]) and m.loc["b", "a"] == 0.5


def test_regression_pd_na_in_int64_dataframe_upper_triangle():
    # integer cells cannot hold 1/2: judgments in the upper triangle, the lower one left empty
    labels = ["a", "b", "c"]
    df = pd.DataFrame(
        [[1, 2, None], [None, 1, 3], [None, None, 1]], index=labels, columns=labels
    ).astype("Int64")
    assert df.iloc[0, 2] is pd.NA
    with pytest.raises(
        ReciprocityError, match=r"half-missing pairs: \(a, b\) a_12 = 2 but a_21 is missing"
    ):
        judgment_matrix(df)
    with pytest.warns(ReciprocityWarning), pytest.raises(MissingJudgmentError, match=r"\(a, c\)"):
        judgment_matrix(df, symmetrize="upper")
    with pytest.warns(ReciprocityWarning):
        m = judgment_matrix(df, symmetrize="upper", allow_missing=True)
    assert m.loc["b", "a"] == 0.5 and m.loc["c", "b"] == 1 / 3
    assert np.isnan(m.loc["a", "c"]) and np.isnan(m.loc["c", "a"])


def test_regression_pd_na_in_lists_pairs_and_weights_is_missing():
    m = judgment_matrix([[1, 2, pd.NA], [0.5, 1, 2], [pd.NA, 0.5, 1]], allow_missing=True)
    assert np.isnan(m.iloc[0, 2]) and np.isnan(m.iloc[2, 0])
    m = judgment_matrix({("a", "b"): 2, ("a", "c"): pd.NA, ("b", "c"): 2}, allow_missing=True)
    assert np.isnan(m.loc["a", "c"])
    m = judgment_matrix([2, pd.NA, np.nan], labels=["a", "b", "c"], allow_missing=True)
    assert m.loc["a", "b"] == 2 and np.isnan(m.loc["a", "c"]) and np.isnan(m.loc["c", "b"])
    with pytest.raises(MissingJudgmentError, match=r"\(a, c\)"):
        judgment_matrix({("a", "b"): 2, ("a", "c"): pd.NA, ("b", "c"): 2})
    with pytest.raises(AHPInputError, match=r"'c2' = nan"):
        direct_weights({"c1": 1.0, "c2": pd.NA})  # missing, then the finiteness rule


@pytest.mark.parametrize(
    ("matrix", "labels", "match"),
    [
        ([[1, 2j], [0.5, 1]], ["p", "q"], r"at \(p, q\): the complex number 2j"),
        (np.array([[1, 2j], [0.5, 1]]), ["p", "q"], r"at \(p, q\): the complex number 2j"),
        ([[1, 3], [1 / 3 + 0j, 1]], None, r"at \(1, 0\): the complex number"),
        ([[1, True], [0.5, 1]], ["p", "q"], r"at \(p, q\): the boolean True is not a judgment"),
        (np.array([[True, True], [True, True]]), ["p", "q"], r"at \(p, p\): the boolean True"),
        ([[1, "x"], [1, 1]], ["p", "q"], r"at \(p, q\): cannot read the judgment 'x'"),
        ([[1, pd.NaT], [1, 1]], ["p", "q"], r"at \(p, q\): cannot read the judgment NaT"),
        ([2, "abc", 3], ["p", "q", "r"], r"at \(p, r\) \(upper-triangle element 2\): .*'abc'"),
        ([2, 3j, 3], None, r"at \(0, 2\) \(upper-triangle element 2\): the complex number 3j"),
    ],
)
def test_regression_parse_errors_name_the_position_and_never_leak_type_error(matrix, labels, match):
    with pytest.raises(AHPInputError, match=match) as info:
        judgment_matrix(matrix, labels=labels)
    assert "a_ij = importance of row i over column j" in str(info.value)
    with pytest.raises(AHPInputError, match=match):
        weights(matrix, labels=labels)


def test_regression_parse_errors_in_dataframes_stacks_pairs_and_weights():
    labels = ["当前价值", "潜在价值"]
    df = pd.DataFrame([[1, 2], [0.5, 1]], index=labels, columns=labels).astype(object)
    df.loc["潜在价值", "当前价值"] = complex(0.5, 1)
    with pytest.raises(AHPInputError, match=r"'node X': at \(潜在价值, 当前价值\): the complex"):
        weights(df, node="node X")
    df.loc["潜在价值", "当前价值"] = False
    with pytest.raises(AHPInputError, match=r"at \(潜在价值, 当前价值\): the boolean False"):
        judgment_matrix(df)
    stack = np.ones((2, 3, 3), dtype=object)
    stack[1, 0, 2] = "zz"
    with pytest.raises(AHPInputError, match=r"matrix 1 at \(a, c\): cannot read the judgment 'zz'"):
        weights(stack, labels=["a", "b", "c"])
    with pytest.raises(AHPInputError, match=r"pair \('a', 'b'\): the complex number 1j"):
        judgment_matrix({("a", "b"): 1j})
    with pytest.raises(AHPInputError, match=r"pair \('a', 'b'\): the boolean True"):
        judgment_matrix({("a", "b"): True})
    with pytest.raises(AHPInputError, match=r"direct weights: 'c2': the complex number 0.5j"):
        direct_weights({"c1": 1.0, "c2": 0.5j})
    with pytest.raises(AHPInputError, match=r"measured values: 'y': the boolean True"):
        measured_weights([3, True], labels=["x", "y"])
    # real numbers of every kind are still accepted
    from decimal import Decimal
    from fractions import Fraction

    m = judgment_matrix([[1, Fraction(1, 3)], [np.int64(3), 1]])
    assert m.iloc[0, 1] == 1 / 3 and m.iloc[1, 0] == 3.0
    assert judgment_matrix([Decimal("0.5")]).iloc[1, 0] == 2.0


@pytest.mark.parametrize("labels", ["ab", "总利润", b"ab"])
def test_regression_string_labels_are_rejected_not_split(labels):
    msg = r"labels must be a list of names, got the string"
    n = len(labels)
    upper = [1] * (n * (n - 1) // 2)
    with pytest.raises(AHPInputError, match=msg):
        judgment_matrix(upper, labels=labels)
    with pytest.raises(AHPInputError, match=msg):
        weights(np.ones((n, n)), labels=labels)
    with pytest.raises(AHPInputError, match=msg):
        weights(np.ones((2, n, n)), labels=labels)
    with pytest.raises(AHPInputError, match=msg):
        direct_weights([1 / n] * n, labels=labels)
    with pytest.raises(AHPInputError, match=msg):
        measured_weights([1] * n, labels=labels)
    with pytest.raises(AHPInputError, match=msg):
        gci(np.ones((n, n)), labels=labels)
    with pytest.raises(AHPInputError, match=msg):
        ahp.JudgmentStack(np.ones((1, n, n)), labels)


def test_regression_string_labels_rejected_in_survey_and_pair_forms():
    df = pd.DataFrame({"a__b": [3], "a__c": [5], "b__c": [2]})
    with pytest.raises(AHPInputError, match="labels must be a list of names, got the string 'abc'"):
        survey_matrices(df, positive_favours="left", labels="abc")
    with pytest.raises(AHPInputError, match="got the string 'ab'"):
        judgment_matrix({("a", "b"): 3}, labels="ab")
    # one label in a list is fine (n = 1)
    assert judgment_matrix([[1]], labels=["总利润"]).index.tolist() == ["总利润"]


def test_regression_judgment_stack_checks_its_labels():
    with pytest.raises(AHPInputError, match="n = 3 elements got 2 labels"):
        ahp.JudgmentStack(np.ones((1, 3, 3)), ("a", "b"))
    with pytest.raises(AHPInputError, match="duplicate labels"):
        ahp.JudgmentStack(np.ones((1, 2, 2)), ("a", "a"))


def test_regression_ahp_result_cannot_be_mutated_through_returned_objects():
    res = weights(CITY, labels=CITY_LABELS)
    before_summary = res.summary()
    before_weights = res.weights
    returned = res.weights
    returned.iloc[0] = 5.0
    returned.index = list("abcde")
    returned.name = "changed"
    pd.testing.assert_series_equal(res.weights, before_weights)
    pd.testing.assert_frame_equal(res.summary(), before_summary)
    matrix = res.matrix
    matrix.iloc[0, 1] = 99.0
    matrix["new"] = 1.0
    np.testing.assert_array_equal(res.matrix.to_numpy(), CITY)
    report = res.report
    report["warnings"].append("injected")
    report["non_scale_values"].loc[0] = ["x", "y", 1.0]
    report["extra"] = 1
    assert "injected" not in res.report["warnings"] and "extra" not in res.report
    assert len(res.report["non_scale_values"]) == 0
    summary = res.summary()
    summary.loc["Family", "weight"] = 0.0
    pd.testing.assert_frame_equal(res.summary(), before_summary)
    assert res.weights is not res.weights  # every read is a new copy
    with pytest.raises(dataclasses.FrozenInstanceError):
        res._weights = None  # type: ignore[misc]


def test_regression_stack_result_arrays_are_read_only_views():
    stack = weights(np.stack([CITY, TOURISM]), labels=CITY_LABELS)
    before = stack.summary()
    w = stack.weights
    w.iloc[0, 0] = 5.0
    w["extra"] = 1.0
    pd.testing.assert_frame_equal(stack.summary(), before)
    for name in ("lambda_max", "ci", "cr", "gci", "verdict", "acceptable", "status", "matrix"):
        arr = getattr(stack, name)
        assert isinstance(arr, np.ndarray) and not arr.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = arr[1]
        with pytest.raises(ValueError):
            arr.setflags(write=True)  # the view cannot be made writeable
    pd.testing.assert_frame_equal(stack.summary(), before)


def test_regression_judgment_stack_values_and_index_are_protected():
    df = pd.DataFrame({"a__b": [3, -2], "a__c": [5, 1], "b__c": [2, 2]}, index=["r1", "r2"])
    st = survey_matrices(df, positive_favours="left")
    before = st.summary()
    values = st.values
    with pytest.raises(ValueError, match="read-only"):
        values[0, 0, 1] = 9.0
    with pytest.raises(ValueError):
        values.setflags(write=True)
    index = st.index
    index.name = "renamed"
    assert st.index.name is None and list(st.index) == ["r1", "r2"]
    pd.testing.assert_frame_equal(st.summary(), before)
    source = np.ones((1, 2, 2))
    own = ahp.JudgmentStack(source, ("x", "y"))
    source[0, 0, 1] = 7.0  # the caller's array is not shared
    assert own.values[0, 0, 1] == 1.0


def test_judgment_stack_summary_repr_and_html():
    df = pd.DataFrame(
        {"a__b": [3, None, 2], "a__c": [5, 1, 1], "b__c": [2, 2, None]}, index=["r1", "r2", "r3"]
    )
    st = survey_matrices(df, positive_favours="left")
    table = st.summary()
    assert list(table.columns) == ["n", "n_answered", "n_missing", "status"]
    assert list(table.index) == ["r1", "r2", "r3"]
    assert table["n"].tolist() == [3, 3, 3]
    assert table["n_missing"].tolist() == [0, 1, 1]
    assert table["n_answered"].tolist() == [3, 2, 2]
    assert table["status"].tolist() == ["ok", "ok", "ok"]
    values = st.values.copy()
    values[2, 0, 1], values[2, 1, 0] = 50.0, 1 / 50  # out of the 1-9 scale
    values[0, 0, 1] = 4.0  # a_12 * a_21 = 4/3: not reciprocal
    odd = ahp.JudgmentStack(values, st.labels, st.index)
    assert odd.summary()["status"].tolist() == ["nonreciprocal", "ok", "out_of_scale"]
    assert odd.summary(scale="ratio")["status"].tolist() == ["nonreciprocal", "ok", "ok"]
    assert (st.r, st.n, len(st)) == (3, 3, 3)
    text = repr(st)
    assert (
        text.startswith("JudgmentStack(r=3, n=3, labels=('a', 'b', 'c'))") and "n_missing" in text
    )
    html = st._repr_html_()
    assert "<b>JudgmentStack</b>" in html and "<table" in html and "n_missing" in html
    assert isinstance(st, ahp.JudgmentStack) and "JudgmentStack" in ahp.__all__


@pytest.mark.parametrize(
    ("func", "sections"),
    [
        (ahp.gci_threshold, ("Parameters", "Returns", "Examples", "References", "Aguarón")),
        (ahp.gci_threshold, ("147(1), 137-145",)),
        (survey_matrices, ("Parameters", "Returns", "Examples", "References")),
        (gci, ("Parameters", "Returns", "Examples", "References")),
        (measured_weights, ("Parameters", "Returns", "Examples", "References")),
        (direct_weights, ("Parameters", "Returns", "Examples", "References")),
        (ahp.HierarchyResult.summary, ("Returns",)),
        (ahp.AlternativesResult.summary, ("Returns",)),
        (ahp.CombinedConsistency.summary, ("Returns",)),
        (ahp.JudgmentStack.summary, ("Examples",)),
    ],
    ids=lambda x: getattr(x, "__qualname__", None),
)
def test_docstrings_have_numpydoc_sections(func, sections):
    doc = inspect.cleandoc(func.__doc__ or "")
    for section in sections:
        assert section in doc, (func.__qualname__, section)
    for section in ("Parameters", "Returns", "Examples", "References"):
        if section in sections:
            assert f"\n{section}\n{'-' * len(section)}\n" in doc, (func.__qualname__, section)
    assert ahp.gci_threshold(3) == 0.31 and ahp.gci_threshold(7) == 0.37
    assert ahp.gci_threshold(2) == float("inf")


# ahp.md §4.1, copied value by value (n -> RI); RI(1) = RI(2) = 0 in every table.
RI_SPEC = {
    "saaty1980": {
        **{1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45},
        **{10: 1.49, 11: 1.51, 12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59},
    },
    "saaty1980_pydecision": {
        **{1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45},
        **{10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59},
    },
    "saaty1980_ahpos": {
        **{1: 0.0, 2: 0.0, 3: 0.57, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45},
        **{10: 1.49},
    },
    "saaty2005": {
        **{1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45},
        **{10: 1.49, 11: 1.52, 12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59},
    },
    "pyanp": {
        **{1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.12, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45},
        **{10: 1.49, 11: 1.51, 12: 1.54, 13: 1.56, 14: 1.57, 15: 1.58},
    },
    "alonso_lamata": {
        **{1: 0.0, 2: 0.0, 3: 0.5247, 4: 0.8816, 5: 1.1086, 6: 1.2479, 7: 1.3417, 8: 1.4057},
        **{9: 1.4499, 10: 1.4854, 11: 1.5140, 12: 1.5365, 13: 1.5551, 14: 1.5713, 15: 1.5838},
    },
    "donegan_dodd": {
        **{1: 0.0, 2: 0.0, 3: 0.4914, 4: 0.8286, 5: 1.0591, 6: 1.1797, 7: 1.2519, 8: 1.3171},
        **{9: 1.3733, 10: 1.4055, 11: 1.4213, 12: 1.4497, 13: 1.4643, 14: 1.4822, 15: 1.4969},
    },
    "tummala_ling": {
        **{1: 0.0, 2: 0.0, 3: 0.5799, 4: 0.8921, 5: 1.1159, 6: 1.2358, 7: 1.3322, 8: 1.3952},
        **{9: 1.4537, 10: 1.4882, 11: 1.5117, 12: 1.5356, 13: 1.5571, 14: 1.5714, 15: 1.5831},
    },
    "ahpsurvey_sim": {
        **{1: 0.0, 2: 0.0, 3: 0.5252, 4: 0.8837, 5: 1.1081, 6: 1.2493, 7: 1.3416, 8: 1.4048},
        **{9: 1.4507, 10: 1.4857, 11: 1.5141, 12: 1.5357, 13: 1.5546, 14: 1.5703, 15: 1.5840},
    },
    # RI(n) = (1.7699 n - 4.3513)/(n - 1) for n >= 3, listed to 15
    "alonso_lamata_linear": {
        1: 0.0,
        2: 0.0,
        **{n: (1.7699 * n - 4.3513) / (n - 1) for n in range(3, 16)},
    },
}


def test_ri_spec_covers_every_named_table():
    assert set(RI_SPEC) == set(RI_TABLES)
    for name, values in RI_SPEC.items():
        assert set(RI_TABLES[name]["values"]) == set(values), name  # no unchecked entry
        assert RI_TABLES[name]["n_max"] == max(values), name


@pytest.mark.parametrize(
    ("table", "n", "expected"),
    [(table, n, ri) for table, values in RI_SPEC.items() for n, ri in values.items()],
    ids=lambda x: str(x),
)
def test_ri_table_every_value_matches_ahp_md_4_1(table, n, expected):
    assert RI_TABLES[table]["values"][n] == pytest.approx(expected, abs=1e-12)
    assert random_index(n, table) == (pytest.approx(expected, abs=1e-12), "table")


@pytest.mark.parametrize("n", range(3, 41))
def test_ri_alonso_lamata_linear_formula_every_n(n):
    value, source = random_index(n, "alonso_lamata_linear")
    assert value == pytest.approx((1.7699 * n - 4.3513) / (n - 1), abs=1e-12)
    assert source == "table"

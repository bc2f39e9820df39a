from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cvlib import plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_setup_fonts_finds_a_cjk_font_that_has_chinese_glyphs():
    family = plots.setup_fonts()
    assert family is not None, "the set-up installs mplfonts; a CJK font must be found"
    from matplotlib import font_manager

    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    assert all(font.get_char_index(ord(ch)) for ch in "客户价值层次分析法")


def test_plot_weights_labels_and_groups():
    ax = plots.plot_weights(
        pd.Series({"a": 0.2, "b": 0.8}),
        labels={"a": "甲"},
        groups={"g1": ["a"], "g2": ["b"]},
        lang="en",
    )
    assert "weight" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["甲 (a)", "b"]


def test_plot_value_matrix_draws_means_and_quadrants():
    table = pd.DataFrame(
        {
            "current": [1.0, -1.0, 0.5, -0.5],
            "potential": [1.0, -1.0, -0.5, 0.5],
            "quadrant": ["HH", "LL", "HL", "LH"],
        },
        index=[1, 2, 3, 4],
    )
    ax = plots.plot_value_matrix(table, lang="zh")
    assert ax.get_xlabel() == "当前价值" and ax.get_ylabel() == "潜在价值"
    assert len(ax.collections) == 4


def test_plot_pareto_and_distribution_axes_have_units():
    curve = pd.DataFrame({"customer_share": [0, 0.5, 1.0], "revenue_share": [0, 0.9, 1.0]})
    ax = plots.plot_pareto(curve, cuts=(0.8, 0.95), lang="en")
    assert "%" in ax.get_xlabel() and "%" in ax.get_ylabel()
    ax = plots.plot_distribution(pd.Series(np.arange(10.0)), xlabel="value index (z)", lang="en")
    assert ax.get_ylabel() == "customers"


def test_plots_reject_unknown_language():
    with pytest.raises(ValueError, match="lang"):
        plots.plot_weights(pd.Series({"a": 1.0}), lang="fr")

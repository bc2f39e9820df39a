"""Questionnaire figures in cvlib.plots: structure only (patch counts, axis labels, tick text),
never pixels. The numbers behind plot_likert are tested in test_survey_likert.py."""

from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cvlib import plots
from cvlib._validation import CvlibInputError
from cvlib._warnings import DataQualityWarning
from cvlib.survey import likert_table

# Fonts as in a fresh session: DejaVu Sans only, so Chinese needs the module's CJK set-up.
LATIN_ONLY = {"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def survey():
    df = pd.DataFrame(
        {
            "q1": [1, 2, 2, 3, 3, 3, 4, 4, 5, 5],
            "q2": [4, 4, 5, 5, 5, 3, 4, 4, 5, 5],  # no negative answers
            "sex": [1, 1, 1, 1, 1, 2, 2, 2, 2, 2],
        }
    )
    codebook = {
        "q1": {"scale": "likert5", "wording": "服务态度令人满意", "wording_en": "Staff attitude"},
        "q2": {"scale": "likert5", "wording": "环境整洁", "wording_en": "Clean store"},
        "sex": {"type": "nominal", "labels": {1: ("男", "male"), 2: ("女", "female")}},
    }
    return df, codebook


def _patches(fig):
    return sum(len(ax.patches) for ax in fig.axes)


def _glyph_warnings(fig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


# --- plot_likert -------------------------------------------------------------------------------


@pytest.mark.parametrize("neutral", ["split", "right", "exclude"])
def test_plot_likert_one_segment_per_item_and_code(survey, neutral):
    df, cb = survey
    table = likert_table(df, ["q1", "q2"], codebook=cb, neutral=neutral)
    fig = plots.plot_likert(table, lang="en")
    assert _patches(fig) == len(table) == 10  # zero-count codes drawn with zero width
    main = fig.axes[0]
    assert main.get_xlabel() == "% of valid responses"
    assert [t.get_text() for t in main.get_yticklabels()] == [
        "Staff attitude (q1)",
        "Clean store (q2)",
    ]
    assert any(line.get_xdata()[0] == 0 for line in main.lines)  # the zero line
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["strongly disagree", "disagree", "neutral", "agree", "strongly agree"]


def test_plot_likert_exclude_draws_neutral_in_a_side_panel(survey):
    df, cb = survey
    table = likert_table(df, ["q1", "q2"], codebook=cb, neutral="exclude")
    fig = plots.plot_likert(table, lang="en")
    assert len(fig.axes) == 2
    assert len(fig.axes[1].patches) == 2  # one neutral bar per item
    assert fig.axes[1].get_xlabel() == "neutral (%)"
    widths = sorted(p.get_width() for p in fig.axes[1].patches)
    assert widths == pytest.approx([10.0, 30.0])


def test_plot_likert_segment_geometry_matches_the_table(survey):
    df, cb = survey
    table = likert_table(df, ["q1"], codebook=cb)
    fig = plots.plot_likert(table, lang="en", annotate=False)
    lefts = [p.get_x() for p in fig.axes[0].patches]
    widths = [p.get_width() for p in fig.axes[0].patches]
    np.testing.assert_allclose(lefts, table["left"], atol=1e-12)
    np.testing.assert_allclose(widths, table["pct"], atol=1e-12)


def test_plot_likert_group_facets_one_panel_per_group(survey):
    df, cb = survey
    table = likert_table(df, ["q1", "q2"], codebook=cb, group="sex", lang="zh")
    fig = plots.plot_likert(table, lang="zh")
    assert len(fig.axes) == 2
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["男", "女"]
    assert _patches(fig) == len(table) == 20
    assert fig.axes[-1].get_xlabel() == "有效回答百分比"


def test_plot_likert_builds_the_table_from_data(survey):
    df, cb = survey
    fig = plots.plot_likert(df, ["q1", "q2"], codebook=cb, sort=True, lang="en")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["Clean store (q2)", "Staff attitude (q1)"]  # 100 % vs 40 % positive
    assert _patches(fig) == 10


def test_plot_likert_wraps_long_wording():
    df = pd.DataFrame({"q": [1, 2, 3]})
    cb = {"q": {"scale": "likert5", "wording_en": "How satisfied are you with " * 4}}
    fig = plots.plot_likert(df, codebook=cb, lang="en", wrap=30)
    label = fig.axes[0].get_yticklabels()[0].get_text()
    assert "\n" in label and max(len(line) for line in label.split("\n")) <= 30


def test_plot_likert_chinese_renders_without_missing_glyphs(survey):
    df, cb = survey
    with mpl.rc_context(LATIN_ONLY):
        table = likert_table(df, ["q1", "q2"], codebook=cb, lang="zh")
        fig = plots.plot_likert(table, lang="zh")
        assert _glyph_warnings(fig) == []
    assert fig.axes[0].get_xlabel() == "有效回答百分比"
    assert fig.axes[0].get_yticklabels()[0].get_text() == "服务态度令人满意 (q1)"


def test_plot_likert_refuses_table_options_and_bad_palette(survey):
    df, cb = survey
    table = likert_table(df, ["q1"], codebook=cb)
    with pytest.raises(CvlibInputError, match="pass them to likert_table"):
        plots.plot_likert(table, neutral="right")
    with pytest.raises(CvlibInputError, match="palette='jet'"):
        plots.plot_likert(table, palette="jet")
    with pytest.raises(CvlibInputError, match="lang='fr'"):
        plots.plot_likert(table, lang="fr")


# --- plot_item_distributions -------------------------------------------------------------------


def test_item_distributions_show_zero_count_codes(survey):
    df, cb = survey
    fig = plots.plot_item_distributions(df, ["q1", "q2"], codebook=cb, lang="en")
    assert len(fig.axes) == 2
    q2 = fig.axes[1]
    assert [t.get_text() for t in q2.get_xticklabels()] == ["1", "2", "3", "4", "5"]
    assert [p.get_height() for p in q2.patches] == [0, 0, 1, 4, 5]
    assert q2.get_xlabel() == "response code" and fig.axes[0].get_ylabel() == "respondents"
    assert "n = 10, missing 0" in q2.get_title()


def test_item_distributions_without_codebook_use_observed_codes():
    df = pd.DataFrame({"a": [1, 2, 2], "b": [3, 3, np.nan]})
    fig = plots.plot_item_distributions(df, lang="en", ncols=1)
    assert [len(ax.patches) for ax in fig.axes] == [3, 3]  # union of codes 1, 2, 3
    assert "missing 1" in fig.axes[1].get_title()


def test_item_distributions_chinese_renders(survey):
    df, cb = survey
    with mpl.rc_context(LATIN_ONLY):
        fig = plots.plot_item_distributions(df, ["q1", "q2"], codebook=cb, lang="zh")
        assert _glyph_warnings(fig) == []
    assert fig.axes[0].get_xlabel() == "回答编码"


# --- plot_correlation_heatmap ------------------------------------------------------------------


def test_correlation_heatmap_from_data_and_from_matrix():
    df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5], "c": [5, 4, 3, 2, 2]})
    ax = plots.plot_correlation_heatmap(df, lang="en")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert len(ax.texts) == 9  # annotated cells (3 items <= 12)
    assert ax.images[0].get_clim() == (-1.0, 1.0)
    ax2 = plots.plot_correlation_heatmap(df.corr(), items=["c", "a"], annotate=False)
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["c", "a"]
    assert len(ax2.texts) == 0


def test_correlation_heatmap_rejects_a_matrix_outside_minus_one_one():
    bad = pd.DataFrame([[1.0, 1.5], [1.5, 1.0]], index=["a", "b"], columns=["a", "b"])
    with pytest.raises(CvlibInputError, match=r"\('a', 'b'\) = 1.5"):
        plots.plot_correlation_heatmap(bad)
    asym = pd.DataFrame([[1.0, 0.2], [0.3, 1.0]], index=["a", "b"], columns=["a", "b"])
    with pytest.raises(CvlibInputError, match="not symmetric"):
        plots.plot_correlation_heatmap(asym)


def test_correlation_heatmap_warns_on_constant_item():
    df = pd.DataFrame({"a": [1, 2, 3], "b": [2, 2, 2]})
    with pytest.warns(DataQualityWarning, match="undefined"):
        plots.plot_correlation_heatmap(df)


def test_correlation_heatmap_chinese_labels_render():
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 1, 4, 3]})
    with mpl.rc_context(LATIN_ONLY):
        ax = plots.plot_correlation_heatmap(df, labels={"a": "服务", "b": "环境"}, lang="zh")
        assert _glyph_warnings(ax.figure) == []
    assert [t.get_text() for t in ax.get_xticklabels()] == ["服务", "环境"]


# --- plot_scree --------------------------------------------------------------------------------


def test_scree_axes_lines_and_kaiser():
    ax = plots.plot_scree([2.8, 1.4, 0.9, 0.5], parallel=[1.3, 1.1, 1.0, 0.9], lang="en")
    assert ax.get_xlabel() == "factor" and ax.get_ylabel() == "eigenvalue"
    assert len(ax.lines) == 3  # eigenvalues, parallel analysis, Kaiser line
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(ax.lines[2].get_ydata(), [1, 1])
    assert len(plots.plot_scree([2.0, 0.5], kaiser=False).lines) == 1


def test_scree_chinese_renders():
    with mpl.rc_context(LATIN_ONLY):
        ax = plots.plot_scree([2.0, 1.0, 0.5], parallel=[1.2, 1.0, 0.8], lang="zh")
        assert _glyph_warnings(ax.figure) == []
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("因子", "特征值")


def test_scree_rejects_bad_eigenvalues():
    with pytest.raises(CvlibInputError, match=r"eigenvalues\[1\] = nan"):
        plots.plot_scree([2.0, np.nan])
    with pytest.raises(CvlibInputError, match="1-D"):
        plots.plot_scree([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(CvlibInputError, match="non-empty"):
        plots.plot_scree([])


def test_scree_takes_eigen_and_parallel_results():
    import types

    eig = types.SimpleNamespace(values=pd.Series([2.5, 1.2, 0.3], index=[1, 2, 3]))
    table = pd.DataFrame({"observed": [2.5, 1.2, 0.3], "threshold": [1.4, 1.1, 0.9]})
    pa = types.SimpleNamespace(table=table, quantile=0.95, n_factors=2)
    ax = plots.plot_scree(eig, pa, lang="en")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [2.5, 1.2, 0.3])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.4, 1.1, 0.9])
    assert ax.lines[1].get_label() == "parallel analysis (95th percentile of random data)"
    ax = plots.plot_scree(table, table)  # DataFrames: 'observed' and 'threshold' columns
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.4, 1.1, 0.9])

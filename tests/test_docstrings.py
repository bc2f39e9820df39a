"""The Examples sections of every module's docstrings run, each module once (cvlib.ahp and
cvlib.standardize run theirs in their own test files; the survey modules only here)."""

from __future__ import annotations

import doctest
import warnings

import matplotlib.pyplot as plt
import pytest

from cvlib import _notebook, datasets, plots, scoring, segment
from cvlib.rfm import _btyd, _card, _lifecycle, _rules, _score, _table
from cvlib.survey import (
    _codebook,
    _crosstab,
    _describe,
    _factor,
    _groups,
    _likert,
    _read,
    _reliability,
)

SURVEY_MODULES = [
    _codebook,
    _read,
    _describe,
    _reliability,
    _factor,
    _crosstab,
    _groups,
    _likert,
]


@pytest.mark.parametrize(
    "module",
    [
        datasets,
        plots,
        scoring,
        segment,
        _notebook,
        _card,
        _table,
        _btyd,
        _score,
        _rules,
        _lifecycle,
        *SURVEY_MODULES,
    ],
    ids=lambda m: m.__name__,
)
def test_docstring_examples_run(module):
    with warnings.catch_warnings():
        if module in SURVEY_MODULES:  # their examples are clean input: no warning expected
            warnings.simplefilter("error")
        result = doctest.testmod(
            module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        )
    plt.close("all")
    assert result.attempted > 0
    assert result.failed == 0

"""The Examples sections of every module's docstrings run (cvlib.ahp and cvlib.standardize
also run theirs in their own test files)."""

from __future__ import annotations

import doctest

import matplotlib.pyplot as plt
import pytest

from cvlib import _notebook, datasets, plots, scoring, segment
from cvlib.rfm import _btyd, _card, _lifecycle, _rules, _score, _table


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
    ],
    ids=lambda m: m.__name__,
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.attempted > 0
    assert result.failed == 0

"""Every notebook runs top to bottom through the report pipeline (quick parameters) and renders.

These tests use the same path as ``cvlib report`` (papermill with the python3 kernel, the notebooks
folder as working directory, nbconvert with code hidden).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cvlib.report import ReportError, render

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def report_01(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return render("01_customer_value_ahp", {"quick": True}, out=out, tag="test")


def _visible_text(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_notebook_01_renders_with_the_composite_weight_table(report_01):
    html = Path(report_01.html).read_text(encoding="utf-8")
    text = _visible_text(html)
    # the composite weight table (组合权重) with the 12 reproduced weights, full precision
    assert "组合权重" in text
    for value in ("0.325065", "0.098214", "0.065680", "0.044373", "0.071949", "0.200000"):
        assert value in text, value
    # code is hidden, parameters are shown at the top
    assert "validate_parameters(" not in text
    assert "quick" in text[: len(text) // 3]
    # Chinese plot labels: figures are embedded as data URIs (self-contained page)
    assert "data:image/png;base64," in html


def test_notebook_01_reproduces_the_published_segments(report_01):
    nb = json.loads(Path(report_01.ipynb).read_text(encoding="utf-8"))
    text = "\n".join(
        "".join(out.get("data", {}).get("text/plain", ""))
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for out in cell.get("outputs", [])
    )
    assert "高价值客户" in text and "低价值客户" in text and "中间客户" in text
    assert "Error" not in "".join(
        out.get("ename", "") for c in nb["cells"] for out in c.get("outputs", [])
    )


def test_misspelled_parameter_is_a_clear_error_and_renders_nothing(tmp_path):
    with pytest.raises(ReportError) as info:
        render("01_customer_value_ahp", {"methd": "eigen"}, out=tmp_path, tag="bad")
    message = str(info.value)
    assert "methd" in message and "method" in message
    assert not list((tmp_path / "01_customer_value_ahp").rglob("*.html"))


def test_invalid_parameter_value_fails_in_the_validation_cell(tmp_path):
    with pytest.raises(ReportError) as info:
        render("01_customer_value_ahp", {"standardization": "robust"}, out=tmp_path, tag="bad")
    message = str(info.value)
    assert "standardization" in message and "01_customer_value_ahp" in message
    assert not list((tmp_path / "01_customer_value_ahp").rglob("*.html"))


def test_jupytext_twins_match_their_notebooks():
    jupytext = pytest.importorskip("jupytext")
    for ipynb in sorted(NOTEBOOKS.glob("*.ipynb")):
        twin = ipynb.with_suffix(".py")
        assert twin.is_file(), f"{ipynb.name} has no py:percent twin"
        a = [(c.cell_type, c.source) for c in jupytext.read(ipynb).cells]
        b = [(c.cell_type, c.source) for c in jupytext.read(twin).cells]
        assert a == b, f"{ipynb.name} and {twin.name} differ: run `jupytext --sync {ipynb}`"

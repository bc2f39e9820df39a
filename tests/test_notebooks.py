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
    """value_and_credit.md §1.5: customers 1, 5, 7 high value; 3 low; 2, 6 HL and 4 LH."""
    nb = json.loads(Path(report_01.ipynb).read_text(encoding="utf-8"))
    errors = [
        o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    cell = next(
        c
        for c in nb["cells"]
        if c["cell_type"] == "code"
        and "".join(c["source"]).startswith("from cvlib.segment import value_matrix")
    )
    text = "".join(cell["outputs"][-1]["data"]["text/plain"])
    quadrant = {}
    for line in text.splitlines():
        match = re.match(r"^(\d+)\s.*\b(HH|HL|LH|LL)\b", line)
        if match:
            quadrant[int(match.group(1))] = match.group(2)
    assert quadrant == {1: "HH", 2: "HL", 3: "LL", 4: "LH", 5: "HH", 6: "HL", 7: "HH"}
    assert "高价值客户" in text and "低价值客户" in text and "中间客户" in text


@pytest.fixture(scope="module")
def report_02(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return render("02_rfm_segmentation", {"quick": True}, out=out, tag="test")


def test_notebook_02_renders_the_card_segments_and_clusters_on_cdnow(report_02):
    html = Path(report_02.html).read_text(encoding="utf-8")
    text = _visible_text(html)
    assert "cvlib definition card" in text and "rfm_table" in text
    assert "2,500,315.63" in text  # revenue reconciliation of CDNOW (rfm.md F2)
    for label in ("重要价值客户", "一般挽留客户", "Champions", "K-means", "wrfm"):
        assert label in text, label
    assert html.count("data:image/png;base64,") >= 6  # distributions, shares x2, grid, k, Pareto
    nb = json.loads(Path(report_02.ipynb).read_text(encoding="utf-8"))
    errors = [
        o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors


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


def test_every_notebook_parameter_has_a_help_comment_and_quick_and_lang_exist():
    papermill = pytest.importorskip("papermill")
    for ipynb in sorted(NOTEBOOKS.glob("*.ipynb")):
        params = papermill.inspect_notebook(str(ipynb))
        undocumented = [name for name, p in params.items() if not p["help"].strip()]
        assert not undocumented, f"{ipynb.name}: parameters without a help comment {undocumented}"
        assert {"quick", "lang", "data_dir"} <= set(params), ipynb.name


@pytest.fixture(scope="module")
def report_03(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return render("03_questionnaire_analysis", {"quick": True}, out=out, tag="test")


@pytest.fixture(scope="module")
def report_03_zh(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return render(
        "03_questionnaire_analysis", {"quick": True}, param_file="zh", out=out, tag="test-zh"
    )


def _errors(ipynb: str) -> list:
    nb = json.loads(Path(ipynb).read_text(encoding="utf-8"))
    return [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_notebook_03_renders_reliability_validity_and_groups_on_bfi(report_03):
    text = _visible_text(Path(report_03.html).read_text(encoding="utf-8"))
    assert "Neuroticism: α = 0.81" in text  # survey.md §7.5: 0.813963 (pairwise)
    assert "KMO = 0.85" in text  # survey.md §8.4: 0.845897 (pairwise)
    for label in ("Cronbach", "Bartlett", "Parallel analysis", "Cramér", "Levene", "Tukey"):
        assert label in text, label
    assert not _errors(report_03.ipynb)


def test_notebook_03_renders_in_chinese_on_the_bundled_survey(report_03_zh):
    html = Path(report_03_zh.html).read_text(encoding="utf-8")
    text = _visible_text(html)
    for label in ("问卷分析", "信度分析", "顾客满意", "感知质量", "很满意", "弱题项", "净推荐值"):
        assert label in text, label
    assert html.count("data:image/png;base64,") >= 5
    assert not _errors(report_03_zh.ipynb)

"""The report pipeline and the ``cvlib`` command line (cvlib.report), on fixture notebooks.

``tests/fixtures/notebooks/`` holds two tiny notebooks: ``01_fixture_ok`` (parameters of every
type, a table, a figure) and ``02_fixture_fail`` (a cell divides by zero), with parameter sets in
``params/``. Tests that execute a notebook are marked ``notebook`` and share module-scoped runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

import pytest

from cvlib import report
from cvlib.report import (
    KernelStartError,
    NotebookExecutionError,
    NotebookNotFoundError,
    ParameterError,
    ReportError,
    find_project,
    list_notebooks,
    main,
    notebook_info,
    render,
    resolve_parameters,
    run_metadata,
    validate_parameters,
    write_index,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOTEBOOKS = FIXTURES / "notebooks"


def _text(html: str) -> str:
    """Visible text of an HTML page (no styles, scripts or tags)."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _outputs(ipynb: Path) -> str:
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    return "".join(
        "".join(out.get("text", "")) for c in nb["cells"] for out in c.get("outputs", [])
    )


# ------------------------------------------------------------------ notebook runs (shared)
@pytest.fixture(scope="module")
def api_run(tmp_path_factory):
    """01_fixture_ok through render(): set "small" (n_rows 4, label from-yaml), n_rows overridden."""
    out = tmp_path_factory.mktemp("api")
    result = render(
        "fixture_ok",
        {"n_rows": "7"},
        param_file="small",
        out=out,
        tag="t1",
        notebooks_dir=NOTEBOOKS,
        progress_bar=False,
    )
    return result, out


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory):
    """02_fixture_fail through render(), over a stale report of the same tag."""
    out = tmp_path_factory.mktemp("failed")
    run_dir = out / "02_fixture_fail" / "t1"
    run_dir.mkdir(parents=True)
    (run_dir / "02_fixture_fail.html").write_text("<html>stale</html>", encoding="utf-8")
    with pytest.raises(NotebookExecutionError) as info:
        render("02", out=out, tag="t1", notebooks_dir=NOTEBOOKS, progress_bar=False)
    return info.value, run_dir


@pytest.mark.notebook
def test_render_writes_executed_notebook_and_html(api_run):
    result, out = api_run
    run_dir = out / "01_fixture_ok" / "t1"
    assert result.ipynb == run_dir / "01_fixture_ok.ipynb" and result.ipynb.is_file()
    assert result.html == run_dir / "01_fixture_ok.html" and result.html.is_file()
    assert result.notebook == "01_fixture_ok" and result.tag == "t1"
    assert result.title == "Fixture report (测试报告)"
    assert result.seconds > 0
    # only the two results, no temporary or FAILED files
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "01_fixture_ok.html",
        "01_fixture_ok.ipynb",
    ]


@pytest.mark.notebook
def test_render_param_file_then_override(api_run):
    result, _ = api_run
    # -f small sets n_rows 4 and label; the explicit n_rows "7" wins and is converted to int
    assert result.parameters == {"n_rows": 7, "label": "from-yaml"}
    text = _outputs(result.ipynb)
    assert "table-label: from-yaml, rows: 7" in text


@pytest.mark.notebook
def test_kernel_is_this_interpreter_in_the_notebooks_folder(api_run):
    text = _outputs(api_run[0].ipynb)
    assert f"kernel-python: {sys.executable}" in text
    assert "kernel-cwd: notebooks" in text


@pytest.mark.notebook
def test_html_shows_parameters_and_metadata_and_hides_code(api_run):
    result, _ = api_run
    page = result.html.read_text(encoding="utf-8")
    text = _text(page)
    assert "<title>Fixture report (测试报告)</title>" in page
    header = text[: text.index("Goal")]  # the run header comes before the notebook's first cell
    assert "n_rows 7 int argument" in header
    assert "label from-yaml str file 01_fixture_ok.small.yaml" in header
    assert "scale 1.0 float default" in header
    for key in ("tag t1", "run time", "cvlib", "python", "started"):
        assert key in header
    # code inputs are hidden, outputs are shown, the figure is embedded
    assert "code-marker-input-hidden" not in page
    assert "validate_parameters(" not in page
    assert "table-label: from-yaml" in text
    assert "data:image/png;base64," in page


@pytest.mark.notebook
def test_index_links_the_report(api_run):
    _, out = api_run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="01_fixture_ok/t1/01_fixture_ok.html"' in index
    assert "Fixture report (测试报告)" in index


@pytest.mark.notebook
def test_failing_cell_names_notebook_cell_and_error(failed_run):
    error, _ = failed_run
    message = str(error)
    assert error.exit_code == 1 and error.notebook == "02_fixture_fail"
    assert error.cell_index == 3 and error.execution_count == 3
    assert error.ename == "ZeroDivisionError" and error.evalue == "division by zero"
    assert "02_fixture_fail" in message and "cell 3" in message
    assert "ZeroDivisionError: division by zero" in message
    assert "ratio = 10 / divisor" in message


@pytest.mark.notebook
def test_failing_cell_keeps_failed_notebook_and_writes_no_html(failed_run):
    error, run_dir = failed_run
    assert sorted(p.name for p in run_dir.iterdir()) == ["02_fixture_fail.FAILED.ipynb"]
    assert error.failed_notebook == run_dir / "02_fixture_fail.FAILED.ipynb"
    assert "ZeroDivisionError" in json.dumps(json.loads(error.failed_notebook.read_text()))
    index = (run_dir.parents[1] / "index.html").read_text(encoding="utf-8")
    assert "02_fixture_fail.FAILED.ipynb" in index and "02_fixture_fail.html" not in index


@pytest.mark.notebook
def test_cli_report_single_notebook(tmp_path, capsys):
    code = main(
        ["report", "01", "-p", "label", "cli-label", "-p", "quick", "yes"]
        + ["--project", str(FIXTURES), "--out", str(tmp_path), "--tag", "cli"]
    )
    captured = capsys.readouterr()
    html = tmp_path / "01_fixture_ok" / "cli" / "01_fixture_ok.html"
    assert code == 0, captured.err
    assert str(html) in captured.out
    assert html.is_file() and html.with_suffix(".ipynb").is_file()
    header = _text(html.read_text(encoding="utf-8"))
    assert "label cli-label str -p" in header and "quick True bool -p" in header
    assert "01_fixture_ok/cli/01_fixture_ok.html" in (tmp_path / "index.html").read_text()


@pytest.mark.notebook
def test_cli_report_all_runs_every_notebook_and_names_failures(tmp_path, capsys):
    code = main(
        ["report", "--all", "-f", "quick", "--workers", "2"]
        + ["--project", str(FIXTURES), "--out", str(tmp_path), "--tag", "all"]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "rendered 1 of 2 notebooks" in captured.out and "FAILED: 02_fixture_fail" in captured.out
    assert "02_fixture_fail failed in cell 3" in captured.err
    assert "ZeroDivisionError: division by zero" in captured.err
    assert (tmp_path / "01_fixture_ok" / "all" / "01_fixture_ok.html").is_file()
    assert not (tmp_path / "02_fixture_fail" / "all" / "02_fixture_fail.html").exists()
    assert (tmp_path / "02_fixture_fail" / "all" / "02_fixture_fail.FAILED.ipynb").is_file()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "01_fixture_ok/all/01_fixture_ok.html" in index


# ------------------------------------------------------------------------ errors, no kernel
def test_unknown_notebook_lists_available_names(tmp_path, capsys):
    with pytest.raises(NotebookNotFoundError) as info:
        render("fixture_okk", out=tmp_path, notebooks_dir=NOTEBOOKS)
    message = str(info.value)
    assert "'fixture_okk'" in message and "did you mean 'fixture_ok'" in message.lower()
    assert "01_fixture_ok, 02_fixture_fail" in message
    assert main(["report", "nope", "--project", str(FIXTURES), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown notebook 'nope'" in err and "01_fixture_ok, 02_fixture_fail" in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["01_fixture_ok", "fixture_ok", "01", "1", "01_fixture_ok.ipynb"])
def test_notebook_name_forms(name):
    assert notebook_info(name, notebooks_dir=NOTEBOOKS).name == "01_fixture_ok"


def test_misspelled_parameter_is_an_error_with_suggestion(tmp_path, capsys):
    with pytest.raises(ParameterError) as info:
        render("01", {"n_row": 3}, out=tmp_path, notebooks_dir=NOTEBOOKS)
    message = str(info.value)
    assert "unknown parameter 'n_row' (did you mean 'n_rows'?)" in message
    assert "Valid parameters: n_rows, scale, label, quick, lang, columns" in message
    assert not list(tmp_path.iterdir())  # nothing rendered
    argv = ["report", "01", "-p", "scal", "2", "--project", str(FIXTURES), "--out", str(tmp_path)]
    assert main(argv) == 2
    assert "unknown parameter 'scal' (did you mean 'scale'?)" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [("n_rows", "abc", "expects int"), ("n_rows", "2.5", "expects int"),
     ("scale", "x1", "expects float"), ("quick", "maybe", "expects bool"),
     ("columns", "just-text", "expects list")],
)  # fmt: skip
def test_wrong_type_is_an_error_naming_parameter_type_and_value(
    tmp_path, capsys, key, value, expected
):
    argv = ["report", "01", "-p", key, value, "--project", str(FIXTURES), "--out", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"parameter {key!r} of notebook 01_fixture_ok {expected}" in err
    assert repr(value) in err and "Pass " in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [("n_rows", "7", 7), ("scale", "2", 2.0), ("scale", "0.25", 0.25), ("quick", "true", True),
     ("quick", "No", False), ("quick", "1", True), ("label", "007", "007"),
     ("columns", "[r, f, m]", ["r", "f", "m"]), ("lang", "zh", "zh")],
)  # fmt: skip
def test_text_values_convert_to_the_declared_type(key, text, value):
    info = notebook_info("01", notebooks_dir=NOTEBOOKS)
    values, sources = resolve_parameters(info, {key: text}, parameters_source="-p")
    assert values == {key: value} and type(values[key]) is type(value)
    assert sources == {key: "-p"}


def test_param_files_merge_and_explicit_values_override(tmp_path):
    info = notebook_info("01", notebooks_dir=NOTEBOOKS)
    own = tmp_path / "mine.yaml"
    own.write_text("scale: 3\nlabel: 2024-01-31\n", encoding="utf-8")
    values, sources = resolve_parameters(
        info, {"label": "cli"}, param_file=["small", "quick", str(own)]
    )
    # small -> n_rows 4; quick (shared set) -> quick true; mine.yaml -> scale 3.0; label from -p
    assert values == {"n_rows": 4, "quick": True, "scale": 3.0, "label": "cli"}
    assert sources["n_rows"] == "file 01_fixture_ok.small.yaml"
    assert sources["scale"] == "file mine.yaml" and sources["label"] == "argument"
    # YAML dates become text for str parameters
    values, _ = resolve_parameters(info, param_file=own)
    assert values["label"] == "2024-01-31"


def test_param_file_errors(tmp_path):
    info = notebook_info("01", notebooks_dir=NOTEBOOKS)
    with pytest.raises(ParameterError, match=r"parameter set 'nope' not found.*small, quick"):
        resolve_parameters(info, param_file="nope")
    with pytest.raises(ParameterError, match="parameter file .*missing.yaml not found"):
        resolve_parameters(info, param_file=tmp_path / "missing.yaml")
    bad = tmp_path / "list.yaml"
    bad.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="must hold a YAML mapping"):
        resolve_parameters(info, param_file=bad)
    typo = tmp_path / "typo.yaml"
    typo.write_text("colums: [a]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"'colums' \(did you mean 'columns'\?\)"):
        resolve_parameters(info, param_file=typo)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("n_rows: 2.5\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"'n_rows' .* expects int .* got 2\.5 from file"):
        resolve_parameters(info, param_file=wrong)


def test_bad_tag_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="not a valid folder name"):
        render("01", out=tmp_path, tag="../x", notebooks_dir=NOTEBOOKS)


def test_report_needs_a_name_or_all(capsys):
    assert main(["report", "--project", str(FIXTURES)]) == 2
    assert "give a notebook NAME or --all" in capsys.readouterr().err


def _fake_execute(fail_times: int, calls: list):
    """A stand-in for papermill: the kernel fails to start ``fail_times`` times, then the input
    notebook is 'executed' by copying it."""

    def execute(input_path, output_path, parameters, cwd, **kwargs):
        import nbformat

        calls.append(kwargs)
        if len(calls) <= fail_times:
            Path(output_path).write_text("{}", encoding="utf-8")  # papermill saves at start
            raise RuntimeError("Kernel died before replying to kernel_info")
        nb = nbformat.read(input_path, as_version=4)
        nbformat.write(nb, output_path)
        return nb

    return execute


def test_kernel_start_failure_is_retried_once(tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(report, "_execute", _fake_execute(1, calls))
    result = render("01", out=tmp_path, tag="r", notebooks_dir=NOTEBOOKS, progress_bar=False)
    assert len(calls) == 2
    assert result.html.is_file()
    assert sorted(p.name for p in result.html.parent.iterdir()) == [
        "01_fixture_ok.html",
        "01_fixture_ok.ipynb",
    ]


def test_kernel_start_failure_twice_is_a_clear_error(tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(report, "_execute", _fake_execute(2, calls))
    with pytest.raises(KernelStartError, match="failed to start twice: RuntimeError: Kernel died"):
        render("01", out=tmp_path, tag="r", notebooks_dir=NOTEBOOKS, progress_bar=False)
    assert len(calls) == 2
    assert not list((tmp_path / "01_fixture_ok" / "r").iterdir())  # no html, no leftovers


def test_report_error_survives_pickling():
    import pickle

    error = NotebookExecutionError("boom", notebook="nb", cell_index=3, ename="ValueError")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.notebook, copy.cell_index, copy.ename) == (
        "boom",
        "nb",
        3,
        "ValueError",
    )
    assert isinstance(ParameterError("x"), ValueError) and ParameterError.exit_code == 2


# ------------------------------------------------------------------------- list and index
def test_list_notebooks_reads_titles_parameters_and_sets():
    infos = {i.name: i for i in list_notebooks(NOTEBOOKS)}
    assert list(infos) == ["01_fixture_ok", "02_fixture_fail"]
    ok = infos["01_fixture_ok"]
    assert ok.title == "Fixture report (测试报告)"
    assert list(ok.parameters) == ["n_rows", "scale", "label", "quick", "lang", "columns"]
    n_rows = ok.parameters["n_rows"]
    assert (n_rows.type_name, n_rows.default, n_rows.help) == ("int", "3", "rows in the demo table")
    assert ok.param_sets == ("small", "quick")
    assert infos["02_fixture_fail"].param_sets == ("quick",)


def test_cli_list_shows_parameters(capsys):
    assert main(["list", "--project", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "01_fixture_ok  Fixture report (测试报告)" in out
    assert re.search(r"n_rows: int\s+\(default 3\)\s+rows in the demo table", out)
    assert re.search(r"divisor: int\s+\(default 0\)\s+zero makes the division cell fail", out)
    assert "parameter sets (-f): small, quick" in out
    assert main(["list", "fixture_fail", "--project", str(FIXTURES)]) == 0
    assert "01_fixture_ok" not in capsys.readouterr().out


def test_parameters_missed_by_papermill_are_still_declared(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(
        'lang: Literal["en", "zh"] = "en"  # label language\nk: Optional[int] = None  # clusters'
    )
    cell.metadata.tags = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Literal test"), cell]
    nbformat.write(nb, tmp_path / "01_lit.ipynb")
    info = notebook_info("01", notebooks_dir=tmp_path)
    assert info.parameters["lang"].help == "label language"
    values, _ = resolve_parameters(info, {"lang": "zh", "k": "none"})
    assert values == {"lang": "zh", "k": None}
    assert resolve_parameters(info, {"k": "4"})[0] == {"k": 4}
    with pytest.raises(ParameterError, match=r"expects one of 'en', 'zh'.*got 'fr'"):
        resolve_parameters(info, {"lang": "fr"})


def test_write_index_groups_by_notebook_newest_first(tmp_path):
    for notebook, tag, mtime in [("01_a", "old", 1_000_000), ("01_a", "new", 2_000_000),
                                 ("02_b", "x", 1_500_000)]:  # fmt: skip
        page = tmp_path / notebook / tag / f"{notebook}.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html><head><title>{notebook} &amp; title</title></head></html>")
        os.utime(page, (mtime, mtime))
    (tmp_path / "01_a" / "new" / ".01_a.html.x.tmp").write_text("partial")
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert index.index("<h2>01_a</h2>") < index.index("<h2>02_b</h2>")
    assert index.index("01_a/new/01_a.html") < index.index("01_a/old/01_a.html")
    assert "01_a &amp; title" in index and ".tmp" not in index


def test_find_project_walks_up(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project(deep) == tmp_path
    with pytest.raises(ReportError, match="--project"):
        find_project(tmp_path.parent / "nowhere-else")


# ------------------------------------------------------------------- in-notebook helpers
def test_validate_parameters_accepts_good_values():
    params = {"k": 3, "x": 2, "lang": "zh", "quick": False, "cols": ["a"], "opt": None}
    spec = {"k": {"type": int, "min": 2, "max": 9}, "x": float, "lang": ["en", "zh"],
            "quick": bool, "cols": list, "opt": {"type": int, "optional": True}}  # fmt: skip
    assert validate_parameters(params, spec) == params


@pytest.mark.parametrize(
    ("params", "spec", "match"),
    [({"k": "3"}, {"k": int}, r"parameter 'k' must be int, got '3' \(str\)"),
     ({"k": True}, {"k": int}, r"parameter 'k' must be int, got True \(bool\)"),
     ({"quick": "true"}, {"quick": bool}, r"'quick' must be bool.*papermill -p quick True"),
     ({"lang": "fr"}, {"lang": ["en", "zh"]}, r"'lang' must be one of 'en', 'zh', got 'fr'"),
     ({"k": 1}, {"k": {"type": int, "min": 2}}, r"'k' must be >= 2, got 1")],
)  # fmt: skip
def test_validate_parameters_names_the_bad_parameter(params, spec, match):
    with pytest.raises(ValueError, match=match):
        validate_parameters(params, spec)


def test_validate_parameters_rejects_a_spec_naming_a_missing_parameter():
    with pytest.raises(TypeError, match="spec names 'k'"):
        validate_parameters({}, {"k": int})


def test_run_metadata_lists_parameters_file_hashes_and_versions(tmp_path):
    import cvlib

    data = tmp_path / "data.csv"
    data.write_bytes(b"id,amount\n1,9.5\n")
    table = run_metadata({"quick": True, "lang": "en"}, [data])
    assert list(table.columns) == ["kind", "name", "value"]
    rows = {(k, n): v for k, n, v in table.itertuples(index=False)}
    assert rows[("parameter", "quick")] == "True" and rows[("parameter", "lang")] == "en"
    assert (
        rows[("data file", str(data))]
        == "sha256:" + hashlib.sha256(data.read_bytes()).hexdigest()[:12]
    )
    assert rows[("version", "cvlib")] == cvlib.__version__
    assert rows[("version", "python")] == ".".join(map(str, sys.version_info[:3]))
    assert ("run", "date") in rows
    with pytest.raises(FileNotFoundError, match="missing.csv.*does not exist"):
        run_metadata({}, [tmp_path / "missing.csv"])

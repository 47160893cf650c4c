"""LibreOffice Calc, run as a group member's spreadsheet program would save a file."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SEMICOLON_UTF8_CSV = "csv:Text - txt - csv (StarCalc):59,34,76,1"
"""A CSV as LibreOffice saves it where the comma is a decimal point: ; between cells, UTF-8."""


def resave(source: Path, to: str, folder: Path, profile: Path) -> Path:
    """`source` opened and saved again by LibreOffice as `to` ("xlsx", "csv", or a filter)
    in `folder`; the test is skipped without LibreOffice (failed where CI requires it)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("LENSMAP_REQUIRE_SOFFICE"):
            pytest.fail("LibreOffice (soffice) is needed here")
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", to,
         "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    made = folder / f"{source.stem}.{to.split(':', 1)[0]}"
    assert made.is_file(), f"LibreOffice did not write {made.name}"
    return made

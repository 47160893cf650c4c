"""tmux for tests that use lensmap in a real terminal, as a facilitator's laptop runs it.

Without tmux those tests are skipped, except where LENSMAP_REQUIRE_TMUX is set (CI installs
tmux), where a missing tmux is a failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest


def need_tmux() -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("LENSMAP_REQUIRE_TMUX"):
            pytest.fail("tmux is not installed, and LENSMAP_REQUIRE_TMUX is set", pytrace=False)
        pytest.skip("tmux is not installed")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=10).stdout


def wait_for(name: str, text: str, seconds: float = 30) -> str:
    """The pane's screen once `text` is on it (or a failure showing what was there)."""
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", name)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen:\n{screen}")

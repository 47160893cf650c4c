"""A fast typist at a real terminal: lensmap in tmux, keys sent 80 and 30 ms apart with no
wait for any screen, then what the session file holds once lensmap has quit.

Skipped without tmux, except where LENSMAP_REQUIRE_TMUX is set (CI installs tmux)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lensmap.files.examples import example_pathway
from lensmap.session.store import SessionStore
from tests.terminal import need_tmux, wait_for

# n, then the stage's number on the map: 1 GP referral, 7 Triage, 10 Same-day prescribing.
ROOM = [*"n1n7b", "ABCDEFGH", "C-s", *"n10r", "QWERTY", "C-s"]


@pytest.fixture
def terminal(tmp_path: Path):
    need_tmux()
    name = f"lensmap-test-{os.getpid()}-{tmp_path.name}"
    session = tmp_path / "event.lens"
    subprocess.run(
        [sys.executable, "-m", "lensmap", "session", "new", str(example_pathway()), "-o",
         str(session)],
        check=True, capture_output=True, env={**os.environ, "LENSMAP_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    opening = [sys.executable, "-m", "lensmap", "open", str(example_pathway()), "--session"]
    command = shlex.join([*opening, str(session)]) + "; sleep 30"
    subprocess.run(
        ["tmux", "new-session", "-d", "-x", "120", "-y", "36", "-s", name, command],
        check=True,
        env={**os.environ, "LENSMAP_DATA_DIR": str(tmp_path), "TERM": "xterm-256color"},
    )
    try:
        wait_for(name, "Walking")
        yield name, session
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def type_keys(name: str, keys: list[str], gap: float) -> None:
    """Each item is a tmux key name (C-s) or text typed one character at a time."""
    for item in keys:
        for key in [item] if item.startswith("C-") or len(item) == 1 else list(item):
            subprocess.run(["tmux", "send-keys", "-t", name, *(["-l"] if len(key) == 1 else []),
                            key], check=True)  # fmt: skip
            time.sleep(gap)


@pytest.mark.parametrize("gap", [0.08, 0.03])
def test_a_walk_and_two_tags_typed_fast(terminal, gap):
    name, session = terminal
    type_keys(name, ROOM, gap)
    wait_for(name, "QWERTY")  # the "Saved: …" message quotes the note
    type_keys(name, ["q"], gap)
    wait_for(name, "Session saved in")
    stored = SessionStore.open(session, readonly=True).state
    assert [s.stage for s in stored.journeys["ollie"].steps] == [
        "gp_referral",
        "triage",
        "same_day_prescribing",
    ]
    assert sorted((t.kind, t.stage, t.note) for t in stored.tags.values()) == [
        ("barrier", "triage", "ABCDEFGH"),
        ("risk", "same_day_prescribing", "QWERTY"),
    ]

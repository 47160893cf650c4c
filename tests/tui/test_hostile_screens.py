"""Every screen and dialog on a session whose every text carries terminal codes (the title of
the window set to PWNED, the screen wiped, a one-byte CSI, a right-to-left override): what is
drawn holds none of them.

What is checked is what the compositor draws for the screen on top (the text of every cell)
and the raw output a terminal would be sent for it (escape sequences and all): the data's
codes appear in neither, while lensmap's own styling still does."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
import time

import pytest
from rich.console import Console

from lensmap.opening import load_files
from lensmap.session.store import SessionStore
from lensmap.tui.app import make_app
from tests.hostile import (
    TERMINAL_CODES,
    data_codes_in,
    forbidden_in,
    hostile_session,
    write_files,
)
from tests.terminal import need_tmux, tmux, wait_for

SIZE = (120, 36)


def drawn(app) -> tuple[str, str]:
    """The text of every cell on screen, line by line, and what a terminal would be sent."""
    strips = app.screen._compositor.render_strips()
    console = Console(
        width=SIZE[0], file=io.StringIO(), force_terminal=True, color_system="truecolor"
    )
    text = "\n".join("".join(s.text for s in strip if not s.control) for strip in strips)
    raw = "".join(strip.render(console) for strip in strips)
    return text, raw


async def look(pilot, where: str, *expected: str) -> str:
    """The screen as drawn now, which must hold no control, direction or invisible character
    and send the terminal none of the data's codes."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    text, raw = drawn(pilot.app)
    assert forbidden_in(text, lines=True) == set(), f"{where}:\n{text}"
    assert data_codes_in(raw) == [], where
    assert "\x1b[" in raw  # lensmap's own styling still reaches the terminal
    for words in expected:
        assert words in text, f"{where}: {words!r} not drawn:\n{text}"
    return text


@pytest.fixture
def hostile_app(tmp_path):
    session = hostile_session(tmp_path, f"event{TERMINAL_CODES}.lens")  # a file name too
    _, _, warnings = load_files(tmp_path / "hostile.toml", [tmp_path / "hostile-people.toml"])
    store = SessionStore.open(session, exclusive=True)
    yield make_app(store, warnings=[str(w) for w in warnings])
    store.close()


async def test_no_screen_or_dialog_draws_a_terminal_code(hostile_app):
    app = hostile_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await look(pilot, "warnings on opening", "Worth a look", "lensmap validate")
        app.clear_notifications()
        await look(pilot, "map", "Front door", "Walking: Bo", "PWNED", "\u2039U+202E\u203a")
        await pilot.press("n")
        await look(pilot, "next stage", "Where does Bo", "Choice point")
        await pilot.press("escape", "j", "o")
        await look(pilot, "jump, filtered", "Jump to any stage", "Way out")
        await pilot.press("escape", "w")
        await look(pilot, "window of tolerance", "window of tolerance")
        await pilot.press("escape", "o")
        await look(pilot, "outcome", "How does Bo", "Way out")
        await pilot.press("escape", "x")
        await look(pilot, "tags here", "Tags at Front door", "Note 0")
        await pilot.press("escape", "b")
        await look(pilot, "new tag", "barrier at Front door")
        await pilot.press("escape", "s")
        await look(pilot, "switched persona", "Walking Ann", "Ended: Left")
        await pilot.press("o")
        await look(pilot, "take up again", "Take Ann")
        await pilot.press("n", "ctrl+z")
        await look(pilot, "undone", "Undone:")
        await pilot.press("ctrl+y", "t")
        await look(pilot, "people", "Team one", "This vignette mentions: low mood")
        await pilot.press("enter")
        await look(pilot, "vignette shown", "Ann's story")
        await pilot.press("down")
        await look(pilot, "another persona", "Bo's story")
        await pilot.press("i")
        await look(pilot, "issues", "Issue", "What the room said")
        await pilot.press("v")
        await look(pilot, "issues, votes shown", "Votes shown")
        await pilot.press("enter")
        await look(pilot, "issue dialog", "Issue 1", "Owner")
        await pilot.press("escape", "ctrl+p", *"Front")
        await look(pilot, "command palette", "Tag stage Front door")
        await pilot.press("escape", "question_mark")
        await look(pilot, "help", "Help")
        await pilot.press("escape", "space")
        await look(pilot, "pause", "Taking a pause")
        await pilot.press("space", "e")
        await look(pilot, "export window, asking", "For circulation", "Export (enter)")
        await pilot.press("enter")  # the full export
        for _ in range(300):
            await pilot.pause(0.1)
            if getattr(app.screen, "done", False):
                break
        await look(pilot, "export finished", "Export finished", "Saved to")


async def test_a_tag_being_edited_is_drawn_without_terminal_codes(hostile_app):
    app = hostile_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("x", "enter")
        await look(pilot, "tag dialog, editing", "Edit:", "Front door")
        before = {t.id: t.note for t in app.store.state.tags.values()}
        await pilot.press("enter")  # saved unchanged: the note keeps exactly what it held
        assert {t.id: t.note for t in app.store.state.tags.values()} == before


# -- a real terminal ------------------------------------------------------------------------


def test_in_a_real_terminal_the_title_and_the_screen_stay_as_they_were(tmp_path):
    """lensmap open on the hostile files in tmux: the pane's title is not PWNED, the map is
    drawn whole, and the bytes lensmap wrote hold none of the data's terminal codes."""
    need_tmux()
    pathway, vignettes = write_files(tmp_path)
    name, go, raw = f"lensmap-hostile-{os.getpid()}", tmp_path / "go", tmp_path / "raw"
    opening = [sys.executable, "-m", "lensmap", "open", str(pathway), "--vignettes",
               str(vignettes), "--session", str(tmp_path / "event.lens")]  # fmt: skip
    # lensmap starts once tmux is copying everything written to the pane into `raw`
    command = f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.05; done; "
    command += shlex.join(opening) + "; sleep 30"
    env = {**os.environ, "LENSMAP_DATA_DIR": str(tmp_path), "TERM": "xterm-256color"}
    subprocess.run(["tmux", "new-session", "-d", "-x", "120", "-y", "36", "-s", name, command],
                   check=True, env=env)  # fmt: skip
    try:
        tmux("pipe-pane", "-o", "-t", name, f"cat >> {shlex.quote(str(raw))}")
        go.touch()
        wait_for(name, "Walking: Ann")
        time.sleep(1)  # every card drawn, the warnings shown
        assert "PWNED" not in tmux("display", "-p", "-t", name, "#{pane_title}")
        screen = tmux("capture-pane", "-p", "-t", name)
        lines = screen.splitlines()
        assert "Hostile pathway  ]0;PWNED  [2J 31m\u2039U+202E\u203a" in lines[0]  # the header
        for drawn_whole in ("Ways in", "1 Front door", "2 Choice point", "3 Way out",
                            "Worth a look", "Move here"):  # fmt: skip
            assert drawn_whole in screen, screen
        assert "Move here" in lines[-2] and "Quit" in lines[-1]  # the footer is still at the foot
        tmux("send-keys", "-t", name, "q")
        wait_for(name, "Session saved in")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    written = raw.read_bytes()
    assert b"PWNED" in written  # the text itself is shown, as text
    for code in (b"\x1b]0;", b"\x1b]2;", b"\x1b[2J", b"PWNED\x07", "\x9b".encode(),
                 "\u202e".encode(), "\u2066".encode()):  # fmt: skip
        assert code not in written, code


async def test_notices_are_plain_text_never_markup_or_terminal_codes(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.notify("Ollie moved to Tri[/]age [b]now\x1b]0;PWNED\x07", title="At [red]x\x9b2J")
        await pilot.pause()
        assert app.is_running  # "[/]" used to stop the app with a markup error
        (notice,) = list(app._notifications)
        assert notice.message == "Ollie moved to Tri[/]age [b]now ]0;PWNED "
        assert notice.title == "At [red]x 2J"

"""Shared fixtures: the built-in examples, a fixed clock, and fresh session files."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from pathlib import Path

import pytest

from lensmap.event.model import Event, Pathway, Vignettes
from lensmap.files.examples import example_pathway, example_vignettes
from lensmap.files.pathway import load_pathway
from lensmap.files.vignettes import load_vignettes
from lensmap.session.content import SessionContent
from lensmap.session.store import SessionStore

# Each test's layer, from the file it is in (see the markers in pyproject.toml). Everything
# else is the unit layer, quick enough to run after every change: `python3 dev.py test --quick`.
LAYERS = {
    "terminal": ("tests/tui/test_typed_in_tmux.py", "tests/tui/test_hostile_screens.py"),
    "browser": (
        "tests/test_report_in_browser.py",
        "tests/test_serve_in_browser.py",
        "tests/test_phone_in_browser.py",
    ),
    "serve": ("tests/test_serve.py", "tests/test_serve_abuse.py", "tests/test_serve_room.py"),
    "crash": ("tests/test_crash_safety.py", "tests/test_windows_in_processes.py"),
    "wheel": ("tests/test_wheel.py",),
    "app": ("tests/tui/",),
}


def pytest_collection_modifyitems(config, items) -> None:
    root = Path(__file__).resolve().parent.parent
    for item in items:
        where = Path(item.fspath).resolve().relative_to(root).as_posix()
        for layer, places in LAYERS.items():
            if any(where == place or where.startswith(place) for place in places if place):
                item.add_marker(layer)


@pytest.fixture(autouse=True)
def own_settings_folder(tmp_path, monkeypatch):
    """No test reads or writes the facilitator's own screen preferences."""
    monkeypatch.setenv("LENSMAP_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(autouse=True)
def clock_in_utc(monkeypatch):
    """Times on screen are local: every test's local time is UTC, wherever it runs."""
    if hasattr(time, "tzset"):
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    yield
    if hasattr(time, "tzset"):
        monkeypatch.undo()
        time.tzset()


@pytest.fixture(scope="session")
def pathway() -> Pathway:
    return load_pathway(example_pathway())[0]


@pytest.fixture(scope="session")
def vignettes() -> Vignettes:
    return load_vignettes(example_vignettes())[0]


@pytest.fixture
def content(pathway: Pathway, vignettes: Vignettes) -> SessionContent:
    return SessionContent(
        event=Event(title="Lens event", date="2026-03-14", place="Community hub"),
        pathway=pathway,
        teams=vignettes.teams,
        personas=vignettes.personas,
    )


@pytest.fixture
def clock():
    """A clock that ticks one second per reading, so tests never depend on the real time."""
    start = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)
    ticks = itertools.count()
    return lambda: start + dt.timedelta(seconds=next(ticks))


@pytest.fixture
def store(tmp_path: Path, content: SessionContent, clock):
    with SessionStore.create(tmp_path / "event.lens", content, clock=clock) as opened:
        yield opened


@pytest.fixture
def make_file(tmp_path: Path):
    """Write a file of the given name and text in the test's own folder."""

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


@pytest.fixture
def chromium():
    """The system's headless Chromium (see tests/browser.py), for one synchronous test.

    Per test, not per run: Playwright's synchronous API keeps an event loop running while it
    is open, which would break the app's asyncio tests that follow."""
    from tests.browser import FLAGS, find_chromium, no_browser

    executable = find_chromium()
    if not executable:
        no_browser("no Chromium found (install Debian's chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        no_browser("playwright is not installed")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        yield browser
        browser.close()

"""Starting: the garbage collector waits until the first screen is up (about a tenth of a
second of start-up), then goes on as usual, skipping what start-up made."""

from __future__ import annotations

import gc

from lensmap.cli import main
from lensmap.files.examples import example_pathway


def test_lensmap_open_starts_with_the_collector_held_back(tmp_path, monkeypatch):
    seen = []

    class Started:
        def run(self) -> None:
            seen.append(gc.isenabled())

    monkeypatch.setattr("lensmap.tui.app.make_app", lambda store, warnings, leads: Started())
    try:
        assert main(["open", str(example_pathway()), "--session", str(tmp_path / "e.lens")]) == 0
    finally:
        gc.enable()
    assert seen == [False]


async def test_the_collector_goes_on_once_the_first_screen_is_up(app):
    gc.disable()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what start-up made is left alone from now on
    finally:
        gc.unfreeze()
        gc.enable()


async def test_an_app_started_with_the_collector_on_leaves_it_as_it_was(app):
    # As it was: another test in this process may have opened a long session, which sets
    # what it read aside from collections (SessionStore.open freezes it).
    frozen = gc.get_freeze_count()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert gc.isenabled() and gc.get_freeze_count() == frozen

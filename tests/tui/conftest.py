"""Fixtures for driving the app: a fresh session in the test's own folder, never the user's."""

from __future__ import annotations

import asyncio

import pytest
from textual.pilot import Pilot

from lensmap.session.store import SessionStore
from lensmap.tui.app import make_app


@pytest.fixture(autouse=True)
def private_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("LENSMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LENSMAP_EXPORTS_DIR", str(tmp_path / "exports"))


@pytest.fixture(autouse=True)
def press_waits_for_its_turn(monkeypatch):
    """lensmap hands each key on once the keys before it are handled (tui/keys_in_order.py);
    Pilot's press waits only for the process to look idle, so it also waits for that."""
    press = Pilot.press

    async def press_and_wait(self: Pilot, *keys: str) -> None:
        await press(self, *keys)
        for _ in range(1000):
            waiting = getattr(self.app, "keys_waiting", None)
            if waiting is None or not waiting():
                break
            await asyncio.sleep(0.01)
        await self.pause()

    monkeypatch.setattr(Pilot, "press", press_and_wait)


@pytest.fixture
def app(store: SessionStore):
    """The app on the built-in example pathway and Annex B personas, in a new session."""
    return make_app(store)

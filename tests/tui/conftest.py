"""Fixtures for driving the app: a fresh session in the test's own folder, never the user's."""

from __future__ import annotations

import pytest

from lensmap.session.store import SessionStore
from lensmap.tui.app import make_app


@pytest.fixture(autouse=True)
def private_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("LENSMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LENSMAP_EXPORTS_DIR", str(tmp_path / "exports"))


@pytest.fixture
def app(store: SessionStore):
    """The app on the built-in example pathway and Annex B personas, in a new session."""
    return make_app(store)

"""Screen preferences kept between runs: the colours chosen last time come back, and a
missing, broken or hostile settings file means the defaults, never a failure."""

from __future__ import annotations

import json

import pytest

from lensmap.session.store import SessionStore
from lensmap.storage.settings import settings_file
from lensmap.tui.app import make_app


async def test_the_colours_chosen_are_there_next_time(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "lensmap-dark"
        await pilot.press("c")
        assert app.theme == "lensmap-projector"
    assert json.loads(settings_file().read_text(encoding="utf-8")) == {"theme": "lensmap-projector"}
    again = make_app(SessionStore.open(store.path))
    async with again.run_test(size=(80, 24)):
        assert again.theme == "lensmap-projector"


@pytest.mark.parametrize(
    "text",
    ["not json {", '["lensmap-light"]', '{"theme": "no-such-theme"}',
     '{"theme": "\\u001b]0;x\\u0007"}', "{" + " " * 20_000 + "}"],
)  # fmt: skip
async def test_a_settings_file_lensmap_cannot_use_means_the_defaults(app, text):
    settings_file().parent.mkdir(parents=True, exist_ok=True)
    settings_file().write_text(text, encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "lensmap-dark"
        await pilot.press("c")  # and choosing again replaces it with a good one
    assert json.loads(settings_file().read_text(encoding="utf-8"))["theme"] == "lensmap-projector"


async def test_colours_that_cannot_be_remembered_still_change(app, tmp_path, monkeypatch):
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("LENSMAP_CONFIG_DIR", str(in_the_way / "lensmap"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        assert app.theme == "lensmap-projector"
        assert any("not remembered" in str(n.message) for n in app._notifications)
    assert in_the_way.read_text(encoding="utf-8") == "not a folder"


async def test_choosing_colours_keeps_what_else_the_file_holds(store):
    """A preference from a newer lensmap (or typed by hand) is left as it was."""
    settings_file().parent.mkdir(parents=True, exist_ok=True)
    settings_file().write_text('{"theme": "lensmap-light", "font": "large"}', encoding="utf-8")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "lensmap-light"
        await pilot.press("c")
    saved = json.loads(settings_file().read_text(encoding="utf-8"))
    assert saved == {"theme": app.theme, "font": "large"} and app.theme != "lensmap-light"

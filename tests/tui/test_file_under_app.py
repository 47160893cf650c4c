"""The session file deleted or replaced while the app has it open: the room's work is
written where it can be found, the facilitator is told, and nothing says "Saved" falsely."""

from __future__ import annotations

import hashlib

import pytest

from lensmap.session.store import SessionStore
from lensmap.tui.app import make_app


@pytest.fixture(params=["as the command line holds it", "held as lensmap open holds it"])
def app(request, tmp_path, content, clock):
    """The app on a session held shared, and held exclusively as `lensmap open` holds it
    (where the file is watched through a descriptor kept open)."""
    exclusive = request.param.startswith("held")
    store = SessionStore.create(tmp_path / "event.lens", content, exclusive=exclusive, clock=clock)
    yield make_app(store)
    store.close()


def notified(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def test_a_deleted_session_file_is_written_again(app):
    path = app.store.path
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "1")
        path.unlink()
        await pilot.press("b", *"Waited weeks", "enter")
        assert "written again" in notified(app)
        assert "Saved: barrier at GP referral" in notified(app)
        assert path.exists()
    app.store.close()
    stored = SessionStore.open(path, readonly=True).state
    assert [t.note for t in stored.tags.values()] == ["Waited weeks"]
    assert [s.stage for s in stored.journeys["ollie"].steps] == ["gp_referral"]
    assert path.stat().st_mode & 0o777 == 0o600


async def test_a_replaced_session_file_is_left_alone_and_the_work_goes_beside_it(app):
    path = app.store.path
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "1")
        other = path.with_name("other.lens")
        other.write_bytes(b"somebody else's file")
        other.replace(path)
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        await pilot.press("p", *"Kind reception", "enter")
        moved = app.store.path
        assert moved != path and moved.parent == path.parent
        assert "lensmap copy" in moved.name
        assert moved.name in notified(app)
        assert moved.name in app.sub_title
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    app.store.close()
    stored = SessionStore.open(moved, readonly=True).state
    assert [t.note for t in stored.tags.values()] == ["Kind reception"]


async def test_a_full_disk_keeps_the_note_in_the_dialog_until_there_is_room(app):
    from lensmap.tui.dialogs.tag import TagDialog

    conn = app.store._conn  # SQLite itself reports the disk full, as a full disk does
    async with app.run_test(size=(120, 36)) as pilot:
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count = {pages}")
        long_note = "Told to come back another day. " * 200  # larger than the room left
        await pilot.press("b")
        app.screen.query_one("#note").insert(long_note)
        await pilot.press("enter")
        assert isinstance(app.screen, TagDialog)  # still open, with what was typed
        assert app.screen.query_one("#note").text == long_note
        assert "The disk is full" in notified(app)
        assert "Saved:" not in notified(app)
        conn.execute("PRAGMA max_page_count = 1073741823")  # room again
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, TagDialog)
    app.store.close()
    stored = SessionStore.open(app.store.path, readonly=True).state
    assert [t.note for t in stored.tags.values()] == [long_note.strip()]

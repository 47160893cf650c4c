"""The session file deleted or replaced while the app has it open: the room's work is
written where it can be found, the facilitator is told, and nothing says "Saved" falsely."""

from __future__ import annotations

import hashlib

from lensmap.session.store import SessionStore


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
    stored = SessionStore.open(moved, readonly=True).state
    assert [t.note for t in stored.tags.values()] == ["Kind reception"]

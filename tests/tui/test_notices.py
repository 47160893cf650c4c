"""Notices: the same notice again, while it still shows, takes its place, counted, so quick
repeated actions (five votes in a row) never stack a column of notices over the screen."""

from __future__ import annotations

from textual.notifications import Notify

from lensmap.session.store import SessionStore
from tests.tui.test_typed_ahead import type_ahead


def showing(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_five_quick_votes_show_one_notice_counting_them(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b", *"Letter came late", "enter", "i")
        await type_ahead(pilot, ["plus"] * 5)  # typed at once, with no pause for the screen
        await pilot.pause(0.2)
        votes = [n for n in showing(app) if n.startswith("Vote recorded")]
        assert votes == ["Vote recorded (5 times)"]
        reopened = SessionStore.open(app.store.path, readonly=True)
        assert [i.votes for i in reopened.state.issues.values()] == [5]  # every vote stored


async def test_different_notices_each_show(app, monkeypatch):
    # What was posted and what was withdrawn, not what still shows: on a busy machine the
    # first notice's three seconds can run out while the second is typed.
    posted, withdrawn = [], []
    post_message = app.post_message

    def posting(message):
        if isinstance(message, Notify):
            posted.append(str(message.notification.message))
        return post_message(message)

    monkeypatch.setattr(app, "post_message", posting)
    monkeypatch.setattr(app, "_withdraw", lambda notice: withdrawn.append(notice))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b", *"Letter came late", "enter")
        await pilot.press("p", *"Warm welcome", "enter")
        await pilot.pause()
        saved = [n for n in posted if n.startswith("Saved:")]
        assert len(saved) == 2 and not any("times)" in n for n in saved)
        assert withdrawn == []


async def test_a_notice_that_has_gone_starts_counting_again(app):
    async with app.run_test(size=(120, 36)) as pilot:
        app.notify("Nothing to undo.", timeout=0.1)
        await pilot.pause(0.3)
        app.notify("Nothing to undo.", timeout=3)
        await pilot.pause()
        assert [n for n in showing(app) if "undo" in n] == ["Nothing to undo."]

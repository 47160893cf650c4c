"""Keys typed ahead of the screen: every key is handled in order, by the screen on top once
the keys before it have been handled, as a fast typist in a room expects."""

from __future__ import annotations

import asyncio
import unicodedata

from textual import events

from lensmap.session.store import SessionStore
from lensmap.tui.keys_in_order import KeysInOrder


def key_event(key: str) -> events.Key:
    """The event a terminal sends for one key ("a", "enter", "ctrl+s")."""
    if len(key) == 1:
        return events.Key(_name(key), key)
    return events.Key(key, {"enter": "\r", "tab": "\t", "space": " "}.get(key))


def _name(char: str) -> str:
    if char.isalnum():
        return char
    return unicodedata.name(char).lower().replace(" ", "_").replace("-", "_")


async def type_ahead(pilot, keys: list[str]) -> None:
    """Send every key at once, with no pause for any screen, then let the app catch up."""
    for key in keys:
        pilot.app.post_message(key_event(key))
    for _ in range(200):
        await pilot.pause(0.02)
        if not pilot.app.keys_waiting():
            break
    await pilot.pause()


def tags(store: SessionStore) -> list[tuple[str, str, str]]:
    reopened = SessionStore.open(store.path, readonly=True)
    return sorted((t.kind, t.stage, t.note) for t in reopened.state.tags.values())


def stages(store: SessionStore, persona: str) -> list[str]:
    reopened = SessionStore.open(store.path, readonly=True)
    return [s.stage for s in reopened.state.journeys[persona].steps]


# n, then the stage's number on the map: 1 GP referral, 7 Triage, 10 Same-day prescribing.
ROOM = [*"n1n7b", *"ABCDEFGH", "ctrl+s", *"n10r", *"QWERTY", "ctrl+s"]


async def test_a_walk_and_two_tags_typed_with_no_pauses(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await type_ahead(pilot, ROOM)
        assert stages(app.store, "ollie") == ["gp_referral", "triage", "same_day_prescribing"]
        assert tags(app.store) == [
            ("barrier", "triage", "ABCDEFGH"),
            ("risk", "same_day_prescribing", "QWERTY"),
        ]


async def test_typed_ahead_at_80_columns(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await type_ahead(pilot, ROOM)
        assert tags(app.store) == [
            ("barrier", "triage", "ABCDEFGH"),
            ("risk", "same_day_prescribing", "QWERTY"),
        ]


async def test_a_tag_straight_after_a_move_is_for_the_new_stage(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await type_ahead(pilot, [*"n1n7p", *"ok", "ctrl+s"])
        assert tags(app.store) == [("positive", "triage", "ok")]
        assert app.screen.selected == "triage"


async def test_keys_after_a_dialog_closes_go_to_the_map(app):
    async with app.run_test(size=(120, 36)) as pilot:
        # the tag dialog closes with Esc (nothing typed), then the walk goes on
        await type_ahead(pilot, [*"n1b", "escape", *"n7", *"s", "n", "enter"])
        assert stages(app.store, "ollie") == ["gp_referral", "triage"]
        assert stages(app.store, "jay")[:1] == ["self_referral"]
        assert tags(app.store) == []


class QuietApp:
    """Just enough of an app for the keys' line: it records what is handed on."""

    is_running = True
    screen_stack: list = []
    focused = None

    def __init__(self) -> None:
        self.handed_on: list[str] = []
        self.line: KeysInOrder | None = None

    def post_message(self, message) -> None:
        assert self.line is not None and not self.line.hold(message)  # its turn: goes on
        self.handed_on.append(message.key)


async def test_a_key_that_arrives_as_the_last_one_settles_is_not_left_waiting():
    """A key arriving while the key before was settling was once left in line until the
    next key came: the note was saved but its dialog stayed on screen."""
    app = QuietApp()
    line = app.line = KeysInOrder(app)
    go = asyncio.Event()

    async def settled() -> None:  # each wait for the screen ends when the test says so
        await go.wait()
        go.clear()

    line._settled = settled

    async def let_it_settle() -> None:
        go.set()
        for _ in range(5):
            await asyncio.sleep(0)

    assert line.hold(key_event("a"))
    await let_it_settle()
    assert app.handed_on == ["a"]  # and now the line waits for "a" to settle
    assert line.hold(key_event("b"))
    await let_it_settle()
    await let_it_settle()
    assert app.handed_on == ["a", "b"]
    assert not line.busy()


async def test_after_undoing_a_move_a_tag_is_for_where_the_persona_is_again(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await type_ahead(pilot, [*"n1n7", "ctrl+z", "b", *"here", "enter"])
        assert stages(app.store, "ollie") == ["gp_referral"]
        assert tags(app.store) == [("barrier", "gp_referral", "here")]


async def test_switching_persona_moves_the_cursor_to_their_stage(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await type_ahead(pilot, [*"n1n7", "s", "n", "enter", *"sssss", "p", *"ok", "enter"])
        assert stages(app.store, "jay") == ["self_referral"]
        assert tags(app.store) == [("positive", "triage", "ok")]  # Ollie's stage again

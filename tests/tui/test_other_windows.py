"""The app beside other windows on the same session: what they store shows here within a
second, with a notice saying so; undo takes back only this window's own actions, and never
what another window changed since."""

from __future__ import annotations

import asyncio

import pytest

from lensmap.event.model import Tag
from lensmap.session import store as store_module
from lensmap.session.actions import StepTaken, TagAdded, TagEdited, new_device
from lensmap.session.store import SessionStore
from lensmap.tui.app import make_app
from tests.tui.test_notices import showing
from tests.tui.test_typed_ahead import type_ahead


@pytest.fixture
def two_windows(store):
    """The app (its own device) and another window on the same file."""
    mine = SessionStore.open(store.path, device=new_device())
    other = SessionStore.open(store.path, device=new_device())
    yield make_app(mine), other
    other.close()
    mine.close()


async def until(pilot, ready, seconds: float = 5.0) -> None:
    """Let the app run until `ready()` (its regular look at the file), or fail."""
    for _ in range(int(seconds / 0.05)):
        if ready():
            return
        await asyncio.sleep(0.05)
    await pilot.pause()
    assert ready(), showing(pilot.app)


async def test_another_windows_actions_show_without_a_key(two_windows):
    app, other = two_windows
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        other.record(TagAdded(tag=Tag(id="t9", stage="triage", kind="risk", note="Asked again")))
        await until(pilot, lambda: "t9" in app.store.state.tags)
        await until(pilot, lambda: any("From another window" in n or "risk" in n
                                       for n in showing(app)))  # fmt: skip
        notices = [n for n in showing(app) if "re-traumatisation risk at Triage" in n]
        assert notices, showing(app)
        other.record(StepTaken(persona="jay", stage="triage"))
        await until(pilot, lambda: "jay" in app.store.state.journeys)


async def test_undo_here_never_takes_back_another_windows_action(two_windows, monkeypatch):
    monkeypatch.setattr(store_module, "UNSEEN_FOR", 0.0)  # the other window edits at once
    app, other = two_windows
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        other.record(TagAdded(tag=Tag(id="t9", stage="triage", kind="risk", note="x")))
        await until(pilot, lambda: "t9" in app.store.state.tags)
        await type_ahead(pilot, ["ctrl+z"])
        assert "t9" in app.store.state.tags
        assert any("Nothing to undo in this window" in n for n in showing(app))
        # This window's own note, which the other window then edits: undo leaves it alone.
        await type_ahead(pilot, ["b", *"Letter came late", "enter"])
        mine = [t for t in app.store.state.tags.values() if t.note == "Letter came late"]
        assert len(mine) == 1
        other.refresh()
        edited = other.state.tags[mine[0].id].model_copy(update={"note": "Letter came late!"})
        other.record(TagEdited(tag=edited))
        await type_ahead(pilot, ["ctrl+z"])
        assert any("Not undone" in n and "changed in another window since" in n
                   for n in showing(app)), showing(app)  # fmt: skip
        with SessionStore.open(app.store.path, readonly=True) as stored:
            assert stored.state.tags[mine[0].id].note == "Letter came late!"
            assert stored.state.tags == app.store.state.tags


async def test_notes_from_the_room_wait_until_put_on_the_wall(two_windows, monkeypatch):
    from lensmap.session.actions import NoteSent

    monkeypatch.setattr(store_module, "UNSEEN_FOR", 0.0)  # keys typed the moment they arrive
    app, other = two_windows
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        for n, text in enumerate(["Nobody said how long", "Warm welcome", "Felt judged"]):
            tag = Tag(id=f"n{n}", stage="triage", kind="barrier", note=text)
            other.record(NoteSent(tag=tag), device=new_device("p"))
        await until(pilot, lambda: len(app.store.state.held) == 3)
        assert any("3 notes from the room waiting: press h" in n for n in showing(app))
        # Keys typed at once: open the list, put the first on the wall, hide the next.
        await type_ahead(pilot, ["h", "enter", "d", "escape"])
        with SessionStore.open(app.store.path, readonly=True) as stored:
            assert [t.note for t in stored.state.tags.values()] == ["Nobody said how long"]
            assert [t.note for t in stored.state.held.values()] == ["Felt judged"]
        assert [t.note for t in app.store.state.held.values()] == ["Felt judged"]


async def test_the_facilitator_pauses_every_screen_and_carries_the_room_on(store):
    from lensmap.tui.screens.pause import PauseScreen

    lead = make_app(SessionStore.open(store.path, device=new_device()))
    team = make_app(SessionStore.open(store.path, device=new_device()), leads=False)
    async with lead.run_test(size=(120, 36)) as at_front, team.run_test(size=(120, 36)) as page:
        await page.press("escape")  # the team page asks which team first: asked again
        await type_ahead(page, ["1"])  # Team 1
        assert team.team == "team-1"
        await type_ahead(page, ["P"])  # a team's page cannot pause the room
        assert not team.store.state.room
        await type_ahead(at_front, ["P"])
        assert isinstance(lead.screen, PauseScreen) and lead.screen.room
        await until(page, lambda: isinstance(team.screen, PauseScreen))
        assert "The facilitator has paused every screen" in str(
            team.screen.query_one("#pause-text").render()
        )
        await type_ahead(page, ["space"])  # the team cannot carry on by itself
        assert isinstance(team.screen, PauseScreen)
        await type_ahead(at_front, ["space"])
        assert not isinstance(lead.screen, PauseScreen)
        await until(page, lambda: not isinstance(team.screen, PauseScreen))
        # On Team 1's page, another team's persona is shown and not changed.
        personas = team.store.state.personas.values()
        other = next(p for p in personas if p.team != "team-1")
        mine = next(p for p in personas if p.team == "team-1")
        stored = len(team.store.entries)
        assert not team.record(StepTaken(persona=other.id, stage="triage"))
        assert len(team.store.entries) == stored
        assert team.record(StepTaken(persona=mine.id, stage="triage"))
        # The facilitator ends the event (confirming): the team page can add nothing more.
        await type_ahead(at_front, ["E", "y"])
        assert lead.store.state.room.get("ended")
        await until(page, lambda: team.store.state.room.get("ended"))
        assert not team.record(StepTaken(persona=mine.id, stage="waiting_list"))
        assert any("The facilitator has ended the event" in n for n in showing(team))
    lead.store.close()
    team.store.close()


async def test_phone_dots_stay_hidden_until_shown_and_then_change_the_order(two_windows):
    from lensmap.session.actions import DotGiven

    app, other = two_windows
    # Triage's barrier is heavier, so it leads while votes are hidden.
    other.record(TagAdded(tag=Tag(id="a", stage="triage", kind="barrier", severity=3)))
    other.record(TagAdded(tag=Tag(id="b", stage="waiting_list", kind="barrier", severity=1)))
    for _ in range(3):  # three phones give the waiting list a dot each
        phone = new_device("p")
        other.record(DotGiven(phone=phone, stage="waiting_list", kind="barrier"), device=phone)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await type_ahead(pilot, ["i"])
        await until(pilot, lambda: len(getattr(app.screen, "_issues", [])) == 2)
        board = app.screen
        assert [i.stage for i in board._issues] == ["triage", "waiting_list"]
        assert not any("dot" in n for n in showing(app))  # no notice says where dots went
        await type_ahead(pilot, ["v"])  # the facilitator shows the votes
        assert [i.stage for i in board._issues] == ["waiting_list", "triage"]
        assert board._issues[0].votes == 3


async def test_only_the_window_that_paused_the_room_carries_it_on(store):
    """From a walk-through: a second terminal window's space ended the facilitator's pause,
    and ctrl+z after carrying on paused every screen again."""
    from lensmap.tui.screens.pause import PauseScreen

    first = make_app(SessionStore.open(store.path, device=new_device()))
    second = make_app(SessionStore.open(store.path, device=new_device()))
    async with first.run_test(size=(120, 36)) as one, second.run_test(size=(120, 36)) as two:
        await type_ahead(one, ["b", *"Letter came late", "enter"])
        await type_ahead(one, ["P"])
        await until(two, lambda: isinstance(second.screen, PauseScreen))
        await type_ahead(two, ["space"])
        assert first.store.state.room.get("paused") and isinstance(second.screen, PauseScreen)
        await type_ahead(one, ["space"])
        await until(two, lambda: not isinstance(second.screen, PauseScreen))
        await type_ahead(one, ["ctrl+z"])  # takes back the note, not the pause
        assert not first.store.state.room.get("paused")
        assert not isinstance(first.screen, PauseScreen)
        assert not any(t.note == "Letter came late" for t in first.store.state.tags.values())
    first.store.close()
    second.store.close()


async def test_the_facilitator_follows_one_team_as_it_walks(two_windows):
    app, other = two_windows
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        assert app.persona == "ollie"
        await type_ahead(pilot, ["f", "2"])  # Team 2
        assert app.following == "team-2"
        other.record(StepTaken(persona="jay", stage="triage"))  # Team 1's: not followed
        other.record(StepTaken(persona="gill", stage="triage"))
        await until(pilot, lambda: app.persona == "gill")
        await type_ahead(pilot, ["f", "4"])  # no team
        assert app.following is None

"""Walking personas and tagging stages with keys, checked in the session store afterwards."""

from __future__ import annotations

import dataclasses

import pytest

from lensmap.session.store import SessionStore
from lensmap.tui.app import make_app
from lensmap.tui.dialogs.tag import TagDialog
from lensmap.tui.widgets.pathway_map import PathwayMap
from lensmap.tui.widgets.side_panels import JourneyPanel, StageDetail


def stages_of(store: SessionStore, persona: str) -> list[str]:
    journey = store.state.journeys.get(persona)
    return [s.stage for s in journey.steps] if journey else []


def card_text(app, stage_id: str) -> str:
    return " ".join(app.screen.query_one(PathwayMap).card_text(stage_id).splitlines())  # unwrapped


async def choose(pilot, choice: str, keys: list[str]) -> None:
    """Go to a choice in the dialog and change it with the keys."""
    pilot.app.screen.query_one(choice).focus()
    await pilot.press(*keys)


def dialog_lines(app) -> str:
    """Every line the dialog shows, as the room reads it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def reopened(app) -> SessionStore:
    return SessionStore.open(app.store.path, readonly=True)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_walk_ollie_from_her_suggested_entry(app, size):
    async with app.run_test(size=size) as pilot:
        assert app.persona == "ollie"
        await pilot.press("n", "1")  # numbers as on the map: 1 is GP referral, her way in
        assert stages_of(app.store, "ollie") == ["gp_referral"]
        assert "◆ Ollie is here" in card_text(app, "gp_referral")
        assert "→ next option for Ollie" in card_text(app, "triage")
        journey = str(app.screen.query_one(JourneyPanel).content)
        assert "Next from here (n):\n  7 → Triage" in journey  # numbered as on the map
        await pilot.press("n", "7")  # Triage is 7 on the map
        assert stages_of(app.store, "ollie") == ["gp_referral", "triage"]
        assert "Ollie: step 2" in card_text(app, "triage")
        journey = str(app.screen.query_one(JourneyPanel).content)
        assert "1 GP referral" in journey and "2 Triage" in journey
        await pilot.press("backspace")
        assert stages_of(app.store, "ollie") == ["gp_referral"]
        await pilot.press("ctrl+z")  # undo the step back
        assert stages_of(app.store, "ollie") == ["gp_referral", "triage"]
        await pilot.press("ctrl+y")
        assert stages_of(app.store, "ollie") == ["gp_referral"]
    assert stages_of(reopened(app), "ollie") == ["gp_referral"]


async def test_jump_window_and_outcome(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "s", "s", "s")  # Ollie -> Jay -> Gill -> Bruno -> Stuart
        assert app.persona == "stuart"
        await pilot.press("n", "enter")  # his suggested way in, offered highlighted
        assert stages_of(app.store, "stuart") == ["criminal_justice_order"]
        await pilot.press("j", *"custody", "enter")  # jump: type to filter, Enter takes it
        assert stages_of(app.store, "stuart") == ["criminal_justice_order", "custody"]
        await pilot.press("w", "2")  # hyper-aroused
        assert app.store.state.journeys["stuart"].steps[1].window == "hyper"
        await pilot.press("o", *"Fatal overdose after release", "enter")
        assert app.store.state.journeys["stuart"].outcome == "Fatal overdose after release"
        await pilot.press("n")  # an ended journey goes no further
        assert len(stages_of(app.store, "stuart")) == 2
        await pilot.press("o", "y")  # take it up again
        assert app.store.state.journeys["stuart"].outcome is None
    saved = reopened(app)
    assert saved.state.journeys["stuart"].steps[1].window == "hyper"


async def test_several_personas_under_way_and_switching(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "1")
        await pilot.press("s", "n", "enter")  # Enter: the suggested way in, self-referral
        assert app.persona == "jay"
        assert stages_of(app.store, "ollie") == ["gp_referral"]
        assert stages_of(app.store, "jay") == ["self_referral"]
        assert "◆ Jay is here" in card_text(app, "self_referral")
        assert "Ollie" not in card_text(app, "gp_referral")  # the map follows one persona


async def test_tag_a_barrier_with_the_dialog(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "1", "b")
        assert isinstance(app.screen, TagDialog)
        await pilot.press(*"Letter did not say what happens next", "tab")  # to the kind
        await pilot.press("down", "right")  # severity: from 2 medium to 3 high
        await pilot.press("down", "down", "left", "left", "left")  # raised by lived experience
        shown = dialog_lines(app)
        assert "Severity    ◂ 3 high ▸" in shown and "▶ Raised by   ◂ lived experience ▸" in shown
        await pilot.press("down", "down", "down")  # past theme, keep in the room: principles
        await pilot.press("enter", "down", "down", "space")  # safety and choice
        checklist = app.screen.query_one("#principles")
        shown = " ".join(s.text for s in checklist.render_lines(checklist.region.reset_offset))
        assert "[x] safety" in shown and "[x] choice" in shown and "[ ] trust" in shown
        await pilot.press("ctrl+s")
        (tag,) = app.store.state.tags.values()
        assert (tag.stage, tag.kind, tag.persona) == ("gp_referral", "barrier", "ollie")
        assert tag.note == "Letter did not say what happens next"
        assert (tag.severity, tag.raised_by) == (3, "lived-experience")
        assert "✗1" in card_text(app, "gp_referral")
        assert "Letter did not say" in app.screen.query_one(StageDetail).plain
    assert tag.principles == ["safety", "choice"]
    assert tag.keep_in_room is False  # passed by, left as it was: no
    assert list(reopened(app).state.tags) == [tag.id]


async def test_general_tag_and_cancel_stores_nothing(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p", *"Reception were kind", "escape")
        await pilot.press("y")  # a typed note is only discarded when you say so
        assert app.store.state.tags == {}
        assert not isinstance(app.screen, TagDialog)
        assert len(app.store.entries) == 1
        await pilot.press("p", *"Reception were kind")
        await choose(pilot, "#about", ["left"])  # General (no persona), after every persona
        await pilot.press("ctrl+s")
        (tag,) = app.store.state.tags.values()
        assert tag.persona is None and tag.kind == "positive"


async def test_edit_and_delete_tags_at_a_stage(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("r", *"Asked to retell", "enter")
        (tag,) = app.store.state.tags.values()
        await pilot.press("x", "enter")  # edit the highlighted tag
        assert isinstance(app.screen, TagDialog)
        await pilot.press("end", *" her story again", "enter")
        assert app.store.state.tags[tag.id].note == "Asked to retell her story again"
        await pilot.press("x", "d", "y")
        assert app.store.state.tags == {}
        await pilot.press("ctrl+z")
        assert app.store.state.tags[tag.id].note == "Asked to retell her story again"


async def test_arrow_keys_move_between_stages(app):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert screen.selected == "gp_referral"
        await pilot.press("right")
        assert screen.selected == "self_referral"
        await pilot.press("down")
        assert screen.selected != "self_referral"
        await pilot.press("left", "up")
        assert screen.selected in ("gp_referral", "self_referral")


async def test_reopening_continues_where_it_was_left(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "n", "enter", "b", *"Waiting", "enter")
    again = make_app(SessionStore.open(store.path))
    async with again.run_test(size=(120, 36)):
        assert again.persona == "jay"
        assert again.screen.selected == "self_referral"
        assert "◆ Jay is here" in card_text(again, "self_referral")
        assert "✗1" in card_text(again, "self_referral")


async def test_a_failed_save_keeps_the_dialog_and_the_note(app, monkeypatch):
    from lensmap.session.store import SaveFailed

    def unplugged(action, device=None, newer=False):
        raise SaveFailed("could not save to event.lens (disk I/O error)")

    async with app.run_test(size=(120, 36)) as pilot:
        monkeypatch.setattr(app.store, "_commit", unplugged)
        await pilot.press("b", *"Reception staff were dismissive", "enter")
        assert isinstance(app.screen, TagDialog)  # still open: nothing typed is lost
        assert app.screen.query_one("#note").text == "Reception staff were dismissive"
        assert app.store.state.tags == {}
        monkeypatch.undo()  # the stick is back in
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, TagDialog)
        (tag,) = app.store.state.tags.values()
        assert tag.note == "Reception staff were dismissive"
    assert list(reopened(app).state.tags) == [tag.id]


async def test_the_palette_does_not_open_over_a_dialog(app):
    from textual.command import CommandPalette

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b", "ctrl+p")
        assert isinstance(app.screen, TagDialog)
        assert not CommandPalette.is_open(app)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)


async def test_the_persona_stays_in_view_when_the_window_changes_size(store):
    """A browser page starts at one size and then takes the window's: the stage where the
    persona is must still be on screen, not scrolled away."""
    from lensmap.session.actions import StepTaken
    from lensmap.tui.app import make_app
    from lensmap.tui.widgets.pathway_map import PathwayMap

    for stage in ("gp_referral", "triage", "waiting_list", "comprehensive_assessment",
                  "care_plan", "peer_support", "review"):  # fmt: skip
        store.record(StepTaken(persona="ollie", stage=stage))
    for first in ((64, 24), (80, 24), (106, 40)):
        app = make_app(store)
        async with app.run_test(size=first) as pilot:
            for size in (first, (64, 24), (150, 45), (100, 30), (106, 40), (64, 24)):
                await pilot.resize_terminal(*size)
                await pilot.pause()
                await pilot.pause()
                card = app.screen.query_one(PathwayMap).card_region("review")
                view = app.screen.query_one(PathwayMap).region
                if card.height <= view.height:
                    assert view.contains_region(card), (first, size, card, view)
                else:  # a card taller than a tiny map shows from its top, as much as fits
                    assert view.y <= card.y < view.bottom, (first, size, card, view)


@pytest.mark.parametrize("size", [(64, 24), (80, 24), (120, 36)])
async def test_the_footer_shows_every_key_of_the_screen_and_a_click_presses_one(app, size):
    """Keys wrap onto a second row rather than being cut off or drawn over each other; on
    a narrow screen their words are shorter."""
    from lensmap.tui.screens.map import MapScreen
    from lensmap.tui.widgets.footer import NARROW, SHORT, RoomFooter

    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(RoomFooter)
        strips = app.screen._compositor.render_strips()
        region = footer.region
        on_screen = "\n".join(s.text for s in strips[region.y : region.bottom])
        assert region.bottom == size[1]
        assert region.height <= (2 if size[0] >= 80 else 3), on_screen
        compact = size[0] < NARROW
        for binding in [*MapScreen.BINDINGS, *type(app).BINDINGS]:
            if binding.show:  # a key of several names shows the first
                first = dataclasses.replace(binding, key=binding.key.split(",")[0])
                key = "␣" if compact and first.key == "space" else app.get_key_display(first)
                word = (
                    SHORT.get(binding.id, binding.description) if compact else binding.description
                )
                assert f"{key} {word}" in on_screen, (key, word, on_screen)
        for row in on_screen.splitlines():
            assert len(row.rstrip()) <= size[0]
        item = next(i for i in footer.items if i.description == "Personas")
        rows = footer.rows(footer.size.width)
        row = next(r for r, line in enumerate(rows) if any(it is item for _, it in line))
        column = next(c for c, it in rows[row] if it is item)
        await pilot.click(RoomFooter, offset=(column + 1, row))
        await pilot.pause()
        assert app.current_mode == "personas"


async def test_clicking_the_header_does_not_push_the_map_down(app):
    from lensmap.tui.widgets.header import RoomHeader

    async with app.run_test(size=(120, 36)) as pilot:
        header = app.screen.query_one(RoomHeader)
        height = header.outer_size.height
        await pilot.click(RoomHeader, offset=(60, 0))
        await pilot.pause()
        assert header.outer_size.height == height == 1


async def test_quitting_never_goes_past_a_note_typed_and_not_saved(app):
    from lensmap.tui.dialogs.choose import Confirm

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p")
        assert isinstance(app.screen, TagDialog)
        await pilot.press(*"Met by name")
        await pilot.press("ctrl+q")  # Textual's quit key works even inside a dialog
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # no: back to the note, as typed
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        assert app.screen.query_one("#note").text == "Met by name"
        assert app.is_running
        await pilot.press("ctrl+q", "y")  # yes: quit, the unsaved note is let go
        await pilot.pause()
    assert app.return_code == 0 and not app.store.state.tags


async def test_quitting_with_nothing_typed_asks_nothing(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_a_click_on_a_choice_steps_it_on_and_on_its_back_arrow_steps_it_back(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "1", "b", *"No leaflet")
        await pilot.click("#severity", offset=(30, 0))  # the words: on, to 3 high
        assert "Severity    ◂ 3 high ▸" in dialog_lines(app)
        await pilot.click("#severity", offset=(2 + 11 + 1, 0))  # ◂: back to 2 medium
        await pilot.click("#severity", offset=(2 + 11 + 1, 0))  # and to 1 low
        assert "Severity    ◂ 1 low ▸" in dialog_lines(app)
        await pilot.press("ctrl+s")
        (tag,) = app.store.state.tags.values()
        assert tag.severity == 1 and tag.note == "No leaflet"


async def test_an_arrow_key_is_drawn_in_one_frame_map_and_stage_panel_together(app):
    """The stage panel follows the cursor in the map's own frame, not one frame later."""
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        frames = []
        display = app._display

        def counted(screen, renderable):
            frames.append(renderable)
            return display(screen, renderable)

        app._display = counted
        for key in ("right", "down", "left"):
            frames.clear()
            before = app.screen.selected
            await pilot.press(key)
            await pilot.pause(0.2)
            assert app.screen.selected != before
            label = app.store.state.pathway.stage(app.screen.selected).label
            assert app.screen.query_one(StageDetail).plain.startswith(label)
            assert len(frames) == 1, f"{key}: {len(frames)} frames"


async def test_enter_on_a_choice_saves_the_tag_as_enter_in_the_note_does(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p", *"Warm welcome", "tab", "down", "right", "enter")
        (tag,) = app.store.state.tags.values()
        assert (tag.note, tag.kind, tag.severity) == ("Warm welcome", "positive", 3)
        assert not isinstance(app.screen, TagDialog)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_start_chooser_offers_the_suggested_stage_by_its_number_on_the_map(app, size):
    """Gill's vignette suggests starting at Buvidal, which is not a way in: it is offered
    too, highlighted, and every stage is numbered as its card on the map."""
    from lensmap.tui.dialogs.choose import Choose

    async with app.run_test(size=size) as pilot:
        await pilot.press("s", "s")
        assert app.persona == "gill"
        await pilot.press("n")
        assert isinstance(app.screen, Choose)
        shown = dialog_lines(app)
        cards = app.screen_stack[-2].query_one(PathwayMap).numbers
        entries = app.store.state.pathway.entries
        for stage in [*entries, "buvidal"]:
            label = app.store.state.pathway.stages_by_id[stage].label
            assert f"{cards[stage]}  {label}" in shown  # the number on its card
        assert "Buvidal" in shown and "(suggested)" in shown
        options = app.screen.query_one("#choose-options")
        assert options.get_option_at_index(options.highlighted).id == "buvidal"
        await pilot.press(*str(cards["buvidal"]))  # its number, as on the map
        assert stages_of(app.store, "gill") == ["buvidal"]
        saying = " ".join(str(n.message) for n in app._notifications)
        assert "Gill moved to Buvidal" in saying  # her own way in: not a jump


async def test_a_number_that_begins_another_waits_for_enter_or_its_next_digit(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "1", "n", "7")  # GP referral, then Triage
        await pilot.press("n", "1")  # 10 and 16 both begin with 1: nothing yet
        assert stages_of(app.store, "ollie") == ["gp_referral", "triage"]
        await pilot.press("6")
        numbers = app.screen.query_one(PathwayMap).numbers
        assert numbers[stages_of(app.store, "ollie")[-1]] == 16


async def test_a_tag_can_be_about_any_persona_not_only_the_one_walked(app):
    """Walking Ollie, the room tags something about Lauren: no switching persona first."""
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b", *"Nobody asked about her children")
        about = app.screen.query_one("#about")
        assert [words for _, words in about.options] == [
            "Ollie", "Jay", "Gill", "Bruno", "Stuart", "Lauren", "General (no persona)",
        ]  # fmt: skip
        assert about.value == "ollie"  # the one being walked, unless chosen otherwise
        await choose(pilot, "#about", ["right"] * 5)
        assert "About       ◂ Lauren ▸" in dialog_lines(app)
        await pilot.press("ctrl+s")
        (tag,) = reopened(app).state.tags.values()
        assert (tag.persona, tag.note) == ("lauren", "Nobody asked about her children")
        assert app.persona == "ollie"  # still walking Ollie


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_a_tag_moved_to_another_stage_and_back_with_undo(app, size):
    async with app.run_test(size=size) as pilot:
        await pilot.press("b", *"Letter did not say what happens next", "enter")
        await pilot.press("x", "enter")  # edit the one tag at GP referral
        assert isinstance(app.screen, TagDialog)
        assert "Stage       ◂ 1 GP referral ▸" in dialog_lines(app)
        await choose(pilot, "#stage", ["right"])  # on to 2 Self-referral
        await pilot.press("ctrl+s")
        (tag,) = reopened(app).state.tags.values()
        assert tag.stage == "self_referral" and tag.note.startswith("Letter did not")
        saying = " ".join(str(n.message) for n in app._notifications)
        assert "Tag moved from GP referral to Self-referral" in saying
        await pilot.press("ctrl+z")
        (tag,) = reopened(app).state.tags.values()
        assert tag.stage == "gp_referral"


async def test_the_delete_question_names_the_tag(app):
    from lensmap.tui.dialogs.choose import Confirm

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b", *"Letter did not say what happens next", "enter")
        await pilot.press("x", "d")
        assert isinstance(app.screen, Confirm)
        lines = [line.strip(" █▀▄") for line in dialog_lines(app).splitlines()]
        words = " ".join(" ".join(lines).split())  # the question wraps, whole on screen
        assert "Delete the barrier at GP referral: “Letter did not say what happens next”?" in words
        await pilot.press("y")
        assert reopened(app).state.tags == {}


async def test_an_enter_typed_after_a_stages_number_adds_no_step(app):
    async with app.run_test(size=(120, 36)) as pilot:
        numbers = app.screen.query_one(PathwayMap).numbers
        waiting = str(numbers["waiting_list"])  # one of the ways on from Triage
        # "7 Enter", typed as one: 7 moves Ollie to Triage at once, and the Enter then lands
        # on the map with Triage chosen. It must not record Triage a second time.
        await pilot.press("n", "1", "n", "7", "enter", "n", *waiting, "enter")
        assert stages_of(app.store, "ollie") == ["gp_referral", "triage", "waiting_list"]
        await pilot.pause()
        assert any("already at" in n.message for n in app._notifications)
        # Enter on another stage still moves there.
        await pilot.press("down", "enter")
        assert len(stages_of(app.store, "ollie")) == 4

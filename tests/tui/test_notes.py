"""Notes keep every line typed or pasted, and the confirmation quotes what was stored."""

from __future__ import annotations

from textual import events

from lensmap.session.store import SessionStore
from lensmap.tui.dialogs.tag import TagDialog
from tests.tui.test_typed_ahead import type_ahead


def notes(store: SessionStore) -> list[str]:
    reopened = SessionStore.open(store.path, readonly=True)
    return [t.note for t in reopened.state.tags.values()]


def shown_notifications(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def test_ctrl_j_starts_a_new_line_and_enter_saves(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b", *"Asked twice", "ctrl+j", *"about trauma", "enter")
        assert not isinstance(app.screen, TagDialog)
        assert notes(app.store) == ["Asked twice\nabout trauma"]
        assert "Saved: barrier at GP referral: “Asked twice about trauma”" in (
            shown_notifications(app)
        )


async def test_a_pasted_note_keeps_all_its_lines(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        app.post_message(events.Paste("First line\r\nSecond line\n\nFourth line"))
        await type_ahead(pilot, ["ctrl+s"])
        assert notes(app.store) == ["First line\nSecond line\n\nFourth line"]


async def test_a_paste_typed_ahead_of_the_dialog_goes_into_the_note(app):
    async with app.run_test(size=(120, 36)) as pilot:
        app.post_message(events.Key("p", "p"))
        app.post_message(events.Paste("one\ntwo"))
        await type_ahead(pilot, ["enter"])
        assert notes(app.store) == ["one\ntwo"]


async def test_editing_a_multi_line_note_shows_and_keeps_its_lines(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p", *"Warm", "ctrl+j", *"welcome", "enter")
        await pilot.press("x", "enter")  # edit the one tag here
        assert isinstance(app.screen, TagDialog)
        assert app.screen.query_one("#note").text == "Warm\nwelcome"
        await pilot.press(*" at the door", "enter")
        assert notes(app.store) == ["Warm\nwelcome at the door"]
        assert "updated: “Warm welcome at the door”" in shown_notifications(app)


async def test_a_long_note_is_quoted_only_in_part(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b", *("word " * 20), "enter")
        said = shown_notifications(app)
        assert "“word word word" in said and "…”" in said


async def test_a_note_too_long_to_keep_stays_in_the_dialog_with_a_reason(app):
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("b")
        app.screen.query_one("#note").insert("x" * 20_001)
        await pilot.press("enter")
        assert app.is_running and isinstance(app.screen, TagDialog)
        assert "a note can hold 20,000" in shown_notifications(app)
        assert notes(app.store) == []
        await pilot.press("backspace", "enter")  # one character shorter: saved
        assert notes(app.store) == ["x" * 20_000]


async def test_an_outcome_too_long_to_keep_stays_in_its_dialog_with_a_reason(app):
    from lensmap.tui.dialogs.outcome import OutcomeDialog

    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("n", "1", "o")
        app.post_message(events.Paste("y" * 501))
        await type_ahead(pilot, ["enter"])
        assert app.is_running and isinstance(app.screen, OutcomeDialog)
        assert "an outcome can hold 500" in shown_notifications(app)
        await type_ahead(pilot, ["backspace", "enter"])
        reopened = SessionStore.open(app.store.path, readonly=True)
        assert reopened.state.journeys["ollie"].outcome == "y" * 500


async def test_an_empty_note_asks_once_then_saves_without_words(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", "enter")  # Enter straight away: nothing typed yet
        assert isinstance(app.screen, TagDialog)
        assert "No note yet: Enter again saves the tag without words" in str(
            app.screen.query_one("#tag-hint").content
        )
        assert notes(app.store) == []
        await pilot.press("enter")
        assert not isinstance(app.screen, TagDialog)
        assert notes(app.store) == [""]


async def test_a_note_typed_after_the_question_is_saved_with_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", "enter", *"Door locked", "enter")
        assert notes(app.store) == ["Door locked"]


async def test_down_from_the_note_goes_on_to_the_choices(app):
    """The dialog's hint says "↓ choices": from the note's last line, ↓ goes to the kind,
    then the severity, where → changes it."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", *"Two lines", "ctrl+j", *"of note", "up", "down")
        assert app.focused.id == "note"  # ↓ on the first line of two stays in the note
        await pilot.press("down")
        assert app.focused.id == "kind"
        await pilot.press("down", "right", "enter")
        (tag,) = SessionStore.open(app.store.path, readonly=True).state.tags.values()
        assert (tag.severity, tag.note) == (3, "Two lines\nof note")

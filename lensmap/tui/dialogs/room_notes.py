"""Notes from the room's phones, waiting for the facilitator: each put on the wall (a tag
like any other) or hidden (kept in the log, never shown or exported). Each decision is
stored before the list shows it gone; the list follows the session, so notes that arrive
while it is open join it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...session.actions import NoteDecided
from ...wording.describe import note_start, stage_label
from ...wording.screen_text import shown
from ...wording.vocabulary import KIND_SYMBOL, KIND_WORD
from ..knows_app import KnowsLensmapApp

STANDPOINT_WORDS = {
    "lived-experience": " · from someone with lived experience",
    "staff": " · from someone who works here",
    "partner": " · from someone from a partner agency",
}


AT_ONCE = "New notes go on the wall as they arrive (s: hold them for you first)."
HELD_FIRST = "New notes wait here for you (s: put them on the wall as they arrive)."


class RoomNotes(KnowsLensmapApp, ModalScreen[None]):
    BINDINGS = [
        Binding("enter,a", "decide(True)", "Put on the wall", id="room-accept"),
        Binding("d,delete", "decide(False)", "Hide", id="room-hide"),
        Binding("s", "at_once", "Show new notes at once", id="room-at-once"),
        Binding("escape", "close", "Close", id="room-close"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog room-notes"):
            yield Label("Notes from the room", classes="dialog-title")
            yield Label("People may describe painful experiences: read each one first.",
                        classes="dialog-hint")  # fmt: skip
            yield Label("Enter puts it on the wall · d hides it · Esc closes",
                        classes="dialog-hint")  # fmt: skip
            yield Label("", id="room-at-once-state", classes="dialog-hint")
            yield OptionList(markup=False)

    def on_mount(self) -> None:
        self.app.follow_session(self, self.show_notes)
        self.show_notes()
        self.query_one(OptionList).focus()

    def show_notes(self) -> None:
        state = self.app.store.state
        at_once = bool(state.room.get("notes_at_once"))
        self.query_one("#room-at-once-state", Label).update(AT_ONCE if at_once else HELD_FIRST)
        options = self.query_one(OptionList)
        was = options.highlighted
        options.clear_options()
        for tag in state.held.values():
            options.add_option(
                Option(
                    f"{KIND_SYMBOL[tag.kind]} {KIND_WORD[tag.kind]} at "
                    f"{stage_label(state, tag.stage)} · {shown(tag.note)}"
                    f"{STANDPOINT_WORDS.get(tag.raised_by or '', '')}",
                    id=tag.id,
                )
            )
        if not state.held:
            options.add_option(Option("No notes are waiting. New ones show here.", id=None,
                                      disabled=True))  # fmt: skip
        else:
            options.highlighted = min(was or 0, options.option_count - 1)

    def action_decide(self, accepted: bool) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        note_id = options.get_option_at_index(options.highlighted).id
        if note_id is None:
            return
        state = self.app.store.state
        tag = state.held[note_id]
        what = f"{KIND_WORD[tag.kind]} at {stage_label(state, tag.stage)}: {note_start(tag.note)}"
        done = f"Put on the wall: {what}" if accepted else f"Hidden (in the log only): {what}"
        self.app.record(NoteDecided(id=note_id, accepted=accepted), done)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_decide(True)

    def action_at_once(self) -> None:
        from ...session.actions import RoomSet

        if not self.app.leads:
            return
        at_once = not self.app.store.state.room.get("notes_at_once")
        self.app.record(RoomSet(setting="notes_at_once", on=at_once))

    def action_close(self) -> None:
        self.dismiss(None)

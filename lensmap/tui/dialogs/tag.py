"""Recording what the room sees at a stage: the note, how serious, and the lens it fits.

Every choice shows its value in words ("Severity: 3 high", "[x] safety"), never only by a
colour or a dot, so a projected screen reads the same to everyone.

The heading and the buttons stay put while the fields between them scroll, so a short
screen (80x24) never cuts them off; a short screen also loses the spacing between fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from ...event.model import PRINCIPLES, Tag
from ...session.actions import new_id
from ...wording.screen_text import shown_in_place
from ...wording.vocabulary import KIND_SYMBOL, KIND_WORD, RAISED_BY_WORD, THEME_WORD
from ..widgets.choice import Choice
from .choose import Confirm
from .holds_typing import HoldsTyping

SEVERITY_WORD = {1: "1 low", 2: "2 medium", 3: "3 high"}
MAX_NOTE = 20_000
"""The longest note a tag holds (model.LongText)."""
NEW_LINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")
"""Keys that start a new line in a note (ctrl+j works in every terminal and browser)."""
KEEP_IN_ROOM = "Keep this note in the room"
KEEP_IN_ROOM_HELP = "left out of copies for circulation"
SHORT = 36
"""A screen less tall than this shows the dialog without the spacing between its fields, and
its buttons a line high (app.tcss)."""


GENERAL = " general"  # a tag about no persona: no persona's id can have a space


class NoteArea(TextArea):
    """A note of any number of lines. Enter saves, as the room expects of a one-line box;
    ctrl+j (or shift+enter where the terminal tells it apart) starts a new line, a pasted
    note keeps all its lines, and ↓ on the last line goes on to the choices."""

    class Submitted(Message):
        """Enter was pressed: save the note."""

    def get_line(self, line_index: int):
        """What is drawn of a line: control and invisible characters one for one as marks
        (the note itself keeps what was typed or pasted)."""
        line = super().get_line(line_index)
        line.plain = shown_in_place(line.plain, tabs=True)
        return line

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted())
        elif event.key in NEW_LINE_KEYS:
            event.stop()
            event.prevent_default()
            self.replace("\n", *self.selection)
        elif event.key == "down" and self.navigator.is_last_wrapped_line(self.cursor_location):
            event.stop()  # from the note's last line, ↓ goes on to the choices under it
            event.prevent_default()
            self.screen.focus_next()


def note_text(area: TextArea) -> str:
    """What was typed, without blank lines around it, with one kind of line ending."""
    return area.text.replace("\r\n", "\n").replace("\r", "\n").strip()


class Checklist(OptionList):
    """Options that are ticked in words: "[x] safety" and "[ ] trust". Enter or space toggles."""

    BINDINGS = [Binding("space", "select", "Tick", show=False, id="checklist-tick")]

    def __init__(self, choices: list[str], ticked: list[str], **kwargs) -> None:
        self.ticked = set(ticked)
        super().__init__(*(Option(self._label(c), id=c) for c in choices), **kwargs)

    def _label(self, choice: str) -> Content:
        # Content, not a markup string: "[x]" would be read as a style and vanish.
        return Content(f"[{'x' if choice in self.ticked else ' '}] {choice}")

    @on(OptionList.OptionSelected)
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id or ""
        self.ticked ^= {choice}
        self.replace_option_prompt(choice, self._label(choice))


class TagDialog(HoldsTyping, ModalScreen[Tag | None]):
    """Returns the tag to store (new, or the edited one), or None when cancelled."""

    AUTO_FOCUS = "#note"  # straight to the note: focus moving on from elsewhere is a restyle
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT, "-tall")]

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="tag-cancel"),
        Binding("ctrl+s", "save", "Save", id="tag-save"),
    ]

    def __init__(
        self,
        stage_id: str,
        stage_label: str,
        kind: str,
        personas: Sequence[tuple[str, str]],
        persona: str | None,
        existing: Tag | None = None,
        save: Callable[[Tag], bool] | None = None,
        stages: Sequence[tuple[str, str]] = (),
    ) -> None:
        """`personas`: every persona of the session (id, name), offered with General; the
        tag is about `persona` unless chosen otherwise. `stages` (id, "number name"): where
        an edited tag may be moved to (its own stage first chosen)."""
        super().__init__(classes="dialog-screen")
        self.save = save  # stores the tag; the dialog stays open (note kept) if that fails
        self.stage_id = stage_id
        self.stage_label = stage_label
        self.kind = existing.kind if existing else kind
        self.personas = list(personas)
        self.persona = persona
        self.existing = existing
        self.stages = list(stages)
        self.asked_about_no_note = False

    def compose(self) -> ComposeResult:
        tag = self.existing
        with Vertical(classes="dialog tag-dialog"):
            verb = "Edit" if tag else "New"
            symbol = KIND_SYMBOL[self.kind]
            yield Label(
                f"{verb}: {symbol} {KIND_WORD[self.kind]} at {self.stage_label}",
                classes="dialog-title",
                id="tag-title",
                markup=False,
            )
            yield from self._fields()
            with Horizontal(classes="dialog-buttons", id="tag-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def _fields(self) -> ComposeResult:
        """Everything between the heading and the buttons, in the order ↓ and tab go."""
        tag = self.existing
        about = [*self.personas, (GENERAL, "General (no persona)")]
        about_id = tag.persona if tag else self.persona
        chosen_about = about_id if about_id in dict(self.personas) else GENERAL
        with VerticalScroll(id="tag-fields"):
            yield Label(
                "Note: what the room noticed (never a participant's name)", id="tag-note-label"
            )
            yield NoteArea(
                tag.note if tag else "",
                id="note",
                placeholder="Type, then Enter",
                highlight_cursor_line=False,
            )
            yield Label(
                "Enter saves · ctrl+j new line · ↓ choices, ← → change · Esc cancels",
                classes="dialog-hint",
                id="tag-hint",
            )
            kinds = ("positive", "barrier", "risk")
            yield Choice(
                "Kind",
                [(k, f"{KIND_SYMBOL[k]} {KIND_WORD[k]}") for k in kinds],
                self.kind,
                id="kind",
            )
            yield Choice(
                "Severity",
                [(str(n), w) for n, w in SEVERITY_WORD.items()],
                str(tag.severity if tag else 2),
                id="severity",
            )
            yield Choice("About", about, chosen_about, id="about")
            if tag and self.stages:
                yield Choice("Stage", self.stages, self.stage_id, id="stage")
            yield Choice(
                "Raised by",
                [*RAISED_BY_WORD.items(), ("none", "not recorded")],
                (tag.raised_by or "none") if tag else "none",
                id="raised_by",
            )
            yield Choice(
                "Theme",
                [("none", "(none)"), *THEME_WORD.items()],
                tag.theme if tag and tag.theme else "none",
                id="theme",
            )
            yield Choice(
                KEEP_IN_ROOM,
                [("no", "no"), ("yes", "yes")],
                "yes" if tag and tag.keep_in_room else "no",
                id="keep_in_room",
                width=len(KEEP_IN_ROOM),
            )
            yield Label(KEEP_IN_ROOM_HELP, classes="dialog-hint", id="keep-in-room-help")
            yield Label("Trauma-informed principles (Enter or space ticks)")
            yield Checklist(list(PRINCIPLES), list(tag.principles) if tag else [], id="principles")

    def on_mount(self) -> None:
        note = self.query_one("#note", NoteArea)
        note.move_cursor(note.document.end)

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Choice).value

    def result(self) -> Tag:
        """The tag as the dialog now has it. An edited tag starts from the stored one, so a
        field the dialog does not offer (its id, or one added to Tag later) is kept as it was."""
        about = self._value("about")
        raised = self._value("raised_by")
        theme = self._value("theme")
        ticked = self.query_one(Checklist).ticked
        chosen = {
            "stage": self._value("stage") if self.query("#stage") else self.stage_id,
            "persona": None if about == GENERAL else about,
            "kind": self._value("kind") or self.kind,
            "note": note_text(self.query_one("#note", NoteArea)),
            "severity": int(self._value("severity") or 2),
            "principles": [p for p in PRINCIPLES if p in ticked],
            "theme": None if theme == "none" else theme,
            "raised_by": None if raised in ("none", "") else raised,
            "keep_in_room": self._value("keep_in_room") == "yes",
        }
        # The choices offer only the model's own values (and "none"), so the strings read back
        # are of its kinds; Tag checks every one of them all the same.
        kept = self.existing.model_dump() if self.existing else {"id": new_id("t")}
        return Tag.model_validate({**kept, **chosen})

    @on(NoteArea.Submitted)
    @on(Choice.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        length = len(note_text(self.query_one("#note", NoteArea)))
        if length > MAX_NOTE:
            self.app.notify(
                f"This note is {length:,} characters long; a note can hold {MAX_NOTE:,}. "
                "Shorten it, or split it into two tags. Nothing was lost: it is still here.",
                title="Not saved yet",
                severity="warning",
                timeout=15,
            )
            return
        if length == 0 and not self.asked_about_no_note:
            # A tag with no words is allowed (the kind and stage may say enough), but an
            # Enter pressed too soon should not store one: ask once, in the dialog.
            self.asked_about_no_note = True
            hint = self.query_one("#tag-hint", Label)
            hint.update("No note yet: Enter again saves the tag without words, or type a note")
            hint.add_class("-asking")
            return
        tag = self.result()
        if self.save is None or self.save(tag):
            self.dismiss(tag)

    def unsaved_text(self) -> bool:
        """Whether a note has been typed (or changed) and not saved."""
        typed = note_text(self.query_one("#note", NoteArea))
        return typed != (self.existing.note if self.existing else "")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.unsaved_text():
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm("Discard the note you typed?"), answer)

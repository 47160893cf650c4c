"""Recording what the room sees at a stage: the note, how serious, and the lens it fits."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, SelectionList

from ...model import PRINCIPLES, Tag
from ...session.actions import new_id
from ...vocabulary import KIND_SYMBOL, KIND_WORD, RAISED_BY_WORD, THEME_WORD

SEVERITY_WORD = {1: "1 low", 2: "2 medium", 3: "3 high"}


def _radio(name: str, choices: dict[str, str], chosen: str) -> RadioSet:
    return RadioSet(
        *(
            RadioButton(label, value=value == chosen, name=value)
            for value, label in choices.items()
        ),
        id=name,
        classes="inline-radio",
    )


class TagDialog(ModalScreen[Tag | None]):
    """Returns the tag to store (new, or the edited one), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="tag-cancel"),
        Binding("ctrl+s", "save", "Save", id="tag-save"),
    ]

    def __init__(
        self,
        stage_id: str,
        stage_label: str,
        kind: str,
        persona: tuple[str, str] | None,
        existing: Tag | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.stage_id = stage_id
        self.stage_label = stage_label
        self.kind = existing.kind if existing else kind
        self.persona = persona
        self.existing = existing

    def compose(self) -> ComposeResult:
        tag = self.existing
        about = {"general": "General (no persona)"}
        if self.persona:
            about = {self.persona[0]: self.persona[1], **about}
        chosen_about = (tag.persona or "general") if tag else next(iter(about))
        with VerticalScroll(classes="dialog tag-dialog"):
            verb = "Edit tag" if tag else "New tag"
            yield Label(f"{verb} at {self.stage_label}", classes="dialog-title", id="tag-title")
            yield Label("Note (what the room noticed; never a participant's name)")
            yield Input(value=tag.note if tag else "", id="note", placeholder="What happens here")
            yield Label("Kind")
            yield _radio(
                "kind",
                {k: f"{KIND_SYMBOL[k]} {KIND_WORD[k]}" for k in ("positive", "barrier", "risk")},
                self.kind,
            )
            yield Label("Severity")
            yield _radio(
                "severity",
                {str(n): w for n, w in SEVERITY_WORD.items()},
                str(tag.severity if tag else 2),
            )
            yield Label("About")
            yield _radio("about", about, chosen_about)
            yield Label("Raised by")
            yield _radio(
                "raised_by",
                {**RAISED_BY_WORD, "none": "not recorded"},
                (tag.raised_by or "none") if tag else "none",
            )
            yield Label("Theme")
            yield Select(
                [(word, key) for key, word in THEME_WORD.items()],
                value=tag.theme if tag and tag.theme else Select.NULL,
                prompt="(none)",
                id="theme",
            )
            yield Label("Trauma-informed principles")
            yield SelectionList[str](
                *((p, p, bool(tag and p in tag.principles)) for p in PRINCIPLES),
                id="principles",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def _choice(self, name: str) -> str:
        pressed = self.query_one(f"#{name}", RadioSet).pressed_button
        return pressed.name if pressed and pressed.name else ""

    def result(self) -> Tag:
        about = self._choice("about")
        raised = self._choice("raised_by")
        theme = self.query_one("#theme", Select).value
        return Tag(
            id=self.existing.id if self.existing else new_id("t"),
            stage=self.stage_id,
            persona=None if about in ("general", "") else about,
            kind=self._choice("kind") or self.kind,
            note=self.query_one("#note", Input).value.strip(),
            severity=int(self._choice("severity") or 2),
            principles=list(self.query_one("#principles", SelectionList).selected),
            theme=None if theme is Select.NULL else theme,
            raised_by=None if raised in ("none", "") else raised,
        )

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.dismiss(self.result())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

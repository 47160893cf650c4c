"""Ending a journey with an outcome, in the room's own words or a way out of the pathway."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...wording.screen_text import shown
from ..widgets.text_box import SHOWN_IN_PLACE

MAX_OUTCOME = 500
"""The longest outcome a journey holds (model.Text)."""


class OutcomeDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="outcome-cancel")]

    def __init__(self, persona_name: str, suggestions: list[str], current: str = "") -> None:
        """`suggestions` are the pathway's ways out, as written: the one chosen is the outcome
        stored, and each is shown cleaned of anything a terminal would obey."""
        super().__init__(classes="dialog-screen")
        self.persona_name = persona_name
        self.suggestions = suggestions
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog outcome"):
            yield Label(
                f"How does {shown(self.persona_name)}'s journey end?",
                classes="dialog-title",
                markup=False,
            )
            yield Input(
                value=self.current,
                placeholder="Outcome, then Enter",
                id="outcome",
                highlighter=SHOWN_IN_PLACE,
            )
            if self.suggestions:
                yield Label("Or choose a way out of the pathway:", classes="dialog-hint")
                yield OptionList(
                    *(Option(shown(s), id=str(n)) for n, s in enumerate(self.suggestions)),
                    markup=False,
                )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if len(typed) > MAX_OUTCOME:
            self.app.notify(
                f"This outcome is {len(typed):,} characters long; an outcome can hold "
                f"{MAX_OUTCOME}. Shorten it; what you typed is still here.",
                title="Not saved yet",
                severity="warning",
            )
        elif typed:
            self.dismiss(typed)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.suggestions[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)

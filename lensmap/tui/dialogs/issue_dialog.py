"""Edit one issue's title, effort, owner, timeframe and status: what the implementation group
needs. What the dialog does not show (votes, the plan's action and progress note) is kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ...event.model import PLAN_STATUSES, Effort, IssueNotes, PlanStatus
from ...event.plan_update import NOT_STARTED
from ...wording.screen_text import shown
from ..widgets.choice import Choice
from ..widgets.footer import RoomFooter
from ..widgets.text_box import SHOWN_IN_PLACE
from .holds_typing import HoldsTyping

# The chosen effort is shown in words, so the choice never rests on a radio dot's colour.
EFFORTS = (("S", "S · small"), ("M", "M · medium"), ("L", "L · large"), ("none", "not set"))
STATUSES = tuple((status, status) for status in PLAN_STATUSES)  # "not started", "done", ...
MAX_TEXT = 500  # as long as the session accepts (model.Text)


class IssueDialog(HoldsTyping, ModalScreen[IssueNotes | None]):
    """Dismisses with the edited notes (votes untouched), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel-issue-edit"),
        Binding("ctrl+s", "save", "Save", id="save-issue-edit", priority=True),
    ]

    def __init__(
        self,
        notes: IssueNotes,
        *,
        default_title: str,
        heading: str,
        save: Callable[[IssueNotes], bool] | None = None,
    ) -> None:
        super().__init__()
        self.notes = notes
        self.default_title = default_title
        self.heading = heading
        self.save = save  # stores the edit; the dialog stays open (text kept) if it fails

    def compose(self) -> ComposeResult:
        notes = self.notes
        with VerticalScroll(id="issue-dialog"):
            yield Static(shown(self.heading), id="issue-dialog-heading", markup=False)
            yield Label("Title (leave empty to use the default)", classes="issue-dialog-label")
            yield Input(
                notes.title or "",
                placeholder=shown(self.default_title),
                max_length=MAX_TEXT,
                id="issue-title",
                highlighter=SHOWN_IN_PLACE,
            )
            yield Choice("Effort", EFFORTS, notes.effort or "none", id="issue-effort", width=7)
            # Owner and timeframe side by side (both short), so the dialog fits 80 x 24.
            with Horizontal(id="issue-dialog-plan"):
                with Vertical(classes="issue-dialog-field"):
                    yield Label("Owner (optional)", classes="issue-dialog-label")
                    yield Input(
                        notes.owner or "",
                        placeholder="a role, e.g. Service lead",
                        max_length=MAX_TEXT,
                        id="issue-owner",
                        highlighter=SHOWN_IN_PLACE,
                    )
                with Vertical(classes="issue-dialog-field"):
                    yield Label("Timeframe (optional)", classes="issue-dialog-label")
                    yield Input(
                        notes.timeframe or "",
                        placeholder="e.g. within 3 months",
                        max_length=MAX_TEXT,
                        id="issue-timeframe",
                        highlighter=SHOWN_IN_PLACE,
                    )
            # No status yet reads as "not started", as in the plan and the exports.
            status = notes.status or NOT_STARTED
            yield Choice("Status", STATUSES, status, id="issue-status", width=7)
            with Horizontal(id="issue-dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="issue-save")
                yield Button("Cancel (esc)", id="issue-cancel")
        yield RoomFooter()

    def on_mount(self) -> None:
        self.query_one("#issue-title", Input).focus()

    # Enter moves on to the next field; in the last field it saves.
    @on(Input.Submitted, "#issue-title")
    def _title_done(self) -> None:
        self.query_one("#issue-effort", Choice).focus()

    @on(Choice.Submitted, "#issue-effort")
    def _effort_done(self) -> None:
        self.query_one("#issue-owner", Input).focus()

    @on(Input.Submitted, "#issue-owner")
    def _owner_done(self) -> None:
        self.query_one("#issue-timeframe", Input).focus()

    @on(Input.Submitted, "#issue-timeframe")
    def _timeframe_done(self) -> None:
        self.query_one("#issue-status", Choice).focus()

    @on(Choice.Submitted, "#issue-status")
    def _status_done(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#issue-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#issue-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def _effort(self) -> Effort | None:
        value = self.query_one("#issue-effort", Choice).value
        # One of EFFORTS: an Effort or "none" (and IssueNotes checks it all the same).
        return None if value == "none" else cast(Effort, value)

    def _status(self) -> PlanStatus | None:
        value = self.query_one("#issue-status", Choice).value
        if value == NOT_STARTED and self.notes.status is None:
            return None  # still nobody has set one: "not started" changes nothing
        return cast(PlanStatus, value)  # one of STATUSES (and IssueNotes checks it)

    def _text(self, field: str) -> str | None:
        return self.query_one(f"#issue-{field}", Input).value.strip() or None

    def _edited(self) -> dict[str, object]:
        """What the dialog shows, as the room left it."""
        return {
            "title": self._text("title"),
            "effort": self._effort(),
            "owner": self._text("owner"),
            "timeframe": self._text("timeframe"),
            "status": self._status(),
        }

    def action_save(self) -> None:
        try:
            # Validated afresh, and everything the dialog does not show kept as it was.
            notes = IssueNotes.model_validate({**self.notes.model_dump(), **self._edited()})
        except ValidationError as exc:
            problem = exc.errors()[0].get("msg", "a value does not fit")
            self.notify(f"Not saved yet: {problem}", severity="warning", timeout=5)
            return
        if self.save is None or self.save(notes):
            self.dismiss(notes)

    def unsaved_text(self) -> bool:
        """Whether anything typed or chosen here differs from what is saved."""
        return any(getattr(self.notes, name) != value for name, value in self._edited().items())

    def action_cancel(self) -> None:
        self.dismiss(None)

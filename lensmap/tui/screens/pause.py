"""A calm, empty screen for breaks, or when someone in the room needs a moment."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import CenterMiddle
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.footer import RoomFooter

PAUSE_TITLE = "Taking a pause"
PAUSE_TEXT = "Press space when the room is ready to continue."
ROOM_PAUSED_HERE = "Every screen in the room is paused. Press space when the room is ready."
ROOM_PAUSED_THERE = "The facilitator has paused every screen. This one carries on when theirs does."


class PauseScreen(ModalScreen[None]):
    """Nothing from the session: no title, no names, no pathway, and nothing that moves.

    A modal screen, so none of the app's keys (switching screens, exporting, tagging) can
    bring session content back while the room is paused; only space or escape return.
    It is fully opaque, so the screen underneath is never drawn through it.
    """

    BINDINGS = [
        Binding("space", "resume", "Continue", id="pause-continue"),
        Binding("escape", "resume", "Continue", show=False, id="pause-continue-escape"),
    ]

    def __init__(self, room: bool = False, *, leads: bool = True) -> None:
        super().__init__()
        self.room = room
        """Every screen in the room is paused (from the session), not only this one."""
        self.leads = leads
        """This window carries the room on: the facilitator's that paused it."""
        self._palette_was_on: bool | None = None

    def compose(self) -> ComposeResult:
        text = PAUSE_TEXT
        if self.room:
            text = ROOM_PAUSED_HERE if self.leads else ROOM_PAUSED_THERE
        with CenterMiddle(id="pause-middle"):
            yield Static(PAUSE_TITLE, id="pause-title")
            yield Static(text, id="pause-text")
        yield RoomFooter(id="pause-footer", show_command_palette=False)

    def on_mount(self) -> None:
        # The command palette lists personas and stages; keep it closed during a pause.
        self._palette_was_on = self.app.use_command_palette
        self.app.use_command_palette = False
        self.app.clear_notifications()

    def on_unmount(self) -> None:
        if self._palette_was_on is not None:
            self.app.use_command_palette = self._palette_was_on

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the window that paused the room carries it on: no key for it anywhere else.
        return not (action == "resume" and self.room and not self.leads)

    def action_resume(self) -> None:
        if not self.room:
            self.dismiss()
        elif self.leads:  # the room carries on: every screen, this one once it is stored
            from ...session.actions import RoomSet

            self.app.record(RoomSet(setting="paused", on=False))  # type: ignore[attr-defined]

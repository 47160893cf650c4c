"""The footer of keys, made compact on narrow screens so more of the keys fit."""

from __future__ import annotations

from textual.events import Resize
from textual.widgets import Footer

NARROW = 100  # compact key labels below this width
CRAMPED = 80  # and below this, no "^p palette" on the right: it drew over the keys


class RoomFooter(Footer):
    def on_mount(self) -> None:
        self._fit(self.app.size.width)

    def on_resize(self, event: Resize) -> None:
        self._fit(self.app.size.width)

    def _fit(self, width: int) -> None:
        self.compact = width < NARROW
        self.show_command_palette = width >= CRAMPED

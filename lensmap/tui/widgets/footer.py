"""The footer of keys, made compact on narrow screens so more of the keys fit."""

from __future__ import annotations

from textual.events import Resize
from textual.widgets import Footer

NARROW = 100


class RoomFooter(Footer):
    def on_mount(self) -> None:
        self.compact = self.app.size.width < NARROW

    def on_resize(self, event: Resize) -> None:
        self.compact = self.app.size.width < NARROW

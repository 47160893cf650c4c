"""The header: the session's title and where it is kept, always one line."""

from __future__ import annotations

from textual.events import Click
from textual.widgets import Header


class RoomHeader(Header):
    def _on_click(self, event: Click) -> None:
        # Textual's header grows to three lines when clicked; clicking to focus a browser
        # page would then push the map down for the whole room. It stays as it is.
        event.prevent_default()

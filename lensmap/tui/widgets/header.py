"""The header: the session's title and where it is kept, always one line."""

from __future__ import annotations

import contextlib

from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Click, Mount
from textual.widgets import Header
from textual.widgets._header import HeaderTitle

from ...wording.screen_text import shown


class RoomHeader(Header):
    def format_title(self) -> Content:
        # The title comes from the pathway or event, the subtitle names the session file:
        # either could hold a terminal code, which must not reach the room's screen.
        return self.app.format_title(shown(self.screen_title), shown(self.screen_sub_title))

    # Textual's own Header types its handler as `_on_click(self)`, synchronous and without the
    # event, unlike Widget's `async _on_click(self, event)`, so no signature satisfies both;
    # Textual calls either kind, with the event when the handler takes one.
    def _on_click(self, event: Click) -> None:  # type: ignore[override]
        # Textual's header grows to three lines when clicked; clicking to focus a browser
        # page would then push the map down for the whole room. It stays as it is.
        event.prevent_default()

    def _on_mount(self, _: Mount) -> None:
        # Textual's own, but an app quitting before its header's title was drawn (a browser
        # tab closed while its app was starting) is no problem to report.
        async def set_title() -> None:
            with contextlib.suppress(NoScreen, NoMatches):
                self.query_one(HeaderTitle).update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)

"""The help screen: what lensmap is for, every key, and what the symbols mean."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from ...wording.screen_text import shown
from ..knows_app import KnowsLensmapApp
from ..widgets.footer import RoomFooter

HELP_FILE = Path(__file__).resolve().parent.parent / "help.md"


def help_text() -> str:
    """The packaged help, in Markdown."""
    return HELP_FILE.read_text(encoding="utf-8")


class HelpScreen(KnowsLensmapApp, ModalScreen[None]):
    """Help over whatever screen was showing; closing it returns there unchanged."""

    BINDINGS = [
        Binding("escape", "close", "Close help", id="help-close"),
        Binding("q,question_mark,f1", "close", "Close help", show=False, id="help-close-other"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-text") as scroll:
            scroll.border_title = "Help"
            where = shown(str(self.app.store.path))
            yield Static(f"This session is saved in {where}", id="help-session", markup=False)
            yield Markdown(open_links=False)
        yield RoomFooter(show_command_palette=False)

    async def on_mount(self) -> None:
        # The whole text is there before the screen takes a key: End typed at once goes to
        # its end, not to the end of what had been laid out so far.
        await self.query_one(Markdown).update(help_text())
        # Focus the text, so arrows, Page Up/Down, Home and End scroll it straight away.
        self.query_one("#help-text", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss()

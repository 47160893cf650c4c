"""The export window: progress while the files are written, then where they went."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from ...export.writer import PLANS, plan_placed
from ...wording.screen_text import shown
from ..messages import ExportFinished, ExportProgress, ExportWindowClosed
from ..widgets.footer import RoomFooter


class ExportScreen(ModalScreen[None]):
    """Shows the export as it runs. The session itself is never changed by exporting."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="export-close"),
        Binding("enter", "close_finished", "Close", show=False, id="export-close-enter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.folder: Path | None = None
        self.problem: str | None = None
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = "Export"
            yield Static("Exporting…", id="export-status")
            # A total is set from the start, so the bar stays still until there is progress.
            yield ProgressBar(total=1, show_eta=False, id="export-progress")
            yield Static("", id="export-step")
            yield Button("Close", id="export-close-button", disabled=True)
        yield RoomFooter(show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter closes only a finished export, so a stray Enter cannot hide one under way;
        # escape always closes (the export carries on, and its files are still written).
        if action == "close_finished":
            return self.done
        return True

    @on(ExportProgress)
    def _advance(self, progress: ExportProgress) -> None:
        if not self.is_attached or self.done:
            return
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=max(progress.total, 1), progress=progress.done)
        name = progress.name
        step = Content(f"Writing {shown(name)}") if name else ""  # plain text, never markup
        self.query_one("#export-step", Static).update(step)

    @on(ExportFinished)
    def _finished(self, finished: ExportFinished) -> None:
        """The export is over: say where the files are, or what stopped it."""
        if not self.is_attached or self not in self.app.screen_stack:
            return  # closed already: not shown here, so the app says it (see on_unmount)
        folder, problem = finished.folder, finished.problem
        self.done = True
        self.folder, self.problem = folder, problem
        status = self.query_one("#export-status", Static)
        progress = self.query_one("#export-progress", ProgressBar)
        step = self.query_one("#export-step", Static)
        if problem is None and folder is not None:
            progress.update(total=progress.total or 1, progress=progress.total or 1)
            status.update("Export finished.")
            placed = [plan_placed(folder, name) for name in PLANS]
            said = [p.message() for p in placed if p and p.message()]
            # a plan somebody edited was kept: where the new one is
            plan = "".join(f"\n{shown(message)}." for message in said)
            step.update(Content(f"Saved to {shown(folder)}{plan}"))
        else:
            status.update("The export could not be finished.")
            step.update(
                Content(
                    f"{shown(problem or 'Something stopped it.')}\n"
                    "The session itself is safe and unchanged; you can try again with e."
                )
            )
            self.add_class("-problem")
        close = self.query_one("#export-close-button", Button)
        close.disabled = False
        close.focus()
        self.refresh_bindings()

    def on_unmount(self) -> None:
        # Closed before it could show how the export went (perhaps with that news waiting
        # for it): the app says it instead.
        self.app.post_message(ExportWindowClosed(self, shown=self.done))

    @on(Button.Pressed, "#export-close-button")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss()

    def action_close_finished(self) -> None:
        self.dismiss()

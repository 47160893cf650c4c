"""The export window: what to export, then progress while the files are written, then where
they went and anything the export had to say about them.

It asks first whether this is a copy for circulation (to share outside the room: no place,
no note marked "keep in the room", no session.json; lensmap/export/circulation.py), off
unless chosen, so Enter straight away writes the full export as it always has."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from ...export.writer import PLANS, plan_placed
from ...wording.screen_text import shown
from ..messages import ExportChosen, ExportFinished, ExportProgress, ExportWindowClosed
from ..widgets.choice import Choice
from ..widgets.footer import RoomFooter

FOR_CIRCULATION = "For circulation (to share outside the room)"
FULL_EXPORT = (
    "The full export, for the implementation group: the report, maps, issues lists, plan "
    "and session.json."
)
CIRCULATION_COPY = (
    "A copy to share outside the room: without the event's place, the notes marked “keep in "
    "the room” and session.json. Read check-before-sharing.md in it before you send it."
)


def sentences(notes: Iterable[str]) -> list[str]:
    """The export's notes ("read check-before-sharing.md before sending this folder") as
    sentences to show: a capital first, a full stop last."""
    return [f"{note[:1].upper()}{note[1:]}." for note in (n.strip() for n in notes) if note]


class ExportScreen(ModalScreen[None]):
    """Asks what to export, then shows the export as it runs. The session itself is never
    changed by exporting."""

    AUTO_FOCUS = "#export-circulation"

    BINDINGS = [
        Binding("escape", "close", "Close", id="export-close"),
        Binding("enter", "close_finished", "Close", show=False, id="export-close-enter"),
    ]

    def __init__(self, folder_for: Callable[[bool], Path] | None = None) -> None:
        """`folder_for(for_circulation)`: where each kind of export goes, to say so before."""
        super().__init__()
        self.folder_for = folder_for
        self.folder: Path | None = None
        self.problem: str | None = None
        self.started = False
        self.for_circulation = False
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = "Export"
            yield Static("Export this session to a folder of files.", id="export-status")
            yield Choice(
                FOR_CIRCULATION,
                [("no", "no"), ("yes", "yes")],
                "no",
                id="export-circulation",
                width=len(FOR_CIRCULATION),
            )
            yield Static(self._about(False), id="export-about")
            # A total is set from the start, so the bar stays still until there is progress.
            yield ProgressBar(total=1, show_eta=False, id="export-progress")
            yield Static("", id="export-step")
            with Horizontal(id="export-buttons"):
                yield Button("Export (enter)", variant="primary", id="export-start")
                yield Button("Close", id="export-close-button")
        yield RoomFooter(show_command_palette=False)

    def _about(self, for_circulation: bool) -> Content:
        what = CIRCULATION_COPY if for_circulation else FULL_EXPORT
        if self.folder_for is None:
            return Content(what)
        return Content(f"{what}\nInto {shown(self.folder_for(for_circulation))}")

    @on(Choice.Changed, "#export-circulation")
    def _chosen(self, changed: Choice.Changed) -> None:
        changed.stop()
        self.query_one("#export-about", Static).update(self._about(changed.value == "yes"))

    @on(Choice.Submitted, "#export-circulation")
    @on(Button.Pressed, "#export-start")
    def _start_pressed(self) -> None:
        self.start()

    def start(self) -> None:
        """Export as chosen (once: a second Enter does not start a second export)."""
        if self.started or self.done:
            return
        self.for_circulation = self.query_one("#export-circulation", Choice).value == "yes"
        self._show_started()
        self.app.post_message(ExportChosen(self, self.for_circulation))

    def _show_started(self) -> None:
        """From here on the window shows the export under way: the choice is made."""
        if self.started:
            return
        self.started = True
        self.add_class("-started")
        what = "a copy for circulation" if self.for_circulation else "the session"
        self.query_one("#export-status", Static).update(f"Exporting {what}…")
        self.query_one("#export-close-button", Button).disabled = True
        self.set_focus(None)  # nothing to press until it is done; Esc still closes

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
        self._show_started()
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
        self._show_started()
        folder, problem = finished.folder, finished.problem
        self.done = True
        self.folder, self.problem = folder, problem
        status = self.query_one("#export-status", Static)
        progress = self.query_one("#export-progress", ProgressBar)
        step = self.query_one("#export-step", Static)
        if problem is None and folder is not None:
            progress.update(total=progress.total or 1, progress=progress.total or 1)
            status.update(
                "Export finished: a copy for circulation."
                if self.for_circulation
                else "Export finished."
            )
            placed = [plan_placed(folder, name) for name in PLANS]
            said = [f"{p.message()}." for p in placed if p and p.message()]
            # a plan somebody edited was kept: where the new one is; then what the export
            # said (what a copy for circulation left out, and what to read before sending)
            said += sentences(finished.notes)
            lines = "".join(f"\n{shown(line)}" for line in said)
            step.update(Content(f"Saved to {shown(folder)}{lines}"))
        else:
            status.update("The export could not be finished.")
            problem_said = (problem or "").strip() or "Something stopped it."
            stop = "" if problem_said.endswith((".", "!", "?")) else "."  # as the next line
            step.update(
                Content(
                    f"{shown(problem_said)}{stop}\n"
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

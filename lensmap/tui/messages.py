"""What the app's workers tell the screens, as Textual messages (handled with `@on`)."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message
from textual.screen import Screen


class ExportProgress(Message, bubble=False):
    """`done` of `total` files are written; `name` is the one being written now. The export
    worker posts it to the app, which passes it on to `window` while that is open."""

    def __init__(self, window: Screen, done: int, total: int, name: str) -> None:
        super().__init__()
        self.window, self.done, self.total, self.name = window, done, total, name

    def again(self) -> ExportProgress:
        return ExportProgress(self.window, self.done, self.total, self.name)


class ExportChosen(Message, bubble=False):
    """The export window was told what to export: the full export, or a copy for circulation
    (`for_circulation`). The window posts it to the app, which starts the export."""

    def __init__(self, window: Screen, for_circulation: bool) -> None:
        super().__init__()
        self.window, self.for_circulation = window, for_circulation


class ExportFinished(Message, bubble=False):
    """The export is over: written to `folder`, or stopped by `problem`; `notes` are what the
    export said about what it wrote (what a copy for circulation left out, say). The export
    worker posts it to the app, which passes it on to `window` while that is open, and
    otherwise says how it went in a notice."""

    def __init__(
        self,
        window: Screen,
        folder: Path | None,
        problem: str | None,
        notes: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.window, self.folder, self.problem = window, folder, problem
        self.notes = notes

    def again(self) -> ExportFinished:
        return ExportFinished(self.window, self.folder, self.problem, self.notes)


class ExportWindowClosed(Message, bubble=False):
    """The export window is gone, having shown how the export went (`shown`) or not: if the
    app had passed that on to it, the app says it in a notice instead."""

    def __init__(self, window: Screen, shown: bool) -> None:
        super().__init__()
        self.window, self.shown = window, shown

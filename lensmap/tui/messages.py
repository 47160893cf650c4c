"""What the app's workers tell the screens, as Textual messages (handled with `@on`)."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message


class ExportProgress(Message):
    """`done` of `total` files are written; `name` is the one being written now."""

    bubble = False  # for the export window alone

    def __init__(self, done: int, total: int, name: str) -> None:
        super().__init__()
        self.done, self.total, self.name = done, total, name


class ExportFinished(Message):
    """The export is over: written to `folder`, or stopped by `problem`. Posted to the
    export window, or to the app when that window was closed first."""

    bubble = False

    def __init__(self, folder: Path | None, problem: str | None) -> None:
        super().__init__()
        self.folder, self.problem = folder, problem

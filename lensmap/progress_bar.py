"""Export progress on the command line: a bar drawn by rich.progress on a terminal, cleared
when the export is done, and nothing at all in a pipe or a file (a log gets only the summary
that follows)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO

from .wording.screen_text import shown

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.progress import Task


class _Tail:
    """A file's name cut from the left to the room it is given ("…" and its end), so what is
    being made (.svg, .png) stays in view."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.cells import cell_len
        from rich.text import Text

        name, room = self.name, options.max_width
        if cell_len(name) > room:
            mark = "..." if options.ascii_only else "…"
            while name and cell_len(mark + name) > room:
                name = name[1:]
            name = mark + name if name else ""
        yield Text(name, no_wrap=True, overflow="crop")


@contextlib.contextmanager
def export_progress(stream: TextIO, width: int | None = None) -> Iterator[Callable]:
    """A `progress(done, total, name)` for export_session, drawn on `stream` while this lasts.
    Drawn only where `stream` is a terminal: rich can be told to treat a pipe as one
    (FORCE_COLOR, TTY_COMPATIBLE), which would put its control codes in a log."""
    if not stream.isatty():
        yield lambda done, total, name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn
    from rich.table import Column

    class NameColumn(ProgressColumn):
        def render(self, task: Task) -> _Tail:
            return _Tail(task.fields["name"])

    with Progress(
        TextColumn("Exporting"),
        BarColumn(bar_width=None, table_column=Column(ratio=1)),
        MofNCompleteColumn(),
        NameColumn(table_column=Column(ratio=2, no_wrap=True)),
        console=Console(file=stream, width=width, highlight=False),
        auto_refresh=False,  # drawn at each step, as the export reports it, by this thread
        transient=True,
        redirect_stdout=False,  # anything printed meanwhile stays on stdout, not the terminal
        expand=True,
    ) as progress:
        task = progress.add_task("", total=1, name="", visible=False)

        def show(done: int, total: int, name: str) -> None:
            progress.update(
                task,
                completed=done,
                total=max(total, 1),
                name=shown(name),
                visible=True,
                refresh=True,
            )

        yield show

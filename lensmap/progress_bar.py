"""A progress bar on one line of the terminal, for exports on the command line."""

from __future__ import annotations

import shutil
from typing import TextIO

from .screen_text import shown


def bar_line(
    done: int, total: int, name: str, columns: int, full: str = "█", empty: str = "░"
) -> str:
    """One line, never wider than `columns`: a bar, the count, and what is being made."""
    total = max(total, 1)
    done = min(max(done, 0), total)
    width = max(10, min(30, columns // 3))
    filled = round(width * done / total)
    line = f"Exporting {full * filled}{empty * (width - filled)} {done}/{total}"
    name = shown(name)
    room = columns - 1 - len(line) - 2
    if name and room > 3:
        line += "  " + (name if len(name) <= room else "…" + name[-(room - 1) :])
    return line[: columns - 1]


class ProgressBar:
    """Draws `bar_line` over itself on a terminal; writes nothing when the stream is not one
    (a log file or a pipe gets only the summary that follows)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "█░…".encode(encoding)
            self.marks = ("█", "░")
        except (UnicodeEncodeError, LookupError):
            self.marks = ("#", "-")

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.live:
            return
        columns = shutil.get_terminal_size((80, 24)).columns
        line = bar_line(done, total, name, columns, *self.marks)
        self.stream.write("\r" + line.ljust(columns - 1))
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar so the summary starts on a clean line."""
        if self.live:
            columns = shutil.get_terminal_size((80, 24)).columns
            self.stream.write("\r" + " " * (columns - 1) + "\r")
            self.stream.flush()

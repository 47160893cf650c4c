"""How many lines a text takes when wrapped, counted without wrapping it.

The map and the stage panel are laid out whole (a scroll bar needs the length) but draw only
what is on screen, so they count lines here and wrap only the text they draw."""

from __future__ import annotations

from rich._wrap import divide_line
from rich.text import Text


def wrapped_height(text: Text, width: int) -> int:
    """As many lines as `text.wrap(console, width, overflow="fold")` makes."""
    return sum(len(divide_line(line, width, fold=True)) + 1 for line in text.plain.split("\n"))

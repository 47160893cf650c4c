"""Everything a person typed is hostile until escaped: for spreadsheets and Markdown."""

from __future__ import annotations

import re

from ..wording.screen_text import shown

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: object) -> str:
    """A spreadsheet cell's text: no control character (a tab and a line break are ordinary
    in a cell; an .xlsx file cannot hold the others at all), and direction and invisible
    characters marked, as on screen."""
    text = "" if value is None else str(value)
    return "\t".join(shown(part, lines=True) for part in text.split("\t"))


def csv_cell(value: object) -> str:
    """A cell no spreadsheet will run: text that could start a formula gets a leading quote."""
    text = cell_text(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


# Inline Markdown a note could start: emphasis, code, links and images, tables, strikethrough.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~#])")  # "#" also closes a heading


def markdown_text(value: object) -> str:
    """Plain text inside Markdown: no emphasis, links, headings, tables or HTML from a note,
    and no backslashes where none are needed, so it still reads well as plain text."""
    text = shown(value)  # one line, no control characters, direction and invisibles marked
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_INLINE.sub(r"\\\1", " ".join(text.split()))  # one line: no new block
    # Block Markdown counts only at the start of a line: a heading, a list, a numbered list.
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"^([+-])", r"\\\1", text)


def markdown_lines(value: object, indent: str) -> str:
    """A note of several lines inside a list item: each line escaped as above, joined by a
    hard line break and indented under the item, so the lines stay lines and none of them
    can start a heading, a list or a quote."""
    lines = [markdown_text(line) for line in shown(value, lines=True).split("\n")]
    return f"\\\n{indent}".join(line for line in lines if line)

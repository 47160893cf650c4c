"""Everything a person typed is hostile until escaped: for spreadsheets and Markdown."""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell no spreadsheet will run: text that could start a formula gets a leading quote."""
    text = "" if value is None else str(value)
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def markdown_text(value: object) -> str:
    """Plain text inside Markdown: no emphasis, links, headings, tables or HTML from a note."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split())  # one line: a note cannot start a new block

"""Writing a pathway as a TOML file a facilitator can read and edit by hand.

Every key and value is written by tomli_w, which round-trips with tomllib. lensmap only lays
the file out: the pathway's own fields first, then one `[[stages]]` block per stage and one
`[[transitions]]` block per transition (tomli_w would write short ones as inline tables, and
the problems lensmap reports count the blocks), and text with line breaks as multi-line
strings so a description reads as it will be shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypeGuard

from ..event.model import Pathway
from ..storage.safe_write import write_atomic


def _has_crlf(value: object) -> bool:
    if isinstance(value, str):
        return "\r\n" in value
    if isinstance(value, list | tuple):
        return any(_has_crlf(v) for v in value)
    if isinstance(value, Mapping):
        return any(_has_crlf(v) for v in value.values())
    return False


def _table(fields: Mapping[str, object]) -> str:
    """One table's `key = value` lines. Multi-line strings unless a text holds "\\r\\n":
    tomli_w 1.2 writes that as a bare line break, which tomllib reads back as "\\n" alone
    (hukkin/tomli-w#81), so such a table has its line breaks written as escapes."""
    import tomli_w

    return tomli_w.dumps(fields, multiline_strings=not _has_crlf(fields))


def _is_tables(value: object) -> TypeGuard[list[Mapping[str, object]]]:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _comment(lines: Iterable[str]) -> str:
    """Lines as TOML comments: one line each, nothing in them able to end the comment."""
    return "".join("# " + " ".join(line.split()) + "\n" for line in lines)


def toml_document(
    data: Mapping[str, object],
    notes: Mapping[str, list[str]] | None = None,
    heading: Iterable[str] = (),
) -> str:
    """`data` as TOML: each non-empty list of tables as `[[name]]` blocks, one per table
    (the tables in it flat: text, numbers, true/false and lists of them), after the rest.
    `notes` are comments above the block of the table with that id; `heading` comments at
    the top."""
    import tomli_w

    notes = notes or {}
    parts = [_comment(heading), _table({k: v for k, v in data.items() if not _is_tables(v)})]
    for key, tables in data.items():
        if not _is_tables(tables):
            continue
        # The key as tomli_w writes it (bare, or quoted when it must be).
        name = tomli_w.dumps({key: ""}).removesuffix(' = ""\n')
        for fields in tables:
            if any(isinstance(v, Mapping) or _is_tables(v) for v in fields.values()):
                raise TypeError(f"a table in {key!r} holds a table: not a pathway file")
            said = notes.get(str(fields.get("id", ""))) if key == "stages" else None
            parts.append(f"\n{_comment(said or [])}[[{name}]]\n" + _table(fields))
    return "".join(parts)


def pathway_toml(
    pathway: Pathway, notes: Mapping[str, list[str]] | None = None, heading: Iterable[str] = ()
) -> str:
    return toml_document(pathway.dump(), notes, heading)


def write_pathway(
    pathway: Pathway,
    path: Path,
    *,
    replace: bool = False,
    notes: Mapping[str, list[str]] | None = None,
    heading: Iterable[str] = (),
) -> None:
    """Write the pathway as TOML; `notes` (by stage id) and `heading` as comments, for what
    an import guessed, so the facilitator can check it."""
    data = pathway_toml(pathway, notes, heading).encode("utf-8")
    write_atomic(path, data, replace=replace, private=False)

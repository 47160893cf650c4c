"""Writing a pathway as a TOML file a facilitator can read and edit by hand."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Pathway
from .safe_write import write_atomic


def toml_string(value: str) -> str:
    """A TOML basic string. JSON's escapes are all valid TOML; TOML also forbids raw DEL."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: object) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "".join(f"  {_value(v)},\n" for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _table(fields: dict[str, object]) -> str:
    return "".join(f"{key} = {_value(value)}\n" for key, value in fields.items())


def pathway_toml(pathway: Pathway) -> str:
    data = pathway.dump()
    stages = data.pop("stages")
    transitions = data.pop("transitions")
    parts = [_table(data)]
    parts += ["\n[[stages]]\n" + _table(s) for s in stages]
    parts += ["\n[[transitions]]\n" + _table(t) for t in transitions]
    return "".join(parts)


def write_pathway(pathway: Pathway, path: Path, *, replace: bool = False) -> None:
    write_atomic(path, pathway_toml(pathway).encode("utf-8"), replace=replace, private=False)

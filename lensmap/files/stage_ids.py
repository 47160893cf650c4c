"""Stage ids for a pathway read from another tool's file, made from the names people gave
the stages there: readable, and unique within the pathway. Shared by every import."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_PLAIN_ID = re.compile(r"^[a-z0-9_-]+$")  # written as an id, not as a label for people


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "stage"


class StageNames:
    """Stages met while reading, named the way the spreadsheet names them (by id or label)."""

    def __init__(self) -> None:
        self.by_name: dict[str, str] = {}
        self.data: dict[str, dict[str, Any]] = {}

    def add(self, stage_id: str, fields: dict[str, Any]) -> None:
        self.data[stage_id] = {"id": stage_id, **fields}
        self.by_name[stage_id] = stage_id
        label = fields.get("label")
        if isinstance(label, str):
            self.by_name.setdefault(label.strip().casefold(), stage_id)

    def find_or_add(self, name: str) -> str:
        key = name.strip()
        found = self.by_name.get(key) or self.by_name.get(key.casefold())
        if found:
            return found
        stage_id = key if _PLAIN_ID.fullmatch(key) else slug(key)
        base, n = stage_id, 2
        while stage_id in self.data:
            stage_id, n = f"{base}-{n}", n + 1
        self.add(stage_id, {"label": key})
        return stage_id


def title_from_name(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else "Imported pathway"


YES = frozenset({"yes", "y", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0", ""})


def yes_or_no(value: object) -> bool | None:
    """A yes/no cell or attribute as a spreadsheet or drawing tool writes it (yes, no, true,
    false, 1, 0, x, empty), or None when it is neither."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def drawn_places(problems: list[Any], shapes: dict[str, str]) -> list[Any]:
    """Problems found in a pathway read from a drawing, placed by the drawing's own words:
    "stages[3] (id "assessment")" becomes "the shape “Assessment” (id c)", so the facilitator
    can find it in the drawing. `shapes` holds each stage id's words for its shape."""
    import dataclasses

    placed = []
    for problem in problems:
        place = problem.place or ""
        found = re.match(r'^stages\[\d+\] \(id "([^"]+)"\)', place)
        if found and found.group(1) in shapes:
            place = shapes[found.group(1)] + place[found.end() :]
            problem = dataclasses.replace(problem, place=place)
        placed.append(problem)
    return placed

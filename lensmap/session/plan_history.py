"""The plan's history as the session's log holds it: each issue's status and progress note
each time the plan brought them back (or the facilitator changed them in the app), with the
time, for actions still in force (an undone import is not part of it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..event.model import IssueNotes
from .actions import Entry, IssueEdited, PlanImported, Started
from .state import ActionRefused, replay

TRACKED = ("status", "effort", "owner", "timeframe", "action", "progress")


@dataclass(frozen=True)
class PlanStep:
    at: str
    source: str | None
    """The spreadsheet's name, or None for an edit in the app."""
    notes: IssueNotes
    changed: tuple[str, ...]


def plan_history(entries: Iterable[Entry]) -> dict[tuple[str, str], list[PlanStep]]:
    """Each issue's plan steps, oldest first, in the order issues first had one."""
    entries = list(entries)
    try:
        _start, _state, history = replay(entries)
    except ActionRefused:
        return {}  # a log that does not replay opens nowhere, so it has no plan to show
    held: dict[tuple[str, str], IssueNotes] = {}
    first = entries[0].action if entries else None
    if isinstance(first, Started):
        held = {notes.key: notes for notes in first.issues}
    steps: dict[tuple[str, str], list[PlanStep]] = {}
    for entry in history.done:
        changes: list[tuple[IssueNotes, str | None]]
        match entry.action:
            case PlanImported(file=file, issues=plan):
                changes = [(notes, file) for notes in plan]
            case IssueEdited(issue=notes):
                changes = [(notes, None)]
            case _:
                continue
        for notes, source in changes:
            before = held.get(notes.key)
            changed = tuple(
                name
                for name in TRACKED
                if getattr(notes, name) != (getattr(before, name) if before else None)
            )
            held[notes.key] = notes
            if changed:
                steps.setdefault(notes.key, []).append(PlanStep(entry.at, source, notes, changed))
    return steps

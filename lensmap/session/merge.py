"""Bringing together the sessions each team kept on its own laptop."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..event.model import PLAN_FIELDS, Event, IssueNotes, Journey
from ..files.problems import LoadError
from .actions import new_id
from .content import SessionContent


def _union(named: Sequence[tuple[str, list[Any]]], what: str, notes: list[str]) -> list[Any]:
    """Items by id; the first file to hold an id wins, and a differing copy is mentioned."""
    kept: dict[str, tuple[str, Any]] = {}
    for name, items in named:
        for item in items:
            if item.id not in kept:
                kept[item.id] = (name, item)
            elif kept[item.id][1] != item:
                notes.append(
                    f'{what} "{item.id}" differs between {kept[item.id][0]} and {name}; '
                    f"kept the one from {kept[item.id][0]}"
                )
    return [item for _, item in kept.values()]


def _journey(kept: tuple[str, Journey], name: str, other: Journey, notes: list[str]):
    kept_name, journey = kept
    if other == journey:
        return kept
    shorter, longer = sorted((journey.steps, other.steps), key=len)
    if longer[: len(shorter)] == shorter:
        # One is an earlier copy of the other: the longer one is the same walk, further on.
        return (kept_name, journey) if journey.steps is longer else (name, other)
    notes.append(
        f'the journey of "{journey.persona}" differs between {kept_name} and {name}; kept the '
        f"one from {kept_name} ({len(journey.steps)} steps); the other is still in {name}"
    )
    return kept


def _issue(kept: IssueNotes, name: str, other: IssueNotes, notes: list[str]) -> IssueNotes:
    update = {}
    for field in ("title", "votes", *PLAN_FIELDS):
        mine, theirs = getattr(kept, field), getattr(other, field)
        if theirs in (None, 0) or mine == theirs:
            continue
        if mine in (None, 0):
            update[field] = theirs
        else:
            notes.append(
                f'the {field} of the {kept.kind} issue at "{kept.stage}" differs in {name} '
                f"({theirs!r}); kept {mine!r}"
            )
    return kept.model_copy(update=update)


def merge_sessions(named: Sequence[tuple[str, SessionContent]]) -> tuple[SessionContent, list[str]]:
    """Union the work of several sessions of one pathway. Merging a session with itself, or
    merging the same file twice, adds nothing. Returns the merged content and notes on what
    could not be combined (nothing is dropped silently)."""
    if not named:
        raise LoadError.single("merge", "name at least one session to merge")
    first_name, first = named[0]
    for name, content in named[1:]:
        if content.pathway.id != first.pathway.id:
            raise LoadError.single(
                name,
                f'uses the pathway "{content.pathway.id}", but {first_name} uses '
                f'"{first.pathway.id}"; only sessions of the same pathway can be merged',
            )
        if content.pathway != first.pathway:
            raise LoadError.single(
                name,
                f'uses a different version of the pathway "{first.pathway.id}" from '
                f"{first_name} (its stages or transitions differ); merge sessions made from "
                "the same pathway file",
            )
    notes: list[str] = []
    event: dict[str, object] = {}
    for _, content in named:
        for key, value in content.event:
            if value and not event.get(key):
                event[key] = value
    teams = _union([(n, c.teams) for n, c in named], "team", notes)
    personas = _union([(n, c.personas) for n, c in named], "persona", notes)

    journeys: dict[str, tuple[str, Journey]] = {}
    tags: dict[str, Any] = {}
    issues: dict[tuple[str, str], IssueNotes] = {}
    for name, content in named:
        for journey in content.journeys:
            found = journeys.get(journey.persona)
            journeys[journey.persona] = (
                _journey(found, name, journey, notes) if found else (name, journey)
            )
        for tag in content.tags:
            if tag.id not in tags:
                tags[tag.id] = tag
            elif tags[tag.id] != tag:
                fresh = new_id("t")
                notes.append(
                    f'tag "{tag.id}" in {name} differs from the one of that id already merged; '
                    f'both kept, the second as "{fresh}"'
                )
                tags[fresh] = tag.model_copy(update={"id": fresh})
        for issue in content.issues:
            found_issue = issues.get(issue.key)
            issues[issue.key] = _issue(found_issue, name, issue, notes) if found_issue else issue
    merged = SessionContent(
        event=Event.model_validate(event),
        pathway=first.pathway,
        teams=teams,
        personas=personas,
        journeys=[j for _, j in journeys.values()],
        tags=list(tags.values()),
        issues=list(issues.values()),
    )
    return merged, notes

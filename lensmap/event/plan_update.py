"""What a filled-in plan changes in a session: each row matched to its issue by stage and
kind (never by rank, which moves), and nothing guessed. A row that matches no issue, names
an issue another row contradicts, or names a stage whose name has changed is listed for the
facilitator, and only rows that match exactly one issue change anything."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from .model import PLAN_FIELDS, IssueKind, IssueNotes, Pathway, Tag

NOT_STARTED = "not started"
"""The status of an issue nobody has set one for: a plan row saying so changes nothing."""


@dataclass(frozen=True)
class PlanLine:
    """One row of the plan: the issue it names and what it says about the issue. `values`
    holds the plan fields (PLAN_FIELDS) whose columns the file has, None where the cell is
    blank; a blank cell leaves what the session holds."""

    row: int
    stage_id: str | None
    stage: str | None
    kind: str
    values: Mapping[str, str | None]


@dataclass(frozen=True)
class IssueChange:
    rows: tuple[int, ...]
    before: IssueNotes | None
    after: IssueNotes
    fields: tuple[str, ...]
    """The plan fields the row changes, in PLAN_FIELDS order."""

    @property
    def key(self) -> tuple[str, str]:
        return self.after.key


@dataclass(frozen=True)
class Unmatched:
    row: int
    stage: str
    kind: str
    why: str


@dataclass(frozen=True)
class Renamed:
    """A row matched by its stage id whose stage is called something else in the session."""

    row: int
    stage: str
    in_file: str
    in_session: str


@dataclass(frozen=True)
class Conflict:
    """Rows naming one issue and saying different things about it: none of them is used."""

    rows: tuple[int, ...]
    stage: str
    kind: str
    field: str
    values: tuple[str, ...]


@dataclass
class PlanUpdate:
    changes: list[IssueChange] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def plan(self) -> list[IssueNotes]:
        """Each changed issue's notes as the plan leaves them (for the session's action)."""
        return [change.after for change in self.changes]


def _words(value: str) -> str:
    return " ".join(value.split()).casefold()


def _same(name: str, before: str | None, after: str) -> bool:
    if name == "status" and before is None:
        return after == NOT_STARTED
    return before == after


def plan_update(
    pathway: Pathway,
    tags: Iterable[Tag],
    notes: Mapping[tuple[str, str], IssueNotes],
    lines: Iterable[PlanLine],
) -> PlanUpdate:
    """What the plan's rows change, against the session as it stands."""
    update = PlanUpdate()
    issues = {(tag.stage, tag.kind) for tag in tags if tag.kind != "positive"}
    by_label: dict[str, list[str]] = {}
    for each in pathway.stages:
        by_label.setdefault(_words(each.label), []).append(each.id)
    found: dict[tuple[str, str], list[PlanLine]] = {}
    for line in lines:
        stage, renamed = _stage_of(pathway, by_label, line, update)
        if stage is None:
            continue
        if (stage, line.kind) not in issues:
            update.unmatched.append(
                Unmatched(
                    line.row,
                    stage,
                    line.kind,
                    "the session has no such issue (no tags of this kind at this stage)",
                )
            )
            continue
        if renamed is not None:
            update.renamed.append(renamed)
        found.setdefault((stage, line.kind), []).append(line)
    for key, matched in found.items():
        said = _agreed(key, matched, update)
        if said is None:
            continue
        before = notes.get(key)
        held = before or IssueNotes(stage=key[0], kind=cast(IssueKind, key[1]))
        changed = {
            name: value
            for name, value in said.items()
            if value is not None and not _same(name, getattr(held, name), value)
        }
        if not changed:
            update.unchanged.append(key)
            continue
        after = IssueNotes.model_validate({**held.model_dump(), **changed})
        fields = tuple(name for name in PLAN_FIELDS if name in changed)
        rows = tuple(line.row for line in matched)
        update.changes.append(IssueChange(rows, before, after, fields))
    return update


def _stage_of(
    pathway: Pathway, by_label: dict[str, list[str]], line: PlanLine, update: PlanUpdate
) -> tuple[str | None, Renamed | None]:
    """The stage a row names: by its stage id where the file has one (with a Renamed if the
    name beside it differs), otherwise by its name, which must be exactly one stage's."""
    said = line.stage_id or line.stage or ""
    if line.stage_id:
        if line.stage_id not in pathway.stages_by_id:
            near = by_label.get(_words(line.stage or ""), [])
            hint = f"; the stage called “{line.stage}” now has the id “{near[0]}”" if near else ""
            update.unmatched.append(
                Unmatched(line.row, said, line.kind, f"no stage has this id in the session{hint}")
            )
            return None, None
        label = pathway.label_of(line.stage_id)
        if line.stage and _words(line.stage) != _words(label):
            other = [s for s in by_label.get(_words(line.stage), []) if s != line.stage_id]
            if other:  # the name is another stage's: not a rename, a row that disagrees
                update.unmatched.append(
                    Unmatched(
                        line.row,
                        line.stage_id,
                        line.kind,
                        f"its stage id is “{label}”, but its stage column names another "
                        f"stage, “{line.stage}”; make the two agree",
                    )
                )
                return None, None
            return line.stage_id, Renamed(line.row, line.stage_id, line.stage, label)
        return line.stage_id, None
    ids = by_label.get(_words(said), [])
    if not ids and said in pathway.stages_by_id:
        ids = [said]
    if len(ids) == 1:
        return ids[0], None
    if ids:
        why = f"{len(ids)} stages have this name; add the stage id column to tell them apart"
    else:
        labels = [s.label for s in pathway.stages]
        close = difflib.get_close_matches(said, labels, n=1, cutoff=0.6)
        why = "no stage has this name in the session"
        if close:
            why += f" (the nearest is “{close[0]}”: was it renamed?)"
    update.unmatched.append(Unmatched(line.row, said, line.kind, why))
    return None, None


def _agreed(
    key: tuple[str, str], matched: list[PlanLine], update: PlanUpdate
) -> dict[str, str | None] | None:
    """What the rows naming one issue say, or None if two of them disagree."""
    said: dict[str, str | None] = {}
    clash = False
    for name in PLAN_FIELDS:
        values = [line.values.get(name) for line in matched]
        distinct = tuple(dict.fromkeys(v for v in values if v is not None))
        if len(distinct) > 1:
            rows = tuple(line.row for line in matched)
            update.conflicts.append(Conflict(rows, key[0], key[1], name, distinct))
            clash = True
        said[name] = distinct[0] if distinct else None
    return None if clash else said

"""A session's state is a replay of its log; undo and redo are actions too, so nothing is lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from ..event.model import Event, IssueNotes, Journey, Pathway, Persona, Step, Tag, Team
from ..files.problems import errors
from ..wording.screen_text import shown
from .actions import (
    Action,
    Entry,
    EventEdited,
    IssueEdited,
    OutcomeSet,
    PlanImported,
    Redone,
    Started,
    SteppedBack,
    StepTaken,
    TagAdded,
    TagDeleted,
    TagEdited,
    Undone,
    WindowSet,
)
from .content import SessionContent, content_problems


class ActionRefused(Exception):
    """An action that does not fit the session as it stands (it is never stored).

    Its message names personas and stages, so it is worded to be shown: no control character
    from the session reaches the screen."""

    def __str__(self) -> str:
        return shown(super().__str__())


@dataclass
class SessionState:
    event: Event
    pathway: Pathway
    teams: dict[str, Team]
    personas: dict[str, Persona]
    journeys: dict[str, Journey] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    issues: dict[tuple[str, str], IssueNotes] = field(default_factory=dict)

    @classmethod
    def from_content(cls, content: SessionContent) -> SessionState:
        problems = errors(content_problems(content, "session"))
        if problems:
            raise ActionRefused("; ".join(f"{p.place}: {p.message}" for p in problems))
        return cls(
            event=content.event,
            pathway=content.pathway,
            teams={t.id: t for t in content.teams},
            personas={p.id: p for p in content.personas},
            journeys={j.persona: j for j in content.journeys},
            tags=dict(zip(map(attrgetter("id"), content.tags), content.tags, strict=True)),
            issues={n.key: n for n in content.issues},
        )

    def content(self) -> SessionContent:
        return SessionContent(
            event=self.event,
            pathway=self.pathway,
            teams=list(self.teams.values()),
            personas=list(self.personas.values()),
            journeys=list(self.journeys.values()),
            tags=list(self.tags.values()),
            issues=list(self.issues.values()),
        )

    def copy(self) -> SessionState:
        # Models are frozen, so copying the containers is enough for an independent state.
        return SessionState(
            self.event,
            self.pathway,
            dict(self.teams),
            dict(self.personas),
            dict(self.journeys),
            dict(self.tags),
            dict(self.issues),
        )

    # -- checks shared by the actions -------------------------------------------------------
    def check_stage(self, stage: str) -> None:
        if stage not in self.pathway.stages_by_id:
            raise ActionRefused(f'stage "{stage}" is not in the pathway')

    def check_persona(self, persona: str | None) -> None:
        if persona is not None and persona not in self.personas:
            raise ActionRefused(f'persona "{persona}" is not in this session')

    def journey_of(self, persona: str, *, open_: bool = True) -> Journey:
        journey = self.journeys.get(persona)
        if journey is None or not journey.steps:
            raise ActionRefused(f"{self.name_of(persona)} has not started a journey yet")
        if open_ and journey.outcome is not None:
            raise ActionRefused(
                f"{self.name_of(persona)}'s journey has ended; take it up again first"
            )
        return journey

    def name_of(self, persona: str) -> str:
        found = self.personas.get(persona)
        return found.name if found else persona

    def check_tag(self, tag: Tag) -> None:
        self.check_stage(tag.stage)
        self.check_persona(tag.persona)


MISSING = object()
"""What a change replaced where there was nothing before (a first step, a new tag)."""

Changes = list[tuple[str, object, object]]
"""What one action replaced, as (part of the state, key, the value before), so that undo
takes it back without replaying the log: quick however long the session."""


def apply(state: SessionState, action: Action) -> Changes:
    """Apply one action, or raise ActionRefused having changed nothing. Returns what it
    replaced, for `revert`."""
    changes: Changes = []

    def put(part: str, key: object, value: object) -> None:
        held = getattr(state, part)
        changes.append((part, key, held.get(key, MISSING)))
        held[key] = value

    match action:
        case EventEdited(event=event):
            changes.append(("event", None, state.event))
            state.event = event
        case StepTaken(persona=persona, stage=stage, window=window):
            state.check_persona(persona)
            state.check_stage(stage)
            journey = state.journeys.get(persona) or Journey(persona=persona)
            if journey.outcome is not None:
                raise ActionRefused(f"{state.name_of(persona)}'s journey has ended")
            step = Step(stage=stage, window=window)
            put("journeys", persona, journey.model_copy(update={"steps": [*journey.steps, step]}))
        case SteppedBack(persona=persona):
            journey = state.journey_of(persona)
            put("journeys", persona, journey.model_copy(update={"steps": journey.steps[:-1]}))
        case WindowSet(persona=persona, step=number, window=window):
            journey = state.journey_of(persona, open_=False)
            if number > len(journey.steps):
                raise ActionRefused(f"{state.name_of(persona)}'s journey has no step {number}")
            steps = list(journey.steps)
            steps[number - 1] = steps[number - 1].model_copy(update={"window": window})
            put("journeys", persona, journey.model_copy(update={"steps": steps}))
        case OutcomeSet(persona=persona, outcome=outcome):
            journey = state.journey_of(persona, open_=False)
            put("journeys", persona, journey.model_copy(update={"outcome": outcome}))
        case TagAdded(tag=tag):
            if tag.id in state.tags:
                raise ActionRefused(f'there is already a tag "{tag.id}"')
            state.check_tag(tag)
            put("tags", tag.id, tag)
        case TagEdited(tag=tag):
            if tag.id not in state.tags:
                raise ActionRefused(f'there is no tag "{tag.id}"')
            state.check_tag(tag)
            put("tags", tag.id, tag)
        case TagDeleted(id=tag_id):
            if tag_id not in state.tags:
                raise ActionRefused(f'there is no tag "{tag_id}"')
            changes.append(("tags", tag_id, state.tags.pop(tag_id)))
        case IssueEdited(issue=notes):
            state.check_stage(notes.stage)
            put("issues", notes.key, notes)
        case PlanImported(issues=plan):
            if len({notes.key for notes in plan}) != len(plan):
                raise ActionRefused("the plan names one issue more than once")
            for notes in plan:
                state.check_stage(notes.stage)
            for notes in plan:
                put("issues", notes.key, notes)
        case Started():
            raise ActionRefused("a session can only start once")
        case _:
            raise ActionRefused(f"{type(action).__name__} cannot be applied directly")
    return changes


def revert(state: SessionState, changes: Changes) -> None:
    """Take back what `apply` did, latest change first."""
    for part, key, before in reversed(changes):
        if part == "event":
            assert isinstance(before, Event)
            state.event = before
        elif before is MISSING:
            del getattr(state, part)[key]
        else:
            getattr(state, part)[key] = before


@dataclass
class History:
    """What can be undone (oldest first) and what can be redone (most recent last)."""

    done: list[Entry] = field(default_factory=list)
    undone: list[Entry] = field(default_factory=list)
    changes: list[Changes] = field(default_factory=list)
    """What each action in `done` replaced, in the same order (filled in as they apply)."""
    deeper: bool = False
    """Opened from a checkpoint: more actions in force lie below `done`, folded into the state
    the checkpoint held (undo reads the whole log before going past them)."""

    def after(self, entry: Entry) -> None:
        """Move the history on by one logged entry, which is known to be valid."""
        match entry.action:
            case Undone(target=target):
                if not self.done or self.done[-1].id != target:
                    raise ActionRefused(f"undo of {target} does not match the history")
                self.undone.append(self.done.pop())
            case Redone(target=target):
                if not self.undone or self.undone[-1].id != target:
                    raise ActionRefused(f"redo of {target} does not match the history")
                self.done.append(self.undone.pop())
            case _:
                self.done.append(entry)
                self.undone.clear()


def replay(entries: list[Entry]) -> tuple[Started, SessionState, History]:
    """Fold the whole log into a state. Raises ActionRefused naming the first bad entry.

    Undo and redo only move entries between the two stacks, so the stacks are worked out first
    and the actions still in force applied once: opening a long session stays linear.
    """
    if not entries or not isinstance(entries[0].action, Started):
        raise ActionRefused("the log does not begin with the start of a session")
    start = entries[0].action
    history = History()
    current = entries[0]
    try:
        for current in entries[1:]:
            history.after(current)
        state = SessionState.from_content(start)
        for current in history.done:
            history.changes.append(apply(state, current.action))
    except ActionRefused as exc:
        raise ActionRefused(f"action {current.seq} ({current.action.type}): {exc}") from None
    return start, state, history

"""A session's state is a replay of its log; undo and redo are actions too, so nothing is lost."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from ..event.model import Event, IssueNotes, Journey, Pathway, Persona, Step, Tag, Team
from ..files.problems import errors
from ..wording.screen_text import shown
from .actions import (
    Action,
    DotGiven,
    Entry,
    EventEdited,
    IssueEdited,
    NoteDecided,
    NoteSent,
    OutcomeSet,
    PlanImported,
    Redone,
    RoomSet,
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
    room: dict[str, bool] = field(default_factory=dict)
    """How the room works, as the facilitator set it (RoomSet): each setting that is on.
    Not session content; rebuilt from the log."""
    held: dict[str, Tag] = field(default_factory=dict)
    """Notes from the room's phones waiting for the facilitator: not tags, not in `content()`
    (so never exported); rebuilt from the log on opening."""

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
            dict(self.room),
            dict(self.held),
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


MAX_VOTES = 10_000  # as IssueNotes.votes allows
MISSING = object()
"""What a change replaced where there was nothing before (a first step, a new tag)."""

Change = tuple[str, object, object, object]
Changes = list[Change]
"""What one action replaced, as (part of the state, key, the value before, the value after),
so that undo takes it back without replaying the log (quick however long the session), and
can tell whether anything changed it since (another window)."""


def apply(state: SessionState, action: Action) -> Changes:
    """Apply one action, or raise ActionRefused having changed nothing. Returns what it
    replaced, for `revert`."""
    changes: Changes = []

    def put(part: str, key: object, value: object) -> None:
        held = getattr(state, part)
        changes.append((part, key, held.get(key, MISSING), value))
        held[key] = value

    match action:
        case EventEdited(event=event):
            changes.append(("event", None, state.event, event))
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
            changes.append(("tags", tag_id, state.tags.pop(tag_id), MISSING))
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
        case NoteSent(tag=tag):
            if tag.id in state.tags or tag.id in state.held:
                raise ActionRefused(f'there is already a note "{tag.id}"')
            state.check_tag(tag)
            # Held for the facilitator, unless the room shows phones' notes as they come.
            put("tags" if state.room.get("notes_at_once") else "held", tag.id, tag)
        case NoteDecided(id=note_id, accepted=accepted):
            held = state.held.get(note_id)
            if held is None:
                raise ActionRefused("that note from the room has already been dealt with")
            changes.append(("held", note_id, state.held.pop(note_id), MISSING))
            if accepted:
                put("tags", note_id, held)
        case DotGiven(stage=stage, kind=kind):
            state.check_stage(stage)
            notes = state.issues.get((stage, kind)) or IssueNotes(stage=stage, kind=kind)
            if notes.votes >= MAX_VOTES:
                raise ActionRefused("that issue has as many votes as lensmap counts")
            put("issues", notes.key, notes.model_copy(update={"votes": notes.votes + 1}))
        case RoomSet(setting=setting, on=on):
            if on == state.room.get(setting, False):
                raise ActionRefused(f"the room is already set that way ({setting})")
            if on:
                put("room", setting, True)
            else:
                changes.append(("room", setting, state.room.pop(setting), MISSING))
        case Started():
            raise ActionRefused("a session can only start once")
        case _:
            raise ActionRefused(f"{type(action).__name__} cannot be applied directly")
    return changes


def revert(state: SessionState, changes: Changes) -> None:
    """Take back what `apply` did, latest change first."""
    for part, key, before, _after in reversed(changes):
        _put(state, part, key, before)


def restore(state: SessionState, changes: Changes) -> None:
    """Put back what `revert` took back (an undo that could not be saved)."""
    for part, key, _before, after in changes:
        _put(state, part, key, after)


def _put(state: SessionState, part: str, key: object, value: object) -> None:
    if part == "event":
        assert isinstance(value, Event)
        state.event = value
    elif value is MISSING:
        getattr(state, part).pop(key, None)
    else:
        getattr(state, part)[key] = value


def what_changed(state: SessionState, change: Change) -> str:
    """A change's part of the session in words, for "changed in another window since"."""
    part, key, before, after = change
    if part == "journeys":
        return f"{state.name_of(str(key))}'s journey"
    if part == "tags":
        tag = after if isinstance(after, Tag) else before
        if isinstance(tag, Tag):
            return f"the note at {state.pathway.label_of(tag.stage)}"
        return "that note"
    if part == "room":
        return "the room's settings"
    if part == "held":
        return "that note from the room"
    if part == "issues" and isinstance(key, tuple):
        return f"the plan for {state.pathway.label_of(str(key[0]))}"
    return "the event's details"


Device = str | None
"""The window or device that took an action (None: one that did not say, as before)."""


@dataclass
class History:
    """What can be undone and redone. Each window undoes only its own actions (by their
    device), latest first; an action can be taken back only while no action in force since
    has changed any part of what it changed (whoever took it), and taken again only while
    none has since it was undone.

    `done`: every action in force, in the order each came into force; beside it `changes`
    (what each replaced) and `since` (when it came into force, counting every action in,
    undo and redo). `undone`: the actions undone and not yet taken again, in the order
    they were undone; beside it `undone_changes` (what each had replaced, None where not
    known: opened from a checkpoint) and `undone_since` (when it was undone)."""

    done: list[Entry] = field(default_factory=list)
    undone: list[Entry] = field(default_factory=list)
    changes: list[Changes] = field(default_factory=list)
    undone_changes: list[Changes | None] = field(default_factory=list)
    since: list[int] = field(default_factory=list)
    undone_since: list[int] = field(default_factory=list)
    moves: int = 0
    deeper: bool = False
    """Opened from a checkpoint: more actions in force lie below `done`, folded into the state
    the checkpoint held (undo reads the whole log before going past them)."""

    def last_done(self, device: Device) -> int | None:
        """Where in `done` the device's latest action in force is, if there is one."""
        return _last(self.done, device)

    def last_undone(self, device: Device) -> int | None:
        return _last(self.undone, device)

    def _move(self) -> int:
        self.moves += 1
        return self.moves

    def taken(self, entry: Entry, changes: Changes) -> None:
        """An action (not an undo or redo) has come into force: the device's redo ends."""
        self.done.append(entry)
        self.changes.append(changes)
        self.since.append(self._move())
        device = entry.device
        if self.undone and any(e.device == device for e in self.undone):
            keep = [i for i, e in enumerate(self.undone) if e.device != device]
            self.undone = [self.undone[i] for i in keep]
            self.undone_changes = [self.undone_changes[i] for i in keep]
            self.undone_since = [self.undone_since[i] for i in keep]

    def took_back(self, at: int) -> Changes:
        """The action at `done[at]` was undone: it moves to `undone`."""
        changes = self.changes.pop(at)
        self.since.pop(at)
        self.undone.append(self.done.pop(at))
        self.undone_changes.append(changes)
        self.undone_since.append(self._move())
        return changes

    def took_again(self, at: int, changes: Changes) -> None:
        """The action at `undone[at]` was redone, changing `changes`."""
        self.done.append(self.undone.pop(at))
        self.undone_changes.pop(at)
        self.undone_since.pop(at)
        self.changes.append(changes)
        self.since.append(self._move())

    def changed_after(self, at: int) -> Change | None:
        """The first part of what `done[at]` changed that an action in force after it changed
        too (another window's): then it cannot be taken back."""
        return _first_shared(self.changes[at], self.changes[at + 1 :])

    def changed_since_undone(self, at: int) -> Change | None:
        """The first part of what `undone[at]` had changed that another window's action in
        force since it was undone has changed: then it cannot be taken again."""
        earlier = self.undone_changes[at]
        if earlier is None:
            return None
        when, device = self.undone_since[at], self.undone[at].device
        # The window's own redos since are its redo stack unwinding, in order: not a clash.
        since_undone = (
            changes
            for entry, changes, since in zip(self.done, self.changes, self.since, strict=True)
            if since > when and entry.device != device
        )
        return _first_shared(earlier, since_undone)

    def redo_out_of_turn(self, at: int) -> bool:
        """Whether a redo of `undone[at]` is one a lensmap that keeps one history for all
        would not follow: not the latest undone, or something came into force since."""
        when, device = self.undone_since[at], self.undone[at].device
        return at != len(self.undone) - 1 or any(
            since > when and entry.device != device
            for entry, since in zip(self.done, self.since, strict=True)
        )


def _first_shared(changes: Changes, others: Iterable[Changes]) -> Change | None:
    """The first of `changes` whose part of the session (part and key) any of `others`
    changes too."""
    mine = {(change[0], change[1]): change for change in changes}
    for other in others:
        for part, key, *_ in other:
            if (part, key) in mine:
                return mine[(part, key)]
    return None


def _last(entries: list[Entry], device: Device) -> int | None:
    """The device's latest entry that undo can take back: a pause of the whole room, or its
    carrying on, is never undone (ctrl+z after a pause would pause every screen again)."""
    for at in range(len(entries) - 1, -1, -1):
        entry = entries[at]
        if entry.device == device and not _a_pause(entry.action):
            return at
    return None


def _a_pause(action: object) -> bool:
    return isinstance(action, RoomSet) and action.setting == "paused"


def take(state: SessionState, history: History, entry: Entry) -> Changes:
    """Move the session on by one logged entry (any kind), checking it as it was checked when
    it was taken: raises ActionRefused, having changed nothing, if it does not fit. Returns
    what it changed."""
    device = entry.device
    match entry.action:
        case Undone(target=target):
            at = history.last_done(device)
            if at is None or history.done[at].id != target:
                raise ActionRefused(f"undo of {target} does not match the history")
            if history.changed_after(at) is not None:
                raise ActionRefused(f"undo of {target} takes back what was changed since")
            changes = history.changes[at]
            revert(state, changes)
            history.took_back(at)
            return changes
        case Redone(target=target):
            at = history.last_undone(device)
            if at is None or history.undone[at].id != target:
                raise ActionRefused(f"redo of {target} does not match the history")
            if history.changed_since_undone(at) is not None:
                raise ActionRefused(f"redo of {target} repeats what was changed since")
            changes = apply(state, history.undone[at].action)
            history.took_again(at, changes)
            return changes
        case Started():
            raise ActionRefused("a session can only start once")
        case action:
            changes = apply(state, action)
            history.taken(entry, changes)
            return changes


def replay(entries: Sequence[Entry]) -> tuple[Started, SessionState, History]:
    """Fold the whole log into a state, each entry in turn as the windows that took them did.
    Raises ActionRefused naming the first bad entry."""
    if not entries or not isinstance(entries[0].action, Started):
        raise ActionRefused("the log does not begin with the start of a session")
    start = entries[0].action
    history = History()
    current = entries[0]
    try:
        state = SessionState.from_content(start)
        for current in itertools.islice(entries, 1, None):
            take(state, history, current)
    except ActionRefused as exc:
        raise ActionRefused(f"action {current.seq} ({current.action.type}): {exc}") from None
    return start, state, history

"""The actions a facilitator takes during an event; a session is the log of them."""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..event.model import Event, Identifier, IssueKind, IssueNotes, Tag, Text, Window
from .content import SessionContent


class _Action(BaseModel):
    # Each kind of action is made ready to read and write the first time one is wanted: a
    # session holds only a few kinds, and making all of them ready cost start-up 20-40 ms.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Started(SessionContent):
    """Always the first action: everything the session begins with (a new event's pathway and
    vignettes, or the whole of an imported or merged session). It cannot be undone."""

    type: Literal["session.start"] = "session.start"


class EventEdited(_Action):
    type: Literal["event.edit"] = "event.edit"
    event: Event


class StepTaken(_Action):
    """The persona moves on to a stage (along a transition, or by a jump: real journeys skip)."""

    type: Literal["journey.step"] = "journey.step"
    persona: Identifier
    stage: Identifier
    window: Window | None = None


class SteppedBack(_Action):
    type: Literal["journey.back"] = "journey.back"
    persona: Identifier


class WindowSet(_Action):
    """Where the persona was relative to their window of tolerance at one step (numbered from 1)."""

    type: Literal["journey.window"] = "journey.window"
    persona: Identifier
    step: Annotated[int, Field(ge=1)]
    window: Window | None


class OutcomeSet(_Action):
    """End the journey with an outcome, or (outcome None) take it up again."""

    type: Literal["journey.outcome"] = "journey.outcome"
    persona: Identifier
    outcome: Text | None


class TagAdded(_Action):
    type: Literal["tag.add"] = "tag.add"
    tag: Tag


class TagEdited(_Action):
    type: Literal["tag.edit"] = "tag.edit"
    tag: Tag


class TagDeleted(_Action):
    type: Literal["tag.delete"] = "tag.delete"
    id: Identifier


class IssueEdited(_Action):
    type: Literal["issue.edit"] = "issue.edit"
    issue: IssueNotes


class PlanImported(_Action):
    """The implementation group's plan brought back from a spreadsheet: each issue's notes as
    the plan left them. One action, so one undo takes the whole import back."""

    type: Literal["plan.import"] = "plan.import"
    file: Text
    """The spreadsheet's name (not where it was: that may say who keeps it)."""
    issues: Annotated[list[IssueNotes], Field(min_length=1)]


class NoteSent(_Action):
    """A note from one of the room's phones: held, off the wall and out of every export,
    until the facilitator decides (NoteDecided). It never says who sent it."""

    type: Literal["room.note"] = "room.note"
    tag: Tag


class NoteDecided(_Action):
    """The facilitator put a note from the room on the wall (a tag like any other), or hid
    it: a hidden note stays in the log and nowhere else."""

    type: Literal["room.decide"] = "room.decide"
    id: Identifier
    accepted: bool


class DotGiven(_Action):
    """One of a phone's dot votes, given to an issue: it counts in the issue's votes, which
    every screen keeps hidden until the facilitator shows them. `phone` is the phone's
    random id, so each phone's dots can be counted against the number it may give."""

    type: Literal["room.dot"] = "room.dot"
    phone: Annotated[str, Field(pattern=r"^p[a-z0-9]{4,23}$")]
    stage: Identifier
    kind: IssueKind


RoomSetting = Literal["paused", "ended", "notes_at_once"]
ROOM_SETTINGS: tuple[str, ...] = ("paused", "ended", "notes_at_once")


class RoomSet(_Action):
    """The facilitator's window set how the room works, for every window and phone:
    "paused" (every screen's pause screen), "ended" (no more notes, dots or team changes),
    "notes_at_once" (a phone's note goes on the wall as it arrives, not held)."""

    type: Literal["room.set"] = "room.set"
    setting: RoomSetting
    on: bool


class Undone(_Action):
    type: Literal["undo"] = "undo"
    target: str


class Redone(_Action):
    type: Literal["redo"] = "redo"
    target: str


Action = Annotated[
    Started
    | EventEdited
    | StepTaken
    | SteppedBack
    | WindowSet
    | OutcomeSet
    | TagAdded
    | TagEdited
    | TagDeleted
    | IssueEdited
    | PlanImported
    | NoteSent
    | NoteDecided
    | DotGiven
    | RoomSet
    | Undone
    | Redone,
    Field(discriminator="type"),
]
KINDS: dict[str, type[BaseModel]] = {
    kind.model_fields["type"].default: kind
    for kind in (
        Started,
        EventEdited,
        StepTaken,
        SteppedBack,
        WindowSet,
        OutcomeSet,
        TagAdded,
        TagEdited,
        TagDeleted,
        IssueEdited,
        PlanImported,
        NoteSent,
        NoteDecided,
        DotGiven,
        RoomSet,
        Undone,
        Redone,
    )
}
"""Each action's model by the name the log's `type` column gives it."""


@functools.cache
def _reader(kind: str | None, many: bool = True) -> TypeAdapter:
    """Reads a JSON list of actions of one kind (or, kind None, of any kind), or one action."""
    model: Any = KINDS[kind] if kind is not None else Action
    return TypeAdapter(list[model] if many else model)


def read_actions(rows: Sequence[tuple[Any, Any]]) -> list | None:
    """The actions of (type column, JSON text) rows in their order, read in one pass (several
    times quicker than one by one), or None if any row is not as lensmap writes it: then
    each is to be read alone with `read_action`, to say which one is damaged.

    The rows of each kind are read together. The type column is only a guide: if it names
    no action, or a row does not read as the action it names (with its own "type"), every row
    is read as whichever kind its JSON says. Each row must be one JSON object on its own
    terms (starting with "{" and ending with "}", and the one pass must find as many actions
    as there are rows); rows damaged so that they join into valid actions could still pass,
    as they could when every row was read in one pass before."""
    if not all(_one_object(data) for _kind, data in rows):
        return None
    groups: dict[Any, list[int]] = {}
    for at, (kind, _data) in enumerate(rows):
        groups.setdefault(kind, []).append(at)
    if all(kind in KINDS for kind in groups):
        found: list = [None] * len(rows)
        try:
            for kind, where in groups.items():
                read = _reader(kind).validate_json(
                    "[" + ",".join(rows[at][1] for at in where) + "]"
                )
                if len(read) != len(where):
                    return None  # a row that holds more than one action
                if not all("type" in action.model_fields_set for action in read):
                    raise _NotItsKind  # a row with no "type" of its own
                for at, action in zip(where, read, strict=True):
                    found[at] = action
            return found
        except (ValidationError, _NotItsKind):
            pass
    try:
        read = _reader(None).validate_json("[" + ",".join(data for _kind, data in rows) + "]")
    except ValidationError:
        return None
    return read if len(read) == len(rows) else None


def read_action(kind: Any, data: Any) -> Any:
    """One action from its type column and JSON text; raises ValidationError."""
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is not None:
        try:
            action = model.model_validate_json(data)
        except ValidationError:
            pass
        else:
            if "type" in action.model_fields_set:
                return action
    return _reader(None, many=False).validate_json(data)


class _NotItsKind(Exception):
    """A row read as the kind its type column names, but without a "type" of its own."""


def _one_object(data: object) -> bool:
    """As lensmap writes a row (any other row is read alone, which also accepts spaces)."""
    return isinstance(data, str) and data.startswith("{") and data.endswith("}")


@dataclass(frozen=True)
class Entry:
    """One line of the log: an action, when it was taken, and its own id (kept across merges).
    The id ends with the window or device that took it, where one was named (`new_id`)."""

    seq: int
    id: str
    at: str
    action: Action

    @functools.cached_property
    def device(self) -> str | None:
        return device_of(self.id)


BY = "@"
"""Between an action's own id and its device's: "a3f9c2b1d0@w7km4x9q2". Older lensmaps treat
an id as a whole, so their files and these open in either."""
DEVICE = re.compile(r"[a-z0-9]{4,24}")


def new_id(prefix: str = "", device: str | None = None) -> str:
    """A fresh id; an action's ends with the device that took it (never a person's name)."""
    own = prefix + secrets.token_hex(5)
    return f"{own}{BY}{device}" if device else own


def device_of(action_id: str) -> str | None:
    """The device an action's id names, or None (taken where none was named, as before)."""
    if BY not in action_id:
        return None
    _own, by, device = action_id.rpartition(BY)
    return device if by and DEVICE.fullmatch(device) else None


def new_device(kind: str = "w") -> str:
    """A random id for one window ("w") or phone ("p") for as long as it is open: the letter
    and 8 letters and digits (about 41 bits). Nothing about the computer or the person is in
    it."""
    return kind + "".join(secrets.choice("23456789abcdefghjkmnpqrstuvwxyz") for _ in range(8))

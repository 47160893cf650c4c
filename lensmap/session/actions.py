"""The actions a facilitator takes during an event; a session is the log of them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ..model import Event, Identifier, IssueNotes, Tag, Text, Window
from .content import SessionContent


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


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
    | Undone
    | Redone,
    Field(discriminator="type"),
]
ACTION = TypeAdapter(Action)


@dataclass(frozen=True)
class Entry:
    """One line of the log: an action, when it was taken, and its own id (kept across merges)."""

    seq: int
    id: str
    at: str
    action: Action  # type: ignore[valid-type]


def new_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(5)

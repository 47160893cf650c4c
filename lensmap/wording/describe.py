"""Actions described in plain words, for confirmations and undo messages, and the names of
stages, personas and teams as every screen shows them (see screen_text: no control character
from a file reaches the terminal)."""

from __future__ import annotations

from collections.abc import Sequence

from ..session.actions import (
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
    SteppedBack,
    StepTaken,
    TagAdded,
    TagDeleted,
    TagEdited,
    Undone,
    WindowSet,
)
from ..session.state import SessionState
from .screen_text import shown
from .vocabulary import KIND_WORD, WINDOW_SHORT


def stage_label(state: SessionState, stage: str) -> str:
    """A stage's label as shown on screen (its id if the pathway has no such stage)."""
    return shown(state.pathway.label_of(stage))


def local_time(at: str) -> str:
    """When an action was taken, as the facilitator's own clock says it: "14:32 on 1 December"
    (stored in UTC; shown as the stored text if it is not a time)."""
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        return shown(at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    when = when.astimezone()
    return f"{when:%H:%M} on {when.day} {when:%B %Y}"


def persona_name(state: SessionState, persona: str | None) -> str:
    """A persona's name as shown on screen ("general" for a tag about no one)."""
    if persona is None:
        return "general"
    found = state.personas.get(persona)
    return shown(found.name if found else persona)


def team_name(state: SessionState, team: str | None) -> str:
    """A team's name as shown on screen ("" for none)."""
    found = state.teams.get(team or "")
    return shown(found.name) if found else ""


ROOM_WORDS = {
    "paused": ("every screen paused", "every screen carried on"),
    "ended": ("the event ended", "the event taken up again"),
    "notes_at_once": ("phones' notes go on the wall at once", "phones' notes held for you"),
}


def describe_action(action: object, state: SessionState) -> str:
    match action:
        case StepTaken(persona=p, stage=s):
            return f"{persona_name(state, p)} to {stage_label(state, s)}"
        case SteppedBack(persona=p):
            return f"{persona_name(state, p)} stepped back"
        case WindowSet(persona=p, step=n, window=w):
            window = WINDOW_SHORT[w] if w else "window cleared"
            return f"{persona_name(state, p)} step {n}: {window}"
        case OutcomeSet(persona=p, outcome=o):
            return f"{persona_name(state, p)}: " + (
                f"ended ({shown(o)})" if o else "journey taken up again"
            )
        case TagAdded(tag=t) | TagEdited(tag=t):
            verb = "tag" if isinstance(action, TagAdded) else "edited tag"
            return f"{verb}: {KIND_WORD[t.kind]} at {stage_label(state, t.stage)}"
        case TagDeleted(id=i):
            return f"deleted tag {i}"
        case IssueEdited(issue=n):
            return f"issue at {stage_label(state, n.stage)} edited"
        case PlanImported(file=file, issues=plan):
            n = len(plan)
            return f"plan from {shown(file)} ({n} issue{'s' * (n != 1)})"
        case EventEdited():
            return "event details edited"
        case NoteSent(tag=t):
            return f"note from the room: {KIND_WORD[t.kind]} at {stage_label(state, t.stage)}"
        case RoomSet(setting=setting, on=on):
            return ROOM_WORDS[setting][0 if on else 1]
        case DotGiven():
            return "a dot from the room"  # never where: the votes are hidden until shown
        case NoteDecided(accepted=accepted):
            return "note from the room " + ("put on the wall" if accepted else "hidden")
    return type(action).__name__


def describe_entry(entry: Entry, entries: Sequence[Entry], state: SessionState) -> str:
    """An entry of the log in words; an undo or redo names what it took back or took again
    (looked for in `entries`, latest first)."""
    action = entry.action
    if not isinstance(action, Undone | Redone):
        return describe_action(action, state)
    word = "undone" if isinstance(action, Undone) else "redone"
    for earlier in reversed(entries):
        if earlier.id == action.target:
            return f"{word}: {describe_action(earlier.action, state)}"
    return f"{word}: an earlier action"


def note_start(note: str, width: int = 40) -> str:
    """The start of a note, quoted, so a confirmation shows what was stored: “Nobody expl…”."""
    text = " ".join(shown(note).split())
    if not text:
        return "(no note)"
    return f"“{text[: width - 1]}…”" if len(text) > width else f"“{text}”"

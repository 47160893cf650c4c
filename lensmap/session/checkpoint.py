"""A checkpoint: the state a long session had reached, kept in its own file so that opening
it does not replay every action. The log stays the source of truth: a checkpoint is only used
when it covers exactly the rows the log holds now (a digest of them), when it reads as
strictly as an action would (it is as much hostile input as the rest of the file), and when
the actions after it and at the top of the undo stack fit it. Anything else, and the whole log
is replayed as if there were no checkpoint; nothing about a checkpoint is ever an error.

It is kept in the `about` table under two keys (what it covers, and the state), so the schema
is the one every lensmap has made: an older lensmap opens, appends to and copies these files as
before, and what it appends after the checkpoint is replayed from it. The digest covers the
state as stored as well as the log, so an edit to either (by a database tool, say) is noticed
and the log replayed. It cannot stop a file made to deceive: such a file can say anything in
its log too, and whatever a checkpoint says is checked as any session content is."""

from __future__ import annotations

import bisect
import hashlib
import sqlite3
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..files.problems import LoadError
from .actions import Entry, Redone, Started, Undone
from .content import SessionContent
from .state import ActionRefused, History, SessionState, apply, revert, take

KEY = "checkpoint"
STATE_KEY = "checkpoint state"
FROM = 5_000
"""Sessions shorter than this (in actions) are replayed in full: that is quick enough."""
EVERY = 1_000
"""A checkpoint is written again on closing once this many actions came after it."""
KEEP = 500
"""Actions at the top of the undo stack that a checkpoint leaves out of its state, so that
they are applied (and can be undone without reading the log) on opening."""

Row = tuple[Any, ...]
Seq = Annotated[int, Field(ge=1)]


class Stored(BaseModel):
    """What a checkpoint covers: the log up to action `seq`, and the undo and redo stacks as
    it had them there; beside it (under STATE_KEY) the state after every action in force
    there except the top `done` ones."""

    # Made ready when a checkpoint is first read or written, not on every start-up.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    format: Literal[1] = 1
    seq: Seq
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    done: list[Seq]  # the top of the undo stack, oldest first; not in `content`
    undone: list[Seq]  # the redo stack, most recently undone last
    deeper: bool  # whether actions in force lie below `done` (they are in `content`)


def digest(rows: Sequence[Row], count: int, state: str) -> str | None:
    """A digest of what the first `count` rows say (their numbers, ids and actions: when each
    was taken, and the type column, are not read into the state) and of the state stored for
    them. None if a row is not as lensmap writes rows: then no checkpoint can stand for it."""
    h = hashlib.sha256(state.encode("utf-8", "surrogatepass"))
    covered = rows[:count]
    try:
        h.update(array("q", map(itemgetter(0), covered)).tobytes())
        for column in (1, 4):  # id and data: text, or no digest at all
            h.update(b"\x1f")
            for at in range(0, count, 2048):  # a little at a time: less memory to find
                part = covered[at : at + 2048]
                h.update("\x1e".join(map(itemgetter(column), part)).encode() + b"\x1e")
    except (TypeError, OverflowError, UnicodeEncodeError):
        return None
    return h.hexdigest()[:32]


class Log(Sequence[Entry]):
    """Every entry of the log, each read from its row only when it is first wanted: those
    under a checkpoint are not read on opening. `read` makes an Entry of a row, or raises
    LoadError naming the action that cannot be read."""

    def __init__(self, rows: Sequence[Row], read: Callable[[Row], Entry]) -> None:
        self._rows = rows
        self._read = read
        self._items: list[Entry | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        item = self._items[index]
        if item is None:
            item = self._items[index] = self._read(self._rows[index])
        return item

    def __iter__(self) -> Iterator[Entry]:
        for i in range(len(self._items)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    def append(self, entry: Entry) -> None:
        self._items.append(entry)


@dataclass
class Resumed:
    start: Started
    state: SessionState
    history: History
    entries: Log
    seq: int  # the last action the checkpoint covers
    replayed: int  # actions read and applied on opening


def find(about: Sequence[Row]) -> tuple[str, str] | None:
    """The checkpoint's two texts, if the file holds both (as text)."""
    found = {key: value for key, value in about if key in (KEY, STATE_KEY)}
    header, state = found.get(KEY), found.get(STATE_KEY)
    if isinstance(header, str) and isinstance(state, str):
        return header, state
    return None


def resume(rows: Sequence[Row], about: Sequence[Row], read: Callable[[Row], Entry]):
    """The session as of the checkpoint and the actions after it, or None: no checkpoint, or
    one that does not stand for this log (then the whole log is to be replayed)."""
    texts = find(about)
    if texts is None or len(rows) < 2:
        return None
    try:
        stored = Stored.model_validate_json(texts[0])
    except ValidationError:
        return None
    seqs = list(map(itemgetter(0), rows))
    at = bisect.bisect_left(seqs, stored.seq)
    if at >= len(rows) or seqs[at] != stored.seq:
        return None  # the log is shorter than it was
    if digest(rows, at + 1, texts[1]) != stored.digest:
        return None  # the log, or the state stored, is not as the checkpoint was made
    try:
        content = SessionContent.model_validate_json(texts[1])
    except ValidationError:
        return None
    log = Log(rows, read)
    try:
        return _resume(log, seqs, at, stored, content)
    except (ActionRefused, LookupError, LoadError):
        return None  # LoadError: a row after it, or at the top of a stack, cannot be read


def _resume(log: Log, seqs: list[int], at: int, stored: Stored, content: SessionContent) -> Resumed:
    first = log[0]
    start = first.action
    if not isinstance(start, Started) or (content.pathway, content.teams, content.personas) != (
        start.pathway,
        start.teams,
        start.personas,
    ):
        raise ActionRefused("not this session's checkpoint")  # no action changes those

    def entry(seq: int) -> Entry:
        i = bisect.bisect_left(seqs, seq, 0, at + 1)
        found = log[i] if i <= at and seqs[i] == seq else None
        if found is None or isinstance(found.action, Started | Undone | Redone):
            raise LookupError(seq)
        return found

    if len(set(stored.done) | set(stored.undone)) != len(stored.done) + len(stored.undone):
        raise LookupError("an action in both stacks")
    undone = [entry(s) for s in stored.undone]
    history = History(deeper=stored.deeper)
    state = SessionState.from_content(content)
    for current in map(entry, stored.done):
        history.taken(current, apply(state, current.action))
    history.undone, history.undone_changes = undone, [None] * len(undone)
    history.undone_since = [history.moves] * len(undone)  # as of the checkpoint
    tail = log[at + 1 :]
    last = log[len(log) - 1]  # what the app shows as when the session was last added to
    for current in tail:
        # An undo reaching below `done` does not match it, and is refused: then the whole log.
        take(state, history, current)
    replayed = len({id(e) for e in (first, last, *history.done, *history.undone, *tail)})
    return Resumed(start, state, history, log, stored.seq, replayed)


def due(rows: Sequence[Row], covered: int | None) -> bool:
    """Whether closing should write a checkpoint: a long session, and none that is recent."""
    if len(rows) < FROM:
        return False
    last = rows[-1][0]
    return covered is None or last - covered >= EVERY


def make(rows: Sequence[Row], state: SessionState, history: History) -> list[Row] | None:
    """The checkpoint of the session as it is now, as `about` rows (None if the history in
    memory does not say what each action in force changed: then there is none to make)."""
    if len(history.changes) != len(history.done) or state.held or state.room:
        return None  # notes from the room still held are not session content: the log, then
    keep = min(KEEP, len(history.done))
    earlier = state.copy()
    for changes in reversed(history.changes[len(history.changes) - keep :]):
        revert(earlier, changes)
    text = earlier.content().model_dump_json(by_alias=True)
    sums = digest(rows, len(rows), text)
    if sums is None:
        return None
    stored = Stored(
        seq=rows[-1][0],
        digest=sums,
        done=[e.seq for e in history.done[len(history.done) - keep :]],
        undone=[e.seq for e in history.undone],
        deeper=history.deeper or len(history.done) > keep,
    )
    return [(KEY, stored.model_dump_json()), (STATE_KEY, text)]


def write(conn: sqlite3.Connection, last: int, about: list[Row]) -> None:
    """Store a checkpoint in its own transaction, if the log still ends at action `last`.
    Raises sqlite3.Error; whatever happens, the log is as it was."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        (stored_last,) = conn.execute("SELECT max(seq) FROM actions").fetchone()
        if stored_last == last:
            conn.executemany("INSERT OR REPLACE INTO about (key, value) VALUES (?, ?)", about)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise

"""The session file: an append-only SQLite log, one durable transaction per action."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from .. import __version__
from ..problems import LoadError
from ..safe_write import move_into_place, refuse_existing, temporary_beside
from .actions import ACTION, Entry, Redone, Started, Undone, new_id
from .content import SessionContent
from .state import ActionRefused, SessionState, apply, rebuild, replay

APPLICATION_ID = 0x4C454E53  # "LENS", in the SQLite header so other tools can tell our files
FORMAT = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
IN_USE = (
    "is open in another lensmap window; carry on there, or close it and try again "
    "(nothing was changed)"
)

SCHEMA = """
CREATE TABLE actions (
    seq  INTEGER PRIMARY KEY,
    id   TEXT NOT NULL UNIQUE,
    at   TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SaveFailed(Exception):
    """An action could not be stored; it has not happened."""


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    # A short busy timeout: a session held by another window is reported, not waited on.
    conn = sqlite3.connect(
        uri, uri=True, isolation_level=None, check_same_thread=False, timeout=1.0
    )
    try:
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA fullfsync = ON")  # macOS: fsync alone does not reach the disk
    except BaseException:
        conn.close()
        raise
    return conn


def check_header(path: Path) -> None:
    """Tell a lensmap session from anything else using only its first bytes (nothing is written)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except FileNotFoundError:
        raise LoadError.single(path, "no such session file; check the name and folder") from None
    except IsADirectoryError:
        raise LoadError.single(path, "is a folder, not a session file") from None
    except OSError as exc:
        raise LoadError.single(path, f"cannot be read ({exc.strerror or exc})") from None
    if not head:
        raise LoadError.single(path, "is empty; it is not a lensmap session")
    if not head.startswith(SQLITE_MAGIC):
        if head.lstrip()[:1] == b"{":
            raise LoadError.single(
                path,
                "is a JSON file; to use it as a session, run "
                f'lensmap session import "{path}" -o NEW.lens',
            )
        raise LoadError.single(path, "is not a lensmap session file")
    if len(head) < 100:
        raise LoadError.single(path, "is damaged (cut short); it was left as it is")
    if int.from_bytes(head[68:72], "big") != APPLICATION_ID:
        raise LoadError.single(path, "is a database, but not a lensmap session")
    version = int.from_bytes(head[60:64], "big")
    if version > FORMAT:
        raise LoadError.single(
            path,
            f"was saved by a newer lensmap (session format {version}; this lensmap reads "
            f"format {FORMAT}). Update lensmap to open it; the file was left as it is.",
        )


class SessionStore:
    """One session file, open. Every action is committed to disk before it counts as done."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        entries: list[Entry],
        clock: Clock,
        readonly: bool,
    ) -> None:
        self.path = path
        self._conn = conn
        self._clock = clock
        self.readonly = readonly
        self.entries = entries
        self.start, self.state, self.history = replay(entries)

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | Path,
        content: SessionContent,
        *,
        exclusive: bool = False,
        clock: Clock = utc_now,
    ) -> SessionStore:
        """Start a new session file (never replacing one that exists)."""
        path = Path(path)
        refuse_existing(path)
        start = Started(**dict(content))
        try:
            SessionState.from_content(start)
        except ActionRefused as exc:
            raise LoadError.single(path, f"cannot start this session: {exc}") from None
        tmp = temporary_beside(path)
        try:
            conn = _connect(tmp, "rw")
            try:
                conn.executescript(SCHEMA)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {FORMAT}")
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO about VALUES ('created_by', ?)", (f"lensmap {__version__}",)
                )
                conn.execute(
                    "INSERT INTO actions (seq, id, at, type, data) VALUES (1, ?, ?, ?, ?)",
                    (
                        new_id("a"),
                        clock().isoformat(),
                        start.type,
                        start.model_dump_json(by_alias=True),
                    ),
                )
                conn.execute("COMMIT")
            finally:
                conn.close()
            move_into_place(tmp, path)
        except sqlite3.Error as exc:
            raise LoadError.single(path, f"could not be created ({exc})") from None
        finally:
            tmp.unlink(missing_ok=True)
        return cls.open(path, exclusive=exclusive, clock=clock)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        readonly: bool = False,
        exclusive: bool = False,
        clock: Clock = utc_now,
    ) -> SessionStore:
        """Open a session. `exclusive` (the app) keeps every other lensmap out until closed, so
        a second window can never take actions that the first does not see."""
        path = Path(path)
        check_header(path)
        if not readonly and not os.access(path, os.W_OK):
            raise LoadError.single(path, "is read-only; copy it somewhere you can write to")
        if readonly and os.path.exists(f"{path}-journal") and os.access(path, os.W_OK):
            cls._recover(path)
        try:
            conn = _connect(path, "ro" if readonly else "rw")
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            if "locked" in str(exc):
                raise LoadError.single(path, IN_USE) from None
            raise LoadError.single(path, f"cannot be opened ({exc})") from None
        try:
            if exclusive and not readonly:
                cls._hold(path, conn)
            entries = cls._read(path, conn)
            return cls(path, conn, entries, clock, readonly)
        except ActionRefused as exc:
            conn.close()
            raise LoadError.single(path, f"is damaged: {exc}; it was left as it is") from None
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def _hold(path: Path, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")  # the lock stays with this connection until it closes
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise LoadError.single(path, IN_USE) from None
            raise

    @staticmethod
    def _recover(path: Path) -> None:
        """Finish SQLite's own recovery after a crash (rolling back a half-written action),
        which a read-only connection cannot do. Confirmed actions are untouched."""
        try:
            conn = _connect(path, "rw")
            try:
                conn.execute("SELECT count(*) FROM actions").fetchone()
            finally:
                conn.close()
        except (sqlite3.Error, UnicodeDecodeError):
            pass  # reading will report the file as it is

    @staticmethod
    def _read(path: Path, conn: sqlite3.Connection) -> list[Entry]:
        try:
            (check,) = conn.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise LoadError.single(path, f"is damaged ({check}); it was left as it is")
            rows = conn.execute("SELECT seq, id, at, type, data FROM actions ORDER BY seq")
            entries = []
            for seq, action_id, at, _type, data in rows:
                try:
                    if not (isinstance(action_id, str) and isinstance(at, str)):
                        raise TypeError
                    action = ACTION.validate_json(data)
                except (ValidationError, TypeError):
                    raise LoadError.single(
                        path, f"is damaged: action {seq} cannot be read; it was left as it is"
                    ) from None
                entries.append(Entry(seq, action_id, at, action))
            return entries
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            if "locked" in str(exc):
                raise LoadError.single(path, IN_USE) from None
            # a damaged file can hold text that is not UTF-8 where SQLite expects it
            raise LoadError.single(path, f"is damaged ({exc}); it was left as it is") from None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- recording --------------------------------------------------------------------------
    def _write(self, action: object) -> Entry:
        if self.readonly:
            raise SaveFailed(f"{self.path} is open read-only")
        last = self.entries[-1].seq
        entry = Entry(last + 1, new_id("a"), self._clock().isoformat(), action)
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                (stored_last,) = conn.execute("SELECT max(seq) FROM actions").fetchone()
                if stored_last != last:
                    raise SaveFailed(
                        f"{self.path} was changed by another lensmap; reopen it to carry on"
                    )
                conn.execute(
                    "INSERT INTO actions (seq, id, at, type, data) VALUES (?, ?, ?, ?, ?)",
                    (
                        entry.seq,
                        entry.id,
                        entry.at,
                        action.type,
                        action.model_dump_json(by_alias=True),
                    ),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise SaveFailed(f"could not save to {self.path} ({exc})") from None
        self.entries.append(entry)
        return entry

    def record(self, action: object) -> Entry:
        """Check an action against the session, store it durably, then make it count.

        Raises ActionRefused (the action does not fit; nothing stored) or SaveFailed.
        """
        if isinstance(action, Undone | Redone | Started):
            raise ActionRefused("use undo() and redo() for those")
        state = self.state.copy()
        apply(state, action)
        entry = self._write(action)
        self.state = state
        self.history.after(entry)
        return entry

    @property
    def can_undo(self) -> bool:
        return bool(self.history.done)

    @property
    def can_redo(self) -> bool:
        return bool(self.history.undone)

    def undo(self) -> Entry | None:
        """Take back the latest action still in force (the log keeps both)."""
        if not self.history.done:
            return None
        target = self.history.done[-1]
        entry = self._write(Undone(target=target.id))
        self.history.after(entry)
        self.state = rebuild(self.start, self.history.done)
        return target

    def redo(self) -> Entry | None:
        if not self.history.undone:
            return None
        target = self.history.undone[-1]
        state = self.state.copy()
        apply(state, target.action)
        entry = self._write(Redone(target=target.id))
        self.history.after(entry)
        self.state = state
        return target

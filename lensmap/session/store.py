"""The session file: an append-only SQLite log, one durable transaction per action."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import re
import sqlite3
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..files.problems import LoadError, refuse_newer
from ..storage.safe_write import (
    DRIVE_ERROR,
    FOLDER_GONE,
    FULL,
    IN_USE_NOW,
    NOT_ALLOWED,
    READ_ONLY,
    Fault,
    folder_fault,
    move_into_place,
    new_temporary,
    os_fault,
    place_new,
    refuse_existing,
    remove_leftovers,
    remove_temporary,
    temporary_beside,
)
from . import checkpoint
from .actions import (
    Action,
    DotGiven,
    Entry,
    NoteDecided,
    NoteSent,
    Redone,
    RoomSet,
    Started,
    Undone,
    new_id,
    read_action,
    read_actions,
)
from .content import SessionContent
from .state import (
    ActionRefused,
    Changes,
    SessionState,
    apply,
    replay,
    restore,
    revert,
    take,
    what_changed,
)

APPLICATION_ID = 0x4C454E53  # "LENS", in the SQLite header so other tools can tell our files
FORMAT = 1
"""The format a new session is written in."""
ROOM_ACTIONS = (NoteSent, NoteDecided, DotGiven, RoomSet)
"""Actions a lensmap that reads only FORMAT does not know (see SessionStore._commit)."""
SHARED_WAIT = 3.0  # seconds a window waits for another window's save before saying so
OTHER_WINDOW_SAVING = Fault(
    "another lensmap window (or another program) is saving to the session file just now",
    "try again in a moment",
)
SHARED_FORMAT = 2
"""A session in which a window undid or redid out of turn (other windows had acted since): a
lensmap that reads only FORMAT would misread that log, so it is told the file is newer."""
SQLITE_MAGIC = b"SQLite format 3\x00"
IN_USE = (
    "is open in another lensmap window; carry on there, or close it and try again "
    "(nothing was changed)"
)

# Every lensmap so far has made exactly these tables (git history: the schema never changed).
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
moment = time.monotonic
UNSEEN_FOR = 1.0
"""Seconds after another window's change shows in which it counts as not yet seen: an action
on the same journey, note or plan is refused ("look again") rather than stored over it."""
Row = tuple[Any, ...]  # one row of `actions` exactly as stored: seq, id, at, type, data
INSERT_ACTION = "INSERT INTO actions (seq, id, at, type, data) VALUES (?, ?, ?, ?, ?)"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SaveFailed(Exception):
    """An action could not be stored; it has not happened. The message says why and what to do
    (it has no full stop at the end, so a caller can add a sentence)."""


# -- connecting: nothing in a file can run before lensmap has checked it ----------------------
_LOCKED_DOWN = (  # Python 3.12+: SQLite's own switches, where this SQLite has them
    ("SQLITE_DBCONFIG_DEFENSIVE", True),
    ("SQLITE_DBCONFIG_TRUSTED_SCHEMA", False),
    ("SQLITE_DBCONFIG_ENABLE_TRIGGER", False),
    ("SQLITE_DBCONFIG_ENABLE_VIEW", False),
)


def _connect(
    path: Path, mode: str, *, immutable: bool = False, wait: float = 1.0
) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={mode}" + ("&immutable=1" if immutable else "")
    # A short busy timeout: a session held by another window is reported, not waited on.
    conn = sqlite3.connect(
        uri, uri=True, isolation_level=None, check_same_thread=False, timeout=wait
    )
    conn = _locked_down(conn)  # the first statement that reads the file is in here
    if wait != 1.0:
        conn.execute(f"PRAGMA busy_timeout = {int(max(wait, 1.0) * 1000)}")
    return conn


def _locked_down(conn: sqlite3.Connection) -> sqlite3.Connection:
    try:
        # Before anything reads the schema: functions and virtual tables named in a file's
        # own schema may not run, and (where Python can say so) no trigger or view at all.
        conn.execute("PRAGMA trusted_schema = OFF")
        if hasattr(conn, "setconfig"):
            for name, value in _LOCKED_DOWN:
                option = getattr(sqlite3, name, None)
                if option is not None:
                    with contextlib.suppress(sqlite3.Error, ValueError):
                        conn.setconfig(option, value)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA fullfsync = ON")  # macOS: fsync alone does not reach the disk
    except BaseException:
        conn.close()
        raise
    return conn


def _journal_in_use(path: Path) -> bool:
    """Whether the session's rollback journal holds a transaction: one being written right
    now, or one cut off by a crash. lensmap keeps the journal between actions (PERSIST) with
    its header zeroed once each action is committed; SQLite never treats a journal whose first
    byte is zero as holding anything."""
    try:
        with open(f"{path}-journal", "rb") as handle:
            first = handle.read(1)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume the worst (recover, or wait and read again)
    return first not in (b"", b"\x00")


SNAPSHOT_TRIES = 60  # times 50 ms: how long a reader waits for an action being written
BEING_WRITTEN = (
    "is being written by the lensmap window that has it open, and did not settle; try again "
    "in a moment (nothing was changed)"
)


def _snapshot(path: Path) -> sqlite3.Connection:
    """The session as of its last saved action, for reading a file another lensmap holds (the
    app keeps SQLite's exclusive lock for as long as it is open, so no reader can take even a
    shared one). The holder commits each action as a whole, journal first: the file is read
    whole, twice, with its journal seen empty before, between and after, and used only when
    both readings are the same. The copy lives in memory; the file is never written."""

    for _ in range(SNAPSHOT_TRIES):
        try:
            if not _journal_in_use(path):
                first = Path(path).read_bytes()
                if not _journal_in_use(path):
                    second = Path(path).read_bytes()
                    if first == second and not _journal_in_use(path):
                        break
        except OSError as exc:
            raise LoadError.single(path, f"cannot be read ({exc.strerror or exc})") from None
        time.sleep(0.05)
    else:
        raise LoadError.single(path, BEING_WRITTEN)
    if not first.startswith(SQLITE_MAGIC) or not hasattr(sqlite3.Connection, "deserialize"):
        raise LoadError.single(path, IN_USE)
    conn = _locked_down(sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False))
    try:
        conn.deserialize(first)
        conn.execute("PRAGMA query_only = ON")
    except (sqlite3.Error, OverflowError) as exc:
        conn.close()
        raise LoadError.single(path, f"is damaged ({exc}); it was left as it is") from None
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
    refuse_newer(
        path, "session format", version, SHARED_FORMAT, tail="; the file was left as it is"
    )


# -- only lensmap's own schema --------------------------------------------------------------
Part = tuple[Any, Any, Any, Any]  # type, name, tbl_name, sql (its whitespace made even)


def _even(sql: str) -> str:
    """The SQL with its whitespace made even: runs of it become one space, and none is kept
    beside brackets and commas (where it never separates words). Nothing else changes: any
    other difference (a quote, a letter's case, a comment) makes the part another one."""
    return re.sub(r" ?([(),]) ?", r"\1", " ".join(sql.split()))


def _part(row: tuple[Any, ...]) -> Part:
    kind, name, table, sql = row
    return kind, name, table, _even(sql) if isinstance(sql, str) else sql


@functools.cache
def _lensmap_parts() -> Counter[Part]:
    """What SCHEMA makes, as SQLite records it (with the indexes it adds for UNIQUE keys)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(SCHEMA)
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    finally:
        conn.close()
    return Counter(_part(r) for r in rows)


def _describe(part: Part) -> str:
    kind, name, _, sql = part
    if kind == "table" and isinstance(sql, str) and sql.upper().startswith("CREATE VIRTUAL"):
        kind = "virtual table"
    kind = kind if isinstance(kind, str) else "part"
    name = str(name)
    if len(name) > 60:
        name = name[:60] + "..."
    article = "an" if kind[:1] in "aeiou" else "a"
    return f'{article} {kind} "{name}"'


def check_schema(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse a file whose tables, columns, indexes, triggers or views are not exactly the ones
    lensmap makes: another program's SQL in a session file (a trigger rewriting notes as they
    are saved, a view standing in for the log) must never run, nor be mistaken for the log.
    Reading sqlite_master runs nothing from the file."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    found = Counter(_part(r) for r in rows)
    expected = _lensmap_parts()
    if found == expected:
        return
    extra, missing = found - expected, expected - found
    missing_names = {(kind, name) for kind, name, _, _ in missing}
    changed = [p for p in extra if (p[0], p[1]) in missing_names]
    added = [p for p in extra if (p[0], p[1]) not in missing_names]
    if extra:
        described = [_describe(p) for p in added] + [_changed(p) for p in changed]
        raise LoadError.single(
            path,
            f"holds database parts lensmap did not make ({', '.join(sorted(described))}); "
            "it was not opened and was left as it is",
        )
    lacking = ", ".join(sorted(_describe(p) for p in missing))
    raise LoadError.single(
        path,
        f"lacks parts every lensmap session has ({lacking}); it is damaged or was made by "
        "another program. It was not opened and was left as it is",
    )


def _changed(part: Part) -> str:
    _, rest = _describe(part).split(" ", 1)
    return f"the {rest}, not as lensmap makes it"


# -- faults in words ------------------------------------------------------------------------
DAMAGED_NOW = Fault(
    "the session file has been damaged on the disk",
    "do not delete it; keep lensmap open and ask for help",
    "lensmap still holds every action it showed",
)
DRIVE_GONE = Fault(
    "the drive that held the session is no longer there (a USB stick or network drive taken out?)",
    "put it back and try again",
    "everything saved before is on that drive, and lensmap still holds it: keep it open",
)
NO_MEMORY = Fault("the computer ran out of memory", "close other programs and try again")


def sqlite_fault(exc: sqlite3.Error, path: Path) -> Fault:
    """An SQLite error as what happened and what to do (Python 3.11+ gives its codes)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary == sqlite3.SQLITE_FULL or (primary is None and "disk is full" in text):
        return FULL
    if primary == sqlite3.SQLITE_READONLY:
        return folder_fault(path) or READ_ONLY
    if primary == sqlite3.SQLITE_CANTOPEN:
        return folder_fault(path) or Fault(
            "lensmap can no longer open files in the session's folder",
            "check that the folder is still there and can be written to, and try again",
        )
    if primary == sqlite3.SQLITE_IOERR:
        return folder_fault(path) or DRIVE_ERROR
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return IN_USE_NOW
    if primary in (sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        return NOT_ALLOWED
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return DAMAGED_NOW
    if primary == sqlite3.SQLITE_NOMEM:
        return NO_MEMORY
    return Fault(f"it could not be written ({exc})", "try again", "what was saved before is kept")


def _not_saved(fault: Fault, path: Path) -> str:
    what = fault.what[:1].upper() + fault.what[1:]
    todo = fault.todo[:1].upper() + fault.todo[1:]
    return f"{what}, so this was not saved to {path}. {todo}; {fault.kept}"


def _not_created(fault: Fault) -> str:
    return f"could not be written: {fault.what}; {fault.todo}"


def _fault(exc: BaseException, path: Path) -> Fault:
    if isinstance(exc, sqlite3.Error):
        return sqlite_fault(exc, path)
    if isinstance(exc, OSError):
        return os_fault(exc, path)
    raise exc


# -- the file under the app -------------------------------------------------------------------
def _read_header(fd: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, 100, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 100)


@dataclass
class _Watch:
    """What lensmap knows of the file it opened, to tell it from whatever is at its path now.

    `identity` is (st_dev, st_ino), or None where the file system gives no inode numbers
    (some Windows drives): then only a missing file is noticed, and on exclusive stores a
    change of size or header. `fd` (exclusive stores only) is kept open until the store
    closes, after SQLite: on POSIX, closing any descriptor of a file drops every lock this
    process holds on it, so a file SQLite holds is never opened and closed beside it."""

    identity: tuple[int, int] | None
    path: Path
    fd: int | None = None
    size: int = -1
    header: bytes = b""
    journal: tuple[int, int] | None = None  # SQLite keeps it between writes when exclusive
    stamp: tuple[int, int] | None = None  # (mtime, ctime) where there is no identity

    @classmethod
    def take(cls, path: Path, exclusive: bool) -> _Watch | None:
        try:
            now = os.stat(path)
        except OSError:
            return None
        watch = cls((now.st_dev, now.st_ino) if now.st_ino else None, path)
        if watch.identity is None:
            watch.stamp = _stamp(now)
        if exclusive:
            with contextlib.suppress(OSError):
                watch.fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
                watch.settle()
        return watch

    def settle(self) -> None:
        """Note the file's size and header as lensmap left them (after each commit)."""
        if self.identity is None:
            with contextlib.suppress(OSError):
                self.stamp = _stamp(os.stat(self.path))
        if self.fd is not None:
            self.size = os.fstat(self.fd).st_size
            self.header = _read_header(self.fd)
            with contextlib.suppress(OSError):
                now = os.stat(f"{self.path}-journal")
                self.journal = (now.st_dev, now.st_ino) if now.st_ino else None

    def remove_journal(self) -> None:
        """Remove the journal SQLite kept for this file, if the name still holds that one."""
        if self.journal is None:
            return
        name = Path(f"{self.path}-journal")
        with contextlib.suppress(OSError):
            now = os.stat(name)
            if (now.st_dev, now.st_ino) == self.journal:
                name.unlink()

    def state(self, path: Path) -> str:
        """ "same", "gone" (nothing at the path), "other" (another file there) or "changed"
        (this file, written into by something other than this lensmap)."""
        try:
            now = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return "gone"
        if not stat.S_ISREG(now.st_mode):
            return "other"
        if self.identity is not None and now.st_ino and (now.st_dev, now.st_ino) != self.identity:
            return "other"
        if self.identity is None and self.stamp is not None and _stamp(now) != self.stamp:
            return "other"  # no inode numbers: a file written or put there since, not by us
        if self.fd is not None and (
            now.st_size != self.size or _read_header(self.fd) != self.header
        ):
            return "changed"
        return "same"

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def _stamp(now: os.stat_result) -> tuple[int, int]:
    """When a file was last written and (Windows: created; POSIX: changed) — what tells one
    file from another where the file system has no inode numbers."""
    return (now.st_mtime_ns, now.st_ctime_ns)


def _retire(conn: sqlite3.Connection) -> None:
    """Close a connection to a file that is no longer at its path. Its journal name may now
    belong to whatever is there, so SQLite is first told to keep (not delete) the journal."""
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("PRAGMA journal_mode = PERSIST")
    with contextlib.suppress(sqlite3.Error):
        conn.close()


_COPY_SUFFIX = re.compile(r" \(lensmap copy \d{4}-\d\d-\d\d \d\d-\d\d(?: \d+)?\)$", re.ASCII)


def copy_names(path: Path, when: dt.datetime) -> Iterator[Path]:
    """Names beside `path` for a session that must continue in a new file: `event (lensmap
    copy 2026-12-01 10-42).lens`, then `... 10-42 2).lens` and so on (nothing Windows forbids)."""
    stem = _COPY_SUFFIX.sub("", path.stem) or "session"
    suffix = path.suffix or ".lens"
    stamp = when.strftime("%Y-%m-%d %H-%M")
    yield path.with_name(f"{stem} (lensmap copy {stamp}){suffix}")
    for n in range(2, 1000):
        yield path.with_name(f"{stem} (lensmap copy {stamp} {n}){suffix}")


# -- reading --------------------------------------------------------------------------------
@dataclass
class _Loaded:
    rows: list[Row]
    about: list[Row]
    application_id: int
    user_version: int
    schema_version: int
    version: int = 0  # SQLite's data_version when it was read


@contextlib.contextmanager
def _read_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if "locked" in str(exc):
            raise LoadError.single(path, IN_USE) from None
        # a damaged file can hold text that is not UTF-8 where SQLite expects it
        raise LoadError.single(path, f"is damaged ({exc}); it was left as it is") from None


def _fill(
    path: Path,
    about: list[Row],
    rows: list[Row],
    application_id: int = APPLICATION_ID,
    user_version: int = FORMAT,
) -> None:
    """Write a whole session into a new, empty file (synced when this returns)."""
    conn = _connect(path, "rw")
    try:
        conn.executescript(SCHEMA)
        conn.execute(f"PRAGMA application_id = {int(application_id)}")
        conn.execute(f"PRAGMA user_version = {int(user_version)}")
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO about (key, value) VALUES (?, ?)", about)
        conn.executemany(INSERT_ACTION, rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


LONG_SESSION = 5_000  # actions


def _entry(path: Path, row: Row, action: Action | None = None) -> Entry:
    """One row as an entry (its action read from it unless already read), or LoadError."""
    seq, action_id, at, kind, data = row
    try:
        if not (isinstance(action_id, str) and isinstance(at, str)):
            raise TypeError
        if action is None:
            action = read_action(kind, data)
    except (ValidationError, TypeError):
        raise LoadError.single(
            path, f"is damaged: action {seq} cannot be read; it was left as it is"
        ) from None
    return Entry(seq, action_id, at, action)


def _entries(path: Path, rows: list[Row]) -> list[Entry]:
    """Every row as an entry, or LoadError naming the first that cannot be read."""
    actions = read_actions([(row[3], row[4]) for row in rows]) or [None] * len(rows)
    return [_entry(path, row, action) for row, action in zip(rows, actions, strict=True)]


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Read a session without Python's cycle collector running: the actions and the state made
    from them are kept for as long as the session is open, and collecting again and again
    while they were made tripled the time to open 100,000 actions."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class SessionStore:
    """One session file, open. Every action is committed to disk before it counts as done.

    `notices` collects calm sentences about the file itself (written again after it was
    deleted, continued in a copy after it was replaced) for the app to show and clear."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        loaded: _Loaded,
        clock: Clock,
        readonly: bool,
        exclusive: bool = False,
        device: str | None = None,
    ) -> None:
        self.path = path
        self.device = device
        """The window's own id, ended onto each action it stores: undo and redo take back only
        its own. None for a lensmap that names none (the command line), as before."""
        self.arrived: list[Entry] = []
        """Actions other windows stored, read in and not yet shown (`take_arrived`)."""
        self._moved: dict[tuple[str, object], float] = {}
        """The parts of the session other windows changed, with when this window read it in."""
        self._conn = conn
        self._clock = clock
        self.readonly = readonly
        self.exclusive = exclusive and not readonly
        self._loaded = loaded
        self.notices: list[str] = []
        self.rescued: str | None = None
        self.held_elsewhere = False
        """Read-only, of a file another lensmap holds: what it shows is the last saved action."""
        self.closed = False
        """Set by close() if the session could not be kept at its path (where it went)."""
        self._watch = None if readonly else _Watch.take(path, self.exclusive)
        self._version = loaded.version  # read before the log, so nothing after it is missed
        # A long session is opened from its checkpoint where there is one that stands for
        # this very log; otherwise (and always for anything else) the whole log is replayed.
        resumed = checkpoint.resume(loaded.rows, loaded.about, functools.partial(_entry, path))
        self.entries: list[Entry] | checkpoint.Log
        self.checkpoint: int | None = None  # the last action the checkpoint used covers
        self.replayed: int  # how many actions opening read and applied
        if resumed is None:
            self.entries = _entries(path, loaded.rows)
            self.start, self.state, self.history = replay(self.entries)
            self.replayed = len(self.entries)
        else:
            self.entries = resumed.entries
            self.start, self.state, self.history = resumed.start, resumed.state, resumed.history
            self.checkpoint, self.replayed = resumed.seq, resumed.replayed

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | Path,
        content: SessionContent,
        *,
        exclusive: bool = False,
        device: str | None = None,
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
            from .. import __version__  # read from package metadata when a session is made

            about = [("created_by", f"lensmap {__version__}")]
            data = start.model_dump_json(by_alias=True)
            first = (1, new_id("a"), clock().isoformat(), start.type, data)
            _fill(tmp, about, [first])
            move_into_place(tmp, path)
        except (sqlite3.Error, OSError) as exc:
            raise LoadError.single(path, _not_created(_fault(exc, path))) from None
        finally:
            remove_temporary(tmp)
        return cls.open(path, exclusive=exclusive, device=device, clock=clock)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        readonly: bool = False,
        exclusive: bool = False,
        device: str | None = None,
        clock: Clock = utc_now,
    ) -> SessionStore:
        """Open a session. Several windows (each its own `device`) may have it open at once:
        each action is checked against the latest session inside its own write, and `refresh`
        reads in what the others stored. `exclusive` keeps every other lensmap out until
        closed instead.

        `readonly` opening works even while another lensmap holds the file: it then reads the
        session as of its last saved action (every action is saved as it is taken), and
        `held_elsewhere` says so."""
        path = Path(path)
        check_header(path)
        if not readonly and not os.access(path, os.W_OK):
            raise LoadError.single(path, "is read-only; copy it somewhere you can write to")
        if readonly and _journal_in_use(path) and os.access(path, os.W_OK):
            cls._recover(path)
        held = False
        try:
            # Reading never waits for the lock: the app's hold is not let go of until it closes.
            # A window beside others waits a little longer for their saves to finish.
            wait = 1.0 if exclusive else SHARED_WAIT
            conn = _connect(path, "ro", wait=0) if readonly else _connect(path, "rw", wait=wait)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            if "locked" not in str(exc):
                raise LoadError.single(path, f"cannot be opened ({exc})") from None
            if not readonly:
                raise LoadError.single(path, IN_USE) from None
            conn, held = _snapshot(path), True
        try:
            with _read_errors(path):
                check_schema(path, conn)  # before holding, reading or writing anything
            if exclusive and not readonly:
                cls._hold(path, conn)
            with _no_collection():
                loaded = cls._read(path, conn)
                store = cls(path, conn, loaded, clock, readonly, exclusive, device)
                store.held_elsewhere = held
                if len(store.entries) >= LONG_SESSION:
                    # A long session's objects are set aside from later collections, which
                    # would otherwise walk them all again (0.6 s at 100,000 actions) while
                    # the room waits for a frame.
                    gc.freeze()
        except ActionRefused as exc:
            conn.close()
            raise LoadError.single(path, f"is damaged: {exc}; it was left as it is") from None
        except BaseException:
            conn.close()
            raise
        if not readonly:
            remove_leftovers(path.parent)  # temporary files of a lensmap that was killed
        return store

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
        which a read-only connection cannot do. Confirmed actions are untouched. A file that
        is not lensmap's own is refused first, and not recovered either."""
        try:
            look = _connect(path, "ro", immutable=True)  # no locks, no journal, no writing
        except (sqlite3.Error, UnicodeDecodeError):
            look = None
        if look is not None:
            try:
                check_schema(path, look)
            except (sqlite3.Error, UnicodeDecodeError):
                pass  # half-written pages, say: the recovery below may put them right
            finally:
                look.close()
        try:
            conn = _connect(path, "rw")
            try:
                check_schema(path, conn)  # the first read is what rolls the journal back
            finally:
                conn.close()
        except (sqlite3.Error, UnicodeDecodeError):
            pass  # reading will report the file as it is

    @staticmethod
    def _read(path: Path, conn: sqlite3.Connection) -> _Loaded:
        with _read_errors(path):
            check_schema(path, conn)
            (version,) = conn.execute("PRAGMA data_version").fetchone()
            (check,) = conn.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise LoadError.single(path, f"is damaged ({check}); it was left as it is")
            (application_id,) = conn.execute("PRAGMA application_id").fetchone()
            (user_version,) = conn.execute("PRAGMA user_version").fetchone()
            (schema_version,) = conn.execute("PRAGMA schema_version").fetchone()
            about = conn.execute("SELECT key, value FROM about ORDER BY rowid").fetchall()
            rows = conn.execute(
                "SELECT seq, id, at, type, data FROM actions ORDER BY seq"
            ).fetchall()
            return _Loaded(rows, about, application_id, user_version, schema_version, version)

    def close(self) -> None:
        """Let go of the file, having made sure first that the session is at its path: a
        file deleted or replaced since the last action is dealt with as before an action, so
        quitting never leaves the room's work only in a file that no longer has a name. If
        even that fails, everything goes to lensmap's own folder (see `rescued`). Closing
        again does nothing."""
        if self.closed:
            return
        self.closed = True
        try:
            if self._watch is not None and not self.readonly:
                try:
                    self._make_sure_of_the_file()
                except SaveFailed as exc:
                    self.rescued = self._rescue(str(exc))
                else:
                    self._write_checkpoint()
        finally:
            self._conn.close()
            if self._watch is not None:
                self._watch.close()  # after SQLite has let go of the file

    def _write_checkpoint(self) -> None:
        """On closing a long session: keep the state it reached beside the log, so that the
        next opening need not replay it all. Only ever a help: if it cannot be written, the
        log (already saved) is all there is, as before."""
        rows = self._loaded.rows
        if not checkpoint.due(rows, self.checkpoint):
            return
        with _no_collection():
            about = checkpoint.make(rows, self.state, self.history)
        if about is None:
            return
        with contextlib.suppress(sqlite3.Error):
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            checkpoint.write(self._conn, rows[-1][0], about)

    def _rescue(self, why: str) -> str:
        """Write every action to a new file in lensmap's data folder; say where, or why not."""
        from ..storage.locations import data_dir

        beside = data_dir() / "rescued" / self.path.name
        loaded = self._loaded
        try:
            beside.parent.mkdir(parents=True, exist_ok=True)
            tmp = new_temporary(beside)
            try:
                _fill(tmp, loaded.about, loaded.rows, loaded.application_id, loaded.user_version)
                for placed in copy_names(beside, self._clock().astimezone()):
                    if place_new(tmp, placed):
                        break
                else:
                    raise FileExistsError(f"no free name in {beside.parent}")
            finally:
                remove_temporary(tmp)
        except (sqlite3.Error, OSError) as exc:
            return f"{why}. It could not be written elsewhere either ({exc}); nothing was kept"
        return (
            f"{why}. So that nothing is lost, every action was written to {placed}; open that "
            "file, or copy it back once the drive or folder is there again"
        )

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the file under the app -------------------------------------------------------------
    def _make_sure_of_the_file(self) -> None:
        """Before each write: is the file lensmap opened still at its path? If it was deleted,
        write the whole session there again; if another file has taken its place (or written
        into it), leave that alone and continue in a copy beside it."""
        if self._watch is None:
            return
        try:
            state = self._watch.state(self.path)
        except OSError as exc:
            raise SaveFailed(_not_saved(os_fault(exc, self.path), self.path)) from None
        if state != "same":
            self._continue_in_a_new_file(state)

    def _continue_in_a_new_file(self, state: str) -> None:
        old = self.path
        fault = folder_fault(old) or self._drive_gone(state)
        if fault in (FOLDER_GONE, DRIVE_GONE):
            raise SaveFailed(_not_saved(fault, old))  # not deleted: out of reach
        if fault is not None:
            raise SaveFailed(self._could_not_rewrite(state, fault))
        try:
            tmp = new_temporary(old)
        except OSError as exc:
            raise SaveFailed(self._could_not_rewrite(state, os_fault(exc, old))) from None
        try:
            loaded = self._loaded
            _fill(tmp, loaded.about, loaded.rows, loaded.application_id, loaded.user_version)
            if state == "gone" and place_new(tmp, old):
                placed = old
            else:
                for placed in copy_names(old, self._clock().astimezone()):
                    if place_new(tmp, placed):
                        break
                else:
                    raise FileExistsError(f"no free name beside {old}")
                if state == "gone":
                    state = "taken"  # deleted, and then another file took the name
            conn, again = self._adopt(placed)
        except (sqlite3.Error, OSError) as exc:
            raise SaveFailed(self._could_not_rewrite(state, _fault(exc, old))) from None
        except LoadError as exc:  # written, but it would not open again as it should
            problem = exc.problems[0].message
            fault = Fault(f"{placed} was written but then {problem}", "try again")
            raise SaveFailed(self._could_not_rewrite(state, fault)) from None
        finally:
            remove_temporary(tmp)
        _retire(self._conn)
        if self._watch is not None:
            self._watch.close()
            if state == "changed":
                # Only then: no other SQLite could have taken up this journal name meanwhile
                # (this lensmap held the file). After a deletion the file written again uses
                # it; beside a replacement it may be that file's journal now, so it is left.
                self._watch.remove_journal()
        self._conn, self._loaded, self.path = conn, again, placed
        self._watch = _Watch.take(placed, self.exclusive)
        self.notices.append(self._notice(state, old, placed))

    def _drive_gone(self, state: str) -> Fault | None:
        """A file gone with its folder now on another device: the drive it was on was taken
        away, and what is seen is the empty folder it was mounted on. Writing there would put
        the session on this computer's own disk, hidden once the drive is back."""
        watch = self._watch
        if state != "gone" or watch is None or watch.identity is None:
            return None
        try:
            folder = os.stat(self.path.parent)
        except OSError:
            return None  # folder_fault has said what it can
        return DRIVE_GONE if folder.st_dev != watch.identity[0] else None

    def _adopt(self, path: Path) -> tuple[sqlite3.Connection, _Loaded]:
        """Open the file just written, hold it as the first was held, and check that it holds
        exactly what lensmap holds."""
        conn = _connect(path, "rw")
        try:
            check_schema(path, conn)
            if self.exclusive:
                self._hold(path, conn)
            again = self._read(path, conn)
            if again.rows != self._loaded.rows or again.about != self._loaded.about:
                raise LoadError.single(path, "did not read back the same")
        except BaseException:
            conn.close()
            raise
        return conn, again  # the same rows: the entries and state held stay as they are

    def _could_not_rewrite(self, state: str, fault: Fault) -> str:
        happened = {
            "gone": "was deleted while lensmap had it open",
            "other": "was replaced by another file while lensmap had it open",
            "changed": "was overwritten by another program while lensmap had it open",
            "taken": "was deleted while lensmap had it open, and another file took its name",
        }[state]
        return (
            f"The session file {self.path} {happened}, and lensmap could not write the session "
            f"again: {fault.what}, so this was not saved. {fault.todo[:1].upper()}"
            f"{fault.todo[1:]}; lensmap still holds every action, so keep it open until "
            "saving works"
        )

    @staticmethod
    def _notice(state: str, old: Path, placed: Path) -> str:
        if state == "gone":
            return (
                f"The session file was deleted while lensmap had it open; it has been written "
                f"again at {placed} with every action."
            )
        happened = {
            "other": "was replaced by another file",
            "changed": "was overwritten by another program",
            "taken": "was deleted, and another file then took its name",
        }[state]
        return (
            f"The session file {old} {happened} while lensmap had it open. That file was left "
            f"as it is; this session now continues in {placed} with every action."
        )

    # -- recording --------------------------------------------------------------------------
    def _landed(self, action_id: str) -> bool:
        """After an error: whether the action is in the file all the same (a commit can fail
        after its data reached the disk). False when that cannot be read."""
        conn = self._conn
        if conn.in_transaction:
            return False
        try:
            found = conn.execute("SELECT 1 FROM actions WHERE id = ?", (action_id,)).fetchone()
        except sqlite3.Error:
            return False
        return found is not None

    def _begin(self) -> None:
        """Begin writing: the file made sure of, the write lock taken, and every action other
        windows stored since read in first (`arrived`), so that what is written next is checked
        against the latest session. Raises SaveFailed, with nothing begun."""
        if self.readonly:
            raise SaveFailed(f"{self.path} is open read-only")
        self._make_sure_of_the_file()
        conn = self._conn
        try:
            if conn.in_transaction:  # left open by a failure whose rollback failed too
                conn.execute("ROLLBACK")
            conn.execute("BEGIN IMMEDIATE")
            self._read_in()
        except BaseException as exc:
            self._end()
            if isinstance(exc, sqlite3.Error):
                fault = sqlite_fault(exc, self.path)
                if fault is IN_USE_NOW and not self.exclusive:
                    fault = OTHER_WINDOW_SAVING
                raise SaveFailed(_not_saved(fault, self.path)) from None
            raise

    def _end(self) -> None:
        """Let go of a write that was begun and not committed (nothing of it was stored)."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _read_in(self) -> None:
        """Within a transaction: apply the actions other windows stored after the last one this
        window has, each checked as it was when taken. The parts of the session they changed
        are noted in `_moved`, with the moment."""
        conn, path = self._conn, self.path
        (self._version,) = conn.execute("PRAGMA data_version").fetchone()
        (user_version,) = conn.execute("PRAGMA user_version").fetchone()
        self._loaded.user_version = max(self._loaded.user_version, user_version)
        (schema_version,) = conn.execute("PRAGMA schema_version").fetchone()
        if schema_version != self._loaded.schema_version:
            raise SaveFailed(
                f"{path} was changed by another program (its database parts); reopen it to carry on"
            )
        last, last_id = self._loaded.rows[-1][0], self._loaded.rows[-1][1]
        found = conn.execute("SELECT id FROM actions WHERE seq = ?", (last,)).fetchone()
        if found is None or found[0] != last_id:
            raise SaveFailed(f"{path} was changed by another program; reopen it to carry on")
        rows = conn.execute(
            "SELECT seq, id, at, type, data FROM actions WHERE seq > ? ORDER BY seq", (last,)
        ).fetchall()
        now = moment()
        self._moved = {k: t for k, t in self._moved.items() if now - t < UNSEEN_FOR}
        for row in rows:
            try:
                entry = _entry(path, row)
                try:
                    changes = take(self.state, self.history, entry)
                except ActionRefused:
                    if not self.history.deeper:
                        raise
                    # An undo reaching below what this window's checkpoint left out of its
                    # history: with the whole log read, it is followed as any other.
                    self._read_the_whole_history()
                    changes = take(self.state, self.history, entry)
            except (LoadError, ActionRefused, SaveFailed) as exc:
                why = exc.problems[0].message if isinstance(exc, LoadError) else str(exc)
                if isinstance(exc, SaveFailed):
                    raise
                raise SaveFailed(
                    f"another window stored an action this one cannot follow (action "
                    f"{row[0]}: {why}); everything this window showed is saved: close it and "
                    "open the session again to carry on"
                ) from None
            self.entries.append(entry)
            self._loaded.rows.append(row)
            self.arrived.append(entry)
            self._moved.update(((part, key), now) for part, key, _before, _after in changes)

    def _commit(self, action: Action, device: str | None = None, newer: bool = False) -> Entry:
        """Within the write begun: store the action after the last one and commit. Raises
        SaveFailed (rolled back, nothing stored) unless it reached the disk all the same.

        `newer`: an undo or redo out of turn (other windows acted since), which a lensmap that
        reads only FORMAT would misread; so are the room's actions, which it does not know.
        The file then says it needs SHARED_FORMAT, so such a lensmap says the file is newer
        rather than that it is damaged."""
        conn = self._conn
        newer = (newer or isinstance(action, ROOM_ACTIONS)) and (
            self._loaded.user_version < SHARED_FORMAT
        )
        last = self._loaded.rows[-1][0]
        by = device or self.device
        entry = Entry(last + 1, new_id("a", by), self._clock().isoformat(), action)
        row = (entry.seq, entry.id, entry.at, action.type, action.model_dump_json(by_alias=True))
        try:
            if newer:
                conn.execute(f"PRAGMA user_version = {SHARED_FORMAT}")
            conn.execute(INSERT_ACTION, row)
            conn.execute("COMMIT")
        except BaseException as exc:
            self._end()  # a failed COMMIT (a full disk) may have rolled back already
            if not isinstance(exc, sqlite3.Error):
                raise
            if not self._landed(entry.id):
                raise SaveFailed(_not_saved(sqlite_fault(exc, self.path), self.path)) from None
        self.entries.append(entry)
        self._loaded.rows.append(row)
        if newer:
            self._loaded.user_version = SHARED_FORMAT
        if self._watch is not None:
            with contextlib.suppress(OSError):
                self._watch.settle()
        return entry

    def _not_moved(self, changes: Changes) -> None:
        """Refuse an action that changes what another window changed a moment ago (read in by
        this very write, or shown less than UNSEEN_FOR ago): it was chosen on a screen that did
        not show that yet, or before anyone could see it. Two windows moving one persona on to
        the same stage at once store one step, not two."""
        now = moment()
        for change in changes:
            shown_at = self._moved.get((change[0], change[1]))
            if shown_at is not None and now - shown_at < UNSEEN_FOR:
                raise ActionRefused(
                    f"{what_changed(self.state, change)} was changed in another window a moment "
                    "ago; this window shows it now: look, then try again if it is still needed"
                )

    def refresh(self) -> list[Entry]:
        """Read in what other windows stored since this window last looked, and return it (it
        is in `arrived` too). Quick when there is nothing: SQLite says whether any other
        connection has committed (its data_version), without reading the log. Raises
        SaveFailed if what another window stored cannot be followed."""
        if self.closed or self.exclusive or self.held_elsewhere:
            return []
        conn = self._conn
        before = len(self.arrived)
        try:
            (version,) = conn.execute("PRAGMA data_version").fetchone()
            if version == self._version:
                return []
            conn.execute("BEGIN")
            try:
                self._read_in()
            finally:
                self._end()
        except sqlite3.Error:
            return []  # busy or unreadable for now: the next look tries again
        return self.arrived[before:]

    def take_arrived(self) -> list[Entry]:
        """What other windows stored that this window has not yet shown (emptied)."""
        arrived, self.arrived = self.arrived, []
        return arrived

    def record(self, action: Action, *, device: str | None = None) -> Entry:
        """Check an action against the latest session, store it durably, then make it count.
        `device` names another device the action came through this window from (a phone).

        Raises ActionRefused (the action does not fit; nothing stored) or SaveFailed.
        """
        if isinstance(action, Undone | Redone | Started):
            raise ActionRefused("use undo() and redo() for those")
        self._begin()
        try:
            changes = apply(self.state, action)
            try:
                self._not_moved(changes)
                entry = self._commit(action, device)
            except BaseException:
                revert(self.state, changes)  # not on disk, so it has not happened
                raise
        finally:
            self._end()
        self.history.taken(entry, changes)
        return entry

    @property
    def can_undo(self) -> bool:
        return self.history.last_done(self.device) is not None or self.history.deeper

    def _read_the_whole_history(self) -> None:
        """Undo is about to go below what a checkpoint left out of its state: replay the whole
        log (as opening without one does). Its state is the same as the one held (the
        checkpoint stood for this log); if ever it is not, the log wins."""
        try:
            with _no_collection():
                entries = _entries(self.path, self._loaded.rows)
                start, state, history = replay(entries)
        except (LoadError, ActionRefused) as exc:
            if isinstance(exc, LoadError):
                problem = exc.problems[0].message.removesuffix("; it was left as it is")
            else:
                problem = f"is damaged: {exc}"
            raise SaveFailed(
                f"{self.path} {problem}, so undo cannot go further back; every action so far "
                "is kept"
            ) from None
        self.entries, self.start = entries, start
        for name in vars(state):
            setattr(self.state, name, getattr(state, name))  # the same object the app holds
        for name in vars(history):
            setattr(self.history, name, getattr(history, name))  # the whole history, read
        self.history.deeper = False
        if len(entries) >= LONG_SESSION:
            gc.freeze()

    @property
    def can_redo(self) -> bool:
        return self.history.last_undone(self.device) is not None

    def undo(self) -> Entry | None:
        """Take back this window's latest action still in force (the log keeps both), if no
        action in force since has changed any part of it. Raises ActionRefused if one has."""
        history = self.history
        if self.device is None and history.deeper and history.last_done(None) is None:
            self._read_the_whole_history()  # before the write lock: it can take seconds
        self._begin()
        try:
            at = history.last_done(self.device)
            if at is None:
                return None  # a window's own actions are never below a checkpoint
            target, changes = history.done[at], history.changes[at]
            changed = history.changed_after(at)
            if changed is not None:
                raise ActionRefused(
                    f"{what_changed(self.state, changed)} was changed in another window since; "
                    "change it directly if it needs to be different"
                )
            revert(self.state, changes)
            try:
                out_of_turn = at != len(history.done) - 1
                self._commit(Undone(target=target.id), newer=out_of_turn)
            except BaseException:
                restore(self.state, changes)
                raise
        finally:
            self._end()
        history.took_back(at)
        return target

    def redo(self) -> Entry | None:
        """Take this window's latest undone action again, if no action in force since it was
        undone has changed any part of it. Raises ActionRefused if one has."""
        history = self.history
        at = history.last_undone(self.device)
        if at is not None and history.undone_changes[at] is None:
            self._read_the_whole_history()  # opened from a checkpoint: what it changed
        self._begin()
        try:
            at = history.last_undone(self.device)
            if at is None:
                return None
            target = history.undone[at]
            changed = history.changed_since_undone(at)
            if changed is not None:
                raise ActionRefused(
                    f"{what_changed(self.state, changed)} was changed in another window since it "
                    "was undone; change it directly if it needs to be different"
                )
            changes = apply(self.state, target.action)
            try:
                self._commit(Redone(target=target.id), newer=history.redo_out_of_turn(at))
            except BaseException:
                revert(self.state, changes)
                raise
        finally:
            self._end()
        history.took_again(at, changes)
        return target

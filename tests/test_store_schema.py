"""Only lensmap's own schema: a `.lens` file from someone else can carry SQL of its own (a
trigger that rewrites notes as they are saved, a view standing in for the log). Any part that
lensmap did not make is refused before anything is read or written, by the app, by read-only
opening (crash recovery included) and by every command, and the file is left byte for byte."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from lensmap import __version__
from lensmap.cli import main
from lensmap.event.model import Tag
from lensmap.files.problems import LoadError
from lensmap.session.actions import Started, TagAdded
from lensmap.session.store import SaveFailed, SessionStore

LEFT = "it was not opened and was left as it is"

CHANGES: dict[str, tuple[str, str]] = {
    "trigger-rewriting-notes": (
        "CREATE TRIGGER soften AFTER INSERT ON actions BEGIN UPDATE actions SET "
        "data = replace(data, 'barrier', 'positive') WHERE seq = new.seq; END",
        'a trigger "soften"',
    ),
    "trigger-on-about": (
        "CREATE TRIGGER quiet BEFORE UPDATE ON about BEGIN SELECT 1; END",
        'a trigger "quiet"',
    ),
    "view-named-actions": (
        "ALTER TABLE actions RENAME TO log; CREATE VIEW actions AS SELECT * FROM log "
        "WHERE type != 'tag.add'",
        'a view "actions"',
    ),
    "extra-column": (
        "ALTER TABLE actions ADD COLUMN extra TEXT",
        'the table "actions", not as lensmap makes it',
    ),
    "extra-index": ("CREATE INDEX by_time ON actions (at)", 'an index "by_time"'),
    "extra-table": ("CREATE TABLE notes (x)", 'a table "notes"'),
    "virtual-table": ("CREATE VIRTUAL TABLE search USING fts5(note)", 'a virtual table "search"'),
    "statistics": ("ANALYZE", 'a table "sqlite_stat1"'),
    "missing-about": ("DROP TABLE about", 'lacks parts every lensmap session has (a table "about"'),
}


def session(folder: Path, content, clock) -> Path:
    path = folder / "event.lens"
    with SessionStore.create(path, content, clock=clock) as store:
        store.record(TagAdded(tag=Tag(id="t1", stage="triage", kind="barrier", note="barrier")))
    return path


def change(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(sql)
    finally:
        conn.close()


def fingerprint(path: Path) -> tuple[str, int, list[str]]:
    names = sorted(p.name for p in path.parent.iterdir())
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns, names


OPENERS: dict[str, Callable[[Path], object]] = {
    "app": lambda p: SessionStore.open(p, exclusive=True),
    "read-write": lambda p: SessionStore.open(p),
    "read-only": lambda p: SessionStore.open(p, readonly=True),
}


@pytest.mark.parametrize("opener", list(OPENERS))
@pytest.mark.parametrize("case", list(CHANGES))
def test_a_file_with_parts_lensmap_did_not_make_is_refused_and_left_alone(
    tmp_path, content, clock, case, opener
):
    path = session(tmp_path, content, clock)
    sql, named = CHANGES[case]
    change(path, sql)
    before = fingerprint(path)
    with pytest.raises(LoadError) as refused:
        OPENERS[opener](path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ")
    assert named in message
    assert message.endswith("left as it is")
    if case != "missing-about":
        assert "holds database parts lensmap did not make" in message
    assert fingerprint(path) == before


@pytest.mark.parametrize(
    "command",
    [
        ["session", "show", "{path}"],
        ["session", "export", "{path}", "-o", "{out}.json"],
        ["merge", "{path}", "{path}", "-o", "{out}.lens"],
        ["export", "{path}", "--out", "{out}"],
        ["validate", "{path}"],
        ["open", "{pathway}", "--session", "{path}"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_every_command_refuses_it_with_exit_2(tmp_path, content, clock, capsys, command):
    from lensmap.files.examples import example_pathway

    path = session(tmp_path, content, clock)
    change(path, CHANGES["trigger-rewriting-notes"][0])
    before = fingerprint(path)
    args = [a.format(path=path, out=tmp_path / "out", pathway=example_pathway()) for a in command]
    assert main(args) == 2
    said = capsys.readouterr()
    text = said.out + said.err
    assert 'database parts lensmap did not make (a trigger "soften")' in text
    assert "Traceback" not in text
    assert fingerprint(path) == before
    assert not (tmp_path / "out.lens").exists()


def test_the_trigger_never_runs(tmp_path, content, clock):
    """Had it run, the barrier just saved would read "positive"."""
    path = session(tmp_path, content, clock)
    change(path, CHANGES["trigger-rewriting-notes"][0])
    with pytest.raises(LoadError):
        SessionStore.open(path)
    change(path, "DROP TRIGGER soften")
    with SessionStore.open(path, readonly=True) as store:
        assert store.state.tags["t1"].kind == "barrier"


def test_a_part_added_while_open_stops_the_next_save(tmp_path, content, clock):
    """A shared (not exclusive) store: another program adds a trigger between two actions.
    The save is refused before the insert that would set it off."""
    path = session(tmp_path, content, clock)
    store = SessionStore.open(path)
    change(path, CHANGES["trigger-rewriting-notes"][0])
    with pytest.raises(SaveFailed, match="changed by another program"):
        store.record(TagAdded(tag=Tag(id="t2", stage="triage", kind="barrier", note="barrier")))
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM actions").fetchone() == (2,)
    conn.close()


def test_crash_recovery_does_not_touch_a_file_that_is_not_lensmap_s(tmp_path, content, clock):
    """A foreign file left with a hot journal: read-only opening would first roll the journal
    back (writing to the file). It is refused without that."""
    (tmp_path / "source").mkdir()
    source = session(tmp_path / "source", content, clock)
    change(source, CHANGES["trigger-on-about"][0])
    conn = sqlite3.connect(source, isolation_level=None)
    try:
        conn.execute("PRAGMA cache_size = 1")  # so part of the transaction reaches the file
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE actions SET data = 'half-written' WHERE seq > 1")
        for n in range(30):
            conn.execute(
                "INSERT INTO actions (seq, id, at, type, data) VALUES (?, ?, 'now', 'x', ?)",
                (100 + n, f"half{n}", "x" * 20_000),
            )
        copy = tmp_path / "crashed.lens"  # the file and its journal, as a crash leaves them
        shutil.copyfile(source, copy)
        shutil.copyfile(f"{source}-journal", f"{copy}-journal")
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    journal = Path(f"{copy}-journal")
    before = (copy.read_bytes(), journal.read_bytes())
    with pytest.raises(LoadError, match='did not make \\(a trigger "quiet"\\)'):
        SessionStore.open(copy, readonly=True)
    assert (copy.read_bytes(), journal.read_bytes()) == before


def test_whitespace_alone_does_not_make_a_file_foreign(tmp_path, content):
    """The schema is compared with only its whitespace made even: the same tables written out
    on one line are lensmap's."""
    path = tmp_path / "event.lens"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        "CREATE TABLE actions (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, at TEXT "
        "NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);\n\n\tCREATE TABLE   about (key "
        "TEXT PRIMARY KEY, value TEXT NOT NULL);"
    )
    made_the_first_way(conn, content)
    with SessionStore.open(path) as store:
        assert len(store.entries) == 1


def made_the_first_way(conn: sqlite3.Connection, content) -> None:
    """What the first lensmap (and every one since: git log -p lensmap/session/store.py) did
    after creating the tables."""
    start = Started(**dict(content))
    conn.execute("PRAGMA application_id = 1279610451")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO about VALUES ('created_by', ?)", (f"lensmap {__version__}",))
    conn.execute(
        "INSERT INTO actions (seq, id, at, type, data) VALUES (1, ?, ?, ?, ?)",
        ("a1", "2026-03-14T09:30:00+00:00", start.type, start.model_dump_json(by_alias=True)),
    )
    conn.execute("COMMIT")
    conn.close()


FIRST_SCHEMA = """
CREATE TABLE actions (
    seq  INTEGER PRIMARY KEY,
    id   TEXT NOT NULL UNIQUE,
    at   TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""  # as in commit cda985e, the first lensmap; unchanged in every commit since


def test_sessions_of_every_earlier_lensmap_still_open(tmp_path, content):
    path = tmp_path / "event.lens"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(FIRST_SCHEMA)
    made_the_first_way(conn, content)
    with SessionStore.open(path, exclusive=True) as store:
        store.record(TagAdded(tag=Tag(id="t1", stage="triage", kind="risk")))
    with SessionStore.open(path, readonly=True) as store:
        assert list(store.state.tags) == ["t1"]


def test_every_connection_trusts_nothing_in_the_schema(store):
    assert store._conn.execute("PRAGMA trusted_schema").fetchone() == (0,)

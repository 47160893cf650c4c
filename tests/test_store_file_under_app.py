"""The file under the app: a session file deleted, replaced or overwritten while lensmap holds
it is noticed before the next write, and no action is ever reported saved that is not on disk.
Also: temporary files left by a killed lensmap go when the folder is next opened or written."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lensmap.event.model import Tag
from lensmap.session.actions import TagAdded
from lensmap.session.store import SaveFailed, SessionStore, copy_names
from lensmap.storage import safe_write

WINDOWS_FORBIDS = set('<>:"/\\|?*')


def tag(tag_id: str, kind: str = "barrier") -> TagAdded:
    return TagAdded(tag=Tag(id=tag_id, stage="triage", kind=kind, note=f"note {tag_id}"))


def on_disk(path: Path) -> dict:
    """Everything of a session file lensmap reads, straight from SQLite."""
    conn = sqlite3.connect(path)
    try:
        return {
            "actions": conn.execute(
                "SELECT seq, id, at, type, data FROM actions ORDER BY seq"
            ).fetchall(),
            "about": conn.execute("SELECT key, value FROM about ORDER BY rowid").fetchall(),
            "application_id": conn.execute("PRAGMA application_id").fetchone()[0],
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
        }
    finally:
        conn.close()


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture(params=[True, False], ids=["exclusive", "shared"])
def opened(request, tmp_path: Path, content, clock):
    """A session with some history (tags, an undo, a redo), as the app holds it (exclusive)
    and as the command line does."""
    store = SessionStore.create(
        tmp_path / "event.lens", content, exclusive=request.param, clock=clock
    )
    store.record(tag("t1"))
    store.record(tag("t2", "positive"))
    store.undo()
    store.redo()
    store.undo()
    yield store
    store.close()


def log_without_conn(store: SessionStore) -> dict:
    """What the file held just before it was taken away, read by another connection."""
    if store.exclusive:  # the app's hold keeps other readers out: read what lensmap holds
        conn = store._conn
        return {
            "actions": conn.execute("SELECT * FROM actions ORDER BY seq").fetchall(),
            "about": conn.execute("SELECT key, value FROM about ORDER BY rowid").fetchall(),
            "application_id": conn.execute("PRAGMA application_id").fetchone()[0],
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
        }
    return on_disk(store.path)


def test_a_deleted_session_file_is_written_again_with_every_action(opened):
    path = opened.path
    before = log_without_conn(opened)
    assert len(before["actions"]) == 6
    path.unlink()

    entry = opened.record(tag("t3"))  # the next action after the file went

    assert opened.path == path
    assert opened.notices == [
        "The session file was deleted while lensmap had it open; it has been written again "
        f"at {path} with every action."
    ]
    opened.notices.clear()
    opened.redo()  # redo was lost by the new action; undo still works
    opened.undo()
    assert opened.notices == []
    opened.close()
    after = on_disk(path)
    assert after["actions"][:6] == before["actions"]  # same seq, id, at, type, data
    assert after["about"] == before["about"]
    assert after["application_id"] == before["application_id"] == 0x4C454E53
    assert after["user_version"] == before["user_version"]
    assert [row[0] for row in after["actions"]] == list(range(1, 9))
    assert after["actions"][6][1] == entry.id
    with SessionStore.open(path, readonly=True) as again:
        assert list(again.state.tags) == ["t1"]
        assert [e.action.type for e in again.entries][-2:] == ["tag.add", "undo"]
    if os.name == "posix":
        assert (path.stat().st_mode & 0o777) == 0o600  # still private


def test_the_session_written_again_is_held_as_before(tmp_path, content, clock):
    store = SessionStore.create(tmp_path / "event.lens", content, exclusive=True, clock=clock)
    store.path.unlink()
    store.record(tag("t1"))
    with pytest.raises(Exception, match="another lensmap window"):
        SessionStore.open(store.path)
    store.close()
    assert len(SessionStore.open(store.path).entries) == 2


def test_a_replaced_session_file_is_left_alone_and_the_session_continues_beside_it(opened):
    path = opened.path
    before = log_without_conn(opened)
    stranger = path.with_name("from-the-sync-tool")
    stranger.write_bytes(b"someone else's file")
    os.replace(stranger, path)
    kept = fingerprint(path)

    opened.record(tag("t3"))

    copy = opened.path
    assert copy != path and copy.parent == path.parent
    assert re.fullmatch(r"event \(lensmap copy \d{4}-\d\d-\d\d \d\d-\d\d\)\.lens", copy.name)
    assert not WINDOWS_FORBIDS & set(copy.name)
    assert opened.notices == [
        f"The session file {path} was replaced by another file while lensmap had it open. That "
        f"file was left as it is; this session now continues in {copy} with every action."
    ]
    opened.record(tag("t4"))
    opened.close()
    assert fingerprint(path) == kept  # never touched
    after = on_disk(copy)
    assert after["actions"][:6] == before["actions"]
    assert after["about"] == before["about"]
    assert [row[0] for row in after["actions"]] == list(range(1, 9))
    with SessionStore.open(copy, readonly=True) as again:
        assert list(again.state.tags) == ["t1", "t3", "t4"]


def test_a_session_file_overwritten_in_place_is_left_alone(tmp_path, content, clock):
    """`cp other.lens event.lens` writes into the same file (same inode): SQLite, holding it,
    would go on writing its pages into the other session."""
    store = SessionStore.create(tmp_path / "event.lens", content, exclusive=True, clock=clock)
    store.record(tag("t1"))
    before = log_without_conn(store)
    other = tmp_path / "other.lens"
    SessionStore.create(other, content, clock=clock).close()
    inode = store.path.stat().st_ino
    shutil.copyfile(other, store.path)
    assert store.path.stat().st_ino == inode
    kept = fingerprint(store.path)

    store.record(tag("t2"))

    assert "was overwritten by another program" in store.notices[0]
    copy = store.path
    store.close()
    assert fingerprint(tmp_path / "event.lens") == kept
    assert on_disk(copy)["actions"][:2] == before["actions"]
    with SessionStore.open(copy, readonly=True) as again:
        assert list(again.state.tags) == ["t1", "t2"]
    with SessionStore.open(tmp_path / "event.lens", readonly=True) as theirs:
        assert len(theirs.entries) == 1  # the other session, as it was copied


def test_a_session_file_cut_short_in_place_is_noticed(tmp_path, content, clock):
    store = SessionStore.create(tmp_path / "event.lens", content, exclusive=True, clock=clock)
    store.record(tag("t1"))
    os.truncate(store.path, 0)  # by path, as another program would
    store.record(tag("t2"))
    assert store.path.name.startswith("event (lensmap copy ")
    store.close()
    assert (tmp_path / "event.lens").stat().st_size == 0
    with SessionStore.open(store.path, readonly=True) as again:
        assert list(again.state.tags) == ["t1", "t2"]


def test_copies_never_take_a_name_in_use(tmp_path, content, clock):
    store = SessionStore.create(tmp_path / "event.lens", content, exclusive=True, clock=clock)
    first = next(copy_names(store.path, store._clock().astimezone()))
    first.write_bytes(b"already here")
    (tmp_path / "x").write_bytes(b"replacement")
    os.replace(tmp_path / "x", store.path)
    store.record(tag("t1"))
    assert store.path.name == first.name.replace(").lens", " 2).lens")
    assert first.read_bytes() == b"already here"
    store.close()


def test_a_copy_of_a_copy_is_not_named_twice_over(tmp_path):
    when = dt.datetime(2026, 12, 1, 10, 42)
    path = tmp_path / "event (lensmap copy 2026-11-30 09-00).lens"
    assert next(copy_names(path, when)).name == "event (lensmap copy 2026-12-01 10-42).lens"


def test_when_the_folder_is_gone_nothing_counts_as_saved_until_it_is_back(opened):
    path = opened.path
    entries = len(opened.entries)
    shutil.rmtree(path.parent)
    for attempt in (opened.record, opened.undo):
        with pytest.raises(SaveFailed, match="folder is no longer there") as failed:
            if attempt == opened.record:
                attempt(tag("t9"))
            else:
                attempt()
        assert "keep it open" in str(failed.value)
    assert len(opened.entries) == entries
    assert "t9" not in opened.state.tags
    assert not path.parent.exists()  # lensmap did not make the folder up again

    path.parent.mkdir()
    opened.record(tag("t9"))
    assert "written again" in opened.notices[0]
    opened.close()
    with SessionStore.open(path, readonly=True) as again:
        assert set(again.state.tags) == {"t1", "t9"}
        assert [e.seq for e in again.entries] == list(range(1, entries + 2))


def test_opening_and_recording_as_usual_says_nothing(opened):
    opened.record(tag("t3"))
    assert opened.notices == []
    assert opened.path.name == "event.lens"


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def leftover_of_a_killed_create(folder: Path) -> list[Path]:
    code = (
        "import os, sys; from pathlib import Path; from lensmap.storage.safe_write import "
        "temporary_beside; t = temporary_beside(Path(sys.argv[1])); "
        "Path(str(t) + '-journal').write_bytes(b'j'); os._exit(9)"
    )
    subprocess.run([sys.executable, "-c", code, str(folder / "merged.lens")], check=False)
    left = sorted(folder.glob(".merged.lens.lensmap-*"))
    assert len(left) == 2
    for path in left:
        age(path, 120)
    return left


@pytest.mark.skipif(not safe_write.CAN_ASK_ABOUT_PROCESSES, reason="POSIX process check")
def test_leftovers_go_when_the_folder_is_next_written_to_or_opened(tmp_path, content):
    left = leftover_of_a_killed_create(tmp_path)
    SessionStore.create(tmp_path / "event.lens", content).close()  # written to
    assert not any(p.exists() for p in left)

    left = leftover_of_a_killed_create(tmp_path)
    with SessionStore.open(tmp_path / "event.lens", readonly=True):
        pass
    assert all(p.exists() for p in left)  # reading a session deletes nothing
    with SessionStore.open(tmp_path / "event.lens"):
        pass
    assert not any(p.exists() for p in left)


def test_quitting_after_the_file_was_deleted_writes_it_again(opened):
    """Nothing is recorded after the deletion: closing itself must write the session back."""
    opened.record(tag("t9"))
    path = opened.path
    path.unlink()
    opened.close()
    assert opened.rescued is None
    assert "written again" in opened.notices[-1]
    with SessionStore.open(path, readonly=True) as again:
        assert list(again.state.tags) == ["t1", "t9"]


def test_quitting_after_the_file_was_replaced_continues_beside_it(opened):
    opened.record(tag("t9"))
    path = opened.path
    path.with_name("other").write_bytes(b"somebody else's file")
    path.with_name("other").replace(path)
    opened.close()
    assert path.read_bytes() == b"somebody else's file"
    assert opened.path != path and "lensmap copy" in opened.path.name
    with SessionStore.open(opened.path, readonly=True) as again:
        assert list(again.state.tags) == ["t1", "t9"]


def test_quitting_with_the_folder_gone_rescues_the_session(opened, tmp_path_factory, monkeypatch):
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("LENSMAP_DATA_DIR", str(data))
    opened.record(tag("t9"))
    folder = opened.path.parent
    opened.path.unlink()
    moved_away = tmp_path_factory.mktemp("away") / "folder"
    folder.rename(moved_away)
    try:
        opened.close()
    finally:
        moved_away.rename(folder)
    assert opened.rescued and "every action was written to" in opened.rescued
    (rescued,) = (data / "rescued").iterdir()
    with SessionStore.open(rescued, readonly=True) as again:
        assert list(again.state.tags) == ["t1", "t9"]


class NoInode:
    """A stat result as a drive with no inode numbers gives (st_ino 0)."""

    def __init__(self, result: os.stat_result) -> None:
        self.result = result

    st_ino = 0

    def __getattr__(self, name):
        return getattr(self.result, name)


class WithoutInodes:
    """os as on a drive with no inode numbers, as some Windows drives are."""

    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def stat(path, *args, **kwargs):
        return NoInode(os.stat(path, *args, **kwargs))

    @staticmethod
    def fstat(fd):
        return NoInode(os.fstat(fd))


@pytest.mark.parametrize("exclusive", [True, False], ids=["exclusive", "shared"])
def test_without_inode_numbers_a_same_size_copy_put_in_its_place_is_noticed(
    tmp_path, content, clock, monkeypatch, exclusive
):
    import lensmap.session.store as store_module

    monkeypatch.setattr(store_module, "os", WithoutInodes())
    store = SessionStore.create(tmp_path / "event.lens", content, exclusive=exclusive, clock=clock)
    store.record(tag("t1"))
    backup = tmp_path / "backup.lens"
    source = store._conn if exclusive else sqlite3.connect(store.path)
    copy = sqlite3.connect(backup)
    source.backup(copy)  # an older copy of the same session, the same size (a sync tool)
    copy.close()
    if not exclusive:
        source.close()
    time.sleep(0.01)
    os.replace(backup, store.path)
    before = fingerprint(tmp_path / "event.lens")
    store.record(tag("t2"))
    store.close()
    assert fingerprint(tmp_path / "event.lens") == before  # the copy put there is untouched
    assert store.path != tmp_path / "event.lens"
    with SessionStore.open(store.path, readonly=True) as again:
        assert sorted(again.state.tags) == ["t1", "t2"]

"""Faults in words: a save that fails says what happened and what to do, stores nothing, and
once the cause is put right the same store saves again, with a log that has no gap and no
repeat. The faults are real ones, made by SQLite or the file system, not imitated."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from lensmap.event.model import Tag
from lensmap.files.problems import LoadError
from lensmap.session.actions import TagAdded
from lensmap.session.store import SaveFailed, SessionStore, sqlite_fault
from lensmap.storage import safe_write
from lensmap.storage.safe_write import os_fault, write_atomic

BIG = "The letter did not say how long the wait would be. " * 200  # more than a page


def tag(tag_id: str, note: str = BIG) -> TagAdded:
    return TagAdded(tag=Tag(id=tag_id, stage="triage", kind="barrier", note=note))


@pytest.fixture(params=[True, False], ids=["exclusive", "shared"])
def opened(request, tmp_path: Path, content, clock):
    store = SessionStore.create(
        tmp_path / "event.lens", content, exclusive=request.param, clock=clock
    )
    store.record(tag("t0"))
    yield store
    store.close()


def assert_log_is_whole(path: Path, tags: list[str]) -> None:
    """Reopened from the file: every seq once, in order, and the tags expected."""
    conn = sqlite3.connect(path)
    try:
        seqs = [s for (s,) in conn.execute("SELECT seq FROM actions ORDER BY seq")]
        ids = [i for (i,) in conn.execute("SELECT id FROM actions")]
    finally:
        conn.close()
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(set(ids)) == len(ids)
    with SessionStore.open(path, readonly=True) as again:
        assert list(again.state.tags) == tags
        assert len(again.entries) == len(seqs)


def test_a_full_disk_says_so_and_saving_works_again_once_there_is_room(opened):
    """PRAGMA max_page_count makes SQLite itself report SQLITE_FULL, rolling back the whole
    transaction as a really full disk does (it used to be reported as "cannot rollback - no
    transaction is active")."""
    conn = opened._conn
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages}")
    saved = ["t0"]
    with pytest.raises(SaveFailed):  # small tags fill what room is left ...
        for n in range(1, 500):
            opened.record(tag(f"s{n}", "short"))
            saved.append(f"s{n}")
    with pytest.raises(SaveFailed):  # ... then the smallest actions of all, undo and redo
        for _ in range(500):
            opened.undo()
            saved.pop()
            saved.append(opened.redo().action.tag.id)
    saved = list(opened.state.tags)
    entries = list(opened.entries)
    for attempt in (lambda: opened.record(tag("t1")), opened.undo):
        with pytest.raises(SaveFailed) as failed:
            attempt()
        message = str(failed.value)
        assert message.startswith(
            f"The disk is full, so this was not saved to {opened.path}. Free some space"
        )
        assert message.endswith("and try again; nothing already saved is lost")
        assert "rollback" not in message and "transaction" not in message
        assert opened.entries == entries
    assert list(opened.state.tags) == saved
    assert not conn.in_transaction

    conn.execute("PRAGMA max_page_count = 1073741823")  # room again
    opened.record(tag("t1"))
    opened.record(tag("t2", "short"))
    assert opened.undo().action.tag.id == "t2"
    opened.close()
    assert_log_is_whole(opened.path, [*saved, "t1"])


def test_a_session_that_cannot_be_written_says_so_and_recovers(opened):
    """query_only makes SQLite refuse every write with SQLITE_READONLY, even for root."""
    opened._conn.execute("PRAGMA query_only = ON")
    with pytest.raises(SaveFailed, match="has become read-only, so this was not saved"):
        opened.record(tag("t1"))
    assert len(opened.entries) == 2
    opened._conn.execute("PRAGMA query_only = OFF")
    opened.record(tag("t1"))
    opened.close()
    assert_log_is_whole(opened.path, ["t0", "t1"])


@contextlib.contextmanager
def read_only_folder(folder: Path):
    """The folder made read-only for real: chmod, or for root (whom chmod does not stop) the
    immutable attribute where the file system has it."""
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    if not shutil.which("chattr"):
        pytest.skip("running as root, where chmod does not stop writes, and no chattr")
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(
            "running as root, where chmod does not stop writes, and this file system "
            "has no immutable attribute"
        )
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_folder_says_so_and_saving_works_again_after(tmp_path, content, clock):
    """Shared (not exclusive) stores make a journal beside the file for every action."""
    store = SessionStore.create(tmp_path / "event.lens", content, clock=clock)
    store.record(tag("t0"))
    with read_only_folder(tmp_path):
        with pytest.raises(SaveFailed) as failed:
            store.record(tag("t1"))
        assert "read-only" in str(failed.value) or "no longer allowed" in str(failed.value)
        assert "so this was not saved" in str(failed.value)
        assert len(store.entries) == 2
    store.record(tag("t1"))
    store.close()
    assert_log_is_whole(store.path, ["t0", "t1"])


def test_a_session_busy_in_another_program_says_so(tmp_path, content, clock):
    store = SessionStore.create(tmp_path / "event.lens", content, clock=clock)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a backup tool, say, in the middle of its work
    try:
        with pytest.raises(
            SaveFailed, match=r"Another lensmap window \(or another program\) is saving"
        ):
            store.record(tag("t1", "short"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.record(tag("t1", "short"))
    store.close()
    assert_log_is_whole(store.path, ["t1"])


def test_a_rollback_that_failed_leaves_no_transaction_behind(opened):
    """If a transaction is somehow still open when the next action comes, it is rolled back
    first rather than refusing every action after ("within a transaction")."""
    opened._conn.execute("BEGIN")
    opened.record(tag("t1", "short"))
    opened.close()
    assert_log_is_whole(opened.path, ["t0", "t1"])


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "read-only"),
        (errno.EACCES, "no longer allowed"),
        (errno.EPERM, "no longer allowed"),
        (errno.EIO, "the drive reported an error"),
        (errno.ENOENT, "no longer there"),
    ],
)
def test_operating_system_errors_in_words(tmp_path, code, words):
    fault = os_fault(OSError(code, os.strerror(code)), tmp_path / "gone" / "event.lens")
    assert words in fault.what
    assert fault.todo


def test_every_sqlite_error_gets_words(tmp_path):
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("SELECT * FROM nowhere")
    except sqlite3.Error as exc:
        fault = sqlite_fault(exc, tmp_path / "event.lens")
    assert "no such table" in fault.what and fault.todo == "try again"


def test_commands_say_a_full_disk_in_words(tmp_path, monkeypatch):
    """write_atomic (exports, session export): the one imitated fault here, ENOSPC from the
    write of the temporary file."""
    real_open = open

    def open_on_a_full_disk(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        handle.close()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safe_write, "open", open_on_a_full_disk, raising=False)
    target = tmp_path / "out.json"
    with pytest.raises(LoadError, match="could not be written: the disk is full; free some"):
        write_atomic(target, b"{}")
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


TINY_DISK = os.environ.get("LENSMAP_TINY_DISK")


@pytest.mark.skipif(
    not TINY_DISK,
    reason="a real full disk needs a tiny file system: as root, "
    "mount -t tmpfs -o size=200k tmpfs /mnt/x and set LENSMAP_TINY_DISK=/mnt/x",
)
@pytest.mark.parametrize("exclusive", [True, False], ids=["exclusive", "shared"])
def test_a_really_full_disk(content, clock, exclusive):
    folder = Path(TINY_DISK) / f"full-{exclusive}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        store = SessionStore.create(folder / "event.lens", content, exclusive=exclusive)
        store.record(tag("t0", "short"))
        filler = folder / "filler"
        fd = os.open(filler, os.O_CREAT | os.O_WRONLY)
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 512)
        os.close(fd)
        for n in (1, 2):
            with pytest.raises(SaveFailed, match=r"^The disk is full, so this was not saved"):
                store.record(tag(f"t{n}"))
        with pytest.raises(LoadError, match="could not be written: the disk is full"):
            SessionStore.create(folder / "merged.lens", content)
        filler.unlink()
        store.record(tag("t1"))
        store.close()
        assert_log_is_whole(store.path, ["t0", "t1"])
        assert sorted(p.name for p in folder.iterdir()) == ["event.lens"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)

"""Temporary files left by a lensmap that was killed (a merge, import, export or new session cut
off) are removed, and never one that a live lensmap is writing right now."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lensmap.storage import safe_write

CHILD_WRITING = r"""
import sys, time
from pathlib import Path
from lensmap.storage.safe_write import temporary_beside
tmp = temporary_beside(Path(sys.argv[1]))
print(tmp, flush=True)
time.sleep(120)
"""


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.mark.skipif(not safe_write.CAN_ASK_ABOUT_PROCESSES, reason="POSIX process check")
def test_a_temporary_file_of_a_live_lensmap_is_kept_and_of_a_killed_one_removed(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_WRITING, str(tmp_path / "merged.lens")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        tmp = Path(child.stdout.readline().strip())
        assert tmp.name.startswith(f".merged.lens.lensmap-{child.pid}-")
        age(tmp, 300)  # untouched for minutes, but its writer lives: it is kept
        assert safe_write.remove_leftovers(tmp_path) == []
        assert tmp.exists()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    journal = tmp.with_name(tmp.name + "-journal")
    journal.write_bytes(b"x")
    age(journal, 300)
    assert sorted(safe_write.remove_leftovers(tmp_path)) == sorted([tmp, journal])
    assert list(tmp_path.iterdir()) == []


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def test_which_leftovers_are_removed(tmp_path, monkeypatch):
    pid = dead_pid()
    host = safe_write._HOST
    files = {
        f".a.lens.lensmap-{pid}-{host}-0123abcd.tmp": (120, "removed"),  # writer gone
        f".b.lens.lensmap-{pid}-{host}-0123abcd.tmp": (5, "kept"),  # gone, but just now
        f".c.lens.lensmap-{pid}-abcdef-0123abcd.tmp": (3600, "kept"),  # another computer's
        f".d.lens.lensmap-{pid}-abcdef-0123abcd.tmp": (2 * 86400, "removed"),  # for days
        f".e.lens.lensmap-{os.getpid()}-{host}-0123abcd.tmp": (120, "kept"),  # this process
        ".issues.md.0123abcd.tmp": (2 * 86400, "removed"),  # an earlier lensmap's name
        ".issues.md.4567cdef.tmp": (3600, "kept"),
        ".notes.tmp": (9 * 86400, "kept"),  # not lensmap's
        "plan.0123abcd.tmp": (9 * 86400, "kept"),
        "event.lens": (9 * 86400, "kept"),
    }
    for name, (seconds, _) in files.items():
        (tmp_path / name).write_bytes(b"")
        age(tmp_path / name, seconds)
    if not safe_write.CAN_ASK_ABOUT_PROCESSES:
        files[f".a.lens.lensmap-{pid}-{host}-0123abcd.tmp"] = (120, "kept")
    safe_write.remove_leftovers(tmp_path)
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {n for n, (_, fate) in files.items() if fate == "kept"}


def test_on_windows_only_age_counts(tmp_path, monkeypatch):
    """There os.kill(pid, 0) would stop a live process rather than ask about it."""
    monkeypatch.setattr(safe_write, "CAN_ASK_ABOUT_PROCESSES", False)
    monkeypatch.setattr(os, "kill", lambda *a: pytest.fail("os.kill called"))
    name = f".a.lens.lensmap-{dead_pid()}-{safe_write._HOST}-0123abcd.tmp"
    (tmp_path / name).write_bytes(b"")
    age(tmp_path / name, 3600)
    assert safe_write.remove_leftovers(tmp_path) == []
    age(tmp_path / name, 2 * 86400)
    assert len(safe_write.remove_leftovers(tmp_path)) == 1

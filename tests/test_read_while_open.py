"""Reading a session the app holds: `lensmap session show` and `lensmap export` work
read-only (the app keeps its hold), show what was last saved, and say so."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lensmap.cli import main
from lensmap.event.model import Tag
from lensmap.session import store as store_module
from lensmap.session.actions import TagAdded
from lensmap.session.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "is open in lensmap just now;"


def tag(tag_id: str, note: str, kind: str = "barrier") -> TagAdded:
    return TagAdded(tag=Tag(id=tag_id, stage="triage", kind=kind, note=note))


@pytest.fixture
def held(tmp_path, content, clock):
    """A session as the app holds it: opened exclusively, for as long as the test runs."""
    path = tmp_path / "event.lens"
    SessionStore.create(path, content, clock=clock).close()
    store = SessionStore.open(path, exclusive=True, clock=clock)
    store.record(tag("t1", "Phone line only"))
    yield store
    store.close()


def test_the_app_still_keeps_every_other_writer_out(held, capsys):
    with pytest.raises(Exception, match="open in another lensmap window"):
        SessionStore.open(held.path)
    assert main(["session", "import", str(held.path), "-o", str(held.path)]) == 2


def test_session_show_reads_what_the_app_saved_and_says_so(held, capsys):
    assert main(["session", "show", str(held.path)]) == 0
    out, err = capsys.readouterr()
    assert "barrier at Triage (general, severity 2): Phone line only" in out
    assert f"{held.path} {AS_OF} this shows the session as of its last save" in err
    assert "Traceback" not in err

    held.record(tag("t2", "Leaflet explained the wait", "positive"))  # the app writes on
    assert main(["session", "show", str(held.path)]) == 0
    out = capsys.readouterr().out
    assert "Leaflet explained the wait" in out  # every action is saved as it is taken
    assert held.state.content().tags[-1].note == "Leaflet explained the wait"


def test_export_of_a_held_session_writes_everything_saved(held, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", str(held.path), "--out", str(out), "--formats", "svg"]) == 0
    said, err = capsys.readouterr()
    assert f"{AS_OF} this exports the session as of its last save" in err
    assert "Wrote" in said and "Phone line only" in (out / "issues.md").read_text()
    held.record(tag("t2", "Asked to retell her story", "risk"))  # the holder can still write
    assert main(["export", str(held.path), "--out", str(out), "--formats", "svg"]) == 0
    assert "Asked to retell her story" in (out / "issues.md").read_text()
    assert len(SessionStore.open(held.path, readonly=True).state.content().tags) == 2


def test_a_session_nobody_holds_is_read_without_the_note(tmp_path, content, capsys):
    path = tmp_path / "event.lens"
    SessionStore.create(path, content).close()
    assert main(["session", "show", str(path)]) == 0
    assert AS_OF not in capsys.readouterr().err
    with SessionStore.open(path, readonly=True) as store:
        assert not store.held_elsewhere


def test_the_commands_from_a_shell_while_the_app_holds_it(held, tmp_path):
    """As a facilitator types them in a second terminal: another process entirely."""
    for args in (
        ["session", "show", str(held.path)],
        ["export", str(held.path), "--out", str(tmp_path / "out"), "--formats", "svg"],
        ["validate", str(held.path)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "lensmap", *args],
            capture_output=True, text=True, cwd=ROOT, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
    held.record(tag("t2", "still writable"))
    assert held.state.content().tags[-1].note == "still writable"


def test_reading_while_the_app_writes_sees_whole_actions_only(held):
    """The holder records action after action while readers open the file: every reading is
    the session as of some saved action, never a half-written one."""
    written = threading.Event()

    def write() -> None:
        for n in range(2, 120):
            held.record(tag(f"t{n}", f"note {n}"))
        written.set()

    writer = threading.Thread(target=write)
    writer.start()
    seen = []
    try:
        while not written.is_set() or len(seen) < 5:
            with SessionStore.open(held.path, readonly=True) as reader:
                assert reader.held_elsewhere
                notes = [t.note for t in reader.state.content().tags]
            assert notes == ["Phone line only"] + [f"note {n}" for n in range(2, len(notes) + 1)]
            seen.append(len(notes))
    finally:
        writer.join()
    assert seen == sorted(seen) and seen[-1] == 119


def test_a_reader_waits_for_an_action_being_written(held, monkeypatch):
    """The journal says an action is being written: the reader waits until it is done."""
    journal = Path(f"{held.path}-journal")
    kept = journal.read_bytes()
    assert kept[:1] == b"\x00"  # between actions, the app's journal holds nothing
    journal.write_bytes(b"\xd9\xd5\x05\xf9 \xa1c\xd7" + kept[8:])  # an action under way
    timer = threading.Timer(0.3, journal.write_bytes, args=(kept,))
    timer.start()
    try:
        with SessionStore.open(held.path, readonly=True) as reader:
            assert [t.note for t in reader.state.content().tags] == ["Phone line only"]
    finally:
        timer.join()

    journal.write_bytes(b"\xd9\xd5\x05\xf9 \xa1c\xd7" + kept[8:])
    monkeypatch.setattr(store_module, "SNAPSHOT_TRIES", 3)
    try:
        assert main(["session", "show", str(held.path)]) == 2  # said, never a traceback
    finally:
        journal.write_bytes(kept)
    held.record(tag("t2", "still writable"))

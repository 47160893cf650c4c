"""A lensmap killed outright (power cut, killed process, closed laptop lid) loses nothing it had
confirmed: every action `record`, `undo` or `redo` returned from is in the file, the file opens,
its log replays, and work carries on from where it stopped.

A child process records actions as fast as it can and prints a line after each one returns;
the test kills it with SIGKILL at a random moment, then opens the file itself.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lensmap.event.model import Tag
from lensmap.files.pathway import load_pathway
from lensmap.files.problems import LoadError
from lensmap.files.vignettes import load_vignettes
from lensmap.session.actions import TagAdded
from lensmap.session.content import SessionContent
from lensmap.session.state import replay
from lensmap.session.store import SessionStore

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="needs SIGKILL and select() on pipes"
)

ROOT = Path(__file__).resolve().parent.parent
STAGE = "triage"

# Records tags t0, t1, ... and says so once each record() has returned.
CHILD_TAGS = r"""
import sys
from lensmap.event.model import Tag
from lensmap.session.actions import TagAdded
from lensmap.session.state import replay
from lensmap.session.store import SessionStore

store = SessionStore.open(sys.argv[1])
note = "The letter about the waiting list did not say how long the wait would be. " * 5
for i in range(100_000):
    store.record(TagAdded(tag=Tag(id=f"t{i}", stage=sys.argv[2], kind="barrier", note=note)))
    sys.stdout.write(f"confirmed t{i}\n")
    sys.stdout.flush()
"""

# Runs PATTERN over and over (tags, undos and redos), saying after each step which step it has
# finished and the state it then sees: the tags in force and the tags that could be redone.
PATTERN = ["record", "record", "undo", "redo", "undo", "undo", "redo", "record"]
CHILD_UNDO = r"""
import sys
from lensmap.event.model import Tag
from lensmap.session.actions import TagAdded
from lensmap.session.state import replay
from lensmap.session.store import SessionStore

PATTERN = PATTERN_HERE
store = SessionStore.open(sys.argv[1])
note = "Reception asked for the reason for the visit in front of the waiting room. " * 5
made = 0
for k in range(100_000):
    op = PATTERN[k % len(PATTERN)]
    if op == "record":
        tag = Tag(id=f"t{made}", stage=sys.argv[2], kind="risk", note=note)
        store.record(TagAdded(tag=tag))
        made += 1
    elif op == "undo":
        assert store.undo() is not None
    else:
        assert store.redo() is not None
    done = ",".join(store.state.tags)
    undone = ",".join(e.action.tag.id for e in store.history.undone)
    sys.stdout.write(f"confirmed {k} {done}|{undone}\n")
    sys.stdout.flush()
""".replace("PATTERN_HERE", repr(PATTERN))


# Records five tags, closes the session, then opens the file directly and starts a transaction
# it never finishes, as a lensmap dying in the middle of a commit would leave it: it changes the
# rows already there and adds more than SQLite keeps in memory, so part of it is written into
# the file itself, and only the journal can take it back.
CHILD_HALF_WRITE = r"""
import sqlite3, sys, time
from lensmap.event.model import Tag
from lensmap.session.actions import TagAdded
from lensmap.session.state import replay
from lensmap.session.store import SessionStore

store = SessionStore.open(sys.argv[1])
for i in range(5):
    store.record(TagAdded(tag=Tag(id=f"t{i}", stage=sys.argv[2], kind="barrier")))
    sys.stdout.write(f"confirmed t{i}\n")
    sys.stdout.flush()
last = store.entries[-1].seq
store.close()
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size = 1")
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE actions SET data = 'half-written' WHERE seq > 1")
for n in range(50):
    conn.execute(
        "INSERT INTO actions (seq, id, at, type, data) VALUES (?, ?, 'now', 'tag.add', ?)",
        (last + 1 + n, f"half{n}", "x" * 50_000),
    )
sys.stdout.write("confirmed half-written\n")
sys.stdout.flush()
time.sleep(120)
"""


def make_session(folder: Path) -> Path:
    pathway, _ = load_pathway(ROOT / "pathways" / "community-alcohol-drug-service.toml")
    vignettes, _ = load_vignettes(ROOT / "vignettes" / "annex-b.toml")
    assert STAGE in pathway.stages_by_id
    content = SessionContent(pathway=pathway, teams=vignettes.teams, personas=vignettes.personas)
    path = folder / "event.lens"
    SessionStore.create(path, content).close()
    return path


class Child:
    """A child Python process writing to the session; its confirmations are read as they come."""

    def __init__(self, code: str, path: Path, folder: Path) -> None:
        self.stderr_path = folder / "child-stderr.txt"
        with open(self.stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code, str(path), STAGE],
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=folder,
            )
        self.buffer = b""
        self.lines: list[str] = []

    def _take_lines(self) -> None:
        *complete, self.buffer = self.buffer.split(b"\n")
        self.lines += [line.decode() for line in complete]

    def read_until(self, count: int, timeout: float = 60) -> None:
        """Read confirmations until there are `count` of them."""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while len(self.lines) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"the child confirmed only {len(self.lines)} actions in {timeout}s")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    pytest.fail(
                        f"the child stopped by itself (exit {self.proc.wait()}):\n"
                        + self.stderr_path.read_text(errors="replace")
                    )
                self.buffer += chunk
                self._take_lines()

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or closed. Then read what it had said."""
        os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc.wait(timeout=30) != -signal.SIGKILL:  # it had stopped by itself
            pytest.fail(
                f"the child exited with {self.proc.returncode}:\n"
                + self.stderr_path.read_text(errors="replace")
            )
        self.buffer += self.proc.stdout.read()
        self.proc.stdout.close()
        self._take_lines()  # a line without its newline was not finished, so is not counted

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.proc.stdout.closed:
            self.proc.stdout.close()


def run_and_kill(code: str, path: Path, folder: Path, count: int, delay: float) -> list[str]:
    child = Child(code, path, folder)
    try:
        child.read_until(count)
        time.sleep(delay)
        child.kill()
    finally:
        child.stop()
    assert all(line.startswith("confirmed ") for line in child.lines), child.lines
    return [line.removeprefix("confirmed ") for line in child.lines]


@pytest.mark.parametrize(
    ("count", "seed"), [(40, 1), (43, 2), (57, 3)], ids=["early", "later", "latest"]
)
def test_sigkill_while_recording_keeps_every_confirmed_action(
    tmp_path: Path, count: int, seed: int
) -> None:
    path = make_session(tmp_path)
    delay = random.Random(seed).uniform(0, 0.03)
    confirmed = run_and_kill(CHILD_TAGS, path, tmp_path, count, delay)
    assert confirmed == [f"t{i}" for i in range(len(confirmed))]
    assert len(confirmed) >= count

    # Read-only first, as `lensmap validate` and `lensmap session show` open it.
    with SessionStore.open(path, readonly=True) as store:
        tags = list(store.state.tags)
        entries = len(store.entries)
    assert set(confirmed) <= set(tags), f"lost: {sorted(set(confirmed) - set(tags))}"
    # Nothing else: at most the one action that was being saved when the process died,
    # and no gap in the log.
    assert tags == [f"t{i}" for i in range(len(tags))]
    assert len(confirmed) <= len(tags) <= len(confirmed) + 1
    assert entries == 1 + len(tags)

    # Work carries on: the last tag can be undone, a new one recorded, and both are kept.
    with SessionStore.open(path) as store:
        assert store.state.tags.keys() == set(tags)
        undone = store.undo()
        assert undone is not None and undone.action.tag.id == tags[-1]
        store.record(TagAdded(tag=Tag(id="after", stage=STAGE, kind="positive")))
    with SessionStore.open(path, readonly=True) as store:
        assert list(store.state.tags) == [*tags[:-1], "after"]
        assert not store.can_redo
        assert len(store.entries) == 1 + len(tags) + 2


def simulate(steps: int) -> tuple[list[str], list[str]]:
    """The tags in force and the tags that can be redone after the first `steps` of PATTERN."""
    done: list[str] = []
    undone: list[str] = []
    made = 0
    for k in range(steps):
        op = PATTERN[k % len(PATTERN)]
        if op == "record":
            done.append(f"t{made}")
            made += 1
            undone.clear()
        elif op == "undo":
            undone.append(done.pop())
        else:
            done.append(undone.pop())
    return done, undone


def state_of(store: SessionStore) -> tuple[list[str], list[str]]:
    return list(store.state.tags), [e.action.tag.id for e in store.history.undone]


def split_state(text: str) -> tuple[list[str], list[str]]:
    done, undone = text.split("|")
    return (done.split(",") if done else []), (undone.split(",") if undone else [])


@pytest.mark.parametrize(("count", "seed"), [(40, 4), (47, 5), (61, 6)])
def test_sigkill_while_undoing_and_redoing_keeps_the_history(
    tmp_path: Path, count: int, seed: int
) -> None:
    path = make_session(tmp_path)
    delay = random.Random(seed).uniform(0, 0.03)
    confirmed = run_and_kill(CHILD_UNDO, path, tmp_path, count, delay)
    for k, line in enumerate(confirmed):  # the child did what the pattern says, step by step
        step, state = line.split(" ", 1)
        assert int(step) == k
        assert split_state(state) == simulate(k + 1), line
    steps = len(confirmed)

    with SessionStore.open(path, readonly=True) as store:
        found = state_of(store)
    # The state the child last confirmed, or the one after the step it was taking when killed.
    assert found in (simulate(steps), simulate(steps + 1)), (found, simulate(steps))
    if found == simulate(steps + 1):
        steps += 1

    # Undo and redo carry on from there after reopening, and are kept in turn.
    done, undone = found
    with SessionStore.open(path) as store:
        if undone:
            assert store.redo().action.tag.id == undone[-1]
            done, undone = [*done, undone[-1]], undone[:-1]
            assert state_of(store) == (done, undone)
        assert store.undo().action.tag.id == done[-1]
        done, undone = done[:-1], [*undone, done[-1]]
        assert state_of(store) == (done, undone)
    with SessionStore.open(path, readonly=True) as store:
        assert state_of(store) == (done, undone)
        assert store.can_redo


def test_sigkill_in_the_middle_of_a_transaction_is_rolled_back(tmp_path: Path) -> None:
    """Not left to chance: the process dies with part of a transaction already in the file."""
    path = make_session(tmp_path)
    size_before = path.stat().st_size
    confirmed = run_and_kill(CHILD_HALF_WRITE, path, tmp_path, 6, 0)
    assert confirmed == ["t0", "t1", "t2", "t3", "t4", "half-written"]
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0, "no transaction was left open"
    assert path.stat().st_size > size_before + 1_000_000, "the transaction did not reach the file"
    # The file on its own (without the journal) is damaged: the test is about the rollback.
    alone = tmp_path / "alone" / "event.lens"
    alone.parent.mkdir()
    shutil.copyfile(path, alone)
    with pytest.raises(LoadError):
        SessionStore.open(alone, readonly=True).close()

    with SessionStore.open(path, readonly=True) as store:
        assert list(store.state.tags) == ["t0", "t1", "t2", "t3", "t4"]
        assert len(store.entries) == 6
    with SessionStore.open(path) as store:
        store.record(TagAdded(tag=Tag(id="after", stage=STAGE, kind="positive")))
        assert store.undo() is not None
    with SessionStore.open(path, readonly=True) as store:
        assert list(store.state.tags) == ["t0", "t1", "t2", "t3", "t4"]
        assert store.can_redo


# Records tags in bursts, closing the session after each burst (which writes a checkpoint of
# its state: from 5 actions here, again 3 later) and opening it again (from that checkpoint).
CHILD_CHECKPOINTS = r"""
import sys
from lensmap.event.model import Tag
from lensmap.session import checkpoint
from lensmap.session.actions import TagAdded
from lensmap.session.state import replay
from lensmap.session.store import SessionStore

checkpoint.FROM, checkpoint.EVERY, checkpoint.KEEP = 5, 3, 2
note = "Nobody said which door to use, and the sign pointed the other way. " * 5
made = 0
for burst in range(100_000):
    with SessionStore.open(sys.argv[1]) as store:
        for _ in range(4):
            tag = Tag(id=f"t{made}", stage=sys.argv[2], kind="risk", note=note)
            store.record(TagAdded(tag=tag))
            sys.stdout.write(f"confirmed record t{made}\n")
            sys.stdout.flush()
            made += 1
        assert store.undo() is not None
        sys.stdout.write(f"confirmed undo t{made - 1}\n")
        sys.stdout.flush()
        assert store.redo() is not None
        sys.stdout.write(f"confirmed redo t{made - 1}\n")
        sys.stdout.flush()
"""


def in_force_after(steps: list[str]) -> list[str]:
    """The tags in force once the child's confirmed steps ("record t5", "undo t7") are done."""
    tags: list[str] = []
    for step in steps:
        op, tag = step.split()
        if op == "undo":
            tags.remove(tag)
        else:
            tags.append(tag)
    return tags


def next_step(steps: list[str]) -> str:
    """What the child does after its last confirmed step: four records, an undo, a redo."""
    op, tag = steps[-1].split()
    number = int(tag.removeprefix("t"))
    if op == "record" and number % 4 == 3:
        return f"undo {tag}"
    if op == "undo":
        return f"redo {tag}"
    return f"record t{number + 1}"


@pytest.mark.parametrize(("count", "seed"), [(30, 7), (45, 8), (70, 9)])
def test_sigkill_while_checkpoints_are_written_keeps_every_confirmed_action(
    tmp_path: Path, count: int, seed: int
) -> None:
    path = make_session(tmp_path)
    delay = random.Random(seed).uniform(0, 0.05)
    confirmed = run_and_kill(CHILD_CHECKPOINTS, path, tmp_path, count, delay)
    with SessionStore.open(path, readonly=True) as store:
        assert store.checkpoint is not None  # the last one written in full, if one was cut
        tags = list(store.state.tags)
        entries = list(store.entries)
    # The session is as the last confirmed step left it, or one step on: the step being saved
    # when the process died may have reached the disk (the child says so only afterwards).
    expected = in_force_after(confirmed)
    one_on = in_force_after([*confirmed, next_step(confirmed)])
    assert tags in (expected, one_on), f"lost: {sorted(set(expected) - set(tags))}"
    assert tags == [f"t{i}" for i in range(len(tags))]
    # Whatever the checkpoint said, the state is the replay of the log.
    assert replay(entries)[1].tags == store.state.tags
    with SessionStore.open(path) as store:
        store.record(TagAdded(tag=Tag(id="after", stage=STAGE, kind="positive")))
    with SessionStore.open(path, readonly=True) as store:
        assert list(store.state.tags) == [*tags, "after"]

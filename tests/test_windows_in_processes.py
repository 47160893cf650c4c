"""Real processes writing one session at once, at random moments, one of them killed without
warning part way: nothing any window was told is saved is lost, nothing is stored twice, the
log replays, and every window left converges on exactly what the file holds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lensmap.event.model import Tag
from lensmap.session.actions import TagAdded
from lensmap.session.store import SessionStore
from tests.window_worker import what_it_holds

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL")


def start(tmp_path: Path, session: Path, persona: str, seed: int, count: int):
    confirmed, final = tmp_path / f"{persona}.confirmed", tmp_path / f"{persona}.final"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.window_worker", str(session), str(confirmed), str(final),
         str(tmp_path / "go"), persona, str(seed), str(count)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return process, confirmed, final


def confirmed_ids(confirmed: Path) -> list[str]:
    if not confirmed.exists():
        return []
    return [line for line in confirmed.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize(("windows", "count"), [(2, 700), (3, 500)])
def test_windows_in_processes_lose_nothing_and_agree(tmp_path, content, windows, count):
    session = tmp_path / "event.lens"
    with SessionStore.create(session, content) as store:
        store.record(TagAdded(tag=Tag(id="shared", stage="triage", kind="barrier")))
    personas = ["ollie", "jay", "gill"][:windows]
    started = [start(tmp_path, session, p, seed, count) for seed, p in enumerate(personas)]
    victim, victim_confirmed, _ = started[-1]
    # Kill the last window without warning once it has stored a good part of its actions.
    deadline = time.monotonic() + 120
    while len(confirmed_ids(victim_confirmed)) < count // 4 and time.monotonic() < deadline:
        assert victim.poll() is None, victim.communicate()
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    for process, confirmed, _ in started[:-1]:  # the others go on writing after the kill
        while not Path(f"{confirmed}.done").exists() and process.poll() is None:
            time.sleep(0.05)
    (tmp_path / "go").write_text("go")  # no window writes now: each reads in and says
    outcomes = [process.communicate(timeout=300) for process, _, _ in started[:-1]]
    for (process, _, _), (_out, err) in zip(started[:-1], outcomes, strict=True):
        assert process.returncode == 0, err
        assert "not saved" not in err, err

    with SessionStore.open(session) as again:  # reading it replays and checks every action
        ids = [entry.id for entry in again.entries]
        assert len(ids) == len(set(ids)), "an action stored twice"
        assert [e.seq for e in again.entries] == list(range(1, len(ids) + 1))
        stored = set(ids)
        told = [i for _, confirmed, _ in started for i in confirmed_ids(confirmed)]
        assert len(told) > windows * count // 3  # the windows really did write, and often
        assert not [i for i in told if i not in stored], "a confirmed action was lost"
        devices = {entry.device for entry in again.entries[2:]}
        assert len(devices) == windows  # each window's actions carry its own device id
        # Every window left shows what the file holds (and so each other).
        for _, _, final in started[:-1]:
            assert final.read_text(encoding="utf-8") == what_it_holds(again)
        assert again.state.tags["shared"]  # the note every window edited is still there

"""The session store: durable actions, replay, undo and redo, and refusing what does not fit."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys

import pytest

from lensmap.event.model import Event, IssueNotes, Tag
from lensmap.files.problems import LoadError
from lensmap.session.actions import (
    EventEdited,
    IssueEdited,
    OutcomeSet,
    SteppedBack,
    StepTaken,
    TagAdded,
    TagDeleted,
    TagEdited,
    WindowSet,
)
from lensmap.session.state import ActionRefused
from lensmap.session.store import SaveFailed, SessionStore


def tag(tag_id="t1", stage="triage", **fields) -> Tag:
    return Tag(id=tag_id, stage=stage, kind=fields.pop("kind", "barrier"), **fields)


def reopen(store: SessionStore) -> SessionStore:
    store.close()
    return SessionStore.open(store.path)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_session_file_is_private(store):
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_every_action_is_on_disk_when_record_returns(store):
    store.record(StepTaken(persona="ollie", stage="gp_referral", window="within"))
    store.record(TagAdded(tag=tag(persona="ollie", note="Letter was vague", severity=3)))
    # read with a separate connection, as another process would
    rows = sqlite3.connect(store.path).execute("SELECT seq, type FROM actions").fetchall()
    assert rows == [(1, "session.start"), (2, "journey.step"), (3, "tag.add")]


def test_replay_after_reopen_gives_the_same_state(store):
    store.record(StepTaken(persona="ollie", stage="gp_referral"))
    store.record(StepTaken(persona="ollie", stage="triage"))
    store.record(WindowSet(persona="ollie", step=2, window="hyper"))
    store.record(TagAdded(tag=tag(persona="ollie", principles=["trust", "safety"])))
    store.record(TagEdited(tag=tag(persona="ollie", note="edited", principles=["choice"])))
    store.record(TagAdded(tag=tag("t2", stage="waiting_list", kind="positive")))
    store.record(TagDeleted(id="t2"))
    store.record(IssueEdited(issue=IssueNotes(stage="triage", kind="barrier", votes=4, effort="S")))
    store.record(OutcomeSet(persona="ollie", outcome="Planned discharge"))
    store.record(EventEdited(event=Event(title="Renamed", date="2026-03-15")))
    before = store.state.content()
    again = reopen(store)
    assert again.state.content() == before
    journey = again.state.journeys["ollie"]
    assert [s.stage for s in journey.steps] == ["gp_referral", "triage"]
    assert journey.steps[1].window == "hyper"
    assert journey.outcome == "Planned discharge"
    assert again.state.tags["t1"].note == "edited"
    assert again.state.tags["t1"].principles == ["choice"]
    assert "t2" not in again.state.tags
    assert again.state.issues[("triage", "barrier")].votes == 4
    assert again.state.event.title == "Renamed"
    again.close()


def test_principles_keep_a_canonical_order_and_refuse_repeats():
    assert tag(principles=["empowerment", "safety"]).principles == ["safety", "empowerment"]
    with pytest.raises(ValueError, match="more than once"):
        tag(principles=["safety", "safety"])


def test_undo_and_redo_are_actions_and_survive_reopening(store):
    store.record(TagAdded(tag=tag("t1")))
    store.record(TagAdded(tag=tag("t2")))
    assert store.undo().action.tag.id == "t2"
    assert set(store.state.tags) == {"t1"}
    assert store.undo().action.tag.id == "t1"
    assert store.state.tags == {}
    assert store.undo() is None  # the start of the session cannot be undone
    assert store.redo().action.tag.id == "t1"
    assert set(store.state.tags) == {"t1"}
    again = reopen(store)
    assert set(again.state.tags) == {"t1"}
    assert again.can_redo  # t2 can still be redone after reopening
    again.redo()
    assert set(again.state.tags) == {"t1", "t2"}
    types = [e.action.type for e in again.entries]
    assert types == ["session.start", "tag.add", "tag.add", "undo", "undo", "redo", "redo"]
    again.close()


def test_a_new_action_clears_redo(store):
    store.record(TagAdded(tag=tag("t1")))
    store.undo()
    store.record(TagAdded(tag=tag("t3")))
    assert not store.can_redo
    assert store.redo() is None
    assert set(reopen(store).state.tags) == {"t3"}


def test_undo_of_a_step_back_restores_the_step(store):
    store.record(StepTaken(persona="jay", stage="self_referral"))
    store.record(StepTaken(persona="jay", stage="triage"))
    store.record(SteppedBack(persona="jay"))
    assert [s.stage for s in store.state.journeys["jay"].steps] == ["self_referral"]
    store.undo()
    assert [s.stage for s in store.state.journeys["jay"].steps] == ["self_referral", "triage"]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (StepTaken(persona="nobody", stage="triage"), "persona"),
        (StepTaken(persona="ollie", stage="nowhere"), "not in the pathway"),
        (SteppedBack(persona="ollie"), "has not started"),
        (WindowSet(persona="ollie", step=1, window="hypo"), "has not started"),
        (TagAdded(tag=tag(stage="nowhere")), "not in the pathway"),
        (TagEdited(tag=tag("missing")), "no tag"),
        (TagDeleted(id="missing"), "no tag"),
        (IssueEdited(issue=IssueNotes(stage="nowhere", kind="risk")), "not in the pathway"),
    ],
)
def test_refused_actions_store_nothing(store, action, message):
    with pytest.raises(ActionRefused, match=message):
        store.record(action)
    assert len(store.entries) == 1
    assert len(reopen(store).entries) == 1


def test_an_ended_journey_takes_no_more_steps_until_taken_up_again(store):
    store.record(StepTaken(persona="stuart", stage="criminal_justice_order"))
    store.record(OutcomeSet(persona="stuart", outcome="Fatal overdose"))
    with pytest.raises(ActionRefused, match="ended"):
        store.record(StepTaken(persona="stuart", stage="custody"))
    store.record(OutcomeSet(persona="stuart", outcome=None))
    store.record(StepTaken(persona="stuart", stage="custody"))
    assert len(store.state.journeys["stuart"].steps) == 2


def test_duplicate_tag_id_refused(store):
    store.record(TagAdded(tag=tag("t1")))
    with pytest.raises(ActionRefused, match="already"):
        store.record(TagAdded(tag=tag("t1")))


def test_create_never_replaces_an_existing_file(store, content):
    size = store.path.stat().st_size
    with pytest.raises(LoadError, match="already exists"):
        SessionStore.create(store.path, content)
    assert store.path.stat().st_size == size
    assert len(SessionStore.open(store.path).entries) == 1


def test_a_second_writer_is_read_in_first_not_interleaved(store):
    other = SessionStore.open(store.path)
    other.record(TagAdded(tag=tag("t1")))
    entry = store.record(TagAdded(tag=tag("t2")))
    assert entry.seq == 3  # after the other window's action, which this one read in first
    assert [e.action.tag.id for e in store.take_arrived()] == ["t1"]
    assert set(store.state.tags) == {"t1", "t2"}
    other.close()
    assert set(reopen(store).state.tags) == {"t1", "t2"}


def test_readonly_refuses_to_write(store):
    readonly = SessionStore.open(store.path, readonly=True)
    with pytest.raises(SaveFailed):
        readonly.record(TagAdded(tag=tag("t1")))
    readonly.close()


def test_actions_carry_times_from_the_clock(store):
    entry = store.record(TagAdded(tag=tag("t1")))
    assert entry.at.startswith("2026-03-14T09:30:0")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "is empty"),
        (b"hello, this is a text file", "not a lensmap session"),
        (b'{"format": "lensmap-session"}', "is a JSON file"),
    ],
)
def test_not_a_session_file(tmp_path, payload, message):
    path = tmp_path / "x.lens"
    path.write_bytes(payload)
    with pytest.raises(LoadError, match=message):
        SessionStore.open(path)
    assert path.read_bytes() == payload


def test_other_sqlite_database_is_not_a_session(tmp_path):
    path = tmp_path / "other.lens"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(LoadError, match="a database, but not a lensmap session"):
        SessionStore.open(path)


def test_newer_session_format_is_refused_and_left_alone(store):
    store.close()
    conn = sqlite3.connect(store.path)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    before = store.path.read_bytes()
    with pytest.raises(LoadError, match="newer lensmap"):
        SessionStore.open(store.path)
    assert store.path.read_bytes() == before


def test_damaged_action_is_reported_not_overwritten(store):
    store.record(TagAdded(tag=tag("t1")))
    store.close()
    conn = sqlite3.connect(store.path)
    conn.execute('UPDATE actions SET data = \'{"type": "tag.add"}\' WHERE seq = 2')
    conn.commit()
    conn.close()
    before = store.path.read_bytes()
    with pytest.raises(LoadError, match="action 2 cannot be read"):
        SessionStore.open(store.path)
    assert store.path.read_bytes() == before


def test_action_that_no_longer_fits_is_reported(store):
    store.record(TagAdded(tag=tag("t1")))
    store.close()
    conn = sqlite3.connect(store.path)
    conn.execute("UPDATE actions SET data = replace(data, '\"triage\"', '\"gone\"') WHERE seq = 2")
    conn.commit()
    conn.close()
    with pytest.raises(LoadError, match=r"action 2 \(tag.add\).*not in the pathway"):
        SessionStore.open(store.path)

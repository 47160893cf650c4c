"""A long session opens from a checkpoint of its state instead of replaying every action; the
log stays the source of truth: a checkpoint that does not stand for the log as it is, or that
does not read as strictly as an action, is passed over and the whole log replayed (never an
error of its own), and whatever a session opened from one shows is the replay of its log."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from lensmap.event.model import Tag
from lensmap.files.problems import LoadError
from lensmap.session import checkpoint
from lensmap.session.actions import Action, Entry, StepTaken, TagAdded, TagEdited
from lensmap.session.state import ActionRefused, replay
from lensmap.session.store import SaveFailed, SessionStore

STAGES = ["gp_referral", "triage", "waiting_list", "same_day_prescribing"]


@pytest.fixture(autouse=True)
def short_sessions_are_long(monkeypatch):
    """Checkpoints from 10 actions on, written again 5 actions later, keeping 3 out of them."""
    monkeypatch.setattr(checkpoint, "FROM", 10)
    monkeypatch.setattr(checkpoint, "EVERY", 5)
    monkeypatch.setattr(checkpoint, "KEEP", 3)


def tag(n: int, note: str = "") -> TagAdded:
    return TagAdded(tag=Tag(id=f"t{n}", stage=STAGES[n % 4], kind="barrier", note=note))


ANY_ACTION = TypeAdapter(Action)  # each row's JSON alone, whatever its type column says


def the_log(path: Path):
    """The state as the log alone says it is: every row read and replayed."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT seq, id, at, data FROM actions ORDER BY seq").fetchall()
    finally:
        conn.close()
    return replay([Entry(seq, i, at, ANY_ACTION.validate_json(data)) for seq, i, at, data in rows])[
        1
    ]


def same(a, b) -> bool:
    return (a.event, a.journeys, a.tags, a.issues) == (b.event, b.journeys, b.tags, b.issues)


def about(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT key, value FROM about").fetchall())
    finally:
        conn.close()


def set_about(path: Path, key: str, value: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT OR REPLACE INTO about (key, value) VALUES (?, ?)", (key, value))
    conn.close()


@pytest.fixture
def long_session(tmp_path, content, clock) -> Path:
    """20 tags, the last two undone and one of them redone; closed, so it has a checkpoint."""
    with SessionStore.create(tmp_path / "event.lens", content, clock=clock) as store:
        store.record(StepTaken(persona="ollie", stage="gp_referral"))
        for n in range(20):
            store.record(tag(n, f"note {n}"))
        store.undo()
        store.undo()
        store.redo()
        assert store.checkpoint is None  # made new: nothing to open from
    return store.path


@pytest.mark.parametrize("exclusive", [True, False], ids=["as-the-app-holds-it", "shared"])
def test_a_long_session_opens_from_its_checkpoint_reading_only_the_top_of_the_log(
    long_session, exclusive
):
    assert checkpoint.KEY in about(long_session)
    log = the_log(long_session)  # read first: the app's hold keeps other readers out
    with SessionStore.open(long_session, exclusive=exclusive) as store:
        assert store.checkpoint == 25  # every action, 1 to 25
        # the start, the 3 kept at the top of the undo stack, the one to redo, the last row
        assert store.replayed == 6
        assert len(store.entries) == 25
        assert same(store.state, log)
        assert [e.action.tag.id for e in store.history.done] == ["t16", "t17", "t18"]
        assert [e.action.tag.id for e in store.history.undone] == ["t19"]
        for n in range(40, 45):  # enough for closing to write the checkpoint again
            store.record(tag(n))
    assert json.loads(about(long_session)[checkpoint.KEY])["seq"] == 30
    log = the_log(long_session)
    with SessionStore.open(long_session, exclusive=exclusive) as store:
        assert store.checkpoint == 30
        assert same(store.state, log)


def test_opening_without_a_checkpoint_replays_every_action(long_session):
    conn = sqlite3.connect(long_session)
    with conn:
        conn.execute("DELETE FROM about WHERE key LIKE 'checkpoint%'")
    conn.close()
    with SessionStore.open(long_session, readonly=True) as store:
        assert store.checkpoint is None
        assert store.replayed == 25
        assert same(store.state, the_log(long_session))


def test_the_checkpoint_is_kept_beside_the_log_which_closing_never_changes(
    tmp_path, content, clock
):
    with SessionStore.create(tmp_path / "event.lens", content, clock=clock) as store:
        for n in range(12):
            store.record(tag(n))
        conn = sqlite3.connect(store.path)
        before = conn.execute("SELECT * FROM actions ORDER BY seq").fetchall()
        conn.close()
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT * FROM actions ORDER BY seq").fetchall() == before
    conn.close()
    assert set(about(store.path)) == {"created_by", checkpoint.KEY, checkpoint.STATE_KEY}
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_actions_after_the_checkpoint_are_replayed_from_it(long_session):
    with SessionStore.open(long_session) as store:
        store.record(tag(30))
        store.undo()
        store.undo()  # t18, kept at the top
        store.record(tag(31))
    # 4 more actions: fewer than EVERY, so the checkpoint was not written again
    assert json.loads(about(long_session)[checkpoint.KEY])["seq"] == 25
    with SessionStore.open(long_session, readonly=True) as store:
        assert store.checkpoint == 25
        assert store.replayed < 12
        assert same(store.state, the_log(long_session))
        assert "t18" not in store.state.tags and "t31" in store.state.tags


def test_an_undo_after_the_checkpoint_that_reaches_below_what_it_kept_replays_the_log(
    long_session,
):
    with SessionStore.open(long_session) as store:
        for _ in range(4):  # t18, t17 and t16 are kept; t15 is in the checkpoint's state
            store.undo()
        assert same(store.state, the_log(long_session))
    with SessionStore.open(long_session, readonly=True) as store:
        assert store.checkpoint is None  # the tail undoes past what it kept: the whole log
        assert store.replayed == 29
        assert same(store.state, the_log(long_session))


def test_undo_goes_back_through_the_whole_history_from_a_checkpoint(long_session):
    with SessionStore.open(long_session) as store:
        assert store.history.deeper
        undone = 0
        while store.can_undo:
            assert store.undo() is not None
            undone += 1
            assert same(store.state, the_log(long_session))
        assert undone == 20  # the step and 19 tags in force
        assert store.state.tags == {} and store.state.journeys == {}
        assert not store.history.deeper
        while store.can_redo:
            store.redo()
        assert same(store.state, the_log(long_session))
        assert len(store.state.tags) == 20  # t19 too, undone before the session was closed


def test_a_checkpoint_whose_log_was_changed_is_passed_over_and_the_log_wins(long_session):
    conn = sqlite3.connect(long_session)
    with conn:  # a database tool changes a note under the checkpoint
        data = json.loads(conn.execute("SELECT data FROM actions WHERE seq = 5").fetchone()[0])
        data["tag"]["note"] = "changed in the log"
        conn.execute("UPDATE actions SET data = ? WHERE seq = 5", (json.dumps(data),))
    conn.close()
    with SessionStore.open(long_session, readonly=True) as store:
        assert store.checkpoint is None
        assert store.state.tags["t2"].note == "changed in the log"
        assert same(store.state, the_log(long_session))


def test_a_checkpoint_whose_state_was_changed_is_passed_over_and_the_log_wins(long_session):
    state = json.loads(about(long_session)[checkpoint.STATE_KEY])
    state["tags"][0]["note"] = "changed in the checkpoint"
    set_about(long_session, checkpoint.STATE_KEY, json.dumps(state))
    with SessionStore.open(long_session, readonly=True) as store:
        assert store.checkpoint is None
        assert store.state.tags["t0"].note == "note 0"
        assert same(store.state, the_log(long_session))


def test_a_log_cut_short_below_its_checkpoint_is_replayed(long_session):
    conn = sqlite3.connect(long_session)
    with conn:
        conn.execute("DELETE FROM actions WHERE seq > 20")
    conn.close()
    with SessionStore.open(long_session, readonly=True) as store:
        assert store.checkpoint is None
        assert len(store.entries) == 20
        assert same(store.state, the_log(long_session))


def forged(path: Path, change, text: str | None = None) -> None:
    """A checkpoint changed by `change` (header and state as JSON, or the state as `text`)
    with its digest made again: what a file made to deceive could hold. It must still read
    as strictly as any session."""
    header = json.loads(about(path)[checkpoint.KEY])
    state = json.loads(about(path)[checkpoint.STATE_KEY])
    change(header, state)
    text = json.dumps(state) if text is None else text
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT seq, id, at, type, data FROM actions ORDER BY seq").fetchall()
    conn.close()
    header["digest"] = checkpoint.digest(rows, header["seq"], text)
    set_about(path, checkpoint.KEY, json.dumps(header))
    set_about(path, checkpoint.STATE_KEY, text)


HOSTILE = {
    "not-json": lambda path: set_about(path, checkpoint.KEY, "{not json"),
    "a-blob": lambda path: set_about(path, checkpoint.STATE_KEY, b"\x00\xff"),
    "a-number": lambda path: set_about(path, checkpoint.KEY, 7),
    "state-not-json": lambda path: set_about(path, checkpoint.STATE_KEY, "[[[["),
    "deep-nesting": lambda path: forged(path, lambda h, s: None, "[" * 100_000),
    "state-a-list": lambda path: forged(path, lambda h, s: None, "[]"),
    "format-2": lambda path: forged(path, lambda h, s: h.update(format=2)),
    "seq-beyond-the-log": lambda path: forged(path, lambda h, s: h.update(seq=10**6)),
    "seq-negative": lambda path: forged(path, lambda h, s: h.update(seq=-1)),
    "extra-key": lambda path: forged(path, lambda h, s: h.update(run="rm -rf")),
    "tag-on-no-stage": lambda path: forged(
        path, lambda h, s: s["tags"][0].update(stage="no_such_stage")
    ),
    "tag-twice": lambda path: forged(path, lambda h, s: s["tags"].append(s["tags"][0])),
    "tag-not-strict": lambda path: forged(path, lambda h, s: s["tags"][0].update(severity="2")),
    "other-pathway": lambda path: forged(path, lambda h, s: s["pathway"].update(title="Other")),
    "done-is-the-start": lambda path: forged(path, lambda h, s: h.update(done=[1])),
    "done-is-an-undo": lambda path: forged(path, lambda h, s: h.update(done=[23])),
    "done-not-in-the-log": lambda path: forged(path, lambda h, s: h.update(done=[99])),
    "done-and-undone": lambda path: forged(path, lambda h, s: h.update(done=[5], undone=[5])),
    "kept-does-not-fit": lambda path: forged(
        path, lambda h, s: s["tags"].append({**s["tags"][-1], "id": "t17"})
    ),
}


@pytest.mark.parametrize("spoil", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_checkpoint_is_passed_over_for_the_log(long_session, spoil):
    spoil(long_session)
    with SessionStore.open(long_session, readonly=True) as store:
        assert store.checkpoint is None
        assert store.replayed == 25
        assert same(store.state, the_log(long_session))


def test_a_damaged_action_under_a_checkpoint_is_still_named_on_opening(long_session):
    conn = sqlite3.connect(long_session)
    with conn:
        conn.execute('UPDATE actions SET data = \'{"type": "tag.add"}\' WHERE seq = 7')
    conn.close()
    with pytest.raises(LoadError, match="is damaged: action 7 cannot be read"):
        SessionStore.open(long_session)


def test_a_forged_checkpoint_over_a_damaged_action_keeps_undo_to_plain_words(long_session):
    """A file made so that its checkpoint stands for a log with an action that cannot be read:
    it opens (the state shown is checked like any session), and undo, reaching that action,
    says so instead of failing."""
    conn = sqlite3.connect(long_session)
    with conn:
        conn.execute('UPDATE actions SET data = \'{"type": "tag.add"}\' WHERE seq = 7')
    conn.close()
    forged(long_session, lambda h, s: None)
    with SessionStore.open(long_session) as store:
        assert store.checkpoint == 25
        for _ in range(3):  # what it kept at the top of the undo stack
            store.undo()
        with pytest.raises(SaveFailed, match=r"action 7 cannot be read.*undo cannot go further"):
            store.undo()
        assert store.can_undo  # nothing was lost on the way
        assert len(store.state.tags) == 19 - 3


def test_a_checkpoint_that_cannot_be_written_leaves_closing_and_the_log_as_they_were(
    tmp_path, content, clock, monkeypatch
):
    def fails(*args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(checkpoint, "write", fails)
    with SessionStore.create(tmp_path / "event.lens", content, clock=clock) as store:
        for n in range(12):
            store.record(tag(n))
    assert checkpoint.KEY not in about(store.path)
    with SessionStore.open(store.path) as again:
        assert again.checkpoint is None and len(again.state.tags) == 12


def test_a_read_only_opening_never_writes_a_checkpoint(tmp_path, content, clock):
    with SessionStore.create(tmp_path / "event.lens", content, clock=clock) as store:
        for n in range(12):
            store.record(tag(n))
    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute("DELETE FROM about WHERE key LIKE 'checkpoint%'")
    conn.close()
    before = store.path.read_bytes()
    with SessionStore.open(store.path, readonly=True) as again:
        assert again.checkpoint is None
    assert store.path.read_bytes() == before


def test_a_short_session_has_no_checkpoint(tmp_path, content, clock):
    with SessionStore.create(tmp_path / "event.lens", content, clock=clock) as store:
        for n in range(5):
            store.record(tag(n))
    assert checkpoint.KEY not in about(store.path)


def test_what_an_older_lensmap_appends_after_the_checkpoint_is_replayed(long_session):
    """An older lensmap knows nothing of checkpoints: it only appends to the log."""
    action = TagEdited(tag=Tag(id="t3", stage="triage", kind="risk", note="by an older one"))
    conn = sqlite3.connect(long_session)
    with conn:
        conn.execute(
            "INSERT INTO actions VALUES (26, 'a0000000026', '2026-03-14T10:00:00+00:00', ?, ?)",
            (action.type, action.model_dump_json(by_alias=True)),
        )
    conn.close()
    with SessionStore.open(long_session, readonly=True) as store:
        assert store.checkpoint == 25
        assert store.state.tags["t3"].note == "by an older one"
        assert same(store.state, the_log(long_session))


TAGS = st.builds(
    TagAdded,
    tag=st.builds(
        Tag,
        id=st.sampled_from(["t1", "t2", "t3", "t4"]),
        stage=st.sampled_from(STAGES),
        kind=st.just("barrier"),
    ),
)
MOVES = st.lists(
    st.one_of(
        TAGS,
        st.builds(StepTaken, persona=st.sampled_from(["ollie", "jay"]), stage=st.just("triage")),
        st.just("undo"),
        st.just("redo"),
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=MOVES, then=MOVES)
def test_a_session_opened_from_its_checkpoint_is_always_the_replay_of_its_log(
    tmp_path_factory, content, first, then
):
    path = tmp_path_factory.mktemp("checkpoint") / "event.lens"

    def play(store: SessionStore, moves: list) -> None:
        for move in moves:
            if move == "undo":
                store.undo()
            elif move == "redo":
                store.redo()
            else:
                with contextlib.suppress(ActionRefused):
                    store.record(move)
            assert same(store.state, the_log(path))

    with SessionStore.create(path, content) as store:
        for n in range(10):
            store.record(tag(n))
        play(store, first)
    for moves in (then, ["undo"] * 30):
        with SessionStore.open(path) as store:
            assert same(store.state, the_log(path))
            play(store, moves)
    with SessionStore.open(path, readonly=True) as store:
        assert same(store.state, the_log(path))


def test_the_app_continues_with_the_persona_walked_before_the_checkpoint(tmp_path, content):
    """Opened from a checkpoint whose kept actions are all tags, the app still continues
    with the persona last walked, found further back in the log."""
    from lensmap.tui.app import make_app

    path = tmp_path / "walked.lens"
    with SessionStore.create(path, content) as store:
        second = store.state.content().personas[1].id
        entry = store.state.pathway.entries[0]
        store.record(StepTaken(persona=second, stage=entry))
        for n in range(20):
            store.record(tag(n))
    with SessionStore.open(path) as store:
        assert store.history.deeper  # opened from the checkpoint
        assert not any(isinstance(e.action, StepTaken) for e in store.history.done)
        assert make_app(store).persona == second

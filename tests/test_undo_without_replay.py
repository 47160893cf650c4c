"""Undo takes back what an action replaced instead of replaying the log; whatever the room
does, the state in memory is always exactly the replay of the log on disk."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lensmap.event.model import Event, IssueNotes, Tag
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
from lensmap.session.state import ActionRefused, replay
from lensmap.session.store import SaveFailed, SessionStore

STAGES = ["gp_referral", "triage", "waiting_list", "same_day_prescribing"]
PERSONAS = ["ollie", "jay"]
TAG_IDS = ["t1", "t2", "t3"]

actions = st.one_of(
    st.builds(StepTaken, persona=st.sampled_from(PERSONAS), stage=st.sampled_from(STAGES)),
    st.builds(SteppedBack, persona=st.sampled_from(PERSONAS)),
    st.builds(
        WindowSet,
        persona=st.sampled_from(PERSONAS),
        step=st.integers(1, 3),
        window=st.sampled_from(["within", "hyper", "hypo", None]),
    ),
    st.builds(OutcomeSet, persona=st.sampled_from(PERSONAS), outcome=st.sampled_from(["x", None])),
    st.builds(
        TagAdded,
        tag=st.builds(
            Tag,
            id=st.sampled_from(TAG_IDS),
            stage=st.sampled_from(STAGES),
            kind=st.sampled_from(["positive", "barrier", "risk"]),
            note=st.text(max_size=5),
        ),
    ),
    st.builds(
        TagEdited,
        tag=st.builds(
            Tag,
            id=st.sampled_from(TAG_IDS),
            stage=st.sampled_from(STAGES),
            kind=st.just("barrier"),
            note=st.just("edited"),
        ),
    ),
    st.builds(TagDeleted, id=st.sampled_from(TAG_IDS)),
    st.builds(
        IssueEdited,
        issue=st.builds(
            IssueNotes,
            stage=st.sampled_from(STAGES),
            kind=st.just("barrier"),
            votes=st.integers(0, 3),
        ),
    ),
    st.builds(EventEdited, event=st.builds(Event, title=st.sampled_from(["A", "B"]))),
)
moves = st.lists(st.one_of(actions, st.just("undo"), st.just("redo")), max_size=40)


def same(a, b) -> bool:
    return (a.event, a.journeys, a.tags, a.issues) == (b.event, b.journeys, b.tags, b.issues)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=moves)
def test_the_state_is_always_the_replay_of_the_log(tmp_path_factory, content, moves):
    path = tmp_path_factory.mktemp("undo") / "event.lens"
    with SessionStore.create(path, content) as store:
        for move in moves:
            if move == "undo":
                store.undo()
            elif move == "redo":
                store.redo()
            else:
                with contextlib.suppress(ActionRefused):
                    store.record(move)
            assert same(store.state, replay(store.entries)[1])
    with SessionStore.open(path, readonly=True) as again:
        assert same(again.state, store.state)


def test_an_action_not_saved_leaves_the_state_as_it_was(store, monkeypatch):
    store.record(StepTaken(persona="ollie", stage="gp_referral"))
    store.record(TagAdded(tag=Tag(id="t1", stage="triage", kind="barrier", note="a")))
    before = replay(store.entries)[1]

    def fails(action, device=None, newer=False):
        raise SaveFailed("the disk is full")

    monkeypatch.setattr(store, "_commit", fails)
    for attempt in (
        lambda: store.record(StepTaken(persona="ollie", stage="triage")),
        lambda: store.record(TagDeleted(id="t1")),
        lambda: store.record(EventEdited(event=Event(title="changed"))),
        store.undo,
    ):
        with contextlib.suppress(SaveFailed):
            attempt()
        assert same(store.state, before)
    monkeypatch.undo()
    store.undo()
    try:
        monkeypatch.setattr(store, "_commit", fails)
        store.redo()
    except SaveFailed:
        pass
    assert "t1" not in store.state.tags

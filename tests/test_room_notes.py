"""Notes from the room's phones: held off the wall and out of every export until the
facilitator puts them on the wall; a hidden one stays in the log and nowhere else."""

from __future__ import annotations

import pytest

from lensmap.event.model import Tag
from lensmap.export.writer import export_session
from lensmap.session.actions import NoteDecided, NoteSent, new_device
from lensmap.session.state import ActionRefused
from lensmap.session.store import SessionStore


def note(note_id: str, text: str) -> NoteSent:
    tag = Tag(id=note_id, stage="triage", kind="barrier", note=text, raised_by="lived-experience")
    return NoteSent(tag=tag)


def every_exported_word(store: SessionStore, folder) -> str:
    export_session(store.state.content(), folder, formats=("svg", "dot"))
    return "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    )


def test_a_note_from_a_phone_is_held_until_it_is_put_on_the_wall(store, tmp_path):
    phone = new_device()
    entry = store.record(note("p1", "Nobody told me how long the wait was"), device=phone)
    assert entry.device == phone  # the audit trail says which device, and nothing else
    assert "p1" in store.state.held and "p1" not in store.state.tags
    assert "Nobody told me" not in every_exported_word(store, tmp_path / "before")
    store.record(NoteDecided(id="p1", accepted=True))
    assert store.state.held == {}
    assert store.state.tags["p1"].raised_by == "lived-experience"
    assert "Nobody told me" in every_exported_word(store, tmp_path / "after")
    store.undo()  # taken off the wall again: held once more
    assert "p1" in store.state.held and "p1" not in store.state.tags


def test_a_hidden_note_stays_in_the_log_and_nowhere_else(store, tmp_path):
    store.record(note("p2", "A hurtful remark about staff"), device=new_device())
    store.record(NoteDecided(id="p2", accepted=False))
    assert store.state.held == {} and "p2" not in store.state.tags
    assert "hurtful" not in every_exported_word(store, tmp_path / "out")
    with pytest.raises(ActionRefused, match="already been dealt with"):
        store.record(NoteDecided(id="p2", accepted=True))
    with SessionStore.open(store.path, readonly=True) as again:
        assert any(isinstance(e.action, NoteSent) for e in again.entries)  # the audit trail
        assert again.state.held == {} and "p2" not in again.state.tags


def test_held_notes_are_there_again_on_reopening(store):
    store.record(note("p3", "Warm welcome at the door"), device=new_device())
    with SessionStore.open(store.path, readonly=True) as again:
        assert again.state.held["p3"].note == "Warm welcome at the door"

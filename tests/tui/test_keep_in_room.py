"""A note kept in the room: chosen in the tag dialog like any other field (one action, with
undo), said in words wherever the app shows the note, and left out of the copy for
circulation the export window writes when asked to."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lensmap.session.store import SessionStore
from lensmap.tui.dialogs.tag import TagDialog
from lensmap.tui.dialogs.tags_at_stage import TagsAtStage
from lensmap.tui.screens.export import ExportScreen
from lensmap.tui.widgets.side_panels import StageDetail
from tests.tui.test_map_walk import dialog_lines
from tests.tui.test_personas_pause_help import rendered, squashed
from tests.tui.test_typed_ahead import type_ahead

KEPT = "Jean at the desk shouted about the Dunmore wait"
"""A note that names someone: the facilitator keeps it in the room."""
SHARED = "Letter did not say what happens next"
# From the note, ↓ goes on to the choices: kind, severity, about, raised by, theme, and then
# keep this note in the room (a new tag has no Stage choice).
TO_KEEP = ["down"] * 6


def reopened(app) -> SessionStore:
    return SessionStore.open(app.store.path, readonly=True)


async def tag_kept_in_room(pilot, kind: str = "b", note: str = KEPT) -> None:
    """Tag the selected stage with a note kept in the room, typed as fast as a typist can."""
    await type_ahead(pilot, [kind, *note, *TO_KEEP, "right", "enter"])


async def test_typed_fast_a_note_kept_in_the_room_is_stored_so(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await tag_kept_in_room(pilot)
        assert not isinstance(app.screen, TagDialog)
        (tag,) = app.store.state.tags.values()
        assert (tag.kind, tag.stage, tag.note, tag.keep_in_room) == (
            "barrier", "gp_referral", KEPT, True,
        )  # fmt: skip
        (stored,) = reopened(app).state.tags.values()
        assert stored == tag
        assert len(app.store.entries) == 2  # the session's start, and one TagAdded


async def test_a_tag_not_kept_says_no_and_stays_out_of_the_file(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", *SHARED)
        assert "Keep this note in the room ◂ no ▸" in dialog_lines(app)
        await pilot.press("enter")
        (tag,) = reopened(app).state.tags.values()
        assert tag.keep_in_room is False
    assert b"keep_in_room" not in Path(app.store.path).read_bytes()  # left out while unset


async def test_editing_the_note_keeps_the_flag_and_undo_takes_the_edit_back(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await tag_kept_in_room(pilot)
        (tag,) = app.store.state.tags.values()
        await pilot.press("x", "enter")  # edit the one tag here
        assert isinstance(app.screen, TagDialog)
        assert "Keep this note in the room ◂ yes ▸" in dialog_lines(app)
        await pilot.press(*" again", "enter")
        (edited,) = reopened(app).state.tags.values()
        assert edited.note == KEPT + " again"
        assert edited.keep_in_room is True
        assert edited.model_dump() == {**tag.model_dump(), "note": KEPT + " again"}
        await pilot.press("ctrl+z")
        (undone,) = reopened(app).state.tags.values()
        assert undone == tag

        # And it can be changed like any other field, back to no.
        await pilot.press("x", "enter")
        app.screen.query_one("#keep_in_room").focus()
        await pilot.press("left", "enter")
        (shared,) = reopened(app).state.tags.values()
        assert shared.keep_in_room is False and shared.note == KEPT


async def test_an_edit_that_changes_nothing_stores_nothing(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await tag_kept_in_room(pilot)
        entries = len(app.store.entries)
        await pilot.press("x", "enter", "enter")  # opened and saved as it was
        assert len(app.store.entries) == entries
        (tag,) = reopened(app).state.tags.values()
        assert tag.keep_in_room is True


async def test_the_map_and_the_tags_at_a_stage_say_a_note_is_kept_in_the_room(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await tag_kept_in_room(pilot)
        await pilot.press("r", *SHARED, "enter")
        panel = app.screen.query_one(StageDetail).plain
        assert f"{KEPT} (kept in the room)" in panel
        assert f"{SHARED} (kept" not in panel  # only the note that is kept
        await pilot.press("x")
        assert isinstance(app.screen, TagsAtStage)
        prompts = [str(o.prompt) for o in app.screen.query_one("OptionList").options]
        assert any(p.endswith(f"{KEPT} (kept in the room)") for p in prompts), prompts
        assert any(p.endswith(SHARED) for p in prompts), prompts


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_issues_board_says_a_note_is_kept_in_the_room(app, size):
    async with app.run_test(size=size) as pilot:
        await tag_kept_in_room(pilot)
        await tag_kept_in_room(pilot, "p", "Warm welcome from Jean")
        await pilot.press("i")
        detail = str(app.screen.query_one("#issues-reasons").content)
        assert f"“{KEPT}” (Ollie, severity 2, kept in the room)" in detail
        keep = str(app.screen.query_one("#issues-keep-list").content)
        assert "“Warm welcome from Jean” (kept in the room)" in keep


# -- the dialog at 80x24 ---------------------------------------------------------------------
@pytest.mark.parametrize("editing", [False, True])
async def test_the_tag_dialog_fits_80_by_24_heading_to_buttons(app, editing):
    async with app.run_test(size=(80, 24)) as pilot:
        if editing:
            await pilot.press("b", *SHARED, "enter", "x", "enter")
        else:
            await pilot.press("b")
        shown = dialog_lines(app)
        heading = "Edit: ✗ barrier at GP referral" if editing else "New: ✗ barrier at GP referral"
        for words in (
            heading,
            "Note: what the room noticed",
            "Keep this note in the room ◂ no ▸",
            "left out of copies for circulation",
            "[ ] empowerment",
            "Save (ctrl+s)",
            "Cancel (esc)",
        ):
            assert words in shown, f"{words!r} not on screen:\n{shown}"
        fields = app.screen.query_one("#tag-fields")
        assert fields.max_scroll_y == 0  # nothing between them scrolled out of sight


async def test_a_long_note_at_80_by_24_scrolls_the_fields_never_the_heading_or_buttons(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", *"one", "ctrl+j", *"two", "ctrl+j", *"three", "ctrl+j", *"four")
        await pilot.press(*TO_KEEP[:5], "down", "right")  # on to keep in the room: yes
        shown = dialog_lines(app)
        for words in ("New: ✗ barrier at GP referral", "▶ Keep this note in the room ◂ yes ▸"):
            assert words in shown, f"{words!r} not on screen:\n{shown}"
        assert "Save (ctrl+s)" in shown and "Cancel (esc)" in shown
        await pilot.press("ctrl+s")
        (tag,) = reopened(app).state.tags.values()
        assert tag.keep_in_room and tag.note == "one\ntwo\nthree\nfour"


# -- the export window -----------------------------------------------------------------------
def files_holding(folder: Path, words: str) -> list[str]:
    """Every file in the folder (and every file inside a workbook) that holds the words."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as packed:
                blobs = [packed.read(name) for name in packed.namelist()]
        needle = words.encode("utf-8")
        if any(needle in blob for blob in blobs):
            found.append(path.relative_to(folder).as_posix())
    return found


async def wait_for_the_export(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    for _ in range(100):
        await pilot.pause(0.05)
        if getattr(pilot.app.screen, "done", False):
            return


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_export_window_writes_a_copy_for_circulation(app, tmp_path, size):
    async with app.run_test(size=size) as pilot:
        await tag_kept_in_room(pilot)
        await pilot.press("r", *SHARED, "enter")
        await type_ahead(pilot, ["e", "right", "enter"])  # for circulation: yes, then export
        await wait_for_the_export(pilot)
        assert isinstance(app.screen, ExportScreen)
        folder = tmp_path / "exports" / "event-for-circulation"
        assert folder.is_dir()
        assert not (tmp_path / "exports" / "event").exists()  # not the full export as well
        assert not (folder / "session.json").exists()
        assert (folder / "check-before-sharing.md").is_file()
        assert (folder / "about-this-copy.md").is_file()
        assert files_holding(folder, "Jean at the desk") == []
        assert files_holding(folder, "Dunmore") == []
        assert files_holding(folder, SHARED)  # the notes not kept are there
        assert files_holding(folder, "Community hub") == []  # nor the event's place

        box = rendered(app, "#export-box")
        assert "Export finished: a copy for circulation." in box
        assert squashed(f"Saved to {folder}") in squashed(box)
        assert "1 note marked “keep in the room” left out of this copy." in box
        assert "Read check-before-sharing.md before sending this folder." in box
        await pilot.press("enter")
        assert not isinstance(app.screen, ExportScreen)


async def test_the_export_window_says_where_each_kind_of_export_goes(app, tmp_path):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        box = squashed(rendered(app, "#export-box"))
        assert squashed(f"Into {tmp_path / 'exports' / 'event'}") in box
        assert squashed("For circulation (to share outside the room) ◂ no ▸") in box
        await pilot.press("right")
        box = squashed(rendered(app, "#export-box"))
        assert squashed(f"Into {tmp_path / 'exports' / 'event-for-circulation'}") in box
        assert squashed("◂ yes ▸") in box and squashed("check-before-sharing.md") in box
        await pilot.press("escape")  # closed before choosing: nothing is written
        assert not isinstance(app.screen, ExportScreen)
        await app.workers.wait_for_complete()
        assert not (tmp_path / "exports").exists()


async def test_a_copy_for_circulation_over_a_full_export_is_refused_calmly(app, tmp_path):
    folder = tmp_path / "exports" / "event-for-circulation"
    folder.mkdir(parents=True)
    (folder / "session.json").write_text("{}", encoding="utf-8")  # a full export was put here
    async with app.run_test(size=(80, 24)) as pilot:
        await tag_kept_in_room(pilot)
        await pilot.press("e", "right", "enter")
        await wait_for_the_export(pilot)
        assert app.is_running and isinstance(app.screen, ExportScreen)
        box = rendered(app, "#export-box")
        assert "The export could not be finished." in box
        assert "holds a full export" in box
        assert "The session itself is safe and unchanged" in box
        assert app.screen.has_class("-problem")
        assert sorted(p.name for p in folder.iterdir()) == ["session.json"]  # nothing mixed in
        await pilot.press("enter")
        assert not isinstance(app.screen, ExportScreen)


async def test_closed_before_it_finished_the_notice_says_what_to_read(app, tmp_path):
    async with app.run_test(size=(120, 36)) as pilot:
        await tag_kept_in_room(pilot)
        await pilot.press("e", "right", "enter", "escape")  # closed at once: it carries on
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        said = " ".join(str(n.message) for n in app._notifications)
        assert "event-for-circulation" in squashed(said)
        assert "Read check-before-sharing.md before sending this folder." in said

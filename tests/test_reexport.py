"""Exporting again: a plan lensmap wrote and nobody touched is replaced, an edited one is kept
and the new plan goes beside it (plan-2.csv, plan-3.csv ..., never over anyone's), and the
command and the app's export window both say so, naming the new file."""

from __future__ import annotations

import pytest

from lensmap.cli import main
from lensmap.event.model import Tag
from lensmap.export.writer import RECORD, export_session, plan_placed
from lensmap.session.actions import TagAdded

EDITED = "plan.csv was edited since lensmap wrote it, so it is kept; the new plan is"


def tag(store, tag_id: str, stage: str, kind: str = "barrier") -> None:
    store.record(TagAdded(tag=Tag(id=tag_id, stage=stage, kind=kind, note=f"note {tag_id}")))


def edit(path, line: str = "our own notes") -> bytes:
    """The implementation group filling the plan in (Excel keeps the byte-order mark)."""
    path.write_text(path.read_text(encoding="utf-8-sig") + line + "\n", encoding="utf-8-sig")
    return path.read_bytes()


def shown_in(app, selector: str) -> str:
    """The text one widget shows, as the room sees it, with no spaces (long paths wrap)."""
    strips = app.screen._compositor.render_strips()
    region = app.screen.query_one(selector).content_region
    lines = [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]
    return "".join("".join(lines).split())


def squashed(text: str) -> str:
    return "".join(text.split())


def plans(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("plan*.csv"))


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "out"


def export(store, folder):
    return export_session(store.state.content(), folder, formats=("svg",))


def test_a_plan_nobody_edited_is_replaced_by_the_new_one(store, folder):
    tag(store, "t1", "triage")
    first = export(store, folder)
    assert first.plan.path == folder / "plan.csv" and first.plan.message() is None
    before = (folder / "plan.csv").read_bytes()
    tag(store, "t2", "waiting_list")  # a tag changes after the export
    again = export(store, folder)
    assert plans(folder) == ["plan.csv"]  # no plan-2.csv appears
    assert (folder / "plan.csv").read_bytes() != before
    assert "Waiting list" in (folder / "plan.csv").read_text(encoding="utf-8-sig")
    assert again.plan.kept is None and again.plan.message() is None
    assert folder / "plan.csv" in again


def test_an_edited_plan_is_kept_and_the_new_plan_named(store, folder):
    tag(store, "t1", "triage")
    export(store, folder)
    mine = edit(folder / "plan.csv")
    tag(store, "t2", "waiting_list")
    again = export(store, folder)
    assert (folder / "plan.csv").read_bytes() == mine  # nothing of theirs is lost
    assert again.plan.path == folder / "plan-2.csv" and folder / "plan-2.csv" in again
    assert again.plan.message() == f"{EDITED} plan-2.csv"
    assert "Waiting list" in (folder / "plan-2.csv").read_text(encoding="utf-8-sig")

    # Another change: lensmap's own plan-2.csv, untouched, takes the newer plan.
    tag(store, "t3", "comprehensive_assessment", "risk")
    third = export(store, folder)
    assert plans(folder) == ["plan-2.csv", "plan.csv"]
    assert third.plan.path == folder / "plan-2.csv"
    assert (folder / "plan.csv").read_bytes() == mine

    # Somebody fills in plan-2.csv too: it is kept, and the next plan is plan-3.csv.
    theirs = edit(folder / "plan-2.csv", "second thoughts")
    tag(store, "t4", "triage", "positive")
    tag(store, "t5", "waiting_list", "risk")
    fourth = export(store, folder)
    assert fourth.plan.path == folder / "plan-3.csv"
    assert fourth.plan.message() == f"{EDITED} plan-3.csv"
    assert (folder / "plan.csv").read_bytes() == mine
    assert (folder / "plan-2.csv").read_bytes() == theirs


def test_an_edit_undone_to_the_byte_is_lensmaps_own_again(store, folder):
    tag(store, "t1", "triage")
    export(store, folder)
    plan = folder / "plan.csv"
    original = plan.read_bytes()
    edit(plan)
    plan.write_bytes(original)
    tag(store, "t2", "waiting_list")
    assert export(store, folder).plan.path == plan
    assert plans(folder) == ["plan.csv"]


def test_without_lensmaps_record_a_plan_that_differs_is_kept(store, folder):
    """A folder from an older lensmap, or one whose record was deleted or damaged: lensmap
    cannot tell who wrote plan.csv, so it keeps it."""
    tag(store, "t1", "triage")
    export(store, folder)
    tag(store, "t2", "waiting_list")
    for damage in (None, "{not json", '{"written": ["plan.csv"]}'):
        for extra in folder.glob("plan-*.csv"):
            extra.unlink()
        if damage is None:
            (folder / RECORD).unlink()
        else:
            (folder / RECORD).write_text(damage)
        kept = (folder / "plan.csv").read_bytes()
        again = export(store, folder)
        assert (folder / "plan.csv").read_bytes() == kept
        assert again.plan.path == folder / "plan-2.csv"
        assert "is not one lensmap wrote" in again.plan.message()
        # The record made now still knows plan.csv only as not lensmap's own.
        (folder / "plan-2.csv").unlink()


def test_the_record_is_written_beside_the_exports_and_read_back(store, folder):
    tag(store, "t1", "triage")
    export(store, folder)
    assert (folder / RECORD).is_file()
    assert plan_placed(folder).message() is None
    edit(folder / "plan.csv")
    tag(store, "t2", "waiting_list")
    export(store, folder)
    assert plan_placed(folder).message() == f"{EDITED} plan-2.csv"
    assert plan_placed(folder.parent / "never-exported") is None


def test_the_export_command_says_which_plan_is_new(store, folder, capsys):
    tag(store, "t1", "triage")
    args = ["export", str(store.path), "--out", str(folder), "--formats", "svg"]
    assert main(args) == 0
    assert "plan.csv was edited" not in capsys.readouterr().out
    tag(store, "t2", "waiting_list")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "plan.csv was edited" not in out and plans(folder) == ["plan.csv"]
    edit(folder / "plan.csv")
    tag(store, "t3", "comprehensive_assessment")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"{EDITED} plan-2.csv.\n" in out
    assert "  plan-2.csv\n" in out  # in the list of files written


async def test_the_export_window_says_which_plan_is_new(store, tmp_path, monkeypatch):
    from lensmap.tui.app import make_app
    from lensmap.tui.screens.export import ExportScreen

    monkeypatch.setenv("LENSMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LENSMAP_EXPORTS_DIR", str(tmp_path / "exports"))
    folder = tmp_path / "exports" / "event"
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        for round_ in range(2):
            if round_:
                edit(folder / "plan.csv")
                tag(store, "t9", "waiting_list")
            await pilot.press("e", "enter")  # the window asks first: a full export
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            said = shown_in(app, "#export-step")
            assert squashed(f"Saved to {folder}") in said
            if round_:
                assert squashed(f"{EDITED} plan-2.csv.") in said
            else:
                assert squashed("plan.csv was edited") not in said
            await pilot.press("enter")
            assert not isinstance(app.screen, ExportScreen)
    assert plans(folder) == ["plan-2.csv", "plan.csv"]

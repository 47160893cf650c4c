"""plan.xlsx: the plan as a spreadsheet, read back with openpyxl: the rows of plan.csv, every
typed cell text (nothing can run as a formula, no guard character shows), drop-down lists, a
frozen header, what to keep and what it is about; and an edited plan.xlsx is never replaced."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from lensmap.cli import main
from lensmap.event.model import PLAN_STATUSES as STATUSES
from lensmap.event.model import IssueNotes, Tag
from lensmap.export.writer import export_session, plan_placed
from lensmap.session.actions import IssueEdited, TagAdded
from lensmap.wording.vocabulary import THEME_WORD
from tests.office import resave
from tests.workshop import HOSTILE_NOTE, HOSTILE_TITLE, record_morning

FORMULA = '=HYPERLINK("http://example.com","click")'


@pytest.fixture
def exported(store, tmp_path):
    record_morning(store)
    store.record(TagAdded(tag=Tag(id="f1", stage="review", kind="risk", note=FORMULA)))
    store.record(
        IssueEdited(issue=IssueNotes(stage="review", kind="risk", title=FORMULA,
                                     owner="+44 lead", timeframe="@once"))
    )  # fmt: skip
    folder = tmp_path / "out"
    export_session(store.state.content(), folder, formats=("svg",))
    return folder


def test_the_plan_sheet_holds_plan_csv_as_text(exported):
    book = openpyxl.load_workbook(exported / "plan.xlsx")
    assert book.sheetnames == ["Plan", "What to keep", "About", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    sheet = book["Plan"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    raw = (exported / "plan.csv").read_text(encoding="utf-8-sig")
    from_csv = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == from_csv[0]
    for mine, theirs in zip(rows[1:], from_csv[1:], strict=True):
        # plan.csv guards a cell that could start a formula with ' ; the workbook need not
        wanted = [
            cell[1:] if cell.startswith(("'=", "'+", "'-", "'@")) else cell for cell in theirs
        ]
        assert ["" if v is None else str(v) for v in mine] == wanted
    titles = [row[1] for row in rows[1:]]
    assert HOSTILE_TITLE in titles and FORMULA in titles
    assert "+44 lead" in [row[11] for row in rows[1:]]
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            assert cell.data_type in ("s", "inlineStr", "n"), (cell.coordinate, cell.data_type)
            if isinstance(cell.value, str):
                assert not cell.value.startswith("'")
    assert [type(row[0]) for row in rows[1:]] == [int] * (len(rows) - 1)  # rank, a number


def test_nothing_in_the_file_is_a_formula(exported):
    import zipfile

    with zipfile.ZipFile(exported / "plan.xlsx") as zipped:
        sheets = [n for n in zipped.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            assert b"<f>" not in zipped.read(name) and b"<f " not in zipped.read(name), name
    keep = openpyxl.load_workbook(exported / "plan.xlsx")["What to keep"]
    notes = [row[3] for row in keep.iter_rows(min_row=2, values_only=True)]
    assert any("Naloxone given at the gate" in (n or "") for n in notes)
    assert HOSTILE_NOTE not in str(notes)  # barrier notes are not what to keep


def test_drop_down_lists_and_a_frozen_header(exported):
    book = openpyxl.load_workbook(exported / "plan.xlsx")
    sheet = book["Plan"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    lists = book["Lists"]

    def choices(formula: str) -> list[str]:
        cells = lists[formula.split("!", 1)[1].replace("$", "")]
        return [row[0].value for row in cells]

    found = {}
    for check in sheet.data_validations.dataValidation:
        column = header[openpyxl.utils.column_index_from_string(str(check.sqref)[0]) - 1]
        found[column] = (choices(check.formula1), check.errorStyle)
        assert str(check.sqref).endswith(str(sheet.max_row + 199)) or sheet.max_row < 2
    assert found["status"] == (list(STATUSES), "stop")
    assert found["effort"] == (["S", "M", "L"], "stop")
    assert found["theme"] == (list(THEME_WORD.values()), "warning")  # several may be named
    assert all(c.alignment.wrap_text for c in sheet[2])
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["event"] == "Lens event" and about["date"] == "2026-03-14"
    assert "weight (3 for a risk, 2 for a barrier)" in about["ranking"]


def test_an_edited_workbook_is_kept_and_the_new_one_named(store, tmp_path, capsys):
    record_morning(store)
    folder = tmp_path / "out"
    export_session(store.state.content(), folder, formats=("svg",))
    again = export_session(store.state.content(), folder, formats=("svg",))
    assert again.workbook.path == folder / "plan.xlsx" and again.messages() == []

    book = openpyxl.load_workbook(folder / "plan.xlsx")  # the group fills in an owner
    book["Plan"]["L2"] = "Service lead"
    book.save(folder / "plan.xlsx")
    theirs = (folder / "plan.xlsx").read_bytes()
    store.record(TagAdded(tag=Tag(id="n1", stage="review", kind="barrier")))
    third = export_session(store.state.content(), folder, formats=("svg",))
    assert (folder / "plan.xlsx").read_bytes() == theirs  # nothing of theirs is lost
    assert third.workbook.path == folder / "plan-2.xlsx"
    assert third.plan.path == folder / "plan.csv"  # the CSV, untouched, is replaced as ever
    assert third.messages() == [
        "plan.xlsx was edited since lensmap wrote it, so it is kept; the new plan is plan-2.xlsx"
    ]
    assert plan_placed(folder, "plan.xlsx").path == folder / "plan-2.xlsx"
    assert plan_placed(folder).path == folder / "plan.csv"
    store.close()
    assert main(["export", str(store.path), "--out", str(folder), "--formats", "svg"]) == 0
    out = capsys.readouterr().out
    assert "plan.xlsx was edited since lensmap wrote it, so it is kept" in out
    assert (folder / "plan.xlsx").read_bytes() == theirs


def test_the_same_plan_makes_the_same_file(store, tmp_path):
    record_morning(store)
    content = store.state.content()
    export_session(content, tmp_path / "a", formats=("svg",))
    export_session(content, tmp_path / "b", formats=("svg",))
    # a fixed date inside, so an export that changes nothing changes no byte
    assert (tmp_path / "a" / "plan.xlsx").read_bytes() == (
        tmp_path / "b" / "plan.xlsx"
    ).read_bytes()


def test_libreoffice_keeps_the_drop_downs_and_the_text(exported, tmp_path):
    """plan.xlsx opened and saved again by LibreOffice Calc, as a group might: the drop-down
    lists and every typed cell, a formula-like title among them, come through as they were."""
    resaved = resave(exported / "plan.xlsx", "xlsx", tmp_path / "resaved", tmp_path / "profile")
    ours = openpyxl.load_workbook(exported / "plan.xlsx")
    theirs = openpyxl.load_workbook(resaved)
    assert theirs.sheetnames == ours.sheetnames and theirs["Lists"].sheet_state == "hidden"
    rows = list(theirs["Plan"].iter_rows(values_only=True))
    assert rows == list(ours["Plan"].iter_rows(values_only=True))
    assert FORMULA in [row[1] for row in rows]

    def checks(book) -> dict[str, tuple[str, str]]:
        found = book["Plan"].data_validations.dataValidation
        return {str(c.sqref): (c.formula1, c.errorStyle) for c in found}

    assert checks(theirs) == checks(ours) and len(checks(ours)) == 3

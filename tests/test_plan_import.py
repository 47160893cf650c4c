"""`lensmap plan import`: a filled-in plan.xlsx or plan.csv, as Excel and LibreOffice save
them, recorded in the session as one action (undo takes it back), rows matched to issues by
stage and kind, nothing guessed, and a bad file refused with its row and column, the session
unchanged."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from pathlib import Path

import openpyxl
import pytest

from lensmap.cli import main
from lensmap.event.model import IssueNotes, Tag
from lensmap.event.plan_update import PlanLine, plan_update
from lensmap.export.writer import export_session
from lensmap.session.actions import PlanImported, TagAdded
from lensmap.session.store import SessionStore
from tests.office import SEMICOLON_UTF8_CSV, resave
from tests.workshop import record_morning

PROGRESS = "Letter redrafted with people with lived experience; pilot from May"
ACTION = "Offer a call back, and a letter that says what happens next"


@pytest.fixture
def session(tmp_path, content) -> Path:
    """A morning's work in a session file, closed (as it is between the event and the
    implementation group's meeting)."""
    path = tmp_path / "event.lens"
    with SessionStore.create(path, content) as store:
        record_morning(store)
    return path


def export(session: Path, folder: Path) -> Path:
    with SessionStore.open(session, readonly=True) as store:
        export_session(store.state.content(), folder, formats=("svg",))
    return folder


def actions(session: Path) -> list[str]:
    with SessionStore.open(session, readonly=True) as store:
        return [entry.action.type for entry in store.entries]


def notes(session: Path) -> dict[tuple[str, str], IssueNotes]:
    with SessionStore.open(session, readonly=True) as store:
        return dict(store.state.issues)


def fill_in(plan: Path, out: Path) -> Path:
    """The implementation group's month: a status, an action, an owner, a progress note."""
    book = openpyxl.load_workbook(plan)
    sheet = book["Plan"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in header}
    rows = {sheet.cell(r, col["stage id"]).value: r for r in range(2, sheet.max_row + 1)}
    triage, housing = rows["triage"], rows["housing_support"]
    sheet.cell(triage, col["status"]).value = "in progress"
    sheet.cell(triage, col["action"]).value = ACTION
    sheet.cell(triage, col["progress note"]).value = PROGRESS
    sheet.cell(housing, col["owner"]).value = "Housing lead"
    sheet.cell(housing, col["timeframe"]).value = 2027  # typed as a number
    sheet.cell(housing, col["status"]).value = "Done"
    sheet.insert_cols(3)  # a column of the group's own
    sheet.cell(1, 3).value = "RAG"
    book.save(out)
    return out


def test_round_trip_export_edit_import_export(session, tmp_path, capsys):
    first = export(session, tmp_path / "out")
    edited = fill_in(first / "plan.xlsx", tmp_path / "plan-edited.xlsx")
    before = actions(session)

    assert main(["plan", "import", str(edited), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "2 issues change:" in out and "status: not started → in progress" in out
    assert f"Recorded in {session}: 2 issues updated from plan-edited.xlsx" in out
    assert actions(session) == [*before, "plan.import"]
    held = notes(session)
    triage = held["triage", "barrier"]
    assert (triage.status, triage.action, triage.progress) == ("in progress", ACTION, PROGRESS)
    assert (triage.owner, triage.votes, triage.effort) == ("@Service lead", 4, "S")  # kept
    housing = held["housing_support", "risk"]
    assert (housing.owner, housing.timeframe, housing.status) == ("Housing lead", "2027", "done")

    again = export(session, tmp_path / "again")
    book = openpyxl.load_workbook(again / "plan.xlsx")
    rows = list(book["Plan"].iter_rows(values_only=True))
    by_stage = {row[-1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_stage["triage"]["status"] == "in progress"
    assert by_stage["triage"]["progress note"] == PROGRESS
    assert by_stage["housing_support"]["owner"] == "Housing lead"
    listed = {(i["stage"], i["kind"]): i for i in json.loads((again / "issues.json").read_text())}
    assert listed["triage", "barrier"]["status"] == "in progress"
    assert listed["comprehensive_assessment", "risk"]["status"] == "not started"
    assert "- status: in progress" in (again / "issues.md").read_text()
    assert "in progress" in (again / "index.html").read_text()

    assert main(["session", "show", str(session)]) == 0
    shown = capsys.readouterr().out.split("Plan: each priority's status\n", 1)[1]
    assert "Triage by phone only: in progress, owner @Service lead, timeframe 3 months" in shown
    assert f"      progress: {PROGRESS}" in shown
    assert "Re-traumatisation risk at Comprehensive assessment: not started" in shown

    # The same file again changes nothing, and records nothing.
    assert main(["plan", "import", str(edited), "--session", str(session)]) == 0
    assert "nothing to record" in capsys.readouterr().out
    assert actions(session) == [*before, "plan.import"]


def test_an_untouched_plan_changes_nothing(session, tmp_path, capsys):
    folder = export(session, tmp_path / "out")
    before = actions(session)
    for name in ("plan.xlsx", "plan.csv"):
        assert main(["plan", "import", str(folder / name), "--session", str(session)]) == 0
        out = capsys.readouterr().out
        assert "changes the session: nothing to record" in out
        assert "3 issues already as the plan says" in out
    assert actions(session) == before  # the guard quote on "'@Service lead" is not a change


def test_undo_takes_the_whole_import_back_and_redo_brings_it_again(session, tmp_path):
    edited = fill_in(export(session, tmp_path / "out") / "plan.xlsx", tmp_path / "p.xlsx")
    held = notes(session)
    assert main(["plan", "import", str(edited), "--session", str(session)]) == 0
    imported = notes(session)
    with SessionStore.open(session) as store:
        undone = store.undo()
        assert undone is not None and isinstance(undone.action, PlanImported)
        assert store.state.issues == held
        store.redo()
        assert store.state.issues == imported
    assert notes(session) == imported  # as stored, not only as held


def test_dry_run_shows_the_changes_and_leaves_the_file_alone(session, tmp_path, capsys):
    edited = fill_in(export(session, tmp_path / "out") / "plan.xlsx", tmp_path / "p.xlsx")
    raw = session.read_bytes()
    assert main(["plan", "import", str(edited), "--session", str(session), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2 issues would change:" in out and "Nothing was changed (--dry-run)." in out
    assert session.read_bytes() == raw


def _write_csv(path: Path, rows: list[list[str]], *, separator=",", bom=True, newline="\r\n"):
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator=newline).writerows(rows)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode())
    return path


@pytest.mark.parametrize(
    ("separator", "bom", "newline"),
    [(",", True, "\r\n"), (";", False, "\r\n"), ("\t", False, "\n"), (";", True, "\n")],
)
def test_csv_as_spreadsheets_save_it(session, tmp_path, separator, bom, newline):
    """Columns moved about and one added, the group's way; the issue found by its stage's
    name where there is no stage id column."""
    rows = [
        ["Status", "Owner", "Kind", "Notes of our own", "Stage", "Progress note"],
        ["in progress", "Café lead", "barrier", "x", "Triage", "Two-line\nnote"],
    ]
    plan = _write_csv(tmp_path / "plan.csv", rows, separator=separator, bom=bom, newline=newline)
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    triage = notes(session)["triage", "barrier"]
    assert (triage.status, triage.owner) == ("in progress", "Café lead")
    assert triage.progress in ("Two-line\nnote", "Two-line\r\nnote")


def test_excel_plain_csv_is_read_as_windows_1252_and_says_so(session, tmp_path, capsys):
    plan = tmp_path / "plan.csv"
    plan.write_bytes("stage,kind,owner\r\nTriage,barrier,Café lead\r\n".encode("cp1252"))
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    assert "read as Windows-1252" in capsys.readouterr().out
    assert notes(session)["triage", "barrier"].owner == "Café lead"


def test_unicode_text_from_excel_is_read(session, tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_bytes("stage\tkind\towner\r\nTriage\tbarrier\tÉquipe\r\n".encode("utf-16"))
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    assert notes(session)["triage", "barrier"].owner == "Équipe"


def test_files_saved_by_libreoffice_itself(session, tmp_path, capsys):
    """The filled-in plan saved again by LibreOffice Calc as .xlsx and as a ; CSV: each
    brings back exactly what the original does."""
    edited = fill_in(export(session, tmp_path / "out") / "plan.xlsx", tmp_path / "plan.xlsx")
    profile = tmp_path / "profile"
    as_xlsx = resave(edited, "xlsx", tmp_path / "lo-xlsx", profile)
    as_csv = resave(edited, SEMICOLON_UTF8_CSV, tmp_path / "lo-csv", profile)
    assert as_csv.read_text(encoding="utf-8").splitlines()[0].count(";") >= 10
    wanted = None
    for source in (edited, as_xlsx, as_csv):
        copy = tmp_path / f"session-{source.parent.name}.lens"
        copy.write_bytes(session.read_bytes())
        assert main(["plan", "import", str(source), "--session", str(copy)]) == 0, source
        capsys.readouterr()
        got = notes(copy)
        wanted = wanted or got
        assert got == wanted, source
    assert wanted["housing_support", "risk"].status == "done"


def test_rows_are_matched_by_stage_and_kind_and_nothing_is_guessed(session, tmp_path, capsys):
    rows = [
        ["rank", "stage", "kind", "owner", "stage id"],
        ["1", "Triage desk", "barrier", "A", "triage"],  # renamed in the file: id decides
        ["2", "Tirage", "barrier", "B", ""],  # a typo: listed, not taken for Triage
        ["3", "Housing support", "risk", "C", "housing_support"],
        ["4", "Housing support", "risk", "D", "housing_support"],  # disagrees with row 4
        ["5", "Waiting list for assessment", "barrier", "E", "waiting_list"],  # no such issue
        ["6", "Gone", "risk", "F", "no_such_stage"],
    ]
    plan = _write_csv(tmp_path / "plan.csv", rows)
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "row 2: “Triage desk” in the file is “Triage” in the session" in out
    assert "row 3: barrier at “Tirage”: no stage has this name" in out and "“Triage”" in out
    assert "rows 4 and 5: Re-traumatisation risk at Housing support has owner “C”, “D”" in out
    assert "row 6: barrier at “Waiting list for assessment”: the session has no such issue" in out
    assert "row 7: re-traumatisation risk at “no_such_stage”: no stage has this id" in out
    held = notes(session)
    assert held["triage", "barrier"].owner == "A"
    assert ("housing_support", "risk") not in held  # neither C nor D


def test_a_name_two_stages_share_is_not_guessed(pathway):
    twin = pathway.stages[1].model_copy(update={"id": "twin"})
    doubled = pathway.model_copy(update={"stages": [*pathway.stages, twin]})
    label = twin.label
    tags = [Tag(id="a", stage=twin.id, kind="barrier"), Tag(id="b", stage="twin", kind="barrier")]
    line = PlanLine(2, None, label, "barrier", {"owner": "X"})
    update = plan_update(doubled, tags, {}, [line])
    assert not update.changes
    assert "2 stages have this name" in update.unmatched[0].why


def test_status_not_started_for_an_issue_with_none_is_no_change(pathway):
    tags = [Tag(id="a", stage="triage", kind="barrier")]
    line = PlanLine(2, "triage", None, "barrier", {"status": "not started"})
    assert plan_update(pathway, tags, {}, [line]).unchanged == [("triage", "barrier")]


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (
            [["stage", "kind", "status"], ["Triage", "barrier", "finished"]],
            'row 2, column C: status "finished" is not one of not started, in progress, done, '
            "dropped",
        ),
        (
            [["stage", "kind", "effort"], ["Triage", "barrier", "huge"]],
            'row 2, column C: effort "huge" is not S, M or L',
        ),
        (
            [["stage", "kind", "owner"], ["Triage", "positive practice", "x"]],
            'row 2, column B: "positive practice" is not a kind of issue',
        ),
        (
            [["stage", "kind", "owner"], ["Triage", "barrier", "x" * 501]],
            "row 2, column C: the owner is 501 characters long; lensmap keeps up to 500",
        ),
        ([["rank", "issue"], ["1", "x"]], 'row 1: has no header row with "stage" and "kind"'),
        ([["stage", "kind", "votes"], ["Triage", "barrier", "3"]], "has none of the plan"),
    ],
)
def test_a_bad_file_names_the_row_and_column_and_changes_nothing(
    session, tmp_path, capsys, rows, said
):
    plan = _write_csv(tmp_path / "plan.csv", rows)
    raw = session.read_bytes()
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 2
    captured = capsys.readouterr()
    assert said in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err
    assert session.read_bytes() == raw


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("plan.xlsx", b"not a workbook", "is not an Excel workbook (.xlsx) inside"),
        ("plan.xlsx", b"PK\x03\x04 broken", "is damaged (not a complete .xlsx)"),
        ("plan.xls", b"\xd0\xcf\x11\xe0rest", "is an old Excel file (.xls)"),
        ("plan.csv", b"stage,kind\x00,owner", "holds binary data"),
    ],
)
def test_files_that_are_not_plans(session, tmp_path, capsys, name, data, said):
    plan = tmp_path / name
    plan.write_bytes(data)
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 2
    assert said in capsys.readouterr().err


def test_a_session_open_in_the_app_is_left_alone(session, tmp_path, capsys):
    edited = fill_in(export(session, tmp_path / "out") / "plan.xlsx", tmp_path / "p.xlsx")
    with SessionStore.open(session, exclusive=True):
        assert main(["plan", "import", str(edited), "--session", str(session)]) == 2
    assert "is open in another lensmap window" in capsys.readouterr().err
    assert "plan.import" not in actions(session)


def test_what_a_cell_carries_never_reaches_the_terminal(session, tmp_path, capsys):
    rows = [["stage", "kind", "owner"], ["Triage", "barrier", "Lead\x1b[2J\x07"]]
    plan = _write_csv(tmp_path / "plan.csv", rows)
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert notes(session)["triage", "barrier"].owner == "Lead\x1b[2J\x07"  # kept as typed


def test_a_plan_import_leaves_older_files_readable(session, tmp_path):
    """Unset plan fields are not written, so a session without them reads as it did."""
    assert "status" not in IssueNotes(stage="triage", kind="barrier").model_dump_json()
    with SessionStore.open(session) as store:
        store.record(TagAdded(tag=Tag(id="n1", stage="review", kind="risk")))
        store.record(
            PlanImported(
                file="plan.xlsx",
                issues=[IssueNotes(stage="review", kind="risk", status="done", progress="ok")],
            )
        )
    with SessionStore.open(session, readonly=True) as store:
        assert store.state.issues["review", "risk"].status == "done"


def test_a_workbook_with_entity_declarations_is_refused(session, tmp_path, capsys):
    """A "billion laughs" sheet: refused at once, saying so, the session unchanged."""
    import zipfile

    plan = export(session, tmp_path / "out") / "plan.xlsx"
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %c "%s">' % (98 + n, b"&%c;" % (97 + n) * 10) for n in range(8))
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(plan) as good, zipfile.ZipFile(hostile, "w") as bad:
        for part in good.infolist():
            data = good.read(part.filename)
            bad.writestr(part, laughs if part.filename.endswith("sheet1.xml") else data)
    raw = session.read_bytes()
    assert main(["plan", "import", str(hostile), "--session", str(session)]) == 2
    assert "declares entities" in capsys.readouterr().err
    assert session.read_bytes() == raw


def test_plan_history_shows_each_change_with_its_time_and_leaves_undone_ones_out(
    session, tmp_path, capsys
):
    folder = export(session, tmp_path / "out")
    edited = fill_in(folder / "plan.xlsx", tmp_path / "june.xlsx")
    assert main(["plan", "import", str(edited), "--session", str(session)]) == 0
    later = tmp_path / "sept.csv"
    later.write_text("stage,kind,status,progress note\nTriage,barrier,done,Call backs for all\n")
    assert main(["plan", "import", str(later), "--session", str(session)]) == 0
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("stage,kind,status\nTriage,barrier,dropped\n")
    assert main(["plan", "import", str(wrong), "--session", str(session)]) == 0
    with SessionStore.open(session) as store:
        store.undo()  # the wrong file
    capsys.readouterr()
    assert main(["plan", "history", str(session)]) == 0
    out = capsys.readouterr().out
    after = out.split("  Barrier at Triage\n", 1)[1].splitlines()
    triage = list(itertools.takewhile(lambda line: line.startswith("    "), after))
    assert [line.split(": ", 1)[0].rsplit(", ", 1)[1] for line in triage] == [
        "in the app", "from june.xlsx", "from sept.csv",
    ]  # fmt: skip
    assert triage[0].endswith(": not started; effort S; owner @Service lead; timeframe 3 months")
    assert triage[1].endswith(f": in progress; action {ACTION}; progress {PROGRESS}")
    assert triage[2].endswith(": done; progress Call backs for all")
    assert "wrong.csv" not in out


def test_a_quote_left_open_is_refused_not_swallowing_the_file(session, tmp_path, capsys):
    plan = tmp_path / "plan.csv"
    plan.write_text(
        'stage,kind,action,status\nTriage,barrier,"Call back,in progress\n'
        "Housing support,re-traumatisation risk,,done\n"
    )
    raw = session.read_bytes()
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 2
    err = capsys.readouterr().err
    assert 'is a quote (") left open?' in err and "row 2" in err
    assert session.read_bytes() == raw


def test_a_sheet_that_claims_every_column_is_read_to_the_header_only(session, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["stage", "kind", "status"])
    sheet.append(["Triage", "barrier", "done"])
    sheet["XFD1"] = None
    sheet.cell(1, 16384).value = " "  # the sheet now spans all 16,384 columns
    plan = tmp_path / "wide.xlsx"
    book.save(plan)
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    assert notes(session)["triage", "barrier"].status == "done"


def test_a_spreadsheet_error_in_a_cell_is_named(session, tmp_path, capsys):
    plan = _write_csv(
        tmp_path / "plan.csv", [["stage", "kind", "owner"], ["Triage", "barrier", "#N/A"]]
    )
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 2
    assert "row 2, column C: holds the spreadsheet's error #N/A" in capsys.readouterr().err


def test_the_plan_is_found_on_whichever_sheet_has_it(session, tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Our meeting notes"])
    sheet = book.create_sheet("Plan 2027")
    sheet.append(["Implementation plan"])  # a title row above the header
    sheet.append(["stage", "kind", "owner"])
    sheet.append(["Triage", "barrier", "Intake lead"])
    plan = tmp_path / "plan.xlsx"
    book.save(plan)
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    assert "read the sheet “Plan 2027”" in capsys.readouterr().out
    assert notes(session)["triage", "barrier"].owner == "Intake lead"


def test_columns_the_group_added_are_said_not_dropped(session, tmp_path, capsys):
    rows = [["stage", "kind", "Owner(s)", "status", "RAG", "issue"],
            ["Triage", "barrier", "Jo", "done", "green", "retitled"]]  # fmt: skip
    plan = _write_csv(tmp_path / "plan.csv", rows)
    assert main(["plan", "import", str(plan), "--session", str(session), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "columns not read back, left as they are: “Owner(s)” (is it “owner”?), “RAG”" in out
    assert "“issue”" not in out  # the plan's own columns are known not to come back


def test_a_stage_name_that_is_another_stages_is_not_a_rename(session, tmp_path, capsys):
    rows = [
        ["stage", "kind", "status", "stage id"],
        ["Comprehensive assessment", "re-traumatisation risk", "done", "housing_support"],
    ]
    plan = _write_csv(tmp_path / "plan.csv", rows)  # fmt: skip
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "its stage id is “Housing support”, but its stage column names another stage" in out
    assert ("housing_support", "risk") not in notes(session)


def test_a_session_named_as_the_plan_is_said_to_be_one(session, tmp_path, capsys):
    assert main(["plan", "import", str(session), "--session", str(session)]) == 2
    assert "is a lensmap session, not a plan" in capsys.readouterr().err


def test_last_years_plan_is_noticed(session, tmp_path, capsys):
    plan = export(session, tmp_path / "out") / "plan.xlsx"
    book = openpyxl.load_workbook(plan)
    about = book["About"]
    for row in about.iter_rows():
        if row[0].value == "event":
            row[1].value = "Lens event 2025"
    book.save(tmp_path / "old.xlsx")
    assert main(["plan", "import", str(tmp_path / "old.xlsx"), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "says it is the plan of “Lens event 2025” (its About sheet)" in out
    assert main(["plan", "import", str(plan), "--session", str(session)]) == 0
    assert "About sheet" not in capsys.readouterr().out

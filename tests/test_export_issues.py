"""The prioritised issues list and plan exports: parsed back, in rank order, hostile text tamed."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lensmap.cli import main
from lensmap.event.model import IssueNotes, Tag
from lensmap.export.escaping import csv_cell, markdown_text
from lensmap.export.maps import engine
from lensmap.export.writer import export_session
from lensmap.session.actions import IssueEdited, TagAdded
from lensmap.session.interchange import write_json

HOSTILE = '=HYPERLINK("http://x","click") <script>alert(1)</script> **bold** [a](b) | "q" \\ {x}'


@pytest.fixture
def worked(store):
    tags = [
        Tag(id="t1", stage="comprehensive_assessment", persona="ollie", kind="risk",
            severity=3, note="Asked to retell her story", raised_by="lived-experience",
            principles=["safety"], theme="service-design"),
        Tag(id="t2", stage="comprehensive_assessment", persona="stuart", kind="risk", note=HOSTILE),
        Tag(id="t3", stage="triage", kind="barrier", note="+44 phone line only", severity=2),
        Tag(id="t4", stage="waiting_list", kind="positive", note="@leaflet explained the wait"),
    ]  # fmt: skip
    for tag in tags:
        store.record(TagAdded(tag=tag))
    store.record(
        IssueEdited(
            issue=IssueNotes(stage="triage", kind="barrier", title="-Triage by phone only",
                             votes=5, effort="S", owner="@Service lead", timeframe="3 months")
        )
    )  # fmt: skip
    return store


def read_csv(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_every_file_parses_back_in_rank_order(worked, tmp_path):
    folder = tmp_path / "out"
    written = export_session(worked.state.content(), folder)
    pdf = {"maps/combined.pdf"} if not engine()[0].endswith("graphviz-pure") else set()
    assert {p.relative_to(folder).as_posix() for p in written} == {
        "session.json", "issues.json", "issues.md", "issues.csv", "keep.json", "keep.csv",
        "journeys.json", "plan.csv", "plan.xlsx", "maps/combined.dot", "maps/combined.svg",
        "maps/combined.png", "index.html", "what-we-heard.md", "what-we-heard.html",
    } | pdf  # fmt: skip
    issues = json.loads((folder / "issues.json").read_text())
    assert [(i["rank"], i["stage"], i["kind"]) for i in issues] == [
        (1, "triage", "barrier"),  # 5 votes come first
        (2, "comprehensive_assessment", "risk"),
    ]
    first, second = issues
    assert first["title"] == "-Triage by phone only" and first["quick_win"] is True
    assert (second["score"], second["reach"], second["severity"]) == (18, 2, 3)
    # one tag in all from lived experience: too few to show separately, so not said
    assert second["lived_experience"] is None and second["personas"] == ["ollie", "stuart"]
    assert [t["raised_by"] for t in second["tags"]] == [None, None]
    assert {"rank", "stage", "kind", "title", "score", "votes", "reach", "severity",
            "quick_win", "personas", "lived_experience", "tags"} <= set(first)  # fmt: skip
    assert [t["note"] for t in second["tags"]] == ["Asked to retell her story", HOSTILE]
    keep = json.loads((folder / "keep.json").read_text())
    assert keep[0]["stage"] == "waiting_list"


def test_no_cell_can_become_a_formula(worked, tmp_path):
    folder = tmp_path / "out"
    export_session(worked.state.content(), folder)
    for name in ("issues.csv", "keep.csv", "plan.csv"):
        rows = read_csv(folder / name)
        for row in rows[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (name, cell)
    plan = read_csv(folder / "plan.csv")
    assert plan[0] == [
        "rank", "issue", "stage", "kind", "theme", "principles", "personas", "votes", "effort",
        "quick win", "action", "owner", "timeframe", "status", "progress note", "stage id",
    ]  # fmt: skip
    assert plan[1][:4] == ["1", "'-Triage by phone only", "Triage", "barrier"]
    assert plan[1][11] == "'@Service lead" and plan[1][13] == "not started"
    assert plan[1][-1] == "triage"  # the stage id, which finds the row's issue again
    assert plan[2][4] == "Service design and delivery" and plan[2][6] == "Ollie; Stuart"
    notes = read_csv(folder / "issues.csv")[2][-1]
    assert notes.startswith("Asked to retell") and "'=" not in notes  # only a leading = matters
    assert read_csv(folder / "keep.csv")[1][-1] == "'@leaflet explained the wait"


def test_markdown_shows_notes_as_text_only(worked, tmp_path):
    folder = tmp_path / "out"
    export_session(worked.state.content(), folder)
    md = (folder / "issues.md").read_text()
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "**bold**" not in md and "\\*\\*bold\\*\\*" in md
    assert "## 1. ✗ \\-Triage by phone only" in md
    assert "# What to keep: ✓ positive practice" in md
    assert "score 18 = re-traumatisation risk 3 x severity 3 x reach 2" in md
    assert "\\(" not in md and "\\." not in md  # no backslashes where none are needed


def test_a_filled_in_plan_is_never_replaced(worked, tmp_path):
    folder = tmp_path / "out"
    export_session(worked.state.content(), folder)
    plan = folder / "plan.csv"
    plan.write_text(plan.read_text(encoding="utf-8-sig") + "our own notes\n", encoding="utf-8-sig")
    kept = plan.read_bytes()
    written = export_session(worked.state.content(), folder)
    assert plan.read_bytes() == kept
    assert folder / "plan-2.csv" in written
    again = export_session(worked.state.content(), folder)  # unchanged plan: nothing new
    assert folder / "plan-3.csv" not in again


def test_escaping_helpers():
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("\t=x") == "'\t=x"
    assert csv_cell("plain") == "plain" and csv_cell(None) == ""
    assert markdown_text("# heading\nnext") == "\\# heading next"
    assert markdown_text("<b>") == "&lt;b&gt;"
    assert markdown_text("1. first") == "1\\. first" and markdown_text("+44") == "\\+44"
    assert markdown_text("[a](b) `c` ~d~ | e") == "\\[a\\](b) \\`c\\` \\~d\\~ \\| e"
    assert markdown_text("Re-traumatisation (example).") == "Re-traumatisation (example)."


def test_export_command_from_lens_and_json(worked, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LENSMAP_EXPORTS_DIR", str(tmp_path / "exports"))
    assert main(["export", str(worked.path)]) == 0
    folder = tmp_path / "exports" / "event"
    assert (folder / "issues.md").exists()
    out = capsys.readouterr().out
    made = [p for p in folder.rglob("*.*") if not p.name.startswith(".")]  # not the plan record
    assert f"Wrote {len(made)} files to" in out
    assert (folder / ".lensmap-plans.json").is_file()
    doc = tmp_path / "event.json"
    write_json(worked.state.content(), doc)
    assert main(["export", str(doc), "--out", str(tmp_path / "from-json")]) == 0
    assert (tmp_path / "from-json" / "plan.csv").read_bytes() == (folder / "plan.csv").read_bytes()
    assert main(["export", str(tmp_path / "missing.lens")]) == 2


def test_an_output_folder_that_cannot_be_made_is_a_clear_message(worked, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    worked.close()
    assert main(["export", str(worked.path), "--out", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot be made" in err and "choose another folder with --out" in err
    assert blocker.read_text() == "not a folder"  # nothing already there was touched


MULTI_LINE = "Asked at reception\n# why she came\n- in front of others\n\n1. twice"


def test_a_note_of_several_lines_keeps_them_in_every_list(store, tmp_path):
    from markdown_it import MarkdownIt

    store.record(TagAdded(tag=Tag(id="m1", stage="triage", kind="barrier", note=MULTI_LINE)))
    store.record(TagAdded(tag=Tag(id="m2", stage="triage", kind="positive", note=MULTI_LINE)))
    folder = tmp_path / "out"
    export_session(store.state.content(), folder)

    rows = read_csv(folder / "issues.csv")
    assert rows[1][rows[0].index("notes")] == MULTI_LINE
    assert read_csv(folder / "keep.csv")[1][-1] == MULTI_LINE
    assert [t["note"] for t in json.loads((folder / "issues.json").read_text())[0]["tags"]] == [
        MULTI_LINE
    ]

    page = MarkdownIt("commonmark").render((folder / "issues.md").read_text())
    for lines in ("Asked at reception<br />\n# why she came<br />\n- in front of others<br />",):
        assert page.count(lines) == 2  # the issue and what to keep, each line on its own
    assert "<h1>why" not in page and "<li>in front" not in page and "<ol" not in page

    html = (folder / "index.html").read_text()
    assert "Asked at reception<br># why she came<br>- in front of others<br><br>1. twice" in html


def test_whose_voice_in_the_markdown_and_json(worked, tmp_path):
    folder = tmp_path / "out"
    export_session(worked.state.content(), folder, formats=("svg",))
    md = (folder / "issues.md").read_text(encoding="utf-8")
    voices = md.split("# Whose voice: the top priorities by who raised them\n", 1)[1]
    # one lived-experience tag in all: too few to show, and no issue says who raised it
    assert "- **People with lived experience**: too few to show separately\n" in voices
    assert "raised by lived experience" not in md and "⚑" not in md
    issues = json.loads((folder / "issues.json").read_text())
    assert [i["only_lived_experience"] for i in issues] == [False, False]

    for n, stage in enumerate(("review", "care_plan")):
        tag = Tag(id=f"le{n}", stage=stage, kind="risk", raised_by="lived-experience")
        worked.record(TagAdded(tag=tag))
    export_session(worked.state.content(), folder, formats=("svg",))
    md = (folder / "issues.md").read_text(encoding="utf-8")
    voices = md.split("# Whose voice: the top priorities by who raised them\n", 1)[1]
    lived = voices.split("- **People with lived experience**:\n", 1)[1].split("\n- **")[0]
    assert (
        lived.splitlines()[0]
        == "  1. ▲ Re-traumatisation risk at Comprehensive assessment (score 9)"
    )
    assert md.count("- ⚑ raised only by people with lived experience") == 2  # review, care plan
    # and the same two in the group's own list
    assert lived.count(" ⚑ raised only by people with lived experience") == 2
    rows = read_csv(folder / "issues.csv")
    only = rows[0].index("raised only by lived experience")
    flagged = {row[2] for row in rows[1:] if row[only] == "yes"}
    assert flagged == {"Regular review", "Care plan and key worker allocated"}
    assert "- raised by lived experience" in md  # the assessment: lived experience and others
    issues = {(i["stage"], i["kind"]): i for i in json.loads((folder / "issues.json").read_text())}
    assert issues["review", "risk"]["only_lived_experience"] is True
    assert issues["comprehensive_assessment", "risk"]["only_lived_experience"] is False


def test_no_export_says_who_raised_a_tag_while_the_group_is_too_few(store, tmp_path):
    from tests.workshop import record_morning

    record_morning(store)  # lived experience raised 2 tags, partners 1: both too few
    folder = tmp_path / "out"
    export_session(store.state.content(), folder, formats=("svg",))
    for name in ["index.html", "issues.md", "journeys/persona-ollie.svg"]:
        text = (folder / name).read_text(encoding="utf-8-sig")
        assert "raised by lived experience" not in text, name
        assert "raised by partner" not in text, name
    issues_rows = read_csv(folder / "issues.csv")
    column = issues_rows[0].index("raised by lived experience")
    assert {row[column] for row in issues_rows[1:]} == {"too few to show separately"}
    keep_rows = read_csv(folder / "keep.csv")
    assert {row[2] for row in keep_rows[1:]} == {"too few to show separately"}

    # A third tag from lived experience: now the group shows, and the tags say so.
    store.record(
        TagAdded(tag=Tag(id="le", stage="triage", persona="ollie", kind="barrier",
                         raised_by="lived-experience"))
    )  # fmt: skip
    export_session(store.state.content(), folder, formats=("svg",))
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "(raised by lived experience)" in page and "raised by partner" not in page
    strip = (folder / "journeys" / "persona-ollie.svg").read_text(encoding="utf-8")
    assert "raised by lived experience" in strip and "raised by partner" not in strip
    issues_rows = read_csv(folder / "issues.csv")
    assert {row[column] for row in issues_rows[1:]} == {"yes", "no"}
    issues = json.loads((folder / "issues.json").read_text(encoding="utf-8"))
    said = {t["raised_by"] for i in issues for t in i["tags"]}
    assert said == {"lived-experience", None}  # partners' one tag is still not said
    assert {i["lived_experience"] for i in issues} == {True, False}
    md = (folder / "issues.md").read_text(encoding="utf-8")
    assert "- raised by lived experience and others" in md  # triage: partner and staff too

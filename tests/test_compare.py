"""`lensmap compare`: a baseline event and its follow-up a year on. Issues resolved,
persisting and new; what to keep kept, new and lost; journeys side by side; the baseline's
plan; stages added, removed and renamed between two versions of a pathway; and the page as
offline and strict as index.html."""

from __future__ import annotations

import json

import pytest

from lensmap.cli import main
from lensmap.event.model import Event, IssueNotes, Journey, Pathway, Step, Tag
from lensmap.export.comparison_files import compare_dot, comparison, write_comparison
from lensmap.session.actions import PlanImported, StepTaken, TagAdded
from lensmap.session.content import SessionContent
from lensmap.session.interchange import write_json
from lensmap.session.store import SessionStore
from tests.hostile import forbidden_in
from tests.workshop import record_morning

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@pytest.fixture
def baseline(tmp_path, content):
    path = tmp_path / "baseline.lens"
    with SessionStore.create(path, content) as store:
        record_morning(store)
        store.record(
            PlanImported(
                file="plan.xlsx",
                issues=[
                    IssueNotes(stage="triage", kind="barrier", votes=4, effort="S",
                               owner="@Service lead", timeframe="3 months", status="done",
                               progress="Call backs offered since May"),
                ],
            )
        )  # fmt: skip
    return path


@pytest.fixture
def followup(tmp_path, content):
    """A year on: triage's barrier gone (it has positive practice now), housing's risk still
    there, a new barrier at the waiting list; Ollie walked a shorter way, Stuart not at all."""
    later = content.model_copy(update={"event": Event(title="A year on", date="2027-03-20")})
    path = tmp_path / "followup.lens"
    with SessionStore.create(path, later) as store:
        for stage, window in [("gp_referral", None), ("triage", "within"),
                              ("waiting_list", "within"), ("care_plan", "within")]:  # fmt: skip
            store.record(StepTaken(persona="ollie", stage=stage, window=window))
        for tag in [
            Tag(id="f1", stage="housing_support", kind="risk", severity=2, note="Still near"),
            Tag(id="f2", stage="waiting_list", kind="barrier", note="Nine weeks now"),
            Tag(id="f3", stage="triage", kind="positive", note="Call back offered"),
        ]:
            store.record(TagAdded(tag=tag))
    return path


def read(path) -> SessionContent:
    with SessionStore.open(path, readonly=True) as store:
        return store.state.content()


def test_what_changed_in_a_year(baseline, followup, tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(baseline), str(followup), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Of 4 issues: 2 resolved, 1 persisting, 1 new.")
    data = json.loads((out / "compare.json").read_text())
    assert (data["format"], data["version"]) == ("lensmap-compare", 1)
    issues = {(i["stage"], i["kind"]): i for i in data["issues"]}
    assert issues["triage", "barrier"]["status"] == "resolved"
    assert issues["triage", "barrier"]["followup_score"] is None
    assert issues["comprehensive_assessment", "risk"]["status"] == "resolved"
    housing = issues["housing_support", "risk"]
    assert (housing["status"], housing["baseline_score"], housing["followup_score"]) == (
        "persisting",
        9,
        6,
    )
    assert issues["waiting_list", "barrier"]["status"] == "new"
    assert issues["waiting_list", "barrier"]["baseline_score"] is None
    keep = {k["stage"]: k["status"] for k in data["keep"]}
    assert keep == {"waiting_list": "lost", "prison_release": "lost", "triage": "new"}
    journeys = {j["persona"]: j for j in data["journeys"]}
    assert journeys["ollie"]["baseline"]["steps"] == 5
    assert journeys["ollie"]["followup"]["steps"] == 4
    assert journeys["ollie"]["baseline"]["outside_window"] == 2
    assert journeys["ollie"]["followup"]["outside_window"] == 0
    assert journeys["stuart"]["followup"] is None  # not walked a year on
    plan = {(p["stage"], p["kind"]): p for p in data["plan"]}
    assert plan["triage", "barrier"]["status"] == "done"
    assert plan["triage", "barrier"]["progress"] == "Call backs offered since May"
    assert plan["housing_support", "risk"]["status"] == "not started"
    assert data["stages"] == {"added": [], "removed": [], "renamed": []}

    md = (out / "compare.md").read_text()
    assert "### ○ Resolved (2)" in md and "### + New (1)" in md
    assert "| Steps | 5 | 4 |" in md and "| Steps | 3 | not walked |" in md
    assert "**done** (@Service lead · 3 months)" in md

    page = (out / "compare.html").read_text()
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in page
    assert "<script" not in page.lower() and "http://" not in page.replace("http://www.w3.org", "")
    assert "<svg" in page  # the map, inline
    assert (out / "compare-map.svg").read_text().startswith("<svg")
    for name in ("compare.json", "compare.md", "compare.html", "compare-map.svg"):
        assert (out / name).stat().st_mode & 0o077 == 0


def test_a_session_compared_with_itself_is_all_persisting(baseline, tmp_path):
    c = comparison(read(baseline), read(baseline))
    assert {change.status for change in c.issues} == {"persisting"}
    assert len(c.issues) == 3
    assert {keep.status for keep in c.keep} == {"kept"}
    assert all(j.baseline == j.followup for j in c.journeys)
    assert (c.added_stages, c.removed_stages, c.renamed_stages) == ([], [], [])


def test_two_versions_of_a_pathway_are_matched_by_stage_id(content, tmp_path):
    data = content.pathway.model_dump(by_alias=True)
    for stage in data["stages"]:
        if stage["id"] == "triage":
            stage["label"] = "Triage and welcome"
    data["stages"] = [s for s in data["stages"] if s["id"] != "review"]
    data["transitions"] = [t for t in data["transitions"] if "review" not in (t["from"], t["to"])]
    data["stages"].append({"id": "peer_welcome", "label": "Peer welcome", "kind": "step"})
    data["transitions"].append({"from": "triage", "to": "peer_welcome"})
    newer = content.model_copy(update={"pathway": Pathway.model_validate(data)})
    older = content.model_copy(
        update={"tags": [Tag(id="t1", stage="review", kind="barrier", note="Reviews missed")]}
    )
    c = comparison(older, newer)
    assert c.added_stages == ["peer_welcome"]
    assert c.removed_stages == ["review"]
    assert c.renamed_stages == [("triage", "Triage", "Triage and welcome")]
    # Nobody could tag a stage the pathway no longer has: not counted as resolved.
    assert [(ch.stage, ch.status) for ch in c.issues] == [("review", "stage_removed")]
    assert c.counts()["resolved"] == 0
    dot = compare_dot(c)
    assert (
        '"review" [label="Regular review\\n◌ at a stage since removed: ✗ barrier\\n(removed' in dot
    )
    assert "(a stage added since the baseline)" in dot
    assert 'style="dotted", label="(removed)"' in dot  # ways the newer pathway lacks
    written = write_comparison(c, tmp_path / "cmp")
    md = (tmp_path / "cmp" / "compare.md").read_text()
    assert "The follow-up used a newer version of the pathway" in md
    assert "### ◌ At a stage since removed (1)" in md
    assert "- removed since the baseline: Regular review" in md
    assert "- renamed: Triage is now Triage and welcome" in md
    assert len(written) == 4


def test_what_people_typed_is_escaped_everywhere(content, tmp_path):
    typed = "<img src=x onerror=alert(1)> | **bold** \x1b]0;PWNED\x07"
    hostile = content.model_copy(
        update={
            "event": Event(title=f"Event {typed}"),
            "journeys": [Journey(persona="ollie", steps=[Step(stage="triage")],
                                 outcome=f"Out {typed}")],
            "tags": [Tag(id="t1", stage="triage", kind="barrier", note=typed)],
            "issues": [IssueNotes(stage="triage", kind="barrier", title=f"Title {typed}",
                                  owner=f"Owner {typed}", progress=f"Progress {typed}")],
        }
    )  # fmt: skip
    write_comparison(comparison(hostile, hostile), tmp_path / "cmp")
    page = (tmp_path / "cmp" / "compare.html").read_text()
    assert "<img" not in page and "&lt;img src=x" in page
    for name in ("compare.html", "compare.md", "compare.json", "compare-map.svg"):
        text = (tmp_path / "cmp" / name).read_text()
        assert forbidden_in(text, lines=True) == set(), name
    md = (tmp_path / "cmp" / "compare.md").read_text()
    assert "| Outcome | Out &lt;img src=x onerror=alert(1)&gt; \\| \\*\\*bold" in md  # one cell
    assert "**bold**" not in md


def test_sessions_as_json_and_a_bad_one(baseline, followup, tmp_path, capsys):
    as_json = tmp_path / "baseline.json"
    write_json(read(baseline), as_json)
    assert main(["compare", str(as_json), str(followup), "-o", str(tmp_path / "c")]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["compare", str(bad), str(followup), "-o", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "Traceback" not in err
    assert not (tmp_path / "d").exists()


def test_pathways_with_no_stage_in_common_are_not_compared(baseline, tmp_path, capsys):
    other = Pathway.model_validate(
        {"id": "other", "title": "Another service", "stages": [{"id": "x", "label": "X"}]}
    )
    as_json = tmp_path / "other.json"
    write_json(read(baseline).model_copy(update={"pathway": other, "tags": [], "journeys": [],
                                                  "issues": []}), as_json)  # fmt: skip
    assert main(["compare", str(baseline), str(as_json), "-o", str(tmp_path / "c")]) == 2
    assert "have no stage in common" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()

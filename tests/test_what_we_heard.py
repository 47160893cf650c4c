""" "What we heard, what we are doing": plain English for the people with lived experience who
took part. The room's priorities in its order with what is being done and how far it has
got, what is being kept, no scores, no jargon, nothing about who raised what, no place."""

from __future__ import annotations

import re

from lensmap.event.model import IssueNotes, Tag
from lensmap.export.writer import export_session
from lensmap.session.actions import IssueEdited, PlanImported, TagAdded
from tests.hostile import forbidden_in
from tests.workshop import HOSTILE_TITLE, record_morning

JARGON = ("score", "persona", "re-traumatisation", "severity", "reach", "rank", "barrier",
          "lived experience", "raised by", "Community hub")  # fmt: skip


def test_the_page_says_what_is_being_done_in_plain_words(store, tmp_path):
    record_morning(store)
    store.record(
        PlanImported(
            file="plan.xlsx",
            issues=[
                IssueNotes(stage="triage", kind="barrier", title=HOSTILE_TITLE, votes=4,
                           effort="S", owner="@Service lead", timeframe="3 months",
                           action="A call back, and a letter that says what happens next",
                           status="in progress"),
                IssueNotes(stage="housing_support", kind="risk", status="dropped"),
            ],
        )
    )  # fmt: skip
    export_session(store.state.content(), tmp_path / "out", formats=("svg",))
    md = (tmp_path / "out" / "what-we-heard.md").read_text()
    page = (tmp_path / "out" / "what-we-heard.html").read_text()
    assert md.startswith("# What we heard, what we are doing\n\nLens event, 14 March 2026\n")
    assert "source text for a trained Easy Read producer" in md
    sections = md.split("\n### ")[1:]
    assert [s.split("\n", 1)[0] for s in sections] == [
        "1. Triage", "2. Housing support", "3. Comprehensive assessment",
    ]  # fmt: skip
    assert "**What we are doing:** A call back, and a letter that says what happens next" in md
    assert "**Where it is up to:** We are working on this now." in sections[0]
    assert "We have decided not to do this." in sections[1]
    assert "We have not started this yet." in sections[2]
    assert "Something at Comprehensive assessment could bring back painful memories" in md
    assert "- Waiting list for assessment" in md and "- Prison release and throughcare" in md
    words = re.sub(r"[^\w\s-]", " ", md.split("## What we heard", 1)[1]).lower()
    for jargon in JARGON:
        if jargon not in HOSTILE_TITLE.lower():
            assert jargon.lower() not in words, jargon
    assert not re.search(r"\b(?:4|9|12)\b", sections[0].split("**When:**")[0])  # no tallies
    assert "<svg onload" not in page and "&lt;svg onload" in page
    assert "default-src 'none'" in page and "<script" not in page.lower()
    assert forbidden_in(page, lines=True) == set() and forbidden_in(md, lines=True) == set()


def test_a_session_with_nothing_tagged_says_so_calmly(store, tmp_path):
    export_session(store.state.content(), tmp_path / "out", formats=("svg",))
    md = (tmp_path / "out" / "what-we-heard.md").read_text()
    assert "We did not write down anything that got in the way." in md
    assert "We did not write down anything that works well this time." in md
    assert "We talked about the steps people take through our service." in md


def test_more_than_ten_priorities_are_counted_not_listed(store, tmp_path, pathway):
    for n, stage in enumerate(pathway.stages[:12]):
        store.record(TagAdded(tag=Tag(id=f"t{n}", stage=stage.id, kind="barrier")))
    store.record(IssueEdited(issue=IssueNotes(stage=pathway.stages[0].id, kind="barrier")))
    export_session(store.state.content(), tmp_path / "out", formats=("svg",))
    md = (tmp_path / "out" / "what-we-heard.md").read_text()
    assert md.count("\n### ") == 10
    assert "There are 2 more things on our list." in md

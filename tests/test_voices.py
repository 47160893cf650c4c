"""Whose voice each priority carries: each group's own ranking, and the rule that a group of
fewer than three tags is never shown on its own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lensmap.event.model import IssueNotes, Pathway, Tag
from lensmap.event.priorities import rank_issues
from lensmap.event.voices import GROUPS, TOO_FEW, whose_voices


def tag(n: int, stage: str, kind: str, by: str | None, severity: int = 2, persona=None) -> Tag:
    return Tag(id=f"t{n}", stage=stage, kind=kind, raised_by=by, severity=severity, persona=persona)


def test_each_group_ranks_its_own_tags(pathway: Pathway):
    tags = [
        tag(1, "triage", "barrier", "lived-experience", 3),
        tag(2, "comprehensive_assessment", "risk", "lived-experience", 3),
        tag(3, "waiting_list", "positive", "lived-experience"),
        tag(4, "triage", "barrier", "staff", 1),
        tag(5, "care_plan", "risk", "staff", 3, persona="gill"),
        tag(6, "care_plan", "risk", "staff", 3, persona="jay"),
        tag(7, "review", "barrier", None, 3),
    ]
    voices = whose_voices(pathway, tags)
    lived = voices.voice("lived-experience")
    assert lived.tags == 3 and not lived.too_few
    # risk 3 x severity 3 first, then the barrier; the positive tag is not an issue
    assert [(i.stage, i.kind, i.score) for i in lived.issues] == [
        ("comprehensive_assessment", "risk", 9),
        ("triage", "barrier", 6),
    ]
    staff = voices.voice("staff")
    assert [(i.stage, i.reach) for i in staff.issues] == [("care_plan", 2), ("triage", 1)]
    # a tag with no raised_by counts only in the overall ranking
    assert all(i.stage != "review" for v in voices.groups for i in v.issues)
    assert "review" in [i.stage for i in rank_issues(pathway, tags)]


def test_fewer_than_three_tags_are_too_few_to_show_separately(pathway: Pathway):
    tags = [
        tag(1, "triage", "barrier", "partner", 3),
        tag(2, "triage", "risk", "partner", 3),
        tag(3, "review", "barrier", "lived-experience"),
        tag(4, "review", "barrier", "lived-experience"),
    ]
    voices = whose_voices(pathway, tags)
    assert [(v.group, v.tags, v.too_few, v.issues) for v in voices.groups] == [
        ("lived-experience", 2, True, ()),
        ("staff", 0, True, ()),
        ("partner", 2, True, ()),
    ]
    # and nothing is flagged as raised only by lived experience while that group is too few
    assert voices.only_lived_experience == frozenset()


def test_issues_raised_only_by_lived_experience(pathway: Pathway):
    tags = [
        tag(1, "triage", "barrier", "lived-experience"),
        tag(2, "triage", "barrier", "lived-experience"),
        tag(3, "review", "barrier", "lived-experience"),
        tag(4, "review", "barrier", "staff"),
        tag(5, "care_plan", "risk", "lived-experience"),
        tag(6, "care_plan", "risk", None),  # who raised it is not known: not "only"
    ]
    assert whose_voices(pathway, tags).only_lived_experience == {("triage", "barrier")}


def test_votes_belong_to_the_room_not_to_a_group(pathway: Pathway):
    tags = [
        tag(1, "triage", "barrier", "staff", 1),
        tag(2, "care_plan", "risk", "staff", 3),
        tag(3, "review", "barrier", "staff", 1),
    ]
    notes = {("triage", "barrier"): IssueNotes(stage="triage", kind="barrier", votes=9)}
    staff = whose_voices(pathway, tags, notes).voice("staff")
    assert staff.issues[0].stage == "care_plan"
    assert rank_issues(pathway, tags, notes)[0].stage == "triage"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["triage", "review", "care_plan"]),
            st.sampled_from(["positive", "barrier", "risk"]),
            st.sampled_from([None, *GROUPS]),
        ),
        max_size=12,
    )
)
def test_no_group_under_three_tags_ever_shows(pathway, drawn):
    tags = [tag(n, s, k, by) for n, (s, k, by) in enumerate(drawn)]
    voices = whose_voices(pathway, tags)
    for voice in voices.groups:
        assert voice.tags == sum(t.raised_by == voice.group for t in tags)
        if voice.tags < TOO_FEW:
            assert voice.too_few and voice.issues == ()
        for issue in voice.issues:
            assert all(t.raised_by == voice.group for t in tags if t.id in issue.tags)

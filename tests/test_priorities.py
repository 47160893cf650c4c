"""The ranking rule on hand-built sessions, ties included."""

from __future__ import annotations

from lensmap.event.model import IssueNotes, Pathway, Tag
from lensmap.event.priorities import rank_issues, what_to_keep

PATHWAY = Pathway.model_validate(
    {
        "id": "p",
        "title": "P",
        "stages": [
            {"id": "late_entry", "label": "Late entry", "kind": "entry"},
            {"id": "gp", "label": "GP referral", "kind": "entry"},
            {"id": "triage", "label": "Triage"},
            {"id": "assessment", "label": "Assessment"},
            {"id": "side", "label": "Only from GP"},
        ],
        "transitions": [
            {"from": "late_entry", "to": "assessment"},
            {"from": "gp", "to": "triage"},
            {"from": "gp", "to": "side"},
            {"from": "triage", "to": "assessment"},
        ],
    }
)

counter = iter(range(1000))


def tag(stage, kind, persona=None, severity=2, **extra) -> Tag:
    return Tag(
        id=f"t{next(counter)}", stage=stage, kind=kind, persona=persona, severity=severity, **extra
    )


def test_pathway_order_is_breadth_first_with_entries_in_file_order():
    assert PATHWAY.order == {"late_entry": 0, "gp": 1, "assessment": 2, "triage": 3, "side": 4}


def test_score_is_weight_times_severity_times_reach():
    tags = [
        tag("triage", "barrier", "ollie", 1),
        tag("triage", "barrier", "jay", 3),
        tag("triage", "barrier", "ollie", 2),
        tag("triage", "barrier", None, 1),  # a general tag counts as one more
        tag("triage", "positive", "gill", 3),  # positive tags are not issues
    ]
    (issue,) = rank_issues(PATHWAY, tags)
    assert (issue.weight, issue.severity, issue.reach, issue.score) == (2, 3, 3, 18)
    assert issue.personas == ["ollie", "jay"] and issue.general
    assert issue.title == "Barrier at Triage"
    assert "score 18 = barrier 2 x severity 3 x reach 3 (2 personas + general)" in issue.reasons()


def test_risk_and_barrier_of_one_stage_are_separate_issues():
    issues = rank_issues(PATHWAY, [tag("triage", "barrier"), tag("triage", "risk")])
    assert [(i.stage, i.kind) for i in issues] == [("triage", "risk"), ("triage", "barrier")]
    assert [i.score for i in issues] == [6, 4]


def test_votes_come_first_then_score():
    tags = [tag("triage", "risk", "a", 3), tag("side", "barrier", "a", 1)]
    notes = {("side", "barrier"): IssueNotes(stage="side", kind="barrier", votes=2)}
    issues = rank_issues(PATHWAY, tags, notes)
    assert [i.stage for i in issues] == ["side", "triage"]
    assert [i.rank for i in issues] == [1, 2]


def test_ties_broken_by_pathway_position_then_risk_before_barrier():
    tags = [
        tag("side", "barrier", "a", 3),  # score 6, position 4
        tag("assessment", "barrier", "a", 3),  # score 6, position 2
        tag("triage", "barrier", "a", 3),  # score 6, position 3
        tag("late_entry", "risk", "a", 2),  # score 6, position 0, risk
        tag("late_entry", "barrier", "a", 3),  # score 6, position 0, barrier
    ]
    issues = rank_issues(PATHWAY, tags)
    assert [(i.stage, i.kind) for i in issues] == [
        ("late_entry", "risk"),
        ("late_entry", "barrier"),
        ("assessment", "barrier"),
        ("triage", "barrier"),
        ("side", "barrier"),
    ]


def test_quick_win_needs_severity_two_and_effort_s():
    tags = [tag("triage", "barrier", severity=2), tag("side", "barrier", severity=1)]
    notes = {
        ("triage", "barrier"): IssueNotes(stage="triage", kind="barrier", effort="S"),
        ("side", "barrier"): IssueNotes(stage="side", kind="barrier", effort="S"),
    }
    issues = {i.stage: i for i in rank_issues(PATHWAY, tags, notes)}
    assert issues["triage"].quick_win and not issues["side"].quick_win
    notes[("triage", "barrier")] = IssueNotes(stage="triage", kind="barrier", effort="M")
    assert not {i.stage: i for i in rank_issues(PATHWAY, tags, notes)}["triage"].quick_win


def test_facilitator_title_and_lived_experience():
    tags = [tag("gp", "risk", raised_by="lived-experience"), tag("gp", "risk", raised_by="staff")]
    notes = {("gp", "risk"): IssueNotes(stage="gp", kind="risk", title="Letters that frighten")}
    (issue,) = rank_issues(PATHWAY, tags, notes)
    assert issue.title == "Letters that frighten" and issue.lived_experience


def test_what_to_keep_lists_positive_practice_in_pathway_order():
    tags = [tag("triage", "positive", "ollie"), tag("gp", "positive"), tag("gp", "barrier")]
    keep = what_to_keep(PATHWAY, tags)
    assert [k.stage for k in keep] == ["gp", "triage"]
    assert keep[1].title == "Positive practice at Triage" and keep[1].personas == ["ollie"]


def test_hidden_votes_do_not_change_the_order():
    tags = [tag("triage", "risk", "a", 3), tag("side", "barrier", "a", 1)]
    notes = {("side", "barrier"): IssueNotes(stage="side", kind="barrier", votes=2)}
    hidden = rank_issues(PATHWAY, tags, notes, count_votes=False)
    assert [i.stage for i in hidden] == ["triage", "side"]
    assert [i.stage for i in rank_issues(PATHWAY, tags, notes)] == ["side", "triage"]

"""A year later: what changed between a baseline lens event and a follow-up one.

Stages are matched by id (the follow-up may use a newer version of the pathway: stages it
added and removed are listed). An issue (a stage's barriers, or its risks) is `resolved`
when the baseline ranks it and the follow-up has no such tags, `persisting` when both have
it, `new` when only the follow-up does. Positive practice is `kept`, `new` or `lost` the
same way. Each persona's journey measures sit side by side, and the plan is as the baseline
session recorded it. A session compared with itself has everything persisting or kept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .measures import JourneyMeasures, measure_journey
from .model import IssueNotes, Journey, Pathway, Persona, Tag
from .priorities import Issue, rank_issues, what_to_keep

ISSUE_CHANGES = ("resolved", "persisting", "new", "stage_removed")
KEEP_CHANGES = ("kept", "new", "lost", "stage_removed")
"""`stage_removed`: the baseline had it at a stage the follow-up's pathway no longer has, so
nobody could tag it there: neither resolved nor lost, and not counted as either."""


@dataclass(frozen=True)
class Side:
    """One session as the comparison needs it."""

    title: str
    date: str | None
    pathway: Pathway
    tags: list[Tag]
    notes: Mapping[tuple[str, str], IssueNotes]
    journeys: list[Journey]
    personas: list[Persona]

    def ranked(self) -> list[Issue]:
        return rank_issues(self.pathway, self.tags, self.notes)


@dataclass(frozen=True)
class IssueChange:
    stage: str
    kind: str
    status: str  # one of ISSUE_CHANGES
    baseline: Issue | None
    followup: Issue | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.stage, self.kind)


@dataclass(frozen=True)
class KeepChange:
    stage: str
    status: str  # one of KEEP_CHANGES


@dataclass(frozen=True)
class JourneyChange:
    persona: str
    name: str
    baseline: JourneyMeasures | None
    followup: JourneyMeasures | None


@dataclass
class Comparison:
    baseline: Side
    followup: Side
    issues: list[IssueChange] = field(default_factory=list)
    keep: list[KeepChange] = field(default_factory=list)
    journeys: list[JourneyChange] = field(default_factory=list)
    plan: list[tuple[Issue, IssueNotes | None]] = field(default_factory=list)
    """Each issue the baseline ranked, with what its session's plan recorded for it."""
    added_stages: list[str] = field(default_factory=list)
    removed_stages: list[str] = field(default_factory=list)
    renamed_stages: list[tuple[str, str, str]] = field(default_factory=list)
    """(id, baseline label, follow-up label) for a stage whose name changed."""

    def label_of(self, stage: str) -> str:
        """A stage's name in the follow-up's pathway, or the baseline's for a removed one."""
        if stage in self.followup.pathway.stages_by_id:
            return self.followup.pathway.label_of(stage)
        return self.baseline.pathway.label_of(stage)

    @property
    def same_pathway(self) -> bool:
        return self.baseline.pathway.id == self.followup.pathway.id

    def counts(self) -> dict[str, int]:
        counted = {status: 0 for status in ISSUE_CHANGES}
        for change in self.issues:
            counted[change.status] += 1
        return counted


class NothingShared(ValueError):
    """The two sessions' pathways have no stage in common: nothing can be compared."""


def compare(baseline: Side, followup: Side) -> Comparison:
    """Raises NothingShared where the pathways share no stage id."""
    result = Comparison(baseline, followup)
    before, after = baseline.pathway.stages_by_id, followup.pathway.stages_by_id
    if not before.keys() & after.keys():
        raise NothingShared(
            f"the pathways “{baseline.pathway.title}” and “{followup.pathway.title}” have no "
            "stage in common (stages are matched by id)"
        )
    result.added_stages = [s for s in after if s not in before]
    result.removed_stages = [s for s in before if s not in after]
    result.renamed_stages = [
        (s, before[s].label, after[s].label)
        for s in after
        if s in before and before[s].label != after[s].label
    ]
    gone = set(result.removed_stages)
    result.issues = _issues(baseline.ranked(), followup.ranked(), gone)
    result.keep = _keep(baseline, followup, gone)
    result.journeys = _journeys(baseline, followup)
    result.plan = [(issue, baseline.notes.get(issue.key)) for issue in baseline.ranked()]
    return result


def _issues(before: list[Issue], after: list[Issue], gone: set[str]) -> list[IssueChange]:
    """The baseline's issues in its rank order (resolved, persisting, or at a stage since
    removed), then the new ones in the follow-up's rank order."""
    later = {issue.key: issue for issue in after}

    def status(issue: Issue) -> str:
        if issue.key in later:
            return "persisting"
        return "stage_removed" if issue.stage in gone else "resolved"

    changes = [
        IssueChange(issue.stage, issue.kind, status(issue), issue, later.get(issue.key))
        for issue in before
    ]
    earlier = {issue.key for issue in before}
    changes += [
        IssueChange(issue.stage, issue.kind, "new", None, issue)
        for issue in after
        if issue.key not in earlier
    ]
    return changes


def _keep(baseline: Side, followup: Side, gone: set[str]) -> list[KeepChange]:
    before = [item.stage for item in what_to_keep(baseline.pathway, baseline.tags)]
    after = [item.stage for item in what_to_keep(followup.pathway, followup.tags)]
    changes = [
        KeepChange(
            stage, "kept" if stage in after else "stage_removed" if stage in gone else "lost"
        )
        for stage in before
    ]
    return changes + [KeepChange(stage, "new") for stage in after if stage not in before]


def _measured(side: Side) -> dict[str, JourneyMeasures]:
    ways_in = {p.id: p.entry for p in side.personas}
    return {
        journey.persona: measure_journey(side.pathway, journey, ways_in.get(journey.persona))
        for journey in side.journeys
        if journey.steps
    }


def _journeys(baseline: Side, followup: Side) -> list[JourneyChange]:
    before, after = _measured(baseline), _measured(followup)
    names = {p.id: p.name for p in baseline.personas}
    names.update({p.id: p.name for p in followup.personas})
    order: Iterable[str] = dict.fromkeys([*before, *after])
    return [
        JourneyChange(persona, names.get(persona, persona), before.get(persona), after.get(persona))
        for persona in order
    ]

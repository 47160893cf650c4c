"""The prioritised issues list: one ranking rule, used by the app and every export.

An issue is the barrier tags, or the risk tags, of one stage. Its score is
weight (3 for a re-traumatisation risk, 2 for a barrier) x severity (the highest among its tags)
x reach (distinct personas, with general tags counting as one more). Issues are ordered by
votes, then score, then the stage's place in the pathway, then risk before barrier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..wording.vocabulary import KIND_TITLE, KIND_WORD
from .model import IssueNotes, Pathway, Tag

WEIGHT = {"risk": 3, "barrier": 2}


@dataclass(frozen=True)
class Issue:
    rank: int
    stage: str
    kind: str
    title: str
    votes: int
    weight: int
    severity: int
    reach: int
    score: int
    quick_win: bool
    personas: list[str]
    general: bool
    lived_experience: bool
    tags: list[str]
    effort: str | None = None
    owner: str | None = None
    timeframe: str | None = None
    action: str | None = None
    status: str | None = None
    """The plan's status, None while nobody has set one (then it reads as not started)."""
    progress: str | None = None
    themes: list[str] = field(default_factory=list)
    principles: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.stage, self.kind)

    def reasons(self) -> str:
        """Why it ranks where it does, in words for the room."""
        reach = f"{len(self.personas)} persona{'s' * (len(self.personas) != 1)}"
        if self.general:
            reach += " + general"
        parts = [
            f"{self.votes} vote{'s' * (self.votes != 1)}",
            f"score {self.score} = {KIND_WORD[self.kind]} {self.weight}"
            f" x severity {self.severity} x reach {self.reach} ({reach})",
        ]
        if self.quick_win:
            parts.append("quick win (severity 2+, effort S)")
        return "; ".join(parts)


@dataclass(frozen=True)
class KeepItem:
    """Positive practice at one stage: what to keep."""

    stage: str
    title: str
    personas: list[str]
    tags: list[str]
    lived_experience: bool


def default_title(pathway: Pathway, stage: str, kind: str) -> str:
    return f"{KIND_TITLE[kind]} at {pathway.label_of(stage)}"


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def rank_issues(
    pathway: Pathway,
    tags: Iterable[Tag],
    notes: Mapping[tuple[str, str], IssueNotes] | None = None,
    *,
    count_votes: bool = True,
) -> list[Issue]:
    """Issues in rank order. With count_votes=False (while the room's dot votes are hidden)
    the order ignores votes, so the screen gives no hint of early tallies."""
    notes = notes or {}
    grouped: dict[tuple[str, str], list[Tag]] = {}
    for tag in tags:
        if tag.kind in WEIGHT:
            grouped.setdefault((tag.stage, tag.kind), []).append(tag)
    order = pathway.order
    unranked = []
    for (stage, kind), group in grouped.items():
        edit = notes.get((stage, kind))
        personas = _unique(t.persona for t in group if t.persona)
        general = any(t.persona is None for t in group)
        reach = len(personas) + (1 if general else 0)
        severity = max(t.severity for t in group)
        weight = WEIGHT[kind]
        effort = edit.effort if edit else None
        unranked.append(
            Issue(
                rank=0,
                stage=stage,
                kind=kind,
                title=(edit.title if edit and edit.title else default_title(pathway, stage, kind)),
                votes=edit.votes if edit else 0,
                weight=weight,
                severity=severity,
                reach=reach,
                score=weight * severity * reach,
                quick_win=severity >= 2 and effort == "S",
                personas=personas,
                general=general,
                lived_experience=any(t.raised_by == "lived-experience" for t in group),
                tags=[t.id for t in group],
                effort=effort,
                owner=edit.owner if edit else None,
                timeframe=edit.timeframe if edit else None,
                action=edit.action if edit else None,
                status=edit.status if edit else None,
                progress=edit.progress if edit else None,
                themes=_unique(t.theme for t in group if t.theme),
                principles=_unique(p for t in group for p in t.principles),
            )
        )
    unranked.sort(
        key=lambda i: (
            -i.votes if count_votes else 0,
            -i.score,
            order.get(i.stage, len(order)),
            i.kind != "risk",
        )
    )
    return [replace(issue, rank=n) for n, issue in enumerate(unranked, start=1)]


def what_to_keep(pathway: Pathway, tags: Iterable[Tag]) -> list[KeepItem]:
    """Positive practice by stage, in pathway order: recognised explicitly, never drowned out."""
    grouped: dict[str, list[Tag]] = {}
    for tag in tags:
        if tag.kind == "positive":
            grouped.setdefault(tag.stage, []).append(tag)
    order = pathway.order
    return [
        KeepItem(
            stage=stage,
            title=default_title(pathway, stage, "positive"),
            personas=_unique(t.persona for t in group if t.persona),
            tags=[t.id for t in group],
            lived_experience=any(t.raised_by == "lived-experience" for t in group),
        )
        for stage, group in sorted(grouped.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]

"""The prioritised issues list as JSON, Markdown and CSV, and the implementation-plan template.

All three say the same thing, built from one ranking (lensmap.event.priorities), and each shows
every issue's score components so the ranking can be checked by hand."""

from __future__ import annotations

import csv
import io
import json
from functools import cached_property
from typing import Any

from ..event.measures import PathwayMeasures, measure_pathway
from ..event.model import persona_names
from ..event.plan_update import NOT_STARTED
from ..event.priorities import Issue, KeepItem, rank_issues, what_to_keep
from ..event.voices import Voices, whose_voices
from ..session.content import SessionContent
from ..wording.measures_words import (
    ONLY_LIVED_EXPERIENCE,
    TOO_FEW_WORDS,
    VOICES_RULE,
    voice_heading,
)
from ..wording.screen_text import json_for_terminals
from ..wording.vocabulary import (
    KIND_SYMBOL,
    KIND_WORD,
    PLAN_COLUMNS,
    RAISED_BY_WORD,
    THEME_WORD,
)
from .escaping import csv_cell, markdown_lines, markdown_text


class Report:
    """The ranked issues and what to keep for one session, with names looked up once."""

    def __init__(self, content: SessionContent) -> None:
        self.content = content
        notes = {n.key: n for n in content.issues}
        self.issues: list[Issue] = rank_issues(content.pathway, content.tags, notes)
        self.keep: list[KeepItem] = what_to_keep(content.pathway, content.tags)
        self.voices: Voices = whose_voices(content.pathway, content.tags, notes)
        self.tags = {t.id: t for t in content.tags}
        self.names = persona_names(content.personas)

    @cached_property
    def pathway_measures(self) -> PathwayMeasures:
        """The pathway's loops, busy stages and stages behind a wait: worked out once for
        journeys.json and the page alike."""
        return measure_pathway(self.content.pathway, self.content.journeys)

    def stage(self, stage_id: str) -> str:
        return self.content.pathway.label_of(stage_id)

    def lived_experience(self, raised: bool) -> bool | None:
        """Whether lived experience raised it, or None (null) while that group is too few
        to show separately."""
        return raised if self.voices.may_say("lived-experience") else None

    def lived_experience_cell(self, raised: bool) -> str:
        """'yes' or 'no' for a list a person reads, or that the group is too few to show
        separately (then no row may say which tags it raised)."""
        if not self.voices.may_say("lived-experience"):
            return TOO_FEW_WORDS
        return "yes" if raised else "no"

    def people(self, ids: list[str], general: bool = False) -> list[str]:
        return [self.names.get(p, p) for p in ids] + (["general"] if general else [])

    def tag_objects(self, ids: list[str]) -> list[dict[str, Any]]:
        out = []
        for tag_id in ids:
            tag = self.tags[tag_id]
            out.append(
                {
                    "id": tag.id,
                    "persona": tag.persona,
                    "persona_name": self.names.get(tag.persona or "", None),
                    "note": tag.note,
                    "severity": tag.severity,
                    "principles": list(tag.principles),
                    "theme": tag.theme,
                    # null too while the group is too few to show separately
                    "raised_by": tag.raised_by if self.voices.may_say(tag.raised_by) else None,
                    "kept_in_room": tag.keep_in_room,
                }
            )
        return out


def issues_json(report: Report) -> str:
    items = []
    for issue in report.issues:
        items.append(
            {
                "rank": issue.rank,
                "stage": issue.stage,
                "stage_label": report.stage(issue.stage),
                "kind": issue.kind,
                "title": issue.title,
                "score": issue.score,
                "votes": issue.votes,
                "reach": issue.reach,
                "severity": issue.severity,
                "weight": issue.weight,
                "quick_win": issue.quick_win,
                "personas": issue.personas,
                "general": issue.general,
                "lived_experience": report.lived_experience(issue.lived_experience),
                "only_lived_experience": issue.key in report.voices.only_lived_experience,
                "effort": issue.effort,
                "owner": issue.owner,
                "timeframe": issue.timeframe,
                "action": issue.action,
                "status": issue.status or NOT_STARTED,
                "progress": issue.progress,
                "themes": issue.themes,
                "principles": issue.principles,
                "reasons": issue.reasons(),
                "tags": report.tag_objects(issue.tags),
            }
        )
    return json_for_terminals(json.dumps(items, ensure_ascii=False, indent=2)) + "\n"


def keep_json(report: Report) -> str:
    items = [
        {
            "stage": item.stage,
            "stage_label": report.stage(item.stage),
            "personas": item.personas,
            "lived_experience": report.lived_experience(item.lived_experience),
            "tags": report.tag_objects(item.tags),
        }
        for item in report.keep
    ]
    return json_for_terminals(json.dumps(items, ensure_ascii=False, indent=2)) + "\n"


def _csv(rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def issues_csv(report: Report) -> str:
    rows: list[list[object]] = [
        [
            "rank", "kind", "stage", "title", "votes", "score", "weight", "severity", "reach",
            "quick win", "personas", "raised by lived experience",
            "raised only by lived experience", "effort", "owner", "timeframe", "status",
            "notes",
        ]
    ]  # fmt: skip
    for i in report.issues:
        notes = " | ".join(t["note"] for t in report.tag_objects(i.tags) if t["note"])
        rows.append(
            [
                i.rank, KIND_WORD[i.kind], report.stage(i.stage), i.title, i.votes, i.score,
                i.weight, i.severity, i.reach, "yes" if i.quick_win else "no",
                "; ".join(report.people(i.personas, i.general)),
                report.lived_experience_cell(i.lived_experience),
                report.lived_experience_cell(i.key in report.voices.only_lived_experience),
                i.effort, i.owner, i.timeframe, i.status or NOT_STARTED, notes,
            ]
        )  # fmt: skip
    return _csv(rows)


def keep_csv(report: Report) -> str:
    rows: list[list[object]] = [["stage", "personas", "raised by lived experience", "notes"]]
    for item in report.keep:
        notes = " | ".join(t["note"] for t in report.tag_objects(item.tags) if t["note"])
        rows.append(
            [
                report.stage(item.stage),
                "; ".join(report.people(item.personas)),
                report.lived_experience_cell(item.lived_experience),
                notes,
            ]
        )
    return _csv(rows)


def plan_csv(report: Report) -> str:
    """One row per issue, in rank order, for the implementation group to fill in."""
    return _csv([list(PLAN_COLUMNS), *plan_rows(report)])


def plan_rows(report: Report) -> list[list[object]]:
    """The plan's rows (PLAN_COLUMNS), for plan.csv and plan.xlsx alike."""
    rows: list[list[object]] = []
    for i in report.issues:
        rows.append(
            [
                i.rank, i.title, report.stage(i.stage), KIND_WORD[i.kind],
                "; ".join(THEME_WORD[t] for t in i.themes), "; ".join(i.principles),
                "; ".join(report.people(i.personas, i.general)), i.votes, i.effort or "",
                "yes" if i.quick_win else "no", i.action or "", i.owner or "",
                i.timeframe or "", i.status or NOT_STARTED, i.progress or "", i.stage,
            ]
        )  # fmt: skip
    return rows


def issues_markdown(report: Report) -> str:
    event = report.content.event
    md = markdown_text
    lines = [f"# Prioritised issues: {md(event.title or report.content.pathway.title)}", ""]
    details = [md(x) for x in (event.date, event.place) if x]
    if details:
        lines += [" · ".join(details), ""]
    lines += [
        "Ranked by votes, then score (weight x severity x reach: a re-traumatisation risk "
        "weighs 3, a barrier 2; reach counts distinct personas, general tags as one more), "
        "then the stage's place in the pathway, then risk before barrier.",
        "",
    ]
    if not report.issues:
        lines += ["No barriers or re-traumatisation risks were tagged.", ""]
    for i in report.issues:
        win = " · quick win" if i.quick_win else ""
        lines += [
            f"## {i.rank}. {KIND_SYMBOL[i.kind]} {md(i.title)}",
            "",
            f"- {KIND_WORD[i.kind]} at **{md(report.stage(i.stage))}**{win}",
            f"- {md(i.reasons())}",
            f"- personas: {md(', '.join(report.people(i.personas, i.general)))}",
        ]
        plan = [
            f"effort {i.effort}" if i.effort else "",
            f"owner {i.owner}" if i.owner else "",
            f"timeframe {i.timeframe}" if i.timeframe else "",
        ]
        lines.append(f"- status: {md(i.status or NOT_STARTED)}")
        if any(plan):
            lines.append(f"- plan: {md(' · '.join(p for p in plan if p))}")
        if i.action:
            lines.append(f"- action: {markdown_lines(i.action, '  ')}")
        if i.progress:
            lines.append(f"- progress: {markdown_lines(i.progress, '  ')}")
        if i.key in report.voices.only_lived_experience:
            lines.append(f"- {ONLY_LIVED_EXPERIENCE}")
        elif i.lived_experience and report.voices.may_say("lived-experience"):
            lines.append(f"- raised by {RAISED_BY_WORD['lived-experience']} and others")
        for tag in report.tag_objects(i.tags):
            if tag["note"]:
                who = tag["persona_name"] or "general"
                note = markdown_lines(tag["note"], "    ")
                kept = ", kept in the room" if tag["kept_in_room"] else ""
                lines.append(f"  - “{note}” ({md(who)}, severity {tag['severity']}{kept})")
        lines.append("")
    lines += _voices_markdown(report)
    lines += [f"# What to keep: {KIND_SYMBOL['positive']} positive practice", ""]
    if not report.keep:
        lines += ["No positive practice was tagged.", ""]
    for item in report.keep:
        people = ", ".join(report.people(item.personas)) or "general"
        lines.append(f"- **{md(report.stage(item.stage))}** ({md(people)})")
        for tag in report.tag_objects(item.tags):
            if tag["note"]:
                lines.append(f"  - “{markdown_lines(tag['note'], '    ')}”")
    return "\n".join(lines).rstrip() + "\n"


def _voices_markdown(report: Report) -> list[str]:
    """Whose voice: each group's own top priorities, or that it is too few to show."""
    md = markdown_text
    lines = ["# Whose voice: the top priorities by who raised them", "", VOICES_RULE, ""]
    for voice in report.voices.groups:
        if voice.too_few:
            lines += [f"- **{voice_heading(voice)}**: {TOO_FEW_WORDS}"]
        elif not voice.issues:
            lines += [f"- **{voice_heading(voice)}**: no barriers or risks raised"]
        else:
            lines += [f"- **{voice_heading(voice)}**:"]
            for issue in voice.issues:
                only = (
                    f" {ONLY_LIVED_EXPERIENCE}"
                    if issue.key in report.voices.only_lived_experience
                    else ""
                )
                lines.append(
                    f"  {issue.rank}. {KIND_SYMBOL[issue.kind]} {md(issue.title)} "
                    f"(score {issue.score}){only}"
                )
    return [*lines, ""]

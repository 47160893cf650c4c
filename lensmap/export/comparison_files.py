"""compare.json, compare.md, compare.html and compare-map.svg: a baseline lens event and its
follow-up side by side (lensmap.event.comparison), for the implementation group's evidence
that something changed. The page is offline and strict, as index.html is; the map marks
each stage's change in words and symbols as well as colour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..event.comparison import ISSUE_CHANGES, KEEP_CHANGES, Comparison, Side, compare
from ..event.measures import JourneyMeasures
from ..event.plan_update import NOT_STARTED
from ..session.content import SessionContent
from ..wording.measures_words import measure_lines
from ..wording.screen_text import json_for_terminals
from ..wording.vocabulary import (
    CHANGE_SYMBOL,
    CHANGE_WORD,
    KEEP_CHANGE_SYMBOL,
    KEEP_CHANGE_WORD,
    KIND_SYMBOL,
    KIND_WORD,
)
from .escaping import markdown_lines, markdown_text
from .maps import SHAPES, _attrs, dot_string

if TYPE_CHECKING:
    pass

FORMAT = "lensmap-compare"
VERSION = 1
FILES = ("compare.json", "compare.md", "compare.html", "compare-map.svg")

# Okabe-Ito pale fills with strong borders, a line style that differs too, and the change in
# words on every stage: nothing rests on colour alone.
CHANGE_STYLE = {
    "new": ("#F5D5E8", "#CC79A7", "filled,bold", 3.0),
    "persisting": ("#FCE7C2", "#E69F00", "filled", 2.0),
    "resolved": ("#D5F0E6", "#009E73", "filled,dashed", 2.0),
    "stage_removed": ("#EEEEEE", "#777777", "filled,dotted", 1.5),
    None: ("#FFFFFF", "#555555", "filled", 1.0),
}
MOST_PRESSING = ("stage_removed", "resolved", "persisting", "new")  # the last shows first


def side(content: SessionContent) -> Side:
    return Side(
        title=content.event.title or content.pathway.title,
        date=content.event.date,
        pathway=content.pathway,
        tags=list(content.tags),
        notes={n.key: n for n in content.issues},
        journeys=list(content.journeys),
        personas=list(content.personas),
    )


def comparison(baseline: SessionContent, followup: SessionContent) -> Comparison:
    return compare(side(baseline), side(followup))


# -- compare.json ---------------------------------------------------------------------------
def compare_json(c: Comparison) -> str:
    def about(s: Side) -> dict[str, Any]:
        return {"title": s.title, "date": s.date, "pathway": s.pathway.id}

    data = {
        "format": FORMAT,
        "version": VERSION,
        "baseline": about(c.baseline),
        "followup": about(c.followup),
        "stages": {
            "added": c.added_stages,
            "removed": c.removed_stages,
            "renamed": [
                {"stage": s, "baseline_label": old, "followup_label": new}
                for s, old, new in c.renamed_stages
            ],
        },
        "issues": [
            {
                "stage": change.stage,
                "stage_label": c.label_of(change.stage),
                "kind": change.kind,
                "status": change.status,
                "baseline_rank": change.baseline.rank if change.baseline else None,
                "followup_rank": change.followup.rank if change.followup else None,
                "baseline_score": change.baseline.score if change.baseline else None,
                "followup_score": change.followup.score if change.followup else None,
            }
            for change in c.issues
        ],
        "keep": [
            {"stage": k.stage, "stage_label": c.label_of(k.stage), "status": k.status}
            for k in c.keep
        ],
        "journeys": [
            {
                "persona": j.persona,
                "name": j.name,
                "baseline": _measures(j.baseline),
                "followup": _measures(j.followup),
            }
            for j in c.journeys
        ],
        "plan": [
            {
                "stage": issue.stage,
                "kind": issue.kind,
                "status": (notes.status if notes else None) or NOT_STARTED,
                "owner": notes.owner if notes else None,
                "timeframe": notes.timeframe if notes else None,
                "action": notes.action if notes else None,
                "progress": notes.progress if notes else None,
            }
            for issue, notes in c.plan
        ],
    }
    return json_for_terminals(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def _measures(m: JourneyMeasures | None) -> dict[str, object] | None:
    if m is None:
        return None
    found = m.as_json()
    found.pop("persona")
    return found


# -- compare.md -----------------------------------------------------------------------------
def _issue_words(c: Comparison, change) -> str:
    score = "—" if change.baseline is None else str(change.baseline.score)
    later = "—" if change.followup is None else str(change.followup.score)
    return (
        f"{KIND_SYMBOL[change.kind]} {KIND_WORD[change.kind]} at "
        f"**{markdown_text(c.label_of(change.stage))}** (score {score} → {later})"
    )


def heading(c: Comparison) -> str:
    def said(s: Side) -> str:
        return s.title + (f" ({s.date})" if s.date else "")

    return f"{said(c.baseline)} → {said(c.followup)}"


def summary(c: Comparison) -> str:
    """ "Of 4 issues: 2 resolved, 1 persisting, 1 new" (and any at a stage since removed)."""
    counts = c.counts()
    said = [
        f"{counts[status]} {CHANGE_WORD[status]}"
        for status in ISSUE_CHANGES
        if counts[status] or status != "stage_removed"
    ]
    n = len(c.issues)
    return f"Of {n} issue{'s' * (n != 1)}: " + ", ".join(said)


def pathways_note(c: Comparison) -> str:
    """Said where the two sessions use different pathways (or versions of one)."""
    if c.same_pathway and not (c.added_stages or c.removed_stages or c.renamed_stages):
        return ""
    if c.same_pathway:
        return (
            "The follow-up used a newer version of the pathway: stages are matched by id, "
            "and the stages added, removed and renamed are listed at the end."
        )
    return (
        f"The two sessions use different pathways (“{c.baseline.pathway.title}” and "
        f"“{c.followup.pathway.title}”): stages are matched by id, so read each change with "
        "that in mind."
    )


def compare_markdown(c: Comparison) -> str:
    md = markdown_text
    lines = [f"# What changed: {md(heading(c))}", "", summary(c) + ".", ""]
    if pathways_note(c):
        lines += [md(pathways_note(c)), ""]
    lines += [
        "An issue is *resolved* when the baseline ranked it and the follow-up has no tags of "
        "that kind at that stage, *persisting* when both have it, and *new* when only the "
        "follow-up does.",
        "",
        "## Issues",
        "",
    ]
    for status in ISSUE_CHANGES:
        changes = [ch for ch in c.issues if ch.status == status]
        if not changes and status == "stage_removed":
            continue
        lines += [f"### {CHANGE_SYMBOL[status]} {CHANGE_WORD[status].capitalize()} "
                  f"({len(changes)})", ""]  # fmt: skip
        lines += [f"- {_issue_words(c, ch)}" for ch in changes] or ["- none"]
        lines.append("")
    lines += ["## What to keep: positive practice", ""]
    for status in KEEP_CHANGES:
        stages = [k.stage for k in c.keep if k.status == status]
        if not stages and status == "stage_removed":
            continue
        names = ", ".join(f"**{md(c.label_of(s))}**" for s in stages) or "none"
        lines.append(f"- {KEEP_CHANGE_SYMBOL[status]} {KEEP_CHANGE_WORD[status]}: {names}")
    lines += ["", "## Journeys, side by side", ""]
    if not c.journeys:
        lines += ["No journeys were walked in either session.", ""]
    for j in c.journeys:
        lines += [f"### {md(j.name)}", "", "| measure | baseline | follow-up |", "|---|---|---|"]
        for name, before, after in _measure_rows(j.baseline, j.followup):
            lines.append(f"| {md(name)} | {md(before)} | {md(after)} |")
        lines.append("")
    lines += ["## The plan, as the baseline session recorded it", ""]
    if not c.plan:
        lines += ["The baseline ranked no issues.", ""]
    for issue, notes in c.plan:
        status = (notes.status if notes else None) or NOT_STARTED
        who = [x for x in ((notes.owner, notes.timeframe) if notes else ()) if x]
        extra = f" ({md(' · '.join(who))})" if who else ""
        lines.append(f"- {KIND_SYMBOL[issue.kind]} {md(issue.title)}: **{status}**{extra}")
        if notes and notes.action:
            lines.append(f"  - action: {markdown_lines(notes.action, '    ')}")
        if notes and notes.progress:
            lines.append(f"  - progress: {markdown_lines(notes.progress, '    ')}")
    lines += ["", "## The pathway", ""]
    lines += _pathway_lines(c, md) or ["The same stages in both sessions."]
    lines.append("")
    return "\n".join(lines)


def _pathway_lines(c: Comparison, md) -> list[str]:
    lines = []
    if c.added_stages:
        names = ", ".join(md(c.label_of(s)) for s in c.added_stages)
        lines.append(f"- added since the baseline: {names}")
    if c.removed_stages:
        names = ", ".join(md(c.label_of(s)) for s in c.removed_stages)
        lines.append(f"- removed since the baseline: {names}")
    for _stage, old, new in c.renamed_stages:
        lines.append(f"- renamed: {md(old)} is now {md(new)}")
    return lines


def _measure_rows(
    before: JourneyMeasures | None, after: JourneyMeasures | None
) -> list[tuple[str, str, str]]:
    """Each measure's words and its value in each session ("not walked" where one has no
    journey), in the order the journey strip says them."""
    either = before or after
    if either is None:
        return []
    then = {key: value for key, _words, value in measure_lines(before)} if before else {}
    now = {key: value for key, _words, value in measure_lines(after)} if after else {}
    return [
        (words, then.get(key, "not walked"), now.get(key, "not walked"))
        for key, words, _value in measure_lines(either)
    ]


# -- the map --------------------------------------------------------------------------------
def compare_dot(c: Comparison) -> str:
    """The follow-up's pathway with the baseline's removed stages, each stage marked by its
    most pressing change (new, then persisting, then resolved) in words, symbol and colour."""
    by_stage: dict[str, list[str]] = {}
    worst: dict[str, str] = {}
    for change in c.issues:
        by_stage.setdefault(change.stage, []).append(
            f"{CHANGE_SYMBOL[change.status]} {CHANGE_WORD[change.status]}: "
            f"{KIND_SYMBOL[change.kind]} {KIND_WORD[change.kind]}"
        )
        held = worst.get(change.stage)
        if held is None or MOST_PRESSING.index(change.status) > MOST_PRESSING.index(held):
            worst[change.stage] = change.status
    for keep in c.keep:
        by_stage.setdefault(keep.stage, []).append(
            f"{KEEP_CHANGE_SYMBOL[keep.status]} positive practice {KEEP_CHANGE_WORD[keep.status]}"
        )
    lines = [
        "digraph lensmap_compare {",
        f"  graph [{_attrs(label='What changed: ' + heading(c), labelloc='t', fontsize=22)}, "
        'fontname="DejaVu Sans"];',
        '  node [fontname="DejaVu Sans", fontsize=14, margin="0.15,0.08"];',
        '  edge [fontname="DejaVu Sans", fontsize=10, color="#444444"];',
    ]
    stages = list(c.followup.pathway.stages)
    stages += [c.baseline.pathway.stage(s) for s in c.removed_stages]
    for stage in stages:
        fill, border, style, pen = CHANGE_STYLE[worst.get(stage.id)]
        label = [stage.label, *by_stage.get(stage.id, [])]
        if stage.id in c.added_stages:
            label.append("(a stage added since the baseline)")
        if stage.id in c.removed_stages:
            label.append("(removed since the baseline)")
            style = "filled,dotted"
        lines.append(
            f"  {dot_string(stage.id)} [{_attrs(label=chr(10).join(label))}, "
            f"{_attrs(shape=SHAPES[stage.kind], style=style, fillcolor=fill, color=border)}, "
            f"{_attrs(penwidth=pen)}];"
        )
    seen: set[tuple[str, str]] = set()
    for t in c.followup.pathway.transitions:
        if (t.from_, t.to) not in seen:
            seen.add((t.from_, t.to))
            extra = f" [{_attrs(label=t.label)}]" if t.label else ""
            lines.append(f"  {dot_string(t.from_)} -> {dot_string(t.to)}{extra};")
    drawn = {stage.id for stage in stages}
    for t in c.baseline.pathway.transitions:  # ways the follow-up's pathway no longer has
        if (t.from_, t.to) not in seen and t.from_ in drawn and t.to in drawn:
            seen.add((t.from_, t.to))
            lines.append(
                f"  {dot_string(t.from_)} -> {dot_string(t.to)} "
                f"[{_attrs(style='dotted', label='(removed)')}];"
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- compare.html ---------------------------------------------------------------------------
def compare_html(c: Comparison, svg: str) -> str:
    """The page, the map (already cleaned: report.clean_svg) inline."""
    from markupsafe import Markup

    from .report import render_page

    return render_page(
        "compare.html",
        heading=heading(c),
        summary=summary(c),
        pathways_note=pathways_note(c),
        map=Markup(svg),
        c=c,
        groups=[
            (s, CHANGE_SYMBOL[s], CHANGE_WORD[s], [ch for ch in c.issues if ch.status == s])
            for s in ISSUE_CHANGES
            if s != "stage_removed" or any(ch.status == s for ch in c.issues)
        ],
        keep=[
            (KEEP_CHANGE_SYMBOL[s], KEEP_CHANGE_WORD[s], [k.stage for k in c.keep if k.status == s])
            for s in KEEP_CHANGES
            if s != "stage_removed" or any(k.status == s for k in c.keep)
        ],
        journeys=[(j.name, _measure_rows(j.baseline, j.followup)) for j in c.journeys],
        plan=[
            (issue, (notes.status if notes else None) or NOT_STARTED, notes)
            for issue, notes in c.plan
        ],
        pathway_lines=_pathway_lines(c, str),
    )


# -- writing --------------------------------------------------------------------------------
def write_comparison(c: Comparison, folder: Path) -> list[Path]:
    """Write the four files into `folder` (made if need be), each replacing its last copy."""
    import tempfile

    from ..storage.safe_write import write_atomic
    from . import ExportFailed
    from .maps import render
    from .report import clean_svg

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportFailed.single(
            folder, f"cannot be made ({exc.strerror or exc}); choose another folder with -o"
        ) from None
    with tempfile.TemporaryDirectory(prefix="lensmap-compare-") as drawing:
        drawn = Path(drawing) / "map.svg"
        render(compare_dot(c), ("svg",), (drawn,))
        svg = clean_svg(drawn.read_bytes())  # only what Graphviz draws a map with
    files = {
        "compare.json": compare_json(c).encode("utf-8"),
        "compare.md": compare_markdown(c).encode("utf-8"),
        "compare-map.svg": svg.encode("utf-8"),
        "compare.html": compare_html(c, svg).encode("utf-8"),
    }
    for name, data in files.items():
        write_atomic(folder / name, data, replace=True)
    return [folder / name for name in files]

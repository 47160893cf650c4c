"""index.html: one self-contained offline report for the implementation group.

Everything is inline (styles, maps as SVG); a Content-Security-Policy forbids the page from
fetching anything or running any script, and every text a person typed is HTML-escaped.
It needs no script either: "show full size" is a <details> element styled with CSS."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections import Counter

from ..screen_text import shown
from ..session.content import SessionContent
from ..vocabulary import (
    KIND_SYMBOL,
    KIND_WORD,
    RAISED_BY_WORD,
    THEME_WORD,
    WINDOW_WORD,
    tag_counts,
)
from .issues_list import Report

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SVG_NS = "http://www.w3.org/2000/svg"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; padding: 0 1.5rem; color: #111;
       max-width: 72rem; line-height: 1.45; }
h1, h2, h3 { line-height: 1.2; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #333; }
.event { color: #333; } nav ol { columns: 2; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eee; } td.n { text-align: right; white-space: nowrap; }
#themes table { width: auto; min-width: 28rem; }
.map { overflow: auto; border: 1px solid #ccc; margin: .5rem 0 1rem; background: #fff; }
.map svg { max-width: 100%; height: auto; display: block; }
details.zoom summary { cursor: pointer; color: #0b5394; }
details.zoom[open] + .map { max-height: 85vh; }
details.zoom[open] + .map svg { max-width: none; }
.kind-risk td:first-child { border-left: .5rem solid #CC79A7; }
.kind-barrier td:first-child { border-left: .5rem dashed #E69F00; }
.grid { display: grid; grid-template-columns: 8rem repeat(3, 1fr); gap: .3rem; }
.grid div { border: 1px solid #bbb; padding: .3rem; min-height: 2.5rem; }
.grid .quick { border: 3px solid #0072B2; background: #D9EEFB; }
.steps li { margin: .1rem 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  nav, details.zoom, .screen { display: none; }
  .map { overflow: visible; border: none; max-height: none; }
  .map svg, details.zoom[open] + .map svg { max-width: 100%; max-height: 24cm; }
  h2 { break-after: avoid; } tr, .map, .grid { break-inside: avoid; }
  section.journey { break-before: page; }
}
"""


def e(value: object) -> str:
    """Text for the page: HTML-escaped, with no control character and with direction and
    invisible characters marked, as on screen."""
    return html.escape(shown(value, lines=True), quote=True)


def note_html(value: object) -> str:
    """A note for the page, its lines kept as lines."""
    return "<br>".join(e(line) for line in shown(value, lines=True).split("\n"))


def clean_svg(svg: bytes) -> str:
    """An engine's SVG, safe to inline: no scripts, no event handlers, no outside links."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    for parent in root.iter():
        for child in list(parent):
            if child.tag.rsplit("}", 1)[-1] in ("script", "foreignObject"):
                parent.remove(child)
        for name in list(parent.attrib):
            local = name.rsplit("}", 1)[-1]
            value = parent.attrib[name]
            if local.startswith("on") or (local == "href" and not value.startswith("#")):
                del parent.attrib[name]
    return ET.tostring(root, encoding="unicode")


def _map(svg: bytes, label: str) -> list[str]:
    return [
        '<details class="zoom"><summary>Show full size (scroll to move around)</summary></details>',
        f'<div class="map" role="img" aria-label="{e(label)}">{clean_svg(svg)}</div>',
    ]


def index_html(
    report: Report,
    svgs: dict[str, bytes],
    titles: dict[str, str],
    members: dict[str, list[str]],
) -> str:
    """The page for one session's ranked report; `members` says whose journeys each map (by
    name) shows."""
    content = report.content
    title = content.event.title or content.pathway.title
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}: lens event report</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{e(title)}</h1>",
        *_event_details(content),
        "</header>",
        "<nav><h2>Contents</h2><ol>",
        '<li><a href="#pathway">The pathway, marked by what the room found</a></li>',
        '<li><a href="#issues">Prioritised issues</a></li>',
        '<li><a href="#impact">Impact and effort: quick wins</a></li>',
        '<li><a href="#keep">What to keep</a></li>',
        '<li><a href="#themes">Tags by theme and by principle</a></li>',
        *[
            f'<li><a href="#{e(name)}">Journey: {e(titles.get(name, name))}</a></li>'
            for name in svgs
            if name != "combined"
        ],
        "</ol></nav>",
        '<section id="pathway"><h2>The pathway, marked by what the room found</h2>',
        "<p>Each stage shows its counts and is marked by its worst issue: ▲ re-traumatisation "
        "risk (bold purple border), ✗ barrier (dashed orange border), ✓ positive practice only "
        '(blue). <span class="screen">Hover over a stage to read its notes; </span>every note '
        "is also in the issues table and under what to keep.</p>",
        *_map(svgs["combined"], "The whole pathway with each stage's tag counts"),
        "</section>",
        *_issues(report),
        *_impact_effort(report),
        *_keep(report),
        *_themes(content),
    ]
    for name, svg in svgs.items():
        if name != "combined":
            out += _journey(content, members.get(name, []), titles.get(name, name), name, svg)
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _event_details(content: SessionContent) -> list[str]:
    event = content.event
    facts = [x for x in (event.date, event.place) if x]
    counts = Counter(t.kind for t in content.tags)
    walked = [j for j in content.journeys if j.steps]
    return [
        f'<p class="event">{" · ".join(e(x) for x in facts)}</p>' if facts else "",
        f"<p>Pathway: {e(content.pathway.title)} ({len(content.pathway.stages)} stages). "
        f"Personas walked: {len(walked)}. Tags: {e(tag_counts(dict(counts)))}.</p>",
    ]


def _issues(report: Report) -> list[str]:
    out = ['<section id="issues"><h2>Prioritised issues</h2>']
    if not report.issues:
        return [*out, "<p>No barriers or re-traumatisation risks were tagged.</p></section>"]
    out.append(
        "<p>Ranked by votes, then score (weight &times; severity &times; reach), then the "
        "stage's place in the pathway. Risks weigh 3, barriers 2.</p>"
    )
    out.append(
        "<table><tr><th>#</th><th>kind</th><th>stage</th><th>title</th><th>votes</th>"
        "<th>score</th><th>why it ranks here</th><th>what the room said</th>"
        "<th>plan so far</th></tr>"
    )
    for i in report.issues:
        said = "".join(_said(t) for t in report.tag_objects(i.tags) if t["note"])
        out.append(
            f'<tr class="kind-{i.kind}"><td class="n">{i.rank}</td>'
            f"<td>{KIND_SYMBOL[i.kind]} {e(KIND_WORD[i.kind])}</td>"
            f"<td>{e(report.stage(i.stage))}</td><td>{e(i.title)}</td>"
            f'<td class="n">{i.votes}</td><td class="n">{i.score}</td>'
            f"<td>{e(i.reasons())}</td><td><ul>{said}</ul></td><td>{_plan(i)}</td></tr>"
        )
    out.append("</table></section>")
    return out


def _said(tag: dict) -> str:
    """One note, with whose journey it came from and who raised it, where recorded."""
    who = f"{e(tag['persona_name'])}: " if tag["persona_name"] else ""
    raised = (
        f" <em>(raised by {e(RAISED_BY_WORD[tag['raised_by']])})</em>" if tag["raised_by"] else ""
    )
    return f"<li>{who}{note_html(tag['note'])}{raised}</li>"


def _plan(issue) -> str:
    parts = [
        f"effort {e(issue.effort)}" if issue.effort else "",
        f"owner: {e(issue.owner)}" if issue.owner else "",
        f"by: {e(issue.timeframe)}" if issue.timeframe else "",
    ]
    return "<br>".join(p for p in parts if p) or "not set yet"


def _impact_effort(report: Report) -> list[str]:
    """Severity against effort: the quick-win cells (severity 2+, effort S) are outlined."""
    out = [
        '<section id="impact"><h2>Impact and effort: quick wins</h2>',
        "<p>Each issue by its severity and the effort the group gave it. Quick wins (severity 2 "
        "or more, effort S) are in the outlined cells.</p>",
        '<div class="grid">',
        "<div></div>",
    ]
    out += [f"<div><strong>effort {x}</strong></div>" for x in ("S", "M", "L")]
    for severity in (3, 2, 1):
        out.append(f"<div><strong>severity {severity}</strong></div>")
        for effort in ("S", "M", "L"):
            cell = [i for i in report.issues if i.severity == severity and i.effort == effort]
            quick = severity >= 2 and effort == "S"
            names = "<br>".join(f"#{i.rank} {e(i.title)}" for i in cell)
            label = "<strong>quick wins:</strong><br>" if quick and cell else ""
            attrs = ' class="quick"' if quick else ""
            out.append(f"<div{attrs}>{label}{names}</div>")
    out.append("</div>")
    unset = [i for i in report.issues if not i.effort]
    if unset:
        ranks = ", ".join(f"#{i.rank}" for i in unset)
        out.append(f"<p>No effort set yet for {len(unset)} issue(s): {ranks}.</p>")
    out.append("</section>")
    return out


def _keep(report: Report) -> list[str]:
    out = [f'<section id="keep"><h2>What to keep: {KIND_SYMBOL["positive"]} positive practice</h2>']
    if not report.keep:
        return [*out, "<p>No positive practice was tagged.</p></section>"]
    out.append("<ul>")
    for item in report.keep:
        notes = "".join(
            f"<li>{note_html(t['note'])}</li>" for t in report.tag_objects(item.tags) if t["note"]
        )
        out.append(f"<li><strong>{e(report.stage(item.stage))}</strong><ul>{notes}</ul></li>")
    out.append("</ul></section>")
    return out


def _themes(content: SessionContent) -> list[str]:
    themes = Counter(t.theme for t in content.tags if t.theme)
    principles = Counter(p for t in content.tags for p in t.principles)
    out = ['<section id="themes"><h2>Tags by theme and by principle</h2>']
    for heading, counts, words in (
        ("Theme", themes, THEME_WORD),
        ("Trauma-informed principle", principles, {}),
    ):
        if not counts:
            out.append(f"<p>No tags name a {heading.lower()} yet.</p>")
            continue
        out.append(f"<table><tr><th>{heading}</th><th>tags</th></tr>")
        for key, n in counts.most_common():
            word = words.get(key, key.capitalize())
            out.append(f'<tr><td>{e(word)}</td><td class="n">{n}</td></tr>')
        out.append("</table>")
    out.append("</section>")
    return out


def _journey(
    content: SessionContent, personas: list[str], title: str, name: str, svg: bytes
) -> list[str]:
    """A journey map with its steps in words too, for reading without the picture."""
    names = {p.id: p.name for p in content.personas}
    stages = content.pathway.stages_by_id
    journeys = {j.persona: j for j in content.journeys}
    out = [f'<section class="journey" id="{e(name)}"><h2>Journey: {e(title)}</h2>']
    for persona in personas:
        journey = journeys.get(persona)
        if not journey or not journey.steps:
            continue
        out.append(f"<h3>{e(names.get(persona, persona))}</h3><ol class='steps'>")
        for step in journey.steps:
            label = stages[step.stage].label if step.stage in stages else step.stage
            window = f": {e(WINDOW_WORD[step.window])}" if step.window else ""
            out.append(f"<li>{e(label)}{window}</li>")
        out.append("</ol>")
        if journey.outcome:
            out.append(f"<p>Outcome: {e(journey.outcome)}</p>")
    out += _map(svg, f"Journey map: {title}")
    out.append("</section>")
    return out

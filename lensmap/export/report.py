"""index.html: one self-contained offline report for the implementation group.

Everything is inline (styles, maps as SVG); a Content-Security-Policy forbids the page from
fetching anything or running any script, and every text a person typed is HTML-escaped."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections import Counter

from ..session.content import SessionContent
from ..vocabulary import KIND_SYMBOL, KIND_WORD, THEME_WORD
from .issues_list import Report

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SVG_NS = "http://www.w3.org/2000/svg"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; max-width: 70rem; }
h1, h2 { line-height: 1.2; } table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
.map { overflow-x: auto; border: 1px solid #ccc; margin: 1rem 0; }
.map svg { max-width: 100%; height: auto; }
.kind-risk { border-left: .4rem solid #CC79A7; }
.kind-barrier { border-left: .4rem dashed #E69F00; }
.grid { display: grid; grid-template-columns: 8rem repeat(3, 1fr); gap: .3rem; }
.grid div { border: 1px solid #bbb; padding: .3rem; min-height: 2.5rem; }
.quick { font-weight: bold; background: #D9EEFB; }
@media print { .map { overflow: visible; } section { break-inside: avoid-page; } }
"""


def e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


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


def index_html(content: SessionContent, svgs: dict[str, bytes], titles: dict[str, str]) -> str:
    report = Report(content)
    event = content.event
    title = event.title or content.pathway.title
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{e(title)}: lens event report</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>{' · '.join(e(x) for x in (event.date, event.place, content.pathway.title) if x)}</p>",
        "<section><h2>The pathway, marked by what the room found</h2>",
        f'<div class="map">{clean_svg(svgs["combined"])}</div></section>',
    ]
    for name, svg in svgs.items():
        if name != "combined":
            out.append(f"<section><h2>Journey: {e(titles.get(name, name))}</h2>")
            out.append(f'<div class="map">{clean_svg(svg)}</div></section>')
    out.append("<section><h2>Prioritised issues</h2>")
    if report.issues:
        out.append(
            "<table><tr><th>#</th><th>kind</th><th>stage</th><th>title</th><th>votes</th>"
            "<th>why it ranks here</th><th>what the room said</th></tr>"
        )
        for i in report.issues:
            said = "".join(
                f"<li>{e(t['note'])}</li>" for t in report.tag_objects(i.tags) if t["note"]
            )
            out.append(
                f'<tr class="kind-{i.kind}"><td>{i.rank}</td>'
                f"<td>{KIND_SYMBOL[i.kind]} {e(KIND_WORD[i.kind])}</td>"
                f"<td>{e(report.stage(i.stage))}</td><td>{e(i.title)}</td><td>{i.votes}</td>"
                f"<td>{e(i.reasons())}</td><td><ul>{said}</ul></td></tr>"
            )
        out.append("</table>")
    else:
        out.append("<p>No barriers or re-traumatisation risks were tagged.</p>")
    out.append("</section>")
    out += _impact_effort(report)
    out.append(f"<section><h2>What to keep: {KIND_SYMBOL['positive']} positive practice</h2><ul>")
    for item in report.keep:
        notes = "; ".join(t["note"] for t in report.tag_objects(item.tags) if t["note"])
        out.append(f"<li><strong>{e(report.stage(item.stage))}</strong> {e(notes)}</li>")
    out.append("</ul></section>")
    themes = Counter(t.theme for t in content.tags if t.theme)
    principles = Counter(p for t in content.tags for p in t.principles)
    out.append("<section><h2>Tags by theme and principle</h2><table>")
    for theme, n in themes.most_common():
        out.append(f"<tr><td>{e(THEME_WORD[theme])}</td><td>{n}</td></tr>")
    for principle, n in principles.most_common():
        out.append(f"<tr><td>principle: {e(principle)}</td><td>{n}</td></tr>")
    out.append("</table></section></body></html>")
    return "\n".join(out) + "\n"


def _impact_effort(report: Report) -> list[str]:
    """Severity against effort: quick wins (severity 2+, effort S) stand out in bold."""
    out = ['<section><h2>Impact and effort</h2><div class="grid">', "<div></div>"]
    out += [f"<div><strong>effort {x}</strong></div>" for x in ("S", "M", "L")]
    for severity in (3, 2, 1):
        out.append(f"<div><strong>severity {severity}</strong></div>")
        for effort in ("S", "M", "L"):
            cell = [i for i in report.issues if i.severity == severity and i.effort == effort]
            quick = ' class="quick"' if severity >= 2 and effort == "S" else ""
            names = "<br>".join(f"#{i.rank} {e(i.title)}" for i in cell)
            label = "quick wins: " if quick and cell else ""
            out.append(f"<div{quick}>{label}{names}</div>")
    unset = [i for i in report.issues if not i.effort]
    out.append("</div>")
    if unset:
        out.append(f"<p>{len(unset)} issue(s) have no effort set yet.</p>")
    out.append("</section>")
    return out

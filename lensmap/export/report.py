"""index.html: one self-contained offline report for the implementation group.

Everything is inline (styles, maps as SVG); a Content-Security-Policy forbids the page from
fetching anything or running any script, and every text a person typed is HTML-escaped: the
page is templates/report.html, rendered by Jinja with autoescape on. It needs no script
either: "show full size" is a <details> element styled with CSS."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, Any

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
from .issues_list import Issue, Report

if TYPE_CHECKING:
    import jinja2

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SVG_NS = "http://www.w3.org/2000/svg"

# -- the page ---------------------------------------------------------------------------------


def index_html(
    report: Report,
    svgs: dict[str, bytes],
    titles: dict[str, str],
    members: dict[str, list[str]],
) -> str:
    """The page for one session's ranked report; `members` says whose journeys each map (by
    name) shows."""
    from markupsafe import Markup  # Jinja's own; both wait until a report is written

    content = report.content
    maps = {name: Markup(clean_svg(svg)) for name, svg in svgs.items()}  # once clean
    event = content.event
    themes = Counter(t.theme for t in content.tags if t.theme)
    principles = Counter(p for t in content.tags for p in t.principles)
    page = _template().render(
        csp=Markup(CSP),  # a constant: escaping would turn its quotes into entities
        title=event.title or content.pathway.title,
        facts=[x for x in (event.date, event.place) if x],
        pathway=content.pathway,
        walked=len([j for j in content.journeys if j.steps]),
        tag_counts=tag_counts(dict(Counter(t.kind for t in content.tags))),
        combined=maps["combined"],
        report=report,
        efforts=EFFORTS,
        grid=_grid(report),
        unset=[i for i in report.issues if not i.effort],
        themes=[
            ("Theme", _counted(themes, THEME_WORD)),
            ("Trauma-informed principle", _counted(principles, {})),
        ],
        journeys=[
            _journey(content, members.get(name, []), titles.get(name, name), name, svg)
            for name, svg in maps.items()
            if name != "combined"
        ],
    )
    # Autoescape (markupsafe) writes a quote as &#34; or &#39;; the page has always spelt
    # them as html.escape does, and what reads the file compares it. Only an escape can be
    # spelt so here: a "&" in any value comes out as "&amp;", and ElementTree writes the maps.
    return page.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


@cache
def _template() -> jinja2.Template:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lensmap.export", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails, never shows as nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["lines"] = lambda value: shown(value, lines=True).split("\n")
    env.globals.update(
        kind_symbol=KIND_SYMBOL,
        kind_word=KIND_WORD,
        raised_by_word=RAISED_BY_WORD,
        plan_parts=_plan_parts,
    )
    return env.get_template("report.html")


def _finalize(value: object) -> object:
    """Every value as it may be shown (no control character, direction and invisible
    characters marked, line breaks kept), before autoescape escapes it; markup already made
    safe goes in as it is."""
    if hasattr(value, "__html__"):
        return value
    return shown(value, lines=True)


def _plan_parts(issue: Issue) -> list[tuple[str, str]]:
    """The plan so far, as words and what the group set."""
    parts = (("effort", issue.effort), ("owner:", issue.owner), ("by:", issue.timeframe))
    return [(word, value) for word, value in parts if value]


EFFORTS = ("S", "M", "L")


def _grid(report: Report) -> list[tuple[int, list[tuple[bool, list[Issue]]]]]:
    """Severity against effort, each cell with its issues; the quick-win cells (severity 2+,
    effort S) are outlined."""
    return [
        (
            severity,
            [
                (
                    severity >= 2 and effort == "S",
                    [i for i in report.issues if i.severity == severity and i.effort == effort],
                )
                for effort in EFFORTS
            ],
        )
        for severity in (3, 2, 1)
    ]


def _counted(counts: Counter[str], words: dict[str, str]) -> list[tuple[str, int]]:
    return [(words.get(key, key.capitalize()), n) for key, n in counts.most_common()]


def _journey(
    content: SessionContent, personas: list[str], title: str, name: str, svg: object
) -> dict[str, Any]:
    """A journey map with its steps in words too, for reading without the picture."""
    names = {p.id: p.name for p in content.personas}
    stages = content.pathway.stages_by_id
    journeys = {j.persona: j for j in content.journeys}
    people = []
    for persona in personas:
        journey = journeys.get(persona)
        if not journey or not journey.steps:
            continue
        steps = [
            (
                stages[step.stage].label if step.stage in stages else step.stage,
                WINDOW_WORD[step.window] if step.window else "",
            )
            for step in journey.steps
        ]
        people.append(
            {"name": names.get(persona, persona), "steps": steps, "outcome": journey.outcome}
        )
    return {"name": name, "title": title, "people": people, "svg": svg}


# -- the maps -------------------------------------------------------------------------------


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

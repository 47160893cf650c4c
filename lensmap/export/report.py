"""index.html: one self-contained offline report for the implementation group.

Everything is inline (styles, maps as SVG); a Content-Security-Policy forbids the page from
fetching anything or running any script, and every text a person typed is HTML-escaped: the
page is templates/report.html, rendered by Jinja with autoescape on. It needs no script
either: "show full size" is a <details> element styled with CSS.

A map's SVG goes into the page as markup, so it is first cut down to what Graphviz draws a
lensmap map with (`clean_svg`): anything else in it is left out, never passed through. Each
journey's strip (journey_strip.py, drawn by lensmap itself) goes through the same cleaning.

Beside the maps the page shows what the journeys measure (lensmap.event.measures: the times
each person is asked for their story again first, the report's headline finding), what the
pathway allows (loops, stages many journeys share, stages behind a wait) and whose voice each
priority carries (lensmap.event.voices, with a group of too few tags never shown apart)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn
from xml.parsers import expat

from ..event.counts import by_kind
from ..event.measures import JourneyMeasures, measure_journey
from ..event.model import persona_names
from ..event.plan_update import NOT_STARTED
from ..event.priorities import default_title
from ..event.voices import GROUPS, TOO_FEW, Voices
from ..session.content import SessionContent
from ..wording.measures_words import (
    ONLY_LIVED_EXPERIENCE,
    TOO_FEW_WORDS,
    loop_words,
    measure_lines,
    retellings_words,
    voice_heading,
)
from ..wording.screen_text import shown
from ..wording.vocabulary import (
    KIND_SYMBOL,
    KIND_WORD,
    RAISED_BY_WORD,
    THEME_WORD,
    WINDOW_WORD,
    tag_counts,
)
from . import ExportFailed
from .issues_list import Issue, Report
from .journey_strip import journey_strip

if TYPE_CHECKING:
    import jinja2

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

STRIP_STEPS = 4
"""Steps to a line of a journey strip in the page: a printed page keeps its words readable
(the strip files in journeys/ are one line each, as long as the journey)."""
LIVED_ONLY = tuple(ONLY_LIVED_EXPERIENCE.split(" ", 1))  # the symbol, and its words

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
    maps = {  # once clean
        name: Markup(_safe_svg(f"maps/{name}.svg", svg)) for name, svg in svgs.items()
    }
    event = content.event
    voices = report.voices
    themes = Counter(t.theme for t in content.tags if t.theme)
    principles = Counter(p for t in content.tags for p in t.principles)
    page = _template().render(
        csp=Markup(CSP),  # a constant: escaping would turn its quotes into entities
        title=event.title or content.pathway.title,
        facts=[x for x in (event.date, event.place) if x],
        pathway=content.pathway,
        walked=len([j for j in content.journeys if j.steps]),
        tag_counts=tag_counts(by_kind(content.tags)),
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
        routes=_routes(report),
        voices=_voices(report, voices),
        lived_only=LIVED_ONLY,
        only_lived=voices.only_lived_experience,
        said_by=[group for group in GROUPS if voices.may_say(group)],
        too_few=TOO_FEW,
        too_few_words=TOO_FEW_WORDS,
    )
    return _quotes_as_before(page)


def _quotes_as_before(page: str) -> str:
    # Autoescape (markupsafe) writes a quote as &#34; or &#39;; the page has always spelt
    # them as html.escape does, and what reads the file compares it. Only an escape can be
    # spelt so here: a "&" in any value comes out as "&amp;", and ElementTree writes the maps.
    return page.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


def render_page(name: str, **values: object) -> str:
    """One of the offline pages in templates/ (compare.html, what_we_heard.html), made as
    index.html is: every value escaped, under the same strict Content-Security-Policy."""
    from markupsafe import Markup

    page = _environment().get_template(name).render(csp=Markup(CSP), **values)
    return _quotes_as_before(page)


def _template() -> jinja2.Template:
    return _environment().get_template("report.html")


@cache
def _environment() -> jinja2.Environment:
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
    return env


def _finalize(value: object) -> object:
    """Every value as it may be shown (no control character, direction and invisible
    characters marked, line breaks kept), before autoescape escapes it; markup already made
    safe goes in as it is."""
    if hasattr(value, "__html__"):
        return value
    return shown(value, lines=True)


def _plan_parts(issue: Issue) -> list[tuple[str, str]]:
    """The plan so far, as words and what the group set."""
    parts = (
        ("status:", issue.status or NOT_STARTED),
        ("effort", issue.effort),
        ("owner:", issue.owner),
        ("by:", issue.timeframe),
        ("action:", issue.action),
        ("progress:", issue.progress),
    )
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


def _counted(counts: Counter[Any], words: dict[str, str]) -> list[tuple[str, int]]:
    return [(words.get(key, key.capitalize()), n) for key, n in counts.most_common()]


def _journey(
    content: SessionContent, personas: list[str], title: str, name: str, svg: object
) -> dict[str, Any]:
    """A journey map with its strip, each person's measures, and their steps in words too,
    for reading without the pictures."""
    from markupsafe import Markup

    names = persona_names(content.personas)
    ways_in = {p.id: p.entry for p in content.personas}
    journeys = {j.persona: j for j in content.journeys}
    people = []
    for persona in personas:
        journey = journeys.get(persona)
        if not journey or not journey.steps:
            continue
        steps = [
            (
                content.pathway.label_of(step.stage),
                WINDOW_WORD[step.window] if step.window else "",
            )
            for step in journey.steps
        ]
        measured = measure_journey(content.pathway, journey, ways_in.get(persona))
        people.append(
            {
                "name": names.get(persona, persona),
                "steps": steps,
                "retold": retellings_words(measured.retellings),
                "measures": _measures(measured),
            }
        )
    strip = journey_strip(content, personas, title, steps_per_line=STRIP_STEPS)
    return {
        "name": name,
        "title": title,
        "people": people,
        "svg": svg,
        "strip": Markup(_safe_svg(f"journeys/{name}.svg", strip)),
    }


def _measures(m: JourneyMeasures) -> list[tuple[str, object]]:
    """A journey's measures as the page's table rows, the retellings first."""
    return [(what, value) for _measure, what, value in measure_lines(m)]


def _routes(report: Report) -> dict[str, Any]:
    """What the pathway allows, in its stages' labels: the loops (closed back to where each
    starts), the stages two or more journeys pass through, and those behind a wait."""
    pathway = report.content.pathway
    measured = report.pathway_measures
    label = pathway.label_of
    loops = [loop_words([label(s) for s in loop]) for loop in measured.loops]
    return {
        "loops": loops,
        "more": max(measured.loops_found - len(loops), 0),
        "busy": [(label(b.stage), b.journeys) for b in measured.busy],
        "behind_a_wait": [label(s) for s in measured.behind_a_wait],
    }


def _voices(report: Report, voices: Voices) -> list[dict[str, Any]]:
    """Each group's top priorities by its own tags, each with where it ranks overall; a group
    of too few tags is only said to be so (never how many it has)."""
    pathway = report.content.pathway
    overall = {issue.key: issue.rank for issue in report.issues}
    groups = []
    for voice in voices.groups:
        issues = []
        for issue in voice.issues:
            custom = issue.title != default_title(pathway, issue.stage, issue.kind)
            where = f"{KIND_WORD[issue.kind]} at {pathway.label_of(issue.stage)}"
            issues.append(
                {
                    "kind": issue.kind,
                    "title": issue.title,
                    "where": where if custom else "",
                    "overall": overall.get(issue.key),
                    "only_lived": issue.key in voices.only_lived_experience,
                }
            )
        groups.append(
            {
                "heading": voice_heading(voice),
                "too_few": voice.too_few,
                "issues": issues,
            }
        )
    return groups


# -- the maps -------------------------------------------------------------------------------

# What Graphviz draws a lensmap map with, as the system's dot (2.43 here) and graphviz-pure
# write it, and three plain shapes more. Nothing that runs, animates, styles, embeds or
# defines anything: no script, style, set, animate*, foreignObject, image, use, defs.
SVG_ELEMENTS = frozenset(
    {"svg", "g", "title", "a", "text", "path", "polygon", "polyline", "ellipse", "circle",
     "rect", "line"}
)  # fmt: skip
SVG_ATTRIBUTES = frozenset(
    {"width", "height", "viewBox", "id", "class", "transform", "points", "d",
     "x", "y", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2",
     "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity",
     "font-family", "font-size", "font-weight", "font-style", "text-anchor",
     f"{{{XML_NS}}}space"}
)  # fmt: skip
TOOLTIP = f"{{{XLINK_NS}}}title"  # a stage's notes: text, shown as text
HREFS = frozenset({"href", f"{{{XLINK_NS}}}href"})  # kept only as a link within the page
# A value that could fetch or reach out: url(...), or a CSS escape that could spell it.
_REACHES_OUT = re.compile(r"url\s*\(|\\", re.IGNORECASE)


def clean_svg(svg: bytes) -> str:
    """An engine's SVG, safe to inline: only the elements and attributes a map is drawn with
    (anything else is left out with all it holds), no event handler, no link but to a place
    in the page, no DTD, entity, comment or processing instruction.

    Raises ValueError for an SVG that cannot be read safely: not well-formed, not an <svg>,
    or declaring a DTD of its own (entities, or attributes every element would get)."""
    root = _parse(svg)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValueError("is not an SVG drawing")
    todo = [root]
    while todo:
        element = todo.pop()
        for name in list(element.attrib):
            if not _attribute_kept(name, element.attrib[name]):
                del element.attrib[name]
        before = None  # the last child kept, which takes on the text after one left out
        for child in list(element):
            namespace, _, local = child.tag.rpartition("}")
            if namespace == "{" + SVG_NS and local in SVG_ELEMENTS:
                todo.append(child)
                before = child
                continue
            if child.tail:
                if before is None:
                    element.text = (element.text or "") + child.tail
                else:
                    before.tail = (before.tail or "") + child.tail
            element.remove(child)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def _attribute_kept(name: str, value: str) -> bool:
    if name == TOOLTIP:
        return True
    if name in HREFS:
        return value.startswith("#")
    return name in SVG_ATTRIBUTES and not _REACHES_OUT.search(value)


def _parse(svg: bytes) -> ET.Element:
    """The SVG as ElementTree reads it, with the care of defusedxml: a DTD of its own is
    refused, an entity reference is left out (never expanded, never fetched), and comments
    and processing instructions are dropped."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.ordered_attributes = True

    def qualified(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(tag: str, attrs: list[str]) -> None:
        pairs = zip(attrs[::2], attrs[1::2], strict=True)  # expat's [name, value, name, ...]
        builder.start(qualified(tag), {qualified(k): v for k, v in pairs})

    def doctype(_name: str, _system: str | None, _public: str | None, own_subset: bool) -> None:
        if own_subset:
            refuse()

    def refuse(*_args: object) -> NoReturn:
        raise ValueError("declares a DTD of its own (entities, or attributes to add)")

    def refuse_reference(*_args: object) -> int:  # expat's handler returns a status
        refuse()

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(qualified(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = doctype  # Graphviz's names the SVG 1.1 DTD, unread
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse_reference
    # Anything else (comments, processing instructions, the XML declaration, a reference to
    # an entity the DTD it names might define) goes here and is dropped. Having this handler
    # also keeps expat from expanding entities in the text.
    parser.DefaultHandler = lambda _text: None
    try:
        parser.Parse(svg, True)
    except expat.ExpatError as exc:
        raise ValueError(f"is not well-formed XML ({exc})") from None
    return builder.close()


def _safe_svg(file: str, svg: bytes) -> str:
    try:
        return clean_svg(svg)
    except ValueError as exc:
        raise ExportFailed.single(file, f"cannot go into index.html: it {exc}") from None

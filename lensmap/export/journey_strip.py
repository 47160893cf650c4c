"""The journey strip: one persona's journey (or a team's, one persona above the other) as an
SVG drawing, the steps left to right.

Each step is a column: its number, its stage and the service that delivers it, the window of
tolerance as a line through three bands (hyper-aroused above, within the window, hypo-aroused
below), what the step meant for the person (asked for their story again, a handoff to another
service, a wait, a jump, a return) and the persona's tags at that stage. A step with no window
recorded is a gap in the line: it is broken there, never drawn through as a guess.

Meaning is never carried by colour alone: every band has its words, every marker its symbol
and words, every tag its symbol and kind. Every text is what the room wrote, shown as on
screen (`shown`: no control character, direction and invisible characters marked) and escaped
by ElementTree as it writes the drawing; nothing is built by joining strings of markup. The
drawing uses only what `lensmap.export.report.clean_svg` keeps, so it goes into index.html
whole."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..event.measures import JourneyStep, journey_steps
from ..event.model import Tag
from ..event.voices import GROUPS, whose_voices
from ..session.content import SessionContent
from ..wording.measures_words import retellings_words
from ..wording.screen_text import shown
from ..wording.vocabulary import (
    KIND_SYMBOL,
    KIND_WORD,
    NO_WINDOW,
    RAISED_BY_WORD,
    STEP_FACT_MEANING,
    STEP_FACT_SYMBOL,
    STEP_FACT_WORD,
    STEP_FACTS,
    WINDOW_BAND,
    WINDOW_SHORT,
    WINDOW_SYMBOL,
    WINDOW_WORD,
)

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Segoe UI, Helvetica Neue, Arial, sans-serif"

# Colours: text is near-black (or white on the line's own blue), at least 4.5:1 on every fill
# it sits on (tests/test_journey_strip_svg.py checks each pair).
TEXT = "#111111"
QUIET = "#333333"  # services, the gap's words, the key
PAPER = "#FFFFFF"
LINE = "#0072B2"  # Okabe-Ito blue
RULE = "#8C8C8C"  # the lines between columns (not text)
BANDS = {"hyper": "#FBE3C0", "within": "#DCEFE3", "hypo": "#E6E2F3"}
"""Pale fills for the three bands, top to bottom; each band also says what it is in words."""
BAND_ORDER = ("hyper", "within", "hypo")
BAND_LABEL = {
    band: (f"{WINDOW_SYMBOL[band]} {WINDOW_BAND[band]}", f"({WINDOW_SHORT[band]})")
    for band in ("hyper", "within", "hypo")
}

# What a step meant, each with a symbol and words (the headline finding first).
FACTS = tuple((fact, STEP_FACT_SYMBOL[fact], STEP_FACT_WORD[fact]) for fact in STEP_FACTS)
FACT_MEANING = STEP_FACT_MEANING
KINDS = ("risk", "barrier", "positive")  # the worst first
TIMES = "\N{MULTIPLICATION SIGN}"  # a count of tags: "▲ re-traumatisation risk" and this, 2

# Sizes in drawing units (CSS pixels when shown at its own size). The smallest text is 13, as
# large as the report's own small print; index.html shows a few steps to a line, so that a
# printed page keeps them readable.
MARGIN = 16
LABELS = 150  # the band labels, left of the first column
COLUMN = 170
PAD = 8  # inside a column, each side
NAME_SIZE, TITLE_SIZE = 18, 20
STEP_SIZE, STAGE_SIZE, SMALL_SIZE = 14, 15, 13
STAGE_CHARS, SMALL_CHARS = 17, 20  # about what fits across a column at each size
STAGE_LINES, SERVICE_LINES = 3, 3
LEADING = {STAGE_SIZE: 18, SMALL_SIZE: 17}
HEAD = 20 + STAGE_LINES * 18 + 10 + SERVICE_LINES * 17 + 12  # step number, stage, service
BAND = 46
MARK = 10  # a marker's radius
INDENT = 16  # a second line of a marker's words, under the words, not the symbol


@dataclass(frozen=True)
class _Person:
    name: str
    outcome: str | None
    steps: list[JourneyStep]
    tags: dict[str, list[Tag]]  # by stage
    said_by: frozenset[str]
    """The groups whose tags may say who raised them (not those too few to show)."""


def journey_strip(
    content: SessionContent,
    personas: Sequence[str],
    title: str,
    *,
    steps_per_line: int | None = None,
) -> bytes:
    """The strip of the walked journeys of `personas` (one above the other), headed `title`
    unless it is the one persona's name, as a UTF-8 SVG document. `steps_per_line` breaks a
    long journey into lines of that many steps, as text is (index.html does, for reading and
    printing); without it each journey is one line, as long as it needs."""
    people = _people(content, personas)
    lines = [
        (person, chunk, first)
        for person in people
        for chunk, first in _chunks(person.steps, steps_per_line)
    ]
    widest = max((len(chunk) for _, chunk, _ in lines), default=1)
    width = 2 * MARGIN + LABELS + max(widest, 1) * COLUMN
    svg = ET.Element("svg", {"xmlns": SVG_NS, "font-family": FONT})
    ET.SubElement(svg, "title").text = _summary(people, title)
    ET.SubElement(svg, "rect", _attrs(x=0, y=0, width="100%", height="100%", fill=PAPER))
    y: float = MARGIN
    if len(people) != 1 or people[0].name != title:  # a team's, even with one walked yet
        heading = _wrap(shown(f"Journeys: {title}"), _fits(width, TITLE_SIZE), 1)[0]
        _text(svg, MARGIN, y + TITLE_SIZE, heading, TITLE_SIZE, bold=True)
        y += TITLE_SIZE + 16
    if not people:
        y += 6
        _text(svg, MARGIN, y + SMALL_SIZE, "No journey walked yet.", SMALL_SIZE)
        y += SMALL_SIZE + 10
    for person, chunk, first in lines:
        if first:
            y = _heading(svg, person, y, width)
        y = _line(svg, content, person, chunk, y, continued=not first)
    y = _key(svg, y, width)
    svg.set("width", _number(width))
    svg.set("height", _number(y + MARGIN))
    svg.set("viewBox", f"0 0 {_number(width)} {_number(y + MARGIN)}")
    return ET.tostring(svg, encoding="utf-8", xml_declaration=True) + b"\n"


def _people(content: SessionContent, personas: Sequence[str]) -> list[_Person]:
    by_id = {p.id: p for p in content.personas}
    journeys = {j.persona: j for j in content.journeys}
    voices = whose_voices(content.pathway, content.tags)
    said_by = frozenset(group for group in GROUPS if voices.may_say(group))
    people = []
    for persona_id in personas:
        journey = journeys.get(persona_id)
        if journey is None or not journey.steps:
            continue
        persona = by_id.get(persona_id)
        tags: dict[str, list[Tag]] = {}
        for tag in content.tags:
            if tag.persona == persona_id:
                tags.setdefault(tag.stage, []).append(tag)
        people.append(
            _Person(
                name=persona.name if persona else persona_id,
                outcome=journey.outcome,
                steps=journey_steps(content.pathway, journey, persona.entry if persona else None),
                tags=tags,
                said_by=said_by,
            )
        )
    return people


def _chunks(steps: list[JourneyStep], per_line: int | None) -> list[tuple[list[JourneyStep], bool]]:
    if not per_line or per_line <= 0 or len(steps) <= per_line:
        return [(steps, True)]
    lines = -(-len(steps) // per_line)
    size = -(-len(steps) // lines)  # lines as even as can be: 5 steps at 4 a line are 3 and 2
    return [(steps[i : i + size], i == 0) for i in range(0, len(steps), size)]


def _summary(people: list[_Person], title: str) -> str:
    """The drawing's accessible name: whose journeys, and the headline numbers in words."""
    parts = []
    for person in people:
        retold = sum(s.retelling for s in person.steps)
        outside = sum(s.outside_window for s in person.steps)
        parts.append(
            f"{person.name}: {_count(len(person.steps), 'step')}, "
            f"{retellings_words(retold).lower()}, {_count(outside, 'step')} outside the "
            "window of tolerance"
        )
    said = "; ".join(parts) if parts else "no journey walked yet"
    return shown(f"Journey strip for {title}. {said}.")


def _heading(svg: ET.Element, person: _Person, y: float, width: float) -> float:
    """A persona's name, and the outcome of their journey: one line each, as wide as the
    strip (shortened with … and whole in the tooltip)."""
    heading = ET.SubElement(svg, "g", {"class": "strip-person"})
    name = shown(person.name)
    outcome = f"Outcome: {shown(person.outcome)}" if person.outcome else ""
    ET.SubElement(heading, "title").text = f"{name}. {outcome}" if outcome else name
    y += 8
    name_line = _wrap(name, _fits(width, NAME_SIZE, bold=True), 1)[0]
    _text(heading, MARGIN, y + NAME_SIZE, name_line, NAME_SIZE, bold=True)
    y += NAME_SIZE + 6
    if outcome:
        y += 4
        _text(heading, MARGIN, y + SMALL_SIZE, _wrap(outcome, _fits(width, SMALL_SIZE), 1)[0],
              SMALL_SIZE)  # fmt: skip
        y += SMALL_SIZE + 2
    return y + 6


def _fits(width: float, size: int, *, bold: bool = False) -> int:
    """About how many characters of text of this size fit across the strip."""
    return max(int((width - 2 * MARGIN) / (size * (0.66 if bold else 0.6))), 10)


def _line(
    svg: ET.Element,
    content: SessionContent,
    person: _Person,
    steps: list[JourneyStep],
    top: float,
    *,
    continued: bool = False,
) -> float:
    """One line of steps: the bands, the window line, then each step's column; a line that
    goes on from the one above says so (its window line starts afresh, as a new line of text
    does: that break is not a gap)."""
    pathway = content.pathway
    left = MARGIN + LABELS
    width = LABELS + len(steps) * COLUMN
    bands = top + HEAD
    band_y = {band: bands + i * BAND for i, band in enumerate(BAND_ORDER)}
    first_visit: dict[str, int] = {}
    for step in person.steps:
        first_visit.setdefault(step.stage, step.number)
    facts = {s.number: _facts(s) for s in steps}
    tags = {s.number: _tag_lines(person, s, first_visit) for s in steps}
    facts_height = max((len(lines) for lines in facts.values()), default=0) * LEADING[SMALL_SIZE]
    tags_height = max((len(t[0]) for t in tags.values()), default=0) * LEADING[SMALL_SIZE]
    bottom = bands + 3 * BAND + 14 + facts_height + (10 if tags_height else 0) + tags_height

    drawing = ET.SubElement(svg, "g", {"class": "strip-line"})
    if continued:
        for n, words in enumerate(_wrap(f"{shown(person.name)}, continued", SMALL_CHARS, 2)):
            _text(drawing, MARGIN, top + 20 + n * LEADING[SMALL_SIZE], words, SMALL_SIZE,
                  bold=True)  # fmt: skip
    for band in BAND_ORDER:
        ET.SubElement(
            drawing,
            "rect",
            _attrs(x=MARGIN, y=band_y[band], width=width, height=BAND, fill=BANDS[band])
            | {"class": f"strip-band strip-band-{band}"},
        )
        for n, words in enumerate(BAND_LABEL[band]):
            _text(drawing, MARGIN + 6, band_y[band] + 19 + n * 16, words, SMALL_SIZE, fill=TEXT)
    for n in range(len(steps) + 1):
        x = left + n * COLUMN
        ET.SubElement(
            drawing,
            "line",
            _attrs(x1=x, y1=top + 4, x2=x, y2=bottom, stroke=RULE, stroke_width=1),
        )

    place = {step.number: n for n, step in enumerate(steps)}

    def centre(step: JourneyStep) -> tuple[float, float]:
        x = left + (place[step.number] + 0.5) * COLUMN
        return x, band_y[step.window or "within"] + BAND / 2

    # The window line: one polyline for each run of steps with a window recorded, so a step
    # without one leaves a gap (and a run of one step is its marker alone).
    runs: list[list[JourneyStep]] = [[]]
    for step in steps:
        if step.window is None:
            runs.append([])
        else:
            runs[-1].append(step)
    for run in runs:
        if len(run) >= 2:
            points = " ".join(f"{_number(x)},{_number(y)}" for x, y in map(centre, run))
            ET.SubElement(
                drawing,
                "polyline",
                {"class": "strip-window-line", "points": points, "fill": "none"}
                | _attrs(stroke=LINE, stroke_width=4),
            )

    for step in steps:
        stage = pathway.stages_by_id.get(step.stage)
        label = shown(pathway.label_of(step.stage))
        service = shown(stage.service) if stage and stage.service else ""
        x = left + place[step.number] * COLUMN
        middle = x + COLUMN / 2
        column = ET.SubElement(drawing, "g", {"class": "strip-step"})
        ET.SubElement(column, "title").text = _step_title(step, label, service, person)
        _text(column, x + PAD, top + 20, f"Step {step.number}", STEP_SIZE, bold=True)
        y = top + 20
        for words in _wrap(label, STAGE_CHARS, STAGE_LINES):
            y += LEADING[STAGE_SIZE]
            _text(column, x + PAD, y + 4, words, STAGE_SIZE)
        y = top + 20 + STAGE_LINES * LEADING[STAGE_SIZE] + 10
        for words in _wrap(service, SMALL_CHARS, SERVICE_LINES) if service else []:
            y += LEADING[SMALL_SIZE]
            _text(column, x + PAD, y, words, SMALL_SIZE, fill=QUIET)
        if step.window is None:
            gap = ET.SubElement(column, "g", {"class": "strip-gap"})
            within = band_y["within"]
            for n, words in enumerate(NO_WINDOW.rsplit(" ", 1)):
                _text(gap, middle, within + 19 + n * 16, words, SMALL_SIZE, fill=QUIET,
                      italic=True, anchor="middle")  # fmt: skip
        else:
            cx, cy = centre(step)
            marker = ET.SubElement(column, "g", {"class": "strip-window-marker"})
            ET.SubElement(
                marker,
                "circle",
                _attrs(cx=cx, cy=cy, r=MARK, fill=LINE, stroke=PAPER, stroke_width=2),
            )
            _text(marker, cx, cy + 5, WINDOW_SYMBOL[step.window], SMALL_SIZE, fill=PAPER,
                  bold=True, anchor="middle")  # fmt: skip
        y = bands + 3 * BAND + 14
        if facts[step.number]:
            said = ET.SubElement(column, "g", {"class": "strip-facts"})
            for words, bold, indented in facts[step.number]:
                y += LEADING[SMALL_SIZE]
                indent = INDENT if indented else 0
                _text(said, x + PAD + indent, y - 4, words, SMALL_SIZE, bold=bold)
        y = bands + 3 * BAND + 14 + facts_height + 10
        lines, notes = tags[step.number]
        if lines:
            tagged = ET.SubElement(column, "g", {"class": "strip-tags"})
            if notes:
                ET.SubElement(tagged, "title").text = notes
            for words in lines:
                y += LEADING[SMALL_SIZE]
                _text(tagged, x + PAD, y - 4, words, SMALL_SIZE)
    return bottom + 12


def _facts(step: JourneyStep) -> list[tuple[str, bool, bool]]:
    """The marker lines under a step: symbol and words (a second line indented under the
    words), the retelling in bold."""
    lines = []
    for fact, symbol, words in FACTS:
        if getattr(step, fact):
            for n, part in enumerate(_wrap(f"{symbol} {words}", SMALL_CHARS - 1, 2)):
                lines.append((part, fact == "retelling", n > 0))
    return lines


def _tag_lines(
    person: _Person, step: JourneyStep, first_visit: dict[str, int]
) -> tuple[list[str], str]:
    """The persona's tags at the step's stage, as symbol and word with a count when several,
    and their notes (for the tooltip). A stage visited again points back to its first visit,
    so that no tag is counted twice."""
    tags = person.tags.get(step.stage, [])
    if not tags:
        return [], ""
    if first_visit[step.stage] != step.number:
        return _wrap(f"tags: see step {first_visit[step.stage]}", SMALL_CHARS, 2), ""
    counts: Counter[str] = Counter(t.kind for t in tags)
    lines = []
    for kind in KINDS:
        if counts[kind]:
            many = f" {TIMES}{counts[kind]}" if counts[kind] > 1 else ""
            lines += _wrap(f"{KIND_SYMBOL[kind]} {KIND_WORD[kind]}{many}", SMALL_CHARS, 2)
    notes = []
    for tag in sorted(tags, key=lambda t: KINDS.index(t.kind)):
        about = [f"severity {tag.severity}"] if tag.kind != "positive" else []
        if tag.raised_by in person.said_by:
            about.append(f"raised by {RAISED_BY_WORD[tag.raised_by]}")
        note = shown(tag.note, lines=True) if tag.note else "(no note)"
        extra = f" ({', '.join(about)})" if about else ""
        notes.append(f"{KIND_SYMBOL[tag.kind]} {KIND_WORD[tag.kind]}: {note}{extra}")
    return lines, "\n".join(notes)


def _step_title(step: JourneyStep, label: str, service: str, person: _Person) -> str:
    """Everything about a step in words, for a tooltip and for reading without the picture."""
    window = WINDOW_WORD[step.window] if step.window else NO_WINDOW
    parts = [f"{shown(person.name)}, step {step.number}: {label}"]
    if service:
        parts.append(f"service: {service}")
    parts.append(window)
    parts += [FACT_MEANING[fact] for fact, _, _ in FACTS if getattr(step, fact)]
    return "; ".join(parts)


def _key(svg: ET.Element, y: float, width: float) -> float:
    """What each symbol means, under the strips."""
    entries = [
        f"{WINDOW_SYMBOL['hyper']} {WINDOW_SYMBOL['within']} {WINDOW_SYMBOL['hypo']} the window "
        "of tolerance at each step (a gap where none was recorded)",
        *(f"{symbol} {FACT_MEANING[fact]}" for fact, symbol, _ in FACTS),
        f"{KIND_SYMBOL['risk']} {KIND_SYMBOL['barrier']} {KIND_SYMBOL['positive']} the "
        f"persona's tags at that stage ({TIMES}2: two of them)",
    ]
    key = ET.SubElement(svg, "g", {"class": "strip-key"})
    chars = max(_fits(width, SMALL_SIZE), 30)
    y += 8
    _text(key, MARGIN, y + SMALL_SIZE, "Key", SMALL_SIZE, bold=True)
    y += SMALL_SIZE + 4
    lines: list[str] = []
    for entry in entries:  # whole entries to a line where they fit
        if lines and len(lines[-1]) + 3 + len(entry) <= chars:
            lines[-1] += f" · {entry}"
        else:
            lines += textwrap.wrap(entry, chars, break_on_hyphens=False)
    for line in lines:
        y += LEADING[SMALL_SIZE]
        _text(key, MARGIN, y, line, SMALL_SIZE, fill=QUIET)
    return y


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """Text broken at spaces into at most `lines` lines of about `width` characters, the last
    ending in … when it is longer."""
    parts = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    if len(parts) <= lines:
        return parts
    kept = parts[:lines]
    kept[-1] = kept[-1][: width - 1].rstrip() + "…"
    return kept


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(**attrs: object) -> dict[str, str]:
    return {
        key.replace("_", "-"): _number(value) if isinstance(value, int | float) else str(value)
        for key, value in attrs.items()
    }


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    words: str,
    size: int,
    *,
    fill: str = TEXT,
    bold: bool = False,
    italic: bool = False,
    anchor: str | None = None,
) -> ET.Element:
    attrs = _attrs(x=x, y=y, font_size=size, fill=fill)
    if bold:
        attrs["font-weight"] = "bold"
    if italic:
        attrs["font-style"] = "italic"
    if anchor:
        attrs["text-anchor"] = anchor
    element = ET.SubElement(parent, "text", attrs)
    element.text = words
    return element

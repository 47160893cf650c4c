"""The journey strip: a persona's steps left to right, each with its stage and service, the
window of tolerance drawn as a line through three bands, what the step meant for them, and
the tags there; for a team, its personas one above the other.

Drawn as text, line by line (Textual's line API), rather than by a plotting library: a chart
of braille dots cannot put words in its bands or the tags under each step, and is hard to
read on a projector. The names of the bands stay at the left while the steps scroll under
them. A step with no window recorded has nothing in the bands (a gap, not a guess), and no
line is drawn across it.

Every text from a file or typed by the room goes through `shown` and is drawn as plain text."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...event.measures import JourneyMeasures, journey_steps, measure_journey
from ...event.model import Journey
from ...session.state import SessionState
from ...wording.describe import persona_name, stage_label, team_name
from ...wording.screen_text import shown
from ...wording.vocabulary import (
    KIND_SHORT,
    KIND_SYMBOL,
    NO_WINDOW,
    STEP_FACT_SYMBOL,
    STEP_FACT_WORD,
    STEP_FACTS,
    WINDOW_BAND,
    WINDOW_SYMBOL,
)

COLUMN = 20
"""Cells per step: a rule, then its words with a space either side."""
WORDS = COLUMN - 3
MARKER_AT = COLUMN // 2
"""Where in its column a step's mark in the bands is drawn."""
TITLE_LINES, SERVICE_LINES, NOTE_LINES = 3, 3, 3
"""At most this many lines for a stage's name, its service and a tag's note (the map's
stage panel shows them in full)."""

BANDS = ("hyper", "within", "hypo")
"""Top to bottom: hyper-aroused above the window of tolerance, hypo-aroused below it."""
BAND_LABEL = {band: f"{WINDOW_SYMBOL[band]} {WINDOW_BAND[band]}" for band in BANDS}
MARKER = "●"
"""A step's window; heavy lines join it to the next step's (thin ones are lost on a wall)."""

MARK = {
    "here": "◆ here now",
    **{fact: f"{STEP_FACT_SYMBOL[fact]} {STEP_FACT_WORD[fact]}" for fact in STEP_FACTS},
    "no_window": f"○ {NO_WINDOW}",
}
"""What a step meant, in a symbol and words, as the strip marks it under the bands (the
symbols the exported strip uses; its words, where they fit in a column)."""
SECTION = {
    "title": "Stage",
    "service": "Service",
    "marks": "At this step",
    "tags": "Tags",
}
LABEL_WIDTH = 1 + max(len(label) for label in (*BAND_LABEL.values(), *SECTION.values()))


@dataclass(frozen=True)
class StepColumn:
    """One step as the strip draws it: every text already made safe to show."""

    number: int
    stage: str
    service: str
    window: str | None
    retelling: bool
    """The person is asked for their story again here."""
    marks: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    """(kind, note) for each of the persona's tags at this step's stage, in the order made;
    only at the stage's first visit (a tag is about a stage, not a visit)."""
    tags_seen_at: int | None = None
    """For a later visit to a tagged stage: the step where its tags are shown."""


@dataclass(frozen=True)
class PersonaJourney:
    """A persona's journey for the strip, and its measures beside it."""

    persona: str
    name: str
    team: str
    steps: tuple[StepColumn, ...]
    measures: JourneyMeasures
    outcome: str | None


def persona_journey(state: SessionState, persona: str) -> PersonaJourney:
    """The persona's journey read from the session, with the facts the core finds at each
    step (the same reading the measures count, so the two never disagree)."""
    pathway = state.pathway
    who = state.personas.get(persona)
    way_in = who.entry if who else None
    journey = state.journeys.get(persona) or Journey(persona=persona)
    facts = journey_steps(pathway, journey, way_in)
    ongoing = journey.outcome is None
    tags_at: dict[str, list[tuple[str, str]]] = {}
    for tag in state.tags.values():
        if tag.persona == persona:
            tags_at.setdefault(tag.stage, []).append((tag.kind, shown(tag.note, lines=True)))
    first_visit: dict[str, int] = {}
    columns = []
    for fact in facts:
        first = first_visit.setdefault(fact.stage, fact.number)
        stage = pathway.stages_by_id.get(fact.stage)
        marks = [MARK[name] for name in STEP_FACTS if getattr(fact, name)]
        if fact.window is None:
            marks.append(MARK["no_window"])
        if ongoing and fact.number == len(facts):
            marks.insert(0, MARK["here"])
        # A tag is about a stage, not a visit: shown at the first visit, pointed to after.
        tags = tuple(tags_at.get(fact.stage, ())) if first == fact.number else ()
        seen_at = first if first != fact.number and fact.stage in tags_at else None
        columns.append(
            StepColumn(
                number=fact.number,
                stage=stage_label(state, fact.stage),
                service=shown(stage.service) if stage and stage.service else "",
                window=fact.window,
                retelling=fact.retelling,
                marks=tuple(marks),
                tags=tags,
                tags_seen_at=seen_at,
            )
        )
    return PersonaJourney(
        persona=persona,
        name=persona_name(state, persona),
        team=team_name(state, who.team) if who else "",
        steps=tuple(columns),
        measures=measure_journey(pathway, journey, way_in, facts),
        outcome=shown(journey.outcome) if journey.outcome is not None else None,
    )


def wrapped(text: str, width: int, most: int) -> list[str]:
    """`text` in lines of at most `width` cells, no more than `most` of them (the last one
    ending in … when there was more)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        cuts = [0, *divide_line(paragraph, width, fold=True), len(paragraph)]
        lines += [paragraph[a:b].rstrip() for a, b in pairwise(cuts) if a < b]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = set_cell_size(lines[-1], width - 1).rstrip() + "…"
    return lines


Piece = tuple[str, str]
"""Some text and the name of its style (a component class without its prefix)."""


@dataclass(frozen=True)
class Row:
    """One line of the strip: its label at the left, which stays put, and the steps' part,
    which scrolls. A heading spans the whole width and does not scroll."""

    left: tuple[Piece, ...]
    body: tuple[Piece, ...] = ()
    heading: PersonaJourney | None = None


def journey_rows(journeys: list[PersonaJourney]) -> tuple[list[Row], int]:
    """Every line of the strip, and the width of the steps' part (the widest journey's)."""
    steps = max((len(j.steps) for j in journeys), default=0)
    width = steps * COLUMN + 1
    rows: list[Row] = []
    for index, journey in enumerate(journeys):
        if index:
            rows.append(Row(()))
        rows.append(Row((), heading=journey))
        if not journey.steps:
            words = f" Not started yet: on the map, s chooses {journey.name}, n or Enter moves."
            rows.append(Row(((words, "section"),)))
            continue
        rows += _text_rows(journey, width)
    return rows, width


def _label(text: str, style: str) -> tuple[Piece, ...]:
    return ((set_cell_size(" " + text, LABEL_WIDTH), style),)


def _section(name: str, columns: list[list[tuple[str, str]]], width: int, style: str) -> list[Row]:
    """A section of the strip: each step's lines under it, at least one line."""
    height = max([1, *(len(lines) for lines in columns)])
    rows = []
    for line in range(height):
        left = _label(SECTION[name] if line == 0 else "", "section")
        body: list[Piece] = []
        for lines in columns:
            text, look = lines[line] if line < len(lines) else ("", style)
            body += [("│", "rule"), (" " + set_cell_size(text, WORDS) + " ", look)]
        body.append(("│", "rule"))
        used = sum(cell_len(text) for text, _ in body)
        if used < width:
            body.append((" " * (width - used), "base"))
        rows.append(Row(left, tuple(body)))
    return rows


def _text_rows(journey: PersonaJourney, width: int) -> list[Row]:
    titles = [
        [(line, "title") for line in wrapped(f"{s.number} {s.stage}", WORDS, TITLE_LINES)]
        for s in journey.steps
    ]
    services = [
        [(line, "service") for line in wrapped(s.service, WORDS, SERVICE_LINES)]
        for s in journey.steps
    ]
    marks = [[(mark, "mark") for mark in s.marks] for s in journey.steps]
    tags = []
    for step in journey.steps:
        lines = []
        for kind, note in step.tags:
            lines.append((f"{KIND_SYMBOL[kind]} {KIND_SHORT[kind]}", kind))
            lines += [(line, "note") for line in wrapped(note, WORDS, NOTE_LINES)]
        if step.tags_seen_at is not None:
            lines.append((f"see step {step.tags_seen_at}", "note"))
        tags.append(lines)
    return [
        *_section("title", titles, width, "title"),
        *_section("service", services, width, "service"),
        *_band_rows(journey, width),
        *_section("marks", marks, width, "mark"),
        *_section("tags", tags, width, "note"),
    ]


def _band_rows(journey: PersonaJourney, width: int) -> list[Row]:
    """The three bands, with a mark at each step's window and a line joining two steps next
    to each other that both have one."""
    cells = [[" "] * width for _ in BANDS]
    drawn = [[False] * width for _ in BANDS]

    def put(band: int, x: int, ch: str) -> None:
        cells[band][x], drawn[band][x] = ch, True

    steps = journey.steps
    for i, step in enumerate(steps):
        if step.window is None:
            continue
        here, x = BANDS.index(step.window), i * COLUMN + MARKER_AT
        put(here, x, MARKER)
        following = steps[i + 1].window if i + 1 < len(steps) else None
        if following is None:
            continue
        there, turn, x_next = BANDS.index(following), (i + 1) * COLUMN, x + COLUMN
        for column in range(x + 1, turn):
            put(here, column, "━")
        if there == here:
            put(here, turn, "━")
        else:
            down = there > here
            put(here, turn, "┓" if down else "┛")
            for between in range(min(here, there) + 1, max(here, there)):
                put(between, turn, "┃")
            put(there, turn, "┗" if down else "┏")
        for column in range(turn + 1, x_next):
            put(there, column, "━")
    rows = []
    for index, band in enumerate(BANDS):
        body: list[Piece] = []
        for x, ch in enumerate(cells[index]):
            look = (
                f"band-{band}"
                if not drawn[index][x]
                else f"band-{band}+{'marker' if ch == MARKER else 'line'}"
            )
            if body and body[-1][1] == look:
                body[-1] = (body[-1][0] + ch, look)
            else:
                body.append((ch, look))
        rows.append(Row(_label(BAND_LABEL[band], f"band-{band}+label"), tuple(body)))
    return rows


class JourneyStrip(ScrollView, can_focus=True):
    """The strip of one or more journeys; ← and → move a step at a time."""

    BINDINGS = [
        Binding("left", "steps(-1)", "Earlier steps", id="strip-earlier"),
        Binding("right", "steps(1)", "Later steps", id="strip-later"),
        Binding("home", "steps_to(0)", "First steps", show=False, id="strip-first"),
        Binding("end", "steps_to(-1)", "Last steps", show=False, id="strip-last"),
    ]

    COMPONENT_CLASSES = {
        "journey-strip--heading",
        "journey-strip--heading-detail",
        "journey-strip--section",
        "journey-strip--rule",
        "journey-strip--title",
        "journey-strip--service",
        "journey-strip--mark",
        "journey-strip--note",
        "journey-strip--band-hyper",
        "journey-strip--band-within",
        "journey-strip--band-hypo",
        "journey-strip--label",
        "journey-strip--line",
        "journey-strip--marker",
        "journey-strip--positive",
        "journey-strip--barrier",
        "journey-strip--risk",
    }

    DEFAULT_CSS = """
    JourneyStrip {
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
        & > .journey-strip--heading { text-style: bold; color: $primary; }
        & > .journey-strip--heading-detail { color: $foreground; }
        & > .journey-strip--section { color: $foreground-muted; }
        & > .journey-strip--rule { color: $panel-lighten-2; }
        & > .journey-strip--title { text-style: bold; }
        & > .journey-strip--service { text-style: italic; color: $foreground-muted; }
        & > .journey-strip--mark { color: $foreground; }
        & > .journey-strip--note { color: $foreground; }
        & > .journey-strip--band-hyper { background: $warning 18%; }
        & > .journey-strip--band-within { background: $success 18%; }
        & > .journey-strip--band-hypo { background: $primary 18%; }
        & > .journey-strip--label { text-style: bold; }
        & > .journey-strip--line { color: $accent; text-style: bold; }
        & > .journey-strip--marker { color: $accent; text-style: bold; }
        & > .journey-strip--positive { color: $positive; text-style: bold; }
        & > .journey-strip--barrier { color: $barrier; text-style: bold; }
        & > .journey-strip--risk { color: $risk; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.journeys: list[PersonaJourney] = []
        self.rows: list[Row] = []
        self._body_width = 0
        self._bodies: dict[int, Strip] = {}  # each row's steps, drawn whole, until a change
        self._styles: dict[str, Style] = {}

    # -- what it shows ------------------------------------------------------------------------
    def show(self, journeys: list[PersonaJourney]) -> None:
        """Draw these journeys; the same personas keep their place in the scroll."""
        if journeys == self.journeys:
            return
        same_people = [j.persona for j in journeys] == [j.persona for j in self.journeys]
        grew = same_people and any(
            len(new.steps) > len(old.steps)
            for new, old in zip(journeys, self.journeys, strict=True)
        )
        self.journeys = list(journeys)
        self.rows, self._body_width = journey_rows(self.journeys)
        self._bodies = {}
        self._size_steps()
        if not same_people:
            self.scroll_to(0, 0, animate=False, immediate=True)
        elif grew:  # a step taken (here, or on the map): the newest step comes into view
            self.scroll_to(x=self.max_scroll_x, animate=False, immediate=True)
        self.refresh()

    def lines(self) -> list[str]:
        """Every line of the strip as text, its steps unscrolled (for tests and checks)."""
        return [
            self._heading_text(row.heading, None)
            if row.heading
            else "".join(text for text, _ in (*row.left, *row.body))
            for row in self.rows
        ]

    def columns_in_view(self) -> tuple[int, int]:
        """The first and last step's place (from 1) wholly on screen, whoever's steps."""
        room = max(0, self.scrollable_content_region.width - LABEL_WIDTH)
        x = int(self.scroll_x)
        first = x // COLUMN + (x % COLUMN > 0) + 1
        return first, max(first, (x + room - 1) // COLUMN)

    # -- keys ----------------------------------------------------------------------------------
    def action_steps(self, by: int) -> None:
        column = -(-int(self.scroll_x) // COLUMN) if by < 0 else int(self.scroll_x) // COLUMN
        self.scroll_to(x=max(0, column + by) * COLUMN, animate=False, immediate=True)

    def action_steps_to(self, where: int) -> None:
        self.scroll_to(x=0 if where == 0 else self.max_scroll_x, animate=False, immediate=True)

    def on_resize(self, _event: events.Resize) -> None:
        self._size_steps()
        self.refresh()

    def _size_steps(self) -> None:
        """As wide as the steps, and a little more where they do not fit: so that the last
        place to scroll to starts at a step, as every other place does (no sliver of a
        step's words beside the bands' names)."""
        room = self.scrollable_content_region.width - LABEL_WIDTH
        width = self._body_width
        if room > 0 and width > room:
            width = -(-(width - room) // COLUMN) * COLUMN + room
        size = Size(LABEL_WIDTH + width, len(self.rows))
        if size != self.virtual_size:
            self.virtual_size = size

    # -- drawing -------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = {}
        self._bodies = {}

    def _style(self, name: str) -> Style:
        """A style by name; "band-hyper+line" is the line's colour over the band's."""
        style = self._styles.get(name)
        if style is None:
            if name == "base":
                style = self.rich_style
            else:
                under, _, over = name.partition("+")
                style = self.get_component_rich_style(f"journey-strip--{under}")
                if over:
                    style += self.get_component_rich_style(f"journey-strip--{over}", partial=True)
            self._styles[name] = style
        return style

    def _segments(self, pieces: tuple[Piece, ...]) -> list[Segment]:
        return [Segment(text, self._style(look)) for text, look in pieces]

    def _heading_text(self, journey: PersonaJourney, in_view: tuple[int, int] | None) -> str:
        return "".join(text for text, _ in self._heading(journey, in_view))

    def _heading(self, journey: PersonaJourney, in_view: tuple[int, int] | None) -> list[Piece]:
        steps = len(journey.steps)
        parts: list[Piece] = [(" " + journey.name, "heading")]
        if journey.team:
            parts.append((f" · {journey.team}", "heading-detail"))
        counted = f"{steps} step{'s' * (steps != 1)}" if steps else "not started"
        parts.append((f" · {counted}", "heading-detail"))
        if journey.outcome is not None:
            parts.append((f" · ended: {journey.outcome}", "heading-detail"))
        if in_view and steps:
            first, last = in_view[0], min(in_view[1], steps)
            if first > steps:
                parts.append(("   (its steps are to the left: ← or home)", "section"))
            elif first > 1 or last < steps:
                where = f"steps {first} to {last} of {steps}, ← → for more"
                parts.append((f"   ({where})", "section"))
        return parts

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.scrollable_content_region.width
        base = self._style("base")
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        if row.heading is not None:
            pieces = tuple(self._heading(row.heading, self.columns_in_view()))
            return Strip(self._segments(pieces)).crop_extend(0, width, base)
        left = Strip(self._segments(row.left))
        body = self._bodies.get(index)
        if body is None:
            body = Strip(self._segments(row.body))
            self._bodies[index] = body
        start = int(self.scroll_x)
        in_view = body.crop_extend(start, start + max(0, width - LABEL_WIDTH), base)
        return Strip.join([left, in_view]).crop_extend(0, width, base)

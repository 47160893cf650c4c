"""Beside the map: the persona's journey so far, and the selected stage in full.

Every text from the session goes through `shown` (or describe's names, which do): no control
character from a file reaches the terminal."""

from __future__ import annotations

from bisect import bisect_right

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ...event.model import Tag
from ...event.voices import groups_shown
from ...session.state import SessionState
from ...wording.describe import persona_name, stage_label
from ...wording.screen_text import shown
from ...wording.vocabulary import (
    KIND_SYMBOL,
    KIND_WORD,
    RAISED_BY_WORD,
    STAGE_KIND_WORD,
    THEME_WORD,
    WINDOW_SHORT,
    WINDOW_SYMBOL,
)
from .wrapping import wrapped_height


def journey_text(state: SessionState, persona: str | None, numbers: dict[str, int]) -> Text:
    """The persona's journey; the stages they can go to next by their `numbers` on the map."""
    text = Text()
    if persona is None or persona not in state.personas:
        text.append("No persona chosen. Press s to choose one.")
        return text
    who = state.personas[persona]
    team = state.teams.get(who.team or "")
    name = persona_name(state, persona)
    text.append(f"Walking: {name}", style="bold")
    if team:
        text.append(f"  ({shown(team.name)})")
    journey = state.journeys.get(persona)
    if journey is None or not journey.steps:
        entry = (
            f" Suggested way in: {stage_label(state, who.entry)}."
            if who.entry and who.entry in state.pathway.stages_by_id
            else ""
        )
        text.append(f"\nNot started.{entry}\nPress n to choose where {name} starts.")
        return text
    last = journey.steps[-1]
    if journey.outcome:
        text.append(f"\nEnded: {shown(journey.outcome)}", style="bold")
        text.append("\n(o takes the journey up again)", style="dim")
    else:
        text.append(f"\n◆ Now: step {len(journey.steps)}, {stage_label(state, last.stage)}")
        if last.window:
            text.append(f"  {WINDOW_SYMBOL[last.window]} {WINDOW_SHORT[last.window]}", style="bold")
        options = state.pathway.next_stages(last.stage)
        if options:
            text.append("\nNext from here (n):", style="bold")
            for stage in sorted(options, key=lambda s: numbers.get(s, 0)):
                text.append(f"\n  {numbers.get(stage, '')} → {stage_label(state, stage)}")
        else:
            text.append("\nNo transitions out of here: o ends the journey, j jumps.", style="dim")
    text.append("\nSteps so far:", style="bold")
    for number, step in enumerate(journey.steps, start=1):
        text.append(f"\n {number:>2} {stage_label(state, step.stage)}")
        if step.window:
            text.append(f"  {WINDOW_SYMBOL[step.window]} {WINDOW_SHORT[step.window]}", style="bold")
    return text


KEPT_IN_ROOM = "kept in the room"
"""Said after a note the facilitator marked to stay in the room (left out of copies for
circulation): in words, never only a colour."""


def kept_in_room(tag: Tag) -> str:
    """What follows a note marked to stay in the room, " (kept in the room)"; nothing for any
    other (a tag with no note has nothing to keep)."""
    return f" ({KEPT_IN_ROOM})" if tag.keep_in_room and tag.note else ""


def tag_line(
    tag: Tag, state: SessionState, colours: dict[str, str], said_by: frozenset[str] = frozenset()
) -> Text:
    """A tag in words; who raised it only for a group in `said_by`, big enough to be shown
    separately (lensmap.event.voices.groups_shown)."""
    text = Text()
    text.append(
        f"{KIND_SYMBOL[tag.kind]} {KIND_WORD[tag.kind]}", style=f"bold {colours.get(tag.kind, '')}"
    )
    text.append(f"  severity {tag.severity}  {persona_name(state, tag.persona)}")
    if tag.note:
        text.append(f"\n  {shown(tag.note, lines=True)}")
        text.append(kept_in_room(tag), style="italic")
    extra = []
    if tag.principles:
        extra.append(", ".join(tag.principles))
    if tag.theme:
        extra.append(THEME_WORD[tag.theme])
    if tag.raised_by in said_by:
        extra.append(f"raised by {RAISED_BY_WORD[tag.raised_by]}")
    if extra:
        text.append(f"\n  {' · '.join(extra)}", style="dim")
    return text


def stage_text(state: SessionState, stage_id: str | None, colours: dict[str, str]) -> Text:
    text = Text()
    if stage_id is None or stage_id not in state.pathway.stages_by_id:
        return Text("Choose a stage on the map with the arrow keys.")
    stage = state.pathway.stage(stage_id)
    text.append(shown(stage.label), style="bold")
    text.append(f"  ({STAGE_KIND_WORD[stage.kind]})")
    if stage.service:
        text.append(f"\n{shown(stage.service)}", style="italic")
    if stage.description:
        text.append(f"\n{shown(stage.description, lines=True)}")
    if stage.prompts:
        text.append("\nLens questions:", style="bold")
        for prompt in stage.prompts:
            text.append(f"\n • {shown(prompt)}")
    tags = [t for t in state.tags.values() if t.stage == stage_id]
    text.append(f"\nTags here: {len(tags)}", style="bold")
    if not tags:
        text.append("  (p positive, b barrier, r risk)", style="dim")
    said_by = groups_shown(state.tags.values()) if any(t.raised_by for t in tags) else frozenset()
    for tag in tags:
        text.append("\n")
        text.append(tag_line(tag, state, colours, said_by))
    return text


class JourneyPanel(Static):
    """The persona being walked: their steps, where they are, and where they can go next."""

    shown: Text | None = None

    def show(self, text: Text) -> None:
        if text != self.shown:  # only a real change lays the screen out again
            self.shown = text
            self.update(text)


class StageDetail(ScrollView):
    """The selected stage: service, description, lens questions and every tag.

    It draws its own lines and keeps its own size whatever it holds, so moving the cursor or
    adding a tag redraws only this panel, never lays out the whole screen (with the map,
    which can have hundreds of stages) again."""

    DEFAULT_CSS = """
    StageDetail {
        overflow-y: scroll;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown: tuple[str | None, Text] | None = None
        self._paragraphs: list[Text] = []  # the text's lines before wrapping
        self._starts: list[int] = [0]  # the panel line each paragraph starts on
        self._wrapped: dict[int, list[Strip]] = {}  # paragraphs drawn, wrapped
        self._wrapped_at = 0
        self._look: Style | None = None  # the panel's style, looked up once per change of it

    def show(self, stage_id: str | None, text: Text) -> None:
        if (stage_id, text) == self.shown:
            return
        same_stage = self.shown is not None and self.shown[0] == stage_id
        self.shown = (stage_id, text)
        self._paragraphs = list(text.split("\n", allow_blank=True))
        self._wrap()
        if not same_stage:
            self.scroll_to(y=0, animate=False, immediate=True)

    def _wrap(self) -> None:
        """Count the lines each paragraph takes at this width; a paragraph is wrapped only
        when one of its lines is drawn (a long stage is mostly scrolled out of view)."""
        width = self.scrollable_content_region.width
        self._wrapped = {}
        self._starts = [0]  # nothing to draw until the panel has a width
        self._wrapped_at = max(0, width)
        if self.shown is None or width <= 0:
            return
        starts = [0]
        for paragraph in self._paragraphs:
            starts.append(starts[-1] + wrapped_height(paragraph, width))
        self._starts = starts
        size = Size(width, starts[-1])
        if size != self.virtual_size:
            # The scroll bar is always there (overflow-y: scroll), so a new length changes
            # only its thumb: no layout of the screen, as setting `virtual_size` would ask.
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
        self.refresh()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._wrapped_at:
            self._wrap()

    def _line(self, line: int) -> Strip | None:
        index = bisect_right(self._starts, line) - 1
        if self._wrapped_at <= 0 or not 0 <= index < len(self._paragraphs):
            return None
        strips = self._wrapped.get(index)
        if strips is None:
            console, width = self.app.console, self._wrapped_at
            lines = self._paragraphs[index].wrap(console, width, overflow="fold")
            strips = [self._drawn(list(wrapped.render(console))) for wrapped in lines]
            self._wrapped[index] = strips
        offset = line - self._starts[index]
        return strips[offset] if offset < len(strips) else None

    def _drawn(self, segments: list[Segment]) -> Strip:
        """A line as it goes on screen: the panel's width, in the panel's style."""
        if self._look is None:
            self._look = self.rich_style
        width = self._wrapped_at
        segments = Segment.adjust_line_length(segments, width)
        return Strip(list(Segment.apply_style(segments, self._look)), width)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Laid out at a new width but not told yet (the resize event comes after the first
        # frame): wrap now, so the first frame already shows the stage.
        if self.scrollable_content_region.width != self._wrapped_at:
            self._wrap()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        return self._line(y + int(self.scroll_y)) or self._drawn([])

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._look = None
        self._wrapped = {}

    @property
    def plain(self) -> str:
        return self.shown[1].plain if self.shown else ""

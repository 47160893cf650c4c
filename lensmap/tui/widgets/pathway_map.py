"""The pathway as a map: stage cards in layers along the flow of transitions, scrolling when
large.

The map is one widget that draws its cards line by line. Moving the cursor redraws the two
cards it leaves and reaches; a new tag redraws one card; nothing is laid out again unless a
card's height changes. So a key costs the same at 30 stages or 1,000."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.signal import Signal
from textual.strip import Strip

from ...event.layout import layers, stage_numbers, unreached
from ...event.model import Pathway
from .stage_card import CardView, card_look, card_text
from .wrapping import wrapped_height

CARD_WIDTH = 23  # at least this wide: most stage names fit on two lines
MIN_CARD_HEIGHT = 4
MARGIN = 1  # columns left blank on the left of the map (the scroll bar is on the right)
GUTTER = 1  # columns between cards


def layer_title(index: int, is_unreached: bool) -> str:
    if is_unreached:
        return "Not reached from any way in"
    if index == 0:
        return "Ways in"
    return f"{index} step{'s' * (index != 1)} in"


@dataclass(frozen=True)
class Place:
    """Where a card sits in the map's lines (the map's own coordinates, before scrolling)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def region(self) -> Region:
        return Region(self.x, self.y, self.width, self.height)


class PathwayMap(ScrollView, can_focus=True):
    """Stage cards in layers; arrows move the cursor between them like a grid."""

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False, id="map-up"),
        Binding("down", "move(1, 0)", "Down", show=False, id="map-down"),
        Binding("left", "move(0, -1)", "Left", show=False, id="map-left"),
        Binding("right", "move(0, 1)", "Right", show=False, id="map-right"),
    ]

    COMPONENT_CLASSES = {
        "pathway-map--layer-title",
        "pathway-map--card",
        "pathway-map--border-card",
        "pathway-map--border-exit",
        "pathway-map--border-path",
        "pathway-map--border-next",
        "pathway-map--border-here",
        "pathway-map--border-cursor",
        "pathway-map--here",
        "pathway-map--cursor",
    }

    def __init__(self, pathway: Pathway) -> None:
        super().__init__(id="pathway-map")
        self.pathway = pathway
        self.selected: str | None = None
        self.stage_layers = layers(pathway)
        self.has_unreached_layer = bool(unreached(pathway))
        order = [stage for layer in self.stage_layers for stage in layer]
        self.numbers = stage_numbers(pathway, self.stage_layers)
        self.following = {
            stage: [self.numbers[n] for n in pathway.next_stages(stage)] for stage in order
        }
        self.views: dict[str, CardView] = dict.fromkeys(order, CardView())
        self.selection_signal: Signal[str] = Signal(self, "selection")
        """Published with the stage the cursor moved to (by a key, a click or `select`), to
        subscribers at once, so what they show changes in the same frame as the map."""
        self.columns = 1
        self.rows: list[list[str]] = []
        """The stages on each row of cards, top to bottom."""
        self.places: dict[str, Place] = {}
        self._width = 0
        self._card_width = CARD_WIDTH
        self._texts: dict[str, Text] = {}  # each card's words, unwrapped
        self._heights: dict[str, int] = {}  # how many lines each card's words take
        self._words: dict[str, list[Text]] = {}  # the words of cards drawn, wrapped
        self._lines: list[tuple[str, int, int]] = []  # what each line of the map holds
        self._strips: dict[int, Strip] = {}  # lines drawn, until something on them changes
        self._card_lines: dict[tuple[str, int], list[Segment]] = {}  # (card, line): drawn
        self._styles: dict[str, Style] | None = None

    # -- laying out ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        self._arrange()

    def on_resize(self, event: events.Resize) -> None:
        if self._inner_width != self._width:
            self._arrange()
        self.call_after_refresh(self.keep_selected_in_view)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Laid out at a new width but not told yet (the resize event comes after the first
        # frame): place the cards now, so the first frame already shows them.
        if self._inner_width != self._width:
            self._arrange()
        return super().render_lines(crop)

    @property
    def _inner_width(self) -> int:
        return self.scrollable_content_region.width or self.size.width

    def _arrange(self) -> None:
        """Place every card for the map's width; only a new width wraps the words again."""
        width = self._inner_width
        if width <= 0:
            return
        space = max(1, width - MARGIN)
        self.columns = max(1, (space + GUTTER) // (CARD_WIDTH + GUTTER))
        card_width = max(8, (space - GUTTER * (self.columns - 1)) // self.columns)
        if width != self._width:
            self._width = width
            self._heights = {}
            self._words = {}
        self._card_width = card_width
        self.rows = []
        self.places = {}
        lines: list[tuple[str, int, int]] = []
        for index, layer in enumerate(self.stage_layers):
            lines.append(("blank", 0, 0))
            lines.append(("title", index, 0))
            for start in range(0, len(layer), self.columns):
                row = layer[start : start + self.columns]
                heights = [self._card_height(stage) + 2 for stage in row]
                height = max(MIN_CARD_HEIGHT, *heights)
                y = len(lines)
                for column, stage in enumerate(row):
                    x = MARGIN + column * (card_width + GUTTER)
                    self.places[stage] = Place(x, y, card_width, height)
                lines.extend(("row", len(self.rows), offset) for offset in range(height))
                self.rows.append(row)
        self._lines = lines
        self._strips = {}
        self._card_lines = {}
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def _card_text(self, stage_id: str) -> Text:
        text = self._texts.get(stage_id)
        if text is None:
            text = card_text(
                self.pathway.stage(stage_id),
                self.numbers[stage_id],
                self.following[stage_id],
                self.views[stage_id],
                self.app.theme_variables,
            )
            self._texts[stage_id] = text
        return text

    def _card_height(self, stage_id: str) -> int:
        height = self._heights.get(stage_id)
        if height is None:
            height = wrapped_height(self._card_text(stage_id), self._words_width)
            self._heights[stage_id] = height
        return height

    def _card_words(self, stage_id: str) -> list[Text]:
        """A card's lines, wrapped when the card is first drawn or read."""
        words = self._words.get(stage_id)
        if words is None:
            text = self._card_text(stage_id)
            words = list(text.wrap(self.app.console, self._words_width, overflow="fold"))
            self._words[stage_id] = words
        return words

    @property
    def _words_width(self) -> int:
        return max(1, self._card_width - 4)

    # -- what the cards show ------------------------------------------------------------------
    def show(self, views: dict[str, CardView], *, force: bool = False) -> None:
        """Draw again the cards whose view changed (all of them when forced, as after a
        change of colours); lay the map out again only if a card's height changed."""
        if force:
            self._styles = None
        changed = [s for s in self.views if force or views.get(s, CardView()) != self.views[s]]
        if not changed:
            return
        heights = {s: self._heights[s] for s in changed if s in self._heights}
        for stage in changed:
            self.views[stage] = views.get(stage, CardView())
            for cache in (self._texts, self._heights, self._words):
                cache.pop(stage, None)
        if not self.places:
            return  # not laid out yet: mounting will
        if force or any(self._card_height(s) != h for s, h in heights.items()):
            self._arrange()
            self.keep_selected_in_view()
        else:
            for stage in changed:
                self._redraw(stage)

    def _redraw(self, stage_id: str) -> None:
        place = self.places.get(stage_id)
        if place is None:
            return
        for y in range(place.y, place.y + place.height):
            self._strips.pop(y, None)
            self._card_lines.pop((stage_id, y - place.y), None)
        self.refresh_lines(place.y, place.height)

    def select(self, stage_id: str) -> None:
        """Put the cursor on a stage and keep it in view."""
        if stage_id not in self.views:
            return
        before, self.selected = self.selected, stage_id
        if before != stage_id:
            if before is not None:
                self._redraw(before)
            self._redraw(stage_id)
            self.selection_signal.publish(stage_id)
        self.keep_selected_in_view()

    def keep_selected_in_view(self) -> None:
        place = self.places.get(self.selected or "")
        if place is None or not self.is_mounted:
            return
        region = place.region
        if self.rows and self.selected in self.rows[0]:
            region = Region(region.x, 0, region.width, region.bottom)  # the layer's title too
        self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def card_region(self, stage_id: str) -> Region:
        """Where a card is on the screen now (it may be scrolled out of view)."""
        place = self.places[stage_id]
        origin = self.content_region.offset - self.scroll_offset
        return place.region.translate(origin)

    def card_text(self, stage_id: str) -> str:
        """A card's words as the room reads them."""
        return "\n".join(line.plain.rstrip() for line in self._card_words(stage_id))

    # -- drawing ------------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        """A card style from the stylesheet, its colours blended as the theme means them
        (the cursor's background is the theme's primary colour at 25% over the card)."""
        if self._styles is None:
            self._styles = {"base": self.rich_style}
            self._card_lines = {}
        style = self._styles.get(name)
        if style is None:
            style = self._blend(name)
            self._styles[name] = style
        return style

    def _blend(self, name: str) -> Style:
        base = self.background_colors[1]
        layers = ["card"] if name == "card" else ["card", name]
        if name.startswith("border-"):
            look = name.removeprefix("border-")
            layers = ["card", *([look] if look in ("here", "cursor") else []), name]
        background, colour = base, self.styles.color
        text = Style()
        for layer in layers:
            styles = self.get_component_styles(f"pathway-map--{layer}")
            if styles.has_rule("background"):
                background = background + styles.background
            if styles.has_rule("color"):
                colour = background + styles.color
            if styles.has_rule("text_style"):
                text = text + Style.parse(str(styles.text_style))
        return text + Style(color=colour.rich_color, bgcolor=background.rich_color)

    def render_line(self, y: int) -> Strip:
        line = y + int(self.scroll_y)
        strip = self._strips.get(line)
        if strip is None:
            # One Strip a line, made of the cards' lines as each was last drawn: a line is
            # drawn once and kept until a card on it changes, and then only that card is.
            base, width = self._style("base"), self._width
            segments = Segment.adjust_line_length(self._draw_line(line, base), width, base)
            strip = Strip(segments, width)
            self._strips[line] = strip
        return strip

    def _draw_line(self, line: int, base: Style) -> list[Segment]:
        if line >= len(self._lines):
            return []
        what, index, offset = self._lines[line]
        if what == "blank":
            return []
        margin = Segment(" " * MARGIN, base)
        if what == "title":
            last = index == len(self.stage_layers) - 1
            title = layer_title(index, last and self.has_unreached_layer)
            title_style = self.get_component_rich_style("pathway-map--layer-title")
            return [margin, Segment(title, base + title_style)]
        segments = [margin]
        gutter = Segment(" " * GUTTER, base)
        for column, stage in enumerate(self.rows[index]):
            if column:
                segments.append(gutter)
            drawn = self._card_lines.get((stage, offset))
            if drawn is None:
                drawn = self._card_line(stage, offset)
                self._card_lines[stage, offset] = drawn
            segments.extend(drawn)
        return segments

    def _card_line(self, stage_id: str, offset: int) -> list[Segment]:
        place = self.places[stage_id]
        view = self.views[stage_id]
        border, look = card_look(view, self.pathway.stage(stage_id), stage_id == self.selected)
        fill = self._style(look if look in ("here", "cursor") else "card")
        edge = self._style(f"border-{look}")
        inside = place.width - 2
        if offset == 0:
            return [Segment(border.top_left + border.top * inside + border.top_right, edge)]
        if offset == place.height - 1:
            bottom = border.bottom_left + border.bottom * inside + border.bottom_right
            return [Segment(bottom, edge)]
        words = self._card_words(stage_id)
        text = words[offset - 1] if offset - 1 < len(words) else Text()
        content = Segment.apply_style(text.render(self.app.console), fill)
        content = Segment.adjust_line_length(list(content), inside - 2, style=fill)
        return [
            Segment(border.side, edge),
            Segment(" ", fill),
            *content,
            Segment(" ", fill),
            Segment(border.side, edge),
        ]

    # -- keys and clicks ----------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        x, y = event.x + int(self.scroll_x), event.y + int(self.scroll_y)
        for stage, place in self.places.items():
            if place.region.contains(x, y):
                self.select(stage)
                return

    def action_move(self, rows: int, columns: int) -> None:
        current = self.selected
        position = next(
            ((r, row.index(current)) for r, row in enumerate(self.rows) if current in row),
            None,
        )
        if position is None or current is None:  # (current is None only when position is)
            if self.rows:
                self.select(self.rows[0][0])
            return
        r, c = position
        if columns:
            flat = [s for row in self.rows for s in row]
            index = flat.index(current) + columns
            if 0 <= index < len(flat):
                self.select(flat[index])
            return
        r += rows
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            self.select(row[min(c, len(row) - 1)])

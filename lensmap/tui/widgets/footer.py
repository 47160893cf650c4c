"""The footer of keys: every key of the screen, on as many rows as the width needs.

Textual's own footer builds a widget per key and rebuilds them all on every focus change
(twice per arrow key on the map, most of a key's time); it also cuts keys off on one row.
This one is a single widget that draws its keys as text, and is drawn again only when the
keys it shows change."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

SPACING = 2  # columns between one key and the next
NARROW = 100  # below this width the footer is compact: short words, less space between keys
COMPACT_SPACING = 1

# Shorter words for keys on a narrow screen, by binding id: the legend above the map says
# what ✓ ✗ ▲ mean, and the help screen (?) lists every key in full.
SHORT = {
    "move-here": "Move",
    "next-stage": "Next",
    "step-back": "Back",
    "outcome": "End",
    "switch-persona": "Persona",
    "tag-positive": "✓",
    "tag-barrier": "✗",
    "tag-risk": "▲",
    "tags-here": "Tags",
    "personas-show-vignette": "Show",
    "personas-hide-vignette": "Hide",
    "personas-walk": "Walk",
    "edit-issue": "Edit",
    "add-vote": "Vote",
    "remove-vote": "Unvote",
}


@dataclass(frozen=True)
class FooterItem:
    key: str
    key_display: str
    description: str
    enabled: bool
    short: str = ""

    def label(self, compact: bool) -> str:
        return (self.short or self.description) if compact else self.description

    def width(self, compact: bool) -> int:
        return len(self.key_display) + 1 + len(self.label(compact))


def rows_of(
    items: tuple[FooterItem, ...], width: int, compact: bool = False
) -> list[list[tuple[int, FooterItem]]]:
    """Items placed on rows no wider than `width`, each with the column it starts at."""
    spacing = COMPACT_SPACING if compact else SPACING
    rows: list[list[tuple[int, FooterItem]]] = [[]]
    column = 1
    for item in items:
        if rows[-1] and column + item.width(compact) > width:
            rows.append([])
            column = 1
        rows[-1].append((column, item))
        column += item.width(compact) + spacing
    return rows if rows[0] else []


class RoomFooter(Widget, can_focus=False):
    """The screen's keys; a click on one presses it."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"room-footer--key", "room-footer--description"}
    DEFAULT_CSS = """
    RoomFooter {
        dock: bottom;
        height: auto;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        & > .room-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .room-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        self.items: tuple[FooterItem, ...] = ()
        self._rows: list[list[tuple[int, FooterItem]]] = []
        self._rows_width = 0

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        items = self._current_items()
        if items == self.items:
            return  # the usual case on an arrow key: nothing to draw
        height = len(self.rows(self.size.width or self.app.size.width))
        self.items = items
        self._rows_width = 0
        self.refresh(layout=len(self.rows(self.size.width or self.app.size.width)) != height)

    def _current_items(self) -> tuple[FooterItem, ...]:
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        items: dict[str, FooterItem] = {}
        last: FooterItem | None = None
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            short = SHORT.get(binding.id or "", "")
            display = "␣" if key == "space" and self.compact else app.get_key_display(binding)
            item = FooterItem(key, display, binding.description, enabled, short)
            if key == palette:
                last = item if self.show_command_palette and not self.compact else None
            elif binding.show and binding.action not in items:
                items[binding.action] = item
        return (*items.values(), *([last] if last else []))

    @property
    def compact(self) -> bool:
        """Whether the screen is narrow enough for short words (the footer spans it)."""
        return self.app.size.width < NARROW

    @property
    def _narrow(self) -> bool:
        """Whether the rows drawn now were laid out with short words."""
        return self._rows_width < NARROW

    def rows(self, width: int) -> list[list[tuple[int, FooterItem]]]:
        if width != self._rows_width:
            rows = rows_of(self.items, max(width, 1), width < NARROW)
            palette = self.app.COMMAND_PALETTE_BINDING
            if len(rows) > 1 and [item.key for _, item in rows[-1]] == [palette]:
                rows.pop()  # not a row of its own: ctrl+p still opens it, and help lists it
            self._rows = rows
            self._rows_width = width
        return self._rows

    def on_resize(self) -> None:
        was, self.items = self.items, ()
        self._bindings_changed(self.screen)  # the palette key comes and goes with the width
        if self.items == was:
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.rows(width)))

    def render(self) -> Text:
        key_style = self.get_component_rich_style("room-footer--key")
        description_style = self.get_component_rich_style("room-footer--description")
        text = Text(no_wrap=True, end="")
        for number, row in enumerate(self.rows(self.size.width)):
            if number:
                text.append("\n")
            column = 0
            for start, item in row:
                text.append(" " * (start - column))
                dim = Style() if item.enabled else Style(dim=True)
                label = item.label(self._narrow)
                text.append(item.key_display, style=key_style + dim)
                text.append(" ")
                text.append(label, style=description_style + dim)
                column = start + item.width(self._narrow)
        return text

    def item_at(self, x: int, y: int) -> FooterItem | None:
        rows = self.rows(self.size.width)
        if not 0 <= y < len(rows):
            return None
        compact = self._narrow
        return next(
            (item for start, item in rows[y] if start <= x < start + item.width(compact)), None
        )

    def on_click(self, event: events.Click) -> None:
        item = self.item_at(event.x, event.y)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    @property
    def plain(self) -> str:
        """The footer as it reads on screen."""
        return "\n".join(
            "  ".join(f"{item.key_display} {item.label(self._narrow)}" for _, item in row)
            for row in self.rows(self.size.width)
        )

"""The pathway as a map: stages in layers along the flow of transitions, scrolling when large."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.events import Resize
from textual.widgets import Static

from ...layout import layers, unreached
from ...model import Pathway
from .stage_card import CardView, StageCard

CARD_WIDTH = 25  # wide enough for most stage names on two lines


def layer_title(index: int, is_unreached: bool) -> str:
    if is_unreached:
        return "Not reached from any way in"
    if index == 0:
        return "Ways in"
    return f"{index} step{'s' * (index != 1)} in"


class PathwayMap(VerticalScroll):
    """Stage cards in layers; arrows move between them like a grid."""

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False, id="map-up"),
        Binding("down", "move(1, 0)", "Down", show=False, id="map-down"),
        Binding("left", "move(0, -1)", "Left", show=False, id="map-left"),
        Binding("right", "move(0, 1)", "Right", show=False, id="map-right"),
    ]

    def __init__(self, pathway: Pathway) -> None:
        super().__init__(id="pathway-map", can_focus=False)
        self.pathway = pathway
        self.selected: str | None = None
        self.stage_layers = layers(pathway)
        self.has_unreached_layer = bool(unreached(pathway))
        order = [stage for layer in self.stage_layers for stage in layer]
        self.numbers = {stage: n for n, stage in enumerate(order, start=1)}
        self.columns = 1
        self.rows: list[list[str]] = []

    def compose(self) -> ComposeResult:
        for index, layer in enumerate(self.stage_layers):
            last = index == len(self.stage_layers) - 1
            yield Static(
                layer_title(index, last and self.has_unreached_layer),
                classes="layer-title",
            )
            with Grid(classes="layer"):
                for stage_id in layer:
                    following = [self.numbers[n] for n in self.pathway.next_stages(stage_id)]
                    yield StageCard(self.pathway.stage(stage_id), self.numbers[stage_id], following)

    def on_resize(self, event: Resize) -> None:
        self._arrange(event.size.width)

    def on_mount(self) -> None:
        self._arrange(self.size.width)

    def on_stage_card_selected(self, event: StageCard.Selected) -> None:
        self.selected = event.stage_id  # remembered here: focus goes when the page blurs

    def watch_virtual_size(self) -> None:
        # The cards' heights settle after a reflow (or a first layout at a new size); only
        # then is there a right place to scroll to, so keep the selected stage in view here.
        self.keep_selected_in_view()

    def keep_selected_in_view(self) -> None:
        if self.selected and self.is_mounted:
            self.card(self.selected).scroll_visible(animate=False)

    def _arrange(self, width: int) -> None:
        columns = max(1, (width - 2) // CARD_WIDTH)
        self.columns = columns
        for grid in self.query(".layer").results(Grid):
            grid.styles.grid_size_columns = columns
        # the grid reflows when the width changes; keep the selected stage in view
        self.call_after_refresh(self.keep_selected_in_view)
        self.rows = []
        for layer in self.stage_layers:
            for start in range(0, len(layer), columns):
                self.rows.append(layer[start : start + columns])

    def card(self, stage_id: str) -> StageCard:
        return self.query_one(f"#stage-{stage_id}", StageCard)

    def cards(self) -> list[StageCard]:
        return list(self.query(StageCard))

    def show(self, views: dict[str, CardView], *, force: bool = False) -> None:
        for card in self.cards():
            card.show(views.get(card.stage.id, CardView()), force=force)

    def action_move(self, rows: int, columns: int) -> None:
        focused = self.app.focused
        current = focused.stage.id if isinstance(focused, StageCard) else None
        position = next(
            ((r, row.index(current)) for r, row in enumerate(self.rows) if current in row),
            None,
        )
        if position is None:
            if self.rows:
                self.card(self.rows[0][0]).focus()
            return
        r, c = position
        if columns:
            flat = [s for row in self.rows for s in row]
            index = flat.index(current) + columns
            if 0 <= index < len(flat):
                self.card(flat[index]).focus()
            return
        r += rows
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            self.card(row[min(c, len(row) - 1)]).focus()

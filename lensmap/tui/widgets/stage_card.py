"""One stage on the map: its number, name, tag counts, and where the persona is."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from ...model import Stage
from ...screen_text import shown
from ...vocabulary import KIND_SYMBOL, STAGE_KIND_WORD


@dataclass(frozen=True)
class CardView:
    """Everything a card shows, so a card is redrawn only when this changes."""

    counts: tuple[int, int, int] = (0, 0, 0)
    steps: tuple[int, ...] = ()
    here: bool = False
    next_option: bool = False
    persona: str = ""


class StageCard(Static, can_focus=True):
    """A stage, focusable: the focused card is the selected stage."""

    class Selected(Message):
        def __init__(self, stage_id: str) -> None:
            super().__init__()
            self.stage_id = stage_id

    def __init__(self, stage: Stage, number: int, following: list[int]) -> None:
        super().__init__(id=f"stage-{stage.id}", classes=f"stage-card kind-{stage.kind}")
        self.stage = stage
        self.number = number
        self.following = following
        self.view = CardView()

    def on_mount(self) -> None:
        self.update(self._content())

    def show(self, view: CardView, *, force: bool = False) -> None:
        if view == self.view and not force:
            return
        # Only marks that add or remove lines change the card's height; a new tag count does
        # not, so the map (possibly hundreds of cards) is not laid out again for it.
        lines_changed = (view.steps, view.here, view.next_option, view.persona) != (
            self.view.steps,
            self.view.here,
            self.view.next_option,
            self.view.persona,
        )
        self.view = view
        self.set_class(bool(view.steps), "on-path")
        self.set_class(view.here, "here")
        self.set_class(view.next_option, "next-option")
        self.update(self._content(), layout=lines_changed or force)

    def _content(self) -> Text:
        stage, view = self.stage, self.view
        text = Text()
        text.append(f"{self.number} ", style="bold")
        text.append(shown(stage.label), style="bold")
        kind = STAGE_KIND_WORD[stage.kind]
        if stage.kind not in ("step", "entry"):  # ways in have their own row on the map
            text.append(f"  ({kind})", style="italic")
        text.append("\n")
        colours = self.app.theme_variables
        for kind_name, count in zip(("positive", "barrier", "risk"), view.counts, strict=True):
            style = f"bold {colours.get(kind_name, '')}" if count else "dim"
            text.append(f"{KIND_SYMBOL[kind_name]}{count} ", style=style)
        if self.following:
            leads_to = ", ".join(str(n) for n in self.following[:6])
            more = "…" if len(self.following) > 6 else ""
            text.append(f"  → {leads_to}{more}", style="dim")
        if view.here:
            text.append(f"\n◆ {view.persona} is here", style="bold reverse")
        elif view.next_option:
            text.append(f"\n→ next option for {view.persona}", style="italic")
        if view.steps:
            steps = ", ".join(str(n) for n in view.steps)
            text.append(f"\n{view.persona}: step {steps}", style="bold")
        return text

    def on_focus(self) -> None:
        self.post_message(self.Selected(self.stage.id))

    def on_click(self) -> None:
        self.focus()

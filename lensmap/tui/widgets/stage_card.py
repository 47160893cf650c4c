"""One stage on the map, as a card: its number, name, tag counts, and where the persona is.

A card is drawn by the map (one widget for the whole pathway), line by line. Its words say
everything its border does, so nothing is carried by colour or line style alone."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from ...event.model import Stage
from ...wording.screen_text import shown
from ...wording.vocabulary import KIND_SYMBOL, STAGE_KIND_WORD


@dataclass(frozen=True)
class CardView:
    """Everything a card shows that changes during an event, so a card is drawn again only
    when this changes."""

    counts: tuple[int, int, int] = (0, 0, 0)
    steps: tuple[int, ...] = ()
    here: bool = False
    next_option: bool = False
    persona: str = ""


@dataclass(frozen=True)
class Border:
    """The eight characters around a card: corners, edges, sides."""

    top_left: str
    top: str
    top_right: str
    side: str
    bottom_left: str
    bottom: str
    bottom_right: str


ROUND = Border("╭", "─", "╮", "│", "╰", "─", "╯")
HEAVY = Border("┏", "━", "┓", "┃", "┗", "━", "┛")
DASHED = Border("┏", "╍", "┓", "╏", "┗", "╍", "┛")
DOUBLE = Border("╔", "═", "╗", "║", "╚", "═", "╝")
THICK = Border("█", "▀", "█", "█", "█", "▄", "█")


def card_look(view: CardView, stage: Stage, cursor: bool) -> tuple[Border, str]:
    """The border and the map's style name for a card: the cursor first, then where the
    persona is, their next options, the stages they have visited, exits, and the rest."""
    if cursor:
        return THICK, "cursor"
    if view.here:
        return DOUBLE, "here"
    if view.next_option:
        return DASHED, "next"
    if view.steps:
        return HEAVY, "path"
    if stage.kind == "exit":
        return ROUND, "exit"
    return ROUND, "card"


def card_text(
    stage: Stage, number: int, following: list[int], view: CardView, colours: dict[str, str]
) -> Text:
    """The card's words, before they are wrapped to its width."""
    text = Text(end="")
    text.append(f"{number} ", style="bold")
    text.append(shown(stage.label), style="bold")
    kind = STAGE_KIND_WORD[stage.kind]
    if stage.kind not in ("step", "entry"):  # ways in have their own row on the map
        text.append(f"  ({kind})", style="italic")
    text.append("\n")
    for kind_name, count in zip(("positive", "barrier", "risk"), view.counts, strict=True):
        style = f"bold {colours.get(kind_name, '')}" if count else "dim"
        text.append(f"{KIND_SYMBOL[kind_name]}{count} ", style=style)
    if following:
        leads_to = ", ".join(str(n) for n in following[:6])
        more = "…" if len(following) > 6 else ""
        text.append(f"  → {leads_to}{more}", style="dim")
    if view.here:
        text.append(f"\n◆ {view.persona} is here", style="bold reverse")
    elif view.next_option:
        text.append(f"\n→ next option for {view.persona}", style="italic")
    if view.steps:
        steps = ", ".join(str(n) for n in view.steps)
        text.append(f"\n{view.persona}: step {steps}", style="bold")
    return text

"""The journey strip screen: the persona being walked (or their team) as a strip of steps,
with the journey's measures beside it, the retellings first: how often the person was asked
for their story is the learning report's headline finding.

It follows the session (`follow_session`) and the persona being walked (`app.persona`), so a
step taken, a window set or a tag added shows here at once, undo included."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from ...session.state import SessionState
from ...wording.describe import persona_name
from ...wording.measures_words import measure_lines, measures_sentence, retellings_words
from ...wording.screen_text import shown
from ...wording.vocabulary import KIND_SYMBOL, KIND_WORD, WINDOW_SYMBOL
from ..knows_app import KnowsLensmapApp
from ..widgets.footer import RoomFooter
from ..widgets.header import RoomHeader
from ..widgets.journey_strip import (
    MARKER,
    JourneyStrip,
    PersonaJourney,
    persona_journey,
    wrapped,
)

NARROW = 100
"""Below this width the measures go under the strip, in a few lines (the app's breakpoint)."""
MEASURES_WIDTH = 34
"""The measures' width beside the strip, until the panel has been laid out."""

LEGEND = (
    f"{KIND_SYMBOL['positive']} {KIND_WORD['positive']}  {KIND_SYMBOL['barrier']} "
    f"{KIND_WORD['barrier']}  {KIND_SYMBOL['risk']} {KIND_WORD['risk']}  {MARKER} window of "
    f"tolerance: {WINDOW_SYMBOL['hyper']} hyper  {WINDOW_SYMBOL['within']} within  "
    f"{WINDOW_SYMBOL['hypo']} hypo"
)
NO_PERSONA = (
    "No persona is being walked yet.\n\n"
    "Choose a persona on the map with s, then move with n or Enter: "
    "the journey shows here, step by step."
)


def no_steps(name: str) -> str:
    return (
        f"{name}'s journey has no steps yet.\n\n"
        f"On the map (m), move {name} with n or Enter: each step shows here as it is taken."
    )


def where_asked(journey: PersonaJourney) -> str:
    """The stages where the person was asked for their story, in the order of the steps."""
    stages = list(dict.fromkeys(step.stage for step in journey.steps if step.retelling))
    if not stages:
        return ""
    return "at " + (", ".join(stages[:-1]) + " and " + stages[-1] if len(stages) > 1 else stages[0])


def headline(journeys: list[PersonaJourney]) -> Content:
    """How often each journey shown asked for the person's story, and where."""
    parts: list[str | tuple[str, str]] = []
    for journey in journeys:
        if not journey.steps:
            continue
        if parts:
            parts.append("\n")
        if len(journeys) > 1:
            parts.append((journey.name + "\n", "$primary"))
        parts.append((retellings_words(journey.measures.retellings), "bold"))
        where = where_asked(journey)
        if where:
            parts.append(("\n" + where, "not bold"))
    return Content.assemble(*parts)


def _hanging(number: str, label: str, width: int) -> str:
    """'  2  Steps outside the window of' with the rest of the label indented under it."""
    indent = len(number) + 2
    lines = wrapped(label, max(8, width - indent), 4)
    return "\n".join(
        (f"{number}  " if n == 0 else " " * indent) + line for n, line in enumerate(lines)
    )


def measures_content(journeys: list[PersonaJourney], *, compact: bool, width: int) -> Content:
    """The measures of each journey (the retellings are the headline, above them): one a
    line, its number first, beside the strip; a few lines under it on a narrow screen."""
    parts: list[str | tuple[str, str]] = []
    for journey in journeys:
        if parts:
            parts.append("\n" if compact else "\n\n")
        m = journey.measures
        parts.append((journey.name, "bold $primary"))
        if not journey.steps:
            parts.append(": not started" if compact else "\nNot started yet.")
            continue
        outcome = journey.outcome if journey.outcome is not None else "journey under way"
        services = [shown(service) for service in m.services]
        if compact:
            facts = measures_sentence(m, headline=False)
            parts.append(f": {facts} · outcome: {outcome}")
            parts.append(f"\nServices in order: {' → '.join(services) or 'none recorded'}")
            continue
        for measure, what, value in measure_lines(m):
            if measure in ("retellings", "services", "outcome"):
                continue  # the headline; and these two are words, below
            parts.append("\n" + _hanging(f"{value:>3}", what, width))
        parts.append(f"\nOutcome: {outcome}")
        parts.append(("\nServices, in order met:", "bold"))
        if not services:
            parts.append("\n  none recorded")
        for number, service in enumerate(services, start=1):
            parts.append("\n" + _hanging(f"{number:>3}", service, width))
    return Content.assemble(*parts)


class MeasuresPanel(VerticalScroll):
    """Beside (or under) the strip: the headline, then the other measures."""


class JourneyScreen(KnowsLensmapApp, Screen[None]):
    """The journey of the persona being walked, or of their team, left to right."""

    BINDINGS = [
        # One key, two descriptions: check_action shows whichever one applies.
        Binding("v", "team_view(True)", "Team view", id="journey-view"),
        Binding("v", "team_view(False)", "This persona", id="journey-view"),
    ]

    AUTO_FOCUS = "JourneyStrip"

    team_view: reactive[bool] = reactive(False, bindings=True)
    """Whether the persona's whole team is shown, one journey above the other."""

    def compose(self) -> ComposeResult:
        yield RoomHeader()
        yield Static(Content(LEGEND), id="journey-legend")
        yield Static(id="journey-empty")
        with Horizontal(id="journey-body"):
            yield JourneyStrip(id="journey-strip")
            with MeasuresPanel(id="journey-measures"):
                yield Static(id="journey-headline")
                yield Static(id="journey-numbers")
        yield RoomFooter()

    def on_mount(self) -> None:
        self.query_one("#journey-measures").border_title = "Journey measures"
        self.watch(self.app, "persona", lambda _persona: self.refresh_session(), init=False)
        self.app.follow_session(self, self.refresh_session)
        self.refresh_session()

    def on_screen_resume(self) -> None:
        self.refresh_session()

    def on_resize(self) -> None:
        self.refresh_session()

    @property
    def _state(self) -> SessionState:
        return self.app.store.state

    def shown_personas(self) -> list[str]:
        """The personas on the strip: the one being walked, or everyone in their team."""
        state, persona = self._state, self.app.persona
        if persona is None or persona not in state.personas:
            return []
        team = state.personas[persona].team
        if not self.team_view or team is None:
            return [persona]
        return [p.id for p in state.personas.values() if p.team == team]

    # -- showing the session ----------------------------------------------------------------
    def refresh_session(self) -> None:
        """Draw the strip and the measures from the session as it is now."""
        if not self.is_mounted:
            return
        state = self._state
        journeys = [persona_journey(state, persona) for persona in self.shown_personas()]
        started = any(j.steps for j in journeys)
        empty = self.query_one("#journey-empty", Static)
        body = self.query_one("#journey-body")
        empty.display, body.display = not started, started
        if not started:
            persona = self.app.persona
            known = persona is not None and persona in state.personas
            empty.update(Content(no_steps(persona_name(state, persona)) if known else NO_PERSONA))
        strip = self.query_one(JourneyStrip)
        strip.show(journeys if started else [])
        compact = self.app.size.width < NARROW
        self.query_one("#journey-headline", Static).update(headline(journeys))
        numbers = self.query_one("#journey-numbers", Static)
        width = numbers.content_region.width or MEASURES_WIDTH
        numbers.update(measures_content(journeys, compact=compact, width=width))

    # -- keys -------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "team_view":
            return parameters[0] != self.team_view
        return True

    def action_team_view(self, team: bool) -> None:
        self.team_view = team
        self.refresh_session()
        state, persona = self._state, self.app.persona
        if team and persona in state.personas and state.personas[persona].team is None:
            name = persona_name(state, persona)
            self.app.notify(f"{name} is in no team, so the strip shows {name} alone.", timeout=5)

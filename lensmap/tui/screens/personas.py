"""The personas screen: who is being walked, and each vignette behind its content notes.

Every name and text from the vignette files goes through `shown`: no control character from a
file reaches the terminal, and each is put in as plain text, never read as markup."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...event.model import Journey, Persona, Team
from ...session.state import SessionState
from ...wording.screen_text import shown
from ..knows_app import KnowsLensmapApp
from ..widgets.footer import RoomFooter
from ..widgets.header import RoomHeader

ON_MAP = "◆ on the map"
PERSONA_PREFIX = "persona:"
TEAM_PREFIX = "team:"
NO_TEAM = "No team"


def steps_counted(journey: Journey) -> str:
    steps = len(journey.steps)
    return f"{steps} step" if steps == 1 else f"{steps} steps"


def journey_short(journey: Journey | None) -> str:
    """A few words for the list: where this persona's journey stands."""
    if journey is None or not journey.steps:
        return "not started"
    counted = steps_counted(journey)
    if journey.outcome is not None:
        return f"ended, {counted}"
    return f"under way, {counted}"


def content_notice(persona: Persona) -> str:
    """What the room reads before a vignette is shown, so no one is surprised by it."""
    notes = ", ".join(shown(note) for note in persona.content_notes)
    return f"This vignette mentions: {notes}. Press Enter to show it."


class PersonasScreen(KnowsLensmapApp, Screen[None]):
    """The three teams, their personas, and one persona's details and vignette."""

    TITLE = "Personas"

    BINDINGS = [
        # Priority, so Enter shows the vignette rather than "selecting" in the list: showing
        # distressing text is always this one deliberate key.
        Binding("enter", "reveal", "Show vignette", id="personas-show-vignette", priority=True),
        Binding("h", "hide", "Hide vignette", id="personas-hide-vignette"),
        Binding("s", "walk", "Walk this persona", id="personas-walk"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: str | None = None
        """The persona whose vignette the facilitator chose to show; forgotten on moving away."""
        self._highlighted: str | None = None

    # -- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield RoomHeader()
        with Horizontal(id="personas-body"):
            yield OptionList(id="personas-list")
            with VerticalScroll(id="persona-detail"):
                yield Static(id="persona-name")
                yield Static(id="persona-team")
                yield Static(id="persona-facts")
                yield Static(id="vignette")
                yield Static(id="team-purpose")
        yield RoomFooter()

    def on_mount(self) -> None:
        self.query_one("#vignette", Static).border_title = "Vignette"
        self._fill_list()
        wanted = self._highlighted or self.app.persona
        self._highlight(wanted if wanted in self._state.personas else self._first_persona())
        self.watch(self.app, "persona", self._persona_walked, init=False)
        self.app.follow_session(self, self.refresh_session)

    @property
    def _state(self) -> SessionState:
        return self.app.store.state

    def _first_persona(self) -> str | None:
        return next(iter(self.persona_order()), None)

    def _groups(self) -> list[tuple[Team | None, list[Persona]]]:
        """Teams in file order with their personas; personas in no known team come last."""
        state = self._state
        groups: list[tuple[Team | None, list[Persona]]] = [
            (team, [p for p in state.personas.values() if p.team == team.id])
            for team in state.teams.values()
        ]
        loose = [p for p in state.personas.values() if p.team not in state.teams]
        if loose:
            groups.append((None, loose))
        return groups

    def persona_order(self) -> list[str]:
        """Persona ids in the order the list shows them."""
        return [p.id for _team, personas in self._groups() for p in personas]

    # -- the list ---------------------------------------------------------------------------
    def _heading(self, team: Team | None) -> Content:
        if team is None:
            return Content.styled(NO_TEAM, "bold")
        if team.risk:
            return Content.assemble((shown(team.name), "bold"), "\n", shown(team.risk))
        return Content.styled(shown(team.name), "bold")

    def _entry(self, persona: Persona) -> Content:
        name = shown(persona.name)
        if persona.age is not None:
            name = f"{name}, {persona.age}"
        parts: list[str | tuple[str, str]] = ["  ", (name, "bold")]
        if persona.id == self.app.persona:
            parts.append(f"  {ON_MAP}")
        parts.append(f"\n    {journey_short(self._state.journeys.get(persona.id))}")
        return Content.assemble(*parts)

    def _fill_list(self) -> None:
        options: list[Option | None] = []
        for team, personas in self._groups():
            if options:
                options.append(None)
            heading_id = TEAM_PREFIX + (team.id if team else "")
            options.append(Option(self._heading(team), id=heading_id, disabled=True))
            options.extend(Option(self._entry(p), id=PERSONA_PREFIX + p.id) for p in personas)
        listed = self.query_one("#personas-list", OptionList)
        listed.set_options(options)

    def _highlight(self, persona_id: str | None) -> None:
        if persona_id is None:
            self._show_details(None)
            return
        listed = self.query_one("#personas-list", OptionList)
        listed.highlighted = listed.get_option_index(PERSONA_PREFIX + persona_id)
        self._show_details(persona_id)

    @on(OptionList.OptionHighlighted, "#personas-list")
    def _highlighted_changed(self, event: OptionList.OptionHighlighted) -> None:
        option_id = event.option.id or ""
        if option_id.startswith(PERSONA_PREFIX):
            self._show_details(option_id.removeprefix(PERSONA_PREFIX))

    @on(OptionList.OptionSelected, "#personas-list")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        # A click only chooses whom to look at; showing a vignette stays a deliberate Enter.
        event.stop()

    # -- the details ------------------------------------------------------------------------
    def _show_details(self, persona_id: str | None) -> None:
        if persona_id != self._highlighted:
            self._shown = None  # moving away always hides a vignette again
        self._highlighted = persona_id
        persona = self._state.personas.get(persona_id) if persona_id else None
        name = self.query_one("#persona-name", Static)
        team_line = self.query_one("#persona-team", Static)
        facts = self.query_one("#persona-facts", Static)
        vignette = self.query_one("#vignette", Static)
        purpose = self.query_one("#team-purpose", Static)
        if persona is None:
            name.update("No personas in this session")
            for widget in (team_line, facts, vignette, purpose):
                widget.update("")
                widget.display = False
            self.refresh_bindings()
            return
        for widget in (team_line, facts, vignette):
            widget.display = True
        team = self._state.teams.get(persona.team) if persona.team else None
        age = f", {persona.age}" if persona.age is not None else ""
        name.update(Content.styled(f"{shown(persona.name)}{age}", "bold"))
        team_line.update(self._team_line(team))
        facts.update(self._facts(persona))
        self._show_vignette(persona, vignette)
        purpose.display = bool(team and team.purpose)
        purpose.update(
            Content(f"{shown(team.name)} discusses: {shown(team.purpose, lines=True)}")
            if team and team.purpose
            else ""
        )
        self.refresh_bindings()

    def _team_line(self, team: Team | None) -> Content:
        if team is None:
            return Content(NO_TEAM)
        name = shown(team.name)
        return Content(f"{name} · {shown(team.risk)}" if team.risk else name)

    def _facts(self, persona: Persona) -> Content:
        state = self._state
        lines: list[str] = []
        if persona.entry:
            stage = state.pathway.stages_by_id.get(persona.entry)
            label = shown(stage.label) if stage else f"{persona.entry} (not in this pathway)"
            lines.append(f"Suggested start: {label}")
        journey = state.journeys.get(persona.id)
        if journey is None or not journey.steps:
            lines.append("Journey: not started")
        else:
            where = shown(state.pathway.label_of(journey.steps[-1].stage))
            counted = steps_counted(journey)
            if journey.outcome is not None:
                lines.append(f"Journey: ended at {where} ({counted}): {shown(journey.outcome)}")
            else:
                lines.append(f"Journey: under way, now at {where} ({counted})")
        if persona.id == self.app.persona:
            lines.append(f"{ON_MAP}: being walked now")
        return Content("\n".join(lines))

    def _needs_notice(self, persona: Persona) -> bool:
        return bool(persona.content_notes) and self._shown != persona.id

    def _show_vignette(self, persona: Persona, vignette: Static) -> None:
        # The summary is only put into a widget once it may be shown: nothing hidden is
        # rendered, so nothing can leak through a resize or a theme change.
        notice = self._needs_notice(persona)
        vignette.set_class(notice, "-notice")
        if notice:
            vignette.border_title = "Content note"
            vignette.update(Content(content_notice(persona)))
            return
        vignette.border_title = "Vignette"
        text = shown(persona.summary.strip(), lines=True)
        text = text or "No vignette text was given for this persona."
        if persona.content_notes:
            text += "\n\nPress h to hide it again."
        vignette.update(Content(text))

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        persona = self._state.personas.get(self._highlighted) if self._highlighted else None
        if action == "reveal":
            return persona is not None and self._needs_notice(persona)
        if action == "hide":
            return (
                persona is not None
                and bool(persona.content_notes)
                and not self._needs_notice(persona)
            )
        if action == "walk":
            return persona is not None
        return True

    def action_reveal(self) -> None:
        persona = self._state.personas.get(self._highlighted) if self._highlighted else None
        if persona is None:
            return
        self._shown = persona.id
        self._show_vignette(persona, self.query_one("#vignette", Static))
        self.refresh_bindings()

    def action_hide(self) -> None:
        self._shown = None
        persona = self._state.personas.get(self._highlighted) if self._highlighted else None
        if persona is not None:
            self._show_vignette(persona, self.query_one("#vignette", Static))
        self.refresh_bindings()

    def on_screen_suspend(self) -> None:
        """Leaving the screen (a pause, the map, help) puts the vignette back behind its notes:
        showing it again is always a fresh choice."""
        if self._shown is not None:
            self.action_hide()

    def action_walk(self) -> None:
        if self._highlighted is None:
            return
        self.app.persona = self._highlighted
        self.app.switch_mode("map")

    # -- keeping up with the session --------------------------------------------------------
    def select_persona(self, persona_id: str) -> None:
        """Look at one persona (the vignette stays behind its content notes)."""
        if persona_id not in self._state.personas:
            return
        if not self.is_mounted:
            self._highlighted = persona_id
            return
        self._highlight(persona_id)
        self.query_one("#personas-list", OptionList).focus()

    def _persona_walked(self, _persona: str | None) -> None:
        self.refresh_session()

    def refresh_session(self) -> None:
        """Redraw the journey marks and details after any action (or undo) in the session."""
        if not self.is_mounted:
            return
        listed = self.query_one("#personas-list", OptionList)
        known = {o.id for o in listed.options if o.id and o.id.startswith(PERSONA_PREFIX)}
        wanted = {PERSONA_PREFIX + pid for pid in self.persona_order()}
        if wanted != known:
            self._fill_list()
        else:
            for persona in self._state.personas.values():
                listed.replace_option_prompt(PERSONA_PREFIX + persona.id, self._entry(persona))
        if self._highlighted in self._state.personas:
            # the same persona stays highlighted, and a vignette being shown stays shown
            listed.highlighted = listed.get_option_index(PERSONA_PREFIX + self._highlighted)
            self._show_details(self._highlighted)
        else:
            self._highlight(self._first_persona())

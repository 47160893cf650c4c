"""Command palette entries for lensmap: open a persona, show a vignette, tag a stage, and more."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from ..event.model import persona_names
from ..wording.screen_text import shown
from ..wording.vocabulary import KIND_WORD

if TYPE_CHECKING:
    from .app import LensmapApp

Command = Callable[[], Awaitable[None] | None]
ScreenT = TypeVar("ScreenT", bound=Screen)


class LensmapCommands(Provider):
    """Everything a facilitator might look for by name, in the room's own words."""

    if TYPE_CHECKING:  # for the type checker only: this provider runs in lensmap's app
        # Textual types Provider.app as App[object], which LensmapApp (an App[None]) cannot
        # narrow, App being invariant in its return type, though it is only the screen's app,
        # typed App[Any] there.
        @property
        def app(self) -> LensmapApp: ...  # type: ignore[override]

    # -- what each command does -------------------------------------------------------------
    async def _open_persona(self, persona_id: str) -> None:
        app = self.app
        app.persona = persona_id
        await app.switch_mode("map")

    async def _show_vignette(self, persona_id: str) -> None:
        # The personas screen still shows the content notes first; this only selects the persona.
        from .screens.personas import PersonasScreen

        await self.app.switch_mode("personas")
        screen = self._screen_of(PersonasScreen)
        if screen is not None:
            screen.select_persona(persona_id)

    async def _tag_stage(self, stage_id: str, kind: str) -> None:
        from .screens.map import MapScreen

        await self.app.switch_mode("map")
        screen = self._screen_of(MapScreen)
        if screen is None:
            self.app.notify("Tags can be added on the map with p, b or r.", timeout=5)
            return
        self.app.call_later(screen.tag_stage, stage_id, kind)

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    def _screen_of(self, kind: type[ScreenT]) -> ScreenT | None:
        """The current mode's screen of this kind (help or a pause may sit above it)."""
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, kind):
                return screen
        return None

    # -- the commands -----------------------------------------------------------------------
    def _commands(self, *, everything: bool) -> Iterator[tuple[str, Command, str]]:
        """(text, command, help) for every command; stage tags only when searching, as there
        are three for every stage and they would crowd the list."""
        state = self.app.store.state
        names = persona_names(state.personas.values())
        for persona_id, name in names.items():
            yield (
                f"Open persona {shown(name)}",
                partial(self._open_persona, persona_id),
                f"Walk {shown(name)} on the map",
            )
        for persona_id, name in names.items():
            yield (
                f"Show vignette of {shown(name)}",
                partial(self._show_vignette, persona_id),
                "Content notes come first; the vignette shows after Enter",
            )
        yield (
            "Show the journey strip",
            partial(self._run, "show('journey')"),
            "The steps of the persona being walked, with the journey measures",
        )
        yield ("Export the session", partial(self._run, "export"), "Issues list, plan and session")
        yield ("Pause the session", partial(self._run, "pause"), "A calm, empty screen for a break")
        if not everything:
            return
        for stage in state.pathway.stages:
            for kind in ("positive", "barrier", "risk"):
                yield (
                    f"Tag stage {shown(stage.label)} as {KIND_WORD[kind]}",
                    partial(self._tag_stage, stage.id, kind),
                    "On the map, for the persona being walked",
                )

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands(everything=False):
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands(everything=True):
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)

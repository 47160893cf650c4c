"""The lensmap app: a thin layer over the session store that the room watches on the wall."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal

from ..files.problems import LoadError
from ..session.actions import Action, Entry, OutcomeSet, SteppedBack, StepTaken, WindowSet
from ..session.state import ActionRefused
from ..session.store import SaveFailed, SessionStore
from ..storage.settings import load_settings, save_setting
from ..wording.describe import local_time
from ..wording.screen_text import shown
from .commands import LensmapCommands
from .dialogs.holds_typing import HoldsTyping
from .keys_in_order import KeysInOrder
from .messages import ExportChosen, ExportFinished, ExportProgress, ExportWindowClosed
from .themes import THEME_NAMES, THEME_WORDS, THEMES

if TYPE_CHECKING:
    from textual.notifications import Notification, SeverityLevel

JOURNEY_ACTIONS = (StepTaken, SteppedBack, WindowSet, OutcomeSet)
LOOK_EVERY = 0.1  # seconds between looks for what other windows stored (one quick question each)
END_QUESTION = (
    "End the event for every team page and phone? Nothing more can be added from them; "
    "everything is saved, and ctrl+z here takes it back."
)
ENDED_HERE = "The event has ended: team pages and phones can add nothing more."
ENDED_THERE = (
    "The facilitator has ended the event. Everything is saved; this page shows it and "
    "changes nothing now. Thank you."
)
NOTHING_TO = {  # undo and redo take back only what this window did since it was opened
    "undo": ": undo takes back what was done here since it was opened.",
    "redo": ".",
}


class LensmapApp(App[None]):
    """Walk personas through a service pathway and record what the room sees."""

    CSS_PATH = [
        "app.tcss",
        "styles/issues.tcss",
        "styles/personas.tcss",
        "styles/journey.tcss",
        "styles/extras.tcss",
    ]
    TITLE = "lensmap"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {LensmapCommands}
    DEFAULT_MODE = "map"

    BINDINGS = [
        Binding("m", "show('map')", "Map", id="show-map"),
        Binding("t", "show('personas')", "Personas", id="show-personas"),
        Binding("i", "show('issues')", "Issues", id="show-issues"),
        # Not in the footer: the map's keys fill two rows at 80 and at 120 columns, and one
        # more would take a third row from the map. Help and the palette name it.
        Binding("l", "show('journey')", "Journey", show=False, id="show-journey"),
        # Not in the footer either: only `lensmap serve --room` has notes from phones, and
        # each one's notice names the key.
        Binding("h", "room_notes", "Notes from the room", show=False, id="room-notes"),
        Binding("ctrl+z", "undo", "Undo", id="undo"),
        Binding("ctrl+y", "redo", "Redo", id="redo"),
        Binding("space", "pause", "Pause", id="pause"),
        Binding("P", "pause_room", "Pause every screen", show=False, id="pause-room"),
        Binding("E", "end_event", "End the event", show=False, id="end-event"),
        Binding("f", "follow_team", "Follow a team", show=False, id="follow-team"),
        Binding("c", "next_theme", "Colours", id="next-theme"),
        Binding("e", "export", "Export", id="export"),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    SETTINGS = {"theme": tuple(THEME_NAMES)}  # the preferences kept between runs

    persona: reactive[str | None] = reactive(None)
    """The persona being walked; the map follows them."""

    def __init__(
        self, store: SessionStore, *, warnings: list[str] | None = None, leads: bool = True
    ) -> None:
        super().__init__()
        self.store = store
        self.leads = leads
        """The facilitator's window (the projector), not a team's page: only it can pause
        every screen or show the room's votes."""
        self._paused_here = False  # this window paused the room, so only it carries it on
        self._said_ended = False
        self._said_lost_track = False
        self._quitting = False
        self.following: str | None = None
        """The facilitator's window follows this team: the map goes to whichever of its
        personas another window moves on."""
        self.team: str | None = None
        """A team's page: the team it walks (chosen on opening); others' personas it only
        shows."""
        self.startup_warnings = warnings or []
        self.typed = KeysInOrder(self)
        self.session_changed_signal: Signal[Entry] = Signal(self, "session-changed")
        """Published with the entry just stored (an action, an undo or a redo), once it is
        on disk and before the next key is handled; screens follow it with `follow_session`."""
        self._notices: dict[tuple[str, str, str], tuple[Notification, int]] = {}
        self._export_news: dict[
            Screen, ExportFinished
        ] = {}  # passed on to an open window  # last of each
        for theme in THEMES:
            self.register_theme(theme)
        # The colours chosen last time (or calm dark). Set without the watcher: the stylesheet
        # is parsed once, already with these colours.
        remembered = load_settings(self.SETTINGS).get("theme", "lensmap-dark")
        self.set_reactive(LensmapApp.theme, remembered)
        self.stylesheet.set_variables(self.get_css_variables())
        self.persona = self._persona_to_continue()

    # -- quitting ---------------------------------------------------------------------------
    async def _on_exit_app(self) -> None:
        self._quitting = True
        await super()._on_exit_app()

    def _handle_exception(self, error: Exception) -> None:
        # Told to quit while still starting (a browser tab closed at once), a screen's first
        # refresh can find its widgets already gone. Every action is stored, nothing was
        # lost, and there is nothing to report.
        from textual.css.query import NoMatches

        if self._quitting and isinstance(error, NoMatches):
            return
        super()._handle_exception(error)

    # -- keys -------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if self.typed.hold(event):
            return  # typed ahead: handled in its turn, by the screen on top by then
        await super().on_event(event)

    def keys_waiting(self) -> bool:
        """Whether keys typed ahead are still waiting for their turn."""
        return self.typed.busy()

    # -- screens ----------------------------------------------------------------------------
    def get_theme_variable_defaults(self) -> dict[str, str]:
        from .themes import TAG_COLOURS_DARK

        return {**super().get_theme_variable_defaults(), **TAG_COLOURS_DARK}

    def on_mount(self) -> None:
        self.title = self.store.state.event.title or self.store.state.pathway.title
        self.sub_title = f"session: {Path(self.store.path).name}"  # the full path: help, quit
        # The map is the first screen (`get_default_screen`), so the stylesheet is parsed
        # once at start-up; the other screens are built when first shown.
        self.add_mode("map", _map_screen)
        self.add_mode("personas", _personas_screen)
        self.add_mode("issues", _issues_screen)
        self.add_mode("journey", _journey_screen)
        if len(self.store.entries) > 1:
            last = local_time(self.store.entries[-1].at)
            self.notify(
                f"Continuing this session: {len(self.store.entries) - 1} actions so far, "
                f"the last at {last}.",
                timeout=8,
            )
        for warning in self.startup_warnings:
            self.notify(warning, title="Worth a look", severity="warning", timeout=10)
        if not self.leads and self.store.state.teams:
            self.call_after_refresh(self._choose_team)
        self.follow_session(self, self._follow_the_room)
        # Other windows on this session (team laptops, served pages): what they store shows
        # here within a second. A look costs one question to SQLite while nothing is new.
        self.set_interval(LOOK_EVERY, self.look_for_other_windows, name="other windows")

    def on_ready(self) -> None:
        # The first screen is up. If `lensmap open` held the collector back while starting,
        # it goes on now, leaving alone everything made so far (all still in use: the
        # modules, the screen), so later collections stay short too.
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def get_default_screen(self) -> Screen:
        return _map_screen()

    def action_show(self, mode: str) -> None:
        if self.current_mode != mode:
            self.switch_mode(mode)

    def _persona_to_continue(self) -> str | None:
        """Reopening continues with whoever was being walked when the session was left
        (looking back through the whole log when it was opened from a checkpoint)."""
        personas = list(self.store.state.personas)
        log = self.store.entries if self.store.history.deeper else self.store.history.done
        try:
            for entry in reversed(log):
                action = entry.action
                if isinstance(action, JOURNEY_ACTIONS) and action.persona in personas:
                    return action.persona
        except LoadError:  # an unreadable old action: it is named when undo reaches it
            pass
        return personas[0] if personas else None

    def _choose_team(self) -> None:
        from .dialogs.choose import Choose

        teams = [(t.id, t.name) for t in self.store.state.teams.values()]

        def chosen(team: str | None) -> None:
            if team is None:  # asked again: a team's page walks one team's personas
                self.call_after_refresh(self._choose_team)
                return
            self.team = team
            mine = [p for p in self.store.state.personas.values() if p.team == team]
            if mine and self.persona not in {p.id for p in mine}:
                self.persona = mine[0].id
            name = self.store.state.teams[team].name
            self.sub_title = f"{name}'s page · session: {Path(self.store.path).name}"
            self.notify(f"This page walks {name}'s personas; the others are shown, not changed.")

        self.push_screen(Choose("Which team is this page for?", teams), chosen)

    def others_persona(self, action: Action) -> str | None:
        """On a team's page: the name of another team's persona the action would change."""
        if self.leads or self.team is None:
            return None
        persona = getattr(action, "persona", None)
        tag = getattr(action, "tag", None)
        persona = persona or (tag.persona if tag is not None else None)
        found = self.store.state.personas.get(persona or "")
        if found is not None and found.team != self.team:
            return found.name
        return None

    # -- recording --------------------------------------------------------------------------
    def record(self, action: Action, done: str | None = None) -> bool:
        """Store an action durably, then show it. Nothing shows as done unless it was saved."""
        if not self.leads and self.store.state.room.get("ended"):
            self.notify(ENDED_THERE, title="Not done", severity="warning")
            return False
        other = self.others_persona(action)
        if other is not None:
            self.notify(
                f"{shown(other)} is another team's persona: this page shows their journey but "
                "does not change it.",
                title="Not done",
                severity="warning",
            )
            return False
        try:
            self.store.record(action)
        except ActionRefused as exc:
            self._show_store_notices()
            self._show_arrived()  # read in by this very write: show it, then why not
            self.notify(str(exc), title="Not done", severity="warning")
            return False
        except SaveFailed as exc:
            self._show_store_notices()
            self._show_arrived()
            self.notify(
                f"{exc}. Nothing was changed on screen.",
                title="Could not save",
                severity="error",
                timeout=30,
            )
            return False
        self._show_store_notices()
        self.session_changed_signal.publish(self.store.entries[-1])
        self._show_arrived(published=True)
        if done:
            self.notify(done, timeout=3)
        return True

    def look_for_other_windows(self) -> None:
        """Show what other windows stored since the last look (already on disk: read from it)."""
        try:
            arrived = self.store.refresh()
        except SaveFailed as exc:
            self._show_arrived()  # what it read in before the action it cannot follow
            self._lost_track(str(exc))
            return
        if arrived:
            self._show_arrived()

    def _lost_track(self, why: str) -> None:
        if not self._said_lost_track:
            self._said_lost_track = True
            self.notify(why, title="Another window", severity="error", timeout=60)

    def _show_arrived(self, *, published: bool = False) -> None:
        """Show what other windows stored (the screens follow the session) with a short notice
        of it, so the room knows why the screen moved."""
        from ..wording.describe import describe_entry

        arrived = self.store.take_arrived()
        if not arrived:
            return
        self._follow_the_team(arrived)
        if not published:
            self.session_changed_signal.publish(self.store.entries[-1])
        from ..session.actions import DotGiven, NoteSent, RoomSet

        phones = [e for e in arrived if isinstance(e.action, NoteSent)]
        # A phone's dot is said nowhere: where the room's dots go stays hidden until shown.
        # Nor the room's pause: the pause screen itself says it, and shows nothing else.
        others = [
            e
            for e in arrived
            if not isinstance(e.action, NoteSent | DotGiven)
            and not (isinstance(e.action, RoomSet) and e.action.setting == "paused")
        ]
        if phones and self.leads:  # the facilitator's to read: never a team page's
            waiting = len(self.store.state.held)
            self.notify(
                f"{waiting} note{'s' * (waiting != 1)} from the room waiting: press h to read "
                "and put on the wall.",
                title="From the room",
                timeout=8,
            )
        if not others:
            return
        latest = describe_entry(others[-1], self.store.entries, self.store.state)
        if len(others) > 1:
            latest = f"{len(others)} changes; the latest: {latest}"
        self.notify(latest, title="From another window", timeout=4)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notice is plain text (a stage called "Tri[/]age" is not markup) with no
        control character from a file or a keyboard. The same notice again while it is still
        showing takes its place, counted ("Vote recorded (3 times)"), so five quick votes
        never stack five notices over the board."""
        from textual.notifications import Notification, Notify

        key = (title, message, severity)
        earlier = self._notices.get(key)
        count = 1
        if earlier is not None and not earlier[0].has_expired:
            count = earlier[1] + 1
            self.call_later(self._withdraw, earlier[0])  # after it is shown, if still queued
        words = message if count == 1 else f"{message} ({count} times)"
        notice = Notification(
            shown(words, lines=True),
            shown(title),
            severity,
            self.NOTIFICATION_TIMEOUT if timeout is None else timeout,
            markup=markup,
        )
        self._notices = {k: v for k, v in self._notices.items() if not v[0].has_expired}
        self._notices[key] = (notice, count)
        self.post_message(Notify(notice))

    def _withdraw(self, notice: Notification) -> None:
        if notice in self._notifications:
            self._unnotify(notice)  # Textual's own way a notice goes (its toast's, on a click)

    def _show_store_notices(self) -> None:
        """What the store had to do to keep the session (the file was deleted or replaced
        under lensmap), said calmly; the header follows the file it now writes to."""
        while self.store.notices:
            self.notify(
                self.store.notices.pop(0), title="Session file", severity="warning", timeout=30
            )
        self.sub_title = f"session: {Path(self.store.path).name}"  # the full path: help, quit

    def follow_session(self, node: DOMNode, refresh: Callable[[], object]) -> None:
        """Call `refresh` each time the session moves on, at once, so that a key typed ahead
        meets a screen already showing the change. A failure is the app's to show, as any
        other would be (Textual's signals only log what their callbacks raise)."""

        def moved_on(_entry: Entry) -> None:
            try:
                refresh()
            except Exception as error:
                self.call_next(_raise, error)

        self.session_changed_signal.subscribe(node, moved_on, immediate=True)

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        try:
            entry = self.store.undo() if which == "undo" else self.store.redo()
        except SaveFailed as exc:
            self._show_store_notices()
            self._show_arrived()  # what it read in before it could not save
            self.notify(f"{exc}. Nothing was changed.", title="Could not save", severity="error")
            return
        except ActionRefused as exc:
            self._show_store_notices()
            self._show_arrived()  # what it read in
            word = "Not undone" if which == "undo" else "Not redone"
            self.notify(f"{word}: {exc}.", title="Not done", severity="warning")
            return
        self._show_store_notices()
        if entry is None:
            self._show_arrived()
            self.notify(f"Nothing to {which} in this window{NOTHING_TO[which]}", timeout=4)
            return
        from ..wording.describe import describe_action

        self.session_changed_signal.publish(self.store.entries[-1])
        self._show_arrived(published=True)
        word = "Undone" if which == "undo" else "Redone"
        self.notify(f"{word}: {describe_action(entry.action, self.store.state)}", timeout=4)

    # -- the room ---------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Quit (every action is already saved), but not past a note typed and not saved."""
        if not any(isinstance(s, HoldsTyping) and s.unsaved_text() for s in self.screen_stack):
            self.exit()
            return
        from .dialogs.choose import Confirm

        def answer(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(Confirm("Quit without saving what you typed?"), answer)

    def action_pause(self) -> None:
        from .screens.pause import PauseScreen

        if not isinstance(self.screen, PauseScreen):
            self.push_screen(PauseScreen())

    def action_pause_room(self) -> None:
        """Pause every screen in the room: every window's and every phone's pause screen."""
        from ..session.actions import RoomSet

        if not self.leads:
            self.notify("Only the facilitator's window pauses every screen.", timeout=4)
        elif not self.store.state.room.get("paused"):
            self._paused_here = True  # this window carries the room on, no other
            if not self.record(RoomSet(setting="paused", on=True)):
                self._paused_here = False

    def action_follow_team(self) -> None:
        """Follow one team's journeys as they walk them on their own page (or stop)."""
        from .dialogs.choose import Choose

        teams = [(t.id, t.name) for t in self.store.state.teams.values()]
        if not teams:
            self.notify("This session has no teams to follow.", timeout=4)
            return

        def chosen(team: str | None) -> None:
            if team is None:
                return
            self.following = team or None
            if self.following is None:
                self.notify("Following no team: the map stays with your own persona.")
            else:
                name = self.store.state.teams[team].name
                self.notify(f"Following {name}: the map goes to whichever of their personas "
                            "moves on.")  # fmt: skip

        options = [*teams, ("", "No team: stay with my own persona")]
        self.push_screen(Choose("Follow which team?", options), chosen)

    def _follow_the_team(self, arrived: list[Entry]) -> None:
        if self.following is None:
            return
        personas = self.store.state.personas
        for entry in reversed(arrived):
            action = entry.action
            if isinstance(action, JOURNEY_ACTIONS):
                persona = personas.get(action.persona)
                if persona is not None and persona.team == self.following:
                    self.persona = persona.id
                    return

    def action_end_event(self) -> None:
        """End the event for every team page and phone (the facilitator's window only)."""
        from ..session.actions import RoomSet
        from .dialogs.choose import Confirm

        if not self.leads:
            self.notify("Only the facilitator's window ends the event.", timeout=4)
            return
        if self.store.state.room.get("ended"):
            self.notify("The event has ended already; ctrl+z takes that back.", timeout=4)
            return

        def answer(end: bool | None) -> None:
            if end:
                self.record(RoomSet(setting="ended", on=True), ENDED_HERE)

        self.push_screen(Confirm(END_QUESTION), answer)

    def _follow_the_room(self) -> None:
        """Show the room's pause screen while the room is paused (whichever window paused it),
        and take it away once it carries on; the header follows the event's title."""
        from .screens.pause import PauseScreen

        self.title = self.store.state.event.title or self.store.state.pathway.title
        ended = bool(self.store.state.room.get("ended"))
        if ended != self._said_ended:
            self._said_ended = ended
            if ended and not self.leads:
                self.notify(ENDED_THERE, title="The event has ended", timeout=30)
        paused = bool(self.store.state.room.get("paused"))
        showing = [s for s in self.screen_stack if isinstance(s, PauseScreen) and s.room]
        if not paused:
            self._paused_here = False
        if paused and not showing:
            here = self.leads and self._paused_here
            self.push_screen(PauseScreen(room=True, leads=here))
        elif not paused and showing:
            for screen in showing:
                if screen is self.screen:
                    screen.dismiss()

    def action_next_theme(self) -> None:
        names = THEME_NAMES
        following = (
            names[(names.index(self.theme) + 1) % len(names)] if self.theme in names else names[0]
        )
        self.theme = following
        said = f"Colours: {THEME_WORDS[following]}"
        if not save_setting("theme", following, self.SETTINGS):
            said += " (for now: the settings folder could not be written, so not remembered)"
        self.notify(said, timeout=3)

    def action_room_notes(self) -> None:
        from .dialogs.room_notes import RoomNotes

        if not self.leads:
            self.notify("Notes from the room are the facilitator's to read first.", timeout=4)
            return
        if not isinstance(self.screen, RoomNotes):
            self.push_screen(RoomNotes())

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        """Not over a dialog: its commands would open screens while the dialog waits."""
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen):
            self.notify("Finish or close this window first (Esc).", timeout=3)
            return
        super().action_command_palette()

    def get_system_commands(self, screen: Screen):
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id in (  # all are, as listed above
                "show-map",
                "show-personas",
                "show-issues",
                "export",
                "pause",
                "undo",
                "redo",
                "next-theme",
                "help",
            ):
                yield SystemCommand(
                    binding.description,
                    f"key {binding.key.split(',')[0]}",
                    self._runner(binding.action),
                )

    def _runner(self, action: str):
        def run() -> None:
            self.call_later(self.run_action, action)

        return run

    # -- export -----------------------------------------------------------------------------
    def action_export(self) -> None:
        from .screens.export import ExportScreen

        # The window asks first: the full export, or a copy for circulation (ExportChosen).
        self.push_screen(ExportScreen(self.export_folder))

    def export_folder(self, for_circulation: bool = False) -> Path:
        """Where an export of this session goes, as `lensmap export` puts it: a copy for
        circulation in a folder of its own, beside the full export."""
        from ..storage.locations import exports_dir, safe_name

        name = safe_name(Path(self.store.path).stem)
        return exports_dir() / (name + "-for-circulation" * for_circulation)

    @on(ExportChosen)
    def _export_chosen(self, chosen: ExportChosen) -> None:
        # Started even if the window has closed since (Esc typed straight after Enter): the
        # export was asked for, and how it went is then said in a notice.
        content = self.store.state.content()  # taken now, on this thread
        self.run_export(chosen.window, content, chosen.for_circulation)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, screen: Screen, content, for_circulation: bool = False) -> None:
        """Write the export, telling the app how it goes (posting a message is safe from this
        thread); the app passes that on to the export window while it is open."""
        from ..export.writer import export_session

        folder = self.export_folder(for_circulation)
        notes: list[str] = []  # what the export says about what it wrote

        def progress(done: int, total: int, name: str) -> None:
            self.post_message(ExportProgress(screen, done, total, name))

        try:
            export_session(content, folder, progress, notes=notes, for_circulation=for_circulation)
        except Exception as exc:  # reported on screen (ExportFailed calmly, in its own words)
            self.post_message(ExportFinished(screen, None, str(exc)))
        else:
            self.post_message(ExportFinished(screen, folder, None, tuple(notes)))

    def _export_window_open(self, window: Screen) -> bool:
        """Whether the export window is still there to be told (decided here, on the app's
        own thread, so it cannot close between the question and the answer)."""
        return window in self.screen_stack and window.is_attached

    @on(ExportProgress)
    def _export_progress(self, progress: ExportProgress) -> None:
        if self._export_window_open(progress.window):
            progress.window.post_message(progress.again())

    @on(ExportFinished)
    def _export_finished(self, finished: ExportFinished) -> None:
        """Tell the export window, or, if it was closed meanwhile, say how it went."""
        if self._export_window_open(finished.window):
            self._export_news[finished.window] = finished  # until it says it showed it
            finished.window.post_message(finished.again())
        else:
            self._say_how_the_export_went(finished)

    @on(ExportWindowClosed)
    def _export_window_closed(self, closed: ExportWindowClosed) -> None:
        news = self._export_news.pop(closed.window, None)
        if news is not None and not closed.shown:  # closed with the news unread
            self._say_how_the_export_went(news)

    def _say_how_the_export_went(self, finished: ExportFinished) -> None:
        if finished.problem:
            self.notify(
                f"The export could not be finished: {finished.problem}. The session is safe.",
                severity="warning",
                timeout=15,
            )
        else:
            from .screens.export import sentences

            said = "".join(f" {line}" for line in sentences(finished.notes))
            done = f"Export finished: {finished.folder}{'.' * bool(said)}{said}"
            self.notify(done, timeout=15 if said else 8)


def _raise(error: Exception) -> None:
    raise error


def _map_screen() -> Screen:
    from .screens.map import MapScreen

    return MapScreen()


def _personas_screen() -> Screen:
    from .screens.personas import PersonasScreen

    return PersonasScreen()


def _issues_screen() -> Screen:
    from .screens.issues import IssuesScreen

    return IssuesScreen()


def _journey_screen() -> Screen:
    from .screens.journey import JourneyScreen

    return JourneyScreen()


def make_app(
    store: SessionStore, *, warnings: list[str] | None = None, leads: bool = True
) -> LensmapApp:
    """The one way to build the app: used by the command line, Pilot tests and snapshots.
    `leads`: the facilitator's window, not a team's page of `lensmap serve --room`."""
    return LensmapApp(store, warnings=warnings, leads=leads)

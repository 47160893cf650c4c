"""The personas screen, the pause screen, help, export progress and the command palette."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList, ProgressBar

from lensmap.session.content import SessionContent
from lensmap.session.store import SessionStore
from lensmap.tui.app import LensmapApp, make_app
from lensmap.tui.commands import LensmapCommands
from lensmap.tui.messages import ExportFinished, ExportProgress
from lensmap.tui.screens.export import ExportScreen
from lensmap.tui.screens.help import HELP_FILE, HelpScreen
from lensmap.tui.screens.pause import PauseScreen
from lensmap.tui.screens.personas import PersonasScreen

SIZES = [(120, 36), (80, 24)]
GILL_PHRASE = "attempts to take her own life"
GILL_NOTICE = (
    "This vignette mentions: childhood abuse, domestic violence, suicide attempts. "
    "Press Enter to show it."
)
OLLIE_PHRASE = "works in a local shop part time"


def rendered(app: LensmapApp, selector: str | None = None) -> str:
    """The text on screen (or inside one widget), as the room sees it, with wrapping undone."""
    screen = app.screen
    strips = screen._compositor.render_strips()
    region = screen.query_one(selector).content_region if selector else screen.region
    lines = [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]
    return " ".join(" ".join(lines).split())


def squashed(text: str) -> str:
    """Text without any spaces, for long paths that wrap mid-name."""
    return "".join(text.split())


def everything_held(app: LensmapApp) -> str:
    """All text any widget on the screen holds, shown or not, so nothing can hide off screen."""
    held = []
    for widget in app.screen.query("*"):
        if isinstance(widget, OptionList):
            held.extend(str(option.prompt) for option in widget.options)
        content = getattr(widget, "content", None)
        if content is not None:
            held.append(str(content))
    return " ".join(" ".join(held).split())


def highlighted(app: LensmapApp) -> str | None:
    option = app.screen.query_one("#personas-list", OptionList).highlighted_option
    return option.id.removeprefix("persona:") if option and option.id else None


async def go_to(pilot, persona_id: str) -> None:
    """Move the list's highlight to a persona with the arrow keys, as a facilitator would."""
    app = pilot.app
    order = app.screen.persona_order()
    for _ in range(len(order) * 2):
        if highlighted(app) == persona_id:
            return
        here = order.index(highlighted(app))
        await pilot.press("down" if order.index(persona_id) > here else "up")
    assert highlighted(app) == persona_id


def with_palette(app: LensmapApp) -> LensmapApp:
    """The lensmap commands in the palette (until app.py lists them itself)."""
    if LensmapCommands not in app.COMMANDS:
        app.COMMANDS = app.COMMANDS | {LensmapCommands}
    return app


@pytest.fixture
def app_without_notes(tmp_path: Path, content: SessionContent, clock) -> LensmapApp:
    """A session in which Ollie's vignette carries no content notes."""
    personas = [
        p.model_copy(update={"content_notes": []}) if p.id == "ollie" else p
        for p in content.personas
    ]
    plain = SessionContent(
        event=content.event, pathway=content.pathway, teams=content.teams, personas=personas
    )
    store = SessionStore.create(tmp_path / "plain.lens", plain, clock=clock)
    yield make_app(store)
    store.close()


# -- the personas screen --------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_teams_are_listed_with_risk_and_purpose(app: LensmapApp, size) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, PersonasScreen)
        assert app.current_mode == "personas"
        listed = rendered(app, "#personas-list")
        for team in ("Team 1", "Team 2", "Team 3"):
            assert team in listed
        for name in ("Ollie, 32", "Jay, 42", "Gill, 30", "Bruno, 25", "Stuart, 25", "Lauren, 35"):
            assert name in everything_held(app)
        await go_to(pilot, "stuart")
        detail = rendered(app, "#persona-detail")
        assert "Team 3 · Higher risk, more chaotic" in detail
        assert "Team 3 discusses: Criminal justice social work" in everything_held(app)
        assert "Suggested start: Criminal justice order (e.g. DTTO)" in detail


@pytest.mark.parametrize("size", SIZES)
async def test_content_notes_come_before_the_vignette(app: LensmapApp, size) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        await go_to(pilot, "gill")
        assert GILL_NOTICE in rendered(app, "#vignette")
        assert GILL_PHRASE not in rendered(app)
        assert GILL_PHRASE not in everything_held(app)
        assert "abuse she experienced" not in everything_held(app)

        await pilot.press("enter")
        assert "This vignette mentions" not in rendered(app, "#vignette")
        # the whole vignette is there to read: on screen, or a scroll of the panel away
        detail = app.screen.query_one("#persona-detail")
        detail.scroll_to(y=detail.scroll_y + 4, animate=False)
        await pilot.pause()
        assert GILL_PHRASE in rendered(app, "#vignette")

        await pilot.press("h")
        assert GILL_PHRASE not in everything_held(app)
        assert GILL_NOTICE in rendered(app, "#vignette")


async def test_moving_away_hides_the_vignette_again(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await go_to(pilot, "gill")
        await pilot.press("enter")
        assert GILL_PHRASE in everything_held(app)
        await go_to(pilot, "bruno")
        assert "This vignette mentions: childhood abuse, memory blackouts" in rendered(app)
        await go_to(pilot, "gill")
        assert GILL_PHRASE not in everything_held(app)
        assert GILL_NOTICE in rendered(app, "#vignette")


async def test_a_vignette_without_content_notes_shows_directly(app_without_notes) -> None:
    app = app_without_notes
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await go_to(pilot, "ollie")
        assert OLLIE_PHRASE in rendered(app, "#vignette")
        assert "This vignette mentions" not in everything_held(app)
        # Enter has nothing to show, and the footer does not offer it.
        assert "Show vignette" not in rendered(app)
        await go_to(pilot, "gill")
        assert GILL_PHRASE not in everything_held(app)


async def test_walk_this_persona_goes_to_the_map(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await go_to(pilot, "lauren")
        assert app.persona != "lauren"
        await pilot.press("s")
        assert app.persona == "lauren"
        assert app.current_mode == "map"
        await pilot.press("t")
        assert highlighted(app) == "lauren"
        assert "Lauren, 35 ◆ on the map" in rendered(app, "#personas-list")


async def test_journey_marks_follow_the_session(app: LensmapApp) -> None:
    from lensmap.session.actions import StepTaken

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await go_to(pilot, "jay")
        assert "Journey: not started" in rendered(app, "#persona-detail")
        assert app.record(StepTaken(persona="jay", stage="self_referral"))
        await pilot.pause()
        assert "Journey: under way, now at Self-referral (1 step)" in rendered(app)
        assert "under way, 1 step" in rendered(app, "#personas-list")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Journey: not started" in rendered(app, "#persona-detail")


# -- pause -----------------------------------------------------------------------------------
def session_words(app: LensmapApp) -> list[str]:
    state = app.store.state
    words = [p.name for p in state.personas.values()]
    words += [t.name for t in state.teams.values()]
    words += [s.label for s in state.pathway.stages]
    words += [state.pathway.title, state.event.title, "session:", str(app.store.path)]
    return [w for w in words if w]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", ["personas", "map"])
async def test_pause_hides_the_session_and_space_returns(app: LensmapApp, size, mode) -> None:
    with_palette(app)
    async with app.run_test(size=size) as pilot:
        await pilot.press({"personas": "t", "map": "m"}[mode])
        before = app.screen
        await pilot.press("space")
        assert isinstance(app.screen, PauseScreen)
        shown = rendered(app)
        assert "Taking a pause" in shown
        assert "Press space when the room is ready to continue." in shown
        for word in session_words(app):
            assert word not in shown, word
        # The footer offers only the way back.
        for other in ("Map", "Issues", "Export", "Quit", "palette"):
            assert other not in shown

        # No other key brings the session back while paused.
        for key in ("m", "t", "i", "e", "question_mark", "ctrl+p"):
            await pilot.press(key)
            assert isinstance(app.screen, PauseScreen), key
            assert not CommandPalette.is_open(app)
        assert app.current_mode == mode

        await pilot.press("space")
        assert app.screen is before
        assert app.current_mode == mode
        assert app.use_command_palette


async def test_escape_also_ends_a_pause(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t", "space")
        assert isinstance(app.screen, PauseScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, PersonasScreen)


# -- help ------------------------------------------------------------------------------------
KEY_WORDS = {"question_mark": "?", "plus": "+", "minus": "-", "equals_sign": "=", "f1": "F1"}


def documented(binding, help_md: str) -> bool:
    """Every key of a binding is named in the help, as `key`."""
    keys = [KEY_WORDS.get(key, key) for key in binding.key.split(",")]
    return all(f"`{key}`" in help_md for key in keys)


def test_help_lists_every_key() -> None:
    from lensmap.tui.screens.issues import IssuesScreen
    from lensmap.tui.screens.map import MapScreen

    help_md = HELP_FILE.read_text(encoding="utf-8")
    owners = (LensmapApp, MapScreen, IssuesScreen, PersonasScreen, PauseScreen, HelpScreen)
    for owner in (*owners, ExportScreen):
        for binding in owner.BINDINGS:
            assert documented(binding, help_md), (owner.__name__, binding.key)
            if binding.show:
                assert binding.description, (owner.__name__, binding.key)
                assert binding.id, (owner.__name__, binding.key)
    assert "`ctrl+p`" in help_md
    for symbol in ("✓", "✗", "▲", "◆", "→", "=", "↑", "↓"):
        assert f"{symbol} **" in help_md


@pytest.mark.parametrize("size", SIZES)
async def test_help_opens_with_question_mark_and_f1(app: LensmapApp, size) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        for opener, closer in (("question_mark", "escape"), ("f1", "q")):
            await pilot.press(opener)
            assert isinstance(app.screen, HelpScreen)
            assert "Keys that work everywhere" in rendered(app)
            await pilot.press(closer)
            assert isinstance(app.screen, PersonasScreen)
        assert app.is_running  # q closed help, not lensmap


async def test_help_scrolls_to_the_end(app: LensmapApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1", "end")
        await pilot.pause()
        assert "Your work is saved as you go" in rendered(app)


# -- export ----------------------------------------------------------------------------------
async def test_export_window_shows_progress_then_the_folder(app: LensmapApp, tmp_path) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = ExportScreen()
        await app.push_screen(screen)
        assert "For circulation (to share outside the room) ◂ no ▸" in rendered(app)
        app.post_message(ExportProgress(screen, 1, 3, "issues.csv"))  # as if started
        await pilot.pause()
        assert "Exporting" in rendered(app) and "For circulation" not in rendered(app)
        bar = screen.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (1, 3)
        assert "Writing issues.csv" in rendered(app)
        await pilot.press("enter")  # not finished: Enter does not hide it
        assert app.screen is screen

        app.post_message(ExportFinished(screen, tmp_path / "exports" / "event", None))
        await pilot.pause()
        saved = squashed(rendered(app, "#export-box"))  # the box alone: a long path wraps
        assert squashed(f"Saved to {tmp_path / 'exports' / 'event'}") in saved
        await pilot.press("enter")
        assert not isinstance(app.screen, ExportScreen)


async def test_export_window_reports_a_problem_calmly(app: LensmapApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ExportScreen()
        await app.push_screen(screen)
        app.post_message(ExportFinished(screen, None, "the folder is read-only"))
        await pilot.pause()
        shown = rendered(app)
        assert "The export could not be finished." in shown
        assert "the folder is read-only" in shown
        assert "The session itself is safe" in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)


async def test_pressing_e_then_enter_exports_the_session(app: LensmapApp, tmp_path) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        assert not (tmp_path / "exports").exists()  # it asks first: nothing written yet
        await pilot.press("enter")  # not for circulation, unless chosen: the full export
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        folder = tmp_path / "exports" / "event"
        assert (folder / "session.json").is_file()
        assert squashed(f"Saved to {folder}") in squashed(rendered(app, "#export-step"))
        # The window says it; no notice says it again beside it.
        assert not [n for n in app._notifications if "Export finished" in str(n.message)]
        await pilot.press("enter")
        assert app.current_mode == "map"
        assert not isinstance(app.screen, ExportScreen)


async def test_a_window_closed_as_its_export_finishes_leaves_a_notice(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = ExportScreen()
        await app.push_screen(screen)
        # The app finds the window open and passes the news on, and the window closes before
        # it reads it (Esc already waiting).
        app._export_finished(ExportFinished(screen, Path("somewhere"), None))
        screen.dismiss()
        await pilot.pause()
        await pilot.pause()
        said = [str(notice.message) for notice in app._notifications]
        assert "Export finished: somewhere" in said, said


async def test_closing_export_early_is_safe(app: LensmapApp, tmp_path, monkeypatch) -> None:
    from lensmap.export import writer

    closed = threading.Event()
    export_session = writer.export_session

    def after_the_window_closed(*args, **kwargs):
        assert closed.wait(10)
        return export_session(*args, **kwargs)

    monkeypatch.setattr(writer, "export_session", after_the_window_closed)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e", "enter", "escape")  # closed at once: the export carries on
        closed.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        folder = tmp_path / "exports" / "event"
        assert (folder / "session.json").is_file()
        said = [notice.message for notice in app._notifications]
        assert any(squashed(f"Export finished: {folder}") in squashed(m) for m in said), said


# -- the command palette ---------------------------------------------------------------------
async def palette_prompts(pilot, query: str) -> list[str]:
    app = pilot.app
    await pilot.press("ctrl+p")
    assert CommandPalette.is_open(app)
    await pilot.press(*query)
    await app.workers.wait_for_complete()
    await pilot.pause(0.3)
    commands = app.screen.query_one("CommandList", OptionList)
    return [str(option.prompt) for option in commands.options]


async def test_palette_opens_a_persona(app: LensmapApp) -> None:
    with_palette(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        prompts = await palette_prompts(pilot, "Open persona Gill")
        assert "Open persona Gill" in prompts[0]
        await pilot.press("enter")
        await pilot.pause()
        assert app.persona == "gill"
        assert app.current_mode == "map"


async def test_palette_lists_personas_before_typing(app: LensmapApp) -> None:
    with_palette(app)
    async with app.run_test(size=(120, 36)) as pilot:
        prompts = await palette_prompts(pilot, "")
        assert any("Open persona Gill" in p for p in prompts)
        assert any("Show vignette of Lauren" in p for p in prompts)


async def test_palette_shows_a_vignette_behind_its_notes(app: LensmapApp) -> None:
    with_palette(app)
    async with app.run_test(size=(120, 36)) as pilot:
        prompts = await palette_prompts(pilot, "Show vignette of Gill")
        assert "Show vignette of Gill" in prompts[0]
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "personas"
        assert highlighted(app) == "gill"
        assert GILL_NOTICE in rendered(app, "#vignette")
        assert GILL_PHRASE not in everything_held(app)


async def test_palette_tags_a_stage_on_the_map(app: LensmapApp) -> None:
    with_palette(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        prompts = await palette_prompts(pilot, "Tag stage Triage as barrier")
        assert "Tag stage Triage as barrier" in prompts[0]
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "map"
        assert type(app.screen).__name__ == "TagDialog"


async def test_palette_pauses(app: LensmapApp) -> None:
    with_palette(app)
    async with app.run_test(size=(120, 36)) as pilot:
        prompts = await palette_prompts(pilot, "Pause the session")
        assert "Pause the session" in prompts[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)


# -- snapshots -------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_snapshot_personas_with_content_note(app: LensmapApp, snap_compare, size) -> None:
    async def same_header(pilot) -> None:
        pilot.app.sub_title = "session: event.lens"  # not the test's own temporary folder

    assert snap_compare(
        app, press=["t", "down", "down"], terminal_size=size, run_before=same_header
    )


async def test_the_header_names_the_session_file_and_help_says_where_it_is(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        path = Path(app.store.path)
        assert app.sub_title == f"session: {path.name}"  # fits the header at 80 columns too
        await pilot.press("f1")
        where = str(app.screen.query_one("#help-session").render())
        assert where == f"This session is saved in {path}"

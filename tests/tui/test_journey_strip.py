"""The journey strip screen: a persona walked with keys typed without pauses, then the strip
checked against what the store holds (the steps in order, each window's band, the gap where
none was noted, the tags, the measures), the team view, hostile text, and snapshots."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import OptionList, Static

from lensmap.event.measures import measure_journey
from lensmap.event.model import Tag
from lensmap.session.actions import StepTaken, TagAdded, WindowSet
from lensmap.session.content import SessionContent
from lensmap.session.store import SessionStore
from lensmap.tui.app import LensmapApp, make_app
from lensmap.tui.screens.help import HELP_FILE
from lensmap.tui.screens.journey import JourneyScreen
from lensmap.tui.widgets.journey_strip import (
    BAND_LABEL,
    BANDS,
    COLUMN,
    LABEL_WIDTH,
    MARKER,
    MARKER_AT,
    JourneyStrip,
    journey_rows,
    persona_journey,
)
from lensmap.wording.measures_words import retellings_words
from tests.hostile import TERMINAL_CODES, data_codes_in, forbidden_in, hostile
from tests.workshop import record_morning

SIZES = [(120, 36), (80, 24)]

# Ollie's way as the map numbers it: GP referral 1, Triage 7, Waiting list 16, Comprehensive
# assessment 13, Care plan 17. The window dialog offers 1 within, 2 hyper, 3 hypo.
WALK_OLLIE = ("n", "1", "n", "7", "n", *"16", "w", "2", "n", *"13", "w", "2", "n", *"17", "w", "1")
OLLIE_STAGES = ["gp_referral", "triage", "waiting_list", "comprehensive_assessment", "care_plan"]
OLLIE_WINDOWS = [None, None, "hyper", "hyper", "within"]


def strip_of(app: LensmapApp) -> JourneyStrip:
    screen = app.screen
    assert isinstance(screen, JourneyScreen)
    return screen.query_one(JourneyStrip)


def on_screen(app: LensmapApp) -> str:
    """Every line the room sees now."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def text_of(app: LensmapApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


def block_of(app: LensmapApp, name: str) -> list[str]:
    """The lines of one persona's part of the strip, under their heading, up to the next."""
    strip = strip_of(app)
    lines, rows = strip.lines(), strip.rows
    start = next(i for i, row in enumerate(rows) if row.heading and row.heading.name == name)
    end = next((i for i in range(start + 1, len(rows)) if rows[i].heading), len(rows))
    return lines[start + 1 : end]


def band_row(block: list[str], band: str) -> str:
    return next(line for line in block if line.startswith(" " + BAND_LABEL[band]))


def column_span(number: int) -> slice:
    """The cells of step `number` (from 1) in a line of the strip, its steps unscrolled."""
    start = LABEL_WIDTH + (number - 1) * COLUMN
    return slice(start, start + COLUMN)


def marker_bands(block: list[str], steps: int) -> list[str | None]:
    """For each step, the band its mark is drawn in (None for none), read off the lines."""
    found: list[str | None] = []
    for number in range(1, steps + 1):
        x = LABEL_WIDTH + (number - 1) * COLUMN + MARKER_AT
        bands = [b for b in BANDS if band_row(block, b)[x : x + 1] == MARKER]
        assert len(bands) <= 1, (number, bands)
        found.append(bands[0] if bands else None)
    return found


def titles(block: list[str], steps: int) -> list[str]:
    """Each step's first title line, read from its column."""
    line = next(line for line in block if line.startswith(" Stage"))
    return [line[column_span(n)].strip(" │") for n in range(1, steps + 1)]


def column_words(block: list[str], number: int) -> list[str]:
    return [line[column_span(number)].strip(" │") for line in block]


def stages_of(store: SessionStore, persona: str) -> list[str]:
    journey = store.state.journeys.get(persona)
    return [s.stage for s in journey.steps] if journey else []


def expected_measures(store: SessionStore, persona: str):
    state = store.state
    return measure_journey(state.pathway, state.journeys[persona], state.personas[persona].entry)


# -- walking, then the strip ----------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_the_strip_shows_the_journey_walked_with_keys(app: LensmapApp, size) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.press(*WALK_OLLIE)  # typed ahead, no pauses between
        await pilot.press("b", *"Not explained", "enter")  # a barrier at Care plan
        assert stages_of(app.store, "ollie") == OLLIE_STAGES
        journey = app.store.state.journeys["ollie"]
        assert [s.window for s in journey.steps] == OLLIE_WINDOWS
        await pilot.press("l")
        assert app.current_mode == "journey"
        lines = strip_of(app).lines()
        block = block_of(app, "Ollie")
        assert lines[0].startswith(" Ollie · Team 1 · 5 steps")
        labels = [app.store.state.pathway.label_of(s) for s in OLLIE_STAGES]
        for number, (title, label) in enumerate(zip(titles(block, 5), labels, strict=True), 1):
            assert f"{number} {label}".startswith(title), (title, label)
        assert marker_bands(block, 5) == OLLIE_WINDOWS
        (tag,) = app.store.state.tags.values()
        assert (tag.stage, tag.kind, tag.persona) == ("care_plan", "barrier", "ollie")
        assert "✗ barrier" in column_words(block, 5)
        assert "Not explained" in column_words(block, 5)
        # What the room sees: the first steps, the bands' names beside them, in words.
        seen = on_screen(app)
        for words in ("1 GP referral", "2 Triage", "↑ Overwhelmed", "= Within window"):
            assert words in seen
        assert "↓ Shut down" in seen
        assert "steps 1 to 3 of 5, ← → for more" in seen


async def test_no_window_noted_leaves_a_gap_with_no_line_across_it(app: LensmapApp) -> None:
    store = app.store
    for stage, window in (("gp_referral", "hyper"), ("triage", None), ("waiting_list", "within")):
        store.record(StepTaken(persona="ollie", stage=stage, window=window))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        block = block_of(app, "Ollie")
        assert marker_bands(block, 3) == ["hyper", None, "within"]
        for band in BANDS:  # nothing at all in the bands for step 2: not a guess, not a line
            assert band_row(block, band)[column_span(2)].strip() == "", band
        assert "○ no window noted" in column_words(block, 2)
        assert "○ no window noted" not in column_words(block, 1)
        # Two steps next to each other with windows are joined: step 3 (within) to step 4 (hypo).
        store.record(StepTaken(persona="ollie", stage="comprehensive_assessment", window="hypo"))
        app.session_changed_signal.publish(store.entries[-1])
        await pilot.pause()
        block = block_of(app, "Ollie")
        turn = LABEL_WIDTH + 3 * COLUMN
        assert band_row(block, "within")[turn - 1 : turn + 1] == "━┓"
        assert band_row(block, "hypo")[turn : turn + 2] == "┗━"
        assert band_row(block, "hyper")[column_span(2)].strip() == ""


def test_a_line_from_shut_down_to_overwhelmed_passes_through_the_window(store) -> None:
    store.record(StepTaken(persona="ollie", stage="gp_referral", window="hypo"))
    store.record(StepTaken(persona="ollie", stage="triage", window="hyper"))
    rows, width = journey_rows([persona_journey(store.state, "ollie")])
    assert width == 2 * COLUMN + 1
    lines = ["".join(text for text, _ in (*row.left, *row.body)) for row in rows]
    bands = {band: band_row(lines, band) for band in BANDS}
    start, turn = LABEL_WIDTH + MARKER_AT, LABEL_WIDTH + COLUMN
    assert bands["hypo"][start : turn + 1] == MARKER + "━" * (COLUMN - MARKER_AT - 1) + "┛"
    assert bands["within"][turn] == "┃"
    assert bands["hyper"][turn : turn + MARKER_AT + 1] == "┏" + "━" * (MARKER_AT - 1) + MARKER
    assert bands["within"][LABEL_WIDTH:].strip() == "┃"  # only the line passing through


async def test_the_measures_are_those_of_the_stored_journey(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*WALK_OLLIE, "l")
        m = expected_measures(app.store, "ollie")
        assert m.retellings == 2  # Triage and the comprehensive assessment ask for her story
        assert text_of(app, "#journey-headline") == (
            "Asked for their story 2 times\nat Triage and Comprehensive assessment"
        )
        numbers = text_of(app, "#journey-numbers")
        for value, what in (
            (m.steps, "Steps"),
            (m.handoffs, "Handoffs between services"),
            (m.waits, "Waits"),
            (m.revisits, "Revisits (back at a stage"),
            (m.jumps, "Jumps (no transition from"),
            (m.outside_window, "Steps outside the window of"),
        ):
            assert f"\n{value:>3}  {what}" in numbers, (what, numbers)
        assert "Outcome: journey under way" in numbers
        assert f"  1  {m.services[0]}" in numbers
        # A retelling more (the assessment again) says so at once, and so does undo.
        assert app.record(StepTaken(persona="ollie", stage="comprehensive_assessment"))
        await pilot.pause()
        assert expected_measures(app.store, "ollie").retellings == 3
        assert text_of(app, "#journey-headline").startswith("Asked for their story 3 times\n")
        block = block_of(app, "Ollie")
        assert "↺ again" in column_words(block, 6) and "❝ asked for story" in column_words(block, 6)
        await pilot.press("ctrl+z")
        assert text_of(app, "#journey-headline").startswith("Asked for their story 2 times\n")
        assert strip_of(app).lines()[0].startswith(" Ollie · Team 1 · 5 steps")


async def test_one_retelling_and_a_jump_in_words(app: LensmapApp) -> None:
    store = app.store
    store.record(StepTaken(persona="ollie", stage="gp_referral"))
    store.record(StepTaken(persona="ollie", stage="cmht_referral"))  # a jump
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        m = expected_measures(store, "ollie")
        assert (m.jumps, m.retellings) == (1, 1)
        assert text_of(app, "#journey-headline").startswith("Asked for their story once")
        block = block_of(app, "Ollie")
        assert "↷ jump" in column_words(block, 2)
        assert "↷ jump" not in column_words(block, 1)
        assert f"\n{1:>3}  Jumps (no transition from" in text_of(app, "#journey-numbers")


async def test_the_team_view_puts_both_personas_one_above_the_other(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*WALK_OLLIE, "s", "n", "enter", "w", "3")  # Jay: self-referral, hypo
        assert app.persona == "jay"
        assert stages_of(app.store, "jay") == ["self_referral"]
        await pilot.press("l")
        lines = strip_of(app).lines()
        assert lines[0].startswith(" Jay · Team 1 · 1 step")
        assert not any(line.startswith(" Ollie ·") for line in lines)
        await pilot.press("v")
        lines = strip_of(app).lines()
        headings = [line.split(" · ")[0].strip() for line in lines if " · Team 1 · " in line]
        assert headings == ["Ollie", "Jay"]  # the team's order, one above the other
        assert marker_bands(block_of(app, "Ollie"), 5) == OLLIE_WINDOWS
        assert marker_bands(block_of(app, "Jay"), 1) == ["hypo"]
        headline = text_of(app, "#journey-headline")
        assert headline.startswith("Ollie\nAsked for their story 2 times")
        jay = retellings_words(expected_measures(app.store, "jay").retellings)
        assert f"Jay\n{jay}" in headline
        numbers = text_of(app, "#journey-numbers")
        assert numbers.index("Ollie") < numbers.index("Jay")
        assert "v This persona" in on_screen(app)
        await pilot.press("v")
        assert not any(line.startswith(" Ollie ·") for line in strip_of(app).lines())


async def test_a_team_partner_not_started_is_said_calmly(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "1", "l", "v")  # typed ahead: the screen opens in team view
        lines = strip_of(app).lines()
        assert lines[0].startswith(" Ollie · Team 1 · 1 step")
        assert " Jay · Team 1 · not started" in lines
        assert any("Not started yet: on the map, s chooses Jay" in line for line in lines)


async def test_left_and_right_move_a_step_at_a_time(app: LensmapApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*WALK_OLLIE, "l", "right")
        strip = strip_of(app)
        assert strip.scroll_x == COLUMN
        assert "steps 2 to 4 of 5" in on_screen(app)
        await pilot.press("right", "right", "right")
        assert strip.scroll_x == strip.max_scroll_x == 2 * COLUMN  # it stops at a step
        seen = on_screen(app)
        assert "5 Care plan and" in seen and "1 GP referral" not in seen
        assert "◆ here now" in seen
        await pilot.press("left")
        assert strip.scroll_x == COLUMN
        await pilot.press("home")
        assert strip.scroll_x == 0
        await pilot.press("end")
        assert strip.scroll_x == strip.max_scroll_x


async def test_the_strip_follows_the_persona_being_walked(app: LensmapApp) -> None:
    store = app.store
    store.record(StepTaken(persona="stuart", stage="prison_release", window="hypo"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        assert "Ollie's journey has no steps yet." in text_of(app, "#journey-empty")
        assert "move Ollie with n or Enter" in text_of(app, "#journey-empty")
        assert not app.screen.query_one("#journey-body").display
        app.persona = "stuart"
        await pilot.pause()
        assert app.screen.query_one("#journey-body").display
        assert strip_of(app).lines()[0].startswith(" Stuart · Team 3 · 1 step")
        app.persona = None
        await pilot.pause()
        said = text_of(app, "#journey-empty")
        assert "Choose a persona on the map with s, then move with n or Enter" in said


async def test_a_tag_added_on_the_map_is_on_the_strip_when_it_opens(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "1", "l", "m", "r", *"Asked twice", "enter", "l")
        (tag,) = app.store.state.tags.values()
        assert (tag.kind, tag.stage, tag.persona) == ("risk", "gp_referral", "ollie")
        block = block_of(app, "Ollie")
        assert "▲ risk" in column_words(block, 1) and "Asked twice" in column_words(block, 1)
        assert "▲ re-traumatisation risk" in on_screen(app)  # the legend's full words


async def test_colours_change_and_the_words_stay(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*WALK_OLLIE, "l")
        before = strip_of(app).lines()
        await pilot.press("c")
        await pilot.pause()
        assert strip_of(app).lines() == before
        assert "↑ Overwhelmed" in on_screen(app)


# -- keys, help and the palette -------------------------------------------------------------
KEY_WORDS = {"left": "←", "right": "→"}


def test_every_key_of_the_strip_is_in_help() -> None:
    help_md = HELP_FILE.read_text(encoding="utf-8")
    for owner in (JourneyScreen, JourneyStrip):
        for binding in owner.BINDINGS:
            for key in binding.key.split(","):
                assert f"`{KEY_WORDS.get(key, key)}`" in help_md, (owner.__name__, key)
            assert binding.description and binding.id
    assert "`l` **Journey**" in help_md


async def test_the_palette_shows_the_journey_strip(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await pilot.press(*"Show the journey strip")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        commands = app.screen.query_one("CommandList", OptionList)
        assert "Show the journey strip" in str(commands.options[0].prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "journey"


async def test_help_says_how_the_strip_works(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "question_mark")
        await pilot.pause()
        assert "Journey strip" in HELP_FILE.read_text(encoding="utf-8")
        await pilot.press("escape")
        assert isinstance(app.screen, JourneyScreen)


# -- text from files and the room -----------------------------------------------------------
MARKUP_LABEL = "[bold]Tri[/]age [link=http://x]here[/link]"
MARKUP_NOTE = "[red]Loud[/red] \x1b[31mred\x1b[0m"


@pytest.fixture
def hostile_app(tmp_path: Path, content: SessionContent, clock):
    """The example with Triage's name and service, and a tag's note, full of markup and
    terminal codes."""
    stages = [
        s.model_copy(update={"label": MARKUP_LABEL, "service": hostile("[b]Duty[/b]")})
        if s.id == "triage"
        else s
        for s in content.pathway.stages
    ]
    pathway = content.pathway.model_copy(update={"stages": stages})
    odd = SessionContent(
        event=content.event, pathway=pathway, teams=content.teams, personas=content.personas
    )
    store = SessionStore.create(tmp_path / "odd.lens", odd, clock=clock)
    store.record(StepTaken(persona="ollie", stage="gp_referral"))
    store.record(StepTaken(persona="ollie", stage="triage", window="hyper"))
    note = f"{MARKUP_NOTE} {TERMINAL_CODES}"
    store.record(
        TagAdded(tag=Tag(id="t1", stage="triage", persona="ollie", kind="barrier", note=note))
    )
    yield make_app(store)
    store.close()


async def test_markup_and_terminal_codes_show_as_plain_text(hostile_app: LensmapApp) -> None:
    app = hostile_app
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        lines = strip_of(app).lines()
        assert all(forbidden_in(line) == set() for line in lines)
        block = block_of(app, "Ollie")
        words = " ".join(column_words(block, 2))
        assert "2 [bold]Tri[/]age" in words  # as written, never read as markup
        assert "[red]Loud[/red]" in words
        assert "[b]Duty[/b]" in words
        assert "\x1b" not in words
        strips = app.screen._compositor.render_strips()
        text = "\n".join("".join(s.text for s in strip if not s.control) for strip in strips)
        console = Console(width=120, file=io.StringIO(), force_terminal=True)
        raw = "".join(strip.render(console) for strip in strips)
        assert forbidden_in(text, lines=True) == set()
        assert data_codes_in(raw) == []
        assert "\x1b]8;" not in raw  # no link was made of [link=…]
        assert "[bold]Tri[/]age" in text_of(app, "#journey-headline")
        assert "[b]Duty[/b]" in text_of(app, "#journey-numbers")


# -- snapshots: a session path that does not depend on the test's folder ------------------------
@pytest.fixture
def snapshot_app(tmp_path: Path, monkeypatch, content: SessionContent, clock):
    monkeypatch.chdir(tmp_path)
    with SessionStore.create(Path("event.lens"), content, clock=clock) as store:
        record_morning(store)  # Ollie: five steps, with windows and tags; Stuart ended
        store.record(StepTaken(persona="jay", stage="self_referral", window="within"))
        store.record(StepTaken(persona="jay", stage="triage"))
        store.record(WindowSet(persona="jay", step=2, window="hypo"))
        store.record(
            TagAdded(tag=Tag(id="j1", stage="triage", persona="jay", kind="positive",
                             note="Seen the same day"))
        )  # fmt: skip
        yield make_app(store)


async def walking_ollie(pilot) -> None:
    """Ollie is walked; the notice that the session continues is gone, so all of the strip
    shows."""
    pilot.app.persona = "ollie"
    await pilot.pause()
    pilot.app.clear_notifications()


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_snapshot_strip(snapshot_app, snap_compare, size) -> None:
    assert snap_compare(snapshot_app, press=["l"], terminal_size=size, run_before=walking_ollie)


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_snapshot_team_view(snapshot_app, snap_compare, size) -> None:
    assert snap_compare(
        snapshot_app, press=["l", "v"], terminal_size=size, run_before=walking_ollie
    )


async def test_a_stages_tags_show_at_its_first_visit_and_later_visits_point_back(
    app: LensmapApp,
) -> None:
    store = app.store
    for stage in ("gp_referral", "triage", "waiting_list", "triage"):
        store.record(StepTaken(persona="ollie", stage=stage))
    store.record(TagAdded(tag=Tag(id="t1", stage="triage", persona="ollie", kind="barrier",
                                  note="Phone line only")))  # fmt: skip
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        block = block_of(app, "Ollie")
        assert "✗ barrier" in column_words(block, 2) and "Phone line only" in column_words(block, 2)
        later = column_words(block, 4)
        assert "✗ barrier" not in later and "see step 2" in later
        assert "see step" not in " ".join(column_words(block, 3))


async def test_a_new_step_comes_into_view(app: LensmapApp) -> None:
    store = app.store
    for stage in OLLIE_STAGES:
        store.record(StepTaken(persona="ollie", stage=stage))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l", "home")
        strip = strip_of(app)
        assert strip.columns_in_view()[0] == 1 and strip.columns_in_view()[1] < 6
        assert app.record(StepTaken(persona="ollie", stage="review"))  # from the map, say
        await pilot.pause()
        assert strip.columns_in_view()[1] == 6  # the newest step, in view

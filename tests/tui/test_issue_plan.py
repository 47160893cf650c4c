"""The plan on the Issues board: each issue's status in the dialog, the table and the detail
panel, and the plan's action and progress note kept whatever the board saves."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from lensmap.event.model import IssueNotes
from lensmap.session.actions import IssueEdited, PlanImported
from lensmap.session.store import SessionStore
from lensmap.tui.app import LensmapApp
from lensmap.tui.dialogs.issue_dialog import IssueDialog
from lensmap.tui.screens.issues import IssuesScreen, plan_columns
from lensmap.tui.widgets.choice import Choice
from tests.tui.test_issues_board import (
    BARRIER_AT_PSYCHOLOGY,
    RISK_AT_ASSESSMENT,
    add_tags,
    board,
    column,
    highlighted,
    open_board,
    table_lines,
    text_of,
)
from tests.tui.test_typed_ahead import type_ahead

WIDE = (150, 40)  # wide enough for the status column (from 131 columns)

PLANNED = IssueNotes(
    stage="comprehensive_assessment",
    kind="risk",
    votes=2,
    effort="M",
    owner="Assessment lead",
    action="Ask once, with a\nchoice of who asks",
    status="in progress",
    progress="Piloted with the duty team",
)


def import_plan(app: LensmapApp, *plan: IssueNotes) -> None:
    assert app.store.record(PlanImported(file="plan.xlsx", issues=list(plan)))


def stored(store: SessionStore, key: tuple[str, str]) -> IssueNotes:
    with SessionStore.open(store.path, readonly=True) as reopened:
        return reopened.state.issues[key]


def dialog_of(app: LensmapApp) -> IssueDialog:
    dialog = app.screen
    assert isinstance(dialog, IssueDialog)
    return dialog


def notices(app: LensmapApp, monkeypatch) -> list[str]:
    said: list[str] = []
    notify = app.notify

    def noting(message, **kwargs):
        said.append(str(message))
        return notify(message, **kwargs)

    monkeypatch.setattr(app, "notify", noting)
    return said


def test_the_status_column_comes_after_timeframe_and_goes_first() -> None:
    assert [c.key for c in plan_columns(80)] == ["rank", "kind", "stage", "votes", "score"]
    wide = [c.key for c in plan_columns(WIDE[0])]
    assert wide.index("status") == wide.index("timeframe") + 1
    # A narrower screen drops it before the owner and timeframe, never the first five.
    for width in range(80, WIDE[0]):
        keys = [c.key for c in plan_columns(width)]
        if "status" not in keys:
            assert not {"reach", "severity"} & set(keys)


async def test_saving_a_new_owner_keeps_the_plans_action_status_and_progress(
    app: LensmapApp,
) -> None:
    add_tags(app.store)
    import_plan(app, PLANNED)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        assert highlighted(app) == RISK_AT_ASSESSMENT
        await pilot.press("enter")
        dialog = dialog_of(app)
        assert dialog.query_one("#issue-status", Choice).words == "in progress"
        owner = dialog.query_one("#issue-owner", Input)
        owner.value = ""
        owner.focus()
        await pilot.press(*"Duty manager", "ctrl+s")
        assert isinstance(app.screen, IssuesScreen)
        expected = IssueNotes.model_validate({**PLANNED.model_dump(), "owner": "Duty manager"})
        assert app.store.state.issues[RISK_AT_ASSESSMENT] == expected
    assert stored(app.store, RISK_AT_ASSESSMENT) == expected


async def test_the_dialog_itself_keeps_what_it_does_not_show(app: LensmapApp) -> None:
    saved: list[IssueNotes] = []
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = IssueDialog(
            PLANNED, default_title="Risk", heading="Issue 1", save=lambda n: not saved.append(n)
        )
        app.push_screen(dialog)
        await pilot.pause()
        dialog.query_one("#issue-timeframe", Input).focus()
        await pilot.press(*"6 weeks", "ctrl+s")
    expected = IssueNotes.model_validate({**PLANNED.model_dump(), "timeframe": "6 weeks"})
    assert saved == [expected]


async def test_a_plan_imported_while_the_dialog_is_open_is_kept(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        await pilot.press("enter", *"Ask once")
        import_plan(app, PLANNED)  # as `lensmap plan import` would, from another window
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, IssuesScreen)
        notes = app.store.state.issues[RISK_AT_ASSESSMENT]
        assert notes.title == "Ask once"
        assert (notes.action, notes.progress, notes.votes) == (
            PLANNED.action,
            PLANNED.progress,
            PLANNED.votes,
        )
        # The status is the dialog's own: it showed none, so none is saved.
        assert notes.status is None


async def test_a_vote_keeps_the_plan(app: LensmapApp) -> None:
    add_tags(app.store)
    import_plan(app, PLANNED)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        await pilot.press("+")
        expected = IssueNotes.model_validate({**PLANNED.model_dump(), "votes": 3})
        assert app.store.state.issues[RISK_AT_ASSESSMENT] == expected
    assert stored(app.store, RISK_AT_ASSESSMENT) == expected


# i, the board; Enter opens the dialog on issue 1; Enter four times moves from the title to
# the status; two steps right: "not started", "in progress", "done"; Enter saves.
TO_DONE = ["i", "enter", "enter", "enter", "enter", "enter", "right", "right", "enter"]


async def test_status_done_typed_fast_in_one_press(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*TO_DONE)
        assert isinstance(app.screen, IssuesScreen)
        assert app.store.state.issues[RISK_AT_ASSESSMENT].status == "done"
    assert stored(app.store, RISK_AT_ASSESSMENT).status == "done"


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_status_done_typed_ahead_with_no_pauses(
    app: LensmapApp, size: tuple[int, int]
) -> None:
    add_tags(app.store)
    async with app.run_test(size=size) as pilot:
        await type_ahead(pilot, TO_DONE)
        assert isinstance(app.screen, IssuesScreen)
    notes = stored(app.store, RISK_AT_ASSESSMENT)
    assert (notes.status, notes.title, notes.effort, notes.owner) == ("done", None, None, None)


async def test_enter_moves_through_every_field_to_the_status(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        await pilot.press("enter")
        dialog = dialog_of(app)
        order = ["issue-title", "issue-effort", "issue-owner", "issue-timeframe", "issue-status"]
        for name in order:
            assert dialog.focused is not None and dialog.focused.id == name
            assert dialog.focused.region.bottom <= 23  # in view, above the footer
            if name != order[-1]:
                await pilot.press("enter")
        status = dialog.query_one("#issue-status", Choice)
        assert "Status" in str(status.render()) and "◂ not started ▸" in str(status.render())
        await pilot.press("left")  # round to the last: dropped
        assert "◂ dropped ▸" in str(status.render())
        assert dialog.unsaved_text()
        await pilot.press("right")
        assert not dialog.unsaved_text()  # "not started" is what no status reads as


async def test_not_started_for_no_status_changes_nothing(app: LensmapApp, monkeypatch) -> None:
    add_tags(app.store)
    app.store.record(IssueEdited(issue=IssueNotes(stage="psychology_referral", kind="barrier")))
    said = notices(app, monkeypatch)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        await pilot.press("down")
        assert highlighted(app) == BARRIER_AT_PSYCHOLOGY
        before = len(app.store.entries)
        await pilot.press("enter")
        assert dialog_of(app).query_one("#issue-status", Choice).value == "not started"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, IssuesScreen)
        assert "Nothing changed." in said
        assert len(app.store.entries) == before
        assert app.store.state.issues[BARRIER_AT_PSYCHOLOGY].status is None


async def test_a_status_set_back_to_not_started_is_saved(app: LensmapApp) -> None:
    add_tags(app.store)
    import_plan(app, PLANNED)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        await pilot.press("enter")
        dialog_of(app).query_one("#issue-status", Choice).focus()
        await pilot.press("left", "enter")
        assert isinstance(app.screen, IssuesScreen)
    assert stored(app.store, RISK_AT_ASSESSMENT).status == "not started"


async def test_the_board_shows_each_status_in_words(app: LensmapApp) -> None:
    add_tags(app.store)
    dropped = IssueNotes(stage="cmht_waitlist", kind="barrier", status="dropped")
    import_plan(app, PLANNED, dropped)
    async with app.run_test(size=WIDE) as pilot:
        await open_board(pilot)
        assert column(app, "status") == ["in progress", "not started", "dropped"]
        header = table_lines(app)[0].split()
        assert header.index("status") == header.index("timeframe") + 1
        assert "in progress" in table_lines(app)[1]
        detail = text_of(app, "#issues-reasons").splitlines()
        assert detail[0] == (
            "#1 ▲ re-traumatisation risk at Comprehensive assessment"
            " · effort M, owner Assessment lead, status in progress"
        )
        # The action's line break is shown as a space: one line each, as text.
        assert detail[1] == "Action: Ask once, with a choice of who asks"
        assert detail[2] == "Latest progress: Piloted with the duty team"
        assert detail[3].startswith("Why here: ")

        await pilot.press("down")
        detail = text_of(app, "#issues-reasons").splitlines()
        assert detail[0].endswith(" · status not started")
        assert detail[1].startswith("Why here: ")  # no action or progress: no lines for them


async def test_the_detail_panel_shows_the_status_on_a_narrow_screen(app: LensmapApp) -> None:
    add_tags(app.store)
    import_plan(app, PLANNED)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        assert "status" not in [c.key for c in plan_columns(80)]
        panel = board(app).query_one("#issues-reasons")
        lines = [panel.render_line(y).text.strip() for y in range(panel.size.height)]
        # The plan does not fit after the issue: a line of its own, never "status in / progress".
        assert lines[:2] == [
            "#1 ▲ re-traumatisation risk at Comprehensive assessment",
            "Plan: effort M, owner Assessment lead, status in progress",
        ]
        assert lines[2] == "Action: Ask once, with a choice of who asks"


async def test_a_plans_notes_are_never_read_as_markup_or_codes(app: LensmapApp) -> None:
    add_tags(app.store)
    odd = IssueNotes(
        stage="comprehensive_assessment",
        kind="risk",
        action="[bold red]Shout[/] \x1b[2J wiped",
        progress="x" * 400,
    )
    import_plan(app, odd)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        detail = text_of(app, "#issues-reasons")
        assert "Action: [bold red]Shout[/] [2J wiped" in detail
        assert "\x1b" not in detail
        progress = next(line for line in detail.splitlines() if line.startswith("Latest"))
        assert progress.endswith("x…") and len(progress) < 200

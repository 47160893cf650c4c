"""The Issues board: ranking shown live, hidden dot votes, editing issues, and what to keep."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from lensmap.event.model import IssueNotes, Tag
from lensmap.event.priorities import rank_issues
from lensmap.session.actions import IssueEdited, TagAdded
from lensmap.session.content import SessionContent
from lensmap.session.store import SessionStore
from lensmap.tui.app import LensmapApp, make_app
from lensmap.tui.dialogs.issue_dialog import IssueDialog
from lensmap.tui.screens.issues import IssuesScreen
from lensmap.tui.widgets.choice import Choice

RISK_AT_ASSESSMENT = ("comprehensive_assessment", "risk")
BARRIER_AT_PSYCHOLOGY = ("psychology_referral", "barrier")
BARRIER_AT_CMHT_WAIT = ("cmht_waitlist", "barrier")

# Scores: risk at assessment 3 x 3 x 2 = 18; barrier at psychology 2 x 3 x 1 = 6;
# barrier while waiting for the mental health team 2 x 2 x 1 (general) = 4.
TAGS = [
    Tag(id="t1", stage="comprehensive_assessment", persona="gill", kind="risk", severity=3),
    Tag(id="t2", stage="comprehensive_assessment", persona="lauren", kind="risk", severity=2),
    Tag(id="t3", stage="psychology_referral", persona="ollie", kind="barrier", severity=3),
    Tag(id="t4", stage="cmht_waitlist", kind="barrier", severity=2),
    Tag(
        id="t5",
        stage="gp_referral",
        persona="ollie",
        kind="positive",
        raised_by="lived-experience",
    ),
    Tag(id="t6", stage="peer_support", persona="stuart", kind="positive"),
]


def add_tags(store: SessionStore, tags: list[Tag] = TAGS) -> None:
    for tag in tags:
        store.record(TagAdded(tag=tag))


def board(app: LensmapApp) -> IssuesScreen:
    screen = app.screen
    assert isinstance(screen, IssuesScreen)
    return screen


def table(app: LensmapApp) -> DataTable:
    return board(app).query_one("#issues-table", DataTable)


def column(app: LensmapApp, key: str) -> list[str]:
    found = table(app)
    return [
        str(found.get_cell_at((row, found.get_column_index(key)))) for row in range(found.row_count)
    ]


def rendered(app: LensmapApp) -> list[str]:
    """Every cell the table shows, as text."""
    found = table(app)
    return [str(cell) for row in range(found.row_count) for cell in found.get_row_at(row)]


def table_lines(app: LensmapApp) -> list[str]:
    """The table as the room sees it: its header and rows, cut where the screen cuts them."""
    found = table(app)
    return [found.render_line(y).text for y in range(found.size.height)]


def text_of(app: LensmapApp, selector: str) -> str:
    return str(board(app).query_one(selector, Static).content)


def highlighted(app: LensmapApp) -> tuple[str, str] | None:
    return board(app)._highlighted_key()


async def open_board(pilot) -> None:
    await pilot.press("i")
    await pilot.pause()


async def test_issues_are_shown_in_rank_order(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        assert column(app, "rank") == ["1", "2", "3"]
        assert column(app, "kind") == ["▲ risk", "✗ barrier", "✗ barrier"]
        assert column(app, "stage") == [
            "Comprehensive assessment",
            "Referral to psychology",
            "Waiting for the mental health team",
        ]
        assert column(app, "score") == ["18", "6", "4"]
        # No default title ("Barrier at Referral to psychology") repeats the kind and stage.
        state = app.store.state
        expected = rank_issues(state.pathway, state.tags.values(), state.issues)
        assert expected[0].title == "Re-traumatisation risk at Comprehensive assessment"
        assert not any("Re-traumatisation" in line for line in table_lines(app))
        assert not any("Barrier at" in line for line in table_lines(app))
        reasons = text_of(app, "#issues-reasons")
        assert reasons.startswith(
            "#1 ▲ re-traumatisation risk at Comprehensive assessment · status not started\n"
        )
        assert "score 18 = re-traumatisation risk 3 x severity 3 x reach 2" in reasons


async def test_new_tags_show_up_while_the_board_is_open(app: LensmapApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        assert board(app).query_one("#issues-empty").display
        assert "No barriers or risks tagged yet" in text_of(app, "#issues-empty")
        assert not table(app).display
        assert "No positive practice tagged yet" in text_of(app, "#issues-keep-list")
        assert app.record(TagAdded(tag=TAGS[2]))
        await pilot.pause()
        assert table(app).display
        assert not board(app).query_one("#issues-empty").display
        assert column(app, "stage") == ["Referral to psychology"]
        assert app.record(TagAdded(tag=TAGS[0]))
        await pilot.pause()
        assert column(app, "kind") == ["▲ risk", "✗ barrier"]


async def test_votes_stay_hidden_until_revealed(app: LensmapApp) -> None:
    add_tags(app.store)
    app.store.record(IssueEdited(issue=IssueNotes(stage="cmht_waitlist", kind="barrier", votes=7)))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        # Hidden: no tally anywhere, and the order ignores votes (score order).
        assert column(app, "votes") == ["hidden", "hidden", "hidden"]
        assert not any("7" in cell for cell in rendered(app))
        assert column(app, "score") == ["18", "6", "4"]
        assert "Votes are hidden until you reveal them (v)" in text_of(app, "#issues-votes-state")
        await pilot.press("ctrl+end")
        assert highlighted(app) == BARRIER_AT_CMHT_WAIT
        assert "7" not in text_of(app, "#issues-reasons")
        assert "votes hidden" in text_of(app, "#issues-reasons")
        assert board(app).active_bindings["v"].binding.description == "Show votes"

        await pilot.press("v")
        assert column(app, "votes") == ["7", "0", "0"]
        assert column(app, "stage")[0] == "Waiting for the mental health team"
        assert highlighted(app) == BARRIER_AT_CMHT_WAIT  # the cursor followed the issue
        assert "Votes shown" in text_of(app, "#issues-votes-state")
        assert "7 votes" in text_of(app, "#issues-reasons")
        assert board(app).active_bindings["v"].binding.description == "Hide votes"

        await pilot.press("v")
        assert column(app, "votes") == ["hidden", "hidden", "hidden"]
        assert column(app, "score") == ["18", "6", "4"]


async def test_dot_votes_are_added_and_removed_and_saved(app: LensmapApp, monkeypatch) -> None:
    add_tags(app.store)
    messages: list[str] = []
    notify = app.notify

    def noting(message, **kwargs):
        messages.append(str(message))
        return notify(message, **kwargs)

    monkeypatch.setattr(app, "notify", noting)
    kept = IssueNotes(stage="comprehensive_assessment", kind="risk", owner="Service lead")
    app.store.record(IssueEdited(issue=kept))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        assert highlighted(app) == RISK_AT_ASSESSMENT
        messages.clear()  # only what voting says counts here
        await pilot.press("+", "+", "=")
        await pilot.pause()
        notes = app.store.state.issues[RISK_AT_ASSESSMENT]
        assert notes.votes == 3
        assert notes.owner == "Service lead"  # a vote keeps what was already written
        # Hidden: the confirmation says a vote was recorded, never how many there are.
        assert "Vote recorded" in messages
        assert not any("3" in message for message in messages)
        assert column(app, "votes")[0] == "hidden"
        await pilot.press("-")
        await pilot.pause()
        assert app.store.state.issues[RISK_AT_ASSESSMENT].votes == 2

        # Never below zero.
        await pilot.press("down")
        assert highlighted(app) == BARRIER_AT_PSYCHOLOGY
        await pilot.press("-")
        await pilot.pause()
        assert BARRIER_AT_PSYCHOLOGY not in app.store.state.issues

        # Votes shown: voting can reorder the list, and the cursor stays on the issue.
        await pilot.press("v", "ctrl+end")
        assert highlighted(app) == BARRIER_AT_CMHT_WAIT
        await pilot.press("+", "+", "+")
        await pilot.pause()
        assert column(app, "stage")[0] == "Waiting for the mental health team"
        assert column(app, "votes")[0] == "3"
        assert highlighted(app) == BARRIER_AT_CMHT_WAIT

    with SessionStore.open(app.store.path, readonly=True) as reopened:
        assert reopened.state.issues[RISK_AT_ASSESSMENT].votes == 2
        assert reopened.state.issues[RISK_AT_ASSESSMENT].owner == "Service lead"
        assert reopened.state.issues[BARRIER_AT_CMHT_WAIT].votes == 3


async def test_ctrl_z_undoes_a_vote_and_ctrl_y_redoes_it(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        await pilot.press("v", "down", "+")
        await pilot.pause()
        assert app.store.state.issues[BARRIER_AT_PSYCHOLOGY].votes == 1
        assert column(app, "stage")[0] == "Referral to psychology"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert BARRIER_AT_PSYCHOLOGY not in app.store.state.issues
        assert column(app, "votes") == ["0", "0", "0"]
        assert column(app, "stage")[0] == "Comprehensive assessment"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.store.state.issues[BARRIER_AT_PSYCHOLOGY].votes == 1
        assert column(app, "votes")[0] == "1"

    with SessionStore.open(app.store.path, readonly=True) as reopened:
        assert reopened.state.issues[BARRIER_AT_PSYCHOLOGY].votes == 1


async def choose_effort(pilot, dialog: IssueDialog, value: str) -> None:
    """Pick an effort with the keys, as a facilitator would, then Enter goes on."""
    effort = dialog.query_one("#issue-effort", Choice)
    effort.focus()
    order = ["S", "M", "L", "none"]
    steps = order.index(value) - order.index(effort.value)
    for _ in range(abs(steps)):
        await pilot.press("right" if steps > 0 else "left")
    assert effort.value == value
    await pilot.press("enter")
    assert dialog.focused is dialog.query_one("#issue-owner", Input)


async def test_an_issue_is_edited_through_the_dialog(app: LensmapApp) -> None:
    add_tags(app.store)
    app.store.record(
        IssueEdited(issue=IssueNotes(stage="psychology_referral", kind="barrier", votes=4))
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, IssueDialog)
        title = dialog.query_one("#issue-title", Input)
        assert title.value == ""
        assert title.placeholder == "Barrier at Referral to psychology"
        assert dialog.query_one("#issue-owner", Input).placeholder == "a role, e.g. Service lead"
        await pilot.press(*"Abstinence asked before psychology")
        await pilot.press("enter")
        assert dialog.focused is dialog.query_one("#issue-effort", Choice)
        await choose_effort(pilot, dialog, "S")
        await pilot.press(*"Psychology lead", "enter")
        assert dialog.focused is dialog.query_one("#issue-timeframe", Input)
        await pilot.press(*"3 months", "enter")
        assert dialog.focused is dialog.query_one("#issue-status", Choice)
        await pilot.press("enter")  # Enter on the status, the last field, saves
        await pilot.pause()
        assert isinstance(app.screen, IssuesScreen)

        notes = app.store.state.issues[BARRIER_AT_PSYCHOLOGY]
        assert notes == IssueNotes(
            stage="psychology_referral",
            kind="barrier",
            title="Abstinence asked before psychology",
            votes=4,
            effort="S",
            owner="Psychology lead",
            timeframe="3 months",
        )
        assert highlighted(app) == BARRIER_AT_PSYCHOLOGY
        row = column(app, "stage").index(
            "Referral to psychology · Abstinence asked before psychology"
        )
        assert column(app, "effort")[row] == "S"
        assert column(app, "quick_win")[row] == "★ yes"
        assert column(app, "owner")[row] == "Psychology lead"
        assert column(app, "timeframe")[row] == "3 months"
        assert "4" not in column(app, "votes")  # votes were hidden, and still are

        # Clearing the title goes back to the default; ctrl+s saves from any field.
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, IssueDialog)
        title = dialog.query_one("#issue-title", Input)
        title.value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.state.issues[BARRIER_AT_PSYCHOLOGY].title is None
        assert app.store.state.issues[BARRIER_AT_PSYCHOLOGY].owner == "Psychology lead"
        assert "Referral to psychology" in column(app, "stage")

        # Escape changes nothing.
        before = len(app.store.entries)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"Never saved", "escape")
        await pilot.pause()
        assert isinstance(app.screen, IssuesScreen)
        assert len(app.store.entries) == before

    with SessionStore.open(app.store.path, readonly=True) as reopened:
        notes = reopened.state.issues[BARRIER_AT_PSYCHOLOGY]
        assert (notes.title, notes.effort, notes.owner, notes.timeframe, notes.votes) == (
            None,
            "S",
            "Psychology lead",
            "3 months",
            4,
        )


async def test_what_to_keep_lists_positive_practice(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        heading = text_of(app, "#issues-keep-heading")
        assert heading == "✓ What to keep: positive practice"
        lines = text_of(app, "#issues-keep-list").splitlines()
        # One tag in all was raised by lived experience: too few to say which.
        assert lines == [
            "✓ positive practice  GP referral: Ollie",
            "✓ positive practice  Peer support and community hub: Stuart",
        ]
        # Positive practice never turns up among the issues.
        assert "Peer support and community hub" not in column(app, "stage")
        for n in range(2):
            tag = Tag(id=f"le{n}", stage="review", kind="barrier", raised_by="lived-experience")
            assert app.record(TagAdded(tag=tag))
        await pilot.pause()
        lines = text_of(app, "#issues-keep-list").splitlines()
        assert lines[0] == "✓ positive practice  GP referral: Ollie · raised by lived experience"


def voices_text(app: LensmapApp) -> list[str]:
    return text_of(app, "#issues-voices-list").splitlines()


async def test_whose_voice_sits_beside_the_ranking(app: LensmapApp) -> None:
    add_tags(app.store)  # one tag says who raised it: every group is too few to show
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        assert text_of(app, "#issues-voices-heading") == (
            "Whose voice: top priorities by who raised them"
        )
        assert voices_text(app) == [
            "People with lived experience: too few to show separately",
            "Staff: too few to show separately",
            "Partner agencies: too few to show separately",
        ]
        assert not any("⚑" in line for line in table_lines(app))
        raised = [
            Tag(id="s1", stage="psychology_referral", kind="barrier", raised_by="staff"),
            Tag(id="s2", stage="psychology_referral", kind="barrier", raised_by="staff"),
            Tag(id="s3", stage="triage", kind="positive", raised_by="staff"),
            Tag(id="l1", stage="review", kind="risk", raised_by="lived-experience", severity=3),
            Tag(id="l2", stage="cmht_waitlist", kind="barrier", raised_by="lived-experience"),
        ]
        for tag in raised:
            assert app.record(TagAdded(tag=tag))
        await pilot.pause()
        lines = voices_text(app)
        assert lines[:3] == [
            "People with lived experience",
            "  1. ▲ risk Regular review ⚑",  # raised only by lived experience
            "  2. ✗ barrier Waiting for the mental health team",
        ]
        assert lines[3:5] == ["Staff", "  1. ✗ barrier Referral to psychology"]
        assert lines[5:] == [
            "Partner agencies: too few to show separately",
            "⚑ raised only by people with lived experience",
        ]
        # Only the risk at review was raised by lived experience alone (t4 said nobody).
        stages = column(app, "stage")
        assert [s for s in stages if s.startswith("⚑")] == ["⚑ Regular review"]
        row = stages.index("⚑ Regular review")
        table(app).move_cursor(row=row)
        await pilot.pause()
        reasons = text_of(app, "#issues-reasons")
        assert "\n⚑ raised only by people with lived experience\n" in reasons


async def test_a_narrow_board_switches_between_keep_and_voices_with_g(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        keep = board(app).query_one("#issues-keep")
        voices = board(app).query_one("#issues-voices")
        assert keep.display and voices.region.height == 0
        await pilot.press("g")
        await pilot.pause()
        assert voices.region.height > 0 and keep.region.height == 0
        assert voices.region.bottom <= 23  # above the footer
        await pilot.press("g")
        await pilot.pause()
        assert keep.region.height > 0 and voices.region.height == 0


async def test_a_wide_board_shows_keep_and_voices_side_by_side(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        keep = board(app).query_one("#issues-keep")
        voices = board(app).query_one("#issues-voices")
        assert keep.region.height > 0 and voices.region.height > 0
        assert keep.region.y == voices.region.y and keep.region.right < voices.region.x
        await pilot.press("g")  # nothing to switch: both are shown
        await pilot.pause()
        assert keep.region.height > 0 and voices.region.height > 0


async def test_the_board_is_usable_at_80_by_24(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        found = table(app)
        assert found.region.height >= 6
        visible = found.scrollable_content_region.width
        shown = [c.key.value for c in found.ordered_columns]
        assert shown == ["rank", "kind", "stage", "votes", "score"]  # the rest: detail panel
        assert sum(c.get_render_width(found) for c in found.ordered_columns) <= visible
        keep = board(app).query_one("#issues-keep-list")
        assert keep.region.bottom <= 23  # above the footer
        await pilot.press("down", "+")
        await pilot.pause()
        assert app.store.state.issues[BARRIER_AT_PSYCHOLOGY].votes == 1

        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, IssueDialog)
        box = dialog.query_one("#issue-dialog")
        assert box.region.height <= 24
        await pilot.press(*"Short title", "ctrl+s")
        await pilot.pause()
        assert app.store.state.issues[BARRIER_AT_PSYCHOLOGY].title == "Short title"
        assert app.store.state.issues[BARRIER_AT_PSYCHOLOGY].votes == 1


# Ten issues at stages whose names start alike, one stage with both a barrier and a risk: the
# board once showed eight rows of "Re-traumatisation ris…" beside "Hospital afte…",
# "Waiting for t…".
ALIKE = [
    ("hospital_overdose", "risk"),
    ("waiting_list", "barrier"),
    ("cmht_waitlist", "risk"),
    ("cmht_waitlist", "barrier"),
    ("cmht_referral", "risk"),
    ("cmht_joint_working", "risk"),
    ("crisis_out_of_hours", "risk"),
    ("crisis_calls", "risk"),
    ("same_day_prescribing", "risk"),
    ("buvidal", "barrier"),
]
STAGE_SHOWN = 36  # a stage name longer than this may end in "…" (Buvidal's is 46)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_every_row_tells_itself_apart(app: LensmapApp, size: tuple[int, int]) -> None:
    add_tags(
        app.store,
        [
            Tag(id=f"a{n}", stage=stage, kind=kind, severity=3 - n % 3)
            for n, (stage, kind) in enumerate(ALIKE)
        ],
    )
    app.store.record(
        IssueEdited(
            issue=IssueNotes(
                stage="buvidal",
                kind="barrier",
                title="Injection clinic only on weekdays",
                votes=3,
                effort="S",
                owner="Prescribing lead",
                timeframe="3 months",
            )
        )
    )
    async with app.run_test(size=size) as pilot:
        await open_board(pilot)
        state = app.store.state
        issues = rank_issues(state.pathway, state.tags.values(), state.issues, count_votes=False)
        assert len(issues) == len(ALIKE)
        lines = table_lines(app)
        assert len(lines) > len(issues)  # the header and every row in view at once
        header, rows = lines[0].split(), lines[1 : len(issues) + 1]
        for label in ("#", "kind", "stage", "votes", "score"):
            assert label in header
        for issue, row in zip(issues, rows, strict=True):
            label = state.pathway.stages_by_id[issue.stage].label
            word = {"risk": "▲ risk", "barrier": "✗ barrier"}[issue.kind]
            assert row.split()[0] == str(issue.rank)
            assert f" {word} " in row
            assert label[:STAGE_SHOWN] in row
            assert re.search(rf" hidden +{issue.score}\b", row)
        # No two rows alike, even without their rank.
        assert len({row.split(maxsplit=1)[1] for row in rows}) == len(rows)

        await pilot.press("v")
        issues = rank_issues(state.pathway, state.tags.values(), state.issues)
        rows = table_lines(app)[1 : len(issues) + 1]
        for issue, row in zip(issues, rows, strict=True):
            assert re.search(rf" {issue.votes} +{issue.score}\b", row)
        # The room's own title follows the stage; what the table leaves out is below it.
        assert rows[0].split()[1:3] == ["✗", "barrier"]
        assert "Buvidal (long-acting" in rows[0]
        await pilot.press("ctrl+home")
        assert board(app)._highlighted_key() == ("buvidal", "barrier")
        detail = text_of(app, "#issues-reasons")
        # The plan does not fit after the title: it has a line of its own.
        assert detail.startswith(
            "#1 ✗ barrier at Buvidal (long-acting injectable buprenorphine): "
            "Injection clinic only on weekdays\n"
            "Plan: effort S, owner Prescribing lead, timeframe 3 months, status not started\n"
        )
        assert "quick win" in detail
        assert "score 6 = barrier 2 x severity 3 x reach 1" in detail


# -- snapshots: fixed data, and a session path that does not depend on the test's folder --------


@pytest.fixture
def snapshot_app(tmp_path: Path, monkeypatch, content: SessionContent, clock):
    monkeypatch.chdir(tmp_path)
    with SessionStore.create(Path("event.lens"), content, clock=clock) as store:
        add_tags(store)
        store.record(
            IssueEdited(
                issue=IssueNotes(
                    stage="psychology_referral",
                    kind="barrier",
                    title="Three months' abstinence asked before psychology",
                    votes=2,
                    effort="S",
                    owner="Psychology lead",
                    timeframe="6 months",
                )
            )
        )
        yield make_app(store)


def test_snapshot_board_at_120_by_36(snapshot_app, snap_compare) -> None:
    assert snap_compare(snapshot_app, press=["i"], terminal_size=(120, 36))


def test_snapshot_board_at_80_by_24(snapshot_app, snap_compare) -> None:
    assert snap_compare(snapshot_app, press=["i"], terminal_size=(80, 24))


async def test_changing_colours_keeps_symbols_and_words(app: LensmapApp) -> None:
    add_tags(app.store)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert app.theme == "lensmap-projector"
        assert column(app, "kind") == ["▲ risk", "✗ barrier", "✗ barrier"]
        assert text_of(app, "#issues-keep-list").startswith("✓ positive practice")


async def test_the_rooms_own_words_are_on_the_board(app: LensmapApp) -> None:
    add_tags(
        app.store,
        [
            Tag(id="n1", stage="triage", persona="ollie", kind="barrier", note="Letter was vague"),
            Tag(id="n2", stage="waiting_list", kind="positive", note="Leaflet explained the wait"),
        ],
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        assert "“Letter was vague” (Ollie, severity 2)" in text_of(app, "#issues-reasons")
        assert "“Leaflet explained the wait”" in text_of(app, "#issues-keep-list")


async def test_a_failed_save_keeps_the_issue_dialog_open(app: LensmapApp, monkeypatch) -> None:
    from lensmap.session.store import SaveFailed

    add_tags(app.store)

    def unplugged(action, device=None, newer=False):
        raise SaveFailed("could not save (disk full)")

    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(pilot)
        monkeypatch.setattr(app.store, "_commit", unplugged)
        await pilot.press("enter", *"Stop the retelling", "ctrl+s")
        assert isinstance(app.screen, IssueDialog)
        assert app.screen.query_one("#issue-title", Input).value == "Stop the retelling"
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, IssueDialog)
    titles = [n.title for n in SessionStore.open(app.store.path).state.issues.values()]
    assert "Stop the retelling" in titles

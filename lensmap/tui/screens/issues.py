"""The Issues board: the room's prioritised issues, dot votes, and what to keep."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from pydantic import ValidationError
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...event.model import IssueKind, IssueNotes
from ...event.plan_update import NOT_STARTED
from ...event.priorities import Issue, default_title, rank_issues, what_to_keep
from ...event.voices import Voices, whose_voices
from ...session.actions import IssueEdited
from ...wording.describe import persona_name
from ...wording.measures_words import ONLY_LIVED_EXPERIENCE, TOO_FEW_WORDS, voice_heading
from ...wording.screen_text import shown
from ...wording.vocabulary import KIND_SHORT, KIND_SYMBOL, KIND_WORD, RAISED_BY_WORD
from ..dialogs.issue_dialog import IssueDialog
from ..knows_app import KnowsLensmapApp
from ..widgets.footer import RoomFooter
from ..widgets.header import RoomHeader
from ..widgets.side_panels import KEPT_IN_ROOM, kept_in_room

EMPTY = "No barriers or risks tagged yet. Tag stages on the map (m) with b or r."
NO_KEEP = "No positive practice tagged yet. It is listed here as the room finds it."
VOTES_HIDDEN = "◌ Votes are hidden until you reveal them (v)"
VOTES_SHOWN = "● Votes shown, and the order counts them (v hides them again)"
VOICES_HEADING = "Whose voice: top priorities by who raised them"
ONLY_LIVED_MARK = ONLY_LIVED_EXPERIENCE.split(" ", 1)[0]  # "⚑", beside the issue's stage


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int


# Columns in the order the room reads them. Rank, kind, stage, votes and score are always
# shown, so every row tells itself apart at any size; the kind has its own narrow column
# (symbol and word), so the stage, not "Re-traumatisation risk at …", leads each row, with the
# room's own title after it. The other columns come in while the stage keeps STAGE_MIN, in
# the order below, and all of them are in the detail panel under the table anyway.
FIXED = {
    "rank": Column("rank", "#", 3),
    "kind": Column("kind", "kind", 9),
    "votes": Column("votes", "votes", 6),
    "score": Column("score", "score", 5),
    "quick_win": Column("quick_win", "quick win", 9),
    "effort": Column("effort", "effort", 6),
    "owner": Column("owner", "owner", 12),
    "timeframe": Column("timeframe", "timeframe", 10),
    "status": Column("status", "status", 11),  # "not started", "in progress": in words
    "reach": Column("reach", "reach", 5),
    "severity": Column("severity", "severity", 8),
}
ORDER = (
    "rank",
    "kind",
    "stage",
    "votes",
    "score",
    "quick_win",
    "effort",
    "owner",
    "timeframe",
    "status",
    "reach",
    "severity",
)
ALWAYS = ("rank", "kind", "stage", "votes", "score")
STAGE_LABEL = "stage · title"
STAGE_MIN = 36  # most stage names whole; at 80 columns this leaves the board the five above
STAGE_MAX = 70
CELL_PADDING = 1
OVERHEAD = 4  # the board's padding and the table's scrollbar
REASONS_OVERHEAD = 5  # the board's padding, and the detail panel's border and padding
LONG_NOTE = 150  # a plan's action or progress note is shown this long in the detail panel


def plan_columns(width: int) -> list[Column]:
    """Columns for a screen this wide: the stage takes whatever the others leave."""
    room = width - OVERHEAD

    def cost(key: str) -> int:
        return FIXED[key].width + 2 * CELL_PADDING

    keys = list(ALWAYS)
    used = sum(cost(k) for k in keys if k != "stage") + 2 * CELL_PADDING
    for key in ORDER:
        if key in keys:
            continue
        if room - used - cost(key) < STAGE_MIN:
            break  # in order: a later, narrower column never jumps the queue
        keys.append(key)
        used += cost(key)
    stage = Column("stage", STAGE_LABEL, min(max(room - used, 12), STAGE_MAX))
    return [FIXED.get(k) or stage for k in ORDER if k in keys]


def _cell(value: str, style: str | Style = "", *, right: bool = False) -> Text:
    # Text, never a str: a title typed by the room must not be read as markup; and shown, so
    # no control character in it reaches the terminal.
    return Text(
        shown(value),
        style=style,
        no_wrap=True,
        overflow="ellipsis",
        justify="right" if right else "left",
    )


def _one_line(note: str) -> str:
    """A plan's note as one short line for the panel: the whole of it is in the plan."""
    words = " ".join(shown(note).split())
    return words if len(words) <= LONG_NOTE else words[: LONG_NOTE - 1] + "…"


class IssuesScreen(KnowsLensmapApp, Screen):
    """Prioritised issues updating live as tags arrive, dot votes, and what to keep."""

    BINDINGS = [
        Binding("enter", "edit_issue", "Edit issue", id="edit-issue", priority=True),
        Binding("plus", "vote(1)", "Add vote", id="add-vote"),
        Binding("equals_sign", "vote(1)", "Add vote", show=False, id="add-vote-equals"),
        Binding("minus", "vote(-1)", "Remove vote", id="remove-vote"),
        # One key, two descriptions: check_action shows whichever one applies.
        Binding("v", "reveal_votes(True)", "Show votes", id="toggle-votes"),
        Binding("v", "reveal_votes(False)", "Hide votes", id="toggle-votes"),
        # On a narrow screen the panel under the table shows one list at a time.
        Binding("g", "show_voices(True)", "Whose voice", id="toggle-voices"),
        Binding("g", "show_voices(False)", "What to keep", id="toggle-voices"),
    ]

    voices_shown: reactive[bool] = reactive(False, bindings=True)
    """On a narrow screen, whether the panel under the table shows whose voice (else what to
    keep); a wide screen shows both side by side."""

    votes_shown: reactive[bool] = reactive(False, bindings=True)
    """Tallies stay hidden until the facilitator reveals them, so the room does not follow early
    votes; while hidden the order ignores votes too."""

    def __init__(self) -> None:
        super().__init__()
        self._issues: list[Issue] = []
        self._voices: Voices | None = None
        self._columns: list[Column] = []

    def compose(self) -> ComposeResult:
        yield RoomHeader()
        with Vertical(id="issues-board"):
            yield Static(VOTES_HIDDEN, id="issues-votes-state")
            yield Static(EMPTY, id="issues-empty")
            yield DataTable(
                id="issues-table",
                cursor_type="row",
                zebra_stripes=False,
                cell_padding=CELL_PADDING,
            )
            yield Static(id="issues-reasons")
            with Horizontal(id="issues-lower"):
                with Vertical(id="issues-keep"):
                    yield Static(
                        f"{KIND_SYMBOL['positive']} What to keep: {KIND_WORD['positive']}",
                        id="issues-keep-heading",
                    )
                    with VerticalScroll(id="issues-keep-scroll"):
                        yield Static(id="issues-keep-list")
                with Vertical(id="issues-voices"):
                    yield Static(VOICES_HEADING, id="issues-voices-heading")
                    with VerticalScroll(id="issues-voices-scroll"):
                        yield Static(id="issues-voices-list")
        yield RoomFooter()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh_session())
        self.app.follow_session(self, self.refresh_session)
        self.refresh_session()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_session()

    def on_resize(self) -> None:
        self.refresh_bindings()  # "g" is for a narrow screen only
        if plan_columns(self.app.size.width) != self._columns:
            self.refresh_session()

    # -- showing the session ----------------------------------------------------------------
    def refresh_session(self) -> None:
        """Rebuild the board from the session in one go (no widgets come or go: no flicker)."""
        if not self.is_mounted:
            return
        state = self.app.store.state
        table = self.query_one("#issues-table", DataTable)
        keep_key = self._highlighted_key()
        old_row = table.cursor_row
        self._issues = rank_issues(
            state.pathway, state.tags.values(), state.issues, count_votes=self.votes_shown
        )
        self._voices = whose_voices(state.pathway, state.tags.values(), state.issues)
        columns = plan_columns(self.app.size.width)
        if columns != self._columns:
            table.clear(columns=True)
            for column in columns:
                table.add_column(column.label, width=column.width, key=column.key)
            self._columns = columns
        else:
            table.clear()
        for issue in self._issues:
            cells = self._row(issue)
            table.add_row(*(cells[c.key] for c in columns), key=f"{issue.stage}/{issue.kind}")
        keys = [issue.key for issue in self._issues]
        if self._issues:
            row = keys.index(keep_key) if keep_key in keys else min(old_row, len(keys) - 1)
            table.move_cursor(row=max(row, 0), animate=False)
        has_issues = bool(self._issues)
        self.query_one("#issues-empty").display = not has_issues
        table.display = has_issues
        if has_issues and self.is_current and not isinstance(self.focused, DataTable):
            table.focus()
        self._show_votes_state()
        self._show_reasons()
        self._show_keep()
        self._show_voices()

    def _row(self, issue: Issue) -> dict[str, Text]:
        colour = self.app.theme_variables.get(issue.kind)
        kind_style = Style(color=colour, bold=True) if colour else Style(bold=True)
        stage = _cell(self.app.store.state.pathway.label_of(issue.stage), "bold")
        own_title = self._own_title(issue)
        if own_title:
            stage.append(f" · {shown(own_title)}", "not bold italic")
        if self._only_lived(issue):
            stage = Text.assemble(f"{ONLY_LIVED_MARK} ", stage, no_wrap=True, overflow="ellipsis")
        return {
            "rank": _cell(str(issue.rank), right=True),
            "kind": _cell(f"{KIND_SYMBOL[issue.kind]} {KIND_SHORT[issue.kind]}", kind_style),
            "stage": stage,
            "votes": (
                _cell(str(issue.votes), "bold", right=True)
                if self.votes_shown
                else _cell("hidden", "italic")
            ),
            "score": _cell(str(issue.score), right=True),
            "quick_win": _cell("★ yes" if issue.quick_win else ""),
            "effort": _cell(issue.effort or "—"),
            "owner": _cell(issue.owner or ""),
            "timeframe": _cell(issue.timeframe or ""),
            "status": _cell(issue.status or NOT_STARTED),
            "reach": _cell(str(issue.reach), right=True),
            "severity": _cell(str(issue.severity), right=True),
        }

    def _own_title(self, issue: Issue) -> str | None:
        """The room's title for the issue, or None while it has the default one ("Barrier at
        Triage"), which only repeats the kind and stage columns."""
        default = default_title(self.app.store.state.pathway, issue.stage, issue.kind)
        return issue.title if issue.title != default else None

    def _show_votes_state(self) -> None:
        counts = {"barrier": 0, "risk": 0}
        for issue in self._issues:
            counts[issue.kind] += 1
        n = len(self._issues)
        summary = (
            f"{n} issue{'s' * (n != 1)}: "
            f"{KIND_SYMBOL['risk']} {counts['risk']} risk{'s' * (counts['risk'] != 1)}  "
            f"{KIND_SYMBOL['barrier']} {counts['barrier']} "
            f"barrier{'s' * (counts['barrier'] != 1)}"
        )
        line = Text(VOTES_SHOWN if self.votes_shown else VOTES_HIDDEN, style="bold")
        if len(line) + len(summary) + 7 <= self.app.size.width - OVERHEAD:
            line.append(f"   ·   {summary}")  # only where it fits on the one line
        widget = self.query_one("#issues-votes-state", Static)
        widget.set_class(self.votes_shown, "-votes-shown")
        widget.update(line)

    def _show_reasons(self) -> None:
        widget = self.query_one("#issues-reasons", Static)
        issue = self._highlighted()
        if issue is None:
            widget.update("")
            return
        state = self.app.store.state
        first = Text()
        first.append(f"#{issue.rank} {KIND_SYMBOL[issue.kind]} {KIND_WORD[issue.kind]}", "bold")
        first.append(f" at {shown(state.pathway.label_of(issue.stage))}")
        own_title = self._own_title(issue)
        if own_title:
            first.append(": ")
            first.append(shown(own_title), "italic")
        first.append_text(self._plan(issue, first))
        if self._only_lived(issue):
            first.append(f"\n{ONLY_LIVED_EXPERIENCE}", "bold")
        parts = issue.reasons().split("; ")
        if not self.votes_shown:
            parts[0] = "votes hidden"  # reasons() opens with the tally, which must not show
        said = Text()
        for tag_id in issue.tags:
            tag = state.tags.get(tag_id)
            if tag is not None and tag.note:
                who = (
                    state.personas[tag.persona].name if tag.persona in state.personas else "general"
                )
                kept = f", {KEPT_IN_ROOM}" if tag.keep_in_room else ""
                said.append(
                    f"\n  “{shown(tag.note)}” ({shown(who)}, severity {tag.severity}{kept})"
                )
        heading = Text("\nWhat the room said:", "bold") if said else Text()
        why = Text("\nWhy here: " + shown("; ".join(parts)))
        widget.update(first + why + heading + said)

    def _plan(self, issue: Issue, first: Text) -> Text:
        """The plan so far: after the issue's line where it fits, else on a line of its own
        (never broken inside "status not started"); then the plan's action and its latest
        progress note, a line each, when they are set."""
        parts = [
            f"effort {issue.effort}" if issue.effort else "",
            f"owner {shown(issue.owner)}" if issue.owner else "",
            f"timeframe {shown(issue.timeframe)}" if issue.timeframe else "",
            f"status {issue.status or NOT_STARTED}",
        ]
        plan = ", ".join(p for p in parts if p)
        fits = first.cell_len + 3 + cell_len(plan) <= self.app.size.width - REASONS_OVERHEAD
        lines = Text(f" · {plan}" if fits else f"\nPlan: {plan}")
        for label, note in (("Action", issue.action), ("Latest progress", issue.progress)):
            if note and note.strip():
                lines.append(f"\n{label}: {_one_line(note)}")
        return lines

    def _show_keep(self) -> None:
        state = self.app.store.state
        items = what_to_keep(state.pathway, state.tags.values())
        colour = self.app.theme_variables.get("positive")
        mark = Style(color=colour, bold=True) if colour else Style(bold=True)
        lines = Text()
        for n, item in enumerate(items):
            names = [persona_name(state, p) for p in item.personas]
            lines.append("\n" if n else "")
            lines.append(f"{KIND_SYMBOL['positive']} {KIND_WORD['positive']}", mark)
            lines.append(f"  {shown(state.pathway.label_of(item.stage))}", "bold")
            lines.append(f": {', '.join(names) if names else 'general'}")
            if item.lived_experience and self._lived_experience_shown():
                raisers = {state.tags[t].raised_by for t in item.tags if t in state.tags}
                others = "" if raisers == {"lived-experience"} else " and others"
                lines.append(f" · raised by {RAISED_BY_WORD['lived-experience']}{others}")
            noted = [state.tags[t] for t in item.tags if t in state.tags and state.tags[t].note]
            if noted:
                lines.append(
                    " · " + "; ".join(f"“{shown(tag.note)}”{kept_in_room(tag)}" for tag in noted)
                )
        self.query_one("#issues-keep-list", Static).update(lines if items else NO_KEEP)

    def _only_lived(self, issue: Issue) -> bool:
        return self._voices is not None and issue.key in self._voices.only_lived_experience

    def _lived_experience_shown(self) -> bool:
        """Whether who raised what may be said for lived experience: not while that group has
        too few tags to show separately (they could be told apart)."""
        return self._voices is not None and not self._voices.voice("lived-experience").too_few

    def _show_voices(self) -> None:
        """Each group's top priorities by its own tags, or that it is too few to show."""
        voices = self._voices
        lines = Text()
        for n, voice in enumerate(voices.groups if voices else ()):
            lines.append("\n" if n else "")
            lines.append(voice_heading(voice), "bold")
            if voice.too_few:
                lines.append(f": {TOO_FEW_WORDS}", "italic")
                continue
            if not voice.issues:
                lines.append(": no barriers or risks raised", "italic")
                continue
            for issue in voice.issues:
                lines.append(
                    f"\n  {issue.rank}. {KIND_SYMBOL[issue.kind]} {KIND_SHORT[issue.kind]} "
                )
                lines.append(shown(self.app.store.state.pathway.label_of(issue.stage)), "bold")
                own_title = self._own_title(issue)
                if own_title:
                    lines.append(f" · {shown(own_title)}", "italic")
                if self._only_lived(issue):
                    lines.append(f" {ONLY_LIVED_MARK}")
        if voices and voices.only_lived_experience:
            lines.append(f"\n{ONLY_LIVED_EXPERIENCE}")
        self.query_one("#issues-voices-list", Static).update(lines)
        self.set_class(self.voices_shown, "-voices")

    # -- the highlighted issue --------------------------------------------------------------
    def _highlighted(self) -> Issue | None:
        table = self.query_one("#issues-table", DataTable)
        row = table.cursor_row
        if 0 <= row < len(self._issues) and table.row_count == len(self._issues):
            return self._issues[row]
        return None

    def _highlighted_key(self) -> tuple[str, str] | None:
        issue = self._highlighted()
        return issue.key if issue else None

    @on(DataTable.RowHighlighted, "#issues-table")
    def _highlight_moved(self) -> None:
        self._show_reasons()

    @on(DataTable.RowSelected, "#issues-table")
    def _row_chosen(self) -> None:
        self.action_edit_issue()

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal_votes":  # the facilitator's window only, not a team's page
            return parameters[0] != self.votes_shown and getattr(self.app, "leads", True)
        if action == "show_voices":
            # Only a narrow screen needs it: a wide one shows both lists side by side.
            return parameters[0] != self.voices_shown and self.has_class("-narrow")
        if action in ("vote", "edit_issue"):
            # Shown but greyed out until there is an issue to act on.
            return True if self._issues else None
        return True

    def action_show_voices(self, show: bool) -> None:
        self.voices_shown = show
        self.set_class(show, "-voices")

    def action_reveal_votes(self, show: bool) -> None:
        self.votes_shown = show
        self.refresh_session()

    def _notes(self, issue: Issue) -> IssueNotes:
        """The stored notes for an issue, or blank ones with nothing set."""
        found = self.app.store.state.issues.get(issue.key)
        # An issue is the barriers or the risks of a stage (priorities words its kind as str).
        return found or IssueNotes(stage=issue.stage, kind=cast(IssueKind, issue.kind))

    def action_vote(self, change: int) -> None:
        issue = self._highlighted()
        if issue is None:
            self.notify("There is no issue to vote on yet.", timeout=3)
            return
        notes = self._notes(issue)
        votes = max(notes.votes + change, 0)
        if votes == notes.votes:
            # While tallies are hidden, taking a vote from an issue with none must read exactly
            # like taking one from an issue with some: the room learns nothing from it.
            self.notify("No vote removed." if self.votes_shown else "Vote removed", timeout=3)
            return
        try:
            updated = IssueNotes(**{**notes.model_dump(), "votes": votes})
        except ValidationError:
            self.notify("That issue cannot take more votes.", severity="warning", timeout=4)
            return
        if self.votes_shown:
            done = f"{votes} vote{'s' * (votes != 1)} for {shown(issue.title)}"
        else:
            done = "Vote recorded" if change > 0 else "Vote removed"
        self.app.record(IssueEdited(issue=updated), done)

    def action_edit_issue(self) -> None:
        issue = self._highlighted()
        if issue is None:
            self.notify("There is no issue to edit yet.", timeout=3)
            return
        state = self.app.store.state
        default = default_title(state.pathway, issue.stage, issue.kind)
        heading = f"Issue {issue.rank}: {KIND_SYMBOL[issue.kind]} {shown(default)}"
        self.app.push_screen(
            IssueDialog(
                self._notes(issue),
                default_title=default,
                heading=heading,
                save=lambda result: self._save_edit(issue, result),
            )
        )

    def _save_edit(self, issue: Issue, result: IssueNotes) -> bool:
        """Store the edit; False (the dialog stays open, nothing typed is lost) if it fails."""
        current = self._notes(issue)
        # Votes, the plan's action and its progress note are never the dialog's business: keep
        # them as they are stored now (a plan imported while the dialog was open included).
        kept = {"votes": current.votes, "action": current.action, "progress": current.progress}
        updated = IssueNotes.model_validate({**result.model_dump(), **kept})
        if updated == current:
            self.notify("Nothing changed.", timeout=3)
            return True
        state = self.app.store.state
        title = updated.title or default_title(state.pathway, issue.stage, issue.kind)
        return self.app.record(IssueEdited(issue=updated), f"Issue saved: {shown(title)}")

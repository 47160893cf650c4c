"""What a plan brought back from a spreadsheet changes, in words for the facilitator (and
for the implementation group reading over their shoulder)."""

from __future__ import annotations

from ..event.model import IssueNotes, Pathway
from ..event.plan_update import NOT_STARTED, PlanUpdate
from ..event.priorities import default_title
from .screen_text import shown
from .vocabulary import KIND_WORD, PLAN_COLUMN

BLANK_CELLS = (
    "A blank cell leaves what the session holds; to clear something, edit the issue in "
    "lensmap (Issues board, enter)."
)
LONG_VALUE = 60  # a note is shown up to this long in the list of changes


def _value(notes: IssueNotes | None, name: str) -> str:
    value = getattr(notes, name) if notes is not None else None
    if value is None:
        return NOT_STARTED if name == "status" else "(none)"
    if name in ("status", "effort"):
        return value  # a word from the drop-down list
    text = " ".join(shown(value).split())
    return f"“{text[: LONG_VALUE - 1]}…”" if len(text) > LONG_VALUE else f"“{text}”"


def _short(text: str) -> str:
    """A cell as long as a line can show it (a stage cell can hold anything)."""
    return text if len(text) <= LONG_VALUE else text[: LONG_VALUE - 1] + "…"


def _rows(rows: tuple[int, ...]) -> str:
    if len(rows) == 1:
        return f"row {rows[0]}"
    return "rows " + ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"


def issue_name(pathway: Pathway, stage: str, kind: str) -> str:
    """ "Barrier at Triage", whatever the room titled it: the words a plan row is matched by."""
    return shown(default_title(pathway, stage, kind))


def plan_update_lines(
    update: PlanUpdate, pathway: Pathway, file: str, *, dry_run: bool = False
) -> list[str]:
    """The whole account of an import: what changes, what is left alone, and every row that
    could not be used and why."""
    lines: list[str] = []
    n = len(update.changes)
    if update.changes:
        verb = "would change" if dry_run else f"change{'s' * (n == 1)}"
        lines.append(f"{n} issue{'s' * (n != 1)} {verb}:")
        for change in update.changes:
            name = issue_name(pathway, *change.key)
            lines.append(f"  {name} ({_rows(change.rows)})")
            for field in change.fields:
                before, after = _value(change.before, field), _value(change.after, field)
                lines.append(f"      {PLAN_COLUMN[field]}: {before} → {after}")
    else:
        lines.append(f"Nothing in {shown(file)} changes the session: nothing to record.")
    if update.unchanged:
        u = len(update.unchanged)
        lines.append(f"{u} issue{'s' * (u != 1)} already as the plan says.")
    if update.renamed:
        lines.append("Stage names that differ (each row was matched by its stage id):")
        for renamed in update.renamed:
            lines.append(
                f"  row {renamed.row}: “{_short(shown(renamed.in_file))}” in the file is "
                f"“{shown(renamed.in_session)}” in the session"
            )
    if update.unmatched:
        lines.append("Rows that match no issue (nothing was taken from them):")
        for row in update.unmatched:
            stage = _short(shown(pathway.label_of(row.stage)))
            lines.append(f"  row {row.row}: {KIND_WORD[row.kind]} at “{stage}”: {shown(row.why)}")
    if update.conflicts:
        lines.append("Rows that disagree about one issue (nothing was taken from them):")
        for conflict in update.conflicts:
            values = ", ".join(f"“{shown(v)}”" for v in conflict.values)
            lines.append(
                f"  {_rows(conflict.rows)}: {issue_name(pathway, conflict.stage, conflict.kind)}"
                f" has {PLAN_COLUMN[conflict.field]} {values}; keep one row for it"
            )
    lines.append(BLANK_CELLS)
    return lines

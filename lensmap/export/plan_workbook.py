"""plan.xlsx: the implementation plan as a spreadsheet the group fills in.

One row per prioritised issue in rank order, the same columns as plan.csv; drop-down lists
for status, theme and effort; the header frozen, text wrapped; a sheet of what to keep and
one about the event and the ranking rule. Every cell a person typed is stored as text, so
nothing in it can run as a formula, and no guard character is needed or shown (plan.csv
needs one, as CSV has no way to say "this is text"). openpyxl is imported only here."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..event.model import PLAN_STATUSES
from ..wording.vocabulary import KIND_WORD, PLAN_COLUMN, PLAN_COLUMNS, THEME_WORD
from .escaping import cell_text
from .issues_list import Report, plan_rows

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

EFFORTS = ("S", "M", "L")
WIDTHS = {
    "rank": 6, "issue": 40, "stage": 26, "kind": 20, "theme": 30, "principles": 22,
    "personas": 18, "votes": 7, "effort": 8, "quick win": 10, "action": 40, "owner": 20,
    "timeframe": 14, "status": 14, "progress note": 40, "stage id": 16,
}  # fmt: skip
RANKING_RULE = (
    "An issue is the barrier tags, or the re-traumatisation risk tags, of one stage. Its "
    "score is weight (3 for a risk, 2 for a barrier) x severity (the highest among its tags) "
    "x reach (distinct personas, general tags counting as one more). Issues are ordered by "
    "votes, then score, then the stage's place in the pathway, then risk before barrier."
)
FIXED_TIME = dt.datetime(2000, 1, 1)  # the file's own dates: the same plan, the same bytes


def _as_text(sheet: Worksheet, row: int, column: int, value: object) -> None:
    """A cell as a number when lensmap counted it, otherwise as text, whatever it starts with."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
        return
    cell.value = cell_text(value)
    cell.data_type = "s"  # "=..." stays words: openpyxl would otherwise write a formula


def _table(
    sheet: Worksheet, header: list[str], rows: Sequence[Sequence[object]], widths: dict
) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    for column, name in enumerate(header, start=1):
        _as_text(sheet, 1, column, name)
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.alignment = wrap
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(name, 18)
    for r, row in enumerate(rows, start=2):
        lines = 1
        for column, value in enumerate(row, start=1):
            _as_text(sheet, r, column, value)
            sheet.cell(row=r, column=column).alignment = wrap
            width = widths.get(header[column - 1], 18)
            text = cell_text(value)
            lines = max(lines, sum(-(-max(len(part), 1) // width) for part in text.split("\n")))
        # Row heights as the wrapped text needs (not every program works them out on opening)
        sheet.row_dimensions[r].height = 15 * min(lines, 12)
    sheet.freeze_panes = "A2"
    # Printed: across the page, as wide as the page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _choices(sheet: Worksheet, column: int, source: str, rows: int, *, only: bool) -> None:
    """A drop-down list on a column, its choices in `source` (cells of the hidden Lists
    sheet: Excel holds at most 255 characters of choices written out); `only` refuses other
    values, else it only warns (a cell may name several themes)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(column)
    check = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if only else "warning",
        error="Choose one from the list",
        errorTitle="Not in the list",
    )
    sheet.add_data_validation(check)
    check.add(f"{letter}2:{letter}{max(rows, 1) + 200}")  # room for rows the group adds


def _lists(sheet: Worksheet, columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each list of choices down a column of the Lists sheet; the range each one is in."""
    from openpyxl.utils import get_column_letter

    ranges = {}
    for n, (name, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(n)
        for row, value in enumerate(values, start=1):
            _as_text(sheet, row, n, value)
        ranges[name] = f"Lists!${letter}$1:${letter}${len(values)}"
    sheet.sheet_state = "hidden"
    return ranges


def plan_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.creator = "lensmap"
    book.properties.created = book.properties.modified = FIXED_TIME
    plan = book.active
    assert plan is not None
    plan.title = "Plan"
    rows = plan_rows(report)
    _table(plan, list(PLAN_COLUMNS), rows, WIDTHS)

    keep = book.create_sheet("What to keep")
    keep_rows = [
        [
            report.stage(item.stage),
            "; ".join(report.people(item.personas)) or "general",
            report.lived_experience_cell(item.lived_experience),
            " | ".join(report.tags[t].note for t in item.tags if report.tags[t].note),
        ]
        for item in report.keep
    ]
    _table(
        keep,
        ["stage", "personas", "raised by lived experience", "notes"],
        keep_rows,
        {"stage": 30, "personas": 20, "raised by lived experience": 16, "notes": 60},
    )

    about = book.create_sheet("About")
    event = report.content.event
    facts: list[list[object]] = [
        ["event", event.title or report.content.pathway.title],
        ["date", event.date or ""],
        ["pathway", report.content.pathway.title],
        ["issues", len(report.issues)],
        ["ranking", RANKING_RULE],
        ["status", "Choose one of: " + ", ".join(PLAN_STATUSES)],
        ["effort", "S (small), M (medium) or L (large)"],
        ["theme", "One or more of: " + "; ".join(THEME_WORD.values())],
        ["kind", f"{KIND_WORD['barrier']} or {KIND_WORD['risk']}"],
        [
            "coming back",
            "lensmap plan import reads the "
            + ", ".join(PLAN_COLUMN.values())
            + " columns back into the session. Each row finds its issue by its stage id and "
            "kind, not by rank; keep those two as they are. A blank cell changes nothing.",
        ],
        ["made by", "lensmap"],
    ]
    _table(about, ["about", "what"], facts, {"about": 14, "what": 100})

    index = {name: n for n, name in enumerate(PLAN_COLUMNS, start=1)}
    lists = _lists(
        book.create_sheet("Lists"),
        {"status": PLAN_STATUSES, "effort": EFFORTS, "theme": tuple(THEME_WORD.values())},
    )
    _choices(plan, index["status"], lists["status"], len(rows), only=True)
    _choices(plan, index["effort"], lists["effort"], len(rows), only=True)
    _choices(plan, index["theme"], lists["theme"], len(rows), only=False)
    out = io.BytesIO()
    book.save(out)
    return _steady(out.getvalue())


def _steady(xlsx: bytes) -> bytes:
    """The same workbook with each part's time in the zip, and its "modified" date, set to
    FIXED_TIME, so an export that changes nothing writes the same bytes (openpyxl stamps
    both with the time of saving)."""
    import re
    import zipfile

    fixed = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as made, zipfile.ZipFile(out, "w") as steady:
        for part in made.infolist():
            info = zipfile.ZipInfo(part.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            data = made.read(part.filename)
            if part.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + fixed, data)
            steady.writestr(info, data)
    return out.getvalue()

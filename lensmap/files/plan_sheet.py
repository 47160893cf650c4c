"""A filled-in plan as the implementation group saves it: plan.xlsx, or plan.csv as Excel or
LibreOffice saves it (a byte-order mark or none, commas, semicolons or tabs, Windows line
ends, columns moved about or added).

Only reading and checking happen here: every cell lensmap reads back is checked, and every
problem is said with its row and column, before anything is matched to the session."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..event.model import PLAN_STATUSES
from ..event.plan_update import PlanLine
from ..wording.vocabulary import KIND_WORD, PLAN_COLUMN, PLAN_COLUMNS, STAGE_ID_COLUMN
from .problems import LoadError, Problem
from .reading import read_bytes

MAX_ROWS = 5_000  # a plan has one row per issue: tens, not thousands
MAX_UNPACKED = 100 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks to a flood
HEADER_SEARCH = 10  # the header may sit under a title row or two the group added
MAX_COLUMNS = 200  # a plan has 16; a sheet can claim 16,384, each read for every row
SHORT = 500  # as long as the session keeps an owner or timeframe (model.Text)
LONG = 20_000  # as long as it keeps an action or progress note (model.LongText)
LIMIT = {"owner": SHORT, "timeframe": SHORT, "action": LONG, "progress": LONG}
GUARD = ("=", "+", "-", "@", "\t", "\r")
EXCEL_ERRORS = frozenset(
    ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
)  # what plan.csv puts a ' before (escaping.csv_cell)

EFFORTS_BY_WORD = {
    "s": "S", "small": "S", "s · small": "S",
    "m": "M", "medium": "M", "m · medium": "M",
    "l": "L", "large": "L", "l · large": "L",
}  # fmt: skip


@dataclass
class PlanSheet:
    file: str
    """The file's name, as the session records it (not the folder it was in)."""
    lines: list[PlanLine]
    columns: list[str]
    """The plan fields the file has columns for (PLAN_COLUMN's keys), in that order."""
    notes: list[str] = field(default_factory=list)
    """Things worth saying about how the file was read (its encoding, columns left alone)."""
    event: str | None = None
    """The event a plan.xlsx says it was made for (its About sheet), to check it is this one."""


def column_letter(number: int) -> str:
    """A column's letters as spreadsheets show them: 1 is A, 27 is AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _words(value: str) -> str:
    """A cell's words to compare: case, spaces, hyphens and underscores set aside."""
    return " ".join(re.sub(r"[-_]+", " ", value).split()).casefold()


KINDS_BY_WORD = {"barrier": "barrier", "barriers": "barrier", "risk": "risk", "risks": "risk"}
KINDS_BY_WORD.update({_words(KIND_WORD[kind]): kind for kind in ("barrier", "risk")})


def read_plan_sheet(path: str | Path) -> PlanSheet:
    """The rows of a plan file, every cell checked; LoadError (naming each row and column)
    for a file that cannot be used as it is."""
    path = Path(path)
    raw = read_bytes(path, "a plan")
    notes: list[str] = []
    about: list[str | None] = [None]
    if raw.startswith(b"SQLite format 3\x00"):
        raise LoadError.single(
            path,
            "is a lensmap session, not a plan; name the plan first and the session after --session",
        )
    if raw.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(path, raw, notes, about)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        raise LoadError.single(
            path, "is not an Excel workbook (.xlsx) inside; save it again from Excel as .xlsx"
        )
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise LoadError.single(
            path,
            "is an old Excel file (.xls); save it as .xlsx (Excel Workbook) or as CSV UTF-8 "
            "and import that",
        )
    else:
        rows = _csv_rows(path, raw, notes)
    sheet = _sheet(path, rows, notes)
    sheet.event = about[0]
    return sheet


# -- the two kinds of file, as rows of text -------------------------------------------------
def _xlsx_rows(
    path: Path, raw: bytes, notes: list[str], about: list[str | None]
) -> list[list[str]]:
    """The rows of the sheet with the plan's header (the Plan sheet first) as text; the
    event its About sheet names, if it has one, in `about`."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as packed:
            parts = packed.infolist()
            if len(parts) > 10_000 or sum(p.file_size for p in parts) > MAX_UNPACKED:
                raise LoadError.single(path, "unpacks to far more than any plan; is it the plan?")
    except zipfile.BadZipFile:
        raise LoadError.single(path, "is damaged (not a complete .xlsx); save it again") from None
    import warnings

    from openpyxl import load_workbook  # imported only when a workbook is read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on parts it does not read
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file it cannot read
        if _refused_xml(exc):
            raise LoadError.single(
                path,
                "holds XML that declares entities or reaches outside the file, which no "
                "spreadsheet program writes; lensmap does not read it. Save the plan again "
                "from Excel or LibreOffice",
            ) from None
        raise LoadError.single(
            path, f"cannot be read as an Excel workbook ({type(exc).__name__}); save it again"
        ) from None
    try:
        names = book.sheetnames
        if "About" in names:
            for row in book["About"].iter_rows(max_row=20, max_col=2, values_only=True):
                if row and _xlsx_text(row[0]).strip() == "event" and len(row) > 1:
                    about[0] = _xlsx_text(row[1]).strip() or None
        # The Plan sheet first, then the others, in their order: the first with the header.
        order = sorted(names, key=lambda n: n.strip().casefold() != "plan")
        for name in order:
            sheet = book[name]
            top = [
                [_xlsx_text(v) for v in row]
                for row in sheet.iter_rows(max_row=HEADER_SEARCH, max_col=MAX_COLUMNS,
                                           values_only=True)
            ]  # fmt: skip
            at = _header_at(top)
            if at is None:
                continue
            width = max(n for n, cell in enumerate(top[at], start=1) if cell.strip())
            if name.strip().casefold() != "plan":
                notes.append(f"read the sheet “{name}”: no sheet called “Plan” has the plan")
            rows = []
            for n, row in enumerate(sheet.iter_rows(max_col=width, values_only=True), start=1):
                if n > MAX_ROWS + HEADER_SEARCH:
                    raise LoadError.single(
                        path, f"has more than {MAX_ROWS:,} rows; is it the plan?"
                    )
                rows.append([_xlsx_text(value) for value in row])
            return rows
        sheets = ", ".join(f"“{n}”" for n in names)
        raise LoadError.single(
            path,
            f'no sheet ({sheets}) has a header row with "stage" and "kind" columns in its '
            "first rows; import the plan.xlsx lensmap exported, keeping its header row",
        )
    finally:
        book.close()


def _refused_xml(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML, here or in what led to `exc`."""
    while exc is not None:
        if type(exc).__name__.endswith("Forbidden"):  # DTDForbidden, EntitiesForbidden, ...
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _xlsx_text(value: Any) -> str:
    """A cell as the words it shows: numbers without a needless ".0", dates as dates."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _csv_rows(path: Path, raw: bytes, notes: list[str]) -> list[list[str]]:
    text = _decoded(path, raw, notes)
    if "\x00" in text:
        raise LoadError.single(path, "holds binary data, not a plan; is it the right file?")
    lines = text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH]
    header = next((line for line in lines if "kind" in line.casefold()), lines[0])
    counts = {separator: header.count(separator) for separator in (",", ";", "\t")}
    separator = max(counts, key=counts.__getitem__)
    # strict: a quote left open is an error, not the rest of the file taken as one cell
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=separator, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) > MAX_ROWS + HEADER_SEARCH:
                raise LoadError.single(path, f"has more than {MAX_ROWS:,} rows; is it the plan?")
            rows.append([_unguarded(cell) for cell in row])
    except csv.Error as exc:
        raise LoadError.single(
            path,
            f'cannot be read as CSV ({exc}): is a quote (") left open? Open the file in a '
            "spreadsheet, check the row, and save it again",
            f"row {len(rows) + 1}",
        ) from None
    return rows


def _decoded(path: Path, raw: bytes, notes: list[str]) -> str:
    """UTF-8 (with or without the mark Excel's "CSV UTF-8" adds), UTF-16 (Excel's "Unicode
    Text"), or, said so, Windows-1252 (Excel's plain "CSV (Comma delimited)")."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise LoadError.single(path, "is damaged UTF-16 text; save it again") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise LoadError.single(
            path, "is not UTF-8 text; save it again choosing CSV UTF-8 (comma delimited)"
        ) from None
    notes.append(
        "read as Windows-1252 text (Excel's plain CSV), not UTF-8; if any letters look wrong "
        "below, save the plan as CSV UTF-8 and import it again"
    )
    return text


def _unguarded(cell: str) -> str:
    """A cell without the quote plan.csv put before text a spreadsheet could take for a
    formula ("'- phone line only" is "- phone line only")."""
    if cell.startswith("'") and cell[1:2] in GUARD and cell[1:2]:
        return cell[1:]
    return cell


# -- the rows, checked ---------------------------------------------------------------------
def _header_at(rows: list[list[str]]) -> int | None:
    for at, row in enumerate(rows[:HEADER_SEARCH]):
        names = {_words(cell) for cell in row}
        if "kind" in names and ({"stage", STAGE_ID_COLUMN} & names):
            return at
    return None


def _sheet(path: Path, rows: list[list[str]], notes: list[str]) -> PlanSheet:
    at = _header_at(rows)
    if at is None:
        raise LoadError.single(
            path,
            'has no header row with "stage" and "kind" columns in its first rows; import the '
            "plan.xlsx or plan.csv lensmap exported, keeping its header row",
            "row 1",
        )
    header = [_words(cell) for cell in rows[at]]
    wanted = {"stage": "stage", STAGE_ID_COLUMN: "stage_id", "kind": "kind"}
    wanted.update({column: name for name, column in PLAN_COLUMN.items()})
    where: dict[str, int] = {}
    problems: list[Problem] = []
    for n, name in enumerate(header):
        if name in wanted:
            if wanted[name] in where:
                problems.append(
                    Problem(
                        str(path),
                        f'a second "{name}" column; keep one of them',
                        f"row {at + 1}, column {column_letter(n + 1)}",
                    )
                )
            where[wanted[name]] = n
    if problems:
        raise LoadError(problems)
    columns = [name for name in PLAN_COLUMN if name in where]
    if not columns:
        raise LoadError.single(
            path,
            "has none of the plan's columns ("
            + ", ".join(PLAN_COLUMN.values())
            + "); import the plan lensmap exported, filled in",
            f"row {at + 1}",
        )
    lines = list(_lines(path, rows, at, where, columns, problems))
    if problems:
        raise LoadError(problems)
    notes += _left_alone(rows, at, header, wanted)
    return PlanSheet(path.name, lines, columns, notes)


def _left_alone(rows: list[list[str]], at: int, header: list[str], wanted) -> list[str]:
    """A note of the filled-in columns the group added, which lensmap does not read back,
    a near miss of one it reads named ("Owner(s)" for "owner"), so nothing the group wrote
    is dropped unsaid. The plan's own other columns (rank, issue, theme...) are not read
    back either, as its About sheet says."""
    import difflib

    said = []
    ours = {_words(column) for column in PLAN_COLUMNS}  # the plan's own: not read back, known
    for n, name in enumerate(header):
        if not name or name in wanted or name in ours:
            continue
        if not any(n < len(row) and row[n].strip() for row in rows[at + 1 :]):
            continue
        near = difflib.get_close_matches(name, list(wanted), n=1, cutoff=0.7)
        said.append(f"“{rows[at][n].strip()}”" + (f" (is it “{near[0]}”?)" if near else ""))
    if not said:
        return []
    read = ", ".join(PLAN_COLUMN.values())
    return [
        "columns not read back, left as they are: " + ", ".join(said) + f". lensmap reads "
        f"{read} (and finds each row's issue by stage id or stage, and kind); change anything "
        "else in lensmap itself"
    ]


def _lines(
    path: Path,
    rows: list[list[str]],
    at: int,
    where: dict[str, int],
    columns: Iterable[str],
    problems: list[Problem],
) -> Iterator[PlanLine]:
    for number, row in enumerate(rows[at + 1 :], start=at + 2):

        def cell(name: str, row: list[str] = row) -> str:
            n = where.get(name)
            return row[n].strip() if n is not None and n < len(row) else ""

        def bad(name: str, message: str, number: int = number) -> None:
            column = column_letter(where[name] + 1)
            problems.append(Problem(str(path), message, f"row {number}, column {column}"))

        stage_id, stage, kind_cell = cell("stage_id"), cell("stage"), cell("kind")
        values = {name: cell(name) for name in columns}
        if not (stage_id or stage or kind_cell or any(values.values())):
            continue  # an empty row
        kind = KINDS_BY_WORD.get(_words(kind_cell))
        if kind is None:
            if not kind_cell:
                bad("kind", f"no kind; write {KIND_WORD['barrier']} or {KIND_WORD['risk']}")
            else:
                bad(
                    "kind",
                    f'"{kind_cell}" is not a kind of issue; write {KIND_WORD["barrier"]} or '
                    f"{KIND_WORD['risk']} (the plan has no other kind)",
                )
            continue
        if not (stage_id or stage):
            bad("stage" if "stage" in where else "stage_id", "no stage; name the issue's stage")
            continue
        too_long = [n for n, v in (("stage", stage), ("stage_id", stage_id)) if len(v) > SHORT]
        for name in too_long:
            bad(name, f"{len(cell(name)):,} characters long: no stage's name or id is; is it "
                "the right cell?")  # fmt: skip
        if too_long:
            continue
        checked: dict[str, str | None] = {}
        for name in columns:
            value = values[name]
            column = PLAN_COLUMN[name]
            if not value:
                checked[name] = None
            elif value.upper() in EXCEL_ERRORS:
                bad(
                    name,
                    f"holds the spreadsheet's error {value} (a formula that failed); type the "
                    f"{column} itself, or leave the cell blank",
                )
            elif name == "status":
                status = next((s for s in PLAN_STATUSES if _words(value) == s), None)
                if status is None:
                    bad(
                        name,
                        f'status "{value}" is not one of {", ".join(PLAN_STATUSES)}; choose one '
                        "from the list",
                    )
                checked[name] = status
            elif name == "effort":
                effort = EFFORTS_BY_WORD.get(_words(value))
                if effort is None:
                    bad(name, f'effort "{value}" is not S, M or L (small, medium or large)')
                checked[name] = effort
            elif len(value) > LIMIT[name]:
                bad(
                    name,
                    f"the {column} is {len(value):,} characters long; lensmap keeps up to "
                    f"{LIMIT[name]:,}, so shorten it",
                )
            else:
                checked[name] = value
        yield PlanLine(number, stage_id or None, stage or None, kind, checked)

"""Pathways kept in spreadsheets: a CSV edge list (from,to,label) and an optional stages
CSV, as Excel and LibreOffice save them."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..event.model import STAGE_KINDS
from .pathway_checks import pathway_from_data
from .problems import LoadError, Problem, suggest
from .reading import read_text
from .stage_ids import StageNames, slug, title_from_name, yes_or_no

EDGE_COLUMNS = ("from", "to", "label")
STAGE_COLUMNS = ("id", "label", "kind", "service", "description", "prompts", "asks_story")


def _separator(text: str) -> str:
    """The separator the header row uses: a comma, or the semicolon or tab that Excel and
    LibreOffice use where the comma is a decimal point. Read from the header alone, because
    guessing from the rows (csv.Sniffer) is misled by quoted text holding ; or ", and
    guesses that quotes are not doubled, which is how every spreadsheet writes them."""
    header = text.split("\n", 1)[0]
    counts = {separator: header.count(separator) for separator in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _rows(path: Path, allowed: tuple[str, ...], required: tuple[str, ...]):
    text = read_text(path)
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=_separator(text))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise LoadError.single(path, f"cannot be read as CSV ({exc})", "row 1") from None
    problems = []
    for name in header:
        if name and name not in allowed:
            problems.append(
                Problem(
                    str(path),
                    f'unknown column "{name}"{suggest(name, allowed)}; the columns are '
                    f"{', '.join(allowed)}",
                    "row 1",
                )
            )
    for name in required:
        if name not in header:
            problems.append(Problem(str(path), f'the header row needs a "{name}" column', "row 1"))
    if problems:
        raise LoadError(problems)
    try:
        for number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield (
                    number,
                    {
                        h: (row[i].strip() if i < len(row) else "")
                        for i, h in enumerate(header)
                        if h
                    },
                )
    except csv.Error as exc:
        raise LoadError.single(path, f"cannot be read as CSV ({exc})") from None


def pathway_from_csv(
    edges: Path,
    stages: Path | str | None = None,
    pathway_id: str | None = None,
    title: str | None = None,
) -> tuple[Any, list[Problem]]:
    """A pathway from a CSV edge list (from,to,label) and an optional stages CSV
    (id,label,kind,service,description,prompts,asks_story; prompts separated by "|",
    asks_story yes or no)."""
    edges = Path(edges)
    known = StageNames()
    problems: list[Problem] = []
    if stages is not None:
        stages = Path(stages)
        for number, row in _rows(stages, STAGE_COLUMNS, ("id",)):
            place = f"row {number}"
            if not row.get("id"):
                problems.append(Problem(str(stages), "the id is empty", place))
                continue
            kind = row.get("kind") or "step"
            if kind not in STAGE_KINDS:
                problems.append(
                    Problem(
                        str(stages),
                        f'kind "{kind}" is not one of {", ".join(STAGE_KINDS)}',
                        place,
                    )
                )
            fields: dict[str, Any] = {"label": row.get("label") or row["id"], "kind": kind}
            for column in ("service", "description"):
                if row.get(column):
                    fields[column] = row[column]
            if row.get("prompts"):
                fields["prompts"] = [p.strip() for p in row["prompts"].split("|") if p.strip()]
            asks = yes_or_no(row.get("asks_story", ""))
            if asks is None:
                problems.append(
                    Problem(
                        str(stages),
                        f'asks_story "{row["asks_story"]}" is not yes or no; write yes where '
                        "the person is asked for their story again, or leave it empty",
                        place,
                    )
                )
            elif asks:
                fields["asks_story"] = True
            known.add(row["id"], fields)
    transitions = []
    for number, row in _rows(edges, EDGE_COLUMNS, ("from", "to")):
        if not row.get("from") or not row.get("to"):
            problems.append(
                Problem(str(edges), 'both "from" and "to" need a stage', f"row {number}")
            )
            continue
        transition = {"from": known.find_or_add(row["from"]), "to": known.find_or_add(row["to"])}
        if row.get("label"):
            transition["label"] = row["label"]
        transitions.append(transition)
    if problems:
        raise LoadError(problems)
    data = {
        "format": 1,
        "id": pathway_id or slug(edges.stem),
        "title": title or title_from_name(edges),
        "stages": list(known.data.values()),
        "transitions": transitions,
    }
    return pathway_from_data(data, str(edges))

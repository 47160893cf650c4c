"""Figures for the plan coming back and the year-later comparison (measured, not asserted).

    .venv/bin/python benchmarks/plan_figures.py [--quick]

A plan of 200 issues on a 200-stage pathway: plan.xlsx and plan.csv read and checked
(openpyxl's import timed apart, in a fresh interpreter), the rows matched to the session's
issues, and two sessions of 2,000 tags compared (not drawing the map, which is Graphviz's
time, measured with the exports)."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import big_pathway, import_ms, measure

from lensmap.event.comparison import compare
from lensmap.event.model import Event, Tag
from lensmap.event.plan_update import plan_update
from lensmap.export.comparison_files import compare_json, compare_markdown, side
from lensmap.export.issues_list import Report, plan_csv
from lensmap.export.plan_workbook import plan_xlsx
from lensmap.files.plan_sheet import read_plan_sheet
from lensmap.session.content import SessionContent


def content(pathway, seed: int, tags: int = 2000) -> SessionContent:
    rng = random.Random(seed)
    made = [
        Tag(id=f"t{n}", stage=rng.choice(pathway.stages).id, severity=rng.randint(1, 3),
            kind=rng.choice(["barrier", "risk", "positive"]), note=f"note {n}")
        for n in range(tags)
    ]  # fmt: skip
    return SessionContent(event=Event(title="Bench"), pathway=pathway, tags=made)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    repeat = 3 if parser.parse_args().quick else 11
    print(f"openpyxl import (fresh interpreter, median of 5): {import_ms('openpyxl')} ms")
    pathway = big_pathway(200)
    baseline, followup = content(pathway, 1), content(pathway, 2)
    report = Report(baseline)
    print(f"a plan of {len(report.issues)} issues, sessions of {len(baseline.tags):,} tags")
    with tempfile.TemporaryDirectory() as folder:
        xlsx, csv = Path(folder) / "plan.xlsx", Path(folder) / "plan.csv"
        xlsx.write_bytes(plan_xlsx(report))
        csv.write_bytes(plan_csv(report).encode("utf-8-sig"))
        sheet = read_plan_sheet(xlsx)
        notes = {n.key: n for n in baseline.issues}
        figures = {
            "read and check plan.xlsx": partial(read_plan_sheet, xlsx),
            "read and check plan.csv": partial(read_plan_sheet, csv),
            "match the rows to issues": partial(
                plan_update, pathway, baseline.tags, notes, sheet.lines
            ),
            "compare two sessions": partial(compare, side(baseline), side(followup)),
        }
        for what, run in figures.items():
            print(f"  {what:32} {measure(run, repeat)}")
        c = compare(side(baseline), side(followup))
        both = partial(lambda: (compare_json(c), compare_markdown(c)))
        print(f"  {'compare.json and compare.md':32} {measure(both, repeat)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

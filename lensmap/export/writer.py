"""Writing an export folder: each file whole or not at all, and nobody's filled-in plan lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..safe_write import write_atomic
from ..session.content import SessionContent
from ..session.interchange import dumps
from . import issues_list as lists

Progress = Callable[[int, int, str], None]


def _files(content: SessionContent) -> list[tuple[str, bytes]]:
    report = lists.Report(content)
    excel = "utf-8-sig"  # a byte-order mark, so Excel reads the accents and symbols correctly
    return [
        ("session.json", dumps(content).encode("utf-8")),
        ("issues.json", lists.issues_json(report).encode("utf-8")),
        ("issues.md", lists.issues_markdown(report).encode("utf-8")),
        ("issues.csv", lists.issues_csv(report).encode(excel)),
        ("keep.json", lists.keep_json(report).encode("utf-8")),
        ("keep.csv", lists.keep_csv(report).encode(excel)),
        ("plan.csv", lists.plan_csv(report).encode(excel)),
    ]


def _free_name(folder: Path, name: str) -> Path:
    stem, suffix = name.rsplit(".", 1)
    n = 2
    while (folder / f"{stem}-{n}.{suffix}").exists():
        n += 1
    return folder / f"{stem}-{n}.{suffix}"


MAP_FORMATS = ("svg", "png")


def export_session(
    content: SessionContent, folder: Path, progress: Progress | None = None
) -> list[Path]:
    """Write the issues lists, the plan template and the session JSON into `folder`.

    Generated files are replaced on each export, except plan.csv: the implementation group
    fills it in, so a changed one is kept and the new template goes beside it (plan-2.csv)."""
    from .maps import combined_dot, render

    folder.mkdir(parents=True, exist_ok=True)
    dot = combined_dot(content)
    files = [*_files(content), ("maps/combined.dot", dot.encode("utf-8"))]
    steps = len(files) + len(MAP_FORMATS)
    written = []
    for n, (name, data) in enumerate(files):
        if progress:
            progress(n, steps, name)
        target = folder / name
        if name == "plan.csv" and target.exists() and target.read_bytes() != data:
            same = [p for p in sorted(folder.glob("plan-*.csv")) if p.read_bytes() == data]
            target = same[0] if same else _free_name(folder, name)
        target.parent.mkdir(exist_ok=True)
        write_atomic(target, data, replace=True)
        written.append(target)
    for n, fmt in enumerate(MAP_FORMATS, start=len(files)):
        if progress:
            progress(n, steps, f"maps/combined.{fmt}")
        target = folder / "maps" / f"combined.{fmt}"
        render(dot, fmt, target)
        written.append(target)
    if progress:
        progress(steps, steps, "")
    return written

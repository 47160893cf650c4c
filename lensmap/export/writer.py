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
    from ..locations import safe_name
    from .maps import combined_dot, journey_dot, render

    folder.mkdir(parents=True, exist_ok=True)
    maps = {"combined": combined_dot(content)}
    titles = {"combined": "the whole pathway"}
    walked = {j.persona for j in content.journeys if j.steps}
    for team in content.teams:
        members = [p.id for p in content.personas if p.team == team.id and p.id in walked]
        if members:
            maps[f"team-{safe_name(team.id)}"] = journey_dot(content, members, team.name)
            titles[f"team-{safe_name(team.id)}"] = team.name
    for persona in content.personas:
        if persona.id in walked:
            maps[f"persona-{safe_name(persona.id)}"] = journey_dot(
                content, [persona.id], persona.name
            )
            titles[f"persona-{safe_name(persona.id)}"] = persona.name
    files = [
        *_files(content),
        *((f"maps/{name}.dot", dot.encode("utf-8")) for name, dot in maps.items()),
    ]
    steps = len(files) + len(MAP_FORMATS) * len(maps) + 1
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
    done = len(files)
    for name, dot in maps.items():
        for fmt in MAP_FORMATS:
            if progress:
                progress(done, steps, f"maps/{name}.{fmt}")
            target = folder / "maps" / f"{name}.{fmt}"
            render(dot, fmt, target)
            written.append(target)
            done += 1
    from .report import index_html

    if progress:
        progress(done, steps, "index.html")
    svgs = {name: (folder / "maps" / f"{name}.svg").read_bytes() for name in maps}
    target = folder / "index.html"
    write_atomic(target, index_html(content, svgs, titles).encode("utf-8"), replace=True)
    written.append(target)
    if progress:
        progress(steps, steps, "")
    return written

"""Writing an export folder: each file whole or not at all, and nobody's filled-in plan lost."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..problems import LoadError
from ..safe_write import write_atomic
from ..session.content import SessionContent
from ..session.interchange import dumps
from . import issues_list as lists

Progress = Callable[[int, int, str], None]


def _files(report: lists.Report) -> list[tuple[str, bytes]]:
    content = report.content
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


FORMATS = ("svg", "png", "pdf", "dot")


def _maps(
    content: SessionContent,
) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """Every map's DOT, its title and whose journeys it shows: the whole pathway, then each
    team's and each persona's journey."""
    from ..locations import safe_name
    from .maps import combined_dot, journey_dot

    taken: set[str] = {"combined"}

    def unique(name: str) -> str:
        """A map name no other map has, even where file names ignore case (Windows, macOS)."""
        candidate, n = name, 2
        while candidate.lower() in taken:
            candidate, n = f"{name}-{n}", n + 1
        taken.add(candidate.lower())
        return candidate

    maps = {"combined": combined_dot(content)}
    titles = {"combined": "the whole pathway"}
    members: dict[str, list[str]] = {"combined": []}
    walked = {j.persona for j in content.journeys if j.steps}
    for team in content.teams:
        members_of_team = [p.id for p in content.personas if p.team == team.id and p.id in walked]
        if members_of_team:
            name = unique(f"team-{safe_name(team.id)}")
            maps[name] = journey_dot(content, members_of_team, team.name)
            titles[name] = team.name
            members[name] = members_of_team
    for persona in content.personas:
        if persona.id in walked:
            name = unique(f"persona-{safe_name(persona.id)}")
            maps[name] = journey_dot(content, [persona.id], persona.name)
            titles[name] = persona.name
            members[name] = [persona.id]
    return maps, titles, members


def export_session(
    content: SessionContent,
    folder: Path,
    progress: Progress | None = None,
    *,
    formats: tuple[str, ...] = FORMATS,
    notes: list[str] | None = None,
) -> list[Path]:
    """Write the report, maps, issues lists, plan template and session JSON into `folder`.

    Generated files are replaced on each export, except plan.csv: the implementation group
    fills it in, so a changed one is kept and the new template goes beside it (plan-2.csv).
    Maps render in parallel (one Graphviz process per map and format). What could not be made
    (PDF without a PDF-capable engine) is said in `notes`, not silently skipped."""
    from .maps import engine, is_graphviz_pure, render
    from .report import index_html

    notes = notes if notes is not None else []
    try:
        (folder / "maps").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LoadError.single(
            folder, f"cannot be made ({exc.strerror or exc}); choose another folder with --out"
        ) from None
    maps, titles, members = _maps(content)
    report = lists.Report(content)  # ranked once, for the lists and the page alike
    files = _files(report)
    if "dot" in formats:
        files += [(f"maps/{name}.dot", dot.encode("utf-8")) for name, dot in maps.items()]
    wanted = ["svg"] + [f for f in ("png", "pdf") if f in formats]
    if "pdf" in wanted and is_graphviz_pure(engine()):
        wanted.remove("pdf")
        notes.append(
            "PDF maps need Graphviz itself (graphviz.org); SVG and PNG maps were written, and "
            "index.html prints well from a browser"
        )
    # Graphviz lays each map out once for SVG and PDF; a PNG is drawn on its own, smaller.
    runs = [tuple(f for f in wanted if f != "png")] + ([("png",)] if "png" in wanted else [])
    jobs = [(name, run) for name in maps for run in runs]
    steps = len(files) + len(jobs) + 1
    done = 0
    written = []

    def step(name: str) -> None:
        if progress:
            progress(done, steps, name)

    for name, data in files:
        step(name)
        target = folder / name
        if name == "plan.csv" and target.exists() and target.read_bytes() != data:
            same = [p for p in sorted(folder.glob("plan-*.csv")) if p.read_bytes() == data]
            target = same[0] if same else _free_name(folder, name)
        write_atomic(target, data, replace=True)
        written.append(target)
        done += 1
    workers = max(1, min(len(jobs), os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(
                render, maps[name], run, tuple(folder / "maps" / f"{name}.{f}" for f in run)
            ): (name, run)
            for name, run in jobs
        }
        for future in as_completed(futures):
            future.result()  # a drawing that failed stops the export with its message
            name, run = futures[future]
            written += [folder / "maps" / f"{name}.{f}" for f in run]
            done += 1
            step(f"maps/{name}.{run[-1]}")
    step("index.html")
    svgs = {name: (folder / "maps" / f"{name}.svg").read_bytes() for name in maps}
    target = folder / "index.html"
    write_atomic(target, index_html(report, svgs, titles, members).encode("utf-8"), replace=True)
    written.append(target)
    done += 1
    if progress:
        progress(steps, steps, "")
    return written

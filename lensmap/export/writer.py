"""Writing an export folder: each file whole or not at all, and nobody's filled-in plan lost."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..session.content import SessionContent
from ..session.interchange import dumps
from ..storage.safe_write import write_atomic
from . import ExportFailed
from . import issues_list as lists
from .journeys_file import journeys_json
from .plan_workbook import plan_xlsx
from .what_we_heard import what_we_heard_html, what_we_heard_markdown

Progress = Callable[[int, int, str], None]


def _files(report: lists.Report, *, full: bool = True) -> list[tuple[str, bytes]]:
    """Every file but the maps and pages; `full` (not a copy for circulation) with
    session.json, which keeps who raised every tag."""
    content = report.content
    excel = "utf-8-sig"  # a byte-order mark, so Excel reads the accents and symbols correctly
    session = [("session.json", dumps(content).encode("utf-8"))] if full else []
    return [
        *session,
        ("issues.json", lists.issues_json(report).encode("utf-8")),
        ("issues.md", lists.issues_markdown(report).encode("utf-8")),
        ("issues.csv", lists.issues_csv(report).encode(excel)),
        ("keep.json", lists.keep_json(report).encode("utf-8")),
        ("journeys.json", journeys_json(content, report.pathway_measures).encode("utf-8")),
        ("keep.csv", lists.keep_csv(report).encode(excel)),
        ("plan.csv", lists.plan_csv(report).encode(excel)),
        ("plan.xlsx", plan_xlsx(report)),
        ("what-we-heard.md", what_we_heard_markdown(report).encode("utf-8")),
    ]


COPY_RECORD = ".lensmap-copy.json"
"""In a copy for circulation: the files lensmap wrote there, so that the next copy written
to the same folder removes the ones it does not write again (a map format not asked for,
the journey of a persona since taken back), which could hold a note since kept in the room."""


def _circulation(
    content: SessionContent, folder: Path, notes: list[str]
) -> tuple[SessionContent, list[tuple[str, bytes]], list[str]]:
    """The session as a copy for circulation shows it, the two files that say what was left
    out and what to read before sending, and the files an earlier copy there wrote."""
    from .circulation import (
        ABOUT_FILE,
        CHECK_FILE,
        LEFT_OUT,
        about_this_copy,
        check_before_sharing,
        for_circulation,
        name_like_words,
    )

    for name in LEFT_OUT:
        if (folder / name).exists():
            raise ExportFailed.single(
                folder,
                f"holds a full export ({name}, which records who raised each tag); write the "
                "copy for circulation to a folder of its own",
            )
    earlier = _earlier_copy(folder)
    copy = for_circulation(content)
    findings = name_like_words(copy.content, copy.place_words)
    if copy.notes_left_out:
        n = copy.notes_left_out
        notes.append(f"{n} note{'s' * (n != 1)} marked “keep in the room” left out of this copy")
    notes.append(f"read {CHECK_FILE} before sending this folder")
    return (
        copy.content,
        [
            (ABOUT_FILE, about_this_copy(copy, len(findings)).encode("utf-8")),
            (CHECK_FILE, check_before_sharing(findings).encode("utf-8")),
        ],
        earlier,
    )


def _earlier_copy(folder: Path) -> list[str]:
    """What an earlier copy for circulation wrote in `folder`; refuses a folder holding files
    that no copy for circulation wrote (they could say anything)."""
    try:
        held = [p for p in folder.iterdir() if p.name != RECORD] if folder.is_dir() else []
        record = json.loads((folder / COPY_RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        record = None
    except (OSError, ValueError):
        record = {}
    files = record.get("files") if isinstance(record, dict) else None
    if (record is None and held) or (record is not None and not isinstance(files, list)):
        raise ExportFailed.single(
            folder,
            "holds files that are not a copy for circulation lensmap wrote; write the copy "
            "to a new or empty folder",
        )
    return [f for f in files or [] if isinstance(f, str)]


def _tidy_copy(folder: Path, written: list[Path], earlier: list[str]) -> None:
    """Remove what an earlier copy wrote and this one did not (never a plan: one the group
    edited is kept, by the plan's own rule), and record what this copy wrote."""
    now = {p.relative_to(folder).as_posix() for p in written}
    for name in earlier:
        path = (folder / name).resolve()
        inside = folder.resolve() in path.parents  # a record cannot send a removal elsewhere
        if name in now or Path(name).name.startswith("plan") or not inside:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
    data = json.dumps({"files": sorted(now)}, indent=2).encode("utf-8")
    write_atomic(folder / COPY_RECORD, data, replace=True)


def _free_name(folder: Path, name: str) -> Path:
    stem, suffix = name.rsplit(".", 1)
    n = 2
    while (folder / f"{stem}-{n}.{suffix}").exists():
        n += 1
    return folder / f"{stem}-{n}.{suffix}"


# -- the plan: replaced when lensmap wrote it and nobody touched it, kept when somebody did ----
PLAN = "plan.csv"
WORKBOOK = "plan.xlsx"
PLANS = (PLAN, WORKBOOK)
RECORD = ".lensmap-plans.json"  # beside the exports: what lensmap itself last wrote as plans
_PLAN_NAME = re.compile(r"plan(?:-[0-9]{1,9})?\.(?:csv|xlsx)")


def _same_plan(name: str, plan: str) -> bool:
    """Whether `name` is `plan` or one of its numbered copies (plan-2.csv for plan.csv)."""
    return bool(_PLAN_NAME.fullmatch(name)) and name.rsplit(".", 1)[1] == plan.rsplit(".", 1)[1]


@dataclass(frozen=True)
class PlanPlaced:
    """Where an export put the new plan, and why: `kept` is the plan.csv left as it was
    because somebody edited it since lensmap wrote it (`known`: lensmap has a record of
    writing it; without one, a plan.csv that differs is kept all the same)."""

    path: Path
    kept: Path | None = None
    known: bool = True

    def message(self) -> str | None:
        """What to tell whoever exported, or None when the plan is plain plan.csv."""
        if self.kept is None:
            return None
        why = (
            "was edited since lensmap wrote it"
            if self.known
            else "is not one lensmap wrote (it was edited, or written by an older lensmap)"
        )
        return f"{self.kept.name} {why}, so it is kept; the new plan is {self.path.name}"


class Exported(list[Path]):
    """The files an export wrote, and where its plans went (`plan` for plan.csv, `workbook`
    for plan.xlsx)."""

    plan: PlanPlaced | None = None
    workbook: PlanPlaced | None = None

    def messages(self) -> list[str]:
        """What to tell whoever exported about either plan (nothing when both are plain)."""
        return [m for m in (p.message() if p else None for p in (self.plan, self.workbook)) if m]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_record(folder: Path) -> dict:
    """The record of the plans lensmap wrote in `folder`, or an empty one (nothing is then
    taken to be lensmap's own, so nothing that differs is replaced)."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or not isinstance(record.get("written"), dict):
        return {}
    return record


def _plan_names(record: dict) -> dict[str, str]:
    return {
        name: digest
        for name, digest in record.get("written", {}).items()
        if isinstance(name, str) and _PLAN_NAME.fullmatch(name) and isinstance(digest, str)
    }


def _state(record: dict, plan: str) -> dict:
    """Where lensmap last put this plan (latest, kept, known): plan.csv's at the record's top
    level, as lensmap has always written it; plan.xlsx's under "workbook"."""
    if plan == PLAN:
        return record
    state = record.get("workbook")
    return state if isinstance(state, dict) else {}


def _place_plan(folder: Path, data: bytes, plan_name: str = PLAN) -> PlanPlaced:
    """Write the new plan (plan.csv or plan.xlsx) where it loses nobody's work, and record
    what lensmap wrote."""
    record = _read_record(folder)
    written = _plan_names(record)
    state = _state(record, plan_name)

    def bytes_of(path: Path) -> bytes | None:
        try:
            return path.read_bytes() if path.is_file() else None
        except OSError:
            return None

    def untouched(path: Path) -> bool:
        """Lensmap's own as it wrote it (or the very plan it would write now)."""
        held = bytes_of(path)
        return held is not None and (held == data or written.get(path.name) == _digest(held))

    plan = folder / plan_name
    suffix = plan_name.rsplit(".", 1)[1]
    if not (plan.exists() or plan.is_symlink()) or untouched(plan):
        placed = PlanPlaced(plan)
    else:
        latest = state.get("latest")
        same = [p for p in sorted(folder.glob(f"plan-*.{suffix}")) if bytes_of(p) == data]
        if (
            isinstance(latest, str)
            and latest != plan_name
            and _same_plan(latest, plan_name)
            and untouched(folder / latest)
        ):
            target = folder / latest  # lensmap's last new plan, which nobody has touched
        elif same:
            target = same[0]
        else:
            target = _free_name(folder, plan_name)
        placed = PlanPlaced(target, plan, known=plan_name in written)
    write_atomic(placed.path, data, replace=True)
    # Plans no longer there are forgotten; an edited one keeps lensmap's digest, which it no
    # longer matches (unless the edit is undone to the byte, when it is lensmap's own again).
    keep = {name: d for name, d in written.items() if (folder / name).is_file()}
    keep[placed.path.name] = _digest(data)
    where = {
        "latest": placed.path.name,
        "kept": placed.kept.name if placed.kept else None,
        "known": placed.known,
    }
    csv_state = where if plan_name == PLAN else {k: record.get(k) for k in where}
    about = {
        "about": "what lensmap wrote as the plan, so that a plan somebody edits is never "
        "replaced; delete this file and lensmap keeps every plan that differs",
        "written": dict(sorted(keep.items())),
        **csv_state,
        "workbook": where if plan_name == WORKBOOK else _state(record, WORKBOOK),
    }
    write_atomic(
        folder / RECORD, (json.dumps(about, indent=2) + "\n").encode("utf-8"), replace=True
    )
    return placed


def plan_placed(folder: Path, plan_name: str = PLAN) -> PlanPlaced | None:
    """Where the last export into `folder` put this plan, as recorded there (for the app's
    export window, which is told only the folder)."""
    state = _state(_read_record(folder), plan_name)
    latest, kept = state.get("latest"), state.get("kept")
    if not isinstance(latest, str) or not _same_plan(latest, plan_name):
        return None
    if not isinstance(kept, str) or not _same_plan(kept, plan_name):
        return PlanPlaced(folder / latest)
    return PlanPlaced(folder / latest, folder / kept, state.get("known") is not False)


FORMATS = ("svg", "png", "pdf", "dot")


def _maps(
    content: SessionContent,
) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """Every map's DOT, its title and whose journeys it shows: the whole pathway, then each
    team's and each persona's journey."""
    from ..storage.locations import safe_name
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
    for_circulation: bool = False,
) -> Exported:
    """Write the report, maps, issues lists, plan template and session JSON into `folder`.

    Generated files are replaced on each export, and so is plan.csv while it is as lensmap
    wrote it: the implementation group fills it in, so one edited since is kept and the new
    plan goes beside it (plan-2.csv, plan-3.csv ..., never over anyone's); `plan` on what is
    returned says where it went, and why.
    Maps render in parallel (one Graphviz process per map and format). Each journey map has
    its strip (journey_strip.py) under the same name in journeys/. What could not be made
    (PDF without a PDF-capable engine) is said in `notes`, not silently skipped.

    `for_circulation` writes a copy meant to leave the room (circulation.py): no place, no
    note marked "keep in the room", no session.json, and check-before-sharing.md."""
    from .journey_strip import journey_strip
    from .maps import engine, is_graphviz_pure, render
    from .report import index_html

    notes = notes if notes is not None else []
    extra: list[tuple[str, bytes]] = []
    earlier_copy: list[str] = []
    if for_circulation:
        content, extra, earlier_copy = _circulation(content, folder, notes)
    maps, titles, members = _maps(content)
    strips = [  # every team and persona walked, named as their maps are
        (f"journeys/{name}.svg", journey_strip(content, members[name], titles[name]))
        for name in maps
        if name != "combined"
    ]
    try:
        (folder / "maps").mkdir(parents=True, exist_ok=True)
        if strips:
            (folder / "journeys").mkdir(exist_ok=True)
    except OSError as exc:
        raise ExportFailed.single(
            folder, f"cannot be made ({exc.strerror or exc}); choose another folder with --out"
        ) from None
    report = lists.Report(content)  # ranked once, for the lists and the page alike
    files = _files(report, full=not for_circulation) + extra + strips
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
    steps = len(files) + len(jobs) + 2  # the two pages last: index.html, what-we-heard.html
    done = 0
    written = Exported()

    def step(name: str) -> None:
        if progress:
            progress(done, steps, name)

    for name, data in files:
        step(name)
        if name in PLANS:
            placed = _place_plan(folder, data, name)
            if name == PLAN:
                written.plan = placed
            else:
                written.workbook = placed
            written.append(placed.path)
        else:
            write_atomic(folder / name, data, replace=True)
            written.append(folder / name)
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
    step("what-we-heard.html")
    heard = folder / "what-we-heard.html"
    write_atomic(heard, what_we_heard_html(report).encode("utf-8"), replace=True)
    written.append(heard)
    done += 1
    if for_circulation:
        _tidy_copy(folder, written, earlier_copy)
    if progress:
        progress(steps, steps, "")
    return written

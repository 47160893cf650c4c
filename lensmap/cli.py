"""The `lensmap` command line."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .files.problems import CannotDo, LoadError, Problem, in_brief
from .wording.screen_text import shown

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class BadCommand(CannotDo):
    """What was typed on the command line cannot be used as it is: an unknown export format,
    an event date that is not a date, an examples folder that is a file or cannot be made."""


def _print_problems(problems: Sequence[Problem], stream=None) -> None:
    for problem in problems:
        print(problem, file=stream or sys.stderr)


def cmd_summary(args: argparse.Namespace) -> int:
    from . import __version__
    from .files.examples import example_pathway, example_vignettes
    from .files.pathway import load_pathway
    from .files.vignettes import load_vignettes

    pathway, _ = load_pathway(example_pathway())
    vignettes, _ = load_vignettes(example_vignettes())
    kinds = [s.kind for s in pathway.stages]
    print(f"lensmap {__version__}: built-in example\n")
    print(f"Pathway: {shown(pathway.title)}")
    print(
        f"  {len(pathway.stages)} stages, {len(pathway.transitions)} transitions; "
        f"{kinds.count('entry')} ways in, {kinds.count('exit')} ways out"
    )
    print("  Ways in: " + ", ".join(shown(pathway.label_of(s)) for s in pathway.entries))
    print("\nPersonas, by team (vignettes are shown after their content notes):")
    for team in vignettes.teams:
        name = shown(team.name)
        print(f"  {name} ({shown(team.risk)})" if team.risk else f"  {name}")
        for persona in (p for p in vignettes.personas if p.team == team.id):
            notes = len(persona.content_notes)
            note = f"{notes} content note{'s' * (notes != 1)}" if notes else "no content notes"
            print(f"    {shown(persona.name)}, {persona.age}: {note}")
    print(
        "\nOpen the app on it:     lensmap"
        "\nCopies to edit:         lensmap examples   (into ./lensmap-examples)"
        "\nCheck your own files:   lensmap validate pathways/*.toml vignettes/*.toml"
        "\nStart a session file:   lensmap session new PATHWAY.toml -o EVENT.lens"
        "\nAll commands:           lensmap --help"
    )
    return EXIT_OK


def cmd_open(args: argparse.Namespace) -> int:
    # Starting makes a few hundred thousand objects and frees almost none: collecting would
    # look through them all, a tenth of a second before the first screen. The app lets the
    # collector go on once its first screen is up (LensmapApp.on_ready).
    gc.disable()
    if os.environ.get("LENSMAP_PAGE_WAITS"):  # started by `lensmap serve` before its page
        from .serve.waiting import wait_for_page

        if wait_for_page() is None:
            return EXIT_OK
    from .files.examples import example_pathway, example_vignettes
    from .opening import open_session
    from .session.actions import new_device

    pathway = args.pathway or example_pathway()
    vignettes = args.vignettes or [example_vignettes()]
    store, problems = open_session(pathway, vignettes, args.session, device=new_device())
    from .tui.app import make_app

    warnings = in_brief(problems)
    try:
        app = make_app(store, warnings=warnings, leads=not getattr(args, "team_page", False))
        if os.environ.get("LENSMAP_SERVED"):  # a page of `lensmap serve`
            from warnings import filterwarnings

            from .serve.watch import watch_server

            # A tab closed while its app was still starting: Textual's start-up tasks never
            # ran, and Python says so as it exits. Nothing was lost; it is not a problem.
            filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)

            watch_server(lambda: _quit_when_running(app))
        app.run()
    finally:
        store.close()  # first makes sure the session is at its path (or where it went)
    with contextlib.suppress(OSError):  # no one to tell: a page whose server has gone
        for notice in store.notices:
            print(shown(notice))
        if store.rescued:
            print(shown(store.rescued), file=sys.stderr)
            return EXIT_FAILED
        print(f"Session saved in {shown(store.path)}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .files.examples import example_pathway, example_vignettes
    from .opening import open_session
    from .serve import app_argv, check_port, is_local, make_server, open_browser_soon, page_url
    from .serve.key import new_key

    if hasattr(sys.stdout, "reconfigure"):  # each message as it happens, even into a pipe
        sys.stdout.reconfigure(line_buffering=True)
    # Check everything the page will open now, so bad input is said here, before serving.
    pathway = Path(args.pathway or example_pathway()).resolve()
    vignettes = [Path(v).resolve() for v in (args.vignettes or [example_vignettes()])]
    store, problems = open_session(pathway, vignettes, args.session)
    session = store.path.resolve()
    title = store.state.content().event.title or store.state.pathway.title
    store.close()
    _print_problems(problems)
    if not is_local(args.host):
        print(
            f"warning: serving on {args.host}: anyone on that network who has the address "
            "(with its key) can open the page and change this session, and what the page "
            "shows travels unencrypted. Use the default (127.0.0.1) unless the room needs it.",
            file=sys.stderr,
        )
    check_port(args.host, args.port)
    argv = app_argv([str(pathway), "--vignettes", *map(str, vignettes), "--session", str(session)])
    if args.room:  # each page is a team's; the facilitator's own window leads the room
        argv.append("--team-page")
    print(f"Session: {shown(str(session))}")
    key = new_key()  # this run's key to the page: in the address printed and opened
    if not args.no_browser:
        open_browser_soon(page_url(args.host, args.port, key))
    room = session if args.room else None
    server = make_server(argv, args.host, args.port, f"lensmap: {shown(title)}", key=key, room=room)
    server.opens_browser = not args.no_browser  # its "ready" line says whether one opened
    if server.room is not None:
        server.room.dots = args.dots
    server.serve()
    pages = server.pages_seen
    opened = f"{pages} page was" if pages == 1 else f"{pages} pages were"
    print(f"{opened} opened while lensmap served this session (each reload counts).")
    if server.room is not None:
        phones = len(server.room.phones)
        print(f"{phones} phone{'s' * (phones != 1)} sent notes or dots.")
        waiting = server.room.waiting
        if waiting:
            print(f"{waiting} note{'s' * (waiting != 1)} from phones still waiting: open the "
                  "session and press h to read them.")  # fmt: skip
    print(f"Stopped. Session saved in {shown(str(session))}")
    return EXIT_OK


def _quit_when_running(app) -> None:
    """Quit the app from another thread, waiting for it to have started if need be."""
    import time

    for _ in range(600):
        try:
            app.call_from_thread(app.exit)
            return
        except RuntimeError:  # not running yet
            time.sleep(0.1)


def _expanded(names: Sequence[str]) -> list[str]:
    """File names with wildcards matched here, for shells that pass `pathways/*.toml` on as it
    is (PowerShell, cmd). A name that is a file, or a pattern matching nothing, stays as it is
    (and is reported as missing)."""
    import glob

    files: list[str] = []
    for name in names:
        found = [] if os.path.exists(name) or not glob.has_magic(name) else glob.glob(name)
        files += sorted(found) or [name]
    return files


def cmd_validate(args: argparse.Namespace) -> int:
    from .files.validate import validate_files

    reports = validate_files(_expanded(args.files))
    for report in reports:
        if report.ok:
            print(f"{shown(report.file)}: ok ({report.kind})")
        _print_problems(report.problems, sys.stdout)
    return EXIT_OK if all(r.ok for r in reports) else EXIT_BAD_INPUT


def cmd_session_new(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from .event.model import Event
    from .files.examples import example_vignettes
    from .opening import load_files, new_content
    from .session.store import SessionStore

    pathway, sets, warnings = load_files(args.pathway, args.vignettes or [example_vignettes()])
    try:
        event = Event(title=args.title or pathway.title, date=args.date, place=args.place or None)
    except ValidationError as exc:
        raise BadCommand(
            [
                Problem("lensmap session new", e["msg"].removeprefix("Value error, "))
                for e in exc.errors()
            ]
        ) from None
    content = new_content(pathway, sets, event)
    SessionStore.create(args.output, content).close()
    _print_problems(warnings)
    print(
        f"Started a session in {shown(args.output)} (private to you: only your account can read it)"
    )
    return EXIT_OK


def cmd_session_export(args: argparse.Namespace) -> int:
    from .session.interchange import write_json

    content = _read_session(args.session, "this writes")
    write_json(content, Path(args.output), replace=args.force)
    print(f"Wrote {shown(args.output)}")
    return EXIT_OK


def cmd_session_import(args: argparse.Namespace) -> int:
    from .session.interchange import load_json
    from .session.store import SessionStore

    content, warnings = load_json(Path(args.json))
    SessionStore.create(args.output, content).close()
    _print_problems(warnings)
    print(f"Wrote {shown(args.output)}")
    return EXIT_OK


def _read_session(path: str | Path, what: str):
    """A session's content, read-only: from a .lens file even while the app holds it (then
    as of its last save, which is said on stderr), or from lensmap-session JSON."""
    from .session.interchange import read_session

    def say_it_is_held() -> None:
        print(
            f"note: {shown(path)} is open in lensmap just now; {what} the session as of "
            "its last save (lensmap saves every action as it is taken). Nothing was "
            "changed, and lensmap carries on as it was.",
            file=sys.stderr,
        )

    return read_session(path, say_it_is_held)[0]


def cmd_session_show(args: argparse.Namespace) -> int:
    from .event.measures import measure_journey, measure_pathway
    from .event.model import persona_names
    from .wording.measures_words import measures_sentence

    content = _read_session(args.session, "this shows")
    # Everything from the session is shown, not obeyed: no terminal code in any of it.
    event = content.event
    pathway = content.pathway
    print(shown(f"{event.title or 'Untitled event'}  {event.date or ''}".rstrip()))
    print(f"Pathway: {shown(pathway.title)} ({len(pathway.stages)} stages)")
    names = persona_names(content.personas)
    ways_in = {p.id: p.entry for p in content.personas}
    for journey in content.journeys:
        name = shown(names.get(journey.persona, "?"))
        walk = " > ".join(shown(pathway.label_of(s.stage)) for s in journey.steps)
        end = f" [ended: {shown(journey.outcome)}]" if journey.outcome else ""
        print(f"  {name}: {walk}{end}")
        if journey.steps:
            measures = measure_journey(pathway, journey, ways_in.get(journey.persona))
            print(f"      {measures_sentence(measures)}")
            if measures.services:
                print("      services: " + " → ".join(shown(s) for s in measures.services))
    _show_pathway_measures(content, measure_pathway(pathway, content.journeys))
    from .event.counts import by_kind
    from .wording.vocabulary import KIND_SYMBOL, KIND_WORD, tag_counts

    print("Tags: " + tag_counts(by_kind(content.tags)))
    for tag in content.tags:  # in the order the room added them
        about = shown(names.get(tag.persona or "", "general"))
        lines = [line.strip() for line in shown(tag.note, lines=True).split("\n")]
        note = "\n      ".join(line for line in lines if line) or "(no note)"  # under the tag
        severity = "" if tag.kind == "positive" else f", severity {tag.severity}"
        kind = f"{KIND_SYMBOL[tag.kind]} {KIND_WORD[tag.kind]}"
        stage = shown(pathway.label_of(tag.stage))
        print(f"  {kind} at {stage} ({about}{severity}): {note}")
    _show_voices(content)
    _show_plan(content)
    return EXIT_OK


def _show_plan(content) -> None:
    from .event.plan_update import NOT_STARTED
    from .event.priorities import rank_issues
    from .wording.vocabulary import KIND_SYMBOL

    notes = {n.key: n for n in content.issues}
    issues = rank_issues(content.pathway, content.tags, notes)
    if not issues:
        return
    print("Plan: each priority's status")
    for issue in issues:
        plan = [issue.status or NOT_STARTED]
        plan += [f"{word} {shown(value)}" for word, value in
                 (("owner", issue.owner), ("timeframe", issue.timeframe)) if value]  # fmt: skip
        print(f"  {issue.rank}. {KIND_SYMBOL[issue.kind]} {shown(issue.title)}: {', '.join(plan)}")
        for word, value in (("action", issue.action), ("progress", issue.progress)):
            if value:
                print(f"      {word}: " + " ".join(shown(value, lines=True).split()))


def _show_pathway_measures(content, measures) -> None:
    from .wording.measures_words import loop_words, loops_heading

    label = content.pathway.label_of
    print(loops_heading(measures))
    for loop in measures.loops:
        print("  " + loop_words([shown(label(s)) for s in loop]))
    if measures.busy:
        print("Stages many journeys pass through:")
        for busy in measures.busy:
            print(f"  {shown(label(busy.stage))}: {busy.journeys} journeys")
    if measures.behind_a_wait:
        print("Reached only through a wait:")
        print("  " + ", ".join(shown(label(s)) for s in measures.behind_a_wait))


def _show_voices(content) -> None:
    from .event.voices import whose_voices
    from .wording.measures_words import ONLY_LIVED_EXPERIENCE, TOO_FEW_WORDS, voice_heading
    from .wording.vocabulary import KIND_SYMBOL

    notes = {n.key: n for n in content.issues}
    voices = whose_voices(content.pathway, content.tags, notes)
    print("Whose voice: the top priorities by who raised them")
    for voice in voices.groups:
        if voice.too_few:
            print(f"  {voice_heading(voice)}: {TOO_FEW_WORDS}")
            continue
        if not voice.issues:
            print(f"  {voice_heading(voice)}: no barriers or risks raised")
            continue
        print(f"  {voice_heading(voice)}:")
        for issue in voice.issues:
            only = f"  {ONLY_LIVED_EXPERIENCE}" if issue.key in voices.only_lived_experience else ""
            print(f"    {issue.rank}. {KIND_SYMBOL[issue.kind]} {shown(issue.title)}{only}")


def cmd_merge(args: argparse.Namespace) -> int:
    from .session.merge import merge_sessions
    from .session.store import SessionStore

    named = [(str(p), _read_session(p, "this merges")) for p in args.sessions]
    merged, notes = merge_sessions(named)
    SessionStore.create(args.output, merged).close()
    for note in notes:
        print(f"note: {shown(note)}", file=sys.stderr)
    print(
        f"Merged {len(named)} sessions into {shown(args.output)}: {len(merged.tags)} tags, "
        f"{len(merged.journeys)} journeys"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .export.writer import FORMATS, export_session
    from .progress_bar import export_progress
    from .storage.locations import exports_dir, safe_name

    content = _read_session(args.session, "this exports")
    name = safe_name(Path(args.session).stem) + ("-for-circulation" * args.for_circulation)
    folder = Path(args.out) if args.out else exports_dir() / name

    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise BadCommand.single(
            "--formats", f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}"
        )
    notes: list[str] = []
    with export_progress(sys.stderr) as progress:
        written = export_session(
            content, folder, progress, formats=formats, notes=notes,
            for_circulation=args.for_circulation,
        )  # fmt: skip
    print(f"Wrote {len(written)} files to {shown(folder)}:")
    for path in sorted(written):
        print(f"  {shown(path.relative_to(folder).as_posix())}")
    for note in notes:
        print(f"note: {shown(note)}")
    for said in written.messages():
        print(f"{shown(said)}.")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from .export.comparison_files import comparison, summary, write_comparison
    from .storage.locations import exports_dir, safe_name

    baseline = _read_session(args.baseline, "this compares")
    followup = _read_session(args.followup, "this compares")
    if baseline.pathway.id != followup.pathway.id:
        print(
            f"note: the sessions use different pathways ({shown(baseline.pathway.id)} and "
            f"{shown(followup.pathway.id)}); stages are matched by id all the same",
            file=sys.stderr,
        )
    from .event.comparison import NothingShared

    stem = f"compare-{safe_name(Path(args.baseline).stem)}-{safe_name(Path(args.followup).stem)}"
    folder = Path(args.out) if args.out else exports_dir() / stem
    try:
        compared = comparison(baseline, followup)
    except NothingShared as exc:
        raise LoadError.single(
            args.followup, f"cannot be compared with {args.baseline}: {exc}; compare two "
            "sessions of the same service's pathway"
        ) from None  # fmt: skip
    written = write_comparison(compared, folder)
    print(f"{summary(compared)}.")
    print(f"Wrote {len(written)} files to {shown(folder)}:")
    for path in written:
        print(f"  {shown(path.name)}")
    return EXIT_OK


DEFAULT_EXAMPLES = "lensmap-examples"


def cmd_examples(args: argparse.Namespace) -> int:
    from .files.examples import pathways_folder, vignettes_folder
    from .storage.safe_write import write_atomic

    folder = Path(args.folder)
    todo = "choose another folder: lensmap examples FOLDER"
    if folder.exists() and not folder.is_dir():
        raise BadCommand.single(folder, f"is a file, not a folder; {todo}")
    copied: list[str] = []
    kept: list[str] = []
    for source in (pathways_folder(), vignettes_folder()):
        try:
            (folder / source.name).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BadCommand.single(
                folder / source.name, f"cannot be made ({exc.strerror or exc}); {todo}"
            ) from None
        for built_in in sorted(source.glob("*.toml")):
            name = f"{source.name}/{built_in.name}"
            target = folder / source.name / built_in.name
            if target.exists() or target.is_symlink():
                kept.append(name)
                continue
            write_atomic(target, built_in.read_bytes(), private=False)  # never over a file
            copied.append(name)
    where = shown(folder)
    here = folder.resolve() == Path.cwd().resolve()
    go = shown(str(folder))
    go = f'"{go}"' if " " in go else go
    if copied:
        print(f"Copied the built-in examples into {where}:")
        print("".join(f"  {name}\n" for name in copied), end="")
    if kept:
        print(f"Kept, because {where} already had them (left as they are):")
        print("".join(f"  {name}\n" for name in kept), end="")
    pathway = "pathways/community-alcohol-drug-service.toml"
    print(
        "\nEdit them, or copy one to start your own; then, from that folder:"
        + ("" if here else f"\n  cd {go}")
        + "\n  lensmap validate pathways/*.toml vignettes/*.toml"
        f"\n  lensmap open {pathway} --vignettes vignettes/annex-b.toml"
    )
    return EXIT_OK


def cmd_pathway_import(args: argparse.Namespace) -> int:
    from .files.pathway import DRAWINGS, MERMAID
    from .files.pathway_csv import pathway_from_csv
    from .files.pathway_drawio import is_drawio, pathway_from_drawio
    from .files.pathway_graphml import pathway_from_graphml
    from .files.pathway_mermaid import pathway_from_mermaid
    from .files.pathway_toml import write_pathway

    source = Path(args.source)
    suffix = source.suffix.lower()
    guesses: dict[str, list[str]] = {}
    where = ""
    if suffix == ".csv":
        pathway, warnings = pathway_from_csv(source, args.stages, args.id, args.title)
    elif suffix in DRAWINGS or (suffix in (".xml", ".svg") and is_drawio(source)):
        pathway, warnings, drawn = pathway_from_drawio(source, args.id, args.title, args.page)
        guesses, where = drawn.guesses, f", page “{drawn.page}”" if drawn.page else ""
    elif suffix in MERMAID:
        pathway, warnings, written = pathway_from_mermaid(source, args.id, args.title)
        guesses = written.guesses
    else:
        pathway, warnings, graphed = pathway_from_graphml(source, args.id, args.title)
        guesses = graphed.guesses
    notes = {stage: [f"guessed {guess}" for guess in said] for stage, said in guesses.items()}
    heading = (
        [f"Imported by lensmap from {source.name}{where}.",
         "Comments above a stage say what lensmap guessed: check them."]
        if notes else []
    )  # fmt: skip
    write_pathway(pathway, Path(args.output), notes=notes, heading=heading)
    _print_problems(warnings)
    for stage, said in notes.items():
        print(f"{shown(pathway.label_of(stage))}: " + "; ".join(shown(s) for s in said))
    print(
        f"Wrote {shown(args.output)} ({len(pathway.stages)} stage"
        f"{'s' * (len(pathway.stages) != 1)}). "
        "Check it with lensmap validate."
    )
    return EXIT_OK


def cmd_plan_import(args: argparse.Namespace) -> int:
    from .event.plan_update import plan_update
    from .files.plan_sheet import read_plan_sheet
    from .session.actions import PlanImported
    from .session.state import ActionRefused
    from .session.store import SaveFailed, SessionStore
    from .wording.plan_words import plan_update_lines

    sheet = read_plan_sheet(args.plan)  # every cell checked before the session is opened
    with SessionStore.open(args.session, readonly=args.dry_run) as store:
        state = store.state
        update = plan_update(state.pathway, state.tags.values(), state.issues, sheet.lines)
        for note in sheet.notes:
            print(f"note: {shown(note)}")
        event = state.event.title or state.pathway.title
        if sheet.event and sheet.event != event:
            print(
                f"note: {shown(sheet.file)} says it is the plan of “{shown(sheet.event)}” (its "
                f"About sheet), and this session is “{shown(event)}”: is it the right plan?"
            )
        rows = len(sheet.lines)
        print(f"Read {shown(sheet.file)}: {rows} row{'s' * (rows != 1)} naming issues.")
        for line in plan_update_lines(update, state.pathway, sheet.file, dry_run=args.dry_run):
            print(line)
        if args.dry_run:
            print("Nothing was changed (--dry-run).")
            return EXIT_OK
        if not update.changes:
            return EXIT_OK
        try:
            store.record(PlanImported(file=sheet.file, issues=update.plan))
        except (ActionRefused, SaveFailed) as exc:
            raise LoadError.single(args.session, f"the plan was not recorded: {exc}") from None
    n = len(update.changes)
    print(
        f"Recorded in {shown(args.session)}: {n} issue{'s' * (n != 1)} updated from "
        f"{shown(sheet.file)}. To take it back, open the session in lensmap and undo (ctrl+z)."
    )
    return EXIT_OK


def cmd_session_log(args: argparse.Namespace) -> int:
    from .session.store import SessionStore
    from .wording.describe import describe_entry, local_time

    with SessionStore.open(args.session, readonly=True) as store:
        entries, state = store.entries, store.state
        print(f"Every action in {shown(args.session)}, oldest first, with the window or phone")
        print("that took it (a random id; nothing about a person):")
        for entry in entries[1:]:
            device = entry.device
            by = "(not said)" if device is None else f"{DEVICE_KIND.get(device[0], '')} {device}"
            said = describe_entry(entry, entries, state)
            print(shown(f"  {local_time(entry.at)}  {by.strip():<16}  {said}"))
    return EXIT_OK


DEVICE_KIND = {"w": "window", "p": "phone", "s": "phones' page"}


def cmd_plan_history(args: argparse.Namespace) -> int:
    from .event.plan_update import NOT_STARTED
    from .event.priorities import default_title
    from .session.plan_history import plan_history
    from .session.store import SessionStore
    from .wording.describe import local_time

    with SessionStore.open(args.session, readonly=True) as store:
        steps = plan_history(store.entries)
        pathway = store.state.pathway
    if not steps:
        print(f"{shown(args.session)} holds no plan yet: import one with lensmap plan import.")
        return EXIT_OK
    print(f"The plan's history in {shown(args.session)}, oldest first:")
    for (stage, kind), history in steps.items():
        print(f"  {shown(default_title(pathway, stage, kind))}")
        for step in history:
            where = f"from {shown(step.source)}" if step.source else "in the app"
            said = [step.notes.status or NOT_STARTED]
            said += [
                f"{name} " + " ".join(shown(getattr(step.notes, name), lines=True).split())
                for name in ("effort", "owner", "timeframe", "action", "progress")
                if name in step.changed and getattr(step.notes, name)
            ]
            print(f"    {local_time(step.at)}, {where}: " + "; ".join(said))
    return EXIT_OK


def _dots(text: str) -> int:
    try:
        dots = int(text)
    except ValueError:
        dots = 0
    if not 1 <= dots <= 20:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of dots from 1 to 20")
    return dots


def _port(text: str) -> int:
    """A port number for --port, or argparse's clear message (exit 2)."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port number; use one from 1 to 65535, such as 8000"
        )
    return int(text)


class _Version(argparse.Action):
    """--version, looked up only when asked for (lensmap.__version__ reads package metadata)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs) -> None:
        super().__init__(
            option_strings,
            argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from . import __version__

        print(f"lensmap {__version__}")  # on stdout, as argparse's own version action does
        parser.exit()


def _help(parser: argparse.ArgumentParser) -> int:
    """A command named without one of its own commands: say what they are."""
    parser.print_help()
    return EXIT_BAD_INPUT


PATHWAY_FIELDS = """\
A pathway's stages ([[stages]] in TOML, columns in a stages CSV, node attributes in GraphML):
  id          letters, digits, _ and -; unique
  label       the stage's name, as the room will see it
  kind        entry | step | wait | decision | exit (default step)
  service     who delivers it (optional; a change of service between steps is a handoff)
  description what happens there (optional)
  prompts     lens questions for the room (optional)
  asks_story  true where the person is asked for their story again, as at an assessment
              (optional; each step there counts as a retelling in the journey measures)
Transitions ([[transitions]]): from, to, and an optional label."""


def build_parser(only_open: bool = False) -> argparse.ArgumentParser:
    """The command line's parser; `only_open` leaves out every command but `open` (the app's
    start: each command's parser costs a millisecond, most of it looking for translations)."""
    parser = argparse.ArgumentParser(
        prog="lensmap",
        description="Walk personas through a service pathway and record what the room sees.",
    )
    parser.add_argument("--version", action=_Version)
    parser.set_defaults(run=cmd_open, pathway=None, vignettes=None, session=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("open", help="open the app on a pathway (continuing its session)")
    p.add_argument(
        "pathway", metavar="PATHWAY", help="a pathway file (.toml, .drawio, .graphml, .mmd, .csv)"
    )
    p.add_argument("--vignettes", nargs="+", metavar="FILE", help="default: Annex B")
    p.add_argument("--session", metavar="FILE.lens", help="default: one per pathway, kept for you")
    p.add_argument(
        "--team-page",
        action="store_true",
        help="a team's window (as lensmap serve --room opens): it walks one team's personas, "
        "and the facilitator's window leads the room",
    )
    p.set_defaults(run=cmd_open)
    if only_open:
        return parser

    p = sub.add_parser("serve", help="show the app in a browser page on this computer")
    p.add_argument("pathway", nargs="?", metavar="PATHWAY", help="default: the built-in example")
    p.add_argument("--vignettes", nargs="+", metavar="FILE", help="default: Annex B")
    p.add_argument("--session", metavar="FILE.lens", help="default: one per pathway, kept for you")
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this computer only)")
    p.add_argument("--port", type=_port, default=8000, help="default: 8000")
    p.add_argument("--no-browser", action="store_true", help="print the address, do not open it")
    p.add_argument(
        "--room",
        action="store_true",
        help="the room's phones add notes (held for you to put on the wall) and dot votes",
    )
    p.add_argument(
        "--dots", type=_dots, default=3, metavar="N", help="dot votes each phone may give (3)"
    )
    p.set_defaults(run=cmd_serve)

    p = sub.add_parser("summary", help="describe the built-in example without opening the app")
    p.set_defaults(run=cmd_summary)

    p = sub.add_parser(
        "examples", help="copy the built-in pathways and vignettes into a folder to edit"
    )
    p.add_argument(
        "folder",
        nargs="?",
        default=DEFAULT_EXAMPLES,
        metavar="FOLDER",
        help=f"default: ./{DEFAULT_EXAMPLES} (files already there are never replaced)",
    )
    p.set_defaults(run=cmd_examples)

    p = sub.add_parser(
        "validate",
        help="check pathway, vignette and session files",
        description="Check pathway, vignette and session files: every problem in each, with "
        "where it is and what to do.",
        epilog=PATHWAY_FIELDS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=cmd_validate)

    session = sub.add_parser("session", help="start, show, export or import a session")
    session.set_defaults(run=lambda _: _help(session))
    ssub = session.add_subparsers(title="session commands", metavar="COMMAND")
    p = ssub.add_parser("new", help="start a session file from a pathway and vignettes")
    p.add_argument("pathway", metavar="PATHWAY")
    p.add_argument("--vignettes", nargs="+", metavar="FILE", help="default: Annex B")
    p.add_argument("--title", help="the event's title (default: the pathway's)")
    p.add_argument("--date", help="the event's date, YYYY-MM-DD")
    p.add_argument("--place", help="where the event is held")
    p.add_argument("-o", "--output", required=True, metavar="FILE.lens")
    p.set_defaults(run=cmd_session_new)
    p = ssub.add_parser("export", help="write a session as lensmap-session JSON")
    p.add_argument("session", metavar="FILE.lens")
    p.add_argument("-o", "--output", required=True, metavar="FILE.json")
    p.add_argument("--force", action="store_true", help="replace FILE.json if it exists")
    p.set_defaults(run=cmd_session_export)
    p = ssub.add_parser("import", help="make a session file from lensmap-session JSON")
    p.add_argument("json", metavar="FILE.json")
    p.add_argument("-o", "--output", required=True, metavar="FILE.lens")
    p.set_defaults(run=cmd_session_import)
    p = ssub.add_parser("show", help="summarise a session's journeys and tags")
    p.add_argument("session", metavar="FILE")
    p.set_defaults(run=cmd_session_show)
    p = ssub.add_parser("log", help="every action, when, and which window or phone took it")
    p.add_argument("session", metavar="FILE")
    p.set_defaults(run=cmd_session_log)

    p = sub.add_parser("merge", help="combine the sessions teams kept on their own laptops")
    p.add_argument("sessions", nargs="+", metavar="SESSION")
    p.add_argument("-o", "--output", required=True, metavar="FILE.lens")
    p.set_defaults(run=cmd_merge)

    p = sub.add_parser("export", help="write the report, maps, issues list and plan template")
    p.add_argument("session", metavar="SESSION", help="a .lens file or lensmap-session JSON")
    p.add_argument("--out", metavar="DIR", help="default: exports/<session name>/")
    p.add_argument(
        "--formats", default="svg,png,pdf,dot", metavar="LIST", help="map formats (svg always)"
    )
    p.add_argument(
        "--for-circulation",
        action="store_true",
        help="a copy to share outside the room: no place, no note marked keep in the room, "
        "no session.json, and check-before-sharing.md (default folder: <name>-for-circulation)",
    )
    p.set_defaults(run=cmd_export)

    p = sub.add_parser(
        "compare",
        help="what changed between a baseline event and a follow-up one",
        description="Compare a baseline session with a follow-up one (a .lens file or "
        "lensmap-session JSON each): issues resolved, persisting and new, what to keep kept, "
        "new and lost, each persona's journey measures side by side, and the baseline's plan. "
        "Writes compare.json, compare.md, compare.html and compare-map.svg.",
    )
    p.add_argument("baseline", metavar="BASELINE", help="the earlier session")
    p.add_argument("followup", metavar="FOLLOWUP", help="the later session")
    p.add_argument("-o", "--out", metavar="FOLDER", help="default: exports/compare-<names>/")
    p.set_defaults(run=cmd_compare)

    plan = sub.add_parser("plan", help="bring the implementation plan back from a spreadsheet")
    plan.set_defaults(run=lambda _: _help(plan))
    plsub = plan.add_subparsers(title="plan commands", metavar="COMMAND")
    p = plsub.add_parser(
        "import",
        help="record a filled-in plan.xlsx or plan.csv in the session",
        description="Record each issue's effort, action, owner, timeframe, status and "
        "progress note from a filled-in plan.xlsx or plan.csv (as Excel or LibreOffice saved "
        "it) as one action in the session, which undo takes back. Rows are matched to issues "
        "by stage and kind, never by rank; rows that match nothing, disagree, or name a "
        "renamed stage are listed, and nothing is guessed.",
    )
    p.add_argument("plan", metavar="PLAN", help="plan.xlsx or plan.csv, filled in")
    p.add_argument("--session", required=True, metavar="EVENT.lens", help="the event's session")
    p.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    p.set_defaults(run=cmd_plan_import)
    p = plsub.add_parser(
        "history", help="each issue's status and progress notes over time, as the session holds"
    )
    p.add_argument("session", metavar="EVENT.lens")
    p.set_defaults(run=cmd_plan_history)

    pathway = sub.add_parser(
        "pathway", help="make a pathway file from a drawing, a spreadsheet or a Mermaid chart"
    )
    pathway.set_defaults(run=lambda _: _help(pathway))
    psub = pathway.add_subparsers(title="pathway commands", metavar="COMMAND")
    p = psub.add_parser(
        "import",
        help="a diagrams.net drawing, yEd or other GraphML, a Mermaid flowchart, or a CSV edge "
        "list (from,to,label), to TOML",
    )
    p.add_argument("source", metavar="FILE.drawio|FILE.graphml|FILE.mmd|EDGES.csv")
    p.add_argument("--page", metavar="NAME", help="the drawing's page, where it has several")
    p.add_argument("--stages", metavar="STAGES.csv", help="stage details: id,label,kind,...")
    p.add_argument("--id", help="the pathway's id (default: from the file name)")
    p.add_argument("--title", help="the pathway's title (default: from the file name)")
    p.add_argument("-o", "--output", required=True, metavar="PATHWAY.toml")
    p.set_defaults(run=cmd_pathway_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(only_open=given[:1] in ([], ["open"])).parse_args(given)
    try:
        return args.run(args)
    except CannotDo as exc:  # a file, an export, a port, the command itself: said, exit 2
        _print_problems(exc.problems)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Stopped. Everything already saved is kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `lensmap session show … | head`: the reader has all it wanted
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug, not bad input: say so plainly, keep the details on request
        if os.environ.get("LENSMAP_DEBUG"):
            raise
        print(
            f"lensmap hit an unexpected problem ({type(exc).__name__}: {shown(exc)}). Nothing "
            "saved was changed. Run again with LENSMAP_DEBUG=1 to see the details for a bug "
            "report.",
            file=sys.stderr,
        )
        return EXIT_FAILED

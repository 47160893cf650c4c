"""Opening the session a facilitator asked for: continuing one, or starting it from files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .event.model import Event, Pathway, Vignettes
from .files.explain import unseen_summary
from .files.pathway import load_pathway
from .files.problems import LoadError, Problem
from .files.vignettes import entry_warnings, load_vignettes, merge_vignettes
from .session.content import SessionContent
from .session.store import SessionStore
from .storage.locations import default_session_path


def load_files(
    pathway_file: str | Path, vignette_files: Sequence[str | Path]
) -> tuple[Pathway, list[Vignettes], list[Problem]]:
    """A pathway and its vignette files, checked, with every warning (including suggested
    entries the pathway lacks, and texts holding characters lensmap will not show as they
    are: one warning a file, as `lensmap validate` lists each place)."""
    pathway, problems = load_pathway(pathway_file)
    problems += unseen_summary(pathway.dump(), str(pathway_file))
    sets = []
    for file in vignette_files:
        vignettes, more = load_vignettes(file)
        sets.append(vignettes)
        problems += more + entry_warnings(vignettes.personas, [pathway], str(file))
        problems += unseen_summary(vignettes.model_dump(mode="json"), str(file))
    return pathway, sets, problems


def new_content(pathway: Pathway, sets: Sequence[Vignettes], event: Event) -> SessionContent:
    """What a new session starts with: the pathway and the vignettes, copied in."""
    vignettes = merge_vignettes(sets)
    return SessionContent(
        event=event, pathway=pathway, teams=vignettes.teams, personas=vignettes.personas
    )


def open_session(
    pathway_file: str | Path,
    vignette_files: Sequence[str | Path],
    session_file: str | Path | None = None,
    device: str | None = None,
) -> tuple[SessionStore, list[Problem]]:
    """Continue the session if it exists (exactly where it was left), else start it, as the
    window `device` (other windows may have it open too).

    The pathway and vignettes are checked first, so bad input is reported before any
    screen opens; an existing session keeps its own copy of the pathway."""
    pathway, sets, problems = load_files(pathway_file, vignette_files)
    path = Path(session_file) if session_file else default_session_path(pathway.id)
    if path.exists():
        store = SessionStore.open(path, device=device)
        kept = store.state.pathway
        if kept.id != pathway.id:
            store.close()
            raise LoadError.single(
                path,
                f'is a session of the pathway "{kept.id}", not "{pathway.id}"; '
                "name another session file with --session",
            )
        if kept != pathway:
            problems.append(
                Problem(
                    str(pathway_file),
                    "differs from the copy kept in the session; the session's copy is used",
                    level="warning",
                )
            )
        problems += _vignette_changes(store.state.personas, sets, vignette_files)
        return store, problems
    content = new_content(pathway, sets, Event(title=pathway.title))
    return SessionStore.create(path, content, device=device), problems


def _vignette_changes(kept: dict, sets: Sequence, files: Sequence[str | Path]) -> list[Problem]:
    """Personas edited since the session began: the session keeps its copy, and says so,
    above all when content notes changed (the room relies on them)."""
    problems = []
    for file, vignettes in zip(files, sets, strict=True):
        for persona in vignettes.personas:
            copy = kept.get(persona.id)
            if copy is None or copy == persona:
                continue
            what = "content notes" if copy.content_notes != persona.content_notes else "details"
            problems.append(
                Problem(
                    str(file),
                    f"{persona.name}'s {what} differ from the copy kept in the session; the "
                    "session's copy is used (start a new session to use the new file)",
                    f'personas (id "{persona.id}")',
                    "warning",
                )
            )
    return problems

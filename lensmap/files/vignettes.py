"""Loading and checking vignette files: the teams and the fictitious personas they walk."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..event.model import Pathway, Persona, Vignettes
from .explain import item_label
from .problems import SUGGESTED_ENTRY, LoadError, Problem, suggest
from .reading import model_from_data, read_toml


def _duplicates(data: dict[str, Any], key: str, file: str) -> list[Problem]:
    problems = []
    first: dict[str, int] = {}
    items = data.get(key)
    for i, item in enumerate(items if isinstance(items, list) else []):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str):
            continue
        if item_id in first:
            problems.append(
                Problem(
                    file,
                    f'id "{item_id}" is already used by {key}[{first[item_id] + 1}]; '
                    "give each its own id",
                    f"{key}[{i + 1}]{item_label(item)}",
                )
            )
        else:
            first[item_id] = i
    return problems


def vignette_problems(data: dict[str, Any], file: str) -> list[Problem]:
    problems = _duplicates(data, "teams", file) + _duplicates(data, "personas", file)
    found = data.get("teams")
    teams = found if isinstance(found, list) else []
    team_ids = [t["id"] for t in teams if isinstance(t, dict) and isinstance(t.get("id"), str)]
    personas = data.get("personas")
    for i, persona in enumerate(personas if isinstance(personas, list) else []):
        team = persona.get("team") if isinstance(persona, dict) else None
        if isinstance(team, str) and team not in team_ids:
            known = f"; the teams here are {', '.join(team_ids)}" if team_ids else ""
            problems.append(
                Problem(
                    file,
                    f'"team" names "{team}", which is not a team in this file'
                    f"{suggest(team, team_ids) or known}",
                    f"personas[{i + 1}]{item_label(persona)}",
                )
            )
    return problems


def vignettes_from_data(data: Any, file: str) -> tuple[Vignettes, list[Problem]]:
    return model_from_data(Vignettes, data, file, "a vignettes file", vignette_problems)


def load_vignettes(path: str | Path) -> tuple[Vignettes, list[Problem]]:
    path = Path(path)
    data = read_toml(path)
    if "stages" in data:
        raise LoadError.single(path, "this looks like a pathway, not a vignettes file")
    return vignettes_from_data(data, str(path))


def entry_warnings(
    personas: Iterable[Persona], pathways: Iterable[Pathway], file: str
) -> list[Problem]:
    """A persona's suggested entry that no given pathway has: worth a look, not a failure."""
    pathways = list(pathways)
    stage_ids = [s for p in pathways for s in p.stages_by_id]
    names = ", ".join(f'"{p.id}"' for p in pathways)
    problems = []
    for i, persona in enumerate(personas):
        if persona.entry and persona.entry not in stage_ids:
            problems.append(
                Problem(
                    file,
                    f'suggested entry "{persona.entry}" is not a stage in {names}'
                    f"{suggest(persona.entry, stage_ids)}; the facilitator will choose one",
                    f'personas[{i + 1}] (id "{persona.id}")',
                    "warning",
                    SUGGESTED_ENTRY,
                )
            )
    return problems


def merge_vignettes(sets: Iterable[Vignettes]) -> Vignettes:
    """Several vignette files as one; the first file to define an id wins."""
    teams: dict[str, Any] = {}
    personas: dict[str, Any] = {}
    for vignettes in sets:
        for team in vignettes.teams:
            teams.setdefault(team.id, team)
        for persona in vignettes.personas:
            personas.setdefault(persona.id, persona)
    return Vignettes(teams=list(teams.values()), personas=list(personas.values()))

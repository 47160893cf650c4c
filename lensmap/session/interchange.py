"""The `lensmap-session` JSON format, for sharing sessions and for other tools."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..files.explain import in_file_order, problems_from
from ..files.problems import LoadError, Problem, errors, refuse_newer
from ..files.reading import read_text
from ..storage.safe_write import write_atomic
from ..wording.screen_text import json_for_terminals
from .content import SessionContent, content_problems

FORMAT_NAME = "lensmap-session"
VERSION = 1


class SessionDocument(SessionContent):
    format: Literal["lensmap-session"]
    version: Literal[1]


def document(content: SessionContent) -> dict[str, Any]:
    """The JSON object for a session. Pathway, teams and personas read as their files do."""

    def plain(items: list[Any]) -> list[dict[str, Any]]:
        return [i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in items]

    return {
        "format": FORMAT_NAME,
        "version": VERSION,
        "event": content.event.model_dump(mode="json"),
        "pathway": content.pathway.dump(),
        "teams": plain(content.teams),
        "personas": plain(content.personas),
        "journeys": [j.model_dump(mode="json") for j in content.journeys],
        "tags": [t.model_dump(mode="json") for t in content.tags],
        "issues": [n.model_dump(mode="json") for n in content.issues],
    }


def dumps(content: SessionContent) -> str:
    """The JSON text: readable (accents as they are), exactly the data, and safe to print."""
    return json_for_terminals(json.dumps(document(content), ensure_ascii=False, indent=2)) + "\n"


def write_json(content: SessionContent, path: Path, *, replace: bool = False) -> None:
    write_atomic(path, dumps(content).encode("utf-8"), replace=replace)


def content_from_json_data(data: Any, file: str) -> tuple[SessionContent, list[Problem]]:
    if not isinstance(data, dict):
        raise LoadError.single(file, "is JSON, but not a lensmap session (no keys at the top)")
    if data.get("format") != FORMAT_NAME:
        raise LoadError.single(
            file, f'is JSON, but not a lensmap session ("format" should be "{FORMAT_NAME}")'
        )
    refuse_newer(file, "session version", data.get("version"), VERSION, "version")
    try:
        doc = SessionDocument.model_validate(data)
    except ValidationError as exc:
        raise LoadError(
            in_file_order(problems_from(exc, file, data, SessionDocument), data)
        ) from None
    content = SessionContent(**{k: v for k, v in doc if k not in ("format", "version")})
    problems = content_problems(content, file)
    if errors(problems):
        raise LoadError(problems)
    return content, problems


def load_json(path: Path) -> tuple[SessionContent, list[Problem]]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError.single(
            path,
            f"is not valid JSON ({exc.msg}); check commas, quotes and brackets",
            f"line {exc.lineno}, column {exc.colno}",
        ) from None
    except RecursionError:
        raise LoadError.single(path, "is not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. a number with thousands of digits
        raise LoadError.single(path, f"cannot be read as a session ({exc})") from None
    return content_from_json_data(data, str(path))


def read_session(
    path: str | Path, when_held: Callable[[], None] | None = None
) -> tuple[SessionContent, list[Problem]]:
    """A session's content from a `.lens` file or a `lensmap-session` JSON file, read-only:
    a .lens file the app holds is read as of its last save, and `when_held` is called."""
    from .store import SessionStore

    path = Path(path)
    if path.suffix.lower() == ".json":
        return load_json(path)
    with SessionStore.open(path, readonly=True) as store:
        if store.held_elsewhere and when_held is not None:
            when_held()
        return store.state.content(), []

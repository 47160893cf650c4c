"""Reading facilitators' files: forgiving about encodings, precise about what is wrong."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .explain import in_file_order, problems_from
from .problems import LoadError, Problem, errors, refuse_newer

M = TypeVar("M", bound=BaseModel)

MAX_FILE_BYTES = 20 * 1024 * 1024  # far beyond any real pathway; keeps a wrong file from hanging


_TOML_WORDS = {
    "illegal character '\\n'": "a quote is not closed before the end of the line",
    "illegal character '\\r'": "an unexpected line-ending character inside the line",
    'expected "\'"': "a ' quote is not closed",
    "expected '\"'": 'a " quote is not closed',
}


def read_bytes(path: Path, what: str = "a lensmap file") -> bytes:
    """A file's bytes, or LoadError saying plainly why not (missing, a folder, too large to
    be `what`, not readable)."""
    try:
        if path.is_dir():
            raise LoadError.single(path, f"is a folder, not a file; name {what} inside it")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError.single(path, f"is too large to be {what} ({size:,} bytes)")
        return path.read_bytes()
    except FileNotFoundError:
        raise LoadError.single(path, "no such file; check the name and folder") from None
    except PermissionError:
        raise LoadError.single(path, "cannot be read (permission denied)") from None
    except OSError as exc:
        raise LoadError.single(path, f"cannot be read ({exc.strerror or exc})") from None


def read_text(path: Path) -> str:
    """A file's text, accepting the byte-order mark and line endings Windows editors add."""
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError.single(
            path,
            "is not UTF-8 text; save it again choosing the UTF-8 encoding",
            f"line {line}",
        ) from None
    if "\x00" in text:
        raise LoadError.single(path, "holds binary data, not text; is it the right file?")
    return text


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        place = None
        found = _AT.search(message)
        if found:
            place = f"line {found.group(1)}, column {found.group(2)}"
            message = message[: found.start()]
        elif "end of document" in message:
            place = f"line {max(1, len(text.splitlines()))}"  # the last line
            message = message.replace(" (at end of document)", "")
        message = message[:1].lower() + message[1:]
        message = _TOML_WORDS.get(message, message)  # in words, not character codes
        raise LoadError.single(
            path, f"this is not valid TOML ({message}); check quotes, brackets and '='", place
        ) from None
    except RecursionError:
        raise LoadError.single(path, "this is not valid TOML (nested too deeply)") from None
    except ValueError as exc:  # e.g. a number with thousands of digits
        raise LoadError.single(path, f"this is not valid TOML ({exc})") from None


def check_format(path: Path, data: dict[str, Any], supported: int = 1) -> None:
    """Refuse files from a newer lensmap before reading anything else in them."""
    refuse_newer(path, "format", data.get("format", supported), supported, "format")


def model_from_data(
    model: type[M],
    data: Any,
    file: str,
    what: str,
    checks: Callable[[dict[str, Any], str], list[Problem]],
) -> tuple[M, list[Problem]]:
    """Already-parsed data of a file as `model` (a pathway, vignettes), with every problem
    found: the schema's and those `checks` finds that a schema cannot see, in file order.
    `what` names the file's kind ("a pathway"). Raises LoadError if any is an error."""
    if not isinstance(data, dict):
        raise LoadError.single(file, f"{what} should be a table of keys and values")
    check_format(Path(file), data)
    problems: list[Problem] = []
    found = None
    try:
        found = model.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, file, data, model))
    problems.extend(checks(data, file))
    if errors(problems) or found is None:
        raise LoadError(in_file_order(problems, data))
    return found, problems

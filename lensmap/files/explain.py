"""Turn pydantic's validation errors into problems a facilitator can act on."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..wording.screen_text import is_control, mark, unseen
from .problems import Problem, suggest

_TYPE_WORDS = {
    "str": "text in quotes",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list in square brackets",
    "dict": "a table",
    "NoneType": "nothing",
}


def describe_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'"{shown}"'
    name = type(value).__name__
    return _TYPE_WORDS.get(name, name).replace("text in quotes", "text")


def item_label(item: Any) -> str:
    """How a list item is named in messages: by its id, or by what identifies it."""
    if not isinstance(item, dict):
        return ""

    def q(key: str) -> str | None:
        value = item.get(key)
        return f'{key} "{value}"' if isinstance(value, str) and len(value) <= 60 else None

    for keys in (("id",), ("from", "to"), ("persona",), ("stage", "kind"), ("stage",)):
        found = [x for x in (q(k) for k in keys) if x]
        if found:
            return f" ({(' ' if keys == ('from', 'to') else ', ').join(found)})"
    return ""


def place_of(loc: tuple[Any, ...], data: Any) -> tuple[str, str | None]:
    """Split a location into the record it names and the field inside it.

    ('stages', 2, 'kind') -> ('stages[3] (id "psych")', 'kind'). Items are numbered from 1,
    the way a person counts the blocks in their file.
    """
    parts: list[str] = []
    node = data
    i = 0
    while i < len(loc):
        key = loc[i]
        if isinstance(key, str) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            items = node.get(key) if isinstance(node, dict) else None
            item = items[index] if isinstance(items, list) and index < len(items) else None
            parts.append(f"{key}[{index + 1}]{item_label(item)}")
            node = item
            i += 2
            continue
        break
    rest = [str(k) if not isinstance(k, int) else f"[{k + 1}]" for k in loc[i:]]
    field = ".".join(rest).replace(".[", "[") or None
    return ".".join(parts), field


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes an annotation can hold (through Optional, list and Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _unwrap(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for key in loc:
        if isinstance(key, int) or model is None:
            continue
        field = next(
            (f for n, f in model.model_fields.items() if key in (n, f.alias)),
            None,
        )
        if field is None:
            return None
        found = _unwrap(field.annotation)
        model = found[0] if found else None
    return model


def _sentence(error: Any, field: str | None, root: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    name = f'"{field}"' if field else "this"
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        model = _model_at(root, error["loc"][:-1])
        allowed = _keys(model) if model else []
        hint = suggest(key, allowed) or (
            f"; the keys allowed here are {', '.join(allowed)}" if allowed else ""
        )
        return f'unknown key "{key}"{hint}'
    if kind == "missing":
        key = str(error["loc"][-1])
        return f'"{key}" is missing; add it'
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{name} is {describe_value(value)}; use one of: {expected}"
    if kind == "string_pattern_mismatch":
        return (
            f"{name} is {describe_value(value)}; an id may only use letters, digits, "
            f'"_" and "-" (no spaces)'
        )
    if kind == "string_too_short":
        return f"{name} is empty; write something in it"
    if kind == "string_too_long":
        return f"{name} is too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_short":
        return f"{name} needs at least {ctx.get('min_length')} item(s)"
    if kind == "greater_than_equal":
        return f"{name} is {describe_value(value)}; it must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"{name} is {describe_value(value)}; it must be at most {ctx.get('le')}"
    if kind.endswith("_type") or kind in ("model_attributes_type", "dict_type"):
        wanted = {
            "string_type": "text in quotes",
            "int_type": "a whole number",
            "bool_type": "true or false",
            "list_type": "a list in square brackets",
            "model_type": "a table",
            "dict_type": "a table",
            "model_attributes_type": "a table",
        }.get(kind, kind.removesuffix("_type"))
        return f"{name} should be {wanted}, not {describe_value(value)}"
    if kind in ("value_error", "assertion_error"):
        return f"{name} {error['msg'].removeprefix('Value error, ')}"
    return f"{name}: {error['msg']}"


def problems_from(
    exc: ValidationError, file: str, data: Any, root: type[BaseModel], prefix: str = ""
) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        place, field = place_of(loc, data)
        if error["type"] in ("extra_forbidden", "missing"):
            field = None
        message = _sentence(error, field, root)
        full_place = ".".join(p for p in (prefix, place) if p) or None
        problems.append(Problem(file, message, full_place))
    return problems


def in_file_order(problems: list[Problem], data: Any) -> list[Problem]:
    """Problems sorted the way the file reads: top-level keys first, then each list in turn."""
    sections = list(data) if isinstance(data, dict) else []

    def key(problem: Problem) -> tuple[int, int, int]:
        place = problem.place or ""
        name, _, rest = place.partition("[")
        if not rest or name not in sections:
            return (0, 0, 0)
        index = rest.split("]", 1)[0]
        return (1, sections.index(name), int(index) if index.isdigit() else 0)

    return sorted(problems, key=key)


MAX_UNSEEN_WARNINGS = 20  # a file full of them says so once more, not a screenful more


def _texts(data: Any):
    """(location, text, is a key) for every text in parsed data, in file order."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, str):
            yield loc, node, False
        elif isinstance(node, dict):
            children = []
            for key, value in node.items():
                if isinstance(key, str):
                    yield loc, key, True
                children.append(((*loc, key), value))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([((*loc, i), v) for i, v in enumerate(node)]))


def _codes(chars: list[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in chars[:4]) + (", ..." if len(chars) > 4 else "")


def unseen_warning(chars: list[str]) -> str:
    """What to say about characters lensmap will not show as they are."""
    controls = [c for c in chars if is_control(c)]
    marked = [c for c in chars if not is_control(c)]
    parts = []
    if controls:
        one = len(controls) == 1
        parts.append(
            f"{'a control character' if one else 'control characters'} ({_codes(controls)}) "
            "that lensmap will not show"
        )
    if marked:
        one = len(marked) == 1
        what = (
            "an invisible or text-direction character"
            if one
            else ("invisible or text-direction characters")
        )
        who = "it" if controls else "lensmap"
        parts.append(f"{what} ({_codes(marked)}) that {who} shows as {mark(marked[0])}")
    return f"holds {', and '.join(parts)}; check the text"


def unseen_warnings(data: Any, file: str, prefix: str = "") -> list[Problem]:
    """A warning for each text (or key) in a file holding characters that lensmap will not
    show as they are: control characters, direction overrides, invisible characters. The file
    still loads; what is shown of it simply cannot act on the terminal."""
    problems: list[Problem] = []
    more = 0
    for loc, text, is_key in _texts(data):
        chars = unseen(text)
        if not chars:
            continue
        if len(problems) >= MAX_UNSEEN_WARNINGS:
            more += 1
            continue
        place, field = place_of(loc, data)
        if is_key:
            within = ".".join(p for p in (place, field) if p)
            where = " ".join(p for p in (within, f'key "{text}"') if p)
        else:
            where = " ".join(p for p in (place, field) if p)
        full = ".".join(p for p in (prefix, where) if p) or None
        problems.append(Problem(file, unseen_warning(chars), full, "warning"))
    if more:
        problems.append(
            Problem(
                file,
                f"{more} more text{'s hold' if more != 1 else ' holds'} such characters; "
                "check the text",
                prefix or None,
                "warning",
            )
        )
    return problems


def unseen_summary(data: Any, file: str) -> list[Problem]:
    """One warning for a whole file, for where each place would be too many (the app's first
    screen): how many texts hold such characters, and where to find out which."""
    count = sum(1 for _, text, _ in _texts(data) if unseen(text))
    if not count:
        return []
    texts = "1 text holds" if count == 1 else f"{count} texts hold"
    return [
        Problem(
            file,
            f"{texts} control, invisible or text-direction characters that lensmap will not "
            f"show as they are; `lensmap validate` says where",
            level="warning",
        )
    ]

"""The facilitator's screen preferences, kept between runs (the colours, so far): a small
JSON file in the user's config folder. A preference is only ever a help: a missing,
unreadable or hand-edited file means the defaults, never a failure, and a preference that
cannot be saved is simply not remembered."""

from __future__ import annotations

import json
from pathlib import Path

from ..files.problems import LoadError
from .locations import config_dir
from .safe_write import write_atomic

MOST = 16 * 1024  # a settings file is a few lines; anything bigger is not lensmap's


def settings_file() -> Path:
    return config_dir() / "settings.json"


def _stored() -> dict:
    """Everything the settings file holds, if it is a JSON object of a sensible size."""
    try:
        path = settings_file()
        if path.stat().st_size > MOST:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_settings(allowed: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each remembered preference whose value is one of `allowed[name]`; nothing else."""
    return {k: v for k, v in _stored().items() if k in allowed and v in allowed[k]}


def save_setting(name: str, value: str, allowed: dict[str, tuple[str, ...]]) -> bool:
    """Remember one preference beside the others (kept as they are, even ones this lensmap
    does not know); False if it could not be saved."""
    if value not in allowed.get(name, ()):
        raise ValueError(f"{value!r} is not a value of {name}")
    settings = {**_stored(), name: value}
    try:
        path = settings_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(settings, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        write_atomic(path, data, replace=True)
    except (OSError, LoadError):
        return False
    return True

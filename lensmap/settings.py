"""The facilitator's screen preferences, kept between runs (the colours, so far): a small
JSON file in the user's config folder. A preference is only ever a help: a missing,
unreadable or hand-edited file means the defaults, never a failure, and a preference that
cannot be saved is simply not remembered."""

from __future__ import annotations

import json
from pathlib import Path

from .locations import config_dir
from .problems import LoadError
from .safe_write import write_atomic

MOST = 16 * 1024  # a settings file is a few lines; anything bigger is not lensmap's


def settings_file() -> Path:
    return config_dir() / "settings.json"


def load_settings(allowed: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each remembered preference whose value is one of `allowed[name]`; nothing else."""
    try:
        path = settings_file()
        if path.stat().st_size > MOST:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in allowed and v in allowed[k]}


def save_setting(name: str, value: str, allowed: dict[str, tuple[str, ...]]) -> bool:
    """Remember one preference beside the others; False if it could not be saved."""
    settings = {**load_settings(allowed), name: value}
    try:
        path = settings_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(settings, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        write_atomic(path, data, replace=True)
    except (OSError, LoadError):
        return False
    return True

"""Where lensmap keeps things on the facilitator's computer, in one place.

Set LENSMAP_DATA_DIR to keep sessions somewhere else, and LENSMAP_CONFIG_DIR for the screen
preferences (tests always do, so they never touch a real user's folders)."""

from __future__ import annotations

import os
import re
from pathlib import Path


def data_dir() -> Path:
    override = os.environ.get("LENSMAP_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("lensmap", appauthor=False)


def config_dir() -> Path:
    """Where the facilitator's screen preferences are kept (LENSMAP_CONFIG_DIR to move it)."""
    override = os.environ.get("LENSMAP_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("lensmap", appauthor=False)


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def default_session_path(pathway_id: str) -> Path:
    """The session a plain `lensmap` (or `lensmap open PATHWAY`) continues."""
    return sessions_dir() / f"{safe_name(pathway_id)}.lens"


def exports_dir() -> Path:
    override = os.environ.get("LENSMAP_EXPORTS_DIR")
    return Path(override) if override else Path.cwd() / "exports"


def safe_name(text: str) -> str:
    """A file name made from anything a person typed: it can never leave its folder."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")[:80]
    return name or "session"

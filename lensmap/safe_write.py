"""Writing files so that a crash or a name clash never costs anything already saved."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from .problems import LoadError

PRIVATE = 0o600


def temporary_beside(path: Path, mode: int = PRIVATE) -> Path:
    """A new, empty file in the same folder (so moving it into place is atomic)."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LoadError.single(folder, f"cannot make this folder ({exc.strerror or exc})") from None
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except OSError as exc:
        raise LoadError.single(
            folder, f"cannot write in this folder ({exc.strerror or exc})"
        ) from None
    os.close(fd)
    return tmp


def refuse_existing(path: Path, hint: str = "choose another name") -> None:
    if path.exists() or path.is_symlink():
        raise LoadError.single(path, f"already exists and was left as it is; {hint}")


def _sync_folder(folder: Path) -> None:
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def move_into_place(tmp: Path, path: Path, *, replace: bool = False) -> None:
    """Give the finished temporary file its real name, never clobbering unless asked to."""
    try:
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name is taken, with no window for a race
            except FileExistsError:
                raise LoadError.single(
                    path, "already exists and was left as it is; choose another name"
                ) from None
            except OSError:
                refuse_existing(path)  # a file system without hard links
                os.replace(tmp, path)
        _sync_folder(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_atomic(path: Path, data: bytes, *, replace: bool = False, private: bool = True) -> None:
    """Write a whole file at once: readers see the old file or the new one, never half."""
    path = Path(path)
    if not replace:
        refuse_existing(path, "choose another name, or use --force to replace it")
    tmp = temporary_beside(path, PRIVATE if private else 0o644)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise LoadError.single(path, f"could not be written ({exc.strerror or exc})") from None
    move_into_place(tmp, path, replace=replace)

"""Writing files so that a crash or a name clash never costs anything already saved."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import socket
import stat
import time
from pathlib import Path
from typing import NamedTuple

from ..files.problems import LoadError

PRIVATE = 0o600

# Temporary files are named `.{name}.lensmap-{pid}-{host}-{random}.tmp`, so that a later
# lensmap can tell a file left by a process that was killed from one being written right now.
# (Before, they were `.{name}.{random}.tmp`: those can only be judged by their age.)
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_TEMPORARY = re.compile(
    r"\..+\.(?:lensmap-(?P<pid>[0-9]{1,10})-(?P<host>[0-9a-f]{6})-)?[0-9a-f]{8}\.tmp(?:-journal)?",
    re.DOTALL,
)
# Only POSIX can ask whether a process exists: on Windows os.kill(pid, 0) does not ask, it
# stops the process. There, leftovers are judged by age alone.
CAN_ASK_ABOUT_PROCESSES = os.name == "posix"
LEFT_FOR_GOOD = 24 * 3600  # seconds untouched: no live lensmap leaves a temporary file so long
UNTOUCHED_SINCE_DEATH = 60  # seconds untouched, for one whose process is known to have ended


class Fault(NamedTuple):
    """What went wrong with a file, in words, and what the facilitator can do about it."""

    what: str  # "the disk is full"
    todo: str  # "free some space ... and try again"
    kept: str = "nothing already saved is lost"


FULL = Fault(
    "the disk is full",
    "free some space on that drive (delete or move files you do not need) and try again",
)
READ_ONLY = Fault(
    "the session file, its folder or its drive has become read-only",
    "make it writable again and try again",
)
NOT_ALLOWED = Fault(
    "your account is no longer allowed to write to the session file or its folder",
    "give your account permission to write there again and try again",
)
FOLDER_GONE = Fault(
    "the session's folder is no longer there (a USB stick or network drive taken out, or the "
    "folder moved or deleted)",
    "put it back and try again",
    "everything saved before is still in the file, and lensmap still holds it: keep it open",
)
DRIVE_ERROR = Fault(
    "the drive reported an error (taken out, disconnected or failing)",
    "check the drive (put a USB stick back in) and try again",
    "what was saved before was already on the drive, and lensmap still holds it: keep it open",
)
IN_USE_NOW = Fault(
    "another program is using the session file just now (a backup or sync tool?)",
    "wait a moment and try again",
)


def folder_fault(path: Path) -> Fault | None:
    """Why nothing can be written beside `path`, if the folder itself says so."""
    folder = Path(path).parent
    try:
        if not folder.is_dir():
            return FOLDER_GONE
    except OSError:
        return DRIVE_ERROR
    if not os.access(folder, os.W_OK):
        return READ_ONLY
    return None


def os_fault(exc: OSError, path: Path | None = None) -> Fault:
    """An operating system error as a Fault: what happened and what to do."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return FULL
    if code == errno.EROFS:
        return READ_ONLY
    if code in (errno.EACCES, errno.EPERM):
        return NOT_ALLOWED
    if code in (errno.ENOENT, errno.ENOTDIR):
        return (folder_fault(path) if path is not None else None) or FOLDER_GONE
    if code in (errno.EIO, errno.ENXIO, errno.ENODEV, getattr(errno, "ESTALE", -1)):
        return DRIVE_ERROR
    if code in (errno.EBUSY, errno.ETXTBSY):
        return IN_USE_NOW
    return Fault(
        f"it could not be written ({exc.strerror or exc})",
        "try again",
        "what was saved before is kept",
    )


def _writer_has_ended(pid_text: str | None, host: str | None) -> bool:
    """Whether the lensmap that named a temporary file is known to have ended. Only on POSIX
    and only for this computer's own processes (a shared folder is seen by other computers,
    whose process numbers mean nothing here). On Windows the answer is always "not known"."""
    if pid_text is None or host != _HOST or not CAN_ASK_ABOUT_PROCESSES:
        return False
    pid = int(pid_text)
    if pid <= 1 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)  # signal 0: asks whether the process exists, sends nothing
    except ProcessLookupError:
        return True
    except (OSError, OverflowError, ValueError):
        return False  # it exists (another user's), or the number cannot be a process
    return False


def remove_leftovers(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove lensmap's own temporary files left in `folder` by a lensmap that was killed (a
    merge, import, export or new session cut off). A temporary file is removed only when its
    writer is known to have ended and it has not been touched for a minute, or when no one
    has touched it for a day; one being written right now by a live lensmap is never removed.
    Best effort: nothing here ever stops a save."""
    folder = Path(folder)
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time() if now is None else now
    for name in names:
        found = _TEMPORARY.fullmatch(name)
        if found is None:
            continue
        entry = folder / name
        try:
            info = os.lstat(entry)
            if not stat.S_ISREG(info.st_mode):
                continue
            untouched = now - info.st_mtime
            if untouched > LEFT_FOR_GOOD or (
                untouched > UNTOUCHED_SINCE_DEATH and _writer_has_ended(found["pid"], found["host"])
            ):
                entry.unlink()
                removed.append(entry)
        except OSError:
            continue
    return removed


def temporary_name(path: Path) -> str:
    return f".{path.name}.lensmap-{os.getpid()}-{_HOST}-{secrets.token_hex(4)}.tmp"


def new_temporary(path: Path, mode: int = PRIVATE) -> Path:
    """A new, empty file beside `path` (so moving it into place is atomic), after removing any
    left there by a lensmap that was killed. The folder must exist. Raises OSError."""
    remove_leftovers(path.parent)
    tmp = path.parent / temporary_name(path)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    os.close(fd)
    return tmp


def temporary_beside(path: Path, mode: int = PRIVATE) -> Path:
    """A new, empty file in the same folder (so moving it into place is atomic)."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LoadError.single(folder, f"cannot make this folder ({exc.strerror or exc})") from None
    try:
        return new_temporary(path, mode)
    except OSError as exc:
        fault = os_fault(exc, path)
        raise LoadError.single(folder, f"cannot write in this folder: {fault.what}") from None


def remove_temporary(tmp: Path) -> None:
    """A temporary file and the journal SQLite may have left beside it."""
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


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


def place_new(tmp: Path, path: Path) -> bool:
    """Give the finished temporary file the name `path` as well, unless that name is taken
    (then False, and nothing is changed). The name is never clobbered. The caller removes
    `tmp` afterwards. Raises OSError."""
    try:
        os.link(tmp, path)  # fails if the name is taken, with no window for a race
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if os.name == "nt":
            try:
                os.rename(tmp, path)  # on Windows, rename never replaces a file
            except FileExistsError:
                return False
        else:
            if path.exists() or path.is_symlink():
                return False
            os.replace(tmp, path)
    _sync_folder(path.parent)
    return True


def move_into_place(tmp: Path, path: Path, *, replace: bool = False) -> None:
    """Give the finished temporary file its real name, never clobbering unless asked to."""
    try:
        if replace:
            os.replace(tmp, path)
            _sync_folder(path.parent)
        elif not place_new(tmp, path):
            raise LoadError.single(
                path, "already exists and was left as it is; choose another name"
            )
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
        move_into_place(tmp, path, replace=replace)
    except OSError as exc:
        fault = os_fault(exc, path)
        raise LoadError.single(path, f"could not be written: {fault.what}; {fault.todo}") from None
    finally:
        tmp.unlink(missing_ok=True)

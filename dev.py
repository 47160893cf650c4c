"""Set up lensmap in a local virtual environment, then run it or its tests.

    python3 dev.py run     install (first time only) and run lensmap on the built-in example
    python3 dev.py test    install (first time only) and run the tests (every layer, side by
                           side on every core), then ruff, mypy and the import rules
    python3 dev.py test --quick    the unit layer only: no app, terminal, browser, server,
                           crash or wheel tests (about a minute)
    python3 dev.py bench   the performance figures (benchmarks/)

Works the same on Linux, macOS and Windows; needs only Python 3.11 or newer.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".lensmap-installed"


def _say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def _run(*command: str | Path) -> int:
    return subprocess.call([str(c) for c in command], cwd=ROOT)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be run by an older python3)
        sys.exit("dev.py: lensmap needs Python 3.11 or newer; this is " + sys.version.split()[0])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        _say("making .venv")
        try:
            venv.create(VENV, with_pip=True)
        except (subprocess.CalledProcessError, OSError) as exc:
            sys.exit(
                f"dev.py: could not make a virtual environment ({exc}).\n"
                "On Debian or Ubuntu, install it first:  sudo apt install python3-venv"
            )
    _say("installing lensmap and its test tools into .venv (first run only)")
    pip = [PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if _run(*pip, "--upgrade", "pip") or _run(*pip, "-e", ".[test]"):
        sys.exit("dev.py: installing failed; see the messages above")
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "bench"):
        print(__doc__)
        return 2
    ensure_venv()
    command, rest = argv[0], argv[1:]
    if command == "run":
        return _run(PYTHON, "-m", "lensmap", *rest)
    if command == "bench":
        return (
            _run(PYTHON, "benchmarks/run.py", *rest)
            or _run(PYTHON, "benchmarks/app_figures.py", *rest)
            or _run(PYTHON, "benchmarks/terminal_figures.py", *rest)
            or _run(PYTHON, "benchmarks/measures_figures.py", *rest)
            or _run(PYTHON, "benchmarks/plan_figures.py", *rest)
            or _run(PYTHON, "benchmarks/drawing_figures.py", *rest)
            or _run(PYTHON, "benchmarks/export_figures.py")
            or _run(PYTHON, "benchmarks/serve_figures.py")
            or _run(PYTHON, "benchmarks/room_figures.py")
        )
    if "--quick" in rest:
        rest = [arg for arg in rest if arg != "--quick"]
        rest = ["-m", "not (app or terminal or browser or serve or crash or wheel)", *rest]
    if not any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in rest):
        rest = ["-n", "auto", *rest]  # each core runs tests: the whole suite in half the time
    status = _run(PYTHON, "-m", "pytest", *rest)
    status = status or _run(PYTHON, "-m", "ruff", "check", ".")
    status = status or _run(PYTHON, "-m", "ruff", "format", "--check", ".")
    status = status or _run(PYTHON, "-m", "mypy")  # the package, as pyproject.toml says
    return status or _run(BIN / ("lint-imports.exe" if os.name == "nt" else "lint-imports"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""lensmap: walk personas through a service pathway and record what the room sees."""

import os

# lensmap uses no pydantic plugins; looking for them reads every installed package's
# metadata, a noticeable part of start-up. Anyone who does want them can still say so.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

UNKNOWN_VERSION = "0+unknown"
"""`__version__` where lensmap is not installed (run from a copy of its source, say), so there
is no package metadata to read. A valid version (PEP 440: 0 with the local label "unknown"),
lower than every release, so anything that ever compares the `created_by` a session file
records treats it as the oldest rather than failing to read it; a person reads "unknown"."""


def __getattr__(name: str) -> str:
    """`lensmap.__version__`, read from the installed package's metadata (so pyproject.toml is
    the one place it is written) when first asked for, not on every start: reading it costs
    a few milliseconds."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("lensmap")
    except PackageNotFoundError:
        found = UNKNOWN_VERSION
    globals()["__version__"] = found  # read once
    return found

"""Where the built-in example pathway and vignettes are, installed or in a checkout.

A wheel carries them as package data in `lensmap/built_in/` (a folder that shares its name
with no module); in a checkout they are the top-level `pathways/` and `vignettes/` folders,
where facilitators find and copy them."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

EXAMPLE_PATHWAY = "community-alcohol-drug-service.toml"
EXAMPLE_VIGNETTES = "annex-b.toml"


def _folder(name: str) -> Path:
    package = Path(str(files("lensmap")))
    installed = package / "built_in" / name  # inside a wheel
    return installed if installed.is_dir() else package.parent / name  # in a checkout


def pathways_folder() -> Path:
    return _folder("pathways")


def vignettes_folder() -> Path:
    return _folder("vignettes")


def example_pathway() -> Path:
    return pathways_folder() / EXAMPLE_PATHWAY


def example_vignettes() -> Path:
    return vignettes_folder() / EXAMPLE_VIGNETTES

"""Where the built-in example pathway and vignettes are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
EXAMPLE_PATHWAY = "community-alcohol-drug-service.toml"
EXAMPLE_VIGNETTES = "annex-b.toml"


def _folder(name: str) -> Path:
    installed = _PACKAGE / "examples" / name  # inside a wheel
    return installed if installed.is_dir() else _PACKAGE.parent / name  # in a checkout


def pathways_folder() -> Path:
    return _folder("pathways")


def vignettes_folder() -> Path:
    return _folder("vignettes")


def example_pathway() -> Path:
    return pathways_folder() / EXAMPLE_PATHWAY


def example_vignettes() -> Path:
    return vignettes_folder() / EXAMPLE_VIGNETTES

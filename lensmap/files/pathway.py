"""Reading a pathway file of any format lensmap knows: TOML (its own), a CSV edge list or
GraphML. Each format's reader gives the pathway's data; the checks are the same for all."""

from __future__ import annotations

from pathlib import Path

from ..event.model import Pathway
from .pathway_checks import pathway_from_data
from .problems import LoadError, Problem
from .reading import read_toml

DRAWINGS = (".drawio", ".dio")
"""diagrams.net's own file names (a drawing saved as .xml is told apart by what it holds)."""
MERMAID = (".mmd", ".mermaid")
PATHWAY_SUFFIXES = (".toml", ".csv", ".graphml", ".xml", *DRAWINGS, *MERMAID)


def _is_drawio(path: Path) -> bool:
    from .pathway_drawio import is_drawio

    return is_drawio(path)


def load_pathway(path: str | Path) -> tuple[Pathway, list[Problem]]:
    """Load a pathway file (TOML, a CSV edge list, GraphML or yEd, a diagrams.net drawing of
    one page, or a Mermaid flowchart) with its warnings."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from .pathway_csv import pathway_from_csv

        return pathway_from_csv(path)
    if suffix in MERMAID:
        from .pathway_mermaid import pathway_from_mermaid

        return pathway_from_mermaid(path)[:2]
    if suffix in DRAWINGS or (suffix in (".xml", ".svg") and _is_drawio(path)):
        from .pathway_drawio import pathway_from_drawio

        return pathway_from_drawio(path)[:2]
    if suffix in (".graphml", ".xml"):
        from .pathway_graphml import pathway_from_graphml

        return pathway_from_graphml(path)[:2]
    data = read_toml(path)
    if "personas" in data or "teams" in data:
        raise LoadError.single(
            path, "this looks like a vignettes file, not a pathway; pass it with --vignettes"
        )
    return pathway_from_data(data, str(path))

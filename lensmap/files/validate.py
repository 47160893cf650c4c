"""Checking any mix of lensmap files at once: pathways, vignettes and sessions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..event.model import Pathway, Vignettes
from .explain import unseen_warnings
from .pathway import DRAWINGS, MERMAID, load_pathway
from .pathway_checks import pathway_from_data
from .problems import LoadError, Problem
from .reading import read_toml
from .vignettes import entry_warnings, vignettes_from_data


@dataclass
class Report:
    """What was found in one file: its problems (errors and warnings) and whether it loaded."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    kind: str = "file"

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems)


def _check_one(path: Path) -> tuple[Report, Pathway | Vignettes | None]:
    name = str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".lens", ".json"):
            from ..session.interchange import read_session

            content, problems = read_session(path)
            return Report(name, problems + _session_unseen(content, name), "session"), None
        if suffix in (".csv", ".graphml", ".xml", *DRAWINGS, *MERMAID):
            pathway, problems = load_pathway(path)
            problems += unseen_warnings(pathway.dump(), name)
            return Report(name, problems, "pathway"), pathway
        data = read_toml(path)
        if "personas" in data or "teams" in data:
            vignettes, problems = vignettes_from_data(data, name)
            return Report(name, problems + unseen_warnings(data, name), "vignettes"), vignettes
        if data.keys() & {"stages", "transitions", "title", "id"}:
            pathway, problems = pathway_from_data(data, name)
            return Report(name, problems + unseen_warnings(data, name), "pathway"), pathway
        raise LoadError.single(
            name,
            "cannot tell what this file is: a pathway lists [[stages]], a vignettes file "
            "lists [[personas]] and [[teams]]",
        )
    except LoadError as exc:
        return Report(name, list(exc.problems)), None


def _session_unseen(content, file: str) -> list[Problem]:
    """Texts in a session (another team's, say) that lensmap will not show as they are."""
    from ..session.interchange import document

    doc = document(content)
    pathway = doc.pop("pathway")
    return unseen_warnings(pathway, file, "pathway") + unseen_warnings(doc, file)


def validate_files(paths: Iterable[str | Path]) -> list[Report]:
    """Check each file and report every problem in each. Vignettes' suggested entries are
    checked against the pathways named in the same call."""
    results = [_check_one(Path(p)) for p in paths]
    pathways = [loaded for _, loaded in results if isinstance(loaded, Pathway)]
    if pathways:
        for report, loaded in results:
            if isinstance(loaded, Vignettes):
                report.problems += entry_warnings(loaded.personas, pathways, report.file)
    return [report for report, _ in results]

"""Pathways from Mermaid flowcharts, as people paste them from Notion, GitHub or Obsidian:
nodes with shapes, links with words, chains, &, subgraphs as services, front matter and
Markdown fences; anything else an error naming its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lensmap.cli import main
from lensmap.files.pathway import load_pathway
from lensmap.files.pathway_mermaid import pathway_from_mermaid
from lensmap.files.problems import LoadError

CHART = Path(__file__).parent / "drawings" / "community.mmd"


def chart(tmp_path, text: str, name: str = "chart.mmd") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_flowchart_with_shapes_words_chains_and_a_subgraph():
    pathway, _problems, made = pathway_from_mermaid(CHART)
    assert pathway.title == "Community drug service"  # from the front matter
    kinds = {s.id: s.kind for s in pathway.stages}
    assert kinds == {
        "gp_referral": "entry", "triage_phone_or_drop_in": "step", "self_referral": "entry",
        "urgent": "decision", "waiting_list": "wait", "comprehensive_assessment": "step",
        "care_plan": "step", "review": "exit",
    }  # fmt: skip
    services = {s.id: s.service for s in pathway.stages}
    assert services["urgent"] == "Community alcohol and drug service"
    assert services["gp_referral"] is None
    links = [(t.from_, t.to, t.label) for t in pathway.transitions]
    assert ("gp_referral", "triage_phone_or_drop_in", "referral letter") in links
    assert ("urgent", "waiting_list", "no") in links  # -- no -->
    assert ("urgent", "comprehensive_assessment", "yes") in links  # -->|yes|
    assert ("waiting_list", "comprehensive_assessment", None) in links  # a chain: -.-> then -->
    assert ("comprehensive_assessment", "care_plan", None) in links
    assert ("care_plan", "review", None) in links and ("comprehensive_assessment", "review",
                                                       None) in links  # fmt: skip
    assert made.guesses["urgent"][0] == "kind decision: a rhombus ({…})"


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("graph LR\nA --> B --> C", [("a", "b"), ("b", "c")]),
        ("flowchart TD; A --- B; B ==> C", [("a", "b"), ("b", "c")]),
        ("flowchart LR\nS --> A\nA <--> B", [("s", "a"), ("a", "b"), ("b", "a")]),
        ("flowchart LR\nA & B --> C & D", [("a", "c"), ("a", "d"), ("b", "c"), ("b", "d")]),
        ("flowchart LR\nA -. maybe .-> B", [("a", "b")]),
    ],
)
def test_links_of_every_kind(tmp_path, text, links):
    pathway = pathway_from_mermaid(chart(tmp_path, text))[0]
    assert [(t.from_, t.to) for t in pathway.transitions] == links


def test_a_chart_pasted_in_markdown_is_read_from_its_fence(tmp_path):
    text = (
        "# Our pathway\n\nSome words.\n\n```mermaid\nflowchart TD\n"
        "  A[Referral] --> B[Triage]\n```\n"
    )
    pathway = pathway_from_mermaid(chart(tmp_path, text, "notes.mmd"))[0]
    assert [s.label for s in pathway.stages] == ["Referral", "Triage"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("A --> B", "line 1: is not a Mermaid flowchart: it must begin with flowchart TD"),
        ("flowchart TD\nA --> B\nsequenceDiagram here", "line 3: expected a link (-->)"),
        ("flowchart TD\nA[Triage --> B", "line 2: the words of “A” open with [ and never close"),
        ("flowchart TD\nsubgraph S\nA --> B", "the subgraph “S” has no end"),
        ("flowchart TD\nA --> B\nend", "line 3: an end with no subgraph open"),
        ("", "is empty"),
    ],
)
def test_what_cannot_be_read_is_said_with_its_line(tmp_path, capsys, text, said):
    path = chart(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert said in out and "Traceback" not in out


def test_import_validate_and_open_agree(tmp_path, capsys):
    out = tmp_path / "community.toml"
    assert main(["pathway", "import", str(CHART), "-o", str(out)]) == 0
    assert "# guessed kind wait: a parallelogram" in out.read_text()
    assert main(["validate", str(out), str(CHART)]) == 0
    assert load_pathway(out)[0] == load_pathway(CHART)[0]


@given(st.text(alphabet='AB[]{}()|>-.=&;"/\\ \nflowchartTDsubgraphend', max_size=120))
@settings(max_examples=300, deadline=None)
def test_any_text_is_a_pathway_or_a_clear_refusal(tmp_path_factory, body):
    path = tmp_path_factory.mktemp("mmd") / "f.mmd"
    path.write_text("flowchart TD\n" + body)
    try:
        pathway_from_mermaid(path)
    except LoadError as exc:
        assert str(exc)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("flowchart TD\nA-->B[Done]", [("a", "done", None)]),
        ("graph TD;\nA[Start]-->B{Is it?};\nB--Yes-->C[OK];",
         [("start", "is_it", None), ("is_it", "ok", "Yes")]),
        ("flowchart LR\nS-->A---B\nA ~~~ B", [("s", "a", None), ("a", "b", None)]),
        ("flowchart LR\nin-take --> out", [("in_take", "out", None)]),
    ],
)  # fmt: skip
def test_links_written_without_spaces(tmp_path, text, links):
    """Review: A-->B had been read as a node called "A--"."""
    pathway = pathway_from_mermaid(chart(tmp_path, text))[0]
    assert [(t.from_, t.to, t.label) for t in pathway.transitions] == links


def test_html_and_mermaid_codes_in_words_are_read(tmp_path):
    text = "flowchart LR\nA[Assessment<br/>with <b>nurse</b> #35;1 &amp; co] --> B"
    assert pathway_from_mermaid(chart(tmp_path, text))[0].stages[0].label == (
        "Assessment with nurse #1 & co"
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("flowchart TD\n" + " & ".join(f"a{n}" for n in range(200)) + " --> "
         + " & ".join(f"b{n}" for n in range(200)), "line 2: it makes 40,000 links"),
        ("flowchart TD\nA --> S\nsubgraph S [Service]\nB\nend\nX --> S", "line 1"),
        ("flowchart TD\nA@{ shape: diam, label: \"Urgent?\" } --> B", "shape syntax A@{ … }"),
    ],
)  # fmt: skip
def test_what_would_go_wrong_quietly_is_refused(tmp_path, text, said):
    if "subgraph" in text:
        text, said = (
            "flowchart TD\nsubgraph S [Service]\nB\nend\nX --> S",
            ("line 5: links to the subgraph “S”"),
        )
    with pytest.raises(LoadError, match=re.escape(said)):
        pathway_from_mermaid(chart(tmp_path, text))


def test_the_first_fence_holding_a_flowchart_is_read(tmp_path):
    text = ("```mermaid\nsequenceDiagram\nA->>B: hi\n```\n\n"
            "```mermaid\nflowchart TD\nR[Referral] --> T[Triage]\n```\n")  # fmt: skip
    pathway = pathway_from_mermaid(chart(tmp_path, text, "readme.mmd"))[0]
    assert [s.label for s in pathway.stages] == ["Referral", "Triage"]

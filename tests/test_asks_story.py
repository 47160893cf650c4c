"""`asks_story`: the stages where people are asked for their story again, in every pathway
format, and left out of files that never mention it."""

from __future__ import annotations

import pytest

from lensmap.cli import main
from lensmap.event.model import Pathway
from lensmap.files.pathway import load_pathway
from lensmap.files.pathway_csv import pathway_from_csv
from lensmap.files.pathway_graphml import pathway_from_graphml
from lensmap.files.pathway_toml import pathway_toml
from lensmap.files.problems import LoadError

TOML = """format = 1
id = "svc"
title = "Service"

[[stages]]
id = "referral"
label = "Referral"
kind = "entry"

[[stages]]
id = "assessment"
label = "Assessment"
asks_story = true

[[transitions]]
from = "referral"
to = "assessment"
"""


def test_toml_marks_a_stage_and_files_without_it_stay_valid(make_file):
    pathway, problems = load_pathway(make_file("svc.toml", TOML))
    assert problems == []
    assert pathway.stage("assessment").asks_story is True
    assert pathway.stage("referral").asks_story is False
    assert pathway.graph.nodes["assessment"]["asks_story"] is True
    plain, problems = load_pathway(make_file("plain.toml", TOML.replace("asks_story = true\n", "")))
    assert problems == [] and not any(s.asks_story for s in plain.stages)


def test_false_is_left_out_of_what_is_written(make_file):
    pathway, _ = load_pathway(make_file("svc.toml", TOML))
    dumped = pathway.dump()
    assert "asks_story" not in dumped["stages"][0]
    assert dumped["stages"][1]["asks_story"] is True
    again = make_file("again.toml", pathway_toml(pathway))
    assert load_pathway(again)[0] == pathway


def test_a_quoted_true_is_not_a_yes(make_file):
    with pytest.raises(LoadError) as caught:
        load_pathway(make_file("svc.toml", TOML.replace("asks_story = true", 'asks_story = "yes"')))
    (problem,) = caught.value.problems
    assert "stages[2]" in problem.place and "asks_story" in problem.place + problem.message


def test_misspelt_key_is_an_error_with_a_suggestion(make_file):
    with pytest.raises(LoadError) as caught:
        load_pathway(make_file("svc.toml", TOML.replace("asks_story", "ask_story")))
    assert 'did you mean "asks_story"' in str(caught.value.problems[0])


@pytest.mark.parametrize(
    ("cell", "asks"), [("yes", True), ("Yes", True), ("TRUE", True), ("x", True), ("1", True),
                       ("no", False), ("", False), ("0", False), ("false", False)],
)  # fmt: skip
def test_csv_column_reads_yes_and_no(make_file, cell, asks):
    stages = make_file("stages.csv", f"id;label;asks_story\nassess;Assessment;{cell}\n")
    edges = make_file("edges.csv", "from;to\nReferral;assess\n")
    pathway, _ = pathway_from_csv(edges, stages)
    assert pathway.stage("assess").asks_story is asks


def test_csv_column_that_is_neither_names_the_row(make_file):
    stages = make_file("stages.csv", "id,label,asks_story\nassess,Assessment,often\n")
    with pytest.raises(LoadError) as caught:
        pathway_from_csv(make_file("edges.csv", "from,to\nReferral,assess\n"), stages)
    (problem,) = caught.value.problems
    assert problem.place == "row 2" and 'asks_story "often" is not yes or no' in problem.message


def test_graphml_attribute_typed_or_as_text(make_file):
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_node("referral", label="Referral", kind="entry")
    graph.add_node("assessment", label="Assessment", asks_story=True)
    graph.add_node("review", label="Review", asks_story="false")
    graph.add_edge("referral", "assessment")
    graph.add_edge("assessment", "review")
    path = make_file("gm.graphml", "")
    nx.write_graphml(graph, path)
    pathway, _, _ = pathway_from_graphml(path)
    assert [s.asks_story for s in pathway.stages] == [False, True, False]
    graph.nodes["review"]["asks_story"] = "sometimes"
    nx.write_graphml(graph, path)
    with pytest.raises(LoadError) as caught:
        pathway_from_graphml(path)
    (problem,) = caught.value.problems
    assert problem.place == 'node "review"' and "sometimes" in problem.message


def test_the_examples_mark_their_assessments(pathway: Pathway):
    marked = [s.id for s in pathway.stages if s.asks_story]
    assert "comprehensive_assessment" in marked and "triage" in marked
    assert len(marked) < len(pathway.stages) / 4  # a mark worth reading, not on everything


def test_pathway_import_writes_it(make_file, tmp_path):
    stages = make_file("stages.csv", "id,label,asks_story\nassess,Assessment,yes\n")
    edges = make_file("edges.csv", "from,to\nReferral,assess\n")
    out = tmp_path / "svc.toml"
    assert main(["pathway", "import", str(edges), "--stages", str(stages), "-o", str(out)]) == 0
    assert "asks_story = true" in out.read_text(encoding="utf-8")
    assert main(["validate", str(out)]) == 0


def test_validate_help_documents_every_stage_field(capsys):
    from lensmap.event.model import Stage

    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    shown = capsys.readouterr().out
    for name in Stage.model_fields:
        assert f"\n  {name} " in shown, name
    assert "asks_story  true where the person is asked for their story again" in shown

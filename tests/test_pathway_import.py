"""Pathways from spreadsheets (CSV) and graph tools (GraphML), and writing TOML back."""

from __future__ import annotations

import pytest

from lensmap.cli import main
from lensmap.files.pathway import load_pathway
from lensmap.files.pathway_csv import pathway_from_csv
from lensmap.files.pathway_graphml import pathway_from_graphml
from lensmap.files.pathway_toml import pathway_toml
from lensmap.files.problems import LoadError

EDGES = """\ufefffrom,to,label
GP referral,Triage,referral letter
Self-referral,Triage,
Triage,Waiting list,
Waiting list,Assessment,"call, then letter"
Assessment,Triage,re-referral
"""
STAGES = """id,label,kind,service,prompts
gp,GP referral,entry,Primary care,Who explained the referral?|Was it agreed?
self,Self-referral,entry,,
triage,Triage,,Duty team,
"""


def test_csv_edge_list_by_labels(make_file):
    pathway, warnings = pathway_from_csv(make_file("my_service.csv", EDGES))
    assert [s.id for s in pathway.stages] == [
        "gp-referral", "triage", "self-referral", "waiting-list", "assessment",
    ]  # fmt: skip
    assert pathway.stage("gp-referral").label == "GP referral"
    assert pathway.graph.edges["waiting-list", "assessment"]["label"] == "call, then letter"
    assert pathway.id == "my-service" and pathway.title == "My service"
    assert pathway.entries == ["gp-referral", "self-referral"]
    assert warnings == []


def test_csv_with_stages_file(make_file):
    stages = make_file("stages.csv", STAGES)
    pathway, _ = pathway_from_csv(make_file("edges.csv", EDGES), stages, "svc", "Service")
    gp = pathway.stage("gp")
    assert gp.kind == "entry" and gp.service == "Primary care"
    assert gp.prompts == ["Who explained the referral?", "Was it agreed?"]
    assert pathway.graph.has_edge("gp", "triage")
    assert "waiting-list" in pathway.stages_by_id  # stages only in the edge list are added


@pytest.mark.parametrize(("separator", "plain_rows"), [(",", 0), (";", 0), (",", 200)])
def test_csv_as_excel_saves_it_with_quotes_doubled_in_a_long_description(
    make_file, separator, plain_rows
):
    # Excel (and LibreOffice) double a quote inside a quoted cell; a description may also run
    # over several lines, with Windows line ends. The first rows hold no quotes at all.
    rows = [
        ["id", "label", "kind", "description"],
        ["gp", "GP referral", "entry", "By letter"],
        *([f"s{n}", f"Stage {n}", "step", "A plain description"] for n in range(plain_rows)),
        ["triage", "Triage", "step", 'The "duty" worker calls.\r\nThen a letter; it says "soon".'],
    ]
    text = (
        "\r\n".join(
            separator.join(
                f'"{cell.replace(chr(34), chr(34) * 2)}"'
                if any(c in cell for c in f'"{separator}\r\n')
                else cell
                for cell in row
            )
            for row in rows
        )
        + "\r\n"
    )
    stages = make_file("stages.csv", text)
    edges = make_file("edges.csv", f"from{separator}to\r\ngp{separator}triage\r\n")
    pathway, _ = pathway_from_csv(edges, stages)
    assert pathway.stage("triage").description == (
        'The "duty" worker calls.\r\nThen a letter; it says "soon".'
    )
    assert [s.id for s in pathway.stages][:1] + [s.id for s in pathway.stages][-1:] == [
        "gp",
        "triage",
    ]


def test_csv_problems_name_rows(make_file):
    stages = make_file("stages.csv", "id,lable,kind\ngp,GP,entri\n")
    with pytest.raises(LoadError) as caught:
        pathway_from_csv(make_file("edges.csv", EDGES), stages)
    (problem,) = caught.value.problems
    assert problem.place == "row 1" and 'unknown column "lable"; did you mean "label"?' in str(
        problem
    )
    edges = make_file("e2.csv", "from,to\nA,\n")
    with pytest.raises(LoadError) as caught:
        pathway_from_csv(edges)
    assert str(caught.value.problems[0]).endswith('row 2: both "from" and "to" need a stage')
    with pytest.raises(LoadError, match='needs a "to" column'):
        pathway_from_csv(make_file("e3.csv", "from,label\nA,x\n"))


def test_graphml(make_file):
    import networkx as nx

    graph = nx.DiGraph(title="From a drawing")
    graph.add_node("referral", label="Referral", kind="entry", prompts="First?\nSecond?")
    graph.add_node("Key worker", service="Drug and alcohol team")
    graph.add_edge("referral", "Key worker", label="allocated")
    path = make_file("gm.graphml", "")
    nx.write_graphml(graph, path)
    pathway, _, _ = pathway_from_graphml(path)
    assert pathway.id == "gm" and pathway.title == "From a drawing"
    assert pathway.stage("referral").prompts == ["First?", "Second?"]
    assert pathway.stage("key-worker").label == "Key worker"
    assert pathway.graph.edges["referral", "key-worker"]["label"] == "allocated"


def test_broken_graphml_is_a_clear_error(make_file):
    with pytest.raises(LoadError, match="is not readable GraphML"):
        pathway_from_graphml(make_file("p.graphml", "<graphml><graph><node"))


def test_toml_written_reads_back_identically(pathway, tmp_path):
    hostile = pathway.model_copy(
        update={"description": 'Quotes " and \\ backslash\nnew line\ttab \x7f del and ünïcode'}
    )
    path = tmp_path / "out.toml"
    path.write_text(pathway_toml(hostile), encoding="utf-8")
    again, _ = load_pathway(path)
    assert again == hostile


def test_pathway_import_command(make_file, tmp_path, capsys):
    out = tmp_path / "service.toml"
    edges = make_file("edges.csv", EDGES)
    assert main(["pathway", "import", str(edges), "-o", str(out), "--title", "My service"]) == 0
    pathway, _ = load_pathway(out)
    assert pathway.title == "My service" and len(pathway.stages) == 5
    assert main(["pathway", "import", str(edges), "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err

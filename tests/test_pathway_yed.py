"""Pathways from yEd's GraphML: labels inside y:NodeLabel of y:ShapeNode and y:GenericNode,
group nodes as services, y:EdgeLabel as transition labels, flowchart shapes suggesting kinds;
plain GraphML as before; hostile files refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from lensmap.cli import main
from lensmap.files.pathway import load_pathway
from lensmap.files.pathway_graphml import pathway_from_graphml
from lensmap.files.problems import LoadError

YED = Path(__file__).parent / "drawings" / "yed-pathway.graphml"


def test_a_yed_drawing_gives_its_labels_groups_and_shapes():
    pathway, problems, made = pathway_from_graphml(YED)
    stages = {s.id: s for s in pathway.stages}
    assert [(s.label, s.kind) for s in pathway.stages] == [
        ("GP referral", "entry"), ("Triage", "step"), ("Urgent?", "decision"),
        ("Waiting list for assessment", "wait"), ("Comprehensive assessment", "step"),
        ("Care plan", "exit"),
    ]  # fmt: skip
    assert stages["triage"].service == "Community alcohol and drug service"  # its group
    assert stages["triage"].description == "Phone call or drop-in"
    assert stages["gp_referral"].service is None
    labels = {(t.from_, t.to): t.label for t in pathway.transitions}
    assert labels[("gp_referral", "triage")] == "referral letter"
    assert labels[("urgent", "waiting_list_for_assessment")] == "no"
    assert labels[("urgent", "comprehensive_assessment")] == "yes"  # a Bezier edge's label
    assert len(pathway.transitions) == 6
    assert made.guesses["urgent"] == [
        "kind decision: a diamond",
        "service from the group “Community alcohol and drug service”",
    ]
    assert made.guesses["waiting_list_for_assessment"][0] == "kind wait: a flowchart delay"
    assert any(
        "the edge from “Community alcohol and drug service” to “Care plan” does not join" in str(p)
        for p in problems
    )


def test_import_validate_and_load_agree(tmp_path, capsys):
    out = tmp_path / "yed.toml"
    assert main(["pathway", "import", str(YED), "-o", str(out)]) == 0
    text = out.read_text()
    assert "# guessed kind decision: a diamond\n" in text
    assert main(["validate", str(out), str(YED)]) == 0
    assert load_pathway(out)[0] == load_pathway(YED)[0]


def test_a_graphml_file_with_a_document_type_is_refused(tmp_path, capsys):
    bad = tmp_path / "bad.graphml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>'
                   '<node id="a"><data key="l">&x;</data></node></graph></graphml>')  # fmt: skip
    assert main(["validate", str(bad)]) == 2
    assert "declares entities or a document type" in capsys.readouterr().out


def test_groups_nested_too_deep_are_refused(tmp_path):
    inner = '<node id="s"/>'
    for n in range(60):
        inner = f'<node id="g{n}" yfiles.foldertype="group"><graph>{inner}</graph></node>'
    deep = tmp_path / "deep.graphml"
    deep.write_text(f'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>{inner}'
                    "</graph></graphml>")  # fmt: skip
    with pytest.raises(LoadError, match="nested too deep"):
        pathway_from_graphml(deep)


def test_yed_html_labels_notes_wordless_shapes_and_tables(tmp_path):
    y = "http://www.yworks.com/xml/graphml"

    def node(id_, inner):
        return f'<node id="{id_}"><data key="g">{inner}</data></node>'

    html_label = (
        "&lt;html&gt;&lt;b&gt;GP referral&lt;/b&gt;&lt;br&gt;&amp;amp; letters&lt;/html&gt;"
    )
    nodes = [
        node("n0", f"<y:ShapeNode><y:NodeLabel>{html_label}</y:NodeLabel></y:ShapeNode>"),
        node("n1", "<y:ShapeNode><y:NodeLabel>Triage</y:NodeLabel></y:ShapeNode>"),
        node("n2", "<y:ShapeNode><y:Shape type='rectangle'/></y:ShapeNode>"),
        node("n3", "<y:UMLNoteNode><y:NodeLabel>Note: drawn in 2023</y:NodeLabel></y:UMLNoteNode>"),
    ]
    edges = ('<edge source="n0" target="n1"><data key="e"><y:PolyLineEdge>'
             "<y:EdgeLabel>referral</y:EdgeLabel><y:EdgeLabel>letter</y:EdgeLabel>"
             "</y:PolyLineEdge></data></edge>")  # fmt: skip
    path = tmp_path / "y.graphml"
    path.write_text(
        f'<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="{y}">'
        '<key id="g" for="node" yfiles.type="nodegraphics"/>'
        '<key id="e" for="edge" yfiles.type="edgegraphics"/>'
        f'<graph edgedefault="directed">{"".join(nodes)}{edges}</graph></graphml>'
    )
    pathway, problems, _made = pathway_from_graphml(path)
    assert [(s.id, s.label) for s in pathway.stages] == [
        ("gp_referral_letters", "GP referral & letters"), ("triage", "Triage"),
    ]  # fmt: skip
    assert pathway.transitions[0].label == "referral letter"
    said = " ".join(str(p) for p in problems)
    assert "1 note on the drawing left out" in said and "1 shape with no words left out" in said

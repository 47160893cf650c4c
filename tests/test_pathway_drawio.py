"""Pathways from diagrams.net (draw.io) drawings, in the shapes its apps save: pages plain
and compressed, several pages, swimlanes as services, HTML labels, connector labels, shapes
with properties, connectors joined at one end only; and hostile files kept harmless."""

from __future__ import annotations

import base64
import re
import urllib.parse
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lensmap.cli import main
from lensmap.files.pathway import load_pathway
from lensmap.files.pathway_drawio import label_lines, pathway_from_drawio
from lensmap.files.problems import LoadError

DRAWINGS = Path(__file__).parent / "drawings"
REFERRAL = DRAWINGS / "referral.drawio"


def compressed(drawing: str) -> str:
    """The drawing with each page compressed as diagrams.net does (encodeURIComponent, raw
    deflate, base64), the way its older versions and "Compressed" saving write pages."""

    def pack(match: re.Match[str]) -> str:
        xml = match.group(2)
        quoted = urllib.parse.quote(xml, safe="~()*!.'-_")
        deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        data = deflate.compress(quoted.encode()) + deflate.flush()
        return match.group(1) + base64.b64encode(data).decode() + match.group(3)

    return re.sub(r"(<diagram [^>]*>)\s*(<mxGraphModel.*?</mxGraphModel>)\s*(</diagram>)", pack,
                  drawing, flags=re.S)  # fmt: skip


def test_a_page_with_swimlanes_html_labels_and_shapes(tmp_path):
    pathway, problems, made = pathway_from_drawio(REFERRAL, page="Referral and assessment")
    stages = {s.id: s for s in pathway.stages}
    assert list(stages) == ["gp_referral", "triage", "urgent", "waiting_list",
                            "comprehensive_assessment", "care_plan"]  # fmt: skip
    assert stages["gp_referral"].label == "GP referral"  # &nbsp; is a space
    triage = stages["triage"]
    assert triage.label == "Triage"  # the first line; the rest is long, so it describes it
    assert triage.description == (
        "Phone call or drop-in, usually within five working days of the referral arriving"
    )
    assert triage.service == "Community alcohol and drug service"  # from its swimlane
    assert stages["gp_referral"].service == "GP practice"
    kinds = {s.id: s.kind for s in pathway.stages}
    assert kinds == {"gp_referral": "entry", "triage": "step", "urgent": "decision",
                     "waiting_list": "wait", "comprehensive_assessment": "step",
                     "care_plan": "exit"}  # fmt: skip
    assert made.guesses["urgent"][0] == "kind decision: a rhombus"
    assert made.guesses["waiting_list"][0] == "kind wait: a parallelogram"
    assert made.guesses["gp_referral"][0] == "kind entry: nothing leads into it"
    labels = {(t.from_, t.to): t.label for t in pathway.transitions}
    assert labels == {
        ("gp_referral", "triage"): "referral letter",
        ("triage", "urgent"): None,
        ("urgent", "waiting_list"): "no",
        ("urgent", "comprehensive_assessment"): "yes, same week",  # its label is a shape
        ("waiting_list", "comprehensive_assessment"): "appointment offered",
        ("comprehensive_assessment", "care_plan"): None,
    }
    said = [str(p) for p in problems]
    assert any("the connector “self-referral?” (id loose) is not joined" in p for p in said)
    assert any("1 shape with no words left out" in p for p in said)
    assert "Community drug service" not in {s.label for s in pathway.stages}  # the title


def test_a_compressed_page_reads_as_the_plain_one(tmp_path):
    packed = tmp_path / "referral.drawio"  # the same name: the pathway's id comes from it
    packed.write_text(compressed(REFERRAL.read_text()))
    assert "<mxGraphModel" not in packed.read_text()
    for page in ("Referral and assessment", "Treatment"):
        plain = pathway_from_drawio(REFERRAL, page=page)[0]
        assert pathway_from_drawio(packed, page=page)[0] == plain


def test_several_pages_are_listed_until_one_is_chosen(tmp_path, capsys):
    out = tmp_path / "p.toml"
    assert main(["pathway", "import", str(REFERRAL), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        "has 2 pages (“Referral and assessment”, “Treatment”); import one of them with --page"
        in err
    )
    assert not out.exists()
    assert main(["pathway", "import", str(REFERRAL), "--page", "treatment", "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Imported by lensmap from referral.drawio, page “Treatment”.")
    assert 'service = "Prescribing team"' in text  # a shape's own property
    assert '# guessed kind wait: a delay shape\n[[stages]]\nid = "review"' in text


def test_import_then_validate_then_open(tmp_path, capsys):
    """The TOML written holds everything the import found, and reads back the same."""
    out = tmp_path / "referral.toml"
    args = ["pathway", "import", str(REFERRAL), "--page", "Referral and assessment"]
    assert main([*args, "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Urgent?: guessed kind decision: a rhombus" in said
    assert main(["validate", str(out)]) == 0
    assert f"{out}: ok (pathway)" in capsys.readouterr().out
    assert load_pathway(out)[0] == pathway_from_drawio(REFERRAL, page="Referral and assessment")[0]


def test_open_and_validate_take_a_one_page_drawing_directly(tmp_path, capsys):
    one = tmp_path / "one.xml"  # saved as .xml: told from GraphML by what it holds
    text = REFERRAL.read_text()
    one.write_text(re.sub(r'\s*<diagram name="Treatment".*?</diagram>', "", text, flags=re.S))
    pathway, _problems = load_pathway(one)
    assert len(pathway.stages) == 6
    assert main(["validate", str(one)]) == 0
    bare = tmp_path / "bare.drawio"
    bare.write_text(re.search(r"<mxGraphModel.*?</mxGraphModel>", text, re.S).group())
    assert len(load_pathway(bare)[0].stages) == 6


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><mxfile><diagram name="x">'
         "<mxGraphModel><root/></mxGraphModel></diagram></mxfile>", "declares entities"),
        ('<mxfile><diagram name="x">not base64 !!</diagram></mxfile>', "cannot be unpacked"),
        ("<graph/>", "is not a diagrams.net drawing"),
        ("<mxfile><diagram", "is not readable XML"),
        ('<mxfile><diagram name="A"><mxGraphModel><root><mxCell id="0"/></root></mxGraphModel>'
         "</diagram></mxfile>", "has no shapes with words"),
    ],
)  # fmt: skip
def test_a_hostile_or_broken_drawing_is_refused_clearly(tmp_path, capsys, text, said):
    bad = tmp_path / "bad.drawio"
    bad.write_text(text)
    assert main(["pathway", "import", str(bad), "-o", str(tmp_path / "x.toml")]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_a_page_that_unpacks_to_a_flood_is_refused(tmp_path):
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    flood = deflate.compress(b"<mxGraphModel>" + b" " * 30_000_000) + deflate.flush()
    bomb = tmp_path / "bomb.drawio"
    bomb.write_text(
        f'<mxfile><diagram name="b">{base64.b64encode(flood).decode()}</diagram></mxfile>'
    )
    with pytest.raises(LoadError, match="unpacks to far more than any drawing"):
        pathway_from_drawio(bomb)


def test_containers_nested_without_end_are_refused(tmp_path):
    """Unnamed groups inside groups, and two that hold each other: read to a bound."""
    cells = ['<mxCell id="0"/>', '<mxCell id="1" parent="c0"/>']  # a loop back to the first
    parent = "1"
    for n in range(60):
        cells.append(f'<mxCell id="c{n}" style="group;" vertex="1" parent="{parent}"/>')
        parent = f"c{n}"
    cells.append(f'<mxCell id="s" value="Stage" style="rounded=1;" vertex="1" parent="{parent}"/>')
    deep = tmp_path / "deep.drawio"
    deep.write_text(f"<mxGraphModel><root>{''.join(cells)}</root></mxGraphModel>")
    with pytest.raises(LoadError, match="nested too deep"):
        pathway_from_drawio(deep)


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_an_html_label_always_comes_out_as_plain_lines(text):
    lines = label_lines(text, html=True)
    for line in lines:
        assert line == " ".join(line.split()) and line  # no blank or padded lines
        assert "\n" not in line and "\xa0" not in line


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None)
def test_any_bytes_are_a_drawing_or_a_clear_refusal(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.drawio"
    path.write_bytes(b"<mxfile>" + data)
    try:
        pathway_from_drawio(path)
    except LoadError as exc:
        assert str(exc)


def test_review_finds_tables_placeholders_default_page_names_and_svg(tmp_path):
    cells = (
        '<mxCell id="0"/><mxCell id="1" parent="0"/>'
        '<object label="%name%" placeholders="1" name="Triage call" id="t">'
        '<mxCell style="rounded=1;" vertex="1" parent="1"/></object>'
        '<mxCell id="n" value="Next step" style="rounded=1;" vertex="1" parent="1"/>'
        '<mxCell id="tb" value="Staff" style="shape=table;" vertex="1" parent="1"/>'
        '<mxCell id="row" style="shape=tableRow;" vertex="1" parent="tb"/>'
        '<mxCell id="cell" value="nurse_id" style="shape=partialRectangle;" vertex="1" '
        'parent="row"/>'
        '<mxCell id="e" edge="1" parent="1" source="t" target="n"/>'
    )
    model = f"<mxGraphModel><root>{cells}</root></mxGraphModel>"
    drawing = f'<mxfile><diagram name="Page-1">{model}</diagram></mxfile>'
    plain = tmp_path / "intake.drawio"
    plain.write_text(drawing)
    pathway, problems, _made = pathway_from_drawio(plain)
    assert [s.label for s in pathway.stages] == ["Triage call", "Next step"]
    assert pathway.title == "Intake"  # not "Page-1"
    assert any("table parts left out" in str(p) or "table part left out" in str(p)
               for p in problems)  # fmt: skip
    import html

    svg = tmp_path / "intake.drawio.svg"
    svg.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" content="{html.escape(drawing)}"/>')
    assert load_pathway(svg)[0].stages == pathway.stages


def test_only_the_chosen_page_is_unpacked(tmp_path):
    """Review: every compressed page was unpacked just to list the pages."""
    bad = '<diagram name="Broken">not base64 !!</diagram>'
    good = '<diagram name="Good"><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
    good += '<mxCell id="a" value="A" vertex="1" parent="1"/></root></mxGraphModel></diagram>'
    two = tmp_path / "two.drawio"
    two.write_text(f"<mxfile>{bad}{good}</mxfile>")
    assert [s.label for s in pathway_from_drawio(two, page="Good")[0].stages] == ["A"]
    with pytest.raises(LoadError, match="cannot be unpacked"):
        pathway_from_drawio(two, page="Broken")


def test_arrows_hidden_layers_and_problems_named_by_their_shapes(tmp_path):
    cells = (
        '<mxCell id="0"/><mxCell id="1" parent="0"/><mxCell id="off" parent="0" visible="0"/>'
        '<mxCell id="a" value="Assessment" style="rounded=1;" vertex="1" parent="1"/>'
        '<mxCell id="r" value="Referral" style="rounded=1;" vertex="1" parent="1"/>'
        '<mxCell id="c" value="Care plan" style="rounded=1;" vertex="1" parent="1"/>'
        '<mxCell id="x" value="Old draft" style="rounded=1;" vertex="1" parent="off"/>'
        # drawn from the assessment back to the referral, its arrow at the start
        '<mxCell id="e1" style="endArrow=none;startArrow=classic;" edge="1" parent="1" '
        'source="a" target="r"/>'
        '<mxCell id="e2" style="endArrow=none;" edge="1" parent="1" source="a" target="c"/>'
    )
    path = tmp_path / "p.drawio"
    path.write_text(f"<mxGraphModel><root>{cells}</root></mxGraphModel>")
    pathway, problems, _made = pathway_from_drawio(path)
    assert [s.label for s in pathway.stages] == ["Assessment", "Referral", "Care plan"]
    assert {(t.from_, t.to) for t in pathway.transitions} == {
        ("referral", "assessment"), ("assessment", "care_plan"),
    }  # fmt: skip
    said = " ".join(str(p) for p in problems)
    assert "1 shape on hidden layers left out" in said
    assert "1 line with no arrow read from where it starts" in said

    bad = tmp_path / "bad.drawio"
    bad.write_text(
        '<mxfile><diagram name="Flow"><mxGraphModel><root><mxCell id="0"/>'
        '<mxCell id="1" parent="0"/><object label="Triage" kind="Decision" id="t">'
        '<mxCell style="rounded=1;" vertex="1" parent="1"/></object></root></mxGraphModel>'
        "</diagram></mxfile>"
    )
    with pytest.raises(LoadError) as refused:
        pathway_from_drawio(bad)
    assert 'page “Flow”, the shape “Triage” (id t): "kind"' in str(refused.value)

"""Pathway files: loading into models and a graph, and every rule a facilitator can break."""

from __future__ import annotations

import textwrap

import pytest

from lensmap.files.examples import pathways_folder
from lensmap.files.pathway import load_pathway
from lensmap.files.problems import LoadError

GOOD = """\
format = 1
id = "mini"
title = "Mini pathway"

[[stages]]
id = "gp_referral"
label = "GP referral"
kind = "entry"
service = "Primary care"
prompts = ["What does the person know about what happens next?"]

[[stages]]
id = "triage"
label = "Triage"

[[stages]]
id = "assessment"
label = "Assessment"
kind = "decision"

[[stages]]
id = "discharge"
label = "Planned discharge"
kind = "exit"

[[transitions]]
from = "gp_referral"
to = "triage"
label = "referral letter"

[[transitions]]
from = "triage"
to = "assessment"

[[transitions]]
from = "assessment"
to = "triage"
label = "relapse"

[[transitions]]
from = "assessment"
to = "discharge"
"""


def problems_of(make_file, text: str, name: str = "p.toml") -> list[str]:
    path = make_file(name, textwrap.dedent(text))
    with pytest.raises(LoadError) as caught:
        load_pathway(path)
    return [str(p) for p in caught.value.problems]


def test_loads_into_model_and_graph_in_file_order(make_file):
    pathway, warnings = load_pathway(make_file("p.toml", GOOD))
    assert warnings == []
    assert [s.id for s in pathway.stages] == ["gp_referral", "triage", "assessment", "discharge"]
    graph = pathway.graph
    assert list(graph.nodes) == ["gp_referral", "triage", "assessment", "discharge"]
    assert graph.nodes["gp_referral"]["service"] == "Primary care"
    assert graph.nodes["triage"]["kind"] == "step"  # the default kind
    assert graph.edges["gp_referral", "triage"]["label"] == "referral letter"
    assert graph.has_edge("assessment", "triage")  # cycles (relapse) are normal
    assert pathway.entries == ["gp_referral"]
    assert pathway.next_stages("assessment") == ["triage", "discharge"]


def test_order_is_breadth_first_from_entries(make_file):
    pathway, _ = load_pathway(make_file("p.toml", GOOD))
    assert pathway.order == {"gp_referral": 0, "triage": 1, "assessment": 2, "discharge": 3}


def test_entries_default_to_stages_nothing_leads_into(make_file):
    text = GOOD.replace('kind = "entry"\n', "")
    pathway, _ = load_pathway(make_file("p.toml", text))
    assert pathway.entries == ["gp_referral"]


def test_no_entry_at_all_is_an_error(make_file):
    text = (
        GOOD.replace('kind = "entry"\n', "")
        + '\n[[transitions]]\nfrom = "triage"\nto = "gp_referral"\n'
    )
    lines = problems_of(make_file, text)
    assert any("no way in" in line and 'kind = "entry"' in line for line in lines)


def test_every_problem_is_reported_at_once_with_file_and_place(make_file):
    lines = problems_of(
        make_file,
        """\
        format = 1
        id = "x"
        titel = "X"

        [[stages]]
        id = "a"
        label = "A"
        kind = "entri"

        [[stages]]
        id = "psych"
        lable = "Psychology"

        [[stages]]
        id = "a"
        label = "Again"

        [[transitions]]
        from = "a"
        to = "psich"
        """,
        "bad.toml",
    )
    joined = "\n".join(lines)
    assert 'unknown key "titel"; did you mean "title"?' in joined
    assert (
        'stages[1] (id "a"): "kind" is "entri"; use one of: entry, step, wait, decision' in joined
    )
    assert 'stages[2] (id "psych"): unknown key "lable"; did you mean "label"?' in joined
    assert 'stages[3] (id "a"): id "a" is already used by stages[1]' in joined
    assert (
        'transitions[1] (from "a" to "psich"): "to" names "psich", which is not a stage; '
        'did you mean "psych"?' in joined
    )
    assert all(line.split(": ", 1)[0].endswith("bad.toml") for line in lines)
    assert len(lines) >= 6


def test_wrong_types_are_errors_not_conversions(make_file):
    lines = problems_of(
        make_file,
        """\
        id = "x"
        title = "X"
        [[stages]]
        id = "a"
        label = 12
        prompts = "one prompt"
        """,
    )
    joined = "\n".join(lines)
    assert '"label" should be text in quotes, not 12' in joined
    assert '"prompts" should be a list in square brackets, not "one prompt"' in joined


def test_bad_id_characters(make_file):
    lines = problems_of(
        make_file, 'id = "x"\ntitle = "X"\n[[stages]]\nid = "gp referral"\nlabel = "GP"\n'
    )
    assert any("may only use letters, digits" in line for line in lines)


def test_toml_syntax_error_has_line_and_column(make_file):
    lines = problems_of(make_file, 'id = "x"\ntitle = "X\n[[stages]]\n')
    assert len(lines) == 1
    assert "line 2, column" in lines[0]
    assert "not valid TOML" in lines[0]
    assert "a quote is not closed before the end of the line" in lines[0]  # not "'\\n'"


def test_newer_format_is_refused_clearly(make_file):
    lines = problems_of(make_file, GOOD.replace("format = 1", "format = 2"))
    assert lines == [lines[0]] and "newer lensmap (format 2)" in lines[0]


def test_warnings_unreachable_exit_with_outgoing_duplicate(make_file):
    text = (
        GOOD
        + """
[[stages]]
id = "island"
label = "Nobody gets here"

[[transitions]]
from = "triage"
to = "assessment"

[[transitions]]
from = "discharge"
to = "triage"
"""
    )
    pathway, warnings = load_pathway(make_file("p.toml", text))
    assert pathway.id == "mini"
    lines = [str(w) for w in warnings]
    assert all(w.level == "warning" for w in warnings)
    assert any('stages[5] (id "island"): warning: no transition from any entry' in x for x in lines)
    assert any("appears more than once" in x for x in lines)
    assert any("which is an exit" in x and "discharge" in x for x in lines)
    # a duplicate transition appears once in the graph, with the first label
    assert pathway.graph.edges["triage", "assessment"].get("label") is None


def test_forgiving_about_bom_crlf_and_missing_format(make_file, tmp_path):
    path = tmp_path / "windows.toml"
    path.write_bytes(
        b"\xef\xbb\xbf" + GOOD.replace("format = 1\n", "").replace("\n", "\r\n").encode()
    )
    pathway, _ = load_pathway(path)
    assert pathway.format == 1 and len(pathway.stages) == 4


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'id = "x"\ntitle = "Caf\xe9"\n')
    with pytest.raises(LoadError) as caught:
        load_pathway(path)
    (problem,) = caught.value.problems
    assert problem.place == "line 2" and "UTF-8" in problem.message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        load_pathway(tmp_path / "nope.toml")
    with pytest.raises(LoadError, match="is a folder"):
        load_pathway(tmp_path)


def test_vignettes_file_passed_as_pathway(make_file):
    lines = problems_of(make_file, '[[personas]]\nid = "o"\nname = "O"\n')
    assert "looks like a vignettes file" in lines[0]


def test_built_in_examples_are_clean_and_cover_the_brief(pathway):
    for file in pathways_folder().glob("*.toml"):
        _, warnings = load_pathway(file)
        assert warnings == [], file
    assert 25 <= len(pathway.stages) <= 35
    ids = set(pathway.stages_by_id)
    needed = {
        "gp_referral", "self_referral", "hospital_overdose", "prison_release",
        "criminal_justice_order", "crisis_out_of_hours", "triage", "waiting_list",
        "comprehensive_assessment", "care_plan", "same_day_prescribing", "buvidal",
        "alcohol_detox", "pharmacy_dispensing", "gp_shared_care", "psychosocial_interventions",
        "safety_stabilisation", "psychology_referral", "cmht_referral", "cmht_waitlist",
        "crisis_calls", "housing_support", "peer_support", "assertive_outreach", "review",
        "planned_discharge", "disengaged", "custody", "fatal_overdose",
    }  # fmt: skip
    assert needed <= ids
    assert all(s.service and s.prompts for s in pathway.stages)
    import networkx as nx

    assert not nx.is_directed_acyclic_graph(pathway.graph)  # relapse and re-referral loops

"""Vignette files: the Annex B personas and the same care over mistakes as pathways."""

from __future__ import annotations

import pytest

from lensmap.files.examples import example_vignettes
from lensmap.files.problems import LoadError
from lensmap.files.vignettes import entry_warnings, load_vignettes

TEAM = '[[teams]]\nid = "team-1"\nname = "Team 1"\n'


def test_annex_b_personas_facts(vignettes, pathway):
    people = {p.id: p for p in vignettes.personas}
    assert set(people) == {"ollie", "jay", "gill", "bruno", "stuart", "lauren"}
    assert {p: people[p].age for p in people} == {
        "ollie": 32, "jay": 42, "gill": 30, "bruno": 25, "stuart": 25, "lauren": 35,
    }  # fmt: skip
    assert {p: people[p].team for p in people} == {
        "ollie": "team-1", "jay": "team-1", "gill": "team-2",
        "bruno": "team-2", "stuart": "team-3", "lauren": "team-3",
    }  # fmt: skip
    assert [t.id for t in vignettes.teams] == ["team-1", "team-2", "team-3"]
    assert "Buvidal" in people["gill"].summary
    # distressing vignettes carry content notes so the room is never surprised
    assert "suicide attempts" in people["gill"].content_notes
    assert "suicide attempts" in people["lauren"].content_notes
    assert "fatal overdose" in people["stuart"].content_notes
    assert people["ollie"].entry == "gp_referral"
    assert people["jay"].entry == "self_referral"
    assert entry_warnings(vignettes.personas, [pathway], "annex-b.toml") == []


def test_load_problems_all_at_once(make_file):
    path = make_file(
        "v.toml",
        TEAM
        + """
[[personas]]
id = "ollie"
name = "Ollie"
age = "32"
team = "team-l"
nmae = "x"

[[personas]]
id = "ollie"
name = "Ollie again"
""",
    )
    with pytest.raises(LoadError) as caught:
        load_vignettes(path)
    joined = "\n".join(str(p) for p in caught.value.problems)
    assert 'personas[1] (id "ollie"): "age" should be a whole number, not "32"' in joined
    assert 'personas[1] (id "ollie"): unknown key "nmae"; did you mean "name"?' in joined
    assert (
        'personas[1] (id "ollie"): "team" names "team-l", which is not a team in this file; '
        'did you mean "team-1"?' in joined
    )
    assert 'personas[2] (id "ollie"): id "ollie" is already used by personas[1]' in joined


def test_entry_not_in_pathway_is_a_warning_not_a_failure(make_file, pathway):
    path = make_file("v.toml", TEAM + '[[personas]]\nid = "o"\nname = "O"\nentry = "gp_referal"\n')
    vignettes, problems = load_vignettes(path)
    assert problems == []
    (warning,) = entry_warnings(vignettes.personas, [pathway], str(path))
    assert warning.level == "warning"
    assert 'did you mean "gp_referral"?' in str(warning)


def test_pathway_passed_as_vignettes(make_file):
    with pytest.raises(LoadError, match="looks like a pathway"):
        load_vignettes(make_file("v.toml", '[[stages]]\nid = "a"\nlabel = "A"\n'))


def test_example_file_is_found():
    assert example_vignettes().is_file()

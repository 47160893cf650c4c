"""journeys.json: the measures of every walked journey and of the pathway, as exported."""

from __future__ import annotations

import json

from lensmap.export.writer import export_session
from tests.workshop import record_morning


def test_journeys_json_holds_each_walked_journey_and_the_pathway(store, tmp_path):
    record_morning(store)
    folder = tmp_path / "out"
    export_session(store.state.content(), folder, formats=("svg",))
    data = json.loads((folder / "journeys.json").read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("lensmap-journeys", 1)
    ollie, stuart = data["journeys"]
    assert ollie == {
        "persona": "ollie", "name": "Ollie", "team": ollie["team"], "steps": 5,
        "handoffs": 1, "services": ["GP practice", "Community alcohol and drug service"],
        "revisits": 0, "jumps": 0, "waits": 1,
        "outside_window": 2, "retellings": 2, "outcome": None,
    }  # fmt: skip
    assert stuart["outcome"] == "Fatal overdose after release" and stuart["steps"] == 3
    pathway = data["pathway"]
    assert ["triage", "harm_reduction"] in pathway["loops"]
    assert pathway["loops_found"] >= len(pathway["loops"]) == 12
    assert pathway["behind_a_wait"] == ["cmht_joint_working"]
    assert pathway["labels"]["cmht_joint_working"] == "Joint working with the mental health team"
    assert pathway["busy_stages"] == []  # Ollie's and Stuart's journeys share no stage


def test_an_event_nobody_walked_yet(store, tmp_path):
    export_session(store.state.content(), tmp_path / "out", formats=("svg",))
    data = json.loads((tmp_path / "out" / "journeys.json").read_text(encoding="utf-8"))
    assert data["journeys"] == [] and data["pathway"]["loops"]


def test_a_first_step_at_the_personas_suggested_way_in_is_no_jump(store, tmp_path, capsys):
    from lensmap.cli import main
    from lensmap.session.actions import StepTaken

    gill = next(p for p in store.state.personas.values() if p.id == "gill")
    assert gill.entry not in store.state.pathway.entries  # her vignette starts her elsewhere
    store.record(StepTaken(persona="gill", stage=gill.entry))
    export_session(store.state.content(), tmp_path / "out", formats=("svg",))
    data = json.loads((tmp_path / "out" / "journeys.json").read_text(encoding="utf-8"))
    assert data["journeys"][0]["persona"] == "gill" and data["journeys"][0]["jumps"] == 0
    store.close()
    assert main(["session", "show", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert "1 step · no handoffs · no waits" in out and "· no jumps" in out

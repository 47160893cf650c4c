"""Opening a session: started in the user's data folder, continued exactly, refused clearly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lensmap.files.examples import example_pathway, example_vignettes, pathways_folder
from lensmap.files.problems import LoadError, Problem, in_brief
from lensmap.opening import load_files, open_session
from lensmap.session.actions import StepTaken

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LENSMAP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_starts_in_the_data_folder_and_continues(data_dir):
    store, problems = open_session(example_pathway(), [example_vignettes()])
    assert problems == []
    assert store.path == data_dir / "sessions" / "community-alcohol-drug-service.lens"
    if os.name == "posix":
        assert store.path.stat().st_mode & 0o777 == 0o600
    store.record(StepTaken(persona="lauren", stage="hospital_overdose"))
    store.close()
    again, _ = open_session(example_pathway(), [example_vignettes()])
    assert again.path == store.path
    assert again.state.journeys["lauren"].steps[0].stage == "hospital_overdose"
    again.close()


def test_a_session_of_another_pathway_is_refused(tmp_path):
    store, _ = open_session(example_pathway(), [example_vignettes()], tmp_path / "s.lens")
    store.close()
    with pytest.raises(LoadError, match='is a session of the pathway "community-alcohol'):
        open_session(pathways_folder() / "island-service.toml", [], tmp_path / "s.lens")


def test_an_edited_pathway_file_keeps_the_sessions_copy(tmp_path):
    store, _ = open_session(example_pathway(), [example_vignettes()], tmp_path / "s.lens")
    store.close()
    edited = tmp_path / "edited.toml"
    edited.write_text(example_pathway().read_text().replace("GP referral", "Referral from GP", 1))
    again, problems = open_session(edited, [example_vignettes()], tmp_path / "s.lens")
    assert any("the session's copy is used" in str(p) for p in problems)
    assert again.state.pathway.stage("gp_referral").label == "GP referral"
    again.close()


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lensmap", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
    )


def test_bad_pathway_is_reported_before_any_screen(tmp_path, data_dir):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'id = "x"\ntitle = "X"\n[[stages]]\nid = "a"\nlable = "A"\n'
        '[[transitions]]\nfrom = "a"\nto = "b"\n'
    )
    result = run("open", str(bad), env={"LENSMAP_DATA_DIR": str(data_dir)})
    assert result.returncode == 2
    assert f'{bad}: stages[1] (id "a"): unknown key "lable"; did you mean "label"?' in result.stderr
    assert '"to" names "b", which is not a stage' in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "\x1b[" not in result.stdout  # no screen was drawn
    assert not (data_dir / "sessions").exists()


def test_damaged_session_is_reported_and_left_alone(tmp_path, data_dir):
    session = tmp_path / "event.lens"
    session.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    result = run(
        "open", str(example_pathway()), "--session", str(session),
        env={"LENSMAP_DATA_DIR": str(data_dir)},
    )  # fmt: skip
    assert result.returncode == 2
    assert str(session) in result.stderr and "Traceback" not in result.stderr
    assert session.read_bytes() == b"SQLite format 3\x00" + b"\x00" * 50


def test_a_session_open_in_the_app_opens_in_a_second_window_too(tmp_path):
    from lensmap.session.actions import new_device
    from lensmap.session.store import SessionStore

    files = example_pathway(), [example_vignettes()], tmp_path / "s.lens"
    first, _ = open_session(*files, device=new_device())
    second, _ = open_session(*files, device=new_device())
    first.record(StepTaken(persona="ollie", stage="gp_referral"))
    assert [e.action for e in second.refresh()] == [first.entries[-1].action]
    # An export or `session show` from the shell reads it as of the last save.
    with SessionStore.open(tmp_path / "s.lens", readonly=True) as reader:
        assert reader.state.journeys == second.state.journeys
    first.close()
    second.close()
    again, _ = open_session(*files)
    assert again.state.journeys["ollie"].steps[0].stage == "gp_referral"
    again.close()


def test_changed_content_notes_are_pointed_out(tmp_path):
    store, _ = open_session(example_pathway(), [example_vignettes()], tmp_path / "s.lens")
    store.close()
    edited = tmp_path / "vignettes.toml"
    text = example_vignettes().read_text()
    edited.write_text(
        text.replace('content_notes = ["low mood"]', 'content_notes = ["low mood", "self-harm"]')
    )
    assert edited.read_text() != text
    again, problems = open_session(example_pathway(), [edited], tmp_path / "s.lens")
    (warning,) = problems
    assert "Ollie's content notes differ from the copy kept in the session" in str(warning)
    assert again.state.personas["ollie"].content_notes == ["low mood"]
    again.close()


def test_many_warnings_reach_the_screen_in_brief():
    problems = [
        Problem("big pathway.toml", "no transition reaches this stage", f"stages[{i}]", "warning")
        for i in range(181)
    ]
    brief = in_brief(problems)
    assert len(brief) == 3
    assert brief[:2] == [str(p) for p in problems[:2]]
    assert "179 more warnings like these in big pathway.toml" in brief[2]
    assert brief[2].endswith('lensmap validate "big pathway.toml"')
    assert in_brief(problems[:3]) == [str(p) for p in problems[:3]]  # a few: each as it is


def test_your_own_pathway_with_the_built_in_personas_is_one_calm_line(tmp_path):
    """Six suggested starting stages that a facilitator's own pathway lacks: one line on the
    projector (no file paths), the details kept for `lensmap validate`."""
    from lensmap.files.examples import example_vignettes

    own = tmp_path / "my-service.toml"
    own.write_text(
        'id = "my-service"\ntitle = "My service"\n'
        '[[stages]]\nid = "front_door"\nlabel = "Front door"\nkind = "entry"\n'
        '[[stages]]\nid = "done"\nlabel = "Done"\nkind = "exit"\n'
        '[[transitions]]\nfrom = "front_door"\nto = "done"\n',
        encoding="utf-8",
    )
    _, _, problems = load_files(own, [example_vignettes()])
    assert len(problems) == 6  # each one, for lensmap validate
    assert in_brief(problems) == [
        "6 personas suggest a starting stage this pathway does not have; choose where they "
        "start with n (lensmap validate lists them)"
    ]
    more = [*problems[:1], Problem("my-service.toml", "no way out", "stages[2]", "warning")]
    assert in_brief(more) == [
        "1 persona suggests a starting stage this pathway does not have; choose where they "
        "start with n (lensmap validate lists them)",
        str(more[1]),
    ]

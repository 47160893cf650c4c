"""The command line as a facilitator uses it: clear words, exit code 2 for bad input, no traces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lensmap.cli import main
from lensmap.files.examples import example_pathway, example_vignettes, pathways_folder
from lensmap.session.actions import StepTaken, TagAdded
from lensmap.session.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lensmap", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=120,
    )


def test_validate_the_built_in_files_is_clean():
    files = [str(p) for p in sorted(pathways_folder().glob("*.toml"))] + [str(example_vignettes())]
    result = run("validate", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(files)
    assert all(line.endswith(("ok (pathway)", "ok (vignettes)")) for line in lines)


def test_validate_reports_every_problem_in_every_file(make_file, capsys):
    bad = make_file("bad.toml", 'id = "x"\ntitel = "X"\n[[stages]]\nid = "a"\nlable = "A"\n')
    odd = make_file("odd.toml", 'colour = "blue"\n')
    good = example_pathway()
    assert main(["validate", str(bad), str(odd), str(good)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert f'{bad}: unknown key "titel"; did you mean "title"?' in out
    assert f'{bad}: stages[1] (id "a"): unknown key "lable"; did you mean "label"?' in out
    assert any(line.startswith(f"{odd}: cannot tell what this file is") for line in out)
    assert f"{good}: ok (pathway)" in out


def test_validate_warns_about_entries_missing_from_the_pathways_given(make_file, capsys):
    vignettes = make_file("v.toml", '[[personas]]\nid = "o"\nname = "O"\nentry = "ferry_clinic"\n')
    assert main(["validate", str(example_pathway()), str(vignettes)]) == 0
    out = capsys.readouterr().out
    assert f'{vignettes}: personas[1] (id "o"): warning: suggested entry "ferry_clinic"' in out


def test_no_traceback_for_any_bad_file(tmp_path):
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)))
    (tmp_path / "folder.toml").mkdir()
    (tmp_path / "empty.lens").write_bytes(b"")
    result = run(
        "validate",
        str(tmp_path / "binary.toml"),
        str(tmp_path / "folder.toml"),
        str(tmp_path / "missing.toml"),
        str(tmp_path / "empty.lens"),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    for name in ("binary.toml", "folder.toml", "missing.toml", "empty.lens"):
        assert name in result.stdout


def test_summary_describes_the_example_without_the_app():
    result = run("summary")
    assert result.returncode == 0
    assert "Community alcohol and drug service (example)" in result.stdout
    assert "Ollie, 32" in result.stdout and "Team 3" in result.stdout
    # distressing vignette text is not printed without its content notes being read first
    assert "suicide" not in result.stdout


def test_session_new_export_import_and_merge(tmp_path):
    lens = tmp_path / "event.lens"
    result = run("session", "new", str(example_pathway()), "-o", str(lens), "--date", "2026-03-14")
    assert result.returncode == 0, result.stderr
    with SessionStore.open(lens) as store:
        store.record(StepTaken(persona="lauren", stage="hospital_overdose"))
        from lensmap.event.model import Tag

        store.record(TagAdded(tag=Tag(id="t1", stage="hospital_overdose", kind="risk")))
    out_json = tmp_path / "event.json"
    assert run("session", "export", str(lens), "-o", str(out_json)).returncode == 0
    doc = json.loads(out_json.read_text())
    assert doc["tags"][0]["id"] == "t1" and doc["event"]["date"] == "2026-03-14"

    again = run("session", "export", str(lens), "-o", str(out_json))
    assert again.returncode == 2 and "already exists" in again.stderr

    copy = tmp_path / "copy.lens"
    assert run("session", "import", str(out_json), "-o", str(copy)).returncode == 0
    merged = tmp_path / "merged.lens"
    result = run("merge", str(lens), str(copy), str(lens), "-o", str(merged))
    assert result.returncode == 0, result.stderr
    assert "1 tags, 1 journeys" in result.stdout
    shown = run("session", "show", str(merged))
    assert "Hospital after a non-fatal overdose" in shown.stdout


def test_merge_of_different_pathways_is_a_clear_error(tmp_path):
    a, b = tmp_path / "a.lens", tmp_path / "b.lens"
    run("session", "new", str(example_pathway()), "-o", str(a))
    run("session", "new", str(pathways_folder() / "island-service.toml"), "-o", str(b))
    result = run("merge", str(a), str(b), "-o", str(tmp_path / "m.lens"))
    assert result.returncode == 2
    assert "only sessions of the same pathway can be merged" in result.stderr
    assert not (tmp_path / "m.lens").exists()


@pytest.mark.parametrize("command", [["session", "export"], ["session", "show"]])
def test_session_commands_on_a_non_session(tmp_path, command):
    path = tmp_path / "notes.lens"
    path.write_text("just some notes")
    args = [*command, str(path)] + (["-o", str(tmp_path / "o.json")] if "export" in command else [])
    result = run(*args)
    assert result.returncode == 2
    assert f"{path}: is not a lensmap session file" in result.stderr
    assert path.read_text() == "just some notes"


def test_session_new_with_a_bad_date_says_so_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "e.lens"
    assert main(["session", "new", str(example_pathway()), "-o", str(out), "--date", "14/03"]) == 2
    assert '"14/03" is not a date; write it as YYYY-MM-DD' in capsys.readouterr().err
    assert not out.exists()


def test_session_show_lists_every_tag_with_its_note_and_no_terminal_codes(store, capsys):
    from lensmap.cli import main
    from lensmap.event.model import Tag
    from lensmap.session.actions import TagAdded

    store.record(TagAdded(tag=Tag(id="t1", stage="triage", persona="ollie", kind="barrier",
                                  severity=3, note="Phone line\nbusy \x1b[2Jall day")))  # fmt: skip
    store.record(TagAdded(tag=Tag(id="t2", stage="triage", kind="positive", note="")))
    store.close()
    assert main(["session", "show", str(store.path)]) == 0
    out = capsys.readouterr().out
    # each line of a note on its own line, under its tag
    assert "  ✗ barrier at Triage (Ollie, severity 3): Phone line\n      busy  [2Jall day\n" in out
    assert "\x1b" not in out
    assert "  ✓ positive practice at Triage (general): (no note)" in out


def test_session_show_into_a_reader_that_stops_early_ends_quietly(store, tmp_path):
    import subprocess
    import sys

    from lensmap.event.model import Tag
    from lensmap.session.actions import TagAdded

    for n in range(2000):
        store.record(TagAdded(tag=Tag(id=f"t{n}", stage="triage", kind="barrier", note="x")))
    store.close()
    shown = subprocess.run(
        f'"{sys.executable}" -m lensmap session show "{store.path}" | head -2',
        shell=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert len(shown.stdout.splitlines()) == 2
    assert shown.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in browser is a shell script")
@pytest.mark.parametrize("browser", [True, False], ids=["opens-browser", "no-browser"])
def test_serve_says_ready_in_your_browser_only_when_it_opened_one(tmp_path, browser):
    """`--no-browser` opens none, so it does not say "in your browser"; either way the line
    ends with " at " and the address (the tests and benchmarks read it from there)."""
    import os
    import signal
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    opened = tmp_path / "opened.txt"
    fake = tmp_path / "fake-browser"  # what Python's webbrowser runs: $BROWSER with the address
    fake.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    fake.chmod(0o755)
    env = {**os.environ, "LENSMAP_DATA_DIR": str(tmp_path / "data"), "BROWSER": str(fake)}
    args = ["serve", "--port", str(port)] + ([] if browser else ["--no-browser"])
    server = subprocess.Popen(
        [sys.executable, "-m", "lensmap", *args], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        said = [server.stdout.readline(), server.stdout.readline()]
        url = said[1].split(" at ", 1)[1].strip()
        assert url.startswith(f"http://127.0.0.1:{port}/") and url.endswith("/"), said
        if browser:
            assert said[1] == f"lensmap is ready in your browser at {url}\n", said
            for _ in range(100):  # the browser is opened a moment after the server is ready
                if opened.exists():
                    break
                time.sleep(0.05)
            assert opened.read_text().strip() == url
        else:
            assert said[1] == f"lensmap is ready (no browser opened): open the page at {url}\n"
            assert "in your browser" not in said[1] and not opened.exists()
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.mark.parametrize(
    "argv",
    [[], ["open", "p.toml"], ["open", "p.toml", "--session", "e.lens", "--vignettes", "a", "b"]],
)
def test_the_apps_quick_parser_reads_open_as_the_whole_one_does(argv):
    from lensmap.cli import build_parser

    quick, whole = build_parser(only_open=True), build_parser()
    assert vars(quick.parse_args(argv)) == vars(whole.parse_args(argv))
    assert "serve" in whole.format_help() and "serve" not in quick.format_help()


def test_session_show_gives_each_journey_its_measures_and_whose_voice(store, capsys):
    from lensmap.cli import main
    from lensmap.event.model import Tag
    from lensmap.session.actions import TagAdded
    from tests.workshop import HOSTILE_TITLE, record_morning

    record_morning(store)
    for n, stage in enumerate(("triage", "review", "care_plan")):
        tag = Tag(id=f"le{n}", stage=stage, kind="barrier", raised_by="lived-experience")
        store.record(TagAdded(tag=tag))
    store.close()
    assert main(["session", "show", str(store.path)]) == 0
    out = capsys.readouterr().out
    ollie = out.split("  Ollie: ", 1)[1].splitlines()
    assert ollie[1].strip() == (
        "Asked for their story 2 times · 5 steps · 1 handoff · 1 wait · 2 steps outside the window"
        " · no revisits · no jumps"
    )
    assert ollie[2].strip() == "services: GP practice → Community alcohol and drug service"
    assert "Loops a person can go round: " in out
    assert "  Triage → Naloxone and harm reduction → back to Triage\n" in out
    assert "Reached only through a wait:\n  Joint working with the mental health team\n" in out
    voices, plan = out.split("Whose voice: the top priorities by who raised them\n", 1)[1].split(
        "Plan: each priority's status\n"
    )
    assert plan.splitlines()[0].endswith(": not started, owner @Service lead, timeframe 3 months")
    assert voices.splitlines() == [
        "  People with lived experience:",
        # the workshop's own lived-experience risk (severity 3) first, then the three barriers
        "    1. ▲ Re-traumatisation risk at Comprehensive assessment  ⚑ raised only by people "
        "with lived experience",
        f"    2. ✗ {HOSTILE_TITLE}",  # the facilitator's title, shown as typed
        "    3. ✗ Barrier at Care plan and key worker allocated  ⚑ raised only by people with "
        "lived experience",
        "    4. ✗ Barrier at Regular review  ⚑ raised only by people with lived experience",
        "  Staff: too few to show separately",
        "  Partner agencies: too few to show separately",
    ]

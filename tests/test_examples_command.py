"""`lensmap examples [FOLDER]`: the built-in pathways and vignettes copied into a folder to
edit (never over a file already there), so the README's commands work from an installed copy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lensmap.cli import main
from lensmap.files.examples import pathways_folder, vignettes_folder

ROOT = Path(__file__).resolve().parent.parent


def built_in() -> dict[str, bytes]:
    return {
        f"{folder.name}/{p.name}": p.read_bytes()
        for folder in (pathways_folder(), vignettes_folder())
        for p in sorted(folder.glob("*.toml"))
    }


def test_the_examples_are_copied_into_the_default_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        assert main(["examples"]) == 0
    finally:
        os.umask(old)
    out = capsys.readouterr().out
    folder = tmp_path / "lensmap-examples"
    expected = built_in()
    assert {"pathways/community-alcohol-drug-service.toml", "vignettes/annex-b.toml"} <= set(
        expected
    )
    for name, data in expected.items():
        assert (folder / name).read_bytes() == data
        assert f"  {name}\n" in out
        assert (folder / name).stat().st_mode & 0o777 == 0o644  # files to edit and share
    assert out.startswith("Copied the built-in examples into lensmap-examples:\n")
    assert "cd lensmap-examples\n" in out
    assert "lensmap validate pathways/*.toml vignettes/*.toml" in out
    assert not list(folder.rglob(".*"))  # no temporary file left behind


def test_nothing_already_there_is_replaced(tmp_path, capsys):
    folder = tmp_path / "mine"
    (folder / "pathways").mkdir(parents=True)
    edited = folder / "pathways" / "island-service.toml"
    edited.write_text("# our own island pathway\n")
    assert main(["examples", str(folder)]) == 0
    out = capsys.readouterr().out
    assert edited.read_text() == "# our own island pathway\n"
    copied, kept = out.split("Kept, because", 1)
    assert "pathways/island-service.toml" in kept and "pathways/island-service.toml" not in copied
    assert "vignettes/annex-b.toml" in copied
    assert main(["examples", str(folder)]) == 0  # again: everything is kept
    out = capsys.readouterr().out
    assert out.startswith(f"Kept, because {folder} already had them (left as they are):")
    assert edited.read_text() == "# our own island pathway\n"


def test_a_folder_that_cannot_be_made_is_a_clear_message(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["examples", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert f"{blocker}: is a file, not a folder; choose another folder" in err
    assert main(["examples", str(blocker / "inside")]) == 2
    err = capsys.readouterr().err
    assert f"{blocker / 'inside'}" in err and "cannot be made" in err
    assert "lensmap examples FOLDER" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("pattern", [True, False], ids=["shell-expanded", "as-typed"])
def test_the_readme_commands_work_on_the_copies(tmp_path, pattern):
    """From a shell, as after `pipx install`: copy, then validate what was copied. PowerShell
    and cmd pass `pathways/*.toml` on as it is; lensmap matches it itself."""

    def lensmap(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.run(
            [sys.executable, "-m", "lensmap", *args],
            capture_output=True, text=True, cwd=tmp_path / "work", env=env, timeout=120,
        )  # fmt: skip

    (tmp_path / "work").mkdir()
    assert lensmap("examples").returncode == 0
    copies = tmp_path / "work" / "lensmap-examples"
    if pattern:
        files = [str(p.relative_to(copies)) for p in sorted(copies.glob("*/*.toml"))]
    else:
        files = ["pathways/*.toml", "vignettes/*.toml"]
    done = subprocess.run(
        [sys.executable, "-m", "lensmap", "validate", *files],
        capture_output=True, text=True, cwd=copies, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": ok (") == len(built_in())


def test_a_pattern_matching_nothing_is_reported_as_missing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "nothing/*.toml"]) == 2
    assert "nothing/*.toml: no such file; check the name and folder" in capsys.readouterr().out


def test_the_readme_points_to_the_examples_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "lensmap examples" in readme
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```sh\n", 1)[1].split("```", 1)[0]
    assert len(block.strip().splitlines()) == 2  # Quick start keeps exactly two commands

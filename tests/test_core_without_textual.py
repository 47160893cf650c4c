"""The domain core never imports Textual: it must work (and be tested) without a screen."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import lensmap

CORE = [
    name
    for info in pkgutil.walk_packages(lensmap.__path__, "lensmap.")
    if not (name := info.name).startswith("lensmap.tui") and name != "lensmap.__main__"
]


def test_core_modules_import_without_textual():
    code = (
        "import sys, importlib\n"
        "sys.modules['textual'] = None  # any 'import textual' now fails\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if sys.modules[m] and m.split('.')[0] == 'textual']\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "lensmap.session.store" in CORE and "lensmap.files.pathway" in CORE

"""textual-serve is pinned exactly (pyproject.toml): lensmap subclasses its Server
(lensmap/serve/web_server.py) and AppService (lensmap/serve/app_service.py), overriding
private methods and copying loops. Installed with another release, these tests fail and say
what to re-read in it and what to re-check in lensmap, before the pin is moved."""

from __future__ import annotations

import hashlib
import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import textual_serve
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server

from lensmap.serve.app_service import PageApp
from lensmap.serve.web_server import LensmapServer

WRITTEN_AGAINST = "1.1.3"  # the textual-serve release lensmap's server was written against
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

# Each upstream method lensmap overrides, with the signature it had.
OVERRIDDEN = {
    (AppService, "_open_app_process"): "(self, width: 'int' = 80, height: 'int' = 24) -> 'Process'",
    (AppService, "run"): "(self) -> 'None'",
    (AppService, "stop"): "(self) -> 'None'",
    (AppService, "send_bytes"): "(self, data: 'bytes') -> 'bool'",
    (Server, "__init__"): (
        "(self, command: 'str', host: 'str' = 'localhost', port: 'int' = 8000, "
        "title: 'str | None' = None, public_url: 'str | None' = None, "
        "statics_path: 'str | os.PathLike' = './static', "
        "templates_path: 'str | os.PathLike' = './templates')"
    ),
    (Server, "_make_app"): "(self) -> 'web.Application'",
    (Server, "initialize_logging"): "(self) -> 'None'",
    (Server, "on_startup"): "(self, app: 'web.Application') -> 'None'",
    (Server, "on_shutdown"): "(self, app: 'web.Application') -> 'None'",
    (Server, "serve"): "(self, debug: 'bool' = False) -> 'None'",
    (Server, "handle_index"): "(self, request: 'web.Request') -> 'dict[str, Any]'",
    (Server, "handle_websocket"): "(self, request: 'web.Request') -> 'web.WebSocketResponse'",
    (Server, "_process_messages"): (
        "(self, websocket: 'web.WebSocketResponse', app_service: 'AppService') -> 'None'"
    ),
}
OURS = {AppService: PageApp, Server: LensmapServer}

# Each upstream function whose body lensmap copies or leans on: the sha256 of its source,
# and what to re-check in lensmap when it changes.
COPIED = {
    (AppService, "run"): (
        "065799c360c53d92737d76cbe8ed38e92b2b7b5c166b1ab33ff6e62eb73c8121",
        "PageApp.run and PageApp._relay copy its relay loop: the prelude line "
        "(__GANGLION__), the packet kinds (D, M, P) and their framing, and what ends it",
    ),
    (AppService, "_build_environment"): (
        "7411a31d53d5e8aed98cd7a54183c9fa065c9337a7d649e6d333da639189edc2",
        "PageApp._environment copies its variables (all but the size)",
    ),
    (AppService, "_open_app_process"): (
        "1202e78eb3e9d5d6efbb3b47346f96022c409e07d53f89c341e8cfbf7e8196fb",
        "PageApp._open_app_process replaces it: what it sets (_process, _stdin) and how "
        "the app is told its size",
    ),
    (AppService, "start"): (
        "677839f69c78d856bc247637e111a1711a0af971a7e16aac2a352af149da872c",
        "PageApp relies on it calling _open_app_process(width, height) and keeping run's "
        "task in _task (LensmapServer._run_page waits on that task)",
    ),
    (AppService, "stop"): (
        "e17b0255d820b5e6ad48d556d23036a05151ad1030d1d0076f0e4943ecd3ca6e",
        "PageApp.stop and PageApp._quit replace it: how an app is asked to quit, and what "
        "is cancelled before",
    ),
    (AppService, "send_bytes"): (
        "7188bc997d4e972af42beb407b9640c9137ccbad8f462753340939e63e9131a1",
        "PageApp.send_bytes wraps it: which errors still escape it",
    ),
    (AppService, "__init__"): (
        "97d2aa2d006bca537f739599feca40ccaf02b2a37e1737636dd7d7c0e4eb3e40",
        "PageApp uses its _process, _stdin, _task, _download_manager and app_service_id, "
        "and LensmapServer._run_page calls it with its keywords",
    ),
    (Server, "__init__"): (
        "e7388c474b965a3b3b5cbd8146da6be98cc754bc0c8b320cfe9a6d4ff5d330c4",
        "LensmapServer.__init__ calls it, and LensmapServer uses its command, host, port, "
        "title, debug, statics_path, templates_path and download_manager",
    ),
    (Server, "_make_app"): (
        "f49af73ecb6eb2230f282d5dfcfb2cc27ce33faddd46f97b01973cd40f0e9d74",
        "LensmapServer._make_app copies its routes and its start-up and shut-down hooks",
    ),
    (Server, "serve"): (
        "199f785dcfa9af73486ebf50479cbed166a2302875cd09b43dc8a81cf9358abc",
        "LensmapServer.serve copies it (the event loop, its signals, web.run_app)",
    ),
    (Server, "handle_index"): (
        "c961f57f6af22bfecda62de090706e9e61df63751d68142006ab8686f26c91aa",
        "LensmapServer.handle_index gives the page template the same values, and "
        "lensmap/serve/page/app_index.html reads them",
    ),
    (Server, "handle_websocket"): (
        "87c0c9d50be81f45ff5323607cf6daa7968a45ba020867cff132608532de7883",
        "LensmapServer.handle_websocket and _run_page copy how a page's AppService is made, "
        "started and stopped",
    ),
    (Server, "_process_messages"): (
        "c30aaa2d9521fe134c24d11b09aee36770aa209ec49a5b6cee2335c1f9d2a2cb",
        "LensmapServer._process_messages copies its loop: read_message and PAGE_KINDS "
        "(lensmap/serve/server.py) must take every kind of message it handles, in its shape",
    ),
}

# Files of textual-serve's that lensmap's page is made from or serves as they are.
UPSTREAM_FILES = {
    "templates/app_index.html": (
        "184d6d1bb1ed70bc24e774b0f7fb888a22284b85748c4c01acf814e894bd8051",
        "lensmap/serve/page/app_index.html is made from it: what textual.js reads from the "
        "page, and what the page gives it",
    ),
    "static/js/textual.js": (
        "c1e7f29ed0facdd331181d6262f92acfc1cf908569d9e013c16038142a23a470",
        "lensmap serves it to the page as it is: what it sends (read_message and PAGE_KINDS "
        "in lensmap/serve/server.py take only what 1.1.3's sends) and what it reads",
    ),
}


def _ids(table: dict) -> list[str]:
    return [f"{owner.__name__}.{name}" for owner, name in table]


def _sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def _parameters(function) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_the_installed_textual_serve_is_the_pinned_one():
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    (pin,) = [d for d in dependencies if re.split(r"[\s=<>!~;\[]", d)[0] == "textual-serve"]
    exact = re.fullmatch(r"textual-serve\s*==\s*([\w.]+)", pin, re.IGNORECASE)
    assert exact, f"textual-serve must be pinned exactly in pyproject.toml, not {pin!r}"
    installed = version("textual-serve")
    assert installed == exact[1], (
        f"textual-serve {installed} is installed, but pyproject.toml pins {exact[1]}: "
        "reinstall the project's dependencies. To move to another release, first make the "
        "other tests in this file pass against it, then move the pin"
    )


@pytest.mark.parametrize(("owner", "name"), OVERRIDDEN, ids=_ids(OVERRIDDEN))
def test_each_method_lensmap_overrides_has_the_shape_it_was_written_against(owner, name):
    upstream = getattr(owner, name)
    written_against = OVERRIDDEN[owner, name]
    found = str(inspect.signature(upstream))
    assert found == written_against, (
        f"textual-serve {version('textual-serve')} changed {owner.__name__}.{name} to "
        f"{found}; it was {written_against} in {WRITTEN_AGAINST}. Re-read it and what calls it in "
        f"textual_serve/{Path(inspect.getfile(owner)).name}, re-check "
        f"{OURS[owner].__name__}.{name} (lensmap/serve/), then record its new signature here"
    )
    if name != "__init__":  # upstream calls the others as it calls its own
        assert _parameters(getattr(OURS[owner], name)) == _parameters(upstream), (
            f"{OURS[owner].__name__}.{name} does not take what {owner.__name__}.{name} takes"
        )


@pytest.mark.parametrize("owner", OURS, ids=[owner.__name__ for owner in OURS])
def test_every_name_lensmap_shares_with_textual_serve_is_a_known_override(owner):
    """A method or attribute lensmap adds must not quietly replace one that a new release
    adds under the same name, and every override is in OVERRIDDEN above."""
    if owner is AppService:
        instance = AppService("lensmap", write_bytes=print, write_str=print, close=print,
                              download_manager=DownloadManager())  # fmt: skip
    else:
        instance = Server("lensmap")
    upstream = set(dir(owner)) | set(vars(instance))
    ours = {name for name in vars(OURS[owner]) if name == "__init__" or not name.startswith("__")}
    known = {name for upstream_class, name in OVERRIDDEN if upstream_class is owner}
    assert ours & upstream == known, (
        f"{OURS[owner].__name__} (lensmap/serve/) shares names with textual-serve "
        f"{version('textual-serve')}'s {owner.__name__} that are not recorded as overrides: "
        f"{sorted((ours & upstream) - known)}; or no longer overrides {sorted(known - ours)}. "
        "Rename what is lensmap's own, or re-check the override and record it in OVERRIDDEN"
    )


@pytest.mark.parametrize(("owner", "name"), COPIED, ids=_ids(COPIED))
def test_what_lensmap_copies_from_textual_serve_is_unchanged(owner, name):
    function = getattr(owner, name)
    recorded, recheck = COPIED[owner, name]
    found = _sha256(inspect.getsource(function))
    assert found == recorded, (
        f"textual-serve {version('textual-serve')} changed the body of {owner.__name__}.{name} "
        f"since {WRITTEN_AGAINST}. Read it against {WRITTEN_AGAINST}'s in textual_serve/"
        f"{Path(inspect.getfile(owner)).name} and re-check: {recheck}. Then record its new "
        f"sha256 here: {found}"
    )


@pytest.mark.parametrize("path", UPSTREAM_FILES)
def test_the_page_files_lensmap_takes_from_textual_serve_are_unchanged(path):
    recorded, recheck = UPSTREAM_FILES[path]
    found = _sha256((Path(textual_serve.__file__).parent / path).read_bytes())
    assert found == recorded, (
        f"textual-serve {version('textual-serve')} changed textual_serve/{path} since "
        f"{WRITTEN_AGAINST}. Re-read it and re-check: {recheck}. Then record its new sha256 "
        f"here: {found}"
    )

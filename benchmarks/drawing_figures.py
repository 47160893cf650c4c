"""Figures for reading pathways from drawings (measured, not asserted).

    .venv/bin/python benchmarks/drawing_figures.py [--quick]

A pathway of N stages in a chain with a side branch at every tenth, drawn as diagrams.net
(plain and compressed), yEd GraphML and a Mermaid flowchart, each read and checked as
`lensmap open` and `lensmap pathway import` read it."""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
import urllib.parse
import zlib
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import measure

from lensmap.files.pathway import load_pathway


def drawio(n: int, packed: bool) -> str:
    cells = [
        '<mxCell id="0"/>',
        '<mxCell id="1" parent="0"/>',
        '<mxCell id="lane" value="Service" style="swimlane;html=1;" vertex="1" parent="1"/>',
    ]
    for k in range(n):
        shape = "rhombus;" if k % 10 == 5 else "rounded=1;"
        cells.append(
            f'<mxCell id="s{k}" value="Stage&lt;br&gt;number {k}" '
            f'style="{shape}html=1;" vertex="1" parent="lane"/>'
        )
        if k:
            cells.append(
                f'<mxCell id="e{k}" value="next" edge="1" parent="1" '
                f'source="s{k - 1}" target="s{k}"/>'
            )
    model = f"<mxGraphModel><root>{''.join(cells)}</root></mxGraphModel>"
    if packed:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        data = deflate.compress(urllib.parse.quote(model).encode()) + deflate.flush()
        model = base64.b64encode(data).decode()
    return f'<mxfile><diagram name="Pathway">{model}</diagram></mxfile>'


def yed(n: int) -> str:
    nodes = "".join(
        f'<node id="n{k}"><data key="g"><y:ShapeNode><y:NodeLabel>Stage {k}</y:NodeLabel>'
        f'<y:Shape type="{"diamond" if k % 10 == 5 else "rectangle"}"/></y:ShapeNode></data></node>'
        for k in range(n)
    )
    edges = "".join(f'<edge source="n{k - 1}" target="n{k}"/>' for k in range(1, n))
    return ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:y="http://www.yworks.com/xml/graphml">'
            '<key id="g" for="node" yfiles.type="nodegraphics"/>'
            f'<graph edgedefault="directed">{nodes}{edges}</graph></graphml>')  # fmt: skip


def mermaid(n: int) -> str:
    lines = ["flowchart TD", "subgraph svc [Service]"]
    lines += [f"s{k - 1}[Stage {k - 1}] -->|next| s{k}{'{Decide}' if k % 10 == 5 else ''}"
              for k in range(1, n)]  # fmt: skip
    return "\n".join([*lines, "end"]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    repeat = 3 if parser.parse_args().quick else 9
    with tempfile.TemporaryDirectory() as folder:
        for n in (32, 500, 3000):
            files = {
                "diagrams.net, plain": ("p.drawio", drawio(n, False)),
                "diagrams.net, compressed": ("c.drawio", drawio(n, True)),
                "yEd GraphML": ("y.graphml", yed(n)),
                "Mermaid": ("m.mmd", mermaid(n)),
            }
            print(f"\n{n} stages:")
            for what, (name, text) in files.items():
                path = Path(folder) / f"{n}-{name}"
                path.write_text(text)
                figures = measure(partial(load_pathway, path), repeat)
                print(f"  {what:26} {len(text) // 1024:>6} KB  {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Pathway files written by lensmap (`lensmap pathway import`) read back as exactly what was
written, whatever the text holds, and stay readable by hand."""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lensmap.event.model import Pathway
from lensmap.files.pathway import load_pathway
from lensmap.files.pathway_toml import pathway_toml, toml_document, write_pathway

# Pieces that TOML has to quote or escape, mixed with any other text.
AWKWARD = [
    '"', '"""', '""""', "'", "'''", "\\", "\\n", "\\u0041", "\n", "\r\n", "\r", "\t",
    "\x00", "\x08", "\x0c", "\x1b[2J", "\x7f", "\x85", "\u2028", "\u202e", "\ufeff",
    "ünïcode", "✓", "👩‍⚕️", "#", "=", "[[stages]]", " ", "",
]  # fmt: skip
text = st.lists(st.sampled_from(AWKWARD) | st.text(max_size=8), max_size=12).map("".join)


def one_line(raw: str) -> str:
    """A text as a pathway's `Text` field keeps it: stripped, 1 to 500 characters."""
    return raw[:400].strip() or "x"


stages = st.lists(
    st.fixed_dictionaries(
        {"label": text.map(one_line)},
        optional={
            "kind": st.sampled_from(["entry", "step", "wait", "decision", "exit"]),
            "service": text.map(one_line),
            "description": text,
            "prompts": st.lists(text.map(one_line), max_size=3),
        },
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def pathways(draw) -> Pathway:
    drawn = draw(stages)
    ids = [f"s{n}" for n in range(len(drawn))]
    moves = draw(
        st.lists(
            st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.none() | text.map(one_line)),
            max_size=4,
        )
    )
    data = {
        "format": 1,
        "id": "p",
        "title": draw(text.map(one_line)),
        # the first stage a way in: a pathway without one is refused, whatever its text
        "stages": [{"id": "s0", **drawn[0], "kind": "entry"}]
        + [{"id": i, **s} for i, s in zip(ids[1:], drawn[1:], strict=True)],
        "transitions": [
            {"from": a, "to": b, **({"label": label} if label else {})} for a, b, label in moves
        ],
    }
    description = draw(st.none() | text)
    if description is not None:
        data["description"] = description
    return Pathway.model_validate(data)


@settings(max_examples=200, deadline=None)
@given(pathway=pathways())
def test_a_written_pathway_reads_back_exactly(pathway):
    written = pathway_toml(pathway)
    assert tomllib.loads(written) == pathway.dump()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pathway.toml"
        write_pathway(pathway, path)
        again, _ = load_pathway(path)  # as lensmap reads it: BOM, size and NUL checks too
    assert again == pathway


# Keys that must be quoted (spaces, dots, quotes, nothing at all, control characters).
keys = st.sampled_from(["a b", "a.b", '"', "'", "", "=", "\n", "\x1b", "ü", "[x]", "id"]) | text
scalars = st.one_of(text, st.booleans(), st.integers(-(2**63), 2**63 - 1))
values = scalars | st.lists(scalars, max_size=3)
flat_tables = st.dictionaries(keys, values, max_size=4)


@settings(max_examples=200, deadline=None)
@given(
    fields=st.dictionaries(keys, values, max_size=4),
    blocks=st.dictionaries(keys, st.lists(flat_tables, min_size=1, max_size=3), max_size=2),
)
def test_any_keys_and_text_read_back_exactly(fields, blocks):
    data = {**fields, **blocks}
    assert tomllib.loads(toml_document(data)) == data


def test_the_file_reads_well_by_hand(pathway):
    short = pathway.model_copy(
        update={"description": 'First line, "quoted".\nSecond line.', "transitions": []}
    )
    written = pathway_toml(short)
    assert 'description = """\nFirst line, \\"quoted\\".\nSecond line."""\n' in written
    # every stage its own [[stages]] block, however short (problems count the blocks)
    assert written.count("\n[[stages]]\n") == len(short.stages)
    assert "{" not in written


def test_a_windows_line_break_is_kept():
    pathway = Pathway.model_validate(
        {
            "id": "p",
            "title": "T",
            "stages": [{"id": "a", "label": "A", "description": "one\r\ntwo\nthree"}],
        }
    )
    written = pathway_toml(pathway)
    assert tomllib.loads(written) == pathway.dump()
    assert 'description = "one\\r\\ntwo\\nthree"' in written  # escaped, not a bare line break

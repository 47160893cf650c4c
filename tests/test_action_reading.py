"""Reading the log's rows: each kind of action read together, and the type column only a guide,
so a row always reads as its own JSON says, whatever the column beside it claims."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from lensmap.event.model import IssueNotes, Tag
from lensmap.session.actions import (
    KINDS,
    PlanImported,
    StepTaken,
    TagAdded,
    TagDeleted,
    Undone,
    read_action,
    read_actions,
)

ACTIONS = [
    TagAdded(tag=Tag(id="t1", stage="triage", kind="barrier", note="No interpreter offered.")),
    StepTaken(persona="ollie", stage="triage"),
    TagDeleted(id="t1"),
    TagAdded(tag=Tag(id="t2", stage="triage", kind="risk")),
    Undone(target="a1"),
    PlanImported(file="plan.xlsx", issues=[IssueNotes(stage="triage", kind="risk", status="done")]),
]


def rows(actions, kinds=None):
    kinds = kinds or [action.type for action in actions]
    return [
        (kind, action.model_dump_json(by_alias=True))
        for kind, action in zip(kinds, actions, strict=True)
    ]


def test_every_kind_is_named_by_its_type() -> None:
    assert all(model.model_fields["type"].default == name for name, model in KINDS.items())
    assert len(KINDS) == 17


def test_rows_of_several_kinds_come_back_in_their_order() -> None:
    assert read_actions(rows(ACTIONS)) == ACTIONS


@pytest.mark.parametrize("wrong", ["undo", "no such kind", None, 7])
def test_a_type_column_that_says_otherwise_does_not_change_what_is_read(wrong) -> None:
    kinds = [action.type for action in ACTIONS]
    kinds[1] = wrong
    assert read_actions(rows(ACTIONS, kinds)) == ACTIONS
    assert read_action(wrong, ACTIONS[1].model_dump_json()) == ACTIONS[1]


def test_a_row_holding_two_actions_is_not_read_in_one_pass() -> None:
    two = rows(ACTIONS)
    kind, data = two[2]
    two[2] = (kind, data + "," + data)
    assert read_actions(two) is None
    with pytest.raises(ValidationError):
        read_action(kind, data + "," + data)


def test_a_row_that_is_not_text_or_not_an_action_is_left_to_be_read_alone() -> None:
    assert read_actions([*rows(ACTIONS), ("tag.add", b"{}")]) is None
    assert read_actions([*rows(ACTIONS), ("tag.add", '{"type": "tag.add"}')]) is None
    with pytest.raises(ValidationError):
        read_action("tag.add", '{"type": "tag.add"}')


def test_a_row_without_a_type_of_its_own_is_not_read_as_the_column_says() -> None:
    kind, data = rows(ACTIONS)[2]  # tag.delete
    bare = data.replace('"type":"tag.delete",', "")
    assert '"type"' not in bare
    assert read_actions([*rows(ACTIONS), (kind, bare)]) is None  # then read alone...
    with pytest.raises(ValidationError):
        read_action(kind, bare)  # ...which says it cannot be read, as it always did


def test_rows_that_are_not_whole_objects_are_read_alone() -> None:
    first, second = rows(ACTIONS)[:2]
    cut = [(first[0], first[1][:-1]), (second[0], "}" + second[1])]  # joined, they would read
    assert read_actions(cut) is None

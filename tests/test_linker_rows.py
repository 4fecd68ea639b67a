"""LinkerRows: per-row seq, person and cluster in numpy columns, found again by seq."""

from __future__ import annotations

import numpy as np
import pytest

from hub.linker import person_id_for
from hub.linker_rows import NONE, LinkerRows, StoredPersonError, person_code, person_name
from zichtlijn.errors import USER_ERRORS, describe


def test_a_person_id_is_held_as_a_number_and_given_back_unchanged():
    for uuid in ("6f1c2d3e-0000-4000-8000-000000000001", "x", ""):
        person = person_id_for(uuid)
        assert person_name(person_code(person)) == person
    assert person_code(None) == NONE and person_name(NONE) is None
    assert person_name(person_code("P-000000000000")) == "P-000000000000"


@pytest.mark.parametrize("bad", ["P-ABCDEF012345", "P-123", "Q-000000000000", "P-0000000000000"])
def test_a_person_id_of_another_form_is_refused_with_one_line_for_the_operator(bad):
    with pytest.raises(StoredPersonError) as refused:
        person_code(bad)
    assert isinstance(refused.value, USER_ERRORS)  # the CLI prints it, no traceback
    assert describe(refused.value).startswith("hub database: person id")


def test_rows_grow_past_their_first_capacity_and_keep_what_they_hold():
    rows = LinkerRows()
    persons = [person_id_for(str(i)) if i % 3 else None for i in range(5000)]
    for start in range(0, 5000, 700):  # the first allocation holds 1024
        added = rows.append(list(range(10 + 2 * start, 10 + 2 * min(start + 700, 5000), 2)),
                            persons[start : start + 700],
                            [None if p is None else 10 for p in persons[start : start + 700]])
        assert added == range(start, min(start + 700, 5000))
    assert rows.size == 5000
    assert [rows.person_id(r) for r in range(5000)] == persons
    assert rows.rows_of(np.array([10, 12, 11, 10 + 2 * 4999, 10 + 2 * 5000, 0])).tolist() == [
        0, 1, NONE, 4999, NONE, NONE]
    assert rows.cluster[:3].tolist() == [NONE, 10, 10]


def test_a_removed_row_has_no_person_and_is_not_found_by_its_seq():
    rows = LinkerRows()
    rows.append([5, 7, 9], [person_id_for("a"), person_id_for("b"), None], [5, 7, None])
    rows.remove([1])
    assert rows.row_of(7) is None and rows.row_of(9) == 2
    assert rows.person_id(1) is None and rows.cluster[1] == NONE
    assert rows.person_id(0) == person_id_for("a")


def test_seqs_out_of_order_are_still_found():
    rows = LinkerRows()
    rows.append([20, 30], [None, None], [None, None])
    rows.append([25, 5], [None, None], [None, None])  # never expected from the database
    assert rows.rows_of(np.array([5, 20, 25, 30, 6])).tolist() == [3, 0, 2, 1, NONE]

"""The gallery's stack bookkeeping (no Qt): runs of one job's rows, open and closed
stacks, removals that take a stack's first image."""

from __future__ import annotations

from fluxdesk.core.library.paging import PageRow
from fluxdesk.ui.library.stacks.state import StackState


def rows(*spec: tuple[int, str]) -> list[PageRow]:
    return [PageRow(item_id, 0.0, 64, 48, 0, 0, job) for item_id, job in spec]


def ids(shown: list[PageRow]) -> list[int]:
    return [r.id for r in shown]


def test_a_run_of_one_jobs_rows_is_one_stack_across_pages() -> None:
    state = StackState()
    shown, grown = state.add(rows((1, ""), (2, "a"), (3, "a")))
    assert ids(shown) == [1, 2] and grown == {2}
    shown, grown = state.add(rows((4, "a"), (5, "b"), (6, "")))  # the next page continues job a
    assert ids(shown) == [5, 6] and grown == {2}
    assert state.info(2) == (1, 3, False) and state.info(1) is None and state.info(5) is None
    assert state.acted_on(2) == [2, 3, 4] and state.hidden == {3, 4}
    assert state.leader(4) == 2 and state.stack_ids(3) == [2, 3, 4]
    # Rows of no job never stack, even next to each other.
    shown, _ = state.add(rows((7, ""), (8, "")))
    assert ids(shown) == [7, 8]


def test_open_and_closed_stacks_and_expand_all() -> None:
    state = StackState()
    state.add(rows((1, "a"), (2, "a"), (3, "b"), (4, "b")))
    assert state.set_open(1, True) == [2] and state.hidden == {4}
    assert state.info(2) == (2, 2, True) and state.acted_on(1) == [1]  # open: one by one
    state.set_all_open(True)
    assert state.hidden == set() and state.is_open(3)
    shown, _ = state.add(rows((5, "c"), (6, "c")))  # loaded later: open too
    assert ids(shown) == [5, 6]
    state.set_open(5, False)
    assert state.hidden == {6} and state.is_collapsed_stack(5)
    state.set_all_open(False)
    assert state.hidden == {2, 4, 6}


def test_removing_a_collapsed_stacks_leader_makes_the_next_image_lead() -> None:
    state = StackState()
    state.add(rows((1, "a"), (2, "a"), (3, "a")))
    hidden, heirs = state.forget({1})
    assert (hidden, heirs) == (0, [(1, 2)])
    assert state.hidden == {3} and state.info(2) == (1, 2, False)
    assert state.leader(3) == 2 and state.leader(2) == 2 and state.member_of == {3: 2}
    shown, grown = state.add(rows((4, "a")))  # the run goes on under the heir
    assert ids(shown) == [] and grown == {2} and state.acted_on(2) == [2, 3, 4]
    hidden, heirs = state.forget({2, 3, 4})
    assert (hidden, heirs) == (2, []) and state.members == {} and state.hidden == set()

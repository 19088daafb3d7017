"""Which loaded images are stacked: a job's images under its first one, the leader.

A job's images share a ``job`` id and are saved together, with one time stamp and one
seed, so in the gallery's order they are neighbours: a run of rows of one job is one
stack. The gallery shows its leader's row and keeps only the others' ids here while the
stack is collapsed (rows are light; see gallery_model). Images with no job (imported, or
saved before stacks existed) are never stacked. Under a search or filter a stack holds
the images that match: it is what the tile shows.

Plain Python (no Qt): the model asks it which rows of a page to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from fluxdesk.core.library.paging import PageRow

Row = TypeVar("Row", bound=PageRow)


class StackState:
    def __init__(self) -> None:
        self.members: dict[int, list[int]] = {}  # leader id -> its stack's ids, leader first (2+)
        self.member_of: dict[int, int] = {}  # id -> leader, for every other image of a stack
        self.hidden: set[int] = set()  # ids loaded but shown under their collapsed leader
        self.expand_all = False  # every stack open (those loaded later too)…
        self.toggled: set[int] = set()  # …except these leaders (or, when False, only these)
        self._run: tuple[str, int] = ("", -1)  # the job and leader of the last row loaded

    def reset(self) -> None:
        """A new listing (refresh, another filter); which stacks are open stays."""
        self.members.clear()
        self.member_of.clear()
        self.hidden.clear()
        self._run = ("", -1)

    # --- loading ------------------------------------------------------------------------
    def add(self, rows: Iterable[Row]) -> tuple[list[Row], set[int]]:
        """Take newly loaded rows (in order, none loaded before): the ones to show
        (leaders, images of no job, members of open stacks) and the leaders whose stack
        grew."""
        shown: list[Row] = []
        grown: set[int] = set()
        for row in rows:
            job, leader = self._run
            if not row.job or row.job != job:
                self._run = (row.job, row.id)
                shown.append(row)
                continue
            self.members.setdefault(leader, [leader]).append(row.id)
            self.member_of[row.id] = leader
            grown.add(leader)
            if self.is_open(leader):
                shown.append(row)
            else:
                self.hidden.add(row.id)
        return shown, grown

    # --- questions ----------------------------------------------------------------------
    def is_open(self, leader: int) -> bool:
        return (leader in self.toggled) != self.expand_all

    def leader(self, item_id: int) -> int:
        """The leader of the stack ``item_id`` is in (itself if it leads or is alone)."""
        return self.member_of.get(item_id, item_id)

    def stack_ids(self, item_id: int) -> list[int]:
        """Every loaded image of ``item_id``'s stack, leader first ([item_id] if none)."""
        return list(self.members.get(self.leader(item_id), [item_id]))

    def info(self, item_id: int) -> tuple[int, int, bool] | None:
        """(position from 1, size, open) of an image in a stack of 2 or more, else None."""
        leader = self.leader(item_id)
        ids = self.members.get(leader)
        if ids is None:
            return None
        return ids.index(item_id) + 1, len(ids), self.is_open(leader)

    def is_collapsed_stack(self, item_id: int) -> bool:
        """A leader whose other images are hidden under it: an action on it means them all."""
        return item_id in self.members and not self.is_open(item_id)

    def acted_on(self, item_id: int) -> list[int]:
        """What an action on ``item_id``'s tile changes: a collapsed stack's every image."""
        return list(self.members[item_id]) if self.is_collapsed_stack(item_id) else [item_id]

    # --- changes ------------------------------------------------------------------------
    def set_open(self, leader: int, is_open: bool) -> list[int]:
        """Open or close one stack; the ids of its other images (shown or hidden now)."""
        if self.is_open(leader) != is_open:
            self.toggled ^= {leader}
        rest = self.members.get(leader, [leader])[1:]
        if is_open:
            self.hidden.difference_update(rest)
        else:
            self.hidden.update(rest)
        return rest

    def set_all_open(self, is_open: bool) -> None:
        self.expand_all, self.toggled = is_open, set()
        for leader in self.members:
            self.set_open(leader, is_open)

    def forget(self, ids: set[int]) -> tuple[int, list[tuple[int, int]]]:
        """Drop removed images: how many were hidden, and (old leader, heir) for each
        collapsed stack that lost its leader but keeps hidden images (the heir is shown
        in its place)."""
        hidden = len(ids & self.hidden)
        self.hidden -= ids
        heirs: list[tuple[int, int]] = []
        leaders = {self.leader(i) for i in ids} & self.members.keys()
        for item_id in ids:
            self.member_of.pop(item_id, None)
        for leader in sorted(leaders):
            was_open = self.is_open(leader)
            self.toggled.discard(leader)
            left = [m for m in self.members.pop(leader) if m not in ids]
            if not left:
                continue
            heir = left[0]
            self.member_of.pop(heir, None)
            if heir in self.hidden:  # the leader went, the stack closed: the heir is shown
                self.hidden.discard(heir)
                heirs.append((leader, heir))
            if was_open != self.is_open(heir):
                self.toggled ^= {heir}
            if len(left) > 1:
                self.members[heir] = left
                self.member_of.update(dict.fromkeys(left[1:], heir))
        job, run_leader = self._run
        if run_leader in ids:  # the rows still to come join the heir's stack
            self._run = next(((job, heir) for lead, heir in heirs if lead == run_leader), ("", -1))
        return hidden, heirs

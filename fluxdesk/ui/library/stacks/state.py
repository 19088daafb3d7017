"""Which loaded images are stacked: the images of one job under its first one, the leader.

A job's images share a ``job`` id and are saved together with one time stamp and seed,
so newest first they are adjacent in the index; the gallery shows the first one loaded
(the leader) and keeps the others here while the stack is collapsed. Images with no job
(imported, or saved before stacks existed) are never stacked. Under a search or filter
a stack holds only the images that match: it is what the tile shows.

Plain Python (no Qt): the model asks it which of a page's images become rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from fluxdesk.core.library.record import ImageRecord


class StackState:
    def __init__(self) -> None:
        self.members: dict[str, list[ImageRecord]] = {}  # job -> loaded images, leader first
        self.hidden: set[int] = set()  # ids loaded but shown under their collapsed leader
        self.expanded: set[str] = set()  # jobs shown image by image
        self.expand_all = False  # stacks loaded from now on start expanded
        self.loaded = 0  # rows taken from the index (shown or not): the next page's offset

    def reset(self) -> None:
        """A new listing (refresh, another filter): which stacks are expanded stays."""
        self.members.clear()
        self.hidden.clear()
        self.loaded = 0

    # --- loading ------------------------------------------------------------------------
    def add(self, items: Iterable[ImageRecord]) -> tuple[list[ImageRecord], set[str]]:
        """Take newly loaded images: the ones to show as rows (leaders, images of no job,
        members of expanded stacks) and the jobs whose shown stack grew."""
        shown: list[ImageRecord] = []
        grown: set[str] = set()
        for item in items:
            job = item.job
            if not job:
                shown.append(item)
                continue
            members = self.members.get(job)
            if members is None:
                self.members[job] = [item]
                if self.expand_all:
                    self.expanded.add(job)
                shown.append(item)
                continue
            members.append(item)
            grown.add(job)
            if job in self.expanded:
                shown.append(item)
            else:
                self.hidden.add(item.id)
        return shown, grown

    def knows(self, item_id: int) -> bool:
        """Loaded but not a row (a member of a collapsed stack)."""
        return item_id in self.hidden

    # --- questions ----------------------------------------------------------------------
    def size(self, item: ImageRecord) -> int:
        return len(self.members.get(item.job, ())) if item.job else 1

    def stack_of(self, item: ImageRecord) -> list[ImageRecord]:
        """Every loaded image of ``item``'s stack, leader first ([item] if it has none)."""
        return list(self.members.get(item.job, [item])) if item.job else [item]

    def position(self, item: ImageRecord) -> int:
        """1 for the leader, 2 for the next image…"""
        for n, member in enumerate(self.stack_of(item), 1):
            if member.id == item.id:
                return n
        return 1

    def is_expanded(self, item: ImageRecord) -> bool:
        return bool(item.job) and item.job in self.expanded

    def is_collapsed_stack(self, item: ImageRecord) -> bool:
        """A leader whose other images are hidden under it: actions on it mean all of them."""
        return self.size(item) > 1 and not self.is_expanded(item)

    def acted_on(self, item: ImageRecord) -> list[ImageRecord]:
        """What an action on ``item``'s tile changes: a collapsed stack's every image."""
        return self.stack_of(item) if self.is_collapsed_stack(item) else [item]

    def leader_of(self, item_id: int) -> ImageRecord | None:
        """The leader a hidden image is shown under."""
        if item_id not in self.hidden:
            return None
        for members in self.members.values():
            if any(m.id == item_id for m in members):
                return members[0]
        return None

    # --- changes ------------------------------------------------------------------------
    def replace(self, item: ImageRecord) -> None:
        members = self.members.get(item.job) if item.job else None
        for n, member in enumerate(members or ()):
            if member.id == item.id:
                members[n] = item  # type: ignore[index]

    def forget(self, ids: set[int]) -> int:
        """Drop removed images; how many of them were hidden (not rows)."""
        hidden = len(ids & self.hidden)
        self.hidden -= ids
        for job in [j for j, ms in self.members.items() if any(m.id in ids for m in ms)]:
            left = [m for m in self.members[job] if m.id not in ids]
            if left:
                self.members[job] = left
            else:
                del self.members[job]
        return hidden

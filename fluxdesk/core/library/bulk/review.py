"""What a bulk edit changes on an image: its review (favourite, rating, tags) and its
project. A :class:`ReviewChange` is one change for many images; a :class:`Review` is
what one image had (an Undo writes it back)."""

from __future__ import annotations

from dataclasses import dataclass

from fluxdesk.core.library.record import ImageRecord, normalize_tags


@dataclass(frozen=True)
class Review:
    """The part of an image's record a bulk action writes: its whole value, so an Undo
    can put exactly this back."""

    favourite: bool
    rating: int
    tags: tuple[str, ...]
    project: str

    @classmethod
    def of(cls, record: ImageRecord) -> Review:
        return cls(record.favourite, record.rating, tuple(record.tags), record.project)

    def applied_to(self, record: ImageRecord) -> ImageRecord:
        """``record`` with this review (ValueError naming the field for a bad value)."""
        return record.with_review(
            favourite=self.favourite, rating=self.rating, tags=self.tags, project=self.project
        )


@dataclass(frozen=True)
class ReviewChange:
    """One change for every image of a selection; None (or no tags) leaves that part as
    each image has it. Tags to remove compare case-insensitively and go before the tags
    to add (so "remove red, add Red" re-spells it)."""

    favourite: bool | None = None
    rating: int | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    project: str | None = None  # "" for no project

    @property
    def empty(self) -> bool:
        return (
            self.favourite is None
            and self.rating is None
            and not self.add_tags
            and not self.remove_tags
            and self.project is None
        )

    def target(self, current: Review) -> Review:
        """What an image that has ``current`` gets."""
        tags = current.tags
        if self.add_tags or self.remove_tags:
            removed = {" ".join(t.split()).casefold() for t in self.remove_tags}
            kept = [t for t in tags if t.casefold() not in removed]
            tags = normalize_tags(kept + list(self.add_tags))
        return Review(
            favourite=current.favourite if self.favourite is None else self.favourite,
            rating=current.rating if self.rating is None else self.rating,
            tags=tags,
            project=current.project if self.project is None else self.project,
        )

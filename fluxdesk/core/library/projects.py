"""Projects (issue 18): named groups of library images; an image is in at most one.

The file is the truth here too: an image's project is written into its FluxDesk block
(``ImageRecord.project``), so a reindex or a copied library keeps it; the index holds it
in ``images.project`` and the names in ``projects`` (a project may hold no image yet).
The *active project* (``library_state``) receives every new image (see
``Library.commit``), from the window and from the command line alike.

Names compare case-insensitively ("Logo" and "logo" are one project); ``none`` is no
project.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fluxdesk.core.errors import ErrorKind, FluxDeskError
from fluxdesk.core.library.record import check_project_name

if TYPE_CHECKING:
    from fluxdesk.core.library.store import Library

NO_PROJECT = "none"  # what the command line and the window call "no project"
_ACTIVE_KEY = "active_project"


class ProjectError(FluxDeskError):
    """A bad or unknown project name (exit 2, like any bad value)."""

    kind = ErrorKind.VALIDATION


@dataclass(frozen=True)
class Project:
    """A project as ``project list`` shows it: its name, how many images, whether active."""

    name: str
    images: int
    active: bool = False


def valid_name(name: str) -> str:
    """``name`` trimmed, or ProjectError naming the rule."""
    try:
        return check_project_name(name)
    except ValueError as exc:
        raise ProjectError(str(exc)) from None


def existing(library: Library, name: str, option: str = "") -> str:
    """The stored spelling of project ``name``; "" for ``none``; ProjectError if unknown
    (naming ``option``, the command-line option that gave it, when there is one)."""
    text = " ".join(name.split())
    if text.casefold() == NO_PROJECT:
        return ""
    with library.sql():
        row = library.connection().execute("SELECT name FROM projects WHERE name = ?", (text,)).fetchone()
    if row is None:
        where = f"{option}: " if option else ""
        raise ProjectError(f"{where}no project named {text!r} (see 'fluxdesk project list')")
    return str(row[0])


@dataclass(frozen=True)
class Overview:
    """Every project with its image count, and the counts the window's project list
    shows beside them: all images, and those in no project."""

    projects: tuple[Project, ...]
    total: int
    no_project: int
    active: str  # the active project's stored spelling; "" for none


def overview(library: Library) -> Overview:
    """The projects and their counts from one GROUP BY of the index (~12 ms at 100,000
    images): a scan of the covering ``images_project_order`` index in its own order.
    (``+state`` keeps the planner off the ``state`` index: through it, it sorted every
    row into a temporary tree, 14 times slower.)
    """
    active = active_project(library)
    counts: dict[str, int] = {}
    with library.sql():
        conn = library.connection()
        for name, n in conn.execute(
            "SELECT project, count(*) FROM images WHERE +state = 'done' GROUP BY project COLLATE NOCASE"
        ):
            counts[name.casefold()] = counts.get(name.casefold(), 0) + int(n)
        names = [row[0] for row in conn.execute("SELECT name FROM projects ORDER BY name COLLATE NOCASE")]
    folded = active.casefold()
    return Overview(
        projects=tuple(
            Project(n, counts.get(n.casefold(), 0), bool(active) and n.casefold() == folded) for n in names
        ),
        total=sum(counts.values()),
        no_project=counts.get("", 0),
        active=active,
    )


def projects(library: Library) -> list[Project]:
    """Every project with its image count, by name."""
    return list(overview(library).projects)


def create(library: Library, name: str) -> str:
    name = valid_name(name)
    with library.write() as conn:
        if conn.execute("SELECT 1 FROM projects WHERE name = ?", (name,)).fetchone():
            raise ProjectError(f"a project named {name!r} exists already")
        conn.execute("INSERT INTO projects (name, created_ts) VALUES (?, ?)", (name, time.time()))
    return name


def active_project(library: Library) -> str:
    """The project new images go into; "" for none."""
    with library.sql():
        row = (
            library.connection()
            .execute("SELECT value FROM library_state WHERE key = ?", (_ACTIVE_KEY,))
            .fetchone()
        )
    return "" if row is None else str(row[0])


def use(library: Library, name: str) -> str:
    """Make ``name`` (or ``none``) the active project; returns its stored spelling."""
    stored = existing(library, name)
    with library.write() as conn:
        conn.execute(
            "INSERT INTO library_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_ACTIVE_KEY, stored),
        )
    return stored


def move(library: Library, ids: list[int], name: str) -> int:
    """Put the images ``ids`` into project ``name`` (``none``: into no project), each
    file rewritten atomically (a bulk action: see ``bulk/apply.py``); returns how many
    changed."""
    from fluxdesk.core.library.bulk.apply import existing_ids, set_review
    from fluxdesk.core.library.bulk.review import ReviewChange

    stored = existing(library, name)
    found = existing_ids(library, ids)
    present = [i for i in ids if i in found]
    return len(set_review(library, present, ReviewChange(project=stored)).changed)


def rename(library: Library, old: str, new: str) -> str:
    """Rename a project: every member's file first (the files are the truth), then the
    name. A rename stopped half way leaves both names, each with its images: running it
    again finishes it."""
    stored = existing(library, old)
    if not stored:
        raise ProjectError(f"{NO_PROJECT!r} is no project and cannot be renamed")
    target = valid_name(new)
    with library.write() as conn:
        clash = conn.execute("SELECT name FROM projects WHERE name = ?", (target,)).fetchone()
        if clash is not None and clash[0].casefold() != stored.casefold():
            raise ProjectError(f"a project named {clash[0]!r} exists already")
        if clash is None:
            conn.execute("INSERT INTO projects (name, created_ts) VALUES (?, ?)", (target, time.time()))
    for item_id in _member_ids(library, stored):
        library.update_review(item_id, project=target)
    with library.write() as conn:
        if stored != target and stored.casefold() != target.casefold():
            conn.execute("DELETE FROM projects WHERE name = ?", (stored,))
        else:  # only the spelling changes
            conn.execute("UPDATE projects SET name = ? WHERE name = ?", (target, stored))
        conn.execute(
            "UPDATE library_state SET value = ? WHERE key = ? AND value = ? COLLATE NOCASE",
            (target, _ACTIVE_KEY, stored),
        )
    return target


def delete(library: Library, name: str) -> int:
    """Delete a project; its images stay, in no project. Returns how many there were."""
    stored = existing(library, name)
    if not stored:
        raise ProjectError(f"{NO_PROJECT!r} is no project and cannot be deleted")
    members = _member_ids(library, stored)
    for item_id in members:
        library.update_review(item_id, project="")
    with library.write() as conn:
        conn.execute("DELETE FROM projects WHERE name = ?", (stored,))
        conn.execute(
            "DELETE FROM library_state WHERE key = ? AND value = ? COLLATE NOCASE", (_ACTIVE_KEY, stored)
        )
    return len(members)


def _member_ids(library: Library, name: str) -> list[int]:
    with library.sql():
        return [
            int(row[0])
            for row in library.connection().execute(
                "SELECT id FROM images WHERE project = ? COLLATE NOCASE ORDER BY id", (name,)
            )
        ]

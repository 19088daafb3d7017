"""``fluxdesk library set`` and ``library delete``: one change on many images at once.

Both run the bulk actions the window's selection uses (``core/library/bulk``): every
image's file is rewritten atomically (the file first, then the index), one image after
another, with a journal so that stopped half way (even killed) each image is either
fully changed or untouched, in its file and in the index alike. Every id is checked
before the first change.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fluxdesk.cli.common import BadOption, int_option
from fluxdesk.core.library.record import RATING_MAX

ACTIONS = ("set", "delete")


def register(lib_commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    edit = lib_commands.add_parser(
        "set", parents=parents, help="change rating, favourite, tags or project of the images ids"
    )
    edit.add_argument("--ids", metavar="1,2,3", required=True, help="the images to change")
    edit.add_argument("--rating", metavar="N", help=f"stars, 0 to {RATING_MAX}")
    fav = edit.add_mutually_exclusive_group()
    fav.add_argument(
        "--favourite", dest="favourite", action="store_const", const=True, help="mark as favourite"
    )
    fav.add_argument("--no-favourite", dest="favourite", action="store_const", const=False, help="unmark")
    edit.add_argument("--add-tag", metavar="TAG", action="append", default=[], help="add TAG (repeatable)")
    edit.add_argument(
        "--remove-tag", metavar="TAG", action="append", default=[], help="remove TAG (repeatable)"
    )
    edit.add_argument(
        "--project", metavar="NAME|none", help="move into project NAME ('none': into no project)"
    )
    delete = lib_commands.add_parser(
        "delete", parents=parents, help="move the images ids to the library's trash (.trash)"
    )
    delete.add_argument("--ids", metavar="1,2,3", required=True, help="the images to delete")


def check_options(args: argparse.Namespace) -> None:
    if args.library_command not in ACTIONS:
        return
    args.ids = parse_ids(args.ids)
    if args.library_command == "set":
        args.rating = int_option(args.rating, "--rating", 0, RATING_MAX)
        for flag, tags in (("--add-tag", args.add_tag), ("--remove-tag", args.remove_tag)):
            if any(not " ".join(tag.split()) for tag in tags):
                raise BadOption(f"{flag}: a tag must not be empty")
        if (
            args.rating is None
            and args.favourite is None
            and not args.add_tag
            and not args.remove_tag
            and args.project is None
        ):
            raise BadOption(
                "nothing to change: give --rating, --favourite, --no-favourite, --add-tag, "
                "--remove-tag or --project"
            )


def parse_ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        ids = []
    if not ids or any(i < 1 for i in ids):
        raise BadOption(f"--ids takes image ids (whole numbers of at least 1) like 1,2,3 (got {text!r})")
    return list(dict.fromkeys(ids))


def run(library: Any, args: argparse.Namespace) -> int:
    from fluxdesk.core.library import projects as pj
    from fluxdesk.core.library.bulk.apply import existing_ids, set_review
    from fluxdesk.core.library.bulk.review import ReviewChange

    found = existing_ids(library, args.ids)
    missing = [str(i) for i in args.ids if i not in found]
    if missing:
        raise pj.ProjectError(f"--ids: no image with id {', '.join(missing)} (nothing was changed)")
    if args.library_command == "delete":
        return _delete(library, args.ids)
    project = None if args.project is None else pj.existing(library, args.project, "--project")
    change = ReviewChange(
        favourite=args.favourite,
        rating=args.rating,
        add_tags=tuple(args.add_tag),
        remove_tags=tuple(args.remove_tag),
        project=project,
    )
    result = set_review(library, args.ids, change)
    _raise_failures(result.failed, len(result.changed) + result.unchanged, "changed")
    count = len(args.ids)
    print(f"Changed {count} image{'s' if count != 1 else ''}.")
    return 0


def _delete(library: Any, ids: list[int]) -> int:
    from fluxdesk.core.library.bulk.delete import trash_images
    from fluxdesk.core.library.trash import OWN_TRASH, move_to_own_trash

    # The file first: should the index update fail, a reindex drops the row.
    result = trash_images(library, ids, lambda path: move_to_own_trash(path, library.root))
    _raise_failures(result.failed, len(result.removed), "deleted")
    count = len(ids)
    print(
        f"Moved {count} image{'s' if count != 1 else ''} to {library.root / OWN_TRASH} "
        "(the window purges it after 30 days).",
        file=sys.stderr,
    )
    return 0


def _raise_failures(failed: list[tuple[int, str]], done: int, verb: str) -> None:
    """The others went on; the command still fails, naming the first image that did not."""
    if failed:
        from fluxdesk.core.errors import LibraryError

        item_id, reason = failed[0]
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise LibraryError(f"Image {item_id}: {reason}{more}; {done} other image(s) {verb}.")

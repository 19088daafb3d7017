"""``fluxdesk library``: list, search, reindex and contact sheets of the local library."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from fluxdesk.cli import library_files
from fluxdesk.cli.common import LIMIT_HELP, PROG, BadOption, check_data_folder, global_options, int_option
from fluxdesk.cli.organise import library_edit
from fluxdesk.core.errors import EXIT_CODES, ErrorKind

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext

NAME = "library"

# Thumbnails per row on a contact sheet (only the command line lets a person choose):
# 0 gave one very tall column and 50 unreadable specks; 8 still leaves ~125 px
# thumbnails on A4. (Here, not in contact_sheet.py: that module imports Pillow, which
# building this parser should not.)
SHEET_MIN_COLUMNS = 1
SHEET_MAX_COLUMNS = 8
SHEET_DEFAULT_COLUMNS = 4


def register(commands: Any) -> None:
    debug = global_options("--debug")
    lib = commands.add_parser(NAME, parents=[debug], help="list, search and reindex the local library")
    lib_commands = lib.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    lst = lib_commands.add_parser("list", parents=[debug], help="list saved images, newest first")
    lst.add_argument("--search", metavar="TEXT", help="only images whose prompt matches TEXT")
    lst.add_argument("--limit", metavar="N", help=LIMIT_HELP)
    lst.add_argument("--json", action="store_true", help="print a JSON array")
    lst.add_argument(
        "--project", metavar="NAME|none", help="only the images of project NAME ('none': of none)"
    )
    lib_commands.add_parser("reindex", parents=[debug], help="rebuild the index from the image files alone")
    find = lib_commands.add_parser(
        "search", parents=[debug], help="list images whose prompt, notes or tags match TEXT"
    )
    find.add_argument("search", metavar="TEXT", help="words to look for (prefix match, all words)")
    find.add_argument("--limit", metavar="N", help=LIMIT_HELP)
    find.add_argument("--json", action="store_true", help="print a JSON array")
    sheet = lib_commands.add_parser(
        "export-sheet", parents=[debug], help="write a contact sheet (PNG or PDF) of saved images"
    )
    sheet.add_argument("output", metavar="OUTPUT", help="file to write; .png (one page) or .pdf (A4 pages)")
    sheet.add_argument("--search", metavar="TEXT", help="only images matching TEXT")
    sheet.add_argument("--limit", metavar="N", help=LIMIT_HELP + " (newest first)")
    sheet.add_argument("--ids", metavar="1,2,3", help="exactly these image ids, in this order")
    sheet.add_argument("--title", metavar="TEXT", help="heading printed on the sheet")
    sheet.add_argument(
        "--columns",
        default=SHEET_DEFAULT_COLUMNS,
        metavar="N",
        help=f"thumbnails per row, {SHEET_MIN_COLUMNS} to {SHEET_MAX_COLUMNS} "
        f"(default {SHEET_DEFAULT_COLUMNS})",
    )
    library_files.register(lib_commands, [debug])
    library_edit.register(lib_commands, [debug])


def run(args: argparse.Namespace) -> int:
    from fluxdesk.core.context import AppContext

    # Bad options exit 2 before the library is opened.
    try:
        _check_library_options(args)
    except BadOption as problem:
        print(f"{PROG} library {args.library_command}: {problem}", file=sys.stderr)
        return EXIT_CODES[ErrorKind.VALIDATION]
    check_data_folder()
    return _library(AppContext.create(), args)


def _check_library_options(args: argparse.Namespace) -> None:
    # --limit 0 used to say "No images." and a negative limit listed everything (SQLite
    # reads LIMIT -3 as no limit).
    if hasattr(args, "limit"):
        args.limit = int_option(args.limit, "--limit", 1)
    if hasattr(args, "columns"):
        args.columns = int_option(args.columns, "--columns", SHEET_MIN_COLUMNS, SHEET_MAX_COLUMNS)
    library_files.check_options(args)
    library_edit.check_options(args)


def _library(ctx: AppContext, args: argparse.Namespace) -> int:
    library = ctx.library()
    if args.library_command == "reindex":
        report = library.reindex()
        print(
            f"Reindexed {ctx.library_root}: {report.scanned} files, {report.added} added, "
            f"{report.updated} updated, {report.removed} removed, "
            f"{report.skipped_without_metadata} without FluxDesk metadata skipped."
        )
        if report.unreadable:
            # The rest is indexed (exit 0); each damaged file is named with what is wrong.
            count = len(report.unreadable)
            print(
                f"{PROG}: warning: {count} file{'s' if count != 1 else ''} with damaged FluxDesk "
                "metadata skipped (not indexed):",
                file=sys.stderr,
            )
            for rel in report.unreadable:
                # (stderr escapes control characters: a file name may hold ESC sequences)
                print(f"  {rel}: {report.reasons.get(rel, '')}", file=sys.stderr)
        return 0
    if args.library_command == "export-sheet":
        return _export_sheet(library, args)
    if args.library_command in library_files.ACTIONS:
        return library_files.run(library, args)
    if args.library_command in library_edit.ACTIONS:
        return library_edit.run(library, args)
    query: Any = args.search
    if getattr(args, "project", None) is not None:
        from fluxdesk.core.library import projects
        from fluxdesk.core.library.queries import ItemFilter

        query = ItemFilter(search=args.search, project=projects.existing(library, args.project, "--project"))
    items = library.items(query, limit=args.limit)
    if args.json:
        import json

        print(json.dumps([item.to_json() for item in items], ensure_ascii=False, indent=1))
        return 0
    if not items:
        print("No images." if not args.search else f"No images match {args.search!r}.", file=sys.stderr)
        return 0
    for item in items:
        prompt = " ".join(item.prompt.split())
        prompt = prompt if len(prompt) <= 60 else prompt[:59] + "…"
        print(f"{item.created[:19]}  {item.seed:>20}  {item.width}×{item.height}  {item.path}  {prompt}")
    return 0


def _export_sheet(library: Any, args: argparse.Namespace) -> int:
    from pathlib import Path

    from fluxdesk.core.library import contact_sheet as cs

    output = Path(args.output)
    cs.sheet_format(output)  # a bad extension exits 2 before any work
    if args.ids:
        try:
            ids = [int(part) for part in args.ids.split(",") if part.strip()]
        except ValueError:
            print(f"{PROG} library export-sheet: --ids takes numbers like 1,2,3", file=sys.stderr)
            return EXIT_CODES[ErrorKind.VALIDATION]
        found = {i: library.get(i) for i in ids}
        missing = [str(i) for i, item in found.items() if item is None]
        if missing:
            print(f"{PROG} library export-sheet: no image with id {', '.join(missing)}", file=sys.stderr)
            return EXIT_CODES[ErrorKind.VALIDATION]
        items = [found[i] for i in ids]
    else:
        items = library.items(args.search, limit=args.limit)
    if not items:
        print(f"{PROG} library export-sheet: no images to put on the sheet.", file=sys.stderr)
        return 1
    title = args.title if args.title is not None else f"FluxDesk · {len(items)} images"
    pages = cs.export_sheet([cs.entry_for_item(i) for i in items], output, title=title, columns=args.columns)
    print(f"Wrote {output} ({len(items)} images, {pages} page{'s' if pages != 1 else ''}).")
    return 0

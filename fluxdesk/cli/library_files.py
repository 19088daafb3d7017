"""``fluxdesk library import | export | upgrade-metadata``: files that travel (issue 16).

Registered under ``fluxdesk library`` by :mod:`fluxdesk.cli.library`; the work is in
``core/interop/`` (export, clean copies) and ``core/metadata.py`` (the one file writer).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fluxdesk.cli.common import PROG, BadOption, int_option

ACTIONS = ("import", "export", "upgrade-metadata")


def register(lib_commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    from fluxdesk.core.interop.export import DEFAULT_TEMPLATE, FIELDS

    imp = lib_commands.add_parser(
        "import",
        parents=parents,
        help="copy image files (FluxDesk's, A1111's, ComfyUI's, InvokeAI's, Fooocus') into the library "
        "byte for byte and index their parameters",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders (searched recursively)")
    imp.add_argument("--json", action="store_true", help="print the added images as a JSON array")
    exp = lib_commands.add_parser(
        "export",
        parents=parents,
        help="copy saved images to a folder or a .zip: named by a template, optionally cleaned",
    )
    exp.add_argument(
        "dest", metavar="DEST", help="folder to copy into (created if missing), or a .zip with --zip"
    )
    exp.add_argument("--ids", metavar="1,2,3", help="exactly these image ids, in this order")
    exp.add_argument("--search", metavar="TEXT", help="only images whose prompt, notes or tags match TEXT")
    exp.add_argument("--favourites", action="store_true", help="only favourites")
    exp.add_argument("--min-rating", metavar="N", help="only images rated N stars or more (0 to 5)")
    exp.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE,
        metavar="T",
        help="file names from " + " ".join(f"{{{f}}}" for f in FIELDS) + f" ({{prompt:30}}: at most 30 "
        f"characters); default {DEFAULT_TEMPLATE}",
    )
    exp.add_argument(
        "--clean",
        action="store_true",
        help="strip prompt, parameters, notes, tags and every text block (no re-encoding), "
        "keeping only the AI label",
    )
    exp.add_argument("--no-ai-label", action="store_true", help="with --clean: drop the AI label too")
    exp.add_argument(
        "--sidecar", choices=("json", "csv"), help="json: <name>.json per image; csv: one index.csv"
    )
    exp.add_argument("--zip", action="store_true", help="write DEST as one .zip file")
    lib_commands.add_parser(
        "upgrade-metadata",
        parents=parents,
        help="add the standard metadata (XMP, A1111 parameters) to older FluxDesk files; pixels untouched",
    )


def check_options(args: argparse.Namespace) -> None:
    if args.library_command == "import":
        from pathlib import Path

        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            raise BadOption(f"no such file or folder: {missing[0]}")
        return
    if args.library_command != "export":
        return
    from fluxdesk.core.interop.export import TemplateError, check_template

    args.min_rating = int_option(args.min_rating, "--min-rating", 0, 5)
    try:
        check_template(args.template)
    except TemplateError as problem:
        raise BadOption(str(problem)) from None
    if args.no_ai_label and not args.clean:
        raise BadOption("--no-ai-label only goes with --clean (a plain copy keeps every block)")
    if args.ids:
        try:
            args.ids = [int(part) for part in args.ids.split(",") if part.strip()]
        except ValueError:
            raise BadOption(f"--ids takes numbers like 1,2,3 (got {args.ids!r})") from None
    if args.zip and not args.dest.lower().endswith(".zip"):
        raise BadOption(f"--zip: DEST must end in .zip (got {args.dest!r})")


def run(library: Any, args: argparse.Namespace) -> int:
    if args.library_command == "upgrade-metadata":
        return _upgrade(library)
    if args.library_command == "import":
        return _import(library, args)
    return _export(library, args)


def _import(library: Any, args: argparse.Namespace) -> int:
    from pathlib import Path

    from fluxdesk.core.interop.importing import import_paths

    report = import_paths(library, [Path(p) for p in args.paths])
    if args.json:
        import json

        print(json.dumps([item.to_json() for item in report.added], ensure_ascii=False, indent=1))
    else:
        for item in report.added:
            print(item.path)
    print(
        f"Imported {len(report.added)} image{'s' if len(report.added) != 1 else ''}; "
        f"{len(report.duplicates)} already in the library, {len(report.skipped)} skipped.",
        file=sys.stderr,
    )
    for reason in report.skipped:
        print(f"{PROG} library import: skipped {reason}", file=sys.stderr)
    return 0


def _export(library: Any, args: argparse.Namespace) -> int:
    from pathlib import Path

    from fluxdesk.core.interop.export import ExportOptions, export
    from fluxdesk.core.library.queries import ItemFilter

    if args.ids:
        found = {i: library.get(i) for i in args.ids}
        missing = [str(i) for i, item in found.items() if item is None]
        if missing:
            print(f"{PROG} library export: no image with id {', '.join(missing)}", file=sys.stderr)
            return 2
        items = [found[i] for i in args.ids]
    else:
        flt = ItemFilter(
            search=args.search or None,
            favourite=True if args.favourites else None,
            min_rating=args.min_rating or None,
        )
        items = library.items(flt)
    if not items:
        print(f"{PROG} library export: no images to export.", file=sys.stderr)
        return 1
    options = ExportOptions(
        template=args.template, clean=args.clean, ai_label=not args.no_ai_label, sidecar=args.sidecar
    )
    report = export(items, Path(args.dest), options, as_zip=args.zip)
    extra = {"json": " with a .json sidecar each", "csv": " and index.csv"}.get(args.sidecar or "", "")
    kind = "clean copies" if args.clean else "images"
    print(f"Exported {len(report.files)} {kind}{extra} to {args.dest}.")
    return 0


def _upgrade(library: Any) -> int:
    from fluxdesk.core.interop.upgrade import upgrade_library

    report = upgrade_library(library)
    print(
        f"Upgraded {report.upgraded} files; {report.current} already had the standard metadata, "
        f"{report.skipped} skipped (no FluxDesk metadata or unreadable)."
    )
    for problem in report.problems:
        print(f"{PROG} library upgrade-metadata: {problem}", file=sys.stderr)
    return 0 if not report.problems else 12

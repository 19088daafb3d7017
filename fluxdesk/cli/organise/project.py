"""``fluxdesk project``: create, list, use, rename and delete projects (named groups of
library images; the active one receives every new image)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fluxdesk.cli.common import PROG, check_data_folder, global_options

NAME = "project"


def register(commands: Any) -> None:
    debug = global_options("--debug")
    cmd = commands.add_parser(
        NAME, parents=[debug], help="group library images into projects; the active one gets new images"
    )
    actions = cmd.add_subparsers(dest="project_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", parents=[debug], help="create an empty project")
    create.add_argument("name", metavar="NAME")
    lst = actions.add_parser("list", parents=[debug], help="list projects with their image counts")
    lst.add_argument("--json", action="store_true", help="print a JSON array")
    use = actions.add_parser("use", parents=[debug], help="make NAME the active project ('none': no project)")
    use.add_argument("name", metavar="NAME|none")
    rename = actions.add_parser("rename", parents=[debug], help="rename a project (its images follow)")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    delete = actions.add_parser(
        "delete", parents=[debug], help="delete a project; its images stay, in no project"
    )
    delete.add_argument("name", metavar="NAME")


def run(args: argparse.Namespace) -> int:
    from fluxdesk.core.context import AppContext
    from fluxdesk.core.library import projects as pj

    check_data_folder()
    library = AppContext.create().library()
    action = args.project_command
    if action == "create":
        print(f"Created project {pj.create(library, args.name)!r}.")
    elif action == "use":
        name = pj.use(library, args.name)
        print(f"New images go into project {name!r}." if name else "New images go into no project.")
    elif action == "rename":
        old = pj.existing(library, args.old)
        print(f"Renamed {old!r} to {pj.rename(library, old, args.new)!r}.")
    elif action == "delete":
        name = pj.existing(library, args.name)
        count = pj.delete(library, name)
        print(f"Deleted project {name!r}; its {count} image{'s' if count != 1 else ''} stay, in no project.")
    else:
        return _list(pj.projects(library), as_json=args.json)
    return 0


def _list(found: list[Any], *, as_json: bool) -> int:
    if as_json:
        import json

        rows = [{"name": p.name, "images": p.images, "active": p.active} for p in found]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not found:
        print(f"No projects (create one with '{PROG} project create NAME').", file=sys.stderr)
        return 0
    for p in found:
        print(f"{'*' if p.active else ' '} {p.name}  ({p.images} image{'s' if p.images != 1 else ''})")
    return 0

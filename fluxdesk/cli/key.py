"""``fluxdesk key``: the API key in the OS keyring (set, delete, status)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from fluxdesk.cli.common import PROG, BadOption, check_data_folder, global_options
from fluxdesk.core.errors import EXIT_CODES, ErrorKind

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext

NAME = "key"


def register(commands: Any) -> None:
    debug = global_options("--debug")
    key = commands.add_parser(NAME, parents=[debug], help="manage the API key in the OS keyring")
    key_commands = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_commands.add_parser("set", parents=[debug], help="store the key (read without echo, or from stdin)")
    key_commands.add_parser("delete", parents=[debug], help="remove the stored key")
    key_commands.add_parser("status", parents=[debug], help="tell where the key comes from (never prints it)")


def run(args: argparse.Namespace) -> int:
    from fluxdesk.core.context import AppContext

    # An empty key exits 2 before the keyring is touched.
    key = ""
    if args.key_command == "set":
        try:
            key = _read_key()
            _check_key(key)
        except BadOption as problem:
            print(f"{PROG} key {args.key_command}: {problem}", file=sys.stderr)
            return EXIT_CODES[ErrorKind.VALIDATION]
    check_data_folder()
    return _key(AppContext.create(), args, key)


def _check_key(key: str) -> None:
    # The key store would refuse these too, but as a keyring problem (exit 11) and only
    # after looking for a usable keyring: they are bad input (exit 2).
    from fluxdesk.core.keystore import key_problem

    problem = key_problem(key)
    if problem:
        raise BadOption(problem)


def _key(ctx: AppContext, args: argparse.Namespace, key: str) -> int:
    store = ctx.keystore
    if args.key_command == "status":
        status = store.status()
        print(status.describe())
        return 0 if status.source.value != "none" else 1
    if args.key_command == "delete":
        removed = store.delete()
        print("API key removed from the keyring." if removed else "No API key was stored.")
        return 0
    store.set(key)
    print(f"API key stored in the OS keyring ({store.backend_name()}).")
    return 0


def _read_key() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass("API key (input hidden): ")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()

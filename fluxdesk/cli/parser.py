"""The argument parser, built from the command modules: each has ``NAME``,
``register(commands)`` and ``run(args)``. A new command is a module and a line in
``COMMANDS``. Building the parser imports no core module beyond the catalogue."""

from __future__ import annotations

import argparse
from types import ModuleType

from fluxdesk import APP_NAME, __version__
from fluxdesk.cli import generate, inspect, key, library, sandbox
from fluxdesk.cli.common import DEBUG_HELP, PROG, SANDBOX_HELP
from fluxdesk.core import params as P

COMMANDS: tuple[ModuleType, ...] = (generate, library, inspect, key, sandbox)


def command_module(name: str) -> ModuleType:
    return next(module for module in COMMANDS if name == module.NAME)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=f"{APP_NAME}: generate images with FLUX ({P.MODEL_ID}) from your desktop. "
        "Without a command, opens the window.",
        epilog="Environment: FLUXDESK_API_KEY (overrides the keyring), FLUXDESK_BASE_URL "
        f"(default {P.DEFAULT_BASE_URL}), FLUXDESK_HOME (library, settings, caches).",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--sandbox", action="store_true", help=SANDBOX_HELP)
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, generate one image, exit 0 when it is saved (for packaging checks)",
    )
    # The global options are also accepted after the command (`fluxdesk generate --sandbox`).
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for module in COMMANDS:
        module.register(commands)
    return parser

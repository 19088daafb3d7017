"""The argument parser, built from the command modules: each has ``NAME``,
``register(commands)`` and ``run(args)``. A new command is a module and a line in
``COMMANDS``. Building the parser imports no core module beyond the catalogue."""

from __future__ import annotations

import argparse
from types import ModuleType

from fluxdesk import APP_NAME, __version__
from fluxdesk.cli import doctor, generate, inspect, jobs, key, library, preset, sandbox, usage
from fluxdesk.cli.common import DEBUG_HELP, PROG, SANDBOX_HELP
from fluxdesk.cli.organise import project
from fluxdesk.core import params as P

COMMANDS: tuple[ModuleType, ...] = (
    generate,
    jobs,
    usage,
    preset,
    project,
    library,
    inspect,
    key,
    doctor,
    sandbox,
)


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
    _refuse_empty_values(parser)
    return parser


def _refuse_empty_values(command: argparse.ArgumentParser) -> None:
    """An option given an empty value (``--search ""``, ``--key " "``) is an error naming
    it (exit 2), never taken as its default. The request's fields are left to the request
    model, which names the option and its allowed range in the same words as the window."""
    request_fields = {spec.field for spec in (*P.FIELDS, *P.SIDE_SPECS)}
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                _refuse_empty_values(sub)
            continue
        text_option = action.option_strings and action.type is None and action.nargs in (None, 1)
        if text_option and action.dest not in request_fields and not action.const:
            action.type = _not_empty


def _not_empty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a value, got {text!r}")
    return text

"""The ``fluxdesk`` entry point. With no command it opens the window; a command is
parsed by ``fluxdesk.cli.parser`` and run by its own module. Exit codes: see
``fluxdesk.core.errors.EXIT_CODES`` and the README.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from fluxdesk.cli.common import PROG
from fluxdesk.core.errors import EXIT_CODES, EXIT_TERMINATED, ErrorKind, FluxDeskError

# The window's own options (no command). A command line of only these opens the window
# without building the full parser: its commands and their catalogue-driven options
# cost start-up time (argparse help formatters, gettext lookups; README, Start-up).
WINDOW_FLAGS = ("--sandbox", "--debug", "--smoke-test")


def window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """What ``build_parser().parse_args(argv)`` gives when argv only holds WINDOW_FLAGS
    (a test keeps the two equal); None for anything else."""
    if not all(arg in WINDOW_FLAGS for arg in argv):
        return None
    flags = {flag.removeprefix("--").replace("-", "_"): flag in argv for flag in WINDOW_FLAGS}
    return argparse.Namespace(command=None, **flags)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = window_args(arguments)
    if args is None:
        from fluxdesk.cli.parser import build_parser

        args = build_parser().parse_args(arguments)
    if args.command is None:
        _configure_logging(args.debug)
        problem = _no_display_problem()
        if problem:
            print(f"{PROG}: {problem}", file=sys.stderr)
            return 1
        # Paused until the first frame is on screen (see ui.app.freeze_startup_objects);
        # the launcher (fluxdesk.__main__) already has, unless main() was called directly.
        gc.disable()
        from fluxdesk.ui.app import run_app

        return run_app(use_sandbox=args.sandbox, smoke_test=args.smoke_test)
    gc.enable()  # a command: the launcher paused the collector only for the window's sake
    from fluxdesk.cli.terminal import safe_streams

    # Everything a command prints (prompts from files, server messages, file names, log
    # lines, tracebacks) goes through streams that escape terminal control characters.
    with safe_streams():
        _configure_logging(args.debug)
        return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    from fluxdesk.cli.parser import command_module

    command = command_module(args.command)
    if args.command == "sandbox":  # a server in the foreground: its own errors and Ctrl+C
        return int(command.run(args))
    with _sigterm_as_interrupt() as terminated:
        try:
            return int(command.run(args))
        except FluxDeskError as error:
            if terminated and error.kind is ErrorKind.CANCELLED:
                print(f"{PROG}: terminated", file=sys.stderr)
                return EXIT_TERMINATED
            _traceback_if(args.debug)  # --debug adds the traceback and keeps the exit code
            print(f"{PROG}: {error}", file=sys.stderr)
            return error.exit_code
        except KeyboardInterrupt:  # Ctrl+C, or SIGTERM: the command cleaned up as it unwound
            if terminated:
                print(f"{PROG}: terminated", file=sys.stderr)
                return EXIT_TERMINATED
            print(f"{PROG}: cancelled", file=sys.stderr)
            return EXIT_CODES[ErrorKind.CANCELLED]
        except Exception as error:  # a bug: one line for the user, details with --debug
            _traceback_if(args.debug)
            print(
                f"{PROG}: unexpected error ({type(error).__name__}); run again with --debug for details",
                file=sys.stderr,
            )
            return 1


def _traceback_if(debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc(file=sys.stderr)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[list[bool]]:
    """SIGTERM (a service manager, ``kill``) unwinds a command like Ctrl+C: a generation is
    cancelled and its temporary files removed. Only the first signal interrupts; one
    arriving during that clean-up is noted, not raised into it. The list holds True
    once a SIGTERM came."""
    import signal

    terminated: list[bool] = []

    def on_sigterm(signum: int, frame: object) -> None:
        if not terminated:
            terminated.append(True)
            raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread (main() called from a test's thread)
        yield terminated
        return
    try:
        yield terminated
    finally:
        signal.signal(signal.SIGTERM, previous)


def _no_display_problem(env: dict[str, str] | None = None, platform: str = sys.platform) -> str | None:
    """Qt aborts the process (core dump) when it finds no display; say it in one line."""
    import os

    env = dict(os.environ) if env is None else env
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset). "
        "Start it from a desktop session, or use the command line (see `fluxdesk --help`)."
    )


_WARNING_HANDLER = "fluxdesk-cli-warnings"  # the name of the handler _configure_logging adds


def _configure_logging(debug: bool) -> None:
    """Without --debug, the window and the commands alike show FluxDesk's own warnings as
    one plain line each on stderr, and nothing of other libraries' logging."""
    import logging  # lazily: the window's start-up does not need it this early

    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
        return

    class OneLine(logging.Formatter):
        """`fluxdesk: warning: …` on one line: no level, logger name or traceback."""

        def format(self, record: logging.LogRecord) -> str:
            from fluxdesk.core.safe_text import escape_controls  # (a path or prompt may be in it)

            return f"{PROG}: warning: {escape_controls(' '.join(record.getMessage().split()))}"

    # A command reports its errors as one line of its own (FluxDeskError), the window in its
    # message bar. Other libraries' records (urllib3's "Retrying (…)" before a refused
    # connection is reported) would only add raw lines to the terminal, so they go
    # nowhere: a root handler keeps logging's last-resort stderr handler out. FluxDesk's
    # own warnings (e.g. a settings file it had to ignore) stay visible, one line each.
    root = logging.getLogger()
    if not any(type(h) is logging.NullHandler for h in root.handlers):
        root.addHandler(logging.NullHandler())
    own = logging.getLogger("fluxdesk")
    for old in [h for h in own.handlers if h.get_name() == _WARNING_HANDLER]:
        own.removeHandler(old)  # main() may run more than once in one process (tests)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_WARNING_HANDLER)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(OneLine())
    own.addHandler(handler)

"""The ``fluxdesk`` command line. With no command it opens the window.

Options for request parameters are generated from the parameter catalogue and passed to
``build_request`` as text, so the CLI reports bad values with exactly the same messages
(field and allowed range) as the window and the sandbox. Exit codes: see
``fluxdesk.core.errors.EXIT_CODES`` and the README.
"""

from __future__ import annotations

import argparse
import gc
import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from fluxdesk import APP_NAME, __version__
from fluxdesk.core import params as P
from fluxdesk.core.errors import EXIT_CODES, ErrorKind, FluxDeskError

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext
    from fluxdesk.core.results import Progress

PROG = "fluxdesk"


# Thumbnails per row on a contact sheet (only the command line lets a person choose):
# 0 gave one very tall column and 50 unreadable specks; 8 still leaves ~125 px
# thumbnails on A4. (Here, not in contact_sheet.py: that module imports Pillow, which
# building this parser should not.)
SHEET_MIN_COLUMNS = 1
SHEET_MAX_COLUMNS = 8
SHEET_DEFAULT_COLUMNS = 4

SANDBOX_HELP = "use a built-in offline sandbox API instead of the real one (no key needed)"
DEBUG_HELP = "show tracebacks and debug logs"
LIMIT_HELP = "at most N images (N ≥ 1)"


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
    debug = _global_options("--debug")
    debug_sandbox = _global_options("--debug", "--sandbox")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    gen = commands.add_parser(
        "generate", parents=[debug_sandbox], help="generate images and save them into the library"
    )
    _add_generate_options(gen)

    lib = commands.add_parser("library", parents=[debug], help="list, search and reindex the local library")
    lib_commands = lib.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    lst = lib_commands.add_parser("list", parents=[debug], help="list saved images, newest first")
    lst.add_argument("--search", metavar="TEXT", help="only images whose prompt matches TEXT")
    lst.add_argument("--limit", metavar="N", help=LIMIT_HELP)
    lst.add_argument("--json", action="store_true", help="print a JSON array")
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

    key = commands.add_parser("key", parents=[debug], help="manage the API key in the OS keyring")
    key_commands = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_commands.add_parser("set", parents=[debug], help="store the key (read without echo, or from stdin)")
    key_commands.add_parser("delete", parents=[debug], help="remove the stored key")
    key_commands.add_parser("status", parents=[debug], help="tell where the key comes from (never prints it)")

    sbx = commands.add_parser("sandbox", parents=[debug], help="run the offline sandbox API server")
    sbx.add_argument("--port", type=int, default=8765, help="API port (default 8765; 0 = any free port)")
    sbx.add_argument("--cdn-port", type=int, default=0, help="image server port (default: any free port)")
    sbx.add_argument("--key", default="sandbox", help="API key the sandbox accepts (default: sandbox)")
    sbx.add_argument(
        "--inference-delay",
        type=float,
        default=1.0,
        metavar="S",
        help="simulated generation time (default 1 s)",
    )
    sbx.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:COUNT]",
        help="inject a fault into the next requests",
    )
    return parser


def _global_options(*flags: str) -> argparse.ArgumentParser:
    """A parent parser repeating global flags on a command. SUPPRESS as default: a command
    that does not see the flag must not overwrite the True the main parser may have set
    (argparse copies a subparser's defaults over the main namespace)."""
    helps = {"--debug": DEBUG_HELP, "--sandbox": SANDBOX_HELP}
    parent = argparse.ArgumentParser(add_help=False)
    for flag in flags:
        parent.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=helps[flag])
    return parent


# The catalogue's help for the seed is written for the window's empty field; on a command
# line the way to get a random seed is to leave the option out.
CLI_HELP = {P.SEED.field: "Same seed + prompt + model version gives the same image; omit for a random seed."}


def _number_help(spec: P.NumberSpec, extra: str = "") -> str:
    """The catalogue's help sentence, then the allowed range as a sentence of its own (the
    help already ends with a full stop: appending "(…)" would double the punctuation)."""
    text = CLI_HELP.get(spec.field, spec.help).rstrip()
    if not text.endswith("."):
        text += "."
    allowed = spec.range_text()
    return f"{text} {allowed[0].upper()}{allowed[1:]}{extra}."


NUMBER_FLAGS = {
    P.GUIDANCE_SCALE: "--guidance-scale",
    P.NUM_INFERENCE_STEPS: "--steps",
    P.NUM_IMAGES: "--num-images",
    P.SEED: "--seed",
}
# The option that sets each request field, to name it in a problem the catalogue words
# for both front ends ("Images: must be …" becomes "Images (--num-images): must be …").
FIELD_FLAGS = {
    "prompt": "PROMPT",
    "image_size": "--size",
    **{spec.field: f"--{spec.field}" for spec in P.SIDE_SPECS},
    **{spec.field: flag for spec, flag in NUMBER_FLAGS.items()},
    "output_format": "--format",
    "enable_safety_checker": "--no-safety-checker",
}


def _with_flag(field: str, message: str) -> str:
    label, colon, rest = message.partition(":")
    flag = FIELD_FLAGS.get(field)
    return f"{label} ({flag}):{rest}" if flag and colon and flag not in label else message


def _add_generate_options(gen: argparse.ArgumentParser) -> None:
    gen.add_argument("prompt", metavar="PROMPT", help=P.PROMPT_HELP)
    size = gen.add_argument_group("size", P.SIZE_HELP)
    size.add_argument(
        "--size",
        metavar="PRESET",
        help="one of "
        + ", ".join(p.value for p in P.SizePreset)
        + f" (default {P.DEFAULT_SIZE.value}) or WxH; or give --width and --height instead",
    )
    for spec, other in zip(P.SIDE_SPECS, reversed(P.SIDE_SPECS), strict=True):
        size.add_argument(
            f"--{spec.field}",
            metavar=spec.field[0].upper(),
            help=_number_help(spec, f"; needs --{other.field}"),
        )
    # Values stay text here: build_request validates them with the catalogue's messages.
    for spec, flag in NUMBER_FLAGS.items():
        default = f"; default {spec.default:g}" if spec.default is not None else ""
        gen.add_argument(
            flag,
            dest=spec.field,
            metavar="N" if spec.integer else "X",
            help=_number_help(spec, default),
        )
    gen.add_argument(
        "--format",
        dest="output_format",
        metavar="FORMAT",
        help="jpeg or png (default " + P.DEFAULT_FORMAT.value + ")",
    )
    gen.add_argument(
        "--no-safety-checker",
        dest="enable_safety_checker",
        action="store_false",
        default=None,
        help="turn the NSFW safety checker off (on by default)",
    )
    gen.add_argument("--json", action="store_true", help="print one JSON object instead of paths")


def raw_request_from_args(args: argparse.Namespace) -> dict[str, Any]:
    raw: dict[str, Any] = {
        field: getattr(args, field)
        for field in (
            "prompt",
            "guidance_scale",
            "num_inference_steps",
            "num_images",
            "seed",
            "output_format",
            "enable_safety_checker",
        )
    }
    # Size problems the request model cannot word for a command line (a missing partner
    # option, two alternatives at once) are reported by size_problems() instead.
    if not size_problems(args):
        if args.width is not None:
            raw["image_size"] = {"width": args.width, "height": args.height}
        elif args.size is not None:
            raw["image_size"] = args.size
    return raw


def size_problems(args: argparse.Namespace) -> list[str]:
    """What is wrong with how the size options were combined, in the CLI's own words
    (the request model would say "Height: … (got None)" for a missing --height)."""
    from fluxdesk.core.request import side_problem

    sides = f"each a multiple of {P.SIDE_STEP} from {P.SIDE_MIN} to {P.SIDE_MAX}"
    given = [spec for spec in P.SIDE_SPECS if getattr(args, spec.field) is not None]
    if args.size is not None and given:
        return [
            "Image size: --size and --width/--height are alternatives; give either a preset "
            f"with --size, or both --width and --height ({sides})"
        ]
    if len(given) != 1:
        return []
    spec = given[0]
    (other,) = (s for s in P.SIDE_SPECS if s is not spec)
    problems = [f"Image size: --{spec.field} needs --{other.field} as well ({sides}), or use --size"]
    problem = side_problem(spec, getattr(args, spec.field))
    return problems + ([_with_flag(spec.field, problem.message)] if problem else [])


# The window's own options (no command). A command line of only these opens the window
# without building the full parser: its commands and their catalogue-driven options
# cost ~5 ms of start-up (argparse help formatters, gettext lookups).
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
    args = window_args(arguments) or build_parser().parse_args(arguments)
    _configure_logging(args.debug, command=args.command is not None)
    if args.command is None:
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
    if args.command == "sandbox":
        from fluxdesk.sandbox.server import run_sandbox_server

        return run_sandbox_server(args.port, args.cdn_port, args.key, args.inference_delay, args.fault)
    try:
        return _run_command(args)
    except FluxDeskError as error:
        if args.debug:
            raise
        print(f"{PROG}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: cancelled", file=sys.stderr)
        return EXIT_CODES[ErrorKind.CANCELLED]
    except Exception as error:  # a bug: one line for the user, details with --debug
        if args.debug:
            raise
        print(
            f"{PROG}: unexpected error ({type(error).__name__}); run again with --debug for details",
            file=sys.stderr,
        )
        return 1


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


def _configure_logging(debug: bool, *, command: bool) -> None:
    import logging  # lazily: the window's start-up does not need it this early

    if debug or not command:
        logging.basicConfig(
            level=logging.DEBUG if debug else logging.WARNING,
            format="%(levelname)s %(name)s: %(message)s",
        )
        return

    class OneLine(logging.Formatter):
        """`fluxdesk: warning: …` on one line: no level, logger name or traceback."""

        def format(self, record: logging.LogRecord) -> str:
            return f"{PROG}: warning: {' '.join(record.getMessage().split())}"

    # A command reports its errors as one line of its own (FluxDeskError). Other libraries'
    # records (urllib3's "Retrying (…)" before a refused connection is reported) would only
    # add raw lines before it, so they go nowhere: a root handler keeps logging's
    # last-resort stderr handler out. FluxDesk's own warnings (e.g. a settings file it had
    # to ignore) stay visible, as one plain line each.
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


def _run_command(args: argparse.Namespace) -> int:
    from fluxdesk.core.context import AppContext

    if args.command == "generate":
        # Validate before anything else: bad input exits 2 without touching the network.
        request = _validated_request_or_exit(args)
        if request is None:
            return EXIT_CODES[ErrorKind.VALIDATION]
        _check_data_folder()
        ctx = AppContext.create(use_sandbox=args.sandbox, inference_delay=0.3)
        try:
            return _generate(ctx, request, as_json=args.json)
        finally:
            ctx.close()
    # The same for the other commands: bad options exit 2 before the library is opened,
    # an empty key before the keyring is touched.
    key = ""
    try:
        if args.command == "library":
            _check_library_options(args)
        elif args.command == "key" and args.key_command == "set":
            key = _read_key()
            _check_key(key)
    except _BadOption as problem:
        action = args.library_command if args.command == "library" else args.key_command
        print(f"{PROG} {args.command} {action}: {problem}", file=sys.stderr)
        return EXIT_CODES[ErrorKind.VALIDATION]
    _check_data_folder()
    ctx = AppContext.create()
    if args.command == "library":
        return _library(ctx, args)
    if args.command == "key":
        return _key(ctx, args, key)
    raise AssertionError(f"unhandled command {args.command}")


class _BadOption(ValueError):
    """An option value outside its allowed range; the message names both."""


def _int_option(value: object, flag: str, minimum: int, maximum: int | None = None) -> int | None:
    """``value`` (text from the command line, or a default) as a whole number in range."""
    if value is None:
        return None
    allowed = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        raise _BadOption(f"{flag} must be a whole number {allowed} (got {value!r})")
    return number


def _check_library_options(args: argparse.Namespace) -> None:
    # --limit 0 used to say "No images." and a negative limit listed everything (SQLite
    # reads LIMIT -3 as no limit).
    if hasattr(args, "limit"):
        args.limit = _int_option(args.limit, "--limit", 1)
    if hasattr(args, "columns"):
        args.columns = _int_option(args.columns, "--columns", SHEET_MIN_COLUMNS, SHEET_MAX_COLUMNS)


def _check_key(key: str) -> None:
    # The key store would refuse these too, but as a keyring problem (exit 11) and only
    # after looking for a usable keyring: they are bad input (exit 2).
    from fluxdesk.core.keystore import key_problem

    problem = key_problem(key)
    if problem:
        raise _BadOption(problem)


def _check_data_folder() -> None:
    """Settings, library and caches all live in the data folder: when a file stands where
    it (or a folder above it) should be, say so in one line instead of letting each later
    step fail with its own "[Errno 20] Not a directory"."""
    import os

    from fluxdesk.core.errors import LibraryError
    from fluxdesk.core.paths import HOME_ENV, app_paths

    folder = app_paths().data
    for place in (folder, *folder.parents):
        try:
            if not place.exists():
                continue
            if place.is_dir():
                return
        except OSError:
            return  # (permissions…) the step that needs the folder will say what failed
        what = "is a file" if place == folder else f"cannot be created: {place} is a file"
        fix = f"point {HOME_ENV} at a folder" if os.environ.get(HOME_ENV, "").strip() else "move that file"
        raise LibraryError(f"The data folder {folder} {what}, not a folder; {fix}.")


def _validated_request_or_exit(args: argparse.Namespace) -> Any:
    from fluxdesk.core.request import build_request

    request, problems = build_request(raw_request_from_args(args))
    messages = size_problems(args) + [_with_flag(p.field, p.message) for p in problems]
    if messages:
        for message in messages:
            print(f"{PROG} generate: {message}", file=sys.stderr)
        print(f"{PROG} generate: nothing was sent.", file=sys.stderr)
        return None
    return request


class _TerminalProgress:
    """One self-rewriting status line on stderr (only when stderr is a terminal)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.text = "Submitting…"
        self.lock = threading.Lock()

    def update(self, progress: Progress) -> None:
        with self.lock:
            self.text = progress.describe().rsplit(" ", 2)[0]

    def draw(self) -> None:
        if self.enabled:
            with self.lock:
                line = f"{self.text}  {time.monotonic() - self.started:5.1f} s"
            self.stream.write("\r\x1b[2K" + line)
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _generate(ctx: AppContext, request: Any, *, as_json: bool) -> int:
    from fluxdesk.core.cancel import CancelToken
    from fluxdesk.core.generate import generate
    from fluxdesk.core.results import GenerationResult

    client = ctx.make_client()
    library = ctx.library()
    cancel = CancelToken()
    progress = _TerminalProgress(sys.stderr)
    outcome: dict[str, GenerationResult | BaseException] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            outcome["result"] = generate(request, client, library, cancel=cancel, on_progress=progress.update)
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            finished.set()

    # The work runs in a thread so Ctrl+C in the main thread can cancel it cleanly
    # (temp files removed) instead of killing it mid-write. An Event, not join(): a
    # join() interrupted by KeyboardInterrupt may not wait properly afterwards.
    threading.Thread(target=work, name="fluxdesk-generate", daemon=True).start()
    try:
        while not finished.wait(0.1):
            progress.draw()
    except KeyboardInterrupt:
        cancel.cancel()
        finished.wait()
    finally:
        progress.finish()
    error = outcome.get("error")
    if isinstance(error, BaseException):
        raise error
    result = outcome["result"]
    assert isinstance(result, GenerationResult)
    ctx.settings.remember_prompt(request.prompt)
    if as_json:
        import json  # (lazily, like every module the window does not need)

        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        for image in result.images:
            print(image.path)
    return 0


def _library(ctx: AppContext, args: argparse.Namespace) -> int:
    library = ctx.library()
    if args.library_command == "reindex":
        report = library.reindex()
        print(
            f"Reindexed {ctx.library_root}: {report.scanned} files, {report.added} added, "
            f"{report.updated} updated, {report.removed} removed, "
            f"{report.skipped_without_metadata} without FluxDesk metadata skipped."
        )
        return 0
    if args.library_command == "export-sheet":
        return _export_sheet(library, args)
    items = library.items(args.search, limit=args.limit)
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

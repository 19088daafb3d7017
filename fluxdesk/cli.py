"""The ``fluxdesk`` command line. With no command it opens the window.

Options for request parameters are generated from the parameter catalogue and passed to
``build_request`` as text, so the CLI reports bad values with exactly the same messages
(field and allowed range) as the window and the sandbox. Exit codes: see
``fluxdesk.core.errors.EXIT_CODES`` and the README.
"""

from __future__ import annotations

import argparse
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=f"{APP_NAME}: generate images with FLUX ({P.MODEL_ID}) from your desktop. "
        "Without a command, opens the window.",
        epilog="Environment: FLUXDESK_API_KEY (overrides the keyring), FLUXDESK_BASE_URL "
        f"(default {P.DEFAULT_BASE_URL}), FLUXDESK_HOME (library, settings, caches).",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="use a built-in offline sandbox API instead of the real one (no key needed)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, generate one image, exit 0 when it is saved (for packaging checks)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    gen = commands.add_parser("generate", help="generate images and save them into the library")
    _add_generate_options(gen)

    lib = commands.add_parser("library", help="list, search and reindex the local library")
    lib_commands = lib.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    lst = lib_commands.add_parser("list", help="list saved images, newest first")
    lst.add_argument("--search", metavar="TEXT", help="only images whose prompt matches TEXT")
    lst.add_argument("--limit", type=int, metavar="N", help="at most N images")
    lst.add_argument("--json", action="store_true", help="print a JSON array")
    lib_commands.add_parser("reindex", help="rebuild the index from the image files alone")
    find = lib_commands.add_parser("search", help="list images whose prompt, notes or tags match TEXT")
    find.add_argument("search", metavar="TEXT", help="words to look for (prefix match, all words)")
    find.add_argument("--limit", type=int, metavar="N", help="at most N images")
    find.add_argument("--json", action="store_true", help="print a JSON array")
    sheet = lib_commands.add_parser("export-sheet", help="write a contact sheet (PNG or PDF) of saved images")
    sheet.add_argument("output", metavar="OUTPUT", help="file to write; .png (one page) or .pdf (A4 pages)")
    sheet.add_argument("--search", metavar="TEXT", help="only images matching TEXT")
    sheet.add_argument("--limit", type=int, metavar="N", help="at most N images (newest first)")
    sheet.add_argument("--ids", metavar="1,2,3", help="exactly these image ids, in this order")
    sheet.add_argument("--title", metavar="TEXT", help="heading printed on the sheet")
    sheet.add_argument("--columns", type=int, default=4, metavar="N", help="thumbnails per row (default 4)")

    key = commands.add_parser("key", help="manage the API key in the OS keyring")
    key_commands = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_commands.add_parser("set", help="store the key (read without echo, or from stdin)")
    key_commands.add_parser("delete", help="remove the stored key")
    key_commands.add_parser("status", help="tell where the key comes from (never prints it)")

    sbx = commands.add_parser("sandbox", help="run the offline sandbox API server")
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


def _add_generate_options(gen: argparse.ArgumentParser) -> None:
    gen.add_argument("prompt", metavar="PROMPT", help=P.PROMPT_HELP)
    size = gen.add_argument_group("size", P.SIZE_HELP)
    size.add_argument(
        "--size",
        metavar="PRESET",
        help="one of "
        + ", ".join(p.value for p in P.SizePreset)
        + f" (default {P.DEFAULT_SIZE.value}) or WxH",
    )
    for spec in P.SIDE_SPECS:
        size.add_argument(
            f"--{spec.field}", metavar=spec.field[0].upper(), help=f"{spec.help} ({spec.range_text()})"
        )
    # Values stay text here: build_request validates them with the catalogue's messages.
    options = {
        P.GUIDANCE_SCALE: "--guidance-scale",
        P.NUM_INFERENCE_STEPS: "--steps",
        P.NUM_IMAGES: "--num-images",
        P.SEED: "--seed",
    }
    for spec, flag in options.items():
        default = f"; default {spec.default:g}" if spec.default is not None else ""
        gen.add_argument(
            flag, dest=spec.field, metavar="N", help=f"{spec.help} ({spec.range_text()}{default})"
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
    if args.width is not None or args.height is not None:
        raw["image_size"] = {"width": args.width, "height": args.height}
        if args.size is not None:
            raw["image_size_conflict"] = True
    elif args.size is not None:
        raw["image_size"] = args.size
    return raw


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
    _configure_logging(args.debug)
    if args.command is None:
        problem = _no_display_problem()
        if problem:
            print(f"{PROG}: {problem}", file=sys.stderr)
            return 1
        import gc

        gc.disable()  # until the first frame is on screen (see ui.app.freeze_startup_objects)
        from fluxdesk.ui.app import run_app

        return run_app(use_sandbox=args.sandbox, smoke_test=args.smoke_test)
    if args.command == "sandbox":
        from fluxdesk.core.sandbox import run_sandbox_server

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


def _configure_logging(debug: bool) -> None:
    import logging

    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _run_command(args: argparse.Namespace) -> int:
    from fluxdesk.core.context import AppContext

    if args.command == "generate":
        # Validate before anything else: bad input exits 2 without touching the network.
        request = _validated_request_or_exit(args)
        if request is None:
            return EXIT_CODES[ErrorKind.VALIDATION]
        ctx = AppContext.create(use_sandbox=args.sandbox, inference_delay=0.3)
        try:
            return _generate(ctx, request, as_json=args.json)
        finally:
            ctx.close()
    ctx = AppContext.create()
    if args.command == "library":
        return _library(ctx, args)
    if args.command == "key":
        return _key(ctx, args)
    raise AssertionError(f"unhandled command {args.command}")


def _validated_request_or_exit(args: argparse.Namespace) -> Any:
    from fluxdesk.core.request import build_request

    raw = raw_request_from_args(args)
    conflict = raw.pop("image_size_conflict", False)
    request, problems = build_request(raw)
    messages = [p.message for p in problems]
    if conflict:
        messages.insert(0, "Image size: give either --size or --width/--height, not both")
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

    from fluxdesk.core import contact_sheet as cs

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


def _key(ctx: AppContext, args: argparse.Namespace) -> int:
    store = ctx.keystore
    if args.key_command == "status":
        status = store.status()
        print(status.describe())
        return 0 if status.source.value != "none" else 1
    if args.key_command == "delete":
        removed = store.delete()
        print("API key removed from the keyring." if removed else "No API key was stored.")
        return 0
    key = _read_key()
    store.set(key)
    print(f"API key stored in the OS keyring ({store.backend_name()}).")
    return 0


def _read_key() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass("API key (input hidden): ")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()

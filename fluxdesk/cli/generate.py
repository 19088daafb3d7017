"""``fluxdesk generate``: options built from the parameter catalogue, validated by the
request model (so bad values get the same messages, field and allowed range, as in the
window and the sandbox), then one generation saved into the library."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from fluxdesk.cli.common import PROG, check_data_folder, global_options
from fluxdesk.core import params as P
from fluxdesk.core.errors import EXIT_CODES, ErrorKind

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext
    from fluxdesk.core.results import Progress

NAME = "generate"


def register(commands: Any) -> None:
    gen = commands.add_parser(
        NAME,
        parents=[global_options("--debug", "--sandbox")],
        help="generate images and save them into the library",
    )
    _add_generate_options(gen)


def run(args: argparse.Namespace) -> int:
    from fluxdesk.core.context import AppContext

    # Validate before anything else: bad input exits 2 without touching the network.
    request = _validated_request_or_exit(args)
    if request is None:
        return EXIT_CODES[ErrorKind.VALIDATION]
    check_data_folder()
    ctx = AppContext.create(use_sandbox=args.sandbox, inference_delay=0.3)
    try:
        return _generate(ctx, request, as_json=args.json)
    finally:
        ctx.close()


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

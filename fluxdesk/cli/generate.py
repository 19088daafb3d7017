"""``fluxdesk generate``: options built from the parameter catalogue, validated by the
request model (so bad values get the same messages, field and allowed range, as in the
window and the sandbox), then one generation saved into the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fluxdesk.cli.common import PROG, check_data_folder, global_options
from fluxdesk.core import params as P
from fluxdesk.core.errors import EXIT_CODES, ErrorKind

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext

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
        if args.project is not None:  # an unknown project exits 2 before anything is sent
            from fluxdesk.core.library.projects import existing

            library = ctx.library()
            library.new_image_project = existing(library, args.project, "--project")
        return _generate(ctx, request, as_json=args.json)
    finally:
        ctx.close()


def _number_help(spec: P.FieldSpec, extra: str = "") -> str:
    """The catalogue's help sentence, then the allowed range as a sentence of its own (the
    help already ends with a full stop: appending "(…)" would double the punctuation)."""
    text = spec.help.rstrip()
    if not text.endswith("."):
        text += "."
    allowed = spec.range_text()
    if spec.default is not None and not extra:
        extra = f"; default {spec.default:g}"
    elif spec.unset and not extra:
        extra = f"; if omitted, {spec.unset}"
    return f"{text} {allowed[0].upper()}{allowed[1:]}{extra}."


# The option that sets each request field, to name it in a problem the catalogue words
# for both front ends ("Images: must be …" becomes "Images (--num-images): must be …").
FIELD_FLAGS = {spec.field: spec.flag for spec in (*P.FIELDS, *P.SIDE_SPECS)}


def with_flag(field: str, message: str) -> str:
    label, colon, rest = message.partition(":")
    flag = FIELD_FLAGS.get(field)
    return f"{label} ({flag}):{rest}" if flag and colon and flag not in label else message


def _add_generate_options(gen: argparse.ArgumentParser) -> None:
    add_field_options(gen)
    gen.add_argument(
        "--preset",
        metavar="NAME",
        help="start from a saved preset's settings (see `fluxdesk preset`); options given win. "
        "With a preset whose prompt has a {subject} slot, PROMPT is the subject",
    )
    gen.add_argument(
        "--project",
        metavar="NAME|none",
        help="save this job's images into project NAME ('none': into no project) instead of the active one",
    )
    gen.add_argument("--json", action="store_true", help="print one JSON object instead of paths")


def add_field_options(parser: argparse.ArgumentParser, *, prompt_option: bool = False) -> None:
    """One argument per catalogue field, by its kind; values stay text here: build_request
    validates them with the catalogue's messages (an empty value too: it is an error).
    ``prompt_option``: the prompt is ``--prompt TEXT`` instead of the positional PROMPT."""
    for spec in P.FIELDS:
        if spec.kind == P.TEXT and prompt_option:
            parser.add_argument("--prompt", dest=spec.field, metavar="TEXT", help=spec.help)
        else:
            _ADD_OPTION[spec.kind](parser, spec)


def _add_text(gen: argparse.ArgumentParser, spec: P.FieldSpec) -> None:
    # Optional on the command line: a preset may hold the prompt (its absence is then
    # reported by the request model, naming the field, like any other bad value).
    gen.add_argument(spec.field, nargs="?", metavar=spec.flag, help=spec.help)


def _add_size(gen: argparse.ArgumentParser, spec: P.FieldSpec) -> None:
    size = gen.add_argument_group(spec.short.lower(), spec.help)
    sides = " and ".join(side.flag for side in P.SIDE_SPECS)
    size.add_argument(
        spec.flag,
        dest=spec.field,
        metavar="PRESET",
        help="one of "
        + ", ".join(p.value for p in P.SizePreset)
        + f" (default {spec.default.value}) or WxH; or give {sides} instead",
    )
    for side, other in zip(P.SIDE_SPECS, reversed(P.SIDE_SPECS), strict=True):
        size.add_argument(
            side.flag,
            dest=side.field,
            metavar=side.field[0].upper(),
            help=_number_help(side, f"; needs {other.flag}"),
        )


def _add_number(gen: argparse.ArgumentParser, spec: P.FieldSpec) -> None:
    metavar = "N" if spec.integer else "X"
    gen.add_argument(spec.flag, dest=spec.field, metavar=metavar, help=_number_help(spec))


def _add_choice(gen: argparse.ArgumentParser, spec: P.FieldSpec) -> None:
    assert spec.choices is not None
    values = " or ".join(str(c.value) for c in spec.choices)
    metavar = spec.flag.lstrip("-").upper()
    help_ = f"{spec.help} Values: {values}; default {spec.default.value}."
    gen.add_argument(spec.flag, dest=spec.field, metavar=metavar, help=help_)


def _add_switch(gen: argparse.ArgumentParser, spec: P.FieldSpec) -> None:
    # A switch on by default is turned off by its flag ("--no-…"), and the other way round.
    state, turns = ("On", "off") if spec.default else ("Off", "on")
    gen.add_argument(
        spec.flag,
        dest=spec.field,
        action="store_false" if spec.default else "store_true",
        default=None,
        help=f"{spec.help} {state} by default; this option turns it {turns}.",
    )


_ADD_OPTION: dict[str, Callable[[argparse.ArgumentParser, P.FieldSpec], None]] = {
    P.TEXT: _add_text,
    P.SIZE: _add_size,
    P.WHOLE: _add_number,
    P.NUMBER: _add_number,
    P.CHOICE: _add_choice,
    P.SWITCH: _add_switch,
}


def raw_request_from_args(args: argparse.Namespace) -> dict[str, Any]:
    raw: dict[str, Any] = {spec.field: getattr(args, spec.field) for spec in P.FIELDS if spec.kind != P.SIZE}
    # Size problems the request model cannot word for a command line (a missing partner
    # option, two alternatives at once) are reported by size_problems() instead.
    if not size_problems(args):
        if args.width is not None:
            raw["image_size"] = {side.field: getattr(args, side.field) for side in P.SIDE_SPECS}
        elif args.image_size is not None:
            raw["image_size"] = args.image_size
    return raw


def size_problems(args: argparse.Namespace) -> list[str]:
    """What is wrong with how the size options were combined, in the CLI's own words
    (the request model would say "Height: … (got None)" for a missing --height)."""
    from fluxdesk.core.request import side_problem

    sides = f"each a multiple of {P.SIDE_STEP} from {P.SIDE_MIN} to {P.SIDE_MAX}"
    given = [spec for spec in P.SIDE_SPECS if getattr(args, spec.field) is not None]
    size = P.IMAGE_SIZE
    if args.image_size is not None and given:
        return [
            f"{size.label}: {size.flag} and --width/--height are alternatives; give either a preset "
            f"with {size.flag}, or both --width and --height ({sides})"
        ]
    if len(given) != 1:
        return []
    spec = given[0]
    (other,) = (s for s in P.SIDE_SPECS if s is not spec)
    problems = [f"{size.label}: {spec.flag} needs {other.flag} as well ({sides}), or use {size.flag}"]
    problem = side_problem(spec, getattr(args, spec.field))
    return problems + ([with_flag(spec.field, problem.message)] if problem else [])


def _validated_request_or_exit(args: argparse.Namespace) -> Any:
    from fluxdesk.core.request import build_request

    raw = raw_request_from_args(args)
    if args.preset is not None:
        from fluxdesk.cli.preset import apply_named_preset

        with_preset = apply_named_preset(args.preset, raw)
        if with_preset is None:
            return None
        raw = with_preset
    request, problems = build_request(raw)
    messages = size_problems(args) + [with_flag(p.field, p.message) for p in problems]
    if messages:
        for message in messages:
            print(f"{PROG} generate: {message}", file=sys.stderr)
        print(f"{PROG} generate: nothing was sent.", file=sys.stderr)
        return None
    return request


def _generate(ctx: AppContext, request: Any, *, as_json: bool) -> int:
    """Write the job, run it; a job the API accepted is kept when a download fails."""
    from fluxdesk.cli.job_runner import partial_result, print_result, report_kept, run_job_here
    from fluxdesk.core.errors import FluxDeskError

    ctx.make_client()  # a missing key or bad base URL fails before a job is written
    store = ctx.jobs()
    job = store.add(request)
    try:
        result = run_job_here(ctx, job.id)
    except FluxDeskError as error:
        kept = store.get(job.id)
        if kept is None or not kept.accepted:
            # Nothing was billed (or nothing can be fetched): nothing to keep.
            store.discard(job.id)
            raise
        print_result(partial_result(kept), as_json=as_json, job_id=kept.id)
        return report_kept(kept, error)
    ctx.settings.remember_prompt(request.prompt)
    print_result(result, as_json=as_json)
    return 0

"""``fluxdesk inspect FILE...``: what an image file says about how it was made (FluxDesk,
A1111/Forge, ComfyUI, InvokeAI, Fooocus or plain XMP), read by the one reader in
``core/interop/readers.py``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fluxdesk.cli.common import PROG, global_options
from fluxdesk.core import params as P
from fluxdesk.core.errors import EXIT_CODES, ErrorKind

NAME = "inspect"


def register(commands: Any) -> None:
    debug = global_options("--debug")
    cmd = commands.add_parser(
        NAME,
        parents=[debug],
        help="show the prompt and settings an image file carries (FluxDesk, A1111, ComfyUI, InvokeAI…)",
    )
    cmd.add_argument("files", nargs="+", metavar="FILE", help="PNG or JPEG files")
    cmd.add_argument("--json", action="store_true", help="print a JSON array, one object per file")


def run(args: argparse.Namespace) -> int:
    from fluxdesk.core.interop.readers import UnreadableImage, read_image

    readings = []
    failed = False
    for name in args.files:
        try:
            readings.append(read_image(name))
        except UnreadableImage as problem:
            print(f"{PROG} inspect: {printable(name)}: {problem}", file=sys.stderr)
            failed = True
    if args.json:
        import json

        print(json.dumps([r.to_json() for r in readings], ensure_ascii=False, indent=1))
    else:
        for index, reading in enumerate(readings):
            if index:
                print()
            print("\n".join(describe(reading)))
    return EXIT_CODES[ErrorKind.VALIDATION] if failed else 0


def describe(reading: Any) -> list[str]:
    from fluxdesk.core.interop.readers import SOURCE_NAMES

    lines = [f"{printable(reading.path)}  ({reading.width}×{reading.height})"]
    if reading.source is None:
        lines.append("  no parameters")
    else:
        lines.append(f"  source: {SOURCE_NAMES[reading.source]}")
        if reading.prompt is not None:
            lines.append(f"  prompt: {printable(reading.prompt)}")
        # Worded as captions elsewhere ("seed 7 · steps 28 · guidance 3.5").
        found = [(s, getattr(reading, s.field)) for s in (P.SEED, P.NUM_INFERENCE_STEPS, P.GUIDANCE_SCALE)]
        values = [spec.caption(value) for spec, value in found if value is not None]
        if values:
            lines.append("  " + " · ".join(values))
        if reading.unmapped:
            lines.append("  not used by flux-realism: " + printable("; ".join(reading.unmapped)))
    lines.extend(f"  note: {printable(note)}" for note in reading.notes)
    return lines


def printable(text: str) -> str:
    """Text from a file on one line: control characters escaped by the one rule
    (``core.safe_text``; the CLI's streams would escape them too), line breaks as ⏎."""
    from fluxdesk.core.safe_text import escape_controls

    return escape_controls(str(text)).replace("\n", " ⏎ ")

"""``fluxdesk sandbox``: run the offline sandbox API server in the foreground."""

from __future__ import annotations

import argparse
from typing import Any

from fluxdesk.cli.common import global_options

NAME = "sandbox"


def register(commands: Any) -> None:
    sbx = commands.add_parser(
        NAME, parents=[global_options("--debug")], help="run the offline sandbox API server"
    )
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
        metavar="KIND[:COUNT][:NAME=VALUE,...]",
        help="inject a fault into the next COUNT requests (default 1; 'all': until stopped), "
        "e.g. cdn_error:all, image_error:all:image=2, slow_download:1:seconds=30 (README: The sandbox)",
    )


def run(args: argparse.Namespace) -> int:
    from fluxdesk.sandbox.server import run_sandbox_server

    return run_sandbox_server(args.port, args.cdn_port, args.key, args.inference_delay, args.fault)

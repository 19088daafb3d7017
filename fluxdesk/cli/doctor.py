"""``fluxdesk doctor``: check the way to the API step by step and name what fails.

Checks, in order: the API key is present, DNS, TCP, the proxy, TLS (and who issued the
certificate), and whether the API accepts the key — with a request it refuses for its
body (no prompt), so nothing is generated or billed. Exit 0 when all pass, else the exit
code of the first failure (11 no key, 7 unreachable, 8 timeout, 14 proxy, 13
certificate, 3 key rejected…).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fluxdesk.cli.common import check_data_folder, global_options

NAME = "doctor"


def register(commands: Any) -> None:
    doctor = commands.add_parser(
        NAME,
        parents=[global_options("--debug", "--sandbox")],
        help="check the connection to the API step by step (key, DNS, TCP, proxy, TLS, key accepted)",
        description="Checks, in order: the API key is present, DNS, TCP, the proxy, TLS (and who issued "
        "the certificate), and whether the API accepts the key, with a request it refuses for its body "
        "(no prompt): nothing is generated or billed. Exit 0 when all pass, else the exit code of the "
        "first failure.",
    )
    doctor.add_argument(
        "--json", action="store_true", help='print an array of {"check", "ok", "detail"} objects'
    )


def run(args: argparse.Namespace) -> int:
    import json

    from fluxdesk.core.context import AppContext

    check_data_folder()
    ctx = AppContext.create(use_sandbox=args.sandbox, inference_delay=0.0)
    try:
        diagnosis = ctx.diagnose()
        secrets = ctx.secrets()
    finally:
        ctx.close()
    if args.json:
        print(json.dumps(diagnosis.to_json(secrets), indent=2, ensure_ascii=False))
    else:
        print(diagnosis.report(secrets))
    sys.stdout.flush()
    return diagnosis.exit_code

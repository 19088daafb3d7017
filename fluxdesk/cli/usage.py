"""``fluxdesk usage``: what the API billed (images of accepted generations) today, this
month and in all, with the cost when a price per image is set; ``--price`` and ``--cap``
set the price and the daily image cap (the window's settings)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fluxdesk.cli.common import PROG, check_data_folder, global_options
from fluxdesk.core.errors import EXIT_CODES, ErrorKind

NAME = "usage"


def register(commands: Any) -> None:
    usage = commands.add_parser(
        NAME,
        parents=[global_options("--debug")],
        help="images billed today, this month and in all; set a price per image and a daily cap",
    )
    usage.add_argument("--json", action="store_true", help="print one JSON object")
    usage.add_argument(
        "--price", metavar="X", help="price per image, above 0 (your plan's price), or none to unset"
    )
    usage.add_argument(
        "--cap",
        metavar="N",
        help="at most N images a day: a job that would pass it is refused before it is sent; none: no cap",
    )


def run(args: argparse.Namespace) -> int:
    from fluxdesk.core.context import AppContext
    from fluxdesk.core.jobs import usage as U

    changes: dict[str, Any] = {}
    try:
        if args.price is not None:
            changes["price_per_image"] = U.parse_price(args.price)
        if args.cap is not None:
            changes["daily_cap"] = U.parse_cap(args.cap)
    except ValueError as problem:
        print(f"{PROG} usage: {problem}", file=sys.stderr)
        return EXIT_CODES[ErrorKind.VALIDATION]
    check_data_folder()
    ctx = AppContext.create()
    try:
        if changes:
            for name, value in changes.items():
                setattr(ctx.settings, name, value)
            ctx.save_settings()
        price = U.price_setting(ctx.settings.price_per_image)
        cap = U.cap_setting(ctx.settings.daily_cap)
        report = ctx.jobs().usage(price, cap)
    finally:
        ctx.close()
    if args.json:
        import json

        print(json.dumps(report.to_json(), ensure_ascii=False))
        return 0
    for label, figures in (("Today", report.today), ("This month", report.month), ("All time", report.total)):
        plural = "" if figures.generations == 1 else "s"
        line = f"{label + ':':<12}{figures.generations} generation{plural}, {figures.images} images"
        if figures.cost is not None:
            line += f", cost {U.format_cost(figures.cost)}"
        print(line)
    print(f"Price per image: {U.format_cost(price) if price is not None else 'not set (--price X)'}")
    if cap is None:
        print("Daily cap: none (--cap N)")
    else:
        print(f"Daily cap: {cap} images ({U.cap_left(cap, report.today.images)} left today)")
    return 0

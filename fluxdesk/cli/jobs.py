"""``fluxdesk jobs``: the unfinished jobs of the job store (queued, interrupted, whose
download failed, or that failed), retried (downloading only what an accepted job misses:
never a second generation request) or discarded."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fluxdesk.cli.common import PROG, BadOption, check_data_folder, global_options, int_option
from fluxdesk.core.errors import EXIT_CODES, ErrorKind

NAME = "jobs"


def register(commands: Any) -> None:
    debug = global_options("--debug")
    jobs = commands.add_parser(
        NAME, parents=[debug], help="list, retry or discard unfinished jobs (paid images not yet saved)"
    )
    actions = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    lst = actions.add_parser("list", parents=[debug], help="unfinished jobs, oldest first")
    lst.add_argument("--json", action="store_true", help="print a JSON array")
    retry = actions.add_parser(
        "retry",
        parents=[debug],
        help="download what an accepted job misses (no new generation), "
        "or send a job that never reached the API",
    )
    retry.add_argument("job_id", metavar="ID", help="the job's id (see `jobs list`)")
    retry.add_argument("--json", action="store_true", help="print one JSON object instead of paths")
    discard = actions.add_parser("discard", parents=[debug], help="forget a job and its temporary files")
    discard.add_argument("job_id", metavar="ID", help="the job's id (see `jobs list`)")


def run(args: argparse.Namespace) -> int:
    from fluxdesk.core.context import AppContext

    job_id = None
    if args.jobs_command != "list":
        try:
            job_id = int_option(args.job_id, "ID", 1)
        except BadOption as problem:
            print(f"{PROG} jobs {args.jobs_command}: {problem}", file=sys.stderr)
            return EXIT_CODES[ErrorKind.VALIDATION]
    check_data_folder()
    ctx = AppContext.create()
    try:
        if job_id is None:
            return _list(ctx, as_json=args.json)
        store = ctx.jobs()
        job = store.get(job_id)
        if job is None or job.state.value == "done":
            print(
                f"{PROG} jobs {args.jobs_command}: no unfinished job {job_id} (see `{PROG} jobs list`)",
                file=sys.stderr,
            )
            return EXIT_CODES[ErrorKind.VALIDATION]
        if args.jobs_command == "discard":
            store.discard(job_id)
            print(f"Job {job_id} discarded.", file=sys.stderr)
            return 0
        return _retry(ctx, job_id, as_json=args.json)
    finally:
        ctx.close()


def _list(ctx: Any, *, as_json: bool) -> int:
    jobs = ctx.jobs().unfinished()
    if as_json:
        import json

        print(json.dumps([job.to_json() for job in jobs], ensure_ascii=False, indent=1))
        return 0
    if not jobs:
        print("No unfinished jobs.", file=sys.stderr)
        return 0
    for job in jobs:
        prompt = " ".join(job.request.prompt.split())
        prompt = prompt if len(prompt) <= 50 else prompt[:49] + "…"
        saved = f"{job.images_saved}/{job.images_total} saved"
        error = f"  ({job.error})" if job.error else ""
        print(f"{job.id:>5}  {job.created[:19]}  {job.state.value:<15}  {saved:<10}  {prompt}{error}")
    return 0


def _retry(ctx: Any, job_id: int, *, as_json: bool) -> int:
    from fluxdesk.cli.job_runner import partial_result, print_result, report_kept, run_job_here
    from fluxdesk.core.errors import FluxDeskError

    try:
        result = run_job_here(ctx, job_id)
    except FluxDeskError as error:
        kept = ctx.jobs().get(job_id)
        if kept is None or not kept.accepted:
            raise
        print_result(partial_result(kept), as_json=as_json, job_id=job_id)
        return report_kept(kept, error)
    print_result(result, as_json=as_json)
    return 0

"""A job written with a stack id (a sweep's cell) saves its images into that stack, also
when its missing images are downloaded again by a later process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fluxdesk.core import metadata as md
from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.jobs.model import JobState
from fluxdesk.core.jobs.runner import run_job
from fluxdesk.core.jobs.schema import SCHEMA_VERSION
from fluxdesk.core.jobs.store import JobStore
from fluxdesk.core.library.store import Library
from fluxdesk.core.request import validated_request
from fluxdesk.sandbox.server import Sandbox


def test_a_stacked_jobs_images_keep_its_stack_when_downloaded_again(sandbox: Sandbox, tmp_path: Path) -> None:
    client = ApiClient(ClientConfig(base_url=sandbox.base_url, api_key=sandbox.api_key))
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.add(validated_request({"prompt": "a fox", "num_images": 2}), stack="sweep-0001")
    plain = store.add(validated_request({"prompt": "a dog"}))
    sandbox.inject("not_an_image", count=1)  # one of the two downloads fails
    with Library(tmp_path / "lib") as library, pytest.raises(FluxDeskError):
        run_job(store, job.id, client, library)
    # A later process (a restart): the store still knows the stack; the rest joins it.
    again = JobStore(tmp_path / "jobs.sqlite3")
    kept = again.require(job.id)
    assert (kept.state, kept.stack, again.require(plain.id).stack) == (
        JobState.DOWNLOAD_FAILED,
        "sweep-0001",
        "",
    )
    with Library(tmp_path / "lib") as library:
        run_job(again, job.id, client, library)
        run_job(again, plain.id, client, library)
        fox = [i for i in library.items() if i.prompt == "a fox"]
        (dog,) = [i for i in library.items() if i.prompt == "a dog"]
    assert len(fox) == 2 and {i.job for i in fox} == {"sweep-0001"}
    assert {md.read_file(i.path).job for i in fox} == {"sweep-0001"}  # type: ignore[union-attr]
    assert dog.job not in ("", "sweep-0001")  # a job of its own: its own stack id
    version = sqlite3.connect(tmp_path / "jobs.sqlite3").execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION == 2

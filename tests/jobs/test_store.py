"""The job store itself: written before sending, crash recovery across processes, the
cap counting what other processes have on their way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fluxdesk.core.errors import DailyCapError, NetworkError
from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.jobs.model import JobState
from fluxdesk.core.jobs.runner import run_job
from fluxdesk.core.jobs.store import INTERRUPTED_BEFORE_ANSWER, JobStore
from fluxdesk.core.library.store import Library
from fluxdesk.core.request import validated_request
from fluxdesk.sandbox.server import Sandbox


def client_for(sandbox: Sandbox) -> ApiClient:
    return ApiClient(ClientConfig(base_url=sandbox.base_url, api_key=sandbox.api_key))


def test_a_job_is_written_before_its_request_is_sent(sandbox: Sandbox, tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.add(validated_request({"prompt": "a fox", "num_images": 2}))
    seen: list[JobState] = []

    class Spy(Library):
        def reserve_path(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(store.require(job.id).state)  # what the store says mid-download
            return super().reserve_path(*args, **kwargs)

    sandbox.inject("drop_connection")
    with pytest.raises(NetworkError):
        run_job(store, job.id, client_for(sandbox), Library(tmp_path / "lib"))
    failed = store.require(job.id)
    assert failed.state is JobState.FAILED and "Cannot reach the API" in failed.error
    assert store.usage(None, None).total.images == 0  # no answer: nothing billed

    result = run_job(store, job.id, client_for(sandbox), Spy(tmp_path / "lib"))  # sent again
    assert seen == [JobState.ACCEPTED, JobState.ACCEPTED]
    assert len(result.images) == 2
    done = store.get(job.id)
    assert done is not None and done.state is JobState.DONE and done.images_saved == 2
    assert store.unfinished() == []
    assert store.usage(None, None).total.images == 2


@pytest.mark.subprocess
def test_a_job_left_sent_by_a_dead_process_is_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "jobs.sqlite3"
    code = (
        "import os, sys\n"
        "from fluxdesk.core.jobs.store import JobStore\n"
        "from fluxdesk.core.request import validated_request\n"
        f"store = JobStore({str(db)!r})\n"
        "job = store.add(validated_request({'prompt': 'lost'}))\n"
        "store.mark_sent(job.id)\n"
        "os._exit(0)\n"  # dies as a killed process would: nothing is cleaned up
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    (job,) = JobStore(db).unfinished()
    assert job.state is JobState.INTERRUPTED and job.error == INTERRUPTED_BEFORE_ANSWER
    assert not job.accepted and not job.can_download_again


def test_the_cap_counts_jobs_on_their_way_in_other_processes(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    other = store.add(validated_request({"prompt": "a", "num_images": 3}))
    store.mark_sent(other.id, daily_cap=4)  # still running (this process is alive)
    mine = store.add(validated_request({"prompt": "b", "num_images": 2}))
    with pytest.raises(DailyCapError) as refused:
        store.mark_sent(mine.id, daily_cap=4)
    assert refused.value.exit_code == 15
    assert (refused.value.cap, refused.value.used, refused.value.asked) == (4, 3, 2)
    assert store.require(mine.id).state is JobState.QUEUED  # unchanged: nothing was sent
    store.mark_sent(mine.id, daily_cap=5)
    assert store.require(mine.id).state is JobState.SENT

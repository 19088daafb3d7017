"""Never lose a paid image, never pay twice (issue 14), as a user meets it on the command
line: real `fluxdesk` processes against the real loopback sandbox, real files. Each test
ends with the right images saved, the job listed or gone, no `.part` file left and the
sandbox's log showing exactly one generation request per job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from fluxdesk.core.metadata import read_file
from fluxdesk.sandbox.server import Sandbox

pytestmark = pytest.mark.subprocess


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def _env(home: Path, sandbox: Sandbox | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    env["FLUXDESK_HOME"] = str(home)
    if sandbox is not None:
        env["FLUXDESK_BASE_URL"] = sandbox.base_url
        env["FLUXDESK_API_KEY"] = sandbox.api_key
    return env


def run(*args: str, home: Path, sandbox: Sandbox | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fluxdesk", *args],
        capture_output=True,
        text=True,
        env=_env(home, sandbox),
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def generation_posts(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.server == "api" and r.path == "/v1/images/generations")


def listed(home: Path) -> list[dict[str, Any]]:
    result = run("jobs", "list", "--json", home=home)
    assert result.returncode == 0, result.stderr
    jobs = json.loads(result.stdout)
    assert isinstance(jobs, list)
    return jobs


def library_images(home: Path) -> list[Path]:
    return sorted(p for p in (home / "library").rglob("*") if p.suffix in (".jpg", ".png"))


def part_files(home: Path) -> list[Path]:
    return sorted(p for p in home.rglob("*") if p.name.endswith(".part"))


def test_all_downloads_failing_keeps_the_job_and_retry_downloads_only(sandbox: Sandbox, home: Path) -> None:
    sandbox.inject("cdn_error", count=1000)  # every attempt, retries included
    result = run("generate", "a red fox", "--num-images", "2", "--seed", "42", home=home, sandbox=sandbox)

    assert result.returncode == 10, result.stderr
    assert result.stdout == ""  # nothing was saved
    (job,) = listed(home)
    assert result.stderr.strip().splitlines()[-1] == (
        f"fluxdesk: 0 of 2 images saved; the rest are paid for and kept as job {job['id']}: "
        f"run fluxdesk jobs retry {job['id']}"
    )
    assert job == {
        "id": job["id"],
        "state": "download_failed",
        "created": job["created"],
        "prompt": "a red fox",
        "seed": 42,
        "images_total": 2,
        "images_saved": 0,
        "error": job["error"],
    }
    assert "HTTP 500" in job["error"]
    assert library_images(home) == [] and part_files(home) == []

    sandbox.clear_faults()
    retried = run("jobs", "retry", str(job["id"]), home=home, sandbox=sandbox)
    assert retried.returncode == 0, retried.stderr
    paths = [Path(line) for line in retried.stdout.splitlines()]
    assert len(paths) == 2 and paths == library_images(home)
    assert [read_file(p).index for p in paths] == [0, 1]  # type: ignore[union-attr]
    assert {read_file(p).seed for p in paths} == {42}  # type: ignore[union-attr]
    assert listed(home) == []
    assert part_files(home) == []
    assert generation_posts(sandbox) == 1  # the retry sent no generation request

    usage = json.loads(run("usage", "--json", home=home).stdout)
    assert usage["today"] == {"generations": 1, "images": 2, "cost": None}  # billed once


def test_one_image_of_a_batch_failing_saves_the_others_at_once(sandbox: Sandbox, home: Path) -> None:
    sandbox.inject("not_an_image", count=1)  # the first download to arrive gets HTML
    result = run("generate", "a quiet harbour", "--num-images", "4", home=home, sandbox=sandbox)

    assert result.returncode == 10, result.stderr
    saved = [Path(line) for line in result.stdout.splitlines()]
    assert len(saved) == 3 and saved == library_images(home)  # printed as on success
    (job,) = listed(home)
    assert (job["state"], job["images_total"], job["images_saved"]) == ("download_failed", 4, 3)
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith(f"kept as job {job['id']}: run fluxdesk jobs retry {job['id']}")
    )
    assert part_files(home) == []

    retried = run("jobs", "retry", str(job["id"]), "--json", home=home, sandbox=sandbox)
    assert retried.returncode == 0, retried.stderr
    data = json.loads(retried.stdout)
    assert len(data["images"]) == 4
    assert sorted(Path(i["path"]) for i in data["images"]) == library_images(home)
    assert len(library_images(home)) == 4
    assert sorted(read_file(p).index for p in library_images(home)) == [0, 1, 2, 3]  # type: ignore[union-attr]
    # The retried image records the same request, seed and batch time as its siblings.
    records = [read_file(p) for p in library_images(home)]
    assert len({json.dumps(m.request, sort_keys=True) for m in records}) == 1  # type: ignore[union-attr]
    assert len({(m.seed, m.created) for m in records}) == 1  # type: ignore[union-attr]
    assert listed(home) == [] and part_files(home) == []
    assert generation_posts(sandbox) == 1
    assert json.loads(run("usage", "--json", home=home).stdout)["total"]["images"] == 4


def test_sigkill_during_a_download_leaves_an_interrupted_job(sandbox: Sandbox, home: Path) -> None:
    sandbox.inject("slow_download", count=2, seconds=60, chunks=600)
    process = subprocess.Popen(
        [sys.executable, "-m", "fluxdesk", "generate", "a slow river", "--num-images", "2"],
        env=_env(home, sandbox),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        # Killed once both downloads are under way (bytes in their .part files).
        for _ in range(600):
            parts = part_files(home)
            if len(parts) == 2 and all(p.stat().st_size > 0 for p in parts):
                break
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        else:
            pytest.fail("the downloads never started")
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL

    # A later process finds the job interrupted and removes its temporary files.
    (job,) = listed(home)
    assert (job["state"], job["images_total"], job["images_saved"]) == ("interrupted", 2, 0)
    assert part_files(home) == []

    sandbox.clear_faults()
    retried = run("jobs", "retry", str(job["id"]), home=home, sandbox=sandbox)
    assert retried.returncode == 0, retried.stderr
    assert [Path(line) for line in retried.stdout.splitlines()] == library_images(home)
    assert len(library_images(home)) == 2
    assert listed(home) == [] and part_files(home) == []
    assert generation_posts(sandbox) == 1


def test_expired_urls_are_said_plainly_and_the_job_can_be_discarded(home: Path) -> None:
    first = Sandbox().start()
    try:
        first.inject("cdn_error", count=1000)
        result = run("generate", "a lost lighthouse", "--num-images", "2", home=home, sandbox=first)
        assert result.returncode == 10, result.stderr
        assert generation_posts(first) == 1
        cdn_port = first.cdn_port
    finally:
        first.stop()
    (job,) = listed(home)

    # The CDN forgot the files (a restarted sandbox on the same port: every link 404s).
    later = Sandbox(cdn_port=cdn_port).start()
    try:
        retried = run("jobs", "retry", str(job["id"]), home=home, sandbox=later)
        assert generation_posts(later) == 0
    finally:
        later.stop()
    assert retried.returncode == 10, retried.stderr
    lines = retried.stderr.strip().splitlines()
    assert "no longer has it (HTTP 404): its link has expired" in lines[-2]
    assert lines[-1] == (
        f"fluxdesk: 0 of 2 images saved; the others can no longer be downloaded: "
        f"run fluxdesk jobs discard {job['id']}"
    )
    (still,) = listed(home)
    assert still["state"] == "download_failed" and "expired" in still["error"]

    discarded = run("jobs", "discard", str(job["id"]), home=home)
    assert discarded.returncode == 0, discarded.stderr
    assert listed(home) == [] and library_images(home) == [] and part_files(home) == []
    assert run("jobs", "discard", str(job["id"]), home=home).returncode == 2


def test_unknown_and_bad_job_ids_exit_2(home: Path) -> None:
    for args in (("retry", "7"), ("discard", "7"), ("retry", "x"), ("retry", "0")):
        result = run("jobs", *args, home=home)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_api_failures_count_nothing_and_keep_no_job(sandbox: Sandbox, home: Path) -> None:
    sandbox.inject("server_error")
    result = run("generate", "a fox", home=home, sandbox=sandbox)
    assert result.returncode == 6, result.stderr
    assert listed(home) == []
    assert json.loads(run("usage", "--json", home=home).stdout)["total"] == {
        "generations": 0,
        "images": 0,
        "cost": None,
    }


def test_usage_price_and_cap(sandbox: Sandbox, home: Path) -> None:
    assert run("usage", "--price", "0.025", "--cap", "3", home=home).returncode == 0
    assert run("generate", "one", "--num-images", "2", home=home, sandbox=sandbox).returncode == 0
    refused = run("generate", "two", "--num-images", "2", home=home, sandbox=sandbox)
    assert refused.returncode == 15
    assert refused.stderr.strip() == (
        "fluxdesk: Daily cap reached: 2 more images would pass the cap of 3 images a day "
        "(2 used today). Nothing was sent; raise the cap in Settings or with `fluxdesk usage --cap N`."
    )
    assert generation_posts(sandbox) == 1 and listed(home) == []
    data = json.loads(run("usage", "--json", home=home).stdout)
    assert data == {
        "today": {"generations": 1, "images": 2, "cost": 0.05},
        "month": {"generations": 1, "images": 2, "cost": 0.05},
        "total": {"generations": 1, "images": 2, "cost": 0.05},
        "price_per_image": 0.025,
        "daily_cap": 3,
    }
    text = run("usage", home=home).stdout
    assert "Today:      1 generation, 2 images, cost 0.05" in text
    assert "Daily cap: 3 images (1 left today)" in text

    assert run("usage", "--cap", "none", "--price", "none", home=home).returncode == 0
    data = json.loads(run("usage", "--json", home=home).stdout)
    assert (data["price_per_image"], data["daily_cap"], data["today"]["cost"]) == (None, None, None)
    for bad in (("--cap", "0"), ("--cap", "2.5"), ("--price", "-1"), ("--price", "nan"), ("--price", "free")):
        result = run("usage", *bad, home=home)
        assert result.returncode == 2, bad
        assert (
            result.stderr.startswith(f"fluxdesk usage: {bad[0]} must be") and result.stderr.count("\n") == 1
        )

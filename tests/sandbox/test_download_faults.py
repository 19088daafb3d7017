"""The CDN faults persistent jobs and download-only retry are tested with (issue 14), and
the request log's counts: over real loopback HTTP, and through the real client."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from fluxdesk.core import errors as E
from fluxdesk.core import params as P
from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.generation.generate import FolderSink, generate
from fluxdesk.core.request import validated_request
from fluxdesk.sandbox.faults import Fault, FaultKind, make_fault, parse_fault_spec
from fluxdesk.sandbox.server import Sandbox, run_sandbox_server

# Retries with back-off and deadlines that must pass: seconds each, so not in the quick subset.
pytestmark = pytest.mark.slow

TIMEOUT = 5


def urls(sandbox: Sandbox, **fields: Any) -> list[str]:
    body = {"model": P.MODEL_ID, "prompt": "a lighthouse at dusk", **fields}
    response = requests.post(
        sandbox.base_url + P.API_PATH, json=body, headers={"Authorization": "Bearer sandbox"}, timeout=TIMEOUT
    )
    assert response.status_code == 201, response.text
    return [image["url"] for image in response.json()["images"]]


def status(url: str) -> int:
    return requests.get(url, timeout=TIMEOUT).status_code


def client_for(sandbox: Sandbox) -> ApiClient:
    return ApiClient(ClientConfig(base_url=sandbox.base_url, api_key=sandbox.api_key))


def saved(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- over HTTP ----------------------------------------------------------------------------------


def test_cdn_drop_hangs_up_until_cleared(sandbox: Sandbox) -> None:
    (url,) = urls(sandbox)
    sandbox.inject(FaultKind.CDN_DROP, count=None)
    for _ in range(3):
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=TIMEOUT)
    assert sandbox.pending_faults() == [(FaultKind.CDN_DROP, None)]  # every download fails
    sandbox.clear_faults()
    assert status(url) == 200


def test_image_error_fails_only_that_image_of_each_batch(sandbox: Sandbox) -> None:
    sandbox.inject(FaultKind.IMAGE_ERROR, count=None, image=2)
    first, second, third = urls(sandbox, num_images=3)
    assert [status(first), status(second), status(third), status(second)] == [200, 500, 200, 500]
    assert requests.get(second, timeout=TIMEOUT).json()["message"] == "CDN error for image 2 of its batch"
    (single,) = urls(sandbox)
    assert status(single) == 200  # a batch of one has no second image
    sandbox.inject(FaultKind.IMAGE_ERROR, image=1, status=404)  # a count of one: once
    assert [status(single), status(single)] == [404, 200]


def test_expired_url_after_the_first_requests(sandbox: Sandbox) -> None:
    first, second = urls(sandbox, num_images=2)
    sandbox.inject(FaultKind.EXPIRED_URL, count=None, after_requests=2)
    assert [status(first), status(second), status(first), status(second)] == [200, 200, 404, 404]
    sandbox.clear_faults()
    sandbox.inject(FaultKind.EXPIRED_URL, count=None, status=403)
    response = requests.get(first, timeout=TIMEOUT)
    assert response.status_code == 403 and response.json()["message"] == "Request has expired"


def test_expired_url_after_a_time_spares_younger_files(sandbox: Sandbox) -> None:
    (old,) = urls(sandbox)
    sandbox.inject(FaultKind.EXPIRED_URL, count=None, after_seconds=0.3)
    assert status(old) == 200  # not yet expired
    time.sleep(0.35)
    (young,) = urls(sandbox)
    assert (status(old), status(young)) == (404, 200)


def test_a_fault_for_other_requests_lets_a_later_fault_act(sandbox: Sandbox) -> None:
    sandbox.inject(FaultKind.IMAGE_ERROR, count=None, image=3)
    sandbox.inject(FaultKind.CDN_ERROR)
    (url,) = urls(sandbox)
    assert [status(url), status(url)] == [500, 200]
    assert sandbox.pending_faults() == [(FaultKind.IMAGE_ERROR, None)]


def test_slow_download_is_configurable_from_the_command_line_syntax(sandbox: Sandbox) -> None:
    (url,) = urls(sandbox, output_format="png")
    sandbox.inject_many([parse_fault_spec("slow_download:2:seconds=0.4,chunks=4")])
    for _ in range(2):
        started = time.monotonic()
        assert status(url) == 200
        assert time.monotonic() - started >= 0.3  # 3 of the 4 pauses come before the end
    assert sandbox.pending_faults() == []


def test_the_control_endpoint_takes_counts_of_all(sandbox: Sandbox) -> None:
    control = sandbox.base_url + "/_sandbox/faults"
    body = {"faults": [{"kind": "expired_url", "count": None, "status": 403, "after_requests": 1}]}
    answer = requests.post(control, json=body, timeout=TIMEOUT)
    assert answer.json() == {"faults": [{"kind": "expired_url", "count": None}]}
    bad = {"faults": [{"kind": "expired_url", "status": 500}]}  # expiry is 404 or 403
    assert requests.post(control, json=bad, timeout=TIMEOUT).status_code == 400
    (url,) = urls(sandbox)
    assert [status(url), status(url)] == [200, 403]


# -- the command-line syntax --------------------------------------------------------------------


def test_parse_fault_spec_reads_count_all_and_options() -> None:
    assert parse_fault_spec("cdn_error") == Fault(FaultKind.CDN_ERROR, 1)
    assert parse_fault_spec("CDN_DROP:all") == Fault(FaultKind.CDN_DROP, None)
    assert parse_fault_spec("image_error:all:image=2,status=503") == make_fault(
        "image_error", None, {"image": 2, "status": 503}
    )
    assert parse_fault_spec("expired_url:status=403") == make_fault("expired_url", 1, {"status": 403})
    assert parse_fault_spec("slow_download:3:seconds=0.5") == make_fault("slow_download", 3, {"seconds": 0.5})
    assert parse_fault_spec("truncated_image:mode=short_file").options == {"mode": "short_file"}
    bad_specs = ["image_error:all:image=0", "image_error:picture=2", "expired_url:status=500"]
    for bad in [*bad_specs, "slow:x", "slow:0", "slow:1:seconds"]:
        with pytest.raises(ValueError):
            parse_fault_spec(bad)


def test_run_sandbox_server_refuses_a_bad_fault_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_sandbox_server(0, 0, "k", 0.0, ["image_error:all:status=200"]) == 2
    assert capsys.readouterr().err == "fluxdesk sandbox: image_error: bad value for status: 200\n"


@pytest.mark.subprocess
@pytest.mark.slow
def test_fluxdesk_sandbox_takes_a_fault_with_options() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fluxdesk", "sandbox", "--port", "0", "--fault", "image_error:all:image=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().split()[3]
        body = {"model": P.MODEL_ID, "prompt": "x"}
        answer = requests.post(
            base_url + P.API_PATH, json=body, headers={"Authorization": "Bearer sandbox"}, timeout=TIMEOUT
        )
        url = answer.json()["images"][0]["url"]
        assert [status(url), status(url)] == [500, 500]
        counts = requests.get(base_url + "/_sandbox/requests", timeout=TIMEOUT).json()["counts"]
        assert counts == {"generation_requests": 1, "generations": 1, "images": 1, "downloads": 0}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- the request log's counts -------------------------------------------------------------------


def test_counts_tell_generation_requests_from_what_was_billed(sandbox: Sandbox) -> None:
    first, second = urls(sandbox, num_images=2)
    sandbox.inject(FaultKind.SERVER_ERROR)
    refused = requests.post(
        sandbox.base_url + P.API_PATH, json={"prompt": "x"}, headers={"Authorization": "Bearer x"}, timeout=5
    )
    assert refused.status_code == 500  # the fault comes first, as on a real outage
    assert status(first) == 200 and status(second) == 200
    requests.head(first, timeout=TIMEOUT)  # a size probe is no download
    counts = sandbox.counts()
    assert (counts.generation_requests, counts.generations, counts.images, counts.downloads) == (2, 1, 2, 2)
    assert [r.body["prompt"] for r in sandbox.generation_requests] == ["a lighthouse at dusk", "x"]
    log = requests.get(sandbox.base_url + "/_sandbox/requests", timeout=TIMEOUT).json()
    assert log["counts"] == counts.to_json()
    sandbox.clear_requests()
    assert sandbox.counts().to_json() == dict.fromkeys(counts.to_json(), 0)


# -- through the real client: what a job sees ---------------------------------------------------


def test_every_download_failing_saves_nothing_after_one_generation_request(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.inject(FaultKind.CDN_DROP, count=None)
    with pytest.raises(E.NetworkError) as caught:
        request = validated_request({"prompt": "x", "num_images": 2})
        generate(request, client_for(sandbox), FolderSink(tmp_path))
    assert caught.value.exit_code == 7
    assert saved(tmp_path) == []  # no .part file either
    assert len(sandbox.generation_requests) == 1 and sandbox.counts().downloads == 0
    cdn = [r for r in sandbox.requests if r.server == "cdn"]
    assert len(cdn) == 2 * 4  # each image: the first try and the client's three retries


def test_the_nth_image_failing_keeps_the_others(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.inject(FaultKind.IMAGE_ERROR, count=None, image=3)
    request = validated_request({"prompt": "x", "num_images": 4, "seed": 11})
    with pytest.raises(E.BadImageError) as caught:
        generate(request, client_for(sandbox), FolderSink(tmp_path))
    assert caught.value.exit_code == 10 and "3 of 4 images were saved" in caught.value.message
    names = saved(tmp_path)
    assert len(names) == 3 and not any(name.endswith("_2.jpg") for name in names)  # index 2: the third
    assert len(sandbox.generation_requests) == 1


def test_expired_urls_are_a_bad_image_error_and_not_retried(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.inject(FaultKind.EXPIRED_URL, count=None, status=403)
    with pytest.raises(E.BadImageError, match="HTTP 403"):
        generate(validated_request({"prompt": "x"}), client_for(sandbox), FolderSink(tmp_path))
    assert len([r for r in sandbox.requests if r.server == "cdn"]) == 1
    assert saved(tmp_path) == [] and len(sandbox.generation_requests) == 1

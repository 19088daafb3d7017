"""The offline sandbox, exercised over real loopback HTTP (no mocks)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from fluxdesk.core import params as P
from fluxdesk.sandbox.render import bomb_png, render_image
from fluxdesk.sandbox.server import (
    RANDOM_SEED_MAX,
    Fault,
    FaultKind,
    Sandbox,
    parse_fault_spec,
)

TIMEOUT = 5


def post(sandbox: Sandbox, body: Any, *, key: str | None = "sandbox", **kwargs: Any) -> requests.Response:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return requests.post(sandbox.base_url + P.API_PATH, json=body, headers=headers, timeout=TIMEOUT, **kwargs)


def generate(sandbox: Sandbox, **fields: Any) -> dict[str, Any]:
    response = post(sandbox, {"model": P.MODEL_ID, "prompt": "a lighthouse at dusk", **fields})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def download(url: str) -> requests.Response:
    return requests.get(url, timeout=TIMEOUT)


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# -- the normal path -------------------------------------------------------------------------


def test_success_has_exactly_the_documented_shape(sandbox: Sandbox) -> None:
    response = post(sandbox, {"model": P.MODEL_ID, "prompt": "A T-Rex on a sun lounger"})
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"images", "timings", "seed", "has_nsfw_concepts", "prompt"}
    assert data["prompt"] == "A T-Rex on a sun lounger"
    assert set(data["timings"]) == {"inference"}
    assert 1 <= data["seed"] <= RANDOM_SEED_MAX
    assert data["has_nsfw_concepts"] == [False]
    (image,) = data["images"]
    assert set(image) == {"url", "width", "height", "content_type"}
    # landscape_4_3 and JPEG are the documented defaults.
    assert (image["width"], image["height"], image["content_type"]) == (1024, 768, "image/jpeg")
    url = urlsplit(image["url"])
    assert url.hostname == "127.0.0.1"
    assert url.port == sandbox.cdn_port != sandbox.port
    assert url.path.startswith("/files/") and url.path.endswith(".jpg")


@pytest.mark.parametrize(
    ("fields", "size", "fmt"),
    [
        ({"image_size": {"width": 1472, "height": 512}}, (1472, 512), "JPEG"),
        ({"image_size": "portrait_16_9", "output_format": "png"}, (576, 1024), "PNG"),
    ],
)
def test_downloaded_image_has_the_exact_size_and_format(
    sandbox: Sandbox, fields: dict[str, Any], size: tuple[int, int], fmt: str
) -> None:
    data = generate(sandbox, **fields)
    response = download(data["images"][0]["url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == data["images"][0]["content_type"]
    assert int(response.headers["Content-Length"]) == len(response.content)
    image = decode(response.content)
    assert image.size == size
    assert image.format == fmt


def test_same_seed_and_prompt_give_identical_bytes_and_batches_vary(sandbox: Sandbox) -> None:
    first = generate(sandbox, seed=4134117142, num_images=3, output_format="png", image_size="square")
    again = generate(sandbox, seed=4134117142, num_images=3, output_format="png", image_size="square")
    assert first["seed"] == again["seed"] == 4134117142
    assert len({img["url"] for img in first["images"] + again["images"]}) == 6  # fresh URLs
    batch = [download(img["url"]).content for img in first["images"]]
    assert [download(img["url"]).content for img in again["images"]] == batch
    assert len(set(batch)) == 3  # image i comes from (seed, i)
    # ... not from seed + i: the API has one seed per batch, the sandbox does not pretend.
    next_seed = generate(sandbox, seed=4134117143, output_format="png", image_size="square")
    assert download(next_seed["images"][0]["url"]).content not in batch
    other = generate(
        sandbox, seed=4134117142, prompt="something else", output_format="png", image_size="square"
    )
    assert download(other["images"][0]["url"]).content != batch[0]


def test_random_seeds_reach_past_32_bit_signed(sandbox: Sandbox) -> None:
    seeds = {generate(sandbox)["seed"] for _ in range(8)}
    assert len(seeds) == 8
    assert all(1 <= s <= RANDOM_SEED_MAX for s in seeds)
    assert any(s > 2**31 for s in seeds)  # all eight below: probability below 2**-250


def test_nsfw_flag_follows_the_word_and_the_safety_checker(sandbox: Sandbox) -> None:
    flagged = generate(sandbox, prompt="an NSFW poster", num_images=2)
    assert flagged["has_nsfw_concepts"] == [True, True]
    # Like the real service, a flagged image comes back black.
    assert decode(download(flagged["images"][0]["url"]).content).getextrema() == ((0, 0), (0, 0), (0, 0))
    unchecked = generate(sandbox, prompt="an NSFW poster", enable_safety_checker=False)
    assert unchecked["has_nsfw_concepts"] == [False]
    assert generate(sandbox, prompt="nsfwish")["has_nsfw_concepts"] == [False]


def test_inference_delay_is_reported_in_timings() -> None:
    with Sandbox(inference_delay=0.2) as slow:
        started = time.monotonic()
        data = generate(slow)
        assert time.monotonic() - started >= 0.2
        assert data["timings"]["inference"] >= 0.2


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "wrong", ""])
def test_missing_or_wrong_key_is_401_json(sandbox: Sandbox, key: str | None) -> None:
    response = post(sandbox, {"model": P.MODEL_ID, "prompt": "x"}, key=key)
    assert response.status_code == 401
    message = response.json()["message"]
    assert message and "sandbox" not in message


def test_invalid_fields_are_422_naming_every_field(sandbox: Sandbox) -> None:
    body = {
        "model": P.MODEL_ID,
        "prompt": "",
        "image_size": {"width": 500, "height": 768},
        "num_images": "2",  # strict JSON typing: a string is not a number
        "guidance_scale": 25,
        "output_format": "gif",
    }
    response = post(sandbox, body)
    assert response.status_code == 422
    data = response.json()
    fields = [e["field"] for e in data["errors"]]
    assert set(fields) == {"prompt", "width", "num_images", "guidance_scale", "output_format"}
    assert data["message"] == "; ".join(e["message"] for e in data["errors"])


def test_non_json_bodies_are_refused(sandbox: Sandbox) -> None:
    url = sandbox.base_url + P.API_PATH
    auth = {"Authorization": "Bearer sandbox"}
    as_text = requests.post(url, data="prompt=x", headers=auth, timeout=TIMEOUT)
    assert as_text.status_code == 415
    broken = requests.post(
        url, data="{", headers={**auth, "Content-Type": "application/json"}, timeout=TIMEOUT
    )
    assert broken.status_code == 400
    assert post(sandbox, ["a", "list"]).status_code == 400
    assert requests.get(url, timeout=TIMEOUT).status_code == 405
    assert download(sandbox.cdn_base_url + "/files/nope.png").status_code == 404


# -- API faults ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "options", "status"),
    [
        (FaultKind.RATE_LIMIT, {}, 429),
        (FaultKind.UNAVAILABLE, {"retry_after": 3}, 503),
        (FaultKind.SERVER_ERROR, {}, 500),
        (FaultKind.UNAUTHORIZED, {}, 401),
        (FaultKind.FORBIDDEN, {}, 403),
    ],
)
def test_status_faults_answer_json_once(
    sandbox: Sandbox, kind: FaultKind, options: dict[str, Any], status: int
) -> None:
    sandbox.inject(kind, **options)
    response = post(sandbox, {"model": P.MODEL_ID, "prompt": "x"})
    assert response.status_code == status
    assert response.json()["message"]
    if kind in (FaultKind.RATE_LIMIT, FaultKind.UNAVAILABLE):
        assert response.headers["Retry-After"] == str(options.get("retry_after", 1))
    assert post(sandbox, {"model": P.MODEL_ID, "prompt": "x"}).status_code == 201


def test_count_applies_a_fault_to_that_many_requests(sandbox: Sandbox) -> None:
    sandbox.inject("rate_limit", count=2, retry_after=2)
    statuses = [post(sandbox, {"model": P.MODEL_ID, "prompt": "x"}).status_code for _ in range(3)]
    assert statuses == [429, 429, 201]
    assert sandbox.pending_faults() == []


def test_bad_gateway_and_not_json_send_html(sandbox: Sandbox) -> None:
    sandbox.inject(FaultKind.BAD_GATEWAY)
    gateway = post(sandbox, {"model": P.MODEL_ID, "prompt": "x"})
    assert gateway.status_code == 502 and gateway.headers["Content-Type"] == "text/html"
    sandbox.inject(FaultKind.NOT_JSON)
    created = post(sandbox, {"model": P.MODEL_ID, "prompt": "x"})
    assert created.status_code == 201 and created.headers["Content-Type"] == "text/html"
    with pytest.raises(ValueError):
        created.json()


def test_missing_images(sandbox: Sandbox) -> None:
    sandbox.inject(FaultKind.MISSING_IMAGES)
    response = post(sandbox, {"model": P.MODEL_ID, "prompt": "x", "seed": 7})
    assert response.status_code == 201
    assert "images" not in response.json()
    assert response.json()["seed"] == 7


def test_slow_delays_the_answer(sandbox: Sandbox) -> None:
    sandbox.inject(FaultKind.SLOW, seconds=0.3)
    started = time.monotonic()
    assert post(sandbox, {"model": P.MODEL_ID, "prompt": "x"}).status_code == 201
    assert time.monotonic() - started >= 0.3
    sandbox.inject(FaultKind.SLOW, seconds=5)
    with pytest.raises(requests.Timeout):
        requests.post(
            sandbox.base_url + P.API_PATH,
            json={"model": P.MODEL_ID, "prompt": "x"},
            headers={"Authorization": "Bearer sandbox"},
            timeout=0.2,
        )


def test_drop_connection_closes_without_a_response(sandbox: Sandbox) -> None:
    sandbox.inject(FaultKind.DROP_CONNECTION)
    with pytest.raises(requests.ConnectionError):
        post(sandbox, {"model": P.MODEL_ID, "prompt": "x"})
    assert post(sandbox, {"model": P.MODEL_ID, "prompt": "x"}).status_code == 201


def test_stop_is_prompt_even_during_a_slow_fault() -> None:
    box = Sandbox().start()
    box.inject(FaultKind.SLOW, seconds=30)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            post(box, {"model": P.MODEL_ID, "prompt": "x"})
        except requests.RequestException as error:
            errors.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.2)
    box.stop()
    caller.join(timeout=30)  # a liveness bound (stop must not wait for the fault), not a timing
    assert not caller.is_alive() and errors


# -- CDN faults ------------------------------------------------------------------------------


def test_slow_download_trickles_the_whole_file(sandbox: Sandbox) -> None:
    url = generate(sandbox, seed=3, output_format="png")["images"][0]["url"]
    expected = download(url).content
    sandbox.inject(FaultKind.SLOW_DOWNLOAD, seconds=0.4, chunks=8)
    started = time.monotonic()
    pieces: list[bytes] = []
    with requests.get(url, timeout=TIMEOUT, stream=True) as response:
        assert int(response.headers["Content-Length"]) == len(expected)
        for piece in response.iter_content(chunk_size=1024):
            if not pieces:
                first_byte = time.monotonic()
            pieces.append(piece)
    assert b"".join(pieces) == expected
    # The body starts and then trickles: most of the 0.4 s lie between the first byte and
    # the last (lower bounds only: a busy machine can only make the gaps longer).
    assert time.monotonic() - first_byte >= 0.25
    assert time.monotonic() - started >= 0.35


def test_truncated_image_short_body_breaks_the_connection(sandbox: Sandbox) -> None:
    url = generate(sandbox)["images"][0]["url"]
    sandbox.inject(FaultKind.TRUNCATED_IMAGE)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        download(url)
    assert decode(download(url).content).size == (1024, 768)


def test_truncated_image_short_file_is_complete_http_but_a_cut_image(sandbox: Sandbox) -> None:
    url = generate(sandbox, output_format="png")["images"][0]["url"]
    whole = download(url).content
    sandbox.inject(FaultKind.TRUNCATED_IMAGE, mode="short_file")
    response = download(url)
    assert response.status_code == 200
    assert response.content == whole[: len(whole) // 2]
    with pytest.raises(OSError):
        decode(response.content)


def test_not_an_image_is_html(sandbox: Sandbox) -> None:
    url = generate(sandbox)["images"][0]["url"]
    sandbox.inject(FaultKind.NOT_AN_IMAGE)
    response = download(url)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/html"
    with pytest.raises(OSError):
        decode(response.content)


def test_bomb_is_small_but_claims_a_huge_size(sandbox: Sandbox) -> None:
    url = generate(sandbox)["images"][0]["url"]
    sandbox.inject(FaultKind.BOMB)
    response = download(url)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    assert len(response.content) < 300_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(response.content))
    # Opening reads only the header, so the claim can be checked with the guard off.
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        assert Image.open(io.BytesIO(response.content)).size == (40000, 40000)
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def test_bomb_png_is_a_valid_png() -> None:
    # A size that is cheap to decode fully still takes the repeated-block path.
    image = decode(bomb_png(3000, 2000))
    assert image.size == (3000, 2000) and image.getextrema() == (0, 0)


def test_cdn_redirect_goes_to_another_host_name_without_the_key(sandbox: Sandbox) -> None:
    url = generate(sandbox, output_format="png")["images"][0]["url"]
    sandbox.inject(FaultKind.CDN_REDIRECT)
    first = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
    assert first.status_code == 302
    location = urlsplit(first.headers["Location"])
    assert location.hostname == "localhost" and location.port == sandbox.cdn_port
    assert location.path == urlsplit(url).path
    sandbox.inject(FaultKind.CDN_REDIRECT)
    followed = download(url)
    assert followed.status_code == 200 and decode(followed.content).format == "PNG"
    cdn = [r for r in sandbox.requests if r.server == "cdn"]
    assert [urlsplit("//" + (r.header("host") or "")).hostname for r in cdn] == [
        "127.0.0.1",
        "127.0.0.1",
        "localhost",
    ]
    assert not any(r.has_header("Authorization") for r in cdn)


def test_cdn_error_once_then_success(sandbox: Sandbox) -> None:
    url = generate(sandbox)["images"][0]["url"]
    sandbox.inject(FaultKind.CDN_ERROR)
    head = requests.head(url, timeout=TIMEOUT)  # HEAD does not use up a fault
    assert head.status_code == 200 and int(head.headers["Content-Length"]) > 0
    assert download(url).status_code == 500
    assert download(url).status_code == 200


def test_api_and_cdn_faults_queue_independently(sandbox: Sandbox) -> None:
    sandbox.inject(FaultKind.CDN_ERROR)
    sandbox.inject(FaultKind.SERVER_ERROR)
    assert post(sandbox, {"model": P.MODEL_ID, "prompt": "x"}).status_code == 500
    url = generate(sandbox)["images"][0]["url"]
    assert download(url).status_code == 500
    sandbox.inject(FaultKind.RATE_LIMIT)
    sandbox.clear_faults()
    assert sandbox.pending_faults() == []


def test_inject_refuses_unknown_kinds_and_options(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        sandbox.inject("meteor")
    with pytest.raises(ValueError):
        sandbox.inject(FaultKind.RATE_LIMIT, retry_afterr=1)
    with pytest.raises(ValueError):
        sandbox.inject(FaultKind.TRUNCATED_IMAGE, mode="sideways")
    with pytest.raises(ValueError):
        sandbox.inject(FaultKind.SLOW, count=0)
    with pytest.raises(ValueError):
        sandbox.inject(FaultKind.SLOW, seconds="2")
    assert sandbox.pending_faults() == []


# -- control endpoint and request log ----------------------------------------------------------


def test_control_endpoint_queues_faults_and_lists_requests(sandbox: Sandbox) -> None:
    control = sandbox.base_url + "/_sandbox/faults"
    queued = requests.post(
        control, json={"faults": [{"kind": "rate_limit", "count": 1, "retry_after": 2}]}, timeout=TIMEOUT
    )
    assert queued.status_code == 200
    assert queued.json() == {"faults": [{"kind": "rate_limit", "count": 1}]}
    limited = post(sandbox, {"model": P.MODEL_ID, "prompt": "x"})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"

    assert requests.post(control, json={"faults": [{"kind": "meteor"}]}, timeout=TIMEOUT).status_code == 400
    assert requests.post(control, json={"oops": 1}, timeout=TIMEOUT).status_code == 400
    bad_value = {"faults": [{"kind": "cdn_error"}, {"kind": "slow", "seconds": "2"}]}
    assert requests.post(control, json=bad_value, timeout=TIMEOUT).status_code == 400
    assert sandbox.pending_faults() == []  # all or nothing

    log = requests.get(sandbox.base_url + "/_sandbox/requests", timeout=TIMEOUT).json()["requests"]
    assert len(log) == 1  # control calls are not recorded
    (entry,) = log
    assert entry["server"] == "api" and entry["method"] == "POST" and entry["path"] == P.API_PATH
    assert entry["body"] == {"model": P.MODEL_ID, "prompt": "x"}
    assert entry["authorized"] is True
    assert entry["headers"]["Authorization"] == "<redacted>"


def test_request_log_records_both_servers_without_key_values(sandbox: Sandbox) -> None:
    post(sandbox, {"model": P.MODEL_ID, "prompt": "x"}, key="not-the-key")
    data = generate(sandbox)
    download(data["images"][0]["url"])
    api_wrong, api_ok, cdn = sandbox.requests
    assert (api_wrong.server, api_wrong.authorized) == ("api", False)
    assert (api_ok.server, api_ok.authorized) == ("api", True)
    assert (cdn.server, cdn.method, cdn.authorized) == ("cdn", "GET", None)
    assert cdn.path == urlsplit(data["images"][0]["url"]).path
    assert not cdn.has_header("authorization")
    assert all("not-the-key" not in repr(r) and "Bearer" not in repr(r) for r in sandbox.requests)
    sandbox.clear_requests()
    assert sandbox.requests == []


# -- rendering and the command-line entry -----------------------------------------------------


@pytest.mark.parametrize("fmt", list(P.OutputFormat))
def test_render_is_exact_and_deterministic(fmt: P.OutputFormat) -> None:
    # (How fast it renders is measured by benchmarks/sandbox_render.py, not here.)
    args: dict[str, Any] = {"seed": 2**33 + 5, "prompt": "speed", "width": 1536, "height": 1536, "fmt": fmt}
    data = render_image(**args)
    assert data == render_image(**args)
    image = decode(data)
    assert image.size == (1536, 1536) and image.format == fmt.name


def test_parse_fault_spec() -> None:
    assert parse_fault_spec("rate_limit") == Fault(FaultKind.RATE_LIMIT, 1)
    assert parse_fault_spec("CDN_ERROR:3") == Fault(FaultKind.CDN_ERROR, 3)
    for bad in ("meteor", "slow:x", "slow:0"):
        with pytest.raises(ValueError):
            parse_fault_spec(bad)


@pytest.mark.subprocess
def test_run_sandbox_server_prints_urls_and_stops_on_sigterm() -> None:
    code = (
        "import sys; from fluxdesk.sandbox.server import run_sandbox_server; "
        "sys.exit(run_sandbox_server(0, 0, 'k3y', 0.0, ['rate_limit:1']))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        assert proc.stdout is not None
        api_line = proc.stdout.readline()
        cdn_line = proc.stdout.readline()
        hint = proc.stdout.readline()
        assert api_line.startswith("FluxDesk sandbox API: http://127.0.0.1:") and "(key: k3y)" in api_line
        assert cdn_line.startswith("FluxDesk sandbox CDN: http://127.0.0.1:")
        base_url = api_line.split()[3]
        assert f"FLUXDESK_BASE_URL={base_url}" in hint and "FLUXDESK_API_KEY=k3y" in hint
        body = {"model": P.MODEL_ID, "prompt": "x"}
        headers = {"Authorization": "Bearer k3y"}
        first = requests.post(base_url + P.API_PATH, json=body, headers=headers, timeout=TIMEOUT)
        assert first.status_code == 429  # the fault given on the command line
        second = requests.post(base_url + P.API_PATH, json=body, headers=headers, timeout=TIMEOUT)
        assert second.status_code == 201
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
        assert proc.stderr is not None and proc.stderr.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

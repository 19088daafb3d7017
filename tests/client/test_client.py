"""The API client and the generation pipeline against the real loopback sandbox.

Every error type of the client is provoked for real (HTTP status, dropped socket, slow
server, broken image bytes) and must come back as its typed error, leave nothing
partial on disk, and never reveal the key.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from fluxdesk.core import errors as E
from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.generation.generate import FolderSink, generate
from fluxdesk.core.metadata import read_file
from fluxdesk.core.request import GenerationRequest, validated_request
from fluxdesk.sandbox.server import Sandbox

KEY = "sandbox"


def client_for(sandbox: Sandbox, **overrides: object) -> ApiClient:
    options: dict[str, object] = {"base_url": sandbox.base_url, "api_key": sandbox.api_key}
    options.update(overrides)
    return ApiClient(ClientConfig(**options))  # type: ignore[arg-type]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


def assert_no_key_leak(sandbox: Sandbox, *texts: str) -> None:
    for text in texts:
        assert sandbox.api_key not in text
    cdn = [r for r in sandbox.requests if r.server == "cdn"]
    assert cdn and all(not r.has_header("Authorization") and r.authorized is None for r in cdn)


def test_generate_four_png_images_end_to_end(sandbox: Sandbox, out: Path) -> None:
    request = validated_request(
        {"prompt": "a lighthouse at dusk", "image_size": "1536x512", "num_images": 4, "output_format": "png"}
    )
    seen: list[str] = []
    result = generate(
        request, client_for(sandbox), FolderSink(out), on_progress=lambda p: seen.append(p.stage.value)
    )
    assert len(result.images) == 4
    assert result.seed >= 1
    for i, image in enumerate(result.images):
        assert image.index == i
        with Image.open(image.path) as decoded:
            assert decoded.format == "PNG" and decoded.size == (1536, 512)
        meta = read_file(image.path)
        assert meta is not None and meta.seed == result.seed and meta.prompt == "a lighthouse at dusk"
        assert meta.request["image_size"] == {"width": 1536, "height": 512}
    assert not [name for name in files_in(out) if name.endswith(".part")]
    assert seen[0] == "submitting" and seen[-1] == "done" and "downloading" in seen
    # The key went to the API host only.
    api = [r for r in sandbox.requests if r.server == "api"]
    assert api and all(r.authorized for r in api)
    assert_no_key_leak(sandbox)


def test_same_seed_gives_the_same_bytes(sandbox: Sandbox, tmp_path: Path) -> None:
    request = validated_request({"prompt": "fox", "seed": 4134117142, "image_size": "square"})
    a = generate(request, client_for(sandbox), FolderSink(tmp_path / "a"))
    b = generate(request, client_for(sandbox), FolderSink(tmp_path / "b"))
    assert a.seed == b.seed == 4134117142
    with Image.open(a.images[0].path) as ia, Image.open(b.images[0].path) as ib:
        assert ia.tobytes() == ib.tobytes()


def test_wrong_key_is_an_authentication_error(
    sandbox: Sandbox, out: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "sk-wrong-key-123456"
    with pytest.raises(E.AuthenticationError) as info:
        generate(validated_request({"prompt": "x"}), client_for(sandbox, api_key=secret), FolderSink(out))
    assert info.value.status == 401 and info.value.kind is E.ErrorKind.AUTHENTICATION
    assert secret not in str(info.value) and secret not in repr(info.value) and secret not in caplog.text
    assert files_in(out) == []


def test_forbidden_is_an_authentication_error(sandbox: Sandbox) -> None:
    sandbox.inject("forbidden")
    with pytest.raises(E.AuthenticationError) as info:
        client_for(sandbox).submit(validated_request({"prompt": "x"}))
    assert info.value.status == 403


def test_check_key(sandbox: Sandbox) -> None:
    client_for(sandbox).check_key()
    with pytest.raises(E.AuthenticationError):
        client_for(sandbox, api_key="nope").check_key()


def test_server_validation_error_carries_the_servers_message(sandbox: Sandbox) -> None:
    # Built directly, bypassing our own validation, to see the server's 422.
    with pytest.raises(E.ServerValidationError) as info:
        client_for(sandbox).submit(GenerationRequest(prompt="x", num_images=9))
    assert "Images" in str(info.value) and "1 to 4" in str(info.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {
                "message": [
                    {"path": ["prompt"], "message": "Required"},
                    {"path": "seed", "message": "Too big"},
                ]
            },
            "prompt: Required; seed: Too big",
        ),
        (
            {"detail": [{"loc": ["body", "num_images"], "msg": "must be at most 4"}]},
            "num_images: must be at most 4",
        ),
        ({"errors": "x", "message": [{"code": "bad"}]}, "code: bad"),
    ],
)
def test_a_422_listing_problems_reads_as_words(body: dict[str, object], expected: str) -> None:
    """Real API 422 bodies list ``{path, message}`` items: the user sees words, not a dict."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Refuses(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            data = json.dumps(body).encode()
            self.send_response(422)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuses)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = ClientConfig(base_url=f"http://127.0.0.1:{server.server_port}", api_key=KEY)
        with pytest.raises(E.ServerValidationError) as info:
            ApiClient(config).submit(validated_request({"prompt": "x"}))
    finally:
        server.shutdown()
        server.server_close()
    assert expected in str(info.value) and "{" not in str(info.value)


def test_generate_refuses_an_invalid_request_without_sending(sandbox: Sandbox, out: Path) -> None:
    with pytest.raises(E.InvalidRequestError):
        generate(GenerationRequest(prompt="x", num_inference_steps=99), client_for(sandbox), FolderSink(out))
    assert sandbox.requests == []


def test_429_is_retried_honouring_retry_after(sandbox: Sandbox, out: Path) -> None:
    sandbox.inject("rate_limit", count=2, retry_after=0.2)
    started = time.monotonic()
    result = generate(validated_request({"prompt": "x"}), client_for(sandbox), FolderSink(out))
    assert time.monotonic() - started >= 0.4
    assert len(result.images) == 1
    assert len([r for r in sandbox.requests if r.server == "api"]) == 3


def test_a_wait_for_a_retry_is_reported(sandbox: Sandbox, out: Path) -> None:
    """The window's job line says so while a 429 keeps it waiting (it said "Generating…")."""
    sandbox.inject("rate_limit", count=1, retry_after=0.3)
    notes: list[str] = []
    generate(
        validated_request({"prompt": "x"}),
        client_for(sandbox),
        FolderSink(out),
        on_progress=lambda p: notes.append(p.describe().rsplit(" ", 2)[0]),
    )
    assert "The API asked to wait: retrying in 1 s…" in notes


def test_503_is_retried(sandbox: Sandbox) -> None:
    sandbox.inject("unavailable", count=1, retry_after=0.1)
    assert client_for(sandbox).submit(validated_request({"prompt": "x"})).images


def test_429_gives_up_after_three_retries(sandbox: Sandbox) -> None:
    sandbox.inject("rate_limit", count=10, retry_after=0.05)
    with pytest.raises(E.RateLimitedError) as info:
        client_for(sandbox).submit(validated_request({"prompt": "x"}))
    assert len([r for r in sandbox.requests if r.server == "api"]) == 4  # 1 + 3 retries
    assert info.value.retry_after is not None and "Try again" in str(info.value)


def test_a_retry_after_beyond_the_budget_fails_at_once(sandbox: Sandbox) -> None:
    sandbox.inject("rate_limit", count=1, retry_after=90)
    with pytest.raises(E.RateLimitedError) as info:
        client_for(sandbox).submit(validated_request({"prompt": "x"}))
    assert len([r for r in sandbox.requests if r.server == "api"]) == 1  # no wait, no retry
    assert info.value.retry_after == 90 and "90 s" in str(info.value)


def test_total_retry_wait_is_bounded(sandbox: Sandbox) -> None:
    sandbox.inject("rate_limit", count=3, retry_after=0.4)
    client = client_for(sandbox, max_retry_wait=1.0)
    with pytest.raises(E.RateLimitedError):
        client.submit(validated_request({"prompt": "x"}))
    # Two waits of 0.4 s fit in the 1 s budget, the third does not.
    assert len([r for r in sandbox.requests if r.server == "api"]) == 3


@pytest.mark.parametrize(("fault", "status"), [("server_error", 500), ("bad_gateway", 502)])
def test_other_5xx_on_the_post_are_not_retried(sandbox: Sandbox, fault: str, status: int) -> None:
    sandbox.inject(fault, count=1)
    with pytest.raises(E.ServerError) as info:
        client_for(sandbox).submit(validated_request({"prompt": "x"}))
    assert info.value.status == status and info.value.retryable
    assert len([r for r in sandbox.requests if r.server == "api"]) == 1


def test_dropped_connection_is_a_network_error_and_not_resent(sandbox: Sandbox) -> None:
    sandbox.inject("drop_connection")
    with pytest.raises(E.NetworkError) as info:
        client_for(sandbox).submit(validated_request({"prompt": "x"}))
    assert len([r for r in sandbox.requests if r.server == "api"]) == 1
    # The request went out before the connection closed: it may have been billed, and
    # "check your internet connection" would be wrong.
    assert info.value.cause is E.NetCause.SENT
    assert "may have accepted it, and billed it" in str(info.value) and "internet" not in str(info.value)


def test_offline_is_a_network_error(out: Path) -> None:
    with socket.socket() as s:  # a port that is certainly closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = ApiClient(ClientConfig(base_url=f"http://127.0.0.1:{port}", api_key=KEY))
    with pytest.raises(E.NetworkError) as info:
        generate(validated_request({"prompt": "x"}), client, FolderSink(out))
    assert "Cannot reach" in str(info.value) and KEY not in str(info.value)


def test_slow_server_is_a_timeout(sandbox: Sandbox) -> None:
    sandbox.inject("slow", seconds=3)
    with pytest.raises(E.TimeoutError_) as info:
        client_for(sandbox, read_timeout=0.3).submit(validated_request({"prompt": "x"}))
    assert "0.3 s" in str(info.value)


@pytest.mark.parametrize("fault", ["not_json", "missing_images"])
def test_bad_response(sandbox: Sandbox, fault: str) -> None:
    sandbox.inject(fault)
    with pytest.raises(E.BadResponseError):
        client_for(sandbox).submit(validated_request({"prompt": "x"}))


@pytest.mark.parametrize(
    ("fault", "options", "words"),
    [
        ("truncated_image", {"mode": "short_body"}, "cut short"),
        ("truncated_image", {"mode": "short_file"}, "truncated"),
        ("not_an_image", {}, "not a PNG or JPEG"),
        ("bomb", {}, "far more pixels than the API"),  # Pillow's own guard trips first
        ("bomb", {"width": 4000, "height": 4000}, "4000×4000 pixels"),  # ours trips first
    ],
)
def test_bad_images_leave_nothing_behind(
    sandbox: Sandbox, out: Path, fault: str, options: dict[str, object], words: str
) -> None:
    sandbox.inject(fault, count=1, **options)
    request = validated_request({"prompt": "x", "output_format": "png"})
    with pytest.raises(E.BadImageError) as info:
        generate(request, client_for(sandbox), FolderSink(out))
    assert words in str(info.value)
    assert files_in(out) == []


def test_one_bad_image_of_four_keeps_the_good_ones_and_says_so(sandbox: Sandbox, out: Path) -> None:
    sandbox.inject("not_an_image", count=1)
    with pytest.raises(E.BadImageError) as info:
        generate(validated_request({"prompt": "x", "num_images": 4}), client_for(sandbox), FolderSink(out))
    assert "of 4 images were saved" in str(info.value)
    assert not [n for n in files_in(out) if n.endswith(".part")]


def test_cdn_errors_are_retried_for_downloads(sandbox: Sandbox, out: Path) -> None:
    sandbox.inject("cdn_error", count=2)
    result = generate(validated_request({"prompt": "x"}), client_for(sandbox), FolderSink(out))
    assert len(result.images) == 1


def test_redirect_to_another_host_never_carries_the_key(sandbox: Sandbox, out: Path) -> None:
    sandbox.inject("cdn_redirect", count=4)
    result = generate(
        validated_request({"prompt": "x", "num_images": 2}), client_for(sandbox), FolderSink(out)
    )
    assert len(result.images) == 2
    hosts = {r.header("Host") for r in sandbox.requests if r.server == "cdn"}
    assert any(h and h.startswith("localhost") for h in hosts)
    assert_no_key_leak(sandbox)


def test_cancel_during_download_stops_quickly_and_cleans_up(sandbox: Sandbox, out: Path) -> None:
    sandbox.inject("slow_download", count=4, seconds=5, chunks=50)
    cancel = CancelToken()
    outcome: dict[str, BaseException] = {}

    def work() -> None:
        try:
            generate(
                validated_request({"prompt": "x", "num_images": 4}),
                client_for(sandbox),
                FolderSink(out),
                cancel=cancel,
            )
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(0.6)
    cancel.cancel()
    thread.join(30)  # a liveness bound, not a timing: the trickled download takes far longer
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), E.CancelledError)
    assert files_in(out) == []


def test_cancel_during_a_retry_wait(sandbox: Sandbox) -> None:
    sandbox.inject("rate_limit", count=1, retry_after=30)
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(E.CancelledError):
        client_for(sandbox).submit(validated_request({"prompt": "x"}), cancel)
    # Not a timing: the wait asked for is 30 s, so ending well before it means it was cut.
    assert time.monotonic() - started < 25


def test_config_repr_hides_the_key() -> None:
    assert KEY not in repr(ClientConfig(base_url="http://x", api_key=KEY))


@pytest.mark.subprocess
def test_a_base_url_that_is_no_address_is_refused_before_sending(tmp_path: Path) -> None:
    """FLUXDESK_BASE_URL="not a url": one line naming the setting, the invalid-input exit
    code, nothing sent (it used to say the API's answer could not be read, exit 9)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    env.update(FLUXDESK_HOME=str(tmp_path / "home"), FLUXDESK_API_KEY="sk-any", FLUXDESK_BASE_URL="not a url")
    done = subprocess.run(
        [sys.executable, "-m", "fluxdesk", "generate", "a fox"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "fluxdesk: Invalid request: Base URL: must be an http:// or https:// address such as "
        "https://api.aimlapi.com (got 'not a url'); set it in Settings or with FLUXDESK_BASE_URL"
    ]

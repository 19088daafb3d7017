"""The in-process fake client: held to the same outcomes as the real client against the
loopback sandbox, fault by fault, and shown to need no socket."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from fluxdesk.core import errors as E
from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.generation.generate import FolderSink, generate
from fluxdesk.core.generation.results import GenerationClient, Progress, Stage
from fluxdesk.core.metadata import read_file
from fluxdesk.core.request import validated_request
from fluxdesk.sandbox.fake import FAKE_API_URL, FakeClient
from fluxdesk.sandbox.server import Sandbox
from fluxdesk.sandbox.state import SandboxControls

# Retries with back-off and deadlines that must pass: seconds each, so not in the quick subset.
pytestmark = pytest.mark.slow

# (fault kind or None, count, options, request fields): each is run through both clients.
SCENARIOS: list[tuple[str | None, int | None, dict[str, Any], dict[str, Any]]] = [
    (None, 1, {}, {"num_images": 2, "output_format": "png"}),
    ("rate_limit", 1, {"retry_after": 0}, {}),
    ("rate_limit", 4, {"retry_after": 0}, {}),
    ("rate_limit", 1, {"retry_after": 120}, {}),  # beyond the 60 s budget: at once
    ("unavailable", 4, {"retry_after": 0}, {}),
    ("server_error", 1, {}, {}),
    ("bad_gateway", 1, {}, {}),
    ("unauthorized", 1, {}, {}),
    ("forbidden", 1, {"message": "not this model"}, {}),
    ("slow", 1, {"seconds": 0.05}, {}),
    ("not_json", 1, {}, {}),
    ("missing_images", 1, {}, {}),
    ("drop_connection", 1, {}, {}),
    ("cdn_error", 1, {}, {}),  # retried: saved
    ("cdn_error", None, {}, {"num_images": 2}),
    ("cdn_drop", None, {}, {}),
    ("image_error", None, {"image": 2}, {"num_images": 3}),
    ("image_error", 1, {"image": 1, "status": 404}, {}),
    ("expired_url", None, {"status": 403}, {}),
    ("expired_url", None, {"after_requests": 1}, {}),  # (two images would race for the first)
    ("truncated_image", 1, {}, {}),
    ("truncated_image", 1, {"mode": "short_file"}, {"output_format": "png"}),
    ("not_an_image", 1, {}, {}),
    ("bomb", 1, {}, {}),
    ("cdn_redirect", 1, {}, {"output_format": "png"}),
    ("slow_download", 1, {"seconds": 0.05, "chunks": 3}, {}),
]


def outcome(
    client: GenerationClient, box: SandboxControls, folder: Path, scenario: tuple[Any, ...], host: str
) -> dict[str, Any]:
    kind, count, options, fields = scenario
    if kind is not None:
        box.inject(kind, count, **options)
    request = validated_request({"prompt": "a lighthouse at dusk", "seed": 5, **fields})
    try:
        result = generate(request, client, FolderSink(folder))
        error = None
    except E.FluxDeskError as exc:
        error = (type(exc).__name__, exc.exit_code, str(exc).replace(host, "HOST"))
        result = None
    return {
        "error": error,
        "saved": sorted(p.name.split("_", 1)[1] for p in folder.iterdir()) if folder.exists() else [],
        "seed": result.seed if result else None,
        "api requests": len([r for r in box.requests if r.server == "api"]),
        "cdn requests": len([r for r in box.requests if r.server == "cdn"]),
        "counts": box.counts(),
    }


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s[0]}-{s[1]}-{len(s[2])}")
def test_the_fake_ends_as_the_real_client_does(
    sandbox: Sandbox, tmp_path: Path, scenario: tuple[Any, ...]
) -> None:
    real = ApiClient(ClientConfig(base_url=sandbox.base_url, api_key=sandbox.api_key))
    real_host = sandbox.cdn_base_url if scenario[0] == "cdn_drop" else sandbox.base_url
    expected = outcome(real, sandbox, tmp_path / "real", scenario, real_host.removeprefix("http://"))
    fake = FakeClient()
    fake_host = fake.cdn_base_url if scenario[0] == "cdn_drop" else fake.base_url
    got = outcome(fake, fake, tmp_path / "fake", scenario, fake_host.removeprefix("http://").split("/")[0])
    assert got == expected
    assert got["counts"].generation_requests >= 1  # (the scenario did reach the API)


def test_the_fake_saves_the_sandbox_images_with_their_metadata(sandbox: Sandbox, tmp_path: Path) -> None:
    request = validated_request({"prompt": "x", "seed": 42, "output_format": "png", "image_size": "square"})
    real = ApiClient(ClientConfig(base_url=sandbox.base_url, api_key=sandbox.api_key))
    (by_http,) = generate(request, real, FolderSink(tmp_path / "real")).images
    (in_process,) = generate(request, FakeClient(), FolderSink(tmp_path / "fake")).images
    assert read_file(in_process.path).seed == read_file(by_http.path).seed == 42
    assert in_process.byte_size == by_http.byte_size


def test_the_fake_opens_no_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fake opened a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fake = FakeClient()
    fake.inject("image_error", None, image=2)
    with pytest.raises(E.BadImageError):
        generate(validated_request({"prompt": "x", "num_images": 3}), fake, FolderSink(tmp_path))
    assert len(list(tmp_path.iterdir())) == 2
    assert len(fake.generation_requests) == 1 and fake.base_url == FAKE_API_URL


def test_progress_and_cancel_during_a_slow_download(tmp_path: Path) -> None:
    fake = FakeClient()
    fake.inject("slow_download", seconds=30, chunks=300)
    cancel = CancelToken()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.stage is Stage.DOWNLOADING and progress.bytes_done:
            cancel.cancel()

    with pytest.raises(E.CancelledError):
        request = validated_request({"prompt": "x"})
        generate(request, fake, FolderSink(tmp_path), cancel=cancel, on_progress=on_progress)
    assert list(tmp_path.iterdir()) == []  # the .part file went with the cancel
    assert [p.stage for p in seen][:2] == [Stage.SUBMITTING, Stage.DOWNLOADING]
    assert fake.counts().downloads == 0


def test_a_rate_limit_wait_is_reported_and_cancellable() -> None:
    fake = FakeClient()
    fake.inject("rate_limit", retry_after=30)
    cancel = CancelToken()
    waits: list[float] = []

    def on_wait(seconds: float) -> None:
        waits.append(seconds)
        threading.Timer(0.05, cancel.cancel).start()

    with pytest.raises(E.CancelledError):
        fake.submit(validated_request({"prompt": "x"}), cancel, on_wait)
    assert waits == [30.0] and len(fake.generation_requests) == 1


def test_an_inference_delay_can_be_cancelled() -> None:
    fake = FakeClient(inference_delay=30)
    cancel = CancelToken()
    threading.Timer(0.05, cancel.cancel).start()
    with pytest.raises(E.CancelledError):
        fake.submit(validated_request({"prompt": "x"}), cancel)
    assert fake.counts().generations == 0

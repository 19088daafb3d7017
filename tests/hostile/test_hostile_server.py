"""The client and the generation pipeline against a hostile loopback server.

Each case is an attack that once worked: a server trickling one byte at a time past
every per-read timeout, endless or huge JSON, more images than were asked for, an
image 40000 pixels wide, huge numbers in timings, redirect loops and a redirect to
``file://``. Every one must end in its typed error (or a bounded result) and leave no
partial file behind.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from fluxdesk.core import errors as E
from fluxdesk.core import params as P
from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.generation.client import MAX_REDIRECTS, ApiClient, ClientConfig
from fluxdesk.core.generation.generate import FolderSink, generate
from fluxdesk.core.limits import MAX_API_JSON_BYTES
from fluxdesk.core.metadata import read_file
from fluxdesk.core.request import GenerationRequest, validated_request
from tests.hostile.server import (
    HostileServer,
    endless_json_route,
    file_route,
    json_route,
    redirect_route,
    send_response,
    trickle_route,
)

# Retries with back-off and deadlines that must pass: seconds each, so not in the quick subset.
pytestmark = pytest.mark.slow

SEED = 4134117142


def png(width: int = 512, height: int = 512) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def answer(server: HostileServer, count: int = 1, seed: object = SEED, **extra: object) -> dict[str, object]:
    return {
        "images": [{"url": server.url(f"/img/{i}.png"), "content_type": "image/png"} for i in range(count)],
        "seed": seed,
        **extra,
    }


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    """Ends the trickling routes when a test is done."""
    event = threading.Event()
    yield event
    event.set()


def client(server: HostileServer, **overrides: float) -> ApiClient:
    return ApiClient(ClientConfig(base_url=server.base_url, api_key="sk-test", **overrides))  # type: ignore[arg-type]


def request(num_images: int = 1) -> GenerationRequest:
    return validated_request({"prompt": "a fox", "num_images": num_images, "output_format": "png"})


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def run(server: HostileServer, out: Path, num_images: int = 1, **config: float):  # type: ignore[no-untyped-def]
    return generate(request(num_images), client(server, **config), FolderSink(out))


# --- a whole-response deadline, not only a per-read timeout -----------------------------


def test_an_api_answer_trickled_byte_by_byte_ends_at_the_deadline(
    server: HostileServer, tmp_path: Path, stop: threading.Event
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
    server.api(trickle_route(head, every=0.2, stop=stop))  # each read well inside its timeout
    with pytest.raises(E.TimeoutError_) as caught:
        run(server, tmp_path, connect_timeout=0.5, read_timeout=1.0)
    assert "did not finish its answer within 1.5 s" in str(caught.value)
    assert caught.value.exit_code == 8
    assert files(tmp_path) == []


def test_headers_trickled_byte_by_byte_end_at_the_deadline(
    server: HostileServer, tmp_path: Path, stop: threading.Event
) -> None:
    server.api(trickle_route(b"HTTP/1.1 200 OK\r\nX-Slow: ", every=0.2, byte=b"a", stop=stop))
    with pytest.raises(E.TimeoutError_, match="did not finish its answer"):
        run(server, tmp_path, connect_timeout=0.5, read_timeout=1.0)


def test_a_trickled_download_ends_at_its_deadline_and_leaves_no_part_file(
    server: HostileServer, tmp_path: Path, stop: threading.Event
) -> None:
    server.answer(answer(server))
    data = png()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n" % len(data)
    server.routes["/img/0.png"] = trickle_route(head + data[:100], every=0.2, byte=b"\x00", stop=stop)
    with pytest.raises(E.TimeoutError_, match=r"did not finish its answer within 1\.5 s"):
        run(server, tmp_path, download_timeout=1.0, download_deadline=1.5)
    assert files(tmp_path) == []


# --- the API's JSON answer has a size limit ----------------------------------------------


def test_a_declared_huge_answer_is_refused_before_reading_it(server: HostileServer, tmp_path: Path) -> None:
    def huge(conn, req):  # type: ignore[no-untyped-def]
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\n\r\n{"
        )

    server.api(huge)
    with pytest.raises(E.BadResponseError, match=r"300 MiB, more than FluxDesk reads \(4 MiB\)") as caught:
        run(server, tmp_path)
    assert caught.value.exit_code == 9


def test_an_endless_answer_is_cut_at_the_limit(server: HostileServer, tmp_path: Path) -> None:
    server.api(endless_json_route())
    with pytest.raises(E.BadResponseError, match=r"more than FluxDesk reads \(4 MiB\)"):
        run(server, tmp_path)
    assert MAX_API_JSON_BYTES == 4 * 1024 * 1024


def test_an_error_answer_is_bounded_too(server: HostileServer, tmp_path: Path) -> None:
    server.api(endless_json_route())
    with pytest.raises(E.BadResponseError, match="more than FluxDesk reads"):
        client(server).check_key()


# --- trust the server less -------------------------------------------------------------------


def test_more_images_than_requested_saves_only_those_requested_and_says_so(
    server: HostileServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.answer(answer(server, count=40))
    for i in range(40):
        server.routes[f"/img/{i}.png"] = file_route(png())
    with caplog.at_level(logging.WARNING, logger="fluxdesk"):
        result = run(server, tmp_path, num_images=1)
    assert len(result.images) == 1 and len(files(tmp_path)) == 1
    assert [r.path for r in server.seen if r.path.startswith("/img/")] == ["/img/0.png"]
    note = "The API listed 40 images for a request of 1; FluxDesk saved the first 1 and ignored the rest."
    assert result.notes == (note,)
    assert result.to_json()["notes"] == [note]
    assert note in caplog.text


def test_a_batch_of_the_requested_size_has_no_note(server: HostileServer, tmp_path: Path) -> None:
    server.answer(answer(server, count=2))
    for i in range(2):
        server.routes[f"/img/{i}.png"] = file_route(png())
    result = run(server, tmp_path, num_images=2)
    assert len(result.images) == 2 and result.notes == ()
    assert "notes" not in result.to_json()


@pytest.mark.parametrize(("width", "height"), [(40000, 50), (50, 40000), (1537, 512), (512, 1600)])
def test_an_image_with_one_side_too_long_is_refused(
    server: HostileServer, tmp_path: Path, width: int, height: int
) -> None:
    # 40000×50 is fewer pixels than 1536×1536: a pixel count alone let it through.
    server.answer(answer(server))
    server.routes["/img/0.png"] = file_route(png(width, height))
    with pytest.raises(E.BadImageError, match=f"it is {width}×{height} pixels; the model makes at most 1536"):
        run(server, tmp_path)
    assert files(tmp_path) == []


def test_declared_sizes_and_timings_from_the_server_are_bounded(
    server: HostileServer, tmp_path: Path
) -> None:
    hostile = answer(server, timings={"inference": 10**400, "nan": float("nan"), "ok": 1.5, "x" * 500: 1})
    hostile["images"][0].update(width=2**70, height=-3)  # type: ignore[index]
    server.answer(hostile)
    server.routes["/img/0.png"] = file_route(png())
    result = run(server, tmp_path)
    meta = read_file(result.images[0].path)
    assert meta is not None and meta.timings["ok"] == 1.5
    assert "inference" not in meta.timings and "nan" not in meta.timings
    assert (meta.width, meta.height) == (512, 512)


@pytest.mark.parametrize("seed", [0, -5, 2**64, 10**400, True, "7"])
def test_a_seed_outside_the_seed_rule_is_an_unreadable_answer(
    server: HostileServer, tmp_path: Path, seed: object
) -> None:
    server.answer(answer(server, seed=seed))
    server.routes["/img/0.png"] = file_route(png())
    with pytest.raises(E.BadResponseError, match="seed") as caught:
        run(server, tmp_path)
    assert len(str(caught.value)) < 200
    assert files(tmp_path) == []


# --- redirects say what happened ---------------------------------------------------------------


def test_a_download_redirect_loop_says_so(server: HostileServer, tmp_path: Path) -> None:
    server.answer(answer(server))
    server.routes["/img/0.png"] = redirect_route("/img/0.png")
    with pytest.raises(E.BadImageError) as caught:
        run(server, tmp_path)
    assert f"redirects in a loop (more than {MAX_REDIRECTS} times)" in str(caught.value)
    assert "internet connection" not in str(caught.value)
    assert files(tmp_path) == []


def test_an_api_redirect_loop_says_so(server: HostileServer, tmp_path: Path) -> None:
    server.api(redirect_route("/v1/images/generations", status=307))
    with pytest.raises(E.BadResponseError, match=r"the API at .* redirects in a loop"):
        run(server, tmp_path)


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x.png"])
def test_a_redirect_to_another_scheme_is_named_and_not_followed(
    server: HostileServer, tmp_path: Path, target: str
) -> None:
    server.answer(answer(server))
    server.routes["/img/0.png"] = redirect_route(target)
    scheme = target.split(":")[0]
    with pytest.raises(
        E.BadImageError, match=f"redirected to a {scheme}:// address, which FluxDesk never follows"
    ):
        run(server, tmp_path)
    assert files(tmp_path) == []


def test_an_ordinary_answer_still_works(server: HostileServer, tmp_path: Path) -> None:
    server.answer(answer(server))
    server.routes["/img/0.png"] = file_route(png())
    result = run(server, tmp_path)
    assert result.seed == SEED and len(files(tmp_path)) == 1


def test_an_error_status_still_carries_the_server_message(server: HostileServer, tmp_path: Path) -> None:
    server.api(json_route({"message": "prompt refused"}, status=422))
    with pytest.raises(E.ServerValidationError, match="prompt refused"):
        run(server, tmp_path)


# --- THE SEED RULE's whole range is kept exactly ---------------------------------------------


@pytest.mark.parametrize("seed", [2**63 - 1, 2**63 + 5, P.SEED_MAX])
def test_a_seed_at_the_top_of_the_seed_rule_is_saved_and_indexed_exactly(
    server: HostileServer, tmp_path: Path, seed: int
) -> None:
    # 2**63 + 5 once made the CLI exit 1 after downloading, saving nothing. The client and
    # the generation path accept every seed of the catalogue's rule (up to 2**64 - 1 when
    # the library stores unsigned 64-bit seeds); this follows SEED_MAX wherever it is.
    from fluxdesk.core.library.store import Library

    server.answer(answer(server, seed=seed))
    server.routes["/img/0.png"] = file_route(png())
    library = Library(tmp_path / "library")
    try:
        result = generate(request(), client(server), library)
        assert result.seed == seed and result.to_json()["seed"] == seed
        meta = read_file(result.images[0].path)
        assert meta is not None and meta.seed == seed
        assert [item.seed for item in library.items(None)] == [seed]
    finally:
        library.close()


def test_one_past_the_seed_rule_is_refused_before_downloading(server: HostileServer, tmp_path: Path) -> None:
    server.answer(answer(server, seed=P.SEED_MAX + 1))
    server.routes["/img/0.png"] = file_route(png())
    with pytest.raises(
        E.BadResponseError, match=f"its seed {P.SEED_MAX + 1} is not a whole number from 1 to"
    ):
        run(server, tmp_path)
    assert not [r for r in server.seen if r.path.startswith("/img/")]


# --- cancelling ends a blocked read at once --------------------------------------------------


def test_cancel_ends_a_download_blocked_on_a_silent_server(server: HostileServer, tmp_path: Path) -> None:
    hung_up = threading.Event()
    data = png()

    def silent(conn, req):  # type: ignore[no-untyped-def]
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data) + data[:100])
        conn.recv(1)  # blocks until the client goes away
        hung_up.set()

    server.answer(answer(server))
    server.routes["/img/0.png"] = silent
    cancel = CancelToken()
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            generate(request(), client(server, download_timeout=600), FolderSink(tmp_path), cancel=cancel)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    for _ in range(600):
        if list(tmp_path.rglob("*.part")):
            break
        time.sleep(0.05)
    cancel.cancel()
    # Liveness, not speed: without the cancel reaching the socket this read would wait for
    # its 600 s timeout; 60 s of patience only keeps a broken build from hanging the suite.
    assert hung_up.wait(60)
    thread.join(60)
    assert len(outcome) == 1 and isinstance(outcome[0], E.CancelledError)
    assert files(tmp_path) == []


def test_a_wait_the_api_asked_for_does_not_count_against_the_deadline(
    server: HostileServer, tmp_path: Path
) -> None:
    # The deadline is connect + read timeout (1.5 s here); the API asks for a 2 s pause
    # first. That wait is the server's request, not its slowness: the answer still counts.
    calls: list[int] = []
    ok = json_route(answer(server))

    def busy_then_ok(conn, req):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            send_response(conn, 429, b"{}", **{"Retry-After": "2"})
        else:
            ok(conn, req)

    server.api(busy_then_ok)
    server.routes["/img/0.png"] = file_route(png())
    result = run(server, tmp_path, connect_timeout=0.5, read_timeout=1.0)
    assert len(calls) == 2 and len(result.images) == 1

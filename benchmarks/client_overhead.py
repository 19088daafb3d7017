"""Client overhead: end-to-end ``generate`` vs a plain parallel download of the same URLs.

4 images of 1536×1536 PNG from the sandbox (in a separate process, zero inference delay).
Each round: one full generation into a fresh library (POST, parallel download, Pillow
verification, metadata embedding, fsync, atomic rename, SQLite index), then a plain
4-thread ``requests.get`` of exactly the URLs that generation received. The sandbox
caches rendered images, so after a warm-up both sides pay only for the transfer.

Prints medians and the ratio generate ÷ download (target ≤ 1.2×); exits 1 when a ratio
is over it. On loopback it is (~3×): verifying a 1536² PNG is ~37 ms of CPU, more than
the transfer; over a real link the decode overlaps the download (see --mbps).
Usage: python benchmarks/client_overhead.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.generation.generate import generate
from fluxdesk.core.generation.results import ApiResponse
from fluxdesk.core.library.store import Library
from fluxdesk.core.request import GenerationRequest, validated_request

KEY = "bench"
TARGET = 1.2


class RecordingClient(ApiClient):
    """The real client; remembers the URLs of the last response for the baseline."""

    last: ApiResponse | None = None

    def submit(self, request: GenerationRequest, *args: Any, **kwargs: Any) -> ApiResponse:
        self.last = super().submit(request, *args, **kwargs)
        return self.last


def plain_download(urls: list[str]) -> int:
    def get(url: str) -> int:
        return len(requests.get(url, timeout=60).content)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return sum(pool.map(get, urls))


def throttle(base_url: str, image_bytes: int, mbps: float | None) -> None:
    """Make the sandbox CDN send each of the next 4 images at ``mbps`` megabit/s."""
    if mbps:
        seconds = image_bytes * 8 / (mbps * 1e6)
        fault = {"kind": "slow_download", "count": 4, "seconds": round(seconds, 3), "chunks": 40}
        requests.post(f"{base_url}/_sandbox/faults", json={"faults": [fault]}, timeout=5).raise_for_status()


def measure(
    client: RecordingClient,
    request: GenerationRequest,
    library: Library,
    base_url: str,
    rounds: int,
    mbps: float | None,
) -> float:
    """Prints the figures; returns the ratio generate ÷ download."""
    gen_times: list[float] = []
    dl_times: list[float] = []
    size = 0
    for _ in range(rounds):
        throttle(base_url, size // 4 or 2_900_000, mbps)
        started = time.perf_counter()
        result = generate(request, client, library)
        gen_times.append(time.perf_counter() - started)
        assert client.last is not None and len(result.images) == 4
        urls = [image.url for image in client.last.images]
        throttle(base_url, size // 4 or 2_900_000, mbps)
        started = time.perf_counter()
        size = plain_download(urls)
        dl_times.append(time.perf_counter() - started)
    gen = statistics.median(gen_times)
    dl = statistics.median(dl_times)
    link = f"CDN throttled to {mbps:g} Mbit/s per image" if mbps else "loopback, unthrottled"
    print(f"-- {link}: 4 × 1536×1536 PNG, {size / 4 / 1_048_576:.2f} MiB each, {rounds} rounds")
    print(f"   generate (POST + download + decode-verify + embed + save + index): median {gen * 1000:.1f} ms")
    print(f"   plain parallel download of the same URLs:                         median {dl * 1000:.1f} ms")
    print(f"   ratio generate / download: {gen / dl:.2f}x (target <= {TARGET}x)")
    return gen / dl


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fluxdesk", "sandbox", "--port", "0", "--inference-delay", "0", "--key", KEY],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    base_url = proc.stdout.readline().split("API: ")[1].split()[0]
    return proc, base_url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument(
        "--mbps", type=float, default=200.0, help="also measure with a CDN at this bandwidth (0: skip)"
    )
    args = parser.parse_args()
    proc, base_url = start_sandbox()
    try:
        client = RecordingClient(ClientConfig(base_url=base_url, api_key=KEY))
        request = validated_request(
            {
                "prompt": "benchmark: a harbour at dawn",
                "image_size": "1536x1536",
                "num_images": 4,
                "output_format": "png",
                "seed": 424242,
            }
        )
        with tempfile.TemporaryDirectory() as tmp:
            library = Library(Path(tmp) / "library")
            generate(request, client, library)  # warm-up: the sandbox renders and caches
            ratios = [measure(client, request, library, base_url, args.rounds, mbps=None)]
            if args.mbps:
                rounds = max(3, args.rounds // 3)
                ratios.append(measure(client, request, library, base_url, rounds, mbps=args.mbps))
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    return 0 if all(ratio <= TARGET for ratio in ratios) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())

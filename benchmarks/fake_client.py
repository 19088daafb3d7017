"""The in-process fake client against the loopback sandbox: the same generations through
``core.generation.generate`` (request, downloads, verification, metadata, atomic save), and what a
test pays to set each up. Prints medians and the ratio fake / HTTP.

    .venv/bin/python benchmarks/fake_client.py [--rounds 9] [--images 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.generation.generate import FolderSink, generate
from fluxdesk.core.generation.results import GenerationClient
from fluxdesk.core.request import validated_request
from fluxdesk.sandbox.fake import FakeClient
from fluxdesk.sandbox.server import Sandbox


def timed_generation(client: GenerationClient, folder: Path, seed: int, images: int) -> float:
    request = validated_request({"prompt": "a lighthouse at dusk", "seed": seed, "num_images": images})
    started = time.perf_counter()
    generate(request, client, FolderSink(folder))
    return time.perf_counter() - started


def timed_setup(rounds: int) -> tuple[float, float]:
    """Median seconds to start and stop a sandbox, and to make a fake."""
    http, fake = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        with Sandbox():
            pass
        http.append(time.perf_counter() - started)
        started = time.perf_counter()
        FakeClient()
        fake.append(time.perf_counter() - started)
    return statistics.median(http), statistics.median(fake)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--images", type=int, default=4)
    args = parser.parse_args()
    http_times, fake_times = [], []
    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as tmp:
        real = ApiClient(ClientConfig(base_url=sandbox.base_url, api_key=sandbox.api_key))
        fake = FakeClient()
        for i in range(args.rounds):
            # A fresh seed per round (neither side's render cache helps), alternating sides.
            seed = 1000 + i
            pair = [(real, http_times), (fake, fake_times)]
            for client, times in pair if i % 2 == 0 else reversed(pair):
                times.append(timed_generation(client, Path(tmp) / f"{i}-{len(times)}", seed, args.images))
    http, in_process = statistics.median(http_times), statistics.median(fake_times)
    setup_http, setup_fake = timed_setup(args.rounds)
    print(f"generation of {args.images} images, median of {args.rounds}:")
    print(f"  loopback sandbox {http * 1000:7.1f} ms   fake {in_process * 1000:7.1f} ms")
    print(f"  ratio fake / HTTP {in_process / http:.2f}")
    print(f"set-up per test: sandbox start+stop {setup_http * 1000:.1f} ms, fake {setup_fake * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

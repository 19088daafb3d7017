"""Sandbox render: time to render one procedural 1536×1536 image, per format.

The baseline, run in the same process, is Pillow encoding a flat image of the same size
and format (what any render must pay at least). Prints the median of each and the ratio;
the sandbox's images should stay cheap next to the simulated inference delay (1 s by
default): a median under 0.5 s per 1536×1536 image is the target.

    .venv/bin/python benchmarks/sandbox_render.py [--runs N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from PIL import Image

from fluxdesk.core import params as P
from fluxdesk.sandbox.render import render_image

SIDE = 1536
TARGET_S = 0.5  # per image; typical on a quiet machine: ~65 ms PNG, ~30 ms JPEG


def _median_time(work: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    worst = 0.0
    for fmt in P.OutputFormat:
        args = {"seed": 2**33 + 5, "prompt": "speed", "width": SIDE, "height": SIDE, "fmt": fmt}
        render_image(**args)  # warm-up (font loading)
        flat = Image.new("RGB", (SIDE, SIDE), (40, 90, 160))

        def baseline(flat: Image.Image = flat, name: str = fmt.name) -> None:
            flat.save(io.BytesIO(), format=name)

        render = _median_time(lambda args=args: render_image(**args), runs)
        base = _median_time(baseline, runs)
        worst = max(worst, render)
        print(
            f"{fmt.value:4}  render {render * 1000:6.1f} ms  flat encode {base * 1000:6.1f} ms  "
            f"ratio {render / base:4.2f}x"
        )
    print(f"slowest median {worst * 1000:.1f} ms (target ≤ {TARGET_S * 1000:.0f} ms)")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())

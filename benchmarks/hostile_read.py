"""How long the one reader (``core/interop/readers.py``) takes on hostile files, as a ratio
to reading the same file's bytes from disk (the least any reader must do).

Each case is written once to a temp folder; the median of ``--runs`` reads is reported.
Issue 16 asks for "a clear message or no parameters within a second or two": the script
prints each case's seconds and exits 1 if one takes more than 2 s.

    .venv/bin/python benchmarks/hostile_read.py [--runs 5] [--mb 12]
"""

from __future__ import annotations

import argparse
import io
import statistics
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from fluxdesk.core.interop.readers import UnreadableImage, read_image

LIMIT_S = 2.0


def png(extra: bytes, trailing: bytes = b"") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "grey").save(buf, "PNG")
    data = buf.getvalue()
    at = data.index(b"IDAT") - 4
    return data[:at] + extra + data[at:] + trailing


def chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(payload, zlib.crc32(kind)) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def comfy_graph(nodes: int) -> bytes:
    """A graph whose every node links to the next (a long chain the reader must not walk)."""
    import json

    graph = {
        str(n): {"class_type": "FluxGuidance", "inputs": {"guidance": 3.5, "conditioning": [str(n + 1), 0]}}
        for n in range(nodes)
    }
    return json.dumps(graph).encode()


def cases(mb: int) -> dict[str, bytes]:
    size = mb * 2**20
    return {
        f"{mb} MB parameters text": png(chunk(b"tEXt", b"parameters\0" + b"A" * size)),
        f"{mb} MB of 'a: ' pairs": png(chunk(b"tEXt", b"parameters\0" + b"a: " * (size // 3))),
        f"{mb} MB of newlines": png(chunk(b"tEXt", b"parameters\0" + b"a: 1\n" * (size // 5))),
        f"{mb} MB open quote": png(chunk(b"tEXt", b'parameters\0x\nk: "' + b"\\," * (size // 2))),
        "64 MB zlib bomb": png(chunk(b"iTXt", b"prompt\0\x01\0\0\0" + zlib.compress(b"{" * 2**26, 9))),
        f"{mb} MB nested JSON": png(chunk(b"tEXt", b"prompt\0" + b"[" * size)),
        f"{mb} MB invalid UTF-8": png(chunk(b"iTXt", b"parameters\0\0\0\0\0" + b"\xff" * size)),
        f"{mb} MB after IEND": png(b"", b"\0garbage" * (size // 8)),
        f"{mb} MB XMP description": png(
            chunk(
                b"iTXt",
                b"XML:com.adobe.xmp\0\0\0\0\0"
                + b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                + b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>'
                + b"&amp;" * (size // 5)
                + b"</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>",
            )
        ),
        "ComfyUI graph, 100k nodes": png(chunk(b"tEXt", b"prompt\0" + comfy_graph(100_000))),
        "truncated PNG": png(b"")[:100],
    }


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read(path: Path) -> object:
    try:
        return read_image(path)
    except UnreadableImage as exc:
        return exc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, default=12)
    args = parser.parse_args()
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'case':<26} {'reader s':>9} {'bytes s':>9} {'ratio':>7}  outcome")
        for name, data in cases(args.mb).items():
            path = Path(folder) / "case.png"
            path.write_bytes(data)
            reader = median_seconds(lambda path=path: read(path), args.runs)
            baseline = median_seconds(path.read_bytes, args.runs)
            result = read(path)
            outcome = (
                f"unreadable: {result}"
                if isinstance(result, UnreadableImage)
                else f"source={result.source} notes={len(result.notes)}"  # type: ignore[attr-defined]
            )
            ratio = reader / max(baseline, 1e-6)
            print(f"{name:<26} {reader:9.3f} {baseline:9.4f} {ratio:7.1f}  {outcome[:60]}")
            worst = max(worst, reader)
    print(f"slowest case {worst:.3f} s (limit {LIMIT_S:.0f} s)")
    return 0 if worst <= LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())

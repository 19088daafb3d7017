"""TLS handshake cost of FluxDesk's verifying context against a loopback TLS server.

Three contexts connect to the same server (a certificate from a CA made here, added as
the extra CA file would be): a plain OpenSSL context with the OS bundle (the baseline),
FluxDesk's context (``fluxdesk.core.network.trust.ssl_context``), and a truststore
context. On Linux truststore re-reads the whole OS bundle on every handshake, which is
why FluxDesk loads OpenSSL's store once there (and uses truststore on Windows/macOS).
Prints the median handshake of each and their ratios to the baseline; FluxDesk's should
stay within 1.5× of it.

    .venv/bin/python benchmarks/tls_handshake.py [--rounds N]
"""

from __future__ import annotations

import argparse
import socket
import ssl
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from network.certs import make_pki

from fluxdesk.core.network.trust import ssl_context

TARGET = 1.5


def _serve(listener: socket.socket, context: ssl.SSLContext) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except OSError:
            pass


def _median_ms(context: ssl.SSLContext, port: int, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        with (
            socket.create_connection(("127.0.0.1", port)) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1"),
        ):
            pass
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="handshakes per context and pass")
    args = parser.parse_args()
    pki = make_pki(Path(tempfile.mkdtemp(prefix="fluxdesk-tls-bench-")))
    listener = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=_serve, args=(listener, pki.server_context()), daemon=True).start()
    port = listener.getsockname()[1]

    import truststore

    baseline = ssl.create_default_context()
    baseline.load_verify_locations(cafile=str(pki.ca_file))
    fluxdesk = ssl_context(str(pki.ca_file))
    trust = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    trust.load_verify_locations(cafile=str(pki.ca_file))
    contexts = {"OpenSSL baseline": baseline, "FluxDesk": fluxdesk, "truststore": trust}
    results: dict[str, list[float]] = {name: [] for name in contexts}
    for _ in range(3):  # alternating passes, so a busy moment hits every side
        for name, context in contexts.items():
            results[name].append(_median_ms(context, port, max(1, args.rounds)))
    base = statistics.median(results["OpenSSL baseline"])
    for name, values in results.items():
        value = statistics.median(values)
        print(f"{name:17s} handshake median {value:7.2f} ms   ratio {value / base:5.2f}")
    ratio = statistics.median(results["FluxDesk"]) / base
    print(f"ratio FluxDesk / baseline: {ratio:.2f} (target ≤ {TARGET})")
    listener.close()
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

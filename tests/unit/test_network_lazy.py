"""The TLS context (and on Windows/macOS truststore, ~30 ms of imports) stays out of the
window's start: it is built when the client makes its first session."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fluxdesk.core.network.trust import uses_truststore

SCRIPT = """
import sys
import fluxdesk.ui.main_window, fluxdesk.ui.app
early = [m for m in ("truststore", "fluxdesk.core.network.trust", "requests") if m in sys.modules]
from fluxdesk.core.generation.client import ApiClient, ClientConfig
ApiClient(ClientConfig(base_url="https://127.0.0.1:9", api_key="k"))
built = "fluxdesk.core.network.trust" in sys.modules
ApiClient(ClientConfig(base_url="https://127.0.0.1:9", api_key="k"))._session(None).close()
print(early, built, "fluxdesk.core.network.trust" in sys.modules, "truststore" in sys.modules)
"""


@pytest.mark.subprocess
def test_tls_is_set_up_with_the_first_session_only() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True
    )
    # truststore is the system's verifier on Windows and macOS; on Linux OpenSSL's store
    # is the OS store and truststore is not imported at all.
    assert result.stdout.split("\n")[0] == f"[] False True {uses_truststore()}"

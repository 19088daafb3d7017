"""truststore (~30 ms of imports) stays out of the window's start: it is imported when
the client builds its first session, not when the window's modules are imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import sys
import fluxdesk.ui.main_window, fluxdesk.ui.app
early = [m for m in ("truststore", "fluxdesk.core.network.trust", "requests") if m in sys.modules]
from fluxdesk.core.client import ApiClient, ClientConfig
ApiClient(ClientConfig(base_url="https://127.0.0.1:9", api_key="k"))
built = "truststore" in sys.modules
ApiClient(ClientConfig(base_url="https://127.0.0.1:9", api_key="k"))._session(None).close()
print(early, built, "truststore" in sys.modules)
"""


@pytest.mark.subprocess
def test_truststore_is_imported_with_the_first_session_only() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split("\n")[0] == "[] False True"

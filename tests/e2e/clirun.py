"""Run ``fluxdesk`` as a user would: a real process, its own FLUXDESK_HOME, and (when
given) the loopback sandbox as its API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fluxdesk.sandbox.server import Sandbox


def run(
    *args: str,
    home: Path,
    sandbox: Sandbox | None = None,
    key: str | None = None,
    base_url: str | None = None,
    **kwargs: object,
) -> subprocess.CompletedProcess[str]:
    """``fluxdesk *args`` with only ``home`` as its FLUXDESK_HOME. Its API: ``sandbox``
    (with ``key`` in place of the sandbox's own when given), or any server at ``base_url``
    (with ``key``, else a made-up one). ``kwargs`` go to subprocess.run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    env["FLUXDESK_HOME"] = str(home)
    if sandbox is not None:
        env["FLUXDESK_BASE_URL"] = sandbox.base_url
        env["FLUXDESK_API_KEY"] = key or sandbox.api_key
    if base_url is not None:
        env["FLUXDESK_BASE_URL"] = base_url
        env["FLUXDESK_API_KEY"] = key or "sk-any"
    return subprocess.run(
        [sys.executable, "-m", "fluxdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
        **kwargs,  # type: ignore[call-overload]
    )

"""The context's in-process sandbox is only visible to other threads once it runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fluxdesk.core import sandbox as sandbox_module
from fluxdesk.core.context import AppContext


def test_the_sandbox_is_published_only_once_it_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLUXDESK_HOME", str(tmp_path))
    ctx = AppContext.create()
    starting, proceed = threading.Event(), threading.Event()
    real_start = sandbox_module.Sandbox.start

    def slow_start(self):  # type: ignore[no-untyped-def]
        starting.set()
        assert proceed.wait(10)
        return real_start(self)

    monkeypatch.setattr(sandbox_module.Sandbox, "start", slow_start)
    starter = threading.Thread(target=ctx.start_sandbox)
    starter.start()
    try:
        assert starting.wait(10)
        # Another thread (a job asking for its client) must not see a half-started sandbox.
        assert ctx.sandbox is None
    finally:
        proceed.set()
        starter.join(10)
    assert ctx.sandbox is not None
    assert ctx.base_url.startswith("http://127.0.0.1:")  # running: it has its address
    ctx.close()

"""The context hands its sandbox and library to several threads safely."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fluxdesk.core.context import AppContext
from fluxdesk.core.library import store as library_module
from fluxdesk.sandbox import server as sandbox_module


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


def test_threads_opening_the_library_at_once_share_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLUXDESK_HOME", str(tmp_path))
    ctx = AppContext.create()
    opened: list[object] = []
    real_init = library_module.Library.__init__

    def slow_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(self)
        threading.Event().wait(0.2)  # a slow disk: the other thread arrives meanwhile
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(library_module.Library, "__init__", slow_init)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(ctx.library())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(opened) == 1 and got == [opened[0], opened[0]]


def test_a_wanted_sandbox_starts_once_on_first_need(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLUXDESK_HOME", str(tmp_path))
    ctx = AppContext.create()
    assert not ctx.uses_sandbox
    ctx.want_sandbox()
    assert ctx.uses_sandbox and ctx.sandbox is None  # wanted, not started: the window's first frame
    started: list[object] = []
    real_start = sandbox_module.Sandbox.start

    def counting_start(self):  # type: ignore[no-untyped-def]
        started.append(self)
        threading.Event().wait(0.2)  # slow: the other thread arrives meanwhile
        return real_start(self)

    monkeypatch.setattr(sandbox_module.Sandbox, "start", counting_start)
    threads = [threading.Thread(target=ctx.ensure_sandbox) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    try:
        assert len(started) == 1 and ctx.sandbox is started[0]
        client = ctx.make_client()  # for the sandbox, with its own key
        assert client.config.base_url == ctx.sandbox.base_url
        assert client.config.api_key == ctx.sandbox.api_key
    finally:
        ctx.close()


def test_a_client_starts_the_wanted_sandbox_and_results_go_where_settings_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLUXDESK_HOME", str(tmp_path))
    ctx = AppContext.create()
    ctx.want_sandbox()
    try:
        ctx.make_client()
        assert ctx.sandbox is not None and ctx.base_url.startswith("http://127.0.0.1:")
    finally:
        ctx.close()
    assert ctx.make_sink() is ctx.library()  # auto-save on: the library
    ctx.settings.auto_save = False
    sink = ctx.make_sink()
    assert sink is not ctx.library() and getattr(sink, "folder", None) == ctx.paths.unsaved_results

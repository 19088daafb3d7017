"""Shared pytest fixtures."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import TracebackType

import pytest

from fluxdesk.sandbox.server import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A running offline API + CDN pair on free loopback ports (key: ``sandbox``)."""
    with Sandbox() as running:
        yield running


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Exceptions raised in slots (PySide reports them through sys.excepthook)."""
    seen: list[BaseException] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        seen.append(exc)

    monkeypatch.setattr(sys, "excepthook", hook)
    return seen

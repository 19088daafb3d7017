"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fluxdesk.core.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A running offline API + CDN pair on free loopback ports (key: ``sandbox``)."""
    with Sandbox() as running:
        yield running

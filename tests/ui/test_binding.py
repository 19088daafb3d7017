"""The Qt binding we ship must not leak references to None/True/False.

PySide6 6.12.0 on CPython 3.11 does: every void method call drops a reference to None,
and the process aborts after a few thousand calls ("deallocating None"). pyproject.toml
excludes that release; this test catches any other release that brings it back.
"""

from __future__ import annotations

from fluxdesk.ui.widgets.none_guard import leaks_none


def test_installed_pyside_does_not_leak_none() -> None:
    import PySide6

    assert not leaks_none(), f"PySide6 {PySide6.__version__} leaks references to None; pin another release"

"""Work around PySide6 builds that drop references to ``None``, ``True`` and ``False``.

PySide6 6.12.0 on CPython 3.11 (this project's pinned stack) returns ``None`` from every
void C++ method (``QPainter.setPen``, ``QCoreApplication.processEvents``…) without
``Py_INCREF`` (and a bool result was seen to do the same under load). ``None`` starts
with ~5,000 references, so a Python delegate painting a few hundred tiles aborts the
process with "none_dealloc: deallocating None". CPython
3.12+ makes these singletons immortal; here we emulate that by adding 2**40 references
to each, but only after measuring that the installed binding really leaks.
"""

from __future__ import annotations

import sys

_BUMP = 1 << 40
_applied = False


def leaks_none() -> bool:
    from PySide6.QtCore import QSize

    size = QSize()
    before = [sys.getrefcount(o) for o in (None, True, False)]
    for _ in range(8):
        size.setWidth(1)
        size.isNull()
        size.isValid()
    return any(sys.getrefcount(o) < b for o, b in zip((None, True, False), before, strict=True))


def protect_none() -> bool:
    """Apply the guard once per process if needed; True when it was applied."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or not hasattr(sys, "getrefcount"):
        return _applied
    if leaks_none():
        import ctypes  # lazily: only for a binding that leaks (an import start-up can skip)

        for singleton in (None, True, False):
            # ob_refcnt is the first field of every CPython object.
            ctypes.c_ssize_t.from_address(id(singleton)).value += _BUMP
        _applied = True
    return _applied

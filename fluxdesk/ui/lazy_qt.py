"""The ``Qt`` namespace for modules the first frame imports, created on first use.

PySide6 creates a class's Python enums when the class is first touched; for the ``Qt``
namespace that is ~90 enums with ~1,200 members at once, about 15 ms, a fifth of what
the start-up target leaves for FluxDesk (``benchmarks/startup.py``). So the first frame
is built without it:

- modules it imports take ``Qt`` from here, a stand-in that fetches the real one on the
  first attribute access (after the first frame)::

      if TYPE_CHECKING:
          from PySide6.QtCore import Qt
      else:
          from fluxdesk.ui.lazy_qt import Qt

- code that runs before the first frame sets enum properties by key name (``set_enum``).

``tests/ui/test_startup_cost.py`` fails when the first frame creates the namespace.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject


class _LazyQt:
    def __getattr__(self, name: str) -> Any:
        # Only called for names not found on the instance: each is looked up once.
        from PySide6.QtCore import Qt

        value = getattr(Qt, name)
        setattr(self, name, value)
        return value


Qt = _LazyQt()


def set_enum(obj: QObject, prop: str, keys: str) -> None:
    """Set the enum or flags property ``prop`` by key names (``"AlignRight|AlignTop"``),
    through Qt's property system, so no Python enum is created."""
    meta = obj.metaObject()
    index = meta.indexOfProperty(prop)
    # (Checked first: setProperty would also take a string for a text property, and
    # make a dynamic property of a misspelt name.)
    if index < 0 or not meta.property(index).isEnumType() or not obj.setProperty(prop, keys):
        raise ValueError(f"{type(obj).__name__} has no enum property {prop!r} accepting {keys!r}")

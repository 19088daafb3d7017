"""The first frame's helpers: the lazy ``Qt`` stand-in and enum properties set by name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt as RealQt
from PySide6.QtWidgets import QLabel, QSplitter

from fluxdesk.ui.lazy_qt import Qt, set_enum


def test_the_stand_in_gives_the_real_enums() -> None:
    assert Qt.AlignmentFlag is RealQt.AlignmentFlag
    assert Qt.Key.Key_Return is RealQt.Key.Key_Return


def test_set_enum_sets_by_key_names(qtbot) -> None:  # type: ignore[no-untyped-def]
    label, splitter = QLabel(), QSplitter()
    qtbot.addWidget(label)
    qtbot.addWidget(splitter)
    set_enum(label, "alignment", "AlignRight|AlignTop")
    set_enum(splitter, "orientation", "Vertical")
    assert label.alignment() == RealQt.AlignmentFlag.AlignRight | RealQt.AlignmentFlag.AlignTop
    assert splitter.orientation() == RealQt.Orientation.Vertical


@pytest.mark.parametrize(
    ("prop", "keys"), [("alignment", "AlignSideways"), ("alignmnet", "AlignTop"), ("text", "AlignTop")]
)
def test_set_enum_refuses_unknown_keys_and_properties(qtbot, prop: str, keys: str) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match=prop):
        set_enum(label, prop, keys)
    assert label.text() == "" and label.dynamicPropertyNames() == []  # nothing was set

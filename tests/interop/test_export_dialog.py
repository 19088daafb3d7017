"""The Library's Export dialog: live preview of names and of the metadata each copy
carries, template problems shown and Export disabled, the export run off the GUI thread
with progress, and Cancel leaving nothing behind."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from test_export import SECRET, add

from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.export_dialog import ExportDialog


@pytest.fixture
def library_items(tmp_path: Path) -> list:  # type: ignore[type-arg]
    with Library(tmp_path / "library") as library:
        for n in range(5):
            add(library, "png" if n % 2 else "jpeg", 7_340_912_000_000 + n)
        return library.items()


def test_preview_and_template_problem(qtbot, library_items: list, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pool = QThreadPool()
    dialog = ExportDialog(library_items, pool, str(tmp_path))
    qtbot.addWidget(dialog)
    names = dialog.names_preview.text().splitlines()
    assert len(names) == 4 and names[-1] == "… and 2 more"
    assert names[0] == f"{library_items[0].created[:10]}_{library_items[0].seed}_0.jpg"
    assert "Everything" in dialog.metadata_preview.text() and not dialog.ai_label.isEnabled()
    dialog.clean.setChecked(True)
    assert dialog.ai_label.isEnabled() and "Only the AI label" in dialog.metadata_preview.text()
    dialog.ai_label.setChecked(False)
    assert "No metadata at all" in dialog.metadata_preview.text()
    dialog.sidecar.setCurrentIndex(1)
    assert ".json with the full record" in dialog.metadata_preview.text()
    dialog.template.setText("{date}_{colour}")
    assert "unknown field {colour}" in dialog.problem.text() and not dialog.export_button.isEnabled()
    dialog.template.setText("{prompt:8}_{id}")
    assert dialog.problem.text() == "" and dialog.export_button.isEnabled()
    assert dialog.names_preview.text().splitlines()[0] == f"a-secret_{library_items[0].id}.jpg"


def test_export_runs_with_progress_into_a_zip(qtbot, library_items: list, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pool = QThreadPool()
    dialog = ExportDialog(library_items, pool, str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.dest.setText(str(tmp_path / "share"))
    dialog.as_zip.setChecked(True)
    dialog.clean.setChecked(True)
    with qtbot.waitSignal(dialog.exported, timeout=30_000) as got:
        dialog.export_button.click()
        assert not dialog.progress.isHidden()  # more than a few images: progress shows
    report = got.args[0]
    assert report.dest == tmp_path / "share.zip" and len(report.files) == 5
    with zipfile.ZipFile(tmp_path / "share.zip") as archive:
        assert all(SECRET.encode() not in archive.read(n) for n in archive.namelist())
    assert dialog.progress.value() == 5


def test_cancel_leaves_nothing(qtbot, library_items: list, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    dialog = ExportDialog(library_items, pool, str(tmp_path))
    qtbot.addWidget(dialog)
    dest = tmp_path / "out"
    dialog.dest.setText(str(dest))
    # Hold the pool so the export cannot start before Cancel is pressed.
    import threading

    gate = threading.Event()
    pool.start(lambda: gate.wait(10))
    dialog.export_button.click()
    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    gate.set()
    qtbot.waitUntil(lambda: "cancelled" in dialog.problem.text(), timeout=30_000)
    assert not dest.exists() or list(dest.iterdir()) == []
    assert dialog.export_button.isEnabled()

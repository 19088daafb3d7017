"""The Library's project list in a real gallery: filter by project with counts, rename and
delete from the list (the files' own blocks follow), move by menu and by dragging tiles
onto the list."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu, QMessageBox

from fluxdesk.core.library import projects
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.library.projects.dialogs import NameDialog
from fluxdesk.ui.library.projects.drag import IMAGE_IDS_MIME

from ..conftest import COUNT
from ..factory import NOW, add_batch
from .helpers import drag_selection_onto, file_project, row_of, rows

TIMEOUT = 10_000


def _with_projects(gallery: GalleryWidget, library: Library) -> None:
    projects.create(library, "Logo work")
    projects.create(library, "Posters")
    projects.move(library, [1, 2, 3], "Logo work")
    projects.move(library, [4], "Posters")
    gallery.project_panel.state.reload()
    gallery.refresh()


def test_switching_project_filters_the_grid_and_shows_counts(
    qtbot, gallery: GalleryWidget, library: Library
) -> None:  # type: ignore[no-untyped-def]
    panel = gallery.project_panel
    assert rows(panel) == [("All images", f"{COUNT}"), ("No project", f"{COUNT}")]
    _with_projects(gallery, library)
    assert rows(panel) == [
        ("All images", f"{COUNT}"),
        ("No project", f"{COUNT - 4}"),
        ("Logo work", "3"),
        ("Posters", "1"),
    ]
    assert panel.tree.currentItem() is row_of(panel, None)

    panel.tree.setCurrentItem(row_of(panel, "Logo work"))  # as a click or the arrow keys do
    assert gallery.current_filter().project == "Logo work"
    assert sorted(gallery.model.item(r).id for r in range(gallery.model.rowCount())) == [1, 2, 3]  # type: ignore[union-attr]
    assert gallery.count_label.text() == "3 images found"
    # The project combines with the other filters.
    gallery.search.setText("lighthouse")
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 1)
    assert gallery.model.item(0).id == 2  # type: ignore[union-attr]
    gallery.search.clear()

    panel.tree.setCurrentItem(row_of(panel, ""))
    assert gallery.model.total == COUNT - 4
    assert all(gallery.model.item(r).project == "" for r in range(gallery.model.rowCount()))  # type: ignore[union-attr]
    panel.tree.setCurrentItem(row_of(panel, None))
    assert gallery.model.total == COUNT and gallery.current_filter().project is None

    # An empty project says what to do about it.
    projects.create(library, "Empty")
    panel.state.reload()
    panel.choose("Empty")
    assert gallery.model.rowCount() == 0
    assert gallery.grid.empty_text.startswith("No images in “Empty” yet. Drag images onto it")


def test_keyboard_reaches_the_list_and_names_it(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    _with_projects(gallery, library)
    panel = gallery.project_panel
    assert panel.tree.accessibleName() == "Projects"
    assert panel.new_button.accessibleName() == "New project"
    logo = row_of(panel, "Logo work")
    assert logo.data(0, Qt.ItemDataRole.AccessibleTextRole) == "Logo work, 3 images"
    # Tab from the toolbar's last button: "+", the list, then the grid.
    gallery.more.setFocus()
    for expected in (panel.new_button, panel.tree, gallery.grid):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down)  # All images → No project
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down)  # → Logo work
    assert panel.key() == "Logo work" and gallery.model.total == 3


def _name_dialog(qtbot, gallery: GalleryWidget) -> NameDialog:  # type: ignore[no-untyped-def]
    dialog = gallery.project_panel.dialog
    assert isinstance(dialog, NameDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_new_project_names_the_rule_it_breaks(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    _with_projects(gallery, library)
    panel = gallery.project_panel
    panel.new_button.click()
    dialog = _name_dialog(qtbot, gallery)
    assert not dialog.ok.isEnabled() and dialog.problem.isHidden()  # nothing typed: no scolding
    for text, problem in [
        ("none", "Project name: 'none' is reserved (it means no project)"),
        ("LOGO WORK", "Project name: a project named “LOGO WORK” exists already"),
        ("x" * 81, "Project name: must be 1 to 80 printable characters"),
        ("a\tb\x07", "Project name: must be 1 to 80 printable characters"),
    ]:
        dialog.edit.setText(text)
        assert dialog.problem.text().startswith(problem), text
        assert dialog.problem.isVisible() and not dialog.ok.isEnabled()
    dialog.edit.setText("  Client   A ")
    assert dialog.problem.isHidden() and dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert [p.name for p in projects.projects(library)] == ["Client A", "Logo work", "Posters"]
    assert panel.key() == "Client A"  # the new project is shown (empty)
    assert ("Client A", "0") in rows(panel)


def test_rename_from_the_list_rewrites_each_members_file(
    qtbot, gallery: GalleryWidget, library: Library
) -> None:  # type: ignore[no-untyped-def]
    _with_projects(gallery, library)
    projects.use(library, "Logo work")
    panel = gallery.project_panel
    panel.state.reload()
    panel.choose("Logo work")
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_F2)
    dialog = _name_dialog(qtbot, gallery)
    assert dialog.edit.text() == "Logo work"
    dialog.edit.setText("Posters")  # another project's name
    assert "exists already" in dialog.problem.text()
    dialog.edit.setText("Logos 2027")
    with qtbot.waitSignal(panel.state.done, timeout=TIMEOUT) as done:
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert done.args == ["“Logo work” renamed to “Logos 2027”"]
    assert [file_project(library, i) for i in (1, 2, 3, 4)] == ["Logos 2027"] * 3 + ["Posters"]
    assert ("Logos 2027", "3") in rows(panel) and "Logo work" not in dict(rows(panel))
    assert panel.key() == "Logos 2027" and gallery.model.total == 3  # still shown
    assert projects.active_project(library) == "Logos 2027"  # the active one follows


def test_delete_from_the_list_keeps_the_images_in_no_project(
    qtbot, gallery: GalleryWidget, library: Library
) -> None:  # type: ignore[no-untyped-def]
    _with_projects(gallery, library)
    panel = gallery.project_panel
    panel.choose("Logo work")
    panel.delete_action.trigger()
    box = panel.dialog
    assert isinstance(box, QMessageBox)
    qtbot.waitExposed(box)
    assert box.text() == "Delete the project “Logo work”?"
    assert box.informativeText() == "Its 3 images stay in the library, in no project."
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)  # Return is safe
    with qtbot.waitSignal(panel.state.done, timeout=TIMEOUT):
        confirm = next(b for b in box.buttons() if b.objectName() == "confirmDeleteProject")
        qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    assert [file_project(library, i) for i in (1, 2, 3)] == ["", "", ""]
    assert library.count() == COUNT  # every image stays
    assert rows(panel) == [("All images", f"{COUNT}"), ("No project", f"{COUNT - 1}"), ("Posters", "1")]
    assert panel.key() is None and gallery.model.total == COUNT  # back to all images


def test_cancelled_dialogs_change_nothing(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    _with_projects(gallery, library)
    panel = gallery.project_panel
    panel.choose("Posters")
    panel.delete_action.trigger()
    box = panel.dialog
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    panel.rename_action.trigger()
    dialog = _name_dialog(qtbot, gallery)
    dialog.edit.setText("Other")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert [p.name for p in projects.projects(library)] == ["Logo work", "Posters"]
    assert file_project(library, 4) == "Posters"


def test_drag_tiles_onto_a_project_moves_them(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    _with_projects(gallery, library)
    panel = gallery.project_panel
    gallery.select_ids([5, 6, 1])
    mime = gallery.model.mimeData(gallery.grid.selectionModel().selectedIndexes())
    # Dragged out of the window the tiles are files; inside it they carry their ids.
    paths = {library.get(i).path for i in (1, 5, 6)}  # type: ignore[union-attr]
    assert {QUrl.toLocalFile(url) for url in mime.urls()} == {str(p) for p in paths}
    assert mime.hasFormat(IMAGE_IDS_MIME)
    assert gallery.grid.dragEnabled()

    assert drag_selection_onto(gallery, None) == (False, False)  # "All images" is no place
    with qtbot.waitSignal(panel.state.moved, timeout=TIMEOUT):
        assert drag_selection_onto(gallery, "Posters") == (True, True)
    assert gallery.message_bar.message.title == "Moved into “Posters”: 3 images"  # type: ignore[union-attr]
    assert [file_project(library, i) for i in (1, 5, 6)] == ["Posters"] * 3
    gallery.select_ids([5])
    assert gallery.details.values["project"].text() == "Posters"  # the details say where it is
    assert dict(rows(panel))["Posters"] == "4" and dict(rows(panel))["Logo work"] == "2"
    # One Undo puts them back where each was (a bulk action's).
    assert gallery.message_bar.primary.text() == "Undo"
    with qtbot.waitSignal(panel.state.moved, timeout=TIMEOUT):
        gallery.message_bar.primary.click()
    assert [file_project(library, i) for i in (1, 5, 6)] == ["Logo work", "", ""]
    assert dict(rows(panel))["Posters"] == "1" and dict(rows(panel))["Logo work"] == "3"
    gallery.select_ids([5, 6, 1])
    with qtbot.waitSignal(panel.state.moved, timeout=TIMEOUT):
        assert drag_selection_onto(gallery, "Posters") == (True, True)

    # Onto "No project": out of every project.
    panel.choose("Posters")
    gallery.select_ids([4, 5])
    with qtbot.waitSignal(panel.state.moved, timeout=TIMEOUT):
        assert drag_selection_onto(gallery, "") == (True, True)
    assert [file_project(library, i) for i in (4, 5)] == ["", ""]
    assert gallery.model.total == 2 and dict(rows(panel))["Posters"] == "2"  # they left the view


def test_drop_from_another_library_is_refused(
    qtbot, gallery: GalleryWidget, library: Library, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.ui.library.projects.drag import dropped_ids, image_mime

    _with_projects(gallery, library)
    item = library.get(1)
    assert item is not None
    assert dropped_ids(image_mime([item], tmp_path / "elsewhere"), library.root) == []
    assert dropped_ids(image_mime([item], library.root), library.root) == [1]


def test_move_to_project_menu(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    _with_projects(gallery, library)
    panel = gallery.project_panel
    gallery.select_ids([1, 2])
    parent = QMenu(gallery)  # (the grid's context menu; the submenu is its child)
    menu = panel.move_menu(parent)
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions) == ["No project", "Logo work", "Posters", "New project…"]
    assert actions["Logo work"].isChecked() and not actions["Posters"].isChecked()
    with qtbot.waitSignal(panel.state.moved, timeout=TIMEOUT):
        actions["Posters"].trigger()
    assert [file_project(library, i) for i in (1, 2)] == ["Posters", "Posters"]

    # Into a new project, named in the dialog.
    gallery.select_ids([7])
    menu = panel.move_menu(parent)
    next(a for a in menu.actions() if a.text() == "New project…").trigger()
    dialog = _name_dialog(qtbot, gallery)
    dialog.edit.setText("Client A")
    with qtbot.waitSignal(panel.state.moved, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert file_project(library, 7) == "Client A" and dict(rows(panel))["Client A"] == "1"
    # No selection: nothing to move.
    gallery.grid.selectionModel().clearSelection()
    assert not panel.move_menu(parent).isEnabled()


def test_set_as_active_from_the_list(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    _with_projects(gallery, library)
    panel = gallery.project_panel
    panel.choose("Posters")
    assert panel.use_action.isEnabled()
    panel.use_action.trigger()
    assert projects.active_project(library) == "Posters"
    posters = row_of(panel, "Posters")
    assert posters.font(0).bold() and not row_of(panel, "Logo work").font(0).bold()
    assert posters.data(0, Qt.ItemDataRole.AccessibleTextRole) == "Posters, 1 image, active project"
    assert not panel.use_action.isEnabled()  # it is already
    panel.choose("")
    panel.use_action.trigger()
    assert projects.active_project(library) == ""


def test_dragging_a_collapsed_stack_moves_all_its_images(
    qtbot, library: Library, gallery: GalleryWidget
) -> None:  # type: ignore[no-untyped-def]
    batch = add_batch(library, 1, 4, created=NOW + timedelta(hours=1))
    _with_projects(gallery, library)
    panel = gallery.project_panel
    gallery.select_ids([batch[0].id])  # the stack's one tile
    assert gallery.model.rowCount() == COUNT + 1
    with qtbot.waitSignal(panel.state.moved, timeout=TIMEOUT):
        assert drag_selection_onto(gallery, "Posters") == (True, True)
    assert gallery.message_bar.message.title == "Moved into “Posters”: 4 images"  # type: ignore[union-attr]
    assert [file_project(library, b.id) for b in batch] == ["Posters"] * 4
    assert dict(rows(panel))["Posters"] == "5"

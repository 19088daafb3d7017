"""What the window does with the shown result's files: view, save a copy, copy, show in
the folder, and use its settings again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fluxdesk.core.errors import LibraryError

if TYPE_CHECKING:
    from fluxdesk.ui.generate.image_cards import ImageCard
    from fluxdesk.ui.main_window import MainWindow
    from fluxdesk.ui.widgets.image_viewer import ViewerWindow


class FileActions:
    """The result view's file actions, for the window's actions and the cards' requests."""

    def __init__(self, win: MainWindow) -> None:
        self._win = win
        rv = win.result_view
        rv.view_requested.connect(self.open_viewer)
        rv.save_requested.connect(self.save_image_as)
        rv.copy_requested.connect(self.copy_image)
        rv.seed_copied.connect(lambda seed: win.status_label.setText(f"Seed {seed} copied to the clipboard"))
        rv.open_folder_requested.connect(self.open_folder)
        rv.reuse_requested.connect(self.reuse_settings)

    def current_card(self) -> ImageCard | None:
        return self._win.result_view.current

    def view_current(self) -> None:
        card = self.current_card()
        if card is not None:
            self.open_viewer(card)

    def open_viewer(self, card: ImageCard) -> ViewerWindow:
        win = self._win
        if win.viewer is None:
            from fluxdesk.ui.widgets.image_viewer import ViewerWindow

            win.viewer = ViewerWindow()
            win.viewer.setWindowIcon(win.windowIcon())
        win.viewer.show_image(card.decoded.image, card.path.name, card.path)
        win.viewer.show()
        win.viewer.raise_()
        win.viewer.activateWindow()
        return win.viewer

    def save_image_as(self) -> Path | None:
        card = self.current_card()
        if card is None:
            return None
        win = self._win
        folder = win.ctx.settings.ui_state.get("save_dir") or str(Path.home())
        suggested = str(Path(folder) / win.result_view.suggested_name(card))
        ext = card.path.suffix.lstrip(".")
        from PySide6.QtWidgets import QFileDialog

        target, _ = QFileDialog.getSaveFileName(win, "Save image as", suggested, f"Image (*.{ext})")
        if not target:
            return None
        return self.save_image_to(Path(target), card)

    def save_image_to(self, target: Path, card: ImageCard | None = None) -> Path | None:
        from fluxdesk.ui.generate.result_view import ResultView
        from fluxdesk.ui.messages import user_message

        card = card or self.current_card()
        if card is None:
            return None
        win = self._win
        try:
            ResultView.save_copy(card, target)
        except OSError as exc:
            win.show_message(user_message(LibraryError(f"Cannot save {target.name}: {exc.strerror or exc}")))
            return None
        win.ctx.settings.ui_state["save_dir"] = str(target.parent)
        win.status_label.setText(f"Saved a copy as {target}")
        return target

    def copy_image(self) -> None:
        card = self.current_card()
        if card is not None:
            from fluxdesk.ui.generate.result_view import ResultView

            ResultView.copy_to_clipboard(card)
            self._win.status_label.setText("Image copied to the clipboard")

    def open_folder(self) -> None:
        card = self.current_card()
        if card is not None:
            from fluxdesk.ui.reveal import show_in_folder

            show_in_folder(card.path, self._win)

    def reuse_settings(self) -> None:
        win = self._win
        result = win.result_view.result
        if result is not None:
            win.form.load_request(result.request.with_seed(result.seed))
            win.form_panel.prompt.setFocus()
            win.status_label.setText(f"Settings of that job restored (seed {result.seed} locked)")

""" "Save as preset…" on a library image: the settings that made it (its record's request,
checked afresh) in the same save dialog as the form's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxdesk.core.errors import LibraryError
from fluxdesk.core.presets import Preset, PresetStore
from fluxdesk.ui.messages import Severity

if TYPE_CHECKING:
    from fluxdesk.core.library.record import ImageRecord
    from fluxdesk.ui.library.gallery import GalleryWidget
    from fluxdesk.ui.presets.dialog import SavePresetDialog


def save_item_as_preset(gallery: GalleryWidget, item: ImageRecord | None) -> SavePresetDialog | None:
    """The save dialog for ``item``'s settings (the seed offered, not ticked)."""
    if item is None:
        return None
    try:
        request = item.to_request(with_seed=True)
    except ValueError as exc:
        gallery.show_error(f"These settings cannot be saved as a preset: {exc}")
        return None
    store = PresetStore(gallery.ctx.paths.presets_file)
    try:
        store.all()
    except LibraryError as exc:
        gallery.show_error(str(exc))
        return None
    from fluxdesk.ui.presets.dialog import SavePresetDialog

    dialog = SavePresetDialog(request.to_fields(), store, gallery.window(), source="this image")

    def saved(preset: Preset) -> None:
        gallery.show_note(
            "Preset saved",
            f"“{preset.name}” is in the Presets menu next to Generate.",
            Severity.INFO,
        )

    dialog.saved.connect(saved)
    dialog.open()
    return dialog

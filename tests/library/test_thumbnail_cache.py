"""The thumbnail disk cache forgets images that left the library."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from fluxdesk.core.library import thumbnail_cache as tc


def _cached(cache: Path, tmp_path: Path, item_id: int) -> Path:
    image = tmp_path / f"{item_id}.png"
    Image.new("RGB", (8, 8)).save(image)
    key = tc.ThumbKey.for_file(item_id, image)
    target = tc.cache_path(cache, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"thumb")
    return target


def test_prune_removes_only_thumbnails_of_gone_items(tmp_path: Path) -> None:
    cache = tmp_path / "thumbs"
    kept, gone = _cached(cache, tmp_path, 7), _cached(cache, tmp_path, 1234)
    assert tc.prune(cache, keep_ids={7}) == 1
    assert kept.is_file() and not gone.exists()
    assert tc.prune(tmp_path / "no-cache-yet", keep_ids=set()) == 0

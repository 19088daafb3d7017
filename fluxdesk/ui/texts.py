"""User-facing texts that more than one widget shows (kept apart from ``messages``, whose
error catalogue the first frame does not need)."""

from __future__ import annotations

# The result area before the first generation (ResultView, and the main window's
# first-frame stand-in for it).
EMPTY_RESULTS_TEXT = "Your images will appear here.\n\nWrite a prompt on the left and press Generate."

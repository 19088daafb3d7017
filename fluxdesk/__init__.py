"""FluxDesk: a desktop client for cloud FLUX image generation (AI/ML API, flux-realism)."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "FluxDesk"

"""PyInstaller entry script for FluxDesk (see packaging/fluxdesk.spec)."""

from fluxdesk.__main__ import main  # (pauses the collector for start-up, see there)

raise SystemExit(main())

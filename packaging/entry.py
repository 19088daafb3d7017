"""PyInstaller entry script for FluxDesk (see packaging/fluxdesk.spec)."""

from fluxdesk.cli import main

raise SystemExit(main())

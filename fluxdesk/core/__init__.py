"""Qt-free heart of FluxDesk: request model, API client, library, key store, settings.

Nothing in this package may import Qt (a test enforces it), so the CLI, the sandbox
and the tests can use every rule without a display.
"""

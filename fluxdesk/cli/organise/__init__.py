"""Organising the library (issue 18): ``fluxdesk project`` and ``library set|delete``."""

"""The ``fluxdesk`` command line: ``main`` parses and dispatches, ``parser`` builds the
argument parser from the command modules, and each command group has a module of its own
(``generate``, ``library``, ``key``, ``sandbox``) with ``register`` and ``run``."""

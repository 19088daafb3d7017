"""The window's fast path through the command line gives what the full parser gives."""

from __future__ import annotations

import itertools

import pytest

from fluxdesk.cli import main as cli
from fluxdesk.cli.parser import build_parser

FLAGS = cli.WINDOW_FLAGS
EVERY_ORDERED_SUBSET = [list(c) for n in range(len(FLAGS) + 1) for c in itertools.permutations(FLAGS, n)]


@pytest.mark.parametrize("argv", EVERY_ORDERED_SUBSET)
def test_window_flags_parse_as_the_full_parser_does(argv: list[str]) -> None:
    fast = cli.window_args(argv)
    assert fast is not None
    full = build_parser().parse_args(argv)
    assert vars(fast) == {key: getattr(full, key) for key in vars(fast)}
    assert full.command is None


OTHERS = [["--help"], ["--version"], ["--sand"], ["generate", "a"], ["--sandbox", "key"]]


@pytest.mark.parametrize("argv", OTHERS)
def test_anything_else_goes_through_the_full_parser(argv: list[str]) -> None:
    assert cli.window_args(argv) is None

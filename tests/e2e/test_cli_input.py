"""Input the command line refuses (issue 19, item 5): an empty option value is an error
naming the option, never its default; a prompt with terminal control characters is
refused by the request model's one rule. Real command runs against a real sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxdesk.cli import main as cli
from fluxdesk.core import params as P
from fluxdesk.core.errors import EXIT_CODES, ErrorKind
from fluxdesk.sandbox.server import Sandbox

INVALID = EXIT_CODES[ErrorKind.VALIDATION]


@pytest.fixture
def env(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    monkeypatch.setenv("FLUXDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLUXDESK_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("FLUXDESK_API_KEY", sandbox.api_key)
    return sandbox


def generate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = cli.main(["generate", *args])
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    return code, captured.err.splitlines()


OPTIONS = [spec.flag for spec in P.FIELDS if spec.flag.startswith("--") and spec.kind != P.SWITCH]


@pytest.mark.parametrize("blank", ["", " "])
@pytest.mark.parametrize("flag", OPTIONS)
def test_an_empty_option_value_is_an_error_naming_the_option(
    env: Sandbox, capsys: pytest.CaptureFixture[str], flag: str, blank: str
) -> None:
    code, lines = generate(capsys, "a fox", flag, blank)
    assert code == INVALID
    assert len(lines) == 2 and lines[-1] == "fluxdesk generate: nothing was sent.", lines
    assert f"({flag}): must be" in lines[0] and f"(got {blank!r})" in lines[0]
    assert env.requests == []


def test_empty_width_and_height_are_errors_naming_both(
    env: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = generate(capsys, "a fox", "--width", "", "--height", " ")
    assert code == INVALID
    assert lines[:2] == [
        "fluxdesk generate: Width (--width): must be a multiple of 32 from 512 to 1536 (got '')",
        "fluxdesk generate: Height (--height): must be a multiple of 32 from 512 to 1536 (got ' ')",
    ]
    assert env.requests == []


@pytest.mark.parametrize(
    ("prompt", "control", "position"),
    [
        ("a fox\x1b]0;owned\x07", "\x1b", 6),
        ("a\rfox", "\r", 2),
        ("fox\x00", "\x00", 4),
        ("fox\x9b2J", "\x9b", 4),
    ],
)
def test_a_prompt_with_terminal_control_characters_is_refused(
    env: Sandbox, capsys: pytest.CaptureFixture[str], prompt: str, control: str, position: int
) -> None:
    code, lines = generate(capsys, prompt)
    assert code == INVALID
    assert lines == [
        "fluxdesk generate: Prompt (PROMPT): must not contain control characters (other than newline "
        f"and tab) (got {control!r} at position {position})",
        "fluxdesk generate: nothing was sent.",
    ]
    assert all(c.isprintable() for c in "".join(lines))  # nothing raw reached the terminal
    assert env.requests == []


def test_newlines_and_tabs_are_prompt_text(env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["generate", "a fox\n\tin snow"])
    assert code == 0 and capsys.readouterr().out.strip().endswith(".jpg")
    posts = [r.body for r in env.requests if r.method == "POST"]
    assert [body["prompt"] for body in posts] == ["a fox\n\tin snow"]


@pytest.mark.parametrize(
    "args",
    [
        ["library", "list", "--search", ""],
        ["library", "list", "--limit", " "],
        ["library", "export-sheet", "sheet.png", "--title", ""],
        ["library", "export-sheet", "sheet.png", "--ids", " "],
        ["sandbox", "--key", " "],
    ],
)
def test_every_command_refuses_an_empty_option_value(
    env: Sandbox, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(args)
    assert done.value.code == INVALID
    flag, value = args[-2:]
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith(f"error: argument {flag}: expected a value, got {value!r}")
    )


def test_every_catalogue_field_is_a_generate_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for spec in (*P.FIELDS, *P.SIDE_SPECS):
        assert spec.flag in text and spec.help in text, spec.field

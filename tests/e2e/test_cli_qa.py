"""Command-line fixes from a QA review: bad input is one line naming the option and its
range (exit 2), library log records do not leak onto the terminal, the help reads well,
and the global options also work after the command. Real processes, real files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fluxdesk.cli import library as cli_library
from fluxdesk.cli import main as cli
from fluxdesk.cli.parser import build_parser
from fluxdesk.core import params as P
from fluxdesk.core.errors import EXIT_CODES, ErrorKind
from fluxdesk.sandbox.server import Sandbox

INVALID = EXIT_CODES[ErrorKind.VALIDATION]
SIDES = f"each a multiple of {P.SIDE_STEP} from {P.SIDE_MIN} to {P.SIDE_MAX}"


def run(
    *args: str,
    home: Path,
    sandbox: Sandbox | None = None,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    full["FLUXDESK_HOME"] = str(home)
    if sandbox is not None:
        full.update(FLUXDESK_BASE_URL=sandbox.base_url, FLUXDESK_API_KEY=sandbox.api_key)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fluxdesk", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
    )


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "WARNING" not in stderr
    return lines[0]


@pytest.fixture(scope="module")
def library_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library with three images, made by `fluxdesk --sandbox generate`."""
    home = tmp_path_factory.mktemp("cli-qa") / "home"
    done = run("--sandbox", "generate", "a red fox", "--num-images", "3", home=home)
    assert done.returncode == 0, done.stderr
    return home


# --- 1. size options -------------------------------------------------------------------


@pytest.mark.parametrize(("given", "missing"), [("width", "height"), ("height", "width")])
def test_one_side_alone_asks_for_the_other_with_the_range(
    sandbox: Sandbox, tmp_path: Path, given: str, missing: str
) -> None:
    result = run("generate", "fox", f"--{given}", "512", home=tmp_path, sandbox=sandbox)
    assert result.returncode == INVALID
    assert result.stderr.splitlines() == [
        f"fluxdesk generate: Image size: --{given} needs --{missing} as well ({SIDES}), or use --size",
        "fluxdesk generate: nothing was sent.",
    ]
    assert sandbox.requests == [] and result.stdout == ""


def test_one_bad_side_alone_names_both_problems(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run("generate", "fox", "--height", "1000", home=tmp_path, sandbox=sandbox)
    assert result.returncode == INVALID
    assert "--height needs --width" in result.stderr
    assert "Height (--height): must be a multiple of 32 from 512 to 1536 (got '1000')" in result.stderr
    assert "None" not in result.stderr and sandbox.requests == []


@pytest.mark.parametrize(
    "sides", [["--width", "512"], ["--width", "512", "--height", "512"], ["--height", "7"]]
)
def test_size_with_width_or_height_is_one_message(sandbox: Sandbox, tmp_path: Path, sides: list[str]) -> None:
    result = run(
        "generate", "fox", "--size", "square", *sides, "--steps", "99", home=tmp_path, sandbox=sandbox
    )
    assert result.returncode == INVALID
    assert result.stderr.splitlines() == [
        "fluxdesk generate: Image size: --size and --width/--height are alternatives; give either "
        f"a preset with --size, or both --width and --height ({SIDES})",
        # The other fields' problems are still named:
        "fluxdesk generate: Steps (--steps): must be a whole number from 1 to 50 (got '99')",
        "fluxdesk generate: nothing was sent.",
    ]
    assert sandbox.requests == []


# --- 2. no raw log lines -----------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_refused_connection_is_one_line_without_urllib3_retry_warnings(tmp_path: Path) -> None:
    env = {"FLUXDESK_BASE_URL": f"http://127.0.0.1:{closed_port()}", "FLUXDESK_API_KEY": "sk-any"}
    result = run("generate", "fox", home=tmp_path, env=env)
    assert result.returncode == EXIT_CODES[ErrorKind.NETWORK]
    assert one_line(result.stderr).startswith("fluxdesk: Cannot reach the API at 127.0.0.1:")
    assert "urllib3" not in result.stderr and "Retrying" not in result.stderr


def test_debug_still_shows_library_logs(tmp_path: Path) -> None:
    env = {"FLUXDESK_BASE_URL": f"http://127.0.0.1:{closed_port()}", "FLUXDESK_API_KEY": "sk-any"}
    result = run("--debug", "generate", "fox", home=tmp_path, env=env)
    assert result.returncode != 0 and "urllib3" in result.stderr and "Traceback" in result.stderr


@pytest.mark.parametrize(
    "command", [["library", "list"], ["--sandbox", "generate", "fox"], ["key", "status"]], ids=" ".join
)
@pytest.mark.parametrize("below", [False, True], ids=["home-is-a-file", "home-under-a-file"])
def test_data_folder_that_is_a_file_is_one_clear_line(
    tmp_path: Path, command: list[str], below: bool
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    home = blocker / "sub" if below else blocker
    result = run(*command, home=home)
    assert result.returncode == EXIT_CODES[ErrorKind.LIBRARY]
    line = one_line(result.stderr)
    assert line.startswith(f"fluxdesk: The data folder {home} ")
    assert f"{blocker} is a file, not a folder; point FLUXDESK_HOME at a folder." in line
    assert "Errno" not in line and result.stdout == ""


def test_an_unreadable_settings_file_is_one_plain_warning(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text("{", encoding="utf-8")
    result = run("library", "list", home=tmp_path)
    assert result.returncode == 0
    line = result.stderr.splitlines()[0]
    assert line.startswith(
        f"fluxdesk: warning: Ignoring unreadable settings file {tmp_path / 'settings.json'}"
    )
    assert "fluxdesk.core.settings" not in result.stderr and "WARNING" not in result.stderr


# --- 3. --limit and --columns ------------------------------------------------------------

LIMIT_COMMANDS = {
    "list": ["library", "list"],
    "search": ["library", "search", "fox"],
    "export-sheet": ["library", "export-sheet", "{out}"],
}


@pytest.mark.parametrize("value", ["0", "-3", "two", "1.5"])
@pytest.mark.parametrize("action", LIMIT_COMMANDS)
def test_limit_below_one_or_not_a_number_is_refused(
    library_home: Path, tmp_path: Path, action: str, value: str
) -> None:
    out = tmp_path / "sheet.png"
    command = [part.format(out=out) for part in LIMIT_COMMANDS[action]]
    result = run(*command, "--limit", value, home=library_home)
    assert result.returncode == INVALID
    assert one_line(result.stderr) == (
        f"fluxdesk library {action}: --limit must be a whole number of at least 1 (got {value!r})"
    )
    assert result.stdout == "" and not out.exists()


@pytest.mark.parametrize("action", ["list", "search"])
def test_limit_still_limits(library_home: Path, action: str) -> None:
    command = [part for part in LIMIT_COMMANDS[action]]
    result = run(*command, "--limit", "2", "--json", home=library_home)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2


@pytest.mark.parametrize("value", ["0", "-1", str(cli_library.SHEET_MAX_COLUMNS + 1), "50", "four"])
def test_columns_outside_the_range_are_refused(library_home: Path, tmp_path: Path, value: str) -> None:
    out = tmp_path / "sheet.png"
    result = run("library", "export-sheet", str(out), "--columns", value, home=library_home)
    assert result.returncode == INVALID
    assert one_line(result.stderr) == (
        f"fluxdesk library export-sheet: --columns must be a whole number from "
        f"{cli_library.SHEET_MIN_COLUMNS} to {cli_library.SHEET_MAX_COLUMNS} (got {value!r})"
    )
    assert not out.exists()


@pytest.mark.parametrize("value", [cli_library.SHEET_MIN_COLUMNS, cli_library.SHEET_MAX_COLUMNS])
def test_columns_at_the_limits_write_a_sheet(library_home: Path, tmp_path: Path, value: int) -> None:
    out = tmp_path / "sheet.png"
    result = run(
        "library", "export-sheet", str(out), "--columns", str(value), "--limit", "2", home=library_home
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote {out} (2 images, 1 page)." and out.is_file()


# --- 4. an empty key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stdin", "words"),
    [("", "is empty"), ("\n", "is empty"), ("   \n", "is empty"), ("sk one\n", "contains spaces")],
)
def test_an_empty_or_spaced_key_is_invalid_input(tmp_path: Path, stdin: str, words: str) -> None:
    result = run("key", "set", home=tmp_path, stdin=stdin)
    assert result.returncode == INVALID
    line = one_line(result.stderr)
    assert line.startswith("fluxdesk key set: the API key ") and words in line
    assert line.endswith("nothing was stored") and result.stdout == ""


# --- 5. help text ------------------------------------------------------------------------


def generate_help(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        cli.main(["generate", "--help"])
    assert done.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines


def test_generate_help_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    text = generate_help(capsys)
    assert "). (" not in text and ". (" not in text and ".." not in text
    assert "(higher = more literal). A number from 1 to 20; if omitted, the server decides." in text
    assert "--guidance-scale X" in text and "--steps N" in text and "--seed N" in text
    assert "empty = random" not in text and "if omitted, a new random seed each time." in text
    assert (
        "--format FORMAT File format the API returns (PNG is lossless and larger). Values: jpeg or png;"
        in text
    )
    assert "A whole number from 1 to 4; default 1." in text


# --- 6. global options after the command -------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "sandbox", "debug"),
    [
        (["--sandbox", "generate", "x"], True, False),
        (["generate", "--sandbox", "x"], True, False),
        (["generate", "x", "--sandbox"], True, False),
        (["--sandbox", "generate", "--debug", "x"], True, True),  # the command keeps --sandbox
        (["--debug", "generate", "--sandbox", "x"], True, True),
        (["generate", "x"], False, False),
        (["library", "list", "--debug"], False, True),
        (["--debug", "library", "list"], False, True),
        (["key", "status", "--debug"], False, True),
    ],
)
def test_global_options_parse_before_or_after_the_command(
    argv: list[str], sandbox: bool, debug: bool
) -> None:
    args = build_parser().parse_args(argv)
    assert (args.sandbox, args.debug) == (sandbox, debug)


@pytest.mark.parametrize("where", ["before", "after"])
def test_generate_with_sandbox_after_the_command(tmp_path: Path, where: str) -> None:
    argv = ["--sandbox", "generate", "fox"] if where == "before" else ["generate", "fox", "--sandbox"]
    result = run(*argv, "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert Path(json.loads(result.stdout)["images"][0]["path"]).is_file()

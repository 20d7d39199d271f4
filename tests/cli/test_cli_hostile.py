"""The command line against hostile input: FIFOs, standard input, --max-outcomes, kiosk
options, and Ctrl+C at any moment (status 130, no traceback).

Ctrl+C is sent once numpy has loaded, from then on at several delays: before divtui's first
line the interpreter itself is starting (20 ms on an idle machine, a few hundred on a busy
one), and a Ctrl+C then is Python's; the last test shows the README's remedy for that window.
"""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from cli_runner import RUNNERS, run_main, run_module

GOOD = """\
labels = ["a", "b", "c"]
p = [0.5, 0.25, 0.25]

[[models]]
name = "m"
q = [0.25, 0.5, 0.25]
"""


def one_error_line(stderr: str, fragment: str) -> None:
    assert stderr.startswith("divtui: error: ") and stderr.count("\n") == 1, repr(stderr)
    assert fragment in stderr, stderr


# --- FIFOs and standard input -------------------------------------------------------------------


@pytest.mark.parametrize("command", [["report"], []], ids=["report", "app"])
def test_a_fifo_given_as_file_is_refused_at_once(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "x.toml"
    os.mkfifo(path)
    run = run_module([*command, str(path)])  # run_module gives up (and fails) after 60 s
    assert run.status == 2 and run.stdout == ""
    one_error_line(run.stderr, f"{path}: is a FIFO (named pipe); divtui reads only regular files")


def stdin_run(args: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "divtui", *args],
        input=data,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


def npz_bytes() -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, p=np.array([0.5, 0.25, 0.25]), q_m=np.array([0.25, 0.5, 0.25]))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        GOOD.encode(),
        b'{"labels": ["a", "b", "c"], "p": [2, 1, 1], "models": [{"name": "m", "q": [1, 2, 1]}]}',
        b"label,p,m\na,2,1\nb,1,2\nc,1,1\n",
        npz_bytes(),
    ],
    ids=["toml", "json", "csv", "npz"],
)
def test_report_minus_reads_standard_input(data: bytes) -> None:
    run = stdin_run(["report", "-", "--format", "csv"], data)
    assert run.returncode == 0, run.stderr
    line = run.stdout.decode().splitlines()[1]
    assert line.startswith("m,")
    # KL(p‖q) of (1/2, 1/4, 1/4) against (1/4, 1/2, 1/4) is ½ ln 2 − ¼ ln 2 = ¼ ln 2 nats
    assert f"{0.25 * np.log(2):.6f}"[:6] in line


def test_report_minus_refuses_bad_input_naming_stdin() -> None:
    run = stdin_run(["report", "-"], b'labels = ["a"\n')
    assert run.returncode == 2
    one_error_line(run.stderr.decode(), "divtui: error: <stdin>: invalid TOML")


def test_report_minus_is_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big"
    with big.open("wb") as stream:
        stream.truncate((1 << 30) + 1)
    with big.open("rb") as source:
        run = subprocess.run(
            [sys.executable, "-m", "divtui", "report", "-"],
            stdin=source,
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert run.returncode == 2
    one_error_line(run.stderr.decode(), "<stdin>: more than 1073741824 bytes is too large")


@pytest.mark.parametrize("runner", RUNNERS)
def test_the_app_does_not_read_standard_input(runner: str) -> None:
    run = RUNNERS[runner](["-"])
    assert run.status == 2
    one_error_line(run.stderr, "FILE -: only divtui report reads a scenario from standard input")


# --- --max-outcomes -------------------------------------------------------------------------


def test_max_outcomes_refuses_a_larger_file_and_accepts_its_size(tmp_path: Path) -> None:
    path = tmp_path / "three.toml"
    path.write_text(GOOD)
    run = run_main(["report", str(path), "--max-outcomes", "2"])
    assert run.status == 2
    one_error_line(
        run.stderr,
        f"{path}: 3 outcomes; divtui opens at most 2 (--max-outcomes raises the limit)",
    )
    assert run_main(["report", str(path), "--max-outcomes", "3"]).status == 0


@pytest.mark.parametrize("value", ["0", "-5", "many", "1.5"])
def test_max_outcomes_must_be_a_count(value: str) -> None:
    run = run_main(["report", "--preset", "coin", f"--max-outcomes={value}"])
    assert run.status == 2
    one_error_line(run.stderr, f"argument --max-outcomes: {value!r} is not a whole number ≥ 1")


# --- kiosk options --------------------------------------------------------------------------


def parsed(args: list[str]) -> object:
    from divtui import cli

    captured: list[object] = []

    def run_app(scenario: object, **options: object) -> int:
        captured.append(options["kiosk"])
        return 0

    from divtui.app import launch

    real = launch.run_app
    launch.run_app = run_app
    try:
        assert cli.main(args) == 0
    finally:
        launch.run_app = real
    return captured[0]


def test_kiosk_defaults() -> None:
    from divtui.core.kiosk import KioskPolicy

    policy = parsed(["--kiosk"])
    assert policy == KioskPolicy(
        max_outcomes=10_000,
        max_models=8,
        idle_timeout=15 * 60,
        max_session=120 * 60,
        max_width=400,
        max_height=150,
    )


def test_kiosk_options_are_read() -> None:
    from divtui.core.kiosk import KioskPolicy

    policy = parsed(
        [
            "--kiosk",
            "--max-outcomes=500",
            "--max-models=3",
            "--idle-timeout=2.5",
            "--max-session=0",
            "--max-size=200x60",
        ]
    )
    assert policy == KioskPolicy(
        max_outcomes=500,
        max_models=3,
        idle_timeout=150,
        max_session=0,
        max_width=200,
        max_height=60,
    )
    assert parsed(["--preset", "coin"]) is None


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--idle-timeout", "5"], "--idle-timeout only applies with --kiosk"),
        (["--max-models", "2"], "--max-models only applies with --kiosk"),
        (["--kiosk", "--max-size", "400"], "'400' is not COLUMNSxROWS (e.g. 400x150)"),
        (["--kiosk", "--idle-timeout", "-1"], "'-1' is not a number of minutes ≥ 0"),
        (
            ["--kiosk", "--preset", "distillation", "--max-models", "1"],
            "kiosk mode: 2 models is more than this demo allows (1)",
        ),
        (
            ["--kiosk", "--p", "1 2 3", "--q", "1 1 1", "--max-outcomes", "2"],
            "kiosk mode: 3 outcomes is more than this demo allows (2)",
        ),
    ],
)
@pytest.mark.parametrize("runner", RUNNERS)
def test_kiosk_refusals_are_one_line(runner: str, args: list[str], fragment: str) -> None:
    run = RUNNERS[runner](args)
    assert run.status == 2 and run.stdout == ""
    one_error_line(run.stderr, fragment)


def test_kiosk_caps_a_file_at_10000_outcomes_before_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.npz"
    np.savez(path, p=np.ones(10_001), q=np.ones(10_001))
    run = run_main(["--kiosk", str(path)])
    assert run.status == 2
    one_error_line(run.stderr, "array 'p': declares 10,001 values; divtui opens at most 10,000")


# --- Ctrl+C ---------------------------------------------------------------------------------


def million_csv(directory: Path) -> Path:
    path = directory / "million.csv"
    n = 1_000_000
    rows = "\n".join(f"t{i},{i % 7 + 1},{i % 5 + 1}" for i in range(n))
    path.write_text("label,p,q\n" + rows + "\n")
    return path


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return million_csv(tmp_path_factory.mktemp("big"))


def wait_for_numpy(pid: int) -> None:
    """Until the process has loaded numpy, which divtui imports after its own first line (so
    the interpreter's start-up, whose Ctrl+C is Python's, is over), however busy the machine."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if "numpy" in Path(f"/proc/{pid}/maps").read_text():
                return
        except OSError:
            return  # it has already ended
        time.sleep(0.005)
    raise AssertionError("numpy never loaded")


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5, 1.0])
def test_ctrl_c_while_report_loads_is_status_130_without_traceback(
    big_csv: Path, delay: float
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "divtui", "report", str(big_csv), "--terms", "all"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_numpy(child.pid)
    time.sleep(delay)  # the moment of the Ctrl+C is the point of the test, not a wait
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert "Traceback" not in stderr and stderr.count("\n") <= 1, stderr
    # 130; 0 if it had finished; killed by the signal if it came before Python's handler
    assert child.returncode in (130, 0, -signal.SIGINT), (child.returncode, stderr)


def read_until_exit(master: int, child: subprocess.Popen[bytes], seconds: float) -> bytes:
    output = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            output += chunk
            if not chunk and child.poll() is not None:
                break
        elif child.poll() is not None:
            break
    return output


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.6, 1.0, 2.0])
def test_ctrl_c_before_the_first_frame_ends_the_app_without_traceback(delay: float) -> None:
    """In a real terminal: SIGINT (what Ctrl+C sends until Textual turns the terminal raw)
    while numpy and Textual import or the app starts."""
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "divtui", "--preset", "weather"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"},
        start_new_session=True,
    )
    os.close(slave)
    try:
        wait_for_numpy(child.pid)
        time.sleep(delay)  # the moment of the Ctrl+C is the point of the test
        child.send_signal(signal.SIGINT)
        output = read_until_exit(master, child, 30)
        status = child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
    assert b"Traceback" not in output and b"KeyboardInterrupt" not in output, output[-2000:]
    # 130, or killed by the signal itself in the first milliseconds, before Python installs
    # its handler (a shell shows both as 130)
    assert status in (130, -signal.SIGINT), (status, output[-2000:])


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.1, 0.3])
def test_started_with_ctrl_c_ignored_no_moment_shows_a_traceback(delay: float) -> None:
    """The README's `trap '' INT; exec divtui …`: while the interpreter starts, Ctrl+C is
    ignored; from divtui's first line on it ends divtui with 130."""
    child = subprocess.Popen(
        [sys.executable, "-m", "divtui", "report", "--preset", "weather"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    time.sleep(delay)  # the moment of the Ctrl+C is the point of the test, not a wait
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=120)
    assert stderr == ""
    assert child.returncode in (130, 0), child.returncode


def test_the_command_lines_default_limit_is_the_loaders() -> None:
    """cli.py keeps its own copy (it must not import the core before main runs)."""
    from divtui import cli
    from divtui.core.array_files import MAX_OUTCOMES

    assert cli.DEFAULT_MAX_OUTCOMES == MAX_OUTCOMES

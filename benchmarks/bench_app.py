"""App speed in a real pseudo-terminal: start to first paint, and keystroke to repaint.

Run: python benchmarks/bench_app.py [--runs N]

It starts `python -m divtui` in a pty of 120x40, as a terminal would, and times bytes on the
wire: no Pilot, whose press/pause add ~60 ms of sleeps. For each keystroke it reports when the
first frame after the key arrives (the table and metrics: target one 60 Hz frame, 16.7 ms) and
when the output settles (the charts, which are drawn after the table and metrics have painted).
Figures are medians over the runs, printed with their ratio to the target.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time

FRAME = 1 / 60
START_TARGET = 0.300
TEN_OUTCOMES = (
    "--p",
    " ".join(f"o{i}={w}" for i, w in enumerate([5, 9, 2, 7, 1, 8, 3, 6, 4, 10])),
    "--q",
    "model-a: " + " ".join(f"o{i}=1" for i in range(10)),
    "--q",
    "model-b: " + " ".join(f"o{i}={w}" for i, w in enumerate([4, 8, 3, 7, 2, 7, 3, 5, 5, 9])),
)


class Terminal:
    """A child process on a pseudo-terminal of a given size."""

    def __init__(self, argv: list[str], width: int = 120, height: int = 40) -> None:
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
        env.pop("NO_COLOR", None)
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.buffer = b""

    def read_until(self, marker: bytes, timeout: float = 10.0) -> float:
        """Seconds from now until `marker` has been written (searched in all output so far)."""
        start = time.perf_counter()
        while marker not in self.buffer:
            remaining = timeout - (time.perf_counter() - start)
            if remaining <= 0:
                raise TimeoutError(f"{marker!r} not seen within {timeout} s")
            self._read(remaining)
        return time.perf_counter() - start

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            return False
        self.buffer += chunk
        return bool(chunk)

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the output has been quiet for `quiet` seconds."""
        while self._read(quiet):
            pass

    def key(self, data: bytes, settle: float = 0.12) -> tuple[float, float]:
        """Send a key; return (seconds to the first output, seconds until the output settles)."""
        self.drain(0.15)
        self.buffer = b""
        sent = time.perf_counter()
        os.write(self.fd, data)
        first = last = None
        while True:
            # Up to 2 s for the first byte (a loaded machine), then `settle` of quiet ends it.
            ready, _, _ = select.select([self.fd], [], [], settle if first is not None else 2.0)
            if not ready:
                break
            chunk = os.read(self.fd, 1 << 16)
            now = time.perf_counter()
            first = first if first is not None else now
            last = now
            self.buffer += chunk
        if first is None or last is None:
            raise TimeoutError("no output after the key")
        return first - sent, last - sent

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def divtui(*args: str) -> list[str]:
    return [sys.executable, "-m", "divtui", *args]


def start_to_paint(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        terminal = Terminal(divtui("--preset", "weather"))
        try:
            terminal.read_until(b"Distributions")
            times.append(time.perf_counter() - terminal.started)
        finally:
            terminal.close()
    return times


def keystrokes(runs: int) -> tuple[list[float], list[float]]:
    firsts, settles = [], []
    terminal = Terminal(divtui(*TEN_OUTCOMES))
    try:
        terminal.read_until(b"Distributions")
        terminal.drain(1.0)
        for _ in range(runs):
            first, settle = terminal.key(b"u")  # the unit changes every number on screen
            firsts.append(first)
            settles.append(settle)
    finally:
        terminal.close()
    return firsts, settles


def row(name: str, values: list[float], target: float | None, width: int = 44) -> str:
    """The median of `values` against its target (None: a figure for information only)."""
    median = statistics.median(values)
    if target is None:
        return f"{name:<{width}} {median * 1000:8.1f} ms  {'':>10}  {'':>7}  (information)"
    verdict = "met" if median <= target else "NOT met"
    return (
        f"{name:<{width}} {median * 1000:8.1f} ms  {target * 1000:7.1f} ms"
        f"  {median / target:6.2f}×  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    starts = start_to_paint(max(3, args.runs // 3))
    firsts, settles = keystrokes(args.runs)
    print(f"{'measure (median)':<44} {'value':>11}  {'target':>10}  ratio   verdict")
    print(row("start to first paint (weather, 120x40 pty)", starts, START_TARGET))
    print(row("key → first frame (10 outcomes, 2 models)", firsts, FRAME))
    print(row("key → output settles, charts included", settles, 0.120))
    print(
        f"(start runs: {len(starts)}, key runs: {len(firsts)}; "
        "noisy shared machine: compare ratios)"
    )


if __name__ == "__main__":
    main()

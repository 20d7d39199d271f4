"""divtui's benchmark suite: one run, one table of medians and ratios against their targets.

Run: python benchmarks/run.py [--quick]

1. Core: every measure (compare) and H/CE/KL (decompose) for n = 4 … 10^7, against scipy
   (n ≤ 100: ≥ 20× faster) and against one np.log over the same array (n ≥ 10^6: ≤ 4×); the
   near-identical case (q ≈ p) against the ordinary one (≤ 1.5×).
2. Start to first paint in a real 120x40 pty: the weather preset (≤ 300 ms) and a
   10^6-outcome .npz (≤ 1.5 s).
3. Keystroke to repaint of table and metrics, in the same pty: a cursor move and a unit change
   at 4 outcomes (≤ one 60 Hz frame) and at 10^6 (≤ 50 ms), plus an edit at 10^6; and the time
   to redraw each chart, in-process.
4. Peak memory of the app with a 10^6-outcome scenario, beyond its peak with 4 outcomes,
   against the size of the scenario's arrays (≤ 10×).

Each pair is measured interleaved in this one process (a shared machine slows both alike) and
reported as a median with its ratio to the target. Nothing here asserts: the table says which
targets this run met.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from bench_app import FRAME, Terminal, divtui, row  # noqa: E402
from bench_core import Row, long_rows, pair, print_table, small_rows  # noqa: E402

START_TARGETS = {"weather": 0.300, "million": 1.5}
KEY_TARGETS = {"weather": FRAME, "million": 0.050}
MEMORY_TARGET = 10.0
BARE_RATIO_TARGET = 1.2
MILLION = 1_000_000

DOWN = b"\x1b[B"


def write_million(directory: Path) -> tuple[Path, int]:
    """A 10^6-outcome next-token-like .npz; returns its path and the bytes of its arrays."""
    rng = np.random.default_rng(2026)
    arrays = {
        "p": rng.dirichlet(np.full(MILLION, 0.5)),
        "q_student": rng.dirichlet(np.full(MILLION, 0.5)),
        "labels": np.array([f"tok{i}" for i in range(MILLION)]),
    }
    path = directory / "million.npz"
    np.savez(path, **arrays)  # type: ignore[arg-type]
    return path, sum(array.nbytes for array in arrays.values())


def core_rows(quick: bool) -> list[Row]:
    rounds = 5 if quick else 11
    rows = small_rows(rounds)
    sizes = [10**4, 10**6] if quick else [10**4, 10**6, 10**7]
    long, _ = long_rows(sizes, rounds)
    rows += long
    from bench_core import interleaved

    from divtui.core.measures import compare

    for n in sizes[1:]:
        p, q = pair(n)
        ours, reference = interleaved(lambda p=p, q=q: compare(p, q), lambda p=p: np.log(p), 5, 0.2)
        rows.append(
            Row(
                f"compare() (all 12 measures) vs np.log, n=1e{len(str(n)) - 1}",
                ours,
                reference,
                ours / reference,
                "(information: 3 logs + 2 sqrt)",
                None,
            )
        )
    return rows


def hwm_kib(pid: int) -> int:
    """The peak resident memory of a process, from /proc (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def app_rows(million: Path, runs: int) -> tuple[list[str], dict[str, int]]:
    """Start-to-paint, keystroke and memory lines, measured in real pseudo-terminals."""
    sources = {"weather": ["--preset", "weather"], "million": [str(million)]}
    commands = {name: divtui(*args) for name, args in sources.items()}
    commands["bare"] = [sys.executable, str(Path(__file__).with_name("bare_app.py"))]
    starts: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():  # interleaved: a busy moment slows all alike
            terminal = Terminal(argv)
            try:
                terminal.read_until(b"Distributions", timeout=30)
                starts[name].append(time.perf_counter() - terminal.started)
            finally:
                terminal.close()
    lines = [
        line(f"start to first paint, {name}", starts[name], START_TARGETS[name]) for name in sources
    ]
    lines.append(line("start to first paint, bare Textual app", starts["bare"], None))
    ratios = [w / b for w, b in zip(starts["weather"], starts["bare"], strict=True)]
    median = statistics.median(ratios)
    met = "met" if median <= BARE_RATIO_TARGET else "NOT met"
    lines.append(
        f"{'start: weather ÷ bare Textual app (same run)':<54} {median:9.2f}×  "
        f"target ≤ {BARE_RATIO_TARGET}×  {met}"
    )
    memory: dict[str, int] = {}
    for name, args in sources.items():
        terminal = Terminal(divtui(*args))
        try:
            terminal.read_until(b"Distributions", timeout=30)
            terminal.drain(1.5)
            for label, key in (("↓ (cursor)", DOWN), ("u (unit: every measure)", b"u")):
                firsts, settles = [], []
                for _ in range(max(5, runs * 2)):
                    first, settle = terminal.key(key, settle=0.25)
                    firsts.append(first)
                    settles.append(settle)
                lines.append(line(f"key {label} → first frame, {name}", firsts, KEY_TARGETS[name]))
                lines.append(line(f"key {label} → settled (charts too), {name}", settles, None))
            if name == "million":
                edits = []
                for value in (b"0.25", b"0.5") * max(2, runs):
                    terminal.key(value, settle=0.25)  # opens the editor and types
                    first, _ = terminal.key(b"\r", settle=0.25)
                    edits.append(first)
                lines.append(line("edit p (Enter) → first frame, million", edits, 0.050))
            memory[name] = hwm_kib(terminal.pid)
        finally:
            terminal.close()
    return lines, memory


def chart_lines(million: Path) -> list[str]:
    """How long each chart takes to build (plotext included), in-process, at 4 and 10^6."""
    from divtui.app.app import DivtuiApp
    from divtui.app.widgets.chart import Chart
    from divtui.core.presets import preset
    from divtui.core.scenario_file import load_scenario

    results: list[str] = []

    async def measure(name: str, app: DivtuiApp) -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            for chart in app.screen.query(Chart):
                if not chart.display:
                    continue
                times = []
                for _ in range(7):
                    chart._stale = True
                    chart._build_allowed = True
                    start = time.perf_counter()
                    chart.render()
                    times.append(time.perf_counter() - start)
                results.append(line(f"chart redraw, {type(chart).__name__}, {name}", times, None))

    asyncio.run(measure("weather", DivtuiApp(preset("weather"))))
    asyncio.run(measure("million", DivtuiApp(load_scenario(million), path=million)))
    return results


def line(name: str, values: list[float], target: float | None) -> str:
    return row(name, values, target, width=52)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no n = 10^7")
    args = parser.parse_args()
    print(
        f"divtui benchmarks — {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}, {time.strftime('%Y-%m-%d')}"
    )
    rows = core_rows(args.quick)
    print_table("1. Core (median per call)", rows, "ratio")
    with tempfile.TemporaryDirectory() as directory:
        million, array_bytes = write_million(Path(directory))
        lines, memory = app_rows(million, 3 if args.quick else 7)
        lines += chart_lines(million)
    print(f"\n2-3. App in a 120x40 pty (median){'':>14}value     target   ratio")
    for text in lines:
        print(text)
    extra = (memory["million"] - memory["weather"]) * 1024
    ratio = extra / array_bytes
    print("\n4. Memory")
    print(
        f"peak RSS: weather {memory['weather'] / 1024:.0f} MiB, 10^6 outcomes "
        f"{memory['million'] / 1024:.0f} MiB; the difference is {ratio:.1f}× the scenario's "
        f"arrays ({array_bytes / 2**20:.0f} MiB: p, q, labels)  target ≤ {MEMORY_TARGET:.0f}×  "
        f"{'met' if ratio <= MEMORY_TARGET else 'NOT met'}"
    )


if __name__ == "__main__":
    main()

"""Peak memory of loading a scenario file, against the size of the arrays it produces.

Target: loading any format peaks below 10x the scenario's arrays (p and each model as float64,
and the labels as a NumPy string array, as an .npz holds them). Each load runs in a fresh
interpreter; its peak (ru_maxrss) beyond what the interpreter held once divtui was imported is
the figure. Files are next-token-like: labels "tok0" ... and two columns p and q.

    .venv/bin/python benchmarks/bench_load.py            # 10^6 and 10^7 outcomes (~3 min)
    .venv/bin/python benchmarks/bench_load.py --quick    # 10^6 only

TOML is measured at 10^5 outcomes (a TOML file may not pass 64 MB). Also measures kiosk mode's
size clamp: the app started headless at 8000x8000 in kiosk mode
against the same app at 400x150 (the clamp), whose peaks should be about equal.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from divtui.core.scenario import Scenario
from divtui.core.scenario_file import save_scenario

TARGET = 10.0

PEAK = """
from pathlib import Path

def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)

def reset_peak():
    # ru_maxrss would carry the parent's peak across exec; VmHWM, reset here, does not
    Path("/proc/self/clear_refs").write_text("5")
    return status("VmRSS")
"""

CHILD = (
    PEAK
    + """
import json, sys, time
from divtui.core.scenario_file import load_scenario
base = reset_peak()
start = time.perf_counter()
scenario = load_scenario(sys.argv[1], max_outcomes=10**8)
seconds = time.perf_counter() - start
peak = status("VmHWM")
import numpy as np
arrays = scenario.p_weights.nbytes + sum(m.weights.nbytes for m in scenario.models)
arrays += np.array(scenario.labels).nbytes
print(json.dumps({"extra_kib": peak - base, "arrays": arrays, "seconds": seconds}))
"""
)

APP_CHILD = (
    PEAK
    + """
import asyncio, json, sys
from divtui.app.app import DivtuiApp
from divtui.core.kiosk import KioskPolicy
from divtui.core.presets import preset
width, height, kiosk = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "kiosk"
base = reset_peak()

async def main():
    app = DivtuiApp(preset("weather"), kiosk=KioskPolicy() if kiosk else None)
    async with app.run_test(size=(width, height)) as pilot:
        for key in ("down", "u", "m", "down"):
            await pilot.press(key)
        await pilot.pause()

asyncio.run(main())
peak = status("VmHWM")
print(json.dumps({"extra_kib": peak - base}))
"""
)


def write(directory: Path, n: int, suffix: str) -> Path:
    rng = np.random.default_rng(2026)
    labels = [f"tok{i}" for i in range(n)]
    scenario = Scenario.build(
        labels, rng.dirichlet(np.full(n, 0.5)), [("q", rng.dirichlet(np.full(n, 0.5)))]
    )
    path = directory / f"n{n}{suffix}"
    save_scenario(scenario, path)
    return path


def measure(path: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    data: dict[str, float] = json.loads(result.stdout)
    return data


def app_peak(width: int, height: int, kiosk: bool) -> int:
    result = subprocess.run(
        [sys.executable, "-c", APP_CHILD, str(width), str(height), "kiosk" if kiosk else "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    extra: int = json.loads(result.stdout)["extra_kib"]
    return extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^6 outcomes only")
    args = parser.parse_args()
    sizes = [10**6] if args.quick else [10**6, 10**7]
    print(
        f"{'file':<16}{'outcomes':>12}{'file MiB':>10}{'arrays MiB':>12}{'peak MiB':>10}"
        f"{'ratio':>8}{'load s':>8}  target < {TARGET:g}x"
    )
    with tempfile.TemporaryDirectory() as directory:
        for n in sizes:
            for suffix in (".csv", ".json", ".npz", ".toml"):
                # TOML files stop at 64 MB: about 900,000 outcomes
                outcomes = min(n, 10**5) if suffix == ".toml" else n
                path = write(Path(directory), outcomes, suffix)
                figures = measure(path)
                extra = figures["extra_kib"] * 1024
                ratio = extra / figures["arrays"]
                verdict = "ok" if ratio < TARGET else "OVER"
                print(
                    f"{suffix:<16}{outcomes:>12,}{path.stat().st_size / 2**20:>10.0f}"
                    f"{figures['arrays'] / 2**20:>12.0f}{extra / 2**20:>10.0f}{ratio:>7.1f}x"
                    f"{figures['seconds']:>8.2f}  {verdict}"
                )
                path.unlink()
    clamp = app_peak(400, 150, kiosk=False)
    huge = app_peak(8000, 8000, kiosk=True)
    print(
        f"kiosk app at 8000x8000: {huge / 1024:.0f} MiB beyond start-up; the same app at "
        f"400x150 (no kiosk): {clamp / 1024:.0f} MiB; ratio {huge / max(clamp, 1):.2f}"
    )


if __name__ == "__main__":
    main()

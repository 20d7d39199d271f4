"""Core speed: divtui's measures against scipy, and against one np.log over the same array.

Run: python benchmarks/bench_core.py [--large] [--rounds N]

(a) Small vectors (n = 4, 100), where numpy's per-call overhead dominates:
    compare() (every measure) against the scipy set scipy.stats.entropy for H(p), H(q),
    KL(p‖q) and KL(q‖p), the cross-entropies from those (H(p,q) = H(p) + KL(p‖q)), and
    scipy.spatial.distance.jensenshannon; decompose() (H, CE, KL) against
    scipy.stats.entropy(p) + scipy.stats.entropy(p, q). Target: at least 20x faster.
(b) Long vectors (n = 1e4, 1e6; 1e7 with --large), where memory traffic dominates:
    decompose() against a single np.log(p). Target: within 4x. And the near-identical case
    (q = p·(1 + 1e-9·δ), normalised) against the ordinary one: it runs the same kernel (the
    series instead of a log), so it may cost no more than 1.5x.

The two sides of each row run interleaved, alternating which goes first, and each side's
figure is the median over the rounds, so a noisy machine slows both alike. No assertions:
the table says whether each target is met in this run.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt
import scipy
import scipy.stats
from scipy.spatial.distance import jensenshannon

from divtui.core.measures import compare, decompose

FloatArray = npt.NDArray[np.float64]

SPEED_UP_TARGET = 20.0
LOG_RATIO_TARGET = 4.0
NEAR_RATIO_TARGET = 1.5


@dataclass(frozen=True)
class Row:
    """One line of the table: two medians, their ratio, and the target it is held to."""

    case: str
    ours: float
    reference: float
    ratio: float
    target: str
    met: bool | None


def per_call(function: Callable[[], object], number: int) -> float:
    """Seconds per call, over `number` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        function()
    return (time.perf_counter() - start) / number


def calls_for(function: Callable[[], object], budget: float) -> int:
    """How many calls fill about `budget` seconds (at least one)."""
    function()  # warm up: first-call imports, caches, page faults
    single = per_call(function, 1)
    return max(1, int(budget / max(single, 1e-9)))


def interleaved(
    ours: Callable[[], object], reference: Callable[[], object], rounds: int, budget: float
) -> tuple[float, float]:
    """Median seconds per call of each, measured in alternating order, round after round."""
    n_ours, n_ref = calls_for(ours, budget), calls_for(reference, budget)
    ours_times: list[float] = []
    ref_times: list[float] = []
    for index in range(rounds):
        if index % 2 == 0:
            ours_times.append(per_call(ours, n_ours))
            ref_times.append(per_call(reference, n_ref))
        else:
            ref_times.append(per_call(reference, n_ref))
            ours_times.append(per_call(ours, n_ours))
    return statistics.median(ours_times), statistics.median(ref_times)


def minor_faults(function: Callable[[], object], number: int = 5) -> float:
    """Minor page faults per call: fresh pages for temporaries, a cost np.log in a loop avoids."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(number):
        function()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / number


def scipy_compare(p: FloatArray, q: FloatArray) -> tuple[float, ...]:
    """The measures compare() gives, the scipy way (scipy has no cross-entropy: H + KL)."""
    h_p = float(scipy.stats.entropy(p))
    h_q = float(scipy.stats.entropy(q))
    kl = float(scipy.stats.entropy(p, q))
    reverse_kl = float(scipy.stats.entropy(q, p))
    js_distance = float(jensenshannon(p, q))
    return h_p, h_q, h_p + kl, kl, h_q + reverse_kl, reverse_kl, js_distance**2, js_distance


def scipy_decompose(p: FloatArray, q: FloatArray) -> tuple[float, float, float]:
    h = float(scipy.stats.entropy(p))
    kl = float(scipy.stats.entropy(p, q))
    return h, h + kl, kl


def pair(n: int, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))


def small_rows(rounds: int) -> list[Row]:
    rows = []
    for n in (4, 100):
        p, q = pair(n)
        ours, reference = interleaved(
            partial(compare, p, q), partial(scipy_compare, p, q), rounds, 0.02
        )
        speed_up = reference / ours
        rows.append(
            Row(
                f"compare() vs scipy set, n={n}",
                ours,
                reference,
                speed_up,
                f"≥ {SPEED_UP_TARGET:.0f}x faster",
                speed_up >= SPEED_UP_TARGET,
            )
        )
        ours, reference = interleaved(
            partial(decompose, p, q),
            partial(scipy_decompose, p, q),
            rounds,
            0.02,
        )
        speed_up = reference / ours
        rows.append(
            Row(
                f"decompose() vs entropy(p)+entropy(p,q), n={n}",
                ours,
                reference,
                speed_up,
                f"≥ {SPEED_UP_TARGET:.0f}x faster",
                speed_up >= SPEED_UP_TARGET,
            )
        )
    return rows


def long_rows(sizes: list[int], rounds: int) -> tuple[list[Row], list[str]]:
    rows = []
    notes = []
    for n in sizes:
        p, q = pair(n)
        near = p * (1 + 1e-9 * np.random.default_rng(1).standard_normal(n))
        near /= near.sum()
        budget = 0.05 if n <= 10**6 else 0.2
        exponent = round(math.log10(n))
        ordinary, reference = interleaved(
            partial(decompose, p, q), partial(np.log, p), rounds, budget
        )
        rows.append(
            Row(
                f"decompose() vs np.log, n=1e{exponent}",
                ordinary,
                reference,
                ordinary / reference,
                f"≤ {LOG_RATIO_TARGET:.0f}x np.log",
                ordinary / reference <= LOG_RATIO_TARGET,
            )
        )
        close, typical = interleaved(
            partial(decompose, p, near), partial(decompose, p, q), rounds, budget
        )
        rows.append(
            Row(
                f"decompose() q≈p vs ordinary, n=1e{exponent}",
                close,
                typical,
                close / typical,
                f"≤ {NEAR_RATIO_TARGET}x ordinary",
                close / typical <= NEAR_RATIO_TARGET,
            )
        )
        notes.append(
            f"n=1e{exponent}: minor page faults per call: decompose() "
            f"{minor_faults(partial(decompose, p, q)):.0f}, "
            f"np.log {minor_faults(partial(np.log, p)):.0f}"
        )
    return rows, notes


def seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:9.1f} µs"
    return f"{value * 1e3:9.2f} ms"


def print_table(title: str, rows: list[Row], ratio_name: str) -> None:
    width = max(len(row.case) for row in rows)
    print(f"\n{title}")
    header = f"{'case'.ljust(width)}  {'ours':>12}  {'reference':>12}  {ratio_name:>9}  target"
    print(header)
    print("-" * (len(header) + 22))
    for row in rows:
        verdict = "" if row.met is None else ("met" if row.met else "NOT met")
        print(
            f"{row.case.ljust(width)}  {seconds(row.ours):>12}  {seconds(row.reference):>12}  "
            f"{row.ratio:8.1f}x  {row.target:<16} {verdict}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--large", action="store_true", help="also time n = 1e7 (~160 MB)")
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds per row")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"{os.cpu_count()} CPUs; medians of {args.rounds} interleaved rounds"
    )
    print_table(
        "(a) small vectors: time per call, speed-up = scipy / ours",
        small_rows(args.rounds),
        "speed-up",
    )
    sizes = [10**4, 10**6, *([10**7] if args.large else [])]
    rows, notes = long_rows(sizes, max(5, args.rounds // 2))
    print_table("(b) long vectors: time per call, ratio = ours / reference", rows, "ratio")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())

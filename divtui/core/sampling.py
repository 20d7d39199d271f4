"""Learning from samples: draw x₁…x_N from p and estimate each model's cross-entropy.

A model is trained without p: only a sample of it. The running estimate −(1/N) Σ log q(x_i) of
H(p,q) has the standard error s/√N (s the sample standard deviation of −log q(x_i)), and since
H(p,q) = H(p) + KL(p‖q) with H(p) shared by every model, ranking models by their estimate ranks
them by KL once N is large enough. A drawn outcome with q = 0 makes a model's estimate ∞ from
that sample on.

The sample is drawn in chunks from one seeded numpy Generator (uniforms looked up in p's cdf),
so the first N draws are the same whatever N is asked for later: N grows, the sample extends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from divtui.core.errors import DivtuiError
from divtui.core.measures import PairMeasures
from divtui.core.scenario import Scenario

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

MAX_SAMPLES = 10_000_000
"""The most outcomes one sample may draw (memory and time stay bounded)."""
CHUNK = 1 << 16
"""Draws are made and summed this many at a time."""
STEPS_PER_DECADE = 10
"""The running estimate is kept at about this many N per factor of 10 (for a log-N chart)."""
KL_TIES = 1e-12
"""Models whose KL differ by less than this (relative) are tied: either order agrees."""


def check_samples(n: int, where: str = "samples N") -> int:
    """N itself checked: a whole number from 1 to MAX_SAMPLES."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise DivtuiError(f"{where}: {n!r} is not a whole number")
    if n < 1:
        raise DivtuiError(f"{where}: {n} is not a whole number ≥ 1")
    if n > MAX_SAMPLES:
        raise DivtuiError(f"{where}: {n:,} is more than the {MAX_SAMPLES:,} one sample may draw")
    return int(n)


def checkpoints(n: int) -> IntArray:
    """The N at which the running estimate is kept: 1, 2, … log-spaced up to n, and n."""
    if n <= 1:
        return np.array([1], dtype=np.int64)
    steps = int(math.ceil(math.log10(n) * STEPS_PER_DECADE))
    grid = np.unique(np.round(np.logspace(0, math.log10(n), steps + 1)).astype(np.int64))
    return np.unique(np.append(grid[grid <= n], n))


@dataclass(frozen=True, eq=False)
class ModelEstimate:
    """One model's cross-entropy estimated from the sample, beside its exact value."""

    name: str
    estimate: float
    """−(1/N) Σ log q(x_i), in the scenario's unit (∞ once an outcome with q = 0 is drawn)."""
    standard_error: float | None
    """s/√N; None when undefined (N = 1, or an infinite estimate)."""
    cross_entropy: float
    """The exact H(p,q) the estimate converges to."""
    kl: float
    """The exact KL(p‖q)."""
    infinite_from: int | None
    """The sample (1-based) whose outcome has q = 0 and made the estimate ∞; None if none."""
    infinite_outcome: int | None
    """That outcome's index."""
    running: FloatArray
    """The estimate at each of the sample's `checkpoints`."""
    running_error: FloatArray
    """The standard error there (NaN where undefined)."""


@dataclass(frozen=True, eq=False)
class Sample:
    """N outcomes drawn from p, and what they say about every model."""

    n: int
    seed: int
    counts: IntArray
    """How often each outcome was drawn."""
    entropy: float
    """The exact H(p), shared by every model."""
    models: tuple[ModelEstimate, ...]
    checkpoints: IntArray
    """The N of each running value (log-spaced, ending at n)."""
    by_estimate: tuple[int, ...]
    """The models, lowest estimate first."""
    by_kl: tuple[int, ...]
    """The models, lowest KL first (ties in scenario order)."""
    agreed_from: int | None
    """The N from which the estimate's ranking equalled the KL ranking at every N up to n;
    None when they disagree at n."""

    @property
    def p_hat(self) -> FloatArray:
        """The empirical distribution p̂ = counts / N."""
        out: FloatArray = self.counts / self.n
        return out

    @property
    def agrees(self) -> bool:
        """Whether the sample ranks the models as KL does, now."""
        return self.agreed_from is not None


def _losses_table(scenario: Scenario, model: int) -> FloatArray:
    """−log q_i of each outcome, from a logits model's log_softmax when it has one."""
    chosen = scenario.models[model]
    with np.errstate(divide="ignore"):
        log_q = np.log(chosen.q) if chosen.log_q is None else np.asarray(chosen.log_q)
    out: FloatArray = 0.0 - log_q
    return out


def _shift(p: FloatArray, losses: FloatArray) -> float:
    """The mean loss over the outcomes with a finite one: subtracted before the squares are
    summed, so the variance Σy² − (Σy)²/N does not cancel."""
    finite = np.isfinite(losses) & (p > 0)
    mass = float(np.sum(p[finite]))
    return float(np.dot(p[finite], losses[finite]) / mass) if mass > 0 else 0.0


def _rank(values: list[float]) -> tuple[int, ...]:
    return tuple(sorted(range(len(values)), key=lambda i: (values[i], i)))


def _lookup(cdf: FloatArray, u: FloatArray, last: int) -> npt.NDArray[np.intp]:
    """The outcome of each uniform u in p's cdf. The uniforms are looked up in sorted order
    (each search starts where the last ended: ~10x faster in a long cdf) and put back in
    the order drawn."""
    order = np.argsort(u)
    found = np.empty(u.size, dtype=np.intp)
    found[order] = np.searchsorted(cdf, u[order], side="right")
    return np.minimum(found, last, out=found)


def draw(
    scenario: Scenario,
    n: int,
    seed: int,
    measures: tuple[PairMeasures, ...] | None = None,
) -> Sample:
    """Draw `n` outcomes from the scenario's p (the smoothed p′ when it smooths) with a
    Generator seeded by `seed`, and estimate every model's cross-entropy from them.

    `measures`, the scenario's own when the caller has them, spares computing them again."""
    n = check_samples(n)
    p = np.asarray(scenario.p, dtype=np.float64)
    cdf = np.cumsum(p / np.sum(p))
    last = int(np.flatnonzero(p > 0)[-1])
    rng = np.random.default_rng(seed)
    count = len(scenario.models)
    tables = [_losses_table(scenario, k) for k in range(count)]
    shifts = np.array([_shift(p, table) for table in tables])
    measures = scenario.measures if measures is None else measures
    kl = [m.kl for m in measures]
    by_kl = _rank(kl)
    # Consecutive models in KL order that are not tied must keep their order in the estimate.
    pairs = [
        (a, b)
        for a, b in zip(by_kl, by_kl[1:], strict=False)
        if not (kl[a] == kl[b] or math.isclose(kl[a], kl[b], rel_tol=KL_TIES))
    ]
    marks = checkpoints(n)
    running = np.full((count, marks.size), np.nan)
    errors = np.full((count, marks.size), np.nan)
    sums = np.zeros(count)
    squares = np.zeros(count)
    counts = np.zeros(p.shape[0], dtype=np.int64)
    first_infinite: list[int | None] = [None] * count
    infinite_outcome: list[int | None] = [None] * count
    last_disagreement = 0
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        x = _lookup(cdf, rng.random(size), last)
        counts += np.bincount(x, minlength=p.shape[0])
        index = np.arange(done + 1, done + size + 1)
        in_chunk = (marks > done) & (marks <= done + size)
        at = marks[in_chunk] - done - 1
        cumulative = np.empty((count, size))
        for k, table in enumerate(tables):
            y = table[x] - shifts[k]
            if first_infinite[k] is None and not np.isfinite(y).all():
                where = int(np.flatnonzero(~np.isfinite(y))[0])
                first_infinite[k], infinite_outcome[k] = done + where + 1, int(x[where])
            with np.errstate(invalid="ignore"):
                run = sums[k] + np.cumsum(y)
                run_sq = squares[k] + np.cumsum(y * y)
            cumulative[k] = run + index * shifts[k]
            sums[k], squares[k] = run[-1], run_sq[-1]
            picked = index[at]
            means = cumulative[k][at] / picked
            with np.errstate(invalid="ignore", divide="ignore"):
                variance = (run_sq[at] - run[at] ** 2 / picked) / (picked - 1)
                se = np.sqrt(np.maximum(variance, 0.0) / picked)
            se[(picked < 2) | ~np.isfinite(means)] = np.nan
            running[k, in_chunk] = means
            errors[k, in_chunk] = se
        if pairs:
            agree = np.ones(size, dtype=bool)
            for a, b in pairs:
                agree &= cumulative[a] < cumulative[b]
            bad = np.flatnonzero(~agree)
            if bad.size:
                last_disagreement = done + int(bad[-1]) + 1
        done += size
    scale = scenario.unit.per_nat
    estimates = []
    for k, model in enumerate(scenario.models):
        total = sums[k] + n * shifts[k]
        estimate = math.inf if first_infinite[k] is not None else float(total) / n
        se = errors[k, -1]
        estimates.append(
            ModelEstimate(
                name=model.name,
                estimate=estimate * scale,
                standard_error=None if math.isnan(se) else float(se) * scale,
                cross_entropy=measures[k].cross_entropy,
                kl=measures[k].kl,
                infinite_from=first_infinite[k],
                infinite_outcome=infinite_outcome[k],
                running=_read_only(np.where(np.isnan(running[k]), math.inf, running[k]) * scale),
                running_error=_read_only(errors[k] * scale),
            )
        )
    counts.flags.writeable = False
    return Sample(
        n=n,
        seed=seed,
        counts=counts,
        entropy=measures[0].entropy_p,
        models=tuple(estimates),
        checkpoints=_read_only(marks),
        by_estimate=_rank([e.estimate for e in estimates]),
        by_kl=by_kl,
        agreed_from=None if last_disagreement == n else last_disagreement + 1,
    )


_Array = TypeVar("_Array", bound=np.ndarray)


def _read_only(values: _Array) -> _Array:
    values.flags.writeable = False
    return values


def summary(sample: Sample) -> str:
    """What the sample shows, in one line: the two rankings and the N at which they agreed."""
    names = [m.name for m in sample.models]
    if len(names) < 2:
        model = sample.models[0]
        if model.infinite_from is not None:
            return (
                f"N = {sample.n:,}: the estimate is ∞ from sample {model.infinite_from:,} on, "
                "which drew an outcome with q = 0: the exact H(p,q) is ∞ too."
            )
        return (
            f"N = {sample.n:,}: one model; its estimate converges to H(p,q) = "
            "H(p) + KL(p‖q) as N grows, its standard error shrinking as 1/√N."
        )
    by_estimate = " < ".join(names[i] for i in sample.by_estimate)
    by_kl = " < ".join(names[i] for i in sample.by_kl)
    if sample.agreed_from is None:
        return (
            f"N = {sample.n:,}: the estimates rank {by_estimate}, KL ranks {by_kl}: "
            "not yet the same order; a larger N will agree (H(p) is the same for every model)."
        )
    return (
        f"N = {sample.n:,}: the estimates rank {by_estimate}, as KL does; the same order at "
        f"every N from {sample.agreed_from:,} on (H(p) is the same for every model)."
    )

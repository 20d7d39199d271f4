"""Long vectors go through the same kernel in cache-sized blocks: the blocked sums must be the
one-block sums (up to the order of summation), including ragged last blocks, zeros, q ≈ p, a
support mismatch and a model's own log-probabilities."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import astuple

import numpy as np
import pytest
import scipy.stats
from oracles import FloatArray, fsum_kl, relative_error

from divtui.core import kl_kernel, measures

BLOCK = kl_kernel.BLOCK
SAME = 1e-13
"""Blocked and whole sums differ only in the order of their additions."""


def _pair(n: int, seed: int, kind: str = "ordinary") -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    if kind == "zeros":
        p[::5] = 0.0
        q[3::7] = 0.0
        q[::5] = np.where(q[::5] == 0, 0.5 / n, q[::5])
        p, q = p / p.sum(), q / q.sum()
    elif kind == "near":
        q = p * (1 + 1e-9 * rng.standard_normal(n))
        q /= q.sum()
    elif kind == "mismatch":
        q[10] = 0.0
    return p, q


Measure = Callable[[FloatArray, FloatArray], tuple[float, ...]]

MEASURES: dict[str, Measure] = {
    "compare": lambda p, q: tuple(
        value for value in astuple(measures.compare(p, q))[1:13] if isinstance(value, float)
    ),
    "decompose": lambda p, q: astuple(measures.decompose(p, q)),
    "kl_divergence": lambda p, q: (measures.kl_divergence(p, q),),
    "js_divergence": lambda p, q: (measures.js_divergence(p, q),),
}


def whole(
    monkeypatch: pytest.MonkeyPatch, measure: Measure, p: FloatArray, q: FloatArray
) -> tuple[float, ...]:
    """The same measure with the whole vector as one block."""
    with monkeypatch.context() as patch:
        patch.setattr(kl_kernel, "BLOCK", 1 << 30)
        return measure(p, q)


@pytest.mark.parametrize("name", MEASURES)
@pytest.mark.parametrize("kind", ["ordinary", "zeros", "near", "mismatch"])
@pytest.mark.parametrize("n", [BLOCK + 1, 3 * BLOCK + 17])
def test_blocked_sums_are_the_one_block_sums(
    monkeypatch: pytest.MonkeyPatch, n: int, kind: str, name: str
) -> None:
    p, q = _pair(n, n, kind)
    blocked = MEASURES[name](p, q)
    for got, want in zip(blocked, whole(monkeypatch, MEASURES[name], p, q), strict=True):
        assert math.isinf(got) is math.isinf(want)
        if math.isfinite(want):
            assert want != 0 or kind == "near"
            assert relative_error(got, want) <= SAME, (got, want)


@pytest.mark.parametrize("kind", ["ordinary", "zeros", "near"])
@pytest.mark.parametrize("n", [BLOCK + 1, 3 * BLOCK + 17])
def test_blocked_measures_agree_with_the_references(n: int, kind: str) -> None:
    p, q = _pair(n, n, kind)
    result = measures.compare(p, q)
    for got, want in ((result.kl, fsum_kl(p, q)), (result.reverse_kl, fsum_kl(q, p))):
        assert want > 0
        assert relative_error(got, want) <= (1e-12 if kind != "near" else 1e-7)
    assert relative_error(result.entropy_p, float(scipy.stats.entropy(p))) <= 1e-12
    decomposition = measures.decompose(p, q)
    assert relative_error(decomposition.kl, result.kl) <= SAME
    assert relative_error(decomposition.entropy, result.entropy_p) <= SAME
    assert relative_error(decomposition.cross_entropy, result.cross_entropy) <= SAME


def test_a_blocked_support_mismatch_is_infinite_and_named() -> None:
    p, q = _pair(2 * BLOCK + 3, 7, "mismatch")
    result = measures.compare(p, q)
    assert math.isinf(result.kl) and math.isinf(result.cross_entropy)
    assert result.support_mismatch == (10,)
    assert math.isinf(measures.decompose(p, q).kl)


def test_blocked_compare_uses_given_log_probabilities(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model's log_softmax where softmax underflows to 0: finite cross-entropy and KL."""
    rng = np.random.default_rng(5)
    z = rng.normal(size=2 * BLOCK + 3) * 3
    z[[4, 2 * BLOCK + 1]] = -2000.0  # exp underflows: q = 0 there, log q finite
    log_q = z - np.logaddexp.reduce(z)
    q = np.exp(log_q)
    assert q[4] == 0.0
    p = rng.dirichlet(np.ones(z.size))
    result = measures.compare(p, q, log_q=log_q)
    want_ce = -math.fsum((p * log_q).tolist())
    assert want_ce > 0 and relative_error(result.cross_entropy, want_ce) <= 1e-12
    assert math.isfinite(result.kl) and result.support_mismatch == ()
    want_kl = math.fsum((p * (np.log(p) - log_q)).tolist())
    assert want_kl > 0 and relative_error(result.kl, want_kl) <= 1e-12

    with monkeypatch.context() as patch:
        patch.setattr(kl_kernel, "BLOCK", 1 << 30)
        one_block = measures.compare(p, q, log_q=log_q)
    assert relative_error(result.kl, one_block.kl) <= SAME
    assert relative_error(result.cross_entropy, one_block.cross_entropy) <= SAME

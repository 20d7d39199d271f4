"""decompose() of long vectors runs block by block in cache; it must agree with the careful
whole-vector path and with scipy, including ragged last blocks and the cases it hands back."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

from divtui.core import measures
from divtui.core.measures import decompose

BLOCK = measures._BLOCK


def _pair(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))


@pytest.mark.parametrize("n", [BLOCK + 1, 3 * BLOCK + 17, 5 * BLOCK])
def test_blocked_decomposition_agrees_with_scipy(n: int) -> None:
    p, q = _pair(n, n)
    result = decompose(p, q)
    assert result.entropy == pytest.approx(float(scipy.stats.entropy(p)), rel=1e-12)
    assert result.kl == pytest.approx(float(scipy.stats.entropy(p, q)), rel=1e-12)
    assert result.cross_entropy == pytest.approx(result.entropy + result.kl, rel=1e-12)


def test_the_blocked_pass_is_the_one_taken_for_long_ordinary_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p, q = _pair(2 * BLOCK + 5, 1)
    calls: list[object] = []
    real = measures._decompose_blocked

    def spy(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float] | None:
        result = real(a, b)
        calls.append(result)
        return result

    monkeypatch.setattr(measures, "_decompose_blocked", spy)
    decompose(p, q)
    assert len(calls) == 1 and calls[0] is not None


@pytest.mark.parametrize("case", ["zeros in p", "q close to p", "q rules out an outcome"])
def test_cases_the_blocked_pass_hands_back_are_still_right(case: str) -> None:
    p, q = _pair(2 * BLOCK + 3, 7)
    if case == "zeros in p":
        p = p.copy()
        p[::5] = 0.0
        p /= p.sum()
        with np.errstate(divide="ignore", invalid="ignore"):  # as decompose() runs it
            assert measures._decompose_blocked(p, q) is None
    elif case == "q close to p":
        rng = np.random.default_rng(3)
        q = p * (1 + 1e-9 * rng.standard_normal(p.shape[0]))
        q /= q.sum()
        assert measures._decompose_blocked(p, q) is None
    else:
        q = q.copy()
        q[10] = 0.0
    result = decompose(p, q)
    expected_kl = float(scipy.stats.entropy(p, q))
    if math.isinf(expected_kl):
        assert math.isinf(result.kl) and math.isinf(result.cross_entropy)
    else:
        assert result.kl == pytest.approx(expected_kl, rel=1e-6)
        assert result.entropy == pytest.approx(float(scipy.stats.entropy(p)), rel=1e-12)

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


# --- compare() of long vectors runs block by block too -----------------------------------------


@pytest.mark.parametrize("n", [BLOCK + 1, 3 * BLOCK + 17])
def test_blocked_compare_agrees_with_the_whole_vector_path_and_scipy(n: int) -> None:
    p, q = _pair(n, n + 1)
    blocked = measures._compare_blocked(p, q, None)
    assert blocked is not None, "ordinary long vectors take the blocked pass"
    whole = measures._compare_whole(p, q, None)
    for got, expected in zip(
        [*blocked[0][0], *blocked[0][1], *blocked[1], blocked[2], blocked[3]],
        [*whole[0][0], *whole[0][1], *whole[1], whole[2], whole[3]],
        strict=True,
    ):
        assert got == pytest.approx(expected, rel=1e-12)
    result = measures.compare(p, q)
    assert result.kl == pytest.approx(float(scipy.stats.entropy(p, q)), rel=1e-12)
    assert result.reverse_kl == pytest.approx(float(scipy.stats.entropy(q, p)), rel=1e-12)
    m = 0.5 * (p + q)
    js = 0.5 * (scipy.stats.entropy(p, m) + scipy.stats.entropy(q, m))
    assert result.js_divergence == pytest.approx(float(js), rel=1e-12)
    assert result.total_variation == pytest.approx(0.5 * float(np.abs(p - q).sum()), rel=1e-12)


def test_blocked_compare_uses_given_log_probabilities() -> None:
    rng = np.random.default_rng(5)
    z = rng.normal(size=2 * BLOCK + 3) * 3
    log_q = z - np.logaddexp.reduce(z)
    p = rng.dirichlet(np.ones(z.size))
    result = measures.compare(p, np.exp(log_q), log_q=log_q)
    assert result.cross_entropy == pytest.approx(-float(np.dot(p, log_q)), rel=1e-12)


def test_blocked_compare_hands_zeros_and_near_equal_vectors_to_the_careful_path() -> None:
    p, q = _pair(2 * BLOCK, 9)
    p_zero = p.copy()
    p_zero[7] = 0.0
    p_zero /= p_zero.sum()
    with np.errstate(all="ignore"):  # the private pass runs under compare()'s errstate
        assert measures._compare_blocked(p_zero, q, None) is None
    near = p * (1 + 1e-10 * np.random.default_rng(2).standard_normal(p.size))
    near /= near.sum()
    assert measures._compare_blocked(p, near, None) is None
    # The careful path still gives every digit: KL(p‖near) against the Bregman form in mpmath's
    # place, scipy's rel_entr summed with math.fsum of (p log(p/q) − p + q) terms.
    result = measures.compare(p, near)
    import scipy.special

    reference = math.fsum((scipy.special.rel_entr(p, near) - p + near).tolist())
    assert result.kl == pytest.approx(reference, rel=1e-6)
    assert measures.compare(p_zero, q).kl == pytest.approx(
        float(scipy.stats.entropy(p_zero, q)), rel=1e-12
    )

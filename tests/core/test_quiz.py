"""The classroom mode's questions: asked about presets and seeded random scenarios, graded
against the core's measures (recomputed here with scipy), ties never asked."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.special import rel_entr

from divtui.core.presets import PRESETS, preset
from divtui.core.quiz import (
    KINDS,
    Kind,
    Question,
    Score,
    ask,
    grade,
    next_question,
    practice_scenarios,
    random_scenario,
)
from divtui.core.scenario import Scenario
from divtui.core.units import Unit


def scipy_kl(p: np.ndarray, q: np.ndarray) -> float:
    return float(np.sum(rel_entr(p, q)))


def scenarios() -> list[Scenario]:
    return list(itertools.islice(practice_scenarios(seed=100), len(PRESETS) + 12))


def right_key(question: Question, scenario: Scenario) -> str:
    """The answer by scipy's KL of the scenario's distributions (not the core's)."""
    by_name = {m.name: m.q for m in scenario.models}
    p = scenario.p
    if question.kind is Kind.CLOSER:
        a, b = (scipy_kl(p, by_name[name]) for name in question.models)
        return question.keys[0 if a < b else 1]
    q = by_name[question.models[0]]
    forward, reverse = scipy_kl(p, q), scipy_kl(q, p)
    return question.keys[0 if forward > reverse else 1]


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.title)
def test_questions_are_graded_as_scipy_answers_them(scenario: Scenario) -> None:
    for model, kind in itertools.product(range(len(scenario.models)), (Kind.CLOSER, Kind.ORDER)):
        question = ask(scenario, kind, model)
        if question is None:
            continue
        expected = right_key(question, scenario)
        for key in question.keys:
            verdict = grade(question, key, scenario)
            assert verdict is not None and verdict.right == expected, question.prompt
            assert verdict.correct is (key == expected)
            assert verdict.reason


def test_each_kind_is_asked_over_the_practice_scenarios() -> None:
    asked = {kind: 0 for kind in KINDS}
    for turn, scenario in enumerate(scenarios()):
        asked[next_question(scenario, turn).kind] += 1
    assert all(asked.values()), asked


def test_a_tie_is_never_asked() -> None:
    coin = Scenario.build(("h", "t"), (0.5, 0.5), [("a", (0.8, 0.2)), ("b", (0.2, 0.8))])
    assert ask(coin, Kind.CLOSER) is None, "KL is the same for both models"
    mirrored = Scenario.build(("h", "t"), (0.8, 0.2), [("a", (0.2, 0.8))])
    assert ask(mirrored, Kind.ORDER) is None, "KL(p‖q) = KL(q‖p) for a mirrored pair"
    assert next_question(mirrored, 2).kind is Kind.DIRECTION, "ORDER and CLOSER skipped"
    one = preset("weather")
    assert ask(one, Kind.CLOSER) is None, "one model: nothing to compare"


def test_the_weather_reason_reads_as_the_numbers() -> None:
    scenario = preset("weather")
    question = ask(scenario, Kind.ORDER)
    assert question is not None and question.keys == ("a", "b")
    verdict = grade(question, "b", scenario)
    assert verdict is not None and verdict.correct is True
    assert verdict.reason == "KL(p‖q) = 0.2808 is below KL(q‖p) = 0.4246"
    two = scenario.with_model_copy(0, "forecast").with_probability(2, 0, 0.2)
    closer = ask(two, Kind.CLOSER)
    assert closer is not None and closer.prompt.endswith("1 uniform · 2 forecast")
    verdict = grade(closer, "1", two)
    kl = two.measures[1].kl
    assert verdict is not None and verdict.correct is (kl > 0.28076524000132547)
    assert verdict.reason.endswith(f"KL {min(kl, 0.2808):.4f} vs {max(kl, 0.2808):.4f}")


def test_direction_is_graded_after_the_edit_that_moves_kl() -> None:
    before = preset("weather")
    question = ask(before, Kind.DIRECTION)
    assert question is not None and question.keys == ("u", "d")
    assert grade(question, "u", before) is None, "no edit yet"
    assert grade(question, "u", before.with_unit(Unit.BITS)) is None, "a unit is not an edit"
    closer = before.with_probability(1, 2, 0.1)  # q(sleet) 0.25 → 0.1: nearer p's 0.03
    expected_kl = scipy_kl(closer.p, closer.models[0].q)
    assert expected_kl < scipy_kl(before.p, before.models[0].q)
    verdict = grade(question, "u", closer.with_unit(Unit.BITS))
    assert verdict is not None and verdict.correct is False and verdict.right == "d"
    assert verdict.reason == (
        f"KL(p‖q) of uniform went down: {0.28076524000132547 / math.log(2):.4f} → "
        f"{expected_kl / math.log(2):.4f}"
    )
    infinite = before.with_probability(1, 2, 0.0)
    up = grade(question, "u", infinite)
    assert up is not None and up.correct is True and "→ ∞" in up.reason
    gone = before.with_model_name(0, "other")
    dropped = grade(question, "d", gone)
    assert dropped is not None and dropped.correct is None


def test_a_key_that_does_not_answer_is_refused() -> None:
    question = ask(preset("weather"), Kind.ORDER)
    assert question is not None
    with pytest.raises(ValueError, match="'u' does not answer"):
        grade(question, "u", preset("weather"))


def test_the_score_counts_graded_answers_only() -> None:
    scenario = preset("weather")
    question = ask(scenario, Kind.ORDER)
    assert question is not None
    score = Score()
    for key in ("a", "b", "b"):
        verdict = grade(question, key, scenario)
        assert verdict is not None
        score = score.add(verdict)
    dropped = grade(question, "a", scenario.with_model_name(0, "x"))
    assert dropped is not None
    assert score.add(dropped).text == "2/3"


def test_random_scenarios_are_seeded() -> None:
    assert random_scenario(3) == random_scenario(3)
    assert random_scenario(3) != random_scenario(4)

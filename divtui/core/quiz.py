"""Predict, then reveal: questions about a scenario's KL, and their grading by the core.

Three kinds of question, each answered with one of two keys: which of two models has the lower
KL(p‖q) (1/2); will KL(p‖q) go up or down after the next edit (u/d: asked before the edit,
graded after it); is KL(p‖q) above or below KL(q‖p) (a/b). A question is only asked when its
answer is not a tie. Grading reads the measures the core computes, never the text shown.
Practice scenarios come from the presets and from seeded random ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

import numpy as np

from divtui.core.formatting import format_value
from divtui.core.measures import PairMeasures
from divtui.core.presets import PRESETS, preset
from divtui.core.scenario import Scenario


class Kind(Enum):
    """What a question asks."""

    CLOSER = "closer"
    """Which of two models has the lower KL(p‖q)."""
    DIRECTION = "direction"
    """Whether the next edit raises or lowers KL(p‖q)."""
    ORDER = "order"
    """Whether KL(p‖q) is above or below KL(q‖p)."""


KINDS = (Kind.CLOSER, Kind.DIRECTION, Kind.ORDER)
"""The order questions take turns in."""

TIE = 1e-9
"""Values within this fraction of each other are a tie: no question is asked about them."""


@dataclass(frozen=True, slots=True)
class Question:
    """One question, its two answers and the keys that give them."""

    kind: Kind
    text: str
    keys: tuple[str, str]
    choices: tuple[str, str]
    """What each key answers: two model names, up/down, above/below."""
    models: tuple[str, ...]
    """The names of the models asked about."""
    before: float = math.nan
    """For DIRECTION: the model's KL(p‖q) in nats before the edit."""

    @property
    def prompt(self) -> str:
        """The question with its keys: `… ?  1 uniform · 2 forecast`."""
        answers = " · ".join(f"{k} {c}" for k, c in zip(self.keys, self.choices, strict=True))
        return f"{self.text}  {answers}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A graded answer: right or wrong (None: the question no longer applies), and why."""

    correct: bool | None
    right: str
    """The right key ("" when the question no longer applies)."""
    reason: str
    """One line: `forecast is closer: KL 0.1100 vs 0.2808`."""


@dataclass(frozen=True, slots=True)
class Score:
    """Right answers out of questions graded."""

    right: int = 0
    asked: int = 0

    def add(self, verdict: Verdict) -> Score:
        """The score after one more verdict (one that no longer applies does not count)."""
        if verdict.correct is None:
            return self
        return Score(self.right + int(verdict.correct), self.asked + 1)

    @property
    def text(self) -> str:
        """`3/4`."""
        return f"{self.right}/{self.asked}"


def _kl(value: float) -> str:
    return format_value(value, 4)


def _tie(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=TIE, abs_tol=1e-300)


def ask(scenario: Scenario, kind: Kind, model: int = 0) -> Question | None:
    """A question of `kind` about `model` (and, for CLOSER, the model after it), or None when
    it cannot be asked: one model only, or the answer would be a tie."""
    measures = scenario.measures
    name = scenario.models[model].name
    chosen = measures[model]
    if kind is Kind.CLOSER:
        if len(measures) < 2:
            return None
        other = (model + 1) % len(measures)
        first, second = sorted((model, other))
        if _tie(measures[first].kl, measures[second].kl):
            return None
        names = (scenario.models[first].name, scenario.models[second].name)
        return Question(
            kind, "Which model is closer to p (the lower KL(p‖q))?", ("1", "2"), names, names
        )
    if kind is Kind.ORDER:
        if _tie(chosen.kl, chosen.reverse_kl):
            return None
        return Question(
            kind,
            f"For {name}: is KL(p‖q) above or below KL(q‖p)?",
            ("a", "b"),
            ("above", "below"),
            (name,),
        )
    return Question(
        kind,
        f"Your next edit: will KL(p‖q) of {name} go up or down?",
        ("u", "d"),
        ("up", "down"),
        (name,),
        before=chosen.kl / scenario.unit.per_nat,
    )


def next_question(scenario: Scenario, turn: int, model: int = 0) -> Question:
    """The question of this turn: the kinds take turns, skipping any that cannot be asked now
    (DIRECTION always can)."""
    for step in range(len(KINDS)):
        question = ask(scenario, KINDS[(turn + step) % len(KINDS)], model)
        if question is not None:
            return question
    raise AssertionError("a DIRECTION question can always be asked")  # pragma: no cover


def _measures_of(scenario: Scenario, name: str) -> PairMeasures | None:
    for model, measures in zip(scenario.models, scenario.measures, strict=True):
        if model.name == name:
            return measures
    return None


def grade(question: Question, key: str, scenario: Scenario) -> Verdict | None:
    """Grade the answer `key` against the core's measures of `scenario` (for DIRECTION, the
    scenario after the edit). None for DIRECTION while KL has not changed (no edit yet, or only
    the unit changed): it waits for the edit that moves it."""
    if key not in question.keys:
        raise ValueError(f"{key!r} does not answer this question (keys {question.keys})")
    found = [_measures_of(scenario, name) for name in question.models]
    if any(m is None for m in found):
        return Verdict(None, "", "the model asked about is gone; the question is dropped")
    measures = [m for m in found if m is not None]
    if question.kind is Kind.CLOSER:
        a, b = measures[0].kl, measures[1].kl
        if _tie(a, b):
            return Verdict(None, "", f"the two are now tied: KL {_kl(a)}")
        right = 0 if a < b else 1
        lower, higher = sorted((a, b))
        reason = f"{question.choices[right]} is closer: KL {_kl(lower)} vs {_kl(higher)}"
    elif question.kind is Kind.ORDER:
        forward, reverse = measures[0].kl, measures[0].reverse_kl
        if _tie(forward, reverse):
            return Verdict(None, "", f"they are now equal: {_kl(forward)}")
        right = 0 if forward > reverse else 1
        word = question.choices[right]
        reason = f"KL(p‖q) = {_kl(forward)} is {word} KL(q‖p) = {_kl(reverse)}"
    else:
        after = measures[0].kl / scenario.unit.per_nat
        if _tie(after, question.before):
            return None
        right = 0 if after > question.before else 1
        per_nat = scenario.unit.per_nat
        reason = (
            f"KL(p‖q) of {question.models[0]} went {question.choices[right]}: "
            f"{_kl(question.before * per_nat)} → {_kl(after * per_nat)}"
        )
    return Verdict(key == question.keys[right], question.keys[right], reason)


def random_scenario(seed: int, outcomes: int = 4, models: int = 2) -> Scenario:
    """A scenario of random p and models (Dirichlet), the same for the same seed."""
    rng = np.random.default_rng(seed)
    labels = [f"x{i + 1}" for i in range(outcomes)]
    p = np.round(rng.dirichlet(np.ones(outcomes)), 2) + 0.01
    qs = [
        (f"q{i + 1}", np.round(rng.dirichlet(np.ones(outcomes)), 2) + 0.01) for i in range(models)
    ]
    return Scenario.build(labels, p, qs, title=f"Random scenario {seed}")


def practice_scenarios(seed: int = 0) -> Iterator[Scenario]:
    """Scenarios to ask about: every preset, then seeded random ones without end."""
    for name in PRESETS:
        yield preset(name)
    index = seed
    while True:
        yield random_scenario(index)
        index += 1

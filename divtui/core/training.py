"""A training run: gradient descent on one model's logits, step by step, as an immutable value.

The model's distribution is q = softmax(z / T). Each step moves the logits against the gradient
of the objective (`divtui.core.logits.train_step`):

* cross-entropy H(p, q): ∇z = (softmax(z / T) − p) / T. Its floor is H(p), reached when q = p;
  the distance still to go is KL(p‖q) = H(p, q) − H(p).
* reverse KL(q‖p): ∇z = q ⊙ (log q − log p − KL(q‖p)) / T. Its floor is 0, also at q = p.

A model of the Gaussian family (`divtui.core.family`) keeps its family: a step moves its (μ, log σ)
by the natural gradient of the same objective, which is exact for the discretised family; its
floor is then the family's best fit, not H(p) or 0, and a run ends when the objective settles.
`partners` are further models trained in the same steps, each by its own objective (the
`mode-seeking` preset trains one fit by KL(p‖q) beside one by KL(q‖p)).

The target p is `Scenario.p`, the label-smoothed p' when ε > 0: the distribution the measures use.
Every step returns a new `TrainingRun`; the app shows `run.scenario` frame by frame and records the
whole run as one undo step from `run.before`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from divtui.core.distribution import FloatArray, frozen
from divtui.core.errors import DivtuiError
from divtui.core.family import gradient as family_gradient
from divtui.core.family import natural_step
from divtui.core.logits import Objective, softmax, train_step
from divtui.core.measures import decompose, entropy, kl_divergence
from divtui.core.scenario import Model, Scenario
from divtui.core.units import Unit

DEFAULT_LEARNING_RATE = 1.0
"""η at T = 1. H(p, softmax(z/T)) is convex in z with Hessian (diag q − q qᵀ)/T², whose
eigenvalues are at most ½/T²; so η ≤ 2T² makes every cross-entropy step go down, and η = T²
reaches KL < 1e-6 from the weather preset in about 120 steps."""

MAX_LEARNING_RATE = 1e6
"""The largest η accepted: far beyond any useful rate (a step still checks that its logits
stay finite)."""

CONVERGED_NATS = 1e-6
"""A run has converged when the divergence it minimises is below this many nats."""

STALL_WINDOW = 50
"""`stalled` compares the objective now with its value this many steps ago."""

STALL_TOLERANCE = 1e-9
"""A run has stalled when the last `STALL_WINDOW` steps took less than this fraction off the
divergence still to go (a mode reverse KL has emptied comes back only after millions of steps)."""

ZERO_LOGIT_GAP = 800.0
"""Under reverse KL an outcome with p_i = 0 gets a logit this far (times T) below the largest:
exp(−800) underflows to exactly 0, so q_i = 0 and KL(q‖p) is finite."""


FAMILY_SETTLED_WINDOW = 5
"""A family run has settled when its last this many steps together moved the objective less
than `FAMILY_SETTLED_NATS`."""
FAMILY_SETTLED_NATS = 1e-9


def suggested_learning_rate(temperature: float = 1.0) -> float:
    """`DEFAULT_LEARNING_RATE` · T². The gradient carries a 1/T and a logit moves q by 1/T as
    well, so a step changes q by about η/T²: this η makes the same progress at every T."""
    return DEFAULT_LEARNING_RATE * temperature * temperature


def check_learning_rate(value: object, where: str = "learning rate") -> float:
    """A learning rate η: a finite number with 0 < η ≤ `MAX_LEARNING_RATE`."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise DivtuiError(f"{where}: {value!r} is not a number")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise DivtuiError(f"{where}: {value!r} must be a finite number > 0")
    if number > MAX_LEARNING_RATE:
        raise DivtuiError(f"{where}: {value!r} is too large (at most {MAX_LEARNING_RATE:g})")
    return number


@dataclass(frozen=True, eq=False)
class TrainingRun:
    """Gradient descent on the logits of `scenario.models[model_index]`, towards `scenario.p`.

    Compared by identity: every step makes a new run, and a reactive holding one must not compare
    two scenarios element by element on every frame.
    """

    model_index: int
    """Which model is trained (0 is the first model, not p)."""
    objective: Objective
    """What is minimised: H(p, q) or KL(q‖p)."""
    learning_rate: float
    """η in z ← z − η ∇z."""
    before: Scenario
    """The scenario before the run, as given to `start` (what one undo returns to)."""
    scenario: Scenario
    """The scenario now: the trained model is given by logits."""
    history_nats: tuple[float, ...]
    """The objective in nats before the first step of this objective and after each step since."""
    gap_nats: float
    """The divergence being minimised now, in nats: KL(p‖q) for cross-entropy, KL(q‖p) for
    reverse KL (summed from its own terms, so it keeps its digits near 0)."""
    partners: tuple[tuple[int, Objective], ...] = ()
    """Other models stepped alongside, each with the objective it minimises."""
    last_move: float = math.inf
    """How far the last step moved the models it trained: the largest change of a q_i."""

    @classmethod
    def start(
        cls,
        scenario: Scenario,
        model_index: int,
        objective: Objective = Objective.CROSS_ENTROPY,
        learning_rate: float | None = None,
        partners: tuple[tuple[int, Objective], ...] = (),
    ) -> TrainingRun:
        """A run at step 0 on the model `model_index` (0-based among the models), with
        `partners` (model, objective) trained in the same steps.

        A model given by probabilities is turned into logits T·log q first, so q is kept (an exact
        zero becomes e^-50 times the smallest non-zero q, as `Model.as_logits` does; softmax
        cannot give 0). `learning_rate` None means `suggested_learning_rate(T)` for the model's
        temperature T.
        """
        if isinstance(model_index, bool) or not isinstance(model_index, int):
            raise DivtuiError(f"model index: {model_index!r} is not a whole number")
        if not 0 <= model_index < len(scenario.models):
            raise DivtuiError(
                f"there is no model {model_index + 1} to train "
                f"(the scenario has {len(scenario.models)})"
            )
        model = scenario.models[model_index]
        rate = (
            suggested_learning_rate(model.temperature)
            if learning_rate is None
            else check_learning_rate(learning_rate)
        )
        current = scenario
        for index, goal in ((model_index, objective), *partners):
            if not 0 <= index < len(scenario.models) or index == model_index and goal != objective:
                raise DivtuiError(f"there is no model {index + 1} to train beside it")
            trained = current.models[index]
            if trained.is_family:
                _check_family_objective(current, trained, goal)
            elif not trained.is_logits:
                current = current.with_logits_entry(index, True)
        value, gap = _objective_nats(current.p, current.models[model_index].q, objective)
        return cls(model_index, objective, rate, scenario, current, (value,), gap, partners)

    # --- reading ---------------------------------------------------------------------------

    @property
    def model(self) -> Model:
        """The model being trained, as it is now."""
        return self.scenario.models[self.model_index]

    @property
    def unit(self) -> Unit:
        """The unit of `history`, `floor` and `gap`: the scenario's."""
        return self.scenario.unit

    @property
    def steps(self) -> int:
        """How many gradient steps the current objective has taken."""
        return len(self.history_nats) - 1

    @property
    def history(self) -> tuple[float, ...]:
        """The objective before the first step and after each step, in the scenario's unit."""
        scale = self.unit.per_nat
        return tuple(value * scale for value in self.history_nats)

    @property
    def floor_nats(self) -> float:
        """The least the objective can reach, in nats: H(p) for cross-entropy, 0 for KL(q‖p)."""
        if self.objective is Objective.CROSS_ENTROPY:
            return entropy(self.scenario.p, Unit.NATS)
        return 0.0

    @property
    def floor(self) -> float:
        """The least the objective can reach, in the scenario's unit."""
        return self.unit.from_nats(self.floor_nats)

    @property
    def gap(self) -> float:
        """The divergence still to go, in the scenario's unit: KL(p‖q) or KL(q‖p)."""
        return self.unit.from_nats(self.gap_nats)

    @property
    def converged(self) -> bool:
        """Whether the divergence minimised is below `CONVERGED_NATS` (in nats, whatever the
        unit shown, so switching units never starts or stops a run)."""
        return self.gap_nats < CONVERGED_NATS

    @property
    def stalled(self) -> bool:
        """Whether the last `STALL_WINDOW` steps barely moved the objective (relative to the gap).

        Reverse KL cannot bring back an outcome q has all but ruled out (its gradient there is
        proportional to q_i), so such a run settles far from its floor and never converges.
        """
        if self.model.is_family and self.steps >= FAMILY_SETTLED_WINDOW:
            window = self.history_nats[-FAMILY_SETTLED_WINDOW - 1 :]
            return abs(window[0] - window[-1]) < FAMILY_SETTLED_NATS and (
                self.last_move < FAMILY_SETTLED_NATS
            )
        if self.steps < STALL_WINDOW or self.converged:
            return False
        progress = self.history_nats[-STALL_WINDOW - 1] - self.history_nats[-1]
        return not progress > STALL_TOLERANCE * self.gap_nats

    # --- stepping and changing -------------------------------------------------------------

    def step(self, n: int = 1) -> TrainingRun:
        """Up to `n` gradient steps z ← z − η (softmax(z/T) − p)/T (or the reverse-KL gradient);
        stops early once converged, so a converged run returns itself.

        Under reverse KL an outcome with p_i = 0 costs q_i·log(q_i / 0) = ∞ for any q_i > 0, and
        softmax never gives an exact 0; after each step such logits are set `ZERO_LOGIT_GAP`·T
        below the largest, where q_i underflows to exactly 0. This is the projection of the step
        onto the q for which KL(q‖p) is finite; without it the objective would read ∞ for ever.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise DivtuiError(f"steps: {n!r} must be a whole number ≥ 0")
        if n == 0 or self.converged:
            return self
        if self.model.is_family or self.partners:
            return self._step_each(n)
        model = self.model
        assert model.logits is not None, "start() gives the trained model logits"
        temperature = model.temperature
        p = self.scenario.p
        rules_out = p == 0 if self.objective is Objective.REVERSE_KL else None
        logits: FloatArray = model.logits
        values: list[float] = []
        gap = self.gap_nats
        for _ in range(n):
            logits = train_step(logits, p, self.learning_rate, temperature, self.objective)
            if rules_out is not None and rules_out.any():
                lowest = float(np.max(logits)) - ZERO_LOGIT_GAP * temperature
                logits = frozen(np.where(rules_out, np.minimum(logits, lowest), logits))
            if not np.all(np.isfinite(logits)):
                raise DivtuiError(
                    f"training {model.name}: the logits overflowed at learning rate "
                    f"{self.learning_rate:g}; try a smaller one"
                )
            value, gap = _objective_nats(p, softmax(logits, temperature), self.objective)
            values.append(value)
            if gap < CONVERGED_NATS:
                break
        trained = Model.from_logits(model.name, logits, temperature)
        return replace(
            self,
            scenario=self.scenario.with_model(self.model_index, trained),
            history_nats=self.history_nats + tuple(values),
            gap_nats=gap,
        )

    def _step_each(self, n: int) -> TrainingRun:
        """`n` steps of every trained model, each by its own objective (a family model on its
        μ and log σ, any other on its logits)."""
        scenario = self.scenario
        values: list[float] = []
        gap = self.gap_nats
        move = self.last_move
        for _ in range(n):
            move = 0.0
            for index, objective in ((self.model_index, self.objective), *self.partners):
                model = scenario.models[index]
                if model.is_family:
                    landed = natural_step(
                        scenario.p, model.mu, model.sigma, self.learning_rate, objective
                    )
                    moved = Model.from_family(model.name, scenario.size, landed.mu, landed.sigma)
                else:
                    alone = replace(self, model_index=index, objective=objective, partners=())
                    moved = alone.with_scenario(scenario).step(1).model
                move = max(move, float(np.max(np.abs(moved.q - model.q))))
                scenario = scenario.with_model(index, moved)
            value, gap = _objective_nats(
                scenario.p, scenario.models[self.model_index].q, self.objective
            )
            values.append(value)
        return replace(
            self,
            scenario=scenario,
            history_nats=self.history_nats + tuple(values),
            gap_nats=gap,
            last_move=move,
        )

    def with_scenario(self, scenario: Scenario) -> TrainingRun:
        """The same run from another scenario now (its models' places unchanged)."""
        return replace(self, scenario=scenario, gap_nats=math.inf)

    def with_learning_rate(self, learning_rate: float) -> TrainingRun:
        """The same run continuing at another η; its history is kept (the curve just bends)."""
        return replace(self, learning_rate=check_learning_rate(learning_rate))

    def with_objective(self, objective: Objective) -> TrainingRun:
        """The run continuing from the current logits towards another objective.

        The history restarts at the current value of the new objective and `steps` at 0: the two
        objectives have different floors (H(p) and 0), so one curve cannot show both. `before`
        is kept, so the whole run, both objectives included, stays one undo step.
        """
        if objective is self.objective:
            return self
        value, gap = _objective_nats(self.scenario.p, self.model.q, objective)
        return replace(self, objective=objective, history_nats=(value,), gap_nats=gap)

    def with_unit(self, unit: Unit) -> TrainingRun:
        """The same run shown in another unit (the history is kept in nats, so nothing is lost)."""
        return replace(self, scenario=self.scenario.with_unit(unit))


def _check_family_objective(scenario: Scenario, model: Model, objective: Objective) -> None:
    """Refuse a family run that cannot move: KL(q‖p) = ∞ for every Gaussian when p has a 0."""
    try:
        family_gradient(scenario.p, model.mu, model.sigma, objective)
    except DivtuiError as error:
        raise DivtuiError(f"training {model.name} by {objective.formula}: {error}") from None


def _objective_nats(p: FloatArray, q: FloatArray, objective: Objective) -> tuple[float, float]:
    """(objective, divergence still to go) in nats: (H(p, q), KL(p‖q)) or (KL(q‖p), KL(q‖p))."""
    if objective is Objective.CROSS_ENTROPY:
        parts = decompose(p, q, Unit.NATS)
        return parts.cross_entropy, parts.kl
    reverse = kl_divergence(q, p, Unit.NATS)
    return reverse, reverse

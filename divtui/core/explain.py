"""A measure explained: its formula, then its sum written out with the scenario's numbers.

`explain(analysis, model, field)` turns one cell of the measures panel into an `Explanation`:
each term as text (`0.14·ln(0.14/0.25)`) with its value, in the scenario's unit (the log's base
is the unit's), every term for up to `ALL_TERMS_UP_TO` outcomes and the largest |terms| beyond,
the rest counted and summed. H(p,q) comes with the identity H(p,q) = H(p) + KL(p‖q), its three
sums over the same outcomes side by side; an infinite value says which outcomes make it so.
Pure: the app only lays the result out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from divtui.core.analysis import Analysis
from divtui.core.distribution import FloatArray
from divtui.core.formatting import format_value
from divtui.core.measures import PairMeasures, outcome_terms
from divtui.core.report import infinite_cause, reverse_infinite_cause
from divtui.core.units import Unit

ALL_TERMS_UP_TO = 8
"""Up to this many outcomes every term is written out."""
LARGEST_SHOWN = 6
"""Beyond, this many of the largest |terms| are written, and the rest counted and summed."""
DIGITS = 4
"""Decimals of the values, as the measures panel shows them."""

LOG_NAMES = {Unit.NATS: "ln", Unit.BITS: "log₂", Unit.HARTLEYS: "log₁₀"}
"""The logarithm each unit measures with."""
BASE_NAMES = {Unit.NATS: "e", Unit.BITS: "2", Unit.HARTLEYS: "10"}
"""The base of that logarithm, as a perplexity's power writes it."""
UNIT_WORDS = {Unit.NATS: "nats", Unit.BITS: "bits", Unit.HARTLEYS: "hartleys"}

EXPLAINED = (
    "entropy_p",
    "entropy_q",
    "cross_entropy",
    "kl",
    "reverse_kl",
    "js_divergence",
    "perplexity",
)
"""The measures (PairMeasures fields) that have an explanation: every row the panel shows."""

RENYI = "renyi"
"""The measures panel's D_α(p‖q) row (not a PairMeasures field: its order α comes apart)."""


@dataclass(frozen=True, slots=True)
class Term:
    """One outcome's term of a sum: as written, and its exact value."""

    outcome: int
    label: str
    text: str
    """The term with this scenario's numbers, e.g. `0.14·ln(0.14/0.25)`."""
    value: float
    """Its value in the unit (computed by the core, not from the rounded text)."""


@dataclass(frozen=True, slots=True)
class WrittenSum:
    """A measure as a sum over outcomes, written out."""

    name: str
    """What it sums to: `KL(p‖q)`."""
    formula: str
    """The sum in symbols: `Σ pᵢ·ln(pᵢ/qᵢ)`."""
    terms: tuple[Term, ...]
    """The terms written: all of them, or the largest |terms|, largest first."""
    rest: int
    """How many terms are not written (0 when all are)."""
    rest_sum: float
    """The sum of those (0.0 when there are none)."""
    exact_sum: float
    """Every term summed exactly (math.fsum), to compare with `value`."""
    value: float
    """The core's value of the measure."""

    @property
    def line(self) -> str:
        """The sum in one line: `KL(p‖q) = −0.0812 + 0.1451 − 0.0636 + 0.2808 = 0.2808`."""
        parts = [signed(term.value, first=index == 0) for index, term in enumerate(self.terms)]
        if self.rest:
            parts.append(f"{signed(self.rest_sum)} ({self.rest:,} more)")
        return f"{self.name} = {' '.join(parts)} = {format_value(self.value, DIGITS)}"


@dataclass(frozen=True, slots=True)
class Explanation:
    """One measure of one model explained."""

    field: str
    """The PairMeasures field explained."""
    name: str
    """The measure's name as the panel writes it: `KL(p‖q)`."""
    model: str
    unit: Unit
    formula: str
    """Its definition in words and symbols: `KL(p‖q) = Σ pᵢ·ln(pᵢ/qᵢ)`."""
    meaning: str
    """One line on what it measures."""
    sums: tuple[WrittenSum, ...]
    """Its sum (H(p,q): its sum, then H(p)'s and KL(p‖q)'s over the same outcomes)."""
    value: float
    result: str
    """The last line: the value, as the panel shows it (a perplexity's power written out)."""
    notes: tuple[str, ...]
    """In words: why it is infinite, what the outcomes with p = 0 add."""


def signed(value: float, *, first: bool = False) -> str:
    """A term as a sum writes it: `0.1451`, `+ 0.1451`, `− 0.0636`, `+ ∞`."""
    text = format_value(abs(value), DIGITS)
    if first:
        return f"−{text}" if value < 0 else text
    return f"− {text}" if value < 0 else f"+ {text}"


def number(value: float) -> str:
    """A probability as a term writes it: four significant digits (`0.14`, `0.3333`)."""
    return f"{value:.4g}"


def shown_outcomes(values: FloatArray) -> list[int]:
    """Every outcome (≤ ALL_TERMS_UP_TO), else the LARGEST_SHOWN largest |values|, largest
    first (infinite ones first of all)."""
    count = len(values)
    if count <= ALL_TERMS_UP_TO:
        return list(range(count))
    size = np.abs(values)
    chosen = np.argpartition(-size, LARGEST_SHOWN - 1)[:LARGEST_SHOWN]
    return sorted(chosen.tolist(), key=lambda i: (-float(size[i]), i))


def written_sum(
    name: str,
    formula: str,
    values: FloatArray,
    text: Callable[[int], str],
    value: float,
    labels: tuple[str, ...],
    shown: list[int],
) -> WrittenSum:
    """The sum of `values` (one per outcome) with the outcomes `shown` written by `text`."""
    terms = tuple(Term(i, labels[i], text(i), float(values[i])) for i in shown)
    rest = len(values) - len(shown)
    rest_sum = 0.0
    if rest:
        mask = np.ones(len(values), dtype=bool)
        mask[shown] = False
        rest_sum = math.fsum(values[mask].tolist())
    return WrittenSum(
        name, formula, terms, rest, rest_sum, math.fsum(values.tolist()), float(value)
    )


def explain(analysis: Analysis, model: int, field: str, alpha: float | None = None) -> Explanation:
    """The explanation of `field` (one of EXPLAINED, or "renyi" with its order `alpha`) for
    `model` of the analysed scenario."""
    if field == RENYI and alpha is not None:
        from divtui.core.explain_renyi import explain_renyi  # it builds on this module

        return explain_renyi(analysis, model, alpha)
    if field not in EXPLAINED:
        raise ValueError(f"no explanation for the measure {field!r}")
    return _Explainer(analysis, model).explain(field)


class _Explainer:
    """The numbers one model's explanations share: p, q, the log's name, the terms."""

    def __init__(self, analysis: Analysis, model: int) -> None:
        scenario = analysis.scenario
        self.scenario = scenario
        self.model = model
        self.measures: PairMeasures = analysis.measures[model]
        self.terms = analysis.terms(model)
        self.p = scenario.p
        self.q = scenario.models[model].q
        self.unit = scenario.unit
        self.log = LOG_NAMES[self.unit]
        self.labels = scenario.labels
        self.prime = "′" if scenario.label_smoothing else ""

    def explain(self, field: str) -> Explanation:
        make = getattr(self, f"_{field}")
        explanation: Explanation = make()
        return explanation

    # --- helpers ---------------------------------------------------------------------------

    def _name(self, text: str) -> str:
        """`text` naming p′ when the measures use a smoothed p."""
        return text.replace("p", f"p{self.prime}") if self.prime else text

    def _explanation(
        self,
        field: str,
        name: str,
        formula: str,
        meaning: str,
        sums: tuple[WrittenSum, ...],
        notes: tuple[str, ...] = (),
        result: str | None = None,
    ) -> Explanation:
        value = float(getattr(self.measures, field))
        return Explanation(
            field=field,
            name=name,
            model=self.scenario.models[self.model].name,
            unit=self.unit,
            formula=formula,
            meaning=meaning,
            sums=sums,
            value=value,
            result=result or f"{name} = {format_value(value, DIGITS)} {UNIT_WORDS[self.unit]}",
            notes=notes,
        )

    def _zero_note(self, of: FloatArray, name: str) -> tuple[str, ...]:
        """A note when some outcomes have probability 0 in `of` (they add nothing)."""
        zeros = int(np.count_nonzero(of == 0))
        if not zeros:
            return ()
        return (
            f"{zeros:,} outcome{'s' if zeros > 1 else ''} with {name} = 0 "
            f"add{'' if zeros > 1 else 's'} nothing: 0·{self.log}(…) = 0 by convention.",
        )

    def _entropy_sum(self, of: FloatArray, name: str, letter: str, value: float) -> WrittenSum:
        values = self.terms.entropy if letter == "p" else _entropy_terms(of, self.unit)
        log = self.log
        return written_sum(
            name,
            f"−Σ {letter}ᵢ·{log}({letter}ᵢ)",
            values,
            lambda i: f"−{number(of[i])}·{log}({number(of[i])})",
            value,
            self.labels,
            shown_outcomes(values),
        )

    # --- the measures ----------------------------------------------------------------------

    def _entropy_p(self) -> Explanation:
        name = self._name("H(p)")
        total = self._entropy_sum(self.p, name, "p", self.measures.entropy_p)
        return self._explanation(
            "entropy_p",
            name,
            f"{name} = {total.formula}",
            "The uncertainty of the truth itself: no model can lower it.",
            (total,),
            self._zero_note(self.p, self._name("p")),
        )

    def _entropy_q(self) -> Explanation:
        total = self._entropy_sum(self.q, "H(q)", "q", self.measures.entropy_q)
        return self._explanation(
            "entropy_q",
            "H(q)",
            f"H(q) = {total.formula}",
            "The model's own uncertainty; it says nothing about how close q is to p.",
            (total,),
            self._zero_note(self.q, "q"),
        )

    def _cross_text(self, i: int) -> str:
        return f"−{number(self.p[i])}·{self.log}({number(self.q[i])})"

    def _kl_text(self, i: int) -> str:
        p, q = self.p, self.q
        return f"{number(p[i])}·{self.log}({number(p[i])}/{number(q[i])})"

    def _cross_sum(self, name: str) -> WrittenSum:
        values = self.terms.cross_entropy
        return written_sum(
            name,
            f"−Σ pᵢ·{self.log}(qᵢ)",
            values,
            self._cross_text,
            self.measures.cross_entropy,
            self.labels,
            shown_outcomes(values),
        )

    def _kl_sum(self, shown: list[int] | None = None) -> WrittenSum:
        values = self.terms.kl
        return written_sum(
            self._name("KL(p‖q)"),
            f"Σ pᵢ·{self.log}(pᵢ/qᵢ)",
            values,
            self._kl_text,
            self.measures.kl,
            self.labels,
            shown_outcomes(values) if shown is None else shown,
        )

    def _forward_infinite(self, term: Callable[[int], str]) -> tuple[str, ...]:
        """Why H(p,q) and KL(p‖q) are infinite (nothing when they are not)."""
        cause = infinite_cause(self.scenario, self.model, self.measures)
        if not cause:
            return ()
        first = term(self.measures.support_mismatch[0])
        return (
            f"It is infinite because {cause}: the term {first} is +∞. The model rules out an "
            f"outcome that happens, so coding it with q costs infinitely many "
            f"{UNIT_WORDS[self.unit]}.",
        )

    def _cross_entropy(self) -> Explanation:
        name = self._name("H(p,q)")
        total = self._cross_sum(name)
        shown = [term.outcome for term in total.terms]
        entropy = written_sum(
            self._name("H(p)"),
            f"−Σ pᵢ·{self.log}(pᵢ)",
            self.terms.entropy,
            lambda i: f"−{number(self.p[i])}·{self.log}({number(self.p[i])})",
            self.measures.entropy_p,
            self.labels,
            shown,
        )
        kl = self._kl_sum(shown)
        return self._explanation(
            "cross_entropy",
            name,
            f"{name} = {total.formula} = {self._name('H(p) + KL(p‖q)')}",
            "What coding the truth p with the model q costs: H(p), which no model avoids, "
            "plus KL(p‖q), what q adds.",
            (total, entropy, kl),
            self._forward_infinite(self._cross_text) + self._zero_note(self.p, "p"),
        )

    def _kl(self) -> Explanation:
        total = self._kl_sum()
        return self._explanation(
            "kl",
            total.name,
            f"{total.name} = {total.formula}",
            "What the model adds to H(p): ≥ 0, and 0 only when q = p. Single terms can be "
            "negative; their sum cannot.",
            (total,),
            self._forward_infinite(self._kl_text) + self._zero_note(self.p, "p"),
        )

    def _reverse_kl(self) -> Explanation:
        name = self._name("KL(q‖p)")
        values = outcome_terms(self.q, self.p, self.unit).kl
        p, q, log = self.p, self.q, self.log
        total = written_sum(
            name,
            f"Σ qᵢ·{log}(qᵢ/pᵢ)",
            values,
            lambda i: f"{number(q[i])}·{log}({number(q[i])}/{number(p[i])})",
            self.measures.reverse_kl,
            self.labels,
            shown_outcomes(values),
        )
        notes: tuple[str, ...] = ()
        cause = reverse_infinite_cause(self.scenario, self.model, self.measures)
        if cause:
            notes = (
                f"It is infinite because {cause}: the term q·{log}(q/0) is +∞. The model "
                "puts probability where p has none.",
            )
        return self._explanation(
            "reverse_kl",
            name,
            f"{name} = {total.formula}",
            "The divergence the other way round: it punishes q for mass where p has little "
            "(mode-seeking), not for missing mass.",
            (total,),
            notes + self._zero_note(self.q, "q"),
        )

    def _js_divergence(self) -> Explanation:
        p, q, log = self.p, self.q, self.log
        m = 0.5 * (p + q)
        values = 0.5 * (
            np.asarray(outcome_terms(p, m, self.unit).kl)
            + np.asarray(outcome_terms(q, m, self.unit).kl)
        )
        name = "JS"
        total = written_sum(
            name,
            f"½·Σ [pᵢ·{log}(pᵢ/mᵢ) + qᵢ·{log}(qᵢ/mᵢ)],  mᵢ = ½(pᵢ + qᵢ)",
            values,
            lambda i: (
                f"½·[{number(p[i])}·{log}({number(p[i])}/{number(m[i])}) + "
                f"{number(q[i])}·{log}({number(q[i])}/{number(m[i])})]"
            ),
            self.measures.js_divergence,
            self.labels,
            shown_outcomes(values),
        )
        bound = format_value(math.log(2.0) * self.unit.per_nat, DIGITS)
        return self._explanation(
            "js_divergence",
            self._name("JS divergence"),
            f"JS = ½·KL(p‖m) + ½·KL(q‖m) = {total.formula}",
            f"A symmetric, always finite divergence: at most ln 2 nats = {bound} "
            f"{UNIT_WORDS[self.unit]}.",
            (total,),
        )

    def _perplexity(self) -> Explanation:
        name = self._name("H(p,q)")
        total = self._cross_sum(name)
        base = BASE_NAMES[self.unit]
        value = self.measures.perplexity
        power = format_value(self.measures.cross_entropy, DIGITS)
        return self._explanation(
            "perplexity",
            "perplexity",
            f"perplexity = {base}^{name}  (the same number in every unit)",
            "The number of equally likely outcomes that would be as hard to predict as p is "
            "with q.",
            (total,),
            self._forward_infinite(self._cross_text),
            result=f"perplexity = {base}^{power} = {format_value(value, DIGITS)}",
        )


def _entropy_terms(of: FloatArray, unit: Unit) -> FloatArray:
    """−xᵢ log xᵢ of each outcome, in `unit` (0 where xᵢ = 0)."""
    return np.asarray(outcome_terms(of, of, unit).entropy)

"""Scenarios: validated on construction, immutable, and edited only into new scenarios."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from divtui.core.analysis import Analysis
from divtui.core.errors import DivtuiError
from divtui.core.measures import compare
from divtui.core.scenario import P_COLUMN, Model, ModelInput, Scenario
from divtui.core.units import Unit

LABELS = ("rain", "snow", "sleet", "hail")


def make() -> Scenario:
    """p in probabilities, one model in probabilities, one in raw weights."""
    return Scenario.build(
        LABELS,
        [0.14, 0.37, 0.03, 0.46],
        [("uniform", [0.25, 0.25, 0.25, 0.25]), ("counts", [2, 3, 0, 5])],
        unit=Unit.BITS,
        title="Weather",
    )


def snapshot(scenario: Scenario) -> tuple[object, ...]:
    """Everything a scenario holds, copied, to prove later that nothing changed."""
    return (
        scenario.labels,
        scenario.p_weights.copy(),
        tuple((m.name, m.weights.copy()) for m in scenario.models),
        scenario.unit,
        scenario.title,
    )


def assert_unchanged(scenario: Scenario, before: tuple[object, ...]) -> None:
    labels, p_weights, models, unit, title = before
    assert scenario.labels == labels
    assert isinstance(p_weights, np.ndarray)
    np.testing.assert_array_equal(scenario.p_weights, p_weights)
    assert isinstance(models, tuple)
    assert len(scenario.models) == len(models)
    for model, (name, weights) in zip(scenario.models, models, strict=True):
        assert model.name == name
        np.testing.assert_array_equal(model.weights, weights)
    assert scenario.unit is unit and scenario.title == title


# --- construction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "p", "models", "fragments"),
    [
        (["a", "a"], [1, 1], [("q", [1, 1])], ["labels[1]", "duplicate label 'a'"]),
        (["a", "b"], [1, 1, 1], [("q", [1, 1])], ["p:", "3 values for 2 labels"]),
        (["a", "b", "c"], [1, 1], [("q", [1, 1, 1])], ["p:", "2 values for 3 labels"]),
        (
            ["a", "b"],
            [1, 1],
            [("q", [1, 1]), ("short", [1])],
            ["models[1].q", "model 'short'", "1 values for 2 labels"],
        ),
        (["a", "b"], [1, 1], [], ["models", "at least one model"]),
        (["a", "b"], [1, 1], [("q", [1, 1]), ("q", [2, 1])], ["models[1].name", "duplicate"]),
        (["a", "b"], [1, 1], [(" ", [1, 1])], ["models[0].name", "non-empty name"]),
        (["a", "b"], [1, -1], [("q", [1, 1])], ["p[1]", "negative"]),
        (["a", "b"], [1, 1], [("q", [1, float("nan")])], ["models[0].q[1]", "NaN"]),
        (["a", "b"], [0, 0], [("q", [1, 1])], ["p:", "all weights are zero"]),
        (["a", "b"], [1, 1], [("q", [0, 0])], ["models[0].q", "all weights are zero"]),
        (["a", "b"], [1, "x"], [("q", [1, 1])], ["p[1]", "'x' is not a number"]),
        (["a", "b"], [1, 1], [("q", [])], ["models[0].q", "empty"]),
    ],
)
def test_build_refuses_bad_input_naming_the_column_and_index(
    labels: list[object], p: object, models: list[tuple[str, object]], fragments: list[str]
) -> None:
    with pytest.raises(DivtuiError) as caught:
        Scenario.build(labels, p, models)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_the_constructor_validates_too() -> None:
    with pytest.raises(DivtuiError, match="p: 1 values for 2 labels"):
        Scenario(labels=("a", "b"), p_weights=np.array([1.0]), models=(Model("q", np.ones(2)),))


def test_the_constructor_freezes_what_it_is_given() -> None:
    weights = np.array([1.0, 3.0])
    scenario = Scenario(labels=("a", "b"), p_weights=weights, models=(Model("q", weights),))
    weights[0] = 7.0
    assert scenario.p_weights[0] == 1.0 and scenario.models[0].weights[0] == 1.0
    assert not scenario.p_weights.flags.writeable


def test_build_strips_labels_names_and_titles() -> None:
    scenario = Scenario.build([" a ", "b"], [1, 1], [(" m ", [1, 1])], title="   ")
    assert scenario.labels == ("a", "b")
    assert scenario.models[0].name == "m"
    assert scenario.title == "Untitled"


def test_reading_a_scenario() -> None:
    scenario = make()
    assert scenario.size == 4 and scenario.column_count == 3
    assert [scenario.column_name(c) for c in range(3)] == ["p", "uniform", "counts"]
    np.testing.assert_array_equal(scenario.weights(2), [2, 3, 0, 5])
    np.testing.assert_array_equal(scenario.probabilities(2), [0.2, 0.3, 0.0, 0.5])
    assert scenario.is_normalised(P_COLUMN) and not scenario.is_normalised(2)
    assert [m.unit for m in scenario.measures] == [Unit.BITS, Unit.BITS]
    expected = compare(scenario.p, scenario.models[1].q, Unit.BITS)
    assert scenario.measures[1] == expected
    assert scenario.measures == scenario.measures


# --- immutability -----------------------------------------------------------------------------


def test_every_array_of_a_scenario_is_read_only() -> None:
    scenario = make()
    arrays = [
        scenario.p_weights,
        scenario.p,
        *(m.weights for m in scenario.models),
        *(m.q for m in scenario.models),
        *(t.entropy for t in scenario.terms),
        *(t.cross_entropy for t in scenario.terms),
        *(t.kl for t in scenario.terms),
    ]
    for array in arrays:
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.5


def test_attributes_cannot_be_reassigned() -> None:
    scenario = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.models[0].name = "changed"  # type: ignore[misc]


def test_scenarios_compare_by_value_and_cannot_be_hashed() -> None:
    assert make() == make()
    assert make() != make().with_title("Other")
    assert make() != make().with_weight(0, 0, 0.5)
    with pytest.raises(TypeError):
        hash(make())


EDITS: dict[str, Callable[[Scenario], Scenario]] = {
    "with_weight": lambda s: s.with_weight(2, 0, 9.0),
    "with_probability": lambda s: s.with_probability(0, 1, 0.5),
    "normalised": lambda s: s.normalised(2),
    "with_outcome": lambda s: s.with_outcome("fog"),
    "without_outcome": lambda s: s.without_outcome(2),
    "with_label": lambda s: s.with_label(0, "drizzle"),
    "with_unit": lambda s: s.with_unit(Unit.NATS),
    "with_title": lambda s: s.with_title("New"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_returns_a_new_scenario_and_leaves_the_old_one_alone(edit: str) -> None:
    scenario = make()
    measures_before = scenario.measures
    before = snapshot(scenario)
    edited = EDITS[edit](scenario)
    assert edited is not scenario and edited != scenario
    assert_unchanged(scenario, before)
    assert scenario.measures == measures_before
    assert not edited.p_weights.flags.writeable
    assert all(not m.weights.flags.writeable for m in edited.models)


# --- with_probability -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "row", "value"),
    [(0, 1, 0.5), (0, 0, 0.0), (0, 3, 1.0), (1, 2, 0.1), (2, 2, 0.3), (2, 1, 1 / 3)],
)
def test_with_probability_keeps_the_value_and_rescales_the_rest(
    column: int, row: int, value: float
) -> None:
    scenario = make()
    before = scenario.probabilities(column)
    edited = scenario.with_probability(column, row, value)
    after = edited.probabilities(column)
    assert after[row] == value  # exactly what was entered
    assert math.fsum(after) == pytest.approx(1.0, abs=1e-15)
    others_before, others_after = np.delete(before, row), np.delete(after, row)
    ratio = (1 - value) / others_before.sum()
    np.testing.assert_allclose(others_after, others_before * ratio, rtol=1e-15, atol=0)
    assert edited.is_normalised(column)
    for other in range(scenario.column_count):
        if other != column:
            np.testing.assert_array_equal(edited.weights(other), scenario.weights(other))


def test_with_probability_spreads_the_remainder_evenly_when_the_rest_is_zero() -> None:
    scenario = Scenario.build(["a", "b", "c", "d"], [0, 0, 1, 0], [("q", [1, 1, 1, 1])])
    edited = scenario.with_probability(0, 2, 0.4)
    np.testing.assert_allclose(edited.p, [0.2, 0.2, 0.4, 0.2], rtol=1e-15)
    assert edited.p[2] == 0.4
    np.testing.assert_allclose(scenario.with_probability(0, 2, 0).p, [1 / 3, 1 / 3, 0, 1 / 3])


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (1.5, "p(snow): 1.5 is more than 1; a probability lies in [0, 1]"),
        (-0.1, "p(snow): -0.1 is negative"),
        (float("nan"), "p(snow): NaN"),
        (math.inf, "p(snow): inf is not a finite weight"),
    ],
)
def test_with_probability_refuses_what_is_not_a_probability(value: float, fragment: str) -> None:
    with pytest.raises(DivtuiError) as caught:
        make().with_probability(0, 1, value)
    assert str(caught.value).startswith(fragment)


def test_with_probability_names_the_model_column() -> None:
    with pytest.raises(DivtuiError, match=r"^counts\(hail\): 2 is more than 1"):
        make().with_probability(2, 3, 2)


def test_a_single_outcome_can_only_have_probability_one() -> None:
    scenario = Scenario.build(["only"], [1], [("q", [1])])
    assert scenario.with_probability(0, 0, 1.0).p[0] == 1.0
    with pytest.raises(DivtuiError, match=r"p\(only\): the only outcome has probability 1"):
        scenario.with_probability(0, 0, 0.5)


@pytest.mark.parametrize(
    ("column", "row", "message"),
    [(3, 0, "there is no column 3"), (-1, 0, "there is no column -1"), (0, 4, "no outcome 4")],
)
def test_edits_refuse_cells_that_do_not_exist(column: int, row: int, message: str) -> None:
    with pytest.raises(DivtuiError, match=message):
        make().with_probability(column, row, 0.5)
    with pytest.raises(DivtuiError, match=message):
        make().with_weight(column, row, 0.5)


@settings(max_examples=100, deadline=None)
@given(
    column=st.integers(0, 2),
    row=st.integers(0, 3),
    value=st.floats(min_value=0.0, max_value=1.0),
)
def test_with_probability_property(column: int, row: int, value: float) -> None:
    scenario = make()
    edited = scenario.with_probability(column, row, value)
    after = edited.probabilities(column)
    assert after[row] == value
    assert np.all(after >= 0)
    assert math.fsum(after) == pytest.approx(1.0, abs=4e-16 * len(after))


# --- with_weight, normalised ------------------------------------------------------------------


def test_with_weight_sets_one_weight_exactly_and_renormalises_on_reading() -> None:
    edited = make().with_weight(2, 2, 10.0)
    np.testing.assert_array_equal(edited.weights(2), [2, 3, 10, 5])
    np.testing.assert_allclose(edited.probabilities(2), [0.1, 0.15, 0.5, 0.25], rtol=1e-15)
    assert not edited.is_normalised(2)


@pytest.mark.parametrize(
    ("column", "row", "value", "message"),
    [
        (0, 0, -1.0, "p(rain): -1.0 is negative"),
        (1, 0, float("nan"), "uniform(rain): NaN"),
        (2, 0, math.inf, "counts(rain): inf"),
    ],
)
def test_with_weight_refuses_bad_weights(column: int, row: int, value: float, message: str) -> None:
    with pytest.raises(DivtuiError) as caught:
        make().with_weight(column, row, value)
    assert str(caught.value).startswith(message)


def test_with_weight_refuses_to_zero_a_whole_column() -> None:
    scenario = Scenario.build(["a", "b"], [1, 0], [("q", [1, 1])])
    with pytest.raises(DivtuiError, match=r"p\(a\): that would make every weight"):
        scenario.with_weight(0, 0, 0)


def test_normalised_replaces_weights_with_probabilities() -> None:
    scenario = make()
    edited = scenario.normalised(2)
    np.testing.assert_array_equal(edited.weights(2), scenario.probabilities(2))
    assert edited.is_normalised(2)
    np.testing.assert_array_equal(edited.weights(0), scenario.weights(0))
    with pytest.raises(DivtuiError, match="there is no column 9"):
        scenario.normalised(9)


# --- outcomes and labels ----------------------------------------------------------------------


def test_with_outcome_adds_a_zero_weight_everywhere() -> None:
    scenario = make()
    edited = scenario.with_outcome(" fog ")
    assert edited.labels == (*LABELS, "fog")
    for column in range(edited.column_count):
        assert edited.weights(column)[-1] == 0.0
        np.testing.assert_array_equal(edited.weights(column)[:-1], scenario.weights(column))
    for before, after in zip(scenario.measures, edited.measures, strict=True):
        assert after.kl == pytest.approx(before.kl, rel=1e-14, abs=0)


def test_a_new_outcome_that_p_then_allows_makes_kl_infinite() -> None:
    edited = make().with_outcome("fog").with_probability(0, 4, 0.1)
    assert all(math.isinf(m.kl) for m in edited.measures)
    assert [m.support_mismatch for m in edited.measures] == [(4,), (2, 4)]  # counts lacks sleet


@pytest.mark.parametrize(
    ("label", "message"),
    [("rain", "there is already an outcome 'rain'"), ("  ", "a label cannot be empty")],
)
def test_with_outcome_refuses_duplicate_and_empty_labels(label: str, message: str) -> None:
    with pytest.raises(DivtuiError, match=message):
        make().with_outcome(label)


def test_without_outcome_removes_the_row_from_every_column() -> None:
    scenario = make()
    edited = scenario.without_outcome(1)
    assert edited.labels == ("rain", "sleet", "hail")
    for column in range(scenario.column_count):
        np.testing.assert_array_equal(
            edited.weights(column), np.delete(scenario.weights(column), 1)
        )


def test_without_outcome_never_goes_below_two_outcomes() -> None:
    scenario = Scenario.build(["a", "b"], [1, 1], [("q", [1, 1])])
    with pytest.raises(DivtuiError, match="cannot remove 'a': 2 outcomes is the least"):
        scenario.without_outcome(0)


@pytest.mark.parametrize(
    ("p", "q", "column_name"), [([0, 0, 1], [1, 1, 1], "p"), ([1, 1, 1], [0, 0, 2], "q")]
)
def test_without_outcome_refuses_to_remove_a_columns_only_weight(
    p: list[float], q: list[float], column_name: str
) -> None:
    scenario = Scenario.build(["a", "b", "c"], p, [("q", q)])
    with pytest.raises(DivtuiError, match=f"cannot remove 'c': it holds all of {column_name}'s"):
        scenario.without_outcome(2)
    assert scenario.without_outcome(0).labels == ("b", "c")


def test_without_outcome_refuses_a_row_that_does_not_exist() -> None:
    with pytest.raises(DivtuiError, match="there is no outcome 7"):
        make().without_outcome(7)


def test_with_label_renames_one_outcome() -> None:
    assert make().with_label(2, "  ice ").labels == ("rain", "snow", "ice", "hail")
    assert make().with_label(2, "sleet") == make()  # its own name is not a duplicate


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("snow", "there is already an outcome 'snow'"),
        ("", "label of outcome 3: a label cannot be empty"),
        ("   ", "label of outcome 3: a label cannot be empty"),
    ],
)
def test_with_label_refuses_duplicate_and_empty_labels(label: str, message: str) -> None:
    with pytest.raises(DivtuiError, match=message):
        make().with_label(2, label)


def test_with_unit_and_with_title() -> None:
    scenario = make()
    in_nats = scenario.with_unit(Unit.NATS)
    assert in_nats.unit is Unit.NATS
    assert in_nats.measures[0].kl == pytest.approx(
        scenario.measures[0].kl * math.log(2), rel=1e-6, abs=0
    )
    assert scenario.with_title("  Snow day ").title == "Snow day"
    assert scenario.with_title("").title == "Untitled"


def test_a_scenario_never_changes_after_it_is_made() -> None:
    scenario = Scenario.build(["a", "b", "c"], [1, 2, 3], [("q", [3, 2, 1])])
    before = dict(vars(scenario))
    scenario.measures, scenario.terms, scenario.kl_term(0, 1)  # reading derives nothing new
    assert vars(scenario).keys() == before.keys()
    assert all(vars(scenario)[key] is value for key, value in before.items())


def test_dataclasses_replace_checks_what_it_is_given() -> None:
    scenario = Scenario.build(["a", "b"], [1, 1], [("q", [1, 3])])
    with pytest.raises(DivtuiError, match="duplicate"):
        dataclasses.replace(scenario, labels=("a", "a"))
    with pytest.raises(DivtuiError, match="p"):
        dataclasses.replace(scenario, p_weights=np.array([1.0, -1.0]))
    changed = dataclasses.replace(scenario, p_weights=np.array([3.0, 1.0]))
    np.testing.assert_array_equal(changed.p, [0.75, 0.25])


def test_an_analysis_computes_the_terms_once_and_agrees_with_the_scenario() -> None:
    scenario = Scenario.build(["a", "b", "c"], [1, 2, 3], [("q", [3, 2, 0]), ("r", [1, 1, 1])])
    analysis = Analysis.of(scenario)
    assert analysis.measures == scenario.measures
    assert analysis.infinite == (frozenset({2}), frozenset())
    assert analysis.terms(0) is analysis.terms(0)
    for model, terms in enumerate(scenario.terms):
        np.testing.assert_array_equal(analysis.terms(model).kl, terms.kl)
        assert [analysis.kl_term(model, i) for i in range(3)] == terms.kl.tolist()


def test_one_kl_term_is_the_same_as_in_the_whole_vector() -> None:
    rng = np.random.default_rng(12)
    q = rng.random(50)
    q[7] = 0.0
    scenario = Scenario.build(
        [str(i) for i in range(50)],
        rng.random(50),
        [("w", q), ModelInput("z", logits=rng.normal(size=50) * 40, temperature=0.5)],
        unit=Unit.BITS,
    )
    for model in (0, 1):
        whole = scenario.terms[model].kl
        assert [scenario.kl_term(model, i) for i in range(50)] == whole.tolist()

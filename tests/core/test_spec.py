"""Inline SPECs from the command line: label=weight pairs or bare numbers, and NAME: for a q."""

from __future__ import annotations

import numpy as np
import pytest

from divtui.core.errors import DivtuiError
from divtui.core.spec import Spec, parse_spec, scenario_from_specs
from divtui.core.units import Unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rain=.14 snow=.37", Spec((0.14, 0.37), ("rain", "snow"), None)),
        ("rain=.14,snow=.37", Spec((0.14, 0.37), ("rain", "snow"), None)),
        ("rain=.14, snow=.37", Spec((0.14, 0.37), ("rain", "snow"), None)),
        ("  rain=.14 ,\tsnow=.37  ", Spec((0.14, 0.37), ("rain", "snow"), None)),
        ("rain=.14;snow=.37", Spec((0.14, 0.37), ("rain", "snow"), None)),
        ("0.14,0.37", Spec((0.14, 0.37), None, None)),
        ("0.14 0.37", Spec((0.14, 0.37), None, None)),
        ("0.14, 0.37 ,0.49", Spec((0.14, 0.37, 0.49), None, None)),
        ("1e-3 2 0", Spec((0.001, 2.0, 0.0), None, None)),
        ("forecast: rain=.2 snow=.3", Spec((0.2, 0.3), ("rain", "snow"), "forecast")),
        ("forecast:rain=.2 snow=.3", Spec((0.2, 0.3), ("rain", "snow"), "forecast")),
        ("my model: 0.2 0.3", Spec((0.2, 0.3), None, "my model")),
        ("  fc :  1,2", Spec((1.0, 2.0), None, "fc")),
    ],
)
def test_both_forms_parse(text: str, expected: Spec) -> None:
    assert parse_spec(text, "--q") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rain=.2 0.3", "--q 'rain=.2 0.3': mix of label=weight pairs and bare numbers"),
        ("0.3 rain=.2", "--q '0.3 rain=.2': mix of label=weight pairs and bare numbers"),
        ("", "--q '': no values given"),
        (" , ", "--q ' , ': no values given"),
        ("name:", "--q 'name:': no values given"),
        ("0 0", "--q '0 0': all weights are zero; at least one must be positive"),
        ("a=0 b=0", "--q 'a=0 b=0': all weights are zero"),
        ("a=1 a=2", "--q: duplicate label 'a'"),
        ("=1 b=2", "--q item 1: a label cannot be empty"),
        ("a= b=2", "--q 'a': a value is needed"),
        ("rain=x", "--q 'rain': 'x' is not a number"),
        ("rain=-1", "--q 'rain': -1.0 is negative"),
        ("rain=nan", "--q 'rain': NaN is not a probability or weight"),
        ("rain=inf", "--q 'rain': inf is not a finite weight"),
        ("0.5 x", "--q item 2: 'x' is not a number"),
        ("0.5 -0.5", "--q item 2: -0.5 is negative"),
    ],
)
def test_bad_specs_are_refused_saying_what_and_where(text: str, message: str) -> None:
    with pytest.raises(DivtuiError) as caught:
        parse_spec(text, "--q")
    assert str(caught.value).startswith(message)


def test_bare_numbers_are_labelled_one_to_n() -> None:
    scenario = scenario_from_specs("0.5 0.25 0.25", ["1 1 2"])
    assert scenario.labels == ("1", "2", "3")
    assert scenario.title == "Command line" and scenario.unit is Unit.NATS
    np.testing.assert_array_equal(scenario.models[0].q, [0.25, 0.25, 0.5])


def test_q_labels_are_put_in_p_order() -> None:
    scenario = scenario_from_specs("rain=.1 snow=.2 hail=.7", ["hail=7 rain=1 snow=2"])
    assert scenario.labels == ("rain", "snow", "hail")
    np.testing.assert_array_equal(scenario.models[0].weights, [1, 2, 7])


def test_a_bare_q_may_follow_a_labelled_p() -> None:
    scenario = scenario_from_specs("rain=.5 snow=.5", ["0.9, 0.1"])
    np.testing.assert_array_equal(scenario.models[0].weights, [0.9, 0.1])


def test_models_are_named_q1_q2_unless_named() -> None:
    scenario = scenario_from_specs("1 1", ["1 2", "forecast: 2 1", "3 1"], unit=Unit.BITS)
    assert [m.name for m in scenario.models] == ["q1", "forecast", "q3"]
    assert scenario.unit is Unit.BITS


@pytest.mark.parametrize(
    ("p", "qs", "message"),
    [
        (
            "a=1 b=3",
            ["b=1 c=1"],
            "--q 'q1': p and q must have the same labels (missing a; not in p: c)",
        ),
        ("a=1 b=3", ["a=1"], "--q 'q1': p and q must have the same labels (missing b)"),
        ("a=1", ["a=1 b=1"], "--q 'q1': p and q must have the same labels (not in p: b)"),
        (
            "1 3",
            ["x: a=1 b=2"],
            "--q 'x': p and q must have the same labels (missing 1, 2; not in p: a, b)",
        ),
        ("a=1 b=3", ["1 2 3"], "--q 'q1': 3 values but p has 2 outcomes"),
        ("1 2", ["1 2", "fc: 1"], "--q 'fc': 1 values but p has 2 outcomes"),
        ("name: 1 2", ["1 2"], "--p 'name: 1 2': only a model (--q) can be given a NAME:"),
        ("1 2", [], "--p needs at least one --q to compare against"),
        ("1 2", ["x: 1 2", "x: 2 1"], "models[1].name: duplicate model name 'x'"),
        ("1 x", ["1 2"], "--p item 2: 'x' is not a number"),
        ("1 2", ["1 2", "2 -1"], "--q #2 item 2: -1.0 is negative"),
    ],
)
def test_specs_that_do_not_fit_together_are_refused(p: str, qs: list[str], message: str) -> None:
    with pytest.raises(DivtuiError) as caught:
        scenario_from_specs(p, qs)
    assert str(caught.value).startswith(message)

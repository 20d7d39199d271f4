"""The code panel's snippets: the numpy and scipy programs run as printed and print the values
shown; the framework values follow those libraries' documented formulas."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import special, stats
from scipy.spatial import distance

from divtui.core.array_files import save_npz
from divtui.core.logits import log_softmax
from divtui.core.measures import compare
from divtui.core.presets import preset
from divtui.core.scenario import ModelInput, Scenario
from divtui.core.scenario_file import save_scenario
from divtui.core.snippets import (
    DataSource,
    Snippet,
    data_source,
    keras_kl_divergence,
    optax_kl_divergence,
    snippets,
    torch_cross_entropy,
    torch_kl_div,
)
from divtui.core.units import Unit


def run(snippet: Snippet, cwd: Path | None = None) -> list[float]:
    """The values the printed program prints, one a line."""
    done = subprocess.run(
        [sys.executable, "-c", snippet.code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=cwd,
    )
    return [float(line) for line in done.stdout.split()]


def by_library(
    scenario: Scenario, index: int, source: DataSource | None = None
) -> dict[str, Snippet]:
    return {s.library: s for s in snippets(scenario, index, source or DataSource())}


def assert_prints_shown(snippet: Snippet, cwd: Path | None = None) -> None:
    printed = run(snippet, cwd)
    shown = [call.value for call in snippet.calls]
    assert len(printed) == len(shown)
    for got, want in zip(printed, shown, strict=True):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-15) or (math.isinf(got) and got == want)


def smoothed_logits() -> Scenario:
    return Scenario.build(
        ["a", "b", "c", "d"],
        [0.1, 0.2, 0.3, 0.4],
        [ModelInput("net", logits=[1.0, -0.5, 2.0, 0.25], temperature=1.5)],
        unit=Unit.BITS,
        label_smoothing=0.1,
    )


@pytest.mark.parametrize("unit", list(Unit))
@pytest.mark.parametrize("library", ["numpy", "scipy"])
def test_the_weather_programs_print_the_values_shown(unit: Unit, library: str) -> None:
    scenario = preset("weather").with_unit(unit)
    for index in range(len(scenario.models)):
        snippet = by_library(scenario, index)[library]
        assert_prints_shown(snippet)
        measures = scenario.measures[index]
        values = [call.value for call in snippet.calls]
        assert values[0] == pytest.approx(measures.entropy_p, rel=1e-12)
        if library == "numpy":
            assert values[1:] == pytest.approx([measures.cross_entropy, measures.kl], rel=1e-12)
        else:
            assert values[1] == values[2] == pytest.approx(measures.kl, rel=1e-12)
            assert values[3] == pytest.approx(measures.js_distance, rel=1e-9)
            assert values[4] == pytest.approx(measures.js_divergence, rel=1e-9)


@pytest.mark.parametrize("library", ["numpy", "scipy"])
def test_logits_and_smoothing_run_as_printed(library: str) -> None:
    scenario = smoothed_logits()
    snippet = by_library(scenario, 0)[library]
    assert "eps = 0.1" in snippet.code
    assert_prints_shown(snippet)
    assert snippet.calls[0].value == pytest.approx(scenario.measures[0].entropy_p, rel=1e-12)


def test_an_infinite_kl_prints_inf() -> None:
    scenario = preset("support-mismatch")
    snippet = by_library(scenario, 0)["numpy"]
    assert_prints_shown(snippet)
    assert math.isinf(snippet.calls[2].value)


def test_large_scenarios_load_the_saved_npz_and_toml(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    size = 300
    scenario = Scenario.build(
        [f"t{i}" for i in range(size)],
        rng.dirichlet(np.ones(size)),
        [("q", rng.dirichlet(np.ones(size))), ModelInput("net", logits=rng.normal(size=size))],
    )
    save_npz(scenario, tmp_path / "big.npz")
    save_scenario(scenario.with_title("big"), tmp_path / "big.toml")
    for name in ("big.npz", "big.toml"):
        for index in (0, 1):
            source = data_source(scenario, name, unsaved=False, kiosk=False)
            assert isinstance(source, DataSource)
            for library in ("numpy", "scipy"):
                snippet = by_library(scenario, index, source)[library]
                assert "np.array([" not in snippet.code
                printed = run(snippet, tmp_path)
                shown = [call.value for call in snippet.calls]
                assert printed == pytest.approx(shown, rel=1e-9)


def test_large_unsaved_scenarios_say_save_first() -> None:
    scenario = Scenario.build([str(i) for i in range(21)], np.ones(21), [("q", np.ones(21))])
    said = data_source(scenario, None, unsaved=True, kiosk=False)
    assert isinstance(said, str) and "save first" in said
    said = data_source(scenario, "/home/me/x.toml", unsaved=True, kiosk=False)
    assert isinstance(said, str) and "save first" in said
    kiosk = data_source(scenario, "/srv/secret/x.npz", unsaved=False, kiosk=True)
    assert isinstance(kiosk, DataSource)
    code = "".join(s.code for s in snippets(scenario, 0, kiosk))
    assert "/srv" not in code and "secret" not in code


# --- the frameworks' documented formulas, against scipy ------------------------------------


def test_torch_formulas() -> None:
    scenario = smoothed_logits()
    p, z = scenario.p_target, scenario.models[0].logits
    assert z is not None
    zt = z / 1.5
    smoothed = 0.9 * p + 0.1 / 4
    # Cross-entropy from logits with label smoothing ε/K is H(p', softmax(z/T)).
    expected = -float(np.sum(smoothed * log_softmax(z, 1.5)))
    assert torch_cross_entropy(zt, p, 0.1) == pytest.approx(expected, rel=1e-12)
    got = compare(scenario.p, scenario.models[0].q, Unit.NATS).cross_entropy
    assert torch_cross_entropy(zt, p, 0.1) == pytest.approx(got, rel=1e-12)
    q = np.array([0.2, 0.3, 0.1, 0.4])
    kl = float(np.sum(special.rel_entr(p, q)))
    assert torch_kl_div(np.log(q), p, "sum", 1) == pytest.approx(kl, rel=1e-12)
    assert torch_kl_div(np.log(q), p, "batchmean", 1) == pytest.approx(kl, rel=1e-12)
    assert torch_kl_div(np.log(q), p, "mean", 1) == pytest.approx(kl / 4, rel=1e-12)
    # The argument order: kl_div(log p, q) is the reverse KL.
    reverse = float(np.sum(special.rel_entr(q, p)))
    assert torch_kl_div(np.log(p), q, "sum", 1) == pytest.approx(reverse, rel=1e-12)


def test_nan_where_torch_multiplies_zero_by_minus_infinity() -> None:
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.5, 0.5, 0.0])
    with np.errstate(divide="ignore"):
        log_q = np.log(q)
    assert math.isnan(torch_cross_entropy(log_q, p, 0.0))
    assert math.isnan(torch_kl_div(log_q, p, "sum", 1))


def test_optax_and_keras_formulas() -> None:
    p, q = np.array([0.14, 0.37, 0.03, 0.46]), np.array([0.2, 0.3, 0.1, 0.4])
    assert optax_kl_divergence(np.log(q), p) == pytest.approx(stats.entropy(p, q), rel=1e-12)
    # Keras clips q = 0 to 1e-7: a finite number where KL is infinite.
    q0 = np.array([0.2, 0.4, 0.0, 0.4])
    clipped = np.clip(q0, 1e-7, 1)
    assert keras_kl_divergence(p, q0) == pytest.approx(
        float(np.sum(p * np.log(p / clipped))), rel=1e-12
    )
    scenario = Scenario.build(["a", "b", "c", "d"], p, [("q", q0)])
    keras = by_library(scenario, 0)["Keras"]
    assert "clipping changes KL here: inf unclipped" in keras.code
    assert math.isfinite(keras.calls[0].value)


def test_js_distance_is_scipys() -> None:
    scenario = preset("weather")
    snippet = by_library(scenario, 0)["scipy"]
    q = scenario.models[0].q
    assert snippet.calls[3].value == pytest.approx(
        float(distance.jensenshannon(scenario.p, q)), rel=1e-12
    )

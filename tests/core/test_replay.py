"""The recording of a training run: bounded, thinned evenly, its ends always kept."""

from __future__ import annotations

import numpy as np

from divtui.core.presets import preset
from divtui.core.replay import BUDGET, MAX_FRAMES, Recording, frame_bytes
from divtui.core.scenario import Scenario
from divtui.core.training import TrainingRun
from divtui.core.units import Unit


def recorded(steps: int, scenario: Scenario | None = None) -> Recording:
    start = scenario or preset("weather")
    recording = Recording.start(start)
    for step in range(1, steps + 1):
        recording = recording.add(step, start)
    return recording


def test_a_short_run_keeps_every_step() -> None:
    recording = recorded(50)
    assert [frame.step for frame in recording.frames] == list(range(51))


def test_a_long_run_is_thinned_evenly_and_keeps_its_start_and_newest_step() -> None:
    recording = recorded(10_000)
    steps = [frame.step for frame in recording.frames]
    assert len(steps) <= MAX_FRAMES
    assert steps[0] == 0 and steps[-1] == 10_000
    assert steps == sorted(set(steps))
    gaps = np.diff(steps[:-1])  # the newest frame is wherever the run stopped
    assert gaps.max() == gaps.min()  # evenly thinned: the same stride everywhere
    assert len(steps) > MAX_FRAMES // 2  # thinning halves at most once per overflow


def test_the_frames_of_a_large_scenario_stay_within_the_memory_budget() -> None:
    n = 1_000_000
    p = np.full(n, 1 / n)
    big = Scenario.build([f"o{i}" for i in range(n)], p, [("model", p)])
    recording = recorded(100, big)
    assert len(recording) * frame_bytes(big) <= max(BUDGET, 2 * frame_bytes(big))
    assert recording.frames[0].step == 0 and recording.frames[-1].step == 100


def test_a_step_recorded_again_replaces_the_last_frame() -> None:
    weather = preset("weather")
    bits = weather.with_unit(Unit.BITS)
    recording = Recording.start(weather).add(1, weather).add(1, bits)
    assert [frame.step for frame in recording.frames] == [0, 1]
    assert recording.frames[-1].scenario is bits


def test_a_recording_shown_in_another_unit_changes_every_frame_and_nothing_else() -> None:
    run = TrainingRun.start(preset("weather"), 0)
    recording = Recording.start(run.before)
    for _ in range(3):
        run = run.step()
        recording = recording.add(run.steps, run.scenario)
    bits = recording.with_unit(Unit.BITS)
    assert [f.step for f in bits.frames] == [f.step for f in recording.frames]
    for old, new in zip(recording.frames, bits.frames, strict=True):
        assert new.scenario.unit is Unit.BITS
        np.testing.assert_array_equal(new.scenario.models[0].q, old.scenario.models[0].q)


def test_the_frame_for_a_step_is_the_last_at_or_before_it() -> None:
    recording = recorded(1000)
    steps = [frame.step for frame in recording.frames]
    for step in (0, 1, 7, 500, 999, 1000):
        index = recording.index_of_step(step)
        assert steps[index] <= step
        assert index == len(steps) - 1 or steps[index + 1] > step

"""The recording of a training run: the scenario at its steps, kept so the run can be replayed.

A run makes a new scenario every step; only the trained model changes, so each frame costs that
model's arrays. The recording keeps at most `MAX_FRAMES` frames and about `BUDGET` bytes of
them: one frame every `stride` steps, and the newest step. When it is full the stride doubles
and every other frame goes, so a long run stays thinned evenly, its start and its newest step
always kept.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from divtui.core.scenario import Scenario
from divtui.core.units import Unit

MAX_FRAMES = 400
"""At most this many frames are kept (about two per column of a wide chart)."""
BUDGET = 200 * 2**20
"""The frames' own arrays (the trained model's) take at most about this many bytes."""


@dataclass(frozen=True, slots=True)
class Frame:
    """The scenario after `step` gradient steps of a run."""

    step: int
    scenario: Scenario


def frame_bytes(scenario: Scenario) -> int:
    """What one frame holds of its own: the trained model's four arrays (weights, q, logits
    and log q; everything else is shared with the other frames)."""
    return 4 * 8 * scenario.size


@dataclass(frozen=True, slots=True)
class Recording:
    """The frames of one run, oldest first: one per `stride` steps, and the newest step."""

    kept: tuple[Frame, ...]
    """One frame in each `stride` steps, the start first."""
    newest: Frame | None
    """The newest step, when it is not one of `kept`."""
    stride: int
    """How many steps apart the kept frames are (doubled each time the recording fills)."""
    limit: int
    """At most this many frames are kept."""

    @classmethod
    def start(cls, scenario: Scenario) -> Recording:
        """A recording whose first frame is the run's start (step 0)."""
        size = max(1, frame_bytes(scenario))
        limit = max(2, min(MAX_FRAMES, BUDGET // size))
        return cls((Frame(0, scenario),), None, 1, limit)

    @property
    def frames(self) -> tuple[Frame, ...]:
        """Every frame, oldest first."""
        return self.kept if self.newest is None else (*self.kept, self.newest)

    def add(self, step: int, scenario: Scenario) -> Recording:
        """The recording with the scenario after `step` steps (a step at or before the newest
        replaces it: a run shown in another unit is the same step)."""
        kept, newest, stride = self.kept, self.newest, self.stride
        frame = Frame(step, scenario)
        last = newest or kept[-1]
        if step <= last.step:
            if newest is not None:
                return replace(self, newest=frame)
            return replace(self, kept=(*kept[:-1], frame)) if len(kept) > 1 else self
        if newest is not None and newest.step // stride > kept[-1].step // stride:
            kept = (*kept, newest)
        if len(kept) >= self.limit:
            stride *= 2
            kept = _one_per(kept, stride)
        return Recording(kept, frame, stride, self.limit)

    def with_unit(self, unit: Unit) -> Recording:
        """The same frames shown in another unit."""

        def shown(frame: Frame) -> Frame:
            return Frame(frame.step, frame.scenario.with_unit(unit))

        newest = None if self.newest is None else shown(self.newest)
        return replace(self, kept=tuple(shown(f) for f in self.kept), newest=newest)

    def __len__(self) -> int:
        return len(self.kept) + (self.newest is not None)

    def index_of_step(self, step: int) -> int:
        """The index of the last frame at or before `step` (the first frame before step 0)."""
        index = 0
        for i, frame in enumerate(self.frames):
            if frame.step <= step:
                index = i
        return index


def _one_per(frames: tuple[Frame, ...], stride: int) -> tuple[Frame, ...]:
    """The first frame in each run of `stride` steps."""
    kept: list[Frame] = []
    for frame in frames:
        if not kept or frame.step // stride > kept[-1].step // stride:
            kept.append(frame)
    return tuple(kept)

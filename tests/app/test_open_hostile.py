"""Hostile files through the app's open dialog: each is refused in the prompt at once (no hang,
no traceback, nothing big allocated) and the scenario stays as it was."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.lib import format as npy

from .support import SIZE, main_screen, new_app
from .test_open_errors import active, open_path, prompt_error


def fifo(directory: Path) -> Path:
    path = directory / "pipe.toml"
    os.mkfifo(path)
    return path


def zero(directory: Path) -> Path:
    path = directory / "zero.npz"
    path.symlink_to("/dev/zero")
    return path


def saved(values: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, values)
    return buffer.getvalue()


def declaring(count: int) -> bytes:
    buffer = io.BytesIO()
    npy.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": (count,)})
    return buffer.getvalue()


def archive(members: dict[str, bytes], name: str) -> Callable[[Path], Path]:
    def make(directory: Path) -> Path:
        path = directory / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
            for member, data in members.items():
                zipped.writestr(member, data)
        return path

    return make


def text(content: str, name: str) -> Callable[[Path], Path]:
    def make(directory: Path) -> Path:
        path = directory / name
        path.write_text(content)
        return path

    return make


def plain_npy(directory: Path) -> Path:
    path = directory / "plain.npz"
    path.write_bytes(saved(np.ones(3)))
    return path


P_Q = {"p.npy": saved(np.ones(3)), "q.npy": saved(np.ones(3))}
HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    # The prompt itself turns away what is not a regular file, before the loader sees it (its
    # words, "no such file", are path_prompt.py's; the point here is that nothing blocks).
    "fifo": (fifo, ": "),
    "symlink to /dev/zero": (zero, ": "),
    "10^12 values declared": (
        archive({**P_Q, "q.npy": declaring(10**12)}, "huge.npz"),
        "array 'q': declares 1,000,000,000,000 values",
    ),
    "a member that is not .npy": (
        archive({**P_Q, "readme.txt": b"hi"}, "extra.npz"),
        "member 'readme.txt' is not a .npy array",
    ),
    "a plain .npy": (plain_npy, "a single .npy array, not an .npz archive"),
    "10,000 digits in TOML": (
        text(f'labels = ["a", "b"]\np = [{"9" * 10_000}, 1]\n', "digits.toml"),
        "invalid TOML: an integer longer than 4300 digits",
    ),
    "10,000 digits in JSON": (
        text(f'{{"labels": ["a", "b"], "p": [{"9" * 10_000}, 1]}}', "digits.json"),
        "invalid JSON: an integer longer than 4300 digits",
    ),
}


async def test_hostile_files_are_refused_in_the_open_prompt(tmp_path: Path) -> None:
    paths = {case: make(tmp_path) for case, (make, _) in HOSTILE.items()}
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("ctrl+o")
        for case, (_, fragment) in HOSTILE.items():
            await open_path(pilot, paths[case])
            shown = prompt_error(pilot.app)
            assert fragment in shown and paths[case].name in shown, f"{case}: {shown!r}"
            assert screen.scenario is before, case
        await pilot.press("escape")
        await pilot.pause()
        assert active(pilot.app) is screen and screen.scenario is before

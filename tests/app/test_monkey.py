"""A seeded monkey: thousands of random keys, clicks, pastes and resizes, and after every one the
scenario must still be a valid one and the app still running.

The monkey never presses `q` or `ctrl+q`; a quit it reaches some other way (a click on the
footer, the command palette, `y` to the confirmation) is recorded instead of honoured, so that
it carries on. It leaves the prompts that `p`, `a`, `ctrl+o`, `ctrl+s`, … open with Escape now
and then, so it spends most of its time on the main screen. Files it saves land in a temporary
working directory.
"""

from __future__ import annotations

import asyncio
import math
import random
import string
import unicodedata
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import RenderableType
from textual import events
from textual.app import App
from textual.command import CommandPalette
from textual.drivers.headless_driver import HeadlessDriver
from textual.errors import NoWidget
from textual.geometry import Size
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widgets import Footer, Header

from divtui.app.app import DivtuiApp, stylesheet
from divtui.app.screens.confirm import ConfirmScreen
from divtui.app.screens.main import MainScreen
from divtui.app.screens.path_prompt import PathPromptScreen
from divtui.app.screens.prompt import PromptScreen
from divtui.core.presets import preset
from divtui.core.scenario import Scenario

STEPS = 3000
"""Random inputs per seed."""
PAUSE_EVERY = 20
"""Let timers and deferred work (training frames, refreshes) run every this many steps."""
SEEDS = [20240611, 8675309]

# The app's bound keys (MainScreen.BINDINGS, DivtuiApp.BINDINGS without the quits, the grid's
# Enter) weigh more than the rest; `ctrl+p` (the command palette) is left to header clicks.
BOUND_KEYS = [
    "u",
    "w",
    "n",
    "a",
    "x",
    "delete",
    "r",
    "m",
    "M",
    "R",
    "l",
    "left_square_bracket",
    "right_square_bracket",
    "left_curly_bracket",
    "right_curly_bracket",
    "b",
    "B",
    "t",
    "T",
    "left_parenthesis",
    "right_parenthesis",
    "less_than_sign",
    "greater_than_sign",
    "question_mark",
    "ctrl+z",
    "ctrl+y",
    "ctrl+shift+z",
    "enter",
]
RARE_KEYS = ["p", "ctrl+s", "ctrl+shift+s", "ctrl+o", "ctrl+t"]
"""Keys that open a modal screen the monkey must find its way out of."""
MOVES = ["up", "down", "left", "right", "tab", "shift+tab", "home", "end", "pageup", "pagedown"]
EDITING = ["escape", "backspace", "space", "full_stop", "minus", "comma", "enter"]
LETTERS = [c for c in string.ascii_letters if c != "q"]
"""Any letter but `q`, which quits."""

KEY_MIX: list[tuple[list[str], int]] = [
    (BOUND_KEYS, 30),
    (MOVES, 25),
    (list(string.digits), 12),
    (EDITING, 15),
    (LETTERS, 8),
    (RARE_KEYS, 2),
]

QUIT_KEYS = frozenset({"q", "ctrl+q"})
PALETTE_KEYS = frozenset({"ctrl+p", "ctrl+t"})
"""Keys that open Textual's command palette."""


def random_key(rng: random.Random) -> str:
    """One key from the weighted mix."""
    keys = rng.choices([keys for keys, _ in KEY_MIX], weights=[w for _, w in KEY_MIX])[0]
    return rng.choice(keys)


def random_number(rng: random.Random) -> str:
    """A number as someone might paste it, awkward ones included."""
    makers: list[Callable[[], str]] = [
        lambda: f"{rng.random():.{rng.randint(1, 17)}g}",
        lambda: str(rng.randint(0, 1000)),
        lambda: f"{rng.uniform(-5, 5):.3f}",
        lambda: rng.choice(["0", "-0", "1e400", "1e-400", "1e308", "nan", "inf", "-inf"]),
        lambda: rng.choice(["1e-320", "5e-324", ".5", "5.", "+1", "1_0", "0x10", "½"]),
    ]
    return rng.choice(makers)()


def random_paste(rng: random.Random, size: int) -> str:
    """Pasted text: one number, a column of about the right length, a CSV line, or garbage."""
    kind = rng.random()
    if kind < 0.25:
        return random_number(rng)
    if kind < 0.7:
        count = rng.choice([size, size, size, size - 1, size + 1, 1, 2])
        separator = rng.choice([" ", ",", ", ", ";", "\t", "\n", "\r\n", " ,; "])
        return separator.join(random_number(rng) for _ in range(max(count, 0)))
    if kind < 0.8:
        return "\n".join(
            ",".join(random_number(rng) for _ in range(size)) for _ in range(rng.randint(1, 3))
        )
    alphabet = string.printable + "→∞ε€中\x00\x1b[]"
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    return rng.choice([text, "", " ", "[bold]x[/]", "a=1 b=2", "rain,snow", text.upper()])


def random_size(rng: random.Random) -> tuple[int, int]:
    """Mostly sizes people use; sometimes tiny, sometimes huge."""
    kind = rng.random()
    if kind < 0.7:
        return rng.randint(60, 200), rng.randint(16, 60)
    if kind < 0.85:
        return rng.randint(1, 70), rng.randint(1, 20)
    return rng.randint(1, 250), rng.randint(1, 80)


def the_main_screen(app: App[Any]) -> MainScreen:
    """The main screen, whatever is on top of it."""
    screens = [s for s in app.screen_stack if isinstance(s, MainScreen)]
    assert len(screens) == 1, app.screen_stack
    return screens[0]


def check_scenario(scenario: Scenario) -> None:
    """Every column a probability vector, no NaN anywhere, labels unique and non-empty."""
    columns = [scenario.p, *(scenario.probabilities(c) for c in range(scenario.column_count))]
    for column in columns:
        assert len(column) == scenario.size
        assert not np.any(np.isnan(column)) and np.all(column >= 0)
        assert abs(float(np.sum(column)) - 1.0) <= 1e-12, column
    for model in scenario.models:
        assert abs(float(np.sum(model.q)) - 1.0) <= 1e-12, model
    for measures in scenario.measures:
        for field in fields(measures):
            value = getattr(measures, field.name)
            if isinstance(value, float):
                assert not math.isnan(value), f"{field.name} is NaN"
    for terms in scenario.terms:
        for field in fields(terms):
            assert not np.any(np.isnan(getattr(terms, field.name))), field.name
    assert all(label and label == label.strip() for label in scenario.labels)
    assert len(set(scenario.labels)) == len(scenario.labels)
    names = [model.name for model in scenario.models]
    assert all(names) and len(set(names)) == len(names)


class Monkey:
    """Drives one app with random inputs, sent the way a terminal sends them, and checks it after
    each of them.

    Inputs go straight into the app's message queue, as the driver puts them there, without
    waiting for each to be handled (Pilot's `press` and `click` wait at least 40 ms); every
    `PAUSE_EVERY` steps the monkey waits for the app to catch up. So what it sees on screen when
    it picks an input may lag a little behind the inputs already sent, as a fast typist's would.
    The one exception is Textual's command palette (see `step`).
    """

    def __init__(self, pilot: Pilot[None], seed: int) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.rng = random.Random(seed)
        self.log: list[str] = []
        self.paced = False
        """Whether to wait for the app after this input (it may open the command palette)."""
        self.size = (self.app.size.width, self.app.size.height)
        """The terminal's size once the app has handled the last resize sent."""

    async def step(self) -> None:
        """One random input, chosen by what is on screen."""
        screen = self.app.screen
        rng = self.rng
        if isinstance(screen, ConfirmScreen):  # only quitting asks; answer no
            self.press("n")
        elif not isinstance(screen, MainScreen) and rng.random() < 0.25:
            self.press("escape")
        elif isinstance(screen, PromptScreen | PathPromptScreen) and rng.random() < 0.6:
            self.press(rng.choice([*LETTERS, *string.digits, "enter", "backspace"]))
        elif isinstance(screen, MainScreen) and screen.table.is_editing and rng.random() < 0.5:
            self.press(rng.choice(["escape", "escape", "enter"]))  # else most keys are typed
        else:
            kind = rng.random()
            if kind < 0.72:
                self.press(random_key(rng))
            elif kind < 0.84:
                self.click()
            elif kind < 0.96:
                self.paste(random_paste(rng, the_main_screen(self.app).scenario.size))
            else:
                self.resize(*random_size(rng))
        if self.paced or isinstance(self.app.screen, CommandPalette):
            # Textual's own command palette has races with input queued behind a change to its
            # list (a click on an option that a search has just removed raises IndexError in
            # OptionList), so around it the monkey waits for the app after each input, as a
            # person would. divtui's dialogs get no such favour.
            self.paced = False
            await self.pilot.pause()
        else:
            await asyncio.sleep(0)

    def press(self, key: str) -> None:
        """A key press, as `Pilot.press` makes it."""
        assert key not in QUIT_KEYS
        self.log.append(f"press {key}")
        self.paced = key in PALETTE_KEYS
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        try:
            character: str | None = unicodedata.lookup(
                _get_unicode_name_from_key(REPLACED_KEYS.get(name, name))
            )
        except KeyError:
            character = name if len(name) == 1 else None
        self.app.post_message(events.Key(name, character))

    def click(self) -> None:
        """A move, then one or two clicks (button down and up) at a random cell."""
        width, height = self.size  # the app handles the click after any resize sent before it
        x, y = self.rng.randrange(width), self.rng.randrange(height)
        times = 2 if self.rng.random() < 0.2 else 1
        self.log.append(f"click {x},{y} ×{times}")
        self.paced = self.on_header_or_footer(x, y)  # its icon and ^p open the palette
        self.app.post_message(events.MouseMove(None, x, y, 0, 0, 0, False, False, False, x, y))
        for _ in range(times):
            for event in (events.MouseDown, events.MouseUp):
                self.app.post_message(event(None, x, y, 0, 0, 1, False, False, False, x, y))

    def on_header_or_footer(self, x: int, y: int) -> bool:
        """Whether the point is on the header or the footer, as the screen was last laid out."""
        try:
            widget, _ = self.app.get_widget_at(x, y)
        except NoWidget:
            return False
        return any(isinstance(node, Header | Footer) for node in widget.ancestors_with_self)

    def paste(self, text: str) -> None:
        """A bracketed paste: the app hands it to the focused widget."""
        self.log.append(f"paste {text!r} into {self.app.focused!r}")
        self.app.post_message(events.Paste(text))

    def resize(self, width: int, height: int) -> None:
        """The terminal changes size, as `Pilot.resize_terminal` does it."""
        self.log.append(f"resize {width}x{height}")
        self.size = (width, height)
        size = Size(width, height)
        driver = self.app._driver
        if isinstance(driver, HeadlessDriver):
            driver._size = size
        self.app.post_message(events.Resize(size, size))

    def check(self) -> None:
        """The app is alive and its scenario valid; on failure, show the last inputs."""
        recent = "\n".join(self.log[-15:])
        error = self.app._exception
        assert error is None, f"the app raised {error!r} after:\n{recent}"
        assert self.app.is_running, f"the app stopped after:\n{recent}"
        try:
            check_scenario(the_main_screen(self.app).scenario)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\nafter:\n{recent}") from None


class StayingApp(DivtuiApp):
    """divtui, except that a request to quit is counted rather than honoured."""

    CSS_PATH = str(stylesheet())  # a relative path would be read beside this module
    quit_requests = 0
    leaving = False

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        if self.leaving:
            super().exit(result, return_code, message)
        else:
            self.quit_requests += 1


async def run_monkey(seed: int, steps: int) -> Monkey:
    """Send `steps` random inputs to an app on the weather preset, checking it after each."""
    app = StayingApp(preset("weather"))
    async with app.run_test(size=(120, 40)) as pilot:
        monkey = Monkey(pilot, seed)
        for number in range(1, steps + 1):
            await monkey.step()
            if number % PAUSE_EVERY == 0:
                await pilot.pause()
            monkey.check()
        await pilot.pause()
        monkey.check()
        app.leaving = True  # whatever state it was left in, the app still quits cleanly
        await pilot.press("ctrl+q")
        if isinstance(app.screen, ConfirmScreen):
            await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert app._exception is None
    return monkey


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_input_never_breaks_the_app(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # Save as and Open read and write here
    await run_monkey(seed, STEPS)

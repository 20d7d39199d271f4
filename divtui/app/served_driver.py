"""The driver of an app process started by `divtui serve`: Textual's web driver, but the app quits
when the server that feeds it goes away.

Textual's `WebDriver` reads the server's packets from stdin in a thread. When stdin reaches end of
file that thread just returns: nothing tells the app, which then runs on, unreachable, for ever
(an orphan when the server was killed). And once the server has stopped reading, every frame the
app writes fails with `BrokenPipeError`. Either means that no browser can reach this process
again, so the driver asks the app to quit, the same way the server's own "quit" packet does.
(`divtui.serve.web_session` explains the server's half of the clean-up.)

It also starts the app focused. Textual's web driver posts an `AppBlur` as it starts (the page's
terminal has no keyboard focus until it is clicked), and Textual's `Footer` does not compose its
keys while the app is blurred: the page showed a blank footer until the first click. A terminal
app starts focused; so does a served one, and the page's own focus and blur events follow.
"""

from __future__ import annotations

import os
from functools import partial
from typing import Any

from textual import events, messages
from textual.app import App
from textual.drivers.web_driver import WebDriver


class ServedDriver(WebDriver):
    """`WebDriver` that ends the app when its input ends or its output pipe breaks."""

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._write = partial(self._write_or_leave)
        self._output_broken = False
        """The server stopped reading our output: further frames are dropped."""

    def start_application_mode(self) -> None:
        """Start as the web driver does, then undo its initial blur (see the module docstring)."""
        super().start_application_mode()
        self._app.call_later(self._app.post_message, events.AppFocus())

    def run_input_thread(self) -> None:
        """Read the server's packets; when stdin ends before the app stopped, quit."""
        super().run_input_thread()
        if not self.exit_event.is_set():
            self._leave()

    def _write_or_leave(self, data: bytes) -> int:
        if self._output_broken:
            return len(data)
        try:
            return os.write(self.fileno, data)
        except BrokenPipeError:
            self._output_broken = True
            self._leave()
            return len(data)

    def _leave(self) -> None:
        """Ask the app to quit (thread-safe: `post_message` hops onto the app's loop)."""
        self._app.post_message(messages.ExitApp())

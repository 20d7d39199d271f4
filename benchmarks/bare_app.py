"""The start-up baseline: a bare Textual app (Header, a Label, Footer) with numpy imported,
which is the least divtui's first frame could cost. benchmarks/run.py starts it in a pty,
interleaved with divtui, and prints divtui's start-to-paint as a ratio of it."""

import numpy  # noqa: F401  (divtui needs numpy for its first frame too)
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Label


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Distributions")
        yield Footer()


if __name__ == "__main__":
    Bare().run()

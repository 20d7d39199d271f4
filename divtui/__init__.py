"""divtui: explore entropy, cross-entropy and KL divergence in the terminal."""

import os as _os
import signal as _signal
import sys as _sys

__version__ = "0.1.0"
"""The release; hatch reads it from here (no importlib.metadata at start-up: it costs ~35 ms)."""

__all__ = ["__version__"]

EXIT_INTERRUPTED = 130
"""Ctrl+C: 128 + SIGINT, as a shell reports a command it interrupted."""


def quiet_interrupt(signal_number: int, frame: object) -> None:
    """Ctrl+C while divtui loads (numpy, Textual, a big file) or prints: end at once, with no
    traceback. Raising KeyboardInterrupt instead could surface inside a C extension's import
    as an unrelated ImportError; nothing is open that needs closing before the app starts,
    and the app installs its own handler, which quits it cleanly."""
    _os._exit(EXIT_INTERRUPTED)


# `python -m divtui` (argv[0] is "-m" while the package loads) or the `divtui` script: the
# earliest point divtui's own code runs, so the handler covers every import that follows.
if _sys.argv[:1] == ["-m"] or (_sys.argv[:1] and _sys.argv[0].endswith(("/divtui", "\\divtui"))):
    _signal.signal(_signal.SIGINT, quiet_interrupt)

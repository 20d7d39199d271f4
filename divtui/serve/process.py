"""What every app process a server starts for a visitor gets, whether the visitor came through a
browser (`divtui serve`) or SSH (`divtui serve --ssh`): its command line, its environment and the
largest terminal it is told about.

A visitor is a stranger, so the process is told as little as possible: kiosk mode (no file, no
theme written, nothing that touches the host) unless the operator opted out, an environment
built from a short list instead of the server's own (which may hold tokens, proxies, debug
switches such as ``TEXTUAL_*``), and a terminal size clamped before it reaches the app, because a
declared 8000x8000 window costs gigabytes.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

MAX_COLUMNS = 400
"""The widest terminal a served app is told about; a wider window draws at this width."""

MAX_ROWS = 150
"""The tallest terminal a served app is told about."""

MEMORY_LIMIT = 2 << 30
"""Bytes of address space one app process may map (it maps about 400 MB at 80x24), so that one
visitor's runaway allocation fails in that visitor's process and leaves the others their memory."""

DEFAULT_MAX_SESSIONS = 16
"""How many visitors a server lets in at once unless `--max-sessions` says otherwise."""

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
"""The `PATH` of a served app when the server has none."""

PASSED_THROUGH = ("PATH", "HOME", "XDG_CONFIG_HOME", "PYTHONPATH")
"""Server variables a served app keeps: where programs, the user's home and divtui's config
(themes) are, and where Python finds divtui when it is not installed in this interpreter."""

_TERMINAL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
"""A plausible `TERM` or `COLORTERM` value: the client chooses it, so it is checked."""

KIOSK_WARNING = (
    "divtui: warning: --no-kiosk: every visitor can open, save and overwrite this machine's "
    "files as {user}\n"
)
"""Printed once when a server starts with kiosk mode turned off."""


def app_argv(options: Sequence[str], *, kiosk: bool) -> list[str]:
    """The argument vector of one visitor's app: this interpreter running divtui, in kiosk mode
    unless the operator opted out, on the scenario `options` the server was given."""
    return [sys.executable, "-m", "divtui", *(["--kiosk"] if kiosk else []), *options]


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size a visitor declared, as integers within 1..MAX_COLUMNS x 1..MAX_ROWS
    (anything that is not a whole number ≥ 1 counts as 80x24's matching side)."""
    return _clamp(width, 80, MAX_COLUMNS), _clamp(height, 24, MAX_ROWS)


def _clamp(value: object, default: int, largest: int) -> int:
    if isinstance(value, bool):
        number = default
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip()[:6])  # a 10,000-digit "width" is not worth converting
    else:
        number = default
    return min(number, largest) if number > 0 else default  # 0: "unknown", as ssh -tt sends it


def terminal_name(value: str | None, default: str) -> str:
    """`value` if it looks like a terminal name (`xterm-256color`, `truecolor`), else `default`."""
    if value is not None and _TERMINAL_NAME.fullmatch(value):
        return value
    return default


def app_environment(
    *, term: str, colorterm: str | None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The whole environment of a served app: the few `PASSED_THROUGH` server variables, a UTF-8
    locale, the visitor's terminal description, and `extra` (a driver's own settings)."""
    environment = {name: os.environ[name] for name in PASSED_THROUGH if os.environ.get(name)}
    environment.setdefault("PATH", SAFE_PATH)
    python_path = _with_divtui(environment.get("PYTHONPATH"))
    if python_path:
        environment["PYTHONPATH"] = python_path
    environment["PYTHONSAFEPATH"] = "1"  # `python -m divtui` must not import from the cwd
    environment["LANG"] = "C.UTF-8"
    environment["TERM"] = term
    if colorterm is not None:
        environment["COLORTERM"] = colorterm
    environment.update(extra or {})
    return environment


def _with_divtui(python_path: str | None) -> str:
    """`python_path` with the directory that holds the running divtui first, so that the app
    process imports the same divtui as the server (a checkout run from its directory included);
    an installed divtui needs nothing, and site-packages must not go before the standard library."""
    here = Path(__file__).resolve().parent.parent.parent
    entries = [entry for entry in (python_path or "").split(os.pathsep) if entry]
    if here.name in ("site-packages", "dist-packages") or str(here) in entries:
        return os.pathsep.join(entries)
    return os.pathsep.join([str(here), *entries])

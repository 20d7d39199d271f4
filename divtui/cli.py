"""The command line: `divtui` opens the explorer, `divtui serve` serves it to a browser;
`divtui report`, `presets`, `themes` print.

Thin by design: it parses arguments, asks the core for a scenario, and hands it to the report
renderer or to the app. Every user error exits with status 2 and one `divtui: error:` line.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from divtui import EXIT_INTERRUPTED, __version__
from divtui.core.errors import DivtuiError

if TYPE_CHECKING:  # numpy and the core load inside main(), where Ctrl+C is handled
    from divtui.core.kiosk import KioskPolicy
    from divtui.core.report import Terms
    from divtui.core.scenario import Scenario
    from divtui.core.units import Unit

EXIT_USAGE = 2
DEFAULT_MAX_OUTCOMES = 10_000_000
"""The most outcomes a file may hold unless --max-outcomes says otherwise (10,000 in kiosk)."""

EXAMPLES = """\
examples:
  divtui                                    open the explorer on the weather preset
  divtui --preset support-mismatch          open a preset (see: divtui presets)
  divtui weather.toml --unit bits           open a scenario file, measured in bits
  divtui next-token.npz                     a model's output (.npz, .csv, a report's .json)
  divtui --p "rain=.14 snow=.37 sleet=.03 hail=.46" --q "forecast: rain=.2 snow=.3 sleet=.1 hail=.4"
  divtui --kiosk --preset weather           for visitors: nothing that touches the host
  divtui serve --preset coin                the explorer in a browser: http://127.0.0.1:8000
  divtui report --preset weather            print every measure as a table
  divtui report --preset weather --format toml > weather.toml   write a scenario file
  divtui report --p "0.5,0.5" --q "0.8,0.2" --format json
  divtui presets                            list the presets
  divtui themes                             list the themes

commands:
  serve     serve the explorer to web browsers, or with --ssh to SSH clients (kiosk)
  report    print the measures of a scenario (text, json, markdown, csv or toml)
  presets   list the built-in scenarios
  themes    list the available colour themes
"""

SPEC_HELP = (
    'SPEC is "label=weight" pairs ("rain=.14 snow=.37") or bare numbers ("0.14,0.37"), '
    'separated by spaces and/or commas; a --q may start with "NAME:". Weights are normalised.'
)


class _Parser(argparse.ArgumentParser):
    """argparse, but every error is one `divtui: error:` line and status 2."""

    def error(self, message: str) -> NoReturn:
        fail(message)


def fail(message: str) -> NoReturn:
    """Print one error line and exit with the usage status."""
    sys.stderr.write(f"divtui: error: {message}\n")
    sys.exit(EXIT_USAGE)


def _unit(text: str) -> Unit:
    from divtui.core.units import Unit

    try:
        return Unit.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _terms(text: str) -> Terms:
    if text.strip().lower() == "all":
        return "all"
    try:
        return _count(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither 'all' nor a count ≥ 1") from None


def _count(text: str) -> int:
    """A whole number ≥ 1, written plainly (10000, 10_000) or as 1e4."""
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            number = 0.0
        value = int(number) if number.is_integer() and number < 1e18 else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number ≥ 1")
    return value


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1e9:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes ≥ 0")
    return value


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        size = (0, 0)
    if min(size) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not COLUMNSxROWS (e.g. 400x150)")
    return size


def _add_scenario_options(parser: argparse.ArgumentParser, *, stdin: bool = False) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a scenario file: .toml, .npz, .csv or .json"
        + (" (- reads standard input)" if stdin else ""),
    )
    parser.add_argument("--preset", metavar="NAME", help="a built-in scenario (divtui presets)")
    parser.add_argument("--p", metavar="SPEC", help="the true distribution p, inline")
    parser.add_argument(
        "--q", metavar="SPEC", action="append", default=[], help="a model q (repeatable)"
    )
    parser.add_argument(
        "--unit",
        type=_unit,
        metavar="UNIT",
        help="nats (default for presets), bits or hartleys; overrides the file's unit",
    )
    parser.add_argument(
        "--max-outcomes",
        type=_count,
        metavar="N",
        help=f"refuse a FILE of more outcomes, before reading its values (default "
        f"{DEFAULT_MAX_OUTCOMES:,}; 10,000 with --kiosk)",
    )


def _scenario_argv(args: argparse.Namespace) -> list[str]:
    """The scenario options in `args` as command-line words again: FILE made absolute, and each
    value joined to its option, so that a SPEC starting with "-" stays a value."""
    words = [str(Path(args.file).absolute())] if args.file is not None else []
    if args.preset is not None:
        words.append(f"--preset={args.preset}")
    if args.p is not None:
        words.append(f"--p={args.p}")
    words += [f"--q={spec}" for spec in args.q]
    if args.unit is not None:
        words.append(f"--unit={args.unit.value}")
    if args.max_outcomes is not None:
        words.append(f"--max-outcomes={args.max_outcomes}")
    return words


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1–65535)")
    return port


def scenario_from_args(
    args: argparse.Namespace,
    *,
    default_preset: str | None,
    stdin: bool = False,
    max_outcomes: int | None = None,
) -> Scenario:
    """The scenario the options name: a FILE (`-`: standard input, when `stdin`), a
    --preset, or --p with --q. A FILE of more than `max_outcomes` (else --max-outcomes)
    outcomes is refused."""
    from divtui.core.presets import preset
    from divtui.core.scenario_file import load_scenario, load_standard_input
    from divtui.core.spec import scenario_from_specs

    limit = max_outcomes or getattr(args, "max_outcomes", None) or DEFAULT_MAX_OUTCOMES
    if args.file == "-" and not stdin:
        raise DivtuiError("FILE -: only divtui report reads a scenario from standard input")
    if args.file is not None and args.file != "-":
        _check_file_argument(args.file)
    sources = [
        name
        for name, given in (
            ("FILE", args.file is not None),
            ("--preset", args.preset is not None),
            ("--p/--q", args.p is not None or bool(args.q)),
        )
        if given
    ]
    if len(sources) > 1:
        raise DivtuiError(f"give one scenario source, not {' and '.join(sources)}")
    if args.file == "-":
        scenario = load_standard_input(max_outcomes=limit)
    elif args.file is not None:
        scenario = load_scenario(args.file, max_outcomes=limit)
    elif args.preset is not None:
        scenario = preset(args.preset)
    elif args.p is not None or args.q:
        if args.p is None:
            raise DivtuiError("--q needs a --p to compare against")
        scenario = scenario_from_specs(args.p, args.q)
    elif default_preset is not None:
        scenario = preset(default_preset)
    else:
        raise DivtuiError("no scenario: give a FILE, --preset NAME, or --p SPEC --q SPEC")
    return scenario.with_unit(args.unit) if args.unit is not None else scenario


def _check_file_argument(name: str) -> None:
    """Catch a command or a typo of one where a FILE was expected, before "no such file"."""
    if not name.strip():
        raise DivtuiError("FILE is empty: give the path of a scenario file")
    if name in COMMANDS:
        raise DivtuiError(f"{name!r} is a command: it comes first (divtui {name} [options])")
    if not Path(name).exists():
        close = difflib.get_close_matches(name, COMMANDS, n=1, cutoff=0.75)
        if close:
            raise DivtuiError(
                f"{name}: no such file (did you mean the command 'divtui {close[0]}'?)"
            )


# --- commands -------------------------------------------------------------------------------


def _scenario_command(
    prog: str, description: str, examples: str, *, stdin: bool = False
) -> _Parser:
    """The parser of a command that takes a scenario (FILE, --preset or --p/--q, --unit)."""
    parser = _Parser(
        prog=prog,
        description=textwrap.fill(description, 79),
        epilog=textwrap.fill(SPEC_HELP, 79) + "\n\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_scenario_options(parser, stdin=stdin)
    return parser


def _report(argv: Sequence[str]) -> int:
    from divtui.cli_report import report_command  # its parser lives beside this one

    return report_command(argv)


def _serve(argv: Sequence[str]) -> int:
    from divtui.serve.command import serve_command  # its parser lives beside this one

    return serve_command(argv)


def _presets(argv: Sequence[str]) -> int:
    from divtui.core.presets import PRESETS

    parser = _Parser(prog="divtui presets", description="List the built-in scenarios.")
    parser.parse_args(argv)
    width = max(len(name) for name in PRESETS)
    for name, entry in PRESETS.items():
        sys.stdout.write(f"{name.ljust(width)}  {entry.description}\n")
    return 0


def _themes(argv: Sequence[str]) -> int:
    parser = _Parser(
        prog="divtui themes",
        description="List the colour themes --theme and ctrl+t accept: divtui's own (from "
        "themes/), yours (from $XDG_CONFIG_HOME/divtui/themes/*.toml), then Textual's built-ins.",
    )
    parser.parse_args(argv)
    from divtui.app.app import theme_names
    from divtui.app.theme_files import discover_themes

    found = discover_themes()
    sources = {entry.name: str(entry.source) for entry in found.themes}
    names = theme_names(found)
    width = max(len(name) for name in names)
    for name in names:
        sys.stdout.write(f"{name.ljust(width)}  {sources.get(name, '(built into Textual)')}\n")
    for warning in found.warnings:
        sys.stderr.write(f"divtui: warning: {warning}\n")
    return 0


def _app(argv: Sequence[str]) -> int:
    parser = _Parser(
        prog="divtui",
        usage="divtui [FILE | --preset NAME | --p SPEC --q SPEC ...] [--unit UNIT] [--theme NAME]"
        " [--kiosk ...]\n       divtui {serve,report,presets,themes} ...",
        description="Explore entropy, cross-entropy and KL divergence: edit p and q and watch "
        "H(p,q) = H(p) + KL(p‖q) move.",
        epilog=textwrap.fill(SPEC_HELP, 79) + "\n\n" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_scenario_options(parser)
    parser.add_argument("--theme", metavar="NAME", help="a colour theme (divtui themes)")
    parser.add_argument("--version", action="version", version=f"divtui {__version__}")
    _add_kiosk_options(parser)
    args = parser.parse_args(argv)
    kiosk = kiosk_from_args(args)
    scenario = scenario_from_args(
        args,
        default_preset="weather",
        max_outcomes=args.max_outcomes or (kiosk.max_outcomes if kiosk else None),
    )
    from divtui.app.launch import run_app

    return run_app(scenario, theme=args.theme, source=args.file, kiosk=kiosk)


_KIOSK_ONLY = ("max_models", "idle_timeout", "max_session", "max_size")


def _add_kiosk_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "kiosk mode",
        textwrap.fill(
            "For visitors (a demo over SSH or in a browser): everything in memory, nothing "
            "that touches the host (no open, save or path prompts, no file or theme written).",
            79,
        ),
    )
    group.add_argument(
        "--kiosk", action="store_true", help="run in kiosk mode, with the limits below"
    )
    group.add_argument(
        "--max-models", type=_count, metavar="N", help="the most models a scenario may have (8)"
    )
    group.add_argument(
        "--idle-timeout",
        type=_minutes,
        metavar="MIN",
        help="end the session after MIN minutes without a key (default 15; 0: never)",
    )
    group.add_argument(
        "--max-session",
        type=_minutes,
        metavar="MIN",
        help="end the session MIN minutes after it started (default 120; 0: never)",
    )
    group.add_argument(
        "--max-size",
        type=_size,
        metavar="COLSxROWS",
        help="draw at most this size; a larger window draws at it (default 400x150)",
    )


def kiosk_from_args(args: argparse.Namespace) -> KioskPolicy | None:
    """The kiosk policy the options ask for, or None without --kiosk."""
    if not args.kiosk:
        given = [name for name in _KIOSK_ONLY if getattr(args, name) is not None]
        if given:
            raise DivtuiError(f"--{given[0].replace('_', '-')} only applies with --kiosk")
        return None
    from divtui.core.kiosk import KioskPolicy

    defaults = KioskPolicy()
    width, height = args.max_size or (defaults.max_width, defaults.max_height)
    idle = defaults.idle_timeout if args.idle_timeout is None else args.idle_timeout * 60
    session = defaults.max_session if args.max_session is None else args.max_session * 60
    return KioskPolicy(
        max_outcomes=args.max_outcomes or defaults.max_outcomes,
        max_models=args.max_models or defaults.max_models,
        idle_timeout=idle,
        max_session=session,
        max_width=width,
        max_height=height,
    )


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "serve": _serve,
    "report": _report,
    "presets": _presets,
    "themes": _themes,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(arguments[0], _app) if arguments else _app
    rest = arguments[1:] if arguments and arguments[0] in COMMANDS else arguments
    try:
        return command(rest)
    except DivtuiError as error:
        fail(str(error))
    except BrokenPipeError:  # `divtui report | head`: the reader left; that is not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # run in-process; as a command, divtui.quiet_interrupt ends it
        return EXIT_INTERRUPTED

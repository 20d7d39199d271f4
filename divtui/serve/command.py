"""`divtui serve`'s command line: browsers by default, SSH clients with --ssh.

Thin like the rest of the command line (`divtui.cli`, whose scenario options and checks it
shares): it checks the options, then hands them to `divtui.serve.web` or `divtui.serve.ssh_server`.
"""

from __future__ import annotations

from collections.abc import Sequence

from divtui.cli import _count, _port, _scenario_argv, _scenario_command, scenario_from_args
from divtui.core.errors import DivtuiError
from divtui.serve.process import DEFAULT_MAX_SESSIONS

SERVE_EXAMPLES = """\
examples:
  divtui serve                              the weather preset on http://127.0.0.1:8000
  divtui serve --preset coin --port 8080    a preset, on another port
  divtui serve --host 0.0.0.0               every network interface: read the warning first
  divtui serve --public-url https://demo.example.org   behind a proxy at that address
  divtui serve --ssh --authorized-keys keys visitors run: ssh -p 2222 127.0.0.1
  divtui serve --ssh --host 0.0.0.0 --open  anyone who reaches port 2222 gets in (a warning)

Visitors get kiosk mode (nothing that touches this machine: no open, save or theme file);
--no-kiosk turns it off, with a warning.
"""


def serve_command(argv: Sequence[str]) -> int:
    """`divtui serve [--ssh] ...`: check the options, then serve until stopped."""
    parser = _scenario_command(
        "divtui serve",
        "Serve the explorer to strangers: to web browsers with textual-serve, or with --ssh to "
        "SSH clients. Each visitor gets their own app process, in kiosk mode, on the same "
        "scenario, which ends when they leave. Everything the page needs is served from here "
        "(no internet). Stop with Ctrl+C or SIGTERM.",
        SERVE_EXAMPLES,
    )
    parser.add_argument("--theme", metavar="NAME", help="a colour theme (divtui themes)")
    parser.add_argument(
        "--ssh", action="store_true", help="serve SSH clients instead of browsers (asyncssh)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--port", type=_port, help="the port to listen on (default 8000; 2222 with --ssh)"
    )
    parser.add_argument(
        "--max-sessions",
        type=_count,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"visitors at once (default {DEFAULT_MAX_SESSIONS}); one more is told it is full",
    )
    parser.add_argument(
        "--no-kiosk",
        dest="kiosk",
        action="store_false",
        help="give visitors the full app, open and save dialogs included (prints a warning)",
    )
    browser = parser.add_argument_group("browser options")
    browser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers reach this server at, if not http://HOST:PORT (a proxy)",
    )
    browser.add_argument(
        "--allow-origin",
        metavar="ORIGIN",
        action="append",
        default=[],
        help="also accept pages from ORIGIN (https://host[:port]) (repeatable)",
    )
    ssh = parser.add_argument_group("SSH options (with --ssh)")
    ssh.add_argument(
        "--authorized-keys",
        metavar="FILE",
        help="let in the public keys in FILE (OpenSSH authorized_keys format)",
    )
    ssh.add_argument(
        "--open", action="store_true", help="let anyone in, with no key (prints a warning)"
    )
    args = parser.parse_args(argv)
    scenario_from_args(args, default_preset="weather")  # each served app reads the options again
    if args.ssh:
        for given, name in (
            (args.public_url, "--public-url"),
            (args.allow_origin, "--allow-origin"),
        ):
            if given:
                raise DivtuiError(f"{name} is for browsers; it does not go with --ssh")
        if (args.authorized_keys is None) == (not args.open):
            raise DivtuiError(
                "divtui serve --ssh: give --authorized-keys FILE (who may log in) or --open "
                "(anyone), not both nor neither"
            )
        from divtui.serve.ssh_server import serve_ssh

        return serve_ssh(
            _scenario_argv(args),
            host=args.host,
            port=2222 if args.port is None else args.port,
            theme=args.theme,
            authorized_keys=args.authorized_keys,
            kiosk=args.kiosk,
            max_sessions=args.max_sessions,
        )
    for given, name in ((args.authorized_keys, "--authorized-keys"), (args.open, "--open")):
        if given:
            raise DivtuiError(f"{name} goes with --ssh (a browser visitor has no key)")
    from divtui.serve.web import serve

    return serve(
        _scenario_argv(args),
        host=args.host,
        port=8000 if args.port is None else args.port,
        theme=args.theme,
        url=args.public_url,
        kiosk=args.kiosk,
        max_sessions=args.max_sessions,
        allow_origins=args.allow_origin,
    )

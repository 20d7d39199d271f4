"""Which requests `divtui serve` answers: the Host and Origin checks.

A browser runs any page's script, and any page may try to talk to a server on this machine: a
WebSocket is not bound by the same-origin policy, so without a check a page from elsewhere
drives the app. The browser always says where the page came from (``Origin``), and the
handshake is refused unless that is this server (or an `--allow-origin`). A page from elsewhere
can also make its own domain name resolve to 127.0.0.1 (DNS rebinding): its requests then carry
that name as ``Host``, so a request whose Host is not a name of this server is refused too. An
address written as digits cannot be rebound, so any IP literal is a name of a server that listens
on every interface.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from yarl import URL

from divtui.core.errors import DivtuiError

Origin = tuple[str, str, int]
"""(scheme, host, port), lower case, the port explicit: the parts of an origin that must match."""

WILDCARDS = ("0.0.0.0", "::", "")
"""Bind addresses that listen on every interface."""


def parse_public_url(text: str) -> URL:
    """`--public-url`: an http or https URL with a host (a path is allowed, for a proxy)."""
    try:
        url = URL(text)
        port = url.port
    except ValueError:
        url, port = None, None
    if url is None or url.scheme not in ("http", "https") or not url.host or port is None:
        raise DivtuiError(f"--public-url {text!r}: not an http:// or https:// URL with a host")
    return url


def parse_origin(text: str) -> Origin:
    """`--allow-origin`: scheme://host[:port], nothing after it (as browsers send it)."""
    origin = _origin(text)
    if origin is None or URL(text).path not in ("", "/"):
        raise DivtuiError(
            f"--allow-origin {text!r}: not an origin such as https://demo.example.org "
            "(scheme, host and optional port, no path)"
        )
    return origin


def _origin(text: str) -> Origin | None:
    """The origin of a URL or Origin header, or None when it has none (``null``, garbage)."""
    try:
        url = URL(text.strip())
        port = url.port
    except ValueError:
        return None
    if url.scheme not in ("http", "https") or not url.host or port is None:
        return None
    return url.scheme, _normal_host(url.host), port


def _normal_host(host: str) -> str:
    return host.lower().rstrip(".").strip("[]")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback_ip(host: str) -> bool:
    return _is_ip(host) and ipaddress.ip_address(host).is_loopback


@dataclass(frozen=True)
class Guard:
    """The Host names and page origins one server accepts."""

    names: frozenset[str]
    """Host names (and addresses) this server answers to."""
    any_address: bool
    """It listens on every interface, so any IP literal names it."""
    port: int
    """The port it listens on: a page of ours came from it (or from the public URL)."""
    origins: frozenset[Origin]
    """Origins always accepted: the public URL's and every `--allow-origin`."""

    @classmethod
    def for_server(
        cls, *, host: str, port: int, public_url: URL, allow_origins: Iterable[Origin] = ()
    ) -> Guard:
        """The guard of a server bound to `host`:`port` and reached at `public_url`."""
        names = {"localhost", _normal_host(public_url.host or "")}
        if host not in WILDCARDS:
            names.add(_normal_host(host))
        public = _origin(str(public_url))
        return cls(
            names=frozenset(names),
            any_address=host in WILDCARDS,
            port=port,
            origins=frozenset([*([public] if public else []), *allow_origins]),
        )

    def allows_host(self, header: str | None) -> bool:
        """Whether a request's Host header names this server (the port is not checked: a proxy
        in front may listen on another one)."""
        origin = _origin(f"http://{header}") if header else None
        if origin is None:
            return False
        name = origin[1]
        return name in self.names or _is_loopback_ip(name) or (self.any_address and _is_ip(name))

    def allows_origin(self, header: str | None) -> bool:
        """Whether a WebSocket's Origin is a page of this server: the public URL's origin, an
        allowed one, or any name of this server on its own port."""
        origin = _origin(header) if header else None
        if origin is None:
            return False
        if origin in self.origins:
            return True
        _scheme, name, port = origin
        return port == self.port and self.allows_host(f"[{name}]" if ":" in name else name)

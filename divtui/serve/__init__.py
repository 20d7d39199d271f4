"""Serving the explorer to visitors: `divtui serve` in browsers (textual-serve, web.py) and
over SSH (asyncssh, ssh_server.py), each visitor's app in its own process (process.py) and,
by default, in kiosk mode. Nothing here draws: the app is `divtui.app`."""

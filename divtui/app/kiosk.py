"""Kiosk mode inside the app: the drawn size clamped, idle and long sessions ended.

`KioskApp` is the base of `DivtuiApp`; with `kiosk` None (the default) it changes nothing.
With a `KioskPolicy`:

- the app draws at most `max_width` x `max_height` cells, whatever size the terminal declares
  (`stty cols 8000 rows 8000` would otherwise cost gigabytes and every core): `size` is
  clamped, and a larger `Resize` is replaced by a clamped one, with a notice the first time;
- a key, click, scroll or paste counts as activity; once a second the session is checked, and
  an idle or too long session ends the app, whose `kiosk_goodbye` line the launcher prints
  after the terminal is restored.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.geometry import Size

from divtui.core.kiosk import KioskPolicy, KioskSession

CHECK_SECONDS = 1.0
"""How often the session's timeouts are checked."""

_ACTIVITY = (
    events.Key,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
)


class KioskApp(App[None]):
    """An app that follows a `KioskPolicy` when it has one."""

    kiosk: KioskPolicy | None = None
    """The kiosk policy, or None outside kiosk mode."""
    kiosk_goodbye: str | None = None
    """Why the kiosk ended the session (printed after the app exits), or None."""
    _kiosk_session: KioskSession | None = None
    _kiosk_size_noticed = False

    @property
    def size(self) -> Size:
        """The size the app draws at: the terminal's, clamped in kiosk mode."""
        real = super().size
        if self.kiosk is None:
            return real
        return Size(*self.kiosk.clamp(real.width, real.height))

    async def _on_resize(self, event: events.Resize) -> None:
        """Runs before App's own handler: a resize beyond the clamp is replaced by one at it."""
        if self.kiosk is None:
            return
        width, height = self.kiosk.clamp(event.size.width, event.size.height)
        if (width, height) == (event.size.width, event.size.height):
            return
        event.prevent_default()
        event.stop()
        if not self._kiosk_size_noticed:
            self._kiosk_size_noticed = True
            self.notify(
                f"This window is {event.size.width}x{event.size.height}; the demo draws at "
                f"most {width}x{height}, in its top-left corner.",
                title="Window too large",
                timeout=8,
            )
        clamped = Size(width, height)
        self.post_message(events.Resize(clamped, clamped))

    async def on_event(self, event: events.Event) -> None:
        if self._kiosk_session is not None and isinstance(event, _ACTIVITY):
            self._kiosk_session.touch()
        await super().on_event(event)

    def _on_mount(self) -> None:
        if self.kiosk is None:
            return
        self._kiosk_session = self.kiosk.session()
        self.set_interval(CHECK_SECONDS, self.check_kiosk_session, name="kiosk session")

    def check_kiosk_session(self) -> None:
        """End the app with a goodbye line if the visitor has been idle, or here, too long."""
        if self._kiosk_session is None or self.kiosk_goodbye is not None:
            return
        goodbye = self._kiosk_session.goodbye()
        if goodbye is not None:
            self.kiosk_goodbye = goodbye
            self.exit()

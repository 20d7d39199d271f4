"""A modal list of the ready-made scenarios, each with its one-line description."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from divtui.app.screens.modal import Dialog
from divtui.core.presets import PRESETS, Preset

TITLE = "Choose a preset (it replaces the scenario; ctrl+z undoes)"


def preset_option(preset: Preset) -> Option:
    """The list entry of a preset: its name in bold over its description, dimmed."""
    prompt = Content.assemble((preset.name, "bold"), "\n", (preset.description, "dim"))
    return Option(prompt, id=preset.name)


class PresetList(OptionList):
    """The list of presets. It pages only while it shows some rows: Textual's OptionList raises
    KeyError when asked to page with none (the terminal resized to a few rows)."""

    def action_page_up(self) -> None:
        if self.scrollable_content_region:
            super().action_page_up()  # type: ignore[no-untyped-call]

    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()  # type: ignore[no-untyped-call]


class PresetPickerScreen(Dialog[str | None]):
    """Every preset in `PRESETS`; dismiss with the chosen name, or None on Escape."""

    DEFAULT_CSS = """
    PresetPickerScreen { align: center middle; }
    PresetPickerScreen > Vertical {
        width: 88; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PresetPickerScreen Label { width: 1fr; }
    PresetPickerScreen #preset-title { text-style: bold; margin-bottom: 1; }
    /* 60vh leaves room for the title (even wrapped), the hint and the borders at 60x16 */
    PresetPickerScreen OptionList { height: auto; max-height: 60vh; }
    /* Narrower, the options would have no width left, which Textual cannot wrap (it raises). */
    PresetPickerScreen OptionList { min-width: 12; }
    PresetPickerScreen #preset-hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    """Escape closes without a choice; the list itself answers to ↑ ↓, Enter and clicks."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(TITLE, id="preset-title", markup=False)
            yield PresetList(*(preset_option(p) for p in PRESETS.values()), id="presets")
            yield Label("↑ ↓ move · Enter chooses · Escape cancels", id="preset-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def action_cancel(self) -> None:
        """Close without a choice."""
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#presets")
    def _on_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

"""The metrics panel on its own: Δ coloured by better or worse, no Δ where nothing changed, and
the names of the measures when p is smoothed."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.reactive import reactive

from divtui.app.colours import theme_colour
from divtui.app.theme_files import CHART_VARIABLES, discover_themes
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.core.analysis import Analysis
from divtui.core.baseline import Baseline
from divtui.core.presets import preset
from divtui.core.scenario import Scenario

from .support import shown_lines, shown_text


class PanelHost(App[None]):
    """A metrics panel bound to a scenario and a baseline."""

    scenario: reactive[Scenario | None] = reactive(None, always_update=True)
    """The scenario shown."""
    analysis: reactive[Analysis | None] = reactive(None, always_update=True)
    """Its analysis, as the main screen computes it once per change."""

    def watch_scenario(self, scenario: Scenario | None) -> None:
        self.analysis = None if scenario is None else Analysis.of(scenario)

    baseline: reactive[Baseline | None] = reactive(None)
    """The pinned baseline, if any."""

    def __init__(self, scenario: Scenario, baseline: Baseline | None = None) -> None:
        super().__init__()
        for entry in discover_themes().themes:
            self.register_theme(entry.theme)
        self.theme = "divtui-dark"
        self._initial = (scenario, baseline)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(CHART_VARIABLES)

    def compose(self) -> ComposeResult:
        yield MetricsPanel().data_bind(PanelHost.analysis, PanelHost.baseline)

    def on_mount(self) -> None:
        self.scenario, self.baseline = self._initial


def colours_of(panel: MetricsPanel, needle: str) -> set[tuple[int, int, int]]:
    """The foreground colours of the cells that show `needle` (searched line by line)."""
    found: set[tuple[int, int, int]] = set()
    for y in range(panel.size.height):
        x = 0
        for segment in panel.render_line(y):
            if needle in segment.text and segment.style and segment.style.color:
                triplet = segment.style.color.get_truecolor()
                found.add((triplet.red, triplet.green, triplet.blue))
            x += len(segment.text)
    return found


def rgb(app: App[None], variable: str) -> tuple[int, int, int]:
    return theme_colour(app, variable).rgb


async def test_a_lower_kl_is_coloured_better_and_a_higher_one_worse() -> None:
    weather = preset("weather")
    closer = weather.with_column(1, list(0.5 * weather.models[0].q + 0.5 * weather.p))
    farther = weather.with_column(1, [0.4, 0.2, 0.2, 0.2])
    for scenario, variable, sign in (
        (closer, "divtui-better", "−"),
        (farther, "divtui-worse", "+"),
    ):
        app = PanelHost(scenario, Baseline.pin(weather))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            panel = app.query_one(MetricsPanel)
            delta = scenario.measures[0].kl - weather.measures[0].kl
            text = f"{sign}{abs(delta):.4f}"
            assert text in shown_text(panel)
            assert colours_of(panel, text) == {rgb(app, variable)}


async def test_unchanged_values_show_no_delta() -> None:
    weather = preset("weather")
    two = weather.with_model_copy(0, "copy")
    edited = two.with_column(2, [0.4, 0.2, 0.2, 0.2])  # only the copy changes
    app = PanelHost(edited, Baseline.pin(two))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lines = shown_lines(app.query_one(MetricsPanel))
    h_row = next(line for line in lines if line.startswith("H(p) "))
    assert "±0" not in "\n".join(lines)
    assert h_row.split() == ["H(p)", "1.1055", "1.1055"], "H(p) did not move: no Δ"
    kl_row = next(line for line in lines if line.startswith("KL(p‖q)")).split()
    assert kl_row[1] == "0.2808" and kl_row[2] != "0.2808" and len(kl_row) == 4


async def test_nothing_changed_is_said_once() -> None:
    weather = preset("weather")
    app = PanelHost(weather, Baseline.pin(weather))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = shown_text(app.query_one(MetricsPanel))
    assert "nothing has changed since the baseline" in text
    assert "+0.0000" not in text and "−0.0000" not in text


async def test_with_label_smoothing_the_panel_names_p_prime() -> None:
    app = PanelHost(preset("label-smoothing"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = shown_text(app.query_one(MetricsPanel))
    assert "H(p′)" in text and "H(p′,q) = H(p′) + KL(p′‖q)" in text and "KL(p′‖q)" in text
    assert "H(p) " not in text and "H(p,q)" not in text

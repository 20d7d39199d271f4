"""A million outcomes through the app: opened from .npz, scrolled to the end, sorted, searched,
edited and saved, with the measures checked against scipy.

The oracle never uses divtui's code: KL terms come from scipy.special.rel_entr, measures from
scipy.stats.entropy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import scipy.special
import scipy.stats
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.pilot import Pilot

from divtui.app.screens.path_prompt import PathPromptScreen
from divtui.app.screens.prompt import PromptScreen
from divtui.app.widgets.distribution_table import DistributionTable
from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.core.analysis import Analysis
from divtui.core.formatting import format_value
from divtui.core.outcome_order import SortBy
from divtui.core.scenario import Scenario
from divtui.core.scenario_file import load_scenario

from .support import (
    SIZE,
    grid,
    main_screen,
    metrics_rows,
    new_app,
    settle,
    shown_lines,
    type_text,
)

N = 1_000_000


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(1_000_000)
    path = tmp_path_factory.mktemp("large") / "vocab.npz"
    np.savez(
        path,
        p=rng.dirichlet(np.full(N, 0.5)),
        q_student=rng.dirichlet(np.full(N, 0.5)),
        labels=np.array([f"tok{i}" for i in range(N)]),
    )
    return path


def kl_terms(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays = np.load(path)
    p, q = arrays["p"], arrays["q_student"]
    return p, q, scipy.special.rel_entr(p, q)


async def open_file(pilot: Pilot[None], path: Path) -> None:
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PathPromptScreen)
    await type_text(pilot, str(path))
    await pilot.press("enter")
    await pilot.pause()


def sorted_by(pilot: Pilot[None]) -> SortBy:
    return grid(pilot.app).sorting.by


def visible_labels(pilot: Pilot[None]) -> list[str]:
    """The label on each grid line on screen, below the header (after its rank, when the rows
    are sorted)."""
    ranked = grid(pilot.app).sorting.by is not SortBy.OUTCOME
    lines = [line.split() for line in shown_lines(grid(pilot.app))[1:] if line.strip()]
    return [words[1] if ranked else words[0] for words in lines]


async def test_a_million_outcomes_open_sort_search_edit_and_save(
    million: Path, tmp_path: Path
) -> None:
    million = Path(shutil.copy(million, tmp_path / "mine.npz"))  # this test saves over it
    p, q, terms = kl_terms(million)
    by_kl = np.argsort(-np.abs(terms), kind="stable")
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await open_file(pilot, million)
        assert screen.scenario.size == N
        table = grid(pilot.app)

        # Opened sorted by |KL term|, largest first: the rows on screen are scipy's top terms.
        assert sorted_by(pilot) is SortBy.KL
        shown = visible_labels(pilot)
        assert len(shown) > 10
        assert shown == [f"tok{i}" for i in by_kl[: len(shown)]]
        kl_column = [grid(pilot.app).get_cell_at(Coordinate(row, 3)).plain for row in range(3)]
        assert table.headers[3] == "KL term ▼  cum %"
        # Each term, then the cumulative share of KL down to its row (scipy's terms).
        shares = np.cumsum(terms[by_kl[:3]]) / np.sum(terms)
        assert kl_column == [
            f"{format_value(float(terms[i]), 4)} {f'{100 * share:.1f}%':>6}"
            for i, share in zip(by_kl[:3], shares, strict=True)
        ]
        assert "1,000,000 outcomes, by |KL| of student ▼ · o sort · / find" in str(
            screen.query_one("#table-panel").border_subtitle
        )

        # The end of the table: the smallest term, drawn on screen.
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_coordinate.row == N - 1
        assert table.cursor_outcome == by_kl[-1]
        assert visible_labels(pilot)[-1] == f"tok{by_kl[-1]}"

        # o cycles to outcome order, then to labels: the view and the cursor go to the top,
        # where the new order starts.
        await pilot.press("o")
        await pilot.pause()
        assert sorted_by(pilot) is SortBy.OUTCOME
        assert table.cursor_coordinate.row == 0 and table.cursor_outcome == 0
        assert visible_labels(pilot)[:3] == ["tok0", "tok1", "tok2"]
        await pilot.press("o", "o")  # label, then p
        await pilot.pause()
        assert sorted_by(pilot) is SortBy.P
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_outcome == int(np.argmax(p))

        # / finds a label: exactly, else by its start.
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptScreen)
        await type_text(pilot, "tok999999")
        await pilot.press("enter")
        await pilot.pause()
        assert table.cursor_outcome == 999_999
        assert f"tok{999_999}" in visible_labels(pilot)

        # An edit of p there: applied, renormalised, and measured as scipy measures it.
        await pilot.press("0", ".", "5", "enter")  # a digit on a cell starts editing it
        await pilot.pause()
        edited = screen.scenario
        assert edited.p_target[999_999] == 0.5
        others = np.delete(p, 999_999)
        expected_p = np.insert(others * (0.5 / others.sum()), 999_999, 0.5)
        np.testing.assert_allclose(edited.p_target, expected_p, rtol=1e-12, atol=0)
        (measures,) = edited.measures
        assert measures.kl == pytest.approx(scipy.stats.entropy(expected_p, q), rel=1e-9)
        assert measures.entropy_p == pytest.approx(scipy.stats.entropy(expected_p), rel=1e-12)
        assert metrics_rows(pilot.app)["KL(p‖q)"] == [f"{measures.kl:.4f}"]
        assert table.cursor_outcome == 999_999, "an edit keeps the row under the cursor"

        # Saving writes the .npz it came from, and it opens again as the same scenario.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.session.has_unsaved_changes
        assert load_scenario(million) == edited


async def test_a_large_scenario_saved_as_toml_goes_to_npz(million: Path, tmp_path: Path) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await open_file(pilot, million)
        await pilot.app.run_action("run('save_as')", screen)  # ctrl+shift+s: few terminals
        await pilot.pause()
        await pilot.press("ctrl+a", "shift+end")  # replace the path offered
        await type_text(pilot, str(tmp_path / "copy.toml"))
        await pilot.press("enter")
        await pilot.pause()
        assert not (tmp_path / "copy.toml").exists()
        assert screen.session.path == tmp_path / "copy.npz"
        assert load_scenario(tmp_path / "copy.npz") == screen.scenario


async def test_a_table_of_a_million_rows_is_laid_out_no_taller_than_its_budget() -> None:
    """Laid out unbounded even once, a million-line grid cost Textual a second and 150 MB."""
    size = 1_000_000
    scenario = Scenario.build(
        [f"w{i}" for i in range(size)], np.ones(size), [("m", np.arange(1.0, size + 1))]
    )

    class TableAlone(App[None]):
        def compose(self) -> ComposeResult:
            yield DistributionTable(id="table")

        def on_mount(self) -> None:
            self.query_one(DistributionTable).analysis = Analysis.of(scenario)

    async with TableAlone().run_test(size=(80, 60)) as pilot:
        await pilot.pause()
        table = pilot.app.query_one(OutcomeGrid)
        assert table.row_count == size
        assert 0 < table.size.height <= 24

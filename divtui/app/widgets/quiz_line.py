"""The classroom mode's line: a question about the scenario's KL, answered with one key, then
the numbers and the picture revealed with the reason. The core asks and grades (`core.quiz`);
this line holds the turn and the score, and hides KL in the measures and the charts while a
question is open."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget

from divtui.app.colours import rich_colour
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.core.analysis import Analysis
from divtui.core.quiz import (
    Kind,
    Question,
    Score,
    Verdict,
    grade,
    next_question,
    practice_scenarios,
)

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen

ANSWER_KEYS = ("1", "2", "u", "d", "a", "b")
"""Every key a question may be answered with (each question takes two of them)."""


class QuizLine(Widget, can_focus=True):
    """One question at a time: asked (KL hidden), answered, revealed with its reason."""

    DEFAULT_CSS = """
    QuizLine { height: auto; padding: 0 1; background: $boost; }
    QuizLine:focus { background: $primary 25%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"answer({key!r})", "Answer", show=False) for key in ANSWER_KEYS),
        Binding("enter,space,n", "next", "Next question", show=False),
        Binding("N", "practice", "New scenario", show=False),
    ]
    """The answer keys while a question is open; Enter (or n, space) for the next question,
    N for the next practice scenario (a preset or a seeded random one) and a question on it."""

    def __init__(self, main: MainScreen) -> None:
        super().__init__(id="quiz")
        self.main = main
        """The screen asked about (its analysis is watched)."""
        self.score = Score()
        """Right answers out of questions graded."""
        self.question: Question | None = None
        self.answer: str | None = None
        """The key given (for a DIRECTION question, before the edit it predicts)."""
        self.verdict: Verdict | None = None
        self.turn = 0
        self.active = True
        """False once the mode is left (the line is being removed)."""
        self.practice = practice_scenarios()
        """The scenarios N brings in turn: the presets, then seeded random ones."""

    def on_mount(self) -> None:
        self.watch(self.main, "analysis", self._on_analysis, init=False)
        self.ask()

    @property
    def phase(self) -> str:
        """asking, waiting (for the edit a DIRECTION answer predicts) or revealed."""
        if self.verdict is not None:
            return "revealed"
        return "waiting" if self.answer is not None else "asking"

    def ask(self, *, focus: bool = True) -> None:
        """The next question about the scenario as it is now; KL hidden until it is answered."""
        scenario = self.main.scenario
        model = max(0, min(self.main.chart_model, len(scenario.models) - 1))
        self.question = next_question(scenario, self.turn, model)
        self.turn += 1
        self.answer = self.verdict = None
        self.hide(True)
        if focus:
            self.focus()
        self.refresh(layout=True)

    def hide(self, hidden: bool) -> None:
        """Hide (or show) KL and what gives it away in the measures and the charts."""
        self.main.query_one(MetricsPanel).hide_kl = hidden
        self.main.query_one(DecompositionChart).hide_kl = hidden
        self.main.query_one(OutcomeChart).hide_kl = hidden

    def leave(self) -> None:
        """The mode ends: everything is shown again."""
        self.active = False
        self.hide(False)

    def action_answer(self, key: str) -> None:
        """Answer the open question with `key` (other keys are ignored)."""
        question = self.question
        if question is None or self.phase != "asking" or key not in question.keys:
            self.app.bell()
            return
        self.answer = key
        if question.kind is Kind.DIRECTION:
            # Graded after the edit: the table gets the keys back to make it.
            self.main.query_one(OutcomeGrid).focus()
            self.refresh(layout=True)
            return
        self._reveal(grade(question, key, self.main.scenario))

    def action_next(self) -> None:
        """The next question, once this one is revealed."""
        if self.phase == "revealed":
            self.ask()

    def action_practice(self) -> None:
        """Replace the scenario by the next practice one (undoable) and ask about it."""
        if self.phase != "revealed":
            self.app.bell()
            return
        self.main.replace_scenario(next(self.practice), None)
        self.ask()

    def _reveal(self, verdict: Verdict | None) -> None:
        if verdict is None:
            return
        self.verdict = verdict
        self.score = self.score.add(verdict)
        self.hide(False)
        self.main.update_titles()
        # After the edit's own answer, which gives the table its focus back.
        self.call_after_refresh(self.focus)
        self.refresh(layout=True)

    def _on_analysis(self, analysis: Analysis) -> None:
        if not self.active or self.question is None:
            return
        if self.phase == "waiting" and self.answer is not None:
            self._reveal(grade(self.question, self.answer, analysis.scenario))
        elif self.phase == "asking":
            # The scenario changed under an open question: ask about the new one instead.
            self.turn -= 1
            self.ask(focus=False)

    def render(self) -> RenderableType:
        question = self.question
        if question is None:
            return ""
        keys = " or ".join(question.keys)
        if self.phase == "asking":
            first = Text.assemble(("Predict: ", "bold"), question.prompt)
            second = f"answer with {keys} · P leaves the classroom mode"
        elif self.phase == "waiting":
            said = question.choices[question.keys.index(self.answer or question.keys[0])]
            first = Text.assemble(
                ("Predict: ", "bold"), f"you said {said}. Now make your edit in the table."
            )
            second = "the answer is revealed after your edit · P leaves the classroom mode"
        else:
            verdict = self.verdict
            assert verdict is not None
            if verdict.correct is None:
                mark, style = "– Dropped: ", Style(bold=True)
            elif verdict.correct:
                mark, style = "✓ Right: ", Style(bold=True, color=rich_colour(self.app, "success"))
            else:
                mark, style = (
                    "✗ Not quite: ",
                    Style(bold=True, color=rich_colour(self.app, "error")),
                )
            first = Text.assemble((mark, style), verdict.reason)
            second = f"score {self.score.text} · Enter: next question · N: new scenario · P leaves"
        return Group(first, Text(second, style="dim"))


def quiz_score(screen: MainScreen) -> str | None:
    """The classroom mode's score for the header (`3/4`), or None outside the mode."""
    found = screen.query(QuizLine)
    line = found.first() if found else None
    return line.score.text if line is not None and line.active else None

"""The measures panel's selection: one measure (a row) of one model (a column), moved with the
arrows and kept within the rows and models shown. A plain value, so the panel replaces it."""

from __future__ import annotations

from dataclasses import dataclass

from divtui.core.explain import RENYI

HIDDEN = frozenset({"cross_entropy", "kl", "reverse_kl", "js_divergence", "perplexity", RENYI})
"""What the classroom mode hides while its question is open: KL and every measure that would
give it away (H(p,q) − H(p) is KL; perplexity is exp H(p,q); JS ranks models as KL does; D_α
is KL at α = 1)."""

DEFAULT_FIELD = "kl"
"""The measure selected at first: the one the article is about."""


@dataclass(frozen=True, slots=True)
class MeasureCursor:
    """The selected measure (a PairMeasures field) and model index."""

    field: str = DEFAULT_FIELD
    model: int = 0

    def within(self, fields: list[str], models: int) -> tuple[str, int]:
        """(field, model) inside what is shown: KL(p‖q) when the field's row is not shown, the
        last model when the model is gone."""
        field = self.field if self.field in fields else DEFAULT_FIELD
        if field not in fields:
            field = fields[0]
        return field, max(0, min(self.model, models - 1))

    def moved(self, rows: int, columns: int, fields: list[str], models: int) -> MeasureCursor:
        """The selection moved by `rows` rows and `columns` models, stopping at the edges."""
        field, model = self.within(fields, models)
        row = max(0, min(fields.index(field) + rows, len(fields) - 1))
        return MeasureCursor(fields[row], max(0, min(model + columns, models - 1)))

"""Text cut or padded to a width in terminal cells, where wide characters count as two (Rich measures them)."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


def fit(text: str, width: int) -> str:
    """Exactly `width` terminal cells: padded, or cut with an ellipsis (wide characters count as two)."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(0, width - 1)) + "…"
